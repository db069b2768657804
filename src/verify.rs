//! Checks a produced file from its own bytes before it is released: structure allowlist, no
//! trailing bytes, no alpha, the expected size, and every box holding the fill colour.
//! A failure here is an internal error: the file is withheld, never passed with a warning.
//!
//! # JPEG: checked in the DCT domain, without decoding pixels
//!
//! The structure walk covers the whole file: the marker allowlist (APP0 only as JFIF), one frame
//! header of the expected size with 1 or 3 components, nothing after EOI, and in every scan the
//! restart markers RST0–7 in order, exactly one between consecutive restart intervals (the
//! verifier's own byte scan, eight bytes at a time, over the entropy-coded data).
//!
//! Then, for every box and every component, the blocks lying wholly inside the box in that
//! component's sampling grid are entropy-decoded with [`crate::codec::jpeg::reader`] and must each
//! have all 63 AC coefficients 0 and a DC coefficient that dequantises to the fill colour's
//! Y, Cb or Cr within half a quantisation step plus one level. A block at the right or bottom
//! edge counts as inside when its visible part is: its invisible part is padding that both our
//! encoders fill from the visible pixels, and its coefficients are checked all the same.
//!
//! Why that is as strong as decoding those pixels: the inverse DCT of a block whose AC
//! coefficients are all 0 is the constant `DC·q/8 + 128` on all 64 samples (exactly so in the
//! accurate, islow, ifast and float IDCTs alike, up to the final rounding), so every decoder
//! shows that block as one flat value, and that value is what is checked. Colour conversion of
//! flat Y, Cb, Cr is flat; chroma upsampling of flat samples is flat. The colour the checked
//! blocks decode to is converted to RGB (worst case over the range of values seen in each
//! component) and must lie within the tolerance of [`jpeg_tolerance`]; that deviation is the
//! report's `max_deviation`, and a decoder's rounding adds at most the tolerance's 4-level slack.
//!
//! Which pixels that covers (the report's `margin`): a pixel at least `margin` px inside every
//! edge of a box lies in a checked block of every component, and so do the chroma samples a
//! decoder blends into it. With 4:4:4 or grey (margin 8) a pixel 7 px or more inside lies in a
//! luma block wholly inside the box. With 4:2:0 a chroma block spans 16 px; a pixel 16 px
//! inside lies in a chroma block wholly inside the box, and "fancy" upsampling blends in the
//! neighbouring chroma sample, which for a pixel 17 px inside is still in a checked block
//! (margin 17). Nearer the edge, blocks that straddle it carry the colour of what is outside
//! the box, never what was under it: that was overwritten before encoding (pixel path) or its
//! MCUs replaced whole (lossless path, where the boxes are grown to the MCU grid, so every block
//! of a box is inside it and checked). A box with no whole block of some component inside it
//! counts as `boxes_too_thin`; the blocks it does hold are still checked.
//!
//! # Restart intervals: decoding only the rows under the boxes
//!
//! Both our writers put a restart marker after every MCU row (DRI = MCUs across). A decoder
//! resets DC prediction at each restart marker, so each interval decodes on its own, from its
//! own bytes: the verifier entropy-decodes only the intervals that hold a box block, and each of
//! them only up to the last MCU it needs. The others are covered by the structure walk (present,
//! in order, one per MCU row); their contents are outside every box and need no decoding. An
//! interval decoded to its end must also end exactly there (at most seven one-bits of padding
//! before the marker). Without restart markers the scan is one interval, decoded from its start
//! up to the last box MCU; a file with several scans (progressive, or a scan per component) is
//! read whole with [`crate::codec::jpeg::reader::read`]. No path decodes pixels.
//!
//! # PNG
//!
//! The chunk walk covers the whole file: signature, the chunk allowlist, every chunk's CRC,
//! IHDR first with the expected size and no alpha, nothing after IEND. Then the image data of
//! an 8-bit RGB, non-interlaced PNG (what [`crate::encode`] writes) is inflated whole, with
//! fdeflate, through a sliding window (the image is never held whole): the IDAT chunks must be
//! consecutive, the zlib stream complete with a matching Adler-32 and followed by nothing, and
//! it must hold exactly `height` rows of `1 + 3 × width` bytes, each with a valid filter type.
//! Rows down to the last one holding a box are unfiltered, as far right as the rightmost box
//! edge (no PNG filter refers to pixels to the right, and Up, Average and Paeth chain each row
//! to the one above, so every row above a box is unfiltered too), and every box pixel is
//! compared with the fill exactly. Any other PNG layout is decoded whole with the `image`
//! crate.

use crate::codec::jpeg::{reader, Decline};
use crate::codec::png::filter::unfilter;
use crate::container::jpeg;
use crate::container::png::{walk as walk_png, Walk as PngWalk};
use crate::ground::colour::Rgb;
use crate::ground::error::{Error, Result};
use crate::ground::format::OutputFormat;
use crate::ground::geometry::PixelBox;
use serde::Serialize;

/// PNG chunks a fresh Occlude file may contain, and nothing else.
pub const PNG_ALLOWED: [&[u8; 4]; 4] = [b"IHDR", b"PLTE", b"IDAT", b"IEND"];

/// JPEG markers a fresh Occlude file may contain: SOI, APP0 (JFIF only), DQT, SOF0–2, DHT, DRI,
/// SOS, RST0–7, EOI. Anything else (APPn, COM, …) counts as a metadata block.
pub fn jpeg_marker_allowed(marker: u8) -> bool {
    matches!(marker, 0xD8 | 0xE0 | 0xDB | 0xC0..=0xC2 | 0xC4 | 0xDD | 0xDA | 0xD0..=0xD7 | 0xD9)
}

/// How far inside a box edge every pixel of a JPEG is covered by the check, from its largest
/// sampling factor: 8 px for 4:4:4 or grey, 17 px for 4:2:0 (see the module documentation).
pub fn jpeg_margin(max_sampling: u8) -> u32 {
    let f = u32::from(max_sampling.clamp(1, 4));
    8 * f + u32::from(f > 1)
}

/// What the verifier established about a produced file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// Boxes checked against the fill colour: every pixel (PNG), or for JPEG every block lying
    /// wholly inside the box, in every component.
    pub boxes_checked: usize,
    /// JPEG boxes with no whole block of some component inside them (their whole blocks are
    /// still checked); PNG has none.
    pub boxes_too_thin: usize,
    /// Metadata blocks found (always 0 in a released file).
    pub metadata_blocks: usize,
    /// Bytes after the end marker (always 0 in a released file).
    pub trailing_bytes: usize,
    /// Largest difference from the fill colour of the flat colour a checked JPEG block decodes
    /// to, in RGB levels (0 for PNG, where any difference fails).
    pub max_deviation: u8,
    /// Allowed difference, including a decoder's rounding (0 for PNG).
    pub tolerance: u8,
    /// Pixels at least this far inside every box edge are covered by the check (0 for PNG,
    /// where every box pixel is; see [`jpeg_margin`]).
    pub margin: u32,
    /// Structural blocks of the file, in order (e.g. "IHDR", "IDAT", "IEND" or "SOI", "DQT").
    pub structure: Vec<String>,
}

fn fail(detail: impl Into<String>) -> Error {
    Error::Verification {
        detail: detail.into(),
    }
}

/// Verifies `bytes`, claimed to be `format`, against the size and boxes it must have.
pub fn verify(
    bytes: &[u8],
    format: OutputFormat,
    width: u32,
    height: u32,
    boxes: &[PixelBox],
    fill: Rgb,
) -> Result<Verification> {
    for (i, b) in boxes.iter().enumerate() {
        let right = u64::from(b.x) + u64::from(b.width);
        let bottom = u64::from(b.y) + u64::from(b.height);
        if right > u64::from(width) || bottom > u64::from(height) {
            return Err(fail(format!("box {} extends outside the image", i + 1)));
        }
    }
    match format {
        OutputFormat::Png => verify_png(bytes, width, height, boxes, fill),
        OutputFormat::Jpeg => verify_jpeg(bytes, width, height, boxes, fill),
    }
}

