//! The colour module's tests, and the writer of the canonical profiles: `canonical_data.rs` is
//! its output, checked in (`OCCLUDE_WRITE_CANONICAL=1 cargo test --lib colour` rewrites it), so
//! the shipped module carries the bytes and not the writer.

use super::canonical::Space;
use super::classify::{assess, assess_icc, max_delta_e, LosslessColour, Verdict, MAX_DELTA_E};
use super::convert::{fill_in, ToSrgb};
use super::icc::{self, Model, D50};
use super::math;
use super::source::*;

// ---------------------------------------------------------------- the writer

/// A tone curve of a canonical profile.
#[derive(Debug, Clone, Copy, PartialEq)]
enum CurveSpec {
    /// A pure power: `para` type 0.
    Gamma(f64),
    /// `para` type 3: (g, a, b, c, d).
    Piecewise([f64; 5]),
}

/// What a canonical profile is made from: name, red/green/blue chromaticities (`None`: grey),
/// white (`None`: D50, ProPhoto's own white; else D65), curve.
struct Spec {
    name: &'static str,
    primaries: Option<[[f64; 2]; 3]>,
    d65: bool,
    curve: CurveSpec,
}

/// IEC 61966-2-1, also Display P3's curve.
const SRGB_CURVE: CurveSpec =
    CurveSpec::Piecewise([2.4, 1.0 / 1.055, 0.055 / 1.055, 1.0 / 12.92, 0.04045]);
/// ITU-R BT.709 / BT.2020 (10-bit) curve, inverted: what Apple's and LittleCMS's Rec. 2020
/// profiles carry.
const BT709_CURVE: CurveSpec =
    CurveSpec::Piecewise([1.0 / 0.45, 1.0 / 1.099, 0.099 / 1.099, 1.0 / 4.5, 0.081]);
/// 563/256: Adobe RGB (1998)'s 2.2 as its specification encodes it (and Photoshop's Gray Gamma
/// 2.2 likewise).
const GAMMA_22: CurveSpec = CurveSpec::Gamma(563.0 / 256.0);
const D65_XY: [f64; 2] = [0.3127, 0.3290];

fn spec(s: Space) -> Spec {
    let rgb = |name, p, d65, curve| Spec {
        name,
        primaries: Some(p),
        d65,
        curve,
    };
    let grey = |name, curve| Spec {
        name,
        primaries: None,
        d65: true,
        curve,
    };
    match s {
        Space::Srgb => rgb(
            "sRGB",
            [[0.64, 0.33], [0.30, 0.60], [0.15, 0.06]],
            true,
            SRGB_CURVE,
        ),
        Space::DisplayP3 => rgb(
            "Display P3",
            [[0.680, 0.320], [0.265, 0.690], [0.150, 0.060]],
            true,
            SRGB_CURVE,
        ),
        Space::AdobeRgb => rgb(
            "Adobe RGB (1998)",
            [[0.64, 0.33], [0.21, 0.71], [0.15, 0.06]],
            true,
            GAMMA_22,
        ),
        Space::ProPhoto => rgb(
            "ProPhoto RGB",
            [[0.7347, 0.2653], [0.1596, 0.8404], [0.0366, 0.0001]],
            false,
            CurveSpec::Gamma(1.8),
        ),
        Space::Rec2020 => rgb(
            "Rec. 2020",
            [[0.708, 0.292], [0.170, 0.797], [0.131, 0.046]],
            true,
            BT709_CURVE,
        ),
        Space::GreyGamma22 => grey("Gray Gamma 2.2", GAMMA_22),
        Space::SGrey => grey("sGray", SRGB_CURVE),
    }
}

fn fixed(v: f64) -> i32 {
    (v * 65536.0).round() as i32
}

fn push_fixed(out: &mut Vec<u8>, v: f64) {
    out.extend_from_slice(&fixed(v).to_be_bytes());
}

