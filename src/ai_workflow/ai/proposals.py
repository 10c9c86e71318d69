"""Step 6: AI-proposed test files. Written under `.ai_workflow/proposals/<run>/`; applied to the
project only on `--apply-proposals`, as new files only, after `git apply --check`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ai_workflow.ai.schema import Proposal
from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.engine.step import StepContext

PATCH_NAME = "proposals.patch"


@dataclass
class ProposalResult:
    written: list[str] = field(default_factory=list)  # project-relative paths proposed
    rejected: list[str] = field(default_factory=list)  # "tests/x.py: already exists"
    patch: Path | None = None
    applied: bool = False
    apply_error: str | None = None


def _inside(target: Path, rel: str) -> bool:
    root = target.resolve()
    dest = (target / rel).resolve()
    return dest != root and root in dest.parents


def new_file_patch(path: str, content: str) -> str:
    """A `git apply`-able patch that creates `path` with `content`."""
    lines = content.splitlines()
    body = "".join(f"+{line}\n" for line in lines)
    if content and not content.endswith("\n"):
        body += "\\ No newline at end of file\n"
    return (
        f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
        f"@@ -0,0 +1,{len(lines)} @@\n{body}"
    )


def write_proposals(ctx: StepContext, proposals: list[Proposal]) -> ProposalResult:
    """Save each valid proposal and one combined patch; never touch the project."""
    result = ProposalResult()
    patches = []
    for proposal in proposals:
        if not _inside(ctx.target, proposal.path):
            result.rejected.append(f"{proposal.path}: outside the project")
            continue
        if (ctx.target / proposal.path).exists():
            result.rejected.append(f"{proposal.path}: already exists (proposals never overwrite)")
            continue
        if proposal.path in result.written:
            result.rejected.append(f"{proposal.path}: proposed twice")
            continue
        write_atomic(ctx.workspace.proposals_dir / proposal.path, proposal.content)
        patches.append(new_file_patch(proposal.path, proposal.content))
        result.written.append(proposal.path)
    if patches:
        result.patch = ctx.workspace.proposals_dir / PATCH_NAME
        write_atomic(result.patch, "".join(patches))
    return result


def apply_patch(ctx: StepContext, result: ProposalResult) -> None:
    """`git apply --check`, then `git apply`, in the project: all proposals or none."""
    if result.patch is None:
        return
    patch = str(result.patch.resolve())
    check = ctx.run_command(["git", "apply", "--check", patch], timeout=60)
    if not check.ok:
        result.apply_error = (check.stderr or check.stdout).strip() or f"exit {check.returncode}"
        return
    applied = ctx.run_command(["git", "apply", patch], timeout=60)
    if applied.ok:
        result.applied = True
    else:
        result.apply_error = (applied.stderr or applied.stdout).strip() or "git apply failed"
