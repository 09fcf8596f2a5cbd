"""LSP base-protocol framing that survives bad frames.

A message is `Content-Length: N\\r\\n` (other header lines allowed) `\\r\\n` and N bytes of
JSON. pygls' reader trusts every frame: a missing Content-Length makes it read the body as
header lines (swallowing the next message's header), a length that is too long swallows
the start of the next message, and each of those loses the messages after it until the
stream happens to line up again. `Frames` instead parses a byte buffer: a frame whose
header has no valid Content-Length, or whose body is not one JSON value, is reported as
bad, and reading resynchronises at the next `Content-Length:` header, also when that
header lies inside the bytes the bad frame claimed. Bad frames are answered with a JSON-RPC
Parse error (id null) by the caller; the messages after them are all delivered.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

HEADER_END = b"\r\n\r\n"
MARK = re.compile(rb"content-length:", re.I)  # header names are case-insensitive
MARK_LEN = len(b"content-length:")
MAX_HEADER = 64 * 1024  # bytes of header lines without the blank line: garbage, dropped
MAX_BODY = 256 * 1024 * 1024  # no real message is larger (a whole file's text is far less)
_LENGTH = re.compile(rb"^content-length:[ \t]*(\d{1,12})[ \t]*\r?$", re.I | re.M)


@dataclass(frozen=True)
class Bad:
    """A frame that could not be used, with why."""

    reason: str


class Frames:
    """Feed bytes as they arrive; get back whole message bodies (bytes of one JSON value)
    and Bad entries, in stream order."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.resync = False  # after a bad frame: skip to the next Content-Length header
        self.scanned = 0  # the waiting body has no header-like text before this offset

    def feed(self, data: bytes) -> list[bytes | Bad]:
        self.buf += data
        out: list[bytes | Bad] = []
        while True:
            item = self._next()
            if item is None:
                return out
            out.append(item)

    def _skip_to_header(self) -> bool:
        """Drop bytes before the next Content-Length header; False if none is there yet."""
        m = MARK.search(self.buf)
        if m is None:
            keep = MARK_LEN - 1  # a header split across two reads
            del self.buf[:max(0, len(self.buf) - keep)]
            return False
        del self.buf[:m.start()]
        self.resync = False
        return True

    def _next(self) -> bytes | Bad | None:
        if self.resync and not self._skip_to_header():
            return None
        end = self.buf.find(HEADER_END)
        if end < 0:
            if len(self.buf) > MAX_HEADER:
                self.resync = True
                del self.buf[:1]
                return Bad(f"no end of header in {MAX_HEADER} bytes")
            return None
        header = bytes(self.buf[:end])
        m = _LENGTH.search(header)
        if m is None or int(m.group(1)) > MAX_BODY:
            del self.buf[:end + len(HEADER_END)]
            self.resync = True
            return Bad("no valid Content-Length header")
        n = int(m.group(1))
        start = end + len(HEADER_END)
        if len(self.buf) < start + n:
            # Wait for the rest, unless the body seen so far is already one whole JSON value
            # followed by another header: a frame whose length is too long (the client
            # miscounted). Waiting for bytes that belong to the next messages would lose them.
            nxt = self._overrun(start)
            if nxt is None:
                return None
            del self.buf[:nxt]
            self.scanned = 0
            return Bad("Content-Length runs into the next message")
        self.scanned = 0
        body = bytes(self.buf[start:start + n])
        del self.buf[:start + n]
        try:
            json.loads(body)
        except ValueError:
            # too short, too long, or not JSON: if the claimed body holds the next header,
            # give those bytes back and read on from there
            m = MARK.search(body)
            if m is not None:
                self.buf[:0] = body[m.start():]
            else:
                self.resync = True
            return Bad("body is not one JSON value (wrong Content-Length?)")
        return body


    def _overrun(self, start: int) -> int | None:
        """Where a header begins right after a complete JSON value that starts at start
        (text inside a JSON string that merely looks like a header does not count)."""
        pos = max(start, self.scanned)
        for m in MARK.finditer(self.buf, pos):
            try:
                json.loads(bytes(self.buf[start:m.start()]))
            except ValueError:
                continue
            return m.start()
        self.scanned = max(start, len(self.buf) - MARK_LEN + 1)
        return None

