"""What a step reads: the change categories and path globs it declares in the registry.

Besides the change categories, a step may declare the pseudo-category `paths` (`PATHS`): it
checks which files exist (a link, a command or an entry point naming a file), so adding or
deleting any file is a change it reads, whatever the file's category, while editing the content
of a file outside its categories is not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ai_workflow.changes.globs import GlobSet
from ai_workflow.engine.step import ALWAYS, StepSpec

PATHS = "paths"
"""Pseudo-category: the step reads which project files exist (and their executable bit)."""
LISTING_STATUSES = frozenset({"A", "D", "T", "?"})
"""git status letters of changes to the file listing (renames count as delete plus add)."""


class StepInputs:
    """A step's declared inputs: `spec.categories` plus `spec.inputs` globs."""

    def __init__(self, spec: StepSpec) -> None:
        self.spec = spec
        self.categories = tuple(c for c in spec.categories if c not in (ALWAYS, PATHS))
        self.reads_everything = ALWAYS in spec.categories
        self.reads_listing = PATHS in spec.categories
        self.globs = GlobSet(spec.inputs)

    @property
    def declared(self) -> bool:
        """False for a step that says nothing about what it reads (it is never skipped)."""
        return (
            self.reads_everything or self.reads_listing or bool(self.categories) or bool(self.globs)
        )

    def reads(self, path: str, categories: Sequence[str]) -> bool:
        """Whether the step reads `path`, given the categories the path plays a role in."""
        if self.reads_everything or any(cat in self.categories for cat in categories):
            return True
        return self.globs.matches(path)

    def changed_categories(self, files: Mapping[str, Sequence[str]]) -> list[str]:
        return [cat for cat in self.categories if files.get(cat)]

    def changed_input(self, files: Mapping[str, Sequence[str]]) -> tuple[str, str] | None:
        """The first changed path that one of the step's globs matches, with that glob."""
        if not self.globs:
            return None
        for paths in files.values():
            for path in paths:
                glob = self.globs.first_match(path)
                if glob is not None:
                    return path, glob
        return None

    def listing_changes(self, statuses: Mapping[str, str]) -> list[str]:
        """Added or deleted paths (git status letters by path), when the step reads the listing."""
        if not self.reads_listing:
            return []
        return sorted(p for p, status in statuses.items() if status[:1] in LISTING_STATUSES)

    def describe(self) -> str:
        parts = []
        if self.categories:
            parts.append("categories " + ", ".join(self.categories))
        if self.reads_listing:
            parts.append("added or deleted files")
        if self.globs:
            parts.append("inputs " + ", ".join(self.globs.globs))
        return " or ".join(parts) or "nothing declared"
