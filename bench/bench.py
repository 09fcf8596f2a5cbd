#!/usr/bin/env python3
"""Benchmark gofix where users wait: the Go standard library against two references, large
files, and (given a checkout) verification against a plain go vet.

One run on one machine, so the ratios compare like with like:

- gofix cold (no cache), warm (cache filled, nothing changed) and warm after touching
  one file (one that gofix parses, not a generated one it skips); gofix runs with its
  bytecode cached, as installed;
- `ast-grep scan` (the ast-grep-cli package) with rules equivalent to gofix's detection
  patterns (bench/astgrep/rules), over exactly the files gofix scans;
- `go vet -lostcancel` over the same packages (`std cmd`), with a fresh build cache
  (cold, like gofix --no-cache) and with a warm one. The ratios compare like with like:
  gofix cold with vet cold, gofix warm with vet warm (vet then replays cached results);
- large files (bench/large_bench.py; no network, left out by --skip-large): `gofix diff`
  of one generated file of 250, 500 and 1,000 copies of three leaky functions (time per
  function, flat within 1.5x), and `gofix check` of a file nested 10,000 blocks deep
  (an answer in under 2 s);
- verification (bench/verify_bench.py; only with --verify-repo, a git checkout of a large
  Go repository with its modules downloaded, restored with `git checkout -- .`):
  `gofix fix` verifying its fixes against a plain `go vet` of the packages they touch,
  edited the same way (within 1.5x).

Each figure is the median of --runs runs (--verify-runs for verification): wall time, CPU
time (user + system of the process tree) and peak memory (the largest sum of RSS over the
process tree, sampled). The corpus is a copy of $(go env GOROOT)/src without testdata, so
that touching a file never modifies the installed toolchain.

    python bench/bench.py               # print the tables
    python bench/bench.py --skip-vet --runs 1 --verify-repo path/to/etcd
    python bench/bench.py --update-readme
"""

from __future__ import annotations

import argparse
import operator
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from large_bench import FUNCTIONS_PER_COPY, SIZES, LargeResult, flatness, parse_sizes, run_large  # noqa: E402
from measure import Sample, measure, median  # noqa: E402  (bench/measure.py, beside this script)
from verify_bench import VerifyResult, run_verify  # noqa: E402

README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def repeat(n: int, fn) -> Sample:
    return median([fn() for _ in range(n)])


