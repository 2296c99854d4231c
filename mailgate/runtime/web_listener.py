"""The one HTTP listener of `mailgate serve` (MAILGATE_HTTP): the archive, and any endpoints in ROUTES.

Static files come from the archive folder the builder keeps built
(mailgate/runtime/archive_keeper.py), through web_archive/serve.py's handler: the same types,
headers and refusal of directory listings as `mailgate archive serve`. An endpoint that is not
a file (the alerts' unsubscribe link, say) is added to ROUTES: a path and the function that
answers it. It runs in threads of serve's own process, so it can reach the store, while the
gateways (their own processes) never wait for it.
"""
from __future__ import annotations

import functools
import http.server
import logging
import socket
import threading
from pathlib import Path
from typing import Callable

from web_archive.serve import ArchiveHandler

log = logging.getLogger(__name__)

# {path: answer(handler)}: the endpoints that are not files of the archive. An answer writes the
# whole response with the handler's send_response/send_header/end_headers/wfile.
Endpoint = Callable[[http.server.BaseHTTPRequestHandler], None]
ROUTES: dict[str, Endpoint] = {}


class WebHandler(ArchiveHandler):
    """An endpoint of ROUTES when the path names one, else a file of the archive."""

    timeout = 30  # seconds a client may stay silent: an idle connection must not hold its thread for ever

    def _endpoint(self) -> Endpoint | None:
        path = self.path.split("?", 1)[0]
        return getattr(self.server, "routes", {}).get(path) or ROUTES.get(path)

    def do_POST(self) -> None:
        endpoint = self._endpoint()
        if endpoint is None:
            self.send_error(405, "only the endpoints (such as /unsubscribe) take a POST")
        else:
            endpoint(self)

    def do_GET(self) -> None:
        endpoint = self._endpoint()
        if endpoint is not None:
            endpoint(self)
        elif not (Path(self.directory) / "index.html").exists():
            self._not_built_yet()
        else:
            super().do_GET()

    def do_HEAD(self) -> None:
        if not (Path(self.directory) / "index.html").exists():
            self._not_built_yet()
        else:
            super().do_HEAD()

    def _not_built_yet(self) -> None:
        # The first build takes a moment after start: say so, and when to try again.
        body = b"The archive is being built; it appears here in a few seconds.\n"
        self.send_response(503)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Retry-After", "2")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s " + format, self.address_string(), *args)  # every request at INFO would drown the traffic lines


class BoundedServer(http.server.ThreadingHTTPServer):
    """One thread per connection, but at most `most` at once: a flood of connections beyond that is closed
    at once instead of each getting a thread (and its memory) in serve's process."""

    def __init__(self, address, handler, most: int):
        super().__init__(address, handler, bind_and_activate=False)
        self.slots = threading.BoundedSemaphore(most)
        self.turned_away = 0
        self.routes: dict[str, Endpoint] = {}

    def process_request(self, request, client_address) -> None:
        if not self.slots.acquire(blocking=False):
            self.turned_away += 1
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


class WebListener:
    """Serves on an already bound socket (so port 0 is resolved before the mails need the URL)."""

    MOST_CONNECTIONS = 64

    def __init__(self, sock: socket.socket, archive: Path, most_connections: int = MOST_CONNECTIONS,
                 idle_timeout: float = WebHandler.timeout, routes: dict[str, Endpoint] | None = None):
        """`routes`: this listener's own endpoints (one service's context), before the module's ROUTES."""
        archive.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_handler(idle_timeout), directory=str(archive.resolve()))
        self.server = BoundedServer(sock.getsockname()[:2], handler, most_connections)
        self.server.routes.update(routes or {})
        self.server.socket.close()
        sock.setblocking(True)
        self.server.socket = sock
        self.server.server_activate()  # listen()
        self._thread = threading.Thread(target=self.server.serve_forever, name="http", daemon=True)

    def start(self) -> WebListener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(10)


def _handler(idle_timeout: float) -> type[WebHandler]:
    if idle_timeout == WebHandler.timeout:
        return WebHandler
    return type("WebHandler", (WebHandler,), {"timeout": idle_timeout})
