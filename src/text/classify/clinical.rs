//! Clinical lines: every word and number of the line has to be accounted for.
//!
//! - a word is accounted for if it is in the clinical vocabulary (`vocab::clinical`);
//! - a number is accounted for as a measurement or axis value ("92", "0.52", "-5.32", the
//!   "512" and "128" of "512x128"), except a bare fraction "a/b": that could be a date, so it
//!   needs clinical context on its line or on the line to its left or above (VA, RE, IOP,
//!   Fixation Losses, Signal Strength…);
//! - symbols need nothing.
//!
//! Identifier rules run separately and win: this module only says whether a line would be
//! clinical if nothing identifying were found in it.

use super::model::Topic;
use super::prose;
use super::tokens::Tok;
use super::vocab;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Explained {
    /// Every word and number is accounted for, and at least one is more than a generic word.
    pub clinical: bool,
    pub topic: Topic,
    /// A bare fraction without context is the only thing that kept it from being clinical.
    pub ambiguous: bool,
}

/// The line has words that make a bare fraction clinical (VA, RE, IOP, Signal Strength…).
pub(super) fn has_fraction_context(t: &[Tok]) -> bool {
    t.iter()
        .any(|x| x.is_word() && vocab::fraction_context(x.stem()))
}

/// "a/b" starting at number token `i`, with a decimal denominator ("6/7.5"): its end.
fn fraction(t: &[Tok], i: usize) -> Option<usize> {
    let slash = t.get(i + 1)?.is_sym('/');
    let den = t.get(i + 2)?.is_num();
    if !(t.get(i)?.is_num() && slash && den) {
        return None;
    }
    let decimal = t
        .get(i + 3)
        .is_some_and(|d| d.is_sym('.') && !d.space_before)
        && t.get(i + 4).is_some_and(|n| n.is_num() && !n.space_before);
    Some(if decimal { i + 5 } else { i + 3 })
}

/// A clinical word and an eye letter read without the space between them ("IOPR" for
/// "IOP R", "VAR" for "VA R", "Lmacula" for "L macula"): the word's topic. Only an upper-case
/// R or L, and only a word of two letters or more that is more than a generic term.
fn glued_eye(text: &str) -> Option<Topic> {
    let specific = |w: &str| {
        (w.chars().count() >= 2)
            .then(|| vocab::clinical(&w.to_lowercase()))
            .flatten()
            .filter(|t| *t != Topic::Term)
    };
    let after = text.strip_suffix(['R', 'L']).and_then(specific);
    after.or_else(|| {
        text.strip_prefix(['R', 'L'])
            .filter(|rest| rest.chars().next().is_some_and(char::is_lowercase))
            .and_then(specific)
    })
}

pub(super) fn explain(t: &[Tok], context_near: bool) -> Explained {
    let context = context_near || has_fraction_context(t);
    let mut unexplained = 0;
    // Words of ordinary English or of letters (`prose`): accounted for only in prose.
    let mut prose_words = 0;
    let mut bare_fraction = false;
    let mut fraction_seen = false;
    let mut specific = false;
    let mut signed = false;
    let mut best: Option<usize> = None; // index into Topic::PRIORITY
    let mut i = 0;
    while i < t.len() {
        let x = &t[i];
        if x.is_word() {
            match vocab::clinical(x.stem()).or_else(|| glued_eye(&x.text)) {
                Some(topic) => {
                    specific |= topic != Topic::Term;
                    let rank = Topic::PRIORITY.iter().position(|p| *p == topic);
                    best = match (best, rank) {
                        (Some(b), Some(r)) => Some(b.min(r)),
                        (b, r) => b.or(r),
                    };
                }
                None if prose::common(x.stem())
                    || prose::finding(x.stem())
                    || (!x.text.chars().any(char::is_uppercase) && prose::derived(x.stem())) =>
                {
                    prose_words += 1
                }
                None => unexplained += 1,
            }
            i += 1;
        } else if x.is_num() {
            if let Some(end) = fraction(t, i) {
                if context {
                    fraction_seen = true;
                    specific = true;
                } else {
                    bare_fraction = true;
                    unexplained += 1;
                }
                i = end;
                continue;
            }
            specific = true;
            signed |= i > 0
                && t.get(i - 1)
                    .is_some_and(|s| (s.is_sym('+') || s.is_sym('-')) && !x.space_before);
            i += 1;
        } else {
            i += 1;
        }
    }
    let word_topic = best
        .and_then(|b| Topic::PRIORITY.get(b).copied())
        .filter(|t| *t != Topic::Term);
    let prose = prose_words > 0;
    let topic = match word_topic {
        _ if prose => Topic::Finding,
        Some(Topic::Eye | Topic::Legend) | None if fraction_seen => Topic::Acuity,
        Some(tp) => tp,
        None if signed => Topic::Refraction,
        None => Topic::Legend,
    };
    Explained {
        clinical: unexplained == 0
            && if prose {
                prose::reads_as_prose(t)
            } else {
                specific
            },
        topic,
        ambiguous: bare_fraction && unexplained == 1 && !prose,
    }
}

