//! Boxes: which line is right of, left of, below or above another.

use super::model::PxBox;

fn valid(b: &PxBox) -> bool {
    [b.x, b.y, b.w, b.h].iter().all(|v| v.is_finite()) && b.w > 0.0 && b.h > 0.0
}

fn right(b: &PxBox) -> f32 {
    b.x + b.w
}

fn bottom(b: &PxBox) -> f32 {
    b.y + b.h
}

/// The two boxes share at least half of the shorter one's height: one row of text.
fn same_row(a: &PxBox, b: &PxBox) -> bool {
    let overlap = bottom(a).min(bottom(b)) - a.y.max(b.y);
    overlap >= 0.5 * a.h.min(b.h)
}

/// The two boxes share a column: they overlap horizontally, or start within two line heights.
fn same_column(a: &PxBox, b: &PxBox) -> bool {
    let overlap = right(a).min(right(b)) - a.x.max(b.x);
    overlap > 0.0 || (a.x - b.x).abs() <= 2.0 * a.h
}

/// The nearest line on the same row to the right of line `i` (within 12 line heights), among
/// those `keep` accepts.
pub(super) fn right_of(boxes: &[PxBox], i: usize, keep: impl Fn(usize) -> bool) -> Option<usize> {
    let a = boxes.get(i).filter(|a| valid(a))?;
    nearest(boxes, i, keep, |b| {
        let gap = b.x - right(a);
        (same_row(a, b) && b.x >= right(a) - 0.5 * a.h && gap <= 12.0 * a.h).then_some(gap)
    })
}

/// The nearest line on the same row to the left of line `i` (within 12 line heights).
pub(super) fn left_of(boxes: &[PxBox], i: usize, keep: impl Fn(usize) -> bool) -> Option<usize> {
    let a = boxes.get(i).filter(|a| valid(a))?;
    nearest(boxes, i, keep, |b| {
        let gap = a.x - right(b);
        (same_row(a, b) && right(b) <= a.x + 0.5 * a.h && gap <= 12.0 * a.h).then_some(gap)
    })
}

/// The nearest line just below line `i`, in its column (its top within 1.5 line heights of
/// line `i`'s bottom).
pub(super) fn below(boxes: &[PxBox], i: usize, keep: impl Fn(usize) -> bool) -> Option<usize> {
    let a = boxes.get(i).filter(|a| valid(a))?;
    nearest(boxes, i, keep, |b| {
        let gap = b.y - bottom(a);
        (b.y >= a.y + 0.5 * a.h && gap <= 1.5 * a.h && same_column(a, b) && !same_row(a, b))
            .then_some(gap.max(0.0) + (b.x - a.x).abs() * 0.01)
    })
}

/// The nearest line just above line `i`, in its column.
pub(super) fn above(boxes: &[PxBox], i: usize, keep: impl Fn(usize) -> bool) -> Option<usize> {
    let a = boxes.get(i).filter(|a| valid(a))?;
    nearest(boxes, i, keep, |b| {
        let gap = a.y - bottom(b);
        (bottom(b) <= bottom(a) - 0.5 * a.h
            && gap <= 1.5 * a.h
            && same_column(a, b)
            && !same_row(a, b))
        .then_some(gap.max(0.0) + (b.x - a.x).abs() * 0.01)
    })
}

fn nearest(
    boxes: &[PxBox],
    i: usize,
    keep: impl Fn(usize) -> bool,
    distance: impl Fn(&PxBox) -> Option<f32>,
) -> Option<usize> {
    boxes
        .iter()
        .enumerate()
        .filter(|&(j, b)| j != i && valid(b) && keep(j))
        .filter_map(|(j, b)| distance(b).map(|d| (j, d)))
        .min_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(j, _)| j)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bx(x: f32, y: f32, w: f32, h: f32) -> PxBox {
        PxBox { x, y, w, h }
    }

    #[test]
    fn neighbours() {
        let boxes = [
            bx(10.0, 10.0, 60.0, 20.0),   // 0 "Name:"
            bx(120.0, 12.0, 120.0, 20.0), // 1 right of 0
            bx(10.0, 36.0, 100.0, 20.0),  // 2 below 0
            bx(600.0, 10.0, 50.0, 20.0),  // 3 same row, too far (> 12 heights)
            bx(10.0, 200.0, 100.0, 20.0), // 4 far below
        ];
        let all = |_| true;
        assert_eq!(right_of(&boxes, 0, all), Some(1));
        assert_eq!(left_of(&boxes, 1, all), Some(0));
        assert_eq!(below(&boxes, 0, all), Some(2));
        assert_eq!(above(&boxes, 2, all), Some(0));
        assert_eq!(below(&boxes, 2, all), None);
        assert_eq!(right_of(&boxes, 0, |j| j != 1), None);
        assert_eq!(right_of(&boxes, 9, all), None);
        let bad = [bx(f32::NAN, 0.0, 1.0, 1.0), bx(5.0, 0.0, 1.0, 1.0)];
        assert_eq!(right_of(&bad, 0, all), None);
        assert_eq!(left_of(&bad, 1, all), None);
    }
}
