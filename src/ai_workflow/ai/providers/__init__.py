"""Model providers: OpenAI-compatible HTTP, Anthropic, the Copilot CLI, and none."""

from ai_workflow.ai.providers.base import (
    ChatRequest,
    ChatResponse,
    Provider,
    ProviderError,
    ProviderUnavailable,
)
from ai_workflow.ai.providers.factory import DEFAULT_MODELS, resolve_provider

__all__ = [
    "DEFAULT_MODELS",
    "ChatRequest",
    "ChatResponse",
    "Provider",
    "ProviderError",
    "ProviderUnavailable",
    "resolve_provider",
]
