"""The Teams app package: manifest.json and its two icons in one zip, ready for Teams' "Upload an app".

The icons are drawn here, the same bytes every time (a white tick in a ring): the colour icon 192x192 on the
accent colour, the outline icon 32x32 in white on a transparent background, as the manifest schema asks. No
image library is needed: a PNG is a few zlib-compressed rows and CRC-checked chunks.
"""
from __future__ import annotations

import io
import json
import math
import struct
import zipfile
import zlib

ACCENT = (0x1D, 0x4F, 0x91)
WHITE = (255, 255, 255)
ICON_FILES = {"color": "color.png", "outline": "outline.png"}
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)   # a fixed date, so the same manifest always makes the same zip


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int, height: int, pixels, alpha: bool) -> bytes:
    """A PNG of `pixels(x, y)` -> (r, g, b) or (r, g, b, a): 8 bits a channel, no interlacing."""
    rows = bytearray()
    for y in range(height):
        rows.append(0)   # filter: none
        for x in range(width):
            rows.extend(pixels(x, y))
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(bytes(rows), 9))
            + _chunk(b"IEND", b""))


def _on_mark(x: float, y: float) -> bool:
    """The mark in a unit square: a ring, and a tick inside it."""
    r = math.hypot(x - 0.5, y - 0.5)
    if 0.36 <= r <= 0.46:
        return True
    for (x1, y1), (x2, y2) in (((0.30, 0.52), (0.44, 0.66)), ((0.44, 0.66), (0.70, 0.36))):
        dx, dy = x2 - x1, y2 - y1
        t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
        if math.hypot(x - (x1 + t * dx), y - (y1 + t * dy)) <= 0.05:
            return True
    return False


def color_icon() -> bytes:
    size = 192
    return png(size, size, lambda x, y: WHITE if _on_mark((x + 0.5) / size, (y + 0.5) / size) else ACCENT,
               alpha=False)


def outline_icon() -> bytes:
    size = 32
    return png(size, size, lambda x, y: (*WHITE, 255) if _on_mark((x + 0.5) / size, (y + 0.5) / size)
               else (0, 0, 0, 0), alpha=True)


def icons() -> dict[str, bytes]:
    """File name -> bytes, for the package and for the copies in manifests/teams/."""
    return {ICON_FILES["color"]: color_icon(), ICON_FILES["outline"]: outline_icon()}


def package(manifest: dict) -> bytes:
    """The zip Teams accepts: manifest.json and the icons it names, at the top level."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        files = {"manifest.json": (json.dumps(manifest, indent=2) + "\n").encode(), **icons()}
        for name, content in files.items():
            zf.writestr(zipfile.ZipInfo(name, _ZIP_TIME), content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def png_size(data: bytes) -> tuple[int, int, int]:
    """(width, height, colour type) from a PNG's header; ValueError if it is not a PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height, _, colour_type = struct.unpack(">IIBB", data[16:26])
    return width, height, colour_type
