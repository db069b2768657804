//! The WebAssembly binding (wasm32 only): a thin layer that turns JS arguments into core calls
//! and core results into JS values. The core never sees a wasm type; the one place a core
//! [`Error`] becomes a JS error is [`js_error`].

use crate::ground::error::Error;
use crate::ground::geometry::Rect;
use crate::pipeline::redact::Options;
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// Installs the panic hook once, when the module is instantiated, so a bug shows up in the
/// console with its message instead of a bare "unreachable".
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The one conversion from a core error to a JS `Error`: its message is written for people,
/// its `code` property is [`Error::code`] for programs (the worker loads the full module on
/// `needs-full-module`).
fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    // Setting a property on a fresh Error object cannot fail; if it did, the message remains.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code().into());
    err.into()
}

/// A malformed request from the page is reported as a bad option, in the core's words.
fn bad_request(detail: impl std::fmt::Display) -> JsValue {
    js_error(Error::BadOption {
        detail: format!("the request is not valid: {detail}"),
    })
}

/// `value` as JSON text, written by the engine's own `JSON.stringify` (absent values as
/// `null`, as the page expects); no JSON printer is compiled into the module.
fn to_json<T: serde::Serialize>(value: &T) -> Result<String, JsValue> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let object = value.serialize(&serializer)?;
    js_sys::JSON::stringify(&object).map(String::from)
}

/// Reads the page's request from JSON text with the engine's own `JSON.parse`. A misspelt key
/// is refused, not ignored (serde-wasm-bindgen reads only the keys it knows, so the request is
/// written back and every key of the input must be there).
fn from_json<T: serde::de::DeserializeOwned + serde::Serialize>(text: &str) -> Result<T, JsValue> {
    let object = js_sys::JSON::parse(text).map_err(|e| {
        let why = js_sys::Error::from(e).message();
        bad_request(String::from(why))
    })?;
    let value: T = serde_wasm_bindgen::from_value(object.clone()).map_err(bad_request)?;
    let known = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?;
    match unknown_key(&object, &known) {
        Some(key) => Err(bad_request(format!("unknown field `{key}`"))),
        None => Ok(value),
    }
}

/// The first key of `input` that `known` (the same data as read) lacks, in the request and its
/// options (the structs that deny unknown fields); boxes may carry extra keys, as before.
fn unknown_key(input: &JsValue, known: &JsValue) -> Option<String> {
    if js_sys::Array::is_array(input) || !input.is_object() || !known.is_object() {
        return None;
    }
    let known_keys = js_sys::Object::from(known.clone());
    js_sys::Object::keys(&js_sys::Object::from(input.clone()))
        .iter()
        .find_map(|key| {
            if !js_sys::Object::has_own(&known_keys, &key) {
                return Some(key.as_string().unwrap_or_default());
            }
            let get = |o: &JsValue| js_sys::Reflect::get(o, &key).unwrap_or(JsValue::NULL);
            unknown_key(&get(input), &get(known))
        })
}

/// What the page sends along with the image bytes.
#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Request {
    boxes: Vec<Rect>,
    #[serde(default)]
    options: Option<Options>,
    /// No boxes on purpose: a clean copy of the picture as it is (`occlude::copy_as_is`).
    #[serde(default, rename = "asIs")]
    as_is: bool,
}

/// The new file and what was done to make it.
#[wasm_bindgen]
pub struct Redaction {
    bytes: Vec<u8>,
    report: crate::pipeline::redact::Report,
}

#[wasm_bindgen]
impl Redaction {
    /// A copy of the new file's bytes (a `Uint8Array`).
    pub fn bytes(&self) -> Vec<u8> {
        self.bytes.clone()
    }

    /// Moves the new file's bytes out, leaving this object empty; no copy inside wasm.
    pub fn take_bytes(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.bytes)
    }

    /// The report as JSON (camelCase keys; see `occlude::Report`).
    pub fn report_json(&self) -> Result<String, JsValue> {
        to_json(&self.report)
    }

    /// The MIME type of the new file, e.g. `image/jpeg`.
    pub fn mime(&self) -> String {
        self.report.output_format.mime().to_string()
    }

    /// The file extension of the new file, without a dot (`png` or `jpg`).
    pub fn extension(&self) -> String {
        self.report.output_format.extension().to_string()
    }
}

