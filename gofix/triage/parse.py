"""Streaming parser for the text goroutine dumps Go prints.

Two formats, told apart line by line (a file may even mix them):

- Tracebacks: `/debug/pprof/goroutine?debug=2`, the SIGQUIT dump (`GOTRACEBACK=all`,
  also the `gp=... m=...` headers and `fp= sp= pc=` frame suffixes of
  `GOTRACEBACK=system`), and panic / fatal error output::

      goroutine 20 [chan send, 12 minutes, locked to thread]:
      goroutine 21 [chan send (leaked)] {handler: fetch, "user id": "a b"}:    (Go 1.27: labels)
      main.fetch.func1()
      \t/src/app/main.go:19 +0x65
      ...additional frames elided...
      created by main.fetch in goroutine 1
      \t/src/app/main.go:18 +0x76

- Aggregated counts: `/debug/pprof/goroutine?debug=1`::

      goroutine profile: total 25
      20 @ 0x489b2e 0x4195bc 0x670e85 0x4911e1
      #\t0x670e84\tmain.fetch.func1+0x64\t/src/app/main.go:19

The `goroutineleak` profile (Go 1.27) has the same two text forms: at debug=1 every record
is a goroutine the runtime proved leaked (`goroutineleak profile: total N`); at debug=2 it
is a full traceback where those goroutines carry ` (leaked)`. Its protobuf form (debug=0)
is read by `gofix.triage.profile`.

The parser never holds more than one goroutine: it yields a `Record` per goroutine (or
per debug=1 stack, with its count) and keeps only counters and the first few problems
in a `Report`. Unreadable lines are skipped and reported; the input may end anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

MAX_PROBLEMS = 20  # problems kept with their text; the rest are only counted
MAX_LOCATIONS = 100_000  # distinct location lines remembered (bounded memory)

# goroutine 20 [chan send, 3 minutes]:    goroutine 7 gp=0xc0 m=nil [IO wait]:
# Go 1.27 adds the goroutine's pprof labels after the brackets: ` {key: value, "k 2": "v"}`.
_HEADER = re.compile(r"goroutine (\d+)(?: gp=\S+ m=\S+(?: mp=\S+)?)? \[([^\]]*)\](?: \{(.*)\})?:$", re.ASCII)
_DEBUG1_HEADER = re.compile(r"(\S+) profile: total \d+$", re.ASCII)
_CREATED_IN = re.compile(r" in goroutine (\d+)$", re.ASCII)
_BARE = re.compile(r"[A-Za-z0-9./_]*", re.ASCII)  # what the runtime prints unquoted
_GO_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"', "a": "\a", "b": "\b", "f": "\f", "v": "\v",
               "'": "'"}
LEAK_PROFILE = "goroutineleak"
_DEBUG1_RECORD = re.compile(r"(\d+) @(?: 0x[0-9a-fA-F]+)*$", re.ASCII)
_REGISTER = re.compile(r"[a-z0-9]{1,6}\s+0x[0-9a-f]+$", re.ASCII)
_MINUTES = re.compile(r"(\d+) minutes?$", re.ASCII)
_FLAG_SUFFIXES = (" (leaked)", " (scan)", " (durable)")
# Lines that surround tracebacks (panics, fatal errors, signal dumps): not goroutines, not problems.
_END_PREFIXES = ("exit status ", "panic: ", "fatal error: ", "SIGQUIT", "SIGABRT", "SIGSEGV", "PC=")
_NOISE_PREFIXES = (
    "panic: ", "\tpanic: ", "fatal error: ", "runtime: ", "[signal ", "SIG", "PC=", "exit status ",
    "goroutine running on other thread", "\tgoroutine running on other thread", "-----",
    "[originating from goroutine ", "runtime stack:", "created by ",
)


@dataclass(frozen=True, slots=True)
class Record:
    """One goroutine (debug=2) or one aggregated stack (debug=1, `count` goroutines).

    `frames` are (function, file, line) from the innermost frame out; `created_by` is
    the creation site. debug=1 records have no state, no wait time and no creator.
    """

    goid: int  # 0 for debug=1 records
    state: str  # "chan send", "select", ...; "" when the dump does not say (debug=1)
    minutes: int  # wait time; 0 when under a minute or not printed
    frames: tuple[tuple[str, str, int], ...]
    created_by: tuple[str, str, int] | None
    count: int = 1
    locked: bool = False  # ", locked to thread"
    leaked: bool = False  # " (leaked)": reported by the goroutineleak profile
    elided: bool = False  # "...additional frames elided..." (the stack is cut)
    debug1: bool = False
    labels: tuple[tuple[str, str], ...] = ()  # pprof labels (Go 1.27 headers, debug=1/0 profiles)
    parent: int = 0  # `created by F in goroutine N`: N (0 when not printed)


@dataclass
class Report:
    """What the parser saw besides goroutines: counts, panics, problems (first few kept)."""

    source: str = ""
    lines: int = 0
    goroutines: int = 0  # goroutines counted (debug=1 records count their N)
    records: int = 0
    formats: set[str] = field(default_factory=set)  # "debug=2" (tracebacks), "debug=1", "debug=0"
    profiles: set[str] = field(default_factory=set)  # "goroutine", "goroutineleak" (debug=1/0 headers)
    panics: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    problem_count: int = 0
    ignored_lines: int = 0  # text outside any goroutine (logs interleaved with a traceback...)
    truncated: bool = False

    def problem(self, lineno: int, message: str) -> None:
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            where = f"{self.source}:{lineno}" if self.source else f"line {lineno}"
            self.problems.append(f"{where}: {message}")


def parse_state(inner: str) -> tuple[str, int, bool, bool]:
    """The text between `[` and `]` of a goroutine header -> (state, minutes, locked, leaked)."""
    parts = inner.split(", ")
    state = parts[0]
    leaked = False
    for suffix in _FLAG_SUFFIXES:
        while state.endswith(suffix):
            state = state[: -len(suffix)]
            leaked = leaked or suffix == " (leaked)"
    minutes = 0
    locked = False
    for p in parts[1:]:
        if p == "locked to thread":
            locked = True
            continue
        m = _MINUTES.match(p)
        if m:
            minutes = int(m.group(1))
    return state, minutes, locked, leaked


def go_unquote(text: str, i: int) -> tuple[str, int] | None:
    """The Go-quoted string starting at text[i] (a `"`) -> (value, index after it)."""
    out = []
    j = i + 1
    n = len(text)
    while j < n:
        c = text[j]
        if c == '"':
            return "".join(out), j + 1
        if c != "\\":
            out.append(c)
            j += 1
            continue
        if j + 1 >= n:
            return None
        e = text[j + 1]
        if e in _GO_ESCAPES:
            out.append(_GO_ESCAPES[e])
            j += 2
            continue
        width = {"x": 2, "u": 4, "U": 8}.get(e)
        if width is None:
            return None
        digits = text[j + 2:j + 2 + width]
        try:
            code = int(digits, 16)
        except ValueError:
            return None
        if len(digits) != width:
            return None
        out.append("\ufffd" if e == "x" and code >= 0x80 else chr(code))  # \xNN >= 0x80: invalid UTF-8
        j += 2 + width
    return None


def parse_labels(text: str, sep: str) -> tuple[tuple[str, str], ...] | None:
    """`handler: fetch, "user id": "a b"` (a Go 1.27 traceback header, sep ": ") or
    `"handler":"fetch", "req":"0"` (a debug=1 `# labels:` line, sep ":") -> pairs. None when
    unreadable."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(text)

    def token(i: int) -> tuple[str, int] | None:
        if i < n and text[i] == '"':
            return go_unquote(text, i)
        m = _BARE.match(text, i)
        return (m.group(0), m.end()) if m else None

    while i < n:
        k = token(i)
        if k is None or not text.startswith(sep, k[1]):
            return None
        v = token(k[1] + len(sep))
        if v is None:
            return None
        out.append((k[0], v[0]))
        i = v[1]
        if i < n:
            if not text.startswith(", ", i):
                return None
            i += 2
    return tuple(out)


