"""Choosing and building the configured provider; every "cannot" comes with how to fix it.

`ollama`, `llamacpp`, `lmstudio` and `vllm` are presets of the OpenAI-compatible provider: a
default base URL on this machine, no API key, the model the server lists first when `ai.model`
is unset, streaming on. An API key is only sent where it belongs: `OPENAI_API_KEY` to OpenAI's
own API, the variable `ai.api_key_env` names to whatever `base_url` says, and nothing to any
other host.
"""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping
from dataclasses import dataclass

from ai_workflow.ai.providers.base import Provider, ProviderUnavailable
from ai_workflow.config import AIConfig

DEFAULT_MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5", "copilot": None}
KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
LOCAL_PRESETS = {
    "ollama": "http://127.0.0.1:11434/v1",
    "llamacpp": "http://127.0.0.1:8080/v1",
    "lmstudio": "http://127.0.0.1:1234/v1",
    "vllm": "http://127.0.0.1:8000/v1",
}
"""Presets of the OpenAI-compatible provider: their default base URL (each server's port)."""
PROVIDERS = ("openai", "anthropic", "copilot", *LOCAL_PRESETS)
HOW_TO_CONFIGURE = (
    f"set ai.provider to one of {', '.join(PROVIDERS)} in .workflow-config.yaml "
    "(or AI_WORKFLOW_AI_PROVIDER), or ai.provider: auto with OPENAI_API_KEY or ANTHROPIC_API_KEY"
)


def provider_name(ai: AIConfig, environ: Mapping[str, str]) -> str:
    """The provider to use: `auto` picks OpenAI, then Anthropic, by which key is set."""
    if ai.provider != "auto":
        return ai.provider
    for name in ("openai", "anthropic"):
        if environ.get(KEY_VARIABLES[name]):
            return name
    return "none"


def model_for(ai: AIConfig, name: str, step_id: str) -> str | None:
    """The configured model of a step, else the provider's fixed default (None for the local
    presets and Copilot: the server or the CLI chooses)."""
    return ai.step_models.get(step_id) or ai.model or DEFAULT_MODELS.get(name)


@dataclass(frozen=True)
class Endpoint:
    base_url: str | None
    note: str | None  # said once: a base_url that was fixed


def endpoint(ai: AIConfig, name: str) -> Endpoint:
    """The base URL to call: ai.base_url (with `/v1` added when it has no path), else the
    preset's default."""
    from ai_workflow.ai.providers.server import with_v1

    if not ai.base_url:
        return Endpoint(LOCAL_PRESETS.get(name), None)
    if name == "anthropic":
        return Endpoint(ai.base_url, None)
    fixed, added = with_v1(ai.base_url)
    note = f"ai.base_url {ai.base_url} has no path: using {fixed}" if added else None
    return Endpoint(fixed, note)


def _api_key(ai: AIConfig, name: str, base_url: str | None, environ: Mapping[str, str]) -> str:
    if ai.api_key_env:
        key = environ.get(ai.api_key_env)
        if key:
            return key
        raise ProviderUnavailable(f"{ai.api_key_env} is not set (ai.api_key_env names it)")
    if name in ("openai", *LOCAL_PRESETS):
        from ai_workflow.ai.providers.openai_provider import NO_KEY, is_openai_api

        if not is_openai_api(base_url):
            return NO_KEY  # never OPENAI_API_KEY to another host: local servers need no key
        name = "openai"
    variable = KEY_VARIABLES[name]
    key = environ.get(variable)
    if key:
        return key
    raise ProviderUnavailable(f"{variable} is not set (ai.api_key_env names the variable)")


def _require(module: str) -> None:
    try:
        __import__(module)
    except ImportError:
        raise ProviderUnavailable(
            f"the {module} package is not installed (pip install 'ai-workflow[{module}]')"
        ) from None


def resolve_provider(ai: AIConfig, environ: Mapping[str, str] | None = None) -> Provider:
    """Build the configured provider; raise ProviderUnavailable with a reason when impossible."""
    env = os.environ if environ is None else environ
    name = provider_name(ai, env)
    if name == "none":
        why = "ai.provider is auto but no API key is set" if ai.provider == "auto" else ""
        raise ProviderUnavailable(f"no provider configured{f' ({why})' if why else ''}")
    if name == "copilot":
        return _copilot(ai, env)
    _require("anthropic" if name == "anthropic" else "openai")
    where = endpoint(ai, name)
    key = _api_key(ai, name, where.base_url, env)
    common = {
        "api_key": key,
        "base_url": where.base_url,
        "timeout_s": ai.timeout_s,
        "max_retries": ai.max_retries,
        "max_answer_bytes": ai.max_answer_kb * 1024,
        "context_window": ai.context_window,
    }
    if name == "anthropic":
        from ai_workflow.ai.providers.anthropic_provider import AnthropicProvider

        return AnthropicProvider(stream=bool(ai.stream), **common)  # type: ignore[arg-type, unused-ignore]
    from ai_workflow.ai.providers.openai_provider import OpenAIProvider

    preset = name if name in LOCAL_PRESETS else None
    stream = ai.stream if ai.stream is not None else preset is not None
    provider = OpenAIProvider(name=name, preset=preset, stream=stream, **common)  # type: ignore[arg-type, unused-ignore]
    provider.note = where.note
    return provider


def _copilot(ai: AIConfig, env: Mapping[str, str]) -> Provider:
    from ai_workflow.ai.providers.copilot import CopilotProvider

    command = shlex.split(ai.copilot_command) or ["copilot"]
    found = shutil.which(command[0], path=env.get("PATH"))
    if found is None:
        raise ProviderUnavailable(
            f"'{command[0]}' not found on PATH (install the GitHub Copilot CLI or set "
            "ai.copilot_command)"
        )
    return CopilotProvider(
        command=[found, *command[1:]],
        timeout_s=ai.timeout_s,
        max_retries=ai.max_retries,
        max_answer_bytes=ai.max_answer_kb * 1024,
        context_window=ai.context_window,
    )
