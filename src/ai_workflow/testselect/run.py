"""Test selection in test_execution: which tests this run runs, and what it records.

On with smart execution and `run.test_selection: auto` (the default; `all` or `--all-tests`
turns it off). pytest: the test map (`testselect.pytest_map`); jest and vitest: their
related-tests modes (`testselect.node`); go test: the package graph (`testselect.gotest`); any
other runner runs every test, and the step says so. The step's data gets `tests` (total,
selected, passed, failed, errors, skipped) and `selection` (mode, reason, base; for go test also
packages: total, selected); its summary line says "ran 37 of 1991 tests (affected by 3 changed
files)", for go test "ran 2 of 5 packages (40 of 90 tests) (...)".
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ai_workflow.changes.fingerprint import file_ids
from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.engine.hooks import CHANGES_MEMO_KEY
from ai_workflow.engine.process import CommandResult
from ai_workflow.engine.step import StepContext, StepOutcome
from ai_workflow.gitutil import GitError, git
from ai_workflow.techstack import TechStack
from ai_workflow.testcmd.plans import Plan
from ai_workflow.testcmd.reports import TestReport
from ai_workflow.testselect import gonarrow, gotest, node
from ai_workflow.testselect.pytest_map import (
    Selection,
    build_map,
    choose_map,
    environment_digest,
    load_maps,
    map_key,
    map_of,
    marks_dir,
    merge_map,
    plugin_env,
    prune_marks,
    read_records,
    save_failed,
    save_map,
    select,
    test_file_of,
)
from ai_workflow.textfiles import read_bytes
from ai_workflow.tools import find_tool, tool_version

ANCESTORS = 2000  # commits of HEAD's history a stored map may come from
FAILED_STORE = "node-failed.json"
GO_STORE = "gotest.json"
GO_LIST_TIMEOUT_S = 300.0


@dataclass
class GoRun:
    """What a `go test` run records afterwards: the toolchain, the command, the packages."""

    version: str
    command: str
    state: dict[str, Any]
    packages: list[str] = field(default_factory=list)  # every package the command tests
    selected: list[str] | None = None  # None: all of them
    picked: dict[str, int] = field(default_factory=dict)  # packages run for some tests only


@dataclass
class TestRun:
    """This run's choice: the command and environment, and what to record afterwards."""

    __test__ = False  # not a pytest test class

    mode: str = "all"
    reason: str = ""
    base: str | None = None
    command: list[str] | str | None = None  # None: the plan's
    env: dict[str, str] = field(default_factory=dict)
    nothing_to_run: bool = False
    record: Path | None = None  # where the plugin writes its records
    key: dict[str, Any] | None = None
    previous: dict[str, Any] | None = None
    selection: Selection | None = None
    commit: str | None = None
    total: int | None = None
    probe_env: dict[str, str] = field(default_factory=dict)  # the environment digest's
    python: str | None = None
    environment: list[str | None] = field(default_factory=list)  # the digest, once asked
    go: GoRun | None = None
    packages: dict[str, int] | None = None  # go test: {total, selected} packages

    def environment_digest(self, ctx: StepContext) -> str | None:
        """What the test interpreter has installed (asked once per run)."""
        if not self.environment:
            self.environment.append(environment_digest(ctx, self.python, self.probe_env))
        return self.environment[0]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mode": self.mode, "reason": self.reason, "base": self.base}
        if self.packages is not None:
            out["packages"] = dict(self.packages)
        return out


def _changes(ctx: StepContext) -> dict[str, Any]:
    changes: dict[str, Any] = ctx.memo.get(CHANGES_MEMO_KEY, dict)
    return changes


def _head(ctx: StepContext) -> str | None:
    try:
        return git(ctx.target, "rev-parse", "--verify", "-q", "HEAD^{commit}").strip() or None
    except GitError:
        return None


