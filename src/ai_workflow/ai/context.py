"""Build a step's prompt: static instructions first, variable context last, within a budget.

The context is, in priority order: the step's deterministic findings, its data, the diff of the
changed files (against smart execution's change base when the run has one, else HEAD~1), and
excerpts of the files the findings point at. Every piece is redacted before it is measured; a
piece that does not fit is left out and listed, never silently cut. Files on the secret
deny-list (by their own name or, for a symlink, the name of the file it leads to) are never
read, nor is anything but a regular file inside the target (`textfiles.read_bytes`).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ai_workflow.ai.redact import is_denied, redact
from ai_workflow.ai.templates import PromptTemplate
from ai_workflow.ai.tokens import TokenCounter
from ai_workflow.checkout import without_checkout
from ai_workflow.engine.hooks import CHANGES_MEMO_KEY
from ai_workflow.engine.step import StepContext, StepOutcome
from ai_workflow.findings import Finding, sort_findings
from ai_workflow.gitutil import GitError, git
from ai_workflow.textfiles import inside, read_bytes
from ai_workflow.workdir import is_workdir_path

OMISSION_RESERVE = 200  # tokens kept for the list of what was left out
EXCERPT_RADIUS = 20  # lines either side of a finding's line
EXCERPT_HEAD = 80  # lines shown of a file without a line number
MAX_FILE_BYTES = 1_000_000
MAX_EXCERPT_FILES = 20


@dataclass
class BuiltPrompt:
    system: str
    user: str
    tokens: int
    budget: int
    tokenizer: str
    omitted: list[str] = field(default_factory=list)  # "3 files omitted: budget"
    excluded: list[str] = field(default_factory=list)  # deny-listed paths never read
    redactions: Counter[str] = field(default_factory=Counter)


class _Budget:
    """Adds redacted pieces while they fit, counting what was left out by kind. Each piece is
    first made the same for every run and runner (`prepare`), so that redaction, which looks
    at the text around a value, decides alike on every runner."""

    def __init__(
        self, counter: TokenCounter, tokens_left: int, prepare: Callable[[str], str] = str
    ) -> None:
        self.counter = counter
        self.prepare = prepare
        self.left = tokens_left
        self.redactions: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()

    def take(self, text: str, kind: str) -> str | None:
        cleaned = redact(self.prepare(text))
        cost = self.counter.count(cleaned.text)
        if cost > self.left:
            self.dropped[kind] += 1
            return None
        self.left -= cost
        self.redactions.update(cleaned.counts)
        return cleaned.text


def step_budget(ctx: StepContext) -> int:
    return ctx.config.ai.step_budgets.get(ctx.spec.id, ctx.config.ai.prompt_token_budget)


def changed_files(ctx: StepContext) -> list[str]:
    pre = ctx.result_of("pre_analysis")
    raw = pre.data.get("changed_files", []) if pre is not None else []
    paths = []
    for item in raw if isinstance(raw, list) else []:
        path = item.get("path") if isinstance(item, dict) else item
        if isinstance(path, str) and path and not is_workdir_path(ctx.target, path):
            paths.append(path)
    return paths


def _finding_line(finding: Finding) -> str:
    where = finding.path or "-"
    if finding.line:
        where += f":{finding.line}"
    return f"- [{finding.severity.value}] {finding.rule} {where}: {finding.message}"


def valid_text(text: str) -> str:
    """`text` as valid UTF-8: bytes git or a file held that are not UTF-8 (surrogate escapes,
    lone surrogates) become U+FFFD, so a prompt can always be saved and sent."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        return text.encode("utf-8", "replace").decode("utf-8")


def _parent_base(target: Path) -> str | None:
    for rev in ("HEAD~1", "HEAD"):
        try:
            git(target, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}")
            return rev
        except GitError:
            continue
    return None


@dataclass(frozen=True)
class DiffBase:
    rev: str  # what `git diff` is given
    change_base: bool  # True: smart execution's base; False: HEAD~1 (HEAD with one commit)


def _change_base(ctx: StepContext) -> str | None:
    """The commit smart execution measures this run's changes from (the merge base with
    `--base`/CI base, or the last passed run's commit), when it is on and the base is known:
    what the run's skip policy found, as the engine keeps it in the run memo."""
    changes: dict[str, Any] = ctx.memo.get(CHANGES_MEMO_KEY, dict)
    if not changes.get("known") or not changes.get("base"):
        return None
    return str(changes.get("merge_base") or changes["base"])


def diff_base(ctx: StepContext) -> DiffBase | None:
    """What the prompt's diff is taken against (once per run): the change base, else HEAD~1."""

    def compute() -> DiffBase | None:
        base = _change_base(ctx)
        if base is not None:
            return DiffBase(base, True)
        parent = _parent_base(ctx.target)
        return DiffBase(parent, False) if parent is not None else None

    return ctx.memo.get("ai.diff_base", compute)


