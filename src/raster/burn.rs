//! Burning boxes into the pixels as a solid, opaque fill. Nothing here blurs or pixelates.

use crate::ground::colour::Rgb;
use crate::ground::geometry::PixelBox;
use image::RgbImage;

/// Paints each box with the opaque fill colour.
pub fn burn(img: &mut RgbImage, boxes: &[PixelBox], fill: Rgb) {
    let width = img.width() as usize;
    let px = fill.to_array();
    let buf: &mut [u8] = img.as_mut();
    for b in boxes {
        let (x0, x1) = (b.x as usize, (b.x + b.width) as usize);
        for y in b.y as usize..(b.y + b.height) as usize {
            let row = &mut buf[(y * width + x0) * 3..(y * width + x1) * 3];
            for p in row.chunks_exact_mut(3) {
                p.copy_from_slice(&px);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn burns_exactly_the_box() {
        let mut img = RgbImage::from_pixel(4, 3, image::Rgb([9, 9, 9]));
        burn(
            &mut img,
            &[PixelBox {
                x: 1,
                y: 1,
                width: 2,
                height: 1,
            }],
            Rgb { r: 1, g: 2, b: 3 },
        );
        for (x, y, p) in img.enumerate_pixels() {
            let inside = (1..3).contains(&x) && y == 1;
            assert_eq!(p.0, if inside { [1, 2, 3] } else { [9, 9, 9] });
        }
    }
}
