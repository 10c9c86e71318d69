"""Step 7: Test Execution. Runs the project's test command and parses the results.

The command is the one tech-stack detection chose (what the project's CI or test targets run,
else the usual one for its framework; `ai-workflow tech-stack` says why) or
`tech_stack.test_command`. It runs with the target's own tools and is asked for a
machine-readable report where the runner can write one (`ai_workflow.testcmd.plans`); the
figures come from that report (`ai_workflow.testcmd.reports`), else from TAP on stdout, else
from the summary mocha prints at its end (a package script run as it is), or the one a node:test
line reporter prints (borp's `--reporter=@jsumners/line-reporter`), else only the exit status
counts.

A run that could not test anything because this machine lacks what the project declares (no network
to download its modules, its packages not installed, pytest missing from its interpreter) is "tests
could not run", never an error about the project (`ai_workflow.testcmd.environment`); so is a `make
test` (or another command we cannot look into) whose output says a program it needs could not be
found, when that program is not on PATH here and the project does not ship it. Such findings
(`tests/environment-incomplete`) are info saying how to provide the environment, the check is listed
as skipped, and the step is incomplete: a warning, never a pass. A permission test that fails
because the suite runs as root (root ignores file permissions) is the same: info that says so, and a
skipped check (`ai_workflow.testcmd.as_root`). So is a Go test that compares file paths built from
the import path and the disk, and fails only because the checkout's directory is not named as the
module path ends (`ai_workflow.testcmd.checkout_name`). So is a test whose failure says a daemon it
talks to (Docker's, MySQL's, PostgreSQL's) cannot be reached through a Unix socket this machine does
not have (`ai_workflow.testcmd.environment`); the suite's other failures are then warnings that say
the daemon may be their cause too. So is a test that fails because the interpreter was built without
a standard-library extension module (`No module named '_dbm'`). A JavaScript suite's failures under
a Node.js newer than every version the project's CI runs its tests on are warnings that say so
(`ai_workflow.testcmd.node_versions`). A release archive committed as is
(`ai_workflow.release_archive`) that holds no test file is not run: it left out the tests its
command names (`npm test` running `test/bin/run-all-tests`), and a failure to find them says nothing
of the project (info); in such an archive, a test that fails because a file of the project does not
exist (Python's `FileNotFoundError`, Node's `ENOENT`, Go's `open X: no such file or directory`)
needs what the archive left out (info, the step incomplete), and so does a command that stopped on
such a file before any test ran, while in a repository it stays an error. An Automake suite
(`TESTS` in a Makefile.am, run by `make check`) in a tree that was not
configured is not run either: `./configure` would write build files into the project, so the step
says which commands run it (`ai_workflow.testcmd.automake`, info). A project that has tests but no
runner we can find is a warning too, never a silent pass, unless its CI runs those test files
itself (recap's .travis.yml runs `tests/run_recap.sh` in a container per distribution): then the
runner is the CI, and the tests not run here are info; and so is a failed command whose every
error place is in installed packages (`node_modules/`), none in the project's files, or that
stopped on TypeScript's internal assertion (`Debug Failure.`) with every frame in them
(`ai_workflow.testcmd.dependency_errors`). Text from the runner's output is stripped of terminal
escapes before it becomes a message. A quick suite (at most `RERUN_WITHIN_S`) with a few failures of
the project's own is run once more: a failure that does not come back is a flaky test (timing,
load), a `tests/flaky` warning, not an error; one that comes back stays an error. One that
failed at setup on pytest's own check that the test before it was torn down, a state a plugin
left behind (pytest-forked), is that warning lowered to info, also when the second run's order
moves that failure to another test. The failures left then run again each alone, in a process of
its own (at most `ALONE_MAX_FAILURES`): one that passes then failed only beside the other tests,
on state they left behind (`tests/failed-passed-alone`, info when the project says it runs its
tests isolated, `pytest --boxed`/`--forked`, else a warning); one that fails alone too stays
an error. A test that
ended on a timeout of its own (mocha's 2000 ms, node-tap's 30 s per file, pytest-timeout) runs
again alone, picked by its runner's own selection (`ai_workflow.testcmd.alone`), within
`tech_stack.timeout_rerun_s`: passing then, it timed out because the machine was loaded
(`tests/timed-out-passed-alone`, info); timing out again, it stays a `tests/timed-out` warning
that says so.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
from dataclasses import asdict
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.ai.redact import redact
from ai_workflow.automation import automation_blocks
from ai_workflow.deps.guarded import GuardedModules
from ai_workflow.deps.imports import STDLIB_MODULES, dev_code, local_modules
from ai_workflow.engine.process import CommandResult
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.parsed_files import ParsedFiles
from ai_workflow.project_files import project_files
from ai_workflow.quoting import relative_to_target
from ai_workflow.release_archive import packed_bin_link, release_archive
from ai_workflow.techstack import CODE_SUFFIXES, TechStack, detect_stack
from ai_workflow.testcmd import alone
from ai_workflow.testcmd.as_root import (
    ROOT_NOTE,
    failures_in_output,
    root_caused,
    running_as_root,
    titled_permission_file,
)
from ai_workflow.testcmd.automake import not_configured
from ai_workflow.testcmd.captured import captured_cause, captured_exceptions
from ai_workflow.testcmd.checkout_name import checkout_note
from ai_workflow.testcmd.ci_packages import ci_installed_packages, ci_provider, missing_packages
from ai_workflow.testcmd.declared import ProjectSources
from ai_workflow.testcmd.dependency_errors import dependency_errors, runner_crash
from ai_workflow.testcmd.environment import (
    NO_NAME_RESOLUTION,
    PY_MISSING,
    GoDownloads,
    MachineCause,
    Unavailable,
    download_failure,
    go_partial_download,
    gopath_absent_only,
    machine_cause,
    missing_conftest_module,
    missing_file,
    missing_node_packages,
    missing_perl_module,
    missing_python_module,
    missing_system_library,
    program_not_on_path,
    python_declared,
)
from ai_workflow.testcmd.extras import absent_extra_causes
from ai_workflow.testcmd.flaky_marks import flaky_mark
from ai_workflow.testcmd.gopath import gopath_import_path
from ai_workflow.testcmd.isolation import isolation_note
from ai_workflow.testcmd.node_versions import ci_newest_node, node_major
from ai_workflow.testcmd.nose_setup import nose_setup_note
from ai_workflow.testcmd.offline import offline_caused
from ai_workflow.testcmd.plans import Plan, plan_for, unsafe_test_entries
from ai_workflow.testcmd.pytest_plugins import (
    ENTRY_POINT_GROUP,
    missing_pytest_plugins,
    plugin_warning_error,
    rejected_installed_plugin,
)
from ai_workflow.testcmd.reports import (
    FailedTest,
    ReportError,
    TestReport,
    parse_line_reporter,
    parse_mocha_epilogue,
    parse_tap_output,
    strip_ansi,
)
from ai_workflow.testcmd.runner_pin import (
    drifted,
    installed_pytest,
    pinned_pytest,
    runner_deprecation,
)
from ai_workflow.testcmd.script_tests import (
    SCRIPT_TIMEOUT_S,
    collected_file,
    declared_commands,
    names_pytest,
    script_evidence,
)
from ai_workflow.testcmd.self_skip import self_skip_message
from ai_workflow.testcmd.submodules import FILE_MISSING, names_unfetched, unfetched_submodules
from ai_workflow.testcmd.submodules import describe as describe_submodules
from ai_workflow.testcmd.uncollected import uncollected_classes
from ai_workflow.testselect import run as selection
from ai_workflow.textfiles import read_bytes, read_text
from ai_workflow.tools import find_tool, tool_version

SPEC = StepSpec(
    id="test_execution",
    number=7,
    name="Test Execution",
    description="Runs the project's test command and parses the results.",
    depends_on=("pre_analysis",),
    # Tests may read any file (fixtures, data): only a docs-only change may skip them.
    categories=("code", "tests", "deps", "config", "scripts", "assets", "other"),
    estimate_s=240.0,
    persona="CI/CD engineer and test-results analyst",
)

MESSAGE_DETAIL_CHARS = 4000
PYTEST_NO_TESTS = 5
JS_FRAMEWORKS = frozenset({"jest", "vitest", "mocha", "node-test", "npm-script"})
PY_FRAMEWORKS = frozenset({"pytest", "unittest"})
"""Python runners whose failures name a missing module (`No module named 'x'`)."""
CONFIG_HINT = "set tech_stack.test_command in .workflow-config.yaml"
# A suite this quick, with at most this many failures, runs again to tell flaky from broken.
RERUN_WITHIN_S = 60.0
RERUN_MAX_FAILURES = 5
# A test that timed out runs again alone only when at least this much of the budget is left
# (less would stop the runner before it has loaded the test on a busy machine).
ALONE_MIN_S = 10.0
# At most this many failed tests run again alone, each in a process of its own (within
# tech_stack.failed_rerun_s); the others stay as they are.
ALONE_MAX_FAILURES = 60
# The test map's recording and selection stay off in a run of one test alone.
ALONE_DROPPED_ENV = frozenset({"AI_WORKFLOW_TESTMAP_OUT", "AI_WORKFLOW_TESTMAP_SELECT"})


# --------------------------------------------------------------------------- the step


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    stack = detect_stack(ctx)
    plan = plan_for(ctx, stack)
    if plan is None:
        return _no_command(ctx, outcome, stack)
    archive = _archive_without_tests(ctx, stack)
    if archive is not None:
        return _not_shipped(outcome, plan, archive)
    unconfigured = (
        not_configured(ctx.target, project_files(ctx)) if plan.framework == "automake" else None
    )
    if unconfigured is not None:
        outcome.data = {"framework": plan.framework, "command": plan.display, "counts": None}
        _not_run(outcome, Unavailable(*unconfigured))
        outcome.summary = "tests not run: the Automake suite needs a configured tree"
        return outcome
    missing = _missing_runner(ctx.target, plan, stack)
    if missing is not None:
        return _runner_missing(outcome, plan, missing)
    hostile = _unsafe_conftest(ctx, plan)
    if hostile is not None:
        return _not_run_for(outcome, plan, hostile)
    chosen = selection.choose(ctx, plan, stack)
    if chosen.nothing_to_run:
        return _nothing_to_run(ctx, outcome, plan, chosen)
    if chosen.command is not None:
        plan.command = chosen.command
    plan.env = {**plan.env, **chosen.env}  # a second run (flaky failures) runs the same way
    timeout = ctx.config.tech_stack.test_timeout_s
    absent = [name for name in plan.side_files if not (ctx.target / name).exists()]
    had_git = (ctx.target / ".git").exists()
    result = _run_plan(ctx, plan)
    outcome.checked.append(
        f"ran `{plan.display}` ({plan.framework or 'custom'}, timeout {timeout:g}s)"
    )
    outcome.checked += plan.notes
    _remove_created(ctx, outcome, absent)
    if had_git and not (ctx.target / ".git").exists():
        outcome.add(
            "tests/checkout-damaged",
            "error",
            f"`{plan.display}` removed the checkout's .git directory: the project's tests "
            "delete files where they run; clone the project again and set "
            "tech_stack.test_command to the way the project runs them",
        )
    report = _interpret(ctx, outcome, plan, stack, result)
    selection.finish(ctx, outcome, chosen, result, report, plan.framework)
    return outcome


def _archive_without_tests(ctx: StepContext, stack: TechStack) -> str | None:
    """Why the target is a release archive holding no test (None: it holds tests, or it is
    no archive): its test command would look for tests the archive left out."""
    files = project_files(ctx)
    if stack.test_dirs or any(stack.is_test(path) for path in files):
        return None
    return release_archive(ctx.target)


def _not_shipped(outcome: StepOutcome, plan: Plan, archive: str) -> StepOutcome:
    outcome.data = {"framework": plan.framework, "command": plan.display, "counts": None}
    why = f"the target is {archive}, and it holds no test file"
    outcome.skipped_checks.append(f"tests: `{plan.display}` not run: {why}")
    outcome.add(
        "tests/not-shipped",
        "info",
        f"`{plan.display}` was not run: {why}; run the workflow on the project's repository, "
        "where its tests are",
    )
    outcome.summary = "tests not run: not in the release archive"
    return outcome


def _nothing_to_run(
    ctx: StepContext, outcome: StepOutcome, plan: Plan, chosen: selection.TestRun
) -> StepOutcome:
    """No test can be affected by the changes (and none failed last time): none runs."""
    outcome.data = {"framework": plan.framework, "command": plan.display, "counts": None}
    outcome.checked.append("no test ran: no change reaches a test the test map knows")
    selection.finish(ctx, outcome, chosen, None, None, plan.framework)
    total = outcome.data["tests"]["total"]
    outcome.summary = f"ran 0 of {total} tests ({chosen.reason}): no change reaches a test"
    if chosen.packages is not None:
        outcome.summary = (
            f"ran 0 of {chosen.packages['total']} packages ({chosen.reason}): "
            "no change reaches a package's tests"
        )
    return outcome


def _unsafe_conftest(ctx: StepContext, plan: Plan) -> str | None:
    """A conftest.py pytest would import that is no regular file of the project (a link out of
    the target, a FIFO): `--ignore` does not keep pytest from importing it."""
    if plan.framework != "pytest":
        return None
    found = (r for r in unsafe_test_entries(ctx) if PurePosixPath(r).name == "conftest.py")
    return next(found, None)


def _not_run_for(outcome: StepOutcome, plan: Plan, rel: str) -> StepOutcome:
    why = f"{rel} is no regular file of the project (a FIFO, or a link out of it)"
    outcome.skipped_checks.append(f"tests ({plan.framework}): not run: {why}")
    outcome.add(
        "tests/unsafe-file",
        "warning",
        f"the tests were not run: {why}, and pytest would import it; replace it with a file",
        rel,
    )
    return outcome


def _run_plan(ctx: StepContext, plan: Plan) -> CommandResult:
    """Run the test command as planned, within the configured time limit."""
    return ctx.run_command(
        plan.command,
        timeout=ctx.config.tech_stack.test_timeout_s,
        env=plan.env,
        shell=isinstance(plan.command, str),
    )


def _delete_created(ctx: StepContext, absent: list[str]) -> list[str]:
    """Delete the side files the runner created (absent before it ran); the names deleted."""
    deleted = []
    for name in absent:
        path = ctx.target / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            deleted.append(name)
    return deleted


def _remove_created(ctx: StepContext, outcome: StepOutcome, absent: list[str]) -> None:
    """Remove the side files the runner created (they were absent before it ran)."""
    for name in _delete_created(ctx, absent):
        outcome.add(
            "tests/runner-wrote-file",
            "info",
            f"the test runner created {name}, which the project does not have; it was "
            "removed again (commit one to make test runs reproducible)",
            name,
        )


def _no_command(ctx: StepContext, outcome: StepOutcome, stack: TechStack) -> StepOutcome:
    if stack.test_framework in ("pytest", "unittest") and stack.python is None:
        outcome.tool_error = (
            f"{stack.test_framework} tests found but no Python interpreter: set tech_stack.python "
            "or activate the project's virtual environment"
        )
        outcome.summary = "tests not run: no Python interpreter"
        return outcome
    outcome.data = {"framework": stack.test_framework, "command": None, "counts": None}
    found = stack.evidence.get("tests_found") or []
    if found:
        reason = f"the project has tests ({'; '.join(found)}) but no test runner was found"
        outcome.skipped_checks.append(f"tests: {reason}")
        by_ci = _tests_ci_runs(ctx)
        if by_ci:
            outcome.add(
                "tests/no-runner",
                "info",
                f"the project's tests are run by its CI ({by_ci}), with no local runner: not "
                f"run here; {CONFIG_HINT} to run them",
            )
            outcome.summary = "tests not run: its CI runs them"
            return outcome
        manual = _manual_tests(ctx)
        if manual:
            outcome.add(
                "tests/no-runner",
                "info",
                f"the project's tests are manual: {manual}, so they are for a person, with "
                f"no runner: not run here; {CONFIG_HINT} to run them",
            )
            outcome.summary = "tests not run: manual tests"
            return outcome
        programs = _programs_without_suite(ctx, stack)
        if programs:
            outcome.add(
                "tests/no-runner",
                "info",
                f"the project's test directory holds {programs}: programs a person runs by "
                f"hand, not a suite, so nothing runs them here; {CONFIG_HINT} to run them",
            )
            outcome.summary = "tests not run: test programs with no suite"
            return outcome
        outcome.add(
            "tests/no-runner",
            "warning",
            f"{reason}: {CONFIG_HINT} to the command that runs them (e.g. `make test`)",
        )
        outcome.summary = "tests not run: no test runner found"
        return outcome
    reason = "no test command detected (set tech_stack.test_command)"
    outcome.skipped_checks.append(f"tests: {reason}")
    outcome.add("tests/no-test-command", "info", reason)
    outcome.summary = "no tests to run"
    return outcome


def _test_dir_code(files: list[str]) -> list[str]:
    """The code files of the project's `tests/` or `test/` directory."""
    return [
        f
        for f in files
        if f.split("/", 1)[0] in ("tests", "test") and PurePosixPath(f).suffix in CODE_SUFFIXES
    ]


