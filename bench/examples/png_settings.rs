//! PNG encoder settings on a photo-like and a screenshot-like image: encode time, size and the
//! verifier's time. `cd bench && cargo run --release --example png_settings -- photo.jpg screen.png`
use occlude::internals::{burn, decode, verify};
use occlude::{OutputFormat, Rgb};
use std::time::Instant;

fn encode(img: &image::RgbImage, c: png::DeflateCompression, f: png::Filter) -> Vec<u8> {
    let mut out = Vec::with_capacity(img.as_raw().len() / 2);
    let mut enc = png::Encoder::new(&mut out, img.width(), img.height());
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_deflate_compression(c);
    enc.set_filter(f);
    let mut w = enc.write_header().expect("header");
    w.write_image_data(img.as_raw()).expect("data");
    w.finish().expect("finish");
    out
}

fn main() {
    for path in std::env::args().skip(1) {
        let input = std::fs::read(&path).expect("read");
        let d = decode::decode(&input, Rgb::WHITE).expect("decode");
        let (w, h) = d.image.dimensions();
        let boxes = occlude_bench::boxes(w, h);
        let mut img = d.image;
        let pb = burn::resolve(&boxes, w, h).expect("boxes");
        burn::burn(&mut img, &pb, Rgb::BLACK);
        println!("{path} {w}×{h}");
        use png::{DeflateCompression as D, Filter as F};
        for (name, c, f) in [
            (
                "Fast (ultrafast+adaptive)",
                D::FdeflateUltraFast,
                F::Adaptive,
            ),
            ("Fastest (ultrafast+Up)", D::FdeflateUltraFast, F::Up),
            ("ultrafast+Sub", D::FdeflateUltraFast, F::Sub),
            ("ultrafast+Paeth", D::FdeflateUltraFast, F::Paeth),
            ("zlib 1+adaptive", D::Level(1), F::Adaptive),
            ("zlib 1+Up", D::Level(1), F::Up),
        ] {
            let (mut te, mut tv) = (f64::MAX, f64::MAX);
            let mut bytes = Vec::new();
            for _ in 0..3 {
                let t = Instant::now();
                bytes = encode(&img, c, f);
                te = te.min(t.elapsed().as_secs_f64() * 1e3);
                let t = Instant::now();
                verify::verify(&bytes, OutputFormat::Png, w, h, &pb, Rgb::BLACK).expect("verify");
                tv = tv.min(t.elapsed().as_secs_f64() * 1e3);
            }
            println!(
                "  {name:28} encode {te:7.1} ms  verify {tv:6.1} ms  {:>10} bytes",
                bytes.len()
            );
        }
    }
}
