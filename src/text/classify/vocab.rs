//! Word lists: the clinical vocabulary, months, titles, organisation words.
//!
//! A line can be left uncovered only if every word in it is in `CLINICAL`, so this list is the
//! heart of the pass-through. A word belongs here when it is printed by OCT, field or
//! fundus devices or in an optometric record and is not a common first name or surname. Words
//! that are both (White, Grey, Best, Mean) stay, because "Stimulus: III, White" must pass; a
//! patient called White is still covered wherever the line also holds a first name, a title,
//! a date, or follows a Name label (see the README).
//!
//! All entries are lower case, compared with the folded, lower-cased word (µm → um).

use super::model::Topic;

/// Clinical words by topic. The first topic a line's words show, in `Topic::PRIORITY`
/// order, names why the line was left uncovered.
#[rustfmt::skip]
const CLINICAL: &[(Topic, &[&str])] = &[
    (Topic::Eye, &[
        "od", "os", "ou", "re", "le", "r", "l", "right", "left", "eye", "eyes", "both",
        "oculus", "dexter", "sinister", "bilateral", "fellow",
    ]),
    (Topic::Acuity, &[
        "va", "acuity", "bcva", "ucva", "cva", "dva", "nva", "snellen", "logmar", "unaided",
        "aided", "pinhole", "ph", "habitual", "corrected", "uncorrected", "best", "distance",
        "dist", "near", "n", "letters", "cf", "hm", "pl", "npl", "lp", "nlp", "vision", "sc",
        "cc",
    ]),
    (Topic::Iop, &[
        "iop", "mmhg", "nct", "gat", "tonometry", "tonometer", "goldmann", "icare", "pressure",
        "pressures", "intraocular", "pachymetry", "cct", "iopcc",
    ]),
    (Topic::Refraction, &[
        "ds", "dc", "sph", "sphere", "cyl", "cylinder", "axis", "add", "prism", "base", "bu",
        "bd", "bi", "bo", "pd", "rx", "refraction", "subjective", "objective",
        "autorefraction", "autorefractor", "ar", "plano", "inter", "intermediate",
        "dioptres", "diopters", "dpt", "se", "spherical", "equivalent", "k", "keratometry",
        "flat", "steep",
    ]),
    (Topic::CupDisc, &[
        "c", "cdr", "cd", "cup", "disc", "disk", "ratio", "rim", "onh", "neuroretinal",
    ]),
    (Topic::Field, &[
        "md", "psd", "vfi", "ght", "db", "deviation", "pattern", "hemifield", "sensitivity",
        "fixation", "losses", "false", "pos", "neg", "positive", "negative", "errors",
        "monitor", "gaze", "blindspot", "blind", "spot", "target", "stimulus", "background",
        "asb", "strategy", "pupil", "diameter", "threshold", "duration", "reliability",
        "reliable", "iii", "ii", "iv", "v", "white", "red", "blue", "size", "sita", "standard",
        "fast", "faster", "swap", "fdt", "full", "screening", "field", "fields", "index",
        "glaucoma", "points", "depressed", "seconds", "sec", "kinetic", "static", "esterman",
        "binocular", "monocular", "defect", "defects", "loss", "scotoma", "trend",
        "progression", "gpa", "event", "likely", "possible", "cpsd", "sf",
        "peripheral", "test",
    ]),
    (Topic::Thickness, &[
        "um", "mm", "thickness", "rnfl", "gcl", "ipl", "gcipl", "ganglion", "gc", "cell",
        "layer", "layers", "inner", "outer", "plexiform", "nerve", "fibre", "fiber",
        "retinal", "retina", "subfield", "cst", "crt", "cmt", "ilm", "rpe", "bm", "fovea",
        "foveal", "symmetry", "map", "maps", "tomogram", "profile", "choroidal", "choroid",
        "cornea", "corneal", "volume", "area", "depth",
    ]),
    (Topic::Scan, &[
        "scan", "scans", "cube", "raster", "line", "lines", "hd", "radial", "star", "circle",
        "rc", "macula", "macular", "optic", "analysis", "report", "oct", "octa", "angio",
        "angiography", "signal", "strength", "quality", "q", "ss", "ssi", "art", "hs", "hr",
        "ir", "en", "face", "enface", "slab", "superficial", "deep", "choriocapillaris",
        "avascular", "faz", "posterior", "pole", "module", "premium", "guided", "baseline",
        "follow", "followup", "registration", "tracking", "laser", "tomography", "image",
        "images", "fundus", "photo", "photograph", "colour", "color", "free", "af", "faf",
        "autofluorescence", "optomap", "widefield", "ultra", "ultrawide", "infrared",
        "reflectance", "wide", "grid", "etdrs", "b", "a", "single", "exam", "overlay",
        "transparency", "segmentation", "auto", "manual", "cross", "section", "extracted",
        "mode", "resolution", "density", "vessel", "flow", "diagnostic", "multicolor",
        "multicolour", "ocular", "anterior", "segment", "chamber", "angle", "database",
        "reference", "classification", "coherence", "descent", "european", "asian", "african",
        "protocol", "horizontal", "vertical",
        // Device and software names printed on reports (not the practice's own name).
        "cirrus", "zeiss", "meditec", "heidelberg", "engineering", "spectralis", "explorer",
        "topcon", "maestro", "triton", "optos", "daytona", "california", "monaco",
        "silverstone", "humphrey", "hfa", "octopus", "haag", "streit", "canon", "nidek",
        "imagenet", "analyzer", "analyser", "software", "ver", "version", "sw",
    ]),
    (Topic::Legend, &[
        "normal", "normals", "borderline", "outside", "within", "limits", "abnormal",
        "percentile", "distribution", "legend", "key", "scale", "gray", "grey", "tone",
        "probability", "symbols", "sup", "inf", "nas", "temp", "tmp", "superior", "inferior",
        "nasal", "temporal", "s", "i", "t", "ts", "ti", "ns", "ni", "g", "clock", "hours",
        // sectors as other devices order them, and written out
        "st", "sn", "it", "superotemporal", "inferotemporal", "superonasal", "inferonasal",
        "hour", "quadrant", "quadrants", "sector", "sectors", "average", "avg", "mean", "min",
        "max", "minimum", "maximum", "total", "global", "upper", "lower", "p", "page",
    ]),
    // Findings, history and management as written in records and letters. Not first names
    // or common surnames ("iris" is left out for that reason).
    (Topic::Finding, &[
        // posterior segment
        "drusen", "dilated", "dilation", "dilate", "mydriasis", "undilated", "dfe", "vitreous",
        "pvd", "floaters", "flashes", "haemorrhage", "hemorrhage", "haem", "exudate",
        "microaneurysm", "maculopathy", "retinopathy", "diabetic", "proliferative", "nvd",
        "nve", "cotton", "wool", "amd", "armd", "wet", "dry", "geographic", "atrophy", "cnv",
        "erm", "epiretinal", "membrane", "hole", "oedema", "edema", "cmo", "dmo", "naevus",
        "nevus", "pigment", "pigmentation", "pigmentary", "detachment", "tear", "lattice",
        "attached", "healthy", "pink", "pale", "pallor", "cupping", "notch", "notching",
        "thinning", "thinned", "papilloedema", "papilledema", "swelling", "swollen",
        "tortuous", "tortuosity", "av", "nipping", "arteriolar", "venous", "vessels",
        "vascular", "periphery", "media", "clear", "hazy", "reflex", "dot", "blot",
        "fundoscopy", "ophthalmoscopy", "volk", "bio", "slit", "lamp", "examination",
        // anterior segment, lens, binocular vision
        "cataract", "lens", "opacity", "opacities", "nuclear", "cortical", "psc", "sclerosis",
        "pseudophakia", "pseudophakic", "iol", "aphakic", "blepharitis", "meibomian", "mgd",
        "lid", "lashes", "conjunctiva", "conjunctival", "conjunctivitis", "hyperaemia",
        "hyperemia", "injection", "injected", "staining", "stain", "fluorescein", "tbut",
        "film", "keratitis", "keratoconus", "arcus", "pinguecula", "pterygium", "pupils",
        "perrla", "rapd", "reactive", "equal", "round", "reflexes", "accommodation",
        "convergence", "motility", "ortho", "orthophoria", "exo", "eso", "phoria", "tropia",
        "exophoria", "esophoria", "cover", "nystagmus", "diplopia", "confrontation",
        "grossly", "intact",
        // history, symptoms, general health
        "headache", "symptoms", "symptom", "asymptomatic", "history", "fh", "poh", "gh",
        "medication", "meds", "allergy", "allergies", "allergic", "nkda", "diabetes", "hypertension",
        "hypertensive", "suspect", "oht", "alert", "hard", "hearing", "deaf", "partially",
        "sighted", "photophobia", "itchy", "itching", "gritty", "watery", "discomfort",
        "pain", "blurred", "blurry",
        // severity, course and management
        "raised", "elevated", "reduced", "increased", "decreased", "mild", "moderate",
        "severe", "early", "trace", "scattered", "minimal", "significant", "stable",
        "unchanged", "improved", "worse", "worsening", "better", "nad", "wnl", "monitoring",
        "refer", "referral", "routine", "urgent", "review", "recall", "months", "month",
        "weeks", "week", "advised", "advice", "hygiene", "drops", "lubricants",
        "artificial", "spectacles", "specs", "glasses", "contact", "cl", "aftercare", "wear",
        "reading", "computer", "driving", "dvla", "prescribed", "prescription", "repeat",
        "rule", "out", "primary", "open", "closed", "narrow", "annual", "drss", "des",
        // drugs used or noted in eye care
        "chloramphenicol", "proxymetacaine", "oxybuprocaine", "tropicamide", "phenylephrine",
        "cyclopentolate", "latanoprost", "timolol", "bimatoprost", "travoprost",
        "brimonidine", "dorzolamide", "brinzolamide", "acetazolamide", "prednisolone",
        "dexamethasone", "hypromellose", "carbomer", "hyaluronate", "minims", "ointment",
        "tds", "qds", "nocte", "prn", "mg", "ml",
    ]),
    (Topic::Term, &[
        "and", "or", "of", "the", "at", "to", "in", "on", "per", "vs", "with", "without",
        "by", "for", "from", "not", "all", "each", "value", "values", "result", "results",
        "data", "measurement", "measurements", "parameter", "parameters", "summary",
        "overview", "comparison", "change", "difference", "diff", "width", "height",
        "position", "centre", "center", "central", "point", "visual", "rate", "no", "yes", "na", "unit",
        "units", "range", "level", "used", "type", "status", "other", "ok",
        // Section headings of a record: generic, so a heading alone ("Comment:") stays suggested
        // (its text may follow below), while "Comments: no change from baseline" is clinical.
        "comments", "comment", "notes", "findings", "impression", "plan", "assessment",
        "diagnosis", "management", "outcome",
        // "x" of 512x128 and of an axis, "D" of 3D and of dioptres: too generic to name a topic.
        "x", "d",
    ]),
];

