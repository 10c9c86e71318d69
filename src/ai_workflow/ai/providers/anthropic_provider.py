"""Anthropic's Messages API through the official `anthropic` SDK.

The system prompt (the static persona instructions) is marked for provider-side prompt
caching. The SDK retries 408/409/429/5xx with exponential backoff, honouring `Retry-After`.
"""

from __future__ import annotations

import inspect
from typing import Any

from ai_workflow.ai.providers.base import ChatRequest, ChatResponse, ProviderError
from ai_workflow.ai.providers.openai_provider import _short
from ai_workflow.engine.step import StepContext


class AnthropicProvider:
    name = "anthropic"

    def __init__(
        self, *, api_key: str, base_url: str | None, timeout_s: float, max_retries: int
    ) -> None:
        import anthropic

        self._anthropic = anthropic
        self._client = anthropic.Anthropic(
            api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=max_retries
        )
        # The endpoint the client really calls (ANTHROPIC_BASE_URL when ai.base_url is unset):
        # part of the AI cache key.
        self.base_url: str | None = str(self._client.base_url).rstrip("/")
        # Recent SDKs (and the API behind them) no longer take a temperature: send it only to
        # an SDK that still declares it.
        create = type(self._client.messages).create
        self._supports_temperature = "temperature" in inspect.signature(create).parameters

    def complete(self, request: ChatRequest, ctx: StepContext) -> ChatResponse:
        errors = self._anthropic
        params: dict[str, Any] = {
            "model": request.model or "",
            "max_tokens": request.max_output_tokens,
            "system": [
                {"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}
            ],
            "messages": [{"role": "user", "content": request.user}],
        }
        if self._supports_temperature:
            params["temperature"] = request.temperature
        try:
            message = self._client.messages.create(**params)
        except errors.APITimeoutError:
            raise ProviderError("the request timed out (ai.timeout_s)") from None
        except errors.APIStatusError as exc:
            raise ProviderError(f"HTTP {exc.status_code}: {_short(exc.message)}") from None
        except errors.APIConnectionError as exc:
            raise ProviderError(f"cannot connect: {_short(str(exc))}") from None
        except errors.AnthropicError as exc:
            raise ProviderError(_short(str(exc))) from None
        return _response(message, request)


def _response(message: Any, request: ChatRequest) -> ChatResponse:
    blocks = getattr(message, "content", None) or []
    text = "".join(getattr(b, "text", "") for b in blocks if getattr(b, "type", "") == "text")
    usage = message.usage
    tokens_in = (
        int(usage.input_tokens or 0)
        + int(getattr(usage, "cache_read_input_tokens", 0) or 0)
        + int(getattr(usage, "cache_creation_input_tokens", 0) or 0)
    )
    stop = message.stop_reason
    return ChatResponse(
        text=text,
        model=getattr(message, "model", None) or request.model,
        tokens_in=tokens_in,
        tokens_out=int(usage.output_tokens or 0),
        finish_reason=stop,
        truncated=stop == "max_tokens",
        refused=stop == "refusal",
    )
