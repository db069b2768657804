//! Flattening: compositing pixels with alpha onto an opaque background, so that no colour
//! survives under transparent pixels and the output has no alpha channel.

use crate::ground::colour::Rgb;
#[cfg(feature = "all-formats")]
use image::DynamicImage;
use image::RgbImage;

/// `flatten_rgba` for any `image` crate picture; one without alpha is converted to 8-bit RGB
/// as it is.
#[cfg(feature = "all-formats")]
pub fn flatten(img: DynamicImage, bg: Rgb) -> (RgbImage, u64, bool) {
    if !img.color().has_alpha() {
        return (img.into_rgb8(), 0, false);
    }
    let rgba = img.into_rgba8();
    let (w, h) = rgba.dimensions();
    flatten_rgba(w, h, rgba.as_raw(), bg)
}

/// Composites 8-bit RGBA pixels onto an opaque background so that no colour survives under
/// transparent pixels. Returns the picture, the count of fully transparent pixels that were
/// hiding a colour, and whether any pixel was less than opaque (a GIF decodes to RGBA even
/// when it is opaque).
pub fn flatten_rgba(w: u32, h: u32, rgba: &[u8], bg: Rgb) -> (RgbImage, u64, bool) {
    let mut out = RgbImage::new(w, h);
    let mut hidden = 0u64;
    let mut translucent = false;
    // Runs of 64 pixels: wholly opaque runs (most of any picture) are copied as they are,
    // which is what the blend below gives for alpha 255.
    const RUN: usize = 64;
    let bgc = [u32::from(bg.r), u32::from(bg.g), u32::from(bg.b)];
    let mut dst_runs = out.as_mut().chunks_mut(3 * RUN);
    for src_run in rgba.chunks(4 * RUN) {
        let Some(dst_run) = dst_runs.next() else {
            break;
        };
        let pixels = dst_run.chunks_exact_mut(3).zip(src_run.chunks_exact(4));
        if src_run.chunks_exact(4).all(|p| p[3] == 255) {
            for (d, s) in pixels {
                d.copy_from_slice(&s[..3]);
            }
            continue;
        }
        for (d, s) in pixels {
            let a = u32::from(s[3]);
            hidden += u64::from(a == 0 && (s[0] | s[1] | s[2]) != 0);
            translucent |= a != 255;
            let inv = 255 - a;
            for k in 0..3 {
                // Exact rounding of (s·a + b·(255−a)) / 255.
                let v = u32::from(s[k]) * a + bgc[k] * inv;
                d[k] = ((v + 127) / 255) as u8;
            }
        }
    }
    (out, hidden, translucent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Rgba, RgbaImage};

    #[test]
    fn hidden_colour_under_zero_alpha_is_gone() {
        let mut img = RgbaImage::new(2, 1);
        img.put_pixel(0, 0, Rgba([200, 10, 10, 0]));
        img.put_pixel(1, 0, Rgba([10, 20, 30, 255]));
        let (out, hidden, _) = flatten_rgba(img.width(), img.height(), img.as_raw(), Rgb::WHITE);
        assert_eq!(hidden, 1);
        assert_eq!(out.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(out.get_pixel(1, 0).0, [10, 20, 30]);
    }

    #[test]
    fn opaque_runs_and_blended_pixels_agree_with_the_formula() {
        // 150 pixels: whole opaque runs of 64, a run with one translucent pixel, a short tail.
        let bg = Rgb {
            r: 9,
            g: 120,
            b: 250,
        };
        let img = RgbaImage::from_fn(150, 1, |x, _| {
            let a = match x {
                70 => 0,
                71 => 128,
                140 => 3,
                _ => 255,
            };
            Rgba([(x * 7) as u8, (x * 13) as u8, (x * 29) as u8, a])
        });
        let (out, hidden, translucent) = flatten_rgba(img.width(), img.height(), img.as_raw(), bg);
        assert_eq!((hidden, translucent), (1, true));
        for (x, p) in img.pixels().enumerate() {
            let a = u32::from(p.0[3]);
            let want: Vec<u8> = (0..3)
                .map(|k| {
                    let b = [bg.r, bg.g, bg.b][k];
                    ((u32::from(p.0[k]) * a + u32::from(b) * (255 - a) + 127) / 255) as u8
                })
                .collect();
            assert_eq!(out.get_pixel(x as u32, 0).0.to_vec(), want, "pixel {x}");
        }
        let opaque = RgbaImage::from_pixel(200, 3, Rgba([1, 2, 3, 255]));
        let (out, hidden, translucent) =
            flatten_rgba(opaque.width(), opaque.height(), opaque.as_raw(), bg);
        assert_eq!((hidden, translucent), (0, false));
        assert!(out.pixels().all(|p| p.0 == [1, 2, 3]));
    }

    #[test]
    fn half_alpha_blends() {
        let img = RgbaImage::from_pixel(1, 1, Rgba([0, 0, 0, 128]));
        let (out, _, _) = flatten_rgba(img.width(), img.height(), img.as_raw(), Rgb::WHITE);
        assert_eq!(out.get_pixel(0, 0).0, [127, 127, 127]);
    }
}
