//! The full module's colour management (the `all-formats` feature only): pixels whose profile
//! converts through lookup tables (A2B0…), `cicp` tags or a PNG `cICP` chunk, converted to sRGB
//! with moxcms, perceptual intent (for a matrix profile the same as relative colorimetric).
//!
//! Why moxcms: it is the CMS the `image` crate itself uses (already in the dependency tree at
//! the pinned version), pure Rust, reads ICC v2/v4 LUT profiles and CICP, and builds for wasm.
//! It costs ~113 KB gzipped of wasm, so only the full module links it; the core converts
//! matrix-and-curves profiles (nearly all of them) with its own converter (`colour::convert`).

use crate::colour::source::Tagged;
use image::RgbImage;
use moxcms::{
    CicpColorPrimaries, CicpProfile, ColorProfile, DataColorSpace, Layout, MatrixCoefficients,
    RenderingIntent, TransferCharacteristics, TransformOptions,
};

/// Converts packed 8-bit RGB pixels (as the decoder produced them) from the colour `tagged`
/// describes to sRGB, in place. A grey profile reads the first channel of each pixel.
/// `Err` says, in plain words, why the profile cannot be used (the pixels are then untouched).
pub fn to_srgb(img: &mut RgbImage, tagged: &Tagged) -> Result<(), String> {
    let bad = |e: moxcms::CmsError| format!("the colour management cannot use it ({e})");
    let src = match tagged {
        Tagged::Icc(p) => ColorProfile::new_from_slice(p).map_err(bad)?,
        Tagged::Cicp([p, t, m, full]) => ColorProfile::new_from_cicp(CicpProfile {
            color_primaries: CicpColorPrimaries::try_from(*p).map_err(bad)?,
            transfer_characteristics: TransferCharacteristics::try_from(*t).map_err(bad)?,
            matrix_coefficients: MatrixCoefficients::try_from(*m).map_err(bad)?,
            full_range: *full != 0,
        }),
        _ => return Ok(()),
    };
    let dst = ColorProfile::new_srgb();
    let options = TransformOptions {
        rendering_intent: RenderingIntent::Perceptual,
        ..TransformOptions::default()
    };
    let grey = match src.color_space {
        DataColorSpace::Rgb => false,
        DataColorSpace::Gray => true,
        other => return Err(format!("it is for {other:?} data")),
    };
    let layout = if grey { Layout::Gray } else { Layout::Rgb };
    let t = src
        .create_transform_8bit(layout, &dst, Layout::Rgb, options)
        .map_err(bad)?;
    // A few rows at a time keeps the copy small.
    const PIXELS: usize = 4096;
    let mut input = vec![0u8; 3 * PIXELS];
    let mut out = vec![0u8; 3 * PIXELS];
    for chunk in img.chunks_mut(3 * PIXELS) {
        let n = chunk.len() / 3;
        let src = if grey {
            for (g, px) in input.iter_mut().zip(chunk.chunks_exact(3)) {
                *g = px[0];
            }
            &input[..n]
        } else {
            input[..3 * n].copy_from_slice(chunk);
            &input[..3 * n]
        };
        t.transform(src, &mut out[..3 * n]).map_err(bad)?;
        chunk.copy_from_slice(&out[..3 * n]);
    }
    Ok(())
}
