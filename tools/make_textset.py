#!/usr/bin/env python3
"""Builds Occlude's labelled evaluation set for the text finder (issue 15; issue 17 reads the labels).

    python3 tools/make_textset.py [--out target/textset] [--big]     # the set tools/bench-text measures
    python3 tools/make_textset.py --fixtures tests/fixtures/text      # the small images the tests use

The set itself (73 MB) is not kept in the repository: this generator and its seeds are.

Deterministic: every image is drawn from its own seeded random generator, so the same Pillow,
numpy and fonts give the same files. Needs Python 3.11, Pillow and numpy (PyPI) and two Debian
font packages: fonts-dejavu-core (DejaVu Sans/Serif/Mono, Condensed) and fonts-liberation
(Liberation Sans/Serif/Mono, Sans Narrow). Nothing is downloaded.

Kinds (clean renders, PNG): screenshot-light, screenshot-dark (invented practice software: title
bar with a name, patient panel, appointments table, clinical notes, coloured text over a fundus
picture), oct-report, vf-report (Humphrey-style), fundus-overlay; and `photo-<kind>` of each
(JPEG, 12 MP: a phone photo of the screen or printout with perspective, blur, noise, screen moiré
and uneven light). Sizes are real: screenshots 1366x768 to 3200x1800, reports at 150-250 dpi,
fundus pictures 1600x1200 to 3216x2136, photos 4032x3024. `--big` adds one 48 MP photo (for the
memory measurement).

Every text line is labelled in <name>.json: {"text", "kind": identifier|clinical|other,
"box": [x, y, w, h] (image pixels, rounded outwards), "quad": [[x, y] x 4] (clockwise from
the top-left of the line as written), "px": text height in pixels}. A line is one string drawn
in one go; a label and its value drawn apart are two lines. Names, dates, NHS numbers (valid
mod 11), addresses, postcodes and phone numbers (Ofcom's drama ranges) are invented.
"""

import argparse
import json
import math
import pathlib
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DEJAVU = "/usr/share/fonts/truetype/dejavu/"
LIBERATION = "/usr/share/fonts/truetype/liberation/"
UI_FONTS = [
    (DEJAVU + "DejaVuSans.ttf", DEJAVU + "DejaVuSans-Bold.ttf"),
    (LIBERATION + "LiberationSans-Regular.ttf", LIBERATION + "LiberationSans-Bold.ttf"),
    (LIBERATION + "LiberationSansNarrow-Regular.ttf", LIBERATION + "LiberationSansNarrow-Bold.ttf"),
    (DEJAVU + "DejaVuSansCondensed.ttf", DEJAVU + "DejaVuSansCondensed-Bold.ttf"),
]
SERIF = [LIBERATION + "LiberationSerif-Regular.ttf", DEJAVU + "DejaVuSerif.ttf"]
MONO = [LIBERATION + "LiberationMono-Regular.ttf", DEJAVU + "DejaVuSansMono.ttf"]

FIRST = ["Aoife", "Bethan", "Callum", "Dervla", "Eamon", "Fenella", "Gareth", "Hollis", "Imogen",
         "Jasper", "Keira", "Lorcan", "Morwenna", "Niamh", "Osian", "Priya", "Quentin", "Rhoswen",
         "Tamsin", "Ulrich", "Vashti", "Wilf", "Yusra", "Zennor", "Ffion", "Anwen", "Cosmo"]
LAST = ["Brennan", "Carrow", "Delacourt", "Ellery", "Fairweather", "Gethin", "Hawthorne", "Iredale",
        "Jessop", "Kittering", "Lomax", "Marchbank", "Nettleford", "Ormerod", "Pennyfeather",
        "Quarrie", "Rudgewick", "Stallworthy", "Tregothnan", "Umfreville", "Vardy", "Wetherall",
        "Yelland", "Ashcombe", "Blenkinsop", "Coldstream"]
TITLES = ["Mr", "Mrs", "Ms", "Miss", "Dr", "Mx"]
STREETS = ["Larkspur Road", "Mill Lane", "Quarry Hill", "Elmfield Avenue", "Tanner's Row",
           "Foxglove Close", "Kingfisher Way", "Rookery Drive", "Saltmarsh Street", "Orchard Rise"]
TOWNS = ["Harrowgate Bridge", "Lower Wensley", "Castlemoor", "Brackenfield", "Eastholme",
         "St Ives Down", "Pendleford", "Marlow Cross"]
PRACTICES = ["Elmfield Opticians", "Clearview Eyecare", "Harbour Street Optometrists",
             "Northgate Vision Centre", "Riverside Eye Clinic", "Kestrel Optical"]
DEVICES = ["OptiScan 3000 HD", "RetinaView SD-OCT v4.2", "Lumen OCT 2", "VisuField 850i"]


class Person:
    def __init__(self, rng: random.Random):
        self.first = rng.choice(FIRST)
        self.last = rng.choice(LAST)
        self.title = rng.choice(TITLES)
        self.dob = (rng.randint(1, 28), rng.randint(1, 12), rng.randint(1931, 2012))
        self.nhs = nhs_number(rng)
        self.hosp = f"{rng.choice('RKMTX')}{rng.randint(100000, 999999)}"
        self.pid = f"PT-{rng.randint(1000, 99999):06d}"
        self.address = [f"{rng.randint(1, 212)} {rng.choice(STREETS)}", rng.choice(TOWNS)]
        self.postcode = postcode(rng)
        self.phone = f"07700 900{rng.randint(0, 999):03d}"
        self.landline = f"0113 496 0{rng.randint(0, 999):03d}"
        self.email = f"{self.first.lower()}.{self.last.lower()}{rng.randint(1, 99)}@example.org"
        self.sex = rng.choice(["F", "M"])
        self.gp = f"Dr {rng.choice(FIRST)} {rng.choice(LAST)}"

    def name(self, style: int = 0) -> str:
        return [f"{self.title} {self.first} {self.last}", f"{self.last.upper()}, {self.first}",
                f"{self.first} {self.last}", f"{self.last}, {self.first} ({self.title})"][style % 4]

    def dob_text(self, style: int = 0) -> str:
        d, m, y = self.dob
        months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return [f"{d:02d}/{m:02d}/{y}", f"{d} {months[m - 1]} {y}", f"{y}-{m:02d}-{d:02d}"][style % 3]


