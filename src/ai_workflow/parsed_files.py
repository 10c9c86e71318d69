"""The project's Python files as ruff's post-processors read them: each read and parsed once.

The code-quality step turns some of ruff's findings into info by reading the code they point at
(`ai_workflow.ruff_reexports`, `ruff_imports`, `ruff_bindings`, `ruff_effects`, `ruff_style`).
Several of them look at the same file (an unused import is a re-export, a probe, a sibling's
effect...), and one of them reads every Python file of the project. One `ParsedFiles` per ruff
run, passed to each of them, reads a file's text once and parses its syntax tree once, on
first demand; a file that cannot be read or does not parse has the text "" and no tree.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.textfiles import read_text


class ParsedFiles:
    """Text and syntax tree of the files of the project at `target`, by relative path."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._texts: dict[str, str] = {}
        self._trees: dict[str, ast.Module | None] = {}

    def text(self, rel: str) -> str:
        """The file's text ("" when it is no regular file of the project or unreadable)."""
        if rel not in self._texts:
            self._texts[rel] = read_text(self.target / rel, root=self.target)
        return self._texts[rel]

    def tree(self, rel: str) -> ast.Module | None:
        """The file's syntax tree; None when it is empty, unreadable or does not parse."""
        if rel not in self._trees:
            self._trees[rel] = _parse(self.text(rel), rel)
        return self._trees[rel]

    def lines(self, rel: str) -> list[str]:
        """The file's lines (without their ends)."""
        return self.text(rel).splitlines()


def _parse(text: str, rel: str) -> ast.Module | None:
    if not text:
        return None
    try:
        return parse_python(text, rel)
    except PySyntaxError:
        return None