// ---------------------------------------------------------------------------------------------
// PNG

fn verify_png(
    bytes: &[u8],
    width: u32,
    height: u32,
    boxes: &[PixelBox],
    fill: Rgb,
) -> Result<Verification> {
    let walk = check_png_structure(bytes, width, height)?;
    let checked = if png_rows_supported(bytes) {
        check_png_rows(bytes, &walk, width, height, boxes, fill)?
    } else {
        check_png_decoded(bytes, width, height, boxes, fill)?
    };
    Ok(Verification {
        boxes_checked: checked,
        boxes_too_thin: 0,
        metadata_blocks: 0,
        trailing_bytes: 0,
        max_deviation: 0,
        tolerance: 0,
        margin: 0,
        structure: walk.chunks.iter().map(|c| c.name()).collect(),
    })
}

/// True when IHDR says 8-bit RGB, deflate, standard filters, not interlaced: rows are then
/// a filter byte and 3 bytes a pixel as stored.
fn png_rows_supported(bytes: &[u8]) -> bool {
    // Signature (8), length (4), "IHDR" (4), width (4), height (4), depth, colour type,
    // compression, filter method, interlace.
    matches!(bytes.get(24..29), Some(&[8, 2, 0, 0, 0]))
}

/// The inflater's look-back: a deflate distance reaches at most this far.
const DEFLATE_WINDOW: usize = 32 * 1024;

/// Inflates the whole image data through a sliding window (never the whole image in memory):
/// the stream must be complete, match its Adler-32, hold exactly `height` rows of
/// `1 + 3 × width` bytes with a valid filter type each, and be followed by nothing inside
/// IDAT. Rows up to the last one holding a box are unfiltered, but only as far right as the
/// rightmost box edge (no PNG filter refers to pixels on the right), and the box pixels
/// compared with the fill. Returns the number of boxes checked (all of them).
fn check_png_rows(
    bytes: &[u8],
    walk: &PngWalk,
    width: u32,
    height: u32,
    boxes: &[PixelBox],
    fill: Rgb,
) -> Result<usize> {
    let row_len = usize::try_from(u64::from(width) * 3 + 1)
        .map_err(|_| fail(format!("rows of {width} pixels do not fit in memory")))?;
    let expected = row_len as u64 * u64::from(height);
    let last = boxes.iter().map(|b| b.y + b.height).max().unwrap_or(0);
    // Boxes lie inside the image (checked by `verify`), so this is at most a row.
    let right = boxes
        .iter()
        .map(|b| 3 * (b.x as usize + b.width as usize))
        .max()
        .unwrap_or(0)
        .min(row_len - 1);
    let f = fill.to_array();
    let mut prev = vec![0u8; right];
    let mut cur = vec![0u8; right];
    let mut buf = vec![0u8; DEFLATE_WINDOW + row_len + (256 * 1024).max(2 * row_len)];
    let (mut filled, mut start, mut y) = (0usize, 0usize, 0u32);
    let mut total = 0u64;
    let mut inflater = fdeflate::Decompressor::new();
    let idat: Vec<&[u8]> = walk
        .chunks
        .iter()
        .filter(|c| &c.kind == b"IDAT")
        .filter_map(|c| bytes.get(c.data.clone()))
        .collect();
    let first = walk.chunks.iter().position(|c| &c.kind == b"IDAT");
    let consecutive = first.is_some_and(|i| {
        walk.chunks
            .iter()
            .skip(i)
            .take_while(|c| &c.kind == b"IDAT")
            .count()
            == idat.len()
    });
    if !consecutive {
        return Err(fail("the IDAT chunks are missing or not consecutive"));
    }
    let undecodable =
        |e: fdeflate::DecompressionError| fail(format!("the image data does not inflate: {e:?}"));
    let mut leftover = 0usize;
    let last_data = idat.iter().rposition(|c| !c.is_empty()).unwrap_or(0);
    for (n, chunk) in idat.iter().enumerate() {
        let end_of_input = n >= last_data;
        let mut input = *chunk;
        while !inflater.is_done() {
            if buf.len() - filled < 64 * 1024 {
                // Keep the look-back window and any partial row; slide the rest out.
                let keep_from = start.min(filled.saturating_sub(DEFLATE_WINDOW));
                buf.copy_within(keep_from..filled, 0);
                filled -= keep_from;
                start -= keep_from;
            }
            // The last few bytes go in one at a time, so the inflater never reads past the
            // end of the stream into its bit buffer: whatever it has not taken when it is done
            // is data after the stream.
            let feed = match input.len() {
                n if !end_of_input || n <= 1 => input,
                n if n > 16 => input.get(..n - 16).unwrap_or(input),
                _ => input.get(..1).unwrap_or(input),
            };
            let eoi = end_of_input && feed.len() == input.len();
            let (used, made) = inflater
                .read(feed, &mut buf, filled, eoi)
                .map_err(undecodable)?;
            input = input.get(used..).unwrap_or(&[]);
            filled += made;
            total += made as u64;
            if total > expected {
                return Err(fail("the image data holds more than the image"));
            }
            while start + row_len <= filled {
                let row = buf.get(start..start + row_len).unwrap_or(&[]);
                check_png_row(row, y, last, boxes, f, &mut prev, &mut cur)?;
                std::mem::swap(&mut prev, &mut cur);
                start += row_len;
                y += 1;
            }
            if input.is_empty() && !end_of_input {
                break;
            }
            if used == 0 && made == 0 && !inflater.is_done() {
                return Err(fail("the compressed image data ends early"));
            }
        }
        leftover += input.len();
    }
    if leftover > 0 {
        return Err(fail(format!(
            "{leftover} bytes follow the compressed image inside IDAT"
        )));
    }
    if !inflater.is_done() {
        return Err(fail("the compressed image data ends early"));
    }
    if total != expected {
        return Err(fail(format!(
            "the image data holds {total} bytes, expected {expected}"
        )));
    }
    Ok(boxes.len())
}

/// One stored row (filter byte first): its filter type must be valid; above `last` it is
/// unfiltered into `cur` (as far as `cur` reaches, from `prev`, the row above) and its box
/// pixels compared with the fill.
fn check_png_row(
    row: &[u8],
    y: u32,
    last: u32,
    boxes: &[PixelBox],
    f: [u8; 3],
    prev: &mut [u8],
    cur: &mut [u8],
) -> Result<()> {
    let (&filter, data) = row
        .split_first()
        .ok_or_else(|| fail("an empty image row"))?;
    if filter > 4 {
        return Err(fail(format!("row {y} has filter type {filter}")));
    }
    if y >= last {
        return Ok(());
    }
    let data = data.get(..cur.len()).unwrap_or(data);
    unfilter(filter, data, prev, cur);
    for (i, b) in boxes.iter().enumerate() {
        if (b.y..b.y + b.height).contains(&y) {
            check_box_row(i, b, y, cur, f)?;
        }
    }
    Ok(())
}

/// The general path for any other PNG layout: a full decode with the `png` crate.
fn check_png_decoded(
    bytes: &[u8],
    width: u32,
    height: u32,
    boxes: &[PixelBox],
    fill: Rgb,
) -> Result<usize> {
    let img = crate::codec::png::read::decode(bytes)
        .map_err(|e| fail(format!("the new file does not decode: {e}")))?;
    let seen = &img.header;
    if seen.alpha {
        return Err(fail("the new file has an alpha channel"));
    }
    if (seen.width, seen.height) != (width, height) {
        return Err(fail(format!(
            "decodes to {}×{}, expected {width}×{height}",
            seen.width, seen.height
        )));
    }
    let f = fill.to_array();
    let stride = width as usize * 3;
    let raw = &img.data;
    for (i, b) in boxes.iter().enumerate() {
        for y in b.y..b.y + b.height {
            let start = y as usize * stride;
            let row = raw.get(start..start + stride).unwrap_or(&[]);
            check_box_row(i, b, y, row, f)?;
        }
    }
    Ok(boxes.len())
}

