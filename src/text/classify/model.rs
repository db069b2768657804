//! The classifier's types: a line as read, its verdict, and the rules' names with their plain
//! words for a reviewer.

use std::ops::Range;

/// Below this reading confidence a line is suggested whatever it says. PP-OCR's recogniser
/// scores a clean printed line at 0.95 and above; a line under 0.80 usually has a misread
/// character, and a misread name can look like clinical vocabulary.
pub const MIN_CONFIDENCE: f32 = 0.80;

/// A box in image pixels: left, top, width, height.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PxBox {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

/// One line as the OCR read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub text: String,
    /// Reading confidence, 0..1.
    pub confidence: f32,
    pub bbox: PxBox,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Identifier,
    Clinical,
    Other,
}

impl Kind {
    /// The name used in `occlude text --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Identifier => "identifier",
            Kind::Clinical => "clinical",
            Kind::Other => "other",
        }
    }
}

/// The labels a form puts before an identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Name,
    DateOfBirth,
    Age,
    Id,
    PatientId,
    HospitalNumber,
    NhsNumber,
    Mrn,
    Address,
    Phone,
    Email,
    Operator,
    Physician,
    Referrer,
    Practice,
}

impl Label {
    /// (label as printed, what its value is, "after the label …", "next to the label …").
    fn words(self) -> (&'static str, &'static str, &'static str, &'static str) {
        use Label::*;
        match self {
            Name => (
                "Name",
                "a name",
                "after the label Name",
                "next to the label Name",
            ),
            DateOfBirth => (
                "DOB",
                "a date of birth",
                "after the label DOB",
                "next to the label DOB",
            ),
            Age => (
                "Age",
                "an age",
                "after the label Age",
                "next to the label Age",
            ),
            Id => (
                "ID",
                "an ID number",
                "after the label ID",
                "next to the label ID",
            ),
            PatientId => (
                "Patient ID",
                "an ID number",
                "after the label Patient ID",
                "next to the label Patient ID",
            ),
            HospitalNumber => (
                "Hospital No",
                "a hospital number",
                "after the label Hospital No",
                "next to the label Hospital No",
            ),
            NhsNumber => (
                "NHS No",
                "an NHS number",
                "after the label NHS No",
                "next to the label NHS No",
            ),
            Mrn => (
                "MRN",
                "a record number",
                "after the label MRN",
                "next to the label MRN",
            ),
            Address => (
                "Address",
                "an address",
                "after the label Address",
                "under the label Address",
            ),
            Phone => (
                "Tel",
                "a phone number",
                "after the label Tel",
                "next to the label Tel",
            ),
            Email => (
                "Email",
                "an email address",
                "after the label Email",
                "next to the label Email",
            ),
            Operator => (
                "Operator",
                "an operator's name",
                "after the label Operator",
                "next to the label Operator",
            ),
            Physician => (
                "Physician",
                "a clinician's name",
                "after the label Physician",
                "next to the label Physician",
            ),
            Referrer => (
                "Referrer",
                "a referrer's name",
                "after the label Referrer",
                "next to the label Referrer",
            ),
            Practice => (
                "Practice",
                "a practice name",
                "after the label Practice",
                "next to the label Practice",
            ),
        }
    }

    /// Whether its value names a person or a place (searched for elsewhere on the image).
    pub(super) fn names_someone(self) -> bool {
        matches!(
            self,
            Label::Name | Label::Operator | Label::Physician | Label::Referrer | Label::Practice
        )
    }
}

/// What a clinical line is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Topic {
    Iop,
    Acuity,
    Refraction,
    CupDisc,
    Field,
    Thickness,
    Scan,
    Eye,
    Legend,
    /// Findings, history and management in a clinical record ("Drusen L macula, monitor").
    Finding,
    /// Generic words ("of", "value"); a line of these alone is not clinical.
    Term,
}

impl Topic {
    /// When a line's words show several topics, the first in this order names it.
    pub(super) const PRIORITY: [Topic; 11] = [
        Topic::Iop,
        Topic::Acuity,
        Topic::Refraction,
        Topic::CupDisc,
        Topic::Field,
        Topic::Thickness,
        Topic::Scan,
        Topic::Finding,
        Topic::Eye,
        Topic::Legend,
        Topic::Term,
    ];

