//! Redaction, end to end: the one place that decides how a file is made and the one place a
//! [`Report`] is built. A JPEG that goes out as a JPEG is tried losslessly first (its DCT
//! blocks under the boxes wiped, every other block kept; `codec::jpeg::lossless`); anything
//! else, or a JPEG that path declines, is decoded to pixels, burned, encoded anew. Either way
//! the new file is verified from its own bytes before it is returned.

use crate::codec::colour;
use crate::codec::decode::decode;
use crate::codec::encode::{encode_with, Chroma};
use crate::codec::jpeg::{exif_orientation, frame_layout, lossless_timed, transform, Decline};
use crate::colour::classify::{Assessment, LosslessColour};
use crate::colour::convert::fill_in;
use crate::colour::source::app2_segment;
use crate::ground::clock::{with_own_clock, Clock};
use crate::ground::colour::Rgb;
use crate::ground::error::{Error, Result};
use crate::ground::format::{default_output, sniff, InputFormat, OutputFormat, DEFAULT_QUALITY};
use crate::ground::geometry::{resolve, PixelBox, Rect};
use crate::raster::burn::burn;
use crate::verify::{verify, Verification};
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
    /// The fill as stored in the file: `fill` itself, except in a file that keeps a colour
    /// profile of a wider space (lossless JPEG), where it is the value that shows as `fill`.
    pub stored_fill: Rgb,
    /// What was done with the input's colour profile, in plain words ("colour profile Display
    /// P3: kept as a standard profile, no device data", "… converted to sRGB", and why for an
    /// unusual one); empty when the input was untagged or plain sRGB.
    pub colour: String,
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
    pub verification: Verification,
    /// Time spent in each stage (zero where the caller gave no clock).
    pub timings: Timings,
    /// A file name that carries nothing from the input's name.
    pub suggested_name: String,
    /// "lossless" (JPEG to JPEG in the DCT domain) or "pixels".
    pub path: Path,
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

/// Which way [`redact`] produced the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Path {
    /// JPEG to JPEG in the DCT domain: only the blocks under the (grown) boxes changed (and
    /// partial edge blocks were re-padded, their visible pixels changing by requantisation only).
    Lossless,
    /// Decode, burn, encode.
    Pixels,
}

/// Redacts `input`: decode, orient, flatten, burn `boxes`, and encode a new file.
/// Boxes are in the coordinates of the image as seen (after EXIF orientation).
pub fn redact(input: &[u8], boxes: &[Rect], options: &Options) -> Result<Redaction> {
    with_own_clock(|clock| redact_timed(input, boxes, options, clock))
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
    let path_reason = match lossless_first(input, boxes, options, now)? {
        Attempt::Done(redaction) => return Ok(*redaction),
        Attempt::Fallback(reason) => reason,
    };
    let decoded = decode(input, options.background)?;
    let t1 = now();
    let mut img = decoded.image;
    let (w, h) = img.dimensions();
    let pixel_boxes = resolve(boxes, w, h)?;
    burn(&mut img, &pixel_boxes, options.fill);
    let t2 = now();
    let out_format = format.unwrap_or_else(|| default_output(decoded.format));
    let bytes = encode_with(
        &img,
        out_format,
        options.quality,
        chroma_for(&decoded.colour, options.quality),
    )?;
    drop(img);
    let t3 = now();
    let verification = verify(&bytes, out_format, w, h, &pixel_boxes, options.fill)?;
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
        stored_fill: options.fill,
        colour: decoded.colour.words(false),
        orientation: decoded.orientation,
        alpha_flattened: decoded.had_alpha,
        background: options.background,
        frames_dropped: decoded.frames.saturating_sub(1),
        hidden_under_transparent: decoded.hidden_under_transparent,
        verification,
        timings,
        suggested_name: format!("redacted.{}", out_format.extension()),
        path: Path::Pixels,
        path_reason,
    };
    Ok(Redaction { bytes, report })
}

