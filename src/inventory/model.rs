//! The inventory's data model: what was found, and how a reader adds to it.

use super::exif::{read_exif, ExifSummary};
use crate::colour::classify::Assessment;
use crate::colour::icc::description;
use crate::ground::bytes::clean_text;
use serde::Serialize;

/// Characters of a comment kept in the inventory.
const COMMENT_CHARS: usize = 80;
/// Names kept in each list of chunks or segments (a hostile file can hold thousands).
pub const MAX_LISTED: usize = 64;

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
    /// What the file says about its colours (an ICC profile, PNG colour chunks) and what the
    /// export does with it, in plain words ("colour profile Display P3: converted to sRGB");
    /// `None` for an untagged file or one whose chunks say plain sRGB.
    pub colour: Option<String>,
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
    pub fn empty() -> Inventory {
        Inventory {
            exif: None,
            xmp_bytes: None,
            iptc_bytes: None,
            icc: None,
            colour: None,
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

    pub fn add_xmp(&mut self, n: usize) {
        self.xmp_bytes = Some(self.xmp_bytes.unwrap_or(0).saturating_add(n as u64));
    }

    pub fn add_iptc(&mut self, n: usize) {
        self.iptc_bytes = Some(self.iptc_bytes.unwrap_or(0).saturating_add(n as u64));
    }

    pub fn add_icc(&mut self, profile: &[u8]) {
        if self.icc.is_some() {
            self.notes
                .push("a second colour profile (only the first is described)".into());
            return;
        }
        self.icc = Some(IccSummary {
            bytes: profile.len() as u64,
            description: description(profile),
        });
    }

    /// Words for the file's colour information (the first found wins). `kept`: a JPEG going out
    /// as a JPEG keeps a standard space's canonical profile (the lossless path).
    pub fn add_colour(&mut self, colour: Assessment, kept: bool) {
        let words = colour.words(kept);
        if self.colour.is_none() && !words.is_empty() {
            self.colour = Some(words);
        }
    }

    pub fn add_comment(&mut self, text: &[u8]) {
        let c = self.comments.get_or_insert_with(|| Comments {
            count: 0,
            total_bytes: 0,
            first: clean_text(text, COMMENT_CHARS),
        });
        c.count = c.count.saturating_add(1);
        c.total_bytes = c.total_bytes.saturating_add(text.len() as u64);
    }

    pub fn add_other(&mut self, name: String) {
        if self.other_chunks.len() < MAX_LISTED && !self.other_chunks.contains(&name) {
            self.other_chunks.push(name);
        }
    }

    /// Reads an EXIF (TIFF-structured) block found in a container.
    pub fn add_exif(&mut self, tiff: &[u8]) {
        if self.exif.is_some() {
            self.notes
                .push("a second EXIF block (only the first is described)".into());
            return;
        }
        self.exif = Some(read_exif(tiff, false, &mut self.notes).summary);
    }
}
