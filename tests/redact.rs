//! Native integration tests of `occlude::redact` and `occlude::inspect` over the committed
//! fixtures in `tests/fixtures/` (regenerate them with `python3 tools/make_fixtures.py`).
//!
//! The fixtures' "seen" picture is 96 × 64 with four flat quadrants: red top-left, green
//! top-right, blue bottom-left, yellow bottom-right (edges on multiples of 16).

use image::{DynamicImage, GenericImageView, RgbImage};
use occlude::{
    inspect, redact, Error, InputFormat, Options, OutputFormat, PixelBox, Rect, Redaction, Rgb,
};

mod common;

use common::fixture;

const W: u32 = 96;
const H: u32 = 64;
const RED: [u8; 3] = [220, 40, 40];
const GREEN: [u8; 3] = [40, 200, 60];
const BLUE: [u8; 3] = [40, 60, 220];
const YELLOW: [u8; 3] = [230, 210, 40];
const MAGENTA: Rgb = Rgb {
    r: 255,
    g: 0,
    b: 255,
};

/// Words written into the metadata of the leak fixtures; none may reach an output.
const SECRETS: &[&[u8]] = &[
    b"John Doe",
    b"Jane Example",
    b"1234567",
    b"Occlude Test Camera",
    b"LeakCam",
    b"SN-0042",
    b"MAKERNOTE",
    b"London",
    b"2024:03:14",
    b"Ward 7",
    b"wound",
    b"Exif",
    b"http://ns.adobe.com",
    b"Photoshop",
    b"acsp", // ICC profile signature
];

fn decode(bytes: &[u8]) -> DynamicImage {
    image::load_from_memory(bytes).expect("output decodes")
}

fn rgb(bytes: &[u8]) -> RgbImage {
    decode(bytes).into_rgb8()
}

/// The quadrant colour the seen picture has at (x, y).
fn quadrant(x: u32, y: u32) -> [u8; 3] {
    match (x >= W / 2, y >= H / 2) {
        (false, false) => RED,
        (true, false) => GREEN,
        (false, true) => BLUE,
        (true, true) => YELLOW,
    }
}

fn close(a: [u8; 3], b: [u8; 3], tol: u8) -> bool {
    a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) <= tol)
}

