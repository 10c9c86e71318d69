"""Which Python definitions the tests reach, through the calls of the code they reach.

Each module is cut into units: its module-level code, and each function, class and method. A
unit is reached when its module is reached and its name is used by a test or by a reached unit
(calls are resolved by name: `obj.method()` reaches every reached module's `method`, which
over-approximates on purpose: "untested" must mean nothing could call it). Module-level code of a
reached module runs on import. Some units run without being named: dunder methods of a reached
class, functions registered by a decorator, and the methods of a class whose base lies outside
the project (the framework calls them).

`behaviourless` lists definitions with no behaviour to test: TypedDicts, Protocols,
NamedTuples, enums, classes without methods (plain data, bare exceptions), `@overload`s,
abstract methods and stub bodies (`...`, `pass`, `raise NotImplementedError`).
"""

from __future__ import annotations

import ast
import builtins
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
DefNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
WORD_RE = re.compile(r"[A-Za-z_]\w*")
PLAIN_DECORATORS = frozenset(
    {
        "property", "staticmethod", "classmethod", "cached_property", "wraps", "cache",
        "lru_cache", "overload", "abstractmethod", "override", "final", "setter", "getter",
        "deleter", "dataclass", "total_ordering", "contextmanager", "asynccontextmanager",
    }
)  # fmt: skip
NON_FRAMEWORK_BASES = frozenset(dir(builtins)) | {
    "Generic", "Protocol", "ABC", "ABCMeta", "NamedTuple", "TypedDict", "Enum", "IntEnum",
    "StrEnum", "Flag", "IntFlag", "Any",
}  # fmt: skip
DATA_BASES = frozenset(
    {"TypedDict", "Protocol", "NamedTuple", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag"}
)
NO_BEHAVIOUR_DECORATORS = frozenset({"overload", "abstractmethod", "abstractproperty"})


@dataclass
class Unit:
    path: str
    qualname: str  # "" for module-level code
    name: str
    kind: str  # module, function, class, method
    names: set[str] = field(default_factory=set)
    owner: str | None = None  # qualname of the enclosing class of a method
    implicit: bool = False  # runs when its owner (class or module) is reached


def module_units(path: str, tree: ast.Module, project_classes: dict[str, set[str]]) -> list[Unit]:
    """The units of one module: its module-level code first."""
    module = Unit(path, "", "", "module")
    units = [module]
    for stmt in tree.body:
        if isinstance(stmt, DefNode):
            module.names |= _header_names(stmt)
            units += _def_units(path, stmt, "", None, project_classes)
        elif not _skipped_statement(stmt, tree):
            module.names |= names_in(stmt)
    return units


def _def_units(
    path: str,
    node: DefNode,
    prefix: str,
    owner: ast.ClassDef | None,
    project_classes: dict[str, set[str]],
) -> list[Unit]:
    qualname = f"{prefix}{node.name}"
    if isinstance(node, ast.ClassDef):
        unit = Unit(path, qualname, node.name, "class", owner=prefix[:-1] or None)
        unit.implicit = _registered(node)
        units = [unit]
        framework = _has_framework_base(node, project_classes)
        for stmt in node.body:
            if isinstance(stmt, DefNode):
                unit.names |= _header_names(stmt)
                children = _def_units(path, stmt, qualname + ".", node, project_classes)
                if framework and children:
                    children[0].implicit = True
                units += children
            elif not _is_docstring(stmt, node):
                unit.names |= names_in(stmt)
        return units
    kind = "method" if owner is not None else "function"
    unit = Unit(path, qualname, node.name, kind, owner=prefix[:-1] or None)
    unit.names = set().union(*(names_in(s) for s in node.body if not _is_docstring(s, node)))
    unit.implicit = _registered(node) or (owner is not None and _is_dunder(node.name))
    return [unit]


def reached_units(
    units: Iterable[Unit], reached_modules: set[str], seed_names: set[str]
) -> set[tuple[str, str]]:
    """(path, qualname) of every unit reached from `seed_names` and the reached modules."""
    by_name: dict[str, list[Unit]] = {}
    by_owner: dict[tuple[str, str | None], list[Unit]] = {}
    reached: set[tuple[str, str]] = set()
    names: set[str] = set()
    todo: list[Unit] = []
    for unit in units:
        if unit.path not in reached_modules:
            continue
        if unit.kind == "module":
            todo.append(unit)
        else:
            by_name.setdefault(unit.name, []).append(unit)
            if unit.implicit:
                by_owner.setdefault((unit.path, unit.owner), []).append(unit)
    pending = list(seed_names)
    while todo or pending:
        while pending:
            name = pending.pop()
            if name not in names:
                names.add(name)
                todo += by_name.get(name, [])
        if not todo:
            break
        unit = todo.pop()
        if (unit.path, unit.qualname) in reached:
            continue
        reached.add((unit.path, unit.qualname))
        pending += [n for n in unit.names if n not in names]
        owner = unit.qualname or None
        todo += by_owner.get((unit.path, owner), [])
    return reached


# --------------------------------------------------------------------------- behaviour


def behaviourless(tree: ast.Module) -> set[tuple[str, int]]:
    """(qualified name, line) of definitions with no behaviour of their own to test."""
    found: set[tuple[str, int]] = set()
    for node in tree.body:
        if isinstance(node, DefNode):
            _behaviourless(node, "", found)
    return found


def _behaviourless(node: DefNode, prefix: str, found: set[tuple[str, int]]) -> None:
    qualname = f"{prefix}{node.name}"
    if isinstance(node, ast.ClassDef):
        methods = [s for s in node.body if isinstance(s, FunctionNode)]
        data = any(_last_name(b) in DATA_BASES for b in node.bases)
        if data or not methods:
            found.add((qualname, node.lineno))
            found.update((f"{qualname}.{m.name}", m.lineno) for m in methods)
            return
        for stmt in node.body:
            if isinstance(stmt, DefNode):
                _behaviourless(stmt, qualname + ".", found)
        if all((f"{qualname}.{m.name}", m.lineno) in found for m in methods):
            found.add((qualname, node.lineno))
        return
    decorators = {_last_name(d) for d in node.decorator_list}
    if decorators & NO_BEHAVIOUR_DECORATORS or _is_stub(node):
        found.add((qualname, node.lineno))


def _is_stub(func: FunctionNode) -> bool:
    body = [s for s in func.body if not _is_docstring(s, func)]
    if not body:
        return True
    if len(body) != 1:
        return False
    stmt = body[0]
    if isinstance(stmt, ast.Pass):
        return True
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
        return stmt.value.value is Ellipsis
    if isinstance(stmt, ast.Raise) and stmt.exc is not None:
        target = stmt.exc.func if isinstance(stmt.exc, ast.Call) else stmt.exc
        return _last_name(target) == "NotImplementedError"
    return False


# --------------------------------------------------------------------------- names


def names_in(node: ast.AST) -> set[str]:
    """Names, attributes and words of strings used under `node`; annotations are not uses."""
    names: set[str] = set()
    for child in _walk_without_annotations(node):
        if isinstance(child, ast.Name):
            names.add(child.id)
        elif isinstance(child, ast.Attribute):
            names.add(child.attr)
        elif isinstance(child, ast.Constant) and isinstance(child.value, str):
            names.update(WORD_RE.findall(child.value))
        elif isinstance(child, ast.keyword) and child.arg:
            names.add(child.arg)
        elif isinstance(child, ast.alias):  # `from .testing import FlaskClient as cls` in a body
            names.add(child.name.split(".")[-1])
    return names


def _walk_without_annotations(node: ast.AST) -> Iterator[ast.AST]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for name, value in ast.iter_fields(current):
            if name in ("annotation", "returns", "type_params", "type_comment"):
                continue
            if isinstance(value, ast.AST):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, ast.AST))


