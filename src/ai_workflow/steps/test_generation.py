"""Step 6: Test Generation. Untested public functions with their signatures, ranked.

A public function, class or method is untested on the evidence step 5 gathered
(`test_review.inventory`): with a coverage report that has its lines, none of its body lines
ran; otherwise nothing reaches it from the tests (its module is not imported by any test,
directly or transitively, or no test or reached code calls it, by name). Definitions with no
behaviour (TypedDicts, Protocols, NamedTuples, enums, classes without methods, `@overload`s,
abstract methods, stub bodies) are never listed. Candidates are ranked so the AI layer (and the
reader) start with what matters: recently changed code first, then modules with no test at
all, then larger definitions. This step writes nothing into the project.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ai_workflow.engine.step import StepContext, StepOutcome, StepSpec
from ai_workflow.pysource import PySymbol, read_source
from ai_workflow.steps import test_review
from ai_workflow.techstack import EXTENSIONS
from ai_workflow.testsource.reach import Reach

SPEC = StepSpec(
    id="test_generation",
    number=6,
    name="Test Generation",
    description="Untested public functions and classes with signatures, ranked; writes nothing.",
    depends_on=("pre_analysis", "test_review"),  # ranks by pre_analysis's changed files
    categories=("code", "tests"),
    estimate_s=180.0,
    persona="TDD expert",
)

MAX_FINDINGS = 100
CHANGED_WEIGHT = 4.0
UNTESTED_MODULE_WEIGHT = 1.5
KIND_WEIGHT = {"class": 1.2, "function": 1.0, "method": 0.8}
JS_EXPORT_RES = (
    re.compile(
        r"^[ \t]*export\s+(?:default\s+)?(?:async\s+)?function\s*\*?\s*(?P<name>\w+)\s*"
        r"\((?P<params>[^)]*)\)",
        re.MULTILINE,
    ),
    re.compile(
        r"^[ \t]*export\s+(?:default\s+)?(?:abstract\s+)?class\s+(?P<name>\w+)", re.MULTILINE
    ),
    re.compile(
        r"^[ \t]*export\s+const\s+(?P<name>\w+)\s*(?::[^=]+)?=\s*(?:async\s+)?"
        r"(?:\((?P<params>[^)]*)\)|(?P<param>\w+))\s*(?::[^=]+)?=>",
        re.MULTILINE,
    ),
)
JS_COMMONJS_RE = re.compile(r"\b(?:module\.)?exports\.(?P<name>\w+)\s*=", re.MULTILINE)
JS_EXPORT_OBJECT_RE = re.compile(r"\bmodule\.exports\s*=\s*\{(?P<body>[^}]*)\}", re.MULTILINE)


@dataclass
class Candidate:
    """An untested public definition, with why it ranks where it does."""

    path: str
    line: int
    qualname: str
    kind: str  # function, class, method
    signature: str
    language: str
    size: int  # lines
    changed: bool
    module_untested: bool
    evidence: str = ""  # why it counts as untested
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def rank(self) -> None:
        self.score = round(
            KIND_WEIGHT.get(self.kind, 1.0)
            * math.log2(self.size + 1)
            * (CHANGED_WEIGHT if self.changed else 1.0)
            * (UNTESTED_MODULE_WEIGHT if self.module_untested else 1.0),
            3,
        )
        self.reasons = [
            *([self.evidence] if self.evidence else []),
            *(["recently changed"] if self.changed else []),
            *(["its module has no test"] if self.module_untested else []),
            f"{self.size} line(s)",
        ]


# --------------------------------------------------------------------------- candidates


@dataclass
class Evidence:
    """How one module's definitions are judged: its coverage lines, else the reach graph."""

    path: str
    reach: Reach
    changed: bool
    module_untested: bool

    def untested(self, line: int, end: int, reached: bool) -> str | None:
        """Why a definition spanning line..end is untested, or None."""
        first = line + 1 if end > line else line  # the `def` line itself runs on import
        covered = self.reach.covered(self.path, first, end)
        if covered is not None:
            report = self.reach.coverage.report if self.reach.coverage else "coverage"
            return None if covered else f"no line ran ({report})"
        return None if reached else "no test reaches it"