def file_diffs(target: Path, paths: list[str], base: str) -> dict[str, str]:
    """Per-file `git diff` of the working tree against `base` (see `diff_base`)."""
    if not paths:
        return {}
    try:
        raw = git(
            target,
            "--literal-pathspecs",
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--no-textconv",
            base,
            "--",
            *paths,
        )
    except GitError:
        return {}
    diffs: dict[str, str] = {}
    current: list[str] = []
    for line in raw.splitlines(keepends=True):
        if line.startswith("diff --git ") and current:
            _store_diff(diffs, current)
            current = []
        current.append(line)
    if current:
        _store_diff(diffs, current)
    return diffs


def _store_diff(diffs: dict[str, str], lines: list[str]) -> None:
    header = lines[0].rstrip("\n")
    path = next(
        (ln[6:].rstrip("\n") for ln in lines if ln.startswith("+++ b/")),
        header.rsplit(" b/", 1)[-1],
    )
    diffs[path] = valid_text("".join(lines))  # Latin-1 notes.txt: git gives surrogates


def _read_text(target: Path, rel: str) -> list[str] | None:
    data = read_bytes(target / rel, limit=MAX_FILE_BYTES, root=target)
    if data is None:
        return None
    if b"\0" in data[:8192]:
        return None
    return data.decode("utf-8", errors="replace").splitlines()


def _windows(lines: Iterable[int], total: int) -> list[tuple[int, int]]:
    spans = sorted((max(1, n - EXCERPT_RADIUS), min(total, n + EXCERPT_RADIUS)) for n in lines)
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def excerpt(target: Path, rel: str, lines: set[int]) -> str | None:
    """Numbered lines of `rel` around `lines` (or its head), as a Markdown block."""
    text = _read_text(target, rel)
    if text is None:
        return None
    spans = _windows(lines, len(text)) if lines else [(1, min(len(text), EXCERPT_HEAD))]
    parts = [f"### {rel}\n"]
    for start, end in spans:
        body = "\n".join(f"{n:>5} | {text[n - 1]}" for n in range(start, end + 1))
        parts.append(f"lines {start}-{end}:\n```\n{body}\n```\n")
    if not lines and len(text) > EXCERPT_HEAD:
        parts.append(f"({len(text) - EXCERPT_HEAD} more lines not shown)\n")
    return "".join(parts)


VOLATILE_KEYS = frozenset(
    {"duration_s", "started_at", "ended_at", "elapsed_s", "timestamp", "generated_at", "run_id"}
)
"""Data keys that change on every run: left out so an unchanged project keeps its cache key."""
RUN_ID_PATTERN = re.compile(r"workflow_\d{8}_\d{6}(?:_\d+)?")  # with the same-second suffix


