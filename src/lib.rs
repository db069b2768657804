//! Occlude's core: open an image, burn opaque boxes into it, and write a brand-new file built
//! from the pixels alone. Pure Rust with no WebAssembly types; `wasm.rs` and the `occlude` CLI
//! are thin layers over [`redact`], [`inspect`] and [`preview`].

pub mod burn;
pub mod color;
pub mod container;
pub mod decode;
pub mod encode;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod inventory;
pub mod jpeg;
pub mod orient;
pub mod png_read;
pub mod sniff;
pub mod verify;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use burn::{PixelBox, Rect};
pub use color::Rgb;
pub use encode::{OutputFormat, DEFAULT_QUALITY};
pub use error::{Error, Result};
pub use sniff::InputFormat;

use serde::{Deserialize, Serialize};

/// How to redact: fill colour, background for transparency, and the output file's format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Options {
    /// Colour burned into every box (default black).
    pub fill: Rgb,
    /// Colour that transparent pixels are flattened onto (default white).
    pub background: Rgb,
    /// Output format; `None` picks the default for the input (JPEG for JPEG/WebP, else PNG).
    pub format: Option<OutputFormat>,
    /// JPEG quality, 1–100 (default 90). Ignored for PNG.
    pub quality: u8,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            fill: Rgb::BLACK,
            background: Rgb::WHITE,
            format: None,
            quality: DEFAULT_QUALITY,
        }
    }
}

/// The output format Occlude picks when the caller does not choose one.
pub fn default_output(input: InputFormat) -> OutputFormat {
    match input {
        InputFormat::Jpeg | InputFormat::Webp => OutputFormat::Jpeg,
        _ => OutputFormat::Png,
    }
}

/// What was done, for the page's receipt and the CLI's summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    pub input_format: InputFormat,
    pub input_bytes: usize,
    pub output_format: OutputFormat,
    pub output_bytes: usize,
    /// JPEG quality used, when the output is JPEG.
    pub quality: Option<u8>,
    /// Width and height of the output (the input as seen, after orientation).
    pub width: u32,
    pub height: u32,
    /// The boxes as burned: rounded outwards to whole pixels and clipped to the image.
    pub boxes: Vec<PixelBox>,
    pub fill: Rgb,
    /// EXIF orientation value (1–8) of the input; anything but 1 was applied to the pixels.
    pub orientation: u8,
    /// True when the input had an alpha channel that was flattened onto `background`.
    pub alpha_flattened: bool,
    pub background: Rgb,
    /// Animation frames not carried over (only the first frame is kept).
    pub frames_dropped: u32,
    /// Fully transparent pixels that were hiding a colour (now the background colour).
    pub hidden_under_transparent: u64,
    /// What the verifier established from the produced bytes.
    pub verification: verify::Verification,
    /// Time spent in each stage (zero where the caller gave no clock).
    pub timings: Timings,
    /// A file name that carries nothing from the input's name.
    pub suggested_name: String,
    /// "lossless" (JPEG to JPEG in the DCT domain, see [`jpeg`]) or "pixels".
    pub path: jpeg::Path,
    /// Why that path ran (for pixels: why the lossless path did not apply).
    pub path_reason: String,
}

/// The new file and its report.
#[derive(Debug, Clone)]
pub struct Redaction {
    pub bytes: Vec<u8>,
    pub report: Report,
}

/// Milliseconds spent in each stage of [`redact`], for the receipt and the benchmark.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Timings {
    /// Sniff, decode, flatten and orient.
    pub decode_ms: f64,
    pub burn_ms: f64,
    pub encode_ms: f64,
    /// Re-parse and check the produced bytes.
    pub verify_ms: f64,
}

/// A millisecond clock for [`redact_timed`]: the core cannot read one itself on wasm32.
pub type Clock<'a> = &'a dyn Fn() -> f64;

#[cfg(target_arch = "wasm32")]
fn no_clock() -> f64 {
    0.0
}

/// Redacts `input`: decode, orient, flatten, burn `boxes`, and encode a new file.
/// Boxes are in the coordinates of the image as seen (after EXIF orientation).
pub fn redact(input: &[u8], boxes: &[Rect], options: &Options) -> Result<Redaction> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        let start = std::time::Instant::now();
        let clock = move || start.elapsed().as_secs_f64() * 1000.0;
        redact_timed(input, boxes, options, &clock)
    }
    #[cfg(target_arch = "wasm32")]
    redact_timed(input, boxes, options, &no_clock)
}

