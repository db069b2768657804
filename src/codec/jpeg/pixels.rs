//! Occlude's own JPEG pixel decoder on top of [`super::reader::read`]: dequantise, inverse DCT
//! (the accurate integer "islow" kind at full scale, reduced transforms for 1/2, 1/4 and 1/8),
//! chroma upsampling (libjpeg's triangle filter for 2×1, 1×2 and 2×2, replication otherwise) and
//! fixed-point YCbCr → RGB. SIMD128 kernels on wasm32 and scalar ones elsewhere give identical
//! bytes. Anything the reader cannot take (arithmetic coding, 12-bit, CMYK, …) is a [`Decline`].

use super::coefficients::{cos_pi_16, Coefficients, Component, ZIGZAG};
use super::decline::{unsupported, Decline};
use super::reader;

/// Decoded 8-bit RGB pixels, `width × height × 3` bytes, rows top to bottom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pixels {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

/// Decodes a JPEG to RGB at full size.
pub fn decode(input: &[u8]) -> Result<Pixels, Decline> {
    decode_scaled(input, 1)
}

/// Decodes a JPEG to RGB at 1/`denom` of its size (`denom` 1, 2, 4 or 8; each side rounds up).
pub fn decode_scaled(input: &[u8], denom: u32) -> Result<Pixels, Decline> {
    let c = reader::read(input)?;
    render(&c, denom)
}

/// The SIMD128 kernels are compiled in (wasm32 with `+simd128`).
#[doc(hidden)]
pub const SIMD: bool = cfg!(all(target_arch = "wasm32", target_feature = "simd128"));

/// Turns coefficients into RGB pixels at 1/`denom` of the size (1, 2, 4 or 8).
pub fn render(c: &Coefficients, denom: u32) -> Result<Pixels, Decline> {
    render_with(c, denom, SIMD)
}

/// [`render`] with the scalar kernels only, for tests that the SIMD ones give the same bytes.
#[doc(hidden)]
pub fn render_scalar(c: &Coefficients, denom: u32) -> Result<Pixels, Decline> {
    render_with(c, denom, false)
}

fn render_with(c: &Coefficients, denom: u32, simd: bool) -> Result<Pixels, Decline> {
    let s = match denom {
        1 => 8,
        2 => 4,
        4 => 2,
        8 => 1,
        _ => return unsupported(format!("a scale of 1/{denom}")),
    };
    if !matches!(c.components.len(), 1 | 3) || c.hmax == 0 || c.vmax == 0 {
        return unsupported(format!("{} colour components", c.components.len()));
    }
    let out_w = (c.width as usize * s).div_ceil(8);
    let out_h = (c.height as usize * s).div_ceil(8);
    let mut planes = c
        .components
        .iter()
        .map(|comp| Plane::new(comp, c, s, simd))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(len) = out_w.checked_mul(out_h).and_then(|n| n.checked_mul(3)) else {
        return unsupported("an image too large to decode");
    };
    let mut rgb = vec![0u8; len];
    let (_, mcuy) = c.mcus();
    let strip = c.vmax * s; // output rows per MCU row
    let mut rows = Rows::new(out_w, planes.len(), simd);
    for my in 0..=mcuy {
        if my < mcuy {
            for (p, comp) in planes.iter_mut().zip(&c.components) {
                p.idct_strip(comp, my);
            }
        }
        if my > 0 {
            let m = my - 1;
            let y1 = ((m + 1) * strip).min(out_h);
            for y in m * strip..y1 {
                let Some(dst) = rgb.get_mut(y * out_w * 3..(y + 1) * out_w * 3) else {
                    break;
                };
                rows.emit(&planes, y, s, dst);
            }
        }
    }
    Ok(Pixels {
        width: out_w as u32,
        height: out_h as u32,
        rgb,
    })
}

/// One component's samples, a ring of three MCU rows' worth (the rows before and after give the
/// vertical context of the triangle filter).
struct Plane {
    /// Samples per block side after the (reduced) IDCT: 1, 2, 4 or 8.
    size: usize,
    /// Upsampling factors to the output grid.
    fh: usize,
    fv: usize,
    /// Samples that hold picture, across and down (the rest is padding).
    width: usize,
    height: usize,
    /// Blocks decoded across and down (those holding any of `width × height`).
    blocks_w: usize,
    blocks_h: usize,
    stride: usize,
    ring_rows: usize,
    data: Vec<u8>,
    kernel: Kernel,
}

