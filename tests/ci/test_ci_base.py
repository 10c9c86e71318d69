"""The change base a CI job implies, found without flags: the pull or merge request's base,
else the commit before the push; a shallow clone that lacks it runs every step and says how to
fetch it. Real repositories and clones; the CI's environment is passed in explicitly."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ai_workflow.changes.ci_base import ci_base
from ai_workflow.changes.detect import detect_changes
from ai_workflow.config import Config
from tests.changes.util import project_repo
from tests.helpers import commit_all, git, write_files

ZERO = "0" * 40


def _feature_repo(tmp_path: Path) -> tuple[Path, str]:
    """main, then a feature branch with two commits; returns (repo, fork point)."""
    repo = project_repo(tmp_path / "origin")
    fork = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    write_files(repo, {"src/demo/feature.py": "x = 1\n"})
    commit_all(repo, "feature work")
    write_files(repo, {"tests/test_feature.py": "def test_x():\n    assert True\n"})
    commit_all(repo, "feature tests")
    return repo, fork


def _clone(origin: Path, dest: Path, *options: str) -> Path:
    subprocess.run(
        ["git", "clone", "-q", *options, f"file://{origin}", str(dest)],
        check=True,
        capture_output=True,
    )
    return dest


def _event(tmp_path: Path, payload: object) -> str:
    path = tmp_path / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return str(path)


FEATURE_FILES = {"src/demo/feature.py", "tests/test_feature.py"}


def test_github_pull_request_base_sha_from_the_event_payload(tmp_path: Path) -> None:
    origin, fork = _feature_repo(tmp_path)
    clone = _clone(origin, tmp_path / "clone", "--branch", "feature", "--single-branch")
    env = {
        "GITHUB_BASE_REF": "main",  # not fetched: only the payload's commit is here
        "GITHUB_EVENT_PATH": _event(tmp_path, {"pull_request": {"base": {"sha": fork}}}),
    }
    changes = detect_changes(clone, Config(), environ=env)
    assert changes.known and changes.base is not None
    assert changes.base.source == "ci" and changes.base.commit == fork
    assert "pull-request base" in changes.base.reason
    assert f"pull_request.base.sha={fork[:7]}" in changes.base.reason
    assert set(changes.files) == FEATURE_FILES


def test_merge_queue_base(tmp_path: Path) -> None:
    origin, fork = _feature_repo(tmp_path)
    env = {"GITHUB_EVENT_PATH": _event(tmp_path, {"merge_group": {"base_sha": fork}})}
    changes = detect_changes(origin, Config(), environ=env)
    assert changes.base is not None and changes.base.commit == fork
    assert "merge-queue base" in changes.base.reason
    assert set(changes.files) == FEATURE_FILES


def test_gitlab_merge_request_diff_base_sha(tmp_path: Path) -> None:
    origin, fork = _feature_repo(tmp_path)
    env = {
        "CI_MERGE_REQUEST_DIFF_BASE_SHA": fork,
        "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main",
    }
    changes = detect_changes(origin, Config(), environ=env)
    assert changes.base is not None and changes.base.commit == fork
    assert f"CI_MERGE_REQUEST_DIFF_BASE_SHA={fork[:7]}" in changes.base.reason
    assert set(changes.files) == FEATURE_FILES


@pytest.mark.parametrize("platform", ["github", "gitlab"])
def test_push_compares_with_the_commit_before_it(tmp_path: Path, platform: str) -> None:
    origin, _ = _feature_repo(tmp_path)
    before = git(origin, "rev-parse", "HEAD~1").strip()  # the push added one commit
    if platform == "github":
        env = {"GITHUB_EVENT_PATH": _event(tmp_path, {"before": before, "after": "x"})}
    else:
        env = {"CI_COMMIT_BEFORE_SHA": before}
    changes = detect_changes(origin, Config(), environ=env)
    assert changes.base is not None and changes.base.commit == before
    assert changes.base.source == "ci" and "previous push" in changes.base.reason
    assert set(changes.files) == {"tests/test_feature.py"}


def test_new_branch_push_has_no_before_and_falls_back(tmp_path: Path) -> None:
    """GitHub and GitLab send all zeros as `before` for a new branch: no CI base then."""
    origin, _ = _feature_repo(tmp_path)
    env = {
        "CI_COMMIT_BEFORE_SHA": ZERO,
        "GITHUB_EVENT_PATH": _event(tmp_path, {"before": ZERO}),
    }
    changes = detect_changes(origin, Config(), environ=env)
    assert changes.base is not None and changes.base.source == "parent"


def test_pull_request_wins_over_push(tmp_path: Path) -> None:
    origin, fork = _feature_repo(tmp_path)
    env = {"CI_COMMIT_BEFORE_SHA": git(origin, "rev-parse", "HEAD~1").strip()}
    env["CI_MERGE_REQUEST_DIFF_BASE_SHA"] = fork
    changes = detect_changes(origin, Config(), environ=env)
    assert changes.base is not None and changes.base.commit == fork


@pytest.mark.parametrize(
    ("env_of", "fix"),
    [
        (
            lambda sha, event: {"GITHUB_BASE_REF": "main", "GITHUB_EVENT_PATH": event},
            "fetch-depth: 0",
        ),
        (lambda sha, event: {"CI_MERGE_REQUEST_DIFF_BASE_SHA": sha}, "GIT_DEPTH: 0"),
        (lambda sha, event: {"CI_COMMIT_BEFORE_SHA": sha}, "GIT_DEPTH: 0"),
    ],
)
def test_shallow_clone_without_the_base_runs_everything_and_says_how_to_fix(
    tmp_path: Path, env_of: object, fix: str
) -> None:
    origin, fork = _feature_repo(tmp_path)
    clone = _clone(origin, tmp_path / "clone", "--depth", "1", "--branch", "feature")
    event = _event(tmp_path, {"pull_request": {"base": {"sha": fork}}})
    env = env_of(fork, event)  # type: ignore[operator]
    changes = detect_changes(clone, Config(), environ=env)
    assert not changes.known
    assert (changes.unknown_reason or "").startswith("shallow clone: ")
    assert "not in the local history" in (changes.unknown_reason or "")
    assert "every step runs" in changes.warnings[0]
    assert fix in changes.warnings[0] and "--unshallow" in changes.warnings[0]


def test_shallow_clone_does_not_trust_a_branch_ref_over_the_named_commit(tmp_path: Path) -> None:
    """A shallow clone whose origin/main is its own HEAD would show no change at all: the
    payload's commit decides, and it is missing."""
    origin, fork = _feature_repo(tmp_path)
    git(origin, "branch", "-f", "main", "feature")  # origin/main == HEAD in the clone
    clone = _clone(origin, tmp_path / "clone", "--depth", "1", "--branch", "feature")
    env = {
        "GITHUB_BASE_REF": "main",
        "GITHUB_EVENT_PATH": _event(tmp_path, {"pull_request": {"base": {"sha": fork}}}),
    }
    changes = detect_changes(clone, Config(), environ=env)
    assert not changes.known and "shallow clone" in (changes.unknown_reason or "")


