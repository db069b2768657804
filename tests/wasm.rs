//! The wasm API as the page uses it, run in headless Chromium:
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test wasm`
//! (webdriver.json at the repo root carries the Chromium flags).
#![cfg(target_arch = "wasm32")]

use image::{ImageFormat, Rgb, RgbImage, RgbaImage};
use occlude::wasm::{inspect, preview, redact, version, warm_up};
use std::io::Cursor;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BG: [u8; 3] = [200, 120, 60];

/// A `w` × `h` picture in one colour, encoded as `format`.
fn encoded(w: u32, h: u32, format: ImageFormat) -> Vec<u8> {
    let img = RgbImage::from_pixel(w, h, Rgb(BG));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// A JPEG with an APP1 Exif segment carrying `orientation`, right after SOI.
fn jpeg_with_orientation(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let jpeg = encoded(w, h, ImageFormat::Jpeg);
    let mut tiff = Vec::new();
    tiff.extend_from_slice(b"II*\0");
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&1u16.to_le_bytes());
    tiff.extend_from_slice(&0x0112u16.to_le_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_le_bytes());
    tiff.extend_from_slice(&orientation.to_le_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_le_bytes());
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
    app1.extend_from_slice(b"Exif\0\0");
    app1.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The message of a thrown JS `Error`, as the page would show it.
fn message(v: JsValue) -> String {
    match v.dyn_into::<js_sys::Error>() {
        Ok(err) => String::from(err.message()),
        Err(v) => format!("not an Error: {v:?}"),
    }
}

/// The `code` property of a thrown error (`Error::code` of the core).
fn code(v: &JsValue) -> String {
    js_sys::Reflect::get(v, &"code".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default()
}

fn err_of<T>(r: Result<T, JsValue>) -> String {
    match r {
        Ok(_) => panic!("expected an error"),
        Err(e) => message(e),
    }
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap()
}

const ONE_BOX: &str = r#"{"boxes":[{"x":5,"y":6,"width":10,"height":8}]}"#;

fn in_box(x: u32, y: u32) -> bool {
    (5..15).contains(&x) && (6..14).contains(&y)
}

#[wasm_bindgen_test]
fn version_is_the_crate_version() {
    assert_eq!(version(), env!("CARGO_PKG_VERSION"));
}

#[wasm_bindgen_test]
fn redacts_a_png_exactly_and_reports_it() {
    let input = encoded(40, 30, ImageFormat::Png);
    let mut r = redact(&input, ONE_BOX).map_err(message).unwrap();
    assert_eq!(r.mime(), "image/png");
    assert_eq!(r.extension(), "png");
    let report = json(&r.report_json().map_err(message).unwrap());
    assert_eq!(report["outputFormat"], "png");
    assert_eq!(report["inputFormat"], "png");
    assert_eq!(report["width"], 40);
    assert_eq!(report["height"], 30);
    assert_eq!(
        report["boxes"],
        json(r#"[{"x":5,"y":6,"width":10,"height":8}]"#)
    );
    assert_eq!(report["orientation"], 1);
    assert_eq!(report["suggestedName"], "redacted.png");

    let copy = r.bytes();
    let bytes = r.take_bytes();
    assert_eq!(copy, bytes);
    assert!(r.bytes().is_empty(), "take_bytes moves the bytes out");
    assert_eq!(report["outputBytes"], bytes.len());

    let out = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(out.dimensions(), (40, 30));
    for (x, y, p) in out.enumerate_pixels() {
        let want = if in_box(x, y) { [0, 0, 0] } else { BG };
        assert_eq!(p.0, want, "pixel ({x}, {y})");
    }
}

#[wasm_bindgen_test]
fn redacts_a_jpeg_to_a_jpeg_by_default() {
    let input = encoded(64, 48, ImageFormat::Jpeg);
    let mut r = redact(&input, ONE_BOX).map_err(message).unwrap();
    assert_eq!(r.mime(), "image/jpeg");
    let bytes = r.take_bytes();
    assert_eq!(&bytes[..3], &[0xFF, 0xD8, 0xFF]);
    let out = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert_eq!(out.dimensions(), (64, 48));
    // Interior of the box (away from block edges' ringing) is black; far outside is not.
    for y in 7..13 {
        for x in 6..14 {
            let p = out.get_pixel(x, y).0;
            assert!(p.iter().all(|&c| c <= 24), "({x}, {y}) = {p:?}");
        }
    }
    let far = out.get_pixel(50, 40).0;
    assert!(
        far.iter().zip(BG).all(|(&a, b)| a.abs_diff(b) <= 12),
        "{far:?}"
    );
}

#[wasm_bindgen_test]
fn options_choose_fill_and_format() {
    let input = encoded(40, 30, ImageFormat::Jpeg);
    let req = r##"{"boxes":[{"x":5,"y":6,"width":10,"height":8}],
                  "options":{"fill":"#ff0000","background":"#ffffff","format":"png","quality":90}}"##;
    let mut r = redact(&input, req).map_err(message).unwrap();
    assert_eq!(r.mime(), "image/png");
    let out = image::load_from_memory(&r.take_bytes()).unwrap().to_rgb8();
    assert_eq!(out.get_pixel(5, 6).0, [255, 0, 0]);
    assert_eq!(out.get_pixel(14, 13).0, [255, 0, 0]);
    // A null format means the default for the input.
    let req = r#"{"boxes":[{"x":1,"y":1,"width":2,"height":2}],"options":{"format":null}}"#;
    assert_eq!(
        redact(&input, req).map_err(message).unwrap().mime(),
        "image/jpeg"
    );
}

#[wasm_bindgen_test]
fn boxes_are_in_oriented_coordinates() {
    // Stored 60 × 40, orientation 6: a person sees 40 × 60.
    let input = jpeg_with_orientation(60, 40, 6);
    let info = json(&inspect(&input).map_err(message).unwrap());
    assert_eq!(
        (info["width"].as_u64(), info["height"].as_u64()),
        (Some(40), Some(60))
    );
    assert_eq!(info["orientation"], 6);

    let req = r##"{"boxes":[{"x":0,"y":40,"width":40,"height":20}],"options":{"format":"png"}}"##;
    let mut r = redact(&input, req).map_err(message).unwrap();
    let report = json(&r.report_json().map_err(message).unwrap());
    assert_eq!(report["orientation"], 6);
    let out = image::load_from_memory(&r.take_bytes()).unwrap().to_rgb8();
    assert_eq!(out.dimensions(), (40, 60));
    assert_eq!(out.get_pixel(20, 50).0, [0, 0, 0]);
    assert_ne!(out.get_pixel(20, 10).0, [0, 0, 0]);
}

#[wasm_bindgen_test]
fn preview_scales_to_fit_and_reports_full_size() {
    let input = encoded(600, 200, ImageFormat::Png);
    let mut p = preview(&input, 100, "#ffffff").map_err(message).unwrap();
    assert_eq!((p.width(), p.height()), (600, 200));
    assert_eq!((p.preview_width(), p.preview_height()), (100, 33));
    assert_eq!(p.format(), "png");
    assert_eq!(p.orientation(), 1);
    assert!(!p.had_alpha());
    assert_eq!(p.frames(), 1);
    let rgba = p.take_rgba();
    assert_eq!(rgba.len(), 100 * 33 * 4);
    assert!(
        rgba.chunks_exact(4).all(|px| px[3] == 255),
        "preview is opaque"
    );
    assert!(p.take_rgba().is_empty(), "take_rgba moves the pixels out");

    // Small images are not enlarged.
    let p = preview(&input, 2048, "#ffffff").map_err(message).unwrap();
    assert_eq!((p.preview_width(), p.preview_height()), (600, 200));
}

#[wasm_bindgen_test]
fn preview_is_oriented_and_flattened() {
    let p = preview(&jpeg_with_orientation(60, 40, 6), 2048, "#ffffff")
        .map_err(message)
        .unwrap();
    assert_eq!((p.width(), p.height()), (40, 60));
    assert_eq!((p.preview_width(), p.preview_height()), (40, 60));
    assert_eq!(p.orientation(), 6);

    let clear = RgbaImage::from_pixel(8, 8, image::Rgba([0, 0, 0, 0]));
    let mut png = Cursor::new(Vec::new());
    clear.write_to(&mut png, ImageFormat::Png).unwrap();
    let mut p = preview(png.get_ref(), 2048, "#00ff00")
        .map_err(message)
        .unwrap();
    assert!(p.had_alpha());
    assert_eq!(
        &p.take_rgba()[..4],
        &[0, 255, 0, 255],
        "flattened onto the background"
    );
}

#[wasm_bindgen_test]
fn bad_input_gives_readable_errors() {
    let png = encoded(20, 20, ImageFormat::Png);
    let e = err_of(redact(&[], ONE_BOX));
    assert_eq!(e, "the file is empty (0 bytes)");
    let e = err_of(redact(b"%PDF-1.7 not an image at all", ONE_BOX));
    assert!(
        e.starts_with("not a supported image: this looks like a PDF"),
        "{e}"
    );
    let e = err_of(redact(&png[..png.len() / 2], ONE_BOX));
    assert!(e.contains("PNG"), "{e}");
    let e = err_of(redact(&png, r#"{"boxes":[]}"#));
    assert!(e.starts_with("no boxes to burn"), "{e}");
    let e = err_of(redact(
        &png,
        r#"{"boxes":[{"x":500,"y":0,"width":5,"height":5}]}"#,
    ));
    assert!(
        e.starts_with("box 1 lies wholly outside the 20 × 20 image"),
        "{e}"
    );
    let e = err_of(redact(&png, "not json"));
    assert!(
        e.starts_with("invalid option: the request is not valid"),
        "{e}"
    );
    let e = err_of(redact(
        &png,
        r##"{"boxes":[],"options":{"colour":"#000000"}}"##,
    ));
    assert!(e.contains("unknown field `colour`"), "{e}");
    let e = err_of(redact(&png, r##"{"boxes":[],"colour":"#000000"}"##));
    assert!(e.contains("unknown field `colour`"), "{e}");
    let req =
        r#"{"boxes":[{"x":1,"y":1,"width":2,"height":2}],"options":{"format":"jpeg","quality":0}}"#;
    let e = err_of(redact(&png, req));
    assert!(e.contains("quality 0 is outside 1–100"), "{e}");
    let req = r#"{"boxes":[{"x":1,"y":1,"width":2,"height":2}],"options":{"fill":"black"}}"#;
    let e = err_of(redact(&png, req));
    assert!(e.contains("#RRGGBB"), "{e}");

    let e = err_of(preview(&png, 100, "white"));
    assert!(e.starts_with("invalid option: colour \"white\""), "{e}");
    let e = err_of(inspect(b"GIF"));
    assert!(e.starts_with("not a supported image"), "{e}");
}

/// The JPEG encoder's SIMD128 DCT and quantisation give exactly the scalar results (the SIMD
/// path only exists in wasm builds, so this is where it is compared).
#[wasm_bindgen_test]
fn jpeg_encoder_simd_equals_scalar() {
    assert_eq!(occlude::internals::jpeg::encoder::simd_mismatches(2000), 0);
}

/// The JPEG writer's SIMD128 search for nonzero coefficients agrees with the scalar one.
#[wasm_bindgen_test]
fn jpeg_writer_simd_mask_equals_scalar() {
    assert_eq!(
        occlude::internals::jpeg::writer::simd_mask_mismatches(20_000),
        0
    );
}

/// Every thrown error carries the core's stable `code`; the worker reads it, never the text.
#[wasm_bindgen_test]
fn errors_carry_a_stable_code() {
    let png = encoded(20, 20, ImageFormat::Png);
    let cases: [(Result<(), JsValue>, &str); 4] = [
        (redact(&[], ONE_BOX).map(drop), "empty"),
        (redact(&png, r#"{"boxes":[]}"#).map(drop), "no-boxes"),
        (redact(&png, "not json").map(drop), "bad-option"),
        (inspect(b"%PDF-1.7").map(drop), "unsupported"),
    ];
    for (result, want) in cases {
        match result {
            Ok(()) => panic!("expected a {want} error"),
            Err(e) => assert_eq!(code(&e), want, "{}", message(e.clone())),
        }
    }
    // This test binary is the full build: a GIF decodes and never asks for the full module.
    let gif = encoded(8, 8, ImageFormat::Gif);
    assert!(preview(&gif, 100, "#ffffff").is_ok());
}

/// A picture with smooth areas, noise and sharp edges, `w × h` RGB.
fn busy_picture(w: u16, h: u16) -> Vec<u8> {
    let mut s = 12345u32;
    let mut out = Vec::new();
    for y in 0..u32::from(h) {
        for x in 0..u32::from(w) {
            s = s.wrapping_mul(1103515245).wrapping_add(12345);
            let n = (s >> 16) & 63;
            let edge = if (x / 7 + y / 5) % 2 == 0 { 0 } else { 120 };
            out.extend([
                ((x * 3 + n) % 256) as u8,
                ((y * 5 + edge + n) % 256) as u8,
                ((x * y + n) % 256) as u8,
            ]);
        }
    }
    out
}

/// Occlude's JPEG pixel decoder gives exactly the same bytes with its SIMD128 kernels (IDCT,
/// upsampling, colour conversion) as with the scalar ones (which tests/jpeg_pixels.rs checks
/// against Pillow natively), at every scale, for every sampling layout, and on wild
/// coefficients where the fixed-point arithmetic wraps.
#[wasm_bindgen_test]
fn jpeg_pixels_simd_matches_scalar() {
    use jpeg_encoder::{ColorType, Encoder, SamplingFactor as S};
    use occlude::internals::jpeg::{pixels, reader};
    let mut files: Vec<Vec<u8>> = vec![
        include_bytes!("fixtures/jpeg-photo.jpg").to_vec(),
        include_bytes!("fixtures/jpeg-gray.jpg").to_vec(),
        include_bytes!("fixtures/lossless/prog-restart-420.jpg").to_vec(),
        include_bytes!("fixtures/lossless/prog-444-odd.jpg").to_vec(),
        include_bytes!("fixtures/lossless/seq-422-restart.jpg").to_vec(),
        include_bytes!("fixtures/lossless/q100-444.jpg").to_vec(),
    ];
    for sf in [
        S::R_4_4_4,
        S::R_4_2_2,
        S::R_4_2_0,
        S::R_4_4_0,
        S::R_4_1_1,
        S::R_4_1_0,
    ] {
        for (w, h) in [(1u16, 1u16), (37, 21), (130, 67)] {
            let mut out = Vec::new();
            let mut e = Encoder::new(&mut out, 90);
            e.set_sampling_factor(sf);
            e.encode(&busy_picture(w, h), w, h, ColorType::Rgb).unwrap();
            files.push(out);
        }
    }
    const { assert!(pixels::SIMD, "the SIMD128 kernels are compiled in") };
    let mut checked = 0;
    for f in &files {
        let c = reader::read(f).unwrap();
        for denom in [1, 2, 4, 8] {
            let simd = pixels::render(&c, denom).unwrap();
            let scalar = pixels::render_scalar(&c, denom).unwrap();
            assert_eq!(simd, scalar, "1/{denom} {}×{}", c.width, c.height);
            checked += 1;
        }
        // Wild coefficients and 16-bit tables: the arithmetic wraps the same way.
        let mut wild = c.clone();
        let mut s = 99u32;
        for comp in &mut wild.components {
            for q in comp.quant.iter_mut() {
                s = s.wrapping_mul(1103515245).wrapping_add(12345);
                *q = (s >> 8) as u16 | 1;
            }
            for v in comp.coefs.iter_mut() {
                s = s.wrapping_mul(1103515245).wrapping_add(12345);
                *v = (s >> 12) as i16;
            }
        }
        assert_eq!(
            pixels::render(&wild, 1).unwrap(),
            pixels::render_scalar(&wild, 1).unwrap()
        );
    }
    assert_eq!(checked, 4 * files.len());
}

/// The worker's warm-up (every codec path on a small picture) succeeds in the browser.
#[wasm_bindgen_test]
fn warm_up_succeeds() {
    assert!(warm_up().is_ok());
}

/// The P3-tagged fixtures (tests/fixtures/colour/, tools/make_colour_fixtures.py).
const P3_JPEG: &[u8] = include_bytes!("fixtures/colour/jpeg-p3.jpg");
const P3_PNG: &[u8] = include_bytes!("fixtures/colour/png-p3-iccp.png");
const P3_CICP_PNG: &[u8] = include_bytes!("fixtures/colour/png-cicp-p3.png");

/// A PNG without its iCCP chunk (the same pixel values, read as sRGB).
fn without_iccp(png: &[u8]) -> Vec<u8> {
    let mut out = png[..8].to_vec();
    let mut pos = 8;
    while pos + 12 <= png.len() {
        let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
        if &png[pos + 4..pos + 8] != b"iCCP" {
            out.extend_from_slice(&png[pos..pos + 12 + len]);
        }
        pos += 12 + len;
    }
    out
}

fn preview_rgb(input: &[u8]) -> Vec<u8> {
    let mut p = preview(input, 4096, "#ffffff").map_err(message).unwrap();
    p.take_rgba()
        .chunks_exact(4)
        .flat_map(|c| [c[0], c[1], c[2]])
        .collect()
}

#[wasm_bindgen_test]
fn colour_profiles_are_kept_or_converted() {
    // A P3 JPEG stays a JPEG with Occlude's canonical P3 profile right after SOI.
    // The fill is stored as the P3 value that shows as #1e90ff (black would be the same).
    let box_json =
        r##"{"boxes":[{"x":8,"y":8,"width":280,"height":20}],"options":{"fill":"#1e90ff"}}"##;
    let mut r = redact(P3_JPEG, box_json).map_err(message).unwrap();
    let report = json(&r.report_json().map_err(message).unwrap());
    assert_eq!(report["path"], "lossless");
    assert_eq!(report["verification"]["colourProfile"], "Display P3");
    assert_eq!(
        report["colour"],
        "colour profile Display P3: kept as a standard profile, no device data"
    );
    assert_eq!(report["fill"], "#1e90ff");
    assert_ne!(report["storedFill"], report["fill"]);
    let bytes = r.take_bytes();
    assert_eq!(&bytes[2..4], &[0xFF, 0xE2]);
    assert_eq!(&bytes[6..20], b"ICC_PROFILE\0\x01\x01");
    // As a PNG, or a preview, the pixels are converted to sRGB: a P3 orange-red is a more
    // saturated sRGB one than the same numbers read as sRGB.
    let converted = preview_rgb(P3_PNG);
    let raw = preview_rgb(&without_iccp(P3_PNG));
    assert_eq!(converted.len(), raw.len());
    let (mut redder, mut retina) = (0, 0);
    for (c, r) in converted.chunks_exact(3).zip(raw.chunks_exact(3)) {
        if r[0] > 120 && r[0].saturating_sub(r[1]) > 40 {
            retina += 1;
            redder += usize::from(c[0] >= r[0] && c[1] <= r[1]);
        }
    }
    assert!(
        retina > 1000 && redder * 10 > retina * 9,
        "{redder} of {retina}"
    );
    // A cICP PNG of the same pixels (P3 primaries, sRGB transfer) goes through the full
    // module's CMS (moxcms, in this build): the same picture within 2 levels.
    let cicp = preview_rgb(P3_CICP_PNG);
    let worst = cicp
        .iter()
        .zip(&converted)
        .map(|(a, b)| a.abs_diff(*b))
        .max()
        .unwrap();
    assert!(
        worst <= 2,
        "moxcms and the core's converter differ by {worst} levels"
    );
}

/// The sampling factors (H << 4 | V) of a JPEG's three frame components (baseline SOF0).
fn sampling(jpeg: &[u8]) -> [u8; 3] {
    let at = jpeg
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("a baseline frame header");
    [jpeg[at + 11], jpeg[at + 14], jpeg[at + 17]]
}

#[wasm_bindgen_test]
fn a_converted_picture_becomes_a_full_resolution_jpeg() {
    // The P3 PNG to JPEG: converted, so 4:4:4 (its colour at quality 97 when asked for 90), verified, and the
    // same bytes as the native build makes (the SIMD kernels equal the scalar ones; CRC-32 and
    // length from `redact` natively, the same request).
    let request = r##"{"boxes":[{"x":8,"y":8,"width":100,"height":20}],"options":{"format":"jpeg","fill":"#1e90ff"}}"##;
    let mut r = redact(P3_PNG, request).map_err(message).unwrap();
    let report = json(&r.report_json().map_err(message).unwrap());
    assert_eq!(report["path"], "pixels");
    assert_eq!(report["quality"], 90);
    let bytes = r.take_bytes();
    assert_eq!(sampling(&bytes), [0x11, 0x11, 0x11]);
    assert_eq!(
        (crc32fast::hash(&bytes), bytes.len()),
        (0x1239_0037, 11_485)
    );
    // The same pixels untagged (read as sRGB): 4:2:0, as before.
    let mut r = redact(&without_iccp(P3_PNG), request)
        .map_err(message)
        .unwrap();
    assert_eq!(sampling(&r.take_bytes()), [0x22, 0x11, 0x11]);
}
