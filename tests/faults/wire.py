"""A raw SMTP/LMTP client for the front-door tests: every reply line as sent, and whether the server hung up.

smtplib hides what these tests look at (a 421 instead of a greeting, the line sent
before a close), so they speak the protocol on a socket of their own.
"""
from __future__ import annotations

import socket


class Wire:
    def __init__(self, port: int, source: str = "127.0.0.1", timeout: float = 10):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
        self.reader = self.sock.makefile("rb")

    def reply(self) -> list[bytes]:
        """The next reply's lines (one for a plain reply, several for EHLO); [] when the server has closed."""
        lines = [self.reader.readline()]
        while lines[-1][3:4] == b"-":
            lines.append(self.reader.readline())
        return [] if lines == [b""] else lines

    def say(self, command: str) -> list[bytes]:
        self.sock.sendall(command.encode() + b"\r\n")
        return self.reply()

    def closed(self) -> bool:
        """True once the server has closed its side (end of file, or a reset after it did)."""
        try:
            return self.reader.readline() == b""
        except ConnectionResetError:
            return True

    def close(self) -> None:
        self.reader.close()
        self.sock.close()
