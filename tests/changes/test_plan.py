"""Skip decisions on real repositories: the original's rules, always with a reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ai_workflow.changes import SmartPlan, build_skip_policy
from ai_workflow.config import Config
from ai_workflow.engine.step import StepSpec
from tests.changes.util import BY_NUMBER, NO_ENV, SPECS, config, project_repo
from tests.helpers import commit_all, git, make_repo, write_files

TEST_STEPS = {5, 6, 7}


def plan_for(repo: Path, cfg: Config | None = None, specs: list[StepSpec] = SPECS) -> SmartPlan:
    return build_skip_policy(repo, cfg or Config(), specs, [], environ=NO_ENV)


def skipped(plan: SmartPlan) -> set[int]:
    return {spec.number for spec in SPECS if plan.skip_reason(spec) is not None}


def change(tmp_path: Path, files: dict[str, str]) -> Path:
    repo = project_repo(tmp_path / "p")
    write_files(repo, files)
    commit_all(repo, "change")
    return repo


def test_docs_only_change_skips_tests_dependencies_and_quality(tmp_path: Path) -> None:
    plan = plan_for(change(tmp_path, {"README.md": "# demo, v2\n", "docs/new.rst": "x\n"}))
    assert plan.change_type == "docs-only" and plan.impact == "low"
    assert skipped(plan) == {5, 6, 7, 8, 9}
    base = plan.changes.base
    assert base is not None
    reason = plan.skip_reason(BY_NUMBER[7])
    assert reason == (
        f"no change in categories code, tests, deps, config, scripts, assets, other since {base.short}"
    )
    assert plan.skip_reason(BY_NUMBER[8]) == (
        f"no change in categories deps or inputs *.py, *.pyi since {base.short}"
    )


@pytest.mark.parametrize("path", ["src/demo/data.txt", "src/demo/README.md", "src/demo/LICENSE"])
def test_package_data_with_a_docs_extension_runs_the_code_steps(tmp_path: Path, path: str) -> None:
    plan = plan_for(change(tmp_path, {path: "bad\n"}))
    assert plan.change_type == "code-only" and plan.impact == "medium"
    assert skipped(plan) == {8}
    assert plan.decide(BY_NUMBER[7]).reason == "changed: code (1)"
    # still linted as docs (and a code change may make a Markdown file a test's input)
    assert plan.decide(BY_NUMBER[12]).reason == "changed: docs (1), code (1)"


def test_docs_directories_and_root_docs_still_skip_the_code_steps(tmp_path: Path) -> None:
    files = {
        "README.md": "# v3\n",
        "CHANGES.rst": "v3\n",
        "notes.txt": "n\n",
        "docs/guide.txt": "g\n",
        "src/demo/docs/usage.md": "u\n",
    }
    plan = plan_for(change(tmp_path, files))
    assert plan.change_type == "docs-only"
    assert skipped(plan) == {5, 6, 7, 8, 9}


@pytest.mark.parametrize(
    "path", ["src/demo/core.py", "web/app.ts", "cmd/tool/main.go", "src/lib.rs", "tools/x.sh"]
)
def test_code_change_in_any_language_runs_tests_and_code_quality(tmp_path: Path, path: str) -> None:
    plan = plan_for(change(tmp_path, {path: "changed = 1\n"}))
    assert plan.skip_reason(BY_NUMBER[7]) is None
    assert plan.skip_reason(BY_NUMBER[9]) is None
    assert plan.decide(BY_NUMBER[7]).reason.startswith("changed: ")


@pytest.mark.parametrize(
    "path", ["pyproject.toml", "package.json", "uv.lock", "package-lock.json", "go.sum"]
)
def test_manifest_or_lockfile_change_runs_dependencies(tmp_path: Path, path: str) -> None:
    plan = plan_for(change(tmp_path, {path: '{"changed": 1}\n' if "json" in path else "x = 1\n"}))
    assert plan.skip_reason(BY_NUMBER[8]) is None
    assert plan.decide(BY_NUMBER[8]).reason == "changed: deps (1)"
    assert plan.skip_reason(BY_NUMBER[7]) is None  # tests also read dependencies


def test_pyproject_and_setup_py_also_run_code_quality(tmp_path: Path) -> None:
    plan = plan_for(change(tmp_path, {"pyproject.toml": "[tool.ruff]\nline-length = 90\n"}))
    assert plan.change_type == "deps-only" and plan.files == {"deps": ["pyproject.toml"]}
    assert plan.decide(BY_NUMBER[9]).reason == "changed: config (1)"
    assert plan.skip_reason(BY_NUMBER[12]) is None  # [tool.pymarkdown] may live there too
    plan = plan_for(change(tmp_path / "2", {"setup.py": "from setuptools import setup\n"}))
    assert plan.decide(BY_NUMBER[9]).reason == "changed: code (1)"
    assert plan.impact == "low"  # by its category (deps), setup.py is no code change


def test_lockfile_only_change_skips_code_quality(tmp_path: Path) -> None:
    plan = plan_for(change(tmp_path, {"uv.lock": "version = 1\n"}))
    assert skipped(plan) == {5, 6, 9, 12}  # documentation checks the files docs name exist
    assert plan.decide(BY_NUMBER[1]).reason == "file added or deleted: uv.lock"


def test_tests_only_change_runs_tests_and_code_quality(tmp_path: Path) -> None:
    plan = plan_for(change(tmp_path, {"tests/test_more.py": "def test_y():\n    pass\n"}))
    assert plan.change_type == "tests-only" and plan.impact == "medium"
    assert {5, 6, 7, 9}.isdisjoint(skipped(plan))  # ruff lints test files too
    assert plan.decide(BY_NUMBER[9]).reason == "changed: tests (1)"
    # test files' imports are the project's development dependencies
    assert plan.decide(BY_NUMBER[8]).reason.startswith("changed input tests/test_more.py")
    assert plan.decide(BY_NUMBER[3]).reason == "file added or deleted: tests/test_more.py"


def test_code_change_runs_every_step_that_reads_code(tmp_path: Path) -> None:
    # Step 3 resolves entry points and `python -m` modules in the code, step 8 reads the
    # imports of every Python file, and Markdown lint leaves out the documents a test or
    # benchmark reads as input (`markdown_docs.document_inputs`): every step runs.
    plan = plan_for(change(tmp_path, {"src/demo/core.py": "v2\n"}))
    assert skipped(plan) == set()
    assert plan.decide(BY_NUMBER[3]).reason == "changed: code (1)"
    assert plan.decide(BY_NUMBER[8]).reason.startswith("changed input src/demo/core.py")


def test_deleting_a_file_runs_the_steps_that_check_files_exist(tmp_path: Path) -> None:
    # The reviewer's case: docs name `python -m demo.cli`, `python tools/gen.py` and a logo.
    extra = {
        "README.md": "# demo\n\n![logo](assets/logo.png)\n\n```sh\npython tools/gen.py\n```\n",
        "tools/gen.py": "print('gen')\n",
        "assets/logo.png": "png\n",
    }
    repo = project_repo(tmp_path / "p", extra)
    git(repo, "rm", "-q", "assets/logo.png")
    commit_all(repo, "remove the logo")
    plan = plan_for(repo)
    for number in (1, 2, 3):
        assert plan.decide(BY_NUMBER[number]).reason == "file added or deleted: assets/logo.png"
    git(repo, "rm", "-q", "tools/gen.py")
    commit_all(repo, "remove the generator")
    assert plan_for(repo).decide(BY_NUMBER[3]).reason == "changed: code (1)"


def test_editing_an_asset_skips_the_steps_that_only_check_it_exists(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p", {"assets/logo.png": "png\n"})
    write_files(repo, {"assets/logo.png": "another png\n"})
    commit_all(repo, "new logo")
    plan = plan_for(repo)
    assert skipped(plan) >= {1, 2, 3}
    reason = plan.skip_reason(BY_NUMBER[2]) or ""
    assert "added or deleted files" in reason


def test_everything_with_always_category_runs(tmp_path: Path) -> None:
    plan = plan_for(change(tmp_path, {"README.md": "v2\n"}))
    for spec in SPECS:
        if "*" in spec.categories:
            assert plan.decide(spec).reason == "reads every change"


def test_unknown_impact_runs_every_step(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "single", {"README.md": "x\n"})
    plan = plan_for(repo)
    assert plan.impact == "unknown" and plan.change_type == "unknown"
    assert skipped(plan) == set()
    assert plan.decide(BY_NUMBER[7]).reason.startswith("impact unknown: ")
    assert plan.warnings and "Fix:" in plan.warnings[0]
    assert "impact unknown" in plan.describe()


def test_non_git_target_runs_every_step(tmp_path: Path) -> None:
    write_files(tmp_path, {"README.md": "x\n"})
    plan = plan_for(tmp_path)
    assert skipped(plan) == set() and plan.impact == "unknown"


def test_nothing_changed_skips_every_step_with_declared_inputs(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    plan = plan_for(repo, config(smart_execution={"base": "HEAD"}))
    assert plan.change_type == "none" and plan.impact == "low"
    expected = {spec.number for spec in SPECS if "*" not in spec.categories}
    assert skipped(plan) == expected


def test_force_steps_and_no_skip(tmp_path: Path) -> None:
    repo = change(tmp_path, {"README.md": "v2\n"})
    forced = plan_for(repo, config(run={"force_steps": ["test_execution", "8"]}))
    assert skipped(forced) == {5, 6, 9}
    assert forced.decide(BY_NUMBER[7]).reason.startswith("forced by --force-steps (would skip: ")
    everything = plan_for(repo, config(run={"no_skip": True}))
    assert skipped(everything) == set()
    assert everything.decide(BY_NUMBER[5]).reason.startswith("--no-skip (would skip: ")


def test_workflow_config_change_runs_every_step(tmp_path: Path) -> None:
    plan = plan_for(change(tmp_path, {".workflow-config.yaml": "run:\n  jobs: 2\n"}))
    assert skipped(plan) == set()
    assert plan.decide(BY_NUMBER[8]).reason == "ai-workflow's configuration changed"


def test_custom_step_inputs_and_categories(tmp_path: Path) -> None:
    globbed = StepSpec("api_docs", 13, "API docs", inputs=("openapi/*.yaml",), builtin=False)
    by_cat = StepSpec("proto", 14, "Protos", categories=("proto",), builtin=False)
    silent = StepSpec("custom", 15, "Custom", builtin=False)
    cfg = config(smart_execution={"categories": {"proto": ["*.proto"]}})
    specs = [globbed, by_cat, silent]
    plan = plan_for(change(tmp_path, {"openapi/v1.yaml": "x: 1\n"}), cfg, specs)
    assert plan.decide(globbed).reason == "changed input openapi/v1.yaml (matches openapi/*.yaml)"
    assert plan.skip_reason(by_cat) is not None and "categories proto" in plan.skip_reason(by_cat)
    assert plan.decide(silent).reason.startswith("declares no inputs")
    plan = plan_for(change(tmp_path / "2", {"api/x.proto": "syntax\n"}), cfg, specs)
    assert plan.skip_reason(by_cat) is None
    reason = plan.skip_reason(globbed)
    assert reason is not None and "inputs openapi/*.yaml" in reason


def test_describe_names_base_reason_count_type_and_impact(tmp_path: Path) -> None:
    plan = plan_for(change(tmp_path, {"README.md": "v2\n"}))
    base = plan.changes.base
    assert base is not None
    assert plan.describe() == (
        f"smart execution: base {base.short} (HEAD~1: no passed run recorded), "
        "1 changed file, change type docs-only, impact low"
    )


def test_to_dict_is_the_run_summary_block(tmp_path: Path) -> None:
    plan = plan_for(change(tmp_path, {"README.md": "v2\n", "src/demo/core.py": "v2\n"}))
    data = json.loads(json.dumps(plan.to_dict()))
    assert data["base"] == git(tmp_path / "p", "rev-parse", "HEAD~1").strip()
    assert data["base_reason"] == "HEAD~1: no passed run recorded"
    assert data["files"] == {"docs": ["README.md"], "code": ["src/demo/core.py"]}
    assert data["change_type"] == "mixed" and data["impact"] == "medium"
    assert set(data["decisions"]) == {spec.id for spec in SPECS}
    assert data["decisions"]["dependencies"]["decision"] == "run"  # it reads the imports
    assert data["decisions"]["test_execution"] == {
        "step": "7: Test Execution",
        "decision": "run",
        "reason": "changed: code (1)",
    }


def test_summary_lists_are_capped_but_counts_are_exact(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    write_files(repo, {f"docs/page{i}.md": "x\n" for i in range(250)})
    data = plan_for(repo).to_dict()
    assert data["counts"]["docs"] == 251
    assert len(data["files"]["docs"]) == 200 and data["files_truncated"]


def test_report_lists_base_files_type_impact_and_every_decision(tmp_path: Path) -> None:
    repo = change(tmp_path, {"docs/odd\nname `x`.md": "x\n", "src/demo/core.py": "v2\n"})
    git(repo, "rm", "-q", "scripts/release.sh")
    plan = plan_for(repo)
    path = repo / ".ai_workflow" / "backlog" / "workflow_1" / "CHANGE_IMPACT_ANALYSIS.md"
    plan.write_report(path)
    text = path.read_text(encoding="utf-8")
    base = plan.changes.base
    assert base is not None
    assert f"- Base: `{base.short}` (HEAD~1: no passed run recorded)" in text
    assert "- Change type: mixed" in text
    assert "- Impact: medium" in text
    assert "### code (1)\n\n- `src/demo/core.py` (modified)" in text
    assert "- `` docs/odd\\nname `x`.md `` (added)" in text
    assert "- `scripts/release.sh` (deleted)" in text
    for spec in SPECS:
        assert f"| {spec.label} | " in text
    row = "| 8: Dependency Validation | run | changed input src/demo/core.py (matches *.py) |"
    assert row in text


def test_report_for_unknown_impact_carries_the_warning(tmp_path: Path) -> None:
    write_files(tmp_path / "plain", {"a.py": "x\n"})
    plan = plan_for(tmp_path / "plain")
    out = tmp_path / "report.md"
    plan.write_report(out)
    text = out.read_text(encoding="utf-8")
    assert "- Changes: unknown (the target is not inside a git work tree)" in text
    assert "## Warnings" in text and "Fix:" in text


def test_non_utf8_file_name_survives_summary_and_report(tmp_path: Path) -> None:
    repo = project_repo(tmp_path / "p")
    (repo / "docs").joinpath(b"bad\xffname.md".decode("utf-8", "surrogateescape")).write_text("x")
    plan = plan_for(repo)
    assert "docs/bad\ufffdname.md" in plan.to_dict()["files"]["docs"]
    plan.write_report(tmp_path / "r.md")
    assert "bad\ufffdname.md" in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_data_file_outside_packages_still_runs_the_tests(tmp_path: Path) -> None:
    plan = plan_for(change(tmp_path, {"data/fixture.bin": "bytes\n"}))
    assert plan.skip_reason(BY_NUMBER[7]) is None


def test_coverage_report_change_runs_test_review(tmp_path: Path) -> None:
    plan = plan_for(change(tmp_path, {"coverage.xml": "<coverage/>\n"}))
    assert plan.skip_reason(BY_NUMBER[5]) is None


@pytest.mark.parametrize(
    "path", ["fixtures/expected.md", "test_data/out.txt", "web/__snapshots__/page.md", "x.golden"]
)
def test_a_test_data_file_is_not_docs_and_runs_the_tests(tmp_path: Path, path: str) -> None:
    plan = plan_for(change(tmp_path, {path: "changed\n"}))
    assert plan.change_type == "tests-only"
    assert plan.decide(BY_NUMBER[7]).reason == "changed: tests (1)"


def test_docs_only_skips_the_tests_of_a_project_whose_tests_read_data_files(
    tmp_path: Path,
) -> None:
    reader = "def test_x():\n    assert open('data/expected.txt').read()\n"
    repo = project_repo(tmp_path / "p", {"tests/test_data.py": reader, "data/expected.txt": "x\n"})
    write_files(repo, {"README.md": "# v2\n", "docs/guide.md": "v3\n"})
    commit_all(repo, "docs")
    plan = plan_for(repo)
    assert plan.change_type == "docs-only"
    assert 7 in skipped(plan)
    write_files(repo, {"data/expected.txt": "y\n"})  # the file the test names: runs them
    commit_all(repo, "data")
    plan = plan_for(repo)
    assert plan.change_type == "tests-only" and 7 not in skipped(plan)