def choose(ctx: StepContext, plan: Plan, stack: TechStack) -> TestRun:
    """What this run of the tests runs."""
    run = ctx.config.run
    if not run.smart_execution:
        return TestRun(reason="smart execution is off")
    if run.test_selection == "all":
        return TestRun(reason="test selection is off (run.test_selection: all, or --all-tests)")
    framework = plan.framework or ""
    if framework == "pytest":
        return _pytest(ctx, plan, stack)
    if framework in ("jest", "vitest"):
        return _node(ctx, plan, framework)
    if framework == "go-test":
        return _go(ctx, plan)
    return TestRun(reason=f"{framework or 'this test command'} has no test selection here")


# --------------------------------------------------------------------------- pytest


def _pytest(ctx: StepContext, plan: Plan, stack: TechStack) -> TestRun:
    command = " ".join(stack.test_argv) if stack.test_argv else str(stack.test_command)
    key = map_key(command, stack.python)
    record = ctx.workspace.logs_dir / f"testmap-{ctx.spec.id}"
    for old in record.parent.glob(record.name + ".*"):
        old.unlink(missing_ok=True)
    test_run = TestRun(record=record, key=key, commit=_head(ctx), python=stack.python)
    test_run.env = plugin_env(record, None, ctx.target, cache=marks_dir(ctx))
    test_run.probe_env = {**plan.env, **plugin_env(None, None, ctx.target)}
    changes = _changes(ctx)
    if not changes.get("known") or not changes.get("base"):
        test_run.reason = f"the change base is unknown ({changes.get('base_reason') or '?'})"
        return test_run
    base = str(changes.get("merge_base") or changes["base"])
    previous = map_of(ctx, base) or choose_map(load_maps(ctx), base, _ancestors(ctx))
    if previous is None:
        test_run.reason = "no test map recorded for this history yet (this run records one)"
        return test_run
    selection = select(ctx, previous, key, lambda: test_run.environment_digest(ctx))
    test_run.base = selection.base
    test_run.reason = selection.reason
    if selection.mode == "all":
        return test_run
    test_run.mode, test_run.previous, test_run.selection = "affected", previous, selection
    select_file = ctx.workspace.logs_dir / f"testselect-{ctx.spec.id}.json"
    write_atomic(
        select_file,
        json.dumps(
            {
                "deselect": selection.deselect,
                "ignore": selection.ignore,
                "verify": selection.verify,
            }
        ),
    )
    # a selected run records the tests it runs: the map then moves to this commit (the other
    # tests kept as they were), so the next change is measured from here
    test_run.env = plugin_env(record, select_file, ctx.target, cache=marks_dir(ctx))
    test_run.nothing_to_run = not (selection.selected or selection.full_files or selection.verify)
    return test_run


def _ancestors(ctx: StepContext) -> list[str]:
    try:
        out = git(ctx.target, "rev-list", f"--max-count={ANCESTORS}", "HEAD")
    except GitError:
        return []
    return out.split()


# --------------------------------------------------------------------------- node


def _node(ctx: StepContext, plan: Plan, framework: str) -> TestRun:
    if isinstance(plan.command, str):
        return TestRun(reason=f"a configured command: {framework}'s related mode is not added")
    changes = _changes(ctx)
    merge_base = changes.get("merge_base") or changes.get("base")
    if not changes.get("known") or not merge_base:
        return TestRun(reason=f"the change base is unknown ({changes.get('base_reason') or '?'})")
    changed = _changed_files(ctx, str(merge_base))
    if changed is None:
        return TestRun(reason="git could not list the changed files")
    failed = _failed_files(ctx)
    argv, why = node.related_argv(framework, list(plan.command), changed, failed)
    if argv is None:
        return TestRun(reason=why, base=str(merge_base))
    count = len(changed)
    reason = f"related to {count} changed file{'s' if count != 1 else ''}"
    return TestRun("affected", reason, str(merge_base), command=argv)


