//! EXIF (TIFF-structured) blocks: the directory structure scanned without decoding values (so a
//! hostile block costs no more than its field count), then the few values the inventory names:
//! camera, dates, free text, GPS, the thumbnail, the orientation.

use crate::container;
use crate::ground::bytes::{be16, be32, clean_text, decimal, le16, le32, slice, split_nul};
use serde::Serialize;

/// More EXIF fields than this and the scan stops; no values are read.
const MAX_EXIF_FIELDS: usize = 10_000;
/// Largest EXIF value we read; a field with a larger value counts as absent.
const MAX_FIELD_BYTES: u64 = 64 << 10;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ctx {
    Tiff,
    Exif,
    Gps,
    Interop,
}

/// One directory entry.
#[derive(Debug, Clone, Copy)]
pub struct Entry {
    pub ctx: Ctx,
    pub ifd: u16,
    pub tag: u16,
    /// Field type (1 BYTE, 2 ASCII, 3 SHORT, 4 LONG, 5 RATIONAL, ... 12 DOUBLE).
    typ: u16,
    /// Number of values.
    count: u32,
    /// Where the value starts in the TIFF data (the entry's own value field, for an unknown type).
    pub value_at: usize,
    /// Declared size of the value; it lies inside the TIFF data.
    pub bytes: u64,
}

/// The directory structure of a TIFF block (at most 8 directories, each visited once), walked
/// without decoding any value, so a hostile block costs no more than its field count.
#[derive(Debug, Default)]
pub struct Scan {
    le: bool,
    pub entries: Vec<Entry>,
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
        // At most 8 directories and their sub-directories: a list is enough (a HashSet linked
        // hashbrown and SipHash into the core module, ~1.7 KB gzipped).
        let mut seen = Vec::new();
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
        seen: &mut Vec<usize>,
    ) -> Result<usize, &'static str> {
        let count = self.u16(d, offset).ok_or("truncated directory")?;
        if seen.contains(&offset) {
            return Err("a directory is visited twice");
        }
        seen.push(offset);
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
                11 => self.u32(d, at).map(|v| {
                    let v = decimal(f64::from(f32::from_bits(v)), 6);
                    write!(s, "{sep}{v}")
                }),
                12 => pair().map(|(a, b)| {
                    let (hi, lo) = if self.le { (b, a) } else { (a, b) };
                    let v = decimal(f64::from_bits(u64::from(hi) << 32 | u64::from(lo)), 9);
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

pub struct ExifRead {
    pub summary: ExifSummary,
    pub scan: Option<Scan>,
}

/// Reads a TIFF-structured block. The structure is scanned first (bounded, no values decoded);
/// then only the few small values wanted are read.
pub fn read_exif(tiff: &[u8], whole_file: bool, notes: &mut Vec<String>) -> ExifRead {
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
