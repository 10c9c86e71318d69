"""The application layer: turns parsed arguments into configuration, a registry and a run.

This is the one place that knows every part (engine, built-in steps, AI, smart execution,
reports) and wires them together.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from ai_workflow.config import Config, load_config, section_source, usable_cpus
from ai_workflow.engine.graph import (
    analyse,
    estimate_steps,
    render_dot,
    render_mermaid,
    render_text,
)
from ai_workflow.engine.hooks import FindingPolicy
from ai_workflow.engine.metrics import median_durations, read_history, step_durations
from ai_workflow.engine.registry import Registry, build_registry
from ai_workflow.engine.runner import RunRequest, run_workflow
from ai_workflow.errors import ConfigError, UsageError
from ai_workflow.gitutil import blocking_git_files
from ai_workflow.report.console import RunConsole, print_records
from ai_workflow.steps import builtin_steps
from ai_workflow.workdir import choose_workdir, chosen_workdir

if TYPE_CHECKING:
    from ai_workflow.remote import RemoteCache

RUN_FLAGS = (
    "smart_execution",
    "test_selection",
    "no_skip",
    "parallel",
    "jobs",
    "ai_cache",
    "step_cache",
    "auto",
    "verbose",
    "resume",
    "fail_fast",
    "commit",
    "push",
    "apply_proposals",
    "fail_on",
    "new_only",
)


def resolve_target(raw: str) -> Path:
    target = Path(raw).expanduser()
    if not target.exists():
        raise UsageError(f"target does not exist: {raw}")
    if not target.is_dir():
        raise UsageError(f"target is not a directory: {raw}")
    return target.resolve()


def _config_file(args: argparse.Namespace) -> Path | None:
    return Path(args.config).expanduser() if getattr(args, "config", None) else None


def load_target_config(
    args: argparse.Namespace,
    run_overrides: Mapping[str, Any] | None = None,
    *,
    lenient: bool = False,
) -> tuple[Path, Config]:
    """The target and its merged configuration (`--config`, `--no-project-config`,
    `--workdir`), with its work directory chosen (`ai_workflow.workdir`).

    `lenient` (commands that only need the work directory): an invalid project file is a
    warning and is left out; the environment and the command line must still be valid.
    """
    target = resolve_target(args.target)
    blocking = blocking_git_files(target)
    if blocking:
        raise UsageError(
            f"{target / blocking[0]} is no regular file (a FIFO?): git opens it and would wait "
            "forever; remove it or make it a regular file"
        )
    config_file = _config_file(args)
    run = dict(run_overrides or {})
    if getattr(args, "workdir", None):
        run["workdir"] = args.workdir
    overrides: dict[str, Any] = {"run": run} if run else {}
    use_file = not getattr(args, "no_project_config", False)
    try:
        config = load_config(
            target, config_file=config_file, overrides=overrides, project_file=use_file
        )
    except ConfigError as exc:
        if not lenient or not use_file:
            raise
        config = load_config(target, overrides=overrides, project_file=False)
        warnings.warn(f"{exc}\n  (left out: `{args.command}` works without it)", stacklevel=2)
    choose_workdir(target, config.run.workdir)
    return target, config


def load_project(
    args: argparse.Namespace,
    run_overrides: Mapping[str, Any] | None = None,
    *,
    lenient: bool = False,
) -> tuple[Path, Config, Registry]:
    """Target, merged configuration and registry, or a UsageError saying what is wrong
    (`lenient`: see `load_target_config`; invalid custom steps leave the built-in ones)."""
    target, config = load_target_config(args, run_overrides, lenient=lenient)
    try:
        registry = build_registry(
            builtin_steps(), config.workflow, apply_proposals=config.run.apply_proposals
        )
    except ConfigError as exc:  # a cycle, a duplicate id, an unknown step: name the file
        where = section_source(target, exc.loc or ("workflow",), _config_file(args))
        message = f"{where}: {exc}" if where else str(exc)
        if not lenient:
            raise ConfigError(message) from None
        warnings.warn(
            f"{message}\n  (left out: `{args.command}` shows the built-in steps)", stacklevel=2
        )
        registry = build_registry(builtin_steps(), Config().workflow)
    return target, config, registry


def dispatch(args: argparse.Namespace) -> int:
    handlers = {"run": cmd_run, "graph": cmd_graph, "steps": cmd_steps, "metrics": cmd_metrics}
    return handlers[args.command](args)


# ------------------------------------------------------------------------------ run


def _run_overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {flag: getattr(args, flag) for flag in RUN_FLAGS if getattr(args, flag) is not None}


def _run_parts(
    target: Path, config: Config, remote: RemoteCache | None, console: RunConsole | None = None
) -> dict[str, Any]:
    """The AI reviewer, smart execution and report writers, built lazily per run; both caches
    share the run's remote team cache."""
    from ai_workflow.ai import build_reviewer
    from ai_workflow.changes import build_skip_policy, build_step_cache
    from ai_workflow.report.files import FileReporter

    return {
        "make_reviewer": lambda ws: build_reviewer(
            config,
            ws,
            use_cache=config.run.ai_cache,
            remote=remote,
            notify=console.message if console is not None else None,
            step_note=console.step_note if console is not None else None,
        ),
        "make_reporter": lambda ws, specs: FileReporter(ws, specs, config.report),
        "make_step_cache": lambda ws: build_step_cache(target, config, ws, remote),
        "remote_stats": lambda: remote.stats() if remote is not None else None,
        "shared_store": remote,
        "make_skip_policy": lambda history, specs: build_skip_policy(
            target, config, specs, history
        ),
    }


