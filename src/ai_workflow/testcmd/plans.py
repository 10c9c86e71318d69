"""How each test runner is started and read: the command line with the options that make it
write a machine-readable report, and the reader of that report.

Reports go under `.ai_workflow/logs/<run>/`, never into the project, where the runner lets us
choose (pytest, node, jest, vitest, mocha, bats, CTest, RSpec); Maven and Gradle write theirs
into their build directories (`target/`, `build/`), read from there. What the project's own test
tooling would write into the tree goes elsewhere: bytecode in `.ai_workflow/tool_state/pycache/`
(`PYTHONPYCACHEPREFIX`: the tests still see Python write bytecode as it does by default, where
`PYTHONDONTWRITEBYTECODE=1` would set `sys.dont_write_bytecode` in every Python they start, and
execnet 2.1.2's test_dont_write_bytecode, which asks a fresh interpreter for it, failed; an
interpreter older than 3.8 ignores the prefix and gets that variable instead),
Hypothesis' database in `.ai_workflow/tool_state/hypothesis/`, cargo's build in
`.ai_workflow/cargo-target/`, pytest without its cache provider and, when the interpreter has
pytest-benchmark, with `--benchmark-storage` in `.ai_workflow/tool_state/benchmarks/`; Gradle
runs without a daemon (no process outlives the run). An entry point we cannot look into (a
Makefile target, a test script, tox) is run as it is; its output is read as TAP, or from a
JUnit file it writes to `$AI_WORKFLOW_JUNIT_XML`. Options added through `npm test --` reach the
package script's last command: when that is another program than the runner the script names
(`... && istanbul report text-summary` after mocha), the script runs as it is, too.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ai_workflow.engine.process import CommandResult
from ai_workflow.engine.step import StepContext
from ai_workflow.project_files import project_files, unsafe_entries
from ai_workflow.techstack import TechStack
from ai_workflow.testcmd.commands import simple_commands
from ai_workflow.testcmd.declared import ProjectSources
from ai_workflow.testcmd.gopath import (
    buildable_packages,
    gopath_command,
    gopath_env,
    gopath_era_env,
    gopath_import_path,
)
from ai_workflow.testcmd.reports import (
    Innermost,
    TestReport,
    parse_cargo_output,
    parse_go_json,
    parse_jest_json,
    parse_junit,
    parse_junit_files,
    parse_minitest_output,
    parse_rspec_json,
    parse_unittest_output,
)
from ai_workflow.testcmd.script_tests import runs_tests_as_scripts
from ai_workflow.testcmd.tox_env import tox_setenv
from ai_workflow.textfiles import read_json, read_text
from ai_workflow.tools import real_interpreter, run_interpreter
from ai_workflow.workdir import excluded_workdirs

JUNIT_ENV = "AI_WORKFLOW_JUNIT_XML"
TOOL_STATE_DIR = "tool_state"  # under the workspace root, kept across runs
SITE_PACKAGES_PATTERNS = ("lib/python3*/site-packages", "lib64/python3*/site-packages")
# Where Maven and Gradle write one JUnit file per test class.
BUILD_REPORTS = {
    "maven": ("**/target/surefire-reports/TEST-*.xml", "**/target/failsafe-reports/TEST-*.xml"),
    "gradle": ("**/build/test-results/**/TEST-*.xml",),
}
MOCHA_SINGULAR_REPORTER_OPTION = 6  # the first mocha major that knows `--reporter-option`
MOCHA_WITH_REPORTER_OPTIONS = (2, 2)  # the first mocha that knows `--reporter-options`
# The mocha versions that refuse a second `--reporter` (from 6.0 up to, not including, 6.2)
MOCHA_ONE_REPORTER = ((6, 0), (6, 2))
MOCHA_PROGRAMS = frozenset({"mocha", "_mocha"})
JEST_PROGRAMS = frozenset({"jest"})
VITEST_PROGRAMS = frozenset({"vitest"})
MOCHA_REPORTER_OPTIONS = frozenset({"-R", "--reporter"})


@dataclass
class Plan:
    """How to run the tests and read their results."""

    command: list[str] | str
    framework: str | None
    env: dict[str, str]
    read: Callable[[CommandResult], TestReport | None]
    report_file: Path | None = None
    notes: list[str] = field(default_factory=list)
    # Project files the runner writes when they are missing (Cargo.lock): removed again
    # after the run when they were not there before, so the project is left as it was.
    side_files: tuple[str, ...] = ()
    # Whether arguments appended to `command` reach the runner's own command line (pytest's,
    # mocha's, jest's), so that its own selection can pick single tests (a node id, `--grep`).
    runner_args: bool = False

    @property
    def display(self) -> str:
        return self.command if isinstance(self.command, str) else shlex.join(self.command)


def _report_path(ctx: StepContext, prefix: str, suffix: str = "") -> Path:
    """A fresh path for a runner's report, e.g. `logs/<run>/junit-test_execution.xml`."""
    path = ctx.workspace.logs_dir / f"{prefix}-{ctx.spec.id}{suffix}"
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)  # never read a report left by an earlier run
    return path


