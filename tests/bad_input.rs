//! Hostile input, in the spirit of image-rs `tests/truncate_images.rs` and `bad_images.rs`:
//! truncated and damaged copies of every fixture, decompression-bomb headers, and files that
//! are not images. `redact` must answer with an error (or, for a prefix that is still a
//! decodable image, a redaction) and must never panic, hang or allocate for a claimed size.

mod common;

use common::{fixture, fixtures_dir};
use occlude::{redact, Error, Options, Rect};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

// ---------------------------------------------------------------- allocation watch

/// Tracks the largest single allocation made by the current thread, so a bomb test can prove
/// that nothing was allocated for the claimed size (tests run on parallel threads).
struct Watch;

thread_local! {
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Watch {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        note(l.size());
        System.alloc(l)
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        note(l.size());
        System.alloc_zeroed(l)
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        note(new);
        System.realloc(p, l, new)
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        System.dealloc(p, l)
    }
}

fn note(size: usize) {
    // `try_with`: the slot may already be gone while a thread shuts down.
    let _ = LARGEST.try_with(|m| m.set(m.get().max(size)));
}

#[global_allocator]
static ALLOC: Watch = Watch;

/// Runs `f` and returns its value with the largest single allocation it made on this thread.
fn largest_alloc<T>(f: impl FnOnce() -> T) -> (T, usize) {
    LARGEST.with(|m| m.set(0));
    let v = f();
    (v, LARGEST.with(Cell::get))
}

// ---------------------------------------------------------------- helpers

/// Every top-level fixture file (README excluded), sorted.
fn all_fixtures() -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures (run python3 tools/make_fixtures.py)")
        .map(|e| e.unwrap())
        // Top-level files only: sub-folders hold other suites' fixtures.
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().into_string().unwrap())
        .filter(|n| n != "README.md")
        .map(|n| {
            let b = fixture(&n);
            (n, b)
        })
        .collect();
    v.sort();
    assert!(v.len() >= 40, "only {} fixtures found", v.len());
    v
}

fn boxes() -> [Rect; 1] {
    [Rect::new(0.0, 0.0, 8.0, 8.0)]
}

/// The errors that damaged input may legitimately produce.
fn is_input_error(e: &Error) -> bool {
    matches!(
        e,
        Error::Empty
            | Error::Unsupported { .. }
            | Error::UnsupportedVariant { .. }
            | Error::Truncated { .. }
            | Error::Corrupt { .. }
            | Error::TooLarge { .. }
    )
}

/// Redacts `input`, turning a panic into a description. `Ok(Ok(_))` is a redaction,
/// `Ok(Err(e))` an orderly error.
fn try_redact(input: &[u8]) -> Result<occlude::Result<occlude::Redaction>, String> {
    catch_unwind(AssertUnwindSafe(|| {
        redact(input, &boxes(), &Options::default())
    }))
    .map_err(|p| {
        p.downcast_ref::<String>()
            .cloned()
            .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "non-string panic".into())
    })
}

/// Feeds `variants` of a fixture to `redact`; collects panics and unexpected error kinds.
fn check_variants(
    name: &str,
    variants: impl Iterator<Item = (String, Vec<u8>)>,
    problems: &mut Vec<String>,
) -> usize {
    let mut n = 0;
    for (label, input) in variants {
        n += 1;
        match try_redact(&input) {
            Err(panic) => problems.push(format!("{name} {label}: PANIC {panic}")),
            Ok(Err(e)) if !is_input_error(&e) => {
                problems.push(format!("{name} {label}: unexpected error kind {e:?}"))
            }
            Ok(Err(e)) if e.to_string().is_empty() => {
                problems.push(format!("{name} {label}: empty message"))
            }
            Ok(Ok(r)) => {
                // A decodable prefix: the output still must be a clean, whole image.
                if image::load_from_memory(&r.bytes).is_err() {
                    problems.push(format!("{name} {label}: output does not decode"));
                }
            }
            Ok(Err(_)) => {}
        }
    }
    n
}

