//! The WebP (RIFF) chunk structure, read without decoding anything: each chunk's FourCC and
//! data, and where the RIFF size says the file ends.

use std::ops::Range;

/// What a walk found. It stops quietly at the first chunk that runs past the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    /// Where the RIFF header says the file ends (8 + its size field); may lie past the bytes.
    pub riff_end: usize,
    /// The chunks inside the RIFF data, in order: FourCC and data range.
    pub chunks: Vec<([u8; 4], Range<usize>)>,
    /// The FourCC of a chunk that runs past the end (the walk stopped there).
    pub broken: Option<[u8; 4]>,
}

/// Walks the chunks of a WebP file; `None` when its RIFF header is cut short.
pub fn walk(b: &[u8]) -> Option<Walk> {
    let riff_size = le32(b, 4)?;
    let riff_end = (riff_size as usize).saturating_add(8);
    let end = riff_end.min(b.len());
    let mut chunks = Vec::new();
    let mut broken = None;
    let mut pos = 12usize;
    while let (Some(fourcc), Some(size)) = (b.get(pos..pos + 4), le32(b, pos + 4)) {
        let fourcc = [fourcc[0], fourcc[1], fourcc[2], fourcc[3]];
        let start = pos + 8;
        let Some(stop) = start.checked_add(size as usize).filter(|&e| e <= end) else {
            broken = Some(fourcc);
            break;
        };
        chunks.push((fourcc, start..stop));
        // Chunks are padded to an even size.
        pos = stop.saturating_add(size as usize & 1);
    }
    Some(Walk {
        riff_end,
        chunks,
        broken,
    })
}

fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_padding_and_damage() {
        let mut b = b"RIFF\0\0\0\0WEBP".to_vec();
        b.extend_from_slice(b"VP8L\x03\0\0\0abc\0");
        b.extend_from_slice(b"EXIF\x02\0\0\0xy");
        let size = (b.len() - 8) as u32;
        b[4..8].copy_from_slice(&size.to_le_bytes());
        b.extend_from_slice(b"tail");
        let w = walk(&b).unwrap();
        assert_eq!(w.riff_end, b.len() - 4);
        let kinds: Vec<&[u8; 4]> = w.chunks.iter().map(|(k, _)| k).collect();
        assert_eq!(kinds, [b"VP8L", b"EXIF"]);
        assert_eq!(&b[w.chunks[1].1.clone()], b"xy");
        assert_eq!(w.broken, None);
        let cut = walk(&b[..b.len() - 5]).unwrap();
        assert_eq!((cut.chunks.len(), cut.broken), (1, Some(*b"EXIF")));
        assert_eq!(walk(&b[..6]), None);
    }
}
