"""Per-step Markdown reports and summaries: content, escaping, and lint-clean output."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.engine.hooks import POLICY_DATA_KEY
from ai_workflow.engine.step import StepResult, StepStatus
from ai_workflow.report.markdown import (
    RAW_ANSWER_LIMIT,
    SUMMARY_TOP,
    escape_inline,
    fenced,
    step_report_markdown,
    step_summary_markdown,
)
from tests.report.factories import finding, result, spec

RUN = "workflow_20260101_000000"
SPEC = spec(2, "consistency", "Consistency Analysis")


def failed_result() -> object:
    return result(
        2,
        "consistency",
        StepStatus.FAILED,
        [
            finding("links/broken-link", "error", "link to `missing.md` | broken", "README.md", 12),
            finding(
                "version/mismatch",
                "warning",
                "pyproject says 1.2.0, CHANGELOG 1.1.0",
                "pyproject.toml",
                3,
            ),
            finding("docs/__init__", "info", "module __init__ has *no* docstring <x>"),
        ],
        duration_s=1.234,
        summary="2 problems in 14 files",
        checked=["14 Markdown files for broken links", "versions in 3 manifests"],
        skipped_checks=["reStructuredText: no .rst files"],
        reason="1 error finding(s)",
    )


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| ") and "---" not in line]


def test_report_has_header_findings_table_checked_and_skipped() -> None:
    text = step_report_markdown(SPEC, failed_result(), RUN)  # type: ignore[arg-type]
    assert text.startswith("# Step 2: Consistency Analysis\n")
    assert f"Run `{RUN}`" in text and "status **failed**" in text and "1.23 s" in text
    assert "Summary: 2 problems in 14 files" in text
    assert "3 findings: 1 error(s), 1 warning(s), 1 info." in text
    rows = table_rows(text)
    assert rows[0].startswith("| # | Severity | Rule | Location | Message |")
    assert len(rows) == 4  # header + 3 findings, errors first
    assert rows[1].startswith("| 1 | error | `links/broken-link` | `README.md:12` |")
    assert "link to `missing.md` \\| broken" in rows[1]  # a pipe cannot break the table
    assert "| 3 | info | `docs/__init__` | - |" in rows[3]  # no path
    assert "module \\_\\_init\\_\\_ has \\*no\\* docstring \\<x\\>" in rows[3]
    assert "## Checked\n\n- 14 Markdown files for broken links\n- versions in 3 manifests" in text
    assert "## Skipped checks\n\n- reStructuredText: no .rst files" in text
    assert text.endswith("\n") and not text.endswith("\n\n")


def test_every_row_has_the_same_number_of_cells() -> None:
    text = step_report_markdown(SPEC, failed_result(), RUN)  # type: ignore[arg-type]
    counts = {row.replace("\\|", "").count("|") for row in table_rows(text)}
    assert counts == {6}


def test_clean_step_says_nothing_found_and_nothing_skipped() -> None:
    res = result(2, "consistency", checked=["links"], summary="all good")
    text = step_report_markdown(SPEC, res, RUN)
    assert "0 findings: 0 error(s), 0 warning(s), 0 info." in text
    assert "| # |" not in text
    assert "## Skipped checks\n\nNone." in text


def test_skipped_and_not_run_steps_get_a_short_file_saying_why() -> None:
    skipped = result(
        5, "test_review", StepStatus.SKIPPED, reason="docs-only change: no code to test"
    )
    text = step_report_markdown(spec(5, "test_review"), skipped, RUN)
    assert "status **skipped**" in text
    assert "Why: docs-only change: no code to test" in text
    assert "It was skipped" in text and "## Findings" not in text
    not_run = result(
        9, "code_quality", StepStatus.NOT_RUN, reason="dependency test_execution failed"
    )
    summary = step_summary_markdown(spec(9, "code_quality"), not_run, RUN)
    assert "Why: dependency test\\_execution failed" in summary
    assert "did not run" in summary


def test_reused_step_says_from_which_run_and_keeps_its_findings() -> None:
    reused = result(
        9,
        "code_quality",
        StepStatus.REUSED,
        [finding("ruff/E501", "warning", "line too long", "a.py", 4)],
        reason="inputs unchanged since workflow_20251231_120000",
        reused_from="workflow_20251231_120000",
    )
    text = step_report_markdown(spec(9, "code_quality"), reused, RUN)
    assert "Reused the result of run `workflow_20251231_120000`." in text
    assert "`ruff/E501`" in text and "`a.py:4`" in text


def test_summary_lists_top_findings_and_points_to_the_report_for_the_rest() -> None:
    many = [
        finding("docs/missing-docstring", "warning", f"f{i} has no docstring", "m.py", i)
        for i in range(1, 9)
    ]
    res = result(1, "documentation", StepStatus.WARNING, many, summary="8 undocumented")
    text = step_summary_markdown(spec(1, "documentation"), res, RUN)
    assert text.startswith("# Step 1 summary: Documentation")
    assert text.count("- warning `docs/missing-docstring`") == SUMMARY_TOP
    assert f"(+{8 - SUMMARY_TOP} more in `step01_documentation.md`)" in text
    report = step_report_markdown(spec(1, "documentation"), res, RUN)
    assert len(table_rows(report)) == 9  # the report lists all eight


def test_baselined_findings_have_their_own_table_and_stay_out_of_the_summary() -> None:
    known = dataclasses.replace(
        finding("ruff/F401", "warning", "old import", "a.py", 1), baselined=True
    )
    res = result(
        9,
        "code_quality",
        StepStatus.WARNING,
        [known, finding("ruff/F401", "warning", "new import", "b.py", 2)],
        data={POLICY_DATA_KEY: {"suppressed": 2, "outside_diff": 1, "baselined": 1}},
    )
    report = step_report_markdown(spec(9, "code_quality"), res, RUN)
    assert "1 new finding: 0 error(s), 1 warning(s), 0 info; 1 baselined." in report
    findings, baselined = report.split("## Baselined findings")
    assert "new import" in findings and "old import" not in findings
    assert "old import" in baselined.split("## Checked")[0]
    assert "2 suppressed by `ai-workflow: ignore[...]` comments" in report
    assert "1 outside the lines changed since the base (--new-only)" in report
    summary_md = step_summary_markdown(spec(9, "code_quality"), res, RUN)
    assert "new import" in summary_md and "old import" not in summary_md


def test_ai_findings_are_marked() -> None:
    res = result(
        1,
        "documentation",
        findings=[finding("ai/docs", "info", "consider a tutorial", source="ai")],
    )
    assert "`ai/docs` (AI)" in step_report_markdown(spec(1, "documentation"), res, RUN)


def raw_answer_result(raw: str, **ai: object) -> StepResult:
    bad = finding("ai/invalid-response", message="unusable (raw answer in the report)", source="ai")
    data = {"ai": {"raw_response": raw, "raw_response_chars": len(raw), **ai}}
    return result(9, "code_quality", StepStatus.WARNING, [bad], data=data)


def test_unusable_ai_answer_is_shown_fenced_and_redacted() -> None:
    raw = "Here you go:\n```json\n{oops\n```\npassword = 'hunter2hunter2xyz'"
    report = step_report_markdown(spec(9, "code_quality"), raw_answer_result(raw), RUN)
    section = report.split("## Raw AI answer\n", 1)[1]
    assert "````text\nHere you go:\n```json\n{oops\n```\n" in section
    assert "hunter2hunter2xyz" not in report and "[REDACTED:" in section
    assert section.rstrip().endswith("````") and "more characters" not in section


def test_long_unusable_answer_is_capped_and_points_at_the_response_file() -> None:
    raw = "x" * (RAW_ANSWER_LIMIT + 123)
    where = ".ai_workflow/prompts/workflow_20260101_000000/step09_code_quality.response.txt"
    res = raw_answer_result(raw, response_file=where, raw_response_chars=len(raw) + 1000)
    report = step_report_markdown(spec(9, "code_quality"), res, RUN)
    assert "x" * RAW_ANSWER_LIMIT + "\n```\n" in report
    assert "x" * (RAW_ANSWER_LIMIT + 1) not in report
    assert f"… (1123 more characters in `{where}`)" in report


def test_steps_without_an_unusable_answer_have_no_raw_answer_section() -> None:
    res = result(9, "code_quality", data={"ai": {"summary": "fine"}})
    assert "Raw AI answer" not in step_report_markdown(spec(9, "code_quality"), res, RUN)


@given(st.text(alphabet="`a\n", max_size=40))
def test_no_backtick_run_inside_closes_the_fence(text: str) -> None:
    block = fenced(text)
    fence = block.split("\n", 1)[0]
    inner = block[len(fence) + 1 : -len(fence)]
    assert len(fence) >= 3 and set(fence) == {"`"}
    assert fence not in inner and inner.rstrip("\n") == text.rstrip("\n")


@given(st.text(max_size=60))
def test_escaped_text_is_one_line_without_bare_pipes(text: str) -> None:
    out = escape_inline(text)
    assert "\n" not in out and "\r" not in out
    assert "|" not in out.replace("\\|", "")


def test_reports_pass_the_markdown_linter(tmp_path: Path) -> None:
    files = {
        "report.md": step_report_markdown(SPEC, failed_result(), RUN),  # type: ignore[arg-type]
        "summary.md": step_summary_markdown(SPEC, failed_result(), RUN),  # type: ignore[arg-type]
        "raw.md": step_report_markdown(
            spec(9, "code_quality"),
            raw_answer_result("```\nnot json ```` here"),
            RUN,
        ),
        "skipped.md": step_report_markdown(
            spec(5, "test_review"), result(5, "test_review", StepStatus.SKIPPED, reason="x"), RUN
        ),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pymarkdown",
            "--enable-extensions",
            "markdown-tables",
            "--disable-rules",
            "md013",  # table rows and long messages are one line by design
            "scan",
            *(str(tmp_path / n) for n in files),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
