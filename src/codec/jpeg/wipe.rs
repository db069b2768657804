//! The wipe: grows each box outwards to the MCU grid and replaces every block under it with a
//! flat block (AC = 0) whose DC decodes to the fill colour, exactly at black and white. Also
//! flattens padding blocks wholly outside the image, so nothing invisible is carried over (blocks
//! only partly outside are re-padded by [`super::edges::repad`]).

use super::coefficients::Coefficients;
use super::decline::{corrupt, Decline};
use crate::ground::colour::Rgb;
use crate::ground::geometry::{resolve, PixelBox, Rect};

/// The fill as JFIF full-range Y, Cb, Cr (not rounded).
pub fn ycbcr(fill: Rgb) -> [f64; 3] {
    let (r, g, b) = (f64::from(fill.r), f64::from(fill.g), f64::from(fill.b));
    if fill.r == fill.g && fill.g == fill.b {
        return [r, 128.0, 128.0]; // exact for greys (the float sum is not)
    }
    [
        0.299 * r + 0.587 * g + 0.114 * b,
        -0.168_735_892 * r - 0.331_264_108 * g + 0.5 * b + 128.0,
        0.5 * r - 0.418_687_589 * g - 0.081_312_411 * b + 128.0,
    ]
}

/// The quantised DC coefficient whose flat block decodes to `target` (0–255) with DC step `q`.
/// A decoder computes `clamp(round(dc·q/8) + 128)`; among nearby candidates this picks the one
/// whose every possible rounding lands nearest the target, so black is exactly 0 and white
/// exactly 255 whatever the step (clamping absorbs the overshoot).
pub fn dc_for(target: f64, q: u16) -> i16 {
    let q = f64::from(q.max(1));
    let want = target.round().clamp(0.0, 255.0);
    let ideal = (target - 128.0) * 8.0 / q;
    let mut best = (f64::MAX, f64::MAX, f64::MAX, 0i16);
    let base = ideal.floor() as i64;
    for d in base - 2..=base + 3 {
        let x = d as f64 * q / 8.0 + 128.0;
        // Possible decoded values: both neighbours when exactly halfway.
        let (lo, hi) = if (x - x.floor() - 0.5).abs() < 1e-9 {
            (x.floor(), x.ceil())
        } else {
            (x.round(), x.round())
        };
        let worst = (lo.clamp(0.0, 255.0) - want)
            .abs()
            .max((hi.clamp(0.0, 255.0) - want).abs());
        // Then prefer a value past the extreme (robust to any decoder's rounding) and last the
        // nearest unclamped value.
        let near = (x.clamp(0.0, 255.0) - target).abs();
        let raw = (x - target).abs();
        if d.abs() <= 2047 && (worst, near, raw) < (best.0, best.1, best.2) {
            best = (worst, near, raw, d as i16);
        }
    }
    best.3
}

/// Wipes the boxes (in the image's own, already oriented, coordinates) and returns them as
/// grown to the MCU grid. Errors only for bad boxes.
pub fn wipe(img: &mut Coefficients, boxes: &[Rect], fill: Rgb) -> Result<Vec<PixelBox>, Decline> {
    let (w, h) = (img.width, img.height);
    let pixel_boxes = resolve(boxes, w, h).map_err(Decline::Fatal)?;
    let (mw, mh) = img.mcu_size();
    let ycc = ycbcr(fill);
    let dcs: Vec<i16> = img
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| dc_for(ycc.get(i).copied().unwrap_or(128.0), c.quant[0]))
        .collect();
    let mut grown = Vec::with_capacity(pixel_boxes.len());
    for b in &pixel_boxes {
        let (mx0, my0) = (b.x / mw, b.y / mh);
        let (mx1, my1) = ((b.x + b.width).div_ceil(mw), (b.y + b.height).div_ceil(mh));
        let (x0, y0) = (mx0 * mw, my0 * mh);
        let (x1, y1) = ((mx1 * mw).min(w), (my1 * mh).min(h));
        grown.push(PixelBox {
            x: x0,
            y: y0,
            width: x1 - x0,
            height: y1 - y0,
        });
        for (c, &dc) in img.components.iter_mut().zip(dcs.iter()) {
            let (bx0, bx1) = (mx0 as usize * c.h, (mx1 as usize * c.h).min(c.bw));
            let (by0, by1) = (my0 as usize * c.v, (my1 as usize * c.v).min(c.bh));
            for by in by0..by1 {
                for bx in bx0..bx1 {
                    let i = (by * c.bw + bx) * 64;
                    let Some(block) = c.coefs.get_mut(i..i + 64) else {
                        return corrupt("internal: box outside the block grid");
                    };
                    block.fill(0);
                    block[0] = dc;
                }
            }
        }
    }
    flatten_padding(img);
    Ok(grown)
}

/// Blocks wholly right of or below the visible area become flat copies of the DC of the
/// nearest visible block: no decoder shows them, and they could otherwise carry hidden content.
pub fn flatten_padding(img: &mut Coefficients) {
    for c in img.components.iter_mut() {
        let (bw, bh) = (c.bw, c.bh);
        let (vw, vh) = (c.vis_w.clamp(1, bw.max(1)), c.vis_h.clamp(1, bh.max(1)));
        for by in 0..bh {
            for bx in 0..bw {
                if bx < vw && by < vh {
                    continue;
                }
                let (sx, sy) = (bx.min(vw - 1), by.min(vh - 1));
                let dc = c.coefs.get((sy * bw + sx) * 64).copied().unwrap_or(0);
                let i = (by * bw + bx) * 64;
                if let Some(block) = c.coefs.get_mut(i..i + 64) {
                    block.fill(0);
                    block[0] = dc;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(dc: i16, q: u16) -> (f64, f64) {
        let x = f64::from(dc) * f64::from(q) / 8.0 + 128.0;
        (x.floor().clamp(0.0, 255.0), x.ceil().clamp(0.0, 255.0))
    }

    #[test]
    fn black_and_white_are_exact_for_every_step() {
        for q in 1..=255u16 {
            let (lo, hi) = decoded(dc_for(0.0, q), q);
            assert_eq!((lo, hi), (0.0, 0.0), "black, q {q}");
            let d = dc_for(255.0, q);
            let x = f64::from(d) * f64::from(q) / 8.0 + 128.0;
            assert!(x >= 255.0, "white q {q}: {x}");
            // Mid grey decodes to itself within half a step.
            let d = dc_for(77.0, q);
            let x = f64::from(d) * f64::from(q) / 8.0 + 128.0;
            assert!(
                (x - 77.0).abs() <= f64::from(q) / 16.0 + 1e-9,
                "grey q {q}: {x}"
            );
        }
        assert_eq!(dc_for(128.0, 16), 0);
        assert_eq!(dc_for(0.0, 8), -128);
    }
}
