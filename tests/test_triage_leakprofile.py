"""Go 1.27 in triage without Go: label headers, the goroutineleak profile in its text and
protobuf forms, proven-leaked ranking, --group-by, pprof URLs and --every series (against a
local HTTP server on 127.0.0.1). The formats are the ones go1.27.3 prints (see
test_triage_go127.py for the real thing)."""

from __future__ import annotations

import gzip
import http.server
import json
import textwrap
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gofix.cli import app
from gofix.triage.command import parse_duration
from gofix.triage.fetch import FetchError, candidates
from gofix.triage.group import parse_group_by
from gofix.triage.parse import Report, parse, parse_labels
from gofix.triage.profile import ProfileError, read_profile

SRC = """\
package main

func slowCall() error { return nil }

func fetch(done chan struct{}) error {
	errc := make(chan error)
	go func() {
		errc <- slowCall()
	}()
	select {
	case err := <-errc:
		return err
	case <-done:
		return nil
	}
}

func main() {}
"""
SEND_LINE, GO_LINE = 8, 7

try:  # a dependency (pyproject); a virtualenv made before it was added lacks it until `pip install -e .`
    import google.protobuf  # noqa: F401
    needs_protobuf = pytest.mark.skipif(False, reason="")
except ImportError:
    needs_protobuf = pytest.mark.skip(reason="the protobuf package is not installed (pip install -e .)")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    r = tmp_path / "svc"
    r.mkdir()
    (r / "go.mod").write_text("module example.com/svc\n\ngo 1.27\n")
    (r / "main.go").write_text(SRC)
    return r


def debug2(repo: Path, n: int, leaked: bool = True, labels: str = " {handler: fetch, req: 0}") -> str:
    mark = " (leaked)" if leaked else ""
    one = (f"goroutine ID [chan send{mark}]{labels}:\nmain.fetch.func1()\n\t{repo}/main.go:{SEND_LINE} +0x6e\n"
           f"created by main.fetch in goroutine 1\n\t{repo}/main.go:{GO_LINE} +0x7b\n\n")
    idle = (f"goroutine 1 [IO wait]:\nmain.main()\n\t{repo}/main.go:18 +0x1\n\n") * 3
    return "".join(one.replace("ID", str(100 + i)) for i in range(n)) + idle.replace("goroutine 1 ", "goroutine 2 ")


def records(text: str, report: Report | None = None):
    return list(parse(textwrap.dedent(text).lstrip("\n").splitlines(keepends=True), report))


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, ["triage", "--no-progress", *args], input=input)


# --- headers and labels -------------------------------------------------------------------

def test_go127_header_labels_gp_m_leaked_and_parent():
    rep = Report()
    (a, b, c) = records("""
        goroutine 8 [chan send (leaked)] {handler: fetch, req: 0}:
        main.fetch.func1()
        \t/src/app/main.go:24 +0x6e
        created by main.fetch in goroutine 1
        \t/src/app/main.go:23 +0x7b

        goroutine 9 gp=0xc000007a40 m=nil [select (durable), 2 minutes, synctest bubble 3] {"user id": "a \\"b\\", c", k: }:
        main.loop()
        \t/src/app/main.go:30 +0x1

        goroutine 10 [running]:
        main.main()
        \t/src/app/main.go:40 +0x1
        """, rep)
    assert rep.problem_count == 0 and rep.ignored_lines == 0, rep.problems
    assert (a.goid, a.state, a.leaked, a.parent) == (8, "chan send", True, 1)
    assert a.labels == (("handler", "fetch"), ("req", "0"))
    assert a.created_by == ("main.fetch", "/src/app/main.go", 23)
    assert (b.state, b.minutes, b.leaked) == ("select", 2, False)
    assert b.labels == (("user id", 'a "b", c'), ("k", ""))
    assert c.labels == () and c.state == "running"


def test_label_syntax():
    assert parse_labels('a: b, "x\\ty": "\\u00e9\\x01\\U0001F600"', ": ") == (("a", "b"), ("x\ty", "\u00e9\x01\U0001F600"))
    assert parse_labels('"handler":"fetch", "req":"0"', ":") == (("handler", "fetch"), ("req", "0"))
    assert parse_labels("a b", ": ") is None
    assert parse_labels('a: "unterminated', ": ") is None


