//! Walks file containers (JPEG segments, PNG chunks, GIF blocks) without decoding pixels: where
//! each piece sits and where the image really ends, for the inventory and the output verifier.

/// One JPEG marker segment. `data` is the payload after the two length bytes (empty for
/// markers without a length); entropy-coded scan data is not part of a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegSegment {
    pub marker: u8,
    /// Offset of the 0xFF of the marker.
    pub offset: usize,
    pub data: std::ops::Range<usize>,
}

/// The segments of a JPEG and the offset just past its EOI marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegWalk {
    pub segments: Vec<JpegSegment>,
    /// Offset just after EOI; `bytes.len() - end` bytes trail the image.
    pub end: usize,
}

/// Walks a JPEG from SOI to EOI. Errors say where the structure broke.
pub fn walk_jpeg(b: &[u8]) -> Result<JpegWalk, String> {
    if b.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err("no JPEG start-of-image marker".into());
    }
    let mut segments = vec![JpegSegment {
        marker: 0xD8,
        offset: 0,
        data: 2..2,
    }];
    let mut pos = 2usize;
    loop {
        if b.get(pos) != Some(&0xFF) {
            return Err(format!("expected a marker at byte {pos}"));
        }
        // Fill bytes: any number of 0xFF before the marker code.
        let mut m = pos + 1;
        while b.get(m) == Some(&0xFF) {
            m += 1;
        }
        let marker = *b.get(m).ok_or("file ends inside a marker")?;
        let offset = pos;
        pos = m + 1;
        match marker {
            0xD9 => {
                segments.push(JpegSegment {
                    marker,
                    offset,
                    data: pos..pos,
                });
                return Ok(JpegWalk { segments, end: pos });
            }
            0x01 | 0xD0..=0xD7 => {
                segments.push(JpegSegment {
                    marker,
                    offset,
                    data: pos..pos,
                });
                continue;
            }
            0x00 => return Err(format!("stray 0xFF00 at byte {offset}")),
            _ => {}
        }
        let len = b
            .get(pos..pos + 2)
            .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
            .ok_or("file ends inside a segment length")?;
        if len < 2 || pos + len > b.len() {
            return Err(format!(
                "segment 0x{marker:02X} at byte {offset} runs past the end"
            ));
        }
        segments.push(JpegSegment {
            marker,
            offset,
            data: pos + 2..pos + len,
        });
        pos += len;
        if marker == 0xDA {
            pos = skip_entropy_data(b, pos)?;
        }
    }
}

/// Skips entropy-coded data (stuffed 0xFF00 and RSTn markers) up to the next real marker.
fn skip_entropy_data(b: &[u8], mut pos: usize) -> Result<usize, String> {
    loop {
        let i = b
            .get(pos..)
            .and_then(|rest| rest.iter().position(|&x| x == 0xFF))
            .ok_or("file ends inside scan data (no end-of-image marker)")?;
        pos += i;
        match b.get(pos + 1) {
            None => return Err("file ends inside scan data".into()),
            Some(0x00) | Some(0xD0..=0xD7) => pos += 2,
            Some(0xFF) => pos += 1,
            Some(_) => return Ok(pos),
        }
    }
}

/// One PNG chunk: its four-letter type and the range of its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PngChunk {
    pub kind: [u8; 4],
    pub offset: usize,
    pub data: std::ops::Range<usize>,
}

impl PngChunk {
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.kind).into_owned()
    }
}

/// The chunks of a PNG and the offset just past IEND's CRC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PngWalk {
    pub chunks: Vec<PngChunk>,
    pub end: usize,
}

/// Walks a PNG from its signature to IEND.
pub fn walk_png(b: &[u8]) -> Result<PngWalk, String> {
    if b.get(..8) != Some(b"\x89PNG\r\n\x1a\n") {
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
        chunks.push(PngChunk {
            kind,
            offset: pos,
            data: data.clone(),
        });
        pos = data.end + 4;
        if &kind == b"IEND" {
            return Ok(PngWalk { chunks, end: pos });
        }
    }
}