fn xyz_tag(v: [f64; 3]) -> Vec<u8> {
    let mut t = b"XYZ \0\0\0\0".to_vec();
    for c in v {
        push_fixed(&mut t, c);
    }
    t
}

/// A one-record (en-US) `mluc` holding `text` (empty allowed).
fn mluc(text: &str) -> Vec<u8> {
    let utf16: Vec<u8> = text.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    let mut t = b"mluc\0\0\0\0".to_vec();
    for v in [1u32, 12] {
        t.extend_from_slice(&v.to_be_bytes());
    }
    t.extend_from_slice(b"enUS");
    for v in [utf16.len() as u32, 28] {
        t.extend_from_slice(&v.to_be_bytes());
    }
    t.extend_from_slice(&utf16);
    t
}

fn para(c: CurveSpec) -> Vec<u8> {
    let mut t = b"para\0\0\0\0".to_vec();
    match c {
        CurveSpec::Gamma(g) => {
            t.extend_from_slice(&[0, 0, 0, 0]);
            push_fixed(&mut t, g);
        }
        CurveSpec::Piecewise(p) => {
            t.extend_from_slice(&[0, 3, 0, 0]);
            for v in p {
                push_fixed(&mut t, v);
            }
        }
    }
    t
}

/// The D50-adapted colorant matrix of an RGB spec, quantised to s15Fixed16 as stored.
fn colorants(spec: &Spec) -> [[f64; 3]; 3] {
    let white = if spec.d65 {
        D65_XY
    } else {
        let s = D50[0] + D50[1] + D50[2];
        [D50[0] / s, D50[1] / s]
    };
    let m = math::rgb_to_d50(spec.primaries.unwrap(), white, D50).unwrap();
    m.map(|row| row.map(|v| f64::from(fixed(v)) / 65536.0))
}

/// Writes the canonical ICC v4.3 display profile of `spec`. Deterministic: the same spec gives
/// the same bytes on every platform (only +, −, ×, ÷ on f64, rounded to s15Fixed16).
fn write(spec: &Spec) -> Vec<u8> {
    let mut tags: Vec<([u8; 4], Vec<u8>)> = vec![
        (*b"desc", mluc(spec.name)),
        (*b"cprt", mluc("")),
        // v4 display profiles state the adapted white, i.e. the PCS illuminant.
        (*b"wtpt", xyz_tag(D50)),
    ];
    let trc = para(spec.curve);
    let grey = spec.primaries.is_none();
    if grey {
        tags.push((*b"kTRC", trc));
    } else {
        let m = colorants(spec);
        if spec.d65 {
            let chad = math::bradford(math::xy_to_xyz(D65_XY), D50).unwrap();
            let mut t = b"sf32\0\0\0\0".to_vec();
            for v in chad.iter().flatten() {
                push_fixed(&mut t, *v);
            }
            tags.push((*b"chad", t));
        }
        for (col, sig) in [b"rXYZ", b"gXYZ", b"bXYZ"].into_iter().enumerate() {
            tags.push((*sig, xyz_tag([m[0][col], m[1][col], m[2][col]])));
        }
        for sig in [b"rTRC", b"gTRC", b"bTRC"] {
            tags.push((*sig, trc.clone()));
        }
    }
    assemble(&tags, grey)
}

