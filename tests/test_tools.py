"""Finding external tools: the project's own first, then ai-workflow's, then PATH; versions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ai_workflow.config import Config, TechStackConfig
from ai_workflow.engine.step import StepSpec
from ai_workflow.tools import (
    PYTHON_ENV_DIRS,
    Tool,
    ToolOrigin,
    bundled_bin_dir,
    find_tool,
    parse_version,
    project_bin_dirs,
    resolve_python,
    resolve_tool,
    tool_version,
)
from tests.helpers import make_repo, step_context

SPEC = StepSpec(id="tools_probe", number=99, name="Tools probe")
RUFF = bundled_bin_dir() / "ruff"


def _executable(path: Path, text: str = "#!/bin/sh\necho 'fake 1.2.3'\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)
    return path


def _no_path(tmp_path: Path) -> dict[str, str]:
    empty = tmp_path / "empty-bin"
    empty.mkdir(exist_ok=True)
    return {"PATH": str(empty)}


def test_project_virtualenv_tool_wins_over_the_bundled_one(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "proj", {"a.py": "x = 1\n"})
    (target / ".venv" / "bin").mkdir(parents=True)
    (target / ".venv" / "bin" / "ruff").symlink_to(RUFF)
    tool = find_tool("ruff", target, environ=_no_path(tmp_path))
    assert tool is not None
    assert tool.origin is ToolOrigin.PROJECT
    assert tool.path == target / ".venv" / "bin" / "ruff"


def test_bundled_tool_is_used_when_the_project_has_none(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "proj", {"a.py": "x = 1\n"})
    tool = find_tool("ruff", target, environ=_no_path(tmp_path))
    assert tool == Tool("ruff", RUFF, ToolOrigin.BUNDLED)
    shellcheck = find_tool("shellcheck", target, environ=_no_path(tmp_path))
    assert shellcheck is not None and shellcheck.origin is ToolOrigin.BUNDLED


def test_node_modules_bin_and_the_restrictions(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    eslint = _executable(target / "node_modules" / ".bin" / "eslint")
    env = _no_path(tmp_path)
    found = find_tool("eslint", target, bundled=False, search_path=False, environ=env)
    assert found == Tool("eslint", eslint, ToolOrigin.PROJECT)
    assert find_tool("eslint", target, project=False, search_path=False, environ=env) is None


def test_path_is_the_last_resort_and_non_executables_are_ignored(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    target.mkdir()
    on_path = _executable(tmp_path / "somebin" / "mytool")
    not_exec = target / ".venv" / "bin" / "mytool"
    not_exec.parent.mkdir(parents=True)
    not_exec.write_text("not executable")
    tool = find_tool("mytool", target, environ={"PATH": str(on_path.parent)})
    assert tool == Tool("mytool", on_path, ToolOrigin.PATH)
    assert find_tool("mytool", target, environ=_no_path(tmp_path)) is None


def test_configured_interpreter_and_active_virtualenv_directories(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    target.mkdir()
    python = _executable(tmp_path / "envs" / "a" / "bin" / "python")
    active = tmp_path / "envs" / "active"
    tool = _executable(active / "bin" / "mytool")
    dirs = project_bin_dirs(target, python, {"VIRTUAL_ENV": str(active)})
    assert dirs[0] == python.parent
    assert active / "bin" in dirs
    found = find_tool("mytool", target, environ={"VIRTUAL_ENV": str(active), "PATH": ""})
    assert found == Tool("mytool", tool, ToolOrigin.PROJECT)


def test_ai_workflows_own_environment_is_not_the_projects(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    target.mkdir()
    dirs = project_bin_dirs(target, None, {"VIRTUAL_ENV": sys.prefix})
    assert Path(sys.prefix) / "bin" not in dirs


def test_an_active_ai_workflow_environment_yields_to_the_projects_venv(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    ours = {"PATH": str(tmp_path / "nothing"), "VIRTUAL_ENV": sys.prefix}
    found, reason = resolve_python(target, None, ours)
    assert found == str(Path(sys.prefix) / "bin" / "python")
    assert "also ai-workflow's own" in reason  # used only when the project has none, and said
    project_venv = _fake_python(target / ".venv" / "bin", "python")
    assert resolve_python(target, None, ours) == (
        str(project_venv),
        "the project's virtual environment .venv/",
    )


def test_resolve_tool_reports_the_real_version_once_per_run(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "proj", {"a.py": "x = 1\n"})
    ctx = step_context(target, SPEC)
    tool = resolve_tool(ctx, "ruff")
    expected = subprocess.run([str(RUFF), "--version"], capture_output=True, text=True).stdout
    assert tool is not None
    assert tool.version is not None and tool.version in expected
    assert tool.describe() == f"ruff {tool.version} (bundled with ai-workflow, {RUFF})"
    assert tool_version(ctx, tool) == tool.version
    log = ctx.workspace.step_log(SPEC).read_text()
    assert log.count("--version") == 1  # the second answer came from the run's memo


def test_a_tool_version_is_remembered_until_its_binary_changes(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "proj", {"a.py": "x = 1\n"})
    script = _executable(tmp_path / "bin" / "mytool", "#!/bin/sh\necho mytool 1.2.3\n")
    tool = Tool("mytool", script, ToolOrigin.PATH)

    def asked(run_id: str) -> tuple[str | None, int]:
        ctx = step_context(target, SPEC, run_id=run_id)  # a new run: a new memo
        version = tool_version(ctx, tool)
        log = ctx.workspace.step_log(SPEC)  # (no command run, no log)
        return version, log.read_text().count("mytool --version") if log.exists() else 0

    assert asked("workflow_20260101_000001") == ("1.2.3", 1)
    assert asked("workflow_20260101_000002") == ("1.2.3", 0)  # remembered: not asked again
    script.write_text("#!/bin/sh\necho mytool 1.3.0 upgraded\n")  # a new binary
    assert asked("workflow_20260101_000003") == ("1.3.0", 1)


def test_version_of_a_tool_that_cannot_say_is_none(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "proj", {"a.py": "x = 1\n"})
    broken = _executable(tmp_path / "bin" / "broken", "#!/bin/sh\necho nope >&2\nexit 3\n")
    ctx = step_context(target, SPEC)
    tool = Tool("broken", broken, ToolOrigin.PATH)
    assert tool_version(ctx, tool) is None
    assert "version unknown" in tool.describe()


def test_configured_python_tool_directory_is_searched_first(tmp_path: Path) -> None:
    target = make_repo(tmp_path / "proj", {"a.py": "x = 1\n"})
    env_bin = tmp_path / "env" / "bin"
    _executable(env_bin / "python")
    (env_bin / "ruff").symlink_to(RUFF)
    config = Config(tech_stack=TechStackConfig(python=str(env_bin / "python")))
    tool = resolve_tool(step_context(target, SPEC, config=config), "ruff")
    assert tool is not None and tool.origin is ToolOrigin.PROJECT
    assert tool.path == env_bin / "ruff"


def _fake_python(directory: Path, name: str = "python3") -> Path:
    return _executable(directory / name, "#!/bin/sh\nexit 0\n")


def test_interpreter_precedence(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    path_python = _fake_python(tmp_path / "pathbin")
    env = {"PATH": str(path_python.parent)}
    assert resolve_python(target, None, env) == (str(path_python), "python3 on PATH")

    project_venv = _fake_python(target / ".venv" / "bin", "python")
    found, reason = resolve_python(target, None, env)
    assert found == str(project_venv.absolute())
    assert ".venv/" in reason

    active = _fake_python(tmp_path / "active" / "bin", "python")
    found, reason = resolve_python(target, None, {**env, "VIRTUAL_ENV": str(active.parent.parent)})
    assert found == str(active)
    assert "$VIRTUAL_ENV" in reason

    found, reason = resolve_python(target, "tools/py", {**env, "VIRTUAL_ENV": str(active)})
    assert found == str(target.absolute() / "tools/py")
    assert reason == "tech_stack.python in the configuration"
    assert resolve_python(target, "python3", env)[0] == str(path_python)


def test_a_configured_interpreter_is_kept_even_when_missing(tmp_path: Path) -> None:
    """The step that runs it reports that it does not exist; nothing else is silently used."""
    target = tmp_path / "proj"
    env = {"PATH": str(_fake_python(tmp_path / "pathbin").parent)}
    _fake_python(target / ".venv" / "bin", "python")
    configured = "tech_stack.python in the configuration"
    assert resolve_python(target, "tools/missing", env) == (
        str(target.absolute() / "tools" / "missing"),
        configured,
    )
    assert resolve_python(target, "no-such-python-xyz", env) == ("no-such-python-xyz", configured)


def test_project_environments_in_order_and_a_dotenv_file_is_not_one(tmp_path: Path) -> None:
    env = {"PATH": str(tmp_path / "nothing")}
    target = tmp_path / "proj"
    target.mkdir()
    (target / ".env").write_text("SECRET=not-an-environment\n")
    assert resolve_python(target, None, env)[0] is None
    assert PYTHON_ENV_DIRS == (".venv", "venv", "env", ".env")
    for name in ("env", "venv", ".venv"):  # each one created outranks the ones before it
        python = _fake_python(target / name / "bin", "python")
        assert resolve_python(target, None, env) == (
            str(python),
            f"the project's virtual environment {name}/",
        )
    other = tmp_path / "other"
    dotenv_venv = _fake_python(other / ".env" / "bin", "python")
    assert resolve_python(other, None, env)[0] == str(dotenv_venv)


def test_interpreter_is_never_our_own_by_accident(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    target.mkdir()
    found, reason = resolve_python(target, None, {"PATH": str(tmp_path / "nothing")})
    assert found is None
    assert found != sys.executable
    assert "no Python interpreter" in reason


def test_configured_interpreter_directory_holds_the_projects_tools(tmp_path: Path) -> None:
    target = tmp_path / "proj"
    target.mkdir()
    named = _fake_python(tmp_path / "named-bin", "mypython")
    env = {"PATH": str(named.parent)}
    assert project_bin_dirs(target, "mypython", env) == [named.parent]
    relative = _fake_python(target / "tools", "py")
    assert project_bin_dirs(target, "tools/py", env) == [relative.parent]
    assert project_bin_dirs(target, "tools/missing", env) == []  # tools/ exists, no interpreter


_parts = st.integers(min_value=0, max_value=999)


@given(
    st.tuples(_parts, _parts, _parts),
    st.sampled_from(["ruff ", "version: ", "v", "ShellCheck\nversion: ", "tool 0 "]),
)
def test_parse_version_finds_the_version_after_any_prefix(
    version: tuple[int, int, int], prefix: str
) -> None:
    text = ".".join(map(str, version))
    if prefix == "tool 0 ":
        assert parse_version(prefix + text) == text  # "0" alone is not a version
    else:
        assert parse_version(f"{prefix}{text}\nmore text 9.9") == text


def test_parse_version_without_a_version() -> None:
    assert parse_version("no digits here") is None
    assert parse_version("eslint v9.39.5-beta.1") == "9.39.5-beta.1"
