"""Smart execution's plan: which steps to skip before a run, and why (always with a reason)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_workflow.changes.classify import Classifier
from ai_workflow.changes.detect import ChangeSet, detect_changes, display_path
from ai_workflow.changes.impact import change_type, impact
from ai_workflow.changes.inputs import StepInputs
from ai_workflow.changes.report import render_report
from ai_workflow.config import Config
from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.engine.step import StepSpec

SUMMARY_FILES_PER_CATEGORY = 200  # the run summary lists this many paths per category at most
RAN = frozenset({"passed", "warning", "reused", "failed", "interrupted"})
FAILED = frozenset({"failed", "interrupted"})


@dataclass(frozen=True)
class Decision:
    step_id: str
    run: bool
    reason: str
    label: str = ""  # "7: Test Execution"

    def to_dict(self) -> dict[str, str]:
        return {
            "step": self.label,
            "decision": "run" if self.run else "skip",
            "reason": self.reason,
        }


class SmartPlan:
    """The change set, its classification, and a run/skip decision with a reason per step."""

    def __init__(
        self,
        changes: ChangeSet,
        config: Config,
        classifier: Classifier,
        failed_before: Mapping[str, str] | None = None,
    ) -> None:
        self.changes = changes
        self.config = config
        self.failed_before = dict(failed_before or {})  # step id -> the run it last failed in
        known = changes.known
        self.files: dict[str, list[str]] | None = (
            classifier.classify_all(changes.files) if known else None
        )  # by category, for people: type, impact, report
        self.roles: dict[str, list[str]] = classifier.roles_all(changes.files) if known else {}
        # by every role a file plays, for decisions: pyproject.toml is deps and config
        self.change_type = change_type(self.files)
        self.impact, self.impact_reason = impact(self.files, config.smart_execution.impact)
        self.warnings: list[str] = list(changes.warnings)
        self._decisions: dict[str, Decision] = {}

    # ----------------------------------------------------------------- decisions

    def decide(self, spec: StepSpec) -> Decision:
        known = self._decisions.get(spec.id)
        if known is None:
            known = self._decisions[spec.id] = self._decide(spec)
        return known

    def skip_reason(self, spec: StepSpec) -> str | None:
        """None when the step runs; otherwise why smart execution skips it."""
        decision = self.decide(spec)
        return None if decision.run else decision.reason

    def _decide(self, spec: StepSpec) -> Decision:
        run_reason, skip_reason = self._natural(spec)
        if skip_reason is None:
            return Decision(spec.id, True, run_reason or "", spec.label)
        run = self.config.run
        if spec.id in run.force_steps or str(spec.number) in run.force_steps:
            reason = f"forced by --force-steps (would skip: {skip_reason})"
            return Decision(spec.id, True, reason, spec.label)
        if run.no_skip:
            return Decision(spec.id, True, f"--no-skip (would skip: {skip_reason})", spec.label)
        return Decision(spec.id, False, skip_reason, spec.label)

    def _natural(self, spec: StepSpec) -> tuple[str | None, str | None]:
        """(run reason, None) or (None, skip reason), before --force-steps and --no-skip."""
        inputs = StepInputs(spec)
        if inputs.reads_everything:
            return "reads every change", None
        if self.files is None:
            return f"impact unknown: {self.changes.unknown_reason}", None
        if self.changes.workflow_config_changed:
            return "ai-workflow's configuration changed", None
        if not inputs.declared:
            return "declares no inputs (categories or inputs), so it always runs", None
        if spec.id in self.failed_before:
            # Skipping says "the result at the base still holds"; this one was a failure.
            return f"failed the last time it ran ({self.failed_before[spec.id]})", None
        hits = inputs.changed_categories(self.roles)
        if hits:
            counts = ", ".join(f"{cat} ({len(self.roles[cat])})" for cat in hits)
            return f"changed: {counts}", None
        matched = inputs.changed_input(self.roles)
        if matched is not None:
            return f"changed input {display_path(matched[0])} (matches {matched[1]})", None
        listed = inputs.listing_changes(self.changes.files)
        if listed:
            more = f" and {len(listed) - 1} more" if len(listed) > 1 else ""
            return f"file added or deleted: {display_path(listed[0])}{more}", None
        return None, f"no change in {inputs.describe()} since {self.since}"

    @property
    def since(self) -> str:
        base = self.changes.base
        if base is None:
            return "the base"
        merge_base = (self.changes.merge_base or base.commit)[:7]
        if base.ref in (base.commit, "HEAD~1"):
            return merge_base
        return f"{display_path(base.ref)} ({merge_base})"

    def decisions(self, specs: Sequence[StepSpec]) -> list[Decision]:
        return [self.decide(spec) for spec in specs]

    # ----------------------------------------------------------------- output

    @property
    def file_count(self) -> int:
        return len(self.changes.files)

    def describe(self) -> str:
        """One console line: base and why, number of changed files, change type, impact."""
        if self.files is None:
            return (
                f"smart execution: impact unknown ({self.changes.unknown_reason}), every step runs"
            )
        base = self.changes.base
        assert base is not None
        return (
            f"smart execution: base {base.short} ({display_path(base.reason)}), "
            f"{self.file_count} changed file{'s' if self.file_count != 1 else ''}, "
            f"change type {self.change_type}, impact {self.impact}"
        )

    def to_dict(self, limit: int | None = SUMMARY_FILES_PER_CATEGORY) -> dict[str, Any]:
        """The run summary's `changes` block."""
        base = self.changes.base
        files = self.files or {}
        return {
            "known": self.changes.known,
            "base": base.commit if base else None,
            "base_ref": display_path(base.ref) if base else None,
            "base_source": base.source if base else None,
            "base_reason": display_path(base.reason) if base else self.changes.unknown_reason,
            "merge_base": self.changes.merge_base,
            "head": self.changes.head,
            "file_count": self.file_count,
            "counts": {cat: len(paths) for cat, paths in files.items()},
            "files": {
                cat: [display_path(p) for p in paths[:limit]] for cat, paths in files.items()
            },
            "files_truncated": limit is not None and any(len(p) > limit for p in files.values()),
            "change_type": self.change_type,
            "impact": self.impact,
            "impact_reason": self.impact_reason,
            "workflow_config_changed": self.changes.workflow_config_changed,
            "notes": list(self.changes.notes),
            "warnings": list(self.warnings),
            "decisions": {step: d.to_dict() for step, d in self._decisions.items()},
        }

    def write_report(self, path: Path) -> None:
        """CHANGE_IMPACT_ANALYSIS.md: base, files by category, change type, impact, decisions."""
        write_atomic(path, render_report(self))


def build_skip_policy(
    target: Path,
    config: Config,
    specs: Sequence[StepSpec],
    history: Sequence[Mapping[str, Any]],
    environ: Mapping[str, str] | None = None,
) -> SmartPlan:
    """Detect and classify the changes, and decide every step in `specs` up front."""
    changes = detect_changes(target, config, history, environ)
    plan = SmartPlan(changes, config, Classifier(config, target), last_failures(history))
    plan.decisions(specs)
    return plan


def last_failures(history: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """The steps whose latest result in the history (a run that ran or reused them) failed,
    each with that run's id: smart execution runs them again until they pass."""
    latest: dict[str, tuple[str, str]] = {}
    for run in reversed(history):
        steps = run.get("steps")
        for step in steps if isinstance(steps, list) else ():
            if not isinstance(step, Mapping):
                continue
            step_id, status = step.get("id"), step.get("status")
            if isinstance(step_id, str) and status in RAN and step_id not in latest:
                latest[step_id] = (str(status), str(run.get("run_id", "?")))
    return {step: run_id for step, (status, run_id) in latest.items() if status in FAILED}
