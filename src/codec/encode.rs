//! Writes a brand-new file from RGB pixels alone: PNG or baseline JPEG, with no metadata of any
//! kind.
//!
//! JPEG: Occlude's own encoder (`jpeg::encoder`): 4:2:0, one restart interval per MCU row (so
//! the verifier decodes only the rows under the boxes; about 0.015 % larger). PNG: our own
//! writer (`png::write`).

use super::png::write::encode_png;
use crate::codec::jpeg::{encoder, Decline};
use crate::ground::error::{Error, Result};
use crate::ground::format::OutputFormat;
use image::RgbImage;

/// Encodes `img` as `format`; `quality` (1–100) applies to JPEG only.
pub fn encode(img: &RgbImage, format: OutputFormat, quality: u8) -> Result<Vec<u8>> {
    match format {
        OutputFormat::Png => encode_png(img),
        OutputFormat::Jpeg => encode_jpeg(img, quality),
    }
}

fn encode_jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>> {
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
    // Our own encoder (jpeg/encoder.rs): 4:2:0, the IJG quality scale, and one restart
    // interval per MCU row (16 px), so the verifier decodes only the rows under the boxes.
    encoder::encode(img, quality).map_err(|e| Error::Encode {
        detail: match e {
            Decline::Fatal(e) => e.to_string(),
            Decline::Unsupported(s) | Decline::Corrupt(s) => s,
        },
    })
}
