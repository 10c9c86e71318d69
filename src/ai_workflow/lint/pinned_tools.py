"""Run the linter version a project pins, as its own checks do.

A project that pins ruff (`ai_workflow.lint.ruff_pin`: its required-version, pre-commit hook,
lockfile or requirements) is lint-clean at that version. A newer ruff, such as the one
ai-workflow ships, adds rules and changes others: on a project that selects `ALL` it reports
dozens of findings the maintainers never see and would not act on. Like pre-commit, we install
the pinned version once, from the package index, into the work directory
(`tools/<name>-<version>/`) and run that. When it cannot be installed (offline, no pip) the
bundled copy runs and the report says so; a failed installation is retried a day later, not on
every run.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

from ai_workflow.engine.step import StepContext
from ai_workflow.textfiles import read_text
from ai_workflow.tools import Tool, ToolOrigin, is_executable

TOOLS_DIR = "tools"
INSTALL_TIMEOUT_S = 300.0
RETRY_AFTER_S = 24 * 3600.0
_VERSION = re.compile(r"\d+(?:\.\d+){1,3}")


def pinned_tool(ctx: StepContext, name: str, version: str) -> tuple[Tool | None, str | None]:
    """The pinned `name==version`, installed into the work directory when missing.

    Returns the tool, or None with the reason it is not available.
    """
    if not _VERSION.fullmatch(version):
        return None, f"the pinned version {version!r} is not a release number"
    home = ctx.workspace.root / TOOLS_DIR / f"{name}-{version}"
    exe = home / "bin" / name
    if is_executable(exe):
        return Tool(name, exe, ToolOrigin.PINNED, version), None
    failed = home.with_name(f"{home.name}.failed")
    earlier = _recent_failure(failed)
    if earlier is not None:
        return None, f"installing {name} {version} failed earlier ({earlier}); retried a day later"
    problem = _install(ctx, name, version, home)
    if problem is not None:
        failed.parent.mkdir(parents=True, exist_ok=True)
        failed.write_text(problem, encoding="utf-8")
        return None, f"installing {name} {version} failed ({problem})"
    return Tool(name, exe, ToolOrigin.PINNED, version), None


def _install(ctx: StepContext, name: str, version: str, home: Path) -> str | None:
    """pip-install the release into a temporary directory, then move it into place."""
    staging = home.with_name(f"{home.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    staging.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
        "--no-input", "--no-deps", "--only-binary", ":all:", "--retries", "1",
        "--timeout", "15", "--target", str(staging), f"{name}=={version}",
    ]  # fmt: skip
    result = ctx.run_command(command, timeout=INSTALL_TIMEOUT_S)
    try:
        if result.timed_out:
            return f"pip did not finish within {INSTALL_TIMEOUT_S:.0f} s"
        if result.returncode != 0 or not is_executable(staging / "bin" / name):
            lines = (result.stderr or result.stdout).strip().splitlines()
            return lines[-1] if lines else f"pip exited with {result.returncode}"
        try:
            staging.rename(home)
        except OSError:
            if not is_executable(home / "bin" / name):  # not a concurrent run's copy
                raise
        return None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _recent_failure(marker: Path) -> str | None:
    try:
        if time.time() - marker.stat().st_mtime > RETRY_AFTER_S:
            return None
        # our own marker in the tools cache; a regular file only
        return read_text(marker, root=marker.parent).strip()[:200] or "no detail"
    except OSError:
        return None
