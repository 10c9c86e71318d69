"""Step 0: Pre-Analysis. Git state, changed files and tech stack: the overview the other steps read."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="pre_analysis",
    number=0,
    name="Pre-Analysis",
    description="Git state, changed files and tech stack: the overview the other steps read.",
    depends_on=(),
    categories=("*",),
    estimate_s=30.0,
    persona=None,
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("pre_analysis: to be implemented")
