//! Occlude's core: open an image, burn opaque boxes into it, and write a brand-new file built
//! from the pixels alone. Pure Rust with no WebAssembly types; `wasm.rs` and the `occlude` CLI
//! are thin layers over [`redact`], [`inspect`] and [`preview`].
//!
//! This file is the facade: it declares the parts and re-exports the public API. The parts are
//! floors, each importing only from the floors below it (README: "The code: how it is laid
//! out"):
//! - `pipeline`: redact (lossless first, else pixels), inspect, preview, warm-up, finding
//!   text in a file; the only place a report is built;
//! - `text` (feature `text`): the text finder, from decoded pixels to lines of text;
//! - `verify`, `inventory`: checking a produced file; listing what an input carries;
//! - `codec`: bytes to pixels and pixels to a new file (PNG, JPEG, the image crate's decoders);
//! - `container`, `raster`, `colour`: file structure without decoding; operations on decoded
//!   pixels; colour profiles (reading, classifying, canonical profiles, conversion to sRGB);
//! - `ground`: errors, limits, formats, colour, boxes, region templates, the clock.

pub(crate) mod codec;
pub(crate) mod colour;
pub(crate) mod container;
pub(crate) mod fuzzing;
pub(crate) mod ground;
#[doc(hidden)]
pub mod internals;
pub(crate) mod inventory;
pub(crate) mod pipeline;
pub(crate) mod raster;
#[cfg(feature = "text")]
pub(crate) mod text;
pub(crate) mod verify;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use ground::clock::Clock;
pub use ground::colour::Rgb;
pub use ground::error::{Error, Result};
pub use ground::format::{default_output, InputFormat, OutputFormat, DEFAULT_QUALITY};
pub use ground::geometry::{PixelBox, Rect};
pub use ground::template::{same_shape, Template, TemplateDocument};
pub use inventory::{
    Comments, ExifSummary, IccSummary, Inventory, NamedValue, TextChunk, Thumbnail,
};
pub use pipeline::inspect::{inspect, preview, Inspection, Preview};
#[cfg(feature = "text")]
pub use pipeline::read::{
    check_words, cover_text, load_reader, read_part, CoverHit, CoverLine, Covered, LineReading,
};
pub use pipeline::redact::{
    copy_as_is, redact, redact_timed, Options, Path, Redaction, Report, Timings,
};
#[cfg(feature = "text")]
pub use pipeline::text::{find_text_in_file, load_model, TextFound, TextImage, TextOptions};
pub use pipeline::warm_up::warm_up;
#[cfg(feature = "text")]
pub use text::{
    Mode as TextMode, Model as TextModel, ReadLine, Reader as TextReader, Stats as TextStats,
    TextLine,
};
pub use verify::Verification;
