"""Step 10: the health overview and WORKFLOW_SUMMARY.md from other steps' real results."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.cli import main
from ai_workflow.config import Config
from ai_workflow.engine.registry import Registry
from ai_workflow.engine.runner import QuietObserver, RunRequest, run_workflow
from ai_workflow.engine.step import (
    FunctionStep,
    StepContext,
    StepOutcome,
    StepResult,
    StepSpec,
    StepStatus,
)
from ai_workflow.findings import Finding, Severity
from ai_workflow.steps import context_analysis as ca
from ai_workflow.steps import pre_analysis
from tests.helpers import commit_all, make_repo, step_context, write_files

FILES = {".gitignore": ".ai_workflow/\n", "README.md": "# P\n", "p/core.py": "X = 1\n"}


def finding(
    rule: str,
    severity: str,
    message: str,
    path: str | None = None,
    line: int | None = None,
    step: str = "",
) -> Finding:
    return Finding(rule, Severity(severity), message, path, line, step=step)


def result(
    number: int, sid: str, status: StepStatus, findings: Sequence[Finding] = (), **kw: Any
) -> StepResult:
    name = sid.replace("_", " ").title()
    return StepResult(sid, number, name, status, findings=list(findings), **kw)


def sample_results() -> dict[str, StepResult]:
    errors = [
        finding(
            "tests/failed",
            "error",
            "test_add failed: assert 1 == 2",
            "tests/test_a.py",
            7,
            "test_execution",
        ),
        finding(
            "tests/failed", "error", "test_sub failed", "tests/test_a.py", 12, "test_execution"
        ),
    ]
    warnings = [
        finding(
            "docs/missing-docstring",
            "warning",
            f"f{i} has no docstring",
            "p/core.py",
            i,
            "documentation",
        )
        for i in range(1, 4)
    ]
    return {
        "test_execution": result(
            7, "test_execution", StepStatus.FAILED, errors, summary="2 failed"
        ),
        "documentation": result(1, "documentation", StepStatus.WARNING, warnings),
        "consistency": result(
            2, "consistency", StepStatus.PASSED, [finding("links/checked", "info", "9 links")]
        ),
        "test_review": result(5, "test_review", StepStatus.SKIPPED, reason="docs-only change"),
        "dependencies": result(8, "dependencies", StepStatus.NOT_RUN, reason="dependency failed"),
        "git_finalization": result(
            11, "git_finalization", StepStatus.FAILED, [finding("git/x", "error", "ignored")]
        ),
    }


def run_step(repo: Path, results: dict[str, StepResult]) -> tuple[StepOutcome, Path]:
    ctx = step_context(repo, ca.SPEC, results=results)
    return ca.run(ctx), ctx.workspace.backlog_dir / ca.SUMMARY_FILE


def test_health_score_formula() -> None:
    health = ca.health_score(
        sample_results()[k]
        for k in ("test_execution", "documentation", "test_review", "dependencies")
    )
    # 100 - 15 (1 failed step) - 10 (2 errors) - 3 (3 warnings) - 5 (1 step not run)
    assert health.score == 67 and health.grade == "poor"
    assert health.penalties["errors"] == {"count": 2, "points": 10}
    assert ca.health_score([]).score == 100 and ca.health_score([]).grade == "good"
    many = [
        result(i, f"s{i}", StepStatus.FAILED, [finding("x/y", "error", "e")] * 10) for i in range(5)
    ]
    assert ca.health_score(many).score == 100 - 45 - 30
    assert ca.health_score(many).grade == "critical"


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(StepStatus)), st.lists(st.sampled_from(list(Severity)), max_size=8)
        ),
        max_size=12,
    ),
    st.sampled_from(list(Severity)),
)
def test_score_is_bounded_and_never_rises_with_more_problems(
    steps: list[tuple[StepStatus, list[Severity]]], extra: Severity
) -> None:
    results = [
        result(i, f"s{i}", status, [finding("a/b", s.value, "m") for s in sevs])
        for i, (status, sevs) in enumerate(steps)
    ]
    before = ca.health_score(results).score
    assert 0 <= before <= 100
    worse = [*results, result(99, "extra", StepStatus.PASSED, [finding("a/b", extra.value, "m")])]
    assert ca.health_score(worse).score <= before


def test_overview_summary_file_and_own_findings(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    write_files(repo, {"p/new.py": "Y = 2\n", "docs/guide.md": "# Guide\n"})
    commit_all(repo, "feat: add new module and guide")
    write_files(repo, {"README.md": "# P\n\nChanged.\n"})
    results = sample_results()
    results["pre_analysis"] = StepResult(
        id="pre_analysis",
        number=0,
        name="Pre-Analysis",
        status=StepStatus.PASSED,
        data=pre_analysis.run(step_context(repo, pre_analysis.SPEC)).data,
    )
    outcome, summary_path = run_step(repo, results)

    assert outcome.status() is StepStatus.PASSED  # only aggregate info of its own
    assert {f.severity for f in outcome.findings} == {Severity.INFO}
    own = {f.rule: f.message for f in outcome.findings}
    assert own["context/health-score"].startswith(
        "health score 67/100 (poor): 1 failed step(s), 2 error(s)"
    )
    assert own["context/steps-not-run"].startswith("7 step(s) did not run")  # 2 listed + 5 absent
    assert "test_review (skipped)" in own["context/steps-not-run"]
    data = outcome.data
    assert data["score"] == 67 and data["grade"] == "poor"
    assert data["counts"]["findings"] == {
        "error": 2,
        "warning": 3,
        "info": 1,
    }  # git_finalization left out
    assert data["failed_steps"] == ["test_execution"]
    assert [i["rule"] for i in data["top_issues"]] == ["tests/failed"] * 2 + [
        "docs/missing-docstring"
    ] * 3
    assert data["changed_files_count"] == 3
    assert {r["id"] for r in data["not_run"]} >= {"test_review", "dependencies", "code_quality"}
    assert outcome.summary.startswith("health 67/100 (poor); 2 error(s), 3 warning(s)")

    text = summary_path.read_text()
    assert (repo / ".ai_workflow" / ca.SUMMARY_FILE).read_text() == text  # the latest copy
    assert "Score: **67/100** (poor)." in text
    assert "| failed steps | 1 | -15 | 15 | 45 |" in text
    assert "| 7 | Test Execution | failed | 2 | 0 | 0 | 2 failed |" in text
    assert "Git Finalization" not in text
    assert (
        "1. error `tests/failed` at `tests/test_a.py:7` (test\\_execution): test\\_add failed"
        in text
    )
    assert "- `docs/missing-docstring`: 3" in text
    assert "3 changed file(s)" in text and "- `docs/guide.md`" in text and "- `README.md`" in text
    assert "- `test_review` (skipped): docs-only change" in text
    assert "- `code_quality` (absent): not part of this run" in text
    assert "feat: add new module and guide" in text  # recent commits
    assert "pre_analysis: git state" not in text  # nothing copied from other steps' checks


def test_summary_passes_the_markdown_linter(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    _, summary_path = run_step(repo, sample_results())
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pymarkdown",
            "--enable-extensions",
            "markdown-tables",
            "--disable-rules",
            "md013",
            "scan",
            str(summary_path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_without_pre_analysis_what_changed_is_unknown(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    outcome, summary_path = run_step(repo, sample_results())
    assert outcome.skipped_checks == ["what changed: pre_analysis did not run in this run"]
    assert outcome.data["changed_files_count"] is None
    assert "Unknown: pre\\_analysis did not run" in summary_path.read_text()


def test_nothing_finished_and_not_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    outcome, summary_path = run_step(plain, {})
    assert outcome.data["score"] == 100 and outcome.data["grade"] == "good"
    text = summary_path.read_text()
    assert "No step finished before this one." in text and "No errors or warnings." in text
    assert "Recent commits" not in text
    assert len(outcome.data["not_run"]) == len(ca.SPEC.depends_on)


def test_unwritable_summary_is_the_steps_own_failure(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)
    ctx = step_context(repo, ca.SPEC, results={})
    (ctx.workspace.root / "backlog").write_text("a file where a directory should be")
    outcome = ca.run(ctx)
    assert outcome.tool_error is not None and ca.SUMMARY_FILE in outcome.tool_error
    assert outcome.status() is StepStatus.FAILED


def test_runs_in_the_engine_after_a_failed_dependency(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r", FILES)

    def failing_docs(ctx: StepContext) -> StepOutcome:
        outcome = StepOutcome()
        outcome.add("docs/missing-readme-section", "error", "no Usage section", "README.md", 1)
        return outcome

    docs_spec = StepSpec(id="documentation", number=1, name="Documentation Updates")
    registry = Registry([FunctionStep(docs_spec, failing_docs), FunctionStep(ca.SPEC, ca.run)])
    report = run_workflow(
        RunRequest(
            target=repo,
            config=Config(),
            registry=registry,
            selected=["documentation", "context_analysis"],
            observer=QuietObserver(),
        )
    )
    statuses = {r.id: r.status for r in report.results}
    assert statuses == {"documentation": StepStatus.FAILED, "context_analysis": StepStatus.PASSED}
    latest = (repo / ".ai_workflow" / ca.SUMMARY_FILE).read_text()
    assert "Score: **80/100** (fair)." in latest  # 100 - 15 failed step - 5 error
    assert "`docs/missing-readme-section` at `README.md:1`" in latest


def test_carried_results_take_each_skipped_steps_latest_run_that_ran_it() -> None:
    history = [
        {
            "run_id": "r1",
            "steps": [{"id": "a", "status": "warning", "finding_counts": {"warning": 2}}],
        },
        {
            "run_id": "r2",
            "steps": [{"id": "a", "status": "passed", "finding_counts": {"warning": 1}}],
        },
        {
            "run_id": "r3",
            "steps": [{"id": "a", "status": "skipped"}, {"id": "b", "status": "failed"}],
        },
    ]
    carried = ca.carried_results(history, ["a", "b", "c"])
    assert carried == {"a": ca.Carried("r2", errors=0, warnings=1)}  # b failed: never carried
    skipped = result(1, "a", StepStatus.SKIPPED, [])
    health = ca.health_score([skipped], carried)
    assert health.penalties["warnings"]["count"] == 1 and health.carried == {"a": "r2"}
    ran = result(1, "a", StepStatus.PASSED, [])  # a step that ran counts only its own findings
    assert ca.health_score([ran], carried).penalties["warnings"]["count"] == 0


def test_a_smart_run_scores_skipped_steps_as_of_their_last_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A docs-only commit skips test review; its empty-body warning still costs the point a
    full run takes, and the summary says where the count comes from."""
    repo = make_repo(
        tmp_path / "p",
        {
            ".gitignore": ".ai_workflow/\n",
            "README.md": "# demo\n",
            "src/demo/core.py": "def add(a, b):\n    return a + b\n",
            "tests/test_core.py": "from demo.core import add\n\n\ndef test_add():\n    pass\n",
        },
    )
    run = [
        "run",
        "--target",
        str(repo),
        "--auto",
        "--json",
        "--steps",
        "test_review,context_analysis",
    ]
    assert main(run) == 0
    full = json.loads(capsys.readouterr().out)
    write_files(repo, {"README.md": "# demo\n\nMore.\n"})
    commit_all(repo, "docs")
    assert main([*run, "--smart-execution"]) == 0
    smart = json.loads(capsys.readouterr().out)
    statuses = {s["id"]: s["status"] for s in smart["steps"]}
    assert statuses["test_review"] == "skipped"
    score = {s["id"]: s["summary"] for s in smart["steps"]}["context_analysis"]
    full_score = {s["id"]: s["summary"] for s in full["steps"]}["context_analysis"]
    assert score.startswith("health 99/100") and full_score.startswith("health 99/100")
    assert "1 warning(s) of 1 skipped step(s) as of their last run" in score
    text = (repo / ".ai_workflow" / "WORKFLOW_SUMMARY.md").read_text(encoding="utf-8")
    assert f"test_review ({full['run_id']})" in text
