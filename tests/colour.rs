//! Colour profiles end to end (issue 14). Every colour fixture (tests/fixtures/colour/, written
//! by tools/make_colour_fixtures.py) goes through `redact` to its default output and to the
//! other format: the path taken, the only profile bytes an output may hold (one of Occlude's
//! canonical profiles, exactly), the words; sRGB-tagged and untagged inputs come out as before
//! colour management. Then what a colour-managed viewer sees, measured by an independent CMS
//! (LittleCMS, Pillow's copy, through tools/colour_check.py): output against input outside the
//! boxes, and the boxes against the fill colour as seen.

mod common;

use common::fixture;
use occlude::internals::colour::{app2_segment, iccp_payload, Space};
use occlude::internals::container::{walk_jpeg, walk_png};
use occlude::{redact, Options, OutputFormat, Path, Rect, Redaction, Rgb};
use std::process::Command;

const FILL: Rgb = Rgb {
    r: 0x1e,
    g: 0x90,
    b: 0xff,
};

/// The boxes (as seen) of `boxes.json`'s set `set`: "boxes" (JPEGs), "png_boxes", "small_boxes".
fn boxes(set: &str) -> Vec<[u32; 4]> {
    let meta: serde_json::Value =
        serde_json::from_slice(&fixture("colour/boxes.json")).expect("boxes.json");
    meta[set]
        .as_object()
        .expect("box set")
        .values()
        .map(|b| {
            let v: Vec<u32> = b
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap() as u32)
                .collect();
            [v[0], v[1], v[2], v[3]]
        })
        .collect()
}

fn rects(b: &[[u32; 4]]) -> Vec<Rect> {
    b.iter()
        .map(|b| Rect::new(b[0].into(), b[1].into(), b[2].into(), b[3].into()))
        .collect()
}

fn run(name: &str, set: &str, format: OutputFormat, fill: Rgb) -> Redaction {
    let options = Options {
        fill,
        format: Some(format),
        ..Options::default()
    };
    redact(
        &fixture(&format!("colour/{name}")),
        &rects(&boxes(set)),
        &options,
    )
    .unwrap_or_else(|e| panic!("{name} → {format:?}: {e}"))
}

/// The colour blocks of a produced file: every APP2 payload (JPEG) or iCCP data (PNG).
fn colour_blocks(bytes: &[u8]) -> Vec<Vec<u8>> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let w = walk_jpeg(bytes).unwrap();
        w.segments
            .iter()
            .filter(|s| s.marker == 0xE2)
            .map(|s| bytes[s.data.clone()].to_vec())
            .collect()
    } else {
        let w = walk_png(bytes).unwrap();
        w.chunks
            .iter()
            .filter(|c| &c.kind == b"iCCP")
            .map(|c| bytes[c.data.clone()].to_vec())
            .collect()
    }
}

/// What a case must do: the path, and the profile the output keeps (None: untagged).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Lossless(Option<Space>),
    Pixels,
}

struct Case {
    name: &'static str,
    set: &'static str,
    format: OutputFormat,
    fill: Rgb,
    expect: Expect,
    /// The start of the report's colour words ("" when there are none).
    words: &'static str,
}

const J: OutputFormat = OutputFormat::Jpeg;
const P: OutputFormat = OutputFormat::Png;
const KEPT: &str = ": kept as a standard profile, no device data";
const CONVERTED: &str = ": converted to sRGB";