# A statement that reads a line from the terminal: `read`, `read x`, `read -p "Go on? " x`,
# with no redirection or pipe on the line (`read x < file`, `... | read x`, `while read`).
_TERMINAL_READ = re.compile(r"^\s*read(?:\s+[^<|;&]*)?\s*$")


def _manual_tests(ctx: StepContext) -> str:
    """When every code file of `tests/` or `test/` is a shell script that stops to read the
    terminal (mussh's test/*.sh: `echo "Hit any key to continue"` then `read`), the tests are
    manual, for a person at a terminal: which ones and where they read, else empty."""
    files = project_files(ctx)
    tests = _test_dir_code(files)
    if not tests:
        return ""
    described = _described_by_readmes(tests, files)
    if described:
        return described
    where = []
    for rel in tests:
        if PurePosixPath(rel).suffix not in (".sh", ".bash"):
            return ""
        data = read_bytes(ctx.target / rel, root=ctx.target)
        if data is None:
            return ""
        text = data.decode("utf-8", errors="replace")
        reads = [
            number for number, line in enumerate(text.splitlines(), 1) if _TERMINAL_READ.match(line)
        ]
        if not reads:
            return ""
        where.append(f"{rel} line {reads[0]}")
    count = "its test script" if len(tests) == 1 else f"each of its {len(tests)} test scripts"
    return f"{count} waits for the terminal with `read` ({', '.join(where[:3])})"


_README = re.compile(r"README(?:\.(?:md|txt|rst|adoc))?", re.IGNORECASE)


def _described_by_readmes(tests: list[str], files: list[str]) -> str:
    """When the test code lies in subdirectories of `tests/` or `test/` and each of them has a
    README of its own, which names no script to run as it is (else that script would be the
    test command), the READMEs describe procedures for a person (rear's tests/setup1/README: a
    VM with 13 network interfaces, then `./verify.sh tcase${i}_results` as root): which READMEs,
    else empty."""
    directories = {str(PurePosixPath(rel).parent) for rel in tests}
    if any("/" not in directory for directory in directories):
        return ""  # scripts at the top of the test directory: a suite, not set-ups
    readmes = []
    for directory in sorted(directories):
        prefix = directory + "/"
        here = [f for f in files if f.startswith(prefix) and _README.fullmatch(f[len(prefix) :])]
        if not here:
            return ""
        readmes.append(here[0])
    count = (
        "its test directory"
        if len(readmes) == 1
        else f"each of its {len(readmes)} test directories"
    )
    return f"{count} has a README that tells a person how to run it ({', '.join(readmes[:3])})"


_NATIVE_SUFFIXES = frozenset({".c", ".h", ".cc", ".cpp", ".cxx", ".hh", ".hpp", ".hxx"})
_MAKEFILE_NAMES = ("GNUmakefile", "makefile", "Makefile")
_SUITE_TARGET = re.compile(r"^(?:test|tests|check|check-local|runtest)\s*:(?!=)", re.MULTILINE)
_AUTOMAKE_SUITE = re.compile(r"^\s*(?:TESTS|check_PROGRAMS)\s*\+?=", re.MULTILINE)


def _is_makefile(name: str) -> bool:
    """A Makefile, or a platform's variant of it (`Makefile.freebsd`, `Makefile.cyg`: sg3_utils'
    testing/Makefile itself is generated, so .gitignore leaves only the variants in git)."""
    return name in _MAKEFILE_NAMES or name.startswith(("Makefile.", "makefile."))


def _programs_without_suite(ctx: StepContext, stack: TechStack) -> str:
    """When every code file of a test directory is C or C++ and the directory's own Makefile
    builds them with no test or check target (nor an Automake `TESTS`/`check_PROGRAMS`), the
    directory holds programs for a person to run, not a suite (sg3_utils' testing/: sg_tst_async,
    bsg_queue_tst ... drive a SCSI device given on the command line): which, else empty."""
    files = project_files(ctx)
    for directory in stack.test_dirs:
        prefix = directory.strip("/") + "/"
        code = [
            f for f in files if f.startswith(prefix) and PurePosixPath(f).suffix in CODE_SUFFIXES
        ]
        if not code or any(PurePosixPath(f).suffix not in _NATIVE_SUFFIXES for f in code):
            continue
        makefiles = [
            f
            for f in files
            if f.startswith(prefix)
            and "/" not in f[len(prefix) :]
            and _is_makefile(f[len(prefix) :])
        ]
        if not makefiles:
            continue
        texts = [read_bytes(ctx.target / m, root=ctx.target) or b"" for m in makefiles]
        recipes = "\n".join(t.decode("utf-8", errors="replace") for t in texts)
        if _SUITE_TARGET.search(recipes) or _AUTOMAKE_SUITE.search(recipes):
            continue
        return f"{len(code)} C/C++ file(s) that {makefiles[0]} builds, with no test or check target"
    return ""


