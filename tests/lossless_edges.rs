//! Hidden data beyond the image edge. When a JPEG's size is not a multiple of a component's block
//! size, the right and bottom blocks are partly outside the image; decoders crop that part, but
//! it can hold data (a `jpegtran -crop` keeps a strip of the cropped-away picture there). The
//! lossless path re-pads those blocks. Here a 64 × 64 picture with a "secret" in its last
//! columns and rows is encoded, then its frame header is rewritten to claim a smaller size, so
//! the secret lives in the invisible padding: a hand-made losslessly cropped file.
//!
//! Decoding of coefficients here uses this file's own textbook IDCT (independent of the
//! library's); pixels are compared with the `image` crate's decoder.

use image::RgbImage;
use occlude::internals::jpeg::{self, reader, Coefficients, ZIGZAG};
use occlude::{Options, Rect, Rgb};

mod common;

use common::{exif_orientation_block, fixture, seen};

/// Textbook 2-D IDCT straight from T.81 A.3.3: a block (zig-zag order) and its steps to samples
/// 0–255 (rounded and clamped, as a decoder shows them), row-major.
fn idct(block: &[i16], quant: &[u16; 64]) -> [f64; 64] {
    let mut f = [0.0f64; 64];
    for k in 0..64 {
        f[ZIGZAG[k]] = f64::from(block[k]) * f64::from(quant[k]);
    }
    let c = |u: usize| {
        if u == 0 {
            std::f64::consts::FRAC_1_SQRT_2
        } else {
            1.0
        }
    };
    let mut out = [0.0; 64];
    for y in 0..8 {
        for x in 0..8 {
            let mut s = 0.0;
            for v in 0..8 {
                for u in 0..8 {
                    s += c(u)
                        * c(v)
                        * f[v * 8 + u]
                        * (((2 * x + 1) * u) as f64 * std::f64::consts::PI / 16.0).cos()
                        * (((2 * y + 1) * v) as f64 * std::f64::consts::PI / 16.0).cos();
                }
            }
            out[y * 8 + x] = (s / 4.0 + 128.0).round().clamp(0.0, 255.0);
        }
    }
    out
}

/// A component's visible size in samples.
fn visible(img: &Coefficients, ci: usize) -> (usize, usize) {
    let c = &img.components[ci];
    (
        (img.width as usize * c.h).div_ceil(img.hmax),
        (img.height as usize * c.v).div_ceil(img.vmax),
    )
}

/// Every partial edge block of component `ci`: (bx, by, visible columns, visible rows).
fn partial_blocks(img: &Coefficients, ci: usize) -> Vec<(usize, usize, usize, usize)> {
    let (cw, ch) = visible(img, ci);
    let (vw, vh) = (cw.div_ceil(8), ch.div_ceil(8));
    let mut v = Vec::new();
    for by in 0..vh {
        for bx in 0..vw {
            let nx = (cw - 8 * bx).min(8);
            let ny = (ch - 8 * by).min(8);
            if nx < 8 || ny < 8 {
                v.push((bx, by, nx, ny));
            }
        }
    }
    v
}

/// Largest difference, over the partial edge blocks of component `ci`, between an invisible
/// sample and the visible sample it should replicate (same row's last visible column, or the
/// last visible row's sample in its column; the corner's corner sample).
fn hidden_deviation(img: &Coefficients, ci: usize) -> f64 {
    let c = &img.components[ci];
    let mut worst = 0.0f64;
    for (bx, by, nx, ny) in partial_blocks(img, ci) {
        let s = idct(c.block(bx, by).unwrap(), &c.quant);
        for y in 0..8 {
            for x in 0..8 {
                if x < nx && y < ny {
                    continue;
                }
                let (sx, sy) = (x.min(nx - 1), y.min(ny - 1));
                worst = worst.max((s[y * 8 + x] - s[sy * 8 + sx]).abs());
            }
        }
    }
    worst
}

/// A small bound for the re-padded blocks' invisible deviation, from the component's steps: the
/// rounding of each coefficient (uniform within ±½ step) leaves r.m.s. √(Σ q²/12)/8 per sample;
/// an invisible sample and its edge sample each carry that noise: 2 × 4 σ, plus a level for the
/// rounding of the samples themselves.
fn tolerance(quant: &[u16; 64]) -> f64 {
    let sum: f64 = quant
        .iter()
        .map(|&q| f64::from(q) * f64::from(q) / 12.0)
        .sum();
    2.0 * 4.0 * sum.sqrt() / 8.0 + 1.0
}

