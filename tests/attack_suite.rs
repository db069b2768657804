//! The attack suite: every known way a "redacted" image has leaked, one fixture each. Each is
//! redacted, then the output must pass the core's own verifier AND ExifTool (an independent
//! oracle) must list nothing but file-structure tags. ExifTool misses bytes after a JPEG EOI,
//! so trailing bytes are also checked with our own structure walk.

mod common;

use common::{exiftool_available, exiftool_extras, fixture};
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
