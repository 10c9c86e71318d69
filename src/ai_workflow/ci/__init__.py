"""Running ai-workflow inside CI systems and git hooks: the GitHub Action's report (job summary,
annotations, outputs), the pre-commit hooks, and the files `ai-workflow init` writes for them.

The change base a CI job implies is found by smart execution itself
(`ai_workflow.changes.ci_base`); the GitLab Code Quality report is written with every run
(`ai_workflow.report.codequality`).
"""
