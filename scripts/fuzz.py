#!/usr/bin/env python3
"""Fuzz gofix's fix path with mutated real Go files; count what must never happen.

    python scripts/fuzz.py [--count 20000] [--time 1800] [--jobs 2] [--seed 1] [--out DIR]

Inputs are real Go files (the golden inputs, and files of `$(go env GOROOT)/src` that
mention what the rules look for), mutated by a seeded random generator: some mutations
keep the file valid Go and plant a leak the rules fix (a discarded cancel, an unclosed
body, a time.After in a loop, ...) inside a real function; others damage it (truncate,
cut, splice from another file, insert Go tokens, CRLF, a byte order mark, NUL and
invalid UTF-8). Each input goes through the engine as `gofix fix --unsafe-fixes` would
(all rules, unsafe fixes applied) and is counted as:

- crash: the engine raised, or a rule reported an internal error;
- hang: one input took more than --hang seconds (10);
- unparsable output: the engine rewrote the file and `gofmt -e` rejects the result; split
  into outputs of inputs gofmt accepted (gofix broke valid Go) and of inputs gofmt already
  rejected (gofix rewrote a file Go cannot parse), and counted again when gofix's own
  write guard without gofmt (gofix.validity's tree check) would let it through (with gofmt
  on PATH the guard also runs `gofmt -e` before every write, so nothing of these is written);
- non-idempotent: fixing the fixed output changes it again;
- rule crash on a broken tree (counted apart, not a failure of the run): a rule raises when
  called directly on an input with a syntax error, which the engine keeps to itself.

Bounded by --count inputs and --time seconds, whichever comes first. Prints a summary
(also written as JSON to --out, with every failing input saved there for reproduction).
Not part of the test run; the figures of the last full run are in docs/safety.md.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TRIGGERS = (b"context.With", b"http.Get", b"time.After", b"NewTicker", b"defer ", b"go func", b".Query(",
            b".Begin(", b"os.Open", b"make(chan", b"wg.Add", b"time.Tick(", b"AfterFunc")
MAX_CORPUS_FILE = 24_000  # bytes: small real files keep the run fast
HANG_SECONDS = 10.0

# Leaks the rules fix, planted as the first statements of a real function body (valid Go
# when the file's own imports allow it; when they do not, the engine's answer still counts).
PLANTS = [
    b"ctx, _ := context.WithTimeout(context.Background(), time.Second)\n\t_ = ctx\n",
    b"resp, err := http.Get(\"http://x\")\n\tif err != nil {\n\t\treturn\n\t}\n\t_ = resp.StatusCode\n",
    b"for {\n\t\tselect {\n\t\tcase <-time.After(time.Second):\n\t\t\treturn\n\t\tcase <-make(chan int):\n\t\t}\n\t}\n",
    b"t := time.NewTicker(time.Second)\n\tfor range t.C {\n\t\tbreak\n\t}\n",
    b"for _, name := range []string{\"a\"} {\n\t\tf, err := os.Open(name)\n\t\tif err != nil {\n\t\t\tcontinue\n\t\t}\n\t\tdefer f.Close()\n\t}\n",
    b"ch := make(chan int)\n\tgo func() { ch <- 1 }()\n\tselect {\n\tcase <-ch:\n\tcase <-time.After(time.Second):\n\t}\n",
    b"var wg sync.WaitGroup\n\tgo func() {\n\t\twg.Add(1)\n\t\tdefer wg.Done()\n\t}()\n\twg.Wait()\n",
    b"rows, err := db.Query(\"select 1\")\n\tif err != nil {\n\t\treturn\n\t}\n\tfor rows.Next() {\n\t}\n",
]
TOKENS = [b"{", b"}", b"(", b")", b"\n", b";", b":=", b"=", b",", b"\"", b"`", b"//", b"/*", b"*/", b"go ",
          b"defer ", b"for {", b"select {", b"case <-time.After(d):", b"return", b"break", b"goto L", b"L:",
          b"\xff", b"\x00", b"\r", b"\xc3\xa9", b"\xe2\x80\xa8", b"func", b"package q", b"import \"time\"\n"]
FUNC_BODY = re.compile(rb"^func [^\n]*\{\n", re.M)


def goroot_src() -> Path | None:
    go = shutil.which("go")
    if go is None:
        return None
    p = subprocess.run([go, "env", "GOROOT"], capture_output=True, text=True)
    root = Path(p.stdout.strip()) / "src"
    return root if p.returncode == 0 and root.is_dir() else None


def corpus() -> list[bytes]:
    files = sorted((ROOT / "golden").glob("*/*.input.go"))
    out = [p.read_bytes() for p in files]
    src = goroot_src()
    if src is not None:
        for p in sorted(src.rglob("*.go")):
            if "testdata" in p.parts:
                continue
            try:
                if p.stat().st_size > MAX_CORPUS_FILE:
                    continue
                data = p.read_bytes()
            except OSError:
                continue
            if any(t in data for t in TRIGGERS):
                out.append(data)
    return out


def mutate(rng: random.Random, files: list[bytes]) -> bytes:
    src = rng.choice(files)
    if rng.random() < 0.5:  # valid-looking: plant leaks in real functions
        bodies = [m.end() for m in FUNC_BODY.finditer(src)]
        for _ in range(rng.randint(1, 3)):
            if not bodies:
                break
            at = rng.choice(bodies)
            src = src[:at] + b"\t" + rng.choice(PLANTS) + src[at:]
            bodies = [m.end() for m in FUNC_BODY.finditer(src)]
        if rng.random() < 0.1:
            src = src.replace(b"\n", b"\r\n")
        if rng.random() < 0.05:
            src = b"\xef\xbb\xbf" + src
        return src
    for _ in range(rng.randint(1, 4)):  # damage
        n = len(src)
        i = rng.randint(0, n)
        kind = rng.choice(["truncate", "cut", "splice", "token", "token", "dup", "swap"])
        if kind == "truncate":
            src = src[:i]
        elif kind == "cut":
            src = src[:i] + src[i + rng.randint(1, 200):]
        elif kind == "splice":
            other = rng.choice(files)
            j = rng.randint(0, len(other))
            src = src[:i] + other[j:j + rng.randint(1, 400)] + src[i:]
        elif kind == "token":
            src = src[:i] + rng.choice(TOKENS) + src[i:]
        elif kind == "dup":
            src = src[:i] + src[i:i + rng.randint(1, 300)] + src[i:]
        else:
            lines = src.split(b"\n")
            if len(lines) > 2:
                a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
                lines[a], lines[b] = lines[b], lines[a]
            src = b"\n".join(lines)
    return src


# --- worker -------------------------------------------------------------------------------------

_OPTIONS = None
_MODULE = None


class Hang(Exception):
    pass


def _init() -> None:
    global _OPTIONS, _MODULE
    from gofix import engine
    from gofix.gomod import ModuleInfo

    _OPTIONS = engine.Options(unsafe_fixes=True)
    _MODULE = ModuleInfo(None, None, (1, 22), False)

    def alarm(signum, frame):
        raise Hang()

    signal.signal(signal.SIGALRM, alarm)


def _tree_ok(src: bytes) -> bool:
    """Whether gofix's own write guard, without gofmt (gofix.validity's tree check), lets
    src be written; True where that guard does not exist (before it landed)."""
    try:
        from gofix import validity
        from gofix.analysis.syntax import parse
    except ImportError:
        return True
    return validity.syntax_problem(parse(src)) is None


def _hidden_crash(src: bytes) -> str | None:
    """A rule that raises on src when called directly. The engine keeps a rule's crash on a
    tree with a syntax error to itself (the file's error says why), so the fix path alone
    would never show these; they are counted apart, as bugs for the rule's owner."""
    try:
        from codemods import RULES
        from gofix.analysis import FileContext, Package
        from gofix.analysis import syntax as S
        from gofix import validity
    except ImportError:
        return None
    tree = S.parse(src)
    if validity.syntax_problem(tree) is None:
        return None  # a valid tree: the engine reports a crash there itself
    try:
        ctx = FileContext("x.go", src, tree, _MODULE, {}, package=Package.in_memory("x.go", src, {}, tree),
                          nolint={})
    except Exception:  # noqa: BLE001: not a valid context: nothing to ask the rules
        return None
    for rule in RULES:
        try:
            rule.find(ctx)
        except Exception as e:  # noqa: BLE001
            return f"{rule.id}: {type(e).__name__}: {e}"
    return None


def check_one(item: tuple[int, bytes]) -> dict:
    """Fix one input and fix the result again; what went wrong (nothing: {})."""
    from gofix import engine

    n, src = item
    path = "/nonexistent-gofix-fuzz/x.go"  # no sibling files: the package is this file alone
    out: dict = {"n": n}
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, HANG_SECONDS)
    try:
        res, errors = engine.compute(path, src, _MODULE, _OPTIONS, True)
        crashed = [e for e in errors if "internal error" in e]
        if crashed:
            out["crash"] = crashed[0]
        elif res.error and "syntax error" in res.error:
            hidden = _hidden_crash(src)
            if hidden:
                out["hidden_crash"] = hidden
        if res.fixed is not None and res.fixed != src:
            out["fixed"] = res.fixed
            out["tree_ok"] = _tree_ok(res.fixed)
            again, errs2 = engine.compute(path, res.fixed, _MODULE, _OPTIONS, True)
            if again.fixed is not None and again.fixed != res.fixed:
                out["non_idempotent"] = True
            crashed = [e for e in errs2 if "internal error" in e]
            if crashed and "crash" not in out:
                out["crash"] = crashed[0]
    except Hang:
        out["hang"] = True
    except Exception as e:  # noqa: BLE001: counting crashes is the point
        out["crash"] = f"{type(e).__name__}: {e}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    out["seconds"] = time.monotonic() - start
    return out


