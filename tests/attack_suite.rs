//! The attack suite: every known way a "redacted" image has leaked, one fixture each. Each is
//! redacted, then the output must pass the core's own verifier AND ExifTool (an independent
//! oracle) must list nothing but file-structure tags. ExifTool misses bytes after a JPEG EOI,
//! so trailing bytes are also checked with our own structure walk.

mod common;

use common::{exiftool_available, exiftool_extras, exiftool_extras_except, fixture};
use occlude::internals::container::{walk_jpeg, walk_png};
use occlude::{redact, Options, OutputFormat, Rect};

/// One fixture per leak vector (see tests/fixtures/README.md).
const VECTORS: &[&str] = &[
    "jpeg-exif-full.jpg",
    "jpeg-xmp.jpg",
    "jpeg-iptc.jpg",
    "jpeg-icc.jpg",
    "jpeg-comment.jpg",
    "jpeg-trailing.jpg",
    "jpeg-cmyk.jpg",
    "jpeg-progressive.jpg",
    "png-text-chunks.png",
    "png-icc.png",
    "png-trailing.png",
    "png-rgba-hidden.png",
    "png-rgb16.png",
    "png-palette-trns.png",
    "png-gray-alpha.png",
    "png-exif-orient-6.png",
    "gif-animated.gif",
    "webp-rgba-hidden.webp",
    "webp-lossy.webp",
    "tiff-rgb.tiff",
    "bmp-rgb.bmp",
    "orient-1.jpg",
    "orient-2.jpg",
    "orient-3.jpg",
    "orient-4.jpg",
    "orient-5.jpg",
    "orient-6.jpg",
    "orient-7.jpg",
    "orient-8.jpg",
];

