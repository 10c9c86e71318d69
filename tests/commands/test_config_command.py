"""`ai-workflow config schema|show`: the JSON Schema generated from the models (and the copy
shipped for editors, kept equal to it), and every effective value with where it came from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from ai_workflow.config import Config
from ai_workflow.config_origins import effective_settings
from ai_workflow.config_schema import SCHEMA_FILE, config_schema, schema_text


def cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ai_workflow", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


def test_shipped_schema_is_what_the_models_generate() -> None:
    """After changing a model: ai-workflow config schema > src/ai_workflow/config.schema.json"""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text(), (
        "src/ai_workflow/config.schema.json is stale: regenerate it with "
        "`ai-workflow config schema > src/ai_workflow/config.schema.json`"
    )


def test_schema_command_prints_the_schema() -> None:
    result = cli("config", "schema")
    assert result.returncode == 0 and json.loads(result.stdout) == config_schema()


def test_schema_accepts_real_configurations_and_rejects_mistakes() -> None:
    schema = config_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    good = yaml.safe_load(
        """
        project: {name: demo}
        tech_stack: {test_command: "python -m pytest -q", python: .venv/bin/python}
        run: {parallel: true, jobs: 4}
        workflow:
          disable: [git_finalization]
          steps: [{id: lint, run: make lint, depends_on: [pre_analysis]}]
        rules: {severity: {md/MD013: info}, thresholds: {complexity: 12}}
        """
    )
    validator.validate(good)
    Config.model_validate(good)  # the models agree
    for bad in ({"ai": {"modle": "x"}}, {"run": {"jobs": 0}}, {"ai": {"provider": "gpt"}}):
        assert not validator.is_valid(bad), bad
    # every section of the models is in the schema, however many other helpers add
    assert set(schema["properties"]) == set(Config.model_fields)


def write_config(root: Path, text: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / ".workflow-config.yaml").write_text(text, encoding="utf-8")
    return root


def origins(settings: list[Any]) -> dict[str, tuple[Any, str]]:
    return {s.key: (s.value, s.source) for s in settings}


def test_every_value_says_where_it_came_from(tmp_path: Path) -> None:
    target = write_config(
        tmp_path / "p",
        "project:\n  name: demo\nrun:\n  jobs: 3\nrules:\n  severity:\n    md/MD013: info\n",
    )
    settings, source = effective_settings(
        target,
        overrides={"run": {"parallel": True}},
        environ={"AI_WORKFLOW_AI_MODEL": "m1", "AI_WORKFLOW_JOBS": "5", "OTHER": "x"},
    )
    config_file = str(target / ".workflow-config.yaml")
    assert source == config_file
    found = origins(settings)
    assert found["project.name"] == ("demo", f"{config_file}, line 2")
    assert found["rules.severity.md/MD013"] == ("info", f"{config_file}, line 7")
    assert found["run.jobs"] == (5, "environment AI_WORKFLOW_JOBS")  # env beats the file
    assert found["ai.model"] == ("m1", "environment AI_WORKFLOW_AI_MODEL")
    assert found["run.parallel"] == (True, "command line")
    assert found["ai.provider"] == ("none", "default")
    assert found["rules.thresholds.complexity"] == (10, "default")
    # the listing covers the whole model: one leaf per key
    assert len(settings) == len(found) > 60


def test_pyproject_table_is_named(tmp_path: Path) -> None:
    target = tmp_path / "p"
    target.mkdir()
    (target / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.ai-workflow.run]\njobs = 2\n', encoding="utf-8"
    )
    settings, source = effective_settings(target, environ={})
    assert source is not None and source.endswith("pyproject.toml [tool.ai-workflow]")
    assert origins(settings)["run.jobs"] == (2, source)


def test_show_command_with_run_options_and_set_only(tmp_path: Path) -> None:
    target = write_config(tmp_path / "p", "run:\n  jobs: 3\n")
    result = cli(
        "config",
        "show",
        "--target",
        str(target),
        "--set-only",
        "--",
        "--parallel",
        "--base",
        "HEAD~2",
        env={"AI_WORKFLOW_AI_MODEL": "m1"},
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
    assert len(lines) == 4
    assert any(
        line.startswith("run.jobs = 3") and line.endswith(".workflow-config.yaml, line 2")
        for line in lines
    )
    assert any(
        line.startswith("run.parallel = true") and line.endswith("# command line") for line in lines
    )
    assert any(line.startswith('smart_execution.base = "HEAD~2"') for line in lines)
    assert any(line.endswith("# environment AI_WORKFLOW_AI_MODEL") for line in lines)
    as_json = json.loads(cli("config", "show", "--target", str(target), "--json").stdout)
    assert {
        "key": "run.jobs",
        "value": 3,
        "source": f"{target / '.workflow-config.yaml'}, line 2",
    } in as_json


def test_show_command_errors_are_exit_2(tmp_path: Path) -> None:
    target = write_config(tmp_path / "p", "ai:\n  modle: x\n")
    result = cli("config", "show", "--target", str(target))
    assert result.returncode == 2 and "did you mean 'ai.model'" in result.stderr
    assert "Traceback" not in result.stderr
    result = cli("config", "show", "--target", str(tmp_path), "--", "--jobs", "0")
    assert result.returncode == 2 and "run options after --" in result.stderr
    assert cli("config").returncode == 2
