"""Step 10: Context Analysis. Aggregates every step into a health overview and WORKFLOW_SUMMARY.md."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="context_analysis",
    number=10,
    name="Context Analysis",
    description="Aggregates every step into a health overview and WORKFLOW_SUMMARY.md.",
    depends_on=(
        "documentation",
        "consistency",
        "script_references",
        "directory_structure",
        "test_review",
        "test_generation",
        "test_execution",
        "dependencies",
        "code_quality",
        "markdown_lint",
    ),
    categories=("*",),
    estimate_s=120.0,
    persona="technical project manager",
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("context_analysis: to be implemented")