/// How much finer than the chosen quality a converted picture's colour (Cb, Cr) is quantised:
/// 97 at the default 90. An offset, not a floor, so a user who picks a small file still gets one.
const CONVERTED_COLOUR_STEP: u8 = 7;

/// The pixel path's JPEG colour for a picture whose colour was read as `colour`, its brightness
/// at `quality`. Converted to sRGB from another space (a P3 or Adobe RGB photo, a camera's own
/// profile), its colour is what the export must keep (issue 14's bar; on a fundus photo,
/// clinical information): full resolution (4:4:4), quantised 7 steps finer than `quality`
/// (97 at the default 90, at most 100). At 4:2:0 and quality 90 such a picture misses the bar by the JPEG alone (ΔE76 mean
/// 1.7, p95 5.0 on the fundus thumbnail: its thin vessels' colour is halved); at 4:4:4 the
/// colour's quantisation still costs p95 3.1–3.4 at quality 90–92 and mean 1.51 at 96 on the
/// fundus at a camera's resolution, while the brightness's barely matters (quality 100 for it
/// alone: 1.57 / 3.13). sRGB-tagged, untagged or unreadable colour keeps 4:2:0 at `quality`,
/// so those files come out byte for byte as before.
fn chroma_for(colour: &Assessment, quality: u8) -> Chroma {
    if colour.is_srgb() {
        Chroma::Half
    } else {
        Chroma::Full {
            quality: quality.saturating_add(CONVERTED_COLOUR_STEP).min(100),
        }
    }
}

/// What [`lossless_first`] did: a finished redaction, or why the pixel path must run.
#[derive(Debug, Clone)]
enum Attempt {
    Done(Box<Redaction>),
    Fallback(String),
}

