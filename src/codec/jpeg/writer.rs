//! The writer: entropy-encodes a coefficient image as a brand-new baseline JPEG (SOI, DQT with
//! the source's steps, SOF0 — SOF1 when a step needs 16 bits —, DHT, DRI, one interleaved SOS,
//! EOI; nothing else). Huffman tables are optimised in a counting pass, or the Annex K defaults.
//!
//! Every MCU row is its own restart interval (DRI = MCUs across; RST0–7 between rows), so the
//! verifier can entropy-decode just the rows under the boxes (see [`crate::verify`]). The cost is
//! two bytes per MCU row, the byte alignment before each marker and a fresh DC prediction at each
//! row start: about 0.02 % of a photo.

use super::coefficients::Coefficients;
use super::decline::{unsupported, Decline};
use super::huffman::{self, Encoder, Spec};

/// Which Huffman tables the new file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tables {
    /// Two passes: count symbols, then code lengths built for this image (smaller file). No
    /// export uses it (the lossless path chose Annex K, see `lossless.rs`); it stays as the
    /// measured alternative: `bench/examples/verify_bench.rs` compares the two, and the tests
    /// and the coefficient fuzz target write both.
    Optimized,
    /// The example tables of ITU T.81 Annex K (one pass).
    AnnexK,
}

/// Category (bit count) and extra bits of a value, as in JPEG's magnitude coding.
#[inline]
fn category(v: i32) -> (u32, u32) {
    let a = v.unsigned_abs();
    let s = 32 - a.leading_zeros();
    // Negative values send v − 1 (branch-free: signs are unpredictable).
    let extra = (v + (v >> 31)) as u32;
    (s, extra & ((1u32 << s) - 1))
}

/// Where encoded symbols go: counted in the first pass, written in the second.
trait Sink {
    fn dc(&mut self, class: usize, s: u32, extra: u32);
    fn ac(&mut self, class: usize, rs: u8, s: u32, extra: u32);
    /// A nonzero AC coefficient `v` after `run` (0–15) zeros.
    #[inline(always)]
    fn coef(&mut self, class: usize, run: u32, v: i32) -> Result<(), Decline>
    where
        Self: Sized,
    {
        coef(self, class, run, v)
    }
    /// The restart marker RST`n` (0–7) goes here.
    fn restart(&mut self, _n: u8) {}
    /// One block, DC prediction `pred` ([`block`], which an implementation may wrap).
    #[inline(always)]
    fn block(&mut self, class: usize, b: &[i16; 64], pred: &mut i32) -> Result<(), Decline>
    where
        Self: Sized,
    {
        block(self, class, b, pred)
    }
}

struct Counter {
    dc: [[u32; 256]; 2],
    ac: [[u32; 256]; 2],
}

impl Sink for Counter {
    #[inline]
    fn dc(&mut self, class: usize, s: u32, _: u32) {
        self.dc[class & 1][s as usize & 255] += 1;
    }
    #[inline]
    fn ac(&mut self, class: usize, rs: u8, _: u32, _: u32) {
        self.ac[class & 1][usize::from(rs)] += 1;
    }
}

/// Bit writer with 0xFF byte stuffing: a 64-bit accumulator written out eight bytes at a time,
/// byte by byte only when one of them is 0xFF. Small and passed by value through [`scan`], so
/// the accumulator lives in registers.
struct Emitter<'a> {
    out: &'a mut Vec<u8>,
    /// The low `64 − free` bits are pending (higher bits are stale and shift out unused).
    acc: u64,
    free: u32,
    codes: &'a Codes,
}

/// Largest magnitude of an AC coefficient coded through [`Codes::pairs`].
const PAIR_MAX: i32 = 31;

/// The [`Emitter`]'s code tables. Every symbol the pass emits must have a code (checked before
/// the pass: [`Codes::covers`]).
struct Codes {
    /// Per table (DC 0, AC 0, DC 1, AC 1), per symbol: `(code << 8) | length`, 0 when the symbol
    /// has no code.
    sym: [[u32; 256]; 4],
    /// Per class, per AC coefficient of magnitude at most [`PAIR_MAX`] and its zero run, indexed
    /// by `(run << 6) | (value & 63)`: the run/size symbol's code followed by the value's extra
    /// bits, as `(bits << 5) | length` (length at most 16 + 5).
    pairs: [[u32; 1024]; 2],
}

