from __future__ import annotations

import json
import textwrap
from pathlib import Path

from ai_workflow.engine.step import StepOutcome, StepResult, StepStatus
from ai_workflow.findings import Severity
from ai_workflow.steps import pre_analysis, test_generation, test_review
from tests.helpers import commit_all, git, make_repo, step_context, write_files

OPS = textwrap.dedent(
    """\
    def add(a, b):
        return a + b


    def sub(a: int, b: int = 0) -> int:
        return a - b


    def _hidden():
        pass


    class Calc:
        def __init__(self):
            self.value = 0

        def total(self):
            return self.value

        def reset(self):
            self.value = 0
            return self
    """
)

GEOMETRY = textwrap.dedent(
    """\
    def area(w, h):
        \"\"\"A long function.\"\"\"
        result = w * h
        result = result + 0
        result = result * 1
        result = result - 0
        result = result + 0
        result = result * 1
        return result


    class Shape:
        def grow(self):
            return self
    """
)

PY_FILES = {
    "pyproject.toml": '[project]\nname = "calc"\n',
    "src/calc/__init__.py": "",
    "src/calc/ops.py": OPS,
    "src/calc/geometry.py": GEOMETRY,
    "tests/test_ops.py": textwrap.dedent(
        """\
        from calc.ops import Calc, add


        def test_add():
            assert add(1, 2) == 3


        def test_total():
            assert Calc().total() == 0
        """
    ),
}


def run(root: Path, results: dict[str, StepResult] | None = None) -> StepOutcome:
    ctx = step_context(root, test_generation.SPEC, results=results)
    return test_generation.run(ctx)


def result_of(module: object, root: Path) -> StepResult:
    """Run a real dependency step and record its result the way the engine does."""
    spec = module.SPEC  # type: ignore[attr-defined]
    outcome = module.run(step_context(root, spec))  # type: ignore[attr-defined]
    result = StepResult.for_spec(spec, outcome.status())
    result.data = outcome.data
    return result


