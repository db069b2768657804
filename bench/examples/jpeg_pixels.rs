//! Native timings of Occlude's own JPEG pixel decoder against the `image` crate's (zune-jpeg)
//! on the 12 MP q92 4:2:0 photo the benchmark makes (or a file given as the first argument).
//! `cd bench && cargo run --release --example jpeg_pixels -- [photo.jpg] [runs]`
use image::RgbImage;
use occlude::jpeg::{pixels, reader};
use occlude::{encode, OutputFormat};
use std::time::Instant;

/// The photo of `benches/core.rs`: smooth colour fields plus fine grain.
fn photo(w: u32, h: u32) -> RgbImage {
    let mut s = 0x0CC1_0DE5_EED5_u64;
    let mut next = move || {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        s.wrapping_mul(0x2545_F491_4F6C_DD1D)
    };
    let mut img = RgbImage::new(w, h);
    let (fw, fh) = (f64::from(w), f64::from(h));
    for (x, y, p) in img.enumerate_pixels_mut() {
        let (u, v) = (f64::from(x) / fw, f64::from(y) / fh);
        let base = [
            0.5 + 0.35 * (6.0 * u + 2.0 * v).sin() * (3.0 * v).cos(),
            0.45 + 0.3 * (4.0 * v - 5.0 * u).sin(),
            0.4 + 0.3 * (9.0 * u * v + 1.0).cos(),
        ];
        let grain = (next() >> 58) as f64 - 32.0;
        for (c, b) in p.0.iter_mut().zip(base) {
            *c = (b * 255.0 + grain * 0.5).clamp(0.0, 255.0) as u8;
        }
    }
    img
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let jpeg = match args.get(1) {
        Some(p) => std::fs::read(p).expect("read input"),
        None => encode::encode(&photo(4000, 3000), OutputFormat::Jpeg, 92).expect("jpeg"),
    };
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(7);
    let (mut read, mut render, mut zune, mut scaled) = (vec![], vec![], vec![], vec![]);
    for _ in 0..runs {
        let t = Instant::now();
        let c = reader::read(&jpeg).expect("read");
        read.push(t.elapsed().as_secs_f64() * 1e3);
        let t = Instant::now();
        let px = pixels::render(&c, 1).expect("render");
        render.push(t.elapsed().as_secs_f64() * 1e3);
        drop((c, px));
        let t = Instant::now();
        let img = image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg)
            .expect("zune")
            .into_rgb8();
        zune.push(t.elapsed().as_secs_f64() * 1e3);
        drop(img);
        let t = Instant::now();
        let px = pixels::decode_scaled(&jpeg, 2).expect("scaled");
        scaled.push(t.elapsed().as_secs_f64() * 1e3);
        drop(px);
    }
    let (r, p) = (median(read), median(render));
    println!("{} bytes, median of {runs} runs (ms):", jpeg.len());
    println!("  ours: read {r:.1} + render {p:.1} = {:.1}", r + p);
    println!("  ours 1/2 scale (read + render): {:.1}", median(scaled));
    println!("  image (zune-jpeg): {:.1}", median(zune));
}