def _header_names(node: DefNode) -> set[str]:
    """What runs when the `def`/`class` statement itself runs: decorators, bases, defaults."""
    parts: list[ast.AST] = list(node.decorator_list)
    if isinstance(node, ast.ClassDef):
        parts += [*node.bases, *node.keywords]
    else:
        parts += [*node.args.defaults, *(d for d in node.args.kw_defaults if d is not None)]
    return set().union(*(names_in(p) for p in parts))


def _skipped_statement(stmt: ast.stmt, tree: ast.Module) -> bool:
    """Module-level code that does not call anything when imported by the tests."""
    if isinstance(stmt, ast.Import | ast.ImportFrom) or _is_docstring(stmt, tree):
        return True
    if isinstance(stmt, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets
    ):
        return True
    if isinstance(stmt, ast.If):
        test = ast.unparse(stmt.test)
        return "TYPE_CHECKING" in test or "__main__" in test
    return False


def _is_docstring(stmt: ast.stmt, parent: ast.AST) -> bool:
    body = getattr(parent, "body", None)
    return (
        isinstance(body, list)
        and bool(body)
        and stmt is body[0]
        and isinstance(stmt, ast.Expr)
        and isinstance(stmt.value, ast.Constant)
        and isinstance(stmt.value.value, str)
    )


