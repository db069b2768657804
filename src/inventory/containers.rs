//! Reading each container for what it carries besides its pixels: JPEG segments, PNG chunks
//! (text chunks and ImageMagick's raw profiles included), WebP chunks, GIF extensions, a BMP's
//! embedded profile, a TIFF file's tags. Walked by the container walkers; never fails.

use super::exif::{read_exif, Ctx};
use super::model::{IccSummary, Inventory, TextChunk, MAX_LISTED};
use crate::colour::classify::{assess, assess_icc};
use crate::colour::source::{jpeg_profile, png_colour, Tagged};
use crate::container;
use crate::ground::bytes::{be16, be32, clean_text, inflate, le32, slice, split_nul};
use crate::ground::format::InputFormat;
use std::ops::Range;

/// Lists what `bytes` carries besides its pixels. Never fails.
pub fn inventory(bytes: &[u8], format: InputFormat) -> Inventory {
    let mut inv = Inventory::empty();
    match format {
        InputFormat::Jpeg => jpeg(bytes, &mut inv),
        InputFormat::Png => png(bytes, &mut inv),
        InputFormat::Webp => webp(bytes, &mut inv),
        InputFormat::Gif => gif(bytes, &mut inv),
        InputFormat::Bmp => bmp(bytes, &mut inv),
        InputFormat::Tiff => tiff_file(bytes, &mut inv),
    }
    inv
}

pub(super) const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXT_ID: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
pub(super) const PHOTOSHOP_ID: &[u8] = b"Photoshop 3.0\0";

fn jpeg(b: &[u8], inv: &mut Inventory) {
    let segments: Vec<(u8, Range<usize>)> = match container::jpeg::walk(b) {
        Ok(w) => {
            inv.trailing_bytes = b.len().saturating_sub(w.end) as u64;
            w.segments.into_iter().map(|s| (s.marker, s.data)).collect()
        }
        Err(e) => {
            inv.notes.push(format!(
                "the JPEG structure is damaged ({e}); listed what comes before the damage"
            ));
            container::jpeg::header_segments(b)
        }
    };
    let mut app2: Vec<&[u8]> = Vec::new();
    for (marker, range) in segments {
        let Some(data) = b.get(range) else { continue };
        match marker {
            0xE0..=0xEF => {
                let n = marker - 0xE0;
                let id = identifier(data);
                if n == 0 && id == "JFIF" {
                    continue; // structural
                }
                if inv.app_segments.len() < MAX_LISTED {
                    inv.app_segments.push(if id.is_empty() {
                        format!("APP{n}")
                    } else {
                        format!("APP{n} {id}")
                    });
                }
                if n == 1 && data.starts_with(b"Exif\0") {
                    inv.add_exif(data.get(6..).unwrap_or(&[]));
                } else if n == 1 && data.starts_with(XMP_ID) {
                    inv.add_xmp(data.len() - XMP_ID.len());
                } else if n == 1 && data.starts_with(XMP_EXT_ID) {
                    // GUID (32) + full length (4) + offset (4) precede each extension part.
                    inv.add_xmp(data.len().saturating_sub(XMP_EXT_ID.len() + 40));
                } else if n == 2 {
                    app2.push(data);
                } else if n == 13 && data.starts_with(PHOTOSHOP_ID) {
                    inv.add_iptc(data.len() - PHOTOSHOP_ID.len());
                }
            }
            0xFE => inv.add_comment(data),
            _ => {}
        }
    }
    // The colour reader reassembles the profile (and refuses an inconsistent set of segments,
    // as libjpeg does); a JPEG that stays JPEG keeps a standard space's canonical profile.
    let tagged = jpeg_profile(app2.iter().map(|d| (0xE2, *d)));
    match &tagged {
        Tagged::Icc(p) => inv.add_icc(p),
        Tagged::Broken(_) => {
            let parts = app2.iter().filter(|d| d.starts_with(b"ICC_PROFILE\0"));
            inv.icc = Some(IccSummary {
                bytes: parts.map(|d| d.len() as u64).sum(),
                description: None,
            });
        }
        _ => {}
    }
    inv.add_colour(assess(&tagged), true);
}

