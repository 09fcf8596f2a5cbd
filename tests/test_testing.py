"""gofix.analysis.testing: the helpers must fail when a rule's behaviour is wrong."""

from __future__ import annotations

import pytest

from gofix.analysis import testing as T

LEAK = """
    package p

    import "context"

    func f(parent context.Context) error {
    	ctx, _ := context.WithCancel(parent)
    	return ctx.Err()
    }
"""
FIXED = """
    package p

    import "context"

    func f(parent context.Context) error {
    	ctx, cancel := context.WithCancel(parent)
    	defer cancel()
    	return ctx.Err()
    }
"""


def test_assert_codemod_passes_and_fails():
    T.assert_codemod("lost-cancel", before=LEAK, after=FIXED, findings=["cancel function"])
    with pytest.raises(AssertionError):
        T.assert_codemod("lost-cancel", before=LEAK, after=LEAK)  # the fix is applied
    with pytest.raises(AssertionError):
        T.assert_codemod("lost-cancel", before=LEAK, after=FIXED, findings=2)
    with pytest.raises(AssertionError):
        T.assert_codemod("lost-cancel", before=LEAK, after=FIXED, findings=["no such message"])


def test_want_markers_count_lines_as_go_does():
    src = 'package p\n\nvar s = "a\u2028b"\nvar x = f() // want "one" "two"\n'
    assert T.want_markers(src) == {4: ["one", "two"]}


def test_unmatched_wants_both_ways():
    result, _ = T.run("lost-cancel", T.dedent(LEAK))
    src = T.dedent(LEAK).decode()
    extra, missing = T.unmatched_wants(result.findings, src)
    assert len(extra) == 1 and not missing
    marked = src.replace("WithCancel(parent)", 'WithCancel(parent) // want "cancel function"')
    assert T.unmatched_wants(result.findings, marked) == ([], [])
    wrong = src.replace("return ctx.Err()", 'return ctx.Err() // want "x"')
    assert T.unmatched_wants(result.findings, wrong)[1] == ['7: x']


def test_case_config():
    cfg = T.case_config("// gofix-test: go=1.23 option=time-after-in-loop.style=context nocompile safe-only\n")
    assert (cfg.go, cfg.options, cfg.compile, cfg.unsafe) == ("1.23", {"time-after-in-loop": {"style": "context"}},
                                                               False, False)
    with pytest.raises(ValueError):
        T.case_config("// gofix-test: bogus\n")
