"""`/unsubscribe?s=ID-TOKEN` on serve's HTTP listener: RFC 8058 one-click unsubscribe from the alerts.

A POST stops every alert of the subscriber the token names, at once, and again harmlessly (idempotent).
A GET never does: link scanners and previewers follow GETs, so it shows a page whose button POSTs.
The token is the one of the subscriber's List-Unsubscribe mailto (store/addresses/book.py).
"""
from __future__ import annotations

import html
import http.server
import logging
from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session

from processors.alerts.subscribing import stop
from processors.context import Context
from store.addresses.routes import RouteName

log = logging.getLogger(__name__)
PATH = "/unsubscribe"
MAX_BODY = 4096  # "List-Unsubscribe=One-Click" is 26 bytes; a larger body is not read


def endpoint(context: Context):
    def answer(handler: http.server.BaseHTTPRequestHandler) -> None:
        subscriber_id = _subscriber(context, handler.path)
        if subscriber_id is None:
            return _reply(handler, 404, "This unsubscribe link is not valid (it may have been cut short).")
        if handler.command == "POST":
            length = int(handler.headers.get("Content-Length") or 0)
            if 0 < length <= MAX_BODY:
                handler.rfile.read(length)
            with Session(context.engine) as session:
                stopped = stop(session, context, subscriber_id)
                session.commit()
            log.info("one-click unsubscribe of subscriber %s (%s alert(s) stopped)", subscriber_id, stopped)
            return _reply(handler, 200, "You are unsubscribed: you will get no more alerts from "
                          f"{context.config.service_name}.")
        if handler.command != "GET":
            return _reply(handler, 405, "Use GET or POST.")
        action = html.escape(handler.path, quote=True)
        return _reply(handler, 200, f"Stop every alert {context.config.service_name} sends you?",
                      f'<form method="post" action="{action}"><input type="hidden" name="List-Unsubscribe" '
                      'value="One-Click"><button type="submit">Unsubscribe</button></form>')
    return answer


def _subscriber(context: Context, path: str) -> int | None:
    values = parse_qs(urlsplit(path).query).get("s", [""])
    ident, _, token = values[0].partition("-")
    if not ident.isascii() or not ident.isdigit() or len(ident) > 13 or not token:
        return None
    if not context.addresses.token_valid(RouteName.UNSUBSCRIBE, int(ident), token[:20].lower()):
        return None
    return int(ident)


def _reply(handler: http.server.BaseHTTPRequestHandler, status: int, text: str, form: str = "") -> None:
    body = (f"<!doctype html><meta charset=utf-8><meta name=robots content=noindex><title>Unsubscribe</title>"
            f"<p>{html.escape(text)}</p>{form}\n").encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Cache-Control", "no-store")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)