def test_python_candidates_ranked(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    outcome = run(root)
    candidates = outcome.data["candidates"]
    found = [(c["path"], c["line"], c["qualname"], c["kind"]) for c in candidates]
    assert found == [
        ("src/calc/geometry.py", 1, "area", "function"),  # 9 lines, module untested
        ("src/calc/geometry.py", 12, "Shape", "class"),  # its methods are not listed again
        ("src/calc/ops.py", 20, "Calc.reset", "method"),
        ("src/calc/ops.py", 5, "sub", "function"),
    ]
    sub = candidates[3]
    assert sub["signature"] == "def sub(a: int, b: int=0) -> int"
    assert sub["reasons"] == ["no test reaches it", "2 line(s)"]
    assert candidates[0]["reasons"] == ["no test reaches it", "its module has no test", "9 line(s)"]
    assert all(f.severity == Severity.INFO for f in outcome.findings)
    assert outcome.findings[0].rule == "tests/untested-function"
    assert outcome.findings[1].rule == "tests/untested-class"
    assert outcome.findings[3].message.startswith("#4 untested function sub: def sub(")
    assert (outcome.findings[3].path, outcome.findings[3].line) == ("src/calc/ops.py", 5)
    assert outcome.status() == StepStatus.PASSED
    assert outcome.data["untested_modules"] == ["src/calc/geometry.py"]


def test_recently_changed_code_ranks_first(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    write_files(root, {"README.md": "# Calc\n"})
    commit_all(root, "docs")  # the last commit touches no code
    (root / "src/calc/ops.py").write_text(OPS + "\n\ndef mul(a, b):\n    return a * b\n")
    results = {"pre_analysis": result_of(pre_analysis, root)}
    outcome = run(root, results)
    order = [c["qualname"] for c in outcome.data["candidates"]]
    assert order[:3] == ["Calc.reset", "sub", "mul"]
    assert outcome.data["candidates"][0]["reasons"][:2] == [
        "no test reaches it",
        "recently changed",
    ]


def test_uses_step5_data_when_present(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    review = result_of(test_review, root)
    assert review.data["untested_modules"] == ["src/calc/geometry.py"]
    review.data["untested_modules"] = ["src/calc/ops.py"]  # what step 5 said wins
    outcome = run(root, {"test_review": review})
    flags = {c["qualname"]: c["module_untested"] for c in outcome.data["candidates"]}
    assert flags == {"area": False, "Shape": False, "Calc.reset": True, "sub": True}


def test_javascript_exports(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "js",
        {
            "package.json": json.dumps({"name": "js"}),
            "src/sum.js": textwrap.dedent(
                """\
                function sum(a, b) {
                  return a + b;
                }

                const diff = (a, b) => a - b;

                module.exports = { sum, diff };
                """
            ),
            "src/esm.mjs": textwrap.dedent(
                """\
                export function mul(a, b) {
                  return a * b;
                }

                export const div = async (a, b) => a / b;

                export class Box {
                  open() {}
                }
                """
            ),
            "test/sum.test.js": (
                "const { sum } = require('../src/sum');\n"
                "test('x', () => expect(sum(1, 1)).toBe(2));\n"
            ),
        },
    )
    outcome = run(root)
    found = {
        (c["path"], c["qualname"]): (c["line"], c["signature"]) for c in outcome.data["candidates"]
    }
    assert found == {
        ("src/sum.js", "diff"): (5, "const diff = (a, b) => a - b"),
        ("src/esm.mjs", "mul"): (1, "function mul(a, b)"),
        ("src/esm.mjs", "div"): (5, "const div = async (a, b) =>"),
        ("src/esm.mjs", "Box"): (7, "class Box"),
    }


def test_writes_nothing_into_the_project(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    run(root)
    status = git(root, "status", "--porcelain", "--untracked-files=all", "--ignored")
    assert [line for line in status.splitlines() if ".ai_workflow/" not in line] == []


def test_many_candidates_are_capped_in_findings_not_in_data(tmp_path: Path) -> None:
    body = "\n\n".join(f"def f{i}():\n    return {i}" for i in range(120))
    root = make_repo(tmp_path / "big", {"pkg/__init__.py": "", "pkg/many.py": body + "\n"})
    outcome = run(root)
    assert outcome.data["count"] == 120
    assert len(outcome.findings) == test_generation.MAX_FINDINGS
    assert any("top 100 of 120" in line for line in outcome.checked)


def test_definitions_without_behaviour_are_never_listed(tmp_path: Path) -> None:
    source = textwrap.dedent(
        """\
        import enum
        from typing import Protocol, TypedDict, overload


        class Options(TypedDict):
            name: str


        class Reader(Protocol):
            def read(self) -> bytes: ...


        class Color(enum.Enum):
            RED = 1


        class Failure(Exception):
            pass


        @overload
        def pick(x: int) -> int: ...
        def pick(x):
            return x


        def untested(x):
            return x * 2
        """
    )
    root = make_repo(tmp_path / "b", {"pkg/__init__.py": "", "pkg/kinds.py": source})
    outcome = run(root)
    assert [c["qualname"] for c in outcome.data["candidates"]] == ["pick", "untested"]


def test_coverage_lines_decide_which_definitions_ran(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    lines = "".join(f'<line number="{n}" hits="{1 if n in (6, 7) else 0}"/>' for n in range(1, 24))
    report = (
        '<?xml version="1.0" ?><coverage line-rate="0.5"><sources><source>'
        f"{root}/src</source></sources><packages><package><classes>"
        f'<class filename="calc/ops.py" line-rate="0.5"><lines>{lines}</lines></class>'
        "</classes></package></packages></coverage>"
    )
    write_files(root, {"coverage.xml": report})
    outcome = run(root)
    found = {c["qualname"]: c["reasons"][0] for c in outcome.data["candidates"]}
    # sub (lines 5-6) ran although no test names it; add ran in no line although a test names it
    assert "sub" not in found
    assert found["add"] == "no line ran (coverage.xml)"
    assert found["Calc"] == "no line ran (coverage.xml)"
    assert found["area"] == "no test reaches it"  # geometry.py is not in the report


ROUTER = {
    "package.json": json.dumps({"name": "router", "main": "index.js"}),
    "index.js": textwrap.dedent(
        """\
        const { compileTree } = require('./lib/compiler');

        function Router() {}

        Router.prototype.find = function find(path) {
          return compileTree(this, path);
        };

        module.exports = Router;
        """
    ),
    "lib/compiler.js": textwrap.dedent(
        """\
        function compileTree(router, path) {
          return path;
        }

        function unusedHelper(router) {
          return router;
        }

        module.exports = { compileTree, unusedHelper };
        """
    ),
    "test/find.test.js": (
        "const Router = require('..');\n"
        "test('find', () => expect(new Router().find('/')).toBe('/'));\n"
    ),
}


def test_a_helper_the_tested_entry_module_calls_is_reached(tmp_path: Path) -> None:
    """The package's root index.js, outside the lib/ source directory, is code the tests
    run: a lib/ helper it calls by name is reached (find-my-way's compileTree, called by
    `Router.prototype.find`), while a helper nothing calls is still listed."""
    root = make_repo(tmp_path / "router", ROUTER)
    outcome = run(root)
    found = {(c["path"], c["qualname"]) for c in outcome.data["candidates"]}
    assert ("lib/compiler.js", "compileTree") not in found
    assert ("lib/compiler.js", "unusedHelper") in found
