//! The fast path for clean renders (screenshots, exported reports): text drawn crisply over
//! flat colour has strong edges between neighbouring pixels, which flat UI and photographs
//! inside the render mostly lack.
//!
//! 1. Edge mask: a pixel and its right (or lower) neighbour differ by ≥ [`EDGE`] in some channel
//!    (colour text on colour counts as much as black on white).
//! 2. Straight rules (box outlines, table lines, separators) are removed: horizontal or vertical
//!    runs of edge pixels longer than [`RULE`].
//! 3. The mask is dilated by one pixel, so the glyphs of a word join; its connected components
//!    are glyph clusters. A cluster too big or sparse for text (a picture's rim, a curve), or tall
//!    and no wider than twice its height (a small picture), is taken apart again by its strong
//!    edges alone, which frees glyphs that touched it.
//! 4. Clusters are chained into lines: same row (vertical overlap of half the smaller), and a gap
//!    under [`GAP`] × their height. Small marks (dots, commas) join a line whose band holds them.
//! 5. A line must hold a glyph-sized cluster and an edge of at least [`STRONG`] (the speckle of
//!    a scan inside a report chains into "lines" of weak specks otherwise).
//! 6. Each line's box grows by a pixel plus [`PAD`] of its height (anti-aliasing, ascenders).

use super::cc::{components, Component};
use super::line::{pixel_box, TextLine};
use image::RgbImage;

pub const EDGE: u8 = 40;
/// Every text line has some edge at least this strong; the speckle of a scan or the noise of a
/// photo inside a render has only weaker ones.
pub const STRONG: u8 = 96;
pub const RULE: u32 = 64;
pub const GAP: f32 = 0.9;
pub const PAD: f32 = 0.08;
/// Clusters taller than this are pictures or frames, not text.
pub const MAX_HEIGHT: u32 = 160;
/// Clusters taller than this must be wide to count as text (see [`text_like`]).
pub const TALL: u32 = 64;
/// Lines lower than this are rules or noise.
pub const MIN_HEIGHT: u32 = 6;

pub fn find_lines(img: &RgbImage) -> Vec<TextLine> {
    let (w, h) = img.dimensions();
    let mut edges = edge_mask(img);
    remove_rules(&mut edges, w, h);
    let mask = dilate(&edges, w, h);
    // Glyph clusters, each with whether it holds a strong edge, sorted left to right.
    let mut found: Vec<(Component, Evidence)> = Vec::new();
    for c in components(&mask, w, h, true) {
        if text_like(&c) {
            let strong = c.pixels.iter().any(|&i| mask[i as usize] >= 2);
            found.push((
                Component {
                    pixels: Vec::new(),
                    ..c
                },
                if strong {
                    Evidence::Strong
                } else {
                    Evidence::Weak
                },
            ));
        } else {
            // A picture's rim or a curve, maybe with glyphs touching it: its strong edges
            // alone (a rim's are soft) may still hold text.
            found.extend(
                strong_parts(&c, &edges, w)
                    .into_iter()
                    .map(|p| (p, Evidence::Part)),
            );
        }
    }
    drop(edges);
    drop(mask);
    found.sort_by_key(|(c, _)| (c.x0, c.y0));
    let (clusters, evidence): (Vec<Component>, Vec<Evidence>) = found.into_iter().unzip();
    let groups = chain(&clusters);
    let mut lines = Vec::new();
    for members in groups {
        let (mut x0, mut y0, mut x1, mut y1, mut px, mut tallest) =
            (u32::MAX, u32::MAX, 0, 0, 0u64, 0);
        let (mut has_strong, mut parts) = (false, 0);
        for &i in &members {
            let c = &clusters[i];
            tallest = tallest.max(c.height());
            has_strong |= evidence[i] != Evidence::Weak;
            parts += usize::from(evidence[i] == Evidence::Part);
            x0 = x0.min(c.x0);
            y0 = y0.min(c.y0);
            x1 = x1.max(c.x1);
            y1 = y1.max(c.y1);
            px += u64::from(c.count);
        }
        let lh = y1 - y0;
        // A line holds at least one glyph-sized cluster; specks of picture noise chained
        // together (an OCT scan's speckle) do not.
        // pieces of a picture's rim stand alone; freed glyphs (words, as dilated) come two or
        // more in a row (three lost a two-word name over a fundus thumbnail at 1152 px)
        if parts == members.len() && parts < 2 {
            continue;
        }
        if !has_strong
            || !(MIN_HEIGHT..=MAX_HEIGHT).contains(&lh)
            || tallest < MIN_HEIGHT + 1
            || tallest * 2 < lh
        {
            continue;
        }
        let pad = 1.0 + PAD * lh as f32;
        let Some(bbox) = pixel_box(
            x0 as f32 - pad,
            y0 as f32 - pad,
            x1 as f32 + pad,
            y1 as f32 + pad,
            w,
            h,
        ) else {
            continue;
        };
        // Glyph clusters fill a good part of their line's box; a sparse spray of noise does not.
        let fill = px as f32 / ((x1 - x0) as f32 * lh as f32);
        lines.push(TextLine {
            bbox,
            quad: None,
            confidence: (fill * 1.5).clamp(0.05, 1.0),
        });
    }
    lines.sort_by_key(|l| (l.bbox.y, l.bbox.x));
    lines
}