/// Header, tag table and tag data; identical data (the shared curve) is stored once.
fn assemble(tags: &[([u8; 4], Vec<u8>)], grey: bool) -> Vec<u8> {
    let table_end = 128 + 4 + 12 * tags.len();
    let mut data: Vec<u8> = Vec::new();
    let mut entries: Vec<([u8; 4], usize, usize)> = Vec::new();
    let mut stored: Vec<(&Vec<u8>, usize)> = Vec::new();
    for (sig, t) in tags {
        let at = match stored.iter().find(|(s, _)| *s == t) {
            Some(&(_, at)) => at,
            None => {
                let at = table_end + data.len();
                data.extend_from_slice(t);
                while data.len() % 4 != 0 {
                    data.push(0);
                }
                stored.push((t, at));
                at
            }
        };
        entries.push((*sig, at, t.len()));
    }
    let size = table_end + data.len();
    let mut p = Vec::with_capacity(size);
    p.extend_from_slice(&(size as u32).to_be_bytes());
    p.extend_from_slice(&[0; 4]); // preferred CMM: none
    p.extend_from_slice(&[4, 0x30, 0, 0]); // version 4.3
    p.extend_from_slice(b"mntr");
    p.extend_from_slice(if grey { b"GRAY" } else { b"RGB " });
    p.extend_from_slice(b"XYZ ");
    for v in [2025u16, 1, 1, 0, 0, 0] {
        p.extend_from_slice(&v.to_be_bytes());
    }
    p.extend_from_slice(b"acsp");
    p.extend_from_slice(&[0; 4]); // platform: none
    p.extend_from_slice(&[0; 4]); // flags
    p.extend_from_slice(&[0; 4]); // device manufacturer: none
    p.extend_from_slice(&[0; 4]); // device model: none
    p.extend_from_slice(&[0; 8]); // device attributes
    p.extend_from_slice(&[0; 4]); // rendering intent: perceptual
    for v in D50 {
        push_fixed(&mut p, v);
    }
    p.extend_from_slice(&[0; 4]); // creator: none
    p.extend_from_slice(&[0; 16]); // profile ID: not computed (allowed by v4)
    p.extend_from_slice(&[0; 28]); // reserved
    p.extend_from_slice(&(tags.len() as u32).to_be_bytes());
    for (sig, at, len) in entries {
        p.extend_from_slice(&sig);
        p.extend_from_slice(&(at as u32).to_be_bytes());
        p.extend_from_slice(&(len as u32).to_be_bytes());
    }
    p.extend_from_slice(&data);
    p
}

/// The Rust source of `canonical_data.rs`.
fn data_source() -> String {
    let mut s = String::from(
        "//! Generated by `OCCLUDE_WRITE_CANONICAL=1 cargo test --lib colour` from the writer in\n\
         //! `colour/tests.rs`; the test `constants_equal_the_writer` keeps them equal.\n\n",
    );
    let names = [
        (Space::Srgb, "SRGB"),
        (Space::DisplayP3, "DISPLAY_P3"),
        (Space::AdobeRgb, "ADOBE_RGB"),
        (Space::ProPhoto, "PROPHOTO"),
        (Space::Rec2020, "REC2020"),
        (Space::GreyGamma22, "GREY_GAMMA22"),
        (Space::SGrey, "SGREY"),
    ];
    for (space, name) in names {
        let b = write(&spec(space));
        s.push_str(&format!(
            "/// {} ({} bytes).\n#[rustfmt::skip]\npub const {name}: &[u8] = &[\n",
            space.name(),
            b.len()
        ));
        for line in b.chunks(16) {
            let hex: Vec<String> = line.iter().map(|v| format!("0x{v:02x},")).collect();
            s.push_str(&format!("    {}\n", hex.join(" ")));
        }
        s.push_str("];\n\n");
    }
    s.truncate(s.trim_end().len());
    s.push('\n');
    s
}

#[test]
fn constants_equal_the_writer() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/colour/canonical_data.rs");
    let want = data_source();
    if std::env::var_os("OCCLUDE_WRITE_CANONICAL").is_some() {
        std::fs::write(path, &want).unwrap();
    }
    let have = std::fs::read_to_string(path).unwrap();
    assert!(
        have == want,
        "canonical_data.rs differs from the writer; regenerate it"
    );
    for s in Space::ALL {
        assert_eq!(s.bytes(), write(&spec(s)).as_slice(), "{s:?}");
        assert_eq!(s.name(), spec(s).name);
    }
}

