"""Compare two tree-sitter Go grammars against `gofmt -e` (go/parser), for docs/grammar.md.

    python scripts/grammar_eval.py --gofmt GOFMT --label stdlib DIR [DIR ...]
    python scripts/grammar_eval.py --gofmt GOFMT --fuzz 2000 --seed 1 DIR

Needs both `tree_sitter_go` and `tree_sitter_golang` importable (a scratch virtualenv: the
project itself depends on tree-sitter-golang only, since the switch). For each .go file:
does go/parser accept it (`gofmt -e`, in batches), does each grammar parse it without an
ERROR or MISSING node, and how long each grammar takes. With --fuzz N, N mutated copies of files under DIR are judged
instead (token deletions, duplications, swapped lines, statements moved to the top level,
Go 1.26/1.27 syntax spliced in). Prints a JSON summary; --kinds also lists the node kinds
each grammar produced. --speed R times the two grammars on the same files instead: each
file parsed by one grammar then the other, R rounds, the fastest of the rounds kept per
file and grammar (so load on a shared machine hits both alike).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import tree_sitter_go
import tree_sitter_golang
from tree_sitter import Language, Parser

GRAMMARS = {"tree-sitter-go": tree_sitter_go, "tree-sitter-golang": tree_sitter_golang}
BATCH = 200


def go_files(dirs: list[str]) -> list[Path]:
    out = []
    for d in dirs:
        for root, _, files in os.walk(d):
            out.extend(Path(root) / f for f in files if f.endswith(".go"))
    return sorted(out)


def gofmt_rejects(gofmt: str, paths: list[Path]) -> set[Path]:
    """The files go/parser rejects: `gofmt -e -l` prints `file:line:col: msg` for them."""
    bad: set[Path] = set()
    by_name = {str(p): p for p in paths}
    for i in range(0, len(paths), BATCH):
        chunk = [str(p) for p in paths[i:i + BATCH]]
        r = subprocess.run([gofmt, "-e", "-l", *chunk], capture_output=True, text=True, errors="replace")
        for line in r.stderr.splitlines():
            m = re.match(r"(.+?\.go):\d+:\d+: ", line)
            if m and m.group(1) in by_name:
                bad.add(by_name[m.group(1)])
    return bad


def judge(parsers: dict[str, Parser], srcs: dict[Path, bytes], rejected: set[Path],
          with_validity: bool = False) -> dict:
    stats: dict = {"files": len(srcs), "gofmt_rejects": len(rejected), "grammars": {}}
    runs = list(parsers.items())
    if with_validity:
        runs.append(("tree-sitter-go + gofix.validity", parsers["tree-sitter-go"]))
    for name, parser in runs:
        agree = false_ok = false_err = 0
        seconds = 0.0
        examples_ok, examples_err = [], []
        for path, src in srcs.items():
            t0 = time.perf_counter()
            tree = parser.parse(src)
            seconds += time.perf_counter() - t0
            ok = not tree.root_node.has_error
            if ok and name.endswith("gofix.validity"):
                ok = syntax_problem(tree) is None  # plus the top-level shapes gofix refuses
            if ok == (path not in rejected):
                agree += 1
            elif ok:
                false_ok += 1  # the grammar accepts what go/parser rejects
                if len(examples_ok) < 8:
                    examples_ok.append(str(path))
            else:
                false_err += 1  # the grammar rejects valid Go
                if len(examples_err) < 8:
                    examples_err.append(str(path))
        stats["grammars"][name] = {
            "agree": agree, "agree_pct": round(100 * agree / max(1, len(srcs)), 3),
            "accepts_invalid": false_ok, "rejects_valid": false_err, "parse_seconds": round(seconds, 3),
            "examples_accepts_invalid": examples_ok, "examples_rejects_valid": examples_err,
        }
    return stats


SPLICES = [
    b"\nvar _ = new(int64(1))\n",
    b"\nfunc (r *R) M[T any](x T) T { return x }\n",
    b"\ngo f(nil)\n",
    b"\nx := 1\n",
    b"\nfunc f() { for i := range 10 { _ = i } }\n",
    b"\ntype A[T any] = []T\n",
]


def mutate(rng: random.Random, src: bytes) -> bytes:
    lines = src.split(b"\n")
    kind = rng.randrange(6)
    if kind == 0 and len(src) > 2:  # delete a byte range (a token or two)
        i = rng.randrange(len(src))
        return src[:i] + src[i + rng.randint(1, 6):]
    if kind == 1 and len(src) > 2:  # duplicate a byte range
        i = rng.randrange(len(src))
        j = min(len(src), i + rng.randint(1, 12))
        return src[:j] + src[i:j] + src[j:]
    if kind == 2 and len(lines) > 2:  # swap two lines
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        return b"\n".join(lines)
    if kind == 3:  # insert a punctuation byte
        i = rng.randrange(len(src) + 1)
        return src[:i] + bytes([rng.choice(b"{}()[];,.:=<-*&")]) + src[i:]
    if kind == 4 and len(lines) > 2:  # move a body line to the top level (after the package clause)
        a = rng.randrange(len(lines))
        line = lines.pop(a)
        lines.insert(min(len(lines), 1 + rng.randrange(2)), line.strip())
        return b"\n".join(lines)
    return src + rng.choice(SPLICES)


def speed(parsers: dict[str, Parser], files: list[Path], rounds: int) -> dict:
    best: dict[str, list[float]] = {n: [float("inf")] * len(files) for n in parsers}
    srcs = [p.read_bytes() for p in files]
    for _ in range(rounds):
        for i, src in enumerate(srcs):
            for name, parser in parsers.items():
                t0 = time.perf_counter()
                parser.parse(src)
                best[name][i] = min(best[name][i], time.perf_counter() - t0)
    total = {n: sum(v) for n, v in best.items()}
    names = list(parsers)
    ratios = sorted(b / a for a, b in zip(best[names[0]], best[names[1]]) if a > 0)
    return {"files": len(files), "bytes": sum(map(len, srcs)), "rounds": rounds,
            "seconds": {n: round(t, 3) for n, t in total.items()},
            "mb_per_s": {n: round(sum(map(len, srcs)) / t / 1e6, 2) for n, t in total.items()},
            f"ratio_{names[1]}_over_{names[0]}": round(total[names[1]] / total[names[0]], 3),
            "per_file_ratio_median": round(ratios[len(ratios) // 2], 3) if ratios else None}


def syntax_problem(tree):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from gofix.validity import syntax_problem as check

    return check(tree)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("dirs", nargs="+")
    ap.add_argument("--gofmt", required=True)
    ap.add_argument("--label", default="")
    ap.add_argument("--fuzz", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", action="store_true")
    ap.add_argument("--exclude", action="append", default=[], help="skip paths containing this")
    ap.add_argument("--speed", type=int, default=0, help="rounds of interleaved timing")
    ap.add_argument("--with-validity", action="store_true",
                    help="also judge tree-sitter-go plus gofix.validity's top-level checks (run from the repository)")
    args = ap.parse_args()
    parsers = {n: Parser(Language(m.language())) for n, m in GRAMMARS.items()}
    files = [p for p in go_files(args.dirs) if not any(x in str(p) for x in args.exclude)]
    if args.speed:
        json.dump(speed(parsers, files, args.speed), sys.stdout, indent=1)
        print()
        return
    with tempfile.TemporaryDirectory() as tmp:
        if args.fuzz:
            rng = random.Random(args.seed)
            pool = [p for p in files if p.stat().st_size < 20_000] or files
            paths = []
            for i in range(args.fuzz):
                src = pool[rng.randrange(len(pool))].read_bytes()
                for _ in range(rng.randint(1, 3)):
                    src = mutate(rng, src)
                p = Path(tmp) / f"f{i}.go"
                p.write_bytes(src)
                paths.append(p)
        else:
            paths = files
        srcs = {p: p.read_bytes() for p in paths}
        rejected = gofmt_rejects(args.gofmt, paths)
        stats = judge(parsers, srcs, rejected, args.with_validity)
        stats["label"] = args.label
        stats["bytes"] = sum(len(s) for s in srcs.values())
        if args.kinds:
            for name, parser in parsers.items():
                kinds: dict[str, int] = {}
                for path, src in srcs.items():
                    if path in rejected:
                        continue
                    stack = [parser.parse(src).root_node]
                    while stack:
                        n = stack.pop()
                        if n.is_named:
                            kinds[n.type] = kinds.get(n.type, 0) + 1
                        stack.extend(n.children)
                stats["grammars"][name]["kinds"] = dict(sorted(kinds.items()))
    json.dump(stats, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