impl Plane {
    fn new(comp: &Component, c: &Coefficients, s: usize, simd: bool) -> Result<Plane, Decline> {
        let (h, v) = (comp.h, comp.v);
        if h == 0 || v == 0 || c.hmax % h != 0 || c.vmax % v != 0 {
            return unsupported("sampling factors that do not divide the largest one");
        }
        // Like libjpeg: a subsampled component decodes at a larger IDCT size when scaling down,
        // so that less (or no) upsampling is needed.
        let mut size = s;
        while size < 8 && (c.hmax * s) % (h * size * 2) == 0 && (c.vmax * s) % (v * size * 2) == 0 {
            size *= 2;
        }
        let fh = c.hmax * s / (h * size);
        let fv = c.vmax * s / (v * size);
        let width = (c.width as usize * h * size).div_ceil(c.hmax * 8).max(1);
        let height = (c.height as usize * v * size).div_ceil(c.vmax * 8).max(1);
        let blocks_w = width.div_ceil(size).min(comp.bw);
        let blocks_h = height.div_ceil(size).min(comp.bh);
        let strip = v * size;
        let stride = blocks_w * size;
        let ring_rows = 3 * strip;
        let mut quant = [0i32; 64];
        for (k, &q) in comp.quant.iter().enumerate() {
            quant[ZIGZAG[k]] = i32::from(q);
        }
        Ok(Plane {
            size,
            fh,
            fv,
            width,
            height,
            blocks_w,
            blocks_h,
            stride,
            ring_rows,
            data: vec![0u8; stride * ring_rows],
            kernel: Kernel {
                n: size,
                quant,
                weights: reduced_weights(size.min(4)),
                simd,
            },
        })
    }

    /// Inverse-transforms the blocks of MCU row `my` into the ring. Not inlined: called once
    /// per MCU row, so a wasm engine's optimising tier takes over after the first rows (V8
    /// swaps in optimised code only at a call).
    #[inline(never)]
    fn idct_strip(&mut self, comp: &Component, my: usize) {
        let n = self.size;
        for by in my * comp.v..(my + 1) * comp.v {
            if by >= self.blocks_h {
                break;
            }
            let base = (by * n) % self.ring_rows * self.stride;
            for bx in 0..self.blocks_w {
                let Some(block) = comp.block(bx, by) else {
                    continue;
                };
                let Some(out) = self.data.get_mut(base + bx * n..) else {
                    continue;
                };
                idct_block(block, &self.kernel, out, self.stride);
            }
        }
    }

    /// Sample row `y` (clamped to the picture), `width` samples.
    fn row(&self, y: isize) -> &[u8] {
        let y = y.clamp(0, self.height as isize - 1) as usize;
        let start = y % self.ring_rows * self.stride;
        self.data.get(start..start + self.width).unwrap_or(&[])
    }
}

/// Scratch rows for upsampled components.
struct Rows {
    width: usize,
    simd: bool,
    up: Vec<Vec<u8>>,
    sums: Vec<i16>,
}

impl Rows {
    fn new(width: usize, n: usize, simd: bool) -> Rows {
        Rows {
            width,
            simd,
            up: vec![vec![0u8; width + 32]; n],
            sums: vec![0i16; 0],
        }
    }

    /// Writes output row `y` (RGB) into `dst`. Not inlined, like [`Plane::idct_strip`].
    #[inline(never)]
    fn emit(&mut self, planes: &[Plane], y: usize, s: usize, dst: &mut [u8]) {
        let w = self.width;
        for (p, up) in planes.iter().zip(self.up.iter_mut()) {
            upsample(p, y, s, &mut self.sums, up, self.simd);
        }
        let src = |i: usize| -> &[u8] {
            match (planes.get(i), self.up.get(i)) {
                (Some(p), _) if p.fh == 1 && p.fv == 1 => p.row(y as isize),
                (_, Some(u)) => u,
                _ => &[],
            }
        };
        if planes.len() == 1 {
            grey_row(src(0), dst, w);
        } else {
            ycc_row(src(0), src(1), src(2), dst, w, self.simd);
        }
    }
}

/// Upsamples component `p` for output row `y` into `out` (at least the output width), unless it
/// needs no upsampling (then the caller reads the plane directly).
fn upsample(p: &Plane, y: usize, s: usize, sums: &mut Vec<i16>, out: &mut [u8], simd: bool) {
    let (fh, fv) = (p.fh, p.fv);
    if fh == 1 && fv == 1 {
        return;
    }
    // libjpeg: no triangle filter at 1/8 scale, nor horizontally for two samples or fewer.
    let fancy = s > 1 && (fh == 1 || p.width > 2);
    let cy = (y / fv) as isize;
    match (fh, fv) {
        (2, 1) if fancy => fancy_h2(p.row(cy), None, sums, out, simd),
        (2, 2) if fancy => {
            let near = if y % 2 == 0 { cy - 1 } else { cy + 1 };
            fancy_h2(p.row(cy), Some(p.row(near)), sums, out, simd)
        }
        (1, 2) if fancy => {
            let (near, bias) = if y % 2 == 0 { (cy - 1, 1) } else { (cy + 1, 2) };
            fancy_v2(p.row(cy), p.row(near), bias, out)
        }
        _ => {
            let row = p.row(cy);
            for (x, o) in out.iter_mut().enumerate() {
                *o = row.get(x / fh).or(row.last()).copied().unwrap_or(0);
            }
        }
    }
}

