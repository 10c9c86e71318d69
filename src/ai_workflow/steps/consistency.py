"""Step 2: Consistency Analysis. Versions agree across manifests, CHANGELOG and README; Markdown links and anchors resolve."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="consistency",
    number=2,
    name="Consistency Analysis",
    description="Versions agree across manifests, CHANGELOG and README; Markdown links and anchors resolve.",
    depends_on=("pre_analysis",),
    categories=("docs", "deps", "code"),
    estimate_s=90.0,
    persona="documentation specialist and information architect",
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("consistency: to be implemented")
