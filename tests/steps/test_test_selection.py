"""Test impact analysis in test_execution: real git repositories with a small real pytest
project, run through the CLI with smart execution; the test map our pytest plugin records on a
full run, and the tests a change then selects (or every test, and why)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ai_workflow.cli import main
from ai_workflow.steps import test_execution
from ai_workflow.testselect import pytest_map
from ai_workflow.testselect.node import related_argv
from ai_workflow.testselect.pydiff import compare_sources, source_fingerprint
from tests.helpers import commit_all, make_repo, step_context

PROJECT = {
    ".gitignore": ".ai_workflow/\n",
    "pyproject.toml": (
        '[project]\nname = "calc"\nversion = "0.1"\n'
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["src"]\n'
    ),
    "src/calc/__init__.py": "",
    "src/calc/ops.py": ("def add(a, b):\n    return a + b\n\n\ndef mul(a, b):\n    return a * b\n"),
    "src/calc/text.py": (
        "from pathlib import Path\n\n\ndef shout(s):\n    return s.upper() + '!'\n\n\n"
        "def greeting():\n    return (Path(__file__).parent / 'greeting.txt').read_text().strip()\n"
    ),
    "src/calc/greeting.txt": "hello\n",
    "tests/conftest.py": "import pytest\n\n\n@pytest.fixture\ndef two():\n    return 2\n",
    "tests/test_ops.py": (
        "from calc.ops import add, mul\n\n\ndef test_add():\n    assert add(1, 2) == 3\n\n\n"
        "def test_mul(two):\n    assert mul(two, 3) == 6\n"
    ),
    "tests/test_text.py": (
        "from calc.text import greeting, shout\n\n\ndef test_shout():\n"
        "    assert shout('a') == 'A!'\n\n\ndef test_greeting():\n"
        "    assert greeting() == 'hello'\n"
    ),
}
ALL = {
    "tests/test_ops.py::test_add",
    "tests/test_ops.py::test_mul",
    "tests/test_text.py::test_shout",
    "tests/test_text.py::test_greeting",
}


def run(repo: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    code = main(
        [
            *("run", "--target", str(repo), "--steps", "test_execution", "--smart-execution"),
            *("--auto", "--json", *extra),
        ]
    )
    summary: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    return summary


def ran_tests(repo: Path) -> set[str]:
    """The tests the last run ran, from its JUnit report."""
    reports = sorted(repo.glob(".ai_workflow/logs/*/junit-test_execution.xml"))
    text = reports[-1].read_text(encoding="utf-8")
    import xml.etree.ElementTree as ET

    found = set()
    for case in ET.fromstring(text).iter("testcase"):
        module = case.get("classname", "").replace(".", "/")
        found.add(f"{module}.py::{case.get('name')}")
    return found


def edit(repo: Path, path: str, old: str, new: str) -> None:
    file = repo / path
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The project with two commits, and the full run on the second that records the map."""
    repo = make_repo(tmp_path / "calc", PROJECT)
    (repo / "src/calc/extra.py").write_text("def unused():\n    return 0\n", encoding="utf-8")
    commit_all(repo, "extra")
    summary = run(repo, capsys)
    assert summary["selection"]["mode"] == "all"
    assert summary["selection"]["reason"].startswith("no test map recorded")
    assert summary["tests"]["total"] == summary["tests"]["selected"] == 4
    maps = list(repo.glob(".ai_workflow/step_cache/test_execution.testmap/*.json"))
    assert len(maps) == 1
    recorded = json.loads(maps[0].read_text(encoding="utf-8"))
    assert set(recorded["tests"]) == ALL
    units = recorded["units"]
    mul = {units[i][1] for i in recorded["tests"]["tests/test_ops.py::test_mul"]}
    assert {"mul", "test_mul", "two"} <= mul and "add" not in mul
    return repo


