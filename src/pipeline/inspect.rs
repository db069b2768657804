//! Reading a file for the editor: what it is and carries ([`inspect`], from its headers alone),
//! and the picture to draw boxes on ([`preview`], decoded as redaction will see it, scaled down).

use crate::codec::decode::{decode_for_preview, header};
use crate::ground::colour::Rgb;
use crate::ground::error::Result;
use crate::ground::format::{default_output, InputFormat, OutputFormat};
use crate::inventory::{inventory, Inventory};
use crate::raster::shrink::shrink;
use serde::Serialize;

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
    pub inventory: Inventory,
    /// The inventory in plain words, one phrase per thing found (empty when nothing was): the
    /// page and the CLI both show these, so the phrasing lives once, in the core.
    pub words: Vec<String>,
}

/// Reads a file's format, size, orientation and alpha without decoding its pixels.
pub fn inspect(input: &[u8]) -> Result<Inspection> {
    let head = header(input)?;
    let (format, sw, sh, orientation) = (head.format, head.width, head.height, head.orientation);
    let (width, height) = if orientation >= 5 { (sh, sw) } else { (sw, sh) };
    let inventory = inventory(input, format);
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

/// Decodes `input` as [`redact`](super::redact::redact) will see it and scales it to fit `max_side` pixels a side.
pub fn preview(input: &[u8], max_side: u32, background: Rgb) -> Result<Preview> {
    // A large JPEG comes back decoded at a reduced scale, still at least the preview's size.
    let (d, width, height) = decode_for_preview(input, background, max_side)?;
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
        shrink(&d.image, pw, ph)
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
