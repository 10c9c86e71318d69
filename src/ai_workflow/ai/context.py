"""Build a step's prompt: static instructions first, variable context last, within a budget.

The context is, in priority order: the step's deterministic findings, its data, the diff of the
changed files (against smart execution's change base when the run has one, else HEAD~1), and
excerpts of the files the findings point at. Pieces are taken in that order while they fit
(a section's heading is charged with its first piece), so what is left out is always the
lowest-priority part that did not fit; it is listed, never silently cut. Findings are shown
once: an entry of the step data that repeats one of the step's findings (same rule, file and
line, as code_quality's `hotspots`) is left out of the data, and a whole finding kept in the
data (context_analysis's `top_issues`) is shown as its one-line form. Every piece is redacted
before it is measured. Files on the secret deny-list (by their own name or, for a symlink, the
name of the file it leads to) are never read, nor is anything but a regular file inside the
target (`textfiles.read_bytes`).
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


@dataclass(frozen=True)
class _Piece:
    """A prepared piece redacted, and its redacted text's token count."""

    text: str
    counts: Counter[str]
    tokens: int


PIECES_MEMO_KEY = "ai.prompt_pieces"
"""Run memo key of the pieces redacted and counted so far, by (counter, prepared text): every
step with a persona puts the same diff of the changed files in its prompt, and redacting and
counting it again for each step cost more than the rest of the prompts together (a change of
CI files on flask: 10 prompts, 2 s). Both are pure functions of the text (and the counter)."""

PieceMemo = dict[tuple[TokenCounter, str], _Piece]


class _Budget:
    """Adds redacted pieces while they fit, counting what was left out by kind. Each piece is
    first made the same for every run and runner (`prepare`), so that redaction, which looks
    at the text around a value, decides alike on every runner."""

    def __init__(
        self,
        counter: TokenCounter,
        tokens_left: int,
        prepare: Callable[[str], str] = str,
        pieces: PieceMemo | None = None,
    ) -> None:
        self.counter = counter
        self.prepare = prepare
        self.left = tokens_left
        self.pieces: PieceMemo = {} if pieces is None else pieces
        self.redactions: Counter[str] = Counter()
        self.dropped: Counter[str] = Counter()

    def take(self, text: str, kind: str, overhead: str = "") -> str | None:
        """`text` redacted when it fits, with `overhead` (its section's heading, charged with
        the section's first piece); None (and counted as left out) when it does not."""
        piece = self._piece(self.prepare(text))
        cost = piece.tokens + self.counter.count(overhead)
        if cost > self.left:
            self.dropped[kind] += 1
            return None
        self.left -= cost
        self.redactions.update(piece.counts)
        return piece.text

    def _piece(self, prepared: str) -> _Piece:
        key = (self.counter, prepared)
        piece = self.pieces.get(key)
        if piece is None:  # two steps at once may both compute it: the same value
            cleaned = redact(prepared)
            piece = _Piece(cleaned.text, cleaned.counts, self.counter.count(cleaned.text))
            self.pieces[key] = piece
        return piece

    def section(self, kind: str, heading: str, pieces: Iterable[str], closing: str = "") -> str:
        """`heading`, the pieces that fit (in the order given: the first have priority) and
        `closing`; "" when none fits."""
        kept: list[str] = []
        for piece in pieces:
            taken = self.take(piece, kind, "" if kept else heading + closing)
            if taken is not None:
                kept.append(taken)
        return heading + "".join(kept) + closing if kept else ""


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


FindingKey = tuple[str, str | None, int | None]


def _finding_key(finding: Finding) -> FindingKey:
    return finding.rule, finding.path, finding.line or None


def _entry_key(value: dict[str, Any]) -> FindingKey | None:
    """The (rule, path, line) a data entry is about, when it names a rule like a finding."""
    rule, path, line = value.get("rule"), value.get("path"), value.get("line")
    if not isinstance(rule, str) or "/" not in rule:
        return None
    return rule, path if isinstance(path, str) else None, line if isinstance(line, int) else None


def _entry_line(value: dict[str, Any]) -> str | None:
    """A whole finding kept in step data (rule, severity, message), as its one-line form."""
    key, severity, message = _entry_key(value), value.get("severity"), value.get("message")
    if key is None or not isinstance(message, str) or not isinstance(severity, str):
        return None
    rule, path, line = key
    where = (path or "-") + (f":{line}" if line else "")
    step = value.get("step")
    of_step = f" (step {step})" if isinstance(step, str) and step else ""
    return f"[{severity}] {rule} {where}: {message}{of_step}"


