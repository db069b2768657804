//! Reading the lines found, and "Cover every…": the recogniser (`text/read.rs`) reads each line
//! of a [`TextFound`](super::text::TextFound), the classifier (`text/classify/`) says which
//! lines to suggest, and [`cover_text`] boxes each place a word occurs. What the CLI's `occlude
//! text`, `redact --cover-suggested` / `--cover-text` and the finder's wasm module call.
//!
//! The policy (issue 17): every line is suggested except those the classifier is confident are
//! clinical (its every word clinical vocabulary, its every number a measurement, read with
//! confidence ≥ 0.80). Without reading, every line is suggested.

use crate::ground::error::{Error, Result};
use crate::ground::geometry::PixelBox;
use crate::text::classify::{self, Kind, Why};
use crate::text::line::TextLine;
use crate::text::read::{self, ReadLine, ReadOptions, Reader};
use image::RgbImage;
use serde::{Deserialize, Serialize};

/// One line as read and classified (the fields `occlude text --json`, the worker and the API
/// add to a found line).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineReading {
    /// The text as read ("" when nothing could be read).
    pub text: String,
    /// `identifier`, `clinical` or `other`.
    pub kind: &'static str,
    /// Why, in plain words for the safety net ("a date", "an NHS number", "clinical: IOP",
    /// "low confidence").
    pub why: String,
    /// The safety net's words for this line if it is left uncovered: `why` and the part of
    /// the text that is identifying ("a date, 12/03/1961"; for other lines, the whole text).
    pub safety_net: String,
    /// 0–1: the recogniser's mean confidence over the characters read.
    #[serde(serialize_with = "three_decimals")]
    pub read_confidence: f32,
    /// For each character of `text` (Unicode scalar values, as JavaScript's `[...text]` counts
    /// them), its extent along the line as fractions 0–1 of the line's length, from its start
    /// as read (4 decimals): what "Cover every…" boxes one word inside a line with.
    #[serde(serialize_with = "spans_compact")]
    pub chars: Vec<[f32; 2]>,
}

fn three_decimals<S: serde::Serializer>(v: &f32, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_f64((f64::from(*v) * 1000.0).round() / 1000.0)
}

fn spans_compact<S: serde::Serializer>(
    spans: &[[f32; 2]],
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    let round = |v: f32| (f64::from(v) * 10_000.0).round() / 10_000.0;
    s.collect_seq(spans.iter().map(|[a, b]| [round(*a), round(*b)]))
}

/// Whether a line is suggested: with a reading, unless confidently clinical; without, always.
pub fn suggested(reading: Option<&LineReading>) -> bool {
    reading.map_or(true, |r| r.kind != Kind::Clinical.as_str())
}

/// The `why` of a verdict, as [`LineReading::why`] gives it.
fn why_words(why: Why) -> String {
    match why {
        Why::Clinical(topic) => format!("clinical: {}", topic.phrase()),
        Why::LowConfidence => "low confidence".into(),
        other => other.what().into(),
    }
}

/// Reads every line of `lines` in `image` and classifies them (one reading per line, in order).
/// `progress` hears the fraction done; returning `false` cancels ([`Error::Cancelled`]).
pub fn read_and_classify(
    image: &RgbImage,
    lines: &[TextLine],
    reader: &Reader,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<Vec<LineReading>> {
    let (reads, _) = read::read_lines(image, lines, reader, &ReadOptions::default(), progress)?;
    classify_reads(lines, reads)
}

/// Classifies `lines` as read (`reads`: one per line, in order, from [`read::read_lines`] or
/// from parts read by [`read_part`]): what [`read_and_classify`] gives.
pub fn classify_reads(lines: &[TextLine], reads: Vec<ReadLine>) -> Result<Vec<LineReading>> {
    if reads.len() != lines.len() {
        return Err(Error::BadOption {
            detail: format!("{} readings for {} lines", reads.len(), lines.len()),
        });
    }
    let verdicts = classify::classify(&read::classify_lines(lines, &reads));
    Ok(reads
        .into_iter()
        .zip(verdicts)
        .map(|(r, v)| LineReading {
            kind: v.kind.as_str(),
            why: why_words(v.why),
            safety_net: v.safety_net(&r.text),
            read_confidence: r.confidence,
            chars: r.spans,
            text: r.text,
        })
        .collect())
}

/// The strips of `lines` of `image` (the default reading's), as one buffer [`read_part`] takes
/// in this or another instance: what reading a part of an image's lines needs, without the
/// image. Empty for an empty image.
pub fn part_to_read(image: &RgbImage, lines: &[TextLine]) -> Result<Vec<u8>> {
    let o = ReadOptions::default();
    let strips = if lines.is_empty() {
        Vec::new()
    } else {
        read::line_strips(image, lines, &o)?
    };
    Ok(read::encode_strips(&strips, o.height))
}

/// Reads the lines of a part ([`part_to_read`]): one [`ReadLine`] per line, in order, each the
/// same as reading all the image's lines at once gives for it. A buffer that is not such a
/// part fails with [`Error::BadOption`]; `progress` as in [`read_and_classify`].
pub fn read_part(
    part: &[u8],
    reader: &Reader,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<Vec<ReadLine>> {
    let o = ReadOptions::default();
    let strips = read::decode_strips(part, o.height)?;
    Ok(read::read_strips(&strips, reader, &o, progress)?.0)
}

/// Loads the recogniser from the bytes of `ppocrv5_rec.onnx` and the text of its dictionary
/// `ppocr_keys_v5.txt`.
pub fn load_reader(rec: Vec<u8>, dict: &str) -> Result<Reader> {
    Ok(Reader::from_bytes(rec, dict)?)
}

/// A found line as "Cover every…" takes it back: its box, its corners when tilted, and what was
/// read (`text`, `chars`); any other field is ignored. A line never read is skipped.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CoverLine {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub quad: Option<[[f32; 2]; 4]>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub chars: Option<Vec<[f32; 2]>>,
}

impl CoverLine {
    /// From a line as found and, if it was read, its reading.
    pub fn new(line: &TextLine, reading: Option<&LineReading>) -> CoverLine {
        let b = line.bbox;
        CoverLine {
            x: b.x,
            y: b.y,
            width: b.width,
            height: b.height,
            quad: line.quad,
            text: reading.map(|r| r.text.clone()),
            chars: reading.map(|r| r.chars.clone()),
        }
    }
}

/// One place "Cover every…" found a word.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverHit {
    /// Index of the line in the list given.
    pub line: usize,
    /// The text found there, as read.
    pub text: String,
}