def _changed_files(ctx: StepContext, base: str) -> list[str] | None:
    try:
        tracked = git(ctx.target, "diff", "-z", "--name-only", "--no-renames", base, "--")
        untracked = git(ctx.target, "ls-files", "-z", "--others", "--exclude-standard")
    except GitError:
        return None
    paths = {p for p in (tracked + "\0" + untracked).split("\0") if p}
    return sorted(p for p in paths if (ctx.target / p).is_file())


def _failed_files(ctx: StepContext) -> list[str]:
    path = ctx.workspace.step_cache_dir / f"{ctx.spec.id}.{FAILED_STORE}"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))  # raw read: our own state file
    except (OSError, ValueError):
        return []
    return [p for p in raw if isinstance(p, str) and (ctx.target / p).is_file()]


def _store_failed_files(ctx: StepContext, report: TestReport | None) -> None:
    if report is None:
        return
    files = sorted({f.path for f in report.failures if f.path})
    path = ctx.workspace.step_cache_dir / f"{ctx.spec.id}.{FAILED_STORE}"
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(files))


# --------------------------------------------------------------------------- go test


def _go(ctx: StepContext, plan: Plan) -> TestRun:
    argv = gotest.words(plan.command)
    if argv is None:
        return TestRun(reason="a configured shell command: its packages cannot be replaced")
    try:
        command = gotest.parse_command(argv)
    except gotest.GoSelectError as exc:
        return TestRun(reason=str(exc))
    program = _go_program(ctx, argv[0])
    version = _go_version(ctx, program)
    key = gotest.command_key(argv, {**os.environ, **plan.env})
    go_run = GoRun(version, key, gotest.read_state(_read_json(_go_store(ctx))))
    test_run = TestRun(go=go_run)
    listed = ctx.run_command(
        [program, "list", "-test", "-json", *command.list_flags, *command.patterns],
        timeout=GO_LIST_TIMEOUT_S,
        env=plan.env,
    )
    if not listed.ok:
        lines = (listed.stderr or listed.stdout).strip().splitlines()
        test_run.reason = f"`go list` failed: {lines[-1] if lines else listed.returncode}"
        return test_run
    try:
        graph = gotest.parse_list(listed.stdout, os.path.realpath(ctx.target))
    except gotest.GoSelectError as exc:
        test_run.reason = str(exc)
        return test_run
    go_run.packages = sorted(graph.packages)
    test_run.reason = _go_reason_for_all(ctx, go_run)
    if test_run.reason:
        return test_run
    changes = _changes(ctx)
    base = str(changes.get("merge_base") or changes.get("base"))
    test_run.base = base
    changed = _go_changed(ctx, base)
    if changed is None:
        test_run.reason = "git could not list the changed files"
        return test_run
    try:
        choice = gotest.affected(graph, changed, go_run.state["failed"])
    except gotest.GoSelectError as exc:
        test_run.reason = str(exc)
        return test_run
    go_run.selected = choice.packages
    test_run.mode, test_run.command = "affected", command.with_packages(choice.packages)
    test_run.nothing_to_run = not choice.packages
    test_run.reason = _go_reason(choice, changed, go_run.state["failed"])
    if command.selects_tests or not choice.packages:
        return test_run
    before: dict[str, str | None] = {}

    def at_base(rel: str) -> str | None:
        if rel not in before:
            before[rel] = _go_base_text(ctx, base, rel)
        return before[rel]

    narrowed = gonarrow.narrow(
        graph, choice, go_run.state["failed"], at_base, lambda rel: _go_now_text(ctx, rel)
    )
    go_run.selected, go_run.picked = narrowed.packages, narrowed.picked
    pattern = gonarrow.run_pattern(narrowed.names) if narrowed.names is not None else None
    test_run.command = command.with_packages(narrowed.packages, pattern)
    test_run.nothing_to_run = not narrowed.packages
    reached = {p: n for p, n in narrowed.picked.items() if n}
    if reached:
        count = sum(reached.values())
        test_run.reason += (
            f"; {count} test{'s' if count != 1 else ''} in {len(reached)} package"
            f"{'s' if len(reached) != 1 else ''} reach the changed functions"
        )
    if narrowed.built:
        more = f" and {len(narrowed.built) - 1} more" if len(narrowed.built) > 1 else ""
        test_run.reason += (
            f"; {narrowed.built[0]}{more} only built and vetted: no test reaches its changes"
        )
    elif narrowed.note:
        test_run.reason += f"; {narrowed.note}"
    whole = sorted(p for p in narrowed.whole if p in choice.touched)
    if whole:
        test_run.reason += f"; all tests of {whole[0]}: {narrowed.whole[whole[0]]}"
    return test_run


