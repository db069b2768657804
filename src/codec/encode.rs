//! Writes a brand-new file from RGB pixels alone: PNG or baseline JPEG, with no metadata of any
//! kind.
//!
//! JPEG: Occlude's own encoder (`jpeg::encoder`): 4:2:0 unless the caller asks for full-resolution
//! colour (4:4:4, [`Chroma::Full`]), one restart interval per MCU row (so the verifier decodes
//! only the rows under the boxes; about 0.015 % larger). PNG: our own writer (`png::write`).

use super::png::write::encode_png;
pub use crate::codec::jpeg::encoder::Chroma;
use crate::codec::jpeg::{encoder, Decline};
use crate::ground::error::{Error, Result};
use crate::ground::format::OutputFormat;
use image::RgbImage;

/// Encodes `img` as `format`; `quality` (1–100) applies to JPEG only, which is 4:2:0.
pub fn encode(img: &RgbImage, format: OutputFormat, quality: u8) -> Result<Vec<u8>> {
    encode_with(img, format, quality, Chroma::Half)
}

/// [`encode`] with the JPEG's colour resolution chosen by the caller (ignored for PNG).
pub fn encode_with(
    img: &RgbImage,
    format: OutputFormat,
    quality: u8,
    chroma: Chroma,
) -> Result<Vec<u8>> {
    match format {
        OutputFormat::Png => encode_png(img),
        OutputFormat::Jpeg => encode_jpeg(img, quality, chroma),
    }
}

fn encode_jpeg(img: &RgbImage, quality: u8, chroma: Chroma) -> Result<Vec<u8>> {
    if !(1..=100).contains(&quality) {
        return Err(Error::BadOption {
            detail: format!("JPEG quality {quality} is outside 1–100"),
        });
    }
    let (w, h) = img.dimensions();
    if w > u32::from(u16::MAX) || h > u32::from(u16::MAX) {
        return Err(Error::Encode {
            detail: format!(
                "JPEG cannot hold {w} × {h} pixels (65 535 a side at most); choose PNG"
            ),
        });
    }
    // Our own encoder (jpeg/encoder.rs): 4:2:0 or 4:4:4, the IJG quality scale, and one restart
    // interval per MCU row (16 or 8 px), so the verifier decodes only the rows under the boxes.
    encoder::encode(img, quality, chroma).map_err(|e| Error::Encode {
        detail: match e {
            Decline::Fatal(e) => e.to_string(),
            Decline::Unsupported(s) | Decline::Corrupt(s) => s,
        },
    })
}
