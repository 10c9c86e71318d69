"""Small builders of real StepResults and summaries for the report tests."""

from __future__ import annotations

from typing import Any

from ai_workflow.engine.step import StepResult, StepSpec, StepStatus
from ai_workflow.findings import Finding, Severity


def spec(number: int, step_id: str, name: str | None = None) -> StepSpec:
    return StepSpec(id=step_id, number=number, name=name or step_id.replace("_", " ").title())


def result(
    number: int,
    step_id: str,
    status: StepStatus = StepStatus.PASSED,
    findings: list[Finding] | None = None,
    **fields: Any,
) -> StepResult:
    out = StepResult(
        id=step_id,
        number=number,
        name=step_id.replace("_", " ").title(),
        status=status,
        findings=list(findings or []),
        **fields,
    )
    return out


def finding(
    rule: str,
    severity: str = "warning",
    message: str = "something is wrong",
    path: str | None = None,
    line: int | None = None,
    step: str = "",
    source: str = "check",
) -> Finding:
    return Finding(rule, Severity(severity), message, path, line, step=step, source=source)


def summary(
    target: str, status: str = "failed", run_id: str = "workflow_20260101_000000"
) -> dict[str, Any]:
    return {
        "schema": "ai-workflow/run-summary@1",
        "run_id": run_id,
        "version": "0.1.0",
        "target": target,
        "status": status,
        "started_at": "2026-01-01T00:00:00.000Z",
        "ended_at": "2026-01-01T00:01:00.000Z",
        "duration_s": 60.0,
        "steps": [],
    }
