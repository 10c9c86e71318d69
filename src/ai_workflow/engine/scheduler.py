"""Runs a step graph: sequentially or with up to `jobs` steps at once, never breaking a dependency.

Each step runs in a daemon thread; its subprocesses run in their own process groups, tracked
by the step's CancelScope, so a timeout, --fail-fast or Ctrl-C kills them, and none outlives
`run()`. Ready steps start longest-remaining-path first; a step that mutates the project runs
alone. A failed step marks its dependents `not_run`.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from ai_workflow.engine.graph import StepGraph
from ai_workflow.engine.process import CancelScope, kill_all_groups
from ai_workflow.engine.step import SATISFIES_DEPENDENTS, StepResult, StepSpec, StepStatus
from ai_workflow.errors import StepCancelled

Execute = Callable[[StepSpec, threading.Event, dict[str, StepResult]], StepResult]
"""(spec, cancel event, results finished so far) -> the step's result; runs in a worker thread."""
INTERRUPT_GRACE_S = 5.0
ZOMBIE_GRACE_S = 10.0


class RunInterrupted(Exception):
    """Ctrl-C or SIGTERM arrived; the scheduler has stopped every running step."""


@dataclass
class _Running:
    spec: StepSpec
    cancel: CancelScope
    thread: threading.Thread
    started: float
    deadline: float | None


