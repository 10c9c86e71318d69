"""The AI review of a step: prompt, redaction, cache, provider call, validated findings.

Called by the engine from a step's worker thread right after its deterministic `run`; several
reviews may run at once, so shared state (counters, provider, cache) is guarded by a lock.
`review` never raises. What goes wrong on the provider's side (a failed request, an answer that
cannot be used) is reported in the run's `ai` block and the step's notes, never as a finding of
the project; only a crash of our own code is a finding (`ai/internal-error`).
"""

from __future__ import annotations

import dataclasses
import os
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ai_workflow.ai.answers import checked_rule, location_problem
from ai_workflow.ai.budget import Plan, plan
from ai_workflow.ai.cache import ResponseCache, cache_key
from ai_workflow.ai.context import BuiltPrompt, PromptBuilder, step_budget, valid_text
from ai_workflow.ai.proposals import apply_patch, write_proposals
from ai_workflow.ai.providers import retry_log
from ai_workflow.ai.providers.base import (
    ChatRequest,
    ChatResponse,
    ContextExceeded,
    Provider,
    ProviderError,
    ProviderUnavailable,
    ProviderUnreachable,
)
from ai_workflow.ai.providers.factory import (
    HOW_TO_CONFIGURE,
    model_for,
    provider_name,
    resolve_provider,
)
from ai_workflow.ai.providers.server import unreachable
from ai_workflow.ai.redact import redact
from ai_workflow.ai.schema import (
    COMMIT_STEP,
    PROPOSALS_STEP,
    ParsedResponse,
    ResponseError,
    findings_room,
    response_schema,
    structured_output_schema,
)
from ai_workflow.ai.schema import parse_response as parse_answer
from ai_workflow.ai.templates import PromptTemplate, TemplateError, load_template
from ai_workflow.ai.tokens import TokenCounter, default_counter
from ai_workflow.ai.triage import TriageReport, run_triage
from ai_workflow.config import Config
from ai_workflow.engine.artifacts import Workspace
from ai_workflow.engine.step import StepContext, StepOutcome, StepResult
from ai_workflow.findings import Finding, Severity

if TYPE_CHECKING:
    from ai_workflow.remote import RemoteCache

RAW_RESPONSE_LIMIT = 20_000
MB = 1024 * 1024
REPAIR_ANSWER_LIMIT = 4_000  # characters of the unusable answer shown back to the model
Notify = Callable[[str, str], None]  # (level, text): a console message
StepNote = Callable[[str, str], None]  # (step id, text): the running step's live note


