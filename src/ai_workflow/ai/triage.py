"""AI triage (`ai.triage: true`): after the steps ran, the model labels each shown deterministic
warning and error `actionable` or `noise`, with a one-line reason, from the finding and the code
around its line.

- What is asked: new (not baselined) errors and warnings of the checks (`source: check`), not
  the AI review's own findings nor the workflow's notes about itself (`ai/*`, `workflow/*`);
  at most `MAX_TRIAGED`, most severe first.
- Each finding is one block: rule, severity, step, location, message and `RADIUS` lines either
  side of the cited line (never from a file on the secret deny-list), redacted like every prompt.
- Blocks are batched (at most `MAX_BATCH` and the prompt budget per request). The answer is
  cached per finding: the key is that of a request holding only its block (provider, model,
  instructions, finding and code), so an unchanged finding is never asked again, whatever
  else changed.
- No provider, or a provider that fails: no label at all and one note; the run goes on.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ai_workflow.ai.budget import plan
from ai_workflow.ai.cache import cache_key
from ai_workflow.ai.context import RUN_ID_PATTERN, never_read, valid_text
from ai_workflow.ai.providers.base import ChatRequest, ChatResponse, Provider, ProviderError
from ai_workflow.ai.providers.factory import model_for
from ai_workflow.ai.redact import redact
from ai_workflow.ai.schema import (
    ResponseError,
    extract_json,
    safe_relative_path,
    structured_output_schema,
)
from ai_workflow.checkout import without_checkout
from ai_workflow.engine.step import StepContext, StepResult
from ai_workflow.findings import Finding, Severity, sort_findings
from ai_workflow.textfiles import read_bytes

if TYPE_CHECKING:
    from ai_workflow.ai.reviewer import AIReviewer

TRIAGE_STEP = "ai_triage"
"""The id `ai.step_models` uses for the triage's model, and its log's name."""
TEMPLATE = "ai_triage@1"
"""Part of every triage cache key: bump it when the instructions change."""
LABELS = ("actionable", "noise")
RADIUS = 3  # lines of code either side of the cited line
MAX_BATCH = 20  # findings per request
MAX_TRIAGED = 300  # findings per run
MESSAGE_CHARS = 1_000  # of a finding's message, in its block
TOKENS_PER_LABEL = 80  # output room per finding in a batch
LABELS_OVERHEAD = 40  # output room for the answer's frame
MAX_FILE_BYTES = 1_000_000
REASON_CHARS = 300
SKIPPED_RULE_AREAS = ("ai/", "workflow/")

SYSTEM = """# Role
You triage the findings of automated code checks (linters, test runners, documentation checks)
for the maintainers of a project.

# Task
For each finding below, decide whether a maintainer of this project would act on it:
- "actionable": a real problem worth fixing (a bug, a broken link, a failing test, a real gap);
- "noise": true but not worth acting on here, a false positive, or not the project's concern
  (generated or vendored code, an intended pattern, a style nit the project does not follow).
Judge from the finding and the code shown; when unsure, say "actionable".

# Output format
Answer with ONE JSON object and nothing else (no prose, no Markdown fence), matching this
JSON Schema:

{schema}

