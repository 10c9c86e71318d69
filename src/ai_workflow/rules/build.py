"""The rule policy of one run, from the configuration, the baseline file and `--new-only`."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.config import Config
from ai_workflow.engine.metrics import read_history
from ai_workflow.rules.baseline import BASELINE_FILE, load_baseline
from ai_workflow.rules.newonly import changed_lines
from ai_workflow.rules.policy import RulePolicy, build_policy


def build_run_policy(target: Path, config: Config) -> RulePolicy:
    """The policy a run applies. Raises UsageError (exit 2) for an unusable baseline file and
    for `--new-only` without a base to compare with."""
    baseline = load_baseline(target / BASELINE_FILE)
    changed = changed_lines(target, config, read_history(target)) if config.run.new_only else None
    return build_policy(target, config.rules, baseline=baseline, changed=changed)


def describe(policy: RulePolicy) -> list[str]:
    """One line per part of the policy that changes what is reported, for the console."""
    lines = []
    if policy.baseline is not None:
        lines.append(
            f"baseline: {len(policy.baseline.entries)} known finding(s) in "
            f"{policy.baseline.path.name}; only new ones are reported"
        )
    if policy.changed is not None:
        facts = policy.changed.to_dict()
        lines.append(
            f"--new-only: findings on the {facts['files']} file(s) changed since "
            f"{policy.changed.base}"
        )
    return lines