fn cases() -> Vec<Case> {
    use Expect::*;
    let c = |name, set, format, expect, words| Case {
        name,
        set,
        format,
        fill: FILL,
        expect,
        words,
    };
    let mut v = Vec::new();
    for (name, space, words) in [
        ("jpeg-p3.jpg", Space::DisplayP3, "colour profile Display P3"),
        (
            "jpeg-p3-orient6.jpg",
            Space::DisplayP3,
            "colour profile Display P3",
        ),
        (
            "jpeg-p3-progressive.jpg",
            Space::DisplayP3,
            "colour profile Display P3",
        ),
        (
            "jpeg-adobe.jpg",
            Space::AdobeRgb,
            "colour profile Adobe RGB (1998)",
        ),
        (
            "jpeg-adobe-orient6.jpg",
            Space::AdobeRgb,
            "colour profile Adobe RGB (1998)",
        ),
        (
            "jpeg-adobe-progressive.jpg",
            Space::AdobeRgb,
            "colour profile Adobe RGB (1998)",
        ),
    ] {
        v.push(c(name, "boxes", J, Lossless(Some(space)), words));
        v.push(c(name, "boxes", P, Pixels, words));
    }
    // A turn that is not exact: the JPEG pixel path, converted.
    for name in [
        "jpeg-p3-orient6-inexact.jpg",
        "jpeg-p3-fullres-orient6-inexact.jpg",
    ] {
        for f in [J, P] {
            v.push(c(name, "boxes", f, Pixels, "colour profile Display P3"));
        }
    }
    // Grey: a colour fill cannot be stored in a grey JPEG (pixel path); black can (kept).
    v.push(c(
        "jpeg-grey22.jpg",
        "boxes",
        J,
        Pixels,
        "colour profile Gray Gamma 2.2",
    ));
    v.push(Case {
        fill: Rgb::BLACK,
        ..c(
            "jpeg-grey22.jpg",
            "boxes",
            J,
            Lossless(Some(Space::GreyGamma22)),
            "colour profile Gray Gamma 2.2",
        )
    });
    for (name, words) in [
        ("png-p3-iccp.png", "colour profile Display P3"),
        ("png-adobe-iccp.png", "colour profile Adobe RGB (1998)"),
        (
            "png-gama-chrm.png",
            "colour chunk (gAMA, cHRM) Adobe RGB (1998)",
        ),
        (
            "png-cicp-p3.png",
            "colour chunk (cICP): not a standard space",
        ),
        ("png-p3-iccp-fullres.png", "colour profile Display P3"),
        (
            "png-p3-gama-chrm.png",
            "colour chunk (gAMA, cHRM): not a standard space",
        ),
    ] {
        v.push(c(name, "png_boxes", P, Pixels, words));
        v.push(c(name, "png_boxes", J, Pixels, words));
    }
    // sRGB and untagged: as today (no profile, the lossless path for JPEG).
    for (name, words) in [
        ("jpeg-srgb.jpg", "colour profile sRGB: removed"),
        ("jpeg-untagged.jpg", ""),
    ] {
        v.push(c(name, "boxes", J, Lossless(None), words));
        v.push(c(name, "boxes", P, Pixels, words));
    }
    for name in ["png-srgb.png", "png-untagged.png", "png-srgb-fullres.png"] {
        v.push(c(name, "png_boxes", P, Pixels, ""));
        v.push(c(name, "png_boxes", J, Pixels, ""));
    }
    // The sRGB twin of jpeg-p3-orient6-inexact.jpg (the same scene, untagged).
    for f in [J, P] {
        v.push(c("jpeg-srgb-orient6-inexact.jpg", "boxes", f, Pixels, ""));
    }
    v
}

