//! `occlude redact IN1 IN2 … --out-dir DIR [--template T.json] [--box …]`: one verified file
//! per input named by its place (`redacted-N.<ext>`), the template fitted to each image, a line
//! per input on stdout, `error: INPUT: why` on stderr for each failure (nothing written for
//! it, the rest go on), exit status 1 if any failed; and every template file of the shared
//! conformance cases refused or accepted by the CLI exactly as by the core and the page.

#[path = "common/cli.rs"]
mod cli_common;
mod common;

use cli_common::occlude;
use common::{
    exiftool_available, exiftool_extras_of, fixture, fixture_path, seen, template_case_text,
    template_cases,
};
use occlude::internals::burn::resolve;
use occlude::internals::container::{walk_jpeg, walk_png};
use occlude::internals::verify::verify;
use occlude::{OutputFormat, Rect, Rgb};
use std::path::{Path, PathBuf};

fn tmpdir(name: &str) -> PathBuf {
    cli_common::tmpdir("batch", name)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn lines(bytes: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(str::to_string)
        .collect()
}

/// The files in `dir`, sorted by name.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Copies fixture `name` into `dir` under a name that identifies a patient.
fn input(dir: &Path, fixture_name: &str, as_name: &str) -> PathBuf {
    let p = dir.join(as_name);
    std::fs::copy(fixture_path(fixture_name), &p).unwrap();
    p
}

const MAGENTA: Rgb = Rgb {
    r: 255,
    g: 0,
    b: 255,
};

/// A template for 384 × 256 images (3:2, as the 96 × 64 fixtures): at a quarter of its size
/// its box 3..173 × 11..179 is 0.75..43.25 × 2.75..44.75, rounded outwards to 0..44 × 2..45
/// (rounding to the nearest would give 1..43 × 3..45).
const TEMPLATE: &str = r##"{"version": 1, "name": "Device report", "size": [384, 256],
    "boxes": [{"x": 3, "y": 11, "width": 170, "height": 168}], "fill": "#FF00FF"}"##;

