"""Test selection inside a Go package: the tests that reach the functions a change touched.

Each Go file of a package (its tests' files included, the external `_test` package too) is
parsed with tree-sitter-go into its top-level declarations: functions, methods, types, and the
names of variables and constants. A declaration refers to every identifier, field name and
type name in its text; a name stands for every declaration of it (a selector `x.Name` reaches
every function and every method called `Name`, of any receiver: over-approximate, so safe). A
type reaches its exported methods too, which code outside the package (fmt, sort, templates,
reflection, another package's interface) may call without naming them; an unexported method
can only be called by name, from inside the package.

A change is compared file by file, the base's text with today's: what differs is the set of
changed declarations. It selects the tests (`TestX`, `ExampleX`, `FuzzX`) that reach a changed
function or method; the whole package runs instead (`GoWhole`, with the reason) when anything
else changed: a type, variable or constant declaration, an import, the package clause, a
compiler directive (`//go:...`) or build constraint (`// +build`), an `init` function or
`TestMain`, a method's receiver or signature, a method added or removed (the method sets that
interfaces see), a file added or deleted, a file tree-sitter cannot parse cleanly, a file with
`//go:linkname` (a function reached under another name); or when a changed function is
reachable from package initialisation (a package-level variable's declaration, `init`,
`TestMain`), which runs for every test. Comments outside declarations change nothing, unless
the package asks for its own source positions (`runtime.Caller`, `runtime.Stack`...): then a
declaration that moved to another line counts as changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ai_workflow.testsource import treesitter as ts
from ai_workflow.testsource.treesitter import Node

TEST_NAME = re.compile(r"^(Test|Example|Fuzz)(?![a-z])")
NAME_NODES = frozenset({"identifier", "field_identifier", "type_identifier"})
FUNCTION_NODES = frozenset({"function_declaration", "method_declaration"})
DIRECTIVE = re.compile(r"^//(go:|line |export |\s*\+build\b)")  # `// +build`: Go before 1.17
POSITIONS = re.compile(
    r"\bruntime\.(Caller|Callers|Stack)\b|\bdebug\.(Stack|PrintStack)\b|\blog\.L(short|long)file\b"
)
ALWAYS_WHOLE = frozenset({"init", "TestMain"})


class GoWhole(Exception):
    """The change is not confined to function bodies: the whole package runs, for this reason."""


@dataclass
class Decl:
    key: str  # unique in the package: "func Name", "method Recv.Name", "type Name", "value Name"
    name: str
    kind: str  # func, method, type, value
    receiver: str = ""  # methods: the receiver's base type name
    refs: frozenset[str] = frozenset()
    text: str = ""  # the declaration as written (for methods, also its head apart)
    head: str = ""  # methods: receiver, name and signature
    line: int = 0
    path: str = ""
    initialises: bool = False  # init and TestMain: run for every test
    init_refs: frozenset[str] = frozenset()  # vars: the names their initialisers call
    alias_of: str = ""  # `type A = T`: "T", the type A is another name of


@dataclass
class GoFile:
    decls: list[Decl] = field(default_factory=list)
    rest: list[str] = field(default_factory=list)  # everything outside functions, in order
    positions: bool = False  # the file asks for source positions


def parse_file(text: str, path: str) -> GoFile:
    """The declarations of one Go file; GoWhole when it cannot be read cleanly."""
    root = ts.parse(text, path)
    if root is None:
        raise GoWhole("tree-sitter-go is not available")
    if root.has_error:
        raise GoWhole(f"{path} does not parse cleanly")
    if "//go:linkname" in text:  # a function reached under another name
        raise GoWhole(f"{path} uses //go:linkname")
    out = GoFile(positions=bool(POSITIONS.search(text)))
    for node in root.children:
        kind = node.type
        if kind in FUNCTION_NODES:
            decl = _function(node, path)
            if decl.kind == "func" and decl.name == "init":  # several per file: by their order
                decl.key = f"func init {path}#{sum(d.name == 'init' for d in out.decls) + 1}"
            out.decls.append(decl)
            continue
        if kind == "comment":
            if DIRECTIVE.match(ts.text(node)):
                out.rest.append(ts.text(node))
            continue
        out.rest.append(ts.text(node))
        if kind == "type_declaration":
            for spec in node.children:
                if spec.type in ("type_spec", "type_alias"):
                    name = spec.child_by_field_name("name")
                    if name is not None:
                        decl = _decl(spec, "type", ts.text(name), path)
                        aliased = spec.child_by_field_name("type")
                        if spec.type == "type_alias" and aliased is not None:
                            decl.alias_of = ts.text(aliased)
                        out.decls.append(decl)
        elif kind in ("var_declaration", "const_declaration"):
            repeated: frozenset[str] = frozenset()  # a constant's implicit type and expression
            for spec in _specs(node):
                if kind == "const_declaration" and spec.child_by_field_name("value") is not None:
                    type_ = spec.child_by_field_name("type")
                    repeated = _names(spec.child_by_field_name("value"))
                    repeated |= _names(type_) if type_ is not None else frozenset()
                for name in spec.children_by_field_name("name"):
                    decl = _decl(spec, "value", ts.text(name), path)
                    if kind == "var_declaration":
                        decl.init_refs = _called(spec)
                    else:  # `Blue` after `Red Color = iota` is a Color too
                        decl.refs |= repeated
                    out.decls.append(decl)
    return out


def _specs(node: Node) -> Iterable[Node]:
    for child in node.children:
        if child.type in ("var_spec", "const_spec"):
            yield child
        elif child.type in ("var_spec_list", "const_spec_list"):
            yield from _specs(child)


def _names(node: Node) -> frozenset[str]:
    return frozenset(ts.text(n) for n in ts.walk(node) if n.type in NAME_NODES)


def _called(node: Node) -> frozenset[str]:
    """The names in the calls of a package-level variable's initialiser (they run at package
    initialisation, their arguments too), function literals inside a call included (one called
    in place, `func() T {...}()`, or handed to a function that may call it), but not a function
    literal outside any call (it runs when called)."""
    names: set[str] = set()
    todo = [(node, False)]
    while todo:
        current, in_call = todo.pop()
        if current.type == "func_literal" and not in_call:
            continue
        in_call = in_call or current.type == "call_expression"
        if in_call and current.type in NAME_NODES:
            names.add(ts.text(current))
        todo.extend((child, in_call) for child in current.children)
    return frozenset(names)


def _decl(node: Node, kind: str, name: str, path: str) -> Decl:
    return Decl(
        f"{kind} {name}", name, kind, refs=_names(node), text=ts.text(node),
        line=ts.line(node), path=path,
    )  # fmt: skip


def _function(node: Node, path: str) -> Decl:
    name_node = node.child_by_field_name("name")
    name = ts.text(name_node) if name_node is not None else ""
    body = node.child_by_field_name("body")
    whole = ts.text(node)
    head = whole[: body.start_byte - node.start_byte] if body is not None else whole
    if node.type == "function_declaration":
        decl = _decl(node, "func", name, path)
        decl.initialises = name in ALWAYS_WHOLE
        return decl
    receiver = _receiver_type(node.child_by_field_name("receiver"))
    decl = _decl(node, "method", name, path)
    decl.key, decl.receiver, decl.head = f"method {receiver}.{name}", receiver, head
    return decl


def _receiver_type(params: Node | None) -> str:
    """The base type name of a method's receiver (`(t *T[K])` -> "T")."""
    if params is None:
        return ""
    for node in ts.walk(params):
        if node.type == "type_identifier":
            return ts.text(node)
    return ""


