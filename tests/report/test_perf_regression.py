"""Performance regression detection: a step or test that got slower than its recent runs is
reported (perf/step-regression, perf/test-regression); a noisy but stable one never is."""

from __future__ import annotations

import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.cli import main
from ai_workflow.config import Config, RegressionConfig
from ai_workflow.engine.step import StepStatus
from ai_workflow.findings import Finding
from ai_workflow.perf_regression import (
    STEP_RULE,
    TEST_RULE,
    check_run,
    comparable_runs,
    judge,
    step_regressions,
)
from ai_workflow.workdir import choose_workdir
from tests.helpers import make_repo
from tests.report.factories import result

SETTINGS = RegressionConfig()


def run_record(
    run_id: str, durations: dict[str, float], *, parallel: bool = False, status: str = "passed"
) -> dict[str, Any]:
    """A history line as the engine writes it (only the fields detection reads)."""
    return {
        "run_id": run_id,
        "status": status,
        "options": {"parallel": parallel, "jobs": 4, "dry_run": False},
        "steps": [
            {"id": sid, "status": "passed", "duration_s": seconds}
            for sid, seconds in durations.items()
        ],
    }


def history(series: dict[str, list[float]], **kw: Any) -> list[dict[str, Any]]:
    length = len(next(iter(series.values())))
    return [
        run_record(f"workflow_2026010{i}_000000", {s: v[i] for s, v in series.items()}, **kw)
        for i in range(length)
    ]


# ----------------------------------------------------------------------------- steps


def test_a_step_that_got_slower_is_flagged_and_a_noisy_stable_one_is_not() -> None:
    past = history(
        {
            "test_execution": [30.1, 29.8, 30.4, 30.0, 29.9, 30.2, 30.3],
            "code_quality": [4.0, 6.5, 3.8, 7.1, 4.4, 6.9, 5.0],  # noisy, but the same each week
        }
    )
    found = step_regressions(
        {"test_execution": 45.0, "code_quality": 7.0}, past, SETTINGS, window=10
    )
    assert [r.name for r in found] == ["test_execution"]
    hit = found[0]
    assert hit.median_s == pytest.approx(30.1)
    assert hit.runs == 7
    finding = hit.finding(SETTINGS.mad_k, "context_analysis")
    assert finding.rule == STEP_RULE and finding.severity.value == "info"
    assert "test_execution took 45.00s" in finding.message and "median 30.10s" in finding.message
    assert finding.extra["step"] == "test_execution" and finding.extra["current_s"] == 45.0


def test_a_fast_step_is_never_flagged_for_jitter_below_the_minimum_increase() -> None:
    # 0.02 s -> 0.5 s is 25x "slower" and far above median + k x MAD, but half a second is noise
    past = history({"consistency": [0.02, 0.02, 0.021, 0.02, 0.019, 0.02]})
    assert step_regressions({"consistency": 0.5}, past, SETTINGS, window=10) == []
    # ... while the same step taking seconds more is reported
    assert step_regressions({"consistency": 2.5}, past, SETTINGS, window=10)


def test_too_little_history_judges_nothing() -> None:
    past = history({"test_execution": [10.0, 10.0, 10.0, 10.0]})  # min_runs is 5
    assert step_regressions({"test_execution": 100.0}, past, SETTINGS, window=10) == []


def test_only_the_last_window_runs_count() -> None:
    old_slow = [60.0] * 10
    recent_fast = [10.0] * 5
    past = history({"test_execution": old_slow + recent_fast})
    # over the last 5 runs the step takes 10 s: 60 s again is a regression
    assert step_regressions({"test_execution": 60.0}, past, SETTINGS, window=5)


def test_runs_in_another_execution_mode_are_not_compared() -> None:
    """Steps sharing the machine in a parallel run take longer: a sequential history says
    nothing about a parallel run, and the other way round."""
    sequential = history({"code_quality": [5.0] * 8})
    parallel = history({"code_quality": [9.0] * 8}, parallel=True)
    runs = comparable_runs([*sequential, *parallel], parallel=True, jobs=4)
    assert step_regressions({"code_quality": 9.5}, runs, SETTINGS, window=10) == []
    assert comparable_runs(sequential + parallel, parallel=True, jobs=2) == []
    sequential_only = comparable_runs(sequential + parallel, parallel=False, jobs=4)
    assert step_regressions({"code_quality": 9.5}, sequential_only, SETTINGS, window=10)


