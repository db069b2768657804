//! The photo path's deflate: a zlib stream of Up-filtered rows coded with a Huffman code per
//! block, runs of zeros as matches, no other match search (see [`PhotoDeflate`]).

use super::chunk::IdatWriter;

/// Filtered bytes in one deflate block of a photo (whole rows, at least one): each block gets
/// its own Huffman code, fitted to its part of the picture.
const PHOTO_BLOCK: usize = 256 * 1024;

/// Filtered bytes coded between two hand-overs of compressed bytes to the IDAT chunks.
const PHOTO_PIECE: usize = 64 * 1024;

/// Longest literal/length code, in bits: four codes and the up to 7 bits still pending fit the
/// 64-bit bit buffer (4 × 14 + 7 < 64). Only the rarest symbols get more than the 12 bits of
/// fdeflate's first-level decoding table; a limit of 12 made the 12 MP photo 2.3 % larger (every
/// literal needs a code, see [`block_code`]) and verified no faster.
const MAX_CODE: u32 = 14;

/// Of every `SAMPLE_STRIDE` bytes of a block, the first [`SAMPLE_LEN`] are counted for its
/// code: a quarter of the bytes gives about the same code lengths, in a quarter of the time.
const SAMPLE_STRIDE: usize = 4096;

/// See [`SAMPLE_STRIDE`].
const SAMPLE_LEN: usize = 1024;

/// Length symbols 257–285: the shortest match length of each (RFC 1951, 3.2.5).
const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];

/// Length symbols 257–285: the extra bits after each.
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];

/// The order the code-length code's lengths are sent in (RFC 1951, 3.2.7).
const CL_ORDER: [usize; 19] = [
    16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15,
];

/// A Huffman code as the coder uses it: per symbol, the code (bit-reversed, as deflate sends
/// it) in the low 16 bits and its length above.
struct Code {
    /// Literals 0–255.
    lit: [u32; 256],
    /// End of block (symbol 256).
    eob: u32,
    /// Length symbols 257–285.
    len: [u32; 29],
}

/// A dynamic block's header: the code-length code and the code lengths it carries.
struct Header {
    /// The code-length code's lengths, by symbol (0–18).
    lens: [u8; 19],
    /// How many of them are sent (HCLEN + 4).
    hclen: usize,
    /// The literal/length and distance code lengths, run-length coded: (symbol, value of
    /// its extra bits).
    tokens: Vec<(u8, u8)>,
}

/// The photo path's deflate: a zlib stream of Up-filtered rows, in blocks of about
/// [`PHOTO_BLOCK`] bytes. Each block is coded with a dynamic Huffman code fitted to a sample
/// of its bytes, as literals, except that two or more 8-byte words of zeros in a row (inside
/// redaction boxes) are a literal zero and matches at distance 1; a block that would not
/// shrink (noise) is stored. No other matches are looked for: in camera noise they are short
/// and rare, and the search is what makes deflate slow. The compressed bytes go straight
/// into the IDAT chunks.
pub struct PhotoDeflate {
    /// Filtered rows not yet written: the first `filled` bytes (the rest is room for more).
    block: Vec<u8>,
    /// See `block`.
    filled: usize,
    /// Compressed bytes on their way to the IDAT chunks, as far as `at` says.
    buf: Vec<u8>,
    /// Where the writing in `buf` is.
    at: Bits,
    /// The Adler-32 of the rows so far.
    adler: simd_adler32::Adler32,
}

impl PhotoDeflate {
    /// Starts the zlib stream: deflate with a 32 KiB window, no dictionary, level "fastest".
    pub fn new(idat: &mut IdatWriter<'_>) -> PhotoDeflate {
        idat.put(&[0x78, 0x01]);
        PhotoDeflate {
            block: Vec::new(),
            filled: 0,
            buf: vec![0; PHOTO_PIECE * MAX_CODE as usize / 8 + 1024],
            at: Bits::default(),
            adler: simd_adler32::Adler32::new(),
        }
    }

