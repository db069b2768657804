//! Clinical prose: the free text of a referral letter or a record ("Patient reports
//! intermittent blurred vision OS for 2 weeks", "No family history of glaucoma").
//!
//! Such a line cannot pass on clinical vocabulary alone: it needs the words of ordinary English
//! around it (there, is, with, please, see, reports…). A line that uses any of them is clinical
//! only when it reads as ordinary lower-case prose (`reads_as_prose`):
//! - at least three words, and at least one of them clinical vocabulary that names a topic
//!   (not only generic words: "Please see and advise" alone is not clinical);
//! - every word is lower case, except the first (a sentence starts with a capital) and clinical
//!   abbreviations or device names (IOP, OS, RNFL, Goldmann): a capitalised word anywhere else
//!   may be a name ("seen by Okafor", "Lindqvist's daughter") and keeps the line suggested;
//! - a capitalised word that is also a common first name or surname (Will, Hope, Rose, Young,
//!   White…) keeps it suggested even as the first word.
//!
//! Every other rule still holds (`clinical.rs`, `decide.rs`): every word has to be clinical or
//! common vocabulary, every number a measurement, no identifier rule may fire (a date, a time,
//! "Mr" or "Dr" with a surname, a street or practice name), it is not a label's value, and it
//! is read with enough confidence.
//!
//! The lists are ordinary English (function words, the verbs and nouns of a clinical letter),
//! written from general knowledge, lower case. A word that is also a common name is not listed
//! (the capitalised form of those is refused by `NAME_LIKE`).

use super::model::Topic;
use super::tokens::Tok;
use super::vocab;

