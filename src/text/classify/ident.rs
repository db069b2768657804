//! Identifier rules that read one line on its own: dates, times, years, NHS and other long
//! numbers, phone numbers, UK postcodes, email and web addresses, names and practice names.
//!
//! Each rule adds a `Hit` (what it found and where, in folded characters). Any hit makes the
//! line an identifier; the rules never make a line clinical.

use super::fold::Folded;
use super::model::{Hit, Why};
use super::tokens::{span, Tok};
use super::vocab;

pub(super) fn scan(f: &Folded, t: &[Tok]) -> Vec<Hit> {
    let mut hits = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let found = numeric_date(t, i)
            .or_else(|| short_date(t, i))
            .or_else(|| month_date(t, i))
            .map(|e| (Why::Date, e))
            .or_else(|| time(t, i).map(|e| (Why::Time, e)))
            .or_else(|| phone_plus(t, i).map(|e| (Why::Phone, e)))
            .or_else(|| digit_groups(t, i))
            .or_else(|| long_digits(t, i))
            .or_else(|| year(t, i).map(|e| (Why::Year, e)));
        match found {
            Some((why, end)) if end > i => {
                hits.push(Hit {
                    why,
                    range: span(t, i, end),
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    postcodes(&f.chars, &mut hits);
    emails_and_web(&f.chars, &mut hits);
    names(t, &mut hits);
    organisations(t, &mut hits);
    hits
}

// ---- numbers ---------------------------------------------------------------------------

fn num(t: &[Tok], i: usize) -> Option<&Tok> {
    t.get(i).filter(|x| x.is_num())
}

/// Token `i` is the fraction part of a decimal ("1.25": the "25") or a version's tail.
fn after_point(t: &[Tok], i: usize) -> bool {
    i >= 2
        && t.get(i - 1)
            .is_some_and(|p| p.is_sym('.') && !t[i].space_before && !p.space_before)
        && t.get(i - 2).is_some_and(|p| p.is_num())
}

/// A date separator at `i` ("/", "-", "."), allowing spaces around it; returns the next index.
fn date_sep(t: &[Tok], i: usize, want: Option<char>) -> Option<(char, usize)> {
    let x = t.get(i)?;
    ['/', '-', '.']
        .into_iter()
        .find(|&c| x.is_sym(c) && want.map_or(true, |w| w == c))
        .map(|c| (c, i + 1))
}

fn is_year4(x: &Tok) -> bool {
    x.digits() == 4 && (1900..=2099).contains(&x.value())
}

fn day_month(a: u64, b: u64) -> bool {
    (1..=31).contains(&a) && (1..=31).contains(&b) && (a <= 12 || b <= 12)
}

/// 06/09/1961, 6-9-61, 12.03.1961, 2025-02-14, 2025/02/14.
fn numeric_date(t: &[Tok], i: usize) -> Option<usize> {
    let a = num(t, i)?;
    if after_point(t, i) {
        return None;
    }
    let (sep, j) = date_sep(t, i + 1, None)?;
    let b = num(t, j)?;
    let (_, k) = date_sep(t, j + 1, Some(sep))?;
    let c = num(t, k)?;
    let ok = if is_year4(a) {
        b.digits() <= 2
            && c.digits() <= 2
            && (1..=12).contains(&b.value())
            && (1..=31).contains(&c.value())
    } else {
        a.digits() <= 2
            && b.digits() <= 2
            && day_month(a.value(), b.value())
            && (c.digits() == 2 || is_year4(c))
    };
    ok.then_some(k + 1)
}

/// Two-part dates that cannot be anything else: a leading zero ("06/09", "6/09") or a month
/// and a four-digit year ("03/2025").
fn short_date(t: &[Tok], i: usize) -> Option<usize> {
    let a = num(t, i)?;
    if after_point(t, i) {
        return None;
    }
    let (_, j) = date_sep(t, i + 1, None)?;
    let b = num(t, j)?;
    // Not the start of a longer run (a third part was not a date: "1.25.90" or similar).
    if date_sep(t, j + 1, None).is_some_and(|(_, k)| num(t, k).is_some()) {
        return None;
    }
    let leading_zero = |x: &Tok| x.digits() == 2 && x.text.starts_with('0');
    let dm = a.digits() <= 2 && b.digits() <= 2 && day_month(a.value(), b.value());
    let month_year = a.digits() <= 2 && (1..=12).contains(&a.value()) && is_year4(b);
    ((dm && (leading_zero(a) || leading_zero(b))) || month_year).then_some(j + 1)
}

fn month_at(t: &[Tok], i: usize) -> Option<usize> {
    let x = t.get(i)?;
    if !x.is_word() || vocab::month(&x.lower).is_none() {
        return None;
    }
    Some(if t.get(i + 1).is_some_and(|d| d.is_sym('.')) {
        i + 2
    } else {
        i + 1
    })
}

fn day_at(t: &[Tok], i: usize) -> Option<usize> {
    let d = num(t, i)?;
    if d.digits() > 2 || !(1..=31).contains(&d.value()) {
        return None;
    }
    let ordinal = t.get(i + 1).is_some_and(|o| {
        o.is_word() && !o.space_before && ["st", "nd", "rd", "th"].contains(&o.lower.as_str())
    });
    Some(if ordinal { i + 2 } else { i + 1 })
}

/// Skips one of "-", "/", ".", "," between date parts.
fn skip_sep(t: &[Tok], i: usize) -> usize {
    if t.get(i)
        .is_some_and(|x| x.is_sym('-') || x.is_sym('/') || x.is_sym('.') || x.is_sym(','))
    {
        i + 1
    } else {
        i
    }
}

fn year_at(t: &[Tok], i: usize) -> Option<usize> {
    let y = num(t, i)?;
    (is_year4(y) || y.digits() == 2).then_some(i + 1)
}

/// 14 Feb 2025, 14-Feb-2025, 14th February, Feb 14, 2025, February 2025.
fn month_date(t: &[Tok], i: usize) -> Option<usize> {
    if let Some(d) = day_at(t, i) {
        let m = month_at(t, skip_sep(t, d))?;
        return Some(year_at(t, skip_sep(t, m)).unwrap_or(m));
    }
    let m = month_at(t, i)?;
    let j = skip_sep(t, m);
    if num(t, j).is_some_and(is_year4) {
        return Some(j + 1);
    }
    let d = day_at(t, j)?;
    let k = skip_sep(t, d);
    if num(t, k).is_some_and(is_year4) {
        return Some(k + 1);
    }
    // "OCT 20°" is a scan, not the 20th of October: a month that is also a clinical word
    // needs its year when it comes first.
    t.get(i)
        .is_some_and(|x| vocab::clinical(&x.lower).is_none())
        .then_some(d)
}

/// 10:42, 10:42:17, 10:42 AM, 10.42am. Not a labelled duration ("Test Duration: 05:32").
fn time(t: &[Tok], i: usize) -> Option<usize> {
    let h = num(t, i)?;
    if h.digits() > 2 || h.value() > 23 || after_point(t, i) {
        return None;
    }
    let colon = t
        .get(i + 1)
        .is_some_and(|x| x.is_sym(':') && !x.space_before);
    let dot = t
        .get(i + 1)
        .is_some_and(|x| x.is_sym('.') && !x.space_before);
    let minutes = |x: &Tok| x.digits() == 2 && x.value() <= 59;
    if !num(t, i + 2).is_some_and(minutes) {
        return None;
    }
    let mut end = i + 3;
    if colon && t.get(end).is_some_and(|x| x.is_sym(':')) && num(t, end + 1).is_some_and(minutes) {
        end += 2;
    }
    let ampm = t
        .get(end)
        .is_some_and(|x| x.is_word() && ["am", "pm"].contains(&x.lower.as_str()));
    if ampm {
        end += 1;
    }
    // "14.20" alone on its line is a time written with a dot (as the recogniser often reads a
    // small colon); a two-digit hour, so refractions ("1.25") and ratios ("0.45") stay numbers.
    let alone = dot && i == 0 && end == t.len() && h.digits() == 2;
    if !(colon || (dot && (ampm || alone))) {
        return None;
    }
    // A duration: "Duration: 05:32", "Test Duration 05:32", "Elapsed 04:10".
    let before: Vec<&Tok> = t[..i]
        .iter()
        .rev()
        .filter(|x| x.is_word())
        .take(1)
        .collect();
    if colon
        && before
            .first()
            .is_some_and(|w| ["duration", "elapsed"].contains(&w.lower.as_str()))
    {
        return None;
    }
    Some(end)
}

/// A four-digit year standing alone (1900–2099): a birth year split from its date.
fn year(t: &[Tok], i: usize) -> Option<usize> {
    let y = num(t, i)?;
    let decimal_next = t
        .get(i + 1)
        .is_some_and(|x| x.is_sym('.') && !x.space_before)
        && num(t, i + 2).is_some_and(|n| !n.space_before);
    (is_year4(y) && !after_point(t, i) && !decimal_next).then_some(i + 1)
}

/// NHS mod-11 check on ten digits.
pub(super) fn nhs_valid(d: &[u8]) -> bool {
    if d.len() != 10 || !d.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(k, &c)| u32::from(c - b'0') * (10 - k as u32))
        .sum();
    let check = 11 - sum % 11;
    let check = if check == 11 { 0 } else { check };
    check != 10 && check == u32::from(d[9] - b'0')
}

/// Digit groups joined by spaces, hyphens or brackets: "943 476 5919", "943-476-5919",
/// "0161 496 0123", "(01632) 960123", "5000-1234".
fn digit_groups(t: &[Tok], i: usize) -> Option<(Why, usize)> {
    if after_point(t, i) || (i > 0 && t.get(i - 1).is_some_and(|p| p.is_sym('+'))) {
        return None;
    }
    let mut groups = vec![num(t, i)?];
    let mut hyphen = false;
    let mut j = i + 1;
    loop {
        let mut k = j;
        let mut seps = 0;
        while seps < 2
            && t.get(k)
                .is_some_and(|x| x.is_sym('-') || x.is_sym(')') || x.is_sym('('))
        {
            hyphen |= t.get(k).is_some_and(|x| x.is_sym('-'));
            k += 1;
            seps += 1;
        }
        match num(t, k) {
            Some(g) if seps > 0 || g.space_before => {
                groups.push(g);
                j = k + 1;
            }
            _ => break,
        }
    }
    if groups.len() < 2 {
        return None;
    }
    let digits: Vec<u8> = groups.iter().flat_map(|g| g.text.bytes()).collect();
    let lens: Vec<usize> = groups.iter().map(|g| g.digits()).collect();
    let why = if lens == [3, 3, 4] {
        if nhs_valid(&digits) {
            Why::NhsNumber
        } else {
            Why::NhsShaped
        }
    } else if digits.first() == Some(&b'0')
        && lens.iter().all(|&l| l >= 2)
        && (10..=11).contains(&digits.len())
    {
        // Groups of two count too: a reader may split "0113 496 0692" as "01 13 496 0692".
        Why::Phone
    } else if hyphen && lens.iter().all(|&l| l >= 3) && digits.len() >= 7 {
        Why::LongNumber
    } else {
        return None;
    };
    Some((why, j))
}

/// "+44 20 7946 0958", "+44 (0)161 496 0123".
fn phone_plus(t: &[Tok], i: usize) -> Option<usize> {
    if !t.get(i)?.is_sym('+') {
        return None;
    }
    if !num(t, i + 1).is_some_and(|c| !c.space_before && c.digits() <= 3) {
        return None;
    }
    let mut j = i + 2;
    let mut digits = 0;
    while let Some(x) = t.get(j) {
        if x.is_num() {
            digits += x.digits();
        } else if !(x.is_sym('(') || x.is_sym(')') || x.is_sym('-')) {
            break;
        }
        j += 1;
    }
    (9..=12).contains(&digits).then_some(j)
}

/// Five or more digits in one run: an NHS number, a phone number, or another long number
/// (hospital numbers, IDs like RX4821936, serials).
fn long_digits(t: &[Tok], i: usize) -> Option<(Why, usize)> {
    let x = num(t, i)?;
    if x.digits() < 5 || after_point(t, i) {
        return None;
    }
    let d = x.text.as_bytes();
    let why = if nhs_valid(d) {
        Why::NhsNumber
    } else if d.first() == Some(&b'0') && (10..=11).contains(&d.len()) {
        Why::Phone
    } else {
        Why::LongNumber
    };
    Some((why, i + 1))
}

// ---- postcodes, email, web ---------------------------------------------------------------

/// UK postcodes: outward A9, A9A, A99, AA9, AA9A, AA99; inward 9AA. Capital letters only.
/// After a space, an O, I or S in place of the inward digit is accepted (an OCR slip).
fn postcodes(cs: &[char], hits: &mut Vec<Hit>) {
    let up = |i: usize| cs.get(i).is_some_and(|c| c.is_ascii_uppercase());
    let dig = |i: usize| cs.get(i).is_some_and(|c| c.is_ascii_digit());
    let alnum = |i: usize| cs.get(i).is_some_and(|c| c.is_alphanumeric());
    for s in 0..cs.len() {
        if (s > 0 && alnum(s - 1)) || !up(s) {
            continue;
        }
        let mut i = s + 1;
        if up(i) {
            i += 1;
        }
        if !dig(i) {
            continue;
        }
        i += 1;
        // The outward code may have one more digit or letter: try the longer form first.
        for out_end in [i + 1, i] {
            if out_end == i + 1 && !(dig(i) || up(i)) {
                continue;
            }
            let spaced = cs.get(out_end) == Some(&' ');
            let k = out_end + usize::from(spaced);
            let slip = spaced && cs.get(k).is_some_and(|c| matches!(c, 'O' | 'I' | 'S'));
            if (dig(k) || slip) && up(k + 1) && up(k + 2) && !alnum(k + 3) {
                hits.push(Hit {
                    why: Why::Postcode,
                    range: s..k + 3,
                });
                break;
            }
        }
    }
}

fn emails_and_web(cs: &[char], hits: &mut Vec<Hit>) {
    let local = |c: char| c.is_alphanumeric() || ".-_+%'".contains(c);
    let domain = |c: char| c.is_alphanumeric() || ".-".contains(c);
    for (at, &c) in cs.iter().enumerate() {
        if c != '@' {
            continue;
        }
        let mut a = at;
        while a > 0 && cs.get(a - 1).is_some_and(|&c| local(c)) {
            a -= 1;
        }
        let mut b = at + 1;
        while cs.get(b).is_some_and(|&c| domain(c)) {
            b += 1;
        }
        if a < at && b > at + 2 {
            hits.push(Hit {
                why: Why::Email,
                range: a..b,
            });
        }
    }
    // Web addresses: a run without spaces that starts with www. or http, or ends in a domain.
    let mut s = 0;
    while s < cs.len() {
        let mut e = s;
        while cs.get(e).is_some_and(|&c| c != ' ') {
            e += 1;
        }
        let run: String = cs[s..e].iter().collect::<String>().to_lowercase();
        let run = run.trim_end_matches(['.', ',', ')']);
        let web = run.starts_with("www.")
            || run.starts_with("http")
            || [".co.uk", ".nhs.uk", ".org.uk", ".com", ".org", ".net"]
                .iter()
                .any(|d| run.ends_with(d));
        if web && !run.contains('@') {
            hits.push(Hit {
                why: Why::WebAddress,
                range: s..(s + run.chars().count()).min(e),
            });
        }
        s = e + 1;
    }
}

// ---- names and organisations -------------------------------------------------------------

/// A name-shaped word: Title or UPPER case, at least two letters (or one, an initial).
fn name_word(t: &[Tok], i: usize) -> Option<usize> {
    let x = t.get(i).filter(|x| x.is_word() && x.name_cased())?;
    let mut e = i + 1;
    // Hyphenated names: Smith-Jones.
    while t.get(e).is_some_and(|h| h.is_sym('-') && !h.space_before)
        && t.get(e + 1)
            .is_some_and(|w| w.is_word() && w.name_cased() && !w.space_before)
    {
        e += 2;
    }
    if x.text.chars().count() == 1 && t.get(e).is_some_and(|d| d.is_sym('.')) {
        e += 1; // an initial with its dot: "J."
    }
    Some(e)
}

fn is_clinical_word(x: &Tok) -> bool {
    vocab::clinical(x.stem()).is_some()
}

fn names(t: &[Tok], hits: &mut Vec<Hit>) {
    for i in 0..t.len() {
        // Mr John O'Neill, Dr A Example, Mrs J. Smith-Jones.
        if t[i].is_word() && t[i].name_cased() && vocab::honorific(&t[i].lower) {
            let mut e = i + 1;
            if t.get(e).is_some_and(|d| d.is_sym('.')) {
                e += 1;
            }
            let mut parts = 0;
            while parts < 4 {
                match name_word(t, e) {
                    Some(n) => {
                        e = n;
                        parts += 1;
                    }
                    None => break,
                }
            }
            if parts > 0 {
                hits.push(Hit {
                    why: Why::Name,
                    range: span(t, i, e),
                });
            }
        }
        // SMITH, Jane  /  Doe, Jane A.  (not starting inside a hyphenated name)
        let inside = i > 0 && t.get(i - 1).is_some_and(|h| h.is_sym('-')) && !t[i].space_before;
        if let Some(a_end) = name_word(t, i).filter(|_| !inside) {
            if t.get(a_end).is_some_and(|c| c.is_sym(',')) && t[i].text.chars().count() >= 2 {
                let mut e = a_end + 1;
                let mut words = vec![i];
                for _ in 0..3 {
                    match name_word(t, e) {
                        Some(n) => {
                            words.push(e);
                            e = n;
                        }
                        None => break,
                    }
                }
                let unknown = words.iter().any(|&w| {
                    t.get(w)
                        .is_some_and(|x| !is_clinical_word(x) && vocab::month(&x.lower).is_none())
                });
                if words.len() >= 2 && unknown {
                    hits.push(Hit {
                        why: Why::Name,
                        range: span(t, i, e),
                    });
                }
            }
        }
    }
    window_title_names(t, hits);
}

/// "Optix Practice Manager — Jane Doe": in a line cut by spaced dashes or bars, a part that
/// is two or three name-shaped words, none of them clinical, is a name.
fn window_title_names(t: &[Tok], hits: &mut Vec<Hit>) {
    let is_cut = |k: usize| {
        t.get(k).is_some_and(|x| {
            (x.is_sym('-') && x.space_before && t.get(k + 1).is_some_and(|n| n.space_before))
                || x.is_sym('|')
        })
    };
    let cuts: Vec<usize> = (0..t.len()).filter(|&k| is_cut(k)).collect();
    if cuts.is_empty() {
        return;
    }
    let mut bounds = vec![0];
    for &c in &cuts {
        bounds.push(c);
        bounds.push(c + 1);
    }
    bounds.push(t.len());
    for part in bounds.chunks(2) {
        let (a, b) = match part {
            [a, b] => (*a, *b),
            _ => continue,
        };
        let words: Vec<&Tok> = t[a.min(b)..b].iter().collect();
        let ok = (2..=3).contains(&words.len())
            && words
                .iter()
                .all(|w| w.is_word() && w.name_cased() && !is_clinical_word(w))
            && words.iter().all(|w| vocab::org_words(&w.lower, None) == 0);
        if ok {
            hits.push(Hit {
                why: Why::Name,
                range: span(t, a, b),
            });
        }
    }
}

/// "Riverside Eye Centre", "Hollowmere Opticians Ltd", "St Imaginary's Hospital": the org
/// words with up to four name-shaped words before them.
fn organisations(t: &[Tok], hits: &mut Vec<Hit>) {
    let mut i = 0;
    while i < t.len() {
        let next = t
            .get(i + 1)
            .filter(|x| x.is_word())
            .map(|x| x.lower.as_str());
        let n = if t[i].is_word() {
            vocab::org_words(&t[i].lower, next)
        } else {
            0
        };
        if n == 0 {
            i += 1;
            continue;
        }
        let mut a = i;
        while a > 0 && i - a < 4 && t.get(a - 1).is_some_and(|p| p.is_word() && p.name_cased()) {
            a -= 1;
        }
        let mut e = i + n;
        while t
            .get(e)
            .is_some_and(|x| x.is_word() && vocab::org_words(&x.lower, None) == 1)
        {
            e += 1;
        }
        // Org words all in lower case name no one ("cataract surgery", "the eye clinic"): a
        // practice's or hospital's name has capitals.
        if t[a..e]
            .iter()
            .all(|x| !x.text.chars().any(char::is_uppercase))
        {
            i = e;
            continue;
        }
        hits.push(Hit {
            why: Why::PracticeName,
            range: span(t, a, e),
        });
        i = e;
    }
}

#[cfg(test)]
#[path = "ident_tests.rs"]
mod tests;
