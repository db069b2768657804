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

/// Bit writer with 0xFF byte stuffing.
struct Emitter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
    dc: [Encoder; 2],
    ac: [Encoder; 2],
    /// A symbol without a code was asked for (an internal error, reported after the pass).
    missing: bool,
}

impl Emitter {
    #[inline(always)]
    fn put(&mut self, bits: u32, len: u32) {
        self.acc = (self.acc << len) | u64::from(bits);
        self.n += len;
        if self.n >= 32 {
            self.n -= 32;
            let word = (self.acc >> self.n) as u32;
            let b = word.to_be_bytes();
            if b.contains(&0xFF) {
                for x in b {
                    self.out.push(x);
                    if x == 0xFF {
                        self.out.push(0);
                    }
                }
            } else {
                self.out.extend_from_slice(&b);
            }
        }
    }

    /// Pads the last byte with one bits.
    fn flush(&mut self) {
        let pad = (8 - self.n % 8) % 8;
        if pad > 0 {
            self.put((1 << pad) - 1, pad);
        }
        while self.n >= 8 {
            self.n -= 8;
            let x = (self.acc >> self.n) as u8;
            self.out.push(x);
            if x == 0xFF {
                self.out.push(0);
            }
        }
    }
}

impl Sink for Emitter {
    #[inline]
    fn dc(&mut self, class: usize, s: u32, extra: u32) {
        let t = &self.dc[class & 1];
        let (code, len) = (t.code[s as usize & 255], t.len[s as usize & 255]);
        self.missing |= len == 0;
        self.put((u32::from(code) << s) | extra, u32::from(len) + s);
    }
    #[inline]
    fn ac(&mut self, class: usize, rs: u8, s: u32, extra: u32) {
        let t = &self.ac[class & 1];
        let (code, len) = (t.code[usize::from(rs)], t.len[usize::from(rs)]);
        self.missing |= len == 0;
        self.put((u32::from(code) << s) | extra, u32::from(len) + s);
    }
    fn restart(&mut self, n: u8) {
        self.flush();
        self.out.extend_from_slice(&[0xFF, 0xD0 + (n & 7)]);
    }
}

/// Encodes one block; errors when a value is too large for 8-bit baseline coding.
#[inline]
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
    let mut mask: u64 = 0;
    for (k, &v) in b.iter().enumerate().skip(1) {
        mask |= u64::from(v != 0) << k;
    }
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
fn scan<S: Sink>(img: &Coefficients, sink: &mut S) -> Result<(), Decline> {
    let mut pred = [0i32; 3];
    let get = |ci: usize, bx: usize, by: usize| -> Result<&[i16; 64], Decline> {
        img.components
            .get(ci)
            .and_then(|c| c.block(bx, by))
            .and_then(|b| <&[i16; 64]>::try_from(b).ok())
            .ok_or(Decline::Unsupported(
                "internal: block outside the grid".into(),
            ))
    };
    if img.components.len() == 1 {
        let c = &img.components[0];
        for by in 0..c.vis_h {
            if by > 0 {
                sink.restart(((by - 1) & 7) as u8);
                pred = [0; 3];
            }
            for bx in 0..c.vis_w {
                block(sink, 0, get(0, bx, by)?, &mut pred[0])?;
            }
        }
        return Ok(());
    }
    let (mcux, mcuy) = img.mcus();
    for my in 0..mcuy {
        if my > 0 {
            sink.restart(((my - 1) & 7) as u8);
            pred = [0; 3];
        }
        for mx in 0..mcux {
            for (ci, c) in img.components.iter().enumerate() {
                let class = usize::from(ci > 0);
                for y in 0..c.v {
                    for x in 0..c.h {
                        let b = get(ci, mx * c.h + x, my * c.v + y)?;
                        block(sink, class, b, &mut pred[ci.min(2)])?;
                    }
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
            let mut count = Counter {
                dc: [[0; 256]; 2],
                ac: [[0; 256]; 2],
            };
            scan(img, &mut count)?;
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
    let mut e = Emitter {
        out,
        acc: 0,
        n: 0,
        dc: [dc0, dc1],
        ac: [ac0, ac1],
        missing: false,
    };
    scan(img, &mut e)?;
    e.flush();
    if e.missing {
        return unsupported("internal: a symbol has no Huffman code");
    }
    let mut out = e.out;
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
}