def _tests_ci_runs(ctx: StepContext) -> str:
    """Where the project's CI runs a code file of its `tests/` or `test/` directory by its path
    (recap's .travis.yml: `docker exec ... /recap/tests/run_recap.sh`), as `file: path`; empty
    when no CI line names one."""
    files = project_files(ctx)
    tests = _test_dir_code(files)
    if not tests:
        return ""
    named = re.compile(
        r"(?:^|[\s/\"'=])(" + "|".join(re.escape(t) for t in tests) + r")(?=$|[\s\"';|&)])"
    )
    for block in automation_blocks(ctx.target, files):
        if block.origin != "CI":
            continue
        for _, line in block.lines:
            match = named.search(line)
            if match:
                return f"{block.path}: {match.group(1)}"
    return ""


def _missing_runner(target: Path, plan: Plan, stack: TechStack) -> str | None:
    """Why the runner cannot start, when we can tell before trying (None: it exists)."""
    if isinstance(plan.command, str):
        return None
    program = plan.command[0]
    if "/" in program:
        path = Path(program) if Path(program).is_absolute() else target / program
        if path.exists():
            return None
        if program == stack.python:
            return f"the Python interpreter {program} does not exist ({stack.python_reason})"
        return f"{program} does not exist"
    if shutil.which(program) is None:
        return f"{program} is not installed or not on PATH"
    return None


def _runner_missing(outcome: StepOutcome, plan: Plan, why: str) -> StepOutcome:
    outcome.data = {"framework": plan.framework, "command": plan.display, "counts": None}
    if plan.framework in ("pytest", "unittest"):
        outcome.tool_error = f"cannot run the tests: {why}"
        outcome.summary = "tests not run"
        return outcome
    outcome.skipped_checks.append(f"tests ({plan.framework}): {why}")
    outcome.add(  # this machine's lack, not the project's defect: info, the step incomplete
        "tests/runner-missing",
        "info",
        f"the tests were not run: {why} (needed for `{plan.display}`)",
    )
    outcome.incomplete = True
    outcome.summary = f"tests not run: {why}"
    return outcome


# --------------------------------------------------------------------------- results


def _interpret(
    ctx: StepContext, outcome: StepOutcome, plan: Plan, stack: TechStack, result: CommandResult
) -> TestReport | None:
    """Read the run into the outcome; the runner's report, when there is one."""
    outcome.data = {
        "framework": plan.framework,
        "command": plan.display,
        "exit_code": result.returncode,
        "duration_s": round(result.duration_s, 3),
        "timed_out": result.timed_out,
        "report_file": _rel(plan.report_file, ctx.target),
        "counts": None,
        "failures": [],
    }
    if result.timed_out:
        limit = ctx.config.tech_stack.test_timeout_s
        outcome.skipped_checks.append(f"tests: did not finish within {limit:g}s")
        outcome.add(
            "tests/timed-out",
            "warning",
            f"the tests did not finish within {limit:g}s on this machine, so there are no "
            "results (a slow or loaded machine, or a test that hangs): raise "
            "tech_stack.test_timeout_s to let them finish",
        )
        outcome.summary = "tests timed out"
        return None
    report = _read(outcome, plan, result, ctx.target)
    ran = report is not None and report.counts.total > report.counts.errors
    unavailable = None if ran or result.returncode == 0 else _unavailable(ctx, plan, stack, result)
    if unavailable is not None:
        _not_run(outcome, unavailable)
        return None
    problem = _cannot_run(plan, result, ctx.target)
    if problem and _lost_bin_link(outcome, plan, result, ctx.target):
        return None
    if problem:
        outcome.tool_error = problem
        outcome.summary = "tests could not run"
        return None
    if report is None:
        silent_note = _silent_under_newer_node(ctx, plan, result)
        _by_exit_status(outcome, plan, result, ctx.target, silent_note)
        return None
    outcome.checked.append(f"parsed {report.source}")
    _report(ctx, outcome, plan, stack, result, report)
    return report


def _read(
    outcome: StepOutcome, plan: Plan, result: CommandResult, target: Path
) -> TestReport | None:
    """The runner's report, else TAP on its stdout (None: neither)."""
    try:
        return _runner_report(plan, result, target)
    except ReportError as exc:
        outcome.add("tests/report-unreadable", "warning", str(exc))
        return _tap_report(result, target)


def _runner_report(plan: Plan, result: CommandResult, target: Path) -> TestReport | None:
    """The runner's report, else TAP on its stdout, else mocha's closing summary, else a
    node:test line reporter's (None: none of them); ReportError when the runner's own report
    is unreadable."""
    report = plan.read(result)
    if report is None:
        report = _tap_report(result, target)
    if report is None and plan.framework == "mocha":
        report = _mocha_report(result, target)
    if report is None and plan.framework in ("npm-script", "node-test"):
        report = parse_line_reporter(strip_ansi(result.stdout), target)
    return report


def _mocha_report(result: CommandResult, target: Path) -> TestReport | None:
    """Mocha's closing summary on stdout; when the command failed and that summary names no
    failure, with the standard error after it: mocha 2 prints `N passing` with console.log and
    `N failing` and each failure with console.error (fd-slicer 1.1.0's `npm test`), so stdout
    alone reads as a run where nothing failed."""
    report = parse_mocha_epilogue(strip_ansi(result.stdout), target)
    if report is None or report.failures or result.returncode == 0 or not result.stderr:
        return report
    both = parse_mocha_epilogue(strip_ansi(f"{result.stdout.rstrip()}\n{result.stderr}"), target)
    return both if both is not None and both.failures else report


def _tap_report(result: CommandResult, target: Path) -> TestReport | None:
    stdout = strip_ansi(result.stdout) if "\x1b" in result.stdout else result.stdout
    return parse_tap_output(stdout, target)


def _unavailable(
    ctx: StepContext, plan: Plan, stack: TechStack, result: CommandResult
) -> Unavailable | None:
    """Why nothing was tested, when this machine (not the project) is what is missing."""
    output = strip_ansi(result.stderr + result.stdout)
    framework = plan.framework or ""
    ran = plan.report_file is not None and plan.report_file.exists()
    if framework == "pytest" and not ran and re.search(r"No module named pytest\b", output):
        return Unavailable(
            f"pytest is not installed for {stack.python}",
            "install it in the project's environment, or set tech_stack.python to the "
            "interpreter that has it",
        )
    if framework == "pytest" and result.returncode == 4:
        plugins = missing_pytest_plugins(output) or missing_conftest_module(
            output, python_declared(ctx.target, project_files(ctx))
        )
        if plugins is not None:
            return plugins
    if framework == "pytest" and result.returncode == 3:
        warned = plugin_warning_error(output) or rejected_installed_plugin(
            output, _declares_pytest_plugin(ctx.target)
        )
        if warned is not None:
            return warned
    quoted = _quoted(result, ctx.target)  # what a message may quote; node paths stay absolute
    if framework in JS_FRAMEWORKS:
        return missing_node_packages(ctx.target, output) or _program_missing(ctx, plan, quoted)
    return (
        download_failure(framework, quoted)
        or (gopath_absent_only(output, _gopath_root(ctx, plan)) if framework == "go-test" else None)
        or _program_missing(ctx, plan, quoted)
        or _library_missing(ctx, plan, quoted)
    )


PACKAGE_METADATA = ("setup.py", "setup.cfg", "pyproject.toml")


def _declares_pytest_plugin(target: Path) -> bool:
    """Whether the project's packaging declares a pytest plugin entry point (`pytest11`): then
    a plugin pytest rejects may be the project's own."""
    return any(
        ENTRY_POINT_GROUP in read_text(target / name, root=target) for name in PACKAGE_METADATA
    )


def _library_missing(ctx: StepContext, plan: Plan, output: str) -> Unavailable | None:
    """A library the test command's build asked pkg-config for, which this machine lacks."""
    names = {rel.rsplit("/", 1)[-1] for rel in project_files(ctx)}
    return missing_system_library(plan.framework or "", output, names)


def _program_missing(ctx: StepContext, plan: Plan, output: str) -> Unavailable | None:
    """A program the test command says it could not find, which this machine lacks (and the
    project does not ship): named with the CI file that provides it, when one does. The test
    command's own program is not it: a command that cannot start is `_cannot_run`'s."""
    files = project_files(ctx)
    names = {rel.rsplit("/", 1)[-1] for rel in files}
    found = program_not_on_path(plan.framework or "", output, names)
    words = plan.command.split(None, 1) if isinstance(plan.command, str) else plan.command
    if found is None or (words and words[0] in found.programs):
        return None
    return found.unavailable(ci_provider(ctx.target, files, found.programs[0]))


def _not_run(outcome: StepOutcome, unavailable: Unavailable) -> None:
    _environment_incomplete(outcome, unavailable.message(), f"tests: {unavailable.reason}")
    outcome.summary = f"tests could not run: {unavailable.reason}"


def _environment_incomplete(
    outcome: StepOutcome,
    message: str,
    skipped: str,
    path: str | None = None,
    line: int | None = None,
    **extra: Any,
) -> None:
    """Tests this machine could not run: an info finding (the project is not shown broken,
    and in 10 labelled projects none of these was a problem of the project's), the check
    listed as skipped, and the step incomplete, so its status is a warning, never a pass."""
    outcome.add("tests/environment-incomplete", "info", message, path, line, **extra)
    outcome.skipped_checks.append(skipped)
    outcome.incomplete = True


def _summarise_environment(outcome: StepOutcome) -> None:
    """The console's line says when some tests could not run here (the findings are info)."""
    if outcome.incomplete:
        outcome.summary += "; some tests could not run on this machine (see skipped checks)"


SHELL_NOT_FOUND = re.compile(
    r"^(?:/bin/)?(?:sh|bash|dash)(?:: line)?:? \d+: (\./[\w.+-]+): "
    r"(?:not found|No such file or directory)\s*$",
    re.MULTILINE,
)
"""The shell's word for a command it could not find (dash: `sh: 1: ./bake: not found`)."""


