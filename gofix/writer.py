"""Writing fixed files safely, and the text layout (CRLF, BOM) a file is read and written in.

`write_atomic` replaces a file so that a reader sees the old or the new contents, never a
half-written file: a temporary file in the same directory, fsync, rename, fsync of the
directory. It keeps the permission bits (and the owner, when it may), refuses read-only
files and directories, files that changed on disk since they were read, and symbolic links
that lead out of the scanned tree; a link inside the tree is written through (the link stays
a link). Any refusal raises WriteError with a one-line reason and leaves the file as it was.

`Layout` is how rules stay simple: the engine hands them the text with a UTF-8 byte order
mark removed and CRLF line endings turned into LF, and maps the results back, so that the
fixed bytes keep the file's own BOM and line endings and every byte offset in a finding or
an edit (JSON output included) is an offset into the file as it is on disk.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: no advisory locks; the two content checks remain
    fcntl = None  # type: ignore[assignment]

BOM = b"\xef\xbb\xbf"


class WriteError(Exception):
    pass


# --- layout --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    bom: bool = False  # starts with a UTF-8 byte order mark
    crlf: bool = False  # every line ends with CRLF (a file with mixed endings is left as is)

    @staticmethod
    def of(src: bytes) -> "Layout":
        bom = src.startswith(BOM)
        body = src[len(BOM):] if bom else src
        lf = body.count(b"\n")
        return Layout(bom, lf > 0 and body.count(b"\r\n") == lf)

    @property
    def plain(self) -> bool:
        return not self.bom and not self.crlf

    def normalize(self, src: bytes) -> bytes:
        """The text rules see: no BOM, LF line endings."""
        if self.bom:
            src = src[len(BOM):]
        if self.crlf:
            src = src.replace(b"\r\n", b"\n")
        return src

    def restore(self, text: bytes) -> bytes:
        """normalize's inverse: restore(normalize(src)) == src for the src the layout came from."""
        if self.crlf:
            text = text.replace(b"\n", b"\r\n")
        return BOM + text if self.bom else text

    def offset(self, text: bytes, n: int) -> int:
        """The offset in the original file of offset n in the normalised text."""
        return n + (len(BOM) if self.bom else 0) + (text.count(b"\n", 0, n) if self.crlf else 0)

    def restore_result(self, result, src: bytes, text: bytes):
        """A FileResult computed on normalize(src), in the file's own terms."""
        if self.plain:
            return result
        from gofix.model import Edit

        def edit(e: Edit) -> Edit:
            body = e.text.replace(b"\n", b"\r\n") if self.crlf else e.text
            return Edit(self.offset(text, e.start), self.offset(text, e.end), body)

        def finding(f):
            fx = f.fix
            if fx is not None:
                fx = replace(fx, edits=tuple(edit(e) for e in fx.edits),
                             scope=None if fx.scope is None else
                             (self.offset(text, fx.scope[0]), self.offset(text, fx.scope[1])))
            return replace(f, start_byte=self.offset(text, f.start_byte),
                           end_byte=self.offset(text, f.end_byte), fix=fx,
                           start=first_line(f.start), end=first_line(f.end))

        def first_line(pos):
            # go/token counts the BOM's 3 bytes in first-line columns; so do we
            return replace(pos, column=pos.column + len(BOM)) if self.bom and pos.line == 1 else pos

        out = replace(result)
        out.findings = [finding(f) for f in result.findings]
        out.applied = [finding(f) for f in result.applied]  # first-pass ones map exactly
        if result.source is not None:
            out.source = src
        if result.fixed is not None:
            out.fixed = self.restore(result.fixed)
        return out


# --- writing -------------------------------------------------------------------------------------


