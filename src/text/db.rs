//! DB post-processing of the stitched probability map (as PP-OCR's detector expects): threshold,
//! connected components, box score, minimum-area rectangle, unclip (grow), back to image pixels.

use super::cc::components;
use super::geom::{convex_hull, min_area_rect, Pt};
use super::line::{pixel_box, TextLine, TILT_DEGREES};
use super::net::ProbMap;

/// DBNet predicts shrunk text kernels; a rectangle of area A and perimeter L grows by
/// `A · UNCLIP / L` on each side to cover the whole line.
pub const UNCLIP: f32 = 1.6;
/// Components smaller than this (network pixels, on their shorter side) are noise.
pub const MIN_SIDE: u32 = 2;

/// `threshold` and `box_score` as in [`super::Options`].
pub fn lines_from_map(
    map: &ProbMap,
    img_w: u32,
    img_h: u32,
    threshold: f32,
    box_score: f32,
) -> Vec<TextLine> {
    let t = (threshold * 255.0).round() as u8;
    let mask: Vec<u8> = map.prob.iter().map(|&p| u8::from(p >= t)).collect();
    let comps = components(&mask, map.width, map.height, true);
    drop(mask);
    let inv = 1.0 / map.scale;
    let mut lines = Vec::new();
    for c in comps {
        if c.width().min(c.height()) < MIN_SIDE || c.count < 6 {
            continue;
        }
        let sum: u64 = c
            .pixels
            .iter()
            .map(|&i| u64::from(map.prob[i as usize]))
            .sum();
        let score = sum as f32 / c.count as f32 / 255.0;
        if score < box_score {
            continue;
        }
        // Hull of the outer corners of each row's leftmost and rightmost pixel.
        let mut ends: Vec<(u32, u32)> = vec![(u32::MAX, 0); c.height() as usize];
        for &i in &c.pixels {
            let (x, y) = (i % map.width, i / map.width);
            let e = &mut ends[(y - c.y0) as usize];
            e.0 = e.0.min(x);
            e.1 = e.1.max(x + 1);
        }
        let mut pts: Vec<Pt> = Vec::with_capacity(ends.len() * 4);
        for (dy, &(l, r)) in ends.iter().enumerate() {
            if l == u32::MAX {
                continue;
            }
            let y = (c.y0 + dy as u32) as f32;
            pts.extend([
                [l as f32, y],
                [l as f32, y + 1.0],
                [r as f32, y],
                [r as f32, y + 1.0],
            ]);
        }
        let Some(rect) = min_area_rect(&convex_hull(pts)) else {
            continue;
        };
        let grow = rect.width * rect.height * UNCLIP / (2.0 * (rect.width + rect.height));
        let rect = rect.grown(grow);
        let corners = rect.corners().map(|[x, y]| [x * inv, y * inv]);
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for [x, y] in corners {
            x0 = x0.min(x);
            y0 = y0.min(y);
            x1 = x1.max(x);
            y1 = y1.max(y);
        }
        let Some(bbox) = pixel_box(x0, y0, x1, y1, img_w, img_h) else {
            continue;
        };
        let quad = (rect.tilt_degrees().abs() > TILT_DEGREES).then_some(corners);
        lines.push(TextLine {
            bbox,
            quad,
            confidence: score,
        });
    }
    lines
}