/// What a cluster shows of text: only weak edges, a strong one, or it is a strong part freed
/// from a picture-like cluster ([`strong_parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evidence {
    Weak,
    Strong,
    Part,
}

/// Glyph clusters are at most [`MAX_HEIGHT`] tall and, when large, dense (a frame, a picture's
/// rim or a plot's curve is big and sparse). A cluster taller than [`TALL`] is a word of large
/// type only if it is at least twice as wide as it is tall: a small picture (a fundus thumbnail
/// under [`MAX_HEIGHT`], its rim and vessels one cluster) is about as wide as tall.
fn text_like(c: &Component) -> bool {
    c.height() <= MAX_HEIGHT
        && !(c.height() > TALL && c.width() < 2 * c.height())
        && !(c.width() > 8 * MAX_HEIGHT && c.height() > MAX_HEIGHT / 2)
        && (c.height().min(c.width()) < 24 || c.count * 6 >= c.width() * c.height())
}

/// The text-like clusters among the strong edges (undilated `edges` level 2) of a cluster that
/// is not text-like itself, each dilated as the main mask is.
fn strong_parts(c: &Component, edges: &[u8], w: u32) -> Vec<Component> {
    let (cw, ch) = (c.width(), c.height());
    let mut local = vec![0u8; cw as usize * ch as usize];
    let mut any = false;
    for &i in &c.pixels {
        if edges[i as usize] >= 2 {
            local[((i / w - c.y0) * cw + i % w - c.x0) as usize] = 1;
            any = true;
        }
    }
    if !any {
        return Vec::new();
    }
    let local = dilate(&local, cw, ch);
    components(&local, cw, ch, false)
        .into_iter()
        .filter(|p| text_like(p) && p.height() >= MIN_HEIGHT && p.height() <= 4 * p.width().max(1))
        .map(|p| Component {
            x0: p.x0 + c.x0,
            y0: p.y0 + c.y0,
            x1: p.x1 + c.x0,
            y1: p.y1 + c.y0,
            ..p
        })
        .collect()
}

fn edge_mask(img: &RgbImage) -> Vec<u8> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let raw = img.as_raw();
    let mut mask = vec![0u8; w * h];
    // 0: no edge, 1: an edge, 2: a strong edge (as only drawn text and lines have)
    let level = |a: usize, b: usize| {
        let d = (0..3)
            .map(|c| raw[a * 3 + c].abs_diff(raw[b * 3 + c]))
            .max()
            .unwrap_or(0);
        u8::from(d >= EDGE) + u8::from(d >= STRONG)
    };
    for y in 0..h {
        for x in 0..w {
            let i = y * w + x;
            if x + 1 < w {
                let v = level(i, i + 1);
                mask[i] = mask[i].max(v);
                mask[i + 1] = mask[i + 1].max(v);
            }
            if y + 1 < h {
                let v = level(i, i + w);
                mask[i] = mask[i].max(v);
                mask[i + w] = mask[i + w].max(v);
            }
        }
    }
    mask
}

