"""Moved to gofix.analysis.context; this module is an alias of it so that old imports keep
working until every caller imports gofix.analysis (the import-graph test tracks them)."""

import sys

from gofix.analysis import context as _moved

sys.modules[__name__] = _moved