/// Checks that row `y` of an RGB image holds the fill colour across box `i`.
fn check_box_row(i: usize, b: &PixelBox, y: u32, row: &[u8], f: [u8; 3]) -> Result<()> {
    let (x0, x1) = (b.x as usize * 3, (b.x + b.width) as usize * 3);
    let ok = row
        .get(x0..x1)
        .is_some_and(|px| px.chunks_exact(3).all(|p| p == f));
    if ok {
        Ok(())
    } else {
        Err(fail(format!(
            "box {} is not solid fill colour (row {y} differs)",
            i + 1
        )))
    }
}

/// The chunk walk: signature, allowlist, every CRC, IHDR first with the expected size and no
/// alpha, nothing after IEND.
fn check_png_structure(bytes: &[u8], width: u32, height: u32) -> Result<PngWalk> {
    let walk = walk_png(bytes).map_err(fail)?;
    let trailing = bytes.len() - walk.end;
    if trailing > 0 {
        return Err(fail(format!("{trailing} bytes follow IEND")));
    }
    let extra: Vec<String> = walk
        .chunks
        .iter()
        .filter(|c| !PNG_ALLOWED.contains(&&c.kind))
        .map(|c| c.name())
        .collect();
    if !extra.is_empty() {
        return Err(fail(format!(
            "chunks outside the allowlist: {}",
            extra.join(", ")
        )));
    }
    let ihdr = walk
        .chunks
        .first()
        .filter(|c| &c.kind == b"IHDR" && c.data.len() == 13)
        .and_then(|c| bytes.get(c.data.clone()))
        .ok_or_else(|| fail("IHDR is not the first chunk"))?;
    let w = u32::from_be_bytes([ihdr[0], ihdr[1], ihdr[2], ihdr[3]]);
    let h = u32::from_be_bytes([ihdr[4], ihdr[5], ihdr[6], ihdr[7]]);
    if (w, h) != (width, height) {
        return Err(fail(format!(
            "IHDR says {w}×{h}, expected {width}×{height}"
        )));
    }
    if matches!(ihdr[9], 4 | 6) {
        return Err(fail("the PNG colour type has an alpha channel"));
    }
    for c in &walk.chunks {
        let body = bytes.get(c.offset + 4..c.data.end);
        let stored = bytes.get(c.data.end..c.data.end + 4);
        let ok = match (body, stored) {
            (Some(body), Some(s)) => {
                crc32fast::hash(body) == u32::from_be_bytes([s[0], s[1], s[2], s[3]])
            }
            _ => false,
        };
        if !ok {
            return Err(fail(format!(
                "chunk {} at byte {} has a wrong CRC",
                c.name(),
                c.offset
            )));
        }
    }
    Ok(walk)
}

// ---------------------------------------------------------------------------------------------
// JPEG: structure

/// What the structure check establishes about a JPEG.
struct JpegStructure {
    walk: jpeg::Walk,
    names: Vec<String>,
    tolerance: u8,
    margin: u32,
}

/// Checks the marker allowlist, trailing bytes, SOF size and components; derives the colour
/// tolerance from the file's DC quantisation steps and the edge margin from its sampling.
fn check_jpeg_structure(bytes: &[u8], width: u32, height: u32) -> Result<JpegStructure> {
    let walk = jpeg::walk(bytes).map_err(fail)?;
    let trailing = bytes.len().saturating_sub(walk.end);
    if trailing > 0 {
        return Err(fail(format!("{trailing} bytes follow EOI")));
    }
    if let Some(at) = walk.scans.iter().find_map(|s| s.fill_before_stuffing) {
        return Err(fail(format!("fill bytes before 0xFF00 at byte {at}")));
    }
    let mut dc_steps = [0u16; 4];
    let mut components: Vec<u8> = Vec::new(); // quantisation table per component
    let mut max_sampling = 1u8;
    let mut frames = 0;
    for s in &walk.segments {
        let data = bytes.get(s.data.clone()).unwrap_or(&[]);
        if !jpeg_marker_allowed(s.marker) || (s.marker == 0xE0 && !data.starts_with(b"JFIF\0")) {
            return Err(fail(format!(
                "segment {} outside the allowlist",
                jpeg::marker_name(s.marker)
            )));
        }
        match s.marker {
            0xDB => read_dqt_dc(data, &mut dc_steps).map_err(fail)?,
            0xC0..=0xC2 => {
                frames += 1;
                let frame = jpeg::Frame {
                    marker: s.marker,
                    payload: data,
                };
                if frame.size() != Some((width, height)) {
                    return Err(fail(format!("SOF size differs from {width}×{height}")));
                }
                let n = frame.component_count().unwrap_or(0);
                if n != 1 && n != 3 {
                    return Err(fail(format!("{n} colour components (expected 1 or 3)")));
                }
                let declared = frame
                    .components()
                    .ok_or_else(|| fail("the frame header is cut short"))?;
                components.clear();
                for (_, h, v, tq) in declared {
                    components.push(tq);
                    max_sampling = max_sampling.max(h).max(v);
                }
            }
            _ => {}
        }
    }
    if frames != 1 {
        return Err(fail(format!("{frames} frame headers (expected 1)")));
    }
    let step = |c: usize| -> f64 {
        let t = components.get(c).copied().unwrap_or(0);
        f64::from(dc_steps.get(usize::from(t) & 3).copied().unwrap_or(255))
    };
    let tolerance = jpeg_tolerance(
        step(0),
        if components.len() == 3 {
            step(1).max(step(2))
        } else {
            0.0
        },
    );
    let names = walk
        .segments
        .iter()
        .map(|s| jpeg::marker_name(s.marker))
        .collect();
    Ok(JpegStructure {
        walk,
        names,
        tolerance,
        margin: jpeg_margin(max_sampling),
    })
}

/// The colour tolerance for a flat JPEG area given its luma and chroma DC quantisation steps.
/// A DC value is off by at most half a step, i.e. step/16 in pixel levels (the DC term is 8×
/// the mean); R, G and B mix one luma and up to 1.772 × one chroma error; 4 levels cover IDCT
/// rounding and the chroma upsampling of a decoder; the result is capped at 48 so a very low
/// quality can never pass a box that still shows content.
pub fn jpeg_tolerance(luma_dc_step: f64, chroma_dc_step: f64) -> u8 {
    let t = (luma_dc_step / 16.0 + 1.772 * chroma_dc_step / 16.0).ceil() + 4.0;
    t.min(48.0) as u8
}

/// Reads the DC (first) entry of each quantisation table in a DQT segment.
fn read_dqt_dc(mut d: &[u8], dc: &mut [u16; 4]) -> std::result::Result<(), String> {
    while let Some(&pq_tq) = d.first() {
        let (precision16, id) = (pq_tq >> 4 != 0, usize::from(pq_tq & 3));
        let size = if precision16 { 128 } else { 64 };
        let table = d.get(1..1 + size).ok_or("DQT segment is short")?;
        dc[id] = if precision16 {
            u16::from_be_bytes([table[0], table[1]])
        } else {
            u16::from(table[0])
        };
        d = d.get(1 + size..).unwrap_or(&[]);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// JPEG: the boxes, in the DCT domain

/// A component's geometry as the box check needs it.
#[derive(Debug, Clone, Copy)]
struct Grid {
    /// Sampling factors (1 and 1 in a one-component image).
    h: usize,
    v: usize,
    /// Pixels a block spans across and down.
    bw: u32,
    bh: u32,
    /// Blocks holding visible pixels, across and down.
    vis_w: usize,
    vis_h: usize,
    /// DC quantisation step.
    q: u16,
}

/// Blocks `x0..x1` × `y0..y1` of one component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BlockRect {
    x0: usize,
    x1: usize,
    y0: usize,
    y1: usize,
}

impl BlockRect {
    fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }
    fn area(&self) -> usize {
        (self.x1.saturating_sub(self.x0)) * (self.y1.saturating_sub(self.y0))
    }
    fn contains(&self, x: usize, y: usize) -> bool {
        (self.x0..self.x1).contains(&x) && (self.y0..self.y1).contains(&y)
    }
}

