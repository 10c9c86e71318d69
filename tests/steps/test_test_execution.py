from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ai_workflow.config import Config
from ai_workflow.engine.step import StepOutcome, StepStatus
from ai_workflow.findings import Severity
from ai_workflow.steps import test_execution
from ai_workflow.testcmd import plans
from ai_workflow.testcmd.isolation import isolation_note
from ai_workflow.testcmd.reports import (
    FailedTest,
    ReportError,
    locate,
    parse_go_json,
    parse_jest_json,
    parse_junit,
    parse_line_reporter,
    parse_mocha_epilogue,
    parse_tap_output,
    parse_unittest_output,
    tap_message,
)
from ai_workflow.testcmd.submodules import names_unfetched, unfetched_submodules
from ai_workflow.tools import real_interpreter
from tests.helpers import git, make_repo, step_context

PY_FILES = {
    "pyproject.toml": (
        '[project]\nname = "calc"\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
    ),
    "calc/__init__.py": "",
    "calc/ops.py": "def add(a, b):\n    return a + b\n\n\ndef div(a, b):\n    return a / b\n",
    "tests/test_ops.py": textwrap.dedent(
        """\
        import pytest

        from calc.ops import add, div


        def test_add():
            assert add(1, 2) == 3


        def test_add_wrong():
            total = add(2, 2)
            assert total == 5, "planted failure"


        def test_div_by_zero_in_source():
            div(1, 0)


        @pytest.mark.skip(reason="later")
        def test_skipped():
            pass


        @pytest.mark.xfail
        def test_expected_failure():
            assert False


        def test_needs_missing_fixture(no_such_fixture):
            pass
        """
    ),
}


def cfg(**tech_stack: object) -> Config:
    return Config.model_validate({"tech_stack": {"python": sys.executable, **tech_stack}})


def run_step(target: Path, config: Config) -> StepOutcome:
    return test_execution.run(step_context(target, test_execution.SPEC, config=config))


def errors(outcome: StepOutcome) -> list[tuple[str, str | None, int | None]]:
    return [(f.rule, f.path, f.line) for f in outcome.findings if f.severity == Severity.ERROR]


def pytest_direct_counts(target: Path) -> dict[str, int]:
    """Run pytest the way a user would, and read its final summary line."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"],
        cwd=target,
        capture_output=True,
        text=True,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"},
    )
    last = proc.stdout.strip().splitlines()[-1]
    found = {word: int(n) for n, word in re.findall(r"(\d+) (\w+)", last)}
    return {
        "passed": found.get("passed", 0),
        "failed": found.get("failed", 0),
        "errors": found.get("error", 0) + found.get("errors", 0),
        "skipped": found.get("skipped", 0),
        "xfailed": found.get("xfailed", 0),
    }


def test_pytest_counts_equal_running_pytest_directly(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    outcome = run_step(root, cfg())
    counts = outcome.data["counts"]
    direct = pytest_direct_counts(root)
    assert {k: counts[k] for k in direct} == direct
    assert direct == {"passed": 1, "failed": 2, "errors": 1, "skipped": 1, "xfailed": 1}
    assert outcome.status() == StepStatus.FAILED
    assert sorted(errors(outcome)) == [
        ("tests/error", "tests/test_ops.py", 29),  # the test's def line (setup error)
        ("tests/failed", "calc/ops.py", 6),  # innermost frame: the division in the source
        ("tests/failed", "tests/test_ops.py", 12),  # the planted assert
    ]
    planted = next(f for f in outcome.findings if f.line == 12)
    assert "planted failure" in planted.message
    assert "test_add_wrong" in planted.message
    assert planted.extra["test"] == "tests.test_ops.test_add_wrong"
    report = outcome.data["report_file"]
    assert report == ".ai_workflow/logs/workflow_20260101_000000/junit-test_execution.xml"
    assert outcome.data["framework"] == "pytest"
    assert outcome.data["exit_code"] == 1
    assert "1 passed, 2 failed, 1 errors, 1 skipped, 1 xfailed in" in outcome.summary


def test_pytest_run_leaves_the_project_untouched(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    run_step(root, cfg())
    status = git(root, "status", "--porcelain", "--untracked-files=all", "--ignored")
    assert [line for line in status.splitlines() if ".ai_workflow/" not in line] == []
    log = (
        root / ".ai_workflow/logs/workflow_20260101_000000/step07_test_execution.log"
    ).read_text()
    assert "-p no:cacheprovider" in log
    assert "test_add_wrong" in log  # the runner's output is in the step log


HYPOTHESIS_FILES = {
    "pyproject.toml": '[project]\nname = "prop"\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    # Hypothesis' CI profile (loaded when CI=true) keeps no database: this project keeps it.
    "tests/conftest.py": 'from hypothesis import settings\n\nsettings.load_profile("default")\n',
    "tests/test_prop.py": textwrap.dedent(
        """\
        from hypothesis import given
        from hypothesis import strategies as st


        @given(st.integers())
        def test_round_trip(n):
            assert int(str(n)) == n


        @given(st.integers())
        def test_small(n):
            assert n < 1000, "planted failure"
        """
    ),
}


def ignored_or_untracked(root: Path) -> list[str]:
    status = git(root, "status", "--porcelain", "--untracked-files=all", "--ignored")
    return [line for line in status.splitlines() if ".ai_workflow/" not in line]


def test_hypothesis_database_goes_to_the_workspace_not_the_project(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "prop", HYPOTHESIS_FILES)
    outcome = run_step(root, cfg())
    assert outcome.data["counts"]["passed"] == 1 and outcome.data["counts"]["failed"] == 1
    assert ignored_or_untracked(root) == [] and not (root / ".hypothesis").exists()
    examples = root / ".ai_workflow" / "tool_state" / "hypothesis" / "examples"
    assert any(p.is_file() for p in examples.rglob("*"))  # the failing example is kept
    run_step(root, cfg(test_command=f"{sys.executable} -m pytest -q -p no:cacheprovider"))
    assert ignored_or_untracked(root) == []  # a custom command gets the same environment


BASE_PYTHON = Path(sys.base_prefix) / "bin" / "python3"


def imports(python: Path | str, module: str) -> bool:
    probe = subprocess.run([str(python), "-c", f"import {module}"], capture_output=True)
    return probe.returncode == 0


def test_pytest_benchmark_detection_matches_what_the_interpreter_imports(tmp_path: Path) -> None:
    interpreters: list[Path | str] = [sys.executable]  # a venv without system site-packages
    if BASE_PYTHON.is_file():
        venv = tmp_path / "with-system-site"
        subprocess.run(
            [str(BASE_PYTHON), "-m", "venv", "--without-pip", "--system-site-packages", str(venv)],
            check=True,
        )
        interpreters += [BASE_PYTHON, venv / "bin" / "python"]
    for python in interpreters:
        found = plans.has_pytest_benchmark(str(python))
        assert found == imports(python, "pytest_benchmark"), python


def test_a_shim_is_asked_for_the_interpreter_it_runs(tmp_path: Path) -> None:
    shim = tmp_path / "shims" / "python3"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    shim.chmod(0o755)
    assert real_interpreter(str(shim)) == sys.executable
    assert real_interpreter(sys.executable) == sys.executable  # no process
    assert plans.has_pytest_benchmark(str(shim)) == imports(shim, "pytest_benchmark")


@pytest.mark.skipif(
    not (BASE_PYTHON.is_file() and imports(BASE_PYTHON, "pytest_benchmark")),
    reason="needs an interpreter with pytest and pytest-benchmark (the base of this venv)",
)
def test_pytest_benchmark_storage_goes_to_the_workspace(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[tool.pytest.ini_options]\n",
        "tests/test_speed.py": "def test_sum(benchmark):\n    assert benchmark(sum, [1, 2]) == 3\n",
    }
    root = make_repo(tmp_path / "bench", files)
    outcome = run_step(root, cfg(python=str(BASE_PYTHON)))
    assert outcome.data["counts"]["passed"] == 1, outcome.summary
    assert ignored_or_untracked(root) == []
    assert not (root / ".benchmarks").exists()  # git status does not show an empty directory
    assert (root / ".ai_workflow" / "tool_state" / "benchmarks").is_dir()


def test_clean_project_passes(tmp_path: Path) -> None:
    files = dict(PY_FILES)
    files["tests/test_ops.py"] = (
        "from calc.ops import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
    )
    root = make_repo(tmp_path / "calc", files)
    outcome = run_step(root, cfg())
    assert outcome.status() == StepStatus.PASSED
    assert errors(outcome) == []
    assert outcome.data["counts"]["passed"] == 1
    assert outcome.data["counts"]["total"] == 1


def test_tests_run_inside_their_activated_virtual_environment(tmp_path: Path) -> None:
    """A test that starts a tool of the project's environment by name (as pytest-mypy-plugins
    starts `mypy`) finds it: the environment's bin is first on PATH, as after `activate`."""
    files = dict(PY_FILES)
    files[".gitignore"] = ".venv/\n"
    files["tests/test_ops.py"] = textwrap.dedent(
        """\
        import os
        import shutil
        import subprocess


        def test_environment_tool_is_found():
            assert shutil.which("project-tool"), os.environ["PATH"]
            assert subprocess.run(["project-tool"], capture_output=True, text=True).stdout == "ok\\n"
            assert os.environ["VIRTUAL_ENV"].endswith(".venv")
        """
    )
    root = make_repo(tmp_path / "calc", files)
    venv = root / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python3*/site-packages"))
    ours = [p for p in sys.path if p.endswith("site-packages")]
    (site / "ours.pth").write_text("\n".join(ours) + "\n")  # pytest importable in the venv
    tool = venv / "bin" / "project-tool"
    tool.write_text("#!/bin/sh\necho ok\n")
    tool.chmod(0o755)
    outcome = run_step(root, cfg(python=str(venv / "bin" / "python")))
    assert errors(outcome) == []
    assert outcome.data["counts"]["passed"] == 1
    assert plans.activated_venv(root, ".venv/bin/python")["VIRTUAL_ENV"] == str(venv)
    assert plans.activated_venv(root, "python3") == {}  # not an environment: PATH unchanged


