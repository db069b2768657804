#!/usr/bin/env python3
"""Regenerates every file in tests/fixtures/ (Occlude's committed test images).

Run from the repository root:

    python3 tools/make_fixtures.py

Needs: Python 3.9+, Pillow (with WebP, LittleCMS and libtiff support, as the PyPI wheels
have), and exiftool (Debian: libimage-exiftool-perl) on PATH. No network.

The output is deterministic: fixed pictures, fixed seeds, fixed dates written into the
metadata, and no timestamps taken from the clock (the ICC profile's creation date is
overwritten). Re-running it with the same Pillow/libjpeg/libwebp/exiftool versions gives the
same bytes; other versions may give slightly different, equally valid files.

The "seen" picture is 96 x 64 with four flat colour quadrants (red top-left, green top-right,
blue bottom-left, yellow bottom-right), so that any orientation mistake shows. Quadrant edges
sit on multiples of 16 so that JPEG blocks never straddle two colours. tests/redact.rs relies
on these colours (see QUADRANTS below) and on the regions named in the fixture README.
"""

import io
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

from PIL import Image, ImageCms, PngImagePlugin

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures")

W, H = 96, 64
RED, GREEN, BLUE, YELLOW = (220, 40, 40), (40, 200, 60), (40, 60, 220), (230, 210, 40)
QUADRANTS = [RED, GREEN, BLUE, YELLOW]  # TL, TR, BL, BR

FIXED_DATE = "2024:03:14 09:26:53"

written = []
OWN_PREFIXES = ("jpeg-", "png-", "webp-", "gif-", "bmp-", "tiff-", "orient-", "bomb-", "not-image", "empty")


def path(name):
    return os.path.join(OUT, name)


def put(name, data):
    with open(path(name), "wb") as f:
        f.write(data)
    written.append(name)


def save(name, img, **kw):
    buf = io.BytesIO()
    fmt = kw.pop("format")
    img.save(buf, format=fmt, **kw)
    put(name, buf.getvalue())
    return buf.getvalue()


def seen(w=W, h=H):
    """The picture as a person sees it: four flat quadrants."""
    img = Image.new("RGB", (w, h))
    px = img.load()
    for y in range(h):
        for x in range(w):
            q = (1 if x >= w // 2 else 0) + (2 if y >= h // 2 else 0)
            px[x, y] = QUADRANTS[q]
    return img


def secret(w=48, h=48, seed=7):
    """A different picture (noise) whose bytes are hidden in trailing-data fixtures."""
    rng = random.Random(seed)
    img = Image.new("RGB", (w, h))
    img.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(w * h)])
    return img


