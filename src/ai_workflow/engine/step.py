"""The small protocol every step implements, and the records the engine keeps about steps."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from ai_workflow.engine.process import CancelScope
from ai_workflow.findings import Finding, Severity

if TYPE_CHECKING:
    from ai_workflow.config import Config
    from ai_workflow.engine.artifacts import Workspace
    from ai_workflow.engine.process import CommandResult

T = TypeVar("T")

ALWAYS = "*"
"""A category that means "reads everything": smart execution never skips such a step."""


class StepStatus(StrEnum):
    PASSED = "passed"
    WARNING = "warning"
    FAILED = "failed"
    SKIPPED = "skipped"
    REUSED = "reused"
    NOT_RUN = "not_run"
    INTERRUPTED = "interrupted"
    PLANNED = "planned"


OK_STATUSES = frozenset({StepStatus.PASSED, StepStatus.WARNING, StepStatus.REUSED})
"""Statuses that count as a success of the step."""

SATISFIES_DEPENDENTS = OK_STATUSES | {StepStatus.SKIPPED}
"""A dependent may run after a dependency with one of these statuses."""


@dataclass(frozen=True)
class StepSpec:
    """A registry entry: everything the engine and smart execution know about a step."""

    id: str
    number: int
    name: str
    description: str = ""
    depends_on: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # change categories the step reads; ALWAYS = every change
    inputs: tuple[str, ...] = ()  # path globs the step reads (in addition to categories)
    estimate_s: float = 60.0
    persona: str | None = None
    mutates: bool = False
    timeout_s: float | None = None
    builtin: bool = True
    after_failures: bool = False  # runs even when a dependency failed (it reports on them)

    def replace(self, **changes: Any) -> StepSpec:
        return dataclasses.replace(self, **changes)

    @property
    def label(self) -> str:
        return f"{self.number}: {self.name}"

    @property
    def file_stem(self) -> str:
        """The stem of this step's report files, e.g. `step07_test_execution`."""
        return f"step{self.number:02d}_{self.id}"


@dataclass
class StepOutcome:
    """What a step's `run` returns. The engine derives the status from it."""

    findings: list[Finding] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # JSON-serialisable facts for dependents
    checked: list[str] = field(default_factory=list)  # what was checked, one line each
    skipped_checks: list[str] = field(default_factory=list)  # "eslint: not configured"
    tool_error: str | None = None  # the step's own tool could not run: the step fails
    summary: str = ""  # one line for the console
    incomplete: bool = False
    """Part of the step's work could not be done on this machine (tests it could not run):
    the step is a warning even where every finding about it is info, so a run never passes
    silently on checks it did not make (`skipped_checks` says which)."""

    def add(
        self,
        rule: str,
        severity: Severity | str,
        message: str,
        path: str | None = None,
        line: int | None = None,
        **extra: Any,
    ) -> Finding:
        finding = Finding(rule, Severity(severity), message, path, line, extra=extra)
        self.findings.append(finding)
        return finding

    def status(self) -> StepStatus:
        """failed on a tool error or an error finding, warning on a warning finding; baselined
        findings (known before, see `ai_workflow.rules`) do not count."""
        severities = {f.severity for f in self.findings if not f.baselined}
        if self.tool_error or Severity.ERROR in severities:
            return StepStatus.FAILED
        if Severity.WARNING in severities or self.incomplete:
            return StepStatus.WARNING
        return StepStatus.PASSED


