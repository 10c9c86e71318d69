"""Step fingerprints through the real engine: reuse on unchanged inputs, re-run what changed."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import yaml

from ai_workflow.changes.cache import entry_path, load_entry
from ai_workflow.changes.fingerprint import cacheable
from ai_workflow.engine.artifacts import Workspace
from ai_workflow.steps import BUILTIN_MODULES
from tests.changes.util import PROJECT, run_engine, statuses
from tests.helpers import commit_all, git, make_repo, write_files

CUSTOM_STEPS = [
    {"id": "docs_check", "run": "cat README.md docs/*.md > /dev/null", "categories": ["docs"]},
    {"id": "code_check", "run": "test -f src/demo/core.py", "categories": ["code"]},
    {"id": "tests_check", "run": "true", "categories": ["tests"], "depends_on": ["code_check"]},
    {"id": "manifest_check", "run": "true", "inputs": ["pyproject.toml"]},
    {"id": "everything", "run": "true", "categories": ["*"], "depends_on": ["docs_check"]},
    {"id": "unscoped", "run": "true"},
]
CACHED = {"docs_check", "code_check", "tests_check", "manifest_check", "everything"}


def custom_project(root: Path, steps: list[dict[str, object]] | None = None) -> Path:
    workflow = {
        "disable": [m.SPEC.id for m in BUILTIN_MODULES],
        "steps": steps or CUSTOM_STEPS,
    }
    files = {**PROJECT, ".workflow-config.yaml": yaml.safe_dump({"workflow": workflow})}
    return make_repo(root, {**files, ".gitignore": ".ai_workflow/\n"})


def test_unchanged_rerun_reuses_every_step_that_declares_inputs(tmp_path: Path) -> None:
    repo = custom_project(tmp_path / "p")
    first = run_engine(repo)
    assert set(statuses(first).values()) == {"passed"}
    second = run_engine(repo)
    assert statuses(second) == {
        **{sid: "reused" for sid in CACHED},
        "unscoped": "passed",  # declares no inputs: never reused
    }
    run_id = first.summary["run_id"]
    for result in second.results:
        if result.id in CACHED:
            assert result.reused_from == run_id
            assert result.reason == f"inputs unchanged since {run_id}"
    assert second.exit_code == 0 and second.summary["status"] == "passed"


def test_touching_one_input_reruns_exactly_the_steps_that_read_it(tmp_path: Path) -> None:
    repo = custom_project(tmp_path / "p")
    run_engine(repo)
    write_files(repo, {"docs/guide.md": "a new edition\n"})
    assert statuses(run_engine(repo)) == {
        "docs_check": "passed",
        "code_check": "reused",
        "tests_check": "reused",
        "manifest_check": "reused",
        "everything": "passed",  # reads every file (and docs_check's result)
        "unscoped": "passed",
    }
    write_files(repo, {"src/demo/core.py": "def add(a, b):\n    return b + a\n"})
    after_code = statuses(run_engine(repo))
    assert after_code["code_check"] == "passed"
    assert after_code["tests_check"] == "reused"  # its dependency's result is the same
    assert after_code["docs_check"] == "reused"
    write_files(repo, {"pyproject.toml": '[project]\nname = "demo"\nversion = "0.2.0"\n'})
    after_manifest = statuses(run_engine(repo))
    assert after_manifest["manifest_check"] == "passed"
    assert after_manifest["code_check"] == after_manifest["docs_check"] == "reused"


def test_reuse_works_without_git(tmp_path: Path) -> None:
    repo = custom_project(tmp_path / "p")
    (repo / ".git").rename(tmp_path / "moved-git")
    run_engine(repo)
    assert statuses(run_engine(repo))["docs_check"] == "reused"
    write_files(repo, {"README.md": "changed\n"})
    again = statuses(run_engine(repo))
    assert again["docs_check"] == "passed" and again["code_check"] == "reused"


def test_failed_step_is_not_stored_and_runs_again(tmp_path: Path) -> None:
    steps = [{"id": "flaky", "run": "test -f ok.flag", "inputs": ["README.md"]}]
    repo = custom_project(tmp_path / "p", steps)
    assert statuses(run_engine(repo)) == {"flaky": "failed"}
    assert not entry_path(Workspace(repo, "x").step_cache_dir, "flaky").exists()
    write_files(repo, {"ok.flag": ""})  # not an input: the key is the same, yet nothing stored
    assert statuses(run_engine(repo)) == {"flaky": "passed"}
    assert statuses(run_engine(repo)) == {"flaky": "reused"}


def test_cache_disabled_runs_everything(tmp_path: Path) -> None:
    repo = custom_project(tmp_path / "p")
    run_engine(repo)
    assert set(statuses(run_engine(repo, step_cache=False)).values()) == {"passed"}


def test_corrupt_or_foreign_entries_are_ignored(tmp_path: Path) -> None:
    repo = custom_project(tmp_path / "p")
    run_engine(repo)
    cache_dir = Workspace(repo, "x").step_cache_dir
    entry_path(cache_dir, "docs_check").write_text("{not json", encoding="utf-8")
    entry = load_entry(cache_dir, "code_check")
    assert entry is not None
    entry["schema"] = "ai-workflow/step-fingerprint@0"
    entry_path(cache_dir, "code_check").write_text(json.dumps(entry), encoding="utf-8")
    result = statuses(run_engine(repo))
    assert result["docs_check"] == result["code_check"] == "passed"
    assert result["manifest_check"] == "reused"
    assert statuses(run_engine(repo))["docs_check"] == "reused"  # stored again


def test_config_change_reruns(tmp_path: Path) -> None:
    repo = custom_project(tmp_path / "p")
    run_engine(repo)
    config_file = repo / ".workflow-config.yaml"
    data = yaml.safe_load(config_file.read_text())
    data["tech_stack"] = {"test_command": "make check"}
    config_file.write_text(yaml.safe_dump(data))
    assert statuses(run_engine(repo))["docs_check"] == "passed"
    assert statuses(run_engine(repo, jobs=3, verbose=True))["docs_check"] == "reused"


def test_builtin_steps_reuse_and_rerun_only_what_reads_the_change(tmp_path: Path) -> None:
    cfg = {"tech_stack": {"python": sys.executable}}
    repo = make_repo(
        tmp_path / "p",
        {**PROJECT, ".gitignore": ".ai_workflow/\n", ".workflow-config.yaml": yaml.safe_dump(cfg)},
    )
    specs = {m.SPEC.id: m.SPEC for m in BUILTIN_MODULES}

    def ok(run: dict[str, str]) -> set[str]:
        return {sid for sid, st in run.items() if st in ("passed", "warning", "reused")}

    first = statuses(run_engine(repo))
    stored = {sid for sid in ok(first) if cacheable(specs[sid])}
    assert {"pre_analysis", "test_execution", "code_quality"} <= stored, first
    second = statuses(run_engine(repo))
    assert {sid for sid, st in second.items() if st == "reused"} == stored, (first, second)
    stored = {sid for sid in ok(second) if cacheable(specs[sid])}  # a flaky step may pass now
    write_files(repo, {"README.md": "# demo, reworded\n"})
    third = statuses(run_engine(repo))
    reads_docs = {
        "pre_analysis", "documentation", "consistency", "script_references",
        "directory_structure", "markdown_lint",
    }  # fmt: skip
    reused = {sid for sid, st in third.items() if st == "reused"}
    assert reused == stored - reads_docs, (second, third)
    assert {"test_execution", "code_quality"} <= reused


def _only(*keep: str) -> dict[str, object]:
    return {"disable": [m.SPEC.id for m in BUILTIN_MODULES if m.SPEC.id not in keep]}


def test_deleting_files_the_docs_name_reruns_steps_2_and_3(tmp_path: Path) -> None:
    """The reviewer's case: `git rm` of a module and a script the README runs, and of a logo
    it shows, must not reuse (or, with smart execution, skip) the steps that check them."""
    workflow = _only("pre_analysis", "consistency", "script_references")
    readme = (
        "# demo\n\n![logo](assets/logo.png)\n\n"
        "```sh\npython -m demo.cli\npython tools/gen.py\n```\n"
    )
    repo = make_repo(
        tmp_path / "p",
        {
            **PROJECT,
            "README.md": readme,
            "src/demo/cli.py": "print('cli')\n",
            "tools/gen.py": "print('gen')\n",
            "assets/logo.png": "png\n",
            ".gitignore": ".ai_workflow/\n",
            ".workflow-config.yaml": yaml.safe_dump({"workflow": workflow}),
        },
    )
    first = statuses(run_engine(repo))
    assert first["consistency"] in ("passed", "warning"), first
    assert first["script_references"] in ("passed", "warning"), first
    git(repo, "rm", "-q", "src/demo/cli.py", "tools/gen.py", "assets/logo.png")
    commit_all(repo, "remove the cli, the generator and the logo")
    for smart in (False, True):
        report = run_engine(repo, smart=smart)
        assert statuses(report)["script_references"] == "failed", (smart, statuses(report))
        assert statuses(report)["consistency"] in ("failed", "warning"), statuses(report)
        messages = " ".join(f.message for r in report.results for f in r.findings)
        assert "demo.cli" in messages and "tools/gen.py" in messages
        assert "assets/logo.png" in messages


def test_test_generation_is_not_reused_with_another_set_of_changed_files(tmp_path: Path) -> None:
    """Step 6 ranks by pre_analysis's changed files: same code, other changes, other ranking."""
    workflow = _only("pre_analysis", "test_review", "test_generation")
    files = {
        **PROJECT,
        "src/demo/other.py": "def other(a):\n    return a\n",
        ".gitignore": ".ai_workflow/\n",
        ".workflow-config.yaml": yaml.safe_dump({"workflow": workflow}),
    }
    repo = make_repo(tmp_path / "p", files)
    write_files(repo, {"docs/guide.md": "v2\n"})
    commit_all(repo, "docs")  # HEAD~1..HEAD: docs only, nothing recently changed in the code
    first = run_engine(repo)
    assert statuses(first)["test_generation"] in ("passed", "warning"), statuses(first)
    write_files(repo, {"src/demo/other.py": "def other(a):\n    return a\n\n\n# touched\n"})
    commit_all(repo, "touch other")
    write_files(repo, {"src/demo/other.py": files["src/demo/other.py"]})
    commit_all(repo, "restore other")  # same content as the first run, but recently changed
    second = run_engine(repo)
    result = next(r for r in second.results if r.id == "test_generation")
    assert result.status.value != "reused", result.reason
    ranked = result.data["candidates"]
    assert ranked and ranked[0]["path"] == "src/demo/other.py", ranked