/// The clinical topic of a word (lower case, folded), if it is clinical vocabulary.
pub(super) fn clinical(word: &str) -> Option<Topic> {
    let find = |w: &str| {
        CLINICAL
            .iter()
            .find(|(_, words)| words.contains(&w))
            .map(|(t, _)| *t)
    };
    // A plural of a listed word of three letters or more ("exudates", "haemorrhages").
    find(word).or_else(|| {
        word.strip_suffix('s')
            .filter(|w| w.chars().count() >= 3)
            .and_then(find)
    })
}

/// Words whose presence (on the line, or on the line left of or above it) makes a bare
/// fraction like "6/9" an acuity, "16/18" pressures, "0/15" fixation losses or "9/10" signal
/// strength, rather than a possible date.
#[rustfmt::skip]
const FRACTION_CONTEXT: &[&str] = &[
    "va", "acuity", "vision", "bcva", "ucva", "cva", "dva", "nva", "unaided", "aided",
    "pinhole", "ph", "habitual", "snellen", "logmar", "distance", "dist", "near", "sc", "cc",
    "re", "le", "r", "l", "od", "os", "ou", "right", "left", "eye", "iop", "gat", "nct", "mmhg",
    "fixation", "losses", "false", "pos", "neg", "errors", "signal", "strength", "quality",
    "ss", "ssi", "q",
];

