//! The GIF block structure, read without decoding anything: the extensions (with their data
//! sub-blocks), the image descriptors, and where the trailer ends the file. One walk serves the
//! frame count, the transparency flag, the end of the image and the metadata inventory.

use std::ops::Range;

/// One block after the header and the global colour table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// An extension (0x21): its label and the ranges of its data sub-blocks, in order.
    Extension {
        label: u8,
        sub_blocks: Vec<Range<usize>>,
    },
    /// An image descriptor (0x2C) with its colour table and image data.
    Image,
}

/// What a walk found. It stops quietly at the first damage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    /// The blocks before the trailer or the damage.
    pub blocks: Vec<Block>,
    /// The offset just past the trailer (0x3B); `None` when the walk broke before it.
    pub end: Option<usize>,
}

impl Walk {
    /// Image descriptors (animation frames) seen.
    pub fn frames(&self) -> u32 {
        let n = self.blocks.iter().filter(|b| **b == Block::Image).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }

    /// True when a graphic control extension declares a transparent colour. (Only the full
    /// build decodes GIFs.)
    #[cfg(any(test, feature = "all-formats"))]
    pub fn transparent(&self, b: &[u8]) -> bool {
        self.blocks.iter().any(|block| match block {
            // Label F9, one sub-block of 4 bytes whose first (packed flags) has bit 0 set.
            Block::Extension { label, sub_blocks } if *label == 0xF9 => sub_blocks
                .first()
                .is_some_and(|r| r.len() == 4 && b.get(r.start).is_some_and(|f| f & 1 != 0)),
            _ => false,
        })
    }
}

/// Walks a GIF's blocks up to the trailer or the first damage. `None` when even the logical
/// screen descriptor is missing.
pub fn walk(b: &[u8]) -> Option<Walk> {
    let flags = *b.get(10)?;
    let mut pos = 13usize; // header (6) + logical screen descriptor (7)
    if flags & 0x80 != 0 {
        pos += 3 * (1usize << ((flags & 7) + 1));
    }
    let mut blocks = Vec::new();
    let end = loop {
        match b.get(pos) {
            Some(0x3B) => break Some(pos + 1),
            Some(0x21) => {
                let label = b.get(pos + 1).copied().unwrap_or(0);
                let Some((sub_blocks, next)) = sub_blocks(b, pos + 2) else {
                    break None;
                };
                blocks.push(Block::Extension { label, sub_blocks });
                pos = next;
            }
            Some(0x2C) => {
                let Some(&f) = b.get(pos + 9) else { break None };
                pos += 10;
                if f & 0x80 != 0 {
                    pos += 3 * (1usize << ((f & 7) + 1));
                }
                // +1: LZW minimum code size.
                let Some((_, next)) = sub_blocks(b, pos + 1) else {
                    break None;
                };
                blocks.push(Block::Image);
                pos = next;
            }
            _ => break None,
        }
    };
    Some(Walk { blocks, end })
}

/// The ranges of a chain of data sub-blocks starting at `pos`, and the position after its
/// terminator; `None` when the file ends first.
fn sub_blocks(b: &[u8], mut pos: usize) -> Option<(Vec<Range<usize>>, usize)> {
    let mut ranges = Vec::new();
    loop {
        let len = usize::from(*b.get(pos)?);
        pos += 1;
        if len == 0 {
            return Some((ranges, pos));
        }
        ranges.push(pos..pos + len);
        pos += len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_transparency_and_end() {
        // Header, a screen without a colour table, a transparent GCE, one frame, a comment.
        let mut b = b"GIF89a\x01\x00\x01\x00\x00\x00\x00".to_vec();
        b.extend_from_slice(&[0x21, 0xF9, 4, 1, 0, 0, 0, 0]);
        b.extend_from_slice(&[0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x4C, 0x01, 0]);
        b.extend_from_slice(&[0x21, 0xFE, 2, b'h', b'i', 0, 0x3B]);
        let end = b.len();
        b.extend_from_slice(b"tail");
        let w = walk(&b).unwrap();
        assert_eq!((w.frames(), w.end, w.transparent(&b)), (1, Some(end), true));
        let Some(Block::Extension { label, sub_blocks }) = w.blocks.last() else {
            panic!("{:?}", w.blocks);
        };
        assert_eq!((*label, &b[sub_blocks[0].clone()]), (0xFE, &b"hi"[..]));
        // Cut inside the comment: the frame is still counted, the trailer is not found.
        let cut = walk(&b[..end - 3]).unwrap();
        assert_eq!((cut.frames(), cut.end, cut.blocks.len()), (1, None, 2));
        assert_eq!(walk(&b[..9]), None);
    }
}
