//! `classify` as a whole: the traps, the rules that need several lines, confidence,
//! and odd input. Every person, practice, place and number here is invented.

use crate::text::classify::decide::*;
use crate::text::classify::find::find_occurrences;
use crate::text::classify::model::*;

/// A line at (x, y), 20 px high, about 9 px a character.
fn at(text: &str, x: f32, y: f32) -> Line {
    Line {
        text: text.to_string(),
        confidence: 0.97,
        bbox: PxBox {
            x,
            y,
            w: 9.0 * text.chars().count().max(1) as f32,
            h: 20.0,
        },
    }
}

/// Lines far apart from one another (no line is next to another).
fn apart(texts: &[&str]) -> Vec<Line> {
    texts
        .iter()
        .enumerate()
        .map(|(i, t)| at(t, 20.0, 20.0 + 100.0 * i as f32))
        .collect()
}

fn one(text: &str) -> Verdict {
    classify(&apart(&[text])).remove(0)
}

fn part<'a>(text: &'a str, v: &Verdict) -> Vec<&'a str> {
    v.parts.iter().filter_map(|r| text.get(r.clone())).collect()
}

#[track_caller]
fn clinical(text: &str, topic: Topic) {
    let v = one(text);
    assert_eq!(
        (v.kind, v.suggested, v.why),
        (Kind::Clinical, false, Why::Clinical(topic)),
        "{text}"
    );
}

#[track_caller]
fn identifier(text: &str, why: Why, shown: &str) {
    let v = one(text);
    assert_eq!(
        (v.kind, v.suggested, v.why),
        (Kind::Identifier, true, why),
        "{text}"
    );
    assert_eq!(
        v.safety_net(text),
        format!("{}, {}", why.what(), shown),
        "{text}"
    );
}

#[test]
fn trap_date_of_birth_that_looks_like_an_acuity() {
    identifier(
        "DOB 06/09/1961",
        Why::AfterLabel(Label::DateOfBirth),
        "06/09/1961",
    );
    assert_eq!(one("DOB 06/09/1961").what, "a date of birth");
    identifier("06/09/1961", Why::Date, "06/09/1961");
    identifier("6/9/61", Why::Date, "6/9/61");
}

#[test]
fn trap_acuity_needs_context() {
    // Alone, "6/9" could be a date: suggested, and the safety net says why.
    let v = one("6/9");
    assert_eq!(
        (v.kind, v.suggested, v.why),
        (Kind::Other, true, Why::Ambiguous)
    );
    // Next to VA on its row, or under RE in its column, it is an acuity.
    let row = classify(&[at("VA", 20.0, 20.0), at("6/9", 60.0, 21.0)]);
    assert_eq!(row[1].why, Why::Clinical(Topic::Acuity));
    assert!(!row[0].suggested && !row[1].suggested);
    let column = classify(&[at("RE", 20.0, 20.0), at("6/9", 22.0, 44.0)]);
    assert_eq!(column[1].why, Why::Clinical(Topic::Acuity));
    clinical("RE 6/9", Topic::Acuity);
    clinical("Visual Acuity: 6/9", Topic::Acuity);
    clinical("OD 20/40", Topic::Acuity);
    clinical("Unaided VA R 6/12 L 6/18", Topic::Acuity);
    clinical("logMAR 0.18", Topic::Acuity);
    clinical("Near Vision N5", Topic::Acuity);
}

#[test]
fn trap_acuity_down_a_column_or_along_a_row_of_values() {
    // A refraction table: "VA" heads its column, the acuities sit under one another, and the
    // row starts with the eye ("R") before the sphere, cylinder and axis.
    let v = classify(&[
        at("VA", 300.0, 20.0),
        at("6/5", 300.0, 44.0),
        at("6/6", 300.0, 68.0),
    ]);
    assert_eq!(v[2].why, Why::Clinical(Topic::Acuity));
    let v = classify(&[
        at("R", 20.0, 20.0),
        at("+1.25", 60.0, 20.0),
        at("-0.50", 120.0, 20.0),
        at("90", 180.0, 20.0),
        at("6/6", 220.0, 20.0),
    ]);
    assert_eq!(v[4].why, Why::Clinical(Topic::Acuity));
    // Traps: a column headed by something else, a date on the way, a word on the way.
    let v = classify(&[
        at("Date", 300.0, 20.0),
        at("6/5", 300.0, 44.0),
        at("6/9", 300.0, 68.0),
    ]);
    assert_eq!((v[1].why, v[2].why), (Why::Ambiguous, Why::Ambiguous));
    let v = classify(&[
        at("VA", 300.0, 20.0),
        at("12/03/1961", 300.0, 44.0),
        at("6/9", 300.0, 68.0),
    ]);
    assert_eq!((v[1].why, v[2].why), (Why::Date, Why::Ambiguous));
    let v = classify(&[
        at("VA", 300.0, 20.0),
        at("Seen", 300.0, 44.0),
        at("6/9", 300.0, 68.0),
    ]);
    assert_eq!(v[2].why, Why::Ambiguous);
}