def stable(value: Any) -> Any:
    """`value` without timing keys, recursively."""
    if isinstance(value, dict):
        return {k: stable(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [stable(v) for v in value]
    return value


def _data_view(data: dict[str, Any]) -> dict[str, Any]:
    return {k: stable(v) for k, v in data.items() if k != "ai" and k not in VOLATILE_KEYS}


def _omission_lines(dropped: Counter[str], excluded: list[str]) -> list[str]:
    labels = {
        "finding": "findings",
        "data": "data keys",
        "diff": "file diffs",
        "file": "files",
    }
    lines = [f"{n} {labels[kind]} omitted: budget" for kind, n in dropped.items() if n]
    if excluded:
        lines.append(
            f"{len(excluded)} files excluded: secret deny-list or ai.exclude, or a link out of "
            "the project"
        )
    return lines


def never_read(target: Path, rel: str, exclude: tuple[str, ...]) -> bool:
    """Whether `rel` must stay out of a prompt: its name or, through a symlink, the name of
    what it leads to is on the deny-list (`ai.exclude` too), or it leads out of the target."""
    if is_denied(rel, exclude):
        return True
    base = os.path.realpath(target)
    real = os.path.realpath(os.path.join(base, rel))
    if real == os.path.normpath(os.path.join(base, rel)):
        return False  # no symlink on the way
    if not inside(real, base):
        return True
    return is_denied(Path(os.path.relpath(real, base)).as_posix(), exclude)


class PromptBuilder:
    def __init__(
        self,
        ctx: StepContext,
        template: PromptTemplate,
        counter: TokenCounter,
        budget: int | None = None,
    ) -> None:
        self.ctx = ctx
        self.template = template
        self.counter = counter
        self.budget = budget  # None: the configured budget (the model's window not known)
        self.exclude = tuple(ctx.config.ai.exclude)

    def build(self, outcome: StepOutcome) -> BuiltPrompt:
        ctx = self.ctx
        system = valid_text(self.template.system_text(ctx.spec.persona))
        header = (
            f"{self.template.context_notice}\n\n## Step {ctx.spec.number}: {ctx.spec.name}\n"
            f"{ctx.spec.description}\n"
        )
        budget = step_budget(ctx) if self.budget is None else self.budget
        fixed = self.counter.count(system) + self.counter.count(header) + OMISSION_RESERVE
        room = _Budget(self.counter, budget - fixed, self._same_everywhere)
        changed = changed_files(ctx)
        allowed, excluded = self._split_denied(changed, outcome.findings)
        wanted = tuple(p for p in changed if p in allowed)
        base = diff_base(ctx)
        key = "ai.diffs:" + "\0".join(wanted)  # the same for every step of a run: once
        diffs = ctx.memo.get(
            key, lambda: file_diffs(ctx.target, list(wanted), base.rev) if base else {}
        )
        sections = [
            self._findings(outcome.findings, room),
            self._data(_data_view(outcome.data), room),
            self._diffs(diffs, room, base),
            self._excerpts(outcome.findings, [p for p in changed if p not in diffs], allowed, room),
        ]
        omitted = _omission_lines(room.dropped, excluded)
        body = header + "".join(s for s in sections if s)
        if omitted:
            body += "\n## Left out of this prompt\n" + "".join(f"- {ln}\n" for ln in omitted)
        body = valid_text(self._same_everywhere(body))
        final = redact(body)  # a second pass over the joined text: idempotent on clean text
        room.redactions.update(final.counts)
        tokens = self.counter.count(system) + self.counter.count(final.text)
        return BuiltPrompt(
            system=system,
            user=final.text,
            tokens=tokens,
            budget=budget,
            tokenizer=self.counter.name,
            omitted=omitted,
            excluded=excluded,
            redactions=room.redactions,
        )

    def _same_everywhere(self, text: str) -> str:
        """Run ids as `<run>` and the checkout as `<project>`: both differ between runs that
        are otherwise the same (another run, another runner) and would defeat the AI cache."""
        return RUN_ID_PATTERN.sub("<run>", without_checkout(text, self.ctx.target))

    def _split_denied(
        self, changed: list[str], findings: list[Finding]
    ) -> tuple[set[str], list[str]]:
        paths = set(changed) | {f.path for f in findings if f.path}
        excluded = sorted(p for p in paths if never_read(self.ctx.target, p, self.exclude))
        return paths - set(excluded), excluded

    def _findings(self, findings: list[Finding], room: _Budget) -> str:
        if not findings:
            return "\n## Deterministic findings\nNone.\n"
        kept = [room.take(_finding_line(f) + "\n", "finding") for f in sort_findings(findings)]
        lines = "".join(k for k in kept if k is not None)
        return f"\n## Deterministic findings ({len(findings)})\n{lines}"

    def _data(self, data: dict[str, Any], room: _Budget) -> str:
        if not data:
            return ""
        kept = []
        for key in sorted(data):
            piece = json.dumps({key: data[key]}, sort_keys=True, default=str, ensure_ascii=False)
            taken = room.take(piece[1:-1], "data")
            if taken is not None:
                kept.append(taken)
        if not kept:
            return ""
        return "\n## Step data (JSON)\n```json\n{" + ",\n".join(kept) + "}\n```\n"

    def _diffs(self, diffs: dict[str, str], room: _Budget, base: DiffBase | None) -> str:
        kept = [room.take(diffs[p], "diff") for p in sorted(diffs)]
        text = "".join(k for k in kept if k is not None)
        if not text:
            return ""
        against = f" (against the change base {base.rev[:12]})" if base and base.change_base else ""
        return f"\n## Diff of changed files{against}\n```diff\n{text}```\n"

    def _excerpts(
        self, findings: list[Finding], changed: list[str], allowed: set[str], room: _Budget
    ) -> str:
        wanted: dict[str, set[int]] = {}
        for finding in sort_findings(findings):
            if finding.path in allowed:
                lines = wanted.setdefault(finding.path, set())
                if finding.line:
                    lines.add(finding.line)
        for path in changed:  # changed files without a diff (untracked): show their head
            if path in allowed:
                wanted.setdefault(path, set())
        blocks = []
        for path in list(wanted)[:MAX_EXCERPT_FILES]:
            block = excerpt(self.ctx.target, path, wanted[path])
            if block is not None:
                taken = room.take(block, "file")
                if taken is not None:
                    blocks.append(taken)
        if len(wanted) > MAX_EXCERPT_FILES:
            room.dropped["file"] += len(wanted) - MAX_EXCERPT_FILES
        return "\n## File excerpts\n" + "".join(blocks) if blocks else ""
