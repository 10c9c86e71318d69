"""Every file a run or a command writes follows the work directory: the HTML report (and its
links back to the project), the CI outputs (findings, SARIF, Code Quality, the report
directory), the baseline's source, `report`, `init`'s CI job and notes, `config show`. A project
that tracks the original tool's `.ai_workflow/` gets them all in `.ai-workflow/`, and its own
directory stays as git has it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from ai_workflow.ci import templates
from ai_workflow.cli import main
from tests.ci.test_github import run_action_step
from tests.engine.conftest import ALL_BUILTINS
from tests.helpers import git, make_repo

ONLY_CODE_QUALITY = yaml.safe_dump(
    {"workflow": {"disable": [s for s in ALL_BUILTINS if s != "code_quality"]}}
)
ORIGINAL_RECORDS = {".ai_workflow/backlog/workflow_20240101_000000/step_01.md": "# old run\n"}


def tracked_workdir_project(root: Path, **extra: str) -> Path:
    """A project whose `.ai_workflow/` holds the original tool's committed records, with one
    ruff error (F821) for the runs to find."""
    return make_repo(
        root,
        {
            **ORIGINAL_RECORDS,
            "README.md": "# demo\n",
            ".gitignore": ".ai-workflow/\n",
            "pyproject.toml": '[project]\nname = "demo"\nversion = "1.0"\n',
            "src/demo/__init__.py": "def f():\n    return undefined_name\n",
            **extra,
        },
    )


def assert_original_records_untouched(repo: Path) -> None:
    assert git(repo, "status", "--porcelain", "--", ".ai_workflow") == ""
    files = [p for p in (repo / ".ai_workflow").rglob("*") if p.is_file()]
    assert sorted(p.relative_to(repo).as_posix() for p in files) == sorted(ORIGINAL_RECORDS)


def test_ci_outputs_report_and_baseline_of_a_project_with_a_tracked_ai_workflow(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tracked_workdir_project(tmp_path / "workspace", **{
        ".workflow-config.yaml": ONLY_CODE_QUALITY,
    })  # fmt: skip
    result, summary, outputs = run_action_step(repo, tmp_path, **{"extra-args": "--no-ai-cache"})
    assert result.returncode == 1, result.stderr
    report_dir = Path(outputs["report-dir"])
    assert report_dir.parent == repo / ".ai-workflow" / "backlog"
    for name in ("sarif", "findings", "codequality"):
        assert Path(outputs[name]).parent == report_dir and Path(outputs[name]).is_file()
    assert str(report_dir) in summary or "ai-workflow" in summary
    # the HTML report is there, and `report` finds it there
    assert (report_dir / "report.html").is_file()
    capsys.readouterr()
    assert main(["report", "--target", str(repo)]) == 0
    assert capsys.readouterr().out.strip() == str(report_dir / "report.html")
    # the baseline reads that run's findings; the next run reports them as known
    assert main(["baseline", "--target", str(repo)]) == 0
    assert "1 finding(s)" in capsys.readouterr().out
    code = main(["run", "--target", str(repo), "--auto", "--no-ai-cache", "--json"])
    run = json.loads(capsys.readouterr().out)
    assert code == 0 and run["counts"]["findings"]["baselined"] == 1
    assert_original_records_untouched(repo)


def test_html_report_links_back_to_the_project_from_any_workdir(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tracked_workdir_project(tmp_path / "p", **{".workflow-config.yaml": ONLY_CODE_QUALITY})
    for workdir, root in (
        (None, "../../../"),
        ("build/state/aiw", "../../../../../"),
        (str(tmp_path / "elsewhere"), "../../../p/"),
    ):
        extra = ["--workdir", workdir] if workdir else []
        main(["run", "--target", str(repo), "--auto", "--no-ai-cache", "--json", *extra])
        run_id = json.loads(capsys.readouterr().out)["run_id"]
        base = Path(workdir) if workdir and Path(workdir).is_absolute() else None
        where = base or repo / (workdir or ".ai-workflow")
        page = (where / "backlog" / run_id / "report.html").read_text(encoding="utf-8")
        assert re.search(r'"root":"([^"]*)"', page).group(1) == root  # type: ignore[union-attr]
        # the link resolves to the project's file
        target = (where / "backlog" / run_id / root / "src/demo/__init__.py").resolve()
        assert target == (repo / "src/demo/__init__.py").resolve()
    assert_original_records_untouched(repo)


def test_init_names_the_workdir_a_run_would_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = tracked_workdir_project(tmp_path / "p")
    git(repo, "rm", "-q", "--cached", ".gitignore")
    (repo / ".gitignore").unlink()
    assert main(["init", "--target", str(repo), "--ci", "gitlab"]) == 0
    err = capsys.readouterr().err
    assert "add .ai-workflow/ to .gitignore" in err and "add .ai_workflow/" not in err
    job = yaml.safe_load((repo / templates.GITLAB_JOB_FILE).read_text())["ai-workflow"]
    assert job["artifacts"]["paths"] == [".ai-workflow/backlog/"]
    assert ".ai-workflow/backlog/workflow_*/" in job["after_script"][0]
    config = (repo / ".workflow-config.yaml").read_text()
    assert re.search(r'^#   workdir: "\.ai-workflow" +# used because git tracks', config, re.M)
    assert re.search(r"^#   keep_runs: 20 ", config, re.M)
    # a project without the original's directory keeps the default, as the README shows it
    plain = make_repo(tmp_path / "plain", {"README.md": "# plain\n"})
    assert main(["init", "--target", str(plain), "--ci", "gitlab"]) == 0
    assert (plain / templates.GITLAB_JOB_FILE).read_text() == templates.gitlab_job()
    assert "add .ai_workflow/ to .gitignore" in capsys.readouterr().err


def test_config_show_takes_workdir_and_no_project_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path, {".workflow-config.yaml": "run:\n  keep_runs: 5\n"})
    assert main(["config", "show", "--target", str(repo), "--json", "--workdir", "st"]) == 0
    shown = {s["key"]: s for s in json.loads(capsys.readouterr().out)}
    assert shown["run.workdir"] == {"key": "run.workdir", "value": "st", "source": "command line"}
    assert shown["run.keep_runs"]["value"] == 5
    assert shown["run.keep_runs"]["source"].endswith("line 2")
    argv = ["config", "show", "--target", str(repo), "--json", "--no-project-config"]
    assert main(argv) == 0
    shown = {s["key"]: s for s in json.loads(capsys.readouterr().out)}
    assert shown["run.keep_runs"] == {"key": "run.keep_runs", "value": 20, "source": "default"}


def test_ci_commands_pass_the_workdir_and_config_choice_to_the_run() -> None:
    from ai_workflow.cli import build_parser
    from ai_workflow.commands.ci import _github_run_args

    parser, _ = build_parser()
    argv = ["ci", "github", "--workdir", "st", "--no-project-config", "--config", "c.yaml"]
    assert _github_run_args(parser.parse_args(argv)) == [
        *("--target", ".", "--auto", "--config", "c.yaml", "--no-project-config"),
        *("--workdir", "st"),
    ]


def test_config_show_names_the_original_tools_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = (
        "project:\n  type: bash-automation-framework\n  kind: shell_script_automation\n"
        "structure:\n  src_dirs: [src]\n"
        "tech_stack:\n  primary_language: bash\n  lint_command: shellcheck src/*.sh\n"
    )
    repo = make_repo(tmp_path, {".workflow-config.yaml": original, "src/a.sh": "echo\n"})
    assert main(["config", "show", "--target", str(repo), "--json", "--set-only"]) == 0
    out, err = capsys.readouterr()
    assert err.count("is written for the original ai_workflow Bash tool") == 1
    shown = {s["key"]: s["source"] for s in json.loads(out)}
    assert shown["structure.source_dirs"].endswith(
        ".workflow-config.yaml, line 5 (structure.src_dirs)"
    )
    assert shown["tech_stack.lint_command"].endswith(".workflow-config.yaml, line 8")
    assert shown["tech_stack.primary_language"].endswith(".workflow-config.yaml, line 7")
