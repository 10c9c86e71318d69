"""A syntax error in a module of the tests that the project's pytest configuration leaves out
is info (ai_workflow.lint.ruff_ignored); the same error elsewhere stays an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from ai_workflow.findings import Severity
from ai_workflow.steps import code_quality
from ai_workflow.testsource.pytest_collection import read_collection
from tests.helpers import make_repo, step_context, write_files

BROKEN = '# flake8: noqa\n"""\nbad\n"""\nis very bad\n'
CALLER = "def bad_syntax():\n    import badsyntax\n\n    badsyntax()\n"


def _syntax_errors(root: Path) -> dict[str, tuple[Severity, str]]:
    outcome = code_quality.run(step_context(root, code_quality.SPEC))
    return {
        f.path: (f.severity, f.message)
        for f in outcome.findings
        if f.rule == "ruff/syntax-error" and f.path is not None
    }


def test_a_module_of_the_tests_pytest_is_told_to_ignore_fails_to_parse_on_purpose(
    tmp_path: Path,
) -> None:
    """tblib 3.2.2: pytest.ini's `--ignore=tests/badsyntax.py`, a module tests/examples.py
    imports to raise a SyntaxError: info, naming the option. tests/broken.py, no option's, and
    setup.py, ignored but outside the tests (`--doctest-modules` projects ignore it), stay
    errors."""
    root = make_repo(
        tmp_path / "p",
        {
            "pytest.ini": (
                "[pytest]\naddopts =\n    -ra\n    --ignore=tests/badsyntax.py\n"
                "    --ignore setup.py\n    --doctest-modules\n"
            ),
            "setup.py": "from setuptools import setup\nsetup(name='p'\n",
            "src/p/__init__.py": "VALUE = 1\n",
            "tests/examples.py": CALLER,
            "tests/badsyntax.py": BROKEN,
            "tests/broken.py": BROKEN,
            "tests/test_p.py": "from p import VALUE\n\n\ndef test_value():\n    assert VALUE\n",
        },
    )
    found = _syntax_errors(root)
    assert found["tests/badsyntax.py"][0] is Severity.INFO
    assert "`--ignore=tests/badsyntax.py` in pytest.ini" in found["tests/badsyntax.py"][1]
    assert found["tests/broken.py"][0] is Severity.ERROR
    assert found["setup.py"][0] is Severity.ERROR


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", '[tool.pytest.ini_options]\naddopts = ["--ignore-glob=tests/bad*"]\n'),
        ("setup.cfg", "[tool:pytest]\naddopts = --ignore=./tests/fixtures_bad/\n"),
        ("tox.ini", "[pytest]\naddopts = -q --ignore tests\n"),
    ],
)
def test_ignore_options_in_every_configuration_file(tmp_path: Path, name: str, text: str) -> None:
    """`--ignore PATH`, `--ignore=./DIR/` and `--ignore-glob=GLOB`, in each file pytest reads;
    a path the options do not cover is collected as before."""
    write_files(tmp_path, {name: text})
    collection = read_collection(tmp_path)
    assert collection.source == name
    ignored = {
        "pyproject.toml": "tests/bad_one.py",
        "setup.cfg": "tests/fixtures_bad/test_x.py",
        "tox.ini": "tests/test_x.py",
    }[name]
    assert collection.ignored_by(ignored)
    assert not collection.collects(ignored)
    assert collection.ignored_by("testsuite/test_x.py") is None
    assert collection.collects("testsuite/test_x.py")


EXCEPT_STAR = (
    "def test_star():\n    try:\n        raise ValueError\n    except* ValueError:\n        pass\n"
)


def test_a_module_a_conftest_leaves_out_below_the_python_its_syntax_needs(tmp_path: Path) -> None:
    """exceptiongroup 1.2.2: `except*` in tests/test_catch_py311.py under `requires-python =
    ">=3.7"`, which tests/conftest.py leaves out below 3.11 (`collect_ignore_glob`): info,
    naming the list. A real syntax error in a module the same glob covers is collected on
    3.11 and stays, and so does `except*` in a module no list covers; a module a conftest
    leaves out unconditionally fails to parse on purpose, whatever the error."""
    root = make_repo(
        tmp_path / "p",
        {
            "pyproject.toml": ('[project]\nname = "p"\nversion = "1"\nrequires-python = ">=3.7"\n'),
            "src/p/__init__.py": "VALUE = 1\n",
            "tests/conftest.py": (
                "import sys\n\ncollect_ignore = ['badsyntax.py']\n"
                "if sys.version_info < (3, 11):\n    collect_ignore_glob = ['*_py311.py']\n"
            ),
            "tests/test_catch_py311.py": EXCEPT_STAR,
            "tests/test_typo_py311.py": "def test_typo(:\n    pass\n",
            "tests/test_catch.py": EXCEPT_STAR,
            "tests/badsyntax.py": BROKEN,
        },
    )
    found = _syntax_errors(root)
    severity, message = found["tests/test_catch_py311.py"]
    assert severity is Severity.INFO
    assert "`collect_ignore_glob` `*_py311.py` in tests/conftest.py" in message
    assert found["tests/test_typo_py311.py"][0] is not Severity.INFO
    assert found["tests/test_catch.py"][0] is not Severity.INFO
    severity, message = found["tests/badsyntax.py"]
    assert severity is Severity.INFO
    assert "`collect_ignore` `badsyntax.py` in tests/conftest.py" in message


def test_conftest_ignore_entries_and_what_they_cover(tmp_path: Path) -> None:
    """Assignment, `+=`, `.append` and `.extend` of string constants, relative to the
    conftest's directory; a glob's `*` crosses `/`; a computed value is not guessed."""
    write_files(
        tmp_path,
        {
            "conftest.py": "collect_ignore = ['setup.py']\ncollect_ignore.append('docs')\n",
            "tests/conftest.py": (
                "import os\ncollect_ignore_glob = []\ncollect_ignore_glob += ['*_async.py']\n"
                "try:\n    import numpy\nexcept ImportError:\n"
                "    collect_ignore_glob.extend(['np/*'])\n"
                "collect_ignore = [os.path.join('a', 'b.py')]\n"
            ),
        },
    )
    from ai_workflow.testsource.conftest_ignores import conftest_ignore_of

    def covers(path: str) -> tuple[str, bool] | None:
        entry = conftest_ignore_of(tmp_path, path)
        return None if entry is None else (entry.value, entry.conditional)

    assert covers("setup.py") == ("setup.py", False)
    assert covers("docs/conf.py") == ("docs", False)
    assert covers("tests/sub/test_x_async.py") == ("*_async.py", False)
    assert covers("tests/np/test_arrays.py") == ("np/*", True)
    assert covers("tests/a/b.py") is None
    assert covers("tests/test_x.py") is None
    assert covers("other/test_x_async.py") is None


POSITIONAL_ONLY = "def f(a, /, b):\n    return a + b\n\n\ndef test_f():\n    assert f(1, 2) == 3\n"
HOOK_CONFTEST = (
    "import sys\n\nversion = tuple(sys.version_info[:2])\n\n"
    "def pytest_pycollect_makemodule(module_path, parent):\n"
    "    if '_py38' in module_path.name and version < (3, 8):\n        return None\n"
)


def test_a_module_a_conftest_hook_sorts_out_by_the_version_in_its_name(tmp_path: Path) -> None:
    """wrapt 1.16.0: tests/test_formatargspec_py38.py is about PEP 570's `/` and tests/conftest.py's
    `pytest_pycollect_makemodule` collects `_py38` modules only on 3.8+: its syntax error is
    info. The same `/` in a module named for an older Python, or in a project whose conftest
    names no marker, keeps its severity."""
    root = make_repo(
        tmp_path / "p",
        {
            "setup.cfg": "[metadata]\nname = p\n\n[options]\npython_requires = >= 3.6\n",
            "tests/conftest.py": HOOK_CONFTEST,
            "tests/test_args_py38.py": POSITIONAL_ONLY,
            "tests/test_args_py36.py": POSITIONAL_ONLY,
        },
    )
    found = _syntax_errors(root)
    severity, message = found["tests/test_args_py38.py"]
    assert severity is Severity.INFO and "tests/conftest.py" in message
    assert found["tests/test_args_py36.py"][0] is not Severity.INFO
    plain = make_repo(
        tmp_path / "q",
        {
            "setup.cfg": "[metadata]\nname = p\n\n[options]\npython_requires = >= 3.6\n",
            "tests/conftest.py": "import sys\n\nversion = sys.version_info\n",
            "tests/test_args_py38.py": POSITIONAL_ONLY,
        },
    )
    assert _syntax_errors(plain)["tests/test_args_py38.py"][0] is not Severity.INFO
