"""JavaScript/TypeScript tests (mocha, jest, vitest, node:test, tap, ava) and what they check.

A test is a call of `it`/`test`/`specify` (with `.only`, `.skip`, `.todo`...) that has a title or
a callback, where that name is not a function of the file itself (a local `function test(app)`
that wraps `it(...)` calls is a helper, not a test). Its callback checks something when it, or
a helper it calls, asserts: `expect(...)`, `assert...`, `should` or `must` (should.js and
Must.js, whose getter on Object.prototype starts an assertion chain: `json.must.eql(...)`, as
json-stringify-safe 5.0.1's tests, run with mocha's `--require must`), a chained `.expect(...)`
(supertest), a call on the test context `t`, `throw`, or the test's `done` handed to the code
(`server.close(done)`, `{ end: done }`: the test fails unless the code calls it back cleanly).
The title says what the test checks, as a Python docstring does (`FoundTest.intent`): a test
titled 'should work' that asserts nothing checks exactly that, by not failing. Helpers are
followed into functions of the same file, functions exported by the project's
test-support files, and methods that test files define (page objects, helper classes) when called
on an object. A call of a name declared nowhere
(neither in the file nor a JavaScript global), of a callable held in a variable, or of a method
picked at run time (`this[method]()`), leaves the verdict unknown, and a test whose code does not
parse is not judged.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ai_workflow.testsource import treesitter as ts
from ai_workflow.testsource.jsmodules import (
    FUNCTION_TYPES,
    JS_SUFFIXES,
    JsModule,
    JsProject,
    required,
)
from ai_workflow.testsource.model import FoundTest, Verdict, combine
from ai_workflow.testsource.treesitter import Node

TEST_FUNCTIONS = frozenset({"it", "test", "specify", "xit", "xtest", "xspecify", "fit"})
SKIPPED_FUNCTIONS = frozenset({"xit", "xtest", "xspecify"})
TEST_MODIFIERS = frozenset({"only", "skip", "todo", "concurrent", "failing", "serial"})
CHECK_NAME_RE = re.compile(r"^(assert|expect|should|verify|check|fail)([A-Z_]\w*)?$")
ASSERTION_LIBRARIES = frozenset(
    {
        "assert", "node:assert", "assert/strict", "node:assert/strict", "chai", "should",
        "expect", "expect.js", "power-assert", "uvu/assert", "better-assert", "unexpected",
        "must",
    }
)  # fmt: skip
# should.js and Must.js: a getter on Object.prototype that starts an assertion chain
PROTOTYPE_ASSERTIONS = frozenset({"should", "must"})
CONTEXT_NON_CHECKS = frozenset(
    {
        "skip", "todo", "diagnostic", "mock", "before", "beforeEach", "after", "afterEach",
        "teardown", "timeout", "log", "name", "signal", "runOnly", "context", "comment",
        "setTimeout", "slow", "retries", "title", "test", "describe", "it",
    }
)  # fmt: skip
JS_GLOBALS = frozenset(
    {
        "setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval",
        "clearImmediate", "queueMicrotask", "structuredClone", "process", "console", "require",
        "Promise", "Buffer", "JSON", "Object", "Array", "String", "Number", "Boolean",
        "Symbol", "BigInt", "Error", "TypeError", "RangeError", "SyntaxError", "Date", "Math",
        "RegExp", "Map", "Set", "WeakMap", "WeakSet", "Reflect", "Proxy", "parseInt",
        "parseFloat", "isNaN", "isFinite", "encodeURIComponent", "decodeURIComponent",
        "encodeURI", "decodeURI", "escape", "unescape", "fetch", "URL", "URLSearchParams",
        "TextEncoder", "TextDecoder", "AbortController", "Uint8Array", "ArrayBuffer",
        "DataView", "globalThis", "Function", "eval", "Intl", "atob", "btoa", "describe",
        "context", "suite", "it", "test", "specify", "before", "after", "beforeEach",
        "afterEach", "beforeAll", "afterAll", "jest", "vi", "import",
    }
)  # fmt: skip
MAX_DEPTH = 12


@dataclass
class _Frame:
    module: JsModule
    func: Node
    test_params: tuple[str, ...]  # the test callback's parameters (done, t); empty in helpers
    depth: int


class JsTests:
    """Reads the tests of JS/TS files; follows helpers into the project's test-support files."""

    def __init__(self, project: JsProject, is_test_file: Callable[[str], bool]) -> None:
        self.project = project
        self.is_test_file = is_test_file
        self._verdicts: dict[tuple[str, int, tuple[str, ...]], Verdict] = {}
        self._methods: dict[str, list[tuple[JsModule, Node]]] | None = None

    def tests(self, path: str) -> list[FoundTest] | None:
        """The tests of one file; None when it cannot be parsed at all (no grammar)."""
        module = self.project.module(path)
        if module is None:
            return None
        return [self._found(module, call) for call in _test_calls(module)]

    def _found(self, module: JsModule, call: Node) -> FoundTest:
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        args = arguments.named_children if arguments is not None else []
        title = ts.string_value(args[0]) if args else None
        callback = next((a for a in reversed(args) if a.type in FUNCTION_TYPES), None)
        name = title if title is not None else ts.text(function)
        skipped = _is_skipped(function, args) or callback is None
        if callback is None or callback.has_error:
            return FoundTest(name, ts.line(call), None, skipped)
        params = tuple(_param_names(callback))
        verdict = self.judge(_Frame(module, callback, params, 0))
        # the title is prose that says what the test checks, as a Python test's docstring does
        empty = verdict is False and _is_empty(callback)
        return FoundTest(name, ts.line(call), verdict, skipped, intent=title or "", empty=empty)

    # ----------------------------------------------------------------- judging

    def judge(self, frame: _Frame) -> Verdict:
        key = (frame.module.path, frame.func.start_byte, frame.test_params)
        if key in self._verdicts:
            return self._verdicts[key]
        if frame.depth > MAX_DEPTH or frame.func.has_error:
            return None
        self._verdicts[key] = False  # recursion adds no evidence
        verdict = combine(self._evidence(frame))
        self._verdicts[key] = verdict
        return verdict

    def _evidence(self, frame: _Frame) -> Iterator[Verdict]:
        body = frame.func.child_by_field_name("body") or frame.func
        inner_params = _nested_params(body)
        for node in ts.walk(body):
            kind = node.type
            if kind == "throw_statement" or self._hands_on_done(frame, node):
                yield True
                return
            if kind == "member_expression" and self._prototype_assertion(frame, node):
                yield True
                return
            if kind == "call_expression":
                verdict = self._call(frame, node, inner_params)
                yield verdict
                if verdict is True:
                    return

    def _prototype_assertion(self, frame: _Frame, node: Node) -> bool:
        """`x.should...` (should.js), or `x.must...` where Must.js is in use: the project
        declares `must` or the file requires it. `must` alone is a common property name (an
        Elasticsearch bool query's `query.bool.must`), no assertion without the library."""
        name = _property(node)
        if name == "must":
            return "must" in self.project.dependencies or "must" in frame.module.specifiers
        return name in PROTOTYPE_ASSERTIONS

    @staticmethod
    def _hands_on_done(frame: _Frame, node: Node) -> bool:
        """The test's `done`/`t` handed to the code (an argument, `{ end: done }`): the test
        then fails unless the code calls it back, with no error."""
        if node.type != "identifier" or not frame.test_params:
            return False
        if ts.text(node) != frame.test_params[0] or node.parent is None:
            return False
        parent = node.parent
        if parent.type == "call_expression" and parent.child_by_field_name("function") == node:
            return False  # done() itself: see _named_call
        if parent.type == "member_expression" and parent.child_by_field_name("object") == node:
            return False  # t.something(): see _member_call
        return parent.type not in ("formal_parameters", "required_parameter")

    def _call(self, frame: _Frame, call: Node, inner_params: set[str]) -> Verdict:
        function = call.child_by_field_name("function")
        arguments = call.child_by_field_name("arguments")
        args = arguments.named_children if arguments is not None else []
        if function is None:
            return None
        passed = [self._argument(frame, a) for a in args if a.type == "identifier"]
        if function.type == "member_expression" and self._is_subtest(frame, function):
            verdict = self._subtest(frame, args)
        elif function.type == "identifier":
            verdict = self._named_call(frame, ts.text(function), bool(args), inner_params)
        elif function.type == "member_expression":
            verdict = self._member_call(frame, function)
        elif function.type == "subscript_expression":
            verdict = self._subscript_call(frame, function)
        else:
            verdict = False  # a call of a call's result: chained code under test
        return combine([verdict, *passed])

    @staticmethod
    def _is_subtest(frame: _Frame, function: Node) -> bool:
        """`t.test(title, cb)` on the test's own context (tape, node-tap, node:test)."""
        root, properties = _member_chain(function)
        return bool(frame.test_params) and root == frame.test_params[0] and properties == ["test"]

    def _subtest(self, frame: _Frame, args: list[Node]) -> Verdict:
        """A subtest checks what its own callback checks, through its own context (`st.ok`):
        a test whose subtests assert asserts."""
        callback = next((a for a in reversed(args) if a.type in FUNCTION_TYPES), None)
        if callback is None or callback.has_error:
            return False
        params = tuple(_param_names(callback))
        return self.judge(_Frame(frame.module, callback, params, frame.depth + 1))

    def _argument(self, frame: _Frame, arg: Node) -> Verdict:
        """A function of the file handed on may be called: judge it."""
        name = ts.text(arg)
        if name in frame.module.functions:
            return self._function(frame.module, frame.module.functions[name], frame.depth)
        return False

    def _named_call(
        self, frame: _Frame, name: str, has_args: bool, inner_params: set[str]
    ) -> Verdict:
        module = frame.module
        if frame.test_params and name == frame.test_params[0]:
            return has_args  # done(err) reports a failure; done() does not
        if CHECK_NAME_RE.match(name):
            return True
        if name in module.functions:
            return self._function(module, module.functions[name], frame.depth)
        if name in module.bindings:
            return self._imported(module, *module.bindings[name], frame.depth)
        if name in frame.test_params:
            return None  # a callable the runner passed in
        if name in inner_params:
            return False  # a callback the code under test handed to ours (next, resolve)
        if name in module.declared:
            return None  # a callable held in a variable
        return False if name in JS_GLOBALS else None

    def _member_call(self, frame: _Frame, function: Node) -> Verdict:
        root, properties = _member_chain(function)
        if any(CHECK_NAME_RE.match(p) for p in properties):
            return True
        spec = _required_root(function)
        if spec is not None and properties:  # require('./helpers').check(...)
            return self._imported(frame.module, spec, properties[0], frame.depth)
        if root is None:
            return self._support_method(properties[-1], frame.depth) if properties else False
        if CHECK_NAME_RE.match(root):
            return True  # assert.equal, expect(x).toBe
        if frame.test_params and root == frame.test_params[0] and properties:
            return properties[0] not in CONTEXT_NON_CHECKS
        binding = frame.module.bindings.get(root)
        if binding is not None:
            spec, export = binding
            if spec in ASSERTION_LIBRARIES:
                return True
            if export is None and properties:
                return self._imported(frame.module, spec, properties[0], frame.depth)
        return self._support_method(properties[-1], frame.depth) if properties else False

    def _subscript_call(self, frame: _Frame, function: Node) -> Verdict:
        """`obj['name']()` is `obj.name()`; `this[method]()`, a method picked at run time
        (argparse.js runs each `test*` method of a class so), leaves the verdict unknown."""
        index = function.child_by_field_name("index")
        name = ts.string_value(index) if index is not None else None
        if name is None:
            return None
        if CHECK_NAME_RE.match(name):
            return True
        return self._support_method(name, frame.depth)

    def _support_method(self, name: str, depth: int) -> Verdict:
        """`obj.name()` on an object we cannot type: if the project's test files define a method
        of that name (a page object, a helper class), judge those; else it is the code under
        test."""
        if self._methods is None:
            self._methods = {}
            test_files = [p for p in sorted(self.project.files) if p.endswith(JS_SUFFIXES)]
            for path in filter(self.is_test_file, test_files):
                module = self.project.module(path)
                if module is None:
                    continue
                for method, nodes in module.methods.items():
                    self._methods.setdefault(method, []).extend((module, n) for n in nodes)
        found = self._methods.get(name, [])
        return combine(self._function(module, node, depth) for module, node in found)

    def _function(self, module: JsModule, func: Node, depth: int) -> Verdict:
        return self.judge(_Frame(module, func, (), depth + 1))

    def _imported(self, module: JsModule, spec: str, export: str | None, depth: int) -> Verdict:
        """A name bound by require/import: followed into test-support files."""
        if spec in ASSERTION_LIBRARIES:
            return True
        path = self.project.resolve(module.path, spec)
        if path is None:
            return None if spec.startswith(".") else False  # missing file / external library
        if not self.is_test_file(path):
            return False  # the code under test
        target = self.project.module(path)
        if target is None or export is None:
            return None
        value = target.exports.get(export)
        if isinstance(value, str):
            value = target.functions.get(value)
        if value is None or value.type not in FUNCTION_TYPES:
            return None
        return self._function(target, value, depth)


