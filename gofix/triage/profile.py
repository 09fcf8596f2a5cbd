"""The protobuf form (`?debug=0`) of the goroutine and goroutineleak profiles.

What profile collectors store, and what `/debug/pprof/goroutineleak` returns by default: a
gzipped `perftools.profiles.Profile` message (pprof's profile.proto). Decoded with Google's
`protobuf` package: the message types are declared here, from the field numbers of
profile.proto, as a descriptor built at run time (no generated code, no protoc). Only the
fields triage uses are declared; the rest are skipped as unknown fields.

Each sample is one distinct stack with its goroutine count and its pprof labels. The
locations carry every frame, runtime frames included (unlike debug=1), so the wait state
is usually readable from them (`runtime.chansend1`: chan send). Samples of a
`goroutineleak` profile are goroutines the runtime proved leaked.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from functools import lru_cache

from gofix.triage.parse import LEAK_PROFILE, Record, Report

MAX_PROFILE_BYTES = 512 << 20  # decompressed; larger is refused rather than read into memory
_PKG = "gofix.pprof"


class ProfileError(Exception):
    pass


@lru_cache(maxsize=1)
def _profile_class():
    try:
        from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
    except ImportError as e:  # a dependency in pyproject; only a broken install lacks it
        raise ProfileError("reading a protobuf profile (debug=0) needs the `protobuf` package "
                           "(pip install protobuf), or fetch ?debug=1 / ?debug=2 instead") from e
    F = descriptor_pb2.FieldDescriptorProto
    fd = descriptor_pb2.FileDescriptorProto(name="gofix_pprof_profile.proto", package=_PKG, syntax="proto3")
    i64, u64, string, msg = F.TYPE_INT64, F.TYPE_UINT64, F.TYPE_STRING, F.TYPE_MESSAGE

    def message(name: str, *fields: tuple[str, int, int, bool, str | None]) -> None:
        m = fd.message_type.add(name=name)
        for fname, number, ftype, repeated, type_name in fields:
            f = m.field.add(name=fname, number=number, type=ftype,
                            label=F.LABEL_REPEATED if repeated else F.LABEL_OPTIONAL)
            if type_name:
                f.type_name = f".{_PKG}.{type_name}"

    # Field numbers from pprof's profile.proto.
    message("ValueType", ("type", 1, i64, False, None), ("unit", 2, i64, False, None))
    message("Label", ("key", 1, i64, False, None), ("str", 2, i64, False, None), ("num", 3, i64, False, None))
    message("Sample", ("location_id", 1, u64, True, None), ("value", 2, i64, True, None),
            ("label", 3, msg, True, "Label"))
    message("Line", ("function_id", 1, u64, False, None), ("line", 2, i64, False, None))
    message("Location", ("id", 1, u64, False, None), ("line", 4, msg, True, "Line"))
    message("Function", ("id", 1, u64, False, None), ("name", 2, i64, False, None),
            ("filename", 4, i64, False, None))
    message("Profile", ("sample_type", 1, msg, True, "ValueType"), ("sample", 2, msg, True, "Sample"),
            ("location", 4, msg, True, "Location"), ("function", 5, msg, True, "Function"),
            ("string_table", 6, string, True, None), ("period_type", 11, msg, False, "ValueType"))
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fd)
    return message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{_PKG}.Profile"))


def decompress(data: bytes) -> bytes:
    """gunzip, refusing output past MAX_PROFILE_BYTES (a gzip bomb is not a profile)."""
    d = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = d.decompress(data, MAX_PROFILE_BYTES + 1)
    except zlib.error as e:
        raise ProfileError(f"not a readable gzip stream: {e}") from e
    if len(out) > MAX_PROFILE_BYTES or d.unconsumed_tail:
        raise ProfileError(f"the profile is larger than {MAX_PROFILE_BYTES >> 20} MiB once decompressed")
    return out


def read_profile(data: bytes, report: Report) -> Iterator[Record]:
    """Records (one per sample: a stack, its count and labels) of a gzipped or raw profile."""
    raw = decompress(data) if data[:2] == b"\x1f\x8b" else data
    cls = _profile_class()
    prof = cls()
    try:
        prof.ParseFromString(raw)
    except Exception as e:  # google.protobuf.message.DecodeError, and friends
        raise ProfileError(f"not a pprof profile: {e}") from e
    strings = prof.string_table

    def s(i: int) -> str:
        return strings[i] if 0 <= i < len(strings) else ""

    kind = s(prof.sample_type[0].type) if prof.sample_type else s(prof.period_type.type)
    if kind not in ("goroutine", LEAK_PROFILE):
        raise ProfileError(f"a {kind or 'unnamed'!r} profile, not a goroutine or goroutineleak profile")
    report.formats.add("debug=0")
    report.profiles.add(kind)
    leaked = kind == LEAK_PROFILE
    functions = {f.id: (s(f.name), s(f.filename)) for f in prof.function}
    locations: dict[int, tuple[tuple[str, str, int], ...]] = {}
    for loc in prof.location:
        # several lines: inlined calls, innermost first (profile.proto's order)
        locations[loc.id] = tuple((*functions.get(ln.function_id, ("?", "")), int(ln.line)) for ln in loc.line)
    for sample in prof.sample:
        count = int(sample.value[0]) if sample.value else 0
        if count <= 0:
            continue
        frames = tuple(f for lid in sample.location_id for f in locations.get(lid, ()))
        labels = tuple((s(lb.key), s(lb.str)) for lb in sample.label if lb.str)
        report.records += 1
        report.goroutines += count
        yield Record(0, "", 0, frames, None, count=count, leaked=leaked, debug1=True, labels=labels)


__all__ = ["MAX_PROFILE_BYTES", "ProfileError", "decompress", "read_profile"]
