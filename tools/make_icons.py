#!/usr/bin/env python3
"""Draws Occlude's app icons into www/icons/ with Pillow (deterministic: same bytes every run).

    python3 tools/make_icons.py

The picture: a white photo card with a black redaction bar, on the app's blue. "any" icons
fill the square with rounded corners; the maskable icon is full-bleed and keeps everything
inside the central 80 % circle (the safe zone launchers may crop to).
"""
from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parent.parent / "www" / "icons"
BLUE = (31, 95, 191, 255)  # --accent in www/css/app.css, also the manifest's theme_color
WHITE = (255, 255, 255, 255)
GREY = (176, 186, 198, 255)
BLACK = (0, 0, 0, 255)
SS = 4  # draw at 4x and downsample for smooth edges


def card(draw, s, cx, cy, w):
    """A photo card of width w centred on (cx, cy): a mountain line and a black bar."""
    h = w * 0.78
    x0, y0, x1, y1 = cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2
    draw.rounded_rectangle((x0, y0, x1, y1), radius=w * 0.09, fill=WHITE)
    # a landscape hint: a grey hill and sun, so it reads as "a picture"
    draw.polygon([(x0 + w * 0.08, y1 - h * 0.1), (x0 + w * 0.38, y0 + h * 0.42),
                  (x0 + w * 0.6, y1 - h * 0.28), (x0 + w * 0.72, y0 + h * 0.52),
                  (x1 - w * 0.08, y1 - h * 0.1)], fill=GREY)
    r = w * 0.08
    draw.ellipse((x1 - w * 0.28 - r, y0 + h * 0.24 - r, x1 - w * 0.28 + r, y0 + h * 0.24 + r), fill=GREY)
    # the redaction: an opaque bar across the upper third
    draw.rectangle((x0 - w * 0.06, y0 + h * 0.12, x1 + w * 0.06, y0 + h * 0.34), fill=BLACK)


def icon(size, maskable=False):
    s = size * SS
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    if maskable:
        d.rectangle((0, 0, s, s), fill=BLUE)
        card(d, s, s / 2, s / 2, s * 0.5)  # fits inside the 80 % safe circle
    else:
        d.rounded_rectangle((0, 0, s - 1, s - 1), radius=s * 0.18, fill=BLUE)
        card(d, s, s / 2, s / 2, s * 0.64)
    return img.resize((size, size), Image.LANCZOS)


def save(img, name, opaque=False):
    if opaque:
        bg = Image.new("RGBA", img.size, BLUE)
        bg.alpha_composite(img)
        img = bg.convert("RGB")
    # no text chunks, no time: PNG files carry only pixels
    img.save(OUT / name, format="PNG", optimize=True)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    save(icon(192), "icon-192.png")
    save(icon(512), "icon-512.png")
    save(icon(512, maskable=True), "maskable-512.png", opaque=True)
    save(icon(192, maskable=True), "maskable-192.png", opaque=True)
    # iOS ignores transparency and rounds corners itself: full-bleed and opaque
    save(icon(180, maskable=True), "apple-touch-icon.png", opaque=True)
    save(icon(32), "favicon-32.png")
    print("tools/make_icons.py: wrote", ", ".join(sorted(p.name for p in OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