def _lost_bin_link(outcome: StepOutcome, plan: Plan, result: CommandResult, target: Path) -> bool:
    """An environment info when a package script could not start the root command `./NAME`
    the tree lacks and the root package.json's `bin` maps NAME to a file the tree has
    (`release_archive.packed_bin_link`): strike 0.1.73's `"test": "./bake test"` runs the
    root link to bin/bake its repository keeps and `npm pack` left out. False when it is not
    (a missing command no `bin` names stays the step's failure)."""
    if plan.framework != "npm-script":
        return False
    output = strip_ansi(result.stderr + result.stdout)
    for match in SHELL_NOT_FOUND.finditer(output):
        linked = packed_bin_link(target, match.group(1))
        if linked is None:
            continue
        name = match.group(1)
        _environment_incomplete(
            outcome,
            f"`{plan.display}` could not start `{name}`, which the tree lacks: package.json's "
            f"`bin` maps `{name.removeprefix('./')}` to {linked}, so `{name}` is the root link "
            "to it that the project's checkout keeps and `npm pack` leaves out (npm packs no "
            "symbolic link); run the tests in the repository, or link it here",
            f"tests: `{plan.display}` needs `{name}`, a link the npm package leaves out",
        )
        outcome.summary = f"tests not run: `{name}` is not in the npm package"
        return True
    return False


def _cannot_run(plan: Plan, result: CommandResult, target: Path) -> str | None:
    output = _quoted(result, target)
    if result.returncode == 127 and (not isinstance(plan.command, str) or "not found" in output):
        return f"cannot run `{plan.display}`: {_tail(output, 3) or 'command not found'}"
    if plan.framework == "pytest" and result.returncode in (3, 4):
        kind = "internal error" if result.returncode == 3 else "usage error"
        return f"pytest stopped with an {kind}: {_tail(output, 5)}"
    return None


def _report(
    ctx: StepContext,
    outcome: StepOutcome,
    plan: Plan,
    stack: TechStack,
    result: CommandResult,
    report: TestReport,
) -> None:
    counts = report.counts
    outcome.data["counts"] = counts.to_dict()
    failures = [_clean(f) for f in report.failures]
    # the data reaches the checkpoint and dependent steps: no secret a test printed goes along
    outcome.data["failures"] = [
        {**_failure_data(f), "message": redact(f.message).text} for f in failures
    ]
    failures, missing = _environment_failures(ctx, plan, stack, failures)
    failures, unbuilt = _go_downloads(ctx, plan, result, failures)
    failures, doubt = _machine_failures(ctx, outcome, plan, failures, strip_ansi(result.stderr))
    newer_node = _node_newer_than_ci(ctx, plan, failures)
    failures = _unloadable_under_newer_node(ctx, outcome, result, report, failures, newer_node)
    doubt = doubt or newer_node
    failures = _archive_left_out(ctx, outcome, failures)
    failures = _self_skipped(ctx, outcome, failures)
    failures = _pass_as_scripts(ctx, outcome, plan, failures)
    failures = _runner_drift(ctx, outcome, plan, result, failures)
    failures = _marked_flaky(ctx, outcome, plan, failures)
    failures = _without_flaky(ctx, outcome, plan, result, report, failures)
    failures = _passing_alone(ctx, outcome, plan, failures)
    as_root = running_as_root()
    captured = captured_exceptions(result.stdout) if plan.framework == "pytest" else {}
    pytest_version = (
        installed_pytest(result.stdout + "\n" + result.stderr)
        if plan.framework == "pytest" and failures
        else None
    )
    for failure in failures:
        rule = "tests/failed" if failure.kind == "failed" else "tests/error"
        # a blank first line: the report says nothing more than the test's name (TAP)
        quoted = relative_to_target(failure.message, ctx.target)
        first = quoted.split("\n", 1)[0].strip()
        cause = captured_cause(captured, failure.case)
        if cause and first and cause not in first:
            cause = relative_to_target(cause, ctx.target)
            first = f"{first} (its captured output ends with `{cause}`)"
        nose = nose_setup_note(ctx.target, failure.path, failure.line, pytest_version)
        if nose and first:
            first = f"{first} ({nose})"
        by_root = root_caused(ctx.target, failure, as_root=as_root)
        renamed = None if by_root else checkout_note(ctx.target, failure)
        why = ROOT_NOTE if by_root else renamed or doubt
        if by_root:
            outcome.skipped_checks.append(f"tests: {failure.name} cannot pass as root")
            outcome.incomplete = True
        elif renamed:
            outcome.skipped_checks.append(
                f"tests: {failure.name} cannot pass in a checkout named otherwise"
            )
            outcome.incomplete = True
        outcome.add(
            rule,
            "info" if by_root or renamed else "warning" if why else "error",
            (f"{failure.name}: {first}" if first else failure.name) + (f" ({why})" if why else ""),
            failure.path,
            failure.line,
            test=failure.name,
            details=quoted[:MESSAGE_DETAIL_CHARS],
        )
    for unavailable in missing:
        _not_run(outcome, unavailable)
    if unbuilt is not None:
        _not_run(outcome, unbuilt.unavailable())
    no_tests = counts.total == 0 or (
        plan.framework == "pytest" and result.returncode == PYTEST_NO_TESTS
    )
    if no_tests and not missing and unbuilt is None:
        _none_collected(outcome, plan, result, ctx.target)
    elif result.returncode != 0 and not report.failures and (unbuilt is None or unbuilt.others):
        _failed_after_tests(ctx, outcome, plan, result)
    xfailed = f", {counts.xfailed} xfailed" if counts.xfailed else ""
    outcome.summary = (
        f"{counts.passed} passed, {counts.failed} failed, {counts.errors} errors, "
        f"{counts.skipped} skipped{xfailed} in {result.duration_s:.1f}s "
        f"({plan.framework or 'custom'})"
    )
    _summarise_environment(outcome)


def _marked_flaky(
    ctx: StepContext, outcome: StepOutcome, plan: Plan, failures: list[FailedTest]
) -> list[FailedTest]:
    """The failures that are the project's: a failed Python test that the project marks flaky
    (`@pytest.mark.flaky`, `@flaky`, on it, its class or its module's `pytestmark`;
    `ai_workflow.testcmd.flaky_marks`) is a `tests/flaky` info finding each, no error."""
    if plan.framework not in PY_FRAMEWORKS:
        return failures
    kept = []
    files = ParsedFiles(ctx.target)
    for failure in failures:
        mark = flaky_mark(files, failure) if failure.kind == "failed" else None
        if mark is None:
            kept.append(failure)
            continue
        first = relative_to_target(failure.message, ctx.target).split("\n", 1)[0].strip()
        outcome.add(
            "tests/flaky",
            "info",
            f"{failure.name}: {first} (the project marks this test flaky, {mark}: a result "
            "that depends on timing or load, which its own mark expects)",
            failure.path,
            failure.line,
            test=failure.name,
            details=relative_to_target(failure.message, ctx.target)[:MESSAGE_DETAIL_CHARS],
        )
    return kept


def _without_flaky(
    ctx: StepContext,
    outcome: StepOutcome,
    plan: Plan,
    result: CommandResult,
    report: TestReport,
    failures: list[FailedTest],
) -> list[FailedTest]:
    """The failures that come back when a quick suite runs once more; those that do not are
    one `tests/flaky` warning (robfig/cron's TestChainDelayIfStillRunning sleeps 5 ms and
    expects a 10 ms job still running: it failed once while other work shared the machine's
    two cores, and passed when run again). Without a second report that ran at least as many
    tests, or when other tests fail the second time, every failure stands."""
    if not failures or len(failures) > RERUN_MAX_FAILURES or result.duration_s > RERUN_WITHIN_S:
        return failures
    absent = [name for name in plan.side_files if not (ctx.target / name).exists()]
    again = _run_plan(ctx, plan)
    _delete_created(ctx, absent)  # made again by the second run: removed as after the first
    second = None if again.timed_out else _second_report(plan, again, ctx.target)
    if second is None or second.counts.total < report.counts.total:
        return failures
    recurring = {f.name for f in second.failures}
    # a test the second run's order put after a test run outside pytest's setup state fails
    # its check there too: the same cause under another name, not a disagreement
    moved = {f.name for f in second.failures if SETUP_STATE_LEFT.search(f.message)}
    if recurring - moved - {f.name for f in report.failures}:
        # another test failed this time (one a `--bail` stopped short of, or one flaky the
        # other way): the runs disagree beyond the first one's failures; every failure stands
        outcome.checked.append(f"ran `{plan.display}` again: other tests failed; no verdict")
        return failures
    passed = [f for f in failures if f.name not in recurring]
    outcome.checked.append(
        f"ran `{plan.display}` again for its {len(failures)} failure(s): "
        f"{len(failures) - len(passed)} came back"
    )
    victims = [f for f in passed if SETUP_STATE_LEFT.search(f.message)]
    if victims:
        _setup_state_victims(ctx, outcome, victims)
        passed = [f for f in passed if f not in victims]
    if passed:
        shown = _test_names(passed)
        first = next((f for f in passed if f.path), passed[0])
        outcome.add(
            "tests/flaky",
            "warning",
            f"{len(passed)} test(s) failed, then passed when the tests ran again: {shown}; "
            "a result that depends on timing, load or order (a flaky test), not a failure "
            "that reproduces",
            first.path,
            first.line,
            test=first.name,
            details=relative_to_target(first.message, ctx.target)[:MESSAGE_DETAIL_CHARS],
        )
    return [f for f in failures if f.name in recurring]


def _passing_alone(
    ctx: StepContext, outcome: StepOutcome, plan: Plan, failures: list[FailedTest]
) -> list[FailedTest]:
    """The failures that come back when each test runs again alone, in a process of its own
    (`testcmd.alone`, at most ALONE_MAX_FAILURES within tech_stack.failed_rerun_s). The others
    failed only beside the rest of the suite, on what other tests left behind: lazy_import's
    tests check that a module is not yet in `sys.modules`, and its README runs them with
    `pytest --boxed`, a fresh process per test. They are one finding, info when the project
    says it runs its tests isolated (`testcmd.isolation`), else a warning (an order
    dependence); a test that fails alone too, or was not run again, stays as it is."""
    if not failures or ctx.config.tech_stack.failed_rerun_s <= 0:
        return failures
    tried = failures[:ALONE_MAX_FAILURES]
    if len(failures) > len(tried):
        outcome.checked.append(
            f"{len(failures) - len(tried)} of {len(failures)} failed tests were not run again "
            f"alone: at most {ALONE_MAX_FAILURES} are"
        )
    verdicts = _run_alone(ctx, outcome, plan, tried, why="failed")
    passed = [f for f in tried if verdicts.get(id(f)) == alone.PASSED]
    if not passed:
        return failures
    note = isolation_note(ctx.target)
    why = (
        f"the project runs them isolated, a fresh process per test ({note}), which this run "
        "does not"
        if note
        else "they depend on what other tests leave behind (shared state or order), or on timing"
    )
    first = next((f for f in passed if f.path), passed[0])
    outcome.add(
        "tests/failed-passed-alone",
        "info" if note else "warning",
        f"{len(passed)} test(s) fail only when run in one process with the others, and pass "
        f"when run again alone: {_test_names(passed)}; {why}",
        first.path,
        first.line,
        test=first.name,
        details="\n".join(f.name for f in passed)
        + "\n\n"
        + relative_to_target(first.message, ctx.target)[:MESSAGE_DETAIL_CHARS],
    )
    gone = {id(f) for f in passed}
    return [f for f in failures if id(f) not in gone]