/// Redacts `input` as described by `request_json`:
/// `{"boxes":[{"x","y","width","height"}], "options":{"fill","background","format","quality"}}`;
/// or, with `"asIs": true` and no boxes, makes a clean copy with no box (see `copy_as_is`).
/// Box coordinates are in pixels of the image as seen (after EXIF orientation).
#[wasm_bindgen]
pub fn redact(input: &[u8], request_json: &str) -> Result<Redaction, JsValue> {
    let request: Request = from_json(request_json)?;
    let options = request.options.unwrap_or_default();
    let out = if request.as_is {
        if !request.boxes.is_empty() {
            return Err(bad_request("asIs takes no boxes"));
        }
        crate::pipeline::redact::copy_as_is(input, &options, &now_ms)
    } else {
        crate::pipeline::redact::redact_timed(input, &request.boxes, &options, &now_ms)
    }
    .map_err(js_error)?;
    Ok(Redaction {
        bytes: out.bytes,
        report: out.report,
    })
}

/// `performance.now()` of the page or worker, falling back to `Date.now()`.
fn now_ms() -> f64 {
    let global = js_sys::global();
    js_sys::Reflect::get(&global, &JsValue::from_str("performance"))
        .ok()
        .and_then(|perf| {
            let now = js_sys::Reflect::get(&perf, &JsValue::from_str("now")).ok()?;
            now.dyn_into::<js_sys::Function>()
                .ok()?
                .call0(&perf)
                .ok()?
                .as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}

/// Reads a file's format, size and orientation without decoding its pixels; JSON of
/// `occlude::Inspection` (camelCase keys).
#[wasm_bindgen]
pub fn inspect(input: &[u8]) -> Result<String, JsValue> {
    let inspection = crate::pipeline::inspect::inspect(input).map_err(js_error)?;
    to_json(&inspection)
}

/// A downscaled picture of the image exactly as it will be burned (oriented and flattened).
#[wasm_bindgen]
pub struct Preview {
    inner: crate::pipeline::inspect::Preview,
}

#[wasm_bindgen]
impl Preview {
    /// Full width as seen; box coordinates are in these pixels.
    #[wasm_bindgen(getter)]
    pub fn width(&self) -> u32 {
        self.inner.width
    }

    /// Full height as seen; box coordinates are in these pixels.
    #[wasm_bindgen(getter)]
    pub fn height(&self) -> u32 {
        self.inner.height
    }

    /// Width of the RGBA pixels.
    #[wasm_bindgen(getter)]
    pub fn preview_width(&self) -> u32 {
        self.inner.preview_width
    }

    /// Height of the RGBA pixels.
    #[wasm_bindgen(getter)]
    pub fn preview_height(&self) -> u32 {
        self.inner.preview_height
    }

    /// Input format name in lower case (`jpeg`, `png`, ...).
    #[wasm_bindgen(getter)]
    pub fn format(&self) -> String {
        self.inner.format.name().to_ascii_lowercase()
    }

    /// EXIF orientation (1–8) that was applied.
    #[wasm_bindgen(getter)]
    pub fn orientation(&self) -> u8 {
        self.inner.orientation
    }

    /// True when transparency was flattened onto the background.
    #[wasm_bindgen(getter)]
    pub fn had_alpha(&self) -> bool {
        self.inner.had_alpha
    }

    /// Animation frames in the input (only the first is kept).
    #[wasm_bindgen(getter)]
    pub fn frames(&self) -> u32 {
        self.inner.frames
    }

    /// Moves the opaque RGBA pixels out (`preview_width × preview_height × 4` bytes).
    /// The only copy is the one into JS memory; call once.
    pub fn take_rgba(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.inner.rgba)
    }
}

/// Decodes `input` as [`redact`] will, scaled to fit `max_side` pixels a side; transparency
/// is flattened onto `background` (`#RRGGBB`).
#[wasm_bindgen]
pub fn preview(input: &[u8], max_side: u32, background: &str) -> Result<Preview, JsValue> {
    let background = background.parse().map_err(js_error)?;
    let inner = crate::pipeline::inspect::preview(input, max_side, background).map_err(js_error)?;
    Ok(Preview { inner })
}

/// Runs every codec path once on a small made-up picture, so the engine has optimised code
/// ready for the next real job (see `occlude::warm_up`). The app's worker calls it when idle.
#[wasm_bindgen]
pub fn warm_up() -> Result<(), JsValue> {
    crate::pipeline::warm_up::warm_up().map_err(js_error)
}

/// The crate version, e.g. `0.1.0`.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

// ---- The text finder (feature `text`: only the finder's own module, pkg/occlude_text.js) ----

#[cfg(feature = "text")]
thread_local! {
    /// The detector, loaded once per instance by [`load_text_model`] (a worker runs one).
    static TEXT_MODEL: std::cell::RefCell<Option<crate::text::Model>> =
        const { std::cell::RefCell::new(None) };
    /// The recogniser, loaded once per instance by [`load_text_reader`].
    static TEXT_READER: std::cell::RefCell<Option<crate::text::Reader>> =
        const { std::cell::RefCell::new(None) };
}

/// Loads the text reader from the bytes of `models/ppocrv5_rec.onnx` and the text of
/// `models/ppocr_keys_v5.txt`, and keeps it for every later [`TextImage::find`] asked to read.
/// Damaged or other bytes fail with the code `text-reader-model`.
#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn load_text_reader(rec: Vec<u8>, keys: &str) -> Result<(), JsValue> {
    let reader = crate::pipeline::read::load_reader(rec, keys).map_err(js_error)?;
    TEXT_READER.with(|m| match m.try_borrow_mut() {
        Ok(mut slot) => {
            *slot = Some(reader);
            Ok(())
        }
        Err(_) => Err(bad_request(
            "the text reader cannot be replaced while it runs",
        )),
    })
}

