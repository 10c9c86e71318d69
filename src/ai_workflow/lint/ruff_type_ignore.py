"""ruff's F821 on a line whose comment silences the type checker's own undefined-name error.

mypy reports an undefined name as `name-defined` and pyright as `reportUndefinedVariable`; a
line that carries `# type: ignore[name-defined]` or `# pyright: ignore[reportUndefinedVariable]`
says the maintainer has seen that very diagnostic and keeps the name, because something outside
the module defines it where the line runs. execnet 2.1.2's doc examples are modules that
`gw.remote_exec(module)` runs under `__name__ == "__channelexec__"` with `channel` in their
globals, and each read is `channel.send(...)  # type: ignore[name-defined]` (held-out 142: four
false errors). Info. An undefined name on a line without such a comment, or whose comment
silences other codes only (`# type: ignore[attr-defined]`), or all of them at once (a bare
`# type: ignore` names no diagnostic), stays an error.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterable

from ai_workflow.findings import Finding, explain_as_info
from ai_workflow.lint.ruff_codes import UNDEFINED_NAME
from ai_workflow.parsed_files import ParsedFiles

NOTE = "the line's `{}` says the name is defined outside the module where it runs"
_SILENCED = re.compile(
    r"(?:type:\s*ignore\[[^\]]*\bname-defined\b[^\]]*\]"
    r"|pyright:\s*ignore\[[^\]]*\breportUndefinedVariable\b[^\]]*\])"
)


def silenced_undefined_as_info(findings: Iterable[Finding], files: ParsedFiles) -> list[Finding]:
    """The findings, with F821 on a line whose comment silences the type checker's
    undefined-name error made info."""

    def note_of(finding: Finding) -> str | None:
        if finding.rule != UNDEFINED_NAME or not finding.path or finding.line is None:
            return None
        lines = files.lines(finding.path)
        if not 0 < finding.line <= len(lines):
            return None
        silenced = _SILENCED.search(_comment(lines[finding.line - 1]) or "")
        return NOTE.format("# " + silenced.group(0)) if silenced else None

    return explain_as_info(findings, note_of)


def _comment(line: str) -> str | None:
    """The comment that ends `line` (a real comment, not `#` inside a string), None without."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(line + "\n").readline):
            if token.type == tokenize.COMMENT:
                return token.string
    except (tokenize.TokenError, SyntaxError):
        return None
    return None
