"""Step 4: Directory Structure Validation. Top-level layout vs what the docs describe; committed build or cache artefacts."""

from __future__ import annotations

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec

SPEC = StepSpec(
    id="directory_structure",
    number=4,
    name="Directory Structure Validation",
    description="Top-level layout vs what the docs describe; committed build or cache artefacts.",
    depends_on=("pre_analysis",),
    categories=("*",),
    estimate_s=90.0,
    persona="software architect",
)


def run(ctx: StepContext) -> StepOutcome:
    raise NotImplementedError("directory_structure: to be implemented")
