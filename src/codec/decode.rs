//! Turns input bytes into the opaque sRGB picture a person sees: sniff, decode under explicit
//! limits, flatten any alpha onto a background, apply the EXIF orientation, then convert the
//! colours to sRGB from whatever profile the file carries (`codec/colour.rs`).

use super::colour;
#[cfg(feature = "all-formats")]
use super::image_crate;
use crate::colour::classify::Assessment;
use crate::container;
use crate::ground::colour::Rgb;
use crate::ground::error::{Error, Result};
use crate::ground::format::{sniff, InputFormat};
use crate::ground::limits::check_size;
use crate::raster::flatten::flatten_rgba;
use image::RgbImage;
use std::borrow::Cow;

/// The decoded, flattened and oriented picture plus what was learned on the way.
pub struct Decoded {
    pub format: InputFormat,
    /// Opaque sRGB pixels in the orientation a person sees.
    pub image: RgbImage,
    /// What the file said about its colours (the pixels are now converted from it to sRGB).
    pub colour: Assessment,
    /// The EXIF orientation value (1–8) that was applied; 1 when there was none.
    pub orientation: u8,
    /// True when some input pixel was less than opaque; all are now composited onto the background.
    pub had_alpha: bool,
    /// Animation frames in the input (1 for still images).
    pub frames: u32,
    /// Fully transparent pixels that held a colour other than black (now the background).
    pub hidden_under_transparent: u64,
}

/// The size a file declares in its header, read without a decoder where that is cheap
/// (PNG IHDR, GIF logical screen, BMP info header, WebP VP8X canvas), so that an absurd size is
/// refused and reported as declared before any decoder runs.
fn declared_size(b: &[u8], format: InputFormat) -> Option<(u32, u32)> {
    let be = |i: usize| {
        b.get(i..i + 4)
            .map(|v| u32::from_be_bytes([v[0], v[1], v[2], v[3]]))
    };
    let le = |i: usize| {
        b.get(i..i + 4)
            .map(|v| i32::from_le_bytes([v[0], v[1], v[2], v[3]]))
    };
    let le16 = |i: usize| {
        b.get(i..i + 2)
            .map(|v| u32::from(u16::from_le_bytes([v[0], v[1]])))
    };
    let le24 = |i: usize| {
        b.get(i..i + 3)
            .map(|v| u32::from_le_bytes([v[0], v[1], v[2], 0]) + 1)
    };
    match format {
        InputFormat::Png if b.get(12..16) == Some(b"IHDR") => Some((be(16)?, be(20)?)),
        InputFormat::Gif => Some((le16(6)?, le16(8)?)),
        InputFormat::Bmp if le(14)? >= 40 => Some((le(18)?.unsigned_abs(), le(22)?.unsigned_abs())),
        InputFormat::Webp if b.get(12..16) == Some(b"VP8X") => Some((le24(24)?, le24(27)?)),
        _ => None,
    }
}

/// The bytes a decoder gets: [`pixels_only`], after refusing a size the header declares beyond
/// Occlude's limits (before any decoder runs, so the error names the claimed size).
fn prepared(bytes: &[u8], format: InputFormat) -> Result<Cow<'_, [u8]>> {
    let data = pixels_only(bytes, format);
    if let Some((w, h)) = declared_size(&data, format) {
        check_size(w, h)?;
    }
    Ok(data)
}

/// A PNG reduced to the chunks that carry pixels (IHDR, PLTE, tRNS, IDAT, IEND) and eXIf
/// (for orientation), so the decoder never inflates a profile or text that would be thrown
/// away (a zlib bomb in iCCP would otherwise cost hundreds of MiB). Other formats pass as is.
fn pixels_only(bytes: &[u8], format: InputFormat) -> Cow<'_, [u8]> {
    if format != InputFormat::Png {
        return Cow::Borrowed(bytes);
    }
    const KEEP: [&[u8; 4]; 6] = [b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND", b"eXIf"];
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..8.min(bytes.len())]);
    let mut pos = 8usize;
    for chunk in container::png::chunks_tolerant(bytes) {
        let end = chunk.data.end + 4;
        if end > bytes.len() {
            break; // A damaged or cut chunk: let the decoder report it.
        }
        if KEEP.contains(&&chunk.kind) {
            out.extend_from_slice(&bytes[chunk.offset..end]);
        }
        pos = end;
        if &chunk.kind == b"IEND" {
            return Cow::Owned(out);
        }
    }
    out.extend_from_slice(bytes.get(pos..).unwrap_or(&[]));
    Cow::Owned(out)
}

/// What a file's headers say, read without decoding its pixels.
pub struct Header {
    pub format: InputFormat,
    /// Size as stored.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation value, 1–8.
    pub orientation: u8,
    /// The image has an alpha channel (for GIF: declares a transparent colour).
    pub alpha_channel: bool,
    pub frames: u32,
}

