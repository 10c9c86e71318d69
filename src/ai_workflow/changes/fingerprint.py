"""Step fingerprints: what a step's result depends on, as named, versioned components.

A fingerprint's key is the SHA-256 of its components:
- `schema`: this key layout's version (`KEY_SCHEMA`); a new layout never matches an old entry;
- `ai_workflow`: ai-workflow's version, a digest of its installed code (so an editable install
  whose code changed does not reuse results the old code computed) and the Python that runs it
  (steps parse with `ast`);
- `spec`: the step's registry entry (and a custom step's command);
- `config`: the whole configuration minus run options that do not change results;
- `files`: path, content id, executable bit and tracked flag of every file the step reads (its
  categories and input globs; everything for a step an AI persona reviews, since the reviewer
  sees every changed file). Content ids are git blob ids from the index for tracked files the
  work tree has not modified, else the same blob hash computed from the file;
- `tools`: versions of the tools the step runs (`toolprobe.STEP_TOOLS`), once per run;
- `stack`: the detected tech stack, for built-in steps (they all consult it);
- `git`: for steps that read git state (`GIT_STEPS`, AI-reviewed steps), HEAD, branch...;
- `dependencies`: the results of the dependencies the step reads (`DEPENDENCY_READS` for
  built-in steps; all of them otherwise), without timing, reasons or the console summary.
Everything expensive is computed once per run through `ctx.memo`.
"""

from __future__ import annotations

import dataclasses
import errno
import functools
import hashlib
import json
import os
import platform
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ai_workflow
from ai_workflow import __version__
from ai_workflow.changes.classify import Classifier
from ai_workflow.changes.inputs import StepInputs
from ai_workflow.engine.step import OK_STATUSES, StepContext, StepResult, StepSpec
from ai_workflow.gitutil import GitError, git
from ai_workflow.project_files import project_files
from ai_workflow.techstack import detect_stack

KEY_SCHEMA = "ai-workflow/step-fingerprint@1"
PACKAGE_DIR = Path(ai_workflow.__file__).parent
COMPONENTS = (
    "schema", "ai_workflow", "spec", "config", "files", "tools", "stack", "git", "dependencies",
)  # fmt: skip
NEVER_CACHED = frozenset(
    {
        "git_finalization",  # its job is the live repository state (and commits when asked)
        "context_analysis",  # cheap aggregate that writes this run's WORKFLOW_SUMMARY.md
    }
)
RUN_OPTIONS_WITHOUT_EFFECT = frozenset(
    {"parallel", "jobs", "smart_execution", "ai_cache", "step_cache", "fail_fast", "auto",
     "verbose", "resume", "force_steps", "no_skip", "history_window", "fail_on", "new_only"}
)  # fmt: skip
RULE_POLICY_KEYS = ("select", "ignore", "severity", "per_path_ignores")
"""The rule policy's settings: the engine applies them to the cached raw findings every run."""
GIT_STEPS: dict[str, tuple[str, ...]] = {
    "pre_analysis": ("head", "branch", "upstream", "index"),
    "documentation": ("head",),  # reads the history of deleted files
}
DEPENDENCY_READS: dict[str, frozenset[str]] = {
    # Built-in steps and the dependencies whose results they read; their other dependencies
    # only order them. Steps not listed read all their dependencies' results. A test checks
    # this table against the steps' source (`result_of("...")` calls).
    "pre_analysis": frozenset(),
    "documentation": frozenset({"pre_analysis"}),
    "consistency": frozenset(),
    "script_references": frozenset(),
    "directory_structure": frozenset(),
    "test_review": frozenset(),
    "test_generation": frozenset({"test_review", "pre_analysis"}),
    "test_execution": frozenset(),
    "dependencies": frozenset(),
    "code_quality": frozenset(),
    "markdown_lint": frozenset(),
}
DEPENDENCY_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    # (step, dependency) -> the only `data` keys of the dependency's result the step reads,
    # so that an unrelated part of it (HEAD, the branch...) does not invalidate the step.
    # Ignored when the AI reviewer reads the same dependency (it reads more of it).
    "test_generation": {"pre_analysis": ("changed_files",)},
}
AI_READS = frozenset({"pre_analysis"})  # the reviewer reads the changed files from step 0
HASH_CHUNK = 1 << 20