def _junit_reader(
    path: Path, target: Path, innermost: Innermost = "first", zero_based: bool = False
) -> Callable[[CommandResult], TestReport | None]:
    def read(_: CommandResult) -> TestReport | None:
        if not path.is_file():
            return None
        return parse_junit(path, target, innermost=innermost, zero_based_lines=zero_based)

    return read


def _tool_state(ctx: StepContext, tool: str) -> Path:
    """Where a test tool keeps its state for this project: the workspace, not the tree."""
    return ctx.workspace.root / TOOL_STATE_DIR / tool


def _site_packages(python: str) -> Iterator[Path]:
    """The interpreter's site-packages directories, found without starting it.

    A virtual environment sees its own, and its base interpreter's only with
    `include-system-site-packages = true`. User site-packages are left out: a plugin missed
    here is only not redirected, while one wrongly assumed would make pytest refuse its option.
    """
    exe = Path(python)
    prefixes = [exe.parent.parent]
    config = exe.parent.parent / "pyvenv.cfg"
    if not config.is_file() or _includes_system_site(config):
        prefixes.append(exe.resolve().parent.parent)
    for prefix in dict.fromkeys(prefixes):
        for pattern in SITE_PACKAGES_PATTERNS:
            yield from prefix.glob(pattern)


def _includes_system_site(config: Path) -> bool:
    # the interpreter's environment, wherever it is: a regular file only
    for line in read_text(config, root=config.parent).splitlines():
        key, _, value = line.partition("=")
        if key.strip() == "include-system-site-packages":
            return value.strip().lower() == "true"
    return False


def has_pytest_benchmark(python: str) -> bool:
    """Whether pytest-benchmark is installed in the interpreter's environment (no process,
    except to ask a pyenv/asdf shim which interpreter it stands for)."""
    return any(
        (site / "pytest_benchmark" / "plugin.py").is_file()
        for site in _site_packages(real_interpreter(python))
    )


def bytecode_elsewhere(python: str | None, prefix: Path) -> dict[str, str]:
    """The variables that keep the tests' bytecode out of the tree: a cache prefix, or, for an
    interpreter older than 3.8 (which has none), no bytecode at all."""
    if python and _before_pycache_prefix(python):
        return {"PYTHONDONTWRITEBYTECODE": "1"}
    return {"PYTHONPYCACHEPREFIX": str(prefix)}


def _before_pycache_prefix(python: str) -> bool:
    """Whether the interpreter is known, without starting it, to be older than Python 3.8:
    its name (`python2.7`, `python3.6`) or its library directory (`lib/python3.7`) says so."""
    exe = Path(python)
    real = exe.resolve()
    names = [exe.name, real.name]
    for prefix in dict.fromkeys((exe.parent.parent, real.parent.parent)):
        names += [lib.name for lib in prefix.glob("lib/python[23].*")]
    for name in names:
        version = re.fullmatch(r"python(\d)\.(\d+)", name)
        if version and (int(version[1]), int(version[2])) < (3, 8):
            return True
    return False


