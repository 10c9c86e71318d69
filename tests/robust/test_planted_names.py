"""Every file name ai-workflow reads, planted as a FIFO or as a symlink out of the target.

The names come from the code: every string constant in src/ that looks like a file name
(config files, manifests, lockfiles, coverage reports, scripts...), plus a few the tool finds by
pattern. A real run of all steps (a local fake provider records every request) must finish
(no step timed out), exit 0 or 1 without a traceback, and no outside content may reach a
request or any file under the work directory, logs included.
"""

from __future__ import annotations

import ast
import itertools
import json
import os
import re
import subprocess
import sys
from pathlib import Path, PurePosixPath

import ai_workflow
from ai_workflow.config import CONFIG_FILE_NAMES
from ai_workflow.rules.baseline import BASELINE_FILE
from ai_workflow.steps import BUILTIN_MODULES
from tests.ai.fakes import FakeLLMServer, findings_answer
from tests.helpers import make_repo, write_files

TOKEN = "OutsideSecretWord"  # also a valid identifier: a parser quoting it would leak it
NAME = re.compile(
    r"^(?:[\w.-]+/)*\.?[\w-]+(?:\.[\w-]+)*\.(?:toml|json|jsonc|json5|ya?ml|cfg|ini|txt|lock|"
    r"mod|sum|md|rst|js|cjs|mjs|ts|sh|bash|py|xml|info|gradle|kts|properties|rc|env|in)$"
    r"|^(?:Makefile|GNUmakefile|Dockerfile|Gemfile|Justfile|justfile|Rakefile|Pipfile|"
    r"\.[\w-]+rc|\.[\w-]+ignore|\.env|\.netrc|\.python-version|\.tool-versions)$"
)
BY_PATTERN = (
    "test_planted.py", "tests/test_more.py", "src/app.js", "lib/b.ts", "docs/guide.md",
    "scripts/deploy", "bin/run.sh", "x.bats", "coverage/lcov.info", "src/notes.md",
)  # fmt: skip


STOPPING = (*CONFIG_FILE_NAMES, BASELINE_FILE)  # the user's own settings: unusable is exit 2


def read_names() -> list[str]:
    """File names in src/'s string constants, plus names found by pattern (BY_PATTERN)."""
    names = set(BY_PATTERN)
    for path in Path(ai_workflow.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            value = node.value if isinstance(node, ast.Constant) else None
            if isinstance(value, str) and NAME.match(value) and not value.startswith("/"):
                names.add(value)
    return sorted(n for n in names if n not in STOPPING and ".." not in n)


def test_the_names_come_from_the_code() -> None:
    names = read_names()
    assert len(names) > 150
    for expected in ("pyproject.toml", "package.json", ".shellcheckrc", "conftest.py", "go.mod"):
        assert expected in names


def _outside(tmp_path: Path, name: str) -> Path:
    """A file outside the target holding TOKEN in the syntax the name suggests."""
    suffix = PurePosixPath(name).suffix
    if suffix in (".json", ".jsonc", ".json5"):
        text = json.dumps({"name": TOKEN, "version": TOKEN, "scripts": {"test": f"echo {TOKEN}"}})
    elif suffix in (".toml", ".lock"):
        text = f'[project]\nname = "{TOKEN}"\ndependencies = ["{TOKEN}"]\n{TOKEN} broken\n'
    elif suffix in (".yaml", ".yml"):
        text = f"{TOKEN}: {TOKEN}\nscript: [echo {TOKEN}]\n"
    elif suffix in (".md", ".rst", ".txt"):
        text = f"# {TOKEN}\n\nRun `{TOKEN}` then `make {TOKEN}`. [{TOKEN}](missing-{TOKEN}.md)\n"
    else:  # code, scripts, ini, Makefile...: a syntax error quoting the token
        text = f"#!/bin/sh\n{TOKEN} = 1 {TOKEN}\n[{TOKEN}]\n{TOKEN}: {TOKEN}\n"
    path = tmp_path / "outside" / (name.replace("/", "_") or "x")
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


BASE_FILES = {
    "README.md": "# Demo\n\nRun `pytest`.\n",
    "demo/__init__.py": "",
    "demo/core.py": "def add(a, b):\n    return a + b\n",
    "tests/test_core.py": "from demo.core import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n",
}
CONFIG = "workflow:\n  timeouts: {" + ", ".join(f"{m.SPEC.id}: 90" for m in BUILTIN_MODULES) + "}\n"


def _plant(target: Path, names: list[str], make: str, tmp_path: Path) -> None:
    for name in names:
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(path):
            path.unlink()
        if make == "fifo":
            os.mkfifo(path)
        else:
            path.symlink_to(_outside(tmp_path, name))
    if make == "link":  # and a directory link out, with a file of every kind in it
        (target / "docs-out").symlink_to(tmp_path / "outside", target_is_directory=True)


def _run(target: Path, server: FakeLLMServer) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "AI_WORKFLOW_AI_PROVIDER": "openai",
        "AI_WORKFLOW_AI_BASE_URL": server.base_url,
        "AI_WORKFLOW_AI_MAX_RETRIES": "0",
    }
    command = [sys.executable, "-m", "ai_workflow", "run", "--target", str(target), "--auto"]
    return subprocess.run(
        [*command, "--json", "--jobs", "4"],
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
        env=env,
    )


