//! What an input file carries besides its pixels (EXIF, XMP, IPTC, colour profile, comments,
//! text chunks, bytes after the end, extra frames), read from its container without decoding
//! pixels. Never fails: a damaged container yields what could be read plus a note.

use crate::container;
use crate::ground::format::InputFormat;
use serde::Serialize;
use std::collections::HashSet;
use std::ops::Range;

/// Largest output of one zlib stream we inflate (iCCP, zTXt, compressed iTXt).
const MAX_INFLATE: usize = 8 << 20;
/// More EXIF fields than this and the scan stops; no values are read.
const MAX_EXIF_FIELDS: usize = 10_000;
/// Largest EXIF value we read; a field with a larger value counts as absent.
const MAX_FIELD_BYTES: u64 = 64 << 10;
/// Characters of a comment kept in the inventory.
const COMMENT_CHARS: usize = 80;
/// Names kept in each list of chunks or segments (a hostile file can hold thousands).
const MAX_LISTED: usize = 64;

/// What the input carried besides its pixels. Every field is what was found; absent is `None`,
/// an empty list, or zero.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    /// The EXIF block (JPEG APP1, PNG eXIf or raw-profile text, WebP EXIF, a TIFF file's tags).
    pub exif: Option<ExifSummary>,
    /// Size of the XMP packet(s) in bytes (JPEG APP1, PNG iTXt, WebP XMP, GIF, TIFF tag 700).
    pub xmp_bytes: Option<u64>,
    /// Size of IPTC / Photoshop data in bytes (JPEG APP13, PNG raw profile, TIFF tags).
    pub iptc_bytes: Option<u64>,
    /// The ICC colour profile (JPEG APP2, PNG iCCP, WebP ICCP, GIF, BMP, TIFF tag 34675).
    pub icc: Option<IccSummary>,
    /// Comments (JPEG COM segments, GIF comment extensions).
    pub comments: Option<Comments>,
    /// JPEG APPn segments other than APP0 JFIF, as "APP1 Exif", "APP14 Adobe", ...
    pub app_segments: Vec<String>,
    /// PNG tEXt / zTXt / iTXt chunks.
    pub text_chunks: Vec<TextChunk>,
    /// The PNG tIME chunk's value, "YYYY-MM-DD hh:mm:ss".
    pub png_time: Option<String>,
    /// Other ancillary PNG chunks, WebP chunks and GIF extensions, by name.
    pub other_chunks: Vec<String>,
    /// Bytes after the image's end (JPEG EOI, PNG IEND, GIF trailer, RIFF size, BMP size).
    pub trailing_bytes: u64,
    /// Animation frames (1 for a still image).
    pub frames: u32,
    /// Pixels whose colour hides under full transparency; filled during decode, not here.
    pub hidden_under_transparent: Option<u64>,
    /// What could not be read, in plain words.
    pub notes: Vec<String>,
}

/// What an EXIF block holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExifSummary {
    /// Size of the TIFF structure in bytes.
    pub bytes: u64,
    /// Fields in all its directories (pointers to sub-directories not counted).
    pub tag_count: u32,
    /// A GPS directory with at least one field.
    pub gps: bool,
    pub make: Option<String>,
    pub model: Option<String>,
    /// DateTime, DateTimeOriginal, DateTimeDigitized and GPSDateStamp, as present.
    pub dates: Vec<NamedValue>,
    /// Free-text and identifying fields, as present: ImageDescription, Artist, Copyright,
    /// UserComment, CameraOwnerName, BodySerialNumber.
    pub texts: Vec<NamedValue>,
    /// The second directory (IFD1): an embedded preview of the original picture.
    pub thumbnail: Option<Thumbnail>,
    /// The camera maker's private data block (tag 0x927C).
    pub maker_note: bool,
    /// Orientation tag value (1–8), when present.
    pub orientation: Option<u16>,
}

/// One named text field of an EXIF block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedValue {
    pub name: String,
    pub value: String,
}

/// An EXIF thumbnail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Thumbnail {
    /// Size of the thumbnail's data in bytes (0 when its location is unreadable).
    pub bytes: u64,
    /// Pixel size, from the thumbnail JPEG's SOF (or IFD1's own size tags when not a JPEG).
    pub width: Option<u32>,
    pub height: Option<u32>,
}

/// An ICC colour profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IccSummary {
    /// Size of the profile (compressed size when it could not be inflated).
    pub bytes: u64,
    /// The profile's `desc` tag.
    pub description: Option<String>,
}

/// Comments embedded in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Comments {
    pub count: u32,
    pub total_bytes: u64,
    /// The first comment's first 80 characters.
    pub first: String,
}

/// A PNG text chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TextChunk {
    /// "tEXt", "zTXt" or "iTXt".
    pub kind: String,
    pub keyword: String,
}

impl Inventory {
    fn empty() -> Inventory {
        Inventory {
            exif: None,
            xmp_bytes: None,
            iptc_bytes: None,
            icc: None,
            comments: None,
            app_segments: Vec::new(),
            text_chunks: Vec::new(),
            png_time: None,
            other_chunks: Vec::new(),
            trailing_bytes: 0,
            frames: 1,
            hidden_under_transparent: None,
            notes: Vec::new(),
        }
    }

