"""The GitHub Copilot CLI as a subprocess: non-interactive, print-only, no tools.

It is run as `copilot -p PROMPT -s --no-ask-user --deny-tool=shell --deny-tool=write
--deny-tool=url [--model M]`, never with an `--allow-*` option, and in an empty temporary
directory, so it can neither change nor read the project: everything it needs is in the prompt.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from ai_workflow.ai.providers.base import (
    DEFAULT_MAX_ANSWER_BYTES,
    ChatRequest,
    ChatResponse,
    Progress,
    ProviderError,
    WindowBook,
)
from ai_workflow.ai.providers.server import Window
from ai_workflow.ai.tokens import ESTIMATE, TokenCounter, default_counter
from ai_workflow.engine.step import StepContext

DENIED_TOOLS = ("shell", "write", "url")
MAX_PROMPT_BYTES = 120_000  # Linux caps one argument at 128 KiB
BACKOFF_S = 1.0


class CopilotProvider:
    name = "copilot"
    base_url: str | None = None

    def __init__(
        self,
        *,
        command: list[str],
        timeout_s: float,
        max_retries: int,
        max_answer_bytes: int = DEFAULT_MAX_ANSWER_BYTES,
        context_window: int | None = None,
    ) -> None:
        self.command = list(command)
        self.timeout_s = timeout_s
        self.max_retries = max_retries
        self.max_answer_bytes = max_answer_bytes
        self.windows = WindowBook(context_window, lambda model: None)

    def arguments(self, request: ChatRequest) -> list[str]:
        prompt = "\n\n".join(m["content"] for m in request.messages())
        args = [*self.command, "-p", prompt, "-s", "--no-ask-user"]
        args += [f"--deny-tool={tool}" for tool in DENIED_TOOLS]
        if request.model:
            args.append(f"--model={request.model}")
        return args

    def default_model(self) -> str | None:
        return None  # Copilot's own default

    def context_window(self, model: str | None) -> Window:
        return self.windows.get(model)

    def learn_window(self, model: str | None, tokens: int) -> None:
        self.windows.learn(model, tokens)

    def token_counter(self, model: str | None) -> TokenCounter:
        return ESTIMATE

    def complete(
        self, request: ChatRequest, ctx: StepContext, progress: Progress | None = None
    ) -> ChatResponse:
        args = self.arguments(request)
        if len(args[len(self.command) + 1].encode()) > MAX_PROMPT_BYTES:
            raise ProviderError(f"the prompt is over {MAX_PROMPT_BYTES} bytes: lower the budget")
        last = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                time.sleep(BACKOFF_S * 2 ** (attempt - 1))
            with tempfile.TemporaryDirectory(prefix="ai-workflow-copilot-") as empty:
                result = ctx.run_command(args, timeout=self.timeout_s, cwd=Path(empty))
            if result.ok and result.stdout.strip():
                return self._response(result.stdout, request).capped(self.max_answer_bytes)
            last = _failure(result.returncode, result.timed_out, result.stderr)
            if result.returncode == 127:
                break  # not installed: retrying cannot help
        raise ProviderError(f"copilot failed: {last}")

    def _response(self, stdout: str, request: ChatRequest) -> ChatResponse:
        counter = default_counter()
        text = stdout.strip()
        return ChatResponse(
            text=text,
            model=request.model,
            tokens_in=counter.count(request.system) + counter.count(request.user),
            tokens_out=counter.count(text),
            finish_reason="stop",
            usage_estimated=True,
        )


def _failure(returncode: int, timed_out: bool, stderr: str) -> str:
    if timed_out:
        return "timed out (ai.timeout_s)"
    tail = " ".join(stderr.strip().splitlines()[-3:])[:300]
    if returncode == 0:
        return "empty answer"
    return f"exit {returncode}" + (f": {tail}" if tail else "")