#[test]
fn trap_iop_with_a_time() {
    let text = "IOP 14 mmHg (NCT) 10:42";
    identifier(text, Why::Time, "10:42");
    assert_eq!(part(text, &one(text)), vec!["10:42"]);
    clinical("IOP 14 mmHg (NCT)", Topic::Iop);
    clinical("IOP R 16 L 17 mmHg (GAT)", Topic::Iop);
    clinical("GAT 15/16", Topic::Iop);
}

#[test]
fn trap_nhs_number_split_over_spaces() {
    identifier("943 476 5919", Why::NhsNumber, "943 476 5919");
    identifier("943-476-5919", Why::NhsNumber, "943-476-5919");
    identifier(
        "NHS No: 943 476 5919",
        Why::AfterLabel(Label::NhsNumber),
        "943 476 5919",
    );
    identifier("943 476 5918", Why::NhsShaped, "943 476 5918");
}

#[test]
fn scan_names_quality_and_eye_headers_pass() {
    clinical("Macular Cube 512x128", Topic::Scan);
    clinical("Signal Strength 9/10", Topic::Scan);
    clinical("OD", Topic::Eye);
    clinical("OS", Topic::Eye);
    clinical("Right Eye", Topic::Eye);
    clinical("HD 5 Line Raster", Topic::Scan);
    clinical("Central 24-2 Threshold Test", Topic::Field);
    clinical("Strategy: SITA Standard", Topic::Field);
    clinical("Stimulus: III, White", Topic::Field);
    clinical("Test Duration: 05:32", Topic::Field);
    clinical("Average C/D Ratio 0.52 0.61", Topic::CupDisc);
    clinical("Central Subfield Thickness 265 µm", Topic::Thickness);
    clinical("MD -3.21 dB P < 2%", Topic::Field);
    clinical("RX: +1.25 DS -0.50 DC X 90", Topic::Refraction);
    clinical("TEMP SUP NAS INF TEMP", Topic::Legend);
}

#[test]
fn names() {
    identifier("SMITH, Jane", Why::Name, "SMITH, Jane");
    identifier("Mr John O'Neill", Why::Name, "Mr John O'Neill");
    identifier("Name: DOE, JANE", Why::AfterLabel(Label::Name), "DOE, JANE");
    identifier(
        "Patient: Doe, Jane, *06/09/1961, F",
        Why::AfterLabel(Label::Name),
        "Doe, Jane, *06/09/1961, F",
    );
}

#[test]
fn a_line_mixing_clinical_and_identifying_text_is_an_identifier() {
    let text = "Right Eye - SMITH, Jane";
    let v = one(text);
    assert_eq!((v.kind, v.suggested), (Kind::Identifier, true));
    assert_eq!(part(text, &v), vec!["SMITH, Jane"]);
    assert_eq!(one("OD 6/9 14/02/2025").why, Why::Date);
    assert_eq!(one("RNFL 92 µm Jane").kind, Kind::Other);
}

#[test]
fn window_title() {
    let text = "Optix Practice Manager — Jane Doe";
    let v = one(text);
    assert_eq!(v.kind, Kind::Identifier);
    assert_eq!(part(text, &v), vec!["Optix Practice", "Jane Doe"]);
}