@dataclass
class Scheduler:
    graph: StepGraph
    execute: Execute
    jobs: int = 1
    fail_fast: bool = False
    estimates: Mapping[str, float] = field(default_factory=dict)
    on_start: Callable[[StepSpec], None] = lambda spec: None
    on_finish: Callable[[StepSpec, StepResult], None] = lambda spec, result: None
    results: dict[str, StepResult] = field(default_factory=dict)

    def run(self, todo: list[str], done: Mapping[str, StepResult]) -> dict[str, StepResult]:
        """Run the steps in `todo`; `done` holds results decided beforehand (skipped, reused).

        Returns every result (done + run). Raises RunInterrupted after cleaning up on Ctrl-C.
        """
        self.results.update(done)
        self._pending = [s for s in self.graph.order() if s in set(todo)]
        self._running: dict[str, _Running] = {}
        self._finished: queue.Queue[tuple[str, StepResult]] = queue.Queue()
        self._zombies: list[_Running] = []  # timed out, thread possibly still running
        self._scopes: list[CancelScope] = []  # every step started by this run
        estimates = {
            s: self.estimates.get(s, self.graph.specs[s].estimate_s) for s in self.graph.specs
        }
        self._priority = self.graph.remaining_path(estimates)
        try:
            while self._pending or self._running:
                self._start_ready()
                if not self._running and not self._busy_zombies():
                    break  # nothing can start
                self._wait_for_one()
            for sid in list(self._pending):  # only reachable if a dependency was never planned
                self._pending.remove(sid)
                spec = self.graph.specs[sid]
                self._record(sid, StepResult.for_spec(spec, StepStatus.NOT_RUN, "unreachable"))
        except KeyboardInterrupt:
            self._interrupt()
            raise RunInterrupted from None
        finally:
            self._close_scopes()
        return self.results

    # -------------------------------------------------------------- starting

    def _start_ready(self) -> None:
        for sid in self._ready_steps():
            busy = [*self._running.values(), *self._busy_zombies()]
            if len(busy) >= self.jobs:
                return
            spec = self.graph.specs[sid]
            if spec.mutates and busy:
                continue
            if any(r.spec.mutates for r in busy):
                return
            self._launch(spec)

    def _busy_zombies(self) -> list[_Running]:
        """Timed-out steps whose thread has not ended yet: they still hold their slot (and
        exclusivity, if they mutate) for up to ZOMBIE_GRACE_S after the timeout."""
        now = time.monotonic()
        self._zombies = [
            z
            for z in self._zombies
            if z.thread.is_alive() and now - (z.deadline or now) < ZOMBIE_GRACE_S
        ]
        return self._zombies

    def _ready_steps(self) -> list[str]:
        ready = []
        for sid in list(self._pending):
            deps = self.graph.deps[sid]
            blocking = (
                []
                if self.graph.specs[sid].after_failures
                else [
                    d
                    for d in deps
                    if d in self.results and self.results[d].status not in SATISFIES_DEPENDENTS
                ]
            )
            if blocking:
                self._block(sid, blocking[0])
            elif all(d in self.results for d in deps):
                ready.append(sid)
        if self.jobs == 1:
            return sorted(ready, key=lambda s: self.graph.specs[s].number)
        return sorted(ready, key=lambda s: (-self._priority[s], self.graph.specs[s].number))

    def _block(self, sid: str, dep: str) -> None:
        status = self.results[dep].status.value
        reason = f"dependency {dep} {status}"
        self._pending.remove(sid)
        self._record(sid, StepResult.for_spec(self.graph.specs[sid], StepStatus.NOT_RUN, reason))

    def _launch(self, spec: StepSpec) -> None:
        self._pending.remove(spec.id)
        cancel = CancelScope()
        self._scopes.append(cancel)
        thread = threading.Thread(
            target=self._worker,
            args=(spec, cancel, dict(self.results)),
            name=f"step-{spec.id}",
            daemon=True,
        )
        now = time.monotonic()
        deadline = now + spec.timeout_s if spec.timeout_s else None
        self._running[spec.id] = _Running(spec, cancel, thread, now, deadline)
        self.on_start(spec)
        thread.start()

    def _worker(
        self, spec: StepSpec, cancel: threading.Event, finished: dict[str, StepResult]
    ) -> None:
        try:
            result = self.execute(spec, cancel, finished)
        except StepCancelled as exc:
            result = StepResult.for_spec(spec, StepStatus.INTERRUPTED, str(exc))
        except Exception as exc:  # execute() should not raise; never lose the step if it does
            result = StepResult.for_spec(spec, StepStatus.FAILED, f"internal error: {exc!r}")
        self._finished.put((spec.id, result))

    # -------------------------------------------------------------- waiting

    def _wait_for_one(self) -> None:
        timeout = self._next_deadline()
        try:
            sid, result = self._finished.get(timeout=timeout)
        except queue.Empty:
            self._expire_timeouts()
            return
        if sid not in self._running:
            return  # a step that already timed out finished late: its result is ignored
        del self._running[sid]
        self._record(sid, result)
        if self.fail_fast and result.status is StepStatus.FAILED:
            self._stop_all(f"stopped by --fail-fast: step {sid} failed")

    def _next_deadline(self) -> float | None:
        deadlines = [r.deadline for r in self._running.values() if r.deadline is not None]
        if not deadlines:
            return 0.5  # wake up regularly so Ctrl-C is handled promptly
        return max(0.0, min(min(deadlines) - time.monotonic(), 0.5))

    def _expire_timeouts(self) -> None:
        now = time.monotonic()
        for sid, run in list(self._running.items()):
            if run.deadline is not None and now >= run.deadline:
                run.cancel.terminate()  # its processes get SIGTERM now, SIGKILL by the end
                del self._running[sid]
                self._zombies.append(run)
                result = StepResult.for_spec(
                    run.spec, StepStatus.FAILED, f"timed out after {run.spec.timeout_s:g}s"
                )
                result.duration_s = round(now - run.started, 3)
                self._record(sid, result)
                if self.fail_fast:
                    self._stop_all(f"stopped by --fail-fast: step {sid} timed out")

    def _record(self, sid: str, result: StepResult) -> None:
        self.results[sid] = result
        self.on_finish(self.graph.specs[sid], result)

    # -------------------------------------------------------------- stopping

    def _stop_all(self, reason: str) -> None:
        for run in self._running.values():
            run.cancel.terminate()
        for sid, run in list(self._running.items()):
            run.thread.join(timeout=INTERRUPT_GRACE_S)
            run.cancel.close()
            del self._running[sid]
            self._record(sid, StepResult.for_spec(run.spec, StepStatus.INTERRUPTED, reason))
        for sid in list(self._pending):
            self._pending.remove(sid)
            self._record(
                sid, StepResult.for_spec(self.graph.specs[sid], StepStatus.NOT_RUN, reason)
            )

    def _interrupt(self) -> None:
        for run in self._running.values():
            run.cancel.set()
        kill_all_groups()
        self._stop_all("run interrupted")

    def _close_scopes(self) -> None:
        """Kill what any step of this run still has running (a timed-out step's processes):
        the process may exit right after `run()`, taking the daemon step threads with it."""
        for scope in self._scopes:
            scope.close()
        for zombie in self._zombies:
            zombie.thread.join(timeout=1.0)  # let it log its end if it can
