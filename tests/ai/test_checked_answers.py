"""Checked answers end to end (`ai-workflow run` against a local OpenAI-compatible server,
through the official SDK): hallucinated files and lines dropped and counted, rules from the
step's closed set, the model's summary in every report, AI findings marked in JSON and SARIF."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.ai.answers import (
    GENERIC_RULE,
    REVIEW_RULES,
    allowed_rules,
    checked_rule,
    location_problem,
)
from ai_workflow.cli import main
from ai_workflow.rules.catalog import load_catalog
from tests.ai.fakes import FakeLLMServer, findings_answer
from tests.ai.support import make_project
from tests.rules.source_scan import scan

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "data" / "sarif-schema-2.1.0.json"
SUMMARY = "The change adds sub() without a test."


def _finding(rule: str, path: str, line: int, message: str) -> dict[str, Any]:
    return {"rule": rule, "severity": "warning", "path": path, "line": line, "message": message}


ANSWER = findings_answer(
    _finding("ai/missing-test", "src/demo/core.py", 5, "sub() has no test."),  # kept
    _finding("quality/long-function", "src/demo/core.py", 5, "Split sub()."),  # the step's own
    _finding("Magic Numbers", "src/demo/core.py", 2, "Name the constant."),  # -> ai/review
    _finding("ai/bug", "src/demo/nowhere.py", 3, "A file that does not exist."),  # dropped
    _finding("ai/bug", "src/demo/core.py", 999, "A line past the end."),  # dropped
    _finding("ai/bug", "src/demo", 1, "A directory, not a file."),  # dropped
    {"rule": "ai/bug", "severity": "warning", "message": "No location at all."},  # dropped
    summary=SUMMARY,
)


def _run(capsys: pytest.CaptureFixture[str], target: Path) -> dict[str, Any]:
    argv = ["run", "--target", str(target), "--auto", "--steps", "pre_analysis,code_quality"]
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    assert code in (0, 1), out
    summary: dict[str, Any] = json.loads(out)
    return summary


def test_answers_are_checked_and_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, _ = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer=ANSWER) as server:
        monkeypatch.setenv("AI_WORKFLOW_AI_PROVIDER", "openai")
        monkeypatch.setenv("AI_WORKFLOW_AI_BASE_URL", server.base_url)
        monkeypatch.setenv("AI_WORKFLOW_AI_MODEL", "local-model")
        monkeypatch.setenv("AI_WORKFLOW_AI_MAX_RETRIES", "0")
        summary = _run(capsys, target)
        [request] = server.requests
    # the closed set is in the schema the model is shown
    system = request.body["messages"][0]["content"]
    assert '"ai/missing-test"' in system and '"ruff/syntax-error"' in system
    assert summary["ai"]["findings_dropped"] == 4
    backlog = next((target / ".ai_workflow" / "backlog").iterdir())
    document = json.loads((backlog / "findings.json").read_text())
    ai = [f for f in document["findings"] if f["source"] == "ai"]
    assert sorted((f["rule"], f["line"]) for f in ai) == [
        ("ai/missing-test", 5),
        ("ai/review", 2),
        ("quality/long-function", 5),
    ]
    [mapped] = [f for f in ai if f["rule"] == GENERIC_RULE]
    assert mapped["extra"]["model_rule"] == "Magic Numbers"
    [step] = [s for s in document["steps"] if s["id"] == "code_quality"]
    assert step["ai"]["summary"] == SUMMARY
    assert step["ai"]["findings_dropped"] == 4 and step["ai"]["rules_mapped"] == 1
    assert any("4 findings dropped" in note for note in step["skipped_checks"])
    report = next(backlog.glob("step*_code_quality.md")).read_text()
    assert "## AI review" in report and SUMMARY in report
    assert "4 dropped" in report
    assert SUMMARY in (backlog / "report.html").read_text()
    # SARIF: valid against the official schema, AI findings marked
    log = json.loads((backlog / "findings.sarif").read_text())
    schema = json.loads(SCHEMA_PATH.read_text())
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    results = log["runs"][0]["results"]
    marked = [r for r in results if r["properties"]["source"] == "ai"]
    assert len(marked) == 3 and all(r["properties"]["tags"] == ["ai-generated"] for r in marked)
    assert all("tags" not in r["properties"] for r in results if r not in marked)


def test_rules_outside_the_closed_set_become_the_generic_id() -> None:
    assert checked_rule("ai/bug", "code_quality") == ("ai/bug", True)
    assert checked_rule("Security", "documentation") == ("ai/security", True)
    assert checked_rule("ruff/F401", "code_quality") == (GENERIC_RULE, False)  # a linter's own
    assert checked_rule("docs/missing-docstring", "code_quality") == (GENERIC_RULE, False)
    assert checked_rule("docs/missing-docstring", "documentation")[1] is True
    assert checked_rule("ai/provider-error", "code_quality") == (GENERIC_RULE, False)
    assert checked_rule("ruff/tool-failed", "code_quality") == (GENERIC_RULE, False)  # tool state
    assert "tests/failed" in allowed_rules("test_execution")
    assert "ai/provider-error" not in allowed_rules("code_quality")


def test_every_ai_id_of_the_catalog_is_emitted_or_offered_to_the_model() -> None:
    """No stale `ai/*` entry: each is emitted by the code (operational findings) or is one of
    the ids a model's finding may carry; and every id offered to a model is in the catalog."""
    catalog = load_catalog()
    ai_ids = {rule for rule in catalog.rules if rule.startswith("ai/")}
    assert "ai/" not in catalog.families  # a closed set, no longer a family
    emitted = set(scan({"ai"}).positioned) | set(scan({"ai"}).literals)
    offered = {*REVIEW_RULES, GENERIC_RULE}
    assert offered <= ai_ids
    assert ai_ids <= emitted | offered, ai_ids - emitted - offered
    for rule in ai_ids:
        assert catalog.rules[rule].severity.value == "warning"  # AI never fails a run


@settings(max_examples=50, deadline=None)
@given(lines=st.integers(0, 6), line=st.integers(-2, 9), newline=st.booleans())
def test_a_cited_line_must_be_in_the_file(lines: int, line: int, newline: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        body = "\n".join(f"x{n}" for n in range(lines)) + ("\n" if newline and lines else "")
        (root / "f.txt").write_text(body)
        problem = location_problem(root, "f.txt", line)
        assert (problem is None) is (1 <= line <= lines)