/// Common English words of clinical letters and records, lower case.
#[rustfmt::skip]
const COMMON: &[&str] = &[
    "an", "this", "that", "these", "those", "there", "here", "its", "we", "you", "he", "she",
    "they", "his", "her", "hers", "their", "them", "him", "our", "your", "my", "me", "us",
    "who", "which", "what", "when", "where", "whom", "whose", "why", "how", "some", "any",
    "few", "several", "many", "much", "more", "most", "less", "least", "every", "either",
    "neither", "another", "such", "same", "own", "none", "nothing", "nil", "one", "two",
    "three", "four", "five", "six", "seven", "eight", "nine", "ten", "once", "twice", "first",
    "second", "third", "last", "next", "previous", "prior", "is", "are", "was", "were", "be",
    "been", "being", "am", "has", "have", "had", "having", "do", "does", "did", "done", "would",
    "could", "should", "can", "might", "must", "shall", "cannot", "isn't", "wasn't", "hasn't",
    "haven't", "doesn't", "didn't", "don't", "can't", "won't", "wouldn't", "couldn't", "if",
    "as", "so", "than", "then", "but", "because", "also", "further", "however", "therefore",
    "although", "though", "whilst", "since", "until", "after", "before", "during", "over",
    "under", "above", "below", "about", "into", "onto", "between", "through", "across",
    "against", "around", "up", "down", "off", "again", "only", "just", "very", "quite",
    "rather", "well", "still", "yet", "already", "now", "today", "yesterday", "recently",
    "currently", "previously", "ago", "soon", "later", "even", "too", "via", "whether",
    "otherwise", "instead", "especially", "particularly", "mainly", "mostly", "slightly",
    "markedly", "significantly", "clinically", "possibly", "probably", "definitely",
    "gradually", "suddenly", "intermittently", "occasionally", "constantly", "bilaterally",
    "symmetrically", "daily", "weekly", "nightly", "always", "never", "sometimes", "often",
    "usually", "please", "thank", "thanks", "grateful", "kindly", "appreciate", "appreciated",
    "regards", "sincerely", "faithfully", "yours", "opinion", "opinions", "like", "happy",
    "concern", "concerns", "concerned", "worried", "anxious", "aware", "see", "seen", "saw",
    "sees", "advise", "assess", "assessed", "consider", "considered", "note", "noted", "find",
    "found", "show", "shows", "showed", "shown", "suggest", "suggests", "suggested",
    "suggestive", "suggesting", "consistent", "compatible", "appear", "appears", "appeared",
    "seem", "seems", "reported", "complains", "complained", "complaining", "notice",
    "noticed", "notices", "describes", "described", "states", "stated", "says", "said", "feels",
    "felt", "experiencing", "experienced", "presents", "presented", "presenting", "attended",
    "attends", "attend", "visit", "visits", "reason", "informed", "explained", "discussed",
    "given", "gave", "give", "issued", "supplied", "booked", "arranged", "arrange", "continue",
    "continued", "continuing", "start", "started", "stop", "stopped", "use", "using", "uses",
    "apply", "applied", "instil", "instilled", "return", "returned", "check", "checked",
    "recheck", "measured", "recorded", "taken", "took", "made", "make", "need", "needs",
    "needed", "require", "requires", "required", "requiring", "recommend", "recommended",
    "confirm", "confirmed", "exclude", "excluded", "ruled", "detected", "identified",
    "observed", "evident", "visible", "present", "absent", "resolved", "resolving",
    "persisting", "persistent", "occur", "occurs", "occurred", "affected", "affecting",
    "affects", "involving", "involved", "associated", "related", "secondary", "due", "match",
    "matches", "matching", "compared", "versus", "keep", "kept", "remain", "remains",
    "remained", "become", "became", "get", "gets", "getting", "got", "go", "goes", "going",
    "went", "come", "came", "tell", "told", "ask", "asked", "know", "known", "think", "thought",
    "feel", "seeing", "read", "looks", "look", "looked", "patient", "patients", "person",
    "family", "mother", "father", "sister", "brother", "daughter", "son", "wife", "husband",
    "partner", "carer", "relative", "relatives", "parent", "parents", "child", "children",
    "plot", "printout", "copy", "enclosed", "letter", "information", "age", "aged", "years",
    "year", "days", "day", "time", "times", "period", "episode", "episodes", "problem",
    "problems", "difficulty", "difficulties", "issue", "issues", "changed", "new",
    "old", "recent", "current", "relevant", "general", "good", "fair", "poor", "reasonable",
    "fine", "slow", "quick", "small", "large", "far", "close", "night", "bright", "light",
    "lights", "dark", "room", "work", "screen", "screens", "print", "text", "sight",
    "correction", "appointment", "suitable", "unable", "able", "evidence", "sign", "signs",
    "feature", "features", "finding", "likelihood", "risk", "risks", "factor", "factors",
    "cause", "causes", "caused", "side", "sides", "part", "parts", "region", "onset", "sudden",
    "gradual", "intermittent", "constant", "transient", "recurrent", "chronic", "acute",
    "slight", "marked", "occasional", "unilateral", "asymmetric", "asymmetry", "symmetrical",
    "symmetric", "similar", "different", "sorry", "hello",
    "dense", "thin", "thick", "faint", "subtle", "obvious", "tiny", "extensive", "focal",
    "diffuse", "multiple", "appearance", "appearances", "degree", "gentleman", "man", "woman",
    "boy", "girl", "old", "help", "regarding", "shallow", "blur", "quiet",
    "unremarkable", "straight", "shower", "overall", "clinic", "hospital", "service",
    "department", "surgery",
];

/// Ophthalmic words of letters and records that the clinical vocabulary (`vocab.rs`) lacks:
/// conditions, symptoms and findings, lower case. They count as clinical words that name a
/// topic (a finding) in prose.
#[rustfmt::skip]
const FINDINGS: &[&str] = &[
    "arcuate", "paracentral", "step", "glaucomatous", "gonioscopy", "neovascularisation",
    "neovascularization", "neovascular", "uveitis", "iritis", "keratic", "precipitates",
    "ptosis", "strabismus", "amblyopia", "amblyopic", "squint", "myopia", "myopic", "hyperopia",
    "hyperopic", "hypermetropia", "hypermetropic", "astigmatism", "presbyopia", "presbyopic",
    "anisometropia", "metamorphopsia", "distortion", "distorted", "halos", "haloes", "glare",
    "ghosting", "double", "eyestrain", "strain", "tired", "dryness", "redness",
    "sore", "sticky", "discharge", "foreign", "body", "trauma", "injury", "photopsia",
    "photopsiae", "curtain", "shadow", "veil", "cupped", "enlarged", "splinter", "flame",
    "exudative", "atrophic", "soft", "confluent", "pigmented", "suspicious", "benign", "lesion",
    "naevi", "mass", "vein", "artery", "occlusion", "brvo", "crvo", "brao", "crao", "treatment",
    "treated", "therapy", "vegf", "disease", "condition", "degeneration", "dystrophy",
    "neuropathy", "neuritis", "detached", "floater", "flash",
    "fundi", "closure", "refractive", "error", "lenses", "spectacle", "bifocal",
    "bifocals", "varifocal", "varifocals", "progressive", "progressives", "monofocal",
    "operation", "operated", "postoperative", "post", "op", "pre",
    "preoperative", "vitrectomy", "phaco", "phacoemulsification",
    "trabeculectomy", "slt", "yag", "capsulotomy", "pco", "dilating", "itch", "burning",
    "watering", "tearing", "vision's",
];

