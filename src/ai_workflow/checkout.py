"""The checkout's absolute location in what is shared between runs and runners.

Two CI runners (or a moved clone) check out the same commit in different directories. Where
that location ends up in a prompt or a shared result, it is written as `<project>`, so that
runners ask the same question, share the answer, and see their own location in a result
another runner stored.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_PLACEHOLDER = "<project>"


def _locations(target: Path) -> list[str]:
    found = {str(target), os.path.realpath(target)}
    return sorted((loc for loc in found if len(loc) > 1), key=len, reverse=True)


def without_checkout(text: str, target: Path) -> str:
    """`text` with the checkout's location as `<project>` (only where the location ends:
    /tmp/p, not /tmp/p2)."""
    for location in _locations(target):
        text = re.sub(re.escape(location) + r"(?![\w.-])", PROJECT_PLACEHOLDER, text)
    return text


def with_checkout(text: str, target: Path) -> str:
    """The reverse: `<project>` as this checkout's location."""
    return text.replace(PROJECT_PLACEHOLDER, str(target))


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """`value` (JSON-like) with `change` applied to every string, keys of mappings too."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {map_strings(k, change): map_strings(v, change) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [map_strings(v, change) for v in value]
    return value
