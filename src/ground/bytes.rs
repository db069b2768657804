//! Reading untrusted bytes (the inventory's containers, colour profiles): integers that may be
//! missing, text made printable, NUL-separated fields, and zlib streams inflated under a limit
//! (fdeflate, the one inflater of the core's metadata readers).

/// Largest output of one zlib stream we inflate (iCCP, zTXt, compressed iTXt).
pub const MAX_INFLATE: usize = 8 << 20;

pub fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

pub fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

pub fn le16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

pub fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

pub fn slice(b: &[u8], start: usize, len: usize) -> Option<&[u8]> {
    b.get(start..start.checked_add(len)?)
}

/// Printable text from untrusted bytes: lossy UTF-8, controls as spaces, trimmed, `max` chars.
pub fn clean_text(b: &[u8], max: usize) -> String {
    let s = String::from_utf8_lossy(b);
    let t: String = s
        .trim_matches(|c: char| c == '\0' || c.is_whitespace())
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    t.trim_end().to_string()
}

/// A whole zlib stream, or `None` when it is damaged, cut short or inflates past `MAX_INFLATE`.
pub fn inflate(data: &[u8]) -> Option<Vec<u8>> {
    let mut z = fdeflate::Decompressor::new();
    let mut out = vec![0; data.len().saturating_mul(2).clamp(1024, MAX_INFLATE)];
    let (mut read, mut made) = (0, 0);
    while !z.is_done() {
        if made == out.len() && made < MAX_INFLATE {
            out.resize(made.saturating_mul(2).min(MAX_INFLATE), 0);
        }
        let (r, m) = z.read(data.get(read..)?, &mut out, made, true).ok()?;
        if r == 0 && m == 0 && !z.is_done() {
            return None; // the output is full at the limit and more would follow
        }
        read += r;
        made += m;
    }
    out.truncate(made);
    Some(out)
}

/// Bytes up to the first NUL (or all of them) and the rest after it.
pub fn split_nul(b: &[u8]) -> (&[u8], &[u8]) {
    match b.iter().position(|&x| x == 0) {
        Some(i) => (&b[..i], b.get(i + 1..).unwrap_or(&[])),
        None => (b, &[]),
    }
}
