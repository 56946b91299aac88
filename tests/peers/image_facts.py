"""Pillow as the peer that checks our previews (tests/previews.rs).

Reads an image on stdin. Prints JSON: the format and size Pillow reads, every EXIF tag it finds
(by number), and every metadata block it sees in the file besides pixels (EXIF, XMP, ICC, comments).
"""

import io
import json
import sys

from PIL import Image

image = Image.open(io.BytesIO(sys.stdin.buffer.read()))
image.load()
exif = image.getexif()
gps = exif.get_ifd(0x8825)
print(
    json.dumps(
        {
            "format": image.format,
            "width": image.width,
            "height": image.height,
            "exif_tags": sorted(list(exif.keys()) + list(gps.keys())),
            "metadata": sorted(k for k in image.info if k in ("exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp")),
        }
    )
)
