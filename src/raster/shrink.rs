//! Shrinking a picture for the editor's preview: each output pixel is the mean of the input
//! pixels of its cell, cells split at `ceil(i · size / n)`: the `image` crate's `thumbnail`
//! (its whole-pixel block average, which is all it does when shrinking), in integers and for
//! 8-bit RGB only, ~1.9 KB less gzipped wasm (measured with twiggy), which the core module
//! needed for colour management.

use image::RgbImage;

/// `img` shrunk to `w × h` (each clamped to 1 ..= the image's own size: never enlarged).
pub fn shrink(img: &RgbImage, w: u32, h: u32) -> RgbImage {
    let (sw, sh) = img.dimensions();
    let (w, h) = (w.clamp(1, sw.max(1)), h.clamp(1, sh.max(1)));
    // Cell edges: never closer than a pixel, as n <= size.
    let edges = |n: u32, size: u32| -> Vec<usize> {
        let (n, size) = (u64::from(n), u64::from(size));
        (0..=n).map(|i| (i * size).div_ceil(n) as usize).collect()
    };
    let (xs, ys) = (edges(w, sw), edges(h, sh));
    let row_len = (sw as usize * 3).max(1);
    let mut out = Vec::with_capacity(w as usize * h as usize * 3);
    // Sums of one output row; u64, as a cell can hold the whole 64 MP picture.
    let mut sums = vec![0u64; w as usize * 3];
    for rows in ys.windows(2) {
        sums.fill(0);
        for row in img
            .as_raw()
            .chunks_exact(row_len)
            .take(rows[1])
            .skip(rows[0])
        {
            for (sum, cols) in sums.chunks_exact_mut(3).zip(xs.windows(2)) {
                let cell = row.get(3 * cols[0]..3 * cols[1]).unwrap_or(&[]);
                for px in cell.chunks_exact(3) {
                    sum[0] += u64::from(px[0]);
                    sum[1] += u64::from(px[1]);
                    sum[2] += u64::from(px[2]);
                }
            }
        }
        for (sum, cols) in sums.chunks_exact(3).zip(xs.windows(2)) {
            let n = ((cols[1] - cols[0]) * (rows[1] - rows[0])).max(1) as u64;
            out.extend(sum.iter().map(|&v| ((v + n / 2) / n) as u8));
        }
    }
    RgbImage::from_raw(w, h, out).unwrap_or_default() // the buffer is w × h × 3 by construction
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picture(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            let (u, v) = (x * 255 / w, y * 255 / h);
            // Smooth light plus a little grain, as in a photo.
            let grain = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 28;
            image::Rgb([u as u8, ((u + v) / 2) as u8, (120 + grain) as u8])
        })
    }

    #[test]
    fn whole_ratios_average_exactly_and_nothing_is_enlarged() {
        let img = picture(4, 2);
        let half = shrink(&img, 2, 1);
        for (ox, px) in half.pixels().enumerate() {
            for c in 0..3 {
                let sum: u32 = (0..2)
                    .flat_map(|y| (0..2).map(move |x| (2 * ox as u32 + x, y)))
                    .map(|(x, y)| u32::from(img.get_pixel(x, y)[c]))
                    .sum();
                assert_eq!(u32::from(px[c]), (sum + 2) / 4);
            }
        }
        assert_eq!(shrink(&img, 40, 20), img);
        assert_eq!(shrink(&img, 0, 0).dimensions(), (1, 1));
    }

    #[test]
    fn the_same_as_the_image_crates_thumbnail() {
        let img = picture(1000, 601);
        for (w, h) in [(333, 200), (100, 60), (999, 600), (7, 5)] {
            let ours = shrink(&img, w, h);
            let theirs = image::imageops::thumbnail(&img, w, h);
            assert_eq!(ours.dimensions(), theirs.dimensions());
            // The same cells (the image crate finds them in f32, which could move an edge of
            // some other size by a pixel): the same pixels.
            assert!(ours == theirs, "{w}×{h}");
        }
    }
}
