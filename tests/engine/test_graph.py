from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.engine.graph import (
    Estimate,
    StepGraph,
    analyse,
    render_dot,
    render_mermaid,
    render_text,
)
from ai_workflow.engine.step import StepSpec
from ai_workflow.errors import ConfigError
from ai_workflow.steps import builtin_steps


@st.composite
def random_dags(draw: st.DrawFn, max_nodes: int = 9) -> list[StepSpec]:
    """Random DAGs: edges only go from lower to higher index, so there is never a cycle."""
    n = draw(st.integers(min_value=1, max_value=max_nodes))
    specs = []
    for i in range(n):
        deps = draw(st.sets(st.integers(0, i - 1), max_size=i)) if i else set()
        estimate = draw(st.integers(min_value=1, max_value=50))
        mutates = draw(st.integers(0, 4)) == 0  # about one step in five writes the project
        specs.append(
            StepSpec(
                id=f"s{i}",
                number=draw(st.integers(0, 100)) * 100 + i,
                name=f"step {i}",
                depends_on=tuple(f"s{d}" for d in sorted(deps)),
                estimate_s=float(estimate),
                mutates=mutates,
            )
        )
    return specs


@given(random_dags())
def test_phases_are_topological_generations(specs: list[StepSpec]) -> None:
    graph = StepGraph(specs)
    phases = graph.phases()
    level = {sid: i for i, phase in enumerate(phases) for sid in phase}
    assert sorted(level) == sorted(s.id for s in specs)
    for sid, deps in graph.deps.items():
        for dep in deps:
            assert level[dep] < level[sid]
        if deps:  # a generation: one phase after its latest dependency
            assert level[sid] == 1 + max(level[d] for d in deps)
        else:
            assert level[sid] == 0


@given(random_dags())
def test_order_is_topological(specs: list[StepSpec]) -> None:
    graph = StepGraph(specs)
    position = {sid: i for i, sid in enumerate(graph.order())}
    for sid, deps in graph.deps.items():
        assert all(position[d] < position[sid] for d in deps)


def brute_force_longest(graph: StepGraph, est: dict[str, float]) -> float:
    best = 0.0

    def walk(node: str, total: float) -> None:
        nonlocal best
        total += est[node]
        best = max(best, total)
        for child in graph.dependents[node]:
            walk(child, total)

    for node in graph.specs:
        walk(node, 0.0)
    return best


@given(random_dags())
@settings(max_examples=150)
def test_critical_path_equals_brute_force_longest_path(specs: list[StepSpec]) -> None:
    graph = StepGraph(specs)
    est = {s.id: s.estimate_s for s in specs}
    path, total = graph.critical_path(est)
    assert total == pytest.approx(brute_force_longest(graph, est))
    assert sum(est[s] for s in path) == pytest.approx(total)
    for before, after in itertools.pairwise(path):
        assert before in graph.deps[after]


@given(random_dags(), st.integers(1, 4))
def test_simulated_parallel_time_is_between_critical_path_and_sum(
    specs: list[StepSpec], jobs: int
) -> None:
    graph = StepGraph(specs)
    est = {s.id: s.estimate_s for s in specs}
    _, critical = graph.critical_path(est)
    simulated = graph.simulate(est, jobs)
    assert critical - 1e-9 <= simulated <= sum(est.values()) + 1e-9


def test_cycle_is_a_configuration_error_naming_it() -> None:
    specs = [
        StepSpec("a", 1, "a", depends_on=("c",)),
        StepSpec("b", 2, "b", depends_on=("a",)),
        StepSpec("c", 3, "c", depends_on=("b",)),
    ]
    with pytest.raises(ConfigError, match=r"cycle.*a -> .* -> a|cycle.*b -> .* -> b|cycle.*c"):
        StepGraph(specs)


def test_builtin_graph_phases_and_critical_path() -> None:
    graph = StepGraph([s.spec for s in builtin_steps()])
    assert graph.phases()[0] == ["pre_analysis"]
    assert graph.order()[-1] == "git_finalization"
    est = {sid: spec.estimate_s for sid, spec in graph.specs.items()}
    path, total = graph.critical_path(est)
    assert path[0] == "pre_analysis" and path[-1] == "git_finalization"
    assert total == pytest.approx(brute_force_longest(graph, est))