def nhs_number(rng: random.Random) -> str:
    """A ten-digit number whose last digit is the NHS mod-11 check digit (never 10)."""
    while True:
        d = [rng.randint(0, 9) for _ in range(9)]
        d[0] = rng.randint(4, 9)
        check = 11 - sum(v * (10 - i) for i, v in enumerate(d)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            s = "".join(map(str, d + [check]))
            return f"{s[:3]} {s[3:6]} {s[6:]}"


def postcode(rng: random.Random) -> str:
    area = rng.choice(["LS", "HG", "YO", "BD", "TR", "EX", "NE", "CA", "DL"])
    return f"{area}{rng.randint(1, 29)} {rng.randint(0, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"


def date_text(rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.choice([2024, 2025, 2026])}"


def time_text(rng: random.Random) -> str:
    return f"{rng.randint(8, 17):02d}:{rng.choice([0, 10, 15, 20, 30, 40, 45, 50]):02d}"


class Canvas:
    """An RGB image that remembers every text line drawn on it."""

    def __init__(self, w: int, h: int, bg):
        self.img = Image.new("RGB", (w, h), bg)
        self.draw = ImageDraw.Draw(self.img)
        self.lines = []
        self._fonts = {}
        self.patient = None  # {"first", "last"} of the patient shown, for "Cover every..." tests

    def font(self, path: str, size: float) -> ImageFont.FreeTypeFont:
        key = (path, int(round(size)))
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(path, key[1])
        return self._fonts[key]

    def text(self, xy, s: str, font, fill, kind: str, anchor: str = "la") -> tuple:
        """Draws one line; returns its ink box (x0, y0, x1, y1)."""
        x0, y0, x1, y1 = self.draw.textbbox(xy, s, font=font, anchor=anchor)
        self.draw.text(xy, s, font=font, fill=fill, anchor=anchor)
        if s.strip():
            quad = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
            self.lines.append({"text": s, "kind": kind, "quad": quad, "px": font.size,
                               "words": self.words(s, font, x0, y0, y1)})
        return (x0, y0, x1, y1)

    @staticmethod
    def words(s: str, font, x0: float, y0: float, y1: float) -> list:
        """Ink extent of each space-separated word of a line drawn with its ink starting at x0
        (advance of the text before it plus the word's own ink box; kerning across the space
        is ignored, a fraction of a pixel)."""
        origin = x0 - font.getbbox(s, anchor="la")[0]
        out, start = [], 0
        for word in s.split(" "):
            if word:
                left = origin + font.getlength(s[:start])
                b = font.getbbox(word, anchor="la")
                out.append({"text": word, "quad": [[left + b[0], y0], [left + b[2], y0], [left + b[2], y1], [left + b[0], y1]]})
            start += len(word) + 1
        return out

    def paste(self, im: Image.Image, xy):
        self.img.paste(im, xy)


# ---------------------------------------------------------------- pictures (no text)

def fundus_picture(rng: random.Random, w: int, h: int) -> Image.Image:
    """A dark frame with an orange-red circular retina, optic disc and vessels."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy, r = w / 2, h / 2, min(w, h) * 0.47
    d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / r
    base = np.clip(1.0 - d ** 3 * 0.55, 0, 1)
    img = np.zeros((h, w, 3), np.float32)
    tint = np.array([rng.uniform(190, 230), rng.uniform(80, 115), rng.uniform(25, 50)], np.float32)
    img += base[..., None] * tint
    # optic disc
    ox, oy = cx + rng.choice([-1, 1]) * r * 0.38, cy + rng.uniform(-0.08, 0.08) * r
    od = np.exp(-(((xx - ox) ** 2 + (yy - oy) ** 2) / (2 * (r * 0.07) ** 2)))
    img += od[..., None] * np.array([60, 120, 90], np.float32)
    # macula (darker)
    mac = np.exp(-(((xx - cx + (ox - cx) * 0.1) ** 2 + (yy - cy) ** 2) / (2 * (r * 0.1) ** 2)))
    img *= (1 - 0.25 * mac)[..., None]
    pic = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    dr = ImageDraw.Draw(pic)
    for _ in range(rng.randint(7, 11)):
        ang = rng.uniform(0, 2 * math.pi)
        x, y = ox, oy
        width = max(2, int(r * rng.uniform(0.012, 0.022)))
        pts = [(x, y)]
        for _ in range(30):
            ang += rng.uniform(-0.25, 0.25)
            x += math.cos(ang) * r * 0.05
            y += math.sin(ang) * r * 0.05
            pts.append((x, y))
        dr.line(pts, fill=(120, 25, 15), width=width)
    pic = pic.filter(ImageFilter.GaussianBlur(max(1.0, r * 0.004)))
    a = np.asarray(pic).astype(np.float32)
    mask = (d <= 1.0).astype(np.float32)
    a = a * mask[..., None] + np.random.default_rng(rng.randint(0, 2**31)).normal(0, 3, a.shape)
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))


def grey_scan(rng: random.Random, w: int, h: int) -> Image.Image:
    """An OCT B-scan-like grey picture: bright wavy layers over speckle."""
    g = np.random.default_rng(rng.randint(0, 2**31))
    xx = np.arange(w, dtype=np.float32)
    img = g.normal(25, 12, (h, w)).astype(np.float32)
    base = h * 0.45 + h * 0.06 * np.sin(xx / w * math.pi * 2 * rng.uniform(0.6, 1.2))
    dip = -h * 0.12 * np.exp(-((xx - w / 2) ** 2) / (2 * (w * 0.06) ** 2))
    yy = np.arange(h, dtype=np.float32)[:, None]
    for off, amp, thick in [(0, 170, 6), (h * 0.05, 110, 10), (h * 0.12, 210, 5), (h * 0.16, 140, 12)]:
        top = (base + dip * (1 if off < h * 0.1 else 0.2) + off)[None, :]
        img += amp * np.exp(-((yy - top) ** 2) / (2 * thick ** 2))
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).convert("RGB")


# ---------------------------------------------------------------- screenshots

def screenshot(rng: random.Random, w: int, h: int, dark: bool, scale: float) -> Canvas:
    p = Person(rng)
    regular, bold = rng.choice(UI_FONTS)
    if dark:
        bg, panel, fg, dim, accent, head = (30, 32, 36), (42, 45, 51), (222, 224, 228), (150, 156, 166), \
            rng.choice([(97, 175, 239), (86, 182, 194), (229, 192, 123)]), (24, 25, 28)
    else:
        bg, panel, fg, dim, accent, head = (246, 247, 249), (255, 255, 255), (33, 37, 41), (108, 117, 125), \
            rng.choice([(13, 110, 253), (0, 105, 92), (111, 66, 193)]), (222, 226, 230)
    c = Canvas(w, h, bg)
    c.patient = {"first": p.first, "last": p.last}
    s = scale
    base = rng.choice([11, 12, 13, 14]) * s
    f = c.font(regular, base)
    fb = c.font(bold, base * 1.1)
    fsmall = c.font(regular, max(11, base * 0.9))
    ftitle = c.font(regular, base * 1.05)

    # title bar
    tb = int(30 * s)
    c.draw.rectangle([0, 0, w, tb], fill=head)
    c.text((int(10 * s), tb // 2), f"OptiVue Practice Manager - {p.name(1)} - {p.nhs}", ftitle,
           fg if dark else (20, 20, 20), "identifier", anchor="lm")
    c.text((w - int(120 * s), tb // 2), "_  \u25a1  X", ftitle, dim, "other", anchor="lm")
    # menu bar
    mb = tb + int(26 * s)
    x = int(10 * s)
    for item in ["File", "Edit", "View", "Patient", "Clinical", "Recall", "Reports", "Help"]:
        box = c.text((x, (tb + mb) // 2), item, f, fg, "other", anchor="lm")
        x = box[2] + int(22 * s)
    # toolbar with a search field showing the patient
    tb2 = mb + int(40 * s)
    c.draw.rectangle([0, mb, w, tb2], fill=panel)
    c.draw.rectangle([w - int(420 * s), mb + int(7 * s), w - int(20 * s), tb2 - int(7 * s)], outline=dim)
    c.text((w - int(410 * s), (mb + tb2) // 2), f"Search: {p.last}", fsmall, dim, "identifier", anchor="lm")
    x = int(10 * s)
    for item in ["New exam", "Book", "Dispense", "Letters", "Images"]:
        c.draw.rounded_rectangle([x, mb + int(6 * s), x + int(100 * s), tb2 - int(6 * s)], radius=int(4 * s), fill=accent)
        c.text((x + int(50 * s), (mb + tb2) // 2), item, fsmall, (255, 255, 255), "other", anchor="mm")
        x += int(110 * s)

    # left patient panel
    lw = int(w * rng.uniform(0.22, 0.27))
    top = tb2 + int(12 * s)
    c.draw.rectangle([int(8 * s), top, lw, h - int(40 * s)], fill=panel)
    y = top + int(12 * s)
    c.text((int(20 * s), y), "Patient details", fb, accent, "other")
    y += int(base * 2.2)
    fields = [("Name", p.name(0), "identifier"), ("Date of birth", p.dob_text(rng.randint(0, 2)), "identifier"),
              ("Sex", p.sex, "other"), ("NHS No.", p.nhs, "identifier"), ("Hospital No.", p.hosp, "identifier"),
              ("Address", p.address[0], "identifier"), ("", p.address[1], "identifier"),
              ("Postcode", p.postcode, "identifier"), ("Mobile", p.phone, "identifier"),
              ("Home", p.landline, "identifier"), ("Email", p.email, "identifier"),
              ("GP", p.gp, "identifier"), ("Last exam", date_text(rng), "identifier"),
              ("Recall due", date_text(rng), "identifier")]
    vx = int(20 * s) + int(base * 7.5)
    for label, value, kind in fields:
        if label:
            c.text((int(20 * s), y), label, fsmall, dim, "other")
        c.text((vx, y), value, f, fg, kind)
        y += int(base * 1.9)
    # alert in red
    y += int(base)
    c.text((int(20 * s), y), rng.choice(["Allergy: chloramphenicol", "Alert: hard of hearing", "Diabetic - annual DRSS"]),
           fsmall, (220, 53, 69) if not dark else (240, 113, 120), "clinical")

    # main area: appointments table
    mx = lw + int(20 * s)
    mw = w - mx - int(10 * s)
    y = top
    c.text((mx, y), "Appointments", fb, fg, "other")
    y += int(base * 2.2)
    mono = rng.random() < 0.4
    ft = c.font(rng.choice(MONO), base * 0.95) if mono else f
    cols = [("Date", 0.0), ("Time", 0.12), ("Clinician", 0.2), ("Type", 0.42), ("Notes", 0.6)]
    c.draw.rectangle([mx, y - int(4 * s), mx + mw, y + int(base * 1.6)], fill=head)
    for name, fx in cols:
        c.text((mx + int(fx * mw) + int(6 * s), y), name, fb, fg, "other")
    y += int(base * 2.0)
    notes = ["IOP R 16 L 18 mmHg", "VA R 6/6 L 6/9+2", "Rx R -1.25/-0.50x180 L -1.00 DS", "C/D 0.4 both eyes",
             "Drusen L macula, monitor", "Dilated, no change", "Fields full to confrontation", "OCT: RNFL thinning ST L"]
    types = ["Eye exam", "CL aftercare", "Field test", "OCT scan", "Repair", "Collection"]
    for i in range(rng.randint(6, 9)):
        sel = i == 2
        if sel:
            c.draw.rectangle([mx, y - int(3 * s), mx + mw, y + int(base * 1.5)], fill=accent)
        colr = (255, 255, 255) if sel else fg
        c.text((mx + int(6 * s), y), date_text(rng), ft, colr, "identifier")
        c.text((mx + int(0.12 * mw) + int(6 * s), y), time_text(rng), ft, colr, "identifier")
        c.text((mx + int(0.2 * mw) + int(6 * s), y), f"{rng.choice(FIRST)} {rng.choice(LAST)} (OO)", ft, colr, "identifier")
        c.text((mx + int(0.42 * mw) + int(6 * s), y), rng.choice(types), ft, colr, "other")
        c.text((mx + int(0.6 * mw) + int(6 * s), y), rng.choice(notes), ft, colr, "clinical")
        y += int(base * 1.9)

    # clinical notes in a serif or the UI font, some coloured
    y += int(base)
    c.text((mx, y), "Clinical record", fb, fg, "other")
    y += int(base * 2)
    fn = c.font(rng.choice(SERIF), base) if rng.random() < 0.5 else f
    for note in rng.sample(notes, 4):
        colour = rng.choice([fg, fg, (25, 135, 84) if not dark else (152, 195, 121), (13, 110, 253) if not dark else (97, 175, 239)])
        c.text((mx + int(10 * s), y), note, fn, colour, "clinical")
        y += int(base * 1.8)
    c.text((mx + int(10 * s), y), f"Seen by {rng.choice(FIRST)} {rng.choice(LAST)} MCOptom, {date_text(rng)}", fn, dim, "identifier")

    # image panel: fundus with coloured overlay text
    iy = y + int(base * 2.5)
    ih = h - iy - int(50 * s)
    if ih > 120 * s:
        iw = min(int(ih * 1.33), mw // 2)
        ih = int(iw / 1.33)
        for k in range(2):
            ix = mx + k * (iw + int(16 * s))
            pic = fundus_picture(rng, iw, ih)
            c.paste(pic, (ix, iy))
            fo = c.font(rng.choice([regular, bold]), max(12, base * 1.0))
            col = rng.choice([(255, 230, 0), (255, 255, 255), (0, 255, 128), (0, 220, 255)])
            c.text((ix + int(8 * s), iy + int(6 * s)), p.name(1), fo, col, "identifier")
            c.text((ix + int(8 * s), iy + int(6 * s) + int(base * 1.6)), f"{date_text(rng)} {time_text(rng)}", fo, col, "identifier")
            c.text((ix + iw - int(8 * s), iy + ih - int(8 * s)), ["OD", "OS"][k] + " 45\u00b0", fo, col, "other", anchor="rd")

    # status bar
    sb = h - int(26 * s)
    c.draw.rectangle([0, sb, w, h], fill=head)
    c.text((int(10 * s), (sb + h) // 2), f"User: {rng.choice(FIRST).lower()}{rng.randint(1, 9)}", fsmall, dim, "identifier", anchor="lm")
    c.text((int(w * 0.3), (sb + h) // 2), f"{rng.choice(PRACTICES)}, {rng.randint(1, 99)} High Street", fsmall, dim, "identifier", anchor="lm")
    c.text((w - int(10 * s), (sb + h) // 2), f"{time_text(rng)}  {date_text(rng)}", fsmall, dim, "identifier", anchor="rm")
    return c


# ---------------------------------------------------------------- OCT report

def oct_report(rng: random.Random, dpi: int) -> Canvas:
    w, h = int(11.69 * dpi), int(8.27 * dpi)
    s = dpi / 150
    p = Person(rng)
    regular, bold = rng.choice(UI_FONTS[:2])
    c = Canvas(w, h, (255, 255, 255))
    c.patient = {"first": p.first, "last": p.last}
    f = c.font(regular, 13 * s)
    fs = c.font(regular, 11 * s)
    fb = c.font(bold, 16 * s)
    m = int(40 * s)
    c.text((m, m), rng.choice(PRACTICES), fb, (0, 0, 0), "identifier")
    c.text((w - m, m), rng.choice(DEVICES), f, (60, 60, 60), "other", anchor="ra")
    c.text((w // 2, m), "RNFL and Macular Thickness Report", fb, (0, 51, 102), "other", anchor="ma")
    y = m + int(34 * s)
    c.draw.line([m, y, w - m, y], fill=(0, 51, 102), width=max(1, int(2 * s)))
    y += int(10 * s)
    hdr = [("Patient:", p.name(1), "identifier"), ("DOB:", p.dob_text(0), "identifier"),
           ("ID:", p.pid, "identifier"), ("Sex:", "Female" if p.sex == "F" else "Male", "other"),
           ("Exam date:", date_text(rng), "identifier"), ("Operator:", f"{rng.choice(FIRST)} {rng.choice(LAST)}", "identifier")]
    for i, (label, value, kind) in enumerate(hdr):
        x = m + (i % 3) * int((w - 2 * m) / 3)
        yy = y + (i // 3) * int(22 * s)
        b = c.text((x, yy), label, f, (90, 90, 90), "other")
        c.text((b[2] + int(8 * s), yy), value, f, (0, 0, 0), kind)
    y += int(56 * s)
    # IR fundus (grey) and B-scan
    pw = int((w - 2 * m) * 0.3)
    fundus = fundus_picture(rng, pw, pw).convert("L").convert("RGB")
    c.paste(fundus, (m, y))
    c.text((m, y + pw + int(6 * s)), "IR 30\u00b0 ART [HS]", fs, (60, 60, 60), "other")
    bw, bh = int((w - 2 * m) * 0.66), int(pw * 0.55)
    c.paste(grey_scan(rng, bw, bh), (w - m - bw, y))
    c.text((w - m - bw + int(6 * s), y + int(6 * s)), f"{rng.choice(['OD', 'OS'])}  Q: {rng.randint(22, 38)} dB", fs, (255, 255, 255), "clinical")
    c.text((w - m - bw, y + bh + int(6 * s)), "200 \u00b5m", fs, (0, 0, 0), "other")
    # ETDRS thickness grid
    ex, ey, er = w - m - bw + int(bw * 0.18), y + bh + int(pw * 0.55 * 0.5) + int(30 * s), int(pw * 0.24)
    for k, rr in enumerate([er, er * 0.62, er * 0.22]):
        col = [(120, 200, 120), (240, 220, 90), (230, 120, 80)][k]
        c.draw.ellipse([ex - rr, ey - rr, ex + rr, ey + rr], fill=col, outline=(0, 0, 0))
    c.text((ex, ey), str(rng.randint(240, 300)), fs, (0, 0, 0), "clinical", anchor="mm")
    for ang in range(4):
        for rr in (er * 0.42, er * 0.81):
            px = ex + rr * math.cos(ang * math.pi / 2 + math.pi / 4)
            py = ey + rr * math.sin(ang * math.pi / 2 + math.pi / 4)
            c.text((px, py), str(rng.randint(250, 345)), fs, (0, 0, 0), "clinical", anchor="mm")
    # table of values
    tx, ty = ex + er + int(60 * s), y + bh + int(40 * s)
    c.text((tx, ty), "RNFL thickness (\u00b5m)", fb, (0, 51, 102), "other")
    ty += int(28 * s)
    for label in ["Global", "Temporal", "Superior", "Nasal", "Inferior", "TS", "TI", "NS", "NI"]:
        c.text((tx, ty), label, f, (40, 40, 40), "other")
        c.text((tx + int(130 * s), ty), str(rng.randint(55, 140)), f, (0, 0, 0), "clinical")
        c.text((tx + int(200 * s), ty), rng.choice(["Within normal limits", "Borderline", "Outside normal limits"]), fs,
               rng.choice([(0, 128, 0), (200, 140, 0), (200, 0, 0)]), "clinical")
        ty += int(22 * s)
    # comments and footer
    cy = max(ty, y + pw + int(40 * s)) + int(10 * s)
    c.text((m, cy), "Comments:", fb, (0, 0, 0), "other")
    c.text((m + int(110 * s), cy), rng.choice(["Early superotemporal RNFL loss OS; repeat 6 months",
                                                 "No significant change from baseline", "ERM OD, refer if VA drops"]),
           c.font(rng.choice(SERIF), 14 * s), (0, 0, 0), "clinical")
    fy = h - m
    c.draw.line([m, fy - int(22 * s), w - m, fy - int(22 * s)], fill=(150, 150, 150))
    c.text((m, fy), f"Signed: {rng.choice(FIRST)} {rng.choice(LAST)} MCOptom", fs, (60, 60, 60), "identifier", anchor="ld")
    c.text((w // 2, fy), f"Printed {date_text(rng)} {time_text(rng)}", fs, (60, 60, 60), "identifier", anchor="md")
    c.text((w - m, fy), "Page 1 of 1", fs, (60, 60, 60), "other", anchor="rd")
    return c


# ---------------------------------------------------------------- visual-field report

def vf_report(rng: random.Random, dpi: int) -> Canvas:
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    s = dpi / 150
    p = Person(rng)
    regular, bold = rng.choice(UI_FONTS[:2])
    c = Canvas(w, h, (255, 255, 255))
    c.patient = {"first": p.first, "last": p.last}
    f = c.font(regular, 12 * s)
    fs = c.font(regular, 10.5 * s)
    fb = c.font(bold, 15 * s)
    m = int(36 * s)
    eye = rng.choice(["OD", "OS"])
    c.text((m, m), f"Central 24-2 Threshold Test", fb, (0, 0, 0), "other")
    c.text((w - m, m), f"Eye: {'Right' if eye == 'OD' else 'Left'}", fb, (0, 0, 0), "other", anchor="ra")
    y = m + int(30 * s)
    left = [("Patient:", p.name(1), "identifier"), ("Patient ID:", p.hosp, "identifier"),
            ("Date of Birth:", p.dob_text(0), "identifier"), ("Date:", date_text(rng), "identifier"),
            ("Time:", time_text(rng), "identifier"), ("Age:", str(rng.randint(40, 88)), "other")]
    right = [("Fixation Monitor:", "Gaze/Blindspot", "other"), ("Fixation Target:", "Central", "other"),
             ("Fixation Losses:", f"{rng.randint(0, 3)}/{rng.randint(12, 16)}", "clinical"),
             ("False POS Errors:", f"{rng.randint(0, 12)}%", "clinical"),
             ("False NEG Errors:", f"{rng.randint(0, 10)}%", "clinical"),
             ("Test Duration:", f"0{rng.randint(4, 7)}:{rng.randint(10, 59)}", "clinical")]
    for i, (label, value, kind) in enumerate(left):
        c.text((m, y + i * int(18 * s)), label, f, (0, 0, 0), "other")
        c.text((m + int(100 * s), y + i * int(18 * s)), value, f, (0, 0, 0), kind)
    for i, (label, value, kind) in enumerate(right):
        c.text((w // 2, y + i * int(18 * s)), label, fs, (0, 0, 0), "other")
        c.text((w // 2 + int(120 * s), y + i * int(18 * s)), value, fs, (0, 0, 0), kind)
    y += int(120 * s)
    c.text((m, y), f"Stimulus: III, White   Background: 31.5 ASB   Strategy: SITA Standard   Pupil: {rng.uniform(2.5, 6):.1f} mm   VA: 6/{rng.choice([6, 9, 12])}",
           fs, (0, 0, 0), "clinical")
    y += int(30 * s)
    # numeric threshold map (left) and greyscale plot (right)
    pts = [(x, yy) for yy in range(-4, 4) for x in range(-5, 5)
           if (x + 0.5) ** 2 + (yy + 0.5) ** 2 <= 20 and not (yy in (-1, 0) and x == (3 if eye == "OD" else -4))]
    cell = int(26 * s)
    gx, gy = m + int(200 * s) // 2 + 5 * cell, y + 4 * cell + int(10 * s)
    c.draw.line([gx - 5 * cell, gy, gx + 5 * cell, gy], fill=(0, 0, 0))
    c.draw.line([gx, gy - 4 * cell, gx, gy + 4 * cell], fill=(0, 0, 0))
    fn = c.font(regular, 11 * s)
    for (x, yy) in pts:
        v = rng.randint(0, 34) if rng.random() < 0.15 else rng.randint(24, 33)
        c.text((gx + (x + 0.5) * cell, gy + (yy + 0.5) * cell), str(v), fn, (0, 0, 0), "clinical", anchor="mm")
    # greyscale: noisy blocks
    hx = w - m - 5 * cell
    g = np.random.default_rng(rng.randint(0, 2**31))
    for (x, yy) in pts:
        level = int(g.uniform(0.0, 0.6) * 255) if g.random() < 0.2 else int(g.uniform(0.85, 1.0) * 255)
        x0, y0 = int(hx + x * cell), int(gy + yy * cell)
        tile = (g.random((cell, cell)) * 255 > level).astype(np.uint8) * 0 + (g.random((cell, cell)) * 255 < level) * 255
        c.paste(Image.fromarray(tile.astype(np.uint8)).convert("RGB"), (x0, y0))
    y = gy + 4 * cell + int(40 * s)
    # total and pattern deviation maps, smaller
    for k, title in enumerate(["Total Deviation", "Pattern Deviation"]):
        ox = m + k * (w - 2 * m) // 2 + int(40 * s)
        c.text((ox, y), title, f, (0, 0, 0), "other")
        cc = int(20 * s)
        cx, cy = ox + 5 * cc, y + int(24 * s) + 4 * cc
        for (x, yy) in pts:
            v = -rng.randint(0, 9) if rng.random() < 0.8 else rng.randint(0, 3)
            c.text((cx + (x + 0.5) * cc, cy + (yy + 0.5) * cc), str(v), fs, (0, 0, 0), "clinical", anchor="mm")
    y += int(24 * s) + 8 * int(20 * s) + int(30 * s)
    md, psd = -rng.uniform(0.2, 9), rng.uniform(1.2, 8)
    for i, (txt, kind) in enumerate([
            (f"GHT: {rng.choice(['Within normal limits', 'Borderline', 'Outside normal limits'])}", "clinical"),
            (f"VFI: {rng.randint(70, 99)}%", "clinical"),
            (f"MD24-2: {md:.2f} dB P < {rng.choice(['0.5', '1', '2', '5'])}%", "clinical"),
            (f"PSD24-2: {psd:.2f} dB P < {rng.choice(['1', '2', '5', '10'])}%", "clinical")]):
        c.text((w // 2 + int(20 * s), y + i * int(20 * s)), txt, f, (0, 0, 0), kind)
    c.text((m, y), "Probability symbols:", fs, (0, 0, 0), "other")
    for i, lab in enumerate(["P < 5%", "P < 2%", "P < 1%", "P < 0.5%"]):
        c.draw.rectangle([m, y + int((22 + i * 18) * s), m + int(10 * s), y + int((32 + i * 18) * s)], fill=(80 * (3 - i), 80 * (3 - i), 80 * (3 - i)))
        c.text((m + int(18 * s), y + int((20 + i * 18) * s)), lab, fs, (0, 0, 0), "other")
    fy = h - m
    c.text((m, fy), f"{rng.choice(PRACTICES)}  -  {rng.choice(DEVICES)} SN {rng.randint(10000, 99999)}", fs, (0, 0, 0), "identifier", anchor="ld")
    c.text((w - m, fy), f"Reviewed: {rng.choice(FIRST)} {rng.choice(LAST)}", fs, (0, 0, 0), "identifier", anchor="rd")
    return c


# ---------------------------------------------------------------- fundus with overlay

def fundus_overlay(rng: random.Random, w: int, h: int) -> Canvas:
    p = Person(rng)
    c = Canvas(w, h, (0, 0, 0))
    c.patient = {"first": p.first, "last": p.last}
    c.paste(fundus_picture(rng, w, h), (0, 0))
    s = h / 1200
    regular, bold = rng.choice(UI_FONTS)
    f = c.font(rng.choice([regular, bold]), rng.choice([18, 20, 24]) * s)
    col = rng.choice([(255, 230, 0), (255, 255, 255), (255, 255, 120)])
    col2 = rng.choice([(255, 255, 255), (200, 200, 200), (255, 200, 0)])
    m = int(20 * s)
    lh = int(f.size * 1.35)
    c.text((m, m), p.name(rng.randint(0, 3)), f, col, "identifier")
    c.text((m, m + lh), f"ID: {p.pid}", f, col, "identifier")
    c.text((m, m + 2 * lh), f"DOB {p.dob_text(rng.randint(0, 2))}", f, col, "identifier")
    c.text((w - m, m), f"{date_text(rng)} {time_text(rng)}:{rng.randint(10, 59)}", f, col2, "identifier", anchor="ra")
    c.text((w - m, m + lh), rng.choice(PRACTICES), f, col2, "identifier", anchor="ra")
    c.text((m, h - m), f"{rng.choice(['OD', 'OS'])}  45\u00b0  Flash {rng.randint(50, 100)}  ISO {rng.choice([100, 200, 400])}", f, col2, "other", anchor="ld")
    c.text((w - m, h - m), rng.choice(["TRC-50DX", "Kowa nonmyd 8", "Visucam 524"]), f, col2, "other", anchor="rd")
    # a measurement annotation inside the retina
    c.text((int(w * 0.55), int(h * 0.6)), f"C/D {rng.uniform(0.2, 0.8):.2f}", c.font(regular, 16 * s), (0, 255, 128), "clinical")
    return c


# ---------------------------------------------------------------- held-out layouts (issue 17)
# Written after the classifier's rules, to measure it on layouts and wording it was not tuned on.

def sight_test_record(rng: random.Random, dpi: int) -> Canvas:
    """A printed sight-test record: surname and forename in separate fields, a refraction table."""
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    s = dpi / 150
    p = Person(rng)
    regular, bold = rng.choice(UI_FONTS[:2])
    c = Canvas(w, h, (255, 255, 255))
    c.patient = {"first": p.first, "last": p.last}
    f, fs, fb = c.font(regular, 12 * s), c.font(regular, 10.5 * s), c.font(bold, 15 * s)
    m = int(40 * s)
    practice = rng.choice(PRACTICES)
    c.text((m, m), practice, fb, (0, 0, 0), "identifier")
    c.text((m, m + int(22 * s)), f"{rng.randint(2, 140)} {rng.choice(STREETS)}, {rng.choice(TOWNS)}", fs, (60, 60, 60), "identifier")
    c.text((w - m, m), "Sight Test Record", fb, (0, 0, 0), "other", anchor="ra")
    y = m + int(60 * s)
    fields = [("Surname", p.last.upper(), "identifier"), ("Forename(s)", p.first, "identifier"),
              ("D.O.B.", p.dob_text(rng.randint(0, 2)), "identifier"), ("Patient no.", p.hosp, "identifier"),
              ("Tel.", p.landline, "identifier"), ("Date of test", date_text(rng), "identifier")]
    for i, (label, value, kind) in enumerate(fields):
        x = m + (i % 2) * (w - 2 * m) // 2
        yy = y + (i // 2) * int(20 * s)
        c.text((x, yy), label, fs, (90, 90, 90), "other")
        c.text((x + int(95 * s), yy), value, f, (0, 0, 0), kind)
    y += int(80 * s)
    c.text((m, y), "Reason for visit: routine, no symptoms", f, (0, 0, 0), "clinical")
    y += int(30 * s)
    c.text((m, y), "Refraction", fb, (0, 0, 0), "other")
    y += int(26 * s)
    cols = ["", "Sph", "Cyl", "Axis", "Add", "Prism", "VA"]
    for j, col in enumerate(cols):
        if col:
            c.text((m + j * int(70 * s), y), col, f, (0, 0, 0), "clinical")
    for eye in ["R", "L"]:
        y += int(20 * s)
        c.text((m, y), eye, f, (0, 0, 0), "clinical")
        vals = [f"{rng.choice([-1, 1]) * rng.randint(0, 24) * 0.25:+.2f}", f"-{rng.randint(0, 8) * 0.25:.2f}",
                str(rng.randint(1, 180)), f"+{rng.randint(4, 12) * 0.25:.2f}", "-", f"6/{rng.choice([5, 6, 9])}"]
        for j, v in enumerate(vals):
            c.text((m + (j + 1) * int(70 * s), y), v, f, (0, 0, 0), "clinical")
    y += int(40 * s)
    notes = [f"IOP (NCT) R {rng.randint(10, 21)} L {rng.randint(10, 21)} mmHg",
             f"Discs healthy, C/D R {rng.randint(2, 6) / 10:.1f} L {rng.randint(2, 6) / 10:.1f}",
             "Macula flat and dry both eyes", "Pupils equal and reactive, no RAPD",
             "Anterior eye: mild blepharitis, lid hygiene advised",
             f"Recall {rng.choice([12, 24])} months"]
    c.text((m, y), "Findings", fb, (0, 0, 0), "other")
    y += int(24 * s)
    for note in notes:
        c.text((m + int(10 * s), y), note, f, (0, 0, 0), "clinical")
        y += int(20 * s)
    fy = h - m
    c.text((m, fy), f"Optometrist: {rng.choice(FIRST)} {rng.choice(LAST)}  GOC 01-{rng.randint(10000, 99999)}", fs, (0, 0, 0), "identifier", anchor="ld")
    c.text((w - m, fy), f"Printed {date_text(rng)}", fs, (0, 0, 0), "identifier", anchor="rd")
    return c


def referral_letter(rng: random.Random, dpi: int) -> Canvas:
    """A referral letter: address block, salutation, free text with clinical findings."""
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    s = dpi / 150
    p = Person(rng)
    regular = rng.choice(SERIF)
    c = Canvas(w, h, (255, 255, 255))
    c.patient = {"first": p.first, "last": p.last}
    f, fb = c.font(regular, 13 * s), c.font(rng.choice(UI_FONTS)[1], 15 * s)
    m = int(60 * s)
    practice = rng.choice(PRACTICES)
    c.text((w - m, m), practice, fb, (0, 0, 0), "identifier", anchor="ra")
    c.text((w - m, m + int(20 * s)), f"Tel {p.landline[:-3]}{rng.randint(100, 999)}", f, (0, 0, 0), "identifier", anchor="ra")
    y = m + int(70 * s)
    for line in ["Ophthalmology Department", "Pendleford General Hospital", f"{rng.choice(TOWNS)} {postcode(rng)}"]:
        c.text((m, y), line, f, (0, 0, 0), "identifier")
        y += int(19 * s)
    y += int(20 * s)
    c.text((m, y), date_text(rng), f, (0, 0, 0), "identifier")
    y += int(40 * s)
    c.text((m, y), f"Re: {p.name(0)}, DOB {p.dob_text(0)}", fb, (0, 0, 0), "identifier")
    y += int(20 * s)
    c.text((m, y), f"{p.address[0]}, {p.address[1]} {p.postcode}", f, (0, 0, 0), "identifier")
    y += int(20 * s)
    c.text((m, y), f"NHS number {p.nhs}", f, (0, 0, 0), "identifier")
    y += int(40 * s)
    c.text((m, y), "Dear Colleague,", f, (0, 0, 0), "other")
    y += int(30 * s)
    body = [(f"I saw {p.title} {p.last} today for a routine examination.", "identifier"),
            ("Visual acuity R 6/9 L 6/18 with best correction.", "clinical"),
            (f"IOP R {rng.randint(22, 32)} L {rng.randint(14, 20)} mmHg (Goldmann).", "clinical"),
            ("There is inferior neuroretinal rim thinning in the right eye", "clinical"),
            ("with a matching superior arcuate defect on the field plot.", "clinical"),
            ("I would be grateful if you could see this patient", "other"),
            ("to rule out primary open angle glaucoma.", "clinical")]
    for text, kind in body:
        c.text((m, y), text, f, (0, 0, 0), kind)
        y += int(21 * s)
    y += int(30 * s)
    c.text((m, y), "Yours sincerely,", f, (0, 0, 0), "other")
    y += int(50 * s)
    c.text((m, y), f"{rng.choice(FIRST)} {rng.choice(LAST)} BSc MCOptom", f, (0, 0, 0), "identifier")
    return c


# ---------------------------------------------------------------- phone photos

# ---------------------------------------------------------------- phone photos

def homography(src, dst):
    """3x3 matrix mapping src points to dst points (four each)."""
    a = []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    _, _, vt = np.linalg.svd(np.array(a, np.float64))
    hm = vt[-1].reshape(3, 3)
    return hm / hm[2, 2]


def apply_h(hm, pts):
    out = []
    for x, y in pts:
        u, v, q = hm @ np.array([x, y, 1.0])
        out.append([u / q, v / q])
    return out


def photo(rng: random.Random, src: Canvas, screen: bool, size) -> Canvas:
    """A phone photo of `src` (a screen or a printout) in a frame of `size`, with labels mapped."""
    W, H = size
    bez = int(max(src.img.size) * 0.03) if screen else int(max(src.img.size) * 0.05)
    sw, sh = src.img.size
    framed = Image.new("RGB", (sw + 2 * bez, sh + 2 * bez), (12, 12, 14) if screen else (250, 249, 244))
    framed.paste(src.img, (bez, bez))
    fw, fh = framed.size
    fill = rng.uniform(0.78, 0.92)
    k = min(W * fill / fw, H * fill / fh)
    cw, ch = fw * k, fh * k
    cx, cy = W / 2 + rng.uniform(-0.04, 0.04) * W, H / 2 + rng.uniform(-0.04, 0.04) * H
    ang = math.radians(rng.uniform(-4, 4))
    corners = []
    for (dx, dy) in [(-1, -1), (1, -1), (1, 1), (-1, 1)]:
        x, y = dx * cw / 2, dy * ch / 2
        x, y = x * math.cos(ang) - y * math.sin(ang), x * math.sin(ang) + y * math.cos(ang)
        corners.append([cx + x + rng.uniform(-0.045, 0.045) * W, cy + y + rng.uniform(-0.045, 0.045) * H])
    # keystone: one side shorter, as when the phone is not square to the screen
    t = rng.uniform(0.0, 0.06)
    if rng.random() < 0.5:
        corners[0][0] += t * cw / 2; corners[1][0] -= t * cw / 2
    else:
        corners[1][1] += t * ch / 2; corners[2][1] -= t * ch / 2
    src_pts = [[0, 0], [fw, 0], [fw, fh], [0, fh]]
    hm = homography(src_pts, corners)
    inv = np.linalg.inv(hm)
    inv = inv / inv[2, 2]
    # background: desk or wall, a smooth gradient
    bgc = np.array(rng.choice([(70, 60, 50), (120, 115, 110), (40, 42, 48), (150, 135, 110)]), np.float32)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    warped = framed.transform((W, H), Image.PERSPECTIVE, tuple(inv.flatten()[:8]), Image.BICUBIC, fillcolor=(0, 0, 0))
    mask = Image.new("L", (fw, fh), 255).transform((W, H), Image.PERSPECTIVE, tuple(inv.flatten()[:8]), Image.BILINEAR, fillcolor=0)
    a = np.asarray(warped).astype(np.float32)
    mk = (np.asarray(mask).astype(np.float32) / 255.0)[..., None]
    bg = bgc[None, None, :] * (0.7 + 0.5 * (xx / W))[..., None]
    a = a * mk + bg * (1 - mk)
    del warped, bg
    if screen:
        # moire: the screen's pixel grid sampled by the camera's (aliases into broad bands)
        q = inv[2, 0] * xx + inv[2, 1] * yy + inv[2, 2]
        u = (inv[0, 0] * xx + inv[0, 1] * yy + inv[0, 2]) / q
        v = (inv[1, 0] * xx + inv[1, 1] * yy + inv[1, 2]) / q
        depth = rng.uniform(0.08, 0.16)
        grid = 1 - depth * (0.5 + 0.25 * np.cos(2 * np.pi * u) + 0.25 * np.cos(2 * np.pi * v))
        a *= (grid * mk[..., 0] + (1 - mk[..., 0]))[..., None]
        del q, u, v, grid
    # uneven light: a tilted plane and a soft highlight (glare on a screen, lamp on paper)
    gx, gy = rng.uniform(-0.25, 0.25), rng.uniform(-0.25, 0.25)
    light = 1 + gx * (xx / W - 0.5) + gy * (yy / H - 0.5)
    hx, hy = rng.uniform(0.2, 0.8) * W, rng.uniform(0.2, 0.8) * H
    glare = np.exp(-(((xx - hx) ** 2 + (yy - hy) ** 2) / (2 * (0.25 * W) ** 2)))
    a = a * light[..., None] + (rng.uniform(10, 35) * glare)[..., None]
    del light, glare, xx, yy
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    del a
    img = img.filter(ImageFilter.GaussianBlur(rng.choice([0.7, 1.0, 1.4])))
    g = np.random.default_rng(rng.randint(0, 2**31))
    a = np.asarray(img).astype(np.int16)
    a += g.normal(0, rng.uniform(3, 6), (H, W, 1)).astype(np.int16)
    a += g.normal(0, 2, (H, W, 3)).astype(np.int16)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    del a
    out = Canvas(W, H, (0, 0, 0))
    out.img = img
    for line in src.lines:
        quad = apply_h(hm, [[x + bez, y + bez] for x, y in line["quad"]])
        words = [{**w, "quad": apply_h(hm, [[x + bez, y + bez] for x, y in w["quad"]])} for w in line["words"]]
        out.lines.append({**line, "quad": quad, "px": line["px"] * k, "words": words})
    out.patient = src.patient
    return out


# ---------------------------------------------------------------- the set

def finish(c: Canvas, name: str, kind: str, out: pathlib.Path, jpeg: bool, quality: int = 88) -> dict:
    w, h = c.img.size
    lines = []
    for line in c.lines:
        quad = [[round(x, 1), round(y, 1)] for x, y in line["quad"]]
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        x0, y0 = max(0, math.floor(min(xs))), max(0, math.floor(min(ys)))
        x1, y1 = min(w, math.ceil(max(xs))), min(h, math.ceil(max(ys)))
        if x1 <= x0 or y1 <= y0:
            continue
        words = [{"text": wd["text"], "quad": [[round(x, 1), round(y, 1)] for x, y in wd["quad"]]} for wd in line["words"]]
        lines.append({"text": line["text"], "kind": line["kind"], "box": [x0, y0, x1 - x0, y1 - y0],
                      "quad": quad, "px": round(line["px"], 1), "words": words})
    file = f"{name}.jpg" if jpeg else f"{name}.png"
    if jpeg:
        c.img.save(out / file, quality=quality, subsampling=2)
    else:
        c.img.save(out / file, optimize=False, compress_level=6)
    label = {"image": file, "kind": kind, "width": w, "height": h, "patient": c.patient, "lines": lines}
    (out / f"{name}.json").write_text(json.dumps(label, indent=1, ensure_ascii=False))
    ids = sum(1 for ln in lines if ln["kind"] == "identifier")
    print(f"{file}: {w}x{h}, {len(lines)} lines ({ids} identifier)")
    return {"name": name, "image": file, "kind": kind, "width": w, "height": h}


def fixtures(out: pathlib.Path) -> None:
    """The tests' small images (committed, so a test needs neither Python nor fonts): a clean
    render for the classical path and a phone photo of one for the network path, with labels."""
    out.mkdir(parents=True, exist_ok=True)
    finish(screenshot(random.Random("fixture-render"), 1152, 648, False, 1.0), "render", "screenshot-light", out, jpeg=False)
    r = random.Random("fixture-photo")
    src = fundus_overlay(r, 800, 600)
    finish(photo(r, src, True, (1280, 960)), "photo", "photo-fundus-overlay", out, jpeg=True, quality=80)


def main():
    ap = argparse.ArgumentParser(description="Occlude text-finder evaluation set")
    ap.add_argument("--out", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parent.parent / "target" / "textset")
    ap.add_argument("--heldout", action="store_true", help="also the held-out layouts and seeds (heldout.json)")
    ap.add_argument("--big", action="store_true", help="also a 48 MP photo (memory measurement)")
    ap.add_argument("--big-only", action="store_true", help="only the 48 MP photo (index.json untouched)")
    ap.add_argument("--fixtures", type=pathlib.Path, help="write only the tests' small images to this folder")
    args = ap.parse_args()
    if args.fixtures:
        fixtures(args.fixtures)
        return
    args.out.mkdir(parents=True, exist_ok=True)

    makers = {
        "screenshot-light": [lambda r: screenshot(r, 2560, 1440, False, 1.0),
                             lambda r: screenshot(r, 1920, 1080, False, 1.0),
                             lambda r: screenshot(r, 3200, 1800, False, 1.5)],
        "screenshot-dark": [lambda r: screenshot(r, 2560, 1440, True, 1.0),
                            lambda r: screenshot(r, 1366, 768, True, 1.0),
                            lambda r: screenshot(r, 2880, 1800, True, 2.0)],
        "oct-report": [lambda r: oct_report(r, 150), lambda r: oct_report(r, 200), lambda r: oct_report(r, 250)],
        "vf-report": [lambda r: vf_report(r, 150), lambda r: vf_report(r, 200), lambda r: vf_report(r, 250)],
        "fundus-overlay": [lambda r: fundus_overlay(r, 1600, 1200), lambda r: fundus_overlay(r, 2576, 1934),
                           lambda r: fundus_overlay(r, 3216, 2136)],
    }
    index = []
    if args.big_only:
        makers = {}
    for kind, fns in makers.items():
        for i, fn in enumerate(fns):
            seed = f"{kind}-{i}"
            index.append(finish(fn(random.Random(seed)), f"{kind}-{i}", kind, args.out, jpeg=False))
        # the photos are of fresh renders (other patients) of the same layouts
        screen = kind in ("screenshot-light", "screenshot-dark", "fundus-overlay", "oct-report")
        for i, fn in enumerate(fns):
            r = random.Random(f"photo-{kind}-{i}")
            src = fn(r)
            portrait = src.img.size[1] > src.img.size[0]
            # one report of each kind photographed on paper, the others on a screen
            on_screen = screen if i != 1 else not screen
            if kind.startswith("screenshot"):
                on_screen = True
            size = (3024, 4032) if portrait else (4032, 3024)
            index.append(finish(photo(r, src, on_screen, size), f"photo-{kind}-{i}", f"photo-{kind}", args.out, jpeg=True))
    if args.big or args.big_only:
        r = random.Random("big-48mp")
        src = screenshot(r, 2560, 1440, False, 1.0)
        index.append(finish(photo(r, src, True, (8000, 6000)), "big-photo-screenshot", "big-photo", args.out, jpeg=True))
    if not args.big_only:
        (args.out / "index.json").write_text(json.dumps(index, indent=1))
    if args.heldout:
        # Held out from the classifier's tuning: two new layouts, and new seeds (other patients,
        # fonts and colours) of the five kinds above; written to heldout.json.
        held = []
        extra = {"sight-test": [lambda r: sight_test_record(r, 150), lambda r: sight_test_record(r, 200)],
                 "referral-letter": [lambda r: referral_letter(r, 150), lambda r: referral_letter(r, 200)]}
        for kind, fns in extra.items():
            for i, fn in enumerate(fns):
                held.append(finish(fn(random.Random(f"heldout-{kind}-{i}")), f"heldout-{kind}-{i}", f"heldout-{kind}", args.out, jpeg=False))
            r = random.Random(f"heldout-photo-{kind}")
            src = fns[0](r)
            held.append(finish(photo(r, src, False, (3024, 4032)), f"heldout-photo-{kind}", f"heldout-photo-{kind}", args.out, jpeg=True))
        for kind, fns in makers.items():
            r = random.Random(f"heldout-{kind}")
            held.append(finish(fns[0](r), f"heldout-{kind}", f"heldout-{kind}", args.out, jpeg=False))
        (args.out / "heldout.json").write_text(json.dumps(held, indent=1))


if __name__ == "__main__":
    main()