# --------------------------------------------------------------------------- syntax helpers


def _test_calls(module: JsModule) -> Iterator[Node]:
    for node in module.calls:
        function = node.child_by_field_name("function")
        base = _test_function_name(function)
        if base is None or base in module.functions:
            continue  # not a test runner's function: a local helper of the same name
        arguments = node.child_by_field_name("arguments")
        args = arguments.named_children if arguments is not None else []
        if not args:
            continue
        if ts.string_value(args[0]) is not None or any(a.type in FUNCTION_TYPES for a in args):
            yield node


def _test_function_name(function: Node | None) -> str | None:
    if function is None:
        return None
    if function.type == "identifier":
        name = ts.text(function)
        return name if name in TEST_FUNCTIONS else None
    if function.type == "member_expression":
        obj = function.child_by_field_name("object")
        if obj is not None and obj.type == "identifier" and _property(function) in TEST_MODIFIERS:
            name = ts.text(obj)
            return name if name in TEST_FUNCTIONS else None
    return None


def _is_skipped(function: Node | None, args: list[Node]) -> bool:
    if function is None:
        return False
    if function.type == "identifier" and ts.text(function) in SKIPPED_FUNCTIONS:
        return True
    if function.type == "member_expression" and _property(function) in ("skip", "todo"):
        return True
    for arg in args:  # node:test options: test('x', { skip: true }, fn)
        if arg.type != "object":
            continue
        for pair in arg.named_children:
            key, value = pair.child_by_field_name("key"), pair.child_by_field_name("value")
            if (
                pair.type == "pair"
                and key is not None
                and value is not None
                and ts.text(key) in ("skip", "todo")
                and ts.text(value) not in ("false", "undefined", "null")
            ):
                return True
    return False


