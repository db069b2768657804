//! Rules that read several lines together, using the boxes:
//!
//! - a label waiting for a value ("Name:", "Patient ID") makes the line to its right, or else
//!   the line just below it, an identifier; the lines under an Address label continue it;
//! - a name or practice name found on one line makes every other line where it appears an
//!   identifier (the window title, a footer, a second panel);
//! - the same text on two or more lines that are not clinical (a header and a footer) is
//!   taken for the practice's name;
//! - a bare fraction ("6/9") is an acuity when the line left of it or above it says VA, RE…

use super::clinical::{has_fraction_context, Explained};
use super::find;
use super::geometry::{above, below, left_of, right_of};
use super::labels;
use super::line::Read;
use super::model::{Hit, Label, PxBox, Why};
use super::tokens::Tok;
use super::vocab;

fn whole(r: &Read) -> std::ops::Range<usize> {
    0..r.folded.chars.len()
}

pub(super) fn label_values(boxes: &[PxBox], read: &mut [Read]) {
    let mut add: Vec<(usize, Why)> = Vec::new();
    for i in 0..read.len() {
        if let Some(label) = read[i].labels.waiting {
            let not_a_label = |j: usize| read.get(j).is_some_and(|r| r.labels.only.is_none());
            let value = right_of(boxes, i, not_a_label).or_else(|| below(boxes, i, not_a_label));
            if let Some(j) = value {
                add.push((j, Why::NearLabel(label)));
            }
        }
        if read[i].labels.address {
            // Up to three more lines of the address below, until a line with its own label.
            let unlabelled = |j: usize| {
                read.get(j)
                    .is_some_and(|r| r.labels.hits.is_empty() && r.labels.waiting.is_none())
            };
            let mut k = i;
            for _ in 0..3 {
                match below(boxes, k, unlabelled) {
                    Some(j) => {
                        add.push((j, Why::NearLabel(Label::Address)));
                        k = j;
                    }
                    None => break,
                }
            }
        }
    }
    for (j, why) in add {
        if let Some(r) = read.get_mut(j) {
            let range = whole(r);
            r.hits.push(Hit { why, range });
        }
    }
}

/// A hit whose words are a person's or a practice's name.
fn names_someone(why: Why) -> bool {
    match why {
        Why::Name | Why::PracticeName => true,
        Why::AfterLabel(l) | Why::NearLabel(l) => l.names_someone(),
        _ => false,
    }
}

/// A word worth searching for elsewhere: three letters or more, and not a clinical word,
/// a title, a month, an organisation word or a label.
fn distinctive(t: &Tok) -> bool {
    t.is_word()
        && t.text.chars().count() >= 3
        && vocab::clinical(t.stem()).is_none()
        && !vocab::honorific(&t.lower)
        && vocab::month(&t.lower).is_none()
        && vocab::org_words(&t.lower, None) == 0
        && !labels::is_label_word(t.stem())
}

pub(super) fn names_elsewhere(read: &mut [Read]) {
    let mut words: Vec<Vec<char>> = Vec::new();
    for r in read.iter() {
        for h in r.hits.iter().filter(|h| names_someone(h.why)) {
            for t in r
                .toks
                .iter()
                .filter(|t| t.range.start >= h.range.start && t.range.end <= h.range.end)
            {
                if distinctive(t) {
                    let w = find::comparable_word(&t.text);
                    if !words.contains(&w) {
                        words.push(w);
                    }
                }
            }
        }
    }
    if words.is_empty() {
        return;
    }
    for r in read.iter_mut() {
        let found = find::occurrences_folded(&r.folded, &words);
        for range in found {
            let covered = r
                .hits
                .iter()
                .any(|h| h.range.start <= range.start && range.end <= h.range.end);
            if !covered {
                r.hits.push(Hit {
                    why: Why::SeenElsewhere,
                    range,
                });
            }
        }
    }
}

/// Comparable text of a line, for spotting repeats.
fn key(r: &Read) -> String {
    r.toks
        .iter()
        .filter(|t| t.is_word() || t.is_num())
        .map(|t| t.lower.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn repeats(read: &mut [Read], explained: &[Explained]) {
    let candidate = |r: &Read, e: Option<&Explained>| {
        r.hits.is_empty()
            && r.labels.only.is_none()
            && !e.is_some_and(|e| e.clinical)
            && r.toks
                .iter()
                .filter(|t| t.is_word())
                .map(|t| t.text.chars().count())
                .sum::<usize>()
                >= 6
    };
    let keys: Vec<Option<String>> = read
        .iter()
        .enumerate()
        .map(|(i, r)| candidate(r, explained.get(i)).then(|| key(r)))
        .collect();
    for (i, r) in read.iter_mut().enumerate() {
        let Some(Some(k)) = keys.get(i) else { continue };
        let twice = keys
            .iter()
            .enumerate()
            .any(|(j, o)| j != i && o.as_ref() == Some(k));
        if twice {
            let range = whole(r);
            r.hits.push(Hit {
                why: Why::Repeats,
                range,
            });
        }
    }
}

/// One step along a row or up a column (`left_of`, `above`).
type Step = fn(&[PxBox], usize, fn(usize) -> bool) -> Option<usize>;

/// Line `i`'s row or column header says VA, RE, IOP…: the nearest line to its left or above
/// it does, or the first line that is not a bare value ("6/6", "+1.25", "90"), walking left
/// along its row or up its column (a table: "VA" over "6/5" over "6/6"; "R" before "+1.25 …
/// 6/6"). A value on the way that an identifier rule caught ends the walk.
pub(super) fn fraction_context_near(boxes: &[PxBox], read: &[Read], i: usize) -> bool {
    let all = |_| true;
    let steps: [Step; 2] = [|b, i, k| left_of(b, i, k), |b, i, k| above(b, i, k)];
    steps.iter().any(|step| {
        let mut k = i;
        for _ in 0..6 {
            let Some(r) = step(boxes, k, all).and_then(|j| read.get(j).map(|r| (j, r))) else {
                return false;
            };
            let (j, r) = r;
            if has_fraction_context(&r.toks) {
                return true;
            }
            let value = r.hits.is_empty()
                && r.toks.iter().any(|t| t.is_num())
                && !r.toks.iter().any(|t| t.is_word());
            if !value {
                return false;
            }
            k = j;
        }
        false
    })
}
