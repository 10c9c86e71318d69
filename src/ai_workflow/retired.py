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
migration's or a fixture's old side). Nor is such a directory that is a Python subpackage (an
`__init__.py` in it and in its parent: `mypkg/obsolete/`), which setuptools' `find_packages`
installs with its package: that code still ships, whatever its name says.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

RETIRED_DIRS = frozenset(
    {"off", "attic", "obsolete", "disabled", "retired", "unmaintained", "defunct", "graveyard"}
)


def retired_reason(path: str | None, target: Path | None = None) -> str | None:
    """Why `path` is switched-off code (None: it is not, as far as its path tells and, given
    the project's `target`, its directory is no subpackage of an installed Python package)."""
    if not path:
        return None
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts:
        return None
    for depth, part in enumerate(rel.parts[:-1]):
        if part.lower() not in RETIRED_DIRS:
            continue
        directory = PurePosixPath(*rel.parts[: depth + 1])
        if target is not None and _python_subpackage(target, directory):
            return None
        return f"under {part}/, a directory of code the project keeps switched off"
    return None


def _python_subpackage(target: Path, directory: PurePosixPath) -> bool:
    """Whether `directory` (relative to `target`) and its parent are Python packages."""
    parent = directory.parent
    return (
        parent != PurePosixPath(".")
        and (target / directory / "__init__.py").is_file()
        and (target / parent / "__init__.py").is_file()
    )
