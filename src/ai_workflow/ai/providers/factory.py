"""Choosing and building the configured provider; every "cannot" comes with how to fix it."""

from __future__ import annotations

import os
import shlex
import shutil
from collections.abc import Mapping

from ai_workflow.ai.providers.base import Provider, ProviderUnavailable
from ai_workflow.config import AIConfig

DEFAULT_MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5", "copilot": None}
KEY_VARIABLES = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
HOW_TO_CONFIGURE = (
    "set ai.provider to openai, anthropic or copilot in .workflow-config.yaml "
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
    return ai.step_models.get(step_id) or ai.model or DEFAULT_MODELS.get(name)


def _api_key(ai: AIConfig, name: str, environ: Mapping[str, str]) -> str:
    variable = ai.api_key_env or KEY_VARIABLES[name]
    key = environ.get(variable)
    if key:
        return key
    if name == "openai" and ai.base_url:
        from ai_workflow.ai.providers.openai_provider import NO_KEY

        return NO_KEY  # a local OpenAI-compatible server needs no key
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
    if name == "openai":
        _require("openai")
        from ai_workflow.ai.providers.openai_provider import OpenAIProvider

        key = _api_key(ai, name, env)
        return OpenAIProvider(
            api_key=key,
            base_url=ai.base_url,
            timeout_s=ai.timeout_s,
            max_retries=ai.max_retries,
            max_answer_bytes=ai.max_answer_kb * 1024,
        )
    if name == "anthropic":
        _require("anthropic")
        from ai_workflow.ai.providers.anthropic_provider import AnthropicProvider

        key = _api_key(ai, name, env)
        return AnthropicProvider(
            api_key=key,
            base_url=ai.base_url,
            timeout_s=ai.timeout_s,
            max_retries=ai.max_retries,
            max_answer_bytes=ai.max_answer_kb * 1024,
        )
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
    )
