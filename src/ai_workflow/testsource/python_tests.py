"""Python tests (pytest and unittest conventions) and whether each one checks anything.

A test checks something when its body, or any helper it calls, asserts: `assert`, `raise`,
`pytest.raises`/`warns`/`fail`, a call named like a check (`self.assertEqual`,
`mock.assert_called_once`, `check_output`...) or given `check=True`, a name from an assertion
library (`nose.tools.eq_`, `numpy.testing`, hamcrest...), or a fixture it requests that does.
Helpers are followed into functions of the same module (and imports inside the test), methods
of the test class and its bases, functions imported from the project's test-support modules,
fixtures from the module and the
`conftest.py` files above it, and methods of the test files' own classes called on an object
(a page object or helper a fixture returns). A call that cannot be resolved (a fixture used as
a function, a callable held in a variable, a name from nowhere) makes the verdict unknown: such
a test is never reported. Functions in `conftest.py` and fixtures are not tests.
"""

from __future__ import annotations

import ast
import builtins
import io
import re
import tokenize
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ai_workflow.pysource import dotted_name, read_source
from ai_workflow.testsource.model import FoundTest, Verdict, combine
from ai_workflow.testsource.pyindex import PyIndex


def _tokens(source: str) -> list[tokenize.TokenInfo]:
    """The tokens of a piece of source, as far as it tokenizes (a function's lines)."""
    found: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            found.append(token)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        pass
    return found


FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
CHECK_PREFIXES = ("assert", "fail")
CHECK_WORDS = ("assert", "check", "verify", "expect")
PYTEST_CHECKS = frozenset({"raises", "warns", "deprecated_call", "fail"})
BUILTIN_NAMES = frozenset(dir(builtins))
BUILTIN_FIXTURES = frozenset(
    {
        "request", "monkeypatch", "tmp_path", "tmpdir", "tmp_path_factory", "tmpdir_factory",
        "capsys", "capsysbinary", "capfd", "capfdbinary", "caplog", "recwarn", "pytestconfig",
        "record_property", "record_testsuite_property", "record_xml_attribute", "cache",
        "doctest_namespace", "pytester", "testdir", "subtests",
    }
)  # fmt: skip
ASSERTION_LIBRARIES = frozenset(
    {"nose", "hamcrest", "sure", "expects", "assertpy", "pytest_check", "testfixtures"}
)
MAX_DEPTH = 12  # helper chains deeper than this are not followed (unknown)


@dataclass
class _Scope:
    """What a module defines at top level, for resolving names."""

    functions: dict[str, FunctionNode] = field(default_factory=dict)
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)
    imports: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    assigned: set[str] = field(default_factory=set)
    star_imports: list[str | None] = field(default_factory=list)
    fixtures: dict[str, FunctionNode] = field(default_factory=dict)


@dataclass
class _Locals:
    """Names a function binds itself: parameters, nested defs, assignments, imports."""

    params: set[str]
    defs: dict[str, FunctionNode] = field(default_factory=dict)
    assigned: set[str] = field(default_factory=set)
    scope: _Scope = field(default_factory=_Scope)  # imports inside the function

    def add(self, index: PyIndex, frame: _Frame, node: ast.AST) -> None:
        if isinstance(node, FunctionNode) and node is not frame.func:
            self.defs[node.name] = node
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            self.assigned.add(node.id)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            self.assigned.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            _add_import(index, frame.path, node, self.scope)


@dataclass
class _Frame:
    """The function being judged and where it lives."""

    path: str
    func: FunctionNode
    cls: ast.ClassDef | None
    kind: str  # test, fixture, helper
    depth: int


