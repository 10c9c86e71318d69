"""One workflow run from plan to history line: the engine's top level.

The runner knows the AI reviewer, smart execution, the step cache and the reports only through
the protocols in `engine.hooks`; the application layer (`ai_workflow.app`) builds them.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from ai_workflow import __version__
from ai_workflow.config import Config
from ai_workflow.engine import checkpoint as cp
from ai_workflow.engine.artifacts import Workspace, write_atomic
from ai_workflow.engine.graph import GraphAnalysis, analyse, estimate_steps, render_markdown
from ai_workflow.engine.hooks import (
    CHANGES_MEMO_KEY,
    POLICY_DATA_KEY,
    FindingFilter,
    FindingPolicy,
    NoFindingPolicy,
    NoReporter,
    NoReviewer,
    NoSkips,
    NoStepCache,
    Reporter,
    Reviewer,
    SkipPolicy,
    StepCache,
)
from ai_workflow.engine.metrics import (
    SUMMARY_SCHEMA,
    append_history,
    history_record,
    read_history,
    record_dead_run,
    step_durations,
    suite_counts,
    suite_selection,
    write_current,
)
from ai_workflow.engine.process import run_command
from ai_workflow.engine.registry import Registry
from ai_workflow.engine.retention import prune_runs
from ai_workflow.engine.scheduler import RunInterrupted, Scheduler
from ai_workflow.engine.step import (
    OK_STATUSES,
    RunMemo,
    SharedStore,
    StepContext,
    StepOutcome,
    StepResult,
    StepSpec,
    StepStatus,
)
from ai_workflow.errors import StepCancelled
from ai_workflow.findings import Finding, Severity, count_by_severity
from ai_workflow.gitutil import GitState, git_state
from ai_workflow.project_files import run_project_files


class RunObserver(Protocol):
    """What the console implements to show a run as it happens."""

    def message(self, level: str, text: str) -> None: ...

    def show_graph(self, analysis: GraphAnalysis) -> None: ...

    def run_started(self, run_id: str, plan: list[tuple[StepSpec, str]]) -> None: ...

    def show_plan(self, results: list[StepResult], phases: list[list[str]]) -> None:
        """The dry-run plan: results in run order, and the phases (topological generations)."""
        ...

    def step_started(self, spec: StepSpec) -> None: ...

    def step_finished(self, spec: StepSpec, result: StepResult) -> None: ...

    def run_finished(self, summary: dict[str, Any], history: list[dict[str, Any]]) -> None: ...

    def confirm(self, question: str, default: bool) -> bool:
        """Ask on an interactive terminal; return `default` without asking otherwise."""
        ...


class QuietObserver:
    """A RunObserver that shows nothing and never asks (for library use and tests)."""

    def message(self, level: str, text: str) -> None:
        return None

    def show_graph(self, analysis: GraphAnalysis) -> None:
        return None

    def run_started(self, run_id: str, plan: list[tuple[StepSpec, str]]) -> None:
        return None

    def show_plan(self, results: list[StepResult], phases: list[list[str]]) -> None:
        return None

    def step_started(self, spec: StepSpec) -> None:
        return None

    def step_finished(self, spec: StepSpec, result: StepResult) -> None:
        return None

    def run_finished(self, summary: dict[str, Any], history: list[dict[str, Any]]) -> None:
        return None

    def confirm(self, question: str, default: bool) -> bool:
        return default


@dataclass
class RunRequest:
    target: Path
    config: Config
    registry: Registry
    selected: list[str]
    observer: RunObserver
    dry_run: bool = False
    show_graph: bool = False
    interactive: bool = False  # a TTY without --auto: prompts allowed
    make_reviewer: Callable[[Workspace], Reviewer] = lambda ws: NoReviewer()
    make_step_cache: Callable[[Workspace], StepCache] = lambda ws: NoStepCache()
    make_reporter: Callable[[Workspace, Mapping[str, StepSpec]], Reporter] = lambda ws, specs: (
        NoReporter()
    )
    make_skip_policy: Callable[[list[dict[str, Any]], list[StepSpec]], SkipPolicy] = (
        lambda history, specs: NoSkips()
    )
    finding_policy: FindingPolicy = field(default_factory=NoFindingPolicy)
    remote_stats: Callable[[], dict[str, Any] | None] = lambda: None  # the team cache's
    shared_store: SharedStore | None = None  # the team cache, for steps' per-file results


@dataclass
class RunReport:
    summary: dict[str, Any]
    exit_code: int
    results: list[StepResult] = field(default_factory=list)


EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130
CURRENT_RUN_INTERVAL_S = 0.25
"""`metrics/current_run.json` is rewritten as steps finish, at most this often (and at the end)."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_run_id(target: Path, history: list[dict[str, Any]]) -> str:
    """`workflow_YYYYMMDD_HHMMSS`, with a `_N` suffix if that second is already taken."""
    base = datetime.now().strftime("workflow_%Y%m%d_%H%M%S")
    taken = {str(run.get("run_id")) for run in history}
    root = Workspace(target, base).root
    candidate, n = base, 1
    while candidate in taken or (root / "logs" / candidate).exists():
        n += 1
        candidate = f"{base}_{n}"
    return candidate


