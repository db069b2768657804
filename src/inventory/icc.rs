//! ICC colour profiles: the profile's description (its `desc` tag).

use crate::ground::bytes::{be32, clean_text, slice};

/// The `desc` tag of an ICC profile (v2 textDescriptionType or v4 multiLocalizedUnicode).
pub fn icc_description(p: &[u8]) -> Option<String> {
    let count = be32(p, 128)? as usize;
    let count = count.min(p.len().saturating_sub(132) / 12);
    for i in 0..count {
        let e = 132 + 12 * i;
        if p.get(e..e + 4)? != b"desc" {
            continue;
        }
        let off = be32(p, e + 4)? as usize;
        let len = be32(p, e + 8)? as usize;
        let t = slice(p, off, len).or_else(|| p.get(off..))?;
        return desc_text(t).filter(|s| !s.is_empty());
    }
    None
}

fn desc_text(t: &[u8]) -> Option<String> {
    match t.get(..4)? {
        b"desc" => {
            let n = be32(t, 8)? as usize;
            let s = t.get(12..)?;
            Some(clean_text(s.get(..n.min(s.len()))?, 120))
        }
        b"mluc" => {
            let records = (be32(t, 8)? as usize).min(256);
            let size = be32(t, 12)? as usize;
            if size < 12 {
                return None;
            }
            let mut chosen: Option<(usize, usize)> = None;
            for i in 0..records {
                let r = 16usize.checked_add(i.checked_mul(size)?)?;
                let lang = t.get(r..r + 2)?;
                let entry = (be32(t, r + 4)? as usize, be32(t, r + 8)? as usize);
                if chosen.is_none() || lang == b"en" {
                    chosen = Some(entry);
                }
                if lang == b"en" {
                    break;
                }
            }
            let (len, off) = chosen?;
            let s = slice(t, off, len).or_else(|| t.get(off..))?;
            let units = s
                .chunks_exact(2)
                .take(240)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            let text: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect();
            Some(clean_text(text.as_bytes(), 120))
        }
        _ => None,
    }
}
