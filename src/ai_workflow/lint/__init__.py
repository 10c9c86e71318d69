"""The linters of the code-quality step (`ai_workflow.steps.code_quality`), and what makes their
findings precise.

The step runs each linter and merges what they report; everything else lives here, one module
per responsibility (each module's docstring gives the severity mapping it implements):

- `report`: `LintReport` (what one linter run produced) and what every run shares: its time
  limit, a failed run, per-file results, one syntax error per file;
- `ruff`: running ruff and its findings. The `ruff_*` modules read the code or the
  configuration a finding points at: `ruff_scope` (which rules the project chose), `ruff_pin`
  and `pinned_tools` (the ruff version it pins, installed), `ruff_newer` (rules newer than the
  ruff the project lints with, made info), `ruff_style` (style rules where no
  Python linter is asked for), `ruff_reexports`, `ruff_imports`, `ruff_py2`, `ruff_exec`,
  `ruff_except`, `ruff_expected`, `ruff_bindings`, `ruff_effects` (findings the code
  contradicts, made info);
  `flake8_config` (a flake8 configuration as ruff options);
- `shellcheck`: which files are shell scripts (not console transcripts) and running shellcheck;
  `shellcheck_severity`: the severity of each SC finding from the script's own text
  (`ScriptTraits`); `shell_parse` (a parse failure the script's own shell does not share);
  `shellcheck_runs` (the files the project's own shellcheck runs check);
- `eslint`: running ESLint and its findings; `eslint_scripts` (what the project's lint scripts
  lint); `crash` (the line worth quoting from a crashed Node tool);
- `command`: the project's own `tech_stack.lint_command`;
- `unasked_linters`: a linter the project did not ask for reports only breakage;
- `hotspots`: long files and long, complex or deeply nested Python functions.
"""
