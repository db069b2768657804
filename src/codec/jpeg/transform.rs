//! Lossless turning of a coefficient image for an EXIF orientation, in the DCT domain as
//! `jpegtran -perfect` does it: transpose blocks (and the quantisation tables), reorder blocks,
//! negate odd frequencies for flips. Refuses when a flip would move a partial edge MCU.

use super::coefficients::{Coefficients, Component, ZIGZAG};
use super::decline::{unsupported, Decline};

/// The eight orientations as (transpose first, then flip horizontally, then flip vertically).
fn steps(orientation: u8) -> Option<(bool, bool, bool)> {
    Some(match orientation {
        1 => (false, false, false),
        2 => (false, true, false),
        3 => (false, true, true),
        4 => (false, false, true),
        5 => (true, false, false),
        6 => (true, true, false),
        7 => (true, true, true),
        8 => (true, false, true),
        _ => return None,
    })
}

/// Zig-zag position of natural index `n`.
fn unzig(n: usize) -> usize {
    ZIGZAG.iter().position(|&z| z == n).unwrap_or(0)
}

/// Per output zig-zag position: the input zig-zag position it comes from and its sign.
fn coefficient_map(transpose: bool, flip_h: bool, flip_v: bool) -> ([usize; 64], [i16; 64]) {
    let mut from = [0usize; 64];
    let mut sign = [1i16; 64];
    for k in 0..64 {
        let n = ZIGZAG[k];
        let (row, col) = (n / 8, n % 8); // row: vertical frequency, col: horizontal
        let src = if transpose { col * 8 + row } else { n };
        from[k] = unzig(src);
        let odd = (flip_h && col % 2 == 1) ^ (flip_v && row % 2 == 1);
        sign[k] = if odd { -1 } else { 1 };
    }
    (from, sign)
}

/// A (horizontal, vertical) pair as it is after the turn: swapped when the turn transposes.
fn turned<T>(transpose: bool, (a, b): (T, T)) -> (T, T) {
    if transpose {
        (b, a)
    } else {
        (a, b)
    }
}

/// Whether [`orient`] can turn an image stored `width × height` with largest sampling factors
/// `hmax × vmax` exactly for EXIF `orientation`: every flip must leave the partial MCUs at the
/// right and bottom. Read from the frame header alone, so the caller can skip reading the
/// coefficients when the answer is no.
pub fn turn_is_exact(
    width: u32,
    height: u32,
    hmax: usize,
    vmax: usize,
    orientation: u8,
) -> Result<(), Decline> {
    let Some((transpose, flip_h, flip_v)) = steps(orientation) else {
        return unsupported(format!("EXIF orientation {orientation}"));
    };
    let (w, h) = turned(transpose, (width, height));
    let (hmax, vmax) = turned(transpose, (hmax, vmax));
    let (mw, mh) = (8 * hmax as u32, 8 * vmax as u32);
    if (flip_h && w % mw != 0) || (flip_v && h % mh != 0) {
        return unsupported(format!(
            "orientation {orientation} needs a lossless turn that is not exact: the {} is not \
             a multiple of the {mw}×{mh} MCU",
            if flip_h && w % mw != 0 {
                format!("width {w} as seen")
            } else {
                format!("height {h} as seen")
            }
        ));
    }
    Ok(())
}

/// Turns `img` so that it is stored as it is seen for EXIF `orientation` (1–8). Orientation 1
/// returns the image unchanged; an imperfect turn returns `Unsupported`.
pub fn orient(img: Coefficients, orientation: u8) -> Result<Coefficients, Decline> {
    let Some((transpose, flip_h, flip_v)) = steps(orientation) else {
        return unsupported(format!("EXIF orientation {orientation}"));
    };
    if orientation == 1 {
        return Ok(img);
    }
    turn_is_exact(img.width, img.height, img.hmax, img.vmax, orientation)?;
    let (w, h) = turned(transpose, (img.width, img.height));
    let (hmax, vmax) = turned(transpose, (img.hmax, img.vmax));
    let (from, sign) = coefficient_map(transpose, flip_h, flip_v);
    let mut components = Vec::with_capacity(img.components.len());
    for c in &img.components {
        let (bw, bh) = turned(transpose, (c.bw, c.bh));
        let (vis_w, vis_h) = turned(transpose, (c.vis_w, c.vis_h));
        let mut quant = [0u16; 64];
        for k in 0..64 {
            quant[k] = c.quant[from[k]];
        }
        let mut coefs = vec![0i16; c.coefs.len()];
        for oy in 0..bh {
            for ox in 0..bw {
                // Undo the flips in the output frame (exact: the flipped side is whole MCUs,
                // so the padded grid equals the visible one), then the transpose.
                let tx = if flip_h { bw - 1 - ox } else { ox };
                let ty = if flip_v { bh - 1 - oy } else { oy };
                let (sx, sy) = turned(transpose, (tx, ty));
                let si = (sy * c.bw + sx) * 64;
                let oi = (oy * bw + ox) * 64;
                let (Some(src), Some(dst)) = (c.coefs.get(si..si + 64), coefs.get_mut(oi..oi + 64))
                else {
                    return unsupported("internal: block grid mismatch");
                };
                for k in 0..64 {
                    dst[k] = src[from[k]].wrapping_mul(sign[k]);
                }
            }
        }
        let (h, v) = turned(transpose, (c.h, c.v));
        components.push(Component {
            h,
            v,
            quant,
            bw,
            bh,
            vis_w,
            vis_h,
            coefs,
        });
    }
    Ok(Coefficients {
        width: w,
        height: h,
        components,
        hmax,
        vmax,
        progressive: img.progressive,
        restart_interval: img.restart_interval,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transpose_is_an_involution_and_maps_rows_to_columns() {
        let (from, sign) = coefficient_map(true, false, false);
        assert!(sign.iter().all(|&s| s == 1));
        for k in 0..64 {
            assert_eq!(from[from[k]], k);
        }
        // Zig-zag 1 is (0,1) and 2 is (1,0): they swap.
        assert_eq!((from[1], from[2]), (2, 1));
        let (_, sign) = coefficient_map(false, true, false);
        assert_eq!((sign[0], sign[1], sign[2]), (1, -1, 1));
    }
}
