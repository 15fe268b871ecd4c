"""A local HTTP server that answers as a public API would, for the connector tests.

A route answers from its queue (the last answer repeats) or by calling `answer(query)`; an
answer is `(status, headers, body, delay_s)` with the last three optional. A path without a
route is a 404. A `Content-Length` given in the headers is sent as it is (a cut answer, on
purpose). Every request is recorded: path, query and User-Agent."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

JSON = {"Content-Type": "application/json; charset=utf-8"}


def ok(obj) -> tuple:
    return 200, JSON, json.dumps(obj, ensure_ascii=False).encode()


def _full(answer: tuple) -> tuple:
    """(status, headers, body, delay) from an answer of one to four items."""
    return (*answer, *({}, b"", 0)[len(answer) - 1 :])


class Server:
    def __init__(self):
        self.routes: dict[str, object] = {}
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the http.server API
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                server.requests.append(
                    {
                        "path": parts.path,
                        "query": query,
                        "raw": self.path,
                        "agent": self.headers.get("User-Agent", ""),
                    }
                )
                route = server.routes.get(parts.path)
                if callable(route):
                    answer = route(query)
                elif route:
                    answer = route.pop(0) if len(route) > 1 else route[0]
                else:
                    answer = (404, {}, b"not found")
                status, headers, body, delay = _full(answer)
                time.sleep(delay)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def route(self, path: str, *answers) -> None:
        self.routes[path] = answers[0] if callable(answers[0]) else list(answers)

    answer = route

    def paths(self) -> list[str]:
        return [r["path"] for r in self.requests]

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