# --------------------------------------------------------------------------- the change


def changed_decls(
    old: GoFile | None, new: GoFile | None, path: str, positions: bool = False
) -> set[str]:
    """The keys of the functions and methods whose text differs between the two versions of
    one file (or, with `positions`, the package asking for source positions, whose line
    differs); GoWhole when something else changed."""
    if old is None or new is None:
        raise GoWhole(f"{path} was {'added' if old is None else 'deleted'}")
    if old.rest != new.rest:
        raise GoWhole(f"{path} changed outside function bodies (a declaration or an import)")
    positions = positions or old.positions or new.positions
    before = {d.key: d for d in old.decls if d.kind in ("func", "method")}
    after = {d.key: d for d in new.decls if d.kind in ("func", "method")}
    out: set[str] = set()
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        decl = now or was
        assert decl is not None
        if decl.initialises or decl.name in ALWAYS_WHOLE:
            if (
                was is None
                or now is None
                or was.text != now.text
                or (positions and was.line != now.line)
            ):
                raise GoWhole(f"{path}: {decl.name} changed (it runs for every test)")
            continue
        if was is None or now is None:
            if decl.kind == "method":
                raise GoWhole(f"{path}: method {decl.receiver}.{decl.name} added or removed")
            out.add(key)
            continue
        if decl.kind == "method" and was.head != now.head:
            raise GoWhole(f"{path}: the signature of {decl.receiver}.{decl.name} changed")
        if was.text != now.text or (positions and was.line != now.line):
            out.add(key)
    return out


# --------------------------------------------------------------------------- the reach


