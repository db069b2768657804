//! The lossless JPEG path against an independent decoder (the `image` crate, i.e. zune-jpeg):
//! outside the grown boxes the output decodes identical to the input, inside exactly the fill;
//! every orientation, progressive and restart-interval inputs, odd sizes, sampling factors; and
//! every truncation of every JPEG fixture is an error, never a panic. Partial blocks along the
//! right and bottom edges are re-padded (tests/lossless_edges.rs): their visible pixels may
//! change by requantisation, so they are compared apart (the "edge band").

use image::RgbImage;
use occlude::internals::jpeg::{self, reader, writer, Decline};
use occlude::PixelBox;
use occlude::{Rect, Rgb};

mod common;

use common::{exif_orientation_block, fixture, fixtures_dir, seen};

/// How the output differs from the input outside the boxes and from the fill inside them.
#[derive(Debug, Default)]
struct Diff {
    /// Largest channel difference from the input outside the boxes, beyond `ring` px of an edge.
    outside_max: u8,
    /// Farthest distance (1 = touching) from a box of an outside pixel that differs at all.
    outside_ring: u32,
    /// Largest channel difference from the fill inside the boxes, deeper than `ring` px.
    inside_max: u8,
    /// Deepest position (1 = edge pixel) of an inside pixel that differs from the fill at all.
    inside_ring: u32,
    /// Outside the boxes, in the edge band (pixels a re-padded block reaches): largest and
    /// summed channel difference from the input, and the channel values compared.
    edge_max: u8,
    edge_sum: u64,
    edge_n: u64,
}

impl Diff {
    fn edge_mean(&self) -> f64 {
        self.edge_sum as f64 / self.edge_n.max(1) as f64
    }
}

/// Where the edge band starts (pixels at x ≥ .0 or y ≥ .1 are in it): the first pixel that a
/// partial edge block of any component reaches, less `ring` for chroma upsampling. `u32::MAX`
/// on a side with no partial block. `jpeg` is a file in the frame as seen (the output).
fn edge_band(jpeg: &[u8]) -> (u32, u32) {
    let c = reader::read(jpeg).unwrap();
    let mut band = (u32::MAX, u32::MAX);
    for k in &c.components {
        let (sx, sy) = (c.hmax / k.h, c.vmax / k.v);
        let cw = (c.width as usize * k.h).div_ceil(c.hmax);
        let ch = (c.height as usize * k.v).div_ceil(c.vmax);
        if cw % 8 != 0 {
            let x = (8 * (cw / 8) * sx) as u32;
            band.0 = band.0.min(x.saturating_sub((sx / 2) as u32));
        }
        if ch % 8 != 0 {
            let y = (8 * (ch / 8) * sy) as u32;
            band.1 = band.1.min(y.saturating_sub((sy / 2) as u32));
        }
    }
    band
}

fn compare(
    input: &RgbImage,
    output: &RgbImage,
    boxes: &[PixelBox],
    fill: Rgb,
    ring: u32,
    band: (u32, u32),
) -> Diff {
    assert_eq!(input.dimensions(), output.dimensions());
    let f = fill.to_array();
    let mut d = Diff::default();
    for (x, y, p) in output.enumerate_pixels() {
        let mut depth = 0u32; // inside: 1 + distance to the nearest edge of a containing box
        let mut dist = u32::MAX; // outside: Chebyshev distance to the nearest box
        for b in boxes {
            let (x1, y1) = (b.x + b.width, b.y + b.height);
            if x >= b.x && x < x1 && y >= b.y && y < y1 {
                let e = (x - b.x).min(x1 - 1 - x).min(y - b.y).min(y1 - 1 - y) + 1;
                depth = depth.max(e);
            } else {
                let dx = if x < b.x {
                    b.x - x
                } else {
                    x.saturating_sub(x1 - 1)
                };
                let dy = if y < b.y {
                    b.y - y
                } else {
                    y.saturating_sub(y1 - 1)
                };
                dist = dist.min(dx.max(dy));
            }
        }
        if depth > 0 {
            let dev = (0..3).map(|c| p.0[c].abs_diff(f[c])).max().unwrap();
            if dev > 0 {
                d.inside_ring = d.inside_ring.max(depth);
            }
            if depth > ring {
                d.inside_max = d.inside_max.max(dev);
            }
        } else if x >= band.0 || y >= band.1 {
            if dist <= ring {
                continue; // chroma upsampling blends the fill in here
            }
            let q = input.get_pixel(x, y);
            for c in 0..3 {
                let dev = p.0[c].abs_diff(q.0[c]);
                d.edge_max = d.edge_max.max(dev);
                d.edge_sum += u64::from(dev);
                d.edge_n += 1;
            }
        } else {
            let q = input.get_pixel(x, y);
            let dev = (0..3).map(|c| p.0[c].abs_diff(q.0[c])).max().unwrap();
            if dev > 0 {
                d.outside_ring = d.outside_ring.max(dist);
            }
            if dist > ring {
                d.outside_max = d.outside_max.max(dev);
            }
        }
    }
    d
}