/// Common words that are also common first names or surnames: refused capitalised in prose
/// (they are not in `COMMON`, but clinical vocabulary has some: White, Best, Page).
#[rustfmt::skip]
const NAME_LIKE: &[&str] = &[
    "will", "may", "mark", "grace", "hope", "faith", "joy", "rose", "dawn", "june", "april",
    "august", "bill", "frank", "guy", "ray", "young", "long", "little", "brown", "green",
    "white", "black", "gray", "grey", "best", "wood", "hill", "king", "page", "price", "bishop",
    "carter", "cook", "baker", "fisher", "hunter", "mason", "miller", "walker", "ward", "wells",
    "well", "bell", "hall", "lamb", "rich", "summer", "winter", "north", "west", "street",
    "field", "fields", "lane", "park", "new", "close", "fair", "good", "light", "dark", "read",
    "sterling", "humphrey", "goldmann", "lamp", "dot", "star", "swift", "sharp", "strong",
    "short", "small", "large", "bright", "head", "body", "art", "ash", "day", "sun", "ivy",
    "holly", "heather", "iris", "lily", "daisy", "amber", "ruby", "pearl", "jade", "robin",
    "rob", "pat", "sue", "don", "drew", "gene", "ken", "lee", "max", "sid", "sky", "major",
    "noble",
];

/// A word of ordinary English listed in `COMMON` (lower case, folded).
pub(super) fn common(word: &str) -> bool {
    COMMON.contains(&word)
}

/// A lower-case word that is a listed word (common, a letter's finding, or clinical vocabulary)
/// with an ending added: -ly, -ing, -ed, -es, -ies for -y, -s ("urgently", "blurring",
/// "superotemporally", "acuities"). The stem must keep three letters or more. Never used for
/// a capitalised word: "Harding" is a name, not "hard" + "-ing".
pub(super) fn derived(word: &str) -> bool {
    let listed = |w: &str| {
        w.chars().count() >= 3 && (common(w) || finding(w) || vocab::clinical(w).is_some())
    };
    let doubled = |w: &str| {
        // "blurring" -> "blurr" -> "blur"
        let cs: Vec<char> = w.chars().collect();
        (cs.len() >= 4 && cs[cs.len() - 1] == cs[cs.len() - 2])
            .then(|| cs[..cs.len() - 1].iter().collect::<String>())
    };
    let stems = |suffix: &str, add: &str| {
        word.strip_suffix(suffix).map(|w| {
            let mut out = vec![format!("{w}{add}")];
            if let Some(d) = doubled(w) {
                out.push(d);
            }
            if add.is_empty() {
                out.push(format!("{w}e")); // "reducing" -> "reduce"
            }
            out
        })
    };
    [
        ("ly", ""),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("ies", "y"),
        ("s", ""),
        ("ally", ""),
    ]
    .iter()
    .filter_map(|(suffix, add)| stems(suffix, add))
    .flatten()
    .any(|w| listed(&w))
}

/// An ophthalmic word of letters listed here (lower case, folded).
pub(super) fn finding(word: &str) -> bool {
    FINDINGS.contains(&word)
}

pub(super) fn name_like(word: &str) -> bool {
    NAME_LIKE.contains(&word)
}

pub(super) fn lower_case(x: &Tok) -> bool {
    !x.text.chars().any(char::is_uppercase)
}