def _check(target: Path, proc: subprocess.CompletedProcess[str], server: FakeLLMServer) -> None:
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    steps = json.loads(proc.stdout)["steps"]
    assert [s["id"] for s in steps if "timed out" in (s.get("reason") or "")] == []
    assert TOKEN not in proc.stdout + proc.stderr
    assert server.requests, "the AI-assisted steps sent their prompts"
    assert TOKEN not in "\n".join(server.bodies())
    leaked = [
        p.relative_to(target).as_posix()
        for p in (target / ".ai_workflow").rglob("*")
        if p.is_file() and not p.is_symlink() and TOKEN.encode() in p.read_bytes()
    ]
    assert leaked == []


def test_links_out_with_every_name_the_tool_reads(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "p", {**BASE_FILES, ".workflow-config.yaml": CONFIG})
    _plant(target, read_names(), "link", tmp_path)
    with FakeLLMServer(answer=findings_answer()) as server:
        proc = _run(target, server)
    _check(target, proc, server)


def test_fifos_with_every_name_the_tool_reads_in_a_directory_without_git(tmp_path: Path) -> None:
    target = tmp_path / "p"
    write_files(target, {**BASE_FILES, ".workflow-config.yaml": CONFIG})
    _plant(target, read_names(), "fifo", tmp_path)
    with FakeLLMServer(answer=findings_answer()) as server:
        proc = _run(target, server)
    _check(target, proc, server)


def test_a_config_or_baseline_file_that_is_a_fifo_or_a_link_out_is_exit_2(tmp_path: Path) -> None:
    outside = _outside(tmp_path, "shared.yaml")
    for make, name in itertools.product(("fifo", "link"), STOPPING):
        target = make_repo(tmp_path / make / name, BASE_FILES)
        config = target / name
        if make == "fifo":
            os.mkfifo(config)
        else:
            config.symlink_to(outside)
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "ai_workflow",
                "run",
                "--target",
                str(target),
                "--auto",
                "--steps",
                "directory_structure",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert proc.returncode == 2, proc.stderr
        assert "Traceback" not in proc.stderr and TOKEN not in proc.stderr + proc.stdout
        expected = "not a regular file" if make == "fifo" else "outside the project"
        assert expected in proc.stderr


def test_a_fifo_git_would_open_is_exit_2_in_a_git_repository(tmp_path: Path) -> None:
    for rel in (".gitignore", "deep/dir/.gitattributes"):
        target = make_repo(tmp_path / rel.replace("/", "_"), BASE_FILES)
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(target / rel)
        proc = subprocess.run(
            [sys.executable, "-m", "ai_workflow", "run", "--target", str(target), "--auto"],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
        )
        assert proc.returncode == 2, proc.stderr
        assert f"{rel} is no regular file" in proc.stderr and "Traceback" not in proc.stderr
