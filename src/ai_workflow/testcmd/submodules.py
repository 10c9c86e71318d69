"""Tests that fail because a git submodule they load is not fetched here.

A project that keeps test helpers as git submodules (git-open 3.1.0's `.gitmodules` names
`test/test_helper/bats-support` and `bats-assert`, which its bats tests `load`) ships, in a
release archive or a package, the `.gitmodules` file but not the submodules' contents: the
directories are absent or empty, and the tests stop at loading a helper ("bats_load_safe:
Could not find 'test/test_helper/bats-support/load'") before any assertion runs. Nothing of the
project failed: the checkout is incomplete. A failure whose own message names a path inside a
submodule that is absent or empty here is put down to that (`tests/environment-incomplete`,
naming the submodule and `git submodule update --init`); a failure that names no such path, or
a submodule that is fetched, stays the project's. A test script that first changes to its own
directory names the path from there: makeself 2.5.0's tests run in test/ and source
`./shunit2/shunit2` from the submodule test/shunit2, so the shell says "./shunit2/shunit2: No
such file or directory". A path that starts with the submodule path's last parts counts on a
line that says a file is missing; the same path on another line (a test's own output) does not.
The same holds for a test command judged by its exit status alone (`make test`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from ai_workflow.textfiles import read_text

SUBMODULE_PATH = re.compile(r"^\s*path\s*=\s*(?P<path>\S.*?)\s*$", re.MULTILINE)


def unfetched_submodules(target: Path) -> list[str]:
    """The paths `.gitmodules` names whose directory is absent or empty in `target`."""
    text = read_text(target / ".gitmodules", root=target)
    found = []
    for match in SUBMODULE_PATH.finditer(text):
        rel = match.group("path").strip("/")
        if not rel or rel.startswith("/") or ".." in Path(rel).parts:
            continue
        directory = target / rel
        try:
            empty = not directory.is_dir() or not any(directory.iterdir())
        except OSError:
            continue
        if empty and not directory.is_symlink():
            found.append(rel)
    return found


def names_unfetched(text: str, submodules: Sequence[str], target: Path | None = None) -> str | None:
    """The first submodule path of `submodules` that `text` (a failure's message) names, or
    a path inside it (relative, or absolute under `target`: bats names the file it could not
    load in full); None when it names none."""
    if target is not None:
        text = text.replace(f"{target}/", "")
    for rel in submodules:
        pattern = rf"(?<![\w./-])(?:\./)?{re.escape(rel)}(?![\w.-])"
        if re.search(pattern, text):
            return rel
    missing = [line for line in text.splitlines() if FILE_MISSING.search(line)]
    for rel in submodules:
        parts = rel.split("/")
        for start in range(1, len(parts)):
            tail = re.escape("/".join(parts[start:]))
            inside = re.compile(rf"(?<![\w./-])(?:\./)?{tail}/[\w.-]")
            if any(inside.search(line) for line in missing):
                return rel
    return None


FILE_MISSING = re.compile(
    r"No such file or directory|[Cc]ould not (?:find|open)|[Cc]an(?:no|')t open|not found"
)
"""How a shell, `source` or a loader says a file it was told to read is not there."""


def describe(submodules: Sequence[str]) -> str:
    named = ", ".join(submodules)
    return (
        f"the git submodule(s) {named} that .gitmodules names (not fetched here: "
        "`git submodule update --init`)"
    )
