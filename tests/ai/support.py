"""Shared setup for the AI tests: a fixture repository, configs and one-step reviews."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ai_workflow.ai.reviewer import AIReviewer
from ai_workflow.config import AIConfig, Config, RunConfig
from ai_workflow.engine.artifacts import Workspace
from ai_workflow.engine.step import RunMemo, StepOutcome, StepResult, StepSpec, StepStatus
from ai_workflow.steps import code_quality, pre_analysis
from tests.helpers import make_repo, step_context, write_files

RUN_ID = "workflow_20260101_000000"

SECRETS = {
    "aws": "AKIAZ7QW3ERT5YUI8OPL",
    "aws_secret": "q8Wf3kLz9XvB2nM4pR7tY1uI6oA5sD0gH3jK8lZx",
    "github": "ghp_R4nD0mT0k3nV4lu3F0rT3st1ngPurp0s3s12",
    "openai": "sk-proj-Zx8Cv7Bn6Mq5Wl4Ek3Rj2Th1Yg0Uf9Id",
    "dotenv": "S3cr3tFromDotEnvNobodyMayRead",
    "key_body": "MIIEowIBAAKCAQEAzZ1x2y3w4v5u6t7s8r9q0p",
}

SECRET_FILE = f"""\"\"\"Settings with credentials that must never reach a model.\"\"\"

AWS_ACCESS_KEY_ID = "{SECRETS["aws"]}"
aws_secret_access_key = "{SECRETS["aws_secret"]}"
GITHUB_TOKEN = "{SECRETS["github"]}"
OPENAI_API_KEY = "{SECRETS["openai"]}"
PRIVATE_KEY = \"\"\"-----BEGIN RSA PRIVATE KEY-----
{SECRETS["key_body"]}
-----END RSA PRIVATE KEY-----\"\"\"
"""

BASE_FILES = {
    "README.md": "# Demo\n\nA demo project.\n",
    "src/demo/__init__.py": "",
    "src/demo/core.py": "def add(a, b):\n    return a + b\n",
}


def make_project(root: Path, *, secrets: bool = True) -> tuple[Path, list[str]]:
    """A git repo with one commit, then working-tree changes (incl. planted secrets)."""
    target = make_repo(root, BASE_FILES)
    changed = {"src/demo/core.py": "def add(a, b):\n    return a + b + 0\n\n\ndef sub(a, b):\n"}
    changed["src/demo/core.py"] += "    return a - b\n"
    if secrets:
        changed["src/demo/settings.py"] = SECRET_FILE
        changed[".env"] = f"DB_PASSWORD={SECRETS['dotenv']}\n"
        changed["deploy/id_rsa"] = f"-----BEGIN RSA PRIVATE KEY-----\n{SECRETS['key_body']}\n"
    write_files(target, changed)
    return target, sorted(changed)


def ai_config(**ai: Any) -> Config:
    run = ai.pop("run", {})
    defaults: dict[str, Any] = {"max_retries": 0, "timeout_s": 10.0, "model": "model-a"}
    return Config(ai=AIConfig(**{**defaults, **ai}), run=RunConfig(**run))


def pre_result(changed: list[str]) -> StepResult:
    result = StepResult.for_spec(pre_analysis.SPEC, StepStatus.PASSED)
    result.data = {"changed_files": changed}
    return result


def sample_outcome() -> StepOutcome:
    outcome = StepOutcome(data={"files_checked": 3})
    outcome.add("ruff/F401", "warning", "`os` imported but unused", "src/demo/core.py", 1)
    outcome.add("quality/long-function", "info", "sub is fine", "src/demo/core.py", 5)
    return outcome


def reviewer_for(target: Path, config: Config, *, use_cache: bool = True, **kw: Any) -> AIReviewer:
    return AIReviewer(config, Workspace(target, RUN_ID), use_cache=use_cache, **kw)


def review(
    reviewer: AIReviewer,
    target: Path,
    config: Config,
    *,
    spec: StepSpec = code_quality.SPEC,
    changed: list[str] | None = None,
    outcome: StepOutcome | None = None,
    results: Mapping[str, StepResult] | None = None,
) -> StepOutcome:
    """Run the reviewer on one step the way the engine does, and return the outcome."""
    outcome = outcome if outcome is not None else sample_outcome()
    all_results = dict(results or {})
    if changed is not None:
        all_results["pre_analysis"] = pre_result(changed)
    ctx = step_context(target, spec, config=config, results=all_results, memo=RunMemo())
    reviewer.review(ctx, outcome)
    return outcome


def ai_findings(outcome: StepOutcome) -> list[Any]:
    return [f for f in outcome.findings if f.source == "ai"]


def provider_problem(outcome: StepOutcome) -> str:
    """The provider failure of a review: in the step's AI data and notes, never a finding."""
    assert not any(f.rule == "ai/provider-error" for f in outcome.findings)
    error = str(outcome.data["ai"]["error"])
    assert any(error in note for note in outcome.skipped_checks)
    return error


def unusable_answer(outcome: StepOutcome) -> str:
    """The kind of an answer that could not be used (`ai/invalid-response`, ...): in the
    step's AI data and notes like a provider problem, never a finding of the project."""
    assert not any(f.rule.startswith("ai/") for f in outcome.findings), outcome.findings
    kind = str(outcome.data["ai"]["unusable"])
    error = str(outcome.data["ai"]["error"])
    assert any(kind in note and error in note for note in outcome.skipped_checks)
    return kind
