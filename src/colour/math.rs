//! The few colour formulas the module needs: chromaticities to an RGB → XYZ matrix, Bradford
//! adaptation to D50, 3×3 inverse, the sRGB curve, CIELAB and ΔE76.

pub type M3 = [[f64; 3]; 3];

/// `base^g` for a base in 0–1 (0 for anything not above 0).
pub fn pow(base: f64, g: f64) -> f64 {
    if base > 0.0 {
        base.powf(g)
    } else {
        0.0
    }
}

pub fn mul(a: &M3, b: &M3) -> M3 {
    let mut r = [[0.0; 3]; 3];
    for (i, row) in r.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = a[i][0] * b[0][j] + a[i][1] * b[1][j] + a[i][2] * b[2][j];
        }
    }
    r
}

pub fn apply(m: &M3, v: [f64; 3]) -> [f64; 3] {
    m.map(|r| r[0] * v[0] + r[1] * v[1] + r[2] * v[2])
}

/// The inverse, or `None` when `m` is (nearly) singular.
pub fn inverse(m: &M3) -> Option<M3> {
    let c = |r: usize, c: usize| {
        let (r1, r2) = ((r + 1) % 3, (r + 2) % 3);
        let (c1, c2) = ((c + 1) % 3, (c + 2) % 3);
        m[r1][c1] * m[r2][c2] - m[r1][c2] * m[r2][c1]
    };
    let det = m[0][0] * c(0, 0) + m[0][1] * c(0, 1) + m[0][2] * c(0, 2);
    if !det.is_finite() || det.abs() < 1e-9 {
        return None;
    }
    let mut r = [[0.0; 3]; 3];
    for (i, row) in r.iter_mut().enumerate() {
        for (j, v) in row.iter_mut().enumerate() {
            *v = c(j, i) / det;
        }
    }
    Some(r)
}

/// XYZ (Y = 1) of chromaticity (x, y).
pub fn xy_to_xyz([x, y]: [f64; 2]) -> [f64; 3] {
    [x / y, 1.0, (1.0 - x - y) / y]
}

const BRADFORD: M3 = [
    [0.8951, 0.2664, -0.1614],
    [-0.7502, 1.7135, 0.0367],
    [0.0389, -0.0685, 1.0296],
];

/// Bradford adaptation from white `src` to white `dst` (XYZ).
pub fn bradford(src: [f64; 3], dst: [f64; 3]) -> Option<M3> {
    let s = apply(&BRADFORD, src);
    let d = apply(&BRADFORD, dst);
    let scale = [
        [d[0] / s[0], 0.0, 0.0],
        [0.0, d[1] / s[1], 0.0],
        [0.0, 0.0, d[2] / s[2]],
    ];
    Some(mul(&inverse(&BRADFORD)?, &mul(&scale, &BRADFORD)))
}

/// Linear RGB → XYZ (D50) for primaries and white given as chromaticities: the colorants an
/// ICC profile stores (adapted with Bradford, as ICC v4 and every common CMM do).
pub fn rgb_to_d50(primaries: [[f64; 2]; 3], white: [f64; 2], d50: [f64; 3]) -> Option<M3> {
    let p = primaries.map(xy_to_xyz);
    let m = [0, 1, 2].map(|r| [p[0][r], p[1][r], p[2][r]]);
    let w = xy_to_xyz(white);
    let s = apply(&inverse(&m)?, w);
    let scaled = m.map(|r| [r[0] * s[0], r[1] * s[1], r[2] * s[2]]);
    Some(mul(&bradford(w, d50)?, &scaled))
}

/// sRGB (IEC 61966-2-1) encoded → linear.
pub fn srgb_to_linear(v: f64) -> f64 {
    if v <= 0.04045 {
        v / 12.92
    } else {
        pow((v + 0.055) / 1.055, 2.4)
    }
}

/// Linear → sRGB encoded, clamped to 0–1.
pub fn linear_to_srgb(v: f64) -> f64 {
    let v = v.clamp(0.0, 1.0);
    if v <= 0.0031308 {
        v * 12.92
    } else {
        1.055 * pow(v, 1.0 / 2.4) - 0.055
    }
}

/// CIELAB of XYZ relative to white `w` (out of line: the classifier's grid and the fill
/// search call it thousands of times, and one copy is all the module needs).
#[inline(never)]
pub fn lab(xyz: [f64; 3], w: [f64; 3]) -> [f64; 3] {
    let f = |t: f64| {
        if t > 216.0 / 24389.0 {
            pow(t, 1.0 / 3.0)
        } else {
            (24389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    let (fx, fy, fz) = (f(xyz[0] / w[0]), f(xyz[1] / w[1]), f(xyz[2] / w[2]));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

pub fn delta_e76(a: [f64; 3], b: [f64; 3]) -> f64 {
    let d = [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
    (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt()
}
