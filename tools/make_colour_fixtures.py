#!/usr/bin/env python3
"""Writes the colour fixtures in tests/fixtures/colour/: ICC profiles written here byte by byte
with struct (nothing copied from any vendor's profile; they carry text, device fields and
dates the way cameras' and phones' do, which Occlude must not carry over), and fundus-like
pictures tagged with them.

    python3 tools/make_colour_fixtures.py

Needs Pillow and numpy (tools/requirements.txt). Deterministic: fixed seeds, fixed dates.

The scene is drawn in linear Display P3 light (an orange-red retina with a yellow disc, dark
red vessels, a darker fovea, black surround, and a white label with a made-up patient's name
top-left), blurred like a fundus camera's optics and given a little sensor noise, then encoded
into each space, so every fixture shows the same colours as far as its space's gamut allows.
boxes.json gives the boxes (as seen) the tests burn, and the patient's text. Used by
tests/colour.rs (which checks the outputs with tools/colour_check.py), tests/attack_suite.rs,
tests/wasm.rs and tests/e2e/colour.test.mjs.
"""

import io
import json
import os
import struct
import sys
import zlib

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, os.path.dirname(__file__))
import colour_ref as ref  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "colour")
PATIENT = "JANE Q DOE 1961-02-03 NHS 943 476 5919"

# ---------------------------------------------------------------- ICC writer


def s15(v):
    return struct.pack(">i", int(round(v * 65536)))


def xyz_tag(v):
    return b"XYZ \0\0\0\0" + b"".join(s15(c) for c in v)


def sf32(values):
    return b"sf32\0\0\0\0" + b"".join(s15(c) for c in values)


def curv_gamma(g):
    return b"curv\0\0\0\0" + struct.pack(">IH", 1, int(round(g * 256)))


def curv_table(fn, n):
    xs = np.linspace(0, 1, n)
    return b"curv\0\0\0\0" + struct.pack(">I", n) + b"".join(struct.pack(">H", int(round(fn(x) * 65535))) for x in xs)


def para(kind, *p):
    return b"para\0\0\0\0" + struct.pack(">HH", kind, 0) + b"".join(s15(v) for v in p)


SRGB_PARA = (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045)


def mluc(text):
    u = text.encode("utf-16-be")
    return b"mluc\0\0\0\0" + struct.pack(">II", 1, 12) + b"enUS" + struct.pack(">II", len(u), 28) + u


def desc_v2(text):
    a = text.encode("latin-1") + b"\0"
    return b"desc\0\0\0\0" + struct.pack(">I", len(a)) + a + struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + bytes(67)


def text_v2(text):
    return b"text\0\0\0\0" + text.encode("latin-1") + b"\0"


def profile(version, space, tags, date=(2019, 6, 1, 12, 0, 0), cmm=b"fxtr", creator=b"fxtr", device=b"FXTR"):
    """ICC bytes: header + tag table + data; identical tag data is stored once."""
    n = len(tags)
    table_end = 132 + 12 * n
    data, entries, stored = b"", [], {}
    for sig, body in tags:
        if body not in stored:
            stored[body] = table_end + len(data)
            data += body + bytes((-len(body)) % 4)
        entries.append((sig, stored[body], len(body)))
    size = table_end + len(data)
    major, minor = version
    hdr = struct.pack(">I4sBBH4s4s4s6H4s4sI4s4sQI", size, cmm, major, minor << 4, 0, b"mntr", space, b"XYZ ",
                      *date, b"acsp", b"APPL", 0, device, b"MDL1", 0, 0)
    hdr += s15(0.9642) + s15(1.0) + s15(0.8249) + creator + bytes(16) + bytes(28)
    assert len(hdr) == 128, len(hdr)
    table = struct.pack(">I", n) + b"".join(sig + struct.pack(">II", off, ln) for sig, off, ln in entries)
    return hdr + table + data


def colorant_tags(name=None, primaries=None):
    if primaries is None:
        prim, white, _ = ref.SPACES[name]
    else:
        prim, white = primaries, ref.D65_XY
    m = ref.rgb_to_d50(prim, white)
    return [(b"rXYZ", xyz_tag(m[:, 0])), (b"gXYZ", xyz_tag(m[:, 1])), (b"bXYZ", xyz_tag(m[:, 2]))]


def chad_d65():
    return (b"chad", sf32(ref.bradford(ref.xyz(ref.D65_XY), ref.D50).flatten()))


