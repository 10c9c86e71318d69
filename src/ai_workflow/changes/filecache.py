"""Per-file results: a per-file check re-checks only the files whose inputs changed.

A check that looks at one file at a time (a linter, a document's links) keeps, for every file,
the results it gave and the key they were computed under, in
`.ai_workflow/step_cache/<step>.<check>.files.json`. The key is the SHA-256 of:

- the file's path and content id (its git blob id: `changes.fingerprint.file_ids`);
- the check's context: everything the check depends on besides the file (tool and version, rule
  configuration, the files a linter reads to know the project's layout...), given by the step;
- for cross-file checks, the content ids of the files the result depends on (the documents a
  file links to, the scripts it names), given per file by the step.

A run reuses the results of files whose key is unchanged, re-checks the others and stores the
new set (files no longer checked are dropped). A symbolic link is always re-checked: its id is
the link's, not that of the file it points at. Results our own code derives from a file (the
imports of a Python file) carry that code's id (`code_id`) in their context. The result is
the same as a full run's as long as the step names every input of the check in the key; the
property tests compare both.
A missing store means every file is checked; a damaged one is ignored with a warning. With
`run.step_cache` off (`--no-step-cache`) nothing is read or written.

With a team cache (`ctx.shared`, Redis), a file missed locally is looked up there under the same
key, and every file checked in a run is stored there too: a runner reuses the per-file results
of another runner's run on the files they have in common, even when the step's other inputs
changed. The checkout's location is `<project>` in keys and values, as in the step cache.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar, overload

import ai_workflow
from ai_workflow.changes.fingerprint import blob_id, code_digest, digest, file_ids
from ai_workflow.checkout import map_strings, with_checkout, without_checkout
from ai_workflow.engine import records
from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.engine.step import StepContext
from ai_workflow.findings import Finding

SCHEMA = "ai-workflow/file-results@1"
LISTED = 10  # files named per reason in the summary
ABSENT = "absent"
REMOTE_KIND = "file"

T = TypeVar("T")

SHARED_STORES = {"documentation": ("markdown_docs",)}
"""Stores several steps share (`FileResults.owner`), explained with the step that reports
their reuse: the documents' parses (`markdown_docs.project_docs`) with documentation's."""

REASONS = {
    "cold": "no stored results",
    "new": "new file",
    "context": "tool, configuration or ai-workflow changed",
    "content": "content changed",
    "depends": "a file it depends on changed",
    "damaged": "stored entry unreadable",
    "link": "a symbolic link (what it points at may have changed)",
}


def code_id(module: ModuleType) -> str:
    """An id of the code of `module` (for a context whose results our own code computes): its
    source's digest and the Python running it (`ast` parses by that version's grammar), so
    changing either invalidates what it stored."""
    try:
        source = blob_id(Path(str(module.__file__)))
    except (OSError, TypeError):
        source = f"{module.__name__} {ai_workflow.__version__}"
    return digest([source, sys.version])


def store_path(cache_dir: Path, step_id: str, check: str) -> Path:
    return cache_dir / f"{step_id}.{check}.files.json"


def stores_of(cache_dir: Path, step_id: str) -> list[Path]:
    """The per-file stores of one step (one per check)."""
    return sorted(cache_dir.glob(f"{step_id}.*.files.json"))


def read_store(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """A store's content, or None and why (a missing file is no warning)."""
    text = records.read_text(path)  # a FIFO, directory or symlink there is moved aside
    if text is None:
        return None, None
    try:
        raw = records.loads(text)
    except ValueError as exc:
        return None, f"{path.name} unreadable ({type(exc).__name__}); ignored"
    if not isinstance(raw, dict) or not isinstance(raw.get("entries"), dict):
        return None, f"{path.name} is not a per-file store; ignored"
    if raw.get("schema") != SCHEMA:
        return None, None  # another ai-workflow version's layout: silently cold
    return raw, None


