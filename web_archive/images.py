"""Published images are new files made from the pixels alone: no EXIF (camera, GPS), XMP, IPTC, ICC or comment
block of the original survives, because none is copied; only the picture is.

The original stays in the blob store for operators and the body the report went to. An image Pillow cannot
decode, or one whose header promises more pixels than Pillow's MAX_IMAGE_PIXELS (a decompression bomb: a
few kilobytes that unpack into gigabytes; Pillow checks the header before decoding anything), is not
published at all.
"""
from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

log = logging.getLogger(__name__)

PAGE_WIDTH = 800            # the copy shown on the page is at most this wide (and high)
JPEG_QUALITY = 85
# The page copy of an image attachment sits in its folder under a name no attachment can have
# (web_archive/pages.py safe_filename strips leading underscores).
PAGE_COPY = "_page."


def published_extension(content_type: str) -> str | None:
    """The extension a published image of this type gets, or None when it is not an image we re-encode.

    >>> published_extension("image/jpeg"), published_extension("image/tiff"), published_extension("image/svg+xml")
    ('jpg', 'png', None)
    """
    kind = content_type.lower().split(";")[0].strip()
    if not kind.startswith("image/") or kind == "image/svg+xml":  # SVG is a document that can carry script
        return None
    return {"image/jpeg": "jpg", "image/pjpeg": "jpg", "image/png": "png", "image/gif": "gif",
            "image/webp": "webp"}.get(kind, "png")


# How image files begin, whatever content type the mail gave them: JPEG, PNG, GIF, WebP (RIFF....WEBP), TIFF,
# BMP, HEIF/AVIF (....ftyp). Such bytes are never published as they came (their metadata would go too).
_IMAGE_STARTS = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")


def looks_like_image(head: bytes) -> bool:
    """
    >>> looks_like_image(bytes.fromhex("ffd8ffe1") + b"Exif"), looks_like_image(b"RIFF1234WEBPVP8 "), looks_like_image(b"%PDF-1.4")
    (True, True, False)
    """
    return (head.startswith(_IMAGE_STARTS) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
            or head[4:8] == b"ftyp")


@dataclass(frozen=True)
class Published:
    full: bytes        # the whole picture, re-encoded
    page: bytes        # at most PAGE_WIDTH on each side, for the page
    extension: str     # of both: jpg, png, gif or webp
    width: int
    height: int


def reencode(source: Path | bytes, extension: str) -> Published | None:
    """The picture of `source` as new files with no metadata in the format of `extension` (from
    published_extension: the file's published name says it), or None (not an image, damaged, too big)."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: make it refuse there too.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source if isinstance(source, Path) else io.BytesIO(source)) as opened:
                picture = ImageOps.exif_transpose(opened)  # the camera's rotation, applied before EXIF is dropped
                picture.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        log.warning("image not published: too many pixels (%s)", error)
        return None
    except (OSError, ValueError, SyntaxError, Image.UnidentifiedImageError, EOFError) as error:
        log.warning("image not published: Pillow cannot read it (%s)", error)
        return None
    clean = _pixels_only(picture, extension)
    small = clean.copy()
    small.thumbnail((PAGE_WIDTH, PAGE_WIDTH))
    return Published(_encode(clean, extension), _encode(small, extension), extension, clean.width, clean.height)


def _pixels_only(picture: Image.Image, extension: str) -> Image.Image:
    """A new image holding the pixels and nothing else (no info dictionary, no palette comments)."""
    if extension == "jpg":
        mode = "RGB" if picture.mode not in ("L", "RGB") else picture.mode
    else:
        mode = "RGBA" if picture.mode not in ("L", "RGB", "RGBA") else picture.mode
    converted = picture.convert(mode)
    return Image.frombytes(mode, converted.size, converted.tobytes())


def _encode(picture: Image.Image, extension: str) -> bytes:
    buffer = io.BytesIO()
    if extension == "jpg":
        picture.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif extension == "gif":
        picture.convert("RGB").save(buffer, "GIF")
    elif extension == "webp":
        picture.save(buffer, "WEBP", quality=JPEG_QUALITY)
    else:
        picture.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
