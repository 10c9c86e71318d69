"""The end of the history, read without parsing the whole file: the same runs as reading it all."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ai_workflow.engine.metrics import HISTORY_FILE, metrics_dir, read_history, read_recent_history

LINES = st.lists(
    st.one_of(
        st.builds(
            lambda n, pad: json.dumps({"run_id": f"r{n}", "pad": "x" * pad}),
            st.integers(0, 999),
            st.integers(0, 300),
        ),
        st.sampled_from(['{"run_id": "cut', "", "not json", '{"no_id": 1}']),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(lines=LINES, runs=st.integers(1, 50), block=st.integers(1, 700), newline=st.booleans())
def test_the_last_runs_are_those_of_the_whole_history(
    tmp_path_factory: pytest.TempPathFactory,
    lines: list[str],
    runs: int,
    block: int,
    newline: bool,
) -> None:
    target = tmp_path_factory.mktemp("t")
    path = metrics_dir(target) / HISTORY_FILE
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + ("\n" if newline else ""), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        everything = read_history(target)
    assert read_recent_history(target, runs, block=block) == everything[-runs:]


def test_no_history_is_empty(tmp_path: Path) -> None:
    assert read_recent_history(tmp_path, 10) == []
