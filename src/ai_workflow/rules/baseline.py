"""The baseline: fingerprints of known findings, so later runs report only new ones.

A fingerprint is rule + path + normalised message + normalised content of the cited line, never
the line number, so findings keep their fingerprint when lines move. Messages are normalised by
collapsing whitespace and every run of digits (they quote line numbers, counts and ranks that
move with the code). The baseline is a multiset per step: two identical findings need two
entries, and an entry is only matched by a finding of the step that recorded it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.errors import UsageError
from ai_workflow.findings import Finding
from ai_workflow.rules.sources import SourceLines
from ai_workflow.textfiles import read_bytes, why_unreadable

BASELINE_FILE = ".ai-workflow-baseline.json"
BASELINE_SCHEMA = "ai-workflow/baseline@1"
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")


def normalise_message(message: str) -> str:
    return _DIGITS.sub("0", _SPACE.sub(" ", message).strip())


def normalise_line(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def fingerprint(rule: str, path: str | None, message: str, line_text: str | None) -> str:
    key = "\0".join((rule, path or "", normalise_message(message), normalise_line(line_text)))
    return hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:32]


def finding_fingerprint(finding: Finding, sources: SourceLines) -> str:
    """The finding's fingerprint, the cited line read from the project as it is now."""
    text = sources.line(finding.path, finding.line) if finding.line else None
    return fingerprint(finding.rule, finding.path, finding.message, text)


class BaselineError(UsageError):
    """A baseline file that cannot be used: exit 2 with the reason."""


@dataclass(frozen=True)
class Baseline:
    path: Path
    entries: tuple[Mapping[str, Any], ...]
    created_at: str | None = None
    run_id: str | None = None

    def counter(self, step_id: str) -> Counter[str]:
        """The fingerprints of `step_id`'s entries (an entry without a step: every step's)."""
        return Counter(
            str(e["fingerprint"]) for e in self.entries if e.get("step") in (step_id, None)
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "entries": len(self.entries),
            "created_at": self.created_at,
            "run_id": self.run_id,
        }


def load_baseline(path: Path) -> Baseline | None:
    """The baseline at `path`; None when there is none; BaselineError when it is unusable."""
    if not path.exists() and not path.is_symlink():
        return None
    raw = read_bytes(path, root=path.parent)  # a regular file of the project, never a link out
    try:
        if raw is None:
            raise OSError(why_unreadable(path, path.parent) or "unreadable")
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read the baseline {path}: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(
            f"the baseline {path} is not valid JSON (line {exc.lineno}: {exc.msg}); "
            "write it again with `ai-workflow baseline` or delete it"
        ) from None
    return _validate(path, data)


def _validate(path: Path, data: Any) -> Baseline:
    fix = "write it again with `ai-workflow baseline` or delete it"
    if not isinstance(data, dict) or data.get("schema") != BASELINE_SCHEMA:
        found = data.get("schema") if isinstance(data, dict) else type(data).__name__
        raise BaselineError(
            f"the baseline {path} is not an ai-workflow baseline (schema {found!r}, expected "
            f"{BASELINE_SCHEMA!r}); {fix}"
        )
    entries = data.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"the baseline {path} has no 'findings' list; {fix}")
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(
                f"the baseline {path}: findings[{index}] has no 'fingerprint' string; {fix}"
            )
    return Baseline(path, tuple(entries), data.get("created_at"), data.get("run_id"))


def baseline_document(findings: Iterable[Mapping[str, Any]], run_id: str | None) -> dict[str, Any]:
    """The baseline file's content for `findings` (finding dicts with a fingerprint)."""
    entries = sorted(
        (
            {
                "fingerprint": str(f["fingerprint"]),
                "step": f.get("step") or None,
                "rule": f.get("rule"),
                "path": f.get("path"),
                "message": f.get("message"),
            }
            for f in findings
        ),
        key=lambda e: (
            str(e["path"] or ""),
            str(e["rule"]),
            str(e["message"]),
            str(e["fingerprint"]),
        ),
    )
    return {
        "schema": BASELINE_SCHEMA,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "run_id": run_id,
        "findings": entries,
    }


def write_baseline(path: Path, document: Mapping[str, Any]) -> None:
    """Write the baseline atomically, readable by everyone like any project file."""
    write_atomic(path, json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    path.chmod(0o644)