/// Counts the image descriptors in a GIF, walking its block structure. `None` if the walk
/// fails before the trailer (the decoder will report the damage).
pub fn gif_frame_count(b: &[u8]) -> Option<u32> {
    gif_walk(b).map(|(frames, _)| frames)
}

/// Frames and the offset just past the trailer (0x3B) of a GIF.
pub fn gif_walk(b: &[u8]) -> Option<(u32, usize)> {
    gif_scan(b).map(|g| (g.frames, g.end))
}

/// True when a graphic control extension of the GIF declares a transparent colour.
pub fn gif_has_transparency(b: &[u8]) -> bool {
    gif_scan(b).is_some_and(|g| g.transparent)
}

struct GifScan {
    frames: u32,
    end: usize,
    transparent: bool,
}

fn gif_scan(b: &[u8]) -> Option<GifScan> {
    let mut pos = 13usize; // header (6) + logical screen descriptor (7)
    let flags = *b.get(10)?;
    if flags & 0x80 != 0 {
        pos += 3 * (1usize << ((flags & 7) + 1));
    }
    let mut frames = 0u32;
    let mut transparent = false;
    loop {
        match *b.get(pos)? {
            0x3B => {
                return Some(GifScan {
                    frames,
                    end: pos + 1,
                    transparent,
                });
            }
            0x21 => {
                // Graphic control extension: label F9, size 4, packed flags, bit 0 = transparency.
                if b.get(pos + 1) == Some(&0xF9) && b.get(pos + 2) == Some(&4) {
                    transparent |= b.get(pos + 3).is_some_and(|f| f & 1 != 0);
                }
                pos = skip_sub_blocks(b, pos + 2)?;
            }
            0x2C => {
                frames += 1;
                let f = *b.get(pos + 9)?;
                pos += 10;
                if f & 0x80 != 0 {
                    pos += 3 * (1usize << ((f & 7) + 1));
                }
                pos = skip_sub_blocks(b, pos + 1)?; // +1: LZW minimum code size
            }
            _ => return None,
        }
    }
}

/// Skips a chain of GIF data sub-blocks starting at `pos`; returns the position after it.
fn skip_sub_blocks(b: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let len = usize::from(*b.get(pos)?);
        pos += 1;
        if len == 0 {
            return Some(pos);
        }
        pos += len;
    }
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
    fn png_walk_finds_trailing_bytes() {
        let mut b = b"\x89PNG\r\n\x1a\n".to_vec();
        b.extend(png_chunk(b"IHDR", &[0; 13]));
        b.extend(png_chunk(b"tEXt", b"Name\0Jane"));
        b.extend(png_chunk(b"IEND", &[]));
        let end = b.len();
        b.extend_from_slice(b"leftover of the original");
        let w = walk_png(&b).unwrap();
        assert_eq!(w.end, end);
        let names: Vec<String> = w.chunks.iter().map(|c| c.name()).collect();
        assert_eq!(names, ["IHDR", "tEXt", "IEND"]);
        assert!(walk_png(&b[..end - 1]).is_err());
    }

    #[test]
    fn jpeg_walk_skips_scan_data_and_finds_eoi() {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xFE, 0, 4, b'h', b'i'];
        b.extend_from_slice(&[
            0xFF, 0xDA, 0, 2, 1, 0xFF, 0x00, 2, 0xFF, 0xD0, 3, 0xFF, 0xD9,
        ]);
        let end = b.len();
        b.extend_from_slice(&[9, 9, 9]);
        let w = walk_jpeg(&b).unwrap();
        assert_eq!(w.end, end);
        let markers: Vec<u8> = w.segments.iter().map(|s| s.marker).collect();
        assert_eq!(markers, [0xD8, 0xFE, 0xDA, 0xD9]);
        assert_eq!(&b[w.segments[1].data.clone()], b"hi");
        assert!(walk_jpeg(&b[..end - 1]).is_err());
    }
}