/// What [`cover_text`] gives: a box per occurrence (whole pixels, rounded outwards, clipped to
/// the image when its size is known) and, in the same order, where each was found.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Covered {
    pub boxes: Vec<PixelBox>,
    pub found: Vec<CoverHit>,
}

/// Each character's place is approximate (from the recogniser's time steps): a box is grown
/// along the line by this share of the line's height on each side.
pub const COVER_PAD: f32 = 0.15;

/// "Cover every…": a box over each occurrence of any of `words` in the lines read (case- and
/// accent-insensitive, whole words, the recogniser's usual confusions allowed; see
/// `text/classify/find.rs`). `size` is the image's (width, height) to clip to, if known.
pub fn cover_text(lines: &[CoverLine], words: &[String], size: Option<(u32, u32)>) -> Covered {
    let (w, h) = size.unwrap_or((u32::MAX, u32::MAX));
    // Lines never read, or whose positions do not match their text, are left out.
    let usable: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            let l = &lines[i];
            matches!((&l.text, &l.chars), (Some(t), Some(c)) if t.chars().count() == c.len())
        })
        .collect();
    let reads: Vec<ReadLine> = usable
        .iter()
        .map(|&i| {
            let l = &lines[i];
            let found = TextLine {
                bbox: PixelBox {
                    x: l.x,
                    y: l.y,
                    width: l.width,
                    height: l.height,
                },
                quad: l.quad.filter(|q| q.iter().flatten().all(|v| v.is_finite())),
                confidence: 1.0,
            };
            ReadLine {
                text: l.text.clone().unwrap_or_default(),
                confidence: 1.0,
                spans: l.chars.clone().unwrap_or_default(),
                corners: read::corners(&found),
            }
        })
        .collect();
    let cls: Vec<classify::Line> = reads
        .iter()
        .map(|r| classify::Line {
            text: r.text.clone(),
            confidence: 1.0,
            bbox: classify::PxBox::default(),
        })
        .collect();
    let mut out = Covered::default();
    let mut hits: Vec<(usize, std::ops::Range<usize>)> = words
        .iter()
        .filter(|w| !w.trim().is_empty())
        .flat_map(|w| classify::find_occurrences(w, &cls))
        .collect();
    hits.sort_by_key(|(i, r)| (*i, r.start, r.end));
    hits.dedup();
    for (k, range) in hits {
        let Some(read) = reads.get(k) else { continue };
        if let Some(b) = read.char_box(range.clone(), COVER_PAD, w, h) {
            out.boxes.push(b);
            out.found.push(CoverHit {
                line: usable[k],
                text: read
                    .text
                    .chars()
                    .skip(range.start)
                    .take(range.len())
                    .collect(),
            });
        }
    }
    out
}

/// The words of "Cover every…" checked: at least one, none empty. The error says what to give.
pub fn check_words(words: &[String]) -> Result<()> {
    if words.is_empty() || words.iter().any(|w| !w.chars().any(char::is_alphanumeric)) {
        return Err(Error::BadOption {
            detail: "cover every: give one or more words, each with a letter or digit".into(),
        });
    }
    Ok(())
}
