//! Writes a brand-new file from RGB pixels alone: PNG or baseline JPEG, with no metadata of any
//! kind. Settings favour speed; the benchmark is where they get tuned.

use crate::error::{Error, Result};
use image::RgbImage;
use serde::{Deserialize, Serialize};

/// The format of the new file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    Png,
    Jpeg,
}

impl OutputFormat {
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Png => "png",
            OutputFormat::Jpeg => "jpg",
        }
    }
    pub fn mime(self) -> &'static str {
        match self {
            OutputFormat::Png => "image/png",
            OutputFormat::Jpeg => "image/jpeg",
        }
    }
}

/// Default JPEG quality.
pub const DEFAULT_QUALITY: u8 = 90;

/// Encodes `img` as `format`; `quality` (1–100) applies to JPEG only.
pub fn encode(img: &RgbImage, format: OutputFormat, quality: u8) -> Result<Vec<u8>> {
    match format {
        OutputFormat::Png => encode_png(img),
        OutputFormat::Jpeg => encode_jpeg(img, quality),
    }
}

fn encode_png(img: &RgbImage) -> Result<Vec<u8>> {
    let err = |e: png::EncodingError| Error::Encode {
        detail: e.to_string(),
    };
    let mut out = Vec::with_capacity(img.as_raw().len() / 2);
    let mut enc = png::Encoder::new(&mut out, img.width(), img.height());
    enc.set_color(png::ColorType::Rgb);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut writer = enc.write_header().map_err(err)?;
    writer.write_image_data(img.as_raw()).map_err(err)?;
    writer.finish().map_err(err)?;
    Ok(out)
}

fn encode_jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>> {
    if !(1..=100).contains(&quality) {
        return Err(Error::BadOption {
            detail: format!("JPEG quality {quality} is outside 1–100"),
        });
    }
    let (w, h) = img.dimensions();
    let (Ok(w16), Ok(h16)) = (u16::try_from(w), u16::try_from(h)) else {
        return Err(Error::Encode {
            detail: format!(
                "JPEG cannot hold {w} × {h} pixels (65 535 a side at most); choose PNG"
            ),
        });
    };
    let mut out = Vec::with_capacity(img.as_raw().len() / 8);
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    enc.encode(img.as_raw(), w16, h16, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| Error::Encode {
            detail: e.to_string(),
        })?;
    Ok(out)
}
