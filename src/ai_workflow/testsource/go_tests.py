"""Go tests (`func TestXxx(t *testing.T)`) and whether each one can fail other than by crashing.

A Go test checks something when it calls `t.Error*`/`t.Fatal*`/`t.Fail*` (on `t` or on any
value: a helper struct holding `t`), panics, or hands its `t` to a function: a function of the
same package is followed (with `t` bound to the matching parameter), and so is a method of a
test file's type; anything else taking `t` (testify's `assert`/`require`, a closure in a
variable) is assumed to check. Subtests (`t.Run(name, func(t *testing.T) {...})`)
are part of the test, and so is a subtest given as a function or method value of the package. A
compile-time assertion (`var _ Interface = value`) is a check too. A function that does not
parse is not judged, nor an empty test beside the one example of its file (it keeps go/doc
from showing the whole file as the example). A test that checks nothing keeps its comments:
one may say that not crashing or hanging is its point (`_ = vals[i] == vals[j] // mustn't
panic`, `testsource.model.comments_say_no_crash`). A test named for a `MustXxx` function of the
package that calls it checks that function's contract, panicking on an error (`_exercises_must`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ai_workflow.pysource import read_source
from ai_workflow.testsource import treesitter as ts
from ai_workflow.testsource.model import FoundTest, Verdict, combine
from ai_workflow.testsource.treesitter import Node

TEST_NAME_RE = re.compile(r"^Test(?![a-z])")
EXAMPLE_NAME_RE = re.compile(r"^Example(?![a-z])")
MUST_NAME_RE = re.compile(r"^Must[A-Z]\w*$")
FAIL_METHODS = frozenset({"Error", "Errorf", "Fatal", "Fatalf", "Fail", "FailNow"})
SKIP_METHODS = frozenset({"Skip", "Skipf", "SkipNow"})
LOG_METHODS = frozenset({"Log", "Logf"})
TESTING_TYPES = frozenset({"*testing.T", "testing.TB", "*testing.B", "*testing.F"})
MAX_DEPTH = 12
GO_BUILTINS = frozenset(
    {"len", "cap", "min", "max", "real", "imag", "complex", "string", "int", "int64", "uint64"}
    | {"uint32", "int32", "float64", "byte", "rune", "uint", "uint8", "bool", "float32"}
)
"""Builtin functions and conversions that a logged value may call and still run no code of
the package: a length, a conversion of a fixture."""


@dataclass
class _GoFile:
    path: str
    package: str
    root: Node
    functions: dict[str, Node] = field(default_factory=dict)
    methods: dict[str, Node] = field(default_factory=dict)  # by method name, any receiver


@dataclass
class _Frame:
    file: _GoFile
    func: Node
    tnames: frozenset[str]
    depth: int


class GoTests:
    """Reads Go test files; resolves helpers among the files of the same package."""

    def __init__(self, target: Path, files: list[str]) -> None:
        self.target = target
        self.by_dir: dict[str, list[str]] = {}
        for path in files:
            if path.endswith(".go"):
                self.by_dir.setdefault(posixpath.dirname(path), []).append(path)
        self._files: dict[str, _GoFile | None] = {}
        self._verdicts: dict[tuple[str, int, frozenset[str]], Verdict] = {}

    def tests(self, path: str) -> list[FoundTest] | None:
        go_file = self._file(path)
        if go_file is None:
            return None
        found = []
        for name, func in go_file.functions.items():
            if not TEST_NAME_RE.match(name) or func.type != "function_declaration":
                continue
            params = _params(func)
            if len(params) != 1 or params[0][1] != "*testing.T":
                continue
            tnames = frozenset(p for p, _ in params if p not in ("", "_"))
            unjudged = func.has_error or (_is_empty(func) and _one_example(go_file))
            verdict = None if unjudged else self.judge(_Frame(go_file, func, tnames, 0))
            if verdict is False and self._exercises_must(go_file, name, func):
                verdict = True
            comments = _comments(func) if verdict is False else ""
            logged = _logged_failure(func, tnames) if verdict is False else ""
            skipped = _skips_first(func, tnames)
            found.append(
                FoundTest(name, ts.line(func), verdict, skipped, comments=comments, logged=logged)
            )
        return sorted(found, key=lambda t: t.line)

    def _exercises_must(self, go_file: _GoFile, name: str, func: Node) -> bool:
        """The test is named for a `MustXxx` function of its package (`TestMustParse`,
        `TestMustParse_valid`) and calls it: by Go's convention such a function returns its
        value or panics on an error (`panic` in its body, checked), so not panicking on a valid
        input is the very contract under test, and the panic is its assertion (blang/semver's
        `_ = MustParse("32.2.1-alpha")`). A `Must` call in a test of something else is setup."""
        subject = name[len("Test") :]
        body = func.child_by_field_name("body")
        for node in ts.walk(body) if body is not None else []:
            if node.type != "call_expression":
                continue
            function = node.child_by_field_name("function")
            if function is None or function.type != "identifier":
                continue
            called = ts.text(function)
            if not MUST_NAME_RE.match(called) or not subject.startswith(called):
                continue
            found = self._package_function(go_file, called)
            if found is not None and not found[0].path.endswith("_test.go") and _panics(found[1]):
                return True
        return False

    def _file(self, path: str) -> _GoFile | None:
        if path not in self._files:
            self._files[path] = self._parse(path)
        return self._files[path]

    def _parse(self, path: str) -> _GoFile | None:
        try:
            root = ts.parse(read_source(self.target / path), path)
        except OSError:
            return None
        if root is None:
            return None
        package = next(
            (
                ts.text(c.named_children[0])
                for c in root.named_children
                if c.type == "package_clause" and c.named_children
            ),
            "",
        )
        go_file = _GoFile(path, package, root)
        for child in root.named_children:
            if child.type in ("function_declaration", "method_declaration"):
                name = child.child_by_field_name("name")
                table = (
                    go_file.functions if child.type == "function_declaration" else go_file.methods
                )
                if name is not None:
                    table.setdefault(ts.text(name), child)
        return go_file

    def _package_function(
        self, go_file: _GoFile, name: str, *, methods: bool = False
    ) -> tuple[_GoFile, Node] | None:
        """A function (or, with `methods`, a method) of `go_file`'s package named `name`."""
        for path in self.by_dir.get(posixpath.dirname(go_file.path), []):
            other = self._file(path)
            if other is None or other.package != go_file.package:
                continue
            table = other.methods if methods else other.functions
            if name in table:
                return other, table[name]
        return None

    # ----------------------------------------------------------------- judging

    def judge(self, frame: _Frame) -> Verdict:
        key = (frame.file.path, frame.func.start_byte, frame.tnames)
        if key in self._verdicts:
            return self._verdicts[key]
        if frame.depth > MAX_DEPTH or frame.func.has_error:
            return None
        self._verdicts[key] = False
        verdict = combine(self._evidence(frame))
        self._verdicts[key] = verdict
        return verdict

    def _evidence(self, frame: _Frame) -> Iterator[Verdict]:
        body = frame.func.child_by_field_name("body")
        if body is None:
            return
        tnames = set(frame.tnames)
        for node in ts.walk(body):
            if node.type == "func_literal":  # subtests and closures bring their own t
                tnames |= {p for p, kind in _params(node) if kind in TESTING_TYPES}
            elif _is_static_assertion(node):
                yield True
                return
            elif node.type == "call_expression":
                verdict = self._call(frame, node, tnames)
                yield verdict
                if verdict is True:
                    return

    def _call(self, frame: _Frame, call: Node, tnames: set[str]) -> Verdict:
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        args = arguments.named_children if arguments is not None else []
        if function is None:
            return None
        if function.type == "selector_expression":
            operand = function.child_by_field_name("operand")
            field_node = function.child_by_field_name("field")
            owner = ts.text(operand) if operand is not None else ""
            method = ts.text(field_node) if field_node is not None else ""
            if method in FAIL_METHODS:
                return True  # t.Errorf, or a helper struct's h.t.Fatal / h.Fatalf
            if owner in tnames:
                return self._run(frame, method, args)
            if owner == "log" and method.startswith(("Fatal", "Panic")):
                return True
        t_positions = [
            i for i, a in enumerate(args) if a.type == "identifier" and ts.text(a) in tnames
        ]
        if function.type == "selector_expression":
            field_node = function.child_by_field_name("field")
            name = ts.text(field_node) if field_node is not None else ""
            found = self._package_function(frame.file, name, methods=True)
            if found is not None and found[0].path.endswith("_test.go"):  # a test helper's method
                names = _names_at(found[1], t_positions) if t_positions else frozenset()
                verdict = self.judge(_Frame(found[0], found[1], names, frame.depth + 1))
                return True if t_positions else verdict
        if function.type == "identifier":
            name = ts.text(function)
            if name == "panic":
                return True
            found = self._package_function(frame.file, name)
            if found is not None and (t_positions or found[0].path.endswith("_test.go")):
                helper_file, helper = found
                names = _names_at(helper, t_positions)
                return self.judge(_Frame(helper_file, helper, names, frame.depth + 1))
        return bool(t_positions)  # anything else given the test's t may fail it

    def _run(self, frame: _Frame, method: str, args: list[Node]) -> Verdict:
        """`t.Run(name, fn)` where fn is a function or method of the package, not a literal."""
        if method != "Run" or len(args) < 2 or args[1].type == "func_literal":
            return False  # a literal subtest is walked as part of the test
        subtest = args[1]
        if subtest.type == "selector_expression":  # a method value: tc.test
            field_node = subtest.child_by_field_name("field")
            name = ts.text(field_node) if field_node is not None else ""
            found = self._package_function(frame.file, name, methods=True)
        else:
            found = self._package_function(frame.file, ts.text(subtest))
        if found is None:
            return True  # a subtest we cannot see is given a t: assume it checks
        return self.judge(_Frame(found[0], found[1], _names_at(found[1], [0]), frame.depth + 1))


