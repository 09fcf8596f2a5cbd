"""`gofix diff`'s unified diffs (gofix.output.unified_diff): they apply with git, and on a
file of many repeated lines difflib's matcher only ever sees the stretch between two
anchors, never the whole file (it is quadratic there)."""

from __future__ import annotations

import difflib
import random
import subprocess


from gofix import output


def git_apply(git: str, d, before: bytes, patch: str) -> bytes:
    (d / "x.go").write_bytes(before)
    (d / "p.diff").write_text(patch, encoding="utf-8", newline="")
    p = subprocess.run([git, "apply", "p.diff"], cwd=d, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr + patch
    return (d / "x.go").read_bytes()


REPEATED = ["}\n", "\treturn err\n", "\tif err != nil {\n", "\n", "\tx := 1\n"]


def edited(rng: random.Random) -> tuple[bytes, bytes]:
    """A file mostly of repeated lines, and a copy with a few lines inserted, deleted or
    replaced (and a final newline sometimes dropped)."""
    alphabet = REPEATED + [f"// line {i}\n" for i in range(rng.randint(0, 12))]
    a = [rng.choice(alphabet) for _ in range(rng.randint(0, 40))]
    b = list(a)
    for _ in range(rng.randint(1, 6)):
        pos = rng.randint(0, len(b))
        roll = rng.random()
        if roll < 0.4:
            b.insert(pos, rng.choice([*alphabet, "\tdefer cancel()\n"]))
        elif b and roll < 0.7:
            del b[min(pos, len(b) - 1)]
        elif b:
            b[min(pos, len(b) - 1)] = rng.choice(alphabet)
    before, after = "".join(a), "".join(b)
    if rng.random() < 0.2:
        before = before.rstrip("\n")
    if rng.random() < 0.3:
        after = after.rstrip("\n")
    return before.encode(), after.encode()


def test_diffs_of_random_edits_apply(git_bin, tmp_path):
    rng = random.Random(18)
    applied = 0
    for _ in range(150):
        before, after = edited(rng)
        patch = output.unified_diff("x.go", before, after)
        if before == after:
            assert patch == ""
            continue
        assert git_apply(git_bin, tmp_path, before, patch) == after
        applied += 1
    assert applied > 100


def many_functions(n: int, fixed: bool) -> bytes:
    body = "".join(
        f"func f{i}(ctx context.Context) error {{\n"
        + ("\tctx, cancel := context.WithTimeout(ctx, time.Second)\n\tdefer cancel()\n" if fixed else
           "\tctx, _ = context.WithTimeout(ctx, time.Second)\n")
        + "\tif err := ctx.Err(); err != nil {\n\t\treturn err\n\t}\n\treturn nil\n}\n\n"
        for i in range(n))
    return f"package p\n\nimport (\n\t\"context\"\n\t\"time\"\n)\n\n{body}".encode()


def test_a_file_of_repeated_functions_is_matched_between_anchors(git_bin, tmp_path, monkeypatch):
    before, after = many_functions(300, False), many_functions(300, True)
    spans = []
    real = difflib.SequenceMatcher.find_longest_match

    def spy(self, alo=0, ahi=None, blo=0, bhi=None):
        spans.append((ahi if ahi is not None else len(self.a)) - alo)
        return real(self, alo, ahi, blo, bhi)

    monkeypatch.setattr(difflib.SequenceMatcher, "find_longest_match", spy)
    patch = output.unified_diff("x.go", before, after)
    # each function's `func fN(` line is unique on both sides: what lies between two is
    # one function's few lines, whatever the file's length
    assert spans and max(spans) < 10, max(spans)
    assert patch.count("\n@@ -") == 300  # a hunk per function: its changed line and their context
    assert git_apply(git_bin, tmp_path, before, patch) == after
