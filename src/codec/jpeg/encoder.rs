//! The pixel path's JPEG encoder: RGB → YCbCr, at half (4:2:0) or full (4:4:4) colour
//! resolution ([`Chroma`]) → forward DCT → quantised coefficients, written by the same
//! [`writer`] as the lossless path (baseline, Annex K Huffman tables, a restart marker after
//! every MCU row so the verifier can decode just the rows under the boxes). Quality follows the
//! IJG convention: 1–100 scales the Annex K example quantisation tables. Both resolutions share
//! the colour conversion and the DCT (SIMD on wasm, scalar elsewhere); only the strip's layout
//! and the 2×2 averaging differ.

use super::coefficients::{Coefficients, Component, ZIGZAG};
use super::decline::{unsupported, Decline};
use super::writer;
use image::RgbImage;

/// ITU T.81 Annex K table K.1 (luminance), natural (row-major) order.
const LUMA: [u16; 64] = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
    14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
    92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];

/// ITU T.81 Annex K table K.2 (chrominance), natural order.
const CHROMA: [u16; 64] = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
    47, 66, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
];

/// A quantisation table for `quality` (1–100), natural order, steps 1–255.
fn scaled(base: &[u16; 64], quality: u8) -> [u16; 64] {
    let q = u32::from(quality.clamp(1, 100));
    let scale = if q < 50 { 5000 / q } else { 200 - 2 * q };
    base.map(|b| ((u32::from(b) * scale + 50) / 100).clamp(1, 255) as u16)
}

/// `cos(kπ/16)·√2` (1 for k = 0): the per-frequency scale the fast DCT below leaves in its
/// output, removed together with quantisation.
fn aan_scale(k: usize) -> f32 {
    if k == 0 {
        1.0
    } else {
        (super::coefficients::cos_pi_16(k) * std::f64::consts::SQRT_2) as f32
    }
}

/// Quantisation of one component, arranged for [`Quantiser::block`].
struct Quantiser {
    /// Zig-zag order table (for the file).
    zigzag: [u16; 64],
    /// For zig-zag position k, the index of that frequency in the DCT's output.
    from: [usize; 64],
    /// Reciprocal of step × scale, in the DCT's output order.
    recip: [f32; 64],
}

impl Quantiser {
    fn new(natural: &[u16; 64]) -> Quantiser {
        let mut zigzag = [0u16; 64];
        let mut from = [0usize; 64];
        for (k, &nat) in ZIGZAG.iter().enumerate() {
            zigzag[k] = natural[nat];
            // The DCT's output is transposed: horizontal frequency first.
            from[k] = (nat % 8) * 8 + nat / 8;
        }
        let mut recip = [0f32; 64];
        for (i, r) in recip.iter_mut().enumerate() {
            let (u, v) = (i / 8, i % 8); // horizontal, vertical frequency
            let step = f32::from(natural[v * 8 + u]);
            *r = 1.0 / (step * aan_scale(u) * aan_scale(v) * 8.0);
        }
        Quantiser {
            zigzag,
            from,
            recip,
        }
    }

    /// Transforms level-shifted samples (`[y·8 + x]`) and writes the quantised coefficients in
    /// zig-zag order to `out`.
    fn block(&self, samples: &mut [f32; 64], out: &mut [i16]) {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        {
            simd::block(samples, &self.recip, &self.from, out);
        }
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        self.block_scalar(samples, out);
    }

    /// [`Quantiser::block`] without SIMD (native builds; the reference the SIMD one must equal).
    fn block_scalar(&self, samples: &mut [f32; 64], out: &mut [i16]) {
        fdct(samples);
        for (k, o) in out.iter_mut().take(64).enumerate() {
            let i = self.from[k];
            // Round half away from zero with an add and a truncating conversion (a rounding
            // call is a library function on baseline x86-64).
            let v = samples[i] * self.recip[i];
            *o = (v + 0.5f32.copysign(v)) as i16;
        }
    }
}

