"""Local HTTP servers speaking the OpenAI chat-completions and Anthropic messages protocols.

Each server binds 127.0.0.1 on a free port, records every request, and answers from a script
of actions (status codes, delays, raw bodies), then with its default answer.
"""

from __future__ import annotations

import json
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
    ) -> None:
        self.protocol = protocol
        self.answer = answer if answer is not None else findings_answer()
        self.script = list(script or [])
        self.delay_s = delay_s
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
            "content": [{"type": "text", "text": text}],
            "stop_reason": action.finish or "end_turn",
            "stop_sequence": None,
            "usage": {"input_tokens": tokens_in, "output_tokens": tokens_out},
        }

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return None

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode("utf-8")
                body = json.loads(raw) if raw else {}
                headers = {k.lower(): v for k, v in self.headers.items()}
                fake._record(Recorded(self.path, body, raw, headers, time.time()))
                action = fake._next_action()
                if action.delay_s:
                    time.sleep(action.delay_s)
                if action.raw_body is not None:
                    payload = action.raw_body
                elif action.status != 200:
                    payload = json.dumps({"error": {"message": f"fake {action.status}"}})
                else:
                    payload = json.dumps(fake.respond(body, action))
                data = payload.encode("utf-8")
                try:
                    self.send_response(action.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in action.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

        return Handler
