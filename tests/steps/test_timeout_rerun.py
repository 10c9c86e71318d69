"""Tests that end on a timeout of their own run again alone (`testcmd.alone`): one that passes
then timed out because the machine was loaded (info), one that times out again hangs (the
warning stays, and says so); without a way to pick it, or without budget, today's warning."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from pathlib import Path

import pytest

from ai_workflow.config import Config
from ai_workflow.findings import Severity
from ai_workflow.testcmd.alone import alone_command, js_escape, mocha_grep, pytest_node_id
from ai_workflow.testcmd.plans import Plan, script_takes_files
from ai_workflow.testcmd.reports import FailedTest
from tests.helpers import make_repo
from tests.steps.test_test_execution import cfg, run_step

# The first run is the loaded one: the marker beside the checkout (not in it) is there, the
# test deletes it and sleeps past its own limit; run again alone, it passes.
LOAD_TESTS = textwrap.dedent(
    """\
    import subprocess
    from pathlib import Path

    LOADED = Path(__file__).resolve().parents[2] / "loaded"


    def test_slow_on_a_loaded_machine():
        if LOADED.exists():
            LOADED.unlink()
            subprocess.run(["sleep", "5"], timeout=0.1)


    def test_hangs_every_time():
        subprocess.run(["sleep", "5"], timeout=0.1)


    def test_passes():
        assert True
    """
)
PY_PROJECT = {
    "pyproject.toml": '[project]\nname = "srv"\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    "srv/__init__.py": "",
    "tests/test_server.py": LOAD_TESTS,
}


def _timeout_findings(outcome: object) -> dict[str, list[object]]:
    found: dict[str, list[object]] = {}
    for finding in outcome.findings:  # type: ignore[attr-defined]
        if finding.rule.startswith("tests/timed-out"):
            found.setdefault(finding.rule, []).append(finding)
    return found


def test_a_timeout_that_passes_alone_is_info_one_that_hangs_stays_a_warning(
    tmp_path: Path,
) -> None:
    """raw-body's 'should read body streams' hit mocha's 2000 ms while the machine ran at load
    8 on 2 cores and passes alone; http-proxy's 'handle timeout error' hangs every time. Run
    again alone by their node ids, the first is info, the second stays a warning."""
    root = make_repo(tmp_path / "srv", PY_PROJECT)
    (tmp_path / "loaded").touch()
    outcome = run_step(root, cfg())
    found = _timeout_findings(outcome)
    [passed] = found["tests/timed-out-passed-alone"]
    assert passed.severity == Severity.INFO
    assert passed.message.startswith("1 test timed out on this machine (subprocess.TimeoutExpired")
    assert "passed when run again alone: tests.test_server.test_slow_on_a_loaded_machine" in (
        passed.message
    )
    [hangs] = found["tests/timed-out"]
    assert hangs.severity == Severity.WARNING
    assert "tests.test_server.test_hangs_every_time" in hangs.message
    assert "test_slow_on_a_loaded_machine" not in hangs.message
    assert "run again alone, it timed out again" in hangs.message
    # what ran again, and how, is in the step's checks and data (explain, JSON)
    reruns = {r["selector"]: r["verdict"] for r in outcome.data["timed_out_reruns"]}
    assert reruns == {
        "tests/test_server.py::test_slow_on_a_loaded_machine": "passed",
        "tests/test_server.py::test_hangs_every_time": "timed out again",
    }
    assert any(
        c.startswith("ran tests.test_server.test_hangs_every_time again alone (`")
        and c.endswith("): timed out again")
        for c in outcome.checked
    )
    # the first run's report stays the one the step names
    first = root / outcome.data["report_file"]
    assert "test_passes" in first.read_text()
    assert not (root / "loaded").exists()


def test_without_budget_or_a_way_to_pick_the_test_the_warning_asks_for_an_idle_machine(
    tmp_path: Path,
) -> None:
    """tech_stack.timeout_rerun_s 0 runs nothing again; a configured command (a string we do
    not add arguments to, that writes its JUnit report where the step asks) gives no way to
    pick one test: either way today's warning, with
    nothing said about a run alone."""
    root = make_repo(tmp_path / "srv", PY_PROJECT)
    for config in (
        cfg(timeout_rerun_s=0),
        cfg(test_command=f"{sys.executable} -m pytest tests --junitxml=$AI_WORKFLOW_JUNIT_XML"),
    ):
        (tmp_path / "loaded").touch()
        outcome = run_step(root, config)
        found = _timeout_findings(outcome)
        assert "tests/timed-out-passed-alone" not in found
        [warning] = found["tests/timed-out"]
        assert warning.message.startswith("2 tests timed out on this machine")
        assert warning.message.endswith("run them again on an idle machine")
        assert outcome.data.get("timed_out_reruns", []) == []
        assert any("was not run again alone" in c for c in outcome.checked)


# A stand-in for mocha (a third-party runner, not our code): each test file is one test of the
# suite "http streams", titled by its first line; `--grep` picks tests by their full title as
# mocha's does (a JavaScript RegExp), the xunit reporter writes to `output=`, and a test still
# running after 1000 ms fails with mocha's timeout message.
FAKE_MOCHA = """\
#!/usr/bin/env node
const fs = require("fs"), path = require("path"), { spawnSync } = require("child_process");
const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : null; };
const grep = opt("--grep");
const output = (opt("--reporter-option") || "").replace(/^output=/, "");
const dirs = args.filter((a, i) => !a.startsWith("-") && !(args[i - 1] || "").startsWith("-"));
const files = dirs.flatMap((d) => fs.readdirSync(d).filter((f) => f.endsWith(".js")).sort()
  .map((f) => path.join(d, f)));