#[test]
fn practice_name_in_header_and_footer() {
    let lines = apart(&[
        "Riverside Eye Centre",
        "OD",
        "Riverside Eye Centre · 12 Mill Lane",
    ]);
    let v = classify(&lines);
    assert_eq!(v[0].why, Why::PracticeName);
    assert_eq!(v[2].why, Why::PracticeName);
    assert_eq!(v[1].why, Why::Clinical(Topic::Eye));
    // A practice name with no "Eye Centre" or "Opticians" in it: caught because it repeats.
    let lines = apart(&[
        "Hollowmere Vision",
        "Macular Cube 512x128",
        "Hollowmere Vision",
    ]);
    let v = classify(&lines);
    assert_eq!((v[0].why, v[2].why), (Why::Repeats, Why::Repeats));
    assert_eq!(v[0].what, "text that repeats on the image");
    // Once, it is still suggested (not clinical), just not called a practice.
    assert_eq!(one("Hollowmere Vision").why, Why::Unrecognised);
    // Clinical lines that repeat (OD, OS, µm) stay clinical.
    let v = classify(&apart(&[
        "OD",
        "OD",
        "Average Thickness",
        "Average Thickness",
    ]));
    assert!(v.iter().all(|v| v.kind == Kind::Clinical));
}

#[test]
fn a_name_found_once_is_covered_everywhere() {
    let lines = apart(&[
        "Name: DOE, JANE",
        "Doe",
        "Printed for J. Doe",
        "OD 6/9",
        "RNFL Thickness",
    ]);
    let v = classify(&lines);
    assert_eq!(v[1].why, Why::SeenElsewhere);
    assert_eq!(v[2].kind, Kind::Identifier);
    assert_eq!(part("Printed for J. Doe", &v[2]), vec!["Doe"]);
    assert_eq!(v[3].kind, Kind::Clinical);
    assert_eq!(v[4].kind, Kind::Clinical);
    // The practice's own name too, in a line that would otherwise pass.
    let lines = apart(&["Hollowmere Opticians", "Hollowmere OCT"]);
    assert_eq!(classify(&lines)[1].why, Why::SeenElsewhere);
}

#[test]
fn label_alone_and_its_value_beside_or_below() {
    // "Name:" then the value to its right on the same row.
    let v = classify(&[at("Name:", 20.0, 20.0), at("Jane Example", 90.0, 20.0)]);
    assert_eq!(
        (v[0].kind, v[0].suggested, v[0].why),
        (Kind::Other, true, Why::LabelOnly(Label::Name))
    );
    assert_eq!(
        (v[1].kind, v[1].why),
        (Kind::Identifier, Why::NearLabel(Label::Name))
    );
    // "Patient ID" above "4821": four digits alone would pass as an axis value.
    assert_eq!(one("4821").kind, Kind::Clinical);
    let v = classify(&[at("Patient ID", 20.0, 20.0), at("4821", 20.0, 44.0)]);
    assert_eq!(v[1].why, Why::NearLabel(Label::PatientId));
    // A row of labels: "Name:" does not take "ID:" as its value; it takes the line below.
    let v = classify(&[
        at("Name:", 20.0, 20.0),
        at("ID:", 120.0, 20.0),
        at("Jane Example", 20.0, 44.0),
    ]);
    assert_eq!(v[2].why, Why::NearLabel(Label::Name));
    assert_eq!(v[1].why, Why::LabelOnly(Label::Id));
    // Far away on the same row (more than 12 line heights) is not its value.
    let v = classify(&[at("Name:", 20.0, 20.0), at("OD", 600.0, 20.0)]);
    assert_eq!(v[1].kind, Kind::Clinical);
}

#[test]
fn address_lines_below_the_label() {
    let lines = [
        at("Address: 12 Mill Lane", 20.0, 20.0),
        at("Hollowmere", 92.0, 44.0),
        at("ZX1 2AB", 92.0, 68.0),
        at("Tel: 01632 960123", 20.0, 92.0),
        at("OD", 20.0, 300.0),
    ];
    let v = classify(&lines);
    assert_eq!(v[0].why, Why::AfterLabel(Label::Address));
    assert_eq!(v[1].why, Why::NearLabel(Label::Address));
    assert_eq!(v[2].kind, Kind::Identifier);
    assert_eq!(v[3].why, Why::AfterLabel(Label::Phone));
    assert_eq!(v[4].kind, Kind::Clinical);
}

#[test]
fn low_confidence_is_suggested() {
    let mut l = at("Average RNFL Thickness 92 µm", 0.0, 0.0);
    l.confidence = MIN_CONFIDENCE - 0.01;
    let v = classify(&[l.clone()]).remove(0);
    assert_eq!(
        (v.kind, v.suggested, v.why),
        (Kind::Other, true, Why::LowConfidence)
    );
    l.confidence = MIN_CONFIDENCE;
    assert!(!classify(&[l.clone()])[0].suggested);
    l.confidence = f32::NAN;
    assert!(classify(&[l.clone()])[0].suggested);
    // An identifier read poorly is still an identifier.
    l.text = "06/09/1961".into();
    assert_eq!(classify(&[l])[0].why, Why::Date);
}

