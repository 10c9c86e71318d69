"""The commands a project's build, CI and tooling files run, as blocks of shell lines.

Each block keeps the file and line of every command, the directory it runs in and its session:
the blocks of one session (the steps of one CI job, the commands of one task or hook) run one
after another, so a file an earlier block downloads, builds or extracts exists for a later one.

Sources: Makefile recipes, package.json scripts, GitHub Actions workflows and composite actions,
GitLab CI, CircleCI, Azure Pipelines, Buildkite, Travis CI, Drone, Taskfile, local pre-commit
hooks, dev containers (`devcontainer.json`), VS Code tasks, justfiles, tox and nox. Structured
files are read with real parsers: YAML through PyYAML's composer (which keeps line numbers),
JSON with comments through json5, INI through configparser, noxfiles through `ast`. Makefiles
and justfiles have no parser library; their recipes are read line by line.
"""

from __future__ import annotations

import ast
import configparser
import json
import re
import shlex
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import json5
import yaml

from ai_workflow.ci_files import (
    AZURE_DIRS,
    AZURE_PIPELINES,
    BUILDKITE,
    BUILDKITE_DIR,
    CIRCLECI_DIR,
    DRONE_CI,
    GITHUB_WORKFLOWS,
    GITLAB_CI,
    GITLAB_DIR,
    TRAVIS_CI,
)
from ai_workflow.textfiles import line_of, read_text

MAKEFILE_NAMES = ("GNUmakefile", "makefile", "Makefile")
UNKNOWN_DIR = "\0"  # a working directory that cannot be known (a variable, outside the repo)
DEVCONTAINER_KEYS = (
    "initializeCommand",
    "onCreateCommand",
    "updateContentCommand",
    "postCreateCommand",
    "postStartCommand",
    "postAttachCommand",
)
PRE_COMMIT_SHELL_LANGUAGES = frozenset({"system", "script", "unsupported", "unsupported_script"})
NON_SHELLS = ("pwsh", "powershell", "python", "cmd", "node", "ruby", "perl")

Lines = list[tuple[int, str]]


@dataclass(frozen=True)
class ScriptBlock:
    """Shell lines one tool runs, in order, with the lines of the file that holds them."""

    path: str  # the file
    origin: str  # "Makefile", "package.json", "CI" or "tooling"
    lines: tuple[tuple[int, str], ...]
    session: str = ""  # blocks of one file with the same session run in one job, in order
    cwd: str = ""  # repository-relative directory it runs in ("" = root)
    keep_cwd: bool = True  # False: every line is its own shell (make, just), `cd` does not last
    produces: tuple[str, ...] = ()  # paths made before the lines run (a checkout's `path:`)


def automation_blocks(target: Path, files: list[str]) -> list[ScriptBlock]:
    """Every block of commands the project's build, CI and tooling files run."""
    blocks: list[ScriptBlock] = []
    for path in files:
        reader = _reader(path)
        if reader is not None:
            try:
                blocks += reader(target, path)
            except (
                ValueError,
                TypeError,
                RecursionError,
                yaml.YAMLError,
                SyntaxError,
                configparser.Error,
            ):
                continue  # a file that does not parse runs nothing we can check
    return blocks


def is_automation_file(path: str) -> bool:
    """A build, CI or tooling file: its mention of a script means the script is in use."""
    name = PurePosixPath(path).name
    return (
        _reader(path) is not None
        or name in {"pyproject.toml", "setup.cfg", "Dockerfile", "docker-compose.yml"}
        or name.startswith(("Dockerfile", "compose.", "docker-compose."))
        or path.startswith(
            tuple(f"{d}/" for d in (".github", GITLAB_DIR, CIRCLECI_DIR, BUILDKITE_DIR))
        )
    )


