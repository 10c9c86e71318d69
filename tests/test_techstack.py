from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_workflow.config import Config
from ai_workflow.steps import pre_analysis
from ai_workflow.techstack import (
    GENERIC,
    TechStack,
    detect_stack,
    detect_stack_for,
    is_test_path,
)
from tests.helpers import make_repo, step_context, write_files

NO_ENV: dict[str, str] = {"PATH": ""}

PY_PROJECT = {
    "pyproject.toml": (
        '[project]\nname = "calc"\nversion = "1.0"\n'
        '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
        "[tool.pytest.ini_options]\naddopts = '-q'\n[tool.ruff]\nline-length = 100\n"
    ),
    "src/calc/__init__.py": "",
    "src/calc/ops.py": "def add(a, b):\n    return a + b\n",
    "tests/test_ops.py": "from calc.ops import add\n\ndef test_add():\n    assert add(1, 2) == 3\n",
    "docs/index.md": "# Calc\n",
    "scripts/release.sh": "#!/bin/sh\necho release\n",
}


def config(**tech_stack: object) -> Config:
    return Config.model_validate({"tech_stack": tech_stack})


def detect(root: Path, cfg: Config | None = None, env: dict[str, str] | None = None) -> TechStack:
    return detect_stack_for(root, cfg or Config(), NO_ENV if env is None else env)


