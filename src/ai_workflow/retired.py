"""Files the project keeps switched off: code retired into a directory named for it.

A project may move what no longer works, or is no longer wanted, into a directory whose name
says so instead of deleting it (funcoeszz's `off/`: "functions that stopped working and had to
be retired", kept so that one can be reactivated; an `attic/`, `obsolete/`, `disabled/`,
`retired/`, `unmaintained/` directory). Nothing builds, ships or tests those files; a warning
in one asks the maintainer to polish code they have set aside, and the fix would be undone
work if the file is reactivated from a newer version. The rule policy lowers warnings in such
files to info, as for vendored copies (`ai_workflow.vendored`), with why in `extra.retired`;
an error (the file does not parse) stays. The directory's name is the signal, any depth:
`deprecated/` is not one (deprecated code still ships to its users), nor is `old/` (a
migration's or a fixture's old side).
"""

from __future__ import annotations

from pathlib import PurePosixPath

RETIRED_DIRS = frozenset(
    {"off", "attic", "obsolete", "disabled", "retired", "unmaintained", "defunct", "graveyard"}
)


def retired_reason(path: str | None) -> str | None:
    """Why `path` is switched-off code (None: it is not, as far as its path tells)."""
    if not path:
        return None
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts:
        return None
    for part in rel.parts[:-1]:
        if part.lower() in RETIRED_DIRS:
            return f"under {part}/, a directory of code the project keeps switched off"
    return None
