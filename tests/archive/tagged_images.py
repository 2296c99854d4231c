"""A JPEG and a PNG carrying every kind of metadata block a camera or an editor writes, each with a canary.

Written with Pillow (EXIF with GPS, a comment, PNG text chunks) and, where Pillow has no writer, spliced in
as the bytes the standards define: XMP in an APP1 segment ("http://ns.adobe.com/xap/1.0/\\0", Adobe XMP
specification part 3, 1.1.3) and IPTC in a Photoshop APP13 segment ("Photoshop 3.0\\0", an 8BIM resource
0x0404, IPTC IIM 4.2 record 2 dataset 120 = caption).
"""
from __future__ import annotations

import io
import struct

from PIL import Image, PngImagePlugin

EXIF_CANARY = "EXIF-ARTIST-CANARY"
GPS_CANARY = (12, 34, 56.789)      # degrees, minutes, seconds: printed as 12.58 in decimal
XMP_CANARY = "XMP-CREATOR-CANARY"
IPTC_CANARY = "IPTC-CAPTION-CANARY"
COMMENT_CANARY = "JPEG-COMMENT-CANARY"
PNG_TEXT_CANARY = "PNG-TEXT-CANARY"
CANARIES = (EXIF_CANARY, XMP_CANARY, IPTC_CANARY, COMMENT_CANARY, PNG_TEXT_CANARY)
XMP = (f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       f'<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>{XMP_CANARY}</dc:creator>'
       f'</rdf:Description></rdf:RDF></x:xmpmeta>').encode()


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = EXIF_CANARY          # Artist
    exif[0x010F] = "CanaryCam"          # Make
    gps = {1: "N", 2: GPS_CANARY, 3: "W", 4: (1, 2, 3.0)}  # GPSLatitudeRef, GPSLatitude, GPSLongitudeRef, ...
    exif[0x8825] = gps
    return exif


def _picture(size=(640, 480)) -> Image.Image:
    picture = Image.new("RGB", size, (200, 120, 40))
    for x in range(0, size[0], 16):  # some detail, so the encoder has something to encode
        for y in range(size[1]):
            picture.putpixel((x, y), (20, 20, 160))
    return picture


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def tagged_jpeg(size=(640, 480)) -> bytes:
    buffer = io.BytesIO()
    _picture(size).save(buffer, "JPEG", exif=_exif(), comment=COMMENT_CANARY.encode())
    data = buffer.getvalue()
    caption = IPTC_CANARY.encode()
    iptc = b"\x1c\x02\x78" + struct.pack(">H", len(caption)) + caption
    resource = b"8BIM" + struct.pack(">H", 0x0404) + b"\x00\x00" + struct.pack(">I", len(iptc)) + iptc
    if len(iptc) % 2:
        resource += b"\x00"
    extra = _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP) + _segment(0xED, b"Photoshop 3.0\x00" + resource)
    return data[:2] + extra + data[2:]  # right after SOI, as cameras and editors put them


def tagged_png(size=(320, 200)) -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", PNG_TEXT_CANARY)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Raw profile type iptc", IPTC_CANARY)
    buffer = io.BytesIO()
    _picture(size).save(buffer, "PNG", pnginfo=info, exif=_exif())
    return buffer.getvalue()
