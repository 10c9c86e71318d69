"""Configuration values that gave a traceback or were accepted silently: each is one clear
message and exit code 2, through the real command line."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_workflow.changes.classify import CATEGORIES
from ai_workflow.cli import main
from ai_workflow.config import CHANGE_CATEGORIES, load_config
from ai_workflow.config_schema import config_schema
from ai_workflow.errors import ConfigError

BIG_INT = "1" * 5001
DEEP_YAML = "[" * 5000 + "]" * 5000
DEEP_TOML = "[" * 5000 + "]" * 5000


def _exit_code(capsys: pytest.CaptureFixture[str], target: Path, *args: str) -> tuple[int, str]:
    code = main(["run", "--target", str(target), "--auto", "--dry-run", *args])
    err = capsys.readouterr().err
    return code, err


YAML_CASES = {
    "infinite cache size": "ai:\n  cache_max_mb: .inf\n",
    "huge cache size": "ai:\n  cache_max_mb: 1e308\n",
    "5,001-digit integer": f"run:\n  jobs: {BIG_INT}\n",
    "5,001-digit integer as a key": f"{BIG_INT}: 1\n",
    "5,000 levels of nesting": f"project:\n  name: {DEEP_YAML}\n",
    "infinite estimate": "workflow:\n  steps:\n    - {id: lint, run: 'true', estimate_s: .inf}\n",
    "NaN timeout": "workflow:\n  timeouts: {code_quality: .nan}\n",
    "NaN step timeout": "workflow:\n  steps:\n    - {id: lint, run: 'true', timeout_s: .nan}\n",
    "a week and a day": "tech_stack:\n  test_timeout_s: 700000\n",
    "jobs: true": "run:\n  jobs: true\n",
    "history window as text": "run:\n  history_window: '3'\n",
    "unknown change category": "smart_execution:\n  categories:\n    dcos: ['*.adoc']\n",
    "custom step reads an unknown category": (
        "workflow:\n  steps:\n    - {id: lint, run: 'true', categories: [cod]}\n"
    ),
    "huge token budget": "ai:\n  prompt_token_budget: 100000000000\n",
}


@pytest.mark.parametrize("name", sorted(YAML_CASES))
def test_bad_yaml_values_are_exit_2(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".workflow-config.yaml").write_text(YAML_CASES[name], encoding="utf-8")
    code, err = _exit_code(capsys, tmp_path)
    assert code == 2, err
    assert ".workflow-config.yaml" in err and "Traceback" not in err
    assert len(err) < 2000  # one clear message, not a dump of the input


def test_the_line_of_an_unknown_category_and_a_suggestion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".workflow-config.yaml").write_text(YAML_CASES["unknown change category"])
    _, err = _exit_code(capsys, tmp_path)
    assert "line 3: unknown change category 'dcos' (did you mean 'docs'?)" in err


def test_categories_a_custom_step_reads_and_defines_are_fine(tmp_path: Path) -> None:
    (tmp_path / ".workflow-config.yaml").write_text(
        "smart_execution:\n  categories:\n    proto: ['*.proto']\n    code: ['*.mylang']\n"
        "workflow:\n  steps:\n    - {id: gen, run: 'true', categories: [proto, '*', paths]}\n"
    )
    config = load_config(tmp_path, environ={})
    assert set(config.smart_execution.categories) == {"proto", "code"}


def test_a_duplicate_yaml_key_names_both_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".workflow-config.yaml").write_text(
        "run:\n  jobs: 2\n  parallel: true\n  jobs: 8\n", encoding="utf-8"
    )
    code, err = _exit_code(capsys, tmp_path)
    assert code == 2
    assert "line 4" in err and "duplicate key 'jobs' (first on line 2, again on line 4)" in err


def test_merge_keys_may_still_be_overridden(tmp_path: Path) -> None:
    (tmp_path / ".workflow-config.yaml").write_text(
        "run:\n  <<: {parallel: true, jobs: 2}\n  jobs: 3\n", encoding="utf-8"
    )
    assert load_config(tmp_path, environ={}).run.jobs == 3


TOML_CASES = {
    "tool = 5": "tool = 5\n",
    "5,001-digit integer": f"[tool.ai-workflow.run]\njobs = {BIG_INT}\n",
    "5,000 levels of nesting": f"[tool.ai-workflow.project]\nname = {DEEP_TOML}\n",
    "tool.ai-workflow = 5": "[tool]\nai-workflow = 5\n",
    "infinite number": "[tool.ai-workflow.ai]\ncache_max_mb = inf\n",
}


@pytest.mark.parametrize("name", sorted(TOML_CASES))
def test_bad_toml_given_with_config_is_exit_2(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "ci.toml"
    config.write_text(TOML_CASES[name], encoding="utf-8")
    code, err = _exit_code(capsys, tmp_path, "--config", str(config))
    assert code == 2, err
    assert "ci.toml" in err and "Traceback" not in err


@pytest.mark.parametrize("name", sorted(TOML_CASES))
def test_a_pyproject_never_gives_a_traceback(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text(TOML_CASES[name], encoding="utf-8")
    code, err = _exit_code(capsys, tmp_path)
    assert "Traceback" not in err
    # no [tool.ai-workflow] configuration to honour: the run goes on; with one, exit 2
    assert code == (0 if name == "tool = 5" else 2), err


def test_environment_values_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for var, value in {
        "AI_WORKFLOW_JOBS": BIG_INT,
        "AI_WORKFLOW_AI_CACHE_MAX_MB": ".inf",
        "AI_WORKFLOW_AI_TIMEOUT_S": ".nan",
        "AI_WORKFLOW_PARALLEL": DEEP_YAML,
    }.items():
        monkeypatch.setenv(var, value)
        code, err = _exit_code(capsys, tmp_path)
        monkeypatch.delenv(var)
        assert code == 2, (var, err)
        assert "environment" in err and len(err) < 2000


@pytest.mark.parametrize("steps", ["-1", "1,-2", "+3"])
def test_signed_step_numbers_are_refused(
    steps: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _exit_code(capsys, tmp_path, "--steps", steps)
    assert code == 2 and "no sign" in err


def test_an_empty_target_is_not_the_current_directory(capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["run", "--target", ""], ["cache", "stats", "--target", " "]):
        assert main(command) == 2
        assert "empty path" in capsys.readouterr().err


def test_the_category_list_is_the_classifiers() -> None:
    assert CHANGE_CATEGORIES == CATEGORIES


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
SECTIONS = st.sampled_from(["run", "ai", "workflow", "tech_stack", "smart_execution", "project"])
KEYS = st.sampled_from(
    ["jobs", "parallel", "cache_max_mb", "timeout_s", "timeouts", "steps", "categories",
     "test_timeout_s", "name", "history_window", "max_answer_kb", "base"]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(section=SECTIONS, key=KEYS, value=VALUES)
def test_any_value_is_accepted_or_a_config_error(
    section: str, key: str, value: object, tmp_path_factory: pytest.TempPathFactory
) -> None:
    target = tmp_path_factory.mktemp("cfg")
    with contextlib.suppress(ConfigError):  # anything else (a traceback) fails the test
        load_config(target, overrides={section: {key: value}}, environ={})


def _unbounded_numbers(node: object, path: str = "") -> list[str]:
    found = []
    if isinstance(node, dict):
        if node.get("type") in ("integer", "number") and not (
            {"maximum", "exclusiveMaximum"} & node.keys()
        ):
            found.append(path)
        for key, value in node.items():
            found += _unbounded_numbers(value, f"{path}/{key}")
    elif isinstance(node, list):
        for n, value in enumerate(node):
            found += _unbounded_numbers(value, f"{path}/{n}")
    return found


def test_every_numeric_option_is_bounded() -> None:
    assert _unbounded_numbers(config_schema()) == []