def _test_names(failures: list[FailedTest]) -> str:
    """The first five failed tests' names, for a message."""
    return ", ".join(f.name for f in failures[:5]) + (", ..." if len(failures) > 5 else "")


# pytest's own check, at the setup of a test, that the test before it was torn down: it fails
# after a test a plugin ran outside pytest's setup state (pytest-forked's `forked` mark in a
# child process, with pytest 7 or later), whatever the next test does
SETUP_STATE_LEFT = re.compile(r"AssertionError: previous item was not torn down properly")


def _setup_state_victims(ctx: StepContext, outcome: StepOutcome, victims: list[FailedTest]) -> None:
    """Failures of pytest's setup-state check that did not come back: the test that ran before
    them left the state behind, and an order that changes (pytest-randomly) picks another
    victim each run (httplib2's test_certs_file_from_builtin, run after a `forked` test of
    another module; in another run the second order picked test_rebuild_uri instead): info,
    as nothing in the cited test is at fault."""
    shown = _test_names(victims)
    first = next((f for f in victims if f.path), victims[0])
    outcome.add(
        "tests/flaky",
        "info",
        f"{len(victims)} test(s) failed at setup on pytest's own check `previous item was not "
        f"torn down properly`, then passed when the tests ran again: {shown}; the test run "
        "before them left pytest's setup state behind (a plugin that runs tests outside it, as "
        "pytest-forked's `forked` mark does with pytest 7 or later), not a fault of these tests",
        first.path,
        first.line,
        test=first.name,
        details=relative_to_target(first.message, ctx.target)[:MESSAGE_DETAIL_CHARS],
    )


def _second_report(plan: Plan, result: CommandResult, target: Path) -> TestReport | None:
    try:
        return _runner_report(plan, result, target)
    except ReportError:
        return None


def _failed_after_tests(
    ctx: StepContext, outcome: StepOutcome, plan: Plan, result: CommandResult
) -> None:
    """The command failed though no test did: an error, unless what failed is a program this
    machine lacks (a warning that names it)."""
    output = _quoted(result, ctx.target)
    head = f"`{plan.display}` exited with {result.returncode} although no test failed"
    lacking = _program_missing(ctx, plan, output)
    if lacking is not None:
        _environment_incomplete(
            outcome,
            f"{head}: {lacking.reason}; to run all of it, {lacking.fix}",
            f"tests: part of `{plan.display}` could not run ({lacking.reason})",
        )
        return
    if AUDIT_UNREACHABLE.search(output):
        _environment_incomplete(
            outcome,
            f"{head}: the npm audit it runs (a posttest such as `aud` or `npm audit`) could not "
            "reach the registry's audit service from this machine (`audit endpoint returned an "
            "error`); run it where that service answers",
            "tests: the command's npm audit could not run here (no audit service)",
        )
        return
    if _from_unfetched_submodule(outcome, head, output, ctx.target):
        return
    rejected = NODE_BAD_OPTION.search(output)
    if rejected is not None:
        option = rejected.group("option")
        said = f"`{rejected.group(0).strip()}`"
        if NODE_REMOVED_OPTION.fullmatch(option):
            _environment_incomplete(
                outcome,
                f"{head}: a step of it stopped before running any test, where this machine's "
                f"Node.js refused the option {option} ({said}), an option older Node.js "
                "versions took and later ones dropped; the tests that ran passed. Run it under "
                f"a Node.js that still takes {option}, or drop the option from the script",
                f"tests: a step of `{plan.display}` passes {option}, which this Node.js no "
                "longer has",
            )
            return
        outcome.add(
            "tests/command-failed",
            "error",
            f"{head}: a step of it stopped where Node.js refused the option {option} ({said}), "
            "which this Node.js does not have: a mistyped option, or one only a newer Node.js "
            "has; no test ran in that step",
        )
        return
    if not _in_dependencies(outcome, head, output):
        outcome.add("tests/command-failed", "error", f"{head}: {_excerpt(output, 3)}")


NODE_BAD_OPTION = re.compile(r"\bnode(?:js)?(?:\.exe)?: bad option: (?P<option>--?[\w.=-]+)")
"""Node.js's words when a command line names an option neither it nor V8 has
(`/usr/bin/node: bad option: --es-staging`); it exits 9 before it loads any file."""
NODE_REMOVED_OPTION = re.compile(
    r"--(?:es[-_]staging|harmony[-_][\w-]+|(?:experimental|es-module)-specifier-resolution)"
    r"(?:=.*)?"
)
"""Options Node.js (or V8 under it) once took and has since dropped: V8's `--es-staging` (gone
with V8 11, Node.js 20; has-symbols 1.0.3's `test:staging` runs `nyc node --harmony
--es-staging test`), each `--harmony-<feature>` flag (V8 deletes it once the feature ships;
`--harmony` alone stays), and `--experimental-specifier-resolution` /
`--es-module-specifier-resolution` (gone in Node.js 19). A script that names one was written for
a Node.js before that; any other refused option is the script's own mistake."""


def _from_unfetched_submodule(outcome: StepOutcome, head: str, output: str, target: Path) -> bool:
    """Whether the failed command's output names a file inside a git submodule that is not
    fetched here (`testcmd.submodules`): then it is reported as this checkout's lack (info,
    the step incomplete), not as the project's failure."""
    unfetched = unfetched_submodules(target)
    submodule = names_unfetched(output, unfetched, target) if unfetched else None
    if submodule is None:
        return False
    said = next((line.strip() for line in output.splitlines() if FILE_MISSING.search(line)), "")
    _environment_incomplete(
        outcome,
        f"{head}: it needs {describe_submodules([submodule])}, and stopped where it loads "
        f"from there ({said or _excerpt(output, 2)}); to run the tests, fetch the submodule",
        f"tests: `{submodule}` (a git submodule) is not fetched here",
    )
    return True


AUDIT_UNREACHABLE = re.compile(
    r"^npm (?:error|ERR!) audit endpoint returned an error", re.MULTILINE
)
"""npm's words when the registry's security-advisory endpoint refuses or fails the audit
request (a mirror or proxy without it answers 405): no verdict on the project's packages, unlike
`found N vulnerabilities`."""


def _clean(failure: FailedTest) -> FailedTest:
    return FailedTest(
        strip_ansi(failure.name),
        failure.kind,
        strip_ansi(failure.message),
        failure.path,
        failure.line,
        failure.case,
    )


def _failure_data(failure: FailedTest) -> dict[str, Any]:
    """A failure as the step's data holds it (the report's raw names stay out)."""
    data = asdict(failure)
    data.pop("case", None)
    return data


def _environment_failures(
    ctx: StepContext, plan: Plan, stack: TechStack, failures: list[FailedTest]
) -> tuple[list[FailedTest], list[Unavailable]]:
    """The failures that are the project's, and what this machine lacks for the others: a
    declared dependency that is not installed, or a module the project's code imports only
    under an import guard (an undeclared or the project's own module stays a failure)."""
    if plan.framework in JS_FRAMEWORKS:
        lacking = [f for f in failures if missing_node_packages(ctx.target, f.message)]
        if lacking:
            found = missing_node_packages(ctx.target, "\n".join(f.message for f in lacking))
            return [f for f in failures if f not in lacking], [found] if found else []
        return failures, []
    if plan.framework not in PY_FRAMEWORKS:
        return failures, []
    if not any("No module named" in f.message for f in failures):
        return failures, []
    declared = python_declared(ctx.target, project_files(ctx))
    missing = {id(f): missing_python_module(f.message, declared) for f in failures}
    names = sorted({name for name in missing.values() if name})
    kept = [f for f in failures if not missing[id(f)]]
    unavailable = []
    if names:
        unavailable.append(
            Unavailable(
                f"{len(failures) - len(kept)} test file(s) import declared dependencies that "
                f"are not installed for {stack.python} ({', '.join(names)})",
                "install the project's dependencies into that environment (e.g. `pip install "
                "-e .` or `pip install -r requirements.txt`)",
            )
        )
    kept, optional = _optional_integrations(ctx, stack, kept)
    unavailable += [optional] if optional else []
    return kept, unavailable


def _optional_integrations(
    ctx: StepContext, stack: TechStack, failures: list[FailedTest]
) -> tuple[list[FailedTest], Unavailable | None]:
    """The failures that are the project's, and the optional integrations this machine lacks:
    a test that cannot import a third-party module (`No module named 'django'`) which the
    project's shipped code imports only under an import guard (`deps.guarded`: diskcache's
    `try: from .djangocache import DjangoCache` / `except Exception:`). A module shipped code
    imports unguarded, or that only tests import, stays the project's failure."""
    absent = {id(f): m for f in failures if (m := _absent_top_module(f.message))}
    if not absent:
        return failures, None
    py_files = [rel for rel in project_files(ctx) if rel.endswith(".py")]
    candidates = set(absent.values()) - local_modules(py_files) - STDLIB_MODULES
    if not candidates:
        return failures, None
    is_dev = dev_code(ctx.target, py_files, stack.is_test)
    guarded = GuardedModules(ParsedFiles(ctx.target), py_files, lambda rel: not is_dev(rel))
    where = {m: w for m in sorted(candidates) if (w := guarded.where(m))}
    if not where:
        return failures, None
    kept = [f for f in failures if absent.get(id(f)) not in where]
    listed = ", ".join(f"{m} (guarded at {w})" for m, w in where.items())
    what = "an optional integration" if len(where) == 1 else "optional integrations"
    return kept, Unavailable(
        f"{len(failures) - len(kept)} test file(s) import {listed}, which the project's own "
        "code imports only in a `try` whose `except` catches the failed import: "
        f"{what}, not installed for {stack.python}",
        f"install {', '.join(where)} into that environment to test {what.removeprefix('an ')}",
    )


def _absent_top_module(message: str) -> str | None:
    """The top-level module a `No module named 'x'` message says is absent; None for another
    message, or a dotted name (a submodule missing from an installed package)."""
    found = PY_MISSING.search(message)
    module = found.group("module") if found else None
    return module if module and "." not in module else None


def _gopath_root(ctx: StepContext, plan: Plan) -> str | None:
    """The project's import path when go runs in GOPATH mode (`testcmd.gopath`), else None."""
    gopath = gopath_import_path(ctx.target, project_files(ctx))
    return gopath[0] if gopath and plan.env.get("GO111MODULE") == "off" else None


def _go_downloads(
    ctx: StepContext, plan: Plan, result: CommandResult, failures: list[FailedTest]
) -> tuple[list[FailedTest], GoDownloads | None]:
    """The failures that are the project's, and the go packages that could not be built
    because their modules could not be downloaded here (one warning for all, not an error
    per package); a test that ran and failed stays a failure."""
    if plan.framework != "go-test" or result.returncode == 0:
        return failures, None
    root = _gopath_root(ctx, plan)
    unbuilt = go_partial_download(strip_ansi(result.stderr + "\n" + result.stdout), root)
    if unbuilt is None:
        return failures, None
    kept = [f for f in failures if not (f.kind == "error" and f.name in unbuilt.packages)]
    return kept, unbuilt