Give one entry per finding, with its number as `id`, and a one-line `reason` (at most
20 words) a maintainer can check.
"""


def triage_schema() -> dict[str, Any]:
    """The JSON Schema of a triage answer."""
    label = {
        "type": "object",
        "required": ["id", "label", "reason"],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "label": {"enum": list(LABELS)},
            "reason": {"type": "string", "minLength": 1, "maxLength": REASON_CHARS},
        },
    }
    return {
        "type": "object",
        "required": ["labels"],
        "properties": {"labels": {"type": "array", "items": label}},
    }


def batch_schema(items: int) -> dict[str, Any]:
    """The schema sent with a request about `items` findings (a server's grammar): exactly one
    label per finding, ids 1..items, no string length limits. SmolLM2-135M, under a grammar
    that allowed it, answered `{"labels": []}`."""
    schema: dict[str, Any] = structured_output_schema(triage_schema(), items)
    labels = schema["properties"]["labels"]
    labels["minItems"] = items
    labels["items"]["properties"]["id"] = {"enum": list(range(1, items + 1))}
    return schema


def system_text() -> str:
    return SYSTEM.replace("{schema}", json.dumps(triage_schema(), sort_keys=True))


class _Label(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    id: int = Field(ge=1)
    label: Literal["actionable", "noise"]
    reason: str = Field(min_length=1, max_length=REASON_CHARS)


def parse_labels(text: str) -> dict[int, _Label]:
    """The labels of a triage answer by finding number; malformed entries are skipped.
    Raises ResponseError when the answer is no JSON object with a `labels` list."""
    raw = extract_json(text)
    if not isinstance(raw, dict) or not isinstance(raw.get("labels"), list):
        raise ResponseError("expected a JSON object with a 'labels' list")
    labels: dict[int, _Label] = {}
    for item in raw["labels"]:
        try:
            entry = _Label.model_validate(item)
        except ValidationError:
            continue
        labels.setdefault(entry.id, entry)
    return labels


# ----------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class Candidate:
    step: str
    index: int  # in the step result's findings
    finding: Finding
    block: str  # what the model is shown of it (redacted), without its number


def wanted(finding: Finding) -> bool:
    """A finding the triage labels: a new error or warning of a deterministic check."""
    return (
        finding.source != "ai"
        and not finding.baselined
        and finding.severity in (Severity.ERROR, Severity.WARNING)
        and not finding.rule.startswith(SKIPPED_RULE_AREAS)
    )


def code_around(target: Path, path: str | None, line: int | None, exclude: tuple[str, ...]) -> str:
    """Numbered lines `line` ± RADIUS of `path` (the cited one marked), or "" when there is no
    such line or the file may not be read."""
    safe = safe_relative_path(path) if path else None
    if safe is None or not line or never_read(target, safe, exclude):
        return ""
    data = read_bytes(target / safe, limit=MAX_FILE_BYTES, root=target)
    if data is None or b"\0" in data[:8192]:
        return ""
    lines = data.decode("utf-8", errors="replace").splitlines()
    if not 1 <= line <= len(lines):
        return ""
    start, end = max(1, line - RADIUS), min(len(lines), line + RADIUS)
    mark = {True: ">", False: " "}
    return "\n".join(f"{mark[n == line]}{n:>5} | {lines[n - 1]}" for n in range(start, end + 1))


def finding_block(finding: Finding, target: Path, exclude: tuple[str, ...]) -> str:
    """The finding as the model sees it, with the code around it; the checkout's location and
    run ids made the same on every runner and run, then redacted."""
    where = finding.path or "(no file)"
    if finding.path and finding.line:
        where += f":{finding.line}"
    message = finding.message
    if len(message) > MESSAGE_CHARS:
        message = message[:MESSAGE_CHARS] + " …"
    text = (
        f"rule: {finding.rule} ({finding.severity.value}, step {finding.step})\n"
        f"location: {where}\nmessage: {message}\n"
    )
    code = code_around(target, finding.path, finding.line, exclude)
    text += f"code:\n```\n{code}\n```\n" if code else "code: (none)\n"
    text = RUN_ID_PATTERN.sub("<run>", without_checkout(valid_text(text), target))
    return redact(text).text


def candidates(
    results: Mapping[str, StepResult], target: Path, exclude: tuple[str, ...]
) -> tuple[list[Candidate], int]:
    """The findings to label (most severe first, at most MAX_TRIAGED) and how many more."""
    found: list[tuple[str, int, Finding]] = []
    for sid, result in results.items():
        for index, finding in enumerate(result.findings):
            if wanted(finding):
                found.append((sid, index, finding))
    order = {id(f): n for n, f in enumerate(sort_findings(f for _, _, f in found))}
    found.sort(key=lambda item: (order[id(item[2])], item[0], item[1]))
    kept = found[:MAX_TRIAGED]
    chosen = [Candidate(s, i, f, finding_block(f, target, exclude)) for s, i, f in kept]
    return chosen, len(found) - len(kept)


# ----------------------------------------------------------------------------- the run


@dataclass
class TriageReport:
    """What the triage did: the relabelled step results and its summary block."""

    results: dict[str, StepResult] = field(default_factory=dict)  # only the changed ones
    notes: list[str] = field(default_factory=list)  # one line each, for the console
    stats: dict[str, Any] = field(default_factory=dict)


class Triage:
    """One run's triage, through the reviewer's provider, cache and counters."""

    def __init__(self, reviewer: AIReviewer, ctx: StepContext) -> None:
        self.reviewer = reviewer
        self.ctx = ctx
        self.ai = reviewer.ai
        self.counter = reviewer.counter
        self.plan = plan(self.ai.prompt_token_budget, None, self.ai.max_output_tokens)
        self.system = system_text()
        self.labels: dict[tuple[str, int], _Label] = {}
        self.stats: dict[str, Any] = {
            "triaged": 0,
            "actionable": 0,
            "noise": 0,
            "unlabelled": 0,
            "over_limit": 0,
            "requests": 0,
            "cache_hits": 0,
            "skipped": None,
        }

    def run(self, results: Mapping[str, StepResult]) -> TriageReport:
        chosen, over = candidates(results, self.ctx.target, tuple(self.ai.exclude))
        self.stats["over_limit"] = over
        report = TriageReport(stats=self.stats)
        if not chosen:
            return report
        provider, unavailable = self.reviewer.provider()
        if provider is None:
            why = unavailable or "no AI provider"
            return self._skipped(report, chosen, f"AI triage skipped: {why}")
        model = self._model(provider)
        self.plan = plan(
            self.ai.prompt_token_budget, provider.context_window(model), self.ai.max_output_tokens
        )
        requests = {(c.step, c.index): self._request(provider, model, c.block) for c in chosen}
        todo = [c for c in chosen if not self._from_cache(c, requests[(c.step, c.index)])]
        failure = self._ask(provider, model, todo, requests)
        self._relabel(results, chosen, report)
        if failure is not None:
            left = sum(1 for c in chosen if (c.step, c.index) not in self.labels)
            report.notes.append(f"AI triage stopped: {failure}; {left} findings not labelled")
            self.stats["skipped"] = failure
        return report

    def _model(self, provider: Provider) -> str | None:
        """The configured model, else the server's own default (a local server's first model),
        as the step reviews choose it."""
        configured = self.ai.step_models.get(TRIAGE_STEP) or self.ai.model
        if configured:
            return configured
        return provider.default_model() or model_for(
            self.ai, self.reviewer.provider_label, TRIAGE_STEP
        )

    # ------------------------------------------------------------------ asking

    def _request(
        self, provider: Provider, model: str | None, user: str, items: int = 1
    ) -> ChatRequest:
        """The request for `items` findings: an output limit and a grammar sized to them (a
        small model under an open-ended grammar writes until the limit cuts its answer)."""
        return ChatRequest(
            provider=provider.name,
            base_url=provider.base_url,
            model=model,
            system=self.system,
            user=user,
            temperature=self.ai.temperature,
            max_output_tokens=min(self.plan.output, LABELS_OVERHEAD + items * TOKENS_PER_LABEL),
            template=TEMPLATE,
            schema=batch_schema(items),
        )

    def _from_cache(self, candidate: Candidate, request: ChatRequest) -> bool:
        cache = self.reviewer.cache_for_answers
        if cache is None:
            return False
        hit = cache.get(cache_key(request))
        if hit is None:
            return False
        try:
            label = _Label.model_validate_json(hit.response.text)
        except ValidationError:
            return False
        self.labels[(candidate.step, candidate.index)] = label
        self.stats["cache_hits"] += 1
        self.reviewer.count(cache_hits=1, tokens_saved=hit.tokens)
        return True

    def _batches(self, todo: list[Candidate]) -> list[list[Candidate]]:
        per_batch = max(1, min(MAX_BATCH, self.plan.output // TOKENS_PER_LABEL))
        room = self.plan.budget - self.counter.count(self.system) - 200
        batches: list[list[Candidate]] = []
        current: list[Candidate] = []
        used = 0
        for candidate in todo:
            cost = self.counter.count(candidate.block) + 10
            if cost > room:
                continue  # one finding over the whole budget: left unlabelled
            if current and (len(current) == per_batch or used + cost > room):
                batches.append(current)
                current, used = [], 0
            current.append(candidate)
            used += cost
        if current:
            batches.append(current)
        return batches

    def _ask(
        self,
        provider: Provider,
        model: str | None,
        todo: list[Candidate],
        requests: Mapping[tuple[str, int], ChatRequest],
    ) -> str | None:
        """Ask for every batch; the first provider failure stops the triage (its reason)."""
        for batch in self._batches(todo):
            user = "".join(f"\n### Finding {n}\n{c.block}" for n, c in enumerate(batch, start=1))
            request = self._request(provider, model, f"# Findings to triage\n{user}", len(batch))
            started = time.monotonic()
            self.ctx.log(f"AI triage: asking {provider.name} about {len(batch)} findings")
            try:
                response = provider.complete(request, self.ctx)
            except ProviderError as exc:
                self.reviewer.count(errors=1)
                self.ctx.log(f"AI triage: provider error: {exc}")
                return f"{provider.name} failed: {exc}"
            self.stats["requests"] += 1
            misses = len(batch) if self.reviewer.cache_for_answers is not None else 0
            self.reviewer.count(
                calls=1, cache_misses=misses, tokens_in=response.tokens_in,
                tokens_out=response.tokens_out,
            )  # fmt: skip
            self._take(batch, response, requests, time.monotonic() - started)
        return None

    def _take(
        self,
        batch: list[Candidate],
        response: ChatResponse,
        requests: Mapping[tuple[str, int], ChatRequest],
        elapsed: float,
    ) -> None:
        if not response.cacheable:
            self.ctx.log(f"AI triage: unusable answer ({response.finish_reason})")
            return
        try:
            labels = parse_labels(response.text)
        except ResponseError as exc:
            self.ctx.log(f"AI triage: unusable answer: {exc}")
            return
        usable = sum(1 for n in range(1, len(batch) + 1) if n in labels)
        self.ctx.log(f"AI triage: the answer labelled {usable} of {len(batch)} findings")
        if usable < len(batch):
            shown = redact(valid_text(response.text)).text[:2000]
            self.ctx.log(f"AI triage: the answer, redacted: {shown!r}")
        share_in = response.tokens_in // len(batch)
        share_out = response.tokens_out // len(batch)
        for number, candidate in enumerate(batch, start=1):
            label = labels.get(number)
            if label is None:
                continue
            self.labels[(candidate.step, candidate.index)] = label
            cache = self.reviewer.cache_for_answers
            if cache is not None:
                one = ChatResponse(
                    text=label.model_dump_json(),
                    model=response.model,
                    tokens_in=share_in,
                    tokens_out=share_out,
                    finish_reason="stop",
                )
                request = requests[(candidate.step, candidate.index)]
                cache.put(cache_key(request), request, one, elapsed)

    # ------------------------------------------------------------------ results

    def _relabel(
        self, results: Mapping[str, StepResult], chosen: list[Candidate], report: TriageReport
    ) -> None:
        by_step: dict[str, dict[int, _Label]] = {}
        for candidate in chosen:
            label = self.labels.get((candidate.step, candidate.index))
            if label is None:
                self.stats["unlabelled"] += 1
                continue
            by_step.setdefault(candidate.step, {})[candidate.index] = label
            self.stats["triaged"] += 1
            self.stats[label.label] += 1
        for sid, labels in by_step.items():
            result = results[sid]
            findings = [
                f.triaged(labels[i].label, labels[i].reason) if i in labels else f
                for i, f in enumerate(result.findings)
            ]
            report.results[sid] = replace(result, findings=findings)

    def _skipped(self, report: TriageReport, chosen: list[Candidate], note: str) -> TriageReport:
        self.stats["skipped"] = note.removeprefix("AI triage skipped: ")
        self.stats["unlabelled"] = len(chosen)
        report.notes.append(note)
        return report


def run_triage(
    reviewer: AIReviewer, ctx: StepContext, results: Mapping[str, StepResult]
) -> TriageReport:
    """Label the shown findings of `results`; never raises (a failure becomes a note)."""
    try:
        return Triage(reviewer, ctx).run(results)
    except Exception as exc:  # the triage must never break the end of a run
        ctx.log(f"AI triage failed unexpectedly: {exc!r}")
        return TriageReport(notes=[f"AI triage failed: {exc!r}"], stats={"skipped": repr(exc)})
