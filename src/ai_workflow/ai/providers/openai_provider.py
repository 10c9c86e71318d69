"""Any OpenAI-compatible chat-completions endpoint, through the official `openai` SDK.

Structured output: the answer's JSON schema is sent as `response_format: json_schema`. A server
that rejects it (llama-cpp-python answers HTTP 500 "Input should be 'text' or 'json_object'")
gets plain JSON mode (`json_object`, with the schema alongside, which llama-cpp-python turns into
a grammar), and one that rejects that too gets no response_format; what the server took is
remembered for the run.

The SDK retries 408/409/429/5xx and connection errors itself with exponential backoff,
honouring `Retry-After`; `ai.max_retries` and `ai.timeout_s` are passed to it, and each retry is
written to the step log. Until the server has answered once, requests go without SDK retries:
a refused connection (nothing listens there) then costs one attempt and raises
ProviderUnreachable, and a rejected response_format is noticed at once. An HTTP 200 whose body
is no chat completion is retried here as often; an answer over `ai.max_answer_kb` is cut and
marked (see `base`). With `stream`, the answer arrives as server-sent events, `progress` hears
the token count, and a timeout closes the stream, which makes the server stop generating.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any
from urllib.parse import urlsplit

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
from ai_workflow.ai.providers.server import (
    Tokenizer,
    Window,
    find_tokenizer,
    is_context_error,
    list_models,
    server_window,
    window_from_error,
)
from ai_workflow.ai.tokens import ESTIMATE, TokenCounter, openai_counter, remote_counter
from ai_workflow.engine.step import StepContext

NO_KEY = "unused"  # local servers (Ollama, vLLM, llama.cpp) accept any key
OPENAI_API_HOST = "api.openai.com"
OPENAI_DEFAULT_MODEL = "gpt-4o-mini"
FORMAT_MODES = ("json_schema", "json_object", "none")
FIRST_RETRY_WAIT_S = 0.5  # the SDK's first backoff


def is_openai_api(base_url: str | None) -> bool:
    """Whether `base_url` is OpenAI's own API (not an OpenAI-compatible server)."""
    if not base_url:
        return True
    host = urlsplit(base_url).hostname or ""
    return host == OPENAI_API_HOST


