"""What the tests reach: the import graph, coverage evidence, and definitions reached by calls."""

from __future__ import annotations

import ast
import json
import textwrap
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.testsource import pyreach
from ai_workflow.testsource.jsmodules import JsProject
from ai_workflow.testsource.pyindex import PyIndex
from ai_workflow.testsource.reach import CoverageData, compute_reach
from tests.helpers import write_files

PY_PROJECT = {
    "src/pkg/__init__.py": "from .app import App\n",
    "src/pkg/app.py": "from .ctx import Context\nfrom .sansio.base import Base\n\n"
    "class App(Base):\n    def __call__(self):\n        return self.dispatch()\n\n"
    "    def dispatch(self):\n        return Context()\n\n    def unused(self):\n        return 2\n",
    "src/pkg/ctx.py": "class Context:\n    def push(self):\n        return 1\n",
    "src/pkg/sansio/base.py": "class Base:\n    def helper(self):\n        return 1\n",
    "src/pkg/orphan.py": "def lonely():\n    return 1\n",
    "src/pkg/commands/__init__.py": "",
    "src/pkg/commands/serve.py": "def run():\n    return 1\n",
    "src/pkg/cli.py": "import importlib\n\ndef main(name):\n"
    "    return importlib.import_module(f'pkg.commands.{name}').run()\n",
    "src/pkg/patched.py": "def target():\n    return 1\n",
    "scripts/tool.py": "def main():\n    return 1\n",
    "tests/test_app.py": "import pkg\nfrom pkg import cli\nfrom unittest import mock\n\n"
    "def test_call():\n    assert pkg.App()()\n\n"
    "def test_patch():\n    with mock.patch('pkg.patched.target'):\n        assert True\n\n"
    "def test_script():\n    import runpy\n    assert runpy.run_path('scripts/tool.py')\n",
}


def reach_of(root: Path, files: dict[str, str], coverage: CoverageData | None = None):  # type: ignore[no-untyped-def]
    write_files(root, files)
    paths = sorted(files)
    tests = [p for p in paths if p.startswith(("tests/", "test/"))]
    sources = [p for p in paths if p not in tests and p.endswith((".py", ".js", ".ts"))]
    return compute_reach(
        PyIndex.build(root, paths), JsProject(root, paths), tests, sources, coverage
    )


def test_python_modules_reached_through_the_package_and_namespace_dirs(tmp_path: Path) -> None:
    reach = reach_of(tmp_path, PY_PROJECT)
    untested = {p for p in PY_PROJECT if p.endswith(".py") and reach.module_evidence(p)}
    # ctx and sansio/base only via pkg's own imports, commands/serve via import_module(f"...")
    assert untested == {"src/pkg/orphan.py"}
    assert "no test imports it" in str(reach.module_evidence("src/pkg/orphan.py"))
    assert reach.incomplete == {}


def test_python_definitions_reached_through_calls(tmp_path: Path) -> None:
    reach = reach_of(tmp_path, PY_PROJECT)
    assert reach.python_reached("src/pkg/app.py", "App.dispatch")  # via the implicit __call__
    assert reach.python_reached("src/pkg/ctx.py", "Context")  # called by dispatch
    assert not reach.python_reached("src/pkg/app.py", "App.unused")
    assert not reach.python_reached("src/pkg/ctx.py", "Context.push")
    assert not reach.python_reached("src/pkg/orphan.py", "lonely")


def test_an_unresolvable_relative_import_reports_nothing(tmp_path: Path) -> None:
    files = {
        **PY_PROJECT,
        "src/pkg/app.py": "from .generated import thing\n" + PY_PROJECT["src/pkg/app.py"],
    }
    reach = reach_of(tmp_path, files)
    assert "python" in reach.incomplete
    assert reach.module_evidence("src/pkg/orphan.py") is None


def test_coverage_comes_first(tmp_path: Path) -> None:
    coverage = CoverageData(
        "coverage.xml",
        percent={"src/pkg/ctx.py": 0.0, "src/pkg/orphan.py": 50.0},
        hits={"src/pkg/orphan.py": {1: 1, 2: 0}},
    )
    reach = reach_of(tmp_path, PY_PROJECT, coverage)
    assert reach.module_evidence("src/pkg/ctx.py") == (
        "none of its lines ran under the tests (coverage.xml)"
    )
    assert reach.module_evidence("src/pkg/orphan.py") is None  # loaded some other way
    assert reach.covered("src/pkg/orphan.py", 2, 2) is False
    assert reach.covered("src/pkg/app.py", 1, 9) is None  # no line data: the graph decides


JS_PROJECT = {
    "package.json": json.dumps({"name": "web", "dependencies": {"debug": "1"}}),
    "index.js": "module.exports = require('./lib/web');\n",
    "lib/web.js": "var app = require('./application');\nexports = module.exports = app;\n",
    "lib/application.js": "var view = require('./view.js');\nvar debug = require('debug');\n"
    "exports.command = function (name) { return require('./commands/' + name); };\n"
    "exports.render = function () { return view.compile(); };\n",
    "lib/view.js": "exports.compile = function compile() { return 1; };\n"
    "exports.unused = function () { return 2; };\n",
    "lib/orphan.js": "exports.lonely = function () {};\n",
    "lib/commands/serve.js": "exports.run = function () {};\n",
    "lib/types.d.ts": "export interface Options { name: string }\n",
    "bin/cli.js": "exports.main = function () {};\n",
    "src/widget.ts": "export function widget(): number { return 1; }\n",
    "test/app.test.js": "var web = require('../');\nvar ts = require('../src/widget.js');\n"
    "import type { Options } from '../lib/types';\nspawn('node', ['bin/cli.js']);\n"
    "it('renders', () => { expect(web.render()).toBe(1); });\n",
}