/// One 8-point forward DCT across eight rows at once (the loops over `i` vectorise): row `j`
/// of the output holds frequency `j` of the columns, scaled by `aan_scale(j)·√8·√8/8`-style
/// factors that [`Quantiser`] removes. A factorisation with five multiplications (Arai, Agui
/// and Nakajima).
#[inline(always)]
fn dct_rows(b: &mut [f32; 64]) {
    const C4: f32 = std::f32::consts::FRAC_1_SQRT_2; // cos(π/4)
    const C6: f32 = 0.382_683_43; // cos(3π/8)
    const C2_MINUS_C6: f32 = 0.541_196_1; // cos(π/8) − cos(3π/8)
    const C2_PLUS_C6: f32 = 1.306_563; // cos(π/8) + cos(3π/8)
    let mut o = [0f32; 64];
    for i in 0..8 {
        let d = |r: usize| b[r * 8 + i];
        let (s07, d07) = (d(0) + d(7), d(0) - d(7));
        let (s16, d16) = (d(1) + d(6), d(1) - d(6));
        let (s25, d25) = (d(2) + d(5), d(2) - d(5));
        let (s34, d34) = (d(3) + d(4), d(3) - d(4));
        // Even half.
        let (e0, e3) = (s07 + s34, s07 - s34);
        let (e1, e2) = (s16 + s25, s16 - s25);
        o[i] = e0 + e1;
        o[32 + i] = e0 - e1;
        let m = (e2 + e3) * C4;
        o[16 + i] = e3 + m;
        o[48 + i] = e3 - m;
        // Odd half.
        let p0 = d34 + d25;
        let p1 = d25 + d16;
        let p2 = d16 + d07;
        let r = (p0 - p2) * C6;
        let q0 = C2_MINUS_C6 * p0 + r;
        let q2 = C2_PLUS_C6 * p2 + r;
        let q1 = p1 * C4;
        let (a, bq) = (d07 + q1, d07 - q1);
        o[40 + i] = bq + q0;
        o[24 + i] = bq - q0;
        o[8 + i] = a + q2;
        o[56 + i] = a - q2;
    }
    *b = o;
}

fn transpose(b: &mut [f32; 64]) {
    for y in 0..8 {
        for x in y + 1..8 {
            b.swap(y * 8 + x, x * 8 + y);
        }
    }
}

/// 2-D forward DCT, unnormalised; the result is transposed (`[u·8 + v]`, u horizontal).
fn fdct(b: &mut [f32; 64]) {
    dct_rows(b);
    transpose(b);
    dct_rows(b);
}