    /// Short phrases for the page ("GPS location", "a comment (\"Patient: J…\")", ...), one per
    /// thing found; empty when nothing was.
    pub fn plain_words(&self) -> Vec<String> {
        let mut w = Vec::new();
        if let Some(e) = &self.exif {
            w.push(format!(
                "EXIF data ({} {})",
                e.tag_count,
                plural(e.tag_count, "field")
            ));
            if e.gps {
                w.push("GPS location".into());
            }
            match (&e.make, &e.model) {
                (Some(a), Some(b)) if b.starts_with(a.as_str()) => {
                    w.push(format!("camera make and model ({b})"))
                }
                (Some(a), Some(b)) => w.push(format!("camera make and model ({a} {b})")),
                (Some(a), None) => w.push(format!("camera make ({a})")),
                (None, Some(b)) => w.push(format!("camera model ({b})")),
                (None, None) => {}
            }
            if let Some(t) = &e.thumbnail {
                w.push(match (t.width, t.height) {
                    (Some(x), Some(y)) => format!("a {x}×{y} thumbnail of the original"),
                    _ => "a thumbnail of the original".into(),
                });
            }
            if !e.dates.is_empty() {
                let mut values: Vec<&str> = Vec::new();
                for d in &e.dates {
                    if !values.contains(&d.value.as_str()) {
                        values.push(&d.value);
                    }
                }
                let more = if values.len() > 2 { ", …" } else { "" };
                let shown: Vec<&str> = values.into_iter().take(2).collect();
                w.push(format!("dates and times ({}{more})", shown.join(", ")));
            }
            if !e.texts.is_empty() {
                let names: Vec<&str> = e.texts.iter().map(|t| text_field_words(&t.name)).collect();
                w.push(format!("text fields ({})", names.join(", ")));
            }
            if e.maker_note {
                w.push("camera maker notes".into());
            }
        }
        if let Some(n) = self.xmp_bytes {
            w.push(format!("an XMP metadata packet ({})", human_size(n)));
        }
        if self.iptc_bytes.is_some() {
            w.push("IPTC / Photoshop data".into());
        }
        if let Some(icc) = &self.icc {
            w.push(match &icc.description {
                Some(d) if !d.is_empty() => format!("a colour profile ({d})"),
                _ => "a colour profile".into(),
            });
        }
        if let Some(c) = &self.comments {
            let text: String = c.first.chars().take(10).collect();
            let cut = if c.first.chars().count() > 10 {
                "…"
            } else {
                ""
            };
            w.push(if c.count == 1 {
                format!("a comment (\"{text}{cut}\")")
            } else {
                format!("{} comments (\"{text}{cut}\", …)", c.count)
            });
        }
        let others: Vec<&str> = self
            .app_segments
            .iter()
            .map(String::as_str)
            .filter(|s| !covered_app_segment(s))
            .collect();
        if !others.is_empty() {
            w.push(format!("other application data ({})", list(&others)));
        }
        let texts: Vec<&str> = self
            .text_chunks
            .iter()
            .map(|t| t.keyword.as_str())
            .filter(|k| !covered_text_keyword(k))
            .collect();
        if !texts.is_empty() {
            let n = texts.len() as u32;
            w.push(format!(
                "{n} text {} ({})",
                plural(n, "chunk"),
                list(&texts)
            ));
        }
        if self.png_time.is_some() {
            w.push("a timestamp chunk".into());
        }
        if !self.other_chunks.is_empty() {
            let names: Vec<&str> = self.other_chunks.iter().map(String::as_str).collect();
            w.push(format!("other data chunks ({})", list(&names)));
        }
        if self.trailing_bytes > 0 {
            w.push(format!(
                "{} {} hidden after the end of the image",
                group_digits(self.trailing_bytes),
                if self.trailing_bytes == 1 {
                    "byte"
                } else {
                    "bytes"
                }
            ));
        }
        if self.frames > 1 {
            let more = self.frames - 1;
            w.push(format!("{more} more animation {}", plural(more, "frame")));
        }
        if let Some(n) = self.hidden_under_transparent.filter(|&n| n > 0) {
            w.push(format!(
                "{} hidden colour under transparent pixels",
                group_digits(n)
            ));
        }
        w
    }

    /// True when nothing beyond the pixels was found and every part of the file could be read.
    pub fn is_clean(&self) -> bool {
        self.plain_words().is_empty() && self.notes.is_empty()
    }

    fn add_xmp(&mut self, n: usize) {
        self.xmp_bytes = Some(self.xmp_bytes.unwrap_or(0).saturating_add(n as u64));
    }

    fn add_iptc(&mut self, n: usize) {
        self.iptc_bytes = Some(self.iptc_bytes.unwrap_or(0).saturating_add(n as u64));
    }

    fn add_icc(&mut self, profile: &[u8]) {
        if self.icc.is_some() {
            self.notes
                .push("a second colour profile (only the first is described)".into());
            return;
        }
        self.icc = Some(IccSummary {
            bytes: profile.len() as u64,
            description: icc_description(profile),
        });
    }

    fn add_comment(&mut self, text: &[u8]) {
        let c = self.comments.get_or_insert_with(|| Comments {
            count: 0,
            total_bytes: 0,
            first: clean_text(text, COMMENT_CHARS),
        });
        c.count = c.count.saturating_add(1);
        c.total_bytes = c.total_bytes.saturating_add(text.len() as u64);
    }

    fn add_other(&mut self, name: String) {
        if self.other_chunks.len() < MAX_LISTED && !self.other_chunks.contains(&name) {
            self.other_chunks.push(name);
        }
    }

    /// Reads an EXIF (TIFF-structured) block found in a container.
    fn add_exif(&mut self, tiff: &[u8]) {
        if self.exif.is_some() {
            self.notes
                .push("a second EXIF block (only the first is described)".into());
            return;
        }
        self.exif = Some(read_exif(tiff, false, &mut self.notes).summary);
    }
}

fn text_field_words(name: &str) -> &'static str {
    match name {
        "ImageDescription" => "a description",
        "Artist" => "an author",
        "Copyright" => "a copyright notice",
        "UserComment" => "a user comment",
        "CameraOwnerName" => "the camera owner",
        "BodySerialNumber" => "a serial number",
        _ => "text",
    }
}

/// Segments whose content already has its own phrase (or is structural, like Adobe's APP14).
fn covered_app_segment(s: &str) -> bool {
    s == "APP1 Exif"
        || s.starts_with("APP1 http://ns.adobe.com/")
        || s == "APP2 ICC_PROFILE"
        || s == "APP13 Photoshop 3.0"
        || s == "APP14 Adobe"
}

/// Text chunks whose content already has its own phrase (XMP, raw EXIF/IPTC/ICC profiles).
fn covered_text_keyword(k: &str) -> bool {
    k == "XML:com.adobe.xmp" || raw_profile_kind(k).is_some()
}

/// Lists names, the first few in full.
fn list(names: &[&str]) -> String {
    const SHOWN: usize = 3;
    let mut s = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        s.push_str(", …");
    }
    s
}

fn plural(n: u32, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

/// 2300 → "2 300".
fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

/// 2150 → "2.1 KB".
fn human_size(n: u64) -> String {
    if n < 1024 {
        format!("{n} {}", if n == 1 { "byte" } else { "bytes" })
    } else if n < 1024 * 1024 {
        format!("{} KB", tenths(n, 1024))
    } else {
        format!("{} MB", tenths(n, 1024 * 1024))
    }
}

/// `n / unit` to one decimal, rounded half to even as `{:.1}` rounds: in integers, so the
/// module carries no float printer for it.
fn tenths(n: u64, unit: u64) -> String {
    let scaled = u128::from(n) * 10;
    let (unit, mut q) = (u128::from(unit), scaled / u128::from(unit));
    let r = scaled % unit;
    if 2 * r > unit || (2 * r == unit && q % 2 == 1) {
        q += 1;
    }
    format!("{}.{}", q / 10, q % 10)
}

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

// ---------------------------------------------------------------- byte helpers

fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

fn le16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

fn slice(b: &[u8], start: usize, len: usize) -> Option<&[u8]> {
    b.get(start..start.checked_add(len)?)
}

/// Printable text from untrusted bytes: lossy UTF-8, controls as spaces, trimmed, `max` chars.
fn clean_text(b: &[u8], max: usize) -> String {
    let s = String::from_utf8_lossy(b);
    let t: String = s
        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    t.trim_end().to_string()
}

/// A whole zlib stream, or `None` when it is damaged, cut short or inflates past `MAX_INFLATE`.
fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut z = fdeflate::Decompressor::new();
    let mut out = vec![0; data.len().saturating_mul(2).clamp(1024, MAX_INFLATE)];
    let (mut read, mut made) = (0, 0);
    while !z.is_done() {
        if made == out.len() && made < MAX_INFLATE {
            out.resize(made.saturating_mul(2).min(MAX_INFLATE), 0);
        }
        let (r, m) = z.read(data.get(read..)?, &mut out, made, true).ok()?;
        if r == 0 && m == 0 && !z.is_done() {
            return None; // the output is full at the limit and more would follow
        }
        read += r;
        made += m;
    }
    out.truncate(made);
    Some(out)
}

