"""Precision of each rule over every labelled finding: which rules were ever right.

Reads the labels in `bench/labels/*.tsv` (see `bench/precision.py`: each label was set by
opening the cited file) and counts, per rule, the findings labelled real, noise and wrong, and
in how many projects. A rule of ours (not a linter's code) that was never real, with findings
in at least `--min-projects` projects and `--min-findings` findings, is listed as a candidate
for info by default: the README's "Findings precision, measured" section records the decision
taken on each (a rule that finds breakage stays shown whatever its share: recall first).

    .venv-test/bin/python bench/rule_precision.py [--exclude-set NAME] [--include-set NAME]
        [--markdown] [--ours]

Prints one summary line, then the table (plain text, or a Markdown table with --markdown).
Labels `?` (not yet labelled) are counted apart and never in the precision.
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from precision import LABELS, LABELS_DIR, LabelCounts, read_labels

from ai_workflow.rules.catalog import load_catalog

FIRST_MEASURING_SET = 4
"""Held-out sets from `held-out-4` on were chosen after the rule decisions below were taken:
they are kept for measuring what was never tuned on, so none is read by default (every new
set `held-out-N` is left out as soon as it is labelled, not only the ones listed by hand);
`--include-set` reads one anyway."""


def measuring_set(name: str) -> bool:
    """Whether a label set is kept for measuring (left out by default): `held-out-N`, N >= 4."""
    prefix, _, number = name.rpartition("-")
    return prefix == "held-out" and number.isdigit() and int(number) >= FIRST_MEASURING_SET


@dataclass
class RuleCounts(LabelCounts):
    rule: str
    counts: Counter[str] = field(default_factory=Counter)
    projects: set[str] = field(default_factory=set)


def label_set(path: Path) -> str:
    """The `# set:` of a label file, read from its header lines only."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            key, _, value = line[1:].partition(":")
            if key.strip() == "set":
                return value.strip().split(" ", 1)[0]
    return "tuning"


def count_rules(files: list[Path]) -> dict[str, RuleCounts]:
    rules: dict[str, RuleCounts] = {}
    for path in files:
        for label in read_labels(path).labels:
            entry = rules.setdefault(label.rule, RuleCounts(label.rule))
            entry.counts[label.label] += 1
            if label.label in LABELS:
                entry.projects.add(path.stem)
    return rules


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--exclude-set",
        action="append",
        help="a label set to leave out (repeatable; default: every held-out set from held-out-4)",
    )
    parser.add_argument(
        "--include-set", action="append", default=[], help="read a set left out by default"
    )
    parser.add_argument("--min-findings", type=int, default=3)
    parser.add_argument("--min-projects", type=int, default=2)
    parser.add_argument("--markdown", action="store_true", help="the table as Markdown")
    parser.add_argument("--ours", action="store_true", help="only our own rules in the table")
    args = parser.parse_args()
    excluded = set(args.exclude_set or [])
    files = [
        p
        for p in sorted(LABELS_DIR.glob("*.tsv"))
        if label_set(p) not in excluded
        and (
            args.exclude_set or not measuring_set(label_set(p)) or label_set(p) in args.include_set
        )
    ]
    rules = count_rules(files)
    catalog = load_catalog()
    rows = []
    for rule, entry in sorted(rules.items()):
        known = catalog.lookup(rule)
        ours = known is not None and not catalog.is_linter_rule(rule)
        severity = known.severity.value if known is not None and not known.family else "-"
        never = (
            ours
            and entry.counts["real"] == 0
            and entry.labelled >= args.min_findings
            and len(entry.projects) >= args.min_projects
        )
        rows.append((entry, "ours" if ours else "linter", severity, never))
    total = sum((e.counts for e in rules.values()), Counter())
    labelled = sum(total[label] for label in LABELS)
    candidates = [r[0].rule for r in rows if r[3]]
    print(
        f"rule precision: {len(files)} projects, {labelled} labelled findings, {len(rules)} rules, "
        f"{sum(1 for r in rows if r[0].counts['real'])} ever real; rules of ours never real "
        f"(>= {args.min_findings} findings in >= {args.min_projects} projects): "
        f"{', '.join(candidates) or 'none'}"
    )
    header = ("rule", "kind", "catalog severity", "real", "noise", "wrong", "projects", "precision")
    if args.markdown:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
    else:
        print("  ".join(f"{h:>9}" if i else f"{h:<36}" for i, h in enumerate(header)))
    for entry, kind, severity, never in rows:
        if args.ours and kind != "ours":
            continue
        c = entry.counts
        share = "n/a" if entry.precision is None else f"{100 * entry.precision:.0f}%"
        mark = " (never real)" if never else ""
        cells = (
            entry.rule,
            kind,
            severity,
            str(c["real"]),
            str(c["noise"]),
            str(c["wrong"]),
            str(len(entry.projects)),
            share + mark,
        )
        if args.markdown:
            print("| " + " | ".join(cells) + " |")
        else:
            print("  ".join(f"{x:>9}" if i else f"{x:<36}" for i, x in enumerate(cells)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
