//! Lossless JPEG redaction in the DCT domain: read the quantised coefficients of a sequential or
//! progressive Huffman JPEG, turn them losslessly for the EXIF orientation, wipe the MCUs under
//! the boxes, re-pad the partial blocks at the right and bottom edges (so nothing hides beyond
//! the image edge), and write a brand-new baseline file. Every other block keeps its exact
//! coefficients. Self-contained: no codec dependency; every parse step is bounds-checked.
//!
//! Pipeline ([`lossless`]): [`reader::read`] → [`transform::orient`] → [`wipe::wipe`] →
//! [`edges::repad`] → [`writer::write`]. Anything the path cannot do exactly (arithmetic coding, 12-bit, CMYK/YCCK,
//! RGB-coded JPEGs, rotations that would move partial edge MCUs, a colour fill on a grey file)
//! comes back as a [`Decline`] whose message says why; the caller then runs the pixel path.
//! The pixel path decodes JPEGs from the same coefficients with [`pixels`] (IDCT, upsampling,
//! colour conversion), falling back to the `image` crate's decoder when the reader declines.

pub mod edges;
pub mod encoder;
pub mod huffman;
pub mod pixels;
pub mod reader;
pub mod transform;
pub mod wipe;
pub mod writer;

use crate::container;
use crate::ground::clock::{with_own_clock, Clock};
use crate::ground::colour::Rgb;
use crate::ground::error::Error;
use crate::ground::geometry::{PixelBox, Rect};
use std::fmt;

/// `ZIGZAG[k]` is the natural (row-major, row = vertical frequency) index of the k-th
/// coefficient in zig-zag order. Coefficients are stored in zig-zag order throughout.
pub const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

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

pub(crate) fn unsupported<T>(s: impl Into<String>) -> Result<T, Decline> {
    Err(Decline::Unsupported(s.into()))
}

pub(crate) fn corrupt<T>(s: impl Into<String>) -> Result<T, Decline> {
    Err(Decline::Corrupt(s.into()))
}

/// One colour component: sampling factors, quantisation table and its quantised coefficients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Horizontal and vertical sampling factors (1–4; forced to 1 in a one-component image).
    pub h: usize,
    pub v: usize,
    /// Quantisation table in zig-zag order.
    pub quant: [u16; 64],
    /// Blocks across and down, padded to whole MCUs.
    pub bw: usize,
    pub bh: usize,
    /// Blocks that hold visible pixels: ceil(ceil(width · h / hmax) / 8), likewise down.
    pub vis_w: usize,
    pub vis_h: usize,
    /// `bw × bh × 64` coefficients, block-row-major, each block in zig-zag order.
    pub coefs: Vec<i16>,
}

impl Component {
    /// The 64 coefficients of block (`bx`, `by`), if it exists.
    pub fn block(&self, bx: usize, by: usize) -> Option<&[i16]> {
        let i = by.checked_mul(self.bw)?.checked_add(bx)?;
        if bx >= self.bw {
            return None;
        }
        self.coefs.get(i * 64..i * 64 + 64)
    }
}

/// A JPEG as quantised DCT coefficients: 8-bit, one (grey) or three (YCbCr) components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coefficients {
    pub width: u32,
    pub height: u32,
    pub components: Vec<Component>,
    /// Largest sampling factors; an MCU is `8·hmax × 8·vmax` pixels.
    pub hmax: usize,
    pub vmax: usize,
    /// The source was progressive (informational).
    pub progressive: bool,
    /// Restart interval of the source, in MCUs (0: none; informational).
    pub restart_interval: u16,
}

impl Coefficients {
    /// MCU width and height in pixels.
    pub fn mcu_size(&self) -> (u32, u32) {
        (8 * self.hmax as u32, 8 * self.vmax as u32)
    }
    /// MCUs across and down.
    pub fn mcus(&self) -> (usize, usize) {
        let (mw, mh) = self.mcu_size();
        (
            self.width.div_ceil(mw) as usize,
            self.height.div_ceil(mh) as usize,
        )
    }
}

/// The result of a lossless redaction.
#[derive(Debug, Clone)]
pub struct Lossless {
    /// The new file: SOI, DQT, SOF0 (SOF1 for 16-bit tables), DHT, DRI, SOS (a restart marker
    /// after every MCU row), EOI.
    pub bytes: Vec<u8>,
    /// Size as seen (after orientation).
    pub width: u32,
    pub height: u32,
    /// The boxes as wiped: each requested box grown outwards to the MCU grid, clipped to the image.
    pub boxes: Vec<PixelBox>,
    /// MCU size in pixels of the output (the grid boxes grow to).
    pub mcu: (u32, u32),
    /// Largest sampling factor of the output (for the verifier's margin).
    pub max_sampling: u8,
    pub progressive_input: bool,
    pub restart_input: bool,
    /// Partial edge blocks re-padded ([`edges::repad`]): their invisible samples now repeat
    /// the last visible column and row; their visible pixels changed by requantisation only.
    pub repadded: edges::Repadded,
    /// Milliseconds per stage from the caller's clock: read, transform, wipe (including the
    /// re-padding), write.
    pub timings_ms: [f64; 4],
    /// Of the wipe stage, the re-padding alone.
    pub repad_ms: f64,
}