def digest(value: Any) -> str:
    """SHA-256 of the canonical JSON of `value`."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def cacheable(spec: StepSpec) -> bool:
    """Steps whose result is a function of their inputs. Others always run."""
    if spec.mutates or spec.id in NEVER_CACHED:
        return False
    return spec.builtin or StepInputs(spec).declared


@dataclass
class Fingerprint:
    step: str
    components: dict[str, str]  # name -> digest
    details: dict[str, Any] = field(default_factory=dict)  # readable values for `explain`
    files: dict[str, str] = field(default_factory=dict)  # path -> content id

    @property
    def key(self) -> str:
        return digest({"schema": KEY_SCHEMA, **self.components})


# --------------------------------------------------------------------------- files


def blob_id(path: Path) -> str:
    """git's blob id of a file's bytes (equal to the index id when no filters apply).

    Only a regular file is read (opened without blocking, so a FIFO cannot hang the run);
    anything else raises OSError.
    """
    # raw read: O_NONBLOCK, then fstat: only a regular file is hashed (a digest is kept)
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        sha = hashlib.sha1(f"blob {info.st_size}\0".encode(), usedforsecurity=False)
        while chunk := os.read(fd, HASH_CHUNK):
            sha.update(chunk)
    finally:
        os.close(fd)
    return sha.hexdigest()


@dataclass
class _Index:
    entries: dict[str, tuple[str, bool]]  # path -> (blob id, executable) for stage-0 entries
    modified: set[str]  # work tree differs from the index (or stat info is stale)
    digest: str


def _read_index(target: Path) -> _Index | None:
    try:
        raw = git(target, "ls-files", "-s", "-z")  # (gitutil: no optional locks)
        dirty = git(target, "diff-files", "-z", "--name-only", "--relative")
    except GitError:
        return None
    entries: dict[str, tuple[str, bool]] = {}
    for entry in raw.split("\0"):
        meta, _, path = entry.partition("\t")
        parts = meta.split(" ")
        if len(parts) == 3 and parts[2] == "0":
            entries[path] = (parts[1], parts[0] == "100755")
    return _Index(
        entries,
        {p for p in dirty.split("\0") if p},
        hashlib.sha256(raw.encode("utf-8", "surrogateescape")).hexdigest(),
    )


def index_of(ctx: StepContext) -> _Index | None:
    return ctx.memo.get("changes.git_index", lambda: _read_index(ctx.target))


def _file_id(target: Path, path: str, index: _Index | None) -> str:
    entry = index.entries.get(path) if index else None
    if entry is not None and path not in (index.modified if index else ()):
        return f"{entry[0]}:{'x' if entry[1] else '-'}:t"
    full = target / path
    try:
        mode = os.stat(full).st_mode
        content = blob_id(full)
    except OSError as exc:
        return f"unreadable:{exc.errno}"
    executable = "x" if mode & stat.S_IXUSR else "-"
    return f"{content}:{executable}:{'t' if entry is not None else 'u'}"


def file_ids(ctx: StepContext) -> dict[str, str]:
    """Content id of every project file, computed once per run."""

    def compute() -> dict[str, str]:
        index = index_of(ctx)
        return {p: _file_id(ctx.target, p, index) for p in project_files(ctx)}

    return ctx.memo.get("changes.file_ids", compute)


def file_categories(ctx: StepContext) -> dict[str, tuple[str, ...]]:
    def compute() -> dict[str, tuple[str, ...]]:
        classifier = Classifier(ctx.config, ctx.target)
        return {p: classifier.categories_of(p) for p in project_files(ctx)}

    return ctx.memo.get("changes.file_categories", compute)


def ai_reviewed(ctx: StepContext) -> bool:
    return ctx.spec.persona is not None and ctx.config.ai.provider != "none"


def _listing_id(target: Path, path: str, index: _Index | None) -> str:
    """What a step that only checks a file's existence sees of it: present, executable bit."""
    entry = index.entries.get(path) if index else None
    if entry is not None and path not in (index.modified if index else ()):
        return f"listed:{'x' if entry[1] else '-'}"
    try:
        mode = os.stat(target / path).st_mode
    except OSError as exc:
        return f"unreadable:{exc.errno}"
    return f"listed:{'x' if mode & stat.S_IXUSR else '-'}"


def step_files(ctx: StepContext) -> dict[str, str]:
    """The files this step reads, with their content ids (for a step that reads the file
    listing, `paths`, every other project file too, with its presence and executable bit)."""
    ids = file_ids(ctx)
    inputs = StepInputs(ctx.spec)
    if inputs.reads_everything or ai_reviewed(ctx):
        return ids
    categories = file_categories(ctx)
    if not inputs.reads_listing:
        return {p: i for p, i in ids.items() if inputs.reads(p, categories[p])}
    index = index_of(ctx)
    return {
        p: i if inputs.reads(p, categories[p]) else _listing_id(ctx.target, p, index)
        for p, i in ids.items()
    }


# --------------------------------------------------------------------------- other parts


def config_values(ctx: StepContext) -> dict[str, Any]:
    """The configuration as it affects results: no run-only options, no per-invocation base."""
    data = ctx.config.model_dump(mode="json")
    data["run"] = {k: v for k, v in data["run"].items() if k not in RUN_OPTIONS_WITHOUT_EFFECT}
    data["smart_execution"].pop("base", None)
    data.pop("workflow", None)  # this step's own entry is in `spec`
    for key in RULE_POLICY_KEYS:  # `rules.thresholds` stays: it changes what a step finds
        data["rules"].pop(key, None)
    return data


def spec_values(ctx: StepContext) -> dict[str, Any]:
    values = dataclasses.asdict(ctx.spec)
    values.pop("estimate_s", None)
    values.pop("description", None)
    for custom in ctx.config.workflow.steps:
        if custom.id == ctx.spec.id:
            values["command"] = custom.run
    return values


