//! Occlude's core: open an image, burn opaque boxes into it, and write a brand-new file built
//! from the pixels alone. Pure Rust with no WebAssembly types; `wasm.rs` and the `occlude` CLI
//! are thin layers over [`redact`], [`inspect`] and [`preview`].

mod codec;
pub mod container;
#[doc(hidden)]
pub mod fuzzing;
mod ground;
#[doc(hidden)]
pub mod internals;
pub mod inventory;
mod pipeline;
mod raster;
pub mod verify;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

pub use ground::clock::Clock;
pub use ground::colour::Rgb;
pub use ground::error::{Error, Result};
pub use ground::format::{default_output, InputFormat, OutputFormat, DEFAULT_QUALITY};
pub use ground::geometry::{PixelBox, Rect};
pub use inventory::Inventory;

pub use pipeline::inspect::{inspect, preview, Inspection, Preview};
pub use pipeline::redact::{redact, redact_timed, Options, Path, Redaction, Report, Timings};
pub use pipeline::warm_up::warm_up;
