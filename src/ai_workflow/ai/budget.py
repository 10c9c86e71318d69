"""How a model's context window is shared between the prompt and the answer.

prompt budget = window - output limit - margin, and never more than the configured budget
(`ai.prompt_token_budget`, `ai.step_budgets`). The margin (2% of the window, at least 64
tokens) covers the chat template's own tokens and a tokenizer that is only estimated. An output
limit that would leave the prompt less than half the window is lowered to half of it, and said.
"""

from __future__ import annotations

from dataclasses import dataclass

from ai_workflow.ai.providers.server import Window

MARGIN_MIN = 64
MARGIN_SHARE = 0.02


@dataclass(frozen=True)
class Plan:
    budget: int  # tokens the prompt may use
    output: int  # the output limit sent
    window: Window | None
    note: str | None = None  # the output limit was lowered to fit the window

    def truncated_advice(self, configured_output: int) -> str:
        """What to do about an answer cut at the output limit: only advice that can help."""
        if self.window is None:
            return f"raise ai.max_output_tokens (now {configured_output}) to get a full answer"
        if self.output < configured_output:
            return (
                f"the output limit was {self.output} tokens, half of the model's context window "
                f"of {self.window.tokens} ({self.window.source}): only a model with a larger "
                "window (or a larger window on the server) gives room for a longer answer"
            )
        room = self.window.tokens - margin(self.window.tokens) - self.budget
        if room > configured_output:
            return (
                f"raise ai.max_output_tokens (now {configured_output}; the context window of "
                f"{self.window.tokens} leaves room for up to {room} with this prompt)"
            )
        return (
            f"the output limit of {configured_output} tokens fills the model's context window "
            f"of {self.window.tokens} ({self.window.source}) with this prompt: lower "
            "ai.prompt_token_budget to leave more room for the answer, or use a model with a "
            "larger window"
        )


def margin(window: int) -> int:
    return max(MARGIN_MIN, int(window * MARGIN_SHARE))


def plan(configured_budget: int, window: Window | None, max_output: int) -> Plan:
    if window is None:
        return Plan(configured_budget, max_output, None)
    output, note = max_output, None
    half = window.tokens // 2
    if output > half:
        output = half
        note = (
            f"output limit lowered from {max_output} to {output} tokens: half of the model's "
            f"context window of {window.tokens} ({window.source})"
        )
    room = window.tokens - output - margin(window.tokens)
    return Plan(min(configured_budget, room), output, window, note)
