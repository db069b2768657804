//! Huffman tables for the coefficient codec: a decoder built from a DHT segment (10-bit lookups
//! plus canonical slow path, validated against hostile tables), an encoder table, optimal
//! length-limited code lengths from symbol counts (ITU T.81 Annex K.2), and the Annex K defaults.

use super::decline::{corrupt, Decline};

/// A table as carried in DHT: `bits[l]` codes of length `l + 1`, then the symbol values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub bits: [u8; 16],
    pub values: Vec<u8>,
}

impl Spec {
    /// Checks the counts: at most 256 symbols, and a code space that does not overflow.
    pub fn validate(&self) -> Result<(), Decline> {
        let total: usize = self.bits.iter().map(|&b| usize::from(b)).sum();
        if total != self.values.len() || total > 256 {
            return corrupt("Huffman table symbol count is inconsistent");
        }
        let mut code: u32 = 0;
        for (l, &n) in self.bits.iter().enumerate() {
            code += u32::from(n);
            if code > (1u32 << (l + 1)) {
                return corrupt("Huffman table has more codes than its lengths allow");
            }
            code <<= 1;
        }
        Ok(())
    }

    /// Canonical (code, length) per symbol, Annex C.
    pub fn encoder(&self) -> Encoder {
        let mut e = Encoder {
            code: [0; 256],
            len: [0; 256],
        };
        let mut code: u32 = 0;
        let mut k = 0usize;
        for l in 0..16 {
            for _ in 0..self.bits[l] {
                if let Some(&sym) = self.values.get(k) {
                    e.code[usize::from(sym)] = code as u16;
                    e.len[usize::from(sym)] = (l + 1) as u8;
                }
                k += 1;
                code += 1;
            }
            code <<= 1;
        }
        e
    }
}

/// Symbol → (code, length); length 0 means the symbol has no code.
#[derive(Debug, Clone)]
pub struct Encoder {
    pub code: [u16; 256],
    pub len: [u8; 256],
}

/// Lookup bits of the fast decoding paths.
pub const FAST_BITS: u32 = 10;

/// A decoding table.
#[derive(Debug, Clone)]
pub struct Decoder {
    /// Indexed by the next [`FAST_BITS`] bits: `(length << 8) | symbol`, or 0 when the code is
    /// longer.
    pub fast: Box<[u16; 1 << FAST_BITS]>,
    /// For sequential AC decoding, indexed the same way: a run/size symbol and its extra bits
    /// decoded in one lookup when code and extra bits fit in [`FAST_BITS`]:
    /// `(value << 16) | (run << 8) | bits used`, value 0 for the size-0 symbols (EOB, ZRL);
    /// 0 when they do not fit.
    pub fast_ac: Box<[i32; 1 << FAST_BITS]>,
    /// Largest code of each length 1–16 (−1 when none), left-aligned comparisons use `maxcode`.
    pub maxcode: [i32; 17],
    /// `values` index of the first code of each length minus that code.
    pub offset: [i32; 17],
    pub values: Vec<u8>,
}

impl Decoder {
    pub fn new(spec: &Spec) -> Result<Decoder, Decline> {
        spec.validate()?;
        let mut fast = Box::new([0u16; 1 << FAST_BITS]);
        let mut fast_ac = Box::new([0i32; 1 << FAST_BITS]);
        let mut maxcode = [-1i32; 17];
        let mut offset = [0i32; 17];
        let mut code: i32 = 0;
        let mut k: i32 = 0;
        for l in 1..=16u32 {
            let n = i32::from(spec.bits[l as usize - 1]);
            offset[l as usize] = k - code;
            if n > 0 {
                maxcode[l as usize] = code + n - 1;
            }
            for i in 0..n {
                if l > FAST_BITS {
                    break;
                }
                let rest = FAST_BITS - l;
                let sym = spec.values.get((k + i) as usize).copied().unwrap_or(0);
                let (run, size) = (i32::from(sym >> 4), u32::from(sym & 15));
                let base = ((code + i) as usize) << rest;
                for j in 0..(1usize << rest) {
                    if let Some(slot) = fast.get_mut(base + j) {
                        *slot = ((l as u16) << 8) | u16::from(sym);
                    }
                    let entry = if size == 0 {
                        (run << 8) | l as i32
                    } else if size <= rest {
                        let extra = ((j >> (rest - size)) & ((1 << size) - 1)) as i32;
                        let value = if extra < 1 << (size - 1) {
                            extra - (1 << size) + 1
                        } else {
                            extra
                        };
                        (value << 16) | (run << 8) | (l + size) as i32
                    } else {
                        0
                    };
                    if let Some(slot) = fast_ac.get_mut(base + j) {
                        *slot = entry;
                    }
                }
            }
            k += n;
            code = (code + n) << 1;
        }
        Ok(Decoder {
            fast,
            fast_ac,
            maxcode,
            offset,
            values: spec.values.clone(),
        })
    }
}

