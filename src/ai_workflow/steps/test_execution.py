"""Step 7: Test Execution. Runs the project's test command and parses the results."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="test_execution",
    number=7,
    name="Test Execution",
    description="Runs the project's test command and parses the results.",
    depends_on=("pre_analysis",),
    categories=("code", "tests", "deps", "config", "scripts"),
    estimate_s=240.0,
    persona="CI/CD engineer and test-results analyst",
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("test_execution: to be implemented")
