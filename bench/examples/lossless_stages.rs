//! Native timings of the lossless JPEG→JPEG stages (read, orient, wipe, repad, write, verify) on
//! the bench's deterministic 12 MP photo (kept in `photo.jpg` when that file is missing), or on
//! any JPEG given on the command line.
//! `cd bench && cargo run --release --example lossless_stages -- [photo.jpg] [runs]`
//! Prints the median of each stage and a hash of the written bytes (to check that a change to
//! the writer or reader leaves the output byte-identical).
use image::RgbImage;
use occlude::jpeg::{edges, reader, transform, wipe, writer};
use occlude::{burn, encode, verify, OutputFormat, Rect, Rgb};
use std::time::Instant;

/// The same xorshift64* and photo as benches/core.rs, so the image matches the criterion bench.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

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
        let grain = (rng.next() >> 58) as f64 - 32.0;
        for (c, b) in p.0.iter_mut().zip(base) {
            *c = (b * 255.0 + grain * 0.5).clamp(0.0, 255.0) as u8;
        }
    }
    img
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn fnv(b: &[u8]) -> u64 {
    b.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &x| {
        (h ^ u64::from(x)).wrapping_mul(0x100_0000_01b3)
    })
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let input = match args.get(1).filter(|a| a.parse::<usize>().is_err()) {
        Some(path) if std::path::Path::new(path).exists() => std::fs::read(path).expect("read"),
        keep => {
            let jpeg = encode::encode(&photo(4000, 3000), OutputFormat::Jpeg, 92).expect("encode");
            if let Some(path) = keep {
                std::fs::write(path, &jpeg).expect("write the photo");
            }
            jpeg
        }
    };
    let runs: usize = args
        .iter()
        .skip(1)
        .find_map(|s| s.parse().ok())
        .unwrap_or(9);
    let c = reader::read(&input).expect("read");
    let (w, h) = (c.width, c.height);
    let (fw, fh) = (f64::from(w), f64::from(h));
    let boxes: Vec<Rect> = [
        (0.05, 0.05, 0.30, 0.06),
        (0.55, 0.40, 0.20, 0.15),
        (0.10, 0.85, 0.50, 0.05),
    ]
    .iter()
    .map(|&(x, y, bw, bh)| Rect::new(x * fw, y * fh, bw * fw, bh * fh))
    .collect();
    // ONLY=read or ONLY=write repeats that stage alone (for `perf stat` on a busy machine).
    if let Ok(only) = std::env::var("ONLY") {
        let mut bytes = 0;
        for _ in 0..runs {
            bytes += match only.as_str() {
                "read" => reader::read(&input).expect("read").components.len(),
                _ => writer::write(&c, writer::Tables::AnnexK).expect("write").len(),
            };
        }
        println!("{only} ×{runs}: {bytes}");
        return;
    }
    drop(c);
    println!("{w}×{h}, {} bytes in", input.len());
    let mut t = [(); 7].map(|_| Vec::new());
    let mut out = Vec::new();
    let mut grown = Vec::new();
    for _ in 0..runs {
        let s = Instant::now();
        let c = reader::read(&input).expect("read");
        t[0].push(ms(s));
        let s = Instant::now();
        let mut c = transform::orient(c, 1).expect("orient");
        t[1].push(ms(s));
        let s = Instant::now();
        grown = wipe::wipe(&mut c, &boxes, Rgb::BLACK).expect("wipe");
        t[2].push(ms(s));
        let s = Instant::now();
        edges::repad(&mut c);
        t[3].push(ms(s));
        let s = Instant::now();
        out = writer::write(&c, writer::Tables::AnnexK).expect("write");
        t[4].push(ms(s));
        let s = Instant::now();
        verify::verify(&out, OutputFormat::Jpeg, w, h, &grown, Rgb::BLACK).expect("verify");
        t[5].push(ms(s));
        let s = Instant::now();
        let eight = transform::orient(c, 8).expect("orient 8");
        t[6].push(ms(s));
        drop(eight);
    }
    let _: &[burn::PixelBox] = &grown;
    let names = ["read", "orient1", "wipe", "repad", "write", "verify", "orient8"];
    let m: Vec<f64> = t.into_iter().map(median).collect();
    for (n, v) in names.iter().zip(&m) {
        print!("{n} {v:.1}  ");
    }
    println!(
        "\nread+orient+wipe+repad+write {:.1} ms; out {} bytes, fnv {:016x}",
        m[0] + m[1] + m[2] + m[3] + m[4],
        out.len(),
        fnv(&out)
    );
}