def p3_profile(desc="Display P3", extra=(), primaries=None):
    """v4, like a phone's: para curves shared by the three channels, chad, mluc texts."""
    cols = colorant_tags("Display P3", primaries)
    trc = para(3, *SRGB_PARA)
    tags = [(b"desc", mluc(desc)), (b"cprt", mluc("Fixture profile written by make_colour_fixtures.py")),
            (b"wtpt", xyz_tag(ref.D50)), chad_d65(), *cols, (b"rTRC", trc), (b"gTRC", trc), (b"bTRC", trc), *extra]
    return profile((4, 0), b"RGB ", tags)


def p3_gamma22_profile():
    """Display P3's primaries with a pure 2.2 power curve: what a PNG's gAMA 1/2.2 + P3 cHRM
    says (no chunk can state P3's own curve). Only for the checker, which cannot read chunks."""
    trc = curv_gamma(2.2)
    tags = [(b"desc", mluc("P3 gamma 2.2")), (b"cprt", mluc("Fixture")), (b"wtpt", xyz_tag(ref.D50)), chad_d65(),
            *colorant_tags("Display P3"), (b"rTRC", trc), (b"gTRC", trc), (b"bTRC", trc)]
    return profile((4, 0), b"RGB ", tags)


def adobe_profile():
    """v2, like a camera's or Photoshop's: curv gamma 2.2 (563/256), D65 wtpt, text tags."""
    trc = curv_gamma(563 / 256)
    tags = [(b"cprt", text_v2("Fixture profile written by make_colour_fixtures.py")),
            (b"desc", desc_v2("Adobe RGB (1998)")), (b"wtpt", xyz_tag(ref.xyz(ref.D65_XY) * 0.9999)),
            *colorant_tags("Adobe RGB (1998)"), (b"rTRC", trc), (b"gTRC", trc), (b"bTRC", trc)]
    return profile((2, 1), b"RGB ", tags)


def srgb_table_profile():
    """v2 sRGB with 1024-point curves, as many older tools write it."""
    trc = curv_table(lambda x: float(ref.decode(np.array(x), "srgb")), 1024)
    tags = [(b"desc", desc_v2("sRGB IEC61966-2.1")), (b"cprt", text_v2("Fixture")),
            (b"wtpt", xyz_tag(ref.D50)), *colorant_tags("sRGB"), (b"rTRC", trc), (b"gTRC", trc), (b"bTRC", trc)]
    return profile((2, 1), b"RGB ", tags)


def grey22_profile():
    tags = [(b"desc", desc_v2("Gray Gamma 2.2")), (b"cprt", text_v2("Fixture")), (b"wtpt", xyz_tag(ref.D50)),
            (b"kTRC", curv_gamma(563 / 256))]
    return profile((2, 1), b"GRAY", tags)


def hostile_profiles(p3):
    """Profiles that try to smuggle text, and broken ones."""
    long_desc = ("Patient " + PATIENT + ". ") * 200  # ~19 KB of UTF-16
    dmdd = desc_v2(f"Fundus camera of {PATIENT}, serial 88231")
    private = text_v2(f"PRIVATE {PATIENT} referral letter")
    out = {
        "longdesc": p3_profile(desc=long_desc),
        "dmdd": p3_profile(extra=[(b"dmnd", desc_v2("Clinic of Dr Smith")), (b"dmdd", dmdd)]),
        "private": p3_profile(extra=[(b"Jdoe", private)]),
        # Named Display P3, but a measured display's primaries: not P3 by its colours.
        "fake-p3": p3_profile(primaries=((0.650, 0.330), (0.280, 0.650), (0.150, 0.065))),
        # Declares its full size but is cut short.
        "truncated": p3[:300],
    }
    lying = bytearray(p3)  # rXYZ's offset points past the end
    n = struct.unpack(">I", p3[128:132])[0]
    for i in range(n):
        e = 132 + 12 * i
        if p3[e:e + 4] == b"rXYZ":
            lying[e + 4:e + 8] = struct.pack(">I", len(p3) + 64)
    out["lying-table"] = bytes(lying)
    huge = bytearray(p3)
    huge[128:132] = struct.pack(">I", 0x0FFFFFFF)
    out["huge-count"] = bytes(huge)
    return out

# ---------------------------------------------------------------- pictures


