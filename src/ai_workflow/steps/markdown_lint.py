"""Step 12: Markdown Linting. A Markdown linter over the tracked Markdown files, honouring the project's configuration."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="markdown_lint",
    number=12,
    name="Markdown Linting",
    description="A Markdown linter over the tracked Markdown files, honouring the project's configuration.",
    depends_on=("pre_analysis",),
    categories=("docs", "config"),
    estimate_s=45.0,
    persona="technical documentation specialist",
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("markdown_lint: to be implemented")