/// The same DCT and quantisation as [`Quantiser::block_scalar`] with wasm SIMD128: a block
/// is sixteen 4-lane vectors (row r = `lo[r]`, `hi[r]`), so each 8-point pass runs on four
/// columns at once, exactly the scalar arithmetic in the same order (results are identical).
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    #[inline(always)]
    fn dct8(d: [v128; 8]) -> [v128; 8] {
        let c4 = f32x4_splat(std::f32::consts::FRAC_1_SQRT_2);
        let c6 = f32x4_splat(0.382_683_43);
        let c2m6 = f32x4_splat(0.541_196_1);
        let c2p6 = f32x4_splat(1.306_563);
        let (s07, d07) = (f32x4_add(d[0], d[7]), f32x4_sub(d[0], d[7]));
        let (s16, d16) = (f32x4_add(d[1], d[6]), f32x4_sub(d[1], d[6]));
        let (s25, d25) = (f32x4_add(d[2], d[5]), f32x4_sub(d[2], d[5]));
        let (s34, d34) = (f32x4_add(d[3], d[4]), f32x4_sub(d[3], d[4]));
        let (e0, e3) = (f32x4_add(s07, s34), f32x4_sub(s07, s34));
        let (e1, e2) = (f32x4_add(s16, s25), f32x4_sub(s16, s25));
        let m = f32x4_mul(f32x4_add(e2, e3), c4);
        let p0 = f32x4_add(d34, d25);
        let p1 = f32x4_add(d25, d16);
        let p2 = f32x4_add(d16, d07);
        let r = f32x4_mul(f32x4_sub(p0, p2), c6);
        let q0 = f32x4_add(f32x4_mul(c2m6, p0), r);
        let q2 = f32x4_add(f32x4_mul(c2p6, p2), r);
        let q1 = f32x4_mul(p1, c4);
        let (a, bq) = (f32x4_add(d07, q1), f32x4_sub(d07, q1));
        [
            f32x4_add(e0, e1),
            f32x4_add(a, q2),
            f32x4_add(e3, m),
            f32x4_sub(bq, q0),
            f32x4_sub(e0, e1),
            f32x4_add(bq, q0),
            f32x4_sub(e3, m),
            f32x4_sub(a, q2),
        ]
    }

    #[inline(always)]
    fn transpose4(a: v128, b: v128, c: v128, d: v128) -> [v128; 4] {
        let t0 = i32x4_shuffle::<0, 4, 1, 5>(a, b);
        let t1 = i32x4_shuffle::<2, 6, 3, 7>(a, b);
        let t2 = i32x4_shuffle::<0, 4, 1, 5>(c, d);
        let t3 = i32x4_shuffle::<2, 6, 3, 7>(c, d);
        [
            i32x4_shuffle::<0, 1, 4, 5>(t0, t2),
            i32x4_shuffle::<2, 3, 6, 7>(t0, t2),
            i32x4_shuffle::<0, 1, 4, 5>(t1, t3),
            i32x4_shuffle::<2, 3, 6, 7>(t1, t3),
        ]
    }

    fn load(a: &[f32; 64], i: usize) -> v128 {
        let four = &a[i..i + 4];
        // SAFETY: `four` is 16 readable bytes; wasm loads need no alignment.
        unsafe { v128_load(four.as_ptr().cast()) }
    }

    fn store(v: v128, to: &mut [f32]) {
        let four = &mut to[..4];
        // SAFETY: `four` is 16 writable bytes; wasm stores need no alignment.
        unsafe { v128_store(four.as_mut_ptr().cast(), v) }
    }

    /// Byte indices that gather channel `c` (0 R, 1 G, 2 B) of 16 RGB pixels from the `part`-th
    /// 16 bytes of the 48; lanes whose byte lies in another part get 0xFF (reads as 0).
    const fn gather(c: usize, part: usize) -> v128 {
        let mut idx = [0xFFu8; 16];
        let mut j = 0;
        while j < 16 {
            let at = 3 * j + c;
            if at / 16 == part {
                idx[j] = (at % 16) as u8;
            }
            j += 1;
        }
        u8x16(
            idx[0], idx[1], idx[2], idx[3], idx[4], idx[5], idx[6], idx[7], idx[8], idx[9],
            idx[10], idx[11], idx[12], idx[13], idx[14], idx[15],
        )
    }

    /// [`super::rgb_row_scalar`] sixteen pixels at a time (the rest by the scalar one); same
    /// arithmetic in the same order, so identical results.
    pub(super) fn rgb_row(row: &[u8], y: &mut [f32], cb: &mut [f32], cr: &mut [f32]) {
        const IDX: [[v128; 3]; 3] = [
            [gather(0, 0), gather(0, 1), gather(0, 2)],
            [gather(1, 0), gather(1, 1), gather(1, 2)],
            [gather(2, 0), gather(2, 1), gather(2, 2)],
        ];
        let n = (row.len() / 48)
            .min(y.len() / 16)
            .min(cb.len() / 16)
            .min(cr.len() / 16);
        let k = |v: f32| f32x4_splat(v);
        for g in 0..n {
            let px = &row[g * 48..g * 48 + 48];
            // SAFETY: `px` is 48 readable bytes; wasm loads need no alignment.
            let parts: [v128; 3] = unsafe {
                [
                    v128_load(px.as_ptr().cast()),
                    v128_load(px[16..].as_ptr().cast()),
                    v128_load(px[32..].as_ptr().cast()),
                ]
            };
            let channel = |c: usize| {
                v128_or(
                    v128_or(
                        u8x16_swizzle(parts[0], IDX[c][0]),
                        u8x16_swizzle(parts[1], IDX[c][1]),
                    ),
                    u8x16_swizzle(parts[2], IDX[c][2]),
                )
            };
            let (r8, g8, b8) = (channel(0), channel(1), channel(2));
            let quarter = |v: v128, q: usize| {
                let half = if q < 2 {
                    u16x8_extend_low_u8x16(v)
                } else {
                    u16x8_extend_high_u8x16(v)
                };
                let four = if q % 2 == 0 {
                    u32x4_extend_low_u16x8(half)
                } else {
                    u32x4_extend_high_u16x8(half)
                };
                f32x4_convert_i32x4(four)
            };
            for q in 0..4 {
                let (r, gr, b) = (quarter(r8, q), quarter(g8, q), quarter(b8, q));
                let at = g * 16 + q * 4;
                let yv = f32x4_add(
                    f32x4_add(f32x4_mul(k(0.299), r), f32x4_mul(k(0.587), gr)),
                    f32x4_mul(k(0.114), b),
                );
                store(f32x4_sub(yv, k(128.0)), &mut y[at..]);
                let cbv = f32x4_add(
                    f32x4_sub(f32x4_mul(k(-0.168_736), r), f32x4_mul(k(0.331_264), gr)),
                    f32x4_mul(k(0.5), b),
                );
                store(cbv, &mut cb[at..]);
                let crv = f32x4_sub(
                    f32x4_sub(f32x4_mul(k(0.5), r), f32x4_mul(k(0.418_688), gr)),
                    f32x4_mul(k(0.081_312), b),
                );
                store(crv, &mut cr[at..]);
            }
        }
        let done = n * 16;
        if let (Some(row), Some(y), Some(cb), Some(cr)) = (
            row.get(done * 3..),
            y.get_mut(done..),
            cb.get_mut(done..),
            cr.get_mut(done..),
        ) {
            super::rgb_row_scalar(row, y, cb, cr);
        }
    }

    pub(super) fn block(
        samples: &[f32; 64],
        recip: &[f32; 64],
        from: &[usize; 64],
        out: &mut [i16],
    ) {
        let mut lo = [f32x4_splat(0.0); 8];
        let mut hi = [f32x4_splat(0.0); 8];
        for r in 0..8 {
            lo[r] = load(samples, r * 8);
            hi[r] = load(samples, r * 8 + 4);
        }
        let (lo1, hi1) = (dct8(lo), dct8(hi));
        let [a0, a1, a2, a3] = transpose4(lo1[0], lo1[1], lo1[2], lo1[3]);
        let [b0, b1, b2, b3] = transpose4(hi1[0], hi1[1], hi1[2], hi1[3]);
        let [c0, c1, c2, c3] = transpose4(lo1[4], lo1[5], lo1[6], lo1[7]);
        let [d0, d1, d2, d3] = transpose4(hi1[4], hi1[5], hi1[6], hi1[7]);
        let lo2 = dct8([a0, a1, a2, a3, b0, b1, b2, b3]);
        let hi2 = dct8([c0, c1, c2, c3, d0, d1, d2, d3]);
        let sign = u32x4_splat(0x8000_0000);
        let half = f32x4_splat(0.5);
        let mut q = [0i16; 64];
        for r in 0..8 {
            let quant = |v: v128, i: usize| {
                let v = f32x4_mul(v, load(recip, i));
                let h = v128_or(half, v128_and(v, sign));
                i32x4_trunc_sat_f32x4(f32x4_add(v, h))
            };
            let row = i16x8_narrow_i32x4(quant(lo2[r], r * 8), quant(hi2[r], r * 8 + 4));
            for (l, slot) in q[r * 8..r * 8 + 8].iter_mut().enumerate() {
                *slot = match l {
                    0 => i16x8_extract_lane::<0>(row),
                    1 => i16x8_extract_lane::<1>(row),
                    2 => i16x8_extract_lane::<2>(row),
                    3 => i16x8_extract_lane::<3>(row),
                    4 => i16x8_extract_lane::<4>(row),
                    5 => i16x8_extract_lane::<5>(row),
                    6 => i16x8_extract_lane::<6>(row),
                    _ => i16x8_extract_lane::<7>(row),
                };
            }
        }
        for (o, &i) in out.iter_mut().zip(from.iter()) {
            *o = q[i & 63];
        }
    }
}

