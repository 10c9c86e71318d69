"""The rule catalog: complete (every id the code emits is in it), nothing stale, well formed, and
what `ai-workflow rules` prints of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_workflow.cli import main
from ai_workflow.rules.catalog import Catalog, CatalogError, load_catalog, parse_catalog
from ai_workflow.steps import builtin_steps
from tests.rules.source_scan import Emitted, scan

PSEUDO_STEPS = {"any", "custom"}


def problems(catalog: Catalog, emitted: Emitted) -> list[str]:
    """What is wrong between the catalog and the source, one line each."""
    out = []
    for rule, files in sorted(emitted.literals.items()):
        if rule not in catalog.rules:
            out.append(f"{rule} (emitted in {', '.join(sorted(files))}) is not in the catalog")
    for rule, files in sorted(emitted.positioned.items()):
        if rule not in catalog.rules and catalog.family_of(rule) is None:
            out.append(f"{rule} (emitted in {', '.join(sorted(files))}) is not in the catalog")
    for family, files in sorted(emitted.families.items()):
        if family not in catalog.families:
            out.append(f"ids {family}... (in {', '.join(sorted(files))}) have no family entry")
    for suffix, files in sorted(emitted.suffixes.items()):
        if not any(rule.endswith(suffix) for rule in catalog.rules):
            out.append(f"ids ending in {suffix} (in {', '.join(sorted(files))}) are not listed")
    emitted_ids = set(emitted.literals) | set(emitted.positioned)
    for rule in sorted(catalog.rules):
        by_suffix = any(rule.endswith(s) and rule.split("/")[0] + "/" in emitted.families
                        for s in emitted.suffixes)  # fmt: skip
        if rule not in emitted_ids and not by_suffix:
            out.append(f"{rule} is in the catalog but nothing emits it")
    for family in sorted(catalog.families):
        if family not in emitted.families:
            out.append(f"family {family} is in the catalog but nothing emits ids under it")
    return out


def _areas(catalog: Catalog) -> set[str]:
    return {prefix.rstrip("/") for prefix in catalog.prefixes}


def test_the_catalog_lists_every_emitted_rule_and_nothing_else() -> None:
    catalog = load_catalog()
    assert problems(catalog, scan(_areas(catalog))) == []


def test_the_scan_notices_a_missing_and_a_stale_rule(tmp_path: Path) -> None:
    (tmp_path / "step.py").write_text(
        "def run(outcome):\n"
        '    outcome.add("docs/missing-docstring", "warning", "m")\n'
        '    outcome.add("security/new-check", "error", "m")\n'  # a new area
        '    rule = "docs/brand-new"\n'  # a known area
        '    outcome.add(f"newtool/{code}", "warning", "m")\n'
    )
    catalog = load_catalog()
    found = problems(catalog, scan(_areas(catalog), root=tmp_path))
    assert any(p.startswith("security/new-check (emitted in step.py)") for p in found)
    assert any(p.startswith("docs/brand-new (emitted in step.py)") for p in found)
    assert any(p.startswith("ids newtool/... (in step.py)") for p in found)
    assert "docs/readme-missing-section is in the catalog but nothing emits it" in found
    assert "docs/missing-docstring is in the catalog but nothing emits it" not in found


def test_every_entry_names_real_steps_and_is_one_line() -> None:
    catalog = load_catalog()
    steps = {step.spec.id for step in builtin_steps()} | PSEUDO_STEPS
    for rule in catalog:
        assert set(rule.steps) <= steps, rule.id
        assert rule.description.endswith(".") and rule.fix.endswith("."), rule.id
    assert not catalog.rules["docs/missing-module-docstring"].enabled
    assert catalog.lookup("ruff/F401") is catalog.families["ruff/"]
    assert catalog.lookup("ruff/syntax-error") is catalog.rules["ruff/syntax-error"]
    assert catalog.is_linter_rule("md/MD013") and not catalog.is_linter_rule("ai/anything")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (
            '["Docs/x"]\nstep="a"\nseverity="info"\ndescription="long enough"\nfix="fixit"',
            "is not a rule id",
        ),
        (
            '["docs/x"]\nstep="a"\nseverity="fatal"\ndescription="long enough"\nfix="fix."',
            "severity",
        ),
        (
            '["docs/x"]\nstep="a"\nseverity="info"\ndescription="long enough"\nfix="one\\nand two."',
            "one line",
        ),
        (
            '["docs/x"]\nstep="a"\nseverity="info"\ndescripton="typo here"\nfix="fixit"',
            "descripton",
        ),
    ],
)
def test_a_malformed_entry_is_named(text: str, problem: str) -> None:
    with pytest.raises(CatalogError, match=r"\['[dD]ocs/x'\]") as caught:
        parse_catalog(text)
    assert problem in str(caught.value)


def test_adding_an_entry_is_one_table() -> None:
    catalog = parse_catalog(
        '["sec/leak"]\nstep = "code_quality"\nseverity = "error"\n'
        'description = "A secret is committed."\nfix = "Rotate it and remove it."\n'
    )
    assert catalog.rules["sec/leak"].enabled and catalog.rules["sec/leak"].steps == (
        "code_quality",
    )


@pytest.mark.parametrize(
    ("pattern", "hint"),
    [
        ("docs/missing-docstrng", "docs/missing-docstring"),
        ("qualty/", "quality/"),
        ("quality", "quality/"),
        ("links/broken-anker", "links/broken-anchor"),
        ("zzz/qqq", None),
    ],
)
def test_unknown_patterns_get_the_closest_known_one(pattern: str, hint: str | None) -> None:
    problem = load_catalog().check_pattern(pattern)
    assert problem is not None and f"unknown rule id or prefix '{pattern}'" in problem
    assert (f"did you mean '{hint}'?" in problem) if hint else "did you mean" not in problem


@pytest.mark.parametrize(
    "pattern",
    ["md/MD013", "ruff/F401", "ruff/E5", "quality/", "ruff/", "ai/", "ai/bug", "eslint/react/x"],
)
def test_known_patterns(pattern: str) -> None:
    assert load_catalog().check_pattern(pattern) is None


def test_rules_json_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    by_id = {row["id"]: row for row in rows}
    assert len(rows) == len(load_catalog())
    assert set(rows[0]) == {"id", "family", "step", "severity", "enabled", "description", "fix",
                            "docs"}  # fmt: skip
    assert by_id["links/broken-anchor"]["severity"] == "error"
    assert by_id["docs/missing-module-docstring"]["enabled"] is False
    assert by_id["ruff/"]["family"] is True and by_id["ruff/"]["docs"].startswith("https://")


def test_rules_text_fits_80_columns_and_never_cuts_an_id(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["rules"]) == 0  # stdout is not a terminal under pytest: the pipe width
    out = capsys.readouterr().out
    ids = {rule.id for rule in load_catalog()}
    heads = [line.split("  ")[0] for line in out.splitlines() if line and line[0] != " "]
    assert ids <= set(heads)
    for line in out.splitlines():
        assert len(line) <= 80 or line.split()[0] in ids or "Docs: " in line, line
    assert "docs/missing-module-docstring  documentation, info, off" in out


def test_rules_filter_and_bad_pattern(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "quality/", "--json"]) == 0
    ids = {row["id"] for row in json.loads(capsys.readouterr().out)}
    assert ids == {"quality/complex-function", "quality/deep-nesting", "quality/long-file",
                   "quality/long-function"}  # fmt: skip
    assert main(["rules", "qualty/"]) == 2
    assert "did you mean 'quality/'?" in capsys.readouterr().err
