//! The one ICC profile reader of the core (ICC.1 v2 and v4): header, tag table, the tags a
//! matrix-and-curves profile is made of, and the `desc` text. It reads nothing it does not
//! need, checks every offset and count against the profile's size before use, and refuses what
//! a careful reader (Skia's skcms, which Chromium uses) refuses: a tag table or tag lying
//! outside the profile, a duplicate tag, a wrong signature. Its work is bounded by the
//! profile's size: at most [`MAX_TAGS`] tags, curves of at most [`MAX_CURVE_POINTS`] points.
//!
//! [`description`] is lenient on purpose (the inventory names whatever profile it finds, even a
//! broken one); [`parse`] is strict (what the pixels are converted with).

use super::math::{self, pow};
use crate::ground::bytes::{be16, be32, clean_text, slice};

/// Largest profile read (JPEG APP2 can hold up to 255 × 65 519 bytes; real ones are 0.5–4 KB for
/// matrix profiles and up to a few hundred KB for LUT profiles).
pub const MAX_PROFILE_BYTES: usize = 8 << 20;
/// Most tags in a tag table (real profiles have 9–40).
pub const MAX_TAGS: usize = 256;
/// Most points of a `curv` table (real ones: 256–4096).
pub const MAX_CURVE_POINTS: usize = 65_536;
/// Characters of the `desc` text kept (for the inventory's words only).
const DESC_CHARS: usize = 120;

/// The PCS illuminant D50 as ICC encodes it (s15Fixed16: 0xF6D6, 0x10000, 0xD32D).
pub const D50: [f64; 3] = [63190.0 / 65536.0, 1.0, 54061.0 / 65536.0];

/// Tags that make CMMs convert by other means than the matrix and curves: lookup tables (which
/// CMMs prefer over the matrix) and coding-independent code points (which skcms uses instead of
/// the curves).
const OVERRIDING: [&[u8; 4]; 15] = [
    b"A2B0", b"A2B1", b"A2B2", b"B2A0", b"B2A1", b"B2A2", b"D2B0", b"D2B1", b"D2B2", b"D2B3",
    b"B2D0", b"B2D1", b"B2D2", b"B2D3", b"cicp",
];

/// Tags that say nothing but colour (a canonical profile's, and the chromaticity, black-point
/// and luminance tags); any other is "other data" in the words.
const PLAIN: [&[u8; 4]; 14] = [
    b"desc", b"cprt", b"wtpt", b"chad", b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC",
    b"kTRC", b"bkpt", b"lumi", b"chrm",
];

/// A tone curve: device value (0–1) to linear light (0–1).
#[derive(Debug, Clone, PartialEq)]
pub enum Curve {
    /// `curv` with no points.
    Identity,
    /// `curv` with one point (u8Fixed8 gamma) or `para` type 0.
    Gamma(f64),
    /// `para` types 1–4 as (g, a, b, c, d, e, f); absent parameters are 0.
    Param(u16, [f64; 7]),
    /// `curv` table, evenly spaced, 0–65535.
    Table(Vec<u16>),
}

impl Curve {
    /// Linear light for device value `x` (clamped to 0–1 both ways; NaN gives 0).
    pub fn eval(&self, x: f64) -> f64 {
        let x = x.clamp(0.0, 1.0);
        let y = match self {
            Curve::Identity => x,
            Curve::Gamma(g) => pow(x, *g),
            Curve::Param(kind, [g, a, b, c, d, e, f]) => match kind {
                1 => pow(a * x + b, *g),
                2 if a * x + b >= 0.0 => pow(a * x + b, *g) + c,
                2 => *c,
                3 if x >= *d => pow(a * x + b, *g),
                3 => c * x,
                _ if x >= *d => pow(a * x + b, *g) + e,
                _ => c * x + f,
            },
            Curve::Table(t) => {
                let n = t.len();
                if n < 2 {
                    return x;
                }
                let pos = x * (n - 1) as f64;
                let i = (pos as usize).min(n - 2);
                let frac = pos - i as f64;
                let (lo, hi) = match (t.get(i), t.get(i + 1)) {
                    (Some(&lo), Some(&hi)) => (f64::from(lo), f64::from(hi)),
                    _ => return x,
                };
                (lo + (hi - lo) * frac) / 65535.0
            }
        };
        if y.is_nan() {
            0.0
        } else {
            y.clamp(0.0, 1.0)
        }
    }
}

