"""Step 9: Code Quality. ruff, shellcheck and eslint findings; long files and complex functions."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="code_quality",
    number=9,
    name="Code Quality",
    description="ruff, shellcheck and eslint findings; long files and complex functions.",
    depends_on=("pre_analysis",),
    categories=("code", "scripts", "config"),
    estimate_s=150.0,
    persona="software quality engineer",
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("code_quality: to be implemented")