def _go_program(ctx: StepContext, word: str) -> str:
    """The go binary the test command runs, found as test_execution's tool probe finds it."""
    if "/" in word:
        return word
    tool = find_tool(word, ctx.target, python=ctx.config.tech_stack.python)
    return str(tool.path) if tool is not None else word


def _go_version(ctx: StepContext, program: str) -> str:
    tool = find_tool(program, ctx.target, project=False, bundled=False)
    if tool is None:
        return f"{program} (not found)"
    version = tool_version(ctx, tool, ("version",))
    return f"{version or '?'} {tool.path}"


def _go_reason_for_all(ctx: StepContext, go_run: GoRun) -> str:
    """Why every package runs (empty: selection may go on)."""
    changes = _changes(ctx)
    if not changes.get("known") or not (changes.get("merge_base") or changes.get("base")):
        return f"the change base is unknown ({changes.get('base_reason') or '?'})"
    state = go_run.state
    if "go" not in state or "command" not in state:
        return "no earlier run recorded the Go toolchain and test command (this run does)"
    if state["go"] != go_run.version:
        return f"the Go toolchain changed ({state['go']} -> {go_run.version})"
    if state["command"] != go_run.command:
        return "the test command or the Go environment changed since the last run"
    return ""


def _go_reason(choice: gotest.Choice, changed: dict[str, str | None], failed: list[str]) -> str:
    count = len(changed)
    reason = f"affected by {count} changed file{'s' if count != 1 else ''}"
    again = sorted(set(failed) & set(choice.packages))
    if again:
        reason += f"; {len(again)} package{'s' if len(again) != 1 else ''} failed last time"
    return reason


def _go_changed(ctx: StepContext, base: str) -> dict[str, str | None] | None:
    """Changed files (relative to the target, deleted ones too) and their text: now, or at the
    base when the file is gone (None: unreadable, or not a Go file)."""
    try:
        tracked = git(ctx.target, "diff", "-z", "--name-only", "--no-renames", "--relative",
                      base, "--")  # fmt: skip
        untracked = git(ctx.target, "ls-files", "-z", "--others", "--exclude-standard")
    except GitError:
        return None
    paths = {p for p in (tracked + "\0" + untracked).split("\0") if p}
    out: dict[str, str | None] = {}
    for rel in sorted(paths):
        if rel.split("/", 1)[0] == ".ai_workflow":
            continue
        out[rel] = _go_text(ctx, base, rel) if rel.endswith(".go") else None
    return out


def _go_text(ctx: StepContext, base: str, rel: str) -> str | None:
    """The file's text now, or at the base when it is gone (None: unreadable, or in neither)."""
    path = ctx.target / rel
    if path.is_file() and not path.is_symlink():
        return _go_now_text(ctx, rel)
    return _go_base_text(ctx, base, rel)


def _go_now_text(ctx: StepContext, rel: str) -> str | None:
    """The file's text now (None: absent, a symlink, or unreadable)."""
    path = ctx.target / rel
    if not path.is_file() or path.is_symlink():
        return None
    data = read_bytes(path, root=ctx.target)
    return None if data is None else data.decode("utf-8", errors="replace")


def _go_base_text(ctx: StepContext, base: str, rel: str) -> str | None:
    """The file's text at the base commit (None: not there)."""
    try:
        return git(ctx.target, "show", f"{base}:./{rel}")
    except GitError:
        return None