#[test]
fn parts_are_bytes_of_the_original_text() {
    let text = "Zoë Ångström – DOB: 06/09/1961";
    let v = one(text);
    assert_eq!(part(text, &v), vec!["Zoë Ångström", "06/09/1961"]);
    let text = "Patient：DOE，JANE"; // full-width colon and comma
    assert_eq!(part(text, &one(text)), vec!["DOE，JANE"]);
}

#[test]
fn nothing_to_read() {
    for text in ["", "   ", "—", "● ●"] {
        let v = one(text);
        assert_eq!(
            (v.kind, v.suggested, v.why),
            (Kind::Other, true, Why::NoText),
            "{text:?}"
        );
    }
    assert!(classify(&[]).is_empty());
}

#[test]
fn generic_words_alone_are_not_clinical() {
    assert_eq!(one("of the").why, Why::Unrecognised);
    assert_eq!(one("Gender: Female").why, Why::Unrecognised);
    assert_eq!(one("Age: 63").why, Why::AfterLabel(Label::Age));
}

#[test]
fn known_weakness_a_surname_that_is_a_clinical_word() {
    // Written down in the README: alone on a line, "White" reads as the stimulus colour.
    assert_eq!(one("White").kind, Kind::Clinical);
    // With a first name, a title, a comma or a label, it is covered.
    assert_eq!(one("Jane White").kind, Kind::Other);
    assert_eq!(one("Mrs White").why, Why::Name);
    assert_eq!(one("WHITE, Jane").why, Why::Name);
    assert_eq!(one("Name: White").why, Why::AfterLabel(Label::Name));
}

/// A small deterministic generator (no dependency): odd text and odd boxes must never panic.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[(self.next() as usize) % xs.len()]
    }
}

#[test]
fn odd_input_never_panics() {
    let pieces = [
        "Name",
        ":",
        " ",
        "06",
        "/",
        "09",
        "1961",
        "O",
        "l",
        "|",
        "µ",
        "ß",
        "é",
        "—",
        "@",
        ".",
        "+44",
        "(",
        ")",
        "943",
        "-",
        "Mr",
        "DOE",
        ",",
        "Eye Centre",
        "6/9",
        "10:42",
        "ZX1",
        "2AB",
        "\u{FF1A}",
        "\u{0}",
        "\u{10FFFF}",
        "İ",
        "ǅ",
        "x",
        "99999999999999999999999",
        "'",
        "s",
        "www.",
        "am",
    ];
    let floats = [0.0, -5.0, 1e30, f32::NAN, f32::INFINITY, 12.5, 20.0];
    let mut g = Lcg(17);
    for _ in 0..300 {
        let n = (g.next() % 6) as usize;
        let lines: Vec<Line> = (0..n)
            .map(|_| {
                let k = (g.next() % 12) as usize;
                let text: String = (0..k).map(|_| *g.pick(&pieces)).collect();
                let bbox = PxBox {
                    x: *g.pick(&floats),
                    y: *g.pick(&floats),
                    w: *g.pick(&floats),
                    h: *g.pick(&floats),
                };
                Line {
                    text,
                    confidence: *g.pick(&[0.0, 0.5, 0.9, 1.0, f32::NAN]),
                    bbox,
                }
            })
            .collect();
        let v = classify(&lines);
        assert_eq!(v.len(), lines.len());
        for (v, l) in v.iter().zip(&lines) {
            assert!(
                v.parts.iter().all(|r| l.text.get(r.clone()).is_some()),
                "{l:?} {v:?}"
            );
            assert_eq!(v.suggested, v.kind != Kind::Clinical);
            let _ = v.safety_net(&l.text);
        }
        let query: String = (0..3).map(|_| *g.pick(&pieces)).collect();
        for (i, r) in find_occurrences(&query, &lines) {
            assert!(r.start < r.end && r.end <= lines[i].text.chars().count());
        }
    }
}

#[test]
fn names_that_are_finding_words_are_still_caught_with_a_title_or_label() {
    let v = one("Mrs Pink");
    assert_eq!((v.kind, v.suggested), (Kind::Identifier, true));
    let v = one("Name: Early, Jane");
    assert_eq!((v.kind, v.suggested), (Kind::Identifier, true));
}