    /// Room for the next filtered row, `len` bytes (filter type first), to be filled in by
    /// the caller; a full block is written out first.
    pub fn next_row(&mut self, len: usize, idat: &mut IdatWriter<'_>) -> &mut [u8] {
        if self.filled >= PHOTO_BLOCK {
            self.write_block(false, idat);
        }
        let start = self.filled;
        self.filled += len;
        if self.block.len() < self.filled {
            self.block.resize(self.filled, 0);
        }
        &mut self.block[start..self.filled]
    }

    /// Writes the last block and the Adler-32 of all the rows.
    pub fn finish(mut self, idat: &mut IdatWriter<'_>) {
        self.write_block(true, idat);
        self.room(8);
        self.align();
        self.drain(idat);
        idat.put(&self.adler.finish().to_be_bytes());
    }

    /// Makes room in `buf` for `n` more bytes and the 8-byte stores that write them.
    fn room(&mut self, n: usize) {
        let need = self.at.pos + n + 16;
        if self.buf.len() < need {
            self.buf.resize(need, 0);
        }
    }

    /// Hands the written bytes to the IDAT chunks (the pending bits stay).
    fn drain(&mut self, idat: &mut IdatWriter<'_>) {
        idat.put(self.buf.get(..self.at.pos).unwrap_or(&[]));
        self.at.pos = 0;
    }

    /// Appends the low `n` (at most 56) bits of `v`, after [`Self::room`].
    fn put(&mut self, v: u64, n: u32) {
        self.at.put(&mut self.buf, v, n);
    }

    /// Pads with zero bits to a byte boundary.
    fn align(&mut self) {
        if self.at.nbits > 0 {
            self.put(0, 8 - self.at.nbits);
        }
    }

    /// Writes the rows gathered as one block (`last`: the final block of the stream).
    fn write_block(&mut self, last: bool, idat: &mut IdatWriter<'_>) {
        let block = std::mem::take(&mut self.block);
        let data = block.get(..self.filled).unwrap_or(&block);
        self.adler.write(data);
        match block_code(data) {
            Some((lens, header)) => self.write_coded(data, last, &lens, &header, idat),
            None => self.write_stored(data, last, idat),
        }
        self.block = block;
        self.filled = 0;
    }

    /// Writes `data` as stored blocks of at most 65 535 bytes (one empty block for no data).
    fn write_stored(&mut self, data: &[u8], last: bool, idat: &mut IdatWriter<'_>) {
        let count = data.len().div_ceil(0xffff).max(1);
        let empty = data.is_empty().then_some(&[][..]);
        for (i, piece) in data.chunks(0xffff).chain(empty).enumerate() {
            self.room(8);
            // BFINAL, BTYPE 0, then LEN and NLEN from the next byte boundary.
            self.put(u64::from(last && i + 1 == count), 3);
            self.align();
            let n = piece.len() as u64;
            self.put(n | (n ^ 0xffff) << 16, 32);
            self.drain(idat);
            idat.put(piece);
        }
    }

    /// Writes `data` as one dynamic-Huffman block: literal/length code lengths `lens`, the
    /// header `header`, then the data coded and the end of block.
    fn write_coded(
        &mut self,
        data: &[u8],
        last: bool,
        lens: &[u8; 286],
        header: &Header,
        idat: &mut IdatWriter<'_>,
    ) {
        let codes = canonical(lens);
        let cl_codes = canonical(&header.lens);
        // At most 3 + 14 + 19 × 3 bits, then 287 tokens of at most 7 + 7.
        self.room(600);
        // BFINAL, BTYPE 2; HLIT 286 − 257, HDIST 1 − 1, HCLEN − 4.
        self.put(u64::from(last) | 4, 3);
        self.put(29 | (header.hclen as u64 - 4) << 10, 14);
        for &s in CL_ORDER.iter().take(header.hclen) {
            self.put(u64::from(header.lens[s]), 3);
        }
        for &(s, extra) in &header.tokens {
            let s = usize::from(s);
            let (code, n) = (cl_codes.get(s), header.lens.get(s));
            self.put(
                u64::from(code.copied().unwrap_or(0)),
                n.map_or(0, |&n| u32::from(n)),
            );
            if let Some(&bits) = [2, 3, 7].get(s.wrapping_sub(16)) {
                self.put(u64::from(extra), bits);
            }
        }
        let entry = |s: usize| u32::from(codes[s]) | u32::from(lens[s]) << 16;
        let code = Code {
            lit: std::array::from_fn(entry),
            eob: entry(256),
            len: std::array::from_fn(|i| entry(257 + i)),
        };
        for piece in data.chunks(PHOTO_PIECE) {
            self.code_piece(piece, &code);
            self.drain(idat);
        }
        self.room(8);
        self.put(u64::from(code.eob & 0xffff), code.eob >> 16);
    }

