"""Hostile files in a target: FIFOs never hang a run, symlinks out of the project are never read.

Real FIFOs (os.mkfifo), real symlinks, real runs through the CLI, a local fake provider that
records every request.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ai_workflow.ai.context import never_read
from ai_workflow.changes.fingerprint import blob_id
from ai_workflow.cli import main
from ai_workflow.gitutil import GIT_READS
from ai_workflow.lint.eslint import safe_eslint_arguments
from ai_workflow.lint.report import TOOL_TIMEOUT_S, step_tool_timeout
from ai_workflow.project_files import list_project_files
from ai_workflow.steps import BUILTIN_MODULES, code_quality
from ai_workflow.textfiles import has_shell_shebang, read_bytes, read_text, read_toml
from tests.ai.fakes import FakeLLMServer, findings_answer
from tests.helpers import make_repo, write_files
from tests.robust.test_planted_names import read_names

OUTSIDE_TOKEN = "OUTSIDE-FILE-CONTENT-7f3a9c"
DOTENV_TOKEN = "DotEnvValueBehindALink-55e1"


def _outside_file(tmp_path: Path) -> Path:
    outside = tmp_path / "elsewhere" / "private-notes.txt"
    outside.parent.mkdir()
    outside.write_text(f"# notes\n{OUTSIDE_TOKEN}\n", encoding="utf-8")
    return outside


def test_the_listing_holds_regular_files_inside_the_target_only(tmp_path: Path) -> None:
    outside = _outside_file(tmp_path)
    for git_repo in (True, False):
        target = tmp_path / f"p{git_repo}"
        files = {"README.md": "# p\n", "docs/guide.md": "guide\n"}
        if git_repo:
            make_repo(target, files)
        else:
            write_files(target, files)
        os.mkfifo(target / "pipe.md")
        (target / "notes.md").symlink_to(outside)  # out of the project
        (target / "guide-link.md").symlink_to("docs/guide.md")  # inside: kept
        (target / "dangling.md").symlink_to("missing.md")
        (target / "docs-out").symlink_to(outside.parent, target_is_directory=True)
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(target / "server.sock"))
        try:
            listed = list_project_files(target)
        finally:
            sock.close()
        assert listed == ["README.md", "docs/guide.md", "guide-link.md"], git_repo


def test_readers_never_block_on_a_fifo_nor_follow_a_link_out(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "p", {"README.md": "# p\n"})
    os.mkfifo(target / "pyproject.toml")
    (target / "setup.cfg").symlink_to(_outside_file(tmp_path))
    (target / "inside.txt").symlink_to("README.md")
    list_project_files(target)  # a run lists its target first: reads under it are confined
    start = time.monotonic()
    assert read_text(target / "pyproject.toml") == ""
    assert read_toml(target / "pyproject.toml") == {}
    assert not has_shell_shebang(target / "pyproject.toml")
    assert read_text(target / "setup.cfg") == ""  # leads out of the target
    assert read_text(target / "inside.txt") == "# p\n"
    assert read_bytes(target / "README.md", limit=2) is None  # over the limit
    with pytest.raises(OSError):
        blob_id(target / "pyproject.toml")
    assert time.monotonic() - start < 2


def _fifo_target(tmp_path: Path) -> Path:
    target = tmp_path / "p"
    write_files(target, {"README.md": "# p\n\nInstall: `pip install p`.\n", "p/__init__.py": ""})
    os.mkfifo(target / "notes.md")
    os.mkfifo(target / "p" / "data.py")
    return target


def _run_cli(target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ai_workflow", "run", "--target", str(target), "--auto", *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


ALL_BUT_CODE_QUALITY = "0,1,2,3,4,5,6,7,8,10,11,12"


def test_a_fifo_in_a_non_git_target_does_not_hang_the_run(tmp_path: Path) -> None:
    proc = _run_cli(_fifo_target(tmp_path), "--steps", ALL_BUT_CODE_QUALITY)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr and "interrupted" not in proc.stderr


def test_a_fifo_does_not_stop_ruff(tmp_path: Path) -> None:
    target = _fifo_target(tmp_path)
    (target / "p" / "__init__.py").write_text("import os\n")  # ruff still lints the real file
    (target / ".workflow-config.yaml").write_text("workflow:\n  timeouts: {code_quality: 3}\n")
    proc = _run_cli(target, "--steps", "code_quality", "--json")
    assert "timed out" not in proc.stdout + proc.stderr
    step = json.loads(proc.stdout)["steps"][0]
    assert "ruff/F401" in {f["rule"] for f in step["findings"]}, step


def test_links_out_of_the_project_and_to_secret_files_reach_no_request_or_artifact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = _outside_file(tmp_path)
    target = make_repo(tmp_path / "p", {"README.md": "# Demo\n", "src/app.py": "x = 1\n"})
    (target / ".env").write_text(f"API_PASSWORD={DOTENV_TOKEN}\n", encoding="utf-8")
    (target / "notes.md").symlink_to(outside)
    (target / "settings.txt").symlink_to(".env")  # a harmless name for a secret file
    (target / "src" / "app.py").write_text("x = 2\n", encoding="utf-8")
    assert never_read(target, "notes.md", ())
    assert never_read(target, "settings.txt", ())
    assert not never_read(target, "src/app.py", ())
    with FakeLLMServer(answer=findings_answer()) as server:
        monkeypatch.setenv("AI_WORKFLOW_AI_PROVIDER", "openai")
        monkeypatch.setenv("AI_WORKFLOW_AI_BASE_URL", server.base_url)
        monkeypatch.setenv("AI_WORKFLOW_AI_MAX_RETRIES", "0")
        steps = "pre_analysis,documentation,consistency,directory_structure,markdown_lint"
        code = main(["run", "--target", str(target), "--auto", "--steps", steps, "--json"])
        summary = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert server.requests, "the reviews were sent"
    bodies = "\n".join(server.bodies())
    artifacts = b"\n".join(
        p.read_bytes() for p in sorted((target / ".ai_workflow").rglob("*")) if p.is_file()
    )
    for token in (OUTSIDE_TOKEN, DOTENV_TOKEN):
        assert token not in bodies
        assert token.encode() not in artifacts
    assert "x = 2" in bodies  # the real change did reach the model
    docs = next(s for s in summary["steps"] if s["id"] == "documentation")
    assert docs["status"] != "failed"


def test_fifos_named_like_config_files_stop_no_step(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "p", {"README.md": "# p\n\nRun `make test`.\n", "p/a.py": ""})
    (target / ".workflow-config.yaml").write_text(
        "workflow:\n  timeouts: {" + ", ".join(f"{m.SPEC.id}: 20" for m in BUILTIN_MODULES) + "}\n"
    )
    for name in set(read_names()) - GIT_READS:  # every file name in src/ (test_planted_names)
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(target / name):
            (target / name).unlink()
        os.mkfifo(target / name)
    proc = _run_cli(target, "--json", "--jobs", "4")
    steps = json.loads(proc.stdout)["steps"]
    assert [s["id"] for s in steps if "timed out" in (s.get("reason") or "")] == []


OUTSIDE_WORD = "OutsideSecretWord"


@pytest.mark.skipif(
    not os.environ.get("ESLINT_TEST_DIR"),
    reason="set ESLINT_TEST_DIR to a directory with node_modules/.bin/eslint and @eslint/js",
)
def test_eslint_never_opens_a_fifo_nor_a_link_out(tmp_path: Path) -> None:
    """Real eslint 9 on `eslint .` and on a lint script naming a FIFO and a glob over FIFOs."""
    install = Path(os.environ["ESLINT_TEST_DIR"]) / "node_modules"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "leak.js").write_text(f"leaked {OUTSIDE_WORD}\n")  # a parse error quotes it
    scripts = {"lint": "eslint .", "lint:src": 'eslint src/x.js "src/*.js"'}
    files = {
        "eslint.config.cjs": 'module.exports = [require("@eslint/js").configs.recommended];\n',
        "package.json": json.dumps({"name": "demo", "scripts": scripts}),
        "src/a.js": "const unused = 1;\n",
        ".workflow-config.yaml": "workflow:\n  timeouts: {code_quality: 60}\n",
    }
    for git_repo in (True, False):
        target = tmp_path / f"p{git_repo}"
        if git_repo:
            make_repo(target, files)
        else:
            write_files(target, files)
        (target / "node_modules").symlink_to(install, target_is_directory=True)
        for fifo in ("src/x.js", "src/we[i]rd (1)*.js", "lib/deep/c.js", ".ai_workflow/w.js"):
            (target / fifo).parent.mkdir(parents=True, exist_ok=True)
            os.mkfifo(target / fifo)
        (target / "src" / "pw.js").symlink_to(outside / "leak.js")
        (target / "lib-out").symlink_to(outside, target_is_directory=True)
        start = time.monotonic()
        proc = _run_cli(target, "--steps", "code_quality", "--json")
        assert time.monotonic() - start < 60, "eslint waited on a FIFO"
        assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
        step = json.loads(proc.stdout)["steps"][0]
        assert "timed out" not in (step.get("reason") or "")
        found = {(f["rule"], f.get("path")) for f in step["findings"]}
        assert ("eslint/no-unused-vars", "src/a.js") in found, step
        assert {p for _, p in found if p and p != "src/a.js" and p.endswith(".js")} == set()
        artifacts = b"\n".join(
            p.read_bytes() for p in (target / ".ai_workflow").rglob("*") if p.is_file()
        )
        assert OUTSIDE_WORD not in proc.stdout and OUTSIDE_WORD.encode() not in artifacts


def test_eslint_arguments_skip_what_must_not_be_opened() -> None:
    skipped = [".ai_workflow", "src/x.js", "src/we[i]rd (1)*.js"]
    args = safe_eslint_arguments(("src/x.js", "src/*.js", "--no-ignore", "--ext", ".js"), skipped)
    assert args == [
        "src/*.js", "--ext", ".js",
        "--ignore-pattern", ".ai_workflow",
        "--ignore-pattern", "src/x.js",
        "--ignore-pattern", r"src/we\[i\]rd \(1\)\*.js",
    ]  # fmt: skip
    assert safe_eslint_arguments(("./src/x.js",), skipped) is None  # nothing left to lint
    assert safe_eslint_arguments((".",), []) == ["."]


def test_linter_commands_are_bounded_by_the_step_timeout() -> None:
    spec = code_quality.SPEC
    assert step_tool_timeout(spec) == TOOL_TIMEOUT_S
    assert step_tool_timeout(spec.replace(timeout_s=7.0)) == 7.0


def test_pytest_collects_no_fifo_nor_link_out_and_imports_no_such_conftest(
    tmp_path: Path,
) -> None:
    outside = tmp_path / "outside.py"
    outside.write_text(f"{OUTSIDE_WORD} broken\n")  # a SyntaxError quoting the word
    files = {
        "pyproject.toml": '[project]\nname = "p"\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
        "tests/test_ok.py": "def test_ok():\n    assert True\n",
    }
    target = make_repo(tmp_path / "p", files)
    os.mkfifo(target / "tests" / "test_fifo.py")
    (target / "tests" / "test_leak.py").symlink_to(outside)
    proc = _run_cli(target, "--steps", "test_execution", "--json")
    step = json.loads(proc.stdout)["steps"][0]
    assert step["status"] == "passed", step  # test_ok ran; the FIFO and the link were left out
    assert OUTSIDE_WORD not in proc.stdout + proc.stderr
    (target / "tests" / "conftest.py").symlink_to(outside)
    proc = _run_cli(target, "--steps", "test_execution", "--json", "--no-step-cache")
    step = json.loads(proc.stdout)["steps"][0]
    assert "tests/unsafe-file" in {f["rule"] for f in step["findings"]}, step
    assert OUTSIDE_WORD not in proc.stdout + proc.stderr
