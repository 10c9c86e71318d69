"""Provider selection and request parameters (no network: clients are only constructed)."""

from __future__ import annotations

import pytest

from ai_workflow.ai.providers import ChatRequest, ProviderUnavailable, resolve_provider
from ai_workflow.ai.providers.factory import model_for, provider_name
from ai_workflow.ai.providers.openai_provider import NO_KEY, OpenAIProvider
from ai_workflow.config import AIConfig

REQUEST = ChatRequest("openai", None, "m", "sys", "user", 0.0, 321, "code_quality@1.1")


def test_auto_prefers_openai_then_anthropic() -> None:
    auto = AIConfig(provider="auto")
    assert provider_name(auto, {"OPENAI_API_KEY": "a", "ANTHROPIC_API_KEY": "b"}) == "openai"
    assert provider_name(auto, {"ANTHROPIC_API_KEY": "b"}) == "anthropic"
    assert provider_name(auto, {}) == "none"
    assert provider_name(AIConfig(provider="copilot"), {"OPENAI_API_KEY": "a"}) == "copilot"


def test_models_per_step_then_configured_then_default() -> None:
    ai = AIConfig(model="big", step_models={"git_finalization": "small"})
    assert model_for(ai, "openai", "git_finalization") == "small"
    assert model_for(ai, "openai", "documentation") == "big"
    assert model_for(AIConfig(), "anthropic", "documentation") == "claude-haiku-4-5"
    assert model_for(AIConfig(), "copilot", "documentation") is None


def test_keys_come_from_the_named_variable_only() -> None:
    ai = AIConfig(provider="openai", api_key_env="MY_KEY")
    with pytest.raises(ProviderUnavailable, match="MY_KEY is not set"):
        resolve_provider(ai, {"OPENAI_API_KEY": "not-this-one"})
    assert resolve_provider(ai, {"MY_KEY": "k"}).name == "openai"
    local = AIConfig(provider="openai", base_url="http://127.0.0.1:11434/v1")
    provider = resolve_provider(local, {})  # a local server needs no key
    assert isinstance(provider, OpenAIProvider)
    assert provider._client.api_key == NO_KEY


def test_openai_limit_parameter_depends_on_the_endpoint() -> None:
    official = OpenAIProvider(api_key="k", base_url=None, timeout_s=1, max_retries=0)
    local = OpenAIProvider(
        api_key="k", base_url="http://127.0.0.1:1/v1", timeout_s=1, max_retries=0
    )
    assert official._params(REQUEST)["max_completion_tokens"] == 321
    assert "max_tokens" not in official._params(REQUEST)
    assert local._params(REQUEST)["max_tokens"] == 321


def test_missing_sdk_is_a_clear_message(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_openai(name: str, *args: object, **kwargs: object) -> object:
        if name == "openai":
            raise ImportError("No module named 'openai'")
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_openai)
    with pytest.raises(ProviderUnavailable, match=r"pip install 'ai-workflow\[openai\]'"):
        resolve_provider(AIConfig(provider="openai"), {"OPENAI_API_KEY": "k"})