/// What a profile says about colour, as far as a matrix-and-curves CMM reads it.
#[derive(Debug, Clone, PartialEq)]
pub enum Model {
    /// Linear RGB → XYZ (D50): `m[row][col]`, columns are the r, g, b colorants.
    Rgb { m: [[f64; 3]; 3], trc: [Curve; 3] },
    /// Grey: `kTRC` gives Y; the colour is D50 grey.
    Grey { trc: Curve },
}

impl Model {
    /// PCS XYZ (D50) of a device colour with components 0–1 (grey models read the first).
    pub fn xyz(&self, c: [f64; 3]) -> [f64; 3] {
        match self {
            Model::Rgb { m, trc } => {
                let l = [trc[0].eval(c[0]), trc[1].eval(c[1]), trc[2].eval(c[2])];
                math::apply(m, l)
            }
            Model::Grey { trc } => D50.map(|w| w * trc.eval(c[0])),
        }
    }

    pub fn is_grey(&self) -> bool {
        matches!(self, Model::Grey { .. })
    }
}

/// A parsed profile: what Occlude looks at.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Every tag signature, in table order.
    pub tags: Vec<[u8; 4]>,
    /// The matrix and curves (RGB: rXYZ, gXYZ, bXYZ, rTRC, gTRC, bTRC; grey: kTRC), or why
    /// there are none, in plain words.
    pub model: Result<Model, String>,
    /// True when the data colour space is RGB or grey (what a decoder's pixels are).
    pub rgb_or_grey: bool,
    /// The `desc` text, cleaned: for the inventory's words only, never for a decision.
    pub description: Option<String>,
}

impl Profile {
    /// A tag that makes CMMs convert by other means than the matrix and curves (LUT, cicp).
    pub fn overriding_tag(&self) -> Option<String> {
        self.tags
            .iter()
            .find(|t| OVERRIDING.contains(t))
            .map(printable)
    }

    /// Tags beyond those a canonical profile carries (device descriptions, private tags, …).
    pub fn extra_tags(&self) -> Vec<String> {
        self.tags
            .iter()
            .filter(|t| !PLAIN.contains(t))
            .map(printable)
            .collect()
    }
}

/// Reads a profile. Errors say what is wrong in plain words.
pub fn parse(bytes: &[u8]) -> Result<Profile, String> {
    if bytes.len() > MAX_PROFILE_BYTES {
        return Err("it is larger than the 8 MiB a profile may have".into());
    }
    let declared = be32(bytes, 0).unwrap_or(0) as usize;
    if declared < 132 || declared > bytes.len() {
        return Err("it is cut short".into());
    }
    let p = &bytes[..declared];
    if p.get(36..40) != Some(b"acsp") {
        return Err("it lacks the ICC signature 'acsp'".into());
    }
    let version = p[8]; // ok: declared >= 132
    if version != 2 && version != 4 {
        return Err("it is of an ICC version other than 2 and 4".into());
    }
    let sig = |at: usize| -> [u8; 4] { [p[at], p[at + 1], p[at + 2], p[at + 3]] }; // ok: at < 132
    let (space, pcs) = (sig(16), sig(20));
    let count = be32(p, 128).unwrap_or(u32::MAX) as usize;
    let table_end = 132 + 12 * count.min(MAX_TAGS + 1);
    if count > MAX_TAGS || table_end > declared {
        return Err("its tag table claims more tags than it can hold".into());
    }
    let mut entries: Vec<([u8; 4], &[u8])> = Vec::with_capacity(count);
    for e in (132..table_end).step_by(12) {
        let s = sig4(p, e);
        let offset = be32(p, e + 4).unwrap_or(0) as usize;
        let size = be32(p, e + 8).unwrap_or(0) as usize;
        let data = slice(p, offset, size).filter(|_| offset >= table_end && size >= 8);
        let Some(data) = data else {
            return Err("a tag lies outside it".into());
        };
        if entries.iter().any(|x| x.0 == s) {
            return Err("it has a tag twice".into());
        }
        entries.push((s, data));
    }
    let tag = |name: &[u8; 4]| entries.iter().find(|e| &e.0 == name).map(|e| e.1);
    Ok(Profile {
        tags: entries.iter().map(|e| e.0).collect(),
        model: read_model(&space, &pcs, &tag),
        rgb_or_grey: &space == b"RGB " || &space == b"GRAY",
        description: tag(b"desc").and_then(desc_text),
    })
}

fn sig4(p: &[u8], at: usize) -> [u8; 4] {
    match p.get(at..at + 4) {
        Some(s) => [s[0], s[1], s[2], s[3]],
        None => [0; 4],
    }
}