#[cfg(test)]
mod tests {
    use super::super::fold::Folded;
    use super::super::tokens::tokenize;
    use super::*;

    fn ex(s: &str) -> Explained {
        explain(&tokenize(&Folded::new(s)), false)
    }

    fn clinical(s: &str) -> Option<Topic> {
        let e = ex(s);
        e.clinical.then_some(e.topic)
    }

    #[test]
    fn measurements_with_units() {
        assert_eq!(
            clinical("Average RNFL Thickness 92 µm"),
            Some(Topic::Thickness)
        );
        assert_eq!(clinical("CCT 545um"), Some(Topic::Iop));
        assert_eq!(clinical("IOP 14 mmHg (GAT)"), Some(Topic::Iop));
        assert_eq!(clinical("MD24-2: -5.32 dB P < 1%"), Some(Topic::Field));
        assert_eq!(clinical("Rim Area 1.32 mm² 1.18 mm²"), Some(Topic::CupDisc));
        assert_eq!(clinical("Cube Volume (mm3) 10.2"), Some(Topic::Thickness));
    }

    #[test]
    fn scans_strategies_and_refraction() {
        assert_eq!(clinical("Macular Cube 512x128"), Some(Topic::Scan));
        assert_eq!(clinical("Central 24-2 Threshold Test"), Some(Topic::Field));
        assert_eq!(clinical("SITA Standard"), Some(Topic::Field));
        assert_eq!(
            clinical("RX: +1.25 DS -0.50 DC X 90"),
            Some(Topic::Refraction)
        );
        assert_eq!(clinical("+1.25 / -0.50 x 90"), Some(Topic::Refraction));
        assert_eq!(clinical("+1.25 -0.50"), Some(Topic::Refraction));
    }

    #[test]
    fn eyes_axes_and_legends() {
        assert_eq!(clinical("OD"), Some(Topic::Eye));
        assert_eq!(clinical("TEMP SUP NAS INF TEMP"), Some(Topic::Legend));
        assert_eq!(clinical("300"), Some(Topic::Legend));
        assert_eq!(clinical("< 0.5%"), Some(Topic::Legend));
    }

    #[test]
    fn fractions_need_context() {
        assert_eq!(clinical("Signal Strength 9/10"), Some(Topic::Scan));
        assert_eq!(clinical("Fixation Losses: 0/15"), Some(Topic::Field));
        assert_eq!(clinical("RE 6/9"), Some(Topic::Acuity));
        assert_eq!(clinical("VA 6/7.5"), Some(Topic::Acuity));
        let bare = ex("6/9");
        assert!(!bare.clinical && bare.ambiguous);
        let near = explain(&tokenize(&Folded::new("6/9")), true);
        assert_eq!((near.clinical, near.topic), (true, Topic::Acuity));
    }

    #[test]
    fn findings_history_and_management() {
        assert_eq!(
            clinical("Scattered exudates, refer routine"),
            Some(Topic::Finding)
        );
        assert_eq!(clinical("Allergies: timolol"), Some(Topic::Finding));
        assert_eq!(clinical("PVD R, no flashes, stable"), Some(Topic::Finding));
        assert_eq!(
            clinical("Early cataract both eyes, review 12 months"),
            Some(Topic::Finding)
        );
        // A topic before Finding names the line.
        assert_eq!(clinical("Dot haemorrhages at macula"), Some(Topic::Scan));
        assert_eq!(
            clinical("Comments: early inferotemporal RNFL loss"),
            Some(Topic::Field)
        );
        assert!(!ex("Comments:").clinical, "a heading alone is not clinical");
        assert_eq!(clinical("RNFL thinning SN R"), Some(Topic::Thickness));
        assert_eq!(clinical("CD 0.45"), Some(Topic::CupDisc));
        assert_eq!(clinical("Diabetic, annual DRSS"), Some(Topic::Finding));
        // An unknown word still keeps a line covered.
        assert!(!ex("Mild MGD, warm compresses advised").clinical);
    }

    #[test]
    fn eye_letters_glued_to_a_clinical_word() {
        assert_eq!(clinical("IOPR 16 L 18 mmHg"), Some(Topic::Iop));
        assert_eq!(clinical("VAR 6/6 L 6/9"), Some(Topic::Acuity));
        assert_eq!(clinical("RxR -1.25 DS"), Some(Topic::Refraction));
        assert_eq!(clinical("Lmacula drusen"), Some(Topic::Scan));
        // not a lower-case letter, not a generic word, not a name
        assert!(!ex("IOPr 16").clinical);
        assert!(!ex("Lof").clinical);
        assert!(!ex("Lomax").clinical);
        assert!(!ex("BAIR").clinical);
    }

    #[test]
    fn unknown_words_or_generic_words_alone_are_not_clinical() {
        assert!(!ex("Riverside Eye Centre").clinical);
        assert!(!ex("Jane").clinical);
        assert!(!ex("of the").clinical);
        assert!(!ex("Age: 63").clinical);
        assert!(!ex("Gender: Female").clinical);
        assert!(!ex("").clinical);
        assert!(!ex("6/9 Jane").ambiguous);
    }
}