@dataclass
class FileResults:
    """The per-file results of one check of one step in one run."""

    ctx: StepContext
    check: str
    context: Any
    enabled: bool | None = None
    # the store's owner when several steps share it (what the first of them to need it in a
    # run computes, as `ctx.memo` shares it): its name instead of the running step's id
    owner: str | None = None
    warnings: list[str] = field(default_factory=list)
    reused: int = 0
    shared_hits: int = 0  # of `reused`, found in the team cache
    rechecked: dict[str, list[str]] = field(default_factory=dict)  # reason -> paths

    def __post_init__(self) -> None:
        if self.enabled is None:
            self.enabled = self.ctx.config.run.step_cache
        self.shared = self.ctx.shared if self.enabled else None
        # ai-workflow's own code is part of every context: what a check stores is graded by
        # our post-processing too (shellcheck's severities), which a development checkout changes
        self.context_key = digest([code_digest(), self._portable(self.context)])
        self.owner_id = self.owner or self.ctx.spec.id
        self.path = store_path(self.ctx.workspace.step_cache_dir, self.owner_id, self.check)
        self._ids: Mapping[str, str] = file_ids(self.ctx) if self.enabled else {}
        self._old: dict[str, Any] = {}
        self._cold = True
        if self.enabled:
            raw, warning = read_store(self.path)
            if warning:
                self._warn(warning)
            if raw is not None:
                self._old = raw["entries"]
                self._cold = raw.get("context") != self.context_key
        self._new: dict[str, dict[str, Any]] = {}
        self._checked: set[str] = set()  # files checked in this run (shared when saved)

    def _portable(self, value: Any) -> Any:
        """`value` with this checkout's location as `<project>` (the same on every runner)."""
        return map_strings(value, lambda text: without_checkout(text, self.ctx.target))

    # ------------------------------------------------------------------ ids and keys

    def content_id(self, path: str) -> str:
        """The file's content id (git blob id); `absent` for a file that does not exist."""
        known = self._ids.get(path)
        if known is not None:
            return known
        try:
            return blob_id(self.ctx.target / path)
        except OSError:
            return ABSENT

    def ids_of(self, paths: Any) -> dict[str, str]:
        """`{path: content id}` for the files a result depends on."""
        return {p: self.content_id(p) for p in sorted(set(paths))}

    def _key(self, path: str, content: str, depends: Mapping[str, str]) -> str:
        return digest([SCHEMA, path, content, self.context_key, sorted(depends.items())])

    # ------------------------------------------------------------------ lookup and store

    def lookup(
        self,
        path: str,
        decode: Callable[[Any], T],
        depends: Mapping[str, str] | None = None,
    ) -> T | None:
        """The stored result of `path` when its key is unchanged (decoded), else None: the
        caller checks the file and calls `store`."""
        if not self.enabled:
            return None
        if (self.ctx.target / path).is_symlink():
            self._miss("link", path)  # its id is the link's, not that of what it points at
            return None
        depends = dict(depends or {})
        content = self.content_id(path)
        key = self._key(path, content, depends)
        entry = self._old.get(path)
        if isinstance(entry, dict) and entry.get("key") == key:
            try:
                value = decode(entry["value"])
            except (KeyError, TypeError, ValueError, AttributeError):
                self._miss("damaged", path)
                return None
            self._new[path] = entry
            self.reused += 1
            return value
        shared = self._shared_value(key, decode)
        if shared is not None:
            raw, value = shared
            self._new[path] = {"key": key, "content": content, "depends": depends, "value": raw}
            self.reused += 1
            self.shared_hits += 1
            return value
        self._miss(self._reason(entry, content, depends), path)
        return None

    @overload
    def reuse(
        self,
        path: str,
        compute: Callable[[], T],
        encode: Callable[[T], Any],
        decode: Callable[[Any], T],
        depends: Mapping[str, str] | None = None,
    ) -> T: ...

    @overload
    def reuse(
        self,
        path: str,
        compute: Callable[[], T | None],
        encode: Callable[[T], Any],
        decode: Callable[[Any], T],
        depends: Mapping[str, str] | None = None,
    ) -> T | None: ...

    def reuse(
        self,
        path: str,
        compute: Callable[[], Any],
        encode: Callable[[Any], Any],
        decode: Callable[[Any], Any],
        depends: Mapping[str, str] | None = None,
    ) -> Any:
        """The stored result of `path` while its key is unchanged, else `compute()`'s, stored
        (as `encode` makes it JSON; `decode` reads it back).

        None from `compute` is no result (the file could not be read): it is returned and not
        stored, so the next run checks the file again. A result that is itself "nothing" (a
        file that does not parse) is kept in a container (a 1-tuple), so that `decode` never
        returns None and a stored result is never taken for a missing one."""
        found = self.lookup(path, decode, depends)
        if found is not None:
            return found
        fresh = compute()
        if fresh is not None:
            self.store(path, encode(fresh), depends)
        return fresh

    def split(self, paths: list[str], decode: Callable[[Any], T]) -> tuple[dict[str, T], list[str]]:
        """For a check that checks many files at once: the stored results of the unchanged
        files among `paths` (by path, in order) and the files to check, whose results the
        caller stores."""
        found: dict[str, T] = {}
        todo: list[str] = []
        for path in paths:
            result = self.lookup(path, decode)
            if result is None:
                todo.append(path)
            else:
                found[path] = result
        return found, todo

    def _shared_value(self, key: str, decode: Callable[[Any], T]) -> tuple[Any, T] | None:
        """(stored value, decoded) from the team cache under `key`, or None."""
        if self.shared is None:
            return None
        payload = self.shared.get(REMOTE_KIND, key)
        if not isinstance(payload, dict) or payload.get("key") != key or "value" not in payload:
            return None
        raw = map_strings(payload["value"], lambda text: with_checkout(text, self.ctx.target))
        try:
            return raw, decode(raw)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def store(self, path: str, value: Any, depends: Mapping[str, str] | None = None) -> None:
        """Remember the result of a file just checked (a JSON value)."""
        if not self.enabled:
            return
        depends = dict(depends or {})
        content = self.content_id(path)
        key = self._key(path, content, depends)
        self._new[path] = {"key": key, "content": content, "depends": depends, "value": value}
        self._checked.add(path)

    def save(self) -> None:
        """Write this run's entries (only the files checked or reused in it)."""
        if not self.enabled:
            return
        data = {
            "schema": SCHEMA,
            "step": self.owner_id,
            "check": self.check,
            "context": self.context_key,
            "run_id": self.ctx.run_id,
            "last_run": self.stats(),
            "entries": self._new,
        }
        try:
            text = records.dumps(data, separators=(",", ":"), ensure_ascii=True)
            write_atomic(self.path, text + "\n")
        except (OSError, TypeError, ValueError) as exc:
            self._warn(f"{self.path.name} not written ({exc})")
        self._share()

    def _share(self) -> None:
        """Store the files checked in this run in the team cache (read-only: nothing)."""
        if self.shared is None or not self.shared.writable:
            return
        for path in sorted(self._checked):
            entry = self._new.get(path)
            if entry is not None:
                payload = {"key": entry["key"], "value": self._portable(entry["value"])}
                self.shared.put(REMOTE_KIND, entry["key"], payload)  # never raises

    # ------------------------------------------------------------------ reporting

    def _reason(self, entry: Any, content: str, depends: Mapping[str, str]) -> str:
        if self._cold and not self._old:
            return "cold"
        if self._cold:
            return "context"
        if not isinstance(entry, dict):
            return "new"
        if entry.get("content") != content:
            return "content"
        if entry.get("depends") != depends:
            return "depends"
        return "damaged"

    def _miss(self, reason: str, path: str) -> None:
        self.rechecked.setdefault(reason, []).append(path)

    def _warn(self, message: str) -> None:
        self.warnings.append(f"per-file results: {message}")
        self.ctx.log(f"per-file results ({self.check}): {message}")

    def stats(self) -> dict[str, Any]:
        checked = sum(len(paths) for paths in self.rechecked.values())
        return {
            "files": checked + self.reused,
            "rechecked": checked,
            "reused": self.reused,
            "reused_from_team_cache": self.shared_hits,
            "reasons": {REASONS[r]: len(p) for r, p in sorted(self.rechecked.items())},
            "examples": {REASONS[r]: p[:LISTED] for r, p in sorted(self.rechecked.items())},
        }

    def describe(self) -> str:
        """One line for the step's report: how many files were re-checked, and why."""
        if not self.enabled:
            return f"per-file results ({self.check}): off (run.step_cache), every file checked"
        stats = self.stats()
        reasons = ", ".join(f"{n} {why}" for why, n in stats["reasons"].items())
        line = (
            f"per-file results ({self.check}): {stats['rechecked']} of {stats['files']} "
            f"file(s) checked"
        )
        shared = f" ({self.shared_hits} from the team cache)" if self.shared_hits else ""
        return line + (f" ({reasons})" if reasons else "") + f", {stats['reused']} reused{shared}"