fn frame_count(bytes: &[u8], format: InputFormat) -> u32 {
    if format != InputFormat::Gif {
        return 1;
    }
    // Counted only when the walk reaches the trailer; a damaged GIF counts as one frame.
    match container::gif::walk(bytes) {
        Some(w) if w.end.is_some() => w.frames().max(1),
        _ => 1,
    }
}

/// Refuses, before any work, a format whose decoder this build leaves out: everything but JPEG
/// and PNG without the `all-formats` feature (the web app's core module).
fn in_this_build(format: InputFormat) -> Result<()> {
    match format {
        InputFormat::Jpeg | InputFormat::Png => Ok(()),
        _ if cfg!(feature = "all-formats") => Ok(()),
        _ => Err(Error::NeedsFullModule {
            format: format.name(),
        }),
    }
}

/// Reads format, size, orientation and alpha from the headers, under the same limits as
/// [`decode`], so a file that inspects fine is one that can be opened.
pub fn header(bytes: &[u8]) -> Result<Header> {
    let format = sniff(bytes)?;
    in_this_build(format)?;
    if format == InputFormat::Jpeg {
        // Read from the frame header by Occlude's own code in every build, so the core and the
        // full module describe a JPEG identically (and as the decoder will see it).
        let (width, height) = crate::codec::jpeg::frame_size(bytes)?;
        check_size(width, height)?;
        if width == 0 || height == 0 {
            return Err(Error::Corrupt {
                format: format.name(),
                detail: format!("it claims a size of {width} × {height} pixels"),
            });
        }
        return Ok(Header {
            format,
            width,
            height,
            orientation: crate::codec::jpeg::exif_orientation(bytes),
            alpha_channel: false,
            frames: 1,
        });
    }
    let data = prepared(bytes, format)?;
    if format == InputFormat::Png {
        let h = crate::codec::png::read::header(&data)?;
        return Ok(Header {
            format,
            width: h.width,
            height: h.height,
            orientation: h.orientation,
            alpha_channel: h.alpha,
            frames: 1,
        });
    }
    other_header(&data, bytes, format)
}

/// [`header`] for the formats the `image` crate reads (GIF, WebP, TIFF, BMP).
#[cfg(feature = "all-formats")]
fn other_header(data: &[u8], bytes: &[u8], format: InputFormat) -> Result<Header> {
    let (width, height, orientation, alpha) = image_crate::header(data, format)?;
    Ok(Header {
        format,
        width,
        height,
        orientation,
        alpha_channel: if format == InputFormat::Gif {
            container::gif::walk(bytes).is_some_and(|w| w.end.is_some() && w.transparent(bytes))
        } else {
            alpha
        },
        frames: frame_count(bytes, format),
    })
}

/// The core build has no decoder for other formats ([`in_this_build`] refused them already).
#[cfg(not(feature = "all-formats"))]
fn other_header(_: &[u8], _: &[u8], format: InputFormat) -> Result<Header> {
    Err(Error::NeedsFullModule {
        format: format.name(),
    })
}

/// Refuses a JPEG that ends before its end-of-image marker. The JPEG decoder would fill the
/// missing part with grey and succeed, and a half-grey "redacted" photo is not what the person
/// meant to send; a cut-short file is almost always a failed copy or download.
fn refuse_cut_short(bytes: &[u8], format: InputFormat) -> Result<()> {
    if format == InputFormat::Jpeg && container::jpeg::walk(bytes).is_err() {
        return Err(Error::Truncated {
            format: format.name(),
        });
    }
    Ok(())
}

/// Decodes `bytes` with the `image` crate's decoder for `format` (after [`prepared`]).
#[cfg(feature = "all-formats")]
fn with_image_crate(bytes: &[u8], format: InputFormat) -> Result<image_crate::Decoded> {
    image_crate::decode(&prepared(bytes, format)?, format)
}

/// Decodes a JPEG's pixels (as stored, before orientation) at 1/`denom` of their size
/// (1, 2, 4 or 8): the one place the JPEG pixel decoder is chosen. Occlude's own decoder
/// ([`crate::codec::jpeg::pixels`]) goes first; a file it declines (arithmetic coding, 12-bit, CMYK,
/// damage its strict reader refuses) goes to the `image` crate's decoder at full size in the
/// full build, and makes the core build ask for the full module.
fn jpeg_pixels(bytes: &[u8], denom: u32) -> Result<RgbImage> {
    use crate::codec::jpeg::{pixels, Decline};
    let declined = match pixels::decode_scaled(bytes, denom) {
        Ok(px) => match RgbImage::from_raw(px.width, px.height, px.rgb) {
            Some(img) => return Ok(img),
            None => "the decoder returned a short buffer".to_string(),
        },
        Err(Decline::Fatal(e)) => return Err(e),
        Err(Decline::Unsupported(why) | Decline::Corrupt(why)) => why,
    };
    #[cfg(feature = "all-formats")]
    {
        let _ = declined;
        Ok(with_image_crate(bytes, InputFormat::Jpeg)?.0.into_rgb8())
    }
    #[cfg(not(feature = "all-formats"))]
    {
        let _ = declined;
        Err(Error::NeedsFullModule {
            format: InputFormat::Jpeg.name(),
        })
    }
}

