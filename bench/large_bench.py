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
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import Sample, measure, median  # noqa: E402  (bench/measure.py, beside this script)

SIZES = "250,500,1000"
DEPTH = 10_000
FUNCTIONS_PER_COPY = 3  # the TEMPLATE's functions, each with one leak

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


@dataclass
class LargeResult:
    """`gofix diff` of each generated file (by its copies of the three functions) and
    `gofix check` of the deep file, with what the deep file's check answered."""

    diffs: dict[int, Sample]
    lines: dict[int, int]
    depth: int
    deep: Sample
    deep_answer: str

    def ms_per_function(self, copies: int) -> float:
        return ms_per_function(self.diffs[copies], copies)

    def flatness(self) -> float:
        """Time per function of the largest file over the smallest's (wall time)."""
        return flatness({n: s.wall for n, s in self.diffs.items()})


def ms_per_function(sample: Sample, copies: int) -> float:
    return sample.wall * 1000 / (FUNCTIONS_PER_COPY * copies)


def flatness(walls: dict[int, float]) -> float:
    """walls: seconds by copies. The time per function of the largest file over the smallest's
    (1.0: linear; 4.0 for a quadratic cost from 250 to 1,000 copies)."""
    lo, hi = min(walls), max(walls)
    return (walls[hi] / hi) / (walls[lo] / lo)


def deep_answer(sample: Sample) -> str:
    """What `gofix check --format json` of the deep file answered: findings, or its message."""
    if sample.code == 2:
        lines = sample.stderr.strip().splitlines()
        return lines[-1] if lines else "an error without a message"
    n = len(json.loads(sample.stdout or "[]"))
    return f"{n} finding{'s' if n != 1 else ''}"


def run_large(gofix: list[str], sizes: list[int], runs: int, depth: int = DEPTH,
              env: dict | None = None, log=None) -> LargeResult:
    """Generate the files in a temporary module and time gofix on them (median of runs).
    Every copy has a fix, so `gofix diff` must exit 1 (changes); 0 or 2 stops the bench."""
    diffs, lines = {}, {}
    with tempfile.TemporaryDirectory(prefix="gofix-large-bench-") as tmp:
        root = Path(tmp)
        (root / "go.mod").write_text("module big\n\ngo 1.22\n")
        for n in sizes:
            d = root / f"n{n}"
            d.mkdir()
            text = big_file(n)
            (d / "big.go").write_text(text)
            lines[n] = text.count("\n")
            cmd = [*gofix, "diff", "--no-cache", "--no-verify", "--no-progress", str(d / "big.go")]
            diffs[n] = median([measure(cmd, env=env, ok=(1,)) for _ in range(runs)])
            if log:
                log(f"large file, {n} copies: gofix diff {diffs[n].wall:.2f} s")
        deep = root / "deep"
        deep.mkdir()
        (deep / "deep.go").write_text(deep_file(depth))
        cmd = [*gofix, "check", "--no-cache", "--no-progress", "--format", "json", str(deep / "deep.go")]
        sample = median([measure(cmd, env=env, ok=(0, 1, 2), keep_output=True) for _ in range(runs)])
    return LargeResult(diffs, lines, depth, sample, deep_answer(sample))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=SIZES, help="copies of the three functions, comma-separated")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--depth", type=int, default=DEPTH)
    args = ap.parse_args()
    sizes = parse_sizes(args.sizes)
    print(f"load average (1 min) at the start: {os.getloadavg()[0]:.1f}, on {os.cpu_count()} cores\n")
    r = run_large([sys.executable, "-m", "gofix"], sizes, args.runs, args.depth)
    print("| functions | lines | gofix diff s | CPU s | ms per function |\n| ---: | ---: | ---: | ---: | ---: |")
    for n in sizes:
        s = r.diffs[n]
        print(f"| {FUNCTIONS_PER_COPY * n} | {r.lines[n]} | {s.wall:.2f} | {s.cpu:.2f} | {r.ms_per_function(n):.2f} |")
    lo, hi = min(sizes), max(sizes)
    print(f"\ntime per function, {FUNCTIONS_PER_COPY * hi} / {FUNCTIONS_PER_COPY * lo} functions: "
          f"{r.flatness():.2f} (target <= 1.5)")
    print(f"file nested {r.depth} deep: gofix check answered ({r.deep_answer}) in {r.deep.wall:.2f} s (target < 2)")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f}")


def parse_sizes(text: str) -> list[int]:
    sizes = [int(s) for s in text.split(",") if s.strip()]
    if len(sizes) < 2 or min(sizes) <= 0:
        raise ValueError(f"--sizes {text!r}: two or more positive numbers of copies, comma-separated")
    return sizes


if __name__ == "__main__":
    main()