/// Converts a row of RGB pixels to level-shifted Y and to Cb and Cr (centred on 0), as many
/// pixels as the shortest of the four slices holds.
fn rgb_row(row: &[u8], y: &mut [f32], cb: &mut [f32], cr: &mut [f32]) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    simd::rgb_row(row, y, cb, cr);
    #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
    rgb_row_scalar(row, y, cb, cr);
}

fn rgb_row_scalar(row: &[u8], y: &mut [f32], cb: &mut [f32], cr: &mut [f32]) {
    for (((px, y), cb), cr) in row
        .chunks_exact(3)
        .zip(y.iter_mut())
        .zip(cb.iter_mut())
        .zip(cr.iter_mut())
    {
        let (red, green, blue) = (f32::from(px[0]), f32::from(px[1]), f32::from(px[2]));
        *y = 0.299 * red + 0.587 * green + 0.114 * blue - 128.0;
        *cb = -0.168_736 * red - 0.331_264 * green + 0.5 * blue;
        *cr = 0.5 * red - 0.418_688 * green - 0.081_312 * blue;
    }
}

/// Test hook for wasm SIMD builds (see tests/wasm.rs): runs `blocks` pseudo-random blocks per
/// quality (1, 50, 90, 100; plus flat extremes) through the SIMD and the scalar quantiser, and
/// RGB rows of 0–49 pixels through both colour conversions; returns how many blocks and rows
/// came out different (0 when they agree).
#[doc(hidden)]
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn simd_mismatches(blocks: u32) -> u32 {
    let mut seed = 0x1234_5678u32;
    let mut bad = 0;
    for quality in [1u8, 50, 90, 100] {
        for table in [&LUMA, &CHROMA] {
            let q = Quantiser::new(&scaled(table, quality));
            for n in 0..blocks + 2 {
                let mut samples = [0f32; 64];
                for v in samples.iter_mut() {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    *v = match n {
                        0 => -128.0,
                        1 => 127.0,
                        _ => (seed % 256) as f32 - 128.0 + (seed >> 24) as f32 / 256.0,
                    };
                }
                let (a, mut b) = (samples, samples);
                let (mut x, mut y) = ([0i16; 64], [0i16; 64]);
                simd::block(&a, &q.recip, &q.from, &mut x);
                q.block_scalar(&mut b, &mut y);
                bad += u32::from(x != y);
            }
        }
    }
    // Colour conversion: rows of every length up to three groups of 16, every byte value.
    for len in 0..50usize {
        let row: Vec<u8> = (0..len * 3)
            .map(|i| {
                (i as u32)
                    .wrapping_mul(seed | 1)
                    .wrapping_add(i as u32 * 97) as u8
            })
            .collect();
        seed = seed.rotate_left(7) ^ len as u32;
        let planes = || (vec![9f32; len], vec![9f32; len], vec![9f32; len]);
        let (mut y1, mut b1, mut r1) = planes();
        let (mut y2, mut b2, mut r2) = planes();
        simd::rgb_row(&row, &mut y1, &mut b1, &mut r1);
        rgb_row_scalar(&row, &mut y2, &mut b2, &mut r2);
        bad += u32::from((y1, b1, r1) != (y2, b2, r2));
    }
    bad
}