def python_candidates(
    symbols: list[PySymbol], evidence: Evidence, no_behaviour: set[tuple[str, int]]
) -> list[Candidate]:
    """Public functions, classes and methods of one module that the tests do not reach."""
    untested_classes: set[str] = set()
    out = []
    for symbol in symbols:
        if (symbol.qualname, symbol.line) in no_behaviour:
            continue  # nothing to test: a TypedDict, a Protocol, an @overload, a stub...
        if not symbol.is_public or symbol.name.startswith("__"):
            continue
        owner = symbol.qualname.rsplit(".", 1)[0] if "." in symbol.qualname else None
        if owner in untested_classes:
            continue  # the class itself is listed
        why = _python_untested(symbol, symbols, evidence)
        if why is None:
            continue
        if symbol.kind == "class":
            untested_classes.add(symbol.qualname)
        out.append(_from_symbol(evidence, symbol, why))
    return out


def _python_untested(symbol: PySymbol, symbols: list[PySymbol], evidence: Evidence) -> str | None:
    reached = evidence.reach.python_reached(evidence.path, symbol.qualname)
    if symbol.kind != "class":
        return evidence.untested(symbol.line, symbol.end_line, reached)
    if evidence.reach.covered(evidence.path, symbol.line, symbol.end_line) is None:
        return None if reached else "no test reaches it"
    prefix = symbol.qualname + "."
    methods = [s for s in symbols if s.kind == "method" and s.qualname.startswith(prefix)]
    whys = [evidence.untested(m.line, m.end_line, True) for m in methods]
    return whys[0] if whys and all(w is not None for w in whys) else None


def _from_symbol(evidence: Evidence, symbol: PySymbol, why: str) -> Candidate:
    return Candidate(
        path=evidence.path,
        line=symbol.line,
        qualname=symbol.qualname,
        kind=symbol.kind,
        signature=symbol.signature,
        language="python",
        size=symbol.size,
        changed=evidence.changed,
        module_untested=evidence.module_untested,
        evidence=why,
    )


def js_candidates(target: Path, evidence: Evidence) -> list[Candidate]:
    path = evidence.path
    try:
        text = read_source(target / path)
    except OSError:
        return []
    language = EXTENSIONS.get(PurePosixPath(path).suffix, "javascript")
    found: dict[str, Candidate] = {}
    for name, line, signature, kind in _js_exports(text):
        if name in found:
            continue
        size = _js_size(text, line)
        why = evidence.untested(line, line + size - 1, evidence.reach.js_reached(path, name))
        if why is not None:
            found[name] = Candidate(
                path,
                line,
                name,
                kind,
                signature,
                language,
                size,
                evidence.changed,
                evidence.module_untested,
                evidence=why,
            )
    return sorted(found.values(), key=lambda c: c.line)


def _js_exports(text: str) -> list[tuple[str, int, str, str]]:
    """(name, line, signature, kind) of what a JS/TS module exports."""
    out = []
    for regex in JS_EXPORT_RES:
        for match in regex.finditer(text):
            line = text.count("\n", 0, match.start("name")) + 1
            signature = " ".join(match.group(0).split())
            kind = "class" if " class " in f" {signature} " else "function"
            out.append((match.group("name"), line, signature.removeprefix("export "), kind))
    names = [m.group("name") for m in JS_COMMONJS_RE.finditer(text)]
    for match in JS_EXPORT_OBJECT_RE.finditer(text):
        names += [n.split(":")[0].strip() for n in match.group("body").split(",") if n.strip()]
    for name in names:
        if re.fullmatch(r"\w+", name):
            line, signature = _js_definition(text, name)
            out.append((name, line, signature, "function"))
    return out


def _js_definition(text: str, name: str) -> tuple[int, str]:
    pattern = re.compile(
        rf"^[ \t]*(?:async\s+)?function\s*\*?\s*{name}\s*\([^)]*\)"
        rf"|^[ \t]*(?:const|let|var)\s+{name}\s*=\s*[^\n]*"
        rf"|\bexports\.{name}\s*=\s*[^\n]*",
        re.MULTILINE,
    )
    match = pattern.search(text)
    if match is None:
        return 1, name
    line = text.count("\n", 0, match.start()) + 1
    return line, " ".join(match.group(0).split()).rstrip("{ ").rstrip(";")


