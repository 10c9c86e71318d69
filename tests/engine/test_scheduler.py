from __future__ import annotations

import threading
import time
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.engine.graph import StepGraph
from ai_workflow.engine.process import run_command
from ai_workflow.engine.scheduler import Scheduler
from ai_workflow.engine.step import StepResult, StepSpec, StepStatus
from tests.engine.test_graph import random_dags


class Recorder:
    """An execute function that records when each step ran and how many ran at once."""

    def __init__(self, fail: set[str] = frozenset(), sleep: float = 0.002) -> None:
        self.fail = fail
        self.sleep = sleep
        self.lock = threading.Lock()
        self.running: set[str] = set()
        self.max_parallel = 0
        self.events: list[tuple[str, str]] = []
        self.overlaps: list[tuple[str, str]] = []
        self.mutating: dict[str, bool] = {}

    def __call__(self, spec: StepSpec, cancel: threading.Event, done: dict) -> StepResult:
        with self.lock:
            for other in self.running:
                if spec.mutates or self.mutating[other]:
                    self.overlaps.append((spec.id, other))
            self.running.add(spec.id)
            self.mutating[spec.id] = spec.mutates
            self.max_parallel = max(self.max_parallel, len(self.running))
            self.events.append(("start", spec.id))
        time.sleep(self.sleep)
        with self.lock:
            self.running.discard(spec.id)
            self.events.append(("end", spec.id))
        status = StepStatus.FAILED if spec.id in self.fail else StepStatus.PASSED
        return StepResult.for_spec(spec, status)


@given(random_dags(), st.integers(1, 4))
@settings(max_examples=60, deadline=None)
def test_scheduler_respects_dependencies_jobs_and_mutates(specs: list[StepSpec], jobs: int) -> None:
    graph = StepGraph(specs)
    recorder = Recorder()
    results = Scheduler(graph, recorder, jobs=jobs).run(list(graph.specs), {})
    assert all(r.status is StepStatus.PASSED for r in results.values())
    assert len(results) == len(specs)
    ended: set[str] = set()
    for kind, sid in recorder.events:
        if kind == "start":
            assert set(graph.deps[sid]) <= ended, f"{sid} started before its dependencies"
        else:
            ended.add(sid)
    assert recorder.max_parallel <= jobs
    assert recorder.overlaps == []


@given(random_dags(), st.data())
@settings(max_examples=40, deadline=None)
def test_failure_marks_exactly_the_descendants_not_run(
    specs: list[StepSpec], data: st.DataObject
) -> None:
    graph = StepGraph(specs)
    failing = data.draw(st.sampled_from(sorted(graph.specs)))
    results = Scheduler(graph, Recorder(fail={failing}, sleep=0), jobs=2).run(list(graph.specs), {})
    descendants = graph.descendants(failing)
    for sid, result in results.items():
        if sid == failing:
            assert result.status is StepStatus.FAILED
        elif sid in descendants:
            assert result.status is StepStatus.NOT_RUN
            assert result.reason and "dependency" in result.reason
        else:
            assert result.status is StepStatus.PASSED


def test_parallel_really_runs_concurrently() -> None:
    specs = [StepSpec(f"s{i}", i, f"s{i}") for i in range(4)]
    recorder = Recorder(sleep=0.2)
    Scheduler(StepGraph(specs), recorder, jobs=4).run([s.id for s in specs], {})
    assert recorder.max_parallel == 4


def test_sequential_runs_in_number_order() -> None:
    specs = [StepSpec("c", 3, "c"), StepSpec("a", 1, "a"), StepSpec("b", 2, "b")]
    recorder = Recorder(sleep=0)
    Scheduler(StepGraph(specs), recorder, jobs=1).run(["a", "b", "c"], {})
    assert [sid for kind, sid in recorder.events if kind == "start"] == ["a", "b", "c"]


def test_fail_fast_stops_the_rest() -> None:
    specs = [StepSpec("a", 1, "a"), StepSpec("b", 2, "b"), StepSpec("c", 3, "c")]
    results = Scheduler(StepGraph(specs), Recorder(fail={"a"}, sleep=0), fail_fast=True).run(
        ["a", "b", "c"], {}
    )
    assert results["a"].status is StepStatus.FAILED
    assert results["b"].status is StepStatus.NOT_RUN and "fail-fast" in (results["b"].reason or "")


def test_skipped_dependency_does_not_block_dependents() -> None:
    specs = [StepSpec("a", 1, "a"), StepSpec("b", 2, "b", depends_on=("a",))]
    skipped = StepResult.for_spec(specs[0], StepStatus.SKIPPED, "no change")
    results = Scheduler(StepGraph(specs), Recorder(sleep=0)).run(["b"], {"a": skipped})
    assert results["b"].status is StepStatus.PASSED


def test_timeout_kills_the_whole_process_group(tmp_path: Path) -> None:
    marker = tmp_path / "grandchild.pid"
    spec = StepSpec("slow", 1, "slow", timeout_s=0.5)

    def execute(spec: StepSpec, cancel: threading.Event, done: dict) -> StepResult:
        # A shell that starts a background grandchild and waits: both must die.
        run_command(f"sleep 30 & echo $! > {marker}; wait", cwd=tmp_path, shell=True, cancel=cancel)
        return StepResult.for_spec(spec, StepStatus.PASSED)

    start = time.monotonic()
    results = Scheduler(StepGraph([spec]), execute).run(["slow"], {})
    assert results["slow"].status is StepStatus.FAILED
    assert "timed out after 0.5s" in (results["slow"].reason or "")
    assert time.monotonic() - start < 10
    pid = int(marker.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and process_alive(pid):
        time.sleep(0.05)
    assert not process_alive(pid), "the grandchild process survived the timeout"


def process_alive(pid: int) -> bool:
    """True while `pid` exists and is not a zombie."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in status


def test_after_failures_step_runs_after_a_failed_dependency() -> None:
    specs = [
        StepSpec("bad", 1, "bad"),
        StepSpec("report", 2, "report", depends_on=("bad",), after_failures=True),
        StepSpec("strict", 3, "strict", depends_on=("bad",)),
    ]
    results = Scheduler(StepGraph(specs), Recorder(fail={"bad"}, sleep=0)).run(
        ["bad", "report", "strict"], {}
    )
    assert results["report"].status is StepStatus.PASSED
    assert results["strict"].status is StepStatus.NOT_RUN


def test_a_timed_out_step_keeps_its_slot_until_its_thread_ends() -> None:
    """A step stuck in Python code (it cannot be killed) still counts against --jobs."""
    specs = [StepSpec("stuck", 1, "stuck", timeout_s=0.2), StepSpec("next", 2, "next")]
    times: dict[str, float] = {}

    def execute(spec: StepSpec, cancel: threading.Event, done: dict) -> StepResult:
        times[f"{spec.id}-start"] = time.monotonic()
        if spec.id == "stuck":
            time.sleep(1.0)  # ignores the cancel event, like pure-Python work would
            times["stuck-end"] = time.monotonic()
        return StepResult.for_spec(spec, StepStatus.PASSED)

    results = Scheduler(StepGraph(specs), execute, jobs=1).run(["stuck", "next"], {})
    assert results["stuck"].status is StepStatus.FAILED
    assert results["next"].status is StepStatus.PASSED
    assert times["next-start"] >= times["stuck-end"]