def plan_for(ctx: StepContext, stack: TechStack) -> Plan | None:
    """How to run the stack's test command (None: there is none)."""
    env = {
        **bytecode_elsewhere(stack.python, _tool_state(ctx, "pycache")),
        "HYPOTHESIS_STORAGE_DIRECTORY": str(_tool_state(ctx, "hypothesis")),
        **activated_venv(ctx.target, stack.python),
    }
    if stack.test_command_source == "config" and stack.test_command:
        return _entry_plan(ctx, stack.test_command, stack.test_framework, env)
    if not stack.test_argv:
        return None
    argv = list(stack.test_argv)
    framework = stack.test_framework or ""
    builder = _BUILDERS.get(framework)
    if builder is None:
        return _entry_plan(ctx, argv, framework, env)
    return _with_tox_setenv(ctx, builder(ctx, argv, env))


def _with_tox_setenv(ctx: StepContext, plan: Plan) -> Plan:
    """`plan` with the variables the project's tox `[testenv]` sets for the same runner
    (`tox_env`): the tests run as the project runs them (javaproperties' `TZ`)."""
    found = {k: v for k, v in tox_setenv(ctx.target, plan.framework).items() if k not in plan.env}
    if found:
        plan.env.update(found)
        plan.notes.append(
            "run with the variables tox's [testenv] sets for these tests: "
            + ", ".join(f"{name}={value}" for name, value in found.items())
        )
    return plan


def activated_venv(target: Path, python: str | None) -> dict[str, str]:
    """What activating the interpreter's virtual environment sets: its `bin` first on PATH and
    `VIRTUAL_ENV`. Tests that start the environment's tools by name (mypy from a pytest plugin,
    a console script under test) find them, as they do when the project runs its own tests;
    an interpreter outside a virtual environment changes nothing."""
    if not python:
        return {}
    exe = Path(python)
    if not exe.is_absolute():
        if "/" not in python:
            return {}  # a name looked up on PATH: not an environment of the project's
        exe = target / exe
    venv = exe.parent.parent  # not resolved: a venv's python links to its base interpreter
    if not (venv / "pyvenv.cfg").is_file():
        return {}
    path = os.environ.get("PATH", os.defpath)
    return {"VIRTUAL_ENV": str(venv), "PATH": f"{exe.parent}{os.pathsep}{path}"}


def _entry_plan(
    ctx: StepContext, command: list[str] | str, framework: str | None, env: dict[str, str]
) -> Plan:
    """A command we run as it is (configured, or an entry point such as `make test`): it may
    write JUnit XML to `$AI_WORKFLOW_JUNIT_XML`; else its output is read as TAP. In a Go
    project from before modules it runs as the go of its time did (`gopath.gopath_era_env`)."""
    junit = _report_path(ctx, "junit", ".xml")
    env[JUNIT_ENV] = str(junit)
    era = gopath_era_env(project_files(ctx), os.environ)
    env.update(era)
    plan = Plan(command, framework, env, _junit_reader(junit, ctx.target, "last"), junit)
    if era:
        plan.notes.append(
            "no go.mod: the project's own entry point runs with GO111MODULE=auto, the default "
            "of the go releases before modules were required (Go 1.16)"
        )
    return plan


