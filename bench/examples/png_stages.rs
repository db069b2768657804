//! Native stage timings of the pixel path to PNG, against the `png` crate's own encoder and row
//! reader (the previous code): decode, encode, verify, sizes. Runs interleaved; medians.
//! `cd bench && cargo run --release --example png_stages -- photo.jpg screen.png [runs]`
use occlude::internals::{burn, decode, encode, verify};
use occlude::{OutputFormat, PixelBox, Rgb};
use std::time::Instant;

/// The previous encoder: the `png` crate with `Compression::Fastest` (photos) or zlib level 1
/// and adaptive filters (graphics).
fn old_encode(img: &image::RgbImage, photo: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(img.as_raw().len() / 2);
    let mut enc = png::Encoder::new(&mut out, img.width(), img.height());
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    if photo {
        enc.set_compression(png::Compression::Fastest);
    } else {
        enc.set_deflate_compression(png::DeflateCompression::Level(1));
        enc.set_filter(png::Filter::Adaptive);
    }
    let mut w = enc.write_header().unwrap();
    w.write_image_data(img.as_raw()).unwrap();
    w.finish().unwrap();
    out
}

/// The previous verifier's pixel part: the `png` crate's row reader down to the last box row.
fn old_rows(bytes: &[u8], boxes: &[PixelBox]) {
    let mut d = png::Decoder::new(std::io::Cursor::new(bytes));
    d.set_transformations(png::Transformations::IDENTITY);
    let mut r = d.read_info().unwrap();
    let last = boxes.iter().map(|b| b.y + b.height).max().unwrap();
    for y in 0..last {
        let row = r.next_row().unwrap().unwrap();
        let data = row.data();
        for b in boxes {
            if (b.y..b.y + b.height).contains(&y) {
                let px = &data[b.x as usize * 3..(b.x + b.width) as usize * 3];
                assert!(px.iter().all(|&v| v == 0));
            }
        }
    }
}

fn time<T>(v: &mut Vec<f64>, f: impl FnOnce() -> T) -> T {
    let s = Instant::now();
    let r = f();
    v.push(s.elapsed().as_secs_f64() * 1e3);
    r
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let runs = match args.last().and_then(|s| s.parse().ok()) {
        Some(n) => {
            args.pop();
            n
        }
        None => 5,
    };
    for path in args {
        let input = std::fs::read(&path).expect("read");
        let mut td = vec![];
        let mut d = None;
        for _ in 0..runs {
            d = Some(time(&mut td, || {
                decode::decode(&input, Rgb::WHITE).expect("decode")
            }));
        }
        let d = d.unwrap();
        let (mut tl, mut tf) = (vec![], vec![]);
        for _ in 0..runs {
            let dynimg = time(&mut tl, || image::load_from_memory(&input).expect("load"));
            time(&mut tf, || decode::flatten(dynimg, Rgb::WHITE));
        }
        println!(
            "  image crate decode {:.1} ms, flatten {:.1} ms",
            occlude_bench::median(tl.clone()),
            occlude_bench::median(tf.clone())
        );
        let (w, h) = d.image.dimensions();
        let rects = occlude_bench::boxes(w, h);
        let mut img = d.image;
        let pb = burn::resolve(&rects, w, h).expect("boxes");
        burn::burn(&mut img, &pb, Rgb::BLACK);
        let photo = encode::png_content(&img) == encode::PngContent::Photo;
        println!(
            "{path} {w}×{h} (photo {photo}): decode {:.1} ms",
            occlude_bench::median(td.clone())
        );
        let (mut te, mut to, mut tv, mut tvo, mut tvn) = (vec![], vec![], vec![], vec![], vec![]);
        let (mut new, mut old) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            new = time(&mut te, || {
                encode::encode(&img, OutputFormat::Png, 90).unwrap()
            });
            old = time(&mut to, || old_encode(&img, photo));
            time(&mut tv, || {
                verify::verify(&new, OutputFormat::Png, w, h, &pb, Rgb::BLACK).expect("verify")
            });
            time(&mut tvo, || old_rows(&new, &pb));
            time(&mut tvn, || old_rows(&old, &pb));
        }
        println!(
            "  new encode {:6.1} ms {:>10} B | old encode {:6.1} ms {:>10} B",
            occlude_bench::median(te.clone()),
            new.len(),
            occlude_bench::median(to.clone()),
            old.len()
        );
        println!(
            "  new verify {:6.1} ms | old row reader on the new file {:6.1} ms, on the old {:6.1} ms",
            occlude_bench::median(tv.clone()),
            occlude_bench::median(tvo.clone()),
            occlude_bench::median(tvn.clone())
        );
    }
}
