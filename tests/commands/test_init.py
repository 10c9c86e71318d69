"""`ai-workflow init`: a commented configuration from the detected stack, CI files and the
pre-commit entry on request; never an overwrite without --force; and on the four real projects
the written configuration loads and a run with it finds exactly what a run without it finds."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.ci import templates
from ai_workflow.config import load_config
from ai_workflow.config_schema import SCHEMA_FILE
from ai_workflow.scaffold import append_pre_commit_entry
from tests.helpers import git, make_repo

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ai_workflow", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        timeout=300,
    )


def python_project(root: Path, **extra: str) -> Path:
    return make_repo(
        root,
        {
            "README.md": "# demo\n",
            "pyproject.toml": '[project]\nname = "demo"\nversion = "1.0"\n',
            "src/demo/__init__.py": "VALUE = 1\n",
            "tests/test_demo.py": "def test_x():\n    assert True\n",
            **extra,
        },
    )


def test_init_writes_a_commented_config_that_loads(tmp_path: Path) -> None:
    repo = python_project(tmp_path / "demo")
    result = cli("init", "--target", str(repo))
    assert result.returncode == 0, result.stderr
    text = (repo / ".workflow-config.yaml").read_text(encoding="utf-8")
    first = text.splitlines()[0]
    assert first.startswith("# yaml-language-server: $schema=")
    schema_path = Path(first.split("$schema=", 1)[1])
    assert (repo / schema_path if not schema_path.is_absolute() else schema_path).samefile(
        SCHEMA_FILE
    )
    assert '#   primary_language: "python"' in text
    assert '#   test_framework: "pytest"' in text
    assert '#   test_dirs: ["tests"]' in text
    assert str(Path(sys.prefix)) not in text.split("\n", 1)[1]  # nothing of this machine
    config = load_config(repo)
    assert config.project.name == "demo"
    assert config.model_dump(exclude={"project"}) == load_config(tmp_path).model_dump(
        exclude={"project"}
    )
    assert "add .ai_workflow/ to .gitignore" in result.stderr


def test_every_commented_example_is_valid_when_uncommented(tmp_path: Path) -> None:
    repo = python_project(tmp_path / "demo")
    assert cli("init", "--target", str(repo)).returncode == 0
    text = (repo / ".workflow-config.yaml").read_text(encoding="utf-8")
    uncommented = "\n".join(
        re.sub(r"^# ?", "", line) if re.match(r"^# ?[a-z_]+:|^#   ", line) else line
        for line in text.splitlines()
    )
    (repo / ".workflow-config.yaml").write_text(uncommented, encoding="utf-8")
    config = load_config(repo)
    assert config.tech_stack.primary_language == "python"
    assert config.run.parallel is True and config.structure.test_dirs == ["tests"]


def test_existing_files_stop_init_unless_forced(tmp_path: Path) -> None:
    repo = python_project(tmp_path / "demo", **{".workflow-config.yaml": "run: {jobs: 2}\n"})
    result = cli("init", "--target", str(repo), "--ci", "github")
    assert result.returncode == 2
    assert ".workflow-config.yaml exists" in result.stderr and "Traceback" not in result.stderr
    assert not (repo / templates.GITHUB_WORKFLOW_FILE).exists()  # nothing written at all
    assert (repo / ".workflow-config.yaml").read_text() == "run: {jobs: 2}\n"
    result = cli("init", "--target", str(repo), "--ci", "github", "--force")
    assert result.returncode == 0, result.stderr
    assert "overwrote .workflow-config.yaml" in result.stderr
    assert (repo / templates.GITHUB_WORKFLOW_FILE).is_file()


def test_a_pyproject_table_is_not_shadowed(tmp_path: Path) -> None:
    repo = python_project(
        tmp_path / "demo",
        **{"pyproject.toml": '[project]\nname = "demo"\n\n[tool.ai-workflow.run]\njobs = 2\n'},
    )
    result = cli("init", "--target", str(repo))
    assert result.returncode == 2 and "[tool.ai-workflow]" in result.stderr
    assert not (repo / ".workflow-config.yaml").exists()


def test_github_workflow_with_the_action_given(tmp_path: Path) -> None:
    repo = python_project(tmp_path / "demo")
    result = cli("init", "--target", str(repo), "--ci", "github", "--action", "acme/aiw@v1")
    assert result.returncode == 0, result.stderr
    workflow = yaml.safe_load((repo / templates.GITHUB_WORKFLOW_FILE).read_text())
    uses = [s.get("uses") for s in workflow["jobs"]["ai-workflow"]["steps"]]
    assert "acme/aiw@v1" in uses and "replace `uses:" not in result.stderr


def test_gitlab_job_and_include(tmp_path: Path) -> None:
    repo = python_project(tmp_path / "demo")
    assert cli("init", "--target", str(repo), "--ci", "gitlab").returncode == 0
    job = yaml.safe_load((repo / templates.GITLAB_JOB_FILE).read_text())["ai-workflow"]
    assert job["variables"]["GIT_DEPTH"] == 0
    assert job["artifacts"]["reports"]["codequality"] == "gl-code-quality-report.json"
    assert any("findings.codequality.json" in line for line in job["after_script"])
    assert yaml.safe_load((repo / ".gitlab-ci.yml").read_text()) == {
        "include": [{"local": templates.GITLAB_JOB_FILE}]
    }
    other = python_project(tmp_path / "other", **{".gitlab-ci.yml": "test:\n  script: [make]\n"})
    result = cli("init", "--target", str(other), "--ci", "gitlab")
    assert result.returncode == 0 and "left alone" in result.stderr
    assert (other / ".gitlab-ci.yml").read_text() == "test:\n  script: [make]\n"


def test_pre_commit_entry_is_created_or_appended(tmp_path: Path) -> None:
    repo = python_project(tmp_path / "new")
    assert cli("init", "--target", str(repo), "--pre-commit").returncode == 0
    created = yaml.safe_load((repo / ".pre-commit-config.yaml").read_text())
    assert [h["id"] for h in created["repos"][0]["hooks"]] == list(templates.HOOK_IDS)
    existing = (
        "# hooks\nrepos:\n  - repo: https://example.invalid/hooks\n    rev: v1\n"
        "    hooks:\n      - id: trailing-whitespace\n\ndefault_stages: [pre-commit]\n"
    )
    repo = python_project(tmp_path / "old", **{".pre-commit-config.yaml": existing})
    result = cli("init", "--target", str(repo), "--pre-commit")
    assert result.returncode == 0, result.stderr
    text = (repo / ".pre-commit-config.yaml").read_text()
    assert text.startswith(existing.split("\ndefault_stages")[0])  # the user's lines kept
    data = yaml.safe_load(text)
    assert data["default_stages"] == ["pre-commit"]
    assert [r["repo"] for r in data["repos"]] == ["https://example.invalid/hooks", "local"]
    again = cli("init", "--target", str(repo), "--pre-commit", "--force")
    assert "already has the ai-workflow hooks" in again.stderr
    assert (repo / ".pre-commit-config.yaml").read_text() == text


@pytest.mark.parametrize(
    "text",
    ["repos: []\n", "repos: [{repo: local, hooks: []}]\n", "- not a mapping\n", "repos: {a: 1}\n"],
)
def test_a_pre_commit_file_that_cannot_be_extended_safely_is_left_alone(text: str) -> None:
    with pytest.raises(ValueError):
        append_pre_commit_entry(text)


hook = st.fixed_dictionaries({"id": st.from_regex(r"[a-z][a-z-]{0,10}", fullmatch=True)})
repo_entry = st.fixed_dictionaries(
    {
        "repo": st.sampled_from(["local", "https://example.invalid/a", "meta"]),
        "hooks": st.lists(hook, max_size=3),
    },
    optional={"rev": st.from_regex(r"v[0-9]\.[0-9]", fullmatch=True)},
)
documents = st.fixed_dictionaries(
    {"repos": st.lists(repo_entry, min_size=1, max_size=4)},
    optional={
        "default_stages": st.just(["pre-commit"]),
        "fail_fast": st.booleans(),
        "exclude": st.just("^vendor/"),
    },
)


@settings(max_examples=120, deadline=None)
@given(documents, st.sampled_from([2, 4]), st.booleans(), st.booleans())
def test_appending_keeps_any_block_style_document_intact(
    document: dict[str, Any], indent: int, repos_first: bool, trailing_newline: bool
) -> None:
    ordered = (
        document
        if repos_first
        else {**{k: v for k, v in document.items() if k != "repos"}, "repos": document["repos"]}
    )
    text = yaml.safe_dump(ordered, indent=indent, sort_keys=False, default_flow_style=False)
    if not trailing_newline:
        text = text.rstrip("\n")
    updated = append_pre_commit_entry(text)
    assert updated is not None
    expected_entry = yaml.safe_load(templates.pre_commit_repo_entry())
    assert yaml.safe_load(updated) == {**document, "repos": [*document["repos"], *expected_entry]}
    assert append_pre_commit_entry(updated) is None  # once only


# --------------------------------------------------------------------------- real projects


def real_repos_dir() -> Path | None:
    """`shared/data/repos/` beside the repository or one of its parents (a worktree's)."""
    for parent in ROOT.parents:
        candidate = parent / "shared" / "data" / "repos"
        if candidate.is_dir():
            return candidate
    return None


REAL = ("flask", "express", "bats-core", "cobra")
FAST_STEPS = (
    "pre_analysis,documentation,consistency,script_references,directory_structure,dependencies"
)


def clone_bundle(bundle: Path, dest: Path) -> Path:
    head = subprocess.run(
        ["git", "bundle", "list-heads", str(bundle)], capture_output=True, text=True, check=True
    ).stdout.split()[1]
    branch = head.removeprefix("refs/heads/")
    subprocess.run(
        ["git", "clone", "-q", "-b", branch, str(bundle), str(dest)],
        check=True,
        capture_output=True,
    )
    return dest


def shown(path: Path, target: Path) -> tuple[set[tuple[Any, ...]], dict[str, str]]:
    result = cli(
        "run", "--target", str(target), "--steps", FAST_STEPS, "--auto", "--no-resume",
        "--no-step-cache", "--json",
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    summary = json.loads(result.stdout)
    findings = {
        (f["severity"], f["rule"], f["path"], f["line"], f["message"])
        for step in summary["steps"]
        for f in step["findings"]
    }
    return findings, {step["id"]: step["status"] for step in summary["steps"]}


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL)
def test_init_on_the_real_projects_changes_no_finding(tmp_path: Path, name: str) -> None:
    repos = real_repos_dir()
    if repos is None or not (repos / f"{name}.bundle").is_file():
        pytest.skip("the real projects' bundles (shared/data/repos/) are not beside this checkout")
    target = clone_bundle(repos / f"{name}.bundle", tmp_path / name)
    before, before_status = shown(tmp_path, target)
    stack_before = json.loads(cli("tech-stack", "--target", str(target), "--json").stdout)

    result = cli("init", "--target", str(target), "--ci", "github", "--pre-commit")
    assert result.returncode == 0, result.stderr
    written = load_config(target)  # our loader reads it
    assert written.project.name == name

    after, after_status = shown(tmp_path, target)
    assert after_status == before_status
    assert after == before
    stack_after = json.loads(cli("tech-stack", "--target", str(target), "--json").stdout)
    linters = set(stack_before.pop("linters")) | {"pre-commit"}  # the file init was asked for
    assert set(stack_after.pop("linters")) == linters
    assert stack_after == stack_before
    changed = git(target, "status", "--porcelain").splitlines()
    assert {line[3:] for line in changed} <= {
        ".workflow-config.yaml", ".github/workflows/ai-workflow.yml", ".pre-commit-config.yaml",
        ".github/", ".ai_workflow/",
    }  # fmt: skip


def test_init_refuses_a_missing_target(tmp_path: Path) -> None:
    result = cli("init", "--target", str(tmp_path / "nope"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert os.listdir(tmp_path) == []
