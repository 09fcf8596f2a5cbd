"""Reading input files without hanging or exhausting memory on whatever a path names.

Only regular files are read. A FIFO would block the reader forever (at open, until some
writer appears), a character device such as /dev/zero never ends and reports size 0, and
a socket cannot be opened at all: each is refused with a one-line reason before it is
opened. Reading stops one byte past the size limit whatever `st_size` says, and the file is
opened non-blocking, so a name swapped for a FIFO between the check and the open does not
hang either. Symbolic link loops and dangling links get a reason of their own.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

CHUNK = 1 << 20


class ReadError(Exception):
    """A one-line reason why a file was not read."""


def kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def not_regular(mode: int) -> str:
    return f"not a regular file ({kind(mode)}); skipped"


def stat_error(path: str | os.PathLike, e: OSError) -> str:
    """The one-line reason for a failed stat of path."""
    if e.errno == errno.ELOOP:
        return "symbolic link loop; skipped"
    if isinstance(e, FileNotFoundError) and os.path.islink(path):
        return f"dangling symbolic link (to {os.readlink(path)}); skipped"
    if isinstance(e, FileNotFoundError):
        return "no such file or directory"
    if isinstance(e, PermissionError):
        return "permission denied"
    return e.strerror or str(e)


def check_regular(path: str | os.PathLike) -> os.stat_result:
    """path's stat (links followed) if it is a regular file; ReadError otherwise."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise ReadError(stat_error(path, e)) from e
    if stat.S_ISDIR(st.st_mode):
        raise ReadError("is a directory")
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(not_regular(st.st_mode))
    return st


def over_limit(size: int | None, limit: int) -> str:
    if size is None:
        return f"file is over the {limit}-byte limit; skipped"
    return f"file is {size} bytes, over the {limit}-byte limit; skipped"


def read_regular(path: str | os.PathLike, limit: int) -> bytes:
    """The bytes of a regular file of at most limit bytes; ReadError with the reason otherwise."""
    st = check_regular(path)
    if st.st_size > limit:
        raise ReadError(over_limit(st.st_size, limit))
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise ReadError(stat_error(path, e)) from e
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped since the stat
            raise ReadError(not_regular(st.st_mode))
        chunks: list[bytes] = []
        n = 0
        while n <= limit:
            b = os.read(fd, min(CHUNK, limit + 1 - n))
            if not b:
                break
            chunks.append(b)
            n += len(b)
    except OSError as e:
        raise ReadError(e.strerror or str(e)) from e
    finally:
        os.close(fd)
    if n > limit:
        raise ReadError(over_limit(None, limit))  # st_size said less: it lied, or the file grew
    return b"".join(chunks)


def open_regular(path: str | os.PathLike):
    """A binary file object for streaming a regular file (any size); ReadError otherwise."""
    check_regular(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise ReadError(stat_error(path, e)) from e
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise ReadError(not_regular(st.st_mode))
    return os.fdopen(fd, "rb")


def resolve_or_absolute(path: Path) -> Path:
    """path resolved, or (a link loop) made absolute without resolving."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