/// Bytes up to the first NUL (or all of them) and the rest after it.
fn split_nul(b: &[u8]) -> (&[u8], &[u8]) {
    match b.iter().position(|&x| x == 0) {
        Some(i) => (&b[..i], b.get(i + 1..).unwrap_or(&[])),
        None => (b, &[]),
    }
}

// ---------------------------------------------------------------- JPEG

const XMP_ID: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const XMP_EXT_ID: &[u8] = b"http://ns.adobe.com/xmp/extension/\0";
const ICC_ID: &[u8] = b"ICC_PROFILE\0";
const PHOTOSHOP_ID: &[u8] = b"Photoshop 3.0\0";

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
    let mut icc_parts: Vec<(u8, &[u8])> = Vec::new();
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
                } else if n == 2 && data.starts_with(ICC_ID) {
                    let seq = data.get(ICC_ID.len()).copied().unwrap_or(0);
                    icc_parts.push((seq, data.get(ICC_ID.len() + 2..).unwrap_or(&[])));
                } else if n == 13 && data.starts_with(PHOTOSHOP_ID) {
                    inv.add_iptc(data.len() - PHOTOSHOP_ID.len());
                }
            }
            0xFE => inv.add_comment(data),
            _ => {}
        }
    }
    if !icc_parts.is_empty() {
        icc_parts.sort_by_key(|&(seq, _)| seq);
        let profile: Vec<u8> = icc_parts
            .iter()
            .flat_map(|&(_, p)| p.iter().copied())
            .collect();
        inv.add_icc(&profile);
    }
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

enum RawProfile {
    Exif,
    Xmp,
    Iptc,
    Icc,
}

/// ImageMagick's "Raw profile type NAME" text chunks.
fn raw_profile_kind(keyword: &str) -> Option<RawProfile> {
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
            b"ICCP" => inv.add_icc(data),
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
            inv.add_icc(all.get(11..).unwrap_or(&[]));
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
            Some(p) => inv.add_icc(p),
            None => inv
                .notes
                .push("the embedded colour profile lies outside the file".into()),
        }
    }
}

// ---------------------------------------------------------------- TIFF and EXIF

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Tiff,
    Exif,
    Gps,
    Interop,
}

/// One directory entry.
#[derive(Debug, Clone, Copy)]
struct Entry {
    ctx: Ctx,
    ifd: u16,
    tag: u16,
    /// Field type (1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, ... 12 DOUBLE).
    typ: u16,
    /// Number of values.
    count: u32,
    /// Where the value starts in the TIFF data (the entry's own value field, for an unknown type).
    value_at: usize,
    /// Declared size of the value; it lies inside the TIFF data.
    bytes: u64,
}

/// The directory structure of a TIFF block (at most 8 directories, each visited once), walked
/// without decoding any value, so a hostile block costs no more than its field count.
#[derive(Debug, Default)]
struct Scan {
    le: bool,
    entries: Vec<Entry>,
    errors: Vec<&'static str>,
    too_many: bool,
}

fn unit_len(typ: u16) -> usize {
    match typ {
        1 | 2 | 6 | 7 => 1,
        3 | 8 => 2,
        4 | 9 | 11 => 4,
        5 | 10 | 12 => 8,
        _ => 0,
    }
}

impl Scan {
    fn u16(&self, d: &[u8], at: usize) -> Option<u16> {
        if self.le {
            le16(d, at)
        } else {
            be16(d, at)
        }
    }

    fn u32(&self, d: &[u8], at: usize) -> Option<u32> {
        if self.le {
            le32(d, at)
        } else {
            be32(d, at)
        }
    }