def test_a_change_to_one_function_selects_only_the_tests_that_ran_it(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "src/calc/ops.py", "return a * b", "return b * a")
    commit_all(project, "mul")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert summary["selection"]["base"] is not None
    assert summary["tests"]["selected"] == 1 and summary["tests"]["total"] == 4
    assert summary["tests"]["passed"] == 1
    assert ran_tests(project) == {"tests/test_ops.py::test_mul"}
    step = summary["steps"][0]
    assert step["summary"].startswith("ran 1 of 4 tests (affected by 1 changed file")


def test_a_fault_in_a_selected_function_is_caught(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "src/calc/ops.py", "return a + b", "return a - b")
    commit_all(project, "broken add")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert summary["tests"]["failed"] == 1 and summary["tests"]["selected"] == 1
    assert summary["status"] == "failed"


def test_conftest_change_runs_every_test(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(project, "tests/conftest.py", "return 2", "return 1 + 1")
    commit_all(project, "conftest")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "all"
    assert "tests/conftest.py changed" in summary["selection"]["reason"]
    assert summary["tests"]["selected"] == 4


def test_a_data_file_the_tests_read_runs_every_test(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "src/calc/greeting.txt").write_text("hi\n", encoding="utf-8")
    commit_all(project, "greeting")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "all"
    assert "src/calc/greeting.txt, a file the tests read" in summary["selection"]["reason"]
    assert summary["tests"]["failed"] == 1


def test_module_level_change_in_an_imported_module_runs_every_test(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "src/calc/ops.py", "def add", "LIMIT = 3\n\n\ndef add")
    commit_all(project, "constant")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "all"
    assert "module-level code changed" in summary["selection"]["reason"]


def _fake_distribution(site: Path, name: str, version: str) -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Name: {name}\nVersion: {version}\n", encoding="utf-8")
    (info / "RECORD").write_text(f"{name}-{version}.dist-info/METADATA,,\n", encoding="utf-8")


def test_a_lockfile_change_runs_every_test_only_when_the_installed_packages_changed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"  # a directory of installed distributions on the test's sys.path
    _fake_distribution(site, "dep", "1.0")
    monkeypatch.setenv("PYTHONPATH", str(site))
    repo = make_repo(tmp_path / "calc", {**PROJECT, "uv.lock": "dep 1.0\n"})
    (repo / "requirements.txt").write_text("dep==1.0\n", encoding="utf-8")
    commit_all(repo, "requirements")
    assert run(repo, capsys)["selection"]["mode"] == "all"
    recorded = json.loads(
        next(repo.glob(".ai_workflow/step_cache/test_execution.testmap/*.json")).read_text()
    )
    assert recorded["environment"]
    # the lockfile and a manifest change, the installed packages do not (another platform's
    # wheels, a dependency group this environment does not install): selection holds
    (repo / "uv.lock").write_text("dep 1.0\nother-platform-wheel\n", encoding="utf-8")
    (repo / "requirements.txt").write_text("dep==1.0\nextra; sys_platform == 'win32'\n")
    edit(repo, "src/calc/ops.py", "return a * b", "return b * a")
    commit_all(repo, "lock")
    summary = run(repo, capsys)
    assert summary["selection"]["mode"] == "affected", summary["selection"]
    assert ran_tests(repo) == {"tests/test_ops.py::test_mul"}
    # the environment is synced to a new version: every test runs
    (repo / "uv.lock").write_text("dep 2.0\n", encoding="utf-8")
    commit_all(repo, "dep 2")
    shutil.rmtree(site / "dep-1.0.dist-info")
    _fake_distribution(site, "dep", "2.0")
    summary = run(repo, capsys)
    assert summary["selection"]["mode"] == "all"
    assert "changed and so did the packages installed" in summary["selection"]["reason"]


def test_an_environment_that_changed_without_a_manifest_change_runs_every_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.setenv("PYTHONPATH", str(site))
    repo = make_repo(tmp_path / "calc", PROJECT)
    (repo / "src/calc/extra.py").write_text("def unused():\n    return 0\n", encoding="utf-8")
    commit_all(repo, "extra")
    assert run(repo, capsys)["selection"]["mode"] == "all"
    _fake_distribution(site, "plugin", "0.1")  # installed by hand since the map
    edit(repo, "src/calc/ops.py", "return a * b", "return b * a")
    commit_all(repo, "mul")
    summary = run(repo, capsys)
    assert summary["selection"]["mode"] == "all"
    assert summary["selection"]["reason"].startswith("the packages installed")


def test_pyproject_changes_run_every_test_when_they_reach_pytest_or_the_environment(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "pyproject.toml", 'version = "0.1"', 'version = "0.2"')
    edit(project, "src/calc/ops.py", "return a * b", "return b * a")
    commit_all(project, "version")
    summary = run(project, capsys)  # not installed here: the version reaches no test
    assert summary["selection"]["mode"] == "affected", summary["selection"]
    assert ran_tests(project) == {"tests/test_ops.py::test_mul"}
    edit(project, "pyproject.toml", 'testpaths = ["tests"]', 'testpaths = ["tests", "src"]')
    commit_all(project, "testpaths")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "all"
    assert "the pytest configuration in pyproject.toml changed" in summary["selection"]["reason"]


def test_other_tools_tables_in_pyproject_do_not_run_every_test(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (project / "pyproject.toml").open("a", encoding="utf-8") as handle:
        handle.write("[tool.black]\nline-length = 90\n")
    edit(project, "src/calc/text.py", "+ '!'", "+ '!' * 1")
    commit_all(project, "black and shout")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert ran_tests(project) == {"tests/test_text.py::test_shout"}


def test_tests_that_failed_last_time_run_again(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "src/calc/text.py", "+ '!'", "+ '?'")
    commit_all(project, "break shout")
    failed = run(project, capsys)
    assert failed["tests"]["failed"] == 1
    edit(project, "src/calc/text.py", "+ '?'", "+ '!'")  # back as the map knows it
    edit(project, "src/calc/ops.py", "return a * b", "return b * a")
    commit_all(project, "mul, shout fixed")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert ran_tests(project) == {"tests/test_ops.py::test_mul", "tests/test_text.py::test_shout"}
    assert summary["tests"]["passed"] == 2 and summary["tests"]["total"] == 4


def test_a_new_test_file_and_a_changed_test_file_run_whole(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "tests/test_more.py").write_text(
        "from calc.ops import add\n\n\ndef test_more():\n    assert add(2, 2) == 4\n",
        encoding="utf-8",
    )
    edit(project, "tests/test_text.py", "== 'A!'", "== 'A' + '!'")
    commit_all(project, "more tests")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert ran_tests(project) == {
        "tests/test_more.py::test_more",
        "tests/test_text.py::test_shout",
        "tests/test_text.py::test_greeting",
    }
    assert summary["tests"]["total"] == 5  # the map now knows the new test


def test_selected_runs_are_measured_from_the_recorded_map(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "src/calc/ops.py", "return a * b", "return b * a")
    commit_all(project, "mul")
    run(project, capsys)
    edit(project, "src/calc/ops.py", "return a + b", "return b + a")
    commit_all(project, "add")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "affected"
    # the selected run moved the map to its commit: only the change since then counts
    assert ran_tests(project) == {"tests/test_ops.py::test_add"}
    assert summary["tests"]["total"] == 4
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.strip()
    maps = project / ".ai_workflow/step_cache/test_execution.testmap"
    stored = json.loads((maps / f"{head}.json").read_text(encoding="utf-8"))
    assert stored["merged_from"] and set(stored["tests"]) == ALL
    units = stored["units"]
    shout = {units[i][1] for i in stored["tests"]["tests/test_text.py::test_shout"]}
    assert "shout" in shout  # kept from the full run's record
    edit(project, "src/calc/text.py", "+ '!'", "+ '!!'")
    commit_all(project, "shout")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert ran_tests(project) == {"tests/test_text.py::test_shout"}
    assert summary["tests"]["failed"] == 1


def test_nothing_reachable_runs_nothing(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "tools.py").write_text("def helper():\n    return 1\n", encoding="utf-8")
    commit_all(project, "a script no test runs")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert summary["tests"]["selected"] == 0 and summary["tests"]["total"] == 4
    assert summary["steps"][0]["summary"].startswith("ran 0 of 4 tests")
    assert summary["steps"][0]["status"] == "passed" and not summary["steps"][0]["findings"]


def test_all_tests_flag_and_config_run_everything(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "src/calc/ops.py", "return a * b", "return b * a")
    commit_all(project, "mul")
    summary = run(project, capsys, "--all-tests")
    assert summary["selection"] == {
        "mode": "all",
        "reason": "test selection is off (run.test_selection: all, or --all-tests)",
        "base": None,
    }
    assert summary["tests"]["selected"] == 4


def test_an_unknown_base_runs_every_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "one", PROJECT)  # one commit: nothing to compare with
    summary = run(repo, capsys)
    assert summary["selection"]["mode"] == "all"
    assert summary["selection"]["reason"].startswith("the change base is unknown")
    assert summary["tests"]["selected"] == 4


def test_without_smart_execution_nothing_is_recorded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo(tmp_path / "plain", PROJECT)
    code = main(["run", "--target", str(repo), "--steps", "test_execution", "--auto", "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert summary["selection"]["reason"] == "smart execution is off"
    assert not list(repo.glob(".ai_workflow/step_cache/test_execution.testmap/*.json"))


# --------------------------------------------------------------------------- what a change reaches


MODULE = '''"""A module."""
import os

LIMIT = 3


def first(x):
    """Doc."""
    return x + 1


class Box:
    size = 2

    def get(self):
        return self.size

    async def fetch(self):
        return 1
'''


def test_body_changes_are_told_from_module_level_changes() -> None:
    body = compare_sources(MODULE, MODULE.replace("return self.size", "return self.size * 2"))
    assert (body.module_level, body.functions) == (False, {"Box.get"})
    docs = compare_sources(MODULE, MODULE.replace('"""Doc."""', '"""Other doc."""'))
    assert (docs.module_level, docs.functions) == (False, set())
    assert compare_sources(MODULE, MODULE.replace("LIMIT = 3", "LIMIT = 4")).module_level
    assert compare_sources(MODULE, MODULE.replace("size = 2", "size = 3")).module_level
    assert compare_sources(MODULE, MODULE.replace("def first(x)", "def first(x=1)")).module_level
    added = compare_sources(MODULE, MODULE + "\n\ndef later():\n    pass\n")
    assert (added.module_level, added.added) == (False, ["later"])
    assert compare_sources(MODULE, MODULE + "\n\n@cache\ndef later():\n    pass\n").module_level
    assert compare_sources(
        MODULE, MODULE.replace("    size = 2\n", "    size = 2\n    n = 1\n")
    ).module_level
    assert compare_sources(MODULE, "def broken(:\n").module_level
    assert compare_sources(None, MODULE).module_level


NAMES = [f"f{i}" for i in range(6)]


def module_of(bodies: dict[str, int]) -> str:
    return "X = 1\n\n" + "".join(
        f"def {name}(a):\n    return a + {value}\n\n\n" for name, value in bodies.items()
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    old=st.lists(st.integers(0, 9), min_size=len(NAMES), max_size=len(NAMES)),
    new=st.lists(st.integers(0, 9), min_size=len(NAMES), max_size=len(NAMES)),
)
def test_every_edited_body_is_reported_and_nothing_else(old: list[int], new: list[int]) -> None:
    """The invariant selection rests on: the functions reported changed are exactly those
    whose body differs, so the tests that ran them are a superset of the tests a body edit
    can affect."""
    change = compare_sources(
        module_of(dict(zip(NAMES, old, strict=True))), module_of(dict(zip(NAMES, new, strict=True)))
    )
    assert not change.module_level
    assert change.functions == {n for n, a, b in zip(NAMES, old, new, strict=True) if a != b}


# --------------------------------------------------------------------------- node


def test_jest_and_vitest_commands_relate_changed_sources() -> None:
    argv, _ = related_argv("jest", ["npm", "test"], ["src/a.js"], ["test/b.test.js"])
    assert argv == [
        "npm", "test", "--", "--passWithNoTests", "--findRelatedTests", "src/a.js",
        "test/b.test.js",
    ]  # fmt: skip
    argv, _ = related_argv("vitest", ["npx", "vitest", "run"], ["src/a.ts"], [])
    assert argv == ["npx", "vitest", "related", "--run", "src/a.ts"]
    argv, why = related_argv("jest", ["jest"], ["package.json"], [])
    assert argv is None and "package.json changed" in why
    argv, why = related_argv("jest", ["jest"], ["jest.config.js"], [])
    assert argv is None and "configuration" in why
    argv, why = related_argv("vitest", ["npm", "test"], ["a.js"], [])
    assert argv is None and "script" in why


def _jest_modules() -> Path | None:
    """node_modules with jest: `scripts/test.sh` installs it and names it in JEST_TEST_DIR
    (a test never contacts the npm registry)."""
    home = os.environ.get("JEST_TEST_DIR")
    if not home or not (Path(home) / "node_modules/.bin/jest").exists():
        return None
    return Path(home) / "node_modules"


def test_jest_runs_the_tests_related_to_the_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    modules = _jest_modules()
    if modules is None:
        pytest.skip(
            "set JEST_TEST_DIR to a directory with node_modules/.bin/jest (scripts/test.sh does)"
        )
    files = {
        ".gitignore": ".ai_workflow/\nnode_modules\n",
        "package.json": json.dumps(
            {
                "name": "j",
                "version": "1.0.0",
                "scripts": {"test": "jest"},
                "devDependencies": {"jest": "^29.7.0"},
            }
        ),
        "src/a.js": "module.exports = (x) => x + 1;\n",
        "src/b.js": "module.exports = (x) => x * 2;\n",
        "test/a.test.js": "const a = require('../src/a');\ntest('a', () => expect(a(1)).toBe(2));\n",
        "test/b.test.js": "const b = require('../src/b');\ntest('b', () => expect(b(2)).toBe(4));\n",
    }
    repo = make_repo(tmp_path / "j", files)
    (repo / "node_modules").symlink_to(modules)
    (repo / "src/c.js").write_text("module.exports = 1;\n", encoding="utf-8")
    commit_all(repo, "c")
    first = run(repo, capsys)
    assert first["selection"]["mode"] == "affected", first["selection"]
    assert first["tests"]["selected"] == 0 and first["status"] == "passed"  # none imports c.js
    edit(repo, "src/b.js", "x * 2", "2 * x")
    commit_all(repo, "b")
    summary = run(repo, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert summary["selection"]["reason"] == "related to 1 changed file"
    assert summary["tests"]["selected"] == 1 and summary["tests"]["passed"] == 1


def test_a_test_that_starts_pytest_is_always_selected_and_cannot_spoil_the_map(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = {
        **PROJECT,
        "inner/test_inner.py": "def test_inner():\n    assert True\n",
        "tests/test_nested.py": (
            "import subprocess, sys\n\n\ndef test_nested():\n"
            "    done = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p',\n"
            "                           'no:cacheprovider', 'inner'], capture_output=True)\n"
            "    assert done.returncode == 0\n"
        ),
    }
    repo = make_repo(tmp_path / "nested", files)
    (repo / "src/calc/extra.py").write_text("def unused():\n    return 0\n", encoding="utf-8")
    commit_all(repo, "extra")
    first = run(repo, capsys)
    assert first["tests"]["selected"] == 5
    stored = json.loads(
        next(repo.glob(".ai_workflow/step_cache/test_execution.testmap/*.json")).read_text()
    )
    assert set(stored["tests"]) == ALL | {"tests/test_nested.py::test_nested"}
    assert stored["spawning"] == ["tests/test_nested.py::test_nested"]
    edit(repo, "src/calc/ops.py", "return a * b", "return b * a")
    commit_all(repo, "mul")
    summary = run(repo, capsys)
    assert summary["selection"]["mode"] == "affected"
    assert ran_tests(repo) == {"tests/test_ops.py::test_mul", "tests/test_nested.py::test_nested"}


@pytest.mark.parametrize("hook", ["marks", "profile"])
def test_code_run_in_threads_is_recorded_and_a_test_that_drops_the_hook_is_always_selected(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    hook: str,
) -> None:
    """With the C profiler (`profile`), a test that removes the profile hook is always
    selected; with marks (the default) removing it takes nothing away, and a test that
    replaces the marks' own function is always selected instead."""
    monkeypatch.setenv("AI_WORKFLOW_TESTMAP_HOOK", hook)
    drop = "sys.setprofile(None)" if hook == "profile" else "builtins.__aw_hit__ = print"
    files = {
        **PROJECT,
        "tests/test_thread.py": (
            "import threading\n\nfrom calc.ops import mul\n\n\ndef test_in_thread():\n"
            "    out = []\n    worker = threading.Thread(target=lambda: out.append(mul(2, 3)))\n"
            "    worker.start()\n    worker.join()\n    assert out == [6]\n"
        ),
        "tests/test_a_unhooked.py": (
            "import builtins, sys\n\nfrom calc.text import shout\n\n\ndef test_unhooked():\n"
            f"    {drop}\n    assert shout('b') == 'B!'\n\n\n"
            "def test_profile_off():\n    sys.setprofile(None)\n    assert shout('c') == 'C!'\n"
        ),
    }
    repo = make_repo(tmp_path / "threads", files)
    (repo / "src/calc/extra.py").write_text("def unused():\n    return 0\n", encoding="utf-8")
    commit_all(repo, "extra")
    assert run(repo, capsys)["tests"]["selected"] == 7
    stored = json.loads(
        next(repo.glob(".ai_workflow/step_cache/test_execution.testmap/*.json")).read_text()
    )
    units = stored["units"]
    in_thread = {units[i][1] for i in stored["tests"]["tests/test_thread.py::test_in_thread"]}
    assert "mul" in in_thread and "add" not in in_thread
    if hook == "profile":
        assert stored["spawning"] == [
            "tests/test_a_unhooked.py::test_profile_off",
            "tests/test_a_unhooked.py::test_unhooked",
        ]
    else:  # the profile hook is not ours to lose
        assert stored["spawning"] == ["tests/test_a_unhooked.py::test_unhooked"]
        profile_off = stored["tests"]["tests/test_a_unhooked.py::test_profile_off"]
        assert "shout" in {units[i][1] for i in profile_off}
    after = {units[i][1] for i in stored["tests"]["tests/test_text.py::test_shout"]}
    assert "shout" in after  # the hook is back for the tests that follow
    edit(repo, "src/calc/ops.py", "return a * b", "return b * a")
    commit_all(repo, "mul")
    summary = run(repo, capsys)
    assert summary["selection"]["mode"] == "affected"
    always = {"tests/test_a_unhooked.py::test_unhooked"}
    if hook == "profile":
        always.add("tests/test_a_unhooked.py::test_profile_off")
    assert ran_tests(repo) == {
        "tests/test_ops.py::test_mul",
        "tests/test_thread.py::test_in_thread",
        *always,
    }


def test_added_definitions_and_imports_of_loaded_modules_do_not_run_every_test(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edit(project, "src/calc/ops.py", "return a * b", "return b * a")
    with (project / "src/calc/ops.py").open("a", encoding="utf-8") as handle:
        handle.write(
            "\n\nfrom calc.text import shout\nimport pathlib\n\n\n"
            "def louder(s, times=2):\n    return shout(s) * times\n\n\n"
            "class Counter:\n    start = 0\n\n    def up(self):\n        return self.start + 1\n"
        )
    commit_all(project, "new definitions")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "affected", summary["selection"]
    assert ran_tests(project) == {"tests/test_ops.py::test_mul"}
    assert summary["status"] == "passed"


def test_an_added_import_that_fails_fails_the_selected_run(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (project / "src/calc/text.py").open("a", encoding="utf-8") as handle:
        handle.write("\n\nfrom calc.ops import no_such_name\n")
    commit_all(project, "broken import")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "affected", summary["selection"]
    assert summary["status"] == "failed"
    step = summary["steps"][0]
    assert step["status"] == "failed"


@pytest.mark.parametrize(
    ("added", "why"),
    [
        ("import calc.extra\n", "an added import loads calc.extra"),
        ("@staticmethod\ndef helper():\n    return 1\n", "module-level code changed"),
        ("def helper(x=print('side effect')):\n    return x\n", "module-level code changed"),
        ("class Sub(dict, metaclass=type):\n    pass\n", "module-level code changed"),
        ("def open():\n    return 1\n", "module-level code changed"),  # shadows a built-in
        ("def add(a, b):\n    return 0\n", "module-level code changed"),  # rebinds a name
    ],
)
def test_additions_that_could_reach_existing_tests_run_every_test(
    project: Path, capsys: pytest.CaptureFixture[str], added: str, why: str
) -> None:
    with (project / "src/calc/ops.py").open("a", encoding="utf-8") as handle:
        handle.write("\n\n" + added)
    commit_all(project, "addition")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "all"
    assert why in summary["selection"]["reason"]


ADDABLE = [
    "def added_{n}(x, y=2):\n    return x * y\n",
    "class Added{n}(Exception):\n    code = {n}\n\n    def get(self):\n        return self.code\n",
    "import os\n",
    "from os import path as path_{n}\n",
]


@settings(max_examples=60, deadline=None)
@given(
    old=st.lists(st.integers(0, 30), unique=True, min_size=1, max_size=6),
    inserts=st.lists(st.tuples(st.integers(0, 6), st.integers(0, 3)), min_size=1, max_size=4),
    touch=st.integers(0, 5),
)
def test_only_added_definitions_bind_new_names_and_any_other_edit_is_module_level(
    old: list[int], inserts: list[tuple[int, int]], touch: int
) -> None:
    """Statements inserted anywhere that bind new names are additions with exactly those
    names; also changing one old statement makes it a module-level change again."""
    stmts = [f"C{n} = {n}\n" if n % 2 else f"def f{n}():\n    return {n}\n" for n in old]
    new = list(stmts)
    names: list[str] = []
    for index, (position, kind) in enumerate(inserts):
        text = ADDABLE[kind].format(n=index)
        bound = [f"added_{index}", f"Added{index}", "os", f"path_{index}"][kind]
        if bound in names:
            continue
        names.append(bound)
        new.insert(min(position, len(new)), text)
    before, after = "\n\n".join(stmts), "\n\n".join(new)
    change = compare_sources(before, after)
    assert not change.module_level
    assert sorted(change.added) == sorted(names)
    assert len(change.imports) == sum(1 for n in names if n == "os" or n.startswith("path_"))
    victim = old[touch % len(old)]
    edited = after.replace(f"C{victim} = {victim}", f"C{victim} = -1").replace(
        f"def f{victim}():", f"def f{victim}(z=1):"
    )
    assert compare_sources(before, edited).module_level
    assert compare_sources(before, "\n\n".join(stmts[1:])).module_level  # one removed


ADD_BODIES = ["return a + b", "return b + a", "return mul(a, 1) + b"]
MUL_BODIES = ["return a * b", "return b * a", "return sum([a] * b) if b >= 0 else a * b"]


def _units_by_test(stored: dict[str, Any]) -> dict[str, set[tuple[str, str]]]:
    units = stored["units"]
    return {t: {tuple(units[i]) for i in ids} for t, ids in stored["tests"].items()}


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=3))
def test_a_chain_of_selected_runs_keeps_the_map_a_full_run_records(
    edits: list[tuple[int, int]],
) -> None:
    """After any chain of selected runs (each moving the map to its commit), the map holds for
    every test the functions a full run records at that commit: merging loses nothing, also
    when an edit makes a function call another one."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="aiw-chain-") as tmp:
        repo = make_repo(Path(tmp) / "calc", PROJECT)
        (repo / "src/calc/extra.py").write_text("def unused():\n    return 0\n", encoding="utf-8")
        commit_all(repo, "extra")
        assert _run_quietly(repo)["selection"]["mode"] == "all"
        ops = repo / "src/calc/ops.py"
        for step, (add, mul) in enumerate(edits):
            ops.write_text(
                f"# edit {step}\ndef add(a, b):\n    {ADD_BODIES[add]}\n\n\ndef mul(a, b):\n    {MUL_BODIES[mul]}\n",
                encoding="utf-8",
            )
            commit_all(repo, f"add {add}, mul {mul}")
            summary = _run_quietly(repo)
            assert summary["status"] == "passed"
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.strip()
        maps = repo / ".ai_workflow/step_cache/test_execution.testmap"
        merged = json.loads((maps / f"{head}.json").read_text(encoding="utf-8"))
        shutil.rmtree(maps)
        full_run = _run_quietly(repo, "--no-skip", "--no-step-cache")
        assert full_run["selection"]["mode"] == "all"  # no map: a full recording
        full = json.loads((maps / f"{head}.json").read_text(encoding="utf-8"))
        assert _units_by_test(merged) == _units_by_test(full)


def _run_quietly(repo: Path, *extra: str) -> dict[str, Any]:
    """`run` for a hypothesis test (capsys, function-scoped, cannot serve every example)."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = main(
            [
                *("run", "--target", str(repo), "--steps", "test_execution"),
                *("--smart-execution", "--auto", "--json", *extra),
            ]
        )
    assert code in (0, 1)
    summary: dict[str, Any] = json.loads(out.getvalue())
    return summary


def test_a_changed_file_is_fingerprinted_once_and_the_map_keeps_its_new_version(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Selection compares a changed file's fingerprint with the map's, and the map recorded
    after the tests keeps it: one parse of that version serves both."""
    parsed: list[str | None] = []

    def counted(text: str | None) -> dict[str, Any] | None:
        parsed.append(text)
        return source_fingerprint(text)

    monkeypatch.setattr(pytest_map, "source_fingerprint", counted)
    edit(project, "src/calc/ops.py", "return a * b", "return b * a")
    commit_all(project, "mul")
    summary = run(project, capsys)
    assert summary["selection"]["mode"] == "affected"
    new_text = (project / "src/calc/ops.py").read_text(encoding="utf-8")
    assert parsed.count(new_text) == 1
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=project, capture_output=True, text=True, check=True
    ).stdout.strip()
    maps = project / ".ai_workflow/step_cache/test_execution.testmap"
    stored = json.loads((maps / f"{head}.json").read_text(encoding="utf-8"))
    assert stored["python_files"]["src/calc/ops.py"] == source_fingerprint(new_text)
    assert stored["python_files"]["src/calc/ops.py"] != source_fingerprint(
        PROJECT["src/calc/ops.py"]
    )


def test_the_base_commits_own_map_file_gives_the_map_every_stored_map_would(
    tmp_path: Path,
) -> None:
    """`map_of` reads `<base>.json`: it gives what `choose_map` over every stored map gives
    for that base, and nothing (so every map is read) when that file does not hold the base's
    map."""
    repo = make_repo(tmp_path / "calc", PROJECT)
    ctx = step_context(repo, test_execution.SPEC)
    one, two, other = "1" * 40, "2" * 40, "3" * 40
    for n, commit in enumerate((one, two)):
        pytest_map.save_map(
            ctx, {"schema": pytest_map.MAP_SCHEMA, "commit": commit, "recorded_at": f"t{n}"}
        )
    directory = pytest_map.maps_dir(ctx)
    for commit in (one, two):
        chosen = pytest_map.choose_map(pytest_map.load_maps(ctx), commit, [])
        assert chosen is not None and pytest_map.map_of(ctx, commit) == chosen
    renamed = {"schema": pytest_map.MAP_SCHEMA, "commit": one, "recorded_at": "t2"}
    (directory / f"{other}.json").write_text(json.dumps(renamed), encoding="utf-8")
    assert pytest_map.map_of(ctx, other) is None  # the file does not hold the base's map
    assert pytest_map.choose_map(pytest_map.load_maps(ctx), other, []) is None
    assert pytest_map.map_of(ctx, "4" * 40) is None  # no map of that commit
    assert pytest_map.map_of(ctx, f"../{one}") is None  # only a commit id names a file