def _go_store(ctx: StepContext) -> Path:
    return ctx.workspace.step_cache_dir / f"{ctx.spec.id}.{GO_STORE}"


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))  # raw read: our own state file
    except (OSError, ValueError):
        return None


def _record_go(
    ctx: StepContext, outcome: StepOutcome, test_run: TestRun, result: CommandResult | None
) -> None:
    """Which packages failed (they run next time too), how many tests each has, and the
    toolchain and command of this run; the suite's size in packages and tests."""
    go_run = test_run.go
    assert go_run is not None
    passed, failed, counts = gotest.outcomes(result.stdout) if result is not None else (
        set(), set(), {})  # fmt: skip
    if go_run.selected is not None:
        ran = set(go_run.selected)
    else:
        ran = set(go_run.packages) | passed | failed
    if result is None:
        ran = set()
    known = set(go_run.packages) | ran
    state = go_run.state
    still_failed = {p for p in state.get("failed", []) if p in known} - ran
    now_failed = failed | (ran - passed)  # a package that did not pass (a build error) too
    old_counts = state.get("tests", {})
    tests = {p: n for p, n in old_counts.items() if p in known and p not in ran}
    tests |= {p: counts.get(p, 0) for p in ran}
    for p in go_run.picked:  # only some of its tests ran: the suite is what it was, or more
        tests[p] = max(tests[p], old_counts.get(p, 0))
    record = {
        "go": go_run.version,
        "command": go_run.command,
        "failed": sorted(still_failed | now_failed),
        "tests": tests,
    }
    try:
        path = _go_store(ctx)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(record, sort_keys=True))
    except OSError as exc:
        outcome.checked.append(f"go test state not saved ({exc})")
    if go_run.packages:
        test_run.packages = {"total": len(known), "selected": len(ran)}
        if all(p in tests for p in known):
            test_run.total = sum(tests[p] for p in known)


# --------------------------------------------------------------------------- afterwards


def finish(
    ctx: StepContext,
    outcome: StepOutcome,
    test_run: TestRun,
    result: CommandResult | None,
    report: TestReport | None,
    framework: str | None,
) -> None:
    """Record the map, and put `tests` and `selection` in the step's data and summary."""
    if test_run.mode == "affected" and result is not None and result.returncode == 5:
        # every known test deselected and no new one: pytest says "no tests ran"
        outcome.findings = [f for f in outcome.findings if f.rule != "tests/none-collected"]
        outcome.summary = "no test is affected by the change"
    go_run = test_run.go
    if go_run is not None and go_run.picked and not any(go_run.picked.values()):
        # every changed package only built and vetted (`-run` matching none of its tests)
        outcome.findings = [f for f in outcome.findings if f.rule != "tests/none-collected"]
        if result is not None and result.returncode == 0:
            outcome.summary = "no test reaches the change; its packages build"
    if test_run.record is not None:
        _record(ctx, outcome, test_run, result, report)
        prune_marks(ctx)
    elif framework in ("jest", "vitest") and ctx.config.run.smart_execution:
        _store_failed_files(ctx, report)
    elif test_run.go is not None:
        _record_go(ctx, outcome, test_run, result)
    counts = outcome.data.get("counts") or {}
    ran = int(counts.get("total", 0)) if counts else (0 if test_run.nothing_to_run else None)
    total = (
        test_run.total if test_run.total is not None else (ran if test_run.mode == "all" else None)
    )
    outcome.data["tests"] = {
        "total": total,
        "selected": ran,
        **{k: int(counts.get(k, 0)) for k in ("passed", "failed", "errors", "skipped")},
    }
    outcome.data["selection"] = test_run.to_dict()
    outcome.checked.append(f"test selection: {test_run.mode} ({test_run.reason})")
    if test_run.mode == "affected":
        of = f" of {total}" if total is not None else ""
        count = f"ran {ran}{of} tests" if ran is not None else "selected tests"
        if test_run.packages is not None:
            packages = test_run.packages
            count = f"ran {packages['selected']} of {packages['total']} packages ({ran}{of} tests)"
        line = f"{count} ({test_run.reason})"
        outcome.summary = f"{line}: {outcome.summary}" if outcome.summary else line


