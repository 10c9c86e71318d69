"""Step 7: Test Execution. Runs the project's test command and parses the results.

The detected command runs with the target's own tools (its interpreter, node, go, cargo...) and
is asked for a machine-readable report where the runner can write one: JUnit XML (pytest,
node's test runner, vitest, mocha, bats), jest's JSON, `go test -json`; unittest and cargo are
read from their text summary. Reports go under `.ai_workflow/logs/<run>/`, never into the
project. A custom `tech_stack.test_command` runs through the shell as given; it may write a
JUnit report to `$AI_WORKFLOW_JUNIT_XML`, which is then parsed.

What the project's own test tooling would write into the tree goes elsewhere: no bytecode
(`PYTHONDONTWRITEBYTECODE=1`), Hypothesis' database and caches in
`.ai_workflow/tool_state/hypothesis/` (`HYPOTHESIS_STORAGE_DIRECTORY`, for every command), cargo's
build in `.ai_workflow/cargo-target/`; the detected pytest runs without its cache provider and,
when the interpreter has pytest-benchmark, with `--benchmark-storage` in
`.ai_workflow/tool_state/benchmarks/`.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from junitparser import Attr, Error, Failure, IntAttr, JUnitXml, Skipped, TestCase, TestSuite
from junitparser.junitparser import JUnitXmlError

from ai_workflow.ai.redact import redact
from ai_workflow.engine.process import CommandResult
from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.project_files import ALWAYS_EXCLUDED_DIRS
from ai_workflow.techstack import TechStack, detect_stack
from ai_workflow.tools import real_interpreter, run_interpreter

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

JUNIT_ENV = "AI_WORKFLOW_JUNIT_XML"
TOOL_STATE_DIR = "tool_state"  # under the workspace root, kept across runs
SITE_PACKAGES_PATTERNS = ("lib/python3*/site-packages", "lib64/python3*/site-packages")
OUTPUT_TAIL_LINES = 15
MESSAGE_DETAIL_CHARS = 4000
PYTEST_NO_TESTS = 5
Innermost = Literal["first", "last"]  # where a runner prints the innermost stack frame
CODE_EXT = r"(?:py|js|mjs|cjs|jsx|ts|mts|cts|tsx|go|rs|rb|sh|bats)"
_LOCATION_RE = re.compile(
    r'File "(?P<py>[^"]+)", line (?P<pyline>\d+)'
    rf"|(?P<path>(?:file://)?[^\s():'\"<>\[\]]+\.{CODE_EXT}):(?P<line>\d+)"
)


# --------------------------------------------------------------------------- results


@dataclass
class TestCounts:
    __test__ = False  # not a pytest test class

    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    xfailed: int = 0  # expected failures (pytest xfail, unittest expectedFailure)

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors + self.skipped + self.xfailed

    def to_dict(self) -> dict[str, int]:
        return {**asdict(self), "total": self.total}


@dataclass
class FailedTest:
    name: str
    kind: Literal["failed", "error"]
    message: str
    path: str | None = None
    line: int | None = None


@dataclass
class TestReport:
    __test__ = False  # not a pytest test class

    counts: TestCounts = field(default_factory=TestCounts)
    failures: list[FailedTest] = field(default_factory=list)
    source: str = ""  # where the figures come from


class ReportError(Exception):
    """A report file that exists but cannot be read."""


# --------------------------------------------------------------------------- locations


def locate(text: str, target: Path, innermost: Innermost = "last") -> tuple[str | None, int | None]:
    """The innermost `file:line` of the project named in a traceback or stack trace."""
    found: list[tuple[str, int]] = []
    for match in _LOCATION_RE.finditer(text):
        raw = match.group("py") or match.group("path")
        line = int(match.group("pyline") or match.group("line"))
        rel = project_path(raw, target)
        if rel is not None:
            found.append((rel, line))
    if not found:
        return None, None
    return found[-1] if innermost == "last" else found[0]


def project_path(raw: str, target: Path) -> str | None:
    """`raw` as a path relative to the target, if it names a project file (not a dependency)."""
    raw = raw.removeprefix("file://")
    path = Path(raw)
    root = target.resolve()
    if path.is_absolute():
        try:
            rel = path.resolve().relative_to(root)
        except (ValueError, OSError):
            return None
    else:
        if not (root / path).is_file():
            return None
        rel = Path(os.path.normpath(path))
    if rel.parts and (rel.parts[0] == ".." or set(rel.parts[:-1]) & ALWAYS_EXCLUDED_DIRS):
        return None
    return rel.as_posix()


# --------------------------------------------------------------------------- JUnit XML


class _Case(TestCase):
    """A testcase with the `file` and `line` attributes some runners (pytest) write."""

    file = Attr()
    line = IntAttr()


def parse_junit(
    path: Path, target: Path, *, innermost: Innermost = "last", zero_based_lines: bool = False
) -> TestReport:
    """Counts and failures from a JUnit/xUnit XML file (nested suites included)."""
    try:
        xml = JUnitXml.fromfile(str(path))
    except (ET.ParseError, JUnitXmlError, OSError, ValueError) as exc:
        raise ReportError(f"cannot read the JUnit report {path.name}: {exc}") from None
    report = TestReport(source=f"JUnit XML {path.name}")
    for chain, case in _walk(xml, ()):
        _add_case(report, chain, case, target, innermost, zero_based_lines)
    return report


def _walk(node: Any, chain: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], _Case]]:
    for case in node.iterchildren(_Case):
        yield chain, case
    for suite in node.iterchildren(TestSuite):
        yield from _walk(suite, (*chain, suite.name or ""))


def _add_case(
    report: TestReport,
    chain: tuple[str, ...],
    case: _Case,
    target: Path,
    innermost: Innermost,
    zero_based_lines: bool,
) -> None:
    results = list(case.result)
    problems = [r for r in results if isinstance(r, Failure | Error)]
    if not problems:
        skipped = [r for r in results if isinstance(r, Skipped)]
        if not skipped:
            report.counts.passed += 1
        elif (skipped[0].type or "") == "pytest.xfail":
            report.counts.xfailed += 1
        else:
            report.counts.skipped += 1
        return
    name = _case_name(chain, case)
    for problem in problems:
        kind: Literal["failed", "error"] = "error" if isinstance(problem, Error) else "failed"
        if kind == "error":
            report.counts.errors += 1
        else:
            report.counts.failed += 1
        text = "\n".join(p for p in (problem.message, problem.text) if p)
        path, line = locate(text, target, innermost)
        if path is None and case.file:
            path = project_path(case.file, target)
            if path is not None and case.line is not None:
                line = case.line + 1 if zero_based_lines else case.line
        report.failures.append(FailedTest(name, kind, _failure_text(problem, kind), path, line))


def _failure_text(problem: Failure | Error, kind: str) -> str:
    """The runner's message, with the reason from the output when the message is only a label
    (pytest's "collection failure"), then the full output: the first line is the finding."""
    message = (problem.message or "").strip()
    output = (problem.text or "").strip()
    reasons = [ln[1:].strip() for ln in output.splitlines() if ln.startswith("E ")]
    headline = message.splitlines()[0] if message else ""
    if reasons and reasons[-1] not in message:
        headline = f"{headline}: {reasons[-1]}" if headline else reasons[-1]
    headline = headline or (output.splitlines()[0] if output else kind)
    rest = [part for part in (message, output) if part and part not in headline]
    return "\n".join([headline, *rest])


def _case_name(chain: tuple[str, ...], case: _Case) -> str:
    classname = case.classname or ""
    if classname and classname != "test":
        return f"{classname}.{case.name}"
    suites = [s for s in chain if s]
    return " > ".join([*suites, case.name or "?"])


# --------------------------------------------------------------------------- other formats


_TAP_RESULT_RE = re.compile(
    r"^(?P<not>not )?ok\b(?: \d+)?(?: -)? ?(?P<name>[^#\n]*?)\s*(?:#\s*(?P<directive>\w+)[^\n]*)?$",
    re.MULTILINE | re.IGNORECASE,
)


def parse_tap_output(text: str, target: Path) -> TestReport | None:
    """TAP (tape, node-tap, bats, `node --test` with the tap reporter): the top-level `ok` and
    `not ok` lines (indented subtests are folded into their parent), with `# SKIP` and
    `# TODO`. None when the output holds no TAP plan or result lines."""
    if not re.search(r"^(?:TAP version \d+|1\.\.\d+)\s*$", text, re.MULTILINE):
        return None
    report = TestReport(source="TAP output")
    results = list(_TAP_RESULT_RE.finditer(text))
    if not results:
        return None
    for index, match in enumerate(results):
        directive = (match.group("directive") or "").lower()
        name = match.group("name").strip() or "?"
        if directive == "skip":
            report.counts.skipped += 1
        elif directive == "todo":
            report.counts.xfailed += 1
        elif not match.group("not"):
            report.counts.passed += 1
        else:
            report.counts.failed += 1
            end = results[index + 1].start() if index + 1 < len(results) else len(text)
            body = text[match.end() : end]
            path, line = locate(body, target, "first")
            report.failures.append(FailedTest(name, "failed", f"{name}{body}".strip(), path, line))
    return report


def parse_unittest_output(text: str, target: Path) -> TestReport | None:
    """unittest's text summary: `Ran N tests` and `FAILED (failures=1, errors=2, ...)`."""
    ran = re.search(r"^Ran (\d+) tests? in ", text, re.MULTILINE)
    if ran is None:
        return None
    total = int(ran.group(1))
    summary = re.search(r"^(OK|FAILED|NO TESTS RAN)\b(?: \((.*)\))?\s*$", text, re.MULTILINE)
    figures = dict.fromkeys(("failures", "errors", "skipped", "expected failures"), 0)
    if summary and summary.group(2):
        for part in summary.group(2).split(","):
            key, _, value = part.strip().partition("=")
            if key in figures and value.isdigit():
                figures[key] = int(value)
    counts = TestCounts(
        failed=figures["failures"],
        errors=figures["errors"],
        skipped=figures["skipped"],
        xfailed=figures["expected failures"],
    )
    counts.passed = max(0, total - counts.failed - counts.errors - counts.skipped - counts.xfailed)
    report = TestReport(counts, source="unittest output")
    block = re.compile(
        r"^(?P<kind>FAIL|ERROR): (?P<name>.+?)\n-{70}\n(?P<body>.*?)(?=^={70}$|^-{70}$)",
        re.MULTILINE | re.DOTALL,
    )
    for match in block.finditer(text):
        body = match.group("body").strip()
        path, line = locate(body, target, "last")
        message = body.splitlines()[-1] if body else match.group("kind")
        kind: Literal["failed", "error"] = "failed" if match.group("kind") == "FAIL" else "error"
        report.failures.append(FailedTest(match.group("name"), kind, message, path, line))
    return report


def parse_cargo_output(text: str, target: Path) -> TestReport | None:
    """`cargo test` summaries (one per test binary) and the panics of failing tests."""
    results = re.findall(
        r"^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored", text, re.MULTILINE
    )
    if not results:
        return None
    counts = TestCounts()
    for passed, failed, ignored in results:
        counts.passed += int(passed)
        counts.failed += int(failed)
        counts.skipped += int(ignored)
    report = TestReport(counts, source="cargo test output")
    for name in re.findall(r"^test (\S+) \.\.\. FAILED$", text, re.MULTILINE):
        panic = re.search(
            rf"thread '{re.escape(name)}'(?: \(\d+\))? panicked at "
            r"(?P<file>[^\n:]+):(?P<line>\d+):\d+:\n(?P<msg>[^\n]*)",
            text,
        )
        path, line, message = None, None, "failed"
        if panic:
            path = project_path(panic.group("file"), target)
            line = int(panic.group("line")) if path else None
            message = panic.group("msg")
        report.failures.append(FailedTest(name, "failed", message, path, line))
    return report


def parse_go_json(text: str, target: Path) -> TestReport | None:
    """`go test -json` events: the last action of each test, its output on failure."""
    module = _go_module(target)
    final: dict[tuple[str, str], str] = {}
    output: dict[tuple[str, str], list[str]] = {}
    broken: dict[str, list[str]] = {}
    for raw in text.splitlines():
        try:
            event = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if not isinstance(event, dict):
            continue
        package, test, action = event.get("Package", ""), event.get("Test"), event.get("Action")
        if test:
            key = (package, test)
            if action in ("pass", "fail", "skip"):
                final[key] = action
            elif action == "output":
                output.setdefault(key, []).append(event.get("Output", ""))
        elif action == "output":
            broken.setdefault(package, []).append(event.get("Output", ""))
        elif action == "fail":
            broken.setdefault(package, [])
            broken[package].append("\0failed")
    if not final and not broken:
        return None
    report = TestReport(source="go test -json")
    for (package, test), action in sorted(final.items()):
        if action == "pass":
            report.counts.passed += 1
        elif action == "skip":
            report.counts.skipped += 1
        else:
            report.counts.failed += 1
            report.failures.append(
                _go_failure(package, test, output.get((package, test), []), module)
            )
    for package, lines in sorted(broken.items()):
        if "\0failed" in lines and not any(p == package for p, _ in final):
            report.counts.errors += 1
            text_out = "".join(line for line in lines if line != "\0failed").strip()
            report.failures.append(
                FailedTest(package, "error", text_out.splitlines()[-1] if text_out else "failed")
            )
    return report


def _go_module(target: Path) -> str | None:
    try:
        text = (target / "go.mod").read_text(encoding="utf-8")
    except OSError:
        return None
    match = re.search(r"^module\s+(\S+)", text, re.MULTILINE)
    return match.group(1) if match else None


def _go_failure(package: str, test: str, lines: list[str], module: str | None) -> FailedTest:
    directory = ""
    if module and package.startswith(module + "/"):
        directory = package[len(module) + 1 :] + "/"
    for line in lines:
        match = re.match(r"^\s+(?P<file>[\w.-]+\.go):(?P<line>\d+): (?P<msg>.*)", line)
        if match:
            return FailedTest(
                f"{package}.{test}",
                "failed",
                match.group("msg").strip(),
                directory + match.group("file") if module else None,
                int(match.group("line")) if module else None,
            )
    return FailedTest(f"{package}.{test}", "failed", "failed")


def parse_jest_json(path: Path, target: Path) -> TestReport:
    """jest's `--json --outputFile` report."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ReportError(f"cannot read the jest report {path.name}: {exc}") from None
    report = TestReport(source=f"jest JSON {path.name}")
    for suite in data.get("testResults", []):
        file_path = project_path(str(suite.get("name", "")), target)
        assertions = suite.get("assertionResults", [])
        if not assertions and suite.get("status") == "failed":
            report.counts.errors += 1
            message = str(suite.get("message") or "the test file failed to run").strip()
            report.failures.append(FailedTest(file_path or "?", "error", message, file_path))
        for case in assertions:
            _add_jest_case(report, case, file_path, target)
    return report


def _add_jest_case(
    report: TestReport, case: dict[str, Any], file_path: str | None, target: Path
) -> None:
    status = case.get("status")
    if status == "passed":
        report.counts.passed += 1
    elif status in ("pending", "skipped", "todo", "disabled"):
        report.counts.skipped += 1
    elif status == "failed":
        report.counts.failed += 1
        text = "\n".join(str(m) for m in case.get("failureMessages", []))
        path, line = locate(text, target, "first")
        if path is None:
            path = file_path
            line = (case.get("location") or {}).get("line")
        message = text.strip().splitlines()[0] if text.strip() else "failed"
        report.failures.append(
            FailedTest(str(case.get("fullName", "?")), "failed", message, path, line)
        )


# --------------------------------------------------------------------------- plans


@dataclass
class _Plan:
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
    try:
        lines = config.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return False
    for line in lines:
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


def _plan(ctx: StepContext, stack: TechStack) -> _Plan | None:
    env = {
        "PYTHONDONTWRITEBYTECODE": "1",
        "HYPOTHESIS_STORAGE_DIRECTORY": str(_tool_state(ctx, "hypothesis")),
    }
    if stack.test_command_source == "config" and stack.test_command:
        junit = _report_path(ctx, "junit", ".xml")
        env[JUNIT_ENV] = str(junit)
        reader = _junit_reader(junit, ctx.target, "last")
        return _Plan(stack.test_command, stack.test_framework, env, reader, junit)
    if not stack.test_argv:
        return None
    argv = list(stack.test_argv)
    framework = stack.test_framework or ""
    builder = _BUILDERS.get(framework)
    if builder is None:
        return _Plan(argv, framework, env, lambda _: None)
    return builder(ctx, argv, env)


def _pytest_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> _Plan:
    junit = _report_path(ctx, "junit", ".xml")
    argv += ["-p", "no:cacheprovider", "-o", "junit_family=xunit1", f"--junitxml={junit}"]
    if has_pytest_benchmark(run_interpreter(ctx, argv[0])) and not os.environ.get(
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD"
    ):
        argv.append(f"--benchmark-storage=file://{_tool_state(ctx, 'benchmarks')}")
    return _Plan(
        argv, "pytest", env, _junit_reader(junit, ctx.target, "last", zero_based=True), junit
    )


def _unittest_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> _Plan:
    target = ctx.target
    return _Plan(argv, "unittest", env, lambda r: parse_unittest_output(r.stderr, target))


def _node_test_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> _Plan:
    junit = _report_path(ctx, "junit", ".xml")
    reporters = (
        "--test-reporter=spec --test-reporter-destination=stdout "
        f"--test-reporter=junit --test-reporter-destination={junit}"
    )
    env["NODE_OPTIONS"] = f"{os.environ.get('NODE_OPTIONS', '')} {reporters}".strip()
    return _Plan(argv, "node-test", env, _junit_reader(junit, ctx.target), junit)


def _script_args(argv: list[str], extra: list[str]) -> list[str]:
    """Extra arguments for the runner, through `npm test --` when a package script runs it."""
    if argv[:2] == ["npm", "test"]:
        return [*argv, "--", *extra]
    return [*argv, *extra]


def _jest_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> _Plan:
    report = _report_path(ctx, "jest", ".json")
    extra = ["--ci", "--json", f"--outputFile={report}", "--testLocationInResults"]
    target = ctx.target
    env["CI"] = "true"

    def read(_: CommandResult) -> TestReport | None:
        return parse_jest_json(report, target) if report.is_file() else None

    return _Plan(_script_args(argv, extra), "jest", env, read, report)


def _vitest_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> _Plan:
    junit = _report_path(ctx, "junit", ".xml")
    extra = ["--reporter=default", "--reporter=junit", f"--outputFile.junit={junit}"]
    env["CI"] = "true"
    return _Plan(_script_args(argv, extra), "vitest", env, _junit_reader(junit, ctx.target), junit)


def _mocha_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> _Plan:
    junit = _report_path(ctx, "junit", ".xml")
    extra = ["--reporter", "xunit", "--reporter-option", f"output={junit}"]
    return _Plan(_script_args(argv, extra), "mocha", env, _junit_reader(junit, ctx.target), junit)


def _go_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> _Plan:
    target = ctx.target
    argv = [argv[0], argv[1], "-json", *argv[2:]]
    return _Plan(argv, "go-test", env, lambda r: parse_go_json(r.stdout, target))


def _cargo_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> _Plan:
    target = ctx.target
    env["CARGO_TARGET_DIR"] = str(ctx.workspace.root / "cargo-target")  # not the project's target/
    env["CARGO_TERM_COLOR"] = "never"
    return _Plan(
        argv,
        "cargo-test",
        env,
        lambda r: parse_cargo_output(r.stdout + r.stderr, target),
        side_files=("Cargo.lock",),
    )


def _bats_plan(ctx: StepContext, argv: list[str], env: dict[str, str]) -> _Plan:
    out_dir = _report_path(ctx, "bats")
    out_dir.mkdir(parents=True)
    argv = [argv[0], "--report-formatter", "junit", "--output", str(out_dir), *argv[1:]]
    junit = out_dir / "report.xml"
    return _Plan(argv, "bats", env, _junit_reader(junit, ctx.target), junit)


_BUILDERS: dict[str, Callable[[StepContext, list[str], dict[str, str]], _Plan]] = {
    "pytest": _pytest_plan,
    "unittest": _unittest_plan,
    "node-test": _node_test_plan,
    "jest": _jest_plan,
    "vitest": _vitest_plan,
    "mocha": _mocha_plan,
    "go-test": _go_plan,
    "cargo-test": _cargo_plan,
    "bats": _bats_plan,
}


# --------------------------------------------------------------------------- the step


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    stack = detect_stack(ctx)
    plan = _plan(ctx, stack)
    if plan is None:
        return _no_command(outcome, stack)
    missing = _missing_runner(plan, stack)
    if missing is not None:
        return _runner_missing(outcome, plan, missing)
    timeout = ctx.config.tech_stack.test_timeout_s
    absent = [name for name in plan.side_files if not (ctx.target / name).exists()]
    result = ctx.run_command(
        plan.command, timeout=timeout, env=plan.env, shell=isinstance(plan.command, str)
    )
    outcome.checked.append(
        f"ran `{plan.display}` ({plan.framework or 'custom'}, timeout {timeout:g}s)"
    )
    _remove_created(ctx, outcome, absent)
    _interpret(ctx, outcome, plan, stack, result)
    return outcome


def _remove_created(ctx: StepContext, outcome: StepOutcome, absent: list[str]) -> None:
    """Remove the side files the runner created (they were absent before it ran)."""
    for name in absent:
        path = ctx.target / name
        if path.is_file() and not path.is_symlink():
            path.unlink()
            outcome.add(
                "tests/runner-wrote-file",
                "info",
                f"the test runner created {name}, which the project does not have; it was "
                "removed again (commit one to make test runs reproducible)",
                name,
            )


def _no_command(outcome: StepOutcome, stack: TechStack) -> StepOutcome:
    if stack.test_framework in ("pytest", "unittest") and stack.python is None:
        outcome.tool_error = (
            f"{stack.test_framework} tests found but no Python interpreter: set tech_stack.python "
            "or activate the project's virtual environment"
        )
        outcome.summary = "tests not run: no Python interpreter"
        return outcome
    reason = "no test command detected (set tech_stack.test_command)"
    outcome.skipped_checks.append(f"tests: {reason}")
    outcome.add("tests/no-test-command", "info", reason)
    outcome.data = {"framework": stack.test_framework, "command": None, "counts": None}
    outcome.summary = "no tests to run"
    return outcome


def _missing_runner(plan: _Plan, stack: TechStack) -> str | None:
    """Why the runner cannot start, when we can tell before trying (None: it exists)."""
    if isinstance(plan.command, str):
        return None
    program = plan.command[0]
    if "/" in program:
        if not Path(program).exists() and program == stack.python:
            return f"the Python interpreter {program} does not exist ({stack.python_reason})"
        return None
    if shutil.which(program) is None:
        return f"{program} is not installed or not on PATH"
    return None


def _runner_missing(outcome: StepOutcome, plan: _Plan, why: str) -> StepOutcome:
    outcome.data = {"framework": plan.framework, "command": plan.display, "counts": None}
    if plan.framework in ("pytest", "unittest"):
        outcome.tool_error = f"cannot run the tests: {why}"
        outcome.summary = "tests not run"
        return outcome
    outcome.skipped_checks.append(f"tests ({plan.framework}): {why}")
    outcome.add(
        "tests/runner-missing",
        "warning",
        f"the tests were not run: {why} (needed for `{plan.display}`)",
    )
    outcome.summary = f"tests not run: {why}"
    return outcome


def _interpret(
    ctx: StepContext, outcome: StepOutcome, plan: _Plan, stack: TechStack, result: CommandResult
) -> None:
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
        outcome.tool_error = (
            f"the tests did not finish within {ctx.config.tech_stack.test_timeout_s:g}s "
            "(raise tech_stack.test_timeout_s)"
        )
        outcome.summary = "tests timed out"
        return
    problem = _cannot_run(plan, stack, result)
    if problem:
        outcome.tool_error = problem
        outcome.summary = "tests could not run"
        return
    try:
        report = plan.read(result)
    except ReportError as exc:
        outcome.add("tests/report-unreadable", "warning", str(exc))
        report = None
    if report is None:
        report = parse_tap_output(result.stdout, ctx.target)
    if report is None:
        _by_exit_status(outcome, plan, result)
        return
    outcome.checked.append(f"parsed {report.source}")
    _report(outcome, plan, result, report)


def _cannot_run(plan: _Plan, stack: TechStack, result: CommandResult) -> str | None:
    output = result.stderr + result.stdout
    ran = plan.report_file is not None and plan.report_file.exists()
    if plan.framework == "pytest" and not ran and re.search(r"No module named pytest\b", output):
        return (
            f"pytest is not installed for {stack.python}: install it in the project's "
            "environment or set tech_stack.python"
        )
    if result.returncode == 127 and (not isinstance(plan.command, str) or "not found" in output):
        return f"cannot run `{plan.display}`: {_tail(output, 3) or 'command not found'}"
    if plan.framework == "pytest" and result.returncode in (3, 4):
        kind = "internal error" if result.returncode == 3 else "usage error"
        return f"pytest stopped with an {kind}: {_tail(output, 5)}"
    return None


def _report(outcome: StepOutcome, plan: _Plan, result: CommandResult, report: TestReport) -> None:
    counts = report.counts
    outcome.data["counts"] = counts.to_dict()
    # the data reaches the checkpoint and dependent steps: no secret a test printed goes along
    outcome.data["failures"] = [
        {**asdict(f), "message": redact(f.message).text} for f in report.failures
    ]
    for failure in report.failures:
        rule = "tests/failed" if failure.kind == "failed" else "tests/error"
        first = failure.message.strip().splitlines()[0] if failure.message.strip() else failure.kind
        outcome.add(
            rule,
            "error",
            f"{failure.name}: {first}",
            failure.path,
            failure.line,
            test=failure.name,
            details=failure.message[:MESSAGE_DETAIL_CHARS],
        )
    no_tests = counts.total == 0 or (
        plan.framework == "pytest" and result.returncode == PYTEST_NO_TESTS
    )
    if no_tests:
        outcome.add("tests/none-collected", "warning", f"`{plan.display}` found no tests to run")
    elif result.returncode != 0 and not report.failures:
        outcome.add(
            "tests/command-failed",
            "error",
            f"`{plan.display}` exited with {result.returncode} although no test failed: "
            f"{_tail(result.stderr + result.stdout, 3)}",
        )
    xfailed = f", {counts.xfailed} xfailed" if counts.xfailed else ""
    outcome.summary = (
        f"{counts.passed} passed, {counts.failed} failed, {counts.errors} errors, "
        f"{counts.skipped} skipped{xfailed} in {result.duration_s:.1f}s "
        f"({plan.framework or 'custom'})"
    )


def _by_exit_status(outcome: StepOutcome, plan: _Plan, result: CommandResult) -> None:
    outcome.checked.append("no machine-readable report: judged by the exit status")
    if result.returncode == 0:
        outcome.summary = f"`{plan.display}` passed (exit 0) in {result.duration_s:.1f}s"
        return
    if plan.framework == "pytest" and result.returncode == PYTEST_NO_TESTS:
        outcome.add("tests/none-collected", "warning", f"`{plan.display}` found no tests to run")
        outcome.summary = "no tests collected"
        return
    outcome.add(
        "tests/command-failed",
        "error",
        f"`{plan.display}` exited with {result.returncode}: "
        f"{_tail(result.stderr + result.stdout, 5)}",
    )
    outcome.summary = f"tests failed (exit {result.returncode})"


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
