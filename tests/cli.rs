//! The `occlude` command line: its commands, flags, exit status and messages.

#[path = "common/cli.rs"]
mod cli_common;

use cli_common::occlude;
use std::path::{Path, PathBuf};

fn tmpdir(name: &str) -> PathBuf {
    cli_common::tmpdir("cli", name)
}

/// A 40×30 grey PNG written to `dir`.
fn grey_png(dir: &Path) -> PathBuf {
    let img = image::RgbImage::from_pixel(40, 30, image::Rgb([128, 128, 128]));
    let p = dir.join("Patient Jane Doe 1970-01-01.png");
    img.save(&p).unwrap();
    p
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn redact_writes_a_new_file_with_the_box_burned() {
    let d = tmpdir("redact");
    let input = grey_png(&d);
    let before = std::fs::read(&input).unwrap();
    let out = d.join("out.png");
    let o = occlude(&[
        "redact",
        s(&input),
        "-o",
        s(&out),
        "--box",
        "5,5,10.5,10",
        "--fill",
        "ff0000",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("1 box burned"), "{stdout}");
    let img = image::open(&out).unwrap().to_rgb8();
    assert_eq!(img.get_pixel(5, 5).0, [255, 0, 0]);
    assert_eq!(img.get_pixel(15, 14).0, [255, 0, 0]); // 10.5 wide rounds out to 11
    assert_eq!(img.get_pixel(16, 5).0, [128, 128, 128]);
    assert_eq!(
        std::fs::read(&input).unwrap(),
        before,
        "the original is never altered"
    );
}

#[test]
fn jpeg_output_and_quality() {
    let d = tmpdir("jpeg");
    let input = grey_png(&d);
    let out = d.join("out.jpg");
    let o = occlude(&[
        "redact",
        s(&input),
        "-o",
        s(&out),
        "--box",
        "0,0,16,16",
        "--format",
        "jpeg",
        "--quality",
        "75",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
    let img = image::load_from_memory(&bytes).unwrap().to_rgb8();
    assert!(img.get_pixel(4, 4).0.iter().all(|&c| c < 8));
}

#[test]
fn refuses_to_overwrite_the_input() {
    let d = tmpdir("same");
    let input = grey_png(&d);
    let before = std::fs::read(&input).unwrap();
    let alias = d.join(".").join(input.file_name().unwrap());
    let o = occlude(&["redact", s(&input), "-o", s(&alias), "--box", "0,0,5,5"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.starts_with("error: ") && err.contains("INPUT"), "{err}");
    assert_eq!(std::fs::read(&input).unwrap(), before);
}

#[test]
fn every_failure_is_one_error_line_and_nonzero() {
    let d = tmpdir("fail");
    let input = grey_png(&d);
    let text = d.join("letter.jpg");
    std::fs::write(&text, "Dear colleague, please see attached.\n").unwrap();
    let out = d.join("o.png");
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["redact", s(&input), "-o", s(&out)], "no boxes"),
        (
            vec!["redact", s(&input), "-o", s(&out), "--box", "100,100,5,5"],
            "box 1 lies wholly outside",
        ),
        (
            vec!["redact", s(&input), "-o", s(&out), "--box", "1,2,3"],
            "four numbers",
        ),
        (
            vec![
                "redact",
                s(&input),
                "-o",
                s(&out),
                "--box",
                "0,0,5,5",
                "--quality",
                "0",
            ],
            "1–100",
        ),
        (
            vec![
                "redact",
                s(&input),
                "-o",
                s(&out),
                "--box",
                "0,0,5,5",
                "--fill",
                "red",
            ],
            "#RRGGBB",
        ),
        (
            vec![
                "redact",
                s(&input),
                "-o",
                s(&out),
                "--box",
                "0,0,5,5",
                "--format",
                "gif",
            ],
            "png or jpeg",
        ),
        (
            vec!["redact", s(&text), "-o", s(&out), "--box", "0,0,5,5"],
            "text file",
        ),
        (
            vec![
                "redact",
                "/nonexistent/x.png",
                "-o",
                s(&out),
                "--box",
                "0,0,5,5",
            ],
            "cannot read",
        ),
        (vec!["redact", s(&input), "--box", "0,0,5,5"], "-o OUTPUT"),
        (vec!["frobnicate"], "unknown command"),
        (vec!["inspect", s(&text)], "text file"),
    ];
    for (args, want) in cases {
        let o = occlude(&args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!o.status.success(), "{args:?} succeeded");
        assert!(err.starts_with("error: "), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err:?} lacks {want:?}");
    }
    assert!(!out.exists(), "no output file is left behind by a failure");
}

#[test]
fn inspect_plain_and_json() {
    let d = tmpdir("inspect");
    let input = grey_png(&d);
    let o = occlude(&["inspect", s(&input)]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("PNG") && text.contains("40 × 30"), "{text}");
    let o = occlude(&["inspect", s(&input), "--json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["format"], "png");
    assert_eq!(v["width"], 40);
    assert_eq!(v["height"], 30);
    assert_eq!(v["orientation"], 1);
}

/// A colour fixture (tests/fixtures/colour/, tools/make_colour_fixtures.py).
fn colour_fixture(name: &str) -> String {
    format!(
        "{}/tests/fixtures/colour/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// The lines `occlude` printed, and a check that it succeeded.
fn stdout_lines(args: &[&str]) -> Vec<String> {
    let o = occlude(args);
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_colour_profile_in_plain_words_in_inspect_and_redact() {
    let d = tmpdir("colour");
    let p3 = colour_fixture("jpeg-p3.jpg");
    let kept = "colour profile Display P3: kept as a standard profile, no device data";
    let converted = "colour profile Display P3: converted to sRGB";
    // inspect lists it with what a JPEG export will do.
    let seen = stdout_lines(&["inspect", &p3]);
    assert!(seen.iter().any(|l| l.trim() == kept), "{seen:?}");
    // redact -o: the receipt's third line says what became of it.
    let jpg = d.join("p3.jpg");
    let lines = stdout_lines(&["redact", &p3, "-o", s(&jpg), "--box", "8,8,280,20"]);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(lines[1].starts_with("verified: 1 box filled"), "{lines:?}");
    assert_eq!(lines[2], kept);
    let out = std::fs::read(&jpg).unwrap();
    assert_eq!(
        &out[2..4],
        &[0xFF, 0xE2],
        "the canonical profile follows SOI"
    );
    let png = d.join("p3.png");
    let lines = stdout_lines(&[
        "redact",
        &p3,
        "-o",
        s(&png),
        "--box",
        "8,8,280,20",
        "--format",
        "png",
    ]);
    assert_eq!(lines[2], converted);
    // A profile that calls itself Display P3 but is not: converted, and the words say why.
    let fake = colour_fixture("jpeg-hostile-fake-p3.jpg");
    let lines = stdout_lines(&[
        "redact",
        &fake,
        "-o",
        s(&d.join("fake.jpg")),
        "--box",
        "4,4,150,20",
    ]);
    let why = &lines[2];
    assert!(
        why.starts_with(
            "colour profile \u{201c}Display P3\u{201d}: not a standard space (its colours are up to ΔE "
        ) && why.ends_with("); converted to sRGB"),
        "{why}"
    );
    // Untagged: no colour line at all.
    let plain = colour_fixture("jpeg-untagged.jpg");
    let lines = stdout_lines(&[
        "redact",
        &plain,
        "-o",
        s(&d.join("plain.jpg")),
        "--box",
        "8,8,280,20",
    ]);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(!lines.iter().any(|l| l.contains("colour ")), "{lines:?}");
    // --out-dir: each input's line carries its own words before "verified".
    let dir = d.join("batch");
    std::fs::create_dir_all(&dir).unwrap();
    let iccp = colour_fixture("png-p3-iccp.png");
    let lines = stdout_lines(&[
        "redact",
        &p3,
        &iccp,
        &plain,
        "--out-dir",
        s(&dir),
        "--box",
        "4,4,100,12",
    ]);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].contains(&format!(", {kept}; verified: ")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(&format!(", {converted}; verified: ")),
        "{}",
        lines[1]
    );
    assert!(!lines[2].contains("colour "), "{}", lines[2]);
}

fn text_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/text")
        .join(name)
}

#[test]
fn text_lists_the_lines_found_plain_and_json() {
    let render = text_fixture("render.png");
    let o = occlude(&["text", s(&render)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("1152 × 648 pixels") && out.contains("classical path"),
        "{out}"
    );
    let o = occlude(&["text", s(&render), "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["width"].as_u64(), v["height"].as_u64()),
        (Some(1152), Some(648))
    );
    assert_eq!(v["network"], false);
    let lines = v["lines"].as_array().unwrap();
    assert!(lines.len() > 80, "{} lines", lines.len());
    for l in lines {
        for k in ["x", "y", "width", "height"] {
            assert!(l[k].is_u64(), "{l}");
        }
        assert!(
            l["quad"].is_null() && (0.0..=1.0).contains(&l["confidence"].as_f64().unwrap()),
            "{l}"
        );
    }
    // Every box printed in the plain listing is the same as in the JSON, in the --box form.
    let plain = String::from_utf8_lossy(&occlude(&["text", s(&render)]).stdout).to_string();
    let first = &lines[0];
    let as_box = format!(
        "{},{},{},{}",
        first["x"], first["y"], first["width"], first["height"]
    );
    assert!(plain.contains(&as_box), "{as_box} in {plain}");
}

#[test]
fn text_on_a_photo_uses_the_detector_and_says_how_to_get_it_when_missing() {
    let photo = text_fixture("photo.jpg");
    // --models names the folder; one without the detector is a clear error, not a crash.
    let empty = tmpdir("no-models");
    let o = occlude(&["text", s(&photo), "--models", s(&empty)]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("error: ")
            && err.contains("ppocrv5_det.onnx")
            && err.contains("tools/models"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // A render needs no detector, whatever --models says.
    let o = occlude(&[
        "text",
        s(&text_fixture("render.png")),
        "--models",
        s(&empty),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // Weights that are not the detector.
    std::fs::write(empty.join("ppocrv5_det.onnx"), b"not a model").unwrap();
    let o = occlude(&["text", s(&photo), "--models", s(&empty)]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("text detector could not be loaded"),
        "{err}"
    );
    // From the build's cache (tools/models), found without a flag.
    let o = occlude(&["text", s(&photo), "--json"]);
    assert!(
        o.status.success(),
        "{} (run tools/models)",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["network"], true);
    assert!(
        v["lines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["quad"].is_array()),
        "tilted lines carry corners"
    );
}

#[test]
fn redact_cover_suggested_burns_every_suggested_line_and_the_given_boxes() {
    let d = tmpdir("suggested");
    let render = text_fixture("render.png");
    let out = d.join("out.png");
    let o = occlude(&[
        "redact",
        s(&render),
        "-o",
        s(&out),
        "--cover-suggested",
        "--box",
        "1100,600,20,20",
        "--fill",
        "ff00ff",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("lines of text found"));
    let found: serde_json::Value =
        serde_json::from_slice(&occlude(&["text", s(&render), "--json"]).stdout).unwrap();
    // The suggested lines (every line but those read as clinical; tests/read.rs checks those
    // are left clear).
    let lines: Vec<&serde_json::Value> = found["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["suggested"] == true)
        .collect();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains(&format!("{} boxes burned", lines.len() + 1)),
        "{stdout}"
    );
    let img = image::open(&out).unwrap().to_rgb8();
    let given = serde_json::json!({"x": 1100, "y": 600, "width": 20, "height": 20});
    for l in lines.iter().copied().chain([&given]) {
        let (x, y) = (
            l["x"].as_u64().unwrap() as u32,
            l["y"].as_u64().unwrap() as u32,
        );
        let (w, h) = (
            l["width"].as_u64().unwrap() as u32,
            l["height"].as_u64().unwrap() as u32,
        );
        for (px, py) in [(x, y), (x + w - 1, y + h - 1), (x + w / 2, y + h / 2)] {
            assert_eq!(img.get_pixel(px, py).0, [255, 0, 255], "{l} at {px},{py}");
        }
    }
    // Without the flag nothing is suggested, and a photo without the detector is refused.
    let o = occlude(&[
        "redact",
        s(&text_fixture("photo.jpg")),
        "-o",
        s(&d.join("p.jpg")),
        "--cover-suggested",
        "--models",
        s(&d),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("tools/models"));
    assert!(!d.join("p.jpg").exists(), "nothing written on failure");
}

/// The lines `occlude text --json` finds in `input`: every one with `--no-read`, else the
/// suggested ones (the boxes --cover-suggested burns once the lines are read).
fn lines_found(input: &Path, read: bool) -> Vec<serde_json::Value> {
    let mut args = vec!["text", s(input), "--json"];
    if !read {
        args.push("--no-read");
    }
    let o = occlude(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let lines = v["lines"].as_array().unwrap().iter().cloned();
    lines.filter(|l| l["suggested"] == true).collect()
}

#[test]
fn cover_suggested_works_in_batch_mode_and_a_photo_without_the_detector_fails_alone() {
    let d = tmpdir("suggested-batch");
    let (render, photo) = (text_fixture("render.png"), text_fixture("photo.jpg"));
    let empty = d.join("no-models");
    let out = d.join("out");
    std::fs::create_dir_all(&empty).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    let batch = |extra: &[&str]| {
        let mut args = vec!["redact", s(&render), s(&photo), "--out-dir", s(&out)];
        args.extend(["--cover-suggested", "--fill", "ff00ff"]);
        args.extend(extra);
        occlude(&args)
    };

    // Without the detector the render (classical path) is still redacted; the photo fails
    // with the one line saying how to get the weights, and nothing is written for it.
    let o = batch(&["--models", s(&empty)]);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["redacted-1.png"]);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].starts_with(&format!("error: {}: ", photo.display())));
    assert!(errors[0].contains("tools/models"), "{}", errors[0]);
    // The note on stderr names the picture it is about; with no reader (that folder has
    // none), every line found is suggested.
    let n = lines_found(&render, false).len();
    assert!(n > 10, "the render has many lines: {n}");
    assert!(
        stderr.contains(&format!(
            "suggested: {}: {n} of {n} lines of text found",
            render.display()
        )),
        "{stderr}"
    );
    std::fs::remove_file(out.join("redacted-1.png")).unwrap();

    // With the detector and the reader (found in the build's target/models/) both are
    // written, every suggested line of each one burned.
    let o = batch(&[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    for (input, made, tolerance) in [
        (&render, out.join("redacted-1.png"), 0),
        (&photo, out.join("redacted-2.jpg"), 24),
    ] {
        let lines = lines_found(input, true);
        assert!(!lines.is_empty(), "{}", input.display());
        assert!(
            stdout.contains(&format!("{} boxes burned", lines.len())),
            "{stdout}"
        );
        let img = image::open(&made).unwrap().to_rgb8();
        for l in &lines {
            let at = |k: &str| l[k].as_u64().unwrap() as u32;
            let (x, y, w, h) = (at("x"), at("y"), at("width"), at("height"));
            let p = img.get_pixel(x + w / 2, y + h / 2).0;
            let off = p
                .iter()
                .zip([255u8, 0, 255])
                .map(|(a, b)| a.abs_diff(b))
                .max()
                .unwrap();
            assert!(off <= tolerance, "{}: {l} centre is {p:?}", made.display());
        }
    }
}
