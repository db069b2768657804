//! Finding text in a file: decode it as redaction will see it (orientation applied, alpha
//! flattened), then run the text finder (`text/`) on those pixels. What the CLI's `occlude text`,
//! `redact --cover-suggested` and the finder's wasm module call. Reading the lines found (and
//! which to suggest) is `pipeline/read.rs`; [`TextImage::read`] runs it on the same pixels.

use crate::codec::decode::decode;
use crate::ground::colour::Rgb;
use crate::ground::error::{Error, Result};
use crate::ground::limits::check_size;
use crate::pipeline::read::{
    classify_reads, part_to_read, read_and_classify, suggested, LineReading,
};
use crate::raster::flatten::flatten_rgba;
use crate::text::finder::{find_text, is_clean_render};
use crate::text::line::{Mode, Options, Stats, TextLine};
use crate::text::net::Model;
use crate::text::read::{ReadLine, Reader};
use image::RgbImage;
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};

/// What a caller may ask of a run (the wasm request and the CLI's flags). Everything else is
/// the finder's tuned default.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
pub struct TextOptions {
    /// Which detector: `auto` (the default) picks the classical path for clean renders.
    pub mode: Option<Mode>,
    /// The colour transparency is flattened onto, as for redaction (default white).
    pub background: Option<Rgb>,
    /// Also read the lines and say which to suggest (needs the recogniser; the wasm edge and
    /// the worker go by it, the CLI reads whenever the recogniser is there).
    pub read: bool,
    /// How many workers may read at once (the worker goes by it; default: the device's cores,
    /// at most 3). The core reads in one thread whatever it says.
    pub readers: Option<u32>,
}

/// The lines found in an image, in pixels of the image as seen (the coordinates boxes use).
///
/// As JSON (`occlude text --json`, the wasm module): `{width, height, network, read, lines,
/// stats}`, each line `{x, y, width, height, quad, confidence, suggested}` and, when read,
/// also `{text, kind, why, readConfidence, chars}` (see [`LineReading`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TextFound {
    pub width: u32,
    pub height: u32,
    /// Whether the detector network ran (a photo) or the classical path (a clean render).
    pub network: bool,
    pub lines: Vec<TextLine>,
    /// One reading per line, in order, once [`TextImage::read`] has run; `None` before.
    pub readings: Option<Vec<LineReading>>,
    pub stats: Stats,
}

impl TextFound {
    /// The reading of line `i`, if the lines were read.
    pub fn reading(&self, i: usize) -> Option<&LineReading> {
        self.readings.as_ref().and_then(|r| r.get(i))
    }

    /// Whether line `i` is suggested for covering (every line when not read).
    pub fn suggested(&self, i: usize) -> bool {
        suggested(self.reading(i))
    }
}

impl Serialize for TextFound {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Line<'a> {
            #[serde(flatten)]
            line: &'a TextLine,
            suggested: bool,
            #[serde(flatten)]
            reading: Option<&'a LineReading>,
        }
        #[derive(Serialize)]
        struct Found<'a> {
            width: u32,
            height: u32,
            network: bool,
            read: bool,
            lines: Vec<Line<'a>>,
            stats: &'a Stats,
        }
        let lines = self
            .lines
            .iter()
            .enumerate()
            .map(|(i, line)| Line {
                line,
                suggested: self.suggested(i),
                reading: self.reading(i),
            })
            .collect();
        Found {
            width: self.width,
            height: self.height,
            network: self.network,
            read: self.readings.is_some(),
            lines,
            stats: &self.stats,
        }
        .serialize(s)
    }
}

/// An image ready for the finder: decoded once, so a caller can learn whether the detector's
/// weights are needed ([`TextImage::needs_model`]) before fetching or loading them.
pub struct TextImage {
    image: RgbImage,
}

impl TextImage {
    /// Decodes `input` as redaction does (limits, orientation, alpha onto the background).
    pub fn decode(input: &[u8], options: &TextOptions) -> Result<TextImage> {
        let decoded = decode(input, options.background.unwrap_or(Rgb::WHITE))?;
        Ok(TextImage {
            image: decoded.image,
        })
    }

