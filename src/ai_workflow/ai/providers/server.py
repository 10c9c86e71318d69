"""What an OpenAI-compatible server tells about itself: its models, the context window, and a
tokenizer endpoint. Plain HTTP (stdlib), short timeouts, and never an exception: a server that
does not know a route simply does not tell.

Where the window comes from, in order: `ai.context_window`; llama.cpp's `GET /props`
(`default_generation_settings.n_ctx`); `GET /v1/models` (vLLM's `max_model_len`, llama.cpp's
`meta.n_ctx`, LM Studio's `loaded_context_length`); Ollama's `POST /api/show` (the model's
`num_ctx` parameter, else Ollama's default context of 4096, never more than the model's own
`context_length`: Ollama's OpenAI routes cut longer prompts silently); a window named in a
server's "context length exceeded" error (learned during the run); the table of known hosted
models below; else 8192.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

PROBE_TIMEOUT_S = 3.0
DEFAULT_WINDOW = 8192
OLLAMA_DEFAULT_NUM_CTX = 4096

KNOWN_WINDOWS: tuple[tuple[str, int], ...] = (
    # (model name prefix, context window in tokens); the longest matching prefix wins
    ("gpt-4.1", 1_047_576),
    ("gpt-5", 400_000),
    ("gpt-4o", 128_000),
    ("gpt-4-turbo", 128_000),
    ("gpt-4", 8_192),
    ("gpt-3.5-turbo", 16_385),
    ("o1", 200_000),
    ("o3", 200_000),
    ("o4-mini", 200_000),
    ("claude-", 200_000),
)


@dataclass(frozen=True)
class Window:
    tokens: int
    source: str  # where the number comes from, said in ai check and the step data


def known_window(model: str | None) -> int | None:
    """The context window of a known hosted model, by the longest matching name prefix."""
    if not model:
        return None
    matches = [(len(p), n) for p, n in KNOWN_WINDOWS if model.startswith(p)]
    return max(matches)[1] if matches else None


def root_url(base_url: str) -> str:
    """`http://host:port/v1` -> `http://host:port` (llama.cpp and Ollama routes are at the root)."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/")
    path = path[: -len("/v1")] if path.endswith("/v1") else path
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def with_v1(base_url: str) -> tuple[str, bool]:
    """`base_url` with `/v1` added when it has no path at all (`http://localhost:11434`), and
    whether it was added."""
    parts = urlsplit(base_url)
    if parts.path.strip("/"):
        return base_url.rstrip("/"), False
    return urlunsplit((parts.scheme, parts.netloc, "/v1", "", "")), True


def _request(url: str, body: dict[str, Any] | None, timeout: float) -> Any | None:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if body is not None else {}
    request = urllib.request.Request(url, data=data, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read(2_000_000) or b"null")
    except (OSError, ValueError, urllib.error.URLError):
        return None


def unreachable(base_url: str, timeout: float = PROBE_TIMEOUT_S) -> str | None:
    """Why nothing answers at `base_url`'s host and port (None: something listens)."""
    import socket

    parts = urlsplit(base_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "localhost", port), timeout=timeout):
            return None
    except OSError as exc:
        return f"cannot connect to {base_url}: {exc.strerror or exc} (is the server running?)"


def get_json(url: str, timeout: float = PROBE_TIMEOUT_S) -> Any | None:
    return _request(url, None, timeout)


def post_json(url: str, body: dict[str, Any], timeout: float = PROBE_TIMEOUT_S) -> Any | None:
    return _request(url, body, timeout)


