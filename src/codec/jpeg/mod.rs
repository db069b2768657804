//! JPEG: Occlude's own codec, on quantised DCT coefficients ([`coefficients::Coefficients`]).
//!
//! Lossless redaction ([`lossless`]): read the coefficients of a sequential or progressive
//! Huffman JPEG ([`reader`]), turn them losslessly for the EXIF orientation ([`transform`]),
//! wipe the MCUs under the boxes ([`wipe`]), re-pad the partial blocks at the right and bottom
//! edges so nothing hides beyond the image edge ([`edges`]), and write a brand-new baseline file
//! ([`writer`]). Every other block keeps its exact coefficients. Anything the path cannot do
//! exactly (arithmetic coding, 12-bit, CMYK/YCCK, RGB-coded JPEGs, rotations that would move
//! partial edge MCUs, a colour fill on a grey file) comes back as a [`Decline`] whose message
//! says why; the pipeline then runs the pixel path, which decodes JPEGs from the same
//! coefficients with [`pixels`] (IDCT, upsampling, colour conversion) and writes them with
//! [`encoder`]. Self-contained: no codec dependency; every parse step is bounds-checked.
//!
//! This file only declares the parts and re-exports what the rest of the core uses.

pub mod coefficients;
pub mod decline;
pub mod edges;
pub mod encoder;
pub mod entropy;
pub mod header;
pub mod huffman;
pub mod lossless;
pub mod pixels;
pub mod reader;
pub mod scan;
pub mod segments;
pub mod transform;
pub mod wipe;
pub mod writer;

pub use decline::Decline;
pub use header::{exif_orientation, frame_layout, frame_size};
pub use lossless::lossless_timed;
