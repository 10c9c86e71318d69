"""Provider faults through the official SDKs against a local HTTP server: oversized answers are
cut and never cached, an HTTP 200 with a malformed body is retried like a 500."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from ai_workflow.ai.providers.base import ChatResponse
from tests.ai.fakes import Action, FakeLLMServer, findings_answer
from tests.ai.support import (
    ai_config,
    ai_findings,
    make_project,
    provider_problem,
    review,
    reviewer_for,
    unusable_answer,
)

BIG = findings_answer(summary="x" * (8 * 1024 * 1024))  # an 8 MB answer
KEYS = {"ANTHROPIC_API_KEY": "test-key-not-secret"}  # (an OpenAI base_url needs none)


def _tree_size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize("protocol", ["openai", "anthropic"])
def test_an_oversized_answer_is_cut_with_a_warning_and_not_cached(
    protocol: str, tmp_path: Path
) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(protocol, answer=BIG) as server:
        config = ai_config(provider=protocol, base_url=server.base_url, max_answer_kb=64)
        for _ in range(2):
            reviewer = reviewer_for(target, config, environ=KEYS)
            outcome = review(reviewer, target, config, changed=changed)
    assert len(server.requests) == 2  # never served from the cache
    assert unusable_answer(outcome) == "ai/truncated-response"
    assert "max_answer_kb (64 KB)" in outcome.data["ai"]["error"]
    assert outcome.data["ai"]["stored_in_cache"] is False
    assert _tree_size(target / ".ai_workflow") < 1024 * 1024


MALFORMED = [
    "not json at all",
    "[]",
    '{"id": "x"}',
    '{"choices": "abc"}',
    '{"choices": [{"message": null}]}',
    '{"choices": [{"message": {"content": 5}, "finish_reason": "stop"}]}',
]


@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_200_is_retried_like_a_500(body: str, tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    good = findings_answer(
        {
            "rule": "docs-mismatch",
            "severity": "info",
            "path": "README.md",
            "line": 1,
            "message": "m",
        }
    )
    with FakeLLMServer(answer=good, script=[Action(raw_body=body)]) as server:
        config = ai_config(provider="openai", base_url=server.base_url, max_retries=1)
        outcome = review(reviewer_for(target, config), target, config, changed=changed)
    assert len(server.requests) == 2
    assert [f.rule for f in ai_findings(outcome)] == ["ai/docs-mismatch"]


@pytest.mark.parametrize(
    ("protocol", "body"),
    [("openai", "not json"), ("openai", '{"choices": []}'), ("anthropic", '{"id": "x"}')],
)
def test_a_malformed_200_without_retries_left_is_a_provider_error(
    protocol: str, body: str, tmp_path: Path
) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(protocol, script=[Action(raw_body=body)]) as server:
        config = ai_config(provider=protocol, base_url=server.base_url, max_retries=0)
        reviewer = reviewer_for(target, config, environ=KEYS)
        outcome = review(reviewer, target, config, changed=changed)
    assert ai_findings(outcome) == []
    assert "HTTP 200" in provider_problem(outcome)


def test_a_copilot_answer_is_capped_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "copilot"
    script.write_text("#!/bin/sh\nhead -c 300000 /dev/zero | tr '\\0' 'a'\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    target, changed = make_project(tmp_path / "p", secrets=False)
    config = ai_config(provider="copilot", max_answer_kb=16)
    outcome = review(reviewer_for(target, config), target, config, changed=changed)
    assert unusable_answer(outcome) == "ai/truncated-response"
    saved = target / outcome.data["ai"]["response_file"]
    assert saved.stat().st_size <= 16 * 1024


def test_capping_never_splits_a_character() -> None:
    answer = ChatResponse(text="é" * 10, model=None, tokens_in=1, tokens_out=1)
    cut = answer.capped(5)
    assert (cut.text, cut.oversized, cut.cacheable) == ("éé", True, False)
    assert answer.capped(20) is answer
    assert json.loads(json.dumps(cut.to_dict()))["oversized"] is True
