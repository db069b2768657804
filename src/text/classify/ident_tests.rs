//! Unit tests of the single-line identifier rules. Every person, practice, place, number
//! and address here is invented (phone numbers are from Ofcom's drama ranges; 943 476 5919
//! is the NHS's own example number; ZX is not a UK postcode area).

use crate::text::classify::fold::Folded;
use crate::text::classify::ident::*;
use crate::text::classify::tokens::tokenize;

fn found(s: &str) -> Vec<(Why, String)> {
    let f = Folded::new(s);
    let t = tokenize(&f);
    let mut hits = scan(&f, &t);
    hits.sort_by_key(|h| h.range.start);
    hits.into_iter().map(|h| (h.why, f.text(h.range))).collect()
}

fn one(s: &str) -> (Why, String) {
    let h = found(s);
    assert_eq!(h.len(), 1, "{s}: {h:?}");
    h.into_iter().next().unwrap_or((Why::NoText, String::new()))
}

fn none(s: &str) {
    assert_eq!(found(s), vec![], "{s}");
}

#[test]
fn numeric_dates() {
    assert_eq!(one("DOB 06/09/1961"), (Why::Date, "06/09/1961".into()));
    assert_eq!(
        one("Exam Date: 14-02-2025"),
        (Why::Date, "14-02-2025".into())
    );
    assert_eq!(one("14.02.25"), (Why::Date, "14.02.25".into()));
    assert_eq!(
        one("Capture Date 2025/02/14"),
        (Why::Date, "2025/02/14".into())
    );
    assert_eq!(one("2/14/2025"), (Why::Date, "2/14/2025".into())); // US order (Humphrey)
    assert_eq!(one("*06/09/1961, F"), (Why::Date, "06/09/1961".into())); // Spectralis birth mark
    assert_eq!(one("12 / 03 / 1961"), (Why::Date, "12 / 03 / 1961".into()));
    assert_eq!(one("12/O3/196l"), (Why::Date, "12/03/1961".into())); // OCR slips
    assert_eq!(one("Recall 06/09"), (Why::Date, "06/09".into())); // leading zero: not acuity
    assert_eq!(one("Last visit 03/2025"), (Why::Date, "03/2025".into()));
}

#[test]
fn month_name_dates() {
    assert_eq!(
        one("Printed: 14 Feb 2025"),
        (Why::Date, "14 Feb 2025".into())
    );
    assert_eq!(one("Exam.: 14/Feb/2025"), (Why::Date, "14/Feb/2025".into()));
    assert_eq!(one("12-Mar-61"), (Why::Date, "12-Mar-61".into()));
    assert_eq!(
        one("February 14, 2025"),
        (Why::Date, "February 14, 2025".into())
    );
    assert_eq!(one("14th February"), (Why::Date, "14th February".into()));
    assert_eq!(one("Sept. 2024"), (Why::Date, "Sept. 2024".into()));
}

#[test]
fn not_dates() {
    none("Signal Strength 9/10");
    none("Fixation Losses: 0/15");
    none("VA 6/9");
    none("Central 24-2 Threshold Test");
    none("RX: +1.25 / -0.50 x 90");
    none("Average C/D Ratio 0.52 0.61");
    none("Jan"); // a first name, or a month with no number
    none("May be unreliable");
    none("OCT 20° (5.7 mm) ART (25) Q: 32 [HS]"); // OCT the scan, not October
    assert_eq!(one("Oct 20, 2024"), (Why::Date, "Oct 20, 2024".into()));
    assert_eq!(one("20 OCT 2024"), (Why::Date, "20 OCT 2024".into()));
}

#[test]
fn times() {
    assert_eq!(one("10:42"), (Why::Time, "10:42".into()));
    assert_eq!(
        one("Exam Time: 10:42:17 AM"),
        (Why::Time, "10:42:17 AM".into())
    );
    assert_eq!(one("10.42am"), (Why::Time, "10.42am".into()));
    assert_eq!(one("l0:42"), (Why::Time, "10:42".into()));
    // The IOP trap: the time makes the line an identifier.
    assert_eq!(one("IOP 14 mmHg (NCT) 10:42"), (Why::Time, "10:42".into()));
    // A labelled test duration is not a time of day.
    none("Test Duration: 05:32");
    none("Q: 32");
    none("24:75"); // not a time
}

#[test]
fn nhs_and_long_numbers() {
    assert!(nhs_valid(b"9434765919"));
    assert!(!nhs_valid(b"9434765918"));
    assert!(!nhs_valid(b"943476591"));
    assert_eq!(one("943 476 5919"), (Why::NhsNumber, "943 476 5919".into()));
    assert_eq!(
        one("NHS No: 943-476-5919"),
        (Why::NhsNumber, "943-476-5919".into())
    );
    assert_eq!(one("9434765919"), (Why::NhsNumber, "9434765919".into()));
    assert_eq!(one("943 476 59l9"), (Why::NhsNumber, "943 476 5919".into()));
    assert_eq!(one("943 476 5918"), (Why::NhsShaped, "943 476 5918".into()));
    assert_eq!(one("ID: RX4821936"), (Why::LongNumber, "4821936".into()));
    assert_eq!(
        one("Serial Number: 5000-1234"),
        (Why::LongNumber, "5000-1234".into())
    );
    assert_eq!(one("4821936"), (Why::LongNumber, "4821936".into()));
    none("300 200 100 0");
    none("-30 -20 -10 0 10 20 30");
    none("Cup Volume 0.123 mm³ 0.201 mm³");
    none("G 96 T 71 TS 132 TI 141 NS 103 NI 99 N 75");
}

