//! The text finder's wasm module as the worker uses it (`pkg/occlude_text.js`: the core's
//! decoders plus the finder), in a real browser:
//! `cargo test --target wasm32-unknown-unknown --test wasm_text --no-default-features --features text`
//! with CHROMEDRIVER, GECKODRIVER or SAFARIDRIVER set (tools/test runs it in all three engines).
//! The images are the labelled fixtures of tests/fixtures/text/; the detector is the build's
//! cache, target/models/ppocrv5_det.onnx (tools/models), compiled in: without it this test does
//! not build. No time is asserted.
#![cfg(target_arch = "wasm32")]

use occlude::wasm::{load_text_model, text_image, text_image_from_rgba, text_model_loaded};
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
