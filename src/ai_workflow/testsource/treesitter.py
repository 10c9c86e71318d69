"""tree-sitter parsers for JavaScript, TypeScript (and TSX) and Go, loaded once.

The grammars are ordinary dependencies; should one be missing from a broken install, `parse`
returns None and the callers judge nothing rather than guess.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from functools import cache
from pathlib import PurePosixPath
from typing import Any

GRAMMARS = {  # grammar name -> (module, function returning the language pointer)
    "javascript": ("tree_sitter_javascript", "language"),
    "typescript": ("tree_sitter_typescript", "language_typescript"),
    "tsx": ("tree_sitter_typescript", "language_tsx"),
    "go": ("tree_sitter_go", "language"),
}
SUFFIX_GRAMMAR = {
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
}

Node = Any  # tree_sitter.Node; typed loosely so the grammars stay optional at import time


@cache
def _parser(grammar: str) -> Any:
    try:
        tree_sitter = importlib.import_module("tree_sitter")
        module_name, function = GRAMMARS[grammar]
        language = tree_sitter.Language(getattr(importlib.import_module(module_name), function)())
        return tree_sitter.Parser(language)
    except (ImportError, AttributeError, ValueError, TypeError):
        return None


def available(grammar: str) -> bool:
    return _parser(grammar) is not None


def grammar_for(path: str) -> str | None:
    return SUFFIX_GRAMMAR.get(PurePosixPath(path).suffix)


def parse(text: str, path: str) -> Node | None:
    """The root node of `text` parsed by the grammar for `path`'s suffix, or None."""
    grammar = grammar_for(path)
    parser = _parser(grammar) if grammar else None
    if parser is None:
        return None
    return parser.parse(text.encode("utf-8", errors="replace")).root_node


def text(node: Node) -> str:
    raw = node.text
    return raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else ""


def line(node: Node) -> int:
    return int(node.start_point[0]) + 1


def walk(node: Node) -> Iterator[Node]:
    """`node` and all its descendants, depth first (a tree cursor: no child lists built)."""
    cursor = node.walk()
    while True:
        yield cursor.node
        if cursor.goto_first_child():
            continue
        while not cursor.goto_next_sibling():
            if not cursor.goto_parent():
                return


def string_value(node: Node) -> str | None:
    """The value of a plain string literal (JS string, template without substitutions, Go)."""
    if node.type in ("string", "interpreted_string_literal", "raw_string_literal"):
        return text(node)[1:-1]
    if node.type == "template_string" and not any(
        c.type == "template_substitution" for c in node.children
    ):
        return text(node)[1:-1]
    return None
