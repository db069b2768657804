//! Not API: the stages of the core that the integration tests (`tests/`), the native
//! benchmarks (`bench/`) and the fuzz targets (`fuzz/`) drive one at a time, under the names
//! they use. Hidden from the documentation and free to change with the code; the app, the CLI
//! and the wasm edge use the crate root only.
//!
//! Each name here is one item, never a whole module, so the compiler still reports dead code in
//! the modules behind it (they are `pub(crate)`).

/// Boxes to whole pixels, and burning them in.
pub mod burn {
    pub use crate::ground::geometry::resolve;
    pub use crate::raster::burn::burn;
}

/// Bytes to the picture a person sees.
pub mod decode {
    pub use crate::codec::decode::{decode, Decoded};
    #[cfg(feature = "all-formats")]
    pub use crate::raster::flatten::flatten;
}

/// Pixels to a new file.
pub mod encode {
    pub use crate::codec::encode::{encode, encode_with, Chroma};
    pub use crate::codec::png::write::{png_content, PngContent};
}

/// The check of a produced file.
pub mod verify {
    pub use crate::verify::verify;
}

/// The container walkers.
pub mod container {
    pub use crate::container::jpeg::walk as walk_jpeg;
    pub use crate::container::png::walk as walk_png;
}

/// Colour profiles: Occlude's canonical ones, the verifier's rules, the reader and classifier.
pub mod colour {
    pub use crate::colour::canonical::Space;
    pub use crate::colour::classify::assess_icc;
    pub use crate::colour::source::{app2_segment, canonical_app2, canonical_iccp, iccp_payload};
}

/// What a file carries besides its pixels.
pub mod inventory {
    pub use crate::inventory::inventory;
}

/// A file's format from its first bytes.
pub mod sniff {
    pub use crate::ground::format::sniff;
}

/// The fuzz harness (also replayed by `tests/bad_input.rs`).
pub mod fuzzing {
    pub use crate::fuzzing::run;
}

/// The JPEG codec: coefficients, the lossless path's stages, the pixel decoder and encoder.
pub mod jpeg {
    pub use crate::codec::jpeg::coefficients::{Coefficients, Component, ZIGZAG};
    pub use crate::codec::jpeg::decline::Decline;
    pub use crate::codec::jpeg::header::exif_orientation;
    pub use crate::codec::jpeg::lossless::{lossless, Lossless};

    pub mod reader {
        pub use crate::codec::jpeg::reader::read;
    }

    pub mod writer {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        pub use crate::codec::jpeg::writer::simd_mask_mismatches;
        pub use crate::codec::jpeg::writer::{write, Tables};
    }

    pub mod encoder {
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        pub use crate::codec::jpeg::encoder::simd_mismatches;
    }

    pub mod pixels {
        pub use crate::codec::jpeg::pixels::{decode, decode_scaled, render, render_scalar, SIMD};
    }

    pub mod transform {
        pub use crate::codec::jpeg::transform::orient;
    }

    pub mod wipe {
        pub use crate::codec::jpeg::wipe::wipe;
    }

    pub mod edges {
        pub use crate::codec::jpeg::edges::{repad, replicate, to_pixels, Dct, Repadded};
    }
}
