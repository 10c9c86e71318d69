"""Unused-name findings of ruff that the code itself contradicts, made info.

- F841 on `except E as exc:` whose name the handler reads while any rebinding of it sits in
  a nested block: ruff resolves a read to the latest binding of the name, not to every binding
  that reaches it, so in `except TypeError as exc: ... if not ok: exc = Other(); raise X(exc)`
  the `exc` of the `except` is read whenever `ok` holds (boltons 26.2.0's `iterutils.get_path`).
  A handler that rebinds the name unconditionally before any read, or never reads it, keeps
  the warning.
- F401 on an import inside a `try:` whose handler catches `ImportError` (or something broader):
  the import is the availability probe (`try: import readline except ImportError: HAVE_READLINE
  = False`), and importing is its effect. So is an import that is the whole body of its `try:`
  whatever the handler catches (lark's `try: import js2py` / `except RuntimeError:`): the `try`
  guards the import alone. An unused import outside such a `try`, or one beside other
  statements in a `try` whose handler catches no ImportError, keeps the warning.
- F841 on an assignment of attributes (`start, stop, step = index.start, index.stop,
  index.step`) inside a `try:` whose handler catches `AttributeError`: the duck-typing probe
  (a slice, or else an integer index; boltons 26.2.0's `BarrelList.__setitem__`), whose
  attribute access is its use. An unused attribute read outside such a `try`, or an unused
  result of a call inside one, keeps the warning.
- F841 on a local assignment whose name a later `# type:` comment of the same function reads
  (`AnyURL = Union[URL, DecodedURL]` then `durl_map = {}  # type: Dict[AnyURL, AnyURL]`,
  hyperlink 21.0.0's `test_decoded_url.py`): a local type alias for a PEP 484 type comment,
  which mypy and pyflakes read and ruff does not; removing it breaks the type check. A name
  that only prose or a `# type: ignore` comment mentions, or a type comment of another
  function, keeps the warning.
- F841 on an assignment to a local its function annotates (`bad_value: Value[float] =
  Value(48.3)`, or `value: Value[Super]` then `value = value_super  # type: ignore[assignment]`)
  in a static-typing test, a module that imports `assert_type` (outcome 1.3.0's
  `tests/type_tests.py`, which mypy checks and no test runner runs): the assignment is the
  check the type checker makes (a value accepted, or with the ignore a value rejected), so
  nothing is meant to read it. An unannotated local of such a module, and an annotated one of
  any other module, keep the warning.
- F401 on a name a `# type:` comment of the file uses (`x = None  # type: Optional[str]`): the
  comment is PEP 484's annotation syntax, which mypy reads and ruff (unlike pyflakes) does not;
  removing the import breaks the type check (sniffio 1.3.1's `_impl.py`). A name that only a
  `# type: ignore` comment or ordinary prose mentions keeps the warning.
- F401 on an import under `if TYPE_CHECKING:` whose name a string type expression of the file
  uses (`_Arg: 'TypeAlias' = 'Union[Literal["a"], Type[Lexer]]'`, `ParseTree = Tree['Token']`):
  the import exists only for the type checker, which reads those strings as forward
  references, and ruff does not read a string outside an annotation (lark 1.1.9's
  `common.py` and `tree.py`). A name that only prose (a docstring, a message) mentions keeps
  the warning.
- F401 on an import whose bound name the same file reads back from its namespace by a string,
  `globals()["json"]` or `for obj in ("json", "sax"): globals()[obj]` (a test that round-trips
  its module's namespace, dill 0.3.7's `tests/test_session.py`): the string subscript is its use,
  which ruff does not see. A name that only a plain string elsewhere mentions keeps the warning.
- F401 on a TestCase class (`from .test_trees import TestTrees`) in a module that runs
  `unittest.main()`: main's loader collects the TestCases of the module's namespace, so the
  import is what puts them in the run (lark 1.1.9's `tests/__main__.py`, its `python -m tests`).
  Any other unused import of such a module, or a TestCase imported where no `unittest.main()`
  runs, keeps the warning.
- F401 on an import a test expects to fail: directly in `with pytest.raises(ImportError):` (or
  `self.assertRaises(ImportError)`), or the whole body of a function that the file passes to
  `assertRaises(ImportError, f)` / `pytest.raises(ImportError, f)` (bottle 0.12.25's
  `test_import_fail`, whose `def test(): import bottle.ext.doesnotexist`): the ImportError is
  what is tested, there is nothing to use. An unused import beside other statements, or in a
  function expected to raise something else, keeps the warning.
- F401 on an import that, with other imports only, makes up the body of a `with` block that
  expects a warning (`with self.assertWarns(DeprecationWarning) as cm:`, `pytest.warns(...)`,
  `assertWarnsRegex`, `pytest.deprecated_call()`): the warning the import emits is what the test
  checks (astor 0.8.1's test_codegen_as_submodule, `import astor.codegen` to see the deprecated
  module warn once), there is nothing to use. An unused import beside other statements in such
  a block, or in any other `with` block, keeps the warning.
- F841 on the last statement of a `with pytest.raises(E):` (or `self.assertRaises(E)`) block
  when it assigns a call's result (`conf = ConfigObj(path, file_error=True)`, configobj 5.0.9's
  test_validate_errors.py), or an item or attribute read, which runs the object's code
  (`x = d['id']`, dominate 2.9.1's test_html.py): the call or read is expected to raise, so
  the name is never bound when the test passes and nothing could read it; in any project,
  whatever its linters. A constant (`z = 3`) cannot raise and keeps the warning. So is
  `with f() as x: pass` ending such a block (tinydb 4.9.0's test_storages.py: `with
  pytest.raises(ValueError): with TinyDB(storage=MyStorage) as db: pass`, whose storage's
  `__init__` raises): with nothing in its body, only the call can raise. An unused result
  outside such a block, or before other statements inside it, and a `with f() as x:` whose
  body does something (that may be what raises), keep the warning.
- F401 on a module-level import whose name an example of a docstring of the same file reads
  (`>>> pprint(v.check(...))`) before an earlier example of that docstring binds it: doctest
  runs a module's examples with the module's globals, so the import is what the example uses
  (configobj 5.0.9's `validate.py`, whose `_test` docstring calls pprint and whose `__main__`
  block, run by its CI, is `doctest.testmod`). A name that only docstring prose mentions, one
  every example that reads it imports itself first, or an import inside a function (no example
  sees a function's locals) keeps the warning.
- F401, and F811 on an import that redefines one, on an import statement directly in the body
  of a test whose name says it tests importing (`test_import_moves_error_1`, `testImports`):
  that the import succeeds is what the test checks (six 1.16.0's regression tests of its lazy
  moves: `from six.moves.urllib.parse import urljoin`, then again from `six.moves.urllib_parse`,
  under a comment quoting the 1.4.1 ImportError), so there is nothing to use. So does a test
  whose body is nothing but imports, whatever its name: execnet 2.1.2's doc example
  `def test_function(): import funcmultiplier` checks that the example module runs (held-out
  142). An unused import in any other test (`test_parse`, or a test that imports and then does
  something else), or nested in a block of an import test, keeps the warning.
"""

