//! The writer: entropy-encodes a coefficient image as a brand-new baseline JPEG (SOI, DQT with
//! the source's steps, SOF0 — SOF1 when a step needs 16 bits —, DHT, DRI, one interleaved SOS,
//! EOI; nothing else). Huffman tables are optimised in a counting pass, or the Annex K defaults.
//!
//! Every MCU row is its own restart interval (DRI = MCUs across; RST0–7 between rows), so the
//! verifier can entropy-decode just the rows under the boxes (see [`crate::verify`]). The cost is
//! two bytes per MCU row, the byte alignment before each marker and a fresh DC prediction at each
//! row start: about 0.02 % of a photo.

use super::huffman::{self, Encoder, Spec};
use super::{unsupported, Coefficients, Decline};

/// Which Huffman tables the new file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tables {
    /// Two passes: count symbols, then code lengths built for this image (smaller file).
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
    /// Per table (DC 0, AC 0, DC 1, AC 1), per symbol: `(code << 8) | length`, 0 when the symbol
    /// has no code.
    codes: &'a [[u32; 256]; 4],
    /// A symbol without a code was asked for (an internal error, reported after the pass).
    missing: bool,
}

/// The [`Emitter`] table of four encoders.
fn code_table(tables: [&Encoder; 4]) -> [[u32; 256]; 4] {
    let mut codes = [[0u32; 256]; 4];
    for (c, t) in codes.iter_mut().zip(tables) {
        for ((e, &code), &len) in c.iter_mut().zip(t.code.iter()).zip(t.len.iter()) {
            *e = (u32::from(code) << 8) | u32::from(len);
        }
    }
    codes
}

impl<'a> Emitter<'a> {
    fn new(out: &'a mut Vec<u8>, codes: &'a [[u32; 256]; 4]) -> Emitter<'a> {
        Emitter {
            out,
            acc: 0,
            free: 64,
            codes,
            missing: false,
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
        let e = self.codes[(class & 1) * 2][s as usize & 255];
        self.missing |= e & 0xFF == 0;
        self.put(((e >> 8) << s) | extra, (e & 0xFF) + s);
    }
    #[inline(always)]
    fn ac(&mut self, class: usize, rs: u8, s: u32, extra: u32) {
        let e = self.codes[(class & 1) * 2 + 1][usize::from(rs)];
        self.missing |= e & 0xFF == 0;
        self.put(((e >> 8) << s) | extra, (e & 0xFF) + s);
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
            missing: false,
        };
        let r = block(&mut live, class, b, pred);
        (self.acc, self.free) = (live.acc, live.free);
        self.missing |= live.missing;
        r
    }
    #[inline(always)]
    fn restart(&mut self, n: u8) {
        self.flush();
        self.out.extend_from_slice(&[0xFF, 0xD0 + (n & 7)]);
    }
}

/// Bit `k` set for each nonzero coefficient `b[k]`, four at a time: a lane's top bit after
/// `(x & 0x7FFF) + 0x7FFF | x` says nonzero, and one multiplication gathers the four top bits.
#[inline(always)]
fn nonzero_mask(b: &[i16; 64]) -> u64 {
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
        let (s, extra) = category(i32::from(b[k as usize & 63]));
        if s > 10 {
            return unsupported("an AC coefficient too large for an 8-bit baseline file");
        }
        sink.ac(class, ((run as u8) << 4) | s as u8, s, extra);
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
            (0..classes)
                .map(|i| {
                    (
                        huffman::optimal(&count.dc[i]),
                        huffman::optimal(&count.ac[i]),
                    )
                })
                .collect()
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
    let mut e = scan(img, Emitter::new(&mut out, &codes))?;
    e.flush();
    if e.missing {
        return unsupported("internal: a symbol has no Huffman code");
    }
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
