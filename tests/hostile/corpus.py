"""A hostile upload corpus, generated in code (no binary fixtures).

Each entry is ``(name, filename, bytes)``. ``ACCEPTED`` files are real
JPEG/PNG/WebP photos, some carrying a payload (appended archive or HTML,
script in a comment, GPS in EXIF or XMP) that must not survive the
re-encoding; ``REJECTED`` files must be refused with a 400 and nothing stored.
"""

import io
import struct
import zipfile
import zlib

from PIL import Image

PAYLOAD_MARKERS = [
    b"PK\x03\x04",
    b"<html",
    b"<script",
    b"alert(",
    b"GPSLatitude",
    b"48.8584",
    b"Exif\x00\x00",
    b"http://ns.adobe.com/xap/1.0/",
    b"secret-comment",
]


def _image(mode="RGB", size=(64, 48), color=(180, 90, 40)):
    image = Image.new(mode, size, color)
    # Some texture, so that encoders produce realistic data.
    for x in range(0, size[0], 8):
        for y in range(0, size[1], 8):
            image.putpixel((x, y), (0, 0, 0) if mode == "RGB" else 0)
    return image


def encode(image, fmt, **params) -> bytes:
    output = io.BytesIO()
    image.save(output, fmt, **params)
    return output.getvalue()


def jpeg(**params) -> bytes:
    return encode(_image(), "JPEG", quality=90, **params)


def png() -> bytes:
    return encode(_image(), "PNG")


def webp() -> bytes:
    return encode(_image(), "WEBP", quality=80)


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0131] = "secret-comment editor"  # Software
    gps = {
        1: "N",
        2: (48.0, 51.0, 30.24),  # 48.8584 N: the Eiffel Tower
        3: "E",
        4: (2.0, 17.0, 40.2),
    }
    exif[0x8825] = gps  # GPSInfo
    return exif


def jpeg_with_gps() -> bytes:
    return jpeg(exif=gps_exif())


XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="48.8584N"'
    b' exif:GPSLongitude="2.2945E"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)


def jpeg_with_xmp_gps() -> bytes:
    return jpeg(xmp=XMP)


def jpeg_with_script_comment() -> bytes:
    return jpeg(comment=b"secret-comment <script>alert(document.cookie)</script>")


def jpeg_with_zip_appended() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("evil.html", "<html><script>alert(1)</script></html>")
    return jpeg() + archive.getvalue()


def jpeg_with_html_appended() -> bytes:
    return jpeg() + b"<html><body><script>alert(document.domain)</script></body></html>"


def png_with_text_and_exif() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret-comment <script>alert(1)</script>")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    return encode(_image(), "PNG", pnginfo=info, exif=gps_exif())


def webp_with_gps() -> bytes:
    return encode(_image(), "WEBP", exif=gps_exif(), xmp=XMP)


def cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", (40, 40), (0, 120, 200, 10)), "JPEG")


def png_16_bit() -> bytes:
    return encode(Image.new("I;16", (40, 40), 30000), "PNG")


def mpo_camera_photo() -> bytes:
    """A JPEG with a multi-picture (MPF) segment, as many cameras write:
    Pillow reads it as MPO; it is a JPEG photo all the same."""
    first, second = _image(), _image(color=(20, 20, 200))
    output = io.BytesIO()
    first.save(output, "MPO", save_all=True, append_images=[second])
    return output.getvalue()


def rotated_jpeg() -> bytes:
    """A 64×48 JPEG with EXIF orientation 6 (rotate 90°): stored upright, 48×64."""
    exif = Image.Exif()
    exif[0x0112] = 6
    return jpeg(exif=exif)


# --------------------------------------------------------------- rejected


def gif() -> bytes:
    return encode(_image().convert("P"), "GIF")


def gif_js_polyglot() -> bytes:
    """A GIF that is also valid JavaScript: its width bytes open a comment
    (``GIF89a/*``) and a script follows the trailer."""
    data = bytearray(gif())
    data[6:8] = b"/*"
    return bytes(data) + b"*/=1;alert(document.domain);"


def tiff() -> bytes:
    return encode(_image(), "TIFF")


def bmp() -> bytes:
    return encode(_image(), "BMP")


def ico() -> bytes:
    return encode(_image(size=(32, 32)), "ICO")


def eps() -> bytes:
    return encode(_image(), "EPS")


def pdf() -> bytes:
    return encode(_image(), "PDF")


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="64">'
    b'<script>alert(document.cookie)</script><rect width="64" height="64" fill="red"/></svg>'
)


