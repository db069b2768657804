//! Re-padding of partial edge blocks. When the width or height is not a multiple of a
//! component's block size, the blocks along the right and bottom edges are partly outside the
//! image: every decoder crops their invisible part, but it can still hold data (a file cropped
//! with `jpegtran -crop` keeps a strip of the cropped-away picture there, an aCropalypse-style
//! remnant). Each such block is decoded to samples (accurate float IDCT, rounded and clamped to
//! whole levels as a decoder shows them), its invisible samples are replaced by the last visible
//! column and row (the corner by the corner sample), and it is transformed and quantised again
//! (round to nearest) with the same table: the new block depends on the visible pixels alone. Visible samples change only by that
//! requantisation; blocks wholly inside the image are not touched.

use super::coefficients::{cos_pi_16, Coefficients, ZIGZAG};

/// The 8-point orthonormal DCT-II basis as JPEG scales it: `BASIS[u][x] = C(u)/2 ·
/// cos((2x+1)uπ/16)`, C(0) = 1/√2, else 1. The forward transform is `F = B f Bᵀ` and the inverse
/// `f = Bᵀ F B` (B is orthogonal).
#[derive(Debug, Clone)]
pub struct Dct {
    basis: [[f64; 8]; 8],
    /// `transposed[x][u] = basis[u][x]`.
    transposed: [[f64; 8]; 8],
}

impl Default for Dct {
    fn default() -> Self {
        Self::new()
    }
}

impl Dct {
    pub fn new() -> Dct {
        let mut basis = [[0.0; 8]; 8];
        for (u, row) in basis.iter_mut().enumerate() {
            let c = if u == 0 {
                std::f64::consts::FRAC_1_SQRT_2
            } else {
                1.0
            };
            for (x, v) in row.iter_mut().enumerate() {
                *v = 0.5 * c * cos_pi_16((2 * x + 1) * u);
            }
        }
        let mut transposed = [[0.0; 8]; 8];
        for (u, row) in basis.iter().enumerate() {
            for (x, &v) in row.iter().enumerate() {
                transposed[x][u] = v;
            }
        }
        Dct { basis, transposed }
    }

    /// Forward 2-D DCT of level-shifted samples (row-major, `[y·8 + x]`) to coefficients in
    /// natural order (`[v·8 + u]`, row = vertical frequency). Unquantised.
    pub fn forward(&self, samples: &[f64; 64]) -> [f64; 64] {
        self.forward_rows(samples, 8)
    }

    /// [`Dct::forward`] of a block whose rows from `rows` on repeat row `rows − 1` (only the
    /// first `rows` are read). Loops are written as multiply-adds into rows (vectorisable).
    fn forward_rows(&self, samples: &[f64; 64], rows: usize) -> [f64; 64] {
        let rows = rows.clamp(1, 8);
        let b = &self.basis;
        // Rows: t[y][u] = Σx B[u][x] f[y][x]; repeated rows transform alike.
        let mut t = [0.0; 64];
        for y in 0..rows {
            let mut acc = [0.0; 8];
            for x in 0..8 {
                let w = samples[y * 8 + x];
                let bt = &self.transposed[x];
                for u in 0..8 {
                    acc[u] += bt[u] * w;
                }
            }
            t[y * 8..y * 8 + 8].copy_from_slice(&acc);
        }
        for y in rows..8 {
            t.copy_within((rows - 1) * 8..rows * 8, y * 8);
        }
        // Columns: F[v][u] = Σy B[v][y] t[y][u]
        let mut out = [0.0; 64];
        for v in 0..8 {
            let mut acc = [0.0; 8];
            for y in 0..8 {
                let w = b[v][y];
                for u in 0..8 {
                    acc[u] += w * t[y * 8 + u];
                }
            }
            out[v * 8..v * 8 + 8].copy_from_slice(&acc);
        }
        out
    }

    /// Inverse 2-D DCT: coefficients in natural order to level-shifted samples (row-major).
    pub fn inverse(&self, coefs: &[f64; 64]) -> [f64; 64] {
        self.inverse_rows(coefs, 8)
    }