class PythonTests:
    """Reads the tests of Python files; resolves helpers across the project's test files."""

    def __init__(self, index: PyIndex, is_test_file: Callable[[str], bool]) -> None:
        self.index = index
        self.is_test_file = is_test_file
        self._scopes: dict[str, _Scope | None] = {}
        self._verdicts: dict[tuple[str, int], Verdict] = {}
        self._methods: dict[str, list[tuple[str, FunctionNode, ast.ClassDef]]] | None = None
        self._conftests: dict[str, list[str]] = {}  # test file -> conftest.py files above it

    # ----------------------------------------------------------------- tests of a file

    def tests(self, path: str) -> list[FoundTest]:
        tree = self.index.tree(path)
        if tree is None or PurePosixPath(path).name == "conftest.py":
            return []
        found = []
        classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
        for node in tree.body:
            if isinstance(node, FunctionNode) and _is_test_function(node):
                found.append(self._found(path, node, None, node.name))
            elif isinstance(node, ast.ClassDef) and _is_test_class(node):
                for child in node.body:
                    if isinstance(child, FunctionNode) and _is_test_function(child):
                        test = self._found(path, child, node, f"{node.name}.{child.name}")
                        if test.empty:
                            test.overrides = _overridden(node, child.name, classes)
                        found.append(test)
        return found

    def _found(
        self, path: str, func: FunctionNode, cls: ast.ClassDef | None, name: str
    ) -> FoundTest:
        skipped = _is_skipped(func) or (cls is not None and _is_skipped(cls)) or _skips_first(func)
        verdict = self.judge(_Frame(path, func, cls, "test", 0))
        doc = ast.get_docstring(func) or ""
        comments = self._comments(path, func) if verdict is False else ""
        empty = _is_empty(func)
        unread = unread_collector(func) if verdict is False and not empty else None
        ignored = unread_expectation(func) if verdict is False and not empty else None
        smoke = verdict is False and not empty and unread is None and ignored is None
        return FoundTest(
            name,
            func.lineno,
            verdict,
            skipped,
            doc,
            empty,
            comments,
            unread or "",
            smoke,
            ignored=ignored or "",
        )

    def _comments(self, path: str, func: FunctionNode) -> str:
        """The comments inside the function's lines (only asked of a test that asserts
        nothing, to read whether not failing is its point)."""
        lines = read_source(self.index.target / path).splitlines()
        body = lines[func.lineno - 1 : func.end_lineno or func.lineno]
        found = []
        for token in _tokens("\n".join(body)):
            if token.type == tokenize.COMMENT:
                found.append(token.string.lstrip("#").strip())
        return "\n".join(found)

    # ----------------------------------------------------------------- judging a function

    def judge(self, frame: _Frame) -> Verdict:
        key = (frame.path, id(frame.func))
        if key in self._verdicts:
            return self._verdicts[key]
        if frame.depth > MAX_DEPTH:
            return None
        self._verdicts[key] = False  # a recursive call adds no evidence
        verdict = combine(self._evidence(frame))
        self._verdicts[key] = verdict
        return verdict

    def _evidence(self, frame: _Frame) -> Iterator[Verdict]:
        if frame.kind in ("test", "fixture"):
            yield from (self._fixture(frame, name) for name in _fixture_params(frame.func))
        local = _Locals(_param_names(frame.func))
        calls: list[ast.Call] = []
        for node in ast.walk(frame.func):  # one pass: checks, calls and local names
            if isinstance(node, ast.Assert | ast.Raise):
                yield True
                return
            if isinstance(node, ast.Call):
                if _raises_on_failure(node):
                    yield True
                    return
                calls.append(node)
            else:
                local.add(self.index, frame, node)
        for call in calls:
            verdict = self._call(frame, call.func, local)
            yield verdict
            if verdict is True:
                return

    def _call(self, frame: _Frame, func: ast.expr, local: _Locals) -> Verdict:
        if _is_check_call(func):
            return True
        depth = frame.depth + 1
        if isinstance(func, ast.Name):
            name = func.id
            if name in local.defs:
                return self.judge(_Frame(frame.path, local.defs[name], None, "helper", depth))
            if name in local.scope.imports:
                return self._imported(frame.path, *local.scope.imports[name], depth)
            if name in local.params or name in local.assigned:
                return None  # a callable passed in or held in a variable: cannot follow it
            return self._module_name(frame.path, name, depth)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = func.value.id
            if owner in ("self", "cls") and frame.cls is not None:
                return self._method(frame.path, frame.cls, func.attr, depth, set())
            if owner in local.scope.imports:
                module, member = local.scope.imports[owner]
                target = f"{module}.{member}" if module and member else module
                return self._imported(frame.path, target, func.attr, depth)
            if owner not in local.params and owner not in local.assigned:
                verdict = self._module_attribute(frame.path, owner, func.attr, depth)
                if verdict is not False:
                    return verdict
        if isinstance(func, ast.Attribute):
            return self._support_method(func.attr, depth)
        return False  # a call of a call's result, a subscript...

    def _support_method(self, name: str, depth: int) -> Verdict:
        """`obj.name()` on an object we cannot type: if the project's test files define a
        method of that name (a page object, a helper class a fixture returns), judge those;
        otherwise it is the code under test."""
        if self._methods is None:
            self._methods = {}
            for path in sorted(p for p in self.index.files if self.is_test_file(p)):
                scope = self.scope(path)
                for cls in scope.classes.values() if scope else []:
                    for child in cls.body:
                        if isinstance(child, FunctionNode) and not child.name.startswith("test"):
                            self._methods.setdefault(child.name, []).append((path, child, cls))
        found = self._methods.get(name, [])
        return combine(self.judge(_Frame(p, f, c, "helper", depth)) for p, f, c in found)

    # ----------------------------------------------------------------- name resolution

    def scope(self, path: str) -> _Scope | None:
        if path not in self._scopes:
            tree = self.index.tree(path)
            self._scopes[path] = _module_scope(self.index, path, tree) if tree else None
        return self._scopes[path]

    def _module_name(self, path: str, name: str, depth: int) -> Verdict:
        scope = self.scope(path)
        if scope is None:
            return None
        if name in scope.functions:
            return self.judge(_Frame(path, scope.functions[name], None, "helper", depth))
        if name in scope.classes:
            return False  # instantiating a class
        if name in scope.imports:
            module, attr = scope.imports[name]
            return self._imported(path, module, attr, depth)
        if name in scope.assigned:
            return None
        if name in BUILTIN_NAMES:
            return False
        for module in scope.star_imports:
            verdict = self._imported(path, module, name, depth)
            if verdict is not False:
                return verdict
        return None  # defined nowhere we can see

    def _module_attribute(self, path: str, owner: str, attr: str, depth: int) -> Verdict:
        scope = self.scope(path)
        if scope is None or owner not in scope.imports:
            return False
        module, name = scope.imports[owner]
        target = f"{module}.{name}" if module and name else module
        return self._imported(path, target, attr, depth)

    def _imported(self, importer: str, module: str | None, attr: str | None, depth: int) -> Verdict:
        """A name imported from `module`: followed into test-support files, else not a check."""
        if module is None:
            return None
        if module.split(".")[0] in ASSERTION_LIBRARIES or module.endswith(".testing"):
            return True  # nose's eq_, numpy.testing, hamcrest, sure, expects...
        paths = self.index.find(module, importer)
        if not paths:
            return False  # an external library (checks are recognised by their names)
        path = paths[0]
        if not self.is_test_file(path):
            return False  # the code under test
        scope = self.scope(path)
        if scope is None or attr is None:
            return None
        if attr in scope.functions:
            return self.judge(_Frame(path, scope.functions[attr], None, "helper", depth))
        if attr in scope.classes:
            return False
        if attr in scope.imports and depth <= MAX_DEPTH:
            inner_module, inner = scope.imports[attr]
            return self._imported(path, inner_module, inner, depth + 1)
        if self.index.find(f"{module}.{attr}", importer):
            return False  # a submodule, not a call target
        return None

    def _method(
        self, path: str, cls: ast.ClassDef, name: str, depth: int, seen: set[int]
    ) -> Verdict:
        """A method of `cls` or of its bases; an unknown base leaves it unknown."""
        if id(cls) in seen:
            return False
        seen.add(id(cls))
        for child in cls.body:
            if isinstance(child, FunctionNode) and child.name == name:
                return self.judge(_Frame(path, child, cls, "helper", depth))
        verdicts: list[Verdict] = []
        for base in cls.bases:
            found = self._base_class(path, base)
            if found is not None:
                verdicts.append(self._method(found[0], found[1], name, depth, seen))
        return combine(verdicts)  # not found in the project: from an external base

    def _base_class(self, path: str, base: ast.expr) -> tuple[str, ast.ClassDef] | None:
        scope = self.scope(path)
        if scope is None or not isinstance(base, ast.Name):
            return None
        if base.id in scope.classes:
            return path, scope.classes[base.id]
        if base.id in scope.imports:
            module, attr = scope.imports[base.id]
            for candidate in self.index.find(module or "", path):
                inner = self.scope(candidate)
                if inner is not None and attr in inner.classes:
                    return candidate, inner.classes[attr]
        return None

    def _fixture(self, frame: _Frame, name: str) -> Verdict:
        """A fixture the test or fixture requests: its own checks count."""
        if frame.cls is not None:
            for child in frame.cls.body:
                if isinstance(child, FunctionNode) and _fixture_name(child) == name:
                    return self.judge(
                        _Frame(frame.path, child, frame.cls, "fixture", frame.depth + 1)
                    )
        if frame.path not in self._conftests:  # asked once per fixture a test requests
            self._conftests[frame.path] = _conftests(frame.path, self.index.files)
        for path in [frame.path, *self._conftests[frame.path]]:
            scope = self.scope(path)
            if scope is not None and name in scope.fixtures:
                fixture = scope.fixtures[name]
                return self.judge(_Frame(path, fixture, None, "fixture", frame.depth + 1))
        if name in BUILTIN_FIXTURES:
            return False
        return None  # a plugin's fixture: it may check on teardown