fn boxes_for(w: u32, h: u32) -> Vec<Vec<Rect>> {
    let (wf, hf) = (f64::from(w), f64::from(h));
    vec![
        // One box in the middle, off the grid.
        vec![Rect::new(
            wf * 0.3 + 0.5,
            hf * 0.25 + 1.3,
            wf * 0.3,
            hf * 0.4,
        )],
        // A box touching the right and bottom edges and a tiny one at the top left.
        vec![
            Rect::new(wf * 0.7, hf * 0.6, wf, hf),
            Rect::new(1.0, 2.0, 2.0, 1.0),
        ],
    ]
}

/// Runs the lossless path and checks it against the decoded input. `ring` is the band at box
/// edges where chroma upsampling may blend (0 for 4:4:4 and grey, 1 for subsampled chroma).
fn check(name: &str, input: &[u8], fill: Rgb, ring: u32, exact_outside: bool) -> Vec<Diff> {
    check_with(name, input, fill, ring, exact_outside, false)
}

/// Every visible block outside the grown boxes carries exactly the input's coefficients, and
/// every block inside is flat (AC all zero); partial edge blocks carry exactly the input's block
/// re-padded (decoded, invisible samples replicated from the edge, quantised again).
fn same_coefficients_outside(name: &str, input: &[u8], out: &jpeg::Lossless) {
    let a = reader::read(input).unwrap();
    let b = reader::read(&out.bytes).unwrap();
    let (mw, mh) = out.mcu;
    let dct = jpeg::edges::Dct::new();
    let mut repadded = 0;
    for (ca, cb) in a.components.iter().zip(&b.components) {
        assert_eq!(ca.quant, cb.quant, "{name}");
        let cw = (a.width as usize * ca.h).div_ceil(a.hmax);
        let ch = (a.height as usize * ca.v).div_ceil(a.vmax);
        for by in 0..ca.vis_h {
            for bx in 0..ca.vis_w {
                // The pixel MCU this block belongs to.
                let (mx, my) = ((bx / ca.h) as u32 * mw, (by / ca.v) as u32 * mh);
                let inside = out
                    .boxes
                    .iter()
                    .any(|g| mx >= g.x && mx < g.x + g.width && my >= g.y && my < g.y + g.height);
                let (x, y) = (ca.block(bx, by).unwrap(), cb.block(bx, by).unwrap());
                if inside {
                    assert!(
                        y[1..].iter().all(|&v| v == 0),
                        "{name}: block {bx},{by} not flat"
                    );
                } else {
                    let nx = if bx + 1 == ca.vis_w { cw - 8 * bx } else { 8 };
                    let ny = if by + 1 == ca.vis_h { ch - 8 * by } else { 8 };
                    let x: &[i16; 64] = x.try_into().unwrap();
                    let mut want = *x;
                    if (nx < 8 || ny < 8) && x[1..].iter().any(|&v| v != 0) {
                        let mut s = dct.decode_block(x, &ca.quant);
                        jpeg::edges::to_pixels(&mut s);
                        jpeg::edges::replicate(&mut s, nx, ny);
                        want = dct.encode_block(&s, &ca.quant);
                        repadded += usize::from(want != *x);
                    }
                    assert_eq!(&want[..], y, "{name}: block {bx},{by} changed");
                }
            }
        }
    }
    assert_eq!(repadded, out.repadded.changed, "{name}");
}

