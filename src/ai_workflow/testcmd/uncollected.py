"""Why pytest collected nothing: the test classes it refused (its PytestCollectionWarning).

pytest does not collect a `Test*` class that has an `__init__` (or `__new__`) constructor: it
warns `cannot collect test class 'TestX' because it has a __init__ constructor` and moves on.
A suite written for nose or another runner, whose classes set themselves up in `__init__`, is
then reported as "no tests to run", which is true but hides the cause. This reads the warnings
from pytest's output so that the finding can name the classes and the reason, and point at the
first of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ai_workflow.quoting import relative_to_target

_WARNING = re.compile(
    r"^\s*(?P<path>\S+?):(?P<line>\d+): PytestCollectionWarning: cannot collect test class "
    r"'(?P<name>[^']+)' because (?P<why>[^\n]+?)(?: \(from: [^)\n]*\))?\s*$",
    re.MULTILINE,
)
_SHOWN = 4


@dataclass(frozen=True)
class Uncollected:
    names: tuple[str, ...]
    reason: str
    path: str | None
    line: int | None

    def describe(self) -> str:
        shown = ", ".join(f"`{name}`" for name in self.names[:_SHOWN])
        more = f" and {len(self.names) - _SHOWN} more" if len(self.names) > _SHOWN else ""
        classes = "test class" if len(self.names) == 1 else "test classes"
        return f"pytest refused the {classes} {shown}{more}: {self.reason}"


def uncollected_classes(output: str, target: Path) -> Uncollected | None:
    """The test classes pytest's output says it could not collect, grouped by the first reason."""
    found: dict[str, list[tuple[str, str, int]]] = {}
    for match in _WARNING.finditer(output):
        path = relative_to_target(match["path"], target)
        entry = (match["name"], path, int(match["line"]))
        entries = found.setdefault(match["why"].strip(), [])
        if entry[0] not in [name for name, _, _ in entries]:
            entries.append(entry)
    if not found:
        return None
    reason, entries = next(iter(found.items()))
    _, path, line = entries[0]
    names = tuple(name for name, _, _ in entries)
    if path.startswith("/"):  # a class outside the project (a plugin's): no place in it
        return Uncollected(names, reason, None, None)
    return Uncollected(names, reason, path, line)
