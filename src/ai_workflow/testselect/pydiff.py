"""What a change to a Python file can reach: only the bodies of some functions, or more.

A function's body runs only when the function is called, so a change confined to function
bodies can only affect the tests that ran those functions (or ran them at import time, which
the caller checks). Anything else (an import, a constant, a class attribute, a decorator, a
default value, a removed definition) is module-level code: it runs when the module is
imported, and its effects reach every test that imported it. Docstrings and comments count
for nothing here (doctests are collected from their files, which then run whole).

One module-level change is narrower: statements only *added* at module level (the old ones all
still there, in order, unchanged) that only bind new names, none bound anywhere in the old
module, none a built-in's and none a dunder, where each is an inert definition or an import.
An existing test cannot have used a name that did not exist, so such an addition reaches no
existing test, provided defining it has no side effect: a function without decorators whose
defaults are constants and whose annotations are not evaluated (`from __future__ import
annotations`, or constants), or a class without decorators or keywords whose bases are
built-in names and whose body holds only such functions (`staticmethod`, `classmethod` and
`property` allowed), constant assignments and docstrings. Imports are kept for the caller
(`PyChange.imports`), which knows which modules were already loaded; a module with a star
import, and one whose `__getattr__` could have answered the new name, are the caller's too.
"""

from __future__ import annotations

import ast
import builtins
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
    added: list[str] = field(default_factory=list)  # names bound by added definitions/imports
    imports: list[list[Any]] = field(default_factory=list)  # added imports (see `_top_kind`)


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
    lazy = _future_annotations(tree)
    bound = sorted(_bound_names(tree))
    star = any(
        isinstance(n, ast.ImportFrom) and any(a.name == "*" for a in n.names)
        for n in ast.walk(tree)
    )
    skeleton = _skeleton(tree)
    top = [[_hash(ast.dump(stmt)), _top_kind(stmt, lazy)] for stmt in skeleton.body]
    return {
        "skeleton": _hash(ast.dump(skeleton)),
        "bodies": bodies,
        "top": top,
        "bound": bound,
        "star": star,
    }


