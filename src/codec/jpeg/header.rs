//! What a JPEG's header segments say, read without the coefficient reader: its EXIF
//! orientation, its stored size and its sampling layout (through the container's frame header).

use crate::container;
use crate::ground::error::Error;

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
        .and_then(|(_, p)| container::exif::orientation(p.get(6..)?))
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