/// The [`Emitter`] tables of four encoders (DC 0, AC 0, DC 1, AC 1).
fn code_table(tables: [&Encoder; 4]) -> Codes {
    let mut codes = Codes {
        sym: [[0u32; 256]; 4],
        pairs: [[0u32; 1024]; 2],
    };
    for (c, t) in codes.sym.iter_mut().zip(tables) {
        for ((e, &code), &len) in c.iter_mut().zip(t.code.iter()).zip(t.len.iter()) {
            *e = (u32::from(code) << 8) | u32::from(len);
        }
    }
    for (class, pairs) in codes.pairs.iter_mut().enumerate() {
        let ac = &codes.sym[class * 2 + 1];
        for run in 0..16u32 {
            for v in (-PAIR_MAX..=PAIR_MAX).filter(|&v| v != 0) {
                let (s, extra) = category(v);
                let e = ac[((run << 4) | s) as usize];
                let len = (e & 0xFF) + s;
                let i = ((run << 6) | (v as u32 & 63)) as usize;
                pairs[i] = ((((e >> 8) << s) | extra) << 5) | len;
            }
        }
    }
    codes
}

impl Codes {
    /// Whether every symbol that `used` says the pass may emit has a code in the table of
    /// class `class` (0: DC, 1: AC) and component class `comp`.
    fn covers(&self, comp: usize, class: usize, used: impl Fn(usize) -> bool) -> bool {
        self.sym[(comp & 1) * 2 + (class & 1)]
            .iter()
            .enumerate()
            .all(|(sym, &e)| e & 0xFF != 0 || !used(sym))
    }
}

impl<'a> Emitter<'a> {
    fn new(out: &'a mut Vec<u8>, codes: &'a Codes) -> Emitter<'a> {
        Emitter {
            out,
            acc: 0,
            free: 64,
            codes,
        }
    }

    /// Appends the low `len` (at most 32) bits of `bits`.
    #[inline(always)]
    fn put(&mut self, bits: u32, len: u32) {
        if len < self.free {
            self.acc = (self.acc << len) | u64::from(bits);
            self.free -= len;
        } else {
            // Top up to 64 bits, write them, keep the rest of `bits`.
            let rest = len - self.free;
            let word = (self.acc << self.free) | (u64::from(bits) >> rest);
            let b = word.to_be_bytes();
            // Some byte is 0xFF iff some byte of !word is zero.
            let t = !word;
            if t.wrapping_sub(0x0101_0101_0101_0101) & !t & 0x8080_8080_8080_8080 == 0 {
                self.out.extend_from_slice(&b);
            } else {
                stuffed(self.out, &b);
            }
            self.acc = u64::from(bits);
            self.free = 64 - rest;
        }
    }

    /// Writes the pending bits, the last byte padded with one bits.
    #[inline(always)]
    fn flush(&mut self) {
        let n = 64 - self.free;
        let pad = (8 - n % 8) % 8;
        let total = n + pad;
        let bits = if n == 0 {
            0
        } else {
            ((self.acc << (64 - n)) | ((1u64 << (64 - n)) - 1)) >> (64 - total)
        };
        let bytes = bits.to_be_bytes();
        stuffed(
            self.out,
            bytes.get(8 - (total / 8) as usize..).unwrap_or(&[]),
        );
        self.acc = 0;
        self.free = 64;
    }
}

/// Appends `b`, a 0x00 after every 0xFF.
#[inline(never)]
fn stuffed(out: &mut Vec<u8>, b: &[u8]) {
    for &x in b {
        out.push(x);
        if x == 0xFF {
            out.push(0);
        }
    }
}

