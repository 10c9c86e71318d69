"""Python source inventory by `ast`: symbols with signatures and docstrings, and test functions.

Nothing here imports or runs the analysed code. A file that does not parse raises
`PySyntaxError` from the strict functions (`python_symbols`, `python_symbols_in`), and is
reported in `PyModuleInfo.syntax_error` by the tolerant `analyse_python`.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from ai_workflow.textfiles import read_text

SymbolKind = Literal["function", "class", "method"]
_FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_DefNode = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


class PySyntaxError(ValueError):
    """The source is not valid Python; `line` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None, path: str | None = None) -> None:
        where = f"{path}:" if path else ""
        where += f"{line}: " if line else (": " if path else "")
        super().__init__(f"{where}{message}")
        self.message = message
        self.line = line
        self.path = path


@dataclass(frozen=True)
class PySymbol:
    """A function, class or method defined in a module (nested functions are not listed)."""

    name: str
    qualname: str  # "Class.method", "Outer.Inner"
    kind: SymbolKind
    line: int  # line of the `def`/`class` keyword (after decorators)
    signature: str  # "def f(a: int, b=1) -> str", "async def g()", "class C(Base)"
    has_docstring: bool
    is_public: bool  # no leading underscore on it or its classes, not a dunder, in __all__
    end_line: int = 0
    decorators: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        """Number of lines the definition spans (decorators excluded)."""
        return max(1, self.end_line - self.line + 1)


@dataclass(frozen=True)
class PyTestFunction:
    """A test found by pytest/unittest naming rules, and whether it checks anything."""

    name: str  # "test_x" or "TestThing.test_x"
    line: int
    asserts: bool


@dataclass
class PyModuleInfo:
    """Everything the steps need from one Python file, whether or not it parses."""

    symbols: list[PySymbol] = field(default_factory=list)
    has_docstring: bool = False
    tests: list[PyTestFunction] = field(default_factory=list)
    lines: int = 0
    syntax_error: PySyntaxError | None = None
    imports: set[str] = field(default_factory=set)  # parts of imported module and names
    names: set[str] = field(default_factory=set)  # every identifier the module uses


def parse_python(source: str, path: str | None = None) -> ast.Module:
    """`ast.parse` that raises PySyntaxError (never SyntaxError/ValueError) and stays quiet."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes is not our concern
            return ast.parse(source, filename=path or "<source>")
    except SyntaxError as exc:
        raise PySyntaxError(exc.msg or "invalid syntax", exc.lineno, path) from None
    except ValueError as exc:  # e.g. "source code string cannot contain null bytes"
        raise PySyntaxError(str(exc), None, path) from None


def read_source(path: Path) -> str:
    """The text of a Python file; undecodable bytes are replaced, not fatal; "" for what is
    no regular file or leads out of the target (`textfiles.read_text`)."""
    return read_text(path)


def module_has_docstring(source: str) -> bool:
    """True when the module starts with a docstring; False also when it does not parse."""
    try:
        return ast.get_docstring(parse_python(source), clean=False) is not None
    except PySyntaxError:
        return False


def python_symbols(source: str, path: str | None = None) -> list[PySymbol]:
    """Top-level functions and classes, and methods of (nested) classes, in source order."""
    return _symbols(parse_python(source, path))


def tree_symbols(tree: ast.Module) -> list[PySymbol]:
    """`python_symbols` of an already parsed module."""
    return _symbols(tree)


def python_symbols_in(path: Path) -> list[PySymbol]:
    """`python_symbols` of a file; PySyntaxError names the file. OSError propagates."""
    return python_symbols(read_source(path), str(path))


def analyse_python(source: str, path: str | None = None) -> PyModuleInfo:
    """Symbols, module docstring and test functions; never raises on bad syntax."""
    info = PyModuleInfo(lines=source.count("\n") + (0 if source.endswith("\n") else 1))
    if not source:
        info.lines = 0
    try:
        tree = parse_python(source, path)
    except PySyntaxError as exc:
        info.syntax_error = exc
        return info
    info.symbols = _symbols(tree)
    info.has_docstring = ast.get_docstring(tree, clean=False) is not None
    info.tests = _tests(tree)
    info.imports = imported_names(tree)
    info.names = used_names(tree)
    return info


def imported_names(tree: ast.AST) -> set[str]:
    """Every dotted part of imported modules, plus the names imported from them."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                names.update(alias.name.split("."))
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                names.update(node.module.split("."))
            names.update(alias.name for alias in node.names)
    return names


