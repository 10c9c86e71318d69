"""Versions of the tools each step runs, for its fingerprint. Cheap, asked once per run.

A tool that is missing is recorded as `absent` (installing it changes the fingerprint). When a
tool cannot tell its version, its path, size and modification time stand in for it.
"""

from __future__ import annotations

import functools
import importlib.metadata
from collections.abc import Callable, Mapping
from pathlib import Path

from ai_workflow.engine.step import StepContext
from ai_workflow.techstack import detect_stack
from ai_workflow.textfiles import read_json, read_text
from ai_workflow.tools import Tool, find_tool, run_interpreter, tool_version

PROBE_TIMEOUT_S = 20.0
SITE_PATTERNS = (
    "lib/python3*/site-packages",
    "lib/python3*/dist-packages",
    "lib64/python3*/site-packages",
)

Probe = Callable[[StepContext], str]


def _identity(path: Path) -> str:
    try:
        info = path.stat()
    except OSError:
        return f"{path} (unreadable)"
    return f"{path} size={info.st_size} mtime={info.st_mtime_ns}"


def _describe(ctx: StepContext, tool: Tool) -> str:
    version = tool_version(ctx, tool)
    return f"{version} {tool.path}" if version else _identity(tool.path)


def cli_tool(name: str, *, project_only: bool = False) -> Probe:
    def probe(ctx: StepContext) -> str:
        tool = find_tool(
            name,
            ctx.target,
            python=ctx.config.tech_stack.python,
            bundled=not project_only,
            search_path=not project_only,
        )
        return "absent" if tool is None else _describe(ctx, tool)

    return probe


def node_package(name: str) -> Probe:
    """A tool from the project's node_modules: the version in its package.json (no node run)."""

    def probe(ctx: StepContext) -> str:
        manifest = ctx.target / "node_modules" / name / "package.json"
        # the tool's own manifest, wherever node_modules leads (the tool runs from there):
        # only its version is kept, and only from a regular file
        data = read_json(manifest, root=manifest.parent)
        return str(data.get("version")) if isinstance(data, dict) else "absent"

    return probe


def python_package(distribution: str) -> Probe:
    """A tool ai-workflow runs with its own interpreter (`python -m ...`): its installed version."""

    def probe(ctx: StepContext) -> str:
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            return "absent"

    return probe


def target_python(ctx: StepContext) -> str:
    """The target's interpreter and its installed packages, without starting it.

    The interpreter's resolved binary (behind a pyenv/asdf shim, the one it runs in the
    target) (size, mtime: an upgrade replaces it), its environment's
    `pyvenv.cfg`, and the mtimes of its site-packages directories (installing or removing a
    distribution adds or removes entries there).
    """
    python = detect_stack(ctx).python
    if not python:
        return "absent"
    exe = Path(run_interpreter(ctx, python))  # a pyenv/asdf shim: what it runs here
    real = exe.resolve()
    lines = [f"{python} -> {_identity(real)}"]
    prefixes = dict.fromkeys([exe.parent.parent, real.parent.parent, Path.home() / ".local"])
    config = exe.parent.parent / "pyvenv.cfg"
    if config.is_file():  # the interpreter's environment, wherever it is; a regular file only
        lines.append(read_text(config, root=config.parent).strip())
    for prefix in prefixes:
        for pattern in SITE_PATTERNS:
            lines += [_identity(site) for site in sorted(prefix.glob(pattern))]
    return "\n".join(lines)


def runtime(command: str, marker: str, *args: str) -> Probe:
    """A language runtime, asked only when the project has its marker file."""

    def probe(ctx: StepContext) -> str:
        if not (ctx.target / marker).exists():
            return "not used"
        tool = find_tool(command, ctx.target, python=ctx.config.tech_stack.python)
        if tool is None:
            return "absent"
        result = ctx.run_command([str(tool.path), *args], timeout=PROBE_TIMEOUT_S)
        out = (result.stdout or result.stderr).strip()
        return f"{out} {tool.path}" if result.ok and out else _identity(tool.path)

    return probe


STEP_TOOLS: dict[str, dict[str, Probe]] = {
    "code_quality": {
        "ruff": cli_tool("ruff"),
        "shellcheck": cli_tool("shellcheck"),
        "eslint": node_package("eslint"),
    },
    "test_execution": {
        "python": target_python,
        "node": runtime("node", "package.json", "--version"),
        "go": runtime("go", "go.mod", "version"),
        "cargo": runtime("cargo", "Cargo.toml", "--version"),
    },
    "dependencies": {"python": target_python},
    "markdown_lint": {"rumdl": python_package("rumdl")},
}


def tool_versions(ctx: StepContext) -> Mapping[str, str]:
    """The step's tools and their versions (memoised per run: several steps share tools)."""
    return {
        name: ctx.memo.get(f"changes.tool:{name}", functools.partial(probe, ctx))
        for name, probe in STEP_TOOLS.get(ctx.spec.id, {}).items()
    }
