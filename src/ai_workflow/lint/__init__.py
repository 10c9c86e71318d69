"""The linters of the code-quality step, and what makes their findings precise.

`ai_workflow.steps.code_quality` runs them; the modules here hold each linter's run, its findings
and the rules that adjust their severity from what the project's code and configuration show.
"""
