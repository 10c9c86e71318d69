"""The conventional names of test-data directories and files: one list for every module.

A file under one of these directories (`testdata/`, `fixtures/`, `__snapshots__/`, `golden/`...)
or with one of these extensions (`.snap`, `.golden`) is input the tests read, whatever else
its name says: `expected.md` in `fixtures/` is not documentation.
"""

from __future__ import annotations

TEST_DATA_DIRS = frozenset(
    {
        "testdata",
        "test_data",
        "test-data",
        "fixtures",
        "fixture",
        "__fixtures__",
        "test_fixtures",
        "test-fixtures",
        "__snapshots__",
        "__snapshot__",
        "snapshots",
        "golden",
        "goldens",
        "cassettes",
    }
)
"""Directory names that hold test data (tests/data is covered by its `tests` parent)."""

TEST_DATA_SUFFIXES = frozenset({".snap", ".golden", ".ambr"})
"""File extensions of snapshot and golden files (jest, Go golden files, syrupy)."""


def in_test_data_dir(parts: list[str] | tuple[str, ...]) -> bool:
    """Whether a path's directory components (`a/b` as `["a", "b"]`) name a test-data directory."""
    return any(part in TEST_DATA_DIRS for part in parts)
