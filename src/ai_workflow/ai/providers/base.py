"""What every provider takes and returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from ai_workflow.engine.step import StepContext


class ProviderError(Exception):
    """A call failed after the provider's retries: the step's AI part becomes a warning."""


class ProviderUnavailable(Exception):
    """The provider cannot be used at all (no key, SDK missing): the AI part is skipped."""


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

    @property
    def cacheable(self) -> bool:
        return not (self.truncated or self.refused) and bool(self.text.strip())

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
        )


class Provider(Protocol):
    name: str
    base_url: str | None

    def complete(self, request: ChatRequest, ctx: StepContext) -> ChatResponse: ...
