"""gofmt's aligned trailing comments: a fix that lengthens or shortens a line of an aligned
block realigns the whole block (gofix.edits.realign_trailing_comments), exactly as gofmt
would. Each case is checked against the real gofmt."""

from __future__ import annotations

import subprocess

import pytest

from gofix.analysis import syntax as S
from gofix.analysis.edits import apply_edits, realign_trailing_comments
from gofix.analysis.model import Edit

BODY = """package p

func f(a, bb int) {
{lines}
}
"""

# (lines of the function body, formatted by gofmt first; the text to replace, its replacement)
CASES = [
    # lengthened: the block's column moves right
    (["\tx := g(a) // one", "\tyy := a   // two", "\tz := 1    // three"], "g(a)", "g(a, bb, 1)"),
    # shortened widest line: the column moves left
    (["\tx := g(a, bb, 1) // one", "\tyy := a         // two"], "g(a, bb, 1)", "g(a)"),
    # lengthened but still narrower than the widest: only its own padding shrinks
    (["\tx := g(a)          // one", "\tyy := a + bb + bb + 1 // two"], "g(a)", "g(a, 1)"),
    # a blank line splits blocks: the other block stays
    (["\tx := g(a) // one", "\tyy := a   // two", "", "\tz := 1 // three"], "g(a)", "g(a, bb)"),
    # a comment-only line splits blocks
    (["\tx := g(a) // one", "\t// full line", "\tyy := a // two"], "g(a)", "g(a, bb)"),
    # an if header joins the block above it
    (["\tx := g(a)  // one", "\tif a > 0 { // two", "\t\ta++", "\t}"], "g(a)", "g(a, bb, 1)"),
    # multi-byte runes count once
    (['\tx := g(a)  // one', '\ts := "é"   // two'], "g(a)", "g(a, 7)"),
    # no neighbour: nothing to realign
    (["\tx := g(a) // one", "\ta++"], "g(a)", "g(a, bb)"),
]


def _src(lines: list[str]) -> bytes:
    return (BODY.replace("{lines}", "\n".join(lines)) + "\nfunc g(xs ...int) int { return 0 }\n").encode()


@pytest.mark.parametrize(("lines", "old", "new"), CASES)
def test_realigned_like_gofmt(gofmt_bin, lines, old, new):
    src = subprocess.run([gofmt_bin], input=_src(lines), capture_output=True, check=True).stdout
    at = src.index(old.encode())
    edit = Edit(at, at + len(old), new.encode())
    out = apply_edits(src, (edit, *realign_trailing_comments(src, S.parse(src).root_node, (edit,))))
    want = subprocess.run([gofmt_bin], input=out, capture_output=True, check=True).stdout
    assert out.decode() == want.decode()


def test_two_edits_in_one_block_never_share_a_pass():
    src = _src(["\tx := g(a)  // one", "\tyy := g(a) // two"])
    root = S.parse(src).root_node
    first = src.index(b"g(a)")
    second = src.index(b"g(a)", first + 1)
    a = realign_trailing_comments(src, root, (Edit(first, first + 4, b"g(a, 1)"),))
    b = realign_trailing_comments(src, root, (Edit(second, second + 4, b"g(a, 1, 2)"),))
    assert a and b
    assert {(e.start, e.end) for e in a} & {(e.start, e.end) for e in b}


def test_struct_fields_are_left_alone():
    src = b"package p\n\ntype t struct {\n\ta int // one\n\tb int // two\n}\n"
    at = src.index(b"a int")
    assert realign_trailing_comments(src, S.parse(src).root_node, (Edit(at, at + 1, b"aaaa"),)) == ()