/// The colour (Cb, Cr) of a file [`encode`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chroma {
    /// 4:2:0: one Cb and one Cr sample per 2×2 pixels (MCU 16×16), quantised at the file's
    /// quality: the smaller file, and what every sRGB or untagged picture gets.
    Half,
    /// 4:4:4: full-resolution colour (every component sampled 1×1, MCU 8×8), Cb and Cr
    /// quantised at `quality` (1–100; the luma at the file's quality): thin coloured detail
    /// (vessels on a fundus photo) keeps its colour.
    Full { quality: u8 },
}

impl Chroma {
    /// Pixels per chroma sample on each axis: the luma component's sampling factor.
    fn factor(self) -> usize {
        match self {
            Chroma::Half => 2,
            Chroma::Full { .. } => 1,
        }
    }
}

/// One MCU row of samples: `8·f` rows of level-shifted luma and 8 of each chroma (`f × f`
/// averages, `f` = [`Chroma::factor`]), padded to whole MCUs by repeating the last column and
/// row. Its two steps are functions of their own, called once per MCU row, so that a wasm
/// engine's optimising tier takes over after the first rows (V8 swaps in optimised code only at
/// a call, never inside a running loop).
struct Strip {
    /// Pixels per chroma sample on each axis (2 for 4:2:0, 1 for 4:4:4).
    f: usize,
    /// Samples across: luma (`8·f` per MCU) and chroma (8 per MCU).
    lw: usize,
    cw: usize,
    y: Vec<f32>,
    cb: Vec<f32>,
    cr: Vec<f32>,
    /// One full-resolution row of Cb and Cr before subsampling (4:2:0 only).
    cb_row: Vec<f32>,
    cr_row: Vec<f32>,
}