#[test]
fn a_batch_writes_one_verified_file_per_input_and_reports_each_failure() {
    let d = tmpdir("contract");
    let ins = d.join("in");
    let out = d.join("out");
    std::fs::create_dir_all(&ins).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let template = d.join("device.json");
    std::fs::write(&template, TEMPLATE).unwrap();
    let jpeg = input(&ins, "jpeg-photo.jpg", "Jane Doe 1970-01-01.jpg");
    let bad = input(&ins, "not-image-text.jpg", "letter.jpg");
    let png = input(&ins, "png-photo.png", "Jane Doe scan.png");
    let square = ins.join("square.png");
    image::RgbImage::from_pixel(80, 80, image::Rgb([90, 90, 90]))
        .save(&square)
        .unwrap();
    let rotated = input(&ins, "orient-6.jpg", "Jane Doe phone.jpg");
    let inputs = [&jpeg, &bad, &png, &square, &rotated];
    let before: Vec<Vec<u8>> = inputs.iter().map(|p| std::fs::read(p).unwrap()).collect();

    let mut args = vec!["redact"];
    args.extend(inputs.iter().map(|p| s(p)));
    args.extend([
        "--out-dir",
        s(&out),
        "--template",
        s(&template),
        "--box",
        "60,30,20,20",
    ]);
    let o = occlude(&args);
    let (stdout, stderr) = (lines(&o.stdout), lines(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "some inputs failed: {stderr:?}");

    // Outputs named by the input's place, nothing for the failures, no temporary files left.
    assert_eq!(
        listing(&out),
        ["redacted-1.jpg", "redacted-3.png", "redacted-5.jpg"]
    );
    let expected = [
        (&jpeg, out.join("redacted-1.jpg"), OutputFormat::Jpeg),
        (&png, out.join("redacted-3.png"), OutputFormat::Png),
        (&rotated, out.join("redacted-5.jpg"), OutputFormat::Jpeg),
    ];
    // One line per written file, in input order, saying which input became which file.
    assert_eq!(stdout.len(), 3, "{stdout:?}");
    for (line, (from, to, _)) in stdout.iter().zip(&expected) {
        let head = format!("{} -> {} (", from.display(), to.display());
        assert!(line.starts_with(&head), "{line:?} does not start {head:?}");
        assert!(
            line.contains(r#"template "Device report", 2 boxes burned into 96×64"#),
            "{line}"
        );
        assert!(
            line.ends_with("; verified: 2 boxes filled, 0 metadata blocks, 0 trailing bytes)"),
            "{line}"
        );
    }
    assert!(stdout[2].contains("orientation 6 applied"), "{}", stdout[2]);
    // One line per failure, naming the input and why.
    assert_eq!(stderr.len(), 2, "{stderr:?}");
    assert!(
        stderr[0].starts_with(&format!("error: {}: not a supported image", bad.display())),
        "{}",
        stderr[0]
    );
    assert_eq!(
        stderr[1],
        format!(
            "error: {}: the template \"Device report\" is for 384 × 256 images; this image is 80 × 80, another shape",
            square.display()
        )
    );

    // Every output checked again from its own bytes: the verifier with the boxes as fitted
    // (the template's, rounded outwards, and the --box), the structure walk, and ExifTool.
    let boxes = resolve(
        &[
            Rect::new(60.0, 30.0, 20.0, 20.0),
            Rect::new(0.0, 2.0, 44.0, 43.0),
        ],
        96,
        64,
    )
    .unwrap();
    assert!(exiftool_available(), "exiftool is the test oracle");
    for (_, path, format) in &expected {
        let bytes = std::fs::read(path).unwrap();
        let v = verify(&bytes, *format, 96, 64, &boxes, MAGENTA)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!((v.metadata_blocks, v.trailing_bytes), (0, 0));
        let end = match format {
            OutputFormat::Png => walk_png(&bytes).map(|w| w.end),
            OutputFormat::Jpeg => walk_jpeg(&bytes).map(|w| w.end),
        };
        assert_eq!(end, Ok(bytes.len()), "{}", path.display());
        let extras = exiftool_extras_of(path);
        assert!(
            extras.is_empty(),
            "{}: ExifTool found {extras:?}",
            path.display()
        );
    }
    // The PNG shows the rounding to the pixel: 0..44 × 2..45 is magenta, the next pixel out
    // on each side is the input's.
    let original = seen(&fixture("png-photo.png"));
    let made = image::open(out.join("redacted-3.png")).unwrap().to_rgb8();
    let magenta = [255, 0, 255];
    for (x, y) in [(0, 2), (43, 2), (0, 44), (43, 44), (60, 30), (79, 49)] {
        assert_eq!(made.get_pixel(x, y).0, magenta, "({x}, {y}) inside");
    }
    for (x, y) in [(44, 2), (44, 44), (5, 1), (5, 45), (59, 30), (80, 49)] {
        assert_eq!(
            made.get_pixel(x, y),
            original.get_pixel(x, y),
            "({x}, {y}) outside"
        );
    }
    // The inputs are as they were.
    for (p, b) in inputs.iter().zip(&before) {
        assert_eq!(&std::fs::read(p).unwrap(), b, "{} changed", p.display());
    }
}

#[test]
fn nothing_is_written_over() {
    let d = tmpdir("noclobber");
    let a = input(&d, "png-rgb8.png", "a.png");
    // An earlier run's output, and an input that lives in the out dir under an output's name.
    let earlier = d.join("redacted-1.png");
    std::fs::write(&earlier, b"an earlier export").unwrap();
    let b = input(&d, "png-rgb8.png", "redacted-2.png");
    let b_before = std::fs::read(&b).unwrap();
    let c = input(&d, "png-rgb8.png", "c.png");
    let o = occlude(&[
        "redact",
        s(&a),
        s(&b),
        s(&c),
        "--out-dir",
        s(&d),
        "--box",
        "0,0,10,10",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = lines(&o.stderr);
    assert_eq!(
        stderr,
        [
            format!(
                "error: {}: {} already exists; Occlude never writes over a file (move it away or use another --out-dir)",
                a.display(),
                earlier.display()
            ),
            format!(
                "error: {}: {} already exists; Occlude never writes over a file (move it away or use another --out-dir)",
                b.display(),
                b.display()
            ),
        ]
    );
    assert_eq!(std::fs::read(&earlier).unwrap(), b"an earlier export");
    assert_eq!(std::fs::read(&b).unwrap(), b_before);
    assert_eq!(
        lines(&o.stdout),
        [format!(
            "{} -> {} (1 box burned into 96×64 PNG → PNG, {} bytes, no metadata; verified: 1 box filled, 0 metadata blocks, 0 trailing bytes)",
            c.display(),
            d.join("redacted-3.png").display(),
            std::fs::metadata(d.join("redacted-3.png")).unwrap().len()
        )]
    );
    assert_eq!(
        listing(&d),
        [
            "a.png",
            "c.png",
            "redacted-1.png",
            "redacted-2.png",
            "redacted-3.png"
        ]
    );
}

#[test]
fn a_batch_without_boxes_fails_each_input_and_writes_nothing() {
    let d = tmpdir("noboxes");
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let a = input(&d, "png-rgb8.png", "a.png");
    let b = input(&d, "jpeg-baseline.jpg", "b.jpg");
    let o = occlude(&["redact", s(&a), s(&b), "--out-dir", s(&out)]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = lines(&o.stderr);
    assert_eq!(stderr.len(), 2, "{stderr:?}");
    for (line, p) in stderr.iter().zip([&a, &b]) {
        assert!(
            line.starts_with(&format!("error: {}: no boxes to burn", p.display())),
            "{line}"
        );
    }
    assert!(o.stdout.is_empty());
    assert!(listing(&out).is_empty());
}

#[test]
fn a_list_of_templates_picks_by_size_and_fill_follows_the_flags() {
    let d = tmpdir("list");
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    // 96 × 64 images: "Exact" is for their size and wins over "Shape", earlier in the list.
    let list = d.join("practice.json");
    std::fs::write(
        &list,
        r##"[{"name": "Square", "size": [100, 100], "boxes": [{"x": 0, "y": 0, "width": 100, "height": 100}]},
             {"name": "Shape", "size": [192, 128], "boxes": [{"x": 0, "y": 0, "width": 192, "height": 128}], "fill": "#00ff00"},
             {"name": "Exact", "size": [96, 64], "boxes": [{"x": 0, "y": 0, "width": 10, "height": 10}], "fill": "#0000ff"}]"##,
    )
    .unwrap();
    let a = input(&d, "png-rgb8.png", "a.png");
    let square = d.join("square.png");
    image::RgbImage::from_pixel(50, 50, image::Rgb([9, 9, 9]))
        .save(&square)
        .unwrap();
    let wide = d.join("wide.png");
    image::RgbImage::from_pixel(90, 30, image::Rgb([9, 9, 9]))
        .save(&wide)
        .unwrap();
    let o = occlude(&[
        "redact",
        s(&a),
        s(&square),
        s(&wide),
        "--out-dir",
        s(&out),
        "--template",
        s(&list),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stdout = lines(&o.stdout);
    assert!(
        stdout[0].contains(r#"template "Exact", 1 box"#),
        "{stdout:?}"
    );
    assert!(
        stdout[1].contains(r#"template "Square", 1 box"#),
        "{stdout:?}"
    );
    assert_eq!(
        lines(&o.stderr),
        [format!(
            "error: {}: none of the 3 templates is for images of this shape (90 × 30): \"Square\" is for 100 × 100, \"Shape\" is for 192 × 128, \"Exact\" is for 96 × 64",
            wide.display()
        )]
    );
    // The template's fill, the default black where it has none.
    let made = image::open(out.join("redacted-1.png")).unwrap().to_rgb8();
    assert_eq!(made.get_pixel(9, 9).0, [0, 0, 255]);
    assert_ne!(made.get_pixel(10, 10).0, [0, 0, 255]);
    let made = image::open(out.join("redacted-2.png")).unwrap().to_rgb8();
    assert_eq!(made.get_pixel(25, 25).0, [0, 0, 0]);

    // --fill overrides the template's; -o takes one input as before, the receipt unchanged.
    let single = d.join("single.png");
    let o = occlude(&[
        "redact",
        s(&a),
        "-o",
        s(&single),
        "--template",
        s(&list),
        "--fill",
        "ffffff",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        lines(&o.stdout)[0],
        format!(
            "{}: 1 box burned into 96×64 PNG → PNG ({} bytes, no metadata)",
            single.display(),
            std::fs::metadata(&single).unwrap().len()
        )
    );
    let made = image::open(&single).unwrap().to_rgb8();
    assert_eq!(made.get_pixel(9, 9).0, [255, 255, 255]);
}

#[test]
fn usage_errors_are_one_line_and_write_nothing() {
    let d = tmpdir("usage");
    let a = input(&d, "png-rgb8.png", "a.png");
    let b = input(&d, "png-rgb8.png", "b.png");
    let missing = d.join("no-such-folder");
    let bad_template = d.join("t.json");
    std::fs::write(
        &bad_template,
        r#"{"name": "T", "size": [2, 2], "boxes": []}"#,
    )
    .unwrap();
    let empty_list = d.join("empty.json");
    std::fs::write(&empty_list, "[]").unwrap();
    // 128 levels of lists are read (as on the page) and hold no template; serde_json's own
    // limit would stop at 127 with another code (the 129 levels case is in cases.json).
    let deep = d.join("deep.json");
    std::fs::write(&deep, format!("{}{}", "[".repeat(128), "]".repeat(128))).unwrap();
    let o_path = d.join("o.png");
    let cases: Vec<(Vec<&str>, String)> = vec![
        (
            vec!["redact", s(&a), s(&b), "-o", s(&o_path), "--box", "0,0,5,5"],
            "error: -o OUTPUT takes one INPUT (2 given); for several use --out-dir DIR".into(),
        ),
        (
            vec!["redact", s(&a), "-o", s(&o_path), "--out-dir", s(&d), "--box", "0,0,5,5"],
            "error: give -o OUTPUT or --out-dir DIR, not both".into(),
        ),
        (
            vec!["redact", s(&a), s(&b), "--out-dir", s(&missing), "--box", "0,0,5,5"],
            format!(
                "error: --out-dir {}: no such folder; create it first (Occlude does not create folders)",
                missing.display()
            ),
        ),
        (
            vec!["redact", s(&a), "--out-dir", s(&d), "--template", s(&bad_template)],
            format!(
                "error: --template {}: boxes is empty: a template needs at least one box",
                bad_template.display()
            ),
        ),
        (
            vec!["redact", s(&a), "--out-dir", s(&d), "--template", s(&empty_list)],
            format!("error: --template {}: the file holds no templates", empty_list.display()),
        ),
        (
            vec!["redact", s(&a), "--out-dir", s(&d), "--template", s(&deep)],
            format!(
                "error: --template {}: template 1: a template must be an object",
                deep.display()
            ),
        ),
        (
            vec!["redact", s(&a), "--out-dir", s(&d), "--template", "t1", "--template", "t2"],
            "error: give --template once (one file may hold a list)".into(),
        ),
    ];
    for (args, want) in cases {
        let o = occlude(&args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(lines(&o.stderr), [want], "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    assert!(!missing.exists(), "the out dir is never created");
    assert_eq!(
        listing(&d),
        ["a.png", "b.png", "deep.json", "empty.json", "t.json"],
        "nothing written"
    );
}

/// Every template file of the conformance cases, given to the CLI: a file the cases refuse
/// stops the CLI with the case's message before any input is read; a file they accept lets
/// it go on to the inputs. (tests/templates.rs checks the fitted boxes of each case.)
#[test]
fn the_cli_reads_every_conformance_file_as_the_page_does() {
    let d = tmpdir("conformance");
    let missing = d.join("no-such-input.png");
    let cases = template_cases();
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let text = template_case_text(&case);
        let file = d.join(format!("{id}.json"));
        std::fs::write(&file, text).unwrap();
        let o = occlude(&[
            "redact",
            s(&missing),
            "--out-dir",
            s(&d),
            "--template",
            s(&file),
        ]);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{id}");
        let want = match case["expect"]["error"]["message"].as_str() {
            Some(m) => format!("error: --template {}: {m}\n", file.display()),
            None if case["expect"]["templates"] == serde_json::json!([]) => {
                format!(
                    "error: --template {}: the file holds no templates\n",
                    file.display()
                )
            }
            None => format!("error: {}: cannot read it: ", missing.display()),
        };
        assert!(
            stderr.starts_with(&want),
            "{id}: {stderr:?}, expected {want:?}"
        );
    }
}