/// A smooth picture with a high-contrast, coloured "name" pattern wherever x ≥ `sx` or y ≥ `sy`.
fn secret_picture(w: u32, h: u32, sx: u32, sy: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        if x >= sx || y >= sy {
            // Letter-like strokes: bright red on dark blue, changing every pixel or two.
            if (x * 7 + y * 3) % 5 < 2 || (x + 2 * y) % 7 == 0 {
                image::Rgb([250, 40, 30])
            } else {
                image::Rgb([10, 20, 120])
            }
        } else {
            let r = 100 + (x * 60 / w) as u8 + ((x * y) % 5) as u8;
            let g = 110 + (y * 50 / h) as u8;
            let b = 90 + ((x + y) * 40 / (w + h)) as u8;
            image::Rgb([r, g, b])
        }
    })
}

/// Encodes `img`, then rewrites the frame header to claim `w` × `h` (same block grid): the
/// pixels beyond that are in the file but invisible.
fn cropped_file(
    img: &RgbImage,
    sampling: jpeg_encoder::SamplingFactor,
    quality: u8,
    orientation: u8,
    progressive: bool,
    (w, h): (u16, u16),
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, quality);
    e.set_sampling_factor(sampling);
    e.set_progressive(progressive);
    if orientation != 1 {
        e.add_exif_metadata(&exif_orientation_block(orientation))
            .unwrap();
    }
    let (w0, h0) = img.dimensions();
    e.encode(
        img.as_raw(),
        w0 as u16,
        h0 as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .unwrap();
    let sof = out
        .windows(2)
        .position(|m| m == [0xFF, 0xC0] || m == [0xFF, 0xC2])
        .unwrap();
    out[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    out[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    out
}

/// Where the edge band starts in the seen frame (pixels with x ≥ .0 or y ≥ .1): the first pixel
/// a partial block of any component reaches, less the chroma upsampling reach.
fn edge_band(out: &Coefficients) -> (u32, u32) {
    let mut band = (u32::MAX, u32::MAX);
    for (ci, k) in out.components.iter().enumerate() {
        let (sx, sy) = (out.hmax / k.h, out.vmax / k.v);
        let (cw, ch) = visible(out, ci);
        if cw % 8 != 0 {
            band.0 = band
                .0
                .min(((cw / 8 * 8 * sx) as u32).saturating_sub((sx / 2) as u32));
        }
        if ch % 8 != 0 {
            band.1 = band
                .1
                .min(((ch / 8 * 8 * sy) as u32).saturating_sub((sy / 2) as u32));
        }
    }
    band
}

/// Visible-pixel change of a redaction, outside the grown boxes.
#[derive(Debug, Default)]
struct Change {
    /// Largest channel difference outside the edge band (0 unless the file was turned).
    outside_max: u8,
    /// In the edge band: largest and mean channel difference.
    edge_max: u8,
    edge_mean: f64,
    edge_values: usize,
}

fn change(
    before: &RgbImage,
    after: &RgbImage,
    boxes: &[occlude::PixelBox],
    band: (u32, u32),
    ring: u32,
) -> Change {
    assert_eq!(before.dimensions(), after.dimensions());
    let mut c = Change::default();
    let mut sum = 0u64;
    for (x, y, p) in after.enumerate_pixels() {
        // Within `ring` px of a box, chroma upsampling blends in the fill.
        if boxes.iter().any(|b| {
            x + ring >= b.x
                && x < b.x + b.width + ring
                && y + ring >= b.y
                && y < b.y + b.height + ring
        }) {
            continue;
        }
        let q = before.get_pixel(x, y);
        if x >= band.0 || y >= band.1 {
            for k in 0..3 {
                let d = p.0[k].abs_diff(q.0[k]);
                c.edge_max = c.edge_max.max(d);
                sum += u64::from(d);
                c.edge_values += 1;
            }
        } else {
            let d = (0..3).map(|k| p.0[k].abs_diff(q.0[k])).max().unwrap();
            c.outside_max = c.outside_max.max(d);
        }
    }
    c.edge_mean = sum as f64 / c.edge_values.max(1) as f64;
    c
}

/// Runs `occlude::redact` with default options (the lossless path for JPEG) and one box, checks
/// (1) the input hides the secret beyond the edge, (2) the output does not, (3) every visible
/// pixel outside the box and the edge band is bit-identical, and returns the edge-band change.
fn redact_and_check(name: &str, input: &[u8], expect_repadded: bool) -> Change {
    let src = reader::read(input).unwrap();
    let orientation = jpeg::exif_orientation(input);
    // (1) The secret is there, in the stored frame (the turn only moves it).
    let luma_secret = hidden_deviation(&src, 0);
    assert!(
        luma_secret > 60.0,
        "{name}: the input hides no secret ({luma_secret})"
    );
    let before = seen(input);
    let (w, h) = before.dimensions();
    let boxes = [Rect::new(f64::from(w) * 0.3, f64::from(h) * 0.3, 7.0, 5.0)];
    let r = occlude::redact(input, &boxes, &Options::default()).unwrap();
    assert_eq!(
        r.report.path,
        occlude::Path::Lossless,
        "{name}: {}",
        r.report.path_reason
    );
    let out = reader::read(&r.bytes).unwrap();
    assert_eq!((out.width, out.height), (w, h), "{name}");
    // (2) No trace of the pattern: every invisible sample replicates the edge within the
    // quantisation noise of a re-encoded block.
    for ci in 0..out.components.len() {
        let dev = hidden_deviation(&out, ci);
        let tol = tolerance(&out.components[ci].quant);
        let before_dev = if orientation == 1 {
            hidden_deviation(&src, ci)
        } else {
            f64::NAN
        };
        eprintln!(
            "{name} component {ci}: invisible deviation from the edge {before_dev:.0} → {dev:.1} (tolerance {tol:.1})"
        );
        assert!(dev <= tol, "{name} component {ci}: {dev} > {tol}");
    }
    let reason = &r.report.path_reason;
    if expect_repadded {
        assert!(
            reason.starts_with("lossless: only the boxes changed (and ")
                && reason.contains(
                    "edge blocks were re-padded to remove hidden data beyond the image edge)"
                ),
            "{name}: {reason}"
        );
    }
    // (3) Outside the box and the edge band: the input's exact coefficients (after the same
    // lossless turn) and bit-identical pixels (within the few levels a turned block's integer
    // IDCT rounds differently, for turned files).
    let turned = jpeg::transform::orient(src.clone(), orientation).unwrap();
    let (mw, mh) = (8 * out.hmax, 8 * out.vmax);
    for (ci, (a, b)) in turned.components.iter().zip(&out.components).enumerate() {
        let partial = partial_blocks(&out, ci);
        for by in 0..a.vis_h {
            for bx in 0..a.vis_w {
                let (px, py) = ((bx / a.h * mw) as u32, (by / a.v * mh) as u32);
                let boxed =
                    r.report.boxes.iter().any(|g| {
                        px >= g.x && px < g.x + g.width && py >= g.y && py < g.y + g.height
                    });
                if !boxed && !partial.iter().any(|p| (p.0, p.1) == (bx, by)) {
                    assert_eq!(a.block(bx, by), b.block(bx, by), "{name} {ci} {bx},{by}");
                }
            }
        }
    }
    let ring = out
        .components
        .iter()
        .map(|k| (out.hmax / k.h).max(out.vmax / k.v) / 2)
        .max()
        .unwrap_or(0) as u32;
    let after = seen(&r.bytes);
    let c = change(&before, &after, &r.report.boxes, edge_band(&out), ring);
    let limit = if orientation == 1 { 0 } else { 4 };
    assert!(c.outside_max <= limit, "{name}: {c:?}");
    eprintln!(
        "{name}: edge band max {} mean {:.2} over {} channel values ({reason})",
        c.edge_max, c.edge_mean, c.edge_values
    );
    c
}

#[test]
fn a_cropped_444_file_loses_its_hidden_strip() {
    let img = secret_picture(64, 64, 57, 57);
    for progressive in [false, true] {
        let input = cropped_file(
            &img,
            jpeg_encoder::SamplingFactor::R_4_4_4,
            90,
            1,
            progressive,
            (57, 57),
        );
        let name = format!("4:4:4 57×57 progressive {progressive}");
        // The secret decodes from the input's own coefficients, in every component.
        let src = reader::read(&input).unwrap();
        for ci in 0..3 {
            assert!(hidden_deviation(&src, ci) > 60.0, "{name} {ci}");
        }
        redact_and_check(&name, &input, true);
        // Only the edge blocks changed: every other block outside the box has the input's exact
        // coefficients.
        let r = occlude::redact(
            &input,
            &[Rect::new(16.0, 16.0, 5.0, 5.0)],
            &Options::default(),
        )
        .unwrap();
        let out = reader::read(&r.bytes).unwrap();
        for (ci, (a, b)) in src.components.iter().zip(&out.components).enumerate() {
            for by in 0..a.vis_h {
                for bx in 0..a.vis_w {
                    let edge = bx + 1 == a.vis_w || by + 1 == a.vis_h;
                    let boxed = (2..3).contains(&bx) && (2..3).contains(&by);
                    if !edge && !boxed {
                        assert_eq!(a.block(bx, by), b.block(bx, by), "{name} {ci} {bx},{by}");
                    }
                }
            }
        }
    }
}

#[test]
fn a_cropped_420_file_loses_its_hidden_strip_in_chroma_too() {
    // 57 × 57: luma blocks 1 column visible, chroma blocks (29 samples) 5 visible.
    let img = secret_picture(64, 64, 57, 57);
    let input = cropped_file(
        &img,
        jpeg_encoder::SamplingFactor::R_4_2_0,
        90,
        1,
        false,
        (57, 57),
    );
    let src = reader::read(&input).unwrap();
    for ci in 0..3 {
        assert!(
            hidden_deviation(&src, ci) > 30.0,
            "chroma secret {ci}: {}",
            hidden_deviation(&src, ci)
        );
    }
    redact_and_check("4:2:0 57×57", &input, true);
    // 72 × 72 from 80 × 80: luma is whole blocks (9 × 8), chroma is not (36 samples: 4 visible
    // in the last block). Luma must stay bit-identical; chroma is re-padded.
    let img = secret_picture(80, 80, 72, 72);
    let input = cropped_file(
        &img,
        jpeg_encoder::SamplingFactor::R_4_2_0,
        90,
        1,
        false,
        (72, 72),
    );
    let src = reader::read(&input).unwrap();
    assert!(partial_blocks(&src, 0).is_empty());
    assert!(hidden_deviation(&src, 1) > 30.0 || hidden_deviation(&src, 2) > 30.0);
    let r = occlude::redact(
        &input,
        &[Rect::new(20.0, 20.0, 5.0, 5.0)],
        &Options::default(),
    )
    .unwrap();
    let out = reader::read(&r.bytes).unwrap();
    for ci in 1..3 {
        let dev = hidden_deviation(&out, ci);
        assert!(
            dev <= tolerance(&out.components[ci].quant),
            "72×72 chroma {ci}: {dev}"
        );
    }
    let (a, b) = (&src.components[0], &out.components[0]);
    for by in 0..a.vis_h {
        for bx in 0..a.vis_w {
            if !((2..4).contains(&bx) && (2..4).contains(&by)) {
                assert_eq!(a.block(bx, by), b.block(bx, by), "72×72 luma {bx},{by}");
            }
        }
    }
    assert!(
        r.report.path_reason.contains("edge blocks were re-padded"),
        "{}",
        r.report.path_reason
    );
}

#[test]
fn oriented_files_are_repadded_in_the_seen_frame() {
    // Orientation 6 (a quarter turn): stored 57 wide (hidden columns), 64 high; as seen 64 × 57
    // with the hidden strip at the bottom. Orientation 5 (transpose) keeps both partial edges.
    let img = secret_picture(64, 64, 57, 64);
    for sampling in [
        jpeg_encoder::SamplingFactor::R_4_4_4,
        jpeg_encoder::SamplingFactor::R_4_2_0,
    ] {
        let input = cropped_file(&img, sampling, 90, 6, false, (57, 64));
        assert_eq!(jpeg::exif_orientation(&input), 6);
        let c = redact_and_check(&format!("orientation 6 {sampling:?}"), &input, true);
        assert!(c.edge_values > 0);
        assert_eq!(seen(&input).dimensions(), (64, 57));
    }
    let img = secret_picture(64, 64, 57, 57);
    let input = cropped_file(
        &img,
        jpeg_encoder::SamplingFactor::R_4_2_0,
        90,
        5,
        false,
        (57, 57),
    );
    redact_and_check("orientation 5 4:2:0", &input, true);
    // Orientation 3 (half turn) cannot be done exactly with partial edges: the pixel path runs,
    // whose encoder pads by replicating edge pixels. No trace of the secret either way.
    let input = cropped_file(
        &img,
        jpeg_encoder::SamplingFactor::R_4_2_0,
        90,
        3,
        false,
        (57, 57),
    );
    let r = occlude::redact(
        &input,
        &[Rect::new(20.0, 20.0, 5.0, 5.0)],
        &Options::default(),
    )
    .unwrap();
    assert_eq!(
        r.report.path,
        occlude::Path::Pixels,
        "{}",
        r.report.path_reason
    );
    // Known from the frame header, before any coefficient is read.
    assert!(
        r.report.path_reason.contains("turn that is not exact"),
        "{}",
        r.report.path_reason
    );
    let out = reader::read(&r.bytes).unwrap();
    for ci in 0..3 {
        let dev = hidden_deviation(&out, ci);
        let tol = tolerance(&out.components[ci].quant);
        eprintln!("orientation 3 (pixel path) component {ci}: invisible deviation {dev:.1} (tolerance {tol:.1})");
        assert!(dev <= tol, "pixel path component {ci}: {dev}");
    }
}

#[test]
fn whole_block_sizes_are_untouched() {
    // Sizes that are multiples of every component's block size: no block is re-padded, every
    // block outside the box keeps its exact coefficients, in every orientation.
    let img = secret_picture(64, 48, 64, 48);
    for sampling in [
        jpeg_encoder::SamplingFactor::R_4_4_4,
        jpeg_encoder::SamplingFactor::R_4_2_0,
    ] {
        for o in [1u8, 3, 6] {
            let input = cropped_file(&img, sampling, 85, o, o == 6, (64, 48));
            let lossless =
                jpeg::lossless(&input, o, &[Rect::new(1.0, 1.0, 3.0, 3.0)], Rgb::BLACK).unwrap();
            assert_eq!(
                lossless.repadded,
                jpeg::edges::Repadded::default(),
                "{sampling:?} {o}"
            );
            let r = occlude::redact(
                &input,
                &[Rect::new(1.0, 1.0, 3.0, 3.0)],
                &Options::default(),
            )
            .unwrap();
            assert!(
                !r.report.path_reason.contains("re-padded"),
                "{}",
                r.report.path_reason
            );
            if o == 1 {
                let (a, b) = (
                    reader::read(&input).unwrap(),
                    reader::read(&r.bytes).unwrap(),
                );
                for (ka, kb) in a.components.iter().zip(&b.components) {
                    for by in 0..ka.vis_h {
                        for bx in 0..ka.vis_w {
                            if bx >= ka.h || by >= ka.v {
                                assert_eq!(
                                    ka.block(bx, by),
                                    kb.block(bx, by),
                                    "{sampling:?} {bx},{by}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    // Already clean edge blocks (a normal encoder's replicated padding) of a flat picture need
    // no change: a grey 57 × 57 file is written back with identical coefficients.
    let grey = RgbImage::from_pixel(57, 57, image::Rgb([120, 120, 120]));
    let mut input = Vec::new();
    jpeg_encoder::Encoder::new(&mut input, 90)
        .encode(grey.as_raw(), 57, 57, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    let out = jpeg::lossless(&input, 1, &[Rect::new(1.0, 1.0, 3.0, 3.0)], Rgb::BLACK).unwrap();
    assert_eq!(out.repadded.changed, 0, "{:?}", out.repadded);
    assert!(out.repadded.partial > 0);
}

#[test]
fn boxes_over_the_edge_stay_flat() {
    // A box over the bottom-right corner: its (partial) blocks are flat, and stay exactly so.
    let img = secret_picture(64, 64, 57, 57);
    let input = cropped_file(
        &img,
        jpeg_encoder::SamplingFactor::R_4_2_0,
        90,
        1,
        false,
        (57, 57),
    );
    let out = jpeg::lossless(&input, 1, &[Rect::new(50.0, 50.0, 7.0, 7.0)], Rgb::WHITE).unwrap();
    let c = reader::read(&out.bytes).unwrap();
    for (ci, k) in c.components.iter().enumerate() {
        let (bx, by) = (k.vis_w - 1, k.vis_h - 1);
        let b = k.block(bx, by).unwrap();
        assert!(b[1..].iter().all(|&v| v == 0), "component {ci}");
        // The other partial blocks of the component are re-padded as usual.
        assert!(
            hidden_deviation(&c, ci) <= tolerance(&k.quant),
            "component {ci}"
        );
    }
    let after = seen(&out.bytes);
    assert_eq!(after.get_pixel(56, 56).0, [255, 255, 255]);
}

/// The cost of re-padding: a 12 MP 4:2:0 image, 4001 × 3001 (every component has a partial
/// right column and bottom row), random busy coefficients. Prints the time (run with
/// `--release --nocapture` for the real figure); asserts only a loose debug-build bound.
#[test]
fn repadding_a_12_mp_image_visits_every_partial_block() {
    use occlude::internals::jpeg::Component;
    let (w, h) = (4001u32, 3001u32);
    let mut s = 0x2545_F491u32;
    let mut comp = |f: usize, quant: [u16; 64]| {
        let (mcux, mcuy) = (w.div_ceil(16) as usize, h.div_ceil(16) as usize);
        let (bw, bh) = (mcux * f, mcuy * f);
        let cw = (w as usize * f).div_ceil(2);
        let ch = (h as usize * f).div_ceil(2);
        let mut coefs = vec![0i16; bw * bh * 64];
        for (i, v) in coefs.iter_mut().enumerate() {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let k = i % 64;
            *v = ((s >> 26) as i16 - 32) / (1 + k as i16 / 8);
        }
        Component {
            h: f,
            v: f,
            quant,
            bw,
            bh,
            vis_w: cw.div_ceil(8),
            vis_h: ch.div_ceil(8),
            coefs,
        }
    };
    let q = [4u16; 64];
    let img = Coefficients {
        width: w,
        height: h,
        components: vec![comp(2, q), comp(1, q), comp(1, q)],
        hmax: 2,
        vmax: 2,
        progressive: false,
        restart_interval: 0,
    };
    let (mut best, mut warm) = (f64::MAX, f64::MAX);
    let mut done = jpeg::edges::Repadded::default();
    for _ in 0..30 {
        let mut copy = img.clone();
        let t = std::time::Instant::now();
        done = jpeg::edges::repad(&mut copy);
        best = best.min(t.elapsed().as_secs_f64() * 1e3);
        // Again on the re-padded copy, its edge blocks now in cache: the arithmetic alone.
        let t = std::time::Instant::now();
        jpeg::edges::repad(&mut copy);
        warm = warm.min(t.elapsed().as_secs_f64() * 1e3);
    }
    eprintln!(
        "12 MP 4:2:0 4001×3001: {done:?} in {best:.3} ms ({warm:.3} ms with the blocks in cache)"
    );
    // Luma: 501 + 376 − 1 partial blocks; chroma 251 + 188 − 1 each.
    assert_eq!(done.partial, 876 + 2 * 438);
}

/// Real photos "cropped" at the right and bottom edge as `jpegtran -crop` does it (the frame
/// header claims a smaller size; the cut-away strip stays in the edge blocks): the strip is
/// gone from the output, and the visible pixels of the re-padded blocks change by a few levels
/// on average. Prints the measured change.
#[test]
fn cropped_real_photos_change_by_requantisation_only() {
    let mut worst = (0u8, 0.0f64);
    for name in [
        "jpeg-photo.jpg",
        "jpeg-photo-progressive.jpg",
        "jpeg-baseline.jpg",
    ] {
        let full = fixture(name);
        let sof = full
            .windows(2)
            .position(|m| m == [0xFF, 0xC0] || m == [0xFF, 0xC2])
            .unwrap();
        for cut in [1u16, 3, 5, 8, 11, 15] {
            // 96 × 64 4:2:0 (16 × 16 MCUs): the block grid stays the same.
            let (w, h) = (96 - cut, 64 - cut);
            let mut input = full.clone();
            input[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
            input[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
            let before = seen(&input);
            let boxes = [Rect::new(20.0, 20.0, 10.0, 10.0)];
            let r = occlude::redact(&input, &boxes, &Options::default()).unwrap();
            assert_eq!(r.report.path, occlude::Path::Lossless);
            let out = reader::read(&r.bytes).unwrap();
            for ci in 0..out.components.len() {
                let dev = hidden_deviation(&out, ci);
                assert!(
                    dev <= tolerance(&out.components[ci].quant),
                    "{name} {w}×{h} {ci}: {dev}"
                );
            }
            let after = seen(&r.bytes);
            let c = change(&before, &after, &r.report.boxes, edge_band(&out), 1);
            assert_eq!(c.outside_max, 0, "{name} {w}×{h}");
            eprintln!(
                "{name} cropped to {w}×{h}: edge band max {} mean {:.2} over {} values",
                c.edge_max, c.edge_mean, c.edge_values
            );
            assert!(c.edge_mean < 3.0, "{name} {w}×{h}: {c:?}");
            worst = (worst.0.max(c.edge_max), worst.1.max(c.edge_mean));
        }
    }
    eprintln!(
        "real photos: worst edge band max {} mean {:.2}",
        worst.0, worst.1
    );
}
