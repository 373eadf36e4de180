"""Location data in a photo's EXIF (8.2 4.2: a photo can give away where someone lives or where a crew is)."""
from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

_GPS_IFD = 0x8825
_LAT_REF, _LAT, _LON_REF, _LON = 1, 2, 3, 4


def _degrees(value) -> float:
    d, m, s = (float(x) for x in value)
    return d + m / 60 + s / 3600


def gps_from_image(data: bytes) -> tuple[float, float] | None:
    """(latitude, longitude) when the photo carries GPS tags; None when it has none or is not an image."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            gps = img.getexif().get_ifd(_GPS_IFD)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    if not gps or _LAT not in gps or _LON not in gps:
        return None
    try:
        lat, lon = _degrees(gps[_LAT]), _degrees(gps[_LON])
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if str(gps.get(_LAT_REF, "N")).upper().startswith("S"):
        lat = -lat
    if str(gps.get(_LON_REF, "E")).upper().startswith("W"):
        lon = -lon
    return lat, lon
