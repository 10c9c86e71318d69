"""What every provider takes and returns, and the limits every provider applies to answers.

An answer longer than `ai.max_answer_kb` is cut to that size and marked `oversized`: never
cached (one 8 MB answer per step grew `.ai_workflow/` by 200 MB in one run). An HTTP 200 whose
body is no well-formed answer is a provider failure and is retried with backoff, like a 500.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

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

    def key_material(self) -> dict[str, Any]:
        return {
            "provider": self.provider,
            "base_url": self.base_url,
            "model": self.model,
            "temperature": self.temperature,
            "max_output_tokens": self.max_output_tokens,
            "messages": [
                {"role": "system", "content": self.system},
                {"role": "user", "content": self.user},
            ],
            "template": self.template,
        }


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

    def complete(self, request: ChatRequest, ctx: StepContext) -> ChatResponse: ...
