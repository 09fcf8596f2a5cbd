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
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

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
        except OSError:
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
    a half-written one.

    Args:
        path: the file (a symbolic link is written through when its target is inside roots).
        data: the new contents.
        expected: the contents the new ones were computed from; if the file no longer has
            them (edited meanwhile), nothing is written.
        roots: the scanned trees (see scan_roots); None: no containment check.

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
    if not _writable(target, st):
        raise WriteError("file is read-only; not modified")
    directory = target.parent
    try:
        dst = directory.stat()
    except OSError as e:
        raise WriteError(f"cannot stat directory {directory}: {e.strerror or e}; not modified") from e
    if not _writable(directory, dst):
        raise WriteError(f"directory {directory} is read-only (a safe write needs a temporary file there); not modified")
    if expected is not None:
        try:
            current = target.read_bytes()
        except OSError as e:
            raise WriteError(f"cannot read: {e.strerror or e}; not modified") from e
        if current != expected:
            raise WriteError("file changed on disk while gofix was running; not modified")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".gofix-tmp", dir=directory)
    except OSError as e:
        raise WriteError(f"cannot create a temporary file in {directory}: {e.strerror or e}; not modified") from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, stat.S_IMODE(st.st_mode))
        if hasattr(os, "chown"):
            try:
                os.chown(tmp, st.st_uid, st.st_gid)
            except OSError:
                pass  # not allowed to give the file away: it keeps the writer's owner
        os.replace(tmp, target)
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
