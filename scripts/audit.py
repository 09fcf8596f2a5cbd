#!/usr/bin/env python3
"""Audit gofix's findings on a real Go repository, quickly and by hand.

Runs `gofix check --format json` over a checkout, prints the findings per rule, and writes an
audit sheet: a stratified sample (about N findings per rule, plus every finding that carries a
fix), each with the source around it and its fix as a unified diff, so a reviewer can judge
"right or wrong, and why" in a few seconds per finding. Verdicts are kept in a JSON file
(`--verdicts`) keyed by rule, file, line and fix, so a later run (a newer gofix, the same
checkout) shows only what is new or whose fix changed, and `--table` turns the verdicts into
the precision table of docs/precision.md.

With `--fix`, the checkout is copied to a scratch directory and `gofix fix --verify` runs
there with every rule selected and unsafe fixes on (so every fix gofix can produce is tried);
the fixes that verification dropped because they did not compile are listed, and each package
that the fixes touched is built, vetted (new vet findings only), checked with gofmt, and with
`--test` its tests run (`go test -short`) before and after. The checkout itself is never
written.

Usage:
    scripts/audit.py CHECKOUT [--gofix BIN_OR_WORKTREE] [--name NAME] [--out DIR]
                     [--per-rule 5] [--context 6] [--verdicts FILE] [--fix [--test]]
                     [--scratch DIR] [--no-verify] [--no-go-check] [--table]

    CHECKOUT   a checked-out Go repository (its `git` commit is recorded when it is one)
    --gofix    the gofix command, or a gofix worktree whose .venv/bin/gofix is used
               (default: gofix on PATH)
    --out      where findings.json, sample.md, sample.json (and fix.json, verify.txt) go
               (default: ./audit-out/NAME)

Needs python3 >= 3.11 and, for --fix, go with the checkout's modules in the module cache
(`go mod download` beforehand: the go commands run with GOPROXY=off).
"""
from __future__ import annotations

import argparse
import collections
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

GO_ENV = {"GOPROXY": "off", "GOTOOLCHAIN": "local"}


