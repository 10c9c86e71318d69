"""Performance regression detection: a step (or a test) that became slower than its recent runs.

A duration is a regression when it is above the median of its recent successful runs by more
than `mad_k` times their spread (the median absolute deviation, scaled by 1.4826 so that it
estimates a standard deviation), and by at least an absolute and a relative minimum, so that
the jitter of a fast step or a busy machine is never reported. Median and MAD are robust: one
slow run in the history neither hides a later regression nor makes one.

Only comparable runs are compared: a step's successful executions (`passed` or `warning`, not
reused, not failed) in runs with the same execution mode (`--parallel` and `--jobs`), since
steps that share the machine take longer. Tests are compared by their JUnit timings
(`logs/<run>/` in the work directory, where test_execution asks the runner to write them).

Durations measured on an oversubscribed machine (a 1-minute load average above
`max_load_per_cpu` per CPU when the check runs) say nothing about the code: then nothing is
judged, and the step says why.

Called by context_analysis (which runs after every other checking step and before
git_finalization), so the findings reach the console line, WORKFLOW_SUMMARY.md, findings.json,
SARIF and the HTML report like any other finding, without a hook in the engine.
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from junitparser import Attr, Error, Failure, Skipped, TestCase, TestSuite
from junitparser.junitparser import JUnitXmlError

from ai_workflow.config import Config, RegressionConfig
from ai_workflow.engine.metrics import read_recent_history
from ai_workflow.engine.step import StepResult, StepStatus
from ai_workflow.findings import Finding, Severity
from ai_workflow.testcmd.reports import read_junit

STEP_RULE = "perf/step-regression"
TEST_RULE = "perf/test-regression"
MAD_SCALE = 1.4826
"""MAD x 1.4826 estimates the standard deviation of normally distributed values."""
SUCCEEDED = ("passed", "warning")
TEST_STEP = "test_execution"
LOOKBACK_RUNS = 10
"""Runs read from the history per run of `run.history_window`: enough to find that many
comparable successful executions of a step among runs of other modes or with other steps."""


@dataclass(frozen=True)
class Regression:
    """One duration above its recent distribution, with the figures that make it one."""

    kind: str  # "step" or "test"
    name: str  # step id or test name
    current_s: float
    median_s: float
    mad_s: float  # scaled MAD of the history
    threshold_s: float  # the duration above which it counts
    runs: int  # earlier runs compared
    path: str | None = None
    line: int | None = None

    @property
    def increase_s(self) -> float:
        return self.current_s - self.median_s

    def message(self, k: float) -> str:
        what = "the test suite step" if self.name == TEST_STEP else self.kind
        return (
            f"{what} {self.name} took {self.current_s:.2f}s, {self.increase_s:+.2f}s over its "
            f"median {self.median_s:.2f}s of the last {self.runs} comparable runs "
            f"(threshold {self.threshold_s:.2f}s = median + max({k:g} x MAD {self.mad_s:.2f}s, "
            "the minimum increase))"
        )

    def finding(self, k: float, step: str) -> Finding:
        rule = STEP_RULE if self.kind == "step" else TEST_RULE
        extra: dict[str, Any] = {
            self.kind: self.name,
            "current_s": round(self.current_s, 3),
            "median_s": round(self.median_s, 3),
            "mad_s": round(self.mad_s, 3),
            "threshold_s": round(self.threshold_s, 3),
            "runs": self.runs,
        }
        message = self.message(k)
        return Finding(rule, Severity.INFO, message, self.path, self.line, step, extra=extra)


def judge(
    current: float, history: Sequence[float], settings: RegressionConfig, min_increase_s: float
) -> tuple[bool, float, float, float]:
    """(is a regression, median, scaled MAD, threshold) of `current` against `history`."""
    median = statistics.median(history)
    mad = MAD_SCALE * statistics.median(abs(v - median) for v in history)
    margin = max(settings.mad_k * mad, min_increase_s, settings.min_increase_ratio * median)
    threshold = median + margin
    regressed = len(history) >= settings.min_runs and current > threshold
    return regressed, median, mad, threshold


def check(
    kind: str,
    name: str,
    current: float,
    history: Sequence[float],
    settings: RegressionConfig,
    min_increase_s: float,
) -> Regression | None:
    regressed, median, mad, threshold = judge(current, history, settings, min_increase_s)
    if not regressed:
        return None
    return Regression(kind, name, current, median, mad, threshold, len(history))


# ----------------------------------------------------------------------------- steps


def comparable_runs(
    history: Iterable[Mapping[str, Any]], parallel: bool, jobs: int
) -> list[Mapping[str, Any]]:
    """Runs executed the same way (sequential, or parallel with as many jobs), oldest first."""
    out = []
    for run in history:
        options = run.get("options") or {}
        if options.get("dry_run"):
            continue
        same = bool(options.get("parallel")) == parallel
        if same and (not parallel or options.get("jobs") == jobs):
            out.append(run)
    return out


def step_history(runs: Sequence[Mapping[str, Any]], window: int) -> dict[str, list[float]]:
    """Each step's durations in its last `window` successful executions, newest first."""
    series: dict[str, list[float]] = {}
    for run in reversed(runs):
        for step in run.get("steps") or []:
            value = step.get("duration_s")
            if step.get("status") not in SUCCEEDED or not isinstance(value, int | float):
                continue
            values = series.setdefault(str(step.get("id")), [])
            if len(values) < window:
                values.append(float(value))
    return series