def test_force_pushed_before_commit_runs_everything(tmp_path: Path) -> None:
    origin, _ = _feature_repo(tmp_path)
    missing = "1234567" + "0" * 33
    changes = detect_changes(origin, Config(), environ={"CI_COMMIT_BEFORE_SHA": missing})
    assert not changes.known
    assert "force push" in (changes.unknown_reason or "")


def test_full_clone_falls_back_to_the_base_branch_when_the_commit_is_gone(tmp_path: Path) -> None:
    origin, _ = _feature_repo(tmp_path)
    clone = _clone(origin, tmp_path / "clone", "--branch", "feature")
    gone = "abcdef1" + "0" * 33
    env = {
        "GITHUB_BASE_REF": "main",
        "GITHUB_EVENT_PATH": _event(tmp_path, {"pull_request": {"base": {"sha": gone}}}),
    }
    changes = detect_changes(clone, Config(), environ=env)
    assert changes.base is not None and changes.base.ref == "origin/main"
    assert any("abcdef1 is not in the local history" in note for note in changes.notes)
    assert set(changes.files) == FEATURE_FILES


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", None])
def test_unreadable_event_payload_is_a_note_not_a_crash(
    tmp_path: Path, content: str | None
) -> None:
    origin, _ = _feature_repo(tmp_path)
    event = tmp_path / "event.json"
    if content is not None:
        event.write_text(content, encoding="utf-8")
    changes = detect_changes(origin, Config(), environ={"GITHUB_EVENT_PATH": str(event)})
    assert changes.known and changes.base is not None and changes.base.source == "parent"
    if content == "{not json" or content is None:
        assert any("could not be read" in note for note in changes.notes)


def test_explicit_base_wins_over_the_ci(tmp_path: Path) -> None:
    origin, fork = _feature_repo(tmp_path)
    changes = detect_changes(
        origin,
        Config(),
        environ={"AI_WORKFLOW_BASE": "HEAD~1", "CI_MERGE_REQUEST_DIFF_BASE_SHA": fork},
    )
    assert changes.base is not None and changes.base.source == "environment"


def test_ci_base_reads_nothing_outside_ci() -> None:
    assert ci_base({}) == (None, [])
    assert ci_base({"CI_COMMIT_BEFORE_SHA": "not-a-commit"}) == (None, [])


def test_run_in_a_shallow_pull_request_checkout_says_so_and_runs_every_step(
    tmp_path: Path,
) -> None:
    """End to end through the command line, as the Action runs it."""
    origin, fork = _feature_repo(tmp_path)
    clone = _clone(origin, tmp_path / "clone", "--depth", "1", "--branch", "feature")
    event = _event(tmp_path, {"pull_request": {"base": {"sha": fork}}})
    result = subprocess.run(
        [
            *(sys.executable, "-m", "ai_workflow", "run", "--target", str(clone)),
            *("--smart-execution", "--dry-run", "--auto", "--json"),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "GITHUB_BASE_REF": "main", "GITHUB_EVENT_PATH": event},
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "shallow clone" in result.stderr and "fetch-depth: 0" in result.stderr
    summary = json.loads(result.stdout)
    assert summary["changes"]["known"] is False
    assert {step["status"] for step in summary["steps"]} == {"planned"}