def test_pytest_missing_for_the_interpreter(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    bare = tmp_path / "bare-python"
    bare.write_text(f'#!/bin/sh\nexec "{sys.executable}" -S "$@"\n', encoding="utf-8")
    bare.chmod(0o755)  # a real interpreter without site-packages: no pytest
    outcome = run_step(root, cfg(python=str(bare)))
    # the machine lacks pytest: the tests could not run, which says nothing about the project
    assert outcome.status() == StepStatus.WARNING
    assert outcome.tool_error is None
    [finding] = outcome.findings
    assert finding.rule == "tests/environment-incomplete"
    assert finding.message.startswith(
        f"the tests could not run: pytest is not installed for {bare}; to run them, install it"
    )


def test_interpreter_that_does_not_exist(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    outcome = run_step(root, cfg(python=str(tmp_path / "nope" / "python")))
    assert outcome.status() == StepStatus.FAILED
    assert "does not exist" in (outcome.tool_error or "")


def test_no_tests_collected_is_a_warning(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "empty",
        {"pyproject.toml": "[tool.pytest.ini_options]\n", "pkg/__init__.py": "", "pkg/m.py": ""},
    )
    outcome = run_step(root, cfg())
    assert outcome.status() == StepStatus.WARNING
    assert [f.rule for f in outcome.findings] == ["tests/none-collected"]
    assert outcome.data["exit_code"] == 5
    # nothing refused: the message says only that no test ran, at no place
    [finding] = outcome.findings
    assert finding.message.endswith("found no tests to run")
    assert finding.path is None


def test_no_tests_collected_names_the_classes_pytest_refused(tmp_path: Path) -> None:
    """A nose-style suite whose classes set themselves up in `__init__`: pytest warns that it
    cannot collect them and runs nothing. The finding (still a warning: the suite runs under
    no current runner) names the classes, pytest's reason, and points at the first class."""
    base = (
        "class Base(object):\n"
        "    def __init__(self):\n"
        "        self.ready = True\n\n"
        "    def test_ready(self):\n"
        "        assert self.ready\n"
    )
    root = make_repo(
        tmp_path / "nosey",
        {
            "pyproject.toml": "[tool.pytest.ini_options]\n",
            "pkg/__init__.py": "",
            "test/base.py": base,
            "test/test_kinds.py": (
                "from base import Base\n\n\n"
                "class TestOne(Base):\n    pass\n\n\n"
                "class TestTwo(Base):\n    pass\n"
            ),
        },
    )
    outcome = run_step(root, cfg())
    [finding] = outcome.findings
    assert finding.rule == "tests/none-collected"
    assert finding.severity == Severity.WARNING
    assert finding.message.endswith(
        "found no tests to run: pytest refused the test classes `TestOne`, `TestTwo`: "
        "it has a __init__ constructor"
    )
    assert (finding.path, finding.line) == ("test/test_kinds.py", 4)


UNITTEST_FILES = {
    "setup.py": "from setuptools import setup\nsetup(name='u')\n",
    "u/__init__.py": "",
    "u/core.py": "def double(x):\n    return x * 2\n",
    "tests/test_core.py": textwrap.dedent(
        """\
        import unittest

        from u.core import double


        class DoubleTest(unittest.TestCase):
            def test_ok(self):
                self.assertEqual(double(2), 4)

            def test_wrong(self):
                self.assertEqual(double(2), 5)

            @unittest.skip("later")
            def test_skip(self):
                pass

            def test_error(self):
                raise RuntimeError("boom")
        """
    ),
}


def test_unittest_runs_a_tests_test_py_that_pytest_would_not_collect(tmp_path: Path) -> None:
    """A `tests/test.py` of TestCases (decorator 5.2.1's) runs under `unittest discover` and
    its failure is reported, where the step used to warn that no runner was found; a
    `tests/test.py` of bare functions still has no runner: the warning stays."""
    case = textwrap.dedent(
        """\
        import unittest

        from u.core import double


        class DoubleTest(unittest.TestCase):
            def test_ok(self):
                self.assertEqual(double(2), 4)

            def test_wrong(self):
                self.assertEqual(double(2), 5)
        """
    )
    files = {k: v for k, v in UNITTEST_FILES.items() if k != "tests/test_core.py"}
    outcome = run_step(make_repo(tmp_path / "u", {**files, "tests/test.py": case}), cfg())
    assert outcome.data["framework"] == "unittest"
    counts = outcome.data["counts"]
    assert (counts["passed"], counts["failed"]) == (1, 1)
    assert [f.rule for f in outcome.findings if f.rule == "tests/no-runner"] == []
    plain = "from u.core import double\n\n\ndef test_double():\n    assert double(2) == 4\n"
    bare = run_step(make_repo(tmp_path / "f", {**files, "tests/test.py": plain}), cfg())
    assert [f.rule for f in bare.findings if f.rule == "tests/no-runner"] == []
    assert bare.data["framework"] == "pytest"  # named on its command line (suite_modules)
    assert bare.data["counts"]["passed"] == 1


SUITE_FILES = {
    "pkg/__init__.py": "def double(x):\n    return 2 * x\n",
    "pkg/tests.py": textwrap.dedent(
        """\
        from pkg import double


        def test_double():
            assert double(2) == 4


        def test_double_wrong():
            assert double(2) == 5
        """
    ),
    "tests/test_more.py": "from pkg import double\n\n\ndef test_zero():\n    assert double(0) == 0\n",
    "requirements-dev.txt": "pytest\n",
}


def _pytest_counts(target: Path, *args: str) -> tuple[int, int]:
    """(passed, failed) of `python -m pytest ARGS` run directly in `target`."""
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=target,
        capture_output=True,
        text=True,
        env={"PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"},
    )
    found = {w: int(n) for n, w in re.findall(r"(\d+) (\w+)", proc.stdout.splitlines()[-1])}
    return found.get("passed", 0), found.get("failed", 0)


def test_pytest_runs_a_tests_py_suite_its_default_patterns_do_not_collect(tmp_path: Path) -> None:
    """webencodings 0.5.1's `webencodings/tests.py`, verboselogs 1.7's `verboselogs/tests.py`
    and wurlitzer 3.1.1's root `test.py` (held-out 115, 125) are suites pytest's default
    `python_files` (`test_*.py *_test.py`) does not collect: the step reported "no test command".
    Named on pytest's command line beside the root, they run with the other tests, and the counts
    are those of running them directly. A project with a `python_files` setting keeps it."""
    root = make_repo(tmp_path / "suite", SUITE_FILES)
    outcome = run_step(root, cfg())
    assert outcome.data["framework"] == "pytest"
    counts = outcome.data["counts"]
    direct = [_pytest_counts(root, "pkg/tests.py"), _pytest_counts(root)]
    assert direct == [(1, 1), (1, 0)]
    assert (counts["passed"], counts["failed"]) == (2, 1)
    assert [(f.rule, f.path) for f in outcome.findings if f.severity == Severity.ERROR] == [
        ("tests/failed", "pkg/tests.py")
    ]
    own = {**SUITE_FILES, "setup.cfg": "[tool:pytest]\npython_files = test_*.py\n"}
    kept = run_step(make_repo(tmp_path / "own", own), cfg())
    assert (kept.data["counts"]["passed"], kept.data["counts"]["failed"]) == (1, 0)
    assert errors(kept) == []


def test_unittest_counts_and_failures(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "u", UNITTEST_FILES)
    outcome = run_step(root, cfg())
    assert outcome.data["framework"] == "unittest"
    direct = subprocess.run(
        [sys.executable, "-m", "unittest", "discover", "-s", "tests"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert "Ran 4 tests" in direct.stderr
    assert "FAILED (failures=1, errors=1, skipped=1)" in direct.stderr
    counts = outcome.data["counts"]
    assert (counts["passed"], counts["failed"], counts["errors"], counts["skipped"]) == (1, 1, 1, 1)
    assert sorted(errors(outcome)) == [
        ("tests/error", "tests/test_core.py", 18),
        ("tests/failed", "tests/test_core.py", 11),
    ]
    assert outcome.status() == StepStatus.FAILED


JS_FILES = {
    "package.json": json.dumps(
        {"name": "jsx", "version": "1.0.0", "scripts": {"test": "node --test"}}
    ),
    "src/sum.js": "exports.sum = (a, b) => a + b;\n",
    "test/sum.test.js": textwrap.dedent(
        """\
        const test = require('node:test');
        const assert = require('node:assert');
        const { sum } = require('../src/sum');

        test('adds', () => {
          assert.strictEqual(sum(1, 2), 3);
        });

        test('planted failure', () => {
          assert.strictEqual(sum(2, 2), 5);
        });

        test('later', { skip: true }, () => {});

        test.describe('group', () => {
          test.it('inner', () => assert.ok(true));
        });
        """
    ),
}


def node_direct_counts(target: Path) -> dict[str, int]:
    proc = subprocess.run(["node", "--test"], cwd=target, capture_output=True, text=True)
    figures = dict(re.findall(r"^# (pass|fail|skipped) (\d+)$", proc.stdout, re.MULTILINE))
    return {
        "passed": int(figures["pass"]),
        "failed": int(figures["fail"]),
        "skipped": int(figures["skipped"]),
    }


needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")


@needs_node
@pytest.mark.parametrize("with_script", [True, False])
def test_node_test_runner(tmp_path: Path, with_script: bool) -> None:
    files = dict(JS_FILES)
    if not with_script:
        files["package.json"] = json.dumps({"name": "jsx", "version": "1.0.0"})
    root = make_repo(tmp_path / "js", files)
    outcome = run_step(root, Config())
    assert outcome.data["framework"] == "node-test"
    assert outcome.data["command"] == ("npm test" if with_script else "node --test")
    counts = outcome.data["counts"]
    assert {k: counts[k] for k in ("passed", "failed", "skipped")} == node_direct_counts(root)
    assert (counts["passed"], counts["failed"], counts["skipped"]) == (2, 1, 1)
    assert errors(outcome) == [("tests/failed", "test/sum.test.js", 10)]
    assert "planted failure" in outcome.findings[0].message
    assert outcome.status() == StepStatus.FAILED


def _ci_workflow(versions: str) -> str:
    return textwrap.dedent(
        f"""\
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            strategy:
              matrix:
                node: {versions}
            steps:
              - uses: actions/setup-node@v4
                with:
                  node-version: ${{{{ matrix.node }}}}
              - run: npm test
        """
    )


@needs_node
def test_failures_under_a_node_newer_than_the_ci_runs_are_warnings(tmp_path: Path) -> None:
    """finalhandler's CI runs Node 0.8 to 17; under Node 20 a test whose request Node's newer
    HTTP parser rejects fails before the project's code runs: a warning that says the machine's
    Node is newer than any the CI tests on. A CI that covers this Node, or runs `lts/*` (the
    newest), leaves the failure an error."""
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    major = int(node.lstrip("v").split(".")[0])
    old = {**JS_FILES, ".github/workflows/ci.yml": _ci_workflow(f"[{major - 4}, {major - 2}.x]")}
    outcome = run_step(make_repo(tmp_path / "old", old), Config())
    assert errors(outcome) == []
    (failed,) = [f for f in outcome.findings if f.rule == "tests/failed"]
    assert failed.severity is Severity.WARNING and failed.line == 10
    assert f"Node.js {node.lstrip('v')} is newer than any" in failed.message
    assert f"up to {major - 2}, .github/workflows/ci.yml" in failed.message
    for name, versions in (("covered", f"[{major - 2}, {major}]"), ("lts", "['lts/*']")):
        files = {**JS_FILES, ".github/workflows/ci.yml": _ci_workflow(versions)}
        covered = run_step(make_repo(tmp_path / name, files), Config())
        assert errors(covered) == [("tests/failed", "test/sum.test.js", 10)]


@needs_node
def test_a_silent_failure_under_a_node_newer_than_the_ci_runs_is_a_warning(
    tmp_path: Path,
) -> None:
    """ncp 2.0.0's CI runs Node 0.8 to 0.11 and its mocha 1.15 spawns _mocha with `customFds`,
    which Node 20 ignores: `npm test` exits 3 with nothing but npm's banner, and nothing says
    what failed. Under a Node newer than any the CI runs, that is a warning saying so; a command
    that prints its error, or a CI that covers this Node, keeps the error."""
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    major = int(node.lstrip("v").split(".")[0])

    def project(name: str, script: str, versions: str) -> Path:
        package = {"name": "jsx", "version": "1.0.0", "scripts": {"test": script}}
        files = {
            "package.json": json.dumps(package),
            "test/a.test.js": "",
            ".github/workflows/ci.yml": _ci_workflow(versions),
        }
        return make_repo(tmp_path / name, files)

    silent = 'node -e "process.exit(3)"'
    old = f"[{major - 4}, {major - 2}.x]"
    outcome = run_step(project("silent", silent, old), Config())
    (failed,) = [f for f in outcome.findings if f.rule == "tests/command-failed"]
    assert failed.severity is Severity.WARNING
    assert "exited with 3 and printed nothing" in failed.message
    assert f"Node.js {node.lstrip('v')} is newer than any" in failed.message
    loud = "node -e \"console.error('Error: fixture missing'); process.exit(3)\""
    for name, script, versions in (
        ("loud", loud, old),
        ("covered", silent, f"[{major - 2}, {major}]"),
    ):
        kept = run_step(project(name, script, versions), Config())
        assert [(f.rule, f.severity) for f in kept.findings if f.rule.startswith("tests/")] == [
            ("tests/command-failed", Severity.ERROR)
        ]


RUNNER_CRASH = textwrap.dedent(
    """\
    const path = require('path');
    function runDir(dir, files) {
      return files.map(path.resolve.bind(path, dir));
    }
    module.exports = function run() {
      runDir('test', ['a.test.js']);
    };
    if (require.main === module) module.exports();
    """
)


@needs_node
def test_a_runner_crash_in_installed_packages_under_a_newer_node_is_a_warning(
    tmp_path: Path,
) -> None:
    """archy 1.0.0's CI runs Node 0.6 and 0.8; its `tap test` runs tap 0.3.3, whose runner maps
    `path.resolve` over the test files with Array.map's index and array, which Node 20 rejects
    (TypeError [ERR_INVALID_ARG_TYPE]) before a test runs, every stack frame in node_modules:
    under a Node newer than any the CI runs, a warning saying so. The same crash under a CI
    that covers this Node, or one with a frame in the project's own test file, keeps the
    error."""
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    major = int(node.lstrip("v").split(".")[0])
    old = f"[{major - 4}, {major - 2}.x]"

    def project(name: str, script: str, versions: str) -> Path:
        package = {"name": "jsx", "version": "1.0.0", "scripts": {"test": script}}
        files = {
            "package.json": json.dumps(package),
            "node_modules/runner/index.js": RUNNER_CRASH,
            "test/a.test.js": "require('../node_modules/runner')();\n",
            ".github/workflows/ci.yml": _ci_workflow(versions),
        }
        return make_repo(tmp_path / name, files)

    crashes = "node node_modules/runner/index.js"
    outcome = run_step(project("old", crashes, old), Config())
    (failed,) = [f for f in outcome.findings if f.rule == "tests/command-failed"]
    assert failed.severity is Severity.WARNING
    assert "its test runner crashed before any test result (TypeError" in failed.message
    assert "(node_modules: runner)" in failed.message
    assert f"Node.js {node.lstrip('v')} is newer than any" in failed.message
    for name, script, versions in (
        ("covered", crashes, f"[{major - 2}, {major}]"),
        ("own-frame", "node test/a.test.js", old),
    ):
        kept = run_step(project(name, script, versions), Config())
        assert [(f.rule, f.severity) for f in kept.findings if f.rule.startswith("tests/")] == [
            ("tests/command-failed", Severity.ERROR)
        ]


UNLOADABLE_TEST = textwrap.dedent(
    """\
    import test from 'node:test';
    import assert from 'node:assert';
    import { x } from '../src/x.coffee';

    test('{name}', () => assert.strictEqual(x, 1));
    """
)
UNLOADABLE_FILES = {
    "package.json": json.dumps(
        {"name": "jsx", "version": "1.0.0", "scripts": {"test": "node --loader ./hook.mjs --test"}}
    ),
    # a loader hook that hands every file on: written for an older Node.js's hooks, say
    "hook.mjs": "export async function resolve(s, c, next) {\n  return next(s, c);\n}\n",
    "src/x.coffee": "export x = 1\n",
    "test/a.test.mjs": UNLOADABLE_TEST.replace("{name}", "a"),
    "test/b.test.mjs": UNLOADABLE_TEST.replace("{name}", "b"),
}


@needs_node
def test_a_suite_that_cannot_load_under_a_node_newer_than_the_ci_runs_is_info(
    tmp_path: Path,
) -> None:
    """mkdirp's CI runs Node 16 to 19; under Node 20 every test file fails as Node's module
    loader rejects how it is loaded (ERR_REQUIRE_CYCLE_MODULE), before any test runs: one info
    finding, the step incomplete. Here Node's loader, under the project's loader hook, rejects an
    import it has no format for (ERR_UNKNOWN_FILE_EXTENSION). Under a Node the CI covers the
    failures stay errors; where another test of the suite passed they stay warnings."""
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    major = int(node.lstrip("v").split(".")[0])
    old_ci = {".github/workflows/ci.yml": _ci_workflow(f"[{major - 4}, {major - 2}.x]")}
    outcome = run_step(make_repo(tmp_path / "old", {**UNLOADABLE_FILES, **old_ci}), Config())
    assert [f.rule for f in outcome.findings] == ["tests/environment-incomplete"]
    (info,) = outcome.findings
    assert info.severity is Severity.INFO and outcome.incomplete
    assert "2 tests could not load and no test passed" in info.message
    assert "ERR_UNKNOWN_FILE_EXTENSION" in info.message
    assert f"Node.js {node.lstrip('v')} is newer than any" in info.message
    covered_ci = {".github/workflows/ci.yml": _ci_workflow(f"[{major - 2}, {major}]")}
    covered = run_step(make_repo(tmp_path / "new", {**UNLOADABLE_FILES, **covered_ci}), Config())
    assert [f.rule for f in covered.findings if f.severity is Severity.ERROR] == [
        "tests/failed",
        "tests/failed",
    ]
    passing = "import test from 'node:test';\ntest('c', () => {});\n"
    partial = {**UNLOADABLE_FILES, **old_ci, "test/c.test.mjs": passing}
    loaded = run_step(make_repo(tmp_path / "partial", partial), Config())
    failed = [f for f in loaded.findings if f.rule == "tests/failed"]
    assert len(failed) == 2 and all(f.severity is Severity.WARNING for f in failed)
    assert not any(f.rule == "tests/environment-incomplete" for f in loaded.findings)


@needs_node
def test_an_import_no_node_can_load_without_a_loader_hook_stays_the_projects(
    tmp_path: Path,
) -> None:
    """The same `.coffee` import with no loader hook in the run fails under every Node.js, the
    CI's too (ERR_UNKNOWN_FILE_EXTENSION is then the project's missing build step, not this
    Node's newer loader): the failures stay, warnings beside the note that this Node is newer
    than the CI's, and the step is complete."""
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    major = int(node.lstrip("v").split(".")[0])
    files = {
        **UNLOADABLE_FILES,
        "package.json": json.dumps(
            {"name": "jsx", "version": "1.0.0", "scripts": {"test": "node --test"}}
        ),
        ".github/workflows/ci.yml": _ci_workflow(f"[{major - 4}, {major - 2}.x]"),
    }
    outcome = run_step(make_repo(tmp_path / "plain", files), Config())
    failed = [f for f in outcome.findings if f.rule == "tests/failed"]
    assert len(failed) == 2 and all(f.severity is Severity.WARNING for f in failed)
    assert not any(f.rule == "tests/environment-incomplete" for f in outcome.findings)


def test_shell_project_without_bats_is_a_skipped_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(
        tmp_path / "sh",
        {
            "bin/tool.sh": "#!/bin/sh\necho hi\n",
            "test/tool.bats": "@test 'runs' {\n  run true\n}\n",
        },
    )
    monkeypatch.setenv("PATH", str(tmp_path / "no-tools"))
    outcome = run_step(root, Config())
    assert outcome.skipped_checks == ["tests (bats): bats is not installed or not on PATH"]
    assert [f.rule for f in outcome.findings] == ["tests/runner-missing"]
    assert outcome.status() == StepStatus.WARNING
    assert outcome.tool_error is None


def test_generic_project_has_nothing_to_run(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "g", {"notes.txt": "hello\n"})
    outcome = run_step(root, Config())
    assert outcome.status() == StepStatus.PASSED
    assert outcome.skipped_checks == [
        "tests: no test command detected (set tech_stack.test_command)"
    ]


def test_custom_command_exit_status(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "c", {"Makefile": "check:\n\t@exit 3\n"})
    failing = run_step(root, cfg(test_command="echo checking && exit 3"))
    assert failing.status() == StepStatus.FAILED
    assert failing.data["exit_code"] == 3
    assert [f.rule for f in failing.findings] == ["tests/command-failed"]
    assert "checking" in failing.findings[0].message
    passing = run_step(root, cfg(test_command="true"))
    assert passing.status() == StepStatus.PASSED
    assert passing.data["counts"] is None


TSD_IN_DEPENDENCIES = """\
echo '  3 tests passed'
echo '  node_modules/@types/node/dns.d.ts:872:13' >&2
echo '  ✖  872:13  String literal expected.' >&2
echo '  node_modules/undici-types/pool.d.ts:20:2' >&2
echo '  ✖   20:2   Member override implicitly has an any type.' >&2
echo '  2 errors' >&2
exit 1
"""


def test_a_command_failing_only_in_installed_packages_is_an_environment_warning(
    tmp_path: Path,
) -> None:
    """escape-string-regexp's `xo && ava && tsd`: the tests pass, then tsd type-checks the
    declarations a fresh install resolved for a newer TypeScript; every error is in
    node_modules, none in the project: a warning naming the packages, not a failed project."""
    root = make_repo(tmp_path / "c", {"tsd.sh": TSD_IN_DEPENDENCIES})
    outcome = run_step(root, cfg(test_command="sh tsd.sh"))
    assert [(f.rule, f.severity) for f in outcome.findings] == [
        ("tests/environment-incomplete", Severity.INFO)
    ]
    assert outcome.incomplete and outcome.status() == StepStatus.WARNING
    assert "tests: part of the command could not run" in outcome.skipped_checks[0]
    message = outcome.findings[0].message
    assert "`sh tsd.sh` exited with 1, but every error place" in message
    assert "(node_modules: @types/node, undici-types)" in message
    assert outcome.findings[0].extra["details"] == "2 error places in @types/node, undici-types"


def test_a_command_failing_in_a_project_file_too_stays_an_error(tmp_path: Path) -> None:
    """One error in the project's own declarations (index.test-d.ts) makes it the project's."""
    script = TSD_IN_DEPENDENCIES.replace(
        "exit 1", "echo '  index.test-d.ts:5:1' >&2\necho '  ✖  5:1  Type error.' >&2\nexit 1"
    )
    root = make_repo(tmp_path / "c", {"tsd.sh": script})
    outcome = run_step(root, cfg(test_command="sh tsd.sh"))
    assert [(f.rule, f.severity) for f in outcome.findings] == [
        ("tests/command-failed", Severity.ERROR)
    ]


def test_dependency_error_places_exclude_stack_frames_and_name_scoped_packages() -> None:
    from ai_workflow.testcmd.dependency_errors import dependency_errors

    tsc = "node_modules/@types/node/dns.d.ts(872,13): error TS1141: String literal expected."
    found = dependency_errors(tsc + "\n/w/p/node_modules/a/node_modules/b/x.js:1:2 error\n")
    assert found is not None and found.packages == ("@types/node", "b")
    # a tool crashing inside itself shows only its own frames: no error place, the project's
    crash = "Error: bad config\n    at load (/w/p/node_modules/jest-config/build/a.js:1:2)\n"
    assert dependency_errors(crash) is None
    assert dependency_errors("FAIL test.js:3:1 expected 1") is None
    assert dependency_errors("make: *** [test] Error 1") is None


def test_places_where_a_tool_only_warns_are_not_error_places() -> None:
    """quick-lru 6.1.1's `xo && ava && tsd`: xo prints `index.js:13:3` over a block of `⚠`
    TODO-comment warnings (and passes), then tsd's errors are all in node_modules: the warning
    places are not the project's errors. A block with an error mark stays the project's, and
    so does a stylish `error` line under a file heading."""
    from ai_workflow.testcmd.dependency_errors import dependency_errors

    xo = (
        "  index.js:13:3\n  ⚠  13:3  Unexpected todo comment.  no-warning-comments\n\n  1 warning\n"
    )
    tsd = "  node_modules/@types/node/http2.d.ts:952:8\n  ✖  952:8  Expression expected.\n"
    found = dependency_errors(xo + "\n" + tsd)
    assert found is not None and found.packages == ("@types/node",)
    assert found.places == 1
    own_error = xo.replace("⚠  13:3", "✖  13:3")
    assert dependency_errors(own_error + "\n" + tsd) is None
    stylish = "/w/p/index.js:13:3\n  13:3  error  'x' is not defined  no-undef\n"
    assert dependency_errors(stylish + "\n" + tsd) is None
    stylish_warning = "/w/p/index.js:13:3\n  13:3  warning  Unexpected todo comment\n"
    assert dependency_errors(stylish_warning + "\n" + tsd) is not None


ESLINT_RULE_CRASH = """\
TypeError: Cannot read properties of undefined (reading 'getAllComments')
Occurred while linting /w/p/index.js:1
Rule: "unicorn/expiring-todo-comments"
    at Object.Program (/w/p/node_modules/eslint/lib/rules/no-warning-comments.js:193:45)
    at Program (/w/p/node_modules/eslint-plugin-unicorn/rules/expiring-todo-comments.js:511:10)
    at Array.forEach (<anonymous>)
"""


def test_an_eslint_rule_crashing_inside_installed_packages_is_theirs() -> None:
    """camelcase 7.0.0's xo 0.49: a unicorn rule throws inside eslint 8.57, which a fresh
    install resolved; every frame in node_modules, so the install's, not the project's. A
    rule of the project's own that throws (a frame in its files) stays the project's."""
    from ai_workflow.testcmd.dependency_errors import dependency_errors

    found = dependency_errors(ESLINT_RULE_CRASH)
    assert found is not None
    assert found.packages == ("eslint", "eslint-plugin-unicorn")
    assert "the lint rule unicorn/expiring-todo-comments crashed" in found.describe()
    assert found.detail() == "2 stack frames in eslint, eslint-plugin-unicorn"
    own = ESLINT_RULE_CRASH.replace(
        "/w/p/node_modules/eslint-plugin-unicorn/rules/", "/w/p/eslint-rules/"
    )
    assert dependency_errors(own) is None
    assert dependency_errors(ESLINT_RULE_CRASH.split("Occurred")[0]) is None


TS_DEBUG_FAILURE = """\
./lib/index.ts → ./build/index.cjs...
[!] (plugin Typescript) Error: Debug Failure. Unhandled SyntaxKind: Unknown.
Error: Debug Failure. Unhandled SyntaxKind: Unknown.
    at pipelineEmitWithHintWorker (/w/p/node_modules/typescript/lib/typescript.js:114185:22)
    at emitExportAssignment (/w/p/node_modules/typescript/lib/typescript.js:115652:13)
    at Object.transform (/w/p/node_modules/rollup-plugin-ts/dist/cjs/index.js:20:3)
"""


def test_a_typescript_assertion_inside_installed_packages_is_theirs() -> None:
    """yargs-parser 21.1.1's pretest: rollup-plugin-ts with ts-transform-default-export under
    the TypeScript 4.9 a fresh install resolves stops on TypeScript's internal assertion, every
    frame in node_modules: the install's. A frame in the project's own transformer keeps it the
    project's, and so does an assertion printed with no stack."""
    from ai_workflow.testcmd.dependency_errors import dependency_errors

    found = dependency_errors(TS_DEBUG_FAILURE)
    assert found is not None
    assert found.packages == ("typescript", "rollup-plugin-ts")
    assert found.detail() == "3 stack frames in typescript, rollup-plugin-ts"
    assert "internal assertion (Debug Failure. Unhandled SyntaxKind: Unknown.)" in (
        found.describe()
    )
    own = TS_DEBUG_FAILURE.replace(
        "/w/p/node_modules/rollup-plugin-ts/dist/cjs/index.js", "/w/p/build/transform.js"
    )
    assert dependency_errors(own) is None
    assert dependency_errors(TS_DEBUG_FAILURE.split("    at")[0]) is None
    # a project's type error is a diagnostic with its place, never an assertion: the project's
    assert dependency_errors("lib/index.ts(3,5): error TS2322: Type 'x' is not 'y'.") is None


def test_a_pretest_stopping_on_a_typescript_assertion_in_dependencies_is_info(
    tmp_path: Path,
) -> None:
    """The whole step: the failed command is an environment finding, not a failed project;
    the same crash from the project's own transformer stays an error."""
    script = "".join(f"echo '{line}' >&2\n" for line in TS_DEBUG_FAILURE.splitlines())
    script = script.replace("/w/p/", "$PWD/") + "exit 1\n"
    script = script.replace("'", '"')
    root = make_repo(tmp_path / "c", {"build.sh": script})
    outcome = run_step(root, cfg(test_command="sh build.sh"))
    assert [(f.rule, f.severity) for f in outcome.findings] == [
        ("tests/environment-incomplete", Severity.INFO)
    ]
    assert "TypeScript stopped on an internal assertion" in outcome.findings[0].message
    own = script.replace("node_modules/rollup-plugin-ts/dist/cjs/index.js", "transform.js")
    root = make_repo(tmp_path / "d", {"build.sh": own})
    outcome = run_step(root, cfg(test_command="sh build.sh"))
    assert [(f.rule, f.severity) for f in outcome.findings] == [
        ("tests/command-failed", Severity.ERROR)
    ]


def test_custom_command_writing_junit_is_parsed(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", PY_FILES)
    command = (
        f'"{sys.executable}" -m pytest -q -p no:cacheprovider --junitxml="$AI_WORKFLOW_JUNIT_XML"'
    )
    outcome = run_step(root, cfg(test_command=command))
    assert outcome.data["framework"] == "pytest"
    assert outcome.data["counts"]["failed"] == 2
    assert ("tests/failed", "tests/test_ops.py", 12) in errors(outcome)


def test_custom_command_not_found(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "c", {"a.txt": ""})
    outcome = run_step(root, cfg(test_command="no-such-test-runner-xyz --all"))
    assert outcome.status() == StepStatus.FAILED
    assert "cannot run `no-such-test-runner-xyz --all`" in (outcome.tool_error or "")


def test_timeout_kills_the_tests(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "c", {"a.txt": ""})
    outcome = run_step(root, cfg(test_command="sleep 30", test_timeout_s=0.5))
    # our time budget ran out on this machine: no result, which is no failing project
    assert outcome.status() == StepStatus.WARNING
    assert outcome.tool_error is None
    [finding] = outcome.findings
    assert (finding.rule, finding.severity) == ("tests/timed-out", Severity.WARNING)
    assert "did not finish within 0.5s on this machine" in finding.message
    assert outcome.data["timed_out"] is True


MACHINE_FILES = {
    "pyproject.toml": '[project]\nname = "tool"\n',
    "tool/__init__.py": "",
    "bin/project-helper": "#!/bin/sh\necho hi\n",
    "tests/test_machine.py": textwrap.dedent(
        """\
        import subprocess

        import pytest


        def test_needs_a_program_not_installed():
            subprocess.run(["no-such-program-xyz", "--version"], check=True)


        def test_slow_subprocess():
            subprocess.run(["sleep", "5"], timeout=0.1)


        def test_hangs_in_a_fixture_timeout():
            raise TimeoutError("the server did not answer")


        def test_real_assertion():
            assert 1 + 1 == 3, "planted failure"


        def test_reads_a_missing_data_file():
            open("expected_output")


        def test_runs_the_projects_own_missing_tool():
            subprocess.run(["project-helper"], check=True)


        def test_expects_a_timeout_that_never_comes():
            with pytest.raises(TimeoutError):
                pass
        """
    ),
}


def test_failures_this_machine_causes_are_warnings_not_errors(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "tool", MACHINE_FILES)
    outcome = run_step(root, cfg())
    assert outcome.data["counts"]["failed"] == 7
    by_rule = {f.rule: f for f in outcome.findings if f.severity == Severity.WARNING}
    # a program that is not installed here: the tests could not run, the project is not broken
    [missing] = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    assert missing.severity == Severity.INFO and outcome.incomplete
    assert outcome.summary.endswith("some tests could not run on this machine (see skipped checks)")
    assert "lacks the program `no-such-program-xyz`" in missing.message
    assert "test_needs_a_program_not_installed" in missing.message
    assert (missing.path, missing.line) == ("tests/test_machine.py", 7)
    # timeouts: two tests, one warning naming both
    timed = by_rule["tests/timed-out"]
    assert timed.message.startswith("2 tests timed out on this machine")
    assert "test_slow_subprocess" in timed.message
    assert "test_hangs_in_a_fixture_timeout" in timed.message
    # what stays the project's: an assertion, a data file it lacks, its own program that
    # does not start (not on PATH, but a file of the project), a pytest.raises that failed
    failed = {
        f.extra["test"].rsplit(".", 1)[-1] for f in outcome.findings if f.rule == "tests/failed"
    }
    assert failed == {
        "test_real_assertion",
        "test_reads_a_missing_data_file",
        "test_runs_the_projects_own_missing_tool",
        "test_expects_a_timeout_that_never_comes",
    }
    assert all(f.severity == Severity.ERROR for f in outcome.findings if f.rule == "tests/failed")


def _rust_toolchain_env() -> dict[str, str] | None:
    """rustup's real homes (the tests run with a temporary HOME), if a toolchain works."""
    home = Path(pwd.getpwuid(os.getuid()).pw_dir)
    env = {"RUSTUP_HOME": str(home / ".rustup"), "CARGO_HOME": str(home / ".cargo")}
    if shutil.which("cargo") is None:
        return None
    probe = subprocess.run(["cargo", "--version"], capture_output=True, env={**os.environ, **env})
    return env if probe.returncode == 0 else None


RUST_ENV = _rust_toolchain_env()


@pytest.mark.skipif(RUST_ENV is None, reason="no working cargo toolchain")
def test_cargo_test(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in (RUST_ENV or {}).items():
        monkeypatch.setenv(key, value)
    lib = textwrap.dedent(
        """\
        pub fn add(a: i32, b: i32) -> i32 { a + b }

        #[cfg(test)]
        mod tests {
            use super::*;
            #[test]
            fn adds() { assert_eq!(add(1, 2), 3); }
            #[test]
            fn planted() { assert_eq!(add(2, 2), 5); }
            #[test]
            #[ignore]
            fn later() {}
        }
        """
    )
    root = make_repo(
        tmp_path / "rs",
        {
            "Cargo.toml": '[package]\nname = "rs"\nversion = "0.1.0"\nedition = "2021"\n',
            "src/lib.rs": lib,
        },
    )
    outcome = run_step(root, Config())
    counts = outcome.data["counts"]
    assert (counts["passed"], counts["failed"], counts["skipped"]) == (1, 1, 1)
    assert errors(outcome) == [("tests/failed", "src/lib.rs", 9)]
    assert not (root / "target").exists()  # builds go to .ai_workflow/cargo-target
    assert ignored_or_untracked(root) == []  # the Cargo.lock cargo wrote was removed again
    assert "tests/runner-wrote-file" in {f.rule for f in outcome.findings}
    (root / "Cargo.lock").write_text("# @generated by Cargo\nversion = 3\n")  # the project's own
    run_step(root, Config())
    assert (root / "Cargo.lock").is_file()  # is left alone


# --------------------------------------------------------------------------- parsers


def test_locate_prefers_the_innermost_project_frame(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "a.py").write_text("", encoding="utf-8")
    (tmp_path / "node_modules" / "dep").mkdir(parents=True)
    trace = (
        f'File "{tmp_path}/pkg/a.py", line 3, in f\n'
        f'File "/usr/lib/python3/x.py", line 9, in g\n'
        f'File "{tmp_path}/pkg/a.py", line 7, in h\n'
    )
    assert locate(trace, tmp_path, "last") == ("pkg/a.py", 7)
    assert locate(trace, tmp_path, "first") == ("pkg/a.py", 3)
    js = f"at x (file://{tmp_path}/t.test.mjs:4:2)\nat y ({tmp_path}/node_modules/dep/i.js:1:1)"
    assert locate(js, tmp_path, "first") == ("t.test.mjs", 4)
    assert locate("at z (/elsewhere/a.js:1:1)", tmp_path) == (None, None)


def test_junit_with_testsuite_root_and_nested_suites(tmp_path: Path) -> None:
    report = tmp_path / "r.xml"
    report.write_text(
        textwrap.dedent(
            """\
            <testsuite name="Mocha Tests" tests="4">
              <testcase classname="" name="ok"/>
              <testsuite name="outer">
                <testsuite name="inner">
                  <testcase name="deep"><failure message="1 != 2">x</failure></testcase>
                </testsuite>
              </testsuite>
              <testcase name="s"><skipped/></testcase>
              <testcase name="e"><error message="TypeError: nope"/></testcase>
            </testsuite>
            """
        ),
        encoding="utf-8",
    )
    parsed = parse_junit(report, tmp_path)
    assert (parsed.counts.passed, parsed.counts.failed, parsed.counts.skipped) == (1, 1, 1)
    assert parsed.counts.errors == 1
    assert [f.name for f in parsed.failures] == [
        "Mocha Tests > e",
        "Mocha Tests > outer > inner > deep",
    ]


def test_unreadable_junit_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<testsuites><testcase", encoding="utf-8")
    with pytest.raises(ReportError, match=r"cannot read the JUnit report bad\.xml"):
        parse_junit(bad, tmp_path)


def test_go_json_events(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/m\n", encoding="utf-8")
    events = [
        {"Action": "run", "Package": "example.com/m/calc", "Test": "TestAdd"},
        {"Action": "pass", "Package": "example.com/m/calc", "Test": "TestAdd"},
        {"Action": "run", "Package": "example.com/m/calc", "Test": "TestSub"},
        {
            "Action": "output",
            "Package": "example.com/m/calc",
            "Test": "TestSub",
            "Output": "    calc_test.go:14: got 1, want 2\n",
        },
        {"Action": "fail", "Package": "example.com/m/calc", "Test": "TestSub"},
        {"Action": "skip", "Package": "example.com/m/calc", "Test": "TestLater"},
        {"Action": "output", "Package": "example.com/m/broken", "Output": "syntax error\n"},
        {"Action": "fail", "Package": "example.com/m/broken"},
    ]
    text = "\n".join(json.dumps(e) for e in events) + "\nnot json\n"
    report = parse_go_json(text, tmp_path)
    assert report is not None
    assert (report.counts.passed, report.counts.failed, report.counts.skipped) == (1, 1, 1)
    assert report.counts.errors == 1
    sub = report.failures[0]
    assert (sub.path, sub.line, sub.message) == ("calc/calc_test.go", 14, "got 1, want 2")
    assert report.failures[1].name == "example.com/m/broken"
    assert parse_go_json("no events", tmp_path) is None


def test_go_failed_example_says_what_it_got_and_wanted(tmp_path: Path) -> None:
    """A failed example has no file:line, only go's got:/want: block: the message names the
    first line that differs (it was a bare `failed`); a test with a file:line keeps it."""
    (tmp_path / "go.mod").write_text("module example.com/m\n", encoding="utf-8")
    lines = ["--- FAIL: ExampleSum (0.00s)\n", "got:\n", "3\n", "ok\n", "want:\n", "4\n", "ok\n"]
    events = [{"Action": "run", "Package": "example.com/m", "Test": "ExampleSum"}]
    events += [
        {"Action": "output", "Package": "example.com/m", "Test": "ExampleSum", "Output": line}
        for line in lines
    ]
    events.append({"Action": "fail", "Package": "example.com/m", "Test": "ExampleSum"})
    report = parse_go_json("\n".join(json.dumps(e) for e in events), tmp_path)
    assert report is not None
    failure = report.failures[0]
    assert failure.message.split("\n")[0] == "example output differs: got `3`, want `4`"
    assert failure.message.endswith("want:\n4\nok")
    assert (failure.path, failure.line) == (None, None)
    silent = [e for e in events if e["Action"] != "output"]
    bare = parse_go_json("\n".join(json.dumps(e) for e in silent), tmp_path)
    assert bare is not None and bare.failures[0].message == "failed"


def test_jest_json_report(tmp_path: Path) -> None:
    (tmp_path / "sum.test.js").write_text("", encoding="utf-8")
    data = {
        "testResults": [
            {
                "name": str(tmp_path / "sum.test.js"),
                "status": "failed",
                "assertionResults": [
                    {"fullName": "sum adds", "status": "passed", "failureMessages": []},
                    {
                        "fullName": "sum breaks",
                        "status": "failed",
                        "failureMessages": [
                            f"Error: expect(received).toBe(expected)\n    at Object.<anonymous> "
                            f"({tmp_path}/sum.test.js:8:17)"
                        ],
                        "location": {"line": 7, "column": 3},
                    },
                    {"fullName": "sum later", "status": "pending", "failureMessages": []},
                ],
            },
            {
                "name": str(tmp_path / "broken.test.js"),
                "status": "failed",
                "message": "SyntaxError",
                "assertionResults": [],
            },
        ]
    }
    path = tmp_path / "jest.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    report = parse_jest_json(path, tmp_path)
    counts = report.counts
    assert (counts.passed, counts.failed, counts.skipped, counts.errors) == (1, 1, 1, 1)
    assert (report.failures[0].path, report.failures[0].line) == ("sum.test.js", 8)


def test_unittest_summary_variants(tmp_path: Path) -> None:
    ok = parse_unittest_output(
        "...\n" + "-" * 70 + "\nRan 3 tests in 0.001s\n\nOK (skipped=1, expected failures=1)\n",
        tmp_path,
    )
    assert ok is not None
    assert (ok.counts.passed, ok.counts.skipped, ok.counts.xfailed) == (1, 1, 1)
    assert parse_unittest_output("no summary here", tmp_path) is None


def test_a_collection_error_names_its_reason(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[tool.pytest.ini_options]\n",
        "tests/test_imports.py": "import os\nimport not_installed_anywhere\n\n\ndef test_x():\n    pass\n",
    }
    outcome = run_step(make_repo(tmp_path / "col", files), cfg())
    [finding] = [f for f in outcome.findings if f.rule == "tests/error"]
    assert (finding.path, finding.line) == ("tests/test_imports.py", 2)
    assert finding.message.endswith(
        "collection failure: ModuleNotFoundError: No module named 'not_installed_anywhere'"
    )
    assert "Traceback" in finding.extra["details"]  # the runner's whole output is kept


MYPY_CASES_PLUGIN = """\
import pytest

LINES = [
    "Invalid output: ",
    "Actual:",
    '  main:8: error: Cannot infer value of type parameter "T" of "f"  [misc] (diff)',
    "Expected:",
    '  main:8: error: Cannot infer type argument 1 of "f"  [misc] (diff)',
    "Alignment of first line difference:",
    '  E: main:8: error: Cannot infer type argument 1 of "f"  [misc]...',
    '  A: main:8: error: Cannot infer value of type parameter "T" of "f"...',
    "                 ^",
]


class TypecheckAssertionError(AssertionError):
    pass


class Case(pytest.Item):
    def runtest(self):
        if self.name == "drifted":
            raise TypecheckAssertionError("\\n".join(LINES))
        if self.name == "pointed":
            raise ValueError("bad column\\n  x = 1\\n  ^")

    def repr_failure(self, excinfo):
        shown = excinfo.getrepr(style="short")
        shown.reprcrash.message = ""  # as pytest-mypy-plugins reports its cases
        return shown

    def reportinfo(self):
        return self.path, None, self.name


class Cases(pytest.File):
    def collect(self):
        for name in ("drifted", "pointed", "fine"):
            yield Case.from_parent(self, name=name)


def pytest_collect_file(parent, file_path):
    if file_path.suffix == ".yml" and file_path.name.startswith("test_"):
        return Cases.from_parent(parent, path=file_path)
"""


def test_a_failure_whose_output_ends_in_a_column_marker_says_what_differs(
    tmp_path: Path,
) -> None:
    """PyHamcrest 2.1.0's pytest-mypy-plugins cases (held-out 101): the plugin's report ends in
    the `^` under the first difference, and the finding said only `^`. It now says what was
    expected and what came (the first line of each block). A failure with no such blocks says
    its last worded line; the runner's whole output stays in the details."""
    files = {
        "pyproject.toml": "[tool.pytest.ini_options]\n",
        "conftest.py": MYPY_CASES_PLUGIN,
        "tests/test_cases.yml": "- case: drifted\n",
    }
    outcome = run_step(make_repo(tmp_path / "mypy", files), cfg())
    found = {
        f.extra["test"].rsplit(".", 1)[-1]: f for f in outcome.findings if f.rule == "tests/failed"
    }
    assert set(found) == {"drifted", "pointed"}
    assert found["drifted"].message.endswith(
        "drifted: conftest.TypecheckAssertionError: Invalid output: expected "
        '`main:8: error: Cannot infer type argument 1 of "f"  [misc] (diff)`, got '
        '`main:8: error: Cannot infer value of type parameter "T" of "f"  [misc] (diff)`'
    )
    assert found["pointed"].message.endswith("pointed: x = 1")
    assert found["drifted"].extra["details"].rstrip().endswith("^")


def test_a_collection_error_does_not_keep_the_other_tests_from_running(tmp_path: Path) -> None:
    """pytest stops after collection when a module fails to import: every other test would go
    unrun and unreported (dpath 2.1.6: 0 of 70). They run, beside the module's error."""
    files = {
        "pyproject.toml": "[tool.pytest.ini_options]\n",
        "tests/test_broken.py": "import not_installed_anywhere\n\n\ndef test_x():\n    pass\n",
        "tests/test_fine.py": "def test_a():\n    pass\n\n\ndef test_b():\n    assert 1 == 2\n",
    }
    outcome = run_step(make_repo(tmp_path / "col", files), cfg())
    assert "--continue-on-collection-errors" in outcome.data["command"]
    assert outcome.data["counts"]["passed"] == 1
    assert outcome.data["counts"]["failed"] == 1  # a failure the collection error would hide
    assert {(rule, path) for rule, path, _ in errors(outcome)} == {
        ("tests/error", "tests/test_broken.py"),
        ("tests/failed", "tests/test_fine.py"),
    }


def test_a_module_a_top_level_requirements_dir_declares_is_the_environments(
    tmp_path: Path,
) -> None:
    """soupsieve 2.5 (held-out 71, 81 false errors): its tests import bs4, which
    requirements/tests.txt declares (tox installs it) and pyproject.toml does not; a machine
    without it could not run those tests, the project is not broken: one environment finding
    (info), no tests/error. A module nothing declares stays the project's error, and so does one
    that only a nested directory's requirements file names (an example's, not the project's)."""
    files = {
        "pyproject.toml": "[project]\nname = 'p'\nversion = '1'\n[tool.pytest.ini_options]\n",
        "requirements/tests.txt": "pytest\nzzqdeclared\nscikit-learn\n",
        "examples/demo/requirements/tests.txt": "zzqexample\n",
        "tests/test_declared.py": "import zzqdeclared\n\n\ndef test_x():\n    pass\n",
        # a module named otherwise than its distribution (soupsieve's bs4, beautifulsoup4's)
        "tests/test_alias.py": "import sklearn\n\n\ndef test_w():\n    pass\n",
        "tests/test_example.py": "import zzqexample\n\n\ndef test_y():\n    pass\n",
        "tests/test_undeclared.py": "import zzqnowhere\n\n\ndef test_z():\n    pass\n",
    }
    outcome = run_step(make_repo(tmp_path / "req", files), cfg())
    assert sorted((f.path, f.line) for f in outcome.findings if f.rule == "tests/error") == [
        ("tests/test_example.py", 1),
        ("tests/test_undeclared.py", 1),
    ]
    [missing] = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    assert missing.severity is Severity.INFO
    assert "zzqdeclared" in missing.message
    assert "scikit-learn" in missing.message


def test_a_module_setup_py_tests_require_declares_is_the_environments_under_unittest(
    tmp_path: Path,
) -> None:
    """num2words 0.5.14 (held-out 88, a false error): `python -m unittest discover` could not
    import tests/test_cli.py's `delegator`, which `setup(tests_require=['delegator.py'])`
    declares and `pip install -e .` does not install: one environment finding (info), not a
    tests/error. A module nothing declares stays the project's error under unittest too."""
    case = "import unittest\n\nimport {module}\n\n\nclass T(unittest.TestCase):\n"
    case += "    def test_x(self):\n        pass\n"
    files = {
        "setup.py": "from setuptools import setup\n"
        "setup(name='u', tests_require=['zzqdelegator.py'])\n",
        "u/__init__.py": "",
        "tests/__init__.py": "",
        "tests/test_cli.py": case.format(module="zzqdelegator"),
        "tests/test_other.py": case.format(module="zzqnowhere"),
    }
    outcome = run_step(make_repo(tmp_path / "u", files), cfg())
    assert outcome.data["framework"] == "unittest"
    assert [(path, line) for rule, path, line in errors(outcome)] == [("tests/test_other.py", 3)]
    [missing] = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    assert missing.severity is Severity.INFO
    assert "zzqdelegator-py" in missing.message


def test_a_module_tox_testenv_deps_declare_is_the_environments(tmp_path: Path) -> None:
    """honcho 2.0.0 (held-out 136, five false errors): its tests import `mock`, which only
    tox.ini's `[testenv] deps` declares (setup metadata does not): a machine without it could
    not collect those files, one environment finding (info), no tests/error. A module that only
    another tox environment (`[testenv:lint]`) installs, or that nothing declares, stays the
    project's error."""
    files = {
        "pyproject.toml": "[project]\nname = 'p'\nversion = '1'\n[tool.pytest.ini_options]\n",
        "tox.ini": "[tox]\nenvlist = py3\n\n[testenv]\ndeps =\n  coverage\n  zzqmock>=1.0\n"
        "  py38: zzqfactor\n  -rrequirements-dev.txt\ncommands = pytest {posargs}\n\n"
        "[testenv:lint]\ndeps = zzqlint\ncommands = zzqlint .\n",
        "tests/test_declared.py": "import zzqmock\n\n\ndef test_x():\n    pass\n",
        "tests/test_factor.py": "import zzqfactor\n\n\ndef test_f():\n    pass\n",
        "tests/test_lint_env.py": "import zzqlint\n\n\ndef test_y():\n    pass\n",
        "tests/test_undeclared.py": "import zzqnowhere\n\n\ndef test_z():\n    pass\n",
    }
    outcome = run_step(make_repo(tmp_path / "tox", files), cfg())
    assert sorted((f.path, f.line) for f in outcome.findings if f.rule == "tests/error") == [
        ("tests/test_lint_env.py", 1),
        ("tests/test_undeclared.py", 1),
    ]
    [missing] = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    assert missing.severity is Severity.INFO
    assert "zzqmock" in missing.message
    assert "zzqfactor" in missing.message


def _integration_package(init: str) -> dict[str, str]:
    """A package `opt` whose `__init__.py` is `init` and whose `integ.py` is an integration
    with the third-party framework zzqframework (not installed anywhere), imported at its top,
    and two tests that need that framework: one imports it, one imports the integration."""
    return {
        "pyproject.toml": "[project]\nname = 'opt'\nversion = '1'\n"
        "[tool.pytest.ini_options]\npythonpath = ['.']\n",
        "opt/__init__.py": init,
        "opt/integ.py": "from zzqframework.base import Base\n\n\nclass Backend(Base):\n    pass\n",
        "tests/test_integ.py": "import zzqframework\n\n\ndef test_x():\n    pass\n",
        "tests/test_doc.py": "import opt.integ\n\n\ndef test_d():\n    pass\n",
    }


def test_a_module_the_package_imports_only_under_a_guard_is_the_environments(
    tmp_path: Path,
) -> None:
    """diskcache 5.6.3 (held-out 140, two false errors): its `__init__.py` imports the Django
    backend in `try: from .djangocache import DjangoCache` / `except Exception:`, djangocache.py
    imports django at its top, and nothing declares Django: tests that cannot import django
    (directly, or through the backend) tell what this machine lacks, an optional integration;
    one environment finding (info), no tests/error. So is a module imported directly under
    `except ImportError`, and an integration imported guarded in the absolute form. A module
    shipped code imports unguarded, or that only tests import, stays the project's error."""
    files = _integration_package(
        "try:\n    from .integ import Backend\nexcept Exception:  # not installed\n    pass\n"
    )
    files |= {
        "opt/direct.py": "try:\n    import zzqdirect\nexcept ImportError:\n    zzqdirect = None\n",
        "opt/loader.py": "def load():\n    try:\n        import opt.other\n"
        "    except ImportError:\n        return None\n    return opt.other\n",
        "opt/other.py": "import zzqother\n",
        "opt/core.py": "import zzqhard\n",
        "tests/test_direct.py": "import zzqdirect\n\n\ndef test_a():\n    pass\n",
        "tests/test_other.py": "import zzqother\n\n\ndef test_o():\n    pass\n",
        "tests/test_hard.py": "import zzqhard\n\n\ndef test_h():\n    pass\n",
        "tests/test_tests_only.py": "import zzqtestsonly\n\n\ndef test_t():\n    pass\n",
    }
    outcome = run_step(make_repo(tmp_path / "opt", files), cfg())
    assert sorted((path, line) for rule, path, line in errors(outcome)) == [
        ("tests/test_hard.py", 1),
        ("tests/test_tests_only.py", 1),
    ]
    [lacking] = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    assert lacking.severity is Severity.INFO
    assert lacking.message.startswith(
        "the tests could not run: 4 test file(s) import zzqdirect (guarded at opt/direct.py:2), "
        "zzqframework (guarded at opt/__init__.py:2), zzqother (guarded at opt/loader.py:3), "
        "which the project's own code imports only in a `try` whose `except` catches the "
        "failed import: optional integrations, not installed for "
    )
    assert "optional integrations" in lacking.message


def test_an_integration_the_package_imports_unguarded_stays_the_projects_error(
    tmp_path: Path,
) -> None:
    """The same package with `__init__.py` importing its integration without a guard: every
    user of the package needs zzqframework, which nothing declares, so the tests that cannot
    import it are the project's errors, not the environment's."""
    files = _integration_package("from .integ import Backend\n")
    outcome = run_step(make_repo(tmp_path / "opt", files), cfg())
    assert sorted((path, line) for rule, path, line in errors(outcome)) == [
        ("opt/integ.py", 1),
        ("tests/test_integ.py", 1),
    ]
    assert not [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]


TAP_SCRIPT = """\
echo 'TAP version 13'
echo '# arithmetic'
echo 'ok 1 adds'
echo 'not ok 2 subtracts'
echo '  ---'
echo '    at: Test.<anonymous> (test/math.js:7:3)'
echo '  ...'
echo 'ok 3 divides # SKIP later'
echo '1..3'
exit 1
"""


def test_tap_output_is_read_when_there_is_no_report_file(tmp_path: Path) -> None:
    """tape, node-tap and friends print TAP; a runner without JUnit output is still counted."""
    root = make_repo(tmp_path / "tap", {"tap.sh": TAP_SCRIPT, "test/math.js": "\n" * 10})
    outcome = run_step(root, cfg(test_command="sh tap.sh"))
    counts = outcome.data["counts"]
    assert (counts["passed"], counts["failed"], counts["skipped"]) == (1, 1, 1)
    assert errors(outcome) == [("tests/failed", "test/math.js", 7)]
    assert [f.message for f in outcome.findings] == ["subtracts"]  # its YAML says nothing more
    assert "parsed TAP output" in outcome.checked
    assert outcome.status() == StepStatus.FAILED


TAPE_SCRIPT = """\
echo 'TAP version 13'
echo '# unique'
echo 'ok 1 should be equal'
echo 'not ok 2 should be equal'
echo '  ---'
echo '    operator: equal'
echo "    expected: '3,1'"
echo "    actual:   '1,3'"
echo '    at: Test.<anonymous> (/somewhere/test/test.js:5:5)'
echo '  ...'
echo '# second'
echo 'not ok 3 should be equal'
echo '  ---'
echo '    operator: equal'
echo "    expected: '2,1'"
echo "    actual:   '1,2'"
echo '    at: Test.<anonymous> (/somewhere/test/test.js:8:5)'
echo '  ...'
echo ''
echo '1..3'
echo '# tests 3'
echo '# pass  1'
echo '# fail  2'
exit 1
"""


def test_tape_failures_say_what_was_expected_not_the_runs_summary(tmp_path: Path) -> None:
    """uniq 1.0.1's `tape test/*.js`: a failed `t.equals` says what it expected and got in its
    YAML block, and the run's summary follows the last failure (`1..4`, `# tests 4`): the
    message was "should be equal: tests 4", and a failure followed by the next test's `# name`
    header took that name. Now each says its comparison; a bats diagnostic (`# ` lines, no
    YAML) is still the failure's own."""
    files = {"tap.sh": TAPE_SCRIPT, "test/test.js": "\n" * 10}
    outcome = run_step(make_repo(tmp_path / "tape", files), cfg(test_command="sh tap.sh"))
    assert [f.message for f in outcome.findings] == [
        "should be equal: expected '3,1', actual '1,3'",
        "should be equal: expected '2,1', actual '1,2'",
    ]
    assert all("tests 3" not in f.extra.get("details", "") for f in outcome.findings)
    assert outcome.data["counts"]["failed"] == 2
    wanted = "\n  ---\n  wanted: 2\n  found: 1\n  compare: ===\n  ...\n"  # node-tap
    assert tap_message(wanted).splitlines()[0] == "expected 2, actual 1"
    multiline = "\n  ---\n  expected: |-\n    a\n  actual: |-\n    b\n  ...\n"
    assert tap_message(multiline).splitlines()[0] == ""


BATS_TAP_SCRIPT = """\
echo '1..3'
echo 'ok 1 adds'
echo 'not ok 2 planted failure'
echo '# (in test file test/x.bats, line 11)'
echo "#   \\`[ \\"\\$status\\" -eq 0 ]' failed"
echo '# some output'
echo 'not ok 3 bare'
exit 1
"""


def test_tap_diagnostics_give_the_failed_command_and_its_line(tmp_path: Path) -> None:
    """bats' `# ` lines after `not ok` name the failed command and where it is; a `not ok`
    with no diagnostics is its name alone (not "bare: bare")."""
    files = {"tap.sh": BATS_TAP_SCRIPT, "test/x.bats": "\n" * 20}
    outcome = run_step(make_repo(tmp_path / "b", files), cfg(test_command="sh tap.sh"))
    planted, bare = outcome.findings
    assert planted.message == 'planted failure: `[ "$status" -eq 0 ]\' failed'
    assert (planted.path, planted.line) == ("test/x.bats", 11)
    assert "some output" in planted.extra["details"]
    assert (bare.message, bare.path, bare.line) == ("bare", None, None)


def test_tap13_yaml_and_node_error_headlines() -> None:
    """bats' `--formatter tap13` puts the diagnostics in a YAML `message` block; a failure in a
    helper names the function first: the failed command is still the headline."""
    body = (
        "\n  ---\n  message: |\n    (from function `f' in file test/x.bats, line 15,\n"
        "     in test file test/x.bats, line 16)\n      `f' failed\n  ...\n"
    )
    assert tap_message(body).splitlines()[0] == "`f' failed"
    node = "\n  ---\n  duration_ms: 0.4\n  error: 'Expected 1 to equal 2'\n  ...\n"
    assert tap_message(node).splitlines()[0] == "Expected 1 to equal 2"
    assert tap_message("\n").splitlines() == []
    sharness = '\n#\t\n#\t\t"$PASS" show x &&\n#\t\tgrep y out\n#\t\n'  # the test's script
    assert tap_message(sharness).splitlines()[0] == ""
    assert "grep y out" in tap_message(sharness)


MAKE_TEST = {
    "Makefile": ".PHONY: test\ntest:\n\tsh test/run.sh\n",
    ".github/workflows/ci.yml": textwrap.dedent(
        """\
        on: push
        jobs:
          test:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v4
              - run: sudo apt-get install -y zzqprog
              - run: make test
        """
    ),
}


def test_a_program_the_make_test_cannot_find_is_the_machines(tmp_path: Path) -> None:
    """pass-otp's `make test` on a machine without `pass`, which its CI puts on PATH: every
    test file stops at setup; the run tested nothing, and the project is not broken."""
    script = "echo '*** append.t ***'\necho 'error: Could not find zzqprog command'\nexit 1\n"
    root = make_repo(tmp_path / "p", {**MAKE_TEST, "test/run.sh": script})
    outcome = run_step(root, cfg())
    assert outcome.data["command"] == "make test"
    assert errors(outcome) == []
    [finding] = outcome.findings
    assert (finding.rule, finding.severity) == ("tests/environment-incomplete", Severity.INFO)
    assert outcome.status() == StepStatus.WARNING  # incomplete: never a pass
    assert "`zzqprog`" in finding.message
    assert ".github/workflows/ci.yml" in finding.message
    assert "error: Could not find zzqprog command" in finding.message
    assert outcome.summary.startswith("tests could not run")


@pytest.mark.parametrize(
    "script",
    [
        # a failed assertion
        "test \"$(expr 1 + 1)\" = 3 || { echo 'assertion failed: expected 3, got 2'; exit 1; }\n",
        # a program the project ships, under its own name: its failure, not the machine's
        "echo 'sh: 1: zzqprog: not found' >&2\nexit 1\n",
    ],
)
def test_a_make_test_that_fails_for_its_own_reason_stays_an_error(
    tmp_path: Path, script: str
) -> None:
    files = {**MAKE_TEST, "test/run.sh": script, "bin/zzqprog": "#!/bin/sh\nexit 0\n"}
    root = make_repo(tmp_path / "p", files)
    outcome = run_step(root, cfg())
    assert outcome.data["command"] == "make test"
    assert errors(outcome) == [("tests/command-failed", None, None)]
    assert not [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]


PERL_CI = textwrap.dedent(
    """\
    on: push
    jobs:
      test:
        runs-on: ubuntu-latest
        steps:
          - uses: actions/checkout@v4
          - run: sudo apt-get install libzzq-xs-perl
          - run: make test
    """
)
PERL_TEST = textwrap.dedent(
    """\
    use strict;
    use warnings;
    use Test::More;
    ok(1, 'loads');
    subtest parse => sub {
        my $have = eval { require Zzq::XS; 1 };
        die "Neither Zzq::PP nor Zzq::XS available\\n" unless $have;
        ok(1, 'parsed');
    };
    done_testing();
    """
)


@pytest.mark.skipif(shutil.which("prove") is None, reason="needs perl's prove")
def test_a_perl_module_the_ci_installs_and_this_machine_lacks_is_the_machines(
    tmp_path: Path,
) -> None:
    """obs-build 20210120 (held-out 112): t/flatpak.t dies 'Neither YAML::PP nor YAML::XS
    available' on a machine without them, where its CI installs libyaml-libyaml-perl before
    `make test`: the test could not run here, info, not a failing project. The same test
    whose CI installs no Perl package, or whose missing module is the project's own file,
    stays an error."""
    files = {
        "Makefile": ".PHONY: test\ntest:\n\tprove -v t\n",
        ".github/workflows/ci.yml": PERL_CI,
        "t/basic.t": "use Test::More tests => 1;\nok(1, 'basic');\n",
        "t/parse.t": PERL_TEST,
    }
    root = make_repo(tmp_path / "p", files)
    outcome = run_step(root, cfg())
    assert errors(outcome) == []
    [finding] = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    assert finding.severity == Severity.INFO
    assert "Zzq::PP, Zzq::XS" in finding.message
    assert "libzzq-xs-perl" in finding.message

    no_ci = {k: v for k, v in files.items() if not k.startswith(".github")}
    alone = make_repo(tmp_path / "alone", no_ci)
    assert [rule for rule, _, _ in errors(run_step(alone, cfg()))] == ["tests/failed"]
    own = make_repo(tmp_path / "own", {**files, "lib/Zzq/XS.pm": "package Zzq::XS;\n1;\n"})
    assert [rule for rule, _, _ in errors(run_step(own, cfg()))] == ["tests/failed"]


PKG_CONFIG_SAYS = (
    "checking for libzzq >= 23... no\n"
    "Package libzzq was not found in the pkg-config search path.\n"
    "Perhaps you should add the directory containing `libzzq.pc'\n"
    "Package 'libzzq', required by 'virtual:world', not found\n"
)


@pytest.mark.parametrize("shipped", [False, True])
def test_a_library_the_tests_build_asks_pkg_config_for_is_the_machines(
    tmp_path: Path, shipped: bool
) -> None:
    """dracut 059's tools/test-github.sh (held-out 85) runs `./configure`, which stops on
    "Package libkmod was not found in the pkg-config search path" before any test: this
    machine lacks the library's development files (its CI's containers install them), nothing
    was tested, so the tests could not run (info). A library the project ships itself
    (libzzq.pc.in beside it) is its own failure: still an error."""
    script = "".join(f"echo {line!r}\n" for line in PKG_CONFIG_SAYS.splitlines()) + "exit 1\n"
    files = {**MAKE_TEST, "test/run.sh": script}
    if shipped:
        files["lib/libzzq.pc.in"] = "Name: libzzq\n"
    outcome = run_step(make_repo(tmp_path / "p", files), cfg())
    assert outcome.data["command"] == "make test"
    if shipped:
        assert errors(outcome) == [("tests/command-failed", None, None)]
        return
    assert errors(outcome) == []
    [finding] = outcome.findings
    assert (finding.rule, finding.severity) == ("tests/environment-incomplete", Severity.INFO)
    assert "could not find the library `libzzq`" in finding.message
    assert "Package libzzq was not found in the pkg-config search path" in finding.message


def test_a_failed_commands_message_quotes_its_error_not_the_lint_warnings_after_it() -> None:
    output = (
        "Error: Cannot find module 'buffer/'\nRequire stack:\n- /p/test/mylib/sync.js\n"
        "test/core.js\n  3:27  warning  Unexpected require()  global-require\n"
        "6 problems (0 errors, 6 warnings)\n> resolve@1.22.8 test\n> npm run tests-only\n"
    )
    excerpt = test_execution._excerpt(output, 3)
    assert (
        excerpt == "Error: Cannot find module 'buffer/' | Require stack: | - /p/test/mylib/sync.js"
    )
    # the last lines say what failed: they stay
    go = "ok  \tx/a\t0.1s\n# x/b\n./b_test.go:3:1: syntax error\nFAIL\tx/b [build failed]\n"
    assert test_execution._excerpt(go, 2) == (
        "./b_test.go:3:1: syntax error | FAIL\tx/b [build failed]"
    )
    assert test_execution._excerpt("a\nb\nc\n", 2) == "b | c"  # no error line anywhere


@pytest.mark.parametrize("shipped", [False, True])
def test_a_command_that_fails_after_its_tests_for_want_of_a_program(
    tmp_path: Path, shipped: bool
) -> None:
    """Its tests passed, then a step of the same command needed a program: absent here, a
    warning naming it; one the project ships (bin/zzqprog), the project's failure."""
    script = "echo 'ok 1 adds'\necho '1..1'\necho 'sh: 1: zzqprog: not found' >&2\nexit 2\n"
    files = {"tap.sh": script, **({"bin/zzqprog": "#!/bin/sh\n"} if shipped else {})}
    outcome = run_step(make_repo(tmp_path / "c", files), cfg(test_command="sh tap.sh"))
    assert outcome.data["counts"]["passed"] == 1
    [finding] = outcome.findings
    if shipped:
        assert (finding.rule, finding.severity) == ("tests/command-failed", Severity.ERROR)
    else:
        assert (finding.rule, finding.severity) == (
            "tests/environment-incomplete",
            Severity.INFO,
        )
        assert outcome.status() == StepStatus.WARNING
        assert "although no test failed" in finding.message
        assert "`zzqprog`" in finding.message


NPM_SHELL_PACKAGE = {
    "package.json": json.dumps(
        {
            "name": "nv",
            "version": "1.0.0",
            "bin": {"nv": "bin/nv"},
            "files": ["bin/nv"],
            "scripts": {"test": "test/bin/run-all-tests"},
        }
    ),
    "bin/nv": "#!/usr/bin/env bash\necho nv\n",
    "README.md": "# nv\n",
}


@needs_node
def test_a_published_npm_package_without_its_tests_is_not_run(tmp_path: Path) -> None:
    # the tarball `npm pack` wrote: `files` leaves test/ out, so `npm test` cannot find it
    root = make_repo(tmp_path / "nv", NPM_SHELL_PACKAGE)
    outcome = run_step(root, Config())
    assert [(f.rule, f.severity) for f in outcome.findings] == [
        ("tests/not-shipped", Severity.INFO)
    ]
    assert "the published npm package nv@1.0.0" in outcome.findings[0].message
    assert outcome.tool_error is None
    assert outcome.status() == StepStatus.PASSED


@needs_node
def test_a_repository_whose_test_script_is_missing_still_fails(tmp_path: Path) -> None:
    # the same files in a repository (it tracks its .gitignore, which npm does not ship)
    root = make_repo(tmp_path / "nv", {**NPM_SHELL_PACKAGE, ".gitignore": "node_modules/\n"})
    outcome = run_step(root, Config())
    assert "test/bin/run-all-tests" in (outcome.tool_error or "")
    assert outcome.status() == StepStatus.FAILED


BIN_LINK_PACKAGE = {
    "package.json": json.dumps(
        {
            "name": "bk",
            "version": "1.0.0",
            "bin": {"bake": "./bin/bake"},
            "scripts": {"test": "./bake test"},
        }
    ),
    "bin/bake": "#!/usr/bin/env bash\necho baked\n",
    "test/run.test": "#!/usr/bin/env bash\necho ok\n",
    ".npmignore": "node_modules\n",
    "README.md": "# bk\n",
}


@needs_node
def test_a_test_script_running_the_packages_own_bin_from_the_root_the_pack_left_out(
    tmp_path: Path,
) -> None:
    """strike 0.1.73 (held-out 127, noise): `"test": "./bake test"` runs the root link to
    bin/bake that its repository keeps; package.json maps `"bake": "./bin/bake"` and `npm pack`
    packs no symbolic link, so `sh: 1: ./bake: not found` is the package's gap (info, the
    step incomplete). A test script whose missing `./run` no `bin` maps still fails."""
    root = make_repo(tmp_path / "bk", BIN_LINK_PACKAGE)
    outcome = run_step(root, Config())
    assert outcome.tool_error is None
    assert [(f.rule, f.severity) for f in outcome.findings] == [
        ("tests/environment-incomplete", Severity.INFO)
    ]
    assert "maps `bake` to bin/bake" in outcome.findings[0].message
    assert outcome.status() != StepStatus.FAILED
    package = json.loads(BIN_LINK_PACKAGE["package.json"])
    package["scripts"]["test"] = "./run test"
    files = {**BIN_LINK_PACKAGE, "package.json": json.dumps(package)}
    kept = run_step(make_repo(tmp_path / "kept", files), Config())
    assert "./run" in (kept.tool_error or "")
    assert kept.status() == StepStatus.FAILED


@pytest.mark.parametrize(
    ("addopts", "environment"),
    [
        # wcwidth's tox.ini: pytest-cov's options, pytest-cov not installed here
        ("--cov-append --cov-report=html --cov=calc", True),
        # a typo in the project's own configuration stays the project's usage error
        ("--cov=calc --strict-markerz", False),
        # parse_type's pytest.ini: pytest-metadata's option with its value, pytest-html's
        ("--metadata PACKAGE calc --html=build/report.html --self-contained-html", True),
        # the same with a typo beside them stays the project's
        ("--metadata PACKAGE calc --self-contained-htm", False),
    ],
)
def test_pytest_plugin_options_without_the_plugin(
    tmp_path: Path, addopts: str, environment: bool
) -> None:
    files = {**PY_FILES, "pytest.ini": f"[pytest]\naddopts = {addopts}\ntestpaths = tests\n"}
    root = make_repo(tmp_path / "calc", files)
    outcome = run_step(root, cfg())
    if environment:
        assert outcome.tool_error is None
        [finding] = outcome.findings
        assert finding.rule == "tests/environment-incomplete"
        one = "--cov" in addopts
        plugins = "pytest-cov" if one else "pytest-html, pytest-metadata"
        which = f"plugin {plugins} is" if one else f"plugins {plugins} are"
        assert f"{which} not installed" in finding.message
        assert finding.message.endswith(f"install {plugins} in the project's environment")
    else:
        assert outcome.findings == []
        assert "pytest stopped with an usage error" in (outcome.tool_error or "")


@pytest.mark.parametrize(
    ("requirements", "environment"), [("pytest-xprocess\n", True), ("", False)]
)
def test_a_conftest_importing_a_declared_module_not_installed(
    tmp_path: Path, requirements: str, environment: bool
) -> None:
    """cachelib's tests/conftest.py imports `xprocess` (pytest-xprocess, which its
    requirements/tests.txt lists): pytest stops with a usage error before any test, which is
    this machine's lack (info). The same import with nothing declaring it stays the project's
    usage error."""
    conftest = "from xprocess import ProcessStarter\n"
    files = {**PY_FILES, "tests/conftest.py": conftest}
    if requirements:
        files["requirements/tests.txt"] = requirements
    outcome = run_step(make_repo(tmp_path / "calc", files), cfg())
    if environment:
        assert outcome.tool_error is None
        [finding] = outcome.findings
        assert finding.rule == "tests/environment-incomplete"
        assert "pytest-xprocess" in finding.message
    else:
        assert outcome.findings == []
        assert "pytest stopped with an usage error" in (outcome.tool_error or "")


WARNING_PLUGIN = (
    "import warnings\n\nimport pytest\n\n\ndef pytest_configure(config):\n"
    '    warnings.warn(pytest.PytestDeprecationWarning("the option loop_scope is unset"))\n'
)


@pytest.mark.parametrize("installed", [True, False])
def test_an_installed_plugins_warning_made_an_error_by_the_projects_filters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, installed: bool
) -> None:
    """blinker 1.7.0 pins pytest-asyncio 0.21.1 and sets filterwarnings = error; pytest-asyncio
    1.x warns in its pytest_configure, the filter makes it an INTERNALERROR before any test:
    this environment's plugin version (info naming it, the step incomplete). Beside it, the
    same warning from the project's own conftest.py stays the project's internal error."""
    files = {**PY_FILES}
    if installed:
        site = tmp_path / "env" / "lib" / "python3" / "site-packages"
        site.mkdir(parents=True)
        (site / "warnplug.py").write_text(WARNING_PLUGIN)
        monkeypatch.setenv("PYTHONPATH", str(site))
        files["pytest.ini"] = "[pytest]\naddopts = -p warnplug\nfilterwarnings = error\n"
    else:
        files["conftest.py"] = WARNING_PLUGIN
        files["pytest.ini"] = "[pytest]\nfilterwarnings = error\n"
    root = make_repo(tmp_path / "calc", files)
    outcome = run_step(root, cfg())
    if installed:
        assert outcome.tool_error is None
        [finding] = outcome.findings
        assert (finding.rule, finding.severity) == ("tests/environment-incomplete", Severity.INFO)
        assert "the installed plugin warnplug warns (PytestDeprecationWarning" in finding.message
        assert outcome.incomplete
    else:
        assert outcome.findings == []
        assert "pytest stopped with an internal error" in (outcome.tool_error or "")


REJECTED_PLUGIN = "def pytest_collect_file(file_path, path, parent, extra):\n    return None\n"


@pytest.mark.parametrize("own", [False, True])
def test_an_installed_plugin_that_pytest_rejects_is_the_environments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, own: bool
) -> None:
    """dictdiffer 0.9.0 passes `--pydocstyle`; the newest pytest-pydocstyle declares
    pytest_collect_file with an argument the installed pytest has no more, so pluggy rejects
    the plugin as pytest loads its `pytest11` entry point and nothing runs: this environment's
    plugin and pytest versions (info naming the plugin, the step incomplete). A project whose
    packaging declares that `pytest11` entry point itself is the plugin: its internal error
    stays."""
    site = tmp_path / "env" / "lib" / "python3" / "site-packages"
    dist = site / "badplug-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: badplug\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[pytest11]\nbadplug = badplug\n")
    (site / "badplug.py").write_text(REJECTED_PLUGIN)
    monkeypatch.setenv("PYTHONPATH", str(site))
    files = {**PY_FILES}
    if own:
        files["setup.cfg"] = "[options.entry_points]\npytest11 =\n    badplug = badplug\n"
    outcome = run_step(make_repo(tmp_path / "calc", files), cfg())
    if own:
        assert outcome.findings == []
        assert "pytest stopped with an internal error" in (outcome.tool_error or "")
    else:
        assert outcome.tool_error is None
        [finding] = outcome.findings
        assert (finding.rule, finding.severity) == ("tests/environment-incomplete", Severity.INFO)
        assert "pluggy rejected the installed plugin badplug" in finding.message
        assert "pytest_collect_file hook does not fit this pytest" in finding.message
        assert outcome.incomplete


GITMODULES = (
    '[submodule "test/test_helper/bats-support"]\n'
    "\tpath = test/test_helper/bats-support\n"
    "\turl = https://github.com/ztombol/bats-support\n"
)


def test_bats_helper_from_an_unfetched_submodule_is_environment_incomplete(
    tmp_path: Path,
) -> None:
    """git-open's bats tests `load` bats-support, a git submodule its package does not hold:
    they stop at loading it, before any assertion. Info naming the submodule (the step
    incomplete), no failure;
    beside it, a test that fails on its own assertion stays a failure."""
    if shutil.which("bats") is None:
        pytest.skip("bats is not installed")
    loads = "load 'test_helper/bats-support/load'\n\n@test 'opens' {\n  run true\n}\n"
    root = make_repo(
        tmp_path / "sh",
        {
            ".gitmodules": GITMODULES,
            "bin/tool.sh": "#!/bin/sh\necho hi\n",
            "test/a_loads.bats": loads,
            "test/b_fails.bats": "@test 'adds' {\n  [ 1 -eq 2 ]\n}\n",
        },
    )
    outcome = run_step(root, Config())
    rules = [(f.rule, f.severity) for f in outcome.findings]
    assert ("tests/environment-incomplete", Severity.INFO) in rules
    assert outcome.incomplete and any("could not run here" in c for c in outcome.skipped_checks)
    incomplete = next(f for f in outcome.findings if f.rule == "tests/environment-incomplete")
    assert "test/test_helper/bats-support" in incomplete.message
    assert "git submodule update --init" in incomplete.message
    failed = [f for f in outcome.findings if f.rule == "tests/failed"]
    assert len(failed) == 1 and "adds" in failed[0].message


SHUNIT_TEST = '#!/bin/sh\ncd "$(dirname "$0")"\n. ./shunit2/shunit2\n'
SHUNIT_MODULE = '[submodule "test/shunit2"]\n\tpath = test/shunit2\n\turl = https://example.org/s\n'


@pytest.mark.parametrize("fetched", [False, True])
def test_a_make_test_stopped_by_an_unfetched_submodule_is_environment_incomplete(
    tmp_path: Path, fetched: bool
) -> None:
    """makeself 2.5.0's `make test`: each test changes to test/ and sources
    `./shunit2/shunit2`, from the git submodule test/shunit2 its release tarball leaves empty;
    the shell says "./shunit2/shunit2: No such file or directory". The checkout's lack (info
    naming the submodule), not the project's failure. Beside it, a fetched submodule whose
    framework fails the tests stays the project's error."""
    files = {
        "Makefile": ".PHONY: test\ntest:\n\tsh test/run.sh\n",
        ".gitmodules": SHUNIT_MODULE,
        "test/run.sh": SHUNIT_TEST,
        "test/shunit2/.keep": "",
    }
    if fetched:
        files["test/shunit2/shunit2"] = "echo 'ASSERT:expected 1 but was 2'\nexit 1\n"
    root = make_repo(tmp_path / "mk", files)
    if not fetched:
        (root / "test" / "shunit2" / ".keep").unlink()
    outcome = run_step(root, cfg())
    assert outcome.data["command"] == "make test"
    if fetched:
        assert errors(outcome) == [("tests/command-failed", None, None)]
        return
    assert errors(outcome) == []
    [finding] = outcome.findings
    assert (finding.rule, finding.severity) == ("tests/environment-incomplete", Severity.INFO)
    assert "test/shunit2" in finding.message and "git submodule update --init" in finding.message
    assert "./shunit2/shunit2: No such file" in finding.message
    assert outcome.incomplete


def test_a_submodule_path_from_the_tests_own_directory_counts_on_a_missing_file_line() -> None:
    said = "./run-testlinter.sh: line 32: ./shunit2/shunit2: No such file or directory"
    assert names_unfetched(said, ["test/shunit2"]) == "test/shunit2"
    assert names_unfetched("ok: shunit2/shunit2 printed 3 lines", ["test/shunit2"]) is None
    assert names_unfetched("sh: ./shunit2x/a: not found", ["test/shunit2"]) is None


def test_unfetched_submodules_are_the_absent_or_empty_ones(tmp_path: Path) -> None:
    text = GITMODULES + '[submodule "x"]\n\tpath = lib/x\n' + '[submodule "y"]\n\tpath = lib/y\n'
    (tmp_path / ".gitmodules").write_text(text)
    (tmp_path / "lib" / "x").mkdir(parents=True)
    (tmp_path / "lib" / "y").mkdir()
    (tmp_path / "lib" / "y" / "load.bash").write_text("\n")
    assert unfetched_submodules(tmp_path) == ["test/test_helper/bats-support", "lib/x"]
    said = "Could not find 'test/test_helper/bats-support/load'[.bash]"
    assert names_unfetched(said, ["lib/x", "test/test_helper/bats-support"]) == (
        "test/test_helper/bats-support"
    )
    assert names_unfetched("lib/xy/load failed", ["lib/x"]) is None


# A stand-in for mocha 6+ (a third-party runner, not our code): like mocha's own
# `validatePlugin`, it refuses a second `--reporter`; else it runs each test file with node.
FAKE_MOCHA6 = """\
#!/usr/bin/env node
const { execFileSync } = require("child_process");
const args = process.argv.slice(2);
if (args.filter((a) => a === "--reporter" || a === "-R").length > 1) {
  console.error('ERROR: "--reporter <reporter>" can only be specified once');
  process.exit(1);
}
let failed = 0;
for (const file of args.filter((a) => a.endsWith(".js"))) {
  try { execFileSync("node", [file], { stdio: "inherit" }); } catch (e) { failed += 1; }
}
console.log(failed ? `${failed} failing` : "passing");
process.exit(failed ? 1 : 0);
"""


def _install_fake_mocha6(root: Path, version: str) -> None:
    """node_modules with mocha `version` whose `.bin/mocha` is FAKE_MOCHA6."""
    (root / "node_modules" / "mocha").mkdir(parents=True)
    (root / "node_modules" / "mocha" / "package.json").write_text(
        json.dumps({"name": "mocha", "version": version})
    )
    fake = root / "node_modules" / ".bin" / "mocha"
    fake.parent.mkdir()
    fake.write_text(FAKE_MOCHA6)
    fake.chmod(0o755)


@needs_node
@pytest.mark.parametrize("passes", [True, False])
def test_a_mocha_script_naming_its_own_reporter_runs_as_it_is(tmp_path: Path, passes: bool) -> None:
    """`mocha --reporter spec` in the test script: mocha 6+ refuses the xunit reporter we
    would add, so the script runs as it is; its tests passing is no finding, failing is."""
    package = {
        "name": "pu",
        "version": "1.0.0",
        "scripts": {"test": "mocha --check-leaks --reporter spec test/t.js"},
        "devDependencies": {"mocha": "6.1.3"},
    }
    test = "process.exit(0);\n" if passes else "throw new Error('planted failure');\n"
    root = make_repo(
        tmp_path / "pu",
        {
            "package.json": json.dumps(package),
            "index.js": "module.exports = 1;\n",
            "test/t.js": test,
        },
    )
    _install_fake_mocha6(root, "6.1.3")
    outcome = run_step(root, Config())
    assert outcome.data["command"] == "npm test"
    if passes:
        assert errors(outcome) == []
        assert outcome.status() == StepStatus.PASSED
    else:
        assert errors(outcome) == [("tests/command-failed", None, None)]
        assert "planted failure" in outcome.findings[0].message


REPORT_TOOL = """\
const args = process.argv.slice(2);
const format = args.indexOf("--reporter") >= 0 ? args[args.indexOf("--reporter") + 1] : "text";
if (format !== "text") {
  console.error(`Error: Invalid report format [${format}]`);
  process.exit(1);
}
console.log("Statements   : 100% ( 1/1 )");
"""


@needs_node
@pytest.mark.parametrize("passes", [True, False])
def test_report_options_never_reach_a_program_after_mocha(tmp_path: Path, passes: bool) -> None:
    """tmp 0.2.2's `npm test` ends with `istanbul report text-summary`, after the mocha run:
    npm appends what follows `npm test --` to the script's last command, so our xunit options
    made istanbul stop on `Invalid report format [xunit]` after every test passed (a false
    error). Such a script runs as it is: passing tests are no finding, a failing one still
    fails the command (an error)."""
    package = {
        "name": "tm",
        "version": "1.0.0",
        "scripts": {"test": "mocha test/t.js && node tools/report.js text-summary"},
        "devDependencies": {"mocha": "6.2.3"},
    }
    test = "process.exit(0);\n" if passes else "throw new Error('planted failure');\n"
    root = make_repo(
        tmp_path / "tm",
        {
            "package.json": json.dumps(package),
            "index.js": "module.exports = 1;\n",
            "test/t.js": test,
            "tools/report.js": REPORT_TOOL,
        },
    )
    _install_fake_mocha6(root, "6.2.3")
    outcome = run_step(root, Config())
    assert outcome.data["command"] == "npm test"
    assert any("last command is `node`, not mocha" in c for c in outcome.checked)
    if passes:
        assert errors(outcome) == []
        assert outcome.status() == StepStatus.PASSED
    else:
        assert errors(outcome) == [("tests/command-failed", None, None)]
        assert "planted failure" in outcome.findings[0].message


TMP_EPILOGUE = """\
        ✓ on issue #62 (1063ms)

  tmp
    #dir()
      when running issue specific outband tests
          1) on issue #62

  327 passing (34s)
  2 failing

  1) tmp
       #dir()
         when running issue specific outband tests
           on issue #62:
     Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure "done()" is called; \
if returning a Promise, ensure it resolves. (/w/tmp/test/dir-test.js)
      at listOnTimeout (node:internal/timers:581:17)
      at process.processTimers (node:internal/timers:519:7)

  2) tmp
       #file()
         when running issue specific outband tests
           on issue #115:
     AssertionError: expected the file to be gone
      at Context.<anonymous> (/w/tmp/test/file-test.js:131:13)

"""


def test_mocha_epilogue_gives_counts_and_each_failure(tmp_path: Path) -> None:
    """tmp 0.2.2's `npm test` runs mocha under istanbul with no report file of ours: the
    summary mocha prints at the end (`N passing`, `N failing`, the numbered failures) gives
    the figures and each failed test's full title, error and place."""
    root = tmp_path / "w" / "tmp"
    (root / "test").mkdir(parents=True)
    (root / "test" / "file-test.js").write_text("\n" * 140)
    text = TMP_EPILOGUE.replace("/w/tmp/", f"{root}/")
    report = parse_mocha_epilogue(text, root)
    assert report is not None
    assert (report.counts.passed, report.counts.failed, report.counts.skipped) == (327, 2, 0)
    first, second = report.failures
    assert first.name == "tmp #dir() when running issue specific outband tests on issue #62"
    assert first.message.startswith("Error: Timeout of 2000ms exceeded.")
    assert (first.path, first.line) == (None, None)  # no line: no place
    assert second.name.endswith("on issue #115")
    assert (second.path, second.line) == ("test/file-test.js", 131)
    # several mocha runs add up; pending tests are skipped ones
    twice = "  3 passing (5ms)\n  1 pending\n\n" + text
    again = parse_mocha_epilogue(twice, root)
    assert again is not None
    assert (again.counts.passed, again.counts.failed, again.counts.skipped) == (330, 2, 1)


FD_SLICER_EPILOGUE = """\
  BufferSlicer
    ✓ createReadStream
    3) createWriteStream exceed buffer size


  15 passing (7s)
(node:28055) [DEP0005] DeprecationWarning: Buffer() is deprecated due to security and \
usability issues. Please use the Buffer.alloc(), Buffer.allocUnsafe(), or Buffer.from() methods \
instead.
(Use `node --trace-deprecation ...` to show where the warning was created)
  3 failing

  1) FdSlicer write stream emits error when max size exceeded:
     Error: timeout of 2000ms exceeded
      at Timeout.<anonymous> (/w/fd/node_modules/mocha/lib/runnable.js:158:19)

  2) FdSlicer write stream start and end work together:
     Error: timeout of 2000ms exceeded
      at Timeout.<anonymous> (/w/fd/node_modules/mocha/lib/runnable.js:158:19)

  3) BufferSlicer createWriteStream exceed buffer size:
     Error: timeout of 2000ms exceeded
      at Timeout.<anonymous> (/w/fd/node_modules/mocha/lib/runnable.js:158:19)
"""


def test_node_warnings_inside_a_mocha_epilogue_do_not_hide_its_failures(tmp_path: Path) -> None:
    """fd-slicer 1.1.0's `npm test` (mocha 2.0 on Node 20), its standard error after its
    output: Node's DEP0005 warning came between `15 passing (7s)` and `3 failing`. Without the
    warning lines the three failures are read; a line of the project's own output there still
    stops the reading."""
    report = parse_mocha_epilogue(FD_SLICER_EPILOGUE, tmp_path)
    assert report is not None
    assert (report.counts.passed, report.counts.failed) == (15, 3)
    assert [f.name for f in report.failures][
        2
    ] == "BufferSlicer createWriteStream exceed buffer size"
    assert report.failures[0].message.startswith("Error: timeout of 2000ms exceeded")
    own = FD_SLICER_EPILOGUE.replace("(Use `node", "cleanup done\n(Use `node")
    stopped = parse_mocha_epilogue(own, tmp_path)
    assert stopped is not None and stopped.counts.failed == 0


@pytest.mark.parametrize(
    "text",
    [
        "  1 failing\n",  # no `N passing`: not mocha's summary
        "  0 passing (2ms)\n  2 failing\n\n  1) a\n       b:\n     Error: x\n",  # one of two
        "all 12 passing (3s)\n",  # not at mocha's indentation
    ],
)
def test_output_that_is_not_a_whole_mocha_epilogue_is_not_read(tmp_path: Path, text: str) -> None:
    assert parse_mocha_epilogue(text, tmp_path) is None


FAKE_SPEC_MOCHA = """\
#!/usr/bin/env node
const { spawnSync } = require("child_process");
const files = process.argv.slice(2).filter((a) => a.endsWith(".js"));
let passed = 0;
const failed = [];
console.log("\\n  suite");
for (const file of files) {
  const run = spawnSync("node", [file], { encoding: "utf8" });
  if (run.status === 0) { passed += 1; console.log(`    ✓ ${file}`); continue; }
  failed.push([file, run.stderr.split("\\n").find((line) => /^\\w*Error/.test(line))]);
  console.log(`    ${failed.length}) ${file}`);
}
console.log(`\\n  ${passed} passing (12ms)`);
if (failed.length) console.log(`  ${failed.length} failing\\n`);
failed.forEach(([file, error], i) => {
  console.log(`  ${i + 1}) suite\\n       ${file}:\\n     ${error}\\n`);
});
process.exit(failed.length);
"""

FAKE_MOCHA2 = """\
#!/usr/bin/env node
const { spawnSync } = require("child_process");
const files = process.argv.slice(2).filter((a) => a.endsWith(".js"));
const failed = [];
let passed = 0;
for (const file of files) {
  const run = spawnSync("node", [file], { encoding: "utf8" });
  if (run.status === 0) { passed += 1; console.log(`    ✓ ${file}`); continue; }
  failed.push([file, run.stderr.split("\\n").find((line) => /^\\w*Error/.test(line))]);
  console.log(`    ${failed.length}) ${file}`);
}
console.log(`\\n  \\x1b[32m${passed} passing\\x1b[0m (12ms)\\n`);
process.emitWarning("Buffer() is deprecated", "DeprecationWarning", "DEP0005");
setImmediate(() => {
  if (failed.length) console.error(`\\x1b[31m  ${failed.length} failing\\x1b[0m\\n`);
  failed.forEach(([file, error], i) => {
    console.error(`  ${i + 1}) suite ${file}:\\n     ${error}\\n`);
  });
  process.exit(failed.length);
});
"""


@needs_node
def test_mocha_2_failures_on_standard_error_are_read(tmp_path: Path) -> None:
    """fd-slicer 1.1.0's `npm test` runs mocha 2.0, whose spec reporter prints `15 passing` on
    stdout and `3 failing` with each failure on stderr, after Node's DEP0005 warning: stdout
    alone read as a run in which no test failed (tests/command-failed, `exited with 3 although
    no test failed`). The summary is read on, into the standard error, so each failure is a
    tests/failed error; a passing run reads the same as before."""
    package = {
        "name": "fd",
        "version": "1.0.0",
        "scripts": {"test": "mocha test/a.js test/b.js"},
        "devDependencies": {"mocha": "2.0.1"},
    }
    files = {
        "package.json": json.dumps(package),
        "index.js": "module.exports = 1;\n",
        "test/a.js": "process.exit(0);\n",
        "test/b.js": "throw new Error('ETOOBIG never emitted');\n",
    }
    for name, broken in (("broken", True), ("fine", False)):
        tree = files if broken else {**files, "test/b.js": "process.exit(0);\n"}
        root = make_repo(tmp_path / name, tree)
        (root / "node_modules" / "mocha").mkdir(parents=True)
        (root / "node_modules" / "mocha" / "package.json").write_text(
            json.dumps({"name": "mocha", "version": "2.0.1"})
        )
        fake = root / "node_modules" / ".bin" / "mocha"
        fake.parent.mkdir()
        fake.write_text(FAKE_MOCHA2)
        fake.chmod(0o755)
        outcome = run_step(root, Config())
        assert outcome.data["counts"]["total"] == 2
        if broken:
            assert errors(outcome) == [("tests/failed", None, None)]
            [failed] = [f for f in outcome.findings if f.rule == "tests/failed"]
            assert "ETOOBIG never emitted" in failed.message
        else:
            assert errors(outcome) == []


ONCE = """\
const fs = require("fs");
const path = require("path");
const mark = path.join(__dirname, "..", "..", "ran-once");
const first = !fs.existsSync(mark);
fs.writeFileSync(mark, "");
if (first) throw new Error("expected the job to be running");
"""


@needs_node
def test_a_mocha_script_without_a_report_still_tells_flaky_from_broken(tmp_path: Path) -> None:
    """tmp 0.2.2's two child-process tests failed on mocha's 2000 ms timeout while the
    workflow's other steps loaded the machine, and pass in 0.3 s when run again; its script
    runs as it is (the report options would reach `istanbul report`), so there was no report,
    only the exit status: an error. Mocha's closing summary is read instead, so each failure
    is judged as a report's are (a timeout is tests/timed-out, a warning); here the failure
    that does not come back is a tests/flaky warning, the one that does stays an error."""
    package = {
        "name": "tm",
        "version": "1.0.0",
        "scripts": {"test": "mocha test/a.js test/b.js test/c.js && node tools/report.js"},
        "devDependencies": {"mocha": "6.2.3"},
    }
    root = make_repo(
        tmp_path / "tm",
        {
            "package.json": json.dumps(package),
            "index.js": "module.exports = 1;\n",
            "test/a.js": "process.exit(0);\n",
            "test/b.js": ONCE,
            "test/c.js": "throw new Error('planted failure');\n",
            "tools/report.js": REPORT_TOOL,
        },
    )
    (root / "node_modules" / "mocha").mkdir(parents=True)
    (root / "node_modules" / "mocha" / "package.json").write_text(
        json.dumps({"name": "mocha", "version": "6.2.3"})
    )
    fake = root / "node_modules" / ".bin" / "mocha"
    fake.parent.mkdir()
    fake.write_text(FAKE_SPEC_MOCHA)
    fake.chmod(0o755)
    outcome = run_step(root, Config())
    assert outcome.data["command"] == "npm test"
    assert outcome.data["counts"]["total"] == 3
    assert errors(outcome) == [("tests/failed", None, None)]
    [failed] = [f for f in outcome.findings if f.rule == "tests/failed"]
    assert "test/c.js" in failed.message and "planted failure" in failed.message
    [flaky] = [f for f in outcome.findings if f.rule == "tests/flaky"]
    assert flaky.severity == Severity.WARNING
    assert "suite test/b.js" in flaky.message
    assert any("again for its 2 failure(s): 1 came back" in c for c in outcome.checked)


# a node:test line reporter's output (borp --reporter=@jsumners/line-reporter): each test file
# run, then the failures and the totals, as avvio 9.3.1's `npm test` prints them
LINE_RUNNER = """\
const { spawnSync } = require("child_process");
const path = require("path");
const failed = [];
let passed = 0;
for (const file of process.argv.slice(2)) {
  const full = path.resolve(file);
  const run = spawnSync(process.execPath, [full], { encoding: "utf8" });
  if (run.status === 0) { passed += 1; console.log(`passed: ${full} (1 ms)`); continue; }
  console.log(`failed: ${full} (1 ms)`);
  const error = run.stderr.split("\\n").find((line) => line.startsWith("Error")) || "Error";
  failed.push(`${full}\\n\\tline: 1, column: 1\\n\\t\\t${error}\\n`);
}
if (failed.length) console.log("\\n\\nFailed tests:\\n\\n" + failed.join("\\n"));
console.log(`\\nPassed: ${passed}\\nFailed: ${failed.length}\\nTotal: ${passed + failed.length}`);
process.exit(failed.length ? 1 : 0);
"""


@needs_node
def test_a_line_reporter_script_tells_flaky_from_broken(tmp_path: Path) -> None:
    """avvio 9.3.1's `npm test` runs borp with a line reporter: no report file, only the exit
    status, so its one timing-dependent failure (a 10 ms plugin timeout on a loaded machine)
    was an error. The reporter's closing summary (`Failed tests:`, each file with `line: L`,
    `Passed: N`, `Failed: N`, `Total: N`) is read instead: the failure that does not come
    back when the quick suite runs again is a tests/flaky warning, the one that does stays an
    error."""
    root = make_repo(
        tmp_path / "lr",
        {
            "package.json": json.dumps(
                {
                    "name": "lr",
                    "scripts": {"test": "node tools/run.js test/a.js test/b.js test/c.js"},
                }
            ),
            "index.js": "module.exports = 1;\n",
            "test/a.js": "process.exit(0);\n",
            "test/b.js": ONCE,
            "test/c.js": "throw new Error('planted failure');\n",
            "tools/run.js": LINE_RUNNER,
        },
    )
    outcome = run_step(root, Config())
    assert outcome.data["command"] == "npm test"
    assert outcome.data["counts"]["total"] == 3
    assert errors(outcome) == [("tests/failed", "test/c.js", 1)]
    [failed] = [f for f in outcome.findings if f.rule == "tests/failed"]
    assert "planted failure" in failed.message
    [flaky] = [f for f in outcome.findings if f.rule == "tests/flaky"]
    assert flaky.severity == Severity.WARNING
    assert "test/b.js:1" in flaky.message


@pytest.mark.parametrize(
    "text",
    [
        "Passed: 2\nFailed: 1\nTotal: 3\n",  # a failure counted but none listed
        "Failed tests:\n\n/x/t.js\n\tline: 1, column: 1\n\t\tError\n\nPassed: 2\nFailed: 1\nTotal: 4\n",
        "2 passed, 1 failed\n",  # no line reporter summary
    ],
)
def test_line_reporter_output_read_wrong_is_no_report(tmp_path: Path, text: str) -> None:
    """Totals that do not add up, or failures that do not match the count, are not guessed at."""
    assert parse_line_reporter(text, tmp_path) is None


FLAKY_TESTS = """\
from pathlib import Path

MARK = Path(__file__).resolve().parents[2] / "ran-once"  # beside the checkout, not in it


def test_fails_on_the_first_run_only():
    first = not MARK.exists()
    MARK.touch()
    assert not first, "lost a race on a loaded machine"


def test_always_broken():
    assert 1 + 1 == 3, "planted failure"


def test_passes():
    assert True
"""


def test_a_failure_that_does_not_come_back_is_flaky_one_that_does_is_an_error(
    tmp_path: Path,
) -> None:
    """robfig/cron's TestChainDelayIfStillRunning (a 5 ms sleep racing a 10 ms job) failed once
    while other work shared the machine, and passed when run again: a quick suite with a few
    failures runs once more; what does not come back is one tests/flaky warning, what comes
    back stays a tests/failed error."""
    files = {**PY_FILES, "tests/test_ops.py": FLAKY_TESTS}
    root = make_repo(tmp_path / "calc", files)
    outcome = run_step(root, cfg())
    assert errors(outcome) == [("tests/failed", "tests/test_ops.py", 13)]
    [flaky] = [f for f in outcome.findings if f.rule == "tests/flaky"]
    assert flaky.severity == Severity.WARNING
    assert (flaky.path, flaky.line) == ("tests/test_ops.py", 9)
    assert "test_fails_on_the_first_run_only" in flaky.message
    assert "test_always_broken" not in flaky.message
    assert any("again for its 2 failure(s): 1 came back" in c for c in outcome.checked)
    assert (tmp_path / "ran-once").exists() and not (root / "ran-once").exists()


# pytest-forked's way, short: a test marked `isolated(N)` runs elsewhere in the Nth run of the
# suite (its reports are logged, this process's setup state is not touched), so pytest's check
# at the setup of the next module's first test fails in that run
ISOLATING_CONFTEST = """\
from pathlib import Path

import pytest
from _pytest.reports import TestReport

RUNS = Path(__file__).resolve().parents[2] / "runs"  # beside the checkout, not in it
RUN = int(RUNS.read_text()) + 1 if RUNS.exists() else 1
RUNS.write_text(str(RUN))


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    if all(mark.args[0] != RUN for mark in item.iter_markers("isolated")):
        return None
    item.ihook.pytest_runtest_logstart(nodeid=item.nodeid, location=item.location)
    for when in ("setup", "call", "teardown"):
        report = TestReport(item.nodeid, item.location, {}, "passed", None, when)
        item.ihook.pytest_runtest_logreport(report=report)
    item.ihook.pytest_runtest_logfinish(nodeid=item.nodeid, location=item.location)
    return True
"""


def _isolating_suite(**tests: str) -> dict[str, str]:
    return {
        "pyproject.toml": (
            '[project]\nname = "calc"\n[tool.pytest.ini_options]\n'
            'testpaths = ["tests"]\nmarkers = ["isolated"]\n'
        ),
        "calc/__init__.py": "",
        "tests/conftest.py": ISOLATING_CONFTEST,
        "tests/test_a.py": (
            "import pytest\n\n\ndef test_first():\n    assert True\n\n\n"
            "@pytest.mark.isolated(1)\ndef test_isolated():\n    assert True\n"
        ),
        **{f"tests/{name}.py": text for name, text in tests.items()},
    }


def test_a_victim_of_pytests_setup_state_is_info_a_flaky_test_of_its_own_a_warning(
    tmp_path: Path,
) -> None:
    """httplib2's test_certs_file_from_builtin failed at setup on `AssertionError: previous
    item was not torn down properly` after a `@pytest.mark.forked` test of another module
    (pytest-forked with pytest 8), and passed when run again: pytest's state, not the test, so
    info; a test failing on an assertion of its own once stays a tests/flaky warning."""
    files = _isolating_suite(
        test_b="def test_next_module():\n    assert 2 * 2 == 4\n",
        test_c=FLAKY_TESTS.replace("def test_always_broken():\n", "def _unused():\n"),
    )
    root = make_repo(tmp_path / "calc", files)
    outcome = run_step(root, cfg())
    assert errors(outcome) == []
    flaky = {f.severity: f for f in outcome.findings if f.rule == "tests/flaky"}
    assert sorted(flaky) == sorted([Severity.INFO, Severity.WARNING])
    victim, own = flaky[Severity.INFO], flaky[Severity.WARNING]
    assert (victim.path, victim.line) == ("tests/test_b.py", 1)
    assert "test_next_module" in victim.message
    assert "previous item was not torn down properly" in victim.message
    assert (own.path, own.line) == ("tests/test_c.py", 9)
    assert "test_fails_on_the_first_run_only" in own.message
    assert "test_next_module" not in own.message
    assert any("again for its 2 failure(s): 0 came back" in c for c in outcome.checked)


def test_a_setup_state_victim_that_moves_to_another_test_is_still_info(tmp_path: Path) -> None:
    """pytest-randomly's second order put httplib2's forked test before another module, whose
    first test (test_rebuild_uri) failed the same check: the same cause under another name,
    not another failure that leaves no verdict; one test that fails the check in both runs
    and passes run again alone, in a process of its own, is a tests/failed-passed-alone
    warning (the test before it is at fault), no error."""
    files = _isolating_suite(
        test_b=(
            "import pytest\n\n\ndef test_next_module():\n    assert 2 * 2 == 4\n\n\n"
            "@pytest.mark.isolated(2)\ndef test_isolated_too():\n    assert True\n"
        ),
        test_c="def test_after_the_second():\n    assert 3 * 3 == 9\n",
    )
    root = make_repo(tmp_path / "moved" / "calc", files)
    outcome = run_step(root, cfg())
    assert errors(outcome) == []
    [victim] = [f for f in outcome.findings if f.rule == "tests/flaky"]
    assert victim.severity == Severity.INFO
    assert (victim.path, victim.line) == ("tests/test_b.py", 4)
    assert "test_next_module" in victim.message
    assert "test_after_the_second" not in victim.message

    both = _isolating_suite(test_b="def test_next_module():\n    assert 2 * 2 == 4\n")
    both["tests/test_a.py"] = both["tests/test_a.py"].replace(
        "@pytest.mark.isolated(1)", "@pytest.mark.isolated(1)\n@pytest.mark.isolated(2)"
    )
    root = make_repo(tmp_path / "same" / "calc", both)
    outcome = run_step(root, cfg())
    assert errors(outcome) == []
    assert not [f for f in outcome.findings if f.rule == "tests/flaky"]
    [alone] = [f for f in outcome.findings if f.rule == "tests/failed-passed-alone"]
    assert alone.severity == Severity.WARNING
    assert (alone.path, alone.line) == ("tests/test_b.py", 1)
    assert "tests.test_b.test_next_module" in alone.message


def test_when_other_tests_fail_the_second_time_every_failure_stands(tmp_path: Path) -> None:
    """A second run that fails tests the first one passed (or never reached, as after mocha's
    `--bail`) gives no verdict: nothing is flaky; run again alone, the test that failed on the
    first run only passes (a tests/failed-passed-alone warning), the broken one stays an
    error."""
    flip = FLAKY_TESTS + (
        "\n\ndef test_fails_on_the_second_run_only():\n"
        '    assert not (MARK.parent / "second").exists()\n'
        '    (MARK.parent / "second").touch()\n'
    )
    files = {**PY_FILES, "tests/test_ops.py": flip}
    root = make_repo(tmp_path / "calc", files)
    outcome = run_step(root, cfg())
    assert errors(outcome) == [("tests/failed", "tests/test_ops.py", 13)]
    assert not [f for f in outcome.findings if f.rule == "tests/flaky"]
    [alone] = [f for f in outcome.findings if f.rule == "tests/failed-passed-alone"]
    assert (alone.severity, alone.path, alone.line) == (Severity.WARNING, "tests/test_ops.py", 9)
    assert "test_fails_on_the_first_run_only" in alone.message
    assert any("other tests failed; no verdict" in c for c in outcome.checked)


MARKED_FLAKY_TESTS = """\
import pytest
from pytest import mark


@pytest.mark.flaky
def test_linear_fit():
    assert "Linearithmic" == "Linear", "timing fit on a loaded machine"


@mark.flaky(reruns=0)
class TestGlob:
    def test_depth(self):
        assert 2 < 1, "timing fit on a loaded machine"


def test_always_broken():
    assert 1 + 1 == 3, "planted failure"
"""


def test_a_failed_test_the_project_marks_flaky_is_information(tmp_path: Path) -> None:
    """zipp 3.21.0 (held-out 132, wrong): its big_o complexity tests carry
    `@pytest.mark.flaky` and two of them failed on a loaded machine: a test the project marks
    flaky (on the function, or on its class) is a tests/flaky info finding naming the mark; an
    unmarked failure beside them stays a tests/failed error."""
    ini = '[tool.pytest.ini_options]\ntestpaths = ["tests"]\nmarkers = ["flaky: may fail"]\n'
    files = {
        **PY_FILES,
        "pyproject.toml": '[project]\nname = "calc"\n' + ini,
        "tests/test_ops.py": MARKED_FLAKY_TESTS,
    }
    root = make_repo(tmp_path / "calc", files)
    outcome = run_step(root, cfg())
    assert errors(outcome) == [("tests/failed", "tests/test_ops.py", 17)]
    flaky = sorted(
        (f.line, f.severity, f.message) for f in outcome.findings if f.rule == "tests/flaky"
    )
    assert [(line, severity) for line, severity, _ in flaky] == [
        (7, Severity.INFO),
        (13, Severity.INFO),
    ]
    assert "marks this test flaky, `@pytest.mark.flaky`, line 5" in flaky[0][2]
    assert "`@mark.flaky`, line 10" in flaky[1][2]


def _deprecated_suite(pin: str) -> dict[str, str]:
    """click 8.1.7's shape: `filterwarnings = error`, a `parametrize` over an iterator (which
    pytest 9 deprecates with PytestRemovedIn10Warning) and a requirements file pinning pytest."""
    return {
        "setup.cfg": "[tool:pytest]\ntestpaths = tests\nfilterwarnings =\n    error\n",
        "requirements/tests.txt": f"pytest=={pin}\n    # via -r requirements/tests.in\n",
        "calc/__init__.py": "",
        "tests/test_basic.py": textwrap.dedent(
            """\
            from itertools import chain

            import pytest


            @pytest.mark.parametrize("value", chain([1], [2]))
            def test_positive(value):
                assert value > 0
            """
        ),
    }


@pytest.mark.skipif(
    tuple(int(p) for p in pytest.__version__.split(".")[:2]) < (9, 0),
    reason="pytest 9 deprecates a non-Collection iterable in parametrize",
)
def test_a_pytest_deprecation_under_another_pytest_than_the_pin_is_the_machines(
    tmp_path: Path,
) -> None:
    """click 8.1.7 pins pytest==7.4.0: under pytest 9 its test_basic.py stops on
    PytestRemovedIn10Warning, an info finding (not the project's error); with the pin naming
    the pytest that runs, the same failure is the project's error."""
    root = make_repo(tmp_path / "pinned", _deprecated_suite("7.4.0"))
    outcome = run_step(root, cfg())
    assert not [f for f in outcome.findings if f.severity == Severity.ERROR]
    [info] = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    assert info.severity == Severity.INFO
    assert "PytestRemovedIn10Warning" in info.message
    assert "pins pytest==7.4.0 (requirements/tests.txt)" in info.message
    assert info.path == "tests/test_basic.py"
    current = make_repo(tmp_path / "current", _deprecated_suite(pytest.__version__))
    outcome = run_step(current, cfg())
    [error] = [f for f in outcome.findings if f.rule == "tests/error"]
    assert error.severity == Severity.ERROR and error.path == "tests/test_basic.py"


NOSE_SETUP_SUITE = {
    "pyproject.toml": (
        '[project]\nname = "calc"\n[tool.pytest.ini_options]\ntestpaths = ["t"]\n'
        'python_classes = "test_*"\n'
    ),
    "calc/__init__.py": "",
    "t/test_barrier.py": textwrap.dedent(
        """\
        class test_barrier:

            def setup(self):
                self.ps = [1, 2, 3]

            def test_sum(self):
                assert sum(self.ps) == 6


        class test_modern:

            def setup_method(self):
                self.ps = [1, 2]

            def setup(self):
                pass

            def test_len(self):
                assert len(self.ps) == 3
        """
    ),
}


def test_a_test_of_a_class_with_a_nose_style_setup_says_pytest_8_no_longer_calls_it(
    tmp_path: Path,
) -> None:
    """vine 5.1.0's test_barrier builds `self.ps` in `def setup(self):`, which pytest 8 and
    later never call: each test failed with only "'test_barrier' object has no attribute 'ps'".
    The error stays the project's and now names the method and its new name; a failure in a
    class that already has `setup_method` gets no such note."""
    outcome = run_step(make_repo(tmp_path / "nose", NOSE_SETUP_SUITE), cfg())
    found = {f.extra["test"]: f for f in outcome.findings if f.rule == "tests/failed"}
    [nose] = [f for name, f in found.items() if "test_sum" in name]
    assert nose.severity == Severity.ERROR
    assert "has no attribute 'ps'" in nose.message
    assert "nose-style `setup` (line 3)" in nose.message
    assert "rename it `setup_method`" in nose.message
    [modern] = [f for name, f in found.items() if "test_len" in name]
    assert modern.severity == Severity.ERROR and "nose" not in modern.message


ARCHIVE_SUITE = {
    "pyproject.toml": '[project]\nname = "calc"\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    "calc/__init__.py": "",
    "tests/test_suite.py": textwrap.dedent(
        """\
        import os


        def test_valid_suite():
            # the suite of another project that the CI checks out (toml's `toml-test/`)
            os.listdir("suite-checkout/tests/valid/")


        def test_golden_file():
            open(os.path.join(os.path.dirname(__file__), "data", "golden.txt"))


        def test_outside_the_project():
            open("/nonexistent-ai-workflow-dir/settings.ini")


        def test_real_assertion():
            assert 1 + 1 == 3, "planted failure"
        """
    ),
}
SDIST_METADATA = "Metadata-Version: 2.1\nName: calc\nVersion: 1.0\n"


@pytest.mark.parametrize("archive", [True, False])
def test_a_file_a_release_archive_leaves_out_is_no_failure_of_the_project(
    tmp_path: Path, archive: bool
) -> None:
    # the same failing tests, in a source distribution committed as is (a tracked PKG-INFO) and
    # in a repository: there a fixture nobody committed is a real bug
    files = {**ARCHIVE_SUITE, **({"PKG-INFO": SDIST_METADATA} if archive else {})}
    root = make_repo(tmp_path / "calc", files)
    outcome = run_step(root, cfg())
    assert outcome.data["counts"]["failed"] == 4
    failed = {
        f.extra["test"].rsplit(".", 1)[-1]: f.severity
        for f in outcome.findings
        if f.rule == "tests/failed"
    }
    # a failed assertion, and a missing path outside the project, stay errors everywhere
    expected = {"test_outside_the_project": Severity.ERROR, "test_real_assertion": Severity.ERROR}
    incomplete = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    if archive:
        assert failed == expected
        [info] = incomplete
        assert info.severity == Severity.INFO and outcome.incomplete
        assert "`suite-checkout/tests/valid`, `tests/data/golden.txt`" in info.message
        assert "test_valid_suite" in info.message and "test_golden_file" in info.message
        assert "a source distribution committed as is (tracked PKG-INFO)" in info.message
    else:
        expected |= {"test_valid_suite": Severity.ERROR, "test_golden_file": Severity.ERROR}
        assert failed == expected
        assert not incomplete and not outcome.incomplete


NAMESPACE_SUITE = {
    "pyproject.toml": '[project]\nname = "calc"\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    "calc/__init__.py": "def add(a, b):\n    return a + b\n",
    # tests/__init__.py, which defines TWO, is not in the tree
    "tests/test_calc.py": "from calc import add\nfrom tests import TWO\n\n\n"
    "def test_add():\n    assert add(1, 1) == TWO\n",
    "tests/test_other.py": "def test_truth():\n    assert True\n",
}


@pytest.mark.parametrize("archive", [True, False])
def test_a_test_package_init_the_archive_leaves_out_is_no_error(
    tmp_path: Path, archive: bool
) -> None:
    """jdatetime 6.1.1's sdist ships tests/test_*.py but not tests/__init__.py, which defines
    the helpers they import: `cannot import name 'TehranTime' from 'tests' (unknown location)`.
    In a source distribution the archive left the file out (info); in a repository the same
    collection error is a file nobody committed, an error."""
    files = {**NAMESPACE_SUITE, **({"PKG-INFO": SDIST_METADATA} if archive else {})}
    outcome = run_step(make_repo(tmp_path / "calc", files), cfg())
    errors = [f for f in outcome.findings if f.severity == Severity.ERROR]
    incomplete = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    if archive:
        assert not errors
        [info] = incomplete
        assert info.severity == Severity.INFO and "`tests/__init__.py`" in info.message
    else:
        assert [f.path for f in errors] == ["tests/test_calc.py"]
        assert "cannot import name 'TWO' from 'tests'" in errors[0].message
        assert not incomplete


def test_an_import_from_a_package_that_has_its_init_is_no_missing_file(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", {**NAMESPACE_SUITE, "PKG-INFO": SDIST_METADATA})
    absent = test_execution._absent_package_init
    said = "ImportError: cannot import name 'TWO' from '{}' (unknown location)"
    assert absent(root, said.format("tests")) == "tests/__init__.py"
    assert absent(root, said.format("elsewhere")) is None  # not a directory of the project
    assert absent(root, "ImportError: cannot import name 'TWO' from 'tests'") is None
    (root / "tests" / "__init__.py").write_text("")
    assert absent(root, said.format("tests")) is None


RELATIVE_SUITE = {
    "pyproject.toml": '[project]\nname = "calc"\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    "calc/__init__.py": "def add(a, b):\n    return a + b\n",
    # neither tests/__init__.py nor the tests/helper.py that defines TWO is in the tree
    "tests/test_calc.py": "from calc import add\n\nfrom .helper import TWO\n\n\n"
    "def test_add():\n    assert add(1, 1) == TWO\n",
    "tests/test_other.py": "def test_truth():\n    assert True\n",
}


@pytest.mark.parametrize("archive", [True, False])
def test_a_test_helper_the_archive_leaves_out_is_no_error(tmp_path: Path, archive: bool) -> None:
    """objprint 0.3.0's sdist ships tests/test_*.py, each `from .objtest import
    ObjprintTestCase`, without tests/__init__.py or tests/objtest.py (held-out 154: six
    `attempted relative import with no known parent package` errors). In a source distribution
    the archive left the files out (info); in a repository the same error is the project's."""
    files = {**RELATIVE_SUITE, **({"PKG-INFO": SDIST_METADATA} if archive else {})}
    outcome = run_step(make_repo(tmp_path / "calc", files), cfg())
    errors = [f for f in outcome.findings if f.severity == Severity.ERROR]
    incomplete = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    if archive:
        assert not errors
        [info] = incomplete
        assert info.severity == Severity.INFO and "`tests/__init__.py`" in info.message
    else:
        assert [f.path for f in errors] == ["tests/test_calc.py"]
        assert "attempted relative import" in errors[0].message
        assert not incomplete


def test_only_a_sibling_module_of_the_test_is_a_left_out_helper(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", {**RELATIVE_SUITE, "PKG-INFO": SDIST_METADATA})
    (root / "tests" / "unit").mkdir()
    (root / "tests" / "unit" / "test_deep.py").write_text("from ..helper import TWO\n")

    def absent(message: str, path: str | None = "tests/test_calc.py") -> str | None:
        return test_execution._absent_test_helper(root, FailedTest("t", "error", message, path))

    relative = "ImportError: attempted relative import with no known parent package"
    assert absent(relative) == "tests/__init__.py"
    assert absent(relative, "tests/unit/test_deep.py") == "tests/unit/__init__.py"
    assert absent(relative, "test_top.py") is None  # no directory to be a package
    assert absent(relative, "tests/test_gone.py") is None  # not a file of the project
    assert absent(relative, None) is None
    sibling = "ModuleNotFoundError: No module named '{}'"
    assert absent(sibling.format("tests.helper")) is None  # tests/ is no package here
    (root / "tests" / "__init__.py").write_text("")
    assert absent(relative) is None  # the package is there: another cause
    assert absent(sibling.format("tests.helper")) == "tests/helper.py"
    assert absent(sibling.format("numpy.testing")) is None  # a dependency, not a sibling
    assert absent(sibling.format("numpy")) is None
    assert absent(sibling.format("tests.helper"), "tests/unit/test_deep.py") is None
    (root / "tests" / "helper.py").write_text("TWO = 2\n")
    assert absent(sibling.format("tests.helper")) is None  # it exists


def test_a_path_the_archive_has_is_no_missing_file(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "calc", {**ARCHIVE_SUITE, "PKG-INFO": SDIST_METADATA})
    (root / "suite").mkdir()

    def failure(message: str, path: str | None = "tests/test_suite.py") -> FailedTest:
        return FailedTest("t", "failed", message, path, 1)

    absent = test_execution._absent_project_path
    errno = "FileNotFoundError: [Errno 2] No such file or directory: '{}'"
    assert absent(root, failure(errno.format("suite/valid/"))) == "suite/valid"
    assert absent(root, failure(errno.format("suite"))) is None  # it exists (made since)
    assert absent(root, failure(errno.format("../elsewhere/x"))) is None  # out of the project
    assert absent(root, failure(errno.format(f"{root}/tests/data/x"))) == "tests/data/x"
    # go opens from the package's directory: a path there is found
    (root / "tests" / "testdata").mkdir()
    go = "suite_test.go:9: open testdata/golden.txt: no such file or directory"
    assert absent(root, failure(go)) == "testdata/golden.txt"
    (root / "tests" / "testdata" / "golden.txt").write_text("x")
    assert absent(root, failure(go)) is None
    node = "Error: ENOENT: no such file or directory, open 'fixtures/a.json'"
    assert absent(root, failure(node, None)) == "fixtures/a.json"
    assert absent(root, failure("AssertionError: No such file or directory")) is None
    # a program a subprocess starts is looked up on PATH, not in the project
    spawned = errno.format("project-helper") + "\n  File subprocess.py, in _execute_child"
    assert absent(root, failure(spawned)) is None
    assert absent(root, failure(errno.format("expected_output"))) == "expected_output"


SELF_SKIP_FILES = {
    "setup.py": "from setuptools import setup\nsetup(name='u')\n",
    "u/__init__.py": "",
    "tests/__init__.py": "",
    "tests/test_core.py": (
        "import unittest\n\n\nclass CoreTest(unittest.TestCase):\n"
        "    def test_ok(self):\n        self.assertEqual(1, 1)\n"
    ),
    "tests/test_optional.py": textwrap.dedent(
        """\
        import os
        import unittest

        if not os.path.exists(os.path.join(os.path.dirname(__file__), "fixtures")):
            raise ImportError("Skipping optional tests!")


        class OptionalTest(unittest.TestCase):
            def test_it(self):
                self.assertTrue(True)
        """
    ),
    "tests/test_missing.py": "import not_a_module_anywhere\n",
    "tests/test_reraised.py": textwrap.dedent(
        """\
        try:
            import not_a_module_anywhere
        except ImportError:
            raise ImportError("not_a_module_anywhere is required")
        """
    ),
    "tests/test_package.py": "import u.native\n",
    "u/native.py": 'import os\n\nif os.sep:\n    raise ImportError("build the C extension first")\n',
    "tests/test_raises.py": textwrap.dedent(
        """\
        import unittest


        class RaisesTest(unittest.TestCase):
            def test_it(self):
                raise ImportError("inside a test")
        """
    ),
}


def test_module_raising_import_error_at_top_level_skips_itself_other_import_errors_stay(
    tmp_path: Path,
) -> None:
    """lark's test_nearley raises ImportError('Skipping Nearley tests!') at import when its
    submodule is absent: a skip, info. A module whose `import` fails, a test that raises
    ImportError, an ImportError re-raised for a missing dependency and the package under test
    refusing to import stay errors."""
    root = make_repo(tmp_path / "u", SELF_SKIP_FILES)
    outcome = run_step(root, cfg())
    assert outcome.data["framework"] == "unittest"
    skipped = [f for f in outcome.findings if f.rule == "tests/skipped-module"]
    assert [(f.path, f.line, f.severity) for f in skipped] == [
        ("tests/test_optional.py", 5, Severity.INFO)
    ]
    assert "Skipping optional tests!" in skipped[0].message
    found = sorted(errors(outcome))
    assert ("tests/error", "tests/test_missing.py", 1) in found
    assert ("tests/error", "tests/test_raises.py", 6) in found
    assert ("tests/error", "tests/test_reraised.py", 4) in found  # a missing dependency
    assert any(path in ("u/native.py", "tests/test_package.py") for _, path, _ in found)
    assert len(found) == 4


SCRIPT_TESTS = {
    ".travis.yml": (
        "language: python\nscript:\n"
        "  - for test in tests/test_*.py; do echo $test; python $test > /dev/null; done\n"
    ),
    "setup.py": "from setuptools import setup\n\nsetup(name='u')\n",
    "u/__init__.py": "VALUE = 1\n",
    "tests/__init__.py": "",
    "tests/sibling_helper.py": "VALUE = 1\n",
    "tests/test_sibling.py": textwrap.dedent(
        """\
        import sibling_helper


        def test_value():
            assert sibling_helper.VALUE == 1


        if __name__ == "__main__":
            test_value()
        """
    ),
    "tests/test_broken.py": "import sibling_helper\n\nassert sibling_helper.VALUE == 2\n",
    "tests/test_plain.py": "import u\n\n\ndef test_plain():\n    assert u.VALUE == 1\n",
}


def test_collection_error_of_a_test_script_that_passes_as_the_project_runs_it_is_info(
    tmp_path: Path,
) -> None:
    """dill 0.3.7 runs each test file in its own interpreter (.travis.yml's `for test in
    dill/tests/test_*.py; do python $test`) and names pytest nowhere; test_module.py imports
    its sibling by the script's directory, which pytest's one-process collection lacks: `python
    tests/test_sibling.py` exits 0, info. A file that fails as a script too stays an error, and
    so does the same collection error in a project that names pytest."""
    root = make_repo(tmp_path / "u", SCRIPT_TESTS)
    outcome = run_step(root, cfg())
    assert outcome.data["framework"] == "pytest"
    # one process is no stand-in for a runner of scripts: pytest stops after collection here
    assert "--continue-on-collection-errors" not in outcome.data["command"]
    passing = [f for f in outcome.findings if f.rule == "tests/passes-as-script"]
    assert [(f.path, f.severity) for f in passing] == [("tests/test_sibling.py", Severity.INFO)]
    assert ".travis.yml" in passing[0].message
    assert [f.message.split(":")[0] for f in outcome.findings if f.rule == "tests/error"] == [
        "pytest > tests.test_broken"
    ]
    assert all(f.severity is Severity.ERROR for f in outcome.findings if f.rule == "tests/error")
    uses_pytest = make_repo(tmp_path / "p", {**SCRIPT_TESTS, "requirements-dev.txt": "pytest\n"})
    again = run_step(uses_pytest, cfg())
    assert not [f for f in again.findings if f.rule == "tests/passes-as-script"]
    assert len([f for f in again.findings if f.rule == "tests/error"]) == 2
    assert "--continue-on-collection-errors" in again.data["command"]
    assert again.data["counts"]["passed"] == 1  # test_plain ran past the collection errors


NODE_TAP_TIMEOUT_SCRIPT = """#!/bin/sh
cat <<'TAP'
TAP version 13
# Subtest: test/slow.js
    ok 1 - fast part
    1..1
not ok 1 - test/slow.js # time=30196.613ms
  ---
  timeout: 30000
  file: test/slow.js
  failure: timeout
  signal: SIGTERM
  ...

# Subtest: test/next.js
    ok 1 - bind works
    1..1
ok 2 - test/next.js # time=12ms

# Subtest: test/broken.js
    not ok 1 - should be equal
    1..1
not ok 3 - test/broken.js # time=20ms
  ---
  file: test/broken.js
  ...

1..3
TAP
exit 1
"""


def test_a_node_tap_file_timeout_is_a_timeout_not_a_failed_test(tmp_path: Path) -> None:
    """node-tap stops a test file at its per-file timeout (`failure: timeout`, SIGTERM in the
    YAML block): on a loaded machine that is no failed assertion (tape's test/async-await.js
    passed alone in 3.7 s), and its message is not the next file's `# Subtest:` line. A file
    that failed an assertion stays a failed test."""
    files = {"tap.sh": NODE_TAP_TIMEOUT_SCRIPT, "test/slow.js": "", "test/broken.js": ""}
    outcome = run_step(make_repo(tmp_path / "t", files), cfg(test_command="sh tap.sh"))
    by_rule = {f.rule: f for f in outcome.findings}
    timed = by_rule["tests/timed-out"]
    assert timed.severity == Severity.WARNING
    assert "test/slow.js" in timed.message and "30000 ms" in timed.message
    failed = [f for f in outcome.findings if f.rule == "tests/failed"]
    assert [(f.severity, f.message.split(":")[0]) for f in failed] == [
        (Severity.ERROR, "test/broken.js")
    ]
    assert all("Subtest" not in f.message for f in outcome.findings)


NODE_TAP16_TIMEOUT_SCRIPT = """#!/bin/sh
cat <<'TAP'
TAP version 13
# Subtest: test/leak.ts
    # Subtest: both max and maxSize
        ok 1 - expect free stack to have <= 1 item
        not ok 2 - timeout!
          ---
          expired: test/leak.ts
          ...
        1..2
        # failed 1 of 2 tests
    not ok 1 - timeout!
    1..1
    # failed 1 test
not ok 1 - test/leak.ts # time=31143.824ms
  ---
  file: test/leak.ts
  timeout: 30000
  command: /usr/bin/node
  ...

# Subtest: test/exhaustive.ts
    ok 1 - exhaustive tests # time=6171.875ms
    1..1
    # time=7062.138ms
not ok 2 - test/exhaustive.ts # time=7062.138ms
  ---
  file: test/exhaustive.ts
  timeout: 30000
  exitCode: null
  signal: SIGTERM
  ...

# Subtest: test/broken.ts
    not ok 1 - should be equal
      ---
      found: 1
      wanted: 2
      ...
    1..1
    # failed 1 test
not ok 3 - test/broken.ts # time=20ms
  ---
  file: test/broken.ts
  timeout: 30000
  exitCode: null
  signal: SIGTERM
  ...

# Subtest: test/crash.ts
    ok 1 - loads
    1..1
not ok 4 - test/crash.ts # time=20ms
  ---
  file: test/crash.ts
  timeout: 30000
  exitCode: null
  signal: SIGSEGV
  ...

# Subtest: test/children.ts
    1..0 # no tests found
    not ok 1 - timeout!
      ---
      expired: test/children.ts
      ...
ok 5 - test/children.ts # time=31084.257ms

not ok 6 - timeout!
  ---
  expired: test/children.ts
  ...

1..6
# failed 5 of 6 tests
TAP
exit 1
"""


def test_node_tap_16_timeouts_are_timeouts_not_failed_tests(tmp_path: Path) -> None:
    """node-tap 16 (libtap) reports its per-file timeout in two ways, neither with `failure:
    timeout`: the file's own `not ok - timeout!` with `expired: <file>` among its subtests
    (lru-cache 10.0.1's test/avoid-memory-leak.ts, which passes in 161 s with `-t 300`), or,
    when the SIGTERM came after its last test, `signal: SIGTERM` in the file's YAML block with
    no failed subtest (test/purge-stale-exhaustive.ts, 7 s of tests after 23 s of ts-node
    compiling on a loaded machine), or a top-level `not ok - timeout!` whose YAML names the
    `expired:` file (test/warn-missing-ac.ts, after its own `ok`). A file with a failed
    assertion, even one stopped by SIGTERM too, and a file another signal killed stay failed
    tests."""
    files = {
        "tap.sh": NODE_TAP16_TIMEOUT_SCRIPT,
        **{f"test/{n}.ts": "" for n in ("leak", "exhaustive", "broken", "crash", "children")},
    }
    outcome = run_step(make_repo(tmp_path / "t", files), cfg(test_command="sh tap.sh"))
    timed = [f for f in outcome.findings if f.rule == "tests/timed-out"]
    assert [f.severity for f in timed] == [Severity.WARNING]
    assert "test/leak.ts" in timed[0].message and "test/exhaustive.ts" in timed[0].message
    assert "test/children.ts" in timed[0].message and "timeout!" not in timed[0].message
    assert "30000 ms" in timed[0].message
    failed = [f for f in outcome.findings if f.rule == "tests/failed"]
    assert sorted((f.severity, f.message.split(":")[0]) for f in failed) == [
        (Severity.ERROR, "test/broken.ts"),
        (Severity.ERROR, "test/crash.ts"),
    ]


AUDIT_SCRIPT = """#!/bin/sh
printf 'TAP version 13\\nok 1 - works\\n1..1\\n'
printf '> lib@1.0.0 posttest\\n> aud --production\\n'
{message}
exit 1
"""


@pytest.mark.parametrize(
    ("message", "rule"),
    [
        (
            "echo 'npm warn audit 405 Method Not Allowed - POST https://registry.example/-/npm/v1/"
            "security/advisories/bulk'; echo 'npm error audit endpoint returned an error'",
            "tests/environment-incomplete",
        ),
        ("echo 'found 2 high severity vulnerabilities'", "tests/command-failed"),
    ],
)
def test_an_npm_audit_that_cannot_reach_its_service_is_the_machines(
    tmp_path: Path, message: str, rule: str
) -> None:
    """tape's posttest runs `aud --production`; npm's audit endpoint answered 405 here, so
    `npm test` exited 1 after every test passed: the environment's, not the project's. An audit
    that found vulnerabilities is a verdict, and stays an error."""
    files = {"t.sh": AUDIT_SCRIPT.format(message=message), "test/x.js": ""}
    outcome = run_step(make_repo(tmp_path / "a", files), cfg(test_command="sh t.sh"))
    assert [(f.rule, f.severity == Severity.ERROR) for f in outcome.findings] == [
        (rule, rule == "tests/command-failed")
    ]


NODE_TAP_STREAM = """\
TAP version 13
# Subtest: test/pool-test.js
    # Subtest: acquires
        ok 1 - should be equal
        ok 2 - expected to not throw
        1..2
    ok 1 - acquires # time=3.1ms

    # Subtest: times out
        1..0
    ok 2 - times out # time=26.0ms

    # Subtest: drains
        ok 1 - should be equal
        not ok 2 - should be equal
          ---
          found: 1
          wanted: 2
          at:
            line: 40
            file: test/pool-test.js
          ...
        ok 3 - later # SKIP not on this platform
        1..3
    not ok 3 - drains # time=4.4ms

    1..3
not ok 1 - test/pool-test.js # time=460.0ms

# Subtest: test/list-test.js
    ok 1 - should be equal
    1..1
ok 2 - test/list-test.js # time=12.0ms

1..2
"""


def test_tap_counts_are_the_leaf_results_as_the_runner_counts_them(tmp_path: Path) -> None:
    """node-tap prints one top-level result per file (generic-pool 3.9.0: `7 passed` here,
    while `tap` reports 118 passing): the parents of subtests are not tests of their own, a
    subtest with no assertion (`1..0`) is one, and a failure is still reported per file."""
    report = parse_tap_output(NODE_TAP_STREAM, tmp_path)
    assert report is not None
    counts = report.counts
    assert (counts.passed, counts.failed, counts.skipped) == (5, 1, 1)
    assert [f.name for f in report.failures] == ["test/pool-test.js"]
    flat = "TAP version 13\nok 1 a\nnot ok 2 b\nok 3 c # SKIP\n1..3\n"  # tape, bats: no nesting
    flat_report = parse_tap_output(flat, tmp_path)
    assert flat_report is not None
    assert (flat_report.counts.passed, flat_report.counts.failed) == (1, 1)
    assert flat_report.counts.skipped == 1


@needs_node
def test_tap_counts_match_node_test_s_own_summary(tmp_path: Path) -> None:
    """`node --test --test-reporter=tap` nests a describe block's tests under it; the counts
    read from its TAP are the ones node's own summary gives."""
    root = make_repo(tmp_path / "js", JS_FILES)
    proc = subprocess.run(
        ["node", "--test", "--test-reporter=tap"], cwd=root, capture_output=True, text=True
    )
    report = parse_tap_output(proc.stdout, root)
    assert report is not None
    counts = report.counts
    read = {"passed": counts.passed, "failed": counts.failed, "skipped": counts.skipped}
    assert read == node_direct_counts(root) == {"passed": 2, "failed": 1, "skipped": 1}


TAP_WITH_DIAGNOSTICS = """\
TAP version 13
# Subtest: suite
    # Subtest: one
    ok 1 - one
      ---
      duration_ms: 0.7
      ...
    1..1
not ok 1 - suite
  ---
  type: 'suite'
  failureType: 'hookFailed'
  error: 'after hook fails'
  ...
# Subtest: later
    # Subtest: inner
    not ok 1 - inner
      ---
      error: 'Expected values to be strictly equal'
      ...
    1..1
not ok 2 - later # TODO
  ---
  failureType: 'subtestsFailed'
  ...
# Subtest: renders
not ok 3 - renders
  ---
  failureType: 'testCodeFailure'
  expected: |-
    TAP version 13
    not ok 1 works
    1..1
  actual: |-
    TAP version 13
    ok 1 works
    1..1
  ...
# Subtest: plain
ok 4 - plain
  ---
  duration_ms: 0.1
  ...
1..4
"""


def test_tap_counts_leave_out_diagnostics_and_follow_a_parent_s_result(tmp_path: Path) -> None:
    """`node --test` (v20) output: the YAML block of a test of TAP output holds `ok` and
    `not ok` lines (its expected and actual values) that are no results, and the tests after
    it are no parents (they were read as the block's, so `renders` and `plain` were not
    counted); a failed parent none of whose subtests failed (an `after` hook) is the one failure
    reported; the failing subtest of a `# TODO` parent is expected to fail. The counts agree
    with the failures reported: renders and suite."""
    report = parse_tap_output(TAP_WITH_DIAGNOSTICS, tmp_path)
    assert report is not None
    counts = report.counts
    assert (counts.passed, counts.failed, counts.xfailed) == (2, 2, 1)
    assert [f.name for f in report.failures] == ["suite", "renders"]
    # a failed parent inside a failed parent is one failure, not two
    nested = (
        "TAP version 13\n# Subtest: f.js\n    # Subtest: group\n        ok 1 - a\n        1..1\n"
        "    not ok 1 - group\n    ok 2 - b\n    1..2\nnot ok 1 - f.js\n1..1\n"
    )
    nested_report = parse_tap_output(nested, tmp_path)
    assert nested_report is not None
    assert (nested_report.counts.passed, nested_report.counts.failed) == (2, 1)
    # the same lines as real results, not in a YAML block, are counted
    flat = "TAP version 13\nnot ok 1 works\nok 2 works\n  ---\n  at: x\n  ...\nok 3 c\n1..3\n"
    flat_report = parse_tap_output(flat, tmp_path)
    assert flat_report is not None
    assert (flat_report.counts.passed, flat_report.counts.failed) == (2, 1)


NODE_TEST_SHAPES = """\
const { test, describe, it, after } = require('node:test');
const assert = require('node:assert');
describe('suite', () => {
  after(() => { throw new Error('after hook fails'); });
  it('one', () => {});
  it('two', () => {});
});
test('later', { todo: true }, async (t) => {
  await t.test('inner', () => { assert.strictEqual(1, 2); });
});
test('renders', () => {
  assert.strictEqual('TAP version 13\\nok 1 works\\n1..1', 'TAP version 13\\nnot ok 1 works');
});
test('plain', () => {});
"""


@needs_node
def test_tap_counts_of_diagnostics_hooks_and_todo_match_node_s_summary(tmp_path: Path) -> None:
    """The figures read from `node --test`'s TAP (a YAML block holding TAP lines, a failing
    `after` hook, a `# TODO` test with a failing subtest) are those of its own `# pass`,
    `# fail` and `# todo` lines."""
    root = make_repo(tmp_path / "js", {"shapes.test.js": NODE_TEST_SHAPES})
    proc = subprocess.run(
        ["node", "--test", "--test-reporter=tap", "shapes.test.js"],
        cwd=root,
        capture_output=True,
        text=True,
    )
    summary = dict(re.findall(r"^# (pass|fail|todo) (\d+)$", proc.stdout, re.MULTILINE))
    assert summary == {"pass": "3", "fail": "2", "todo": "1"}
    report = parse_tap_output(proc.stdout, root)
    assert report is not None
    counts = report.counts
    assert (counts.passed, counts.failed, counts.xfailed) == (3, 2, 1)
    assert [f.name for f in report.failures] == ["suite", "renders"]


TZ_TEST = textwrap.dedent(
    """\
    import time


    def test_epoch_is_eastern_evening():
        assert time.strftime("%a %H:%M %Z", time.localtime(0)) == "Wed 19:00 EST"
    """
)


def tz_project(tmp_path: Path, tox_ini: str | None) -> Path:
    """A project whose test expects US Eastern local time, with `tox_ini` (None: none)."""
    files = {**PY_FILES, "tests/test_ops.py": TZ_TEST}
    if tox_ini is not None:
        files["tox.ini"] = tox_ini
    return make_repo(tmp_path / "tz", files)


def test_tests_run_with_the_variables_tox_sets_for_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """javaproperties' tox.ini sets TZ for its tests: run by pytest alone in UTC, 51 failed."""
    monkeypatch.setenv("TZ", "UTC")
    tox = "[testenv]\ndeps = pytest\nsetenv =\n    TZ=EST5EDT\n    LC_ALL=C.UTF-8\ncommands =\n"
    root = tz_project(tmp_path, tox + "    pytest {posargs} tests\n")
    outcome = run_step(root, cfg())
    assert errors(outcome) == []
    assert outcome.data["counts"]["passed"] == 1
    assert any("TZ=EST5EDT, LC_ALL=C.UTF-8" in line for line in outcome.checked)


@pytest.mark.parametrize(
    "tox_ini",
    [
        None,  # nothing sets TZ: the test's expectation is the project's own
        "[testenv]\nsetenv = TZ=EST5EDT\ncommands = flake8 calc\n",  # another tool's zone
        "[testenv:lint]\nsetenv = TZ=EST5EDT\ncommands = pytest\n",  # not the base testenv
    ],
)
def test_a_zone_no_tox_test_environment_sets_stays_a_failure(
    tmp_path: Path, tox_ini: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "UTC")  # the machine's zone, whatever it is where this runs
    outcome = run_step(tz_project(tmp_path, tox_ini), cfg())
    assert errors(outcome) == [("tests/failed", "tests/test_ops.py", 5)]


def test_tox_setenv_resolves_tox_substitutions_and_leaves_the_runs_own(tmp_path: Path) -> None:
    from ai_workflow.testcmd.tox_env import tox_setenv

    tox = (
        "[testenv]\nsetenv =\n    DATA={toxinidir}/data\n    MODE={env:AIW_NO_SUCH_VAR:quick}\n"
        "    OUT={envtmpdir}/o\n    PATH=/opt/bin\n    file|.env\ncommands = python -m pytest\n"
    )
    root = make_repo(tmp_path / "p", {"tox.ini": tox})
    assert tox_setenv(root, "pytest") == {"DATA": f"{root}/data", "MODE": "quick"}
    assert tox_setenv(root, "unittest") == {}
    cfg_root = make_repo(tmp_path / "c", {"setup.cfg": "[tox:tox]\n[testenv]\n" + tox[10:]})
    assert tox_setenv(cfg_root, "pytest")["MODE"] == "quick"
    no_tox = make_repo(tmp_path / "n", {"setup.cfg": "[testenv]\n" + tox[10:]})
    assert tox_setenv(no_tox, "pytest") == {}


EXTRAS_FILES = {  # validators 0.36.0's shape: a feature that names the extra bringing its dependency
    "pyproject.toml": textwrap.dedent(
        """\
        [project]
        name = "feat_lib"
        [project.optional-dependencies]
        fast = ["not-installed-anywhere-xyz>=1"]
        present = ["pytest"]
        [tool.pytest.ini_options]
        testpaths = ["tests"]
        """
    ),
    "feat_lib/__init__.py": textwrap.dedent(
        """\
        try:
            import not_installed_anywhere_xyz
        except ImportError:
            not_installed_anywhere_xyz = None


        def fast():
            if not_installed_anywhere_xyz is None:
                raise ImportError("Do `pip install feat-lib[fast]` to use fast()")


        def present():
            raise ImportError("Do `pip install feat_lib[present]` to use present()")


        def turbo():
            raise ImportError("Do `pip install feat-lib[turbo]` to use turbo()")
        """
    ),
    "tests/test_feat.py": textwrap.dedent(
        """\
        from feat_lib import fast, present, turbo


        def test_fast():
            fast()


        def test_present():
            present()


        def test_turbo():
            turbo()
        """
    ),
}


def test_a_declared_extra_not_installed_is_the_machines_not_a_failure(tmp_path: Path) -> None:
    """test_fast fails with the package's own ImportError naming its extra `fast`, whose
    requirement is not installed: this machine lacks it (info). The extra `present` is
    installed (pytest) and `turbo` is declared nowhere: their ImportErrors stay errors."""
    outcome = run_step(make_repo(tmp_path / "extras", EXTRAS_FILES), cfg())
    failed = sorted(
        f.extra["test"].rsplit(".", 1)[-1] for f in outcome.findings if f.rule == "tests/failed"
    )
    assert failed == ["test_present", "test_turbo"]
    assert all(f.severity == Severity.ERROR for f in outcome.findings if f.rule == "tests/failed")
    [lacking] = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    assert lacking.severity == Severity.INFO
    assert "test_fast" in lacking.message
    assert "`feat-lib[fast]` (not-installed-anywhere-xyz not installed" in lacking.message


SAID_FILES = {  # ConfigArgParse 1.7.1's shape: a test that says in its own words what it lacks
    "pyproject.toml": textwrap.dedent(
        """\
        [project]
        name = "said_lib"
        [project.optional-dependencies]
        yaml = ["Not-Installed-Anywhere-Xyz"]
        [tool.pytest.ini_options]
        testpaths = ["tests"]
        """
    ),
    "said_lib/__init__.py": "",
    "tests/test_said.py": textwrap.dedent(
        """\
        from importlib.util import find_spec


        def test_yaml():
            if find_spec("not_installed_anywhere_xyz") is None:
                raise AssertionError("WARNING: Not-Installed-Anywhere-Xyz not installed.")


        def test_other():
            if find_spec("other_missing_abc") is None:
                raise AssertionError("WARNING: other-missing-abc not installed.")


        def test_installed():
            raise AssertionError("pytest is not installed")
        """
    ),
}


def test_a_test_that_says_a_declared_extras_package_is_not_installed_is_the_machines(
    tmp_path: Path,
) -> None:
    """ConfigArgParse 1.7.1 (held-out 109): its YAML test raises `AssertionError("WARNING:
    PyYAML not installed...")`, and PyYAML is a requirement of its `yaml` extra, which this
    environment lacks: the machine's (info). A package no extra declares, or one that is
    installed (pytest), stays an error."""
    outcome = run_step(make_repo(tmp_path / "said", SAID_FILES), cfg())
    failed = sorted(
        f.extra["test"].rsplit(".", 1)[-1] for f in outcome.findings if f.rule == "tests/failed"
    )
    assert failed == ["test_installed", "test_other"]
    [lacking] = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    assert lacking.severity == Severity.INFO
    assert "test_yaml" in lacking.message
    assert "`said-lib[yaml]` (not-installed-anywhere-xyz not installed" in lacking.message


CAPTURED_TESTS = textwrap.dedent(
    """\
    import subprocess
    import sys


    def test_app_reloads():
        # the app dies on an import; the test only sees that no answer came
        app = subprocess.run(
            [sys.executable, "-c", "import no_such_module_here"], capture_output=True, text=True
        )
        sys.stderr.write(app.stderr)
        raise RuntimeError("timeout waiting for change to file")


    class TestApp:
        def test_in_a_class(self):
            sys.stderr.write("ValueError: bad value\\n")
            assert 1 == 2


    def test_plain_failure():
        print("nothing went wrong here")
        assert 1 == 2
    """
)


def test_a_failed_pytest_test_names_the_exception_its_captured_output_ends_with(
    tmp_path: Path,
) -> None:
    """held-out 99: hupper's test app died on `ModuleNotFoundError: No module named
    'pytest_cov.embed'` and the test failed on its own timeout: the finding names the
    exception of the captured stderr; a failure whose captured output shows none keeps its
    message."""
    files = {**PY_FILES, "tests/test_ops.py": CAPTURED_TESTS}
    root = make_repo(tmp_path / "calc", files)
    outcome = run_step(root, cfg())
    messages = {
        f.message.split(":", 1)[0].rsplit(".", 1)[-1]: f.message
        for f in outcome.findings
        if f.rule == "tests/failed"
    }
    assert messages["test_app_reloads"].endswith(
        "RuntimeError: timeout waiting for change to file (its captured output ends with "
        "`ModuleNotFoundError: No module named 'no_such_module_here'`)"
    )
    assert messages["test_in_a_class"].endswith(
        "(its captured output ends with `ValueError: bad value`)"
    )
    assert "captured" not in messages["test_plain_failure"]


STOPPED_SUITE = {
    "setup.py": "from setuptools import setup\nsetup(name='calc', packages=['calc', 'calc.tests'])\n",
    "calc/__init__.py": "",
    "calc/tests/__init__.py": "",
    "calc/tests/test_assets.py": textwrap.dedent(
        """\
        import os
        from unittest import TestCase


        class TestAssets(TestCase):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                here = os.path.dirname(os.path.realpath(__file__))
                with open(os.path.join(here, "assets", "testlist.txt")) as f:
                    self.assets = f.read().split()

            def test_assets(self):
                self.assertTrue(self.assets)
        """
    ),
}


@pytest.mark.parametrize("archive", [True, False])
def test_a_run_stopped_on_a_file_the_release_archive_leaves_out_is_no_error(
    tmp_path: Path, archive: bool
) -> None:
    # hjson 3.1.0's sdist leaves out hjson/tests/assets/: `unittest discover` stops while a
    # TestCase's __init__ loads assets/testlist.txt, before any test ran; in a repository the
    # same stop is a fixture nobody committed, the project's error
    files = {**STOPPED_SUITE, **({"PKG-INFO": SDIST_METADATA} if archive else {})}
    root = make_repo(tmp_path / "calc", files)
    outcome = run_step(root, cfg())
    failed = [f for f in outcome.findings if f.rule == "tests/command-failed"]
    incomplete = [f for f in outcome.findings if f.rule == "tests/environment-incomplete"]
    if archive:
        assert not failed
        [info] = incomplete
        assert info.severity == Severity.INFO and outcome.incomplete
        assert "stopped opening `calc/tests/assets/testlist.txt`" in info.message
        assert "tracked PKG-INFO" in info.message
    else:
        [error] = failed
        assert error.severity == Severity.ERROR and "testlist.txt" in error.message
        assert not incomplete


NODE_OPTION_SCRIPT = """#!/bin/sh
printf 'TAP version 13\\nok 1 - works\\n1..1\\n'
printf '> lib@1.0.0 test:staging\\n> node {option} test\\n'
node {option} -e 1
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
@pytest.mark.parametrize(
    ("option", "rule"),
    [
        ("--harmony --es-staging", "tests/environment-incomplete"),
        ("--harmony --es-stagign", "tests/command-failed"),
    ],
)
def test_a_node_option_a_newer_node_dropped_is_the_machines(
    tmp_path: Path, option: str, rule: str
) -> None:
    """has-symbols 1.0.3's `npm test` runs `nyc node --harmony --es-staging test` after its
    tape tests passed; Node.js 20 dropped V8's `--es-staging` and exits 9 (`node: bad option:
    --es-staging`) before it loads a file: the machine's Node.js, not the project (info, named).
    A mistyped option is refused the same way and stays an error, which now names it."""
    if subprocess.run(["node", "--es-staging", "-e", "1"], capture_output=True).returncode == 0:
        pytest.skip("this Node.js still takes --es-staging")
    files = {"t.sh": NODE_OPTION_SCRIPT.format(option=option), "test/x.js": ""}
    outcome = run_step(make_repo(tmp_path / "a", files), cfg(test_command="sh t.sh"))
    assert [(f.rule, f.severity == Severity.ERROR) for f in outcome.findings] == [
        (rule, rule == "tests/command-failed")
    ]
    bad = option.split()[-1]
    assert f"refused the option {bad} (`node: bad option: {bad}`)" in outcome.findings[0].message


# lazy_import's suite: a test checks that a module is not yet imported, which another test of
# the same process did; its README runs the suite with `pytest --boxed`, a process per test.
SHARED_STATE_FILES = {
    "pyproject.toml": '[project]\nname = "lazy"\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    "lazy/__init__.py": "",
    "lazy/heavy.py": "LOADED = True\n",
    "tests/test_lazy.py": textwrap.dedent(
        """\
        import sys


        def test_a_loads_heavy():
            import lazy.heavy

            assert lazy.heavy.LOADED


        def test_b_heavy_not_loaded_yet():
            assert "lazy.heavy" not in sys.modules, "use pytest --boxed"


        def test_c_broken_alone_too():
            assert 1 + 1 == 3, "planted failure"
        """
    ),
}


@pytest.mark.parametrize("readme", ["Run the tests with `pytest -n 4 --boxed`.\n", None])
def test_a_failure_that_passes_alone_is_no_error_one_that_fails_alone_stays(
    tmp_path: Path, readme: str | None
) -> None:
    """Each failed test runs again alone, in a process of its own: test_b fails only after
    test_a imported the module it checks is not loaded (lazy_import's 48 tests at
    test_lazy.py:155), one finding that names it, info when the project says it runs its tests
    isolated (`--boxed`), else a warning; test_c fails alone too and stays an error."""
    files = dict(SHARED_STATE_FILES)
    if readme is not None:
        files["README.rst"] = readme
    root = make_repo(tmp_path / "lazy", files)
    outcome = run_step(root, cfg())
    assert outcome.data["counts"]["failed"] == 2
    failed = [f for f in outcome.findings if f.rule == "tests/failed"]
    assert [(f.severity, f.extra["test"]) for f in failed] == [
        (Severity.ERROR, "tests.test_lazy.test_c_broken_alone_too")
    ]
    [alone] = [f for f in outcome.findings if f.rule == "tests/failed-passed-alone"]
    assert alone.severity == (Severity.INFO if readme else Severity.WARNING)
    assert alone.message.startswith(
        "1 test(s) fail only when run in one process with the others, and pass when run again "
        "alone: tests.test_lazy.test_b_heavy_not_loaded_yet; "
    )
    if readme:
        assert "(README.rst: `Run the tests with `pytest -n 4 --boxed`.`)" in alone.message
    else:
        assert "shared state or order" in alone.message
    assert (alone.path, alone.extra["test"]) == (
        "tests/test_lazy.py",
        "tests.test_lazy.test_b_heavy_not_loaded_yet",
    )
    reruns = {r["selector"]: r["verdict"] for r in outcome.data["failed_reruns"]}
    assert reruns == {
        "tests/test_lazy.py::test_b_heavy_not_loaded_yet": "passed",
        "tests/test_lazy.py::test_c_broken_alone_too": "failed",
    }


def test_no_rerun_budget_keeps_every_failure(tmp_path: Path) -> None:
    """tech_stack.failed_rerun_s 0 runs nothing again: both failures stay errors."""
    root = make_repo(tmp_path / "lazy", SHARED_STATE_FILES)
    outcome = run_step(root, cfg(failed_rerun_s=0))
    assert sorted(f.extra["test"] for f in outcome.findings if f.rule == "tests/failed") == [
        "tests.test_lazy.test_b_heavy_not_loaded_yet",
        "tests.test_lazy.test_c_broken_alone_too",
    ]
    assert {f.severity for f in outcome.findings if f.rule == "tests/failed"} == {Severity.ERROR}
    assert "failed_reruns" not in outcome.data


def test_isolation_is_read_from_options_not_look_alikes(tmp_path: Path) -> None:
    """`--forked` in a tox.ini's addopts says so; `--forked-only` or `---boxed` do not."""
    (tmp_path / "tox.ini").write_text("[pytest]\naddopts = --forked-only ---boxed\n")
    assert isolation_note(tmp_path) is None
    (tmp_path / "tox.ini").write_text("[pytest]\naddopts = -ra --forked\n")
    assert isolation_note(tmp_path) == "tox.ini: `addopts = -ra --forked`"
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "ci.yml").write_text("    - run: python -m pytest --boxed tests\n")
    (tmp_path / "tox.ini").unlink()
    assert (
        isolation_note(tmp_path)
        == ".github/workflows/ci.yml: `- run: python -m pytest --boxed tests`"
    )


def test_failures_past_the_bound_are_not_run_again_alone_and_the_step_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At most ALONE_MAX_FAILURES failed tests run again alone (here 1): the first passes
    alone and is judged, the one past the bound stays an error, and the checks say why."""
    monkeypatch.setattr(test_execution, "ALONE_MAX_FAILURES", 1)
    root = make_repo(tmp_path / "lazy", SHARED_STATE_FILES)
    outcome = run_step(root, cfg())
    assert [r["selector"] for r in outcome.data["failed_reruns"]] == [
        "tests/test_lazy.py::test_b_heavy_not_loaded_yet"
    ]
    assert [f.extra["test"] for f in outcome.findings if f.rule == "tests/failed"] == [
        "tests.test_lazy.test_c_broken_alone_too"
    ]
    assert "1 of 2 failed tests were not run again alone: at most 1 are" in outcome.checked