#[test]
fn profiles_are_small_and_carry_only_the_name() {
    for s in Space::ALL {
        let b = s.bytes();
        assert!(b.len() <= 520, "{s:?}: {} bytes", b.len());
        // No byte of a CMM, platform, device, manufacturer or creator field.
        assert_eq!(&b[4..8], &[0; 4]);
        assert_eq!(&b[40..64], &[0; 24]);
        assert_eq!(&b[80..128], &[0; 48]);
        let p = icc::parse(b).unwrap();
        assert_eq!(p.description.as_deref(), Some(s.name()));
        let expected: &[&[u8; 4]] = if s.is_grey() {
            &[b"desc", b"cprt", b"wtpt", b"kTRC"]
        } else if s == Space::ProPhoto {
            &[
                b"desc", b"cprt", b"wtpt", b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC",
            ]
        } else {
            &[
                b"desc", b"cprt", b"wtpt", b"chad", b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC",
                b"bTRC",
            ]
        };
        assert_eq!(p.tags.iter().collect::<Vec<_>>(), expected, "{s:?}");
        assert!(p.extra_tags().is_empty());
        // The only text is the UTF-16 name: no run of 3 ASCII letters outside tag signatures.
        let ascii: String = b
            .iter()
            .map(|&c| {
                if c.is_ascii_alphabetic() {
                    c as char
                } else {
                    ' '
                }
            })
            .collect();
        for word in ascii.split_whitespace().filter(|w| w.len() >= 3) {
            assert!(
                [
                    "acsp", "mntr", "desc", "cprt", "wtpt", "chad", "rXYZ", "gXYZ", "bXYZ", "rTRC",
                    "gTRC", "bTRC", "kTRC", "XYZ", "mluc", "enUS", "para", "RGB", "GRAY", "sf"
                ]
                .iter()
                .any(|k| k.contains(word) || word.contains(k)),
                "{s:?} holds the text {word:?}"
            );
        }
    }
}

#[test]
fn display_p3_matches_apples_published_colorants() {
    // Apple's Display P3 profile (as read by any ICC tool): rXYZ 0.5151 0.2412 -0.0011,
    // gXYZ 0.2920 0.6922 0.0419, bXYZ 0.1571 0.0666 0.7841.
    let Model::Rgb { m, .. } = Space::DisplayP3.model() else {
        panic!("no model")
    };
    let apple = [
        [0.5151, 0.2920, 0.1571],
        [0.2412, 0.6922, 0.0666],
        [-0.0011, 0.0419, 0.7841],
    ];
    for r in 0..3 {
        for c in 0..3 {
            assert!((m[r][c] - apple[r][c]).abs() < 2e-4, "{r},{c}: {}", m[r][c]);
        }
    }
}

// ---------------------------------------------------------------- the reader

#[test]
fn every_prefix_and_byte_change_of_a_profile_is_refused_or_read() {
    let p3 = Space::DisplayP3.bytes();
    for n in 0..p3.len() {
        assert!(icc::parse(&p3[..n]).is_err(), "{n}");
        let a = assess_icc(&p3[..n]);
        assert!(a.is_srgb(), "{n}");
    }
    for i in 0..p3.len() {
        for x in [0x00u8, 0xFF, 0x80] {
            let mut q = p3.to_vec();
            q[i] = x;
            let _ = assess_icc(&q);
            let _ = icc::description(&q);
        }
    }
    // A huge tag count, a tag past the end, a duplicate tag: refused with a reason.
    let mut huge = p3.to_vec();
    huge[128..132].copy_from_slice(&0x0FFF_FFFFu32.to_be_bytes());
    assert!(icc::parse(&huge).unwrap_err().contains("tag table"));
    let mut past = p3.to_vec();
    past[132 + 4..132 + 8].copy_from_slice(&4000u32.to_be_bytes());
    assert!(icc::parse(&past).unwrap_err().contains("outside"));
    let mut twice = p3.to_vec();
    twice[144..148].copy_from_slice(b"desc");
    assert!(icc::parse(&twice).unwrap_err().contains("twice"));
}

// ---------------------------------------------------------------- the classifier

