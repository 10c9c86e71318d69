"""End-to-end runs through the real CLI with real command steps in real git repositories."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ai_workflow.cli import main
from ai_workflow.engine.metrics import DIED_REASON, read_history, record_dead_run
from tests.helpers import commit_all, git

Repo = Callable[..., Path]


def run_json(
    repo: Path, *args: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, dict[str, Any]]:
    code = main(["run", "--target", str(repo), "--auto", "--json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def history(repo: Path) -> list[dict[str, Any]]:
    return read_history(repo)


def test_sequential_run_records_summary_history_and_logs(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo(
        [
            {"id": "hello", "run": "echo hello-from-step"},
            {"id": "after", "run": "true", "depends_on": ["hello"]},
        ]
    )
    code, summary = run_json(repo, capsys=capsys)
    assert code == 0
    assert summary["status"] == "passed"
    assert summary["schema"] == "ai-workflow/run-summary@1"
    assert summary["run_id"].startswith("workflow_")
    assert [s["id"] for s in summary["steps"]] == ["hello", "after"]
    assert summary["git"]["branch"] == "main" and summary["git"]["dirty"] is False
    assert set(summary["ai"]) >= {
        "calls",
        "cache_hits",
        "cache_misses",
        "tokens_in",
        "tokens_out",
        "tokens_saved",
    }
    runs = history(repo)
    assert len(runs) == 1 and runs[0]["run_id"] == summary["run_id"]
    log = repo / ".ai_workflow" / "logs" / summary["run_id"]
    assert "hello-from-step" in (log / "step13_hello.log").read_text()
    assert "[SUCCESS]" in (log / "workflow_execution.log").read_text()
    # a passed run leaves nothing to resume
    assert not list((repo / ".ai_workflow" / "checkpoints").glob("*.json"))
    # the engine never touched the project's own files
    assert git(repo, "status", "--porcelain") == ""


def test_failed_step_exit_1_dependents_not_run_independent_branch_goes_on(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo(
        [
            {"id": "bad", "run": "exit 3"},
            {"id": "child", "run": "true", "depends_on": ["bad"]},
            {"id": "other", "run": "true"},
        ]
    )
    code, summary = run_json(repo, "--parallel", capsys=capsys)
    steps = {s["id"]: s for s in summary["steps"]}
    assert code == 1 and summary["status"] == "failed"
    assert steps["bad"]["status"] == "failed" and "status 3" in steps["bad"]["reason"]
    assert (
        steps["child"]["status"] == "not_run"
        and steps["child"]["reason"] == "dependency bad failed"
    )
    assert steps["other"]["status"] == "passed"
    assert history(repo)[-1]["status"] == "failed"  # failed runs are recorded too


def test_parallel_run_overlaps_steps(custom_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    steps = [{"id": f"s{i}", "run": "sleep 0.6"} for i in range(4)]
    repo = custom_repo(steps)
    start = time.monotonic()
    code, summary = run_json(repo, "--parallel", "--jobs", "4", capsys=capsys)
    wall = time.monotonic() - start
    assert code == 0
    starts = sorted(s["started_at"] for s in summary["steps"])
    ends = sorted(s["ended_at"] for s in summary["steps"])
    assert starts[-1] < ends[0], "all four steps should have been running at the same time"
    assert wall < 4 * 0.6 + 2  # loose sanity bound only; real figures are in bench/


def test_resume_reuses_passed_steps_and_reruns_failed(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    flag = tmp_path / "fixed"
    counter = tmp_path / "count"
    repo = custom_repo(
        [
            {"id": "first", "run": f"echo x >> {counter}"},
            {"id": "flaky", "run": f"test -f {flag}", "depends_on": ["first"]},
        ]
    )
    code, first = run_json(repo, capsys=capsys)
    assert code == 1
    flag.write_text("ok")
    code, second = run_json(repo, capsys=capsys)
    steps = {s["id"]: s for s in second["steps"]}
    assert code == 0
    assert second["options"]["resumed_from"] == first["run_id"]
    assert steps["first"]["status"] == "reused"
    assert steps["first"]["reused_from"] == first["run_id"]
    assert steps["flaky"]["status"] == "passed"
    assert counter.read_text().count("x") == 1  # the passed step did not run again
    # the completed run leaves nothing to resume: the next run runs everything
    code, third = run_json(repo, capsys=capsys)
    assert third["options"]["resumed_from"] is None
    assert {s["status"] for s in third["steps"]} == {"passed"}


def test_resume_does_not_reuse_after_the_tree_changed(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo([{"id": "ok", "run": "true"}, {"id": "bad", "run": "exit 1"}])
    run_json(repo, capsys=capsys)
    (repo / "new.txt").write_text("changed\n")
    commit_all(repo, "change")
    _, second = run_json(repo, capsys=capsys)
    assert {s["id"]: s["status"] for s in second["steps"]}["ok"] == "passed"


def test_no_resume_runs_everything(custom_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo = custom_repo([{"id": "ok", "run": "true"}, {"id": "bad", "run": "exit 1"}])
    run_json(repo, capsys=capsys)
    _, second = run_json(repo, "--no-resume", capsys=capsys)
    assert second["options"]["resumed_from"] is None
    assert {s["id"]: s["status"] for s in second["steps"]}["ok"] == "passed"


def test_dry_run_changes_nothing(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    marker = tmp_path / "ran"
    repo = custom_repo([{"id": "a", "run": f"touch {marker}"}])
    code, summary = run_json(repo, "--dry-run", capsys=capsys)
    assert code == 0 and summary["status"] == "dry_run"
    assert [s["status"] for s in summary["steps"]] == ["planned"]
    assert not marker.exists()
    assert not (repo / ".ai_workflow").exists()


def test_dry_run_shows_phases_and_what_would_run_or_be_skipped(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo(
        [
            {"id": "first", "run": "true", "categories": ["docs"]},
            {"id": "second", "run": "true", "depends_on": ["first"], "categories": ["docs"]},
            {"id": "alone", "run": "true", "categories": ["*"]},
        ]
    )
    assert main(["run", "--target", str(repo), "--auto"]) == 0
    capsys.readouterr()
    assert main(["run", "--target", str(repo), "--dry-run", "--smart-execution"]) == 0
    out = capsys.readouterr().out
    assert "Execution phases:" in out
    assert "Phase 1: 13 first, 15 alone (1 would run, 1 skipped)" in out
    assert "Phase 2: 14 second (0 would run, 1 skipped)" in out
    assert out.count("no change in categories docs") == 2  # why each is skipped
    code, summary = run_json(repo, "--dry-run", "--smart-execution", capsys=capsys)
    assert code == 0
    steps = {s["id"]: (s["phase"], s["status"]) for s in summary["steps"]}
    assert steps == {"first": (1, "skipped"), "second": (2, "skipped"), "alone": (1, "planned")}
    assert summary["phases"] == [
        {"phase": 1, "steps": ["first", "alone"]},
        {"phase": 2, "steps": ["second"]},
    ]


def test_show_graph_writes_dependency_graph(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo(
        [
            {"id": "a", "run": "true", "estimate_s": 5},
            {"id": "b", "run": "true", "depends_on": ["a"], "estimate_s": 7},
        ]
    )
    code, summary = run_json(repo, "--show-graph", capsys=capsys)
    assert code == 0
    graph_md = repo / ".ai_workflow" / "backlog" / summary["run_id"] / "DEPENDENCY_GRAPH.md"
    text = graph_md.read_text()
    assert "```mermaid" in text and "a --> b" in text
    assert "Critical path (~12s)" in text
    assert "registry default" in text
    # the second run estimates from history
    main(["graph", "--target", str(repo), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert all(s["estimate_source"].startswith("history") for s in data["steps"])


def test_timeout_fails_the_step(custom_repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    repo = custom_repo([{"id": "slow", "run": "sleep 20", "timeout_s": 0.5}])
    start = time.monotonic()
    code, summary = run_json(repo, capsys=capsys)
    assert code == 1 and time.monotonic() - start < 10
    assert summary["steps"][0]["reason"] == "timed out after 0.5s"


def test_failed_step_without_findings_gets_an_error_finding_in_every_report(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo(
        [
            {"id": "slow", "run": "sleep 20", "timeout_s": 0.5},
            {"id": "bad", "run": "exit 1"},  # has its own error finding: gets no second one
        ]
    )
    code = main(["run", "--target", str(repo), "--auto"])
    out = capsys.readouterr().out
    assert code == 1
    top = out[out.index("Top findings") :]
    assert "workflow/step-failed" in top and "timed out after 0.5s" in top
    summary = history(repo)[-1]
    assert summary["counts"]["findings"]["error"] == 2
    backlog = repo / ".ai_workflow" / "backlog" / summary["run_id"]
    findings = json.loads((backlog / "findings.json").read_text())["findings"]
    assert sorted((f["rule"], f["severity"], f["step"]) for f in findings) == [
        ("custom/exit-status", "error", "bad"),
        ("workflow/step-failed", "error", "slow"),
    ]
    failed = next(f for f in findings if f["rule"] == "workflow/step-failed")
    assert failed["message"] == "timed out after 0.5s"
    sarif = json.loads((backlog / "findings.sarif").read_text())["runs"][0]["results"]
    assert sorted((r["ruleId"], r["level"]) for r in sarif) == [
        ("custom/exit-status", "error"),
        ("workflow/step-failed", "error"),
    ]


def test_non_git_target_still_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.engine.conftest import custom_only_config

    (tmp_path / ".workflow-config.yaml").write_text(
        custom_only_config([{"id": "a", "run": "true"}])
    )
    code, summary = run_json(tmp_path, capsys=capsys)
    assert code == 0 and summary["git"] is None


def test_corrupt_history_and_checkpoint_are_skipped_with_a_warning(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo([{"id": "a", "run": "true"}])
    run_json(repo, capsys=capsys)
    metrics = repo / ".ai_workflow" / "metrics" / "history.jsonl"
    with metrics.open("a") as handle:
        handle.write("{not json\n")
    (repo / ".ai_workflow" / "checkpoints").mkdir(exist_ok=True)
    (repo / ".ai_workflow" / "checkpoints" / "broken.json").write_text("{")
    code = main(["run", "--target", str(repo), "--auto"])
    err = capsys.readouterr().err
    assert code == 0
    assert "ai-workflow: warning: skipped unreadable checkpoint broken.json" in err
    assert "skipped a corrupt history line" in err
    with pytest.warns(UserWarning, match="corrupt history line"):
        runs = history(repo)
    assert len(runs) == 2  # the corrupt line is skipped, both runs are there


def test_history_line_without_newline_does_not_swallow_the_next_run(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo([{"id": "a", "run": "true"}])
    _, first = run_json(repo, capsys=capsys)
    metrics = repo / ".ai_workflow" / "metrics" / "history.jsonl"
    with metrics.open("a") as handle:
        handle.write('{"partial": ')  # a truncated write: no trailing newline
    _, second = run_json(repo, capsys=capsys)
    lines = metrics.read_text().splitlines()
    assert lines[1] == '{"partial": '
    assert json.loads(lines[2])["run_id"] == second["run_id"]
    with pytest.warns(UserWarning, match=r"history.jsonl:2: skipped a corrupt history line"):
        runs = history(repo)
    assert [r["run_id"] for r in runs] == [first["run_id"], second["run_id"]]


def run_cli_process(repo: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ai_workflow", "run", "--target", str(repo), "--auto", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def wait_for(path: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_interrupt_stops_children_records_interrupted_and_exits_130(
    custom_repo: Repo, tmp_path: Path, sig: int
) -> None:
    started = tmp_path / "started"
    child_pid = tmp_path / "child.pid"
    repo = custom_repo(
        [
            {"id": "long", "run": f"sleep 60 & echo $! > {child_pid}; touch {started}; wait"},
            {"id": "later", "run": "true", "depends_on": ["long"]},
        ]
    )
    proc = run_cli_process(repo)
    wait_for(started)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    runs = history(repo)
    assert runs[-1]["status"] == "interrupted"
    statuses = {s["id"]: s["status"] for s in runs[-1]["steps"]}
    assert statuses == {"long": "interrupted", "later": "not_run"}
    pid = int(child_pid.read_text())
    time.sleep(0.3)
    assert (
        not Path(f"/proc/{pid}").exists() or "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
    )


def test_killed_run_is_resumed(
    custom_repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gate = tmp_path / "gate"
    counter = tmp_path / "count"
    repo = custom_repo(
        [
            {"id": "one", "run": f"echo 1 >> {counter}"},
            {
                "id": "two",
                "run": f"touch {gate}.reached; while [ ! -f {gate} ]; do sleep 0.1; done",
                "depends_on": ["one"],
            },
        ]
    )
    proc = run_cli_process(repo)
    wait_for(Path(f"{gate}.reached"))
    proc.kill()  # SIGKILL: the run gets no chance to clean up or record anything
    proc.communicate(timeout=10)
    gate.write_text("open")
    code, summary = run_json(repo, capsys=capsys)
    assert code == 0
    statuses = {s["id"]: s["status"] for s in summary["steps"]}
    assert statuses == {"one": "reused", "two": "passed"}
    assert counter.read_text().count("1") == 1
    killed, resumed = read_history(repo)  # the killed run is in the history too
    assert (killed["status"], killed["reason"]) == ("interrupted", DIED_REASON)
    assert killed["run_id"] == summary["options"]["resumed_from"]
    assert [(s["id"], s["status"]) for s in killed["steps"]] == [("one", "passed")]
    assert killed["duration_s"] >= 0 and resumed["run_id"] == summary["run_id"]


def test_second_concurrent_run_is_refused(custom_repo: Repo, tmp_path: Path) -> None:
    started = tmp_path / "started"
    repo = custom_repo([{"id": "long", "run": f"touch {started}; sleep 30"}])
    first = run_cli_process(repo)
    try:
        wait_for(started)
        second = subprocess.run(
            [sys.executable, "-m", "ai_workflow", "run", "--target", str(repo), "--auto"],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert second.returncode == 2
        assert "another ai-workflow run" in second.stderr and f"pid {first.pid}" in second.stderr
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=30)


def test_resume_does_not_reuse_a_step_whose_configuration_changed(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.engine.conftest import custom_only_config

    repo = custom_repo([{"id": "ok", "run": "true"}, {"id": "bad", "run": "exit 1"}])
    run_json(repo, capsys=capsys)
    (repo / ".workflow-config.yaml").write_text(
        custom_only_config([{"id": "ok", "run": "true ok"}, {"id": "bad", "run": "exit 1"}])
    )
    _, second = run_json(repo, capsys=capsys)
    assert second["options"]["resumed_from"] is not None
    assert {s["id"]: s["status"] for s in second["steps"]}["ok"] == "passed"


def test_checkpoints_older_than_seven_days_are_pruned(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo([{"id": "bad", "run": "exit 1"}])
    _, first = run_json(repo, capsys=capsys)
    old = repo / ".ai_workflow" / "checkpoints" / f"{first['run_id']}.json"
    assert old.exists()
    eight_days_ago = time.time() - 8 * 24 * 3600
    os.utime(old, (eight_days_ago, eight_days_ago))
    _, second = run_json(repo, capsys=capsys)
    assert not old.exists()
    assert second["options"]["resumed_from"] is None  # a pruned run is not resumed


def test_resume_reruns_a_step_whose_dependency_reruns(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    flag, reports = tmp_path / "fixed", tmp_path / "reports"
    repo = custom_repo(
        [
            {"id": "flaky", "run": f"test -f {flag}"},
            {
                "id": "report",
                "run": f"echo r >> {reports}",
                "depends_on": ["flaky"],
                "after_failures": True,
            },
            {"id": "writer", "run": "true", "mutates": True},
        ]
    )
    code, first = run_json(repo, capsys=capsys)
    statuses = {s["id"]: s["status"] for s in first["steps"]}
    assert code == 1 and statuses["report"] == "passed"  # it ran although flaky failed
    flag.write_text("ok")
    _, second = run_json(repo, capsys=capsys)
    statuses = {s["id"]: s["status"] for s in second["steps"]}
    assert statuses == {"flaky": "passed", "report": "passed", "writer": "passed"}
    assert reports.read_text().count("r") == 2  # the report was made again from fresh results


def test_artifacts_stay_out_of_git_status_without_a_gitignore_entry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.engine.conftest import custom_only_config
    from tests.helpers import make_repo

    repo = make_repo(
        tmp_path / "p", {".workflow-config.yaml": custom_only_config([{"id": "a", "run": "true"}])}
    )
    code, _ = run_json(repo, capsys=capsys)
    assert code == 0
    assert (repo / ".ai_workflow" / "metrics" / "history.jsonl").exists()
    assert git(repo, "status", "--porcelain") == ""


def test_a_later_run_supersedes_older_checkpoints(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    flag = tmp_path / "fixed"
    repo = custom_repo([{"id": "flaky", "run": f"test -f {flag}"}])
    run_json(repo, capsys=capsys)  # fails: leaves a checkpoint
    flag.write_text("ok")
    code, _ = run_json(repo, "--no-resume", capsys=capsys)  # passes without resuming
    assert code == 0
    _, third = run_json(repo, capsys=capsys)
    assert third["options"]["resumed_from"] is None  # nothing stale is resumed
    assert third["steps"][0]["status"] == "passed"


def test_checkpoint_that_is_not_an_object_is_skipped(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo([{"id": "a", "run": "true"}])
    (repo / ".ai_workflow" / "checkpoints").mkdir(parents=True)
    (repo / ".ai_workflow" / "checkpoints" / "workflow_z.json").write_text("[]")
    code = main(["run", "--target", str(repo), "--auto"])
    assert code == 0
    assert "skipped unreadable checkpoint workflow_z.json" in capsys.readouterr().err


def test_workspace_that_is_a_file_is_a_usage_error(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = custom_repo([{"id": "a", "run": "true"}])
    (repo / ".ai_workflow").write_text("not a directory")
    assert main(["run", "--target", str(repo), "--auto"]) == 2
    assert "cannot use" in capsys.readouterr().err
    assert (repo / ".ai_workflow").read_text() == "not a directory"  # nothing of the user's lost


def test_a_closed_output_pipe_does_not_lose_the_run(custom_repo: Repo) -> None:
    repo = custom_repo([{"id": f"s{i}", "run": "true"} for i in range(5)])
    proc = run_cli_process(repo)
    assert proc.stdout is not None
    proc.stdout.readline()
    proc.stdout.close()  # like `ai-workflow run | head -1`
    proc.wait(timeout=60)
    assert proc.returncode == 0
    runs = history(repo)
    assert runs and runs[-1]["status"] == "passed" and len(runs[-1]["steps"]) == 5


def test_resume_runs_what_failed_even_if_smart_execution_would_skip_it(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    flag = tmp_path / "fixed"
    repo = custom_repo([{"id": "tests", "run": f"test -f {flag}", "categories": ["code"]}])
    (repo / "app.py").write_text("x = 1\n")
    commit_all(repo, "code")
    code, _ = run_json(repo, capsys=capsys)
    assert code == 1
    (repo / "README.md").write_text("# project\n\nMore docs.\n")
    commit_all(repo, "docs only")
    code, second = run_json(repo, "--smart-execution", capsys=capsys)
    assert second["options"]["resumed_from"] is not None
    assert second["steps"][0]["status"] == "failed"  # run again, not skipped as docs-only
    assert code == 1


def test_a_run_of_selected_steps_is_not_a_smart_execution_base(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    flag = tmp_path / "ok"
    flag.write_text("ok")
    repo = custom_repo(
        [
            {"id": "tests", "run": f"test -f {flag}", "categories": ["code"]},
            {"id": "docs", "run": "true", "categories": ["docs"]},
        ]
    )
    assert run_json(repo, capsys=capsys)[0] == 0  # full run passes: a valid base
    (repo / "app.py").write_text("x = 1\n")
    commit_all(repo, "code change that breaks the tests")
    flag.unlink()
    assert run_json(repo, "--steps", "docs", capsys=capsys)[0] == 0  # partial run passes
    (repo / "README.md").write_text("# project\n\nMore docs.\n")
    commit_all(repo, "docs only")
    code, summary = run_json(repo, "--smart-execution", "--no-resume", capsys=capsys)
    statuses = {s["id"]: s["status"] for s in summary["steps"]}
    assert statuses["tests"] == "failed"  # the code change since the last full run is seen
    assert code == 1


def test_resume_defers_to_step_fingerprints_where_they_exist(
    custom_repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    """Resume must not reuse a step whose input content changed behind the checkpoint's back."""
    repo = custom_repo(
        [
            {"id": "check", "run": "grep -q ok data.txt", "inputs": ["data.txt"]},
            {"id": "bad", "run": "exit 1"},
        ]
    )
    data = repo / "data.txt"
    data.write_text("ok\n")
    commit_all(repo, "data")
    code, _ = run_json(repo, capsys=capsys)
    assert code == 1
    stamp = data.stat()
    data.write_text("no\n")  # same size, same modification time: invisible to the checkpoint
    os.utime(data, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    _, second = run_json(repo, capsys=capsys)
    assert second["options"]["resumed_from"] is not None
    assert {s["id"]: s["status"] for s in second["steps"]}["check"] == "failed"


def test_a_dead_run_is_recorded_once_and_a_finished_one_never(tmp_path: Path) -> None:
    metrics = tmp_path / ".ai_workflow" / "metrics"
    metrics.mkdir(parents=True)
    live = {"run_id": "workflow_20260101_000000", "status": "running", "steps": []}
    (metrics / "current_run.json").write_text(json.dumps({**live, "started_at": "x"}))
    assert record_dead_run(tmp_path, "workflow_20260101_000001", []) == live["run_id"]
    assert (
        record_dead_run(tmp_path, "workflow_20260101_000002", read_history(tmp_path)) is None
    )  # already recorded
    [record] = read_history(tmp_path)
    assert record["status"] == "interrupted" and "duration_s" not in record  # no valid start
    (metrics / "current_run.json").write_text(
        json.dumps({**live, "run_id": "b", "status": "passed"})
    )
    assert record_dead_run(tmp_path, "c", []) is None
    (metrics / "current_run.json").write_text(json.dumps({**live, "run_id": "d"}))
    assert record_dead_run(tmp_path, "d", []) is None  # the live file of the run asking
    assert len(read_history(tmp_path)) == 1