def _pytest_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    junit = _report_path(ctx, "junit", ".xml")
    argv += ["-p", "no:cacheprovider", "-o", "junit_family=xunit1", f"--junitxml={junit}"]
    if not _tests_are_scripts(ctx):
        # one test module that fails to import must not keep every other test from running
        # (pytest stops after collection by default): its error is still reported, beside them
        argv.append("--continue-on-collection-errors")
    # never collected: what is no regular file of the project (a FIFO named test_x.py, a link
    # out of the target); a conftest.py among them stops the run first (test_execution)
    argv += [f"--ignore={ctx.target / rel}" for rel in unsafe_test_entries(ctx)]
    if has_pytest_benchmark(run_interpreter(ctx, argv[0])) and not os.environ.get(
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD"
    ):
        argv.append(f"--benchmark-storage=file://{_tool_state(ctx, 'benchmarks')}")
    reader = _junit_reader(junit, ctx.target, "last", zero_based=True)
    return Plan(argv, "pytest", env, reader, junit, runner_args=True)


def _tests_are_scripts(ctx: StepContext) -> bool:
    """`script_tests.runs_tests_as_scripts` of the target (dill: one interpreter per file)."""
    return runs_tests_as_scripts(ProjectSources(ctx.target, project_files(ctx), {}))


def unsafe_test_entries(ctx: StepContext) -> list[str]:
    """`project_files.unsafe_entries` of the target, once per run."""
    workdirs = excluded_workdirs(ctx.target)
    return ctx.memo.get("unsafe_entries", lambda: unsafe_entries(ctx.target, workdirs))


def _unittest_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    target = ctx.target
    return Plan(argv, "unittest", env, lambda r: parse_unittest_output(r.stderr, target))


def _node_test_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    junit = _report_path(ctx, "junit", ".xml")
    reporters = (
        "--test-reporter=spec --test-reporter-destination=stdout "
        f"--test-reporter=junit --test-reporter-destination={junit}"
    )
    env["NODE_OPTIONS"] = f"{os.environ.get('NODE_OPTIONS', '')} {reporters}".strip()
    return Plan(argv, "node-test", env, _junit_reader(junit, ctx.target), junit)


def options_reach_other(target: Path, argv: list[str], programs: frozenset[str]) -> str | None:
    """The program that options given after `npm test --` (or `npm run X --`) would reach
    instead of the runner: npm appends them to the end of the package script, so its last
    command gets them. tmp 0.2.2's `npm run clean && istanbul cover .../_mocha ... && istanbul
    report text-summary` hands the xunit reporter options to `istanbul report`, which stops on
    `Invalid report format [xunit]` after every test passed. None when the last command starts
    the runner (`nyc mocha test/` too), when the script names the runner in none of its
    commands (it starts it some other way), or when argv is no package-script call."""
    script = _npm_script_text(target, argv)
    if script is None:
        return None
    commands = [words for words, _ in simple_commands(script)]

    def starts_runner(words: list[str]) -> bool:
        return any(PurePosixPath(word).name in programs for word in words)

    if not commands or starts_runner(commands[-1]) or not any(map(starts_runner, commands)):
        return None
    return PurePosixPath(commands[-1][0]).name


def _as_it_is(
    ctx: StepContext, argv: list[str], framework: str, env: dict[str, str], other: str
) -> Plan:
    """The package script run without our report options, which would reach `other`."""
    plan = _entry_plan(ctx, argv, framework, env)
    plan.notes.append(
        f"the package script's last command is `{other}`, not {framework}: options added "
        f"after `{' '.join(argv)} --` would reach it, so the script runs as it is"
    )
    return plan


def _script_args(argv: list[str], extra: list[str]) -> list[str]:
    """Extra arguments for the runner, through `npm test --` or `npm run X --` when a package
    script runs it."""
    if argv[0] == "npm" and argv[1:2] in (["test"], ["run"]):
        return [*argv, "--", *extra]
    return [*argv, *extra]


def _jest_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    env["CI"] = "true"  # no watch mode, as the project's CI runs it
    other = options_reach_other(ctx.target, argv, JEST_PROGRAMS)
    if other is not None:
        return _as_it_is(ctx, argv, "jest", env, other)
    report = _report_path(ctx, "jest", ".json")
    extra = ["--ci", "--json", f"--outputFile={report}", "--testLocationInResults"]
    target = ctx.target

    def read(_: CommandResult) -> TestReport | None:
        return parse_jest_json(report, target) if report.is_file() else None

    return Plan(_script_args(argv, extra), "jest", env, read, report, runner_args=True)


