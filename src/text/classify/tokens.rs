//! Tokens: the folded text cut into words, digit runs and single symbols.
//!
//! A word is a run of letters (with an apostrophe inside, as in O'Neill); a number is a run of
//! digits only, so "1.25", "12/03/1961" and "512x128" are several tokens and the rules put them
//! together. Each token knows whether a space came before it, because "12 03 1961" and
//! "12/03/1961" are read differently.

use super::fold::Folded;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum TokKind {
    Word,
    Num,
    Sym,
}

#[derive(Clone, Debug)]
pub(super) struct Tok {
    pub kind: TokKind,
    /// Folded characters of the token.
    pub range: Range<usize>,
    /// The folded text, and its lower case.
    pub text: String,
    pub lower: String,
    /// A space (or the start of the line) comes right before it.
    pub space_before: bool,
}

impl Tok {
    pub fn is_word(&self) -> bool {
        self.kind == TokKind::Word
    }
    pub fn is_num(&self) -> bool {
        self.kind == TokKind::Num
    }
    pub fn is_sym(&self, c: char) -> bool {
        self.kind == TokKind::Sym && self.text.starts_with(c)
    }
    /// The number's value, saturating (numbers here are short; a long run is an identifier).
    pub fn value(&self) -> u64 {
        self.text.bytes().fold(0u64, |v, b| {
            v.saturating_mul(10)
                .saturating_add(u64::from(b.wrapping_sub(b'0')))
        })
    }
    pub fn digits(&self) -> usize {
        if self.is_num() {
            self.text.len()
        } else {
            0
        }
    }
    /// Lower case without a possessive `'s` ("Doctor's" → "doctor").
    pub fn stem(&self) -> &str {
        self.lower.strip_suffix("'s").unwrap_or(&self.lower)
    }
    /// Title case (Jane) or upper case (JANE), letters only.
    pub fn name_cased(&self) -> bool {
        let mut cs = self.text.chars().filter(|c| *c != '\'');
        match cs.next() {
            Some(first) if first.is_uppercase() => {
                let rest: Vec<char> = cs.collect();
                rest.iter().all(|c| c.is_lowercase() || c.is_uppercase())
                    && (rest.iter().all(|c| c.is_uppercase())
                        || rest.iter().all(|c| c.is_lowercase())
                        || mixed_name(&self.text))
            }
            _ => false,
        }
    }
}

/// McDonald, MacLeod, O'Neill, DeSouza: a capital after Mc/Mac/O'/De is still a name shape.
fn mixed_name(t: &str) -> bool {
    ["Mc", "Mac", "O'", "De", "Di", "Le", "La", "Van", "Von"]
        .iter()
        .any(|p| {
            t.strip_prefix(p).is_some_and(|rest| {
                let mut cs = rest.chars().filter(|c| *c != '\'');
                cs.next().is_some_and(|c| c.is_uppercase()) && cs.all(|c| c.is_lowercase())
            })
        })
}

pub(super) fn tokenize(f: &Folded) -> Vec<Tok> {
    let cs = &f.chars;
    let n = cs.len();
    let mut toks = Vec::new();
    let mut i = 0;
    let mut space_before = true;
    while i < n {
        let c = cs[i];
        if c == ' ' {
            space_before = true;
            i += 1;
            continue;
        }
        let start = i;
        let kind = if c.is_alphabetic() {
            i += 1;
            while i < n
                && (cs[i].is_alphabetic()
                    || (cs[i] == '\'' && cs.get(i + 1).is_some_and(|c| c.is_alphabetic())))
            {
                i += 1;
            }
            TokKind::Word
        } else if c.is_ascii_digit() {
            while i < n && cs[i].is_ascii_digit() {
                i += 1;
            }
            TokKind::Num
        } else {
            i += 1;
            TokKind::Sym
        };
        let text: String = cs[start..i].iter().collect();
        let lower = text.to_lowercase();
        toks.push(Tok {
            kind,
            range: start..i,
            text,
            lower,
            space_before,
        });
        space_before = false;
    }
    toks
}

/// The folded-character range spanned by tokens `a..b` (empty if none).
pub(super) fn span(toks: &[Tok], a: usize, b: usize) -> Range<usize> {
    match (toks.get(a), b.checked_sub(1).and_then(|e| toks.get(e))) {
        (Some(x), Some(y)) if a < b => x.range.start..y.range.end,
        _ => 0..0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<(TokKind, String, bool)> {
        tokenize(&Folded::new(s))
            .into_iter()
            .map(|t| (t.kind, t.text, t.space_before))
            .collect()
    }

    #[test]
    fn splits_words_numbers_and_symbols() {
        use TokKind::*;
        let t = toks("DOB06/09/1961 O'Neill 265µm");
        let kinds: Vec<_> = t.iter().map(|x| (x.0, x.1.as_str())).collect();
        assert_eq!(
            kinds,
            vec![
                (Word, "DOB"),
                (Num, "06"),
                (Sym, "/"),
                (Num, "09"),
                (Sym, "/"),
                (Num, "1961"),
                (Word, "O'Neill"),
                (Num, "265"),
                (Word, "um"),
            ]
        );
        assert!(t[0].2 && !t[1].2 && t[6].2 && !t[8].2);
    }

    #[test]
    fn name_case() {
        let f = |s: &str| tokenize(&Folded::new(s))[0].name_cased();
        assert!(f("Jane") && f("JANE") && f("O'Neill") && f("McDonald") && f("MacLeod"));
        assert!(!f("jane") && !f("jANE") && !f("JaNe"));
    }

    #[test]
    fn values_saturate() {
        let t = tokenize(&Folded::new("99999999999999999999999999"));
        assert_eq!(t[0].value(), u64::MAX);
        assert_eq!(tokenize(&Folded::new("0042"))[0].value(), 42);
    }
}