/// libjpeg's triangle filter, vertical only (4:4:0): `(3·near + far + bias) / 4`.
fn fancy_v2(a: &[u8], b: &[u8], bias: u16, out: &mut [u8]) {
    for ((o, &a), &b) in out.iter_mut().zip(a).zip(b) {
        *o = ((3 * u16::from(a) + u16::from(b) + bias) >> 2) as u8;
    }
}

/// libjpeg's triangle filter doubling a row horizontally (`b` None: 4:2:2) or both ways (`b`
/// the vertical neighbour: 4:2:0). Column sums are `4·a` (resp. `3·a + b`); each output is
/// `(3·sum + neighbour sum + bias) >> 4` with biases 4/8 (4:2:2: 1/2 before the ×4 scaling) and
/// 8/7 (4:2:0), the outer columns repeating.
fn fancy_h2(a: &[u8], b: Option<&[u8]>, sums: &mut Vec<i16>, out: &mut [u8], simd: bool) {
    let n = a.len();
    if n == 0 {
        return;
    }
    sums.clear();
    sums.reserve(n + 16);
    sums.push(0);
    match b {
        Some(b) => {
            sums.extend(
                a.iter()
                    .zip(b)
                    .map(|(&a, &b)| 3 * i16::from(a) + i16::from(b)),
            );
        }
        None => sums.extend(a.iter().map(|&a| 4 * i16::from(a))),
    }
    let first = sums.get(1).copied().unwrap_or(0);
    sums[0] = first;
    let last = sums.last().copied().unwrap_or(0);
    sums.push(last);
    // sums[i + 1] is column i; sums[0] and sums[n + 1] repeat the outer columns.
    let (be, bo) = if b.is_some() { (8, 7) } else { (4, 8) };
    h2_kernel(sums, n, be, bo, out, simd);
}

/// `out[2i] = (3·s[i] + s[i−1] + be) >> 4`, `out[2i+1] = (3·s[i] + s[i+1] + bo) >> 4` for the
/// `n` columns of `sums` (padded by one repeated column each side); `out` may be shorter.
fn h2_kernel(sums: &[i16], n: usize, be: i16, bo: i16, out: &mut [u8], simd: bool) {
    #[allow(unused_mut)]
    let mut done = 0;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if simd {
        done = simd::h2_kernel(sums, n, be, bo, out);
    }
    let _ = simd;
    h2_kernel_scalar(sums, n, be, bo, out, done);
}

fn h2_kernel_scalar(sums: &[i16], n: usize, be: i16, bo: i16, out: &mut [u8], from: usize) {
    let sums = sums.get(from..n + 2).unwrap_or(&[]);
    let Some(out) = out.get_mut(2 * from..) else {
        return;
    };
    let full = out.len() / 2;
    let (pairs, rest) = out.split_at_mut(2 * full);
    for (w, o) in sums.windows(3).zip(pairs.chunks_exact_mut(2)) {
        let c3 = 3 * w[1];
        o[0] = ((c3 + w[0] + be) >> 4) as u8;
        o[1] = ((c3 + w[2] + bo) >> 4) as u8;
    }
    if let (Some(o), Some(w)) = (rest.first_mut(), sums.windows(3).nth(full)) {
        *o = ((3 * w[1] + w[0] + be) >> 4) as u8;
    }
}

fn grey_row(g: &[u8], dst: &mut [u8], w: usize) {
    for (px, &v) in dst.chunks_exact_mut(3).zip(g).take(w) {
        px.copy_from_slice(&[v, v, v]);
    }
}

/// libjpeg's fixed-point YCbCr → RGB (16 fraction bits) for `w` pixels.
fn ycc_row(y: &[u8], cb: &[u8], cr: &[u8], dst: &mut [u8], w: usize, simd: bool) {
    #[allow(unused_mut)]
    let mut done = 0;
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if simd {
        done = simd::ycc_row(y, cb, cr, dst, w);
    }
    let _ = simd;
    ycc_row_scalar(y, cb, cr, dst, w, done);
}