def test_python_project(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", PY_PROJECT)
    stack = detect(root, config(python=sys.executable))
    assert stack.primary_language == "python"
    assert stack.languages["python"] > 0.9
    assert stack.languages["shell"] < 0.3
    assert "marker file pyproject.toml" in stack.evidence["python"]
    assert stack.test_framework == "pytest"
    assert stack.test_argv == [sys.executable, "-m", "pytest"]
    assert stack.test_command == f"{sys.executable} -m pytest"
    assert stack.test_command_source == "detected"
    assert stack.python == sys.executable
    assert stack.python_reason == "tech_stack.python in the configuration"
    assert stack.build_system == "hatchling"
    assert stack.package_manager == "pip"
    assert stack.manifests == ["pyproject.toml"]
    assert stack.linters == ["ruff"]
    assert stack.source_dirs == ["src"]
    assert stack.test_dirs == ["tests"]
    assert stack.docs_dirs == ["docs"]
    assert stack.file_counts == {"python": 3, "shell": 1}
    assert json.loads(json.dumps(stack.to_dict())) == stack.to_dict()
    assert TechStack.from_dict(stack.to_dict()) == stack


def test_flat_layout_package_and_unittest(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "u",
        {
            "setup.py": "from setuptools import setup\nsetup(name='m')\n",
            "mylib/__init__.py": "",
            "mylib/core.py": "X = 1\n",
            "tests/test_core.py": "import unittest\n\nclass T(unittest.TestCase):\n    pass\n",
        },
    )
    stack = detect(root, config(python="/opt/py/bin/python"))
    assert stack.test_framework == "unittest"
    assert stack.test_argv == [
        "/opt/py/bin/python",
        "-m",
        "unittest",
        "discover",
        "-s",
        "tests",
        "-t",
        "tests",
    ]
    assert stack.source_dirs == ["mylib"]
    assert stack.build_system == "setuptools"


def test_unittest_discovers_modules_named_after_the_code_they_test(tmp_path: Path) -> None:
    """Test modules named `ansi_test.py` (colorama 0.4.6) match no `test*.py`, discover's
    default pattern: the command asks for theirs; `test_*.py` modules keep the default."""
    case = "import unittest\n\nclass T(unittest.TestCase):\n    pass\n"
    files = {"setup.py": "from setuptools import setup\nsetup(name='m')\n", "m/__init__.py": ""}
    suffixed = {**files, "m/tests/__init__.py": "", "m/tests/ansi_test.py": case}
    stack = detect(make_repo(tmp_path / "s", suffixed), config(python="/p/python"))
    assert stack.test_argv == ["/p/python", "-m", "unittest", "discover", "-p", "*_test.py"]
    prefixed = {**files, "m/tests/__init__.py": "", "m/tests/test_ansi.py": case}
    stack = detect(make_repo(tmp_path / "p", prefixed), config(python="/p/python"))
    assert stack.test_argv == ["/p/python", "-m", "unittest", "discover"]


def test_a_tests_test_py_of_testcases_is_run_by_unittest_discover(tmp_path: Path) -> None:
    """decorator 5.2.1's only test module is `tests/test.py`, unittest.TestCase classes: no
    pytest module (pytest collects test_*.py and *_test.py), but discover's default pattern
    `test*.py` finds it, so unittest is the runner. A `tests/test.py` of plain functions that
    assert is pytest's, its `python_files` extended to name it (`testsource.suite_modules`)."""
    files = {"setup.py": "from setuptools import setup\nsetup(name='m')\n", "m.py": "X = 1\n"}
    case = "import unittest\n\n\nclass T(unittest.TestCase):\n    def test_x(self):\n        pass\n"
    stack = detect(make_repo(tmp_path / "u", {**files, "tests/test.py": case}), config(python="/p"))
    assert stack.test_framework == "unittest"
    assert stack.test_argv == ["/p", "-m", "unittest", "discover", "-s", "tests", "-t", "tests"]
    plain = "from m import X\n\n\ndef test_x():\n    assert X == 1\n"
    stack = detect(
        make_repo(tmp_path / "f", {**files, "tests/test.py": plain}), config(python="/p")
    )
    assert stack.test_framework == "pytest"
    option = "python_files=test_*.py *_test.py tests/test.py"
    assert stack.test_argv == ["/p", "-m", "pytest", "-o", option]
    assert stack.named_test_files == ["tests/test.py"]


def test_a_root_test_py_is_named_by_its_root_and_template_tests_are_no_suite(
    tmp_path: Path,
) -> None:
    """wurlitzer 3.1.1's root `test.py` (pytest functions) is named `<root>/test.py` in the
    `python_files` option: a pattern without `/` would match a `test.py` anywhere. A package's
    `tests.py` of Jinja-style template tests (`def test_odd(value): return ...`, no assert) is
    no suite and changes nothing; nor does a suite in a project that sets `python_files`."""
    files = {"setup.py": "from setuptools import setup\nsetup(name='m')\n", "m/__init__.py": ""}
    suite = "import pytest\n\n\ndef test_x():\n    assert 1\n"
    root = make_repo(tmp_path / "w", {**files, "test.py": suite})
    stack = detect(root, config(python="/p"))
    option = f"python_files=test_*.py *_test.py {root.name}/test.py"
    assert stack.test_argv == ["/p", "-m", "pytest", "-o", option]
    jinja = "def test_odd(value):\n    return value % 2 == 1\n"
    others = {**files, "m/tests.py": jinja, "tests/test_m.py": suite}
    stack = detect(make_repo(tmp_path / "j", others), config(python="/p"))
    assert stack.test_argv == ["/p", "-m", "pytest"]
    own = {**files, "test.py": suite, "tests/test_m.py": suite}
    own["pytest.ini"] = "[pytest]\npython_files = test_*.py\n"
    stack = detect(make_repo(tmp_path / "own", own), config(python="/p"))
    assert stack.test_argv == ["/p", "-m", "pytest"]


def test_usual_pytest_command_leaves_fixture_test_modules_out(tmp_path: Path) -> None:
    files = {
        **PY_PROJECT,
        "test/t/conftest.py": "",
        "test/t/test_completion.py": "def test_x():\n    assert True\n",
        "test/fixtures/pytest/test_async.py": "async def test_positive():\n    pass\n",
        "test/fixtures/readme.txt": "data\n",
    }
    stack = detect(make_repo(tmp_path / "p", files), config(python=sys.executable))
    assert stack.test_argv == [sys.executable, "-m", "pytest", "--ignore=test/fixtures"]


def test_pytest_from_requirements_and_conftest(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "r",
        {"requirements-dev.txt": "pytest>=8\n", "app.py": "", "test_app.py": "def test(): pass\n"},
    )
    stack = detect(root, config(python="python3"))
    assert stack.test_framework == "pytest"
    assert stack.evidence["test_framework"] == ["pytest is a declared dependency"]
    assert stack.manifests == ["requirements-dev.txt"]
    write_files(root, {"sub/conftest.py": ""})
    assert detect(root).evidence["test_framework"] == ["sub/conftest.py present"]


def test_python_without_interpreter_has_framework_but_no_command(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", PY_PROJECT)
    stack = detect(root, env={"PATH": str(tmp_path / "empty")})
    assert stack.python is None
    assert stack.test_framework == "pytest"
    assert stack.test_command is None
    assert "set tech_stack.python" in (stack.python_reason or "")


def test_node_test_script(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "js",
        {
            "package.json": json.dumps({"name": "x", "scripts": {"test": "node --test test/"}}),
            "package-lock.json": "{}",
            "index.js": "module.exports = 1;\n",
            "test/index.test.js": "",
        },
    )
    stack = detect(root)
    assert stack.primary_language == "javascript"
    assert stack.test_framework == "node-test"
    assert stack.test_argv == ["npm", "test"]
    assert stack.package_manager == "npm"
    assert stack.lockfiles == ["package-lock.json"]
    assert stack.python is None


def test_node_test_files_without_script(tmp_path: Path) -> None:
    package = {"name": "x", "scripts": {"test": 'echo "Error: no test specified" && exit 1'}}
    root = make_repo(
        tmp_path / "js",
        {"package.json": json.dumps(package), "lib.mjs": "", "lib.test.mjs": ""},
    )
    stack = detect(root)
    assert stack.test_framework == "node-test"
    assert stack.test_argv == ["node", "--test"]


@pytest.mark.parametrize(
    ("files", "framework", "argv"),
    [
        (
            {
                "package.json": json.dumps({"devDependencies": {"vitest": "^1"}}),
                "pnpm-lock.yaml": "",
            },
            "vitest",
            ["npm", "exec", "--no", "--", "vitest", "run"],
        ),
        (
            {"package.json": json.dumps({"scripts": {"test": "jest --ci"}}), "yarn.lock": ""},
            "jest",
            ["yarn", "test"],
        ),
        (
            {"package.json": json.dumps({"scripts": {"test": "mocha"}}), "pnpm-lock.yaml": ""},
            "mocha",
            ["pnpm", "test"],
        ),
        (
            {"package.json": json.dumps({"scripts": {"test": "make check"}})},
            "npm-script",
            ["npm", "test"],
        ),
        ({"go.mod": "module x\n", "main.go": "package main\n"}, "go-test", ["go", "test", "./..."]),
        ({"Cargo.toml": "[package]\n", "src/main.rs": ""}, "cargo-test", ["cargo", "test"]),
        ({"pom.xml": "<project/>", "src/A.java": ""}, "maven", ["mvn", "-q", "test"]),
        ({"Gemfile": "", "spec/a_spec.rb": ""}, "rspec", ["bundle", "exec", "rspec"]),
    ],
)
def test_other_frameworks(
    tmp_path: Path, files: dict[str, str], framework: str, argv: list[str]
) -> None:
    root = make_repo(tmp_path / "x", files)
    stack = detect(root)
    assert stack.test_framework == framework
    assert stack.test_argv == argv


def test_typescript_project(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "ts",
        {
            "package.json": "{}",
            "tsconfig.json": "{}",
            "src/a.ts": "",
            "src/b.tsx": "",
            "types/x.d.ts": "",
            "vite.config.js": "",
        },
    )
    stack = detect(root)
    assert stack.primary_language == "typescript"
    assert stack.file_counts == {"typescript": 2, "javascript": 1}


def test_shell_project_with_bats_and_shebang_scripts(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "sh",
        {
            "bin/deploy": "#!/usr/bin/env bash\necho hi\n",
            "lib/util.sh": "f() { :; }\n",
            "test/util.bats": "@test 'x' { true; }\n",
            "README.md": "# Tools\n",
            "LICENSE": "MIT\n",
        },
    )
    stack = detect(root)
    assert stack.primary_language == "shell"
    assert stack.file_counts == {"shell": 3}
    assert stack.test_framework == "bats"
    assert stack.test_argv == ["bats", "test"]


def test_a_thin_npm_wrapper_does_not_make_a_shell_program_javascript(tmp_path: Path) -> None:
    wrapper = "const { spawn } = require('child_process');\nspawn(__dirname + '/tool');\n"
    script = "#!/usr/bin/env bash\n" + "".join(f"echo line {i}\n" for i in range(400))
    files = {"package.json": '{"name": "tool", "bin": "index.js"}\n', "index.js": wrapper}
    root = make_repo(tmp_path / "wrapped", {**files, "tool": script, "README.md": "# Tool\n"})
    stack = detect(root)
    assert stack.primary_language == "shell"  # 401 of 403 code lines, one file of two
    assert "javascript" in stack.languages  # the wrapper and its package.json still count
    assert stack.file_counts == {"shell": 1, "javascript": 1}
    # the same package.json beside JavaScript that is most of the code: a JavaScript project
    lib = "".join(f"exports.f{i} = () => {i};\n" for i in range(400))
    small = "#!/usr/bin/env bash\necho release\n"
    js = make_repo(tmp_path / "js", {**files, "lib.js": lib, "release": small})
    assert detect(js).primary_language == "javascript"


def test_code_the_project_did_not_write_is_not_weighed(tmp_path: Path) -> None:
    """A Python project that ships autoconf's `configure` (thousands of generated shell lines)
    or a vendored copy of a library is still a Python project: generated and vendored files do
    not count towards a language's share. The same shell script written by hand (no generator's
    header) is the project's code, and weighs."""
    lib = "".join(f"def f{i}():\n    return {i}\n" for i in range(150))
    body = "".join(f"echo probe {i}\n" for i in range(2000))
    generated = f"#! /bin/sh\n# Generated by GNU Autoconf 2.71 for pkg 1.0.\n{body}"
    vendored_js = "".join(f"var v{i} = {i};\n" for i in range(2000))
    files = {"pyproject.toml": '[project]\nname = "pkg"\n', "pkg/__init__.py": lib}
    extra = {"configure": generated, "static/vendor/lib.js": vendored_js}
    root = make_repo(tmp_path / "gen", {**files, **extra})
    stack = detect(root)
    assert stack.primary_language == "python"
    assert stack.file_counts == {"python": 1, "shell": 1, "javascript": 1}
    assert "shell" not in stack.languages and "javascript" not in stack.languages
    marked = {".gitattributes": "gen/*.js linguist-generated\n", "gen/api.js": vendored_js}
    assert detect(make_repo(tmp_path / "attr", {**files, **marked})).primary_language == "python"
    handwritten = make_repo(tmp_path / "own", {**files, "configure": f"#! /bin/sh\n{body}"})
    assert detect(handwritten).primary_language == "shell"


def test_unknown_project_is_generic_never_javascript(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "g", {"README.md": "# Notes\n", "data/a.csv": "1,2\n"})
    stack = detect(root)
    assert stack.primary_language == GENERIC
    assert stack.languages == {}
    assert stack.test_framework is None
    assert stack.test_command is None
    assert stack.package_manager is None
    assert stack.evidence["test_command"] == ["no test framework detected"]


def test_non_git_directory_and_broken_manifests(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "pyproject.toml": "[project\nname=",
            "package.json": "{not json",
            "m.py": "",
            "node_modules/dep/index.js": "",
        },
    )
    stack = detect(tmp_path)
    assert stack.primary_language == "python"
    assert "javascript" in stack.languages
    assert stack.file_counts == {"python": 1}  # node_modules is never counted


def test_linters_configured_in_the_project(tmp_path: Path) -> None:
    root = make_repo(
        tmp_path / "l",
        {
            "pyproject.toml": "[tool.mypy]\nstrict = true\n[tool.black]\n",
            "setup.cfg": "[flake8]\nmax-line-length = 99\n",
            ".shellcheckrc": "",
            ".markdownlint.yaml": "",
            "package.json": json.dumps({"eslintConfig": {}}),
        },
    )
    assert detect(root).linters == [
        "black",
        "eslint",
        "flake8",
        "markdownlint",
        "mypy",
        "shellcheck",
    ]


def test_configuration_overrides_everything(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", PY_PROJECT)
    cfg = Config.model_validate(
        {
            "tech_stack": {
                "primary_language": "cpp",
                "languages": ["cpp", "python"],
                "test_command": "make check",
                "package_manager": "conan",
                "build_system": "cmake",
                "lint_command": "make lint",
                "python": "/usr/bin/python3",
            },
            "structure": {"source_dirs": ["lib"], "test_dirs": ["checks"], "docs_dirs": []},
        }
    )
    stack = detect(root, cfg)
    assert stack.primary_language == "cpp"
    assert stack.languages == {"cpp": 1.0, "python": 1.0}
    assert stack.test_command == "make check"
    assert stack.test_argv is None
    assert stack.test_command_source == "config"
    assert stack.test_framework is None
    assert stack.package_manager == "conan"
    assert stack.build_system == "cmake"
    assert stack.lint_command == "make lint"
    assert stack.python == "/usr/bin/python3"
    assert (stack.source_dirs, stack.test_dirs, stack.docs_dirs) == (["lib"], ["checks"], [])
    assert stack.evidence["test_command"] == ["tech_stack.test_command in the configuration"]


def test_module_level_test_functions_are_not_left_to_unittest(tmp_path: Path) -> None:
    """`unittest discover` runs TestCase classes only: a suite that also has module-level test
    functions (nose2 or pytest style, dpath's) is run by pytest, which collects both."""
    files = {
        "setup.py": "from setuptools import setup\nsetup(name='m')\n",
        "mylib/__init__.py": "",
        "tests/test_case.py": "import unittest\n\nclass T(unittest.TestCase):\n    pass\n",
        "tests/test_plain.py": "def test_get():\n    assert 1\n",
    }
    stack = detect(make_repo(tmp_path / "mixed", files), config(python="/x/python"))
    assert stack.test_framework == "pytest"
    assert "module-level test functions" in stack.evidence["test_framework"][0]
    # the true positive beside it: TestCase classes only (their methods are indented) stay unittest
    del files["tests/test_plain.py"]
    files["tests/test_more.py"] = (
        "import unittest\n\nclass U(unittest.TestCase):\n    def test_x(self):\n        pass\n"
    )
    stack = detect(make_repo(tmp_path / "cases", files), config(python="/x/python"))
    assert stack.test_framework == "unittest"


def test_configured_framework_builds_its_command(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", PY_PROJECT)
    stack = detect(root, config(test_framework="unittest", python="/x/python"))
    assert stack.test_framework == "unittest"
    assert stack.test_argv == [
        "/x/python",
        "-m",
        "unittest",
        "discover",
        "-s",
        "tests",
        "-t",
        "tests",
    ]
    custom = detect(root, config(test_command="python -m pytest -x tests"))
    assert custom.test_framework == "pytest"


def test_detect_stack_is_memoised_per_run(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "p", PY_PROJECT)
    ctx = step_context(root, pre_analysis.SPEC)
    first = detect_stack(ctx)
    write_files(root, {"go.mod": "module x\n"})
    assert detect_stack(ctx) is first


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_a.py", True),
        ("pkg/test_a.py", True),
        ("pkg/a_test.go", True),
        ("src/a.test.ts", True),
        ("src/__tests__/a.js", True),
        ("spec/a_spec.rb", True),
        ("t/run.bats", True),
        ("pkg/conftest.py", True),
        ("src/contest.py", False),
        ("src/testing_utils.py", False),
        ("src/latest.py", False),
        ("tests.js", True),  # a small project's tests at its root (ms)
        ("test.py", True),
        ("spec.ts", True),
        ("lib/tests.js", False),  # only at the root: elsewhere it may be a helper module
        ("tests.md", False),  # not code
        ("test.sh", False),  # the script that runs the tests, checked as a script
        ("testing.py", False),
        # a directory named like a test file holds tests (repopush's python/repopush_test/)
        ("python/repopush_test/util.py", True),
        ("integration_tests/conftest_helpers.py", True),
        ("e2e-tests/run.js", True),
        ("src/latest/a.py", False),  # the suffix needs its separator
        ("src/attest/a.py", False),
        ("src/test_data/a.py", False),  # a prefix is not the convention for directories
    ],
)
def test_is_test_path(path: str, expected: bool) -> None:
    assert is_test_path(path) is expected


def test_is_test_path_honours_test_dirs() -> None:
    assert is_test_path("checks/a.py", ["checks"])
    assert not is_test_path("checks/a.py", ["check"])


names = st.sampled_from(
    ["a.py", "b.js", "c.ts", "d.sh", "e.go", "f.rs", "g.java", "h.rb", "i.txt", "j.md"]
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(files=st.lists(st.tuples(st.sampled_from(["", "x/", "y/z/"]), names), max_size=12))
def test_confidences_are_bounded_and_primary_is_best(
    tmp_path_factory: pytest.TempPathFactory, files: list[tuple[str, str]]
) -> None:
    root = tmp_path_factory.mktemp("h")
    write_files(root, {d + n: "" for d, n in files})
    stack = detect(root)
    assert all(0 < c <= 1 for c in stack.languages.values())
    if stack.primary_language == GENERIC:
        assert all(c < 0.3 for c in stack.languages.values())
    else:
        assert stack.languages[stack.primary_language] == max(stack.languages.values())
    assert sum(stack.file_counts.values()) <= len({d + n for d, n in files})
    assert os.path.basename(str(root)) not in stack.manifests


def test_tech_stack_command_json_and_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from ai_workflow.cli import main

    root = make_repo(
        tmp_path / "p", {**PY_PROJECT, ".workflow-config.yaml": "tech_stack:\n  python: /x/py\n"}
    )
    assert main(["tech-stack", "--target", str(root), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["target"] == str(root.resolve())
    assert shown["primary_language"] == "python"
    assert shown["test_command"] == "/x/py -m pytest"
    assert main(["tech-stack", "--target", str(root)]) == 0
    table = capsys.readouterr().out
    assert "[tool.pytest] in" in table
    assert "/x/py -m pytest" in table
    assert "configured linters" in table and "ruff and" in table  # what runs regardless


def test_tech_stack_command_bad_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ai_workflow.cli import main

    assert main(["tech-stack", "--target", str(tmp_path / "missing")]) == 2
    assert "target does not exist" in capsys.readouterr().err


def test_one_list_of_conventional_directories_for_detection_and_documentation(
    tmp_path: Path,
) -> None:
    from ai_workflow.techstack import (
        CONVENTIONAL_DIR_NAMES,
        DOCS_DIR_NAMES,
        SOURCE_DIR_NAMES,
        TEST_DIR_NAMES,
        is_conventional_dir,
    )

    assert {*SOURCE_DIR_NAMES, *TEST_DIR_NAMES, *DOCS_DIR_NAMES} <= CONVENTIONAL_DIR_NAMES
    for name in ("lib", "src", "cmd", "internal", "pkg", "bin", "examples", "benchmarks"):
        assert is_conventional_dir(name), name
    assert not is_conventional_dir("data") and not is_conventional_dir("misc")
    root = make_repo(tmp_path / "p", {"lib/a.js": "", "test/a.test.js": "", "docs/x.md": "# x\n"})
    stack = detect_stack(step_context(root, pre_analysis.SPEC))
    assert (
        "lib" in stack.source_dirs
        and "conventional directory lib/" in stack.evidence["source_dirs"]
    )


def test_unittest_discovers_test_packages_under_a_plain_src_directory(tmp_path: Path) -> None:
    """discover descends only into packages: test packages under a plain `src/` (isodate
    0.6.1's `src/isodate/tests/`) need `-s src`; tests reachable from the root keep `discover`."""
    case = "import unittest\n\nclass T(unittest.TestCase):\n    pass\n"
    files = {"setup.py": "from setuptools import setup\nsetup(name='m')\n"}
    src = {**files, "src/m/__init__.py": "", "src/m/tests/__init__.py": ""}
    stack = detect(
        make_repo(tmp_path / "s", {**src, "src/m/tests/test_a.py": case}),
        config(python="/p/python"),
    )
    assert stack.test_argv == ["/p/python", "-m", "unittest", "discover", "-s", "src", "-t", "src"]
    flat = {**files, "m/__init__.py": "", "m/tests/__init__.py": "", "m/tests/test_a.py": case}
    stack = detect(make_repo(tmp_path / "f", flat), config(python="/p/python"))
    assert stack.test_argv == ["/p/python", "-m", "unittest", "discover"]
