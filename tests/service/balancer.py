"""A round-robin HTTP load balancer for tests: what stands in front of several `sla-sync run`.

Each POST goes to the next backend; a backend that refuses the connection (killed) is skipped
for the next, as a proxy's passive health check does (nginx `proxy_next_upstream error`).
"""

from __future__ import annotations

import itertools
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Balancer:
    """`with Balancer() as lb: lb.backends = [url, ...]`; `lb.url` is its address."""

    def __init__(self) -> None:
        self.backends: list[str] = []
        self.forwarded: dict[str, int] = {}
        counter = itertools.count()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                backends = list(outer.backends)
                start = next(counter)
                for i in range(len(backends)):
                    target = backends[(start + i) % len(backends)]
                    req = urllib.request.Request(
                        target + self.path, data=body, headers=headers, method="POST"
                    )
                    try:
                        with urllib.request.urlopen(req, timeout=10) as resp:
                            status, text = resp.status, resp.read()
                    except urllib.error.HTTPError as exc:
                        status, text = exc.code, exc.read()
                    except (urllib.error.URLError, ConnectionError, TimeoutError):
                        continue  # down: the next backend
                    outer.forwarded[target] = outer.forwarded.get(target, 0) + 1
                    self._answer(status, text)
                    return
                self._answer(502, b"no backend\n")

            def _answer(self, status: int, text: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Balancer:
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
