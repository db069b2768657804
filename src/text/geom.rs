//! Plane geometry for the DB post-processing: convex hull, minimum-area rectangle, and the
//! rectangle's corners in reading order.

pub type Pt = [f32; 2];

fn cross(o: Pt, a: Pt, b: Pt) -> f32 {
    (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
}

/// Convex hull (Andrew's monotone chain), counter-clockwise in a y-down frame, no repeats.
pub fn convex_hull(mut pts: Vec<Pt>) -> Vec<Pt> {
    pts.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let mut hull: Vec<Pt> = Vec::with_capacity(pts.len() * 2);
    for pass in 0..2 {
        let start = hull.len();
        let iter: Box<dyn Iterator<Item = &Pt>> = if pass == 0 {
            Box::new(pts.iter())
        } else {
            Box::new(pts.iter().rev())
        };
        for &p in iter {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], p) <= 0.0
            {
                hull.pop();
            }
            hull.push(p);
        }
        hull.pop();
    }
    hull
}

/// A rotated rectangle: centre, unit vector along its width (the reading direction, within
/// 45° of +x), width and height.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotRect {
    pub centre: Pt,
    pub axis: Pt,
    pub width: f32,
    pub height: f32,
}

impl RotRect {
    /// Corners: top-left, top-right, bottom-right, bottom-left as read (y down).
    pub fn corners(&self) -> [Pt; 4] {
        let [ux, uy] = self.axis;
        let (vx, vy) = (-uy, ux); // perpendicular, pointing down when the axis points right
        let (hw, hh) = (self.width / 2.0, self.height / 2.0);
        let [cx, cy] = self.centre;
        let p = |a: f32, b: f32| [cx + ux * a + vx * b, cy + uy * a + vy * b];
        [p(-hw, -hh), p(hw, -hh), p(hw, hh), p(-hw, hh)]
    }

    /// Tilt of the reading direction from horizontal, in degrees (−45..45).
    pub fn tilt_degrees(&self) -> f32 {
        self.axis[1].atan2(self.axis[0]).to_degrees()
    }

    /// The same rectangle grown by `d` on every side.
    pub fn grown(&self, d: f32) -> RotRect {
        RotRect {
            width: self.width + 2.0 * d,
            height: self.height + 2.0 * d,
            ..*self
        }
    }
}

/// The smallest-area rectangle enclosing `hull` (rotating calipers over the hull's edges).
pub fn min_area_rect(hull: &[Pt]) -> Option<RotRect> {
    if hull.is_empty() {
        return None;
    }
    let mut best: Option<(f32, RotRect)> = None;
    let n = hull.len();
    for i in 0..n.max(1) {
        let a = hull[i];
        let b = hull[(i + 1) % n];
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = (dx * dx + dy * dy).sqrt();
        let (ux, uy) = if len > 1e-6 {
            (dx / len, dy / len)
        } else {
            (1.0, 0.0)
        };
        let (mut lo_u, mut hi_u, mut lo_v, mut hi_v) = (f32::MAX, f32::MIN, f32::MAX, f32::MIN);
        for p in hull {
            let u = p[0] * ux + p[1] * uy;
            let v = -p[0] * uy + p[1] * ux;
            lo_u = lo_u.min(u);
            hi_u = hi_u.max(u);
            lo_v = lo_v.min(v);
            hi_v = hi_v.max(v);
        }
        let area = (hi_u - lo_u) * (hi_v - lo_v);
        if best.as_ref().map_or(true, |(a, _)| area < *a - 1e-3) {
            let (cu, cv) = ((lo_u + hi_u) / 2.0, (lo_v + hi_v) / 2.0);
            let centre = [cu * ux - cv * uy, cu * uy + cv * ux];
            best = Some((area, upright(centre, [ux, uy], hi_u - lo_u, hi_v - lo_v)));
        }
    }
    best.map(|(_, r)| r)
}

/// Re-expresses a rectangle so its axis is within 45° of +x (swapping width and height if the
/// edge direction found was closer to vertical).
fn upright(centre: Pt, axis: Pt, w: f32, h: f32) -> RotRect {
    let [mut ux, mut uy] = axis;
    let (mut w, mut h) = (w, h);
    if uy.abs() > ux.abs() {
        // rotate the axis by −90°: (ux, uy) -> (uy, −ux)
        (ux, uy) = (uy, -ux);
        std::mem::swap(&mut w, &mut h);
    }
    if ux < 0.0 {
        (ux, uy) = (-ux, -uy);
    }
    RotRect {
        centre,
        axis: [ux, uy],
        width: w,
        height: h,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rect_of_a_tilted_rectangle() {
        let r = RotRect {
            centre: [50.0, 40.0],
            axis: [0.2f32.cos(), 0.2f32.sin()],
            width: 60.0,
            height: 10.0,
        };
        let hull = convex_hull(r.corners().to_vec());
        let m = min_area_rect(&hull).unwrap();
        assert!(
            (m.width - 60.0).abs() < 1e-3 && (m.height - 10.0).abs() < 1e-3,
            "{m:?}"
        );
        assert!((m.tilt_degrees() - 0.2f32.to_degrees()).abs() < 1e-2);
        let c = m.corners();
        assert!(c[0][0] < c[1][0] && c[0][1] < c[3][1]);
    }

    #[test]
    fn upright_box_from_pixel_corners() {
        let pts = vec![[0.0, 0.0], [10.0, 0.0], [10.0, 3.0], [0.0, 3.0], [5.0, 1.0]];
        let m = min_area_rect(&convex_hull(pts)).unwrap();
        assert_eq!((m.width, m.height), (10.0, 3.0));
        assert_eq!(m.tilt_degrees(), 0.0);
    }
}
