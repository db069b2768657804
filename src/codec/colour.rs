//! The colour of decoded pixels: what a file says about it, read through the container walkers
//! and the colour module (`crate::colour`), and the conversion to sRGB that the pixel path and
//! the preview apply, so every picture Occlude draws or writes is sRGB.
//!
//! Matrix-and-curves profiles (nearly all: every phone's, Adobe RGB, a display's) are
//! converted by the core's own converter (`colour::convert`). A profile that converts through
//! lookup tables or code points needs a full CMS: the full module has one (`codec/cms.rs`,
//! moxcms); the core build answers [`Error::NeedsFullModule`] for it, and the page's worker
//! retries there.

use crate::colour::classify::{assess, assess_icc, Assessment, Verdict};
use crate::colour::convert::ToSrgb;
use crate::colour::source::{jpeg_profile, png_colour, Tagged};
use crate::container;
#[cfg(feature = "all-formats")]
use crate::ground::bytes::{le32, slice};
#[cfg(not(feature = "all-formats"))]
use crate::ground::error::Error;
use crate::ground::error::Result;
use crate::ground::format::InputFormat;
use image::RgbImage;

/// What a file says about its colour, and what that means. For GIF and TIFF (read by the
/// `image` crate's decoders) the decoder's profile is read during decoding instead.
pub fn read(bytes: &[u8], format: InputFormat) -> (Tagged, Assessment) {
    let tagged = match format {
        InputFormat::Jpeg => {
            let segments = container::jpeg::header_segments(bytes);
            jpeg_profile(
                segments
                    .into_iter()
                    .filter_map(|(m, r)| Some((m, bytes.get(r)?))),
            )
        }
        InputFormat::Png => png_colour(
            container::png::chunks_tolerant(bytes)
                .into_iter()
                .filter_map(|c| Some((c.kind, bytes.get(c.data)?))),
        ),
        _ => other_formats(bytes, format),
    };
    let assessment = assess(&tagged);
    (tagged, assessment)
}

/// WebP's `ICCP` chunk and a BMP's embedded profile (GIF's and TIFF's come from their decoders,
/// see [`from_decoder`]). The core build reads none: it decodes only JPEG and PNG.
#[cfg(feature = "all-formats")]
fn other_formats(bytes: &[u8], format: InputFormat) -> Tagged {
    match format {
        InputFormat::Webp => {
            let chunks = container::webp::walk(bytes).map(|w| w.chunks);
            let iccp = chunks
                .unwrap_or_default()
                .into_iter()
                .find(|(fourcc, _)| fourcc == b"ICCP");
            match iccp.and_then(|(_, r)| bytes.get(r)) {
                Some(p) => Tagged::Icc(p.to_vec()),
                None => Tagged::Untagged,
            }
        }
        InputFormat::Bmp => bmp_profile(bytes),
        _ => Tagged::Untagged,
    }
}

#[cfg(not(feature = "all-formats"))]
fn other_formats(_: &[u8], _: InputFormat) -> Tagged {
    Tagged::Untagged
}

/// The profile a BMP (BITMAPV5HEADER, 'MBED') embeds; its decoder does not expose it.
#[cfg(feature = "all-formats")]
fn bmp_profile(b: &[u8]) -> Tagged {
    let header = le32(b, 14).unwrap_or(0);
    if header < 124 || le32(b, 14 + 56) != Some(0x4D42_4544) {
        return Tagged::Untagged;
    }
    let off = le32(b, 14 + 112).unwrap_or(0) as usize;
    let len = le32(b, 14 + 116).unwrap_or(0) as usize;
    match off.checked_add(14).and_then(|o| slice(b, o, len)) {
        Some(p) => Tagged::Icc(p.to_vec()),
        None => Tagged::Broken("the embedded colour profile lies outside the file".into()),
    }
}

/// The colour information a decoder exposed (GIF, TIFF), in place of what [`read`] found.
pub fn from_decoder(profile: Option<Vec<u8>>) -> (Tagged, Assessment) {
    match profile {
        Some(p) => {
            let a = assess_icc(&p);
            (Tagged::Icc(p), a)
        }
        None => (Tagged::Untagged, Assessment::untagged()),
    }
}

/// Converts decoded pixels to sRGB as `colour` says (nothing for sRGB, untagged or unreadable
/// colour information, which are shown as sRGB). A profile that even the full CMS cannot use
/// is shown as sRGB too, as browsers do, and `colour` then says so.
pub fn to_srgb(
    img: &mut RgbImage,
    tagged: &Tagged,
    colour: &mut Assessment,
    format: InputFormat,
) -> Result<()> {
    if let Some(model) = colour.to_srgb_model() {
        ToSrgb::new(model).apply(img);
        return Ok(());
    }
    if let Verdict::NeedsCms { .. } = colour.verdict {
        if let Err(why) = full_cms(img, tagged, format)? {
            colour.verdict = Verdict::Unreadable { why };
        }
    }
    Ok(())
}

/// The full module's CMS: `Ok(Err(why))` when it cannot use the profile either.
#[cfg(feature = "all-formats")]
fn full_cms(
    img: &mut RgbImage,
    tagged: &Tagged,
    _: InputFormat,
) -> Result<std::result::Result<(), String>> {
    Ok(super::cms::to_srgb(img, tagged))
}

/// The core build has no full CMS: the full module converts this file.
#[cfg(not(feature = "all-formats"))]
fn full_cms(
    _: &mut RgbImage,
    _: &Tagged,
    format: InputFormat,
) -> Result<std::result::Result<(), String>> {
    Err(Error::NeedsFullModule {
        format: format.name(),
    })
}
