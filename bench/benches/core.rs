//! Native benchmark of Occlude's core stages on deterministic images made here:
//! a 12 MP (4000×3000) photographic JPEG (jpeg-encoder, via Occlude's own encoder, q92, with an
//! EXIF block spliced in: orientation 1 and 6) and a 2560×1440 screenshot-like PNG.
//!
//!   cd bench && cargo bench                 # everything (~2 minutes)
//!   cd bench && cargo bench -- png          # one group
//!
//! Stages: decode (sniff, decode, flatten, orient), burn, encode (JPEG 4:2:0 q90 / PNG fast),
//! verify, the pixel pipeline end to end, the lossless JPEG path, and `redact` as the app calls it.
//! Kept quick: 10 samples, short measurement; the browser benchmark is `tools/bench`.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use image::RgbImage;
use occlude::{burn, decode, encode, verify, OutputFormat, Rect, Rgb};
use std::hint::black_box;
use std::time::Duration;

/// A small deterministic PRNG (xorshift64*), so the images are the same on every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

/// Smooth colour fields plus fine grain: compresses like a photo (not like flat colour).
fn photo(w: u32, h: u32) -> RgbImage {
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
        let grain = (rng.next() >> 58) as f64 - 32.0; // ±32 levels of fine texture
        for (c, b) in p.0.iter_mut().zip(base) {
            *c = (b * 255.0 + grain * 0.5).clamp(0.0, 255.0) as u8;
        }
    }
    img
}

/// Flat UI colours, thin lines and glyph-like strokes: compresses like a screenshot.
fn screenshot(w: u32, h: u32) -> RgbImage {
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
        let mut x = 330 + (rng.next() % 40) as u32;
        while x < w - 60 {
            // A "word": a run of 7-px glyph strokes.
            let len = 3 + (rng.next() % 9) as u32;
            for _ in 0..len {
                let gh = 8 + (rng.next() % 5) as u32;
                fill(&mut img, x, y + 12 - gh, 1 + (rng.next() % 2) as u32, gh, [30, 30, 34]);
                fill(&mut img, x + 2, y + 4, 3, 1, [30, 30, 34]);
                x += 7;
            }
            x += 12 + (rng.next() % 30) as u32;
        }
    }
    img
}

/// Splices an EXIF APP1 (Make, Model, Orientation) in right after SOI.
fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
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
fn boxes(w: u32, h: u32) -> Vec<Rect> {
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

fn stages(c: &mut Criterion, name: &str, input: &[u8], out: OutputFormat) {
    let fill = Rgb::BLACK;
    let decoded = decode::decode(input, Rgb::WHITE).expect("decode").image;
    let (w, h) = decoded.dimensions();
    let rects = boxes(w, h);
    let px = burn::resolve(&rects, w, h).expect("boxes");
    let mut burned = decoded.clone();
    burn::burn(&mut burned, &px, fill);
    let encoded = encode::encode(&burned, out, 90).expect("encode");
    let options = occlude::Options {
        format: Some(out),
        ..Default::default()
    };

    let mut g = c.benchmark_group(name);
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    g.bench_function("decode", |b| {
        b.iter(|| decode::decode(black_box(input), Rgb::WHITE).unwrap())
    });
    g.bench_function("burn", |b| {
        b.iter_batched_ref(
            || decoded.clone(),
            |img| burn::burn(img, &px, fill),
            BatchSize::LargeInput,
        )
    });
    g.bench_function("encode", |b| {
        b.iter(|| encode::encode(black_box(&burned), out, 90).unwrap())
    });
    g.bench_function("verify", |b| {
        b.iter(|| verify::verify(black_box(&encoded), out, w, h, &px, fill).unwrap())
    });
    g.bench_function("pixel_pipeline", |b| {
        b.iter(|| {
            let mut img = decode::decode(black_box(input), Rgb::WHITE).unwrap().image;
            burn::burn(&mut img, &px, fill);
            let bytes = encode::encode(&img, out, 90).unwrap();
            verify::verify(&bytes, out, w, h, &px, fill).unwrap();
            bytes
        })
    });
    g.bench_function("redact", |b| {
        b.iter(|| occlude::redact(black_box(input), &rects, &options).unwrap())
    });
    g.finish();
    let r = occlude::redact(input, &rects, &options).unwrap();
    eprintln!(
        "{name}: {w}×{h}, input {} B, redact → {} B via {:?}",
        input.len(),
        r.bytes.len(),
        r.report.path
    );
}

fn bench(c: &mut Criterion) {
    let raw = photo(4000, 3000);
    let jpeg = encode::encode(&raw, OutputFormat::Jpeg, 92).expect("jpeg");
    drop(raw);
    let jpeg1 = with_exif(&jpeg, 1);
    let jpeg6 = with_exif(&jpeg, 6);
    stages(c, "jpeg12mp_o1_to_jpeg", &jpeg1, OutputFormat::Jpeg);
    stages(c, "jpeg12mp_o6_to_jpeg", &jpeg6, OutputFormat::Jpeg);
    stages(c, "jpeg12mp_o1_to_png", &jpeg1, OutputFormat::Png);

    let png = encode::encode(&screenshot(2560, 1440), OutputFormat::Png, 90).expect("png");
    stages(c, "png1440_to_png", &png, OutputFormat::Png);
}

criterion_group!(benches, bench);
criterion_main!(benches);
