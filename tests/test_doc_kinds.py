"""Which documents describe the project's past rather than its present."""

from __future__ import annotations

import pytest

from ai_workflow.doc_kinds import is_changelog, is_history_document


@pytest.mark.parametrize(
    "path",
    [
        "CHANGELOG.md",
        "CHANGES.rst",
        "History.md",
        "docs/changes.rst",
        "NEWS",
        "release-notes.md",
        "MIGRATION.md",
        "docs/upgrading.rst",
        "docs/whatsnew-2.0.md",
        "changelog/1.2.0.md",
        "docs/releases/v3.md",
    ],
)
def test_history_documents(path: str) -> None:
    assert is_history_document(path)


@pytest.mark.parametrize(
    "path",
    ["README.md", "docs/usage.md", "docs/history-of-bash.txt.md", "changes.py.md", "src/x.md"],
)
def test_present_tense_documents(path: str) -> None:
    assert not is_history_document(path)


def test_changelog_is_a_history_document_but_not_every_history_document_is_a_changelog() -> None:
    assert is_changelog("CHANGES.rst") and is_history_document("CHANGES.rst")
    assert is_history_document("MIGRATION.md") and not is_changelog("MIGRATION.md")