_WORD_RE = re.compile(r"[A-Za-z_]\w*")


def import_time_statements(body: list[ast.stmt], *, handlers: bool = True) -> Iterator[ast.stmt]:
    """The statements that run when the module is imported: the module's own and those of its
    `if`/`try`/`with` blocks, not a function's or a class's; with `handlers=False`, not those
    of an `except` block either (which run only when another error happened)."""
    for statement in body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield statement
        for block in ("body", "orelse", "finalbody"):
            yield from import_time_statements(getattr(statement, block, []), handlers=handlers)
        for handler in getattr(statement, "handlers", []) if handlers else []:
            yield from import_time_statements(handler.body, handlers=handlers)


def module_bindings(body: list[ast.stmt]) -> tuple[set[str], bool]:
    """The names a module binds when imported (functions, classes, imports and assignments,
    under `if`/`try`/`with` and `except` blocks too), and whether it can bind names that
    cannot be listed (a star import or a module `__getattr__`)."""
    names: set[str] = set()
    dynamic = False
    for statement in body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(statement.name)
            dynamic |= statement.name == "__getattr__"
            continue
        if isinstance(statement, ast.Import | ast.ImportFrom):
            for alias in statement.names:
                dynamic |= alias.name == "*"
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            names.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
        blocks = [getattr(statement, b, []) for b in ("body", "orelse", "finalbody")]
        blocks += [handler.body for handler in getattr(statement, "handlers", [])]
        for block in blocks:
            nested, nested_dynamic = module_bindings(block)
            names |= nested
            dynamic |= nested_dynamic
    return names, dynamic


def own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of the function's body, not those of a function, lambda or class defined in
    it (code that runs when something else calls it, in a scope of its own)."""
    scopes = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
    stack: list[ast.AST] = [node for node in function.body if not isinstance(node, scopes)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, scopes))


def called_name(func: ast.expr) -> str:
    """The name a call ends in: `setup` for `setup(...)` and `setuptools.setup(...)`."""
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def used_names(tree: ast.AST) -> set[str]:
    """Identifiers a module uses: names, attributes, import aliases, and words in strings.

    Words in string constants count because tests reach code through them too
    (`getattr(obj, "name")`, `mock.patch("pkg.mod.func")`).
    """
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.update(node.name.split("."))
            if node.asname:
                names.add(node.asname)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.update(_WORD_RE.findall(node.value))
    return names


# --------------------------------------------------------------------------- symbols


def _symbols(tree: ast.Module) -> list[PySymbol]:
    exported = _dunder_all(tree)
    documented = _assigned_docstrings(tree)
    out: list[PySymbol] = []
    for node in tree.body:
        if isinstance(node, _DefNode):
            visible = exported is None or node.name in exported
            _collect(node, prefix="", in_class=False, public_parent=visible, out=out)
    return [replace(s, has_docstring=True) if s.qualname in documented else s for s in out]


def _assigned_docstrings(tree: ast.Module) -> set[str]:
    """The qualnames given a docstring by a module-level `f.__doc__ = ...` (`C.m.__doc__`):
    a wrapper that copies its original's docstring is documented like the original."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr == "__doc__":
                    dotted = _safe_unparse(target.value)
                    if re.fullmatch(r"[\w.]+", dotted):
                        names.add(dotted)
    return names


def _collect(
    node: _DefNode, *, prefix: str, in_class: bool, public_parent: bool, out: list[PySymbol]
) -> None:
    qualname = f"{prefix}{node.name}"
    public = public_parent and _public_name(node.name)
    kind: SymbolKind = (
        "class" if isinstance(node, ast.ClassDef) else "method" if in_class else "function"
    )
    out.append(
        PySymbol(
            name=node.name,
            qualname=qualname,
            kind=kind,
            line=node.lineno,
            signature=_signature(node),
            has_docstring=ast.get_docstring(node, clean=False) is not None,
            is_public=public,
            end_line=node.end_lineno or node.lineno,
            decorators=tuple(_safe_unparse(d) for d in node.decorator_list),
        )
    )
    if isinstance(node, ast.ClassDef):
        for child in node.body:
            if isinstance(child, _DefNode):
                _collect(child, prefix=qualname + ".", in_class=True, public_parent=public, out=out)