def _writable(path: Path, st: os.stat_result) -> bool:
    """Writable, by the mode bits when running as root (root may write anything, but a file
    or directory marked read-only says "do not modify")."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return bool(st.st_mode & 0o222)
    return os.access(path, os.W_OK)


def inside(path: Path, roots: Sequence[Path]) -> bool:
    """Whether path (already resolved) lies in one of roots (resolved)."""
    for root in roots:
        try:
            path.relative_to(root)
            return True
        except ValueError:
            continue
    return False


def scan_roots(paths: Sequence[Path]) -> list[Path]:
    """The trees a run scans: each directory given, and the directory of each file given
    (resolved, but a file's own link is not followed)."""
    roots = []
    for p in paths:
        p = Path(p)
        try:
            roots.append(p.resolve() if p.is_dir() else p.absolute().parent.resolve())
        except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop
            continue
    return roots


def resolve_target(path: Path, roots: Sequence[Path] | None = None) -> Path:
    """The file a write to path really changes; WriteError for a link out of the scanned tree."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as e:  # RuntimeError: a symlink loop
        raise WriteError(f"cannot resolve: {getattr(e, 'strerror', None) or e}; not modified") from e
    if roots is not None and not inside(real, roots):
        raise WriteError(f"is a symbolic link (or under one) to {real}, outside the scanned tree; not modified")
    return real


def write_atomic(path: Path, data: bytes, expected: bytes | None = None,
                 roots: Sequence[Path] | None = None) -> None:
    """Replace path's contents with data so that readers see the old or the new file, never
    a half-written one, and so that no concurrent update is lost.

    Args:
        path: the file (a symbolic link is written through when its target is inside roots).
        data: the new contents.
        expected: the contents the new ones were computed from; if the file no longer has
            them (edited meanwhile), nothing is written.
        roots: the scanned trees (see scan_roots); None: no containment check.

    The file is checked twice against `expected`: once before the temporary file is
    written, and again (stat and bytes) right before the rename, while an advisory
    lock (flock) on the file is held from the first check to the rename. Two gofix
    processes writing the same file are serialised by the lock, and the second one sees
    the first one's bytes and refuses; an editor (which takes no lock) that saves while the
    temporary file is written and synced is caught by the second check. What is left is the
    few microseconds between the second check and the rename.

    Raises:
        WriteError: with a one-line reason; the file is left untouched.
    """
    target = resolve_target(path, roots)
    try:
        st = target.stat()
    except OSError as e:
        raise WriteError(f"cannot stat: {e.strerror or e}; not modified") from e
    if not stat.S_ISREG(st.st_mode):
        raise WriteError("not a regular file; not modified")
    if st.st_nlink > 1:
        # A rename would give this name a new inode and leave the other names with the old
        # contents (a silent split); writing in place would keep the link but is not atomic
        # (a crash leaves half a file), and the other names may lie outside the scanned tree.
        raise WriteError(f"has {st.st_nlink} hard links (a rename would split them, writing in place "
                         "is not atomic); not modified")
    if not _writable(target, st):
        raise WriteError("file is read-only; not modified")
    directory = target.parent
    try:
        dst = directory.stat()
    except OSError as e:
        raise WriteError(f"cannot stat directory {directory}: {e.strerror or e}; not modified") from e
    if not _writable(directory, dst):
        raise WriteError(f"directory {directory} is read-only (a safe write needs a temporary file there); not modified")
    with _locked(target) as lock_fd:
        if expected is not None:
            st = _check_unchanged(target, lock_fd, expected)
        _replace(target, directory, data, st, expected)
    _sync_directory(directory)


CHANGED = "file changed on disk while gofix was running; not modified"
TEMP_SUFFIX = ".gofix-tmp"
# tempfile.mkstemp(prefix=".<name>.", suffix=TEMP_SUFFIX): 8 characters of its alphabet
_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}" + re.escape(TEMP_SUFFIX))


@contextmanager
def _locked(target: Path):
    """An exclusive advisory lock (flock) on the file, held for the check and the rename.
    Yields the locked descriptor (None where flock is unavailable)."""
    try:
        fd = os.open(target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise WriteError(f"cannot open: {e.strerror or e}; not modified") from e
    try:
        _flock(fd)
        yield fd
    finally:
        os.close(fd)  # releases the lock


LOCK_WAIT = 10.0  # seconds to wait for another process's lock on the same file


def _flock(fd: int) -> None:
    if fcntl is None:
        return
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise WriteError(f"locked by another process for over {LOCK_WAIT:.0f} s; not modified") from None
            time.sleep(0.005)
        except OSError:
            return  # a file system without flock: the two content checks remain


def _same_file(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns, a.st_ctime_ns) == \
           (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns, b.st_ctime_ns)


def _check_unchanged(target: Path, fd: int, expected: bytes) -> os.stat_result:
    """The first check, through the locked descriptor: its stat, if it holds `expected`
    (and the name still points at it)."""
    try:
        st = os.fstat(fd)
        current = _read_fd(fd, len(expected) + 1)
        now = os.stat(target)
    except OSError as e:
        raise WriteError(f"cannot read: {e.strerror or e}; not modified") from e
    if current != expected or not _same_file(st, now):
        raise WriteError(CHANGED)
    return st


def _read_fd(fd: int, limit: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks, n = [], 0
    while n < limit:
        b = os.read(fd, min(1 << 20, limit - n))
        if not b:
            break
        chunks.append(b)
        n += len(b)
    return b"".join(chunks)


def _replace(target: Path, directory: Path, data: bytes, st: os.stat_result, expected: bytes | None) -> None:
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=TEMP_SUFFIX, dir=directory)
    except OSError as e:
        raise WriteError(f"cannot create a temporary file in {directory}: {e.strerror or e}; not modified") from e
    try:
        with os.fdopen(fd, "wb") as f:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # in use: stale-temp cleanup leaves it alone
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            _keep_owner_and_mode(tmp, st)
            if expected is not None:
                _recheck(target, st, expected)
            os.replace(tmp, target)
    except WriteError:
        _unlink(tmp)
        raise
    except OSError as e:
        _unlink(tmp)
        raise WriteError(f"cannot write: {e.strerror or e}; not modified") from e


def _keep_owner_and_mode(tmp: str, st: os.stat_result) -> None:
    """Owner first, then mode: chown clears the setuid and setgid bits, so a chmod before
    it would lose them."""
    mode = stat.S_IMODE(st.st_mode)
    if hasattr(os, "chown"):
        try:
            os.chown(tmp, st.st_uid, st.st_gid)
        except OSError as e:
            if mode & (stat.S_ISUID | stat.S_ISGID) and os.stat(tmp).st_uid != st.st_uid:
                # the new file would be setuid/setgid and owned by us instead: refuse
                raise WriteError(f"cannot keep the owner of a setuid/setgid file ({e.strerror or e}); "
                                 "not modified") from e
            # not allowed to give the file away: it keeps the writer's owner
    os.chmod(tmp, mode)


def _recheck(target: Path, st: os.stat_result, expected: bytes) -> None:
    """The second check, right before the rename: the same stat and the same bytes."""
    try:
        now = os.stat(target)
        with open(target, "rb") as f:
            current = f.read(len(expected) + 1)
    except OSError as e:
        raise WriteError(f"cannot read: {e.strerror or e}; not modified") from e
    if not _same_file(st, now) or current != expected:
        raise WriteError(CHANGED)


def _unlink(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def remove_stale_temps(directories: Iterable[str | Path]) -> list[Path]:
    """Remove the temporary files a killed gofix left behind in these directories: only
    names of gofix's exact pattern (`.<name>.<8 characters>.gofix-tmp`), only regular
    files, and only those no running gofix is writing (it holds a lock on its temporary
    file). Returns the paths removed."""
    removed = []
    for d in directories:
        try:
            with os.scandir(d) as it:
                names = [e for e in it if e.name.endswith(TEMP_SUFFIX) and _TEMP_NAME.fullmatch(e.name)]
        except OSError:
            continue
        for e in names:
            try:
                if not e.is_file(follow_symlinks=False):
                    continue
                fd = os.open(e.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
            except OSError:
                continue
            try:
                if fcntl is not None:
                    try:
                        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    except OSError:
                        continue  # a running write
                os.unlink(e.path)
                removed.append(Path(e.path))
            except OSError:
                continue
            finally:
                os.close(fd)
    return removed


def _sync_directory(directory: Path) -> None:
    try:
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass
