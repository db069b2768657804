//! What the integration tests share: where the fixtures are and how to read them, the picture
//! the pixel path sees, and a minimal EXIF orientation block. Each test file that needs them
//! says `mod common;`.

// Every test binary compiles this module and uses only part of it.
#![allow(dead_code)]

use occlude::Rgb;
use std::path::{Path, PathBuf};

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
