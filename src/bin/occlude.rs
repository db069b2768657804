//! The `occlude` command-line tool: the same core as the web app, for batch use and for checking
//! files by hand. `redact` writes a new file; `inspect` says what a file carries; `text` lists
//! the lines of text the finder sees (the boxes `redact --cover-suggested` burns).

use occlude::{OutputFormat, Rect, Rgb};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[path = "occlude/text.rs"]
mod text;

const USAGE: &str = "usage:
  occlude redact INPUT -o OUTPUT [--box X,Y,W,H]... [--cover-suggested] [--format png|jpeg] [--quality N] [--fill RRGGBB] [--background RRGGBB] [--models DIR]
  occlude inspect INPUT [--json]
  occlude text INPUT [--json] [--models DIR]
  occlude --help | --version

Boxes are in pixels of the image as seen (after EXIF orientation); fractions round outwards.
`text` lists the lines of text found (box X,Y,W,H, corners when tilted, confidence);
--cover-suggested burns a box over every one of them, with any --box. Photos need the text
detector's weights: --models DIR, else $OCCLUDE_MODELS, else models/ next to the program, else
the build's target/models/ (tools/models puts them there).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::from(1)
        }
    }
}

fn run(args: &[String]) -> Result<(), String> {
    match args.first().map(String::as_str) {
        Some("redact") => redact(&args[1..]),
        Some("inspect") => inspect(&args[1..]),
        Some("text") => text::text(&args[1..]),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some("-V" | "--version") => {
            println!("occlude {}", env!("CARGO_PKG_VERSION"));
            Ok(())
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

fn redact(args: &[String]) -> Result<(), String> {
    let mut input: Option<PathBuf> = None;
    let mut output: Option<PathBuf> = None;
    let mut boxes = Vec::new();
    let mut options = occlude::Options::default();
    let mut suggested = text::Suggested::default();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-o" | "--output" => output = Some(PathBuf::from(value(&mut it, a)?)),
            "--box" => boxes.push(parse_box(value(&mut it, a)?)?),
            "--cover-suggested" => suggested.cover = true,
            "--models" => suggested.models = Some(PathBuf::from(value(&mut it, a)?)),
            "--format" => {
                options.format = Some(match value(&mut it, a)?.to_ascii_lowercase().as_str() {
                    "png" => OutputFormat::Png,
                    "jpeg" | "jpg" => OutputFormat::Jpeg,
                    other => return Err(format!("--format {other:?}: choose png or jpeg")),
                })
            }
            "--quality" => {
                let v = value(&mut it, a)?;
                options.quality = v
                    .parse::<u8>()
                    .ok()
                    .filter(|q| (1..=100).contains(q))
                    .ok_or_else(|| format!("--quality {v:?}: expected a whole number 1–100"))?;
            }
            "--fill" => options.fill = parse_colour(value(&mut it, a)?)?,
            "--background" => options.background = parse_colour(value(&mut it, a)?)?,
            s if s.starts_with('-') && s.len() > 1 => return Err(format!("unknown option {s}")),
            s => {
                if input.replace(PathBuf::from(s)).is_some() {
                    return Err("give exactly one INPUT file".into());
                }
            }
        }
    }
    let input = input.ok_or("no INPUT file given")?;
    let output = output.ok_or("no output given: use -o OUTPUT")?;
    if same_file(&input, &output) {
        return Err("OUTPUT is the INPUT file: Occlude never alters the original".into());
    }
    let bytes = read(&input)?;
    boxes.extend(suggested.boxes(&bytes, &options)?);
    let result = occlude::redact(&bytes, &boxes, &options).map_err(|e| e.to_string())?;
    write_new(&output, &result.bytes)?;
    let r = &result.report;
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
    let extras = if extras.is_empty() {
        String::new()
    } else {
        format!("; {}", extras.join(", "))
    };
    println!(
        "{}: {} box{} burned into {}×{} {} → {} ({} bytes, no metadata){}",
        output.display(),
        r.boxes.len(),
        if r.boxes.len() == 1 { "" } else { "es" },
        r.width,
        r.height,
        r.input_format.name(),
        r.output_format
            .extension()
            .to_ascii_uppercase()
            .replace("JPG", "JPEG"),
        r.output_bytes,
        extras
    );
    let v = &r.verification;
    println!(
        "verified: {} box{} filled, {} metadata blocks, {} trailing bytes",
        v.boxes_checked,
        if v.boxes_checked == 1 { "" } else { "es" },
        v.metadata_blocks,
        v.trailing_bytes
    );
    Ok(())
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

/// Writes the new file through a temporary name so a failure never leaves half a file.
fn write_new(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let name = path
        .file_name()
        .ok_or_else(|| format!("{} is not a file name", path.display()))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(".occlude-tmp");
    let tmp = path.with_file_name(tmp_name);
    std::fs::write(&tmp, bytes).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        format!("cannot write {}: {e}", path.display())
    })
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