fn check_case(case: &Case) -> Redaction {
    let what = format!("{} → {:?}", case.name, case.format);
    let out = run(case.name, case.set, case.format, case.fill);
    let r = &out.report;
    let blocks = colour_blocks(&out.bytes);
    match case.expect {
        Expect::Lossless(space) => {
            assert_eq!(r.path, Path::Lossless, "{what}: {}", r.path_reason);
            match space {
                Some(s) => {
                    assert_eq!(blocks, [app2_segment(s)[4..].to_vec()], "{what}");
                    assert_eq!(r.verification.colour_profile.as_deref(), Some(s.name()));
                    assert!(r.colour.ends_with(KEPT), "{what}: {}", r.colour);
                    // The fill is stored as the value that shows as the fill in that space.
                    if case.fill != Rgb::BLACK {
                        assert_ne!(r.stored_fill, r.fill, "{what}");
                    }
                }
                None => {
                    assert!(blocks.is_empty(), "{what}");
                    assert_eq!(r.verification.colour_profile, None, "{what}");
                    assert_eq!(r.stored_fill, r.fill, "{what}");
                }
            }
        }
        Expect::Pixels => {
            assert_eq!(r.path, Path::Pixels, "{what}");
            assert!(blocks.is_empty(), "{what}");
            assert_eq!(r.verification.colour_profile, None, "{what}");
            assert_eq!(r.stored_fill, r.fill, "{what}");
            if case.words.starts_with("colour profile")
                && !case.words.ends_with(": removed")
                && !case.words.contains("sRGB")
            {
                assert!(r.colour.ends_with(CONVERTED), "{what}: {}", r.colour);
            }
            // A converted picture's JPEG has full-resolution colour; an sRGB one's is 4:2:0.
            if case.format == J {
                let srgb = case.words.is_empty() || case.words.contains("sRGB");
                let want = if srgb { HALF } else { FULL };
                assert_eq!(sampling(&out.bytes), want, "{what}");
            }
        }
    }
    assert!(
        r.colour.starts_with(case.words),
        "{what}: {:?} does not start with {:?}",
        r.colour,
        case.words
    );
    if case.words.is_empty() {
        assert_eq!(r.colour, "", "{what}");
    }
    out
}

#[test]
fn every_fixture_takes_the_right_path_and_holds_only_canonical_bytes() {
    for case in cases() {
        check_case(&case);
    }
}

#[test]
fn the_inventory_says_it_in_plain_words() {
    let words = |name: &str| {
        occlude::inspect(&fixture(&format!("colour/{name}")))
            .unwrap()
            .words
    };
    let has = |name: &str, phrase: &str| {
        let w = words(name);
        assert!(w.iter().any(|x| x == phrase), "{name}: {w:?}");
    };
    has(
        "jpeg-p3.jpg",
        "colour profile Display P3: kept as a standard profile, no device data",
    );
    has(
        "jpeg-adobe.jpg",
        "colour profile Adobe RGB (1998): kept as a standard profile, no device data",
    );
    has(
        "png-p3-iccp.png",
        "colour profile Display P3: converted to sRGB",
    );
    has(
        "png-gama-chrm.png",
        "colour chunk (gAMA, cHRM) Adobe RGB (1998): converted to sRGB",
    );
    has(
        "jpeg-srgb.jpg",
        "colour profile sRGB: removed, as an untagged file already means sRGB",
    );
    has(
        "jpeg-hostile-dmdd.jpg",
        "colour profile Display P3: kept as a standard profile, no device data; its other \
         data (dmnd, dmdd) is removed",
    );
    for name in ["jpeg-untagged.jpg", "png-untagged.png", "png-srgb.png"] {
        assert!(
            !words(name).iter().any(|w| w.contains("colour")),
            "{name}: {:?}",
            words(name)
        );
    }
    let broken = words("jpeg-hostile-missing-segment.jpg");
    assert!(
        broken.iter().any(|w| w.starts_with(
            "colour profile: cannot be used (its ICC segments are inconsistent: 1 of 2 \
             segments are present); the pixels are shown as sRGB"
        )),
        "{broken:?}"
    );
}

#[test]
fn canonical_profiles_read_as_their_spaces_in_littlecms() {
    require_python();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/colour_check.py");
    let out = Command::new("python3")
        .args([script, "--canonical"])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(all.len(), 7);
    for p in all {
        let name = p["name"].as_str().unwrap();
        // LittleCMS reads the name and an empty copyright, and shows every colour of a 17³
        // grid and the grey ramp as the space's published definition does.
        assert_eq!(p["description"], name);
        assert_eq!(p["copyright"], "");
        assert!(p["max_de"].as_f64().unwrap() < 0.05, "{p}");
    }
}