def _panics(func: Node) -> bool:
    """The function's body calls `panic`."""
    body = func.child_by_field_name("body")
    for node in ts.walk(body) if body is not None else []:
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            if (
                function is not None
                and function.type == "identifier"
                and ts.text(function) == "panic"
            ):
                return True
    return False


def _is_static_assertion(node: Node) -> bool:
    """`var _ Interface = value`: a compile-time check of a type."""
    if node.type != "var_spec" or node.child_by_field_name("type") is None:
        return False
    names = node.children_by_field_name("name")
    return bool(names) and all(ts.text(n) == "_" for n in names)


def _params(func: Node) -> list[tuple[str, str]]:
    """(name, type text) of each parameter, grouped names expanded; unnamed ones as ''."""
    params = func.child_by_field_name("parameters")
    out: list[tuple[str, str]] = []
    for decl in params.named_children if params is not None else []:
        if decl.type not in ("parameter_declaration", "variadic_parameter_declaration"):
            continue
        type_node = decl.child_by_field_name("type")
        kind = ts.text(type_node).replace(" ", "") if type_node is not None else ""
        names = [ts.text(c) for c in decl.children_by_field_name("name")]
        out += [(n, kind) for n in names] or [("", kind)]
    return out


def _names_at(func: Node, positions: list[int]) -> frozenset[str]:
    params = _params(func)
    names = set()
    for position in positions:
        if params:
            name = params[min(position, len(params) - 1)][0]
            if name not in ("", "_"):
                names.add(name)
    return frozenset(names)