impl Sink for Emitter<'_> {
    #[inline(always)]
    fn dc(&mut self, class: usize, s: u32, extra: u32) {
        let e = self.codes.sym[(class & 1) * 2][s as usize & 255];
        self.put(((e >> 8) << s) | extra, (e & 0xFF) + s);
    }
    #[inline(always)]
    fn ac(&mut self, class: usize, rs: u8, s: u32, extra: u32) {
        let e = self.codes.sym[(class & 1) * 2 + 1][usize::from(rs)];
        self.put(((e >> 8) << s) | extra, (e & 0xFF) + s);
    }
    /// Small values: symbol and extra bits from one lookup.
    #[inline(always)]
    fn coef(&mut self, class: usize, run: u32, v: i32) -> Result<(), Decline> {
        if (v + PAIR_MAX) as u32 <= 2 * PAIR_MAX as u32 {
            let e = self.codes.pairs[class & 1][(((run & 15) << 6) | (v as u32 & 63)) as usize];
            self.put(e >> 5, e & 31);
            Ok(())
        } else {
            coef(self, class, run, v)
        }
    }
    /// Encodes the block with a copy of the bit state in local variables (registers), written
    /// back after the block.
    #[inline(always)]
    fn block(&mut self, class: usize, b: &[i16; 64], pred: &mut i32) -> Result<(), Decline> {
        let mut live = Emitter {
            out: &mut *self.out,
            acc: self.acc,
            free: self.free,
            codes: self.codes,
        };
        let r = block(&mut live, class, b, pred);
        (self.acc, self.free) = (live.acc, live.free);
        r
    }
    #[inline(always)]
    fn restart(&mut self, n: u8) {
        self.flush();
        self.out.extend_from_slice(&[0xFF, 0xD0 + (n & 7)]);
    }
}

/// Bit `k` set for each nonzero coefficient `b[k]`, sixteen at a time: two vectors of eight
/// narrowed (with saturation, so nonzero stays nonzero) to one of sixteen bytes, compared with
/// zero, and the lanes' top bits gathered.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn nonzero_mask(b: &[i16; 64]) -> u64 {
    use core::arch::wasm32::*;
    let mut mask = 0u64;
    for (i, q) in b.chunks_exact(16).enumerate() {
        // SAFETY: `q` is 32 readable bytes; wasm loads need no alignment.
        let (lo, hi) = unsafe {
            (
                v128_load(q.as_ptr().cast()),
                v128_load(q[8..].as_ptr().cast()),
            )
        };
        let bytes = i8x16_narrow_i16x8(lo, hi);
        let nz = i8x16_bitmask(i8x16_ne(bytes, i8x16_splat(0)));
        mask |= u64::from(nz) << (16 * i);
    }
    mask
}

/// Test hook for wasm SIMD builds (see tests/wasm.rs): how many of `blocks` pseudo-random
/// sparse blocks (plus the extremes) get a different nonzero mask from the SIMD and the scalar
/// code; 0 when they agree.
#[doc(hidden)]
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
pub fn simd_mask_mismatches(blocks: u32) -> u32 {
    let mut seed = 0x9E37_79B9u32;
    let mut bad = 0;
    for n in 0..blocks + 3 {
        let mut b = [0i16; 64];
        for v in b.iter_mut() {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            *v = match n {
                0 => i16::MIN,
                1 => 256,
                2 => 0,
                // Mostly zeros, as in real blocks; any value when not.
                _ if seed % 4 != 0 => 0,
                _ => (seed >> 8) as i16,
            };
        }
        bad += u32::from(nonzero_mask(&b) != nonzero_mask_scalar(&b));
    }
    bad
}

/// Bit `k` set for each nonzero coefficient `b[k]`, four at a time: a lane's top bit after
/// `(x & 0x7FFF) + 0x7FFF | x` says nonzero, and one multiplication gathers the four top bits.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
#[inline(always)]
fn nonzero_mask(b: &[i16; 64]) -> u64 {
    nonzero_mask_scalar(b)
}

/// The scalar [`nonzero_mask`] (native builds; the reference the SIMD one must equal).
#[inline(always)]
fn nonzero_mask_scalar(b: &[i16; 64]) -> u64 {
    const LOW: u64 = 0x7FFF_7FFF_7FFF_7FFF;
    const HIGH: u64 = 0x8000_8000_8000_8000;
    // Moves the bits at 0, 16, 32 and 48 to 48, 49, 50 and 51 (other products fall below 36
    // or above 63).
    const GATHER: u64 = (1 << 48) | (1 << 33) | (1 << 18) | (1 << 3);
    let mut mask = 0u64;
    for (i, q) in b.chunks_exact(4).enumerate() {
        let x = q
            .iter()
            .rev()
            .fold(0u64, |acc, &v| (acc << 16) | u64::from(v as u16));
        let nz = (((x & LOW) + LOW) | x) & HIGH;
        let four = ((nz >> 15).wrapping_mul(GATHER) >> 48) & 0xF;
        mask |= four << (4 * i);
    }
    mask
}