pub(super) fn fraction_context(word: &str) -> bool {
    FRACTION_CONTEXT.contains(&word)
}

#[rustfmt::skip]
const MONTHS: &[(&str, u8)] = &[
    ("jan", 1), ("january", 1), ("feb", 2), ("february", 2), ("mar", 3), ("march", 3),
    ("apr", 4), ("april", 4), ("may", 5), ("jun", 6), ("june", 6), ("jul", 7), ("july", 7),
    ("aug", 8), ("august", 8), ("sep", 9), ("sept", 9), ("september", 9), ("oct", 10),
    ("october", 10), ("nov", 11), ("november", 11), ("dec", 12), ("december", 12),
];

pub(super) fn month(word: &str) -> Option<u8> {
    MONTHS.iter().find(|(m, _)| *m == word).map(|(_, n)| *n)
}

#[rustfmt::skip]
const HONORIFICS: &[&str] = &[
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "master", "sir", "dame", "rev",
    "revd", "lord", "lady",
];

pub(super) fn honorific(word: &str) -> bool {
    HONORIFICS.contains(&word)
}

/// Words that alone make an organisation's name ("Hollowmere Opticians", "… Ltd").
#[rustfmt::skip]
const ORG_WORDS: &[&str] = &[
    "opticians", "optician", "optometrists", "opticals", "eyecare", "hospital", "hospitals",
    "infirmary", "clinic", "surgery", "practice", "trust", "ltd", "limited", "llp",
    "partnership",
];

