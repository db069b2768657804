//! Which colour space an input's pixels are in, decided from what the profile does to colours,
//! never from its name (anyone can write "Display P3" into a `desc`), and what the pipeline
//! does about it.
//!
//! # The test: how differently two profiles show the same pixels
//!
//! A profile matches a standard space when, for every colour of a grid of 8-bit values (the
//! grey ramp and each channel's ramp, all 256 levels, and a 9×9×9 cube), the CIELAB colour it
//! gives and the one the canonical profile gives are at most [`MAX_DELTA_E`] ΔE76 apart. So
//! the tolerance is stated in what a person could see: 0.5 is a fifth of a just-noticeable
//! difference (≈ 2.3), and the lossless target (mean ΔE ≤ 0.5) holds by construction.
//! It accepts the ways real profiles of one space differ (s15Fixed16 rounding, 2.2 vs 563/256,
//! a 1024-point table for the sRGB curve, Bradford vs CAT02 adaptation), and refuses a
//! display's measured primaries, a different curve, or another space under the same name.
//! Grey profiles are compared over the 256 grey levels. Comparing the parsed numbers alone
//! (colorants within some tolerance, curves at a few points) would cost as much code (the
//! curves and CIELAB are needed for conversion anyway) and would state its tolerance in
//! numbers nobody sees.
//!
//! # What it decides ([`Verdict`])
//!
//! - `Standard`: the lossless JPEG path embeds the canonical profile of that space (nothing
//!   for sRGB and sGray, which an untagged file means); the pixel path converts to sRGB.
//! - `Convert`: a matrix-and-curves profile of no standard space (a measured display, a
//!   camera): the pixel path converts to sRGB with our converter; no lossless path.
//! - `NeedsCms`: lookup tables (A2B0…), `cicp`, a Lab connection space: the full module's CMS
//!   (moxcms) converts to sRGB; no lossless path.
//! - `Unreadable`: a broken profile or container, or one for other data than RGB or grey:
//!   shown as sRGB, as browsers do, and said so.

use super::canonical::Space;
use super::icc::{self, Model, D50};
use super::math;
use super::source::Tagged;

/// Largest ΔE76 between a profile and a standard space, anywhere on the grid, for the profile
/// to count as that space.
pub const MAX_DELTA_E: f64 = 0.5;

/// What to do with an input's colours.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// A standard space. `model` is the input's own matrix and curves (the pixel path converts
    /// with it, so the output matches the input, not the canonical profile).
    Standard { space: Space, model: Model },
    /// Matrix and curves of no standard space: converted to sRGB on the pixel path.
    Convert { model: Model, why: String },
    /// Needs the full CMS: converted on the pixel path by the full module.
    NeedsCms { why: String },
    /// Shown as sRGB, as browsers do; `why` says what could not be read or used.
    Unreadable { why: String },
}

/// Where the colour information came from, for the words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Nothing: the file is untagged.
    Nothing,
    /// An ICC profile (JPEG APP2, PNG iCCP, WebP ICCP, TIFF, GIF).
    Profile,
    /// A PNG sRGB chunk, a cICP chunk, or gAMA (with or without cHRM).
    Chunk(&'static str),
}

/// An input's colour, as the pipeline sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub verdict: Verdict,
    pub source: Source,
    /// The profile's own name (`desc`), quoted in the words for a profile of no standard
    /// space; never used for a decision.
    pub description: Option<String>,
    /// Tags beyond a canonical profile's (device descriptions, private tags), for the words.
    pub extra_tags: Vec<String>,
}

/// What the JPEG lossless path does with the colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LosslessColour {
    /// Nothing to embed: the input is untagged or sRGB (today's output, unchanged).
    Untagged,
    /// Embed this space's canonical profile; the fill is converted into it.
    Embed(Space),
}

impl Assessment {
    /// An input with no colour information: sRGB, as today.
    pub fn untagged() -> Assessment {
        Assessment::of(
            Verdict::Standard {
                space: Space::Srgb,
                // Never converted from (sRGB needs nothing): a placeholder, not sRGB's model,
                // which would cost a copy of its curves for every untagged file.
                model: Model::Grey {
                    trc: icc::Curve::Identity,
                },
            },
            Source::Nothing,
        )
    }

    fn of(verdict: Verdict, source: Source) -> Assessment {
        Assessment {
            verdict,
            source,
            description: None,
            extra_tags: Vec::new(),
        }
    }