def test_renderings_come_from_the_graph() -> None:
    specs = [
        StepSpec("a", 0, "Alpha", estimate_s=10),
        StepSpec("b", 1, "Beta", depends_on=("a",), estimate_s=20),
        StepSpec("c", 2, "Gamma", depends_on=("a",), estimate_s=5),
    ]
    graph = StepGraph(specs)
    estimates = {s.id: Estimate(s.estimate_s, "registry default") for s in specs}
    analysis = analyse(graph, estimates, jobs=2)
    mermaid = render_mermaid(graph, estimates, analysis.critical_path)
    assert "a --> b" in mermaid and "a --> c" in mermaid
    assert "class a,b critical" in mermaid
    dot = render_dot(graph, estimates, analysis.critical_path)
    assert '"a" -> "b" [color="red"' in dot and '"a" -> "c";' in dot
    data = json.loads(analysis.to_json())
    assert data["critical_path"] == ["a", "b"]
    assert data["critical_path_s"] == 30
    assert data["sequential_s"] == 35
    assert data["parallel_s"] == 30
    text = render_text(analysis)
    assert "Phase 2" in text and "2 independent steps: b, c" in text


def _highlighted_edges(mermaid: str) -> set[tuple[str, str]]:
    """The edges a Mermaid chart styles, from its `linkStyle <index>` lines."""
    edges = [tuple(line.split(" --> ")) for line in mermaid.splitlines() if " --> " in line]
    styled = [int(line.split()[1]) for line in mermaid.splitlines() if "linkStyle" in line]
    return {(a.strip(), b.strip()) for a, b in (edges[i] for i in styled)}


def test_mermaid_highlights_only_the_critical_paths_own_edges() -> None:
    """In the default graph the path is 0 -> 5 -> 6 -> 10 -> 11; 0 -> 6 and 5 -> 10 join two
    steps of the path but are not on it (they were highlighted)."""
    graph = StepGraph([s.spec for s in builtin_steps()])
    estimates = {
        sid: Estimate(spec.estimate_s, "registry default") for sid, spec in graph.specs.items()
    }
    analysis = analyse(graph, estimates, jobs=4)
    path = analysis.critical_path
    assert path == ["pre_analysis", "test_review", "test_generation", "context_analysis",
                    "git_finalization"]  # fmt: skip
    mermaid = render_mermaid(graph, estimates, path)
    assert _highlighted_edges(mermaid) == set(itertools.pairwise(path))
    assert "pre_analysis --> test_generation" in mermaid  # drawn, not highlighted
    assert "test_review --> context_analysis" in mermaid
    assert '    test_execution["7: Test Execution' in mermaid  # node ids are step ids
    assert " s0 " not in mermaid and "s5 -->" not in mermaid
    dot = render_dot(graph, estimates, path)
    assert '"pre_analysis" -> "test_generation";' in dot
    assert '"test_review" -> "test_generation" [color="red", penwidth=2];' in dot


@given(random_dags())
@settings(max_examples=60)
def test_mermaid_highlights_exactly_the_path_edges(specs: list[StepSpec]) -> None:
    graph = StepGraph(specs)
    estimates = {s.id: Estimate(s.estimate_s, "registry default") for s in specs}
    path = analyse(graph, estimates, jobs=2).critical_path
    assert _highlighted_edges(render_mermaid(graph, estimates, path)) == set(
        itertools.pairwise(path)
    )


def test_a_custom_step_named_like_a_number_or_a_keyword_keeps_its_own_node() -> None:
    specs = [
        StepSpec("s1", 0, "Custom one", estimate_s=1),
        StepSpec("end", 1, "The end", depends_on=("s1",), estimate_s=1),
        StepSpec("s01", 2, "Custom s01", depends_on=("s1",), estimate_s=1),
    ]
    graph = StepGraph(specs)
    estimates = {s.id: Estimate(s.estimate_s, "registry default") for s in specs}
    mermaid = render_mermaid(graph, estimates, ["s1", "end"])
    assert "s1 --> End" in mermaid and "s1 --> s01" in mermaid  # `end` is Mermaid syntax
    assert 'End["1: The end' in mermaid and 's01["2: Custom s01' in mermaid