fn ycc_row_scalar(y: &[u8], cb: &[u8], cr: &[u8], dst: &mut [u8], w: usize, from: usize) {
    let px = dst.chunks_exact_mut(3).take(w).skip(from);
    for (((px, &y), &cb), &cr) in px
        .zip(&y[from.min(y.len())..])
        .zip(&cb[from.min(cb.len())..])
        .zip(&cr[from.min(cr.len())..])
    {
        px.copy_from_slice(&ycc(y, cb, cr));
    }
}

#[inline(always)]
fn ycc(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let (y, cb, cr) = (i32::from(y), i32::from(cb) - 128, i32::from(cr) - 128);
    let r = y + ((91881 * cr + 32768) >> 16);
    let g = y + ((-22554 * cb - 46802 * cr + 32768) >> 16);
    let b = y + ((116130 * cb + 32768) >> 16);
    [clamp(r), clamp(g), clamp(b)]
}

#[inline(always)]
fn clamp(v: i32) -> u8 {
    v.clamp(0, 255) as u8
}

/// Dequantises and inverse-transforms one zig-zag block into `n × n` samples at `out` (rows
/// `stride` apart). `n` is 8 (islow), 4, 2 or 1.
/// How a component's blocks are inverse-transformed.
struct Kernel {
    /// Output samples per block side: 8 (islow), 4, 2 or 1.
    n: usize,
    /// Natural-order quantisation table.
    quant: [i32; 64],
    /// Weights of the reduced transforms ([`reduced_weights`]).
    weights: [[i64; 4]; 4],
    simd: bool,
}

fn idct_block(zz: &[i16], k: &Kernel, out: &mut [u8], stride: usize) {
    let (n, quant, simd) = (k.n, &k.quant, k.simd);
    if out.len() < (n - 1) * stride + n || zz.len() < 64 {
        return;
    }
    // The last non-zero coefficient in zig-zag order: past it there is nothing to dequantise,
    // and a DC-only block (common in chroma) is flat.
    let end = zz[..64].iter().rposition(|&c| c != 0).unwrap_or(0);
    if end == 0 {
        let v = if n == 8 {
            islow_dc(i32::from(zz[0]).wrapping_mul(quant[0]))
        } else {
            reduced_dc(i32::from(zz[0]) * quant[0])
        };
        for r in 0..n {
            out[r * stride..r * stride + n].fill(v);
        }
        return;
    }
    let mut coef = [0i32; 64];
    for (k, &c) in zz.iter().take(end + 1).enumerate() {
        let i = ZIGZAG[k] & 63; // (a no-op that lets the compiler drop the bounds checks)
        coef[i] = i32::from(c).wrapping_mul(quant[i]);
    }
    if n == 8 {
        islow(&coef, out, stride, simd);
    } else {
        reduced(&coef, n, &k.weights, out, stride);
    }
}

/// The islow result of a block whose only non-zero coefficient is the dequantised DC `dc`.
fn islow_dc(dc: i32) -> u8 {
    let p1 = descale(dc.wrapping_shl(CONST_BITS), CONST_BITS - PASS1_BITS);
    let p2 = descale(p1.wrapping_shl(CONST_BITS), CONST_BITS + PASS1_BITS + 3);
    clamp(p2.saturating_add(128))
}

const CONST_BITS: u32 = 13;
const PASS1_BITS: u32 = 2;

#[inline(always)]
fn descale(x: i32, n: u32) -> i32 {
    x.wrapping_add(1 << (n - 1)) >> n
}

/// Arithmetic the 1-D islow transform needs, for scalar `i32` and SIMD lanes alike (wrapping,
/// so both agree on every input).
trait Lane: Copy {
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn mulc(self, c: i32) -> Self;
    fn shl(self, n: u32) -> Self;
    fn descale(self, n: u32) -> Self;
}

impl Lane for i32 {
    #[inline(always)]
    fn add(self, o: i32) -> i32 {
        self.wrapping_add(o)
    }
    #[inline(always)]
    fn sub(self, o: i32) -> i32 {
        self.wrapping_sub(o)
    }
    #[inline(always)]
    fn mulc(self, c: i32) -> i32 {
        self.wrapping_mul(c)
    }
    #[inline(always)]
    fn shl(self, n: u32) -> i32 {
        self.wrapping_shl(n)
    }
    #[inline(always)]
    fn descale(self, n: u32) -> i32 {
        descale(self, n)
    }
}

// 13-bit fixed-point constants of the Loeffler–Ligtenberg–Moschytz rotation.
const F0_298: i32 = 2446;
const F0_390: i32 = 3196;
const F0_541: i32 = 4433;
const F0_765: i32 = 6270;
const F0_899: i32 = 7373;
const F1_175: i32 = 9633;
const F1_501: i32 = 12299;
const F1_847: i32 = 15137;
const F1_961: i32 = 16069;
const F2_053: i32 = 16819;
const F2_562: i32 = 20995;
const F3_072: i32 = 25172;