/// Optimal code lengths for symbol counts `freq` (≤ 16 bits, no all-ones code), as a DHT spec.
/// Symbols with a zero count get no code. Follows libjpeg's `jpeg_gen_optimal_table`.
pub fn optimal(freq_in: &[u32; 256]) -> Spec {
    let mut freq = [0i64; 257];
    for (f, &c) in freq.iter_mut().zip(freq_in.iter()) {
        *f = i64::from(c);
    }
    freq[256] = 1; // reserves one code point so no real code is all ones
    let mut codesize = [0usize; 257];
    let mut others = [-1i32; 257];
    loop {
        // c1: smallest nonzero frequency (largest index on ties); c2: the next smallest.
        let mut c1: i32 = -1;
        let mut v = i64::MAX;
        for (i, &f) in freq.iter().enumerate() {
            if f != 0 && f <= v {
                v = f;
                c1 = i as i32;
            }
        }
        let mut c2: i32 = -1;
        v = i64::MAX;
        for (i, &f) in freq.iter().enumerate() {
            if f != 0 && f <= v && i as i32 != c1 {
                v = f;
                c2 = i as i32;
            }
        }
        if c2 < 0 || c1 < 0 {
            break;
        }
        let (a, b) = (c1 as usize, c2 as usize);
        freq[a] += freq[b];
        freq[b] = 0;
        let mut c = a;
        codesize[c] += 1;
        while others[c] >= 0 {
            c = others[c] as usize;
            codesize[c] += 1;
        }
        others[c] = b as i32;
        let mut c = b;
        codesize[c] += 1;
        while others[c] >= 0 {
            c = others[c] as usize;
            codesize[c] += 1;
        }
    }
    let mut bits = [0i32; 33];
    for &s in codesize.iter() {
        if s > 0 {
            bits[s.min(32)] += 1;
        }
    }
    // Limit to 16 bits (Annex K.3, figure K.3).
    let mut i = 32;
    while i > 16 {
        while bits[i] > 0 {
            let mut j = i - 2;
            while j > 0 && bits[j] == 0 {
                j -= 1;
            }
            bits[i] -= 2;
            bits[i - 1] += 1;
            bits[j + 1] += 2;
            bits[j] -= 1;
        }
        i -= 1;
    }
    // Remove the reserved code point from the longest length.
    let mut i = 16;
    while i > 0 && bits[i] == 0 {
        i -= 1;
    }
    if i > 0 {
        bits[i] -= 1;
    }
    let mut out = [0u8; 16];
    for l in 1..=16 {
        out[l - 1] = bits[l].clamp(0, 255) as u8;
    }
    let mut values = Vec::new();
    for l in 1..=32 {
        for (sym, &s) in codesize.iter().enumerate().take(256) {
            if s == l {
                values.push(sym as u8);
            }
        }
    }
    Spec { bits: out, values }
}

/// Annex K.3 table K.3: luminance DC.
pub fn default_dc_luma() -> Spec {
    Spec {
        bits: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0],
        values: (0..12).collect(),
    }
}

/// Annex K.3 table K.4: chrominance DC.
pub fn default_dc_chroma() -> Spec {
    Spec {
        bits: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0],
        values: (0..12).collect(),
    }
}

/// Annex K.3 table K.5: luminance AC.
pub fn default_ac_luma() -> Spec {
    Spec {
        bits: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
        values: vec![
            0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51,
            0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1,
            0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18,
            0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39,
            0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57,
            0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75,
            0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x92,
            0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
            0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3,
            0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8,
            0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2,
            0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
        ],
    }
}

/// Annex K.3 table K.6: chrominance AC.
pub fn default_ac_chroma() -> Spec {
    Spec {
        bits: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
        values: vec![
            0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07,
            0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09,
            0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25,
            0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38,
            0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56,
            0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74,
            0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
            0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
            0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba,
            0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6,
            0xd7, 0xd8, 0xd9, 0xda, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2,
            0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_complete() {
        for s in [
            default_dc_luma(),
            default_dc_chroma(),
            default_ac_luma(),
            default_ac_chroma(),
        ] {
            s.validate().unwrap();
            Decoder::new(&s).unwrap();
        }
        assert_eq!(default_ac_luma().values.len(), 162);
        assert_eq!(default_ac_chroma().values.len(), 162);
    }

    #[test]
    fn optimal_lengths_are_limited_and_prefix_free() {
        // Exponential counts would want codes far longer than 16 bits.
        let mut f = [0u32; 256];
        for (i, c) in f.iter_mut().enumerate().take(40) {
            *c = 1u32 << (i % 31).min(30);
        }
        f[200] = 1;
        let s = optimal(&f);
        s.validate().unwrap();
        assert_eq!(s.values.len(), 41);
        let e = s.encoder();
        assert!(e.len.iter().all(|&l| l <= 16));
        // No code is all ones.
        for sym in 0..256 {
            let l = e.len[sym];
            if l > 0 {
                assert_ne!(u32::from(e.code[sym]), (1u32 << l) - 1);
            }
        }
        // A single symbol still gets a code.
        let mut one = [0u32; 256];
        one[5] = 10;
        let s = optimal(&one);
        assert_eq!(s.values, vec![5]);
        assert_eq!(s.encoder().len[5], 1);
    }

    #[test]
    fn hostile_tables_are_rejected() {
        let bad = Spec {
            bits: [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            values: vec![1, 2, 3],
        };
        assert!(Decoder::new(&bad).is_err());
        let short = Spec {
            bits: [0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
            values: vec![1],
        };
        assert!(Decoder::new(&short).is_err());
    }
}
