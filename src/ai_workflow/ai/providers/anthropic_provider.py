"""Anthropic's Messages API through the official `anthropic` SDK.

The system prompt (the static persona instructions) is marked for provider-side prompt
caching. The SDK retries 408/409/429/5xx with exponential backoff, honouring `Retry-After`; an
HTTP 200 whose body is no message is retried here as often, and an answer over
`ai.max_answer_kb` is cut and marked (see `base`).
"""

from __future__ import annotations

import inspect
from typing import Any

from ai_workflow.ai.providers.base import (
    DEFAULT_MAX_ANSWER_BYTES,
    ChatRequest,
    ChatResponse,
    MalformedAnswer,
    ProviderError,
    retry_malformed,
)
from ai_workflow.ai.providers.openai_provider import _count, _short
from ai_workflow.engine.step import StepContext


class AnthropicProvider:
    name = "anthropic"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None,
        timeout_s: float,
        max_retries: int,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        import anthropic

        self._anthropic = anthropic
        self.max_retries = max_retries
        self.max_answer_bytes = max_answer_bytes
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
        response = retry_malformed(lambda: self._call(request), self.max_retries)
        return response.capped(self.max_answer_bytes)

    def _call(self, request: ChatRequest) -> ChatResponse:
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
        except ValueError as exc:  # the body is no JSON (json.JSONDecodeError)
            raise MalformedAnswer(
                f"HTTP 200 with a body that is no JSON: {_short(str(exc))}"
            ) from None
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
    """The answer in a message; MalformedAnswer when it has none of the expected shape."""
    blocks = getattr(message, "content", None)
    stop = getattr(message, "stop_reason", None)
    if not isinstance(blocks, list) or not isinstance(stop, str | None):
        raise MalformedAnswer("HTTP 200 with a body that holds no message")
    texts = [getattr(b, "text", None) for b in blocks if getattr(b, "type", "") == "text"]
    if not all(isinstance(t, str) for t in texts):
        raise MalformedAnswer("HTTP 200 with a message whose text is no text")
    text = "".join(t for t in texts if isinstance(t, str))
    usage = getattr(message, "usage", None)
    tokens_in = sum(
        _count(getattr(usage, name, None)) or 0
        for name in ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
    )
    model = getattr(message, "model", None)
    return ChatResponse(
        text=text,
        model=model if isinstance(model, str) and model else request.model,
        tokens_in=tokens_in,
        tokens_out=_count(getattr(usage, "output_tokens", None)) or 0,
        finish_reason=stop,
        truncated=stop == "max_tokens",
        refused=stop == "refusal",
    )