def _registered(node: DefNode) -> bool:
    """Decorated by something that may register it (a route, a command, a signal handler)."""
    return any(_last_name(d) not in PLAIN_DECORATORS for d in node.decorator_list)


def _has_framework_base(
    node: ast.ClassDef, project_classes: dict[str, set[str]], seen: set[str] | None = None
) -> bool:
    """A base from outside the project, directly or through the project's own classes (and
    not a builtin or typing helper), may call any method."""
    seen = set() if seen is None else seen
    for name in _base_names(node):
        if name in NON_FRAMEWORK_BASES or name in seen:
            continue
        if name not in project_classes:
            return True
        seen.add(name)
        if _bases_reach_framework(project_classes[name], project_classes, seen):
            return True
    return False


def _bases_reach_framework(
    bases: set[str], project_classes: dict[str, set[str]], seen: set[str]
) -> bool:
    for name in bases - seen - NON_FRAMEWORK_BASES:
        if name not in project_classes:
            return True
        seen.add(name)
        if _bases_reach_framework(project_classes[name], project_classes, seen):
            return True
    return False


def _base_names(node: ast.ClassDef) -> list[str]:
    """Bases by simple name; a dotted base (`click.Group`) keeps its dots: it lies outside the
    module, so it is never mistaken for a project class of the same name."""
    names = []
    for base in node.bases:
        target = base.value if isinstance(base, ast.Subscript) else base
        last = _last_name(target)
        if last in NON_FRAMEWORK_BASES or isinstance(target, ast.Name):
            names.append(last)
        elif isinstance(target, ast.Attribute):
            names.append(ast.unparse(target))
    return [n for n in names if n]


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return ""


def _is_dunder(name: str) -> bool:
    return name.startswith("__") and name.endswith("__")


def class_bases(trees: Iterable[ast.Module]) -> dict[str, set[str]]:
    """Every class name defined in the given modules, with the names of its bases."""
    return merge_bases(classes_in(tree) for tree in trees)


def classes_in(tree: ast.Module) -> list[tuple[str, list[str]]]:
    """(name, names of its bases) of each class the module defines, in `ast.walk` order: one
    module's part of `class_bases` (`merge_bases` joins them)."""
    return [(n.name, _base_names(n)) for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]


def merge_bases(modules: Iterable[list[tuple[str, list[str]]]]) -> dict[str, set[str]]:
    """`classes_in` of several modules as one mapping: class name -> base names."""
    bases: dict[str, set[str]] = {}
    for classes in modules:
        for name, names in classes:
            bases.setdefault(name, set()).update(names)
    return bases