/// Whether [`load_text_reader`] has succeeded in this instance.
#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn text_reader_loaded() -> bool {
    TEXT_READER.with(|m| m.borrow().is_some())
}

/// "Cover every…": `found_json` is the lines as [`TextImage::find`] gave them (the whole
/// `{width, height, lines}` or just the `lines` array; a line not read is skipped), `words_json`
/// an array of the words to cover. Returns JSON `{boxes: [{x, y, width, height}], found: [{line,
/// text}]}`: a box per occurrence (case- and accent-insensitive, whole words), rounded outwards.
#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn cover_text(found_json: &str, words_json: &str) -> Result<String, JsValue> {
    use crate::pipeline::read::{check_words, cover_text, CoverLine};
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Found {
        Lines(Vec<CoverLine>),
        Image {
            width: u32,
            height: u32,
            lines: Vec<CoverLine>,
        },
    }
    let parse = |text: &str| {
        js_sys::JSON::parse(text)
            .map_err(|e| bad_request(String::from(js_sys::Error::from(e).message())))
    };
    let found: Found = serde_wasm_bindgen::from_value(parse(found_json)?)
        .map_err(|e| bad_request(format!("lines: {e}")))?;
    let words: Vec<String> = serde_wasm_bindgen::from_value(parse(words_json)?)
        .map_err(|e| bad_request(format!("words: {e}")))?;
    check_words(&words).map_err(js_error)?;
    let covered = match &found {
        Found::Lines(lines) => cover_text(lines, &words, None),
        Found::Image {
            width,
            height,
            lines,
        } => cover_text(lines, &words, Some((*width, *height))),
    };
    to_json(&covered)
}

/// Loads the text detector from the bytes of `models/ppocrv5_det.onnx` and keeps it for every
/// later [`TextImage::find`]. Damaged or other bytes fail with the code `text-model`.
#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn load_text_model(bytes: Vec<u8>) -> Result<(), JsValue> {
    let model = crate::pipeline::text::load_model(bytes).map_err(js_error)?;
    TEXT_MODEL.with(|m| match m.try_borrow_mut() {
        Ok(mut slot) => {
            *slot = Some(model);
            Ok(())
        }
        // Only from inside a running find's progress callback.
        Err(_) => Err(bad_request(
            "the text detector cannot be replaced while it runs",
        )),
    })
}

/// Whether [`load_text_model`] has succeeded in this instance.
#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn text_model_loaded() -> bool {
    TEXT_MODEL.with(|m| m.borrow().is_some())
}