/// Clears horizontal and vertical runs of set pixels longer than [`RULE`].
fn remove_rules(mask: &mut [u8], w: u32, h: u32) {
    let (w, h) = (w as usize, h as usize);
    let mut clear = vec![false; w * h];
    let mut scan =
        |len: usize, count: usize, index: &dyn Fn(usize, usize) -> usize, mask: &[u8]| {
            for line in 0..count {
                let mut start = 0;
                for k in 0..=len {
                    let set = k < len && mask[index(line, k)] != 0;
                    if !set {
                        if k - start > RULE as usize {
                            for j in start..k {
                                clear[index(line, j)] = true;
                            }
                        }
                        start = k + 1;
                    }
                }
            }
        };
    scan(w, h, &|row, k| row * w + k, mask);
    scan(h, w, &|col, k| k * w + col, mask);
    for (m, c) in mask.iter_mut().zip(clear) {
        if c {
            *m = 0;
        }
    }
}

/// 3×3 dilation (grey: each pixel takes the largest level around it).
fn dilate(mask: &[u8], w: u32, h: u32) -> Vec<u8> {
    let (w, h) = (w as usize, h as usize);
    let mut horiz = vec![0u8; w * h];
    for y in 0..h {
        let row = &mask[y * w..(y + 1) * w];
        for x in 0..w {
            let lo = x.saturating_sub(1);
            let hi = (x + 2).min(w);
            horiz[y * w + x] = row[lo..hi].iter().copied().max().unwrap_or(0);
        }
    }
    let mut out = vec![0u8; w * h];
    for y in 0..h {
        let lo = y.saturating_sub(1);
        let hi = (y + 2).min(h);
        for x in 0..w {
            out[y * w + x] = (lo..hi).map(|yy| horiz[yy * w + x]).max().unwrap_or(0);
        }
    }
    out
}

/// Groups clusters (sorted by x0) into lines with union-find; returns member lists in order.
fn chain(cs: &[Component]) -> Vec<Vec<usize>> {
    let n = cs.len();
    let mut parent: Vec<usize> = (0..n).collect();
    fn find(p: &mut [usize], mut a: usize) -> usize {
        while p[a] != a {
            p[a] = p[p[a]];
            a = p[a];
        }
        a
    }
    let max_gap = (GAP * MAX_HEIGHT as f32) as u32;
    for (a, ca) in cs.iter().enumerate() {
        for (b, cb) in cs.iter().enumerate().skip(a + 1) {
            if cb.x0 > ca.x1 + max_gap {
                break;
            }
            if joins(ca, cb) {
                let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
                if ra != rb {
                    parent[ra.max(rb)] = ra.min(rb);
                }
            }
        }
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index = vec![usize::MAX; n];
    for i in 0..n {
        let r = find(&mut parent, i);
        if index[r] == usize::MAX {
            index[r] = groups.len();
            groups.push(Vec::new());
        }
        groups[index[r]].push(i);
    }
    groups
}

/// Whether two clusters belong to one line (`b` starts at or right of `a`'s start).
fn joins(a: &Component, b: &Component) -> bool {
    let (ha, hb) = (a.height(), b.height());
    let (big, small) = if ha >= hb { (a, b) } else { (b, a) };
    let overlap = a.y1.min(b.y1) as i64 - a.y0.max(b.y0) as i64;
    let gap = b.x0 as i64 - a.x1 as i64;
    let limit = (GAP * ha.max(hb) as f32) as i64;
    if gap > limit {
        return false;
    }
    if small.height() * 5 < big.height() * 2 {
        // a dot or comma: close by, inside the big one's band (with a fifth of its height to spare)
        if gap > (2 * small.height()).max(3) as i64 {
            return false;
        }
        let spare = big.height() as i64 / 5;
        return small.y0 as i64 >= big.y0 as i64 - spare
            && small.y1 as i64 <= big.y1 as i64 + spare;
    }
    overlap * 2 >= ha.min(hb) as i64 && small.height() * 5 >= big.height() * 2
}
