"""Change detection on real git repositories (every git call uses -z formats)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ai_workflow.changes.detect import detect_changes
from ai_workflow.config import Config
from tests.changes.util import NO_ENV, config, project_repo
from tests.helpers import commit_all, git, make_repo, write_files


def test_committed_staged_unstaged_and_untracked(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    write_files(repo, {"src/demo/core.py": "changed\n"})  # unstaged
    write_files(repo, {"src/demo/new.py": "x = 1\n"})
    git(repo, "add", "src/demo/new.py")  # staged
    write_files(repo, {"notes.md": "untracked\n"})
    changes = detect_changes(repo, Config(), environ=NO_ENV)
    assert changes.known
    assert changes.files == {
        "docs/guide.md": "M",  # committed in HEAD (base is HEAD~1)
        "src/demo/core.py": "M",
        "src/demo/new.py": "A",
        "notes.md": "?",
    }
    assert changes.base is not None and changes.base.source == "parent"


def test_rename_counts_both_paths_and_deletion_counts(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    git(repo, "mv", "src/demo/core.py", "src/demo/engine.py")
    git(repo, "rm", "-q", "scripts/release.sh")
    commit_all(repo, "rename and delete")
    changes = detect_changes(repo, Config(), environ=NO_ENV)
    assert changes.files == {
        "src/demo/core.py": "D",
        "src/demo/engine.py": "A",
        "scripts/release.sh": "D",
    }


def test_rename_detection_forced_on_by_user_config_still_counts_both(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    git(repo, "config", "diff.renames", "copies")
    git(repo, "mv", "docs/guide.md", "docs/manual.md")
    commit_all(repo, "rename")
    assert set(detect_changes(repo, Config(), environ=NO_ENV).files) == {
        "docs/guide.md",
        "docs/manual.md",
    }


def test_names_with_spaces_newlines_and_unicode(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    names = ["docs/with space.md", "docs/new\nline.md", "src/demo/ünï cödé.py", 'q"uote.md']
    write_files(repo, {name: "x\n" for name in names[:2]})
    commit_all(repo, "odd names")
    write_files(repo, {name: "y\n" for name in names[2:]})
    changes = detect_changes(repo, Config(), environ=NO_ENV)
    assert set(changes.files) == set(names)


def test_workflow_artifacts_and_tool_dirs_never_count(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    write_files(
        repo,
        {
            ".ai_workflow/metrics/history.jsonl": "{}\n",
            ".venv/lib/site.py": "x\n",
            "vendor/lib.py": "x\n",
            "src/demo/core.py": "changed\n",
        },
    )
    cfg = config(structure={"exclude_dirs": ["vendor"]})
    changes = detect_changes(repo, cfg, environ=NO_ENV)
    assert set(changes.files) == {"docs/guide.md", "src/demo/core.py"}


def test_unchanged_worktree_after_commit_reverted_is_no_change(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    write_files(repo, {"docs/guide.md": "guide\n"})  # back to the base's content
    assert detect_changes(repo, Config(), environ=NO_ENV).files == {}


def test_non_git_target_is_unknown(tmp_path: Path) -> None:
    write_files(tmp_path, {"README.md": "x\n"})
    changes = detect_changes(tmp_path, Config(), environ=NO_ENV)
    assert not changes.known
    assert "not inside a git work tree" in (changes.unknown_reason or "")
    assert "Fix:" in changes.warnings[0]


def test_repository_without_commits_is_unknown(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p")
    changes = detect_changes(repo, Config(), environ=NO_ENV)
    assert not changes.known and "no commits" in (changes.unknown_reason or "")


def test_single_commit_is_unknown(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "p", {"a.py": "x\n"})
    changes = detect_changes(repo, Config(), environ=NO_ENV)
    assert not changes.known
    assert "only commit" in (changes.unknown_reason or "")
    assert "--base" in changes.warnings[0]


def test_shallow_clone_is_unknown_with_fetch_fix(tmp_path: Path) -> None:
    origin = project_repo(tmp_path / "origin")
    clone = _shallow_clone(origin, tmp_path / "clone")
    changes = detect_changes(clone, Config(), environ=NO_ENV)
    assert not changes.known
    assert "shallow clone" in (changes.unknown_reason or "")
    assert "git fetch --unshallow" in changes.warnings[0]
    assert "fetch-depth: 0" in changes.warnings[0]


def _shallow_clone(origin: Path, clone: Path, *options: str) -> Path:
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", *options, f"file://{origin}", str(clone)],
        check=True,
        capture_output=True,
    )
    return clone


def test_shallow_clone_without_the_ci_base_is_unknown(tmp_path: Path) -> None:
    origin = _feature_branch(tmp_path)
    clone = _shallow_clone(origin, tmp_path / "clone", "--branch", "feature", "--single-branch")
    changes = detect_changes(clone, Config(), environ={"GITHUB_BASE_REF": "main"})
    assert not changes.known
    assert "pull-request base 'main'" in (changes.unknown_reason or "")
    assert "--unshallow" in changes.warnings[0]
    assert "git fetch origin main" in changes.warnings[0]


def test_shallow_clone_with_base_tip_but_no_common_history_is_unknown(tmp_path: Path) -> None:
    origin = _feature_branch(tmp_path)
    clone = _shallow_clone(origin, tmp_path / "clone", "--branch", "feature", "--no-single-branch")
    changes = detect_changes(clone, Config(), environ={"GITHUB_BASE_REF": "main"})
    assert not changes.known
    assert "no common ancestor" in (changes.unknown_reason or "")
    assert "--unshallow" in changes.warnings[0]


def test_detached_head_without_base_is_unknown(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    git(repo, "checkout", "-q", "--detach", "HEAD")
    changes = detect_changes(repo, Config(), environ=NO_ENV)
    assert not changes.known
    assert "detached" in (changes.unknown_reason or "")
    assert "--base" in changes.warnings[0]


def test_detached_head_with_explicit_base_works(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    git(repo, "checkout", "-q", "--detach", "HEAD")
    changes = detect_changes(repo, config(smart_execution={"base": "HEAD~1"}), environ=NO_ENV)
    assert changes.known and set(changes.files) == {"docs/guide.md"}


def _feature_branch(tmp_path: Path) -> Path:
    """main has an extra commit after the feature branch forked; HEAD is on feature."""
    repo = project_repo(tmp_path / "p")
    git(repo, "checkout", "-q", "-b", "feature")
    write_files(repo, {"src/demo/feature.py": "x = 1\n"})
    commit_all(repo, "feature work")
    write_files(repo, {"tests/test_feature.py": "def test_x():\n    assert True\n"})
    commit_all(repo, "feature tests")
    git(repo, "checkout", "-q", "main")
    write_files(repo, {"CHANGES.md": "main moved on\n"})
    commit_all(repo, "main work")
    git(repo, "checkout", "-q", "feature")
    return repo


def test_explicit_base_uses_the_merge_base(tmp_path: Path) -> None:
    repo = _feature_branch(tmp_path)
    changes = detect_changes(repo, config(smart_execution={"base": "main"}), environ=NO_ENV)
    assert changes.base is not None and changes.base.source == "option"
    assert changes.merge_base != changes.base.commit
    assert set(changes.files) == {"src/demo/feature.py", "tests/test_feature.py"}


def test_ai_workflow_base_environment_variable(tmp_path: Path) -> None:
    repo = _feature_branch(tmp_path)
    changes = detect_changes(repo, Config(), environ={"AI_WORKFLOW_BASE": "main"})
    assert changes.base is not None and changes.base.source == "environment"
    assert "AI_WORKFLOW_BASE=main" in changes.base.reason
    assert set(changes.files) == {"src/demo/feature.py", "tests/test_feature.py"}


def test_option_wins_over_environment(tmp_path: Path) -> None:
    repo = _feature_branch(tmp_path)
    changes = detect_changes(
        repo, config(smart_execution={"base": "HEAD~1"}), environ={"AI_WORKFLOW_BASE": "main"}
    )
    assert changes.base is not None and changes.base.source == "option"
    assert set(changes.files) == {"tests/test_feature.py"}


def test_environment_is_read_from_os_environ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _feature_branch(tmp_path)
    monkeypatch.setenv("AI_WORKFLOW_BASE", "main")
    changes = detect_changes(repo, Config())
    assert changes.base is not None and changes.base.source == "environment"


def test_unknown_explicit_base(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    changes = detect_changes(repo, config(smart_execution={"base": "nope"}), environ=NO_ENV)
    assert not changes.known
    assert "'nope'" in (changes.unknown_reason or "")
    assert "git fetch origin nope" in changes.warnings[0]


@pytest.mark.parametrize("variable", ["GITHUB_BASE_REF", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME"])
def test_ci_pull_request_base(tmp_path: Path, variable: str) -> None:
    origin = _feature_branch(tmp_path)
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--branch", "feature", f"file://{origin}", str(clone)],
        check=True,
        capture_output=True,
    )
    changes = detect_changes(clone, Config(), environ={variable: "main"})
    assert changes.base is not None and changes.base.source == "ci"
    assert changes.base.ref == "origin/main"
    assert f"{variable}=main" in changes.base.reason
    assert set(changes.files) == {"src/demo/feature.py", "tests/test_feature.py"}


def _run(run_id: str, status: str, commit: str | None, dirty: bool = False) -> dict[str, object]:
    state = {"commit": commit, "branch": "main", "dirty": dirty} if commit else None
    return {"run_id": run_id, "status": status, "git": state}


def test_base_from_last_passed_run(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    passed_at = git(repo, "rev-parse", "HEAD").strip()
    write_files(repo, {"src/demo/core.py": "v2\n"})
    commit_all(repo, "c3")
    failed_at = git(repo, "rev-parse", "HEAD").strip()
    write_files(repo, {"tests/test_core.py": "v2\n"})
    commit_all(repo, "c4")
    history = [
        _run("workflow_1", "passed", passed_at),
        _run("workflow_2", "failed", failed_at),
    ]
    changes = detect_changes(repo, Config(), history, environ=NO_ENV)
    assert changes.base is not None and changes.base.source == "history"
    assert changes.base.commit == passed_at
    assert "workflow_1" in changes.base.reason
    assert set(changes.files) == {"src/demo/core.py", "tests/test_core.py"}


def test_history_base_not_an_ancestor_falls_back_to_parent(tmp_path: Path) -> None:
    repo = _feature_branch(tmp_path)
    main_tip = git(repo, "rev-parse", "main").strip()
    changes = detect_changes(
        repo, Config(), [_run("workflow_9", "passed", main_tip)], environ=NO_ENV
    )
    assert changes.base is not None and changes.base.source == "parent"
    assert "not an ancestor" in changes.base.reason
    assert set(changes.files) == {"tests/test_feature.py"}


def test_history_base_from_a_dirty_run_is_not_trusted(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    changes = detect_changes(
        repo, Config(), [_run("workflow_3", "passed", first, dirty=True)], environ=NO_ENV
    )
    assert changes.base is not None and changes.base.source == "parent"
    assert "uncommitted" in changes.base.reason


def test_ci_base_wins_over_history(tmp_path: Path) -> None:
    repo = _feature_branch(tmp_path)
    head = git(repo, "rev-parse", "HEAD").strip()
    changes = detect_changes(
        repo, Config(), [_run("w", "passed", head)], environ={"GITHUB_BASE_REF": "main"}
    )
    assert changes.base is not None and changes.base.source == "ci"
    assert changes.base.ref == "main"


def test_subdirectory_target_sees_only_its_own_paths(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "mono", {"app/src/a.py": "1\n", "other/b.py": "1\n"})
    write_files(repo, {"app/src/a.py": "2\n", "other/b.py": "2\n", "app/new.md": "n\n"})
    commit_all(repo, "both")
    changes = detect_changes(repo / "app", Config(), environ=NO_ENV)
    assert changes.files == {"src/a.py": "M", "new.md": "A"}


def test_workflow_config_change_is_flagged(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    assert not detect_changes(repo, Config(), environ=NO_ENV).workflow_config_changed
    write_files(repo, {".workflow-config.yaml": "run:\n  jobs: 2\n"})
    assert detect_changes(repo, Config(), environ=NO_ENV).workflow_config_changed


def test_pyproject_change_flags_config_only_when_our_table_changes(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    base = '[project]\nname = "demo"\nversion = "0.1.0"\n'
    write_files(repo, {"pyproject.toml": base.replace("0.1.0", "0.2.0")})
    assert not detect_changes(repo, Config(), environ=NO_ENV).workflow_config_changed
    write_files(repo, {"pyproject.toml": base + "[tool.ai-workflow.run]\njobs = 2\n"})
    assert detect_changes(repo, Config(), environ=NO_ENV).workflow_config_changed