/// An image decoded for the text finder (as seen: oriented, alpha flattened), kept so that the
/// worker can ask [`TextImage::needs_model`] before fetching the detector, and find without
/// decoding twice.
#[cfg(feature = "text")]
#[wasm_bindgen]
pub struct TextImage {
    inner: crate::pipeline::text::TextImage,
    options: crate::pipeline::text::TextOptions,
    /// The lines [`TextImage::find_to_read`] found, kept until [`TextImage::finish_reading`].
    to_read: std::cell::RefCell<Option<crate::pipeline::text::TextFound>>,
}

/// Decodes `input` for [`TextImage::find`]; `options_json` is `{"mode"?: "auto" | "classical"
/// | "network", "background"?: "#RRGGBB", "read"?: bool}` (or empty). Bad input fails as [`redact`] does.
#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn text_image(input: &[u8], options_json: &str) -> Result<TextImage, JsValue> {
    let options = text_options(options_json)?;
    let inner = crate::pipeline::text::TextImage::decode(input, &options).map_err(js_error)?;
    Ok(TextImage {
        inner,
        options,
        to_read: Default::default(),
    })
}

/// As [`text_image`], from RGBA pixels another module decoded (`width × height × 4` bytes).
#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn text_image_from_rgba(
    rgba: &[u8],
    width: u32,
    height: u32,
    options_json: &str,
) -> Result<TextImage, JsValue> {
    let options = text_options(options_json)?;
    let inner = crate::pipeline::text::TextImage::from_rgba(width, height, rgba, &options)
        .map_err(js_error)?;
    Ok(TextImage {
        inner,
        options,
        to_read: Default::default(),
    })
}

#[cfg(feature = "text")]
fn text_options(json: &str) -> Result<crate::pipeline::text::TextOptions, JsValue> {
    if json.trim().is_empty() {
        return Ok(Default::default());
    }
    from_json(json)
}

#[cfg(feature = "text")]
#[wasm_bindgen]
impl TextImage {
    /// Width as seen; the lines' coordinates are in these pixels.
    #[wasm_bindgen(getter)]
    pub fn width(&self) -> u32 {
        self.inner.width()
    }

    /// Height as seen.
    #[wasm_bindgen(getter)]
    pub fn height(&self) -> u32 {
        self.inner.height()
    }

    /// Whether [`TextImage::find`] needs the detector here (not a clean render).
    pub fn needs_model(&self) -> bool {
        self.inner.needs_model(&self.options)
    }

    /// Finds the lines of text and, with the option `read: true`, reads and classifies them;
    /// JSON of `occlude::TextFound`: `{width, height, network, read, lines: [{x, y, width,
    /// height, quad, confidence, suggested}], stats}`, each line read adding `{text, kind, why,
    /// safetyNet, readConfidence, chars}`. `progress` is called with the fraction done (0–1)
    /// and the stage (`"find"`, then `"read"`); returning `false` (or throwing) cancels with the
    /// code `cancelled`. Without the detector loaded, a picture that needs it fails with
    /// `no-text-model`; asked to read without the reader loaded, with `no-text-reader` (before
    /// finding anything).
    pub fn find(&self, progress: &js_sys::Function) -> Result<String, JsValue> {
        if self.options.read && !text_reader_loaded() {
            return Err(js_error(crate::ground::error::Error::NoTextReader));
        }
        let mut found = self.find_lines(progress)?;
        if self.options.read {
            with_reader(|reader| {
                self.inner
                    .read(&mut found, reader, &mut |f| tell(progress, f, "read"))
            })?;
        }
        to_json(&found)
    }

    /// Finds the lines, as [`TextImage::find`] with `read: true` does, but keeps them here to be
    /// read in parts, in this and other instances (a worker spreads a long reading over the
    /// device's cores): returns JSON of what reading each line costs (an array of numbers, in
    /// order). Then [`TextImage::part_to_read`] for each part, [`read_text_part`] wherever the
    /// reader is loaded, and [`TextImage::finish_reading`] with all the readings give exactly
    /// what [`TextImage::find`] gives. `progress` as for [`TextImage::find`] (stage `"find"`).
    /// Needs no reader here: the parts are read wherever one is loaded.
    pub fn find_to_read(&self, progress: &js_sys::Function) -> Result<String, JsValue> {
        let found = self.find_lines(progress)?;
        let costs = found.reading_costs();
        *self.to_read.borrow_mut() = Some(found);
        to_json(&costs)
    }