/// [`redact`] with a caller's clock, so the report's [`Timings`] are filled on any platform.
pub fn redact_timed(
    input: &[u8],
    boxes: &[Rect],
    options: &Options,
    now: Clock<'_>,
) -> Result<Redaction> {
    redact_or_copy(input, boxes, options, now, false)
}

/// A new file with NO boxes, only when asked for by name: the picture as it is, but built from
/// its pixels alone (or, JPEG to JPEG, its own coefficients) and verified like any export, so
/// the metadata is gone. For an image of a case that shows nothing identifying; [`redact`]
/// still refuses an empty list of boxes, so a forgotten box is never mistaken for this.
pub fn copy_as_is(input: &[u8], options: &Options, now: Clock<'_>) -> Result<Redaction> {
    redact_or_copy(input, &[], options, now, true)
}

fn redact_or_copy(
    input: &[u8],
    boxes: &[Rect],
    options: &Options,
    now: Clock<'_>,
    as_is: bool,
) -> Result<Redaction> {
    let t0 = now();
    let format = options.format;
    if format == Some(OutputFormat::Jpeg) && !(1..=100).contains(&options.quality) {
        return Err(Error::BadOption {
            detail: format!("JPEG quality {} is outside 1–100", options.quality),
        });
    }
    if boxes.is_empty() && !as_is {
        return Err(Error::NoBoxes);
    }
    let path_reason = match jpeg::try_redact(input, boxes, options, now)? {
        jpeg::Attempt::Done(redaction) => return Ok(*redaction),
        jpeg::Attempt::Fallback(reason) => reason,
    };
    let decoded = decode::decode(input, options.background)?;
    let t1 = now();
    let mut img = decoded.image;
    let (w, h) = img.dimensions();
    let pixel_boxes = burn::resolve(boxes, w, h)?;
    burn::burn(&mut img, &pixel_boxes, options.fill);
    let t2 = now();
    let out_format = format.unwrap_or_else(|| default_output(decoded.format));
    let bytes = encode::encode(&img, out_format, options.quality)?;
    drop(img);
    let t3 = now();
    let verification = verify::verify(&bytes, out_format, w, h, &pixel_boxes, options.fill)?;
    let timings = Timings {
        decode_ms: t1 - t0,
        burn_ms: t2 - t1,
        encode_ms: t3 - t2,
        verify_ms: now() - t3,
    };
    let report = Report {
        input_format: decoded.format,
        input_bytes: input.len(),
        output_format: out_format,
        output_bytes: bytes.len(),
        quality: (out_format == OutputFormat::Jpeg).then_some(options.quality),
        width: w,
        height: h,
        boxes: pixel_boxes,
        fill: options.fill,
        orientation: decoded.orientation,
        alpha_flattened: decoded.had_alpha,
        background: options.background,
        frames_dropped: decoded.frames.saturating_sub(1),
        hidden_under_transparent: decoded.hidden_under_transparent,
        verification,
        timings,
        suggested_name: format!("redacted.{}", out_format.extension()),
        path: jpeg::Path::Pixels,
        path_reason,
    };
    Ok(Redaction { bytes, report })
}

/// What a file is, read from its headers without decoding its pixels.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inspection {
    pub format: InputFormat,
    pub bytes: usize,
    /// Size as a person sees it (after orientation).
    pub width: u32,
    pub height: u32,
    /// Size as stored in the file.
    pub stored_width: u32,
    pub stored_height: u32,
    /// EXIF orientation value, 1–8 (1 when absent).
    pub orientation: u8,
    pub has_alpha: bool,
    /// Animation frames (1 for still images).
    pub frames: u32,
    /// The output format Occlude picks for this input by default.
    pub default_output: OutputFormat,
    /// What the file carries besides its pixels (metadata, trailing bytes, extra frames).
    pub inventory: inventory::Inventory,
    /// The inventory in plain words, one phrase per thing found (empty when nothing was): the
    /// page and the CLI both show these, so the phrasing lives once, in the core.
    pub words: Vec<String>,
}

