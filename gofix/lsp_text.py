"""Text bookkeeping for the language server: positions, content changes, edits.

LSP positions are (line, character) pairs whose `character` counts code units of the
negotiated position encoding (UTF-8, UTF-16 or UTF-32), and whose lines end at `\\n`,
`\\r\\n` or `\\r`. The engine speaks UTF-8 byte offsets. Everything here is pure (no
pygls, no lsprotocol) so it can be tested on its own.
"""

from __future__ import annotations

import bisect
import difflib
import re
from dataclasses import dataclass

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"

_EOL_STR = re.compile(r"\r\n|\r|\n")
_EOL_BYTES = re.compile(rb"\r\n|\r|\n")

Pos = tuple[int, int]  # (line, character), both 0-based, character in encoding units


def units(text: str, encoding: str) -> int:
    """The length of text in code units of the position encoding."""
    if encoding == UTF8:
        return len(text.encode("utf-8"))
    if encoding == UTF32:
        return len(text)
    return len(text) + sum(1 for c in text if ord(c) > 0xFFFF)  # UTF-16: surrogate pairs


def _index_for_units(line: str, count: int, encoding: str) -> int:
    """The code point index in line after `count` code units (clamped to the line)."""
    if encoding == UTF32:
        return min(max(count, 0), len(line))
    used = 0
    for i, c in enumerate(line):
        if used >= count:
            return i
        if encoding == UTF8:
            used += len(c.encode("utf-8"))
        else:
            used += 2 if ord(c) > 0xFFFF else 1
    return len(line)


_LAST_STARTS: tuple = (None, [])  # (text, its line starts): one change asks four times about one text


def _line_starts(text: str | bytes) -> list[int]:
    global _LAST_STARTS
    last = _LAST_STARTS  # (read once: the server's threads share it)
    if last[0] is text:
        return last[1]
    pattern = _EOL_STR if isinstance(text, str) else _EOL_BYTES
    starts = [0] + [m.end() for m in pattern.finditer(text)]
    _LAST_STARTS = (text, starts)
    return starts


def offset_at(text: str, pos: Pos, encoding: str) -> int:
    """The str index of an LSP position in text (clamped, as clients may overshoot)."""
    starts = _line_starts(text)
    line, character = pos
    if line < 0:
        return 0
    if line >= len(starts):
        return len(text)
    start = starts[line]
    end = starts[line + 1] if line + 1 < len(starts) else len(text)
    content = text[start:end].rstrip("\r\n")
    return start + _index_for_units(content, character, encoding)


def apply_change(text: str, start: Pos | None, end: Pos | None, new: str, encoding: str) -> str:
    """The text after one `didChange` content change (range None: the whole text)."""
    if start is None or end is None:
        return new
    a = offset_at(text, start, encoding)
    b = offset_at(text, end, encoding)
    if b < a:
        a, b = b, a
    return text[:a] + new + text[b:]


def plain(src: bytes) -> bool:
    """No BOM and no CR: the bytes the rules see are the buffer's, line for line."""
    return b"\r" not in src and not src.startswith(b"\xef\xbb\xbf")


def tree_edit(text: str, start: Pos, end: Pos, new: str, encoding: str) -> dict | None:
    """tree-sitter's Tree.edit arguments for one `didChange` range change of text (before
    the change): UTF-8 byte offsets and (row, byte column) points. None when text or new
    holds a CR or a BOM (LSP's lines and tree-sitter's rows could then differ)."""
    if "\r" in text or "\r" in new or text.startswith("\ufeff") or (start[0] == 0 and new.startswith("\ufeff")):
        return None
    a = offset_at(text, start, encoding)
    b = offset_at(text, end, encoding)
    if b < a:
        a, b = b, a

    def utf8(s: str) -> int:
        return len(s.encode("utf-8", errors="surrogatepass"))

    def point(i: int) -> tuple[int, int]:
        row = text.count("\n", 0, i)
        line_start = text.rfind("\n", 0, i) + 1
        return row, utf8(text[line_start:i])

    start_byte = utf8(text[:a])
    old_end_byte = start_byte + utf8(text[a:b])
    sp, op = point(a), point(b)
    nl = new.count("\n")
    tail = utf8(new[new.rfind("\n") + 1:]) if nl else sp[1] + utf8(new)
    return {"start_byte": start_byte, "old_end_byte": old_end_byte, "new_end_byte": start_byte + utf8(new),
            "start_point": sp, "old_end_point": op, "new_end_point": (sp[0] + nl, tail)}


class ByteIndex:
    """Maps UTF-8 byte offsets of a source to LSP positions in one encoding."""

    def __init__(self, src: bytes, encoding: str) -> None:
        self.src = src
        self.encoding = encoding
        self.starts = _line_starts(src)

    def position(self, offset: int) -> Pos:
        offset = min(max(offset, 0), len(self.src))
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        if self.encoding == UTF8:
            return line, offset - start
        prefix = self.src[start:offset].decode("utf-8", errors="replace")
        return line, units(prefix, self.encoding)

    def range(self, start: int, end: int) -> tuple[Pos, Pos]:
        return self.position(start), self.position(end)


@dataclass(frozen=True)
class TextEdit:
    start: Pos
    end: Pos
    text: str


def byte_edits(src: bytes, edits, encoding: str) -> list[TextEdit]:
    """LSP edits for engine edits (objects with start/end byte offsets and text bytes)."""
    index = ByteIndex(src, encoding)
    return [TextEdit(*index.range(e.start, e.end), e.text.decode("utf-8")) for e in sorted(edits)]


def diff_edits(before: bytes, after: bytes, encoding: str) -> list[TextEdit]:
    """Minimal line-level LSP edits turning before into after.

    Whole lines are replaced, so cursors and folds elsewhere in the editor stay put;
    applying the edits to before gives after byte for byte. The lines both share at the
    start and at the end are set aside before the diff (a fix-all touches a few functions
    of a long buffer: the diff then costs those, not the buffer).
    """
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    head = 0
    while head < len(a) and head < len(b) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < len(a) - head and tail < len(b) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    offsets = [0]
    for line in a:
        offsets.append(offsets[-1] + len(line))
    index = ByteIndex(before, encoding)
    out: list[TextEdit] = []
    matcher = difflib.SequenceMatcher(None, a[head:len(a) - tail], b[head:len(b) - tail], autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        text = b"".join(b[head + j1:head + j2]).decode("utf-8")
        out.append(TextEdit(index.position(offsets[head + i1]), index.position(offsets[head + i2]), text))
    return out


def apply_text_edits(text: str, edits: list[TextEdit], encoding: str) -> str:
    """Apply non-overlapping LSP edits that all refer to text (as a client does)."""
    spans = [(offset_at(text, e.start, encoding), offset_at(text, e.end, encoding), i, e.text)
             for i, e in enumerate(edits)]
    for a, b, _, new in sorted(spans, reverse=True):  # from the end; same-spot inserts keep order
        text = text[:a] + new + text[b:]
    return text