class StepLog:
    """Appends timestamped lines to one step's log file (thread-safe)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._lock = threading.Lock()

    def __call__(self, message: str) -> None:
        if self.path is None:
            return
        stamp = datetime.now().strftime("%Y-%m-%d %H:%M:%S")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._append(message, stamp)

    def _append(self, message: str, stamp: str) -> None:
        assert self.path is not None
        # raw read: this run's own log, appended to, in a folder the run created
        with self.path.open("a", encoding="utf-8", errors="replace") as handle:
            for line in message.splitlines() or [""]:
                handle.write(f"[{stamp}] {line}\n")


class WorkflowLog(StepLog):
    """The run log: `[YYYY-MM-DD HH:MM:SS] [LEVEL] message`."""

    def write(self, level: str, message: str) -> None:
        self(f"[{level}] {message}")


@contextmanager
def interrupt_signals() -> Iterator[None]:
    """SIGTERM behaves like Ctrl-C; a second signal during clean-up is ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired = False

    def handler(signum: int, frame: object) -> None:
        nonlocal fired
        if fired:
            return
        fired = True
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


class WorkflowRun:
    """The state of one run; `execute()` does it all and returns the report."""

    def __init__(self, request: RunRequest) -> None:
        self.req = request
        self.target = request.target
        self.config = request.config
        self.history = read_history(self.target)
        self.run_id = new_run_id(self.target, self.history)
        self.workspace = Workspace(self.target, self.run_id)
        self.graph = request.registry.graph(request.selected)
        self.specs = dict(self.graph.specs)
        self.memo = RunMemo()
        self.started_at = utc_now()
        self.started_clock = time.monotonic()
        self.git: GitState | None = None
        self.results: dict[str, StepResult] = {}
        self.resumed_from: cp.Checkpoint | None = None
        self.checkpoint: cp.Checkpoint | None = None
        self.policy: SkipPolicy = NoSkips()
        self.finding_policy = request.finding_policy
        self._tree: str | None = None
        self._current_written = float("-inf")
        self.log = WorkflowLog(None if request.dry_run else self.workspace.workflow_log)
        self.analysis = self._analyse()

    # ----------------------------------------------------------------- plan

    def _analyse(self) -> GraphAnalysis:
        window = self.config.run.history_window
        series = step_durations(self.history, window)
        medians = {
            sid: sorted(v)[len(v) // 2] if len(v) % 2 else _median(v) for sid, v in series.items()
        }
        runs = {sid: len(v) for sid, v in series.items()}
        estimates = estimate_steps(self.specs.values(), medians, runs)
        jobs = self.config.run.jobs if self.config.run.parallel else 1
        return analyse(self.graph, estimates, jobs)

    def _config_json(self) -> str:
        data = self.config.model_dump(mode="json", exclude={"run"})
        return json.dumps(data, sort_keys=True)

    def _plan(self, step_cache: StepCache | None = None) -> tuple[dict[str, StepResult], list[str]]:
        """Results decided before running (skipped, reused on resume) and the steps to run."""
        decided: dict[str, StepResult] = {}
        todo: list[str] = []
        tree = self._tree_state()
        config_json = self._config_json()
        resumed = self.resumed_from
        for sid in self.graph.order():
            spec = self.specs[sid]
            reason = self.policy.skip_reason(spec)
            if resumed is not None and not _succeeded(resumed.results.get(sid)):
                reason = None  # what the resumed run did not finish must run, changes or not
            reused = None
            # Reuse only what nothing upstream re-runs, and never a step with side effects.
            upstream_reruns = any(d in todo for d in self.graph.deps[sid])
            fingerprinted = step_cache is not None and step_cache.vouches_for(spec)
            if resumed is not None and not (spec.mutates or upstream_reruns or fingerprinted):
                reused = resumed.reusable(sid, tree, cp.step_hash(spec, config_json))
            if reason:
                decided[sid] = StepResult.for_spec(spec, StepStatus.SKIPPED, reason)
            elif reused is not None and resumed is not None:
                origin = reused.reused_from or resumed.run_id
                decided[sid] = self._reapply(spec, reused, f"resumed: passed in {origin}")
                decided[sid].reused_from = origin
            else:
                todo.append(sid)
        return decided, todo

    def _tree_state(self) -> str | None:
        """The project's state when the run starts (computed once: steps never change it)."""
        if self._tree is None:
            exclude = self.config.structure.exclude_dirs
            files = run_project_files(self.memo, self.target, exclude)
            commit = self.git.commit if self.git else None
            self._tree = cp.tree_state(self.target, commit, files)
        return self._tree

    def _choose_resume(self) -> None:
        run_opt = self.config.run.resume
        if run_opt is False:
            return
        candidate = cp.find_resumable(self.target)
        if candidate is None:
            return
        question = f"The last run {candidate.run_id} ended {candidate.status}. Resume it?"
        asked = run_opt is None and self.req.interactive
        if asked and not self.req.observer.confirm(question, default=True):
            return
        self.resumed_from = candidate
        self.req.observer.message("info", f"resuming {candidate.run_id} ({candidate.status})")

    # ----------------------------------------------------------------- run

    def execute(self) -> RunReport:
        self.git = git_state(self.target)
        self.policy = self._make_policy()
        self.memo.get(CHANGES_MEMO_KEY, self.policy.to_dict)  # the change base, for the AI layer
        if self.req.dry_run:
            return self._dry_run()
        with cp.RunLock(self.target), interrupt_signals():
            return self._real_run()

    def _make_policy(self) -> SkipPolicy:
        if not self.config.run.smart_execution:
            return NoSkips()
        policy = self.req.make_skip_policy(self.history, list(self.specs.values()))
        self.req.observer.message("info", policy.describe())
        for warning in policy.warnings:
            self.req.observer.message("warning", warning)
        return policy

    def _dry_run(self) -> RunReport:
        if self.req.show_graph:
            self.req.observer.show_graph(self.analysis)
        decided, todo = self._plan()
        for sid in self.graph.order():
            spec = self.specs[sid]
            result = decided.get(sid) or StepResult.for_spec(spec, StepStatus.PLANNED)
            if sid in todo:
                result.reason = f"would run (~{self.analysis.estimates[sid].seconds:.0f}s)"
            self.results[sid] = result
        phases = self.analysis.phases
        self.req.observer.show_plan(list(self.results.values()), phases)
        summary = self._summary("dry_run", NoReviewer())
        phase_of = {sid: n for n, phase in enumerate(phases, start=1) for sid in phase}
        for step in summary["steps"]:
            step["phase"] = phase_of[step["id"]]
        summary["phases"] = [
            {"phase": n, "steps": list(phase)} for n, phase in enumerate(phases, start=1)
        ]
        return RunReport(summary, EXIT_OK, list(self.results.values()))

    def _real_run(self) -> RunReport:
        self.log.write("INFO", f"run {self.run_id} on {self.target} (ai-workflow {__version__})")
        cp.prune_checkpoints(self.target)
        dead = record_dead_run(self.target, self.run_id, self.history)
        if dead is not None:
            self.req.observer.message("warning", f"run {dead} died without ending: recorded")
        reviewer: Reviewer = NoReviewer()
        reporter: Reporter = NoReporter()
        status = "interrupted"
        try:
            if self.req.show_graph and not self._show_graph_and_confirm():
                self.req.observer.message("info", "run cancelled at the graph prompt")
                return RunReport(self._summary("cancelled", reviewer), EXIT_OK)
            self._choose_resume()
            self.started_at, self.started_clock = utc_now(), time.monotonic()  # after prompts
            step_cache = (
                self.req.make_step_cache(self.workspace)
                if self.config.run.step_cache
                else NoStepCache()
            )
            decided, todo = self._plan(step_cache)
            reviewer = self.req.make_reviewer(self.workspace)
            self._review_resumed(decided, reviewer)
            reporter = self.req.make_reporter(self.workspace, self.specs)
            if self.config.run.smart_execution:
                self.policy.write_report(self.workspace.backlog_dir / "CHANGE_IMPACT_ANALYSIS.md")
            self.checkpoint = cp.Checkpoint(
                self.run_id,
                "running",
                self._tree_state(),
                {s: cp.step_hash(self.specs[s], self._config_json()) for s in self.specs},
            )
            plan = [
                (self.specs[s], (decided[s].reason or "" if s in decided else ""))
                for s in self.graph.order()
            ]
            self.req.observer.run_started(self.run_id, plan)
            write_current(self.target, self._summary("running", NoReviewer()))  # killed: seen
            for sid, result in decided.items():
                self._on_finish(self.specs[sid], result, reporter)
            scheduler = Scheduler(
                graph=self.graph,
                execute=lambda spec, cancel, done: self._execute_step(
                    spec, cancel, done, reviewer, step_cache
                ),
                jobs=self.config.run.jobs if self.config.run.parallel else 1,
                fail_fast=self.config.run.fail_fast,
                estimates={s: e.seconds for s, e in self.analysis.estimates.items()},
                on_start=self._on_start,
                on_finish=lambda spec, result: self._on_finish(spec, result, reporter),
            )
            self.results = scheduler.run(todo, decided)
            status = self._final_status()
            if self.config.ai.triage:
                self._triage(reviewer, reporter)
        except (KeyboardInterrupt, RunInterrupted):
            status = "interrupted"
            self._mark_unfinished()
        except BaseException:  # an internal error: still record the run, then let it surface
            self._mark_unfinished()
            with contextlib.suppress(Exception):
                self._finish(self._summary("failed", reviewer), reporter)
            raise
        summary = self._summary(status, reviewer)
        self._finish(summary, reporter)
        return RunReport(summary, self._exit_code(status), list(self.results.values()))

    def _triage(self, reviewer: Reviewer, reporter: Reporter) -> None:
        """The AI triage of the shown findings: labelled results replace theirs, and their
        step reports are written again (noise leaves the summaries)."""
        spec = StepSpec(id="ai_triage", number=99, name="AI triage", builtin=False)
        ctx = self._context(spec, threading.Event(), dict(self.results))
        done = reviewer.triage(dict(self.results), ctx)
        if done is None:
            return
        for sid, result in done.results.items():
            self.results[sid] = result
            reporter.step_finished(self.specs[sid], result)
        for note in done.notes:
            self.log.write("WARNING", note)
            self.req.observer.message("warning", note)

    def _show_graph_and_confirm(self) -> bool:
        self.req.observer.show_graph(self.analysis)
        write_atomic(
            self.workspace.backlog_dir / "DEPENDENCY_GRAPH.md", render_markdown(self.analysis)
        )
        if not self.req.interactive:
            return True
        return self.req.observer.confirm("Start the run?", default=True)

    def _final_status(self) -> str:
        """The status of a run the scheduler finished (Ctrl-C/SIGTERM never get here: they
        make it "interrupted"); steps that --fail-fast stopped are `interrupted`, the run failed."""
        statuses = {r.status for r in self.results.values()}
        if statuses & {StepStatus.FAILED, StepStatus.NOT_RUN, StepStatus.INTERRUPTED}:
            return "failed"
        return "passed"

    def _exit_code(self, status: str) -> int:
        """0 or 1 by `run.fail_on` from the findings the baseline does not know (error: a
        failed step or an error finding; warning: also a warning finding; never: 0), 130 for
        an interrupted run."""
        if status not in ("passed", "failed"):
            return EXIT_INTERRUPTED
        fail_on = self.config.run.fail_on
        if fail_on == "never":
            return EXIT_OK
        if status == "failed":
            return EXIT_FAILED
        counts = count_by_severity(f for r in self.results.values() for f in r.findings)
        if counts["error"] or (fail_on == "warning" and counts["warning"]):
            return EXIT_FAILED
        return EXIT_OK

    def _mark_unfinished(self) -> None:
        for sid in self.graph.order():
            if sid not in self.results:
                spec = self.specs[sid]
                self.results[sid] = StepResult.for_spec(spec, StepStatus.NOT_RUN, "run interrupted")

    # ----------------------------------------------------------------- one step

    def _on_start(self, spec: StepSpec) -> None:
        self.log.write("STEP", f"step {spec.number} {spec.id} started")
        self.req.observer.step_started(spec)

    def _on_finish(self, spec: StepSpec, result: StepResult, reporter: Reporter) -> None:
        _ensure_failure_finding(result)
        self.results[spec.id] = result
        level = _LOG_LEVEL.get(result.status, "INFO")
        reason = f": {result.reason}" if result.reason else ""
        self.log.write(level, f"step {spec.number} {spec.id} {result.status.value}{reason}")
        if self.checkpoint is not None:
            self.checkpoint.results[spec.id] = result
            # a reused result costs nothing to redo: no fsync for it
            self.checkpoint.save(self.target, durable=result.status is not StepStatus.REUSED)
        now = time.monotonic()
        if now - self._current_written >= CURRENT_RUN_INTERVAL_S:  # live file, throttled
            write_current(self.target, self._summary("running", NoReviewer()))
            self._current_written = now
        reporter.step_finished(spec, result)
        self.req.observer.step_finished(spec, result)

    def _execute_step(
        self,
        spec: StepSpec,
        cancel: threading.Event,
        finished: dict[str, StepResult],
        reviewer: Reviewer,
        step_cache: StepCache,
    ) -> StepResult:
        step = self.req.registry.steps[spec.id]
        ctx = self._context(spec, cancel, finished)
        log = ctx.log
        started, clock = utc_now(), (time.monotonic(), cpu_clock())
        log(f"step {spec.number} {spec.id} started")
        try:
            # The step cache holds deterministic results only, before the rule policy; the AI
            # review always runs on top (its own response cache, with its own rules, decides
            # whether a request is sent), and the policy applies to both, in every run.
            cached = None if spec.mutates else step_cache.lookup(ctx)
            if cached is not None:
                outcome = _deterministic_outcome(cached)
                screen = self._screen(spec, outcome)
            else:
                outcome = step.run(ctx)
                deterministic = self._result(spec, outcome)
                screen = self._screen(spec, outcome)
                if outcome.status() in OK_STATUSES:  # it passes under this run's policy
                    step_cache.store(ctx, _snapshot(deterministic, self.run_id))
            before = {id(f) for f in outcome.findings}
            if spec.persona and cached is not None:
                reviewer.review_reused(ctx, outcome, cached.reused_from)
            elif spec.persona:
                reviewer.review(ctx, outcome)
            _screen_added(outcome, screen, before)
        except StepCancelled as exc:
            result = StepResult.for_spec(spec, StepStatus.INTERRUPTED, str(exc))
            return _timed(result, started, clock)
        except Exception as exc:  # a bug in one step must not take the run down
            log("internal error:\n" + traceback.format_exc())
            reason = f"internal error: {exc!r} (traceback in {self.workspace.step_log(spec).name})"
            return _timed(StepResult.for_spec(spec, StepStatus.FAILED, reason), started, clock)
        result = self._result(spec, outcome, screen)
        if cached is not None:
            source = cached.reused_from or "an earlier run"
            result = _reuse(result, f"inputs unchanged since {source}")
            result.reused_from = cached.reused_from
        _timed(result, started, clock)
        log(f"step {spec.number} {spec.id} {result.status.value} in {result.duration_s:.2f}s")
        return result

    def _context(
        self, spec: StepSpec, cancel: threading.Event, finished: Mapping[str, StepResult]
    ) -> StepContext:
        return StepContext(
            target=self.target,
            run_id=self.run_id,
            spec=spec,
            config=self.config,
            workspace=self.workspace,
            results=finished,
            memo=self.memo,
            log=StepLog(self.workspace.step_log(spec)),
            cancel=cancel,
            runner=run_command,
            shared=self.req.shared_store,
        )

    def _review_resumed(self, decided: dict[str, StepResult], reviewer: Reviewer) -> None:
        """Steps reused on resume get this run's AI note, like steps reused from the step cache,
        when no request would be sent. With a provider they keep the resumed run's AI review."""
        if reviewer.sends_requests:
            return
        for sid in self.graph.order():
            result, spec = decided.get(sid), self.specs[sid]
            if result is None or result.status is not StepStatus.REUSED or not spec.persona:
                continue
            outcome = _deterministic_outcome(result)
            ctx = self._context(spec, threading.Event(), decided)
            screen = self._screen(spec, outcome)
            before = {id(f) for f in outcome.findings}
            reviewer.review_reused(ctx, outcome, result.reused_from)
            _screen_added(outcome, screen, before)
            reviewed = _reuse(self._result(spec, outcome, screen), result.reason or "resumed")
            reviewed.reused_from = result.reused_from
            decided[sid] = reviewed

    def _screen(self, spec: StepSpec, outcome: StepOutcome) -> FindingFilter:
        """Apply the run's rule policy to `outcome.findings` (in place); the filter it used."""
        screen = self.finding_policy.for_step(spec.id)
        outcome.findings = screen.apply(outcome.findings)
        return screen

    def _reapply(self, spec: StepSpec, stored: StepResult, reason: str) -> StepResult:
        """A checkpointed result as reused by this run: its raw findings (AI ones included:
        with a provider, a resumed step keeps the resumed run's review) through this run's
        rule policy, which may differ from the one that ran (baseline, --new-only)."""
        outcome = _deterministic_outcome(stored, keep_ai=True)
        screen = self._screen(spec, outcome)
        return _reuse(self._result(spec, outcome, screen), reason)

    @staticmethod
    def _result(
        spec: StepSpec, outcome: StepOutcome, screen: FindingFilter | None = None
    ) -> StepResult:
        """The step's result from its outcome; with `screen`, the findings went through the
        rule policy (the raw ones are kept, and what the policy did is counted in the data)."""
        status = outcome.status()
        data = outcome.data

        def tagged(findings: list[Finding]) -> list[Finding]:
            return [f if f.step else dataclasses.replace(f, step=spec.id) for f in findings]

        if screen is not None:
            data = {k: v for k, v in data.items() if k != POLICY_DATA_KEY}
            if screen.counts():
                data[POLICY_DATA_KEY] = screen.counts()
        return StepResult(
            id=spec.id,
            number=spec.number,
            name=spec.name,
            status=status,
            reason=_reason(outcome.tool_error, outcome.findings, status),
            findings=tagged(outcome.findings),
            data=data,
            summary=outcome.summary,
            checked=outcome.checked,
            skipped_checks=outcome.skipped_checks,
            incomplete=outcome.incomplete,
            raw_findings=tagged(screen.raw) if screen is not None else None,
        )

    # ----------------------------------------------------------------- end

    def _summary(self, status: str, reviewer: Reviewer) -> dict[str, Any]:
        ordered = [self.results[s] for s in self.graph.order() if s in self.results]
        counts: dict[str, Any] = {s.value: 0 for s in StepStatus}
        for result in ordered:
            counts[result.status.value] += 1
        every = [f for result in ordered for f in result.findings]
        counts["findings"] = count_by_severity(every)  # baselined findings not counted...
        counts["findings"]["baselined"] = sum(1 for f in every if f.baselined)  # ...but here
        counts["total"] = len(self.specs)
        opts = self.config.run
        return {
            "schema": SUMMARY_SCHEMA,
            "run_id": self.run_id,
            "version": __version__,
            "target": str(self.target),
            "status": status,
            "started_at": self.started_at,
            "ended_at": utc_now(),
            "duration_s": round(time.monotonic() - self.started_clock, 3),
            "options": {
                "parallel": opts.parallel,
                "jobs": opts.jobs,
                "smart_execution": opts.smart_execution,
                "dry_run": self.req.dry_run,
                "ai_cache": opts.ai_cache,
                "step_cache": opts.step_cache,
                "fail_fast": opts.fail_fast,
                "fail_on": opts.fail_on,
                "new_only": opts.new_only,
                "steps": list(self.graph.order()),
                "all_steps": set(self.specs) == set(self.req.registry.steps),
                "resumed_from": self.resumed_from.run_id if self.resumed_from else None,
            },
            "git": self.git.to_dict() if self.git else None,
            "steps": [r.to_dict(with_data=False) for r in ordered],
            "counts": counts,
            "ai": reviewer.stats(),
            "remote_cache": self.req.remote_stats(),
            "changes": self.policy.to_dict() or None,
            "rules": self._rules_block(ordered),
            "estimates": {s: e.seconds for s, e in self.analysis.estimates.items()},
            "tests": suite_counts(ordered),
            "selection": suite_selection(ordered),
        }

    def _rules_block(self, results: list[StepResult]) -> dict[str, Any] | None:
        """The rule policy's part of the summary: its own facts plus what it did, in total."""
        block = dict(self.finding_policy.to_dict())
        totals: dict[str, int] = {}
        for result in results:
            for key, value in (result.data.get(POLICY_DATA_KEY) or {}).items():
                totals[key] = totals.get(key, 0) + int(value)
        if totals:
            block["counts"] = totals
        return block or None

    def _finish(self, summary: dict[str, Any], reporter: Reporter) -> None:
        append_history(self.target, summary)
        write_current(self.target, summary)
        reporter.run_finished(summary, list(self.results.values()))
        for error in reporter.errors:
            self.req.observer.message("warning", f"report not written: {error}")
        # This run supersedes every earlier one: only its own checkpoint may be resumed next.
        if summary["status"] != "passed" and self.checkpoint is not None:
            self.checkpoint.status = summary["status"]
            self.checkpoint.save(self.target)
            cp.clear_checkpoints(self.target, keep=self.run_id)
        else:
            cp.clear_checkpoints(self.target)
        self.log.write(
            "SUCCESS" if summary["status"] == "passed" else "ERROR",
            f"run {self.run_id} {summary['status']} in {summary['duration_s']:.1f}s",
        )
        self._prune_old_runs()
        self.req.observer.run_finished(summary, [*self.history, history_record(summary)])

    def _prune_old_runs(self) -> None:
        """Retention (`run.keep_runs`): the folders of older runs go, and the run says so."""
        keep = self.config.run.keep_runs
        pruned = prune_runs(self.workspace.root, keep, current=self.run_id)
        if pruned.runs:
            self.log.write("INFO", pruned.describe(keep))
            self.req.observer.message("info", pruned.describe(keep))
        for error in pruned.errors:
            self.req.observer.message("warning", f"could not remove an old run's folder: {error}")


_LOG_LEVEL = {
    StepStatus.PASSED: "SUCCESS",
    StepStatus.WARNING: "WARNING",
    StepStatus.FAILED: "ERROR",
    StepStatus.INTERRUPTED: "ERROR",
    StepStatus.NOT_RUN: "WARNING",
}


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _reuse(result: StepResult, reason: str) -> StepResult:
    """A copy of an earlier result, as reused by this run (it took no time of its own).
    A result this run's rule policy makes fail stays failed: running the step again would
    give the same findings."""
    ok = result.status in OK_STATUSES
    return dataclasses.replace(
        result,
        status=StepStatus.REUSED if ok else result.status,
        reason=reason if ok else f"{result.reason}; {reason}",
        reused_from=result.reused_from,
        findings=list(result.findings),
        started_at=None,
        ended_at=None,
        duration_s=0.0,
    )


def _succeeded(result: StepResult | None) -> bool:
    return result is not None and result.status in OK_STATUSES


def _snapshot(result: StepResult, run_id: str) -> StepResult:
    """A deep copy to store: the AI review goes on to add to the live outcome."""
    return StepResult.from_dict({**copy.deepcopy(result.to_dict()), "reused_from": run_id})


AI_NOTE_PREFIXES = ("AI review ", "AI: ")
"""How the AI reviewer's lines in `checked` and `skipped_checks` begin."""
AI_DATA_KEYS = ("ai", "ai_commit_message")


def _deterministic_outcome(cached: StepResult, *, keep_ai: bool = False) -> StepOutcome:
    """A cached or resumed result as a fresh outcome of the deterministic checks, with the
    findings from before the rule policy: the AI review's findings, notes and data left out
    (the review runs again on top), unless `keep_ai`."""
    raw = cached.raw_findings if cached.raw_findings is not None else cached.findings
    if keep_ai:
        return StepOutcome(
            findings=list(raw),
            data=copy.deepcopy(cached.data),
            checked=list(cached.checked),
            skipped_checks=list(cached.skipped_checks),
            summary=cached.summary,
            incomplete=cached.incomplete,
        )
    return StepOutcome(
        findings=[f for f in raw if f.source != "ai"],
        data={k: copy.deepcopy(v) for k, v in cached.data.items() if k not in AI_DATA_KEYS},
        checked=[c for c in cached.checked if not c.startswith(AI_NOTE_PREFIXES)],
        skipped_checks=[c for c in cached.skipped_checks if not c.startswith(AI_NOTE_PREFIXES)],
        summary=cached.summary,
        incomplete=cached.incomplete,
    )


STEP_FAILED_RULE = "workflow/step-failed"


def _ensure_failure_finding(result: StepResult) -> None:
    """A failed step always has an error finding: when it failed without one (its tool could
    not run, it timed out, an internal error) one is added from its reason, so the failure
    reaches findings.json, SARIF, the top findings and the error count."""
    if result.status is not StepStatus.FAILED:
        return
    if any(f.severity is Severity.ERROR and not f.baselined for f in result.findings):
        return
    message = result.reason or result.summary or "the step failed"
    finding = Finding(STEP_FAILED_RULE, Severity.ERROR, message, step=result.id)
    result.findings = [*result.findings, finding]


def cpu_clock() -> float:
    """CPU seconds of this process (all its threads) and of the commands it has waited for
    (their own waited-for children included), user and system."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def _timed(result: StepResult, started: str, clock: tuple[float, float]) -> StepResult:
    """`result` with its start, end, wall time and CPU time (`clock`: the monotonic clock and
    `cpu_clock` when it started)."""
    result.started_at = started
    result.ended_at = utc_now()
    result.duration_s = round(time.monotonic() - clock[0], 3)
    result.cpu_s = round(max(0.0, cpu_clock() - clock[1]), 3)
    return result


def _reason(tool_error: str | None, findings: list[Any], status: StepStatus) -> str | None:
    if tool_error:
        return tool_error
    if status is StepStatus.FAILED:
        errors = sum(1 for f in findings if f.severity.value == "error" and not f.baselined)
        return f"{errors} error finding(s)"
    return None


def _screen_added(outcome: StepOutcome, screen: FindingFilter, before: set[int]) -> None:
    """Put the findings the AI review added (those not in `before`) through the same filter."""
    added = [f for f in outcome.findings if id(f) not in before]
    if added:
        kept = [f for f in outcome.findings if id(f) in before]
        outcome.findings = kept + screen.apply(added)


def run_workflow(request: RunRequest) -> RunReport:
    return WorkflowRun(request).execute()
