//! What a run of the finder takes and gives: its settings, the lines found and what it measured.

use crate::ground::geometry::PixelBox;
use serde::ser::{SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

/// One line of text as found.
#[derive(Debug, Clone, PartialEq)]
pub struct TextLine {
    /// The line's extent, in image pixels, rounded outwards and clipped to the image.
    pub bbox: PixelBox,
    /// The line's corners (top-left, top-right, bottom-right, bottom-left as read), in image
    /// pixels, when it is tilted by more than [`TILT_DEGREES`]; `None` for upright lines.
    /// A recogniser warps this quadrilateral to an upright crop.
    pub quad: Option<[[f32; 2]; 4]>,
    /// 0–1: the detector's mean text probability over the line (network), or the share of
    /// the line's glyph evidence (classical).
    pub confidence: f32,
}

/// As the page, the API and `occlude text --json` give it: `{x, y, width, height, quad,
/// confidence}`, the quad's corners to a tenth of a pixel (`null` for upright lines) and the
/// confidence to three decimals.
impl Serialize for TextLine {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let round = |v: f32, unit: f64| (f64::from(v) / unit).round() * unit;
        let quad = self
            .quad
            .map(|q| q.map(|[x, y]| [round(x, 0.1), round(y, 0.1)]));
        let mut m = s.serialize_struct("TextLine", 6)?;
        m.serialize_field("x", &self.bbox.x)?;
        m.serialize_field("y", &self.bbox.y)?;
        m.serialize_field("width", &self.bbox.width)?;
        m.serialize_field("height", &self.bbox.height)?;
        m.serialize_field("quad", &quad)?;
        m.serialize_field("confidence", &round(self.confidence, 0.001))?;
        m.end()
    }
}

/// Lines tilted less than this many degrees are reported without a quad.
pub const TILT_DEGREES: f32 = 1.0;

/// Which detector to run (`"auto"`, `"classical"`, `"network"` in a request).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Classical for clean renders, network otherwise (see [`is_clean_render`](super::finder::is_clean_render)).
    Auto,
    Classical,
    Network,
}

/// Settings of a run. `Default` is what the app uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    pub mode: Mode,
    /// The network sees the image scaled so that its longer side is at most this many pixels
    /// (never enlarged). 2240 keeps the smallest print of the evaluation set's 12 MP photos
    /// (11 px UI text photographed at ~13 px) at ~7 px, which the detector still finds;
    /// 2048 lost identifier lines on dark-theme photos, 2560 costs 1.6× the time (measured).
    pub max_side: u32,
    /// Tile side in network pixels (a multiple of 32); bounds the memory of one run.
    pub tile: u32,
    /// Overlap between neighbouring tiles, in network pixels (a multiple of 32).
    pub overlap: u32,
    /// DB post-processing: map pixels at or above this probability are text.
    pub threshold: f32,
    /// DB post-processing: a component whose mean probability is below this is dropped.
    pub box_score: f32,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            mode: Mode::Auto,
            max_side: 2240,
            tile: 1024,
            overlap: 128,
            threshold: 0.3,
            box_score: 0.6,
        }
    }
}

/// Which detector ran and how much it ran (for the benchmark and `occlude text --json`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stats {
    pub network: bool,
    /// Share of pixels equal to their right-hand neighbour.
    pub flat_share: f32,
    /// Share of pixels whose right-hand neighbour differs by 1–4 levels (noise).
    pub tiny_share: f32,
    /// Network input size (after scaling), and tiles run / skipped as blank.
    pub net_width: u32,
    pub net_height: u32,
    pub tiles_run: u32,
    pub tiles_skipped: u32,
    /// Network input pixels actually run (all tiles, after cropping to their active parts).
    pub pixels_run: u64,
}

/// Rounds a float rectangle outwards to whole pixels, clipped to `w`×`h`; `None` if empty.
pub(crate) fn pixel_box(x0: f32, y0: f32, x1: f32, y1: f32, w: u32, h: u32) -> Option<PixelBox> {
    let cx0 = x0.floor().max(0.0).min(w as f32) as u32;
    let cy0 = y0.floor().max(0.0).min(h as f32) as u32;
    let cx1 = x1.ceil().max(0.0).min(w as f32) as u32;
    let cy1 = y1.ceil().max(0.0).min(h as f32) as u32;
    (cx1 > cx0 && cy1 > cy0).then(|| PixelBox {
        x: cx0,
        y: cy0,
        width: cx1 - cx0,
        height: cy1 - cy0,
    })
}