    /// True when the pixels are sRGB already (untagged, an sRGB chunk or an sRGB-equal profile,
    /// or unreadable and so shown as sRGB): every path behaves exactly as it does today.
    pub fn is_srgb(&self) -> bool {
        match &self.verdict {
            Verdict::Standard { space, .. } => space.is_default(),
            Verdict::Unreadable { .. } => true,
            _ => false,
        }
    }

    /// The lossless path's choice, or why it cannot run (the pixel path's reason).
    pub fn lossless(&self) -> Result<LosslessColour, String> {
        match &self.verdict {
            Verdict::Standard { space, .. } if !space.is_default() => {
                Ok(LosslessColour::Embed(*space))
            }
            Verdict::Standard { .. } | Verdict::Unreadable { .. } => Ok(LosslessColour::Untagged),
            Verdict::Convert { why, .. } | Verdict::NeedsCms { why } => Err(format!(
                "the colour profile is not a standard space ({why}), so the pixels are \
                 converted to sRGB"
            )),
        }
    }

    /// The model the pixel path converts from (`None`: nothing to convert, or the full CMS).
    pub fn to_srgb_model(&self) -> Option<&Model> {
        match &self.verdict {
            Verdict::Standard { space, .. } if space.is_default() => None,
            Verdict::Standard { model, .. } | Verdict::Convert { model, .. } => Some(model),
            _ => None,
        }
    }

    /// The standard space, if the colours are one.
    pub fn space(&self) -> Option<Space> {
        match &self.verdict {
            Verdict::Standard { space, .. } => Some(*space),
            _ => None,
        }
    }

    /// The profile's own name in quotes, for the words (empty without one).
    fn quoted(&self) -> String {
        match &self.description {
            Some(d) => format!(" \u{201c}{d}\u{201d}"),
            None => String::new(),
        }
    }

    /// What carried the colour information, as the words name it.
    fn label(&self) -> String {
        match self.source {
            Source::Chunk(names) => format!("colour chunk ({names})"),
            _ => "colour profile".into(),
        }
    }

    /// The phrase for the inventory and the receipt: what the file carries and what the export
    /// does with it. `kept` is true when the export keeps the canonical profile (the lossless
    /// JPEG path). Empty when there is nothing to say (an untagged file, or one whose chunks
    /// say plain sRGB).
    pub fn words(&self, kept: bool) -> String {
        let extra = if self.extra_tags.is_empty() {
            String::new()
        } else {
            format!(
                "; its other data ({}) is removed",
                self.extra_tags.join(", ")
            )
        };
        let label = self.label();
        match &self.verdict {
            Verdict::Standard { space, .. } if space.is_default() => match self.source {
                Source::Profile => format!(
                    "{label} {}: removed, as an untagged file already means {}{extra}",
                    space.name(),
                    space.name()
                ),
                _ => String::new(),
            },
            Verdict::Standard { space, .. } if kept => format!(
                "{label} {}: kept as a standard profile, no device data{extra}",
                space.name()
            ),
            Verdict::Standard { space, .. } => {
                format!("{label} {}: converted to sRGB{extra}", space.name())
            }
            Verdict::Convert { why, .. } | Verdict::NeedsCms { why } => format!(
                "{label}{}: not a standard space ({why}); converted to sRGB",
                self.quoted()
            ),
            Verdict::Unreadable { why } => format!(
                "{label}{}: cannot be used ({why}); the pixels are shown as sRGB, as browsers \
                 do, and it is removed",
                self.quoted()
            ),
        }
    }
}

/// Assesses what a container said about colour ([`super::source`] reads it).
pub fn assess(tagged: &Tagged) -> Assessment {
    let chunk = |verdict, names| Assessment::of(verdict, Source::Chunk(names));
    match tagged {
        Tagged::Untagged => Assessment::untagged(),
        Tagged::SrgbChunk => Assessment {
            source: Source::Chunk("sRGB"),
            ..Assessment::untagged()
        },
        Tagged::Broken(why) => {
            Assessment::of(Verdict::Unreadable { why: why.clone() }, Source::Profile)
        }
        Tagged::Icc(bytes) => assess_icc(bytes),
        // gAMA 1/2.2 alone is what many PNG writers add to plain sRGB; Chromium shows it as
        // sRGB (measured: identical to the untagged pixels), so it is sRGB here too.
        Tagged::Gamma { gamma, chrm: None } if (gamma - 1.0 / 2.2).abs() <= 0.001 => Assessment {
            source: Source::Chunk("gAMA"),
            ..Assessment::untagged()
        },
        Tagged::Gamma { gamma, chrm } => {
            let names = if chrm.is_some() { "gAMA, cHRM" } else { "gAMA" };
            let verdict = match png_model(*gamma, *chrm) {
                Some(model) => decide(model),
                None => Verdict::Unreadable {
                    why: "its gAMA or cHRM values are impossible".into(),
                },
            };
            chunk(verdict, names)
        }
        Tagged::Cicp(c) => chunk(
            Verdict::NeedsCms {
                why: format!("coding-independent code points {}/{}/{}", c[0], c[1], c[2]),
            },
            "cICP",
        ),
    }
}

