"""What every provider takes and returns, and the limits every provider applies to answers.

An answer longer than `ai.max_answer_kb` is cut to that size and marked `oversized`: never
cached (one 8 MB answer per step grew `.ai_workflow/` by 200 MB in one run). An HTTP 200 whose
body is no well-formed answer is a provider failure and is retried with backoff, like a 500.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from ai_workflow.ai.providers.retry_log import step_log_scope
from ai_workflow.ai.providers.server import DEFAULT_WINDOW, Window, known_window
from ai_workflow.ai.tokens import TokenCounter
from ai_workflow.engine.step import StepContext

DEFAULT_MAX_ANSWER_BYTES = 256 * 1024
RETRY_BACKOFF_S = 0.5  # first wait before retrying a malformed answer; doubles, at most 8 s
RETRY_BACKOFF_MAX_S = 8.0
T = TypeVar("T")


class ProviderError(Exception):
    """A call failed after the provider's retries: the step's AI part becomes a warning."""


class ProviderUnavailable(Exception):
    """The provider cannot be used at all (no key, SDK missing): the AI part is skipped."""


class MalformedAnswer(ProviderError):
    """The provider answered (HTTP 200) with something that is no well-formed answer."""


class ProviderUnreachable(ProviderError):
    """Nothing listens at the provider's address (connection refused): asking again in the
    same run cannot help, so the reviewer stops sending after the first attempt."""


class ContextExceeded(ProviderError):
    """The server refused the prompt as longer than the model's context window; `window` is
    the window its error named, when it named one."""

    def __init__(self, message: str, window: int | None) -> None:
        super().__init__(message)
        self.window = window


Progress = Callable[[int], None]
"""Called while an answer streams in, with the number of tokens received so far."""

REPAIR_INSTRUCTION = (
    "Your previous answer could not be used: {error}. Answer again with only the JSON object "
    "described in the instructions (no prose, no Markdown fence)."
)


def retry_malformed(
    call: Callable[[], T], retries: int, sleep: Callable[[float], None] = time.sleep
) -> T:
    """`call()`, called again (at most `retries` times, with exponential backoff) while it
    raises MalformedAnswer; the last one is raised."""
    for attempt in range(retries + 1):
        try:
            return call()
        except MalformedAnswer:
            if attempt == retries:
                raise
            sleep(min(RETRY_BACKOFF_S * 2**attempt, RETRY_BACKOFF_MAX_S))
    raise AssertionError("unreachable")


def complete_guarded(
    call: Callable[[], ChatResponse],
    *,
    unreachable: str | None,
    log: Callable[[str], None],
    retries: int,
    max_answer_bytes: int,
) -> ChatResponse:
    """What every SDK provider's `complete` does around its own call: refuse at once once the
    server was found unreachable, log SDK retries to the step's log, ask again while the body
    is no JSON, cap the answer."""
    if unreachable:
        raise ProviderUnreachable(unreachable)
    with step_log_scope(log):
        response = retry_malformed(call, retries)
    return response.capped(max_answer_bytes)


@dataclass(frozen=True)
class ChatRequest:
    """One model call. Everything that can change the answer is here, and so in the cache key."""

    provider: str
    base_url: str | None
    model: str | None
    system: str
    user: str
    temperature: float
    max_output_tokens: int
    template: str  # "<step id>@<template version>"
    schema: dict[str, Any] | None = None  # the JSON schema the answer must follow
    repair: tuple[str, str] | None = None  # (the unusable answer, why): ask once more

    def messages(self) -> list[dict[str, str]]:
        """System and user message; for a repair, the unusable answer and what was wrong."""
        messages = [
            {"role": "system", "content": self.system},
            {"role": "user", "content": self.user},
        ]
        if self.repair is not None:
            answer, error = self.repair
            messages.append({"role": "assistant", "content": answer})
            messages.append({"role": "user", "content": REPAIR_INSTRUCTION.format(error=error)})
        return messages

    def key_material(self) -> dict[str, Any]:
        material: dict[str, Any] = {
            "provider": self.provider,
            "base_url": self.base_url,
            "model": self.model,
            "temperature": self.temperature,
            "max_output_tokens": self.max_output_tokens,
            "messages": self.messages(),
            "template": self.template,
        }
        if self.schema is not None:
            material["response_schema"] = self.schema
        return material


@dataclass(frozen=True)
class ChatResponse:
    text: str
    model: str | None
    tokens_in: int
    tokens_out: int
    finish_reason: str | None = None
    truncated: bool = False  # the answer hit the output limit
    refused: bool = False  # the model or a content filter declined
    usage_estimated: bool = False  # the provider reported no usage: counted locally
    oversized: bool = False  # longer than ai.max_answer_kb: `text` was cut to it

    @property
    def cacheable(self) -> bool:
        cut = self.truncated or self.oversized
        return not (cut or self.refused) and bool(self.text.strip())

    def capped(self, limit_bytes: int) -> ChatResponse:
        """This answer, cut to `limit_bytes` of UTF-8 and marked `oversized` if longer."""
        data = self.text.encode("utf-8", "surrogatepass")
        if len(data) <= limit_bytes:
            return self
        text = data[:limit_bytes].decode("utf-8", "ignore")  # never half a character
        return dataclasses.replace(self, text=text, oversized=True)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "model": self.model,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "finish_reason": self.finish_reason,
            "truncated": self.truncated,
            "refused": self.refused,
            "usage_estimated": self.usage_estimated,
            "oversized": self.oversized,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> ChatResponse:
        return cls(
            text=str(raw["text"]),
            model=raw.get("model"),
            tokens_in=int(raw.get("tokens_in", 0)),
            tokens_out=int(raw.get("tokens_out", 0)),
            finish_reason=raw.get("finish_reason"),
            truncated=bool(raw.get("truncated", False)),
            refused=bool(raw.get("refused", False)),
            usage_estimated=bool(raw.get("usage_estimated", False)),
            oversized=bool(raw.get("oversized", False)),
        )


class Provider(Protocol):
    name: str
    base_url: str | None

    def complete(
        self, request: ChatRequest, ctx: StepContext, progress: Progress | None = None
    ) -> ChatResponse: ...

    def default_model(self) -> str | None:
        """The model used when ai.model is unset (a local server: the first it lists)."""
        ...

    def context_window(self, model: str | None) -> Window:
        """The model's context window in tokens (prompt + answer), and where it comes from."""
        ...

    def learn_window(self, model: str | None, tokens: int) -> None:
        """Remember a window a server's error named, for the rest of the run."""
        ...

    def token_counter(self, model: str | None) -> TokenCounter:
        """The best counter for `model`'s tokens that can be had here."""
        ...


class WindowBook:
    """A provider's knowledge of context windows, per model, for one run: `ai.context_window`,
    else a window learned from an error, else what the server tells (asked once), else the
    table of known models, else the default."""

    def __init__(
        self, configured: int | None, ask_server: Callable[[str | None], Window | None]
    ) -> None:
        self.configured = configured
        self._ask_server = ask_server
        self._lock = threading.Lock()
        self._learned: dict[str | None, int] = {}
        self._told: dict[str | None, Window | None] = {}

    def get(self, model: str | None) -> Window:
        if self.configured:
            return Window(self.configured, "ai.context_window")
        with self._lock:
            if model in self._learned:
                return Window(self._learned[model], "the server's error (learned this run)")
            if model not in self._told:
                self._told[model] = self._ask_server(model)
            told = self._told[model]
        if told is not None:
            return told
        known = known_window(model)
        if known:
            return Window(known, "table of known models")
        return Window(DEFAULT_WINDOW, "default (the server does not tell)")

    def learn(self, model: str | None, tokens: int) -> None:
        with self._lock:
            self._learned[model] = tokens