    fn run(d: &[u8]) -> Result<Scan, &'static str> {
        let mut s = Scan {
            le: match d.get(..2) {
                Some(b"II") => true,
                Some(b"MM") => false,
                _ => return Err("no TIFF byte-order mark"),
            },
            ..Scan::default()
        };
        if d.len() < 8 || s.u16(d, 2) != Some(42) {
            return Err("no TIFF header");
        }
        let mut seen = HashSet::new();
        let mut offset = s.u32(d, 4).unwrap_or(0) as usize;
        let mut n = 0u16;
        while offset != 0 {
            if n >= 8 {
                s.errors.push("more than 8 directories");
                break;
            }
            match s.ifd(d, offset, Ctx::Tiff, n, &mut seen) {
                Ok(next) => offset = next,
                Err(e) => {
                    s.errors.push(e);
                    break;
                }
            }
            n += 1;
        }
        Ok(s)
    }

    fn ifd(
        &mut self,
        d: &[u8],
        offset: usize,
        ctx: Ctx,
        n: u16,
        seen: &mut HashSet<usize>,
    ) -> Result<usize, &'static str> {
        let count = self.u16(d, offset).ok_or("truncated directory")?;
        if !seen.insert(offset) {
            return Err("a directory is visited twice");
        }
        let mut p = offset + 2;
        for _ in 0..count {
            if d.len().saturating_sub(p) < 12 {
                return Err("truncated directory");
            }
            let tag = self.u16(d, p).unwrap_or(0);
            let typ = self.u16(d, p + 2).unwrap_or(0);
            let cnt = self.u32(d, p + 4).unwrap_or(0);
            let entry_at = p;
            p += 12;
            let Some(vallen) = unit_len(typ).checked_mul(cnt as usize) else {
                self.errors.push("invalid field count");
                continue;
            };
            let value_at = if vallen <= 4 {
                entry_at + 8
            } else {
                let o = self.u32(d, entry_at + 8).unwrap_or(0) as usize;
                if d.len() < o || d.len() - o < vallen {
                    self.errors.push("a field's value lies outside the block");
                    continue;
                }
                o
            };
            let entry = Entry {
                ctx,
                ifd: n,
                tag,
                typ,
                count: cnt,
                value_at,
                bytes: vallen as u64,
            };
            let child = match (ctx, tag) {
                (Ctx::Tiff, 0x8769) => Some(Ctx::Exif),
                (Ctx::Tiff, 0x8825) => Some(Ctx::Gps),
                (Ctx::Exif, 0xA005) => Some(Ctx::Interop),
                _ => None,
            };
            let Some(child) = child else {
                if self.entries.len() >= MAX_EXIF_FIELDS {
                    self.too_many = true;
                    return Err("too many fields");
                }
                self.entries.push(entry);
                continue;
            };
            let Some(ptr) = self.uint(d, &entry, 0) else {
                self.errors.push("invalid directory pointer");
                continue;
            };
            match self.ifd(d, ptr as usize, child, n, seen) {
                Ok(0) => {}
                Ok(_) => self.errors.push("unexpected next directory"),
                Err(e) => {
                    if self.too_many {
                        return Err(e);
                    }
                    self.errors.push(e)
                }
            }
        }
        let next = self.u32(d, p).ok_or("truncated next-directory offset")?;
        Ok(next as usize)
    }

    /// The field with this tag (the last, if repeated), unless any of its copies is larger
    /// than `MAX_FIELD_BYTES`.
    fn field(&self, ctx: Ctx, ifd: u16, tag: u16) -> Option<&Entry> {
        let mut last = None;
        for e in self.entries.iter() {
            if e.ctx == ctx && e.ifd == ifd && e.tag == tag {
                if e.bytes > MAX_FIELD_BYTES {
                    return None;
                }
                last = Some(e);
            }
        }
        last
    }

    /// The `i`th value of a BYTE, SHORT or LONG field.
    fn uint(&self, d: &[u8], e: &Entry, i: u32) -> Option<u32> {
        if i >= e.count {
            return None;
        }
        let at = e.value_at.checked_add(i as usize * unit_len(e.typ))?;
        match e.typ {
            1 => d.get(at).map(|&v| u32::from(v)),
            3 => self.u16(d, at).map(u32::from),
            4 => self.u32(d, at),
            _ => None,
        }
    }

    /// A field's value as short text: ASCII up to its first NUL, BYTE and UNDEFINED as bytes
    /// (UserComment without its character-code prefix), numbers as a list. Empty is `None`.
    fn text(&self, d: &[u8], e: &Entry) -> Option<String> {
        let raw = slice(d, e.value_at, usize::try_from(e.bytes).ok()?)?;
        let s = match e.typ {
            2 => clean_text(split_nul(raw).0, 64),
            7 if e.ctx == Ctx::Exif && e.tag == 0x9286 => {
                clean_text(raw.get(8..).unwrap_or(&[]), 64)
            }
            1 | 7 => clean_text(raw, 64),
            _ => clean_text(self.numbers(d, e).as_bytes(), 64),
        };
        (!s.is_empty()).then_some(s)
    }

    /// The numbers of a field, ", "-separated (rationals as "n/d"), as far as 64 characters.
    fn numbers(&self, d: &[u8], e: &Entry) -> String {
        use std::fmt::Write;
        let unit = unit_len(e.typ);
        let mut s = String::new();
        if unit == 0 {
            let (t, c, at) = (e.typ, e.count, e.value_at);
            let _ = write!(s, "unknown value (type={t}, count={c}, offset={at:#x})");
            return s;
        }
        for i in 0..e.count as usize {
            if s.len() >= 64 {
                break;
            }
            let at = e.value_at + i * unit;
            let sep = if i == 0 { "" } else { ", " };
            let pair = || self.u32(d, at).zip(self.u32(d, at + 4));
            let written = match e.typ {
                3 => self.u16(d, at).map(|v| write!(s, "{sep}{v}")),
                4 => self.u32(d, at).map(|v| write!(s, "{sep}{v}")),
                5 => pair().map(|(n, m)| write!(s, "{sep}{n}/{m}")),
                6 => d.get(at).map(|&v| write!(s, "{sep}{}", v as i8)),
                8 => self.u16(d, at).map(|v| write!(s, "{sep}{}", v as i16)),
                9 => self.u32(d, at).map(|v| write!(s, "{sep}{}", v as i32)),
                10 => pair().map(|(n, m)| {
                    let (n, m) = (n as i32, m as i32);
                    let sign = if n < 0 { "-" } else { "" };
                    write!(s, "{sep}{sign}{}/{m}", n.unsigned_abs())
                }),
                11 => self
                    .u32(d, at)
                    .map(|v| write!(s, "{sep}{}", f32::from_bits(v))),
                12 => pair().map(|(a, b)| {
                    let (hi, lo) = if self.le { (b, a) } else { (a, b) };
                    let v = f64::from_bits(u64::from(hi) << 32 | u64::from(lo));
                    write!(s, "{sep}{v}")
                }),
                _ => None,
            };
            if written.is_none() {
                break;
            }
        }
        s
    }

    fn has(&self, ctx: Ctx, ifd: Option<u16>, tag: Option<u16>) -> bool {
        self.entries.iter().any(|e| {
            e.ctx == ctx && ifd.map_or(true, |i| e.ifd == i) && tag.map_or(true, |t| e.tag == t)
        })
    }
}

struct ExifRead {
    summary: ExifSummary,
    scan: Option<Scan>,
}

/// Reads a TIFF-structured block. The structure is scanned first (bounded, no values decoded);
/// then only the few small values wanted are read.
fn read_exif(tiff: &[u8], whole_file: bool, notes: &mut Vec<String>) -> ExifRead {
    let mut summary = ExifSummary {
        bytes: tiff.len() as u64,
        tag_count: 0,
        gps: false,
        make: None,
        model: None,
        dates: Vec::new(),
        texts: Vec::new(),
        thumbnail: None,
        maker_note: false,
        orientation: None,
    };
    let scan = match Scan::run(tiff) {
        Ok(s) => s,
        Err(e) => {
            notes.push(format!("the EXIF data could not be read ({e})"));
            return ExifRead {
                summary,
                scan: None,
            };
        }
    };
    if !scan.errors.is_empty() {
        notes.push(format!(
            "the EXIF data is damaged ({}); listed what could be read",
            scan.errors.first().copied().unwrap_or("")
        ));
    }
    summary.tag_count = u32::try_from(scan.entries.len()).unwrap_or(u32::MAX);
    summary.gps = scan.has(Ctx::Gps, None, None);
    summary.maker_note = scan.has(Ctx::Exif, None, Some(0x927C));

    if scan.too_many {
        notes.push(format!(
            "the EXIF data holds more than {MAX_EXIF_FIELDS} fields; its values were not read"
        ));
    } else {
        let text = |ctx: Ctx, tag: u16| scan.field(ctx, 0, tag).and_then(|e| scan.text(tiff, e));
        summary.make = text(Ctx::Tiff, 0x010F);
        summary.model = text(Ctx::Tiff, 0x0110);
        for (ctx, tag, name) in [
            (Ctx::Tiff, 0x0132, "DateTime"),
            (Ctx::Exif, 0x9003, "DateTimeOriginal"),
            (Ctx::Exif, 0x9004, "DateTimeDigitized"),
            (Ctx::Gps, 0x001D, "GPSDateStamp"),
        ] {
            if let Some(value) = text(ctx, tag) {
                summary.dates.push(NamedValue {
                    name: name.into(),
                    value,
                });
            }
        }
        for (ctx, tag, name) in [
            (Ctx::Tiff, 0x010E, "ImageDescription"),
            (Ctx::Tiff, 0x013B, "Artist"),
            (Ctx::Tiff, 0x8298, "Copyright"),
            (Ctx::Exif, 0x9286, "UserComment"),
            (Ctx::Exif, 0xA430, "CameraOwnerName"),
            (Ctx::Exif, 0xA431, "BodySerialNumber"),
        ] {
            if let Some(value) = text(ctx, tag) {
                summary.texts.push(NamedValue {
                    name: name.into(),
                    value,
                });
            }
        }
        summary.orientation = scan
            .field(Ctx::Tiff, 0, 0x0112)
            .and_then(|e| scan.uint(tiff, e, 0))
            .and_then(|v| u16::try_from(v).ok());
        // IFD1. In a TIFF file a second directory is usually a second page, not a thumbnail.
        let has_ifd1 = scan.has(Ctx::Tiff, Some(1), None);
        let jpeg_thumb = scan.has(Ctx::Tiff, Some(1), Some(0x0201));
        if has_ifd1 && (jpeg_thumb || !whole_file) {
            let uint = |tag| {
                scan.field(Ctx::Tiff, 1, tag)
                    .and_then(|e| scan.uint(tiff, e, 0))
            };
            let mut thumb = Thumbnail {
                bytes: 0,
                width: uint(0x0100),
                height: uint(0x0101),
            };
            if jpeg_thumb {
                let (off, len) = (uint(0x0201), uint(0x0202));
                thumb.bytes = u64::from(len.unwrap_or(0));
                let data = off
                    .zip(len)
                    .and_then(|(o, l)| slice(tiff, o as usize, l as usize));
                match data
                    .and_then(container::jpeg::first_frame)
                    .and_then(|f| f.size())
                {
                    Some((w, h)) => {
                        thumb.width = Some(w);
                        thumb.height = Some(h);
                    }
                    None => notes.push("the EXIF thumbnail could not be measured".into()),
                }
            } else if let Some(e) = scan.field(Ctx::Tiff, 1, 0x0117) {
                thumb.bytes = (0..e.count)
                    .map_while(|i| scan.uint(tiff, e, i))
                    .map(u64::from)
                    .fold(0, u64::saturating_add);
            }
            summary.thumbnail = Some(thumb);
        }
    }
    ExifRead {
        summary,
        scan: Some(scan),
    }
}

