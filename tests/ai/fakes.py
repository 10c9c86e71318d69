"""Local HTTP servers speaking the OpenAI chat-completions and Anthropic messages protocols.

Each server binds 127.0.0.1 on a free port, records every chat request (`requests`; the other
routes in `probes`), and answers from a script of actions (status codes, delays, raw bodies),
then with its default answer. Optional parts of the protocols, as real servers have them:
`stream: true` (server-sent events), `response_format` (a server without json_schema rejects it
with llama-cpp-python's own HTTP 500), Anthropic tool use, a context window (an oversize prompt
gets llama-cpp-python's own HTTP 400), llama.cpp's `/props` and `/tokenize`,
llama-cpp-python's `/extras/tokenize/count`, `/v1/models` and Ollama's `/api/show`.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Action:
    status: int = 200
    delay_s: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    text: str | None = None  # the model's answer (None: the server's default answer)
    raw_body: str | None = None  # a literal HTTP body instead of a protocol response
    finish: str | None = None  # finish_reason / stop_reason


@dataclass
class Recorded:
    path: str
    body: dict[str, Any]
    raw: str
    headers: dict[str, str]
    at: float


LLAMA_CPP_PYTHON_NO_SCHEMA = (
    "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', 'response_format', "
    "'type'), 'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema', "
    "'ctx': {'expected': \"'text' or 'json_object'\"}}"
)
"""What llama-cpp-python's server (0.3.x) answers, with HTTP 500, to a json_schema format."""


def context_error(window: int, messages: int, completion: int) -> str:
    """llama-cpp-python's HTTP 400 text for a prompt over the context window."""
    return (
        f"This model's maximum context length is {window} tokens. However, you requested "
        f"{messages + completion} tokens ({messages} in the messages, {completion} in the "
        "completion). Please reduce the length of the messages or completion."
    )


def fake_tokens(text: str) -> int:
    """The fake model's tokenizer: what /tokenize says and what the window is checked with."""
    return math.ceil(len(text.encode("utf-8")) / 3.2) if text else 0


def findings_answer(*findings: dict[str, Any], summary: str = "ok", **extra: Any) -> str:
    return json.dumps({"summary": summary, "findings": list(findings), **extra})


