//! The one call: pick the classical path for clean renders and the network for everything
//! else, run it, and report progress (a callback that can cancel).

use super::classical;
use super::db;
use super::error::{Error, Result};
use super::line::{Mode, Options, Stats, TextLine};
use super::net::{self, Model};
use image::RgbImage;

/// A clean render has at least this share of exactly repeated neighbours ...
pub const CLEAN_FLAT_SHARE: f32 = 0.5;
/// ... and less than this share of neighbours that differ by 1–4 levels.
pub const CLEAN_TINY_SHARE: f32 = 0.3;

fn clean(flat: f32, tiny: f32) -> bool {
    flat >= CLEAN_FLAT_SHARE && tiny < CLEAN_TINY_SHARE
}

/// The text lines of `img`. `model` is needed only when the network runs (Auto on a photo, or
/// [`Mode::Network`]); without it such a call fails with [`Error::NoModel`].
/// `progress` is told the fraction done (0–1) now and then; returning `false` cancels the run
/// ([`Error::Cancelled`]). Deterministic: the same image and options give the same lines.
pub fn find_text(
    img: &RgbImage,
    model: Option<&Model>,
    options: &Options,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<(Vec<TextLine>, Stats)> {
    let (w, h) = img.dimensions();
    if w == 0 || h == 0 {
        return Ok((Vec::new(), Stats::default()));
    }
    let (flat_share, tiny_share) = neighbour_shares(img);
    let network = match options.mode {
        Mode::Auto => !clean(flat_share, tiny_share),
        Mode::Classical => false,
        Mode::Network => true,
    };
    let mut stats = Stats {
        network,
        flat_share,
        tiny_share,
        ..Stats::default()
    };
    if !progress(0.0) {
        return Err(Error::Cancelled);
    }
    let lines = if network {
        let model = model.ok_or(Error::NoModel)?;
        let map = net::probability_map(img, model, options, &mut stats, progress)?;
        db::lines_from_map(&map, w, h, options.threshold, options.box_score)
    } else {
        classical::find_lines(img)
    };
    if !progress(1.0) {
        return Err(Error::Cancelled);
    }
    Ok((lines, stats))
}

/// Whether `img` looks like a render (screenshot, exported report) rather than a photograph.
pub fn is_clean_render(img: &RgbImage) -> bool {
    let (flat, tiny) = neighbour_shares(img);
    clean(flat, tiny)
}

/// Shares of pixels whose right-hand neighbour is exactly the same colour, and differs by at
/// most 4 levels in every channel (but not 0), from every 4th row.
fn neighbour_shares(img: &RgbImage) -> (f32, f32) {
    let (w, h) = img.dimensions();
    if w < 2 {
        return (1.0, 0.0);
    }
    let raw = img.as_raw();
    let stride = w as usize * 3;
    let (mut same, mut tiny, mut all) = (0u64, 0u64, 0u64);
    for y in (0..h as usize).step_by(4) {
        let row = &raw[y * stride..(y + 1) * stride];
        for (a, b) in row.chunks_exact(3).zip(row.chunks_exact(3).skip(1)) {
            let d = (0..3).map(|c| a[c].abs_diff(b[c])).max().unwrap_or(0);
            same += u64::from(d == 0);
            tiny += u64::from((1..=4).contains(&d));
            all += 1;
        }
    }
    (
        same as f32 / all.max(1) as f32,
        tiny as f32 / all.max(1) as f32,
    )
}
