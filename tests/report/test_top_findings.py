"""The console's top findings: capped per rule with a pointer to findings.json."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from ai_workflow.findings import Finding, Severity
from ai_workflow.report.top_findings import (
    findings_from_summary,
    render_top_findings,
    select_top,
)
from tests.report.factories import finding


def rendered(findings: list[Finding], **options: object) -> str:
    console = Console(record=True, width=200, force_terminal=False, color_system=None)
    console.print(render_top_findings(findings, **options))  # type: ignore[arg-type]
    return console.export_text()


def sample() -> list[Finding]:
    return [
        *(finding("ruff/E501", "warning", f"line too long #{i}", "a.py", i) for i in range(1, 13)),
        finding("tests/failed", "error", "test_add failed: assert 1 == 2", "tests/test_a.py", 7),
        finding("docs/missing-readme", "warning", "no README"),
        finding("quality/long-file", "info", "900 lines", "big.py"),
    ]


def test_errors_first_then_rules_capped_with_more_in_findings_json() -> None:
    text = rendered(sample(), per_rule=3)
    assert "Top findings" in text
    assert text.index("tests/failed") < text.index("ruff/E501")
    assert "tests/test_a.py:7" in text and "test_add failed" in text
    assert "line too long #1" in text and "line too long #3" in text
    assert "line too long #4" not in text
    assert "(+9 more in findings.json)" in text
    assert "no README" in text
    assert "900 lines" not in text  # info is below the console threshold...
    assert "(1 less severe finding(s) in findings.json)" in text  # ...but counted


def test_info_is_never_shown_and_rules_limited() -> None:
    text = rendered(sample(), min_severity=Severity.INFO, max_rules=2, more_in="x.json")
    assert "900 lines" not in text  # info stays in the files even when asked for
    assert "(1 less severe finding(s) in x.json)" in text
    assert "no README" not in text  # rules past the first two...
    assert "(+1 more from 1 other rule(s) in x.json)" in text  # ...and counted


def test_baselined_findings_are_counted_not_shown() -> None:
    known = dataclasses.replace(finding("docs/x", "error", "known one"), baselined=True)
    text = rendered([known, finding("docs/y", "warning", "new one")])
    assert "new one" in text and "known one" not in text
    assert "(1 baselined finding(s) not shown)" in text
    text = rendered([known])
    assert "no new errors or warnings" in text and "(1 baselined finding(s) not shown)" in text


def test_nothing_to_show() -> None:
    assert "no errors or warnings" in rendered([])
    text = rendered([finding("a/b", "info", "fyi")])
    assert "no errors or warnings (1 less severe finding(s) in findings.json)" in text


def test_rule_markup_is_not_interpreted() -> None:
    text = rendered([finding("x/[bold]y", "error", "[red]literal[/red]", "[a].py", 1)])
    assert "x/[bold]y" in text and "[red]literal[/red]" in text and "[a].py:1" in text


def test_findings_from_summary_tags_steps() -> None:
    raw = finding("a/b", "error", "m", "p.py", 1).to_dict()
    summary = {"steps": [{"id": "documentation", "findings": [raw]}, {"id": "x", "findings": []}]}
    (only,) = findings_from_summary(summary)
    assert only.step == "documentation" and only.rule == "a/b" and only.line == 1


@given(
    st.lists(
        st.tuples(st.sampled_from(list(Severity)), st.sampled_from([f"r/{i}" for i in range(8)])),
        max_size=60,
    ),
    st.integers(min_value=0, max_value=5),
    st.integers(min_value=1, max_value=10),
    st.sampled_from(list(Severity)),
)
def test_every_finding_is_shown_or_counted(
    items: list[tuple[Severity, str]], per_rule: int, max_rules: int, threshold: Severity
) -> None:
    findings = [finding(rule, sev.value, f"m{i}") for i, (sev, rule) in enumerate(items)]
    top = select_top(findings, per_rule=per_rule, max_rules=max_rules, min_severity=threshold)
    accounted = sum(g.total for g in top.groups) + top.omitted_findings + top.below_threshold
    assert accounted == len(findings)  # none is baselined here
    assert all(f.severity is not Severity.INFO for f in top.shown)
    assert all(len(g.shown) <= per_rule for g in top.groups)
    assert len(top.groups) <= max_rules
    ranks = [list(Severity).index(g.severity) for g in top.groups]
    assert ranks == sorted(ranks)  # most severe rules first
