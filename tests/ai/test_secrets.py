"""Planted secrets reach no request body, cache entry, log or artifact."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ai_workflow.cli import main
from ai_workflow.engine.step import StepOutcome
from ai_workflow.steps import code_quality, consistency, documentation
from tests.ai.fakes import FakeLLMServer, findings_answer
from tests.ai.support import (
    SECRETS,
    ai_config,
    make_project,
    review,
    reviewer_for,
)
from tests.helpers import make_repo


def _leaky_outcome() -> StepOutcome:
    """Deterministic findings and data that quote secrets, as a careless check might."""
    outcome = StepOutcome(data={"env_sample": f"OPENAI_API_KEY={SECRETS['openai']}"})
    outcome.add(
        "quality/hardcoded-credential",
        "error",
        f"hard-coded key {SECRETS['aws']} next to token {SECRETS['github']}",
        "src/demo/settings.py",
        3,
    )
    outcome.add("docs/env", "info", "a .env file exists", ".env", 1)
    return outcome


def _all_bytes(root: Path) -> bytes:
    return b"\n".join(p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file())


def test_secrets_never_leave_redacted(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p")
    echo = findings_answer()  # the fake model answers nothing; what matters is what it got
    with FakeLLMServer(answer=echo) as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        for _ in range(2):  # second pass: served from the cache
            reviewer = reviewer_for(target, config)
            for spec in (code_quality.SPEC, documentation.SPEC, consistency.SPEC):
                outcome = review(
                    reviewer, target, config, spec=spec, changed=changed, outcome=_leaky_outcome()
                )
    assert len(server.requests) == 3
    bodies = "\n".join(server.bodies())
    artifacts = _all_bytes(target / ".ai_workflow")  # prompts, responses, logs, cache files
    for name, secret in SECRETS.items():
        assert secret not in bodies, name
        assert secret.encode() not in artifacts, name
    assert "[REDACTED:aws-access-key]" in bodies
    assert "[REDACTED:github-token]" in bodies
    assert "[REDACTED:openai-key]" in bodies
    assert "[REDACTED:private-key]" in bodies
    info = outcome.data["ai"]
    assert {".env", "deploy/id_rsa"} <= set(info["excluded_files"])
    # the finding quoting the key was already redacted when it was built: only the diff
    assert info["redactions"]["aws-access-key"] >= 1
    assert any("secrets redacted" in line for line in outcome.checked)
    assert reviewer.stats()["redactions"] > 0
    assert (target / ".ai_workflow" / "ai_cache").is_dir()


def test_ai_exclude_globs_keep_files_out(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    config = ai_config(exclude=["src/demo/*"])
    outcome = review(reviewer_for(target, config), target, config, changed=changed)
    prompt = (target / outcome.data["ai"]["prompt_file"]).read_text()
    assert "return a - b" not in prompt  # neither diff nor excerpt of the excluded file
    assert "src/demo/core.py" in outcome.data["ai"]["excluded_files"]
    assert "files excluded: secret deny-list or ai.exclude" in prompt


def test_secrets_printed_by_a_failing_test_reach_no_artifact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """findings.json, SARIF, step reports, history, the checkpoint, console: all clean. logs/
    keeps the raw tool output (it is the record of what the tools printed)."""
    planted = [SECRETS["aws"], SECRETS["github"], SECRETS["openai"]]
    test = (
        "def test_leaks():\n"
        f"    print('{planted[0]} {planted[1]} {planted[2]}')\n"
        f"    assert '{planted[0]}' == '{planted[1]} {planted[2]}'\n"
    )
    config = f"tech_stack:\n  python: {sys.executable}\nai:\n  provider: none\n"
    target = make_repo(
        tmp_path / "p",
        {
            "README.md": "# demo\n",
            "tests/test_leak.py": test,
            ".gitignore": ".ai_workflow/\n",
            ".workflow-config.yaml": config,
        },
    )
    code = main(["run", "--target", str(target), "--auto", "--steps", "test_execution"])
    console = capsys.readouterr()
    assert code == 1
    workdir = target / ".ai_workflow"
    skipped = {"logs"}
    files = [p for p in workdir.rglob("*") if p.is_file() and not skipped & set(p.parts)]
    texts = {p: p.read_text(encoding="utf-8", errors="replace") for p in files}
    assert any("test_leaks" in t for t in texts.values())  # the failure is reported
    assert any(p.parent.name == "checkpoints" for p in texts)  # the failed run's checkpoint
    assert any("[REDACTED:" in t for p, t in texts.items() if p.name == "findings.json")
    for secret in planted:
        assert secret not in console.out + console.err
        leaking = [p.relative_to(target).as_posix() for p, t in texts.items() if secret in t]
        assert not leaking, (secret, leaking)