def run(cmd: list[str], cwd: Path, env: dict | None = None, timeout: int = 1800) -> subprocess.CompletedProcess:
    full = dict(os.environ)
    for k, v in (env or {}).items():
        if v is None:
            full.pop(k, None)
        else:
            full[k] = v
    try:
        return subprocess.run(cmd, cwd=cwd, env=full, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(cmd, 124, e.stdout or "", f"timeout after {timeout}s")


def go_env(checkout: Path) -> dict:
    """GOPROXY=off (the modules must be in the cache) and the installed toolchain."""
    return dict(GO_ENV)


def git_commit(path: Path) -> str | None:
    r = run(["git", "rev-parse", "HEAD"], path)
    return r.stdout.strip() if r.returncode == 0 else None


def gofix_command(arg: str) -> tuple[list[str], str]:
    """The gofix command for --gofix, and a label (the worktree's commit when known)."""
    p = Path(arg)
    if p.is_dir():
        exe = p / ".venv" / "bin" / "gofix"
        commit = git_commit(p)
        return [str(exe)], f"gofix@{commit[:10]}" if commit else str(exe)
    exe = shutil.which(arg) or arg
    return [exe], arg


def all_rules(gofix: list[str]) -> list[str]:
    r = run([*gofix, "rules"], Path.cwd())
    ids = []
    for line in r.stdout.splitlines():
        word = line.split()[0] if line.split() else ""
        if word and all(c.islower() or c.isdigit() or c == "-" for c in word) and "-" in word:
            ids.append(word)
    return ids


# ---------------------------------------------------------------- findings and keys

def fix_digest(f: dict) -> str:
    fix = f.get("fix")
    if not fix:
        return "-"
    blob = json.dumps([fix.get("applicability"), fix.get("edits")], sort_keys=True)
    return hashlib.sha1(blob.encode()).hexdigest()[:10]


def key_of(f: dict) -> str:
    """Stable across gofix versions for the same finding on the same checkout."""
    return f"{f['rule']}|{f['path']}|{f['line']}"


def rank(f: dict) -> str:
    """Deterministic pseudo-random order: the same finding gets the same place every run."""
    return hashlib.sha1(key_of(f).encode()).hexdigest()


def sample(findings: list[dict], per_rule: int) -> list[dict]:
    """About `per_rule` findings of each rule, spread over its severities and over fix/no fix,
    plus every finding that carries a fix."""
    by_rule: dict[str, list[dict]] = collections.defaultdict(list)
    for f in findings:
        by_rule[f["rule"]].append(f)
    chosen: dict[str, dict] = {}
    for rule, items in by_rule.items():
        strata: dict[tuple, list[dict]] = collections.defaultdict(list)
        for f in sorted(items, key=rank):
            strata[(f["severity"], bool(f.get("fix")))].append(f)
        picked: list[dict] = []
        while len(picked) < per_rule and any(strata.values()):  # round-robin over the strata
            for s in sorted(strata):
                if strata[s] and len(picked) < per_rule:
                    picked.append(strata[s].pop(0))
        for f in picked:
            chosen[key_of(f)] = f
    for f in findings:
        if f.get("fix"):
            chosen[key_of(f)] = f
    return sorted(chosen.values(), key=lambda f: (f["rule"], f["path"], f["line"]))


# ---------------------------------------------------------------- rendering

def context_lines(src: bytes, first: int, last: int, around: int) -> str:
    lines = src.decode("utf-8", "replace").splitlines()
    lo, hi = max(1, first - around), min(len(lines), last + around)
    width = len(str(hi))
    out = []
    for n in range(lo, hi + 1):
        mark = ">" if first <= n <= last else " "
        out.append(f"{mark}{n:>{width}} | {lines[n - 1]}")
    return "\n".join(out)


def apply_edits(src: bytes, edits: list[dict]) -> bytes:
    out = src
    for e in sorted(edits, key=lambda e: (e["start"], e["end"]), reverse=True):
        out = out[: e["start"]] + e["text"].encode() + out[e["end"]:]
    return out


def fix_diff(path: str, src: bytes, fix: dict) -> str:
    new = apply_edits(src, fix.get("edits") or [])
    return "".join(difflib.unified_diff(
        src.decode("utf-8", "replace").splitlines(keepends=True),
        new.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"a/{path}", tofile=f"b/{path}", n=3))


def load_verdicts(path: Path | None) -> dict:
    if path and path.exists():
        return json.loads(path.read_text())
    return {}


def verdict_for(verdicts: dict, repo: str, f: dict) -> dict | None:
    """The recorded verdict, or None when there is none or the fix changed since."""
    v = verdicts.get(repo, {}).get(key_of(f))
    if v and v.get("fix") == fix_digest(f):
        return v
    return None


def render_sheet(repo: str, commit: str | None, label: str, checkout: Path, items: list[dict],
                 verdicts: dict, around: int) -> str:
    out = [f"# Audit sheet: {repo} @ {commit or '?'} with {label}", "",
           "Each entry: key (for the verdicts file), the finding, the code around it (`>` marks",
           "the finding's lines), and its fix as a diff. `[judged: ...]` = verdict already recorded", ""]
    cache: dict[str, bytes] = {}
    for i, f in enumerate(items, 1):
        src = cache.get(f["path"])
        if src is None:
            src = cache[f["path"]] = (checkout / f["path"]).read_bytes()
        v = verdict_for(verdicts, repo, f)
        status = f"[judged: {v['verdict']}{' - ' + v['why'] if v.get('why') else ''}]" if v else "[NEW]"
        fix = f.get("fix")
        out.append(f"## {i}. {f['rule']} {f['severity']} {f['path']}:{f['line']}:{f['column']} {status}")
        out.append(f"key: `{key_of(f)}` fix: `{fix_digest(f)}`")
        out.append("")
        out.append(f"> {f['message']}")
        if fix:
            out.append(f"> fix ({fix.get('applicability')}): {fix.get('title')}"
                       + (f"; verified={f.get('verified')}" if "verified" in f else ""))
        out.append("")
        out.append("```go")
        out.append(context_lines(src, f["line"], f.get("end_line") or f["line"], around))
        out.append("```")
        if fix:
            out.append("```diff")
            out.append(fix_diff(f["path"], src, fix).rstrip("\n"))
            out.append("```")
        out.append("")
    return "\n".join(out) + "\n"


def counts_text(findings: list[dict]) -> str:
    per = collections.Counter(f["rule"] for f in findings)
    lines = [f"findings: {len(findings)}"]
    for rule in sorted(per):
        items = [f for f in findings if f["rule"] == rule]
        sev = collections.Counter(f["severity"] for f in items)
        fixes = collections.Counter((f.get("fix") or {}).get("applicability") for f in items if f.get("fix"))
        lines.append(f"  {rule:28} {per[rule]:5}  " + " ".join(f"{s}={n}" for s, n in sorted(sev.items()))
                     + ("  fixes: " + " ".join(f"{a}={n}" for a, n in sorted(fixes.items())) if fixes else ""))
    return "\n".join(lines)


def table(verdicts: dict, samples: dict[str, list[dict]], commits: dict[str, str]) -> str:
    """Markdown rows: repository, commit, rule, sample, right, wrong, why (of the wrong ones)."""
    rows = ["| repository | commit | rule | sample | right | wrong | why wrong |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for repo in sorted(samples):
        by_rule = collections.defaultdict(list)
        for f in samples[repo]:
            by_rule[f["rule"]].append(f)
        for rule in sorted(by_rule):
            vs = [verdict_for(verdicts, repo, f) for f in by_rule[rule]]
            right = sum(1 for v in vs if v and v["verdict"] == "right")
            wrong = [v for v in vs if v and v["verdict"] == "wrong"]
            unjudged = sum(1 for v in vs if not v)
            why = "; ".join(sorted({v.get("why", "") for v in wrong})) or "-"
            n = f"{len(vs)}" + (f" ({unjudged} unjudged)" if unjudged else "")
            rows.append(f"| {repo} | {commits.get(repo, '?')[:10]} | `{rule}` | {n} | {right} | {len(wrong)} | {why} |")
    return "\n".join(rows)


def summarize(root: Path, verdicts: dict) -> str:
    """The table over every earlier run under root, then the findings per rule and repository."""
    samples, commits, counts, labels = {}, {}, {}, set()
    for meta_file in sorted(root.glob("*/meta.json")):
        meta = json.loads(meta_file.read_text())
        d = meta_file.parent
        samples[meta["repo"]] = json.loads((d / "sample.json").read_text())
        commits[meta["repo"]] = meta.get("commit") or "?"
        counts[meta["repo"]] = collections.Counter(f["rule"] for f in json.loads((d / "findings.json").read_text()))
        labels.add(meta.get("gofix", "?"))
    rules = sorted({r for c in counts.values() for r in c})
    head = "| rule | " + " | ".join(sorted(counts)) + " |"
    rows = [head, "|" + " --- |" * (len(counts) + 1)]
    for rule in rules:
        rows.append(f"| `{rule}` | " + " | ".join(str(counts[r].get(rule, 0)) for r in sorted(counts)) + " |")
    return (f"gofix: {', '.join(sorted(labels))}\n\n" + table(verdicts, samples, commits)
            + "\n\nfindings per rule and repository:\n\n" + "\n".join(rows))


# ---------------------------------------------------------------- fix and verification

def packages_of(paths: list[str]) -> list[str]:
    return sorted({str(Path(p).parent) for p in paths})


POS = re.compile(r"(?P<file>[^\s:]+\.go):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)")


def diagnostics(text: str, pkgdir: Path, root: Path) -> set[tuple[str, int, str]]:
    """(file relative to root, line, message) of every `file.go:L:C: msg` line in go's output."""
    out = set()
    for ln in text.splitlines():
        m = POS.search(ln)
        if not m:
            continue
        f = Path(m["file"])
        f = (pkgdir / f).resolve() if not f.is_absolute() else f
        try:
            rel = str(f.relative_to(root.resolve()))
        except ValueError:
            rel = str(f)
        out.add((rel, int(m["line"]), m["msg"].strip()))
    return out


def go_check(root: Path, pkg: str, env: dict, test: bool) -> dict:
    d = root / pkg
    b = run(["go", "build", "-o", os.devnull, "."], d, env)
    v = run(["go", "vet", "."], d, env)  # also type-checks the _test.go files
    res = {"build": b.returncode, "vet": v.returncode,
           "diags": diagnostics(b.stderr, d, root) | diagnostics(v.stderr, d, root)}
    if test:
        t = run(["go", "test", "-count=1", "-short", "-timeout=600s", "."], d, env, timeout=900)
        res["test"] = (t.returncode, [ln for ln in t.stdout.splitlines() if ln.startswith(("--- FAIL", "FAIL", "panic"))][:5])
    return res


def owner_of(diag: tuple[str, int, str], fixed: list[dict]) -> dict | None:
    """The fix nearest above a compile error in a changed file (the one that most likely broke it)."""
    same = [f for f in fixed if f["path"] == diag[0] and f["line"] <= diag[1]]
    return max(same, key=lambda f: f["line"]) if same else None


def fix_and_verify(gofix: list[str], checkout: Path, scratch: Path, out: Path, test: bool,
                   verify: bool = True, go_check_after: bool = True) -> str:
    copy = scratch / checkout.name
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(checkout, copy, symlinks=True)
    rules = all_rules(gofix)
    env = go_env(checkout)
    cmd = [*gofix, "fix", "--verify" if verify else "--no-verify", "--unsafe-fixes", "--allow-dirty", "--no-cache",
           "--no-progress", "--format", "json", *(["--select", ",".join(rules)] if rules else []), "."]
    r = run(cmd, copy, env, timeout=7200)
    (out / "fix.stderr").write_text(r.stderr)
    try:
        items = json.loads(r.stdout or "[]")
    except json.JSONDecodeError:
        return f"gofix fix printed no JSON (exit {r.returncode}): {r.stderr.strip()[-500:]}"
    (out / "fix.json").write_text(json.dumps(items, indent=1))
    with_fix = [f for f in items if f.get("fix")]
    dropped = [f for f in with_fix if f.get("verified") is False]
    proven = [f for f in with_fix if f.get("verified") is True]
    unverified = [f for f in with_fix if f.get("verified") is None]
    touched = sorted({f["path"] for f in with_fix
                      if (copy / f["path"]).read_bytes() != (checkout / f["path"]).read_bytes()})
    applied = [f for f in with_fix if f["path"] in touched and f.get("verified") is not False]
    lines = [f"gofix fix exit {r.returncode} ({'verified' if verify else '--no-verify'})",
             f"fixes: {len(with_fix)}  proven: {len(proven)}  dropped by verification: {len(dropped)}"
             f"  not verified (kept): {len(unverified)}"]
    not_compiling = [f for f in dropped if "compile" in (f.get("verify_reason") or "")]
    lines.append(f"dropped because they did not compile: {len(not_compiling)}")
    for f in dropped:
        lines.append(f"  DROPPED {f['path']}:{f['line']} [{f['rule']}] {f.get('verify_reason')}")
    reasons = collections.Counter((f.get("verify_reason") or "")[:120] for f in unverified)
    for why, n in reasons.most_common(8):
        lines.append(f"  not verified x{n}: {why}")
    pkgs = packages_of(touched)
    lines.append(f"files changed: {len(touched)}  packages: {len(pkgs)}")
    fmt = run(["gofmt", "-l", *touched], copy) if touched else None
    if fmt and fmt.stdout.strip():
        lines.append("  not gofmt-clean: " + " ".join(fmt.stdout.split()))
    broken: dict[str, tuple[dict | None, tuple]] = {}
    pkg_lines = []
    if not go_check_after:
        return "\n".join(lines + ["(build/vet check of the touched packages skipped: --no-go-check)"])
    for pkg in pkgs:
        before = go_check(checkout, pkg, env, test)
        after = go_check(copy, pkg, env, test)
        problems = []
        new = after["diags"] - before["diags"]
        ours = False
        for diag in sorted(new):
            if diag[0] in touched:  # an error in a file the fixes changed: that fix did not compile (or vet)
                ours = True
                f = owner_of(diag, applied)
                broken.setdefault(key_of(f) if f else f"{diag[0]}:{diag[1]}", (f, diag))
            else:
                problems.append(f"new diagnostic {diag[0]}:{diag[1]}: {diag[2]}")
        if before["build"] == 0 and after["build"] != 0 and not new:
            problems.append("stopped building")
        if test and before["test"][0] == 0 and after["test"][0] != 0:
            problems.append(f"tests pass before, fail after: {after['test'][1]}")
        state = ("broken by a fix (see BROKEN)" if ours else "ok" if before["build"] == 0
                 else "does not build before the fixes either (vet checked)")
        tests = f", tests {'pass' if after['test'][0] == 0 else 'fail or cannot run'}" if test else ""
        pkg_lines.append(f"  {pkg}: " + ("; ".join(problems) if problems else state + tests))
    lines.append(f"applied fixes that break build or vet of a touched package: {len(broken)}"
                 + (" (a lower bound: go does not compile a package whose dependency fails)" if broken else ""))
    for k, (f, diag) in sorted(broken.items()):
        lines.append(f"  BROKEN {k} [{(f or {}).get('fix', {}).get('applicability', '?')}] -> {diag[0]}:{diag[1]}: {diag[2]}")
    lines.append("packages:")
    return "\n".join(lines + pkg_lines)


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("checkout", type=Path, nargs="?")
    ap.add_argument("--gofix", default="gofix")
    ap.add_argument("--name")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--per-rule", type=int, default=5)
    ap.add_argument("--context", type=int, default=6)
    ap.add_argument("--verdicts", type=Path)
    ap.add_argument("--fix", action="store_true")
    ap.add_argument("--test", action="store_true")
    ap.add_argument("--no-go-check", action="store_true",
                    help="with --fix: trust gofix's verification, skip the build/vet of the touched packages")
    ap.add_argument("--no-verify", action="store_true",
                    help="apply the fixes with `gofix fix --no-verify`; the build/vet check below still runs")
    ap.add_argument("--scratch", type=Path)
    ap.add_argument("--table", action="store_true", help="print the precision table from --verdicts")
    ap.add_argument("--findings", type=Path, help="reuse a findings.json instead of running gofix check")
    ap.add_argument("--summarize", type=Path, metavar="OUT_ROOT",
                    help="print the precision table of every OUT_ROOT/*/ of earlier runs (with --verdicts)")
    a = ap.parse_args(argv)
    if a.summarize:
        print(summarize(a.summarize, load_verdicts(a.verdicts)))
        return 0
    if a.checkout is None:
        ap.error("a CHECKOUT (or --summarize) is required")

    checkout = a.checkout.resolve()
    repo = a.name or checkout.name
    out = (a.out or Path("audit-out") / repo).resolve()
    out.mkdir(parents=True, exist_ok=True)
    gofix, label = gofix_command(a.gofix)
    commit = git_commit(checkout)

    if a.findings:
        findings = json.loads(a.findings.read_text())
    else:
        r = run([*gofix, "check", "--format", "json", "--no-cache", "--no-progress", "."], checkout, go_env(checkout))
        if r.returncode >= 2 and not r.stdout.strip():
            sys.stderr.write(r.stderr)
            return 2
        findings = json.loads(r.stdout or "[]")
        (out / "check.stderr").write_text(r.stderr)
    (out / "findings.json").write_text(json.dumps(findings, indent=1))
    (out / "meta.json").write_text(json.dumps({"repo": repo, "commit": commit, "gofix": label}))
    verdicts = load_verdicts(a.verdicts)
    items = sample(findings, a.per_rule)
    (out / "sample.json").write_text(json.dumps(items, indent=1))
    (out / "sample.md").write_text(render_sheet(repo, commit, label, checkout, items, verdicts, a.context))

    new = sum(1 for f in items if not verdict_for(verdicts, repo, f))
    print(f"{repo} @ {commit or '?'} with {label}")
    print(counts_text(findings))
    print(f"sample: {len(items)} findings ({sum(1 for f in items if f.get('fix'))} with a fix), "
          f"{new} not judged yet -> {out / 'sample.md'}")
    if a.table:
        print(table(verdicts, {repo: items}, {repo: commit or "?"}))
    if a.fix:
        scratch = a.scratch or Path(tempfile.mkdtemp(prefix="gofix-audit-"))
        scratch.mkdir(parents=True, exist_ok=True)
        text = fix_and_verify(gofix, checkout, scratch.resolve(), out, a.test, verify=not a.no_verify,
                              go_check_after=not a.no_go_check)
        (out / "verify.txt").write_text(text + "\n")
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
