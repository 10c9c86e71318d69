"""The Copilot CLI provider with a fake `copilot` executable on PATH (a real subprocess)."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.ai.fakes import findings_answer
from tests.ai.support import (
    ai_config,
    ai_findings,
    make_project,
    provider_problem,
    review,
    reviewer_for,
)

FAKE = """#!/usr/bin/env python3
import json, os, sys
record = os.environ["FAKE_COPILOT_RECORD"]
with open(record, "a") as handle:
    handle.write(json.dumps({"argv": sys.argv[1:], "cwd": os.getcwd(),
                             "stdin_tty": sys.stdin.isatty()}) + "\\n")
mode = os.environ.get("FAKE_COPILOT_MODE", "ok")
if mode == "fail":
    sys.stderr.write("copilot: not logged in\\n")
    sys.exit(3)
sys.stdout.write(os.environ["FAKE_COPILOT_ANSWER"])
"""


@pytest.fixture
def fake_copilot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "copilot"
    script.write_text(FAKE)
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    record = tmp_path / "calls.jsonl"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_COPILOT_RECORD", str(record))
    answer = findings_answer(
        {
            "rule": "docs-mismatch",
            "severity": "info",
            "path": "README.md",
            "line": 1,
            "message": "m",
        }
    )
    monkeypatch.setenv("FAKE_COPILOT_ANSWER", answer)
    return record


def _calls(record: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in record.read_text().splitlines()]


def test_copilot_runs_non_interactively_with_no_tools(tmp_path: Path, fake_copilot: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file() and ".git" not in p.parts}
    config = ai_config(provider="copilot", model="gpt-5")
    reviewer = reviewer_for(target, config)
    outcome = review(reviewer, target, config, changed=changed)
    [call] = _calls(fake_copilot)
    argv = call["argv"]
    assert isinstance(argv, list)
    assert argv[0] == "-p" and "ruff/F401" in argv[1]
    assert "-s" in argv and "--no-ask-user" in argv and "--model=gpt-5" in argv
    assert {"--deny-tool=shell", "--deny-tool=write", "--deny-tool=url"} <= set(argv)
    assert not any(a.startswith("--allow") or a == "--yolo" for a in argv)
    assert call["cwd"] != str(target) and not str(call["cwd"]).startswith(str(target))
    assert call["stdin_tty"] is False
    [finding] = ai_findings(outcome)
    assert finding.rule == "ai/docs-mismatch" and finding.path == "README.md"
    after = {p: p.read_bytes() for p in target.rglob("*") if p.is_file() and ".git" not in p.parts}
    assert {p: b for p, b in after.items() if ".ai_workflow" not in p.parts} == before
    assert reviewer.stats()["calls"] == 1 and reviewer.stats()["tokens_in"] > 0


def test_copilot_failure_is_retried_then_a_warning(
    tmp_path: Path, fake_copilot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAKE_COPILOT_MODE", "fail")
    monkeypatch.setattr("ai_workflow.ai.providers.copilot.BACKOFF_S", 0.01)
    target, changed = make_project(tmp_path / "p", secrets=False)
    config = ai_config(provider="copilot", max_retries=1)
    outcome = review(reviewer_for(target, config), target, config, changed=changed)
    assert len(_calls(fake_copilot)) == 2
    assert ai_findings(outcome) == [] and "not logged in" in provider_problem(outcome)


def test_copilot_not_installed_is_skipped(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    config = ai_config(provider="copilot", copilot_command="no-such-copilot-binary")
    outcome = review(reviewer_for(target, config), target, config, changed=changed)
    assert ai_findings(outcome) == []
    assert any("'no-such-copilot-binary' not found" in s for s in outcome.skipped_checks)
