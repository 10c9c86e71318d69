"""The JSON the model must answer with, and its validation. AI output is data: never executed."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ai_workflow.workdir import WORKDIR_NAMES

PROPOSALS_STEP = "test_generation"
COMMIT_STEP = "git_finalization"
MAX_FINDINGS = 50
MAX_PROPOSALS = 5
MAX_PROPOSAL_CHARS = 100_000
CONVENTIONAL_TYPES = (
    "feat",
    "fix",
    "docs",
    "style",
    "refactor",
    "perf",
    "test",
    "build",
    "ci",
    "chore",
    "revert",
)
SUBJECT_MAX = 72
_SUBJECT = re.compile(
    rf"^(?P<type>{'|'.join(CONVENTIONAL_TYPES)})(?:\((?P<scope>[A-Za-z0-9._/\- ]+)\))?!?: \S"
)
_LOG_LINE = re.compile(r"^\s*\[(?:\d{4}-\d\d-\d\d[^\]]*|INFO|SUCCESS|WARNING|ERROR|STEP)\]")
_FORBIDDEN_PARTS = {".git", *WORKDIR_NAMES}


class AIFinding(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    rule: str = Field(min_length=1, max_length=80)
    severity: Literal["error", "warning", "info"]
    path: str = Field(min_length=1, max_length=500)  # checked against the project later
    line: int = Field(ge=1)
    message: str = Field(min_length=1, max_length=2000)


class Proposal(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    path: str = Field(min_length=1, max_length=500)
    content: str = Field(min_length=1, max_length=MAX_PROPOSAL_CHARS)


def response_schema(step_id: str) -> dict[str, Any]:
    """The JSON Schema shown to the model (and checked against the validator in the tests)."""
    from ai_workflow.ai.answers import allowed_rules  # lazy: answers imports this module

    finding = {
        "type": "object",
        "required": ["rule", "severity", "path", "line", "message"],
        "properties": {
            "rule": {"enum": list(allowed_rules(step_id))},
            "severity": {"enum": ["error", "warning", "info"]},
            "path": {"type": "string", "minLength": 1, "maxLength": 500},
            "line": {"type": "integer", "minimum": 1},
            "message": {"type": "string", "minLength": 1, "maxLength": 2000},
        },
    }
    properties: dict[str, Any] = {
        "summary": {"type": "string"},
        "findings": {"type": "array", "items": finding, "maxItems": MAX_FINDINGS},
    }
    if step_id == PROPOSALS_STEP:
        properties["proposals"] = {
            "type": "array",
            "maxItems": MAX_PROPOSALS,
            "items": {
                "type": "object",
                "required": ["path", "content"],
                "properties": {
                    "path": {"type": "string", "minLength": 1, "maxLength": 500},
                    "content": {"type": "string", "minLength": 1},
                },
            },
        }
    if step_id == COMMIT_STEP:
        properties["commit_message"] = {"type": "string", "minLength": 1}
    return {"type": "object", "required": ["summary", "findings"], "properties": properties}


LENGTH_KEYWORDS = frozenset({"minLength", "maxLength", "minItems", "maxItems"})
TOKENS_PER_FINDING = 100  # output room one finding of an answer takes, about
SUMMARY_TOKENS = 100


def findings_room(output_tokens: int) -> int:
    """How many findings an answer can hold within `output_tokens` (at least 1)."""
    return max(1, min(MAX_FINDINGS, (output_tokens - SUMMARY_TOKENS) // TOKENS_PER_FINDING))


def structured_output_schema(schema: Any, max_items: int | None = None) -> Any:
    """`schema` for a server's structured-output mode: without string length limits (llama.cpp
    turns `maxLength: 2000` into a grammar of 2,000 nested rules that it then fails to parse,
    and OpenAI's strict mode refuses the keywords; the limits are still checked on the
    answer), and, with `max_items`, every array capped at that many items. The cap is what
    lets a small model finish: under a grammar with no end to the list, SmolLM2-135M repeated
    one finding until the output limit cut the answer; with the cap the grammar closes it."""
    if isinstance(schema, dict):
        kept = {
            k: structured_output_schema(v, max_items)
            for k, v in schema.items()
            if k not in LENGTH_KEYWORDS
        }
        if max_items is not None and schema.get("type") == "array":
            kept["maxItems"] = min(max_items, int(schema.get("maxItems", max_items)))
        return kept
    if isinstance(schema, list):
        return [structured_output_schema(v, max_items) for v in schema]
    return schema


class ResponseError(ValueError):
    """The model's answer is not the JSON object asked for."""


@dataclass
class ParsedResponse:
    summary: str
    findings: list[AIFinding] = field(default_factory=list)
    proposals: list[Proposal] = field(default_factory=list)
    commit_message: str | None = None
    rejected: list[str] = field(default_factory=list)  # why items were dropped, one line each


