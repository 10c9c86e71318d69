"""A linter warning the project gives throughout is its convention, not a slip.

When one shellcheck code gives `WIDESPREAD` or more warnings in a project, the project writes
that way on purpose (funcoeszz 21.1: 185 SC2046 warnings, an unquoted `$(...)` whose output it
means to split or knows to be one word; none of them was a problem its maintainers would fix),
and a list of them buries the findings that are. Those warnings are info, each saying how many
there are, and the code check's summary names the code: a maintainer who does want it quoted
throughout reads it there, or raises it with `rules.severity` or `rules.select`.

The threshold comes from the labelled findings (`bench/labels/`): the largest cluster of one
shellcheck code with real problems in it was 18 warnings in one project (password-store's
SC2086, 7 of them real); every cluster of 20 or more was all noise or wrong. shellcheck's
error level (its likely bugs: SC2068, SC2145...) and parse errors are not lowered, however many.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence

from ai_workflow.findings import Finding, Severity
from ai_workflow.rules.policy import rule_matches

WIDESPREAD = 20
"""Warnings of one code in one project from which they are the project's convention."""


def widespread_as_info(
    findings: Sequence[Finding], selected: Sequence[str]
) -> tuple[list[Finding], dict[str, int]]:
    """The findings with every warning of a code given `WIDESPREAD` times or more at info
    (unless `rules.select` names it), and those codes with their counts."""
    counts = Counter(f.rule for f in findings if _lowerable(f, selected))
    codes = {rule: n for rule, n in counts.items() if n >= WIDESPREAD}
    graded = [
        _as_convention(f, codes[f.rule]) if f.rule in codes and _lowerable(f, selected) else f
        for f in findings
    ]
    return graded, dict(sorted(codes.items(), key=lambda item: (-item[1], item[0])))


def describe(codes: dict[str, int]) -> str:
    """The summary line's note on the codes lowered ('' when none was)."""
    if not codes:
        return ""
    named = ", ".join(f"{rule.rsplit('/', 1)[-1]} ({n})" for rule, n in codes.items())
    return (
        f"warnings the project gives throughout, {WIDESPREAD} or more of one code, at info "
        f"as its convention: {named}"
    )


def _lowerable(finding: Finding, selected: Sequence[str]) -> bool:
    return (
        finding.severity is Severity.WARNING
        and finding.extra.get("level") == "warning"
        and not rule_matches(finding.rule, selected)
    )


def _as_convention(finding: Finding, count: int) -> Finding:
    reason = (
        f"one of {count} {finding.rule} warnings in this project: a way it writes throughout "
        "(rules.severity or rules.select shows them again)"
    )
    extra = {**finding.extra, "widespread": reason}
    return dataclasses.replace(finding, severity=Severity.INFO, extra=extra)
