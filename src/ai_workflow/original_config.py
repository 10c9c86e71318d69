"""`.workflow-config.yaml` files written for the original Bash tool (its main script is
`execute_tests_docs_workflow.sh`).

That tool reads the same file name with another schema: `project.type`, `tech_stack.lint_commands`,
`structure.exclude_patterns`, `workflow.steps` as its own step scripts (ids like `0a`, `01.5`,
with `file`, `phase`, `can_parallelize`, `ai_persona`), `audio`, `optimization`, ... A file is
taken for the original's when it has a key only the original knows and nothing that says it is
ours: no key only our schema has, and no unknown key that looks like a misspelling of one of
ours (that stays a configuration error, with its suggestion). What maps is used: the project's
name, language, test and lint commands, source/test/docs directories, excluded directories, the
AI cache settings; everything else is named as ignored.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml
from pydantic import BaseModel

ORIGINAL_KEYS: dict[str, frozenset[str]] = {
    "project": frozenset({"name", "type", "description", "kind", "version"}),
    "tech_stack": frozenset(
        {
            "primary_language", "build_system", "test_framework", "test_command",
            "lint_command", "lint_commands", "linter", "framework", "test_patterns",
            "documentation_tool", "api_doc_command",
        }
    ),
    "structure": frozenset(
        {
            "source_dirs", "src_dirs", "test_dirs", "docs_dirs", "exclude_dirs",
            "exclude_patterns", "ui_dirs", "css_dirs", "static_assets",
        }
    ),
    "workflow": frozenset(
        {"steps", "phases", "execution", "checkpoints", "metrics", "auto_commit", "settings"}
    ),
    "ai": frozenset({"cache_enabled", "cache_ttl_hours", "max_retries"}),
    "dependencies": frozenset(),  # a section of the original too, with keys of its own
}  # fmt: skip
"""The keys the original tool documents in the sections our schema has too."""

ORIGINAL_SECTIONS = frozenset(
    {
        "audio", "optimization", "git", "hooks", "ai_cache", "ai_personas", "conditionals",
        "change_patterns", "change_detection",
    }
)  # fmt: skip
"""Top-level sections only the original tool has."""

ORIGINAL_STEP_KEYS = frozenset({"file", "phase", "can_parallelize", "ai_persona"})
"""Keys of an entry of the original's `workflow.steps` (ours has `run`, `depends_on`)."""

LANGUAGE_NAMES = {"bash": "shell", "sh": "shell", "zsh": "shell", "node": "javascript",
                  "nodejs": "javascript", "js": "javascript", "ts": "typescript"}  # fmt: skip
"""The original's language names that ours spells differently."""

TYPO_CUTOFF = 0.8
_PLAIN_DIR = re.compile(r"^(?:\./)?(?P<dir>[^*?\[\]{}!]+?)/?(?:/\*\*(?:/\*)?)?$")
"""An exclude pattern that names a directory: `vendor`, `build/`, `node_modules/**`."""


@dataclass
class Translation:
    """The equivalent configuration in our format, and what was used and ignored."""

    data: dict[str, Any] = field(default_factory=dict)
    used: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    origins: dict[tuple[str, str], str] = field(default_factory=dict)  # ours -> the original key

    def put(self, section: str, key: str, value: Any, origin: str) -> None:
        self.data.setdefault(section, {})[key] = value
        self.origins[(section, key)] = origin
        if origin not in self.used:
            self.used.append(origin)


def is_original_format(data: Mapping[str, Any], ours: type[BaseModel]) -> bool:
    """Whether `data` (a parsed `.workflow-config.yaml`) is written for the original tool."""
    has_signature = False
    for section, key, value in _keys(data):
        known_here = _our_fields(ours, section)
        if key is None:  # a top-level section
            if section in ORIGINAL_SECTIONS:
                has_signature = True
            elif known_here is not None and section not in ORIGINAL_KEYS:
                return False  # run, rules, smart_execution...: ours
            elif known_here is None and _looks_like_typo(section, set(ours.model_fields), data):
                return False
            continue
        if known_here is None:
            continue
        if key in known_here:
            if key not in ORIGINAL_KEYS.get(section, frozenset()):
                return False  # a key only ours has
            if section == "workflow" and key == "steps":
                if _original_steps(value) is True:
                    has_signature = True
                elif _original_steps(value) is False:
                    return False
            continue
        if key in ORIGINAL_KEYS.get(section, frozenset()):
            has_signature = True
        elif _looks_like_typo(key, known_here, data.get(section)):
            return False
    return has_signature


def _keys(data: Mapping[str, Any]) -> Iterator[tuple[str, str | None, Any]]:
    """(section, None, value) for each top-level key, then (section, key, value) inside it."""
    for section, body in data.items():
        yield str(section), None, body
        if isinstance(body, Mapping):
            for key, value in body.items():
                yield str(section), str(key), value


def _our_fields(ours: type[BaseModel], section: str) -> set[str] | None:
    """The keys our schema allows in `section`, None when it has no such section."""
    model_field = ours.model_fields.get(section)
    annotation = model_field.annotation if model_field else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return set(annotation.model_fields)
    return None


def _original_steps(value: Any) -> bool | None:
    """True for the original's step list (or its enabled/skip mapping), False for ours, None
    when it says neither (empty)."""
    if isinstance(value, Mapping):
        return True  # `steps: {enabled: [...], skip: [...]}`
    if not isinstance(value, list) or not value:
        return None
    entries = [e for e in value if isinstance(e, Mapping)]
    if any("run" in e for e in entries):
        return False
    return any(ORIGINAL_STEP_KEYS & set(e) for e in entries) or None