/// One 8-point islow inverse DCT over `x[0..8]`, results descaled by `shift` bits.
#[inline(always)]
fn idct8<L: Lane>(x: [L; 8], shift: u32) -> [L; 8] {
    // Even part.
    let z1 = x[2].add(x[6]).mulc(F0_541);
    let tmp2 = z1.add(x[6].mulc(-F1_847));
    let tmp3 = z1.add(x[2].mulc(F0_765));
    let tmp0 = x[0].add(x[4]).shl(CONST_BITS);
    let tmp1 = x[0].sub(x[4]).shl(CONST_BITS);
    let tmp10 = tmp0.add(tmp3);
    let tmp13 = tmp0.sub(tmp3);
    let tmp11 = tmp1.add(tmp2);
    let tmp12 = tmp1.sub(tmp2);
    // Odd part.
    let (t0, t1, t2, t3) = (x[7], x[5], x[3], x[1]);
    let z1 = t0.add(t3);
    let z2 = t1.add(t2);
    let z3 = t0.add(t2);
    let z4 = t1.add(t3);
    let z5 = z3.add(z4).mulc(F1_175);
    let t0 = t0.mulc(F0_298);
    let t1 = t1.mulc(F2_053);
    let t2 = t2.mulc(F3_072);
    let t3 = t3.mulc(F1_501);
    let z1 = z1.mulc(-F0_899);
    let z2 = z2.mulc(-F2_562);
    let z3 = z3.mulc(-F1_961).add(z5);
    let z4 = z4.mulc(-F0_390).add(z5);
    let t0 = t0.add(z1).add(z3);
    let t1 = t1.add(z2).add(z4);
    let t2 = t2.add(z2).add(z3);
    let t3 = t3.add(z1).add(z4);
    [
        tmp10.add(t3).descale(shift),
        tmp11.add(t2).descale(shift),
        tmp12.add(t1).descale(shift),
        tmp13.add(t0).descale(shift),
        tmp13.sub(t0).descale(shift),
        tmp12.sub(t1).descale(shift),
        tmp11.sub(t2).descale(shift),
        tmp10.sub(t3).descale(shift),
    ]
}

/// The accurate integer 8×8 inverse DCT (columns, then rows), natural-order dequantised input.
fn islow(coef: &[i32; 64], out: &mut [u8], stride: usize, simd: bool) {
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    if simd {
        return simd::islow(coef, out, stride);
    }
    let _ = simd;
    islow_scalar(coef, out, stride);
}

fn islow_scalar(coef: &[i32; 64], out: &mut [u8], stride: usize) {
    let mut ws = [0i32; 64];
    for c in 0..8 {
        // A column with no AC is flat: the same value as the full transform (wrapping alike).
        if (1..8).all(|k| coef[8 * k + c] == 0) {
            let v = descale(coef[c].wrapping_shl(CONST_BITS), CONST_BITS - PASS1_BITS);
            for k in 0..8 {
                ws[8 * k + c] = v;
            }
            continue;
        }
        let col = idct8(
            std::array::from_fn(|k| coef[8 * k + c]),
            CONST_BITS - PASS1_BITS,
        );
        for (k, v) in col.into_iter().enumerate() {
            ws[8 * k + c] = v;
        }
    }
    for (r, row) in ws.chunks_exact(8).enumerate() {
        let Some(o) = out.get_mut(r * stride..r * stride + 8) else {
            return;
        };
        if row[1..].iter().all(|&v| v == 0) {
            let v = descale(row[0].wrapping_shl(CONST_BITS), CONST_BITS + PASS1_BITS + 3);
            o.fill(clamp(v.saturating_add(128)));
            continue;
        }
        let px = idct8(std::array::from_fn(|k| row[k]), CONST_BITS + PASS1_BITS + 3);
        for (o, v) in o.iter_mut().zip(px) {
            *o = clamp(v.saturating_add(128));
        }
    }
}

/// The reduced transforms' output for a DC-only block.
fn reduced_dc(dc: i32) -> u8 {
    // The DC basis function is 1/8 of the coefficient in every sample.
    clamp(128 + ((dc + 4) >> 3))
}

/// Weights of the `n`-point inverse DCT (n = 4, 2): `w[x][u] = C(u)/2 · cos((2x+1)uπ / 2n)`
/// in 13-bit fixed point, C(0) = 1/√2, normalised like the 8-point one so a flat block keeps
/// its level.
fn reduced_weights(n: usize) -> [[i64; 4]; 4] {
    let mut w = [[0i64; 4]; 4];
    for (x, wx) in w.iter_mut().enumerate().take(n) {
        for (u, wu) in wx.iter_mut().enumerate().take(n) {
            let cu = if u == 0 {
                std::f64::consts::FRAC_1_SQRT_2
            } else {
                1.0
            };
            // (2x+1)uπ/2n = (2x+1)u·(8/n)·π/16, and n is 4 or 2.
            let a = cos_pi_16((2 * x + 1) * u * (8 / n));
            *wu = (cu / 2.0 * a * 8192.0).round() as i64;
        }
    }
    w
}

