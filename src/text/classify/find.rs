//! "Cover every…": finding a word or name in every line.
//!
//! Text and query are both reduced to their letters and digits, lower case, accents dropped,
//! with the recogniser's usual confusions made equal: 0/o, 1/l/i/I/|, 5/s, 8/b, "rn"/m and
//! "vv"/w. Spaces and punctuation are ignored, so "Jane Doe" finds "JaneDoe", "Jane  Doe" and
//! "JANE-DOE"; a match must start and end at word edges (a space or punctuation, a change
//! from lower to upper case, or between letters and digits), so "Jane" does not find "Janet".
//! A query of six or more characters also finds text one slip away (a letter missed, added
//! or misread: "O'Neill" finds "ONeil").
//!
//! A query of several words finds the whole phrase, and also each word of three or more
//! characters on its own: "Jane Doe" covers "DOE, JANE" and a lone "Doe" in a footer.

use super::fold::Folded;
use super::model::{merged, Line};
use std::ops::Range;

/// One comparable character and the folded characters it stands for.
#[derive(Clone, Copy, Debug)]
struct C {
    c: char,
    from: usize,
    to: usize,
    /// A word starts here.
    edge: bool,
}

fn class(c: char) -> char {
    match c {
        '0' => 'o',
        '1' | 'i' | '|' => 'l',
        '5' => 's',
        '8' => 'b',
        _ => c,
    }
}

fn comparable(f: &Folded) -> Vec<C> {
    let cs = &f.chars;
    let mut out: Vec<C> = Vec::with_capacity(cs.len());
    let keep = |c: char| c.is_alphabetic() || c.is_ascii_digit() || c == '|';
    for (k, &c) in cs.iter().enumerate() {
        if !keep(c) {
            continue;
        }
        let prev = k.checked_sub(1).and_then(|p| cs.get(p)).copied();
        let edge = match prev {
            None => true,
            Some(p) if !keep(p) => true,
            Some(p) => {
                (p.is_lowercase() && c.is_uppercase()) || (p.is_ascii_digit() != c.is_ascii_digit())
            }
        };
        let lower = c.to_lowercase().next().unwrap_or(c);
        out.push(C {
            c: class(lower),
            from: k,
            to: k + 1,
            edge,
        });
    }
    // "rn" reads like "m", "vv" like "w": merge them so either spelling compares equal.
    let mut merged: Vec<C> = Vec::with_capacity(out.len());
    for x in out {
        match merged.last_mut() {
            Some(last)
                if !x.edge && ((last.c == 'r' && x.c == 'n') || (last.c == 'v' && x.c == 'v')) =>
            {
                last.c = if x.c == 'n' { 'm' } else { 'w' };
                last.to = x.to;
            }
            _ => merged.push(x),
        }
    }
    merged
}

/// At most one character inserted, deleted or changed between `a` and `b`.
fn within_one(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    match long.len() - short.len() {
        0 => short.iter().zip(long).filter(|(x, y)| x != y).count() <= 1,
        1 => {
            let first_diff = short
                .iter()
                .zip(long)
                .position(|(x, y)| x != y)
                .unwrap_or(short.len());
            short.get(first_diff..) == long.get(first_diff + 1..)
        }
        _ => false,
    }
}

/// Ranges (folded characters) in `f` where `query` (already comparable) occurs.
fn find_in(f: &Folded, text: &[C], query: &[char]) -> Vec<Range<usize>> {
    let m = query.len();
    let mut found = Vec::new();
    if m == 0 {
        return found;
    }
    let slack = usize::from(m >= 6);
    let ends_at_edge = |e: usize| e == text.len() || text.get(e).is_some_and(|x| x.edge);
    let mut s = 0;
    while s < text.len() {
        if !text[s].edge {
            s += 1;
            continue;
        }
        let lo = (s + m).saturating_sub(slack);
        let hi = (s + m + slack).min(text.len());
        let mut hit = None;
        // Prefer the exact length, then shorter, then longer.
        for e in [s + m, lo, hi] {
            if e <= s || e > text.len() || !ends_at_edge(e) {
                continue;
            }
            let cand: Vec<char> = text[s..e].iter().map(|x| x.c).collect();
            if cand == query || (slack == 1 && within_one(&cand, query)) {
                hit = Some(e);
                break;
            }
        }
        match hit {
            Some(e) => {
                let (a, b) = (text[s].from, text[e - 1].to);
                found.push(a.min(f.chars.len())..b.min(f.chars.len()));
                s = e;
            }
            None => s += 1,
        }
    }
    found
}

/// The query and, if it has several words, each word of three or more characters.
fn queries(query: &str) -> Vec<Vec<char>> {
    let whole: Vec<char> = comparable(&Folded::new(query))
        .iter()
        .map(|x| x.c)
        .collect();
    let mut out = vec![whole];
    let words: Vec<Vec<char>> = query
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|w| {
            comparable(&Folded::new(w))
                .iter()
                .map(|x| x.c)
                .collect::<Vec<char>>()
        })
        .filter(|w| w.len() >= 3)
        .collect();
    if words.len() > 1 {
        out.extend(words);
    }
    out.retain(|q| !q.is_empty());
    out
}