def extract_json(text: str) -> Any:
    """The JSON value in `text`: bare, in a Markdown fence, or between the outer braces."""
    stripped = text.strip()
    fence = re.match(r"^```[A-Za-z0-9]*\s*\n(.*?)\n?```\s*$", stripped, re.S)
    if fence:
        stripped = fence.group(1).strip()
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as first:
        start, end = stripped.find("{"), stripped.rfind("}")
        if 0 <= start < end:
            try:
                return json.loads(stripped[start : end + 1])
            except json.JSONDecodeError:
                pass
        raise ResponseError(f"not valid JSON: {first.msg} at line {first.lineno}") from None


def safe_relative_path(path: str) -> str | None:
    """`path` normalised if it stays inside the project and outside .git and our work directory."""
    if not path or "\\" in path or "\0" in path or re.match(r"^[A-Za-z]:", path):
        return None
    pure = PurePosixPath(path)
    if pure.is_absolute():
        return None
    parts = [p for p in pure.parts if p not in ("", ".")]
    if not parts or ".." in parts or _FORBIDDEN_PARTS & set(parts):
        return None
    return "/".join(parts)


def validate_commit_message(message: str) -> tuple[str | None, str | None]:
    """(normalised message, None) when valid, else (None, reason)."""
    lines = [line.rstrip() for line in message.strip().splitlines()]
    if not lines or not lines[0]:
        return None, "empty commit message"
    subject = lines[0]
    if len(subject) > SUBJECT_MAX:
        return None, f"subject is {len(subject)} characters (max {SUBJECT_MAX})"
    if not _SUBJECT.match(subject):
        return None, "subject is not 'type(scope): description' with a conventional type"
    if any(_LOG_LINE.match(line) for line in lines):
        return None, "message contains log lines"
    if any(ord(c) < 32 and c != "\t" for line in lines for c in line):
        return None, "message contains control characters"
    if len(lines) > 1 and lines[1]:
        return None, "the subject must be followed by a blank line"
    return "\n".join(lines), None


def _items(raw: dict[str, Any], key: str, limit: int, rejected: list[str]) -> list[Any]:
    items = raw.get(key, [])
    if not isinstance(items, list):
        rejected.append(f"'{key}' is not a list")
        return []
    if len(items) > limit:
        rejected.append(f"{len(items) - limit} {key} beyond the first {limit} ignored")
    return items[:limit]


def _finding(item: Any, rejected: list[str]) -> AIFinding | None:
    try:
        finding = AIFinding.model_validate(item)
    except ValidationError as exc:
        rejected.append(f"finding dropped: {_first_error(exc)}")
        return None
    if finding.path is not None:
        safe = safe_relative_path(finding.path)
        if safe is None:
            rejected.append(f"finding dropped: path outside the project: {finding.path!r}")
            return None
        finding = finding.model_copy(update={"path": safe})
    return finding


def _proposal(item: Any, rejected: list[str]) -> Proposal | None:
    try:
        proposal = Proposal.model_validate(item)
    except ValidationError as exc:
        rejected.append(f"proposal dropped: {_first_error(exc)}")
        return None
    safe = safe_relative_path(proposal.path)
    if safe is None:
        rejected.append(f"proposal dropped: path outside the project: {proposal.path!r}")
        return None
    return proposal.model_copy(update={"path": safe})


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    where = ".".join(str(p) for p in err["loc"]) or "item"
    return f"{where}: {err['msg']}"


def parse_response(text: str, step_id: str) -> ParsedResponse:
    """Validate the model's answer; invalid items are dropped and listed, never raised.

    Raises ResponseError only when the answer as a whole is unusable (not a JSON object).
    """
    raw = extract_json(text)
    if not isinstance(raw, dict):
        raise ResponseError(f"expected a JSON object, got {type(raw).__name__}")
    if "findings" not in raw:
        raise ResponseError("the JSON object has no 'findings' list")
    rejected: list[str] = []
    summary = raw.get("summary", "")
    parsed = ParsedResponse(summary=summary if isinstance(summary, str) else "")
    for item in _items(raw, "findings", MAX_FINDINGS, rejected):
        finding = _finding(item, rejected)
        if finding is not None:
            parsed.findings.append(finding)
    if step_id == PROPOSALS_STEP:
        for item in _items(raw, "proposals", MAX_PROPOSALS, rejected):
            proposal = _proposal(item, rejected)
            if proposal is not None:
                parsed.proposals.append(proposal)
    if step_id == COMMIT_STEP and raw.get("commit_message") is not None:
        message = raw["commit_message"]
        valid, reason = validate_commit_message(message if isinstance(message, str) else "")
        if valid is None:
            rejected.append(f"commit message rejected: {reason}")
        parsed.commit_message = valid
    parsed.rejected = rejected
    return parsed
