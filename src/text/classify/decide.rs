//! The one call: every line of an image scanned by the single-line rules, then the rules that
//! need several lines, then each line's verdict (see the folder's `mod.rs`).

use super::clinical;
use super::context;
use super::fold;
use super::ident;
use super::labels;
use super::line::Read;
use super::model::{merged, Hit, Kind, Line, PxBox, Verdict, Why, MIN_CONFIDENCE};
use super::tokens;
use std::ops::Range;

/// Decides every line of one image (see the module doc). One verdict per line, in order.
pub fn classify(lines: &[Line]) -> Vec<Verdict> {
    let mut read: Vec<Read> = lines
        .iter()
        .map(|l| {
            let folded = fold::Folded::new(&l.text);
            let toks = tokens::tokenize(&folded);
            let mut hits = ident::scan(&folded, &toks);
            let labels = labels::scan(&toks);
            hits.extend(labels.hits.iter().cloned());
            Read {
                folded,
                toks,
                hits,
                labels,
            }
        })
        .collect();
    let boxes: Vec<PxBox> = lines.iter().map(|l| l.bbox).collect();
    context::label_values(&boxes, &mut read);
    context::names_elsewhere(&mut read);
    let explained: Vec<clinical::Explained> = (0..read.len())
        .map(|i| {
            let near = context::fraction_context_near(&boxes, &read, i);
            clinical::explain(&read[i].toks, near)
        })
        .collect();
    context::repeats(&mut read, &explained);
    read.iter()
        .zip(&explained)
        .zip(lines)
        .map(|((r, e), line)| verdict(r, e, line.confidence))
        .collect()
}

fn verdict(r: &Read, e: &clinical::Explained, confidence: f32) -> Verdict {
    let confident = confidence >= MIN_CONFIDENCE; // NaN compares false: not confident
    let rank = |h: &Hit| match h.why {
        Why::AfterLabel(_) | Why::NearLabel(_) => 0,
        _ => 1,
    };
    let first = r.hits.iter().min_by_key(|h| (h.range.start, rank(h)));
    let why = match first {
        Some(h) => h.why,
        None if !r.toks.iter().any(|t| t.is_word() || t.is_num()) => Why::NoText,
        None => match r.labels.only {
            Some(l) => Why::LabelOnly(l),
            None if e.clinical && confident => Why::Clinical(e.topic),
            None if e.clinical => Why::LowConfidence,
            None if e.ambiguous => Why::Ambiguous,
            None => Why::Unrecognised,
        },
    };
    let kind = why.kind();
    Verdict {
        kind,
        suggested: kind != Kind::Clinical,
        why,
        what: why.what(),
        parts: parts(r),
    }
}

/// The hits' byte ranges, sorted and merged.
fn parts(r: &Read) -> Vec<Range<usize>> {
    merged(
        r.hits
            .iter()
            .map(|h| r.folded.byte_range(h.range.clone()))
            .collect(),
    )
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod table_tests;
#[cfg(test)]
#[path = "tests.rs"]
mod tests;