/// Finds `query` in every line (see the module doc): (line index, character range in the
/// line's text), sorted, overlapping ranges merged.
pub fn find_occurrences(query: &str, lines: &[Line]) -> Vec<(usize, Range<usize>)> {
    let qs = queries(query);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let f = Folded::new(&line.text);
        for r in occurrences_folded(&f, &qs) {
            out.push((i, f.char_range(r)));
        }
    }
    out
}

/// Where any of `qs` occurs in `f` (folded ranges, sorted and merged).
pub(super) fn occurrences_folded(f: &Folded, qs: &[Vec<char>]) -> Vec<Range<usize>> {
    let text = comparable(f);
    merged(qs.iter().flat_map(|q| find_in(f, &text, q)).collect())
}

/// A single word made comparable (for names learned from the image itself).
pub(super) fn comparable_word(word: &str) -> Vec<char> {
    comparable(&Folded::new(word)).iter().map(|x| x.c).collect()
}

#[cfg(test)]
mod tests {
    use super::super::model::PxBox;
    use super::*;

    fn lines(texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .map(|t| Line {
                text: t.to_string(),
                confidence: 0.99,
                bbox: PxBox::default(),
            })
            .collect()
    }

    fn found(query: &str, texts: &[&str]) -> Vec<(usize, String)> {
        let ls = lines(texts);
        find_occurrences(query, &ls)
            .into_iter()
            .map(|(i, r)| (i, ls[i].text.chars().skip(r.start).take(r.len()).collect()))
            .collect()
    }

    #[test]
    fn case_accents_and_spacing() {
        assert_eq!(
            found(
                "jane doe",
                &[
                    "Name: DOE, JANE",
                    "Optix Practice Manager — Jane Doe",
                    "JaneDoe.pdf"
                ]
            ),
            vec![
                (0, "DOE".into()),
                (0, "JANE".into()),
                (1, "Jane Doe".into()),
                (2, "JaneDoe".into())
            ]
        );
        assert_eq!(
            found("Zoe", &["Patient: Zoë Ångström"]),
            vec![(0, "Zoë".into())]
        );
        assert_eq!(
            found("Ångström", &["ANGSTROM, Zoe"]),
            vec![(0, "ANGSTROM".into())]
        );
    }

    #[test]
    fn ocr_confusions() {
        assert_eq!(
            found("O'Neill", &["Mr John 0'NeiII"]),
            vec![(0, "0'NeiII".into())]
        );
        assert_eq!(
            found("Smith", &["SMlTH, Jane", "Srnith"]),
            vec![(0, "SMlTH".into()), (1, "Srnith".into())]
        );
        assert_eq!(
            found("Riverside", &["Rivers1de Eye Centre", "Riversde"]),
            vec![(0, "Rivers1de".into()), (1, "Riversde".into()),]
        );
        assert_eq!(
            found("RX4821936", &["ID: RX482l936"]),
            vec![(0, "RX482l936".into())]
        );
    }

    #[test]
    fn readme_examples() {
        assert_eq!(
            found("O'Neill", &["Mr John ONeil"]),
            vec![(0, "ONeil".into())]
        );
        assert_eq!(
            found("Jane Doe", &["Jane  Doe"]),
            vec![(0, "Jane  Doe".into())]
        );
        assert!(found("Jane", &["Janet"]).is_empty());
    }

    #[test]
    fn whole_words_only() {
        assert!(found("Jane", &["Janet Example", "Mary-Jane"]).len() == 1);
        assert_eq!(found("Jane", &["Mary-Jane"]), vec![(0, "Jane".into())]);
        assert!(found("Ann", &["Annual review", "Joanne"]).is_empty());
        assert!(found("Doe", &["Does not apply"]).is_empty());
        // Short queries get no slip: "Lee" does not find "Leg".
        assert!(found("Lee", &["Leg"]).is_empty());
        assert!(found("  ", &["anything"]).is_empty());
        assert!(found("", &[]).is_empty());
    }

    #[test]
    fn ranges_are_characters_of_the_original() {
        let ls = lines(&["µm Zoë Smith"]);
        assert_eq!(find_occurrences("smith", &ls), vec![(0, 7..12)]);
        assert_eq!(find_occurrences("zoe", &ls), vec![(0, 3..6)]);
    }

    #[test]
    fn one_slip_at_most() {
        assert!(within_one(&['a', 'b', 'c'], &['a', 'x', 'c']));
        assert!(within_one(&['a', 'b', 'c'], &['a', 'c']));
        assert!(!within_one(&['a', 'b', 'c'], &['x', 'y', 'c']));
        assert!(!within_one(&['a'], &['a', 'b', 'c']));
    }
}
