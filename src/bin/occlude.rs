//! The `occlude` command-line tool: the same core as the web app, for batch use and for checking
//! files by hand. `redact` writes a new file per input (one with `-o`, several into
//! `--out-dir`), with `--box`es and/or a `--template`; `inspect` says what a file carries;
//! `text` lists the lines of text the finder sees (the boxes `redact --cover-suggested` burns).

use occlude::{Options, OutputFormat, Rect, Report, Rgb, Template, TemplateDocument};
use serde::Deserialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "occlude/text.rs"]
mod text;

const USAGE: &str = "usage:
  occlude redact INPUT -o OUTPUT [BOXES] [OPTIONS]
  occlude redact INPUT... --out-dir DIR [BOXES] [OPTIONS]
  occlude inspect INPUT [--json]
  occlude text INPUT [--json] [--models DIR] [--no-read]
  occlude --help | --version

BOXES:   --box X,Y,W,H (again for more) and/or --template T.json and/or --cover-suggested
         and/or --cover-text WORD (again for more)
OPTIONS: --format png|jpeg  --quality N  --fill RRGGBB  --background RRGGBB  --models DIR

Boxes are in pixels of the image as seen (after EXIF orientation); fractions round outwards.
A template's boxes are scaled to each image of its shape (README, \"Template files\").
With --out-dir, input N becomes DIR/redacted-N.<ext>; DIR must exist, no file is replaced,
and an input that fails is reported (error: INPUT: why) while the others go on.
`text` lists the lines of text found (box X,Y,W,H) and, when the text reader is there, what
each says, its kind (identifier, clinical, other) and whether it is suggested (every line
except those read as confidently clinical; --no-read: find only). --cover-suggested burns a box
over every suggested line (every line when not read), with any other box. --cover-text WORD
burns a box over each place WORD is read (any case or accents, whole words; needs the reader).
Photos need the text detector's weights and reading needs the reader's: --models DIR, else
$OCCLUDE_MODELS, else models/ next to the program, else the build's target/models/ (tools/models
puts them there).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

/// Runs a command: `Err` is one message for `error: …`; a command that reported its own
/// failures (a batch) returns the exit code.
fn run(args: &[String]) -> Result<ExitCode, String> {
    match args.first().map(String::as_str) {
        Some("redact") => redact(&args[1..]),
        Some("inspect") => inspect(&args[1..]).map(|()| ExitCode::SUCCESS),
        Some("text") => text::text(&args[1..]).map(|()| ExitCode::SUCCESS),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        Some("-V" | "--version") => {
            println!("occlude {}", env!("CARGO_PKG_VERSION"));
            Ok(ExitCode::SUCCESS)
        }
        Some(other) => Err(format!("unknown command {other:?}\n{USAGE}")),
        None => Err(format!("no command given\n{USAGE}")),
    }
}

/// Takes the value following a flag.
fn value<'a>(it: &mut std::slice::Iter<'a, String>, flag: &str) -> Result<&'a str, String> {
    it.next()
        .map(String::as_str)
        .ok_or_else(|| format!("{flag} needs a value"))
}

