//! How large an image Occlude opens, and the errors for what is too large or damaged. Checked
//! from the header, before anything is allocated for the pixels.

use super::error::Error;

/// Widest or tallest image Occlude opens (panoramas included).
pub const MAX_SIDE: u32 = 20_000;
/// Most pixels Occlude opens: 64 MP, above the 48 MP (8064 × 6048) of current phone cameras.
pub const MAX_PIXELS: u64 = 64_000_000;
/// Largest single allocation a decoder may make: a 64 MP RGBA image at 16 bits per sample.
pub const MAX_ALLOC: u64 = 640 * 1024 * 1024;

/// Checks a size against Occlude's limits before anything is allocated for it.
pub fn check_size(width: u32, height: u32) -> Result<(), Error> {
    let (w, h) = (u64::from(width), u64::from(height));
    if width > MAX_SIDE || height > MAX_SIDE || w * h > MAX_PIXELS {
        return Err(Error::TooLarge {
            width: w,
            height: h,
            limit: format!(
                "{} megapixels and {MAX_SIDE} pixels a side",
                MAX_PIXELS / 1_000_000
            ),
        });
    }
    Ok(())
}

/// The error for a decoder that would need more memory than [`MAX_ALLOC`].
pub fn out_of_memory((w, h): (u32, u32)) -> Error {
    Error::TooLarge {
        width: w.into(),
        height: h.into(),
        limit: format!("{} MiB of memory", MAX_ALLOC / (1024 * 1024)),
    }
}

/// A decoder's complaint: truncation when its words say the data ran out, otherwise corruption
/// with the decoder's detail.
pub fn corrupt_or_truncated(format: &'static str, detail: String) -> Error {
    let lower = detail.to_ascii_lowercase();
    let truncation = [
        "eof",
        "end of",
        "unexpected end",
        "truncat",
        "not enough",
        "no more data",
        "incomplete",
    ];
    if truncation.iter().any(|t| lower.contains(t)) {
        Error::Truncated { format }
    } else {
        Error::Corrupt { format, detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_limits() {
        assert!(check_size(8064, 6048).is_ok());
        assert!(matches!(
            check_size(100_000, 100_000),
            Err(Error::TooLarge { .. })
        ));
        assert!(matches!(
            check_size(20_000, 20_000),
            Err(Error::TooLarge { .. })
        ));
    }
}