// ---------------------------------------------------------------- ICC

/// The `desc` tag of an ICC profile (v2 textDescriptionType or v4 multiLocalizedUnicode).
fn icc_description(p: &[u8]) -> Option<String> {
    let count = be32(p, 128)? as usize;
    let count = count.min(p.len().saturating_sub(132) / 12);
    for i in 0..count {
        let e = 132 + 12 * i;
        if p.get(e..e + 4)? != b"desc" {
            continue;
        }
        let off = be32(p, e + 4)? as usize;
        let len = be32(p, e + 8)? as usize;
        let t = slice(p, off, len).or_else(|| p.get(off..))?;
        return desc_text(t).filter(|s| !s.is_empty());
    }
    None
}

fn desc_text(t: &[u8]) -> Option<String> {
    match t.get(..4)? {
        b"desc" => {
            let n = be32(t, 8)? as usize;
            let s = t.get(12..)?;
            Some(clean_text(s.get(..n.min(s.len()))?, 120))
        }
        b"mluc" => {
            let records = (be32(t, 8)? as usize).min(256);
            let size = be32(t, 12)? as usize;
            if size < 12 {
                return None;
            }
            let mut chosen: Option<(usize, usize)> = None;
            for i in 0..records {
                let r = 16usize.checked_add(i.checked_mul(size)?)?;
                let lang = t.get(r..r + 2)?;
                let entry = (be32(t, r + 4)? as usize, be32(t, r + 8)? as usize);
                if chosen.is_none() || lang == b"en" {
                    chosen = Some(entry);
                }
                if lang == b"en" {
                    break;
                }
            }
            let (len, off) = chosen?;
            let s = slice(t, off, len).or_else(|| t.get(off..))?;
            let units = s
                .chunks_exact(2)
                .take(240)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            let text: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect();
            Some(clean_text(text.as_bytes(), 120))
        }
        _ => None,
    }
}

// The tests make JPEG files with the `image` crate, which only the full build has.
#[cfg(test)]
#[cfg(feature = "all-formats")]
mod tests {
    use super::*;

