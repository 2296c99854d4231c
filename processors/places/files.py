"""Reading an operator's import files safely: a size limit checked before reading, CSV read line by
line (an overlong or undecodable line is named, not buffered whole), and every problem collected
so that one message names them all, FILE:LINE each.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from store.authorities import ImportError_

MAX_LINE_BYTES = 8192      # a CSV line of these files is a few dozen bytes
MAX_PROBLEMS_SHOWN = 200   # a file that is wrong on every line is named, not printed whole


@dataclass
class Problems:
    """Every bad line or feature of one file, raised at once by `raise_if_any`."""

    path: Path
    lines: list[tuple[int, str]] = field(default_factory=list)

    def add(self, where: int | str, message: str) -> None:
        """`where` is a line number (FILE:LINE) or a place in a JSON document (FILE: features[3].…)."""
        if isinstance(where, int):
            self.lines.append((where, f"{self.path}:{where}: {message}"))
        else:
            self.lines.append((0, f"{self.path}: {where}: {message}"))

    def raise_if_any(self) -> None:
        if not self.lines:
            return
        shown = [text for _line, text in sorted(self.lines, key=lambda item: item[0])[:MAX_PROBLEMS_SHOWN]]
        if len(self.lines) > MAX_PROBLEMS_SHOWN:
            shown.append(f"{self.path}: … and {len(self.lines) - MAX_PROBLEMS_SHOWN} more problems")
        raise ImportError_("\n".join(shown))


def check_size(path: Path, limit: int, advice: str = "") -> int:
    """The file's size, refused before a byte is read when over `limit`."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportError_(f"{path}: cannot read it: {exc.strerror or exc}") from None
    if size > limit:
        raise ImportError_(f"{path}: {size:,} bytes is more than the {limit:,} an import reads{advice}")
    return size


def csv_rows(path: Path, problems: Problems, required: tuple[str, ...], optional: tuple[str, ...] = (),
             max_bytes: int = 16 * 2**20) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, {column: stripped value}) for each non-blank row; lines that cannot be read
    (not UTF-8, too long, a broken quote) go to `problems`. Columns are matched case-insensitively."""
    check_size(path, max_bytes)
    with path.open("rb") as file:
        lines = _decoded_lines(file, problems)
        header_line = next(lines, None)
        if header_line is None:
            problems.raise_if_any()  # a first line that could not be read says why first
            raise ImportError_(f"{path}:1: the file is empty; its first line must be the header "
                               f"{','.join(required + tuple(f'[{o}]' for o in optional))}")
        if header_line[0] != 1:  # the header itself could not be read: nothing after it can be
            problems.raise_if_any()
        header = [name.strip().lower() for name in next(csv.reader([header_line[1]]), [])]
        missing = [name for name in required if name not in header]
        if missing:
            raise ImportError_(f"{path}:1: the header must include {','.join(required)}; missing {', '.join(missing)}")
        for line, text in lines:
            try:
                cells = next(csv.reader([text]), [])
            except csv.Error as exc:
                problems.add(line, f"cannot read the line as CSV: {exc}")
                continue
            if not any(cell.strip() for cell in cells):
                continue
            values = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
            yield line, values


def _decoded_lines(file: io.BufferedReader, problems: Problems) -> Iterator[tuple[int, str]]:
    """Text lines, each read with a bound: a file with no line breaks is not read into memory whole."""
    number = 0
    while True:
        raw = file.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            problems.add(number, f"the line is longer than {MAX_LINE_BYTES:,} bytes")
            while raw and not raw.endswith(b"\n"):  # skip the rest of it, a bounded piece at a time
                raw = file.readline(MAX_LINE_BYTES)
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]  # Excel's byte-order mark
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            problems.add(number, f"not UTF-8 (byte {raw[exc.start]:#04x} at column {exc.start + 1}): "
                                 "save the file as UTF-8")
            continue
        if "\x00" in text:
            problems.add(number, "the line contains NUL bytes: is this a CSV file?")
            continue
        yield number, text.rstrip("\r\n")