def test_a_step_that_failed_last_time_is_not_skipped_until_it_passes(tmp_path: Path) -> None:
    # Found replaying cobra's history: its tests failed at one commit, the next commit only
    # edited the README, and smart execution skipped the tests: the run passed (health 100)
    # where a full run fails. Skipping says "the result at the base holds"; that was a failure.
    steps = [
        {"id": "code_check", "run": "! grep -q bad src/demo/core.py", "categories": ["code"]},
        {"id": "docs_check", "run": "cat README.md > /dev/null", "categories": ["docs"]},
    ]
    repo = custom_project(tmp_path / "p", steps)
    write_files(repo, {"src/demo/core.py": "bad = 1\n"})
    commit_all(repo, "a failing change")
    first = run_engine(repo, smart=True)
    assert statuses(first)["code_check"] == "failed"
    write_files(repo, {"README.md": "# Demo\n\nreworded\n"})
    commit_all(repo, "docs only")
    second = run_engine(repo, smart=True)
    assert statuses(second)["code_check"] == "failed"  # ran again, as a full run would
    reason = second.summary["changes"]["decisions"]["code_check"]["reason"]
    assert reason == f"failed the last time it ran ({first.summary['run_id']})"
    assert second.summary["status"] == "failed"
    write_files(repo, {"src/demo/core.py": "good = 1\n"})
    commit_all(repo, "fixed")
    assert statuses(run_engine(repo, smart=True))["code_check"] == "passed"
    write_files(repo, {"README.md": "# Demo\n\nreworded again\n"})
    commit_all(repo, "docs only again")
    assert statuses(run_engine(repo, smart=True))["code_check"] == "skipped"  # passed last time
