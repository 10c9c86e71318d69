"""Step 6: Test Generation. Untested public functions with their signatures, ranked; proposals never touch the project."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="test_generation",
    number=6,
    name="Test Generation",
    description="Untested public functions with their signatures, ranked; proposals never touch the project.",
    depends_on=("test_review",),
    categories=("code", "tests"),
    estimate_s=180.0,
    persona="TDD expert",
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("test_generation: to be implemented")
