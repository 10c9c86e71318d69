"""The real-history replay's comparison (bench/bench_replay.py --real): the normaliser, the
result a skipped step stands for, and the accounting per change type, on a tiny real repository."""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.helpers import import_bench

GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]


@pytest.fixture(scope="module")
def replay() -> ModuleType:
    return import_bench("bench_replay")


def _step(
    step_id: str, status: str, *messages: str, duration: float = 1.0, cpu: float | None = None
) -> dict[str, Any]:
    findings = [
        {"rule": "r/x", "severity": "warning", "path": "a.py", "line": 3, "message": m}
        for m in messages
    ]
    step = {"id": step_id, "status": status, "duration_s": duration, "findings": findings}
    return step if cpu is None else {**step, "cpu_s": cpu}


def _summary(target: str, steps: list[dict[str, Any]], skipped: tuple[str, ...] = ()) -> Any:
    decisions = {s["id"]: {"decision": "skip" if s["id"] in skipped else "run"} for s in steps}
    return {
        "target": target,
        "steps": steps,
        "changes": {"change_type": "docs-only", "decisions": decisions},
    }


def test_messages_equal_once_paths_run_ids_times_and_addresses_are_normalised(
    replay: ModuleType,
) -> None:
    one = _summary("/w/p-incremental", [_step("s", "warning",
        "in /w/p-incremental/a.py: <Obj at 0x7f00aa12bc> took 1.25s, workflow_20261205_072046")])  # fmt: skip
    two = _summary("/w/p-full", [_step("s", "passed",
        "in /w/p-full/a.py: <Obj at 0x7f99ee34ff> took 30 ms, workflow_20261204_101010_2")])  # fmt: skip
    assert replay.step_outcomes(one) == replay.step_outcomes(two)  # warning and passed: ok
    three = _summary("/w/p-full", [_step("s", "passed", "in /w/p-full/b.py: other")])
    difference = replay.difference(replay.step_outcomes(one)["s"], replay.step_outcomes(three)["s"])
    assert difference is not None and "not in the full run" in difference
    failed = _summary("/w/p-full", [_step("s", "failed", "in <target>/a.py")])
    assert "outcome ok vs full failed" in replay.difference(
        replay.step_outcomes(one)["s"], replay.step_outcomes(failed)["s"]
    )


def test_temporary_file_names_are_normalised_and_other_paths_are_not() -> None:
    # held-out 99: hupper's failed tests name the temporary file they waited on
    # ("timeout waiting for change to file=/tmp/tmpn9rf0btq"), a new name each run
    common = import_bench("_common")
    one = common.normalise("timeout waiting for change to file=/tmp/tmpn9rf0btq", "/w/p")
    two = common.normalise("timeout waiting for change to file=/tmp/tmpcp9scs7w", "/w/p")
    assert one == two
    pytest_one = "/tmp/pytest-of-root/pytest-12/test_a0/x.txt missing"
    pytest_two = "/tmp/pytest-of-root/pytest-7/test_a0/x.txt missing"
    assert common.normalise(pytest_one, "/w/p") == common.normalise(pytest_two, "/w/p")
    assert common.normalise("/tmp/data/x.txt missing", "/w/p") != common.normalise(
        "/tmp/other/x.txt missing", "/w/p"
    )


def test_a_skipped_step_stands_for_its_last_result_and_a_stale_one_is_a_wrong_result(
    replay: ModuleType,
) -> None:
    tally = replay.RealTally()
    tally.seed(_summary("/i", [_step("docs", "passed", "old"), _step("tests", "passed")]))
    # docs skipped; its last result ("old") still holds: right
    incremental = _summary("/i", [_step("docs", "skipped"), _step("tests", "passed")], ("docs",))
    full = _summary("/f", [_step("docs", "passed", "old"), _step("tests", "passed")])
    row = tally.add("a" * 40, incremental, full)
    assert row["skipped"] == 1 and row["ran"] == 1 and not row["problems"]
    # docs skipped again, but the full run now finds something else: a wrong result
    full = _summary("/f", [_step("docs", "passed", "new"), _step("tests", "passed")])
    tally.add("b" * 40, incremental, full)
    assert len(tally.wrong) == 1 and "docs (skipped)" in tally.wrong[0]
    # a reused result is compared too; a step that ran and differs is listed apart
    incremental = _summary("/i", [_step("docs", "reused", "new"), _step("tests", "failed", "x")])
    tally.add("c" * 40, incremental, full)
    assert len(tally.wrong) == 1 and len(tally.ran_differences) == 1
    assert dict(tally.compared) == {"skipped": 2, "ran": 3, "reused": 1}


