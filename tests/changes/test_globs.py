"""Glob semantics for categories and step inputs."""

from __future__ import annotations

import pytest

from ai_workflow.changes.globs import GlobSet


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("*.py", "a.py", True),
        ("*.py", "src/deep/a.py", True),
        ("*.py", "a.pyc", False),
        ("Makefile", "docs/Makefile", True),
        ("docs/*.md", "docs/a.md", True),
        ("docs/*.md", "docs/sub/a.md", False),
        ("docs/*.md", "x/docs/a.md", False),
        ("src/**/*.py", "src/a.py", True),
        ("src/**/*.py", "src/x/y/a.py", True),
        ("src/**", "src/x/y/a.txt", True),
        ("src/**", "srcx/a.txt", False),
        ("fixtures/", "tests/fixtures/a.json", True),
        ("fixtures/", "fixtures/a.json", True),
        ("/fixtures/", "tests/fixtures/a.json", False),
        ("/docs/*.md", "docs/a.md", True),
        ("?.txt", "a.txt", True),
        ("?.txt", "ab.txt", False),
        ("[ab].txt", "b.txt", True),
        ("[!ab].txt", "b.txt", False),
        ("*.md", "docs/new\nline.md", True),
        ("with space/*", "with space/ü.md", True),
        ("a+b(c).md", "a+b(c).md", True),
    ],
)
def test_glob_semantics(glob: str, path: str, matches: bool) -> None:
    assert GlobSet([glob]).matches(path) is matches


def test_first_match_and_empty_set() -> None:
    globs = GlobSet(["*.lock", "docs/"])
    assert globs.first_match("docs/uv.lock") == "*.lock"
    assert globs.first_match("docs/a.md") == "docs/"
    assert globs.first_match("src/a.py") is None
    assert not GlobSet([]) and not GlobSet([]).matches("a")
