"""Anthropic's Messages API through the official `anthropic` SDK.

Structured output: the answer's JSON schema is the `input_schema` of one tool the model is made
to call (`tool_choice`), and the tool call's input is the answer. The system prompt (the static
persona instructions) is marked for provider-side prompt caching. The SDK retries
408/409/429/5xx with exponential backoff, honouring `Retry-After`, and each retry is written to
the step log; until the API has answered once, a request goes without retries, so a refused
connection costs one attempt. An HTTP 200 whose body is no message is retried here as often,
and an answer over `ai.max_answer_kb` is cut and marked (see `base`). With `stream`, the answer
arrives as server-sent events and `progress` hears the token count; a timeout closes the stream.
"""

from __future__ import annotations

import inspect
import json
import threading
import time
from typing import Any

from ai_workflow.ai.providers.base import (
    DEFAULT_MAX_ANSWER_BYTES,
    ChatRequest,
    ChatResponse,
    ContextExceeded,
    MalformedAnswer,
    Progress,
    ProviderError,
    ProviderUnreachable,
    WindowBook,
    complete_guarded,
)
from ai_workflow.ai.providers.openai_provider import FIRST_RETRY_WAIT_S, _count, _refused, _short
from ai_workflow.ai.providers.server import Window, is_context_error, window_from_error
from ai_workflow.ai.tokens import ESTIMATE, TokenCounter
from ai_workflow.engine.step import StepContext

ANSWER_TOOL = "report_review"
DEFAULT_MODEL = "claude-haiku-4-5"


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
        stream: bool = False,
        context_window: int | None = None,
    ) -> None:
        import anthropic

        self._anthropic = anthropic
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.max_answer_bytes = max_answer_bytes
        self.stream = stream
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
        self.windows = WindowBook(context_window, lambda model: None)
        self.unreachable: str | None = None
        self._first = threading.Lock()
        self._settled = False
        self.format_mode = "tool"

    def default_model(self) -> str | None:
        return DEFAULT_MODEL

    def context_window(self, model: str | None) -> Window:
        return self.windows.get(model)

    def learn_window(self, model: str | None, tokens: int) -> None:
        self.windows.learn(model, tokens)

    def token_counter(self, model: str | None) -> TokenCounter:
        return ESTIMATE  # Claude's tokenizer is not public: the estimate does not undercount

    def complete(
        self, request: ChatRequest, ctx: StepContext, progress: Progress | None = None
    ) -> ChatResponse:
        return complete_guarded(
            lambda: self._call(request, progress),
            unreachable=self.unreachable,
            log=ctx.log,
            retries=self.max_retries,
            max_answer_bytes=self.max_answer_bytes,
        )

    def _params(self, request: ChatRequest) -> dict[str, Any]:
        messages: list[dict[str, Any]] = [
            {"role": m["role"], "content": m["content"]} for m in request.messages()[1:]
        ]
        params: dict[str, Any] = {
            "model": request.model or "",
            "max_tokens": request.max_output_tokens,
            "system": [
                {"type": "text", "text": request.system, "cache_control": {"type": "ephemeral"}}
            ],
            "messages": messages,
        }
        if request.schema is not None:
            params["tools"] = [
                {
                    "name": ANSWER_TOOL,
                    "description": "Report the review: the JSON object the instructions describe.",
                    "input_schema": request.schema,
                }
            ]
            params["tool_choice"] = {"type": "tool", "name": ANSWER_TOOL}
        if self._supports_temperature:
            params["temperature"] = request.temperature
        return params

    def _call(self, request: ChatRequest, progress: Progress | None) -> ChatResponse:
        if self._settled:
            return self._attempt(self._client, request, progress)
        with self._first:
            if self._settled:
                return self._attempt(self._client, request, progress)
            try:
                response = self._attempt(
                    self._client.with_options(max_retries=0), request, progress, first=True
                )
            except _FirstFailed as failed:
                self._settled = True
                if self.max_retries == 0:
                    raise failed.error from None
                time.sleep(FIRST_RETRY_WAIT_S)
                retried = self._client.with_options(max_retries=self.max_retries - 1)
                return self._attempt(retried, request, progress)
            self._settled = True
            return response

    def _attempt(
        self, client: Any, request: ChatRequest, progress: Progress | None, first: bool = False
    ) -> ChatResponse:
        errors = self._anthropic
        try:
            if self.stream:
                return self._streamed(client, request, progress)
            return _response(client.messages.create(**self._params(request)), request)
        except ValueError as exc:  # the body is no JSON (json.JSONDecodeError)
            raise MalformedAnswer(
                f"HTTP 200 with a body that is no JSON: {_short(str(exc))}"
            ) from None
        except errors.APITimeoutError:
            raise ProviderError(
                f"the request to {self.base_url} timed out after {self.timeout_s:g}s (ai.timeout_s)"
            ) from None
        except errors.APIStatusError as exc:
            message = _short(exc.message)
            if exc.status_code in (400, 413) and is_context_error(exc.message, exc.body):
                window = window_from_error(exc.message, exc.body)
                raise ContextExceeded(f"HTTP {exc.status_code}: {message}", window) from None
            error = ProviderError(f"HTTP {exc.status_code} from {self.base_url}: {message}")
            if first and (exc.status_code >= 500 or exc.status_code in (408, 409, 429)):
                raise _FirstFailed(error) from None
            raise error from None
        except errors.APIConnectionError as exc:
            if _refused(exc):
                self.unreachable = f"cannot connect to {self.base_url}: connection refused"
                raise ProviderUnreachable(self.unreachable) from None
            error = ProviderError(f"cannot connect to {self.base_url}: {_short(str(exc))}")
            if first:
                raise _FirstFailed(error) from None
            raise error from None
        except errors.AnthropicError as exc:
            raise ProviderError(_short(str(exc))) from None

    def _streamed(
        self, client: Any, request: ChatRequest, progress: Progress | None
    ) -> ChatResponse:
        deadline = time.monotonic() + self.timeout_s
        received = 0
        with client.messages.stream(**self._params(request)) as stream:
            for event in stream:
                if time.monotonic() > deadline:
                    raise ProviderError(
                        f"the answer from {self.base_url} took over {self.timeout_s:g}s "
                        "(ai.timeout_s): stream closed"
                    )  # leaving the block closes the stream
                if getattr(event, "type", "") == "content_block_delta":
                    received += 1
                    if progress is not None:
                        progress(received)
            message = stream.get_final_message()
        return _response(message, request)


class _FirstFailed(Exception):
    def __init__(self, error: ProviderError) -> None:
        super().__init__(str(error))
        self.error = error


def _response(message: Any, request: ChatRequest) -> ChatResponse:
    """The answer in a message (the answer tool's input, else its text); MalformedAnswer when
    it has none of the expected shape."""
    blocks = getattr(message, "content", None)
    stop = getattr(message, "stop_reason", None)
    if not isinstance(blocks, list) or not isinstance(stop, str | None):
        raise MalformedAnswer("HTTP 200 with a body that holds no message")
    tool_inputs = [
        getattr(b, "input", None)
        for b in blocks
        if getattr(b, "type", "") == "tool_use" and getattr(b, "name", "") == ANSWER_TOOL
    ]
    if tool_inputs and isinstance(tool_inputs[0], dict):
        text = json.dumps(tool_inputs[0], ensure_ascii=False)
    else:
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