def _public_name(name: str) -> bool:
    return not name.startswith("_")


def _dunder_all(tree: ast.Module) -> set[str] | None:
    """The literal names of a module-level `__all__`, or None when it is absent or computed."""
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            if not isinstance(value, ast.List | ast.Tuple):
                return None
            names = [e.value for e in value.elts if isinstance(e, ast.Constant)]
            if len(names) != len(value.elts) or not all(isinstance(n, str) for n in names):
                return None
            return {str(n) for n in names}
    return None


def _signature(node: _DefNode) -> str:
    if isinstance(node, ast.ClassDef):
        bases = [_safe_unparse(b) for b in node.bases]
        bases += [
            f"{k.arg}={_safe_unparse(k.value)}" if k.arg else _safe_unparse(k.value)
            for k in node.keywords
        ]
        return f"class {node.name}({', '.join(bases)})" if bases else f"class {node.name}"
    keyword = "async def" if isinstance(node, ast.AsyncFunctionDef) else "def"
    text = f"{keyword} {node.name}({_safe_unparse(node.args)})"
    if node.returns is not None:
        text += f" -> {_safe_unparse(node.returns)}"
    return text


def _safe_unparse(node: ast.AST) -> str:
    try:
        return ast.unparse(node)
    except (ValueError, TypeError, AttributeError, RecursionError):  # pragma: no cover
        return "..."


# --------------------------------------------------------------------------- tests

_ASSERT_CALL_PREFIXES = ("assert", "fail")  # self.assertEqual, mock.assert_called_once...
_PYTEST_CHECKS = frozenset({"raises", "warns", "deprecated_call", "fail"})


def _tests(tree: ast.Module) -> list[PyTestFunction]:
    """pytest/unittest tests: `test*` functions, and `test*` methods of `Test*`/TestCase classes."""
    found: list[PyTestFunction] = []
    for node in tree.body:
        if isinstance(node, _FunctionNode) and node.name.startswith("test"):
            found.append(PyTestFunction(node.name, node.lineno, _checks_something(node)))
        elif isinstance(node, ast.ClassDef) and _is_test_class(node):
            for child in node.body:
                if isinstance(child, _FunctionNode) and child.name.startswith("test"):
                    name = f"{node.name}.{child.name}"
                    found.append(PyTestFunction(name, child.lineno, _checks_something(child)))
    return found


def _is_test_class(node: ast.ClassDef) -> bool:
    if node.name.startswith("Test"):
        return True
    return any(_safe_unparse(b).endswith("TestCase") for b in node.bases)


def _checks_something(func: _FunctionNode) -> bool:
    """True if the body asserts: `assert`, pytest.raises/warns/fail, self.assert*, mock asserts.

    A call to a helper whose name contains "assert", "check", "verify" or "expect" counts too,
    since tests commonly delegate their assertions.
    """
    for node in ast.walk(func):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Raise):
            return True  # `raise AssertionError(...)`, explicit failure paths
        if isinstance(node, ast.Call) and _is_check_call(node.func):
            return True
    return False


def _is_check_call(func: ast.expr) -> bool:
    if isinstance(func, ast.Attribute):
        name = func.attr
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id == "pytest" and name in _PYTEST_CHECKS:
            return True
    elif isinstance(func, ast.Name):
        name = func.id
        if name in _PYTEST_CHECKS:  # `from pytest import raises`
            return True
    else:
        return False
    lowered = name.lower()
    if lowered.startswith(_ASSERT_CALL_PREFIXES):
        return True
    return any(word in lowered for word in ("assert", "check", "verify", "expect"))


def dotted_name(node: ast.expr) -> str:
    """The dotted name an expression spells (`os.path.join`), "" where it is no name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{dotted_name(node.value)}.{node.attr}"
    return ""
