"""Write the output tree safely: every file goes to a temporary name first and is swapped in with os.replace."""
from __future__ import annotations

import os
import re
import shutil

from web_archive.scrub import scrub


class OutputTree:
    """Files under one root. Text is scrubbed of email addresses on its way out (belt and braces)."""

    def __init__(self, root: str | os.PathLike, allowed: re.Pattern | None = None):
        self.root = os.fspath(root)
        self.allowed = allowed
        self.written = 0
        self._made: set[str] = set()
        self._suffix = f".tmp{os.getpid()}"

    def path(self, relative: str) -> str:
        return os.path.join(self.root, relative)

    def _folder(self, path: str) -> None:
        folder = os.path.dirname(path)
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)

    def write_text(self, relative: str, text: str) -> None:
        self.write_bytes(relative, scrub(text, self.allowed).encode("utf-8"))

    def write_bytes(self, relative: str, data: bytes) -> None:
        path = os.path.join(self.root, relative)
        self._folder(path)
        temporary = path + self._suffix
        # Readers see the old file or the new one, never half of one.
        with open(temporary, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
        self.written += 1

    def copy_file(self, relative: str, source: str | os.PathLike) -> bool:
        """Copy `source` in unless an identical-sized copy is already there; False if the source is missing."""
        path = os.path.join(self.root, relative)
        try:
            size = os.stat(source).st_size
        except FileNotFoundError:
            return False
        try:
            if os.stat(path).st_size == size:
                return True
        except FileNotFoundError:
            pass
        self._folder(path)
        temporary = path + self._suffix
        shutil.copyfile(source, temporary)
        os.replace(temporary, path)
        self.written += 1
        return True

    def remove(self, relative: str) -> None:
        """Remove a file or a whole folder (a thread that is no longer public)."""
        path = os.path.join(self.root, relative)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.exists(path):
            os.remove(path)
