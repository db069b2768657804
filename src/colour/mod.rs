//! Colour profiles: what colour space an input's pixels are in, and what Occlude does about it
//! (floor 1: it imports only the ground floor; the container walkers hand it what they found).
//!
//! - [`icc`]: the core's one ICC profile reader (header, tag table, colorants, tone curves as
//!   `curv` or `para`, which other tags are present, the `desc` text). Hostile bytes give an
//!   error in plain words, never a panic, and never more work than the profile's size allows.
//! - [`source`]: where colour information sits in a file: JPEG APP2 `ICC_PROFILE` (reassembled
//!   from its numbered segments), PNG `iCCP`, `sRGB`, `gAMA`/`cHRM`, `cICP`; and the bytes
//!   Occlude writes (one APP2 segment) and the verifier allows (that segment, or one `iCCP`
//!   chunk) holding a canonical profile.
//! - [`classify`]: which standard space a profile is, decided from its colours (ΔE76 on a
//!   grid), never from its name; the plan for the pipeline (keep a canonical profile, convert to
//!   sRGB, or nothing to do) and its words.
//! - [`canonical`]: Occlude's own small ICC v4 profiles of the standard spaces (Display P3,
//!   Adobe RGB (1998), ProPhoto RGB, Rec. 2020, Gray Gamma 2.2; sRGB and sGray for reference),
//!   the only profile bytes an output may hold.
//! - [`convert`]: matrix-and-curves conversion of 8-bit pixels to sRGB (the pixel path and the
//!   preview), and the fill colour into a kept space (the lossless path).
//!
//! Profiles that convert through lookup tables or code points (`NeedsCms`) are converted by the
//! full module's CMS (`codec/cms.rs`, moxcms); the core asks for the full module for them.

pub mod canonical;
mod canonical_data;
pub mod classify;
pub mod convert;
pub mod icc;
mod math;
pub mod source;
#[cfg(test)]
mod tests;
