"""`ai-workflow ai check`: one tiny request to the configured model, and what we learnt.

Prints provider, URL, model, context window (and where it comes from), the structured-output
mode the server took, the tokenizer used for budgets, and the latency. Exit 2 with a clear
message when no provider is configured or the server cannot be reached or refuses.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any, cast

from ai_workflow.ai.providers.base import ChatRequest, ProviderError, ProviderUnavailable
from ai_workflow.ai.providers.factory import HOW_TO_CONFIGURE, resolve_provider
from ai_workflow.ai.providers.server import unreachable
from ai_workflow.ai.schema import extract_json
from ai_workflow.app import load_target_config
from ai_workflow.cli import add_target
from ai_workflow.engine.step import StepContext
from ai_workflow.errors import UsageError

NAME = "ai"
HELP = "check the configured AI provider with one tiny request"
CHECK_SCHEMA = {
    "type": "object",
    "required": ["ok"],
    "properties": {"ok": {"type": "boolean"}},
}
CHECK_OUTPUT_TOKENS = 32


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("check",), help="check: one tiny request")
    add_target(parser)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


class _Log:
    """What a provider needs of a step context outside a run: a log (kept for the report)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def log(self, message: str) -> None:
        self.lines.append(message)


def check(args: argparse.Namespace) -> dict[str, Any]:
    _, config = load_target_config(args)
    ai = config.ai
    try:
        provider = resolve_provider(ai)
    except ProviderUnavailable as exc:
        raise UsageError(f"AI provider not usable: {exc}; {HOW_TO_CONFIGURE}") from None
    if provider.name == "copilot":
        raise UsageError("ai check sends HTTP requests: the copilot provider has none to check")
    model = ai.model or provider.default_model()
    source = "ai.model" if ai.model else "default"
    if model is None:
        down = unreachable(provider.base_url or "")
        if down:
            raise UsageError(down)
        raise UsageError(
            f"the server at {provider.base_url} lists no model (or cannot be reached): set ai.model"
        )
    if not ai.model and getattr(provider, "requires_model", False):
        source = "the first model the server lists"
    request = ChatRequest(
        provider=provider.name,
        base_url=provider.base_url,
        model=model,
        system="You answer with one JSON object and nothing else.",
        user='Answer with the JSON object {"ok": true}.',
        temperature=0.0,
        max_output_tokens=CHECK_OUTPUT_TOKENS,
        template="ai-check@1",
        schema=CHECK_SCHEMA,
    )
    log = _Log()
    started = time.monotonic()
    try:
        response = provider.complete(request, cast(StepContext, log))
    except ProviderError as exc:
        raise UsageError(f"{provider.name} at {provider.base_url}: {exc}") from None
    latency = time.monotonic() - started
    try:
        valid = isinstance(extract_json(response.text), dict)
    except ValueError:
        valid = False
    window = provider.context_window(model)
    result: dict[str, Any] = {
        "provider": provider.name,
        "url": provider.base_url,
        "model": response.model or model,
        "model_source": source,
        "context_window": window.tokens,
        "context_window_source": window.source,
        "json_mode": getattr(provider, "format_mode", "none"),
        "answer_is_json": valid,
        "tokenizer": provider.token_counter(model).name,
        "stream": bool(getattr(provider, "stream", False)),
        "latency_s": round(latency, 3),
        "tokens_in": response.tokens_in,
        "tokens_out": response.tokens_out,
    }
    note = getattr(provider, "note", None)
    if note:
        result["note"] = note
    if log.lines:
        result["log"] = log.lines
    return result


def run(args: argparse.Namespace) -> int:
    result = check(args)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    if result.get("note"):
        print(f"note: {result['note']}")
    rows = [
        ("provider", result["provider"]),
        ("url", result["url"]),
        ("model", f"{result['model']} ({result['model_source']})"),
        (
            "context window",
            f"{result['context_window']} tokens ({result['context_window_source']})",
        ),
        ("json mode", result["json_mode"]),
        ("answer", "valid JSON" if result["answer_is_json"] else "not JSON"),
        ("tokenizer", result["tokenizer"]),
        ("stream", "on" if result["stream"] else "off"),
        ("latency", f"{result['latency_s']:.2f} s"),
    ]
    for label, value in rows:
        print(f"{label:<15} {value}")
    if result["context_window_source"].startswith("default"):
        print(
            "hint: the server does not tell its context window: set ai.context_window to it "
            "(llama-cpp-python: its --n_ctx), or a run learns it from the first prompt it refuses"
        )
    return 0