    /// From RGBA pixels already decoded as seen (another module decoded the file); any alpha
    /// is flattened onto the background.
    pub fn from_rgba(
        width: u32,
        height: u32,
        rgba: &[u8],
        options: &TextOptions,
    ) -> Result<TextImage> {
        check_size(width, height)?;
        let want = u64::from(width) * u64::from(height) * 4;
        if rgba.len() as u64 != want {
            return Err(Error::BadOption {
                detail: format!(
                    "{} bytes of pixels for a {width} × {height} image (expected {want})",
                    rgba.len()
                ),
            });
        }
        let (image, _, _) = flatten_rgba(
            width,
            height,
            rgba,
            options.background.unwrap_or(Rgb::WHITE),
        );
        Ok(TextImage { image })
    }

    pub fn width(&self) -> u32 {
        self.image.width()
    }

    pub fn height(&self) -> u32 {
        self.image.height()
    }

    /// Whether finding text here needs the detector (the picture is not a clean render).
    pub fn needs_model(&self, options: &TextOptions) -> bool {
        match options.mode.unwrap_or(Mode::Auto) {
            Mode::Auto => !is_clean_render(&self.image),
            Mode::Classical => false,
            Mode::Network => true,
        }
    }

    /// The lines of text. `progress` hears the fraction done; returning `false` cancels
    /// ([`Error::Cancelled`]). Without `model`, a picture that needs it fails with
    /// [`Error::NoTextModel`].
    pub fn find(
        &self,
        model: Option<&Model>,
        options: &TextOptions,
        progress: &mut dyn FnMut(f32) -> bool,
    ) -> Result<TextFound> {
        let settings = Options {
            mode: options.mode.unwrap_or(Mode::Auto),
            ..Options::default()
        };
        let (lines, stats) = find_text(&self.image, model, &settings, progress)?;
        Ok(TextFound {
            width: self.image.width(),
            height: self.image.height(),
            network: stats.network,
            lines,
            readings: None,
            stats,
        })
    }

    /// Reads the lines of `found` (found in this image) and classifies them: fills
    /// `found.readings`. `progress` hears the fraction done; returning `false` cancels.
    pub fn read(
        &self,
        found: &mut TextFound,
        reader: &Reader,
        progress: &mut dyn FnMut(f32) -> bool,
    ) -> Result<()> {
        if (found.width, found.height) != self.image.dimensions() {
            return Err(Error::BadOption {
                detail: "the lines to read were found in another image".into(),
            });
        }
        found.readings = Some(read_and_classify(
            &self.image,
            &found.lines,
            reader,
            progress,
        )?);
        Ok(())
    }
}

impl TextImage {
    /// The lines `which` (indices into `found.lines`, found in this image) as a part to read in
    /// this or another instance (`pipeline::read::read_part`); the readings of every part, put
    /// back in the lines' order, then go to [`TextFound::set_reads`]. Reading in parts gives
    /// what [`TextImage::read`] gives: it is how the worker spreads a long reading over the
    /// device's cores.
    pub fn part_to_read(&self, found: &TextFound, which: &[usize]) -> Result<Vec<u8>> {
        if (found.width, found.height) != self.image.dimensions() {
            return Err(Error::BadOption {
                detail: "the lines to read were found in another image".into(),
            });
        }
        let lines = which
            .iter()
            .map(|&i| {
                found.lines.get(i).cloned().ok_or_else(|| Error::BadOption {
                    detail: format!("line {i} of {}", found.lines.len()),
                })
            })
            .collect::<Result<Vec<TextLine>>>()?;
        part_to_read(&self.image, &lines)
    }
}

impl TextFound {
    /// What reading each line costs (its strip's width in columns, to share a reading out
    /// evenly), in order.
    pub fn reading_costs(&self) -> Vec<u32> {
        let o = crate::text::read::ReadOptions::default();
        self.lines
            .iter()
            .map(|l| crate::text::read::reading_cost(l, &o))
            .collect()
    }

    /// Classifies the lines as read in parts (`reads`: one per line, in order) and keeps the
    /// readings, as [`TextImage::read`] does.
    pub fn set_reads(&mut self, reads: Vec<ReadLine>) -> Result<()> {
        self.readings = Some(classify_reads(&self.lines, reads)?);
        Ok(())
    }
}

/// Decodes `input` and finds its lines of text in one call (see [`TextImage`]).
pub fn find_text_in_file(
    input: &[u8],
    model: Option<&Model>,
    options: &TextOptions,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<TextFound> {
    TextImage::decode(input, options)?.find(model, options, progress)
}

/// Loads the text detector from the bytes of its `.onnx` file (`ppocrv5_det.onnx`).
pub fn load_model(bytes: Vec<u8>) -> Result<Model> {
    Ok(Model::from_bytes(bytes)?)
}