/// Repeats a row's last visible sample (`w − 1`) to its end.
fn pad(plane: &mut [f32], w: usize) {
    if let Some(&last) = plane.get(w - 1) {
        plane[w..].fill(last);
    }
}

impl Strip {
    fn new(mcus_across: usize, chroma: Chroma) -> Strip {
        let f = chroma.factor();
        let (lw, cw) = (mcus_across * 8 * f, mcus_across * 8);
        let row = if f == 1 { 0 } else { lw };
        Strip {
            f,
            lw,
            cw,
            y: vec![0.0; 8 * f * lw],
            cb: vec![0.0; 8 * cw],
            cr: vec![0.0; 8 * cw],
            cb_row: vec![0.0; row],
            cr_row: vec![0.0; row],
        }
    }

    /// Converts MCU row `my` of the `w × h` RGB picture `raw` (rows past the bottom repeat the
    /// last one). One call of the colour conversion for both layouts: at 4:4:4 a row's Cb and Cr
    /// are the strip's own rows; at 4:2:0 they go through `cb_row`/`cr_row` and are averaged.
    #[inline(never)]
    fn fill(&mut self, raw: &[u8], w: usize, h: usize, my: usize) {
        let (lw, cw, stride, f) = (self.lw, self.cw, w * 3, self.f);
        let half = f == 2;
        if half {
            self.cb.fill(0.0);
            self.cr.fill(0.0);
        }
        for r in 0..8 * f {
            let sy = (my * 8 * f + r).min(h - 1);
            let row = &raw[sy * stride..sy * stride + stride];
            let at = r * lw..(r + 1) * lw;
            let yrow = &mut self.y[at.clone()];
            let (cb, cr) = if half {
                (&mut self.cb_row[..], &mut self.cr_row[..])
            } else {
                (&mut self.cb[at.clone()], &mut self.cr[at])
            };
            rgb_row(row, yrow, cb, cr);
            for plane in [yrow, cb, cr] {
                pad(plane, w);
            }
            if !half {
                continue;
            }
            let crow = (r / 2) * cw;
            for (sum, pair) in self.cb[crow..crow + cw]
                .iter_mut()
                .zip(self.cb_row.chunks_exact(2))
            {
                *sum += pair[0] + pair[1];
            }
            for (sum, pair) in self.cr[crow..crow + cw]
                .iter_mut()
                .zip(self.cr_row.chunks_exact(2))
            {
                *sum += pair[0] + pair[1];
            }
        }
        if half {
            for v in self.cb.iter_mut().chain(self.cr.iter_mut()) {
                *v *= 0.25;
            }
        }
    }

    /// Transforms and quantises the strip's blocks into MCU row `my` of the components.
    #[inline(never)]
    fn quantise(
        &self,
        my: usize,
        (luma, lq): (&mut Component, &Quantiser),
        chroma: [&mut Component; 2],
        cq: &Quantiser,
    ) {
        let (lw, cw, f) = (self.lw, self.cw, self.f);
        let mut block = [0f32; 64];
        for by in 0..f {
            for bx in 0..lw / 8 {
                for y in 0..8 {
                    let src = (by * 8 + y) * lw + bx * 8;
                    block[y * 8..y * 8 + 8].copy_from_slice(&self.y[src..src + 8]);
                }
                let i = ((my * f + by) * luma.bw + bx) * 64;
                lq.block(&mut block, &mut luma.coefs[i..i + 64]);
            }
        }
        for (plane, comp) in [&self.cb, &self.cr].into_iter().zip(chroma) {
            for bx in 0..cw / 8 {
                for y in 0..8 {
                    let src = y * cw + bx * 8;
                    block[y * 8..y * 8 + 8].copy_from_slice(&plane[src..src + 8]);
                }
                let i = (my * comp.bw + bx) * 64;
                cq.block(&mut block, &mut comp.coefs[i..i + 64]);
            }
        }
    }
}

/// Encodes `img` as a baseline JPEG at `quality` (1–100) with `chroma`'s colour resolution.
pub fn encode(img: &RgbImage, quality: u8, chroma: Chroma) -> Result<Vec<u8>, Decline> {
    writer::write(&coefficients(img, quality, chroma)?, writer::Tables::AnnexK)
}

