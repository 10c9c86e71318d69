"""The severity of each ruff F821 (undefined name) in a step outcome: what the F821
post-processors' tests compare."""

from __future__ import annotations

from ai_workflow.engine.step import StepOutcome
from ai_workflow.findings import Severity


def undefined_name_severities(outcome: StepOutcome) -> dict[tuple[int, str], Severity]:
    """(line, name) -> severity of every F821 finding of `outcome`."""
    return {
        (f.line or 0, f.message.split("`")[1]): f.severity
        for f in outcome.findings
        if f.rule == "ruff/F821"
    }
