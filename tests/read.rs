//! Reading the lines found (issue 17), natively: the recogniser and the classifier through the
//! crate's API and the CLI, on the labelled fixtures of `tests/fixtures/text/` (made by
//! `python3 tools/make_textset.py --fixtures tests/fixtures/text`: labels with each line's kind,
//! each word's quad and the patient's name). The weights come from the build's cache
//! (`target/models/`, put there by `tools/models`, which `tools/setup --test` runs); a missing
//! file fails the test, it is never skipped. No time is asserted.

#[path = "common/cli.rs"]
mod cli_common;
mod common;

use cli_common::{occlude, tmpdir};
use common::fixture;
use occlude::{
    cover_text, CoverLine, Error, PixelBox, TextFound, TextImage, TextModel, TextOptions,
    TextReader,
};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn models() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target/models")
}

fn model_file(name: &str) -> Vec<u8> {
    let path = models().join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e} (run tools/models)", path.display()))
}

fn detector() -> &'static TextModel {
    static MODEL: OnceLock<TextModel> = OnceLock::new();
    MODEL.get_or_init(|| occlude::load_model(model_file("ppocrv5_det.onnx")).unwrap())
}

fn reader() -> &'static TextReader {
    static READER: OnceLock<TextReader> = OnceLock::new();
    READER.get_or_init(|| {
        let keys = String::from_utf8(model_file("ppocr_keys_v5.txt")).unwrap();
        occlude::load_reader(model_file("ppocrv5_rec.onnx"), &keys).unwrap()
    })
}

fn label(name: &str) -> Value {
    serde_json::from_slice(&fixture(&format!("text/{name}.json"))).unwrap()
}

