//! Codecs: bytes to pixels and pixels to a new file. They know formats and pixels, never the
//! request or the report.

#[cfg(feature = "all-formats")]
pub mod cms;
pub mod colour;
pub mod decode;
pub mod encode;
#[cfg(feature = "all-formats")]
pub mod image_crate;
pub mod jpeg;
pub mod png;
