//! What the verifier reports about a produced file, and how it fails.

use crate::ground::error::Error;
use serde::Serialize;

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
    /// where every box pixel is; see `jpeg::jpeg_margin`).
    pub margin: u32,
    /// Structural blocks of the file, in order (e.g. "IHDR", "IDAT", "IEND" or "SOI", "DQT").
    pub structure: Vec<String>,
    /// The colour profile the file carries: the name of one of Occlude's canonical profiles,
    /// whose bytes it holds exactly (the one structural block beyond the list above a file may
    /// have), or `None` (untagged: sRGB).
    pub colour_profile: Option<String>,
}

/// A verification failure: the file is withheld.
pub fn fail(detail: impl Into<String>) -> Error {
    Error::Verification {
        detail: detail.into(),
    }
}