def _finding_policy(target: Path, config: Config, console: RunConsole) -> FindingPolicy:
    """The run's rule policy (a bad baseline or --new-only without a base: exit 2)."""
    from ai_workflow.rules.build import build_run_policy, describe

    policy = build_run_policy(target, config)
    for line in describe(policy):
        console.message("info", line)
    return policy


def _header_notes(target: Path, config: Config) -> list[str]:
    """What the run header says once: a moved work directory, more jobs than CPUs."""
    notes = []
    note = chosen_workdir(target).note
    if note:
        notes.append(note)
    cpus = usable_cpus()
    if config.run.parallel and config.run.jobs > cpus:
        notes.append(
            f"--jobs {config.run.jobs} is more than the {cpus} CPU(s) here: steps that run "
            "at once compete for them"
        )
    return notes


def cmd_run(args: argparse.Namespace) -> int:
    overrides = _run_overrides(args)
    target, config, registry = load_project(args, overrides)
    selected = registry.select(args.steps)
    if args.force_steps:  # resolved only now: numbers and names need the registry
        forced = [registry.resolve(s) for s in args.force_steps]
        config = config.model_copy(
            update={"run": config.run.model_copy(update={"force_steps": forced})}
        )
    if args.base:
        smart = config.smart_execution.model_copy(update={"base": args.base})
        config = config.model_copy(update={"smart_execution": smart})
    interactive = not config.run.auto and sys.stdin.isatty() and sys.stderr.isatty()
    console = RunConsole(stderr=args.json, verbose=config.run.verbose, interactive=interactive)
    console.header_notes = _header_notes(target, config)
    finding_policy = None if args.dry_run else _finding_policy(target, config, console)
    from ai_workflow.remote import build_remote

    remote = None if args.dry_run else build_remote(target, config)
    request = RunRequest(
        target=target,
        config=config,
        registry=registry,
        selected=selected,
        observer=console,
        dry_run=args.dry_run,
        show_graph=args.show_graph,
        interactive=interactive,
        **_run_parts(target, config, remote, console),
    )
    if finding_policy is not None:
        request.finding_policy = finding_policy
    try:
        report = run_workflow(request)
    finally:
        if remote is not None:
            remote.close()
    if args.json:
        print(json.dumps(report.summary, indent=2))
    return report.exit_code


# ------------------------------------------------------------------------------ graph