# --------------------------------------------------------------------------- helpers


def _module_scope(index: PyIndex, path: str, tree: ast.Module) -> _Scope:
    scope = _Scope()
    for node in tree.body:
        if isinstance(node, FunctionNode):
            scope.functions[node.name] = node
            fixture = _fixture_name(node)
            if fixture:
                scope.fixtures[fixture] = node
        elif isinstance(node, ast.ClassDef):
            scope.classes[node.name] = node
        else:  # imports and assignments, also under `try`/`if` at module level
            scope.assigned |= _assigned_names(node)
            for child in ast.walk(node):
                if isinstance(child, ast.Import | ast.ImportFrom):
                    _add_import(index, path, child, scope)
    return scope


def _add_import(
    index: PyIndex, path: str, node: ast.Import | ast.ImportFrom, scope: _Scope
) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                scope.imports[alias.asname] = (alias.name, None)
            else:
                top = alias.name.split(".")[0]
                scope.imports[top] = (top, None)
        return
    module = index.absolute(path, node.module, node.level)
    for alias in node.names:
        if alias.name == "*":
            scope.star_imports.append(module)
        else:
            scope.imports[alias.asname or alias.name] = (module, alias.name)


def _assigned_names(node: ast.AST) -> set[str]:
    """Names bound by assignment, `for`, `with ... as`, walrus and `except ... as` under `node`."""
    names: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
            names.add(child.id)
        elif isinstance(child, ast.ExceptHandler) and child.name:
            names.add(child.name)
    return names


