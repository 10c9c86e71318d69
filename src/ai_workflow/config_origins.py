"""The effective configuration, value by value, with where each value came from.

The layers are those of `config.load_config` (defaults < project file < `AI_WORKFLOW_*`
environment < command line); a value's origin is the last layer that sets it. Values are
listed per leaf: a section's keys one by one, and the entries of a mapping (such as
`rules.severity`) one by one, because layers merge mappings key by key.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ai_workflow import original_config
from ai_workflow.config import (
    ENV_PREFIX,
    Config,
    _env_key,
    _read_project_file,
    _Source,
    load_config,
)

DEFAULT = "default"


@dataclass(frozen=True)
class Setting:
    key: str  # dotted: "run.jobs", "rules.severity.md/MD013"
    value: Any  # as JSON would hold it
    source: str  # "default", "<file>, line N", "environment AI_WORKFLOW_JOBS", "command line"

    @property
    def is_default(self) -> bool:
        return self.source == DEFAULT

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "value": self.value, "source": self.source}


@dataclass(frozen=True)
class _Layer:
    data: Mapping[str, Any]
    describe: Callable[[tuple[str, ...]], str]


def effective_settings(
    target: Path,
    *,
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    project_file: bool = True,
) -> tuple[list[Setting], str | None]:
    """Every setting of the merged configuration with its origin, and the project file's label
    (`project_file=False`: `--no-project-config`). Raises ConfigError exactly as a run would."""
    env = os.environ if environ is None else environ
    config = load_config(
        target,
        config_file=config_file,
        overrides=overrides,
        environ=env,
        project_file=project_file,
    )
    read = project_file or config_file is not None
    project = _read_project_file(target, config_file) if read else None
    layers = []  # highest precedence first
    if overrides:
        layers.append(_Layer(overrides, lambda path: "command line"))
    env_data, env_names = _environment(env)
    layers.append(_Layer(env_data, lambda path: f"environment {env_names[path[:2]]}"))
    label = project.label if project else None
    if project is not None:
        original = _original_layer(project)
        layers.append(original or _Layer(project.data, project.where))
        label = f"{label} (original format)" if original else label
    settings = [
        Setting(".".join(path), value, _origin(path, layers))
        for path, value in _leaves(config.model_dump(mode="json"), ())
    ]
    return settings, label


def _original_layer(project: _Source) -> _Layer | None:
    """The original Bash tool's file as the layer it amounts to: each value is named by the
    original key it came from (`structure.src_dirs` for `structure.source_dirs`)."""
    if project.yaml_text is None or not original_config.is_original_format(project.data, Config):
        return None
    translation = original_config.translate(project.data)

    def describe(path: tuple[str, ...]) -> str:
        origin = translation.origins.get((path[0], path[1])) if len(path) > 1 else None
        if origin is None:
            return project.label
        where = project.where(tuple(origin.split(".")))
        return where if origin == ".".join(path[:2]) else f"{where} ({origin})"

    return _Layer(translation.data, describe)


def _environment(environ: Mapping[str, str]) -> tuple[dict[str, Any], dict[tuple[str, ...], str]]:
    """The environment layer's keys (values do not matter here) and each key's variable."""
    data: dict[str, Any] = {}
    names: dict[tuple[str, ...], str] = {}
    for var in sorted(environ):
        if not var.startswith(ENV_PREFIX):
            continue
        section, key = _env_key(var[len(ENV_PREFIX) :].lower())
        if section is None or key is None:
            continue
        data.setdefault(section, {})[key] = _Present
        names[(section, key)] = var
    return data, names


class _Present:
    """Marks a key the environment sets; any value below it comes from there too."""


def _leaves(value: Any, path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict) and value:
        out: list[tuple[tuple[str, ...], Any]] = []
        for key, child in value.items():
            out.extend(_leaves(child, (*path, str(key))))
        return out
    return [(path, value)]


def _origin(path: tuple[str, ...], layers: list[_Layer]) -> str:
    for layer in layers:
        if _sets(layer.data, path):
            return layer.describe(path)
    return DEFAULT


def _sets(data: Any, path: tuple[str, ...]) -> bool:
    node = data
    for part in path:
        if node is _Present:
            return True
        if not isinstance(node, Mapping) or part not in node:
            return False
        node = node[part]
    return True