fn parse_box(s: &str) -> Result<Rect, String> {
    let nums: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("--box {s:?}: expected X,Y,W,H as numbers"))?;
    match nums[..] {
        [x, y, w, h] => Ok(Rect::new(x, y, w, h)),
        _ => Err(format!("--box {s:?}: expected four numbers X,Y,W,H")),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// `redact`'s command line, parsed in one place.
#[derive(Debug, Default)]
struct RedactArgs {
    inputs: Vec<PathBuf>,
    /// `-o OUTPUT`: the one input is written there.
    output: Option<PathBuf>,
    /// `--out-dir DIR`: input N is written as DIR/redacted-N.<ext>.
    out_dir: Option<PathBuf>,
    /// `--box`es, burned into every input.
    boxes: Vec<Rect>,
    /// `--template T.json`: one template or a list; each input gets the one of its shape.
    template: Option<PathBuf>,
    options: Options,
    /// `--fill` was given: it overrides a template's fill.
    fill_given: bool,
    /// `--cover-suggested`, `--cover-text WORD` and `--models DIR`: boxes from the text found.
    suggested: text::Suggested,
}

impl RedactArgs {
    fn parse(args: &[String]) -> Result<RedactArgs, String> {
        let mut a = RedactArgs::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            match arg.as_str() {
                "-o" | "--output" => a.output = Some(PathBuf::from(value(&mut it, arg)?)),
                "--out-dir" => a.out_dir = Some(PathBuf::from(value(&mut it, arg)?)),
                "--box" => a.boxes.push(parse_box(value(&mut it, arg)?)?),
                "--template" => {
                    let path = PathBuf::from(value(&mut it, arg)?);
                    if a.template.replace(path).is_some() {
                        return Err("give --template once (one file may hold a list)".into());
                    }
                }
                "--format" => {
                    a.options.format =
                        Some(match value(&mut it, arg)?.to_ascii_lowercase().as_str() {
                            "png" => OutputFormat::Png,
                            "jpeg" | "jpg" => OutputFormat::Jpeg,
                            other => return Err(format!("--format {other:?}: choose png or jpeg")),
                        })
                }
                "--quality" => {
                    let v = value(&mut it, arg)?;
                    a.options.quality = v
                        .parse::<u8>()
                        .ok()
                        .filter(|q| (1..=100).contains(q))
                        .ok_or_else(|| format!("--quality {v:?}: expected a whole number 1–100"))?;
                }
                "--fill" => {
                    a.options.fill = parse_colour(value(&mut it, arg)?)?;
                    a.fill_given = true;
                }
                "--background" => a.options.background = parse_colour(value(&mut it, arg)?)?,
                "--cover-suggested" => a.suggested.cover = true,
                "--cover-text" => a.suggested.words.push(value(&mut it, arg)?.to_string()),
                "--models" => a.suggested.models = Some(PathBuf::from(value(&mut it, arg)?)),
                s if s.starts_with('-') && s.len() > 1 => {
                    return Err(format!("unknown option {s}"))
                }
                s => a.inputs.push(PathBuf::from(s)),
            }
        }
        if a.inputs.is_empty() {
            return Err("no INPUT file given".into());
        }
        match (&a.output, &a.out_dir) {
            (Some(_), Some(_)) => Err("give -o OUTPUT or --out-dir DIR, not both".into()),
            (Some(_), None) if a.inputs.len() > 1 => Err(format!(
                "-o OUTPUT takes one INPUT ({} given); for several use --out-dir DIR",
                a.inputs.len()
            )),
            (None, None) => {
                Err("no output given: use -o OUTPUT, or --out-dir DIR for several inputs".into())
            }
            _ => Ok(a),
        }
    }
}

fn redact(args: &[String]) -> Result<ExitCode, String> {
    let a = RedactArgs::parse(args)?;
    if let Some(dir) = &a.out_dir {
        if !dir.is_dir() {
            return Err(format!(
                "--out-dir {}: no such folder; create it first (Occlude does not create folders)",
                dir.display()
            ));
        }
    }
    let templates = a.template.as_deref().map(read_templates).transpose()?;
    let templates = templates.as_deref();
    match (a.inputs.as_slice(), &a.output, &a.out_dir) {
        ([input], Some(output), None) => {
            redact_to(&a, input, output, templates)?;
            Ok(ExitCode::SUCCESS)
        }
        (_, None, Some(dir)) => Ok(redact_batch(&a, dir, templates)),
        // RedactArgs::parse has refused every other combination already.
        _ => Err("give one INPUT with -o OUTPUT, or several with --out-dir DIR".into()),
    }
}

/// `-o OUTPUT`: one input, one new file, two lines of receipt (and a third, what became of the
/// input's colour profile, when it had one).
fn redact_to(
    a: &RedactArgs,
    input: &Path,
    output: &Path,
    templates: Option<&[Template]>,
) -> Result<(), String> {
    if same_file(input, output) {
        return Err("OUTPUT is the INPUT file: Occlude never alters the original".into());
    }
    let bytes = read(input)?;
    let (boxes, options, _) = plan(a, input, &bytes, templates)?;
    let result = occlude::redact(&bytes, &boxes, &options).map_err(|e| e.to_string())?;
    write_new(output, &result.bytes)?;
    let r = &result.report;
    let extras = made_extras(r);
    let extras = if extras.is_empty() {
        String::new()
    } else {
        format!("; {}", extras.join(", "))
    };
    println!(
        "{}: {} ({} bytes, no metadata){extras}",
        output.display(),
        made(r),
        r.output_bytes,
    );
    println!("{}", verified(r));
    if !r.colour.is_empty() {
        println!("{}", r.colour);
    }
    Ok(())
}

