"""Persona prompt templates: versioned TOML data files shipped in `ai_workflow/ai/prompts/`."""

from __future__ import annotations

import functools
import json
import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ai_workflow.ai.schema import response_schema

PROMPTS_PACKAGE = "ai_workflow.ai.prompts"
COMMON = "_common"


class TemplateError(Exception):
    """A template file is missing or malformed (a packaging bug, reported as an AI warning)."""


@dataclass(frozen=True)
class PromptTemplate:
    step_id: str
    version: str  # "<step version>.<common version>": part of the AI cache key
    role: str
    task: str
    approach: tuple[str, ...]
    output_format: str
    context_notice: str
    file_name: str

    def system_text(self, persona: str | None) -> str:
        """The static instructions: identical from run to run, so provider prompt caching works."""
        approach = "\n".join(f"{n}. {step}" for n, step in enumerate(self.approach, start=1))
        persona_line = f" (persona: {persona})" if persona and persona not in self.role else ""
        return (
            f"# Role\n{self.role}{persona_line}\n\n# Task\n{self.task.strip()}\n\n"
            f"# Approach\n{approach}\n\n# Output format\n{self.output_format.strip()}\n"
        )


def _load_toml(name: str) -> dict[str, Any]:
    try:
        # raw read: package data shipped with ai-workflow
        text = resources.files(PROMPTS_PACKAGE).joinpath(f"{name}.toml").read_text("utf-8")
        return tomllib.loads(text)
    except FileNotFoundError:
        raise TemplateError(f"no prompt template for step '{name}'") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TemplateError(f"prompt template {name}.toml is invalid: {exc}") from None


def _text(data: dict[str, Any], key: str, name: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise TemplateError(f"prompt template {name}.toml: '{key}' must be a non-empty string")
    return value


def available_templates() -> list[str]:
    """Step ids that have a template."""
    names = (p.name for p in resources.files(PROMPTS_PACKAGE).iterdir())
    return sorted(n[:-5] for n in names if n.endswith(".toml") and not n.startswith("_"))


@functools.cache
def load_template(step_id: str) -> PromptTemplate:
    """The template of `step_id`; raises TemplateError when missing or malformed."""
    common = _load_toml(COMMON)
    data = _load_toml(step_id)
    approach = data.get("approach", [])
    if not isinstance(approach, list) or not all(isinstance(a, str) for a in approach):
        raise TemplateError(f"prompt template {step_id}.toml: 'approach' must be a list of text")
    schema = json.dumps(response_schema(step_id), sort_keys=True)
    output = _text(common, "output_format", COMMON).replace("{schema}", schema)
    extra = data.get("output_extra")
    if isinstance(extra, str) and extra.strip():
        output = f"{output.strip()}\n{extra.strip()}"
    return PromptTemplate(
        step_id=step_id,
        version=f"{data.get('version', 0)}.{common.get('version', 0)}",
        role=_text(data, "role", step_id),
        task=_text(data, "task", step_id),
        approach=tuple(approach),
        output_format=output,
        context_notice=_text(common, "context_notice", COMMON).strip(),
        file_name=f"{step_id}.toml",
    )
