//! The orientation tag of an EXIF block (TIFF structure: a JPEG APP1 `Exif` payload after its
//! six-byte header, or a PNG `eXIf` chunk), read exactly as the `image` crate's
//! `Orientation::from_exif_chunk` reads it: the first IFD only, the first entry with tag 0x0112,
//! type SHORT and count 1, a value of 1–8. Our own because it is 30 lines where that function
//! (with its cursor and byte-order reader) cost the first-load module about 1 KB gzipped; a
//! test compares the two on thousands of damaged blocks.

use crate::ground::bytes::{be16, be32, le16, le32};

/// The orientation (1–8) that `tiff` gives, or `None` when it has none or it cannot be read.
pub fn orientation(tiff: &[u8]) -> Option<u8> {
    let little = match tiff.get(..4)? {
        [0x49, 0x49, 42, 0] => true,
        [0x4D, 0x4D, 0, 42] => false,
        _ => return None,
    };
    let u16_at = |at: usize| {
        if little {
            le16(tiff, at)
        } else {
            be16(tiff, at)
        }
    };
    let u32_at = |at: usize| {
        if little {
            le32(tiff, at)
        } else {
            be32(tiff, at)
        }
    };
    let ifd = usize::try_from(u32_at(4)?).ok()?;
    let entries = u16_at(ifd)?;
    for i in 0..usize::from(entries) {
        let at = ifd.checked_add(2 + 12 * i)?;
        let (tag, kind) = (u16_at(at)?, u16_at(at.checked_add(2)?)?);
        let count = u32_at(at.checked_add(4)?)?;
        let value = u16_at(at.checked_add(8)?)?;
        u16_at(at.checked_add(10)?)?; // the entry's padding must be there too
        if tag == 0x0112 && kind == 3 && count == 1 {
            return u8::try_from(value).ok().filter(|v| (1..=8).contains(v));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::metadata::Orientation;

    /// A TIFF block with `entries` (tag, type, count, value) in its first IFD at `ifd`.
    fn block(little: bool, ifd: u32, entries: &[(u16, u16, u32, u16)]) -> Vec<u8> {
        let w16 = |v: u16| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let w32 = |v: u32| {
            if little {
                v.to_le_bytes()
            } else {
                v.to_be_bytes()
            }
        };
        let mut b = if little {
            b"II*\0".to_vec()
        } else {
            b"MM\0*".to_vec()
        };
        b.extend(w32(ifd));
        b.resize(ifd as usize, 0);
        b.extend(w16(entries.len() as u16));
        for &(tag, kind, count, value) in entries {
            b.extend(w16(tag));
            b.extend(w16(kind));
            b.extend(w32(count));
            b.extend(w16(value));
            b.extend([0, 0]);
        }
        b.extend([0; 4]);
        b
    }

    fn theirs(b: &[u8]) -> Option<u8> {
        Orientation::from_exif_chunk(b).map(|o| o.to_exif())
    }

    #[test]
    fn reads_what_the_image_crate_reads() {
        let mut cases = Vec::new();
        for little in [true, false] {
            for v in 0..10 {
                cases.push(block(little, 8, &[(0x0112, 3, 1, v)]));
                cases.push(block(little, 26, &[(0x010F, 2, 4, 0), (0x0112, 3, 1, v)]));
                cases.push(block(little, 8, &[(0x0112, 4, 1, v), (0x0112, 3, 1, 6)]));
                cases.push(block(little, 8, &[(0x0112, 3, 2, v)]));
            }
            cases.push(block(little, 8, &[]));
            // An IFD offset far past the end.
            let mut far = block(little, 8, &[(0x0112, 3, 1, 6)]);
            far[4..8].copy_from_slice(&if little {
                [0xF0, 0xFF, 0xFF, 0x7F]
            } else {
                [0x7F, 0xFF, 0xFF, 0xF0]
            });
            cases.push(far);
        }
        assert_eq!(orientation(&cases[6]), Some(6));
        assert_eq!(orientation(&cases[0]), None); // 0 is no orientation
                                                  // Every case, every truncation, and pseudo-random damage to each.
        let mut seed = 0x9E37_79B9u32;
        let mut checked = 0;
        for case in &cases {
            for len in 0..=case.len() {
                assert_eq!(
                    orientation(&case[..len]),
                    theirs(&case[..len]),
                    "{case:?}[..{len}]"
                );
            }
            for _ in 0..200 {
                let mut b = case.clone();
                for _ in 0..3 {
                    seed ^= seed << 13;
                    seed ^= seed >> 17;
                    seed ^= seed << 5;
                    let at = seed as usize % b.len();
                    b[at] = (seed >> 24) as u8;
                }
                assert_eq!(orientation(&b), theirs(&b), "{b:?}");
                checked += 1;
            }
        }
        assert!(checked > 10_000);
    }
}