/// `skip_pixels`: only the coefficient and verifier checks (for inputs the independent decoder
/// is known to decode wrongly).
fn check_with(
    name: &str,
    input: &[u8],
    fill: Rgb,
    ring: u32,
    exact_outside: bool,
    skip_pixels: bool,
) -> Vec<Diff> {
    let orientation = jpeg::exif_orientation(input);
    let before = seen(input);
    let (w, h) = before.dimensions();
    let mut diffs = Vec::new();
    for boxes in boxes_for(w, h) {
        let out = jpeg::lossless(input, orientation, &boxes, fill)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((out.width, out.height), (w, h), "{name}");
        // The verifier every export passes, with the grown boxes.
        verify_output(name, &out, fill);
        let after = seen(&out.bytes);
        // Every requested box lies within its grown box, and grown boxes sit on the MCU grid.
        let requested = occlude::internals::burn::resolve(&boxes, w, h).unwrap();
        for (r, g) in requested.iter().zip(&out.boxes) {
            assert!(g.x <= r.x && g.y <= r.y, "{name}");
            assert!(g.x + g.width >= r.x + r.width && g.y + g.height >= r.y + r.height);
            assert_eq!((g.x % out.mcu.0, g.y % out.mcu.1), (0, 0), "{name}");
        }
        if orientation == 1 {
            same_coefficients_outside(name, input, &out);
        }
        if skip_pixels {
            continue;
        }
        let d = compare(
            &before,
            &after,
            &out.boxes,
            fill,
            ring,
            edge_band(&out.bytes),
        );
        let grey_fill = fill.r == fill.g && fill.g == fill.b;
        assert!(
            d.outside_ring <= ring || !exact_outside,
            "{name} fill {fill}: outside pixels differ {} px from a box: {d:?}",
            d.outside_ring
        );
        if exact_outside {
            assert_eq!(d.outside_max, 0, "{name}: {d:?}");
        } else {
            // A turned block's IDCT rounds differently from turning the decoded block (integer
            // row/column passes and chroma upsampling are not symmetric): a few levels.
            assert!(d.outside_max <= 4, "{name}: {d:?}");
        }
        if grey_fill {
            assert!(d.inside_ring <= ring, "{name} fill {fill}: {d:?}");
        } else {
            assert!(d.inside_max <= 3, "{name} fill {fill}: {d:?}");
        }
        // Re-padded edge blocks: requantisation only (measured: mean ≤ 1.6, max ≤ 23 levels on
        // these noisy pictures and fixtures).
        assert!(
            d.edge_mean() <= 2.5 && d.edge_max <= 40,
            "{name}: edge band {d:?}"
        );
        eprintln!(
            "{name}: {} edge blocks re-padded, edge band max {} mean {:.3} over {} values",
            out.repadded.changed,
            d.edge_max,
            d.edge_mean(),
            d.edge_n
        );
        diffs.push(d);
    }
    diffs
}

fn verify_output(name: &str, out: &jpeg::Lossless, fill: Rgb) {
    let (w, h) = (out.width, out.height);
    {
        let v = occlude::internals::verify::verify(
            &out.bytes,
            occlude::OutputFormat::Jpeg,
            w,
            h,
            &out.boxes,
            fill,
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            v.structure,
            ["SOI", "DQT", "SOF0", "DHT", "DRI", "SOS", "EOI"],
            "{name}"
        );
    }
}

fn ring_for(input: &[u8]) -> u32 {
    let c = reader::read(input).unwrap();
    let ratio = c
        .components
        .iter()
        .map(|k| (c.hmax / k.h).max(c.vmax / k.v))
        .max()
        .unwrap_or(1);
    (ratio / 2) as u32
}

const PLAIN: [&str; 15] = [
    "jpeg-baseline.jpg",
    "jpeg-progressive.jpg",
    "jpeg-photo.jpg",
    "jpeg-photo-progressive.jpg",
    "jpeg-gray.jpg",
    "jpeg-comment.jpg",
    "jpeg-exif-full.jpg",
    "jpeg-icc.jpg",
    "jpeg-xmp.jpg",
    "jpeg-iptc.jpg",
    "jpeg-trailing.jpg",
    "lossless/prog-restart-420.jpg",
    "lossless/prog-444-odd.jpg",
    "lossless/gray-prog-restart.jpg",
    "lossless/seq-422-restart.jpg",
];

