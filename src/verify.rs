//! Checks a produced file from its own bytes before it is released: structure allowlist, no
//! trailing bytes, no alpha, the expected size, and every box decoding to the fill colour.
//! A failure here is an internal error: the file is withheld, never passed with a warning.
//!
//! The JPEG bound: every pixel more than a margin inside a box edge must decode within a
//! tolerance derived from the file's own DC quantisation steps (see [`jpeg_tolerance`]). The
//! margin is 8 px for 4:4:4 or grey files and 17 px for 4:2:0 (see [`jpeg_margin`]).

use crate::burn::PixelBox;
use crate::color::Rgb;
use crate::container::{walk_jpeg, walk_png};
use crate::encode::OutputFormat;
use crate::error::{Error, Result};
use image::RgbImage;
use serde::Serialize;

/// PNG chunks a fresh Occlude file may contain, and nothing else.
pub const PNG_ALLOWED: [&[u8; 4]; 4] = [b"IHDR", b"PLTE", b"IDAT", b"IEND"];

/// JPEG markers a fresh Occlude file may contain: SOI, APP0 (JFIF only), DQT, SOF0–2, DHT, DRI,
/// SOS, RST0–7, EOI. Anything else (APPn, COM, …) counts as a metadata block.
pub fn jpeg_marker_allowed(marker: u8) -> bool {
    matches!(marker, 0xD8 | 0xE0 | 0xDB | 0xC0..=0xC2 | 0xC4 | 0xDD | 0xDA | 0xD0..=0xD7 | 0xD9)
}

/// How far inside a box edge a JPEG must decode to the fill colour, from its largest sampling
/// factor. A pixel more than 8 px inside lies in an 8 × 8 block wholly inside the box; with
/// 4:2:0 a chroma block spans 16 px and decoders blend one chroma sample across block edges,
/// so 17 px. Nearer the edge, blocks that straddle it carry the colour of what is outside the
/// box (never what was under it: that was overwritten before encoding).
pub fn jpeg_margin(max_sampling: u8) -> u32 {
    let f = u32::from(max_sampling.clamp(1, 4));
    8 * f + u32::from(f > 1)
}

/// What the verifier established about a produced file.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verification {
    /// Boxes whose pixels were checked against the fill colour.
    pub boxes_checked: usize,
    /// Boxes too thin for a JPEG interior check (under 2 × margin + 1 pixels); PNG has none.
    pub boxes_too_thin: usize,
    /// Metadata blocks found (always 0 in a released file).
    pub metadata_blocks: usize,
    /// Bytes after the end marker (always 0 in a released file).
    pub trailing_bytes: usize,
    /// Largest difference from the fill colour seen in a checked pixel (0 for PNG).
    pub max_deviation: u8,
    /// Allowed difference (0 for PNG).
    pub tolerance: u8,
    /// Pixels nearer than this to a box edge are not checked (0 for PNG; see [`jpeg_margin`]).
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
    let (structure, tolerance, margin) = match format {
        OutputFormat::Png => (check_png_structure(bytes, width, height)?, 0, 0),
        OutputFormat::Jpeg => check_jpeg_structure(bytes, width, height)?,
    };
    let img = decode_output(bytes, format)?;
    if img.dimensions() != (width, height) {
        return Err(fail(format!(
            "decodes to {}×{}, expected {width}×{height}",
            img.width(),
            img.height()
        )));
    }
    let mut checked = 0;
    let mut thin = 0;
    let mut max_dev = 0u8;
    for (i, b) in boxes.iter().enumerate() {
        if b.width <= 2 * margin || b.height <= 2 * margin {
            thin += 1;
            continue;
        }
        checked += 1;
        let dev = box_deviation(&img, b, margin, fill);
        if dev > tolerance {
            return Err(fail(format!(
                "box {} is not solid fill colour (a pixel differs by {dev}, allowed {tolerance})",
                i + 1
            )));
        }
        max_dev = max_dev.max(dev);
    }
    Ok(Verification {
        boxes_checked: checked,
        boxes_too_thin: thin,
        metadata_blocks: 0,
        trailing_bytes: 0,
        max_deviation: max_dev,
        tolerance,
        margin,
        structure,
    })
}

/// The largest channel difference from `fill` inside `b` shrunk by `margin` on every side.
fn box_deviation(img: &RgbImage, b: &PixelBox, margin: u32, fill: Rgb) -> u8 {
    let f = fill.to_array();
    let w = img.width() as usize;
    let raw = img.as_raw();
    let (x0, x1) = ((b.x + margin) as usize, (b.x + b.width - margin) as usize);
    let mut dev = 0u8;
    for y in (b.y + margin) as usize..(b.y + b.height - margin) as usize {
        let row = &raw[(y * w + x0) * 3..(y * w + x1) * 3];
        for p in row.chunks_exact(3) {
            for c in 0..3 {
                dev = dev.max(p[c].abs_diff(f[c]));
            }
        }
    }
    dev
}

fn decode_output(bytes: &[u8], format: OutputFormat) -> Result<RgbImage> {
    let f = match format {
        OutputFormat::Png => image::ImageFormat::Png,
        OutputFormat::Jpeg => image::ImageFormat::Jpeg,
    };
    let img = image::load_from_memory_with_format(bytes, f)
        .map_err(|e| fail(format!("the new file does not decode: {e}")))?;
    if img.color().has_alpha() {
        return Err(fail("the new file has an alpha channel"));
    }
    Ok(img.into_rgb8())
}