def _property(member: Node) -> str:
    prop = member.child_by_field_name("property")
    return ts.text(prop) if prop is not None else ""


def _member_chain(node: Node) -> tuple[str | None, list[str]]:
    """`a.b(x).c.d` -> ('a', ['b', 'c', 'd']); the root is None when it is not a name."""
    properties: list[str] = []
    current: Node | None = node
    while current is not None:
        if current.type == "member_expression":
            properties.insert(0, _property(current))
            current = current.child_by_field_name("object")
        elif current.type == "call_expression":
            current = current.child_by_field_name("function")
        elif current.type in ("identifier", "this"):
            return ts.text(current), properties
        else:
            break
    return None, properties


def _required_root(node: Node) -> str | None:
    """The specifier when a member chain starts with `require('x')`."""
    current: Node | None = node
    while current is not None and current.type in ("member_expression", "call_expression"):
        if current.type == "call_expression":
            spec = required(current)
            if spec is not None:
                return spec
            current = current.child_by_field_name("function")
        else:
            current = current.child_by_field_name("object")
    return None


def _param_names(func: Node) -> list[str]:
    params = func.child_by_field_name("parameters") or func.child_by_field_name("parameter")
    if params is None:
        return []
    if params.type == "identifier":
        return [ts.text(params)]
    names = []
    for param in params.named_children:
        target = param.child_by_field_name("pattern") or param
        if target.type == "identifier":
            names.append(ts.text(target))
    return names


def _nested_params(body: Node) -> set[str]:
    """Parameters of the functions nested in `body` (callbacks the code under test calls)."""
    names: set[str] = set()
    for node in ts.walk(body):
        if node.type in FUNCTION_TYPES:
            names.update(_param_names(node))
    return names


def _is_empty(callback: Node) -> bool:
    """A test callback whose block has no statement (comments aside): `() => {}`."""
    body = callback.child_by_field_name("body")
    return (
        body is not None
        and body.type == "statement_block"
        and all(c.type == "comment" for c in body.named_children)
    )
