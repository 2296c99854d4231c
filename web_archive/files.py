"""Write the output tree so readers never see half of it: file by file into a live site, or a fresh tree swapped in.

An incremental build writes into the live site: each file goes to a temporary name and is
swapped in with os.replace, so a reader gets the old file or the new one. A full build writes
a fresh sibling folder nobody reads yet (plain writes, no temporary names) and then exchanges
it with the live one in a single rename, so readers see the old site or the new one as a whole.
"""
from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from web_archive.scrub import scrub

_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


class OutputTree:
    """Files under one root. Text is scrubbed of email addresses on its way out (belt and braces).

    `fresh`: the root is a new folder no reader sees yet, so files are written straight to their names;
    `previous` is the live site it will replace, whose attachment files are linked instead of copied.
    """

    def __init__(self, root: str | os.PathLike, allowed: re.Pattern | None = None, *, fresh: bool = False,
                 previous: str | os.PathLike | None = None):
        self.root = os.fspath(root)
        self.allowed = allowed
        self.fresh = fresh
        self.previous = os.fspath(previous) if previous else None
        self.written = 0
        self._made: set[str] = set()
        self._suffix = f".tmp{os.getpid()}"

    def path(self, relative: str) -> str:
        return os.path.join(self.root, relative)

    def _folder(self, path: str) -> None:
        folder = os.path.dirname(path)
        if folder not in self._made:
            try:
                os.mkdir(folder)  # the usual case: a new thread's folder in an existing parent
            except (FileExistsError, FileNotFoundError):
                os.makedirs(folder, exist_ok=True)
            self._made.add(folder)

    def write_text(self, relative: str, text: str) -> None:
        self.write_bytes(relative, scrub(text, self.allowed).encode("utf-8"))

    def write_bytes(self, relative: str, data: bytes) -> None:
        path = os.path.join(self.root, relative)
        self._folder(path)
        if self.fresh:
            _write(path, data)
        else:
            # Readers see the old file or the new one, never half of one.
            temporary = path + self._suffix
            _write(temporary, data)
            os.replace(temporary, path)
        self.written += 1

    def copy_file(self, relative: str, source: str | os.PathLike) -> bool:
        """Copy `source` in unless an identical-sized copy is already there; False if the source is missing."""
        path = os.path.join(self.root, relative)
        try:
            size = os.stat(source).st_size
        except FileNotFoundError:
            return False
        if self.fresh:
            self._folder(path)
            old = os.path.join(self.previous, relative) if self.previous else None
            try:
                if old and os.stat(old).st_size == size:
                    os.link(old, path)  # never rewritten in place (see below), so sharing the inode is safe
                    return True
            except OSError:
                pass
            shutil.copyfile(source, path)
            self.written += 1
            return True
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

    def has(self, relative: str) -> bool:
        return os.path.exists(os.path.join(self.root, relative))

    def remove(self, relative: str) -> None:
        """Remove a file or a whole folder (a thread that is no longer public)."""
        path = os.path.join(self.root, relative)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.exists(path):
            os.remove(path)


def _write(path: str, data: bytes) -> None:
    fd = os.open(path, _NEW_FILE, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


# -- a fresh tree, swapped in whole ---------------------------------------------------------------------

def fresh_sibling(root: Path) -> Path | None:
    """A new empty folder next to `root` (same file system, so it can be renamed over it), or None."""
    sibling = root.parent / f".{root.name}.building-{os.getpid()}"
    for stale in leftovers(root):  # a build that was killed; two full builds of one site never run at once
        shutil.rmtree(stale, ignore_errors=True)
    try:
        root.parent.mkdir(parents=True, exist_ok=True)
        sibling.mkdir()
        os.chmod(sibling, (os.stat(root).st_mode if root.is_dir() else 0o755) & 0o7777)
    except OSError:
        return None
    return sibling


def carry_over(old: Path, new: Path, skip: set[str]) -> None:
    """Bring across what this build does not make (a search index it did not rebuild, a robots.txt someone
    put there), as hard links: cheap, and those files are only ever replaced, never written in place."""
    if not old.is_dir():
        return
    for entry in os.scandir(old):
        if entry.name in skip or os.path.lexists(new / entry.name):
            continue
        if entry.is_dir(follow_symlinks=False):
            shutil.copytree(entry.path, new / entry.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry.path, new / entry.name)


def _link_or_copy(source, target) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def swap_in(fresh: Path, root: Path) -> None:
    """Put `fresh` where `root` is: one atomic exchange where Linux offers it, else two renames (between them
    the site is briefly missing, never half-built). The old tree is deleted afterwards."""
    if not root.exists():
        os.rename(fresh, root)
        return
    stale = root.parent / f".{root.name}.old-{os.getpid()}-{time.monotonic_ns()}"
    if _exchange(fresh, root):
        os.rename(fresh, stale)  # after the exchange `fresh` names the old tree
    else:
        os.rename(root, stale)
        os.rename(fresh, root)
    delete_in_background(stale)


def delete_in_background(folder: Path) -> None:
    """Deleting 400,000 old files takes longer than writing them; readers already see the new site, so a
    detached process does it (and a build finding an old one left over deletes that too)."""
    try:
        subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)",
                          os.fspath(folder)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)


def leftovers(root: Path) -> list[Path]:
    """Trees of builds that died, or old sites not yet deleted, next to `root`."""
    prefix = f".{root.name}."
    try:
        return [p for p in root.parent.iterdir()
                if p.name.startswith(prefix) and (".building-" in p.name or ".old-" in p.name)]
    except OSError:
        return []


def _exchange(a: Path, b: Path) -> bool:
    """renameat2(RENAME_EXCHANGE): swap two paths atomically (Linux 3.15+, glibc 2.28+); False if unsupported."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    renameat2.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))
