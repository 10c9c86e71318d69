"""The reviewer against a local OpenAI-compatible server, through the official SDK."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ai_workflow.ai.providers.openai_provider import is_openai_api
from ai_workflow.engine.step import StepOutcome, StepResult, StepStatus
from ai_workflow.findings import Severity
from ai_workflow.steps import code_quality, documentation
from ai_workflow.steps.context_analysis import health_score
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

GOOD = findings_answer(
    {
        "rule": "Unused Import",
        "severity": "warning",
        "path": "src/demo/core.py",
        "line": 1,
        "message": "Remove the unused import of os.",
    },
    {
        "rule": "ai/maintainability",
        "severity": "error",
        "path": "src/demo/core.py",
        "line": 2,
        "message": "Bad name.",
    },
    summary="Two problems.",
)


def test_prompt_carries_findings_and_ai_findings_merge(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer=GOOD) as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        reviewer = reviewer_for(target, config)
        outcome = review(reviewer, target, config, changed=changed)
    assert len(server.requests) == 1
    request = server.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "model-a"
    assert request.body["temperature"] == 0
    messages = request.body["messages"]
    assert [m["role"] for m in messages] == ["system", "user"]
    assert "software quality engineer" in messages[0]["content"]  # persona, static part first
    user = messages[1]["content"]
    assert "ruff/F401" in user and "`os` imported but unused" in user
    assert "+    return a + b + 0" in user  # the diff of the changed file
    found = ai_findings(outcome)
    assert [(f.rule, f.severity, f.path, f.line) for f in found] == [
        ("ai/review", Severity.WARNING, "src/demo/core.py", 1),  # not in the step's set
        ("ai/maintainability", Severity.WARNING, "src/demo/core.py", 2),  # never an error
    ]
    assert all(f.step == "code_quality" for f in found)
    assert found[0].extra == {"model_rule": "Unused Import"}
    assert found[1].extra == {"model_severity": "error"}
    info = outcome.data["ai"]
    assert info["summary"] == "Two problems."
    assert info["cached"] is False and info["tokens_in"] > 0 and info["tokens_out"] > 0
    prompt_file = target / info["prompt_file"]
    assert prompt_file.name == "step09_code_quality.md"
    assert "ruff/F401" in prompt_file.read_text()
    stats = reviewer.stats()
    assert stats["calls"] == 1 and stats["cache_misses"] == 1 and stats["cache_hits"] == 0


def test_second_identical_run_is_served_from_the_cache(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer=GOOD) as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        first = reviewer_for(target, config)
        for spec in (code_quality.SPEC, documentation.SPEC):
            review(first, target, config, spec=spec, changed=changed)
        assert len(server.requests) == 2
        second = reviewer_for(target, config)
        outcomes = [
            review(second, target, config, spec=spec, changed=changed)
            for spec in (code_quality.SPEC, documentation.SPEC)
        ]
        assert len(server.requests) == 2  # zero HTTP requests on the second run
    s1, s2 = first.stats(), second.stats()
    assert s2["cache_hits"] == s1["cache_misses"] == 2
    assert s2["calls"] == 0 and s2["cache_misses"] == 0
    assert s2["tokens_saved"] == s1["tokens_in"] + s1["tokens_out"] > 0
    assert s2["hit_rate"] == 1.0 and s2["cache_entries"] == 2
    assert all(o.data["ai"]["cached"] for o in outcomes)
    assert len(ai_findings(outcomes[0])) == 2  # a cached answer gives the same findings


def test_no_cache_changed_model_and_nonzero_temperature_call_again(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer=GOOD) as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        review(reviewer_for(target, config), target, config, changed=changed)
        no_cache = reviewer_for(target, config, use_cache=False)
        review(no_cache, target, config, changed=changed)
        assert len(server.requests) == 2
        assert no_cache.stats()["cache_misses"] == 0 and not no_cache.stats()["cache_enabled"]
        other_model = ai_config(provider="openai", base_url=server.base_url, model="model-b")
        review(reviewer_for(target, other_model), target, other_model, changed=changed)
        assert len(server.requests) == 3
        assert server.requests[2].body["model"] == "model-b"
        per_step = ai_config(
            provider="openai", base_url=server.base_url, step_models={"code_quality": "model-c"}
        )
        review(reviewer_for(target, per_step), target, per_step, changed=changed)
        assert server.requests[3].body["model"] == "model-c"
        warm = ai_config(provider="openai", base_url=server.base_url, temperature=0.7)
        for _ in range(2):
            review(reviewer_for(target, warm), target, warm, changed=changed)
        assert len(server.requests) == 6  # temperature > 0: never served from the cache
        warm_cached = warm.model_copy(
            update={"ai": warm.ai.model_copy(update={"cache_nondeterministic": True})}
        )
        for _ in range(2):
            review(reviewer_for(target, warm_cached), target, warm_cached, changed=changed)
        assert len(server.requests) == 7


def test_malformed_json_is_a_provider_problem_with_the_raw_answer(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer="Sure! Here are my thoughts: {not json") as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        reviewer = reviewer_for(target, config)
        outcome = review(reviewer, target, config, changed=changed)
        review(reviewer_for(target, config), target, config, changed=changed)
        # each review asks once more with the parse error; an unusable answer is not cached
        assert len(server.requests) == 4
        repair = server.requests[1].body["messages"]
        assert [m["role"] for m in repair] == ["system", "user", "assistant", "user"]
        assert repair[2]["content"] == "Sure! Here are my thoughts: {not json"
        assert "not valid JSON" in repair[3]["content"]
    stats = reviewer.stats()
    assert stats["repairs"] == 1 and stats["repaired"] == 0 and stats["unusable"] == 1
    assert unusable_answer(outcome) == "ai/invalid-response"
    [problem] = stats["problems"]
    assert problem["kind"] == "ai/invalid-response" and problem["step"] == "code_quality"
    assert outcome.data["ai"]["raw_response"] == "Sure! Here are my thoughts: {not json"


@pytest.mark.parametrize("finish", ["stop", "length"])
def test_an_unusable_answer_leaves_the_status_and_health_score_alone(
    finish: str, tmp_path: Path
) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    before = StepOutcome(data={"files_checked": 1})
    before.add("quality/long-function", "info", "fine", "src/demo/core.py", 1)
    with FakeLLMServer(script=[Action(text="no JSON here", finish=finish)] * 2) as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        after = review(reviewer_for(target, config), target, config, changed=changed,
                       outcome=before)  # fmt: skip
    assert unusable_answer(after) == ("ai/invalid-response" if finish == "stop"
                                      else "ai/truncated-response")  # fmt: skip
    result = StepResult.for_spec(code_quality.SPEC, after.status())
    result.findings = after.findings
    assert after.status() is StepStatus.PASSED
    assert health_score([result]).score == 100


def test_a_repeated_finding_is_kept_once(tmp_path: Path) -> None:
    """SmolLM2-135M filled its list with one finding four times: the repeats are dropped."""
    target, changed = make_project(tmp_path / "p", secrets=False)
    item = {"rule": "ai/bug", "severity": "warning", "path": "src/demo/core.py", "line": 1,
            "message": "Looks wrong."}  # fmt: skip
    with FakeLLMServer(answer=findings_answer(item, item, item, item)) as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        outcome = review(reviewer_for(target, config), target, config, changed=changed)
    assert [f.rule for f in ai_findings(outcome)] == ["ai/bug"]
    assert outcome.data["ai"]["findings_dropped"] == 3
    assert outcome.data["ai"]["dropped"][0] == "a repeat of an earlier finding (src/demo/core.py:1)"


def test_truncated_answer_is_not_cached(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    script = [Action(text='{"summary": "cut', finish="length")]
    with FakeLLMServer(answer=GOOD, script=script) as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        outcome = review(reviewer_for(target, config), target, config, changed=changed)
        again = review(reviewer_for(target, config), target, config, changed=changed)
        assert len(server.requests) == 2
    assert unusable_answer(outcome) == "ai/truncated-response"
    assert outcome.data["ai"]["stored_in_cache"] is False
    assert len(ai_findings(again)) == 2


def test_429_with_retry_after_is_retried(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    script = [Action(status=429, headers={"Retry-After": "1"})]
    with FakeLLMServer(answer=GOOD, script=script) as server:
        config = ai_config(provider="openai", base_url=server.base_url, max_retries=2)
        outcome = review(reviewer_for(target, config), target, config, changed=changed)
    assert len(server.requests) == 2
    assert server.requests[1].at - server.requests[0].at >= 0.9  # waited for Retry-After
    assert len(ai_findings(outcome)) == 2


def test_500_after_retries_is_a_provider_warning_and_not_cached(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    script = [Action(status=500), Action(status=500)]
    with FakeLLMServer(answer=GOOD, script=script) as server:
        config = ai_config(provider="openai", base_url=server.base_url, max_retries=1)
        reviewer = reviewer_for(target, config)
        outcome = review(reviewer, target, config, changed=changed)
        assert len(server.requests) == 2
        ok = review(reviewer_for(target, config), target, config, changed=changed)
        assert len(server.requests) == 3  # the error was not cached
    assert ai_findings(outcome) == [] and "HTTP 500" in provider_problem(outcome)
    assert any(f.rule == "ruff/F401" for f in outcome.findings)  # deterministic part intact
    assert reviewer.stats()["errors"] == 1 and reviewer.stats()["calls"] == 0
    assert len(ai_findings(ok)) == 2


def test_timeout_is_a_warning_and_slow_answer_within_timeout_succeeds(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    script = [Action(delay_s=3.0), Action(delay_s=0.4)]
    with FakeLLMServer(answer=GOOD, script=script) as server:
        config = ai_config(provider="openai", base_url=server.base_url, timeout_s=0.5)
        start = time.monotonic()
        outcome = review(reviewer_for(target, config), target, config, changed=changed)
        assert time.monotonic() - start < 2.5
        assert ai_findings(outcome) == [] and "timed out" in provider_problem(outcome)
        slow = review(reviewer_for(target, config), target, config, changed=changed)
    assert len(ai_findings(slow)) == 2


def test_expired_entries_miss(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer=GOOD) as server:
        config = ai_config(provider="openai", base_url=server.base_url, cache_ttl_hours=0.0003)
        review(reviewer_for(target, config), target, config, changed=changed)
        time.sleep(1.3)  # the TTL is about 1.08 s
        later = reviewer_for(target, config)
        review(later, target, config, changed=changed)
    assert len(server.requests) == 2
    assert later.stats()["cache_misses"] == 1 and later.stats()["cache_hits"] == 0


@pytest.mark.parametrize(
    ("provider", "variable"), [("openai", "OPENAI_BASE_URL"), ("anthropic", "ANTHROPIC_BASE_URL")]
)
def test_cache_key_uses_the_endpoint_the_sdk_really_calls(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, provider: str, variable: str
) -> None:
    """No ai.base_url: the SDK reads OPENAI_BASE_URL / ANTHROPIC_BASE_URL. Server B must not
    get server A's cached answer."""
    target, changed = make_project(tmp_path / "p", secrets=False)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-unused")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-unused")
    finding = {"rule": "r", "severity": "warning", "path": "src/demo/core.py", "line": 1}
    answer_a = findings_answer({**finding, "message": "answer from A"})
    answer_b = findings_answer({**finding, "message": "answer from B"})
    config = ai_config(provider=provider)
    with (
        FakeLLMServer(provider, answer=answer_a) as a,
        FakeLLMServer(provider, answer=answer_b) as b,
    ):
        monkeypatch.setenv(variable, a.base_url)
        first = review(reviewer_for(target, config), target, config, changed=changed)
        monkeypatch.setenv(variable, b.base_url)
        second = review(reviewer_for(target, config), target, config, changed=changed)
        assert len(a.requests) == 1 and len(b.requests) == 1
    assert [f.message for f in ai_findings(first)] == ["answer from A"]
    assert [f.message for f in ai_findings(second)] == ["answer from B"]
    if provider == "openai":  # a compatible server gets the classic limit parameter
        assert "max_tokens" in b.requests[0].body
        assert "max_completion_tokens" not in b.requests[0].body


def test_only_openai_itself_gets_max_completion_tokens() -> None:
    assert is_openai_api("https://api.openai.com/v1")
    assert is_openai_api(None)
    assert not is_openai_api("http://127.0.0.1:11434/v1")
    assert not is_openai_api("https://api.openai.com.evil.example/v1")
