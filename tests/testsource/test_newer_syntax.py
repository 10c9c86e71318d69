"""`newer_python_version`: a file the running Python cannot parse, read by ruff's parser."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ai_workflow.testsource.newer_syntax import newer_python_version

# Syntax of a Python newer than the running one, with the version that added it.
NEWER = {
    (3, 11): ("type Foo = list[int]\n", "3.12"),  # PEP 695
    (3, 12): ("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", "3.14"),  # PEP 758
    (3, 13): ("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", "3.14"),
}
newer = pytest.mark.skipif(
    sys.version_info[:2] not in NEWER, reason="no syntax newer than this Python is known here"
)


@newer
def test_valid_python_of_a_newer_version_names_it(tmp_path: Path) -> None:
    """typeguard's tests/dummymodule_py312.py (`type Foo = list[int]`) read on 3.11."""
    source, version = NEWER[sys.version_info[:2]]
    (tmp_path / "newer_module.py").write_text(source + "\n\ndef f():\n    return 1\n")
    assert newer_python_version(tmp_path, "newer_module.py") == version


@newer
def test_a_broken_file_is_not_valid_python_of_any_version(tmp_path: Path) -> None:
    """A syntax error no Python accepts (`def f(:`), alone or beside newer syntax: None."""
    source, _ = NEWER[sys.version_info[:2]]
    (tmp_path / "broken.py").write_text("def f(:\n    pass\n")
    (tmp_path / "mixed.py").write_text(source + "def f(:\n    pass\n")
    assert newer_python_version(tmp_path, "broken.py") is None
    assert newer_python_version(tmp_path, "mixed.py") is None


def test_python_2_code_is_valid_in_no_newer_python(tmp_path: Path) -> None:
    """asttokens' tests/testdata/python2 samples (`print 'yo'`): an error ruff names no
    version for, beside a walrus it does name (3.8, which the running Python has): None."""
    (tmp_path / "old.py").write_text("if (n := 1):\n    pass\nprint 'yo'\n")
    assert newer_python_version(tmp_path, "old.py") is None
