//! Native timings of Occlude's own JPEG pixel decoder against the `image` crate's (zune-jpeg)
//! on the 12 MP q92 4:2:0 photo the benchmark makes (or a file given as the first argument).
//! `cd bench && cargo run --release --example jpeg_pixels -- [photo.jpg] [runs]`
use occlude::internals::encode;
use occlude::internals::jpeg::{pixels, reader};
use occlude::OutputFormat;
use occlude_bench::{median, photo};
use std::time::Instant;

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