def without_findings(value: Any, shown: set[FindingKey]) -> tuple[Any, int]:
    """`value` (step data) without the entries that repeat a finding in `shown`, and whole
    findings as their one-line form; with the number of entries left out."""
    if isinstance(value, dict):
        line = _entry_line(value)
        if line is not None:
            return line, 0
        kept: dict[str, Any] = {}
        removed = 0
        for key, item in value.items():
            kept[key], n = without_findings(item, shown)
            removed += n
        return kept, removed
    if isinstance(value, list):
        items: list[Any] = []
        removed = 0
        for item in value:
            if isinstance(item, dict) and _entry_key(item) in shown:
                removed += 1
                continue
            clean, n = without_findings(item, shown)
            items.append(clean)
            removed += n
        return items, removed
    return value, 0


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
    {
        "duration_s",
        "cpu_s",
        "started_at",
        "ended_at",
        "elapsed_s",
        "timestamp",
        "generated_at",
        "run_id",
    }
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
        prompt = self._pack(outcome, system, header, budget, budget)
        excess = prompt.tokens - budget
        if excess > 0 and prompt.tokens > self.counter.count(system) + self.counter.count(header):
            # Counted piece by piece the context fitted, counted whole it does not (a tokenizer
            # merges across the joins differently): pack again with that much less room.
            prompt = self._pack(outcome, system, header, budget, budget - excess)
        return prompt

    def _pack(
        self, outcome: StepOutcome, system: str, header: str, budget: int, room_for: int
    ) -> BuiltPrompt:
        ctx = self.ctx
        fixed = self.counter.count(system) + self.counter.count(header) + OMISSION_RESERVE
        pieces: PieceMemo = ctx.memo.get(PIECES_MEMO_KEY, dict)
        room = _Budget(self.counter, room_for - fixed, self._same_everywhere, pieces)
        changed = changed_files(ctx)
        allowed, excluded = self._split_denied(changed, outcome.findings)
        wanted = tuple(p for p in changed if p in allowed)
        base = diff_base(ctx)
        key = "ai.diffs:" + "\0".join(wanted)  # the same for every step of a run: once
        diffs = ctx.memo.get(
            key, lambda: file_diffs(ctx.target, list(wanted), base.rev) if base else {}
        )
        shown = {_finding_key(f) for f in outcome.findings}
        sections = [
            self._findings(outcome.findings, room),
            self._data(_data_view(outcome.data), shown, room),
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
            none = "\n## Deterministic findings\nNone.\n"
            room.left -= self.counter.count(none)
            return none
        heading = f"\n## Deterministic findings ({len(findings)})\n"
        lines = (_finding_line(f) + "\n" for f in sort_findings(findings))
        return room.section("finding", heading, lines)

    def _data(self, data: dict[str, Any], shown: set[FindingKey], room: _Budget) -> str:
        data, repeats = without_findings(data, shown)
        if not data:
            return ""
        note = (
            f"({repeats} entries that repeat a finding listed above are left out.)\n"
            if repeats
            else ""
        )
        pieces = []
        for key in sorted(data):
            piece = json.dumps({key: data[key]}, sort_keys=True, default=str, ensure_ascii=False)
            pieces.append(piece[1:-1] + ",\n")
        packed = room.section("data", "\n## Step data (JSON)\n" + note + "```json\n{", pieces,
                              "}\n```\n")  # fmt: skip
        return packed.replace(",\n}\n```", "}\n```")  # no comma after the last key

    def _diffs(self, diffs: dict[str, str], room: _Budget, base: DiffBase | None) -> str:
        against = f" (against the change base {base.rev[:12]})" if base and base.change_base else ""
        heading = f"\n## Diff of changed files{against}\n```diff\n"
        return room.section("diff", heading, (diffs[p] for p in sorted(diffs)), "```\n")

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
        blocks = (excerpt(self.ctx.target, p, wanted[p]) for p in list(wanted)[:MAX_EXCERPT_FILES])
        packed = room.section("file", "\n## File excerpts\n", (b for b in blocks if b is not None))
        if len(wanted) > MAX_EXCERPT_FILES:
            room.dropped["file"] += len(wanted) - MAX_EXCERPT_FILES
        return packed
