//! Operations on decoded pixels (8-bit RGB rasters): flatten alpha onto a background, apply the
//! EXIF orientation, burn the boxes in, shrink for a preview. No file format is known here.

pub mod burn;
pub mod flatten;
pub mod orient;
pub mod shrink;
