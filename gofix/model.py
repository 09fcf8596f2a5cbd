"""Moved to gofix.analysis.model; this module is an alias of it so that old imports keep
working until every caller imports gofix.analysis (the import-graph test tracks them)."""

import sys

from gofix.analysis import model as _moved

sys.modules[__name__] = _moved