def _is_empty(func: Node) -> bool:
    """The function's body has no statement (comments aside)."""
    body = func.child_by_field_name("body")
    return body is not None and all(c.type == "comment" for c in body.named_children)


def _one_example(go_file: _GoFile) -> bool:
    """The file declares exactly one `Example` function: go/doc shows such a file whole as the
    example unless it also declares a test, so an empty test there (gorilla/websocket's `TestX`,
    "prevents godoc from showing this entire file in the example") is documentation layout,
    not a test that checks nothing."""
    return sum(1 for name in go_file.functions if EXAMPLE_NAME_RE.match(name)) == 1


def _skips_first(func: Node, tnames: frozenset[str]) -> bool:
    """The test's first statement is `t.Skip(...)`."""
    body = func.child_by_field_name("body")
    for node in ts.walk(body) if body is not None else []:
        if node.type == "call_expression":
            function = node.child_by_field_name("function")
            text = ts.text(function) if function is not None else ""
            owner, _, method = text.partition(".")
            return owner in tnames and method in SKIP_METHODS
    return False


def _logged_failure(func: Node, tnames: frozenset[str]) -> str:
    """How a test that checks nothing shows a result only in its log, "" when it does not:
    `t.Logf` in the branch of an `if` reports a failed check and passes (spf13/pflag's
    `TestSetOutput`), and `t.Logf` of a value the code under test returned leaves the check
    to whoever reads the log (yuin/goldmark's `TestRemoveChildren`:
    `t.Logf("%+v", node2.PreviousSibling())`). A log of constant text, or inside
    `if testing.Verbose()`, is no missing check."""
    body = func.child_by_field_name("body")
    for node in ts.walk(body) if body is not None else []:
        if node.type != "if_statement" or _asks_the_run(node):
            continue
        branch = node.child_by_field_name("consequence")
        for call in ts.walk(branch) if branch is not None else []:
            method = _log_call(call, tnames)
            if method:
                return f"reports a failed check with {method}, which does not fail the test"
    for call in ts.walk(body) if body is not None else []:
        method = _log_call(call, tnames)
        arguments = call.child_by_field_name("arguments") if method else None
        if arguments is not None and any(_calls_code(a) for a in arguments.named_children[1:]):
            return f"only logs a result with {method}, which nothing checks"
    return ""


