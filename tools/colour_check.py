#!/usr/bin/env python3
"""What a colour-managed viewer shows, measured with an independent CMS: LittleCMS, the copy
Pillow's wheel ships (the one ImageCms uses), called through ctypes so colours come out as
float CIELAB (ImageCms's 8-bit LAB mode rounds by ~0.6 dE on its own). Run by tests/colour.rs.

    python3 tools/colour_check.py cases.json     # prints one JSON result per case, in order
    python3 tools/colour_check.py --canonical     # Occlude's canonical profiles vs the spaces

A case is {"input", "output", "boxes": [[x, y, w, h]...], "margin", "fill": "rrggbb" or null,
"input_profile": path or null}. Each file is read as seen (EXIF orientation applied) through
its own profile (JPEG APP2 / PNG iCCP as Pillow reassembles them; none, or one LittleCMS
refuses: sRGB, as browsers do); "input_profile" replaces the input's (LittleCMS reads no PNG
gAMA/cHRM or cICP). The result: mean, p95 and max dE76 over the pixels outside the boxes grown
by "margin", and with "fill", how far the pixels inside the boxes shrunk by "margin" are from
the fill as seen (sRGB): box_mean, box_max.

--canonical: LittleCMS must open each canonical profile (parsed from src/colour/
canonical_data.rs), read its name and an empty copyright, and show every colour of a 17^3 grid
and the grey ramp within dE76 0.05 of the space's published definition (tools/colour_ref.py).
"""

import ctypes
import ctypes.util
import glob
import io
import json
import os
import re
import sys

import numpy as np
import PIL
from PIL import Image, ImageCms, ImageOps

sys.path.insert(0, os.path.dirname(__file__))
import colour_ref as ref  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load():
    here = os.path.dirname(os.path.dirname(PIL.__file__))
    found = sorted(glob.glob(os.path.join(here, "pillow.libs", "liblcms2*.so*")))
    name = found[0] if found else ctypes.util.find_library("lcms2")
    if not name:
        raise SystemExit("liblcms2 not found (Pillow's wheel ships it in pillow.libs/)")
    lib = ctypes.CDLL(name)
    vp = ctypes.c_void_p
    lib.cmsOpenProfileFromMem.restype = vp
    lib.cmsOpenProfileFromMem.argtypes = [ctypes.c_char_p, ctypes.c_uint32]
    lib.cmsCreate_sRGBProfile.restype = vp
    lib.cmsCreateLab4Profile.restype = vp
    lib.cmsCreateLab4Profile.argtypes = [vp]
    lib.cmsCreateTransform.restype = vp
    lib.cmsCreateTransform.argtypes = [vp, ctypes.c_uint32, vp, ctypes.c_uint32, ctypes.c_uint32, ctypes.c_uint32]
    lib.cmsDoTransform.argtypes = [vp, vp, vp, ctypes.c_uint32]
    lib.cmsDeleteTransform.argtypes = [vp]
    lib.cmsCloseProfile.argtypes = [vp]
    lib.cmsGetColorSpace.argtypes = [vp]
    lib.cmsGetColorSpace.restype = ctypes.c_uint32
    lib.cmsGetProfileInfoASCII.argtypes = [vp, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint32]
    lib.cmsGetProfileInfoASCII.restype = ctypes.c_uint32
    return lib


LIB = _load()
TYPE_RGB_8 = (4 << 16) | (3 << 3) | 1
TYPE_GRAY_8 = (3 << 16) | (1 << 3) | 1
TYPE_Lab_DBL = (1 << 22) | (10 << 16) | (3 << 3)
INTENT_RELATIVE = 1
FLAGS_NOCACHE, FLAGS_NOOPTIMIZE = 0x40, 0x100
SIG_GRAY = 0x47524159


def open_profile(icc):
    """A LittleCMS profile handle for ICC bytes (None: built-in sRGB). Raises if refused."""
    if icc is None:
        return LIB.cmsCreate_sRGBProfile()
    h = LIB.cmsOpenProfileFromMem(icc, len(icc))
    if not h:
        raise ValueError("LittleCMS refuses the profile")
    return h


def describe(icc, info):
    """The profile's description (0) or copyright (3) text as LittleCMS reads it."""
    h = open_profile(icc)
    buf = ctypes.create_string_buffer(1024)
    LIB.cmsGetProfileInfoASCII(h, info, b"en", b"US", buf, 1024)
    LIB.cmsCloseProfile(h)
    return buf.value.decode("latin-1")


def is_grey(icc):
    if icc is None:
        return False
    h = open_profile(icc)
    g = LIB.cmsGetColorSpace(h) == SIG_GRAY
    LIB.cmsCloseProfile(h)
    return g


