//! What the native benchmarks share: the deterministic test pictures (a photo-like and a
//! screenshot-like image), an EXIF splice, the browser benchmark's boxes and a median.
//! The benchmarks themselves are benches/core.rs (criterion) and examples/*.rs.

use image::RgbImage;
use occlude::Rect;

/// A small deterministic PRNG (xorshift64*), so the images are the same on every run.
pub struct Rng(pub u64);
impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Smooth colour fields plus fine grain: compresses like a photo (not like flat colour).
pub fn photo(w: u32, h: u32) -> RgbImage {
    let mut rng = Rng(0x0CC1_0DE5_EED5_u64);
    let mut img = RgbImage::new(w, h);
    let (fw, fh) = (f64::from(w), f64::from(h));
    for (x, y, p) in img.enumerate_pixels_mut() {
        let (u, v) = (f64::from(x) / fw, f64::from(y) / fh);
        let base = [
            0.5 + 0.35 * (6.0 * u + 2.0 * v).sin() * (3.0 * v).cos(),
            0.45 + 0.3 * (4.0 * v - 5.0 * u).sin(),
            0.4 + 0.3 * (9.0 * u * v + 1.0).cos(),
        ];
        let grain = (rng.next_u64() >> 58) as f64 - 32.0; // ±32 levels of fine texture
        for (c, b) in p.0.iter_mut().zip(base) {
            *c = (b * 255.0 + grain * 0.5).clamp(0.0, 255.0) as u8;
        }
    }
    img
}

/// Flat UI colours, thin lines and glyph-like strokes: compresses like a screenshot.
pub fn screenshot(w: u32, h: u32) -> RgbImage {
    let mut rng = Rng(0x5C4EE2);
    let mut img = RgbImage::from_pixel(w, h, image::Rgb([246, 247, 249]));
    let fill = |img: &mut RgbImage, x0: u32, y0: u32, ww: u32, hh: u32, c: [u8; 3]| {
        for y in y0..(y0 + hh).min(h) {
            for x in x0..(x0 + ww).min(w) {
                img.put_pixel(x, y, image::Rgb(c));
            }
        }
    };
    fill(&mut img, 0, 0, w, 56, [32, 60, 100]); // title bar
    fill(&mut img, 0, 56, 300, h - 56, [228, 232, 238]); // sidebar
    for row in 0..60u32 {
        let y = 90 + row * 22;
        if y + 12 >= h {
            break;
        }
        fill(&mut img, 320, y + 17, w - 340, 1, [210, 214, 220]); // table rule
        let mut x = 330 + (rng.next_u64() % 40) as u32;
        while x < w - 60 {
            // A "word": a run of 7-px glyph strokes.
            let len = 3 + (rng.next_u64() % 9) as u32;
            for _ in 0..len {
                let gh = 8 + (rng.next_u64() % 5) as u32;
                fill(
                    &mut img,
                    x,
                    y + 12 - gh,
                    1 + (rng.next_u64() % 2) as u32,
                    gh,
                    [30, 30, 34],
                );
                fill(&mut img, x + 2, y + 4, 3, 1, [30, 30, 34]);
                x += 7;
            }
            x += 12 + (rng.next_u64() % 30) as u32;
        }
    }
    img
}

/// Splices an EXIF APP1 (Make, Model, Orientation) in right after SOI.
pub fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let make = b"BenchCam\0";
    let model = b"Model 12\0";
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());
    let entries = 3u16;
    let data_off = 8 + 2 + u32::from(entries) * 12 + 4;
    tiff.extend_from_slice(&entries.to_le_bytes());
    let mut entry = |tag: u16, typ: u16, count: u32, value: u32| {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&typ.to_le_bytes());
        tiff.extend_from_slice(&count.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
    };
    entry(0x010F, 2, make.len() as u32, data_off);
    entry(0x0110, 2, model.len() as u32, data_off + make.len() as u32);
    entry(0x0112, 3, 1, u32::from(orientation));
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff.extend_from_slice(make);
    tiff.extend_from_slice(model);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The same boxes as the browser benchmark: fractions of the image as seen.
pub fn boxes(w: u32, h: u32) -> Vec<Rect> {
    let (w, h) = (f64::from(w), f64::from(h));
    [
        (0.05, 0.05, 0.30, 0.06),
        (0.55, 0.40, 0.20, 0.15),
        (0.10, 0.85, 0.50, 0.05),
    ]
    .iter()
    .map(|&(x, y, bw, bh)| Rect::new(x * w, y * h, bw * w, bh * h))
    .collect()
}

/// The middle value of `v` (upper middle for an even count).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}