/// The identifier an APPn segment starts with: printable ASCII up to the first NUL.
fn identifier(data: &[u8]) -> String {
    data.iter()
        .take(40)
        .take_while(|&&c| (0x20..0x7F).contains(&c))
        .map(|&c| c as char)
        .collect::<String>()
        .trim()
        .to_string()
}

// ---------------------------------------------------------------- PNG

fn png(b: &[u8], inv: &mut Inventory) {
    let chunks = match container::png::walk(b) {
        Ok(w) => {
            inv.trailing_bytes = b.len().saturating_sub(w.end) as u64;
            w.chunks
        }
        Err(e) => {
            inv.notes.push(format!(
                "the PNG structure is damaged ({e}); listed what comes before the damage"
            ));
            container::png::chunks_tolerant(b)
        }
    };
    let tagged = png_colour(
        chunks
            .iter()
            .filter_map(|c| Some((c.kind, b.get(c.data.clone())?))),
    );
    inv.add_colour(assess(&tagged), false);
    for container::png::Chunk { kind, data, .. } in chunks {
        let Some(data) = b.get(data) else { continue };
        match &kind {
            b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" | b"tRNS" | b"gAMA" | b"cHRM" | b"sRGB"
            | b"sBIT" | b"bKGD" | b"pHYs" | b"fcTL" | b"fdAT" => {}
            b"acTL" => {
                if let Some(n) = be32(data, 0) {
                    inv.frames = n.max(1);
                }
            }
            b"eXIf" => inv.add_exif(data.strip_prefix(b"Exif\0\0").unwrap_or(data)),
            b"tIME" => inv.png_time = png_time(data),
            b"iCCP" => {
                let (_name, rest) = split_nul(data);
                match rest.get(1..).and_then(inflate) {
                    Some(p) => inv.add_icc(&p),
                    None => {
                        inv.notes
                            .push("the colour profile (iCCP) could not be inflated".into());
                        if inv.icc.is_none() {
                            inv.icc = Some(IccSummary {
                                bytes: rest.len() as u64,
                                description: None,
                            });
                        }
                    }
                }
            }
            b"tEXt" | b"zTXt" | b"iTXt" => png_text(&kind, data, inv),
            _ => inv.add_other(String::from_utf8_lossy(&kind).into_owned()),
        }
    }
}

fn png_time(d: &[u8]) -> Option<String> {
    let year = be16(d, 0)?;
    let t = d.get(2..7)?;
    Some(format!(
        "{year:04}-{:02}-{:02} {:02}:{:02}:{:02}",
        t[0], t[1], t[2], t[3], t[4]
    ))
}

fn png_text(kind: &[u8; 4], data: &[u8], inv: &mut Inventory) {
    let (keyword, rest) = split_nul(data);
    let keyword = clean_text(keyword, 79);
    let text: Option<Vec<u8>> = match kind {
        b"tEXt" => Some(rest.to_vec()),
        b"zTXt" => rest.get(1..).and_then(inflate),
        _ => {
            // iTXt: compression flag, method, language tag\0, translated keyword\0, text.
            let flag = rest.first().copied().unwrap_or(0);
            let (_lang, r) = split_nul(rest.get(2..).unwrap_or(&[]));
            let (_translated, t) = split_nul(r);
            if flag == 1 {
                inflate(t)
            } else {
                Some(t.to_vec())
            }
        }
    };
    let kind_name = String::from_utf8_lossy(kind).into_owned();
    match &text {
        None => inv.notes.push(format!(
            "the {kind_name} chunk \"{keyword}\" could not be inflated"
        )),
        Some(t) if keyword == "XML:com.adobe.xmp" => inv.add_xmp(t.len()),
        Some(t) => {
            if let Some(profile) = raw_profile_kind(&keyword) {
                match parse_raw_profile(t) {
                    Some(p) => match profile {
                        RawProfile::Exif => {
                            let tiff = p.strip_prefix(b"Exif\0\0").unwrap_or(&p);
                            inv.add_exif(tiff)
                        }
                        RawProfile::Xmp => inv.add_xmp(p.len()),
                        RawProfile::Iptc => inv.add_iptc(p.len()),
                        RawProfile::Icc => inv.add_icc(&p),
                    },
                    None => inv.notes.push(format!(
                        "the text chunk \"{keyword}\" is not a readable profile"
                    )),
                }
            }
        }
    }
    if inv.text_chunks.len() < MAX_LISTED {
        inv.text_chunks.push(TextChunk {
            kind: kind_name,
            keyword,
        });
    }
}