def test_failed_and_reused_executions_are_not_part_of_the_history() -> None:
    past = history({"test_execution": [10.0] * 6})
    for run in past:
        run["steps"].append({"id": "test_execution", "status": "failed", "duration_s": 900.0})
    found = step_regressions({"test_execution": 30.0}, past, SETTINGS, window=10)
    assert found and found[0].median_s == 10.0


@settings(max_examples=300, deadline=None)
@given(
    base=st.floats(min_value=0.01, max_value=3600.0),
    noise=st.lists(st.floats(min_value=-1.0, max_value=1.0), min_size=5, max_size=30),
    pick=st.floats(min_value=-1.0, max_value=1.0),
)
def test_a_duration_within_a_stable_history_is_never_flagged(
    base: float, noise: list[float], pick: float
) -> None:
    """A stable step on a busy machine: durations within +-5% of a base, or within +-0.5 s of
    it. A run that falls anywhere in that band is never a regression, whatever the values."""
    relative = [base * (1 + 0.05 * n) for n in noise]
    assert not judge(base * (1 + 0.05 * pick), relative, SETTINGS, SETTINGS.min_increase_s)[0]
    absolute = [max(0.0, base + 0.5 * n) for n in noise]
    current = max(0.0, base + 0.5 * pick)
    assert not judge(current, absolute, SETTINGS, SETTINGS.min_increase_s)[0]


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(st.floats(min_value=0.0, max_value=3600.0), min_size=5, max_size=30),
    extra=st.floats(min_value=0.001, max_value=3600.0),
)
def test_a_clearly_slower_run_is_always_flagged(values: list[float], extra: float) -> None:
    """Beyond the slowest earlier run by more than every margin (the MAD is at most the range
    of the values, the median at most their maximum), a run is always reported."""
    top, spread = max(values), max(values) - min(values)
    margin = max(SETTINGS.min_increase_s, SETTINGS.min_increase_ratio * top, 3 * 1.4826 * spread)
    assert judge(top + margin + extra, values, SETTINGS, SETTINGS.min_increase_s)[0]


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.floats(min_value=0.0, max_value=1000.0), min_size=5, max_size=30),
    factor=st.floats(min_value=0.0, max_value=5.0),
)
def test_the_threshold_is_above_the_median_by_every_minimum(
    values: list[float], factor: float
) -> None:
    regressed, median, mad, threshold = judge(median_of(values) * factor, values, SETTINGS, 1.0)
    assert median == pytest.approx(statistics.median(values))
    assert threshold >= median + max(1.0, SETTINGS.min_increase_ratio * median, 3.0 * mad) - 1e-9
    assert regressed == (median * factor > threshold)


def median_of(values: list[float]) -> float:
    return statistics.median(values)


# ----------------------------------------------------------------------------- tests (JUnit)


def junit(cases: dict[str, float], failed: tuple[str, ...] = ()) -> str:
    rows = []
    for name, seconds in cases.items():
        module, _, test = name.rpartition(".")
        body = '<failure message="boom"/>' if name in failed else ""
        rows.append(
            f'<testcase classname="{module}" name="{test}" file="tests/test_app.py" '
            f'line="3" time="{seconds}">{body}</testcase>'
        )
    return f'<testsuites><testsuite name="pytest">{"".join(rows)}</testsuite></testsuites>'


@pytest.mark.parametrize("outside", [False, True], ids=["default-workdir", "workdir-outside"])
def test_a_test_that_got_slower_is_flagged_from_the_junit_timings(
    tmp_path: Path, outside: bool
) -> None:
    """Also with a work directory outside the target, where the report file's path is absolute."""
    target = make_repo(tmp_path / "p", {"tests/test_app.py": "def test_a(): pass\n"})
    root = choose_workdir(target, str(tmp_path / "state") if outside else None).path
    logs = root / "logs"
    past_ids = [f"workflow_2026010{i}_000000" for i in range(1, 7)]
    for n, run_id in enumerate(past_ids):
        (logs / run_id).mkdir(parents=True)
        jitter = 0.1 * (n % 3)
        timings = {
            "tests.test_app.test_slow_now": 2.0 + jitter,
            "tests.test_app.test_noisy": 1.0 + 0.5 * (n % 2),
        }
        (logs / run_id / "junit-test_execution.xml").write_text(junit(timings))
    lines = [json.dumps(run_record(r, {"test_execution": 5.0})) for r in past_ids]
    (root / "metrics").mkdir(parents=True)
    (root / "metrics" / "history.jsonl").write_text("\n".join(lines) + "\n")

    current_id = "workflow_20260201_000000"
    report = f"logs/{current_id}/junit-test_execution.xml"
    report = str(root / report) if outside else f".ai_workflow/{report}"
    (target / report).parent.mkdir(parents=True)
    now = {"tests.test_app.test_slow_now": 6.0, "tests.test_app.test_noisy": 1.5}
    (target / report).write_text(junit(now))
    tests = result(7, "test_execution", duration_s=5.2, data={"report_file": report})

    def check() -> list[Finding]:
        results = {"test_execution": tests}
        return check_run(target, current_id, results, Config(), "context_analysis", 0.0).findings

    found = check()
    assert [(f.rule, f.extra.get("test")) for f in found] == [
        (TEST_RULE, "tests.test_app.test_slow_now")
    ]
    assert found[0].path == "tests/test_app.py" and found[0].line is None
    assert "took 6.00s" in found[0].message

    # a failing test has no timing to compare; a failed test step none at all
    (target / report).write_text(junit(now, failed=("tests.test_app.test_slow_now",)))
    assert check() == []
    tests.status = StepStatus.FAILED
    (target / report).write_text(junit(now))
    assert check() == []


