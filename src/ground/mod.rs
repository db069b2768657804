//! The ground floor: what every other part of the core builds on, importing nothing from the
//! crate itself. Errors, size limits, formats, colour, boxes, region templates (and the JSON
//! values their files hold) and the clock.

pub mod clock;
pub mod colour;
pub mod error;
pub mod format;
pub mod geometry;
pub mod json;
pub mod limits;
pub mod template;