pub enum RawProfile {
    Exif,
    Xmp,
    Iptc,
    Icc,
}

/// ImageMagick's "Raw profile type NAME" text chunks.
pub fn raw_profile_kind(keyword: &str) -> Option<RawProfile> {
    let name = keyword
        .strip_prefix("Raw profile type ")?
        .to_ascii_lowercase();
    match name.as_str() {
        "exif" | "app1" => Some(RawProfile::Exif),
        "xmp" => Some(RawProfile::Xmp),
        "iptc" | "8bim" => Some(RawProfile::Iptc),
        "icc" | "icm" => Some(RawProfile::Icc),
        _ => None,
    }
}

/// Decodes "\nNAME\n   LENGTH\nHEX..." into bytes.
fn parse_raw_profile(t: &[u8]) -> Option<Vec<u8>> {
    let t = t.trim_ascii_start();
    let name_end = t.iter().position(|&c| c == b'\n')?;
    let rest = t.get(name_end + 1..)?.trim_ascii_start();
    let len_end = rest.iter().position(|&c| c == b'\n')?;
    let len: usize = std::str::from_utf8(rest.get(..len_end)?)
        .ok()?
        .trim()
        .parse()
        .ok()?;
    let hex = rest.get(len_end + 1..)?;
    let mut out = Vec::with_capacity(len.min(hex.len() / 2));
    let mut high: Option<u8> = None;
    for &c in hex {
        if out.len() >= len {
            break;
        }
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => continue,
        };
        match high.take() {
            None => high = Some(v),
            Some(h) => out.push(h << 4 | v),
        }
    }
    (!out.is_empty()).then_some(out)
}

// ---------------------------------------------------------------- WebP

fn webp(b: &[u8], inv: &mut Inventory) {
    let Some(walk) = container::webp::walk(b) else {
        inv.notes.push("the WebP header is cut short".into());
        return;
    };
    if b.len() > walk.riff_end {
        inv.trailing_bytes = (b.len() - walk.riff_end) as u64;
    } else if b.len() < walk.riff_end {
        inv.notes
            .push("the WebP file is cut short (truncated)".into());
    }
    let mut anmf = 0u32;
    for (fourcc, range) in &walk.chunks {
        let data = b.get(range.clone()).unwrap_or(&[]);
        match fourcc {
            b"VP8 " | b"VP8L" | b"VP8X" | b"ALPH" | b"ANIM" => {}
            b"ANMF" => anmf = anmf.saturating_add(1),
            b"ICCP" => {
                inv.add_icc(data);
                inv.add_colour(assess_icc(data), false);
            }
            b"EXIF" => inv.add_exif(data.strip_prefix(b"Exif\0\0").unwrap_or(data)),
            b"XMP " => inv.add_xmp(data.len()),
            _ => inv.add_other(clean_text(fourcc, 4)),
        }
    }
    if let Some(fourcc) = walk.broken {
        inv.notes.push(format!(
            "the WebP chunk {} runs past the end",
            String::from_utf8_lossy(&fourcc)
        ));
    }
    if anmf > 0 {
        inv.frames = anmf;
    }
}

// ---------------------------------------------------------------- GIF

