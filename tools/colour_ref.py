"""Reference colour maths in numpy, written from the published definitions (not from the Rust
code): primaries, whites, Bradford adaptation, the spaces' tone curves, CIELAB. Used by
tools/make_colour_fixtures.py to draw the colour fixtures and by tools/colour_check.py to check
Occlude's canonical profiles against the spaces they claim to be."""

import numpy as np

D50 = np.array([0.9642, 1.0, 0.8249])
D65_XY = (0.3127, 0.3290)
BRADFORD = np.array([[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]])

SPACES = {
    # name: (primaries, white xy or None for D50, curve)
    "sRGB": (((0.64, 0.33), (0.30, 0.60), (0.15, 0.06)), D65_XY, "srgb"),
    "Display P3": (((0.680, 0.320), (0.265, 0.690), (0.150, 0.060)), D65_XY, "srgb"),
    "Adobe RGB (1998)": (((0.64, 0.33), (0.21, 0.71), (0.15, 0.06)), D65_XY, 563 / 256),
    "ProPhoto RGB": (((0.7347, 0.2653), (0.1596, 0.8404), (0.0366, 0.0001)), None, 1.8),
    "Rec. 2020": (((0.708, 0.292), (0.170, 0.797), (0.131, 0.046)), D65_XY, "bt709"),
    "Gray Gamma 2.2": (None, None, 563 / 256),
    "sGray": (None, None, "srgb"),
}


def xyz(xy):
    x, y = xy
    return np.array([x / y, 1.0, (1 - x - y) / y])


def bradford(src, dst):
    s, d = BRADFORD @ src, BRADFORD @ dst
    return np.linalg.inv(BRADFORD) @ np.diag(d / s) @ BRADFORD


def rgb_to_d50(primaries, white_xy):
    """Linear RGB -> XYZ D50 (Bradford-adapted colorants)."""
    w = xyz(white_xy) if white_xy else D50
    m = np.stack([xyz(p) for p in primaries], axis=1)
    m = m * np.linalg.solve(m, w)
    return bradford(w, D50) @ m


def decode(v, curve):
    """Encoded 0-1 values -> linear light."""
    v = np.clip(v, 0, 1)
    if curve == "srgb":
        return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)
    if curve == "bt709":
        return np.where(v < 0.081, v / 4.5, ((v + 0.099) / 1.099) ** (1 / 0.45))
    return v ** curve


def encode_srgb(lin):
    lin = np.clip(lin, 0, 1)
    return np.where(lin <= 0.0031308, lin * 12.92, 1.055 * lin ** (1 / 2.4) - 0.055)


def lab(xyz_d50):
    t = xyz_d50 / D50
    f = np.where(t > 216 / 24389, np.cbrt(t), (24389 / 27 * t + 16) / 116)
    return np.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], axis=-1)


def space_lab(name, rgb8):
    """CIELAB (D50) of uint8 values (N×3) in a named space, relative colorimetric."""
    prim, white, curve = SPACES[name]
    lin = decode(np.asarray(rgb8, dtype=np.float64) / 255.0, curve)
    if prim is None:
        return lab(lin[:, :1] * D50)
    return lab(lin @ rgb_to_d50(prim, white).T)


def convert(linear, src, dst):
    """Linear light in space `src` -> linear light in space `dst` (RGB spaces)."""
    ps, ws, _ = SPACES[src]
    pd, wd, _ = SPACES[dst]
    m = np.linalg.inv(rgb_to_d50(pd, wd)) @ rgb_to_d50(ps, ws)
    return linear @ m.T
