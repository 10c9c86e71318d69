"""Which rule ids the product's source emits, read from its syntax tree (no import, no run).

- Literal ids: every string constant shaped `area/name` whose area is a rule area of the
  catalog (`docs/missing-docstring`), plus any string with a `/` in a rule position (so a new
  area is noticed too).
- Rule positions: the first argument (or `rule=`) of `Finding(...)` and `*.add(...)`, a value
  assigned to `rule` or `*_RULE`, and what a function named `*rule_id` returns. There, an f-string
  `f"ruff/{code}"` declares the family `ruff/`, and `f"{name}/tool-failed"` a suffix that
  catalog ids may end with (`ruff/tool-failed`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ai_workflow

SOURCE = Path(ai_workflow.__file__).resolve().parent
RULE_ID = re.compile(r"[a-z][a-z0-9_]*/[a-z0-9][a-z0-9-]*")
FAMILY_HEAD = re.compile(r"([a-z][a-z0-9_]*/)[A-Za-z]*")


@dataclass
class Emitted:
    literals: dict[str, set[str]] = field(default_factory=dict)  # id -> files
    positioned: dict[str, set[str]] = field(default_factory=dict)  # any constant in a rule spot
    families: dict[str, set[str]] = field(default_factory=dict)  # "ruff/" -> files
    suffixes: dict[str, set[str]] = field(default_factory=dict)  # "/tool-failed" -> files


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            value = body[0].value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found.add(id(value))
    return found


def _alternatives(node: ast.AST | None) -> Iterator[ast.AST]:
    """The values an expression may take: both arms of `a if c else b`, a tuple's first item."""
    if isinstance(node, ast.IfExp):
        yield from _alternatives(node.body)
        yield from _alternatives(node.orelse)
    elif isinstance(node, ast.Tuple) and node.elts:
        yield from _alternatives(node.elts[0])
    elif node is not None:
        yield node


def _rule_positions(tree: ast.AST) -> Iterator[ast.AST]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("Finding", "add"):
                if node.args:
                    yield from _alternatives(node.args[0])
                yield from (
                    v for k in node.keywords if k.arg == "rule" for v in _alternatives(k.value)
                )
        elif isinstance(node, ast.Assign):
            names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            if any(n == "rule" or n.endswith("_RULE") for n in names):
                yield from _alternatives(node.value)
        elif isinstance(node, ast.FunctionDef) and node.name.endswith("rule_id"):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Return):
                    yield from _alternatives(inner.value)


def scan(areas: set[str], root: Path = SOURCE) -> Emitted:
    """What the source under `root` emits; `areas` are the catalog's rule areas (`docs`)."""
    out = Emitted()
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skip
            ):
                value = node.value
                if RULE_ID.fullmatch(value) and value.split("/")[0] in areas:
                    out.literals.setdefault(value, set()).add(rel)
        for node in _rule_positions(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if "/" in node.value:
                    out.positioned.setdefault(node.value, set()).add(rel)
            elif isinstance(node, ast.JoinedStr):
                _fstring(node, rel, out)
    return out


def _fstring(node: ast.JoinedStr, rel: str, out: Emitted) -> None:
    first, last = node.values[0], node.values[-1]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        head = FAMILY_HEAD.fullmatch(first.value)
        key = head.group(1) if head else f"<unrecognised f-string {first.value!r}...>"
        out.families.setdefault(key, set()).add(rel)
    elif isinstance(last, ast.Constant) and isinstance(last.value, str) and "/" in last.value:
        out.suffixes.setdefault(last.value[last.value.index("/") :], set()).add(rel)
    else:
        out.families.setdefault(f"<unrecognised f-string in {rel}>", set()).add(rel)