/// Title case: a capital, then one or more lower-case letters ("There", "Okafor").
fn title_case(x: &Tok) -> bool {
    let mut cs = x.text.chars().filter(|c| *c != '\'');
    cs.next().is_some_and(char::is_uppercase)
        && x.text.chars().count() >= 2
        && cs.all(char::is_lowercase)
}

/// Clinical vocabulary written as an abbreviation or a unit, in capitals or mixed case but not
/// title case ("IOP", "OS", "RNFL", "R", "mmHg").
fn clinical_caps(x: &Tok) -> bool {
    !title_case(x) && vocab::clinical(x.stem()).is_some()
}

/// Whether the words of a line read as ordinary lower-case prose (see the module doc). Only
/// the shape is checked here: `clinical::explain` has already accounted for every word.
pub(super) fn reads_as_prose(t: &[Tok]) -> bool {
    let words: Vec<&Tok> = t.iter().filter(|x| x.is_word()).collect();
    if words.len() < 3 {
        return false;
    }
    // A word that names a clinical topic: three letters or more, or an abbreviation in
    // capitals ("OS", "VA"), so that "I", "a", "it" and "re" (inferior, A-scan, inferotemporal,
    // right eye in a table) do not count in a sentence.
    let topic = words.iter().any(|x| {
        let named =
            finding(x.stem()) || vocab::clinical(x.stem()).is_some_and(|tp| tp != Topic::Term);
        named && (x.text.chars().count() >= 3 || (clinical_caps(x) && x.text.chars().count() >= 2))
    });
    if !topic {
        return false;
    }
    words.iter().enumerate().all(|(k, x)| {
        if lower_case(x) {
            return true;
        }
        if name_like(x.stem()) {
            return false;
        }
        // The first word of a sentence in title case ("Patient", "There"), or a clinical
        // abbreviation in capitals anywhere ("IOP", "OS").
        (k == 0 && title_case(x)) || clinical_caps(x)
    })
}

#[cfg(test)]
mod tests {
    use super::super::decide::classify;
    use super::super::model::{Kind, Line, PxBox, Why};
    use super::*;

    fn verdict(text: &str, confidence: f32) -> (Kind, bool, Why) {
        let line = Line {
            text: text.into(),
            confidence,
            bbox: PxBox {
                x: 40.0,
                y: 300.0,
                w: 9.0 * text.len() as f32,
                h: 20.0,
            },
        };
        let v = classify(&[line]).remove(0);
        (v.kind, v.suggested, v.why)
    }

    #[track_caller]
    fn prose(text: &str) {
        assert_eq!(
            verdict(text, 0.95),
            (Kind::Clinical, false, Why::Clinical(Topic::Finding)),
            "{text}"
        );
    }

    #[track_caller]
    fn suggested(text: &str) {
        let (kind, sug, why) = verdict(text, 0.95);
        assert!(sug && kind != Kind::Clinical, "{text}: {why:?}");
    }

    #[test]
    fn letters_and_notes_in_plain_clinical_prose_are_clinical() {
        prose("Patient reports intermittent blurred vision OS for 2 weeks");
        prose("Please see and advise re raised IOP");
        prose("No family history of glaucoma");
        prose("She has noticed new floaters in the left eye since last week");
        prose("Optic discs appear healthy with no signs of cupping");
        prose("There is a dense nuclear cataract in the right eye");
        prose("IOP was 28 mmHg in the right eye and 19 in the left");
        prose("with an arcuate defect matching the disc appearance");
        prose("VA R 6/9 L 6/12 with her current spectacles");
    }

    #[test]
    fn a_name_inside_prose_keeps_the_line_suggested() {
        // titles with a surname
        suggested("Patient seen by Dr Okafor for a routine review");
        suggested("Mrs Lindqvist's daughter reports blurred vision");
        suggested("Dear Mr Abernethy, thank you for seeing this patient");
        // a capitalised unknown word, first or inside
        suggested("Okafor reports blurred vision in the left eye");
        suggested("blurred vision reported by Tamsin in the left eye");
        // a capitalised common word that is also a name, even first
        suggested("Will reports blurred vision in the left eye");
        suggested("reports blurred vision since seeing Hope last week");
        suggested("seen with Grace today, raised IOP in the right eye");
        // a name written like a common word is still refused in capitals inside a sentence
        suggested("IOP checked by White in the right eye");
    }

