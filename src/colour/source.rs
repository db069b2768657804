//! Where colour information sits in a file, read with bounds from what the container walkers
//! found (this floor does not walk files itself); and the bytes Occlude writes to carry a
//! canonical profile.
//!
//! - JPEG: APP2 segments `ICC_PROFILE\0`, seq (1-based), count, data; a profile larger than one
//!   segment is split over several, which must all agree on the count and hold each number
//!   1..=count exactly once (libjpeg's `jpeg_read_icc_profile` rules; anything else is
//!   [`Tagged::Broken`], shown as sRGB, as browsers do).
//! - PNG (chunks before the first IDAT, in the PNG 3rd edition's precedence): `cICP`, then
//!   `iCCP` (inflated with a bound), then `sRGB`, then `gAMA` with or without `cHRM`.
//! - Writing: [`app2_segment`] (one marker segment, marker included) and [`iccp_payload`] (the
//!   chunk's data). Both are fixed bytes for a given space: the verifier compares them byte for
//!   byte ([`canonical_app2`], [`canonical_iccp`]), leaving no room for hidden data.

use super::canonical::Space;
use super::icc::MAX_PROFILE_BYTES;
use crate::ground::bytes::{be32, inflate};

/// What a file says about its colour.
#[derive(Debug, Clone, PartialEq)]
pub enum Tagged {
    /// Nothing: sRGB.
    Untagged,
    /// A PNG `sRGB` chunk (or a `cICP` that says sRGB).
    SrgbChunk,
    /// An ICC profile's bytes.
    Icc(Vec<u8>),
    /// PNG `gAMA` (file gamma, e.g. 0.45455) and optional `cHRM` (white x, y, red x, y,
    /// green x, y, blue x, y).
    Gamma { gamma: f64, chrm: Option<[f64; 8]> },
    /// PNG `cICP` (primaries, transfer, matrix, full range).
    Cicp([u8; 4]),
    /// Colour information that cannot be read (why, in plain words).
    Broken(String),
}

/// The identifier of a JPEG APP2 segment holding (part of) an ICC profile.
pub const ICC_ID: &[u8; 12] = b"ICC_PROFILE\0";

/// The ICC profile of a JPEG from its header segments (`(marker, payload)` before the first
/// scan, as the container walker finds them).
pub fn jpeg_profile<'a>(segments: impl IntoIterator<Item = (u8, &'a [u8])>) -> Tagged {
    let mut parts: Vec<(u8, u8, &[u8])> = Vec::new();
    for (marker, data) in segments {
        if marker != 0xE2 {
            continue;
        }
        if let Some(rest) = data.strip_prefix(ICC_ID.as_slice()) {
            match rest {
                [seq, count, profile @ ..] => parts.push((*seq, *count, profile)),
                _ => return Tagged::Broken("an ICC segment is cut short".into()),
            }
        }
    }
    match reassemble(&parts) {
        Ok(None) => Tagged::Untagged,
        Ok(Some(p)) => Tagged::Icc(p),
        Err(why) => Tagged::Broken(why),
    }
}

fn reassemble(parts: &[(u8, u8, &[u8])]) -> Result<Option<Vec<u8>>, String> {
    let Some(&(_, count, _)) = parts.first() else {
        return Ok(None);
    };
    let bad = |why: String| Err(format!("its ICC segments are inconsistent: {why}"));
    if count == 0 {
        return bad("a segment count of 0".into());
    }
    if parts.iter().any(|p| p.1 != count) {
        return bad("the segments disagree on their count".into());
    }
    if parts.len() != usize::from(count) {
        return bad(format!("{} of {count} segments are present", parts.len()));
    }
    let mut ordered: Vec<Option<&[u8]>> = vec![None; usize::from(count)];
    for &(seq, _, data) in parts {
        let slot = usize::from(seq)
            .checked_sub(1)
            .and_then(|i| ordered.get_mut(i));
        match slot {
            Some(s @ None) => *s = Some(data),
            Some(Some(_)) => return bad(format!("segment {seq} appears twice")),
            None => return bad(format!("segment number {seq} of {count}")),
        }
    }
    // Every slot is filled: as many parts as slots, none twice.
    Ok(Some(
        ordered.into_iter().flatten().flatten().copied().collect(),
    ))
}