#[test]
fn every_canonical_profile_classifies_as_itself() {
    for s in Space::ALL {
        let a = assess_icc(s.bytes());
        assert_eq!(a.space(), Some(s), "{:?}", a.verdict);
        assert_eq!(
            a.lossless(),
            Ok(if s.is_default() {
                LosslessColour::Untagged
            } else {
                LosslessColour::Embed(s)
            })
        );
    }
}

#[test]
fn standard_spaces_are_far_apart() {
    // The tolerance separates them by a wide margin.
    for a in Space::ALL {
        for b in Space::ALL {
            if a != b && a.is_grey() == b.is_grey() {
                let de = max_delta_e(a.model(), b.model());
                assert!(de > 4.0 * MAX_DELTA_E, "{a:?} vs {b:?}: {de}");
            }
        }
    }
}

#[test]
fn png_gamma_chunks_make_models() {
    // gAMA 1/2.2 with sRGB's chromaticities: sRGB primaries, but a pure 2.2 curve is not the
    // sRGB curve in the shadows (ΔE ≈ 2): converted, not called sRGB.
    let srgb_chrm = [0.3127, 0.329, 0.64, 0.33, 0.30, 0.60, 0.15, 0.06];
    let a = assess(&Tagged::Gamma {
        gamma: 0.45455,
        chrm: Some(srgb_chrm),
    });
    assert!(matches!(a.verdict, Verdict::Convert { .. }), "{a:?}");
    assert!(a
        .words(false)
        .starts_with("colour chunk (gAMA, cHRM): not a standard space"));
    // Adobe RGB's chromaticities and 1/2.2: Adobe RGB.
    let adobe = [0.3127, 0.329, 0.64, 0.33, 0.21, 0.71, 0.15, 0.06];
    let a = assess(&Tagged::Gamma {
        gamma: 256.0 / 563.0,
        chrm: Some(adobe),
    });
    assert_eq!(a.space(), Some(Space::AdobeRgb));
    assert_eq!(
        a.words(false),
        "colour chunk (gAMA, cHRM) Adobe RGB (1998): converted to sRGB"
    );
    // gAMA 1/2.2 alone: sRGB, as browsers show it, and nothing to say; 1/1.8 alone: converted.
    let a = assess(&Tagged::Gamma {
        gamma: 0.45455,
        chrm: None,
    });
    assert!(a.is_srgb() && a.words(false).is_empty());
    let a = assess(&Tagged::Gamma {
        gamma: 0.55556,
        chrm: None,
    });
    assert!(matches!(a.verdict, Verdict::Convert { .. }), "{a:?}");
    // Impossible values: unreadable, shown as sRGB.
    for (gamma, chrm) in [(0.0, None), (0.45, Some([2.0; 8])), (0.45, Some([0.0; 8]))] {
        assert!(assess(&Tagged::Gamma { gamma, chrm }).is_srgb());
    }
}

#[test]
fn the_words_name_the_space_and_what_is_done() {
    let p3 = assess_icc(Space::DisplayP3.bytes());
    assert_eq!(
        p3.words(true),
        "colour profile Display P3: kept as a standard profile, no device data"
    );
    assert_eq!(
        p3.words(false),
        "colour profile Display P3: converted to sRGB"
    );
    assert_eq!(
        assess_icc(Space::Srgb.bytes()).words(true),
        "colour profile sRGB: removed, as an untagged file already means sRGB"
    );
    assert_eq!(assess(&Tagged::Untagged).words(true), "");
    assert_eq!(assess(&Tagged::SrgbChunk).words(true), "");
    let broken = assess(&Tagged::Broken("its ICC segments are inconsistent".into()));
    assert!(broken.is_srgb());
    assert_eq!(
        broken.words(false),
        "colour profile: cannot be used (its ICC segments are inconsistent); the pixels are \
         shown as sRGB, as browsers do, and it is removed"
    );
    let cicp = assess(&Tagged::Cicp([9, 16, 0, 1]));
    assert!(matches!(cicp.verdict, Verdict::NeedsCms { .. }));
    assert!(cicp.lossless().is_err() && cicp.to_srgb_model().is_none());
    // A profile named Display P3 whose primaries are not P3's: converted, and said so.
    let mut fake = Space::DisplayP3.bytes().to_vec();
    let at = fake.windows(4).position(|w| w == b"rXYZ").unwrap();
    let off = u32::from_be_bytes(fake[at + 4..at + 8].try_into().unwrap()) as usize;
    fake[off + 8..off + 12].copy_from_slice(&((0.47 * 65536.0) as i32).to_be_bytes());
    let a = assess_icc(&fake);
    assert_eq!(
        a.words(false),
        "colour profile \u{201c}Display P3\u{201d}: not a standard space (its colours are up to \
         ΔE 12.2 from the nearest, Display P3); converted to sRGB"
    );
    assert!(a.lossless().unwrap_err().contains("converted to sRGB"));
}

