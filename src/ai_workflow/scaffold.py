"""What `ai-workflow init` writes into a project: a commented `.workflow-config.yaml` from the
detected stack, and on request the CI files and the pre-commit entry.

Writing into the project is what `init` is for, and the only command that does it. It never
overwrites: an existing file (or a pyproject.toml `[tool.ai-workflow]` table, which a new
`.workflow-config.yaml` would silently replace) stops it before anything is written, unless
`force`. An existing `.pre-commit-config.yaml` gets the hook entry appended, and the result is
parsed back and compared before it is written.

The configuration it writes changes no behaviour: detected values appear commented out (they
are detected again on every run, so a pinned copy would only go stale), and the one active key,
`project.name`, is informational.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ai_workflow import __version__
from ai_workflow.ci import templates
from ai_workflow.ci_files import GITLAB_CI
from ai_workflow.config import CONFIG_FILE_NAMES
from ai_workflow.config_schema import SCHEMA_FILE
from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.errors import UsageError
from ai_workflow.gitutil import GitError, git
from ai_workflow.techstack import TechStack
from ai_workflow.textfiles import read_toml, read_utf8, why_unreadable
from ai_workflow.workdir import DEFAULT_WORKDIR, relative_workdir

CONFIG_FILE = CONFIG_FILE_NAMES[0]


@dataclass
class FilePlan:
    path: str  # relative to the target
    text: str
    action: str  # "create" | "overwrite" | "append"


@dataclass
class InitPlan:
    files: list[FilePlan] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # why nothing may be written
    notes: list[str] = field(default_factory=list)  # what the user should do next


# --------------------------------------------------------------------------- config text


def schema_reference(target: Path, schema: Path = SCHEMA_FILE) -> str:
    """The shipped schema as the file's modeline names it: relative when it lies inside the
    project (its own virtualenv), else absolute."""
    inside = _project_path(str(schema.resolve()), target)
    return inside if inside is not None else schema.resolve().as_posix()


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def _yaml(value: Any) -> str:
    """A scalar or list as YAML (JSON's syntax is YAML's flow syntax)."""
    return json.dumps(value, ensure_ascii=False)


def _why(stack: TechStack, key: str) -> str:
    return "; ".join(stack.evidence.get(key, []))


def _portable_command(stack: TechStack, target: Path) -> str | None:
    """The detected test command without this machine's interpreter path."""
    if not stack.test_argv:
        return stack.test_command
    argv = list(stack.test_argv)
    if stack.python and argv[0] == stack.python:
        argv[0] = _project_path(stack.python, target) or "python"
    return shlex.join(argv)


def _project_path(path: str, target: Path) -> str | None:
    """`path` relative to the target when inside it, else None."""
    candidate = Path(path)
    if not candidate.is_absolute() or not _inside(candidate, target):
        return None
    return Path(os.path.relpath(candidate, target.resolve())).as_posix()


def config_text(target: Path, stack: TechStack, schema_ref: str) -> str:
    """The commented `.workflow-config.yaml` for `target`."""
    lines = [
        f"# yaml-language-server: $schema={schema_ref}",
        f"# ai-workflow configuration, written by `ai-workflow init` (ai-workflow {__version__}).",
        "# Every key is optional. Detected values are shown commented out: ai-workflow detects",
        "# them again on every run, so uncomment one only to pin a value detection gets wrong.",
        "# `ai-workflow config show` prints every effective value and where it came from;",
        "# `ai-workflow config schema` prints every key with its type.",
        "",
        "project:",
        f"  name: {_yaml(target.name)}",
        "",
        *_commented_section("tech_stack", _tech_stack_rows(stack, target)),
        *_commented_section("structure", _structure_rows(stack)),
        *_commented_section(
            "run",
            [
                ("parallel", True, "run independent steps at once"),
                ("jobs", 4, "at most this many (default: the CPUs, at most 4)"),
                ("smart_execution", True, "skip steps whose inputs did not change"),
                _workdir_row(target),
                ("keep_runs", 20, "run folders kept in the work directory (0: all)"),
            ],
        ),
        *_commented_section(
            "ai",
            [
                ("provider", "none", "openai | anthropic | copilot | auto | none"),
                ("model", "gpt-4o-mini", ""),
            ],
        ),
        *_commented_section(
            "rules",
            [
                ("ignore", [], "rule ids or prefixes (md/) never reported"),
                ("severity", {}, "rule id -> error | warning | info"),
            ],
        ),
    ]
    return "\n".join(lines).rstrip() + "\n"


Row = tuple[str, Any, str]


def _workdir_row(target: Path) -> Row:
    """The work directory a run would use here, and why when it is not the default."""
    rel = relative_workdir(target) or DEFAULT_WORKDIR
    if rel == DEFAULT_WORKDIR:
        return ("workdir", rel, "where ai-workflow keeps its files")
    return ("workdir", rel, f"used because git tracks {DEFAULT_WORKDIR}/ (left alone)")


