//! The one error type of the Occlude core. Every failure a caller can meet is a variant here,
//! with a message written for the person using the app (the page and the CLI show it as is).

use std::fmt;

/// Everything that can go wrong while inspecting or redacting an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The input is empty (zero bytes).
    Empty,
    /// The bytes are not an image format Occlude reads; `found` names what they look like.
    Unsupported { found: String },
    /// The format is recognised but this particular variant is not decodable (e.g. 12-bit JPEG).
    UnsupportedVariant {
        format: &'static str,
        detail: String,
    },
    /// The file ends before the image data does.
    Truncated { format: &'static str },
    /// The image data is damaged or inconsistent.
    Corrupt {
        format: &'static str,
        detail: String,
    },
    /// The image is larger than Occlude will decode (a decompression bomb or an absurd size).
    TooLarge {
        width: u64,
        height: u64,
        limit: String,
    },
    /// No boxes were given: there is nothing to redact.
    NoBoxes,
    /// A box is invalid (not finite, zero or negative size) or lies wholly outside the image.
    BadBox { index: usize, reason: String },
    /// A request option is out of range (e.g. JPEG quality 0 or a malformed colour).
    BadOption { detail: String },
    /// Writing the output file failed.
    Encode { detail: String },
    /// The produced file failed its own verification and was withheld (a bug, never a pass).
    Verification { detail: String },
    /// This build leaves out the decoder `format` needs (the web app's core module, built
    /// without the `all-formats` feature); the full module opens it. The page's worker
    /// recognises this by [`Error::code`] and retries there, so a person never sees it.
    NeedsFullModule { format: &'static str },
    /// Finding text in this picture (a photo, or a picture with noise everywhere) needs the
    /// text detector's weights, and none were given. The page's worker recognises this by
    /// [`Error::code`], fetches the weights once and asks again; the CLI says where to get them.
    NoTextModel,
    /// The text detector's weights could not be loaded (damaged, or not the expected model).
    TextModel { detail: String },
    /// The text finder failed while running (an unexpected model, or a bug).
    TextFailed { detail: String },
    /// Reading the lines of text was asked for, and the text reader's weights were not given
    /// (`ppocrv5_rec.onnx` and its dictionary `ppocr_keys_v5.txt`).
    NoTextReader,
    /// The text reader's weights or dictionary could not be loaded, or do not match.
    TextReaderModel { detail: String },
    /// The caller asked to stop (the progress callback said so).
    Cancelled,
    /// A template file is not JSON: not UTF-8 text, not JSON's syntax, a number no double
    /// holds, a lone surrogate, or nesting deeper than 128 levels (README, "Template files").
    TemplateJson,
    /// A template file of a version this Occlude does not read (a whole number other than 1).
    TemplateVersion { detail: String },
    /// A template file breaks a rule of the format: a field missing, unknown or out of range,
    /// a box outside the template's size, too many boxes or templates.
    TemplateInvalid { detail: String },
    /// A template (or every template of a list) was made for images of another shape.
    TemplateAspect { detail: String },
}

impl Error {
    /// A stable, machine-readable name for the kind of error (the wasm edge passes it to JS as
    /// the thrown error's `code`); the message is for people and may change.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Empty => "empty",
            Error::Unsupported { .. } => "unsupported",
            Error::UnsupportedVariant { .. } => "unsupported-variant",
            Error::Truncated { .. } => "truncated",
            Error::Corrupt { .. } => "corrupt",
            Error::TooLarge { .. } => "too-large",
            Error::NoBoxes => "no-boxes",
            Error::BadBox { .. } => "bad-box",
            Error::BadOption { .. } => "bad-option",
            Error::Encode { .. } => "encode",
            Error::Verification { .. } => "verification",
            Error::NeedsFullModule { .. } => "needs-full-module",
            Error::NoTextModel => "no-text-model",
            Error::TextModel { .. } => "text-model",
            Error::TextFailed { .. } => "text-failed",
            Error::NoTextReader => "no-text-reader",
            Error::TextReaderModel { .. } => "text-reader-model",
            Error::Cancelled => "cancelled",
            Error::TemplateJson => "template-json",
            Error::TemplateVersion { .. } => "template-version",
            Error::TemplateInvalid { .. } => "template-invalid",
            Error::TemplateAspect { .. } => "template-aspect",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty => write!(f, "the file is empty (0 bytes)"),
            Error::Unsupported { found } => write!(
                f,
                "not a supported image: this looks like {found}; Occlude opens JPEG, PNG, WebP, GIF, BMP and TIFF"
            ),
            Error::UnsupportedVariant { format, detail } => {
                write!(f, "this {format} cannot be opened: {detail}")
            }
            Error::Truncated { format } => write!(
                f,
                "the {format} file is cut short (truncated): it ends before the image does"
            ),
            Error::Corrupt { format, detail } => {
                write!(f, "the {format} file is damaged: {detail}")
            }
            Error::TooLarge { width, height, limit } => write!(
                f,
                "the image is too large to open safely ({width} × {height} pixels; the limit is {limit})"
            ),
            Error::NoBoxes => write!(
                f,
                "no boxes to burn: draw at least one box over what identifies the patient"
            ),
            Error::BadBox { index, reason } => write!(f, "box {} {reason}", index + 1),
            Error::BadOption { detail } => write!(f, "invalid option: {detail}"),
            Error::Encode { detail } => write!(f, "could not write the new file: {detail}"),
            Error::Verification { detail } => write!(
                f,
                "the new file failed its safety check and was not released: {detail}"
            ),
            Error::NeedsFullModule { format } => write!(
                f,
                "this build of Occlude cannot decode {format} images; the full build can"
            ),
            Error::NoTextModel => write!(
                f,
                "finding text in a photo needs the text detector (ppocrv5_det.onnx), which is not loaded"
            ),
            Error::TextModel { detail } => {
                write!(f, "the text detector could not be loaded: {detail}")
            }
            Error::TextFailed { detail } => write!(f, "finding text failed: {detail}"),
            Error::NoTextReader => write!(
                f,
                "reading text needs the text reader (ppocrv5_rec.onnx and ppocr_keys_v5.txt), which is not loaded"
            ),
            Error::TextReaderModel { detail } => {
                write!(f, "the text reader could not be loaded: {detail}")
            }
            Error::Cancelled => write!(f, "cancelled"),
            // The page shows the same sentences (www/js/template.js): keep them word for word.
            Error::TemplateJson => write!(f, "the file is not valid JSON"),
            Error::TemplateVersion { detail }
            | Error::TemplateInvalid { detail }
            | Error::TemplateAspect { detail } => f.write_str(detail),
        }
    }
}

impl std::error::Error for Error {}

/// Shorthand used across the core.
pub type Result<T> = std::result::Result<T, Error>;
