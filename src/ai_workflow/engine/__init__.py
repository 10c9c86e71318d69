"""The engine: step protocol, registry, graph, scheduler, checkpoints and metrics.

It knows steps only through the protocol in `engine.step`; it never imports `ai_workflow.steps`.
"""
