"""Markdown that the documentation build pastes into a page: pymdownx.snippets' includes.

A MkDocs (or Zensical) site that enables the `pymdownx.snippets` Markdown extension builds a
page with the text of other files in place of each include line: `--8<-- "posix.md"` alone on
a line, or a block of paths between two bare `--8<--` lines. A path is looked up under each of
the extension's `base_path` directories in turn (default `.`, the directory the build runs in,
where its configuration file lies), and may end in `:START:END` (lines) or `:NAME` (the part
between `--8<-- [start:NAME]` and `--8<-- [end:NAME]`). An include preceded by `;` is escaped
(shown, not included); an included file's own includes are expanded too.

So a heading the page gets from a snippet is an anchor of that page: wcmatch 12.0.4's
docs/src/markdown/fnmatch.md links to `#posix-character-classes`, the `## POSIX Character
Classes` of docs/src/markdown/.snippets/posix.md, which its line `--8<-- "posix.md"` includes
(base_path `docs/src/markdown/.snippets` in zensical.yml). Includes count only where the
project's build configuration at the root (mkdocs.yml, mkdocs.yaml, zensical.yml, zensical.yaml,
zensical.toml) enables the extension; a path that resolves under none of its base paths
includes nothing, as in the build (`check_paths` off).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ai_workflow.textfiles import read_text, read_toml

CONFIG_FILES = ("mkdocs.yml", "mkdocs.yaml", "zensical.yml", "zensical.yaml", "zensical.toml")
EXTENSION = "pymdownx.snippets"
_INLINE = re.compile(r"""^[ \t]*-+8<-+[ \t]+(?P<quote>["'])(?P<path>.+?)(?P=quote)[ \t]*$""")
_BLOCK = re.compile(r"^[ \t]*-+8<-+[ \t]*$")
_SECTION = re.compile(
    r"-+8<-+[ \t]+\[[ \t]*(start|end)[ \t]*:[ \t]*([a-z][-_0-9a-z]*)[ \t]*\]", re.I
)
_LINES = re.compile(r"^(?P<path>.*?)(?::(?P<start>\d*))?(?::(?P<end>\d*))?$")
_NAMED = re.compile(r"^(?P<path>.*?):(?P<name>[a-z][-_0-9a-z]*)$", re.I)
_MAX_DEPTH = 8


class _LenientLoader(yaml.SafeLoader):
    """A safe loader that reads MkDocs' application tags (`!!python/name:...`, `!ENV`) as
    nothing instead of failing on them."""


_LenientLoader.add_multi_constructor("", lambda loader, suffix, node: None)


@dataclass(frozen=True)
class Snippets:
    """The project's snippet settings: its base paths (relative to the root) and where they
    are configured."""

    base_paths: tuple[str, ...]
    source: str

    def included_text(self, target: Path, lines: list[str]) -> str:
        """The text that the include lines among `lines` paste into the page (their files',
        includes expanded), "" when they include nothing."""
        return "\n".join(self._expand(target, lines, set(), 0))

    def _expand(self, target: Path, lines: list[str], seen: set[str], depth: int) -> list[str]:
        if depth >= _MAX_DEPTH:
            return []
        found: list[str] = []
        for path in include_paths(lines):
            located = self._locate(target, path)
            if located is None:
                continue
            rel, selector = located
            if rel in seen:
                continue
            text = read_text(target / rel, root=target)
            part = _select(text.splitlines(), selector)
            found += part
            found += self._expand(target, part, seen | {rel}, depth + 1)
        return found

    def _locate(self, target: Path, path: str) -> tuple[str, str] | None:
        """The include's file (relative to the root) under the first base path that has it,
        and its line or section selector ("" for the whole file)."""
        candidates = [(path, "")]
        lines = _LINES.match(path)
        if lines and (lines.group("start") is not None or lines.group("end") is not None):
            candidates.append((lines.group("path"), path[len(lines.group("path")) :]))
        named = _NAMED.match(path)
        if named:
            candidates.append((named.group("path"), f":{named.group('name')}"))
        root = target.resolve()
        for base in self.base_paths:
            if (root / base).is_file():  # a file as base path: an include of that file by name
                for name, selector in candidates:
                    if name == Path(base).name:
                        return Path(base).as_posix(), selector
                continue
            for name, selector in candidates:
                if not name or name.startswith("/"):
                    continue
                try:
                    file = (root / base / name).resolve()
                    rel = file.relative_to(root)
                    file.relative_to((root / base).resolve())  # restrict_base_path
                except (OSError, ValueError):
                    continue
                if file.is_file():
                    return rel.as_posix(), selector
        return None


def include_paths(lines: list[str]) -> list[str]:
    """The paths that the include lines among `lines` name, in order (escaped ones left out)."""
    paths: list[str] = []
    block = False
    for line in lines:
        if line.lstrip().startswith(";"):
            continue
        inline = _INLINE.match(line)
        if inline:
            if not block:
                paths.append(inline.group("path").strip())
            continue
        if _BLOCK.match(line):
            block = not block
            continue
        if block and line.strip() and not line.strip().startswith(";"):
            paths.append(line.strip())
    return paths


def _select(lines: list[str], selector: str) -> list[str]:
    """The lines a `:START:END` or `:NAME` selector takes from a file's lines."""
    if not selector:
        return lines
    numbers = re.fullmatch(r":(\d*)(?::(\d*))?", selector)
    if numbers:
        start = max(0, int(numbers.group(1)) - 1) if numbers.group(1) else None
        end = int(numbers.group(2)) if numbers.group(2) else None
        return lines[start:end]
    name = selector[1:].lower()
    taken: list[str] = []
    inside = False
    for line in lines:
        marker = _SECTION.search(line)
        if marker and marker.group(2).lower() == name:
            if marker.group(1).lower() == "end" and inside:
                break
            inside = inside or marker.group(1).lower() == "start"
            continue
        if inside and not marker:
            taken.append(line)
    return taken


def project_snippets(target: Path) -> Snippets | None:
    """The snippet settings of the documentation build configured at the project's root; None
    when no configuration there enables pymdownx.snippets."""
    for name in CONFIG_FILES:
        path = target / name
        if not path.is_file():
            continue
        data: Any = read_toml(path, root=target) if name.endswith(".toml") else _yaml(path, target)
        options = _extension_options(data)
        if options is None:
            continue
        base = options.get("base_path", ".") if isinstance(options, dict) else "."
        bases = [base] if isinstance(base, str) else base if isinstance(base, list) else ["."]
        kept = tuple(b.strip() or "." for b in bases if isinstance(b, str))
        return Snippets(kept or (".",), name)
    return None


def _yaml(path: Path, target: Path) -> Any:
    try:
        return yaml.load(
            read_text(path, root=target), Loader=_LenientLoader
        )  # a SafeLoader subclass: safe
    except yaml.YAMLError:
        return None


def _extension_options(data: Any) -> Any:
    """The options of pymdownx.snippets wherever the configuration lists it (MkDocs'
    `markdown_extensions` list of names or one-key mappings; Zensical's TOML tables, where the
    dotted name nests); {} when it is listed without options, None when it is not."""
    if isinstance(data, dict):
        if EXTENSION in data:
            return data[EXTENSION] if isinstance(data[EXTENSION], dict) else {}
        nested = data.get("pymdownx")
        if isinstance(nested, dict) and "snippets" in nested:
            return nested["snippets"] if isinstance(nested["snippets"], dict) else {}
        values = list(data.values())
    elif isinstance(data, list):
        if EXTENSION in data:
            return {}
        values = data
    else:
        return None
    for value in values:
        found = _extension_options(value)
        if found is not None:
            return found
    return None
