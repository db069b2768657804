//! Native timings of the redaction stages and the verifier on a JPEG file.
//! `cd bench && cargo run --release --example verify_bench -- photo.jpg [runs]`
use occlude::internals::{burn, decode, encode, verify};
use occlude::{Options, OutputFormat, Rgb};
use std::time::Instant;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let input = std::fs::read(&args[1]).expect("read input");
    let runs: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(5);
    let d = decode::decode(&input, Rgb::WHITE).expect("decode");
    let (w, h) = d.image.dimensions();
    let boxes = occlude_bench::boxes(w, h);
    println!("{} {w}×{h}, {} bytes", args[1], input.len());
    for (label, fmt) in [
        ("JPEG→JPEG", OutputFormat::Jpeg),
        ("JPEG→PNG", OutputFormat::Png),
    ] {
        let opts = Options {
            format: Some(fmt),
            ..Options::default()
        };
        let mut best: Option<occlude::Redaction> = None;
        let mut tot = f64::MAX;
        for _ in 0..runs {
            let t = Instant::now();
            let r = occlude::redact(&input, &boxes, &opts).expect("redact");
            let e = ms(t);
            if e < tot {
                tot = e;
                best = Some(r);
            }
        }
        let r = best.unwrap();
        let t = r.report.timings;
        println!(
            "redact {label} ({:?}): total {tot:.1} ms; decode {:.1} burn {:.1} encode {:.1} verify {:.1} ({:.0} %); {} bytes; structure {:?}",
            r.report.path, t.decode_ms, t.burn_ms, t.encode_ms, t.verify_ms,
            100.0 * t.verify_ms / tot, r.bytes.len(), r.report.verification.structure
        );
    }
    // The pixel path for JPEG output (the bench's orientation-6 case goes this way).
    let mut img = d.image;
    let pb = burn::resolve(&boxes, w, h).expect("boxes");
    burn::burn(&mut img, &pb, Rgb::BLACK);
    let (mut enc, mut ver) = (f64::MAX, f64::MAX);
    let mut bytes = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        bytes = encode::encode(&img, OutputFormat::Jpeg, 90).expect("encode");
        enc = enc.min(ms(t));
        let t = Instant::now();
        verify::verify(&bytes, OutputFormat::Jpeg, w, h, &pb, Rgb::BLACK).expect("verify");
        ver = ver.min(ms(t));
    }
    println!(
        "pixel path JPEG q90: encode {enc:.1} ms, verify {ver:.1} ms, {} bytes",
        bytes.len()
    );
    tables(&input);
}

/// Writer tables: Annex K against optimised, on the file's own coefficients.
#[allow(dead_code)]
fn tables(input: &[u8]) {
    use occlude::internals::jpeg::{reader, writer};
    let c = reader::read(input).expect("read");
    for t in [writer::Tables::Optimized, writer::Tables::AnnexK] {
        let mut best = f64::MAX;
        let mut len = 0;
        for _ in 0..5 {
            let s = Instant::now();
            len = writer::write(&c, t).expect("write").len();
            best = best.min(ms(s));
        }
        println!("writer {t:?}: {best:.1} ms, {len} bytes");
    }
}