#[test]
fn fixtures_identical_outside_and_fill_inside() {
    for name in PLAIN.iter().chain(["lossless/q100-444.jpg"].iter()) {
        let input = fixture(name);
        let ring = ring_for(&input);
        for fill in [
            Rgb::BLACK,
            Rgb::WHITE,
            Rgb {
                r: 77,
                g: 77,
                b: 77,
            },
        ] {
            check(name, &input, fill, ring, true);
        }
    }
}

#[test]
fn colour_fills_within_a_level_or_three() {
    for name in [
        "jpeg-photo.jpg",
        "lossless/prog-444-odd.jpg",
        "lossless/q100-444.jpg",
    ] {
        let input = fixture(name);
        let ring = ring_for(&input);
        for fill in [
            Rgb { r: 255, g: 0, b: 0 },
            Rgb {
                r: 30,
                g: 200,
                b: 90,
            },
        ] {
            let d = check(name, &input, fill, ring, true);
            eprintln!(
                "{name} {fill}: inside max deviation {:?}",
                d.iter().map(|d| d.inside_max).collect::<Vec<_>>()
            );
        }
    }
}

#[test]
fn all_eight_orientations() {
    for o in 1..=8u8 {
        let name = format!("orient-{o}.jpg");
        let input = fixture(&name);
        assert_eq!(jpeg::exif_orientation(&input), o);
        // Turning in the DCT domain commutes with the IDCT up to its integer rounding.
        let diffs = check(&name, &input, Rgb::BLACK, 1, o == 1);
        eprintln!(
            "{name}: outside max deviation {:?}",
            diffs.iter().map(|d| d.outside_max).collect::<Vec<_>>()
        );
    }
}

/// A deterministic photo-like picture: gradients, waves and noise.
fn picture(w: u32, h: u32, seed: u32) -> RgbImage {
    picture_with_noise(w, h, seed, 27)
}

/// `shift` 27 gives ±16 levels of noise, 29 gives ±4.
fn picture_with_noise(w: u32, h: u32, seed: u32, shift: u32) -> RgbImage {
    let half = 1i32 << (31 - shift);
    let mut s = seed;
    RgbImage::from_fn(w, h, |x, y| {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let n = (s >> shift) as i32 - half;
        let (xf, yf) = (f64::from(x), f64::from(y));
        let r = 128.0 + 100.0 * (xf / 9.0).sin() * (yf / 13.0).cos();
        let g = 128.0 + 90.0 * ((xf + yf) / 17.0).sin();
        let b = f64::from((x * 255 / w.max(2) + y * 3) % 256);
        let c = |v: f64| (v as i32 + n).clamp(0, 255) as u8;
        image::Rgb([c(r), c(g), c(b)])
    })
}

fn encode(
    img: &RgbImage,
    sampling: jpeg_encoder::SamplingFactor,
    restart: u16,
    progressive: bool,
    orientation: u8,
    quality: u8,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, quality);
    e.set_sampling_factor(sampling);
    e.set_restart_interval(restart);
    e.set_progressive(progressive);
    if orientation != 1 {
        e.add_exif_metadata(&exif_orientation_block(orientation))
            .unwrap();
    }
    let (w, h) = img.dimensions();
    e.encode(
        img.as_raw(),
        w as u16,
        h as u16,
        jpeg_encoder::ColorType::Rgb,
    )
    .unwrap();
    out
}

#[test]
fn sampling_factors_restarts_progressive_and_odd_sizes() {
    use jpeg_encoder::SamplingFactor as S;
    for (sampling, label) in [
        (S::R_4_4_4, "4:4:4"),
        (S::R_4_2_2, "4:2:2"),
        (S::R_4_2_0, "4:2:0"),
        (S::R_4_4_0, "4:4:0"),
        (S::R_4_1_1, "4:1:1"),
    ] {
        for (w, h) in [(64, 48), (131, 77)] {
            for restart in [0, 1, 5] {
                for progressive in [false, true] {
                    let img = picture(w, h, w * 31 + restart as u32);
                    let input = encode(&img, sampling, restart, progressive, 1, 88);
                    let name =
                        format!("{label} {w}×{h} restart {restart} progressive {progressive}");
                    let ring = match sampling {
                        S::R_4_4_4 => 0,
                        S::R_4_1_1 => 2,
                        _ => 1,
                    };
                    // zune-jpeg 0.5 decodes 4:1:1 with restart intervals wrongly (libjpeg decodes
                    // the input and our output identically): coefficients only for those.
                    let skip = matches!(sampling, S::R_4_1_1) && restart != 0;
                    check_with(&name, &input, Rgb::BLACK, ring, true, skip);
                }
            }
        }
    }
}