#[test]
fn years() {
    assert_eq!(one("1961"), (Why::Year, "1961".into()));
    assert_eq!(one("(2009)"), (Why::Year, "2009".into()));
    none("512x128");
    none("Background: 31.5 ASB");
    none("3000");
}

#[test]
fn phones() {
    assert_eq!(
        one("Tel: 01632 960123"),
        (Why::Phone, "01632 960123".into())
    );
    assert_eq!(one("0161 496 0123"), (Why::Phone, "0161 496 0123".into()));
    assert_eq!(one("020 7946 0958"), (Why::Phone, "020 7946 0958".into()));
    assert_eq!(one("(01632) 960123"), (Why::Phone, "01632) 960123".into()));
    assert_eq!(one("07700900123"), (Why::Phone, "07700900123".into()));
    assert_eq!(
        one("+44 20 7946 0958"),
        (Why::Phone, "+44 20 7946 0958".into())
    );
    assert_eq!(
        one("+44 (0)161 496 0123"),
        (Why::Phone, "+44 (0)161 496 0123".into())
    );
}

#[test]
fn postcodes() {
    assert_eq!(one("ZX1 2AB"), (Why::Postcode, "ZX1 2AB".into()));
    assert_eq!(
        one("Hollowmere ZX12 9QT"),
        (Why::Postcode, "ZX12 9QT".into())
    );
    assert_eq!(one("ZX1A 2AB"), (Why::Postcode, "ZX1A 2AB".into()));
    assert_eq!(one("Z1 2AB"), (Why::Postcode, "Z1 2AB".into()));
    assert_eq!(one("ZX12AB"), (Why::Postcode, "ZX12AB".into()));
    assert_eq!(one("ZX1 OAB"), (Why::Postcode, "ZX1 OAB".into())); // O read for 0
    none("HD 5 Line Raster");
    none("OD 6/9 N5");
    none("IR 30 ART");
}

#[test]
fn emails_and_web() {
    assert_eq!(
        one("Email: jane.doe@example.org"),
        (Why::Email, "jane.doe@example.org".into())
    );
    assert_eq!(
        one("www.riverside-eyes.example"),
        (Why::WebAddress, "www.riverside-eyes.example".into())
    );
    assert_eq!(
        one("riverside-eyes.co.uk"),
        (Why::WebAddress, "riverside-eyes.co.uk".into())
    );
    none("ILM - RPE");
}

#[test]
fn names() {
    assert_eq!(one("SMITH, Jane"), (Why::Name, "SMITH, Jane".into()));
    assert_eq!(one("Doe, Jane A."), (Why::Name, "Doe, Jane A.".into()));
    assert_eq!(
        one("SMITH-JONES, Jane"),
        (Why::Name, "SMITH-JONES, Jane".into())
    );
    assert_eq!(
        one("Mr John O'Neill"),
        (Why::Name, "Mr John O'Neill".into())
    );
    assert_eq!(
        one("Mrs J. Smith-Jones"),
        (Why::Name, "Mrs J. Smith-Jones".into())
    );
    assert_eq!(one("Dr A Example"), (Why::Name, "Dr A Example".into()));
    assert_eq!(
        found("Optix Practice Manager — Jane Doe"),
        vec![
            (Why::PracticeName, "Optix Practice".into()),
            (Why::Name, "Jane Doe".into())
        ]
    );
    none("Stimulus: III, White");
    none("Normal, Borderline");
    none("Fovea: 256, 64");
    none("ILM - RPE Thickness Map");
    none("Macular Thickness | Macular Cube 512x128");
}

#[test]
fn practice_names() {
    assert_eq!(
        one("Riverside Eye Centre"),
        (Why::PracticeName, "Riverside Eye Centre".into())
    );
    assert_eq!(
        one("Printed by Riverside Eye Centre"),
        (Why::PracticeName, "Riverside Eye Centre".into())
    );
    assert_eq!(
        one("Hollowmere Opticians Ltd"),
        (Why::PracticeName, "Hollowmere Opticians Ltd".into())
    );
    assert_eq!(
        one("Fernleigh Vale NHS Foundation Trust"),
        (
            Why::PracticeName,
            "Fernleigh Vale NHS Foundation Trust".into()
        )
    );
    none("Right Eye");
    none("Heidelberg Engineering");
}

#[test]
fn phone_split_into_pairs_by_the_reader() {
    // The recogniser may part "0113 496 0692" as "01 13 496 0692".
    assert_eq!(one("01 13 496 0692"), (Why::Phone, "01 13 496 0692".into()));
    assert_eq!(one("0113 496 0692"), (Why::Phone, "0113 496 0692".into()));
    // Grid numbers and short groups are not phones.
    none("30 28 27 31 29");
    none("01 13 49");
}

#[test]
fn time_with_a_dot_alone_on_its_line() {
    // A small colon read as a dot: "14:20" -> "14.20".
    assert_eq!(one("14.20"), (Why::Time, "14.20".into()));
    assert_eq!(one("16.45"), (Why::Time, "16.45".into()));
    // One-digit wholes stay numbers (refraction, ratios), and so do dotted numbers in text.
    none("1.25");
    none("0.45");
    none("Volume 10.25 mm3");
    none("24.70");
}
