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

/// A number as text with at most `places` decimals (at most 9; rounded, trailing zeros
/// dropped), written with integers: `{}` on a float would link Rust's float printer, about
/// 8 KB of gzipped wasm that nothing else in the core needs.
pub fn decimal(v: f64, places: u32) -> String {
    let places = places.min(9);
    let scale = 10u64.pow(places);
    let scaled = (v.abs() * scale as f64).round();
    let sign = if v < 0.0 && scaled > 0.0 { "-" } else { "" };
    if v.is_nan() {
        return "not a number".into();
    }
    if scaled >= 1e18 {
        return format!(
            "{sign}{}",
            if v.is_infinite() {
                "infinity"
            } else {
                "1e18 or more"
            }
        );
    }
    let scaled = scaled as u64;
    let (whole, mut frac) = (scaled / scale, scaled % scale);
    if frac == 0 {
        return format!("{sign}{whole}");
    }
    let mut digits = places as usize;
    while frac % 10 == 0 {
        frac /= 10;
        digits -= 1;
    }
    format!("{sign}{whole}.{frac:0digits$}")
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

#[cfg(test)]
mod tests {
    #[test]
    fn decimals_print_like_the_float_printer() {
        use super::decimal;
        for (v, places, text) in [
            (0.0, 2, "0"),
            (-0.0, 2, "0"),
            (1.5, 2, "1.5"),
            (-2.25, 2, "-2.25"),
            (-0.001, 2, "0"),
            (1.23456, 4, "1.2346"),
            (0.05, 2, "0.05"),
            (72.0, 6, "72"),
            (1e20, 2, "1e18 or more"),
            (f64::NEG_INFINITY, 2, "-infinity"),
            (f64::NAN, 2, "not a number"),
        ] {
            assert_eq!(decimal(v, places), text, "{v}");
        }
    }
}