    /// Codes `data` with `code`: 8 bytes at a time, 4 codes to a store. Two or more 8-byte
    /// words of zeros in a row are a literal zero and matches at distance 1 (never longer
    /// than the literals would be: at most [`MAX_CODE`] bits a byte either way). Not
    /// inlined, for the wasm engine's optimising tier (V8 swaps in optimised code only at a call).
    #[inline(never)]
    fn code_piece(&mut self, data: &[u8], code: &Code) {
        self.room(data.len() * MAX_CODE as usize / 8 + 8);
        // A copy of the state, kept in registers (stores into `buf` could alias `self.at`).
        let (mut at, buf) = (self.at, &mut self.buf[..]);
        let lit = &code.lit;
        let zero = (u64::from(lit[0] & 0xffff), lit[0] >> 16);
        let mut words = data.chunks_exact(8);
        while let Some(word) = words.next() {
            if word == [0; 8] {
                let more = words.clone().take_while(|w| *w == [0; 8]).count();
                if more > 0 {
                    at.put(buf, zero.0, zero.1);
                    let mut left = 8 * (more + 1) - 1;
                    while left >= 3 {
                        let m = left.min(258);
                        let s = LEN_BASE.iter().rposition(|&b| usize::from(b) <= m);
                        let s = s.unwrap_or(0);
                        let (e, extra) = (code.len[s], m - usize::from(LEN_BASE[s]));
                        // The length's code and extra bits, then distance code 0 (1 bit: 0).
                        let n = e >> 16;
                        let v = u64::from(e & 0xffff) | (extra as u64) << n;
                        at.put(buf, v, n + u32::from(LEN_EXTRA[s]) + 1);
                        left -= m;
                    }
                    for _ in 0..left {
                        at.put(buf, zero.0, zero.1);
                    }
                    words.nth(more - 1);
                    continue;
                }
            }
            for q in word.chunks_exact(4) {
                let (e0, e1, e2, e3) = (
                    lit[usize::from(q[0])],
                    lit[usize::from(q[1])],
                    lit[usize::from(q[2])],
                    lit[usize::from(q[3])],
                );
                let (n0, n1, n2) = (e0 >> 16, e1 >> 16, e2 >> 16);
                let v = u64::from(e0 & 0xffff)
                    | u64::from(e1 & 0xffff) << n0
                    | u64::from(e2 & 0xffff) << (n0 + n1)
                    | u64::from(e3 & 0xffff) << (n0 + n1 + n2);
                at.put(buf, v, n0 + n1 + n2 + (e3 >> 16));
            }
        }
        for &b in words.remainder() {
            let e = lit[usize::from(b)];
            at.put(buf, u64::from(e & 0xffff), e >> 16);
        }
        self.at = at;
    }
}

/// Where a bit writer is in its byte buffer: whole bytes written up to `pos`, then the low
/// `nbits` (fewer than 8) of `bits` pending.
#[derive(Clone, Copy, Default)]
struct Bits {
    /// Bytes written.
    pos: usize,
    /// The pending bits, from the low end.
    bits: u64,
    /// How many bits are pending.
    nbits: u32,
}