#[test]
fn a_profile_of_no_standard_space_sends_the_jpeg_to_the_pixel_path_and_says_why() {
    let out = run("jpeg-hostile-fake-p3.jpg", "small_boxes", J, FILL);
    let r = &out.report;
    assert_eq!(r.path, Path::Pixels);
    assert!(
        r.path_reason
            .starts_with("the colour profile is not a standard space (its colours are up to ΔE "),
        "{}",
        r.path_reason
    );
    assert!(r
        .path_reason
        .ends_with("so the pixels are converted to sRGB"));
    assert!(
        r.colour
            .starts_with("colour profile \u{201c}Display P3\u{201d}: not a standard space"),
        "{}",
        r.colour
    );
    assert!(colour_blocks(&out.bytes).is_empty());
}

/// `bytes` without its colour information: JPEG APP2 segments, PNG iCCP/sRGB/gAMA/cHRM/cICP
/// chunks.
fn untagged(bytes: &[u8]) -> Vec<u8> {
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let w = walk_jpeg(bytes).unwrap();
        let mut out = bytes[..2].to_vec();
        let mut pos = 2;
        for s in &w.segments[1..] {
            if s.marker == 0xE2 {
                out.extend_from_slice(&bytes[pos..s.data.start - 4]);
                pos = s.data.end;
            }
        }
        out.extend_from_slice(&bytes[pos..]);
        out
    } else {
        let w = walk_png(bytes).unwrap();
        let mut out = bytes[..8].to_vec();
        for c in &w.chunks {
            if ![b"iCCP", b"sRGB", b"gAMA", b"cHRM", b"cICP"].contains(&&c.kind) {
                out.extend_from_slice(&bytes[c.offset..c.data.end + 4]);
            }
        }
        out
    }
}

/// CRC-32 and length of what Occlude wrote for the untagged fixtures before colour management
/// (commit 92183cf, the `occlude` CLI with `--fill 1e90ff` and the fixture's boxes).
const TODAY: [(&str, OutputFormat, u32, usize); 4] = [
    ("jpeg-untagged.jpg", J, 0xf4ce_c4d4, 11_990),
    ("jpeg-untagged.jpg", P, 0x6544_f6c0, 92_879),
    ("png-untagged.png", P, 0xabdc_0291, 21_814),
    ("png-untagged.png", J, 0xc273_1770, 5_586),
];

#[test]
fn srgb_tagged_and_untagged_inputs_come_out_as_before() {
    // Byte for byte what Occlude wrote before colour management.
    for (name, format, crc, len) in TODAY {
        let set = if name.starts_with("png") {
            "png_boxes"
        } else {
            "boxes"
        };
        let out = run(name, set, format, FILL);
        assert_eq!(
            (crc32fast::hash(&out.bytes), out.bytes.len()),
            (crc, len),
            "{name} → {format:?}"
        );
    }
    // An sRGB profile or chunk changes nothing: the same bytes as the input without it.
    for (name, set) in [
        ("jpeg-srgb.jpg", "boxes"),
        ("png-srgb.png", "png_boxes"),
        ("png-untagged.png", "png_boxes"),
    ] {
        let input = fixture(&format!("colour/{name}"));
        for format in [J, P] {
            let options = Options {
                fill: FILL,
                format: Some(format),
                ..Options::default()
            };
            let b = rects(&boxes(set));
            let with = redact(&input, &b, &options).unwrap();
            let without = redact(&untagged(&input), &b, &options).unwrap();
            assert!(with.bytes == without.bytes, "{name} → {format:?}");
        }
    }
}

/// The sampling factors (H << 4 | V) of a JPEG's frame components, in order.
fn sampling(bytes: &[u8]) -> Vec<u8> {
    let w = walk_jpeg(bytes).unwrap();
    let sof = w
        .segments
        .iter()
        .find(|s| matches!(s.marker, 0xC0..=0xC2))
        .expect("a frame header");
    let d = &bytes[sof.data.clone()];
    (0..usize::from(d[5])).map(|i| d[7 + 3 * i]).collect()
}