def scene(w, h, seed=5, blur_passes=1):
    """Linear Display P3 light of the fundus-like scene, float (h, w, 3). Each blur pass is the
    5-tap binomial kernel (sigma 1 px) over rows and columns: 1 for a thumbnail-sized picture
    (vessels a few pixels wide with crisp edges: the hard case for 4:2:0 JPEG), more for a
    picture at a camera's own resolution, where the optics spread every edge over pixels."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    cx, cy, r = w * 0.5, h * 0.52, min(w, h) * 0.46
    d = np.hypot(x - cx, y - cy) / r
    enc = np.zeros((h, w, 3))
    # Retina: orange-red, brighter towards the centre, mottled.
    base = np.array([0.80, 0.32, 0.13])
    shade = np.clip(1.05 - 0.45 * d ** 2, 0, 1)[..., None]
    coarse = Image.fromarray((128 + 40 * rng.standard_normal((h // 8 + 1, w // 8 + 1))).clip(0, 255).astype(np.uint8))
    mottle = 1 + 0.06 * (np.asarray(coarse.resize((w, h), Image.Resampling.BICUBIC), dtype=np.float64)[..., None] - 128) / 40
    enc[:] = base * shade * mottle
    # Fovea: darker, slightly more saturated red.
    fd = np.hypot(x - cx * 0.86, y - cy) / (r * 0.16)
    enc *= (1 - 0.35 * np.exp(-fd ** 2))[..., None]
    # Disc: yellow-orange, bright.
    dd = np.hypot(x - cx * 1.38, y - cy * 0.96) / (r * 0.17)
    disc = np.exp(-dd ** 4)[..., None]
    enc = enc * (1 - disc) + np.array([0.97, 0.72, 0.38]) * disc
    # Vessels: dark red curves leaving the disc (each dot drawn in its own small window).
    scale = min(w, h) / 608
    for k in range(7):
        a = -1.2 + k * 0.42
        t = np.linspace(0, 1, 900)
        px = cx * 1.38 - np.cos(a) * t * r * 1.3 + 18 * scale * np.sin(t * 9 + k)
        py = cy * 0.96 + np.sin(a) * t * r * 1.1
        width = (3.5 - 2 * t) * max(scale, 0.5)
        for xx, yy, ww in zip(px[::3], py[::3], width[::3]):
            x0, x1 = max(int(xx - ww) - 1, 0), min(int(xx + ww) + 2, w)
            y0, y1 = max(int(yy - ww) - 1, 0), min(int(yy + ww) + 2, h)
            if x0 >= x1 or y0 >= y1:
                continue
            m = (x[y0:y1, x0:x1] - xx) ** 2 + (y[y0:y1, x0:x1] - yy) ** 2 < ww ** 2
            enc[y0:y1, x0:x1][m] = [0.50, 0.10, 0.06]
    # The optics' blur, then sensor noise.
    k = np.array([1, 4, 6, 4, 1]) / 16.0
    for _ in range(blur_passes):
        for axis in (0, 1):
            enc = sum(wk * np.roll(enc, i - 2, axis=axis) for i, wk in enumerate(k))
    enc += rng.normal(0, 0.006, enc.shape)
    enc = np.clip(enc, 0, 1)
    enc[d > 1] = 0.02  # black surround
    return ref.decode(enc, "srgb")  # encoded P3 -> linear P3


def encode(lin_p3, space):
    """8-bit pixels of linear P3 light in a named space (clipped to its gamut)."""
    _, _, curve = ref.SPACES[space]
    lin = lin_p3 if space == "Display P3" else ref.convert(lin_p3, "Display P3", space)
    lin = np.clip(lin, 0, 1)
    v = ref.encode_srgb(lin) if curve == "srgb" else lin ** (1 / curve)
    return Image.fromarray((v * 255 + 0.5).astype(np.uint8), "RGB")


def label(img, box, size):
    """The white label with the patient's name (burned later by the boxes)."""
    d = ImageDraw.Draw(img)
    x, y, w, h = box
    d.rectangle([x, y, x + w - 1, y + h - 1], fill=(250, 250, 250))
    d.text((x + 4, y + (h - size) // 2), PATIENT, fill=(10, 10, 10), font=ImageFont.load_default(size=size))
    return img

# ---------------------------------------------------------------- files


def jpeg_bytes(img, icc=None, quality=88, progressive=False, orientation=1, icc_segments=None):
    kw = dict(format="JPEG", quality=quality, progressive=progressive, optimize=True)
    if orientation != 1:
        ex = Image.Exif()
        ex[0x0112] = orientation
        kw["exif"] = ex.tobytes()
    if icc is not None and icc_segments is None:
        kw["icc_profile"] = icc
    buf = io.BytesIO()
    img.save(buf, **kw)
    b = buf.getvalue()
    if icc_segments:
        # Split the profile over `icc_segments` APP2 segments by hand, right after SOI + APP0.
        size = -(-len(icc) // icc_segments)
        parts = [b"ICC_PROFILE\0" + bytes([i + 1, icc_segments]) + icc[i * size:(i + 1) * size]
                 for i in range(icc_segments)]
        b = app2_raw(b, parts)
    return b


def app2_raw(b, segments):
    """A JPEG with the given raw APP2 payloads inserted after SOI + APP0 (for broken sets)."""
    app0_end = 4 + struct.unpack(">H", b[4:6])[0] if b[2:4] == b"\xff\xe0" else 2
    segs = b"".join(b"\xff\xe2" + struct.pack(">H", len(p) + 2) + p for p in segments)
    return b[:app0_end] + segs + b[app0_end:]


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bytes(img, chunks=()):
    """Pillow's PNG (no metadata) with extra chunks right after IHDR."""
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=9)
    b = buf.getvalue()
    extra = b"".join(png_chunk(k, d) for k, d in chunks)
    return b[:33] + extra + b[33:]


def iccp(icc, name=b"fixture profile"):
    return (b"iCCP", name + b"\0\0" + zlib.compress(icc, 9))


def main():
    os.makedirs(os.path.join(OUT, "profiles"), exist_ok=True)
    written = {}

    def put(name, data):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)
        written[name] = len(data)

    p3, adobe, srgb, grey = p3_profile(), adobe_profile(), srgb_table_profile(), grey22_profile()
    hostile = hostile_profiles(p3)
    # The profiles the checker shows inputs through where LittleCMS cannot read their tags.
    put("profiles/display-p3-v4.icc", p3)
    put("profiles/adobe-rgb-v2.icc", adobe)
    put("profiles/p3-gamma22-v4.icc", p3_gamma22_profile())

    # JPEGs: 384 × 288 as seen, multiples of 16, so orientation 6 turns losslessly.
    W, H = 384, 288
    lin = scene(W, H)
    label_box = (8, 8, 280, 20)
    boxes = {"label": label_box, "inner": (256, 208, 80, 40)}
    seen = {s: label(encode(lin, s), label_box, 11) for s in ("Display P3", "Adobe RGB (1998)", "sRGB")}
    rot = Image.Transpose.ROTATE_90  # orientation 6 displays it turned 90° clockwise
    P3, AD, SR = seen["Display P3"], seen["Adobe RGB (1998)"], seen["sRGB"]
    put("jpeg-p3.jpg", jpeg_bytes(P3, p3))
    put("jpeg-p3-orient6.jpg", jpeg_bytes(P3.transpose(rot), p3, orientation=6))
    put("jpeg-p3-progressive.jpg", jpeg_bytes(P3, p3, progressive=True))
    # Adobe RGB split over three APP2 segments (a v2 profile with a curv gamma).
    put("jpeg-adobe.jpg", jpeg_bytes(AD, adobe, icc_segments=3))
    put("jpeg-adobe-orient6.jpg", jpeg_bytes(AD.transpose(rot), adobe, orientation=6))
    put("jpeg-adobe-progressive.jpg", jpeg_bytes(AD, adobe, progressive=True))
    put("jpeg-srgb.jpg", jpeg_bytes(SR, srgb))
    put("jpeg-untagged.jpg", jpeg_bytes(SR))
    # Grey (a red-free fundus): the green channel of the sRGB picture, Gray Gamma 2.2.
    put("jpeg-grey22.jpg", jpeg_bytes(SR.getchannel("G"), grey))
    # An orientation that does not turn losslessly (seen width 376, not a multiple of the
    # 16-px MCU that orientation 6 flips): the JPEG pixel path.
    lin_s = scene(376, 280)
    P3s = label(encode(lin_s, "Display P3"), label_box, 11)
    put("jpeg-p3-orient6-inexact.jpg", jpeg_bytes(P3s.transpose(rot), p3, orientation=6))
    # The same scene in sRGB, untagged: what a JPEG re-encode costs an sRGB input of it.
    SRs = label(encode(lin_s, "sRGB"), label_box, 11)
    put("jpeg-srgb-orient6-inexact.jpg", jpeg_bytes(SRs.transpose(rot), orientation=6))

    # PNGs at half size (2×2 averages in linear light, as a resized export would be): a noisy
    # photo does not compress, and the checks need no more.
    pw, ph = W // 2, H // 2
    lin_small = lin.reshape(ph, 2, pw, 2, 3).mean(axis=(1, 3))
    pbox = (4, 4, 150, 12)
    boxes_png = {"label": pbox, "inner": (112, 88, 56, 40)}
    P3p, ADp, SRp = (label(encode(lin_small, s), pbox, 6) for s in ("Display P3", "Adobe RGB (1998)", "sRGB"))
    put("png-p3-iccp.png", png_bytes(P3p, [iccp(p3)]))
    put("png-adobe-iccp.png", png_bytes(ADp, [iccp(adobe)]))
    # gAMA + cHRM, no profile: Adobe RGB's chromaticities and 1/2.2 (563/256).
    chrm = struct.pack(">8I", *(int(round(v * 100000)) for v in (0.3127, 0.3290, 0.64, 0.33, 0.21, 0.71, 0.15, 0.06)))
    put("png-gama-chrm.png", png_bytes(ADp, [(b"gAMA", struct.pack(">I", int(round(100000 * 256 / 563)))), (b"cHRM", chrm)]))
    # gAMA + cHRM for Display P3: its chromaticities, and 1/2.2 (a chunk cannot say P3's
    # piecewise curve; writers put the nearest power), the pixels encoded with that power.
    chrm_p3 = struct.pack(">8I", *(int(round(v * 100000)) for v in (0.3127, 0.3290, 0.680, 0.320, 0.265, 0.690, 0.150, 0.060)))
    P3g = label(Image.fromarray((np.clip(lin_small, 0, 1) ** (1 / 2.2) * 255 + 0.5).astype(np.uint8), "RGB"), pbox, 6)
    put("png-p3-gama-chrm.png", png_bytes(P3g, [(b"gAMA", struct.pack(">I", 45455)), (b"cHRM", chrm_p3)]))
    # cICP, no profile: Display P3 primaries (12) with the sRGB transfer (13), full range. No
    # matrix-and-curves profile says this, so it takes the full module's CMS.
    put("png-cicp-p3.png", png_bytes(P3p, [(b"cICP", bytes([12, 13, 0, 1]))]))
    put("png-srgb.png", png_bytes(SRp, [(b"sRGB", b"\0")]))
    # At a camera's own resolution: a crop around the disc of the same fundus drawn 1536 × 1152
    # with the optics' blur to scale (16 passes, sigma 4 px), where vessels are ~12 px wide
    # and every edge is spread over pixels. The thumbnail-sized fixtures above are the hard
    # case for JPEG's halved colour resolution; these are what a fundus camera writes.
    big = scene(1536, 1152, seed=6, blur_passes=16)
    crop_png = big[500:644, 900:1092]
    put("png-p3-iccp-fullres.png", png_bytes(label(encode(crop_png, "Display P3"), pbox, 6), [iccp(p3)]))
    put("png-srgb-fullres.png", png_bytes(label(encode(crop_png, "sRGB"), pbox, 6)))
    crop_jpeg = big[430:710, 800:1176]
    P3f = label(encode(crop_jpeg, "Display P3"), label_box, 11)
    put("jpeg-p3-fullres-orient6-inexact.jpg", jpeg_bytes(P3f.transpose(rot), p3, orientation=6))
    put("png-untagged.png", png_bytes(SRp))

    # Hostile profiles on a small picture.
    small = P3.resize((160, 120), Image.Resampling.BILINEAR)
    label(small, (4, 4, 150, 20), 8)
    for k, icc in hostile.items():
        put(f"jpeg-hostile-{k}.jpg", jpeg_bytes(small, icc))
    put("png-hostile-private.png", png_bytes(small.resize((80, 60)), [iccp(hostile["private"], name=PATIENT.encode()[:79])]))
    plain = jpeg_bytes(small)
    half = len(p3) // 2
    put("jpeg-hostile-missing-segment.jpg", app2_raw(plain, [b"ICC_PROFILE\0\x01\x02" + p3[:half]]))
    put("jpeg-hostile-duplicate-segment.jpg", app2_raw(plain, [b"ICC_PROFILE\0\x01\x02" + p3[:half],
                                                               b"ICC_PROFILE\0\x01\x02" + p3[half:]]))
    with open(os.path.join(OUT, "boxes.json"), "w") as f:
        json.dump({"boxes": boxes, "png_boxes": boxes_png, "small_boxes": {"label": [4, 4, 150, 20]},
                   "patient": PATIENT}, f, indent=1)
        f.write("\n")
    total = sum(written.values())
    print(f"{len(written)} files, {total // 1024} KB")
    for k, v in sorted(written.items()):
        print(f"  {k:45} {v:8}")


if __name__ == "__main__":
    main()
