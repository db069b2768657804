//! Folding: the OCR's text made comparable, with a map back to the original.
//!
//! Every rule reads the folded text: accents dropped (é → e, ß → ss), micro signs read as
//! `u` (µm → um), every dash as `-`, curly quotes as `'`, the full-width punctuation that a
//! Chinese+Latin recogniser emits (`：`, `（`) as ASCII, look-alike Greek and Cyrillic capitals
//! as Latin, and every kind of space as one space. Case is kept (names are found by it).
//!
//! Then the common OCR slips inside numbers are repaired: a lone `O`/`o` touching a digit
//! becomes `0`, a lone `l`/`I`/`|` becomes `1`, a lone `S` becomes `5` ("l0:42" → "10:42",
//! "12/O3/196l" → "12/03/1961"). "Lone" means the letter is not part of a longer word, so
//! "OS6/9" (a dropped space after OS) stays OS.
//!
//! Each folded character remembers the original character it came from, so a range found in
//! the folded text maps back to bytes or characters of the OCR's string.

use std::ops::Range;

/// Where one folded character came from in the original text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Origin {
    /// Byte range of the original character.
    pub byte: usize,
    pub byte_end: usize,
    /// Index of the original character (in `chars()` order).
    pub ch: usize,
}

/// The folded text of one line.
#[derive(Clone, Debug)]
pub(super) struct Folded {
    pub chars: Vec<char>,
    pub origin: Vec<Origin>,
}

impl Folded {
    pub fn new(text: &str) -> Folded {
        let mut chars = Vec::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        for (ch, (byte, c)) in text.char_indices().enumerate() {
            let o = Origin {
                byte,
                byte_end: byte + c.len_utf8(),
                ch,
            };
            fold_char(c, &mut |f| {
                chars.push(f);
                origin.push(o);
            });
        }
        repair_digits(&mut chars);
        Folded { chars, origin }
    }

    /// Original byte range covered by folded characters `r` (empty if `r` is empty).
    pub fn byte_range(&self, r: Range<usize>) -> Range<usize> {
        match (
            self.origin.get(r.start),
            r.end.checked_sub(1).and_then(|e| self.origin.get(e)),
        ) {
            (Some(a), Some(b)) if r.start < r.end => a.byte..b.byte_end,
            _ => 0..0,
        }
    }

    /// Original character range covered by folded characters `r` (empty if `r` is empty).
    pub fn char_range(&self, r: Range<usize>) -> Range<usize> {
        match (
            self.origin.get(r.start),
            r.end.checked_sub(1).and_then(|e| self.origin.get(e)),
        ) {
            (Some(a), Some(b)) if r.start < r.end => a.ch..b.ch + 1,
            _ => 0..0,
        }
    }

    #[cfg(test)]
    pub fn text(&self, r: Range<usize>) -> String {
        self.chars
            .get(r)
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }
}

/// Latin-1 Supplement and Latin Extended-A letters (U+00C0..U+017F) without their marks;
/// `*` marks the few handled in `fold_char` (two-letter ligatures, × and ÷).
const LATIN: &[u8; 192] = b"AAAAAA*CEEEEIIIIDNOOOOO*OUUUUYT*aaaaaa*ceeeeiiiidnooooo*ouuuuyty\
AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIi**JjKkkLlLlLlL\
lLlNnNnNnnNnOoOoOo**RrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";

/// Greek and Cyrillic capitals (and a few small letters) that look like Latin ones.
const LOOKALIKES: &[(char, char)] = &[
    ('Α', 'A'),
    ('Β', 'B'),
    ('Ε', 'E'),
    ('Ζ', 'Z'),
    ('Η', 'H'),
    ('Ι', 'I'),
    ('Κ', 'K'),
    ('Μ', 'M'),
    ('Ν', 'N'),
    ('Ο', 'O'),
    ('Ρ', 'P'),
    ('Τ', 'T'),
    ('Υ', 'Y'),
    ('Χ', 'X'),
    ('ο', 'o'),
    ('А', 'A'),
    ('В', 'B'),
    ('Е', 'E'),
    ('К', 'K'),
    ('М', 'M'),
    ('Н', 'H'),
    ('О', 'O'),
    ('Р', 'P'),
    ('С', 'C'),
    ('Т', 'T'),
    ('Х', 'X'),
    ('а', 'a'),
    ('е', 'e'),
    ('о', 'o'),
    ('р', 'p'),
    ('с', 'c'),
    ('у', 'y'),
    ('х', 'x'),
    ('і', 'i'),
    ('І', 'I'),
];

