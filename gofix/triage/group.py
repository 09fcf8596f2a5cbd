"""Grouping goroutines as they stream by, ranking groups, and comparing dumps.

A group is every goroutine with the same (wait state, first frame in the user's own code,
creation site), and, with `--group-by label:KEY`, the same value of those pprof labels. The
labels of every goroutine are counted per group either way. Groups the runtime proved
leaked (the goroutineleak profile, `(leaked)` headers) rank before the suspected ones.
Only the groups are kept, each with one representative stack, so memory
depends on the number of distinct groups, not on the number of goroutines.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from gofix.triage.parse import Record
from gofix.triage.repo import STDLIB, USER, Location, RepoMap, package_of

MAX_FRAMES = 64  # frames kept of a group's representative stack
MAX_SAMPLE_IDS = 5
MAX_STACK_CACHE = 50_000
MAX_LABEL_VALUES = 20  # distinct values counted per label key and group; the rest as "..."
OTHER = "..."

FrameT = tuple[str, str, int]  # function, file as printed, line

# debug=1 has no wait state; the frames it shows often say it.
_STATE_FROM_FRAME = {
    "internal/poll.runtime_pollWait": "IO wait",
    "internal/sync.runtime_SemacquireMutex": "sync.Mutex.Lock",
    "sync.runtime_SemacquireMutex": "sync.Mutex.Lock",
    "sync.runtime_SemacquireRWMutexR": "sync.RWMutex.RLock",
    "sync.runtime_SemacquireRWMutex": "sync.RWMutex.Lock",
    "sync.runtime_SemacquireWaitGroup": "sync.WaitGroup.Wait",
    "sync.runtime_Semacquire": "semacquire",
    "sync.runtime_notifyListWait": "sync.Cond.Wait",
    "time.Sleep": "sleep",
    "runtime.selectgo": "select",
    "runtime.block": "select (no cases)",
    "runtime.chanrecv1": "chan receive",
    "runtime.chanrecv2": "chan receive",
    "runtime.chansend1": "chan send",
}
_PLUMBING = ("runtime", "internal/", "sync", "syscall", "time")


@dataclass(frozen=True, slots=True)
class Frame:
    function: str
    file: str  # as printed in the dump
    line: int
    kind: str  # user, stdlib, dependency
    rel: str | None  # path relative to the repository, when mapped

    @property
    def mapped(self) -> bool:
        return self.rel is not None

    @property
    def short_function(self) -> str:
        """`example.com/app/worker.(*Pool).run.func1` -> `worker.(*Pool).run.func1`."""
        return self.function.rsplit("/", 1)[-1]

    @property
    def display_path(self) -> str:
        """The repository path when mapped; GOROOT, module cache and vendor prefixes cut
        from standard library and dependency paths; otherwise the path as printed."""
        if self.rel is not None:
            return self.rel
        path = self.file or "?"
        if self.kind != USER:
            i = path.find("/golang.org/toolchain@")  # a toolchain from the module proxy: GOROOT inside
            if i >= 0 and "/src/" in path[i:]:
                return path[path.index("/src/", i) + len("/src/"):]
            for marker in ("/pkg/mod/", "/vendor/", "/src/"):
                i = path.rfind(marker)
                if i >= 0:
                    return path[i + len(marker):]
        return path

    @property
    def where(self) -> str:
        path = self.display_path
        return f"{path}:{self.line}" if self.line else path


GroupKey = tuple[str, FrameT | None, FrameT | None, tuple[str | None, ...]]
LabelsT = tuple[tuple[str, str], ...]


@dataclass
class Group:
    key: GroupKey
    state: str
    count: int = 0
    wait_min: int | None = None
    wait_max: int = 0
    frames: tuple[Frame, ...] = ()
    blocking: Frame | None = None
    created_by: Frame | None = None
    goids: list[int] = field(default_factory=list)
    locked: int = 0
    leaked: int = 0
    elided: bool = False
    debug1: bool = False
    labels: dict[str, dict[str, int]] = field(default_factory=dict)  # key -> value -> goroutines

    @property
    def proven(self) -> bool:
        """The runtime proved (some of) these goroutines leaked: they can never wake."""
        return self.leaked > 0

    @property
    def evidence(self) -> str:
        if not self.leaked:
            return "suspected (count/age)"
        if self.leaked < self.count:
            return f"proven leaked ({self.leaked:,} of {self.count:,})"
        return "proven leaked"

    def count_labels(self, labels: LabelsT, n: int) -> None:
        for k, v in labels:
            values = self.labels.setdefault(k, {})
            if v not in values and len(values) >= MAX_LABEL_VALUES:
                v = OTHER
            values[v] = values.get(v, 0) + n

    def add(self, r: Record) -> None:
        self.count += r.count
        if self.wait_min is None or r.minutes < self.wait_min:
            self.wait_min = r.minutes
        if r.minutes > self.wait_max:
            self.wait_max = r.minutes
        if r.goid and len(self.goids) < MAX_SAMPLE_IDS:
            self.goids.append(r.goid)
        if r.locked:
            self.locked += r.count
        if r.leaked:
            self.leaked += r.count
        self.elided = self.elided or r.elided
        if r.labels:
            self.count_labels(r.labels, r.count)

    def merge(self, other: Group) -> None:
        self.count += other.count
        if other.wait_min is not None and (self.wait_min is None or other.wait_min < self.wait_min):
            self.wait_min = other.wait_min
        self.wait_max = max(self.wait_max, other.wait_max)
        self.goids = (self.goids + other.goids)[:MAX_SAMPLE_IDS]
        self.locked += other.locked
        self.leaked += other.leaked
        self.elided = self.elided or other.elided
        for k, values in other.labels.items():
            for v, n in values.items():
                self.count_labels(((k, v),), n)

    @property
    def wait_range(self) -> tuple[int, int]:
        return (self.wait_min or 0, self.wait_max)


class Aggregator:
    """Folds records into groups; one per dump."""

    def __init__(self, repo: RepoMap, group_by: tuple[str, ...] = ()) -> None:
        self.repo = repo
        self.group_by = group_by  # label keys whose values split groups
        self.groups: dict[GroupKey, Group] = {}
        self._stacks: dict[tuple, tuple[GroupKey, tuple[Frame, ...], Frame | None, Frame | None, str]] = {}
        self.debug1 = False
        self.debug2 = False

    def add(self, r: Record) -> None:
        sig = (r.state, r.frames, r.created_by)
        hit = self._stacks.get(sig)
        if hit is None:
            hit = self._analyse(r)
            if len(self._stacks) < MAX_STACK_CACHE:
                self._stacks[sig] = hit
        key, frames, blocking, created, state = hit
        if self.group_by:
            have = dict(r.labels)
            key = (key[0], key[1], key[2], tuple(have.get(k) for k in self.group_by))
        g = self.groups.get(key)
        if g is None:
            g = self.groups[key] = Group(key, state, frames=frames, blocking=blocking, created_by=created,
                                         debug1=r.debug1)
        g.add(r)
        if r.debug1:
            self.debug1 = True
        else:
            self.debug2 = True

    def _frame(self, f: FrameT) -> Frame:
        loc: Location = self.repo.locate(f[1], f[0])
        rel = loc.rel
        if rel is not None and f[2] and not self.repo.line_exists(rel, f[2]):
            rel = None  # a different version of the file: do not point at the wrong line
        return Frame(f[0], f[1], f[2], loc.kind, rel)

    def _analyse(self, r: Record):
        frames = tuple(self._frame(f) for f in r.frames[:MAX_FRAMES])
        created = self._frame(r.created_by) if r.created_by is not None else None
        blocking = next((f for f in frames if f.kind == USER), None)
        if blocking is None:
            blocking = next((f for f in frames if not _plumbing(f.function)), frames[0] if frames else None)
        state = r.state
        if not state:
            state = next((_STATE_FROM_FRAME[f.function] for f in frames if f.function in _STATE_FROM_FRAME), "")
        key: GroupKey = (state, _ident(blocking), _ident(created), ())
        return key, frames, blocking, created, state


def _plumbing(function: str) -> bool:
    pkg = package_of(function)
    return any(pkg == p or pkg.startswith(p if p.endswith("/") else p + "/") for p in _PLUMBING)


def _ident(f: Frame | None) -> FrameT | None:
    return (f.function, f.file, f.line) if f is not None else None


def rank(groups: Iterable[Group]) -> list[Group]:
    """Proven leaked first, then by count, then by longest wait, then a stable tie-break."""
    return sorted(groups, key=lambda g: (not g.proven, -g.count, -g.wait_max, g.state, str(g.key[1]),
                                         str(g.key[2]), str(g.key[3])))


@dataclass
class Change:
    """One group across several dumps (BEFORE ... AFTER)."""

    group: Group  # the last dump's group (or the latest one it appears in), for display
    counts: list[int]

    @property
    def growth(self) -> int:
        return self.counts[-1] - self.counts[0]


def compare(aggs: list[Aggregator]) -> tuple[list[Change], list[Change]]:
    """Groups ranked by growth from the first dump to the last; (grown, folded). Groups the
    last dump proves leaked come first and are never folded, grown or not.

    When the dumps are of different formats (debug=1 has no states or creation sites),
    groups are matched on the blocking frame alone.
    """
    coarse = any(a.debug1 for a in aggs) and any(a.debug2 for a in aggs)
    merged: dict[tuple, Change] = {}
    seen_in: dict[tuple, int] = {}
    for i, agg in enumerate(aggs):
        for key, g in agg.groups.items():
            k = (None, key[1], None, key[3]) if coarse else key
            ch = merged.get(k)
            if ch is None:
                ch = merged[k] = Change(_copy(g), [0] * len(aggs))
            elif seen_in[k] == i:
                ch.group.merge(g)  # coarse: several groups of one dump share a blocking frame
            else:
                ch.group = _copy(g)  # show the latest dump's view of the group
            seen_in[k] = i
            ch.counts[i] += g.count
    for ch in merged.values():
        ch.group.count = ch.counts[-1]
    ordered = sorted(merged.values(), key=lambda c: (not c.group.proven, -c.growth, -c.counts[-1],
                                                     -c.group.wait_max, c.group.state, str(c.group.key[1]),
                                                     str(c.group.key[3])))
    grown = [c for c in ordered if c.growth > 0 or c.group.proven]
    folded = [c for c in ordered if not (c.growth > 0 or c.group.proven)]
    return grown, folded


def _copy(g: Group) -> Group:
    return Group(g.key, g.state, g.count, g.wait_min, g.wait_max, g.frames, g.blocking, g.created_by,
                 list(g.goids), g.locked, g.leaked, g.elided, g.debug1,
                 {k: dict(v) for k, v in g.labels.items()})


def parse_group_by(spec: str | None) -> tuple[str, ...]:
    """`label:handler,label:rpc` -> ("handler", "rpc"). Raises ValueError with a message."""
    if not spec:
        return ()
    keys = []
    for part in spec.split(","):
        part = part.strip()
        kind, sep, key = part.partition(":")
        if kind != "label" or not sep or not key:
            raise ValueError(f"--group-by: {part!r}: expected label:KEY (e.g. label:handler)")
        if key not in keys:
            keys.append(key)
    return tuple(keys)


__all__ = ["Aggregator", "Change", "Frame", "Group", "STDLIB", "USER", "compare", "parse_group_by", "rank"]
