"""Values that flow through the engine: edits, fixes, findings, file results."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    HINT = "hint"


class Applicability(str, enum.Enum):
    SAFE = "safe"
    UNSAFE = "unsafe"
    DISPLAY_ONLY = "display-only"


@dataclass(frozen=True, order=True)
class Edit:
    start: int  # byte offset, inclusive
    end: int  # byte offset, exclusive; start == end inserts
    text: bytes  # b"" deletes

    def to_json(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text.decode("utf-8")}


@dataclass(frozen=True)
class Fix:
    title: str
    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    # Byte range of the function whose names the fix introduces; two fixes that
    # introduce names into overlapping scopes are not applied in the same pass,
    # so the second one picks a fresh name against the first one's output.
    scope: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "edits", tuple(sorted(self.edits)))


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    column: int  # 1-based, in UTF-8 bytes as the Go tools count


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    start_byte: int
    end_byte: int
    start: Position
    end: Position
    fix: Fix | None = None
    # Set by verification (gofix.verify): True, False or None (not verified).
    verified: bool | None = None
    verify_reason: str | None = None

    @property
    def line(self) -> int:
        return self.start.line


@dataclass
class FileResult:
    path: str  # as shown to the user (relative to the cwd when possible)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # a per-file error: unreadable, does not parse, ...
    source: bytes | None = None  # original bytes (None when unreadable)
    fixed: bytes | None = None  # source after applying the selected fixes, if any changed
    applied: list[Finding] = field(default_factory=list)  # findings whose fix went in
    digest: str | None = None  # sha256 of the source, set when the result cache is in use
    timer_relevant: bool = True  # a timer rule looks at this file (set with digest)
    # Set when a rule read the package's other files: PackageFile.fingerprint of this file,
    # so that the result is only reused while those files keep their bytes.
    package_fingerprint: str | None = None

    @property
    def changed(self) -> bool:
        return self.fixed is not None and self.fixed != self.source
