"""Extension points the engine calls, implemented outside it (AI review, smart execution).

The engine ships no-op defaults, so it runs without either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

from ai_workflow.engine.step import StepContext, StepOutcome, StepResult, StepSpec
from ai_workflow.findings import Finding


class Reviewer(Protocol):
    """Hands a step's deterministic findings to an AI persona; adds findings to the outcome."""

    def review(self, ctx: StepContext, outcome: StepOutcome) -> None: ...

    def review_reused(self, ctx: StepContext, outcome: StepOutcome, source_run: str | None) -> None:
        """A step whose deterministic result was reused from `source_run`: reviewed again when a
        provider is configured (its response cache answers an unchanged prompt); without one,
        only a note pointing at the prompt that run saved (building it again costs more than
        the reused step)."""
        ...

    @property
    def sends_requests(self) -> bool:
        """False when no provider is configured: a review only saves the prompt."""
        ...

    def stats(self) -> dict[str, Any]:
        """The run summary's `ai` block."""
        ...

    def triage(self, results: Mapping[str, StepResult], ctx: StepContext) -> Triaged | None:
        """After the steps (`ai.triage`): the results whose findings got an AI label, and
        notes for the console (None: no triage)."""
        ...


class Triaged(Protocol):
    results: dict[str, StepResult]  # the step results whose findings were labelled
    notes: list[str]  # one line each (the triage was skipped or stopped, and why)


CHANGES_MEMO_KEY = "run.changes"
"""The run memo's copy of the skip policy's `to_dict()` (the change base, for AI diffs)."""


class SkipPolicy(Protocol):
    """Decides, before the run, which steps smart execution skips and why."""

    warnings: list[str]

    def skip_reason(self, spec: StepSpec) -> str | None: ...

    def describe(self) -> str:
        """One console line: the base and why, files changed, change type, impact."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """The run summary's `changes` block."""
        ...

    def write_report(self, path: Path) -> None:
        """Write CHANGE_IMPACT_ANALYSIS.md."""
        ...


class StepCache(Protocol):
    """Reuses a step's last successful result when its input fingerprint is unchanged."""

    def lookup(self, ctx: StepContext) -> StepResult | None: ...

    def store(self, ctx: StepContext, result: StepResult) -> None: ...

    def vouches_for(self, spec: StepSpec) -> bool:
        """True when this cache can tell whether the step's inputs changed (then a resumed
        run leaves reuse to it: it also sees tool versions, which a checkpoint does not)."""
        ...


AI_STATS_ZERO: dict[str, Any] = {
    "calls": 0,
    "cache_hits": 0,
    "cache_misses": 0,
    "tokens_in": 0,
    "tokens_out": 0,
    "tokens_saved": 0,
}


class NoReviewer:
    sends_requests = False

    def review(self, ctx: StepContext, outcome: StepOutcome) -> None:
        return None

    def review_reused(self, ctx: StepContext, outcome: StepOutcome, source_run: str | None) -> None:
        return None

    def stats(self) -> dict[str, Any]:
        return dict(AI_STATS_ZERO)

    def triage(self, results: Mapping[str, StepResult], ctx: StepContext) -> Triaged | None:
        return None


class NoSkips:
    """Smart execution off: every step runs."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def skip_reason(self, spec: StepSpec) -> str | None:
        return None

    def describe(self) -> str:
        return "smart execution off: every selected step runs"

    def to_dict(self) -> dict[str, Any]:
        return {}

    def write_report(self, path: Path) -> None:
        return None


class NoStepCache:
    def lookup(self, ctx: StepContext) -> StepResult | None:
        return None

    def vouches_for(self, spec: StepSpec) -> bool:
        return False

    def store(self, ctx: StepContext, result: StepResult) -> None:
        return None


POLICY_DATA_KEY = "rule_policy"
"""`StepResult.data` key of a FindingFilter's counts (when it dropped or marked anything)."""


class FindingFilter(Protocol):
    """One step's findings through the run's rule policy (see `ai_workflow.rules.policy`)."""

    raw: list[Finding]
    """Every finding given to `apply`, as given."""

    def apply(self, findings: Sequence[Finding]) -> list[Finding]:
        """The findings the policy keeps, re-graded and marked; may be called again for
        findings added later (the AI review's)."""
        ...

    def counts(self) -> dict[str, int]:
        """What was dropped or marked, by reason (only reasons that happened)."""
        ...


class FindingPolicy(Protocol):
    """Decides which findings a run reports and how (ignore, severity, suppression, baseline,
    --new-only). The engine applies it before a step's status is derived."""

    def for_step(self, step_id: str) -> FindingFilter: ...

    def to_dict(self) -> dict[str, Any]:
        """The run summary's `rules` block."""
        ...


class KeepAll:
    """A FindingFilter that keeps every finding as it is."""

    def __init__(self) -> None:
        self.raw: list[Finding] = []

    def apply(self, findings: Sequence[Finding]) -> list[Finding]:
        self.raw.extend(findings)
        return list(findings)

    def counts(self) -> dict[str, int]:
        return {}


class NoFindingPolicy:
    """No rule policy: every finding is reported as its step made it."""

    def for_step(self, step_id: str) -> FindingFilter:
        return KeepAll()

    def to_dict(self) -> dict[str, Any]:
        return {}


class Reporter(Protocol):
    """Writes a step's report files when it finishes, and the run's files at the end.

    A file it cannot write is recorded in `errors` (shown at the end), never raised.
    """

    errors: list[str]

    def step_finished(self, spec: StepSpec, result: StepResult) -> None: ...

    def run_finished(self, summary: dict[str, Any], results: list[StepResult]) -> None: ...


class NoReporter:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def step_finished(self, spec: StepSpec, result: StepResult) -> None:
        return None

    def run_finished(self, summary: dict[str, Any], results: list[StepResult]) -> None:
        return None