# --------------------------------------------------------------------------- findings


def encode_findings(findings: list[Finding]) -> list[dict[str, Any]]:
    return [f.to_dict() for f in findings]


def decode_findings(value: Any) -> list[Finding]:
    if not isinstance(value, list):
        raise TypeError("findings are not a list")
    return [Finding.from_dict(item) for item in value]


# --------------------------------------------------------------------------- explain


def explain_stores(cache_dir: Path, step_id: str, current_ids: Mapping[str, str]) -> list[str]:
    """For `ai-workflow explain`: per check, what the last run re-checked and why, and which
    stored files the next run would re-check because they (or a file they depend on) changed."""
    lines: list[str] = []
    for path in stores_of(cache_dir, step_id):
        raw, warning = read_store(path)
        check = path.name.removeprefix(f"{step_id}.").removesuffix(".files.json")
        if raw is None:
            lines.append(f"per-file results ({check}): {warning or 'stored by another version'}")
            continue
        last = raw.get("last_run")
        last = last if isinstance(last, dict) else {}
        reasons = ", ".join(f"{n} {why}" for why, n in (last.get("reasons") or {}).items())
        lines.append(
            f"per-file results ({check}), last run {raw.get('run_id')}: "
            f"{last.get('rechecked', '?')} of {last.get('files', '?')} file(s) checked"
            + (f" ({reasons})" if reasons else "")
            + f", {last.get('reused', '?')} reused"
        )
        lines += _predicted(raw["entries"], current_ids)
    return lines