    #[test]
    fn a_date_time_number_address_or_practice_in_prose_keeps_it_suggested() {
        suggested("Seen on 12/03/2024 with blurred vision in the left eye");
        suggested("Blurred vision in the left eye since 3 March 2024");
        suggested("Patient reports blurred vision, IOP 14 mmHg at 10:42");
        suggested("Please call 0161 496 0123 to arrange the review");
        suggested("Lives at 14 Mill Lane with her daughter since the cataract");
        suggested("Referred to Riverside Eye Centre for raised IOP");
        suggested("Patient reports blurred vision, NHS 943 476 5919");
    }

    #[test]
    fn not_prose_enough() {
        // too short, no clinical topic, capitals throughout, read with low confidence
        suggested("Patient reports");
        suggested("Please see and advise");
        suggested("I would be grateful if you could see her");
        suggested("PATIENT REPORTS BLURRED VISION IN THE LEFT EYE");
        let (kind, sug, why) = verdict("Patient reports blurred vision in the left eye", 0.7);
        assert_eq!((kind, sug, why), (Kind::Other, true, Why::LowConfidence));
    }

    #[test]
    fn a_label_word_opening_a_sentence_is_not_a_label() {
        prose("Patient reports blurred vision in the left eye");
        // but with a name, a colon or a value after it, it is the label
        let (kind, _, why) = verdict("Patient Jane Doe", 0.95);
        assert_eq!(
            (kind, why),
            (
                Kind::Identifier,
                Why::AfterLabel(super::super::model::Label::Name)
            )
        );
        let (kind, _, _) = verdict("Patient: reports", 0.95);
        assert_eq!(kind, Kind::Identifier);
        let (kind, _, _) = verdict("Patient will", 0.95);
        assert_eq!(kind, Kind::Identifier);
        let (kind, _, _) = verdict("Age 63", 0.95);
        assert_eq!(kind, Kind::Identifier);
        // a word that belongs to a label keeps it one
        let (kind, _, why) = verdict("Tel no", 0.95);
        assert_eq!(
            (kind, why),
            (
                Kind::Identifier,
                Why::AfterLabel(super::super::model::Label::Phone)
            )
        );
        let (kind, _, why) = verdict("Referrer name Ottoline", 0.95);
        assert_eq!(kind, Kind::Identifier, "{why:?}");
    }

    #[test]
    fn listed_words_with_an_ending_count_in_lower_case_only() {
        assert!(derived("urgently") && derived("blurring") && derived("acuities"));
        assert!(derived("superotemporally") && derived("reviewed"));
        assert!(!derived("kelly") && !derived("king") && !derived("reed"));
        prose("She reports gradually worsening blurring of her vision");
        // "Harding" would be "hard" + "-ing": a capitalised word never takes an ending.
        suggested("Harding reports blurred vision in the left eye");
        suggested("seen by Harding, blurred vision in the left eye");
    }

    #[test]
    fn org_words_in_lower_case_name_no_practice() {
        prose("Please refer to the eye clinic for cataract surgery");
        prose("I would be grateful for your opinion regarding cataract surgery");
        let (kind, _, why) = verdict("Riverside Eye Clinic", 0.95);
        assert_eq!((kind, why), (Kind::Identifier, Why::PracticeName));
        let (kind, _, why) = verdict("refer to Hollowmere opticians for cataract surgery", 0.95);
        assert_eq!((kind, why), (Kind::Identifier, Why::PracticeName));
    }

    #[test]
    fn lists_are_lower_case_and_not_clinical_vocabulary_twice() {
        for w in COMMON.iter().chain(FINDINGS).chain(NAME_LIKE) {
            assert_eq!(*w, w.to_lowercase(), "{w}");
        }
        for w in COMMON.iter().chain(FINDINGS) {
            assert!(
                vocab::clinical(w).is_none(),
                "{w} is clinical vocabulary already"
            );
            assert!(!vocab::honorific(w), "{w}");
            assert_eq!(vocab::month(w), None, "{w}");
        }
    }
}