@dataclass
class Package:
    """The declarations of every Go file of one package (tests and external tests included)."""

    decls: dict[str, Decl] = field(default_factory=dict)
    by_name: dict[str, set[str]] = field(default_factory=dict)
    methods: dict[str, set[str]] = field(default_factory=dict)  # type -> exported methods
    tests: dict[str, str] = field(default_factory=dict)  # test name -> its key

    @classmethod
    def build(cls, files: Mapping[str, GoFile]) -> Package:
        pkg = cls()
        for path, go_file in sorted(files.items()):
            for decl in go_file.decls:
                key = decl.key
                while key in pkg.decls:  # a name declared twice (other build tags): keep both
                    key += "'"
                decl.key = key
                pkg.decls[key] = decl
                pkg.by_name.setdefault(decl.name, set()).add(key)
                if decl.kind == "method" and decl.name[:1].isupper():
                    pkg.methods.setdefault(decl.receiver, set()).add(key)
                if decl.kind == "func" and path.endswith("_test.go") and TEST_NAME.match(decl.name):
                    pkg.tests[decl.name] = key
        for decl in pkg.decls.values():  # `type A = T`: A's methods are T's, and T's are A's
            if decl.alias_of in pkg.by_name:
                both = pkg.methods.get(decl.name, set()) | pkg.methods.get(decl.alias_of, set())
                pkg.methods[decl.name] = pkg.methods[decl.alias_of] = both
        return pkg

    def edges(self, decl: Decl) -> set[str]:
        out: set[str] = set()
        for name in decl.refs:
            out |= self.by_name.get(name, set())
        if decl.kind == "type":
            out |= self.methods.get(decl.name, set())
        return out

    def reaching(self, keys: Iterable[str]) -> set[str]:
        """Every declaration that reaches one of `keys` (them included)."""
        back: dict[str, set[str]] = {}
        for decl in self.decls.values():
            for target in self.edges(decl):
                back.setdefault(target, set()).add(decl.key)
        seen = {k for k in keys if k in self.decls}
        todo = list(seen)
        while todo:
            for source in back.get(todo.pop(), ()):
                if source not in seen:
                    seen.add(source)
                    todo.append(source)
        return seen


def key_name(key: str) -> str:
    """The declared name in a declaration's key: `func Name`, `method Recv.Name`, and `func
    init a.go#1` (one per `init` of a file, in order)."""
    rest = key.split(" ", 1)[1]
    return "init" if key.startswith("func init ") else rest.split(".")[-1]


@dataclass
class Pick:
    """One package's part in a change: the tests to run, what changed, and the names (of its
    declarations) whose code reaches what changed."""

    tests: set[str]
    changed: set[str]
    names: set[str]


def select_tests(
    old: Mapping[str, str | None], new: Mapping[str, str | None], files: Mapping[str, str]
) -> Pick:
    """For one package: its tests that reach a changed function or method. `old` and `new` are
    the changed files' texts at the base and now (None: absent), `files` every Go file of the
    package now (path -> text). GoWhole when the whole package must run."""
    changed: set[str] = set()
    parsed = {path: parse_file(text, path) for path, text in files.items()}
    positions = any(go_file.positions for go_file in parsed.values())  # any file of the package
    for path in sorted(old.keys() | new.keys()):
        if PurePosixPath(path).suffix != ".go":
            raise GoWhole(f"{path} changed (not Go source)")
        before, after = old.get(path), new.get(path)
        now = parsed.get(path)
        if after is not None and now is None:
            now = parse_file(after, path)
        was = parse_file(before, path) if before is not None else None
        changed |= changed_decls(was, now if after is not None else None, path, positions)
    if not changed:
        return Pick(set(), changed, set())
    pkg = Package.build(parsed)
    # a function removed: what still names it now calls another (a builtin it shadowed)
    gone = {key_name(key) for key in changed if key.startswith("func ")} - pkg.by_name.keys()
    reaching = pkg.reaching(changed | {d.key for d in pkg.decls.values() if d.refs & gone})
    for decl in pkg.decls.values():
        called = {k for name in decl.init_refs for k in pkg.by_name.get(name, ())}
        if (decl.initialises and decl.key in reaching) or called & reaching:
            where = f"{decl.path}:{decl.line}"
            raise GoWhole(f"a changed function runs at package initialisation ({where})")
    tests = {name for name, key in pkg.tests.items() if key in reaching}
    names = {pkg.decls[key].name for key in reaching} | {key_name(key) for key in changed}
    return Pick(tests, changed, names)


def mentions(files: Mapping[str, str]) -> set[str]:
    """Every name a package's files declare or refer to; GoWhole when one cannot be parsed."""
    out: set[str] = set()
    for path, text in files.items():
        for decl in parse_file(text, path).decls:
            out.add(decl.name)
            out |= decl.refs
    return out


def test_names(files: Mapping[str, str]) -> set[str]:
    """Every test, example and fuzz test of a package (its test files' texts); GoWhole when one
    does not parse cleanly."""
    names: set[str] = set()
    for path, text in files.items():
        if path.endswith("_test.go"):
            names |= {
                d.name
                for d in parse_file(text, path).decls
                if d.kind == "func" and TEST_NAME.match(d.name)
            }
    return names