def _refused(exc: BaseException) -> bool:
    """Whether a connection error was a refused connection (nothing listens there)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if (
            isinstance(current, ConnectionRefusedError)
            or "connection refused" in str(current).lower()
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


def _rejects_format(message: str) -> bool:
    text = message.lower()
    return "response_format" in text or "json_schema" in text or "json_object" in text


class OpenAIProvider:
    def __init__(
        self,
        *,
        api_key: str,
        base_url: str | None,
        timeout_s: float,
        max_retries: int,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        name: str = "openai",
        preset: str | None = None,
        stream: bool = False,
        context_window: int | None = None,
    ) -> None:
        import openai

        self._openai = openai
        self.name = name
        self.preset = preset
        self.stream = stream
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.max_answer_bytes = max_answer_bytes
        self._client = openai.OpenAI(
            api_key=api_key, base_url=base_url, timeout=timeout_s, max_retries=max_retries
        )
        # The endpoint the client really calls (the SDK falls back to OPENAI_BASE_URL, then
        # api.openai.com): part of the AI cache key, so server B never gets server A's answer.
        self.base_url: str | None = str(self._client.base_url).rstrip("/")
        self.official = is_openai_api(self.base_url)
        self.url: str = self.base_url or ""
        self._lock = threading.Lock()
        self._first = threading.Lock()  # the first request goes alone, without SDK retries
        self._settled = False  # the server has answered once
        self._mode = "json_schema"
        self.unreachable: str | None = None
        self.windows = WindowBook(context_window, self._ask_window)
        self._tokenizer: Tokenizer | bool | None = False  # False: not asked yet
        self._models: list[str] | None = None
        self.note: str | None = None  # a base_url that was fixed: said once per run
        self.requires_model = True  # no model named and none listed: nothing to ask

    # ------------------------------------------------------------ what the server tells

    @property
    def format_mode(self) -> str:
        """The structured-output mode in use: json_schema, json_object or none."""
        return self._mode

    def _ask_window(self, model: str | None) -> Window | None:
        return None if self.official else server_window(self.url, model, self.preset)

    def context_window(self, model: str | None) -> Window:
        return self.windows.get(model)

    def learn_window(self, model: str | None, tokens: int) -> None:
        self.windows.learn(model, tokens)

    def models(self) -> list[str]:
        """The models the server lists (asked once; empty when it does not answer)."""
        with self._lock:
            if self._models is None:
                entries = [] if self.official else list_models(self.url)
                self._models = [str(m["id"]) for m in entries if m.get("id")]
            return list(self._models)

    def default_model(self) -> str | None:
        """gpt-4o-mini on OpenAI's API; on another server the first model it lists."""
        if self.official:
            return OPENAI_DEFAULT_MODEL
        listed = self.models()
        return listed[0] if listed else None

    def token_counter(self, model: str | None) -> TokenCounter:
        if self.official:
            return openai_counter(model)
        with self._lock:
            if self._tokenizer is False:
                self._tokenizer = find_tokenizer(self.url)
            tokenizer = self._tokenizer
        if isinstance(tokenizer, Tokenizer):
            return remote_counter(f"the server's tokenizer ({tokenizer.kind})", tokenizer.count)
        return ESTIMATE

    # ------------------------------------------------------------ one answer

    def _params(self, request: ChatRequest, mode: str | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": request.model,
            "messages": request.messages(),
            "temperature": request.temperature,
        }
        # OpenAI's own API wants max_completion_tokens (max_tokens is deprecated there and
        # refused by reasoning models); compatible servers (vLLM, Ollama, llama.cpp...) know
        # the classic max_tokens.
        limit_key = "max_completion_tokens" if self.official else "max_tokens"
        params[limit_key] = request.max_output_tokens
        mode = mode or self._mode
        if request.schema is not None and mode == "json_schema":
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "answer", "schema": request.schema},
            }
        elif request.schema is not None and mode == "json_object":
            params["response_format"] = {"type": "json_object"}
            if not self.official:  # llama-cpp-python constrains the output to it
                params["response_format"]["schema"] = request.schema
        return params

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

    def _call(self, request: ChatRequest, progress: Progress | None) -> ChatResponse:
        while True:
            if self._settled:
                return self._attempt(self._client, request, progress)
            with self._first:
                if self._settled:
                    continue
                try:
                    response = self._attempt(
                        self._client.with_options(max_retries=0), request, progress
                    )
                except _Retryable as retry:
                    self._settled = True  # it answered: the SDK retries from now on
                    if self.max_retries == 0:
                        raise retry.error from None
                    time.sleep(retry.wait_s)
                    retried = self._client.with_options(max_retries=self.max_retries - 1)
                    return self._attempt(retried, request, progress)
                self._settled = True
                return response

    def _attempt(
        self, client: Any, request: ChatRequest, progress: Progress | None
    ) -> ChatResponse:
        errors = self._openai
        while True:
            mode = self._mode
            try:
                if self.stream:
                    try:
                        return self._streamed(client, request, mode, progress)
                    except _EmptyStream:
                        pass  # asked again without streaming: that shows the server's error
                    except errors.APIConnectionError as exc:
                        if isinstance(exc, errors.APITimeoutError) or _refused(exc):
                            raise
                        # llama-cpp-python drops a stream it cannot serve (a prompt over its
                        # window) before any byte: without streaming, it says why
                    # ...on a new connection: the pool may still hold the one the server cut
                    client = client.with_options(max_retries=max(1, client.max_retries))
                completion = client.chat.completions.create(**self._params(request, mode))
                return _response(completion, request)
            except ValueError as exc:  # the body is no JSON (json.JSONDecodeError)
                raise MalformedAnswer(
                    f"HTTP 200 with a body that is no JSON: {_short(str(exc))}"
                ) from None
            except errors.APITimeoutError:
                raise ProviderError(
                    f"the request to {self.base_url} timed out after {self.timeout_s:g}s "
                    "(ai.timeout_s)"
                ) from None
            except errors.APIStatusError as exc:
                if request.schema is not None and self._degrade(mode, exc.message):
                    continue
                self._raise_status(exc, request)
            except errors.APIConnectionError as exc:
                if _refused(exc):
                    self.unreachable = (
                        f"cannot connect to {self.base_url}: connection refused (is the server "
                        "running?)"
                    )
                    raise ProviderUnreachable(self.unreachable) from None
                error = ProviderError(f"cannot connect to {self.base_url}: {_short(str(exc))}")
                if not self._settled:
                    raise _Retryable(error, FIRST_RETRY_WAIT_S) from None
                raise error from None
            except errors.OpenAIError as exc:
                raise ProviderError(_short(str(exc))) from None

    def _degrade(self, mode: str, message: str) -> bool:
        """Step down from a response_format the server rejected; False when none is left."""
        if mode == "none" or not _rejects_format(message):
            return False
        with self._lock:
            if self._mode == mode:
                self._mode = FORMAT_MODES[FORMAT_MODES.index(mode) + 1]
        return True

    def _raise_status(self, exc: Any, request: ChatRequest) -> None:
        message = _short(re.sub(r"^Error code: \d+ - ", "", str(exc.message)))
        if exc.status_code in (400, 413, 422) and is_context_error(exc.message, exc.body):
            window = window_from_error(exc.message, exc.body)
            raise ContextExceeded(f"HTTP {exc.status_code}: {message}", window) from None
        error = ProviderError(f"HTTP {exc.status_code} from {self.base_url}: {message}")
        if not self._settled and (exc.status_code >= 500 or exc.status_code in (408, 409, 429)):
            raise _Retryable(error, _retry_after(exc.response)) from None
        raise error from None

    def _streamed(
        self, client: Any, request: ChatRequest, mode: str, progress: Progress | None
    ) -> ChatResponse:
        params = self._params(request, mode)
        if self.official:
            params["stream_options"] = {"include_usage": True}
        deadline = time.monotonic() + self.timeout_s
        stream = client.chat.completions.create(**params, stream=True)
        parts: list[str] = []
        finish: str | None = None
        usage: Any = None
        model: Any = None
        received = 0
        try:
            for chunk in stream:
                if time.monotonic() > deadline:
                    raise ProviderError(
                        f"the answer from {self.base_url} took over {self.timeout_s:g}s "
                        "(ai.timeout_s): stream closed, the server stops generating"
                    )
                model = getattr(chunk, "model", None) or model
                usage = getattr(chunk, "usage", None) or usage
                for choice in getattr(chunk, "choices", None) or []:
                    delta = getattr(choice, "delta", None)
                    text = getattr(delta, "content", None)
                    if isinstance(text, str) and text:
                        parts.append(text)
                        received += 1
                    finish = getattr(choice, "finish_reason", None) or finish
                if progress is not None:
                    progress(received)
        except (ProviderError, self._openai.APIStatusError):
            raise
        except Exception as exc:  # the connection broke off inside the stream
            if not parts:
                raise _EmptyStream() from None
            raise ProviderError(
                f"the answer from {self.base_url} broke off after {received} tokens: "
                f"{_short(str(exc)) or type(exc).__name__}"
            ) from None
        finally:
            stream.close()  # on a timeout too: the closed connection stops the generation
        if not parts and finish is None:
            # llama-cpp-python fails a streamed request (a prompt over the window) after its
            # HTTP 200: the stream just ends
            raise _EmptyStream()
        return _build(request, "".join(parts), finish, usage, model, refused=False)


