"""action.yml: a composite action whose every input reaches `ai-workflow ci github` and whose
outputs are the ones the command writes; the workflow `init` writes uses only real inputs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ai_workflow.ci.templates import github_workflow

ROOT = Path(__file__).resolve().parents[2]


def action() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return loaded


def test_composite_action_installs_from_its_own_checkout() -> None:
    spec = action()
    assert spec["runs"]["using"] == "composite"
    install, run = spec["runs"]["steps"]
    assert install["env"]["AIW_SOURCE"] == "${{ github.action_path }}"
    assert 'pip install --quiet --disable-pip-version-check "$AIW_SOURCE"' in install["run"]
    assert run["id"] == "run" and '"$AIW_VENV/bin/ai-workflow" ci github' in run["run"]
    assert all(step["shell"] == "bash" for step in spec["runs"]["steps"])


def test_every_input_reaches_the_command_through_the_environment() -> None:
    """Inputs go through `env:` (never `${{ inputs.x }}` inside the script: no injection)."""
    spec = action()
    install, run = spec["runs"]["steps"]
    used = {
        match.group(1)
        for step in (install, run)
        for value in step["env"].values()
        for match in re.finditer(r"\$\{\{ inputs\.([\w-]+) \}\}", value)
    }
    assert used == set(spec["inputs"])
    assert "${{" not in install["run"] and "${{" not in run["run"]
    for name in set(spec["inputs"]) - {"python"}:
        assert f'--{name}="$INPUT_{name.upper().replace("-", "_")}"' in run["run"]


def test_outputs_are_the_ones_the_command_writes() -> None:
    outputs = action()["outputs"]
    assert set(outputs) == {
        *("sarif", "findings", "codequality", "report-dir", "status", "exit-code"),
        *("new-errors", "new-warnings"),
    }
    for name, spec in outputs.items():
        assert spec["value"] == f"${{{{ steps.run.outputs.{name} }}}}"


def test_the_written_workflow_uses_real_inputs_and_uploads_sarif() -> None:
    workflow = yaml.safe_load(github_workflow(primary_language="python"))
    steps = workflow["jobs"]["ai-workflow"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    assert steps[0]["with"]["fetch-depth"] == 0
    ours = next(step for step in steps if step.get("id") == "ai-workflow")
    assert set(ours.get("with") or {}) <= set(action()["inputs"])
    upload = steps[-1]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ steps.ai-workflow.outputs.sarif }}"
    assert workflow["permissions"]["security-events"] == "write"
    commented = re.findall(r"#\s+([\w-]+): ", github_workflow().split("uses: OWNER")[1])
    assert {"fail-on", "steps", "smart-execution"} <= set(commented) <= set(action()["inputs"])


def readme_blocks(language: str) -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, re.S)


def test_readme_workflows_are_the_real_ones() -> None:
    from ai_workflow.ci.templates import gitlab_job

    docs = [yaml.safe_load(block) for block in readme_blocks("yaml")]
    github = next(d for d in docs if isinstance(d, dict) and "jobs" in d)
    steps = github["jobs"]["ai-workflow"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    ours = next(step for step in steps if step.get("id") == "ai-workflow")
    assert set(ours["with"]) <= set(action()["inputs"])
    assert steps[-1]["uses"].startswith("github/codeql-action/upload-sarif@")
    gitlab = next(d for d in docs if isinstance(d, dict) and "ai-workflow" in d and "jobs" not in d)
    assert gitlab == yaml.safe_load(gitlab_job())