def _tech_stack_rows(stack: TechStack, target: Path) -> list[Row]:
    languages = ", ".join(f"{name} {score:.2f}" for name, score in stack.languages.items())
    why = f"languages: {languages}" if languages else _why(stack, "primary_language")
    rows: list[Row] = [("primary_language", stack.primary_language, why)]
    if stack.test_framework:
        rows.append(("test_framework", stack.test_framework, _why(stack, "test_framework")))
    command = _portable_command(stack, target)
    if command:
        rows.append(("test_command", command, _why(stack, "test_command")))
    if stack.package_manager:
        rows.append(("package_manager", stack.package_manager, _why(stack, "package_manager")))
    if stack.python:
        python = _project_path(stack.python, target)
        if python:
            rows.append(("python", python, "the interpreter that runs the tests"))
    rows.append(("test_timeout_s", 900, "seconds before the test run is stopped"))
    rows.append(("lint_command", "make lint", "a project lint command for code quality"))
    return rows


def _structure_rows(stack: TechStack) -> list[Row]:
    rows: list[Row] = []
    for key in ("source_dirs", "test_dirs", "docs_dirs"):
        value = getattr(stack, key)
        if value:
            rows.append((key, value, _why(stack, key)))
    rows.append(("exclude_dirs", ["vendor"], "directories no step reads"))
    return rows


def _commented_section(name: str, rows: list[Row]) -> list[str]:
    width = max((len(key) + len(_yaml(value)) for key, value, _ in rows), default=0) + 6
    lines = [f"# {name}:"]
    for key, value, why in rows:
        entry = f"#   {key}: {_yaml(value)}"
        lines.append(f"{entry:<{width}}  # {why}" if why else entry)
    return [*lines, ""]


# --------------------------------------------------------------------------- the plan


def plan_init(
    target: Path,
    stack: TechStack,
    *,
    ci: str | None = None,
    pre_commit: bool = False,
    force: bool = False,
    action: str = templates.ACTION,
) -> InitPlan:
    """Every file `init` would write, and what stops it."""
    plan = InitPlan()
    config = config_text(target, stack, schema_reference(target))
    _add(plan, target, CONFIG_FILE, config, force)
    for other in CONFIG_FILE_NAMES[1:]:
        if (target / other).exists() and not force:
            plan.blocked.append(f"{other} exists: the configuration is already there")
    if _pyproject_has_table(target) and not force:
        plan.blocked.append(
            "pyproject.toml has a [tool.ai-workflow] table, which a .workflow-config.yaml would "
            "replace: keep the configuration there (or pass --force to write the file anyway)"
        )
    if ci == "github":
        workflow = templates.github_workflow(action, stack.primary_language)
        _add(plan, target, templates.GITHUB_WORKFLOW_FILE, workflow, force)
        if action == templates.ACTION:
            plan.notes.append(
                f"{templates.GITHUB_WORKFLOW_FILE}: replace `uses: {templates.ACTION}` with the "
                "repository that holds ai-workflow's action.yml (or pass --action)"
            )
    elif ci == "gitlab":
        job = templates.gitlab_job(workdir=relative_workdir(target) or DEFAULT_WORKDIR)
        _add(plan, target, templates.GITLAB_JOB_FILE, job, force)
        if (target / GITLAB_CI).exists():
            plan.notes.append(
                f"{GITLAB_CI} exists and was left alone: add `include: [{{local: "
                f"{templates.GITLAB_JOB_FILE}}}]` to it"
            )
        else:
            _add(plan, target, GITLAB_CI, templates.gitlab_include(), force)
        plan.notes.append(
            f"{templates.GITLAB_JOB_FILE}: set AIW_PACKAGE to where pip gets ai-workflow"
        )
    if pre_commit:
        _add_pre_commit(plan, target)
    own = relative_workdir(target)
    if own is not None and not _ignored(target, own):
        plan.notes.append(f"add {own}/ to .gitignore: the runs' reports go there")
    return plan


def _add(plan: InitPlan, target: Path, rel: str, text: str, force: bool) -> None:
    path = target / rel
    if path.exists():
        if not force or not path.is_file():
            kind = "exists" if path.is_file() else "exists and is not a file"
            plan.blocked.append(f"{rel} {kind}")
            return
        plan.files.append(FilePlan(rel, text, "overwrite"))
        return
    plan.files.append(FilePlan(rel, text, "create"))


def _pyproject_has_table(target: Path) -> bool:
    data = read_toml(target / "pyproject.toml", root=target)
    tool = data.get("tool")
    return isinstance(tool, dict) and "ai-workflow" in tool


