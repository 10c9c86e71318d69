"""What the tests reach: evidence for "this module / definition is untested".

Evidence, strongest first:
1. a coverage report that lists the file: a module none of whose lines ran, a definition none
   of whose body lines ran;
2. the reference graph: modules the test files import, transitively through the project's own
   imports/requires (Python `import`, JS/TS `require`/`import`, strings naming a dotted module
   such as `mock.patch("pkg.mod.f")`, files named by path, every module under `pkg.commands`
   for `import_module(f"pkg.commands.{name}")`), then definitions reached by name from the
   tests and the reached code (`pyreach`). When the graph cannot be followed for a language (a
   relative import of a missing file, a path alias it cannot resolve), every module of that
   language counts as reached: nothing is called untested on incomplete evidence.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from ai_workflow.testsource import pyreach
from ai_workflow.testsource.jsmodules import JS_SUFFIXES, JsProject
from ai_workflow.testsource.pyindex import PyIndex

DOTTED_RE = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
DYNAMIC_IMPORTS = frozenset({"import_module", "__import__", "import_string", "run_module"})


@dataclass
class CoverageData:
    """Per-file figures of a coverage report, keyed by project path."""

    report: str
    percent: dict[str, float] = field(default_factory=dict)
    hits: dict[str, dict[int, int]] = field(default_factory=dict)  # line -> hit count


@dataclass
class Reach:
    modules: set[str] = field(default_factory=set)  # reached source and test files
    incomplete: dict[str, str] = field(default_factory=dict)  # language -> why
    python_units: set[tuple[str, str]] = field(default_factory=set)
    js_names: set[str] = field(default_factory=set)
    coverage: CoverageData | None = None

    def module_evidence(self, path: str) -> str | None:
        """Why `path` is untested, or None when something reaches it (or we cannot tell)."""
        cov = self.coverage
        if cov is not None and path in cov.percent:
            if cov.percent[path] > 0 or any(cov.hits.get(path, {}).values()):
                return None
            return f"none of its lines ran under the tests ({cov.report})"
        if path in self.modules:
            return None
        return "no test imports it, directly or through the modules the tests import"

    def covered(self, path: str, first: int, last: int) -> bool | None:
        """Whether any line in first..last ran; None when the report has no lines for `path`."""
        if self.coverage is None or path not in self.coverage.hits:
            return None
        hits = self.coverage.hits[path]
        return any(hits.get(n, 0) > 0 for n in range(first, last + 1))

    def python_reached(self, path: str, qualname: str) -> bool:
        return (path, qualname) in self.python_units

    def js_reached(self, path: str, name: str) -> bool:
        return path in self.modules and name in self.js_names


SeedNames = Callable[[str, ast.Module], set[str]]
"""The names a test file uses (`pyreach.names_in` of its tree, or a store of earlier ones)."""
Reference = list[Any]
"""What the module graph follows in a file, in `ast.walk` order: `["import", line, [names]]`,
`["from", line, module, level, [names]]`, `["text", string]` (a string that may name a module
or a file), `["dynamic", literal head]` (`import_module(f"pkg.{x}")`)."""
References = Callable[[str], list[Reference] | None]
"""The references of a project file; None when it cannot be read or parsed."""
SourceUnits = Callable[[PyIndex, list[str]], list[pyreach.Unit]]
"""The units of the Python sources (`python_units`, or a store of earlier ones)."""


def names_of(path: str, tree: ast.Module) -> set[str]:
    """The names the test file at `path` uses."""
    return pyreach.names_in(tree)


def references(tree: ast.Module) -> list[Reference]:
    """Every reference of one parsed file (its content alone decides them)."""
    out: list[Reference] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.append(["import", node.lineno, [a.name for a in node.names]])
        elif isinstance(node, ast.ImportFrom):
            names = [a.name for a in node.names]
            out.append(["from", node.lineno, node.module, node.level, names])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if _may_name_module(node.value):
                out.append(["text", node.value])
        elif isinstance(node, ast.Call) and _last_name(node.func) in DYNAMIC_IMPORTS:
            out.append(["dynamic", _constant_head(node.args[0]) if node.args else ""])
    return out


def _may_name_module(text: str) -> bool:
    """A string `_dotted_modules` or `_named_files` may resolve (all others name nothing)."""
    dotted = len(text) <= 200 and DOTTED_RE.match(text) is not None
    named = len(text) <= 300 and "\n" not in text and text.endswith((".py", *JS_SUFFIXES))
    return dotted or named


def compute_reach(
    index: PyIndex,
    js: JsProject,
    test_files: list[str],
    sources: list[str],
    coverage: CoverageData | None,
    seed_names: SeedNames = names_of,
    refs: References | None = None,
    units: SourceUnits | None = None,
) -> Reach:
    reach = Reach(coverage=coverage)
    py_tests = [f for f in test_files if f.endswith(".py")]
    js_tests = [f for f in test_files if f.endswith(JS_SUFFIXES)]
    reach.modules |= _python_modules(index, py_tests, reach, refs or parsed_references(index))
    reach.modules |= _js_modules(js, js_tests, reach)
    for language, suffixes in (("python", (".py", ".pyi")), ("javascript", JS_SUFFIXES)):
        if language in reach.incomplete:
            reach.modules |= {s for s in sources if s.endswith(suffixes)}
    _python_definitions(index, py_tests, sources, reach, seed_names, units or python_units)
    # Names used by every JS file the tests reach, sources or not: a package's root index.js
    # that the source directories (lib/) leave out still runs under the tests and calls the
    # lib/ helpers it requires.
    for path in sorted({*js_tests, *reach.modules}):
        module = js.module(path) if path.endswith(JS_SUFFIXES) else None
        if module is not None:
            reach.js_names |= module.used
    known = {*sources, *test_files}
    reach.modules &= known
    return reach


# --------------------------------------------------------------------------- Python


def parsed_references(index: PyIndex) -> References:
    """`references` of the files of `index`, parsed by it."""

    def refs(path: str) -> list[Reference] | None:
        tree = index.tree(path)
        return None if tree is None else references(tree)

    return refs


def _closure(starts: list[str], successors: Callable[[str], list[str]]) -> set[str]:
    """Every path reached from `starts` by following `successors` (each path visited once)."""
    seen: set[str] = set()
    todo = list(starts)
    while todo:
        path = todo.pop()
        if path not in seen:
            seen.add(path)
            todo += successors(path)
    return seen


def _python_modules(index: PyIndex, tests: list[str], reach: Reach, refs: References) -> set[str]:
    def successors(path: str) -> list[str]:
        todo: list[str] = []
        for ref in refs(path) or []:
            if ref[0] == "import":
                node = ast.Import(names=[ast.alias(name=n) for n in ref[2]])
                todo += index.imported_modules(path, node)
            elif ref[0] == "from":
                names = [ast.alias(name=n) for n in ref[4]]
                found = ast.ImportFrom(module=ref[2], names=names, level=ref[3])
                todo += index.imported_modules(path, found)
                if index.unresolved_relative(path, found):
                    reach.incomplete.setdefault(
                        "python", f"{path}:{ref[1]}: a relative import names no project file"
                    )
            elif ref[0] == "text":
                todo += _dotted_modules(index, ref[1], path)
                todo += _named_files(index.files, ref[1])
            else:
                todo += _dynamic_import(index, ref[1])
        return todo

    return _closure(tests, successors)


def _dynamic_import(index: PyIndex, prefix: str) -> list[str]:
    """`import_module(f"pkg.commands.{name}")` may load any module under `pkg.commands`
    (`prefix` is the literal head of the name).

    A name computed from nothing literal (`__import__(name)`) is not followed: projects use it
    mostly to probe optional packages, and their own modules' names then appear as strings.
    """
    package = prefix.rpartition(".")[0]
    if not package or not DOTTED_RE.match(package + ".x"):
        return []
    return [
        p for name, paths in index.by_name.items() if name.startswith(package + ".") for p in paths
    ]


def _constant_head(node: ast.expr) -> str:
    """The literal start of a computed string: f"a.b.{x}", "a.b." + x, "a.b.%s" % x."""
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        return (
            first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else ""
        )
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        left = node.left
        return left.value if isinstance(left, ast.Constant) and isinstance(left.value, str) else ""
    return ""


def _last_name(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _dotted_modules(index: PyIndex, text: str, near: str) -> list[str]:
    """`"pkg.mod.func"` names the module `pkg.mod` (mock.patch targets, `-m` arguments)."""
    match = DOTTED_RE.match(text)
    if match is None or len(text) > 200:
        return []
    parts = match.group(0).split(".")
    for end in range(len(parts), 0, -1):
        found = index.find(".".join(parts[:end]), near)
        if found:
            return found
    return []


def _named_files(files: set[str], text: str) -> list[str]:
    """`"scripts/tool.py"`, `runpy.run_path(".../pkg/cli.py")`: a file named by its path."""
    if len(text) > 300 or "\n" in text or not text.endswith((".py", *JS_SUFFIXES)):
        return []
    tail = text.replace("\\", "/").lstrip("./")
    if tail in files:
        return [tail]
    return [f for f in files if f.endswith("/" + tail)] if "/" in tail else []


def python_units(index: PyIndex, sources: list[str]) -> list[pyreach.Unit]:
    """The units (`pyreach.module_units`) of the Python sources that parse, in order, knowing
    the bases of every class they define."""
    trees = {s: index.tree(s) for s in sources if s.endswith(".py")}
    parsed = {p: t for p, t in trees.items() if t is not None}
    classes = pyreach.class_bases(parsed.values())
    return [u for p, t in parsed.items() for u in pyreach.module_units(p, t, classes)]


def _python_definitions(
    index: PyIndex,
    tests: list[str],
    sources: list[str],
    reach: Reach,
    seed_names: SeedNames,
    source_units: SourceUnits,
) -> None:
    units = source_units(index, sources)
    seeds: set[str] = set()
    for path in tests:
        tree = index.tree(path)
        if tree is not None:
            seeds |= seed_names(path, tree)
    reach.python_units = pyreach.reached_units(units, reach.modules, seeds)


# --------------------------------------------------------------------------- JavaScript


def _js_modules(js: JsProject, tests: list[str], reach: Reach) -> set[str]:
    def successors(path: str) -> list[str]:
        todo: list[str] = []
        module = js.module(path) if path.endswith(JS_SUFFIXES) else None
        if module is None:
            if (js.target / path).is_file():
                reach.incomplete.setdefault("javascript", f"{path}: cannot be parsed here")
            return todo
        for text in module.named_files:  # spawn('node', ['bin/cli.js']), fixtures by path
            todo += _named_files(js.files, text)
        for prefix in module.prefixes:  # require('./commands/' + name): any file there
            if prefix.startswith("."):
                base = posixpath.normpath(posixpath.join(posixpath.dirname(path), prefix))
                head = base + ("/" if prefix.endswith("/") else "")
                todo += [f for f in js.files if f.startswith(head) and f.endswith(JS_SUFFIXES)]
        for spec in module.specifiers:
            found = js.resolve(path, spec)
            if found is not None:
                todo.append(found)
            elif _looks_internal(js, spec):
                reach.incomplete.setdefault(
                    "javascript", f"{path}: cannot resolve '{spec}' to a project file"
                )
        return todo

    return _closure(tests, successors)


def _looks_internal(js: JsProject, spec: str) -> bool:
    """An unresolved specifier that may name project code (not an asset, not a package)."""
    suffix = PurePosixPath(spec).suffix
    if suffix and suffix not in JS_SUFFIXES:
        return False  # a stylesheet, an image, JSON...
    if spec.startswith("."):
        return True
    return not js.is_external(spec)