def copy_corpus(dest: Path) -> tuple[Path, list[Path], Path]:
    """The corpus, the files gofix scans in it, and the file to touch: one that gofix
    analyses (not generated, and some rule's prefilter lets it through to the parser),
    the middle one of those in discovery order."""
    goroot = subprocess.run(["go", "env", "GOROOT"], capture_output=True, text=True, check=True).stdout.strip()
    src = Path(goroot) / "src"
    corpus = dest / "src"
    shutil.copytree(src, corpus, ignore=shutil.ignore_patterns("testdata"), symlinks=True)
    sys.path.insert(0, str(ROOT))
    from codemods import RULES
    from gofix.engine import Options, Target, discover, is_generated

    files = [t.path for t in discover([corpus]) if isinstance(t, Target)]
    options = Options()
    analysed = [f for f in files
                if not is_generated(b := f.read_bytes()) and any(r.prefilter(b, options) for r in RULES)]
    return corpus, files, analysed[len(analysed) // 2]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    ap.add_argument("--vet-runs", type=int, default=1, help="runs of the slow go vet measurements")
    ap.add_argument("--skip-vet", action="store_true", help="leave out go vet of std and cmd (it takes minutes)")
    ap.add_argument("--skip-large", action="store_true", help="leave out the large and deep files")
    ap.add_argument("--verify-repo", type=Path, metavar="PATH",
                    help="a clean git checkout of a large Go repository, its modules downloaded: "
                         "adds the verification rows (gofix fix against a plain go vet of the packages it touches)")
    ap.add_argument("--verify-runs", type=int, default=1, help="timed runs of each verification measurement")
    ap.add_argument("--update-readme", action="store_true", help="write the tables into README.md")
    args = ap.parse_args(argv)
    for name in ("runs", "vet_runs", "verify_runs"):
        if getattr(args, name) < 1:
            ap.error(f"--{name.replace('_', '-')} must be at least 1")
    if args.verify_repo is not None and not (args.verify_repo / ".git").exists():
        ap.error(f"--verify-repo {args.verify_repo}: not a git checkout (the bench restores it with git checkout -- .)")
    return args


def command_line(args: argparse.Namespace) -> str:
    """The command that measured the tables, as a reader would type it (the checkout's path
    is the reader's own)."""
    words = ["python", "bench/bench.py"]
    if args.skip_vet:
        words.append("--skip-vet")
    if args.skip_large:
        words.append("--skip-large")
    if args.runs != 5:
        words += ["--runs", str(args.runs)]
    if args.verify_repo is not None:
        words += ["--verify-repo", "CHECKOUT"]
        if args.verify_runs != 1:
            words += ["--verify-runs", str(args.verify_runs)]
    return " ".join(words)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    gofix = shutil.which("gofix") or sys.exit("gofix is not installed: pip install -e .")
    sg = shutil.which("ast-grep") or sys.exit("ast-grep is not installed: pip install ast-grep-cli")
    go = shutil.which("go") or sys.exit("go is not on PATH")
    load_start = os.getloadavg()[0]

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="gofix-bench-") as tmp:
        tmpd = Path(tmp)
        corpus, files, touched = copy_corpus(tmpd)
        mb = sum(f.stat().st_size for f in files) / 1e6
        log(f"corpus: {len(files)} Go files, {mb:.1f} MB ({corpus}); {os.cpu_count()} cores")
        base = [gofix, "check", "--no-progress", "--format", "json"]
        env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="")
        # gofix as installed: with its bytecode cached, as `pip install` and any second run
        # leave it, even where the calling environment sets PYTHONDONTWRITEBYTECODE
        gofix_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        measure([gofix, "rules"], env=gofix_env)

        def run_gofix(*extra: str) -> Sample:
            return measure([*base, *extra, str(corpus)], env=gofix_env)

        rows: dict[str, Sample] = {}
        rows[COLD] = repeat(args.runs, lambda: run_gofix("--no-cache"))
        cache = str(tmpd / "cache")
        run_gofix("--cache-dir", cache)  # fill
        # Warm and touched runs alternate, so that drift in the machine's load reaches both.
        # A warm run comes after the racy-stat window has passed and a settling run has
        # re-read the file touched last (its stat was too fresh to trust), as between two
        # real runs with nothing changed.
        warm_samples, touched_samples = [], []
        for n in range(args.runs):
            time.sleep(2.5)
            run_gofix("--cache-dir", cache)  # settle
            warm_samples.append(run_gofix("--cache-dir", cache))
            with open(touched, "a") as f:
                f.write(f"\n// touched {n}\n")
            touched_samples.append(run_gofix("--cache-dir", cache))
        rows[WARM] = median(warm_samples)
        rows[f"{TOUCHED} ({touched.relative_to(corpus)})"] = median(touched_samples)

        sg_cmd = [sg, "scan", "-c", str(HERE / "astgrep" / "sgconfig.yml"), "--json=stream", *map(str, files)]
        rows[ASTGREP] = repeat(args.runs, lambda: measure(sg_cmd, ok=(0, 1)))

        if not args.skip_vet:
            vet = [go, "vet", "-lostcancel", "std", "cmd"]

            def vet_cold() -> Sample:
                gocache = tempfile.mkdtemp(prefix="gocache-", dir=tmp)
                s = measure(vet, env=dict(env, GOCACHE=gocache), ok=(0, 1))
                shutil.rmtree(gocache, ignore_errors=True)
                return s

            rows[VET_COLD] = repeat(args.vet_runs, vet_cold)
            warm_cache = tempfile.mkdtemp(prefix="gocache-", dir=tmp)
            measure(vet, env=dict(env, GOCACHE=warm_cache), ok=(0, 1))
            rows[VET_WARM] = repeat(
                args.vet_runs, lambda: measure(vet, env=dict(env, GOCACHE=warm_cache), ok=(0, 1))
            )

    large = None
    if not args.skip_large:
        large = run_large([gofix], parse_sizes(SIZES), args.runs, env=gofix_env, log=log)
    verify = None
    if args.verify_repo is not None:
        verify = run_verify(args.verify_repo, [gofix], args.verify_runs, env=gofix_env, log=log)
        for line in [verify.summary, *verify.commands]:  # what verification ran, and its times
            if line:
                log("  " + line)

    header = Header(len(files), mb, args.runs, args.verify_runs, command_line(args), load_start, os.getloadavg()[0])
    table = render(header, rows, large, verify)
    print(table)
    if args.update_readme:
        text = README.read_text()
        updated = with_table(text, table)
        if updated is None:
            log(f"README.md has no {START} ... {END} markers; not updated")
        else:
            README.write_text(updated)
            log("README.md updated")