/// Blocks of size `size` lying wholly inside `start..start + len` of an axis `extent` long
/// with `visible` blocks: a block reaching past the image edge counts when its visible part
/// is inside.
fn inside(start: u32, len: u32, extent: u32, size: u32, visible: usize) -> (usize, usize) {
    let size = size.max(1);
    let lo = start.div_ceil(size) as usize;
    let end = start.saturating_add(len);
    let hi = if end >= extent {
        visible
    } else {
        (end / size) as usize
    };
    (lo, hi.max(lo))
}

/// Per box, per component: the blocks that must be flat fill.
fn box_blocks(boxes: &[PixelBox], grids: &[Grid], width: u32, height: u32) -> Vec<Vec<BlockRect>> {
    boxes
        .iter()
        .map(|b| {
            grids
                .iter()
                .map(|g| {
                    let (x0, x1) = inside(b.x, b.width, width, g.bw, g.vis_w);
                    let (y0, y1) = inside(b.y, b.height, height, g.bh, g.vis_h);
                    BlockRect { x0, x1, y0, y1 }
                })
                .collect()
        })
        .collect()
}

/// Running result of the block checks.
struct BlockCheck<'a> {
    rects: &'a [Vec<BlockRect>],
    grids: &'a [Grid],
    /// The fill as full-range Y, Cb, Cr.
    target: [f64; 3],
    /// Lowest and highest value a checked block of each component decodes to.
    seen: [(f64, f64); 3],
    /// (box, block) pairs checked.
    checked: usize,
    /// The first failure, in words.
    failure: Option<String>,
}

impl<'a> BlockCheck<'a> {
    fn new(rects: &'a [Vec<BlockRect>], grids: &'a [Grid], target: [f64; 3]) -> BlockCheck<'a> {
        BlockCheck {
            rects,
            grids,
            target,
            seen: [(f64::MAX, f64::MIN); 3],
            checked: 0,
            failure: None,
        }
    }

    /// Checks block (`bx`, `by`) of component `c` if it lies inside a box. `Err` (with the
    /// reason in `failure`) stops the decode at the first bad block.
    fn visit(
        &mut self,
        c: usize,
        bx: usize,
        by: usize,
        block: &[i16; 64],
    ) -> std::result::Result<(), Decline> {
        for (k, per_comp) in self.rects.iter().enumerate() {
            if !per_comp.get(c).is_some_and(|r| r.contains(bx, by)) {
                continue;
            }
            self.checked += 1;
            let (q, target) = match (self.grids.get(c), self.target.get(c)) {
                (Some(g), Some(&t)) => (g.q, t),
                _ => return self.stop(format!("internal: component {c} has no geometry")),
            };
            let name = ["Y", "Cb", "Cr"].get(c).copied().unwrap_or("?");
            if let Some(i) = block.iter().skip(1).position(|&a| a != 0) {
                return self.stop(format!(
                    "box {} is not solid fill colour: {name} block ({bx}, {by}) is not flat \
                     (AC coefficient {} is {})",
                    k + 1,
                    i + 1,
                    block.get(i + 1).copied().unwrap_or(0)
                ));
            }
            let value = (f64::from(block[0]) * f64::from(q) / 8.0 + 128.0).clamp(0.0, 255.0);
            let allowed = f64::from(q) / 16.0 + 1.0;
            if (value - target).abs() > allowed + 1e-9 {
                return self.stop(format!(
                    "box {} is not solid fill colour: {name} block ({bx}, {by}) decodes to \
                     {value:.1}, the fill's {name} is {target:.1} (allowed ±{allowed:.1})",
                    k + 1
                ));
            }
            if let Some(s) = self.seen.get_mut(c) {
                *s = (s.0.min(value), s.1.max(value));
            }
        }
        Ok(())
    }

    fn stop(&mut self, why: String) -> std::result::Result<(), Decline> {
        self.failure = Some(why);
        Err(Decline::Corrupt(
            "stopped at a block that is not fill".into(),
        ))
    }

    /// The largest RGB difference from `fill` over every combination of the values seen (RGB
    /// is monotonic in each of Y, Cb, Cr, so the worst case is at a corner of their ranges).
    /// Grey files show Cb = Cr = 128. 0 when no block was checked.
    fn max_deviation(&self, fill: Rgb) -> u8 {
        if self.checked == 0 {
            return 0;
        }
        let components = self.grids.len();
        let f = fill.to_array();
        let range = |c: usize| -> [f64; 2] {
            match self.seen.get(c) {
                _ if c >= components => [128.0, 128.0],
                Some(&(lo, hi)) if lo <= hi => [lo, hi],
                _ => [self.target.get(c).copied().unwrap_or(128.0); 2],
            }
        };
        let mut dev = 0u8;
        for y in range(0) {
            for cb in range(1) {
                for cr in range(2) {
                    let (cb, cr) = (cb - 128.0, cr - 128.0);
                    let rgb = [
                        y + 1.402 * cr,
                        y - 0.344_136 * cb - 0.714_136 * cr,
                        y + 1.772 * cb,
                    ];
                    for (v, &want) in rgb.iter().zip(f.iter()) {
                        dev = dev.max((v.round().clamp(0.0, 255.0) as u8).abs_diff(want));
                    }
                }
            }
        }
        dev
    }
}

fn verify_jpeg(
    bytes: &[u8],
    width: u32,
    height: u32,
    boxes: &[PixelBox],
    fill: Rgb,
) -> Result<Verification> {
    let s = check_jpeg_structure(bytes, width, height)?;
    let target = crate::codec::jpeg::wipe::ycbcr(fill);
    let done = match s.walk.scans.as_slice() {
        [scan] => match reader::open_sequential(bytes) {
            Ok(seq) => by_intervals(bytes, &seq, scan, boxes, fill, target)?,
            Err(Decline::Unsupported(_)) => whole(bytes, boxes, fill, target)?,
            Err(d) => return Err(undecodable(d)),
        },
        _ => whole(bytes, boxes, fill, target)?,
    };
    let expected: usize = done.rects.iter().flatten().map(BlockRect::area).sum();
    if done.checked != expected {
        return Err(fail(format!(
            "internal: {} of {expected} box blocks were checked",
            done.checked
        )));
    }
    if done.deviation > s.tolerance {
        return Err(fail(format!(
            "the boxes decode {} levels from the fill colour (allowed {})",
            done.deviation, s.tolerance
        )));
    }
    let thin = done
        .rects
        .iter()
        .filter(|per_comp| per_comp.iter().any(BlockRect::is_empty))
        .count();
    Ok(Verification {
        boxes_checked: boxes.len() - thin,
        boxes_too_thin: thin,
        metadata_blocks: 0,
        trailing_bytes: 0,
        max_deviation: done.deviation,
        tolerance: s.tolerance,
        margin: s.margin,
        structure: s.names,
    })
}

fn undecodable(d: Decline) -> Error {
    let why = match d {
        Decline::Unsupported(s) | Decline::Corrupt(s) => s,
        Decline::Fatal(e) => e.to_string(),
    };
    fail(format!("the new file does not decode: {why}"))
}

/// What the box check did.
struct Checked {
    /// Per box, per component: the blocks that had to be flat fill.
    rects: Vec<Vec<BlockRect>>,
    /// (box, block) pairs checked.
    checked: usize,
    /// Worst RGB deviation from the fill of the checked blocks' colour.
    deviation: u8,
}

/// The box check's geometry of a component with sampling `h` × `v`.
fn grid(h: usize, v: usize, hmax: usize, vmax: usize, vis: (usize, usize), q: u16) -> Grid {
    let (h, v) = (h.max(1), v.max(1));
    Grid {
        h,
        v,
        bw: (8 * hmax / h) as u32,
        bh: (8 * vmax / v) as u32,
        vis_w: vis.0,
        vis_h: vis.1,
        q,
    }
}

