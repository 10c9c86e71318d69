"""A release archive committed as is: a reference to a missing file may be the archive's choice.

Debian packaging repositories and vendor imports commit a project's source distribution
unchanged. Such an archive holds what its build tool chose to ship (flit's `sdist.include`,
setuptools' `MANIFEST.in`): the documentation often comes along while the `examples/`,
`AUTHORS.rst` or benchmark directory it links to stays in the project's repository. "X does
not exist" is then true of the archive only; the maintainer, whose repository has X, would not
act on it. The sign is the one every Python source distribution carries and a repository does
not: a `PKG-INFO` file (core metadata, `Metadata-Version: ...`) tracked at the top level.

In such a target, a finding of `MISSING_PATH_RULES` (a link, script or documented path that
does not exist) becomes info, and its message says the archive may leave the file out. So does a
committed `*.egg-info` directory (`structure/committed-artifact`): setuptools writes it into
every source distribution it builds (cachetools' `src/cachetools.egg-info`), so in the archive
it is expected, while the project's repository does not track it. The rule
policy makes this decision (`ai_workflow.rules.policy`), for every step at once; `rules.severity`
still raises the rule. Other findings are unchanged: a broken anchor in a shipped document, a
test that fails or a syntax error is as real in the archive as in the repository, and so is any
other committed artefact (bytecode or a cache has no business in an archive either).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from ai_workflow.gitutil import GitError, git
from ai_workflow.textfiles import read_head

MARKER = "PKG-INFO"
METADATA_PREFIX = b"Metadata-Version:"
MISSING_PATH_RULES = frozenset(
    {
        "links/broken-link",
        "scripts/missing-script",
        "scripts/missing-makefile",
        "structure/documented-path-missing",
        "docs/stale-file-reference",
    }
)
"""Rules whose finding says a file or directory the project names does not exist."""
ARTEFACT_RULE = "structure/committed-artifact"
SDIST_METADATA_SUFFIX = ".egg-info"  # setuptools' metadata directory, in every sdist it builds


def release_archive(target: Path) -> str | None:
    """Why `target` is a release archive committed as is (None: it is not, as far as we can
    tell): a tracked top-level `PKG-INFO` that starts with `Metadata-Version:`."""
    head = read_head(target / MARKER, 64, target)
    if not head or not head.lstrip().startswith(METADATA_PREFIX):
        return None
    try:
        tracked = git(target, "ls-files", "-z", "--", MARKER)
    except GitError:
        return None
    if not tracked.strip("\0"):
        return None
    return f"a source distribution committed as is (tracked {MARKER})"


def archive_explains(rule: str, path: str | None) -> bool:
    """Whether a finding of `rule` at `path` may be the release archive's doing: a named file
    missing, or the `*.egg-info` directory the archive's build wrote."""
    if rule in MISSING_PATH_RULES:
        return True
    return rule == ARTEFACT_RULE and PurePosixPath(path or "").name.endswith(SDIST_METADATA_SUFFIX)


def archive_note(reason: str, rule: str = "") -> str:
    """What a finding the archive explains says in a release archive."""
    if rule == ARTEFACT_RULE:
        return (
            f" [this is {reason}: setuptools writes the *.egg-info metadata into every source "
            "distribution it builds; the project's repository does not track it]"
        )
    return (
        f" [this is {reason}: a release archive may leave the file out while the project's "
        "repository has it]"
    )