from __future__ import annotations

import ast
import doctest
import re
from collections.abc import Iterable

from ai_workflow.findings import Finding, Severity, explain_as_info
from ai_workflow.lint.ruff_codes import UNUSED_IMPORT
from ai_workflow.parsed_files import ParsedFiles, Syntax
from ai_workflow.pysource import dotted_name

UNUSED_VARIABLE = "ruff/F841"
REDEFINED = "ruff/F811"
_VARIABLE = re.compile(r"Local variable `(?P<name>\w+)` is assigned to but never used")
_IMPORTED = re.compile(r"`(?P<name>[\w.]+)` imported but unused")
BROAD = frozenset({"Exception", "BaseException"})
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"}) | BROAD
ATTRIBUTE_ERRORS = frozenset({"AttributeError"}) | BROAD
READ_NOTE = "the handler reads it where no rebinding came first (ruff resolves the latest one)"
PROBE_NOTE = "an import inside try/except ImportError: the availability probe is its use"
GUARDED_NOTE = (
    "the import is the whole body of its `try:`: the handler guards the import itself, which is "
    "the probe"
)
ATTRIBUTE_NOTE = "attributes read inside try/except AttributeError: the probe is its use"
TYPE_COMMENT_NOTE = "a `# type:` comment uses it (mypy reads those, ruff does not)"
LOCAL_TYPE_COMMENT_NOTE = (
    "a later `# type:` comment of the function reads it: a local type alias, which mypy reads "
    "and ruff does not"
)
TYPE_CHECK_NOTE = (
    "an annotated local of a static-typing test (the module imports `assert_type`): the "
    "assignment is the check the type checker makes"
)
TYPE_CHECK_FUNCTIONS = frozenset({"assert_type"})
TYPING_MODULES = frozenset({"typing", "typing_extensions"})
TYPE_STRING_NOTE = (
    "imported under `if TYPE_CHECKING:` for a string type expression of the file (a forward "
    "reference the type checker reads, ruff does not)"
)
GLOBALS_NOTE = "the file reads it back by name from its namespace (`globals()[name]`)"
EXPECTED_FAILURE_NOTE = "a test expects this import to raise ImportError: importing is the test"
WARNED_IMPORT_NOTE = "a test expects this import to warn: importing is the test"
WARNS_CALLS = frozenset({"warns", "assertWarns", "assertWarnsRegex", "deprecated_call"})
IMPORT_TEST_NOTE = (
    "an import in a test named for importing, or made of imports only: that it imports is what "
    "it tests"
)
IMPORT_WORDS = frozenset({"import", "imports", "importing", "importable"})
RAISES_CALLS = frozenset({"raises", "assertRaises", "assertRaisesRegex", "assertRaisesRegexp"})
EXPECTED_RAISE_NOTE = (
    "the call ends a `with pytest.raises(...)` block: it is expected to raise, the name is "
    "never bound"
)
DOCTEST_NOTE = (
    "a doctest example of the file reads it (doctest runs them with the module's globals)"
)
UNITTEST_MAIN_NOTE = (
    "a TestCase class: the module's `unittest.main()` collects it from its namespace"
)
TEST_CASE_NAME = re.compile(r"^Test|Tests?$|TestCase$")
TYPE_COMMENT = re.compile(r"#\s*type:(?!\s*ignore\b)\s*(?P<annotation>.+)")


