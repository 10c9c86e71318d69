"""Rule control: the catalog of rule ids, the run's policy (select, ignore, severity, per-path
ignores), inline suppressions, the baseline and `--new-only`.

Import `ai_workflow.rules.policy.rule_matches` to test an id against ids or prefixes.
"""
