//! Connected components of a binary mask (8-connected), in one pass with union-find, returning
//! for each component its pixels' bounding box, count and (optionally) its pixels.

/// One component: bounding box (inclusive-exclusive) and pixel count; `pixels` are `y*w+x`.
#[derive(Debug, Clone)]
pub struct Component {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
    pub count: u32,
    pub pixels: Vec<u32>,
}

impl Component {
    pub fn width(&self) -> u32 {
        self.x1 - self.x0
    }
    pub fn height(&self) -> u32 {
        self.y1 - self.y0
    }
}

fn find(parent: &mut [u32], mut a: u32) -> u32 {
    while parent[a as usize] != a {
        let up = parent[parent[a as usize] as usize];
        parent[a as usize] = up;
        a = up;
    }
    a
}

fn union(parent: &mut [u32], a: u32, b: u32) -> u32 {
    let (ra, rb) = (find(parent, a), find(parent, b));
    let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
    parent[hi as usize] = lo;
    lo
}

/// The components of `mask` (`w`×`h`, nonzero = set), in order of their first pixel (row-major).
/// With `keep_pixels`, each carries its pixel indices.
pub fn components(mask: &[u8], w: u32, h: u32, keep_pixels: bool) -> Vec<Component> {
    let (wu, n) = (w as usize, w as usize * h as usize);
    const NONE: u32 = u32::MAX;
    let mut label = vec![NONE; n];
    let mut parent: Vec<u32> = Vec::new();
    for y in 0..h as usize {
        for x in 0..wu {
            let i = y * wu + x;
            if mask[i] == 0 {
                continue;
            }
            let mut l = NONE;
            let join = |l: &mut u32, other: u32, parent: &mut Vec<u32>| {
                if other != NONE {
                    *l = if *l == NONE {
                        find(parent, other)
                    } else {
                        union(parent, *l, other)
                    };
                }
            };
            if x > 0 {
                join(&mut l, label[i - 1], &mut parent);
            }
            if y > 0 {
                let up = i - wu;
                if x > 0 {
                    join(&mut l, label[up - 1], &mut parent);
                }
                join(&mut l, label[up], &mut parent);
                if x + 1 < wu {
                    join(&mut l, label[up + 1], &mut parent);
                }
            }
            if l == NONE {
                l = parent.len() as u32;
                parent.push(l);
            }
            label[i] = l;
        }
    }
    // roots -> dense ids in order of first appearance
    let mut dense = vec![NONE; parent.len()];
    let mut comps: Vec<Component> = Vec::new();
    for y in 0..h {
        for x in 0..w {
            let i = (y * w + x) as usize;
            if label[i] == NONE {
                continue;
            }
            let root = find(&mut parent, label[i]) as usize;
            if dense[root] == NONE {
                dense[root] = comps.len() as u32;
                comps.push(Component {
                    x0: x,
                    y0: y,
                    x1: x + 1,
                    y1: y + 1,
                    count: 0,
                    pixels: Vec::new(),
                });
            }
            let c = &mut comps[dense[root] as usize];
            c.x0 = c.x0.min(x);
            c.x1 = c.x1.max(x + 1);
            c.y1 = y + 1;
            c.count += 1;
            if keep_pixels {
                c.pixels.push(i as u32);
            }
        }
    }
    comps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_blobs_and_a_diagonal() {
        #[rustfmt::skip]
        let m = [
            1, 1, 0, 0, 1,
            0, 1, 0, 1, 0,
            0, 0, 0, 0, 0,
            1, 0, 0, 0, 0,
        ];
        let c = components(&m, 5, 4, true);
        assert_eq!(c.len(), 3);
        assert_eq!(
            (c[0].x0, c[0].y0, c[0].x1, c[0].y1, c[0].count),
            (0, 0, 2, 2, 3)
        );
        assert_eq!((c[1].x0, c[1].x1, c[1].count), (3, 5, 2));
        assert_eq!((c[2].y0, c[2].count), (3, 1));
    }
}