    /// [`Dct::inverse`] of the first `rows` sample rows only (the rest are left at 0).
    fn inverse_rows(&self, coefs: &[f64; 64], rows: usize) -> [f64; 64] {
        let rows = rows.clamp(1, 8);
        let b = &self.basis;
        // Columns: t[y][u] = Σv B[v][y] F[v][u], skipping all-zero frequency rows (most of
        // them in a quantised block).
        let mut t = [0.0; 64];
        for v in 0..8 {
            let row = &coefs[v * 8..v * 8 + 8];
            if row.iter().all(|&c| c == 0.0) {
                continue;
            }
            for y in 0..rows {
                let w = b[v][y];
                for u in 0..8 {
                    t[y * 8 + u] += w * row[u];
                }
            }
        }
        // Rows: f[y][x] = Σu B[u][x] t[y][u]
        let mut out = [0.0; 64];
        for y in 0..rows {
            let mut acc = [0.0; 8];
            for u in 0..8 {
                let w = t[y * 8 + u];
                let bu = &b[u];
                for x in 0..8 {
                    acc[x] += w * bu[x];
                }
            }
            out[y * 8..y * 8 + 8].copy_from_slice(&acc);
        }
        out
    }

    /// Re-pads one block (zig-zag order) whose first `nx` columns and `ny` rows are visible:
    /// decode, round to pixels, replicate the edge, encode with the same steps.
    pub fn repad_block(
        &self,
        block: &[i16; 64],
        quant: &[u16; 64],
        nx: usize,
        ny: usize,
    ) -> [i16; 64] {
        self.repad_with(block, quant, &reciprocals(quant), nx, ny)
    }

    /// [`Dct::repad_block`] with the steps' [`reciprocals`] computed once per component.
    fn repad_with(
        &self,
        block: &[i16; 64],
        quant: &[u16; 64],
        recip: &[f64; 64],
        nx: usize,
        ny: usize,
    ) -> [i16; 64] {
        let mut f = [0.0; 64];
        for k in 0..64 {
            f[ZIGZAG[k]] = f64::from(block[k]) * f64::from(quant[k]);
        }
        let mut s = self.inverse_rows(&f, ny);
        to_pixels(&mut s);
        replicate(&mut s, nx, ny);
        quantise(&self.forward_rows(&s, ny), recip)
    }

    /// Dequantises and inverse-transforms one block (zig-zag order, as stored) to level-shifted
    /// samples (row-major).
    pub fn decode_block(&self, block: &[i16; 64], quant: &[u16; 64]) -> [f64; 64] {
        let mut f = [0.0; 64];
        for k in 0..64 {
            f[ZIGZAG[k]] = f64::from(block[k]) * f64::from(quant[k]);
        }
        self.inverse(&f)
    }

    /// Forward-transforms level-shifted samples and quantises them (round to nearest) into a
    /// block in zig-zag order. Values are clamped to what an 8-bit baseline file can code
    /// (reachable only from out-of-range samples of a hostile file).
    pub fn encode_block(&self, samples: &[f64; 64], quant: &[u16; 64]) -> [i16; 64] {
        quantise(&self.forward(samples), &reciprocals(quant))
    }
}

/// `1 / step` per coefficient, in natural order (multiplying is much cheaper than dividing).
pub fn reciprocals(quant: &[u16; 64]) -> [f64; 64] {
    let mut r = [0.0; 64];
    for k in 0..64 {
        r[ZIGZAG[k]] = 1.0 / f64::from(quant[k].max(1));
    }
    r
}

/// Quantises coefficients (natural order) with steps given as [`reciprocals`], rounding half
/// away from zero, into a block in zig-zag order, clamped to the 8-bit baseline range: DC within
/// −1024..=1023 keeps every DC difference within 11 bits, AC within ±1023 within 10.
fn quantise(f: &[f64; 64], recip: &[f64; 64]) -> [i16; 64] {
    let mut n = [0i16; 64];
    for i in 0..64 {
        let v = (f[i] * recip[i]).clamp(-1024.0, 1023.0);
        // `as` truncates towards zero (and maps a NaN, impossible from finite inputs, to 0).
        let m = (v.abs() + 0.5) as i16;
        n[i] = if v < 0.0 { -m } else { m };
    }
    let mut out = [0i16; 64];
    for k in 0..64 {
        out[k] = n[ZIGZAG[k]];
    }
    for v in out[1..].iter_mut() {
        *v = (*v).max(-1023);
    }
    out
}