impl Bits {
    /// Appends the low `n` (at most 56) bits of `v`, storing the whole bytes at
    /// `buf[pos..]`: 8 at once, so `buf` must have room for 8 there.
    #[inline(always)]
    fn put(&mut self, buf: &mut [u8], v: u64, n: u32) {
        self.bits |= v << self.nbits;
        self.nbits += n;
        if let Some(dst) = buf.get_mut(self.pos..self.pos + 8) {
            dst.copy_from_slice(&self.bits.to_le_bytes());
        }
        let k = self.nbits / 8;
        self.pos += k as usize;
        self.bits >>= 8 * k;
        self.nbits %= 8;
    }
}

/// Counts the bytes of a block's sample (see [`SAMPLE_STRIDE`]) in 8-byte words: the bytes
/// of words that are not all zero, by value, and the zero words. Four tables, so that
/// neighbouring bytes of one value do not wait on each other's count.
#[inline(never)]
fn sample_counts(data: &[u8]) -> ([u32; 256], usize, usize) {
    let mut h = [[0u32; 256]; 4];
    let (mut sampled, mut zero_words) = (0, 0);
    for piece in data.chunks(SAMPLE_STRIDE) {
        let piece = piece.get(..SAMPLE_LEN).unwrap_or(piece);
        sampled += piece.len();
        let mut words = piece.chunks_exact(8);
        for word in &mut words {
            if word == [0; 8] {
                zero_words += 1;
                continue;
            }
            for q in word.chunks_exact(4) {
                h[0][usize::from(q[0])] += 1;
                h[1][usize::from(q[1])] += 1;
                h[2][usize::from(q[2])] += 1;
                h[3][usize::from(q[3])] += 1;
            }
        }
        for &b in words.remainder() {
            h[0][usize::from(b)] += 1;
        }
    }
    let counts = std::array::from_fn(|i| h[0][i] + h[1][i] + h[2][i] + h[3][i]);
    (counts, sampled, zero_words)
}

/// A block's literal/length code lengths and header, from a sample of its bytes; `None`
/// when stored blocks would be no larger (by the sample's estimate).
fn block_code(data: &[u8]) -> Option<([u8; 286], Header)> {
    let (counts, sampled, zero_words) = sample_counts(data);
    // Every symbol gets a code, as the sample may have missed any of them: literals, end of
    // block and the lengths (runs of zeros); symbol 285 (a match of 258) as often as the
    // sample's zero words suggest.
    let mut freq = [1u32; 286];
    for (f, c) in freq.iter_mut().zip(counts) {
        *f = f.saturating_add(c);
    }
    let runs = u32::try_from(zero_words * 8 / 258).unwrap_or(u32::MAX);
    freq[285] = freq[285].saturating_add(runs);
    let lens = huffman_lengths(&freq, MAX_CODE as u8)?;
    // The code lengths: 286 literal/length, then one distance code (distance 1) of 1 bit.
    let mut seq = [1u8; 287];
    seq[..286].copy_from_slice(&lens);
    let mut tokens = Vec::with_capacity(seq.len());
    run_length(&seq, &mut tokens);
    let mut cl_freq = [0u32; 19];
    for &(s, _) in &tokens {
        if let Some(f) = cl_freq.get_mut(usize::from(s)) {
            *f += 1;
        }
    }
    let cl = huffman_lengths(&cl_freq, 7)?;
    let hclen = (19 - CL_ORDER.iter().rev().take_while(|&&s| cl[s] == 0).count()).max(4);
    // Estimated size in bits, against stored blocks.
    let mut bits = 17 + 3 * hclen as u64;
    for &(s, _) in &tokens {
        let s = usize::from(s);
        let extra = [2, 3, 7].get(s.wrapping_sub(16)).copied().unwrap_or(0);
        bits += u64::from(cl.get(s).copied().unwrap_or(0)) + extra;
    }
    let lit: u64 = counts
        .iter()
        .zip(&lens)
        .map(|(&c, &n)| u64::from(c) * u64::from(n))
        .sum();
    let run = u64::from(runs) * (u64::from(lens[285]) + 1);
    bits += (lit + run) * data.len() as u64 / sampled.max(1) as u64;
    let stored = 8 * (data.len() as u64 + 5 * data.len().div_ceil(0xffff) as u64);
    let header = Header {
        lens: cl,
        hclen,
        tokens,
    };
    (bits < stored).then_some((lens, header))
}