def _calls_code(node: Node) -> bool:
    """The expression calls a function other than a builtin or a conversion: `len(inS)` of a
    fixture runs no code under test (OneOfOne/xxhash's `Test` logs the input's length and the
    `Backend` constant the build tags chose), `root.PreviousSibling()` or `len(Parse(s))` do."""
    for call in ts.walk(node):
        if call.type != "call_expression":
            continue
        function = call.child_by_field_name("function")
        if function is None or ts.text(function) not in GO_BUILTINS:
            return True
    return False


def _log_call(node: Node, tnames: frozenset[str]) -> str:
    """`t.Log`/`t.Logf` on the test's t: its text, else ""."""
    function = node.child_by_field_name("function") if node.type == "call_expression" else None
    owner, _, method = (ts.text(function) if function is not None else "").partition(".")
    return f"{owner}.{method}" if owner in tnames and method in LOG_METHODS else ""


def _asks_the_run(if_node: Node) -> bool:
    """`if testing.Verbose() {` or `if testing.Short() {`: a branch for how the tests were run,
    where logging is the point, not a check."""
    condition = if_node.child_by_field_name("condition")
    text = ts.text(condition) if condition is not None else ""
    return "testing.Verbose()" in text or "testing.Short()" in text


def _comments(func: Node) -> str:
    """The comments in a test's body, one a line, and its doc comment (the comment lines right
    above it) as one line, since its sentences span lines (only asked of a test that checks
    nothing: one may say what its point is, "will complete quickly", "returns without blocking
    the stop channel")."""
    doc = [part.strip(" /*") for node in _doc_comment(func) for part in ts.text(node).splitlines()]
    lines = [" ".join(line for line in doc if line)]  # one sentence may span its lines
    for node in ts.walk(func):
        if node.type == "comment":
            lines += [part.strip(" /*") for part in ts.text(node).splitlines()]
    return "\n".join(line for line in lines if line)


def _doc_comment(func: Node) -> list[Node]:
    """The comments that end on the line above `func`, each on the line above the next: Go's
    doc comment (robfig/cron's `// Test that calling stop before start silently returns
    without blocking the stop channel.` above `func TestStopWithoutStart`)."""
    comments: list[Node] = []
    below = func.start_point[0]
    node = func.prev_sibling
    while node is not None and node.type == "comment" and node.end_point[0] == below - 1:
        comments.insert(0, node)
        below = node.start_point[0]
        node = node.prev_sibling
    return comments