/// Reads a file's format, size, orientation and alpha without decoding its pixels.
pub fn inspect(input: &[u8]) -> Result<Inspection> {
    let head = decode::header(input)?;
    let (format, sw, sh, orientation) = (head.format, head.width, head.height, head.orientation);
    let (width, height) = if orientation >= 5 { (sh, sw) } else { (sw, sh) };
    let inventory = inventory::inventory(input, format);
    Ok(Inspection {
        format,
        bytes: input.len(),
        width,
        height,
        stored_width: sw,
        stored_height: sh,
        orientation,
        has_alpha: head.alpha_channel,
        frames: head.frames,
        default_output: default_output(format),
        words: inventory.plain_words(),
        inventory,
    })
}

/// A downscaled, oriented, flattened RGBA picture for display while editing.
#[derive(Debug, Clone)]
pub struct Preview {
    /// Full size as seen: box coordinates are in these pixels.
    pub width: u32,
    pub height: u32,
    /// Size of `rgba`.
    pub preview_width: u32,
    pub preview_height: u32,
    /// Opaque RGBA pixels, `preview_width × preview_height × 4` bytes.
    pub rgba: Vec<u8>,
    pub format: InputFormat,
    pub orientation: u8,
    pub had_alpha: bool,
    pub frames: u32,
}

/// Runs every codec path once on a small made-up picture (about 0.8 MP) and throws the results
/// away: JPEG→JPEG losslessly, JPEG→PNG and PNG→JPEG through the pixels, and a preview. The web
/// app's worker calls it in idle time right after it starts, because a wasm engine compiles
/// optimised code only for functions that have already run a while (V8 swaps it in at the
/// next call): warmed, the next real export runs at full speed from its first row. Returns
/// the first error, which would mean a broken build.
pub fn warm_up() -> Result<()> {
    let (w, h) = (1024u32, 768u32);
    let picture = image::RgbImage::from_fn(w, h, |x, y| {
        let grain = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 27;
        image::Rgb([
            (x * 255 / w) as u8 ^ grain as u8,
            (y * 255 / h) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let boxes = [Rect::new(16.0, 16.0, 200.0, 100.0)];
    let jpeg = encode::encode(&picture, OutputFormat::Jpeg, DEFAULT_QUALITY)?;
    let png = encode::encode(&picture, OutputFormat::Png, DEFAULT_QUALITY)?;
    let to = |format| Options {
        format: Some(format),
        ..Options::default()
    };
    redact(&jpeg, &boxes, &to(OutputFormat::Jpeg))?;
    redact(&jpeg, &boxes, &to(OutputFormat::Png))?;
    redact(&png, &boxes, &to(OutputFormat::Jpeg))?;
    preview(&jpeg, 256, Rgb::WHITE)?;
    Ok(())
}

/// Decodes `input` as [`redact`] will see it and scales it to fit `max_side` pixels a side.
pub fn preview(input: &[u8], max_side: u32, background: Rgb) -> Result<Preview> {
    // A large JPEG comes back decoded at a reduced scale, still at least the preview's size.
    let (d, width, height) = decode::decode_for_preview(input, background, max_side)?;
    let max_side = max_side.max(1);
    let (pw, ph) = if width.max(height) > max_side {
        let scale = f64::from(max_side) / f64::from(width.max(height));
        let pw = ((f64::from(width) * scale).round() as u32).max(1);
        let ph = ((f64::from(height) * scale).round() as u32).max(1);
        (pw, ph)
    } else {
        (width, height)
    };
    let small = if d.image.dimensions() != (pw, ph) {
        image::imageops::thumbnail(&d.image, pw, ph)
    } else {
        d.image
    };
    let (preview_width, preview_height) = small.dimensions();
    let mut rgba = Vec::with_capacity(small.as_raw().len() / 3 * 4);
    for px in small.as_raw().chunks_exact(3) {
        rgba.extend_from_slice(px);
        rgba.push(255);
    }
    Ok(Preview {
        width,
        height,
        preview_width,
        preview_height,
        rgba,
        format: d.format,
        orientation: d.orientation,
        had_alpha: d.had_alpha,
        frames: d.frames,
    })
}