/// An `n`-point inverse DCT (n = 4, 2, 1) from the lowest `n × n` frequencies: integer matrix
/// products with the weights `w` of [`reduced_weights`].
fn reduced(coef: &[i32; 64], n: usize, w: &[[i64; 4]; 4], out: &mut [u8], stride: usize) {
    if n == 1 {
        if let Some(o) = out.first_mut() {
            *o = reduced_dc(coef[0]);
        }
        return;
    }
    // Columns: t[y][u] over the first n frequencies, 13 fraction bits.
    let mut t = [[0i64; 4]; 4];
    for (ty, wy) in t.iter_mut().zip(w).take(n) {
        for (u, tyu) in ty.iter_mut().enumerate().take(n) {
            *tyu = (0..n).map(|v| wy[v] * i64::from(coef[8 * v + u])).sum();
        }
    }
    for (y, ty) in t.iter().enumerate().take(n) {
        for (x, wx) in w.iter().enumerate().take(n) {
            let s: i64 = (0..n).map(|u| wx[u] * ty[u]).sum();
            let v = (s + (1 << 25)) >> 26;
            if let Some(o) = out.get_mut(y * stride + x) {
                *o = v.clamp(-128, 127) as u8 ^ 0x80;
            }
        }
    }
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    //! SIMD128 kernels; each gives exactly the bytes of its scalar twin.
    use super::{Lane, CONST_BITS, PASS1_BITS};
    use core::arch::wasm32::*;

    impl Lane for v128 {
        #[inline(always)]
        fn add(self, o: v128) -> v128 {
            i32x4_add(self, o)
        }
        #[inline(always)]
        fn sub(self, o: v128) -> v128 {
            i32x4_sub(self, o)
        }
        #[inline(always)]
        fn mulc(self, c: i32) -> v128 {
            i32x4_mul(self, i32x4_splat(c))
        }
        #[inline(always)]
        fn shl(self, n: u32) -> v128 {
            i32x4_shl(self, n)
        }
        #[inline(always)]
        fn descale(self, n: u32) -> v128 {
            i32x4_shr(i32x4_add(self, i32x4_splat(1 << (n - 1))), n)
        }
    }

    #[inline(always)]
    fn transpose4(a: v128, b: v128, c: v128, d: v128) -> [v128; 4] {
        let ab_lo = i32x4_shuffle::<0, 4, 1, 5>(a, b);
        let ab_hi = i32x4_shuffle::<2, 6, 3, 7>(a, b);
        let cd_lo = i32x4_shuffle::<0, 4, 1, 5>(c, d);
        let cd_hi = i32x4_shuffle::<2, 6, 3, 7>(c, d);
        [
            i64x2_shuffle::<0, 2>(ab_lo, cd_lo),
            i64x2_shuffle::<1, 3>(ab_lo, cd_lo),
            i64x2_shuffle::<0, 2>(ab_hi, cd_hi),
            i64x2_shuffle::<1, 3>(ab_hi, cd_hi),
        ]
    }

    /// Transposes an 8×8 matrix held as `lo[r]` (columns 0–3 of row r) and `hi[r]` (4–7).
    #[inline(always)]
    fn transpose8(lo: [v128; 8], hi: [v128; 8]) -> ([v128; 8], [v128; 8]) {
        let a = transpose4(lo[0], lo[1], lo[2], lo[3]); // rows 0–3 of columns 0–3
        let b = transpose4(lo[4], lo[5], lo[6], lo[7]); // rows 4–7 of columns 0–3
        let c = transpose4(hi[0], hi[1], hi[2], hi[3]); // rows 0–3 of columns 4–7
        let d = transpose4(hi[4], hi[5], hi[6], hi[7]);
        (
            [a[0], a[1], a[2], a[3], c[0], c[1], c[2], c[3]],
            [b[0], b[1], b[2], b[3], d[0], d[1], d[2], d[3]],
        )
    }

    pub(super) fn islow(coef: &[i32; 64], out: &mut [u8], stride: usize) {
        if out.len() < 7 * stride + 8 {
            return;
        }
        let p = coef.as_ptr() as *const v128;
        // SAFETY: `coef` holds 64 i32 = 16 vectors; unaligned loads are allowed.
        let lo: [v128; 8] = std::array::from_fn(|r| unsafe { v128_load(p.add(2 * r)) });
        let hi: [v128; 8] = std::array::from_fn(|r| unsafe { v128_load(p.add(2 * r + 1)) });
        let lo = super::idct8(lo, CONST_BITS - PASS1_BITS);
        let hi = super::idct8(hi, CONST_BITS - PASS1_BITS);
        let (lo, hi) = transpose8(lo, hi);
        let lo = super::idct8(lo, CONST_BITS + PASS1_BITS + 3);
        let hi = super::idct8(hi, CONST_BITS + PASS1_BITS + 3);
        // lo[c] holds column c for rows 0–3; back to rows.
        let (lo, hi) = transpose8(lo, hi);
        let bias = i16x8_splat(128);
        for r in 0..8 {
            let v = i16x8_add_sat(i16x8_narrow_i32x4(lo[r], hi[r]), bias);
            let b = u8x16_narrow_i16x8(v, v);
            // SAFETY: the length check above covers 8 bytes at every row start.
            unsafe { v128_store64_lane::<0>(b, out.as_mut_ptr().add(r * stride) as *mut u64) };
        }
    }

    /// Interior of [`super::h2_kernel`]; returns how many columns it did.
    pub(super) fn h2_kernel(sums: &[i16], n: usize, be: i16, bo: i16, out: &mut [u8]) -> usize {
        let mut i = 0;
        let (be, bo, three) = (i16x8_splat(be), i16x8_splat(bo), i16x8_splat(3));
        while i + 8 <= n && i + 10 <= sums.len() && 2 * i + 16 <= out.len() {
            // SAFETY: sums[i..i + 10] and out[2i..2i + 16] are in bounds (checked above).
            unsafe {
                let p = sums.as_ptr().add(i);
                let l = v128_load(p as *const v128);
                let c = v128_load(p.add(1) as *const v128);
                let r = v128_load(p.add(2) as *const v128);
                let c3 = i16x8_mul(c, three);
                let e = i16x8_shr(i16x8_add(i16x8_add(c3, l), be), 4);
                let o = i16x8_shr(i16x8_add(i16x8_add(c3, r), bo), 4);
                let eb = u8x16_narrow_i16x8(e, e);
                let ob = u8x16_narrow_i16x8(o, o);
                let z =
                    u8x16_shuffle::<0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23>(eb, ob);
                v128_store(out.as_mut_ptr().add(2 * i) as *mut v128, z);
            }
            i += 8;
        }
        i
    }

    /// Interior of [`super::ycc_row`]; returns how many pixels it did.
    pub(super) fn ycc_row(y: &[u8], cb: &[u8], cr: &[u8], dst: &mut [u8], w: usize) -> usize {
        let mut i = 0;
        while i + 16 <= w && i + 16 <= y.len() && i + 16 <= cb.len() && i + 16 <= cr.len() {
            if 3 * i + 48 > dst.len() {
                break;
            }
            // SAFETY: 16 bytes of each input and 48 of the output are in bounds (checked).
            unsafe {
                let yv = v128_load(y.as_ptr().add(i) as *const v128);
                let bv = v128_load(cb.as_ptr().add(i) as *const v128);
                let rv = v128_load(cr.as_ptr().add(i) as *const v128);
                let (r0, g0, b0) = ycc8(
                    u16x8_extend_low_u8x16(yv),
                    u16x8_extend_low_u8x16(bv),
                    u16x8_extend_low_u8x16(rv),
                );
                let (r1, g1, b1) = ycc8(
                    u16x8_extend_high_u8x16(yv),
                    u16x8_extend_high_u8x16(bv),
                    u16x8_extend_high_u8x16(rv),
                );
                let r = u8x16_narrow_i16x8(r0, r1);
                let g = u8x16_narrow_i16x8(g0, g1);
                let b = u8x16_narrow_i16x8(b0, b1);
                let rg_lo =
                    u8x16_shuffle::<0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23>(r, g);
                let rg_hi =
                    u8x16_shuffle::<8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31>(
                        r, g,
                    );
                let o0 =
                    u8x16_shuffle::<0, 1, 16, 2, 3, 17, 4, 5, 18, 6, 7, 19, 8, 9, 20, 10>(rg_lo, b);
                let t = u8x16_shuffle::<11, 0, 12, 13, 0, 14, 15, 0, 16, 17, 0, 18, 19, 0, 20, 21>(
                    rg_lo, rg_hi,
                );
                let o1 =
                    u8x16_shuffle::<0, 21, 2, 3, 22, 5, 6, 23, 8, 9, 24, 11, 12, 25, 14, 15>(t, b);
                let o2 = u8x16_shuffle::<26, 6, 7, 27, 8, 9, 28, 10, 11, 29, 12, 13, 30, 14, 15, 31>(
                    rg_hi, b,
                );
                let d = dst.as_mut_ptr().add(3 * i) as *mut v128;
                v128_store(d, o0);
                v128_store(d.add(1), o1);
                v128_store(d.add(2), o2);
            }
            i += 16;
        }
        i
    }

    /// Eight pixels: R, G, B as i16 lanes. The 16-bit constants split libjpeg's: 91881 =
    /// 65536 + 26345, 116130 = 131072 − 14942, −46802 = −65536 + 18734 (exact, as the whole
    /// part passes through the shift unchanged).
    #[inline(always)]
    fn ycc8(y: v128, cb: v128, cr: v128) -> (v128, v128, v128) {
        let c128 = i16x8_splat(128);
        let cb = i16x8_sub(cb, c128);
        let cr = i16x8_sub(cr, c128);
        let half = i32x4_splat(32768);
        let hi16 = |lo: v128, hi: v128| {
            i16x8_narrow_i32x4(
                i32x4_shr(i32x4_add(lo, half), 16),
                i32x4_shr(i32x4_add(hi, half), 16),
            )
        };
        let k_r = i16x8_splat(26345);
        let rf = hi16(
            i32x4_extmul_low_i16x8(cr, k_r),
            i32x4_extmul_high_i16x8(cr, k_r),
        );
        let k_b = i16x8_splat(-14942);
        let bf = hi16(
            i32x4_extmul_low_i16x8(cb, k_b),
            i32x4_extmul_high_i16x8(cb, k_b),
        );
        let k_g = i32x4_splat((18734 << 16) | (-22554i32 & 0xFFFF));
        let lo = i16x8_shuffle::<0, 8, 1, 9, 2, 10, 3, 11>(cb, cr);
        let hi = i16x8_shuffle::<4, 12, 5, 13, 6, 14, 7, 15>(cb, cr);
        let gf = hi16(i32x4_dot_i16x8(lo, k_g), i32x4_dot_i16x8(hi, k_g));
        let r = i16x8_add(i16x8_add(y, cr), rf);
        let g = i16x8_add(i16x8_sub(y, cr), gf);
        let b = i16x8_add(i16x8_add(y, i16x8_add(cb, cb)), bf);
        (r, g, b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn islow_dc_matches_the_full_transform() {
        for dc in [
            -2048, -1024, -17, -1, 0, 1, 5, 100, 1023, 2047, 40000, -40000,
        ] {
            let mut coef = [0i32; 64];
            coef[0] = dc;
            let mut out = [0u8; 64];
            islow_scalar(&coef, &mut out, 8);
            assert!(out.iter().all(|&v| v == islow_dc(dc)), "dc {dc}: {out:?}");
        }
    }

    /// The flat-column and flat-row shortcuts give what the full transform gives.
    #[test]
    fn islow_shortcuts_are_exact() {
        let mut seed = 7u32;
        let mut next = || {
            seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
            seed >> 8
        };
        for round in 0..2000 {
            let mut coef = [0i32; 64];
            for (i, c) in coef.iter_mut().enumerate() {
                let keep = next() % 4 == 0 || (round % 3 == 0 && i % 8 == 0);
                let big = round % 7 == 0;
                *c = if !keep {
                    0
                } else if big {
                    next() as i32
                } else {
                    (next() % 4096) as i32 - 2048
                };
            }
            let mut fast = [0u8; 64];
            islow_scalar(&coef, &mut fast, 8);
            let mut ws = [0i32; 64];
            for c in 0..8 {
                let col = idct8(std::array::from_fn(|k| coef[8 * k + c]), 11);
                for (k, v) in col.into_iter().enumerate() {
                    ws[8 * k + c] = v;
                }
            }
            let mut full = [0u8; 64];
            for r in 0..8 {
                let px = idct8(std::array::from_fn(|k| ws[8 * r + k]), 18);
                for (k, v) in px.into_iter().enumerate() {
                    full[8 * r + k] = clamp(v.saturating_add(128));
                }
            }
            assert_eq!(fast, full, "{coef:?}");
        }
    }

    #[test]
    fn ycc_matches_libjpeg_tables() {
        assert_eq!(ycc(128, 128, 128), [128, 128, 128]);
        assert_eq!(ycc(76, 85, 255), [254, 0, 0]);
        assert_eq!(ycc(0, 0, 0), [0, 135, 0]);
    }

    #[test]
    fn h2_edges_repeat() {
        let mut sums = Vec::new();
        let mut out = [0u8; 6];
        fancy_h2(&[10, 20, 30], None, &mut sums, &mut out, false);
        assert_eq!(out, [10, 13, 17, 23, 27, 30]);
    }
}
