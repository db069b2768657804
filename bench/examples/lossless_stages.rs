//! Native timings of the lossless JPEG→JPEG stages (read, orient, wipe, repad, write, verify) on
//! the bench's deterministic 12 MP photo (kept in `photo.jpg` when that file is missing), or on
//! any JPEG given on the command line.
//! `cd bench && cargo run --release --example lossless_stages -- [photo.jpg] [runs]`
//! Prints the median of each stage and a hash of the written bytes (to check that a change to
//! the writer or reader leaves the output byte-identical).
use occlude::internals::jpeg::{edges, reader, transform, wipe, writer};
use occlude::internals::{encode, verify};
use occlude::{OutputFormat, Rgb};
use occlude_bench::{median, photo};
use std::time::Instant;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
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
    let boxes = occlude_bench::boxes(w, h);
    // ONLY=read or ONLY=write repeats that stage alone (for `perf stat` on a busy machine).
    if let Ok(only) = std::env::var("ONLY") {
        let mut bytes = 0;
        for _ in 0..runs {
            bytes += match only.as_str() {
                "read" => reader::read(&input).expect("read").components.len(),
                _ => writer::write(&c, writer::Tables::AnnexK)
                    .expect("write")
                    .len(),
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
    let _: &[occlude::PixelBox] = &grown;
    let names = [
        "read", "orient1", "wipe", "repad", "write", "verify", "orient8",
    ];
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
