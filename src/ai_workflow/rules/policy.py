"""The run's rule policy: which findings are reported, how severe, and which are new.

Applied by the engine to every step's findings (deterministic and AI) before the step's status
is derived, in this order:

1. a rule off by default is dropped unless `rules.select` names it (`disabled`);
2. `rules.ignore` and `rules.per_path_ignores` drop findings (`ignored`);
3. an inline `ai-workflow: ignore[...]` directive drops a finding of our own rules
   (`suppressed`; linter rules keep the linter's own directive);
4. a warning in a vendored file (a copy of another project: `ai_workflow.vendored`) becomes
   info, and so does an error found in one of its documents (a link, a script it names: the
   copy is kept as distributed and the project does not publish its docs, as git-secret's
   vendored bats-core); an error in vendored code (it does not parse) stays; the reason is in
   `extra.vendored`; in a release archive committed as is (a tracked `PKG-INFO`, a published
   npm package: `ai_workflow.release_archive`) a finding that a named file or the tests do not
   exist, or a committed `*.egg-info` directory, becomes info, its message saying why
   (`extra.release_archive`);
   a warning in a file of a directory of switched-off code (`off/`, `attic/`...:
   `ai_workflow.retired`), or a broken link there, becomes info, the reason in
   `extra.retired`; so does any error in an `old/` copy of a file that lives beside `old/`
   (the live file is the one that runs);
   then `rules.severity` re-grades findings (the longest matching id or prefix wins);
5. `--new-only` drops findings outside the lines changed since the base (`outside_diff`);
6. every finding gets its fingerprint, and those the baseline knows are marked `baselined`
   (they stay in the files but neither fail the step nor count for the exit code).

Patterns are rule ids or prefixes: see `rule_matches`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from ai_workflow.changes.classify import DOC_EXT
from ai_workflow.findings import Finding, Severity
from ai_workflow.release_archive import (
    archive_explains,
    archive_note,
    release_archive,
    shipped_artefact_note,
)
from ai_workflow.retired import retired_reason, superseded_reason

if TYPE_CHECKING:
    from ai_workflow.config import RulesConfig
    from ai_workflow.rules.baseline import Baseline
    from ai_workflow.rules.catalog import Catalog
    from ai_workflow.rules.newonly import ChangedLines

COUNT_KEYS = ("disabled", "ignored", "suppressed", "outside_diff", "baselined")
"""What the policy did to a step's findings (the engine keeps the counts in the step's data)."""


def pattern_matches(rule_id: str, pattern: str) -> bool:
    """Whether one pattern covers `rule_id`.

    A pattern matches the id itself; a prefix ending in `/` matches every id under it
    (`quality/`, `ruff/`); and a code prefix matches the codes that continue it with digits
    (`ruff/E5` matches `ruff/E501`, `md/MD0` matches `md/MD013`, but `ruff/E` does not match
    `ruff/ERA001`).
    """
    if not pattern or not rule_id.startswith(pattern):
        return False
    rest = rule_id[len(pattern) :]
    return not rest or pattern.endswith("/") or rest.isdigit()


def rule_matches(rule_id: str, patterns: Iterable[str]) -> bool:
    """Whether any of `patterns` (rule ids or prefixes) covers `rule_id`."""
    return any(pattern_matches(rule_id, p) for p in patterns)


def best_match(rule_id: str, patterns: Iterable[str]) -> str | None:
    """The most specific (longest) of `patterns` that covers `rule_id`."""
    found = [p for p in patterns if pattern_matches(rule_id, p)]
    return max(found, key=len) if found else None


class RulePolicy:
    """Implements the engine's `FindingPolicy` for one run."""

    def __init__(
        self,
        target: Path,
        rules: RulesConfig,
        catalog: Catalog,
        *,
        baseline: Baseline | None = None,
        changed: ChangedLines | None = None,
    ) -> None:
        from ai_workflow.changes.globs import GlobSet
        from ai_workflow.rules.sources import SourceLines
        from ai_workflow.rules.suppress import Suppressions
        from ai_workflow.vendored import VendoredFiles

        self.target = target
        self.rules = rules
        self.catalog = catalog
        self.baseline = baseline
        self.changed = changed
        self.sources = SourceLines(target)
        self.suppressions = Suppressions(self.sources)
        self.per_path = [(GlobSet([glob]), ids) for glob, ids in rules.per_path_ignores.items()]
        self.vendored = VendoredFiles(target)
        self.release_archive = release_archive(target)

    def for_step(self, step_id: str) -> StepFilter:
        return StepFilter(self, step_id)

    def to_dict(self) -> dict[str, Any]:
        """The run summary's `rules` block."""
        return {
            "baseline": self.baseline.to_dict() if self.baseline else None,
            "new_only": self.changed.to_dict() if self.changed else None,
        }

    # ------------------------------------------------------------ one finding

    def verdict(self, finding: Finding) -> str | None:
        """Why `finding` is dropped (one of COUNT_KEYS but `baselined`), or None to keep it."""
        rule = finding.rule
        if not self.catalog.enabled_by_default(rule) and not rule_matches(rule, self.rules.select):
            return "disabled"
        if rule_matches(rule, self.rules.ignore) or self._path_ignored(finding):
            return "ignored"
        if not self.catalog.is_linter_rule(rule) and self.suppressions.suppressed(
            rule, finding.path, finding.line
        ):
            return "suppressed"
        if self.changed is not None and not self.changed.keeps(finding):
            return "outside_diff"
        return None

    def _path_ignored(self, finding: Finding) -> bool:
        if not finding.path or not self.per_path:
            return False
        return any(
            globs.matches(finding.path) and rule_matches(finding.rule, ids)
            for globs, ids in self.per_path
        )

    def regrade(self, finding: Finding, baseline: Counter[str] | None) -> Finding:
        """`finding` with its configured severity, its fingerprint and, when `baseline` (the
        step's unused baseline entries) holds the fingerprint, marked baselined (the entry is
        used up)."""
        from ai_workflow.rules.baseline import finding_fingerprint

        pattern = best_match(finding.rule, self.rules.severity)
        severity = Severity(self.rules.severity[pattern]) if pattern is not None else None
        vendored = None
        if finding.severity is Severity.WARNING or (
            finding.severity is Severity.ERROR
            and PurePosixPath((finding.path or "").lower()).suffix in DOC_EXT
        ):
            vendored = self.vendored.reason(finding.path)
            if vendored is not None and severity is None:
                severity = Severity.INFO
        retired = None
        if vendored is None and (
            finding.severity is Severity.WARNING
            or (finding.severity is Severity.ERROR and finding.rule.startswith("links/"))
        ):
            retired = retired_reason(finding.path, self.target)
        elif vendored is None and finding.severity is Severity.ERROR:
            retired = superseded_reason(finding.path, self.target)
        if retired is not None and severity is None:
            severity = Severity.INFO
        print_ = finding.fingerprint or finding_fingerprint(finding, self.sources)
        known = baseline is not None and baseline[print_] > 0
        if known and baseline is not None:
            baseline[print_] -= 1
        extra: dict[str, Any] = {"vendored": vendored} if vendored is not None else {}
        if retired is not None:
            extra["retired"] = retired
        message = None
        archive = self._archive_reason(finding)
        if archive is not None:
            extra["release_archive"] = archive
            message = finding.message + archive_note(archive, finding.rule)
            severity = severity or Severity.INFO
        elif self.release_archive is not None:
            note = shipped_artefact_note(self.release_archive, finding.rule, finding.path)
            message = finding.message + note if note else None
        return finding.graded(
            severity=severity, fingerprint=print_, baselined=known, extra=extra, message=message
        )

    def _archive_reason(self, finding: Finding) -> str | None:
        """Why a finding may be the release archive's doing (None: it is not)."""
        if self.release_archive is None or finding.severity is Severity.INFO:
            return None
        explained = archive_explains(finding.rule, finding.path)
        return self.release_archive if explained else None