    pub fn phrase(self) -> &'static str {
        match self {
            Topic::Iop => "IOP",
            Topic::Acuity => "acuity",
            Topic::Refraction => "refraction",
            Topic::CupDisc => "C/D ratio",
            Topic::Field => "visual field",
            Topic::Thickness => "thickness",
            Topic::Scan => "scan or test name",
            Topic::Eye => "eye label",
            Topic::Legend => "axis label or legend",
            Topic::Finding => "clinical finding or note",
            Topic::Term => "clinical term",
        }
    }
}

/// The rule that decided a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Why {
    // Identifier rules.
    Date,
    Time,
    Year,
    NhsNumber,
    /// Ten digits grouped 3-3-4 that fail the NHS check (an OCR slip, or another number).
    NhsShaped,
    LongNumber,
    Phone,
    Postcode,
    Email,
    WebAddress,
    Name,
    PracticeName,
    /// The same text on two or more lines of the image (a header and footer).
    Repeats,
    /// A name or practice name found elsewhere on the image appears in this line.
    SeenElsewhere,
    AfterLabel(Label),
    NearLabel(Label),
    // Clinical.
    Clinical(Topic),
    // Other (all suggested).
    LabelOnly(Label),
    LowConfidence,
    /// A bare fraction like "6/9" with no acuity context: could be a date.
    Ambiguous,
    Unrecognised,
    NoText,
}

impl Why {
    pub fn kind(self) -> Kind {
        match self {
            Why::Clinical(_) => Kind::Clinical,
            Why::LabelOnly(_)
            | Why::LowConfidence
            | Why::Ambiguous
            | Why::Unrecognised
            | Why::NoText => Kind::Other,
            _ => Kind::Identifier,
        }
    }

    /// The rule in plain words, for a reviewer ("after the label Name", "acuity").
    pub fn phrase(self) -> &'static str {
        match self {
            Why::Date => "a date",
            Why::Time => "a time",
            Why::Year => "a year",
            Why::NhsNumber => "an NHS number",
            Why::NhsShaped => "a number shaped like an NHS number",
            Why::LongNumber => "a long number",
            Why::Phone => "a phone number",
            Why::Postcode => "a postcode",
            Why::Email => "an email address",
            Why::WebAddress => "a web address",
            Why::Name => "a name",
            Why::PracticeName => "a practice or hospital name",
            Why::Repeats => "the practice name (repeats)",
            Why::SeenElsewhere => "a name seen elsewhere on the image",
            Why::AfterLabel(l) => l.words().2,
            Why::NearLabel(l) => l.words().3,
            Why::Clinical(t) => t.phrase(),
            Why::LabelOnly(_) => "a label on its own",
            Why::LowConfidence => "read with low confidence",
            Why::Ambiguous => "a number that could be a date",
            Why::Unrecognised => "not recognised as clinical",
            Why::NoText => "no letters or digits",
        }
    }

    /// What the line holds, for the safety net ("not covered: a date, 12/03/1961").
    pub fn what(self) -> &'static str {
        match self {
            Why::AfterLabel(l) | Why::NearLabel(l) => l.words().1,
            Why::Repeats => "text that repeats on the image",
            Why::SeenElsewhere => "a name",
            Why::LabelOnly(_) => "a label",
            Why::LowConfidence | Why::Unrecognised | Why::NoText => "text",
            other => other.phrase(),
        }
    }
}

/// The decision for one line.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub kind: Kind,
    /// Suggest covering this line.
    pub suggested: bool,
    pub why: Why,
    /// What the line holds, in a few plain words ("a date"): `why.what()`.
    pub what: &'static str,
    /// Byte ranges of the identifying parts within the line's text, in order (empty when
    /// the line is not an identifier).
    pub parts: Vec<Range<usize>>,
}

impl Verdict {
    /// The safety net's words for this line: "a date, 12/03/1961".
    pub fn safety_net(&self, text: &str) -> String {
        let shown = self
            .parts
            .first()
            .and_then(|r| text.get(r.clone()))
            .unwrap_or(text)
            .trim();
        format!("{}, {}", self.what, shown)
    }
}

/// Something an identifier rule found: the rule, and where (folded characters of the line).
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub why: Why,
    pub range: Range<usize>,
}

/// Sorts ranges, drops empty ones and merges those that overlap or touch.
pub fn merged(mut ranges: Vec<Range<usize>>) -> Vec<Range<usize>> {
    ranges.retain(|r| r.start < r.end);
    ranges.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}
