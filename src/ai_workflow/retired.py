"""Files the project keeps switched off: code retired into a directory named for it.

A project may move what no longer works, or is no longer wanted, into a directory whose name
says so instead of deleting it (funcoeszz's `off/`: "functions that stopped working and had to
be retired", kept so that one can be reactivated; an `attic/`, `obsolete/`, `disabled/`,
`retired/`, `unmaintained/`, `archived/` directory, or a longer name with such a word:
`archived_types/`). Nothing builds, ships or tests those files; a warning
in one asks the maintainer to polish code they have set aside, and the fix would be undone
work if the file is reactivated from a newer version. The rule policy lowers warnings in such
files to info, as for vendored copies (`ai_workflow.vendored`), with why in `extra.retired`;
so are a document's broken links there (`links/`: the SEE ALSO of an archived plugin's man page
to one archived with it, never built into the manual); any other error (the file does not
parse) stays. The directory's name is the signal, any depth:
`deprecated/` is not one (deprecated code still ships to its users), nor is `old/` (a
migration's or a fixture's old side). Nor is such a directory that is a Python subpackage (an
`__init__.py` in it and in its parent: `mypkg/obsolete/`), which setuptools' `find_packages`
installs with its package: that code still ships, whatever its name says.

An `old/` directory is one when, given the project's `target`, it holds earlier versions of files
that live beside it: the file's name without its extension names a file in the directory that
holds `old/` (cpu-checker 0.7's old/check-bios-nx.py and old/check-bios-nx.sh, the retired
Python and sh versions of its top-level check-bios-nx script, which its Makefile neither
installs nor packs). A file of `old/` with no such counterpart, and any `old/` beside a `new/`
(the two sides of a migration or of a fixture), is not. Such a superseded copy's errors are
info too (`superseded_reason`): the live file beside `old/` is the one that runs (cpu-checker's
old/check-bios-nx.sh, whose `[ $model -ge 3]` shellcheck cannot parse, while check-bios-nx
has `[ $model -ge 3 ]`); an error in attic/ or off/ code, which has no live copy, stays.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

RETIRED_DIRS = frozenset(
    {"off", "attic", "obsolete", "disabled", "retired", "unmaintained", "defunct", "graveyard"}
    | {"archived"}
)
# words that say so inside a longer name (`archived_types`, `retired-plugins`); short or common
# words (`off`: `kick-off`, `on_off`; `disabled`: a UI state) count only as the whole name
RETIRED_WORDS = frozenset({"archived", "obsolete", "retired", "unmaintained", "defunct"})
_WORD = re.compile(r"[^_.-]+")
# a directory of earlier versions, retired only beside the files that replaced them
SUPERSEDED_DIR = "old"


def retired_reason(path: str | None, target: Path | None = None) -> str | None:
    """Why `path` is switched-off code (None: it is not, as far as its path tells and, given
    the project's `target`, its directory is no subpackage of an installed Python package)."""
    if not path:
        return None
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts:
        return None
    for depth, part in enumerate(rel.parts[:-1]):
        name = part.lower()
        directory = PurePosixPath(*rel.parts[: depth + 1])
        if name == SUPERSEDED_DIR and target is not None:
            if _superseded(target, directory, rel):
                return f"under {part}/, earlier versions of files kept beside it"
            continue
        if name not in RETIRED_DIRS and not RETIRED_WORDS & set(_WORD.findall(name)):
            continue
        if target is not None and _python_subpackage(target, directory):
            return None
        return f"under {part}/, a directory of code the project keeps switched off"
    return None


def superseded_reason(path: str | None, target: Path | None) -> str | None:
    """Why `path` is an earlier version, under `old/`, of a file beside `old/` (None: it is
    not, or there is no project to look at)."""
    if not path or target is None:
        return None
    rel = PurePosixPath(path)
    if rel.is_absolute() or ".." in rel.parts or len(rel.parts) < 2:
        return None
    directory = rel.parent
    if directory.name.lower() == SUPERSEDED_DIR and _superseded(target, directory, rel):
        return f"under {directory.name}/, an earlier version of a file kept beside it"
    return None


def _superseded(target: Path, directory: PurePosixPath, rel: PurePosixPath) -> bool:
    """Whether `rel`, under the `old/` `directory`, is an earlier version of a file in the
    directory that holds `old/` (its name without extension names one there), with no `new/`
    beside `old/`."""
    parent = target / directory.parent
    if (parent / "new").is_dir() or _python_subpackage(target, directory):
        return False
    stem = rel.name.split(".")[0]
    if not stem or len(rel.parts) != len(directory.parts) + 1:
        return False
    try:
        names = [entry.name for entry in parent.iterdir() if entry.is_file()]
    except OSError:
        return False
    return any(name.split(".")[0] == stem for name in names)


def _python_subpackage(target: Path, directory: PurePosixPath) -> bool:
    """Whether `directory` (relative to `target`) and its parent are Python packages."""
    parent = directory.parent
    return (
        parent != PurePosixPath(".")
        and (target / directory / "__init__.py").is_file()
        and (target / parent / "__init__.py").is_file()
    )
