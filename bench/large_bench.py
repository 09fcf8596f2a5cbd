#!/usr/bin/env python3
"""Large and deep files: does gofix's time per function stay flat as a file grows?

Generates, in a temporary module, files holding 250, 500 and 1,000 copies of the same three
leaky functions (a discarded cancel, a time.After in a loop, an unclosed response body) and
times `gofix diff --no-cache --no-verify` on each, so every copy is found and fixed. The
figure that matters is the time per function and its ratio between the largest and the
smallest file (target: within 1.5x). Also times `gofix check` on a small file nested
10,000 blocks deep (target: an answer, findings or a clear message, in under 2 s).

    python bench/large_bench.py
    python bench/large_bench.py --sizes 250,500,1000 --runs 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = 'package big\n\nimport (\n\t"context"\n\t"net/http"\n\t"time"\n)\n\n'

TEMPLATE = """func cancel{i}(ctx context.Context) error {{
	ctx, _ = context.WithTimeout(ctx, time.Second)
	return ctx.Err()
}}

func poll{i}(ch chan int) {{
	for {{
		select {{
		case <-ch:
		case <-time.After(time.Second):
			return
		}}
	}}
}}

func get{i}(url string) (int, error) {{
	resp, err := http.Get(url)
	if err != nil {{
		return 0, err
	}}
	return resp.StatusCode, nil
}}

"""


def big_file(copies: int) -> str:
    return HEADER + "".join(TEMPLATE.format(i=i) for i in range(copies))


def deep_file(depth: int) -> str:
    """A function whose body is `depth` nested blocks with a leak at the bottom: rules walk
    from the leak up to the function, so an ancestor walk that costs the depth per step is
    quadratic here."""
    leak = "_, _ = context.WithTimeout(context.Background(), time.Second)\n"
    body = "{\n" * depth + leak + "}\n" * depth
    return 'package deep\n\nimport (\n\t"context"\n\t"time"\n)\n\nfunc f() {\n' + body + "}\n"


def timed(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="250,500,1000", help="copies of the three functions, comma-separated")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--depth", type=int, default=10_000)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    gofix = [sys.executable, "-m", "gofix"]
    print(f"load average (1 min) at the start: {os.getloadavg()[0]:.1f}, on {os.cpu_count()} cores\n")

    with tempfile.TemporaryDirectory(prefix="gofix-large-bench-") as tmp:
        root = Path(tmp)
        (root / "go.mod").write_text("module big\n\ngo 1.22\n")
        print("| functions | lines | gofix diff s | ms per function |\n| ---: | ---: | ---: | ---: |")
        per_fn = {}
        for n in sizes:
            d = root / f"n{n}"
            d.mkdir()
            text = big_file(n)
            (d / "big.go").write_text(text)
            secs = timed([*gofix, "diff", "--no-cache", "--no-verify", "--no-progress", str(d / "big.go")], args.runs)
            per_fn[n] = secs * 1000 / (3 * n)
            print(f"| {3 * n} | {text.count(chr(10))} | {secs:.2f} | {per_fn[n]:.2f} |")
        lo, hi = min(sizes), max(sizes)
        print(f"\ntime per function, {3 * hi} / {3 * lo} functions: {per_fn[hi] / per_fn[lo]:.2f} (target <= 1.5)")

        deep = root / "deep"
        deep.mkdir()
        (deep / "deep.go").write_text(deep_file(args.depth))
        secs = timed([*gofix, "check", "--no-cache", "--no-progress", str(deep / "deep.go")], 1)
        print(f"file nested {args.depth} deep: gofix check answered in {secs:.2f} s (target < 2)")
        print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
