"""A thread's attachments as files: what is published of each (its public text, its picture re-encoded, or its
bytes), and removing the files of attachments a thread no longer shows."""
from __future__ import annotations

import logging
import os
from pathlib import Path

from store.blobs import blob_path
from web_archive.files import OutputTree
from web_archive.images import PAGE_COPY, looks_like_image, published_extension
from web_archive.photos import offer_image
from web_archive.scrub import file_has_address

log = logging.getLogger(__name__)


def offer_file(out: OutputTree, folder: str, file: str, attachment, blob_dir: Path, allowed, reuse: bool) -> bool:
    """Publish a released file: a text-like one as its public text (redacted, and scrubbed on its way out), an
    image re-encoded from its pixels (no EXIF, XMP, IPTC or comment survives), another binary one as its bytes
    unless they carry an address, which bytes cannot be redacted of; False if not."""
    if attachment.text_like:
        out.write_text(file, attachment.text)
        return True
    extension = published_extension(attachment.content_type)
    if extension is not None:
        return offer_image(out, file, f"{folder}{PAGE_COPY}{extension}", attachment.sha256, extension, blob_dir,
                           reuse)
    source = blob_path(blob_dir, attachment.sha256)
    try:
        with open(source, "rb") as handle:
            if looks_like_image(handle.read(16)):
                log.warning("attachment %s (%s) not published: an image sent as %s, whose metadata would go with it",
                            attachment.id, file, attachment.content_type)
                return False
        if file_has_address(source, allowed):
            log.warning("attachment %s (%s) not published: an email address in its bytes", attachment.id, file)
            return False
    except FileNotFoundError:
        return False
    return out.copy_file(file, source)


def remove_stale_attachments(out: OutputTree, folder: str, kept: dict[str, set[str]]) -> None:
    """A thread rendered again may have lost attachments (hidden message, file withheld): delete their files."""
    path = out.path(folder)
    if not os.path.isdir(path):
        return
    for entry in os.listdir(path):
        if entry not in kept:
            out.remove(f"{folder}/{entry}")
            continue
        for name in os.listdir(os.path.join(path, entry)):
            if name not in kept[entry]:
                out.remove(f"{folder}/{entry}/{name}")