class StepFilter:
    """One step's findings through the policy. `apply` may be called more than once (the
    deterministic findings, then what the AI review added); `raw` keeps every finding as
    given, so a later run can apply its own policy to a reused result. Each filter matches
    against its own copy of the step's baseline entries, so applying the policy again to the
    same findings gives the same answer."""

    def __init__(self, policy: RulePolicy, step_id: str) -> None:
        self.policy = policy
        self.raw: list[Finding] = []
        self._counts: Counter[str] = Counter()
        self._baseline = policy.baseline.counter(step_id) if policy.baseline else None

    def apply(self, findings: Sequence[Finding]) -> list[Finding]:
        self.raw.extend(findings)
        kept: list[Finding] = []
        for finding in findings:
            why = self.policy.verdict(finding)
            if why is not None:
                self._counts[why] += 1
                continue
            graded = self.policy.regrade(finding, self._baseline)
            if graded.baselined:
                self._counts["baselined"] += 1
            kept.append(graded)
        return kept

    def counts(self) -> dict[str, int]:
        return {key: self._counts[key] for key in COUNT_KEYS if self._counts[key]}


def build_policy(
    target: Path,
    rules: RulesConfig,
    *,
    baseline: Baseline | None = None,
    changed: ChangedLines | None = None,
) -> RulePolicy:
    from ai_workflow.rules.catalog import load_catalog

    return RulePolicy(target, rules, load_catalog(), baseline=baseline, changed=changed)


def merge_counts(counts: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for item in counts:
        total.update(item)
    return {key: total[key] for key in COUNT_KEYS if total[key]}
