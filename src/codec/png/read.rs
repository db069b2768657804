//! Reads a PNG with the `png` crate, expanded to 8-bit RGB or RGBA: the one PNG decoder of every
//! build (input and the verifier's general path). Calling the `png` crate directly, not through
//! the `image` crate, keeps the `image` crate's pixel-format conversions out of the core module.

use crate::ground::error::{Error, Result};
use crate::ground::limits::{check_size, corrupt_or_truncated, out_of_memory, MAX_ALLOC};
use std::io::Cursor;

const FORMAT: &str = "PNG";

/// A PNG's pixels: 8-bit samples, 4 a pixel (RGBA) when `header.alpha`, else 3 (RGB), rows
/// top to bottom.
pub struct PngPixels {
    pub header: PngHeader,
    pub data: Vec<u8>,
}

/// What a PNG's header chunks say.
pub struct PngHeader {
    pub width: u32,
    pub height: u32,
    /// The pixels carry alpha once expanded (an alpha channel or a tRNS chunk).
    pub alpha: bool,
    /// The EXIF orientation (1–8) from an eXIf chunk before the image data; 1 when absent.
    pub orientation: u8,
}

/// A `png` crate error in the core's words.
fn map_err(e: png::DecodingError, size: (u32, u32)) -> Error {
    match e {
        png::DecodingError::LimitsExceeded => out_of_memory(size),
        png::DecodingError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::Truncated { format: FORMAT }
        }
        other => corrupt_or_truncated(FORMAT, other.to_string()),
    }
}

/// Reads the chunks before the image data, checks the size against Occlude's limits and
/// returns the reader, set to expand palettes, low bit depths and tRNS.
fn reader(bytes: &[u8]) -> Result<png::Reader<Cursor<&[u8]>>> {
    let limits = png::Limits {
        bytes: usize::try_from(MAX_ALLOC).unwrap_or(usize::MAX),
    };
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), limits);
    decoder.set_transformations(png::Transformations::EXPAND);
    let reader = decoder.read_info().map_err(|e| map_err(e, (0, 0)))?;
    let (w, h) = (reader.info().width, reader.info().height);
    check_size(w, h)?;
    if w == 0 || h == 0 {
        return Err(Error::Corrupt {
            format: FORMAT,
            detail: format!("it claims a size of {w} × {h} pixels"),
        });
    }
    Ok(reader)
}

fn has_alpha(reader: &png::Reader<Cursor<&[u8]>>) -> bool {
    matches!(
        reader.output_color_type().0,
        png::ColorType::GrayscaleAlpha | png::ColorType::Rgba
    )
}

/// The orientation an eXIf chunk gives; 1 when there is none or it cannot be read.
fn orientation(reader: &png::Reader<Cursor<&[u8]>>) -> u8 {
    reader
        .info()
        .exif_metadata
        .as_deref()
        .and_then(crate::container::exif::orientation)
        .unwrap_or(1)
}

/// What the reader has learned from the chunks before the image data.
fn header_of(reader: &png::Reader<Cursor<&[u8]>>) -> PngHeader {
    PngHeader {
        width: reader.info().width,
        height: reader.info().height,
        alpha: has_alpha(reader),
        orientation: orientation(reader),
    }
}

/// Size, alpha and orientation, without inflating the image data.
pub fn header(bytes: &[u8]) -> Result<PngHeader> {
    Ok(header_of(&reader(bytes)?))
}

