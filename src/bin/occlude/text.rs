//! `occlude text`, `redact --cover-suggested` and `redact --cover-text WORD`: the text finder and
//! reader from the command line, and where the command line finds their weights.

use super::{read, value};
use occlude::{CoverLine, Rect, TextFound, TextImage, TextModel, TextOptions, TextReader};
use std::cell::OnceCell;
use std::path::{Path, PathBuf};

/// The detector's file, as tools/models writes it and the app ships it.
const DETECTOR: &str = "ppocrv5_det.onnx";
/// The recogniser's file and its dictionary (reading the lines found).
const RECOGNISER: &str = "ppocrv5_rec.onnx";
const KEYS: &str = "ppocr_keys_v5.txt";

/// The folders searched for the weights, in order: `--models DIR`, `$OCCLUDE_MODELS`,
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

/// The sentence for a missing recogniser: where it was looked for and how to get it.
fn no_reader(explicit: Option<&Path>) -> String {
    let looked: Vec<String> = model_dirs(explicit)
        .iter()
        .map(|d| d.display().to_string())
        .collect();
    format!(
        "the text reader ({RECOGNISER} and {KEYS}) is not in {}. Run tools/models in Occlude's \
         source folder (it puts the pinned weights in target/models/), or point --models DIR or \
         OCCLUDE_MODELS at a folder that holds them",
        looked.join(", ")
    )
}

/// Loads the recogniser from the first folder that has both its files: `Ok(None)` when none
/// has them (reading is optional), an error when they are there but cannot be loaded.
fn load_reader(explicit: Option<&Path>) -> Result<Option<TextReader>, String> {
    let dirs = model_dirs(explicit);
    let Some(dir) = dirs
        .iter()
        .find(|d| d.join(RECOGNISER).is_file() && d.join(KEYS).is_file())
    else {
        return Ok(None);
    };
    let rec = read(&dir.join(RECOGNISER))?;
    let keys = read(&dir.join(KEYS))?;
    let keys = String::from_utf8(keys).map_err(|_| {
        format!(
            "{}: the text reader's dictionary is not UTF-8 text",
            dir.join(KEYS).display()
        )
    })?;
    occlude::load_reader(rec, &keys)
        .map(Some)
        .map_err(|e| format!("{}: {e}", dir.join(RECOGNISER).display()))
}

/// The weights, each loaded at most once per run (a batch reuses them for every input).
#[derive(Default)]
struct Loaded {
    model: OnceCell<TextModel>,
    reader: OnceCell<Option<TextReader>>,
}

impl Loaded {
    fn model(&self, models: Option<&Path>) -> Result<&TextModel, String> {
        if let Some(m) = self.model.get() {
            return Ok(m);
        }
        let m = load_model(models)?;
        Ok(self.model.get_or_init(|| m))
    }

    /// The reader, or `None` (said once on stderr: lines are then not read).
    fn reader(&self, models: Option<&Path>) -> Result<Option<&TextReader>, String> {
        if let Some(r) = self.reader.get() {
            return Ok(r.as_ref());
        }
        let r = load_reader(models)?;
        if r.is_none() {
            eprintln!(
                "note: lines are not read (every line is suggested): {}",
                no_reader(models)
            );
        }
        Ok(self.reader.get_or_init(|| r).as_ref())
    }
}