def _ignored(target: Path, rel: str) -> bool:
    try:
        git(target, "check-ignore", "-q", "--no-index", f"{rel}/")
    except GitError:
        return False
    return True


# --------------------------------------------------------------------------- pre-commit


def _add_pre_commit(plan: InitPlan, target: Path) -> None:
    rel = templates.PRE_COMMIT_FILE
    path = target / rel
    if not path.exists():
        plan.files.append(FilePlan(rel, templates.pre_commit_config(), "create"))
        return
    try:
        text = read_utf8(path, root=target)
        if text is None:
            raise ValueError(why_unreadable(path, target) or "unreadable or not UTF-8")
        updated = append_pre_commit_entry(text)
    except ValueError as exc:
        entry = templates.pre_commit_repo_entry()
        plan.blocked.append(f"{rel}: {exc}; add this entry under `repos:` by hand:\n{entry}")
        return
    if updated is None:
        plan.notes.append(f"{rel} already has the ai-workflow hooks: left unchanged")
        return
    plan.files.append(FilePlan(rel, updated, "append"))


def _hook_ids(document: Any) -> set[str]:
    repos = document.get("repos") if isinstance(document, Mapping) else None
    ids: set[str] = set()
    for repo in repos or []:
        for hook in (repo.get("hooks") or []) if isinstance(repo, Mapping) else []:
            if isinstance(hook, Mapping) and isinstance(hook.get("id"), str):
                ids.add(hook["id"])
    return ids


def append_pre_commit_entry(text: str) -> str | None:
    """`text` with the ai-workflow `repos:` item added at the end of its `repos` list; None
    when the hooks are already there. ValueError when the file cannot be extended safely (it
    is then left alone): the result must parse to the same document plus the one new item."""
    try:
        document = yaml.safe_load(text) if text.strip() else {}
        root = yaml.compose(text) if text.strip() else None
    except yaml.YAMLError as exc:
        raise ValueError(f"not valid YAML ({exc.__class__.__name__})") from None
    document = document or {}
    if not isinstance(document, dict):
        raise ValueError("the top level is not a mapping")
    if set(templates.HOOK_IDS) & _hook_ids(document):
        return None
    entry = yaml.safe_load(templates.pre_commit_repo_entry())
    updated = _insert_entry(text, root)
    try:
        parsed = yaml.safe_load(updated)
    except yaml.YAMLError:
        parsed = None
    expected = {**document, "repos": [*(document.get("repos") or []), *entry]}
    if parsed != expected:
        raise ValueError("its layout does not allow appending the entry safely")
    return updated


def _insert_entry(text: str, root: yaml.Node | None) -> str:
    repos = _repos_node(root)
    if repos is None:  # no repos list yet: a new top-level key at the end
        if root is not None and _repos_key(root):
            raise ValueError("`repos` is not a list")
        return text.rstrip("\n") + ("\n" if text.strip() else "") + templates.pre_commit_config()
    if not isinstance(repos, yaml.SequenceNode) or repos.flow_style:
        raise ValueError("`repos` is not a block list")
    indent = _dash_column(text, repos.value[0]) if repos.value else 2
    item = "".join(
        " " * indent + line if line.strip() else line
        for line in templates.pre_commit_repo_entry().splitlines(keepends=True)
    )
    end = repos.end_mark.index
    head, tail = text[:end], text[end:]
    if not head.endswith("\n"):
        head += "\n"
    return head + item + tail


def _dash_column(text: str, item: yaml.Node) -> int:
    """The column of the `-` that starts a list item (`-   repo:` or `  - repo:`)."""
    start = item.start_mark.index
    prefix = text[text.rfind("\n", 0, start) + 1 : start]
    if not prefix.lstrip(" ").startswith("-"):
        raise ValueError("its `repos` items are laid out in an unusual way")
    return len(prefix) - len(prefix.lstrip(" "))


def _repos_key(root: yaml.Node) -> bool:
    return isinstance(root, yaml.MappingNode) and any(k.value == "repos" for k, _ in root.value)


def _repos_node(root: yaml.Node | None) -> yaml.Node | None:
    if not isinstance(root, yaml.MappingNode):
        return None
    for key, value in root.value:
        empty = isinstance(value, yaml.ScalarNode) and value.value in ("", "~", "null")
        if key.value == "repos" and not empty:
            node: yaml.Node = value
            return node
    return None


# --------------------------------------------------------------------------- writing


def write_plan(target: Path, plan: InitPlan) -> list[str]:
    """Write every planned file (parents created); the lines to print."""
    if plan.blocked:
        raise UsageError("nothing written: " + "; ".join(plan.blocked) + " (--force overwrites)")
    done = []
    for item in plan.files:
        path = target / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, item.text)
        verb = {"create": "wrote", "overwrite": "overwrote", "append": "added the hooks to"}
        done.append(f"{verb[item.action]} {item.path}")
    return done