def _predicted(entries: Mapping[str, Any], current: Mapping[str, str]) -> list[str]:
    changed, depends, removed = [], [], []
    for path, entry in entries.items():
        if not isinstance(entry, dict):
            continue
        if path not in current:
            removed.append(path)
        elif entry.get("content") != current[path]:
            changed.append(path)
        elif any(current.get(p, ABSENT) != i for p, i in (entry.get("depends") or {}).items()):
            depends.append(path)
    lines = []
    for label, paths in (
        ("content changed", changed),
        ("a file it depends on changed", depends),
        ("gone", removed),
    ):
        if paths:
            shown = ", ".join(sorted(paths)[:LISTED])
            more = f" and {len(paths) - LISTED} more" if len(paths) > LISTED else ""
            lines.append(f"  next run re-checks {len(paths)} ({label}): {shown}{more}")
    unchanged = len(entries) - len(changed) - len(depends) - len(removed)
    lines.append(
        f"  {unchanged} stored file(s) unchanged (reused unless the tool or configuration "
        "changed); files not stored yet are checked"
    )
    return lines


# --------------------------------------------------------------------------- run stores


def read_run_store(ctx: StepContext, name: str, header: Mapping[str, Any], body: str) -> Any:
    """The `body` of `step_cache/<step>.<name>.json`, a store a step rewrites whole at each run
    (the shell lines script_references split, the TOML documents dependencies parsed), when
    its `header` (schema, the id of the code that made it) is the same; None when there is
    none, `run.step_cache` is off, or the store is another version's or damaged: the caller
    then computes everything."""
    if not ctx.config.run.step_cache:
        return None
    text = records.read_text(run_store_path(ctx, name))
    try:
        raw = records.loads(text) if text is not None else None
    except ValueError:
        return None
    if not isinstance(raw, dict) or any(raw.get(k) != v for k, v in header.items()):
        return None
    return raw.get(body)


def write_run_store(
    ctx: StepContext, name: str, header: Mapping[str, Any], body: str, value: Any
) -> None:
    """Rewrite the store `read_run_store` reads; a store that cannot be written is logged."""
    if not ctx.config.run.step_cache:
        return
    data = {**header, body: value}
    try:
        write_atomic(run_store_path(ctx, name), records.dumps(data, separators=(",", ":")) + "\n")
    except (OSError, TypeError, ValueError) as exc:
        ctx.log(f"{name} not kept ({exc})")


def run_store_path(ctx: StepContext, name: str) -> Path:
    return ctx.workspace.step_cache_dir / f"{ctx.spec.id}.{name}.json"
