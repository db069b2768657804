//! The metadata inventory of each attack fixture in tests/fixtures/, cross-checked against
//! exiftool where it is installed, and survived on every prefix of every fixture.

mod common;

use common::{fixture_path, fixtures_dir};
use occlude::internals::inventory::inventory;
use occlude::internals::sniff::sniff;
use occlude::Inventory;
use std::process::Command;

fn inv(name: &str) -> Inventory {
    let bytes = std::fs::read(fixture_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let format = sniff(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    inventory(&bytes, format)
}

/// exiftool's `-j -G` record of a fixture, or `None` (with a message) when exiftool is absent.
fn exiftool(name: &str) -> Option<serde_json::Value> {
    let out = match Command::new("exiftool")
        .args(["-j", "-G"])
        .arg(fixture_path(name))
        .output()
    {
        Ok(o) => o,
        Err(e) => {
            eprintln!("SKIPPED exiftool cross-check for {name}: exiftool not runnable ({e})");
            return None;
        }
    };
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("exiftool JSON");
    Some(v.get(0).cloned().expect("one record"))
}

fn tool_str(v: &serde_json::Value, key: &str) -> String {
    match v.get(key) {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => panic!("exiftool gave no {key}: {v}"),
    }
}

#[test]
fn exif_full_jpeg() {
    let i = inv("jpeg-exif-full.jpg");
    assert!(i.notes.is_empty(), "{:?}", i.notes);
    let e = i.exif.as_ref().expect("EXIF");
    assert!(e.gps, "GPS");
    assert!(e.maker_note, "MakerNote");
    let t = e.thumbnail.as_ref().expect("thumbnail");
    assert!(
        t.bytes > 0 && t.width.is_some() && t.height.is_some(),
        "{t:?}"
    );
    for name in ["ImageDescription", "Artist", "BodySerialNumber"] {
        assert!(
            e.texts.iter().any(|t| t.name == name),
            "{name}: {:?}",
            e.texts
        );
    }
    let words = i.plain_words();
    assert!(words.iter().any(|w| w == "GPS location"), "{words:?}");
    assert!(words
        .iter()
        .any(|w| w.starts_with("camera make and model (")));
    assert!(words
        .iter()
        .any(|w| w.ends_with("thumbnail of the original")));
    assert!(words.iter().any(|w| w == "camera maker notes"));
    assert!(!i.is_clean());
    if let Some(x) = exiftool("jpeg-exif-full.jpg") {
        assert_eq!(e.make.as_deref(), Some(tool_str(&x, "EXIF:Make").as_str()));
        assert_eq!(
            e.model.as_deref(),
            Some(tool_str(&x, "EXIF:Model").as_str())
        );
        assert_eq!(t.bytes.to_string(), tool_str(&x, "EXIF:ThumbnailLength"));
        let original = e
            .dates
            .iter()
            .find(|d| d.name == "DateTimeOriginal")
            .expect("date");
        assert_eq!(original.value, tool_str(&x, "EXIF:DateTimeOriginal"));
        let desc = e
            .texts
            .iter()
            .find(|d| d.name == "ImageDescription")
            .expect("desc");
        assert_eq!(desc.value, tool_str(&x, "EXIF:ImageDescription"));
        assert!(x.get("EXIF:GPSLatitude").is_some());
    }
}

#[test]
fn orientation_fixtures() {
    for n in 1..=8u16 {
        let i = inv(&format!("orient-{n}.jpg"));
        assert_eq!(
            i.exif.as_ref().and_then(|e| e.orientation),
            Some(n),
            "orient-{n}"
        );
    }
    let i = inv("png-exif-orient-6.png");
    assert_eq!(i.exif.as_ref().and_then(|e| e.orientation), Some(6));
}

#[test]
fn xmp_iptc_icc_comment_jpeg() {
    let i = inv("jpeg-xmp.jpg");
    assert!(i.xmp_bytes.unwrap_or(0) > 100, "{i:?}");
    assert!(i
        .plain_words()
        .iter()
        .any(|w| w.starts_with("an XMP metadata packet (")));

    let i = inv("jpeg-iptc.jpg");
    assert!(i.iptc_bytes.unwrap_or(0) > 0, "{i:?}");
    assert!(i.plain_words().iter().any(|w| w == "IPTC / Photoshop data"));

    let i = inv("jpeg-icc.jpg");
    let icc = i.icc.as_ref().expect("ICC");
    if let Some(x) = exiftool("jpeg-icc.jpg") {
        let d = tool_str(&x, "ICC_Profile:ProfileDescription");
        assert_eq!(icc.description.as_deref(), Some(d.as_str()));
        // LittleCMS's built-in sRGB: recognised from its colours, and nothing of it is kept.
        assert_eq!(d, "sRGB built-in");
        assert!(i.plain_words().contains(
            &"colour profile sRGB: removed, as an untagged file already means sRGB".to_string()
        ));
    }

    let i = inv("jpeg-comment.jpg");
    let c = i.comments.as_ref().expect("COM");
    assert_eq!(c.count, 1);
    if let Some(x) = exiftool("jpeg-comment.jpg") {
        let text = tool_str(&x, "File:Comment");
        assert_eq!(c.first, text.chars().take(80).collect::<String>());
        assert_eq!(c.total_bytes, text.len() as u64);
    }
}

#[test]
fn png_text_and_icc() {
    let i = inv("png-text-chunks.png");
    assert!(i.notes.is_empty(), "{:?}", i.notes);
    let keywords: Vec<&str> = i.text_chunks.iter().map(|t| t.keyword.as_str()).collect();
    for k in ["Author", "Comment", "Description", "Title", "Patient"] {
        assert!(keywords.contains(&k), "{k} not in {keywords:?}");
    }
    assert!(i.png_time.is_some());
    assert!(i.exif.is_some());
    if let Some(x) = exiftool("png-text-chunks.png") {
        // exiftool shows tIME as "YYYY:MM:DD hh:mm:ss".
        let t = tool_str(&x, "PNG:ModifyDate");
        assert_eq!(
            i.png_time.as_deref().map(|s| s.replacen('-', ":", 2)),
            Some(t)
        );
        assert_eq!(
            i.exif.as_ref().and_then(|e| e.make.clone()),
            Some(tool_str(&x, "EXIF:Make"))
        );
    }

    let i = inv("png-icc.png");
    let icc = i.icc.as_ref().expect("iCCP");
    if let Some(x) = exiftool("png-icc.png") {
        let d = tool_str(&x, "ICC_Profile:ProfileDescription");
        assert_eq!(icc.description.as_deref(), Some(d.as_str()));
    }

    let i = inv("bomb-png-iccp-32mib.png");
    assert!(
        i.icc.is_some() && !i.notes.is_empty(),
        "inflating stops at the limit"
    );
}

#[test]
fn trailing_bytes_and_frames() {
    for name in ["jpeg-trailing.jpg", "png-trailing.png"] {
        let i = inv(name);
        assert_eq!(i.trailing_bytes, 2048, "{name}");
        assert!(i
            .plain_words()
            .contains(&"2 048 bytes hidden after the end of the image".to_string()));
    }
    let i = inv("gif-animated.gif");
    assert!(i.frames > 1);
    assert!(i
        .plain_words()
        .iter()
        .any(|w| w.ends_with("more animation frames")));
}

#[test]
fn plain_fixtures_are_clean() {
    for name in [
        "jpeg-baseline.jpg",
        "jpeg-gray.jpg",
        "png-rgb8.png",
        "png-palette.png",
        "gif-still.gif",
        "bmp-rgb.bmp",
        "webp-lossy.webp",
        "webp-lossless.webp",
        "tiff-rgb.tiff",
    ] {
        let i = inv(name);
        assert!(i.is_clean(), "{name}: {:?} {:?}", i.plain_words(), i.notes);
    }
}

/// Every prefix (step 3) of every image fixture: the inventory returns, whatever it finds.
#[test]
fn every_prefix_of_every_fixture() {
    let mut checked = 0;
    for entry in std::fs::read_dir(fixtures_dir()).expect("fixtures folder") {
        let path = entry.expect("entry").path();
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let Ok(format) = sniff(&bytes) else { continue };
        // Big bombs: their prefixes take long and add nothing beyond the first 256 KiB.
        let len = bytes.len().min(256 << 10);
        for n in (0..=len).step_by(3) {
            let i = inventory(&bytes[..n], format);
            let _ = i.plain_words();
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} fixtures found");
}

/// A phone photo's inventory, written out (as the page's tests used to feed the JS port of
/// `plain_words`, deleted now that `inspect()` sends the core's words with the inspection).
fn phone_inventory() -> Inventory {
    use occlude::{ExifSummary, IccSummary, NamedValue, Thumbnail};
    let named = |name: &str, value: &str| NamedValue {
        name: name.into(),
        value: value.into(),
    };
    Inventory {
        exif: Some(ExifSummary {
            bytes: 9000,
            tag_count: 42,
            gps: true,
            make: Some("Apple".into()),
            model: Some("iPhone 13".into()),
            dates: vec![
                named("DateTimeOriginal", "2024:03:01 10:12:00"),
                named("DateTime", "2024:03:01 10:12:00"),
            ],
            texts: vec![named("ImageDescription", "JANE DOE")],
            thumbnail: Some(Thumbnail {
                bytes: 5000,
                width: Some(160),
                height: Some(120),
            }),
            maker_note: true,
            orientation: Some(6),
        }),
        xmp_bytes: None,
        iptc_bytes: None,
        icc: Some(IccSummary {
            bytes: 548,
            description: Some("Display P3".into()),
        }),
        colour: Some(
            "colour profile Display P3: kept as a standard profile, no device data".into(),
        ),
        comments: None,
        app_segments: vec![
            "APP1 Exif".into(),
            "APP2 ICC_PROFILE".into(),
            "APP2 MPF".into(),
        ],
        text_chunks: Vec::new(),
        png_time: None,
        other_chunks: Vec::new(),
        trailing_bytes: 2300,
        frames: 1,
        hidden_under_transparent: None,
        notes: Vec::new(),
    }
}

/// The exact phrases and their order, which the page shows as they come (these assertions moved
/// here from tests/e2e/editor-words.test.mjs with the JS port they checked).
#[test]
fn plain_words_exactly() {
    let phone = phone_inventory();
    assert_eq!(
        phone.plain_words(),
        [
            "EXIF data (42 fields)",
            "GPS location",
            "camera make and model (Apple iPhone 13)",
            "a 160×120 thumbnail of the original",
            "dates and times (2024:03:01 10:12:00)",
            "text fields (a description)",
            "camera maker notes",
            "colour profile Display P3: kept as a standard profile, no device data",
            "other application data (APP2 MPF)",
            "2 300 bytes hidden after the end of the image",
        ]
    );
    // A profile the colour reader does not read (an ImageMagick raw-profile text chunk): named.
    let raw = Inventory {
        colour: None,
        ..phone.clone()
    };
    assert!(raw
        .plain_words()
        .contains(&"a colour profile (Display P3)".to_string()));
    let empty = Inventory {
        exif: None,
        icc: None,
        colour: None,
        app_segments: Vec::new(),
        trailing_bytes: 0,
        ..phone.clone()
    };
    assert!(empty.plain_words().is_empty(), "{:?}", empty.plain_words());
    let chunk = |kind: &str, keyword: &str| occlude::TextChunk {
        kind: kind.into(),
        keyword: keyword.into(),
    };
    let png = Inventory {
        text_chunks: vec![chunk("tEXt", "Comment"), chunk("iTXt", "XML:com.adobe.xmp")],
        png_time: Some("2024-01-01 00:00:00".into()),
        frames: 3,
        xmp_bytes: Some(2150),
        ..empty.clone()
    };
    assert_eq!(
        png.plain_words(),
        [
            "an XMP metadata packet (2.1 KB)",
            "1 text chunk (Comment)",
            "a timestamp chunk",
            "2 more animation frames",
        ]
    );
    let trailing = Inventory {
        trailing_bytes: 1_234_567,
        ..empty
    };
    assert_eq!(
        trailing.plain_words(),
        ["1 234 567 bytes hidden after the end of the image"]
    );
}
