"""gofix in a hostile environment: concurrent writers, odd files, bad options, protocol edges.

Each test here is an attack that once worked (issue 19): a lost update, a hang, a
traceback, a silently accepted option, a read outside the repository, a protocol message
left unanswered. Anything that could hang runs in a subprocess with a timeout, so that a
regression fails the test instead of stalling the suite. The slow versions (an 800-file
tree, 20,000 fuzzed inputs) are scripts: scripts/concurrent_fix.py and scripts/fuzz.py.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gofix import engine, writer
from gofix.cli import app
from gofix.writer import WriteError, write_atomic

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60  # seconds: far above any of these runs, far below "hung"

_spec = importlib.util.spec_from_file_location("concurrent_fix", ROOT / "scripts" / "concurrent_fix.py")
concurrent_fix = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(concurrent_fix)


# one lost-cancel and one unclosed-body finding, whose fixes touch different lines
BOTH = concurrent_fix.SOURCE


def gofix(*args: str, cwd: Path | None = None, stdin: bytes | None = None,
          timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """gofix in a subprocess (a hang fails the test with TimeoutExpired, never stalls it)."""
    return subprocess.run([sys.executable, "-m", "gofix", *args], cwd=cwd, input=stdin,
                          capture_output=True, timeout=timeout)


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "src"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    return root


# --- lost updates ----------------------------------------------------------------------------


def _edit_during_write(monkeypatch, target: Path, text: bytes) -> None:
    """Simulate another writer (an editor's save, another gofix) that changes target while
    gofix writes and syncs its temporary file: the widest part of the check-to-rename window."""
    real = os.fsync
    done = []

    def fsync(fd):
        real(fd)
        if not done:
            done.append(True)
            with open(target, "r+b") as f:  # in place, as most editors save
                f.write(text)
                f.truncate()

    monkeypatch.setattr(writer.os, "fsync", fsync)


def test_write_during_the_window_is_detected_not_overwritten(tmp_path, monkeypatch):
    p = tmp_path / "a.go"
    p.write_bytes(b"old")
    _edit_during_write(monkeypatch, p, b"the user's save")
    with pytest.raises(WriteError, match="changed on disk"):
        write_atomic(p, b"gofix's fix", expected=b"old")
    assert p.read_bytes() == b"the user's save"
    assert [x.name for x in tmp_path.iterdir()] == ["a.go"]  # the temporary file is gone


def test_fix_reports_a_concurrent_save_as_not_written(tree, monkeypatch):
    (tree / "a.go").write_bytes(BOTH)
    _edit_during_write(monkeypatch, tree / "a.go", b"package p\n")
    r = invoke("fix", "--no-cache", "--no-verify", "--select", "lost-cancel", str(tree))
    assert "changed on disk" in r.stderr and "not modified" in r.stderr, r.output
    assert "fixed:" not in r.stdout and "0 fix(es) applied" in r.stderr
    assert (tree / "a.go").read_bytes() == b"package p\n"


def test_two_writers_of_one_file_are_serialised(tmp_path):
    """Many threads write the same file from the same original: exactly one succeeds,
    every other one is told the file changed, and the file holds the winner's bytes."""
    p = tmp_path / "a.go"
    p.write_bytes(b"old")
    wins, refusals = [], []
    barrier = threading.Barrier(8)

    def write(i: int) -> None:
        barrier.wait()
        try:
            write_atomic(p, f"writer {i}".encode(), expected=b"old")
            wins.append(i)
        except WriteError as e:
            refusals.append(str(e))

    threads = [threading.Thread(target=write, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1 and len(refusals) == 7, (wins, refusals)
    assert all("changed on disk" in e for e in refusals)
    assert p.read_bytes() == f"writer {wins[0]}".encode()


def test_two_concurrent_fix_runs_lose_no_reported_fix(tmp_path):
    # the script's check (scripts/concurrent_fix.py runs it on 800 files), on 40
    root = tmp_path / "tree"
    root.mkdir()
    (root / "go.mod").write_text("module example.com/p\n\ngo 1.22\n")
    res = concurrent_fix.run_two(root, 40, packages=10)
    assert concurrent_fix.problems(res) == []
    assert len(res["disk"]) == 40 and any(res["applied"].values())


# --- metadata: setuid bits, owner, hard links, stale temporary files ---------------------------


def test_setuid_setgid_sticky_bits_are_kept(tmp_path):
    p = tmp_path / "a.go"
    p.write_bytes(b"old")
    os.chmod(p, 0o7755)
    write_atomic(p, b"new", expected=b"old")
    assert stat.S_IMODE(p.stat().st_mode) == 0o7755


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file away needs root")
def test_owner_and_setuid_are_kept_together(tmp_path):
    p = tmp_path / "a.go"
    p.write_bytes(b"old")
    os.chown(p, 4242, 4343)
    os.chmod(p, 0o6755)
    write_atomic(p, b"new", expected=b"old")
    st = p.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (4242, 4343, 0o6755)


def test_hard_linked_file_is_refused_and_both_names_keep_their_contents(tree, tmp_path):
    outside = tmp_path / "elsewhere.go"
    outside.write_bytes(BOTH)
    os.link(outside, tree / "a.go")
    r = invoke("fix", "--no-cache", "--no-verify", str(tree))
    assert "a.go: error:" in r.stderr and "hard links" in r.stderr, r.output
    assert (tree / "a.go").read_bytes() == BOTH and outside.read_bytes() == BOTH
    assert os.stat(tree / "a.go").st_ino == os.stat(outside).st_ino  # still one file


def test_stale_temporary_files_are_removed_by_the_next_fix(tree):
    (tree / "a.go").write_bytes(BOTH)
    stale = tree / ".a.go.k3j_9x2q.gofix-tmp"  # what a kill -9 during a write leaves
    stale.write_bytes(BOTH)
    os.chmod(stale, 0o600)
    kept = [tree / ".a.go.gofix-tmp", tree / "a.go.k3j_9x2q.gofix-tmp", tree / ".a.go.TOOLONG99.gofix-tmp",
            tree / "notes.gofix-tmp.txt"]
    for k in kept:
        k.write_bytes(b"not ours")
    (tree / ".b.go.abcdefgh.gofix-tmp").mkdir()  # a directory of that name is not ours either
    r = invoke("fix", "--no-cache", "--no-verify", str(tree))
    assert r.exit_code == 1, r.output
    assert not stale.exists()
    assert all(k.exists() for k in kept) and (tree / ".b.go.abcdefgh.gofix-tmp").is_dir()


def test_a_temporary_file_being_written_is_not_removed(tmp_path):
    import fcntl

    busy = tmp_path / ".a.go.abcdefgh.gofix-tmp"
    busy.write_bytes(b"half")
    with open(busy, "rb") as f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # a running gofix holds its temporary file
        assert writer.remove_stale_temps([tmp_path]) == []
    assert busy.exists()
    assert writer.remove_stale_temps([tmp_path]) == [busy]


# --- odd files: FIFOs, devices, sockets, link loops, lying sizes -------------------------------


def _one_line(stderr: bytes, name: str, text: str) -> None:
    lines = [ln for ln in stderr.decode().splitlines() if name in ln]
    assert len(lines) == 1 and text in lines[0], stderr.decode()
    assert "Traceback" not in stderr.decode()


def test_fifo_in_a_tree_is_skipped_not_waited_for(tree):
    (tree / "a.go").write_bytes(BOTH)
    os.mkfifo(tree / "fifo.go")
    r = gofix("check", "--no-cache", ".", cwd=tree)
    _one_line(r.stderr, "fifo.go", "not a regular file (a FIFO)")
    assert r.returncode == 1 and b"a.go:10" in r.stdout


def test_fifo_named_on_the_command_line_is_skipped(tree):
    os.mkfifo(tree / "fifo.go")
    r = gofix("check", "--no-cache", "fifo.go", cwd=tree)
    _one_line(r.stderr, "fifo.go", "not a regular file (a FIFO)")
    assert r.returncode == 2  # nothing could be processed


def test_socket_is_skipped(tmp_path):
    import socket

    d = tmp_path / "s"  # a short path: unix socket names are limited to ~100 bytes
    d.mkdir()
    sock = socket.socket(socket.AF_UNIX)
    try:
        sock.bind(str(d / "s.go"))
    except OSError as e:
        pytest.skip(f"cannot bind a unix socket here: {e}")
    try:
        r = gofix("check", "--no-cache", "s.go", ".", cwd=d)
    finally:
        sock.close()
    assert r.stderr.decode().count("not a regular file (a socket)") == 2, r.stderr


def _char_device(path: Path) -> Path:
    try:
        os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 5))  # like /dev/zero
    except (OSError, AttributeError) as e:
        pytest.skip(f"cannot create a device node here: {e}")
    return path


def test_character_device_is_never_read(tree):
    (tree / "a.go").write_bytes(BOTH)
    _char_device(tree / "zero.go")
    for args in ([".", ], ["zero.go"]):
        r = gofix("check", "--no-cache", *args, cwd=tree)
        _one_line(r.stderr, "zero.go", "not a regular file (a character device)")


def test_link_to_a_device_named_on_the_command_line(tree):
    (tree / "zero.go").symlink_to("/dev/zero")
    r = gofix("check", "--no-cache", "zero.go", cwd=tree)
    _one_line(r.stderr, "zero.go", "not a regular file (a character device)")
    assert r.returncode == 2


def test_symlink_loops_and_dangling_links_are_one_line_each(tree):
    (tree / "a.go").write_bytes(BOTH)
    (tree / "loop1.go").symlink_to("loop2.go")
    (tree / "loop2.go").symlink_to("loop1.go")
    (tree / "self.go").symlink_to("self.go")
    (tree / "dangling.go").symlink_to("missing.go")
    (tree / "sub").mkdir()
    (tree / "sub" / "up").symlink_to("..")  # a directory loop: not followed
    for args in (["."], ["loop1.go", "self.go", "dangling.go", "a.go"]):
        for cmd in ("check", "fix"):
            r = gofix(cmd, "--no-cache", "--no-verify", *args, cwd=tree) if cmd == "fix" else \
                gofix(cmd, "--no-cache", *args, cwd=tree)
            err = r.stderr.decode()
            assert "Traceback" not in err and "RuntimeError" not in err, err
            for name in ("loop1.go", "self.go"):
                _one_line(r.stderr, name, "symbolic link loop")
            _one_line(r.stderr, "dangling.go", "dangling symbolic link")
            assert r.returncode == 1, err  # a.go was processed
        (tree / "a.go").write_bytes(BOTH)


def test_loop_as_the_only_path_is_an_error_not_a_traceback(tree):
    (tree / "self.go").symlink_to("self.go")
    r = gofix("check", "--no-cache", "self.go", cwd=tree)
    _one_line(r.stderr, "self.go", "symbolic link loop")
    assert r.returncode == 2


def test_reading_is_bounded_even_when_st_size_lies(tree, monkeypatch):
    big = tree / "big.go"
    big.write_bytes(b"package p\n" + b"// x\n" * 100_000)
    real_stat, real_fstat = os.stat, os.fstat

    def small(st: os.stat_result) -> os.stat_result:
        if not stat.S_ISREG(st.st_mode) or st.st_size < 100_000:
            return st
        fields = list(st)
        fields[stat.ST_SIZE] = 10
        return os.stat_result(fields)

    monkeypatch.setattr(os, "stat", lambda *a, **k: small(real_stat(*a, **k)))
    monkeypatch.setattr(os, "fstat", lambda *a, **k: small(real_fstat(*a, **k)))
    src, err = engine.read_target(engine.Target(big, explicit=True), engine.Options(max_file_size=4096))
    assert src is None and err is not None and "4096-byte limit" in err


# --- triage inputs ------------------------------------------------------------------------------

DUMP = """goroutine 7 [chan send, 5 minutes]:
example.com/leaky.worker()
\t/build/leaky/worker.go:6 +0x1d
created by example.com/leaky.Start in goroutine 1
\t/build/leaky/worker.go:4 +0x2b
"""


def test_triage_refuses_a_fifo_and_a_device(tree, tmp_path):
    os.mkfifo(tmp_path / "dump.fifo")
    for name in (str(tmp_path / "dump.fifo"), "/dev/zero"):
        r = gofix("triage", "--repo", str(tree), name, timeout=TIMEOUT)
        assert r.returncode == 2, r.stderr
        assert "not a regular file" in r.stderr.decode() and "Traceback" not in r.stderr.decode()


def test_triage_stdin_still_streams(tree):
    r = gofix("triage", "--repo", str(tree), "--format", "json", "-", stdin=DUMP.encode())
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[0]["count"] == 1


def test_triage_reads_stdin_in_bounded_memory(tree):
    """300 MiB without a newline (as `/dev/zero` piped in would be), then a real dump, into
    a process whose data segment is capped at 600 MiB: long lines are cut, never held."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_DATA, (600 << 20, 600 << 20))

    junk = b"x" * (300 << 20)
    p = subprocess.run([sys.executable, "-m", "gofix", "triage", "--repo", str(tree), "--format", "json", "-"],
                       input=junk + b"\n" + DUMP.encode(), capture_output=True, timeout=TIMEOUT,
                       preexec_fn=limit)
    assert p.returncode == 0, p.stderr[-2000:]
    assert json.loads(p.stdout)[0]["count"] == 1


def test_triage_paths_outside_the_repository_are_unmapped_and_never_read(tmp_path, monkeypatch):
    repo = tmp_path / "repo"
    (repo / "leaky").mkdir(parents=True)
    (repo / "go.mod").write_text("module example.com/leaky\n\ngo 1.22\n")
    (repo / "leaky" / "worker.go").write_text("package leaky\n")
    secret = tmp_path / "secret.go"
    secret.write_bytes(BOTH)
    (repo / "leaky" / "link.go").symlink_to(secret)  # a link inside the repo to a file outside
    frames = [
        "example.com/leaky/../../secret.go",
        "example.com/leaky/../../../../../" + str(secret).lstrip("/"),
        str(repo) + "/../secret.go",
        "/build/leaky/../../secret.go",
        "example.com/leaky/leaky/link.go",
    ]
    from gofix.triage.repo import RepoMap

    m = RepoMap(repo)
    for f in frames:
        loc = m.locate(f, "example.com/leaky.worker")
        assert loc.rel is None or (not loc.rel.startswith("..") and (repo / loc.rel).resolve().is_relative_to(repo.resolve())
                                   and loc.rel != "leaky/link.go"), (f, loc)
    read = []
    real = engine.process
    monkeypatch.setattr(engine, "process", lambda t, *a, **k: (read.append(t.path), real(t, *a, **k))[1])
    text = "".join(f"goroutine {i} [chan send]:\nexample.com/leaky.worker()\n\t{f}:10 +0x1\n\n"
                   for i, f in enumerate(frames, 1))
    dump = tmp_path / "dump.txt"
    dump.write_text(text)
    r = invoke("triage", "--repo", str(repo), "--format", "json", "--no-verify", str(dump))
    rows = json.loads(r.stdout)
    frames_out = [fr for row in rows for fr in row["frames"]]
    assert len(frames_out) == len(frames)
    assert not [fr for fr in frames_out if fr["mapped"]], frames_out
    assert not any(Path(p).resolve() == secret.resolve() for p in read), read


# --- a rule handed a statement outside any function --------------------------------------------


@pytest.mark.parametrize("src", [
    b"package p\n\nfor _, f := range files {\n\tdefer f.Close()\n}\n",
    b"package p\n\nfunc g() {}\n\nfor _, f := range files {\n\tdefer f.Close()\n}\n",
    b"package p\n\nctx, _ := context.WithCancel(ctx)\ngo func() { ch <- 1 }()\nfor { select { case <-time.After(d): } }\n",
    b'package p\n\nimport "net/http"\n\nfunc g() {}\n\nreq, _ := http.NewRequest("GET", u, nil)\nresp, err := http.DefaultClient.Do(req)\n',
])
def test_statements_outside_functions_crash_no_rule(src):
    """tree-sitter-go accepts statements at the top level; every rule must survive them
    (the engine hides a rule's crash on a tree with a syntax error, so call each directly)."""
    from codemods import RULES
    from gofix.analysis import FileContext, Package
    from gofix.analysis import syntax as S
    from gofix.gomod import ModuleInfo

    tree = S.parse(src)
    module = ModuleInfo(None, None, (1, 22), False)
    ctx = FileContext("x.go", src, tree, module, {}, package=Package.in_memory("x.go", src, {}, tree), nolint={})
    for rule in RULES:
        rule.find(ctx)  # raises: the test fails naming the rule
    res, errors = engine.analyze("x.go", src, module, engine.Options())
    assert not errors and res.error is not None and "syntax" in res.error


# --- options validated when parsed ---------------------------------------------------------------


@pytest.mark.parametrize("args,message", [
    (["--max-file-size", "-1"], "--max-file-size"),
    (["--max-file-size", "0"], "--max-file-size"),
    (["--jobs", "-3"], "--jobs"),
    (["--go-version", "99999999999999999999.1"], "--go-version"),
    (["--go-version", "2.0"], "--go-version"),
    (["--go-version", "1.x"], "--go-version"),
    (["--option", "time-after-in-loop.style=bogus"], "bogus"),
    (["--option", "time-after-in-loop.colour=red"], "colour"),
    (["--option", "lost-cancel.style=timer"], "lost-cancel"),
    (["--option", "nosuchrule.style=timer"], "nosuchrule"),
    (["--option", "no-equals-sign"], "RULE.KEY=VALUE"),
])
def test_bad_options_are_usage_errors(tree, args, message):
    (tree / "a.go").write_bytes(BOTH)
    for cmd in ("check", "diff", "fix"):
        r = invoke(cmd, "--no-cache", *args, str(tree))
        assert r.exit_code == 2, (cmd, args, r.output)
        assert message in r.stderr, (cmd, r.stderr)
        assert (tree / "a.go").read_bytes() == BOTH


def test_good_options_still_work(tree):
    (tree / "a.go").write_bytes(BOTH)
    r = invoke("check", "--no-cache", "--max-file-size", "100000", "--go-version", "1.21.3",
               "--option", "time-after-in-loop.style=context", str(tree))
    assert r.exit_code == 1, r.output


def test_jobs_are_capped_at_the_cpu_count_with_a_note(tree):
    (tree / "a.go").write_bytes(BOTH)
    from gofix.cli import _jobs, cpu_count

    cpus = cpu_count()
    r = gofix("check", "--no-cache", "--jobs", str(cpus + 58), ".", cwd=tree)
    assert r.returncode == 1
    assert f"--jobs {cpus + 58} capped at {cpus}" in r.stderr.decode(), r.stderr
    assert _jobs(cpus + 58) == cpus and _jobs(0) == 0 and _jobs(1) == 1


@pytest.mark.parametrize("toml,message", [
    ('[rules.time-after-in-loop]\nstyle = "bogus"\n', "bogus"),
    ('[rules.time-after-in-loop]\ncolour = "red"\n', "colour"),
    ('[rules.time-after-in-loop]\nstyle = 3\n', "style"),
    ('[rules.lost-cancel]\nstyle = "timer"\n', "lost-cancel"),
    ('max-file-size = -5\n', "max-file-size"),
    ('go-version = "99999999999999999999.1"\n', "go-version"),
])
def test_bad_config_values_are_errors(tree, toml, message):
    (tree / "a.go").write_bytes(BOTH)
    (tree / ".gofix.toml").write_text(toml)
    r = invoke("check", "--no-cache", str(tree))
    assert r.exit_code == 2 and message in r.stderr, r.output


def test_every_rule_option_is_declared_by_its_rule():
    from codemods import RULES

    declared = {(r.id, k) for r in RULES for k in r.options}
    assert ("time-after-in-loop", "style") in declared
    for r in RULES:
        for key, spec in r.options.items():
            assert spec.parse(spec.default) == spec.default
            assert f"`{key}" in r.doc or f"{key} =" in r.doc, f"{r.id}: option {key} undocumented"


# --- the bot and config files outside the repository ---------------------------------------------


def _bot_project(root: Path):
    from gofix import bot

    return bot.project_for(bot.BotConfig(path=root), root)


def test_bot_refuses_a_config_link_out_of_the_clone(tmp_path):
    from gofix.config import ConfigError

    root = tmp_path / "clone"
    (root / "sub").mkdir(parents=True)
    (root / "sub" / "x.go").write_bytes(BOTH)
    secret = tmp_path / "secret.toml"
    secret.write_text('password_is_hunter2 = "x"\n')
    for place in (root / ".gofix.toml", root / "sub" / "gofix.toml"):
        place.symlink_to(secret)
        with pytest.raises(ConfigError) as e:
            _bot_project(root).config_path(root / "sub" / "x.go")
        assert "outside the repository" in str(e.value) and "hunter2" not in str(e.value)
        place.unlink()


def test_bot_ignores_config_files_above_the_clone(tmp_path):
    (tmp_path / ".gofix.toml").write_text('select = ["lost-cancel"]\n')
    root = tmp_path / "clone"
    root.mkdir()
    (root / "x.go").write_bytes(BOTH)
    assert _bot_project(root).config_path(root / "x.go") is None
    (root / "gofix.toml").write_text('select = ["unclosed-body"]\n')
    assert _bot_project(root).config_path(root / "x.go") == (root / "gofix.toml").resolve()


# --- the language server: shutdown/exit, bad frames ------------------------------------------------


def frame(obj: dict, length: int | None = None, header: bool = True) -> bytes:
    body = json.dumps(obj).encode()
    n = len(body) if length is None else length
    return (f"Content-Length: {n}\r\n\r\n".encode() if header else b"\r\n") + body


def request(i: int, method: str, params: dict | None = None) -> dict:
    return {"jsonrpc": "2.0", "id": i, "method": method, "params": params or {}}


def notify(method: str, params: dict | None = None) -> dict:
    return {"jsonrpc": "2.0", "method": method, "params": params or {}}


INIT = request(1, "initialize", {"processId": None, "rootUri": None, "capabilities": {}})


def lsp_session(data: bytes, timeout: float = TIMEOUT) -> tuple[int, list[dict]]:
    """Feed raw bytes to `gofix lsp` on stdin; its exit code and the messages it sent."""
    p = subprocess.run([sys.executable, "-m", "gofix", "lsp"], input=data, capture_output=True,
                       timeout=timeout)
    out, msgs = p.stdout, []
    while out:
        m = re.match(rb"Content-Length: (\d+)\r\n(?:[^\r\n]+\r\n)*\r\n", out)
        assert m, out[:200]
        n = int(m.group(1))
        msgs.append(json.loads(out[m.end():m.end() + n]))
        out = out[m.end() + n:]
    return p.returncode, msgs


def responses(msgs: list[dict]) -> dict:
    return {m["id"]: m for m in msgs if "id" in m and "method" not in m}


def test_lsp_requests_after_shutdown_get_invalid_request():
    data = (frame(INIT) + frame(notify("initialized")) + frame(request(2, "shutdown", None))
            + frame(request(3, "textDocument/codeAction", {})) + frame(request(4, "shutdown", None))
            + frame(notify("exit")))
    code, msgs = lsp_session(data)
    got = responses(msgs)
    assert got[2].get("result", "missing") is None and "error" not in got[2]
    for i in (3, 4):
        assert got[i]["error"]["code"] == -32600, got[i]  # InvalidRequest
    assert code == 0


def test_lsp_exit_without_shutdown_exits_one():
    code, _ = lsp_session(frame(INIT) + frame(notify("initialized")) + frame(notify("exit")))
    assert code == 1


@pytest.mark.parametrize("bad", [
    "too-long", "too-short", "missing", "not-a-number", "not-json",
])
def test_lsp_recovers_after_a_bad_frame_without_losing_the_next_messages(bad):
    junk = {"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {}}
    body = json.dumps(junk).encode()
    bad_frame = {
        "too-long": f"Content-Length: {len(body) + 40}\r\n\r\n".encode() + body,
        "too-short": f"Content-Length: {len(body) - 10}\r\n\r\n".encode() + body,
        "missing": b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + body,
        "not-a-number": b"Content-Length: lots\r\n\r\n" + body,
        "not-json": b"Content-Length: 9\r\n\r\nnot json!",
    }[bad]
    follow = [request(10 + k, "workspace/executeCommand", {"command": "nope"}) for k in range(3)]
    data = (frame(INIT) + frame(notify("initialized")) + bad_frame + b"".join(frame(f) for f in follow)
            + frame(request(20, "shutdown", None)) + frame(notify("exit")))
    code, msgs = lsp_session(data)
    got = responses(msgs)
    for k in range(3):
        assert 10 + k in got, (bad, sorted(got))
    assert 20 in got and code == 0


def test_lsp_request_with_bad_params_gets_an_error_not_silence():
    data = (frame(INIT) + frame(notify("initialized")) + frame(request(2, "textDocument/codeAction", {"x": 1}))
            + frame(request(3, "shutdown", None)) + frame(notify("exit")))
    code, msgs = lsp_session(data)
    got = responses(msgs)
    assert got[2]["error"]["code"] == -32602, got  # InvalidParams
    assert code == 0


def test_frames_split_anywhere_with_extra_headers_and_bodies_that_quote_headers():
    from gofix.lsp_frames import Bad, Frames

    msgs = [{"jsonrpc": "2.0", "id": i, "method": "m", "params": {"text": "// Content-Length: 12\r\n\r\n{}"}}
            for i in range(4)]
    wire = b"".join(f"Content-Length: {len(b)}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
                    .encode() + b for b in (json.dumps(m).encode() for m in msgs))
    for step in (1, 2, 3, 5, 64, len(wire)):
        f = Frames()
        out = [x for i in range(0, len(wire), step) for x in f.feed(wire[i:i + step])]
        assert not [x for x in out if isinstance(x, Bad)], step
        assert [json.loads(x)["id"] for x in out] == [0, 1, 2, 3], step


def test_lsp_over_tcp_recovers_after_a_bad_frame_too():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "gofix", "lsp", "--tcp", f"127.0.0.1:{port}"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None, server.stderr.read()
                time.sleep(0.1)
        body = json.dumps({"jsonrpc": "2.0", "id": 99, "method": "x"}).encode()
        conn.sendall(frame(INIT) + b"Content-Length: 4\r\n\r\n" + body
                     + frame(request(10, "workspace/executeCommand", {"command": "nope"}))
                     + frame(request(20, "shutdown", None)))
        data, got = b"", {}
        conn.settimeout(TIMEOUT)
        while 20 not in got:
            chunk = conn.recv(65536)
            assert chunk, got
            data += chunk
            got = responses([json.loads(b) for b in re.findall(rb"\r\n\r\n(\{.*?\})(?=Content-Length|$)", data)])
        assert 10 in got
        conn.sendall(frame(notify("exit")))
        assert server.wait(timeout=TIMEOUT) == 0
    finally:
        if server.poll() is None:
            server.kill()
        server.wait()