/// What a PNG says about colour, from its chunks (`(type, data)` in file order, as the
/// container walker finds them). Chunks after the first IDAT are ignored, as the PNG
/// specification requires of colour chunks.
pub fn png_colour<'a>(chunks: impl IntoIterator<Item = ([u8; 4], &'a [u8])>) -> Tagged {
    let (mut cicp, mut iccp, mut srgb, mut gama, mut chrm) = (None, None, false, None, None);
    for (kind, data) in chunks {
        match &kind {
            b"IDAT" => break,
            b"cICP" if cicp.is_none() => cicp = data.get(..4).map(|c| [c[0], c[1], c[2], c[3]]),
            b"iCCP" if iccp.is_none() => iccp = Some(data),
            b"sRGB" => srgb = true,
            b"gAMA" if gama.is_none() => gama = be32(data, 0),
            b"cHRM" if chrm.is_none() => {
                let mut c = [0.0; 8];
                for (i, v) in c.iter_mut().enumerate() {
                    *v = f64::from(be32(data, 4 * i).unwrap_or(u32::MAX)) / 100_000.0;
                }
                chrm = Some(c);
            }
            _ => {}
        }
    }
    if let Some(c) = cicp {
        // BT.709 primaries with the sRGB transfer, full range: plain sRGB.
        return if c == [1, 13, 0, 1] {
            Tagged::SrgbChunk
        } else {
            Tagged::Cicp(c)
        };
    }
    if let Some(data) = iccp {
        return iccp_profile(data);
    }
    if srgb {
        return Tagged::SrgbChunk;
    }
    match gama {
        Some(0) => Tagged::Broken("its gAMA chunk says a gamma of 0".into()),
        Some(g) => Tagged::Gamma {
            gamma: f64::from(g) / 100_000.0,
            chrm,
        },
        None => Tagged::Untagged,
    }
}

/// An `iCCP` chunk's profile: name (1–79 bytes), NUL, method 0, zlib stream; inflated with a
/// bound of [`MAX_PROFILE_BYTES`].
pub fn iccp_profile(data: &[u8]) -> Tagged {
    let Some(nul) = data.iter().take(80).position(|&b| b == 0) else {
        return Tagged::Broken("its iCCP chunk has no profile name".into());
    };
    if data.get(nul + 1) != Some(&0) {
        return Tagged::Broken("its iCCP chunk uses an unknown compression".into());
    }
    match inflate(data.get(nul + 2..).unwrap_or(&[])) {
        Some(p) if p.len() <= MAX_PROFILE_BYTES => Tagged::Icc(p),
        _ => Tagged::Broken("its iCCP chunk's profile cannot be inflated".into()),
    }
}

/// The one APP2 segment (marker included) that carries `space`'s canonical profile.
pub fn app2_segment(space: Space) -> Vec<u8> {
    let p = space.bytes();
    let mut s = Vec::with_capacity(p.len() + 18);
    s.extend_from_slice(&[0xFF, 0xE2]);
    s.extend_from_slice(&((p.len() + 16) as u16).to_be_bytes()); // ok: canonical < 1 KB
    s.extend_from_slice(ICC_ID);
    s.extend_from_slice(&[1, 1]);
    s.extend_from_slice(p);
    s
}

/// The name an Occlude `iCCP` chunk carries (PNG requires one; it says nothing of the file).
pub const ICCP_NAME: &[u8] = b"ICC profile";

/// The data of the one `iCCP` chunk that may carry `space`'s canonical profile: the fixed name,
/// method 0, and a zlib stream of one stored (uncompressed) block, so the bytes are fixed and
/// need no compressor.
pub fn iccp_payload(space: Space) -> Vec<u8> {
    let p = space.bytes();
    let len = p.len() as u16; // ok: canonical < 1 KB
    let mut s = Vec::with_capacity(p.len() + ICCP_NAME.len() + 13);
    s.extend_from_slice(ICCP_NAME);
    s.extend_from_slice(&[0, 0, 0x78, 0x01, 1]); // NUL, method 0; zlib header; final stored block
    s.extend_from_slice(&len.to_le_bytes());
    s.extend_from_slice(&(!len).to_le_bytes());
    s.extend_from_slice(p);
    s.extend_from_slice(&simd_adler32::adler32(&p).to_be_bytes());
    s
}

/// The verifier's rule for JPEG: an APP2 segment's payload must be exactly `ICC_PROFILE\0`,
/// 1, 1 and an embeddable canonical profile; returns that space.
pub fn canonical_app2(payload: &[u8]) -> Option<Space> {
    let rest = payload
        .strip_prefix(ICC_ID.as_slice())?
        .strip_prefix(&[1, 1])?;
    Space::embedded(rest)
}

/// The verifier's rule for PNG: an `iCCP` chunk's data must equal [`iccp_payload`] of an
/// embeddable canonical space; returns that space.
pub fn canonical_iccp(data: &[u8]) -> Option<Space> {
    Space::ALL
        .into_iter()
        .find(|&s| !s.is_default() && iccp_payload(s) == data)
}
