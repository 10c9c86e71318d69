"""The AI layer: persona prompts, providers, secret redaction, token budgets, response cache."""

from ai_workflow.ai.reviewer import AIReviewer, build_reviewer

__all__ = ["AIReviewer", "build_reviewer"]
