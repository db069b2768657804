//! The network half: scale the image for the PP-OCRv5 detector, run it tile by tile, and stitch
//! one text-probability map (one byte a pixel at network scale).
//!
//! - Scale: longer side at most [`Options::max_side`], never enlarged, area-averaged (a box
//!   filter: it does not alias a screen's pixel grid into new moiré the way point sampling does),
//!   streamed one output row at a time so a 48 MP input needs no second full-size copy.
//! - Normalisation as PP-OCR's detector was trained: channels in B, G, R order, `(v/255 − mean)
//!   / std` with ImageNet mean and std; tile sides multiples of 32 (the network halves the
//!   resolution five times).
//! - Tiles of [`Options::tile`] with [`Options::overlap`]: each map pixel is taken from the tile
//!   whose centre it is nearest (the middle of each overlap), so every pixel was seen with at least
//!   `overlap/2` of context. Only the part of a tile with local contrast (4×4 block means that
//!   differ by [`BLANK_CONTRAST`]), plus [`ACTIVE_MARGIN`], is run; a tile with none is skipped
//!   and its map stays zero.

use super::error::{Error, Result};
use super::line::{Options, Stats};
use image::RgbImage;
use rten_tensor::prelude::*;
use rten_tensor::NdTensor;

/// The detector, loaded once and reused for every image.
pub struct Model {
    det: rten::Model,
}

impl Model {
    /// Loads the PP-OCRv5 detector from the bytes of its `.onnx` (or `.rten`) file, with its
    /// weights prepacked for rten's matrix kernels.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Model> {
        Model::from_bytes_with(bytes, true)
    }

    /// As [`Model::from_bytes`]; `prepack` false keeps the weights as stored (less memory).
    pub fn from_bytes_with(bytes: Vec<u8>, prepack: bool) -> Result<Model> {
        // Only the operators the PP-OCRv5 detector uses, so the linker drops the rest of rten's
        // (the module shrinks); a different model fails to load with a clear error.
        let ops = rten::op_registry!(
            Add,
            BatchNormalization,
            Concat,
            Conv,
            ConvTranspose,
            GlobalAveragePool,
            HardSigmoid,
            Identity,
            Mul,
            Relu,
            Resize,
            Sigmoid
        );
        let det = rten::ModelOptions::with_ops(ops)
            .prepack_weights(prepack)
            .load(bytes)
            .map_err(|e| Error::Model {
                detail: e.to_string(),
            })?;
        if det.input_ids().len() != 1 || det.output_ids().is_empty() {
            return Err(Error::Model {
                detail: "not a one-input text detector".into(),
            });
        }
        Ok(Model { det })
    }

    /// Text probability (0–1) for each pixel of one normalised tile `[1, 3, h, w]`.
    fn run(&self, input: NdTensor<f32, 4>) -> Result<NdTensor<f32, 4>> {
        let run = |e: &dyn std::fmt::Display| Error::Run {
            detail: e.to_string(),
        };
        let out = self.det.run_one(input.into(), None).map_err(|e| run(&e))?;
        out.try_into().map_err(|e: rten::TryFromValueError| run(&e))
    }
}

/// Block means that differ by less than this (0–255) everywhere in a tile mark it blank.
pub const BLANK_CONTRAST: u8 = 12;

const MEAN: [f32; 3] = [0.485, 0.456, 0.406];
const STD: [f32; 3] = [0.229, 0.224, 0.225];

/// The stitched map: `prob[y * width + x]` is the text probability × 255 at network scale.
pub struct ProbMap {
    pub width: u32,
    pub height: u32,
    /// Network pixels per image pixel (≤ 1).
    pub scale: f32,
    pub prob: Vec<u8>,
}

