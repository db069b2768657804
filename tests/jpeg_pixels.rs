//! Occlude's JPEG pixel decoder ([`occlude::internals::jpeg::pixels`]) against an independent one: Pillow
//! (libjpeg-turbo, islow IDCT, fancy upsampling) via python3, on the JPEG fixtures and on files
//! made at test time by Pillow and by jpeg-encoder (4:4:4 to 4:1:1, restarts, progressive, grey,
//! odd sizes). Every truncation of every fixture must be an error, never a panic.

use occlude::internals::jpeg::pixels::{decode, decode_scaled};
use occlude::internals::jpeg::Decline;

mod common;

use common::fixtures_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Makes Pillow's cases in `dir`, then decodes every `*.jpg` there to `*.rgb` (raw RGB) and, for
/// the scaled checks, `*.rgb2`/`*.rgb4`/`*.rgb8` (Pillow's draft mode: libjpeg's scaled IDCT).
const PILLOW: &str = r#"
import sys, os
import numpy as np
from PIL import Image
d = sys.argv[1]
def picture(w, h):
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    rng = np.random.default_rng(7)
    n = rng.integers(-12, 13, size=(h, w))
    r = 128 + 100 * np.sin(x / 9.0) * np.cos(y / 13.0) + n
    g = 128 + 90 * np.sin((x + y) / 17.0) + n
    b = (x * 255 // max(w - 1, 1) + y * 3) % 256
    b = np.where((x // 7 + y // 5) % 2 == 0, b, 255 - b)
    a = np.stack([r, g, b], axis=-1).clip(0, 255).astype(np.uint8)
    return Image.fromarray(a, "RGB")
sizes = [(1, 1), (17, 9), (203, 141), (4001, 3), (3, 67)]
for (w, h) in sizes:
    im = picture(w, h)
    for sub, name in [(0, "444"), (1, "422"), (2, "420")]:
        base = f"{d}/pil-{name}-{w}x{h}"
        im.save(base + ".jpg", quality=90, subsampling=sub)
        im.save(base + "-rst.jpg", quality=80, subsampling=sub, restart_marker_blocks=3)
        im.save(base + "-prog.jpg", quality=85, subsampling=sub, progressive=True)
        im.save(base + "-prog-rst.jpg", quality=75, subsampling=sub, progressive=True,
                restart_marker_rows=1)
    grey = im.convert("L")
    grey.save(f"{d}/pil-grey-{w}x{h}.jpg", quality=90)
    grey.save(f"{d}/pil-grey-{w}x{h}-prog-rst.jpg", quality=70, progressive=True,
              restart_marker_blocks=2)
picture(203, 141).save(f"{d}/pil-420-q100.jpg", quality=100, subsampling=2)
picture(203, 141).save(f"{d}/pil-444-q30.jpg", quality=30, subsampling=0)
for f in sorted(os.listdir(d)):
    if not f.endswith(".jpg"):
        continue
    p = os.path.join(d, f)
    try:
        with Image.open(p) as im:
            im.convert("RGB").save(p[:-4] + ".png")
    except Exception as e:  # the decompression-bomb fixture and the like
        print(f, e, file=sys.stderr)
        continue
    for denom in (2, 4, 8):
        with Image.open(p) as im:
            w, h = im.size
            im.draft(im.mode, (max(w // denom, 1), max(h // denom, 1)))
            if im.size == ((w + denom - 1) // denom, (h + denom - 1) // denom):
                im.convert("RGB").save(p[:-4] + f".s{denom}.png")
"#;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("occlude-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A picture with smooth areas, noise and sharp edges.
fn picture(w: u32, h: u32) -> Vec<u8> {
    let mut s = 12345u32;
    let mut out = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            s = s.wrapping_mul(1103515245).wrapping_add(12345);
            let n = ((s >> 16) & 31) as f64 - 16.0;
            let (xf, yf) = (x as f64, y as f64);
            let r = 128.0 + 100.0 * (xf / 9.0).sin() * (yf / 13.0).cos() + n;
            let g = 128.0 + 90.0 * ((xf + yf) / 17.0).sin() + n;
            let b = ((x * 255 / (w - 1).max(1) + y * 3) % 256) as f64;
            let b = if (x / 7 + y / 5) % 2 == 0 {
                b
            } else {
                255.0 - b
            };
            out.extend([r, g, b].map(|v| v.clamp(0.0, 255.0) as u8));
        }
    }
    out
}

/// jpeg-encoder's cases: the sampling factors Pillow cannot write (4:4:0, 4:1:1, …).
fn encoder_cases(dir: &Path) {
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor as S};
    let samplings = [
        ("440", S::R_4_4_0),
        ("411", S::R_4_1_1),
        ("410", S::R_4_1_0),
        ("441", S::R_4_4_1),
        ("421", S::R_4_2_1),
        ("420", S::R_4_2_0),
    ];
    for (w, h) in [(1u16, 1u16), (17, 9), (203, 141), (4001, 3), (5, 70)] {
        let px = picture(w.into(), h.into());
        for (name, sf) in samplings {
            for restart in [0u16, 1, 5] {
                let mut out = Vec::new();
                let mut e = Encoder::new(&mut out, 88);
                e.set_sampling_factor(sf);
                e.set_restart_interval(restart);
                e.encode(&px, w, h, ColorType::Rgb).unwrap();
                let f = dir.join(format!("enc-{name}-{w}x{h}-r{restart}.jpg"));
                std::fs::write(f, out).unwrap();
            }
        }
    }
}

fn fixtures() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for d in [fixtures_dir(), fixtures_dir().join("lossless")] {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "jpg") {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

fn rgb_of_png(p: &Path) -> (u32, u32, Vec<u8>) {
    let img = image::open(p).unwrap().into_rgb8();
    (img.width(), img.height(), img.into_raw())
}

/// Mean and largest absolute difference.
fn diff(a: &[u8], b: &[u8]) -> (f64, u8) {
    assert_eq!(a.len(), b.len());
    let (mut sum, mut max) = (0u64, 0u8);
    for (&x, &y) in a.iter().zip(b) {
        let d = x.abs_diff(y);
        sum += u64::from(d);
        max = max.max(d);
    }
    (sum as f64 / a.len().max(1) as f64, max)
}

#[test]
fn matches_pillow() {
    let dir = scratch("jpeg-pixels");
    encoder_cases(&dir);
    for f in fixtures() {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        std::fs::copy(&f, dir.join(format!("fix-{name}"))).unwrap();
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(PILLOW)
        .arg(&dir)
        .output()
        .expect("python3 with Pillow and numpy");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "jpg"))
        .collect();
    files.sort();
    let mut checked = 0;
    let mut scaled_checked = 0;
    let mut report = String::new();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(f).unwrap();
        let ours = match decode(&bytes) {
            Ok(p) => p,
            Err(Decline::Unsupported(why)) => {
                assert!(name.contains("cmyk"), "{name}: declined: {why}");
                continue;
            }
            Err(e) => {
                assert!(!f.with_extension("png").exists(), "{name}: {e}");
                continue;
            }
        };
        let (w, h, theirs) = rgb_of_png(&f.with_extension("png"));
        assert_eq!((ours.width, ours.height), (w, h), "{name}");
        let (mean, max) = diff(&ours.rgb, &theirs);
        report.push_str(&format!("{name}: mean {mean:.4} max {max}\n"));
        // Same IDCT, colour conversion and upsampling as libjpeg-turbo: exact but for
        // subsampling factors libjpeg upsamples differently at the edges.
        let subsampled_odd = name.contains("410")
            || name.contains("441")
            || name.contains("421")
            || name.contains("411");
        if subsampled_odd {
            assert!(mean < 0.5 && max <= 8, "{name}: mean {mean} max {max}");
        } else {
            assert!(mean < 0.01 && max <= 1, "{name}: mean {mean} max {max}");
        }
        checked += 1;
        for denom in [2u32, 4, 8] {
            let png = f.with_extension(format!("s{denom}.png"));
            if !png.exists() {
                continue;
            }
            let small = decode_scaled(&bytes, denom).unwrap();
            let (sw, sh, theirs) = rgb_of_png(&png);
            assert_eq!((small.width, small.height), (sw, sh), "{name} 1/{denom}");
            let (mean, max) = diff(&small.rgb, &theirs);
            report.push_str(&format!("  1/{denom}: mean {mean:.4} max {max}\n"));
            // A different reduced transform from libjpeg's (ours takes the low n×n frequencies
            // only): close on photos, further off on the synthetic pictures' sharp checkerboard.
            let bound = if name.contains("photo") { 1.0 } else { 10.0 };
            assert!(mean < bound, "{name} 1/{denom}: mean {mean} max {max}");
            scaled_checked += 1;
        }
    }
    eprintln!("{report}");
    assert!(checked > 150, "only {checked} files compared");
    assert!(
        scaled_checked > 100,
        "only {scaled_checked} scaled decodes compared"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_truncation_is_an_error() {
    for f in fixtures() {
        let bytes = std::fs::read(&f).unwrap();
        let Ok(full) = decode(&bytes) else { continue };
        assert!(full.width > 0);
        let end = occlude::internals::container::walk_jpeg(&bytes)
            .unwrap()
            .end;
        for cut in 0..end {
            assert!(
                decode(&bytes[..cut]).is_err(),
                "{}: a cut at {cut} decoded",
                f.display()
            );
        }
    }
}

/// A large JPEG's preview decodes at a reduced scale: the same size as before and close to
/// the full decode scaled down (which is what the preview was before).
#[test]
fn preview_decodes_at_a_reduced_scale() {
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor};
    let (w, h) = (1000u16, 600u16);
    let mut jpeg = Vec::new();
    let mut e = Encoder::new(&mut jpeg, 90);
    e.set_sampling_factor(SamplingFactor::R_4_2_0);
    // Smooth colour fields with fine grain, like a photo.
    let mut s = 1u32;
    let mut px = Vec::new();
    for y in 0..u32::from(h) {
        for x in 0..u32::from(w) {
            s = s.wrapping_mul(1103515245).wrapping_add(12345);
            let grain = ((s >> 16) & 15) as f64 - 8.0;
            let (u, v) = (f64::from(x) / 1000.0, f64::from(y) / 600.0);
            px.extend(
                [
                    128.0 + 90.0 * (6.0 * u + 2.0 * v).sin(),
                    120.0 + 80.0 * (4.0 * v - 5.0 * u).cos(),
                    100.0 + 70.0 * (9.0 * u * v).sin(),
                ]
                .map(|c| (c + grain).clamp(0.0, 255.0) as u8),
            );
        }
    }
    e.encode(&px, w, h, ColorType::Rgb).unwrap();
    for (max_side, pw, ph) in [(200, 200, 120), (300, 300, 180), (999, 999, 599)] {
        let p = occlude::preview(&jpeg, max_side, occlude::Rgb::WHITE).unwrap();
        assert_eq!((p.width, p.height), (1000, 600));
        assert_eq!((p.preview_width, p.preview_height), (pw, ph));
        let full = occlude::internals::decode::decode(&jpeg, occlude::Rgb::WHITE).unwrap();
        let small = image::imageops::thumbnail(&full.image, pw, ph);
        let old = image::DynamicImage::ImageRgb8(small)
            .into_rgba8()
            .into_raw();
        let (mean, _) = diff(&p.rgba, &old);
        assert!(mean < 1.5, "max side {max_side}: mean {mean}");
    }
}
