"""What a step reads: the change categories and path globs it declares in the registry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ai_workflow.changes.globs import GlobSet
from ai_workflow.engine.step import ALWAYS, StepSpec


class StepInputs:
    """A step's declared inputs: `spec.categories` plus `spec.inputs` globs."""

    def __init__(self, spec: StepSpec) -> None:
        self.spec = spec
        self.categories = tuple(c for c in spec.categories if c != ALWAYS)
        self.reads_everything = ALWAYS in spec.categories
        self.globs = GlobSet(spec.inputs)

    @property
    def declared(self) -> bool:
        """False for a step that says nothing about what it reads (it is never skipped)."""
        return self.reads_everything or bool(self.categories) or bool(self.globs)

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

    def describe(self) -> str:
        parts = []
        if self.categories:
            parts.append("categories " + ", ".join(self.categories))
        if self.globs:
            parts.append("inputs " + ", ".join(self.globs.globs))
        return " or ".join(parts) or "nothing declared"
