//! Matrix-and-curves conversion of 8-bit pixels to sRGB, relative colorimetric (for a matrix
//! profile, perceptual is the same), clipping out-of-gamut colours per channel as LittleCMS,
//! skcms and qcms do for such profiles. Per pixel: three table lookups to linear light, a 3×3
//! matrix in integers, a lookup in a 16 385-entry table back to sRGB (the size LittleCMS uses
//! for the same job). Tables are built once per image (≈ 0.1 ms).
//!
//! Why our own and not a CMS crate in the core: measured on 12 MP Display P3 → sRGB, this takes
//! ~70 ms natively and in wasm (moxcms 37 / 81 ms, qcms 776 / 457 ms); against LittleCMS's 8-bit
//! transform over 64³ colours it is identical for 97.5 % and within 1 level for all (moxcms 89 %
//! and 2, qcms 95 % and 2); and it costs a few KB of wasm where moxcms costs ~113 KB gzipped.
//!
//! Also the other direction for one colour: the sRGB fill as stored in a kept space, so the box
//! is the fill as seen.

use super::canonical::Space;
use super::icc::{Curve, Model, D50};
use super::math;

/// Entries of the linear → sRGB table, minus one.
const OUT_STEPS: usize = 16_384;

/// A prepared conversion from a model's 8-bit values to sRGB.
pub struct ToSrgb {
    /// Linear light of each 8-bit value, per channel, in Q15.
    lin: [[i32; 256]; 3],
    /// Linear device RGB → linear sRGB (both relative to D50 PCS), in Q13.
    m: [[i32; 3]; 3],
    /// Linear sRGB (0..=OUT_STEPS) → encoded 8-bit (a fixed-size array: indexing it with a
    /// value clamped to OUT_STEPS needs no bounds check).
    out: Box<[u8; OUT_STEPS + 1]>,
}

impl ToSrgb {
    pub fn new(model: &Model) -> ToSrgb {
        let (trc, m) = match model {
            Model::Rgb { m, trc } => {
                let to_srgb = math::inverse(&Space::srgb_matrix()).unwrap_or([[0.0; 3]; 3]);
                ([&trc[0], &trc[1], &trc[2]], math::mul(&to_srgb, m))
            }
            // D50 grey is sRGB's neutral: Y is each linear sRGB channel (the decoder gives a
            // grey picture as R = G = B).
            Model::Grey { trc } => (
                [trc, trc, trc],
                [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            ),
        };
        let mut lin = [[0i32; 256]; 3];
        for (table, curve) in lin.iter_mut().zip(trc) {
            for (i, v) in table.iter_mut().enumerate() {
                *v = (curve.eval(i as f64 / 255.0) * 32767.0).round() as i32;
            }
        }
        let mut out = Box::new([0u8; OUT_STEPS + 1]);
        for (i, v) in out.iter_mut().enumerate() {
            *v = (math::linear_to_srgb(i as f64 / OUT_STEPS as f64) * 255.0).round() as u8;
        }
        ToSrgb {
            lin,
            // Row sums of |m| stay below 8 for every RGB profile that parses into a sane
            // matrix; larger ones are clamped, so the Q28 sums below fit in i32.
            m: m.map(|r| r.map(|v| (v.clamp(-7.9, 7.9) * 8192.0).round() as i32)),
            out,
        }
    }

    /// Converts packed RGB pixels in place.
    pub fn apply(&self, rgb: &mut [u8]) {
        let [l0, l1, l2] = &self.lin;
        let mq = self.m;
        let out: &[u8; OUT_STEPS + 1] = &self.out;
        // Q28 sum to a Q14 table index, clamped to the table.
        let q = |v: i32| -> u8 { out[((v + (1 << 13)) >> 14).clamp(0, OUT_STEPS as i32) as usize] };
        for px in rgb.chunks_exact_mut(3) {
            let (r, g, b) = (
                l0[usize::from(px[0])],
                l1[usize::from(px[1])],
                l2[usize::from(px[2])],
            );
            px[0] = q(mq[0][0] * r + mq[0][1] * g + mq[0][2] * b);
            px[1] = q(mq[1][0] * r + mq[1][1] * g + mq[1][2] * b);
            px[2] = q(mq[2][0] * r + mq[2][1] * g + mq[2][2] * b);
        }
    }
}

/// The 8-bit values in `space` that show the sRGB colour `fill` (nearest; every sRGB colour
/// lies inside the kept spaces). `None` for a colour fill in a grey space: the caller keeps the
/// requested fill, which the lossless path then declines on a grey JPEG.
pub fn fill_in(space: Space, fill: [u8; 3]) -> Option<[u8; 3]> {
    if space.is_grey() && !(fill[0] == fill[1] && fill[1] == fill[2]) {
        return None;
    }
    let model = space.model();
    let srgb = Space::srgb_matrix();
    let xyz = math::apply(
        &srgb,
        fill.map(|v| math::srgb_to_linear(f64::from(v) / 255.0)),
    );
    let (target, curves): ([f64; 3], [&Curve; 3]) = match model {
        Model::Rgb { m, trc } => (
            math::apply(&math::inverse(m)?, xyz),
            [&trc[0], &trc[1], &trc[2]],
        ),
        Model::Grey { trc } => ([xyz[1]; 3], [trc, trc, trc]),
    };
    let mut out = [0u8; 3];
    for c in 0..3 {
        // The continuous code whose linear value is the target (bisecting the monotonic
        // curve), rounded.
        let want = target[c].clamp(0.0, 1.0);
        let (mut lo, mut hi) = (0.0f64, 1.0f64);
        for _ in 0..40 {
            let mid = (lo + hi) / 2.0;
            if curves[c].eval(mid) < want {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        out[c] = (lo * 255.0).round() as u8;
    }
    // 8-bit steps of a wider space, mixed by the matrix, can move the colour as seen by a few
    // levels: take the neighbour (±2 a channel) whose colour is nearest the fill.
    let want = math::lab(xyz, D50);
    let mut best = (f64::INFINITY, out);
    for i in 0..125u8 {
        let d = [i / 25, i / 5 % 5, i % 5];
        let cand = [0, 1, 2].map(|c| (i16::from(out[c]) + i16::from(d[c]) - 2).clamp(0, 255) as u8);
        let cand = if model.is_grey() { [cand[0]; 3] } else { cand };
        let seen = math::lab(model.xyz(cand.map(|v| f64::from(v) / 255.0)), D50);
        let de = math::delta_e76(seen, want);
        if de < best.0 {
            best = (de, cand);
        }
    }
    Some(best.1)
}
