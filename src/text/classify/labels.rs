//! Labels: "Name:", "DOB", "Patient ID"… and the value that follows them.
//!
//! A label counts where a form would put one: at the start of the line, or followed by a
//! colon ("… ID: 4821936"). Whatever follows it on the same line, up to the next label, is
//! its value. A label with nothing after it is waiting for a value on the line to its right
//! or just below (found in `context`, from the boxes). "Scan Name:" is not a label: a label
//! right after a clinical word is part of a clinical phrase, and a label word opening a sentence
//! ("Patient reports…", "GP informed") is not a label.

use super::model::{Hit, Label, Why};
use super::prose;
use super::tokens::{span, Tok};
use super::vocab;

/// Label phrases, longest first within a label so that "patient id" wins over "patient".
/// Words are compared with the token's stem (lower case, no possessive 's); dots and
/// hyphens between words are skipped ("D.O.B.", "e-mail", "Hosp. No.").
const PHRASES: &[(Label, &[&str])] = &[
    (Label::PatientId, &["patient", "id"]),
    (Label::PatientId, &["patient", "no"]),
    (Label::PatientId, &["patient", "number"]),
    (Label::PatientId, &["pat", "id"]),
    (Label::PatientId, &["pid"]),
    (Label::Name, &["patient", "name"]),
    (Label::Name, &["patient"]),
    (Label::Name, &["pt", "name"]),
    (Label::Name, &["full", "name"]),
    (Label::Name, &["first", "name"]),
    (Label::Name, &["last", "name"]),
    (Label::Name, &["family", "name"]),
    (Label::Name, &["given", "name"]),
    (Label::Name, &["name"]),
    (Label::Name, &["surname"]),
    (Label::Name, &["forename"]),
    (Label::Name, &["forenames"]),
    (Label::DateOfBirth, &["date", "of", "birth"]),
    (Label::DateOfBirth, &["birth", "date"]),
    (Label::DateOfBirth, &["birthdate"]),
    (Label::DateOfBirth, &["d", "o", "b"]),
    (Label::DateOfBirth, &["dob"]),
    (Label::DateOfBirth, &["born"]),
    (Label::Age, &["age"]),
    (Label::HospitalNumber, &["hospital", "number"]),
    (Label::HospitalNumber, &["hospital", "no"]),
    (Label::HospitalNumber, &["hospital", "id"]),
    (Label::HospitalNumber, &["hosp", "no"]),
    (Label::HospitalNumber, &["unit", "no"]),
    (Label::HospitalNumber, &["case", "no"]),
    (Label::NhsNumber, &["nhs", "number"]),
    (Label::NhsNumber, &["nhs", "no"]),
    (Label::NhsNumber, &["chi", "number"]),
    (Label::NhsNumber, &["chi", "no"]),
    (Label::NhsNumber, &["nhs"]),
    (Label::NhsNumber, &["chi"]),
    (Label::Mrn, &["medical", "record", "number"]),
    (Label::Mrn, &["record", "no"]),
    (Label::Mrn, &["mrn"]),
    (Label::Mrn, &["accession", "no"]),
    (Label::Mrn, &["accession"]),
    (Label::Id, &["id"]),
    (Label::Address, &["address"]),
    (Label::Address, &["addr"]),
    (Label::Address, &["post", "code"]),
    (Label::Address, &["postcode"]),
    (Label::Phone, &["telephone"]),
    (Label::Phone, &["tel"]),
    (Label::Phone, &["phone"]),
    (Label::Phone, &["mobile"]),
    (Label::Phone, &["mob"]),
    (Label::Phone, &["fax"]),
    (Label::Email, &["email"]),
    (Label::Email, &["e", "mail"]),
    (Label::Operator, &["operator"]),
    (Label::Operator, &["technician"]),
    (Label::Operator, &["examiner"]),
    (Label::Operator, &["performed", "by"]),
    (Label::Operator, &["captured", "by"]),
    (Label::Operator, &["user"]),
    (Label::Physician, &["referring", "physician"]),
    (Label::Physician, &["physician"]),
    (Label::Physician, &["doctor"]),
    (Label::Physician, &["consultant"]),
    (Label::Physician, &["optometrist"]),
    (Label::Physician, &["ophthalmologist"]),
    (Label::Physician, &["clinician"]),
    (Label::Physician, &["practitioner"]),
    (Label::Physician, &["gp"]),
    (Label::Physician, &["examined", "by"]),
    (Label::Physician, &["reviewed", "by"]),
    (Label::Referrer, &["referred", "by"]),
    (Label::Referrer, &["referral", "from"]),
    (Label::Referrer, &["referrer"]),
    (Label::Referrer, &["referring"]),
    (Label::Practice, &["practice"]),
    (Label::Practice, &["institution"]),
    (Label::Practice, &["hospital"]),
    (Label::Practice, &["clinic"]),
];

