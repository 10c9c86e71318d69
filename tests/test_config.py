from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.config import Config, load_config, usable_cpus
from ai_workflow.errors import ConfigError


def write(tmp_path: Path, text: str, name: str = ".workflow-config.yaml") -> Path:
    (tmp_path / name).write_text(text)
    return tmp_path


def test_defaults_without_any_file(tmp_path: Path) -> None:
    config = load_config(tmp_path, environ={})
    assert config == Config()
    assert config.run.jobs == min(4, usable_cpus()) and config.ai.provider == "none"


def test_precedence_cli_over_env_over_file(tmp_path: Path) -> None:
    write(tmp_path, "run:\n  jobs: 2\n  parallel: true\nai:\n  model: from-file\n")
    env = {"AI_WORKFLOW_JOBS": "3", "AI_WORKFLOW_AI_MODEL": "from-env"}
    assert load_config(tmp_path, environ={}).run.jobs == 2
    assert load_config(tmp_path, environ=env).run.jobs == 3
    config = load_config(tmp_path, environ=env, overrides={"run": {"jobs": 5}})
    assert config.run.jobs == 5
    assert config.run.parallel is True  # untouched keys keep the file's value
    assert config.ai.model == "from-env"


def test_pyproject_tool_section(tmp_path: Path) -> None:
    write(tmp_path, "[tool.ai-workflow.run]\njobs = 6\n", "pyproject.toml")
    assert load_config(tmp_path, environ={}).run.jobs == 6


def test_misspelt_key_names_file_line_and_suggests(tmp_path: Path) -> None:
    write(tmp_path, "run:\n  jobs: 2\nai:\n  modle: x\n")
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path, environ={})
    message = str(err.value)
    assert ".workflow-config.yaml, line 4" in message
    assert "unknown key 'ai.modle'" in message and "did you mean 'ai.model'" in message


def test_bad_value_names_the_key_and_line(tmp_path: Path) -> None:
    write(tmp_path, "workflow:\n  steps:\n    - id: lint\n      run: ruff\n      timeout_s: -1\n")
    with pytest.raises(ConfigError, match=r"line 5: workflow\.steps\.0\.timeout_s"):
        load_config(tmp_path, environ={})


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    write(tmp_path, "run:\n  jobs: [1\n")
    with pytest.raises(ConfigError, match=r"line \d+: invalid YAML"):
        load_config(tmp_path, environ={})


def test_bad_environment_value_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"environment.*run\.jobs"):
        load_config(tmp_path, environ={"AI_WORKFLOW_JOBS": "many"})


def test_explicit_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path, config_file=tmp_path / "nope.yaml", environ={})


@given(st.integers(min_value=1, max_value=64), st.booleans())
def test_env_values_round_trip(jobs: int, parallel: bool) -> None:
    env = {"AI_WORKFLOW_JOBS": str(jobs), "AI_WORKFLOW_PARALLEL": str(parallel).lower()}
    config = load_config(Path("/nonexistent-dir-for-config-test"), environ=env)
    assert (config.run.jobs, config.run.parallel) == (jobs, parallel)
