"""Step 11: Git Finalization. Working tree state and a proposed conventional commit message; commits or pushes only when asked."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="git_finalization",
    number=11,
    name="Git Finalization",
    description="Working tree state and a proposed conventional commit message; commits or pushes only when asked.",
    depends_on=("context_analysis",),
    categories=("*",),
    estimate_s=90.0,
    persona="git workflow specialist",
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("git_finalization: to be implemented")