def _record(
    ctx: StepContext,
    outcome: StepOutcome,
    test_run: TestRun,
    result: CommandResult | None,
    report: TestReport | None,
) -> None:
    assert test_run.record is not None and test_run.key is not None
    if test_run.commit is None:
        outcome.checked.append("test map not recorded: the project has no commit yet")
        return
    if result is not None and (result.timed_out or result.returncode not in (0, 1, 5)):
        outcome.checked.append(
            f"test map not recorded: pytest ended with exit status {result.returncode}"
        )
        return
    recs: list[dict[str, Any]] = []
    if test_run.mode == "affected":
        _advance(ctx, outcome, test_run, result)
        return
    if result is not None:
        recs, broken = read_records(test_run.record)
        if broken is not None:
            outcome.checked.append(f"test map not recorded: {broken}")
            return
    environment = test_run.environment_digest(ctx) if result is not None else None
    data = build_map(ctx, test_run.key, test_run.commit, recs, test_run.previous, environment)
    try:
        save_map(ctx, data)
    except OSError as exc:
        outcome.checked.append(f"test map not saved ({exc})")
        return
    test_run.total = len(data["tests"])
    outcome.checked.append(
        f"test map of {test_run.commit[:7]} recorded: {len(data['tests'])} tests, "
        f"{len(data['units'])} functions"
    )


def _advance(
    ctx: StepContext, outcome: StepOutcome, test_run: TestRun, result: CommandResult | None
) -> None:
    """After a selected run: the map of this commit (the tests that ran recorded anew, the
    others kept), or, when the run could not record, only which tests failed."""
    assert test_run.record is not None and test_run.selection is not None
    assert test_run.key is not None and test_run.commit is not None
    assert test_run.previous is not None
    recs: list[dict[str, Any]] = []
    if result is not None:
        recs, broken = read_records(test_run.record)
        if broken is not None:
            outcome.checked.append(f"test map not moved to this commit: {broken}")
            _record_failures(ctx, outcome, test_run, result)
            return
    save_failed(ctx, {t for rec in recs for t in rec.get("failed") or []})
    environment = test_run.environment_digest(ctx)
    data = merge_map(
        ctx, test_run.key, test_run.commit, recs, test_run.previous, test_run.selection,
        environment,
    )  # fmt: skip
    try:
        save_map(ctx, data)
    except OSError as exc:
        outcome.checked.append(f"test map not saved ({exc})")
    test_run.total = len(data["tests"])
    ran = sum(len(rec.get("tests") or {}) for rec in recs)
    outcome.checked.append(
        f"test map of {test_run.commit[:7]}: {ran} tests recorded by this run, the other "
        f"{len(data['tests']) - ran} kept from {str(test_run.previous.get('commit'))[:7]}"
    )


def _record_failures(
    ctx: StepContext, outcome: StepOutcome, test_run: TestRun, result: CommandResult | None
) -> None:
    """After a selected run: which tests failed (they run next time too), and the suite's size
    (the map's tests that still exist, and those this run found)."""
    assert test_run.record is not None and test_run.selection is not None
    selection = test_run.selection
    recs = read_records(test_run.record)[0] if result is not None else []
    failed = {t for rec in recs for t in rec.get("failed") or []}
    ran = {t for rec in recs for t in rec.get("ran") or []}
    save_failed(ctx, failed)
    current = file_ids(ctx)
    known = {
        t
        for t in (test_run.previous or {}).get("tests") or {}
        if test_file_of(t) in current and test_file_of(t) not in selection.full_files
    }
    test_run.total = len(known | ran)