def test_cpu_time_is_added_up_beside_wall_time_per_step_and_in_total(replay: ModuleType) -> None:
    tally = replay.RealTally()
    tally.seed(_summary("/i", [_step("docs", "passed"), _step("tests", "passed")]))
    for sha in ("a" * 40, "b" * 40):
        steps = [_step("docs", "passed", cpu=0.5), _step("tests", "passed", duration=3, cpu=1)]
        incremental = {**_summary("/i", steps), "_process_cpu_s": 2.0}
        steps = [_step("docs", "passed", cpu=1), _step("tests", "passed", duration=4, cpu=3)]
        full = {**_summary("/f", steps), "_process_cpu_s": 5.0}
        tally.add(sha, incremental, full)
    total = tally.rows()[-1]
    assert (total["incremental_s"], total["full_s"], total["ratio"]) == (8.0, 10.0, 0.8)
    assert (total["incremental_cpu_s"], total["full_cpu_s"], total["cpu_ratio"]) == (3, 8, 0.375)
    assert (total["incremental_process_cpu_s"], total["full_process_cpu_s"]) == (4, 10)
    per_step = replay.per_step_totals(tally.commits)
    assert per_step["tests"]["cpu_ratio"] == round(2 / 6, 4)
    assert per_step["docs"]["incremental_s"] == 2.0
    # an ai-workflow that does not report cpu_s: no CPU figure for the steps, not a zero
    tally.add("c" * 40, _summary("/i", [_step("docs", "passed")]), _summary("/f", []))
    assert tally.rows()[-1]["cpu_ratio"] is None
    assert replay.per_step_totals(tally.commits)["docs"]["cpu_ratio"] is None


def _commit(repo: Path, files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    subprocess.run([*GIT, "-C", str(repo), "add", "-A"], check=True)
    subprocess.run([*GIT, "-C", str(repo), "commit", "-q", "-m", message], check=True)


@pytest.mark.slow
def test_replay_of_a_tiny_repository_accounts_each_commit_to_its_change_type(
    replay: ModuleType, tmp_path: Path
) -> None:
    repo = tmp_path / "tiny"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    _commit(
        repo,
        {
            "README.md": "# Tiny\n\nAdds numbers.\n",
            "tiny/__init__.py": '"""Tiny."""\n\n\ndef add(a, b):\n    """Sum."""\n    return a + b\n',
            "tests/test_tiny.py": "from tiny import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
            ".gitignore": ".ai_workflow/\n__pycache__/\n.pytest_cache/\n",
        },
        "start",
    )
    _commit(repo, {"README.md": "# Tiny\n\nAdds two numbers.\n"}, "docs")
    _commit(repo, {"tiny/__init__.py": '"""Tiny."""\n\n\ndef add(a, b):\n    """Sum."""\n    return b + a\n'}, "code")  # fmt: skip
    repos = tmp_path / "repos"
    repos.mkdir()
    subprocess.run(["git", "-C", str(repo), "bundle", "create", "-q", str(repos / "tiny.bundle"), "main"], check=True)  # fmt: skip
    project = replay.RealProject("tiny", "tiny.bundle", "main")
    result = replay.replay_real(project, 2, tmp_path / "work", repos)
    assert [c["change_type"] for c in result["per_commit"]] == ["docs-only", "code-only"]
    rows = {row["change_type"]: row for row in result["rows"]}
    assert rows["docs-only"]["commits"] == rows["code-only"]["commits"] == 1
    assert rows["all"]["commits"] == 2
    assert rows["all"]["full_s"] == pytest.approx(rows["docs-only"]["full_s"] + rows["code-only"]["full_s"], abs=0.02)  # fmt: skip
    assert rows["docs-only"]["steps_skipped"] > 0  # the tests did not run for a README edit
    assert result["wrong"] == [] and result["compared"]["skipped"] > 0
    assert rows["all"]["full_cpu_s"] > 0 and rows["all"]["full_process_cpu_s"] > 0


def test_the_go_exec_wrapper_drops_machine_failures_within_the_runs_own_selection(
    replay: ModuleType, tmp_path: Path
) -> None:
    """The wrapper lists the tests the run's `-run` matches and runs those without the machine's
    failures (its own pattern replacing the run's: the last `-test.run` would win)."""
    (wrapper,) = (v.removeprefix("-exec=") for _, v in replay.go_machine_fixes(tmp_path))
    binary = tmp_path / "fake.test"  # lists by the pattern it gets; echoes how it was run
    binary.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = -test.list ]; then\n'
        '  printf "%s\\n" TestA TestB TestGenManSeeAlso | grep -E "$2"; exit 0\n'
        "fi\n"
        'echo "$@"\n'
    )
    binary.chmod(0o755)

    def run(*args: str) -> str:
        done = subprocess.run([wrapper, str(binary), *args], capture_output=True, text=True)
        return done.stdout.strip()

    assert run("-test.v=test2json") == "-test.run ^(TestA|TestB)$ -test.v=test2json"
    selected = run("-test.run=^(TestB|TestGenManSeeAlso)$", "-test.v=test2json")
    assert selected == "-test.run ^(TestB)$ -test.v=test2json"
    assert run("-test.run=^(TestGenManSeeAlso)$") == "-test.run ^$"


def test_a_go_project_without_its_modules_is_refused_rather_than_measured_without_tests(
    replay: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replay, "GO_SOURCES", tmp_path / "no-gocode")
    cobra = replay.RealProject("cobra", "cobra.bundle", "main", go=True)
    with pytest.raises(SystemExit) as exited:
        replay.replay_real(cobra, 2, tmp_path / "work", tmp_path)
    assert exited.value.code == 2
    (tmp_path / "gocode").mkdir()  # with the modules there, it goes on (here: to the clone)
    for source in set(replay.GO_MODULES.values()):
        (tmp_path / "gocode" / source).mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(replay, "GO_SOURCES", tmp_path / "gocode")
    with pytest.raises(Exception) as went_on:
        replay.replay_real(cobra, 2, tmp_path / "work", tmp_path)
    assert not isinstance(went_on.value, SystemExit)
