//! Warming the engine up: every codec path once on a small made-up picture.

use super::inspect::preview;
use super::redact::{redact, Options};
use crate::codec::encode::encode;
use crate::ground::colour::Rgb;
use crate::ground::error::Result;
use crate::ground::format::{OutputFormat, DEFAULT_QUALITY};
use crate::ground::geometry::Rect;

/// Runs every codec path once on a small made-up picture (about 0.8 MP) and throws the results
/// away: JPEG→JPEG losslessly, JPEG→PNG and PNG→JPEG through the pixels, and a preview. The web
/// app's worker calls it in idle time right after it starts, because a wasm engine compiles
/// optimised code only for functions that have already run a while (V8 swaps it in at the
/// next call): warmed, the next real export runs at full speed from its first row. Returns
/// the first error, which would mean a broken build.
pub fn warm_up() -> Result<()> {
    let (w, h) = (1024u32, 768u32);
    let picture = image::RgbImage::from_fn(w, h, |x, y| {
        let grain = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 27;
        image::Rgb([
            (x * 255 / w) as u8 ^ grain as u8,
            (y * 255 / h) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let boxes = [Rect::new(16.0, 16.0, 200.0, 100.0)];
    let jpeg = encode(&picture, OutputFormat::Jpeg, DEFAULT_QUALITY)?;
    let png = encode(&picture, OutputFormat::Png, DEFAULT_QUALITY)?;
    let to = |format| Options {
        format: Some(format),
        ..Options::default()
    };
    redact(&jpeg, &boxes, &to(OutputFormat::Jpeg))?;
    redact(&jpeg, &boxes, &to(OutputFormat::Png))?;
    redact(&png, &boxes, &to(OutputFormat::Jpeg))?;
    preview(&jpeg, 256, Rgb::WHITE)?;
    Ok(())
}
