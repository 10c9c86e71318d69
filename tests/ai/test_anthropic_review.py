"""The reviewer against a local server speaking Anthropic's Messages protocol, via the SDK."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.findings import Severity
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

ANSWER = findings_answer(
    {
        "rule": "missing-test",
        "severity": "warning",
        "path": "src/demo/core.py",
        "line": 4,
        "message": "sub() has no test.",
    }
)


def test_messages_protocol_findings_and_cache(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    env = {"ANTHROPIC_API_KEY": "test-key-not-secret"}
    with FakeLLMServer("anthropic", answer=ANSWER) as server:
        config = ai_config(provider="anthropic", base_url=server.base_url)
        first = reviewer_for(target, config, environ=env)
        outcome = review(first, target, config, changed=changed)
        second = reviewer_for(target, config, environ=env)
        review(second, target, config, changed=changed)
    assert len(server.requests) == 1
    request = server.requests[0]
    assert request.path == "/v1/messages"
    auth = {request.headers.get("x-api-key"), request.headers.get("authorization")}
    assert auth & {"test-key-not-secret", "Bearer test-key-not-secret"}
    assert request.body["model"] == "model-a"
    assert request.body["max_tokens"] == 2048
    system = request.body["system"]
    assert system[0]["cache_control"] == {"type": "ephemeral"}  # static part: provider caching
    assert "software quality engineer" in system[0]["text"]
    assert "ruff/F401" in request.body["messages"][0]["content"]
    [finding] = ai_findings(outcome)
    assert (finding.rule, finding.severity, finding.line) == (
        "ai/missing-test",
        Severity.WARNING,
        4,
    )
    s1, s2 = first.stats(), second.stats()
    assert s1["provider"] == "anthropic" and s1["calls"] == 1
    assert s2["cache_hits"] == 1 and s2["tokens_saved"] == s1["tokens_in"] + s1["tokens_out"]


def test_max_tokens_stop_and_overload_are_provider_problems(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    env = {"ANTHROPIC_API_KEY": "k"}
    script = [Action(text='{"summ', finish="max_tokens"), Action(status=529), Action(status=529)]
    with FakeLLMServer("anthropic", answer=ANSWER, script=script) as server:
        config = ai_config(provider="anthropic", base_url=server.base_url, max_retries=1)
        cut = review(reviewer_for(target, config, environ=env), target, config, changed=changed)
        failed = review(reviewer_for(target, config, environ=env), target, config, changed=changed)
        assert len(server.requests) == 3
    assert unusable_answer(cut) == "ai/truncated-response"
    assert ai_findings(failed) == [] and "529" in provider_problem(failed)


def test_missing_key_skips_with_the_reason(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    config = ai_config(provider="anthropic", base_url="http://127.0.0.1:9")
    reviewer = reviewer_for(target, config, environ={})
    outcome = review(reviewer, target, config, changed=changed)
    assert ai_findings(outcome) == []
    [note] = [s for s in outcome.skipped_checks if s.startswith("AI review skipped")]
    assert "ANTHROPIC_API_KEY is not set" in note
    assert (target / outcome.data["ai"]["prompt_file"]).is_file()


def test_timeout_is_honoured(tmp_path: Path) -> None:
    import time

    target, changed = make_project(tmp_path / "p", secrets=False)
    env = {"ANTHROPIC_API_KEY": "k"}
    with FakeLLMServer("anthropic", answer=ANSWER, script=[Action(delay_s=3.0)]) as server:
        config = ai_config(provider="anthropic", base_url=server.base_url, timeout_s=0.5)
        start = time.monotonic()
        outcome = review(reviewer_for(target, config, environ=env), target, config, changed=changed)
        assert time.monotonic() - start < 2.5
    assert ai_findings(outcome) == [] and "timed out" in provider_problem(outcome)
