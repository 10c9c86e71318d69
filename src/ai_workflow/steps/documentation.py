"""Step 1: Documentation Updates. README sections, missing docstrings/doc comments, docs naming things that no longer exist, code changed without docs."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="documentation",
    number=1,
    name="Documentation Updates",
    description="README sections, missing docstrings/doc comments, docs naming things that no longer exist, code changed without docs.",
    depends_on=("pre_analysis",),
    categories=("docs", "code"),
    estimate_s=120.0,
    persona="technical documentation specialist",
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("documentation: to be implemented")