def _positive(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def list_models(base_url: str) -> list[dict[str, Any]]:
    """The entries of `GET /v1/models` (empty when the server does not answer)."""
    raw = get_json(f"{base_url.rstrip('/')}/models")
    data = raw.get("data") if isinstance(raw, dict) else None
    return [m for m in data if isinstance(m, dict)] if isinstance(data, list) else []


def _models_window(models: list[dict[str, Any]], model: str | None) -> int | None:
    chosen = [m for m in models if m.get("id") == model] or models[:1]
    for entry in chosen:
        meta = entry["meta"] if isinstance(entry.get("meta"), dict) else {}
        for value in (
            entry.get("max_model_len"),  # vLLM
            entry.get("loaded_context_length"),  # LM Studio
            entry.get("context_length"),
            meta.get("n_ctx"),  # llama.cpp
        ):
            found = _positive(value)
            if found:
                return found
    return None


def _props_window(root: str) -> int | None:
    props = get_json(f"{root}/props")
    if not isinstance(props, dict):
        return None
    settings = props.get("default_generation_settings")
    settings = settings if isinstance(settings, dict) else {}
    return _positive(settings.get("n_ctx")) or _positive(props.get("n_ctx"))


def ollama_window(root: str, model: str | None) -> int | None:
    """The context Ollama's OpenAI routes give `model`: its num_ctx, else Ollama's default,
    at most the model's own context length."""
    if not model:
        return None
    shown = post_json(f"{root}/api/show", {"model": model})
    if not isinstance(shown, dict):
        return None
    info: dict[str, Any] = shown["model_info"] if isinstance(shown.get("model_info"), dict) else {}
    trained = next(
        (int(v) for k, v in info.items() if k.endswith(".context_length") and _positive(v)), None
    )
    parameters = shown["parameters"] if isinstance(shown.get("parameters"), str) else ""
    match = re.search(r"^\s*num_ctx\s+(\d+)", parameters, re.M)
    window = int(match.group(1)) if match else OLLAMA_DEFAULT_NUM_CTX
    return min(window, trained) if trained else window


def server_window(base_url: str, model: str | None, preset: str | None) -> Window | None:
    """The window the server at `base_url` tells for `model`, with where it said so."""
    root = root_url(base_url)
    if preset == "ollama":
        window = ollama_window(root, model)
        return Window(window, "Ollama /api/show") if window else None
    window = _props_window(root)
    if window:
        return Window(window, "server /props (n_ctx)")
    window = _models_window(list_models(base_url), model)
    if window:
        return Window(window, "server /v1/models")
    if preset is None:  # a plain base_url may be Ollama too
        window = ollama_window(root, model)
        if window:
            return Window(window, "Ollama /api/show")
    return None


_EXCEEDED = (
    re.compile(r"maximum context length is (\d+)", re.I),  # OpenAI, vLLM, llama-cpp-python
    re.compile(r"context (?:window|length|size) (?:of|is) (\d+)", re.I),
    re.compile(r"n_ctx\D{0,6}(\d+)"),
)


def window_from_error(message: str, body: Any = None) -> int | None:
    """The context window a "prompt too long" error names (llama.cpp puts `n_ctx` in the body)."""
    if isinstance(body, dict):
        inner: dict[str, Any] = body["error"] if isinstance(body.get("error"), dict) else body
        found = _positive(inner.get("n_ctx"))
        if found:
            return found
    for pattern in _EXCEEDED:
        match = pattern.search(message)
        if match:
            return int(match.group(1))
    return None


def is_context_error(message: str, body: Any = None) -> bool:
    text = f"{message} {json.dumps(body, default=str) if body is not None else ''}".lower()
    return any(
        word in text
        for word in ("context_length_exceeded", "context length", "context size", "exceed_context")
    )


@dataclass(frozen=True)
class Tokenizer:
    url: str
    kind: str  # "llama.cpp" (/tokenize) or "llama-cpp-python" (/extras/tokenize/count)

    def count(self, text: str) -> int | None:
        if self.kind == "llama.cpp":
            raw = post_json(self.url, {"content": text, "add_special": False})
            tokens = raw.get("tokens") if isinstance(raw, dict) else None
            return len(tokens) if isinstance(tokens, list) else None
        raw = post_json(self.url, {"input": text})
        return _positive(raw.get("count")) if isinstance(raw, dict) else None


def find_tokenizer(base_url: str) -> Tokenizer | None:
    """The server's tokenizer endpoint, if it has one that answers."""
    root = root_url(base_url)
    for candidate in (
        Tokenizer(f"{root}/tokenize", "llama.cpp"),
        Tokenizer(f"{root}/extras/tokenize/count", "llama-cpp-python"),
    ):
        if candidate.count("def f():\n    return 1") is not None:
            return candidate
    return None