def contradicted_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F841 on a handler's name that it reads and F401 on an availability
    probe made info (a file is parsed only when it has such a finding)."""
    return explain_as_info(findings, lambda finding: _note(finding, files))


def _note(finding: Finding, files: ParsedFiles) -> str | None:
    if finding.rule not in (UNUSED_VARIABLE, UNUSED_IMPORT, REDEFINED) or finding.path is None:
        return None
    if finding.line is None or finding.severity is not Severity.WARNING:
        return None
    tree = files.syntax(finding.path)
    if tree is None:
        return None
    if finding.rule == REDEFINED:
        return IMPORT_TEST_NOTE if in_import_test(tree, finding.line) else None
    if finding.rule == UNUSED_VARIABLE:
        found = _VARIABLE.search(finding.message)
        if found is not None and handler_reads_name(tree, finding.line, found.group("name")):
            return READ_NOTE
        if raised_before_binding(tree, finding.line):
            return EXPECTED_RAISE_NOTE
        if found is not None and local_in_type_comment(
            tree, files.text(finding.path), finding.line, found.group("name")
        ):
            return LOCAL_TYPE_COMMENT_NOTE
        if found is not None and annotated_in_type_test(tree, finding.line, found.group("name")):
            return TYPE_CHECK_NOTE
        return ATTRIBUTE_NOTE if is_attribute_probe(tree, finding.line) else None
    found = _IMPORTED.search(finding.message)
    if found is None:
        return None
    if is_availability_probe(tree, finding.line):
        return PROBE_NOTE
    if guarded_alone(tree, finding.line):
        return GUARDED_NOTE
    if expected_to_fail(tree, finding.line):
        return EXPECTED_FAILURE_NOTE
    if expected_to_warn(tree, finding.line):
        return WARNED_IMPORT_NOTE
    if in_import_test(tree, finding.line):
        return IMPORT_TEST_NOTE
    text = files.text(finding.path)
    imported = found.group("name")
    if in_type_comment(tree, text, finding.line, imported):
        return TYPE_COMMENT_NOTE
    if in_type_string(tree, finding.line, imported):
        return TYPE_STRING_NOTE
    if read_through_globals(tree, finding.line, imported):
        return GLOBALS_NOTE
    if read_by_doctest(tree, finding.line, imported):
        return DOCTEST_NOTE
    return UNITTEST_MAIN_NOTE if collected_by_unittest_main(tree, finding.line, imported) else None


def binds_call_or_exception(tree: Syntax, line: int) -> bool:
    """Whether the statement at `line` binds the result of a call (`x = f()`, or
    `with f() as x`, as `with pytest.raises(E) as excinfo`) or a caught exception
    (`except E as e`)."""
    for node in tree.nodes(ast.Assign):
        if node.lineno <= line <= (node.end_lineno or node.lineno):
            value = node.value.value if isinstance(node.value, ast.Await) else node.value
            return isinstance(value, ast.Call)
    for statement in tree.nodes(ast.With):
        for item in statement.items:
            bound = item.optional_vars
            if bound is not None and bound.lineno == line:
                return isinstance(item.context_expr, ast.Call)
    return any(h.lineno == line and h.name for h in tree.nodes(ast.ExceptHandler))


def handler_reads_name(tree: Syntax, line: int, name: str) -> bool:
    """Whether the `except ... as name` handler at `line` reads `name` before any top-level
    statement of its body rebinds it (a rebinding nested in a block may not run)."""
    for handler in tree.nodes(ast.ExceptHandler):
        if handler.lineno != line or handler.name != name:
            continue
        for statement in handler.body:
            if _reads(statement, name):
                return True
            if _rebinds(statement, name):
                return False
    return False


def _reads(node: ast.AST, name: str) -> bool:
    return any(
        isinstance(n, ast.Name) and n.id == name and isinstance(n.ctx, ast.Load)
        for n in ast.walk(node)
    )


def _rebinds(statement: ast.stmt, name: str) -> bool:
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        targets = [statement.target]
    return any(isinstance(t, ast.Name) and t.id == name for t in targets)


def is_availability_probe(tree: Syntax, line: int) -> bool:
    """Whether an import at `line` sits directly in the body of a `try` one of whose handlers
    catches ImportError (by that name, a broader class, or a bare `except`)."""
    statement = _probed(tree, line, IMPORT_ERRORS)
    return isinstance(statement, (ast.Import, ast.ImportFrom))


def guarded_alone(tree: Syntax, line: int) -> bool:
    """Whether the import at `line` is the one statement of a `try:` body, whatever its handlers
    catch (lark's `try: import js2py  # Ensures that js2py exists` / `except RuntimeError:`,
    which turns js2py's refusal of a Python version into an ImportError that skips the tests):
    nothing else can fail there, so the import's failure is what the `try` is for. A `try:` with
    no handler (`try: import os` / `finally:`) catches nothing: no probe."""
    for node in tree.nodes(ast.Try):
        if node.handlers and len(node.body) == 1 and _is_import_at(node.body[0], line):
            return True
    return False


def expected_to_fail(tree: Syntax, line: int) -> bool:
    """Whether the import at `line` sits directly in a `with` block expecting ImportError
    (`with pytest.raises(ImportError):`), or makes up, with other imports only, the body of a
    function the file passes to a call expecting ImportError (`assertRaises(ImportError, f)`)."""
    for block in tree.nodes(ast.With):
        expects = any(_expects_import_error(item.context_expr) for item in block.items)
        if expects and any(_is_import_at(statement, line) for statement in block.body):
            return True
    scopes: list[ast.Module | ast.FunctionDef | ast.AsyncFunctionDef] = [
        tree.tree,
        *tree.nodes(ast.FunctionDef),
        *tree.nodes(ast.AsyncFunctionDef),
    ]
    for scope in scopes:
        passed = {
            argument.id
            for call in _own_calls(scope.body)
            if _expects_import_error(call)
            for argument in call.args[1:2]
            if isinstance(argument, ast.Name)
        }
        for function in scope.body:
            if not isinstance(function, ast.FunctionDef) or function.name not in passed:
                continue
            body = function.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring
            only_imports = all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in body)
            if body and only_imports and any(_is_import_at(s, line) for s in body):
                return True
    return False


def expected_to_warn(tree: Syntax, line: int) -> bool:
    """Whether the import at `line` sits in a `with` block expecting a warning
    (`with self.assertWarns(DeprecationWarning):`, `with pytest.warns(W):`,
    `with pytest.deprecated_call():`) whose body is imports only."""
    for block in tree.nodes(ast.With):
        if not any(_call_name(item.context_expr) in WARNS_CALLS for item in block.items):
            continue
        only_imports = all(isinstance(s, (ast.Import, ast.ImportFrom)) for s in block.body)
        if only_imports and any(_is_import_at(statement, line) for statement in block.body):
            return True
    return False


def _call_name(node: ast.expr) -> str:
    """The called function's own name (`warns` of `pytest.warns(...)`), or ''."""
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def raised_before_binding(tree: Syntax, line: int) -> bool:
    """Whether `line` is the last statement of a `with` block that expects an exception
    (`with pytest.raises(E):`, `with self.assertRaises(E):`) and assigns a call's result or
    an item or attribute read (`x = d['id']`), or
    is a `with f() as x:` there whose body does nothing (`pass`), so that only the call (or
    its `__enter__`) can raise, before `x` is bound."""
    for block in tree.nodes(ast.With):
        last = block.body[-1]
        if not last.lineno <= line <= (last.end_lineno or last.lineno):
            continue
        if not any(_raises_call(i.context_expr) for i in block.items):
            continue
        if isinstance(last, ast.With) and _entered_for_nothing(last, line):
            return True
        value = last.value if isinstance(last, (ast.Assign, ast.AnnAssign)) else None
        if isinstance(value, ast.Await):
            value = value.value
        if isinstance(value, ast.Call | ast.Subscript | ast.Attribute):
            return True
    return False


def _entered_for_nothing(statement: ast.With, line: int) -> bool:
    """Whether `statement` binds a call's context at `line` (`with TinyDB(...) as db:`) and
    its body is only `pass`, `...` or a string: nothing there can raise or read the name."""
    binds = any(
        isinstance(item.context_expr, ast.Call)
        and item.optional_vars is not None
        and item.optional_vars.lineno == line
        for item in statement.items
    )
    idle = all(
        isinstance(s, ast.Pass) or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        for s in statement.body
    )
    return binds and idle


def in_import_test(tree: Syntax, line: int) -> bool:
    """Whether the import at `line` is a statement directly in the body of a test function
    whose name has the word import (`test_import_moves_error_1`, `test_imports`,
    `testImportable`; not `test_importer_reads_csv`), or whose body is only imports (after an
    optional docstring) and that a runner collects: a function of the module or a method of
    one of its classes, not a `def test():` nested in a test to pass to assertRaises."""
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = [
        *tree.nodes(ast.FunctionDef),
        *tree.nodes(ast.AsyncFunctionDef),
    ]
    collected = _collected_functions(tree.tree)
    for function in functions:
        if not function.name.startswith("test"):
            continue
        words = {w.lower() for w in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", function.name)}
        tests_importing = bool(words & IMPORT_WORDS) or (
            function in collected and _only_imports(function.body)
        )
        if tests_importing and any(_is_import_at(s, line) for s in function.body):
            return True
    return False


def _collected_functions(module: ast.Module) -> list[ast.stmt]:
    """The functions of the module's top level and the methods of its top-level classes."""
    found: list[ast.stmt] = []
    for node in module.body:
        body = node.body if isinstance(node, ast.ClassDef) else [node]
        found += [n for n in body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    return found


def _only_imports(body: list[ast.stmt]) -> bool:
    """Whether `body` is import statements only, after an optional docstring."""
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]
    return bool(body) and all(isinstance(s, ast.Import | ast.ImportFrom) for s in body)


def _raises_call(node: ast.expr) -> bool:
    """Whether `node` is a `raises`/`assertRaises` call naming what it expects."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    return (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) in (
        RAISES_CALLS
    )


def _own_calls(statements: list[ast.stmt]) -> list[ast.Call]:
    """The calls in `statements`, not looking into the functions and classes they define (a
    function passed to assertRaises is the one defined beside the call, in the same scope)."""
    calls: list[ast.Call] = []
    pending: list[ast.AST] = list(statements)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Call):
            calls.append(node)
        pending.extend(ast.iter_child_nodes(node))
    return calls


def _expects_import_error(node: ast.expr) -> bool:
    """Whether `node` is a `raises`/`assertRaises` call whose first argument is ImportError
    or ModuleNotFoundError (alone or in a tuple)."""
    if not isinstance(node, ast.Call) or not node.args:
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    if name not in RAISES_CALLS:
        return False
    first = node.args[0]
    caught = first.elts if isinstance(first, ast.Tuple) else [first]
    return any(isinstance(c, ast.Name) and c.id in IMPORT_ERRORS - BROAD for c in caught)


def _is_import_at(statement: ast.stmt, line: int) -> bool:
    spans = statement.lineno <= line <= (statement.end_lineno or statement.lineno)
    return spans and isinstance(statement, (ast.Import, ast.ImportFrom))


def is_attribute_probe(tree: Syntax, line: int) -> bool:
    """Whether `line` is an assignment of attribute reads (one, or a tuple of them) directly in
    the body of a `try` one of whose handlers catches AttributeError."""
    statement = _probed(tree, line, ATTRIBUTE_ERRORS)
    if not isinstance(statement, ast.Assign):
        return False
    value = statement.value
    reads = value.elts if isinstance(value, ast.Tuple) else [value]
    return all(isinstance(read, ast.Attribute) for read in reads)


def _probed(tree: Syntax, line: int, catches: frozenset[str]) -> ast.stmt | None:
    """The simple statement at `line` directly in a `try` body, if a handler of that `try`
    catches one of `catches` (or everything); a compound one is searched by its own `try`s."""
    for node in tree.nodes(ast.Try):
        if not any(_catches(h, catches) for h in node.handlers):
            continue
        for statement in node.body:
            spans = statement.lineno <= line <= (statement.end_lineno or statement.lineno)
            if spans and not hasattr(statement, "body"):
                return statement
    return None


def in_type_comment(tree: Syntax, text: str, line: int, imported: str) -> bool:
    """Whether the name the import at `line` binds for `imported` (`typing.Optional` ->
    `Optional`, `os.path` -> `os`, an alias -> the alias) appears in a `# type:` comment."""
    bound = bound_name(tree, line, imported)
    if bound is None:
        return False
    word = re.compile(rf"(?<![\w.]){re.escape(bound)}\b")
    return any(word.search(match.group("annotation")) for match in TYPE_COMMENT.finditer(text))


def _innermost_function(tree: Syntax, line: int) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The innermost function whose body spans `line` (None at module level)."""
    functions = [
        node
        for node in tree.nodes(ast.FunctionDef) + tree.nodes(ast.AsyncFunctionDef)
        if node.lineno < line <= (node.end_lineno or node.lineno)
    ]
    return max(functions, key=lambda node: node.lineno, default=None)


def local_in_type_comment(tree: Syntax, text: str, line: int, name: str) -> bool:
    """Whether a `# type:` comment after `line`, within the innermost function that spans
    `line`, names `name` (the local assigned there)."""
    function = _innermost_function(tree, line)
    if function is None:
        return False
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    lines = text.splitlines()[line : function.end_lineno or line]
    return any(
        word.search(match.group("annotation"))
        for source in lines
        for match in TYPE_COMMENT.finditer(source)
    )


def annotated_in_type_test(tree: Syntax, line: int, name: str) -> bool:
    """Whether the module is a static-typing test (it imports `assert_type` from typing or
    typing_extensions, or calls `typing.assert_type`) and the statement at `line` assigns
    `name`, a local its innermost function annotates (`name: T = v`, or `name: T` then
    `name = v`)."""
    if not _checks_types(tree):
        return False
    function = _innermost_function(tree, line)
    if function is None:
        return False
    annotated = {
        node.target.id
        for node in ast.walk(function)
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
    }
    if name not in annotated:
        return False
    for node in ast.walk(function):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.lineno == line:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            return any(isinstance(t, ast.Name) and t.id == name for t in targets)
    return False


def _checks_types(tree: Syntax) -> bool:
    """Whether the module imports `assert_type` (or reads `typing.assert_type`)."""
    for node in tree.nodes(ast.ImportFrom):
        if node.module in TYPING_MODULES and any(
            alias.name in TYPE_CHECK_FUNCTIONS for alias in node.names
        ):
            return True
    return any(
        node.attr in TYPE_CHECK_FUNCTIONS and dotted_name(node.value) in TYPING_MODULES
        for node in tree.nodes(ast.Attribute)
    )


def in_type_string(tree: Syntax, line: int, imported: str) -> bool:
    """Whether the import at `line` sits under `if TYPE_CHECKING:` and the name it binds for
    `imported` is a name of a string of the file that parses as a Python expression (a forward
    reference such as `'Optional[PostLex]'` or `'Token'`; prose does not parse)."""
    if not _under_type_checking(tree, line):
        return False
    bound = bound_name(tree, line, imported)
    if bound is None:
        return False
    for node in tree.nodes(ast.Constant):
        if not isinstance(node.value, str) or bound not in node.value:
            continue
        try:
            expression = ast.parse(node.value.strip(), mode="eval")
        except (SyntaxError, ValueError):
            continue
        if any(isinstance(n, ast.Name) and n.id == bound for n in ast.walk(expression)):
            return True
    return False


def read_through_globals(tree: Syntax, line: int, imported: str) -> bool:
    """Whether the name that the import at `line` binds for `imported` is read back by a string
    key of `globals()` in the file: `globals()["json"]`, `globals().get("json")`, or a key
    variable that a `for` loop (or comprehension) takes from literal strings that include it."""
    bound = bound_name(tree, line, imported)
    if bound is None:
        return False
    loops: dict[str, set[str]] = {}
    for node in tree.walked:
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
            words = _literal_strings(node.iter)
            loops.setdefault(node.target.id, set()).update(words)
    for key in _globals_keys(tree):
        if isinstance(key, ast.Constant) and key.value == bound:
            return True
        if isinstance(key, ast.Name) and bound in loops.get(key.id, ()):
            return True
    return False


def read_by_doctest(tree: Syntax, line: int, imported: str) -> bool:
    """Whether the module-level import at `line` binds, for `imported`, a name that an example
    of a docstring of the file (module, class or function) reads before an earlier example of
    the same docstring binds it (doctest gives each docstring the module's globals)."""
    if not _at_module_level(tree.tree.body, line):
        return False
    bound = bound_name(tree, line, imported)
    if bound is None:
        return False
    owners: list[ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = [
        tree.tree,
        *tree.nodes(ast.FunctionDef),
        *tree.nodes(ast.AsyncFunctionDef),
        *tree.nodes(ast.ClassDef),
    ]
    for owner in owners:
        docstring = ast.get_docstring(owner, clean=False) or ""
        if ">>>" in docstring and bound in docstring and _example_reads_first(docstring, bound):
            return True
    return False


def _at_module_level(body: list[ast.stmt], line: int) -> bool:
    """Whether an import at `line` is a statement of the module, or of its `if`/`try`/`with`
    blocks, not of a function or class body."""
    for statement in body:
        if not statement.lineno <= line <= (statement.end_lineno or statement.lineno):
            continue
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            return True
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return False
        blocks = [getattr(statement, name, []) for name in ("body", "orelse", "finalbody")]
        blocks += [handler.body for handler in getattr(statement, "handlers", [])]
        return any(_at_module_level(block, line) for block in blocks)
    return False


def _example_reads_first(docstring: str, name: str) -> bool:
    """Whether an example of `docstring` reads `name` while no earlier example bound it."""
    try:
        examples = doctest.DocTestParser().get_examples(docstring)
    except ValueError:  # doctest itself refuses the docstring (inconsistent indentation)
        return False
    bound: set[str] = set()
    for example in examples:
        try:
            code = ast.parse(example.source)
        except SyntaxError:
            continue
        reads, binds = _reads_and_binds(code)
        if name in reads and name not in bound | binds:  # not imported by the example itself
            return True
        bound |= binds
    return False


def _reads_and_binds(code: ast.Module) -> tuple[set[str], set[str]]:
    reads: set[str] = set()
    binds: set[str] = set()
    for node in ast.walk(code):
        if isinstance(node, ast.Name):
            (reads if isinstance(node.ctx, ast.Load) else binds).add(node.id)
        elif isinstance(node, ast.alias):
            binds.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            binds.add(node.name)
    return reads, binds


def _literal_strings(node: ast.expr) -> set[str]:
    if not isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return set()
    return {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}


def _globals_keys(tree: Syntax) -> list[ast.expr]:
    """The keys of `globals()[key]` and `globals().get(key, ...)` in the file."""
    keys: list[ast.expr] = []
    for node in tree.walked:
        if isinstance(node, ast.Subscript) and _is_globals_call(node.value):
            keys.append(node.slice)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and _is_globals_call(node.func.value)
            and node.args
        ):
            keys.append(node.args[0])
    return keys


def _is_globals_call(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "globals"
        and not node.args
    )


def _under_type_checking(tree: Syntax, line: int) -> bool:
    """Whether `line` is in the body of an `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`)."""
    for node in tree.nodes(ast.If):
        test = node.test
        name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", None)
        if name != "TYPE_CHECKING" or not node.body:
            continue
        if node.body[0].lineno <= line <= (node.body[-1].end_lineno or node.body[-1].lineno):
            return True
    return False


def collected_by_unittest_main(tree: Syntax, line: int, imported: str) -> bool:
    """Whether the import at `line` binds a TestCase class name (`TestTrees`, `LexerTests`)
    by `from ... import` in a module that calls `unittest.main()` (or `main()` imported from
    unittest), whose default loader runs the TestCases of the module's namespace."""
    bound = bound_name(tree, line, imported)
    if bound is None or not TEST_CASE_NAME.search(bound):
        return False
    if not any(
        isinstance(n, ast.ImportFrom) and n.lineno <= line <= (n.end_lineno or n.lineno)
        for n in tree.nodes(ast.ImportFrom)
    ):
        return False
    mains = {"unittest.main"} | {
        alias.asname or alias.name
        for node in tree.nodes(ast.ImportFrom)
        if node.module == "unittest"
        for alias in node.names
        if alias.name == "main"
    }
    return any(dotted_name(call.func) in mains for call in tree.nodes(ast.Call))


def bound_name(tree: Syntax, line: int, imported: str) -> str | None:
    for node in tree.walked:
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if not node.lineno <= line <= (node.end_lineno or node.lineno):
            continue
        for alias in node.names:
            if isinstance(node, ast.ImportFrom):
                module = "." * node.level + (node.module or "")
                full = f"{module}.{alias.name}" if node.module else f"{module}{alias.name}"
                if imported in (full, alias.name):
                    return alias.asname or alias.name
            elif imported == alias.name:
                return alias.asname or alias.name.split(".")[0]
    return None


def _catches(handler: ast.ExceptHandler, names: frozenset[str]) -> bool:
    if handler.type is None:
        return True
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(c, ast.Name) and c.id in names for c in caught)