# --- gofmt -e, in batches ----------------------------------------------------------------------


def gofmt_rejects(gofmt: str, blobs: dict[str, bytes], tmp: Path) -> set[str]:
    """The names whose bytes `gofmt -e` rejects (one gofmt run for the whole batch)."""
    for name, data in blobs.items():
        (tmp / name).write_bytes(data)
    p = subprocess.run([gofmt, "-e", "-l", *blobs], cwd=tmp, capture_output=True)
    bad = set()
    for line in p.stderr.decode(errors="replace").splitlines():
        name = line.split(":", 1)[0]
        if name in blobs:
            bad.add(name)
    for name in blobs:
        (tmp / name).unlink()
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=20_000)
    ap.add_argument("--time", type=float, default=1800.0, help="seconds")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="directory for the summary and failing inputs")
    args = ap.parse_args()

    gofmt = shutil.which("gofmt")
    files = corpus()
    rng = random.Random(args.seed)
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="gofix-fuzz-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="gofix-fuzz-gofmt-"))
    counts = {"inputs": 0, "rewritten": 0, "crash": 0, "hang": 0, "non_idempotent": 0,
              "unparsable_output_of_valid_input": 0, "unparsable_output_of_invalid_input": 0,
              "unparsable_output_past_the_tree_guard": 0, "rule_crash_on_broken_tree": 0}
    examples: dict[str, list[str]] = {}
    deadline = time.monotonic() + args.time
    slowest = 0.0
    inputs: dict[int, bytes] = {}

    def save(kind: str, n: int, data: bytes, note: str = "") -> None:
        counts[kind] += 1
        names = examples.setdefault(kind, [])
        if len(names) < 20:
            name = f"{kind}-{n}.go"
            (out_dir / name).write_bytes(data)
            names.append(name + (f": {note}" if note else ""))

    def gen():
        for n in range(args.count):
            if time.monotonic() > deadline:
                return
            src = mutate(rng, files)
            inputs[n] = src
            yield n, src

    batch: dict[str, tuple[int, bytes, bytes, bool]] = {}

    def flush() -> None:
        if not batch or gofmt is None:
            batch.clear()
            return
        blobs = {}
        for name, (n, src, fixed, _) in batch.items():
            blobs[f"in{n}.go"] = src
            blobs[f"out{n}.go"] = fixed
        bad = gofmt_rejects(gofmt, blobs, tmp)
        for name, (n, src, fixed, tree_ok) in batch.items():
            if f"out{n}.go" in bad:
                kind = ("unparsable_output_of_invalid_input" if f"in{n}.go" in bad
                        else "unparsable_output_of_valid_input")
                save(kind, n, src)
                if tree_ok:
                    save("unparsable_output_past_the_tree_guard", n, src)
        batch.clear()

    started = time.monotonic()
    ctx = mp.get_context("fork")
    with ctx.Pool(args.jobs, initializer=_init) as pool:
        for res in pool.imap_unordered(check_one, gen(), chunksize=8):
            n = res["n"]
            src = inputs.pop(n)
            counts["inputs"] += 1
            slowest = max(slowest, res["seconds"])
            if "crash" in res:
                save("crash", n, src, res["crash"])
            if res.get("hang"):
                save("hang", n, src)
            if "hidden_crash" in res:
                save("rule_crash_on_broken_tree", n, src, res["hidden_crash"])
            if res.get("non_idempotent"):
                save("non_idempotent", n, src)
            if "fixed" in res:
                counts["rewritten"] += 1
                batch[str(n)] = (n, src, res["fixed"], res.get("tree_ok", True))
                if len(batch) >= 200:
                    flush()
            if counts["inputs"] % 1000 == 0:
                print(f"{counts['inputs']} inputs, {time.monotonic() - started:.0f} s: {counts}", file=sys.stderr)
    flush()
    shutil.rmtree(tmp, ignore_errors=True)
    summary = {"seed": args.seed, "corpus_files": len(files), "seconds": round(time.monotonic() - started, 1),
               "slowest_input_seconds": round(slowest, 2), "gofmt": gofmt is not None, **counts,
               "examples": examples}
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "examples"}, indent=2))
    print(f"failing inputs and summary.json in {out_dir}", file=sys.stderr)
    bad = counts["crash"] + counts["hang"] + counts["non_idempotent"] + counts["unparsable_output_of_valid_input"]
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