def _machine_failures(
    ctx: StepContext,
    outcome: StepOutcome,
    plan: Plan,
    failures: list[FailedTest],
    stderr: str = "",
) -> tuple[list[FailedTest], str | None]:
    """The failures that are the project's; those this machine caused (a timeout, a program,
    display or network it lacks, read from the failure's own message; an optional extra of the
    project that an ImportError names and nothing installed, `testcmd.extras`) become one per
    kind, never an error: the project is not shown broken by them. With them, why the others
    are in doubt: when some failures come from packages the CI installs and this machine
    lacks, the rest ran on a machine known to be incomplete (git-secret runs gawk as it loads,
    so assertions on its output fail too), and they are warnings that say so; the same when
    some failures say a daemon the tests talk to does not run here (docker-clean's bats suite,
    whose `run docker ps` then `[ $status = 0 ]` prints no cause of its own). A JavaScript
    suite's failures under a Node.js newer than every version the CI runs are warnings too
    (`_node_newer_than_ci`). A Perl test whose diagnostics on `stderr` say a module is missing
    that a Perl package the CI installs would provide is the machine's
    (`missing_perl_module`)."""
    files = project_files(ctx)
    names = {rel.rsplit("/", 1)[-1] for rel in files}
    lacking = missing_packages(list(ci_installed_packages(ctx.target, files))) if failures else []
    by_kind: dict[str, list[tuple[FailedTest, MachineCause]]] = {}
    unfetched = unfetched_submodules(ctx.target) if failures else []
    extras = absent_extra_causes(ctx, failures)
    kept = []
    for failure in failures:
        headline = failure.message.strip().splitlines()[0] if failure.message.strip() else ""
        cause = machine_cause(
            headline,
            names,
            failure.message,
            lacking,
            unfetched=unfetched,
            target=ctx.target,
            test_name=failure.name,
        )
        cause = cause or extras.get(id(failure))
        if cause is None and (perl := missing_perl_module(stderr, failure.name, lacking, files)):
            cause = MachineCause("perl", perl)
        if cause is None and (reach := offline_caused(ctx.target, failure)) is not None:
            cause = MachineCause(
                "network", f"a network connection (host names do not resolve; {reach})"
            )
        if cause is None:
            kept.append(failure)
        else:
            by_kind.setdefault("timeout" if cause.kind == "timeout" else "env", []).append(
                (failure, cause)
            )
    timed_out = by_kind.get("timeout", [])
    if timed_out:
        _timed_out(ctx, outcome, plan, timed_out)
    unrunnable = by_kind.get("env", [])
    if unrunnable:
        what = ", ".join(_lack(c) for c in dict.fromkeys(cause for _, cause in unrunnable))
        _environment_incomplete(
            outcome,
            f"{_count(unrunnable)} could not run on this machine, which lacks {what}: "
            f"{_names(unrunnable)}; provide it to run them",
            f"tests: {_count(unrunnable)} could not run here ({what})",
            *_single_place(unrunnable),
        )
    packages = [c.detail for _, c in unrunnable if c.kind == "packages"]
    daemons = [c.detail for _, c in unrunnable if c.kind == "daemon"]
    doubt = None
    if packages and kept:
        doubt = (
            f"this machine lacks {packages[0]}, which the project's CI installs and which made "
            f"{len(packages)} other test(s) fail: this failure may come from that too"
        )
    elif daemons and kept:
        doubt = (
            f"this machine lacks {daemons[0]}, which made {len(daemons)} other test(s) fail: "
            "this failure may come from that too"
        )
    return kept, doubt


def _timed_out(
    ctx: StepContext,
    outcome: StepOutcome,
    plan: Plan,
    timed_out: list[tuple[FailedTest, MachineCause]],
) -> None:
    """Tests that ended on a timeout of their own, judged by running each again alone
    (`testcmd.alone`), within tech_stack.timeout_rerun_s for all of them: one that passes then
    timed out because the machine was loaded (raw-body's 'should read body streams' hit
    mocha's 2000 ms at load 8 on 2 cores), an info finding; one that times out or fails again
    does so with the machine to itself (http-proxy's 'handle timeout error' waits for an
    ECONNRESET Node 20 no longer sends), and stays a warning that says so. A test not run again
    (no way to pick it, the budget spent) keeps the warning that asks for an idle machine."""
    verdicts = _run_alone(ctx, outcome, plan, [failure for failure, _ in timed_out])
    passed = [item for item in timed_out if verdicts.get(id(item[0])) == alone.PASSED]
    again = [
        item
        for item in timed_out
        if verdicts.get(id(item[0])) in (alone.TIMED_OUT_AGAIN, alone.FAILED)
    ]
    rest = [item for item in timed_out if item not in passed and item not in again]
    if passed:
        outcome.add(
            "tests/timed-out-passed-alone",
            "info",
            f"{_count(passed)} timed out on this machine ({passed[0][1].detail}) and passed "
            f"when run again alone: {_names(passed)}; the time limit was hit while the whole "
            "suite shared a loaded machine, not by a test that hangs",
            *_single_place(passed),
        )
    if again:
        failed = [f.name for f, _ in again if verdicts[id(f)] == alone.FAILED]
        it, its = ("it", "its") if len(again) == 1 else ("they", "their")
        how = "timed out again"
        if failed:
            how = (
                "failed"
                if len(failed) == len(again)
                else f"timed out again, or failed ({failed[0]})"
            )
        outcome.add(
            "tests/timed-out",
            "warning",
            f"{_count(again)} timed out on this machine ({again[0][1].detail}): "
            f"{_names(again)}; run again alone, {it} {how}: {it} did not pass within {its} own "
            "limit even without the rest of the suite (a test that hangs, or one too slow for "
            "its limit on this machine)",
            *_single_place(again),
        )
    if rest:
        outcome.add(
            "tests/timed-out",
            "warning",
            f"{_count(rest)} timed out on this machine ({rest[0][1].detail}): "
            f"{_names(rest)}; a timeout is no failed assertion (a slow or loaded machine, "
            "or a test that hangs): run them again on an idle machine",
            *_single_place(rest),
        )


def _run_alone(
    ctx: StepContext,
    outcome: StepOutcome,
    plan: Plan,
    tests: list[FailedTest],
    why: str = "timed out",
) -> dict[int, str]:
    """Each test run again alone, one after the other, while tech_stack.timeout_rerun_s lasts
    (failed_rerun_s for failed tests; each run gets what is left of it): the verdict of each
    (`alone.verdict`) by the test's id(); what ran, and why a test did not, in the step's checks
    and in `data`'s `timed_out_reruns` or `failed_reruns` (`why`: what the test did, "timed
    out" or "failed")."""
    knob = "timeout_rerun_s" if why == "timed out" else "failed_rerun_s"
    budget = getattr(ctx.config.tech_stack, knob)
    reruns: list[dict[str, Any]] = []
    outcome.data["timed_out_reruns" if why == "timed out" else "failed_reruns"] = reruns
    verdicts: dict[int, str] = {}
    by_command: dict[tuple[str, ...], str] = {}  # two tests of one file: one run
    spent = 0.0
    env = {k: v for k, v in plan.env.items() if k not in ALONE_DROPPED_ENV}
    for index, test in enumerate(tests):
        report = None
        if plan.report_file is not None:
            name = plan.report_file.name
            report = plan.report_file.with_name(f"alone{index}-{name}")
        picked = alone.alone_command(plan, test, ctx.target, report)
        if picked is None:
            outcome.checked.append(
                f"{test.name} {why} and was not run again alone: "
                f"{plan.framework or 'this command'} gives no way to pick it here"
            )
            continue
        key = tuple(picked.command)
        if key in by_command:
            verdicts[id(test)] = by_command[key]
            continue
        left = min(budget - spent, ctx.config.tech_stack.test_timeout_s)
        if left < ALONE_MIN_S:
            outcome.checked.append(
                f"{test.name} {why} and was not run again alone: the "
                f"tech_stack.{knob} budget ({budget:g}s) is spent"
            )
            continue
        absent = [name for name in plan.side_files if not (ctx.target / name).exists()]
        if report is not None:
            report.unlink(missing_ok=True)
        result = ctx.run_command(picked.command, timeout=left, env=env)
        _delete_created(ctx, absent)
        spent += result.duration_s
        found = alone.verdict(result, alone.read_alone(plan, picked, result, ctx.target))
        by_command[key] = verdicts[id(test)] = found
        display = shlex.join(picked.command)
        shown = "stopped by the budget" if found == alone.OVER_BUDGET else found
        load = _load_average()  # how busy the machine still was, beside this one test
        outcome.checked.append(
            f"ran {test.name} again alone (`{_clip_command(display)}`, "
            f"{result.duration_s:.1f}s{f', load average {load:.1f}' if load is not None else ''}"
            f" on {os.cpu_count() or '?'} cores): {shown}"
        )
        reruns.append(
            {
                "test": test.name,
                "command": display,
                "selector": picked.selector,
                "verdict": found,
                "duration_s": round(result.duration_s, 3),
                "load_average": load,
            }
        )
    return verdicts


def _load_average() -> float | None:
    """The machine's one-minute load average (None where the system does not tell)."""
    try:
        return round(os.getloadavg()[0], 2)
    except (AttributeError, OSError):
        return None


def _clip_command(display: str, limit: int = 300) -> str:
    return display if len(display) <= limit else display[: limit - 1] + "…"


def _node_newer_than_ci(ctx: StepContext, plan: Plan, failures: list[FailedTest]) -> str | None:
    """Why a JavaScript suite's failures are in doubt when this machine's Node.js is newer than
    every version the project's CI runs (`testcmd.node_versions`: finalhandler's CI stops at
    Node 17, and Node 20's HTTP parser rejects a request one of its tests sends before the
    project's code runs); None when the CI covers this Node, names none, or names `lts/*`."""
    return _newer_node_note(ctx, plan) if failures else None


def _newer_node_note(ctx: StepContext, plan: Plan) -> str | None:
    """The doubt `_node_newer_than_ci` explains, for a JavaScript test command."""
    if plan.framework not in JS_FRAMEWORKS:
        return None
    ci = ci_newest_node(ctx.target, project_files(ctx))
    node = find_tool("node", ctx.target) if ci is not None else None
    version = tool_version(ctx, node) if node is not None else None
    major = node_major(version)
    if ci is None or major is None or major <= ci.major:
        return None
    return (
        f"this machine's Node.js {version} is newer than any the project's CI runs the tests "
        f"on (up to {ci.major}, {ci.path}): the failure may come from a change in Node.js"
    )


NPM_OWN_LINES = ("> ", "npm notice", "npm warn", "npm WARN")
"""What npm prints around a package script: its banner and its own notices, not the runner's."""