COLD = "gofix cold (--no-cache)"
WARM = "gofix warm (nothing changed)"
TOUCHED = "gofix warm, one file touched"
ASTGREP = "ast-grep scan (equivalent rules)"
VET_COLD = "go vet -lostcancel (cold build cache)"
VET_WARM = "go vet -lostcancel (warm build cache)"


@dataclass
class Header:
    nfiles: int
    mb: float
    runs: int
    verify_runs: int
    command: str
    load_start: float
    load_end: float


@dataclass
class Figure:
    """One row of the second table: a value against its target (`op` applied as
    value op limit); value None when it was not measured, with `note` saying why."""

    name: str
    value: float | None
    unit: str  # printed after the value: "" for a ratio, " s", " MB"
    op: str  # "<=", "<" or "" (no target: for reference)
    limit: float = 0.0
    note: str = ""
    digits: int = 2

    @property
    def met(self) -> str:
        if self.value is None or not self.op:
            return ""
        return "yes" if OPS[self.op](self.value, self.limit) else "no"

    def cells(self) -> str:
        value = self.note if self.value is None else f"{self.value:.{self.digits}f}{self.unit}"
        target = f"{self.op} {self.limit:g}{self.unit}" if self.op else "none: for reference"
        return f"| {self.name} | {value} | {target} | {self.met} |"


OPS = {"<=": operator.le, "<": operator.lt}
# CPU time (user + system, the process and its children) moves less with the machine's load
CPU = "CPU time"


def figures(rows: dict[str, Sample], large: LargeResult | None, verify: VerifyResult | None) -> list[Figure]:
    """The ratios and limits the tables are read for, each with its target (wall times)."""
    cold, warm = rows[COLD], rows[WARM]
    touched = next(v for k, v in rows.items() if k.startswith(TOUCHED))
    out = []
    if ASTGREP in rows:
        out.append(Figure("gofix cold / ast-grep", cold.wall / rows[ASTGREP].wall, "", "<=", 0.85))
        out.append(Figure(f"gofix cold / ast-grep, {CPU}", cold.cpu / rows[ASTGREP].cpu, "", ""))
    # like with like: each tool starting from nothing, and each with its cache filled
    if VET_COLD in rows:
        out.append(Figure("gofix cold / go vet -lostcancel, cold build cache", cold.wall / rows[VET_COLD].wall,
                          "", "<=", 0.2, digits=3))
    if VET_WARM in rows:
        vet_warm = rows[VET_WARM].wall
        out.append(Figure("gofix warm / go vet -lostcancel, warm build cache", warm.wall / vet_warm, "", "<=", 0.2,
                          digits=3))
        out.append(Figure("gofix cold / go vet -lostcancel, warm build cache (unlike states)", cold.wall / vet_warm,
                          "", ""))
    out += [
        Figure("gofix warm / cold", warm.wall / cold.wall, "", "<=", 0.10),
        Figure("gofix one touched / warm", touched.wall / warm.wall, "", "<=", 1.10),
        Figure("gofix cold peak memory", cold.peak_mb, " MB", "<", 500, digits=0),
    ]
    sizes = sorted(large.diffs) if large else [int(s) for s in SIZES.split(",")]
    lo, hi = sizes[0], sizes[-1]
    per_fn = (f"time per function, {FUNCTIONS_PER_COPY * hi:,} / {FUNCTIONS_PER_COPY * lo:,} functions "
              f"({hi:,} / {lo:,} copies)")
    if large:
        out.append(Figure(per_fn, large.flatness(), "", "<=", 1.5))
        out.append(Figure(f"{per_fn}, {CPU}", flatness({n: s.cpu for n, s in large.diffs.items()}), "", ""))
        out.append(Figure(f"file nested {large.depth:,} deep: gofix check answered in", large.deep.wall, " s", "<", 2))
    else:
        out.append(Figure(per_fn, None, "", "<=", 1.5, note="not measured (--skip-large)"))
        out.append(Figure("deep file: gofix check answered in", None, " s", "<", 2, note="not measured (--skip-large)"))
    name = "gofix fix (verifying) / go vet of the packages it touches"
    if verify:
        out.append(Figure(f"{name} ({verify.repo})", verify.ratio, "", "<=", 1.5))
        out.append(Figure(f"{name} ({verify.repo}), {CPU}", verify.fix.cpu / verify.vet.cpu, "", ""))
    else:
        out.append(Figure(name, None, "", "<=", 1.5, note="not measured (no --verify-repo)"))
    return out


