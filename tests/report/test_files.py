"""FileReporter: the per-step files as steps finish and the run files at the end, both called
directly and through a real engine run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from ai_workflow.config import Config
from ai_workflow.engine.artifacts import Workspace
from ai_workflow.engine.registry import Registry
from ai_workflow.engine.runner import QuietObserver, RunRequest, run_workflow
from ai_workflow.engine.step import (
    FunctionStep,
    StepContext,
    StepOutcome,
    StepSpec,
    StepStatus,
)
from ai_workflow.report.files import FileReporter
from tests.helpers import make_repo
from tests.report.factories import finding, result, spec, summary

RUN = "workflow_20260101_000000"


def test_step_files_for_finished_and_skipped_steps(tmp_path: Path) -> None:
    docs, tests = spec(1, "documentation"), spec(5, "test_review")
    ws = Workspace(tmp_path, RUN)
    reporter = FileReporter(ws, {s.id: s for s in (docs, tests)})
    reporter.step_finished(
        docs,
        result(
            1, "documentation", StepStatus.WARNING, [finding("docs/x", path="README.md", line=2)]
        ),
    )
    reporter.step_finished(tests, result(5, "test_review", StepStatus.SKIPPED, reason="docs-only"))
    report = tmp_path / ".ai_workflow" / "backlog" / RUN / "step01_documentation.md"
    assert "`docs/x`" in report.read_text() and "`README.md:2`" in report.read_text()
    assert (
        tmp_path / ".ai_workflow" / "summaries" / RUN / "step01_documentation_summary.md"
    ).is_file()
    skipped = (ws.backlog_dir / "step05_test_review.md").read_text()
    assert "Why: docs-only" in skipped
    assert "Why: docs-only" in ws.step_summary(tests).read_text()
    assert reporter.errors == [] and len(reporter.written) == 4


def test_run_files(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, RUN)
    reporter = FileReporter(ws, {})
    results = [
        result(7, "test_execution", StepStatus.FAILED, [finding("tests/failed", "error", "x")])
    ]
    reporter.run_finished(summary(str(tmp_path)), results)
    doc = json.loads((ws.backlog_dir / "findings.json").read_text())
    assert doc["findings"][0]["rule"] == "tests/failed"
    sarif = json.loads((ws.backlog_dir / "findings.sarif").read_text())
    assert sarif["runs"][0]["results"][0]["ruleId"] == "tests/failed"
    assert reporter.findings_json == ws.backlog_dir / "findings.json"


def test_unwritable_location_is_recorded_not_raised(tmp_path: Path) -> None:
    ws = Workspace(tmp_path, RUN)
    ws.root.mkdir(parents=True)
    (ws.root / "backlog").write_text("a file where a directory should be")
    reporter = FileReporter(ws, {})
    docs = spec(1, "documentation")
    reporter.step_finished(docs, result(1, "documentation"))
    reporter.run_finished(summary(str(tmp_path)), [])
    assert (
        len(reporter.errors) == 5
    )  # step report, findings.json, .sarif, .codequality.json, report.html
    assert all(e.startswith("cannot write ") for e in reporter.errors)
    assert ws.step_summary(docs).is_file()  # the summaries directory was fine


def _lint(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome(checked=["app.py"], summary="1 problem")
    outcome.add("lint/bad-name", "warning", "name `x` is too short", "app.py", 1)
    return outcome


def _tests(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    outcome.add("tests/failed", "error", "test_x failed", "test_app.py", 3)
    return outcome


def _after(ctx: StepContext) -> StepOutcome:
    return StepOutcome()


def test_real_engine_run_writes_every_file(tmp_path: Path, sarif_schema: dict[str, Any]) -> None:
    repo = make_repo(tmp_path / "p", {"app.py": "x = 1\n", ".gitignore": ".ai_workflow/\n"})
    steps = [
        FunctionStep(StepSpec(id="lint", number=1, name="Lint"), _lint),
        FunctionStep(StepSpec(id="tests", number=2, name="Tests"), _tests),
        FunctionStep(StepSpec(id="after", number=3, name="After", depends_on=("tests",)), _after),
    ]
    report = run_workflow(
        RunRequest(
            target=repo,
            config=Config(),
            registry=Registry(steps),
            selected=["lint", "tests", "after"],
            observer=QuietObserver(),
            make_reporter=FileReporter,
        )
    )
    assert report.summary["status"] == "failed"
    ws = Workspace(repo, report.summary["run_id"])
    assert "name \\`x\\` is too short" not in ws.step_report(steps[0].spec).read_text()
    assert "name `x` is too short" in ws.step_report(steps[0].spec).read_text()
    not_run = ws.step_report(steps[2].spec).read_text()
    assert "status **not_run**" in not_run and "Why:" in not_run
    doc = json.loads((ws.backlog_dir / "findings.json").read_text())
    assert doc["run_id"] == report.summary["run_id"]
    assert {(f["rule"], f["step"]) for f in doc["findings"]} == {
        ("tests/failed", "tests"),
        ("lint/bad-name", "lint"),
    }
    sarif = json.loads((ws.backlog_dir / "findings.sarif").read_text())
    jsonschema.Draft7Validator(sarif_schema).validate(sarif)
    locations = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
    }
    assert locations == {"app.py", "test_app.py"}