/// The fast path: a single sequential scan, decoded only in the restart intervals that hold box
/// blocks.
fn by_intervals(
    bytes: &[u8],
    seq: &reader::Sequential,
    scan: &jpeg::Scan,
    boxes: &[PixelBox],
    fill: Rgb,
    target: [f64; 3],
) -> Result<Checked> {
    let grids: Vec<Grid> = seq
        .components
        .iter()
        .map(|c| grid(c.h, c.v, seq.hmax, seq.vmax, (c.vis_w, c.vis_h), c.quant[0]))
        .collect();
    let rects = box_blocks(boxes, &grids, seq.width, seq.height);
    let mut check = BlockCheck::new(&rects, &grids, target);
    let r = check_intervals(bytes, seq, scan, &mut check);
    if let Some(why) = check.failure.take() {
        return Err(fail(why));
    }
    r?.map_err(undecodable)?;
    let (checked, deviation) = (check.checked, check.max_deviation(fill));
    Ok(Checked {
        rects,
        checked,
        deviation,
    })
}

/// The fallback for files with more than one scan: read every coefficient with the reader,
/// then check the box blocks (still no pixel decode).
fn whole(bytes: &[u8], boxes: &[PixelBox], fill: Rgb, target: [f64; 3]) -> Result<Checked> {
    let img = reader::read(bytes).map_err(undecodable)?;
    let grids: Vec<Grid> = img
        .components
        .iter()
        .map(|c| grid(c.h, c.v, img.hmax, img.vmax, (c.vis_w, c.vis_h), c.quant[0]))
        .collect();
    let rects = box_blocks(boxes, &grids, img.width, img.height);
    let mut check = BlockCheck::new(&rects, &grids, target);
    for (c, comp) in img.components.iter().enumerate() {
        // Every block of this component inside some box, once (`visit` counts each box).
        let mut span: Option<BlockRect> = None;
        for r in rects
            .iter()
            .filter_map(|p| p.get(c))
            .filter(|r| !r.is_empty())
        {
            span = Some(span.map_or(*r, |a| BlockRect {
                x0: a.x0.min(r.x0),
                x1: a.x1.max(r.x1),
                y0: a.y0.min(r.y0),
                y1: a.y1.max(r.y1),
            }));
        }
        let Some(span) = span else { continue };
        for by in span.y0..span.y1 {
            for bx in span.x0..span.x1 {
                if !rects
                    .iter()
                    .any(|p| p.get(c).is_some_and(|r| r.contains(bx, by)))
                {
                    continue;
                }
                let block = comp
                    .block(bx, by)
                    .and_then(|b| <&[i16; 64]>::try_from(b).ok())
                    .ok_or_else(|| fail(format!("internal: block ({bx}, {by}) is missing")))?;
                if check.visit(c, bx, by, block).is_err() {
                    return Err(fail(check.failure.take().unwrap_or_default()));
                }
            }
        }
    }
    let (checked, deviation) = (check.checked, check.max_deviation(fill));
    Ok(Checked {
        rects,
        checked,
        deviation,
    })
}

