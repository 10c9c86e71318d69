"""The step graph: order, phases, critical path and renderings, all derived from the registry."""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from ai_workflow.engine.step import StepSpec
from ai_workflow.errors import ConfigError


@dataclass(frozen=True)
class Estimate:
    seconds: float
    source: str  # "history (median of N runs)" or "registry default"


class StepGraph:
    """A DAG over the selected steps. Edges to steps outside the selection are ignored."""

    def __init__(self, specs: Sequence[StepSpec]) -> None:
        self.specs: dict[str, StepSpec] = {s.id: s for s in sorted(specs, key=lambda s: s.number)}
        self.deps: dict[str, tuple[str, ...]] = {
            s.id: tuple(d for d in s.depends_on if d in self.specs) for s in self.specs.values()
        }
        self.dependents: dict[str, list[str]] = {sid: [] for sid in self.specs}
        for sid, deps in self.deps.items():
            for dep in deps:
                self.dependents[dep].append(sid)
        cycle = self.find_cycle()
        if cycle:
            raise ConfigError("dependency cycle between steps: " + " -> ".join(cycle))
        self._order = self._topological_order()

    def __contains__(self, step_id: object) -> bool:
        return step_id in self.specs

    def find_cycle(self) -> list[str] | None:
        """One cycle as a closed path (a -> b -> a), or None."""
        state: dict[str, int] = {}  # 1 = on the stack, 2 = done
        stack: list[str] = []

        def visit(node: str) -> list[str] | None:
            state[node] = 1
            stack.append(node)
            for dep in self.deps[node]:
                if state.get(dep) == 1:
                    return [*stack[stack.index(dep) :], dep]
                if dep not in state and (found := visit(dep)):
                    return found
            stack.pop()
            state[node] = 2
            return None

        for node in self.specs:
            if node not in state and (found := visit(node)):
                return found
        return None

    def order(self) -> list[str]:
        """Topological order, ties broken by step number."""
        return list(self._order)

    def _topological_order(self) -> list[str]:
        indegree = {sid: len(deps) for sid, deps in self.deps.items()}
        ready = [(self.specs[s].number, s) for s, n in indegree.items() if n == 0]
        heapq.heapify(ready)
        out: list[str] = []
        while ready:
            _, sid = heapq.heappop(ready)
            out.append(sid)
            for child in self.dependents[sid]:
                indegree[child] -= 1
                if indegree[child] == 0:
                    heapq.heappush(ready, (self.specs[child].number, child))
        return out

    def phases(self) -> list[list[str]]:
        """Topological generations: each phase depends only on earlier phases."""
        level: dict[str, int] = {}
        for sid in self.order():
            level[sid] = 1 + max((level[d] for d in self.deps[sid]), default=-1)
        phases: list[list[str]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
        for sid in self.order():
            phases[level[sid]].append(sid)
        return phases

    def remaining_path(self, estimates: Mapping[str, float]) -> dict[str, float]:
        """For each step: its estimate plus the longest chain of dependents after it."""
        out: dict[str, float] = {}
        for sid in reversed(self.order()):
            tail = max((out[c] for c in self.dependents[sid]), default=0.0)
            out[sid] = estimates[sid] + tail
        return out

    def critical_path(self, estimates: Mapping[str, float]) -> tuple[list[str], float]:
        """The longest chain by estimated time, and its total."""
        if not self.specs:
            return [], 0.0
        remaining = self.remaining_path(estimates)
        roots = [s for s in self.order() if not self.deps[s]]
        node = max(roots, key=lambda s: (remaining[s], -self.specs[s].number))
        path = [node]
        while self.dependents[node]:
            node = max(self.dependents[node], key=lambda s: (remaining[s], -self.specs[s].number))
            path.append(node)
        return path, remaining[path[0]]

    def descendants(self, step_id: str) -> set[str]:
        seen: set[str] = set()
        todo = list(self.dependents[step_id])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(self.dependents[node])
        return seen

    def simulate(self, estimates: Mapping[str, float], jobs: int) -> float:
        """Estimated wall time with `jobs` workers, scheduled the way the scheduler does it."""
        remaining = self.remaining_path(estimates)
        indegree = {sid: len(deps) for sid, deps in self.deps.items()}
        ready = {s for s, n in indegree.items() if n == 0}
        running: list[tuple[float, str]] = []
        now = 0.0
        while ready or running:
            mutating = any(self.specs[s].mutates for _, s in running)
            for sid in sorted(ready, key=lambda s: (-remaining[s], self.specs[s].number)):
                if len(running) >= jobs:
                    break
                if self.specs[sid].mutates and running:
                    continue
                if mutating:
                    break
                ready.discard(sid)
                heapq.heappush(running, (now + estimates[sid], sid))
                mutating = self.specs[sid].mutates
            now, done = heapq.heappop(running)
            for child in self.dependents[done]:
                indegree[child] -= 1
                if indegree[child] == 0:
                    ready.add(child)
        return now


# ----------------------------------------------------------------------------- rendering


def fmt_seconds(seconds: float) -> str:
    """`~0.3s` for short steps, `~120s` for long ones."""
    return f"~{seconds:.1f}s" if seconds < 10 else f"~{seconds:.0f}s"


MERMAID_KEYWORDS = frozenset(
    {"end", "graph", "flowchart", "subgraph", "class", "classdef", "click", "style", "linkstyle",
     "direction", "call", "href", "default"}
)  # fmt: skip
"""Words Mermaid reads as syntax where a node id stands (step ids are lower case)."""


def mermaid_id(step_id: str) -> str:
    """A step's Mermaid node id: the step id itself, so a custom step `s01` is never mistaken
    for step 1; a Mermaid keyword (`end`) is capitalised, which no step id can be."""
    return step_id.capitalize() if step_id in MERMAID_KEYWORDS else step_id


def critical_edges(critical: Sequence[str]) -> set[tuple[str, str]]:
    """The edges of the critical path itself: each step to the next one on it (two steps of
    the path may have an edge between them that the path does not take)."""
    return set(pairwise(critical))


def render_mermaid(
    graph: StepGraph, estimates: Mapping[str, Estimate], critical: Sequence[str] = ()
) -> str:
    on_path = critical_edges(critical)
    lines = ["flowchart TD"]
    for sid, spec in graph.specs.items():
        label = f"{spec.number}: {spec.name}<br/>{fmt_seconds(estimates[sid].seconds)}"
        lines.append(f'    {mermaid_id(sid)}["{label}"]')
    edge_index = 0
    highlighted: list[int] = []
    for sid in graph.order():
        for dep in graph.deps[sid]:
            lines.append(f"    {mermaid_id(dep)} --> {mermaid_id(sid)}")
            if (dep, sid) in on_path:
                highlighted.append(edge_index)
            edge_index += 1
    if critical:
        lines.append("    classDef critical fill:#ffe0e0,stroke:#d33,stroke-width:3px")
        nodes = ",".join(mermaid_id(s) for s in graph.order() if s in set(critical))
        lines.append(f"    class {nodes} critical")
        for index in highlighted:
            lines.append(f"    linkStyle {index} stroke:#d33,stroke-width:3px")
    return "\n".join(lines) + "\n"


def render_dot(
    graph: StepGraph, estimates: Mapping[str, Estimate], critical: Sequence[str] = ()
) -> str:
    """Graphviz DOT; node ids are the quoted step ids (DOT keywords such as `node` are fine
    quoted)."""
    on_path = critical_edges(critical)
    lines = ["digraph workflow {", "    rankdir=TB;", "    node [shape=box];"]
    for sid, spec in graph.specs.items():
        style = ', color="red", penwidth=2' if sid in critical else ""
        label = f"{spec.number}: {spec.name}\\n{fmt_seconds(estimates[sid].seconds)}"
        lines.append(f'    "{sid}" [label="{label}"{style}];')
    for sid in graph.order():
        for dep in graph.deps[sid]:
            style = ' [color="red", penwidth=2]' if (dep, sid) in on_path else ""
            lines.append(f'    "{dep}" -> "{sid}"{style};')
    lines.append("}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class GraphAnalysis:
    """Everything `--show-graph` and `ai-workflow graph` report."""

    graph: StepGraph
    estimates: dict[str, Estimate]
    phases: list[list[str]]
    critical_path: list[str]
    critical_total: float
    sequential_total: float
    parallel_total: float
    jobs: int

    def to_dict(self) -> dict[str, object]:
        g = self.graph
        return {
            "steps": [
                {
                    "id": sid,
                    "number": spec.number,
                    "name": spec.name,
                    "depends_on": list(g.deps[sid]),
                    "estimate_s": self.estimates[sid].seconds,
                    "estimate_source": self.estimates[sid].source,
                    "mutates": spec.mutates,
                }
                for sid, spec in g.specs.items()
            ],
            "phases": [
                {"phase": i + 1, "steps": p, "estimate_s": self.phase_estimate(p)}
                for i, p in enumerate(self.phases)
            ],
            "critical_path": self.critical_path,
            "critical_path_s": self.critical_total,
            "sequential_s": self.sequential_total,
            "parallel_s": self.parallel_total,
            "jobs": self.jobs,
        }

    def phase_estimate(self, phase: Sequence[str]) -> float:
        return max((self.estimates[s].seconds for s in phase), default=0.0)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2) + "\n"


def analyse(graph: StepGraph, estimates: dict[str, Estimate], jobs: int) -> GraphAnalysis:
    seconds = {sid: e.seconds for sid, e in estimates.items()}
    path, total = graph.critical_path(seconds)
    return GraphAnalysis(
        graph=graph,
        estimates=estimates,
        phases=graph.phases(),
        critical_path=path,
        critical_total=total,
        sequential_total=sum(seconds.values()),
        parallel_total=graph.simulate(seconds, jobs) if graph.specs else 0.0,
        jobs=jobs,
    )


def estimate_steps(
    specs: Iterable[StepSpec], medians: Mapping[str, float], runs: Mapping[str, int]
) -> dict[str, Estimate]:
    """History medians where a step has successful runs on record, else registry defaults."""
    out: dict[str, Estimate] = {}
    for spec in specs:
        if spec.id in medians:
            n = runs.get(spec.id, 0)
            out[spec.id] = Estimate(medians[spec.id], f"history (median of {n} runs)")
        else:
            out[spec.id] = Estimate(spec.estimate_s, "registry default")
    return out


def render_text(analysis: GraphAnalysis) -> str:
    g = analysis.graph
    lines = ["Execution phases:"]
    for i, phase in enumerate(analysis.phases, start=1):
        names = ", ".join(
            f"{g.specs[s].number} {s} ({fmt_seconds(analysis.estimates[s].seconds)})" for s in phase
        )
        lines.append(f"  Phase {i} ({fmt_seconds(analysis.phase_estimate(phase))}): {names}")
    parallel = [p for p in analysis.phases if len(p) > 1]
    lines.append("Parallelisation opportunities:")
    if parallel:
        for phase in parallel:
            lines.append(f"  {len(phase)} independent steps: " + ", ".join(phase))
    else:
        lines.append("  none: every phase has a single step")
    chain = " -> ".join(f"{g.specs[s].number} {s}" for s in analysis.critical_path)
    lines.append(f"Critical path ({fmt_seconds(analysis.critical_total)}): {chain}")
    lines.append(f"Estimated sequential total: {fmt_seconds(analysis.sequential_total)}")
    lines.append(
        f"Estimated parallel total (--jobs {analysis.jobs}): {fmt_seconds(analysis.parallel_total)}"
    )
    sources = sorted({e.source.split(" (")[0] for e in analysis.estimates.values()})
    lines.append("Estimates from: " + ", ".join(sources))
    return "\n".join(lines) + "\n"


def render_markdown(analysis: GraphAnalysis) -> str:
    mermaid = render_mermaid(analysis.graph, analysis.estimates, analysis.critical_path)
    rows = [
        f"| {s.number} | {s.id} | {', '.join(analysis.graph.deps[sid]) or '-'} | "
        f"{analysis.estimates[sid].seconds:.1f} | {analysis.estimates[sid].source} |"
        for sid, s in analysis.graph.specs.items()
    ]
    return (
        "# Dependency graph\n\n```mermaid\n"
        + mermaid
        + "```\n\n"
        + "| # | step | depends on | estimate (s) | estimate from |\n|---|---|---|---|---|\n"
        + "\n".join(rows)
        + "\n\n```text\n"
        + render_text(analysis)
        + "```\n"
    )