/// Run-length codes a sequence of code lengths (RFC 1951, 3.2.7): 16 repeats the previous
/// length 3–6 times, 17 is 3–10 zeros and 18 is 11–138; (symbol, extra bits' value) pairs.
fn run_length(seq: &[u8], tokens: &mut Vec<(u8, u8)>) {
    let mut rest = seq;
    while let Some(&v) = rest.first() {
        let mut r = rest.iter().take_while(|&&x| x == v).count();
        rest = rest.get(r..).unwrap_or(&[]);
        if v == 0 {
            while r >= 11 {
                let t = r.min(138);
                tokens.push((18, (t - 11) as u8));
                r -= t;
            }
            if r >= 3 {
                tokens.push((17, (r - 3) as u8));
                r = 0;
            }
        } else {
            tokens.push((v, 0));
            r -= 1;
            while r >= 3 {
                let t = r.min(6);
                tokens.push((16, (t - 3) as u8));
                r -= t;
            }
        }
        tokens.extend(std::iter::repeat((v, 0)).take(r));
    }
}

/// Huffman code lengths of at most `limit` (≤ 15) bits for the frequencies `freq`, zero for
/// the unused symbols; `None` if that gives no complete code. A Huffman tree by the two-queue
/// method; if it is deeper than `limit`, miniz's fix: the deep leaves move up to `limit`, then
/// leaves at the deepest shorter level move down one until the Kraft sum is exact, and the
/// lengths are dealt out again, the shortest to the most frequent symbols.
fn huffman_lengths<const N: usize>(freq: &[u32; N], limit: u8) -> Option<[u8; N]> {
    let limit = usize::from(limit).clamp(1, 15);
    let mut syms: Vec<(u32, usize)> = (0..N).map(|s| (freq[s], s)).filter(|x| x.0 > 0).collect();
    heapsort(&mut syms);
    let n = syms.len();
    let mut lens = [0u8; N];
    if n < 2 {
        // One symbol (or none): it and an unused one get 1 bit each, a complete code.
        let s = syms.first().map_or(0, |x| x.1);
        for i in [s, usize::from(s == 0)] {
            *lens.get_mut(i)? = 1;
        }
        return Some(lens);
    }
    // Leaves 0..n by weight, then the inner nodes in the order made, each with its parent.
    let mut weight: Vec<u64> = syms.iter().map(|x| u64::from(x.0)).collect();
    weight.resize(2 * n - 1, 0);
    let mut parent = vec![0usize; 2 * n - 1];
    let (mut leaf, mut inner) = (0, n);
    for k in n..2 * n - 1 {
        let mut lightest = || {
            let from_leaves = leaf < n && (inner >= k || weight.get(leaf) <= weight.get(inner));
            let i = if from_leaves { &mut leaf } else { &mut inner };
            *i += 1;
            *i - 1
        };
        let (a, b) = (lightest(), lightest());
        *weight.get_mut(k)? = weight.get(a)? + weight.get(b)?;
        *parent.get_mut(a)? = k;
        *parent.get_mut(b)? = k;
    }
    // Depths from the root (the last node) down; leaves per depth, the deep ones at `limit`.
    let mut depth = vec![0usize; 2 * n - 1];
    for k in (0..2 * n - 2).rev() {
        *depth.get_mut(k)? = depth.get(*parent.get(k)?)? + 1;
    }
    let mut count = [0u64; 16];
    for &d in depth.get(..n)? {
        count[d.min(limit)] += 1;
    }
    let mut kraft: u64 = (1..=limit).map(|i| count[i] << (limit - i)).sum();
    while kraft > 1 << limit {
        count[limit] = count[limit].checked_sub(1)?;
        let i = (1..limit).rev().find(|&i| count[i] > 0)?;
        count[i] -= 1;
        count[i + 1] += 2;
        kraft -= 1;
    }
    if kraft != 1 << limit {
        return None;
    }
    let mut rarest_first = syms.iter();
    for len in (1..=limit).rev() {
        for _ in 0..count[len] {
            *lens.get_mut(rarest_first.next()?.1)? = len as u8;
        }
    }
    Some(lens)
}