class FakeLLMServer:
    """`protocol` is "openai" or "anthropic"."""

    def __init__(
        self,
        protocol: str = "openai",
        *,
        answer: str | Callable[[dict[str, Any]], str] | None = None,
        script: list[Action] | None = None,
        delay_s: float = 0.0,
        json_schema: bool = True,
        context_window: int | None = None,
        props: bool = False,
        tokenize: str | None = None,
        models: list[dict[str, Any]] | None = None,
        ollama_show: dict[str, Any] | None = None,
        stream_delay_s: float = 0.0,
        window_error_in_stream: bool = False,
    ) -> None:
        self.protocol = protocol
        self.answer = answer if answer is not None else findings_answer()
        self.script = list(script or [])
        self.delay_s = delay_s
        self.json_schema = json_schema  # False: json_schema is rejected like llama-cpp-python
        self.context_window = context_window  # prompts over it are rejected with HTTP 400
        self.props = props  # llama.cpp's GET /props tells the window
        self.tokenize = tokenize  # "llama.cpp" (/tokenize) or "llama-cpp-python"
        # GET /v1/models entries, as every OpenAI-compatible server has them (None: no route)
        self.models = models if models is not None else [{"id": "fake-model", "object": "model"}]
        self.ollama_show = ollama_show  # POST /api/show answer (None: no such route)
        self.stream_delay_s = stream_delay_s  # between streamed chunks
        # llama-cpp-python checks the window only once a stream has begun: HTTP 200, then the
        # stream ends without a chunk (its error goes to the server's console)
        self.window_error_in_stream = window_error_in_stream
        self.stream_closed_early = threading.Event()  # the client closed a stream midway
        self.probes: list[str] = []  # "GET /props", "POST /tokenize", ...
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        port = self._server.server_address[1]
        root = f"http://127.0.0.1:{port}"
        return f"{root}/v1" if self.protocol == "openai" else root

    def __enter__(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def bodies(self) -> list[str]:
        return [r.raw for r in self.requests]

    def _next_action(self) -> Action:
        with self._lock:
            return self.script.pop(0) if self.script else Action(delay_s=self.delay_s)

    def _record(self, rec: Recorded) -> None:
        with self._lock:
            self.requests.append(rec)

    def _reply_text(self, body: dict[str, Any]) -> str:
        return self.answer(body) if callable(self.answer) else self.answer

    def _anthropic_block(self, body: dict[str, Any], text: str) -> dict[str, Any]:
        """A tool call when the request offers the answer tool and the text is a JSON object
        (what a model made to call the tool gives), else a text block."""
        tools = body.get("tools") or []
        try:
            value = json.loads(text)
        except ValueError:
            value = None
        if tools and isinstance(value, dict):
            return {
                "type": "tool_use",
                "id": "toolu_fake",
                "name": tools[0]["name"],
                "input": value,
            }
        return {"type": "text", "text": text}

    def respond(self, body: dict[str, Any], action: Action) -> dict[str, Any]:
        text = action.text if action.text is not None else self._reply_text(body)
        tokens_in = len(json.dumps(body)) // 4
        tokens_out = max(1, len(text) // 4)
        model = body.get("model", "fake")
        if self.protocol == "openai":
            return {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": text},
                        "finish_reason": action.finish or "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": tokens_in,
                    "completion_tokens": tokens_out,
                    "total_tokens": tokens_in + tokens_out,
                },
            }
        return {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": [self._anthropic_block(body, text)],
            "stop_reason": action.finish or ("tool_use" if body.get("tools") else "end_turn"),
            "stop_sequence": None,
            "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out},
        }

    def prompt_tokens(self, body: dict[str, Any]) -> int:
        if self.protocol == "openai":
            texts = [m.get("content") or "" for m in body.get("messages", [])]
        else:
            system = body.get("system") or []
            texts = [b.get("text", "") for b in system] if isinstance(system, list) else [system]
            texts += [m.get("content") or "" for m in body.get("messages", [])]
        return sum(fake_tokens(t) if isinstance(t, str) else 0 for t in texts) + 4 * len(texts)

    def rejection(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        """The error a real server gives this request, if any."""
        kind = (body.get("response_format") or {}).get("type")
        if kind == "json_schema" and not self.json_schema:
            error = {"message": LLAMA_CPP_PYTHON_NO_SCHEMA, "type": "internal_server_error"}
            return 500, {"error": {**error, "param": None, "code": None}}
        if self.context_window is not None:
            completion = int(body.get("max_tokens") or body.get("max_completion_tokens") or 0)
            messages = self.prompt_tokens(body)
            if messages + completion > self.context_window:
                message = context_error(self.context_window, messages, completion)
                error = {"message": message, "type": "invalid_request_error"}
                return 400, {
                    "error": {**error, "param": "messages", "code": "context_length_exceeded"}
                }
        return None

    def probe(self, method: str, path: str, body: dict[str, Any]) -> Any | None:
        """The answer of a non-chat route, None for a route this server does not have."""
        self.probes.append(f"{method} {path}")
        if method == "GET" and path == "/v1/models" and self.models is not None:
            return {"object": "list", "data": self.models}
        if method == "GET" and path == "/props" and self.props and self.context_window:
            return {"default_generation_settings": {"n_ctx": self.context_window}}
        if method == "POST" and path == "/api/show" and self.ollama_show is not None:
            return self.ollama_show
        if method == "POST" and path == "/tokenize" and self.tokenize == "llama.cpp":
            return {"tokens": list(range(fake_tokens(str(body.get("content", "")))))}
        count_path = "/extras/tokenize/count"
        if method == "POST" and path == count_path and self.tokenize == "llama-cpp-python":
            return {"count": fake_tokens(str(body.get("input", "")))}
        return None

    def sse_events(self, body: dict[str, Any], text: str, finish: str | None) -> list[str]:
        """The answer as server-sent events, a few characters per chunk (one "token")."""
        pieces = [text[i : i + 4] for i in range(0, len(text), 4)] or [""]
        model = body.get("model", "fake")
        if self.protocol == "openai":
            events = []
            for n, piece in enumerate(pieces):
                last = n == len(pieces) - 1
                choice = {
                    "index": 0,
                    "delta": {"role": "assistant", "content": piece}
                    if n == 0
                    else {"content": piece},
                    "finish_reason": (finish or "stop") if last else None,
                }
                chunk = {"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                         "created": int(time.time()), "model": model, "choices": [choice]}  # fmt: skip
                events.append(f"data: {json.dumps(chunk)}\n\n")
            return [*events, "data: [DONE]\n\n"]
        tool = bool(body.get("tools"))
        block = (
            {"type": "tool_use", "id": "toolu_fake", "name": body["tools"][0]["name"], "input": {}}
            if tool
            else {"type": "text", "text": ""}
        )

        def event(name: str, data: dict[str, Any]) -> str:
            return f"event: {name}\ndata: {json.dumps({'type': name, **data})}\n\n"

        usage = {"input_tokens": self.prompt_tokens(body), "output_tokens": 1}
        message = {"id": "msg_fake", "type": "message", "role": "assistant", "model": model,
                   "content": [], "stop_reason": None, "stop_sequence": None, "usage": usage}  # fmt: skip
        events = [event("message_start", {"message": message})]
        events.append(event("content_block_start", {"index": 0, "content_block": block}))
        for piece in pieces:
            delta = (
                {"type": "input_json_delta", "partial_json": piece}
                if tool
                else {"type": "text_delta", "text": piece}
            )
            events.append(event("content_block_delta", {"index": 0, "delta": delta}))
        events.append(event("content_block_stop", {"index": 0}))
        stop = finish or ("tool_use" if tool else "end_turn")
        events.append(event("message_delta", {"delta": {"stop_reason": stop, "stop_sequence": None},
                                               "usage": {"output_tokens": len(pieces)}}))  # fmt: skip
        events.append(event("message_stop", {}))
        return events

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def _send(
                self, status: int, payload: str, headers: dict[str, str] | None = None
            ) -> None:
                data = payload.encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def _other(self, method: str, body: dict[str, Any]) -> None:
                answer = fake.probe(method, self.path, body)
                if answer is None:
                    self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}))
                else:
                    self._send(200, json.dumps(answer))

            def do_GET(self) -> None:
                self._other("GET", {})

            def _stream(self, events: list[str]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                try:
                    for event in events:
                        self.wfile.write(event.encode("utf-8"))
                        self.wfile.flush()
                        if fake.stream_delay_s:
                            time.sleep(fake.stream_delay_s)
                except (BrokenPipeError, ConnectionResetError):
                    fake.stream_closed_early.set()  # generation stops: the client went away
                self.close_connection = True

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode("utf-8")
                body = json.loads(raw) if raw else {}
                if self.path not in ("/v1/chat/completions", "/v1/messages"):
                    self._other("POST", body)
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                fake._record(Recorded(self.path, body, raw, headers, time.time()))
                rejected = fake.rejection(body)
                over = rejected is not None and rejected[0] == 400
                if over and body.get("stream") and fake.window_error_in_stream:
                    self._stream([])
                    return
                if rejected is not None:
                    self._send(rejected[0], json.dumps(rejected[1]))
                    return
                action = fake._next_action()
                if action.delay_s:
                    time.sleep(action.delay_s)
                if body.get("stream") and action.status == 200 and action.raw_body is None:
                    text = action.text if action.text is not None else fake._reply_text(body)
                    self._stream(fake.sse_events(body, text, action.finish))
                    return
                if action.raw_body is not None:
                    payload = action.raw_body
                elif action.status != 200:
                    payload = json.dumps({"error": {"message": f"fake {action.status}"}})
                else:
                    payload = json.dumps(fake.respond(body, action))
                self._send(action.status, payload, action.headers)

        return Handler