def step_regressions(
    current: Mapping[str, float],
    history: Sequence[Mapping[str, Any]],
    settings: RegressionConfig,
    window: int,
) -> list[Regression]:
    """Steps of `current` (id -> duration of a successful execution) slower than usual."""
    series = step_history(history, window)
    found = []
    for sid, seconds in current.items():
        values = series.get(sid, [])
        if values:
            hit = check("step", sid, seconds, values, settings, settings.min_increase_s)
            if hit is not None:
                found.append(hit)
    return sorted(found, key=lambda r: -r.increase_s)


# ----------------------------------------------------------------------------- tests


@dataclass(frozen=True)
class TestTiming:
    __test__ = False  # not a pytest test class

    seconds: float
    path: str | None = None


class _Case(TestCase):
    """A testcase with the `file` attribute some runners (pytest) write."""

    file = Attr()


def junit_timings(path: Path, target: Path) -> dict[str, TestTiming]:
    """Passed tests of a JUnit XML file by name, with their times and (when the runner says)
    their file; empty when the file is missing or unreadable (history is evidence, never a
    failure)."""
    try:
        xml = read_junit(path, target)
    except (ET.ParseError, JUnitXmlError, OSError, ValueError):
        return {}
    out: dict[str, TestTiming] = {}
    for chain, case in _cases(xml, ()):
        if any(isinstance(r, Failure | Error | Skipped) for r in case.result):
            continue
        try:
            seconds = float(case.time or 0.0)
        except (TypeError, ValueError):
            continue
        out[_case_name(chain, case)] = TestTiming(seconds, _project_file(case.file, target))
    return out


def _cases(node: Any, chain: tuple[str, ...]) -> Iterable[tuple[tuple[str, ...], _Case]]:
    for case in node.iterchildren(_Case):
        yield chain, case
    for suite in node.iterchildren(TestSuite):
        yield from _cases(suite, (*chain, suite.name or ""))


def _case_name(chain: tuple[str, ...], case: _Case) -> str:
    """`classname.name`, or the suites and the name for runners without a class name."""
    if case.classname:
        return f"{case.classname}.{case.name}"
    return " > ".join([*(s for s in chain if s), case.name or "?"])


def _project_file(raw: str | None, target: Path) -> str | None:
    """A runner's `file` attribute as a path relative to the target, if it names a file there."""
    if not raw:
        return None
    path = Path(raw)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(target.resolve())
        except (ValueError, OSError):
            return None
    return path.as_posix() if (target / path).is_file() and ".." not in path.parts else None