def _silent_under_newer_node(ctx: StepContext, plan: Plan, result: CommandResult) -> str | None:
    """Why a JavaScript test command that failed printing nothing but npm's banner (`> pkg@1.0.0
    test`, `> mocha -R spec`) and notices is in doubt: under a Node.js newer than any the
    project's CI runs, the runner itself may be what broke (ncp 2.0.0's mocha 1.15 spawns
    _mocha with `customFds`, which later Node.js ignores, so every line it prints is lost), and
    so may one whose runner crashed before any test result with every stack frame in installed
    packages (`runner_crash`). What the command did and the doubt, as the finding says them;
    None when it printed something else, or the CI covers this Node."""
    if result.returncode == 0 or plan.framework not in JS_FRAMEWORKS:
        return None
    output = _quoted(result, ctx.target)
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    if all(line.startswith(NPM_OWN_LINES) for line in lines):
        what = "printed nothing"
    elif (crash := runner_crash(output)) is not None:
        # archy 1.0.0's tap 0.3.3 (CI: Node 0.6, 0.8) throws in its runner under Node 20
        what = crash.describe()
    else:
        return None
    note = _newer_node_note(ctx, plan)
    return None if note is None else f"{what}: {note}"


NEWER_NODE_REQUIRE = re.compile(r"\b(ERR_REQUIRE_CYCLE_MODULE|ERR_REQUIRE_ASYNC_MODULE)\b")
"""Errors of require() of an ES module, which only a newer Node.js does (20.19, 22.12): an
older one refuses it with ERR_REQUIRE_ESM, an error under the CI's Node.js too (a project that
requires an ES-only package), so that one is not among them."""
LOADER_HOOK_ERROR = re.compile(
    r"\b(ERR_UNKNOWN_FILE_EXTENSION|ERR_UNKNOWN_MODULE_FORMAT|ERR_LOADER_CHAIN_INCOMPLETE)\b"
)
"""Errors of Node.js's loader, a newer Node.js's doing only where a loader hook the project
names runs (`--loader ts-node/esm`: Node 20 moved the hooks off the main thread, and older
hooks no longer handle .ts); without one, an import of a file no Node.js can load (`.coffee`,
`.ts`) fails under the CI's Node.js too."""
LOADER_OPTION = re.compile(r"--(?:experimental-)?loader\b|\bloader=")
"""A custom loader hook on a Node.js command line or in a runner's node options."""
LOADER_CONFIGS = ("package.json", ".mocharc.json", ".mocharc.js", ".mocharc.yml", ".taprc")


def _unloadable_under_newer_node(
    ctx: StepContext,
    outcome: StepOutcome,
    result: CommandResult,
    report: TestReport,
    failures: list[FailedTest],
    newer_node: str | None,
) -> list[FailedTest]:
    """The failures that are the project's; none when the suite could not load on this
    machine's Node.js, newer than any the CI runs (`newer_node` says so): no test passed and
    the output holds an error of Node's module loader. mkdirp 2.1.6's CI runs Node 16 to 19;
    `tap` loads every test file with `--loader ts-node/esm`, which Node 20.19's require(esm)
    rejects (ERR_REQUIRE_CYCLE_MODULE) before a test runs: the eight files' failures are one
    info finding, the step incomplete. The loader errors that count are those only a newer
    Node.js raises (`NEWER_NODE_REQUIRE`), and those of a loader hook the project names
    (`LOADER_HOOK_ERROR`); a loader error under a Node the CI covers stays the project's, and
    so does every failure of a suite where some test passed."""
    if newer_node is None or not failures or report.counts.passed:
        return failures
    output = _quoted(result, ctx.target)
    loader = NEWER_NODE_REQUIRE.search(output)
    if loader is None and _names_loader_hook(ctx.target, output):
        loader = LOADER_HOOK_ERROR.search(output)
    if loader is None:
        return failures
    items = [(f, MachineCause("node", loader.group(1))) for f in failures]
    _environment_incomplete(
        outcome,
        f"{_count(items)} could not load and no test passed: Node.js's module loader raised "
        f"{loader.group(1)} ({newer_node.split(': the failure')[0]}): {_names(items)}; run "
        "them under a Node.js version the CI covers",
        f"tests: the suite could not load under this machine's Node.js ({loader.group(1)})",
        *_single_place(items),
    )
    return []


def _names_loader_hook(target: Path, output: str) -> bool:
    """Whether the run used a loader hook: the output, package.json (tap's `node-arg`, a
    script) or a mocha or tap configuration names `--loader` (`--experimental-loader`)."""
    if LOADER_OPTION.search(output):
        return True
    for name in LOADER_CONFIGS:
        data = read_bytes(target / name, root=target)
        if data is not None and LOADER_OPTION.search(data.decode("utf-8", errors="replace")):
            return True
    return False


def _archive_left_out(
    ctx: StepContext, outcome: StepOutcome, failures: list[FailedTest]
) -> list[FailedTest]:
    """The failures that are the project's: in a release archive committed as is
    (`ai_workflow.release_archive`), a test that failed because a file or directory of the
    project does not exist (toml 0.10.2's sdist leaves out the `toml-test/` suite its CI
    checks out, and two tests open it) ran on a tree the archive left incomplete: one info
    finding that names the paths, the step incomplete. In a repository the same failure stays
    an error (a fixture the maintainer forgot to commit); so does one whose path exists, or
    lies outside the project."""
    absent = {id(f): _absent_project_path(ctx.target, f) for f in failures}
    if not any(absent.values()):
        return failures
    archive = release_archive(ctx.target)
    if archive is None:
        return failures
    left_out = [(f, MachineCause("archive", path)) for f in failures if (path := absent[id(f)])]
    paths = ", ".join(f"`{c.detail}`" for c in dict.fromkeys(c for _, c in left_out))
    _environment_incomplete(
        outcome,
        f"{_count(left_out)} could not run: they open {paths}, which the target does not "
        f"have ({_names(left_out)}); the target is {archive}, and a release archive may leave "
        "such files out while the project's repository has them: run the tests there",
        f"tests: {_count(left_out)} need files the release archive does not ship ({paths})",
        *_single_place(left_out),
    )
    return [f for f in failures if not absent[id(f)]]


def _self_skipped(
    ctx: StepContext, outcome: StepOutcome, failures: list[FailedTest]
) -> list[FailedTest]:
    """The failures that are the project's: a test module that raises ImportError at its top
    level skips itself (`ai_workflow.testcmd.self_skip`; lark's test_nearley without its
    nearley submodule): an info finding each, no error."""
    kept = []
    for failure in failures:
        raised = self_skip_message(ctx.target, failure)
        if raised is None:
            kept.append(failure)
            continue
        outcome.add(
            "tests/skipped-module",
            "info",
            f"{failure.name}: the test module skips itself when imported (`raise {raised}` at "
            "its top level, the idiom of runners that drop a module whose import fails): "
            "not run here, not failed",
            failure.path,
            failure.line,
            test=failure.name,
        )
    return kept


def _pass_as_scripts(
    ctx: StepContext, outcome: StepOutcome, plan: Plan, failures: list[FailedTest]
) -> list[FailedTest]:
    """The failures that are the project's: a pytest collection error of a test file that the
    project runs as a script, one interpreter per file, and that passes run so
    (`ai_workflow.testcmd.script_tests`; dill's test_module imports its sibling test_mixins by
    the script's directory) is an info finding each, no error."""
    python = plan.command[0] if isinstance(plan.command, list) and plan.command else ""
    if plan.framework != "pytest" or not PurePosixPath(python).name.startswith("python"):
        return failures
    collected = {id(f): collected_file(ctx.target, f) for f in failures}
    if not any(collected.values()):
        return failures
    sources = ProjectSources(ctx.target, project_files(ctx), {})
    if names_pytest(sources):
        return failures
    declared = declared_commands(sources)
    kept = []
    for failure in failures:
        rel = collected[id(failure)]
        evidence = script_evidence(sources, rel, declared) if rel else None
        if rel is None or evidence is None:
            kept.append(failure)
            continue
        result = ctx.run_command([python, rel], timeout=SCRIPT_TIMEOUT_S, env=plan.env)
        outcome.checked.append(
            f"ran `python {rel}` as the project runs it: exit {result.returncode}"
        )
        if result.returncode != 0 or result.timed_out:
            kept.append(failure)
            continue
        first = failure.message.strip().split("\n", 1)[0]
        outcome.add(
            "tests/passes-as-script",
            "info",
            f"{failure.name}: {first}; but the project runs its test files as scripts, one "
            f"interpreter each ({evidence}), and `python {rel}` exits 0: the error comes from "
            "pytest importing every test module into one process, not from the project",
            rel,
            None,
            test=failure.name,
        )
    return kept


def _absent_project_path(target: Path, failure: FailedTest) -> str | None:
    """The project path (relative to `target`) the failure's first line says does not exist,
    when it is in the project and absent from it; a relative path is taken from the project's
    root and from the test file's directory (go tests run in their package's), and must be
    absent from both. None for a path that exists, one outside the project, or no such line."""
    lines = failure.message.strip().splitlines()
    named = missing_file(lines[0], failure.message) if lines else None
    if not named:
        return _absent_package_init(target, failure.message) or _absent_test_helper(target, failure)
    root = target.resolve()
    bases = [root]
    if failure.path and not PurePosixPath(failure.path).is_absolute():
        bases.append((root / failure.path).parent)
    found = None
    for base in bases:
        try:
            place = (base / named).resolve()
        except (OSError, RuntimeError):
            return None
        if place == root or not place.is_relative_to(root) or place.exists():
            return None
        found = found or place.relative_to(root).as_posix()
    return found


# Python's import from a directory with no __init__.py: a namespace package, which has no names
NAMESPACE_IMPORT = re.compile(
    r"cannot import name '\w+' from '(?P<package>\w+(?:\.\w+)*)' \(unknown location\)"
)


def _absent_package_init(target: Path, message: str) -> str | None:
    """The `__init__.py` (relative to `target`) of a project directory that a test imports
    names from, when the import failed because the file is absent (Python then takes the
    directory for a namespace package of "unknown location"). jdatetime 6.1.1's sdist ships
    tests/test_*.py, setuptools' default, but not the tests/__init__.py that defines the
    `TehranTime` and `load_pickle` they import. None when the message says no such thing or
    the directory is not the project's."""
    found = NAMESPACE_IMPORT.search(message)
    if found is None:
        return None
    package = PurePosixPath(*found["package"].split("."))
    root = target.resolve()
    if not (root / package).is_dir() or (root / package / "__init__.py").exists():
        return None
    return (package / "__init__.py").as_posix()


RELATIVE_WITHOUT_PACKAGE = re.compile(r"attempted relative import with no known parent package")
MISSING_MODULE = re.compile(r"No module named '(?P<module>\w+(?:\.\w+)+)'")