def photo(w=W, h=H, seed=11):
    """The quadrants with a gradient and seeded noise on top (does not compress to nothing)."""
    rng = random.Random(seed)
    img = seen(w, h)
    px = img.load()
    for y in range(h):
        for x in range(w):
            px[x, y] = tuple(max(0, min(255, c + (x + y) // 4 - 20 + rng.randrange(-12, 13))) for c in px[x, y])
    return img


def exiftool(args, src, dst):
    """Runs exiftool writing `dst` from `src` (never touching `src`)."""
    if os.path.exists(dst):
        os.remove(dst)
    subprocess.run(["exiftool", "-q", "-q", *args, "-o", dst, src], check=True)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_raw(w, h, depth, ctype, raw_rows):
    ihdr = struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + png_chunk(b"IDAT", zlib.compress(raw_rows, 9)) + png_chunk(b"IEND", b""))


def tiny_icc():
    """sRGB profile from LittleCMS with its clock-dependent creation date fixed."""
    prof = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    prof[24:36] = struct.pack(">6H", 2024, 3, 14, 9, 26, 53)
    prof[84:100] = bytes(16)  # profile ID (MD5) - zero means "not computed"
    return bytes(prof)


# Orientation n: stored image = inverse of the display transform applied to the seen image.
STORE_FOR_ORIENTATION = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,   # display rotates 90 CW, so store 90 CCW
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,  # display rotates 90 CCW, so store 90 CW
}


def stored_for(o, img):
    t = STORE_FOR_ORIENTATION[o]
    return img if t is None else img.transpose(t)


def main():
    if shutil.which("exiftool") is None:
        sys.exit("exiftool is required (apt-get install libimage-exiftool-perl)")
    os.makedirs(OUT, exist_ok=True)
    # Remove only this script's own earlier output (top-level files with its prefixes), so a
    # renamed fixture does not linger; sub-folders and other files belong to other generators.
    for f in os.listdir(OUT):
        if os.path.isfile(path(f)) and f.startswith(OWN_PREFIXES):
            os.remove(path(f))

    base = seen()
    tmp = tempfile.mkdtemp()

    # ---- formats -------------------------------------------------------------------------
    save("jpeg-baseline.jpg", base, format="JPEG", quality=90)
    save("jpeg-progressive.jpg", base, format="JPEG", quality=90, progressive=True)
    save("jpeg-gray.jpg", base.convert("L"), format="JPEG", quality=90)
    save("jpeg-cmyk.jpg", base.convert("CMYK"), format="JPEG", quality=90)

    save("png-rgb8.png", base, format="PNG")
    # Photo-like (gradient + seeded noise) files: larger entropy-coded data for the truncation test.
    save("jpeg-photo.jpg", photo(), format="JPEG", quality=85)
    save("jpeg-photo-progressive.jpg", photo(), format="JPEG", quality=85, progressive=True)
    save("png-photo.png", photo(), format="PNG")
    # 16-bit RGB: Pillow cannot write it, so write it by hand (sample = 8-bit value * 257).
    rows = bytearray()
    for y in range(H):
        rows.append(0)
        for x in range(W):
            for c in base.getpixel((x, y)):
                rows += struct.pack(">H", c * 257)
    put("png-rgb16.png", png_raw(W, H, 16, 2, bytes(rows)))
    save("png-palette.png", base.convert("P", palette=Image.Palette.ADAPTIVE, colors=4), format="PNG")

    # Palette + tRNS: index 4 is fully transparent but its palette colour is a "hidden" red,
    # index 5 is half transparent blue. The hidden area is x 8..24, y 40..56 (in the blue quadrant),
    # the half-transparent area x 56..72, y 8..24 (in the green quadrant).
    pal = base.convert("P", palette=Image.Palette.ADAPTIVE, colors=4)
    palette = pal.getpalette()[: 4 * 3] + [200, 10, 10, 0, 0, 255]
    pal.putpalette(palette)
    ppx = pal.load()
    for y in range(40, 56):
        for x in range(8, 24):
            ppx[x, y] = 4
    for y in range(8, 24):
        for x in range(56, 72):
            ppx[x, y] = 5
    save("png-palette-trns.png", pal, format="PNG", transparency=bytes([255, 255, 255, 255, 0, 128]))

    save("png-gray.png", base.convert("L"), format="PNG")
    la = base.convert("L").convert("LA")
    lpx = la.load()
    for y in range(40, 56):
        for x in range(8, 24):
            lpx[x, y] = (77, 0)  # hidden grey under alpha 0
    save("png-gray-alpha.png", la, format="PNG")

    # RGBA with a hidden colour under alpha 0 and a half-transparent overlay.
    rgba = base.convert("RGBA")
    rpx = rgba.load()
    for y in range(40, 56):
        for x in range(8, 24):
            rpx[x, y] = (200, 10, 10, 0)     # hidden red, fully transparent
    for y in range(8, 24):
        for x in range(56, 72):
            rpx[x, y] = (0, 0, 255, 128)     # half-transparent blue over "nothing"
    save("png-rgba-hidden.png", rgba, format="PNG")
    save("webp-rgba-hidden.webp", rgba, format="WEBP", lossless=True, exact=True)

    save("webp-lossy.webp", base, format="WEBP", quality=90, method=4)
    save("webp-lossless.webp", base, format="WEBP", lossless=True)

    frames = [base.convert("P", palette=Image.Palette.ADAPTIVE, colors=4)]
    for colour in [(255, 0, 255), (0, 255, 255)]:
        frames.append(Image.new("RGB", (W, H), colour).convert("P", palette=Image.Palette.ADAPTIVE, colors=2))
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:], duration=100, loop=0,
                   disposal=1, optimize=False)
    put("gif-animated.gif", buf.getvalue())
    save("gif-still.gif", base.convert("P", palette=Image.Palette.ADAPTIVE, colors=4), format="GIF")
    save("bmp-rgb.bmp", base, format="BMP")
    save("tiff-rgb.tiff", base, format="TIFF", compression="tiff_lzw")

    # ---- orientation ---------------------------------------------------------------------
    for o in range(1, 9):
        ex = Image.Exif()
        ex[0x0112] = o
        save(f"orient-{o}.jpg", stored_for(o, base), format="JPEG", quality=90, exif=ex.tobytes())
    ex = Image.Exif()
    ex[0x0112] = 6
    save("png-exif-orient-6.png", stored_for(6, base), format="PNG", exif=ex.tobytes())

    # ---- metadata leak vectors -------------------------------------------------------------
    # EXIF with camera, dates, a person's name, GPS, a MakerNote, then an IFD1 thumbnail.
    ex = Image.Exif()
    ex[0x010F] = "Occlude Test Camera Co."                  # Make
    ex[0x0110] = "LeakCam 3000"                             # Model
    ex[0x0132] = FIXED_DATE                                 # DateTime
    ex[0x013B] = "Dr Jane Example"                          # Artist
    ex[0x010E] = "Patient John Doe MRN 1234567"             # ImageDescription
    exif_ifd = ex.get_ifd(0x8769)
    exif_ifd[0x9003] = FIXED_DATE                           # DateTimeOriginal
    exif_ifd[0x9004] = FIXED_DATE                           # DateTimeDigitized
    exif_ifd[0x927C] = b"OCCLUDE-MAKERNOTE serial=SN-0042 owner=Dr Jane Example\x00"
    exif_ifd[0xA431] = "SN-0042"                            # BodySerialNumber
    gps = ex.get_ifd(0x8825)
    gps[0] = b"\x02\x02\x00\x00"                            # GPSVersionID
    gps[1] = "N"
    gps[2] = (51.0, 30.0, 26.0)
    gps[3] = "W"
    gps[4] = (0.0, 7.0, 39.0)
    tmp_exif = os.path.join(tmp, "exif.jpg")
    base.save(tmp_exif, format="JPEG", quality=90, exif=ex.tobytes())
    thumb = os.path.join(tmp, "thumb.jpg")
    base.resize((24, 16)).save(thumb, format="JPEG", quality=75)
    exiftool([f"-ThumbnailImage<={thumb}"], tmp_exif, path("jpeg-exif-full.jpg"))
    written.append("jpeg-exif-full.jpg")

    plain = os.path.join(tmp, "plain.jpg")
    base.save(plain, format="JPEG", quality=90)
    exiftool(["-XMP-dc:Creator=Dr Jane Example", "-XMP-dc:Description=Patient John Doe MRN 1234567",
              f"-XMP-xmp:CreateDate={FIXED_DATE}", "-XMP-exif:GPSLatitude=51.507",
              "-XMP-exif:GPSLongitude=-0.1275"], plain, path("jpeg-xmp.jpg"))
    written.append("jpeg-xmp.jpg")
    exiftool(["-IPTC:By-line=Dr Jane Example", "-IPTC:Caption-Abstract=Patient John Doe MRN 1234567",
              "-IPTC:Keywords=wound", "-IPTC:City=London", "-IPTC:DateCreated=2024:03:14"],
             plain, path("jpeg-iptc.jpg"))
    written.append("jpeg-iptc.jpg")

    icc = tiny_icc()
    save("jpeg-icc.jpg", base, format="JPEG", quality=90, icc_profile=icc)
    save("jpeg-comment.jpg", base, format="JPEG", quality=90, comment=b"Patient John Doe MRN 1234567")
    save("png-icc.png", base, format="PNG", icc_profile=icc)

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Dr Jane Example")
    info.add_text("Comment", "Patient John Doe MRN 1234567", zip=True)                 # zTXt
    info.add_itxt("Description", "Patient John Doe, wound on left arm", lang="en",
                  tkey="Description", zip=True)                                    # compressed iTXt
    info.add_itxt("Title", "Ward 7 photo", lang="en", tkey="Title", zip=False)     # plain iTXt
    info.add(b"tIME", struct.pack(">HBBBBB", 2024, 3, 14, 9, 26, 53))
    info.add(b"tEXt", b"Patient\x00John Doe (after IDAT)", after_idat=True)
    ex = Image.Exif()
    ex[0x010F] = "Occlude Test Camera Co."
    ex[0x0132] = FIXED_DATE
    save("png-text-chunks.png", base, format="PNG", pnginfo=info, exif=ex.tobytes())

    # aCropalypse: the tail of another picture's file left after IEND / EOI (~2 KB).
    hidden_png = io.BytesIO()
    secret().save(hidden_png, format="PNG")
    hidden_jpg = io.BytesIO()
    secret().save(hidden_jpg, format="JPEG", quality=90)
    b = io.BytesIO()
    base.save(b, format="PNG")
    put("png-trailing.png", b.getvalue() + hidden_png.getvalue()[-2048:])
    b = io.BytesIO()
    base.save(b, format="JPEG", quality=90)
    put("jpeg-trailing.jpg", b.getvalue() + hidden_jpg.getvalue()[-2048:])

    # ---- not images ---------------------------------------------------------------------
    put("not-image-text.jpg", b"Patient: John Doe\nMRN: 1234567\nThis is a text file named .jpg.\n")
    put("not-image.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    rng = random.Random(1234)
    put("not-image-random.bin", bytes([0x00, 0x9F, 0x13, 0x80]) + bytes(rng.randrange(256) for _ in range(508)))
    put("empty.jpg", b"")

    # ---- decompression-bomb headers -----------------------------------------------------
    # PNG: IHDR claims 100000 x 100000 RGB (valid CRC), one tiny IDAT.
    put("bomb-png-100000.png", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 100000, 100000, 8, 2, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096, 9)) + png_chunk(b"IEND", b""))
    # PNG within the side limit but far over the pixel limit (20000 x 20000 = 400 MP).
    put("bomb-png-20000.png", b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 6, 0, 0, 0))
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096, 9)) + png_chunk(b"IEND", b""))
    # PNG of normal size whose iCCP profile inflates to 32 MiB (a zlib bomb in metadata that a
    # decoder reads before the pixels). ~33 KB.
    rows = b"".join(b"\x00" + bytes(base.tobytes()[y * W * 3:(y + 1) * W * 3]) for y in range(H))
    put("bomb-png-iccp-32mib.png", b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
        + png_chunk(b"iCCP", b"bomb\x00\x00" + zlib.compress(bytes(32 << 20), 9))
        + png_chunk(b"IDAT", zlib.compress(rows, 9)) + png_chunk(b"IEND", b""))
    # GIF: logical screen and first frame claim 65535 x 65535.
    gif = (b"GIF89a" + struct.pack("<HHBBB", 65535, 65535, 0x80, 0, 0) + bytes([0, 0, 0, 255, 255, 255])
           + b"\x2c" + struct.pack("<HHHHB", 0, 0, 65535, 65535, 0) + b"\x02" + b"\x02\x4c\x01" + b"\x00" + b"\x3b")
    put("bomb-gif-65535.gif", gif)
    # BMP: BITMAPINFOHEADER claims 100000 x 100000 at 24 bits.
    pixels = bytes(64)
    bmp = (b"BM" + struct.pack("<IHHI", 14 + 40 + len(pixels), 0, 0, 54)
           + struct.pack("<IiiHHIIiiII", 40, 100000, 100000, 1, 24, 0, 0, 2835, 2835, 0, 0) + pixels)
    put("bomb-bmp-100000.bmp", bmp)
    # Under the BMP decoder's own 65535 soft limit, over Occlude's 20000-a-side limit.
    bmp = (b"BM" + struct.pack("<IHHI", 14 + 40 + len(pixels), 0, 0, 54)
           + struct.pack("<IiiHHIIiiII", 40, 30000, 30000, 1, 24, 0, 0, 2835, 2835, 0, 0) + pixels)
    put("bomb-bmp-30000.bmp", bmp)
    # TIFF: one IFD claiming 100000 x 100000 RGB, one strip of 64 bytes.
    entries = [
        (256, 4, 1, 100000),   # ImageWidth LONG
        (257, 4, 1, 100000),   # ImageLength LONG
        (258, 3, 1, 8),        # BitsPerSample (one value: fine for the decoder to reject or accept)
        (259, 3, 1, 1),        # Compression none
        (262, 3, 1, 2),        # Photometric RGB
        (273, 4, 1, 0),        # StripOffsets (patched below)
        (277, 3, 1, 3),        # SamplesPerPixel
        (278, 4, 1, 100000),   # RowsPerStrip
        (279, 4, 1, 64),       # StripByteCounts
    ]
    ifd_off = 8
    data_off = ifd_off + 2 + 12 * len(entries) + 4
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        if tag == 273:
            value = data_off
        if typ == 3:
            ifd += struct.pack("<HHIHH", tag, typ, count, value, 0)
        else:
            ifd += struct.pack("<HHII", tag, typ, count, value)
    ifd += struct.pack("<I", 0)
    put("bomb-tiff-100000.tiff", b"II*\x00" + struct.pack("<I", ifd_off) + ifd + bytes(64))

    # WebP: VP8X canvas at the format maximum (16383 x 16383) with a tiny VP8L chunk.
    def vp8l(w, h, payload=b"\x00" * 16):
        hdr = b"\x2f" + struct.pack("<I", (w - 1) | ((h - 1) << 14))
        return b"VP8L" + struct.pack("<I", len(hdr) + len(payload)) + hdr + payload

    def vp8x(cw, ch, image_chunk):
        x = struct.pack("<B3x", 0) + struct.pack("<I", cw - 1)[:3] + struct.pack("<I", ch - 1)[:3]
        body = b"WEBP" + b"VP8X" + struct.pack("<I", len(x)) + x + image_chunk
        return b"RIFF" + struct.pack("<I", len(body)) + body

    put("bomb-webp-vp8x-16383.webp", vp8x(16383, 16383, vp8l(16383, 16383)))
    # Exactly at the pixel limit (8000 x 8000 = 64 MP): passes the size check, then must fail
    # to decode its garbage data without hanging.
    put("bomb-webp-vp8x-8000.webp", vp8x(8000, 8000, vp8l(8000, 8000)))
    # VP8L's 14-bit fields hold at most 16384, but image-webp 0.2.4 reads 16384 as 0 (it masks
    # after adding one), so claim 16383 x 16383: 268 MP.
    body = b"WEBP" + vp8l(16383, 16383)
    put("bomb-webp-vp8l-16383.webp", b"RIFF" + struct.pack("<I", len(body)) + body)
    # JPEG: a real tiny JPEG whose SOF0 is patched to claim 65500 x 65500.
    b = io.BytesIO()
    Image.new("RGB", (8, 8), (128, 64, 32)).save(b, format="JPEG", quality=50)
    jpg = bytearray(b.getvalue())
    sof = jpg.find(b"\xff\xc0")
    jpg[sof + 5:sof + 9] = struct.pack(">HH", 65500, 65500)
    put("bomb-jpeg-65500.jpg", bytes(jpg))

    shutil.rmtree(tmp)

    # ---- self-checks -----------------------------------------------------------------------
    from PIL import ImageOps
    for o in range(1, 9):
        im = Image.open(path(f"orient-{o}.jpg"))
        assert im.getexif().get(0x0112) == o, o
        shown = ImageOps.exif_transpose(im)
        assert shown.size == (W, H), (o, shown.size)
        for (x, y), q in zip([(10, 10), (86, 10), (10, 54), (86, 54)], QUADRANTS):
            got = shown.convert("RGB").getpixel((x, y))
            assert all(abs(a - b) < 12 for a, b in zip(got, q)), (o, (x, y), got, q)
    im = Image.open(path("png-rgba-hidden.png"))
    assert im.getpixel((10, 42)) == (200, 10, 10, 0)
    total = sum(os.path.getsize(path(f)) for f in written)
    for f in sorted(written):
        print(f"{os.path.getsize(path(f)):8d}  {f}")
    print(f"{total:8d}  total ({len(written)} files)")


if __name__ == "__main__":
    main()