/// The canonical codes for code lengths `lens` (RFC 1951, 3.2.2), bit-reversed as deflate
/// sends them.
fn canonical<const N: usize>(lens: &[u8; N]) -> [u16; N] {
    let mut count = [0u16; 16];
    for &l in lens {
        count[usize::from(l & 15)] += 1;
    }
    count[0] = 0;
    let mut next = [0u16; 16];
    for l in 1..16 {
        next[l] = next[l - 1].wrapping_add(count[l - 1]) << 1;
    }
    let mut codes = [0u16; N];
    for (c, &l) in codes.iter_mut().zip(lens) {
        let l = usize::from(l & 15);
        if l > 0 {
            *c = next[l].reverse_bits() >> (16 - l);
            next[l] = next[l].wrapping_add(1);
        }
    }
    codes
}

/// Sorts `v` ascending in place. A heapsort of a dozen lines: the symbols to sort are at most
/// 286, and the standard library's `sort_unstable` costs about 4 KB of gzipped wasm (measured
/// with twiggy), the most of any one function in the core module's PNG writer.
fn heapsort<T: Ord + Copy>(v: &mut [T]) {
    fn sift<T: Ord + Copy>(v: &mut [T], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && v[child] < v[child + 1] {
                child += 1;
            }
            if v[root] >= v[child] {
                return;
            }
            v.swap(root, child);
            root = child;
        }
    }
    let n = v.len();
    for i in (0..n / 2).rev() {
        sift(v, i, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift(v, 0, end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The zlib stream [`PhotoDeflate`] makes of `rows`, taken back out of its IDAT chunks.
    fn photo_stream(rows: &[Vec<u8>]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut idat = IdatWriter::new(&mut out);
        let mut z = PhotoDeflate::new(&mut idat);
        for row in rows {
            z.next_row(row.len(), &mut idat).copy_from_slice(row);
        }
        z.finish(&mut idat);
        idat.finish();
        let mut stream = Vec::new();
        let mut at = 0;
        while at < out.len() {
            let len = u32::from_be_bytes(out[at..at + 4].try_into().unwrap()) as usize;
            assert_eq!(&out[at + 4..at + 8], b"IDAT");
            let crc = crc32fast::hash(&out[at + 4..at + 8 + len]);
            assert_eq!(out[at + 8 + len..at + 12 + len], crc.to_be_bytes());
            stream.extend_from_slice(&out[at + 8..at + 8 + len]);
            at += 12 + len;
        }
        stream
    }

    #[test]
    fn heapsort_sorts_like_the_standard_library() {
        let mut state = 7u32;
        for n in [0usize, 1, 2, 3, 10, 286, 1000] {
            let mut v: Vec<(u32, usize)> = (0..n)
                .map(|i| {
                    state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (state >> 28, i)
                })
                .collect();
            let mut want = v.clone();
            want.sort_unstable();
            super::heapsort(&mut v);
            assert_eq!(v, want, "{n}");
        }
    }

    /// Inflates `stream` with both fdeflate (the verifier's) and miniz_oxide, which must agree
    /// with `rows`.
    fn assert_inflates_to(stream: &[u8], rows: &[Vec<u8>], what: &str) {
        let want = rows.concat();
        let miniz = miniz_oxide::inflate::decompress_to_vec_zlib(stream).unwrap();
        assert!(miniz == want, "{what}: miniz_oxide");
        let fdeflate = fdeflate::decompress_to_vec(stream).unwrap();
        assert!(fdeflate == want, "{what}: fdeflate");
    }

    #[test]
    fn photo_deflate_codes_zero_runs_of_every_length_and_place() {
        // Zeros from 0 to 600 bytes long at every offset modulo 8, between literals.
        let mut row = Vec::new();
        for len in 0..600 {
            row.extend(std::iter::repeat(0).take(len));
            row.extend_from_slice(&[len as u8 | 1, 7, 250][..1 + len % 3]);
        }
        let rows: Vec<Vec<u8>> = row.chunks(4_099).map(<[u8]>::to_vec).collect();
        assert_inflates_to(&photo_stream(&rows), &rows, "runs");
        // Long runs: a megabyte of zeros (blocks of one run) and single rows of a few bytes.
        let rows = vec![vec![0u8; 1 << 20], vec![0; 3], vec![1], vec![0; 17]];
        let stream = photo_stream(&rows);
        assert_inflates_to(&stream, &rows, "zeros");
        assert!(stream.len() < 2_000, "{}", stream.len());
        assert_inflates_to(&photo_stream(&[]), &[], "nothing");
    }

    #[test]
    fn photo_deflate_stores_noise_and_codes_the_rest() {
        let mut s = 1u32;
        let mut noise_row = || -> Vec<u8> {
            (0..50_000)
                .map(|_| {
                    s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (s >> 24) as u8
                })
                .collect()
        };
        let rows: Vec<Vec<u8>> = (0..20).map(|_| noise_row()).collect();
        let stream = photo_stream(&rows);
        assert_inflates_to(&stream, &rows, "noise");
        // Stored: 5 bytes a block of 65 535 and the zlib header and trailer.
        let n: usize = 20 * 50_000;
        assert!(
            stream.len() <= n + 5 * n.div_ceil(0xffff) + 6 + 5 * 4,
            "{}",
            stream.len()
        );
        assert_eq!(stream[2] >> 1 & 3, 0, "the first block is stored");
        // Noise then small values: a stored block, then coded ones.
        let mut rows = rows;
        rows.extend((0..20).map(|i| (0..50_000u32).map(|x| (x * i % 5) as u8).collect()));
        let stream = photo_stream(&rows);
        assert_inflates_to(&stream, &rows, "noise, then not");
        assert!(stream.len() < 1_400_000, "{}", stream.len());
    }

    #[test]
    fn huffman_lengths_are_limited_complete_and_ordered() {
        let kraft = |lens: &[u8], limit: u8| -> u64 {
            lens.iter()
                .filter(|&&l| l > 0)
                .map(|&l| 1u64 << (limit - l))
                .sum()
        };
        // Fibonacci frequencies make a tree as deep as there are symbols.
        let mut fib = [0u32; 30];
        let (mut a, mut b) = (1u32, 1u32);
        for f in fib.iter_mut() {
            *f = a;
            (a, b) = (b, a + b);
        }
        let mut skewed = [1u32; 286];
        skewed[..30].copy_from_slice(&fib);
        skewed[100] = 0;
        for limit in [7u8, 12, 14, 15] {
            let lens = huffman_lengths(&fib, limit).unwrap();
            assert!(lens.iter().all(|&l| (1..=limit).contains(&l)), "{lens:?}");
            assert_eq!(kraft(&lens, limit), 1 << limit);
            assert!(lens.windows(2).all(|p| p[0] >= p[1]), "{lens:?}");
        }
        let lens = huffman_lengths(&skewed, 12).unwrap();
        assert_eq!(kraft(&lens, 12), 1 << 12);
        assert_eq!(lens[100], 0);
        assert!(lens.iter().all(|&l| l <= 12));
        // Unlimited, the Huffman lengths themselves: here 1, 2, 3, 3.
        assert_eq!(huffman_lengths(&[5u32, 1, 10, 2], 15), Some([2, 3, 1, 3]));
        // One symbol, or none: a complete code of two 1-bit codes.
        assert_eq!(huffman_lengths(&[0u32, 0, 4], 7), Some([1, 0, 1]));
        assert_eq!(huffman_lengths(&[0u32; 3], 7), Some([1, 1, 0]));
        // Canonical codes, bit-reversed: lengths 2, 1, 3, 3 are 10, 0, 110, 111.
        assert_eq!(canonical(&[2u8, 1, 3, 3]), [0b01, 0b0, 0b011, 0b111]);
    }
}