def to_lab(rgb, icc):
    """Float CIELAB (D50) of uint8 pixels (N×3) seen through `icc` (relative colorimetric);
    a grey profile reads the first channel."""
    src = open_profile(icc)
    lab = LIB.cmsCreateLab4Profile(None)
    grey = is_grey(icc)
    t = LIB.cmsCreateTransform(src, TYPE_GRAY_8 if grey else TYPE_RGB_8, lab, TYPE_Lab_DBL, INTENT_RELATIVE,
                               FLAGS_NOCACHE | FLAGS_NOOPTIMIZE)
    if not t:
        raise ValueError("LittleCMS cannot build a transform for the profile")
    a = np.ascontiguousarray(rgb, dtype=np.uint8)
    if grey:
        a = np.ascontiguousarray(a[:, 0])
    out = np.zeros((a.shape[0], 3), dtype=np.float64)
    LIB.cmsDoTransform(t, a.ctypes.data, out.ctypes.data, a.shape[0])
    LIB.cmsDeleteTransform(t)
    LIB.cmsCloseProfile(src)
    LIB.cmsCloseProfile(lab)
    return out


def delta_e76(a, b):
    return np.sqrt(((a - b) ** 2).sum(axis=-1))


def seen(path, override=None):
    """(uint8 pixels as seen, H×W×3; the ICC bytes they are shown through, or None: sRGB)."""
    img = Image.open(path)
    icc = img.info.get("icc_profile")
    img = ImageOps.exif_transpose(img)
    if override:
        with open(override, "rb") as f:
            icc = f.read()
    if icc is not None:
        try:
            LIB.cmsCloseProfile(open_profile(icc))
        except ValueError:
            icc = None
    return np.asarray(img.convert("RGB")), icc


def measure(case):
    a, icc_a = seen(case["input"], case.get("input_profile"))
    b, icc_b = seen(case["output"])
    if a.shape != b.shape:
        return {"error": f"sizes differ: {a.shape} vs {b.shape}"}
    h, w, _ = a.shape
    la = to_lab(a.reshape(-1, 3), icc_a).reshape(h, w, 3)
    lb = to_lab(b.reshape(-1, 3), icc_b).reshape(h, w, 3)
    margin = case.get("margin", 0)
    outside = np.ones((h, w), bool)
    inside = np.zeros((h, w), bool)
    for x, y, bw, bh in case.get("boxes", []):
        outside[max(0, y - margin):y + bh + margin, max(0, x - margin):x + bw + margin] = False
        if bw > 2 * margin and bh > 2 * margin:
            inside[y + margin:y + bh - margin, x + margin:x + bw - margin] = True
    de = delta_e76(la, lb)[outside]
    r = {"mean": float(de.mean()), "p95": float(np.percentile(de, 95)), "max": float(de.max()),
         "input_profile": icc_a is not None, "output_profile": icc_b is not None}
    fill = case.get("fill")
    if fill and inside.any():
        f = np.array([[int(fill[i:i + 2], 16) for i in (0, 2, 4)]], dtype=np.uint8)
        d = delta_e76(lb[inside], to_lab(f, None)[0])
        r["box_mean"], r["box_max"] = float(d.mean()), float(d.max())
    return r


def canonical_profiles():
    with open(os.path.join(ROOT, "src/colour/canonical_data.rs")) as f:
        src = f.read()
    out = {}
    pattern = r"/// (.+?) \(\d+ bytes\)\.\n#\[rustfmt::skip\]\npub const \w+: &\[u8\] = &\[(.*?)\];"
    for name, body in re.findall(pattern, src, re.S):
        out[name] = bytes(int(x, 16) for x in re.findall(r"0x([0-9a-f]{2})", body))
    return out


def check_canonical():
    profiles = canonical_profiles()
    g = np.linspace(0, 255, 17).round().astype(np.uint8)
    grid = np.array(np.meshgrid(g, g, g)).reshape(3, -1).T
    ramp = np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1)
    results = []
    for name, icc in profiles.items():
        ImageCms.ImageCmsProfile(io.BytesIO(icc))  # Pillow's own API opens it
        samples = ramp if ref.SPACES[name][0] is None else np.concatenate([grid, ramp])
        de = delta_e76(to_lab(samples, icc), ref.space_lab(name, samples))
        results.append({"name": name, "bytes": len(icc), "description": describe(icc, 0),
                        "copyright": describe(icc, 3), "max_de": float(de.max())})
    return results


def main():
    if sys.argv[1:] == ["--canonical"]:
        print(json.dumps(check_canonical()))
        return
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    print(json.dumps([measure(c) for c in cases]))


if __name__ == "__main__":
    main()