/// Sends AC coefficient `v` (nonzero) after `run` (0–15) zeros as its run/size symbol and extra
/// bits; errors when it is too large for 8-bit baseline coding.
#[inline(always)]
fn coef<S: Sink>(sink: &mut S, class: usize, run: u32, v: i32) -> Result<(), Decline> {
    let (s, extra) = category(v);
    if s > 10 {
        return unsupported("an AC coefficient too large for an 8-bit baseline file");
    }
    sink.ac(class, (((run & 15) as u8) << 4) | s as u8, s, extra);
    Ok(())
}

/// Encodes one block; errors when a value is too large for 8-bit baseline coding.
#[inline(always)]
fn block<S: Sink>(
    sink: &mut S,
    class: usize,
    b: &[i16; 64],
    pred: &mut i32,
) -> Result<(), Decline> {
    let dc = i32::from(b[0]);
    let (s, extra) = category(dc - *pred);
    *pred = dc;
    if s > 11 {
        return unsupported("a DC coefficient difference too large for an 8-bit baseline file");
    }
    sink.dc(class, s, extra);
    let mut mask = nonzero_mask(b) & !1;
    let mut last = 0u32;
    while mask != 0 {
        let k = mask.trailing_zeros();
        mask &= mask - 1;
        let mut run = k - last - 1;
        last = k;
        while run >= 16 {
            sink.ac(class, 0xF0, 0, 0);
            run -= 16;
        }
        sink.coef(class, run, i32::from(b[k as usize & 63]))?;
    }
    if last != 63 {
        sink.ac(class, 0x00, 0, 0);
    }
    Ok(())
}

/// Units (MCUs, or blocks of a one-component image) in one row: the restart interval.
fn units_across(img: &Coefficients) -> usize {
    match img.components.as_slice() {
        [one] => one.vis_w,
        _ => img.mcus().0,
    }
}

/// Runs every block of the image through `sink` in file order (one scan, a restart marker before
/// every row of units but the first, DC prediction reset there).
fn scan<S: Sink>(img: &Coefficients, mut state: S) -> Result<S, Decline> {
    let rows = match img.components.as_slice() {
        [one] => one.vis_h,
        _ => img.mcus().1,
    };
    for r in 0..rows {
        if r > 0 {
            state.restart(((r - 1) & 7) as u8);
        }
        row(img, &mut state, r)?;
    }
    Ok(state)
}

/// One row of units (one restart interval, DC prediction from zero). Not inlined: a call per
/// row lets a wasm engine move to its optimised code early in the image.
#[inline(never)]
fn row<S: Sink>(img: &Coefficients, sink: &mut S, r: usize) -> Result<(), Decline> {
    let mut pred = [0i32; 3];
    let outside = || Decline::Unsupported("internal: block outside the grid".into());
    if let [c] = img.components.as_slice() {
        let Some(blocks) =
            c.bw.checked_mul(r * 64)
                .and_then(|start| c.coefs.get(start..start + c.vis_w * 64))
        else {
            return Err(outside());
        };
        for b in blocks.chunks_exact(64) {
            let b = <&[i16; 64]>::try_from(b).map_err(|_| outside())?;
            sink.block(0, b, &mut pred[0])?;
        }
        return Ok(());
    }
    let (mcux, _) = img.mcus();
    for mx in 0..mcux {
        for ((ci, c), p) in img.components.iter().enumerate().zip(pred.iter_mut()) {
            let class = usize::from(ci > 0);
            for y in 0..c.v {
                // The unit's blocks on this block row are consecutive.
                let start = ((r * c.v + y) * c.bw + mx * c.h) * 64;
                let Some(blocks) = c.coefs.get(start..start + c.h * 64) else {
                    return Err(outside());
                };
                for b in blocks.chunks_exact(64) {
                    let b = <&[i16; 64]>::try_from(b).map_err(|_| outside())?;
                    sink.block(class, b, p)?;
                }
            }
        }
    }
    Ok(())
}

fn segment(out: &mut Vec<u8>, marker: u8, body: &[u8]) -> Result<(), Decline> {
    let len = u16::try_from(body.len() + 2).or(unsupported("internal: segment too long"))?;
    out.extend_from_slice(&[0xFF, marker]);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(body);
    Ok(())
}