fn gif(b: &[u8], inv: &mut Inventory) {
    let walk = container::gif::walk(b);
    match walk.as_ref().and_then(|w| Some((w.frames(), w.end?))) {
        Some((frames, end)) => {
            inv.frames = frames.max(1);
            inv.trailing_bytes = b.len().saturating_sub(end) as u64;
        }
        None => inv
            .notes
            .push("the GIF structure is damaged; listed what comes before the damage".into()),
    }
    let blocks = walk.map(|w| w.blocks).unwrap_or_default();
    for block in &blocks {
        if let container::gif::Block::Extension { label, sub_blocks } = block {
            gif_extension(b, *label, sub_blocks, inv);
        }
    }
}

/// A comment, XMP, ICC or other application extension of a GIF.
fn gif_extension(b: &[u8], label: u8, blocks: &[Range<usize>], inv: &mut Inventory) {
    let first = blocks.first().and_then(|r| b.get(r.clone())).unwrap_or(&[]);
    let total: usize = blocks.iter().map(|r| r.len()).sum();
    let joined = || -> Vec<u8> {
        let mut v = Vec::with_capacity(total);
        for r in blocks {
            v.extend_from_slice(b.get(r.clone()).unwrap_or(&[]));
        }
        v
    };
    match label {
        0xFE => inv.add_comment(&joined()),
        0x01 => inv.add_other("GIF plain text".into()),
        0xFF if first == b"XMP DataXMP" => {
            // The packet is raw bytes followed by a 258-byte "magic trailer".
            inv.add_xmp(total.saturating_sub(11 + 258));
        }
        0xFF if first == b"ICCRGBG1012" => {
            let all = joined();
            let profile = all.get(11..).unwrap_or(&[]);
            inv.add_icc(profile);
            inv.add_colour(assess_icc(profile), false);
        }
        0xFF if first == b"NETSCAPE2.0" || first == b"ANIMEXTS1.0" => {}
        0xFF => inv.add_other(format!("GIF application {}", clean_text(first, 11))),
        _ => {}
    }
}

// ---------------------------------------------------------------- BMP

fn bmp(b: &[u8], inv: &mut Inventory) {
    if let Some(size) = le32(b, 2).map(|s| s as usize) {
        if size >= 14 && b.len() > size {
            inv.trailing_bytes = (b.len() - size) as u64;
        }
    }
    // BITMAPV5HEADER with an embedded profile ('MBED').
    let header = le32(b, 14).unwrap_or(0);
    if header >= 124 && le32(b, 14 + 56) == Some(0x4D42_4544) {
        let off = le32(b, 14 + 112).unwrap_or(0) as usize;
        let len = le32(b, 14 + 116).unwrap_or(0) as usize;
        match off.checked_add(14).and_then(|o| slice(b, o, len)) {
            Some(p) => {
                inv.add_icc(p);
                inv.add_colour(assess_icc(p), false);
            }
            None => inv
                .notes
                .push("the embedded colour profile lies outside the file".into()),
        }
    }
}

fn tiff_file(b: &[u8], inv: &mut Inventory) {
    let read = read_exif(b, true, &mut inv.notes);
    let Some(scan) = &read.scan else { return };
    // Metadata tags of the first directory.
    let ifd0 = |tag: u16| {
        scan.entries
            .iter()
            .find(|e| e.ctx == Ctx::Tiff && e.ifd == 0 && e.tag == tag)
    };
    if let Some(e) = ifd0(700) {
        inv.add_xmp(e.bytes as usize);
    }
    if let Some(e) = ifd0(33723).or_else(|| ifd0(34377)) {
        inv.add_iptc(e.bytes as usize);
    }
    if let Some(e) = ifd0(34675) {
        let profile = slice(b, e.value_at, e.bytes as usize).unwrap_or(&[]);
        inv.add_icc(profile);
        inv.add_colour(assess_icc(profile), false);
    }
    // Every TIFF has tags; count it as EXIF only when it has camera data.
    let s = &read.summary;
    let has_camera_data = scan
        .entries
        .iter()
        .any(|e| matches!(e.ctx, Ctx::Exif | Ctx::Gps | Ctx::Interop))
        || s.make.is_some()
        || s.model.is_some()
        || !s.dates.is_empty()
        || s.thumbnail.is_some();
    if has_camera_data {
        inv.exif = Some(read.summary);
    }
}
