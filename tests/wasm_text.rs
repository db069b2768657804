//! The text finder's wasm module as the worker uses it (`pkg/occlude_text.js`: the core's
//! decoders plus the finder), in a real browser:
//! `cargo test --target wasm32-unknown-unknown --test wasm_text --no-default-features --features text`
//! with CHROMEDRIVER, GECKODRIVER or SAFARIDRIVER set (tools/test runs it in all three engines).
//! The images are the labelled fixtures of tests/fixtures/text/; the detector is the build's
//! cache, target/models/ppocrv5_det.onnx (tools/models), compiled in: without it this test does
//! not build; so are the reader's weights and dictionary (target/models/ppocrv5_rec.onnx,
//! ppocr_keys_v5.txt) for reading and "Cover every…". No time is asserted.
#![cfg(target_arch = "wasm32")]

use occlude::wasm::{
    cover_text, load_text_model, load_text_reader, read_text_part, text_image,
    text_image_from_rgba, text_model_loaded, text_reader_loaded,
};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const RENDER: &[u8] = include_bytes!("fixtures/text/render.png");
const RENDER_LABEL: &str = include_str!("fixtures/text/render.json");
const PHOTO: &[u8] = include_bytes!("fixtures/text/photo.jpg");
const PHOTO_LABEL: &str = include_str!("fixtures/text/photo.json");
const DETECTOR: &[u8] = include_bytes!("../target/models/ppocrv5_det.onnx");
const RECOGNISER: &[u8] = include_bytes!("../target/models/ppocrv5_rec.onnx");
const KEYS: &str = include_str!("../target/models/ppocr_keys_v5.txt");

/// The `code` property of a thrown error (the core's `Error::code`).
fn code(v: &JsValue) -> String {
    js_sys::Reflect::get(v, &"code".into())
        .ok()
        .and_then(|c| c.as_string())
        .unwrap_or_default()
}

/// A progress callback that records every fraction and answers `answer(n)` on the n-th call.
fn progress(
    seen: std::rc::Rc<std::cell::RefCell<Vec<f64>>>,
    answer: impl Fn(usize) -> bool + 'static,
) -> Closure<dyn FnMut(f64) -> bool> {
    Closure::wrap(Box::new(move |f: f64| {
        seen.borrow_mut().push(f);
        answer(seen.borrow().len())
    }) as Box<dyn FnMut(f64) -> bool>)
}

fn find(image: &occlude::wasm::TextImage) -> Result<(Value, Vec<f64>), JsValue> {
    let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    let cb = progress(seen.clone(), |_| true);
    let json = image.find(cb.as_ref().unchecked_ref())?;
    let fractions = seen.borrow().clone();
    Ok((serde_json::from_str(&json).unwrap(), fractions))
}

