//! The entropy-coded data: a bit reader over stuffed bytes that stops at markers, and the
//! decoding of one block (sequential, or a progressive DC/AC first or refinement step).

use super::decline::{corrupt, Decline};
use super::huffman::{Decoder, FAST_BITS};
use crate::container::jpeg::scan_data;

/// The entropy-coded data reader: removes byte stuffing, stops at markers, and counts how many
/// bits past the real data were asked for (which is an error: truncated or damaged data).
/// `Copy`, so a block decoder can work on a local copy held in registers.
#[derive(Clone, Copy)]
pub(super) struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    /// Valid bits in `acc` (left-aligned).
    n: u32,
    /// Of those, how many at the tail are zero padding past a marker or the end.
    pad: u32,
    /// A marker (or the end of the data) has been reached.
    stopped: bool,
}

impl<'a> Bits<'a> {
    pub(super) fn new(data: &'a [u8], pos: usize) -> Bits<'a> {
        Bits {
            data,
            pos,
            acc: 0,
            n: 0,
            pad: 0,
            stopped: false,
        }
    }

    /// Fills the buffer to at least 56 bits: eight bytes at a time when none of the bytes taken
    /// is 0xFF (no stuffing, no marker), else byte by byte.
    #[inline(always)]
    fn refill(&mut self) {
        if let Some(chunk) = self.data.get(self.pos..).and_then(|r| r.first_chunk::<8>()) {
            let x = u64::from_be_bytes(*chunk);
            let take = (63 - self.n) >> 3;
            let keep = !(u64::MAX >> (take * 8));
            // A byte of x is 0xFF when the same byte of !x is zero (may also flag the bytes
            // before a real one: that only sends them the slow way).
            let t = !x;
            let ff = t.wrapping_sub(0x0101_0101_0101_0101) & !t & 0x8080_8080_8080_8080;
            if ff & keep == 0 {
                self.acc |= (x & keep) >> self.n;
                self.n += take * 8;
                self.pos += take as usize;
                return;
            }
        }
        *self = self.refill_bytes();
    }

    /// By value, so that the caller's copy never has its address taken.
    #[inline(never)]
    fn refill_bytes(mut self) -> Self {
        while self.n <= 56 {
            let b = if self.stopped {
                self.pad += 8;
                0
            } else {
                match self.data.get(self.pos) {
                    Some(&0xFF) if self.data.get(self.pos + 1) == Some(&0) => {
                        self.pos += 2;
                        0xFF
                    }
                    Some(&0xFF) => {
                        self.stopped = true;
                        self.pad += 8;
                        0
                    }
                    Some(&b) => {
                        self.pos += 1;
                        b
                    }
                    None => {
                        self.stopped = true;
                        self.pad += 8;
                        0
                    }
                }
            };
            self.acc |= u64::from(b) << (56 - self.n);
            self.n += 8;
        }
        self
    }

    #[inline]
    fn peek(&mut self, k: u32) -> u32 {
        if self.n < k {
            self.refill();
        }
        (self.acc >> (64 - k)) as u32
    }

    #[inline]
    fn consume(&mut self, k: u32) -> Result<(), Decline> {
        self.acc <<= k;
        self.n -= k;
        if self.n < self.pad {
            return corrupt("the scan data ends early (truncated or damaged)");
        }
        Ok(())
    }

    #[inline]
    pub(super) fn get(&mut self, k: u32) -> Result<u32, Decline> {
        if k == 0 {
            return Ok(0);
        }
        let v = self.peek(k);
        self.consume(k)?;
        Ok(v)
    }

    /// Reads `s` extra bits and sign-extends them (JPEG "receive and extend").
    #[inline]
    fn extend(&mut self, s: u32) -> Result<i32, Decline> {
        if s == 0 {
            return Ok(0);
        }
        let v = self.get(s)? as i32;
        // Top bit clear means negative: v − 2^s + 1 (branch-free: signs are unpredictable).
        let negative = ((v >> (s - 1)) & 1) - 1;
        Ok(v + (negative & (1 - (1 << s))))
    }

    #[inline(always)]
    fn decode(&mut self, t: &Decoder) -> Result<u8, Decline> {
        if self.n < 16 {
            self.refill();
        }
        let sym = self.symbol(t)?;
        if self.n < self.pad {
            return corrupt("the scan data ends early (truncated or damaged)");
        }
        Ok(sym)
    }

    // The unchecked readers of sequential blocks: the caller keeps at least 32 bits buffered
    // (`n >= 32` before each symbol and its extra bits, at most 27 bits), and checks once per
    // block that no padding past the data was read (`n >= pad`: once the data has stopped,
    // `n − pad` only falls, so the block's end is where it is lowest).

    /// Drops `k` bits (`k <= n`).
    #[inline(always)]
    fn skip(&mut self, k: u32) {
        self.acc <<= k;
        self.n -= k;
    }

    /// Decodes one Huffman symbol; needs 16 bits buffered.
    #[inline(always)]
    fn symbol(&mut self, t: &Decoder) -> Result<u8, Decline> {
        let e = t.fast[(self.acc >> (64 - FAST_BITS)) as usize];
        if e != 0 {
            self.skip(u32::from(e >> 8));
            return Ok(e as u8);
        }
        let (sym, len) = long_code(self.acc, t)?;
        self.skip(len);
        Ok(sym)
    }

    /// Reads `s` (0–16) extra bits and sign-extends them; needs `s` bits buffered.
    #[inline(always)]
    fn value(&mut self, s: u32) -> i32 {
        let v = (self.acc.rotate_left(s) as u32 & ((1u32 << s) - 1)) as i32;
        self.skip(s);
        // Below half the range means negative: v − 2^s + 1 (branch-free).
        let negative = (v - ((1 << s) >> 1)) >> 31;
        v + (negative & (1 - (1 << s)))
    }

    /// Whether padding past the end of the data was read.
    #[inline(always)]
    fn overran(&self) -> bool {
        self.n < self.pad
    }

    /// Drops the buffered bits and moves to the restart marker that must come next.
    pub(super) fn restart(&mut self, expect: u8) -> Result<(), Decline> {
        // Bits still buffered must be the byte's padding; bytes are never read past a marker.
        self.acc = 0;
        self.n = 0;
        self.pad = 0;
        self.stopped = false;
        while self.data.get(self.pos) == Some(&0xFF) && self.data.get(self.pos + 1) == Some(&0xFF) {
            self.pos += 1;
        }
        if self.data.get(self.pos) == Some(&0xFF) && self.data.get(self.pos + 1) == Some(&expect) {
            self.pos += 2;
            Ok(())
        } else {
            corrupt("a restart marker is missing or out of order")
        }
    }

    /// True when every byte of the data has been read and what is left over is at most seven
    /// one-bits of padding (the byte alignment before a marker).
    pub(super) fn at_end(&mut self) -> bool {
        if !self.stopped && self.n <= 56 {
            self.refill();
        }
        let real = self.n.saturating_sub(self.pad);
        if !(self.stopped && self.pos >= self.data.len() && real < 8) {
            return false;
        }
        real == 0 || (self.acc >> (64 - real)) == (1u64 << real) - 1
    }

    /// The offset of the marker that ends the scan (skipping any stray bytes before it).
    pub(super) fn end(&self) -> Result<usize, Decline> {
        match scan_data(self.data, self.pos) {
            Ok(scan) => Ok(scan.end),
            Err(_) => corrupt("the file ends inside scan data"),
        }
    }
}

/// A code longer than [`FAST_BITS`] (or none) at the top of `acc`: the canonical comparison per
/// length. Returns the symbol and the code's length.
#[inline(never)]
fn long_code(acc: u64, t: &Decoder) -> Result<(u8, u32), Decline> {
    let p = (acc >> 48) as i32;
    for l in (FAST_BITS + 1)..=16 {
        let code = p >> (16 - l);
        let (Some(&max), Some(&off)) = (t.maxcode.get(l as usize), t.offset.get(l as usize)) else {
            break;
        };
        if code <= max {
            let i = code + off;
            return match t.values.get(i as usize) {
                Some(&v) if i >= 0 => Ok((v, l)),
                _ => corrupt("a Huffman code outside its table"),
            };
        }
    }
    corrupt("an invalid Huffman code")
}

#[inline]
fn put(block: &mut [i16], k: usize, v: i32) -> Result<(), Decline> {
    match (block.get_mut(k), i16::try_from(v)) {
        (Some(slot), Ok(v)) => {
            *slot = v;
            Ok(())
        }
        _ => corrupt("a coefficient out of range"),
    }
}

/// Decodes one sequential block into `block` (which must hold zeros where no coefficient is
/// coded).
#[inline(always)]
pub(super) fn seq_block(
    bits: &mut Bits,
    block: &mut [i16; 64],
    dc: &Decoder,
    ac: &Decoder,
    pred: &mut i32,
) -> Result<(), Decline> {
    // A local copy, so the bit buffer stays in registers through the block.
    let mut local = *bits;
    let r = seq_block_inner(&mut local, block, dc, ac, pred);
    *bits = local;
    match r {
        Ok(()) if !bits.overran() => Ok(()),
        // Past the end of the data: what was decoded there is padding, whatever else it says.
        _ if bits.overran() => corrupt("the scan data ends early (truncated or damaged)"),
        r => r,
    }
}

#[inline(always)]
fn seq_block_inner(
    bits: &mut Bits,
    block: &mut [i16; 64],
    dc: &Decoder,
    ac: &Decoder,
    pred: &mut i32,
) -> Result<(), Decline> {
    if bits.n < 32 {
        bits.refill();
    }
    let t = u32::from(bits.symbol(dc)?);
    if t > 11 {
        return corrupt("a DC difference category over 11");
    }
    *pred += bits.value(t);
    // (The error is built only when needed: `.or(corrupt(…))` would allocate every block.)
    let Ok(dc) = i16::try_from(*pred) else {
        return corrupt("a coefficient out of range");
    };
    block[0] = dc;
    let mut k = 1usize;
    while k < 64 {
        if bits.n < 32 {
            bits.refill();
        }
        let e = ac.fast_ac[(bits.acc >> (64 - FAST_BITS)) as usize];
        let (value, run) = if e != 0 {
            bits.skip((e & 0xFF) as u32);
            (e >> 16, ((e >> 8) & 0xFF) as usize)
        } else {
            let rs = bits.symbol(ac)?;
            let s = u32::from(rs & 15);
            if s > 10 {
                return corrupt("an AC coefficient past the end of its block");
            }
            (bits.value(s), usize::from(rs >> 4))
        };
        if value == 0 {
            // Size 0: ZRL (16 zeros) or the end of the block.
            if run == 15 {
                k += 16;
                continue;
            }
            break;
        }
        k += run;
        if k > 63 {
            return corrupt("an AC coefficient past the end of its block");
        }
        block[k & 63] = value as i16;
        k += 1;
    }
    if k > 64 {
        return corrupt("a zero run past the end of its block");
    }
    Ok(())
}

#[inline]
pub(super) fn dc_first(
    bits: &mut Bits,
    block: &mut [i16],
    dc: &Decoder,
    pred: &mut i32,
    al: u32,
) -> Result<(), Decline> {
    let t = u32::from(bits.decode(dc)?);
    if t > 11 {
        return corrupt("a DC difference category over 11");
    }
    *pred += bits.extend(t)?;
    if !(-32768..=32767).contains(pred) {
        return corrupt("a DC coefficient out of range");
    }
    put(block, 0, *pred << al)
}

#[inline]
pub(super) fn ac_first(
    bits: &mut Bits,
    block: &mut [i16],
    ac: &Decoder,
    ss: usize,
    se: usize,
    al: u32,
    eobrun: &mut u32,
) -> Result<(), Decline> {
    if *eobrun > 0 {
        *eobrun -= 1;
        return Ok(());
    }
    let mut k = ss;
    while k <= se {
        let rs = bits.decode(ac)?;
        let (r, s) = (u32::from(rs >> 4), u32::from(rs & 15));
        if s == 0 {
            if r < 15 {
                *eobrun = (1u32 << r) - 1 + bits.get(r)?;
                break;
            }
            k += 16;
            continue;
        }
        k += r as usize;
        if k > se || s > 10 {
            return corrupt("an AC coefficient past the end of its band");
        }
        put(block, k, bits.extend(s)? << al)?;
        k += 1;
    }
    Ok(())
}

#[inline]
pub(super) fn ac_refine(
    bits: &mut Bits,
    block: &mut [i16],
    ac: &Decoder,
    ss: usize,
    se: usize,
    al: u32,
    eobrun: &mut u32,
) -> Result<(), Decline> {
    let p1 = 1i32 << al;
    let m1 = -1i32 << al;
    let mut k = ss;
    let refine = |bits: &mut Bits, c: &mut i16| -> Result<(), Decline> {
        if bits.get(1)? != 0 {
            let v = i32::from(*c);
            if v & p1 == 0 {
                let nv = if v >= 0 { v + p1 } else { v + m1 };
                let Ok(nv) = i16::try_from(nv) else {
                    return corrupt("a coefficient out of range");
                };
                *c = nv;
            }
        }
        Ok(())
    };
    if *eobrun == 0 {
        while k <= se {
            let rs = bits.decode(ac)?;
            let mut r = i32::from(rs >> 4);
            let s = rs & 15;
            let mut value = 0i32;
            if s != 0 {
                if s != 1 {
                    return corrupt("a refinement coefficient larger than one bit");
                }
                value = if bits.get(1)? != 0 { p1 } else { m1 };
            } else if r != 15 {
                *eobrun = (1u32 << r) + bits.get(r as u32)?;
                break;
            }
            while k <= se {
                let Some(c) = block.get_mut(k) else {
                    return corrupt("a coefficient outside its block");
                };
                if *c != 0 {
                    refine(bits, c)?;
                } else {
                    if r == 0 {
                        break;
                    }
                    r -= 1;
                }
                k += 1;
            }
            if value != 0 {
                if k > se {
                    return corrupt("a refinement coefficient past the end of its band");
                }
                put(block, k, value)?;
            }
            k += 1;
        }
    }
    if *eobrun > 0 {
        while k <= se {
            if let Some(c) = block.get_mut(k) {
                if *c != 0 {
                    refine(bits, c)?;
                }
            }
            k += 1;
        }
        *eobrun -= 1;
    }
    Ok(())
}