/// The lossless branch of [`redact`]: runs when the input is a JPEG and the output is
/// JPEG; verifies its output with the grown boxes. Errors only for what the pixel path would
/// refuse just the same (bad boxes, an image over the size limit).
fn lossless_first(
    input: &[u8],
    boxes: &[Rect],
    options: &Options,
    now: Clock<'_>,
) -> Result<Attempt> {
    let t0 = now();
    let input_format = match sniff(input) {
        Ok(f) => f,
        Err(_) => {
            return Ok(Attempt::Fallback(
                "the input is not a readable image".into(),
            ))
        }
    };
    if input_format != InputFormat::Jpeg {
        return Ok(Attempt::Fallback(format!(
            "the input is {}, not JPEG",
            input_format.name()
        )));
    }
    let out_format = options
        .format
        .unwrap_or_else(|| default_output(input_format));
    if out_format != OutputFormat::Jpeg {
        return Ok(Attempt::Fallback(
            "PNG output was chosen (the lossless path writes JPEG only)".into(),
        ));
    }
    // A profile of no standard space cannot be kept; a standard space's is replaced by
    // Occlude's canonical profile, and the fill stored as the value that shows as the fill.
    let (_, colour) = colour::read(input, input_format);
    let kept = match colour.lossless() {
        Ok(kept) => kept,
        Err(why) => return Ok(Attempt::Fallback(why)),
    };
    let stored_fill = match kept {
        LosslessColour::Embed(space) => fill_in(space, options.fill.to_array())
            .map(|[r, g, b]| Rgb { r, g, b })
            .unwrap_or(options.fill),
        LosslessColour::Untagged => options.fill,
    };
    let orientation = exif_orientation(input);
    // A turn that cannot be exact is known from the frame header: fall back before reading
    // (and then throwing away) every coefficient.
    if let Some((w, h, hmax, vmax)) = frame_layout(input) {
        if let Err(d) = transform::turn_is_exact(w, h, hmax, vmax, orientation) {
            return Ok(Attempt::Fallback(d.to_string()));
        }
    }
    let mut out = match lossless_timed(input, orientation, boxes, stored_fill, now) {
        Ok(out) => out,
        Err(Decline::Fatal(e)) => return Err(e),
        Err(d) => return Ok(Attempt::Fallback(d.to_string())),
    };
    if let LosslessColour::Embed(space) = kept {
        // Right after SOI: the lossless writer puts no APP0 there.
        out.bytes.splice(2..2, app2_segment(space));
    }
    let t1 = now();
    let verified = verify(
        &out.bytes,
        OutputFormat::Jpeg,
        out.width,
        out.height,
        &out.boxes,
        stored_fill,
    )
    .and_then(|v| match (kept, &v.colour_profile) {
        (LosslessColour::Untagged, None) => Ok(v),
        (LosslessColour::Embed(s), Some(name)) if s.name() == name => Ok(v),
        _ => Err(crate::verify::verdict::fail(
            "the file does not carry the colour profile it should",
        )),
    });
    let verification = match verified {
        Ok(v) => v,
        // The lossless file is withheld; the pixel path's file is verified in its turn.
        Err(e) => {
            return Ok(Attempt::Fallback(format!(
                "the lossless output failed verification ({e})"
            )))
        }
    };
    let t2 = now();
    let [read, turn, wipe_ms, write] = out.timings_ms;
    let pre = (t1 - t0) - (read + turn + wipe_ms + write); // sniff and EXIF lookup
    let (mw, mh) = out.mcu;
    let mut how = vec![format!("boxes grew to the {mw}×{mh} MCU grid")];
    if orientation != 1 {
        how.push(format!("EXIF orientation {orientation} turned losslessly"));
    }
    if out.progressive_input {
        how.push("progressive input rewritten as baseline".into());
    }
    let report = Report {
        input_format,
        input_bytes: input.len(),
        output_format: OutputFormat::Jpeg,
        output_bytes: out.bytes.len(),
        quality: None,
        width: out.width,
        height: out.height,
        boxes: out.boxes.clone(),
        fill: options.fill,
        stored_fill,
        colour: colour.words(true),
        orientation,
        alpha_flattened: false,
        background: options.background,
        frames_dropped: 0,
        hidden_under_transparent: 0,
        verification,
        timings: Timings {
            decode_ms: pre.max(0.0) + read + turn,
            burn_ms: wipe_ms,
            encode_ms: write,
            verify_ms: t2 - t1,
        },
        suggested_name: format!("redacted.{}", OutputFormat::Jpeg.extension()),
        path: Path::Lossless,
        path_reason: lossless_reason(out.repadded.changed, &how),
    };
    Ok(Attempt::Done(Box::new(Redaction {
        bytes: out.bytes,
        report,
    })))
}