def _param_names(func: FunctionNode) -> set[str]:
    args = func.args
    every = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    every += [a for a in (args.vararg, args.kwarg) if a is not None]
    return {a.arg for a in every}


def _fixture_params(func: FunctionNode) -> list[str]:
    """Parameters pytest fills with fixtures: not self/cls, not defaulted, not parametrized."""
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    without_default = positional[: len(positional) - len(args.defaults)]
    keyword = [a for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
    values = _parametrized(func)
    if values is None:
        return []  # hypothesis' @given fills them: values, not fixtures
    return [
        a.arg
        for a in [*without_default, *keyword]
        if a.arg not in ("self", "cls") and a.arg not in values
    ]


def _parametrized(func: FunctionNode) -> set[str] | None:
    """Names filled by `parametrize`; None when `@given` fills the parameters."""
    names: set[str] = set()
    for decorator in func.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        name = dotted_name(call.func if call else decorator)
        if name.split(".")[-1] == "given":
            return None
        if call is not None and name.endswith("parametrize") and call.args:
            first = call.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.update(n.strip() for n in first.value.split(",") if n.strip())
            elif isinstance(first, ast.List | ast.Tuple):
                names.update(
                    e.value
                    for e in first.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                )
    return names


def _fixture_name(func: FunctionNode) -> str | None:
    """The name a pytest fixture is requested by, or None when `func` is not a fixture."""
    for decorator in func.decorator_list:
        call = decorator if isinstance(decorator, ast.Call) else None
        if dotted_name(call.func if call else decorator).split(".")[-1] != "fixture":
            continue
        for keyword in call.keywords if call else []:
            if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                return str(keyword.value.value)
        return func.name
    return None


def _conftests(path: str, files: set[str]) -> list[str]:
    """`conftest.py` files that apply to `path`, nearest first."""
    found = []
    parent = PurePosixPath(path).parent
    while True:
        candidate = (parent / "conftest.py").as_posix().removeprefix("./")
        if candidate in files:
            found.append(candidate)
        if not parent.name:
            return found
        parent = parent.parent


COLLECTOR_WRITES = frozenset({"append", "add", "update", "extend", "insert", "setdefault"})


def unread_collector(func: FunctionNode) -> str | None:
    """A container the test creates empty (`rv = {}`, `seen = []`) and only ever writes to
    (`rv[k] = v`, `seen.append(x)`), never reads: a result it meant to check and forgot."""
    parents = {child: node for node in ast.walk(func) for child in ast.iter_child_nodes(node)}
    created = [
        node.targets[0].id
        for node in ast.walk(func)
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and _is_empty_container(node.value)
    ]
    for name in created:
        uses = [
            n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == name
            and isinstance(n.ctx, ast.Load)
        ]  # fmt: skip
        if uses and all(_writes_into(use, parents) for use in uses):
            return name
    return None


EXPECTATION_NAME = re.compile(r"(?:expected|expect|want|wanted)(?:_\w+)?|\w+_(?:expected|want)")


def unread_expectation(func: FunctionNode) -> str | None:
    """A value `parametrize` gives the test under an expectation's name (`expected`, `want`,
    `expected_len`, `name_expected`) that its body never reads: the comparison with it went
    missing (pathvalidate's `test_normal_multibyte(self, value, expected)`, parametrized with
    `["aあいbうえcお", "abc"]`, only calls `sanitize_ltsv_label(value)`). A fixture of that name,
    or a parametrized value the test reads (passes on, compares), is no such evidence."""
    given = _parametrized(func) or set()
    params = _param_names(func)
    read = {n.id for n in ast.walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
    for name in sorted(given & params):
        if EXPECTATION_NAME.fullmatch(name) and name not in read:
            return name
    return None


def _is_empty_container(node: ast.expr) -> bool:
    if isinstance(node, ast.Dict | ast.List | ast.Set):
        return not (node.keys if isinstance(node, ast.Dict) else node.elts)
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id in {"dict", "list", "set"}
        and not node.args
        and not node.keywords
    )


def _writes_into(use: ast.Name, parents: dict[ast.AST, ast.AST]) -> bool:
    """Whether this use of a name only stores into it (`x[k] = v`, `x.append(v)`)."""
    parent = parents.get(use)
    if isinstance(parent, ast.Subscript) and parent.value is use:
        return isinstance(parent.ctx, ast.Store)
    if isinstance(parent, ast.Attribute) and parent.attr in COLLECTOR_WRITES:
        call = parents.get(parent)
        return isinstance(call, ast.Call) and call.func is parent
    return False


def _overridden(cls: ast.ClassDef, name: str, classes: dict[str, ast.ClassDef]) -> str:
    """The base class, defined in the same module, whose method `name` (one that runs code)
    the same-named method of `cls` overrides; "" when none. defusedxml 0.7.1's
    TestDefusedLxml defines `def test_external_ref(self): pass` to switch off, for lxml, the
    test_external_ref every parser's class inherits from BaseTests."""
    seen: set[str] = set()
    bases = [b.id for b in cls.bases if isinstance(b, ast.Name)]
    while bases:
        base = classes.get(bases.pop(0))
        if base is None or base.name in seen:
            continue
        seen.add(base.name)
        for child in base.body:
            if isinstance(child, FunctionNode) and child.name == name:
                return "" if _is_empty(child) else base.name
        bases += [b.id for b in base.bases if isinstance(b, ast.Name)]
    return ""


def _is_empty(func: FunctionNode) -> bool:
    """Nothing but a docstring, `pass` or `...`: the test runs no code at all."""
    for stmt in func.body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue  # the docstring, or `...`
        return False
    return True


def _is_test_function(func: FunctionNode) -> bool:
    return func.name.startswith("test") and _fixture_name(func) is None


def _is_test_class(node: ast.ClassDef) -> bool:
    return node.name.startswith("Test") or any(
        dotted_name(b).endswith("TestCase") for b in node.bases
    )


def _is_skipped(node: FunctionNode | ast.ClassDef) -> bool:
    """Decorated with an unconditional skip (`pytest.mark.skip`, `unittest.skip`)."""
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if dotted_name(target).split(".")[-1] == "skip":
            return True
    return False


SKIP_CALLS = frozenset({"pytest.skip", "self.skipTest"})
SKIP_EXCEPTIONS = frozenset({"SkipTest", "unittest.SkipTest", "pytest.skip.Exception"})


def _skips_first(func: FunctionNode) -> bool:
    """The test's first statement (after its docstring) skips it unconditionally:
    `pytest.skip("TODO")` (pathvalidate's `test_normal_multibyte`, whose call below it never
    runs), `self.skipTest(...)`, `raise unittest.SkipTest(...)`. A skip under an `if`, or
    `pytest.importorskip`, is a condition, not a skip of the whole test."""
    body = func.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    if not body:
        return False
    first = body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Call):
        return dotted_name(first.value.func) in SKIP_CALLS
    if isinstance(first, ast.Raise) and first.exc is not None:
        exc = first.exc.func if isinstance(first.exc, ast.Call) else first.exc
        return dotted_name(exc) in SKIP_EXCEPTIONS
    return False


def _raises_on_failure(call: ast.Call) -> bool:
    """`subprocess.run(..., check=True)`: the call itself checks the outcome."""
    return any(
        k.arg == "check" and isinstance(k.value, ast.Constant) and k.value.value is True
        for k in call.keywords
    )


def _is_check_call(func: ast.expr) -> bool:
    """`pytest.raises`/`warns`/`fail`, or a call whose name says it checks."""
    if isinstance(func, ast.Attribute):
        name = func.attr
        if dotted_name(func.value) == "pytest" and name in PYTEST_CHECKS:
            return True
    elif isinstance(func, ast.Name):
        name = func.id
        if name in PYTEST_CHECKS:
            return True
    else:
        return False
    lowered = name.lower()
    return lowered.startswith(CHECK_PREFIXES) or any(w in lowered for w in CHECK_WORDS)
