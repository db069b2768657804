//! Container walkers, one per format: where each piece of a file sits and where the image
//! really ends, read without decoding pixels. The codecs, the verifier and the inventory all
//! read a file's structure through these.

pub mod exif;
pub mod gif;
pub mod jpeg;
pub mod png;
pub mod webp;
