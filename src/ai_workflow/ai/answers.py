"""Checks on the model's findings before they join a step's: a closed set of rule ids per step,
and a location that exists in the project.

Rules: a finding may use one of the step's own rule ids (the catalog's literal ids of that
step: the model explains or extends a deterministic check) or one of the `ai/*` review ids
below. Any other rule becomes `GENERIC_RULE` (`ai/review`), the model's own name kept in
`extra.model_rule`: a useful comment under a made-up name is kept, and the ids a user can
select, ignore or baseline stay a known, documented set.

Locations: the cited path must be an existing regular file inside the project (not through a
symlink out of it, not under `.git` or the work directory), and the line must be within it.
A finding that fails is dropped, and counted.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from ai_workflow.ai.schema import safe_relative_path
from ai_workflow.rules.catalog import load_catalog
from ai_workflow.textfiles import read_bytes
from ai_workflow.workdir import is_workdir_path

REVIEW_RULES = (
    "ai/bug",
    "ai/security",
    "ai/performance",
    "ai/maintainability",
    "ai/missing-test",
    "ai/docs-mismatch",
)
"""The `ai/*` ids a model may give a finding, whatever the step (each is in the catalog)."""
GENERIC_RULE = "ai/review"
"""What a finding under any other rule id is reported as."""
MAX_CITED_BYTES = 5_000_000
"""A cited file longer than this is not read to check the line: the finding is dropped."""
_TOOL_STATE = re.compile(r"/(?:.*-failed|.*-unavailable|.*unreadable.*|committed|pushed)$")
"""Ids that report on a tool's own run (it failed, is missing, wrote nothing readable), not on
the project: the model cannot know these, so it is not offered them."""


@functools.cache
def allowed_rules(step_id: str) -> tuple[str, ...]:
    """The rule ids a model's finding may carry in step `step_id`, sorted."""
    own = {
        rule.id
        for rule in load_catalog().rules.values()
        if step_id in rule.steps
        and not rule.id.startswith("ai/")
        and not _TOOL_STATE.search(rule.id)
    }
    return tuple(sorted(own)) + REVIEW_RULES + (GENERIC_RULE,)


def _slug(rule: str) -> str:
    slug = re.sub(r"[^a-z0-9/-]+", "-", rule.strip().lower()).strip("-/")
    return re.sub(r"-{2,}", "-", slug)


def checked_rule(rule: str, step_id: str) -> tuple[str, bool]:
    """(the rule id to report, whether it is the model's own), for a finding of `step_id`:
    the id itself when allowed (also written without its `ai/` prefix, or in another case),
    else `GENERIC_RULE` and False."""
    allowed = set(allowed_rules(step_id))
    slug = _slug(rule)
    for candidate in (rule.strip(), slug, f"ai/{slug}"):
        if candidate in allowed:
            return candidate, True
    return GENERIC_RULE, False


def location_problem(target: Path, path: str | None, line: int | None) -> str | None:
    """Why a finding's `path:line` cannot be cited (None: it can)."""
    if not path:
        return "no file cited"
    safe = safe_relative_path(path)
    if safe is None or is_workdir_path(target, safe):
        return f"path outside the project: {path!r}"
    data = read_bytes(target / safe, limit=MAX_CITED_BYTES, root=target)
    if data is None:
        return f"no such file in the project: {path!r}"
    if line is None:
        return f"no line cited in {safe}"
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    if not 1 <= line <= lines:
        return f"line {line} is not in {safe} ({lines} lines)"
    return None
