//! The PNG chunk structure, read without inflating anything: each chunk's type and data, and
//! where the image really ends. Strict ([`walk`]: signature to IEND, any break an error) and
//! tolerant ([`chunks_tolerant`]: the chunks up to the first damage).

use std::ops::Range;

/// The eight bytes every PNG starts with.
pub const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// One PNG chunk: its four-letter type, where it starts (its length field) and the range of its
/// data. Its CRC is the four bytes after `data`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub kind: [u8; 4],
    pub offset: usize,
    pub data: Range<usize>,
}

impl Chunk {
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.kind).into_owned()
    }
}

/// The chunks of a PNG and the offset just past IEND's CRC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub chunks: Vec<Chunk>,
    pub end: usize,
}

/// Walks a PNG from its signature to IEND.
pub fn walk(b: &[u8]) -> Result<Walk, String> {
    if b.get(..8) != Some(SIGNATURE) {
        return Err("no PNG signature".into());
    }
    let mut chunks = Vec::new();
    let mut pos = 8usize;
    loop {
        let head = b
            .get(pos..pos + 8)
            .ok_or("file ends before the IEND chunk")?;
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = [head[4], head[5], head[6], head[7]];
        let end = (pos + 8)
            .checked_add(len)
            .filter(|e| e.saturating_add(4) <= b.len());
        let Some(end) = end else {
            return Err(format!(
                "chunk {} at byte {pos} runs past the end",
                String::from_utf8_lossy(&kind)
            ));
        };
        let data = pos + 8..end;
        chunks.push(Chunk {
            kind,
            offset: pos,
            data: data.clone(),
        });
        pos = data.end + 4;
        if &kind == b"IEND" {
            return Ok(Walk { chunks, end: pos });
        }
    }
}

/// The chunks up to the first damage, IEND included when it is reached. A chunk counts when
/// its data is inside the file; its CRC may be cut off (the last chunk of a cut file).
pub fn chunks_tolerant(b: &[u8]) -> Vec<Chunk> {
    let mut out = Vec::new();
    if b.get(..8) != Some(SIGNATURE) {
        return out;
    }
    let mut pos = 8usize;
    while let Some(head) = b.get(pos..pos.saturating_add(8)) {
        let len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
        let kind = [head[4], head[5], head[6], head[7]];
        let start = pos + 8;
        let Some(end) = start.checked_add(len).filter(|&e| e <= b.len()) else {
            break;
        };
        out.push(Chunk {
            kind,
            offset: pos,
            data: start..end,
        });
        if &kind == b"IEND" {
            break;
        }
        pos = end.saturating_add(4);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u32).to_be_bytes().to_vec();
        v.extend_from_slice(kind);
        v.extend_from_slice(data);
        v.extend_from_slice(&[0, 0, 0, 0]); // CRC is not checked by the walk
        v
    }

    #[test]
    fn walk_finds_trailing_bytes() {
        let mut b = SIGNATURE.to_vec();
        b.extend(png_chunk(b"IHDR", &[0; 13]));
        b.extend(png_chunk(b"tEXt", b"Name\0Jane"));
        b.extend(png_chunk(b"IEND", &[]));
        let end = b.len();
        b.extend_from_slice(b"leftover of the original");
        let w = walk(&b).unwrap();
        assert_eq!(w.end, end);
        let names: Vec<String> = w.chunks.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["IHDR", "tEXt", "IEND"]);
        assert!(walk(&b[..end - 1]).is_err());
        // Tolerant: the same chunks, and IEND still counts without its CRC.
        assert_eq!(chunks_tolerant(&b), w.chunks);
        assert_eq!(chunks_tolerant(&b[..end - 1]), w.chunks);
        assert_eq!(chunks_tolerant(&b[..end - 5]).len(), 2);
    }
}
