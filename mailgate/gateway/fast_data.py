"""DATA for the gateway's SMTP and LMTP servers: aiosmtpd's replies, Postfix's reading of lines.

aiosmtpd reads the content line by line and, for every line, logs it, keeps it as a list of
fragments, joins them and copies the result; for the ~40 lines of a 2 KB message that is
about a tenth of a gateway's CPU. It also refuses a line over 998 octets with 500, and a
client's bare-LF line ends make the whole message one such line. This reads in a tight loop,
in pieces no longer than the reader's buffer however long a line is, and:

- keeps long lines as they are, up to `data_size_limit` (552 past it, sent only once the whole
  content has been read, RFC 5321 §4.2.5), as Postfix does: real mail has them (Outlook's
  HTML, Amazon SES and GMX bounces);
- takes a bare LF as a line end and stores it as CRLF, but ends the data only at
  <CR><LF>.<CR><LF>: Postfix 3.9's default, `smtpd_forbid_bare_newline = normalize`. So
  `\\n.\\n`, `\\r\\n.\\n` and `\\n.\\r\\n` are content, and no sender can smuggle a second message
  past a server that reads the end differently (the lone dot is unstuffed to an empty line);
- removes the leading dot of every line (§4.5.2), whatever ends it;
- spools the content to a temporary file past the gateway's threshold, and hands large
  messages to the handler one at a time, as that file (a `Spooled`, not bytes: the handler
  stores it in chunks; mailgate/gateway/data_spool.py).

tests/spine/test_quick_data.py checks it against aiosmtpd's own DATA byte for byte where they
agree on purpose; tests/faults/test_data_lines.py and test_large_data.py pin where not.
"""
from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, BinaryIO

from aiosmtpd.smtp import MISSING, syntax

from mailgate.gateway.data_spool import DataSpool, Spooled, discard, spill

if TYPE_CHECKING:  # a mixin for SMTP: the type checker reads it as one
    from aiosmtpd.smtp import SMTP as _SMTP
else:
    _SMTP = object

log = logging.getLogger("mail.log")

END_OF_DATA = b".\r\n"  # a line of its own, after a line that ended in CRLF
PROGRESS_BYTES = 64 * 1024  # the idle timer restarts after this much content, not after every line
TOO_MUCH_DATA = "552 Error: Too much mail data"
CANNOT_SPOOL = "451 4.3.0 mailgate cannot take your message just now; please try again later"


class QuickData(_SMTP):
    """Mixin for aiosmtpd's SMTP and LMTP classes run with ``decode_data=False``.

    `spool`: the gateway's one DataSpool, shared by its sessions; without one, each session
    spools at the default threshold but takes no turns with the others.
    """

    def __init__(self, *args: Any, spool: DataSpool | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spool = spool or DataSpool()

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
        if isinstance(content, bytes):
            status = await self._hand_over(content)
        else:
            async with self.spool.turn:  # one large message stored at a time
                try:
                    spooled = Spooled(content)
                except OSError as exc:
                    discard(content)
                    log.warning("could not spool DATA: %s", exc)
                    status = CANNOT_SPOOL
                    self._set_post_data_state()  # type: ignore[no-untyped-call]
                else:
                    try:
                        status = await self._hand_over(spooled)
                    finally:
                        spooled.close()  # the handler is done with it: the file goes now
        await self.push(status)

    async def _hand_over(self, content: bytes | Spooled) -> str:
        """The handler's DATA reply; the envelope (and its content) is let go before returning."""
        assert self.envelope is not None
        # aiosmtpd declares bytes; a spooled message is handed over as its file (the module says why)
        self.envelope.content = self.envelope.original_content = content  # type: ignore[assignment]
        status = await self._call_handler_hook("DATA") if "DATA" in self._handle_hooks else MISSING
        self._set_post_data_state()  # type: ignore[no-untyped-call]
        return "250 OK" if status is MISSING else str(status)

    async def _read_content(self) -> tuple[bytes | BinaryIO, str | None]:
        """The content up to the end of data, read as the module says: bytes, or the temporary
        file it was spooled to; or the error to answer with."""
        reader, size_limit, threshold = self._reader, self.data_size_limit, self.spool.threshold
        held = bytearray()
        file: BinaryIO | None = None
        size, error = 0, None
        line_start = after_crlf = True  # at the start of a line; the last line ended in CRLF
        cr_last = False  # the part of this line read so far ends in CR
        unnoticed = 0  # bytes since the idle timer was last put back: a client still sending is not idle
        try:
            while True:
                try:
                    piece = await reader.readuntil(b"\n")
                except asyncio.LimitOverrunError as overrun:
                    # A line longer than the reader's buffer: take what is there, the rest follows.
                    piece = await reader.read(overrun.consumed)
                except asyncio.CancelledError:
                    log.info("Connection lost during DATA")
                    self._writer.close()
                    raise
                unnoticed += len(piece)
                if unnoticed >= PROGRESS_BYTES:
                    self._reset_timeout()
                    unnoticed = 0
                if line_start and piece[:1] == b".":
                    if piece == END_OF_DATA and after_crlf:
                        break
                    piece = piece[1:]
                size += len(piece)
                if piece[-1:] == b"\n":
                    if piece[-2:-1] == b"\r" or (cr_last and len(piece) == 1):
                        after_crlf = True
                    else:  # a bare LF: a line end, stored as CRLF
                        piece = piece[:-1] + b"\r\n"
                        size += 1
                        after_crlf = False
                    line_start, cr_last = True, False
                else:
                    line_start, cr_last = False, piece[-1:] == b"\r"
                if error is not None:
                    continue  # read to the end, keep nothing
                if size_limit and size > size_limit:
                    error = TOO_MUCH_DATA
                else:
                    try:
                        if file is not None:
                            file.write(piece)
                        else:
                            held += piece
                            if threshold and len(held) > threshold:
                                file, held = spill(held), bytearray()
                        continue
                    except OSError as exc:  # the disk is full: the sender should try again later
                        log.warning("could not spool DATA: %s", exc)
                        error = CANNOT_SPOOL
                held = bytearray()
                if file is not None:
                    discard(file)
                    file = None
        except BaseException:
            if file is not None:
                discard(file)
            raise
        if error:
            return b"", error
        return file if file is not None else bytes(held), None