def _absent_test_helper(target: Path, failure: FailedTest) -> str | None:
    """The file (relative to `target`) whose absence stops a test module's import of a module
    beside it: the `__init__.py` of its directory when a relative import finds no parent
    package (objprint 0.3.0's sdist ships tests/test_*.py, each `from .objtest import
    ObjprintTestCase`, without tests/__init__.py nor tests/objtest.py), or the sibling module
    `No module named 'tests.helper'` names when the package is there. None when the test file
    is not the project's, lies at its top level, or the file exists; a module of another
    directory (a dependency) is no sibling."""
    if not failure.path or PurePosixPath(failure.path).is_absolute():
        return None
    root = target.resolve()
    folder = PurePosixPath(failure.path).parent
    if folder == PurePosixPath(".") or not (root / failure.path).is_file():
        return None
    if RELATIVE_WITHOUT_PACKAGE.search(failure.message):
        init = folder / "__init__.py"
        return None if (root / init).exists() else init.as_posix()
    found = MISSING_MODULE.search(failure.message)
    if found is None:
        return None
    module = PurePosixPath(*found["module"].split("."))
    if module.parent != folder or not (root / folder / "__init__.py").is_file():
        return None
    if (root / module).exists() or (root / f"{module}.py").exists():
        return None
    return f"{module}.py"


def _runner_drift(
    ctx: StepContext,
    outcome: StepOutcome,
    plan: Plan,
    result: CommandResult,
    failures: list[FailedTest],
) -> list[FailedTest]:
    """The failures that are the project's: those raised by pytest's own deprecation warnings
    under a pytest that is not the version the project pins (`runner_pin`) are one info finding
    (the tests could not run as the project runs them), never an error."""
    if plan.framework != "pytest" or not failures:
        return failures
    stopped = [f for f in failures if runner_deprecation(f.message)]
    installed = installed_pytest(result.stdout + "\n" + result.stderr) if stopped else None
    pin = pinned_pytest(ctx.target, project_files(ctx)) if installed else None
    if not installed or pin is None or not drifted(installed, pin):
        return failures
    warning = runner_deprecation(stopped[0].message)
    only = stopped[0] if len(stopped) == 1 else None
    names = ", ".join(f.name for f in stopped[:5]) + (
        f" and {len(stopped) - 5} more" if len(stopped) > 5 else ""
    )
    _environment_incomplete(
        outcome,
        f"{len(stopped)} test(s) or test file(s) stopped on a deprecation of pytest {installed} "
        f"({warning}: {names}); the project pins pytest=={pin.version} ({pin.path}), under "
        "which its tests run: run them with that version, or adapt them before upgrading",
        f"tests: pytest {installed} is not the pinned {pin.version}",
        only.path if only else None,
        only.line if only else None,
    )
    return [f for f in failures if f not in stopped]


def _none_collected(outcome: StepOutcome, plan: Plan, result: CommandResult, target: Path) -> None:
    """No tests ran; under pytest, the test classes it refused and why, when it says so."""
    message = f"`{plan.display}` found no tests to run"
    refused = None
    if plan.framework == "pytest":
        refused = uncollected_classes(strip_ansi(f"{result.stdout}\n{result.stderr}"), target)
    if refused is None:
        outcome.add("tests/none-collected", "warning", message)
        return
    outcome.add(
        "tests/none-collected",
        "warning",
        f"{message}: {refused.describe()}",
        refused.path,
        refused.line,
    )


def _count(items: list[tuple[FailedTest, MachineCause]]) -> str:
    return f"{len(items)} test{'s' if len(items) != 1 else ''}"


def _names(items: list[tuple[FailedTest, MachineCause]], shown: int = 5) -> str:
    names = [failure.name for failure, _ in items[:shown]]
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(names) + more


def _lack(cause: MachineCause) -> str:
    if cause.kind == "packages":
        return f"packages the project's CI installs ({cause.detail}; a command exited 127)"
    return f"the program `{cause.detail}`" if cause.kind == "program" else cause.detail


def _single_place(items: list[tuple[FailedTest, MachineCause]]) -> tuple[str | None, int | None]:
    """The test's file and line when there is one test, else no place (several tests)."""
    if len(items) == 1:
        return items[0][0].path, items[0][0].line
    return None, None


def _by_exit_status(
    outcome: StepOutcome,
    plan: Plan,
    result: CommandResult,
    target: Path,
    silent_note: str | None = None,
) -> None:
    outcome.checked.append("no machine-readable report: judged by the exit status")
    if result.returncode == 0:
        outcome.summary = f"`{plan.display}` passed (exit 0) in {result.duration_s:.1f}s"
        return
    if plan.framework == "pytest" and result.returncode == PYTEST_NO_TESTS:
        _none_collected(outcome, plan, result, target)
        outcome.summary = "no tests collected"
        return
    output = _quoted(result, target)
    head = f"`{plan.display}` exited with {result.returncode}"
    if _from_unfetched_submodule(outcome, head, output, target):
        pass
    elif silent_note is not None:
        outcome.add("tests/command-failed", "warning", f"{head} and {silent_note}")
    elif not (
        _root_only(outcome, head, output, target)
        or _stopped_on_archive_gap(outcome, head, output, target)
        or _unresolved_names_only(outcome, head, output)
        or _in_dependencies(outcome, head, output)
    ):
        outcome.add("tests/command-failed", "error", f"{head}: {_excerpt(output, 5)}")
    outcome.summary = (
        f"tests could not all run on this machine (exit {result.returncode}; see skipped checks)"
        if outcome.incomplete
        else f"tests failed (exit {result.returncode})"
    )


def _root_only(outcome: StepOutcome, head: str, output: str, target: Path) -> bool:
    """An environment info when the run is root's and every failed assertion the output shows
    (its `not ok` blocks) is a permission or ownership test that cannot pass as root
    (`testcmd.as_root`; graceful-fs's test/chown-er-ok.js expects chown's EPERM to be ignored,
    which the project does only for a non-root user); False when it is not."""
    if not running_as_root():
        return False
    failed = failures_in_output(output)
    if not failed or not all(root_caused(target, f, as_root=True) for f in failed):
        return False
    # the test a title leads to, not the helper that ends it (tape's `plan != count`)
    places = {titled_permission_file(target, f) or f.path for f in failed}
    files = ", ".join(sorted(p for p in places if p)) or "no file named"
    _environment_incomplete(
        outcome,
        f"{head}: its {len(failed)} failed assertion(s) ({files}) test ownership or permission "
        f"errors; {ROOT_NOTE}",
        f"tests: {len(failed)} failed assertion(s) cannot pass as root ({files})",
    )
    return True


def _stopped_on_archive_gap(outcome: StepOutcome, head: str, output: str, target: Path) -> bool:
    """An environment info when the command stopped on a file of the project that does not
    exist (its last error line is Python's `FileNotFoundError`, Node's `ENOENT` or Go's `open X:
    no such file or directory`, naming a path inside the project that is absent) and the target
    is a release archive committed as is: hjson 3.1.0's sdist leaves out `hjson/tests/assets/`,
    and `unittest discover` stops while a TestCase's `__init__` loads `assets/testlist.txt`,
    before any test ran. The per-test form of `_archive_left_out`, for a run with no results;
    in a repository the same stop stays an error (a fixture nobody committed). False when it
    is not."""
    errors = [line for line in output.splitlines() if ERROR_LINE.match(line)]
    if not errors:
        return False
    named = missing_file(errors[-1].strip(), output)
    if not named:
        return False
    root = target.resolve()
    try:
        place = (root / named).resolve()
    except (OSError, RuntimeError):
        return False
    if place == root or not place.is_relative_to(root) or place.exists():
        return False
    archive = release_archive(target)
    if archive is None:
        return False
    path = place.relative_to(root).as_posix()
    _environment_incomplete(
        outcome,
        f"{head}: it stopped opening `{path}`, which the target does not have; the target is "
        f"{archive}, and a release archive may leave such files out while the project's "
        "repository has them: run the tests there",
        f"tests: the command needs a file the release archive does not ship (`{path}`)",
    )
    return True


def _unresolved_names_only(outcome: StepOutcome, head: str, output: str) -> bool:
    """An environment info when every failed test the output shows (`failures_in_output`)
    stopped on a host name this machine does not resolve (`NO_NAME_RESOLUTION`): the tests
    never reached the project's code under test. pino-std-serializers 7.0.0 calls
    `http.get(server.address())`, which looks up `localhost` for IPv6, and /etc/hosts here names
    only 127.0.0.1. One failure for another reason keeps the error; False then."""
    failed = failures_in_output(output)
    if not failed or not all(NO_NAME_RESOLUTION.search(failure.message) for failure in failed):
        return False
    said = failed[0].message.strip().splitlines()[0]
    _environment_incomplete(
        outcome,
        f"{head}: its {len(failed)} failed test(s) stopped on a host name this machine does not "
        f"resolve ({said}); run them where the name resolves",
        f"tests: {len(failed)} failed test(s) could not resolve a host name here",
    )
    return True


def _in_dependencies(outcome: StepOutcome, head: str, output: str) -> bool:
    """A warning when every error the command printed is in installed packages (the install's
    doing, `testcmd.dependency_errors`), not an error of the project's; False when it is not."""
    found = dependency_errors(output)
    if found is None:
        return False
    _environment_incomplete(
        outcome,
        f"{head}, but {found.describe()}: the packages this install resolved do not fit the "
        "project's tools; to run all of it, install the versions it was tested with (its "
        "lockfile and `npm ci`) or update those tools",
        "tests: part of the command could not run (its errors are in installed packages)",
        details=found.detail(),
    )
    return True


ERROR_LINE = re.compile(
    r"^\s*(?:(?:[\w.]*Error|[\w.]*Exception|error|fatal|panic)(?:\[\w+\])?:|npm ERR!|not ok\b"
    r"|FAIL(?:ED)?\b|E\s{2,}|Traceback\b)",
    re.MULTILINE,
)


def _quoted(result: CommandResult, target: Path) -> str:
    """The command's output as a message quotes it: no terminal escapes, target-relative."""
    return relative_to_target(strip_ansi(result.stderr + result.stdout), target)


def _excerpt(output: str, lines: int) -> str:
    """The output's last lines; when none of them is an error and an earlier line is (a lint
    run's warnings printed after the error that stopped the command), that error line and
    what follows it."""
    kept = [line.rstrip() for line in output.strip().splitlines() if line.strip()]
    tail = kept[-lines:]
    if any(ERROR_LINE.match(line) for line in tail):
        return " | ".join(tail)
    first = next((n for n, line in enumerate(kept) if ERROR_LINE.match(line)), None)
    return " | ".join(tail if first is None else kept[first : first + lines])


def _tail(text: str, lines: int) -> str:
    kept = [line.rstrip() for line in text.strip().splitlines() if line.strip()]
    return " | ".join(kept[-lines:])


def _rel(path: Path | None, target: Path) -> str | None:
    if path is None or not path.exists():
        return None
    try:
        return path.relative_to(target).as_posix()
    except ValueError:
        return str(path)
