"""The step registry: built-in steps plus the project's custom steps, validated as one DAG."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ai_workflow.config import CustomStepConfig, WorkflowConfig
from ai_workflow.engine.graph import StepGraph
from ai_workflow.engine.step import FunctionStep, Step, StepContext, StepOutcome, StepSpec
from ai_workflow.errors import ConfigError, UsageError
from ai_workflow.quoting import relative_to_target

PROPOSING_STEP = "test_generation"  # writes AI-proposed tests on --apply-proposals


@dataclass
class CommandStep:
    """A custom step from `workflow.steps`: a shell command run in the target directory."""

    spec: StepSpec
    command: str

    def run(self, ctx: StepContext) -> StepOutcome:
        result = ctx.run_command(self.command, shell=True)
        outcome = StepOutcome(checked=[f"ran `{self.command}`"])
        outcome.data["exit_code"] = result.returncode
        if result.returncode != 0:
            output = relative_to_target(result.stderr or result.stdout, ctx.target)
            tail = output.strip().splitlines()[-5:]
            outcome.tool_error = f"`{self.command}` exited with status {result.returncode}"
            outcome.add(
                "custom/exit-status",
                "error",
                outcome.tool_error + (": " + " | ".join(tail) if tail else ""),
            )
        outcome.summary = f"exit {result.returncode} in {result.duration_s:.2f}s"
        return outcome


class Registry:
    """Every known step by id, ordered by number; the single source of truth for the graph."""

    def __init__(self, steps: Iterable[Step]) -> None:
        self.steps: dict[str, Step] = {s.spec.id: s for s in sorted(steps, key=_number)}

    @property
    def specs(self) -> list[StepSpec]:
        return [s.spec for s in self.steps.values()]

    def graph(self, ids: Iterable[str] | None = None) -> StepGraph:
        chosen = set(self.steps) if ids is None else set(ids)
        return StepGraph([s.spec for sid, s in self.steps.items() if sid in chosen])

    def resolve(self, selector: str) -> str:
        """A step id from a number, an id or a name (case and separators ignored)."""
        wanted = _normalise(selector)
        for sid, step in self.steps.items():
            spec = step.spec
            if wanted in (str(spec.number), _normalise(sid), _normalise(spec.name)):
                return sid
        valid = ", ".join(f"{s.number} {s.id}" for s in self.specs)
        close = difflib.get_close_matches(selector, list(self.steps), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise UsageError(f"unknown step '{selector}'{hint}; valid steps: {valid}")

    def select(self, selectors: Sequence[str] | None) -> list[str]:
        """The ids named by `selectors` (all steps when None), in registry order."""
        if not selectors:
            return list(self.steps)
        chosen = {self.resolve(s) for s in selectors}
        return [sid for sid in self.steps if sid in chosen]


def _number(step: Step) -> int:
    return step.spec.number


def _normalise(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text.strip().lower())


def build_registry(
    builtin: Sequence[Step], workflow: WorkflowConfig, *, apply_proposals: bool = False
) -> Registry:
    """Apply `workflow.disable`, `extra_dependencies`, `timeouts` and custom `steps`.

    With `apply_proposals` (`--apply-proposals`) test generation writes test files into the
    project, so it counts as mutating: it runs alone and is never reused from the step cache.
    """
    known = {s.spec.id for s in builtin}
    _check_known(workflow.disable, known, ("workflow", "disable"))
    disabled = set(workflow.disable)
    steps: dict[str, Step] = {s.spec.id: s for s in builtin if s.spec.id not in disabled}
    if apply_proposals and PROPOSING_STEP in steps and steps[PROPOSING_STEP].spec.builtin:
        steps[PROPOSING_STEP] = _respec(steps[PROPOSING_STEP], mutates=True)
    next_number = max((s.spec.number for s in builtin), default=-1) + 1
    for offset, custom in enumerate(workflow.steps):
        if custom.id in steps or custom.id in disabled:
            raise ConfigError(
                f"workflow.steps[{offset}]: duplicate step id '{custom.id}'",
                ("workflow", "steps", offset),
            )
        steps[custom.id] = CommandStep(_custom_spec(custom, next_number + offset), custom.run)
    all_ids = set(steps) | disabled
    _check_known(workflow.extra_dependencies, all_ids, ("workflow", "extra_dependencies"), True)
    _check_known(workflow.timeouts, all_ids, ("workflow", "timeouts"), True)
    for sid, extra in workflow.extra_dependencies.items():
        _check_known(extra, all_ids, ("workflow", "extra_dependencies", sid))
        if sid in steps:
            spec = steps[sid].spec
            steps[sid] = _respec(steps[sid], depends_on=(*spec.depends_on, *extra))
    for sid, seconds in workflow.timeouts.items():
        if seconds <= 0:
            raise ConfigError(
                f"workflow.timeouts.{sid}: must be a positive number of seconds",
                ("workflow", "timeouts", sid),
            )
        if sid in steps:
            steps[sid] = _respec(steps[sid], timeout_s=float(seconds))
    for sid, step in steps.items():
        missing = [d for d in step.spec.depends_on if d not in all_ids]
        if missing:
            raise ConfigError(f"step '{sid}' depends on unknown step(s): {', '.join(missing)}")
    registry = Registry(steps.values())
    registry.graph()  # raises ConfigError on a cycle
    return registry


def _check_known(
    names: Iterable[str], known: set[str], loc: tuple[str, ...], keyed: bool = False
) -> None:
    """Every name a known step id; `keyed`: the names are the keys of the mapping at `loc`
    (then the error points at the key's own line)."""
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, sorted(known), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            where = ".".join(loc)
            raise ConfigError(
                f"{where}: unknown step '{name}'{hint}", (*loc, name) if keyed else loc
            )


def _custom_spec(custom: CustomStepConfig, number: int) -> StepSpec:
    return StepSpec(
        id=custom.id,
        number=number,
        name=custom.name or custom.id,
        description=f"custom step: {custom.run}",
        depends_on=tuple(custom.depends_on),
        categories=tuple(custom.categories),
        inputs=tuple(custom.inputs),
        estimate_s=custom.estimate_s,
        mutates=custom.mutates,
        after_failures=custom.after_failures,
        timeout_s=custom.timeout_s,
        builtin=False,
    )


def _respec(step: Step, **changes: object) -> Step:
    new_spec = step.spec.replace(**changes)
    if isinstance(step, CommandStep):
        return CommandStep(new_spec, step.command)
    if isinstance(step, FunctionStep):
        return FunctionStep(new_spec, step.func)
    raise TypeError(f"cannot re-specify step type {type(step).__name__}")