def _vitest_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    env["CI"] = "true"  # no watch mode, as the project's CI runs it
    other = options_reach_other(ctx.target, argv, VITEST_PROGRAMS)
    if other is not None:
        return _as_it_is(ctx, argv, "vitest", env, other)
    junit = _report_path(ctx, "junit", ".xml")
    extra = ["--reporter=default", "--reporter=junit", f"--outputFile.junit={junit}"]
    return Plan(_script_args(argv, extra), "vitest", env, _junit_reader(junit, ctx.target), junit)


def _mocha_version(target: Path) -> tuple[int, int] | None:
    """The major and minor version of the mocha installed in the target (None: not known)."""
    manifest = target / "node_modules" / "mocha" / "package.json"
    data = read_json(manifest, root=target)
    version = data.get("version") if isinstance(data, dict) else None
    parts = version.split(".", 2)[:2] if isinstance(version, str) else []
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        return None
    return int(parts[0]), int(parts[1])


def mocha_reporter_flag(target: Path) -> str:
    """The spelling of mocha's reporter-options flag the project's mocha accepts.

    Mocha 6 renamed `--reporter-options` to `--reporter-option`, keeping the plural as an
    alias; mocha 5 and older know only the plural and pass over the singular, writing the
    report to stdout instead of the file. The installed mocha's version decides; when it
    cannot be read (not installed, hoisted above the target), the plural, which every
    version from 2.2 accepts (an older one is run without it: `_before_reporter_options`).
    """
    version = _mocha_version(target)
    if version is not None and version[0] >= MOCHA_SINGULAR_REPORTER_OPTION:
        return "--reporter-option"
    return "--reporter-options"


def _npm_script_text(target: Path, argv: list[str]) -> str | None:
    """The package.json script `npm test` or `npm run X` starts (None: argv is no such call)."""
    if argv[:2] == ["npm", "test"]:
        name = "test"
    elif argv[:2] == ["npm", "run"] and len(argv) > 2:
        name = argv[2]
    else:
        return None
    data = read_json(target / "package.json", root=target)
    scripts = data.get("scripts") if isinstance(data, dict) else None
    script = scripts.get(name) if isinstance(scripts, dict) else None
    return script if isinstance(script, str) else None


def script_takes_files(target: Path, argv: list[str], programs: frozenset[str]) -> bool:
    """Whether `argv` is `npm test` (or `npm run X`) whose package script ends in one of
    `programs` given no file or directory of its own (lru-cache's `c8 tap`): a test file named
    after `npm test --` then reaches that runner as the only file it runs. False when the
    runner is not the script's last command, or when it has a word that is no option (`tap
    test/*.js` would run those files too; `tap -j 1` cannot be told from such a list)."""
    if argv[:2] != ["npm", "test"] and not (argv[:2] == ["npm", "run"] and len(argv) == 3):
        return False
    if len(argv) > (3 if argv[1] == "run" else 2):
        return False
    script = _npm_script_text(target, argv)
    commands = [words for words, _ in simple_commands(script)] if script else []
    if not commands:
        return False
    last = commands[-1]
    starts = [i for i, word in enumerate(last) if PurePosixPath(word).name in programs]
    return bool(starts) and all(word.startswith("-") for word in last[starts[0] + 1 :])


def _names_mocha_reporter(words: list[str]) -> bool:
    """Whether a simple command starts mocha with a reporter of its own (`--reporter spec`,
    `-R dot`, `--reporter=tap`)."""
    starts = [i for i, word in enumerate(words) if PurePosixPath(word).name in MOCHA_PROGRAMS]
    if not starts:
        return False
    return any(
        word in MOCHA_REPORTER_OPTIONS or word.startswith(("--reporter=", "-R="))
        for word in words[starts[0] + 1 :]
    )