def _looks_like_typo(key: str, ours: set[str], section: Any) -> bool:
    """An unknown key close to one of our keys that the same section does not also set."""
    present = set(section) if isinstance(section, Mapping) else set()
    close = difflib.get_close_matches(key, sorted(ours), n=1, cutoff=TYPO_CUTOFF)
    return bool(close) and close[0] not in present


# ----------------------------------------------------------------------------- translation


def translate(data: Mapping[str, Any]) -> Translation:
    """The configuration of ours that an original-format file amounts to."""
    out = Translation()
    project = _section(data, "project")
    if isinstance(project.get("name"), str):
        out.put("project", "name", project["name"], "project.name")
    stack = _section(data, "tech_stack")
    language = stack.get("primary_language")
    if isinstance(language, str) and language.strip():
        name = language.strip().lower()
        out.put("tech_stack", "primary_language", LANGUAGE_NAMES.get(name, name),
                "tech_stack.primary_language")  # fmt: skip
    for key in ("test_command", "lint_command"):
        if isinstance(stack.get(key), str) and stack[key].strip():
            out.put("tech_stack", key, stack[key].strip(), f"tech_stack.{key}")
    _translate_structure(_section(data, "structure"), out)
    _translate_ai(_section(data, "ai"), out)
    out.ignored = [k for k in _all_keys(data) if k not in out.used] + out.ignored
    return out


def _section(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    body = data.get(name)
    return body if isinstance(body, Mapping) else {}


def _dirs(value: Any) -> list[str]:
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return [item.strip().rstrip("/") for item in items if isinstance(item, str) and item.strip()]


def _translate_structure(structure: Mapping[str, Any], out: Translation) -> None:
    for ours, theirs in (
        ("source_dirs", "source_dirs"),
        ("source_dirs", "src_dirs"),
        ("test_dirs", "test_dirs"),
        ("docs_dirs", "docs_dirs"),
    ):
        dirs = _dirs(structure.get(theirs))
        if dirs:
            known = out.data.get("structure", {}).get(ours, [])
            out.put("structure", ours, [*known, *(d for d in dirs if d not in known)],
                    f"structure.{theirs}")  # fmt: skip
    excluded = _dirs(structure.get("exclude_dirs"))
    if excluded:
        out.put("structure", "exclude_dirs", excluded, "structure.exclude_dirs")
    patterns = structure.get("exclude_patterns")
    for pattern in patterns if isinstance(patterns, list) else []:
        match = _PLAIN_DIR.match(pattern.strip()) if isinstance(pattern, str) else None
        if match is None:
            out.ignored.append(f"structure.exclude_patterns: {pattern}")
            continue
        known = out.data.get("structure", {}).get("exclude_dirs", [])
        if match["dir"] not in known:
            out.put("structure", "exclude_dirs", [*known, match["dir"]],
                    "structure.exclude_patterns")  # fmt: skip


def _translate_ai(ai: Mapping[str, Any], out: Translation) -> None:
    ttl = ai.get("cache_ttl_hours")
    if isinstance(ttl, int | float) and not isinstance(ttl, bool) and ttl > 0:
        out.put("ai", "cache_ttl_hours", ttl, "ai.cache_ttl_hours")
    retries = ai.get("max_retries")
    if isinstance(retries, int) and not isinstance(retries, bool) and 0 <= retries <= 10:
        out.put("ai", "max_retries", retries, "ai.max_retries")
    if ai.get("cache_enabled") is False:
        out.put("run", "ai_cache", False, "ai.cache_enabled")


def _all_keys(data: Mapping[str, Any]) -> list[str]:
    """Every key as `section.key` (a whole section by its name when it is not a mapping, or one
    we read nothing from)."""
    keys = []
    for section, body in data.items():
        if isinstance(body, Mapping) and str(section) in ORIGINAL_KEYS:
            keys += [f"{section}.{key}" for key in body]
        else:
            keys.append(str(section))
    return keys


def describe(label: str, translation: Translation) -> str:
    """The one warning a run gives about an original-format file."""
    used = ", ".join(translation.used) or "nothing"
    ignored = [k for k in translation.ignored if not k.startswith("structure.exclude_patterns:")]
    patterns = len(translation.ignored) - len(ignored)
    if patterns:
        ignored.append(f"{patterns} exclude pattern(s) that name no directory")
    return (
        f"{label} is written for the original ai_workflow Bash tool: using {used}; ignoring "
        f"{', '.join(ignored) or 'nothing'} (`ai-workflow migrate-config` shows it in this "
        "tool's format)"
    )


def render(label: str, translation: Translation) -> str:
    """The translation as a `.workflow-config.yaml` of ours, with what was left out."""
    lines = [
        "# ai-workflow configuration, migrated from the original ai_workflow Bash tool's",
        f"# {label} by `ai-workflow migrate-config`.",
        "# Taken over: " + (", ".join(translation.used) or "nothing"),
    ]
    if translation.ignored:
        lines.append("# Left out (no equivalent here; steps, phases and personas are built in):")
        lines += [f"#   {key}" for key in translation.ignored]
    body = (
        yaml.safe_dump(translation.data, sort_keys=False, allow_unicode=True)
        if (translation.data)
        else "{}\n"
    )
    return "\n".join(lines) + "\n" + body