#[test]
fn orientations_need_whole_mcus_to_flip() {
    // 4:2:0 is a 16 × 16 MCU: 131 × 77 leaves partial MCUs on both sides.
    let img = picture(131, 77, 5);
    for o in 1..=8u8 {
        let input = encode(&img, jpeg_encoder::SamplingFactor::R_4_2_0, 0, false, o, 90);
        let r = jpeg::lossless(
            &input,
            jpeg::exif_orientation(&input),
            &[Rect::new(3.0, 3.0, 9.0, 9.0)],
            Rgb::BLACK,
        );
        match o {
            1 | 5 => {
                let out = r.unwrap_or_else(|e| panic!("orientation {o}: {e}"));
                let before = seen(&input);
                let after = seen(&out.bytes);
                let d = compare(
                    &before,
                    &after,
                    &out.boxes,
                    Rgb::BLACK,
                    1,
                    edge_band(&out.bytes),
                );
                assert!(d.outside_max <= 4, "orientation {o}: {d:?}");
            }
            _ => match r {
                Err(Decline::Unsupported(why)) => assert!(why.contains("not exact"), "{why}"),
                other => panic!("orientation {o}: {other:?}"),
            },
        }
    }
    // With whole MCUs every orientation is exact.
    let img = picture(96, 64, 6);
    for o in 1..=8u8 {
        for progressive in [false, true] {
            let input = encode(
                &img,
                jpeg_encoder::SamplingFactor::R_4_2_0,
                3,
                progressive,
                o,
                90,
            );
            check(
                &format!("generated orientation {o}"),
                &input,
                Rgb::BLACK,
                1,
                o == 1,
            );
        }
    }
}

#[test]
fn grey_files_take_grey_fills_only() {
    let input = fixture("jpeg-gray.jpg");
    let r = jpeg::lossless(
        &input,
        1,
        &[Rect::new(0.0, 0.0, 9.0, 9.0)],
        Rgb { r: 255, g: 0, b: 0 },
    );
    assert!(
        matches!(r, Err(Decline::Unsupported(ref s)) if s.contains("greyscale")),
        "{r:?}"
    );
    assert!(jpeg::lossless(&input, 1, &[Rect::new(0.0, 0.0, 9.0, 9.0)], Rgb::WHITE).is_ok());
}

#[test]
fn unsupported_variants_decline() {
    let unsupported = |bytes: &[u8], what: &str| match jpeg::lossless(
        bytes,
        1,
        &[Rect::new(0.0, 0.0, 9.0, 9.0)],
        Rgb::BLACK,
    ) {
        Err(Decline::Unsupported(s)) => assert!(s.contains(what), "{s}"),
        other => panic!("{what}: {other:?}"),
    };
    unsupported(&fixture("jpeg-cmyk.jpg"), "CMYK");
    let base = fixture("jpeg-baseline.jpg");
    let sof = base.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    for (marker, what) in [
        (0xC9u8, "arithmetic"),
        (0xC3, "lossless"),
        (0xC5, "hierarchical"),
    ] {
        let mut b = base.clone();
        b[sof + 1] = marker;
        unsupported(&b, what);
    }
    let mut twelve = base.clone();
    twelve[sof + 4] = 12;
    unsupported(&twelve, "12-bit");
    // Bad boxes are the caller's error, not a reason to fall back.
    assert!(matches!(
        jpeg::lossless(&base, 1, &[Rect::new(500.0, 0.0, 9.0, 9.0)], Rgb::BLACK),
        Err(Decline::Fatal(occlude::Error::BadBox { .. }))
    ));
    assert!(matches!(
        jpeg::lossless(
            &fixture("bomb-jpeg-65500.jpg"),
            1,
            &[Rect::new(0.0, 0.0, 9.0, 9.0)],
            Rgb::BLACK
        ),
        Err(Decline::Fatal(occlude::Error::TooLarge { .. }))
    ));
    for name in ["empty.jpg", "not-image-text.jpg", "png-rgb8.png"] {
        let r = jpeg::lossless(
            &fixture(name),
            1,
            &[Rect::new(0.0, 0.0, 9.0, 9.0)],
            Rgb::BLACK,
        );
        assert!(matches!(r, Err(Decline::Corrupt(_))), "{name}: {r:?}");
    }
}

