#!/usr/bin/env bash
# A real-world run: `gofix fix --verify` over a copy of the Go standard library.
#
# The installed toolchain is never modified: the whole GOROOT is copied to a temporary
# directory, GOROOT and PATH point at the copy, and gofix fixes the copy's src/. Afterwards
# every package gofix touched is built and vetted in the copy and compared with the same
# package in the original GOROOT: it must still build and have no new go vet finding.
#
# Prints: files scanned, findings per rule, fixes applied, fixes dropped by verification,
# unverified fixes, packages touched, and the time taken. Exit status 0 when every touched
# package is clean, 1 otherwise.
#
# Usage: scripts/realworld.sh [OUT_DIR]
#   OUT_DIR (default: a temporary directory) receives findings.json (gofix's JSON report,
#   with each fix's verification), fix.stderr, fixes.diff and summary.txt for review.
#   KEEP=1 keeps the GOROOT copy. GOFIX (default: gofix) is the command to run, PYTHON
#   (default: python3) the interpreter gofix is installed in.
#   RUN_TESTS=1 also runs `go test -short` of every touched package, in the fixed copy and
#   in a second, pristine copy, and reports packages whose tests pass before but not after
#   (a fix that compiles and vets but changes behaviour).
# Not part of the default test run; needs go, python3 and about 300 MB in $TMPDIR.
set -euo pipefail

