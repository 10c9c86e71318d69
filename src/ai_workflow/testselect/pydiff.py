"""What a change to a Python file can reach: only the bodies of some functions, or more.

A function's body runs only when the function is called, so a change confined to function
bodies can only affect the tests that ran those functions (or ran them at import time, which
the caller checks). Anything else (an import, a constant, a class attribute, a decorator, a
default value, a new or removed definition) is module-level code: it runs when the module is
imported, and its effects reach every test that imported it. Docstrings and comments count
for nothing here (doctests are collected from their files, which then run whole).
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class PyChange:
    """`module_level`: code outside function bodies changed (or a version cannot be parsed);
    `functions`: the qualified names of the functions whose body changed."""

    module_level: bool
    functions: set[str] = field(default_factory=set)
    why: str = ""


def source_fingerprint(text: str | None) -> dict[str, Any] | None:
    """What `compare` needs of one version of a file: a digest of its module-level code and
    one per function body (None: it does not parse)."""
    if text is None:
        return None
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    bodies = {name: _hash(body) for name, body in _bodies(tree).items()}
    return {"skeleton": _hash(ast.dump(_skeleton(tree))), "bodies": bodies}


def compare(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> PyChange:
    """How the version fingerprinted `new` differs from the one fingerprinted `old`."""
    if old is None or new is None:
        return PyChange(True, why="added, removed or not parseable")
    if old.get("skeleton") != new.get("skeleton"):
        return PyChange(True, why="module-level code changed")
    old_bodies, new_bodies = old.get("bodies") or {}, new.get("bodies") or {}
    changed = {name for name, body in new_bodies.items() if old_bodies.get(name) != body}
    return PyChange(False, changed)


def compare_sources(old: str | None, new: str | None) -> PyChange:
    """How `new` differs from `old` (None: the file did not exist, or is unreadable)."""
    return compare(source_fingerprint(old), source_fingerprint(new))


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:24]


def _bodies(tree: ast.Module) -> dict[str, str]:
    """The dumped body of every function reachable through classes, by qualified name."""
    out: dict[str, str] = {}

    def visit(nodes: list[ast.stmt], prefix: str) -> None:
        for node in nodes:
            if isinstance(node, FunctionNode):
                body = _without_docstring(node.body)
                out[prefix + node.name] = "\n".join(ast.dump(stmt) for stmt in body)
            elif isinstance(node, ast.ClassDef):
                visit(node.body, f"{prefix}{node.name}.")
            else:
                for child in _nested_blocks(node):
                    visit(child, prefix)

    visit(tree.body, "")
    return out


def _nested_blocks(node: ast.stmt) -> list[list[ast.stmt]]:
    """Statement blocks of module-level `if`/`try`/`with` (functions defined under
    `if TYPE_CHECKING:` or `try: ... except ImportError:` keep their qualified names)."""
    blocks: list[list[ast.stmt]] = []
    for name in ("body", "orelse", "finalbody"):
        value = getattr(node, name, None)
        if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
            blocks.append(value)
    for handler in getattr(node, "handlers", []) or []:
        blocks.append(handler.body)
    return blocks


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
        and isinstance(body[0].value.value, str)
    ):
        return body[1:]
    return body


class _Skeleton(ast.NodeTransformer):
    """Function bodies emptied, docstrings removed: what runs at import time."""

    def _function(self, node: FunctionNode) -> FunctionNode:
        for decorator in node.decorator_list:
            self.visit(decorator)
        node.body = [ast.Pass()]
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self._function(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.body = _without_docstring(node.body) or [ast.Pass()]
        self.generic_visit(node)
        return node


def _skeleton(tree: ast.Module) -> ast.Module:
    tree.body = _without_docstring(tree.body)
    result = _Skeleton().visit(tree)
    assert isinstance(result, ast.Module)
    return result