def test_js_modules_reached_through_requires(tmp_path: Path) -> None:
    reach = reach_of(tmp_path, JS_PROJECT)
    untested = {
        p for p in JS_PROJECT if p.startswith(("lib/", "src/", "bin/")) and reach.module_evidence(p)
    }
    assert untested == {"lib/orphan.js"}  # bin/cli.js is named by the test, types.d.ts imported
    assert reach.incomplete == {}
    assert reach.js_reached("lib/view.js", "compile")
    assert not reach.js_reached("lib/view.js", "unused")


def test_js_names_used_by_a_reached_module_outside_the_sources(tmp_path: Path) -> None:
    """A root index.js that is not among the sources (the stack's source dirs are lib/) but
    that the tests require still reaches the lib/ helpers it calls; an uncalled one is not."""
    files = {
        "package.json": json.dumps({"name": "router", "main": "index.js"}),
        "index.js": "const { compileTree } = require('./lib/compiler');\n"
        "function Router() {}\n"
        "Router.prototype.find = function (p) { return compileTree(this, p); };\n"
        "module.exports = Router;\n",
        "lib/compiler.js": "function compileTree(r, p) { return p; }\n"
        "function unusedHelper(r) { return r; }\n"
        "module.exports = { compileTree, unusedHelper };\n",
        "test/find.test.js": "const Router = require('..');\n"
        "test('find', () => new Router().find('/'));\n",
    }
    write_files(tmp_path, files)
    paths = sorted(files)
    reach = compute_reach(
        PyIndex.build(tmp_path, paths),
        JsProject(tmp_path, paths),
        ["test/find.test.js"],
        ["lib/compiler.js"],  # index.js is not a source
        None,
    )
    assert reach.module_evidence("lib/compiler.js") is None
    assert reach.js_reached("lib/compiler.js", "compileTree")
    assert not reach.js_reached("lib/compiler.js", "unusedHelper")


def test_an_unresolvable_path_alias_reports_nothing(tmp_path: Path) -> None:
    files = {**JS_PROJECT, "test/alias.test.js": "import { x } from '@/lib/orphan';\n"}
    reach = reach_of(tmp_path, files)
    assert "javascript" in reach.incomplete
    assert reach.module_evidence("lib/orphan.js") is None


# --------------------------------------------------------------------------- pyreach units


def units_reached(source: str, seeds: set[str]) -> set[str]:
    tree = ast.parse(textwrap.dedent(source))
    classes = pyreach.class_bases([tree])
    units = pyreach.module_units("m.py", tree, classes)
    return {q for _, q in pyreach.reached_units(units, {"m.py"}, seeds)}


def test_implicit_calls_reach_definitions() -> None:
    reached = units_reached(
        """
        import click

        class Group(click.Group):
            pass

        class MyGroup(Group):
            def get_command(self, ctx, name):
                return helper()

        @app.route("/")
        def index():
            return view()

        def helper():
            return 1

        def view():
            return 2

        def lazy():
            from .testing import Client as cls
            return cls

        class Client:
            def get(self):
                return 1

        def never():
            return 3
        """,
        {"MyGroup", "lazy"},
    )
    assert {"MyGroup.get_command", "helper", "index", "view", "Client", "lazy"} <= reached
    assert "never" not in reached and "Client.get" not in reached


def test_behaviourless_definitions() -> None:
    tree = ast.parse(
        textwrap.dedent(
            """
            import abc, enum
            from typing import NamedTuple, Protocol, TypedDict, overload

            class Options(TypedDict):
                name: str

            class Reader(Protocol):
                def read(self) -> bytes: ...

            class Point(NamedTuple):
                x: int

            class Color(enum.Enum):
                RED = 1
                def label(self):
                    return self.name

            class Error(Exception):
                pass

            class Data:
                x: int = 0

            class Base(abc.ABC):
                @abc.abstractmethod
                def run(self): ...

                def later(self):
                    raise NotImplementedError

            class Real:
                def work(self):
                    return 1

                def todo(self):
                    \"\"\"Not yet.\"\"\"

            @overload
            def f(x: int) -> int: ...
            def f(x): return x
            """
        )
    )
    assert {name for name, _ in pyreach.behaviourless(tree)} == {
        "Options", "Reader", "Reader.read", "Point", "Color", "Color.label", "Error", "Data",
        "Base", "Base.run", "Base.later", "Real.todo", "f",
    }  # fmt: skip


@given(
    st.lists(st.from_regex(r"fn_[a-z]{1,6}", fullmatch=True), min_size=1, max_size=6, unique=True)
)
def test_a_call_chain_from_a_seed_reaches_every_link(names: list[str]) -> None:
    """f0 calls f1 calls f2 ...: seeding f0 reaches all of them, seeding nothing reaches none."""
    source = "\n".join(
        f"def {name}():\n    return {names[i + 1] + '()' if i + 1 < len(names) else '0'}\n"
        for i, name in enumerate(names)
    )
    assert units_reached(source, {names[0]}) == {"", *names}
    assert units_reached(source, set()) == {""}