def own_mocha_reporter(target: Path, argv: list[str]) -> bool:
    """Whether the test command, or the package.json script it runs, already names mocha's
    reporter."""
    if _names_mocha_reporter(argv):
        return True
    script = _npm_script_text(target, argv)
    if script is None:
        return False
    return any(_names_mocha_reporter(words) for words, _ in simple_commands(script))


def _mocha_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    version = _mocha_version(ctx.target)
    if version is not None and version < MOCHA_WITH_REPORTER_OPTIONS:
        return _before_reporter_options(ctx, argv, env, version)
    refuses = version is not None and MOCHA_ONE_REPORTER[0] <= version < MOCHA_ONE_REPORTER[1]
    if refuses and own_mocha_reporter(ctx.target, argv):
        # Mocha 6.0 and 6.1 stop at a second `--reporter` ("can only be specified once", mocha
        # issue 4001), so a command naming its own is run as it is; every other mocha takes
        # the last one given (ours), and writes the report.
        plan = _entry_plan(ctx, argv, "mocha", env)
        plan.notes.append("the test command names its own mocha reporter: run as it is")
        return plan
    other = options_reach_other(ctx.target, argv, MOCHA_PROGRAMS)
    if other is not None:
        return _as_it_is(ctx, argv, "mocha", env, other)
    junit = _report_path(ctx, "junit", ".xml")
    extra = ["--reporter", "xunit", mocha_reporter_flag(ctx.target), f"output={junit}"]
    reader = _junit_reader(junit, ctx.target)
    return Plan(_script_args(argv, extra), "mocha", env, reader, junit, runner_args=True)


def _before_reporter_options(
    ctx: StepContext, argv: list[str], env: dict[str, str], version: tuple[int, int]
) -> Plan:
    """The test command as it is: a mocha older than 2.2 (ncp 2.0.0 pins mocha 1.15) stops at
    `--reporter-options` ("error: unknown option"), so the report file cannot be asked for,
    and adding it would fail a suite that passes."""
    plan = _entry_plan(ctx, argv, "mocha", env)
    plan.notes.append(
        f"the installed mocha {version[0]}.{version[1]} has no --reporter-options (mocha 2.2 "
        "added it) and would stop at it: run as it is"
    )
    return plan


def _go_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    target = ctx.target
    argv = [argv[0], argv[1], "-json", *argv[2:]]
    gopath = gopath_import_path(target, project_files(ctx))
    if gopath is None:
        return Plan(argv, "go-test", env, lambda r: parse_go_json(_go_output(r), target))
    path = gopath[0]  # no go.mod: GOPATH mode at its import path (`testcmd.gopath`)
    workdir = ctx.workspace.root
    notes = []
    buildable = buildable_packages(target, project_files(ctx), path) if "./..." in argv else None
    if buildable is not None:  # packages whose imports nothing provides stop `./...` at load
        kept, missing = buildable
        at = argv.index("./...")
        argv = [*argv[:at], *(f"./{d}" if d != "." else "." for d in kept), *argv[at + 1 :]]
        notes.append(
            "not built, for want of packages from outside the project that nothing provides "
            "in GOPATH mode (no go.mod declares them): "
            + "; ".join(f"{d}/ imports {', '.join(paths)}" for d, paths in missing.items())
        )
    return Plan(
        gopath_command(argv, workdir, target, path),
        "go-test",
        {**env, **gopath_env(workdir)},
        lambda r: parse_go_json(_go_output(r), target, module=path),
        notes=notes,
    )


def _go_output(result: CommandResult) -> str:
    """The events (stdout) and, after them, what go printed on stderr: before go 1.24 a failed
    build's complaints (`# pkg`, then `./file.go:12:3: ...`) come only there."""
    return f"{result.stdout}\n{result.stderr}"


