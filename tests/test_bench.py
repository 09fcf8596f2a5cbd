"""bench/bench.py's tables, arguments and arithmetic, on made-up samples: nothing here is
timed or runs a benchmark (the benchmarks run by hand, outside the test run)."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from gofix import engine
from gofix.analysis.model import Applicability
from gofix.analysis.testing import module
from helpers import ROOT

BENCH = ROOT / "bench"
sys.path.insert(0, str(BENCH))

import large_bench  # noqa: E402
import verify_bench  # noqa: E402
from measure import Sample, median  # noqa: E402


def _load_bench():
    # by path: a module named `bench` would be the bench/ directory itself
    spec = importlib.util.spec_from_file_location("bench_main", BENCH / "bench.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


B = _load_bench()


def s(wall: float, cpu: float | None = None, peak: float = 100.0) -> Sample:
    return Sample(wall, wall if cpu is None else cpu, peak)


def stdlib_rows(cold: float = 10.0, astgrep: float = 8.0) -> dict[str, Sample]:
    return {
        B.COLD: s(cold, peak=450),
        B.WARM: s(0.8),
        f"{B.TOUCHED} (net/http/server.go)": s(0.88),
        B.ASTGREP: s(astgrep),
    }


def large(walls: dict[int, float], deep: float = 0.5, answer: str = "1 finding") -> large_bench.LargeResult:
    return large_bench.LargeResult({n: s(w) for n, w in walls.items()}, {n: 20 * n for n in walls}, 10_000,
                                   s(deep), answer)


def verify(vet: float = 40.0, fix: float = 56.0) -> verify_bench.VerifyResult:
    return verify_bench.VerifyResult("etcd", "c34dc7ee0048", 56, 26, 1, s(vet), s(fix, 21.0, 378), 94, 0, 0,
                                     "gofix: verified 94 fixes", [])


HEADER = B.Header(5539, 64.0, 1, 1, "python bench/bench.py --skip-vet --runs 1", 1.0, 1.2)


def figure(figs: list, prefix: str, cpu: bool = False):
    (f,) = [f for f in figs if f.name.startswith(prefix) and (B.CPU in f.name) == cpu]
    return f


# --- arithmetic ---------------------------------------------------------------------------

def test_flatness_is_time_per_function_largest_over_smallest():
    assert large_bench.flatness({250: 10.0, 500: 20.0, 1000: 40.0}) == pytest.approx(1.0)
    # a quadratic cost: 16x the time for 4x the functions is 4x per function
    assert large_bench.flatness({250: 1.0, 1000: 16.0}) == pytest.approx(4.0)
    assert large_bench.flatness({1000: 20.0, 250: 10.0}) == pytest.approx(0.5)  # order of the dict is irrelevant


def test_ms_per_function_counts_three_functions_per_copy():
    r = large({250: 7.5, 1000: 30.0})
    assert r.ms_per_function(250) == pytest.approx(10.0)  # 7.5 s / 750 functions
    assert r.flatness() == pytest.approx(1.0)


def test_median_takes_each_figure_separately_and_the_last_output():
    m = median([Sample(3, 1, 50, "a", "", 1), Sample(1, 3, 70, "b", "", 1), Sample(2, 2, 60, "c", "x", 2)])
    assert (m.wall, m.cpu, m.peak_mb, m.stdout, m.stderr, m.code) == (2, 2, 60, "c", "x", 2)


def test_verify_ratio_is_fix_over_vet_wall():
    assert verify(40.0, 60.0).ratio == pytest.approx(1.5)


def test_fix_counts_only_findings_with_a_fix_and_a_verdict():
    items = [
        {"fix": {"title": "t"}, "verified": True},
        {"fix": {"title": "t"}, "verified": True},
        {"fix": {"title": "t"}, "verified": False},
        {"fix": {"title": "t"}, "verified": None},
        {"fix": {"title": "t"}},  # not offered for verification
        {"fix": None, "verified": True},  # no fix
    ]
    assert verify_bench.fix_counts(items) == (2, 1, 1)


def test_deep_answer_is_the_findings_or_the_message():
    assert large_bench.deep_answer(Sample(0.3, 0.3, 50, "[{}]", "", 1)) == "1 finding"
    assert large_bench.deep_answer(Sample(0.3, 0.3, 50, "[]", "", 0)) == "0 findings"
    too = Sample(9, 9, 50, "", "x\ndeep.go: error: too complex: skipped after 10 s\n", 2)
    assert large_bench.deep_answer(too) == "deep.go: error: too complex: skipped after 10 s"


# --- the targets ----------------------------------------------------------------------------

def test_figures_hold_the_targets_of_issue_18():
    figs = B.figures(stdlib_rows(cold=10.0, astgrep=8.0), large({250: 10.0, 500: 20.0, 1000: 60.0}, 0.4),
                     verify(40.0, 56.0))
    cold = figure(figs, "gofix cold / ast-grep")
    assert (cold.value, cold.op, cold.limit, cold.met) == (pytest.approx(1.25), "<=", 0.85, "no")
    per_fn = figure(figs, "time per function, 3,000 / 750 functions (1,000 / 250 copies)")
    assert (per_fn.value, per_fn.limit, per_fn.met) == (pytest.approx(1.5), 1.5, "yes")  # <= 1.5 holds at 1.5
    deep = figure(figs, "file nested 10,000 deep")
    assert (deep.value, deep.op, deep.limit, deep.met) == (0.4, "<", 2, "yes")
    v = figure(figs, "gofix fix (verifying) / go vet")
    assert (v.value, v.limit, v.met) == (pytest.approx(1.4), 1.5, "yes")
    assert "(etcd)" in v.name


def test_cpu_ratios_follow_for_reference():
    rows = stdlib_rows()
    rows[B.COLD], rows[B.ASTGREP] = s(10.0, cpu=20.0), s(8.0, cpu=16.0)
    r = large({250: 10.0, 1000: 40.0})
    r.diffs[1000] = s(40.0, cpu=80.0)  # CPU 2x per function, wall 1x
    figs = B.figures(rows, r, verify(40.0, 56.0))  # CPU: vet 40 s, gofix fix 21 s
    assert figure(figs, "gofix cold / ast-grep", cpu=True).value == pytest.approx(1.25)
    assert figure(figs, "time per function", cpu=True).value == pytest.approx(2.0)
    assert figure(figs, "time per function").value == pytest.approx(1.0)
    v = figure(figs, "gofix fix (verifying)", cpu=True)
    assert v.value == pytest.approx(21.0 / 40.0)
    assert (v.op, v.met) == ("", "") and "none: for reference" in v.cells()


def test_a_figure_over_its_target_says_no():
    figs = B.figures(stdlib_rows(), large({250: 10.0, 1000: 80.0}, 2.0), verify(40.0, 61.0))
    assert figure(figs, "time per function").met == "no"  # 2.0
    assert figure(figs, "file nested").met == "no"  # 2.0 s is not < 2 s
    assert figure(figs, "gofix fix (verifying)").met == "no"  # 1.525


def test_figures_not_measured_say_why():
    figs = B.figures(stdlib_rows(), None, None)
    for prefix, why in [("time per function", "--skip-large"), ("deep file", "--skip-large"),
                        ("gofix fix (verifying)", "no --verify-repo")]:
        f = figure(figs, prefix)
        assert f.value is None and f.met == ""
        assert why in f.cells()


# --- the tables -----------------------------------------------------------------------------

def test_the_table_has_a_row_for_each_run():
    table = B.render(HEADER, stdlib_rows(), large({250: 10.0, 500: 20.0, 1000: 40.0}), verify())
    for row in [
        "| gofix cold (--no-cache) | 10.00 |",
        "| gofix diff, one file of 250 copies (750 functions, 5,000 lines) | 10.00 |",
        "| gofix diff, one file of 500 copies (1,500 functions, 10,000 lines) | 20.00 |",
        "| gofix diff, one file of 1,000 copies (3,000 functions, 20,000 lines) | 40.00 |",
        "13.33 ms per function |",
        "| gofix check, one file nested 10,000 blocks deep | 0.50 |",
        "answered: 1 finding |",
        "| go vet of the 26 packages the fixes touch (etcd, edited, build cache warm) | 40.00 |",
        "| gofix fix, verifying (etcd, 94 fixes; gofix cache warm) | 56.00 | 21.00 | 378 |",
        "| time per function, 3,000 / 750 functions (1,000 / 250 copies) | 1.00 | <= 1.5 | yes |",
        "| file nested 10,000 deep: gofix check answered in | 0.50 s | < 2 s | yes |",
        "| gofix fix (verifying) / go vet of the packages it touches (etcd) | 1.40 | <= 1.5 | yes |",
        "| gofix cold peak memory | 450 MB | < 500 MB | yes |",
        "Verification: etcd at c34dc7ee0048",
        "94 verified, 0 dropped, 0 unverified",
    ]:
        assert row in table, row


def test_the_table_says_what_was_not_measured():
    table = B.render(HEADER, stdlib_rows(), None, None)
    assert "Large files: not measured (--skip-large)." in table
    assert "Verification: not measured (it needs `--verify-repo CHECKOUT`" in table
    assert "| gofix diff" not in table and "| go vet of the" not in table
    assert "| gofix fix (verifying) / go vet of the packages it touches | not measured (no --verify-repo) |" in table


def test_every_table_row_has_the_columns_of_its_header():
    table = B.render(HEADER, stdlib_rows(), large({250: 10.0, 1000: 40.0}), verify())
    blocks = table.split("\n\n")[1:]
    assert len(blocks) == 2
    for block in blocks:
        assert len({row.count("|") for row in block.splitlines()}) == 1, block


def test_readme_table_is_replaced_between_the_markers_only():
    text = f"intro\n{B.START}\nold table\n{B.END}\nafter: text\n"
    assert B.with_table(text, "new") == f"intro\n{B.START}\nnew\n{B.END}\nafter: text\n"
    assert B.with_table("no markers here", "new") is None


def test_the_readme_has_the_markers():
    assert B.with_table((ROOT / "README.md").read_text(), "x") is not None


# --- arguments ------------------------------------------------------------------------------

def test_arguments_default_to_large_files_on_and_no_verification():
    a = B.parse_args([])
    assert (a.runs, a.skip_vet, a.skip_large, a.verify_repo, a.verify_runs) == (5, False, False, None, 1)
    assert B.command_line(a) == "python bench/bench.py"


def test_verify_repo_must_be_a_git_checkout(tmp_path, capsys):
    with pytest.raises(SystemExit):
        B.parse_args(["--verify-repo", str(tmp_path)])
    assert "not a git checkout" in capsys.readouterr().err
    (tmp_path / ".git").mkdir()
    a = B.parse_args(["--skip-vet", "--runs", "1", "--verify-repo", str(tmp_path), "--skip-large"])
    assert a.verify_repo == tmp_path
    # the reader's checkout is not the machine's path
    assert B.command_line(a) == "python bench/bench.py --skip-vet --skip-large --runs 1 --verify-repo CHECKOUT"


@pytest.mark.parametrize("flag", ["--runs", "--vet-runs", "--verify-runs"])
def test_runs_must_be_positive(flag):
    with pytest.raises(SystemExit):
        B.parse_args([flag, "0"])


def test_sizes_need_two_positive_counts():
    assert large_bench.parse_sizes(large_bench.SIZES) == [250, 500, 1000]
    for bad in ["250", "0,250", "250,-1"]:
        with pytest.raises(ValueError):
            large_bench.parse_sizes(bad)


# --- the generated files measure what the rows say ---------------------------------------------

def test_every_function_of_the_large_file_has_a_safe_fix():
    """Each copy's three functions leak once each and get a fix `gofix diff` applies by
    default, so the time per function is the time to find and fix one leak."""
    result, errors = engine.analyze("big.go", large_bench.big_file(3).encode(), module("1.22"), engine.Options())
    assert not errors
    fixed_lines = {f.line for f in result.findings if f.fix and f.fix.applicability is Applicability.SAFE}
    assert len(fixed_lines) == large_bench.FUNCTIONS_PER_COPY * 3


def test_the_deep_file_has_its_leak_at_the_bottom():
    result, errors = engine.analyze("deep.go", large_bench.deep_file(300).encode(), module("1.22"), engine.Options())
    assert not errors
    assert [f.rule for f in result.findings] == ["lost-cancel"]