/// Labelled identifier lines less than 90 % covered by the boxes found.
fn missed(label: &str, found: &Value) -> Vec<String> {
    let label: Value = serde_json::from_str(label).unwrap();
    let boxes: Vec<[u64; 4]> = found["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| ["x", "y", "width", "height"].map(|k| l[k].as_u64().unwrap()))
        .collect();
    label["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "identifier")
        .filter(|l| {
            let b: Vec<u64> = l["box"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().unwrap())
                .collect();
            let mut hit = 0;
            for y in b[1]..b[1] + b[3] {
                for x in b[0]..b[0] + b[2] {
                    hit += u64::from(
                        boxes
                            .iter()
                            .any(|f| x >= f[0] && x < f[0] + f[2] && y >= f[1] && y < f[1] + f[3]),
                    );
                }
            }
            hit * 10 < b[2] * b[3] * 9
        })
        .map(|l| l["text"].to_string())
        .collect()
}

fn wasm_memory_bytes() -> f64 {
    let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
    memory
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}

#[wasm_bindgen_test]
fn a_render_is_searched_without_the_detector() {
    let image = text_image(RENDER, "").unwrap();
    assert_eq!((image.width(), image.height()), (1152, 648));
    assert!(!image.needs_model());
    let (found, fractions) = find(&image).unwrap();
    assert_eq!(found["network"], false);
    assert_eq!(missed(RENDER_LABEL, &found), Vec::<String>::new());
    assert!(found["lines"].as_array().unwrap().len() > 80);
    assert_eq!(
        (fractions.first(), fractions.last()),
        (Some(&0.0), Some(&1.0))
    );
    // The same lines as from the pixels, as the worker hands them over for a GIF or a WebP.
    let decoded = image::load_from_memory(RENDER).unwrap().to_rgba8();
    let again =
        text_image_from_rgba(decoded.as_raw(), 1152, 648, r##"{"background":"#ffffff"}"##).unwrap();
    assert_eq!(find(&again).unwrap().0, found);
}

#[wasm_bindgen_test]
fn a_photo_needs_the_detector_then_every_identifier_line_is_found_with_corners() {
    let image = text_image(PHOTO, r#"{"mode":"auto"}"#).unwrap();
    assert!(image.needs_model());
    if !text_model_loaded() {
        let err = find(&image).unwrap_err();
        assert_eq!(code(&err), "no-text-model");
        assert!(err
            .dyn_ref::<js_sys::Error>()
            .unwrap()
            .message()
            .as_string()
            .unwrap()
            .contains("text detector"));
        load_text_model(DETECTOR.to_vec()).unwrap();
    }
    assert!(text_model_loaded());
    let (found, fractions) = find(&image).unwrap();
    assert_eq!(found["network"], true);
    assert_eq!(missed(PHOTO_LABEL, &found), Vec::<String>::new());
    let lines = found["lines"].as_array().unwrap();
    assert!(
        lines
            .iter()
            .any(|l| l["quad"].as_array().is_some_and(|q| q.len() == 4)),
        "tilted lines carry corners"
    );
    assert!(
        fractions.len() > 3 && fractions.windows(2).all(|w| w[0] <= w[1]),
        "{fractions:?}"
    );
    assert_eq!(find(&image).unwrap().0, found, "the same lines again");
    let mib = wasm_memory_bytes() / (1024.0 * 1024.0);
    assert!(mib < 400.0, "wasm memory {mib:.0} MiB");
}

#[wasm_bindgen_test]
fn bad_input_and_cancel_get_the_cores_errors() {
    let err = |r: Result<occlude::wasm::TextImage, JsValue>| code(&r.map(|_| ()).unwrap_err());
    assert_eq!(err(text_image(&[], "")), "empty");
    assert_eq!(err(text_image(b"%PDF-1.7 not an image", "")), "unsupported");
    assert!(matches!(
        err(text_image(&RENDER[..RENDER.len() / 2], "")).as_str(),
        "truncated" | "corrupt"
    ));
    assert_eq!(err(text_image(RENDER, r#"{"colour":"red"}"#)), "bad-option");
    assert_eq!(
        err(text_image(RENDER, r#"{"mode":"psychic"}"#)),
        "bad-option"
    );
    assert_eq!(err(text_image(RENDER, "{")), "bad-option");
    assert_eq!(
        err(text_image_from_rgba(&[0; 399], 10, 10, "")),
        "bad-option"
    );
    assert_eq!(err(text_image_from_rgba(&[], 30_000, 10, "")), "too-large");
    // A GIF is for the full module: the worker decodes it there and hands the pixels over.
    let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
    assert_eq!(err(text_image(gif, "")), "needs-full-module");
    // Weights that are not the detector.
    assert_eq!(
        code(&load_text_model(b"not an onnx file".to_vec()).unwrap_err()),
        "text-model"
    );
    // Cancelled by the progress callback (false), at once and part-way.
    let image = text_image(RENDER, r#"{"mode":"classical"}"#).unwrap();
    for stop_at in [1, 2] {
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let cb = progress(seen, move |n| n < stop_at);
        assert_eq!(
            code(&image.find(cb.as_ref().unchecked_ref()).unwrap_err()),
            "cancelled"
        );
    }
    // A callback that throws cancels too.
    let throws = js_sys::Function::new_no_args("throw new Error('stop')");
    assert_eq!(code(&image.find(&throws).unwrap_err()), "cancelled");
}

/// Loads the reader once for this instance (the first test to need it checks the error before).
fn with_reader() {
    if !text_reader_loaded() {
        let image = text_image(RENDER, r#"{"read":true}"#).unwrap();
        let seen = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let cb = progress(seen.clone(), |_| true);
        let err = image.find(cb.as_ref().unchecked_ref()).unwrap_err();
        assert_eq!(code(&err), "no-text-reader");
        assert!(seen.borrow().is_empty(), "refused before finding anything");
        assert_eq!(
            code(&load_text_reader(b"not a model".to_vec(), KEYS).unwrap_err()),
            "text-reader-model"
        );
        load_text_reader(RECOGNISER.to_vec(), KEYS).unwrap();
    }
    assert!(text_reader_loaded());
}

/// Share of the box around `q` inside any of `boxes` ([x, y, w, h]).
fn share_covered(q: &[[f64; 2]; 4], boxes: &[[u64; 4]]) -> f64 {
    let xs = q.map(|p| p[0]);
    let ys = q.map(|p| p[1]);
    let x0 = xs.iter().copied().fold(f64::MAX, f64::min).max(0.0).floor() as u64;
    let x1 = xs.iter().copied().fold(f64::MIN, f64::max).ceil() as u64;
    let y0 = ys.iter().copied().fold(f64::MAX, f64::min).max(0.0).floor() as u64;
    let y1 = ys.iter().copied().fold(f64::MIN, f64::max).ceil() as u64;
    let (mut n, mut hit) = (0u64, 0u64);
    for y in y0..y1 {
        for x in x0..x1 {
            n += 1;
            hit += u64::from(
                boxes
                    .iter()
                    .any(|f| x >= f[0] && x < f[0] + f[2] && y >= f[1] && y < f[1] + f[3]),
            );
        }
    }
    hit as f64 / n.max(1) as f64
}

fn boxes(v: &Value) -> Vec<[u64; 4]> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|l| ["x", "y", "width", "height"].map(|k| l[k].as_u64().unwrap()))
        .collect()
}

/// The part of the render the reading test reads (x, y, width, height): the appointments
/// table, 35 labelled lines (names, dates, times, clinical notes), so one synchronous call stays
/// well within the test runner's patience in every engine.
const CROP: [u32; 4] = [300, 125, 700, 150];

/// A labelled quad in the crop's pixels, if it lies wholly inside the crop.
fn in_crop(q: &Value) -> Option<[[f64; 2]; 4]> {
    let [cx, cy, cw, ch] = CROP.map(f64::from);
    let q: [[f64; 2]; 4] = std::array::from_fn(|i| {
        [
            q[i][0].as_f64().unwrap() - cx,
            q[i][1].as_f64().unwrap() - cy,
        ]
    });
    q.iter()
        .all(|p| p[0] >= 0.0 && p[1] >= 0.0 && p[0] <= cw && p[1] <= ch)
        .then_some(q)
}

/// The crop of the render the reading tests read, as RGBA pixels.
fn crop() -> image::RgbaImage {
    let [cx, cy, cw, ch] = CROP;
    let whole = image::load_from_memory(RENDER).unwrap().to_rgba8();
    image::imageops::crop_imm(&whole, cx, cy, cw, ch).to_image()
}

/// A progress callback that records the stage of every call (and always goes on).
type StageLog = (
    std::rc::Rc<std::cell::RefCell<Vec<String>>>,
    Closure<dyn FnMut(f64, String) -> bool>,
);
fn stage_log() -> StageLog {
    let stages = std::rc::Rc::new(std::cell::RefCell::new(Vec::<String>::new()));
    let log = stages.clone();
    let cb = Closure::wrap(Box::new(move |_f: f64, stage: String| {
        log.borrow_mut().push(stage);
        true
    }) as Box<dyn FnMut(f64, String) -> bool>);
    (stages, cb)
}

#[wasm_bindgen_test]
fn reading_a_report_suggests_every_identifier_and_covers_the_surname() {
    with_reader();
    let rgba = crop();
    let (cw, ch) = rgba.dimensions();
    let image = text_image_from_rgba(rgba.as_raw(), cw, ch, r#"{"read":true}"#).unwrap();
    let (stages, cb) = stage_log();
    let json = image.find(cb.as_ref().unchecked_ref()).unwrap();
    let found: Value = serde_json::from_str(&json).unwrap();
    let stages = stages.borrow().clone();
    let first_read = stages
        .iter()
        .position(|s| s == "read")
        .expect("a read stage");
    assert!(
        stages[..first_read].iter().all(|s| s == "find")
            && stages[first_read..].iter().all(|s| s == "read"),
        "{stages:?}"
    );
    assert_eq!(found["read"], true);
    let lines = found["lines"].as_array().unwrap();
    for l in lines {
        assert!(
            l["text"].is_string() && l["why"].is_string() && l["chars"].is_array(),
            "{l}"
        );
        assert_eq!(l["suggested"], l["kind"] != "clinical", "{l}");
    }
    let suggested = boxes(&Value::Array(
        lines
            .iter()
            .filter(|l| l["suggested"] == true)
            .cloned()
            .collect(),
    ));
    let label: Value = serde_json::from_str(RENDER_LABEL).unwrap();
    let labelled: Vec<(&Value, [[f64; 2]; 4])> = label["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| Some((l, in_crop(&l["quad"])?)))
        .collect();
    assert!(
        labelled.len() > 30,
        "{} labelled lines in the crop",
        labelled.len()
    );
    for (l, q) in labelled.iter().filter(|(l, _)| l["kind"] == "identifier") {
        assert!(
            share_covered(q, &suggested) >= 0.9,
            "{} not suggested",
            l["text"]
        );
    }
    let clear = labelled
        .iter()
        .filter(|(l, q)| l["kind"] == "clinical" && share_covered(q, &suggested) < 0.5)
        .count();
    assert!(clear >= 3, "{clear} clinical lines left clear");
    // "Cover every" the patient's surname, in lower case: its occurrence in the table is boxed.
    let surname = label["patient"]["last"].as_str().unwrap();
    let words = serde_json::to_string(&[surname.to_lowercase()]).unwrap();
    let covered: Value = serde_json::from_str(&cover_text(&json, &words).unwrap()).unwrap();
    let cover = boxes(&covered["boxes"]);
    assert_eq!(cover.len(), covered["found"].as_array().unwrap().len());
    let mut seen = 0;
    for (l, _) in &labelled {
        for w in l["words"].as_array().unwrap() {
            let t: String = w["text"]
                .as_str()
                .unwrap()
                .chars()
                .filter(|c| c.is_alphanumeric())
                .collect();
            if let (true, Some(q)) = (t == surname, in_crop(&w["quad"])) {
                seen += 1;
                assert!(
                    share_covered(&q, &cover) >= 0.9,
                    "{surname} in {}",
                    l["text"]
                );
            }
        }
    }
    assert!(seen >= 1);
    // The lines array alone works too (the worker's coverText request hands that over).
    let lines_json = serde_json::to_string(&found["lines"]).unwrap();
    let again: Value = serde_json::from_str(&cover_text(&lines_json, &words).unwrap()).unwrap();
    assert_eq!(again["boxes"], covered["boxes"]);
    // Bad requests get the core's code.
    for (lines, words) in [
        ("not json", r#"["a"]"#),
        (json.as_str(), "[]"),
        (json.as_str(), r#"[" "]"#),
        ("{}", r#"["a"]"#),
    ] {
        assert_eq!(
            code(&cover_text(lines, words).unwrap_err()),
            "bad-option",
            "{words}"
        );
    }
}

/// Reading in parts, as the worker spreads a long reading over the device's cores (each part
/// read by another instance of this module, in another worker), gives exactly what reading
/// every line in one call gives; misuse gets the core's errors.
#[wasm_bindgen_test]
fn reading_in_parts_gives_what_one_call_gives() {
    with_reader();
    let rgba = crop();
    let (cw, ch) = rgba.dimensions();
    let open = || text_image_from_rgba(rgba.as_raw(), cw, ch, r#"{"read":true}"#).unwrap();
    let (at_once, _) = find(&open()).unwrap();
    let n = at_once["lines"].as_array().unwrap().len();
    assert!(n > 20, "{n} lines");

    let image = open();
    let err = image.part_to_read("[0]").unwrap_err();
    assert_eq!(
        code(&err),
        "bad-option",
        "no lines kept before find_to_read"
    );
    let (stages, cb) = stage_log();
    let costs: Vec<u32> =
        serde_json::from_str(&image.find_to_read(cb.as_ref().unchecked_ref()).unwrap()).unwrap();
    assert_eq!(costs.len(), n);
    assert!(costs.iter().all(|&c| c > 0));
    assert!(stages.borrow().iter().all(|s| s == "find"));
    // Three parts of lines of like cost, as the worker cuts them, read out of order.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| costs[i]);
    let parts: Vec<Vec<usize>> = order.chunks(n.div_ceil(3)).map(<[usize]>::to_vec).collect();
    let reads = js_sys::Array::new_with_length(n as u32);
    let (read_stage, cb) = stage_log();
    for which in parts.iter().rev() {
        let part = image
            .part_to_read(&serde_json::to_string(which).unwrap())
            .unwrap();
        let got: js_sys::Array = read_text_part(&part, cb.as_ref().unchecked_ref())
            .unwrap()
            .dyn_into()
            .unwrap();
        assert_eq!(got.length() as usize, which.len());
        for (k, &i) in which.iter().enumerate() {
            reads.set(i as u32, got.get(k as u32));
        }
    }
    assert!(read_stage.borrow().iter().all(|s| s == "read"));
    let joined: Value = serde_json::from_str(&image.finish_reading(reads.into()).unwrap()).unwrap();
    assert_eq!(joined, at_once);

    // A part that is not one, a line that is not there, readings that do not match the lines.
    let refuse = |cb: &Closure<dyn FnMut(f64, String) -> bool>| {
        code(&read_text_part(b"OCCSTRP1 not a part", cb.as_ref().unchecked_ref()).unwrap_err())
    };
    assert_eq!(refuse(&cb), "bad-option");
    assert_eq!(
        code(&image.part_to_read(&format!("[{n}]")).unwrap_err()),
        "bad-option"
    );
    assert_eq!(code(&image.part_to_read("[-1]").unwrap_err()), "bad-option");
    assert_eq!(
        code(
            &image
                .finish_reading(js_sys::Array::new().into())
                .unwrap_err()
        ),
        "bad-option"
    );
}