/// `--out-dir DIR`: every input in order, each to DIR/redacted-N.<ext>; a failure is reported
/// as `error: INPUT: why` and the rest go on. Exit status 1 if any input failed.
fn redact_batch(a: &RedactArgs, dir: &Path, templates: Option<&[Template]>) -> ExitCode {
    let mut failed = 0;
    for (i, input) in a.inputs.iter().enumerate() {
        match redact_into(a, input, dir, i + 1, templates) {
            Ok(line) => println!("{} -> {line}", input.display()),
            Err(why) => {
                eprintln!("error: {}: {why}", input.display());
                failed += 1;
            }
        }
    }
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Redacts input number `n` into `dir`; returns the receipt line's tail ("OUT (…)").
fn redact_into(
    a: &RedactArgs,
    input: &Path,
    dir: &Path,
    n: usize,
    templates: Option<&[Template]>,
) -> Result<String, String> {
    let bytes = std::fs::read(input).map_err(|e| format!("cannot read it: {e}"))?;
    let (boxes, options, template) = plan(a, input, &bytes, templates)?;
    let result = occlude::redact(&bytes, &boxes, &options).map_err(|e| e.to_string())?;
    let r = &result.report;
    let out = dir.join(format!("redacted-{n}.{}", r.output_format.extension()));
    write_fresh(&out, &result.bytes)?;
    let mut parts = Vec::new();
    if let Some(t) = template {
        parts.push(format!("template {:?}", t.name()));
    }
    parts.push(made(r));
    parts.push(format!("{} bytes, no metadata", r.output_bytes));
    parts.extend(made_extras(r));
    if !r.colour.is_empty() {
        parts.push(r.colour.clone());
    }
    Ok(format!(
        "{} ({}; {})",
        out.display(),
        parts.join(", "),
        verified(r)
    ))
}

/// The boxes and options for one input: the `--box`es (first, so an error's box number is
/// theirs), then the template's boxes fitted to the picture as seen; the template's fill
/// unless `--fill` was given (the core burns one fill into every box).
fn plan<'t>(
    a: &RedactArgs,
    input: &Path,
    bytes: &[u8],
    templates: Option<&'t [Template]>,
) -> Result<(Vec<Rect>, Options, Option<&'t Template>), String> {
    let (mut boxes, options, template) =
        plan_template(a, bytes, templates).map_err(|e| e.to_string())?;
    // `--cover-suggested` / `--cover-text`: boxes from the text found, after the others.
    boxes.extend(a.suggested.boxes(input, bytes, &options)?);
    Ok((boxes, options, template))
}

/// The `--box`es and the template's boxes and fill (see [`plan`]).
fn plan_template<'t>(
    a: &RedactArgs,
    bytes: &[u8],
    templates: Option<&'t [Template]>,
) -> Result<(Vec<Rect>, Options, Option<&'t Template>), occlude::Error> {
    let mut boxes = a.boxes.clone();
    let mut options = a.options.clone();
    let Some(templates) = templates else {
        return Ok((boxes, options, None));
    };
    let seen = occlude::inspect(bytes)?;
    let template = Template::pick(templates, seen.width, seen.height)?;
    boxes.extend(template.boxes_for(seen.width, seen.height)?);
    if let (false, Some(fill)) = (a.fill_given, template.fill()) {
        options.fill = fill;
    }
    Ok((boxes, options, Some(template)))
}

/// Reads `--template T.json`: one template or a list, every rule checked before any input is.
fn read_templates(path: &Path) -> Result<Vec<Template>, String> {
    let at = |e: &dyn std::fmt::Display| format!("--template {}: {e}", path.display());
    let bytes = std::fs::read(path).map_err(|e| at(&format!("cannot read it: {e}")))?;
    let templates = Template::read_file(&bytes, |text| {
        let mut de = serde_json::Deserializer::from_str(text);
        // The template rules stop at 128 levels themselves (src/ground/json.rs), as the page
        // does; serde_json's own limit would stop at 127 and give another error code.
        de.disable_recursion_limit();
        let doc = TemplateDocument::deserialize(&mut de)?;
        de.end().map(|()| doc)
    })
    .map_err(|e| at(&e))?;
    if templates.is_empty() {
        return Err(at(&"the file holds no templates"));
    }
    Ok(templates)
}

/// "2 boxes burned into 96×64 JPEG → JPEG".
fn made(r: &Report) -> String {
    format!(
        "{} box{} burned into {}×{} {} → {}",
        r.boxes.len(),
        if r.boxes.len() == 1 { "" } else { "es" },
        r.width,
        r.height,
        r.input_format.name(),
        r.output_format
            .extension()
            .to_ascii_uppercase()
            .replace("JPG", "JPEG"),
    )
}

