//! The text finder natively (feature `text`), on the two labelled fixtures in
//! `tests/fixtures/text/` (made by `python3 tools/make_textset.py --fixtures tests/fixtures/text`:
//! a 1152×648 screenshot render and a 1280×960 phone photo of a fundus picture with overlay
//! text). A labelled identifier line counts as found when at least 90 % of its box lies inside
//! the boxes found, as in the benchmark. The detector comes from the build's cache
//! (`target/models/`, put there by `tools/models`, which `tools/setup --test` runs); a missing
//! file fails the test, it is never skipped. No time is asserted.

mod common;

use common::fixture;
use occlude::{find_text_in_file, Error, TextFound, TextImage, TextMode, TextModel, TextOptions};
use serde_json::Value;
use std::sync::OnceLock;

fn label(name: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("text/{name}.json"))).unwrap()
}

/// The detector from `target/models/`, loaded once for every test of this file.
fn model() -> &'static TextModel {
    static MODEL: OnceLock<TextModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/models/ppocrv5_det.onnx");
        let bytes = std::fs::read(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run tools/models)", path.display()));
        occlude::load_model(bytes).unwrap()
    })
}

fn boxes_of(label: &Value, kind: &str) -> Vec<[u32; 4]> {
    label["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == kind)
        .map(|l| {
            let b: Vec<u32> = l["box"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap() as u32)
                .collect();
            [b[0], b[1], b[2], b[3]]
        })
        .collect()
}

/// The labelled lines of `kind` less than 90 % covered by the boxes found.
fn missed(label: &Value, kind: &str, found: &TextFound) -> Vec<String> {
    let lines = label["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == kind);
    lines
        .zip(boxes_of(label, kind))
        .filter(|(_, [x0, y0, w, h])| {
            let mut hit = 0u64;
            for y in *y0..y0 + h {
                for x in *x0..x0 + w {
                    hit += u64::from(found.lines.iter().any(|t| {
                        let b = t.bbox;
                        x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height
                    }));
                }
            }
            hit * 10 < u64::from(*w) * u64::from(*h) * 9
        })
        .map(|(l, b)| format!("{:?} at {b:?}", l["text"]))
        .collect()
}

fn all_true(_: f32) -> bool {
    true
}

#[test]
fn a_render_needs_no_detector_and_every_identifier_line_is_covered() {
    let bytes = fixture("text/render.png");
    let l = label("render");
    let image = TextImage::decode(&bytes, &TextOptions::default()).unwrap();
    assert!(
        !image.needs_model(&TextOptions::default()),
        "a screenshot is a clean render"
    );
    let found = image
        .find(None, &TextOptions::default(), &mut all_true)
        .unwrap();
    assert!(!found.network);
    assert_eq!((found.width, found.height), (1152, 648));
    assert_eq!(missed(&l, "identifier", &found), Vec::<String>::new());
    assert!(
        boxes_of(&l, "identifier").len() >= 40,
        "the fixture has its identifier lines"
    );
    // One line per box: a box found holds no two labelled lines on different rows. One
    // exception is known: on the left fundus thumbnail the two overlay lines touch the retina's
    // rim, and their strong edges come out as one piece with the rim's top (one box over both).
    let rows: Vec<[u32; 4]> = ["identifier", "clinical", "other"]
        .iter()
        .flat_map(|k| boxes_of(&l, k))
        .collect();
    let mut two_rows = Vec::new();
    for t in &found.lines {
        let b = t.bbox;
        let held: Vec<&[u32; 4]> = rows
            .iter()
            .filter(|r| {
                r[0] >= b.x
                    && r[0] + r[2] <= b.x + b.width
                    && r[1] >= b.y
                    && r[1] + r[3] <= b.y + b.height
            })
            .collect();
        if held.iter().any(|a| {
            held.iter()
                .any(|c| a[1] + a[3] <= c[1] || c[1] + c[3] <= a[1])
        }) {
            two_rows.push(b);
        }
        assert!(t.quad.is_none(), "a render's lines are upright");
        assert!((0.0..=1.0).contains(&t.confidence));
    }
    assert!(
        two_rows.len() <= 1,
        "boxes holding lines on two rows: {two_rows:?}"
    );
}

#[test]
fn a_photo_with_the_detector_covers_every_identifier_line_with_corners_and_is_deterministic() {
    let bytes = fixture("text/photo.jpg");
    let image = TextImage::decode(&bytes, &TextOptions::default()).unwrap();
    assert!(
        image.needs_model(&TextOptions::default()),
        "a photo is not a clean render"
    );
    let mut fractions = Vec::new();
    let found = image
        .find(Some(model()), &TextOptions::default(), &mut |f| {
            fractions.push(f);
            true
        })
        .unwrap();
    assert!(
        found.network && found.stats.tiles_run >= 2,
        "{:?}",
        found.stats
    );
    assert_eq!(
        missed(&label("photo"), "identifier", &found),
        Vec::<String>::new()
    );
    assert!(
        found.lines.iter().any(|l| l.quad.is_some()),
        "the photo's tilted lines carry their corners"
    );
    for l in found
        .lines
        .iter()
        .filter_map(|l| l.quad.map(|q| (l.bbox, q)))
    {
        let (b, q) = l;
        for [x, y] in q {
            assert!(
                x >= b.x as f32 - 0.5 && x <= (b.x + b.width) as f32 + 0.5,
                "corner inside its box: {l:?}"
            );
            assert!(
                y >= b.y as f32 - 0.5 && y <= (b.y + b.height) as f32 + 0.5,
                "corner inside its box: {l:?}"
            );
        }
    }
    // Progress: from 0 to 1, never backwards, more than once per tile.
    assert_eq!(fractions.first(), Some(&0.0));
    assert_eq!(fractions.last(), Some(&1.0));
    assert!(fractions.windows(2).all(|w| w[0] <= w[1]), "{fractions:?}");
    assert!(
        fractions.len() as u32 > found.stats.tiles_run,
        "{fractions:?}"
    );
    // The same file gives the same lines (decoded afresh, through the one-call API).
    let again = find_text_in_file(
        &bytes,
        Some(model()),
        &TextOptions::default(),
        &mut all_true,
    )
    .unwrap();
    assert_eq!(again, found);
}

#[test]
fn a_photo_without_the_detector_says_so_and_a_cancelled_run_stops() {
    let bytes = fixture("text/photo.jpg");
    let err = find_text_in_file(&bytes, None, &TextOptions::default(), &mut all_true).unwrap_err();
    assert_eq!(err, Error::NoTextModel);
    assert_eq!(err.code(), "no-text-model");
    assert!(err.to_string().contains("text detector"), "{err}");
    // Cancelled from the progress callback, at the start and part-way through the tiles.
    for stop_after in [0, 2] {
        let mut calls = 0;
        let err = find_text_in_file(&bytes, Some(model()), &TextOptions::default(), &mut |_| {
            calls += 1;
            calls <= stop_after
        })
        .unwrap_err();
        assert_eq!(err, Error::Cancelled, "after {stop_after} calls");
        assert_eq!(err.code(), "cancelled");
    }
    // Forcing the classical path on a photo needs no detector (and finds less).
    let classical = TextOptions {
        mode: Some(TextMode::Classical),
        ..TextOptions::default()
    };
    let found = find_text_in_file(&bytes, None, &classical, &mut all_true).unwrap();
    assert!(!found.network);
}

#[test]
fn bad_input_gets_the_crates_clear_errors() {
    let none = TextOptions::default();
    let run = |bytes: &[u8]| {
        find_text_in_file(bytes, Some(model()), &none, &mut all_true)
            .map(|_| ())
            .unwrap_err()
    };
    assert_eq!(run(b"").code(), "empty");
    assert_eq!(run(b"%PDF-1.7 not an image at all").code(), "unsupported");
    let png = fixture("text/render.png");
    let cut = run(&png[..png.len() / 2]);
    assert!(
        matches!(cut, Error::Truncated { .. } | Error::Corrupt { .. }),
        "{cut:?}"
    );
    let jpeg = fixture("text/photo.jpg");
    let mut damaged = jpeg.clone();
    for b in damaged[jpeg.len() / 3..jpeg.len() / 3 + 4000].iter_mut() {
        *b = 0xFF;
    }
    // Damage inside the entropy-coded data may decode to grey blocks or be refused, never panic.
    let _ = find_text_in_file(&damaged, Some(model()), &none, &mut all_true);
    // A PNG header claiming 100 000 × 100 000 pixels is refused before anything is allocated.
    let mut huge = png[..33].to_vec();
    huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    huge[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    let crc = crc32(&huge[12..29]);
    huge[29..33].copy_from_slice(&crc.to_be_bytes());
    let err = run(&huge);
    assert_eq!(err.code(), "too-large", "{err}");
    // Pixels from another module: the size must match, and the limits hold there too.
    let err = TextImage::from_rgba(10, 10, &[0u8; 399], &none)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(err.code(), "bad-option", "{err}");
    let err = TextImage::from_rgba(30_000, 10, &[], &none)
        .map(|_| ())
        .unwrap_err();
    assert_eq!(err.code(), "too-large", "{err}");
    // Weights that are not the detector.
    for bytes in [Vec::new(), b"not an onnx file".to_vec(), png.clone()] {
        let err = occlude::load_model(bytes).map(|_| ()).unwrap_err();
        assert_eq!(err.code(), "text-model", "{err}");
    }
}

#[test]
fn pixels_from_another_module_give_the_same_lines_as_the_file() {
    let bytes = fixture("text/render.png");
    let seen = common::seen(&bytes);
    let mut rgba = Vec::with_capacity(seen.len() / 3 * 4);
    for p in seen.pixels() {
        rgba.extend_from_slice(&[p[0], p[1], p[2], 255]);
    }
    let none = TextOptions::default();
    let from_pixels = TextImage::from_rgba(seen.width(), seen.height(), &rgba, &none).unwrap();
    let a = from_pixels.find(None, &none, &mut all_true).unwrap();
    let b = find_text_in_file(&bytes, None, &none, &mut all_true).unwrap();
    assert_eq!(a, b);
}

/// CRC-32 (PNG's) of `data`.
fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}