/// Decodes the restart intervals of `scan` that hold box blocks, each up to its last box MCU.
/// The outer `Result` is the verifier's own (restart markers); the inner one the decoder's.
fn check_intervals(
    bytes: &[u8],
    seq: &reader::Sequential,
    scan: &jpeg::Scan,
    check: &mut BlockCheck<'_>,
) -> Result<std::result::Result<(), Decline>> {
    if scan.start != seq.data_start {
        return Err(fail("internal: the scan starts where the reader does not"));
    }
    let (across, down) = seq.units;
    if across == 0 || down == 0 {
        return Err(fail("internal: a scan without MCUs"));
    }
    let total = across.saturating_mul(down);
    let ri = match usize::from(seq.restart_interval) {
        0 => total.max(1),
        n => n,
    };
    let intervals = total.div_ceil(ri).max(1);
    if scan.restarts.len() + 1 != intervals {
        return Err(fail(format!(
            "{} restart markers in the scan, expected {} (one per restart interval of {ri} MCUs)",
            scan.restarts.len(),
            intervals - 1
        )));
    }
    if let Some((k, r)) = scan
        .restarts
        .iter()
        .enumerate()
        .find(|(k, r)| usize::from(r.n) != k & 7)
    {
        return Err(fail(format!(
            "restart marker {} is RST{}, expected RST{} (missing or out of order)",
            k + 1,
            r.n,
            k & 7
        )));
    }
    // Per box: the units (MCUs, or blocks of a grey scan) holding its blocks, `x0..x1` × `y0..y1`.
    let mut unit_rects: Vec<BlockRect> = Vec::new();
    for per_comp in check.rects {
        let mut u: Option<BlockRect> = None;
        for (r, g) in per_comp.iter().zip(check.grids) {
            if r.is_empty() {
                continue;
            }
            let (h, v) = if check.grids.len() == 1 {
                (1, 1)
            } else {
                (g.h.max(1), g.v.max(1))
            };
            let this = BlockRect {
                x0: r.x0 / h,
                x1: r.x1.div_ceil(h),
                y0: r.y0 / v,
                y1: r.y1.div_ceil(v),
            };
            u = Some(match u {
                None => this,
                Some(a) => BlockRect {
                    x0: a.x0.min(this.x0),
                    x1: a.x1.max(this.x1),
                    y0: a.y0.min(this.y0),
                    y1: a.y1.max(this.y1),
                },
            });
        }
        unit_rects.extend(u);
    }
    for k in 0..intervals {
        let (first, end) = (k * ri, ((k + 1) * ri).min(total));
        // The last unit of this interval that a box needs.
        let mut need = first;
        for r in &unit_rects {
            let rows = r.y0.max(first / across)..r.y1.min(end.div_ceil(across));
            for uy in rows {
                let (a, z) = (uy * across + r.x0, uy * across + r.x1);
                if a < end && z > first {
                    need = need.max(z.min(end));
                }
            }
        }
        if need == first {
            continue;
        }
        let start = match k {
            0 => scan.start,
            _ => scan.restarts.get(k - 1).map_or(scan.end, |r| r.next),
        };
        let stop = scan.restarts.get(k).map_or(scan.end, |r| r.at);
        let Some(data) = bytes.get(start..stop) else {
            return Err(fail("internal: a restart interval outside the file"));
        };
        match seq.decode(data, first, need - first, |c, bx, by, b| {
            check.visit(c, bx, by, b)
        }) {
            Ok(true) => {}
            Ok(false) if need < end => {}
            Ok(false) => {
                return Err(fail(format!(
                    "restart interval {k} does not end where its MCUs end"
                )))
            }
            Err(d) => return Ok(Err(d)),
        }
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::encode::encode;
    use crate::codec::jpeg::{reader, wipe, writer, Coefficients};
    use crate::codec::png::filter::paeth;
    use crate::ground::geometry::Rect;
    use image::RgbImage;

    fn noisy(w: u32, h: u32, seed: u32) -> RgbImage {
        let mut s = seed;
        RgbImage::from_fn(w, h, |_, _| {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let v = s.to_be_bytes();
            image::Rgb([v[0], v[1], v[2]])
        })
    }

    fn burned(w: u32, h: u32, boxes: &[PixelBox], fill: Rgb) -> RgbImage {
        let mut img = noisy(w, h, 7);
        crate::raster::burn::burn(&mut img, boxes, fill);
        img
    }

    fn pb(x: u32, y: u32, width: u32, height: u32) -> PixelBox {
        PixelBox {
            x,
            y,
            width,
            height,
        }
    }

    #[test]
    fn png_passes_and_tampering_fails() {
        let b = [pb(3, 4, 10, 6)];
        let img = burned(40, 30, &b, Rgb::BLACK);
        let png = encode(&img, OutputFormat::Png, 90).unwrap();
        let v = verify(&png, OutputFormat::Png, 40, 30, &b, Rgb::BLACK).unwrap();
        assert_eq!((v.boxes_checked, v.max_deviation), (1, 0));
        assert_eq!(v.structure, ["IHDR", "IDAT", "IEND"]);
        // Trailing bytes, a wrong size and a box that is not filled all fail.
        let mut trailing = png.clone();
        trailing.extend_from_slice(b"original");
        assert!(verify(&trailing, OutputFormat::Png, 40, 30, &b, Rgb::BLACK).is_err());
        assert!(verify(&png, OutputFormat::Png, 41, 30, &b, Rgb::BLACK).is_err());
        let other = [pb(20, 4, 10, 6)];
        assert!(verify(&png, OutputFormat::Png, 40, 30, &other, Rgb::BLACK).is_err());
        // A box reaching outside the image is refused, not clipped.
        let outside = [pb(35, 4, 10, 6)];
        assert!(verify(&png, OutputFormat::Png, 40, 30, &outside, Rgb::BLACK).is_err());
    }

    #[test]
    fn png_with_one_wrong_pixel_in_a_box_fails() {
        let fill = Rgb {
            r: 10,
            g: 200,
            b: 30,
        };
        // One box in the middle, one on the last row (decoding goes down to it).
        let b = [pb(5, 6, 20, 9), pb(30, 37, 10, 3)];
        let good = burned(48, 40, &b, fill);
        let png = encode(&good, OutputFormat::Png, 90).unwrap();
        assert_eq!(
            verify(&png, OutputFormat::Png, 48, 40, &b, fill)
                .unwrap()
                .boxes_checked,
            2
        );
        for (x, y, c) in [
            (5, 6, 0),
            (24, 14, 2),
            (14, 10, 1),
            (39, 39, 0),
            (30, 37, 2),
        ] {
            let mut bad = good.clone();
            bad.get_pixel_mut(x, y).0[c] ^= 1;
            let png = encode(&bad, OutputFormat::Png, 90).unwrap();
            let e = verify(&png, OutputFormat::Png, 48, 40, &b, fill).unwrap_err();
            assert!(e.to_string().contains("not solid fill"), "({x}, {y}): {e}");
        }
        // Also through the general path (a grey PNG, decoded whole).
        let mut grey = Vec::new();
        let mut enc = png::Encoder::new(&mut grey, 8, 8);
        enc.set_color(png::ColorType::Grayscale);
        let mut w = enc.write_header().unwrap();
        let mut px = vec![0u8; 64];
        w.write_image_data(&px).unwrap();
        w.finish().unwrap();
        let b = [pb(2, 2, 4, 4)];
        assert!(verify(&grey, OutputFormat::Png, 8, 8, &b, Rgb::BLACK).is_ok());
        px[3 * 8 + 3] = 1;
        let mut grey = Vec::new();
        let mut enc = png::Encoder::new(&mut grey, 8, 8);
        enc.set_color(png::ColorType::Grayscale);
        let mut w = enc.write_header().unwrap();
        w.write_image_data(&px).unwrap();
        w.finish().unwrap();
        assert!(verify(&grey, OutputFormat::Png, 8, 8, &b, Rgb::BLACK).is_err());
    }

    /// Rows of `img` with PNG filter `filters(y)` applied (3-byte pixels), filter byte first.
    fn filtered(img: &RgbImage, filters: impl Fn(u32) -> u8) -> Vec<u8> {
        let stride = img.width() as usize * 3;
        let raw = img.as_raw();
        let mut out = Vec::new();
        for y in 0..img.height() {
            let row = &raw[y as usize * stride..][..stride];
            let zero = vec![0u8; stride];
            let up = if y == 0 {
                &zero[..]
            } else {
                &raw[(y as usize - 1) * stride..][..stride]
            };
            let f = filters(y);
            out.push(f);
            for i in 0..stride {
                let a = if i >= 3 { row[i - 3] } else { 0 };
                let c = if i >= 3 { up[i - 3] } else { 0 };
                let pred = match f {
                    1 => a,
                    2 => up[i],
                    3 => ((u16::from(a) + u16::from(up[i])) / 2) as u8,
                    4 => paeth(a, up[i], c),
                    _ => 0,
                };
                out.push(row[i].wrapping_sub(pred));
            }
        }
        out
    }

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&crc32fast::hash(&c[4..]).to_be_bytes());
        c
    }

    /// An 8-bit RGB PNG around a zlib stream, split into IDAT chunks of `split` bytes.
    fn png_file(w: u32, h: u32, zlib: &[u8], split: usize) -> Vec<u8> {
        let mut ihdr = w.to_be_bytes().to_vec();
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
        let mut f = b"\x89PNG\r\n\x1a\n".to_vec();
        f.extend(chunk(b"IHDR", &ihdr));
        for part in zlib.chunks(split) {
            f.extend(chunk(b"IDAT", part));
        }
        f.extend(chunk(b"IEND", &[]));
        f
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
    }

    #[test]
    fn png_rows_with_every_filter_and_chunking_pass() {
        let fill = Rgb {
            r: 200,
            g: 10,
            b: 60,
        };
        let b = [pb(4, 5, 30, 12), pb(50, 30, 13, 9)];
        let img = burned(64, 48, &b, fill);
        for split in [1, 7, 1000, 1 << 20] {
            let rows = filtered(&img, |y| (y % 5) as u8);
            let png = png_file(64, 48, &zlib(&rows), split);
            let v = verify(&png, OutputFormat::Png, 64, 48, &b, fill)
                .unwrap_or_else(|e| panic!("split {split}: {e}"));
            assert_eq!(v.boxes_checked, 2);
        }
        // Stored (uncompressed) deflate blocks too.
        let rows = filtered(&img, |_| 4);
        let stored = miniz_oxide::deflate::compress_to_vec_zlib(&rows, 0);
        assert!(verify(
            &png_file(64, 48, &stored, 999),
            OutputFormat::Png,
            64,
            48,
            &b,
            fill
        )
        .is_ok());
    }

    #[test]
    fn png_box_pixel_changed_through_a_row_above_fails() {
        // The box's rows are Up, Avg or Paeth filtered: changing a stored byte in the row just
        // above the box (outside it) changes the box's pixels as every decoder shows them.
        let b = [pb(10, 20, 20, 10)];
        let img = burned(48, 40, &b, Rgb::BLACK);
        for f in [2u8, 3, 4] {
            let mut rows = filtered(&img, |_| f);
            let stride = 1 + 48 * 3;
            assert!(verify(
                &png_file(48, 40, &zlib(&rows), 4096),
                OutputFormat::Png,
                48,
                40,
                &b,
                Rgb::BLACK
            )
            .is_ok());
            rows[19 * stride + 1 + 15 * 3] ^= 0x40;
            let png = png_file(48, 40, &zlib(&rows), 4096);
            let e = verify(&png, OutputFormat::Png, 48, 40, &b, Rgb::BLACK).unwrap_err();
            assert!(e.to_string().contains("not solid fill"), "filter {f}: {e}");
        }
        // A Paeth-filtered box row with one pixel off, at the box's right edge.
        let mut bad = img.clone();
        bad.get_pixel_mut(29, 25).0[1] = 1;
        let png = png_file(48, 40, &zlib(&filtered(&bad, |_| 4)), 100);
        assert!(verify(&png, OutputFormat::Png, 48, 40, &b, Rgb::BLACK).is_err());
    }

    #[test]
    fn png_stream_of_the_wrong_length_or_damaged_below_the_boxes_fails() {
        let b = [pb(2, 2, 10, 5)];
        let img = burned(32, 24, &b, Rgb::BLACK);
        let rows = filtered(&img, |y| (y % 5) as u8);
        let stride = 1 + 32 * 3;
        let check = |rows: &[u8], what: &str| {
            let png = png_file(32, 24, &zlib(rows), 50);
            let e = verify(&png, OutputFormat::Png, 32, 24, &b, Rgb::BLACK).unwrap_err();
            assert!(e.to_string().contains(what), "{e}");
        };
        check(&rows[..rows.len() - stride], "expected");
        check(&rows[..rows.len() - 1], "expected");
        let mut long = rows.clone();
        long.extend_from_slice(&rows[..stride]);
        check(&long, "more than the image");
        let mut bad_filter = rows.clone();
        bad_filter[20 * stride] = 5;
        check(&bad_filter, "filter type 5");
        // A byte changed in the last row (stored deflate blocks): the Adler-32 catches it.
        let mut z = miniz_oxide::deflate::compress_to_vec_zlib(&rows, 0);
        let n = z.len();
        z[n - 6] ^= 0x10;
        let e = verify(
            &png_file(32, 24, &z, 50),
            OutputFormat::Png,
            32,
            24,
            &b,
            Rgb::BLACK,
        )
        .unwrap_err();
        assert!(e.to_string().contains("inflate"), "{e}");
        // The stream cut short (the file otherwise well formed).
        let e = verify(
            &png_file(32, 24, &z[..n / 2], 50),
            OutputFormat::Png,
            32,
            24,
            &b,
            Rgb::BLACK,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("early") || e.to_string().contains("inflate"),
            "{e}"
        );
    }

    #[test]
    fn png_bytes_after_the_stream_a_bad_crc_or_split_idat_fail() {
        let b = [pb(2, 2, 10, 5)];
        let img = burned(32, 24, &b, Rgb::BLACK);
        let z = zlib(&filtered(&img, |_| 2));
        assert!(verify(
            &png_file(32, 24, &z, 64),
            OutputFormat::Png,
            32,
            24,
            &b,
            Rgb::BLACK
        )
        .is_ok());
        for extra in [&b"J"[..], b"Jane", b"Jane Doe 1957-03-14"] {
            let mut z2 = z.clone();
            z2.extend_from_slice(extra);
            for split in [64, 1 << 20] {
                let e = verify(
                    &png_file(32, 24, &z2, split),
                    OutputFormat::Png,
                    32,
                    24,
                    &b,
                    Rgb::BLACK,
                )
                .unwrap_err();
                assert!(e.to_string().contains("follow"), "{extra:?} {split}: {e}");
            }
        }
        // A CRC off by one bit, in IHDR and in an IDAT.
        let good = png_file(32, 24, &z, 64);
        for at in [8 + 8 + 13, 33 + 8 + 64] {
            let mut bad = good.clone();
            bad[at] ^= 1;
            let e = verify(&bad, OutputFormat::Png, 32, 24, &b, Rgb::BLACK).unwrap_err();
            assert!(e.to_string().contains("CRC"), "{e}");
        }
        // IDAT chunks with another chunk between them.
        let mut split = good[..33].to_vec();
        split.extend(chunk(b"IDAT", &z[..40]));
        split.extend(chunk(b"PLTE", &[0, 0, 0]));
        split.extend(chunk(b"IDAT", &z[40..]));
        split.extend(chunk(b"IEND", &[]));
        let e = verify(&split, OutputFormat::Png, 32, 24, &b, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("consecutive"), "{e}");
    }

    #[test]
    fn png_with_a_text_chunk_fails() {
        let b = [pb(0, 0, 4, 4)];
        let img = burned(8, 8, &b, Rgb::BLACK);
        let png = encode(&img, OutputFormat::Png, 90).unwrap();
        // Insert a tEXt chunk right after IHDR (8 + 25 bytes).
        let mut t = png[..33].to_vec();
        t.extend_from_slice(&[0, 0, 0, 4]);
        t.extend_from_slice(b"tEXtJane");
        t.extend_from_slice(&[0, 0, 0, 0]);
        t.extend_from_slice(&png[33..]);
        let e = verify(&t, OutputFormat::Png, 8, 8, &b, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("tEXt"), "{e}");
    }

    #[test]
    fn jpeg_boxes_within_tolerance_at_every_quality() {
        // Uniform noise around the boxes is the worst case for blocks straddling an edge.
        let b = [pb(5, 7, 40, 37), pb(60, 50, 30, 3)];
        for fill in [
            Rgb::BLACK,
            Rgb::WHITE,
            Rgb { r: 255, g: 0, b: 0 },
            Rgb {
                r: 30,
                g: 200,
                b: 90,
            },
        ] {
            let img = burned(96, 80, &b, fill);
            for q in [1, 10, 50, 75, 90, 100] {
                let jpg = encode(&img, OutputFormat::Jpeg, q).unwrap();
                let v = verify(&jpg, OutputFormat::Jpeg, 96, 80, &b, fill)
                    .unwrap_or_else(|e| panic!("fill {fill} q{q}: {e}"));
                assert_eq!((v.boxes_checked, v.boxes_too_thin, v.margin), (1, 1, 17));
                assert!(v.max_deviation <= v.tolerance);
                assert!(v.structure.iter().any(|s| s == "DRI"), "{:?}", v.structure);
            }
        }
    }

    #[test]
    fn jpeg_boxes_at_the_image_edges_include_the_partial_blocks() {
        // 75 × 45: partial blocks on the right and bottom in both sampling grids.
        let b = [pb(40, 20, 35, 25), pb(0, 0, 33, 33)];
        for fill in [
            Rgb::BLACK,
            Rgb {
                r: 200,
                g: 20,
                b: 120,
            },
        ] {
            let img = burned(75, 45, &b, fill);
            let jpg = encode(&img, OutputFormat::Jpeg, 90).unwrap();
            let v = verify(&jpg, OutputFormat::Jpeg, 75, 45, &b, fill).unwrap();
            assert_eq!((v.boxes_checked, v.boxes_too_thin), (2, 0));
        }
    }

    #[test]
    fn jpeg_with_an_unfilled_box_fails() {
        let img = noisy(64, 64, 3);
        let jpg = encode(&img, OutputFormat::Jpeg, 90).unwrap();
        let b = [pb(10, 10, 40, 40)];
        assert!(verify(&jpg, OutputFormat::Jpeg, 64, 64, &b, Rgb::BLACK).is_err());
    }

    #[test]
    fn jpeg_with_a_comment_or_trailer_fails() {
        let b = [pb(0, 0, 20, 20)];
        let img = burned(32, 32, &b, Rgb::BLACK);
        let jpg = encode(&img, OutputFormat::Jpeg, 90).unwrap();
        let mut com = vec![0xFF, 0xD8, 0xFF, 0xFE, 0, 6, b'J', b'a', b'n', b'e'];
        com.extend_from_slice(&jpg[2..]);
        assert!(verify(&com, OutputFormat::Jpeg, 32, 32, &b, Rgb::BLACK).is_err());
        let mut tail = jpg.clone();
        tail.extend_from_slice(&[0xFF, 0xD8, 1, 2, 3]);
        let e = verify(&tail, OutputFormat::Jpeg, 32, 32, &b, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("follow EOI"), "{e}");
    }

    /// A lossless-path file: a noisy 4:2:0 JPEG read into coefficients, one box wiped to `fill`.
    fn wiped(fill: Rgb) -> (Coefficients, Vec<PixelBox>) {
        wiped_at(fill, Rect::new(35.0, 20.0, 70.0, 50.0))
    }

    fn wiped_at(fill: Rgb, r: Rect) -> (Coefficients, Vec<PixelBox>) {
        let img = noisy(200, 120, 11);
        let jpg = encode(&img, OutputFormat::Jpeg, 85).unwrap();
        let mut c = reader::read(&jpg).unwrap();
        let grown = wipe::wipe(&mut c, &[r], fill).unwrap();
        (c, grown)
    }

    fn write(c: &Coefficients) -> Vec<u8> {
        writer::write(c, writer::Tables::AnnexK).unwrap()
    }

    /// Offsets of the restart markers in a file's scan data.
    fn restarts(jpg: &[u8]) -> Vec<usize> {
        let w = jpeg::walk(jpg).unwrap();
        w.scans[0].restarts.iter().map(|r| r.at).collect()
    }

    #[test]
    fn lossless_output_passes_with_one_restart_per_mcu_row() {
        for fill in [Rgb::BLACK, Rgb::WHITE, Rgb { r: 255, g: 0, b: 0 }] {
            let (c, grown) = wiped(fill);
            let jpg = write(&c);
            let v = verify(&jpg, OutputFormat::Jpeg, 200, 120, &grown, fill).unwrap();
            assert_eq!((v.boxes_checked, v.boxes_too_thin), (1, 0));
            assert_eq!(
                v.structure,
                ["SOI", "DQT", "SOF0", "DHT", "DRI", "SOS", "EOI"]
            );
            // 120 px = 8 MCU rows of 16 px: 7 restart markers.
            assert_eq!(restarts(&jpg).len(), 7);
        }
    }

    #[test]
    fn a_box_block_with_one_ac_coefficient_fails() {
        let (c, grown) = wiped(Rgb::BLACK);
        let g = grown[0];
        // One block of each component, inside the box.
        for comp in 0..3 {
            for k in [1, 5, 63] {
                let mut bad = c.clone();
                let cc = &mut bad.components[comp];
                let (bx, by) = if comp == 0 {
                    (g.x as usize / 8 + 2, g.y as usize / 8 + 1)
                } else {
                    (g.x as usize / 16 + 1, g.y as usize / 16 + 1)
                };
                cc.coefs[(by * cc.bw + bx) * 64 + k] = -1;
                let e = verify(
                    &write(&bad),
                    OutputFormat::Jpeg,
                    200,
                    120,
                    &grown,
                    Rgb::BLACK,
                )
                .unwrap_err();
                assert!(
                    e.to_string().contains("is not flat"),
                    "comp {comp} k {k}: {e}"
                );
            }
        }
    }

    #[test]
    fn a_box_block_with_a_wrong_dc_fails() {
        let (c, grown) = wiped(Rgb::BLACK);
        let g = grown[0];
        for (comp, delta) in [(0usize, 4i16), (1, 3), (2, -3)] {
            let mut bad = c.clone();
            let cc = &mut bad.components[comp];
            let (bx, by) = if comp == 0 {
                (g.x as usize / 8, (g.y + g.height) as usize / 8 - 1)
            } else {
                (g.x as usize / 16, (g.y + g.height) as usize / 16 - 1)
            };
            cc.coefs[(by * cc.bw + bx) * 64] += delta;
            let e = verify(
                &write(&bad),
                OutputFormat::Jpeg,
                200,
                120,
                &grown,
                Rgb::BLACK,
            )
            .unwrap_err();
            assert!(e.to_string().contains("decodes to"), "comp {comp}: {e}");
        }
    }

    #[test]
    fn a_missing_or_reordered_restart_marker_fails() {
        let (c, grown) = wiped(Rgb::BLACK);
        let jpg = write(&c);
        let at = restarts(&jpg);
        // Missing: in a row the boxes do not touch, and in one they do.
        for &i in &[at[0], at[5]] {
            let mut bad = jpg.clone();
            bad.drain(i..i + 2);
            let e = verify(&bad, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
            assert!(e.to_string().contains("restart markers in the scan"), "{e}");
        }
        // Out of order: RST1 and RST2 swapped.
        let mut bad = jpg.clone();
        bad[at[1] + 1] = 0xD2;
        bad[at[2] + 1] = 0xD1;
        let e = verify(&bad, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("out of order"), "{e}");
        // One too many (an extra RST0 right before EOI).
        let mut bad = jpg.clone();
        let eoi = bad.len() - 2;
        bad.splice(eoi..eoi, [0xFF, 0xD7]);
        let e = verify(&bad, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("restart markers in the scan"), "{e}");
    }

    #[test]
    fn bytes_after_eoi_or_an_appn_segment_fail() {
        let (c, grown) = wiped(Rgb::BLACK);
        let jpg = write(&c);
        let mut tail = jpg.clone();
        tail.extend_from_slice(b"\xFF\xD8leftover");
        let e = verify(&tail, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("follow EOI"), "{e}");
        for (marker, body) in [
            (0xE1u8, &b"Exif\0\0MM"[..]),
            (0xE0, b"JFXX\0"),
            (0xED, b"Photoshop 3.0\0"),
        ] {
            let mut app = vec![0xFF, 0xD8, 0xFF, marker, 0, body.len() as u8 + 2];
            app.extend_from_slice(body);
            app.extend_from_slice(&jpg[2..]);
            let e = verify(&app, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
            assert!(e.to_string().contains("outside the allowlist"), "{e}");
        }
    }

    #[test]
    fn an_interval_that_does_not_end_with_its_mcus_fails() {
        // Extra entropy-coded bytes at the end of the interval holding the box's last row (the
        // box reaches the right edge, so that interval is decoded to its end).
        let (c, grown) = wiped_at(Rgb::BLACK, Rect::new(100.0, 20.0, 100.0, 50.0));
        let jpg = write(&c);
        let at = restarts(&jpg);
        let row = ((grown[0].y + grown[0].height) / 16 - 1) as usize; // its last MCU row
        let mut bad = jpg.clone();
        bad.splice(at[row]..at[row], [0x12, 0x34]);
        let e = verify(&bad, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("does not end"), "{e}");
    }

    fn jpeg_encoder_file(img: &RgbImage, restart: u16, progressive: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
        enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
        enc.set_restart_interval(restart);
        enc.set_progressive(progressive);
        let (w, h) = (img.width() as u16, img.height() as u16);
        enc.encode(img.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        out
    }

    #[test]
    fn files_without_restarts_or_with_several_scans_are_checked_whole() {
        let b = [pb(20, 16, 50, 40)];
        let good = burned(96, 80, &b, Rgb::BLACK);
        let bad = noisy(96, 80, 7);
        for (restart, progressive) in [(0, false), (3, false), (0, true)] {
            let jpg = jpeg_encoder_file(&good, restart, progressive);
            let v = verify(&jpg, OutputFormat::Jpeg, 96, 80, &b, Rgb::BLACK)
                .unwrap_or_else(|e| panic!("restart {restart} progressive {progressive}: {e}"));
            assert_eq!(v.boxes_checked, 1);
            let jpg = jpeg_encoder_file(&bad, restart, progressive);
            let e = verify(&jpg, OutputFormat::Jpeg, 96, 80, &b, Rgb::BLACK).unwrap_err();
            assert!(e.to_string().contains("not solid fill"), "{e}");
        }
    }

    #[test]
    fn grey_files_are_checked_too() {
        let b = [pb(8, 8, 30, 20)];
        let img = image::GrayImage::from_fn(64, 48, |x, y| {
            let inside = (8..38).contains(&x) && (8..28).contains(&y);
            image::Luma([if inside {
                0
            } else {
                ((x * 37 + y * 91) % 256) as u8
            }])
        });
        let mut jpg = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut jpg, 90);
        enc.set_restart_interval(8);
        enc.encode(img.as_raw(), 64, 48, jpeg_encoder::ColorType::Luma)
            .unwrap();
        let v = verify(&jpg, OutputFormat::Jpeg, 64, 48, &b, Rgb::BLACK).unwrap();
        assert_eq!((v.boxes_checked, v.margin), (1, 8));
        // A colour fill cannot be what a grey file shows.
        let red = Rgb { r: 255, g: 0, b: 0 };
        assert!(verify(&jpg, OutputFormat::Jpeg, 64, 48, &b, red).is_err());
        let other = [pb(40, 8, 20, 20)];
        assert!(verify(&jpg, OutputFormat::Jpeg, 64, 48, &other, Rgb::BLACK).is_err());
    }

    #[test]
    fn damaged_files_fail_without_panicking() {
        let (c, grown) = wiped(Rgb::BLACK);
        let jpg = write(&c);
        let b = [pb(4, 4, 30, 20)];
        let png = encode(&burned(40, 30, &b, Rgb::BLACK), OutputFormat::Png, 90).unwrap();
        let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s as usize
        };
        for round in 0..3000 {
            let (base, fmt, w, h, boxes) = if round % 3 == 0 {
                (&png, OutputFormat::Png, 40, 30, &b[..])
            } else {
                (&jpg, OutputFormat::Jpeg, 200, 120, &grown[..])
            };
            let mut m = base.clone();
            for _ in 0..1 + next() % 4 {
                let i = next() % m.len();
                match next() % 4 {
                    0 => m[i] ^= 1 << (next() % 8),
                    1 => m[i] = next() as u8,
                    2 => m[i] = 0xFF,
                    _ => m.truncate(i.max(2)),
                }
            }
            let _ = verify(&m, fmt, w, h, boxes, Rgb::BLACK);
        }
    }
}