const suite = "http streams";
const cases = [];
for (const file of files) {
  const title = fs.readFileSync(file, "utf8").split("\\n")[0].replace(/^\\/\\/ title: /, "");
  if (grep && !new RegExp(grep).test(`${suite} ${title}`)) continue;
  const run = spawnSync("node", [file], { timeout: 1000 });
  const failure = run.error ? 'Timeout of 1000ms exceeded. Ensure "done()" is called'
    : run.status ? "Error: failed" : null;
  cases.push({ title, failure });
}
const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
const failed = cases.filter((c) => c.failure).length;
let xml = `<testsuite name="Mocha Tests" tests="${cases.length}" failures="${failed}">\\n`;
for (const c of cases) {
  xml += `<testcase classname="${suite}" name="${esc(c.title)}" time="0">`;
  if (c.failure) xml += `<failure message="${esc(c.failure)}">${esc(c.failure)}</failure>`;
  xml += "</testcase>\\n";
}
fs.writeFileSync(output, xml + "</testsuite>\\n");
console.log(`${cases.length - failed} passing`);
process.exit(failed ? 1 : 0);
"""

SLOW_WHEN_LOADED = """\
// title: should read body streams (http) + gzip
const fs = require("fs"), path = require("path");
const loaded = path.join(__dirname, "..", "..", "loaded");
if (fs.existsSync(loaded)) { fs.unlinkSync(loaded); setTimeout(() => {}, 3000); }
"""


@pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None, reason="needs node and npm"
)
def test_mocha_runs_a_timed_out_test_again_by_its_full_title(tmp_path: Path) -> None:
    """`npm test --ignore-scripts -- ... --grep '^suite title$'`: the title's parentheses and
    plus are escaped, so the grep picks that test only (the one that hangs is not run with
    it), and the pretest is not run again."""
    package = {
        "name": "rb",
        "version": "1.0.0",
        "scripts": {
            "pretest": "node -e \"require('fs').appendFileSync('../pretest-runs', 'x')\"",
            "test": "mocha test/",
        },
        "devDependencies": {"mocha": "9.2.1"},
    }
    root = make_repo(
        tmp_path / "rb",
        {
            "package.json": json.dumps(package),
            "index.js": "module.exports = 1;\n",
            "test/a-ok.js": "// title: should pass\n",
            "test/b-slow.js": SLOW_WHEN_LOADED,
            "test/c-hang.js": "// title: should handle timeout error\nsetInterval(() => {}, 500);\n",
        },
    )
    (root / "node_modules" / "mocha").mkdir(parents=True)
    (root / "node_modules" / "mocha" / "package.json").write_text(
        json.dumps({"name": "mocha", "version": "9.2.1"})
    )
    fake = root / "node_modules" / ".bin" / "mocha"
    fake.parent.mkdir()
    fake.write_text(FAKE_MOCHA)
    fake.chmod(0o755)
    (tmp_path / "loaded").touch()
    outcome = run_step(root, Config())
    assert outcome.data["framework"] == "mocha"
    found = _timeout_findings(outcome)
    [passed] = found["tests/timed-out-passed-alone"]
    assert "http streams.should read body streams (http) + gzip" in passed.message
    [hangs] = found["tests/timed-out"]
    assert "http streams.should handle timeout error" in hangs.message
    assert "it timed out again" in hangs.message
    # the pretest ran before the whole suite only: npm runs a test again with --ignore-scripts
    assert (tmp_path / "pretest-runs").read_text() == "x"
    reruns = {r["selector"]: r["verdict"] for r in outcome.data["timed_out_reruns"]}
    assert reruns == {
        r"--grep ^http streams should read body streams \(http\) \+ gzip$": "passed",
        "--grep ^http streams should handle timeout error$": "timed out again",
    }


def _plan(command: list[str], framework: str, report: Path | None = None) -> Plan:
    return Plan(command, framework, {}, lambda _: None, report, runner_args=report is not None)


def test_pytest_node_ids_and_test_paths(tmp_path: Path) -> None:
    """The node id from the xunit1 classname (the file's dotted path, then its classes); the
    command's own test paths are left out (with them pytest would run all of tests/), options
    and their values stay, even a value that names a file (`-c setup.cfg`)."""
    (tmp_path / "tests" / "unit").mkdir(parents=True)
    (tmp_path / "tests" / "unit" / "test_io.py").write_text("")
    (tmp_path / "setup.cfg").write_text("")
    case = ("tests.unit.test_io.TestRead", "test_big[1-2]")
    assert pytest_node_id(tmp_path, case) == "tests/unit/test_io.py::TestRead::test_big[1-2]"
    assert pytest_node_id(tmp_path, ("tests.unit.test_gone", "test_x")) is None
    assert pytest_node_id(tmp_path, ()) is None
    report = tmp_path / "junit.xml"
    command = ["py", "-m", "pytest", "tests", "-c", "setup.cfg", "-k", "io", f"--junitxml={report}"]
    failure = FailedTest(
        "tests.unit.test_io.TestRead.test_big[1-2]", "failed", "", None, None, case
    )
    picked = alone_command(_plan(command, "pytest", report), failure, tmp_path, tmp_path / "a.xml")
    assert picked is not None
    assert picked.command == [
        "py", "-m", "pytest", "-c", "setup.cfg", "-k", "io", f"--junitxml={tmp_path / 'a.xml'}",
        "tests/unit/test_io.py::TestRead::test_big[1-2]",
    ]  # fmt: skip
    # a configured command (a string) cannot be given a node id
    plan = Plan(" ".join(command), "pytest", {}, lambda _: None, report)
    assert alone_command(plan, failure, tmp_path, tmp_path / "a.xml") is None


def test_mocha_grep_and_escaping() -> None:
    assert js_escape("a.b (c) [d] {e} +*?^$|/\\") == r"a\.b \(c\) \[d\] \{e\} \+\*\?\^\$\|\/\\"
    assert mocha_grep(("raw body", "should read")) == "^raw body should read$"
    assert mocha_grep(("", "top level")) == "^top level$"
    # a hook's failure: every test of its suite
    assert mocha_grep(("db", '"before all" hook for "x"')) == "^db "
    assert mocha_grep(("", '"before each" hook')) is None
    assert mocha_grep(()) is None


@pytest.mark.parametrize(
    ("script", "takes"),
    [
        ("c8 tap", True),
        ("tap --no-coverage", True),
        ("npm run prepare && tap", True),
        ("tap test/*.js", False),  # its own files would run too
        ("tap -j 1", False),  # cannot be told from a file
        ("tap && eslint .", False),  # the file would reach eslint
        ("mocha", False),
    ],
)
def test_a_package_script_takes_a_file_only_when_tap_ends_it_with_none_of_its_own(
    tmp_path: Path, script: str, takes: bool
) -> None:
    (tmp_path / "package.json").write_text(json.dumps({"scripts": {"test": script}}))
    assert script_takes_files(tmp_path, ["npm", "test"], frozenset({"tap"})) is takes
    assert script_takes_files(tmp_path, ["npm", "test", "--", "x"], frozenset({"tap"})) is False
    (tmp_path / "test").mkdir(exist_ok=True)
    (tmp_path / "test" / "slow.ts").write_text("")
    failure = FailedTest("test/slow.ts", "failed", "test timed out after 30000 ms")
    picked = alone_command(_plan(["npm", "test"], "npm-script"), failure, tmp_path, None)
    assert (picked.command if picked else None) == (
        ["npm", "test", "--ignore-scripts", "--", "test/slow.ts"] if takes else None
    )


def test_jest_picks_a_test_by_its_full_name_and_writes_its_own_report(tmp_path: Path) -> None:
    """jest's `-t` of the anchored, escaped full name (what its JSON report calls fullName),
    through `npm test --` without the pre- and post-scripts; the report goes to a file of its
    own, so the first run's stays as the step names it."""
    report = tmp_path / "jest-test_execution.json"
    command = ["npm", "test", "--", "--ci", "--json", f"--outputFile={report}"]
    failure = FailedTest("cache fetch (slow) waits", "failed", "Exceeded timeout of 5000 ms")
    picked = alone_command(_plan(command, "jest", report), failure, tmp_path, tmp_path / "b.json")
    assert picked is not None
    assert picked.command == [
        "npm", "test", "--ignore-scripts", "--", "--ci", "--json",
        f"--outputFile={tmp_path / 'b.json'}", "-t", r"^cache fetch \(slow\) waits$",
    ]  # fmt: skip
