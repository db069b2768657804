//! The pipeline: what the app, the CLI and the wasm edge call. It is the only part of the core
//! that sees a request's options or builds a report; below it, codecs, the verifier and the
//! inventory know formats and pixels only.

pub mod inspect;
#[cfg(feature = "text")]
pub mod read;
pub mod redact;
#[cfg(feature = "text")]
pub mod text;
pub mod warm_up;