fn run(name: &str, boxes: &[Rect], opts: &Options) -> Redaction {
    redact(&fixture(name), boxes, opts).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn one_box() -> Vec<Rect> {
    // x 32..64, y 16..48: across the centre, aligned to JPEG MCUs.
    vec![Rect::new(32.0, 16.0, 32.0, 32.0)]
}

/// Checks every pixel of `b` (shrunk by `margin`) is `fill` within `tol`.
fn assert_box(img: &RgbImage, b: PixelBox, fill: [u8; 3], margin: u32, tol: u8, what: &str) {
    for y in b.y + margin..b.y + b.height - margin {
        for x in b.x + margin..b.x + b.width - margin {
            let p = img.get_pixel(x, y).0;
            assert!(
                close(p, fill, tol),
                "{what}: pixel ({x},{y}) = {p:?}, expected fill {fill:?} ±{tol}"
            );
        }
    }
}

/// Mean and max absolute channel difference between two images over a region.
fn diff(a: &RgbImage, b: &RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) -> (f64, u8) {
    let (mut sum, mut max, mut n) = (0u64, 0u8, 0u64);
    for y in y0..y1 {
        for x in x0..x1 {
            for (p, q) in a.get_pixel(x, y).0.iter().zip(b.get_pixel(x, y).0) {
                let d = p.abs_diff(q);
                sum += u64::from(d);
                max = max.max(d);
                n += 1;
            }
        }
    }
    (sum as f64 / n as f64, max)
}

// ---------------------------------------------------------------- container walkers

/// Walks a PNG's chunks; panics unless it ends exactly at IEND. Returns the chunk types.
fn png_chunks(b: &[u8]) -> Vec<String> {
    assert!(b.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let mut pos = 8;
    let mut kinds = vec![];
    loop {
        let len = u32::from_be_bytes(b[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = String::from_utf8_lossy(&b[pos + 4..pos + 8]).into_owned();
        pos += 12 + len;
        kinds.push(kind.clone());
        if kind == "IEND" {
            assert_eq!(pos, b.len(), "{} bytes after IEND", b.len() - pos);
            return kinds;
        }
        assert!(pos < b.len(), "PNG ends without IEND");
    }
}

/// Walks a JPEG's markers; panics unless it ends exactly at EOI. Returns (marker, payload)s of
/// the header segments and the markers seen in the scan.
fn jpeg_segments(b: &[u8]) -> Vec<(u8, Vec<u8>)> {
    assert!(b.starts_with(&[0xFF, 0xD8]), "not a JPEG");
    let mut pos = 2;
    let mut segs = vec![];
    loop {
        assert_eq!(b[pos], 0xFF, "expected a marker at {pos}");
        let m = b[pos + 1];
        if m == 0xD9 {
            segs.push((m, vec![]));
            assert_eq!(pos + 2, b.len(), "{} bytes after EOI", b.len() - pos - 2);
            return segs;
        }
        let len = usize::from(u16::from_be_bytes([b[pos + 2], b[pos + 3]]));
        segs.push((m, b[pos + 4..pos + 2 + len].to_vec()));
        pos += 2 + len;
        if m == 0xDA {
            // Entropy-coded data: skip to the next marker that is not a stuffed 0 or RSTn.
            loop {
                if b[pos] == 0xFF && b[pos + 1] != 0 && !(0xD0..=0xD7).contains(&b[pos + 1]) {
                    break;
                }
                pos += 1;
            }
        }
    }
}

/// The output holds nothing but pixels: PNG = IHDR, IDAT…, IEND; JPEG = SOI, APP0 JFIF, tables,
/// frame, scan, EOI; nothing after the end; none of the fixtures' secrets.
fn assert_clean(out: &Redaction, what: &str) {
    let b = &out.bytes;
    match out.report.output_format {
        OutputFormat::Png => {
            let kinds = png_chunks(b);
            assert_eq!(kinds.first().map(String::as_str), Some("IHDR"), "{what}");
            for k in &kinds[1..kinds.len() - 1] {
                assert_eq!(k, "IDAT", "{what}: unexpected chunk {k} in {kinds:?}");
            }
        }
        OutputFormat::Jpeg => {
            for (m, payload) in jpeg_segments(b) {
                match m {
                    0xE0 => assert!(payload.starts_with(b"JFIF\0"), "{what}: APP0 not JFIF"),
                    0xE1..=0xEF => panic!("{what}: APP{} segment in output", m - 0xE0),
                    0xFE => panic!("{what}: COM segment in output"),
                    0xDB | 0xC4 | 0xC0 | 0xC2 | 0xDA | 0xDD | 0xD9 => {}
                    other => panic!("{what}: unexpected marker FF{other:02X}"),
                }
            }
        }
    }
    for s in SECRETS {
        assert!(
            !b.windows(s.len()).any(|w| w == *s),
            "{what}: output contains {:?}",
            String::from_utf8_lossy(s)
        );
    }
    assert_eq!(out.report.output_bytes, b.len(), "{what}: output_bytes");
}

// ---------------------------------------------------------------- every format

struct Case {
    name: &'static str,
    input: InputFormat,
    output: OutputFormat,
}

const fn case(name: &'static str, input: InputFormat, output: OutputFormat) -> Case {
    Case {
        name,
        input,
        output,
    }
}

use InputFormat as I;
use OutputFormat as O;

/// Opaque inputs: the decoded input is directly comparable to the output outside the box.
const OPAQUE: &[Case] = &[
    case("jpeg-baseline.jpg", I::Jpeg, O::Jpeg),
    case("jpeg-progressive.jpg", I::Jpeg, O::Jpeg),
    case("jpeg-gray.jpg", I::Jpeg, O::Jpeg),
    case("jpeg-cmyk.jpg", I::Jpeg, O::Jpeg),
    case("jpeg-photo.jpg", I::Jpeg, O::Jpeg),
    case("jpeg-photo-progressive.jpg", I::Jpeg, O::Jpeg),
    case("png-rgb8.png", I::Png, O::Png),
    case("png-rgb16.png", I::Png, O::Png),
    case("png-palette.png", I::Png, O::Png),
    case("png-gray.png", I::Png, O::Png),
    case("png-photo.png", I::Png, O::Png),
    case("webp-lossy.webp", I::Webp, O::Jpeg),
    case("webp-lossless.webp", I::Webp, O::Jpeg),
    case("gif-still.gif", I::Gif, O::Png),
    case("gif-animated.gif", I::Gif, O::Png),
    case("bmp-rgb.bmp", I::Bmp, O::Png),
    case("tiff-rgb.tiff", I::Tiff, O::Png),
];

#[test]
fn every_format_redacts_with_default_output() {
    let boxes = one_box();
    for c in OPAQUE {
        let input = fixture(c.name);
        let out = run(c.name, &boxes, &Options::default());
        let r = &out.report;
        assert_eq!(r.input_format, c.input, "{}", c.name);
        assert_eq!(r.output_format, c.output, "{}", c.name);
        assert_eq!(r.input_bytes, input.len(), "{}", c.name);
        assert_eq!((r.width, r.height), (W, H), "{}", c.name);
        assert_eq!(r.orientation, 1, "{}", c.name);
        if c.input != I::Gif {
            // GIFs: see `opaque_gif_reports_no_alpha`.
            assert!(!r.alpha_flattened, "{}", c.name);
        }
        assert_eq!(
            r.suggested_name,
            format!("redacted.{}", c.output.extension())
        );
        assert_eq!(
            r.boxes,
            vec![PixelBox {
                x: 32,
                y: 16,
                width: 32,
                height: 32
            }]
        );
        assert_clean(&out, c.name);

        let img = decode(&out.bytes);
        assert!(!img.color().has_alpha(), "{}: output has alpha", c.name);
        let img = img.into_rgb8();
        assert_eq!(img.dimensions(), (W, H), "{}", c.name);
        let lossy_out = c.output == O::Jpeg;
        let (margin, tol) = if lossy_out { (2, 10) } else { (0, 0) };
        assert_box(&img, r.boxes[0], [0, 0, 0], margin, tol, c.name);

        // Far from the box the picture is unchanged (up to one more JPEG generation).
        let orig = rgb(&input);
        let (mean_tol, max_tol) = if lossy_out { (3.0, 40) } else { (0.0, 0) };
        for (x0, y0, x1, y1) in [
            (0, 0, 24, 12),
            (72, 0, 96, 12),
            (0, 52, 24, 64),
            (72, 52, 96, 64),
        ] {
            let (mean, max) = diff(&img, &orig, x0, y0, x1, y1);
            assert!(
                mean <= mean_tol && max <= max_tol,
                "{}: region ({x0},{y0})-({x1},{y1}) changed: mean {mean:.2}, max {max}",
                c.name
            );
        }
    }
}

#[test]
fn colours_survive_in_every_colour_format() {
    // The flat-quadrant fixtures (not gray, not the noisy photos) keep their colours.
    for name in [
        "jpeg-baseline.jpg",
        "jpeg-progressive.jpg",
        "jpeg-cmyk.jpg",
        "png-rgb8.png",
        "png-rgb16.png",
        "png-palette.png",
        "webp-lossy.webp",
        "webp-lossless.webp",
        "gif-still.gif",
        "bmp-rgb.bmp",
        "tiff-rgb.tiff",
    ] {
        let out = run(name, &[Rect::new(0.0, 0.0, 1.0, 1.0)], &Options::default());
        let img = rgb(&out.bytes);
        for (x, y) in [(20, 12), (76, 12), (20, 52), (76, 52)] {
            let p = img.get_pixel(x, y).0;
            let want = quadrant(x, y);
            // CMYK (Adobe, inverted) converts back to the same RGB within JPEG loss.
            let tol = 12;
            assert!(
                close(p, want, tol),
                "{name}: ({x},{y}) = {p:?}, want {want:?}"
            );
        }
    }
}

#[test]
fn alpha_inputs_are_flattened_and_hidden_colour_is_gone() {
    // Hidden colour under alpha 0 at x 8..24, y 40..56; half-transparent blue at x 56..72, y 8..24.
    let hidden = PixelBox {
        x: 8,
        y: 40,
        width: 16,
        height: 16,
    };
    let semi = PixelBox {
        x: 56,
        y: 8,
        width: 16,
        height: 16,
    };
    let far_box = [Rect::new(88.0, 56.0, 8.0, 8.0)];
    for (name, out_fmt) in [
        ("png-rgba-hidden.png", O::Png),
        ("png-palette-trns.png", O::Png),
        ("png-gray-alpha.png", O::Png),
        ("webp-rgba-hidden.webp", O::Jpeg),
    ] {
        for bg in [Rgb::WHITE, Rgb { r: 0, g: 128, b: 0 }] {
            let opts = Options {
                background: bg,
                ..Options::default()
            };
            let out = run(name, &far_box, &opts);
            let r = &out.report;
            assert!(r.alpha_flattened, "{name}");
            assert_eq!(r.background, bg);
            assert_eq!(r.output_format, out_fmt, "{name}");
            assert_clean(&out, name);
            let img = decode(&out.bytes);
            assert!(!img.color().has_alpha(), "{name}: output has alpha");
            let img = img.into_rgb8();
            let (margin, tol) = if out_fmt == O::Jpeg { (4, 16) } else { (0, 0) };
            assert_box(
                &img,
                hidden,
                bg.to_array(),
                margin,
                tol,
                &format!("{name} hidden"),
            );
            // No trace of the hidden red anywhere.
            for p in img.pixels() {
                assert!(!close(p.0, [200, 10, 10], 8), "{name}: hidden red survived");
            }
            if name == "png-gray-alpha.png" {
                continue; // gray: the semi-transparent area is not drawn in this fixture
            }
            // 50% blue (alpha 128) composited onto the background.
            let blend =
                |c: u8, b: u8| ((u32::from(c) * 128 + u32::from(b) * 127 + 127) / 255) as u8;
            let want = [blend(0, bg.r), blend(0, bg.g), blend(255, bg.b)];
            let tol = if out_fmt == O::Jpeg { 16 } else { 0 };
            assert_box(&img, semi, want, margin, tol, &format!("{name} semi"));
        }
    }
}

#[test]
fn output_format_quality_and_fill_are_honoured() {
    let fill = Rgb {
        r: 10,
        g: 200,
        b: 30,
    };
    // PNG input → explicit JPEG at two qualities.
    let mut sizes = vec![];
    for q in [20u8, 95] {
        let opts = Options {
            format: Some(O::Jpeg),
            quality: q,
            fill,
            ..Options::default()
        };
        let out = run("png-photo.png", &one_box(), &opts);
        assert_eq!(out.report.output_format, O::Jpeg);
        assert_eq!(out.report.quality, Some(q));
        assert_eq!(out.report.fill, fill);
        assert_eq!(out.report.suggested_name, "redacted.jpg");
        assert_eq!(
            image::guess_format(&out.bytes).unwrap(),
            image::ImageFormat::Jpeg
        );
        assert_clean(&out, "png → jpeg");
        let img = rgb(&out.bytes);
        assert_box(
            &img,
            out.report.boxes[0],
            fill.to_array(),
            2,
            14,
            "png → jpeg fill",
        );
        sizes.push(out.bytes.len());
    }
    assert!(
        sizes[0] < sizes[1],
        "quality 20 not smaller than 95: {sizes:?}"
    );

    // JPEG input → explicit PNG: exact fill, quality not reported.
    let opts = Options {
        format: Some(O::Png),
        fill,
        ..Options::default()
    };
    let out = run("jpeg-baseline.jpg", &one_box(), &opts);
    assert_eq!(out.report.output_format, O::Png);
    assert_eq!(out.report.quality, None);
    assert_eq!(out.report.suggested_name, "redacted.png");
    assert_clean(&out, "jpeg → png");
    assert_box(
        &rgb(&out.bytes),
        out.report.boxes[0],
        fill.to_array(),
        0,
        0,
        "jpeg → png",
    );

    // JPEG → JPEG takes the lossless path by default: the source's quantisation tables are
    // kept, so no quality applies. A PNG → JPEG export reports the default quality.
    let out = run("jpeg-baseline.jpg", &one_box(), &Options::default());
    assert_eq!(out.report.path, occlude::Path::Lossless);
    assert_eq!(out.report.quality, None);
    let jpeg_out = Options {
        format: Some(O::Jpeg),
        ..Options::default()
    };
    let out = run("png-rgb8.png", &one_box(), &jpeg_out);
    assert_eq!(out.report.quality, Some(occlude::DEFAULT_QUALITY));

    // Quality out of range is refused for JPEG output, ignored for PNG output.
    for q in [0u8, 101] {
        let opts = Options {
            format: Some(O::Jpeg),
            quality: q,
            ..Options::default()
        };
        let e = redact(&fixture("png-rgb8.png"), &one_box(), &opts).unwrap_err();
        assert!(matches!(e, Error::BadOption { .. }), "{e:?}");
        let opts = Options {
            format: Some(O::Png),
            quality: q,
            ..Options::default()
        };
        assert!(redact(&fixture("png-rgb8.png"), &one_box(), &opts).is_ok());
    }
}

// ---------------------------------------------------------------- orientation

#[test]
fn all_eight_orientations_put_the_box_in_the_same_seen_place() {
    let boxes = [Rect::new(0.0, 0.0, 24.0, 16.0)];
    let pb = PixelBox {
        x: 0,
        y: 0,
        width: 24,
        height: 16,
    };
    let mut jpeg_outs: Vec<RgbImage> = vec![];
    for o in 1..=8u8 {
        let name = format!("orient-{o}.jpg");
        let input = fixture(&name);

        let ins = inspect(&input).unwrap();
        assert_eq!(ins.format, I::Jpeg);
        assert_eq!(ins.orientation, o, "{name}");
        assert_eq!((ins.width, ins.height), (W, H), "{name}: seen size");
        let stored = if o >= 5 { (H, W) } else { (W, H) };
        assert_eq!(
            (ins.stored_width, ins.stored_height),
            stored,
            "{name}: stored size"
        );

        // Exact check through PNG output.
        let opts = Options {
            format: Some(O::Png),
            fill: MAGENTA,
            ..Options::default()
        };
        let out = redact(&input, &boxes, &opts).unwrap();
        assert_eq!(out.report.orientation, o);
        assert_eq!((out.report.width, out.report.height), (W, H));
        assert_eq!(out.report.boxes, vec![pb]);
        let img = rgb(&out.bytes);
        assert_eq!(img.dimensions(), (W, H), "{name}");
        assert_box(&img, pb, MAGENTA.to_array(), 0, 0, &name);
        for (x, y) in [(24, 4), (30, 8), (4, 16), (8, 20)] {
            assert_ne!(
                img.get_pixel(x, y).0,
                MAGENTA.to_array(),
                "{name}: ({x},{y}) burned"
            );
        }
        for (x, y) in [(40, 8), (76, 12), (20, 52), (76, 52)] {
            let p = img.get_pixel(x, y).0;
            assert!(
                close(p, quadrant(x, y), 12),
                "{name}: ({x},{y}) = {p:?} (orientation not applied?)"
            );
        }

        // Default output (JPEG).
        let out = redact(&input, &boxes, &Options::default()).unwrap();
        assert_eq!(out.report.output_format, O::Jpeg);
        assert_clean(&out, &name);
        let img = rgb(&out.bytes);
        assert_eq!(img.dimensions(), (W, H), "{name}");
        assert_box(&img, pb, [0, 0, 0], 2, 10, &name);
        jpeg_outs.push(img);
    }
    for (i, img) in jpeg_outs.iter().enumerate().skip(1) {
        let (mean, _) = diff(img, &jpeg_outs[0], 0, 0, W, H);
        assert!(
            mean < 3.0,
            "orient-{} differs from orient-1: mean {mean:.2}",
            i + 1
        );
    }
}

#[test]
fn png_exif_orientation_is_applied() {
    let input = fixture("png-exif-orient-6.png");
    let ins = inspect(&input).unwrap();
    assert_eq!(ins.orientation, 6);
    assert_eq!((ins.width, ins.height), (W, H));
    let boxes = [Rect::new(0.0, 0.0, 24.0, 16.0)];
    let out = redact(&input, &boxes, &Options::default()).unwrap();
    assert_eq!(out.report.orientation, 6);
    assert_eq!(out.report.output_format, O::Png);
    assert_clean(&out, "png-exif-orient-6.png"); // the eXIf chunk is not carried over
    let img = rgb(&out.bytes);
    assert_eq!(img.dimensions(), (W, H));
    assert_box(&img, out.report.boxes[0], [0, 0, 0], 0, 0, "png orient 6");
    for (x, y) in [(40, 8), (76, 12), (20, 52), (76, 52)] {
        assert_eq!(img.get_pixel(x, y).0, quadrant(x, y), "({x},{y})");
    }
}

// ---------------------------------------------------------------- boxes

fn png_boxes(boxes: &[Rect]) -> occlude::Result<Redaction> {
    redact(&fixture("png-rgb8.png"), boxes, &Options::default())
}

#[test]
fn fractional_boxes_round_outwards() {
    let out = png_boxes(&[Rect::new(10.5, 20.2, 5.1, 3.3)]).unwrap();
    let pb = PixelBox {
        x: 10,
        y: 20,
        width: 6,
        height: 4,
    };
    assert_eq!(out.report.boxes, vec![pb]);
    let img = rgb(&out.bytes);
    for y in 18..26 {
        for x in 8..18 {
            let inside = (10..16).contains(&x) && (20..24).contains(&y);
            let p = img.get_pixel(x, y).0;
            if inside {
                assert_eq!(p, [0, 0, 0], "({x},{y})");
            } else {
                assert_eq!(p, quadrant(x, y), "({x},{y})");
            }
        }
    }
}

#[test]
fn boxes_partly_off_the_image_are_clipped() {
    let out = png_boxes(&[
        Rect::new(-10.0, 50.0, 30.0, 100.0),
        Rect::new(90.5, -3.0, 50.0, 4.0),
    ])
    .unwrap();
    let want = vec![
        PixelBox {
            x: 0,
            y: 50,
            width: 20,
            height: 14,
        },
        PixelBox {
            x: 90,
            y: 0,
            width: 6,
            height: 1,
        },
    ];
    assert_eq!(out.report.boxes, want);
    let img = rgb(&out.bytes);
    for b in &want {
        assert_box(&img, *b, [0, 0, 0], 0, 0, "clipped");
    }
    assert_eq!(img.get_pixel(20, 60).0, BLUE);
    assert_eq!(img.get_pixel(89, 0).0, GREEN);
    assert_eq!(img.get_pixel(92, 1).0, GREEN);
}

#[test]
fn whole_image_box_and_overlapping_boxes() {
    let out = png_boxes(&[Rect::new(-1.0, -1.0, 1000.0, 1000.0)]).unwrap();
    assert!(rgb(&out.bytes).pixels().all(|p| p.0 == [0, 0, 0]));

    let out = png_boxes(&[
        Rect::new(10.0, 10.0, 20.0, 20.0),
        Rect::new(20.0, 20.0, 20.0, 20.0),
        Rect::new(10.0, 10.0, 20.0, 20.0),
    ])
    .unwrap();
    assert_eq!(out.report.boxes.len(), 3);
    let img = rgb(&out.bytes);
    for (x, y, p) in img.enumerate_pixels() {
        let inside = ((10..30).contains(&x) && (10..30).contains(&y))
            || ((20..40).contains(&x) && (20..40).contains(&y));
        let want = if inside { [0, 0, 0] } else { quadrant(x, y) };
        assert_eq!(p.0, want, "({x},{y})");
    }
}

#[test]
fn bad_boxes_are_refused_by_number() {
    let ok = Rect::new(0.0, 0.0, 4.0, 4.0);
    let cases = [
        (Rect::new(200.0, 0.0, 5.0, 5.0), "outside"),
        (Rect::new(-50.0, -50.0, 10.0, 10.0), "outside"),
        (Rect::new(96.0, 0.0, 5.0, 5.0), "outside"), // touches the right edge only
        (Rect::new(0.0, 0.0, 0.0, 5.0), "no area"),
        (Rect::new(0.0, 0.0, 5.0, 0.0), "no area"),
        (Rect::new(10.0, 10.0, -5.0, 5.0), "no area"),
        (Rect::new(f64::NAN, 0.0, 5.0, 5.0), "not a number"),
        (Rect::new(0.0, 0.0, f64::INFINITY, 5.0), "not a number"),
        (Rect::new(0.0, f64::NEG_INFINITY, 5.0, 5.0), "not a number"),
    ];
    for (bad, why) in cases {
        let e = png_boxes(&[ok, ok, bad]).unwrap_err();
        match &e {
            Error::BadBox { index, reason } => {
                assert_eq!(*index, 2, "{bad:?}");
                assert!(reason.contains(why), "{bad:?}: {reason}");
            }
            other => panic!("{bad:?}: expected BadBox, got {other:?}"),
        }
        assert!(e.to_string().starts_with("box 3 "), "{e}");
    }
    assert_eq!(png_boxes(&[]).unwrap_err(), Error::NoBoxes);
    // NoBoxes is reported even before the input is looked at.
    assert_eq!(
        redact(b"not an image", &[], &Options::default()).unwrap_err(),
        Error::NoBoxes
    );
}

// ---------------------------------------------------------------- a copy as is

/// `copy_as_is`: no boxes on purpose (an image of a case that shows nothing identifying). The
/// picture is unchanged, the metadata is gone, and the copy is verified like any export; JPEG
/// to JPEG goes the lossless way. `redact` itself still refuses an empty list (above).
#[test]
fn copy_as_is_keeps_the_picture_and_drops_the_metadata() {
    let clock = || 0.0;
    for (name, path, out_format) in [
        ("jpeg-exif-full.jpg", "lossless", O::Jpeg),
        ("png-text-chunks.png", "pixels", O::Png),
        ("orient-6.jpg", "lossless", O::Jpeg),
        ("webp-lossy.webp", "pixels", O::Jpeg),
    ] {
        let input = fixture(name);
        let out = occlude::copy_as_is(&input, &Options::default(), &clock)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_clean(&out, name);
        let r = &out.report;
        assert!(r.boxes.is_empty(), "{name}: no boxes burned");
        assert_eq!(r.output_format, out_format, "{name}");
        assert_eq!(
            serde_json::to_value(r.path).unwrap(),
            path,
            "{name}: {:?}",
            r.path_reason
        );
        assert_eq!((r.width, r.height), (W, H), "{name}: the size as seen");
        let img = rgb(&out.bytes);
        let tol = if out_format == O::Jpeg { 12 } else { 0 };
        for (x, y) in [(8, 8), (88, 8), (8, 56), (88, 56), (40, 24), (56, 40)] {
            let p = img.get_pixel(x, y).0;
            assert!(close(p, quadrant(x, y), tol), "{name} at {x},{y}: {p:?}");
        }
    }
    assert_eq!(
        copy_of("not an image").map(drop).unwrap_err().code(),
        "unsupported"
    );
}

fn copy_of(text: &str) -> occlude::Result<Redaction> {
    occlude::copy_as_is(text.as_bytes(), &Options::default(), &|| 0.0)
}

// ---------------------------------------------------------------- animation

#[test]
fn animated_gif_keeps_the_first_frame_only() {
    let input = fixture("gif-animated.gif");
    assert_eq!(inspect(&input).unwrap().frames, 3);
    let out = run("gif-animated.gif", &one_box(), &Options::default());
    assert_eq!(out.report.frames_dropped, 2);
    assert_eq!(out.report.output_format, O::Png);
    let img = rgb(&out.bytes);
    for p in img.pixels() {
        // Frames 2 and 3 are solid magenta and cyan.
        assert!(
            p.0 != [255, 0, 255] && p.0 != [0, 255, 255],
            "later frame leaked"
        );
    }
    assert_eq!(img.get_pixel(4, 4).0, RED);
    let still = run("gif-still.gif", &one_box(), &Options::default());
    assert_eq!(still.report.frames_dropped, 0);
    assert_eq!(inspect(&fixture("gif-still.gif")).unwrap().frames, 1);
}

// ---------------------------------------------------------------- metadata

#[test]
fn leak_vectors_do_not_reach_the_output() {
    for name in [
        "jpeg-exif-full.jpg",
        "jpeg-xmp.jpg",
        "jpeg-iptc.jpg",
        "jpeg-icc.jpg",
        "jpeg-comment.jpg",
        "jpeg-trailing.jpg",
        "png-text-chunks.png",
        "png-icc.png",
        "png-trailing.png",
        "png-exif-orient-6.png",
    ] {
        let input = fixture(name);
        // Make sure the fixture really carries what it should (guards against a bad regeneration).
        let carries = |s: &[u8]| input.windows(s.len()).any(|w| w == s);
        match name {
            "jpeg-exif-full.jpg" => {
                assert!(carries(b"Exif\0\0") && carries(b"MAKERNOTE") && carries(b"LeakCam"))
            }
            "jpeg-xmp.jpg" => assert!(carries(b"http://ns.adobe.com/xap/1.0/")),
            "jpeg-iptc.jpg" => assert!(carries(b"Photoshop 3.0")),
            "jpeg-icc.jpg" => assert!(carries(b"ICC_PROFILE\0") && carries(b"acsp")),
            "png-icc.png" => assert!(carries(b"iCCP")),
            "jpeg-comment.jpg" => assert!(carries(&[0xFF, 0xFE])),
            "png-text-chunks.png" => {
                for c in [b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME"] {
                    assert!(carries(c), "{}", String::from_utf8_lossy(c));
                }
            }
            _ => {}
        }
        for format in [None, Some(O::Png), Some(O::Jpeg)] {
            let opts = Options {
                format,
                ..Options::default()
            };
            let out = run(name, &[Rect::new(0.0, 0.0, 2.0, 2.0)], &opts);
            assert_clean(&out, &format!("{name} as {format:?}"));
            let img = rgb(&out.bytes);
            assert_eq!(img.dimensions(), (W, H), "{name}");
            // Trailing data is another picture's bytes: the output is the visible picture only.
            let tol = if out.report.output_format == O::Jpeg {
                12
            } else {
                8
            };
            let p = img.get_pixel(76, 52).0;
            assert!(close(p, YELLOW, tol), "{name}: {p:?}");
        }
    }
}

#[test]
fn png_output_is_plain_rgb8() {
    let out = run("png-rgb16.png", &one_box(), &Options::default());
    let img = decode(&out.bytes);
    assert_eq!(img.color(), image::ColorType::Rgb8);
    assert_eq!(png_chunks(&out.bytes)[0], "IHDR");
    // IHDR: 8-bit, colour type 2, no interlace.
    assert_eq!(&out.bytes[24..29], &[8, 2, 0, 0, 0]);
    assert_eq!(img.dimensions(), (W, H));
}

#[test]
fn opaque_gif_reports_no_alpha() {
    let input = fixture("gif-still.gif");
    assert!(!inspect(&input).unwrap().has_alpha);
    let out = run("gif-still.gif", &one_box(), &Options::default());
    assert!(!out.report.alpha_flattened);
}

// ---------------------------------------------------------------- inspect

#[test]
fn inspect_reports_format_size_orientation() {
    let cases: &[(&str, InputFormat, bool, O)] = &[
        ("jpeg-baseline.jpg", I::Jpeg, false, O::Jpeg),
        ("png-rgb8.png", I::Png, false, O::Png),
        ("png-rgba-hidden.png", I::Png, true, O::Png),
        ("png-gray-alpha.png", I::Png, true, O::Png),
        ("webp-lossy.webp", I::Webp, false, O::Jpeg),
        ("webp-rgba-hidden.webp", I::Webp, true, O::Jpeg),
        ("bmp-rgb.bmp", I::Bmp, false, O::Png),
        ("tiff-rgb.tiff", I::Tiff, false, O::Png),
    ];
    for &(name, format, alpha, default_output) in cases {
        let input = fixture(name);
        let ins = inspect(&input).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ins.format, format, "{name}");
        assert_eq!(ins.bytes, input.len(), "{name}");
        assert_eq!((ins.width, ins.height), (W, H), "{name}");
        assert_eq!((ins.stored_width, ins.stored_height), (W, H), "{name}");
        assert_eq!(ins.orientation, 1, "{name}");
        assert_eq!(ins.has_alpha, alpha, "{name}");
        assert_eq!(ins.frames, 1, "{name}");
        assert_eq!(ins.default_output, default_output, "{name}");
    }
    assert_eq!(inspect(b"").unwrap_err(), Error::Empty);
    assert!(matches!(
        inspect(&fixture("not-image.pdf")),
        Err(Error::Unsupported { .. })
    ));
}

#[test]
fn report_serialises_for_the_page() {
    let out = run("orient-6.jpg", &one_box(), &Options::default());
    let json = serde_json::to_value(&out.report).unwrap();
    assert_eq!(json["inputFormat"], "jpeg");
    assert_eq!(json["outputFormat"], "jpeg");
    assert_eq!(json["orientation"], 6);
    assert_eq!(json["width"], 96);
    assert_eq!(json["height"], 64);
    assert_eq!(json["fill"], "#000000");
    assert_eq!(json["background"], "#ffffff");
    assert_eq!(json["alphaFlattened"], false);
    assert_eq!(json["framesDropped"], 0);
    assert_eq!(json["suggestedName"], "redacted.jpg");
    assert_eq!(json["boxes"][0]["width"], 32);
}

/// The warm-up the web app's worker runs when it starts goes through every codec path without
/// an error (an error there would mean a broken build).
#[test]
fn warm_up_runs_every_codec_path() {
    occlude::warm_up().expect("warm-up");
}
