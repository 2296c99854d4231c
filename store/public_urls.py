"""Where things are published in the archive: one answer for the pages that are built and the
mails that link to them."""
from __future__ import annotations


def thread_path(thread_id: int) -> str:
    """A thread's folder, relative to the archive's root.

    >>> thread_path(12)
    'thread/12/'
    """
    return f"thread/{thread_id}/"


def public_url(site_url: str, path: str) -> str:
    """
    >>> public_url("https://foi.example/archive", thread_path(3))
    'https://foi.example/archive/thread/3/'
    """
    return site_url.rstrip("/") + "/" + path
