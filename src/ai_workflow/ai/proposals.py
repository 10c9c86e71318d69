"""Step 6: AI-proposed test files. Written under `.ai_workflow/proposals/<run>/`; applied to the
project only on `--apply-proposals`, as new files only, after `git apply --check`.

Only test files can be applied: a name that test runners collect as a test (`test_*.py`,
`*_test.py`, `*.test.ts`, `*_test.go`, `*_spec.rb`, `FooTest.java`...) inside one of the
project's test directories. Never `conftest.py`, `__init__.py`, CI, build or configuration
files, nor anything in a hidden directory: model-written code the tools would run by
themselves. Such a proposal stays under `.ai_workflow/proposals/<run>/` for a person to read,
listed with the reason in `REJECTED.md`, and is never part of the patch.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ai_workflow.ai.schema import Proposal
from ai_workflow.engine.artifacts import write_atomic
from ai_workflow.engine.step import StepContext
from ai_workflow.techstack import TEST_DIR_NAMES, detect_stack

PATCH_NAME = "proposals.patch"
REJECTED_NAME = "REJECTED.md"
_JS = r"(?:js|jsx|mjs|cjs|ts|tsx|mts|cts)"
TEST_FILE_NAME = re.compile(
    r"^(?:test_[\w.-]*\.py|[\w.-]+_test\.py"
    rf"|[\w.-]+\.(?:test|spec)\.{_JS}"
    r"|[\w.-]+_test\.go|[\w.-]+_(?:spec|test)\.rb|[\w.-]+_test\.rs"
    r"|\w+Tests?\.(?:java|kt|cs|php|swift)|\w+IT\.java|\w+Spec\.scala"
    r"|test_[\w.-]+\.sh|[\w.-]+\.bats)$"
)
NEVER_APPLIED = frozenset({"conftest.py", "__init__.py", "setup.py", "noxfile.py"})


@dataclass
class ProposalResult:
    written: list[str] = field(default_factory=list)  # project-relative paths, in the patch
    held: list[str] = field(default_factory=list)  # saved for people, never applied
    rejected: list[str] = field(default_factory=list)  # "tests/x.py: already exists"
    patch: Path | None = None
    applied: bool = False
    apply_error: str | None = None


def apply_refusal(path: str, test_dirs: Iterable[str]) -> str | None:
    """Why a proposed file may not be applied to the project, or None for a test file inside
    a test directory."""
    pure = PurePosixPath(path)
    dirs = pure.parts[:-1]
    if pure.name in NEVER_APPLIED:
        return f"{pure.name} is code the test runner loads by itself"
    if any(part.startswith(".") for part in pure.parts):
        return "hidden files and directories (CI, tool configuration) are never applied"
    if not TEST_FILE_NAME.match(pure.name):
        return "not named like a test file (test_*.py, *_test.py, *.test.ts...)"
    prefixes = tuple(d.strip("/") + "/" for d in test_dirs if d.strip("/") not in ("", "."))
    if not (path.startswith(prefixes) or any(d in TEST_DIR_NAMES for d in dirs)):
        return "not inside one of the project's test directories"
    return None


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
    """Save each valid proposal and one combined patch of the applicable ones (test files in
    test directories); never touch the project."""
    result = ProposalResult()
    patches = []
    test_dirs = detect_stack(ctx).test_dirs
    for proposal in proposals:
        if not _inside(ctx.target, proposal.path):
            result.rejected.append(f"{proposal.path}: outside the project")
            continue
        if (ctx.target / proposal.path).exists():
            result.rejected.append(f"{proposal.path}: already exists (proposals never overwrite)")
            continue
        if proposal.path in result.written or proposal.path in result.held:
            result.rejected.append(f"{proposal.path}: proposed twice")
            continue
        write_atomic(ctx.workspace.proposals_dir / proposal.path, proposal.content)
        refusal = apply_refusal(proposal.path, test_dirs)
        if refusal is not None:
            result.held.append(proposal.path)
            result.rejected.append(f"{proposal.path}: never applied: {refusal}")
            continue
        patches.append(new_file_patch(proposal.path, proposal.content))
        result.written.append(proposal.path)
    if result.rejected:
        lines = "".join(f"- {reason}\n" for reason in result.rejected)
        write_atomic(
            ctx.workspace.proposals_dir / REJECTED_NAME,
            "# Proposals not applied\n\nKept here to read, never part of the patch:\n\n" + lines,
        )
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