def _cargo_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    target = ctx.target
    env["CARGO_TARGET_DIR"] = str(ctx.workspace.root / "cargo-target")  # not the project's target/
    env["CARGO_TERM_COLOR"] = "never"
    return Plan(
        argv,
        "cargo-test",
        env,
        lambda r: parse_cargo_output(r.stdout + r.stderr, target),
        side_files=("Cargo.lock",),
    )


def _bats_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    if not _bats_writes_reports(ctx, argv[0], env):
        # An old bats (a project's vendored sstephenson bats 0.4.0) rejects the report options
        # with its usage: its TAP output, which every bats writes, is read instead.
        return Plan([argv[0], "--tap", *argv[1:]], "bats", env, lambda _: None)
    out_dir = _report_path(ctx, "bats")
    out_dir.mkdir(parents=True)
    argv = [argv[0], "--report-formatter", "junit", "--output", str(out_dir), *argv[1:]]
    junit = out_dir / "report.xml"
    return Plan(argv, "bats", env, _junit_reader(junit, ctx.target), junit)


BATS_HELP_TIMEOUT_S = 30.0


def _bats_writes_reports(ctx: StepContext, bats: str, env: dict[str, str]) -> bool:
    """Whether this bats has `--report-formatter`, as its `--help` says (bats-core's does);
    a bats whose help cannot be read is taken to have it (the usual, recent case)."""

    def ask() -> bool:
        result = ctx.run_command([bats, "--help"], timeout=BATS_HELP_TIMEOUT_S, env=env)
        text = result.stdout + result.stderr
        if result.timed_out or "usage" not in text.lower():
            return True
        return "--report-formatter" in text

    return ctx.memo.get(f"bats_writes_reports:{bats}", ask)


def _maven_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    argv = [argv[0], "-B", *argv[1:]]  # batch mode: no colours, no progress
    return Plan(argv, "maven", env, _build_reports_reader(ctx.target, "maven"))


def _gradle_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    argv = [argv[0], "--no-daemon", "--console=plain", *argv[1:]]
    return Plan(argv, "gradle", env, _build_reports_reader(ctx.target, "gradle"))


def _build_reports_reader(target: Path, tool: str) -> Callable[[CommandResult], TestReport | None]:
    """The JUnit files the build wrote during this run (older ones are another run's)."""
    since = time.time() - 1

    def read(_: CommandResult) -> TestReport | None:
        files = {
            path
            for pattern in BUILD_REPORTS[tool]
            for path in target.glob(pattern)
            if path.is_file() and path.stat().st_mtime >= since
        }
        return parse_junit_files(files, target) if files else None

    return read


def _ctest_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    junit = _report_path(ctx, "junit", ".xml")
    argv = [*argv, "--output-on-failure", "--output-junit", str(junit)]
    return Plan(argv, "ctest", env, _junit_reader(junit, ctx.target), junit)


def _rspec_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    report = _report_path(ctx, "rspec", ".json")
    argv = [*argv, "--format", "progress", "--format", "json", "--out", str(report)]
    target = ctx.target

    def read(_: CommandResult) -> TestReport | None:
        return parse_rspec_json(report, target) if report.is_file() else None

    return Plan(argv, "rspec", env, read, report)


def _rake_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> Plan:
    target = ctx.target
    return Plan(argv, "rake", env, lambda r: parse_minitest_output(r.stdout + r.stderr, target))


_BUILDERS: dict[str, Callable[[StepContext, list[str], dict[str, str]], Plan]] = {
    "pytest": _pytest_plan,
    "unittest": _unittest_plan,
    "node-test": _node_test_plan,
    "jest": _jest_plan,
    "vitest": _vitest_plan,
    "mocha": _mocha_plan,
    "go-test": _go_plan,
    "cargo-test": _cargo_plan,
    "bats": _bats_plan,
    "maven": _maven_plan,
    "gradle": _gradle_plan,
    "ctest": _ctest_plan,
    "rspec": _rspec_plan,
    "rake": _rake_plan,
}