/// Decodes `bytes`, finds its lines of text (loading the detector only if the picture needs
/// it: a clean render does not) and, if `read` and the reader is there, reads them.
fn find(
    bytes: &[u8],
    options: &TextOptions,
    models: Option<&Path>,
    loaded: &Loaded,
    read: bool,
) -> Result<TextFound, String> {
    let image = TextImage::decode(bytes, options).map_err(|e| e.to_string())?;
    let model = if image.needs_model(options) {
        Some(loaded.model(models)?)
    } else {
        None
    };
    let mut found = image
        .find(model, options, &mut |_| true)
        .map_err(|e| e.to_string())?;
    if read {
        if let Some(reader) = loaded.reader(models)? {
            image
                .read(&mut found, reader, &mut |_| true)
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(found)
}

/// `redact`'s `--cover-suggested`, `--cover-text WORD` and `--models`.
#[derive(Default)]
pub struct Suggested {
    pub cover: bool,
    /// `--cover-text WORD`, in the order given.
    pub words: Vec<String>,
    pub models: Option<PathBuf>,
    loaded: Loaded,
}

impl std::fmt::Debug for Suggested {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Suggested")
            .field("cover", &self.cover)
            .field("words", &self.words)
            .field("models", &self.models)
            .finish_non_exhaustive()
    }
}

impl Suggested {
    /// The boxes to add: with `--cover-suggested`, every suggested line of text found (every
    /// line when the lines could not be read); with `--cover-text`, a box over each place a word
    /// occurs (which needs the reader). A note on stderr names the input, so a batch's notes say
    /// which picture they are about.
    pub fn boxes(
        &self,
        input: &Path,
        bytes: &[u8],
        options: &occlude::Options,
    ) -> Result<Vec<Rect>, String> {
        if !self.cover && self.words.is_empty() {
            return Ok(Vec::new());
        }
        if !self.words.is_empty() {
            occlude::check_words(&self.words).map_err(|e| format!("--cover-text: {e}"))?;
        }
        let text_options = TextOptions {
            background: Some(options.background),
            ..TextOptions::default()
        };
        let models = self.models.as_deref();
        if !self.words.is_empty() && self.loaded.reader(models)?.is_none() {
            return Err(format!("--cover-text needs {}", no_reader(models)));
        }
        let found = find(bytes, &text_options, models, &self.loaded, true)?;
        let mut boxes = Vec::new();
        if self.cover {
            let chosen: Vec<usize> = (0..found.lines.len())
                .filter(|&i| found.suggested(i))
                .collect();
            eprintln!(
                "suggested: {}: {} of {} line{} of text found, each covered by a box{}",
                input.display(),
                chosen.len(),
                found.lines.len(),
                if found.lines.len() == 1 { "" } else { "s" },
                if found.readings.is_some() {
                    " (lines read as clinical are left clear)"
                } else {
                    ""
                }
            );
            boxes.extend(chosen.iter().map(|&i| {
                let b = found.lines[i].bbox;
                Rect::new(b.x.into(), b.y.into(), b.width.into(), b.height.into())
            }));
        }
        if !self.words.is_empty() {
            let lines: Vec<CoverLine> = (0..found.lines.len())
                .map(|i| CoverLine::new(&found.lines[i], found.reading(i)))
                .collect();
            let covered =
                occlude::cover_text(&lines, &self.words, Some((found.width, found.height)));
            eprintln!(
                "cover text: {} place{} found for {}",
                covered.boxes.len(),
                if covered.boxes.len() == 1 { "" } else { "s" },
                self.words
                    .iter()
                    .map(|w| format!("{w:?}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            boxes.extend(
                covered
                    .boxes
                    .iter()
                    .map(|b| Rect::new(b.x.into(), b.y.into(), b.width.into(), b.height.into())),
            );
        }
        Ok(boxes)
    }
}

/// `occlude text INPUT [--json] [--models DIR] [--no-read]`.
pub fn text(args: &[String]) -> Result<(), String> {
    let mut json = false;
    let mut read_lines = true;
    let mut input: Option<PathBuf> = None;
    let mut models: Option<PathBuf> = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => json = true,
            "--no-read" => read_lines = false,
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
    let loaded = Loaded::default();
    let found = find(
        &bytes,
        &TextOptions::default(),
        models.as_deref(),
        &loaded,
        read_lines,
    )?;
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
    if found.readings.is_some() {
        println!("box X,Y,W,H (as --box takes it), suggested or clear, kind (why), text read:");
    } else {
        println!("box X,Y,W,H (as --box takes it), confidence, corners when tilted:");
    }
    for (i, l) in found.lines.iter().enumerate() {
        let b = l.bbox;
        if let Some(r) = found.reading(i) {
            println!(
                "  {},{},{},{}  {}  {} ({})  {:?}",
                b.x,
                b.y,
                b.width,
                b.height,
                if found.suggested(i) {
                    "suggested"
                } else {
                    "clear    "
                },
                r.kind,
                r.why,
                r.text
            );
            continue;
        }
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
