//! The finder's own errors, and how each becomes the crate's [`CoreError`] (with its stable
//! `code()`), which is what the pipeline, the CLI and the wasm edge report.

use crate::ground::error::Error as CoreError;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The detector's weights could not be loaded (bytes damaged or not the expected model).
    Model { detail: String },
    /// The detector failed while running (a bug or an unexpected model).
    Run { detail: String },
    /// The recogniser's weights or dictionary could not be loaded, or do not match.
    ReaderModel { detail: String },
    /// The recogniser failed while running.
    ReaderRun { detail: String },
    /// The network was needed but no model was given.
    NoModel,
    /// The caller's progress callback asked to stop.
    Cancelled,
    /// A setting is out of range (tile or overlap not a multiple of 32, overlap ≥ tile, ...).
    BadOption { detail: String },
}

pub type Result<T> = std::result::Result<T, Error>;

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The crate's words, so a person reads the same sentence from either type.
        CoreError::from(self.clone()).fmt(f)
    }
}

impl std::error::Error for Error {}

impl From<Error> for CoreError {
    fn from(e: Error) -> CoreError {
        match e {
            Error::Model { detail } => CoreError::TextModel { detail },
            Error::Run { detail } => CoreError::TextFailed { detail },
            Error::ReaderModel { detail } => CoreError::TextReaderModel { detail },
            Error::ReaderRun { detail } => CoreError::TextFailed {
                detail: format!("reading: {detail}"),
            },
            Error::NoModel => CoreError::NoTextModel,
            Error::Cancelled => CoreError::Cancelled,
            Error::BadOption { detail } => CoreError::BadOption {
                detail: format!("text finder: {detail}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_has_its_own_code() {
        let all = [
            Error::Model { detail: "x".into() },
            Error::Run { detail: "x".into() },
            Error::ReaderModel { detail: "x".into() },
            Error::NoModel,
            Error::Cancelled,
            Error::BadOption { detail: "x".into() },
        ];
        let codes: Vec<&str> = all
            .iter()
            .map(|e| CoreError::from(e.clone()).code())
            .collect();
        assert_eq!(
            codes,
            [
                "text-model",
                "text-failed",
                "text-reader-model",
                "no-text-model",
                "cancelled",
                "bad-option"
            ]
        );
        assert!(Error::NoModel.to_string().contains("text detector"));
    }
}
