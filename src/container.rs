//! Walks file containers (segments, chunks, blocks) without decoding pixels: here, counting the
//! frames of a GIF so the report can say how many were dropped.

/// Counts the image descriptors in a GIF, walking its block structure. `None` if the walk
/// fails before the trailer (the decoder will report the damage).
pub fn gif_frame_count(b: &[u8]) -> Option<u32> {
    let mut pos = 13usize; // header (6) + logical screen descriptor (7)
    let flags = *b.get(10)?;
    if flags & 0x80 != 0 {
        pos += 3 * (1usize << ((flags & 7) + 1));
    }
    let mut frames = 0u32;
    loop {
        match *b.get(pos)? {
            0x3B => return Some(frames),
            0x21 => pos = skip_sub_blocks(b, pos + 2)?,
            0x2C => {
                frames += 1;
                let f = *b.get(pos + 9)?;
                pos += 10;
                if f & 0x80 != 0 {
                    pos += 3 * (1usize << ((f & 7) + 1));
                }
                pos = skip_sub_blocks(b, pos + 1)?; // +1: LZW minimum code size
            }
            _ => return if frames > 0 { Some(frames) } else { None },
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
