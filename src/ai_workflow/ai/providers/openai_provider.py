"""Any OpenAI-compatible chat-completions endpoint, through the official `openai` SDK.

The SDK retries 408/409/429/5xx and connection errors itself with exponential backoff,
honouring `Retry-After`; `ai.max_retries` and `ai.timeout_s` are passed to it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ai_workflow.ai.providers.base import ChatRequest, ChatResponse, ProviderError
from ai_workflow.ai.tokens import default_counter
from ai_workflow.engine.step import StepContext

NO_KEY = "unused"  # local servers (Ollama, vLLM, llama.cpp) accept any key


OPENAI_API_HOST = "api.openai.com"


def is_openai_api(base_url: str | None) -> bool:
    """Whether `base_url` is OpenAI's own API (not an OpenAI-compatible server)."""
    if not base_url:
        return True
    host = urlsplit(base_url).hostname or ""
    return host == OPENAI_API_HOST


class OpenAIProvider:
    name = "openai"

    def __init__(
        self, *, api_key: str, base_url: str | None, timeout_s: float, max_retries: int
    ) -> None:
        import openai

        self._openai = openai
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=max_retries
        )
        # The endpoint the client really calls (the SDK falls back to OPENAI_BASE_URL, then
        # api.openai.com): part of the AI cache key, so server B never gets server A's answer.
        self.base_url: str | None = str(self._client.base_url).rstrip("/")

    def _params(self, request: ChatRequest) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": request.model,
            "messages": [
                {"role": "system", "content": request.system},
                {"role": "user", "content": request.user},
            ],
            "temperature": request.temperature,
        }
        # OpenAI's own API wants max_completion_tokens (max_tokens is deprecated there and
        # refused by reasoning models); compatible servers (vLLM, Ollama, llama.cpp...) know
        # the classic max_tokens.
        limit_key = "max_completion_tokens" if is_openai_api(self.base_url) else "max_tokens"
        params[limit_key] = request.max_output_tokens
        return params

    def complete(self, request: ChatRequest, ctx: StepContext) -> ChatResponse:
        try:
            completion = self._client.chat.completions.create(**self._params(request))
        except self._openai.APITimeoutError:
            raise ProviderError("the request timed out (ai.timeout_s)") from None
        except self._openai.APIStatusError as exc:
            raise ProviderError(f"HTTP {exc.status_code}: {_short(exc.message)}") from None
        except self._openai.APIConnectionError as exc:
            raise ProviderError(f"cannot connect: {_short(str(exc))}") from None
        except self._openai.OpenAIError as exc:
            raise ProviderError(_short(str(exc))) from None
        return _response(completion, request)


def _response(completion: Any, request: ChatRequest) -> ChatResponse:
    choices = getattr(completion, "choices", None) or []
    if not choices:
        raise ProviderError("the response has no choices")
    choice = choices[0]
    message = choice.message
    text = message.content or ""
    usage = getattr(completion, "usage", None)
    tokens_in = getattr(usage, "prompt_tokens", None)
    tokens_out = getattr(usage, "completion_tokens", None)
    estimated = tokens_in is None or tokens_out is None
    counter = default_counter()
    return ChatResponse(
        text=text,
        model=getattr(completion, "model", None) or request.model,
        tokens_in=int(tokens_in)
        if tokens_in is not None
        else counter.count(request.system) + counter.count(request.user),
        tokens_out=int(tokens_out) if tokens_out is not None else counter.count(text),
        finish_reason=choice.finish_reason,
        truncated=choice.finish_reason == "length",
        refused=choice.finish_reason == "content_filter" or bool(getattr(message, "refusal", None)),
        usage_estimated=estimated,
    )


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