fn check_png_structure(bytes: &[u8], width: u32, height: u32) -> Result<Vec<String>> {
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
        .map(|c| &bytes[c.data.clone()])
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
    Ok(walk.chunks.iter().map(|c| c.name()).collect())
}

fn jpeg_marker_name(m: u8) -> String {
    match m {
        0xD8 => "SOI".into(),
        0xD9 => "EOI".into(),
        0xDB => "DQT".into(),
        0xC4 => "DHT".into(),
        0xDD => "DRI".into(),
        0xDA => "SOS".into(),
        0xE0 => "APP0".into(),
        0xC0..=0xCF => format!("SOF{}", m - 0xC0),
        0xE1..=0xEF => format!("APP{}", m - 0xE0),
        0xFE => "COM".into(),
        other => format!("0x{other:02X}"),
    }
}

/// Checks the marker allowlist, trailing bytes, SOF size and components; returns the
/// structure, the colour tolerance derived from the file's DC quantisation steps, and the
/// edge margin derived from its sampling factors.
fn check_jpeg_structure(bytes: &[u8], width: u32, height: u32) -> Result<(Vec<String>, u8, u32)> {
    let walk = walk_jpeg(bytes).map_err(fail)?;
    let trailing = bytes.len() - walk.end;
    if trailing > 0 {
        return Err(fail(format!("{trailing} bytes follow EOI")));
    }
    let mut dc_steps = [0u16; 4];
    let mut components: Vec<u8> = Vec::new(); // quantisation table per component
    let mut max_sampling = 1u8;
    for s in &walk.segments {
        let data = &bytes[s.data.clone()];
        if !jpeg_marker_allowed(s.marker) || (s.marker == 0xE0 && !data.starts_with(b"JFIF\0")) {
            return Err(fail(format!(
                "segment {} outside the allowlist",
                jpeg_marker_name(s.marker)
            )));
        }
        match s.marker {
            0xDB => read_dqt_dc(data, &mut dc_steps).map_err(fail)?,
            0xC0..=0xC2 => {
                let h = data.get(1..3).map(|v| u16::from_be_bytes([v[0], v[1]]));
                let w = data.get(3..5).map(|v| u16::from_be_bytes([v[0], v[1]]));
                if (w.map(u32::from), h.map(u32::from)) != (Some(width), Some(height)) {
                    return Err(fail(format!("SOF size differs from {width}×{height}")));
                }
                let n = data.get(5).copied().unwrap_or(0);
                if n != 1 && n != 3 {
                    return Err(fail(format!("{n} colour components (expected 1 or 3)")));
                }
                components = (0..usize::from(n))
                    .filter_map(|i| data.get(6 + i * 3 + 2).copied())
                    .collect();
                for i in 0..usize::from(n) {
                    let hv = data.get(6 + i * 3 + 1).copied().unwrap_or(0x44);
                    max_sampling = max_sampling.max(hv >> 4).max(hv & 15);
                }
            }
            _ => {}
        }
    }
    let step = |c: usize| -> f64 {
        let t = components.get(c).copied().unwrap_or(0);
        f64::from(dc_steps.get(usize::from(t) & 3).copied().unwrap_or(255))
    };
    let tol = jpeg_tolerance(
        step(0),
        if components.len() == 3 {
            step(1).max(step(2))
        } else {
            0.0
        },
    );
    let structure = walk
        .segments
        .iter()
        .map(|s| jpeg_marker_name(s.marker))
        .collect();
    Ok((structure, tol, jpeg_margin(max_sampling)))
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
        d = &d[1 + size..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::encode;

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
        crate::burn::burn(&mut img, boxes, fill);
        img
    }

    #[test]
    fn png_passes_and_tampering_fails() {
        let b = [PixelBox {
            x: 3,
            y: 4,
            width: 10,
            height: 6,
        }];
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
        let other = [PixelBox {
            x: 20,
            y: 4,
            width: 10,
            height: 6,
        }];
        assert!(verify(&png, OutputFormat::Png, 40, 30, &other, Rgb::BLACK).is_err());
    }

    #[test]
    fn png_with_a_text_chunk_fails() {
        let b = [PixelBox {
            x: 0,
            y: 0,
            width: 4,
            height: 4,
        }];
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
        let b = [
            PixelBox {
                x: 5,
                y: 7,
                width: 40,
                height: 37,
            },
            PixelBox {
                x: 60,
                y: 50,
                width: 30,
                height: 3,
            },
        ];
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
            }
        }
    }

    #[test]
    fn jpeg_with_an_unfilled_box_fails() {
        let img = noisy(64, 64, 3);
        let jpg = encode(&img, OutputFormat::Jpeg, 90).unwrap();
        let b = [PixelBox {
            x: 10,
            y: 10,
            width: 40,
            height: 40,
        }];
        assert!(verify(&jpg, OutputFormat::Jpeg, 64, 64, &b, Rgb::BLACK).is_err());
    }

    #[test]
    fn jpeg_with_a_comment_or_trailer_fails() {
        let b = [PixelBox {
            x: 0,
            y: 0,
            width: 20,
            height: 20,
        }];
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
}