def split_function(line: str) -> str:
    """`net/http.(*conn).serve(0xc0, {0x1, 0x2})` -> `net/http.(*conn).serve`."""
    if line.endswith(")"):
        i = line.rfind("(")
        # `(*T).M` has a `(` too, but the argument list is always the last one
        if i > 0:
            return line[:i]
    return line


def split_location(text: str) -> tuple[str, int] | None:
    """`/src/app/main.go:19 +0x65 fp=0x1 sp=0x2 pc=0x3` -> ("/src/app/main.go", 19)."""
    for marker in (" +0x", " fp="):
        i = text.find(marker)
        if i >= 0:
            text = text[:i]
    path, sep, num = text.rstrip().rpartition(":")
    if not sep or not (num.isascii() and num.isdigit()) or not path:
        return None
    return path, int(num)


class _Goroutine:
    __slots__ = ("goid", "state", "minutes", "locked", "leaked", "frames", "pending", "created",
                 "created_pending", "elided", "lineno", "count", "debug1", "ancestors", "labels", "parent")

    def __init__(self, goid: int, lineno: int, count: int = 1, debug1: bool = False) -> None:
        self.goid = goid
        self.state = ""
        self.minutes = 0
        self.locked = False
        self.leaked = False
        self.frames: list[tuple[str, str, int]] = []
        self.pending: str | None = None  # a function line waiting for its file:line line
        self.created: tuple[str, str, int] | None = None
        self.created_pending: str | None = None
        self.elided = False
        self.lineno = lineno
        self.count = count
        self.debug1 = debug1
        self.ancestors = False  # inside an "[originating from goroutine N]:" block
        self.labels: tuple[tuple[str, str], ...] = ()
        self.parent = 0

    def record(self) -> Record:
        return Record(self.goid, self.state, self.minutes, tuple(self.frames), self.created,
                      self.count, self.locked, self.leaked, self.elided, self.debug1, self.labels, self.parent)