def _js_size(text: str, line: int) -> int:
    """Lines until the next top-level statement: a rough size of a JS definition."""
    lines = text.splitlines()
    end = line
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t", "}")):
        end += 1
    return max(1, end - line + 1)


# --------------------------------------------------------------------------- the step


def _review_data(ctx: StepContext) -> tuple[test_review.Inventory, list[str]]:
    """The inventory (memoised per run, shared with step 5) and the untested modules."""
    inv = test_review.inventory(ctx)
    result = ctx.result_of("test_review")
    untested = inv.untested
    if result is not None and isinstance(result.data.get("untested_modules"), list):
        untested = [str(p) for p in result.data["untested_modules"]]
    return inv, untested


def _changed_files(ctx: StepContext) -> set[str]:
    result = ctx.result_of("pre_analysis")
    changed = result.data.get("changed_files") if result is not None else None
    return {str(p) for p in changed} if isinstance(changed, list) else set()


def run(ctx: StepContext) -> StepOutcome:
    outcome = StepOutcome()
    inv, untested_modules = _review_data(ctx)
    changed = _changed_files(ctx)
    candidates = _candidates(ctx.target, inv, changed, set(untested_modules))
    _report(outcome, candidates)
    sources = inv.source_modules
    outcome.data = {
        "candidates": [asdict(c) for c in candidates],
        "count": len(candidates),
        "untested_modules": untested_modules,
        "modules_scanned": len(sources),
    }
    evidence = "the coverage report's lines, else " if inv.coverage and inv.coverage.lines else ""
    outcome.checked += [
        f"public definitions in {len(sources)} source module(s) against "
        f"{len(inv.test_files)} test file(s)",
        f"evidence: {evidence}what the tests reach through imports and calls (by name)",
        "ranked by: recently changed, module without tests, size",
    ]
    outcome.skipped_checks += [n for n in inv.notes if n.startswith("untested")]
    outcome.summary = f"{len(candidates)} untested public definition(s) in {len(sources)} module(s)"
    return outcome


def _candidates(
    target: Path,
    inv: test_review.Inventory,
    changed: set[str],
    untested: set[str],
) -> list[Candidate]:
    candidates: list[Candidate] = []
    for path in inv.source_modules:
        evidence = Evidence(path, inv.reach, path in changed, path in untested)
        if path.endswith((".py", ".pyi")):
            symbols = inv.symbols.get(path, [])
            candidates += python_candidates(symbols, evidence, inv.no_behaviour.get(path, set()))
        else:
            candidates += js_candidates(target, evidence)
    for candidate in candidates:
        candidate.rank()
    return sorted(candidates, key=lambda c: (-c.score, c.path, c.line))


def _report(outcome: StepOutcome, candidates: list[Candidate]) -> None:
    for rank, candidate in enumerate(candidates[:MAX_FINDINGS], start=1):
        rule = "tests/untested-class" if candidate.kind == "class" else "tests/untested-function"
        outcome.add(
            rule,
            "info",
            f"#{rank} untested {candidate.kind} {candidate.qualname}: {candidate.signature} "
            f"({', '.join(candidate.reasons)})",
            candidate.path,
            candidate.line,
            signature=candidate.signature,
            score=candidate.score,
        )
    if len(candidates) > MAX_FINDINGS:
        outcome.checked.append(
            f"listed the top {MAX_FINDINGS} of {len(candidates)} as findings; all are in the data"
        )


def to_markdown(candidates: list[dict[str, Any]], limit: int = 20) -> str:
    """A short ranked list, for prompts and summaries."""
    lines = [
        f"{i}. `{c['path']}:{c['line']}` {c['kind']} `{c['signature']}`"
        for i, c in enumerate(candidates[:limit], start=1)
    ]
    return "\n".join(lines)