const HALF: [u8; 3] = [0x22, 0x11, 0x11];
const FULL: [u8; 3] = [0x11, 0x11, 0x11];

/// CRC-32 and length of the JPEGs Occlude wrote from the pixels of sRGB and untagged inputs
/// before full-resolution colour (main at 8c04809, with `--fill 1e90ff` and the fixture's boxes).
const HALF_BEFORE: [(&str, u32, usize); 4] = [
    ("png-srgb.png", 0xc273_1770, 5_586),
    ("png-untagged.png", 0xc273_1770, 5_586),
    ("png-srgb-fullres.png", 0x72e0_648d, 5_227),
    ("jpeg-srgb-orient6-inexact.jpg", 0x4439_6a40, 13_739),
];

/// An sRGB-tagged or untagged picture's JPEG from pixels is exactly what the 4:2:0 encoder
/// makes of its decoded, burned pixels at quality 90, and the same bytes as before; a converted
/// picture's is 4:4:4, its luma tables those of the quality asked for.
#[test]
fn srgb_and_untagged_jpegs_are_the_half_resolution_encoders() {
    use occlude::internals::{burn, decode, encode};
    for (name, crc, len) in HALF_BEFORE {
        let set = if name.starts_with("png") {
            "png_boxes"
        } else {
            "boxes"
        };
        let out = run(name, set, J, FILL);
        assert_eq!(out.report.path, Path::Pixels, "{name}");
        assert_eq!(sampling(&out.bytes), HALF, "{name}");
        let mut img = decode::decode(&fixture(&format!("colour/{name}")), Rgb::WHITE)
            .unwrap()
            .image;
        let (w, h) = img.dimensions();
        burn::burn(
            &mut img,
            &burn::resolve(&rects(&boxes(set)), w, h).unwrap(),
            FILL,
        );
        let half = encode::encode(&img, J, 90).unwrap();
        assert!(out.bytes == half, "{name}: not the 4:2:0 encoder's bytes");
        assert_eq!(
            (crc32fast::hash(&out.bytes), out.bytes.len()),
            (crc, len),
            "{name}: not the bytes of before"
        );
    }
    // Converted: full-resolution colour; the quality asked for is the luma's (the first DQT
    // table), the colour's 7 steps finer (at most 100).
    for name in [
        "png-p3-iccp.png",
        "png-gama-chrm.png",
        "png-cicp-p3.png",
        "jpeg-p3-orient6-inexact.jpg",
        "jpeg-hostile-fake-p3.jpg",
    ] {
        let set = if name.starts_with("png") {
            "png_boxes"
        } else {
            "small_boxes"
        };
        for quality in [75u8, 90, 98] {
            let options = Options {
                fill: FILL,
                format: Some(J),
                quality,
                ..Options::default()
            };
            let out = redact(
                &fixture(&format!("colour/{name}")),
                &rects(&boxes(set)),
                &options,
            )
            .unwrap();
            assert_eq!(sampling(&out.bytes), FULL, "{name} q{quality}");
            assert_eq!(out.report.quality, Some(quality), "{name}");
            let steps = dqt_first_steps(&out.bytes);
            // Annex K's first luma step 16 and chroma step 17, scaled the IJG way.
            let ijg = |base: u32, q: u32| {
                let s = if q < 50 { 5000 / q } else { 200 - 2 * q };
                ((base * s + 50) / 100).clamp(1, 255) as u16
            };
            let colour_q = u32::from(quality.saturating_add(7).min(100));
            assert_eq!(
                steps,
                [ijg(16, quality.into()), ijg(17, colour_q)],
                "{name} q{quality}"
            );
        }
    }
}

/// The first (DC) step of each quantisation table of a JPEG, in table order.
fn dqt_first_steps(bytes: &[u8]) -> Vec<u16> {
    let w = walk_jpeg(bytes).unwrap();
    let mut steps = Vec::new();
    for s in w.segments.iter().filter(|s| s.marker == 0xDB) {
        let d = &bytes[s.data.clone()];
        let mut at = 0;
        while at < d.len() {
            let wide = d[at] >> 4 == 1;
            steps.push(if wide {
                u16::from_be_bytes([d[at + 1], d[at + 2]])
            } else {
                u16::from(d[at + 1])
            });
            at += 1 + if wide { 128 } else { 64 };
        }
    }
    steps
}