def parse(lines: Iterable[str], report: Report | None = None) -> Iterator[Record]:
    """Records from the lines of one dump, as they are read. Never raises on bad input."""
    rep = report if report is not None else Report()
    cur: _Goroutine | None = None
    leak_profile = False  # under a `goroutineleak profile: total N` header: every record is proven leaked
    lineno = 0
    raw = ""
    locations: dict[str, tuple[str, int] | None] = {}  # "\t/path/x.go:19 +0x65\n" repeats a lot

    def finish(g: _Goroutine, at_eof: bool = False) -> Record:
        if g.pending is not None or g.created_pending is not None:
            what = "a frame" if g.pending is not None else "its creation site"
            if at_eof:
                rep.truncated = True
                rep.problem(lineno, f"input ends inside goroutine {g.goid or '(debug=1 record)'}"
                            f" (started line {g.lineno}): {what} has no file:line; the readable frames are used")
            else:
                rep.problem(g.lineno, f"goroutine {g.goid}: {what} has no file:line line")
            if g.pending is not None:
                g.frames.append((split_function(g.pending), "", 0))
                g.pending = None
        rep.records += 1
        rep.goroutines += g.count
        return g.record()

    for raw in lines:
        lineno += 1
        # Fast path for the two lines that make up nearly all of a traceback: a function
        # line and its location line, in a goroutine, complete (ending in a newline).
        if cur is not None and not cur.debug1 and not cur.ancestors and raw[-1:] == "\n":
            if raw[0] == "\t":
                if cur.pending is not None:
                    loc = locations.get(raw)
                    if loc is None:
                        loc = split_location(raw[1:])
                        if loc is not None and len(locations) < MAX_LOCATIONS:
                            locations[raw] = loc
                    if loc is not None:
                        cur.frames.append((split_function(cur.pending), loc[0], loc[1]))
                        cur.pending = None
                        continue
            elif raw.endswith(")\n") and cur.pending is None and cur.created_pending is None \
                    and not raw.startswith("created by "):
                cur.pending = raw[:-1]
                continue
        cut = not raw.endswith("\n")  # only the last line of a file; a cut one may lie
        line = raw.rstrip("\r\n")
        if not line:
            if cur is not None:
                yield finish(cur)
                cur = None
            continue
        if cur is not None and not cur.debug1:
            c0 = line[0]
            if c0 == "\t":
                if cur.ancestors:
                    continue
                loc = split_location(line[1:])
                if cut and " +0x" not in line:
                    loc = None  # `main.go:1` may be the start of `main.go:19 +0x65`
                if cur.created_pending is not None:
                    if loc is None:
                        rep.problem(lineno, f"unreadable creation site location: {line.strip()[:120]!r}")
                    else:
                        cur.created = (cur.created_pending, loc[0], loc[1])
                    cur.created_pending = None
                elif cur.pending is not None:
                    if loc is None:
                        rep.problem(lineno, f"unreadable frame location: {line.strip()[:120]!r}")
                        cur.frames.append((split_function(cur.pending), "", 0))
                    else:
                        cur.frames.append((split_function(cur.pending), loc[0], loc[1]))
                    cur.pending = None
                elif "goroutine running on other thread" in line:
                    pass
                else:
                    rep.problem(lineno, f"file:line without a function line: {line.strip()[:120]!r}")
                continue
            if line.startswith("created by "):
                if cur.ancestors:
                    continue
                if cur.pending is not None:
                    rep.problem(lineno - 1, "frame without a file:line line")
                    cur.frames.append((split_function(cur.pending), "", 0))
                    cur.pending = None
                fn = line[len("created by "):]
                m = _CREATED_IN.search(fn)
                if m:
                    cur.parent = int(m.group(1))
                    fn = fn[:m.start()]
                cur.created_pending = fn
                continue
            if line.startswith("..."):  # ...additional frames elided... / ...12 frames elided...
                if line.endswith("elided..."):
                    cur.elided = cur.elided or line.startswith("...additional")
                    continue
            if line.startswith("[originating from goroutine "):
                cur.ancestors = True  # GODEBUG=tracebackancestors: not this goroutine's stack
                continue
            if line.startswith("goroutine ") and _HEADER.match(line):
                yield finish(cur)
                cur = None
                # fall through to the header handling below
            elif line.endswith(")") and not cur.ancestors:
                if cur.pending is not None:
                    rep.problem(lineno - 1, "frame without a file:line line")
                    cur.frames.append((split_function(cur.pending), "", 0))
                cur.pending = line
                continue
            elif cur.ancestors:
                continue
            elif line.startswith(_END_PREFIXES):
                yield finish(cur)  # "exit status 2" right after the last frame
                cur = None
            else:
                rep.problem(lineno, f"unrecognized line inside goroutine {cur.goid}: {line[:120]!r}")
                continue
        elif cur is not None:  # debug=1 record
            if line.startswith("#\t"):
                if cut:
                    rep.problem(lineno, "last frame cut off")
                    continue
                parts = [p for p in line.split("\t") if p]
                if len(parts) >= 4:
                    fn = parts[2]
                    plus = fn.rfind("+0x")
                    if plus > 0:
                        fn = fn[:plus]
                    loc = split_location(parts[3])
                    if loc is not None:
                        cur.frames.append((fn, loc[0], loc[1]))
                        continue
                rep.problem(lineno, f"unreadable debug=1 frame: {line[:120]!r}")
                continue
            if line.startswith("# labels: {") and line.endswith("}"):
                labels = parse_labels(line[len("# labels: {"):-1], ":")
                if labels is None:
                    rep.problem(lineno, f"unreadable labels: {line[:120]!r}")
                else:
                    cur.labels = labels
                continue
            if line.startswith("#"):
                continue
            yield finish(cur)
            cur = None
        # not inside a record: a header, a debug=1 record, or text around the dump
        if line.startswith("goroutine "):
            m = _HEADER.match(line)
            if m:
                cur = _Goroutine(int(m.group(1)), lineno)
                cur.state, cur.minutes, cur.locked, cur.leaked = parse_state(m.group(2))
                if m.group(3) is not None:
                    labels = parse_labels(m.group(3), ": ")
                    if labels is None:
                        rep.problem(lineno, f"goroutine {cur.goid}: unreadable labels: {m.group(3)[:120]!r}")
                    else:
                        cur.labels = labels
                rep.formats.add("debug=2")
                continue
        c0 = line[0]
        if c0.isdigit():
            m = _DEBUG1_RECORD.match(line)
            if m:
                cur = _Goroutine(0, lineno, count=int(m.group(1)), debug1=True)
                cur.leaked = leak_profile
                rep.formats.add("debug=1")
                continue
        m = _DEBUG1_HEADER.match(line)
        if m:
            rep.formats.add("debug=1")
            rep.profiles.add(m.group(1))
            leak_profile = m.group(1) == LEAK_PROFILE
            continue
        if line.startswith(("panic: ", "\tpanic: ")):
            if len(rep.panics) < MAX_PROBLEMS:
                rep.panics.append(line.strip())
            continue
        if line.startswith(_NOISE_PREFIXES) or _REGISTER.match(line):
            continue
        rep.ignored_lines += 1
        if rep.ignored_lines == 1:
            rep.problem(lineno, f"text outside any goroutine ignored: {line[:120]!r}")
    rep.lines = lineno
    last = raw
    if cur is not None:
        if last and not last.endswith("\n") and not cur.debug1:
            # the last line was cut: a half-written location is not trustworthy
            rep.truncated = True
        yield finish(cur, at_eof=True)
    elif last and not last.endswith("\n") and last.strip():
        rep.truncated = True
    if rep.truncated and not any("input ends" in p for p in rep.problems):
        rep.problem(lineno, "input ends without a final newline: the dump looks truncated")
