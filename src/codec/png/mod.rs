//! PNG: reading (the `png` crate, expanded to 8-bit RGB or RGBA), writing (our own chunk writer),
//! the row filters both share with the verifier, and the photo path's deflate.

pub mod chunk;
pub mod deflate;
pub mod filter;
pub mod read;
pub mod write;