#[test]
fn hostile_profiles_leave_nothing_of_their_text() {
    let meta: serde_json::Value = serde_json::from_slice(&fixture("colour/boxes.json")).unwrap();
    let patient = meta["patient"].as_str().unwrap();
    let words = [
        patient, "JANE", "Jdoe", "PRIVATE", "Smith", "Fundus", "Fixture", "fxtr", "FXTR", "APPL",
    ];
    let needles: Vec<Vec<u8>> = words
        .iter()
        .flat_map(|w| {
            let utf16: Vec<u8> = w.encode_utf16().flat_map(u16::to_be_bytes).collect();
            [w.as_bytes().to_vec(), utf16]
        })
        .collect();
    let dir = std::fs::read_dir(common::fixture_path("colour")).unwrap();
    let mut names: Vec<String> = dir
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("hostile"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 10, "{names:?}");
    for name in &names {
        // The profile really carries the text (guards against a bad regeneration).
        let input = fixture(&format!("colour/{name}"));
        let carried = needles
            .iter()
            .filter(|n| input.windows(n.len()).any(|w| w == &n[..]))
            .count();
        assert!(carried > 0 || !name.contains("dmdd"), "{name}");
        for format in [J, P] {
            let out = run(name, "small_boxes", format, FILL);
            for (n, w) in needles.iter().zip(words.iter().flat_map(|w| [w, w])) {
                assert!(
                    !out.bytes.windows(n.len()).any(|x| x == &n[..]),
                    "{name} → {format:?} carries {w:?}"
                );
            }
            for block in colour_blocks(&out.bytes) {
                assert_eq!(block, app2_segment(Space::DisplayP3)[4..], "{name}");
            }
            let words = &out.report.colour;
            if name.contains("dmdd") || name.contains("private") {
                assert!(words.contains("; its other data ("), "{name}: {words}");
            }
            if ["truncated", "lying", "huge", "missing", "duplicate"]
                .iter()
                .any(|k| name.contains(k))
            {
                assert!(words.contains(": cannot be used ("), "{name}: {words}");
                assert!(colour_blocks(&out.bytes).is_empty(), "{name}");
            }
        }
    }
}

#[test]
fn a_hand_made_png_with_a_canonical_iccp_passes_the_verifier_and_nothing_else_does() {
    // Occlude's PNGs are untagged; the verifier still allows one iCCP equal to a canonical
    // profile (the issue's one addition to the allowlist), and nothing else.
    let out = run("png-untagged.png", "png_boxes", P, FILL);
    let b = boxes("png_boxes");
    let pb: Vec<occlude::PixelBox> = out.report.boxes.clone();
    assert_eq!(pb.len(), b.len());
    let chunk = |data: &[u8]| {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(b"iCCP");
        c.extend_from_slice(data);
        c.extend_from_slice(&crc32fast::hash(&c[4..]).to_be_bytes());
        c
    };
    let with = |data: &[u8]| {
        let mut f = out.bytes[..33].to_vec();
        f.extend(chunk(data));
        f.extend_from_slice(&out.bytes[33..]);
        f
    };
    let (w, h) = (out.report.width, out.report.height);
    let verify = |f: &[u8]| occlude::internals::verify::verify(f, P, w, h, &pb, FILL);
    let v = verify(&with(&iccp_payload(Space::AdobeRgb))).unwrap();
    assert_eq!(v.colour_profile.as_deref(), Some("Adobe RGB (1998)"));
    let mut hostile = iccp_payload(Space::AdobeRgb);
    let n = hostile.len();
    hostile[n - 30] ^= 0x40;
    assert!(verify(&with(&hostile)).is_err());
    let input = fixture("colour/png-hostile-private.png");
    let w_in = walk_png(&input).unwrap();
    let theirs = w_in.chunks.iter().find(|c| &c.kind == b"iCCP").unwrap();
    assert!(verify(&with(&input[theirs.data.clone()])).is_err());
}