def test_unreadable_labels_are_a_problem_not_a_lost_goroutine():
    rep = Report()
    (g,) = records("""
        goroutine 8 [chan send] {handler: fe tch}:
        main.f()
        \t/src/app/main.go:2 +0x1
        """, rep)
    assert g.goid == 8 and g.labels == () and rep.problem_count == 1


def test_debug1_goroutineleak_records_are_proven_and_labelled():
    rep = Report()
    a, b = records("""
        goroutineleak profile: total 12
        10 @ 0x48c16a 0x418c9c 0x680a2e 0x4930a1
        # labels: {"handler":"fetch", "req":"0"}
        #\t0x680a2d\tmain.fetch.func1+0x6d\t/src/app/main.go:24

        2 @ 0x48c16a 0x4930a1
        #\t0x680a2d\tmain.other+0x6d\t/src/app/main.go:40
        """, rep)
    assert a.leaked and b.leaked and a.count == 10
    assert a.labels == (("handler", "fetch"), ("req", "0")) and b.labels == ()
    assert rep.profiles == {"goroutineleak"} and rep.formats == {"debug=1"}
    (c,) = records("""
        goroutine profile: total 1
        1 @ 0x4930a1
        #\t0x680a2d\tmain.other+0x6d\t/src/app/main.go:40
        """)
    assert not c.leaked


# --- the protobuf form --------------------------------------------------------------------
# Encoded here by hand (protobuf wire format, pprof's profile.proto field numbers), so the
# reader's declared schema is checked against an independent encoding.

def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(num: int, value) -> bytes:
    if isinstance(value, bytes):
        return _varint(num << 3 | 2) + _varint(len(value)) + value
    return _varint(num << 3) + _varint(value)


def encode_profile(kind: str, samples: list[tuple[int, list[int], list[tuple[str, str]]]],
                   functions: dict[int, tuple[str, str, int]]) -> bytes:
    strings = ["", kind, "count"]

    def sid(s: str) -> int:
        if s not in strings:
            strings.append(s)
        return strings.index(s)

    out = _field(1, _field(1, 1) + _field(2, 2))  # sample_type {type: kind, unit: count}
    for count, locs, labels in samples:
        body = _field(1, b"".join(_varint(x) for x in locs)) + _field(2, b"".join(_varint(count) for _ in [0]))
        for k, v in labels:
            body += _field(3, _field(1, sid(k)) + _field(2, sid(v)))
        out += _field(2, body)
    for fid, (name, file, line) in functions.items():
        out += _field(4, _field(1, fid) + _field(4, _field(1, fid) + _field(2, line)))  # location id == function id
        out += _field(5, _field(1, fid) + _field(2, sid(name)) + _field(3, sid(name)) + _field(4, sid(file)))
    for s in strings:
        out += _field(6, s.encode())
    out += _field(11, _field(1, 1) + _field(2, 2))  # period_type
    return gzip.compress(out)


def _leak_profile(repo: Path, kind: str = "goroutineleak") -> bytes:
    functions = {1: ("runtime.gopark", "/usr/local/go/src/runtime/proc.go", 474),
                 2: ("runtime.chansend1", "/usr/local/go/src/runtime/chan.go", 161),
                 3: ("main.fetch.func1", f"{repo}/main.go", SEND_LINE)}
    samples = [(10, [1, 2, 3], [("handler", "fetch"), ("req", "0")]),
               (20, [1, 2, 3], [("handler", "fetch"), ("req", "1")])]
    return encode_profile(kind, samples, functions)


@needs_protobuf
def test_protobuf_profile_records(repo):
    rep = Report()
    recs = list(read_profile(_leak_profile(repo), rep))
    assert [r.count for r in recs] == [10, 20] and all(r.leaked for r in recs)
    assert recs[0].frames[1] == ("runtime.chansend1", "/usr/local/go/src/runtime/chan.go", 161)
    assert recs[1].labels == (("handler", "fetch"), ("req", "1"))
    assert rep.goroutines == 30 and rep.formats == {"debug=0"} and rep.profiles == {"goroutineleak"}
    plain = list(read_profile(_leak_profile(repo, "goroutine"), Report()))
    assert not any(r.leaked for r in plain)
    with pytest.raises(ProfileError, match="not a goroutine"):
        list(read_profile(_leak_profile(repo, "heap"), Report()))
    with pytest.raises(ProfileError):
        list(read_profile(gzip.compress(b"\xff\xff\xff"), Report()))


