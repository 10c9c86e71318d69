"""Files the tests or the code read that their name alone would call documentation.

Smart execution skips the tests on a docs-only change; a file the tests read is not
documentation, whatever its extension. Besides test-data directories (`testdata/`,
`fixtures/`...: `ai_workflow.testsource.data_dirs`, decided by the classifier from the path),
two cheap scans of the project find them:

- Go: the patterns of every `//go:embed` line, relative to the directory of the `.go` file
  (a pattern that names a directory embeds everything below it): those files are the code of
  that package (`tests` when only a `_test.go` file embeds them).
- Python: the string literals of the test files (`tests/`, `test_*.py`, `conftest.py`...)
  that look like relative paths: `"data/expected.txt"`, `"expected.txt"` or `"samples"` in
  `Path(__file__).parent / "samples" / "expected.txt"`. A literal names a file when it is the
  end of the file's path (`expected.txt`, `data/expected.txt`; an f-string's fields match
  anything: `f"data/{name}.md"`), or a directory the file lies in, relative to the project
  root or to the directory of a test file or one of its parents (`"samples"` from
  `tests/test_x.py` names `tests/samples/` and `samples/`). Matching a file by the end of its
  path errs towards running the tests: a test that names `README.md` makes every README a
  test input.

Only files the classifier would otherwise call `docs` are looked up here: anything else
already runs the tests.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ai_workflow.textfiles import read_utf8

GO_EMBED = re.compile(r"^//go:embed\s+(.+)$", re.MULTILINE)
GO_PATTERN = re.compile(r'"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)')
PY_STRING = re.compile(r"""(?<![\w'"])[rRuUfFbB]{0,2}(['"])([^'"\\\n]{1,255})\1""")
FIELD = re.compile(r"\{[^{}]*\}|%[sdr]")
MAX_SCANNED_BYTES = 2_000_000  # a larger "test file" is data, not test code


@dataclass(frozen=True)
class Embed:
    """One `//go:embed` pattern: the directory of its `.go` file and the pattern's parts."""

    directory: str
    parts: tuple[str, ...]
    by_test: bool

    def covers(self, path: str) -> bool:
        if self.directory:
            if not path.startswith(self.directory + "/"):
                return False
            path = path[len(self.directory) + 1 :]
        names = path.split("/")
        return len(names) >= len(self.parts) and all(
            fnmatch.fnmatchcase(name, part) for name, part in zip(names, self.parts, strict=False)
        )


def go_embeds(target: Path, files: Iterable[str]) -> list[Embed]:
    """The `//go:embed` patterns of the project's `.go` files."""
    found: list[Embed] = []
    for path in files:
        if not path.endswith(".go"):
            continue
        text = read_utf8(target / path, root=target)
        if not text or "go:embed" not in text:
            continue
        directory = path.rpartition("/")[0]
        for line in GO_EMBED.finditer(text):
            for quoted, raw, bare in GO_PATTERN.findall(line.group(1)):
                pattern = (quoted or raw or bare).removeprefix("all:").strip("/")
                if not pattern or pattern.startswith("//"):
                    break  # a trailing comment
                parts = tuple(p.replace("[^", "[!") for p in pattern.split("/") if p != ".")
                found.append(Embed(directory, parts, path.endswith("_test.go")))
    return found


def _literal(text: str) -> str | None:
    """A string literal as a relative path (None: it does not look like one)."""
    text = text.strip()
    if not text or text.startswith(("/", "~", "-")) or "://" in text or "\\" in text:
        return None
    while text.startswith(("./", "../")):
        text = text.split("/", 1)[1]
    text = text.rstrip("/")
    return text if text and text not in (".", "..") else None


def python_literals(target: Path, test_files: Iterable[str]) -> tuple[set[str], list[str]]:
    """The path-like string literals of the test files: plain ones, and f-string patterns."""
    names: set[str] = set()
    patterns: set[str] = set()
    for path in test_files:
        text = read_utf8(target / path, root=target)
        if not text or len(text) > MAX_SCANNED_BYTES:
            continue
        for _, body in PY_STRING.findall(text):
            literal = _literal(body)
            if literal is None:
                continue
            if FIELD.search(literal):
                pattern = FIELD.sub("*", literal)
                if pattern.strip("*/.") and ("/" in pattern or "." in pattern):
                    patterns.add(pattern)
            elif not any(c in literal for c in "*?[{"):
                names.add(literal)
    return names, sorted(patterns)


def _endings(path: str) -> list[str]:
    """`a/b/c.md` -> `a/b/c.md`, `b/c.md`, `c.md`."""
    parts = path.split("/")
    return ["/".join(parts[i:]) for i in range(len(parts))]


class TestInputs:
    """Which doc-like files the tests (Python literals) or the code (Go embeds) read."""

    __test__ = False  # not a pytest test class

    def __init__(
        self, target: Path, files: Iterable[str], is_test_file: Callable[[str], bool]
    ) -> None:
        files = list(files)
        self.embeds = go_embeds(target, files)
        tests = [f for f in files if f.endswith(".py") and is_test_file(f)]
        self.names, patterns = python_literals(target, tests)
        self.test_dirs = {""}  # where a directory literal may be relative to
        for test in tests:
            parent = test.rpartition("/")[0]
            while parent and parent not in self.test_dirs:
                self.test_dirs.add(parent)
                parent = parent.rpartition("/")[0]
        self.pattern = (
            re.compile("|".join(fnmatch.translate(p) for p in patterns)) if patterns else None
        )
        self._roles: dict[str, str | None] = {}

    def role(self, path: str) -> str | None:
        """`code` (a Go package embeds it), `tests` (a test names it or only a test embeds
        it), or None."""
        if path not in self._roles:
            self._roles[path] = self._role(path)
        return self._roles[path]

    def _role(self, path: str) -> str | None:
        embeds = [e for e in self.embeds if e.covers(path)]
        if embeds:
            return "tests" if all(e.by_test for e in embeds) else "code"
        return "tests" if self.named(path) else None

    def named(self, path: str) -> bool:
        """Whether a test's string literal names the file or a directory it lies in."""
        endings = _endings(path)
        if any(end in self.names for end in endings):
            return True
        if self.pattern is not None and any(self.pattern.match(end) for end in endings):
            return True
        parent = path.rpartition("/")[0]
        while parent:
            if any(
                end in self.names and parent[: -len(end)].rstrip("/") in self.test_dirs
                for end in _endings(parent)
            ):
                return True
            parent = parent.rpartition("/")[0]
        return False
