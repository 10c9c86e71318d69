"""Severity helpers of `ai_workflow.findings`."""

from __future__ import annotations

import pytest

from ai_workflow.findings import Finding, Severity, shown_as_breakage


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Severity.INFO, Severity.WARNING),
        (Severity.WARNING, Severity.WARNING),
        (Severity.ERROR, Severity.ERROR),
    ],
)
def test_shown_as_breakage_raises_to_a_warning_and_never_lowers_an_error(
    before: Severity, after: Severity
) -> None:
    finding = Finding(rule="shellcheck/SC2091", severity=before, message="m", extra={"a": 1})
    shown = shown_as_breakage(finding, "runs its errors")
    assert shown.severity == after
    assert shown.extra == {"a": 1, "breaks": "runs its errors"}