@needs_protobuf
def test_protobuf_profile_on_the_command_line(repo, tmp_path):
    p = tmp_path / "leak.pb.gz"
    p.write_bytes(_leak_profile(repo))
    res = run(str(p), "--repo", str(repo), "--format", "json")
    assert res.exit_code == 1, res.stderr
    (g,) = json.loads(res.stdout)
    assert (g["count"], g["state"], g["evidence"], g["leaked"]) == (30, "chan send", "proven", 30)
    assert g["blocking"]["line"] == SEND_LINE and g["findings"][0]["rule"] == "forgotten-sender"
    assert g["labels"] == {"handler": {"fetch": 30}, "req": {"1": 20, "0": 10}}


def test_empty_leak_profile_is_good_news(repo, tmp_path):
    p = tmp_path / "leak.txt"
    p.write_text("goroutineleak profile: total 0\n")
    res = run(str(p), "--repo", str(repo))
    assert res.exit_code == 0 and "no leaked goroutine" in res.stdout


# --- ranking, evidence, grouping by label -------------------------------------------------

def test_proven_leaked_rank_first_and_say_so(repo, tmp_path):
    d = tmp_path / "d.txt"
    # 3 proven leaked senders, 5 idle goroutines that are more numerous but only suspected
    d.write_text(debug2(repo, 3) + "".join(
        f"goroutine {200 + i} [select, 5 minutes]:\nmain.main()\n\t{repo}/main.go:18 +0x1\n\n" for i in range(5)))
    groups = json.loads(run(str(d), "--repo", str(repo), "--format", "json").stdout)
    assert [g["evidence"] for g in groups[:2]] == ["proven", "suspected"]
    assert groups[0]["count"] == 3 and groups[1]["count"] == 5
    out = run(str(d), "--repo", str(repo)).stdout
    assert "3 goroutines proven leaked in `chan send` [handler=fetch req=0]" in out
    assert "5 goroutines suspected in `select` for 5m" in out
    assert "3 proven leaked by the runtime" in out
    assert "suspected (count/age)" in out


def test_group_by_label(repo, tmp_path):
    d = tmp_path / "d.txt"
    d.write_text(debug2(repo, 2, labels=" {handler: fetch, req: 0}") + debug2(repo, 3, labels=" {handler: fetch, req: 1}")
                 + debug2(repo, 1, labels=""))
    groups = json.loads(run(str(d), "--repo", str(repo), "--format", "json").stdout)
    assert groups[0]["count"] == 6 and groups[0]["labels"]["req"] == {"1": 3, "0": 2}
    groups = json.loads(run(str(d), "--repo", str(repo), "--format", "json", "--group-by", "label:req").stdout)
    senders = [(g["group_labels"]["req"], g["count"]) for g in groups if g["state"] == "chan send"]
    assert senders == [("1", 3), ("0", 2), (None, 1)]
    assert parse_group_by("label:a, label:b,label:a") == ("a", "b")
    for bad in ("handler", "label:", "tag:x"):
        with pytest.raises(ValueError):
            parse_group_by(bad)
    res = run(str(d), "--repo", str(repo), "--group-by", "handler")
    assert res.exit_code == 2 and "label:KEY" in res.stderr