// ---------------------------------------------------------------- seen colour-managed

/// What a case's output is held to, outside the boxes (dE76 as a colour-managed viewer sees it).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Limit {
    /// The issue's bar, end to end: mean ≤ 0.5 (lossless path) or ≤ 1.5 (pixel path), p95 ≤ 3.0.
    Issue,
    /// An sRGB or untagged input written as a JPEG from its pixels: as today (4:2:0, the bytes
    /// pinned by `srgb_and_untagged_jpegs_are_the_half_resolution_encoders` and
    /// `srgb_tagged_and_untagged_inputs_come_out_as_before`). Its numbers are printed: the
    /// thumbnail-sized fundus misses the bar by 4:2:0 alone (1.55 / 4.67), which the issue
    /// leaves as it is ("come out as today").
    AsToday,
}

/// The sRGB and untagged inputs whose JPEG is made from pixels.
const AS_TODAY: [&str; 4] = [
    "png-untagged.png",
    "png-srgb.png",
    "png-srgb-fullres.png",
    "jpeg-srgb-orient6-inexact.jpg",
];

fn limit(name: &str, format: OutputFormat) -> Limit {
    if format == J && AS_TODAY.contains(&name) {
        Limit::AsToday
    } else {
        Limit::Issue
    }
}

/// One output measured.
struct Measured {
    name: &'static str,
    format: OutputFormat,
    lossless: bool,
    limit: Limit,
    bytes: usize,
    result: serde_json::Value,
}

/// The colour oracle is LittleCMS through python3 with Pillow and numpy: missing, the test fails.
fn require_python() {
    let ok = Command::new("python3")
        .args(["-c", "import PIL, numpy"])
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        ok,
        "python3 with Pillow and numpy is the colour oracle: tools/setup --test installs them"
    );
}

/// A job for tools/colour_check.py: `output` against `input`, outside `out`'s boxes.
fn job(
    input: &std::path::Path,
    output: &std::path::Path,
    out: &Redaction,
    input_profile: Option<std::path::PathBuf>,
) -> serde_json::Value {
    // The boxes as burned (grown to the MCU grid on the lossless path).
    let grown: Vec<[u32; 4]> = out
        .report
        .boxes
        .iter()
        .map(|b| [b.x, b.y, b.width, b.height])
        .collect();
    let fill = out.report.fill;
    serde_json::json!({
        "input": input,
        "output": output,
        "boxes": grown,
        "margin": if out.report.output_format == J { 16 } else { 1 },
        "fill": format!("{:02x}{:02x}{:02x}", fill.r, fill.g, fill.b),
        "input_profile": input_profile,
    })
}