/// Replaces the samples at columns ≥ `nx` and rows ≥ `ny` by the last visible column, then the
/// last visible row (so the corner takes the corner sample). `nx`, `ny` in 1..=8.
pub fn replicate(samples: &mut [f64; 64], nx: usize, ny: usize) {
    let (nx, ny) = (nx.clamp(1, 8), ny.clamp(1, 8));
    for y in 0..ny {
        let edge = samples[y * 8 + nx - 1];
        for x in nx..8 {
            samples[y * 8 + x] = edge;
        }
    }
    for y in ny..8 {
        for x in 0..8 {
            samples[y * 8 + x] = samples[(ny - 1) * 8 + x];
        }
    }
}

/// Rounds and clamps level-shifted samples to what a decoder shows (whole levels, 0–255), so
/// that a re-padded block is a function of the visible pixels alone: no sub-level trace of the
/// old invisible content rides along in the visible samples.
pub fn to_pixels(samples: &mut [f64; 64]) {
    for v in samples.iter_mut() {
        // Round half up (the same as `round` for these non-negative values), without a libm call.
        *v = f64::from(((*v + 128.0).clamp(0.0, 255.0) + 0.5) as u8) - 128.0;
    }
}

/// What [`repad`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Repadded {
    /// Partial edge blocks looked at (every component).
    pub partial: usize,
    /// Of those, flat blocks (AC all zero: every sample equal, nothing to hide), left as they
    /// are.
    pub flat: usize,
    /// Blocks whose coefficients changed.
    pub changed: usize,
}

/// A component's visible size in samples: `ceil(extent · factor / max)`.
pub fn visible_samples(extent: u32, factor: usize, max: usize) -> usize {
    (extent as usize)
        .saturating_mul(factor)
        .div_ceil(max.max(1))
}

