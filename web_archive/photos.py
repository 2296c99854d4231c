"""Publishing images into the output tree: FOI attachments that are images, and a problem report's photos.

Each is published twice, both re-encoded from the pixels (web_archive/images.py): the whole picture, and a
copy at most images.PAGE_WIDTH on a side that pages show. The bytes behind an attachment or a photo never
change (they are addressed by their hash), so an incremental build keeps the copies it finds; a full build
(new code, perhaps a new way of encoding) makes them again.
"""
from __future__ import annotations

from pathlib import Path

from store.blobs import blob_path
from web_archive.files import OutputTree
from web_archive.images import published_extension, reencode


def offer_image(out: OutputTree, full: str, page: str, sha256: str, extension: str, blob_dir: Path,
                reuse: bool) -> bool:
    """Write the re-encoded picture to `full` and its page copy to `page`; False when there is none to offer."""
    if reuse and out.has(full) and out.has(page):
        return True
    try:
        published = reencode(blob_path(blob_dir, sha256), extension)
    except FileNotFoundError:
        return False
    if published is None:
        return False
    out.write_bytes(full, published.full)
    out.write_bytes(page, published.page)
    return True


def photo_files(thread_folder: str, photo) -> tuple[str, str]:
    """(whole picture, page copy) of a report's photo, relative to the output root: named by the photo's id,
    never by the name it came with (a camera's or a person's)."""
    extension = published_extension(photo.content_type) or "jpg"
    return f"{thread_folder}photos/{photo.id}.{extension}", f"{thread_folder}photos/{photo.id}-page.{extension}"


def publish_report_photos(out: OutputTree, thread_folder: str, report, blob_dir: Path, reuse: bool) -> None:
    """Publish a report's photos; those that cannot be (damaged, a bomb) are dropped from `report.photos`."""
    kept = []
    for photo in report.photos:
        full, page = photo_files(thread_folder, photo)
        extension = full.rsplit(".", 1)[1]
        if offer_image(out, full, page, photo.sha256, extension, blob_dir, reuse):
            kept.append(photo)
    report.photos = kept