// ---------------------------------------------------------------- the converter

#[test]
fn srgb_to_srgb_is_the_identity() {
    let t = ToSrgb::new(Space::Srgb.model());
    let mut px: Vec<u8> = (0..=255u8).flat_map(|v| [v, 255 - v, v / 2]).collect();
    let before = px.clone();
    t.apply(&mut px);
    assert_eq!(px, before);
    let t = ToSrgb::new(Space::SGrey.model());
    let mut grey: Vec<u8> = (0..=255u8).flat_map(|v| [v, v, v]).collect();
    let before = grey.clone();
    t.apply(&mut grey);
    assert_eq!(grey, before);
}

#[test]
fn kept_spaces_show_white_and_black_as_such_and_the_fill_round_trips() {
    let lab = |c: &[u8]| {
        let m = Space::Srgb.model();
        math::lab(m.xyz([0, 1, 2].map(|i| f64::from(c[i]) / 255.0)), D50)
    };
    for s in [
        Space::DisplayP3,
        Space::AdobeRgb,
        Space::ProPhoto,
        Space::Rec2020,
    ] {
        let t = ToSrgb::new(s.model());
        let mut px = vec![255, 255, 255, 0, 0, 0];
        t.apply(&mut px);
        assert_eq!(px, [255, 255, 255, 0, 0, 0], "{s:?}");
        for fill in [
            [0, 0, 0],
            [255, 255, 255],
            [255, 0, 0],
            [30, 144, 255],
            [200, 200, 40],
        ] {
            let mut stored = fill_in(s, fill).unwrap().to_vec();
            t.apply(&mut stored);
            // As seen, the box is the fill within rounding: 8-bit steps of a wide space are
            // coarse (ProPhoto's red: [255, 3, 2] for [255, 0, 0], ΔE 0.3).
            let d = math::delta_e76(lab(&stored), lab(&fill));
            assert!(d < 0.75, "{s:?} {fill:?} -> {stored:?}: ΔE {d}");
        }
    }
    assert_eq!(fill_in(Space::GreyGamma22, [0, 0, 0]), Some([0, 0, 0]));
    assert_eq!(fill_in(Space::GreyGamma22, [0, 0, 255]), None);
    assert_eq!(
        fill_in(Space::GreyGamma22, [255, 255, 255]),
        Some([255, 255, 255])
    );
}

// ---------------------------------------------------------------- where profiles sit

fn seg(seq: u8, count: u8, data: &[u8]) -> Vec<u8> {
    let mut v = ICC_ID.to_vec();
    v.extend_from_slice(&[seq, count]);
    v.extend_from_slice(data);
    v
}

#[test]
fn app2_segments_reassemble_in_sequence_order() {
    let (a, b, c) = (seg(2, 3, b"BB"), seg(1, 3, b"AA"), seg(3, 3, b"CC"));
    let segs = [
        (0xE2, &a[..]),
        (0xE1, &b"Exif\0\0"[..]),
        (0xE2, &b[..]),
        (0xE2, &c[..]),
    ];
    assert_eq!(jpeg_profile(segs), Tagged::Icc(b"AABBCC".to_vec()));
    assert_eq!(jpeg_profile([(0xE1u8, &b"x"[..])]), Tagged::Untagged);
}

