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
    assert "s0 --> s1" in mermaid and "s0 --> s2" in mermaid
    assert "class s0,s1 critical" in mermaid
    dot = render_dot(graph, estimates, analysis.critical_path)
    assert "s0 -> s1" in dot
    data = json.loads(analysis.to_json())
    assert data["critical_path"] == ["a", "b"]
    assert data["critical_path_s"] == 30
    assert data["sequential_s"] == 35
    assert data["parallel_s"] == 30
    text = render_text(analysis)
    assert "Phase 2" in text and "2 independent steps: b, c" in text