def _reader(path: str) -> Callable[[Path, str], list[ScriptBlock]] | None:
    pure = PurePosixPath(path)
    name, parts = pure.name, pure.parts
    yaml_file = pure.suffix in (".yml", ".yaml")
    if path in MAKEFILE_NAMES:
        return _makefile
    if path == "package.json":
        return _package_json
    if yaml_file and pure.parent.as_posix() == GITHUB_WORKFLOWS:
        return _github_workflow
    if yaml_file and pure.stem == "action" and (len(parts) == 1 or parts[0] == ".github"):
        return _github_workflow
    if yaml_file and (name.startswith(_GITLAB_CI_STEM) or parts[0] == GITLAB_DIR):
        return _gitlab
    if path in SALSA_CI:
        return _gitlab
    if yaml_file and parts[0] == CIRCLECI_DIR:
        return _circleci
    if yaml_file and (pure.stem == AZURE_PIPELINES or parts[0] in AZURE_DIRS):
        return _azure
    if yaml_file and (parts[0] == BUILDKITE_DIR or pure.stem == BUILDKITE):
        return _buildkite
    if yaml_file and len(parts) == 1 and pure.stem.lower() in ("taskfile", "taskfile.dist"):
        return _taskfile
    if path == TRAVIS_CI:
        return _travis
    if path in DRONE_CI:
        return _drone
    return _TOOLING_FILES.get(path) or (
        _devcontainer if name == "devcontainer.json" and parts[0] == ".devcontainer" else None
    )


_GITLAB_CI_STEM = PurePosixPath(GITLAB_CI).stem  # `.gitlab-ci.yml`, `.gitlab-ci.local.yml`
SALSA_CI = ("debian/salsa-ci.yml", "debian/gitlab-ci.yml")
"""GitLab CI files of a Debian package on Salsa (salsa.debian.org), whose projects set their CI
configuration path to `debian/salsa-ci.yml` (the salsa-ci-team pipeline's documented setup):
its jobs' `script` lines are commands the project runs, as in `.gitlab-ci.yml`."""


# --------------------------------------------------------------------------- YAML helpers


def _compose(target: Path, path: str) -> yaml.Node | None:
    node: yaml.Node | None = yaml.compose(read_text(target / path), Loader=yaml.SafeLoader)
    return node


def _get(node: yaml.Node | None, key: str) -> yaml.Node | None:
    """The value of `key` in a mapping node, following `<<` merge keys."""
    if not isinstance(node, yaml.MappingNode):
        return None
    merged: list[yaml.Node] = []
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and isinstance(value, yaml.Node):
            if key_node.value == key:
                return value
            if key_node.value == "<<":
                merged += value.value if isinstance(value, yaml.SequenceNode) else [value]
    return next((v for m in merged if (v := _get(m, key)) is not None), None)


