"""Step 8: Dependency Validation. Manifests parse, lockfiles agree, requirements pinned, imports declared."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="dependencies",
    number=8,
    name="Dependency Validation",
    description="Manifests parse, lockfiles agree, requirements pinned, imports declared.",
    depends_on=("pre_analysis",),
    categories=("deps",),
    estimate_s=60.0,
    persona="DevOps and package management specialist",
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("dependencies: to be implemented")
