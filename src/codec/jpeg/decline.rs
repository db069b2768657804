//! Why the JPEG codec did not do what was asked: a variant it does not handle, data its strict
//! reader refuses, or an error the caller reports as is.

use crate::ground::error::Error;
use std::fmt;

/// Why the lossless path did not run (the pixel path runs instead), or an error that the
/// pixel path would report just the same (a bad box, an image over the size limit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decline {
    /// A valid JPEG this path does not handle (arithmetic coding, 12-bit, CMYK, …).
    Unsupported(String),
    /// The bytes are damaged or truncated as far as this strict reader is concerned.
    Corrupt(String),
    /// An error independent of the path; the caller reports it as is.
    Fatal(Error),
}

impl fmt::Display for Decline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decline::Unsupported(s) => write!(f, "unsupported for lossless redaction: {s}"),
            Decline::Corrupt(s) => write!(f, "not readable by the lossless path: {s}"),
            Decline::Fatal(e) => write!(f, "{e}"),
        }
    }
}

pub fn unsupported<T>(s: impl Into<String>) -> Result<T, Decline> {
    Err(Decline::Unsupported(s.into()))
}

pub fn corrupt<T>(s: impl Into<String>) -> Result<T, Decline> {
    Err(Decline::Corrupt(s.into()))
}