@dataclass
class StepResult:
    """The engine's record of one step in one run (what metrics, checkpoints, reports show)."""

    id: str
    number: int
    name: str
    status: StepStatus
    started_at: str | None = None
    ended_at: str | None = None
    duration_s: float | None = None
    cpu_s: float | None = None
    """CPU seconds the run's process and the commands it waited for spent during the step
    (`engine.runner.cpu_clock`): less moved by the machine's load than `duration_s`. With
    `--parallel`, steps that run at once are each charged the others' CPU too."""
    reason: str | None = None
    findings: list[Finding] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    summary: str = ""
    checked: list[str] = field(default_factory=list)
    skipped_checks: list[str] = field(default_factory=list)
    reused_from: str | None = None  # run id a reused result came from
    incomplete: bool = False  # `StepOutcome.incomplete`
    raw_findings: list[Finding] | None = None
    """The findings before the run's rule policy (None: `findings` are raw): kept in the
    checkpoint, so a resumed run applies its own policy to them."""

    @classmethod
    def for_spec(cls, spec: StepSpec, status: StepStatus, reason: str | None = None) -> StepResult:
        return cls(id=spec.id, number=spec.number, name=spec.name, status=status, reason=reason)

    def to_dict(self, *, with_data: bool = True, with_raw: bool = False) -> dict[str, Any]:
        """`with_raw` adds `raw_findings` (for the checkpoint; a dependent's view of the
        result, the summary and the reports never include them)."""
        out: dict[str, Any] = {
            "id": self.id,
            "number": self.number,
            "name": self.name,
            "status": self.status.value,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration_s": self.duration_s,
            "reason": self.reason,
            "summary": self.summary,
            "findings": [f.to_dict() for f in self.findings],
            "checked": list(self.checked),
            "skipped_checks": list(self.skipped_checks),
            "reused_from": self.reused_from,
        }
        if self.incomplete:
            out["incomplete"] = True
        if self.cpu_s is not None:
            out["cpu_s"] = self.cpu_s
        if with_data:
            out["data"] = self.data
        if with_raw and self.raw_findings is not None:
            out["raw_findings"] = [f.to_dict() for f in self.raw_findings]
        return out

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> StepResult:
        return cls(
            id=str(raw["id"]),
            number=int(raw["number"]),
            name=str(raw["name"]),
            status=StepStatus(raw["status"]),
            started_at=raw.get("started_at"),
            ended_at=raw.get("ended_at"),
            duration_s=raw.get("duration_s"),
            cpu_s=raw.get("cpu_s") if isinstance(raw.get("cpu_s"), (int, float)) else None,
            reason=raw.get("reason"),
            findings=[Finding.from_dict(f) for f in raw.get("findings", [])],
            data=dict(raw.get("data") or {}),
            summary=str(raw.get("summary", "")),
            checked=list(raw.get("checked", [])),
            skipped_checks=list(raw.get("skipped_checks", [])),
            reused_from=raw.get("reused_from"),
            incomplete=bool(raw.get("incomplete", False)),
            raw_findings=(
                [Finding.from_dict(f) for f in raw["raw_findings"]]
                if isinstance(raw.get("raw_findings"), list)
                else None
            ),
        )


class StepLogger(Protocol):
    def __call__(self, message: str) -> None: ...


class StepContext:
    """What a running step may use. One per step per run; shared facts are memoised per run."""

    def __init__(
        self,
        *,
        target: Path,
        run_id: str,
        spec: StepSpec,
        config: Config,
        workspace: Workspace,
        results: Mapping[str, StepResult],
        memo: RunMemo,
        log: StepLogger,
        cancel: threading.Event,
        runner: Callable[..., CommandResult],
        shared: SharedStore | None = None,
    ) -> None:
        self.target = target
        self.shared = shared  # the team cache, when one is configured
        self.run_id = run_id
        self.spec = spec
        self.config = config
        self.workspace = workspace
        self.results = results
        self.memo = memo
        self.log = log
        self.cancel = cancel
        self._runner = runner

    def result_of(self, step_id: str) -> StepResult | None:
        """The finished result of another step in this run (a dependency), if it ran."""
        return self.results.get(step_id)

    def run_command(
        self,
        args: Sequence[str] | str,
        *,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        shell: bool = False,
        check_cancel: bool = True,
    ) -> CommandResult:
        """Run a subprocess in its own process group, logged to the step log, killable.

        Even with `check_cancel=False` the group belongs to the step: the engine kills it when
        the step times out or the run stops.
        """
        scope = self.cancel if isinstance(self.cancel, CancelScope) else None
        return self._runner(
            args,
            cwd=cwd or self.target,
            timeout=timeout,
            env=env,
            shell=shell,
            cancel=self.cancel if check_cancel else None,
            log=self.log,
            scope=scope,
        )


class SharedStore(Protocol):
    """A content-addressed store shared by a team's runners (the Redis team cache): steps may
    keep results under keys that name all their inputs. Never raises; None on a miss."""

    @property
    def writable(self) -> bool: ...

    def get(self, kind: str, key: str) -> Any | None: ...

    def put(self, kind: str, key: str, payload: Any) -> bool: ...


class RunMemo:
    """Thread-safe, per-run memo for facts several steps need (tech stack, change set...)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: dict[str, Any] = {}
        self._key_locks: dict[str, threading.Lock] = {}

    def get(self, key: str, factory: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                return self._values[key]  # type: ignore[no-any-return]
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            with self._lock:
                if key in self._values:
                    return self._values[key]  # type: ignore[no-any-return]
            value = factory()
            with self._lock:
                self._values[key] = value
            return value


class Step(Protocol):
    """A workflow step: a registry entry plus the code that runs it."""

    spec: StepSpec

    def run(self, ctx: StepContext) -> StepOutcome: ...


@dataclass
class FunctionStep:
    """A step whose work is a plain function (how every built-in step is written)."""

    spec: StepSpec
    func: Callable[[StepContext], StepOutcome]

    def run(self, ctx: StepContext) -> StepOutcome:
        return self.func(ctx)
