"""ruff's F401 on an import of a section that a generator of the project copies out.

A generator may build a file by copying marked sections out of the project's modules: lark
1.1.9's `lark/tools/standalone.py` reads each module it lists, keeps the lines between
`###{standalone` and `###}` (`extract_sections(f)['standalone']`) and writes them one after the
other into every stand-alone parser it generates. The imports of one module's section serve the
code of the others' sections there: standalone.py's own section imports `deepcopy`, `ABC`,
`Tuple`, ... for the code copied from tree.py, lexer.py, common.py. In the module itself the
import is unused (F401, a warning); in the generated file it is used, and removing it breaks
that file. Info, when (1) the import is between an opening marker line (a comment of two or more
`#` and `{name`) and its closing one (`##...}`), (2) a Python file of the project names the
section, `name`, in a string outside every section (the generator that reads it), and (3) the
imported name is read in the section of that name of another module, where the generated file
puts the two together. An unused import in a section whose name no code of the project reads,
one whose name no other section uses, and one outside the sections, stay warnings.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Sequence

from ai_workflow.findings import Finding, explain_as_info
from ai_workflow.lint.ruff_bindings import bound_name
from ai_workflow.parsed_files import ParsedFiles

UNUSED_IMPORT = "ruff/F401"
NOTE = "imported for the `{}` section: {}"
_IMPORTED = re.compile(r"`(?P<name>[\w.]+)` imported but unused")
_OPEN = re.compile(r"^\s*#{2,}\s*\{\s*(?P<name>[\w.-]+)\s*$")
_CLOSE = re.compile(r"^\s*#{2,}\s*\}\s*$")
_MARKED = re.compile(r"^\s*#{2,}\s*\{", re.MULTILINE)


def section_imports_as_info(
    findings: Iterable[Finding], files: ParsedFiles, python_files: Sequence[str]
) -> list[Finding]:
    """The findings, with F401 on an import of a marked section that a generator of the
    project copies next to the other modules' sections of that name, where the name is read,
    made info."""
    findings = list(findings)
    if not any(f.rule == UNUSED_IMPORT for f in findings):
        return findings
    sections = _Sections(files, python_files)

    def note_of(finding: Finding) -> str | None:
        if finding.rule != UNUSED_IMPORT or finding.path is None or finding.line is None:
            return None
        return sections.explain(finding)

    return explain_as_info(findings, note_of)


class _Sections:
    """The marked sections of the project's Python files, read on first demand."""

    def __init__(self, files: ParsedFiles, python_files: Sequence[str]) -> None:
        self.files = files
        self.python_files = [rel for rel in python_files if rel.endswith(".py")]
        self._by_file: dict[str, list[tuple[str, int, int]]] | None = None
        self._generators: dict[str, str] = {}

    def explain(self, finding: Finding) -> str | None:
        assert finding.path is not None and finding.line is not None
        by_file = self._read()
        name = next(
            (n for n, start, end in by_file.get(finding.path, []) if start < finding.line < end),
            None,
        )
        if name is None:
            return None
        generator = self._generator(name)
        imported = _IMPORTED.search(finding.message)
        syntax = self.files.syntax(finding.path)
        if generator is None or imported is None or syntax is None:
            return None
        bound = bound_name(syntax, finding.line, imported.group("name"))
        if bound is None:
            return None
        for rel, spans in by_file.items():
            if rel == finding.path:
                continue
            for section, start, end in spans:
                if section == name and _reads(self.files.lines(rel)[start : end - 1], bound):
                    return NOTE.format(
                        name,
                        f"{generator} copies the sections of that name out of the modules into "
                        f"one file, where {rel}'s section reads `{bound}`",
                    )
        return None

    def _read(self) -> dict[str, list[tuple[str, int, int]]]:
        if self._by_file is None:
            self._by_file = {}
            for rel in self.python_files:
                text = self.files.text(rel)
                spans = _spans(text.splitlines()) if _MARKED.search(text) else []
                if spans:
                    self._by_file[rel] = spans
        return self._by_file

    def _generator(self, name: str) -> str | None:
        """A Python file of the project that names the section in a string outside every
        section (the code that extracts it); None when there is none."""
        if name not in self._generators:
            found = ""
            spans = self._read()
            for rel in self.python_files:
                if name not in self.files.text(rel):
                    continue
                inside = [(start, end) for _, start, end in spans.get(rel, [])]
                tree = self.files.tree(rel)
                if tree is None:
                    continue
                for node in ast.walk(tree):
                    if (
                        isinstance(node, ast.Constant)
                        and node.value == name
                        and not any(s < node.lineno < e for s, e in inside)
                    ):
                        found = rel
                        break
                if found:
                    break
            self._generators[name] = found
        return self._generators[name] or None


def _spans(lines: list[str]) -> list[tuple[str, int, int]]:
    """(name, opening line, closing line) of each marked section, 1-based."""
    spans, name, start = [], None, 0
    for number, text in enumerate(lines, 1):
        opened = _OPEN.match(text)
        if opened and name is None:
            name, start = opened.group("name"), number
        elif _CLOSE.match(text) and name is not None:
            spans.append((name, start, number))
            name = None
    return spans


def _reads(lines: list[str], name: str) -> bool:
    """The lines read `name` outside an import statement."""
    word = re.compile(rf"(?<![\w.]){re.escape(name)}\b")
    return any(
        word.search(text) and not re.match(r"\s*(?:from\s+\S+\s+)?import\b", text) for text in lines
    )
