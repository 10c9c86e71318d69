"""The change base a CI job implies, read from its environment: no flag needed in CI.

Precedence (the first that applies wins; none of them is looked up in git here):

1. a pull request on GitHub Actions: `pull_request.base.sha` from the event payload
   (`$GITHUB_EVENT_PATH`), then the branch `GITHUB_BASE_REF`; a merge queue's
   `merge_group.base_sha`;
2. a merge request on GitLab CI: `CI_MERGE_REQUEST_DIFF_BASE_SHA`, then the branch
   `CI_MERGE_REQUEST_TARGET_BRANCH_NAME`;
3. a push: the commit before it, `before` in GitHub's push payload or GitLab's
   `CI_COMMIT_BEFORE_SHA` (all zeros on a new branch: no base then).

A commit the CI names decides: a shallow clone that lacks it runs every step (and says how to
fetch it) rather than trust a branch ref that may point elsewhere; in a full clone that lacks it
(a force push rewrote it), the base branch's remote-tracking ref is used when there is one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ai_workflow.textfiles import read_utf8, why_unreadable

CI_BASE_VARIABLES = (
    "GITHUB_BASE_REF",
    "GITHUB_EVENT_PATH",
    "CI_MERGE_REQUEST_DIFF_BASE_SHA",
    "CI_MERGE_REQUEST_TARGET_BRANCH_NAME",
    "CI_COMMIT_BEFORE_SHA",
)
"""Every environment variable the CI base is read from (tests clear them all)."""

GITHUB_FIX = "GitHub Actions: actions/checkout with `fetch-depth: 0`"
GITLAB_FIX = "GitLab CI: `variables: {GIT_DEPTH: 0}`"
_COMMIT_ID = re.compile(r"^[0-9a-f]{7,64}$")
_ZERO = re.compile(r"^0+$")


@dataclass(frozen=True)
class CiBase:
    """A base the CI environment names, and how to talk about it."""

    commit: str | None  # the exact base commit, when the CI names one: it decides
    branch: str | None  # the base branch: its remote-tracking ref, when no commit is named
    kind: str  # "pull-request base" | "merge-request base" | "merge-queue base" | "previous push"
    origin: str  # where it came from: "GITHUB_BASE_REF=main", "CI_COMMIT_BEFORE_SHA=1a2b3c4"
    platform: str  # "github" | "gitlab"

    @property
    def branch_refs(self) -> tuple[str, ...]:
        if not self.branch:
            return ()
        return (f"origin/{self.branch}", f"refs/remotes/origin/{self.branch}", self.branch)

    @property
    def fetch(self) -> str:
        """What `git fetch origin ...` brings the base in with."""
        return self.branch or str(self.commit)

    @property
    def shallow_fix(self) -> str:
        return GITHUB_FIX if self.platform == "github" else GITLAB_FIX


def ci_base(environ: Mapping[str, str]) -> tuple[CiBase | None, list[str]]:
    """The CI's base, if its environment names one, and notes on what could not be read."""
    notes: list[str] = []
    payload = _github_event(environ, notes)
    for find in (_github_pull_request, _gitlab_merge_request, _github_push, _gitlab_push):
        found = find(environ, payload)
        if found is not None:
            return found, notes
    return None, notes


def _value(environ: Mapping[str, str], name: str) -> str:
    return environ.get(name, "").strip()


def _commit(value: object) -> str | None:
    """A usable commit id: hexadecimal and not the all-zero id of "no commit"."""
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if _COMMIT_ID.match(value) and not _ZERO.match(value) else None


def _github_event(environ: Mapping[str, str], notes: list[str]) -> dict[str, Any]:
    path = _value(environ, "GITHUB_EVENT_PATH")
    if not path:
        return {}
    # the CI runner's file, outside the target by design: a regular file only
    problem = why_unreadable(path)
    text = None if problem else read_utf8(path)
    try:
        data = json.loads(text) if text is not None else None
    except (ValueError, RecursionError) as exc:
        problem = str(exc)
    if text is None or problem:
        notes.append(f"GitHub event payload {path} could not be read ({problem or 'unreadable'})")
        return {}
    return data if isinstance(data, dict) else {}


def _get(payload: Mapping[str, Any], *keys: str) -> object:
    node: object = payload
    for key in keys:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _origin(*named: tuple[str, str | None]) -> str:
    return ", ".join(f"{name}={value}" for name, value in named if value)


def _github_pull_request(environ: Mapping[str, str], payload: dict[str, Any]) -> CiBase | None:
    branch = _value(environ, "GITHUB_BASE_REF") or None
    sha = _commit(_get(payload, "pull_request", "base", "sha"))
    if sha is not None or branch is not None:
        origin = _origin(("GITHUB_BASE_REF", branch), ("pull_request.base.sha", sha and sha[:7]))
        return CiBase(sha, branch, "pull-request base", origin, "github")
    queue = _commit(_get(payload, "merge_group", "base_sha"))
    if queue is None:
        return None
    origin = _origin(("merge_group.base_sha", queue[:7]))
    return CiBase(queue, None, "merge-queue base", origin, "github")


def _gitlab_merge_request(environ: Mapping[str, str], payload: dict[str, Any]) -> CiBase | None:
    branch = _value(environ, "CI_MERGE_REQUEST_TARGET_BRANCH_NAME") or None
    sha = _commit(_value(environ, "CI_MERGE_REQUEST_DIFF_BASE_SHA"))
    if sha is None and branch is None:
        return None
    origin = _origin(
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", branch),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", sha and sha[:7]),
    )
    return CiBase(sha, branch, "merge-request base", origin, "gitlab")


def _github_push(environ: Mapping[str, str], payload: dict[str, Any]) -> CiBase | None:
    before = _commit(payload.get("before"))
    if before is None:
        return None
    return CiBase(before, None, "previous push", _origin(("before", before[:7])), "github")


def _gitlab_push(environ: Mapping[str, str], payload: dict[str, Any]) -> CiBase | None:
    before = _commit(_value(environ, "CI_COMMIT_BEFORE_SHA"))
    if before is None:
        return None
    origin = _origin(("CI_COMMIT_BEFORE_SHA", before[:7]))
    return CiBase(before, None, "previous push", origin, "gitlab")