/// Emits the folded form of one character (none, one or two characters).
pub(super) fn fold_char(c: char, out: &mut impl FnMut(char)) {
    let two = |a: char, b: char, out: &mut dyn FnMut(char)| {
        out(a);
        out(b);
    };
    match c {
        _ if c.is_ascii() && !c.is_ascii_control() => out(c),
        _ if c.is_whitespace() || c.is_control() => out(' '),
        'Æ' => two('A', 'E', out),
        'æ' => two('a', 'e', out),
        'ß' => two('s', 's', out),
        'Ĳ' => two('I', 'J', out),
        'ĳ' => two('i', 'j', out),
        'Œ' => two('O', 'E', out),
        'œ' => two('o', 'e', out),
        '×' => out('x'),
        '÷' => out('/'),
        '\u{C0}'..='\u{17F}' => {
            let i = c as usize - 0xC0;
            out(LATIN.get(i).map_or('?', |&b| b as char))
        }
        'µ' | 'μ' => out('u'),
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE63}' | '\u{2043}' => out('-'),
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' => out('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{2033}' => out('"'),
        '\u{3001}' => out(','),
        '\u{3002}' => out('.'),
        // Full-width ASCII forms (the recogniser's dictionary has them): U+FF01..U+FF5E.
        '\u{FF01}'..='\u{FF5E}' => {
            let a = char::from_u32(c as u32 - 0xFEE0).unwrap_or(' ');
            out(a)
        }
        _ => match LOOKALIKES.iter().find(|(k, _)| *k == c) {
            Some(&(_, v)) => out(v),
            None => out(c),
        },
    }
}

/// The digit a letter stands for when the recogniser slipped inside a number.
fn digit_for(c: char) -> Option<char> {
    match c {
        'O' | 'o' => Some('0'),
        'l' | 'I' | '|' => Some('1'),
        'S' => Some('5'),
        _ => None,
    }
}

/// Turns lone confusable letters that touch a digit into that digit (see the module doc).
fn repair_digits(chars: &mut [char]) {
    let n = chars.len();
    let is_letterish = |c: char| c.is_alphabetic() || c == '|';
    let mut i = 0;
    while i < n {
        if !is_letterish(chars[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && is_letterish(chars[i]) {
            i += 1;
        }
        // chars[start..i] is one run of letters.
        let before = start.checked_sub(1).map(|b| chars[b]);
        let after = chars.get(i).copied();
        let digit_before = before.is_some_and(|c| c.is_ascii_digit());
        let digit_after = after.is_some_and(|c| c.is_ascii_digit());
        let all_confusable = chars[start..i].iter().all(|&c| digit_for(c).is_some());
        let lone = i - start == 1;
        if all_confusable
            && ((lone && (digit_before || digit_after)) || (digit_before && digit_after))
        {
            for c in &mut chars[start..i] {
                if let Some(d) = digit_for(*c) {
                    *c = d;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(s: &str) -> String {
        Folded::new(s).chars.iter().collect()
    }

    #[test]
    fn accents_micro_dashes_and_full_width() {
        assert_eq!(f("Zoë Ångström-Łukasz"), "Zoe Angstrom-Lukasz");
        assert_eq!(f("Straße"), "Strasse");
        assert_eq!(f("265 µm 270 μm"), "265 um 270 um");
        assert_eq!(f("ILM – RPE — Report"), "ILM - RPE - Report");
        assert_eq!(f("O’Neill"), "O'Neill");
        assert_eq!(f("Name：DOE（X）"), "Name:DOE(X)");
        assert_eq!(f("512×128"), "512x128");
        assert_eq!(f("a\u{a0}b\tc"), "a b c");
        // Cyrillic О and Greek Ο read in place of a Latin O.
        assert_eq!(f("\u{41e}D \u{39f}S"), "OD OS");
    }

    #[test]
    fn ocr_slips_inside_numbers_are_repaired() {
        assert_eq!(f("l0:42"), "10:42");
        assert_eq!(f("12/O3/196l"), "12/03/1961");
        assert_eq!(f("943 476 59I9"), "943 476 5919");
        assert_eq!(f("|4 mmHg"), "14 mmHg");
        assert_eq!(f("S5"), "55");
        assert_eq!(f("1OO"), "1OO"); // two letters after one digit: not lone, not between digits
        assert_eq!(f("2OO5"), "2005");
    }

    #[test]
    fn words_are_not_turned_into_digits() {
        assert_eq!(f("OS6/9"), "OS6/9");
        assert_eq!(f("IOP14"), "IOP14");
        assert_eq!(f("12Oct1961"), "12Oct1961");
        assert_eq!(f("O'Neill"), "O'Neill");
        assert_eq!(f("T S N I T"), "T S N I T");
        assert_eq!(f("Stimulus III"), "Stimulus III");
    }

    #[test]
    fn ranges_map_back_to_the_original() {
        let s = "Zoë Straße 12";
        let fo = Folded::new(s);
        // "Strasse" is folded chars 4..11; in the original it is "Straße".
        let b = fo.byte_range(4..11);
        assert_eq!(&s[b], "Straße");
        assert_eq!(fo.char_range(4..11), 4..10);
        assert_eq!(fo.byte_range(3..3), 0..0);
        assert_eq!(fo.byte_range(40..50), 0..0);
        // "ß" (folded 8..10, "ss") maps to its two bytes; half of it maps to all of it.
        assert_eq!(&s[fo.byte_range(8..10)], "ß");
        assert_eq!(&s[fo.byte_range(9..10)], "ß");
    }
}
