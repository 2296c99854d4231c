"""Published images are re-encoded from their pixels: no EXIF, XMP, IPTC or comment block reaches the archive."""
from __future__ import annotations

import io

from PIL import Image

from store.blobs import blob_path, put_blob
from store.models import Attachment
from tests.archive.conftest import TODAY
from tests.archive.tagged_images import CANARIES, tagged_jpeg, tagged_png
from web_archive.build import build_site

# What marks each block in the bytes of a file, whatever it holds.
BLOCK_MARKERS = (b"Exif\x00\x00", b"http://ns.adobe.com/xap", b"Photoshop 3.0", b"8BIM", b"tEXt", b"iTXt", b"zTXt",
                 b"eXIf", b"\xff\xfe")


def assert_pixels_only(data: bytes, size: tuple[int, int]) -> None:
    for canary in CANARIES:
        assert canary.encode() not in data, canary
    for marker in BLOCK_MARKERS[:-1]:
        assert marker not in data, marker
    with Image.open(io.BytesIO(data)) as picture:
        assert picture.size == size
        assert len(picture.getexif()) == 0
        assert not {"exif", "xmp", "comment", "photoshop", "icc_profile"} & set(picture.info), picture.info
        if picture.format == "JPEG":  # a JPEG comment is a COM segment (0xFFFE) before the image data
            assert b"\xff\xfe" not in data[:data.index(b"\xff\xda")]
        picture.load()


def add_attachment(store, name: str, content_type: str, data: bytes) -> int:
    return store.add(Attachment(message_id=store.ids["reply"], filename=name, public_filename=name,
                                content_type=content_type, size=len(data), sha256=put_blob(store.blob_dir, data),
                                text="", public_text="")).id


def test_published_foi_images_carry_no_metadata_and_the_original_is_kept(store, tmp_path):
    originals = {"scan.jpg": ("image/jpeg", tagged_jpeg(), (640, 480)),
                 "chart.png": ("image/png", tagged_png(), (320, 200))}
    ids = {name: add_attachment(store, name, content_type, data) for name, (content_type, data, _) in originals.items()}
    out = tmp_path / "site"
    build_site(store.config, out, full=True, search=False, today=TODAY, progress=False)
    for name, (_, data, size) in originals.items():
        published = out / f"thread/{store.ids['foi']}/attachments/{ids[name]}/{name}"
        assert_pixels_only(published.read_bytes(), size)
        # the original, metadata and all, stays in the store for operators
        assert blob_path(store.blob_dir, put_blob(store.blob_dir, data)).read_bytes() == data


def test_a_reports_photos_are_published_as_pixels_only_with_a_page_copy(site, store):
    folder = site / f"thread/{store.ids['report']}/photos"
    photo = store.ids["report_photo"]
    assert_pixels_only((folder / f"{photo}.jpg").read_bytes(), (640, 480))
    page_copy = (folder / f"{photo}-page.jpg").read_bytes()
    with Image.open(io.BytesIO(page_copy)) as picture:
        assert max(picture.size) <= 800
    assert_pixels_only(page_copy, picture.size)
    # named by its id, never by the name it came with; the photo that is no picture is not published
    assert sorted(p.name for p in folder.iterdir()) == [f"{photo}-page.jpg", f"{photo}.jpg"]


def test_an_image_under_another_content_type_is_not_published_as_its_bytes(store, tmp_path):
    data = tagged_jpeg()
    attachment = add_attachment(store, "IMG_0001.dat", "application/octet-stream", data)
    out = tmp_path / "site"
    build_site(store.config, out, full=True, search=False, today=TODAY, progress=False)
    folder = out / f"thread/{store.ids['foi']}/attachments/{attachment}"
    for path in folder.iterdir():
        for canary in CANARIES:
            assert canary.encode() not in path.read_bytes(), (canary, path.name)