def html_page() -> bytes:
    return b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def text_file() -> bytes:
    return b"Just some notes, certainly not a photo.\n" * 20


def truncated_jpeg() -> bytes:
    data = encode(_image(size=(400, 300)), "JPEG", quality=95)
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    data = encode(_image(size=(400, 300)), "PNG")
    return data[: len(data) // 2]


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body))
    )


def png_declaring(width: int, height: int, *, real_data: bool) -> bytes:
    """A greyscale PNG of ``width``×``height``. With ``real_data`` the pixel
    data is really there, zlib-compressed zeros (a decompression bomb: small
    on disk, huge in memory); without it only the header claims the size."""
    header = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
    compressor = zlib.compressobj(9)
    if real_data:
        row = b"\x00" * (width + 1)
        chunks = [compressor.compress(row) for _ in range(height)]
        data = b"".join(chunks) + compressor.flush()
    else:
        data = compressor.compress(b"\x00" * (width + 1)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + header
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A small JPEG whose frame header (SOF0) claims ``width``×``height``."""
    data = bytearray(jpeg())
    marker = data.index(b"\xff\xc0")
    struct.pack_into(">HH", data, marker + 5, height, width)
    return bytes(data)


def too_big() -> bytes:
    """A real JPEG followed by 11 MB of padding: over the 10 MB limit."""
    return jpeg() + b"\x00" * (11 * 1024 * 1024)


ACCEPTED = [
    # name, filename, bytes, stored extension
    ("jpeg", "photo.jpg", jpeg, "jpg"),
    ("png", "photo.png", png, "png"),
    ("webp", "photo.webp", webp, "webp"),
    ("png named .jpg", "photo.jpg", png, "png"),
    ("jpeg named .png", "photo.png", jpeg, "jpg"),
    ("jpeg with GPS in EXIF", "holiday.jpg", jpeg_with_gps, "jpg"),
    ("jpeg with GPS in XMP", "holiday.jpg", jpeg_with_xmp_gps, "jpg"),
    ("jpeg with a script in its comment", "photo.jpg", jpeg_with_script_comment, "jpg"),
    ("jpeg + zip polyglot", "photo.jpg", jpeg_with_zip_appended, "jpg"),
    ("jpeg + html polyglot", "photo.jpg", jpeg_with_html_appended, "jpg"),
    ("png with text, XMP and EXIF", "photo.png", png_with_text_and_exif, "png"),
    ("webp with GPS", "photo.webp", webp_with_gps, "webp"),
    ("cmyk jpeg", "print.jpg", cmyk_jpeg, "jpg"),
    ("16-bit png", "scan.png", png_16_bit, "png"),
    ("camera MPO jpeg", "camera.jpg", mpo_camera_photo, "jpg"),
    ("rotated jpeg", "portrait.jpg", rotated_jpeg, "jpg"),
]

REJECTED = [
    # name, filename, bytes
    ("gif", "anim.gif", gif),
    ("gif/js polyglot", "photo.jpg", gif_js_polyglot),
    ("tiff", "scan.tiff", tiff),
    ("bmp", "photo.bmp", bmp),
    ("ico", "favicon.png", ico),
    ("eps", "logo.eps", eps),
    ("eps named .jpg", "logo.jpg", eps),
    ("pdf", "catalogue.pdf", pdf),
    ("pdf named .png", "catalogue.png", pdf),
    ("svg with script named .png", "logo.png", lambda: SVG),
    ("svg with script named .jpg", "logo.jpg", lambda: SVG),
    ("html named .jpg", "photo.jpg", html_page),
    ("text named .jpg", "photo.jpg", text_file),
    ("empty file", "photo.jpg", lambda: b""),
    ("truncated jpeg", "photo.jpg", truncated_jpeg),
    ("truncated png", "photo.png", truncated_png),
    (
        "png bomb, 7000x7000 of real zeros",
        "bomb.png",
        lambda: png_declaring(7000, 7000, real_data=True),
    ),
    (
        "png declaring 30000x30000",
        "bomb.png",
        lambda: png_declaring(30000, 30000, real_data=False),
    ),
    (
        "png 65000x700 (too many pixels)",
        "wide.png",
        lambda: png_declaring(65000, 700, real_data=False),
    ),
    ("jpeg declaring 65500x65500", "huge.jpg", lambda: jpeg_declaring(65500, 65500)),
    ("11 MB file", "big.jpg", too_big),
]