fn check(options: &Options) -> Result<()> {
    let Options {
        tile,
        overlap,
        max_side,
        ..
    } = *options;
    if tile < 64 || tile % 32 != 0 || overlap % 32 != 0 || overlap >= tile || max_side < 32 {
        return Err(Error::BadOption {
            detail: format!("tile {tile}, overlap {overlap}, max side {max_side}"),
        });
    }
    Ok(())
}

pub fn probability_map(
    img: &RgbImage,
    model: &Model,
    options: &Options,
    stats: &mut Stats,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<ProbMap> {
    check(options)?;
    let (w, h) = img.dimensions();
    let scale = (options.max_side as f32 / w.max(h) as f32).min(1.0);
    let nw = ((w as f32 * scale).round() as u32).max(1);
    let nh = ((h as f32 * scale).round() as u32).max(1);
    let small = resize_area(img, nw, nh);
    stats.net_width = nw;
    stats.net_height = nh;

    let (tw, xs) = axis(nw, options.tile, options.overlap);
    let (th, ys) = axis(nh, options.tile, options.overlap);
    let mut prob = vec![0u8; nw as usize * nh as usize];
    let total = (xs.len() * ys.len()) as f32;
    let mut done = 0.0;
    for (j, &y0) in ys.iter().enumerate() {
        let (ky0, ky1) = kept(&ys, j, th, nh);
        for (i, &x0) in xs.iter().enumerate() {
            let (kx0, kx1) = kept(&xs, i, tw, nw);
            match active_box(&small, nw, x0, y0, tw.min(nw - x0), th.min(nh - y0)) {
                None => stats.tiles_skipped += 1,
                Some(active) => {
                    stats.tiles_run += 1;
                    let (sx, sy, sw, sh) = sub_tile(active, tw, th);
                    let (sx, sy) = (x0 + sx, y0 + sy);
                    stats.pixels_run += u64::from(sw) * u64::from(sh);
                    let out = model.run(tile_tensor(&small, nw, nh, sx, sy, sw, sh))?;
                    let shape = out.shape();
                    if shape[2] < sh as usize || shape[3] < sw as usize {
                        return Err(Error::Run {
                            detail: format!("unexpected output shape {shape:?}"),
                        });
                    }
                    for y in ky0.max(sy)..ky1.min(sy + sh) {
                        let row =
                            &mut prob[y as usize * nw as usize..(y as usize + 1) * nw as usize];
                        for x in kx0.max(sx)..kx1.min(sx + sw) {
                            let p = out[[0, 0, (y - sy) as usize, (x - sx) as usize]];
                            row[x as usize] = (p.clamp(0.0, 1.0) * 255.0).round() as u8;
                        }
                    }
                }
            }
            done += 1.0;
            if !progress(done / total * 0.95) {
                return Err(Error::Cancelled);
            }
        }
    }
    Ok(ProbMap {
        width: nw,
        height: nh,
        scale: nw as f32 / w as f32,
        prob,
    })
}

/// Tile length and origins along one axis of `len` pixels: as few tiles of at most `tile` as
/// overlap by at least `overlap`, all of one length (a multiple of 32, as small as that allows).
fn axis(len: u32, tile: u32, overlap: u32) -> (u32, Vec<u32>) {
    let round32 = |v: u32| v.div_ceil(32) * 32;
    if len <= tile {
        return (round32(len).min(tile), vec![0]);
    }
    let n = (len - overlap).div_ceil(tile - overlap);
    let t = round32((len + (n - 1) * overlap).div_ceil(n)).min(tile);
    let starts = (0..n)
        .map(|i| ((len - t) as u64 * i as u64 / (n - 1) as u64) as u32)
        .collect();
    (t, starts)
}

/// The range of map pixels tile `i` supplies: from the middle of its overlap with the previous
/// tile to the middle of its overlap with the next.
fn kept(starts: &[u32], i: usize, tile: u32, len: u32) -> (u32, u32) {
    let lo = if i == 0 {
        0
    } else {
        (starts[i] + starts[i - 1] + tile) / 2
    };
    let hi = if i + 1 == starts.len() {
        len
    } else {
        (starts[i + 1] + starts[i] + tile) / 2
    };
    (lo, hi.min(len))
}

/// The part of a region with local contrast: the bounding box (relative to the region, in
/// pixels) of the 4×4 blocks whose mean (per channel) differs from their right or lower
/// neighbour's by [`BLANK_CONTRAST`] or more; `None` when there is none (a blank region).
fn active_box(
    rgb: &[u8],
    stride: u32,
    x0: u32,
    y0: u32,
    w: u32,
    h: u32,
) -> Option<(u32, u32, u32, u32)> {
    let (bw, bh) = (w / 4, h / 4);
    if bw < 2 || bh < 2 {
        return Some((0, 0, w, h));
    }
    let mut means = vec![[0u16; 3]; (bw * bh) as usize];
    for by in 0..bh {
        for bx in 0..bw {
            let mut sum = [0u16; 3];
            for dy in 0..4 {
                let base = (((y0 + by * 4 + dy) * stride + x0 + bx * 4) * 3) as usize;
                for px in rgb[base..base + 12].chunks_exact(3) {
                    for c in 0..3 {
                        sum[c] += u16::from(px[c]);
                    }
                }
            }
            means[(by * bw + bx) as usize] = sum.map(|s| s / 16);
        }
    }
    let t = u16::from(BLANK_CONTRAST);
    let (mut lo_x, mut lo_y, mut hi_x, mut hi_y) = (u32::MAX, u32::MAX, 0, 0);
    for by in 0..bh {
        for bx in 0..bw {
            let m = means[(by * bw + bx) as usize];
            let differs = |o: [u16; 3]| (0..3).any(|c| m[c].abs_diff(o[c]) >= t);
            if (bx + 1 < bw && differs(means[(by * bw + bx + 1) as usize]))
                || (by + 1 < bh && differs(means[((by + 1) * bw + bx) as usize]))
            {
                lo_x = lo_x.min(bx);
                lo_y = lo_y.min(by);
                hi_x = hi_x.max(bx + 2);
                hi_y = hi_y.max(by + 2);
            }
        }
    }
    (hi_x > 0).then(|| (lo_x * 4, lo_y * 4, (hi_x * 4).min(w), (hi_y * 4).min(h)))
}

/// The sub-tile to run for an active box: grown by [`ACTIVE_MARGIN`], sides rounded up to
/// multiples of 32, kept inside the tile. Returns (x, y, width, height) relative to the tile.
fn sub_tile(active: (u32, u32, u32, u32), tw: u32, th: u32) -> (u32, u32, u32, u32) {
    let (ax0, ay0, ax1, ay1) = active;
    let fit = |lo: u32, hi: u32, len: u32| {
        let lo = lo.saturating_sub(ACTIVE_MARGIN);
        let hi = (hi + ACTIVE_MARGIN).min(len);
        let size = ((hi - lo).div_ceil(32) * 32).min(len);
        let start = lo.min(len - size);
        (start, size)
    };
    let (x, w) = fit(ax0, ax1, tw);
    let (y, h) = fit(ay0, ay1, th);
    (x, y, w, h)
}

/// Context kept around a tile's active part (network pixels).
pub const ACTIVE_MARGIN: u32 = 48;

/// One normalised tile `[1, 3, th, tw]` (B, G, R planes) from the scaled image; pixels beyond
/// the image repeat its last row/column.
fn tile_tensor(
    rgb: &[u8],
    nw: u32,
    nh: u32,
    x0: u32,
    y0: u32,
    tw: u32,
    th: u32,
) -> NdTensor<f32, 4> {
    let mut t = NdTensor::<f32, 4>::zeros([1, 3, th as usize, tw as usize]);
    let lut: [[f32; 256]; 3] =
        std::array::from_fn(|c| std::array::from_fn(|v| (v as f32 / 255.0 - MEAN[c]) / STD[c]));
    for y in 0..th {
        let sy = (y0 + y).min(nh - 1);
        for x in 0..tw {
            let sx = (x0 + x).min(nw - 1);
            let i = ((sy * nw + sx) * 3) as usize;
            // plane 0 is blue, 1 green, 2 red
            for (plane, src) in [(0usize, 2usize), (1, 1), (2, 0)] {
                t[[0, plane, y as usize, x as usize]] = lut[plane][rgb[i + src] as usize];
            }
        }
    }
    t
}

/// Area-averaged resize to `nw`×`nh` (only ever down), streamed one output row at a time.
fn resize_area(img: &RgbImage, nw: u32, nh: u32) -> Vec<u8> {
    let (w, h) = img.dimensions();
    if (nw, nh) == (w, h) {
        return img.as_raw().clone();
    }
    let xw = weights(w, nw);
    let yw = weights(h, nh);
    let raw = img.as_raw();
    let mut out = vec![0u8; nw as usize * nh as usize * 3];
    let mut acc = vec![0f32; nw as usize * 3];
    let mut hrow = vec![0f32; nw as usize * 3];
    for (oy, ylist) in yw.iter().enumerate() {
        acc.iter_mut().for_each(|v| *v = 0.0);
        for &(sy, wy) in ylist {
            let src = &raw[sy as usize * w as usize * 3..(sy as usize + 1) * w as usize * 3];
            for (ox, xlist) in xw.iter().enumerate() {
                let mut s = [0f32; 3];
                for &(sx, wx) in xlist {
                    let p = &src[sx as usize * 3..sx as usize * 3 + 3];
                    for c in 0..3 {
                        s[c] += f32::from(p[c]) * wx;
                    }
                }
                hrow[ox * 3..ox * 3 + 3].copy_from_slice(&s);
            }
            for (a, v) in acc.iter_mut().zip(&hrow) {
                *a += v * wy;
            }
        }
        let dst = &mut out[oy * nw as usize * 3..(oy + 1) * nw as usize * 3];
        for (d, a) in dst.iter_mut().zip(&acc) {
            *d = a.round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// For each of `n` output positions, the source positions it covers and their weights (summing
/// to 1): output `i` covers `[i·len/n, (i+1)·len/n)` of the source.
fn weights(len: u32, n: u32) -> Vec<Vec<(u32, f32)>> {
    let ratio = len as f64 / n as f64;
    (0..n)
        .map(|i| {
            let (a, b) = (i as f64 * ratio, (i as f64 + 1.0) * ratio);
            let mut list = Vec::new();
            let mut s = a.floor() as u32;
            while (s as f64) < b && s < len {
                let cover = (b.min(s as f64 + 1.0) - a.max(s as f64)) / ratio;
                if cover > 1e-6 {
                    list.push((s, cover as f32));
                }
                s += 1;
            }
            list
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_cover_with_overlap() {
        for len in [100u32, 1024, 1025, 1922, 2560, 4000] {
            let (t, s) = axis(len, 1024, 128);
            assert!(t % 32 == 0 && t <= 1024);
            assert_eq!(s[0], 0);
            assert!(s.last().copied().unwrap_or(0) + t >= len);
            for pair in s.windows(2) {
                assert!(pair[0] + t >= pair[1] + 128, "{len}: {s:?}");
            }
            let mut covered = 0;
            for i in 0..s.len() {
                let (lo, hi) = kept(&s, i, t, len);
                assert_eq!(lo, covered);
                covered = hi;
            }
            assert_eq!(covered, len);
        }
    }

    #[test]
    fn area_weights_sum_to_one() {
        for (len, n) in [(4032u32, 2560u32), (1000, 999), (7, 3)] {
            for list in weights(len, n) {
                let sum: f32 = list.iter().map(|p| p.1).sum();
                assert!((sum - 1.0).abs() < 1e-4);
            }
        }
    }
}