/// A word that is part of some label ("patient", "name", "tel"): not searched for as a name.
pub(super) fn is_label_word(w: &str) -> bool {
    PHRASES.iter().any(|(_, words)| words.contains(&w))
}

/// A lower-case word of ordinary English or clinical vocabulary that is not also a name nor
/// part of a label ("no", "number", "name"): after a label word without a colon ("Patient
/// reports…") it shows a sentence, not a label's value ("Tel no", "Patient name" stay labels).
fn continues_sentence(x: &Tok) -> bool {
    x.is_word()
        && prose::lower_case(x)
        && !prose::name_like(x.stem())
        && !is_label_word(x.stem())
        && (prose::common(x.stem()) || vocab::clinical(x.stem()).is_some())
}

/// What the labels on one line say.
#[derive(Debug, Default)]
pub(super) struct LabelScan {
    /// Values found after labels on the same line.
    pub hits: Vec<Hit>,
    /// The whole line is one label ("Patient ID", "DOB:").
    pub only: Option<Label>,
    /// The line ends with a label that has no value on this line.
    pub waiting: Option<Label>,
    /// The line carries an Address label (the lines below it continue the address).
    pub address: bool,
}

/// The label (and its token end) starting at token `i`, if a phrase matches there.
fn phrase_at(t: &[Tok], i: usize) -> Option<(Label, usize)> {
    'phrases: for (label, words) in PHRASES {
        let mut j = i;
        for (k, w) in words.iter().enumerate() {
            if k > 0 {
                while t.get(j).is_some_and(|x| x.is_sym('.') || x.is_sym('-')) {
                    j += 1;
                }
            }
            match t.get(j) {
                Some(x) if x.is_word() && x.stem() == *w => j += 1,
                _ => continue 'phrases,
            }
        }
        // A trailing dot belongs to the label ("D.O.B.", "Tel.").
        if t.get(j).is_some_and(|x| x.is_sym('.')) {
            j += 1;
        }
        return Some((*label, j));
    }
    None
}

/// A label occurrence: where it starts and ends (tokens), and whether a colon follows.
struct Found {
    label: Label,
    start: usize,
    end: usize,
}

fn find_labels(t: &[Tok]) -> Vec<Found> {
    let mut found = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let Some((label, end)) = phrase_at(t, i) else {
            i += 1;
            continue;
        };
        let at_start = t[..i].iter().all(|x| !x.is_word() && !x.is_num());
        let colon = t.get(end).is_some_and(|x| x.is_sym(':'));
        let after_clinical = i > 0
            && t.get(i - 1)
                .is_some_and(|p| p.is_word() && vocab::clinical(p.stem()).is_some());
        // "Patient reports blurred vision": a label word opening a sentence, no colon, and
        // a lower-case word of ordinary English or clinical vocabulary after it.
        let sentence = !colon && t.get(end).is_some_and(continues_sentence);
        if (at_start || colon) && !after_clinical && !sentence {
            found.push(Found {
                label,
                start: i,
                end,
            });
            i = end;
        } else {
            i += 1;
        }
    }
    found
}

