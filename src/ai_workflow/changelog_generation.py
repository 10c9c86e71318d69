"""Whether a project writes its changelog from git history with a script of its own.

node-which's `gen-changelog.sh` (`git log ... > CHANGELOG.md`), run by package.json's
`prechangelog` script at publish time, writes each version's entry from the commits that lead to
its tag, after the version bump: so the release's own tree lags one entry behind its version by
the project's process, and the fix a mismatch asks for (edit the changelog) is not what its
maintainer does. A project script (shell, named by a command of its automation: a package.json
script, a Makefile recipe, a CI step) that runs `git log` and redirects into the changelog counts;
a command that only `git add`s the changelog does not.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path, PurePosixPath

from ai_workflow.automation import automation_blocks
from ai_workflow.textfiles import read_text

SHELL_SUFFIXES = (".sh", ".bash")


def changelog_generator(target: Path, files: list[str], changelog: str) -> str | None:
    """`script (run by file:line)` when the project's automation runs a script of its own that
    writes `changelog` from `git log`; None otherwise."""
    tracked = set(files)
    writes = _writes(changelog)
    for block in automation_blocks(target, files):
        for line, command in block.lines:
            for script in _scripts(command, block.cwd, tracked):
                text = read_text(target / script)
                if "git log" in text and writes.search(text):
                    return f"{script} (run by {block.path}:{line})"
    return None


def _writes(changelog: str) -> re.Pattern[str]:
    name = re.escape(PurePosixPath(changelog).name)
    return re.compile(rf">>?\s*[\"']?(?:\./)?(?:[\w./-]*/)?{name}\b")


def _scripts(command: str, cwd: str, tracked: set[str]) -> list[str]:
    """The project's shell scripts a command names (`bash gen-changelog.sh`, `./x.sh`)."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        return []
    found = []
    for word in words:
        path = str(PurePosixPath(cwd) / word.removeprefix("./")) if cwd else word.removeprefix("./")
        if path.endswith(SHELL_SUFFIXES) and path in tracked:
            found.append(path)
    return found