def run_rows(header: Header, rows: dict[str, Sample], large: LargeResult | None,
             verify: VerifyResult | None) -> list[str]:
    """The first table's rows: each run's wall and CPU time, peak memory and rate."""
    def row(name: str, s: Sample, rate: str) -> str:
        return f"| {name} | {s.wall:.2f} | {s.cpu:.2f} | {s.peak_mb:.0f} | {rate} |"

    out = [row(name, s, f"{header.nfiles / s.wall:.0f} files/s, {header.mb / s.wall:.1f} MB/s")
           for name, s in rows.items()]
    if large:
        for n, s in sorted(large.diffs.items()):
            out.append(row(f"gofix diff, one file of {n:,} copies ({FUNCTIONS_PER_COPY * n:,} functions, "
                           f"{large.lines[n]:,} lines)", s, f"{large.ms_per_function(n):.2f} ms per function"))
        out.append(row(f"gofix check, one file nested {large.depth:,} blocks deep", large.deep,
                       f"answered: {large.deep_answer}"))
    if verify:
        out.append(row(f"go vet of the {verify.packages} packages the fixes touch ({verify.repo}, edited, "
                       "build cache warm)", verify.vet, ""))
        out.append(row(f"gofix fix, verifying ({verify.repo}, {verify.verified + verify.dropped + verify.unverified}"
                       " fixes; gofix cache warm)", verify.fix, ""))
    return out


def render(header: Header, rows: dict[str, Sample], large: LargeResult | None = None,
           verify: VerifyResult | None = None) -> str:
    h = header
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} by `{h.command}`, {os.cpu_count()} cores, load average "
        f"{h.load_start:.1f} at the start and {h.load_end:.1f} at the end; each figure the median of "
        f"{h.runs} runs" + (f" ({h.verify_runs} for verification)." if verify else "."),
        f"Standard library: a copy of the Go standard library ({h.nfiles} files, {h.mb:.0f} MB, testdata excluded).",
    ]
    if large:
        sizes = sorted(large.diffs)
        lines.append("Large files: generated files of " + ", ".join(f"{n:,}" for n in sizes)
                     + f" copies of the same {FUNCTIONS_PER_COPY} leaky functions, each fixed by `gofix diff`, "
                     f"and a file nested {large.depth:,} blocks deep.")
    else:
        lines.append("Large files: not measured (--skip-large).")
    if verify:
        lines.append(f"Verification: {verify.repo} at {verify.head}, every rule with unsafe fixes: fixes in "
                     f"{verify.changed} files of {verify.packages} packages, {verify.verified} verified, "
                     f"{verify.dropped} dropped, {verify.unverified} unverified.")
    else:
        lines.append("Verification: not measured (it needs `--verify-repo CHECKOUT`, a large Go repository "
                     "checked out with its modules downloaded).")
    lines += [
        "",
        "| run | wall s | CPU s | peak MB | rate |",
        "| --- | ---: | ---: | ---: | --- |",
        *run_rows(header, rows, large, verify),
        "",
        "| figure (wall times unless it says CPU) | value | target | met |",
        "| --- | ---: | --- | --- |",
        *(f.cells() for f in figures(rows, large, verify)),
    ]
    return "\n".join(lines)


def with_table(text: str, table: str) -> str | None:
    """text with everything between the bench markers replaced by table; None without markers."""
    if START not in text or END not in text:
        return None
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{table}\n{END}{tail}"


if __name__ == "__main__":
    main()