def test_on_a_busy_machine_nothing_is_judged_and_the_step_says_why(tmp_path: Path) -> None:
    """Other jobs make every step slower whatever the code does: with more processes per CPU
    than report.regression.max_load_per_cpu, durations are not compared."""
    target = tmp_path / "p"
    metrics = target / ".ai_workflow" / "metrics"
    metrics.mkdir(parents=True)
    past = history({"test_execution": [10.0] * 6})
    (metrics / "history.jsonl").write_text("".join(json.dumps(r) + "\n" for r in past))
    slow = {"test_execution": result(7, "test_execution", duration_s=60.0)}
    cpus = os.cpu_count() or 1
    quiet = check_run(target, "r", slow, Config(), "context_analysis", load=0.5 * cpus)
    assert [f.rule for f in quiet.findings] == [STEP_RULE] and not quiet.skipped
    busy = check_run(target, "r", slow, Config(), "context_analysis", load=8.0 * cpus)
    assert busy.findings == [] and busy.skipped
    assert "the machine was busy" in busy.note and "max_load_per_cpu 2" in busy.note


# ----------------------------------------------------------------------------- end to end


def test_a_real_run_reports_the_slower_step_in_console_summary_and_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Two custom steps with a history made in the test: `slow` used to take 0.1 s and now
    sleeps 0.8 s; `steady` varied between 0.05 and 0.35 s and now takes about 0.2 s."""
    config = (
        "workflow:\n"
        "  steps:\n"
        f"    - {{id: slow, run: '{sys.executable} -c \"import time; time.sleep(0.8)\"'}}\n"
        f"    - {{id: steady, run: '{sys.executable} -c \"import time; time.sleep(0.2)\"'}}\n"
        "  extra_dependencies: {context_analysis: [slow, steady]}\n"
        "report:\n"
        "  regression: {min_increase_s: 0.3, max_load_per_cpu: 1000}\n"  # busy CI: still judged
    )
    target = make_repo(tmp_path / "proj", {".workflow-config.yaml": config, "README.md": "# p\n"})
    steady = [0.05, 0.35, 0.1, 0.3, 0.2, 0.33, 0.07, 0.25]
    past = history({"slow": [0.1, 0.11, 0.09, 0.1, 0.12, 0.1, 0.1, 0.11], "steady": steady})
    metrics = target / ".ai_workflow" / "metrics"
    metrics.mkdir(parents=True)
    (metrics / "history.jsonl").write_text("".join(json.dumps(r) + "\n" for r in past))

    code = main(["run", "--target", str(target), "--auto", "--json", "--steps", "slow,steady,10"])
    out = capsys.readouterr()
    summary = json.loads(out.out)
    assert code == 0, out.err
    perf = [f for s in summary["steps"] for f in s["findings"] if f["rule"].startswith("perf/")]
    assert [(f["rule"], f["extra"]["step"]) for f in perf] == [(STEP_RULE, "slow")]
    assert "Slower: step slow took" in out.err  # the console
    context = next(s for s in summary["steps"] if s["id"] == "context_analysis")
    assert "1 performance regression(s)" in context["summary"]
    backlog = target / ".ai_workflow" / "backlog" / summary["run_id"]
    assert "## Performance regressions" in (backlog / "WORKFLOW_SUMMARY.md").read_text()
    assert "perf/step-regression" in (backlog / "report.html").read_text()
