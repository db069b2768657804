//! `occlude text` and `redact --cover-suggested`: the text finder from the command line, and
//! where the command line finds the detector's weights.

use super::{read, value};
use occlude::{Rect, TextFound, TextImage, TextModel, TextOptions};
use std::path::{Path, PathBuf};

/// The detector's file, as tools/models writes it and the app ships it.
const DETECTOR: &str = "ppocrv5_det.onnx";

/// The folders searched for [`DETECTOR`], in order: `--models DIR`, `$OCCLUDE_MODELS`,
/// `models/` next to the program, and the build's own cache (`target/models/` of the source
/// tree this program was built from, where `tools/models` puts the weights).
fn model_dirs(explicit: Option<&Path>) -> Vec<PathBuf> {
    if let Some(dir) = explicit {
        return vec![dir.to_path_buf()];
    }
    let mut dirs = Vec::new();
    if let Some(dir) = std::env::var_os("OCCLUDE_MODELS").filter(|d| !d.is_empty()) {
        dirs.push(PathBuf::from(dir));
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        dirs.push(dir.join("models"));
    }
    dirs.push(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("target")
            .join("models"),
    );
    dirs
}

/// Loads the detector from the first folder that has it, or says plainly how to get it.
fn load_model(explicit: Option<&Path>) -> Result<TextModel, String> {
    let dirs = model_dirs(explicit);
    let Some(file) = dirs.iter().map(|d| d.join(DETECTOR)).find(|f| f.is_file()) else {
        let looked: Vec<String> = dirs.iter().map(|d| d.display().to_string()).collect();
        return Err(format!(
            "finding text in this picture (a photo, not a clean render) needs the text detector \
             {DETECTOR}, which is not in {}. Run tools/models in Occlude's source folder (it puts \
             the pinned weights in target/models/), or point --models DIR or OCCLUDE_MODELS at a \
             folder that holds {DETECTOR}",
            looked.join(", ")
        ));
    };
    let bytes = read(&file)?;
    occlude::load_model(bytes).map_err(|e| format!("{}: {e}", file.display()))
}

/// Decodes `bytes` and finds its lines of text, loading the detector only if the picture
/// needs it (a clean render does not).
fn find(bytes: &[u8], options: &TextOptions, models: Option<&Path>) -> Result<TextFound, String> {
    let image = TextImage::decode(bytes, options).map_err(|e| e.to_string())?;
    let model = if image.needs_model(options) {
        Some(load_model(models)?)
    } else {
        None
    };
    image
        .find(model.as_ref(), options, &mut |_| true)
        .map_err(|e| e.to_string())
}

/// `redact`'s `--cover-suggested` and `--models`.
#[derive(Debug, Default)]
pub struct Suggested {
    pub cover: bool,
    pub models: Option<PathBuf>,
}

impl Suggested {
    /// The boxes to add: every line of text found (none unless `--cover-suggested`). A note on
    /// stderr names the input, so a batch's notes say which picture they are about.
    pub fn boxes(
        &self,
        input: &Path,
        bytes: &[u8],
        options: &occlude::Options,
    ) -> Result<Vec<Rect>, String> {
        if !self.cover {
            return Ok(Vec::new());
        }
        let text_options = TextOptions {
            background: Some(options.background),
            ..TextOptions::default()
        };
        let found = find(bytes, &text_options, self.models.as_deref())?;
        eprintln!(
            "suggested: {}: {} line{} of text found, each covered by a box",
            input.display(),
            found.lines.len(),
            if found.lines.len() == 1 { "" } else { "s" }
        );
        Ok(found
            .lines
            .iter()
            .map(|l| {
                let b = l.bbox;
                Rect::new(b.x.into(), b.y.into(), b.width.into(), b.height.into())
            })
            .collect())
    }
}

/// `occlude text INPUT [--json] [--models DIR]`.
pub fn text(args: &[String]) -> Result<(), String> {
    let mut json = false;
    let mut input: Option<PathBuf> = None;
    let mut models: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--models" => models = Some(PathBuf::from(value(&mut it, a)?)),
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
    let found = find(&bytes, &TextOptions::default(), models.as_deref())?;
    if json {
        let text = serde_json::to_string_pretty(&found).map_err(|e| e.to_string())?;
        println!("{text}");
        return Ok(());
    }
    println!(
        "{}: {} × {} pixels, {} line{} of text ({})",
        input.display(),
        found.width,
        found.height,
        found.lines.len(),
        if found.lines.len() == 1 { "" } else { "s" },
        if found.network {
            "found by the detector network: a photo"
        } else {
            "found by the classical path: a clean render"
        }
    );
    println!("box X,Y,W,H (as --box takes it), confidence, corners when tilted:");
    for l in &found.lines {
        let b = l.bbox;
        let corners = l.quad.map_or(String::new(), |q| {
            let pts: Vec<String> = q.iter().map(|[x, y]| format!("({x:.1},{y:.1})")).collect();
            format!("  corners {}", pts.join(" "))
        });
        println!(
            "  {},{},{},{}  {:.2}{corners}",
            b.x, b.y, b.width, b.height, l.confidence
        );
    }
    Ok(())
}
