//! What the integration tests share: where the fixtures are and how to read them, the picture
//! the pixel path sees, a minimal EXIF orientation block, and ExifTool as the independent
//! oracle of what an export carries (the attack suite's allowlist), and the template cases
//! shared with the page. Each test file that needs them
//! says `mod common;`.

// Every test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use occlude::Rgb;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The committed fixtures (regenerate them with `python3 tools/make_fixtures.py`).
pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The path of fixture `name` (which may name a sub-folder, e.g. `lossless/q100-444.jpg`).
pub fn fixture_path(name: &str) -> PathBuf {
    fixtures_dir().join(name)
}

/// The bytes of fixture `name`.
pub fn fixture(name: &str) -> Vec<u8> {
    let p = fixture_path(name);
    std::fs::read(&p)
        .unwrap_or_else(|e| panic!("{}: {e} (run python3 tools/make_fixtures.py)", p.display()))
}

/// The picture as the pixel path sees it: decoded, flattened onto white, oriented.
pub fn seen(bytes: &[u8]) -> image::RgbImage {
    occlude::internals::decode::decode(bytes, Rgb::WHITE)
        .unwrap()
        .image
}

/// A minimal big-endian EXIF (TIFF) block with one Orientation tag.
pub fn exif_orientation_block(o: u8) -> Vec<u8> {
    let mut t = b"MM\0\x2a\0\0\0\x08".to_vec();
    t.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, o, 0, 0, 0, 0, 0, 0]);
    t
}

/// The only tags ExifTool may report for an Occlude export (`-j -a -G1` keys). Everything
/// here describes the file's structure; none of it comes from the input's metadata.
pub const EXIFTOOL_ALLOWLIST: &[&str] = &[
    "SourceFile",
    "ExifTool:ExifToolVersion",
    "System:FileName",
    "System:Directory",
    "System:FileSize",
    "System:FileModifyDate",
    "System:FileAccessDate",
    "System:FileInodeChangeDate",
    "System:FilePermissions",
    "File:FileType",
    "File:FileTypeExtension",
    "File:MIMEType",
    "File:ImageWidth",
    "File:ImageHeight",
    "File:EncodingProcess",
    "File:BitsPerSample",
    "File:ColorComponents",
    "File:YCbCrSubSampling",
    "JFIF:JFIFVersion",
    "JFIF:ResolutionUnit",
    "JFIF:XResolution",
    "JFIF:YResolution",
    "PNG:ImageWidth",
    "PNG:ImageHeight",
    "PNG:BitDepth",
    "PNG:ColorType",
    "PNG:Compression",
    "PNG:Filter",
    "PNG:Interlace",
    "Composite:ImageSize",
    "Composite:Megapixels",
];

pub fn exiftool_available() -> bool {
    Command::new("exiftool")
        .arg("-ver")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Runs ExifTool on `bytes` and returns every key it reports outside the allowlist.
pub fn exiftool_extras(bytes: &[u8], ext: &str, tag: &str) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("occlude-attack-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{tag}.{ext}"));
    std::fs::write(&path, bytes).unwrap();
    exiftool_extras_of(&path)
}

/// Runs ExifTool on the file at `path` and returns every key it reports outside the allowlist.
pub fn exiftool_extras_of(path: &Path) -> Vec<String> {
    let out = Command::new("exiftool")
        .args(["-j", "-a", "-G1"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "exiftool failed on {}",
        path.display()
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let obj = v[0].as_object().expect("exiftool JSON object");
    obj.iter()
        .filter(|(k, _)| !EXIFTOOL_ALLOWLIST.contains(&k.as_str()))
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

/// The conformance cases for template files (`tests/fixtures/templates/cases.json`, shared
/// with the page's `www/js/template.js`).
pub fn template_cases() -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_slice(&fixture("templates/cases.json")).expect("cases.json is JSON");
    v["cases"].as_array().expect("a list of cases").clone()
}

/// The file text of a template case: `text` as is, or `json` written out after `repeatBox`
/// (the template's boxes) or `repeatTemplate` (the list) fill it in.
pub fn template_case_text(case: &serde_json::Value) -> String {
    if let Some(t) = case["text"].as_str() {
        return t.to_string();
    }
    let repeat = |r: &serde_json::Value, what: &str| {
        let n = r["count"].as_u64().expect("a count") as usize;
        serde_json::Value::Array(vec![r[what].clone(); n])
    };
    let mut json = case["json"].clone();
    if let Some(r) = case.get("repeatBox") {
        json["boxes"] = repeat(r, "box");
    }
    if let Some(r) = case.get("repeatTemplate") {
        json = repeat(r, "template");
    }
    serde_json::to_string(&json).expect("write JSON")
}
