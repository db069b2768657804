//! Checks a produced file from its own bytes before it is released: structure allowlist, no
//! trailing bytes, no alpha, the expected size, and every box holding the fill colour.
//! A failure here is an internal error: the file is withheld, never passed with a warning.
//!
//! [`png`] and [`jpeg`] say how each format is checked; `verdict.rs` holds what the verifier
//! reports.

pub mod jpeg;
pub mod png;
#[cfg(test)]
mod tests;
pub mod verdict;

pub use verdict::Verification;

use crate::ground::colour::Rgb;
use crate::ground::error::Result;
use crate::ground::format::OutputFormat;
use crate::ground::geometry::PixelBox;
use verdict::fail;

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
        OutputFormat::Png => png::verify_png(bytes, width, height, boxes, fill),
        OutputFormat::Jpeg => jpeg::verify_jpeg(bytes, width, height, boxes, fill),
    }
}