def cmd_graph(args: argparse.Namespace) -> int:
    # --jobs is validated like `run --jobs` (1..64), as a command-line override of run.jobs.
    jobs = {"jobs": args.jobs} if args.jobs else None
    target, config, registry = load_project(args, jobs, lenient=True)
    graph = registry.graph(registry.select(args.steps))
    history = read_history(target)
    window = config.run.history_window
    runs = {sid: len(v) for sid, v in step_durations(history, window).items()}
    estimates = estimate_steps(graph.specs.values(), median_durations(history, window), runs)
    analysis = analyse(graph, estimates, config.run.jobs)
    renderers: dict[str, Callable[[], str]] = {
        "mermaid": lambda: render_mermaid(graph, estimates, analysis.critical_path),
        "dot": lambda: render_dot(graph, estimates, analysis.critical_path),
        "json": analysis.to_json,
        "text": lambda: render_text(analysis),
    }
    sys.stdout.write(renderers[args.format]())
    return 0


# ------------------------------------------------------------------------------ steps


def cmd_steps(args: argparse.Namespace) -> int:
    _, _, registry = load_project(args, lenient=True)
    rows: list[dict[str, Any]] = [
        {
            "number": s.number,
            "id": s.id,
            "name": s.name,
            "depends_on": list(s.depends_on),
            "categories": list(s.categories),
            "inputs": list(s.inputs),
            "estimate_s": s.estimate_s,
            "persona": s.persona,
            "mutates": s.mutates,
            "timeout_s": s.timeout_s,
            "builtin": s.builtin,
            "description": s.description,
        }
        for s in registry.specs
    ]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    columns = ("#", "id", "depends on", "reads", "est.", "AI persona", "mutates")
    cells = [
        (
            str(row["number"]),
            row["id"],
            ", ".join(row["depends_on"]) or "-",
            ", ".join(row["categories"] + row["inputs"]) or "-",
            f"{row['estimate_s']:.0f}s",
            row["persona"] or "-",
            "yes" if row["mutates"] else "no",
        )
        for row in rows
    ]
    print_records(Console(highlight=False), columns, cells, keys=2, title="Registered steps")
    return 0


# ------------------------------------------------------------------------------ metrics


def metrics_report(history: list[dict[str, Any]], last: int, window: int) -> dict[str, Any]:
    finished = [r for r in history if r.get("status") in ("passed", "failed", "interrupted")]
    passed = sum(1 for r in finished if r.get("status") == "passed")
    return {
        "runs": len(finished),
        "passed": passed,
        "success_rate": round(passed / len(finished), 4) if finished else None,
        "median_step_duration_s": {
            k: round(v, 3) for k, v in median_durations(finished, window).items()
        },
        "last_runs": [
            {k: r.get(k) for k in ("run_id", "status", "duration_s", "started_at")}
            | {"steps": len(r.get("steps", []))}
            for r in finished[-last:]
        ],
    }


def cmd_metrics(args: argparse.Namespace) -> int:
    target, config = load_target_config(args, lenient=True)
    report = metrics_report(read_history(target), args.last, config.run.history_window)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    console = Console()
    if not report["runs"]:
        console.print(f"No runs recorded for {target} yet.")
        return 0
    console.print(
        f"{report['runs']} run(s), {report['passed']} passed "
        f"({100 * report['success_rate']:.0f}% success)"
    )
    steps = Table(title="Median duration per step (successful runs)")
    steps.add_column("step")
    steps.add_column("median")
    for sid, seconds in report["median_step_duration_s"].items():
        steps.add_row(sid, f"{seconds:.2f}s")
    console.print(steps)
    runs = Table(title=f"Last {len(report['last_runs'])} run(s)")
    for column in ("run", "status", "duration", "steps"):
        runs.add_column(column)
    for run in report["last_runs"]:
        runs.add_row(
            run["run_id"], run["status"], f"{run['duration_s'] or 0:.2f}s", str(run["steps"])
        )
    console.print(runs)
    return 0
