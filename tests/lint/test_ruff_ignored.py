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