#[test]
fn every_vector_is_removed() {
    assert!(
        exiftool_available(),
        "exiftool is the test oracle: install libimage-exiftool-perl (tools/setup --test does)"
    );
    for name in VECTORS {
        let input = fixture(name);
        for format in [OutputFormat::Png, OutputFormat::Jpeg] {
            let options = Options {
                format: Some(format),
                ..Options::default()
            };
            let boxes = [Rect::new(2.0, 2.0, 40.0, 40.0)];
            let r = redact(&input, &boxes, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
            let v = &r.report.verification;
            assert_eq!((v.metadata_blocks, v.trailing_bytes), (0, 0), "{name}");
            assert!(v.boxes_checked == 1, "{name}: box not checked");
            // Our own walk: nothing after the end marker (ExifTool misses it after a JPEG EOI).
            let end = match format {
                OutputFormat::Png => walk_png(&r.bytes).map(|w| w.end),
                OutputFormat::Jpeg => walk_jpeg(&r.bytes).map(|w| w.end),
            };
            assert_eq!(end, Ok(r.bytes.len()), "{name}: bytes after the end marker");
            let extras = exiftool_extras(&r.bytes, format.extension(), name);
            assert!(
                extras.is_empty(),
                "{name} → {format:?}: ExifTool found {extras:?}"
            );
        }
    }
}

#[test]
fn the_inputs_really_carry_what_they_claim() {
    // A suite that cannot fail proves nothing: ExifTool must see the metadata in the inputs.
    if !exiftool_available() {
        panic!("exiftool missing");
    }
    for name in [
        "jpeg-exif-full.jpg",
        "jpeg-xmp.jpg",
        "jpeg-iptc.jpg",
        "jpeg-icc.jpg",
        "jpeg-comment.jpg",
        "png-text-chunks.png",
    ] {
        let bytes = fixture(name);
        let ext = name.rsplit('.').next().unwrap();
        let extras = exiftool_extras(&bytes, ext, &format!("input-{name}"));
        assert!(
            !extras.is_empty(),
            "{name}: ExifTool sees no metadata in the input"
        );
    }
    for (name, walk) in [("jpeg-trailing.jpg", 0), ("png-trailing.png", 1)] {
        let bytes = fixture(name);
        let end = if walk == 0 {
            walk_jpeg(&bytes).unwrap().end
        } else {
            walk_png(&bytes).unwrap().end
        };
        assert!(end < bytes.len(), "{name}: no trailing bytes in the input");
    }
}

/// Colour profiles that try to smuggle text (tests/fixtures/colour/, written by
/// tools/make_colour_fixtures.py): a 19 KB `desc` of the patient's name, a `dmdd` device
/// description and a `dmnd` clinic, a private tag with a referral letter, a PNG iCCP named after
/// the patient; and broken ones.
const HOSTILE_PROFILES: &[&str] = &[
    "colour/jpeg-hostile-longdesc.jpg",
    "colour/jpeg-hostile-dmdd.jpg",
    "colour/jpeg-hostile-private.jpg",
    "colour/jpeg-hostile-fake-p3.jpg",
    "colour/jpeg-hostile-truncated.jpg",
    "colour/jpeg-hostile-lying-table.jpg",
    "colour/jpeg-hostile-huge-count.jpg",
    "colour/jpeg-hostile-missing-segment.jpg",
    "colour/jpeg-hostile-duplicate-segment.jpg",
    "colour/png-hostile-private.png",
];

/// The ICC fields an output may show (those of Occlude's canonical profiles: no CMM, platform,
/// device, manufacturer or creator, the name and an empty copyright as the only text).
fn icc_field_allowed(key: &str, value: &serde_json::Value) -> bool {
    let names = [
        "Display P3",
        "Adobe RGB (1998)",
        "ProPhoto RGB",
        "Rec. 2020",
        "Gray Gamma 2.2",
    ];
    let empty = value.as_str() == Some("");
    match key {
        "ICC_Profile:ProfileDescription" => names.iter().any(|n| value.as_str() == Some(n)),
        "ICC_Profile:ProfileCopyright"
        | "ICC-header:ProfileCMMType"
        | "ICC-header:DeviceManufacturer"
        | "ICC-header:DeviceModel"
        | "ICC-header:ProfileCreator" => empty,
        "ICC-header:PrimaryPlatform" => value.as_str() == Some("Unknown ()"),
        "ICC-header:ProfileDateTime" => value.as_str() == Some("2025:01:01 00:00:00"),
        "ICC-header:ProfileID" => value.as_i64() == Some(0),
        k => [
            "ICC-header:ProfileVersion",
            "ICC-header:ProfileClass",
            "ICC-header:ColorSpaceData",
            "ICC-header:ProfileConnectionSpace",
            "ICC-header:ProfileFileSignature",
            "ICC-header:CMMFlags",
            "ICC-header:DeviceAttributes",
            "ICC-header:RenderingIntent",
            "ICC-header:ConnectionSpaceIlluminant",
            "ICC_Profile:MediaWhitePoint",
            "ICC_Profile:ChromaticAdaptation",
            "ICC_Profile:RedMatrixColumn",
            "ICC_Profile:GreenMatrixColumn",
            "ICC_Profile:BlueMatrixColumn",
            "ICC_Profile:RedTRC",
            "ICC_Profile:GreenTRC",
            "ICC_Profile:BlueTRC",
            "ICC_Profile:GrayTRC",
        ]
        .contains(&k),
    }
}

#[test]
fn hostile_colour_profiles_leave_only_the_canonical_name() {
    assert!(exiftool_available(), "exiftool is the test oracle");
    let mut kept = 0;
    for name in HOSTILE_PROFILES {
        let input = fixture(name);
        // ExifTool sees the smuggled text in the input (the suite can fail).
        let ext = name.rsplit('.').next().unwrap();
        let tag = name.replace('/', "-");
        let seen = exiftool_extras(&input, ext, &format!("input-{tag}"));
        assert!(
            seen.iter().any(|e| e.contains("ICC")),
            "{name}: ExifTool sees no profile in the input: {seen:?}"
        );
        for format in [OutputFormat::Jpeg, OutputFormat::Png] {
            let options = Options {
                format: Some(format),
                ..Options::default()
            };
            let boxes = [Rect::new(4.0, 4.0, 40.0, 20.0)];
            let r = redact(&input, &boxes, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
            kept += usize::from(r.report.verification.colour_profile.is_some());
            let dir = std::env::temp_dir().join(format!("occlude-attack-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(format!("out-{tag}.{}", format.extension()));
            std::fs::write(&path, &r.bytes).unwrap();
            let extras = exiftool_extras_except(&path, icc_field_allowed);
            assert!(
                extras.is_empty(),
                "{name} → {format:?}: ExifTool found {extras:?}"
            );
        }
    }
    // The standard-space ones (long desc, dmdd, private tag) kept Display P3 as JPEG.
    assert_eq!(kept, 3, "outputs that kept a canonical profile");
}
