//! Boxes: as requested (fractions allowed, in the coordinates of the picture as seen), and as
//! burned (whole pixels, rounded outwards and clipped to the image).

use super::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// A box as requested, in pixels of the image as a person sees it (after orientation).
/// Fractions are allowed; they round outwards.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// A box as burned: whole pixels, inside the image. `x + width <= image width`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PixelBox {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

impl Rect {
    pub fn new(x: f64, y: f64, width: f64, height: f64) -> Rect {
        Rect {
            x,
            y,
            width,
            height,
        }
    }
}

/// Rounds box `index` outwards to whole pixels and clips it to a `w` × `h` image.
pub fn to_pixels(index: usize, r: &Rect, w: u32, h: u32) -> Result<PixelBox> {
    let bad = |reason: &str| Error::BadBox {
        index,
        reason: reason.to_string(),
    };
    if ![r.x, r.y, r.width, r.height].iter().all(|v| v.is_finite()) {
        return Err(bad("has a coordinate that is not a number"));
    }
    if r.width <= 0.0 || r.height <= 0.0 {
        return Err(bad(&format!(
            "has no area ({} × {} pixels); drag to give it a size",
            r.width, r.height
        )));
    }
    let x0 = r.x.floor().max(0.0);
    let y0 = r.y.floor().max(0.0);
    let x1 = (r.x + r.width).ceil().min(f64::from(w));
    let y1 = (r.y + r.height).ceil().min(f64::from(h));
    if x1 <= x0 || y1 <= y0 {
        return Err(bad(&format!("lies wholly outside the {w} × {h} image")));
    }
    // All four are whole numbers within 0..=u32::MAX after the clamps above.
    Ok(PixelBox {
        x: x0 as u32,
        y: y0 as u32,
        width: (x1 - x0) as u32,
        height: (y1 - y0) as u32,
    })
}

/// Resolves every requested box (none is no work: `redact` refuses an empty list itself).
pub fn resolve(boxes: &[Rect], w: u32, h: u32) -> Result<Vec<PixelBox>> {
    boxes
        .iter()
        .enumerate()
        .map(|(i, r)| to_pixels(i, r, w, h))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_outwards_and_clips() {
        let b = to_pixels(0, &Rect::new(1.5, 2.2, 3.1, 0.1), 10, 10).unwrap();
        assert_eq!(
            b,
            PixelBox {
                x: 1,
                y: 2,
                width: 4,
                height: 1
            }
        );
        let b = to_pixels(0, &Rect::new(-5.0, 8.0, 7.0, 100.0), 10, 10).unwrap();
        assert_eq!(
            b,
            PixelBox {
                x: 0,
                y: 8,
                width: 2,
                height: 2
            }
        );
    }

    #[test]
    fn rejects_bad_boxes_by_number() {
        let e = to_pixels(2, &Rect::new(20.0, 0.0, 5.0, 5.0), 10, 10).unwrap_err();
        assert!(
            e.to_string().starts_with("box 3 lies wholly outside"),
            "{e}"
        );
        assert!(to_pixels(0, &Rect::new(0.0, 0.0, 0.0, 5.0), 10, 10).is_err());
        assert!(to_pixels(0, &Rect::new(0.0, 0.0, -1.0, 5.0), 10, 10).is_err());
        assert!(to_pixels(0, &Rect::new(f64::NAN, 0.0, 1.0, 5.0), 10, 10).is_err());
        assert!(to_pixels(0, &Rect::new(0.0, 0.0, f64::INFINITY, 5.0), 10, 10).is_err());
        assert_eq!(
            resolve(&[], 10, 10),
            Ok(vec![]),
            "no boxes is the caller's question"
        );
    }
}