fn report(problems: Vec<String>) {
    if !problems.is_empty() {
        panic!(
            "{} problem(s):\n{}",
            problems.len(),
            problems
                .iter()
                .take(60)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

// ---------------------------------------------------------------- truncation / damage

#[test]
fn every_truncated_prefix_is_an_error_or_an_image_never_a_panic() {
    // Keep the default hook from printing every caught panic; the report names them all.
    let started = Instant::now();
    let mut problems = vec![];
    let mut total = 0;
    for (name, bytes) in all_fixtures() {
        let len = bytes.len();
        // Every truncation: each prefix from 0 to len - 1 bytes.
        total += check_variants(
            &name,
            (0..len).map(|n| (format!("cut to {n} bytes"), bytes[..n].to_vec())),
            &mut problems,
        );
    }
    eprintln!("{total} prefixes in {:?}", started.elapsed());
    report(problems);
}

#[test]
fn damaged_bytes_are_an_error_or_an_image_never_a_panic() {
    // Flip single bytes (every 11th position, three different damages) in each image fixture.
    let started = Instant::now();
    let mut problems = vec![];
    let mut total = 0;
    for (name, bytes) in all_fixtures() {
        // The iCCP bomb inflates 32 MiB per copy (see its own tests): too slow to damage 9 000 ways.
        if bytes.is_empty() || name.starts_with("not-image") || name.contains("iccp") {
            continue;
        }
        let variants = (0..bytes.len()).step_by(11).flat_map(|i| {
            let bytes = bytes.clone();
            [0xFFu8, 0x00, 0x80].into_iter().map(move |v| {
                let mut b = bytes.clone();
                b[i] = if v == 0xFF { !b[i] } else { v };
                (format!("byte {i} set to {:#04x}", b[i]), b)
            })
        });
        total += check_variants(&name, variants, &mut problems);
    }
    eprintln!("{total} damaged copies in {:?}", started.elapsed());
    report(problems);
}

// ---------------------------------------------------------------- bombs

/// Bomb fixtures and the size each one claims.
const BOMBS: &[(&str, u64, u64)] = &[
    ("bomb-png-100000.png", 100_000, 100_000),
    ("bomb-png-20000.png", 20_000, 20_000),
    ("bomb-gif-65535.gif", 65_535, 65_535),
    ("bomb-bmp-100000.bmp", 100_000, 100_000),
    ("bomb-bmp-30000.bmp", 30_000, 30_000),
    ("bomb-tiff-100000.tiff", 100_000, 100_000),
    ("bomb-webp-vp8x-16383.webp", 16_383, 16_383),
    ("bomb-webp-vp8l-16383.webp", 16_383, 16_383),
    ("bomb-jpeg-65500.jpg", 65_500, 65_500),
];

#[test]
fn bombs_are_too_large_and_refused_without_allocating() {
    let mut problems = vec![];
    for &(name, _, _) in BOMBS {
        let input = fixture(name);
        assert!(input.len() < 1024, "{name} should be a few hundred bytes");
        // No wall-clock bound (the machines are shared): the largest single allocation shows
        // that nothing was decoded before the refusal.
        let (result, largest) = largest_alloc(|| try_redact(&input));
        match result {
            Err(p) => problems.push(format!("{name}: panicked: {p}")),
            Ok(Err(e @ Error::TooLarge { .. })) => {
                let msg = e.to_string();
                if !msg.contains("too large") {
                    problems.push(format!("{name}: message {msg:?}"));
                }
            }
            Ok(other) => problems.push(format!(
                "{name}: expected TooLarge, got {:?}",
                other.map(|r| r.report)
            )),
        }
        if largest >= 16 << 20 {
            problems.push(format!("{name}: allocated {} MiB at once", largest >> 20));
        }
    }
    report(problems);
}

#[test]
fn too_large_names_the_claimed_size() {
    let mut problems = vec![];
    for &(name, w, h) in BOMBS {
        match redact(&fixture(name), &boxes(), &Options::default()) {
            Err(Error::TooLarge { width, height, .. }) if (width, height) == (w, h) => {}
            other => problems.push(format!("{name}: claims {w} × {h}, got {other:?}")),
        }
    }
    report(problems);
}

#[test]
fn huge_but_allowed_header_with_garbage_data_fails_in_order() {
    // 8000 × 8000 = exactly the 64 MP limit: allowed to try, must then fail on its garbage.
    let input = fixture("bomb-webp-vp8x-8000.webp");
    let result = try_redact(&input).unwrap_or_else(|p| panic!("panicked: {p}"));
    match result {
        Err(e) => assert!(is_input_error(&e), "{e:?}"),
        Ok(r) => panic!("garbage decoded as {:?}", r.report),
    }
}

// ---------------------------------------------------------------- not images

#[test]
fn empty_input_is_empty() {
    let empty = fixture("empty.jpg");
    assert!(empty.is_empty());
    assert_eq!(
        redact(&empty, &boxes(), &Options::default()).unwrap_err(),
        Error::Empty
    );
    assert_eq!(occlude::inspect(&empty).unwrap_err(), Error::Empty);
    assert_eq!(
        redact(&empty, &boxes(), &Options::default())
            .unwrap_err()
            .to_string(),
        "the file is empty (0 bytes)"
    );
}

#[test]
fn non_images_are_unsupported_and_named() {
    for (name, found) in [
        ("not-image-text.jpg", "text file"),
        ("not-image.pdf", "PDF"),
        (
            "not-image-random.bin",
            "unknown data starting with bytes 00 9f 13 80",
        ),
    ] {
        let input = fixture(name);
        let e = redact(&input, &boxes(), &Options::default()).unwrap_err();
        match &e {
            Error::Unsupported { found: f } => assert!(f.contains(found), "{name}: {f}"),
            other => panic!("{name}: expected Unsupported, got {other:?}"),
        }
        let msg = e.to_string();
        assert!(
            msg.contains(found) && msg.contains("not a supported image"),
            "{name}: {msg}"
        );
        assert!(matches!(
            occlude::inspect(&input),
            Err(Error::Unsupported { .. })
        ));
    }
}

#[test]
fn tiny_inputs_never_panic() {
    // Every signature cut short, plus lone bytes.
    let sigs: &[&[u8]] = &[
        b"\xFF\xD8\xFF",
        b"\xFF\xD8\xFF\xE0",
        b"\x89PNG\r\n\x1a\n",
        b"RIFF\0\0\0\0WEBP",
        b"RIFF\xff\xff\xff\xffWEBPVP8X",
        b"GIF89a",
        b"GIF87a\x01\x00\x01\x00",
        b"BM\0\0\0\0\0\0\0\0\0\0\0\0",
        b"II*\0",
        b"MM\0*\0\0\0\x08",
        b"\xFF\xD8",
        b"\0",
    ];
    let mut problems = vec![];
    for sig in sigs {
        let variants = (0..=sig.len()).map(|n| (format!("{n} bytes"), sig[..n].to_vec()));
        check_variants(
            &format!("{:?}", String::from_utf8_lossy(sig)),
            variants,
            &mut problems,
        );
    }
    report(problems);
}

// ---------------------------------------------------------------- metadata bombs

#[test]
fn png_iccp_zlib_bomb_is_not_inflated_by_redact() {
    // 33 KB file, 96 × 64 pixels; its iCCP profile inflates to 32 MiB. The profile is thrown
    // away anyway, so nothing near that size should be allocated.
    let input = fixture("bomb-png-iccp-32mib.png");
    let (result, largest) = largest_alloc(|| try_redact(&input));
    let result = result.unwrap_or_else(|p| panic!("panicked: {p}"));
    assert!(
        matches!(result, Ok(_) | Err(Error::TooLarge { .. })),
        "{:?}",
        result.map(|r| r.report)
    );
    assert!(
        largest < 16 << 20,
        "redact allocated {} MiB at once",
        largest >> 20
    );
}

#[test]
fn png_iccp_zlib_bomb_is_not_inflated_by_inspect() {
    let input = fixture("bomb-png-iccp-32mib.png");
    let (result, largest) = largest_alloc(|| {
        catch_unwind(AssertUnwindSafe(|| occlude::inspect(&input))).map(|r| r.map(|i| i.width))
    });
    assert!(result.is_ok(), "inspect panicked");
    assert!(
        largest < 16 << 20,
        "inspect allocated {} MiB at once",
        largest >> 20
    );
}

#[test]
fn inspect_never_panics_on_prefixes() {
    let mut problems = vec![];
    for (name, bytes) in all_fixtures() {
        for n in (0..bytes.len())
            .step_by(7)
            .chain([bytes.len().saturating_sub(1)])
        {
            match catch_unwind(AssertUnwindSafe(|| occlude::inspect(&bytes[..n]))) {
                Err(_) => problems.push(format!("{name} cut to {n}: inspect panicked")),
                Ok(Err(e)) if !is_input_error(&e) => {
                    problems.push(format!("{name} cut to {n}: unexpected {e:?}"))
                }
                _ => {}
            }
        }
    }
    report(problems);
}

/// Inputs the fuzzer kept (tests/fixtures/fuzz/: slow units and any crashers, fixed), replayed
/// through the same harness as the fuzz target. Each must finish without a panic (a hang
/// would stall the suite, which CI's own time limit catches).
#[test]
fn fuzz_regressions_replay_cleanly() {
    let dir = fixtures_dir().join("fuzz");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("tests/fixtures/fuzz") {
        let path = entry.unwrap().path();
        let data = std::fs::read(&path).unwrap();
        let r = catch_unwind(AssertUnwindSafe(|| occlude::internals::fuzzing::run(&data)));
        assert!(r.is_ok(), "{} panicked", path.display());
        n += 1;
    }
    assert!(n > 0, "no fuzz regressions found in {}", dir.display());
}

/// A JPEG cut before its end-of-image marker is refused as truncated, not decoded with a grey
/// bottom half (the decoder alone would accept it).
#[test]
fn cut_short_jpeg_is_refused_as_truncated() {
    let photo = fixture("jpeg-photo.jpg");
    for cut in [photo.len() / 2, photo.len() - 2, photo.len() - 1] {
        match redact(&photo[..cut], &boxes(), &Options::default()) {
            Err(Error::Truncated { format: "JPEG" }) => {}
            other => panic!("jpeg-photo.jpg cut at {cut}: {other:?}"),
        }
    }
    assert!(redact(&photo, &boxes(), &Options::default()).is_ok());
}