/// Every case's output measured by tools/colour_check.py, against its input.
fn measure_all() -> Vec<Measured> {
    let dir = std::env::temp_dir().join(format!("occlude-colour-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let profiles = common::fixture_path("colour/profiles");
    let mut jobs = Vec::new();
    let mut meta = Vec::new();
    for (i, case) in cases().iter().enumerate() {
        let out = check_case(case);
        let ext = out.report.output_format.extension();
        let path = dir.join(format!("{i}-{}.{ext}", case.name));
        std::fs::write(&path, &out.bytes).unwrap();
        let input = common::fixture_path(&format!("colour/{}", case.name));
        // LittleCMS reads no PNG gAMA/cHRM or cICP: the input is shown through the profile
        // that says the same.
        let input_profile = match case.name {
            "png-gama-chrm.png" => Some(profiles.join("adobe-rgb-v2.icc")),
            "png-p3-gama-chrm.png" => Some(profiles.join("p3-gamma22-v4.icc")),
            "png-cicp-p3.png" => Some(profiles.join("display-p3-v4.icc")),
            _ => None,
        };
        jobs.push(job(&input, &path, &out, input_profile));
        let limit = limit(case.name, case.format);
        meta.push((
            case.name,
            case.format,
            out.report.path,
            limit,
            out.bytes.len(),
        ));
    }
    let cases_json = dir.join("cases.json");
    std::fs::write(&cases_json, serde_json::to_vec(&jobs).unwrap()).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/colour_check.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(&cases_json)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "colour_check.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results = serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap();
    assert_eq!(results.len(), meta.len());
    let _ = std::fs::remove_dir_all(&dir);
    meta.into_iter()
        .zip(results)
        .map(|((name, format, path, limit, bytes), result)| Measured {
            name,
            format,
            lossless: path == Path::Lossless,
            limit,
            bytes,
            result,
        })
        .collect()
}

/// The issue's bar, end to end, for every fixture to its default output and to the other
/// format (tagged: P3 and Adobe RGB as JPEG plain, orientation 6, progressive, the thumbnail
/// whose turn is not exact, and PNG with iCCP, gAMA+cHRM, cICP): output against input as a
/// colour-managed viewer sees them, outside the boxes, and the boxes the fill colour as seen.
/// A tagged picture's JPEG made from pixels is 4:4:4 (see `chroma_for` in
/// src/pipeline/redact.rs); at 4:2:0 the PNG ones miss (mean 1.68–1.70, p95 3.30–5.03).
#[test]
fn outputs_look_like_their_inputs_in_a_colour_managed_viewer() {
    require_python();
    let all = measure_all();
    let f = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap_or(f64::NAN);
    let mut problems = Vec::new();
    for m in &all {
        let r = &m.result;
        let (mean, p95, max) = (f(r, "mean"), f(r, "p95"), f(r, "max"));
        let (box_mean, box_max) = (f(r, "box_mean"), f(r, "box_max"));
        eprintln!(
            "{:46} {:8} {:7} B, dE mean {mean:.2} p95 {p95:.2} max {max:4.1}; box vs fill mean {box_mean:.2} max {box_max:.2}{}",
            format!("{} → {:?}", m.name, m.format),
            if m.lossless { "lossless" } else { "pixels" },
            m.bytes,
            if m.limit == Limit::AsToday { " (as today)" } else { "" },
        );
        let mean_limit = if m.lossless { 0.5 } else { 1.5 };
        if m.limit == Limit::Issue && !(mean <= mean_limit && p95 <= 3.0) {
            problems.push(format!(
                "{} → {:?}: dE mean {mean:.2} p95 {p95:.2}, limits {mean_limit} / 3.0",
                m.name, m.format
            ));
        }
        // The boxes show the fill as seen: JPEG within its own quantisation, PNG exactly.
        let (bm, bx) = if m.format == J {
            (1.0, 2.0)
        } else {
            (0.6, 0.6)
        };
        if !(box_mean <= bm && box_max <= bx) {
            problems.push(format!(
                "{} → {:?}: the boxes are dE {box_mean:.2} (max {box_max:.2}) from the fill",
                m.name, m.format
            ));
        }
    }
    // Every tagged fixture of the issue is held to the bar, to both outputs.
    let held = |name: &str, format| {
        all.iter()
            .any(|m| m.name == name && m.format == format && m.limit == Limit::Issue)
    };
    for name in [
        "jpeg-p3.jpg",
        "jpeg-p3-orient6.jpg",
        "jpeg-p3-progressive.jpg",
        "jpeg-p3-orient6-inexact.jpg",
        "jpeg-adobe.jpg",
        "jpeg-adobe-orient6.jpg",
        "jpeg-adobe-progressive.jpg",
        "png-p3-iccp.png",
        "png-adobe-iccp.png",
        "png-gama-chrm.png",
        "png-p3-gama-chrm.png",
        "png-cicp-p3.png",
        "png-p3-iccp-fullres.png",
    ] {
        for format in [J, P] {
            assert!(
                held(name, format),
                "{name} → {format:?} is not held to the bar"
            );
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
