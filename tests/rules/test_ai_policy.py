"""The rule policy covers the AI review too: its findings are ignored, re-graded and suppressed
like any other, and the model is not shown deterministic findings the configuration ignores.
A local OpenAI-compatible server answers (real HTTP, the real provider code)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.cli import main
from tests.ai.fakes import FakeLLMServer, findings_answer
from tests.helpers import make_repo

ANSWER = findings_answer(
    {
        "rule": "docs-mismatch",
        "severity": "warning",
        "path": "README.md",
        "line": 3,
        "message": "The README does not mention sub().",
    }
)
FILES = {
    "README.md": "# Demo\n\nA demo project.\n",
    "demo/__init__.py": '"""Demo."""\n',
    "demo/core.py": '"""Core."""\n\n\ndef add(a, b):\n    return a + b\n',
}


def _run(
    target: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> dict[str, Any]:
    monkeypatch.setenv("AI_WORKFLOW_AI_PROVIDER", "openai")
    monkeypatch.setenv("AI_WORKFLOW_AI_BASE_URL", url)
    monkeypatch.setenv("AI_WORKFLOW_AI_MODEL", "local-model")
    monkeypatch.setenv("AI_WORKFLOW_AI_MAX_RETRIES", "0")
    argv = ["run", "--target", str(target), "--auto", "--steps", "documentation", "--json"]
    main([*argv, "--no-ai-cache"])
    summary: dict[str, Any] = json.loads(capsys.readouterr().out)
    return summary


def _findings(summary: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["rule"]: f for step in summary["steps"] for f in step["findings"]}


def test_ai_findings_go_through_the_policy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target = make_repo(tmp_path / "p", FILES)
    with FakeLLMServer(answer=ANSWER) as server:
        plain = _findings(_run(target, capsys, monkeypatch, server.base_url))
        assert plain["ai/docs-mismatch"]["severity"] == "warning"
        assert "docs/missing-docstring" in plain  # add() has none
        assert "docs/missing-docstring" in json.dumps(server.requests[-1].body)

        (target / ".workflow-config.yaml").write_text(
            "rules:\n  severity: {ai/: info}\n  ignore: [docs/missing-docstring]\n"
        )
        graded = _run(target, capsys, monkeypatch, server.base_url)
        assert _findings(graded)["ai/docs-mismatch"]["severity"] == "info"
        assert "docs/missing-docstring" not in _findings(graded)
        # not sent as a finding (the schema still lists it among the step's rule ids)
        user = server.requests[-1].body["messages"][-1]["content"]
        assert "docs/missing-docstring" not in user

        (target / "README.md").write_text(
            "# Demo\n\n<!-- ai-workflow: ignore[ai/] --> A demo project.\n"
        )
        suppressed = _run(target, capsys, monkeypatch, server.base_url)
        assert "ai/docs-mismatch" not in _findings(suppressed)
        assert suppressed["rules"]["counts"] == {"ignored": 1, "suppressed": 1}
