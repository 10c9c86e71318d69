"""One test run again alone, picked by its runner's own selection.

A test that ended on a timeout of its own (mocha's 2000 ms, node-tap's 30 s per file, jest's
5 s, pytest-timeout, pexpect's TIMEOUT) while the whole suite shared a loaded machine may only
have been slow; run again with nothing else beside it, it tells a loaded machine (it passes)
from a hang (it times out again). The runner picks the test itself, as a developer would:

- pytest: the node id (`tests/test_x.py::TestY::test_z[p]`), from the JUnit report's
  classname and name; the command's own test paths are left out, so only that test runs;
- mocha: `--grep` of the test's full title, anchored and escaped (a failed `before`/`after`
  hook: every test of its suite);
- jest: `-t` of the test's full name, anchored and escaped;
- node-tap through a package script that gives it no file of its own (`c8 tap`): the test
  file, after `npm test --`.

Through npm, the package script runs without its pre- and post-scripts (`--ignore-scripts`):
the whole run before has built what the tests need.

Another runner, a command we cannot add arguments to (a configured command, a package script
that names its own files), or a test whose name the report does not give is not run again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ai_workflow.engine.process import CommandResult
from ai_workflow.testcmd.environment import TIMED_OUT
from ai_workflow.testcmd.plans import Plan, script_takes_files
from ai_workflow.testcmd.reports import (
    FailedTest,
    ReportError,
    TestReport,
    parse_jest_json,
    parse_junit,
    parse_tap_output,
    strip_ansi,
)

JS_REGEX_SPECIAL = re.compile(r"[\\^$.*+?()\[\]{}|/]")
MOCHA_HOOK = re.compile(r'^"(?:before|after) (?:all|each)" hook')
TAP_PROGRAMS = frozenset({"tap"})
PYTEST_PROGRAMS = frozenset({"pytest", "py.test"})
# pytest options whose value is the next word (`-k expr`, `-c setup.cfg`): that word is no
# test path, even when a file of that name exists
PYTEST_VALUE_OPTIONS = frozenset(
    {
        "-k", "-m", "-p", "-c", "-o", "-W", "-n", "-r", "--rootdir", "--confcutdir",
        "--basetemp", "--ignore", "--ignore-glob", "--deselect", "--junitxml", "--junit-xml",
        "--maxfail", "--tb", "--durations", "--cov", "--cov-report", "--cov-config",
        "--timeout", "--log-level", "--import-mode", "--dist", "--override-ini",
        "--config-file", "--capture", "--log-file",
    }
)  # fmt: skip

PASSED, TIMED_OUT_AGAIN, FAILED, NO_RESULT, OVER_BUDGET = (
    "passed",
    "timed out again",
    "failed",
    "no result",
    "over budget",
)


@dataclass(frozen=True)
class Alone:
    """How to run one test again alone: the command, the report it writes (None: TAP on its
    stdout) and what picks the test (shown in the step's checks)."""

    command: list[str]
    report: Path | None
    selector: str


def alone_command(
    plan: Plan, failure: FailedTest, target: Path, report: Path | None
) -> Alone | None:
    """The command that runs `failure`'s test alone, writing its report to `report` instead
    of the plan's; None when the runner or the command offers no way to pick it."""
    if not isinstance(plan.command, list):
        return None
    argv = _without_npm_hooks(list(plan.command))
    if plan.runner_args and plan.report_file is not None and report is not None:
        argv = [word.replace(str(plan.report_file), str(report)) for word in argv]
        if plan.framework == "pytest":
            node_id = pytest_node_id(target, failure.case)
            if node_id is None:
                return None
            return Alone([*_without_test_paths(argv, target), node_id], report, node_id)
        if plan.framework == "mocha":
            grep = mocha_grep(failure.case)
            if grep is None:
                return None
            return Alone([*argv, "--grep", grep], report, f"--grep {grep}")
        if plan.framework == "jest" and failure.name and failure.name != failure.path:
            name = f"^{js_escape(failure.name)}$"
            return Alone([*argv, "-t", name], report, f"-t {name}")
        return None
    if plan.framework == "npm-script" and script_takes_files(target, plan.command, TAP_PROGRAMS):
        rel = failure.name
        if _is_project_file(target, rel):
            return Alone([*argv, "--", rel], None, rel)
    return None


def read_alone(plan: Plan, alone: Alone, result: CommandResult, target: Path) -> TestReport | None:
    """The report of a run made by `alone_command` (None: it wrote none that can be read)."""
    if alone.report is None:
        return parse_tap_output(strip_ansi(result.stdout), target)
    if not alone.report.is_file():
        return None
    try:
        if plan.framework == "jest":
            return parse_jest_json(alone.report, target)
        pytest = plan.framework == "pytest"
        return parse_junit(alone.report, target, innermost="last", zero_based_lines=pytest)
    except ReportError:
        return None


def verdict(result: CommandResult, report: TestReport | None) -> str:
    """What the run alone says: passed, timed out again, failed, no result (nothing picked,
    nothing read) or over budget (our limit stopped it)."""
    if result.timed_out:
        return OVER_BUDGET
    if report is None or report.counts.total == 0:
        return NO_RESULT
    headlines = [f.message.strip().split("\n", 1)[0] for f in report.failures]
    if any(TIMED_OUT.search(line) for line in headlines):
        return TIMED_OUT_AGAIN
    if report.failures:
        return FAILED
    return PASSED if report.counts.passed else NO_RESULT


def js_escape(text: str) -> str:
    """`text` as a JavaScript regular expression that matches it literally."""
    return JS_REGEX_SPECIAL.sub(lambda m: "\\" + m.group(0), text)


def mocha_grep(case: tuple[str, ...]) -> str | None:
    """The `--grep` that picks the test of a mocha xunit case (classname: its suite's full
    title, name: its own): its full title from start to end; a hook's failure picks every test
    of its suite. None without the names, or for a hook of the root suite."""
    if len(case) != 2 or not case[1]:
        return None
    suite, title = case
    if MOCHA_HOOK.match(title):
        return f"^{js_escape(suite + ' ')}" if suite else None
    return f"^{js_escape(f'{suite} {title}' if suite else title)}$"


def pytest_node_id(target: Path, case: tuple[str, ...]) -> str | None:
    """The node id of a pytest JUnit case (xunit1: classname is the test file's dotted path
    and its classes, name the test's with its parameters), with the file relative to `target`;
    None when no file of the target has that dotted path."""
    if len(case) != 2 or not case[0] or not case[1]:
        return None
    classname, name = case
    parts = classname.split(".")
    for cut in range(len(parts), 0, -1):
        rel = "/".join(parts[:cut]) + ".py"
        if _is_project_file(target, rel):
            return "::".join([rel, *parts[cut:], name])
    return None


def _without_npm_hooks(argv: list[str]) -> list[str]:
    """`npm test` (or `npm run X`) without its pre- and post-scripts (`--ignore-scripts`, which
    still runs the script asked for): the first run built what the tests need (lru-cache's
    `pretest` compiles the TypeScript, a minute on a loaded machine), and a test run again alone
    needs nothing but the runner."""
    if argv[:1] != ["npm"] or argv[1:2] not in (["test"], ["run"]):
        return argv
    at = argv.index("--") if "--" in argv else len(argv)
    return [*argv[:at], "--ignore-scripts", *argv[at:]]


def _without_test_paths(argv: list[str], target: Path) -> list[str]:
    """pytest's command line without the test paths it names (`pytest tests/`): with them
    beside a node id, pytest would run all of them too. Options, their values and words that
    are no path of the target stay."""
    start = next(
        (i for i, word in enumerate(argv) if PurePosixPath(word).name in PYTEST_PROGRAMS), None
    )
    if start is None:
        return argv
    kept = argv[: start + 1]
    for index in range(start + 1, len(argv)):
        word, before = argv[index], argv[index - 1]
        is_value = before in PYTEST_VALUE_OPTIONS
        path = word.split("::", 1)[0]
        if not word.startswith("-") and not is_value and path and (target / path).exists():
            continue
        kept.append(word)
    return kept


def _is_project_file(target: Path, rel: str) -> bool:
    if not rel or PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts:
        return False
    return (target / rel).is_file()
