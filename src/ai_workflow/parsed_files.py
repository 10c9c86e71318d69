"""The project's Python files as ruff's post-processors read them: each read and parsed once.

The code-quality step turns some of ruff's findings into info by reading the code they point at
(`ai_workflow.lint.ruff_reexports`, `ruff_imports`, `ruff_bindings`, `ruff_effects`, `ruff_style`,
`ruff_py2`, `ruff_except`, `ruff_exec`; `explain_rule` is the loop the last three share).
Several of them look at the same file (an unused import is a re-export, a probe, a sibling's
effect...), and one of them reads every Python file of the project. One `ParsedFiles` per ruff
run, passed to each of them, reads a file's text once and parses its syntax tree once, on
first demand, and walks the tree once for all the nodes of the kinds they look for (`Syntax`);
a file that cannot be read or does not parse has the text "" and no tree.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from ai_workflow.findings import Finding, explain_as_info
from ai_workflow.pysource import PySyntaxError, parse_python
from ai_workflow.textfiles import read_text

T = TypeVar("T", bound=ast.AST)


class Syntax:
    """A module's syntax tree and its nodes by kind, from one walk of the tree."""

    def __init__(self, tree: ast.Module) -> None:
        self.tree = tree
        self._walked: list[ast.AST] | None = None
        self._kinds: dict[type[Any], list[Any]] = {}

    @property
    def walked(self) -> list[ast.AST]:
        """Every node of the tree, in `ast.walk` order."""
        if self._walked is None:
            self._walked = list(ast.walk(self.tree))
        return self._walked

    def nodes(self, kind: type[T]) -> list[T]:
        """The nodes that are instances of `kind`, in `ast.walk` order."""
        if kind not in self._kinds:
            self._kinds[kind] = [n for n in self.walked if isinstance(n, kind)]
        found: list[T] = self._kinds[kind]
        return found


class ParsedFiles:
    """Text and syntax tree of the files of the project at `target`, by relative path."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self._texts: dict[str, str] = {}
        self._trees: dict[str, Syntax | None] = {}

    def text(self, rel: str) -> str:
        """The file's text ("" when it is no regular file of the project or unreadable)."""
        if rel not in self._texts:
            self._texts[rel] = read_text(self.target / rel, root=self.target)
        return self._texts[rel]

    def syntax(self, rel: str) -> Syntax | None:
        """The file's syntax tree and nodes; None when it is empty, unreadable or does not
        parse."""
        if rel not in self._trees:
            tree = _parse(self.text(rel), rel)
            self._trees[rel] = None if tree is None else Syntax(tree)
        return self._trees[rel]

    def tree(self, rel: str) -> ast.Module | None:
        """The file's syntax tree (see `syntax`)."""
        syntax = self.syntax(rel)
        return None if syntax is None else syntax.tree

    def tree_at(self, finding: Finding, rule: str) -> ast.Module | None:
        """The tree of the file a `rule` finding with a place points at (None for another
        rule, a finding without a line, or a file that does not parse): where a
        post-processor that reads the code starts."""
        if finding.rule != rule or finding.path is None or finding.line is None:
            return None
        return self.tree(finding.path)

    def explain_rule(
        self,
        findings: Iterable[Finding],
        rule: str,
        note: str,
        reason_in: Callable[[Finding, ast.Module], str | None],
    ) -> list[Finding]:
        """The findings, each `rule` finding for which `reason_in` reads a reason in the tree of
        the file it points at made info, with the note `note.format(reason)`."""

        def note_of(finding: Finding) -> str | None:
            tree = self.tree_at(finding, rule)
            reason = reason_in(finding, tree) if tree is not None else None
            return note.format(reason) if reason else None

        return explain_as_info(findings, note_of)

    def named_beyond_def(self, name: str, rels: Sequence[str]) -> bool:
        """Whether some of the files `rels` names `name` other than in its `def`: a name, an
        attribute (`a.__cmp__(b)`), an imported name or a string (`getattr(obj, "name")`);
        comments do not count. In a file that does not parse, any mention but `def name`
        counts (its text is all there is to read)."""
        for rel in dict.fromkeys(rels):
            text = self.text(rel) if rel else ""
            if name not in text:
                continue
            syntax = self.syntax(rel)
            if syntax is None:
                mentions = len(re.findall(rf"\b{re.escape(name)}\b", text))
                if mentions > len(re.findall(rf"\bdef\s+{re.escape(name)}\b", text)):
                    return True
            elif any(_names(node, name) for node in syntax.walked):
                return True
        return False

    def lines(self, rel: str) -> list[str]:
        """The file's lines (without their ends)."""
        return self.text(rel).splitlines()


def _names(node: ast.AST, name: str) -> bool:
    return (
        (isinstance(node, ast.Name) and node.id == name)
        or (isinstance(node, ast.Attribute) and node.attr == name)
        or (isinstance(node, ast.alias) and name in (node.name, node.asname))
        or (isinstance(node, ast.Constant) and node.value == name)
    )


def _parse(text: str, rel: str) -> ast.Module | None:
    if not text:
        return None
    try:
        return parse_python(text, rel)
    except PySyntaxError:
        return None
