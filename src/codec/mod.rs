//! Codecs: bytes to pixels and pixels to a new file. They know formats and pixels, never the
//! request or the report.

pub mod encode;
pub mod jpeg;
pub mod png;
