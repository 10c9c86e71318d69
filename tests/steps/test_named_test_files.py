"""Test files the project's test command names (`mocha tests.js`) are tests for every step.

ms 2.1.3 keeps its tests in `tests.js` at its root and runs them with `mocha tests.js`: steps 4
and 5 both said it had no tests. They now ask the one `TechStack.is_test`, as do documentation
(no doc comments asked of a test), dependencies (a test's imports are development ones) and
script references (a bats file is no shell script).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_workflow.commands import tech_stack
from ai_workflow.config import Config
from ai_workflow.engine.step import StepOutcome, StepResult, StepStatus
from ai_workflow.steps import (
    dependencies,
    directory_structure,
    documentation,
    pre_analysis,
    script_references,
    test_review,
)
from ai_workflow.techstack import detect_stack, detect_stack_for
from ai_workflow.testcmd.declared import ProjectSources
from ai_workflow.testcmd.named import glob_match, named_test_files, resolve_files
from tests.helpers import make_repo, step_context

INDEX = "module.exports = function ms(value) {\n  return value * 1000;\n};\n"
TESTS = (
    "const ms = require('./');\n"
    "describe('ms', () => {\n  it('converts', () => {\n"
    "    if (ms(1) !== 1000) throw new Error('bad');\n  });\n});\n"
)


def _project(tmp_path: Path, test_script: str | None, files: dict[str, str]) -> Path:
    package: dict[str, object] = {"name": "ms", "version": "2.1.3", "main": "index.js"}
    if test_script is not None:
        package["scripts"] = {"test": test_script}
    return make_repo(
        tmp_path / "ms",
        {"README.md": "# ms\n", "package.json": json.dumps(package), "index.js": INDEX, **files},
    )


def _rules(root: Path, config: Config | None = None) -> set[str]:
    outcomes: list[StepOutcome] = [
        step.run(step_context(root, step.SPEC, config=config))
        for step in (directory_structure, test_review)
    ]
    return {f.rule for outcome in outcomes for f in outcome.findings}


NO_TESTS = {"structure/no-tests", "tests/no-tests"}


def test_root_tests_file_run_by_mocha_is_a_test(tmp_path: Path) -> None:
    root = _project(tmp_path, "mocha tests.js", {"tests.js": TESTS})
    assert not _rules(root) & NO_TESTS
    outcome = test_review.run(step_context(root, test_review.SPEC))
    inventory = outcome.data["inventory"]
    assert [f["path"] for f in inventory["test_files"]] == ["tests.js"]
    assert inventory["source_module_count"] == 1  # index.js, reached by require('./')
    assert outcome.data["untested_modules"] == []


def test_file_no_convention_finds_counts_when_the_command_names_it(tmp_path: Path) -> None:
    root = _project(tmp_path, "tape suite/*.js | tap-spec", {"suite/basics.js": TESTS})
    stack = detect_stack_for(root, Config())
    assert stack.named_test_files == ["suite/basics.js"]
    assert stack.is_test("suite/basics.js") and not stack.is_test("index.js")
    shown = {label: value for label, value, _ in tech_stack.rows(stack)}
    assert shown["named test files"] == "suite/basics.js"  # `ai-workflow tech-stack` says so
    assert not _rules(root) & NO_TESTS


def test_configured_test_command_names_a_python_test_file(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "calc",
        {
            "pyproject.toml": '[project]\nname = "calc"\n',
            "calc.py": "def add(a, b):\n    return a + b\n",
            "checks.py": "from calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
        },
    )
    assert _rules(root) >= NO_TESTS  # nothing says checks.py is a test...
    command = {"tech_stack": {"test_command": "python -m pytest checks.py -q"}}
    assert not _rules(root, Config.model_validate(command)) & NO_TESTS  # ...until its command


def test_project_without_tests_still_gets_both_findings(tmp_path: Path) -> None:
    root = _project(tmp_path, None, {})
    assert _rules(root) >= NO_TESTS


def test_command_naming_a_missing_file_does_not_count(tmp_path: Path) -> None:
    root = _project(tmp_path, "mocha checks.js", {"helpers.js": INDEX})
    assert detect_stack_for(root, Config()).named_test_files == []
    assert _rules(root) >= NO_TESTS


CHECKS_WITH_HELPER = TESTS + "exports.almostEqual = function (a, b) { return a === b; };\n"
UNDOCUMENTED_INDEX = "exports.parse = function (value) { return Number(value); };\n"


def test_documentation_does_not_take_a_named_test_file_for_source(tmp_path: Path) -> None:
    files = {"checks.js": CHECKS_WITH_HELPER, "index.js": UNDOCUMENTED_INDEX}
    root = _project(tmp_path, "mocha checks.js", files)
    results = {"pre_analysis": StepResult.for_spec(pre_analysis.SPEC, StepStatus.PASSED)}
    results["pre_analysis"].data = {"changed_files": ["checks.js", "index.js"]}
    ctx = step_context(root, documentation.SPEC, results=results)
    outcome = documentation.run(ctx)
    undocumented = {f.path for f in outcome.findings if f.rule == "docs/missing-doc-comment"}
    assert undocumented == {"index.js"}  # its export is asked for a doc comment; the test's not
    assert outcome.data["changed_source"] == ["index.js"]
    assert documentation.source_files(["checks.js", "index.js"], detect_stack(ctx)) == ["index.js"]


def test_dependencies_take_a_named_test_files_imports_for_development(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[project]\nname = "calc"\ndependencies = []\n'
        '[dependency-groups]\ndev = ["pytest>=8", "rich>=13"]\n',
        "calc.py": "import rich\n\n\ndef add(a, b):\n    return a + b\n",
        "checks.py": "import pytest\nfrom calc import add\n\n\ndef test_add():\n    assert add(1, 2)\n",
    }
    root = make_repo(tmp_path / "calc", files)
    config = Config.model_validate({"tech_stack": {"test_command": "python -m pytest checks.py"}})
    outcome = dependencies.run(step_context(root, dependencies.SPEC, config=config))
    undeclared = [f for f in outcome.findings if f.rule == "deps/undeclared-import"]
    # shipped code importing a development-only distribution is still one; the test file is not
    assert [(f.path, f.message.split("'")[1]) for f in undeclared] == [("calc.py", "rich")]


BATS_CHECKS = '#!/usr/bin/env bats\n\n@test "adds" {\n  run ./calc 1 2\n  [ "$output" = 3 ]\n}\n'


def test_script_references_leave_a_named_bats_file_to_bats(tmp_path: Path) -> None:
    files = {
        "Makefile": "test:\n\tbats checks.sh\n",
        "checks.sh": BATS_CHECKS,
        "deploy.sh": "#!/bin/sh\nset -eu\necho deploying\n",
    }
    root = make_repo(tmp_path / "calc", files)
    outcome = script_references.run(step_context(root, script_references.SPEC))
    assert outcome.data["scripts"] == ["deploy.sh"]  # checks.sh is bats' test file, not a script


# --------------------------------------------------------------------------- reading the command


def _sources(tmp_path: Path, files: dict[str, str], scripts: dict[str, str]) -> ProjectSources:
    root = make_repo(tmp_path / "p", {"package.json": json.dumps({"scripts": scripts}), **files})
    return ProjectSources(root, sorted(["package.json", *files]), {"scripts": scripts})


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("mocha tests.js", ["tests.js"]),
        ("node test", ["test.js"]),  # node's resolution adds the extension
        ("nyc --reporter lcov mocha -r setup.js checks.js", ["checks.js"]),  # not -r's value
        ("npm run unit", ["checks.js"]),  # followed into the script
        ("cross-env NODE_ENV=test npx tape 'suite/*.js'", ["suite/a.js"]),  # not suite/deep/
        ("node build.js && mocha", []),  # a script whose name does not say it tests
        ("node run-tests.js", ["run-tests.js"]),
        ("eslint checks.js", []),  # not a test runner
        ("cd other && mocha checks.js", []),  # another directory's paths
        ("mocha suite", []),  # a directory names no file
        ("vitest run checks", []),  # a filter, not a path
        ("python tests.py", []),  # not in the project
    ],
)
def test_named_test_files(tmp_path: Path, command: str, expected: list[str]) -> None:
    files = {
        "tests.js": "",
        "test.js": "",
        "checks.js": "",
        "setup.js": "",
        "build.js": "",
        "run-tests.js": "",
        "suite/a.js": "",
        "suite/deep/b.js": "",
    }
    sources = _sources(tmp_path, files, {"unit": "mocha checks.js"})
    assert named_test_files([command], sources) == expected


def test_resolve_files_and_glob(tmp_path: Path) -> None:
    sources = _sources(tmp_path, {"lib/index.js": "", "t/a_x.py": "", "t/b.js": ""}, {})
    assert resolve_files("./lib", sources, "require") == ["lib/index.js"]
    assert resolve_files("./lib", sources, "extension") == []  # mocha runs a directory's files
    assert resolve_files("t/b", sources, "extension") == ["t/b.js"]
    assert resolve_files("t/b", sources, "exact") == []  # jest's and vitest's are patterns
    assert resolve_files("t/*.py", sources) == ["t/a_x.py"]
    assert glob_match("test/**/*.js", "test/a.js") and glob_match("test/**/*.js", "test/x/a.js")
    assert not glob_match("test/*.js", "test/x/a.js")