fn jpeg_fixtures() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".jpg"))
        .collect();
    v.extend(
        PLAIN
            .iter()
            .filter(|n| n.starts_with("lossless/"))
            .map(|s| s.to_string()),
    );
    v.push("lossless/q100-444.jpg".into());
    v.sort();
    v
}

#[test]
fn every_truncation_is_an_error_never_a_panic() {
    let boxes = [Rect::new(1.0, 1.0, 20.0, 20.0)];
    for name in jpeg_fixtures() {
        let input = fixture(&name);
        let end = occlude::internals::container::walk_jpeg(&input)
            .map(|w| w.end)
            .unwrap_or(usize::MAX);
        for n in 0..input.len() {
            let r = jpeg::lossless(&input[..n], 1, &boxes, Rgb::BLACK);
            if n < end {
                assert!(
                    r.is_err(),
                    "{name} cut at {n} of {} was accepted",
                    input.len()
                );
            }
        }
    }
}

#[test]
fn damaged_bytes_are_an_error_or_a_clean_file() {
    // Every byte of two small fixtures flipped in turn: never a panic; when the damage still
    // reads, the output is a valid file of the same size.
    let boxes = [Rect::new(1.0, 1.0, 20.0, 20.0)];
    for name in [
        "jpeg-progressive.jpg",
        "lossless/gray-prog-restart.jpg",
        "jpeg-baseline.jpg",
    ] {
        let input = fixture(name);
        for i in 0..input.len() {
            for x in [0x01u8, 0x80, 0xFF] {
                let mut b = input.clone();
                b[i] ^= x;
                if let Ok(out) = jpeg::lossless(&b, 1, &boxes, Rgb::BLACK) {
                    let img = image::load_from_memory(&out.bytes)
                        .unwrap_or_else(|e| panic!("{name} byte {i}: {e}"));
                    assert_eq!((img.width(), img.height()), (out.width, out.height));
                }
            }
        }
    }
}

#[test]
fn reading_a_written_file_gives_the_same_coefficients() {
    for name in PLAIN {
        let input = fixture(name);
        let c = reader::read(&input).unwrap();
        for tables in [writer::Tables::Optimized, writer::Tables::AnnexK] {
            let bytes = writer::write(&c, tables).unwrap();
            let again = reader::read(&bytes).unwrap();
            assert_eq!((again.width, again.height), (c.width, c.height));
            for (a, b) in again.components.iter().zip(&c.components) {
                assert_eq!(a.quant, b.quant, "{name}");
                // Padding blocks outside the image are not part of the comparison.
                for by in 0..a.vis_h {
                    for bx in 0..a.vis_w {
                        assert_eq!(
                            a.block(bx, by),
                            b.block(bx, by),
                            "{name} {tables:?} block {bx},{by}"
                        );
                    }
                }
            }
        }
    }
}

