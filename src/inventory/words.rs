//! The inventory in plain words: one short phrase per thing found, for the page and the CLI.

use super::containers::raw_profile_kind;
use super::model::Inventory;

impl Inventory {
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
        if let Some(colour) = &self.colour {
            w.push(colour.clone());
        } else if let Some(icc) = &self.icc {
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
pub(super) fn group_digits(n: u64) -> String {
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
pub(super) fn human_size(n: u64) -> String {
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
