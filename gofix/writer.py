"""Writing fixed files safely: temp file in the same directory, fsync, rename, mode kept."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


class WriteError(Exception):
    pass


def write_atomic(path: Path, data: bytes) -> None:
    """Replace path's contents with data so that readers see the old or the new file, never
    a half-written one. Keeps the file's permission bits. Raises WriteError with a clear
    reason (read-only file or directory, ...) and leaves the original untouched."""
    try:
        st = path.stat()
    except OSError as e:
        raise WriteError(f"cannot stat: {e.strerror or e}") from e
    if not os.access(path, os.W_OK):
        raise WriteError("file is read-only; not modified")
    directory = path.parent
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".gofix-tmp", dir=directory)
    except OSError as e:
        raise WriteError(f"cannot create a temporary file in {directory}: {e.strerror or e}; not modified") from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        os.replace(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise WriteError(f"cannot write: {e.strerror or e}; not modified") from e
    try:
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
