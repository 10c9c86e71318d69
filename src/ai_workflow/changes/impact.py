"""Change type and impact of a classified change set.

Impact, in the spirit of the original (thresholds in `smart_execution.impact`):
- `unknown`: the change set could not be determined (everything runs);
- `high`: more than `high_code_files` (5) code files changed, or dependencies and code together;
- `low`: no code, tests or scripts changed;
- `medium`: otherwise.

Change type: `none` (nothing changed), `<category>-only` for a single category (docs-only,
tests-only, config-only, deps-only, scripts-only, code-only, ...), `full-stack` when code, tests
and docs all changed, `mixed` for any other combination, `unknown`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ai_workflow.config import ImpactThresholds

UNKNOWN = "unknown"
RISKY = ("code", "tests", "scripts")


def change_type(files: Mapping[str, Sequence[str]] | None) -> str:
    if files is None:
        return UNKNOWN
    changed = {cat for cat, paths in files.items() if paths}
    if not changed:
        return "none"
    if len(changed) == 1:
        return f"{next(iter(changed))}-only"
    if {"code", "tests", "docs"} <= changed:
        return "full-stack"
    return "mixed"


def impact(
    files: Mapping[str, Sequence[str]] | None, thresholds: ImpactThresholds
) -> tuple[str, str]:
    """The impact level and a short reason for it."""
    if files is None:
        return UNKNOWN, "the change set is unknown"
    code = len(files.get("code", ()))
    if code > thresholds.high_code_files:
        return "high", f"{code} code files changed (more than {thresholds.high_code_files})"
    if code and files.get("deps"):
        return "high", "dependencies and code changed together"
    if not any(files.get(cat) for cat in RISKY):
        return "low", "no code, tests or scripts changed"
    changed = ", ".join(f"{cat} ({len(files[cat])})" for cat in RISKY if files.get(cat))
    return "medium", f"changed: {changed}"
