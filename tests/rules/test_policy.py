"""The pieces of the rule policy on their own: id/prefix matching, inline directives, baseline
fingerprints (a property: line moves never make a known finding new), changed-line parsing."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.config import RulesConfig
from ai_workflow.findings import Finding, Severity
from ai_workflow.rules.baseline import (
    BASELINE_SCHEMA,
    BaselineError,
    baseline_document,
    load_baseline,
)
from ai_workflow.rules.newonly import ChangedLines, parse_added_lines
from ai_workflow.rules.policy import best_match, build_policy, rule_matches
from ai_workflow.rules.sources import SourceLines
from ai_workflow.rules.suppress import Suppressions, line_directive


@pytest.mark.parametrize(
    ("rule", "patterns", "expected"),
    [
        ("md/MD013", ["md/MD013"], True),
        ("md/MD013", ["md/"], True),
        ("md/MD013", ["md/MD0"], True),  # a code prefix: digits follow
        ("ruff/E501", ["ruff/E"], True),
        ("ruff/ERA001", ["ruff/E"], False),  # another code family, not E
        ("docs/missing-docstring", ["docs/missing"], False),  # names are not prefixes
        ("docs/missing-docstring", ["docs"], False),  # an area needs its slash
        ("quality/long-file", ["quality/", "md/"], True),
        ("quality/long-file", [], False),
    ],
)
def test_rule_matches(rule: str, patterns: list[str], expected: bool) -> None:
    assert rule_matches(rule, patterns) is expected


def test_the_most_specific_severity_wins() -> None:
    assert best_match("quality/long-file", ["quality/", "quality/long-file"]) == (
        "quality/long-file"
    )
    assert best_match("ruff/E501", ["ruff/", "ruff/E5"]) == "ruff/E5"
    assert best_match("md/MD013", ["ruff/"]) is None


@given(st.from_regex(r"[a-z]{1,6}/[a-z0-9-]{1,12}", fullmatch=True))
def test_an_id_and_its_area_always_match(rule: str) -> None:
    assert rule_matches(rule, [rule]) and rule_matches(rule, [rule.split("/")[0] + "/"])


@pytest.mark.parametrize(
    ("line", "standalone", "expected"),
    [
        ("x = 1  # ai-workflow: ignore[quality/long-file]", False, ["quality/long-file"]),
        ("x = 1  # ai-workflow: ignore[quality/long-file]", True, []),  # not for the next line
        ("    # ai-workflow: ignore[a/b, c/]", True, ["a/b", "c/"]),
        ("// ai-workflow: ignore[links/broken-link]", True, ["links/broken-link"]),
        ("<!-- ai-workflow: ignore[links/] -->", True, ["links/"]),
        ("  -- ai-workflow:ignore[sql/x]", True, ["sql/x"]),
        ("/* ai-workflow: ignore[x/y] */ int a;", True, ["x/y"]),
        ("# ai-workflow: ignore-file[x/y]", False, []),  # file-wide, handled apart
        ("# ai-workflow: ignore[]", False, []),
    ],
)
def test_line_directives(line: str, standalone: bool, expected: list[str]) -> None:
    assert line_directive(line, standalone=standalone) == expected


def test_suppressions_same_line_line_above_and_file_wide(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "import os  # ai-workflow: ignore[quality/deep-nesting]\n"
        "# ai-workflow: ignore[quality/complex-function, docs/]\n"
        "def f(): pass\n"
        "def g(): pass\n"
    )
    (tmp_path / "b.md").write_text("text\n<!-- ai-workflow: ignore-file[links/broken-link] -->\n")
    check = Suppressions(SourceLines(tmp_path)).suppressed
    assert check("quality/deep-nesting", "a.py", 1)
    assert not check("quality/deep-nesting", "a.py", 2)  # a trailing directive is its line's
    assert check("quality/complex-function", "a.py", 3)
    assert check("docs/missing-docstring", "a.py", 3)
    assert not check("quality/complex-function", "a.py", 4)  # only the next line
    assert check("links/broken-link", "b.md", 1) and check("links/broken-link", "b.md", None)
    assert not check("links/broken-anchor", "b.md", 1)
    assert not check("quality/long-file", "../a.py", 1)  # outside the target: never read
    assert not check("quality/long-file", None, None)


def _finding(rule: str, path: str | None, line: int | None, message: str = "m") -> Finding:
    return Finding(rule, Severity.WARNING, message, path, line, step="s")


def test_the_policy_in_order(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x\n# ai-workflow: ignore[docs/missing-docstring]\ny\n")
    rules = RulesConfig(
        select=["docs/missing-module-docstring"],
        ignore=["ruff/E5"],
        severity={"quality/": "error", "quality/long-file": "info"},
        per_path_ignores={"tests/**": ["docs/"]},
    )
    screen = build_policy(tmp_path, rules).for_step("s")
    kept = screen.apply(
        [
            _finding("ruff/E501", "a.py", 1),  # ignored
            _finding("ruff/F401", "a.py", 1),  # kept
            _finding("docs/missing-docstring", "a.py", 3),  # suppressed by the line above
            _finding("docs/missing-docstring", "tests/t.py", 3),  # per-path ignore
            _finding("docs/missing-module-docstring", "a.py", 1),  # off by default, selected
            _finding("quality/complex-function", "a.py", 1),  # re-graded error
            _finding("quality/long-file", "a.py", 1),  # the longer pattern: info
        ]
    )
    assert [(f.rule, f.severity.value) for f in kept] == [
        ("ruff/F401", "warning"),
        ("docs/missing-module-docstring", "warning"),
        ("quality/complex-function", "error"),
        ("quality/long-file", "info"),
    ]
    assert screen.counts() == {"ignored": 2, "suppressed": 1}
    assert len(screen.raw) == 7 and all(f.fingerprint for f in kept)
    off = build_policy(tmp_path, RulesConfig()).for_step("s")
    assert off.apply([_finding("docs/missing-module-docstring", "a.py", 1)]) == []
    assert off.counts() == {"disabled": 1}


def test_linter_rules_keep_their_own_directives(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("import os  # ai-workflow: ignore[ruff/F401]\n")
    screen = build_policy(tmp_path, RulesConfig()).for_step("s")
    assert [f.rule for f in screen.apply([_finding("ruff/F401", "a.py", 1)])] == ["ruff/F401"]


# ------------------------------------------------------------------------------ baseline


def _baseline(tmp_path: Path, findings: list[Finding]) -> Path:
    """Run `findings` through a policy (it fingerprints them) and write them as a baseline."""
    graded = build_policy(tmp_path, RulesConfig()).for_step("s").apply(findings)
    path = tmp_path / ".ai-workflow-baseline.json"
    path.write_text(json.dumps(baseline_document([f.to_dict() for f in graded], "r1")))
    return path


def _new_after(tmp_path: Path, baseline: Path, findings: list[Finding]) -> list[Finding]:
    policy = build_policy(tmp_path, RulesConfig(), baseline=load_baseline(baseline))
    return [f for f in policy.for_step("s").apply(findings) if not f.baselined]


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.text("abcxyz =()", min_size=1, max_size=12), min_size=1, max_size=12),
    cited=st.lists(st.integers(min_value=0, max_value=11), max_size=8),
    inserts=st.lists(st.integers(min_value=0, max_value=12), max_size=6),
    order=st.randoms(use_true_random=False),
)
def test_baseline_matching_survives_blank_lines_and_reordering(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[str],
    cited: list[int],
    inserts: list[int],
    order: object,
) -> None:
    root = tmp_path_factory.mktemp("p")
    (root / "f.py").write_text("\n".join(lines) + "\n")
    before = [_finding("quality/x", "f.py", i % len(lines) + 1, "msg") for i in cited]
    baseline = _baseline(root, before)
    # insert blank lines, and move each finding with its line
    moved_lines = list(lines)
    line_of = list(range(len(lines)))  # original index -> new index
    for at in sorted(inserts, reverse=True):
        at = min(at, len(moved_lines))
        moved_lines.insert(at, "")
        line_of = [n + 1 if n >= at else n for n in line_of]
    (root / "f.py").write_text("\n".join(moved_lines) + "\n")
    after = [_finding("quality/x", "f.py", line_of[(f.line or 1) - 1] + 1, "msg") for f in before]
    order.shuffle(after)  # type: ignore[attr-defined]
    assert _new_after(root, baseline, after) == []
    extra = after[:1]  # one more of an identical finding: the multiset says it is new
    assert len(_new_after(root, baseline, after + extra)) == len(extra)


def test_a_changed_line_is_a_new_finding(tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("x = compute(1)\n")
    baseline = _baseline(tmp_path, [_finding("quality/x", "f.py", 1, "line 1: too long")])
    (tmp_path / "f.py").write_text("\n\nx = compute(1)\ny = other(2)\n")
    moved = _finding("quality/x", "f.py", 3, "line 3: too long")  # digits do not matter
    fresh = _finding("quality/x", "f.py", 4, "line 4: too long")
    assert _new_after(tmp_path, baseline, [moved, fresh]) == [
        _new_after(tmp_path, baseline, [fresh])[0]
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON (line 1"),
        ('{"schema": "other@1", "findings": []}', "is not an ai-workflow baseline"),
        ("[]", "is not an ai-workflow baseline"),
        (json.dumps({"schema": BASELINE_SCHEMA}), "has no 'findings' list"),
        (json.dumps({"schema": BASELINE_SCHEMA, "findings": [{"x": 1}]}), "findings[0]"),
    ],
)
def test_an_unusable_baseline_says_why(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / ".ai-workflow-baseline.json"
    path.write_text(content)
    with pytest.raises(BaselineError, match="ai-workflow baseline") as caught:
        load_baseline(path)
    assert message in str(caught.value)


def test_baseline_entries_are_per_step_multisets(tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("x\n")
    baseline = _baseline(tmp_path, [_finding("a/b", "f.py", 1)] * 2)
    loaded = load_baseline(baseline)
    assert loaded is not None and loaded.counter("s") == Counter(
        {e["fingerprint"]: 2 for e in loaded.entries}
    )
    assert loaded.counter("other-step") == Counter()


# ------------------------------------------------------------------------------ --new-only

PATCH = """\
diff --git a/src/a.py b/src/a.py
--- a/src/a.py
+++ b/src/a.py
@@ -3,0 +4,2 @@ def f():
+    one
+    two
@@ -10 +12 @@
-old
+new
@@ -20,3 +21,0 @@
diff --git a/gone.py b/gone.py
--- a/gone.py
+++ /dev/null
@@ -1 +0,0 @@
-x
diff --git "a/sp ace\\303\\251.md" "b/sp ace\\303\\251.md"
--- "a/sp ace\\303\\251.md"
+++ "b/sp ace\\303\\251.md"
@@ -1 +1 @@
-a
+b
"""


def test_added_lines_from_a_zero_context_patch() -> None:
    assert parse_added_lines(PATCH) == {"src/a.py": {4, 5, 12}, "sp aceé.md": {1}}


def test_what_new_only_keeps() -> None:
    changed = ChangedLines("base", frozenset({"new.py"}), {"src/a.py": frozenset({4, 5})})
    assert changed.keeps(_finding("x/y", "src/a.py", 4))
    assert not changed.keeps(_finding("x/y", "src/a.py", 6))
    assert changed.keeps(_finding("x/y", "new.py", 99))  # an untracked or added file
    assert changed.keeps(_finding("x/y", "src/a.py", None))  # file-level, the file changed
    assert changed.keeps(_finding("x/y", "src", None))  # a directory holding a change
    assert not changed.keeps(_finding("x/y", "other.py", None))
    assert changed.keeps(_finding("x/y", None, None))  # no path: a failing test command
