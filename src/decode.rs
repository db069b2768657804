//! Turns input bytes into the opaque RGB picture a person sees: sniff, decode under explicit
//! limits, flatten any alpha onto a background, then apply the EXIF orientation.

use crate::color::Rgb;
use crate::container;
use crate::error::{Error, Result};
use crate::sniff::{sniff, InputFormat};
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader, RgbImage};
use std::io::Cursor;

/// Widest or tallest image Occlude opens (panoramas included).
pub const MAX_SIDE: u32 = 20_000;
/// Most pixels Occlude opens: 64 MP, above the 48 MP (8064 × 6048) of current phone cameras.
pub const MAX_PIXELS: u64 = 64_000_000;
/// Largest single allocation a decoder may make: a 64 MP RGBA image at 16 bits per sample.
pub const MAX_ALLOC: u64 = 640 * 1024 * 1024;

/// The decoded, flattened and oriented picture plus what was learned on the way.
pub struct Decoded {
    pub format: InputFormat,
    /// Opaque RGB pixels in the orientation a person sees.
    pub image: RgbImage,
    /// The EXIF orientation value (1–8) that was applied; 1 when there was none.
    pub orientation: u8,
    /// True when the input had an alpha channel, now composited onto the background.
    pub had_alpha: bool,
    /// Animation frames in the input (1 for still images).
    pub frames: u32,
    /// Fully transparent pixels that held a colour other than black (now the background).
    pub hidden_under_transparent: u64,
}

fn limits() -> image::Limits {
    let mut l = image::Limits::no_limits();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_ALLOC);
    l
}

/// Checks a size against Occlude's limits before anything is allocated for it.
pub fn check_size(width: u32, height: u32) -> Result<()> {
    let (w, h) = (u64::from(width), u64::from(height));
    if width > MAX_SIDE || height > MAX_SIDE || w * h > MAX_PIXELS {
        return Err(Error::TooLarge {
            width: w,
            height: h,
            limit: format!(
                "{} megapixels and {MAX_SIDE} pixels a side",
                MAX_PIXELS / 1_000_000
            ),
        });
    }
    Ok(())
}

/// Maps a decoder error to the core's error, naming the format.
fn map_err(format: InputFormat, e: ImageError, size: Option<(u32, u32)>) -> Error {
    let name = format.name();
    match e {
        ImageError::Limits(_) => {
            let (w, h) = size.unwrap_or((0, 0));
            Error::TooLarge {
                width: w.into(),
                height: h.into(),
                limit: format!("{} MiB of memory", MAX_ALLOC / (1024 * 1024)),
            }
        }
        ImageError::Unsupported(u) => Error::UnsupportedVariant {
            format: name,
            detail: u.to_string(),
        },
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Truncated { format: name }
        }
        other => {
            let detail = other.to_string();
            let lower = detail.to_ascii_lowercase();
            let truncation = [
                "eof",
                "end of",
                "unexpected end",
                "truncat",
                "not enough",
                "no more data",
                "incomplete",
            ];
            if truncation.iter().any(|t| lower.contains(t)) {
                Error::Truncated { format: name }
            } else {
                Error::Corrupt {
                    format: name,
                    detail,
                }
            }
        }
    }
}

/// Decodes `bytes` into the picture a person sees, flattened onto `background`.
pub fn decode(bytes: &[u8], background: Rgb) -> Result<Decoded> {
    let format = sniff(bytes)?;
    let frames = if format == InputFormat::Gif {
        container::gif_frame_count(bytes).unwrap_or(1).max(1)
    } else {
        1
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.to_image());
    reader.limits(limits());
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| map_err(format, e, None))?;
    let (w, h) = decoder.dimensions();
    check_size(w, h)?;
    if w == 0 || h == 0 {
        return Err(Error::Corrupt {
            format: format.name(),
            detail: format!("it claims a size of {w} × {h} pixels"),
        });
    }
    // A broken or absent EXIF block must not stop the redaction: treat it as "no rotation".
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let dynamic =
        DynamicImage::from_decoder(decoder).map_err(|e| map_err(format, e, Some((w, h))))?;
    let had_alpha = dynamic.color().has_alpha();
    let (flat, hidden_under_transparent) = flatten(dynamic, background);
    let mut oriented = DynamicImage::ImageRgb8(flat);
    oriented.apply_orientation(orientation);
    let image = match oriented {
        DynamicImage::ImageRgb8(img) => img,
        other => other.into_rgb8(),
    };
    Ok(Decoded {
        format,
        image,
        orientation: orientation.to_exif(),
        had_alpha,
        frames,
        hidden_under_transparent,
    })
}

/// Composites any alpha onto an opaque background so that no colour survives under
/// transparent pixels; images without alpha are converted to 8-bit RGB as they are.
/// Also counts the fully transparent pixels that were hiding a colour.
pub fn flatten(img: DynamicImage, bg: Rgb) -> (RgbImage, u64) {
    if !img.color().has_alpha() {
        return (img.into_rgb8(), 0);
    }
    let rgba = img.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = RgbImage::new(w, h);
    let mut hidden = 0u64;
    for (dst, src) in out
        .as_mut()
        .chunks_exact_mut(3)
        .zip(rgba.as_raw().chunks_exact(4))
    {
        let a = u32::from(src[3]);
        hidden += u64::from(a == 0 && (src[0] | src[1] | src[2]) != 0);
        let inv = 255 - a;
        for (c, (&s, b)) in dst.iter_mut().zip(src.iter().zip([bg.r, bg.g, bg.b])) {
            // Exact rounding of (s·a + b·(255−a)) / 255.
            let v = u32::from(s) * a + u32::from(b) * inv;
            *c = ((v + 127) / 255) as u8;
        }
    }
    (out, hidden)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgba, RgbaImage};

    #[test]
    fn hidden_colour_under_zero_alpha_is_gone() {
        let mut img = RgbaImage::new(2, 1);
        img.put_pixel(0, 0, Rgba([200, 10, 10, 0]));
        img.put_pixel(1, 0, Rgba([10, 20, 30, 255]));
        let (out, hidden) = flatten(DynamicImage::ImageRgba8(img), Rgb::WHITE);
        assert_eq!(hidden, 1);
        assert_eq!(out.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(out.get_pixel(1, 0).0, [10, 20, 30]);
    }

    #[test]
    fn half_alpha_blends() {
        let img = RgbaImage::from_pixel(1, 1, Rgba([0, 0, 0, 128]));
        let (out, _) = flatten(DynamicImage::ImageRgba8(img), Rgb::WHITE);
        assert_eq!(out.get_pixel(0, 0).0, [127, 127, 127]);
    }

    #[test]
    fn size_limits() {
        assert!(check_size(8064, 6048).is_ok());
        assert!(matches!(
            check_size(100_000, 100_000),
            Err(Error::TooLarge { .. })
        ));
        assert!(matches!(
            check_size(20_000, 20_000),
            Err(Error::TooLarge { .. })
        ));
    }
}