    /// The lines `which_json` (a JSON array of indices into the lines
    /// [`TextImage::find_to_read`] found) as a part to read: bytes for [`read_text_part`].
    pub fn part_to_read(&self, which_json: &str) -> Result<Vec<u8>, JsValue> {
        let which: Vec<usize> = serde_wasm_bindgen::from_value(
            js_sys::JSON::parse(which_json).map_err(|_| bad_request("lines: not JSON"))?,
        )
        .map_err(|e| bad_request(format!("lines: {e}")))?;
        let kept = self.to_read.borrow();
        let found = kept
            .as_ref()
            .ok_or_else(|| bad_request("no lines found to read (find_to_read first)"))?;
        self.inner.part_to_read(found, &which).map_err(js_error)
    }

    /// Classifies the lines [`TextImage::find_to_read`] found, as read in parts: `reads` is an
    /// array with, for each line in order, its reading from [`read_text_part`]. Returns the
    /// JSON [`TextImage::find`] gives with `read: true`.
    pub fn finish_reading(&self, reads: JsValue) -> Result<String, JsValue> {
        let reads: Vec<crate::text::ReadLine> = serde_wasm_bindgen::from_value(reads)
            .map_err(|e| bad_request(format!("readings: {e}")))?;
        let mut kept = self.to_read.borrow_mut();
        let found = kept
            .as_mut()
            .ok_or_else(|| bad_request("no lines found to read (find_to_read first)"))?;
        found.set_reads(reads).map_err(js_error)?;
        to_json(&*found)
    }
}

#[cfg(feature = "text")]
impl TextImage {
    /// The lines of this image, found with the detector loaded here (if any); `progress` hears
    /// the stage `"find"`.
    fn find_lines(
        &self,
        progress: &js_sys::Function,
    ) -> Result<crate::pipeline::text::TextFound, JsValue> {
        TEXT_MODEL
            .with(|m| match m.try_borrow() {
                Ok(model) => self.inner.find(model.as_ref(), &self.options, &mut |f| {
                    tell(progress, f, "find")
                }),
                Err(_) => Err(replaced("detector")),
            })
            .map_err(js_error)
    }
}

/// Runs `f` with the reader loaded in this instance (`no-text-reader` without one).
#[cfg(feature = "text")]
fn with_reader<T>(
    f: impl FnOnce(&crate::text::Reader) -> crate::ground::error::Result<T>,
) -> Result<T, JsValue> {
    TEXT_READER
        .with(|r| match r.try_borrow() {
            Ok(reader) => match reader.as_ref() {
                Some(reader) => f(reader),
                None => Err(crate::ground::error::Error::NoTextReader),
            },
            Err(_) => Err(replaced("reader")),
        })
        .map_err(js_error)
}

/// A model used from inside its own replacement (only from a progress callback).
#[cfg(feature = "text")]
fn replaced(what: &str) -> crate::ground::error::Error {
    crate::ground::error::Error::BadOption {
        detail: format!("the text {what} is being replaced"),
    }
}

/// Calls the page's progress callback with the fraction done and the stage; whether to go on
/// (`false` returned, or a throw, cancels).
#[cfg(feature = "text")]
fn tell(progress: &js_sys::Function, fraction: f32, stage: &str) -> bool {
    progress
        .call2(
            &JsValue::NULL,
            &JsValue::from_f64(f64::from(fraction)),
            &JsValue::from_str(stage),
        )
        .map(|answer| answer.as_bool() != Some(false))
        .unwrap_or(false)
}

/// Reads a part of an image's lines ([`TextImage::part_to_read`], made in this instance or
/// another) with the reader loaded here: an array with one reading per line of the part, in
/// order, for [`TextImage::finish_reading`]. `progress` is called with the fraction of the part
/// done and the stage `"read"`; returning `false` cancels (`cancelled`). Without the reader,
/// `no-text-reader`; bytes that are not a part, `bad-option`.
#[cfg(feature = "text")]
#[wasm_bindgen]
pub fn read_text_part(part: &[u8], progress: &js_sys::Function) -> Result<JsValue, JsValue> {
    let reads = with_reader(|reader| {
        crate::pipeline::read::read_part(part, reader, &mut |f| tell(progress, f, "read"))
    })?;
    Ok(reads.serialize(&serde_wasm_bindgen::Serializer::json_compatible())?)
}
