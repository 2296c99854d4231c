"""Preview the built archive locally: a plain http.server on 127.0.0.1, nothing more."""
from __future__ import annotations

import functools
import http.server
from pathlib import Path


class ArchiveHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with the right types for feeds, mbox and Pagefind, and no directory listings."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".atom": "application/atom+xml",
                      ".json": "application/json", ".mbox": "application/mbox", ".bin": "application/octet-stream",
                      ".wasm": "application/wasm", ".pf_meta": "application/octet-stream"}

    def list_directory(self, path):
        self.send_error(404, "No index.html here")
        return None

    def end_headers(self):
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()


def make_server(root: str | Path, port: int = 8000, host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    handler = functools.partial(ArchiveHandler, directory=str(Path(root).resolve()))
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(root: str | Path, port: int = 8000) -> None:
    server = make_server(root, port)
    host, port = server.server_address[:2]
    print(f"Serving {Path(root).resolve()} on http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
