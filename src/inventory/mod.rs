//! What an input file carries besides its pixels (EXIF, XMP, IPTC, colour profile, comments,
//! text chunks, bytes after the end, extra frames), read from its container without decoding
//! pixels. Never fails: a damaged container yields what could be read plus a note.
//!
//! [`containers`] reads each format (through the container walkers) into the [`model`];
//! [`exif`] reads the EXIF blocks it finds and the colour module (`crate::colour`) the colour
//! profiles and chunks; [`words`] says what was found in plain words.

pub mod containers;
pub mod exif;
pub mod model;
pub mod words;

// They make JPEG files with the `image` crate, which only the full build has.
#[cfg(all(test, feature = "all-formats"))]
mod tests;

pub use containers::inventory;
pub use exif::{ExifSummary, NamedValue, Thumbnail};
pub use model::{Comments, IccSummary, Inventory, TextChunk};
