"""Any OpenAI-compatible chat-completions endpoint, through the official `openai` SDK.

The SDK retries 408/409/429/5xx and connection errors itself with exponential backoff,
honouring `Retry-After`; `ai.max_retries` and `ai.timeout_s` are passed to it. An HTTP 200 whose
body is no chat completion (not JSON, no choices, no message) is retried the same number of
times here; an answer over `ai.max_answer_kb` is cut and marked (see `base`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from ai_workflow.ai.providers.base import (
    DEFAULT_MAX_ANSWER_BYTES,
    ChatRequest,
    ChatResponse,
    MalformedAnswer,
    ProviderError,
    retry_malformed,
)
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
        self,
        *,
        api_key: str,
        base_url: str | None,
        timeout_s: float,
        max_retries: int,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
    ) -> None:
        import openai

        self._openai = openai
        self.max_retries = max_retries
        self.max_answer_bytes = max_answer_bytes
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
        response = retry_malformed(lambda: self._call(request), self.max_retries)
        return response.capped(self.max_answer_bytes)

    def _call(self, request: ChatRequest) -> ChatResponse:
        try:
            completion = self._client.chat.completions.create(**self._params(request))
        except ValueError as exc:  # the body is no JSON (json.JSONDecodeError)
            raise MalformedAnswer(
                f"HTTP 200 with a body that is no JSON: {_short(str(exc))}"
            ) from None
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
    """The answer in a completion; MalformedAnswer when it has none of the expected shape."""
    choices = getattr(completion, "choices", None)
    if not isinstance(choices, list) or not choices:
        raise MalformedAnswer("HTTP 200 with a body that has no choices")
    choice = choices[0]
    message = getattr(choice, "message", None)
    text = getattr(message, "content", None)
    finish = getattr(choice, "finish_reason", None)
    if message is None or not isinstance(text, str | None) or not isinstance(finish, str | None):
        raise MalformedAnswer("HTTP 200 with a body that holds no chat message")
    text = text or ""
    usage = getattr(completion, "usage", None)
    tokens_in = _count(getattr(usage, "prompt_tokens", None))
    tokens_out = _count(getattr(usage, "completion_tokens", None))
    estimated = tokens_in is None or tokens_out is None
    counter = default_counter()
    model = getattr(completion, "model", None)
    return ChatResponse(
        text=text,
        model=model if isinstance(model, str) and model else request.model,
        tokens_in=int(tokens_in)
        if tokens_in is not None
        else counter.count(request.system) + counter.count(request.user),
        tokens_out=int(tokens_out) if tokens_out is not None else counter.count(text),
        finish_reason=finish,
        truncated=finish == "length",
        refused=finish == "content_filter" or bool(getattr(message, "refusal", None)),
        usage_estimated=estimated,
    )


def _count(value: Any) -> int | None:
    """A token count the provider reported, None when it reported none (or nonsense)."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