/// A first word that makes an organisation's name with one of `ORG_SECOND` ("Eye Centre").
#[rustfmt::skip]
const ORG_FIRST: &[&str] = &["eye", "eyes", "medical", "health", "vision", "sight", "nhs"];
#[rustfmt::skip]
const ORG_SECOND: &[&str] = &[
    "centre", "center", "clinic", "unit", "hospital", "care", "department", "practice",
    "service", "services", "board", "trust", "foundation", "group",
];

/// How many words starting with `a` (and `b`, the next word) name an organisation: 0, 1 or 2.
pub(super) fn org_words(a: &str, b: Option<&str>) -> usize {
    if ORG_FIRST.contains(&a) && b.is_some_and(|b| ORG_SECOND.contains(&b)) {
        2
    } else if ORG_WORDS.contains(&a) {
        1
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_lower_case_and_topics_unique() {
        let mut seen = std::collections::HashSet::new();
        for (_, words) in CLINICAL {
            for w in *words {
                assert_eq!(*w, w.to_lowercase(), "{w}");
                assert!(seen.insert(*w), "{w} is listed twice");
            }
        }
        for w in FRACTION_CONTEXT.iter().chain(HONORIFICS).chain(ORG_WORDS) {
            assert_eq!(*w, w.to_lowercase(), "{w}");
        }
    }

    #[test]
    fn identifiers_and_labels_are_not_clinical() {
        for w in [
            "name", "patient", "id", "dob", "date", "time", "age", "tel", "address", "jane",
        ] {
            assert_eq!(clinical(w), None, "{w}");
        }
        assert_eq!(clinical("mmhg"), Some(Topic::Iop));
        // plurals of listed words of three letters or more
        assert_eq!(clinical("exudates"), Some(Topic::Finding));
        assert_eq!(clinical("vessels"), Some(Topic::Finding));
        assert_eq!(clinical("ss"), Some(Topic::Scan));
        assert_eq!(clinical("bs"), None);
        assert_eq!(clinical("iris"), None);
        assert_eq!(clinical("um"), Some(Topic::Thickness));
    }

    #[test]
    fn organisations() {
        assert_eq!(org_words("eye", Some("centre")), 2);
        assert_eq!(org_words("opticians", None), 1);
        assert_eq!(org_words("eye", Some("test")), 0);
        assert_eq!(org_words("centre", None), 0);
    }
}