def test_compare_keeps_proven_groups_that_did_not_grow(repo, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(debug2(repo, 4))
    b.write_text(debug2(repo, 4))
    groups = json.loads(run(str(a), str(b), "--repo", str(repo), "--format", "json").stdout)
    assert [(g["evidence"], g["growth"]) for g in groups] == [("proven", 0)]


# --- URLs and series ----------------------------------------------------------------------

class _Server:
    """A pprof look-alike on 127.0.0.1: each request gets the next body of its path."""

    def __init__(self, routes: dict[str, list[bytes]]):
        self.routes = routes
        self.hits: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.hits.append(self.path)
                bodies = outer.routes.get(self.path)
                if not bodies:
                    self.send_error(404, "Unknown profile")
                    return
                body = bodies.pop(0) if len(bodies) > 1 else bodies[0]
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_candidate_urls():
    assert candidates("http://h:6060") == ["http://h:6060/debug/pprof/goroutineleak?debug=2",
                                           "http://h:6060/debug/pprof/goroutine?debug=2"]
    assert candidates("http://h:6060/debug/pprof/") == candidates("http://h:6060")
    assert candidates("http://h/debug/pprof/goroutine") == ["http://h/debug/pprof/goroutine?debug=2"]
    assert candidates("http://h/debug/pprof/goroutineleak?debug=0") == ["http://h/debug/pprof/goroutineleak?debug=0"]
    with pytest.raises(FetchError):
        candidates("ftp://h/x")


def test_url_prefers_the_leak_profile(repo):
    with _Server({"/debug/pprof/goroutineleak?debug=2": [debug2(repo, 5).encode()]}) as srv:
        res = run(srv.url, "--repo", str(repo), "--format", "json")
    assert res.exit_code == 1, res.stderr
    g = json.loads(res.stdout)[0]
    assert (g["count"], g["evidence"]) == (5, "proven") and g["findings"][0]["rule"] == "forgotten-sender"
    assert srv.hits == ["/debug/pprof/goroutineleak?debug=2"]


def test_url_falls_back_to_the_goroutine_dump_on_404(repo):
    with _Server({"/debug/pprof/goroutine?debug=2": [debug2(repo, 5, leaked=False).encode()]}) as srv:
        res = run(srv.url + "/debug/pprof/", "--repo", str(repo), "--format", "json")
    assert res.exit_code == 1, res.stderr
    assert json.loads(res.stdout)[0]["evidence"] == "suspected"
    assert srv.hits == ["/debug/pprof/goroutineleak?debug=2", "/debug/pprof/goroutine?debug=2"]


@needs_protobuf
def test_url_reads_a_protobuf_profile(repo):
    with _Server({"/debug/pprof/goroutineleak?debug=0": [_leak_profile(repo)]}) as srv:
        res = run(srv.url + "/debug/pprof/goroutineleak?debug=0", "--repo", str(repo), "--format", "json")
    assert res.exit_code == 1, res.stderr
    assert json.loads(res.stdout)[0]["count"] == 30


def test_url_errors(repo):
    with _Server({}) as srv:
        res = run(srv.url + "/debug/pprof/goroutine", "--repo", str(repo))
    assert res.exit_code == 2 and "HTTP 404" in res.stderr
    with _Server({}) as srv:
        url = srv.url
    res = run(url, "--repo", str(repo))  # the server is gone
    assert res.exit_code == 2 and "cannot fetch" in res.stderr


def test_every_count_takes_a_series_and_ranks_by_growth(repo):
    bodies = [debug2(repo, n, leaked=False).encode() for n in (2, 5, 9)]
    with _Server({"/debug/pprof/goroutine?debug=2": bodies}) as srv:
        res = run(srv.url + "/debug/pprof/goroutine", "--repo", str(repo), "--format", "json",
                  "--every", "10ms", "--count", "3")
    assert res.exit_code == 1, res.stderr
    (g,) = json.loads(res.stdout)  # the idle goroutines did not grow: folded
    assert g["counts"] == [2, 5, 9] and g["growth"] == 7 and g["blocking"]["line"] == SEND_LINE
    assert len(srv.hits) == 3


def test_every_options_are_checked(repo, tmp_path):
    f = tmp_path / "d.txt"
    f.write_text(debug2(repo, 1))
    assert "one pprof URL" in run(str(f), "--repo", str(repo), "--every", "1s").stderr
    assert "--count needs --every" in run(str(f), "--repo", str(repo), "--count", "3").stderr
    assert "duration" in run("http://127.0.0.1:9", "--repo", str(repo), "--every", "soon").stderr
    assert "between 2" in run("http://127.0.0.1:9", "--repo", str(repo), "--every", "1s", "--count", "1").stderr
    assert parse_duration("30s") == 30 and parse_duration("1m30s") == 90 and parse_duration("500ms") == 0.5
    assert parse_duration("2") == 2
    with pytest.raises(ValueError):
        parse_duration("3 days")
