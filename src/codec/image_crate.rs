//! The `image` crate's decoders, in the full build only (the `all-formats` feature): GIF, WebP,
//! TIFF and BMP, and the JPEGs Occlude's own decoder declines (CMYK, arithmetic-coded, 12-bit).
//! Every decoder is opened under Occlude's size and allocation limits, and its errors are put
//! in the core's words.

use crate::ground::error::{Error, Result};
use crate::ground::format::InputFormat;
use crate::ground::limits::{check_size, corrupt_or_truncated, out_of_memory, MAX_ALLOC, MAX_SIDE};
use image::{DynamicImage, ImageDecoder, ImageError, ImageReader};

/// The `image` crate's name for an input format.
fn image_format(format: InputFormat) -> image::ImageFormat {
    match format {
        InputFormat::Jpeg => image::ImageFormat::Jpeg,
        InputFormat::Png => image::ImageFormat::Png,
        InputFormat::Webp => image::ImageFormat::WebP,
        InputFormat::Gif => image::ImageFormat::Gif,
        InputFormat::Bmp => image::ImageFormat::Bmp,
        InputFormat::Tiff => image::ImageFormat::Tiff,
    }
}

fn limits() -> image::Limits {
    let mut l = image::Limits::no_limits();
    l.max_image_width = Some(MAX_SIDE);
    l.max_image_height = Some(MAX_SIDE);
    l.max_alloc = Some(MAX_ALLOC);
    l
}

/// Maps an `image` crate decoder error to the core's error, naming the format.
fn map_err(format: InputFormat, e: ImageError, size: Option<(u32, u32)>) -> Error {
    let name = format.name();
    match e {
        ImageError::Limits(_) => out_of_memory(size.unwrap_or((0, 0))),
        ImageError::Unsupported(u) => Error::UnsupportedVariant {
            format: name,
            detail: u.to_string(),
        },
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Truncated { format: name }
        }
        other => corrupt_or_truncated(name, other.to_string()),
    }
}

/// Opens an `image` crate decoder (GIF, WebP, TIFF, BMP, or a JPEG ours declines) for
/// prepared bytes (see the decoder's `prepared`). The size limits are applied by [`check_size`] so the error can name the
/// claimed size; the decoder itself gets the allocation limit throughout.
pub fn open(bytes: &[u8], format: InputFormat) -> Result<impl ImageDecoder + '_> {
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), image_format(format));
    let mut alloc_only = image::Limits::no_limits();
    alloc_only.max_alloc = Some(MAX_ALLOC);
    reader.limits(alloc_only);
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
    decoder
        .set_limits(limits())
        .map_err(|e| map_err(format, e, Some((w, h))))?;
    Ok(decoder)
}

/// Size as stored, EXIF orientation (1–8) and whether the pixels carry alpha, from the decoder's
/// headers without decoding the pixels.
pub fn header(data: &[u8], format: InputFormat) -> Result<(u32, u32, u8, bool)> {
    let mut decoder = open(data, format)?;
    let (width, height) = decoder.dimensions();
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms)
        .to_exif();
    Ok((width, height, orientation, decoder.color_type().has_alpha()))
}

/// What [`decode`] returns: the pixels, the orientation the decoder read, and the ICC profile
/// the decoder exposed (GIF and TIFF; Occlude reads the others' from their containers).
pub type Decoded = (DynamicImage, image::metadata::Orientation, Option<Vec<u8>>);

/// Decodes prepared bytes with the decoder for `format`.
pub fn decode(data: &[u8], format: InputFormat) -> Result<Decoded> {
    let mut decoder = open(data, format)?;
    let size = decoder.dimensions();
    // A broken or absent EXIF block must not stop the redaction: treat it as "no rotation".
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    // Likewise a profile the decoder cannot read: the pixels are then shown as sRGB.
    let icc = decoder.icc_profile().ok().flatten();
    let dynamic =
        DynamicImage::from_decoder(decoder).map_err(|e| map_err(format, e, Some(size)))?;
    Ok((dynamic, orientation, icc))
}