/// The report's `pathReason` for a lossless export: `repadded` edge blocks were re-padded,
/// `how` lists the other notes.
fn lossless_reason(repadded: usize, how: &[String]) -> String {
    if repadded == 0 {
        return format!(
            "lossless: only the boxes changed. JPEG to JPEG in the DCT domain: blocks outside \
             the boxes keep their exact coefficients ({}); the source's quantisation tables are \
             kept, so the quality option does not apply",
            how.join("; ")
        );
    }
    let (blocks, their) = if repadded == 1 {
        ("edge block was", "its")
    } else {
        ("edge blocks were", "their")
    };
    format!(
        "lossless: only the boxes changed (and {repadded} {blocks} re-padded to remove hidden \
         data beyond the image edge). JPEG to JPEG in the DCT domain: every other block outside \
         the boxes keeps its exact coefficients; the re-padded blocks lie along the right and \
         bottom edges and {their} visible pixels changed only by requantisation ({}); the \
         source's quantisation tables are kept, so the quality option does not apply",
        how.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reason_says_when_edge_blocks_were_repadded() {
        let how = ["boxes grew to the 16×16 MCU grid".to_string()];
        let none = lossless_reason(0, &how);
        assert!(
            none.starts_with("lossless: only the boxes changed. "),
            "{none}"
        );
        assert!(none.contains("16×16") && !none.contains("re-padded"));
        let one = lossless_reason(1, &how);
        assert!(
            one.starts_with(
                "lossless: only the boxes changed (and 1 edge block was re-padded to remove \
                 hidden data beyond the image edge)"
            ),
            "{one}"
        );
        let many = lossless_reason(37, &how);
        assert!(
            many.contains("(and 37 edge blocks were re-padded"),
            "{many}"
        );
        assert!(many.contains("requantisation") && many.contains("16×16"));
    }

    /// The core build (no `all-formats`): GIF, WebP, TIFF and BMP, and JPEG pixels, ask for the
    /// full module; JPEG headers, PNG, and JPEG to JPEG (lossless) work.
    #[cfg(not(feature = "all-formats"))]
    #[test]
    fn the_core_build_sends_what_it_lacks_to_the_full_module() {
        use crate::codec::decode::header;
        let fixture = |name: &str| {
            std::fs::read(format!(
                "{}/tests/fixtures/{name}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap()
        };
        for (name, format) in [
            ("gif-still.gif", "GIF"),
            ("webp-lossy.webp", "WebP"),
            ("tiff-rgb.tiff", "TIFF"),
            ("bmp-rgb.bmp", "BMP"),
        ] {
            let bytes = fixture(name);
            let want = Error::NeedsFullModule { format };
            assert_eq!(header(&bytes).err(), Some(want.clone()), "{name}");
            assert_eq!(
                decode(&bytes, Rgb::WHITE).err(),
                Some(want.clone()),
                "{name}"
            );
            assert_eq!(want.code(), "needs-full-module");
        }
        // JPEG pixels: Occlude's own decoder is in the core; what it declines (CMYK) is not.
        let jpeg = fixture("orient-6.jpg");
        let head = header(&jpeg).unwrap();
        assert_eq!((head.width, head.height, head.orientation), (64, 96, 6));
        let seen = decode(&jpeg, Rgb::WHITE).unwrap();
        assert_eq!((seen.image.dimensions(), seen.orientation), ((96, 64), 6));
        assert_eq!(
            decode(&fixture("jpeg-cmyk.jpg"), Rgb::WHITE).err(),
            Some(Error::NeedsFullModule { format: "JPEG" })
        );
        let boxes = [Rect {
            x: 1.0,
            y: 1.0,
            width: 8.0,
            height: 8.0,
        }];
        let out = redact(&fixture("jpeg-baseline.jpg"), &boxes, &Default::default()).unwrap();
        assert_eq!(out.report.path, Path::Lossless);
        let png = decode(&fixture("png-rgb8.png"), Rgb::WHITE).unwrap();
        assert_eq!(png.image.dimensions(), (96, 64));
        // Colour: matrix-and-curves profiles are kept (lossless) or converted in the core; a
        // PNG whose cICP chunk needs the full CMS asks for the full module, in redact and in
        // the preview alike.
        let p3 = redact(&fixture("colour/jpeg-p3.jpg"), &boxes, &Default::default()).unwrap();
        assert_eq!(p3.report.path, Path::Lossless);
        assert_eq!(
            p3.report.verification.colour_profile.as_deref(),
            Some("Display P3")
        );
        let options = Options {
            format: Some(OutputFormat::Png),
            ..Options::default()
        };
        let converted = redact(&fixture("colour/png-p3-iccp.png"), &boxes, &options).unwrap();
        assert!(converted.report.colour.ends_with("converted to sRGB"));
        let cicp = fixture("colour/png-cicp-p3.png");
        let want = Error::NeedsFullModule { format: "PNG" };
        assert_eq!(redact(&cicp, &boxes, &options).err(), Some(want.clone()));
        assert_eq!(
            crate::pipeline::inspect::preview(&cicp, 100, Rgb::WHITE).err(),
            Some(want)
        );
    }
}
