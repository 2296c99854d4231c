"""DATA for the gateway's SMTP and LMTP servers: aiosmtpd's replies, read in a tighter loop.

aiosmtpd reads the content line by line and, for every line, logs it, keeps it as a
list of fragments, joins them and copies the result; for the ~40 lines of a 2 KB
message that is about a tenth of a gateway's CPU. This reads the lines in a tight
loop and undoes dot-stuffing on the whole content at once, with the same rules and
the same replies: 500 for a line longer than `line_length_limit`, 552 past
`data_size_limit` (each sent only once the whole content has been read, RFC 5321
§4.2.5), and the leading dot removed from every line that has one (§4.5.2).
tests/spine/test_quick_data.py checks it against aiosmtpd's own DATA, byte for byte.
"""
from __future__ import annotations

import asyncio
import logging
import re
from typing import TYPE_CHECKING

from aiosmtpd.smtp import MISSING, syntax

if TYPE_CHECKING:  # a mixin for SMTP: the type checker reads it as one
    from aiosmtpd.smtp import SMTP as _SMTP
else:
    _SMTP = object

log = logging.getLogger("mail.log")

END_OF_DATA = b".\r\n"
LINE_TOO_LONG = "500 Line too long (see RFC5321 4.5.3.1.6)"
TOO_MUCH_DATA = "552 Error: Too much mail data"
_STUFFED_DOT = re.compile(rb"(?:^|(?<=\r\n))\.")  # a dot that starts a line


class QuickData(_SMTP):
    """Mixin for aiosmtpd's SMTP and LMTP classes run with ``decode_data=False``."""

    @syntax("DATA")
    async def smtp_DATA(self, arg: str) -> None:
        if self._decode_data:  # not how the gateway runs: aiosmtpd's own does the decoding
            await super().smtp_DATA(arg)
            return
        if await self.check_helo_needed() or await self.check_auth_needed("DATA"):
            return
        assert self.envelope is not None  # set for the whole session
        if not self.envelope.rcpt_tos:
            await self.push("503 Error: need RCPT command")
            return
        if arg:
            await self.push("501 Syntax: DATA")
            return
        await self.push("354 End data with <CR><LF>.<CR><LF>")
        content, error = await self._read_content()
        if error:
            await self.push(error)
            self._set_post_data_state()  # type: ignore[no-untyped-call]  # aiosmtpd leaves it unannotated
            return
        self.envelope.content = self.envelope.original_content = content
        status = await self._call_handler_hook("DATA") if "DATA" in self._handle_hooks else MISSING
        self._set_post_data_state()  # type: ignore[no-untyped-call]
        await self.push("250 OK" if status is MISSING else status)

    async def _read_content(self) -> tuple[bytes, str | None]:
        """The content up to the lone dot, dot-stuffing undone; or the error to answer with."""
        reader, size_limit, line_limit = self._reader, self.data_size_limit, self.line_length_limit
        lines: list[bytes] = []
        size, error, mid_line = 0, None, False
        while True:
            try:
                line = await reader.readuntil(b"\r\n")
            except asyncio.CancelledError:
                log.info("Connection lost during DATA")
                self._writer.close()
                raise
            except asyncio.LimitOverrunError as overrun:
                # A line longer than the reader's limit: take what is buffered (the rest of
                # the line follows) and keep reading to the end without keeping anything.
                size += len(await reader.read(overrun.consumed))
                error, mid_line = error or LINE_TOO_LONG, True
                lines.clear()
                continue
            if line == END_OF_DATA and not mid_line:
                break
            mid_line = False
            size += len(line)
            if error is not None:
                continue
            if size_limit and size > size_limit:
                error = TOO_MUCH_DATA
                lines.clear()
            elif len(line) > line_limit:
                error = LINE_TOO_LONG
                lines.clear()
            else:
                lines.append(line)
        if error:
            return b"", error
        content = b"".join(lines)
        if content[:1] == b"." or b"\r\n." in content:
            content = _STUFFED_DOT.sub(b"", content)
        return content, None