/// Re-pads every block of every component that is partly outside the image (in the image's own,
/// final frame: call it after the orientation and the wipe). Blocks wholly inside are untouched;
/// blocks wholly outside are `wipe::flatten_padding`'s job.
pub fn repad(img: &mut Coefficients) -> Repadded {
    let mut r = Repadded::default();
    let dct = Dct::new();
    let (w, h, hmax, vmax) = (img.width, img.height, img.hmax, img.vmax);
    for c in img.components.iter_mut() {
        let cw = visible_samples(w, c.h, hmax);
        let ch = visible_samples(h, c.v, vmax);
        let (rx, ry) = (cw % 8, ch % 8);
        if rx == 0 && ry == 0 {
            continue;
        }
        let vw = cw.div_ceil(8).min(c.bw);
        let vh = ch.div_ceil(8).min(c.bh);
        if vw == 0 || vh == 0 {
            continue;
        }
        let quant = c.quant;
        let recip = reciprocals(&quant);
        // The right column (if partial) top to bottom, then the bottom row (if partial) left
        // to right, without the corner twice.
        let right = (0..vh).filter(|_| rx != 0).map(|by| (vw - 1, by));
        let bottom = (0..vw)
            .filter(|&bx| ry != 0 && !(rx != 0 && bx + 1 == vw))
            .map(|bx| (bx, vh - 1));
        for (bx, by) in right.chain(bottom) {
            let nx = if bx + 1 == vw && rx != 0 { rx } else { 8 };
            let ny = if by + 1 == vh && ry != 0 { ry } else { 8 };
            let i = (by * c.bw + bx) * 64;
            let Some(block) = c
                .coefs
                .get_mut(i..i + 64)
                .and_then(|b| <&mut [i16; 64]>::try_from(b).ok())
            else {
                continue;
            };
            r.partial += 1;
            if block[1..].iter().all(|&v| v == 0) {
                r.flat += 1;
                continue;
            }
            let new = dct.repad_with(block, &quant, &recip, nx, ny);
            if new != *block {
                *block = new;
                r.changed += 1;
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic pseudo-random block of samples in −128..=127.
    fn samples(seed: u32) -> [f64; 64] {
        let mut s = seed;
        let mut out = [0.0; 64];
        for v in out.iter_mut() {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            *v = f64::from((s >> 24) as u8) - 128.0;
        }
        out
    }

    #[test]
    fn forward_then_inverse_is_the_identity() {
        let dct = Dct::new();
        for seed in 0..200 {
            let f = samples(seed);
            let back = dct.inverse(&dct.forward(&f));
            for (a, b) in f.iter().zip(back.iter()) {
                assert!((a - b).abs() < 1e-9, "seed {seed}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn dc_and_a_single_basis_function() {
        let dct = Dct::new();
        // A flat block of 10 has DC 8·10 (JPEG's scaling) and nothing else.
        let f = dct.forward(&[10.0; 64]);
        assert!((f[0] - 80.0).abs() < 1e-9);
        assert!(f[1..].iter().all(|v| v.abs() < 1e-9));
        // Coefficient (v=0, u=1) alone: samples vary along x only, decreasing, symmetric.
        let mut c = [0.0; 64];
        c[1] = 100.0;
        let s = dct.inverse(&c);
        for y in 0..8 {
            for x in 0..8 {
                assert!((s[y * 8 + x] - s[x]).abs() < 1e-9);
            }
        }
        assert!(s[0] > s[3] && s[3] > 0.0 && s[4] < 0.0);
        assert!((s[0] + s[7]).abs() < 1e-9);
    }

    #[test]
    fn quantised_round_trip_within_a_level() {
        // Step 1 everywhere: encode then decode (rounded to whole levels, as a decoder does)
        // returns every sample within one level. The rounding of 64 coefficients, each off by at
        // most ½, leaves about 0.3 levels r.m.s. per sample.
        let dct = Dct::new();
        let q = [1u16; 64];
        let (mut worst, mut sq, mut n) = (0.0f64, 0.0, 0.0);
        for seed in 0..2000 {
            let f = samples(seed);
            let block = dct.encode_block(&f, &q);
            let back = dct.decode_block(&block, &q);
            for (a, b) in f.iter().zip(back.iter()) {
                assert!((a - b.round()).abs() <= 1.0, "seed {seed}: {a} vs {b}");
                worst = worst.max((a - b).abs());
                sq += (a - b) * (a - b);
                n += 1.0;
            }
            // And decoding then encoding an already quantised block gives it back exactly.
            assert_eq!(dct.encode_block(&back, &q), block);
        }
        assert!(
            worst < 1.5 && (sq / n).sqrt() < 0.4,
            "{worst} {}",
            (sq / n).sqrt()
        );
        // With real steps, a quantised block survives decode → encode unchanged.
        let mut steps = [0u16; 64];
        for (k, s) in steps.iter_mut().enumerate() {
            *s = 2 + (k as u16 * 7) % 60;
        }
        for seed in 0..200 {
            let block = dct.encode_block(&samples(seed), &steps);
            assert_eq!(
                dct.encode_block(&dct.decode_block(&block, &steps), &steps),
                block
            );
        }
    }

    #[test]
    fn replicate_fills_from_the_last_visible_column_and_row() {
        let mut s = [0.0; 64];
        for (i, v) in s.iter_mut().enumerate() {
            *v = i as f64;
        }
        replicate(&mut s, 3, 2);
        for y in 0..8 {
            for x in 0..8 {
                let want = match (x < 3, y < 2) {
                    (true, true) => (y * 8 + x) as f64,
                    (false, true) => (y * 8 + 2) as f64,
                    (true, false) => (8 + x) as f64,
                    (false, false) => (8 + 2) as f64,
                };
                assert_eq!(s[y * 8 + x], want, "{x},{y}");
            }
        }
        // Whole blocks stay as they are.
        let mut t = samples(3);
        let before = t;
        replicate(&mut t, 8, 8);
        assert_eq!(t, before);
    }

    #[test]
    fn the_fast_repad_equals_decode_replicate_encode() {
        let dct = Dct::new();
        let mut steps = [0u16; 64];
        for (k, s) in steps.iter_mut().enumerate() {
            *s = 1 + (k as u16 * 5) % 23;
        }
        for seed in 0..100u32 {
            let block = dct.encode_block(&samples(seed), &steps);
            for (nx, ny) in [(1, 8), (8, 1), (3, 5), (7, 7), (8, 8), (1, 1)] {
                let mut s = dct.decode_block(&block, &steps);
                to_pixels(&mut s);
                replicate(&mut s, nx, ny);
                let slow = dct.encode_block(&s, &steps);
                assert_eq!(
                    dct.repad_block(&block, &steps, nx, ny),
                    slow,
                    "{seed} {nx}×{ny}"
                );
            }
        }
    }

    #[test]
    fn extreme_blocks_stay_codable() {
        // Every coefficient at the 8-bit baseline limit, steps of 1: no overflow, all in range.
        let dct = Dct::new();
        let q = [1u16; 64];
        for v in [i16::MAX, i16::MIN, 1023, -1024] {
            let block = [v; 64];
            let mut s = dct.decode_block(&block, &q);
            replicate(&mut s, 1, 1);
            let out = dct.encode_block(&s, &q);
            assert!(out.iter().all(|&c| (-1024..=1023).contains(&c)));
        }
    }
}
