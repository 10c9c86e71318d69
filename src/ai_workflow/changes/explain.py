"""`explain`: which fingerprint component of a step changed since its stored result.

Dependencies are predicted the same way: a dependency whose own fingerprint is unchanged would be
reused, so its stored result stands in for it; one that would run again makes the dependency
component unknown until the run.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ai_workflow.changes.cache import load_entry, load_files
from ai_workflow.changes.detect import display_path
from ai_workflow.changes.filecache import SHARED_STORES, explain_stores
from ai_workflow.changes.fingerprint import (
    COMPONENTS,
    Fingerprint,
    cacheable,
    compute_fingerprint,
    dependencies_read,
    file_ids,
)
from ai_workflow.changes.toolprobe import tool_versions
from ai_workflow.config import Config
from ai_workflow.engine.artifacts import Workspace
from ai_workflow.engine.process import run_command
from ai_workflow.engine.step import RunMemo, StepContext, StepResult, StepSpec

LISTED = 10  # names shown per kind of change


@dataclass
class Explanation:
    spec: StepSpec
    verdict: str  # reused | runs | never-cached | no-entry
    headline: str
    changed: dict[str, list[str]] = field(default_factory=dict)  # component -> detail lines
    unchanged: list[str] = field(default_factory=list)
    stored_run: str | None = None
    per_file: list[str] = field(default_factory=list)  # per-file results: what runs again

    def render(self) -> str:
        lines = [self.headline]
        for component, details in self.changed.items():
            lines.append(f"  {component}: changed")
            lines += [f"    {line}" for line in details]
        if self.unchanged:
            lines.append(f"  unchanged: {', '.join(self.unchanged)}")
        lines += self.per_file
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "step": self.spec.id,
            "verdict": self.verdict,
            "headline": self.headline,
            "stored_run": self.stored_run,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "per_file": self.per_file,
        }


class _Explainer:
    def __init__(self, target: Path, config: Config, specs: Sequence[StepSpec]) -> None:
        self.target = target
        self.config = config
        self.specs = {spec.id: spec for spec in specs}
        self.workspace = Workspace(target, "explain")
        self.memo = RunMemo()
        self.predicted: dict[str, tuple[StepResult | None, str]] = {}

    @property
    def cache_dir(self) -> Path:
        return self.workspace.step_cache_dir

    def context(self, spec: StepSpec, results: Mapping[str, StepResult]) -> StepContext:
        return StepContext(
            target=self.target,
            run_id="explain",
            spec=spec,
            config=self.config,
            workspace=self.workspace,
            results=results,
            memo=self.memo,
            log=lambda message: None,
            cancel=threading.Event(),
            runner=run_command,
        )

    def fingerprint(self, spec: StepSpec) -> tuple[Fingerprint, dict[str, str]]:
        """The current fingerprint, and the dependencies whose result is unknown (and why)."""
        probe = self.context(spec, {})
        results: dict[str, StepResult] = {}
        unknown: dict[str, str] = {}
        for dep in dependencies_read(probe):
            result, why = self.predict(dep)
            if result is None:
                unknown[dep] = why
            else:
                results[dep] = result
        return compute_fingerprint(self.context(spec, results), tool_versions), unknown

    def predict(self, step_id: str) -> tuple[StepResult | None, str]:
        """The result a run would give a step without running it, if it would be reused."""
        if step_id not in self.predicted:
            self.predicted[step_id] = self._predict(step_id)
        return self.predicted[step_id]

    def _predict(self, step_id: str) -> tuple[StepResult | None, str]:
        spec = self.specs.get(step_id)
        if spec is None:
            return None, f"{step_id} is not in the workflow"
        if not cacheable(spec):
            return None, f"{step_id} always runs, its result is known only after the run"
        entry = load_entry(self.cache_dir, step_id)
        if entry is None:
            return None, f"{step_id} has no stored result"
        current, unknown = self.fingerprint(spec)
        if unknown or current.key != entry.get("key"):
            return None, f"{step_id} would run again (`ai-workflow explain {step_id}`)"
        return StepResult.from_dict(entry["result"]), "reused"

    def explain(self, spec: StepSpec) -> Explanation:
        explanation = self._explain(spec)
        ids = file_ids(self.context(spec, {}))
        explanation.per_file = explain_stores(self.cache_dir, spec.id, ids)
        for owner in SHARED_STORES.get(spec.id, ()):
            explanation.per_file += explain_stores(self.cache_dir, owner, ids)
        return explanation

    def _explain(self, spec: StepSpec) -> Explanation:
        if not cacheable(spec):
            why = "it mutates the project" if spec.mutates else "its result is about this run"
            headline = f"Step {spec.label}: never reused ({why}); it runs every time."
            return Explanation(spec, "never-cached", headline)
        entry = load_entry(self.cache_dir, spec.id)
        if entry is None:
            headline = (
                f"Step {spec.label}: no stored fingerprint yet; it runs, and is stored once it "
                "passes with the step cache on."
            )
            return Explanation(spec, "no-entry", headline)
        current, unknown = self.fingerprint(spec)
        return self._compare(spec, entry, current, unknown)

    def _compare(
        self,
        spec: StepSpec,
        entry: Mapping[str, Any],
        current: Fingerprint,
        unknown: Mapping[str, str],
    ) -> Explanation:
        run_id = str(entry.get("run_id"))
        stored = entry.get("components", {})
        changed: dict[str, list[str]] = {}
        for name in COMPONENTS:
            if name == "dependencies" and unknown:
                changed[name] = [f"unknown: {why}" for why in unknown.values()]
            elif stored.get(name) != current.components.get(name):
                changed[name] = self._details(name, spec, entry, current)
        unchanged = [name for name in COMPONENTS if name not in changed]
        if changed:
            names = ", ".join(changed)
            headline = f"Step {spec.label}: runs again; changed since {run_id}: {names}."
            return Explanation(spec, "runs", headline, changed, unchanged, run_id)
        headline = f"Step {spec.label}: would be reused from {run_id} (inputs unchanged)."
        return Explanation(spec, "reused", headline, {}, unchanged, run_id)

    def _details(
        self, name: str, spec: StepSpec, entry: Mapping[str, Any], current: Fingerprint
    ) -> list[str]:
        old = entry.get("details", {}).get(name)
        new = current.details.get(name)
        if name == "files":
            return file_changes(load_files(self.cache_dir, spec.id), current.files)
        if name == "schema":
            return ["the fingerprint key schema changed (new ai-workflow)"]
        if name == "ai_workflow":
            return [f"{old} -> {new}"]
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            return value_changes(old, new)
        return [f"{_short(old)} -> {_short(new)}"]


def _short(value: Any) -> str:
    text = display_path(str(value)).replace("\n", " | ")
    return text if len(text) <= 120 else text[:117] + "..."


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping) and value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix: value}


def value_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """`key: old -> new` for every leaf that differs (dotted keys)."""
    before, after = _flatten(old), _flatten(new)
    lines = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            lines.append(f"{key}: {_short(before.get(key))} -> {_short(after.get(key))}")
    return lines


def file_changes(old: Mapping[str, str] | None, new: Mapping[str, str]) -> list[str]:
    if old is None:
        return ["the stored file list is missing"]
    groups = {
        "modified": sorted(p for p in new if p in old and old[p] != new[p]),
        "added": sorted(p for p in new if p not in old),
        "removed": sorted(p for p in old if p not in new),
    }
    lines = []
    for kind, paths in groups.items():
        if paths:
            shown = ", ".join(display_path(p).replace("\n", "\\n") for p in paths[:LISTED])
            more = f" and {len(paths) - LISTED} more" if len(paths) > LISTED else ""
            lines.append(f"{len(paths)} {kind}: {shown}{more}")
    return lines or ["same files, different ids (content or mode)"]


def explain_step(
    target: Path, config: Config, specs: Sequence[StepSpec], step_id: str
) -> Explanation:
    """Explain whether `step_id` would be reused, and which components changed if not."""
    explainer = _Explainer(target, config, specs)
    return explainer.explain(explainer.specs[step_id])