/// Decodes `bytes` into the picture a person sees, flattened onto `background`.
pub fn decode(bytes: &[u8], background: Rgb) -> Result<Decoded> {
    decode_scaled(bytes, background, |_, _| 1)
}

/// [`decode`] for a preview whose longer side will be at most `max_side`: a large JPEG decodes
/// at 1/2, 1/4 or 1/8 scale when the result is still at least the preview's size (other
/// formats decode in full). Returns the picture and the full size as seen, which box
/// coordinates refer to.
pub fn decode_for_preview(
    bytes: &[u8],
    background: Rgb,
    max_side: u32,
) -> Result<(Decoded, u32, u32)> {
    let pick = |w: u32, h: u32| {
        let long = w.max(h);
        let target = long.min(max_side.max(1));
        [8u32, 4, 2]
            .into_iter()
            .find(|&d| long.div_ceil(d) >= target)
            .unwrap_or(1)
    };
    let d = decode_scaled(bytes, background, pick)?;
    let (w, h) = match (d.format, crate::codec::jpeg::frame_size(bytes)) {
        (InputFormat::Jpeg, Ok((w, h))) if d.orientation >= 5 => (h, w),
        (InputFormat::Jpeg, Ok((w, h))) => (w, h),
        _ => d.image.dimensions(),
    };
    Ok((d, w, h))
}

/// [`decode`] with a JPEG decoded at 1/`pick(stored width, stored height)` of its size.
fn decode_scaled(bytes: &[u8], background: Rgb, pick: impl Fn(u32, u32) -> u32) -> Result<Decoded> {
    let format = sniff(bytes)?;
    in_this_build(format)?;
    refuse_cut_short(bytes, format)?;
    let frames = frame_count(bytes, format);
    let (mut tagged, mut colour) = colour::read(bytes, format);
    let (flat, hidden_under_transparent, had_alpha, orientation) = match format {
        InputFormat::Jpeg => {
            let denom = match crate::codec::jpeg::frame_size(bytes) {
                Ok((w, h)) => pick(w, h),
                Err(_) => 1,
            };
            let img = jpeg_pixels(bytes, denom)?;
            (img, 0, false, crate::codec::jpeg::exif_orientation(bytes))
        }
        InputFormat::Png => {
            let png = crate::codec::png::read::decode(&prepared(bytes, format)?)?;
            let (w, h) = (png.header.width, png.header.height);
            let (flat, hidden, translucent) = if png.header.alpha {
                flatten_rgba(w, h, &png.data, background)
            } else {
                let img = RgbImage::from_raw(w, h, png.data).ok_or(Error::Truncated {
                    format: format.name(),
                })?;
                (img, 0, false)
            };
            (flat, hidden, translucent, png.header.orientation)
        }
        _ => {
            let (px, icc) = other_pixels(bytes, format, background)?;
            if matches!(format, InputFormat::Gif | InputFormat::Tiff) {
                (tagged, colour) = colour::from_decoder(icc);
            }
            px
        }
    };
    let mut image = crate::raster::orient::orient(flat, orientation);
    colour::to_srgb(&mut image, &tagged, &mut colour, format)?;
    Ok(Decoded {
        format,
        image,
        colour,
        orientation,
        had_alpha,
        frames,
        hidden_under_transparent,
    })
}

/// Flattened pixels, the count of hidden colours, whether any pixel was translucent, and the
/// orientation.
type Pixels = (RgbImage, u64, bool, u8);

/// Decodes GIF, WebP, TIFF or BMP with the `image` crate: the pixels and the ICC profile the
/// decoder exposed.
#[cfg(feature = "all-formats")]
fn other_pixels(bytes: &[u8], format: InputFormat, bg: Rgb) -> Result<(Pixels, Option<Vec<u8>>)> {
    let (dynamic, orientation, icc) = with_image_crate(bytes, format)?;
    let (flat, hidden, translucent) = crate::raster::flatten::flatten(dynamic, bg);
    Ok(((flat, hidden, translucent, orientation.to_exif()), icc))
}

/// The core build has no decoder for other formats ([`in_this_build`] refused them already).
#[cfg(not(feature = "all-formats"))]
fn other_pixels(_: &[u8], format: InputFormat, _: Rgb) -> Result<(Pixels, Option<Vec<u8>>)> {
    Err(Error::NeedsFullModule {
        format: format.name(),
    })
}