def compare(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> PyChange:
    """How the version fingerprinted `new` differs from the one fingerprinted `old`."""
    if old is None or new is None:
        return PyChange(True, why="added, removed or not parseable")
    old_bodies, new_bodies = old.get("bodies") or {}, new.get("bodies") or {}
    changed = {name for name, body in new_bodies.items() if old_bodies.get(name) != body}
    if old.get("skeleton") != new.get("skeleton"):
        added = _additions(old, new)
        if added is None:
            return PyChange(True, why="module-level code changed")
        names, imports = added
        why = "only new definitions or imports added at module level"
        return PyChange(False, changed, why, added=names, imports=imports)
    return PyChange(False, changed)


def _additions(
    old: Mapping[str, Any], new: Mapping[str, Any]
) -> tuple[list[str], list[list[Any]]] | None:
    """The names bound and the imports of the statements `new` only adds to `old` at module
    level, or None when the change is anything else (or a fingerprint predates `top`)."""
    old_top, new_top = old.get("top"), new.get("top")
    if old_top is None or new_top is None or old.get("bound") is None:
        return None
    taken = set(old["bound"]) | BUILTIN_NAMES
    remaining = iter(h for h, _ in old_top)
    wanted = next(remaining, None)
    names: list[str] = []
    imports: list[list[Any]] = []
    for digest, kind in new_top:
        if digest == wanted:
            wanted = next(remaining, None)
            continue
        if not kind:
            return None
        bound = kind[1] if kind[0] == "def" else [alias[1] for alias in kind[4]]
        if isinstance(bound, str):
            bound = [bound]
        if any(n in taken or n in names or n.startswith("__") for n in bound):
            return None
        names += bound
        if kind[0] == "import":
            imports.append(kind)
    if wanted is not None:  # an old statement is gone or changed
        return None
    return names, imports


BUILTIN_NAMES = frozenset(dir(builtins))
INERT_DECORATORS = frozenset({"staticmethod", "classmethod", "property"})


def _top_kind(stmt: ast.stmt, lazy: bool) -> list[Any] | None:
    """What a module-level statement is, for `_additions`: ["def", name] (an inert function or
    class), ["import", level, module, is_from, [[name, bound name], ...]], or None."""
    if isinstance(stmt, FunctionNode | ast.ClassDef) and _inert(stmt, lazy, top=True):
        return ["def", stmt.name]
    if isinstance(stmt, ast.Import):
        pairs = [[a.name, a.asname or a.name.split(".")[0]] for a in stmt.names]
        return ["import", 0, "", False, pairs]
    if isinstance(stmt, ast.ImportFrom) and all(a.name != "*" for a in stmt.names):
        pairs = [[a.name, a.asname or a.name] for a in stmt.names]
        return ["import", stmt.level, stmt.module or "", True, pairs]
    return None


def _inert(node: ast.stmt, lazy: bool, top: bool) -> bool:
    """Whether defining `node` runs nothing but building the function or class."""
    if isinstance(node, FunctionNode):
        if top and node.decorator_list:
            return False
        if not all(_inert_decorator(d) for d in node.decorator_list):
            return False
        args = node.args
        defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
        if not all(_constant(d) for d in defaults):
            return False
        return lazy or all(_constant(a) for a in _annotations(node) if a is not None)
    if isinstance(node, ast.ClassDef):
        if node.decorator_list or node.keywords:
            return False
        if not all(isinstance(b, ast.Name) and b.id in BUILTIN_NAMES for b in node.bases):
            return False
        return all(_inert_member(stmt, lazy) for stmt in node.body)
    return False


def _inert_member(stmt: ast.stmt, lazy: bool) -> bool:
    if isinstance(stmt, ast.Pass) or _is_docstring(stmt):
        return True
    if isinstance(stmt, FunctionNode | ast.ClassDef):
        return _inert(stmt, lazy, top=False)
    if isinstance(stmt, ast.Assign):
        names = all(isinstance(t, ast.Name) for t in stmt.targets)
        return names and _constant(stmt.value)
    if isinstance(stmt, ast.AnnAssign):
        value_ok = stmt.value is None or _constant(stmt.value)
        return (
            isinstance(stmt.target, ast.Name) and value_ok and (lazy or _constant(stmt.annotation))
        )
    return False


def _inert_decorator(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return node.id in INERT_DECORATORS
    return (
        isinstance(node, ast.Attribute)
        and node.attr in ("setter", "getter", "deleter")
        and isinstance(node.value, ast.Name)
    )


def _constant(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return isinstance(node.operand, ast.Constant)
    if isinstance(node, ast.Tuple):
        return all(_constant(e) for e in node.elts)
    return False


def _annotations(node: FunctionNode) -> list[ast.expr | None]:
    args = node.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]
    return [a.annotation for a in every if a is not None] + [node.returns]


def _is_docstring(stmt: ast.stmt) -> bool:
    return (
        isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _future_annotations(tree: ast.Module) -> bool:
    return any(
        isinstance(stmt, ast.ImportFrom)
        and stmt.module == "__future__"
        and any(a.name == "annotations" for a in stmt.names)
        for stmt in tree.body
    )


def _bound_names(tree: ast.Module) -> set[str]:
    """Every name the module binds or could bind as a global: anywhere outside function
    bodies, plus the names functions declare `global`, plus `__getattr__`/`__dir__` markers."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Global):
            names.update(node.names)
    pending: list[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, FunctionNode | ast.ClassDef):
            names.add(node.name)
            pending.extend(node.decorator_list)
            if isinstance(node, ast.ClassDef):
                pending.extend([*node.bases, *node.keywords])
            else:
                pending.append(node.args)  # defaults run at module level (a walrus binds)
            continue  # what a function or class body binds is not a module global
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler | ast.MatchAs | ast.MatchStar) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
        pending.extend(ast.iter_child_nodes(node))
    return names


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
    return body[1:] if body and _is_docstring(body[0]) else body


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