/// Assesses an ICC profile's bytes.
pub fn assess_icc(bytes: &[u8]) -> Assessment {
    let profile = match icc::parse(bytes) {
        Ok(p) => p,
        Err(why) => {
            return Assessment {
                description: icc::description(bytes),
                ..Assessment::of(Verdict::Unreadable { why }, Source::Profile)
            }
        }
    };
    let extra_tags = profile.extra_tags();
    let verdict = if !profile.rgb_or_grey {
        Verdict::Unreadable {
            why: profile.model.err().unwrap_or_default(),
        }
    } else if let Some(tag) = profile.overriding_tag() {
        Verdict::NeedsCms {
            why: format!("it converts through its '{tag}' tag"),
        }
    } else {
        match profile.model {
            Ok(model) => decide(model),
            Err(why) => Verdict::NeedsCms { why },
        }
    };
    Assessment {
        verdict,
        source: Source::Profile,
        extra_tags,
        description: profile.description,
    }
}

fn decide(model: Model) -> Verdict {
    let (space, de) = nearest(&model);
    if de <= MAX_DELTA_E {
        return Verdict::Standard { space, model };
    }
    // A name the profile gives itself changes nothing: the words quote it next to this.
    let why = format!(
        "its colours are up to ΔE {} from the nearest, {}",
        tenths(de),
        space.name()
    );
    Verdict::Convert { model, why }
}

/// A ΔE with one decimal, printed from integer tenths (the core carries no float printer).
fn tenths(v: f64) -> String {
    let t = (v * 10.0).round().clamp(0.0, 1e6) as u32;
    format!("{}.{}", t / 10, t % 10)
}

/// The standard space of the same kind (RGB or grey) whose colours are closest, and how far
/// (largest ΔE76 on the grid).
pub fn nearest(model: &Model) -> (Space, f64) {
    let mut best = (Space::Srgb, f64::INFINITY);
    for s in Space::ALL {
        if s.is_grey() == model.is_grey() {
            let de = max_delta_e(model, s.model());
            if de < best.1 {
                best = (s, de);
            }
        }
    }
    best
}

/// Largest ΔE76 between what two models make of the same 8-bit values. (Out of line: inlined
/// into its callers, its loops were unrolled into ~29 KB of wasm.)
#[inline(never)]
pub fn max_delta_e(a: &Model, b: &Model) -> f64 {
    let mut worst: f64 = 0.0;
    let mut check = |c: [f64; 3]| {
        let d = math::delta_e76(math::lab(a.xyz(c), D50), math::lab(b.xyz(c), D50));
        worst = worst.max(if d.is_nan() { f64::INFINITY } else { d });
    };
    let rgb = !a.is_grey();
    for i in 0..256 {
        let v = f64::from(i) / 255.0;
        check([v, v, v]);
        if rgb {
            check([v, 0.0, 0.0]);
            check([0.0, v, 0.0]);
            check([0.0, 0.0, v]);
        }
    }
    if rgb {
        for i in 0..729 {
            check([i / 81, i / 9 % 9, i % 9].map(|x| f64::from(x) / 8.0));
        }
    }
    worst
}

/// A PNG gAMA (+ cHRM) as a model: decoding exponent 1/gamma, colorants from the chromaticities
/// (white, red, green, blue), or sRGB's without cHRM.
fn png_model(gamma: f64, chrm: Option<[f64; 8]>) -> Option<Model> {
    if !(gamma > 0.0 && gamma.is_finite()) {
        return None;
    }
    let m = match chrm {
        Some(c) => {
            let ok = c.iter().all(|v| (0.0..=1.0).contains(v))
                && [c[1], c[3], c[5], c[7]].iter().all(|&y| y > 0.0);
            if !ok {
                return None;
            }
            math::rgb_to_d50(
                [[c[2], c[3]], [c[4], c[5]], [c[6], c[7]]],
                [c[0], c[1]],
                D50,
            )?
        }
        None => Space::srgb_matrix(),
    };
    if m.iter().flatten().any(|v| !v.is_finite()) {
        return None;
    }
    let trc = icc::Curve::Gamma(1.0 / gamma);
    Some(Model::Rgb {
        m,
        trc: [trc.clone(), trc.clone(), trc],
    })
}