class _EmptyStream(Exception):
    """A stream that ended without a token or a finish reason."""


class _Retryable(Exception):
    """The first request failed in a way the SDK's retries may cure: make it again with them."""

    def __init__(self, error: ProviderError, wait_s: float) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait_s = wait_s


def _retry_after(response: Any) -> float:
    """The wait a 429/503 asks for (Retry-After in seconds, at most a minute), else the SDK's
    first backoff."""
    headers = getattr(response, "headers", None) or {}
    try:
        value = float(headers.get("retry-after", ""))
    except (TypeError, ValueError):
        return FIRST_RETRY_WAIT_S
    return min(max(value, 0.0), 60.0)


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
    refused = bool(getattr(message, "refusal", None))
    usage = getattr(completion, "usage", None)
    model = getattr(completion, "model", None)
    return _build(request, text or "", finish, usage, model, refused=refused)


def _build(
    request: ChatRequest, text: str, finish: Any, usage: Any, model: Any, *, refused: bool
) -> ChatResponse:
    from ai_workflow.ai.tokens import default_counter

    tokens_in = _count(getattr(usage, "prompt_tokens", None))
    tokens_out = _count(getattr(usage, "completion_tokens", None))
    estimated = tokens_in is None or tokens_out is None
    counter = default_counter()
    prompt = "".join(m["content"] for m in request.messages())
    finish = finish if isinstance(finish, str) else None
    return ChatResponse(
        text=text,
        model=model if isinstance(model, str) and model else request.model,
        tokens_in=int(tokens_in) if tokens_in is not None else counter.count(prompt),
        tokens_out=int(tokens_out) if tokens_out is not None else counter.count(text),
        finish_reason=finish,
        truncated=finish == "length",
        refused=finish == "content_filter" or refused,
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