fn read_model<'a>(
    space: &[u8; 4],
    pcs: &[u8; 4],
    tag: &dyn Fn(&[u8; 4]) -> Option<&'a [u8]>,
) -> Result<Model, String> {
    if pcs != b"XYZ " {
        return Err("its connection space is not XYZ".into());
    }
    let curve = |name: &[u8; 4]| -> Result<Curve, String> {
        tag(name)
            .and_then(read_curve)
            .ok_or_else(|| "a tone curve is missing or malformed".into())
    };
    match space {
        b"RGB " => {
            let mut m = [[0.0; 3]; 3];
            for (col, name) in [b"rXYZ", b"gXYZ", b"bXYZ"].into_iter().enumerate() {
                let v = tag(name)
                    .and_then(xyz)
                    .ok_or("a colorant is missing or malformed (not a matrix profile)")?;
                for (row, x) in v.into_iter().enumerate() {
                    m[row][col] = x;
                }
            }
            Ok(Model::Rgb {
                m,
                trc: [curve(b"rTRC")?, curve(b"gTRC")?, curve(b"bTRC")?],
            })
        }
        b"GRAY" => Ok(Model::Grey {
            trc: curve(b"kTRC")?,
        }),
        other => Err(format!("it is for {} data", printable(other).trim())),
    }
}

/// An ICC s15Fixed16Number.
fn s15(b: &[u8], at: usize) -> Option<f64> {
    be32(b, at).map(|v| f64::from(v as i32) / 65536.0)
}

/// An `XYZ ` tag's first value.
fn xyz(t: &[u8]) -> Option<[f64; 3]> {
    if t.get(..4)? != b"XYZ " {
        return None;
    }
    Some([s15(t, 8)?, s15(t, 12)?, s15(t, 16)?])
}

fn read_curve(t: &[u8]) -> Option<Curve> {
    match t.get(..4)? {
        b"curv" => {
            let n = be32(t, 8)? as usize;
            if n > MAX_CURVE_POINTS || 12 + 2 * n > t.len() {
                return None;
            }
            match n {
                0 => Some(Curve::Identity),
                1 => Some(Curve::Gamma(f64::from(be16(t, 12)?) / 256.0)),
                _ => Some(Curve::Table(
                    (0..n).map(|i| be16(t, 12 + 2 * i)).collect::<Option<_>>()?,
                )),
            }
        }
        b"para" => {
            let kind = be16(t, 8)?;
            let n = *[1usize, 3, 4, 5, 7].get(usize::from(kind))?;
            let mut p = [0.0; 7];
            for (i, v) in p.iter_mut().take(n).enumerate() {
                *v = s15(t, 12 + 4 * i)?;
            }
            Some(if kind == 0 {
                Curve::Gamma(p[0])
            } else {
                Curve::Param(kind, p)
            })
        }
        _ => None,
    }
}

/// The `desc` tag of a profile (v2 textDescriptionType or v4 multiLocalizedUnicode), read
/// leniently: from whatever of the tag table and the tag lies inside the bytes.
pub fn description(p: &[u8]) -> Option<String> {
    let count = be32(p, 128)? as usize;
    let count = count.min(p.len().saturating_sub(132) / 12);
    let e = (0..count)
        .map(|i| 132 + 12 * i)
        .find(|&e| p.get(e..e + 4) == Some(b"desc"))?;
    let off = be32(p, e + 4)? as usize;
    let len = be32(p, e + 8)? as usize;
    desc_text(slice(p, off, len).or_else(|| p.get(off..))?)
}

fn desc_text(t: &[u8]) -> Option<String> {
    let text = match t.get(..4)? {
        b"desc" => {
            let n = be32(t, 8)? as usize;
            let s = t.get(12..)?;
            clean_text(s.get(..n.min(s.len()))?, DESC_CHARS)
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
                .take(2 * DESC_CHARS)
                .map(|c| u16::from_be_bytes([c[0], c[1]]));
            let text: String = char::decode_utf16(units)
                .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
                .collect();
            clean_text(text.as_bytes(), DESC_CHARS)
        }
        _ => return None,
    };
    (!text.is_empty()).then_some(text)
}

/// A signature as text, with anything unprintable as '?'.
pub fn printable(s: &[u8; 4]) -> String {
    s.iter()
        .map(|&c| {
            if (0x20..0x7F).contains(&c) {
                c as char
            } else {
                '?'
            }
        })
        .collect()
}