/// Writes `img` as a fresh baseline (or extended sequential, for 16-bit steps) JPEG.
pub fn write(img: &Coefficients, tables: Tables) -> Result<Vec<u8>, Decline> {
    let n = img.components.len();
    if n != 1 && n != 3 {
        return unsupported(format!("{n} components"));
    }
    let (Ok(w), Ok(h)) = (u16::try_from(img.width), u16::try_from(img.height)) else {
        return unsupported("an image over 65 535 pixels a side");
    };
    // Distinct quantisation tables, in component order.
    let mut qts: Vec<[u16; 64]> = Vec::new();
    let mut tq = Vec::with_capacity(n);
    for c in &img.components {
        let i = match qts.iter().position(|q| *q == c.quant) {
            Some(i) => i,
            None => {
                qts.push(c.quant);
                qts.len() - 1
            }
        };
        tq.push(i as u8);
    }
    let wide = qts.iter().any(|q| q.iter().any(|&v| v > 255));
    let classes = if n == 1 { 1 } else { 2 };
    // Symbol counts of the optimising pass.
    let mut counted: Option<Counter> = None;
    let specs: Vec<(Spec, Spec)> = match tables {
        Tables::AnnexK => [
            (huffman::default_dc_luma(), huffman::default_ac_luma()),
            (huffman::default_dc_chroma(), huffman::default_ac_chroma()),
        ]
        .into_iter()
        .take(classes)
        .collect(),
        Tables::Optimized => {
            let count = Counter {
                dc: [[0; 256]; 2],
                ac: [[0; 256]; 2],
            };
            let count = scan(img, count)?;
            let specs = (0..classes)
                .map(|i| {
                    (
                        huffman::optimal(&count.dc[i]),
                        huffman::optimal(&count.ac[i]),
                    )
                })
                .collect();
            counted = Some(count);
            specs
        }
    };

    let coefs: usize = img.components.iter().map(|c| c.coefs.len()).sum();
    let mut out = Vec::with_capacity(coefs / 8 + 1024);
    out.extend_from_slice(&[0xFF, 0xD8]);
    let mut dqt = Vec::new();
    for (i, q) in qts.iter().enumerate() {
        dqt.push(((wide as u8) << 4) | i as u8);
        for &v in q {
            if wide {
                dqt.extend_from_slice(&v.to_be_bytes());
            } else {
                dqt.push(v as u8);
            }
        }
    }
    segment(&mut out, 0xDB, &dqt)?;
    let mut sof = vec![8];
    sof.extend_from_slice(&h.to_be_bytes());
    sof.extend_from_slice(&w.to_be_bytes());
    sof.push(n as u8);
    for (i, c) in img.components.iter().enumerate() {
        sof.extend_from_slice(&[i as u8 + 1, ((c.h as u8) << 4) | c.v as u8, tq[i]]);
    }
    segment(&mut out, if wide { 0xC1 } else { 0xC0 }, &sof)?;
    let mut dht = Vec::new();
    for (i, (dc, ac)) in specs.iter().enumerate() {
        for (class, s) in [(0u8, dc), (1u8, ac)] {
            dht.push((class << 4) | i as u8);
            dht.extend_from_slice(&s.bits);
            dht.extend_from_slice(&s.values);
        }
    }
    segment(&mut out, 0xC4, &dht)?;
    let Ok(interval) = u16::try_from(units_across(img)) else {
        return unsupported("internal: a restart interval over 65 535");
    };
    segment(&mut out, 0xDD, &interval.to_be_bytes())?;
    let mut sos = vec![n as u8];
    for i in 0..n {
        let t = u8::from(i > 0);
        sos.extend_from_slice(&[i as u8 + 1, (t << 4) | t]);
    }
    sos.extend_from_slice(&[0, 63, 0]);
    segment(&mut out, 0xDA, &sos)?;

    let enc = |i: usize| {
        specs
            .get(i)
            .or(specs.first())
            .map(|(d, a)| (d.encoder(), a.encoder()))
    };
    let (Some((dc0, ac0)), Some((dc1, ac1))) = (enc(0), enc(1)) else {
        return unsupported("internal: no Huffman tables");
    };
    let codes = code_table([&dc0, &ac0, &dc1, &ac1]);
    // Every symbol the pass can emit must have a code: with optimised tables, every symbol
    // counted; with the Annex K tables, the whole baseline alphabet (DC sizes 0–11; EOB, ZRL
    // and runs 0–15 with sizes 1–10).
    let complete = (0..classes).all(|c| match &counted {
        Some(n) => codes.covers(c, 0, |s| n.dc[c][s] > 0) && codes.covers(c, 1, |s| n.ac[c][s] > 0),
        None => {
            codes.covers(c, 0, |s| s <= 11)
                && codes.covers(c, 1, |s| matches!(s & 15, 1..=10) || s == 0 || s == 0xF0)
        }
    });
    if !complete {
        return unsupported("internal: a symbol has no Huffman code");
    }
    let mut e = scan(img, Emitter::new(&mut out, &codes))?;
    e.flush();
    out.extend_from_slice(&[0xFF, 0xD9]);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories() {
        assert_eq!(category(0), (0, 0));
        assert_eq!(category(1), (1, 1));
        assert_eq!(category(-1), (1, 0));
        assert_eq!(category(-3), (2, 0));
        assert_eq!(category(5), (3, 5));
        assert_eq!(category(-2047), (11, 0));
        assert_eq!(category(1023), (10, 1023));
    }

    #[test]
    fn nonzero_mask_marks_every_nonzero_coefficient() {
        let mut b = [0i16; 64];
        assert_eq!(nonzero_mask(&b), 0);
        for (k, v) in [
            (0, 1),
            (1, -1),
            (5, i16::MIN),
            (6, i16::MAX),
            (17, 256),
            (63, -32767),
        ] {
            b[k] = v;
        }
        let want = [0, 1, 5, 6, 17, 63].iter().fold(0u64, |m, &k| m | 1 << k);
        assert_eq!(nonzero_mask(&b), want);
        let all = [-3i16; 64];
        assert_eq!(nonzero_mask(&all), u64::MAX);
    }

    #[test]
    fn pair_codes_match_symbol_and_extra_bits() {
        // Every coefficient through the one-lookup table, and through symbol plus extra bits:
        // the same bytes, for both classes and values on either side of the table's range.
        let (dc, ac) = (
            huffman::default_dc_luma().encoder(),
            huffman::default_ac_luma().encoder(),
        );
        let (dc1, ac1) = (
            huffman::default_dc_chroma().encoder(),
            huffman::default_ac_chroma().encoder(),
        );
        let codes = code_table([&dc, &ac, &dc1, &ac1]);
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        let mut f = Emitter::new(&mut fast, &codes);
        let mut s = Emitter::new(&mut slow, &codes);
        let mut tried = 0;
        for class in 0..2 {
            for run in 0..16 {
                for v in (-(PAIR_MAX + 40)..=PAIR_MAX + 40).filter(|&v| v != 0) {
                    f.coef(class, run, v).unwrap();
                    coef(&mut s, class, run, v).unwrap();
                    tried += 1;
                }
            }
        }
        f.flush();
        s.flush();
        assert_eq!(tried, 2 * 16 * 2 * (PAIR_MAX + 40));
        assert!(fast.len() > 4000);
        assert_eq!(fast, slow);
        // Too large for baseline either way.
        let mut out = Vec::new();
        let mut e = Emitter::new(&mut out, &codes);
        assert!(e.coef(0, 0, 1024).is_err());
        assert!(e.coef(1, 3, -1024).is_err());
    }

    #[test]
    fn emitter_stuffs_and_pads_like_a_bit_writer() {
        // Symbols of random lengths with many one bits, restart markers now and then: the same
        // bytes as a plain bit-by-bit writer.
        let codes = code_table([&huffman::default_dc_luma().encoder(); 4]);
        let mut out = Vec::new();
        let mut e = Emitter::new(&mut out, &codes);
        let (mut want, mut pending) = (Vec::new(), Vec::new());
        let bytes = |want: &mut Vec<u8>, pending: &mut Vec<bool>| {
            while pending.len() % 8 != 0 {
                pending.push(true);
            }
            for b in pending.chunks(8) {
                let byte = b.iter().fold(0u8, |x, &t| (x << 1) | u8::from(t));
                want.push(byte);
                if byte == 0xFF {
                    want.push(0);
                }
            }
            pending.clear();
        };
        let mut x: u32 = 12345;
        for i in 0..5000u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let len = 1 + (x >> 8) % 27;
            let v = if i % 3 == 0 { u32::MAX } else { x >> 3 } & ((1u32 << len) - 1);
            e.put(v, len);
            pending.extend((0..len).rev().map(|j| v >> j & 1 == 1));
            if i % 1000 == 999 {
                e.restart(3);
                bytes(&mut want, &mut pending);
                want.extend_from_slice(&[0xFF, 0xD3]);
            }
        }
        e.flush();
        bytes(&mut want, &mut pending);
        assert_eq!(out, want);
    }
}
