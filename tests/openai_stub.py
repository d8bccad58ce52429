"""A small OpenAI-compatible HTTP server on 127.0.0.1 for fault tests:
it answers, fails with a status, or hangs, as told. The happy path is
tested against the real llama-cpp-python server (test_summarise_server.py);
this one only makes the failures a real server will not make on demand."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Stub:
    models: tuple[str, ...] = ("stub-model",)
    reply: str = "The thread is about {subject}."
    fail: dict[str, tuple[int, str]] = field(default_factory=dict)  # path -> (status, message)
    hang: float = 0.0  # seconds to sleep before answering a chat request
    tokenize: bool = True
    cut: bool = False  # end streams without a finish_reason, as an interrupted llama-cpp-python server does
    fail_subjects: tuple[str, ...] = ()  # a prompt holding one of these gets a 500
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Stub:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self.safely("GET", {})

            def do_POST(self) -> None:
                self.safely("POST", json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0))
                                               or b"{}"))

            def safely(self, method: str, body: dict[str, Any]) -> None:
                try:
                    stub.handle(self, method, body)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (a timeout test)
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def chats(self) -> list[dict[str, Any]]:
        return [b for p, b in self.requests if p.endswith("/chat/completions")]

    def handle(self, h: BaseHTTPRequestHandler, method: str, body: dict[str, Any]) -> None:
        path = h.path.split("?")[0]
        with self.lock:
            self.requests.append((path, body))
        if path in self.fail:
            status, message = self.fail[path]
            return _json(h, status, {"error": {"message": message, "type": "error", "code": status}})
        if path == "/v1/models":
            return _json(h, 200, {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "me"}
                                                             for m in self.models]})
        if path == "/extras/tokenize/count" and self.tokenize:
            return _json(h, 200, {"count": len(body.get("input", "").split())})
        if path == "/v1/chat/completions":
            return self.chat(h, body)
        _json(h, 404, {"detail": "Not Found"})

    def chat(self, h: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        if self.hang:
            time.sleep(self.hang)
        user = body["messages"][-1]["content"]
        subject = next((ln.removeprefix("Subject:").strip() for ln in user.splitlines()
                        if ln.startswith("Subject:")), "?")  # the thread's, first in the prompt
        if any(s in subject or s in user for s in self.fail_subjects):
            return _json(h, 500, {"error": {"message": "llama_decode failed", "code": 500}})
        text = self.reply.replace("{subject}", subject)
        h.send_response(200)
        h.send_header("Content-Type", "text/event-stream")
        h.end_headers()
        for word in text.split(" "):
            chunk = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": body.get("model"),
                     "choices": [{"index": 0, "delta": {"content": word + " "}, "finish_reason": None}]}
            h.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
        if not self.cut:
            last = {"id": "c", "object": "chat.completion.chunk", "created": 0, "model": body.get("model"),
                    "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            h.wfile.write(f"data: {json.dumps(last)}\n\n".encode())
        h.wfile.write(b"data: [DONE]\n\n")
        h.wfile.flush()


def _json(h: BaseHTTPRequestHandler, status: int, payload: dict[str, Any]) -> None:
    data = json.dumps(payload).encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(data)))
    h.end_headers()
    h.wfile.write(data)


def only_to(port: int, seen: list[object]) -> Callable[[socket.socket, object], object]:
    """A socket.connect that records every address and lets only 127.0.0.1:port through."""
    real = socket.socket.connect

    def connect(self: socket.socket, address: object) -> object:
        seen.append(address)
        if address != ("127.0.0.1", port):
            raise ConnectionRefusedError(f"summarising tried to reach {address!r}")
        return real(self, address)

    return connect
