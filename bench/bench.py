#!/usr/bin/env python3
"""Benchmark `gofix check` over the Go standard library against two references.

One run on one machine, so the ratios compare like with like:

- gofix cold (no cache), warm (cache filled, nothing changed) and warm after touching
  one file (one that gofix parses, not a generated one it skips); gofix runs with its
  bytecode cached, as installed;
- `ast-grep scan` (the ast-grep-cli package) with rules equivalent to gofix's detection
  patterns (bench/astgrep/rules), over exactly the files gofix scans;
- `go vet -lostcancel` over the same packages (`std cmd`), with a fresh build cache
  (cold, like gofix --no-cache) and with a warm one. The ratios compare like with like:
  gofix cold with vet cold, gofix warm with vet warm (vet then replays cached results).

Each figure is the median of --runs runs: wall time, CPU time (user + system of the
process tree) and peak memory (the largest sum of RSS over the process tree, sampled).
The corpus is a copy of $(go env GOROOT)/src without testdata, so that touching a file
never modifies the installed toolchain.

    python bench/bench.py               # print the table
    python bench/bench.py --update-readme
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from measure import Sample, measure  # noqa: E402  (bench/measure.py, beside this script)
README = ROOT / "README.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def median(samples: list[Sample]) -> Sample:
    return Sample(
        statistics.median(s.wall for s in samples),
        statistics.median(s.cpu for s in samples),
        statistics.median(s.peak_mb for s in samples),
    )


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="runs per measurement (median)")
    ap.add_argument("--vet-runs", type=int, default=1, help="runs of the slow go vet measurements")
    ap.add_argument("--skip-vet", action="store_true", help="leave out go vet (it takes minutes)")
    ap.add_argument("--update-readme", action="store_true", help="write the table into README.md")
    args = ap.parse_args()

    gofix = shutil.which("gofix") or sys.exit("gofix is not installed: pip install -e .")
    sg = shutil.which("ast-grep") or sys.exit("ast-grep is not installed: pip install ast-grep-cli")
    go = shutil.which("go") or sys.exit("go is not on PATH")

    with tempfile.TemporaryDirectory(prefix="gofix-bench-") as tmp:
        tmpd = Path(tmp)
        corpus, files, touched = copy_corpus(tmpd)
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(f"corpus: {len(files)} Go files, {mb:.1f} MB ({corpus}); {os.cpu_count()} cores", file=sys.stderr)
        base = [gofix, "check", "--no-progress", "--format", "json"]
        env = dict(os.environ, GOTOOLCHAIN="local", GOFLAGS="")
        # gofix as installed: with its bytecode cached, as `pip install` and any second run
        # leave it, even where the calling environment sets PYTHONDONTWRITEBYTECODE
        gofix_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        measure([gofix, "rules"], env=gofix_env)

        def run_gofix(*extra: str) -> Sample:
            return measure([*base, *extra, str(corpus)], env=gofix_env)

        rows: dict[str, Sample] = {}
        rows["gofix cold (--no-cache)"] = repeat(args.runs, lambda: run_gofix("--no-cache"))
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
        rows["gofix warm (nothing changed)"] = median(warm_samples)
        rows[f"gofix warm, one file touched ({touched.relative_to(corpus)})"] = median(touched_samples)

        listing = tmpd / "files.txt"
        listing.write_text("\n".join(map(str, files)))
        sg_cmd = [sg, "scan", "-c", str(HERE / "astgrep" / "sgconfig.yml"), "--json=stream", *map(str, files)]
        rows["ast-grep scan (equivalent rules)"] = repeat(args.runs, lambda: measure(sg_cmd, ok=(0, 1)))

        if not args.skip_vet:
            vet = [go, "vet", "-lostcancel", "std", "cmd"]

            def vet_cold() -> Sample:
                gocache = tempfile.mkdtemp(prefix="gocache-", dir=tmp)
                s = measure(vet, env=dict(env, GOCACHE=gocache), ok=(0, 1))
                shutil.rmtree(gocache, ignore_errors=True)
                return s

            rows["go vet -lostcancel (cold build cache)"] = repeat(args.vet_runs, vet_cold)
            warm_cache = tempfile.mkdtemp(prefix="gocache-", dir=tmp)
            measure(vet, env=dict(env, GOCACHE=warm_cache), ok=(0, 1))
            rows["go vet -lostcancel (warm build cache)"] = repeat(
                args.vet_runs, lambda: measure(vet, env=dict(env, GOCACHE=warm_cache), ok=(0, 1))
            )

    table = render(rows, len(files), mb, args.runs)
    print(table)
    if args.update_readme:
        text = README.read_text()
        if START in text and END in text:
            head, rest = text.split(START, 1)
            _, tail = rest.split(END, 1)
            README.write_text(f"{head}{START}\n{table}\n{END}{tail}")
            print("README.md updated", file=sys.stderr)
        else:
            print(f"README.md has no {START} ... {END} markers; not updated", file=sys.stderr)


def render(rows: dict[str, Sample], nfiles: int, mb: float, runs: int) -> str:
    cold = rows["gofix cold (--no-cache)"]
    lines = [
        f"Go standard library ({nfiles} files, {mb:.0f} MB, testdata excluded), {os.cpu_count()} cores, "
        f"median of {runs} runs, measured {time.strftime('%Y-%m-%d')} by `python bench/bench.py`.",
        "",
        "| run | wall s | CPU s | peak MB | files/s | MB/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, s in rows.items():
        lines.append(f"| {name} | {s.wall:.2f} | {s.cpu:.2f} | {s.peak_mb:.0f} | {nfiles / s.wall:.0f} | {mb / s.wall:.1f} |")
    lines += ["", "| ratio (wall time) | value | target |", "| --- | ---: | --- |"]
    sg = rows.get("ast-grep scan (equivalent rules)")
    if sg:
        lines.append(f"| gofix cold / ast-grep | {cold.wall / sg.wall:.2f} | <= 0.85 |")
    warm = rows["gofix warm (nothing changed)"]
    touched = next(v for k, v in rows.items() if k.startswith("gofix warm, one file touched"))
    vet_cold = rows.get("go vet -lostcancel (cold build cache)")
    vet_warm = rows.get("go vet -lostcancel (warm build cache)")
    # like with like: each tool starting from nothing, and each with its cache filled
    if vet_cold:
        lines.append(f"| gofix cold / go vet -lostcancel, cold build cache | {cold.wall / vet_cold.wall:.3f} | <= 0.2 (5x faster) |")
    if vet_warm:
        lines.append(f"| gofix warm / go vet -lostcancel, warm build cache | {warm.wall / vet_warm.wall:.3f} | <= 0.2 (5x faster) |")
        lines.append(f"| gofix cold / go vet -lostcancel, warm build cache (unlike states) | {cold.wall / vet_warm.wall:.2f} | none: for reference |")
    lines.append(f"| gofix warm / cold | {warm.wall / cold.wall:.2f} | <= 0.10 |")
    lines.append(f"| gofix one touched / warm | {touched.wall / warm.wall:.2f} | <= 1.10 |")
    lines.append(f"| gofix cold peak memory | {cold.peak_mb:.0f} MB | < 500 MB |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