pub(super) fn scan(t: &[Tok]) -> LabelScan {
    let found = find_labels(t);
    let mut out = LabelScan::default();
    for (k, f) in found.iter().enumerate() {
        out.address |= f.label == Label::Address;
        let stop = found.get(k + 1).map_or(t.len(), |next| next.start);
        // The value: from the first word or number after the label to the last one before
        // the next label.
        let value: Vec<usize> = (f.end..stop)
            .filter(|&j| t.get(j).is_some_and(|x| x.is_word() || x.is_num()))
            .collect();
        match (value.first(), value.last()) {
            (Some(&a), Some(&b)) => out.hits.push(Hit {
                why: Why::AfterLabel(f.label),
                range: span(t, a, b + 1),
            }),
            _ => {
                out.waiting = Some(f.label);
                if found.len() == 1 && t[..f.start].iter().all(|x| !x.is_word() && !x.is_num()) {
                    out.only = Some(f.label);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::fold::Folded;
    use super::super::tokens::tokenize;
    use super::*;

    fn scan_str(s: &str) -> (LabelScan, Folded) {
        let f = Folded::new(s);
        (scan(&tokenize(&f)), f)
    }

    fn values(s: &str) -> Vec<(Label, String)> {
        let (sc, f) = scan_str(s);
        sc.hits
            .iter()
            .map(|h| match h.why {
                Why::AfterLabel(l) => (l, f.text(h.range.clone())),
                _ => unreachable!(),
            })
            .collect()
    }

    #[test]
    fn value_after_label_on_the_same_line() {
        assert_eq!(
            values("Name: DOE, JANE"),
            vec![(Label::Name, "DOE, JANE".into())]
        );
        assert_eq!(
            values("Patient ID: RX4821936"),
            vec![(Label::PatientId, "RX4821936".into())]
        );
        assert_eq!(
            values("D.O.B. 06/09/1961"),
            vec![(Label::DateOfBirth, "06/09/1961".into())]
        );
        assert_eq!(
            values("Tel. 01632 960123"),
            vec![(Label::Phone, "01632 960123".into())]
        );
        assert_eq!(
            values("e-mail: a@b.example"),
            vec![(Label::Email, "a@b.example".into())]
        );
        assert_eq!(values("Doctor's name Dr A Example")[0].0, Label::Physician);
        assert_eq!(
            values("GP: Dr Ima Placeholder"),
            vec![(Label::Physician, "Dr Ima Placeholder".into())]
        );
    }

    #[test]
    fn several_labels_split_the_line() {
        assert_eq!(
            values("Name: DOE, JANE  ID: 4821936  DOB: 06/09/1961"),
            vec![
                (Label::Name, "DOE, JANE".into()),
                (Label::Id, "4821936".into()),
                (Label::DateOfBirth, "06/09/1961".into()),
            ]
        );
    }

    #[test]
    fn label_alone_or_waiting() {
        let (sc, _) = scan_str("Patient ID");
        assert_eq!(
            (sc.only, sc.waiting),
            (Some(Label::PatientId), Some(Label::PatientId))
        );
        let (sc, _) = scan_str("Date of Birth:");
        assert_eq!(sc.only, Some(Label::DateOfBirth));
        let (sc, _) = scan_str("ID: 4821936   DOB:");
        assert_eq!((sc.only, sc.waiting), (None, Some(Label::DateOfBirth)));
        assert!(scan_str("Address: 12 Mill Lane").0.address);
    }

    #[test]
    fn not_labels() {
        // Mid-line without a colon, or right after a clinical word.
        assert!(values("Scan Name: Macular Cube 512x128").is_empty());
        assert!(values("Fixation Target: Central").is_empty());
        assert!(values("Exam Date: 14/02/2025").is_empty());
        assert!(values("Technician: Operator, Cirrus").len() == 1);
        assert!(values("Hollowmere Hospital").is_empty());
        assert!(values("Identity").is_empty());
        let (sc, _) = scan_str("OD OS");
        assert!(sc.only.is_none() && sc.waiting.is_none());
    }
}
