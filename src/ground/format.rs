//! The formats Occlude reads and writes: an input's format recognised from its first bytes, never
//! from its file name (naming what an unsupported file looks like, so the error message can say
//! so), the two output formats, and which output an input gets by default.

use super::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// The image formats Occlude reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum InputFormat {
    Jpeg,
    Png,
    Webp,
    Gif,
    Bmp,
    Tiff,
}

impl InputFormat {
    /// The name shown to people ("JPEG", "PNG", ...).
    pub fn name(self) -> &'static str {
        match self {
            InputFormat::Jpeg => "JPEG",
            InputFormat::Png => "PNG",
            InputFormat::Webp => "WebP",
            InputFormat::Gif => "GIF",
            InputFormat::Bmp => "BMP",
            InputFormat::Tiff => "TIFF",
        }
    }
}

/// The format of the new file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    Png,
    Jpeg,
}

impl OutputFormat {
    pub fn extension(self) -> &'static str {
        match self {
            OutputFormat::Png => "png",
            OutputFormat::Jpeg => "jpg",
        }
    }
    pub fn mime(self) -> &'static str {
        match self {
            OutputFormat::Png => "image/png",
            OutputFormat::Jpeg => "image/jpeg",
        }
    }
}

/// Default JPEG quality.
pub const DEFAULT_QUALITY: u8 = 90;

/// The output format Occlude picks when the caller does not choose one.
pub fn default_output(input: InputFormat) -> OutputFormat {
    match input {
        InputFormat::Jpeg | InputFormat::Webp => OutputFormat::Jpeg,
        _ => OutputFormat::Png,
    }
}

/// Identifies the format of `bytes` from its signature.
pub fn sniff(bytes: &[u8]) -> Result<InputFormat> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Ok(InputFormat::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Ok(InputFormat::Png);
    }
    if starts(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
        return Ok(InputFormat::Webp);
    }
    if starts(b"GIF87a") || starts(b"GIF89a") {
        return Ok(InputFormat::Gif);
    }
    if starts(b"BM") && bytes.len() >= 14 {
        return Ok(InputFormat::Bmp);
    }
    if starts(b"II*\0") || starts(b"MM\0*") {
        return Ok(InputFormat::Tiff);
    }
    Err(Error::Unsupported {
        found: describe_unknown(bytes),
    })
}

/// A human description of bytes that are not a supported image.
fn describe_unknown(bytes: &[u8]) -> String {
    let starts = |sig: &[u8]| bytes.starts_with(sig);
    let brand = bytes.get(4..12);
    let known = if starts(b"%PDF") {
        Some("a PDF document")
    } else if starts(b"II+\0") || starts(b"MM\0+") {
        Some("a BigTIFF file")
    } else if brand == Some(b"ftypheic")
        || brand == Some(b"ftypheix")
        || brand == Some(b"ftypmif1")
        || brand == Some(b"ftyphevc")
    {
        Some("a HEIC/HEIF photo (on an iPhone, choose the photo through the file picker so it is converted to JPEG)")
    } else if brand == Some(b"ftypavif") {
        Some("an AVIF image")
    } else if bytes.get(4..8) == Some(b"ftyp") {
        Some("a video or other ISO media file")
    } else if starts(&[0xFF, 0x0A]) || starts(b"\0\0\0\x0cJXL ") {
        Some("a JPEG XL image")
    } else if starts(b"PK\x03\x04") {
        Some("a ZIP archive or office document")
    } else if bytes.get(128..132) == Some(b"DICM") {
        Some("a DICOM file")
    } else if starts(&[0, 0, 1, 0]) {
        Some("a Windows icon (ICO)")
    } else if starts(b"8BPS") {
        Some("a Photoshop document")
    } else if starts(&[0xFF, 0xD8]) {
        Some("a damaged JPEG (the start-of-image marker is not followed by a segment)")
    } else if starts(b"BM") {
        Some("a BMP file too short to hold its header")
    } else {
        None
    };
    if let Some(k) = known {
        return k.to_string();
    }
    let head = &bytes[..bytes.len().min(512)];
    let texty = std::str::from_utf8(head).is_ok()
        || head
            .iter()
            .all(|&b| b == b'\n' || b == b'\r' || b == b'\t' || (0x20..0x7F).contains(&b));
    if texty {
        let trimmed = String::from_utf8_lossy(head);
        let t = trimmed.trim_start();
        if t.starts_with("<svg") || (t.starts_with("<?xml") && t.contains("<svg")) {
            return "an SVG drawing (vector images are not supported; export it as PNG)".into();
        }
        if t.starts_with('<') {
            return "an HTML or XML document".into();
        }
        return "a text file".into();
    }
    let hex: Vec<String> = bytes.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("unknown data starting with bytes {}", hex.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_each_signature() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0").ok(), Some(InputFormat::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n").ok(), Some(InputFormat::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").ok(), Some(InputFormat::Webp));
        assert_eq!(sniff(b"GIF89a").ok(), Some(InputFormat::Gif));
        assert_eq!(
            sniff(b"BM\0\0\0\0\0\0\0\0\0\0\0\0").ok(),
            Some(InputFormat::Bmp)
        );
        assert_eq!(sniff(b"II*\0").ok(), Some(InputFormat::Tiff));
        assert_eq!(sniff(b"MM\0*").ok(), Some(InputFormat::Tiff));
    }

    #[test]
    fn names_what_it_is_not() {
        let msg = |b: &[u8]| sniff(b).unwrap_err().to_string();
        assert!(msg(b"%PDF-1.7\n").contains("PDF"));
        assert!(msg(b"hello, this is a letter\n").contains("text file"));
        assert!(msg(b"\0\0\0\x18ftypheic\0\0").contains("HEIC"));
        assert!(msg(&[0x00, 0x9f, 0x13, 0x80, 0xee]).contains("00 9f 13 80"));
        assert_eq!(sniff(b""), Err(Error::Empty));
    }
}
