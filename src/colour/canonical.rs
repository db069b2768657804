//! Occlude's canonical profiles: one small ICC v4.3 display profile per standard colour space,
//! built into the code as byte constants (`canonical_data.rs`). They are the only profile bytes
//! an output may hold, so they carry nothing but colour: no device, manufacturer, creator or
//! platform field, a fixed date, and the space's name as the only text (the copyright tag, which
//! ICC requires, is present and empty). The writer that made them lives in the tests
//! (`colour/tests.rs`), which prove the constants equal its output, so the module ships the
//! bytes and not the writer.
//!
//! Why ICC v4.3: a v4 `para` curve states the sRGB-style piecewise curve exactly in 32 bytes
//! (v2 has only sampled `curv` tables, 2 KB for 1024 points, or approximations), the three
//! curves share one tag, so a profile is 300–484 bytes; and v4 matrix profiles are what every
//! current iPhone writes (Apple's Display P3 is v4 with `para` curves), so any viewer that shows
//! an iPhone photo correctly reads these. LittleCMS, Skia (Chromium), qcms (Firefox) and
//! ColorSync (Safari) all read v4 matrix profiles.

use super::canonical_data as data;
use super::icc::{self, Curve, Model};
use std::sync::OnceLock;

/// A standard colour space Occlude recognises. sRGB and sGray are recognised but never
/// embedded: an untagged file already means them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Space {
    Srgb,
    DisplayP3,
    AdobeRgb,
    ProPhoto,
    Rec2020,
    SGrey,
    GreyGamma22,
}

impl Space {
    /// Every space, sRGB first (the classifier's tie-break order).
    pub const ALL: [Space; 7] = [
        Space::Srgb,
        Space::DisplayP3,
        Space::AdobeRgb,
        Space::ProPhoto,
        Space::Rec2020,
        Space::SGrey,
        Space::GreyGamma22,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Space::Srgb => "sRGB",
            Space::DisplayP3 => "Display P3",
            Space::AdobeRgb => "Adobe RGB (1998)",
            Space::ProPhoto => "ProPhoto RGB",
            Space::Rec2020 => "Rec. 2020",
            Space::SGrey => "sGray",
            Space::GreyGamma22 => "Gray Gamma 2.2",
        }
    }

    /// True for sRGB and sGray: what an untagged file means, so nothing is embedded.
    pub fn is_default(self) -> bool {
        matches!(self, Space::Srgb | Space::SGrey)
    }

    pub fn is_grey(self) -> bool {
        matches!(self, Space::GreyGamma22 | Space::SGrey)
    }

    /// The canonical profile's bytes (every space has one; sRGB's and sGray's are used for
    /// classification and conversion, never embedded).
    pub fn bytes(self) -> &'static [u8] {
        match self {
            Space::Srgb => data::SRGB,
            Space::DisplayP3 => data::DISPLAY_P3,
            Space::AdobeRgb => data::ADOBE_RGB,
            Space::ProPhoto => data::PROPHOTO,
            Space::Rec2020 => data::REC2020,
            Space::SGrey => data::SGREY,
            Space::GreyGamma22 => data::GREY_GAMMA22,
        }
    }

    /// The space whose canonical profile is exactly `bytes`, if it may be embedded (the
    /// verifier's question: sRGB's and sGray's are never written, so never allowed).
    pub fn embedded(bytes: &[u8]) -> Option<Space> {
        Space::ALL
            .into_iter()
            .find(|s| !s.is_default() && s.bytes() == bytes)
    }

    /// The canonical profile's matrix and curves (parsed once from its bytes).
    pub fn model(self) -> &'static Model {
        static MODELS: OnceLock<Vec<Model>> = OnceLock::new();
        let models = MODELS.get_or_init(|| {
            Space::ALL
                .iter()
                .map(|s| match icc::parse(s.bytes()).map(|p| p.model) {
                    Ok(Ok(m)) => m,
                    // Never: the tests parse every canonical profile.
                    _ => Model::Grey {
                        trc: Curve::Identity,
                    },
                })
                .collect()
        });
        let i = Space::ALL.iter().position(|&s| s == self).unwrap_or(0);
        &models[i] // ok: one model per Space::ALL
    }

    /// sRGB's colorants (linear sRGB → XYZ D50), as its canonical profile states them.
    pub fn srgb_matrix() -> [[f64; 3]; 3] {
        match Space::Srgb.model() {
            Model::Rgb { m, .. } => *m,
            Model::Grey { .. } => [[0.0; 3]; 3], // never: sRGB's model is RGB
        }
    }
}
