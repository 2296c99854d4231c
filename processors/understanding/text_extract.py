"""Extract readable text from attachment bytes: PDF, DOCX, ODT, XLSX, CSV, RTF, HTML, plain text."""
from __future__ import annotations

import io
import logging
import zipfile

from store.content_types import is_text_like

from .budget import Budget
from .charsets import decode_bytes
from .html_text import html_to_text

for _noisy in ("pypdf", "openpyxl", "docx", "extract_msg", "tnefparse", "olefile"):
    logging.getLogger(_noisy).setLevel(logging.CRITICAL)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"


class _Stop(Exception):
    """Raised inside an extractor when the time or text budget runs out."""


def extract_text(data: bytes, content_type: str, budget: Budget, charset: str | None = None) -> tuple[str | None, str | None]:
    """(text or None, note or None) for one attachment; never raises."""
    extractor = _EXTRACTORS.get(content_type)
    if extractor is None:
        if is_text_like(content_type):  # JSON, XML, calendars, a delivery report's status part ...
            extractor = _plain
        else:
            return None, None
    if budget.out_of_time():
        return None, "text extraction skipped: time limit"
    if budget.text_room() <= 0:
        return None, "text extraction skipped: text limit"
    if content_type in (DOCX, XLSX, ODT, ODS):
        problem = zip_problem(data, budget)
        if problem:
            return None, f"text extraction skipped: {problem}"
    note = None
    parts: list[str] = []
    try:
        extractor(data, budget, parts, charset)
    except _Stop as stop:
        note = f"text extraction stopped: {stop}"
    except Exception as exc:  # noqa: BLE001 - broken documents are common; say so, move on
        return None, f"text extraction failed: {type(exc).__name__}"
    text = "\n".join(parts).strip()
    text, clipped = budget.take_text(text)
    if clipped:
        note = "text extraction stopped: text limit"
    return (text or None), note


def zip_problem(data: bytes, budget: Budget) -> str | None:
    """Why an Office/zip container is unsafe to open (bomb-like), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except Exception:  # noqa: BLE001
        return "not a readable zip container"
    ratio = total / max(len(data), 1)
    if ratio > budget.limits.max_compression_ratio:
        return f"expands {ratio:.0f}x (limit {budget.limits.max_compression_ratio:.0f}x)"
    if total > budget.limits.max_total_attachment_bytes:
        return f"expands to {total} bytes (limit {budget.limits.max_total_attachment_bytes})"
    return None


def _check(budget: Budget, parts: list[str]) -> None:
    if budget.out_of_time():
        raise _Stop("time limit")
    if sum(len(p) for p in parts) > budget.text_room():
        raise _Stop("text limit")


def _pdf(data: bytes, budget: Budget, parts: list[str], charset: str | None) -> None:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            reader.decrypt("")
        except Exception:  # noqa: BLE001
            raise _Stop("PDF is encrypted") from None
    for page in reader.pages:
        _check(budget, parts)
        parts.append(page.extract_text() or "")


def _docx(data: bytes, budget: Budget, parts: list[str], charset: str | None) -> None:
    import docx

    doc = docx.Document(io.BytesIO(data))
    for para in doc.paragraphs:
        parts.append(para.text)
    for table in doc.tables:
        _check(budget, parts)
        for row in table.rows:
            parts.append(" | ".join(cell.text.strip() for cell in row.cells))


def _odf(data: bytes, budget: Budget, parts: list[str], charset: str | None) -> None:
    from odf import table as odftable
    from odf import teletype
    from odf import text as odftext
    from odf.opendocument import load

    doc = load(io.BytesIO(data))
    rows = doc.getElementsByType(odftable.TableRow)
    if rows:
        for row in rows:
            cells = row.getElementsByType(odftable.TableCell)
            parts.append(" | ".join(teletype.extractText(c).strip() for c in cells).strip(" |"))
    for el in doc.getElementsByType(odftext.H) + doc.getElementsByType(odftext.P):
        if not rows or el.parentNode is None or el.parentNode.qname[1] != "table-cell":
            parts.append(teletype.extractText(el))
        _check(budget, parts)


def _xlsx(data: bytes, budget: Budget, parts: list[str], charset: str | None) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            parts.append(f"[{ws.title}]")
            for n, row in enumerate(ws.iter_rows(values_only=True)):
                if n % 200 == 0:
                    _check(budget, parts)
                cells = ["" if v is None else str(v) for v in row]
                if any(cells):
                    parts.append(" | ".join(cells).rstrip(" |"))
    finally:
        wb.close()


def _rtf(data: bytes, budget: Budget, parts: list[str], charset: str | None) -> None:
    from striprtf.striprtf import rtf_to_text

    parts.append(rtf_to_text(data.decode("latin-1"), errors="ignore"))


def _html(data: bytes, budget: Budget, parts: list[str], charset: str | None) -> None:
    parts.append(html_to_text(decode_bytes(data, charset)))


def _plain(data: bytes, budget: Budget, parts: list[str], charset: str | None) -> None:
    parts.append(decode_bytes(data, charset))


_EXTRACTORS = {
    "application/pdf": _pdf,
    DOCX: _docx,
    XLSX: _xlsx,
    ODT: _odf,
    ODS: _odf,
    "application/rtf": _rtf,
    "text/rtf": _rtf,
    "text/html": _html,
    "text/csv": _plain,
    "text/plain": _plain,
}
