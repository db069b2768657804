//! Verifying a PNG from its own bytes.
//!
//! The chunk walk covers the whole file: signature, the chunk allowlist, every chunk's CRC,
//! IHDR first with the expected size and no alpha, nothing after IEND. Then the image data of
//! an 8-bit RGB, non-interlaced PNG (what the PNG writer writes) is inflated whole, with
//! fdeflate, through a sliding window (the image is never held whole): the IDAT chunks must be
//! consecutive, the zlib stream complete with a matching Adler-32 and followed by nothing, and
//! it must hold exactly `height` rows of `1 + 3 × width` bytes, each with a valid filter type.
//! Rows down to the last one holding a box are unfiltered, as far right as the rightmost box
//! edge (no PNG filter refers to pixels to the right, and Up, Average and Paeth chain each row
//! to the one above, so every row above a box is unfiltered too), and every box pixel is
//! compared with the fill exactly. Any other PNG layout is decoded whole by the PNG reader
//! (the `png` crate).

use super::verdict::{fail, Verification};
use crate::codec::png::filter::unfilter;
use crate::colour::canonical::Space;
use crate::colour::source::canonical_iccp;
use crate::container::png::{walk as walk_png, Walk as PngWalk};
use crate::ground::colour::Rgb;
use crate::ground::error::Result;
use crate::ground::geometry::PixelBox;

/// PNG chunks a fresh Occlude file may contain, and nothing else but one `iCCP` chunk before
/// PLTE and IDAT whose data is exactly one of Occlude's canonical colour profiles
/// (`colour::source::canonical_iccp`). Occlude's own PNGs are untagged sRGB; the rule is there
/// so a tagged PNG could be written and still pass, and nothing else could.
pub const PNG_ALLOWED: [&[u8; 4]; 4] = [b"IHDR", b"PLTE", b"IDAT", b"IEND"];

/// Verifies a PNG (the boxes already checked to lie inside the image).
pub fn verify_png(
    bytes: &[u8],
    width: u32,
    height: u32,
    boxes: &[PixelBox],
    fill: Rgb,
) -> Result<Verification> {
    let (walk, colour) = check_png_structure(bytes, width, height)?;
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
        colour_profile: colour.map(|c| c.name().to_string()),
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
fn check_png_structure(bytes: &[u8], width: u32, height: u32) -> Result<(PngWalk, Option<Space>)> {
    let walk = walk_png(bytes).map_err(fail)?;
    let trailing = bytes.len() - walk.end;
    if trailing > 0 {
        return Err(fail(format!("{trailing} bytes follow IEND")));
    }
    // One canonical iCCP before PLTE and IDAT, as PNG requires of iCCP.
    let mut colour = None;
    let mut pixels_seen = false;
    let mut extra: Vec<String> = Vec::new();
    for c in &walk.chunks {
        pixels_seen |= &c.kind == b"PLTE" || &c.kind == b"IDAT";
        if &c.kind == b"iCCP" {
            match bytes.get(c.data.clone()).and_then(canonical_iccp) {
                Some(space) if colour.is_none() && !pixels_seen => {
                    colour = Some(space);
                    continue;
                }
                _ => {}
            }
        }
        if !PNG_ALLOWED.contains(&&c.kind) {
            extra.push(c.name());
        }
    }
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
    Ok((walk, colour))
}
