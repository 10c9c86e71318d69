"""findings.json: every finding of the run, tagged with its step, counted, never capped."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.engine.step import StepStatus
from ai_workflow.findings import Finding, Severity
from ai_workflow.report.findings_json import (
    FINDINGS_SCHEMA,
    findings_document,
    run_findings,
    write_findings_json,
)
from tests.report.factories import finding, result, summary


def test_document_lists_all_findings_with_steps_and_counts(tmp_path: Path) -> None:
    noisy = [
        finding("ruff/E501", "warning", f"line {i} too long", "a.py", i) for i in range(1, 201)
    ]
    results = [
        result(9, "code_quality", StepStatus.WARNING, noisy),
        result(
            7,
            "test_execution",
            StepStatus.FAILED,
            [finding("tests/failed", "error", "boom", "t.py", 2)],
        ),
        result(5, "test_review", StepStatus.SKIPPED, reason="docs-only change"),
    ]
    path = tmp_path / "findings.json"
    written = write_findings_json(path, summary(str(tmp_path)), results)
    doc = json.loads(path.read_text())
    assert doc == written
    assert doc["schema"] == FINDINGS_SCHEMA and doc["run_id"] == "workflow_20260101_000000"
    assert doc["status"] == "failed" and doc["target"] == str(tmp_path)
    assert len(doc["findings"]) == 201  # nothing capped in the file
    assert doc["counts"]["error"] == 1 and doc["counts"]["warning"] == 200
    assert doc["counts"]["total"] == 201
    assert doc["counts"]["by_rule"] == {"ruff/E501": 200, "tests/failed": 1}
    assert doc["findings"][0]["rule"] == "tests/failed"  # most severe first
    assert doc["findings"][0]["step"] == "test_execution"
    assert {f["step"] for f in doc["findings"][1:]} == {"code_quality"}
    assert [s["id"] for s in doc["steps"]] == ["test_review", "test_execution", "code_quality"]
    assert doc["steps"][0] == {
        "id": "test_review",
        "number": 5,
        "name": "Test Review",
        "status": "skipped",
        "reason": "docs-only change",
        "findings": {"error": 0, "warning": 0, "info": 0},
        "skipped_checks": [],
    }


def test_a_finding_keeps_the_step_it_already_names() -> None:
    res = result(10, "context_analysis", findings=[finding("x/y", step="documentation")])
    assert run_findings([res])[0].step == "documentation"


def test_findings_round_trip_through_the_file(tmp_path: Path) -> None:
    original = finding(
        "links/broken-link", "error", "missing.md", "README.md", 4, step="consistency"
    )
    doc = findings_document(summary(str(tmp_path)), [result(2, "consistency", findings=[original])])
    assert Finding.from_dict(json.loads(json.dumps(doc))["findings"][0]) == original


@given(
    st.lists(
        st.tuples(st.sampled_from(list(Severity)), st.sampled_from(["a/x", "b/y", "c/z"])),
        max_size=40,
    )
)
def test_counts_add_up(items: list[tuple[Severity, str]]) -> None:
    findings = [finding(rule, sev.value) for sev, rule in items]
    doc = findings_document(summary("/p"), [result(1, "documentation", findings=findings)])
    counts = doc["counts"]
    assert counts["error"] + counts["warning"] + counts["info"] == counts["total"] == len(items)
    assert sum(counts["by_rule"].values()) == len(items)


def test_baselined_findings_are_marked_and_counted_apart(tmp_path: Path) -> None:
    known = dataclasses.replace(finding("tests/failed", "error", "old"), baselined=True)
    fresh = finding("ruff/F401", "warning", "new", "a.py", 1)
    data = {**summary(str(tmp_path)), "rules": {"baseline": {"entries": 1}, "counts": {}}}
    doc = findings_document(data, [result(9, "code_quality", findings=[known, fresh])])
    assert doc["counts"]["error"] == 0 and doc["counts"]["warning"] == 1
    assert doc["counts"]["baselined"] == 1 and doc["counts"]["total"] == 2
    assert doc["counts"]["by_rule"] == {"ruff/F401": 1}
    assert [f["baselined"] for f in doc["findings"]] == [True, False]
    assert doc["rules"]["baseline"] == {"entries": 1}
