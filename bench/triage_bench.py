"""Benchmark: `gofix triage` on a generated goroutine dump of a million goroutines.

    python bench/triage_bench.py [--goroutines 1000000] [--format debug2|debug1|sigquit] [--keep]

Writes a debug=2 style dump (realistic stacks, distinct argument values on every frame,
as real dumps have, so nothing can be shared between goroutines by accident) into a
temporary directory with a small Go checkout, then runs the real command line
(`gofix triage DUMP --repo CHECKOUT --format json --no-progress`) in a child process and
reports the wall and CPU time (CPU is the stable figure on a busy machine), throughput
and the child's peak resident memory. It runs twice,
at a tenth of the size and at full size: bounded memory means the two peaks are close.
Not part of the test run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKER = """package worker

import "time"

func slow() error { time.Sleep(time.Second); return nil }

func Fetch(done chan struct{}) error {
	errc := make(chan error)
	go func() {
		errc <- slow()
	}()
	select {
	case err := <-errc:
		return err
	case <-done:
		return nil
	}
}
"""

# (state, frames (function, file, line), created by) templates; {p} is the build prefix
STACKS = [
    ("chan send", [("example.com/svc/internal/worker.Fetch.func1", "{p}/internal/worker/worker.go", 10)],
     ("example.com/svc/internal/worker.Fetch", "{p}/internal/worker/worker.go", 9)),
    ("IO wait", [("internal/poll.runtime_pollWait", "/usr/local/go/src/runtime/netpoll.go", 351),
                 ("internal/poll.(*pollDesc).wait", "/usr/local/go/src/internal/poll/fd_poll_runtime.go", 84),
                 ("internal/poll.(*FD).Read", "/usr/local/go/src/internal/poll/fd_unix.go", 165),
                 ("net.(*netFD).Read", "/usr/local/go/src/net/fd_posix.go", 68),
                 ("net.(*conn).Read", "/usr/local/go/src/net/net.go", 196),
                 ("net/http.(*connReader).Read", "/usr/local/go/src/net/http/server.go", 809),
                 ("bufio.(*Reader).fill", "/usr/local/go/src/bufio/bufio.go", 113),
                 ("net/http.(*conn).serve", "/usr/local/go/src/net/http/server.go", 2067)],
     ("net/http.(*Server).Serve", "/usr/local/go/src/net/http/server.go", 3464)),
    ("select", [("github.com/acme/pool.(*Pool).worker", "/home/ci/go/pkg/mod/github.com/acme/pool@v1.4.0/pool.go", 88)],
     ("github.com/acme/pool.New", "/home/ci/go/pkg/mod/github.com/acme/pool@v1.4.0/pool.go", 40)),
    ("sync.Mutex.Lock", [("internal/sync.runtime_SemacquireMutex", "/usr/local/go/src/runtime/sema.go", 95),
                         ("sync.(*Mutex).Lock", "/usr/local/go/src/sync/mutex.go", 46),
                         ("example.com/svc/internal/worker.slow", "{p}/internal/worker/worker.go", 5)],
     ("example.com/svc/internal/worker.Fetch", "{p}/internal/worker/worker.go", 9)),
]
WEIGHTS = [70, 20, 8, 2]


def generate(path: Path, n: int, prefix: str, seed: int = 1) -> int:
    rnd = random.Random(seed)
    size = 0
    with open(path, "w", encoding="utf-8") as f:
        for goid in range(1, n + 1):
            state, frames, created = rnd.choices(STACKS, WEIGHTS)[0]
            minutes = rnd.choice((0, 0, 1, 5, 30, 120, 600))
            m = f", {minutes} minutes" if minutes else ""
            lines = [f"goroutine {goid} [{state}{m}]:"]
            for fn, file, line in frames:
                arg = rnd.getrandbits(40)
                lines.append(f"{fn}(0x{arg:x}, {{0x{arg ^ 0xff:x}, 0x{arg >> 3:x}}})")
                lines.append(f"\t{file.format(p=prefix)}:{line} +0x{rnd.getrandbits(10):x}")
            lines.append(f"created by {created[0]} in goroutine {rnd.randrange(1, 100)}")
            lines.append(f"\t{created[1].format(p=prefix)}:{created[2]} +0x{rnd.getrandbits(10):x}")
            text = "\n".join(lines) + "\n\n"
            size += len(text)
            f.write(text)
    return size


def measure(dump: Path, repo: Path) -> tuple[float, float, int, list]:
    cmd = [sys.executable, "-m", "gofix", "triage", str(dump), "--repo", str(repo), "--format", "json",
           "--no-progress"]
    t0 = time.perf_counter()
    pid = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = pid.communicate()
    elapsed = time.perf_counter() - t0
    # ru_maxrss of the waited-for children: this is the only child we have run so far
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if pid.returncode not in (0, 1):
        raise SystemExit(f"gofix triage failed ({pid.returncode}): {err.decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, json.loads(out)


def run_one(n: int, workdir: Path, repo: Path) -> dict:
    dump = workdir / f"dump-{n}.txt"
    t0 = time.perf_counter()
    size = generate(dump, n, "/build/ci/svc")
    gen = time.perf_counter() - t0
    # peak memory is per process tree: measure in a fresh interpreter each time
    code = (
        "import json,sys; sys.path.insert(0, %r); from bench.triage_bench import measure; "
        "from pathlib import Path; e,c,p,g=measure(Path(%r), Path(%r)); "
        "print(json.dumps({'elapsed': e, 'cpu': c, 'peak_kib': p, 'groups': len(g), 'top': g[0]['count'], "
        "'top_line': g[0]['blocking']['line'], 'findings': [f['rule'] for f in g[0]['findings']]}))"
    ) % (str(Path(__file__).resolve().parent.parent), str(dump), str(repo))
    res = json.loads(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True).stdout)
    res.update(goroutines=n, bytes=size, generate_s=gen)
    dump.unlink()
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--goroutines", type=int, default=1_000_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="triage-bench-") as tmp:
        workdir = Path(tmp)
        repo = workdir / "svc"
        (repo / "internal" / "worker").mkdir(parents=True)
        (repo / "go.mod").write_text("module example.com/svc\n\ngo 1.22\n")
        (repo / "internal" / "worker" / "worker.go").write_text(WORKER)
        for n in (max(1, args.goroutines // 10), args.goroutines):
            r = run_one(n, workdir, repo)
            print(f"{r['goroutines']:>9,} goroutines  {r['bytes'] / 1e6:7.1f} MB dump  "
                  f"{r['elapsed']:6.1f} s wall, {r['cpu']:6.1f} s CPU  "
                  f"({r['bytes'] / 1e6 / r['cpu']:5.1f} MB/s, {r['goroutines'] / r['cpu'] / 1e3:5.0f}k goroutines/s of CPU)  "
                  f"peak RSS {r['peak_kib'] / 1024:6.1f} MiB  groups {r['groups']}  "
                  f"top group {r['top']:,} at line {r['top_line']} {r['findings']}")
            sys.stdout.flush()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
