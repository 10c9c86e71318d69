"""What kind of document a path is, for checks that must treat some documents differently.

A changelog, a release history or a migration guide describes the project's past (and other
versions of it): the files, scripts, commands and links it names are not claims about the
project as it is now. A tutorial usually builds the *reader's* project step by step: what it
names may be that project's (`markdown_docs.classify_docs` decides with what exists). Every step
that reads documents asks this module, so they agree.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

CHANGELOG_STEMS = frozenset(
    {
        "changelog",
        "changes",
        "history",
        "news",
        "release_notes",
        "releases",
        "release-notes",
        "releasenotes",
    }
)
"""File stems (lower-case) of a changelog: CHANGELOG.md, CHANGES.rst, HISTORY, NEWS..."""

_HISTORY_NAME = re.compile(
    r"^(?:migrat(?:e|ion|ing)|upgrad(?:e|ing)|porting|whats?[-_]?new|deprecations?)"
    r"(?:[-_].*)?$"
)
"""Stems of migration and upgrade guides: MIGRATION.md, upgrading.rst, whatsnew-2.0.md."""


def is_changelog(path: str) -> bool:
    """CHANGELOG.md, CHANGES.rst, docs/changes.rst, HISTORY, NEWS, release-notes.md..."""
    return PurePosixPath(path).stem.lower() in CHANGELOG_STEMS


def is_history_document(path: str) -> bool:
    """A changelog, or a migration/upgrade guide, or any document inside a `changelog/`,
    `changes/`, `releases/` or `release-notes/` directory (one file per release)."""
    pure = PurePosixPath(path)
    if is_changelog(path) or _HISTORY_NAME.match(pure.stem.lower()):
        return True
    return any(part.lower() in CHANGELOG_STEMS for part in pure.parts[:-1])


_TUTORIAL_NAME = re.compile(r"^(?:tutorials?|walk-?through|step-by-step)(?:[-_].*)?$")


def is_tutorial_document(path: str) -> bool:
    """tutorial.rst, tutorials/*.md, docs/tutorial/layout.rst, walkthrough.md: a document
    that teaches by building something, often a project of the reader's."""
    pure = PurePosixPath(path)
    names = [pure.stem.lower(), *(part.lower() for part in pure.parts[:-1])]
    return any(_TUTORIAL_NAME.match(name) for name in names)
