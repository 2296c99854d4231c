"""A decompression bomb (an image whose header promises billions of pixels in a few hundred bytes) is refused
before a pixel is decoded: neither an FOI attachment nor a report's photo is published, and the build goes on."""
from __future__ import annotations

import struct
import zlib

import pytest
from PIL import Image

from store.blobs import put_blob
from store.models import Attachment, ReportPhoto
from tests.archive.conftest import TODAY, Store
from web_archive.build import build_site
from web_archive.images import reencode


def png_claiming(width: int, height: int) -> bytes:
    """A valid PNG header for `width` x `height` grey pixels, followed by the first row only (the rest would be
    zeros, which deflate shrinks a thousandfold: that is the bomb)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * (width + 1)))
            + chunk(b"IEND", b""))


# Above Pillow's MAX_IMAGE_PIXELS (where it only warns, and mailgate refuses) and above twice that (its error).
BOMBS = {"warned": (10_000, 10_000), "refused": (60_000, 60_000)}


@pytest.mark.parametrize("size", BOMBS.values(), ids=BOMBS.keys())
def test_a_bomb_is_refused_from_its_header(size):
    assert size[0] * size[1] > Image.MAX_IMAGE_PIXELS
    bomb = png_claiming(*size)
    assert len(bomb) < 200_000  # a small file ...
    assert reencode(bomb, "png") is None  # ... refused before it is decoded into gigabytes


def test_bombs_are_not_published_and_the_build_goes_on(tmp_path):
    store = Store(tmp_path).populate()
    bomb = png_claiming(*BOMBS["refused"])
    sha = put_blob(store.blob_dir, bomb)
    attachment = store.add(Attachment(message_id=store.ids["reply"], filename="map.png", public_filename="map.png",
                                      content_type="image/png", size=len(bomb), sha256=sha, text="", public_text=""))
    photo = store.add(ReportPhoto(thread_id=store.ids["report"], filename="bomb.png", content_type="image/png",
                                  size=len(bomb), sha256=sha))
    out = tmp_path / "site"
    report = build_site(store.config, out, full=True, search=False, today=TODAY, progress=False)
    assert report.threads == 6
    folder = out / f"thread/{store.ids['foi']}/attachments/{attachment.id}"
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]  # no file, no page copy
    assert "withheld" in (folder / "index.html").read_text()
    photos = out / f"thread/{store.ids['report']}/photos"
    assert not list(photos.glob(f"{photo.id}*"))
    assert f"photos/{photo.id}" not in (out / f"thread/{store.ids['report']}/index.html").read_text()
    # the other photo of that report is still there
    assert (photos / f"{store.ids['report_photo']}.jpg").is_file()