GOFIX=${GOFIX:-gofix}
ORIG_GOROOT=$(go env GOROOT)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/gofix-realworld.XXXXXX")
OUT=${1:-$WORK/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
if [[ "${KEEP:-0}" != 1 ]]; then
	trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
fi

export GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod
echo "copying $ORIG_GOROOT to $WORK/go ..." >&2
cp -a "$ORIG_GOROOT" "$WORK/go"
chmod -R u+w "$WORK/go"

set +e
scan_start=$(date +%s.%N)
(
	export GOROOT="$WORK/go" PATH="$WORK/go/bin:$PATH"
	cd "$WORK/go/src"
	"$GOFIX" diff --no-cache --no-progress . >/dev/null 2>&1
)
scan_end=$(date +%s.%N)
start=$(date +%s.%N)
(
	export GOROOT="$WORK/go" PATH="$WORK/go/bin:$PATH"
	cd "$WORK/go/src"
	"$GOFIX" fix --verify --no-cache --no-progress --format json . >"$OUT/findings.json" 2>"$OUT/fix.stderr"
)
status=$?
set -e
end=$(date +%s.%N)
if [[ $status -ge 2 ]]; then
	echo "gofix fix failed (exit $status):" >&2
	tail -20 "$OUT/fix.stderr" >&2
	exit 1
fi
if [[ "${RUN_TESTS:-0}" == 1 ]]; then
	echo "copying $ORIG_GOROOT to $WORK/pristine for the tests ..." >&2
	cp -a "$ORIG_GOROOT" "$WORK/pristine"
	chmod -R u+w "$WORK/pristine"
fi
(cd "$WORK" && diff -ruN --exclude=pkg --exclude=bin "$ORIG_GOROOT/src" go/src >"$OUT/fixes.diff" || true)

"${PYTHON:-python3}" - "$ORIG_GOROOT" "$WORK/go" "$OUT" "$start" "$end" "${RUN_TESTS:-0}" "$WORK/pristine" "$scan_start" "$scan_end" <<'PY'
import collections
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from gofix import engine
from gofix.verify import _vet_diagnostics

orig, copy, out, start, end = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
run_tests, pristine = sys.argv[6] == "1", Path(sys.argv[7])
scan_time = float(sys.argv[9]) - float(sys.argv[8])
src = copy / "src"
items = json.loads((out / "findings.json").read_text())
scanned = sum(isinstance(t, engine.Target) for t in engine.discover([src]))

per_rule = collections.Counter(i["rule"] for i in items)
with_fix = [i for i in items if i.get("fix")]
applied = [i for i in with_fix if i.get("verified") is not False and "verified" in i]
touched_files = []
for dirpath, _, files in os.walk(src):
    for name in files:
        if not name.endswith(".go"):
            continue
        p = Path(dirpath) / name
        o = orig / "src" / p.relative_to(src)
        if not o.exists() or o.read_bytes() != p.read_bytes():
            touched_files.append(p)
packages = sorted({p.parent for p in touched_files})


def run(goroot: Path, pkgdir: Path, *args: str):
    env = dict(os.environ, GOROOT=str(goroot), PATH=f"{goroot / 'bin'}:{os.environ['PATH']}",
               GOTOOLCHAIN="local", GOPROXY="off", GOFLAGS="-mod=mod")
    return subprocess.run([str(goroot / "bin" / "go"), *args], cwd=pkgdir, env=env,
                          capture_output=True, text=True)


def relkeys(counter, root: Path):
    res = collections.Counter()
    for (pkg, analyzer, fname, msg), n in counter.items():
        try:
            fname = str(Path(fname).relative_to(root))
        except ValueError:
            pass
        res[(pkg, analyzer, fname, msg)] += n
    return res


def check(pkgdir: Path):
    rel = pkgdir.relative_to(src)
    problems = []
    goos = None
    b = run(copy, pkgdir, "build", "-o", os.devnull, ".")
    if b.returncode != 0:
        ob = run(orig, orig / "src" / rel, "build", "-o", os.devnull, ".")
        if ob.returncode == 0:
            problems.append(f"{rel}: does not build any more: {b.stderr.strip().splitlines()[-1:]}")
    v_new = run(copy, pkgdir, "vet", "-json", ".")
    v_old = run(orig, orig / "src" / rel, "vet", "-json", ".")
    if v_new.returncode != 0 and v_old.returncode == 0:
        problems.append(f"{rel}: go vet fails now: {v_new.stderr.strip().splitlines()[-1:]}")
    new = relkeys(_vet_diagnostics(v_new.stdout + v_new.stderr, {}), src) - \
        relkeys(_vet_diagnostics(v_old.stdout + v_old.stderr, {}), orig / "src")
    for k in new:
        problems.append(f"{rel}: new go vet finding: {k}")
    return problems


with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
    problems = [p for ps in pool.map(check, packages) for p in ps]

test_problems = []
tested = []
if run_tests:
    def test(pkgdir: Path):
        rel = pkgdir.relative_to(src)
        args = ("test", "-count=1", "-short", "-timeout=300s", ".")
        before = run(pristine, pristine / "src" / rel, *args)
        if before.returncode != 0:
            return []  # fails (or cannot run) here without gofix: tells nothing
        tested.append(rel)
        after = run(copy, pkgdir, *args)
        if after.returncode == 0:
            return []
        tail = [ln for ln in after.stdout.splitlines() if ln.startswith(("--- FAIL", "panic", "FAIL"))][:5]
        return [f"{rel}: tests pass before the fixes, fail after: {tail}"]

    with ThreadPoolExecutor(max_workers=2) as pool:
        test_problems = [p for ps in pool.map(test, packages) for p in ps]
    problems += test_problems

dropped = [i for i in with_fix if i.get("verified") is False]
unverified = [i for i in with_fix if "verified" in i and i.get("verified") is None and i.get("verify_reason")
              and "not applied" not in (i.get("verify_reason") or "")]
lines = [
    f"Go: {subprocess.run(['go', 'version'], capture_output=True, text=True).stdout.strip()}",
    f"files scanned: {scanned}",
    f"findings: {len(items)}",
    *[f"  {rule}: {n}" for rule, n in sorted(per_rule.items())],
    f"findings with a fix: {len(with_fix)}",
    f"fixes applied (verified): {sum(1 for i in with_fix if i.get('verified') is True)}",
    f"fixes applied (not verifiable, kept): {len(unverified)}",
    f"fixes dropped by verification: {len(dropped)}",
    *[f"  {i['path']}:{i['line']}: [{i['rule']}] {i.get('verify_reason')}" for i in dropped],
    f"files changed: {len(touched_files)}, packages touched: {len(packages)}",
    f"time: gofix diff (scan and fix, no verification) {scan_time:.1f}s; "
    f"gofix fix --verify {end - start:.1f}s",
    f"packages that stopped building or gained vet findings: {len(problems) - len(test_problems)}",
    *([f"packages whose tests pass before the fixes: {len(tested)} of {len(packages)}; "
       f"of these, failing after: {len(test_problems)}"] if run_tests else []),
    *[f"  {p}" for p in problems],
]
text = "\n".join(lines) + "\n"
(out / "summary.txt").write_text(text)
sys.stdout.write(text)
print(f"(details in {out})")
sys.exit(1 if problems else 0)
PY
