"""flake8 configurations as ruff options: the parsing, and step 9 running the real ruff with them."""

from __future__ import annotations

from pathlib import Path

from ai_workflow.engine.step import StepOutcome
from ai_workflow.lint.flake8_config import flake8_translation, rejected_selector, translate
from ai_workflow.steps import code_quality
from tests.helpers import make_repo, step_context

UNUSED = "import os\n\n\ndef f():\n    x = 1\n"  # F401 (os) and F841 (x)


def _ruff_findings(target: Path) -> tuple[set[str], str]:
    outcome: StepOutcome = code_quality.run(step_context(target, code_quality.SPEC))
    rules = {f.rule for f in outcome.findings if f.rule.startswith("ruff/") and f.path == "m.py"}
    checked = next(c for c in outcome.checked if c.startswith("ruff"))
    return rules, checked


def test_flake8_ignore_is_honoured_and_other_rules_still_reported(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", {"m.py": UNUSED, "setup.cfg": "[flake8]\nignore = F401\n"})
    rules, checked = _ruff_findings(repo)
    assert "ruff/F401" not in rules
    assert "ruff/F841" in rules
    assert "flake8 configuration honoured (setup.cfg [flake8])" in checked


def test_without_flake8_configuration_the_ignored_rule_is_reported(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", {"m.py": UNUSED, "setup.cfg": "[metadata]\nname = p\n"})
    rules, checked = _ruff_findings(repo)
    assert {"ruff/F401", "ruff/F841"} <= rules
    assert "flake8" not in checked


def test_ruff_configuration_wins_over_flake8(tmp_path: Path) -> None:
    files = {
        "m.py": UNUSED,
        ".flake8": "[flake8]\nignore = F401\n",
        "pyproject.toml": '[tool.ruff]\nline-length = 100\n[tool.ruff.lint]\nselect = ["F"]\n',
    }
    rules, checked = _ruff_findings(make_repo(tmp_path / "p", files))
    assert "ruff/F401" in rules
    assert "flake8" not in checked


def test_malformed_setup_cfg_is_skipped_with_a_note(tmp_path: Path) -> None:
    files = {"m.py": UNUSED, "setup.cfg": "[flake8\nignore = F401\n"}
    rules, checked = _ruff_findings(make_repo(tmp_path / "p", files))
    assert {"ruff/F401", "ruff/F841"} <= rules
    assert "setup.cfg does not parse" in checked


def test_codes_ruff_does_not_know_are_dropped_and_the_rest_kept(tmp_path: Path) -> None:
    files = {"m.py": UNUSED, "tox.ini": "[flake8]\nextend-ignore = W503, E12, F401\n"}
    rules, checked = _ruff_findings(make_repo(tmp_path / "p", files))
    assert "ruff/F401" not in rules
    assert "ruff/F841" in rules
    assert "W503 (unknown to this ruff)" in checked and "E12 (unknown to this ruff)" in checked


def test_select_chooses_the_rules_reported(tmp_path: Path) -> None:
    trailing = "VALUE = 1   \n"  # W291: outside ruff's classic defaults, chosen by `select = W`
    files = {"m.py": trailing, ".flake8": "[flake8]\nselect = E, W, B\n"}
    rules, checked = _ruff_findings(make_repo(tmp_path / "p", files))
    assert rules == {"ruff/W291"}
    assert "not carried over: B" in checked
    plain = make_repo(tmp_path / "q", {"m.py": trailing})
    assert _ruff_findings(plain)[0] == set()


def test_translation_of_every_option() -> None:
    options = {
        "select": "C,E,F,W,B950",
        "ignore": "E203 # black",
        "per-file-ignores": "\n  src/pkg/__init__.py:F401\n  tests/*: E501, F811 B001 ./docs/conf.py:E402",
        "exclude": ".git,./build/",
        "max-line-length": "88",
        "max-complexity": "12",
    }
    translation = translate(options, "tox.ini [flake8]")
    assert translation.select == ("C90", "E", "F", "W")
    assert translation.ignore == ("E203",)
    assert translation.per_file_ignores == (
        ("src/pkg/__init__.py", "F401"),
        ("tests/*", "E501"),
        ("tests/*", "F811"),
        ("docs/conf.py", "E402"),
    )
    assert translation.exclude == (".git", "build")
    assert translation.line_length == 88 and translation.max_complexity == 12
    assert set(translation.dropped) == {"B950", "#", "black", "B001"}
    args = translation.args()
    assert args[:2] == ["--select", "C90,E,F,W"]
    assert args[-2:] == ["--config", "lint.mccabe.max-complexity = 12"]


def test_mccabe_only_with_max_complexity() -> None:
    assert translate({"select": "C,F"}, "x").select == ("F",)
    assert translate({"max-complexity": "10"}, "x").extend_select == ("C901",)
    assert translate({}, "x").extend_select == ()


def test_first_file_with_a_flake8_section_wins(tmp_path: Path) -> None:
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = x\n")
    (tmp_path / "tox.ini").write_text("[flake8]\nignore = E1\n")
    (tmp_path / ".flake8").write_text("[flake8]\nignore = F401\n")
    translation, notes = flake8_translation(tmp_path)
    assert translation is not None and translation.source == "tox.ini [flake8]"
    assert translation.ignore == ("E1",) and notes == []


def test_rejected_selector_is_read_from_ruff_errors() -> None:
    assert rejected_selector("  Cause: Unknown rule selector `W503` in `ignore`") == "W503"
    assert rejected_selector("Cause: Rule `E999` was removed and cannot be selected.") == "E999"
    assert rejected_selector("error: invalid value 'X1' for '--extend-ignore'") == "X1"
    assert rejected_selector("All checks passed!") is None


BARE_EXCEPT = "def f():\n    try:\n        return 1\n    except:\n        return 2\n"  # E722
TOOL_FLAKE8 = """\
[project]
name = "p"

[tool.flake8]
ignore = [
    "D",
    "E203","E722",
    "W503",
]
exclude = [".venv", "build", "gen"]
per-file-ignores = ["pkg/__init__.py:F401"]
max-line-length = 79
"""


def test_pyproject_tool_flake8_is_honoured(tmp_path: Path) -> None:
    """Mako's flake8 configuration is `[tool.flake8]` in pyproject.toml, which flake8 reads
    through the Flake8-pyproject plug-in (tox runs `flake8p`): its `ignore` lists E722, so
    its bare excepts are the project's choice; what it does not ignore is still reported."""
    files = {"m.py": BARE_EXCEPT + UNUSED, "gen/g.py": UNUSED, "pyproject.toml": TOOL_FLAKE8}
    repo = make_repo(tmp_path / "p", files)
    rules, checked = _ruff_findings(repo)
    assert "ruff/E722" not in rules
    assert {"ruff/F401", "ruff/F841"} <= rules
    assert "flake8 configuration honoured (pyproject.toml [tool.flake8])" in checked
    translation, notes = flake8_translation(repo)
    assert translation is not None and notes == []
    assert translation.ignore == ("E203", "E722", "W503")  # W503: dropped when ruff rejects it
    assert translation.exclude == (".venv", "build", "gen")
    assert translation.per_file_ignores == (("pkg/__init__.py", "F401"),)
    assert translation.line_length == 79
    assert "D" in translation.dropped and "W503 (unknown to this ruff)" in checked


def test_pyproject_without_tool_flake8_leaves_the_bare_except_reported(tmp_path: Path) -> None:
    files = {"m.py": BARE_EXCEPT, "pyproject.toml": '[project]\nname = "p"\n'}
    repo = make_repo(tmp_path / "p", files)
    assert flake8_translation(repo) == (None, [])
    outcome: StepOutcome = code_quality.run(step_context(repo, code_quality.SPEC))
    assert any(f.rule == "ruff/E722" and f.path == "m.py" for f in outcome.findings)


def test_flake8s_own_files_win_over_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(TOOL_FLAKE8)
    (tmp_path / "setup.cfg").write_text("[flake8]\nignore = F401\n")
    translation, _ = flake8_translation(tmp_path)
    assert translation is not None and translation.source == "setup.cfg [flake8]"
    assert translation.ignore == ("F401",)


def test_malformed_pyproject_is_skipped_with_a_note(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.flake8\nignore = ['E722']\n")
    translation, notes = flake8_translation(tmp_path)
    assert translation is None
    assert notes and notes[0].startswith("pyproject.toml does not parse")