/// What else was done to the picture: orientation, transparency, frames.
fn made_extras(r: &Report) -> Vec<String> {
    let mut extras = Vec::new();
    if r.orientation != 1 {
        extras.push(format!("orientation {} applied", r.orientation));
    }
    if r.alpha_flattened {
        extras.push(format!("transparency flattened onto {}", r.background));
    }
    if r.frames_dropped > 0 {
        extras.push(format!("{} animation frames dropped", r.frames_dropped));
    }
    extras
}

/// "verified: 1 box filled, 0 metadata blocks, 0 trailing bytes".
fn verified(r: &Report) -> String {
    let v = &r.verification;
    format!(
        "verified: {} box{} filled, {} metadata blocks, {} trailing bytes",
        v.boxes_checked,
        if v.boxes_checked == 1 { "" } else { "es" },
        v.metadata_blocks,
        v.trailing_bytes
    )
}

fn parse_colour(s: &str) -> Result<Rgb, String> {
    s.parse::<Rgb>().map_err(|e| e.to_string())
}

/// True when both paths name the same file (also through links or `./` prefixes).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The temporary name a new file is written under first: `.NAME.occlude-tmp` beside it.
fn temp_path(path: &Path) -> Result<PathBuf, String> {
    let name = path
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", path.display()))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(".occlude-tmp");
    Ok(path.with_file_name(tmp_name))
}

/// Writes the new file through a temporary name so a failure never leaves half a file.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let tmp = temp_path(path)?;
    std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
}

/// Writes a new file at `path` through a temporary name, never replacing a file that is there
/// (an input, an earlier run's output) and never a file in the way of the temporary name.
fn write_fresh(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let exists = || {
        format!(
            "{} already exists; Occlude never writes over a file (move it away or use another --out-dir)",
            path.display()
        )
    };
    if path.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let tmp = temp_path(path)?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => format!(
                "{} is in the way (left by an earlier run?); remove it",
                tmp.display()
            ),
            _ => format!("cannot write {}: {e}", tmp.display()),
        })?;
    let written = file.write_all(bytes);
    drop(file);
    let result = match written {
        Err(e) => Err(format!("cannot write {}: {e}", tmp.display())),
        // A hard link fails where the name is taken (a rename would replace the file).
        Ok(()) => match std::fs::hard_link(&tmp, path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
            // A file system without hard links: check, then rename.
            Err(_) if path.symlink_metadata().is_ok() => Err(exists()),
            Err(_) => std::fs::rename(&tmp, path)
                .map_err(|e| format!("cannot write {}: {e}", path.display())),
        },
    };
    // After a link the temporary name goes; after a rename it is gone already.
    let _ = std::fs::remove_file(&tmp);
    result
}

fn inspect(args: &[String]) -> Result<(), String> {
    let mut json = false;
    let mut input: Option<PathBuf> = None;
    for a in args {
        match a.as_str() {
            "--json" => json = true,
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            s => {
                if input.replace(PathBuf::from(s)).is_some() {
                    return Err("give exactly one INPUT file".into());
                }
            }
        }
    }
    let input = input.ok_or("no INPUT file given")?;
    let bytes = read(&input)?;
    let info = occlude::inspect(&bytes).map_err(|e| e.to_string())?;
    if json {
        let text = serde_json::to_string_pretty(&info).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        println!("format:      {}", info.format.name());
        println!("file size:   {} bytes", info.bytes);
        println!("size seen:   {} × {} pixels", info.width, info.height);
        if info.orientation != 1 {
            println!(
                "orientation: {} (stored {} × {}, turned when opened)",
                info.orientation, info.stored_width, info.stored_height
            );
        } else {
            println!("orientation: 1 (as stored)");
        }
        println!(
            "alpha:       {}",
            if info.has_alpha {
                "yes (will be flattened)"
            } else {
                "no"
            }
        );
        if info.frames > 1 {
            println!("frames:      {} (only the first is kept)", info.frames);
        }
        println!("default out: {}", info.default_output.extension());
        println!("carries:");
        if info.words.is_empty() {
            println!("  no metadata found");
        }
        for w in &info.words {
            println!("  {w}");
        }
        for n in &info.inventory.notes {
            println!("  note: {n}");
        }
    }
    Ok(())
}
