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
use occlude::internals::{burn, decode, encode, verify};
use occlude::{OutputFormat, Rgb};
use occlude_bench::{boxes, photo, screenshot, with_exif};
use std::hint::black_box;
use std::time::Duration;

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