def _entries(node: yaml.Node | None) -> list[tuple[str, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return []
    return [(str(k.value), v) for k, v in node.value if isinstance(k, yaml.ScalarNode)]


def _items(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _text(node: yaml.Node | None) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _script(node: yaml.Node | None) -> Lines:
    """The shell lines of a scalar (a literal block keeps its lines) or a list of scalars."""
    if isinstance(node, yaml.SequenceNode):
        return [line for item in node.value for line in _script(item)]
    if not isinstance(node, yaml.ScalarNode) or not isinstance(node.value, str):
        return []
    first = node.start_mark.line + (2 if node.style in ("|", ">") else 1)
    if node.style in ("|", ">"):
        return [(first + i, text) for i, text in enumerate(node.value.splitlines())]
    return [(first, node.value)]


_WORKSPACE_RE = re.compile(
    r"^(?:\$\{\{\s*github\.workspace\s*\}\}|\$\{workspaceFolder\}|\{toxinidir\}|"
    r"\$\(Build\.SourcesDirectory\)|\$CI_PROJECT_DIR)/?"
)  # the repository root, as each tool spells it


def _directory(value: str) -> str:
    """A repository-relative working directory; UNKNOWN_DIR when it cannot be known."""
    value = value.strip()
    value = _WORKSPACE_RE.sub("", value)
    if not value or value in (".", "./"):
        return ""
    if value.startswith(("/", "~", "$")) or "{" in value or "$(" in value or ".." in value:
        return UNKNOWN_DIR
    return value.removeprefix("./").rstrip("/")


def _block(path: str, origin: str, lines: Lines, session: str, **extra: Any) -> list[ScriptBlock]:
    return [ScriptBlock(path, origin, tuple(lines), session, **extra)] if lines else []


# --------------------------------------------------------------------------- Makefile, npm

_MAKE_EXPANSION = re.compile(r"\$(?:\((?:[^()]|\([^()]*\))*\)|\{[^{}]*\}|[^$(){}\s])")


def make_recipe_line(text: str) -> str:
    """A recipe line as the shell sees it: make's `$(VAR)`/`${VAR}` expansions become a word,
    `$$` becomes `$`."""
    protected = text.replace("$$", "\x00")
    return _MAKE_EXPANSION.sub("$MAKEVAR", protected).replace("\x00", "$")


def _makefile(target: Path, path: str) -> list[ScriptBlock]:
    """Recipe lines: those that start with a tab, but for the lines a backslash continues from
    a line that is no recipe (backup-manager's `SHFILES=\\` followed by tab-indented
    `lib/externals.sh \\` lines is one variable's value, which make joins, not commands)."""
    lines = read_text(target / path).splitlines()
    recipe: list[tuple[int, str]] = []
    continued: bool | None = None  # a backslash continues a recipe line (True), another (False)
    for number, text in enumerate(lines, 1):
        is_recipe = continued if continued is not None else text.startswith("\t")
        if is_recipe and text.startswith("\t"):
            recipe.append((number, make_recipe_line(text.lstrip("\t@-+ "))))
        continued = is_recipe if text.endswith("\\") else None
    return _block(path, "Makefile", recipe, "", keep_cwd=False)


def _package_json(target: Path, path: str) -> list[ScriptBlock]:
    text = read_text(target / path)
    try:
        data = json.loads(text)
    except ValueError:
        return []
    scripts = data.get("scripts") if isinstance(data, dict) else None
    blocks: list[ScriptBlock] = []
    for key, value in scripts.items() if isinstance(scripts, dict) else []:
        if isinstance(value, str):
            line = line_of(text, rf'"{re.escape(str(key))}"\s*:') or 1
            blocks += _block(path, "package.json", [(line, value)], f"script {key}")
    return blocks


# --------------------------------------------------------------------------- CI services


def _github_workflow(target: Path, path: str) -> list[ScriptBlock]:
    """Workflow jobs (`jobs.<id>.steps`) and composite actions (`runs.steps`)."""
    root = _compose(target, path)
    jobs: list[tuple[str, yaml.Node | None]] = [*_entries(_get(root, "jobs"))]
    jobs = jobs or [("runs", _get(root, "runs"))]
    blocks: list[ScriptBlock] = []
    for job, node in jobs:
        default_dir = _text(_get(_get(_get(node, "defaults"), "run"), "working-directory"))
        for step in _items(_get(node, "steps")):
            shell = _text(_get(step, "shell"))
            checkout_path = _text(_get(_get(step, "with"), "path"))
            if _get(step, "uses") is not None and checkout_path:
                blocks.append(ScriptBlock(path, "CI", (), job, produces=(checkout_path,)))
            if shell.startswith(NON_SHELLS):
                continue
            where = _text(_get(step, "working-directory")) or default_dir
            blocks += _block(path, "CI", _script(_get(step, "run")), job, cwd=_directory(where))
    return blocks


_GITLAB_KEYWORDS = frozenset(
    {"stages", "variables", "include", "workflow", "image", "services", "cache", "spec"}
)


def _gitlab(target: Path, path: str) -> list[ScriptBlock]:
    blocks: list[ScriptBlock] = []
    for job, node in _entries(_compose(target, path)):
        if job in _GITLAB_KEYWORDS:
            continue
        lines = []
        for key in ("before_script", "script", "after_script"):
            lines += _script(_get(node, key))
        blocks += _block(path, "CI", lines, job)
    return blocks


def _circleci(target: Path, path: str) -> list[ScriptBlock]:
    root = _compose(target, path)
    blocks: list[ScriptBlock] = []
    for section in ("jobs", "commands"):
        for job, node in _entries(_get(root, section)):
            for step in _items(_get(node, "steps")):
                run = _get(step, "run")
                command = _get(run, "command") if isinstance(run, yaml.MappingNode) else run
                where = _directory(_text(_get(run, "working_directory")))
                blocks += _block(path, "CI", _script(command), f"{section}.{job}", cwd=where)
    return blocks


TRAVIS_PHASES = (
    "before_install", "install", "before_script", "script", "after_success", "after_failure",
    "after_script", "before_deploy", "after_deploy",
)  # fmt: skip


def _travis(target: Path, path: str) -> list[ScriptBlock]:
    blocks: list[ScriptBlock] = []
    for session, lines in travis_jobs(read_text(target / path)):
        blocks += _block(path, "CI", lines, session)
    return blocks


def travis_jobs(text: str, phases: tuple[str, ...] = TRAVIS_PHASES) -> list[tuple[str, Lines]]:
    """(name, shell lines of its `phases`) of each job of a `.travis.yml`: the top level
    ("build") and each `jobs.include` / `matrix.include` entry. A job with no such line is left
    out. Raises what PyYAML raises on text that does not parse."""
    root: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    entries = [("build", root)]
    for section in ("jobs", "matrix"):
        for index, item in enumerate(_items(_get(_get(root, section), "include"))):
            entries.append((_text(_get(item, "name")) or f"{section}.{index}", item))
    jobs = [
        (name, [line for p in phases for line in _script(_get(node, p))]) for name, node in entries
    ]
    return [(name, lines) for name, lines in jobs if lines]


def _drone(target: Path, path: str) -> list[ScriptBlock]:
    blocks: list[ScriptBlock] = []
    for index, step in enumerate(_items(_get(_compose(target, path), "steps"))):
        name = _text(_get(step, "name")) or str(index)
        blocks += _block(path, "CI", _script(_get(step, "commands")), name)
    return blocks


def _azure(target: Path, path: str) -> list[ScriptBlock]:
    """Every `steps:` list (top level, in jobs, in stages): `script` and `bash` steps."""
    blocks: list[ScriptBlock] = []
    for session, steps in _steps_lists(_compose(target, path), "pipeline"):
        for step in _items(steps):
            where = _directory(_text(_get(step, "workingDirectory")))
            for key in ("script", "bash"):
                blocks += _block(path, "CI", _script(_get(step, key)), session, cwd=where)
    return blocks


def _steps_lists(node: yaml.Node | None, name: str) -> Iterator[tuple[str, yaml.Node]]:
    for key, value in _entries(node):
        if key == "steps" and isinstance(value, yaml.SequenceNode):
            yield name, value
        else:
            yield from _steps_lists(value, f"{name}.{key}")
    for index, item in enumerate(_items(node)):
        label = _text(_get(item, "job")) or _text(_get(item, "stage")) or str(index)
        yield from _steps_lists(item, f"{name}.{label}")


def _buildkite(target: Path, path: str) -> list[ScriptBlock]:
    """Pipeline steps (and steps inside groups); each step runs on its own agent."""
    blocks: list[ScriptBlock] = []
    pending = _items(_get(_compose(target, path), "steps"))
    index = 0
    while pending:
        step = pending.pop(0)
        index += 1
        pending += _items(_get(step, "steps"))
        lines = _script(_get(step, "command")) + _script(_get(step, "commands"))
        blocks += _block(path, "CI", lines, f"step {index}")
    return blocks


# --------------------------------------------------------------------------- task runners


def _taskfile(target: Path, path: str) -> list[ScriptBlock]:
    blocks: list[ScriptBlock] = []
    for task, node in _entries(_get(_compose(target, path), "tasks")):
        if not isinstance(node, yaml.MappingNode):
            blocks += _block(path, "tooling", _script(node), task)
            continue
        lines: Lines = []
        for command in _items(_get(node, "cmds")):
            lines += _script(
                _get(command, "cmd") if isinstance(command, yaml.MappingNode) else command
            )
        where = _directory(_text(_get(node, "dir")))
        blocks += _block(path, "tooling", lines, task, cwd=where)
    return blocks


def _pre_commit(target: Path, path: str) -> list[ScriptBlock]:
    """Local hooks whose entry is a command or a script of the project (`language: system`,
    `script`); other hooks run code of the hook's own repository."""
    blocks: list[ScriptBlock] = []
    for repo in _items(_get(_compose(target, path), "repos")):
        if _text(_get(repo, "repo")) != "local":
            continue
        for hook in _items(_get(repo, "hooks")):
            entry = _get(hook, "entry")
            language = _text(_get(hook, "language"))
            if not isinstance(entry, yaml.ScalarNode) or language not in PRE_COMMIT_SHELL_LANGUAGES:
                continue
            argv = _split(str(entry.value)) + [_text(a) for a in _items(_get(hook, "args"))]
            if argv and "script" in language and "/" in argv[0]:
                argv[0] = "./" + argv[0].removeprefix("./")  # a script path, run directly
            line = entry.start_mark.line + 1
            blocks += _block(path, "tooling", [(line, shlex.join(argv))], _text(_get(hook, "id")))
    return blocks


def _devcontainer(target: Path, path: str) -> list[ScriptBlock]:
    """Lifecycle commands: a string runs in a shell, an array directly, an object in parallel."""
    text = read_text(target / path)
    data = json5.loads(text)
    lines: Lines = []
    for key in DEVCONTAINER_KEYS:
        value = data.get(key) if isinstance(data, dict) else None
        values = list(value.values()) if isinstance(value, dict) else [value]
        for command in values:
            line_text = _command_text(command)
            if line_text:
                lines.append((_line_in(text, key, command), line_text))
    return _block(path, "tooling", lines, "lifecycle")


def _vscode_tasks(target: Path, path: str) -> list[ScriptBlock]:
    text = read_text(target / path)
    data = json5.loads(text)
    tasks = data.get("tasks") if isinstance(data, dict) else None
    blocks: list[ScriptBlock] = []
    for index, task in enumerate(tasks if isinstance(tasks, list) else []):
        if not isinstance(task, dict):
            continue
        label = str(task.get("label", index))
        options = task.get("options")
        where = _directory(str(options.get("cwd", ""))) if isinstance(options, dict) else ""
        if task.get("type") == "npm" and isinstance(task.get("script"), str):
            where = _directory(str(task.get("path", "")))
            command = f"npm run {shlex.quote(task['script'])}"
            line = line_of(text, rf'"script"\s*:\s*"{re.escape(task["script"])}"') or 1
        elif isinstance(task.get("command"), str):
            args = [a.get("value") if isinstance(a, dict) else a for a in task.get("args", [])]
            command = " ".join([task["command"], *(shlex.quote(str(a)) for a in args)])
            line = _line_in(text, "command", task["command"])
        else:
            continue
        blocks += _block(path, "tooling", [(line, command)], label, cwd=where)
    return blocks


def _command_text(command: object) -> str:
    if isinstance(command, str):
        return command
    if isinstance(command, list) and all(isinstance(a, str) for a in command):
        return shlex.join(command)
    return ""


def _line_in(text: str, key: str, command: object) -> int:
    """The line of a JSON value: where the command's first word appears after its key."""
    start = re.search(rf'"{re.escape(key)}"\s*:', text)
    words = command if isinstance(command, list) else str(command).split()[:1]
    first = str(words[0]) if words else ""
    offset = start.start() if start else 0
    return line_of(text, re.escape(first), offset) or line_of(text, re.escape(key)) or 1


_JUST_RECIPE = re.compile(r"^@?([A-Za-z_][\w-]*)(?:\s[^:]*)?:(?!=)")
_JUST_NOT_RECIPE = re.compile(r"^(?:set|alias|export|import|mod)\b|^[\w-]+\s*:=")


def _justfile(target: Path, path: str) -> list[ScriptBlock]:
    """Recipes: a header at column 0, indented body lines; each line is its own shell unless
    the recipe starts with a shebang."""
    blocks: list[ScriptBlock] = []
    name, body = "", []
    for number, raw in enumerate([*read_text(target / path).splitlines(), "#end"], start=1):
        if raw[:1] in (" ", "\t") and name:
            if raw.strip():
                body.append((number, raw.strip().lstrip("@-").replace("{{", "$").replace("}}", "")))
            continue
        if raw.strip() and not raw.startswith("#"):
            blocks += _just_recipe(path, name, body)
            match = _JUST_RECIPE.match(raw)
            name = match.group(1) if match and not _JUST_NOT_RECIPE.match(raw) else ""
            body = []
    return blocks + _just_recipe(path, name, body)


def _just_recipe(path: str, name: str, body: Lines) -> list[ScriptBlock]:
    if not name or not body:
        return []
    shebang = body[0][1].startswith("#!")
    if shebang and not re.search(r"\b(?:ba|z|k|da)?sh\b", body[0][1]):
        return []  # a recipe in another language
    return _block(path, "tooling", body[1:] if shebang else body, name, keep_cwd=shebang)


def _tox(target: Path, path: str) -> list[ScriptBlock]:
    text = read_text(target / path)
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.read_string(text)
    blocks: list[ScriptBlock] = []
    for section in parser.sections():
        if section != "testenv" and not section.startswith("testenv:"):
            continue
        header = text.find(f"[{section}]")
        where = _directory(parser.get(section, "changedir", fallback=""))
        lines: Lines = []
        for key in ("commands_pre", "commands", "commands_post"):
            for command in parser.get(section, key, fallback="").splitlines():
                command = command.strip().lstrip("-!").strip()
                if command and not command.startswith("#"):
                    command = command.replace("{toxinidir}/", "")
                    line = line_of(text, re.escape(command.split()[0]), max(header, 0)) or 1
                    lines.append((line, command))
        blocks += _block(path, "tooling", lines, section, cwd=where)
    return blocks


def _noxfile(target: Path, path: str) -> list[ScriptBlock]:
    """`session.run("pytest", "-q")` calls, with their string arguments, per session function;
    a session that changes directory (`session.chdir`) runs in an unknown one."""
    tree = ast.parse(read_text(target / path))
    blocks: list[ScriptBlock] = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        calls = [n for n in ast.walk(function) if isinstance(n, ast.Call)]
        chdir = any(isinstance(c.func, ast.Attribute) and c.func.attr == "chdir" for c in calls)
        lines: Lines = []
        for call in sorted(calls, key=lambda c: c.lineno):
            if isinstance(call.func, ast.Attribute) and call.func.attr in ("run", "run_always"):
                argv = []
                for arg in call.args:
                    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                        break
                    argv.append(arg.value)
                if argv:
                    lines.append((call.lineno, shlex.join(argv)))
        where = UNKNOWN_DIR if chdir else ""
        blocks += _block(path, "tooling", lines, function.name, cwd=where)
    return blocks


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


_TOOLING_FILES: dict[str, Callable[[Path, str], list[ScriptBlock]]] = {
    ".pre-commit-config.yaml": _pre_commit,
    ".pre-commit-config.yml": _pre_commit,
    ".devcontainer.json": _devcontainer,
    ".vscode/tasks.json": _vscode_tasks,
    "justfile": _justfile,
    "Justfile": _justfile,
    ".justfile": _justfile,
    "tox.ini": _tox,
    "noxfile.py": _noxfile,
}
