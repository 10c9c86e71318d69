"""Markdown and reStructuredText files that are a program's input, not the project's documents.

A `.md` file is documentation by its extension, except when the project's tests or benchmarks
read it as data: goldmark's `_benchmark/go/_data.md` is the CommonMark spec text that
`benchmark_test.go` parses (`ioutil.ReadFile("_data.md")`); its `[term](@)` definition
notation, spec anchors and the spec repository's commands are the input's, not claims about
goldmark. Such a file is left out of the documents every step checks (`project_docs`).

A document is input when

- it lies in a test-data directory (`testdata/`, `fixtures/`, `__snapshots__/`...: the one
  list of `testsource.data_dirs`), or
- a test file (`is_test_path`) or a benchmark program (a file below a `bench`, `benchmark`,
  `benchmarks` or `benches` directory, `_benchmark/` too) names it by a string literal: its
  path relative to the reader's directory (`"_data.md"` beside it, `"data/spec.md"`), or to
  the project root.
- a test file names its suffix, as `".md"` or in a glob (`"*.md"`), and the suffix of a
  sibling of the same stem (`"%s/*.html"`), the document lying in the test's directory or below:
  an input and its expected output, paired by name. html2text's `test/pad_table.md` is what
  `test/test_html2text.py` expects from `test/pad_table.html` (it globs `*.html` and reads
  `splitext(fn)[0] + ".md"`): its uneven table rows are the converter's output for colspan
  cells, not a document's mistakes.

The names a reader's literals give depend on the reader alone (its path and text): with the
step cache they are kept per reader (`FileResults`, keyed by its content and this module's code)
and only a changed reader is read again.

A README, a changelog or a file under `docs/` stays documentation even when a test reads it
(a doctest of the README, a test that the changelog names the version): what it says is
still a claim about the project.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ai_workflow.doc_kinds import is_history_document
from ai_workflow.techstack import DOCS_DIR_NAMES, is_test_path
from ai_workflow.testsource.data_dirs import in_test_data_dir
from ai_workflow.textfiles import read_utf8

if TYPE_CHECKING:
    from ai_workflow.changes.filecache import FileResults

READER_SUFFIXES = frozenset(
    {
        ".go", ".c", ".h", ".cc", ".cpp", ".py", ".js", ".mjs", ".cjs", ".ts", ".rs",
        ".java", ".kt", ".rb", ".php", ".cs", ".swift", ".sh", ".bash",
    }
)  # fmt: skip
"""Code files whose string literals may name an input file."""
BENCH_DIR_NAMES = frozenset({"bench", "benchmark", "benchmarks", "benches"})
_LITERAL = re.compile(r"""["'`]([^"'`\n\\]{1,255})["'`]""")
_DOC_NAMES = re.compile(
    r"^(?:readme|contributing|code_of_conduct|security|support|license)\b", re.IGNORECASE
)
MAX_READER_BYTES = 2_000_000


def data_documents(
    target: Path,
    files: Iterable[str],
    docs: Iterable[str],
    stored: FileResults | None = None,
) -> set[str]:
    """The documents among `docs` (relative paths) that are program input (module doc).
    `stored`: the per-file store of the paths each reader names (read again only for a
    reader whose key changed)."""
    files = list(files)
    candidates = {d for d in docs if not _always_documentation(d)}
    found = {d for d in candidates if in_test_data_dir(PurePosixPath(d).parts[:-1])}
    wanted = candidates - found
    if not wanted:
        return found
    suffixes = _suffixes_by_stem(files)
    for reader in files:
        if PurePosixPath(reader).suffix.lower() not in READER_SUFFIXES or not _is_reader(reader):
            continue
        names = _names(target, reader, stored) or []
        hits = wanted.intersection(names) | _paired(reader, names, wanted, suffixes)
        found |= hits
        wanted -= hits
        if not wanted:
            break
    return found


def _suffixes_by_stem(files: Iterable[str]) -> dict[str, set[str]]:
    """Each file's path without its suffix -> the suffixes present (`t/a` -> {.html, .md})."""
    found: dict[str, set[str]] = {}
    for path in files:
        pure = PurePosixPath(path)
        if pure.suffix:
            found.setdefault(str(pure.with_suffix("")), set()).add(pure.suffix.lower())
    return found


_SUFFIX_NAME = re.compile(r"^\*?(\.[A-Za-z0-9]{1,10})$")


def _paired(
    reader: str, names: list[str], wanted: set[str], suffixes: dict[str, set[str]]
) -> set[str]:
    """The documents below a test's directory that it reads by suffix, each beside a file of
    the same stem whose suffix it names too (an input and its expected output)."""
    if not is_test_path(reader):
        return set()
    named = {m.group(1).lower() for n in names if (m := _SUFFIX_NAME.match(posixpath.basename(n)))}
    if len(named) < 2:
        return set()
    base = posixpath.dirname(reader)
    found = set()
    for doc in wanted:
        pure = PurePosixPath(doc)
        below = not base or doc.startswith(base + "/")
        others = suffixes.get(str(pure.with_suffix("")), set()) - {pure.suffix.lower()}
        if below and pure.suffix.lower() in named and others & named:
            found.add(doc)
    return found


def _names(target: Path, reader: str, stored: FileResults | None) -> list[str] | None:
    if stored is None:
        return named_paths(target, reader)

    def compute() -> list[str] | None:
        return named_paths(target, reader)

    return stored.reuse(reader, compute, _encode_names, _decode_names)


def named_paths(target: Path, reader: str) -> list[str] | None:
    """The paths the string literals of `reader` name (relative to its directory, and as
    written), sorted; None when it cannot be read or is too large to be a program."""
    text = read_utf8(target / reader, root=target)
    if text is None or len(text) > MAX_READER_BYTES:
        return None
    base = posixpath.dirname(reader)
    names: set[str] = set()
    for match in _LITERAL.finditer(text):
        literal = match.group(1).strip()
        if "." not in literal:
            continue
        names.add(posixpath.normpath(posixpath.join(base, literal)))
        names.add(literal)
    return sorted(names)


def _encode_names(names: list[str]) -> list[str]:
    return names


def _decode_names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise TypeError("not a list of paths")
    return value


def _always_documentation(path: str) -> bool:
    pure = PurePosixPath(path)
    if _DOC_NAMES.match(pure.name) or is_history_document(path):
        return True
    return any(part.lower() in DOCS_DIR_NAMES for part in pure.parts[:-1])


def _is_reader(path: str) -> bool:
    """A test file or a benchmark program (`_benchmark/`, `benches/`...)."""
    if is_test_path(path):
        return True
    parts = PurePosixPath(path).parts[:-1]
    return any(part.lstrip("_.").lower() in BENCH_DIR_NAMES for part in parts)