/// Decodes the image (the first frame of an animated PNG, as any viewer shows it) to 8-bit RGB
/// or RGBA. Grey is spread over R, G and B; 16-bit samples round to 8 bits as
/// round(v · 255 / 65535), which is what the `image` crate did for Occlude before.
pub fn decode(bytes: &[u8]) -> Result<PngPixels> {
    let mut reader = reader(bytes)?;
    let header = header_of(&reader);
    let (width, height) = (header.width, header.height);
    let size = reader
        .output_buffer_size()
        .filter(|&n| n as u64 <= MAX_ALLOC)
        .ok_or_else(|| out_of_memory((width, height)))?;
    let mut buf = vec![0u8; size];
    reader
        .next_frame(&mut buf)
        .map_err(|e| map_err(e, (width, height)))?;
    let (colour, depth) = reader.output_color_type();
    let channels = match colour {
        png::ColorType::Grayscale => 1,
        png::ColorType::GrayscaleAlpha => 2,
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        png::ColorType::Indexed => {
            return Err(Error::UnsupportedVariant {
                format: FORMAT,
                detail: "its palette could not be expanded".into(),
            })
        }
    };
    let samples = width as usize * height as usize * channels;
    let mut data = match depth {
        png::BitDepth::Eight => buf,
        png::BitDepth::Sixteen => {
            let mut out: Vec<u8> = buf
                .chunks_exact(2)
                .map(|s| ((u32::from(u16::from_be_bytes([s[0], s[1]])) + 128) / 257) as u8)
                .collect();
            drop(buf);
            out.shrink_to_fit();
            out
        }
        _ => {
            return Err(Error::UnsupportedVariant {
                format: FORMAT,
                detail: format!("{depth:?}-bit samples were not expanded"),
            })
        }
    };
    if data.len() < samples {
        return Err(Error::Truncated { format: FORMAT });
    }
    data.truncate(samples);
    let alpha = header.alpha;
    if channels <= 2 {
        // Grey (and alpha) to RGB (and alpha).
        let out_channels = if alpha { 4 } else { 3 };
        let mut out = Vec::with_capacity(samples / channels * out_channels);
        for p in data.chunks_exact(channels) {
            out.extend_from_slice(&[p[0], p[0], p[0]]);
            if alpha {
                out.push(p[1]);
            }
        }
        data = out;
    }
    Ok(PngPixels { header, data })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A PNG of the given layout from the png crate's encoder, with made-up samples.
    fn make(colour: png::ColorType, depth: png::BitDepth, w: u32, h: u32, trns: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut enc = png::Encoder::new(&mut out, w, h);
        enc.set_color(colour);
        enc.set_depth(depth);
        if colour == png::ColorType::Indexed {
            enc.set_palette(
                (0..=255u8)
                    .flat_map(|i| [i, 255 - i, i / 2])
                    .collect::<Vec<_>>(),
            );
        }
        if trns {
            enc.set_trns(match colour {
                png::ColorType::Indexed => vec![0, 128, 255, 7],
                png::ColorType::Grayscale => vec![0, 3],
                _ => vec![0, 1, 0, 2, 0, 3],
            });
        }
        let bits = depth as usize;
        let per_pixel = bits * colour.samples();
        let row = (w as usize * per_pixel).div_ceil(8);
        let data: Vec<u8> = (0..row * h as usize)
            .map(|i| (i * 37 % 251) as u8)
            .collect();
        let mut wr = enc.write_header().unwrap();
        wr.write_image_data(&data).unwrap();
        wr.finish().unwrap();
        out
    }

    /// Every colour type and bit depth decodes to what the `image` crate gave Occlude before
    /// (its RGB8, or RGBA8 when there is alpha).
    #[test]
    fn matches_the_image_crate_for_every_layout() {
        use png::{BitDepth as D, ColorType as C};
        let layouts = [
            (
                C::Grayscale,
                &[D::One, D::Two, D::Four, D::Eight, D::Sixteen][..],
            ),
            (C::Rgb, &[D::Eight, D::Sixteen][..]),
            (C::Indexed, &[D::One, D::Two, D::Four, D::Eight][..]),
            (C::GrayscaleAlpha, &[D::Eight, D::Sixteen][..]),
            (C::Rgba, &[D::Eight, D::Sixteen][..]),
        ];
        for (colour, depths) in layouts {
            for &depth in depths {
                for trns in [false, true] {
                    if trns && matches!(colour, C::GrayscaleAlpha | C::Rgba) {
                        continue;
                    }
                    let (w, h) = (13, 7);
                    let bytes = make(colour, depth, w, h, trns);
                    let ours = decode(&bytes).unwrap();
                    let theirs =
                        image::load_from_memory_with_format(&bytes, image::ImageFormat::Png)
                            .unwrap();
                    let what = format!("{colour:?} {depth:?} tRNS {trns}");
                    assert_eq!(ours.header.alpha, theirs.color().has_alpha(), "{what}");
                    let expected = if ours.header.alpha {
                        theirs.into_rgba8().into_raw()
                    } else {
                        theirs.into_rgb8().into_raw()
                    };
                    assert_eq!((ours.header.width, ours.header.height), (w, h), "{what}");
                    assert_eq!(ours.data, expected, "{what}");
                    assert_eq!(header(&bytes).unwrap().alpha, ours.header.alpha, "{what}");
                }
            }
        }
    }

    /// An Adam7-interlaced 8-bit RGB PNG of `px` (w × h × 3), each pass unfiltered.
    fn interlaced(px: &[u8], w: usize, h: usize) -> Vec<u8> {
        let passes = [
            (0, 0, 8, 8),
            (4, 0, 8, 8),
            (0, 4, 4, 8),
            (2, 0, 4, 4),
            (0, 2, 2, 4),
            (1, 0, 2, 2),
            (0, 1, 1, 2),
        ];
        let mut raw = Vec::new();
        for (x0, y0, dx, dy) in passes {
            for y in (y0..h).step_by(dy) {
                if x0 >= w {
                    break;
                }
                raw.push(0);
                for x in (x0..w).step_by(dx) {
                    raw.extend_from_slice(&px[(y * w + x) * 3..][..3]);
                }
            }
        }
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&(w as u32).to_be_bytes());
        ihdr.extend_from_slice(&(h as u32).to_be_bytes());
        ihdr.extend_from_slice(&[8, 2, 0, 0, 1]);
        let idat = miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6);
        for (kind, body) in [(b"IHDR", &ihdr[..]), (b"IDAT", &idat[..]), (b"IEND", &[])] {
            crate::codec::png::chunk::put_chunk(&mut out, kind, body);
        }
        out
    }

    /// An interlaced PNG decodes to the same pixels, and so does every PNG fixture.
    #[test]
    fn interlaced_and_fixtures_match_the_image_crate() {
        let (w, h) = (11, 9);
        let px: Vec<u8> = (0..w * h * 3).map(|i| (i * 29 % 256) as u8).collect();
        let ours = decode(&interlaced(&px, w, h)).unwrap();
        assert_eq!(ours.data, px);
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if !name.starts_with("png-") || !name.ends_with(".png") {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let ours = decode(&bytes).unwrap();
            let theirs = image::load_from_memory(&bytes).unwrap();
            let expected = if ours.header.alpha {
                theirs.into_rgba8().into_raw()
            } else {
                theirs.into_rgb8().into_raw()
            };
            assert_eq!(ours.data, expected, "{name}");
            seen += 1;
        }
        assert!(seen >= 8, "{seen} PNG fixtures");
    }

    /// Cut anywhere, a PNG is refused with an error, never a panic or a short picture.
    #[test]
    fn every_cut_is_an_error() {
        let bytes = make(png::ColorType::Rgb, png::BitDepth::Eight, 9, 5, false);
        for n in 0..bytes.len() - 12 {
            assert!(decode(&bytes[..n]).is_err(), "cut at {n}");
        }
    }
}