def result_values(result: StepResult | None) -> Any:
    """What a dependent can see of a dependency's result (no timing, no run-specific reason)."""
    if result is None:
        return None
    data = result.to_dict(with_data=True)
    for key in (
        "started_at", "ended_at", "duration_s", "cpu_s", "reason", "reused_from", "summary",
    ):  # fmt: skip
        data.pop(key, None)
    data["status"] = "ok" if result.status in OK_STATUSES else result.status.value
    # Only the deterministic part: the AI review runs afresh on every run (and records its
    # prompt file, per run), so it must not change what dependents see as their input.
    data["findings"] = [f for f in data["findings"] if f.get("source") != "ai"]
    data["data"] = {k: v for k, v in data.get("data", {}).items() if k != "ai"}
    for key in ("checked", "skipped_checks"):
        data.pop(key, None)
    return data


def dependencies_read(ctx: StepContext) -> list[str]:
    """The dependencies whose results the step (or its AI reviewer) reads."""
    spec = ctx.spec
    declared = DEPENDENCY_READS.get(spec.id) if spec.builtin else None
    if declared is None:
        return list(spec.depends_on)
    reads = declared | AI_READS if ai_reviewed(ctx) else declared
    return [dep for dep in spec.depends_on if dep in reads]


def dependency_digests(ctx: StepContext) -> dict[str, str]:
    fields = {} if ai_reviewed(ctx) else DEPENDENCY_FIELDS.get(ctx.spec.id, {})
    digests = {}
    for dep in dependencies_read(ctx):
        result = ctx.result_of(dep)
        if dep in fields:
            data = result.data if result is not None else {}
            digests[dep] = digest({key: data.get(key) for key in fields[dep]})
        else:
            digests[dep] = digest(result_values(result))
    return digests


def stack_values(ctx: StepContext) -> dict[str, Any] | None:
    """The tech stack as steps use it: evidence, file counts and exact scores left out, so
    adding one more source file does not invalidate every step (languages keep whether they
    reach the primary-language threshold)."""
    if not ctx.spec.builtin:
        return None

    def compute() -> dict[str, Any]:
        stack = detect_stack(ctx)
        view = stack.to_dict()
        for noisy in ("evidence", "file_counts"):
            view.pop(noisy, None)
        view["languages"] = {lang: stack.uses(lang) for lang in sorted(stack.languages)}
        return view

    return ctx.memo.get("changes.stack", compute)


def git_values(ctx: StepContext) -> dict[str, Any]:
    wanted = GIT_STEPS.get(ctx.spec.id, ())
    if ai_reviewed(ctx):
        wanted = (*wanted, "head")  # the reviewer reads diffs against HEAD~1
    if not wanted:
        return {}
    state = ctx.memo.get("changes.git_state", lambda: _git_state(ctx))
    return {key: state.get(key) for key in wanted}


def _git_state(ctx: StepContext) -> dict[str, Any]:
    """HEAD, its symbolic name, the upstream and its commit, the index: two git calls."""

    def ask(*args: str) -> list[str]:
        try:
            return git(ctx.target, "rev-parse", *args).split()
        except GitError:
            return []

    head = ask("HEAD", "--symbolic-full-name", "HEAD")  # commit, then refs/heads/x or HEAD
    upstream = ask("@{upstream}", "--symbolic-full-name", "@{upstream}")
    index = index_of(ctx)
    return {
        "head": head[0] if head else None,
        "branch": head[1] if len(head) > 1 and head[1] != "HEAD" else None,
        "upstream": " ".join(upstream) or None,
        "index": index.digest if index else None,
    }


@functools.cache
def code_digest(package: Path = PACKAGE_DIR) -> str:
    """A short digest of ai-workflow's own files (sources, rule catalogue, templates), read once
    per process: the version alone stays the same while a development checkout changes."""
    sha = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        sha.update(path.relative_to(package).as_posix().encode() + b"\0")
        try:
            sha.update(path.read_bytes())  # raw read: ai-workflow's own installed files
        except OSError:
            sha.update(b"<unreadable>")
        sha.update(b"\0")
    return sha.hexdigest()[:12]


def compute_fingerprint(
    ctx: StepContext, tool_versions: Callable[[StepContext], Mapping[str, str]]
) -> Fingerprint:
    files = step_files(ctx)
    tools = dict(tool_versions(ctx))
    git_state = git_values(ctx)
    config = config_values(ctx)
    deps = dependency_digests(ctx)
    stack = stack_values(ctx)
    release = f"{__version__}+{code_digest()} (Python {platform.python_version()})"
    components = {
        "schema": KEY_SCHEMA,
        "ai_workflow": digest(release),
        "spec": digest(spec_values(ctx)),
        "config": digest(config),
        "files": digest(sorted(files.items())),
        "tools": digest(tools),
        "stack": digest(stack),
        "git": digest(git_state),
        "dependencies": digest(deps),
    }
    details = {
        "ai_workflow": release,
        "spec": spec_values(ctx),
        "config": config,
        "tools": tools,
        "stack": stack,
        "git": git_state,
        "dependencies": deps,
    }
    return Fingerprint(ctx.spec.id, components, details, files)
