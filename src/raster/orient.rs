//! Applies an EXIF orientation (1–8) to decoded RGB pixels, so boxes land where the person drew
//! them. Flips work in place; the four transposing orientations copy in square tiles, which keeps
//! both the rows read and the rows written in cache (a pixel-at-a-time rotate of a 12 MP photo
//! misses the cache on every write).

use image::RgbImage;

/// Tile side in pixels for the transposing orientations: 32 rows of 32 RGB pixels read and
/// written stay well inside a first-level cache.
const TILE: usize = 32;

/// The picture as a person sees it: `img` stored with EXIF `orientation` (values outside 1–8
/// are treated as 1, like an unreadable tag).
pub fn orient(mut img: RgbImage, orientation: u8) -> RgbImage {
    match orientation {
        2 => {
            flip_rows(&mut img);
            img
        }
        3 => {
            flip_rows(&mut img);
            flip_vertical(&mut img);
            img
        }
        4 => {
            flip_vertical(&mut img);
            img
        }
        5..=8 => transpose_like(&img, orientation),
        _ => img,
    }
}

/// Mirrors every row left to right.
fn flip_rows(img: &mut RgbImage) {
    let w = img.width() as usize;
    if w == 0 {
        return;
    }
    for row in img.chunks_exact_mut(w * 3) {
        let (mut a, mut b) = (0, w - 1);
        while a < b {
            for c in 0..3 {
                row.swap(a * 3 + c, b * 3 + c);
            }
            a += 1;
            b -= 1;
        }
    }
}

/// Mirrors the row order top to bottom.
fn flip_vertical(img: &mut RgbImage) {
    let stride = img.width() as usize * 3;
    let h = img.height() as usize;
    if stride == 0 {
        return;
    }
    let buf: &mut [u8] = img;
    for y in 0..h / 2 {
        let (top, bottom) = buf.split_at_mut((h - 1 - y) * stride);
        top[y * stride..(y + 1) * stride].swap_with_slice(&mut bottom[..stride]);
    }
}

/// Orientations 5–8: the output is `height × width`. Source pixel (x, y) of a `w × h` image
/// goes to (dx, dy) in the output:
/// 5 transpose (y, x); 6 rotate 90° clockwise (h-1-y, x); 7 transverse (h-1-y, w-1-x);
/// 8 rotate 90° anticlockwise (y, w-1-x).
fn transpose_like(src: &RgbImage, orientation: u8) -> RgbImage {
    let (w, h) = (src.width() as usize, src.height() as usize);
    let mut out = RgbImage::new(src.height(), src.width());
    let (flip_x, flip_y) = match orientation {
        5 => (false, false),
        6 => (true, false),
        7 => (true, true),
        _ => (false, true),
    };
    if w == 0 || h == 0 {
        return out;
    }
    let (src, dst): (&[u8], &mut [u8]) = (src, &mut out);
    // Walk the output a tile at a time, row by row, so writes are sequential; the reads of one
    // tile touch at most TILE source rows, all of which stay in cache for the whole tile.
    for (band, rows) in dst.chunks_mut(TILE * h * 3).enumerate() {
        transpose_band(src, rows, band * TILE, (w, h), (flip_x, flip_y));
    }
    out
}

/// Output rows `first..` (a band of up to TILE rows, `rows`) of [`transpose_like`], tile by tile.
/// A function of its own, called once per band, so that a wasm engine's optimising tier takes
/// over after the first bands (V8 swaps in optimised code only at a call).
#[inline(never)]
fn transpose_band(
    src: &[u8],
    rows: &mut [u8],
    first: usize,
    (w, h): (usize, usize),
    (flip_x, flip_y): (bool, bool),
) {
    let (row_in, row_out) = (w * 3, h * 3);
    for tx in (0..h).step_by(TILE) {
        let dx_end = (tx + TILE).min(h);
        for (i, out_row) in rows.chunks_mut(row_out).enumerate() {
            let dy = first + i;
            let x = if flip_y { w - 1 - dy } else { dy };
            let out = &mut out_row[tx * 3..dx_end * 3];
            for (dx, px) in (tx..dx_end).zip(out.chunks_exact_mut(3)) {
                let y = if flip_x { h - 1 - dx } else { dx };
                let s = y * row_in + x * 3;
                px.copy_from_slice(&src[s..s + 3]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::metadata::Orientation;
    use image::DynamicImage;

    fn noisy(w: u32, h: u32) -> RgbImage {
        let mut s = 0x2545_F491u32;
        RgbImage::from_fn(w, h, |_, _| {
            s ^= s << 13;
            s ^= s >> 17;
            s ^= s << 5;
            image::Rgb([s as u8, (s >> 8) as u8, (s >> 16) as u8])
        })
    }

    /// Every orientation on sizes around the tile side agrees with the `image` crate's own
    /// (pixel-at-a-time) implementation.
    #[test]
    fn matches_the_image_crate_for_all_eight() {
        for (w, h) in [(1, 1), (1, 7), (7, 1), (31, 33), (64, 65), (97, 40)] {
            let img = noisy(w, h);
            for o in 1..=8u8 {
                let mut reference = DynamicImage::ImageRgb8(img.clone());
                let orientation = Orientation::from_exif(o).unwrap_or(Orientation::NoTransforms);
                reference.apply_orientation(orientation);
                let ours = orient(img.clone(), o);
                assert_eq!(
                    ours,
                    reference.into_rgb8(),
                    "orientation {o} on {w}×{h} differs"
                );
            }
        }
    }

    #[test]
    fn out_of_range_values_leave_the_image_alone() {
        let img = noisy(5, 3);
        assert_eq!(orient(img.clone(), 0), img);
        assert_eq!(orient(img.clone(), 9), img);
    }
}