class AIReviewer:
    """The engine's `Reviewer`: see `ai_workflow.engine.hooks.Reviewer`."""

    def __init__(
        self,
        config: Config,
        workspace: Workspace,
        *,
        use_cache: bool,
        environ: Mapping[str, str] | None = None,
        counter: TokenCounter | None = None,
        remote: RemoteCache | None = None,
        notify: Notify | None = None,
        step_note: StepNote | None = None,
    ) -> None:
        self.config = config
        self.ai = config.ai
        self.workspace = workspace
        self.environ = dict(os.environ if environ is None else environ)
        self.counter = counter or default_counter()
        self.provider_label = provider_name(self.ai, self.environ)
        self.cache = (
            ResponseCache(
                workspace.cache_dir,
                ttl_s=self.ai.cache_ttl_hours * 3600,
                max_bytes=int(self.ai.cache_max_mb * MB),
                remote=remote,
            )
            if use_cache
            else None
        )
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._redactions: Counter[str] = Counter()
        self._provider: Provider | None = None
        self._unavailable: str | None = None
        self._resolved = False
        self._seconds = 0.0  # wall time spent in reviews (summed over threads)
        self.notify = notify
        self.step_note = step_note
        self._problems: list[dict[str, str]] = []  # provider problems: the summary's `ai` block
        self._disabled: str | None = None  # the server is unreachable: no more requests
        self._said: set[str] = set()  # console messages said once per run
        self._retries_before = retry_log.retries_seen[0]
        self._triage_stats: dict[str, Any] | None = None

    # ------------------------------------------------------------------ engine interface

    @property
    def sends_requests(self) -> bool:
        """Whether a provider is configured (with `none`, a review only saves the prompt)."""
        return self.ai.provider != "none"

    def review(self, ctx: StepContext, outcome: StepOutcome) -> None:
        start = time.monotonic()
        try:
            self._review(ctx, outcome)
        except Exception as exc:  # the AI part must never break a step or the run
            ctx.log("AI review failed unexpectedly:\n" + traceback.format_exc())
            outcome.findings.append(
                self._finding(ctx, "ai/internal-error", f"AI review failed: {exc!r}")
            )
        finally:
            elapsed = time.monotonic() - start
            with self._lock:
                self._seconds += elapsed
            if isinstance(outcome.data.get("ai"), dict):
                outcome.data["ai"]["duration_s"] = round(elapsed, 4)

    def review_reused(self, ctx: StepContext, outcome: StepOutcome, source_run: str | None) -> None:
        if self.sends_requests:
            self.review(ctx, outcome)
            return
        self._get_provider()  # (none: this says why)
        earlier = ctx.workspace.root / "prompts" / (source_run or "?") / f"{ctx.spec.file_stem}.md"
        where = (
            f"the prompt of this result is saved in {earlier.relative_to(ctx.target).as_posix()}"
            if source_run and earlier.is_file()
            else "run with --no-step-cache to save its prompt again"
        )
        outcome.skipped_checks.append(
            f"AI review skipped: {self._unavailable}; {HOW_TO_CONFIGURE}. The result was reused "
            f"from {source_run or 'an earlier run'}: {where}"
        )

    def triage(self, results: Mapping[str, StepResult], ctx: StepContext) -> TriageReport:
        """Label the run's shown findings actionable or noise (`ai.triage`); see `triage.py`."""
        start = time.monotonic()
        report = run_triage(self, ctx, results)
        with self._lock:
            self._triage_stats = dict(report.stats)
            self._seconds += time.monotonic() - start
        return report

    # ------------------------------------------------------------------ for the triage

    def provider(self) -> tuple[Provider | None, str | None]:
        """The run's provider, or None and why there is none (also once the server was found
        unreachable in this run)."""
        provider = self._get_provider()
        if provider is None or self._disabled:
            return None, self._disabled or self._unavailable
        return provider, None

    @property
    def cache_for_answers(self) -> ResponseCache | None:
        """The response cache when answers may be kept in it (temperature 0, cache on)."""
        return self.cache if self._cacheable() else None

    def count(self, **amounts: int) -> None:
        """Add to the run's `ai` counters (calls, tokens, cache hits, ...)."""
        self._count(**amounts)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            counts = dict(self._counts)
            redactions = dict(self._redactions)
            seconds = self._seconds
            problems = [dict(p) for p in self._problems]
            disabled = self._disabled
        hits, misses = counts.get("cache_hits", 0), counts.get("cache_misses", 0)
        cache_stats = self.cache.stats() if self.cache is not None else {}
        return {
            "provider": self.provider_label,
            "calls": counts.get("calls", 0),
            "cache_hits": hits,
            "remote_hits": counts.get("remote_hits", 0),
            "cache_misses": misses,
            "hit_rate": round(hits / (hits + misses), 4) if hits + misses else None,
            "tokens_in": counts.get("tokens_in", 0),
            "tokens_out": counts.get("tokens_out", 0),
            "tokens_saved": counts.get("tokens_saved", 0),
            "errors": counts.get("errors", 0),
            "unusable": counts.get("unusable", 0),
            "findings_dropped": counts.get("findings_dropped", 0),
            "reviews": counts.get("reviews", 0),
            "time_s": round(seconds, 3),
            "redactions": sum(redactions.values()),
            "redactions_by_kind": redactions,
            "repairs": counts.get("repairs", 0),
            "repaired": counts.get("repaired", 0),
            "retries": retry_log.retries_seen[0] - self._retries_before,
            "problems": problems,
            "disabled": disabled,
            "cache_enabled": self.cache is not None,
            "cache_entries": cache_stats.get("entries", 0),
            "cache_size_bytes": cache_stats.get("size_bytes", 0),
            **({"triage": self._triage_stats} if self._triage_stats is not None else {}),
        }

    def close(self) -> None:
        if self.cache is not None:
            self.cache.close()

    # ------------------------------------------------------------------ one review

    def _review(self, ctx: StepContext, outcome: StepOutcome) -> None:
        try:
            template = load_template(ctx.spec.id)
        except TemplateError as exc:
            outcome.skipped_checks.append(f"AI review skipped: {exc}")
            return
        provider = self._get_provider()
        model = self._model(ctx, provider)
        counter = provider.token_counter(model) if provider is not None else self.counter
        for attempt in range(2):
            budget = self._plan(ctx, provider, model)
            prompt = PromptBuilder(ctx, template, counter, budget.budget).build(outcome)
            info = self._save_prompt(ctx, template, prompt, model)
            info.update(self._window_info(budget))
            outcome.data["ai"] = info
            why_not = self._why_not(provider, model)
            if provider is None or why_not is not None:
                self._note_prompt(outcome, prompt)
                outcome.skipped_checks.append(
                    f"AI review skipped: {why_not}; {HOW_TO_CONFIGURE}. "
                    f"The prompt is saved in {info['prompt_file']}"
                    if provider is None
                    else f"AI review skipped: {why_not}. The prompt is saved in "
                    f"{info['prompt_file']}"
                )
                return
            if budget.window is not None and prompt.tokens > budget.budget:
                self._note_prompt(outcome, prompt)
                self._too_small(ctx, outcome, provider, info, prompt, budget)
                return
            request = ChatRequest(
                provider=provider.name,
                base_url=provider.base_url,
                model=model,
                system=prompt.system,
                user=prompt.user,
                temperature=self.ai.temperature,
                max_output_tokens=budget.output,
                template=f"{template.step_id}@{template.version}",
                schema=structured_output_schema(
                    response_schema(ctx.spec.id), findings_room(budget.output)
                ),
            )
            try:
                response = self._answer(ctx, provider, request, outcome, info)
            except ContextExceeded as exc:
                if attempt == 0 and self._learn(ctx, provider, model, budget, exc):
                    continue  # the prompt again, within the window the server named
                self._problem(ctx, outcome, provider, info, exc)
                response = None
            self._note_prompt(outcome, prompt)
            break
        if response is None or provider is None:
            return
        response = self._repair(ctx, provider, request, response, info)
        usable = self._apply(ctx, outcome, response, info)
        if usable and not info["cached"] and self._cacheable() and self.cache is not None:
            # Only answers that parsed are kept: an unusable one is asked again next run.
            elapsed = float(info.get("elapsed_s", 0.0))
            info["stored_in_cache"] = self.cache.put(info["cache_key"], request, response, elapsed)
        else:
            info.setdefault("stored_in_cache", False)

    def _too_small(
        self,
        ctx: StepContext,
        outcome: StepOutcome,
        provider: Provider,
        info: dict[str, Any],
        prompt: BuiltPrompt,
        budget: Plan,
    ) -> None:
        """The instructions alone do not fit the window: sending would only be refused."""
        assert budget.window is not None
        why = (
            f"the prompt's fixed part takes {prompt.tokens} tokens, more than the "
            f"{budget.budget} that the model's context window of {budget.window.tokens} "
            f"({budget.window.source}) leaves beside {budget.output} for the answer: use a model "
            "with a larger window"
        )
        self._problem(ctx, outcome, provider, info, ProviderError(why))

    def _model(self, ctx: StepContext, provider: Provider | None) -> str | None:
        configured = self.ai.step_models.get(ctx.spec.id) or self.ai.model
        if configured or provider is None:
            return configured or model_for(self.ai, self.provider_label, ctx.spec.id)
        return provider.default_model()

    def _why_not(self, provider: Provider | None, model: str | None) -> str | None:
        """Why no request is sent (None: it is)."""
        if provider is None:
            return self._unavailable
        if self._disabled:
            return self._disabled
        if model is None and getattr(provider, "requires_model", False):
            down = unreachable(provider.base_url or "")
            if down:  # no model because nothing answers: the same as a refused request
                with self._lock:
                    self._disabled = f"{down}; AI is off for the rest of this run"
                self._notify_once("unreachable", "warning", f"AI: {self._disabled}")
                self._problem_once("unreachable", down)
                return self._disabled
            reason = (
                f"the server at {provider.base_url} lists no model: set ai.model (for Ollama, "
                "a name `ollama list` shows)"
            )
            self._problem_once("no-model", reason)
            return reason
        return None

    def _plan(self, ctx: StepContext, provider: Provider | None, model: str | None) -> Plan:
        configured = step_budget(ctx)
        if provider is None:
            return plan(configured, None, self.ai.max_output_tokens)
        return plan(configured, provider.context_window(model), self.ai.max_output_tokens)

    def _window_info(self, budget: Plan) -> dict[str, Any]:
        info: dict[str, Any] = {
            "max_output_tokens": budget.output,
            "output_advice": budget.truncated_advice(self.ai.max_output_tokens),
        }
        if budget.window is not None:
            info["context_window"] = budget.window.tokens
            info["context_window_source"] = budget.window.source
        if budget.note:
            info["output_note"] = budget.note
        return info

    def _learn(
        self,
        ctx: StepContext,
        provider: Provider,
        model: str | None,
        budget: Plan,
        exc: ContextExceeded,
    ) -> bool:
        """Take the window a "context length exceeded" error named; True when it is new."""
        known = budget.window.tokens if budget.window is not None else None
        if exc.window is None or (known is not None and exc.window >= known):
            return False
        provider.learn_window(model, exc.window)
        ctx.log(f"AI: the server's context window is {exc.window} tokens: prompt rebuilt")
        self._notify_once(
            f"window:{model}",
            "info",
            f"AI: the server says the context window of {model or 'the model'} is {exc.window} "
            "tokens: prompts are built for it (set ai.context_window to skip this)",
        )
        return True

    def _repair(
        self,
        ctx: StepContext,
        provider: Provider,
        request: ChatRequest,
        response: ChatResponse,
        info: dict[str, Any],
    ) -> ChatResponse:
        """An answer that is no JSON object of the asked shape gets one more request, with
        the parse error; the repaired answer replaces it when it is usable."""
        if info.get("cached") or response.truncated or response.refused or response.oversized:
            return response
        try:
            parse_answer(response.text, ctx.spec.id)
            return response
        except ResponseError as exc:
            error = str(exc)
        self._count(repairs=1)
        ctx.log(f"AI: unusable answer ({error}): asking once more with the error")
        answer = valid_text(response.text)[:REPAIR_ANSWER_LIMIT]
        again = dataclasses.replace(request, repair=(answer, error))
        try:
            second = provider.complete(again, ctx, self._progress(ctx))
        except ProviderError as failed:
            ctx.log(f"AI: the repair request failed: {failed}")
            info["repair"] = {"error": error, "usable": False, "failed": str(failed)}
            return response
        self._count(calls=1, tokens_in=second.tokens_in, tokens_out=second.tokens_out)
        repair: dict[str, Any] = {"error": error, "tokens_in": second.tokens_in}
        repair["tokens_out"] = second.tokens_out
        info["repair"] = repair
        try:
            parse_answer(second.text, ctx.spec.id)
        except ResponseError:
            repair["usable"] = False
            return response
        repair["usable"] = not (second.truncated or second.refused or second.oversized)
        if repair["usable"]:
            self._count(repaired=1)
            return second
        return response

    def _progress(self, ctx: StepContext) -> Callable[[int], None] | None:
        """The live token count of a streamed answer, in the running step's note."""
        note = self.step_note
        if note is None:
            return None
        step_id = ctx.spec.id
        return lambda tokens: note(step_id, f"AI answer: {tokens} tokens")

    def _problem(
        self,
        ctx: StepContext,
        outcome: StepOutcome,
        provider: Provider,
        info: dict[str, Any],
        exc: ProviderError,
    ) -> None:
        """A provider failure: the summary's `ai` block and the step's notes, never a project
        finding (it says nothing about the project) and so never the health score."""
        self._count(errors=1, reviews=1)
        ctx.log(f"AI: provider error: {exc}")
        info["error"] = str(exc)
        with self._lock:
            self._problems.append(
                {"step": ctx.spec.id, "provider": provider.name, "error": str(exc)}
            )
        outcome.skipped_checks.append(f"AI review by {provider.name} failed: {exc}")

    def _unusable(
        self, ctx: StepContext, outcome: StepOutcome, info: dict[str, Any], kind: str, why: str
    ) -> None:
        """An answer that cannot be used (invalid, cut, refused): a problem of the provider
        and its model, reported like a failed request (the run's `ai` block and the step's
        notes), never a finding of the project, so never the health score."""
        where = f'raw answer under "Raw AI answer" in the step report {ctx.spec.file_stem}.md'
        message = f"{why} ({where})"
        self._count(unusable=1)
        ctx.log(f"AI: unusable answer ({kind}): {why}")
        info["error"] = message
        info["unusable"] = kind
        with self._lock:
            self._problems.append(
                {"step": ctx.spec.id, "provider": self.provider_label, "kind": kind,
                 "error": message}
            )  # fmt: skip
        outcome.skipped_checks.append(f"AI answer unusable ({kind}): {message}")

    def _problem_once(self, key: str, text: str) -> None:
        with self._lock:
            if any(p.get("key") == key for p in self._problems):
                return
            self._problems.append({"key": key, "error": text})
        self._notify_once(key, "warning", f"AI: {text}")

    def _notify_once(self, key: str, level: str, text: str) -> None:
        with self._lock:
            if key in self._said:
                return
            self._said.add(key)
        if self.notify is not None:
            self.notify(level, text)

    def _get_provider(self) -> Provider | None:
        with self._lock:
            if not self._resolved:
                try:
                    self._provider = resolve_provider(self.ai, self.environ)
                except ProviderUnavailable as exc:
                    self._unavailable = str(exc)
                self._resolved = True
                note = getattr(self._provider, "note", None)
                if note and self.notify is not None:
                    self.notify("info", f"AI: {note}")
            return self._provider

    def _cacheable(self) -> bool:
        deterministic = self.ai.temperature == 0 or self.ai.cache_nondeterministic
        return self.cache is not None and deterministic

    def _answer(
        self,
        ctx: StepContext,
        provider: Provider,
        request: ChatRequest,
        outcome: StepOutcome,
        info: dict[str, Any],
    ) -> ChatResponse | None:
        key = cache_key(request)
        info["cache_key"] = key
        use_cache = self._cacheable()
        if use_cache and self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                remote = int(hit.source == "remote")
                self._count(cache_hits=1, remote_hits=remote, tokens_saved=hit.tokens, reviews=1)
                info.update(cached=True, cache=hit.source, tokens_in=hit.response.tokens_in)
                info["tokens_out"] = hit.response.tokens_out
                ctx.log(f"AI: {hit.source} cache hit ({hit.tokens} tokens saved)")
                return hit.response
            self._count(cache_misses=1)
        info["cached"] = False
        ctx.log(f"AI: calling {provider.name} model={request.model}")
        started = time.monotonic()
        try:
            response = provider.complete(request, ctx, self._progress(ctx))
        except ContextExceeded:
            raise
        except ProviderUnreachable as exc:
            with self._lock:
                first = self._disabled is None
                self._disabled = f"{exc}; AI is off for the rest of this run"
            if first:
                self._notify_once("unreachable", "warning", f"AI: {self._disabled}")
            self._problem(ctx, outcome, provider, info, exc)
            return None
        except ProviderError as exc:
            self._problem(ctx, outcome, provider, info, exc)
            return None
        finally:
            if self.step_note is not None:
                self.step_note(ctx.spec.id, "")
        self._count(
            calls=1, reviews=1, tokens_in=response.tokens_in, tokens_out=response.tokens_out
        )
        info.update(tokens_in=response.tokens_in, tokens_out=response.tokens_out)
        info.update(finish_reason=response.finish_reason, model=response.model or request.model)
        info["elapsed_s"] = round(time.monotonic() - started, 3)
        return response

    def _apply(
        self, ctx: StepContext, outcome: StepOutcome, response: ChatResponse, info: dict[str, Any]
    ) -> bool:
        """Turn the answer into findings; False when it was unusable (refused, cut, invalid)."""
        response_file = self._save_response(ctx, response.text)
        problem = None
        if response.refused:
            problem = ("ai/refused", f"the model declined to answer ({response.finish_reason})")
        elif response.truncated:
            advice = info.get("output_advice") or "raise ai.max_output_tokens"
            problem = (
                "ai/truncated-response",
                f"the answer hit the output limit and was cut: {advice}",
            )
        elif response.oversized:
            problem = (
                "ai/truncated-response",
                f"the answer was over ai.max_answer_kb ({self.ai.max_answer_kb} KB) and was "
                "cut; it is neither used nor cached",
            )
        parsed: ParsedResponse | None = None
        if problem is None:
            try:
                parsed = parse_answer(response.text, ctx.spec.id)
            except ResponseError as exc:
                problem = ("ai/invalid-response", f"the model's answer is unusable: {exc}")
        if parsed is None:
            assert problem is not None
            raw = redact(valid_text(response.text)).text  # the step report shows it
            info["raw_response"] = raw[:RAW_RESPONSE_LIMIT]
            info["raw_response_chars"] = len(raw)
            info["response_file"] = response_file
            self._unusable(ctx, outcome, info, *problem)
            return False
        self._merge(ctx, outcome, parsed, info)
        return True

    def _merge(
        self, ctx: StepContext, outcome: StepOutcome, parsed: ParsedResponse, info: dict[str, Any]
    ) -> None:
        added = mapped = 0
        dropped: list[str] = []
        seen: set[tuple[str, str, int, str]] = set()
        for item in parsed.findings:
            same = (item.rule, item.path, item.line, item.message)
            if same in seen:  # a small model repeats itself: once is enough
                dropped.append(f"a repeat of an earlier finding ({item.path}:{item.line})")
                continue
            seen.add(same)
            problem = location_problem(ctx.target, item.path, item.line)
            if problem is not None:
                dropped.append(problem)
                continue
            rule, own = checked_rule(item.rule, ctx.spec.id)
            extra: dict[str, Any] = {} if own else {"model_rule": item.rule}
            mapped += not own
            if item.severity == "error":
                extra["model_severity"] = "error"
            severity = Severity.WARNING if item.severity == "error" else Severity(item.severity)
            outcome.findings.append(
                Finding(
                    rule, severity, item.message, item.path, item.line, ctx.spec.id, "ai", extra
                )
            )
            added += 1
        info["summary"] = parsed.summary
        info["findings_added"] = added
        invalid = [why for why in parsed.rejected if why.startswith("finding dropped")]
        dropped += invalid
        info["findings_dropped"] = len(dropped)  # not cited right, or malformed
        info["rules_mapped"] = mapped
        self._count(findings_dropped=len(dropped))
        if dropped:
            info["dropped"] = dropped
            outcome.skipped_checks.append(
                f"AI: {len(dropped)} findings dropped: a finding must cite an existing file of "
                f"the project and a line in it (first: {dropped[0]})"
            )
        if parsed.rejected:
            info["rejected"] = parsed.rejected
            others = [why for why in parsed.rejected if why not in invalid]
            if others:
                outcome.skipped_checks.append(
                    f"AI: {len(others)} items of the answer dropped: {others[0]}"
                )
        cached = " (cached answer)" if info.get("cached") else ""
        outcome.checked.append(
            f"AI review by {self.provider_label}/{info.get('model') or 'default'}: "
            f"{added} findings{cached}"
        )
        if ctx.spec.id == PROPOSALS_STEP:
            self._proposals(ctx, outcome, parsed, info)
        if ctx.spec.id == COMMIT_STEP and parsed.commit_message:
            outcome.data["ai_commit_message"] = parsed.commit_message

    def _proposals(
        self, ctx: StepContext, outcome: StepOutcome, parsed: ParsedResponse, info: dict[str, Any]
    ) -> None:
        result = write_proposals(ctx, parsed.proposals)
        info["proposals"] = result.written
        if result.held:
            info["proposals_held"] = result.held
        if result.rejected:
            info["proposals_rejected"] = result.rejected
            outcome.skipped_checks.append(
                f"AI: {len(result.rejected)} test proposals rejected: {result.rejected[0]}"
            )
        if not result.written:
            return
        where = ctx.workspace.proposals_dir.relative_to(ctx.target).as_posix()
        if not ctx.config.run.apply_proposals:
            outcome.checked.append(
                f"AI: {len(result.written)} test files proposed in {where} "
                "(not applied: use --apply-proposals)"
            )
            return
        apply_patch(ctx, result)
        info["proposals_applied"] = result.applied
        if result.applied:
            outcome.checked.append(f"AI: {len(result.written)} proposed test files applied")
        else:
            outcome.findings.append(
                self._finding(
                    ctx,
                    "ai/proposal-not-applied",
                    f"the proposed tests were not applied: {result.apply_error}",
                )
            )

    # ------------------------------------------------------------------ helpers

    def _finding(self, ctx: StepContext, rule: str, message: str) -> Finding:
        return Finding(rule, Severity.WARNING, message, step=ctx.spec.id, source="ai")

    def _count(self, **amounts: int) -> None:
        with self._lock:
            self._counts.update(amounts)

    def _note_prompt(self, outcome: StepOutcome, prompt: BuiltPrompt) -> None:
        with self._lock:
            self._redactions.update(prompt.redactions)
        total = sum(prompt.redactions.values())
        if total:
            outcome.checked.append(f"AI: {total} secrets redacted from the prompt")
        outcome.skipped_checks.extend(f"AI: {line}" for line in prompt.omitted)

    def _save_prompt(
        self, ctx: StepContext, template: PromptTemplate, prompt: BuiltPrompt, model: str | None
    ) -> dict[str, Any]:
        path = ctx.workspace.prompts_dir / f"{ctx.spec.file_stem}.md"
        header = (
            f"<!-- ai-workflow prompt: step {ctx.spec.id}, template {template.file_name} "
            f"v{template.version}, provider {self.provider_label}, model {model or 'default'}, "
            f"{prompt.tokens}/{prompt.budget} tokens ({prompt.tokenizer}) -->\n"
        )
        _write_text(path, f"{header}\n# System\n\n{prompt.system}\n# User\n\n{prompt.user}")
        return {
            "provider": self.provider_label,
            "model": model,
            "template": f"{template.step_id}@{template.version}",
            "prompt_file": path.relative_to(ctx.target).as_posix(),
            "prompt_tokens": prompt.tokens,
            "budget": prompt.budget,
            "tokenizer": prompt.tokenizer,
            "redactions": dict(prompt.redactions),
            "omitted": list(prompt.omitted),
            "excluded_files": list(prompt.excluded),
            "cached": False,
        }

    def _save_response(self, ctx: StepContext, text: str) -> str:
        """Save the answer as received; its path relative to the target."""
        path = ctx.workspace.prompts_dir / f"{ctx.spec.file_stem}.response.txt"
        _write_text(path, valid_text(text))
        return path.relative_to(ctx.target).as_posix()


def _write_text(path: Path, text: str) -> None:
    """Replace `path` atomically, without fsync: prompts are records, not state (fsync would
    cost more than a cached review)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def build_reviewer(
    config: Config,
    workspace: Workspace,
    *,
    use_cache: bool,
    remote: RemoteCache | None = None,
    notify: Notify | None = None,
    step_note: StepNote | None = None,
) -> AIReviewer:
    """The reviewer the engine calls for every step with a persona; `notify` says what the
    run should hear once (an unreachable server), `step_note` shows a streamed answer's
    token count."""
    return AIReviewer(
        config, workspace, use_cache=use_cache, remote=remote, notify=notify, step_note=step_note
    )