    fn encode_jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 100, 50]));
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
            .encode_image(&img)
            .unwrap();
        out
    }

    fn encode_png() -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(4, 4, image::Rgba([1, 2, 3, 255]));
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
            .unwrap();
        out
    }

    /// A field for `tiff`: tag, type, count and the value's big-endian bytes.
    type Field = (u16, u16, u32, Vec<u8>);

    fn ascii(tag: u16, s: &str) -> Field {
        let v = [s.as_bytes(), b"\0"].concat();
        (tag, 2, v.len() as u32, v)
    }

    fn short(tag: u16, v: u16) -> Field {
        (tag, 3, 1, v.to_be_bytes().to_vec())
    }

    fn long(tag: u16, v: u32) -> Field {
        (tag, 4, 1, v.to_be_bytes().to_vec())
    }

    /// Appends a big-endian directory (fields sorted by tag, large values after it) to `out`;
    /// returns its offset.
    fn put_ifd(out: &mut Vec<u8>, fields: &[Field], next: u32) -> u32 {
        if out.len() % 2 == 1 {
            out.push(0);
        }
        let at = out.len();
        let mut fields = fields.to_vec();
        fields.sort_by_key(|f| f.0);
        let data_at = at + 2 + 12 * fields.len() + 4;
        let mut data = Vec::new();
        out.extend((fields.len() as u16).to_be_bytes());
        for (tag, typ, count, value) in &fields {
            out.extend(tag.to_be_bytes());
            out.extend(typ.to_be_bytes());
            out.extend(count.to_be_bytes());
            if value.len() <= 4 {
                out.extend(value);
                out.extend(vec![0; 4 - value.len()]);
            } else {
                out.extend(((data_at + data.len()) as u32).to_be_bytes());
                data.extend(value);
                if data.len() % 2 == 1 {
                    data.push(0);
                }
            }
        }
        out.extend(next.to_be_bytes());
        out.extend(data);
        at as u32
    }

    /// A big-endian TIFF block: IFD0, the Exif and GPS directories when not empty, and IFD1
    /// when not empty, with `thumb` (when not empty) as its JPEG thumbnail.
    fn tiff(
        ifd0: &[Field],
        exif: &[Field],
        gps: &[Field],
        ifd1: &[Field],
        thumb: &[u8],
    ) -> Vec<u8> {
        let mut out = b"MM\0\x2a\0\0\0\0".to_vec();
        let mut ifd1 = ifd1.to_vec();
        if !thumb.is_empty() {
            ifd1.push(long(0x0201, out.len() as u32));
            ifd1.push(long(0x0202, thumb.len() as u32));
            out.extend_from_slice(thumb);
        }
        let next = if ifd1.is_empty() {
            0
        } else {
            put_ifd(&mut out, &ifd1, 0)
        };
        let mut ifd0 = ifd0.to_vec();
        if !exif.is_empty() {
            ifd0.push(long(0x8769, put_ifd(&mut out, exif, 0)));
        }
        if !gps.is_empty() {
            ifd0.push(long(0x8825, put_ifd(&mut out, gps, 0)));
        }
        let at = put_ifd(&mut out, &ifd0, next);
        out[4..8].copy_from_slice(&at.to_be_bytes());
        out
    }

    /// A TIFF-structured EXIF block with GPS, a maker note and a JPEG thumbnail in IFD1.
    fn exif_block(thumb: &[u8]) -> Vec<u8> {
        tiff(
            &[
                ascii(0x010F, "Apple"),               // Make
                ascii(0x0110, "iPhone 13"),           // Model
                ascii(0x0132, "2024:05:01 10:22:03"), // DateTime
                short(0x0112, 6),                     // Orientation
            ],
            &[
                ascii(0x9003, "2024:05:01 10:22:03"), // DateTimeOriginal
                (0x927C, 7, 16, b"Apple iOS\0secret".to_vec()), // MakerNote
            ],
            &[
                ascii(0x0001, "N"),          // GPSLatitudeRef
                ascii(0x001D, "2024:05:01"), // GPSDateStamp
            ],
            &[short(0x0103, 6)], // Compression: JPEG
            thumb,
        )
    }

    /// A minimal ICC profile whose `desc` tag is `desc_tag` (its type and data).
    fn icc_profile(desc_tag: &[u8]) -> Vec<u8> {
        let mut p = vec![0u8; 128];
        p[36..40].copy_from_slice(b"acsp");
        p.extend_from_slice(&1u32.to_be_bytes());
        p.extend_from_slice(b"desc");
        p.extend_from_slice(&144u32.to_be_bytes());
        p.extend_from_slice(&(desc_tag.len() as u32).to_be_bytes());
        p.extend_from_slice(desc_tag);
        let n = p.len() as u32;
        p[..4].copy_from_slice(&n.to_be_bytes());
        p
    }

    fn desc_v2(s: &str) -> Vec<u8> {
        let mut t = b"desc\0\0\0\0".to_vec();
        t.extend_from_slice(&(s.len() as u32 + 1).to_be_bytes());
        t.extend_from_slice(s.as_bytes());
        t.push(0);
        t.extend_from_slice(&[0; 12]);
        t
    }

    fn desc_v4(s: &str) -> Vec<u8> {
        let units: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        let mut t = b"mluc\0\0\0\0".to_vec();
        t.extend_from_slice(&2u32.to_be_bytes());
        t.extend_from_slice(&12u32.to_be_bytes());
        // A German record first, then English, which is chosen.
        let de = "Profil"
            .encode_utf16()
            .flat_map(|u| u.to_be_bytes())
            .collect::<Vec<u8>>();
        let base = 16 + 2 * 12;
        t.extend_from_slice(b"deDE");
        t.extend_from_slice(&(de.len() as u32).to_be_bytes());
        t.extend_from_slice(&(base as u32).to_be_bytes());
        t.extend_from_slice(b"enUS");
        t.extend_from_slice(&(units.len() as u32).to_be_bytes());
        t.extend_from_slice(&((base + de.len()) as u32).to_be_bytes());
        t.extend_from_slice(&de);
        t.extend_from_slice(&units);
        t
    }

    fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut v = vec![0xFF, marker];
        v.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
        v.extend_from_slice(payload);
        v
    }

    fn cat(parts: &[&[u8]]) -> Vec<u8> {
        parts.concat()
    }

    fn attack_jpeg() -> Vec<u8> {
        let base = encode_jpeg(32, 16);
        let thumb = encode_jpeg(16, 12);
        let icc = icc_profile(&desc_v2("sRGB IEC61966-2.1"));
        let (icc1, icc2) = icc.split_at(100);
        let mut head = Vec::new();
        head.extend(segment(0xE1, &cat(&[b"Exif\0\0", &exif_block(&thumb)])));
        head.extend(segment(0xE1, &cat(&[XMP_ID, &[b'x'; 2150]])));
        head.extend(segment(
            0xED,
            &cat(&[PHOTOSHOP_ID, b"8BIM\x04\x04\0\0\0\0\0\x05hello"]),
        ));
        // ICC split in two, stored out of order.
        head.extend(segment(0xE2, &cat(&[ICC_ID, &[2, 2], icc2])));
        head.extend(segment(0xE2, &cat(&[ICC_ID, &[1, 2], icc1])));
        head.extend(segment(0xFE, b"Patient: Jane Doe, DOB 1970-01-01"));
        head.extend(segment(0xFE, b"second"));
        head.extend(segment(0xEB, b"JP\0\0"));
        let mut out = base[..2].to_vec();
        out.extend(head);
        out.extend_from_slice(&base[2..]);
        out.extend_from_slice(&[0x55; 2300]);
        out
    }

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(data);
        v.extend_from_slice(&[0, 0, 0, 0]); // CRC: not checked by the inventory
        v
    }

    fn zlib(data: &[u8]) -> Vec<u8> {
        miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
    }

    fn attack_png() -> Vec<u8> {
        let base = encode_png();
        let ihdr_end = 8 + 8 + 13 + 4;
        let icc = icc_profile(&desc_v4("Display P3"));
        let mut extra = Vec::new();
        extra.extend(png_chunk(b"tEXt", b"Author\0Dr. Who"));
        extra.extend(png_chunk(
            b"zTXt",
            &cat(&[b"Comment\0\0", &zlib(b"Patient: Jane")]),
        ));
        let xmp = [b'x'; 300];
        extra.extend(png_chunk(
            b"iTXt",
            &cat(&[b"XML:com.adobe.xmp\0\x01\0\0\0", &zlib(&xmp)]),
        ));
        extra.extend(png_chunk(b"eXIf", &exif_block(&encode_jpeg(8, 8))));
        extra.extend(png_chunk(b"tIME", &[0x07, 0xE8, 5, 1, 10, 22, 3]));
        extra.extend(png_chunk(b"iCCP", &cat(&[b"icc\0\0", &zlib(&icc)])));
        extra.extend(png_chunk(b"acTL", &[0, 0, 0, 3, 0, 0, 0, 0]));
        extra.extend(png_chunk(b"caBX", b"c2pa manifest"));
        let mut out = base[..ihdr_end].to_vec();
        out.extend(extra);
        out.extend_from_slice(&base[ihdr_end..]);
        out.extend_from_slice(b"leftover of the original file");
        out
    }

    #[test]
    fn jpeg_with_everything() {
        let b = attack_jpeg();
        assert!(
            image::load_from_memory(&b).is_ok(),
            "fixture must stay a valid JPEG"
        );
        let inv = inventory(&b, InputFormat::Jpeg);
        assert!(inv.notes.is_empty(), "{:?}", inv.notes);
        let e = inv.exif.as_ref().unwrap();
        assert!(e.gps);
        assert!(e.maker_note);
        assert_eq!(e.make.as_deref(), Some("Apple"));
        assert_eq!(e.model.as_deref(), Some("iPhone 13"));
        assert_eq!(e.orientation, Some(6));
        let names: Vec<&str> = e.dates.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["DateTime", "DateTimeOriginal", "GPSDateStamp"]);
        assert_eq!(e.dates[0].value, "2024:05:01 10:22:03");
        assert_eq!(e.dates[2].value, "2024:05:01");
        let t = e.thumbnail.as_ref().unwrap();
        assert_eq!((t.width, t.height), (Some(16), Some(12)));
        assert_eq!(t.bytes, encode_jpeg(16, 12).len() as u64);
        // Make, Model, DateTime, Orientation, DateTimeOriginal, MakerNote, 2 GPS, and IFD1's
        // Compression + JPEGInterchangeFormat + Length.
        assert_eq!(e.tag_count, 11);
        assert_eq!(inv.xmp_bytes, Some(2150));
        assert_eq!(inv.iptc_bytes, Some(17));
        let icc = inv.icc.as_ref().unwrap();
        assert_eq!(icc.description.as_deref(), Some("sRGB IEC61966-2.1"));
        assert_eq!(
            icc.bytes,
            icc_profile(&desc_v2("sRGB IEC61966-2.1")).len() as u64
        );
        let c = inv.comments.as_ref().unwrap();
        assert_eq!((c.count, c.total_bytes), (2, 39));
        assert_eq!(c.first, "Patient: Jane Doe, DOB 1970-01-01");
        assert_eq!(
            inv.app_segments,
            [
                "APP1 Exif",
                "APP1 http://ns.adobe.com/xap/1.0/",
                "APP13 Photoshop 3.0",
                "APP2 ICC_PROFILE",
                "APP2 ICC_PROFILE",
                "APP11 JP"
            ]
        );
        assert_eq!(inv.trailing_bytes, 2300);
        assert_eq!(inv.frames, 1);
        let words = inv.plain_words();
        for expected in [
            "EXIF data (11 fields)",
            "GPS location",
            "camera make and model (Apple iPhone 13)",
            "a 16×12 thumbnail of the original",
            "dates and times (2024:05:01 10:22:03, 2024:05:01)",
            "camera maker notes",
            "an XMP metadata packet (2.1 KB)",
            "IPTC / Photoshop data",
            "a colour profile (sRGB IEC61966-2.1)",
            "2 comments (\"Patient: J…\", …)",
            "other application data (APP11 JP)",
            "2 300 bytes hidden after the end of the image",
        ] {
            assert!(
                words.iter().any(|w| w == expected),
                "{expected:?} not in {words:?}"
            );
        }
        assert!(!inv.is_clean());
    }

    #[test]
    fn png_with_everything() {
        let b = attack_png();
        let inv = inventory(&b, InputFormat::Png);
        assert!(inv.notes.is_empty(), "{:?}", inv.notes);
        let kinds: Vec<(&str, &str)> = inv
            .text_chunks
            .iter()
            .map(|t| (t.kind.as_str(), t.keyword.as_str()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("tEXt", "Author"),
                ("zTXt", "Comment"),
                ("iTXt", "XML:com.adobe.xmp")
            ]
        );
        assert_eq!(inv.xmp_bytes, Some(300));
        let e = inv.exif.as_ref().unwrap();
        assert!(e.gps && e.maker_note);
        assert_eq!(e.thumbnail.as_ref().unwrap().width, Some(8));
        assert_eq!(inv.png_time.as_deref(), Some("2024-05-01 10:22:03"));
        assert_eq!(
            inv.icc.as_ref().unwrap().description.as_deref(),
            Some("Display P3")
        );
        assert_eq!(inv.frames, 3);
        assert_eq!(inv.other_chunks, ["caBX"]);
        assert_eq!(inv.trailing_bytes, 29);
        let words = inv.plain_words();
        for expected in [
            "2 text chunks (Author, Comment)",
            "a timestamp chunk",
            "a colour profile (Display P3)",
            "other data chunks (caBX)",
            "2 more animation frames",
            "29 bytes hidden after the end of the image",
        ] {
            assert!(
                words.iter().any(|w| w == expected),
                "{expected:?} not in {words:?}"
            );
        }
    }

    #[test]
    fn png_raw_profile_exif_text_chunk() {
        let tiff = exif_block(&encode_jpeg(8, 8));
        let hex: String = [b"Exif\0\0".as_slice(), &tiff]
            .concat()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<Vec<_>>()
            .chunks(36)
            .map(|c| c.concat() + "\n")
            .collect();
        let text = format!("\nexif\n{:8}\n{hex}", tiff.len() + 6);
        let base = encode_png();
        let mut b = base[..33].to_vec();
        b.extend(png_chunk(
            b"zTXt",
            &cat(&[b"Raw profile type exif\0\0", &zlib(text.as_bytes())]),
        ));
        b.extend_from_slice(&base[33..]);
        let inv = inventory(&b, InputFormat::Png);
        assert!(inv.notes.is_empty(), "{:?}", inv.notes);
        assert_eq!(
            inv.exif.as_ref().unwrap().model.as_deref(),
            Some("iPhone 13")
        );
        assert_eq!(inv.text_chunks.len(), 1);
        // The raw profile is described as EXIF, not again as a text chunk.
        assert!(!inv.plain_words().iter().any(|w| w.contains("text chunk")));
    }

    #[test]
    fn plain_files_are_clean() {
        let jpeg = encode_jpeg(8, 8);
        let inv = inventory(&jpeg, InputFormat::Jpeg);
        assert!(inv.is_clean(), "{inv:?}");
        assert!(inv.app_segments.is_empty(), "JFIF APP0 is structural");
        let png = encode_png();
        let inv = inventory(&png, InputFormat::Png);
        assert!(inv.is_clean(), "{inv:?}");
        assert!(inv.plain_words().is_empty());
    }

    #[test]
    fn webp_chunks() {
        let icc = icc_profile(&desc_v2("sRGB"));
        let mut body = b"WEBP".to_vec();
        let mut chunk = |fourcc: &[u8; 4], data: &[u8]| {
            body.extend_from_slice(fourcc);
            body.extend_from_slice(&(data.len() as u32).to_le_bytes());
            body.extend_from_slice(data);
            if data.len() % 2 == 1 {
                body.push(0);
            }
        };
        chunk(b"VP8X", &[0x2E, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        chunk(b"ICCP", &icc);
        chunk(b"ANIM", &[0; 6]);
        chunk(b"ANMF", &[0; 17]);
        chunk(b"ANMF", &[0; 17]);
        chunk(
            b"EXIF",
            &cat(&[b"Exif\0\0", &exif_block(&encode_jpeg(8, 8))]),
        );
        chunk(b"XMP ", &[b'x'; 99]);
        let mut b = b"RIFF".to_vec();
        b.extend_from_slice(&(body.len() as u32).to_le_bytes());
        b.extend(body);
        b.extend_from_slice(&[1, 2, 3]);
        let inv = inventory(&b, InputFormat::Webp);
        assert!(inv.notes.is_empty(), "{:?}", inv.notes);
        assert_eq!(
            inv.icc.as_ref().unwrap().description.as_deref(),
            Some("sRGB")
        );
        assert_eq!(inv.frames, 2);
        assert_eq!(inv.xmp_bytes, Some(99));
        assert!(inv.exif.as_ref().unwrap().gps);
        assert_eq!(inv.trailing_bytes, 3);
    }

    #[test]
    fn gif_comment_frames_and_trailer() {
        let mut b = b"GIF89a\x01\0\x01\0\x80\0\0".to_vec();
        b.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
        b.extend_from_slice(b"\x21\xFE\x05hello\x00");
        for _ in 0..2 {
            b.extend_from_slice(b"\x2C\0\0\0\0\x01\0\x01\0\0\x02\x02\x4C\x01\x00");
        }
        b.push(0x3B);
        b.extend_from_slice(b"tail");
        let inv = inventory(&b, InputFormat::Gif);
        assert!(inv.notes.is_empty(), "{:?}", inv.notes);
        assert_eq!(inv.frames, 2);
        assert_eq!(inv.trailing_bytes, 4);
        assert_eq!(inv.comments.as_ref().unwrap().first, "hello");
    }

    #[test]
    fn bmp_trailing_bytes() {
        let mut b = vec![0u8; 70];
        b[..2].copy_from_slice(b"BM");
        b[2..6].copy_from_slice(&60u32.to_le_bytes());
        let inv = inventory(&b, InputFormat::Bmp);
        assert_eq!(inv.trailing_bytes, 10);
    }

    #[test]
    fn tiff_file_with_camera_tags() {
        let b = exif_block(&encode_jpeg(8, 8));
        let inv = inventory(&b, InputFormat::Tiff);
        let e = inv.exif.as_ref().unwrap();
        assert!(e.gps);
        assert_eq!(e.make.as_deref(), Some("Apple"));
    }

    #[test]
    fn every_prefix_is_survived() {
        for (b, f) in [
            (attack_jpeg(), InputFormat::Jpeg),
            (attack_png(), InputFormat::Png),
        ] {
            for n in 0..b.len() {
                let inv = inventory(&b[..n], f);
                let _ = inv.plain_words();
            }
        }
        let tiff = exif_block(&encode_jpeg(8, 8));
        for n in 0..tiff.len() {
            let _ = inventory(&tiff[..n], InputFormat::Tiff);
        }
    }

    #[test]
    fn damaged_jpeg_keeps_what_came_before() {
        let b = attack_jpeg();
        let cut = b.len() - 2300 - 100; // inside the scan data
        let inv = inventory(&b[..cut], InputFormat::Jpeg);
        assert!(inv.exif.is_some() && inv.icc.is_some());
        assert_eq!(inv.notes.len(), 1, "{:?}", inv.notes);
        assert!(!inv.is_clean());
    }

    /// Many entries all pointing at the whole block: the walk stops and no value is read.
    #[test]
    fn exif_amplification_is_bounded() {
        let n: u16 = 12_000;
        let len = 8 + 2 + 12 * usize::from(n) + 4 + 70_000;
        let mut t = vec![0u8; len];
        t[..8].copy_from_slice(b"MM\0\x2a\0\0\0\x08");
        t[8..10].copy_from_slice(&n.to_be_bytes());
        for i in 0..usize::from(n) {
            let e = 10 + 12 * i;
            t[e..e + 2].copy_from_slice(&0x010Fu16.to_be_bytes()); // Make, ASCII
            t[e + 2..e + 4].copy_from_slice(&2u16.to_be_bytes());
            t[e + 4..e + 8].copy_from_slice(&70_000u32.to_be_bytes());
            t[e + 8..e + 12].copy_from_slice(&((len - 70_000) as u32).to_be_bytes());
        }
        let inv = inventory(&t, InputFormat::Tiff);
        assert!(
            inv.notes.iter().any(|n| n.contains("more than")),
            "{:?}",
            inv.notes
        );
        // Few entries, but each value too large to decode: skipped, not decoded.
        let mut few = t.clone();
        few[8..10].copy_from_slice(&3u16.to_be_bytes());
        few[10 + 36..10 + 40].copy_from_slice(&[0; 4]);
        let inv = inventory(&few, InputFormat::Tiff);
        assert!(
            inv.exif.is_none(),
            "the oversized Make must not be decoded: {inv:?}"
        );
    }

    /// Values read as kamadak-exif read them: the last of a repeated field, numbers as text,
    /// BYTE integers, UserComment without its prefix, strip sizes summed.
    #[test]
    fn exif_values() {
        let pairs = |v: &[(i32, i32)]| -> Vec<u8> {
            v.iter()
                .flat_map(|&(n, d)| [n.to_be_bytes(), d.to_be_bytes()].concat())
                .collect()
        };
        let b = tiff(
            &[
                ascii(0x010F, "First"),
                ascii(0x010F, "Second\0third"),
                (0x0110, 5, 1, pairs(&[(7, 2)])),
                (0x013B, 10, 2, pairs(&[(-1, 3), (5, -7)])),
                (0x8298, 11, 1, 1.5f32.to_be_bytes().to_vec()),
                (0x010E, 99, 4, vec![0; 4]),
                (0x0112, 1, 1, vec![3]),
            ],
            &[(0x9286, 7, 13, b"ASCII\0\0\0Hello".to_vec())],
            &[],
            &[
                short(0x0100, 40),
                (0x0117, 4, 3, [10u32, 20, 30].map(u32::to_be_bytes).concat()),
            ],
            &[],
        );
        let mut notes = Vec::new();
        let e = read_exif(&b, false, &mut notes).summary;
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(e.make.as_deref(), Some("Second"));
        assert_eq!(e.model.as_deref(), Some("7/2"));
        assert_eq!(e.orientation, Some(3));
        let texts: Vec<(&str, &str)> = e
            .texts
            .iter()
            .map(|t| (t.name.as_str(), t.value.as_str()))
            .collect();
        let unknown = format!("unknown value (type=99, count=4, offset={:#x})", {
            let ifd0 = be32(&b, 4).unwrap() as usize;
            ifd0 + 2 + 8 // the first field in tag order
        });
        assert_eq!(
            texts,
            [
                ("ImageDescription", unknown.as_str()),
                ("Artist", "-1/3, 5/-7"),
                ("Copyright", "1.5"),
                ("UserComment", "Hello"),
            ]
        );
        let t = e.thumbnail.unwrap();
        assert_eq!((t.bytes, t.width, t.height), (60, Some(40), None));
        // Little-endian: Orientation 6, Make as a SHORT list.
        let mut le = b"II\x2a\0\x08\0\0\0\x02\0".to_vec();
        le.extend_from_slice(b"\x12\x01\x03\0\x01\0\0\0\x06\0\0\0");
        le.extend_from_slice(b"\x0F\x01\x03\0\x02\0\0\0\x01\x02\x03\x04\0\0\0\0");
        let e = read_exif(&le, false, &mut notes).summary;
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(e.orientation, Some(6));
        assert_eq!(e.make.as_deref(), Some("513, 1027"));
    }

    #[test]
    fn icc_descriptions() {
        assert_eq!(
            icc_description(&icc_profile(&desc_v2("Gray"))).as_deref(),
            Some("Gray")
        );
        assert_eq!(
            icc_description(&icc_profile(&desc_v4("ÄÖ P3"))).as_deref(),
            Some("ÄÖ P3")
        );
        assert_eq!(icc_description(&[0; 200]), None);
        let p = icc_profile(&desc_v4("x"));
        for n in 0..p.len() {
            let _ = icc_description(&p[..n]);
        }
    }

    #[test]
    fn numbers_for_people() {
        assert_eq!(group_digits(2300), "2 300");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1_234_567), "1 234 567");
        assert_eq!(human_size(2150), "2.1 KB");
        for n in (1024..3 << 20)
            .step_by(97)
            .chain([1280, 1792, 2304, 2_000_000, 1 << 40])
        {
            let unit = if n < 1 << 20 { 1024.0 } else { 1048576.0 };
            let expected = format!(
                "{:.1} {}",
                n as f64 / unit,
                if n < 1 << 20 { "KB" } else { "MB" }
            );
            assert_eq!(human_size(n), expected, "{n}");
        }
        assert_eq!(human_size(12), "12 bytes");
    }
}