/// Native timings for a 12 MP 4:2:0 JPEG: lossless stages vs the pixel path, optimised vs
/// Annex K tables. `cargo test --release --test lossless -- --ignored --nocapture`
#[test]
#[ignore]
fn bench_12mp() {
    use std::time::Instant;
    for shift in [29, 27] {
        // 4001 × 3001: partial blocks along both edges of every component (re-padded).
        let img = picture_with_noise(4001, 3001, 1, shift);
        let input = encode(&img, jpeg_encoder::SamplingFactor::R_4_2_0, 0, false, 1, 90);
        drop(img);
        let boxes = [
            Rect::new(1000.0, 800.0, 900.0, 300.0),
            Rect::new(3100.0, 2500.0, 700.0, 400.0),
        ];
        let mut best = [f64::MAX; 4];
        let mut repad = f64::MAX;
        let mut bytes = Vec::new();
        for _ in 0..5 {
            let out = jpeg::lossless(&input, 1, &boxes, Rgb::BLACK).unwrap();
            repad = repad.min(out.repad_ms);
            for (b, t) in best.iter_mut().zip(out.timings_ms) {
                *b = b.min(t);
            }
            bytes = out.bytes;
        }
        let total: f64 = best.iter().sum();
        eprintln!("edge re-padding (part of the wipe stage): {repad:.3} ms");
        let c = reader::read(&input).unwrap();
        let t = Instant::now();
        let annex = writer::write(&c, writer::Tables::AnnexK).unwrap();
        let annex_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let opt = writer::write(&c, writer::Tables::Optimized).unwrap();
        let opt_ms = t.elapsed().as_secs_f64() * 1e3;
        eprintln!("12 MP 4:2:0 q90 input: {} bytes", input.len());
        eprintln!(
            "lossless (best of 5): read {:.1} ms, transform {:.1} ms, wipe {:.1} ms, write {:.1} ms, total {:.1} ms; output {} bytes ({:+.1} %)",
            best[0], best[1], best[2], best[3], total,
            bytes.len(),
            (bytes.len() as f64 / input.len() as f64 - 1.0) * 100.0
        );
        eprintln!(
            "writer alone: optimised {opt_ms:.1} ms {} bytes; Annex K {annex_ms:.1} ms {} bytes",
            opt.len(),
            annex.len()
        );
        let t = Instant::now();
        let r = occlude::redact(&input, &boxes, &occlude::Options::default()).unwrap();
        let e2e_ms = t.elapsed().as_secs_f64() * 1e3;
        eprintln!(
            "occlude::redact end to end (path {:?}, {:?}): {e2e_ms:.1} ms, {} bytes",
            r.report.path,
            r.report.timings,
            r.bytes.len()
        );
        // The pixel path on the same input: decode, burn, encode 4:2:0 q90, verify.
        let t = Instant::now();
        let d = occlude::internals::decode::decode(&input, Rgb::WHITE).unwrap();
        let mut img = d.image;
        let pb = occlude::internals::burn::resolve(&boxes, img.width(), img.height()).unwrap();
        occlude::internals::burn::burn(&mut img, &pb, Rgb::BLACK);
        let t_dec = t.elapsed().as_secs_f64() * 1e3;
        let px = occlude::internals::encode::encode(&img, occlude::OutputFormat::Jpeg, 90).unwrap();
        let t_enc = t.elapsed().as_secs_f64() * 1e3;
        occlude::internals::verify::verify(
            &px,
            occlude::OutputFormat::Jpeg,
            4001,
            3001,
            &pb,
            Rgb::BLACK,
        )
        .unwrap();
        let t_all = t.elapsed().as_secs_f64() * 1e3;
        eprintln!(
            "pixel path: decode+burn {t_dec:.1} ms, encode {:.1} ms, verify {:.1} ms, total {t_all:.1} ms ({:.1} ms without verify); {} bytes",
            t_enc - t_dec,
            t_all - t_enc,
            t_enc,
            px.len()
        );
    }
}

/// A poor man's fuzzer for the coefficient reader, writer and transform (the cargo-fuzz target
/// is fuzz/fuzz_targets/jpeg_coefficients.rs): random byte edits of every JPEG fixture.
/// `cargo test --release --test lossless -- --ignored random_mutations`
#[test]
#[ignore]
fn random_mutations() {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    let inputs: Vec<Vec<u8>> = jpeg_fixtures()
        .iter()
        .map(|n| fixture(n))
        .filter(|b| b.len() > 4 && b.len() < 20_000)
        .collect();
    let (mut ok, mut total) = (0u32, 0u32);
    for round in 0..200_000u32 {
        let base = &inputs[round as usize % inputs.len()];
        let mut b = base.clone();
        for _ in 0..1 + next() % 4 {
            let i = (next() as usize) % b.len();
            match next() % 4 {
                0 => b[i] ^= 1 << (next() % 8),
                1 => b[i] = next() as u8,
                2 => b[i] = 0xFF,
                _ => {
                    b.truncate(i.max(2));
                }
            }
        }
        total += 1;
        if let Ok(c) = reader::read(&b) {
            if let Ok(bytes) = writer::write(&c, writer::Tables::Optimized) {
                assert!(reader::read(&bytes).is_ok(), "round {round}");
            }
        }
        let o = (next() % 8) as u8 + 1;
        if jpeg::lossless(&b, o, &[Rect::new(3.0, 5.0, 20.0, 9.0)], Rgb::BLACK).is_ok() {
            ok += 1;
        }
    }
    eprintln!("{total} mutated inputs, {ok} still redacted losslessly, no panic");
}
