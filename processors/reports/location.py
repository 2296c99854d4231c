"""Where a report is, from what the reporter wrote and attached, the most precise source first:
coordinates (`lat,lon` or a `geo:` URI), a map link with coordinates (OpenStreetMap, Google
Maps), a photo's EXIF GPS position, then a postcode. Only the reporter's new text is read
(quoted mail and signatures are folded away before: processors/understanding/quotes.py)."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Iterable

from processors.understanding.model import AttachmentInfo

# Photos larger than this are not opened for their position (they are still refused or sent
# by the size rules of processors/reports/photos.py): EXIF sits in the first 64 KB of a JPEG.
EXIF_READ_BYTES = 20 * 1024 * 1024
PHOTOS_READ = 5  # at most this many photos are opened per message

_NUMBER = r"[-+]?\d{1,3}\.\d{2,12}"
_PAIR = re.compile(rf"(?<![\w.])({_NUMBER})\s*,\s*({_NUMBER})(?!\w|\.\d)")  # a full stop may end the sentence
_GEO = re.compile(rf"(?i)\bgeo:({_NUMBER}|[-+]?\d{{1,3}}),({_NUMBER}|[-+]?\d{{1,3}})")
_OSM_MAP = re.compile(rf"(?i)openstreetmap\.org/\S*?#map=\d{{1,2}}/({_NUMBER})/({_NUMBER})")
_OSM_MARKER = re.compile(rf"(?i)openstreetmap\.org/\S*?[?&]mlat=({_NUMBER})&mlon=({_NUMBER})")
_GOOGLE_AT = re.compile(rf"(?i)google\.[a-z.]+/maps\S*?@({_NUMBER}),({_NUMBER})")
_GOOGLE_QUERY = re.compile(rf"(?i)google\.[a-z.]+/maps\S*?[?&](?:q|ll|query)=({_NUMBER})(?:,|%2C)({_NUMBER})")
_POSTCODE_LINE = re.compile(r"(?im)^\s*post\s*code\s*:\s*(.{1,40}?)\s*$")
_POSTCODE = re.compile(r"(?i)\b([A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2})\b")


@dataclass(frozen=True)
class Found:
    source: str                        # coordinates | map link | photo | postcode
    point: tuple[float, float] | None = None
    postcode: str = ""                 # as written, when the source is a postcode


def valid(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180 and (lat, lon) != (0.0, 0.0)


def from_text(text: str) -> Found | None:
    """The most precise place the text gives, or None.

    >>> from_text("It is at 52.0512, -1.9503 by the bus stop").point, from_text("At 52.05,-1.95.").point
    ((52.0512, -1.9503), (52.05, -1.95))
    >>> from_text("see https://www.openstreetmap.org/#map=18/52.05000/-1.95000").source
    'map link'
    >>> from_text("https://www.google.com/maps/place/x/@52.061,-1.84,17z").point
    (52.061, -1.84)
    >>> from_text("Outside number 4, CB1 5RE.") is None
    True
    """
    for pattern, source in ((_GEO, "coordinates"), (_OSM_MARKER, "map link"), (_OSM_MAP, "map link"),
                            (_GOOGLE_AT, "map link"), (_GOOGLE_QUERY, "map link")):
        for match in pattern.finditer(text):
            lat, lon = float(match[1]), float(match[2])
            if valid(lat, lon):
                return Found(source, (lat, lon))
    for match in _PAIR.finditer(_without_links(text)):
        lat, lon = float(match[1]), float(match[2])
        if valid(lat, lon):
            return Found("coordinates", (lat, lon))
    return None


def postcode_in(text: str) -> Found | None:
    """A postcode the reporter wrote: a `Postcode:` line (whatever it holds, so that a malformed one
    is answered), else anything shaped like a UK postcode.

    >>> postcode_in("Outside number 4, cb1 5re."), postcode_in("Postcode: ZZ1 1ZZ").postcode
    (Found(source='postcode', point=None, postcode='CB1 5RE'), 'ZZ1 1ZZ')
    """
    line = _POSTCODE_LINE.search(text)
    if line:
        return Found("postcode", postcode=line[1])
    shaped = _POSTCODE.search(_without_links(text))
    return Found("postcode", postcode=shaped[1].upper()) if shaped else None


def from_photos(photos: Iterable[AttachmentInfo]) -> Found | None:
    for photo in list(photos)[:PHOTOS_READ]:
        if len(photo.data) <= EXIF_READ_BYTES:
            point = exif_position(photo.data)
            if point is not None:
                return Found("photo", point)
    return None


def find(text: str, photos: Iterable[AttachmentInfo]) -> Found | None:
    """The most precise source first: coordinates or a map link, a photo's position, a postcode."""
    return from_text(text) or from_photos(photos) or postcode_in(text)


def exif_position(data: bytes) -> tuple[float, float] | None:
    """The GPS position in a photo's EXIF, or None. Pillow reads the header and EXIF block only,
    never the pixels; anything it cannot read is no position."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            gps = image.getexif().get_ifd(0x8825)  # the GPSInfo IFD
            lat = _degrees(gps.get(2), gps.get(1), "S")
            lon = _degrees(gps.get(4), gps.get(3), "W")
    except Exception:  # noqa: BLE001 (a hostile file may fail anywhere in the reader: no position)
        return None
    if lat is None or lon is None or not valid(lat, lon):
        return None
    return round(lat, 6), round(lon, 6)


def _degrees(value, ref, negative: str) -> float | None:
    if not isinstance(value, tuple) or len(value) != 3:
        return None
    d, m, s = (float(part) for part in value)
    sign = -1 if str(ref or "").strip().upper() == negative else 1
    return sign * (d + m / 60 + s / 3600)


_LINK = re.compile(r"(?i)\bhttps?://\S+")


def _without_links(text: str) -> str:
    return _LINK.sub(" ", text)