/// The quantised coefficients of `img` at `quality` and `chroma`: what [`encode`] writes.
pub fn coefficients(img: &RgbImage, quality: u8, chroma: Chroma) -> Result<Coefficients, Decline> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    if w == 0 || h == 0 {
        return unsupported("an empty image");
    }
    let f = chroma.factor();
    let (mw, mh) = (w.div_ceil(8 * f), h.div_ceil(8 * f));
    let luma_q = scaled(&LUMA, quality);
    let chroma_q = scaled(
        &CHROMA,
        match chroma {
            Chroma::Half => quality,
            Chroma::Full { quality } => quality,
        },
    );
    let component = |sampling: usize, quant: &[u16; 64], vis: (usize, usize)| {
        let q = Quantiser::new(quant);
        let (bw, bh) = (mw * sampling, mh * sampling);
        let c = Component {
            h: sampling,
            v: sampling,
            quant: q.zigzag,
            bw,
            bh,
            vis_w: vis.0,
            vis_h: vis.1,
            coefs: vec![0i16; bw * bh * 64],
        };
        (c, q)
    };
    let (mut yc, yq) = component(f, &luma_q, (w.div_ceil(8), h.div_ceil(8)));
    let chroma_vis = (w.div_ceil(f).div_ceil(8), h.div_ceil(f).div_ceil(8));
    let (mut cb, cq) = component(1, &chroma_q, chroma_vis);
    let (mut cr, _) = component(1, &chroma_q, chroma_vis);

    let mut strip = Strip::new(mw, chroma);
    let raw: &[u8] = img;
    for my in 0..mh {
        strip.fill(raw, w, h, my);
        strip.quantise(my, (&mut yc, &yq), [&mut cb, &mut cr], &cq);
    }
    Ok(Coefficients {
        width: img.width(),
        height: img.height(),
        components: vec![yc, cb, cr],
        hmax: f,
        vmax: f,
        progressive: false,
        restart_interval: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::jpeg::edges::Dct;

    /// The fast DCT with its scale removed equals the reference orthonormal DCT.
    #[test]
    fn fast_dct_matches_the_reference() {
        let reference = Dct::new();
        let mut seed = 7u32;
        for _ in 0..20 {
            let mut f = [0f32; 64];
            let mut d = [0f64; 64];
            for (a, b) in f.iter_mut().zip(d.iter_mut()) {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                let v = f64::from((seed >> 16) % 256) - 128.0;
                *a = v as f32;
                *b = v;
            }
            let want = reference.forward(&d);
            fdct(&mut f);
            for v in 0..8 {
                for u in 0..8 {
                    let got = f64::from(f[u * 8 + v])
                        / (f64::from(aan_scale(u)) * f64::from(aan_scale(v)) * 8.0);
                    let diff = (got - want[v * 8 + u]).abs();
                    assert!(diff < 1e-2, "({u},{v}): {got} vs {}", want[v * 8 + u]);
                }
            }
        }
    }

    #[cfg(feature = "all-formats")]
    fn psnr(a: &RgbImage, b: &RgbImage) -> f64 {
        let se: f64 = a
            .as_raw()
            .iter()
            .zip(b.as_raw())
            .map(|(&x, &y)| (f64::from(x) - f64::from(y)).powi(2))
            .sum();
        let mse = se / a.as_raw().len() as f64;
        10.0 * (255.0f64 * 255.0 / mse.max(1e-9)).log10()
    }

    /// A grainy gradient of `w × h`: chroma detail down to single pixels.
    fn grainy(w: u32, h: u32) -> RgbImage {
        let mut s = 99u32;
        RgbImage::from_fn(w, h, |x, y| {
            s = s.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let grain = (s >> 16) % 9;
            image::Rgb([
                (x * 200 / w.max(2) + grain) as u8,
                (y * 200 / h.max(2) + grain) as u8,
                ((x * 3 + y * 5) % 64 + 96) as u8,
            ])
        })
    }

    const SIZES: [(u32, u32); 6] = [(1, 1), (17, 9), (37, 29), (64, 48), (300, 7), (203, 157)];

    /// Files decode in an independent decoder (the `image` crate's) to the same size, as close
    /// to the input as the `jpeg-encoder` crate's files of the same sampling (4:2:0, 4:4:4) at
    /// the same quality and no larger than 10 % over them, at sizes that need padding on both
    /// axes.
    #[test]
    #[cfg(feature = "all-formats")] // the independent decoder is the image crate's
    fn files_match_another_encoder_in_an_independent_decoder() {
        use jpeg_encoder::SamplingFactor;
        for (w, h) in SIZES {
            let img = grainy(w, h);
            for quality in [95u8, 75, 30] {
                for (chroma, theirs_sampling) in [
                    (Chroma::Half, SamplingFactor::R_4_2_0),
                    (Chroma::Full { quality }, SamplingFactor::R_4_4_4),
                ] {
                    let ours = encode(&img, quality, chroma).expect("encodes");
                    let mut theirs = Vec::new();
                    let mut e = jpeg_encoder::Encoder::new(&mut theirs, quality);
                    e.set_sampling_factor(theirs_sampling);
                    e.encode(
                        img.as_raw(),
                        w as u16,
                        h as u16,
                        jpeg_encoder::ColorType::Rgb,
                    )
                    .expect("jpeg-encoder encodes");
                    let decode =
                        |b: &[u8]| image::load_from_memory(b).expect("decodes").into_rgb8();
                    let (a, b) = (decode(&ours), decode(&theirs));
                    assert_eq!(a.dimensions(), (w, h));
                    let (pa, pb) = (psnr(&img, &a), psnr(&img, &b));
                    let what = format!("{w}×{h} q{quality} {chroma:?}");
                    assert!(pa > pb - 0.5, "{what}: {pa:.2} dB vs {pb:.2}");
                    if w * h > 1000 {
                        let ratio = ours.len() as f64 / theirs.len() as f64;
                        assert!(ratio < 1.1, "{what}: {ratio:.3}× the size");
                    }
                }
            }
        }
    }

    /// 4:4:4 files: every component sampled 1×1 in 8×8 MCUs, the colour's tables of its own
    /// quality; Occlude's own decoder reads them back closer to the input than the 4:2:0 file
    /// of the same quality, at every padding.
    #[test]
    fn full_resolution_colour_is_read_back_by_our_decoder() {
        use crate::codec::jpeg::pixels;
        let error = |img: &RgbImage, bytes: &[u8]| {
            let px = pixels::decode(bytes).expect("decodes");
            assert_eq!((px.width, px.height), img.dimensions());
            let sum: u64 = px
                .rgb
                .iter()
                .zip(img.as_raw())
                .map(|(&a, &b)| u64::from(a.abs_diff(b)))
                .sum();
            sum as f64 / px.rgb.len() as f64
        };
        for (w, h) in SIZES {
            let img = grainy(w, h);
            let c = coefficients(&img, 90, Chroma::Full { quality: 97 }).unwrap();
            assert_eq!((c.hmax, c.vmax), (1, 1));
            for comp in &c.components {
                assert_eq!((comp.h, comp.v), (1, 1));
                let bw = (w as usize).div_ceil(8);
                assert_eq!(comp.bw, bw);
                assert_eq!((comp.vis_w, comp.vis_h), (bw, (h as usize).div_ceil(8)));
            }
            assert_eq!(c.components[0].quant[0], scaled(&LUMA, 90)[0]);
            assert_eq!(c.components[1].quant[0], scaled(&CHROMA, 97)[0]);
            let full = encode(&img, 90, Chroma::Full { quality: 90 }).unwrap();
            let half = encode(&img, 90, Chroma::Half).unwrap();
            let (ef, eh) = (error(&img, &full), error(&img, &half));
            // The grain is 0–8 levels per pixel: quantisation at 90 removes about 3 on average.
            assert!(ef < 4.0, "{w}×{h}: {ef:.2} levels off on average");
            if w > 1 && h > 1 {
                assert!(ef < eh, "{w}×{h}: 4:4:4 {ef:.2} vs 4:2:0 {eh:.2}");
            }
        }
    }

    #[test]
    fn quality_scaling_follows_the_ijg_convention() {
        assert_eq!(scaled(&LUMA, 50), LUMA);
        assert_eq!(scaled(&LUMA, 100), [1; 64]);
        assert_eq!(scaled(&LUMA, 1)[0], 255);
        assert_eq!(scaled(&CHROMA, 90)[0], 3); // 17 × 20 / 100 = 3.4
    }
}
