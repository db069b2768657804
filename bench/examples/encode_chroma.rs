//! Native timings and sizes of Occlude's JPEG encoder at half (4:2:0) and full (4:4:4) colour
//! resolution on the 12 MP photo the benchmark makes (or a picture given as the first argument,
//! decoded as redaction sees it): the pixel path's encode plus the verifier's check of the file.
//! `cd bench && cargo run --release --example encode_chroma -- [picture or ""] [runs]`
use occlude::internals::encode::{encode_with, Chroma};
use occlude::internals::{burn, decode, verify};
use occlude::{OutputFormat, Rgb};
use occlude_bench::{boxes, median, photo};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let img = match args.get(1).filter(|p| !p.is_empty()) {
        Some(p) => {
            let bytes = std::fs::read(p).expect("read input");
            decode::decode(&bytes, Rgb::WHITE).expect("decode").image
        }
        None => photo(4000, 3000),
    };
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(7);
    let (w, h) = img.dimensions();
    let px = burn::resolve(&boxes(w, h), w, h).expect("boxes");
    let mut burned = img.clone();
    burn::burn(&mut burned, &px, Rgb::BLACK);
    println!("{w}×{h}, median of {runs} runs:");
    for (label, quality, chroma) in [
        ("4:2:0 q90", 90, Chroma::Half),
        ("4:4:4 q90, colour q90", 90, Chroma::Full { quality: 90 }),
        ("4:4:4 q90, colour q97", 90, Chroma::Full { quality: 97 }),
        ("4:4:4 q97, colour q97", 97, Chroma::Full { quality: 97 }),
    ] {
        let (mut enc, mut ver) = (vec![], vec![]);
        let mut size = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let bytes = encode_with(&burned, OutputFormat::Jpeg, quality, chroma).expect("encode");
            enc.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            verify::verify(&bytes, OutputFormat::Jpeg, w, h, &px, Rgb::BLACK).expect("verify");
            ver.push(t.elapsed().as_secs_f64() * 1e3);
            size = bytes.len();
        }
        println!(
            "  {label:22} encode {:7.1} ms, verify {:5.1} ms, {size:9} bytes",
            median(enc),
            median(ver)
        );
    }
}
