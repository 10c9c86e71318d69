"""Lookups in parsed JSON, TOML or YAML documents, where any level may be missing or of the
wrong type (a project's manifests are not trusted to have the expected shape)."""

from __future__ import annotations

from typing import Any


def dig(data: Any, *keys: str) -> Any:
    """The value at `keys` (`dig(doc, "tool", "poetry", "name")`), None where a level is not a
    table or lacks the key."""
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def dig_table(data: Any, *keys: str) -> dict[str, Any]:
    """The table at `keys`, {} when it is missing or not a table."""
    node = dig(data, *keys)
    return node if isinstance(node, dict) else {}
