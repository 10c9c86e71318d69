"""Step 5: Test Review. Test inventory, modules without tests, tests that assert nothing, coverage report."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="test_review",
    number=5,
    name="Test Review",
    description="Test inventory, modules without tests, tests that assert nothing, coverage report.",
    depends_on=("pre_analysis",),
    categories=("code", "tests"),
    estimate_s=120.0,
    persona="QA engineer and test automation specialist",
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("test_review: to be implemented")