/// Redacts a JPEG losslessly: `orientation` is the EXIF value (1–8) the pixel path would apply,
/// `boxes` are in the coordinates of the image as seen. On `Err(Decline::Unsupported |
/// Decline::Corrupt)` the caller runs the pixel path instead.
pub fn lossless(
    input: &[u8],
    orientation: u8,
    boxes: &[Rect],
    fill: Rgb,
) -> Result<Lossless, Decline> {
    with_own_clock(|clock| lossless_timed(input, orientation, boxes, fill, clock))
}

/// [`lossless`] with a caller's millisecond clock for the stage timings.
pub fn lossless_timed(
    input: &[u8],
    orientation: u8,
    boxes: &[Rect],
    fill: Rgb,
    now: Clock<'_>,
) -> Result<Lossless, Decline> {
    let t0 = now();
    let src = reader::read(input)?;
    let t1 = now();
    if src.components.len() == 1 && !(fill.r == fill.g && fill.g == fill.b) {
        return unsupported(format!(
            "the JPEG is greyscale and the fill {fill} is a colour (the pixel path writes colour)"
        ));
    }
    let progressive_input = src.progressive;
    let restart_input = src.restart_interval != 0;
    let mut img = transform::orient(src, orientation)?;
    let t2 = now();
    let grown = wipe::wipe(&mut img, boxes, fill)?;
    let t_repad = now();
    let repadded = edges::repad(&mut img);
    let t3 = now();
    // Annex K tables: one pass instead of two, about a third faster to write (12 MP: 68 → 44 ms
    // natively) for a file about 5–7 % larger, the size most camera files already have.
    let bytes = writer::write(&img, writer::Tables::AnnexK)?;
    let t4 = now();
    let max_sampling = img
        .components
        .iter()
        .map(|c| c.h.max(c.v))
        .max()
        .unwrap_or(1) as u8;
    Ok(Lossless {
        bytes,
        width: img.width,
        height: img.height,
        boxes: grown,
        mcu: img.mcu_size(),
        max_sampling,
        progressive_input,
        restart_input,
        repadded,
        timings_ms: [t1 - t0, t2 - t1, t3 - t2, t4 - t3],
        repad_ms: t3 - t_repad,
    })
}

/// The EXIF orientation (1–8) of a JPEG, read the way the `image` crate's JPEG decoder reads it
/// (the last APP1 `Exif` segment before the first scan); 1 when absent or unreadable. The one
/// source of a JPEG's orientation for every path (lossless, pixels, inspect) and every build,
/// so the picture the page shows and the file it exports always agree.
pub fn exif_orientation(input: &[u8]) -> u8 {
    container::jpeg::header_segments(input)
        .into_iter()
        .rev()
        .filter_map(|(marker, payload)| Some((marker, input.get(payload)?)))
        .find(|(marker, p)| *marker == 0xE1 && p.len() > 6 && p.starts_with(b"Exif\0\0"))
        .and_then(|(_, p)| image::metadata::Orientation::from_exif_chunk(p.get(6..)?))
        .map(|o| o.to_exif())
        .unwrap_or(1)
}

/// Stored width and height and the largest sampling factors from a JPEG's frame header, as
/// the reader will see them (a one-component image samples 1×1); `None` when the header is
/// missing or malformed (the reader then decides).
pub fn frame_layout(input: &[u8]) -> Option<(u32, u32, usize, usize)> {
    let frame = container::jpeg::first_frame(input)?;
    let (w, h) = frame.size()?;
    if frame.component_count()? == 1 {
        return Some((w, h, 1, 1));
    }
    let (mut hmax, mut vmax) = (0, 0);
    let mut any = false;
    for (_, h, v, _) in frame.components()? {
        hmax = hmax.max(usize::from(h));
        vmax = vmax.max(usize::from(v));
        any = true;
    }
    any.then_some((w, h, hmax.max(1), vmax.max(1)))
}

/// The stored width and height of a JPEG from its frame header (SOF), without decoding.
pub fn frame_size(input: &[u8]) -> Result<(u32, u32), Error> {
    let corrupt = |detail: &str| Error::Corrupt {
        format: "JPEG",
        detail: detail.into(),
    };
    container::jpeg::first_frame(input)
        .ok_or_else(|| corrupt("it has no frame header before its image data"))?
        .size()
        .ok_or_else(|| corrupt("its frame header is cut short"))
}

// The full build only: it compares with the `image` crate's JPEG decoder.
#[cfg(all(test, feature = "all-formats"))]
mod tests {
    use super::*;

    /// The orientation read here is the one the `image` crate's JPEG decoder reads, on every
    /// fixture (the pixel path of the full build decodes with it).
    #[test]
    fn exif_orientation_matches_the_image_crate() {
        use image::ImageDecoder;
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        let mut checked = 0;
        let files = ["", "/lossless"].into_iter().flat_map(|sub| {
            std::fs::read_dir(format!("{dir}{sub}"))
                .unwrap()
                .map(|e| e.unwrap().path())
        });
        for path in files.filter(|p| p.is_file()) {
            let bytes = std::fs::read(&path).unwrap();
            if !bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
                continue;
            }
            let theirs = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&bytes))
                .ok()
                .and_then(|mut d| d.orientation().ok())
                .map(|o| o.to_exif())
                .unwrap_or(1);
            assert_eq!(exif_orientation(&bytes), theirs, "{}", path.display());
            if let Ok(d) = image::codecs::jpeg::JpegDecoder::new(std::io::Cursor::new(&bytes)) {
                assert_eq!(frame_size(&bytes).unwrap(), d.dimensions());
            }
            checked += 1;
        }
        assert!(checked >= 10, "only {checked} JPEG fixtures");
    }
}