def junit_history(
    target: Path,
    report_file: str,
    run_id: str,
    runs: Sequence[Mapping[str, Any]],
    window: int,
) -> list[dict[str, TestTiming]]:
    """Timings of the last `window` earlier runs whose test step succeeded and whose JUnit file
    is still there: the same path as this run's, with that run's id (same runner, same name)."""
    marker = f"/{run_id}/"
    if marker not in f"/{report_file}":
        return []
    found: list[dict[str, TestTiming]] = []
    for run in reversed(runs):
        step = next((s for s in run.get("steps") or [] if s.get("id") == TEST_STEP), None)
        if step is None or step.get("status") not in SUCCEEDED:
            continue
        earlier = f"/{report_file}".replace(marker, f"/{run['run_id']}/", 1)[1:]  # may be absolute
        timings = junit_timings(target / earlier, target)
        if timings:
            found.append(timings)
        if len(found) >= window:
            break
    return found


def test_regressions(
    current: Mapping[str, TestTiming],
    history: Sequence[Mapping[str, TestTiming]],
    settings: RegressionConfig,
) -> list[Regression]:
    """The slowest `settings.slowest_tests` tests of this run, each against its own history."""
    slowest = sorted(current.items(), key=lambda item: -item[1].seconds)[: settings.slowest_tests]
    found = []
    for name, timing in slowest:
        values = [run[name].seconds for run in history if name in run]
        if not values:
            continue
        hit = check("test", name, timing.seconds, values, settings, settings.test_min_increase_s)
        if hit is not None:
            found.append(dataclasses.replace(hit, path=timing.path))
    return sorted(found, key=lambda r: -r.increase_s)


# ----------------------------------------------------------------------------- entry point


@dataclass(frozen=True)
class RegressionCheck:
    """The run's regressions, and one line saying what was compared (or why nothing was)."""

    findings: list[Finding]
    note: str
    skipped: bool = False


def check_run(
    target: Path,
    run_id: str,
    results: Mapping[str, StepResult],
    config: Config,
    step: str,
    load: float | None = None,
) -> RegressionCheck:
    """Info findings (attributed to `step`) for every step and test of this run slower than in
    its comparable history. `results` are this run's finished steps; `load` is the machine's
    1-minute load average (read here when not given)."""
    settings = config.report.regression
    if not settings.enabled:
        return RegressionCheck([], "performance regressions: off (report.regression)", True)
    window = config.run.history_window
    history = read_recent_history(target, LOOKBACK_RUNS * window)
    runs = comparable_runs(history, config.run.parallel, config.run.jobs)
    if len(runs) < settings.min_runs:
        note = f"performance regressions: {len(runs)} comparable run(s) on record, too few"
        return RegressionCheck([], note)
    busy = _busy(settings, load)
    if busy:
        return RegressionCheck([], f"performance regressions: not judged, {busy}", True)
    executed = {
        sid: float(r.duration_s)
        for sid, r in results.items()
        if r.status in (StepStatus.PASSED, StepStatus.WARNING) and r.duration_s is not None
    }
    found = step_regressions(executed, runs, settings, window)
    tests = results.get(TEST_STEP)
    report_file = tests.data.get("report_file") if tests and tests.id in executed else None
    compared_tests = 0
    if isinstance(report_file, str):
        current = junit_timings(target / report_file, target)
        earlier = junit_history(target, report_file, run_id, runs, window)
        compared_tests = min(len(current), settings.slowest_tests) if earlier else 0
        found += test_regressions(current, earlier, settings)
    note = (
        f"performance regressions: {len(executed)} step(s) and {compared_tests} test(s) against "
        f"their last {window} successful runs of {len(runs)} comparable run(s) on record"
    )
    return RegressionCheck([r.finding(settings.mad_k, step) for r in found], note)


def _busy(settings: RegressionConfig, load: float | None) -> str | None:
    """Why the durations cannot be trusted: the machine ran more than `max_load_per_cpu`
    processes per CPU (other jobs make every step slower, whatever the code does)."""
    if load is None:
        try:
            load = os.getloadavg()[0]
        except OSError:  # not available on this platform
            return None
    cpus = os.cpu_count() or 1
    if load / cpus <= settings.max_load_per_cpu:
        return None
    return (
        f"the machine was busy (load average {load:.1f} on {cpus} CPU(s), above "
        f"report.regression.max_load_per_cpu {settings.max_load_per_cpu:g})"
    )