fn fixture_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/text")
        .join(name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Finds and reads the lines of fixture `file`.
fn found(file: &str) -> (TextImage, TextFound) {
    let options = TextOptions::default();
    let image = TextImage::decode(&fixture(&format!("text/{file}")), &options).unwrap();
    let mut found = image
        .find(Some(detector()), &options, &mut |_| true)
        .unwrap();
    image.read(&mut found, reader(), &mut |_| true).unwrap();
    (image, found)
}

fn quad(v: &Value) -> [[f64; 2]; 4] {
    std::array::from_fn(|i| [v[i][0].as_f64().unwrap(), v[i][1].as_f64().unwrap()])
}

/// Share of the axis-aligned box of `q` (one-pixel grid) inside any of `boxes`.
fn covered(q: &[[f64; 2]; 4], boxes: &[PixelBox]) -> f64 {
    let x0 = q.iter().map(|p| p[0]).fold(f64::MAX, f64::min).floor() as u32;
    let x1 = q.iter().map(|p| p[0]).fold(f64::MIN, f64::max).ceil() as u32;
    let y0 = q.iter().map(|p| p[1]).fold(f64::MAX, f64::min).floor() as u32;
    let y1 = q.iter().map(|p| p[1]).fold(f64::MIN, f64::max).ceil() as u32;
    let (mut n, mut hit) = (0u32, 0u32);
    for y in y0..y1 {
        for x in x0..x1 {
            n += 1;
            hit += u32::from(
                boxes
                    .iter()
                    .any(|b| x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height),
            );
        }
    }
    f64::from(hit) / f64::from(n.max(1))
}

fn suggested_boxes(found: &TextFound) -> Vec<PixelBox> {
    (0..found.lines.len())
        .filter(|&i| found.suggested(i))
        .map(|i| found.lines[i].bbox)
        .collect()
}

fn labelled<'a>(label: &'a Value, kind: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    label["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(move |l| l["kind"] == kind)
}

/// Every labelled identifier line lies under the suggested boxes (≥ 90 % of its box), and at
/// least `clear` labelled clinical lines are left clear (less than half under them).
fn check_suggestions(name: &str, found: &TextFound, clear: usize) {
    let label = label(name);
    let boxes = suggested_boxes(found);
    assert!(found.readings.is_some());
    for l in labelled(&label, "identifier") {
        assert!(
            covered(&quad(&l["quad"]), &boxes) >= 0.9,
            "{name}: identifier {} is not under a suggested box",
            l["text"]
        );
    }
    let left: Vec<&str> = labelled(&label, "clinical")
        .filter(|l| covered(&quad(&l["quad"]), &boxes) < 0.5)
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert!(
        left.len() >= clear,
        "{name}: only {left:?} of the clinical lines left clear"
    );
}

#[test]
fn a_render_is_read_and_only_confident_clinical_lines_are_left_clear() {
    let (_, found) = found("render.png");
    check_suggestions("render", &found, 5);
    let readings = found.readings.as_ref().unwrap();
    assert_eq!(readings.len(), found.lines.len());
    for (i, r) in readings.iter().enumerate() {
        assert_eq!(r.chars.len(), r.text.chars().count(), "{r:?}");
        assert!(r
            .chars
            .iter()
            .all(|[a, b]| 0.0 <= *a && a <= b && *b <= 1.0));
        assert!(["identifier", "clinical", "other"].contains(&r.kind));
        assert_eq!(found.suggested(i), r.kind != "clinical");
        assert!(!r.why.is_empty());
        if r.kind == "clinical" {
            assert!(r.why.starts_with("clinical: "), "{r:?}");
        }
    }
    // The patient's name is read as printed somewhere on the screen.
    let patient = label("render")["patient"]["last"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        readings.iter().any(|r| r.text.contains(&patient)),
        "{patient} read nowhere"
    );
}

#[test]
fn a_photo_is_read_and_every_identifier_is_suggested() {
    let (_, found) = found("photo.jpg");
    assert!(found.network);
    check_suggestions("photo", &found, 0);
}

/// The boxes "Cover every" gives for the patient's surname in fixture `name`: each labelled
/// occurrence of the surname (any case) is under one, unless the reader did not read it there
/// (no line read with the surname overlaps it): at most two such known misses on the render,
/// the toolbar's framed search field (its dim text misread, "Search: Coe") and an appointment
/// card the finder takes as one tall block (read as "2"); both lines stay suggested whole.
fn check_cover_surname(name: &str, found: &TextFound, boxes: &[PixelBox]) -> usize {
    let label = label(name);
    let surname = label["patient"]["last"].as_str().unwrap();
    let read_there = |q: &[[f64; 2]; 4]| {
        (0..found.lines.len()).any(|i| {
            let b = found.lines[i].bbox;
            let t = found
                .reading(i)
                .map_or(String::new(), |r| r.text.to_lowercase());
            covered(q, &[b]) > 0.5 && t.contains(&surname.to_lowercase())
        })
    };
    let (mut words, mut misses) = (0, Vec::new());
    for l in label["lines"].as_array().unwrap() {
        for word in l["words"].as_array().unwrap() {
            let t: String = word["text"]
                .as_str()
                .unwrap()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            if !t.eq_ignore_ascii_case(surname) {
                continue;
            }
            let q = quad(&word["quad"]);
            if read_there(&q) {
                words += 1;
                assert!(
                    covered(&q, boxes) >= 0.9,
                    "{surname} in {} not covered",
                    l["text"]
                );
            } else {
                misses.push(l["text"].to_string());
            }
        }
    }
    assert!(
        words >= 3,
        "{name}: the surname is read on the image ({words})"
    );
    assert!(misses.len() <= 2, "{name}: not read: {misses:?}");
    for b in boxes {
        assert!(
            b.x + b.width <= found.width && b.y + b.height <= found.height,
            "{b:?}"
        );
    }
    words
}

#[test]
fn cover_every_boxes_each_occurrence_of_the_surname_word_sized() {
    let (_, found) = found("render.png");
    let lines: Vec<CoverLine> = (0..found.lines.len())
        .map(|i| CoverLine::new(&found.lines[i], found.reading(i)))
        .collect();
    let surname = label("render")["patient"]["last"]
        .as_str()
        .unwrap()
        .to_string();
    // Any case, and accents ignored.
    let query = surname.to_uppercase().replacen('O', "Ó", 1);
    let covered = cover_text(&lines, &[query], Some((found.width, found.height)));
    assert_eq!(covered.boxes.len(), covered.found.len());
    let words = check_cover_surname("render", &found, &covered.boxes);
    assert!(covered.boxes.len() >= words, "{covered:?}");
    for (b, hit) in covered.boxes.iter().zip(&covered.found) {
        let line = found.lines[hit.line].bbox;
        let text = &found.reading(hit.line).unwrap().text;
        // The surname, or one slip away (the e-mail's "coldstream12" is read "coldstreaml2").
        assert!(
            edits(&hit.text.to_lowercase(), &surname.to_lowercase()) <= 1,
            "{hit:?}"
        );
        if text.chars().count() > 2 * surname.chars().count() {
            assert!(
                b.width < line.width,
                "a word's box, not the line's: {text:?}"
            );
        }
    }
    // Whole words only, and lines never read give nothing.
    let part: String = surname.chars().take(4).collect();
    assert!(cover_text(&lines, &[part], None).boxes.is_empty());
    let unread: Vec<CoverLine> = found
        .lines
        .iter()
        .map(|l| CoverLine::new(l, None))
        .collect();
    assert!(cover_text(&unread, &[surname], None).boxes.is_empty());
}

#[test]
fn reading_twice_gives_the_same_and_cancel_stops_it() {
    let options = TextOptions::default();
    let (image, first) = found("render.png");
    let mut again = image.find(None, &options, &mut |_| true).unwrap();
    image.read(&mut again, reader(), &mut |_| true).unwrap();
    assert_eq!(first, again, "deterministic");
    let mut calls = 0;
    let mut third = image.find(None, &options, &mut |_| true).unwrap();
    let err = image
        .read(&mut third, reader(), &mut |_| {
            calls += 1;
            calls < 2
        })
        .unwrap_err();
    assert_eq!(err.code(), "cancelled");
    // Lines found in another image are refused, not read.
    let other = TextImage::decode(&fixture("text/photo.jpg"), &options).unwrap();
    let err = other.read(&mut again, reader(), &mut |_| true).unwrap_err();
    assert_eq!(err.code(), "bad-option");
}

/// Reading in parts, as the worker spreads a long reading over the device's cores (each part
/// read by another instance), gives exactly what reading every line at once gives.
#[test]
fn reading_in_parts_gives_what_reading_at_once_gives() {
    for file in ["render.png", "photo.jpg"] {
        let (image, all) = found(file);
        let n = all.lines.len();
        assert!(n >= 8, "{file}: {n} lines");
        let mut unread = all.clone();
        unread.readings = None;
        // by widths, as the worker cuts them; every line alone; odd and even lines; one part
        let mut by_width: Vec<usize> = (0..n).collect();
        by_width.sort_by_key(|&i| all.lines[i].bbox.width);
        let splits: Vec<Vec<Vec<usize>>> = vec![
            by_width
                .chunks(n.div_ceil(3))
                .map(<[usize]>::to_vec)
                .collect(),
            (0..n).map(|i| vec![i]).collect(),
            vec![(0..n).step_by(2).collect(), (1..n).step_by(2).collect()],
            vec![(0..n).collect()],
        ];
        for parts in splits {
            let mut reads: Vec<Option<occlude::ReadLine>> = vec![None; n];
            for which in &parts {
                let part = image.part_to_read(&unread, which).unwrap();
                let got = occlude::read_part(&part, reader(), &mut |_| true).unwrap();
                assert_eq!(got.len(), which.len());
                for (&i, r) in which.iter().zip(got) {
                    reads[i] = Some(r);
                }
            }
            let mut joined = unread.clone();
            joined
                .set_reads(reads.into_iter().map(Option::unwrap).collect())
                .unwrap();
            assert_eq!(joined, all, "{file}: {} parts", parts.len());
        }
        // Readings that do not match the lines, a line that is not there, a damaged part.
        assert_eq!(
            unread.clone().set_reads(Vec::new()).unwrap_err().code(),
            "bad-option"
        );
        assert_eq!(
            image.part_to_read(&unread, &[n]).unwrap_err().code(),
            "bad-option"
        );
        let part = image.part_to_read(&unread, &[0, 1]).unwrap();
        for bad in [&part[..part.len() - 1], &part[4..], &[]] {
            let err = occlude::read_part(bad, reader(), &mut |_| true).unwrap_err();
            assert_eq!(err.code(), "bad-option");
        }
        let other =
            TextImage::decode(&fixture("text/render.png"), &TextOptions::default()).unwrap();
        if file != "render.png" {
            assert_eq!(
                other.part_to_read(&unread, &[0]).unwrap_err().code(),
                "bad-option"
            );
        }
    }
}

#[test]
fn bad_reader_weights_fail_with_their_code() {
    let keys = String::from_utf8(model_file("ppocr_keys_v5.txt")).unwrap();
    let err = match occlude::load_reader(b"not a model".to_vec(), &keys) {
        Err(e) => e,
        Ok(_) => panic!("loaded"),
    };
    assert!(matches!(err, Error::TextReaderModel { .. }), "{err:?}");
    assert_eq!(err.code(), "text-reader-model");
    // The detector's weights are not a recogniser.
    let err = match occlude::load_reader(model_file("ppocrv5_det.onnx"), &keys) {
        Err(e) => e,
        Ok(_) => panic!("the detector loaded as a reader"),
    };
    assert!(
        ["text-reader-model", "text-failed"].contains(&err.code()),
        "{err:?}"
    );
}

// ---- the command line ----

#[test]
fn cli_text_json_has_text_kind_suggested_and_why_per_line() {
    let render = fixture_path("render.png");
    let o = occlude(&["text", s(&render), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["read"], true);
    let lines = v["lines"].as_array().unwrap();
    assert!(lines.len() > 80);
    for l in lines {
        assert!(l["text"].is_string() && l["why"].is_string(), "{l}");
        assert!(
            ["identifier", "clinical", "other"].contains(&l["kind"].as_str().unwrap()),
            "{l}"
        );
        assert_eq!(l["suggested"], l["kind"] != "clinical", "{l}");
        assert_eq!(
            l["chars"].as_array().unwrap().len(),
            l["text"].as_str().unwrap().chars().count()
        );
    }
    assert!(lines.iter().any(|l| l["kind"] == "clinical"));
    assert!(lines.iter().any(|l| l["kind"] == "identifier"));
    // The plain listing shows what was read.
    let o = occlude(&["text", s(&render)]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("suggested") && out.contains("clinical (clinical: "),
        "{out}"
    );
    // --no-read: found only, every line suggested, no text.
    let o = occlude(&["text", s(&render), "--json", "--no-read"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["read"], false);
    assert!(v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["suggested"] == true && l.get("text").is_none()));
    // A models folder without the reader: found, not read, said once on stderr.
    let d = tmpdir("read", "no-reader");
    let o = occlude(&["text", s(&render), "--json", "--models", s(&d)]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("not read") && err.contains("tools/models") && err.lines().count() == 1,
        "{err}"
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["read"], false);
}

/// The found lines of the render as the CLI reads them.
fn cli_lines(render: &Path) -> Vec<Value> {
    let o = occlude(&["text", s(render), "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["lines"].as_array().unwrap().clone()
}

fn pixel_box(l: &Value) -> PixelBox {
    let n = |k: &str| l[k].as_u64().unwrap() as u32;
    PixelBox {
        x: n("x"),
        y: n("y"),
        width: n("width"),
        height: n("height"),
    }
}

#[test]
fn cli_cover_suggested_burns_only_the_suggested_lines() {
    let d = tmpdir("read", "suggested");
    let render = fixture_path("render.png");
    let out = d.join("out.png");
    let o = occlude(&[
        "redact",
        s(&render),
        "-o",
        s(&out),
        "--cover-suggested",
        "--fill",
        "ff00ff",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let lines = cli_lines(&render);
    let suggested: Vec<&Value> = lines.iter().filter(|l| l["suggested"] == true).collect();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!("{} boxes burned", suggested.len())),
        "{stdout}"
    );
    let before = image::open(&render).unwrap().to_rgb8();
    let after = image::open(&out).unwrap().to_rgb8();
    let burned: Vec<PixelBox> = suggested.iter().map(|l| pixel_box(l)).collect();
    for b in &burned {
        assert_eq!(after.get_pixel(b.x, b.y).0, [255, 0, 255]);
    }
    // A clinical line under no suggested box keeps every pixel.
    let inside = |b: &PixelBox, x: u32, y: u32| {
        x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height
    };
    let mut kept = 0;
    for l in lines.iter().filter(|l| l["kind"] == "clinical") {
        let b = pixel_box(l);
        let mut same = true;
        for y in b.y..b.y + b.height {
            for x in b.x..b.x + b.width {
                if !burned.iter().any(|s| inside(s, x, y)) {
                    same &= before.get_pixel(x, y) == after.get_pixel(x, y);
                }
            }
        }
        assert!(same, "clinical line {} changed", l["text"]);
        kept += usize::from(!burned.iter().any(|s| inside(s, b.x, b.y)));
    }
    assert!(kept >= 1, "some clinical line is left wholly clear");
}

#[test]
fn cli_cover_text_boxes_each_occurrence_with_o_and_out_dir() {
    let d = tmpdir("read", "cover-text");
    let render = fixture_path("render.png");
    let surname = label("render")["patient"]["last"]
        .as_str()
        .unwrap()
        .to_string();
    let out = d.join("out.png");
    let o = occlude(&[
        "redact",
        s(&render),
        "-o",
        s(&out),
        "--cover-text",
        &surname.to_lowercase(),
        "--cover-text",
        "glaucoma",
        "--fill",
        "00ff00",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cover text:") && err.contains("places found"),
        "{err}"
    );
    let after = image::open(&out).unwrap().to_rgb8();
    let label = label("render");
    let mut seen = 0;
    for (x, y) in surname_centres(&label, &surname) {
        seen += 1;
        assert_eq!(after.get_pixel(x, y).0, [0, 255, 0], "{surname} at {x},{y}");
    }
    assert!(seen >= 1);
    // Batch mode: each input gets its own boxes.
    let dir = d.join("batch");
    std::fs::create_dir(&dir).unwrap();
    let o = occlude(&[
        "redact",
        s(&render),
        s(&render),
        "--out-dir",
        s(&dir),
        "--cover-text",
        &surname,
        "--fill",
        "0000ff",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for n in [1, 2] {
        let img = image::open(dir.join(format!("redacted-{n}.png")))
            .unwrap()
            .to_rgb8();
        for (x, y) in surname_centres(&label, &surname) {
            assert_eq!(
                img.get_pixel(x, y).0,
                [0, 0, 255],
                "redacted-{n} at {x},{y}"
            );
        }
    }
    // Without the reader it is refused, and nothing is written.
    let empty = tmpdir("read", "cover-text-no-reader");
    let out2 = d.join("none.png");
    let o = occlude(&[
        "redact",
        s(&render),
        "-o",
        s(&out2),
        "--cover-text",
        &surname,
        "--models",
        s(&empty),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--cover-text needs") && err.contains("ppocrv5_rec.onnx"),
        "{err}"
    );
    assert!(!out2.exists());
    // A word with no letter or digit is refused.
    let o = occlude(&["redact", s(&render), "-o", s(&out2), "--cover-text", " - "]);
    assert_eq!(o.status.code(), Some(1));
    assert!(!out2.exists());
}

/// The centre of each labelled word that is `surname`.
fn surname_centres(label: &Value, surname: &str) -> Vec<(u32, u32)> {
    let mut out = Vec::new();
    for l in label["lines"].as_array().unwrap() {
        for word in l["words"].as_array().unwrap() {
            let t: String = word["text"]
                .as_str()
                .unwrap()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            if t == surname && !known_miss(&l["text"]) {
                let q = quad(&word["quad"]);
                out.push((
                    ((q[0][0] + q[2][0]) / 2.0) as u32,
                    ((q[0][1] + q[2][1]) / 2.0) as u32,
                ));
            }
        }
    }
    out
}

/// The toolbar's search field, whose framed dim text the reader misreads (see
/// `check_cover_surname`).
fn known_miss(line: &Value) -> bool {
    line.as_str().unwrap().starts_with("Search:")
}

fn edits(a: &str, b: &str) -> usize {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut diag = row[0];
        row[0] = i;
        for j in 1..=b.len() {
            let up = row[j];
            row[j] = (up + 1)
                .min(row[j - 1] + 1)
                .min(diag + usize::from(a[i - 1] != b[j - 1]));
            diag = up;
        }
    }
    row[b.len()]
}
