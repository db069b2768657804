//! A table of labelled lines as the OCR would return them from UK optometry images (Zeiss
//! Cirrus, Heidelberg Spectralis, Topcon Maestro, Humphrey HFA, Optos, a practice system),
//! run through `classify` image by image. It reports identifier recall (identifier lines
//! suggested) and clinical pass-through (clinical lines left uncovered), lists every clinical
//! line covered and every identifier line missed, and fails under the issue's targets.
//!
//! Run `cargo test --lib table -- --nocapture` to see the report.
//!
//! Every person, practice, place, address, phone and ID here is invented: "Jane Doe", "John
//! O'Neill", "Ima Placeholder", "A Example" are placeholders; Riverside Eye Centre, Hollowmere,
//! Fernleigh and Mill Lane are made up; ZX is not a UK postcode area; the phone numbers are
//! from Ofcom's ranges kept for drama; 943 476 5919 is the NHS's own example number.
//!
//! The lines were written by the same hand as the rules, so the pass-through here is an
//! upper bound: real reports read by the real recogniser will show words the vocabulary
//! lacks (they are then covered, the safe side).

use crate::text::classify::decide::*;
use crate::text::classify::model::*;

/// I: identifier (must be suggested); C: clinical (should be left); O: other (must be suggested).
type Row = (char, &'static str);

/// A row with a position, for images where the layout matters.
type Placed = (char, &'static str, f32, f32);

/// Images whose lines are far apart (nothing is a label's neighbour).
const APART: &[(&str, &[Row])] = &[
    (
        "Cirrus macular cube",
        &[
            ('I', "Riverside Eye Centre"),
            ('C', "Macular Thickness: Macular Cube 512x128"),
            ('C', "OD ● OS"),
            ('I', "Name: DOE, JANE"),
            ('I', "ID: RX4821936"),
            ('I', "DOB: 06/09/1961"),
            ('O', "Gender: Female"),
            ('I', "Exam Date: 14/02/2025"),
            ('I', "Exam Time: 10:42 AM"),
            ('I', "Technician: Operator, Cirrus"),
            ('C', "Signal Strength: 9/10"),
            ('I', "Serial Number: 5000-1234"),
            ('C', "Central Subfield Thickness 265 µm"),
            ('C', "Cube Volume (mm³) 10.2"),
            ('C', "Cube Average Thickness (µm) 282"),
            ('C', "ILM - RPE"),
            ('C', "ILM - RPE Thickness Map"),
            ('C', "Fovea: 256, 64"),
            ('C', "400 µm"),
            ('C', "0 µm"),
            ('C', "Overlay: ILM - RPE"),
            ('C', "Transparency: 50 %"),
            ('O', "Doctor's Signature"),
            ('C', "Page 1 of 1"),
            (
                'I',
                "Riverside Eye Centre · 12 Mill Lane, Hollowmere ZX1 2AB",
            ),
        ],
    ),
    (
        "Cirrus ONH and RNFL",
        &[
            ('C', "ONH and RNFL OU Analysis: Optic Disc Cube 200x200"),
            ('C', "OD"),
            ('C', "OS"),
            ('C', "Average RNFL Thickness 92 µm 88 µm"),
            ('C', "RNFL Symmetry 86%"),
            ('C', "Rim Area 1.32 mm² 1.18 mm²"),
            ('C', "Disc Area 1.95 mm² 1.90 mm²"),
            ('C', "Average C/D Ratio 0.52 0.61"),
            ('C', "Vertical C/D Ratio 0.48 0.58"),
            ('C', "Cup Volume 0.123 mm³ 0.201 mm³"),
            ('C', "TEMP SUP NAS INF TEMP"),
            ('C', "Distribution of Normals"),
            ('C', "95% 5% 1%"),
            ('C', "RNFL Thickness"),
            ('C', "Neuroretinal Rim Thickness"),
            ('I', "DOE, JANE"),
            ('I', "4821936"),
            ('I', "Doe, Jane  RX4821936  F  06/09/1961"),
            ('I', "Exam Date: 14/02/2025 Exam Time: 10:51"),
            ('C', "Signal Strength: 8/10 7/10"),
            ('C', "Clock Hours"),
            ('C', "T S N I T"),
            ('C', "Quadrants"),
            ('C', "RNFL Deviation Map"),
            ('C', "Disc Center (-0.12, 0.09) mm"),
            ('C', "Extracted Horizontal Tomogram"),
            ('C', "Extracted Vertical Tomogram"),
            ('I', "Riverside Eye Centre"),
        ],
    ),
    (
        "Spectralis",
        &[
            ('C', "Heidelberg Eye Explorer"),
            ('I', "Patient: Doe, Jane, *06/09/1961, F"),
            ('I', "Patient ID: 4821936"),
            ('I', "Exam.: 14/Feb/2025"),
            ('O', "Diagnosis:"),
            ('O', "Comment:"),
            ('C', "IR 30° ART [HS]"),
            ('C', "OCT 20° (5.7 mm) ART (25) Q: 32 [HS]"),
            ('C', "Thickness Map ETDRS: Retinal Thickness [ILM - BM]"),
            ('C', "Central Min: 218 µm"),
            ('C', "Central Max: 301 µm"),
            ('C', "Volume [mm³]"),
            ('C', "Total Volume: 8.62 mm³"),
            ('C', "Spectralis Tracking Laser Tomography"),
            ('C', "Heidelberg Engineering"),
            ('I', "Operator: Dr A Example"),
            ('I', "Riverside Eye Centre, Hollowmere"),
            ('C', "RNFL Single Exam Report OU"),
            ('C', "G 96 T 71 TS 132 TI 141 NS 103 NI 99 N 75"),
            ('C', "Classification OD: Within Normal Limits"),
            ('C', "Within Normal Limits (p > 0.05)"),
            ('C', "Borderline (p < 0.05)"),
            ('C', "Outside Normal Limits (p < 0.01)"),
            ('C', "Reference database: European Descent (2009)"),
        ],
    ),
    (
        "Humphrey 24-2",
        &[
            ('C', "Central 24-2 Threshold Test"),
            ('C', "Fixation Monitor: Gaze/Blindspot"),
            ('C', "Fixation Target: Central"),
            ('C', "Fixation Losses: 0/15"),
            ('C', "False POS Errors: 2%"),
            ('C', "False NEG Errors: 3%"),
            ('C', "Test Duration: 05:32"),
            ('C', "Fovea: 34 dB"),
            ('C', "Stimulus: III, White"),
            ('C', "Background: 31.5 ASB"),
            ('C', "Strategy: SITA Standard"),
            ('C', "Pupil Diameter: 4.2 mm"),
            ('C', "Visual Acuity: 6/9"),
            ('C', "RX: +1.25 DS -0.50 DC X 90"),
            ('I', "Date: 14-02-2025"),
            ('I', "Time: 10:42 AM"),
            ('I', "Age: 63"),
            ('I', "Name: DOE, JANE"),
            ('I', "ID: 4821936"),
            ('I', "DOB: 06-09-1961"),
            ('C', "Eye: Left"),
            ('C', "GHT: Outside normal limits"),
            ('C', "VFI: 87%"),
            ('C', "MD24-2: -5.32 dB P < 1%"),
            ('C', "PSD24-2: 6.12 dB P < 0.5%"),
            ('C', "Total Deviation"),
            ('C', "Pattern Deviation"),
            ('C', "⁘ < 5%"),
            ('C', "< 2%"),
            ('C', "< 1%"),
            ('C', "< 0.5%"),
            ('C', "-30"),
            ('C', "30"),
            ('C', "Humphrey Field Analyzer 3"),
            ('I', "Riverside Eye Centre"),
            ('I', "Physician: Dr Ima Placeholder"),
        ],
    ),
    (
        "Practice system",
        &[
            ('I', "Optix Practice Manager — Jane Doe"),
            ('O', "Patient Record"),
            ('I', "Mr John O'Neill"),
            ('I', "Tel: 01632 960123"),
            ('I', "Mobile 07700 900123"),
            ('I', "Email: jane.doe@example.org"),
            ('I', "NHS No: 943 476 5919"),
            ('I', "943 476 5919"),
            ('I', "9434765919"),
            ('I', "GP: Dr Ima Placeholder, Fernleigh Surgery"),
            ('I', "Recall date 14/08/2025"),
            ('I', "Last Sight Test: 14/02/2025"),
            ('C', "Unaided VA R 6/12 L 6/18"),
            ('C', "Aided VA R 6/6 L 6/7.5"),
            ('C', "Near Vision N5"),
            ('C', "R +1.25 / -0.50 x 90 Add +2.00"),
            ('C', "L +1.50 / -0.75 x 85 Add +2.00"),
            ('C', "PD 62"),
            ('I', "IOP R 16 L 17 mmHg (NCT) 10:42"),
            ('C', "IOP 14 mmHg (GAT)"),
            ('C', "C/D R 0.3 L 0.35"),
            ('C', "Right Eye"),
            ('C', "Left Eye"),
            ('O', "Appointments"),
            ('I', "Riverside Eye Centre - Hollowmere"),
            ('I', "www.riverside-eyes.example"),
        ],
    ),
    (
        "Optos",
        &[
            ('C', "Optos California"),
            ('C', "optomap"),
            ('C', "R"),
            ('C', "L"),
            ('I', "14/02/2025 10:42"),
            ('I', "DOE JANE 06/09/1961"),
            ('C', "200° colour"),
            ('I', "SMITH, Jane"),
            ('I', "Hollowmere Vision"),
            ('I', "Hollowmere Vision"),
        ],
    ),
    (
        "Topcon Maestro",
        &[
            ('C', "3D Macula 6.0x6.0mm 512x128"),
            ('C', "Topcon Maestro2"),
            ('C', "Fundus Image"),
            ('C', "Retinal Thickness (ILM-RPE)"),
            ('C', "ETDRS Grid"),
            ('C', "Total: 265 µm"),
            ('C', "GCL+ (ILM-IPL)"),
            ('I', "Patient ID 4821936  Doe Jane"),
            ('I', "Gender F  Age 63"),
            ('I', "Capture Date 2025/02/14"),
            ('I', "Fernleigh Vale NHS Foundation Trust"),
        ],
    ),
    (
        "Traps and OCR slips",
        &[
            ('I', "DOB 06/09/1961"),
            ('O', "6/9"),
            ('I', "943-476-5919"),
            ('I', "IOP 14 mmHg (NCT) 10:42"),
            ('C', "Signal Strength 9/10"),
            ('C', "MD -3.21 dB"),
            ('C', "Macular Cube 512x128"),
            ('C', "Stimulus III, White"),
            ('I', "l0:42"),
            ('I', "12/O3/196l"),
            ('I', "ZX9 9ZZ"),
            ('I', "0161 496 0123"),
            ('I', "+44 20 7946 0958"),
            ('I', "jane.doe@example.org"),
            ('I', "Hollowmere Opticians Ltd"),
            ('I', "Printed: 14 Feb 2025"),
            ('I', "February 14, 2025"),
            ('I', "Mrs J. Smith-Jones"),
            ('I', "Referred by: Fernleigh Surgery"),
            ('C', "Mean Deviation -5.32 dB"),
            ('C', "Pattern Standard Deviation 6.12 dB P<0.5%"),
            ('C', "VFI 87 %"),
            ('C', "logMAR 0.18"),
            ('C', "0.2 logMAR RE"),
            ('C', "CCT 545 µm"),
            ('C', "Central Corneal Thickness 545um"),
            ('C', "Glaucoma Hemifield Test: Outside Normal Limits"),
            ('C', "SITA Faster"),
            ('C', "10-2"),
            ('C', "HD 5 Line Raster"),
            ('C', "Radial Scan 6 lines"),
            ('I', "Test date 14.02.25"),
            ('I', "1961"),
            ('I', "SMlTH, Jane"),
            ('I', "Name:DOE,JANE"),
            ('I', "DOB06/09/1961"),
            ('C', "OD 6/9 N5"),
            ('C', "IOP14mmHg"),
        ],
    ),
    // Written after the rules were done and left as they were: the vocabulary was not
    // extended for them, so what fails here is what real reports will show.
    (
        "Written after the rules, not tuned",
        &[
            ('C', "Fixation Losses: 2/13 xx"),
            ('C', "Fovea: OFF"),
            ('C', "Single Field Analysis"),
            ('C', "Guided Progression Analysis"),
            ('C', "Central 30-2 Threshold Test"),
            ('C', "Rx Used: +2.50 DS -1.00 DC X 175"),
            ('C', "Asymmetry Analysis"),
            ('C', "Mean Retinal Thickness 287 µm"),
            ('C', "Hemisphere Asymmetry"),
            ('C', "Posterior Pole"),
            ('C', "optomap af"),
            ('C', "3D Disc 6.0x6.0mm 512x128"),
            ('C', "Hood Report"),
            ('C', "Macular Change Analysis"),
            ('C', "Fovea Finder"),
            ('C', "Anterior Segment 5 Line Raster"),
            ('C', "GCL + IPL Thickness"),
            ('C', "Minimum GCL + IPL 71 µm"),
            ('C', "Inferotemporal 78 µm"),
            ('C', "Disc Margin"),
            ('C', "Vessel Density 18.2 mm⁻¹"),
            ('C', "Pachymetry 552 µm"),
            ('C', "Corrected IOP 15.2 mmHg"),
            ('C', "Van Herick grade 3"),
            ('C', "Amsler: NAD"),
            ('I', "Pt: O'NEILL, John"),
            ('I', "Hosp No. K123456"),
            ('I', "Born 1961"),
            ('I', "Seen by: A Example (Optom)"),
            ('I', "Report generated 14/02/2025 at 10:42"),
            ('I', "Referral to Fernleigh Eye Unit"),
            ('I', "JOHN O'NEILL"),
            ('I', "Jane"),
        ],
    ),
];

/// Images where the boxes decide: values beside or under their labels, acuity tables.
const PLACED: &[(&str, &[Placed])] = &[
    (
        "Form with labels and values apart",
        &[
            ('O', "Name:", 20.0, 20.0),
            ('I', "Jane Example", 90.0, 20.0),
            ('O', "Patient ID", 20.0, 60.0),
            ('I', "4821", 20.0, 84.0),
            ('O', "Date of Birth", 300.0, 60.0),
            ('I', "06/09/61", 300.0, 84.0),
            ('I', "Address: 12 Mill Lane", 20.0, 140.0),
            ('I', "Hollowmere", 92.0, 164.0),
            ('I', "ZX1 2AB", 92.0, 188.0),
            ('I', "Tel: 01632 960123", 20.0, 212.0),
            ('C', "OD", 20.0, 400.0),
        ],
    ),
    (
        "Acuity table",
        &[
            ('C', "VA", 20.0, 20.0),
            ('C', "RE", 20.0, 44.0),
            ('C', "6/9", 70.0, 44.0),
            ('C', "LE", 20.0, 68.0),
            ('C', "6/12", 70.0, 68.0),
            ('C', "IOP", 200.0, 20.0),
            ('C', "16/18", 202.0, 44.0),
        ],
    ),
];

/// Every image as placed rows, the `APART` ones stacked 100 px apart.
fn images() -> Vec<(&'static str, Vec<Placed>)> {
    let stacked = APART.iter().map(|(name, rows)| {
        let placed = rows
            .iter()
            .enumerate()
            .map(|(i, &(want, text))| (want, text, 20.0, 20.0 + 100.0 * i as f32))
            .collect();
        (*name, placed)
    });
    let placed = PLACED.iter().map(|(name, rows)| (*name, rows.to_vec()));
    stacked.chain(placed).collect()
}

/// Classifies every image whose name `pick` accepts and counts the outcome.
fn tally(pick: impl Fn(&str) -> bool) -> Tally {
    let mut tally = Tally::default();
    for (image, rows) in images().into_iter().filter(|(name, _)| pick(name)) {
        let lines: Vec<Line> = rows
            .iter()
            .map(|&(_, text, x, y)| Line {
                text: text.to_string(),
                confidence: 0.97,
                bbox: PxBox {
                    x,
                    y,
                    w: 9.0 * text.chars().count() as f32,
                    h: 20.0,
                },
            })
            .collect();
        for (&(want, text, _, _), v) in rows.iter().zip(&classify(&lines)) {
            tally.add(image, want, text, v);
        }
    }
    tally
}

#[derive(Default)]
struct Tally {
    identifiers: usize,
    identifiers_suggested: usize,
    identifiers_named: usize,
    clinical: usize,
    clinical_left: usize,
    other: usize,
    other_suggested: usize,
    covered_wrongly: Vec<String>,
    missed: Vec<String>,
    misnamed: Vec<String>,
}

impl Tally {
    fn add(&mut self, image: &str, want: char, text: &str, v: &Verdict) {
        match want {
            'I' => {
                self.identifiers += 1;
                self.identifiers_suggested += usize::from(v.suggested);
                self.identifiers_named += usize::from(v.kind == Kind::Identifier);
                if v.kind != Kind::Identifier {
                    self.misnamed
                        .push(format!("{image}: {text:?} ({})", v.why.phrase()));
                }
                if !v.suggested {
                    self.missed
                        .push(format!("{image}: {text:?} ({})", v.why.phrase()));
                }
            }
            'C' => {
                self.clinical += 1;
                self.clinical_left += usize::from(!v.suggested);
                if v.suggested {
                    self.covered_wrongly
                        .push(format!("{image}: {text:?} ({})", v.why.phrase()));
                }
            }
            _ => {
                self.other += 1;
                self.other_suggested += usize::from(v.suggested);
                if !v.suggested {
                    self.missed
                        .push(format!("{image}: {text:?} ({})", v.why.phrase()));
                }
            }
        }
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        100.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

#[test]
fn table_of_labelled_lines() {
    let tally = tally(|_| true);
    report(&tally);
    let t = &tally;
    assert!(t.identifiers + t.clinical + t.other >= 150);
    let recall = pct(t.identifiers_suggested, t.identifiers);
    let pass = pct(t.clinical_left, t.clinical);
    assert!(recall >= 98.0, "identifier recall {recall:.1} % < 98 %");
    assert!(pass >= 80.0, "clinical pass-through {pass:.1} % < 80 %");
    assert_eq!(
        t.other_suggested, t.other,
        "an 'other' line was left uncovered"
    );
}

/// The untuned image alone: what the vocabulary misses on text it was not written for.
#[test]
fn table_untuned_part() {
    let tally = tally(|name| name.contains("not tuned"));
    report(&tally);
    assert_eq!(tally.identifiers_suggested, tally.identifiers);
    // Measured when the set was written (before any rule saw it): 15 of 25 left uncovered.
    assert!(
        tally.clinical_left >= 15,
        "pass-through on the untuned lines fell"
    );
}

fn report(t: &Tally) {
    let recall = pct(t.identifiers_suggested, t.identifiers);
    let pass = pct(t.clinical_left, t.clinical);
    println!(
        "lines: {} ({} identifier, {} clinical, {} other)",
        t.identifiers + t.clinical + t.other,
        t.identifiers,
        t.clinical,
        t.other
    );
    println!(
        "identifier recall (suggested): {}/{} = {recall:.1} %",
        t.identifiers_suggested, t.identifiers
    );
    println!(
        "identifier lines named identifier: {}/{}",
        t.identifiers_named, t.identifiers
    );
    println!(
        "clinical left uncovered: {}/{} = {pass:.1} %",
        t.clinical_left, t.clinical
    );
    println!("other lines suggested: {}/{}", t.other_suggested, t.other);
    println!("clinical lines covered wrongly:");
    for c in &t.covered_wrongly {
        println!("  {c}");
    }
    println!("identifier lines suggested but not named identifier:");
    for m in &t.misnamed {
        println!("  {m}");
    }
    println!("identifier or other lines left uncovered:");
    for m in &t.missed {
        println!("  {m}");
    }
}