#[test]
fn inconsistent_app2_segments_are_broken() {
    let cases: Vec<Vec<Vec<u8>>> = vec![
        vec![seg(1, 2, b"A")],                  // one missing
        vec![seg(1, 2, b"A"), seg(1, 2, b"B")], // duplicate
        vec![seg(1, 2, b"A"), seg(2, 3, b"B")], // counts disagree
        vec![seg(0, 1, b"A")],                  // number 0
        vec![seg(1, 0, b"A")],                  // count 0
        vec![seg(3, 2, b"A"), seg(1, 2, b"B")], // number beyond count
        vec![ICC_ID.to_vec()],                  // cut short
    ];
    for segs in cases {
        let t = jpeg_profile(segs.iter().map(|s| (0xE2u8, &s[..])));
        assert!(matches!(t, Tagged::Broken(_)), "{segs:?}: {t:?}");
    }
}

#[test]
fn written_segment_and_chunk_read_back_and_pass_the_rules() {
    for s in [Space::DisplayP3, Space::AdobeRgb, Space::GreyGamma22] {
        let seg = app2_segment(s);
        assert_eq!(
            jpeg_profile([(0xE2, &seg[4..])]),
            Tagged::Icc(s.bytes().to_vec())
        );
        assert_eq!(canonical_app2(&seg[4..]), Some(s));
        let chunk = iccp_payload(s);
        assert_eq!(iccp_profile(&chunk), Tagged::Icc(s.bytes().to_vec()));
        assert_eq!(canonical_iccp(&chunk), Some(s));
        // One byte different anywhere: refused.
        for i in 0..seg.len() - 4 {
            let mut bad = seg[4..].to_vec();
            bad[i] ^= 1;
            assert_eq!(canonical_app2(&bad), None, "{i}");
        }
        for i in 0..chunk.len() {
            let mut bad = chunk.clone();
            bad[i] ^= 0x20;
            assert_eq!(canonical_iccp(&bad), None, "{i}");
        }
    }
    // sRGB's canonical bytes are never embedded, so never allowed.
    assert_eq!(canonical_app2(&app2_segment(Space::Srgb)[4..]), None);
    assert_eq!(canonical_iccp(&iccp_payload(Space::Srgb)), None);
}

#[test]
fn png_precedence_and_idat_cut() {
    let g = 45455u32.to_be_bytes();
    let srgb = [0u8];
    let chunks = vec![(*b"gAMA", &g[..]), (*b"sRGB", &srgb[..])];
    assert_eq!(png_colour(chunks), Tagged::SrgbChunk);
    let chunks = vec![(*b"gAMA", &g[..])];
    assert!(matches!(
        png_colour(chunks),
        Tagged::Gamma { chrm: None, .. }
    ));
    let chunks = vec![(*b"IDAT", &b""[..]), (*b"gAMA", &g[..])];
    assert_eq!(png_colour(chunks), Tagged::Untagged);
    let zero = 0u32.to_be_bytes();
    assert!(matches!(
        png_colour(vec![(*b"gAMA", &zero[..])]),
        Tagged::Broken(_)
    ));
    let p3 = iccp_payload(Space::DisplayP3);
    let chunks = vec![(*b"sRGB", &srgb[..]), (*b"iCCP", &p3[..])];
    assert_eq!(
        png_colour(chunks),
        Tagged::Icc(Space::DisplayP3.bytes().to_vec())
    );
    let cicp = [1u8, 13, 0, 1];
    assert_eq!(png_colour(vec![(*b"cICP", &cicp[..])]), Tagged::SrgbChunk);
    assert!(matches!(iccp_profile(b"no name"), Tagged::Broken(_)));
    assert!(matches!(iccp_profile(b"x\0\x01zz"), Tagged::Broken(_)));
}
