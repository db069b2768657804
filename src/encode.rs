//! Writes a brand-new file from RGB pixels alone: PNG or baseline JPEG, with no metadata of any
//! kind. Settings favour speed; the benchmark is where they get tuned.
//!
//! JPEG: Occlude's own encoder ([`crate::jpeg::encoder`]): 4:2:0, one restart interval per MCU
//! row (so [`crate::verify`] decodes only the rows under the boxes; about 0.015 % larger).
//! PNG: our own chunk writer (IHDR, IDAT, IEND only), each row filtered and compressed as it is
//! reached and the compressed bytes written straight into the IDAT chunks. The compression
//! follows the pixels ([`png_content`]): photographs get the Up filter and fdeflate's
//! ultra-fast compressor (what the `png` crate calls `Compression::Fastest`), screenshots and
//! graphics adaptive filters and zlib level 1 (miniz_oxide; 2560 × 1440 screenshot: 1.56 MB
//! with the ultra-fast mode, 0.91 MB so).

use crate::error::{Error, Result};
use image::RgbImage;
use serde::{Deserialize, Serialize};

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

/// Encodes `img` as `format`; `quality` (1–100) applies to JPEG only.
pub fn encode(img: &RgbImage, format: OutputFormat, quality: u8) -> Result<Vec<u8>> {
    match format {
        OutputFormat::Png => encode_png(img),
        OutputFormat::Jpeg => encode_jpeg(img, quality),
    }
}

/// What a picture looks like to a PNG compressor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PngContent {
    /// Camera or scanner noise everywhere: matches are short and rare, so compress lightly.
    Photo,
    /// Screenshots, diagrams, documents: long runs of one colour, worth real matching.
    Graphic,
}

/// Classifies `img` from a sample of its rows (every 8th): graphic when most pixels repeat the
/// one to their left. About a millisecond for 12 MP.
pub fn png_content(img: &RgbImage) -> PngContent {
    let row_bytes = img.width() as usize * 3;
    let (mut same, mut total) = (0usize, 0usize);
    for row in img.as_raw().chunks_exact(row_bytes.max(3)).step_by(8) {
        for (a, b) in row.chunks_exact(3).zip(row.chunks_exact(3).skip(1)) {
            same += usize::from(a == b);
            total += 1;
        }
    }
    if 2 * same > total {
        PngContent::Graphic
    } else {
        PngContent::Photo
    }
}

fn encode_png(img: &RgbImage) -> Result<Vec<u8>> {
    let raw = img.as_raw().len();
    let out = match png_content(img) {
        PngContent::Photo => write_png(img, raw / 8 * 7, Deflate::UltraFast)?,
        PngContent::Graphic => write_png(img, raw / 8, Deflate::Zlib(1))?,
    };
    // As the `png` crate does: stored blocks when compressing made the data larger (5 bytes a
    // 64 KiB block, 12 a 256 KiB chunk, and the headers).
    let rows = raw + img.height() as usize;
    let stored = rows + rows / 4096 + 1024;
    if out.len() > stored {
        return write_png(img, stored, Deflate::Zlib(0));
    }
    Ok(out)
}

/// How the filtered rows are compressed.
#[derive(Clone, Copy)]
enum Deflate {
    /// The Up filter and fdeflate's ultra-fast compressor (the `png` crate's
    /// `Compression::Fastest`): runs of zeros and a fixed Huffman code made for filtered rows.
    UltraFast,
    /// Adaptive filters (the `png` crate's heuristic) and miniz_oxide at this zlib level;
    /// level 0 is stored blocks of unfiltered rows.
    Zlib(u8),
}

/// Writes a PNG: signature, IHDR (8-bit RGB), IDAT chunks and IEND, nothing else. Each row
/// is filtered and compressed as it is reached, and the compressed bytes go straight into the
/// file's IDAT chunks: no copy of the image or of the stream is made on the way.
fn write_png(img: &RgbImage, capacity: usize, how: Deflate) -> Result<Vec<u8>> {
    let io = |e: std::io::Error| Error::Encode {
        detail: e.to_string(),
    };
    let (w, h) = img.dimensions();
    let stride = w as usize * 3;
    let raw = img.as_raw();
    let mut out = Vec::with_capacity(capacity + 1024);
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    // Width, height, 8 bits, RGB, deflate, standard filters, not interlaced.
    let mut ihdr = [0u8; 13];
    ihdr[..4].copy_from_slice(&w.to_be_bytes());
    ihdr[4..8].copy_from_slice(&h.to_be_bytes());
    ihdr[8..].copy_from_slice(&[8, 2, 0, 0, 0]);
    put_chunk(&mut out, b"IHDR", &ihdr);
    let mut idat = IdatWriter::new(&mut out);
    let zero = vec![0u8; stride];
    let (mut row, mut scratch) = (vec![0u8; stride + 1], vec![0u8; stride + 1]);
    let mut prev = &zero[..];
    let rows = raw.chunks_exact(stride.max(1));
    match how {
        Deflate::UltraFast => {
            let mut z = fdeflate::Compressor::new(idat).map_err(io)?;
            for line in rows {
                filter_row(2, line, prev, &mut row);
                z.write_data(&row).map_err(io)?;
                prev = line;
            }
            z.finish().map_err(io)?.finish();
        }
        Deflate::Zlib(level) => {
            use miniz_oxide::deflate::core::TDEFLFlush;
            use miniz_oxide::deflate::core::{create_comp_flags_from_zip_params, CompressorOxide};
            let flags = create_comp_flags_from_zip_params(i32::from(level), 15, 0);
            let mut z = CompressorOxide::new(flags);
            for line in rows {
                if level == 0 {
                    filter_row(0, line, prev, &mut row);
                } else {
                    adaptive_filter(line, prev, &mut row, &mut scratch);
                }
                zlib(&mut z, &row, TDEFLFlush::None, &mut idat)?;
                prev = line;
            }
            zlib(&mut z, &[], TDEFLFlush::Finish, &mut idat)?;
            idat.finish();
        }
    }
    put_chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

/// Feeds `input` to miniz_oxide's compressor, its output into the IDAT chunks.
fn zlib(
    z: &mut miniz_oxide::deflate::core::CompressorOxide,
    mut input: &[u8],
    flush: miniz_oxide::deflate::core::TDEFLFlush,
    idat: &mut IdatWriter<'_>,
) -> Result<()> {
    use miniz_oxide::deflate::core::{compress_to_output, TDEFLFlush, TDEFLStatus};
    // A finishing call writes everything out at once; a few rounds are room to spare.
    for _ in 0..1 + input.len() + 4 {
        let (status, used) = compress_to_output(z, input, flush, |b| {
            idat.put(b);
            true
        });
        input = input.get(used..).unwrap_or(&[]);
        match status {
            TDEFLStatus::Done => return Ok(()),
            TDEFLStatus::Okay if input.is_empty() && flush != TDEFLFlush::Finish => return Ok(()),
            TDEFLStatus::Okay if used > 0 || flush == TDEFLFlush::Finish => {}
            _ => break,
        }
    }
    Err(Error::Encode {
        detail: "the deflate compressor stopped".into(),
    })
}

/// PNG filter `f` (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) of one row of 3-byte pixels
/// against the row above (`prev`, zeros above the first row); `out` gets the filter type and
/// the filtered bytes. Not inlined: called once per row, so a wasm engine's optimising tier
/// takes over after the first rows (V8 swaps in optimised code only at a call).
#[inline(never)]
fn filter_row(f: u8, line: &[u8], prev: &[u8], out: &mut [u8]) {
    let Some((ty, out)) = out.split_first_mut() else {
        return;
    };
    *ty = f;
    let n = line.len().min(prev.len()).min(out.len());
    let (line, prev, out) = (&line[..n], &prev[..n], &mut out[..n]);
    let k = n.min(3);
    // The first pixel has no left neighbour (0), so Sub is None, Average halves Up, and Paeth
    // is Up.
    for i in 0..k {
        out[i] = match f {
            2 | 4 => line[i].wrapping_sub(prev[i]),
            3 => line[i].wrapping_sub(prev[i] / 2),
            _ => line[i],
        };
    }
    // Index loops over slices of one length: no bounds checks, and they vectorise.
    let m = n - k;
    let (x, a, b, c) = (&line[k..], &line[..m], &prev[k..], &prev[..m]);
    let o = &mut out[k..];
    match f {
        1 => {
            for i in 0..m {
                o[i] = x[i].wrapping_sub(a[i]);
            }
        }
        2 => {
            for i in 0..m {
                o[i] = x[i].wrapping_sub(b[i]);
            }
        }
        3 => {
            for i in 0..m {
                o[i] = x[i].wrapping_sub(((u16::from(a[i]) + u16::from(b[i])) >> 1) as u8);
            }
        }
        4 => {
            for i in 0..m {
                o[i] = x[i].wrapping_sub(paeth(a[i], b[i], c[i]));
            }
        }
        _ => o.copy_from_slice(x),
    }
}

/// The Paeth predictor: whichever of left `a`, up `b` and upper-left `c` is nearest to
/// a + b − c, ties in that order. In bytes only (so that the loop vectorises): the distances are
/// |b − c|, |a − c| and |(a − c) + (b − c)|, the last the sum of the first two when a and b lie
/// on the same side of c (saturating keeps every comparison) and their difference otherwise.
fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let pa = b.abs_diff(c);
    let pb = a.abs_diff(c);
    let pc = if (a >= c) == (b >= c) {
        pa.saturating_add(pb)
    } else {
        pa.abs_diff(pb)
    };
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// The `png` crate's adaptive heuristic: of Up, Sub, Average and Paeth, the filter whose
/// output has the smallest sum of absolute values as signed bytes (the later one on a tie; a
/// row of zeros ends the search). The chosen row is left in `best`.
#[inline(never)]
fn adaptive_filter(line: &[u8], prev: &[u8], best: &mut Vec<u8>, scratch: &mut Vec<u8>) {
    let mut min = u64::MAX;
    for f in [2u8, 1, 3, 4] {
        filter_row(f, line, prev, scratch);
        // At most 128 a byte, summed 64 KiB at a time in a u32 (which vectorises).
        let cost: u64 = scratch
            .get(1..)
            .unwrap_or(&[])
            .chunks(1 << 16)
            .map(|c| {
                let s: u32 = c.iter().map(|&b| u32::from((b as i8).unsigned_abs())).sum();
                u64::from(s)
            })
            .sum();
        if cost <= min {
            min = cost;
            std::mem::swap(best, scratch);
            if cost == 0 {
                return;
            }
        }
    }
}

/// Largest IDAT chunk written: small enough that its CRC is computed while the bytes are still
/// in cache.
const IDAT_MAX: usize = 256 * 1024;

/// The IDAT chunks of a PNG being written: compressed bytes go straight into the file, a new
/// chunk starts every [`IDAT_MAX`] bytes, and each chunk's length and CRC are filled in when
/// it is closed.
struct IdatWriter<'a> {
    out: &'a mut Vec<u8>,
    /// Where the open chunk's length field is.
    start: usize,
}

impl<'a> IdatWriter<'a> {
    fn new(out: &'a mut Vec<u8>) -> IdatWriter<'a> {
        let start = out.len();
        out.extend_from_slice(&[0, 0, 0, 0]);
        out.extend_from_slice(b"IDAT");
        IdatWriter { out, start }
    }

    fn put(&mut self, b: &[u8]) {
        self.out.extend_from_slice(b);
        if self.out.len() - self.start - 8 >= IDAT_MAX {
            self.close();
            self.start = self.out.len();
            self.out.extend_from_slice(&[0, 0, 0, 0]);
            self.out.extend_from_slice(b"IDAT");
        }
    }

    /// Fills in the open chunk's length and CRC.
    fn close(&mut self) {
        // At most IDAT_MAX plus one write: far below 2³¹.
        let len = (self.out.len() - self.start - 8) as u32;
        let crc = crc32fast::hash(self.out.get(self.start + 4..).unwrap_or(&[]));
        if let Some(field) = self.out.get_mut(self.start..self.start + 4) {
            field.copy_from_slice(&len.to_be_bytes());
        }
        self.out.extend_from_slice(&crc.to_be_bytes());
    }

    fn finish(mut self) {
        self.close();
    }
}

impl std::io::Write for IdatWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.put(buf);
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.put(buf);
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Appends one whole chunk.
fn put_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let at = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32fast::hash(out.get(at..).unwrap_or(&[]));
    out.extend_from_slice(&crc.to_be_bytes());
}

fn encode_jpeg(img: &RgbImage, quality: u8) -> Result<Vec<u8>> {
    if !(1..=100).contains(&quality) {
        return Err(Error::BadOption {
            detail: format!("JPEG quality {quality} is outside 1–100"),
        });
    }
    let (w, h) = img.dimensions();
    if w > u32::from(u16::MAX) || h > u32::from(u16::MAX) {
        return Err(Error::Encode {
            detail: format!(
                "JPEG cannot hold {w} × {h} pixels (65 535 a side at most); choose PNG"
            ),
        });
    }
    // Our own encoder (src/jpeg/encoder.rs): 4:2:0, the IJG quality scale, and one restart
    // interval per MCU row (16 px), so the verifier decodes only the rows under the boxes.
    crate::jpeg::encoder::encode(img, quality).map_err(|e| Error::Encode {
        detail: match e {
            crate::jpeg::Decline::Fatal(e) => e.to_string(),
            crate::jpeg::Decline::Unsupported(s) | crate::jpeg::Decline::Corrupt(s) => s,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_png(bytes: &[u8]) -> RgbImage {
        let img = image::load_from_memory_with_format(bytes, image::ImageFormat::Png).unwrap();
        assert_eq!(img.color(), image::ColorType::Rgb8);
        img.into_rgb8()
    }

    fn noise(w: u32, h: u32, mut s: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |_, _| {
            s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let v = s.to_be_bytes();
            image::Rgb([v[0], v[1], v[2]])
        })
    }

    /// A smooth gradient with a little noise: a photograph to [`png_content`].
    fn photo(w: u32, h: u32) -> RgbImage {
        let n = noise(w, h, 5);
        RgbImage::from_fn(w, h, |x, y| {
            let g = n.get_pixel(x, y).0;
            image::Rgb([
                ((x * 3 + y) as u8).wrapping_add(g[0] & 7),
                ((x + 2 * y) as u8).wrapping_add(g[1] & 7),
                (x ^ y) as u8,
            ])
        })
    }

    /// Flat areas and strokes: a graphic.
    fn graphic(w: u32, h: u32) -> RgbImage {
        RgbImage::from_fn(w, h, |x, y| {
            if (x / 7 + y / 5) % 3 == 0 {
                image::Rgb([20, 30, 40])
            } else {
                image::Rgb([240, 240, (y % 256) as u8])
            }
        })
    }

    #[test]
    fn png_round_trips_on_every_path_and_size() {
        for (w, h) in [(1, 1), (1, 9), (9, 1), (3, 2), (65, 33), (300, 200)] {
            for img in [photo(w, h), graphic(w, h), noise(w, h, 9)] {
                let png = encode(&img, OutputFormat::Png, 90).unwrap();
                assert_eq!(decode_png(&png), img, "{w}×{h}");
                let walk = crate::container::walk_png(&png).unwrap();
                assert_eq!(walk.end, png.len());
                let kinds: Vec<String> = walk.chunks.iter().map(|c| c.name()).collect();
                assert_eq!(kinds.first().map(String::as_str), Some("IHDR"));
                assert_eq!(kinds.last().map(String::as_str), Some("IEND"));
                assert!(
                    kinds[1..kinds.len() - 1].iter().all(|k| k == "IDAT"),
                    "{kinds:?}"
                );
            }
        }
        assert_eq!(png_content(&photo(300, 200)), PngContent::Photo);
        assert_eq!(png_content(&graphic(300, 200)), PngContent::Graphic);
    }

    #[test]
    fn png_of_noise_falls_back_to_stored_blocks_and_large_streams_split_into_chunks() {
        let img = noise(700, 400, 3);
        let png = encode(&img, OutputFormat::Png, 90).unwrap();
        let rows = (700 * 3 + 1) * 400;
        assert!(png.len() <= rows + rows / 4096 + 1024, "{}", png.len());
        assert_eq!(decode_png(&png), img);
        // 840 KB of rows: several IDAT chunks of at most IDAT_MAX bytes (plus one write).
        let walk = crate::container::walk_png(&png).unwrap();
        let idat: Vec<usize> = walk
            .chunks
            .iter()
            .filter(|c| &c.kind == b"IDAT")
            .map(|c| c.data.len())
            .collect();
        assert!(idat.len() >= 3, "{idat:?}");
        assert!(idat.iter().all(|&n| n < IDAT_MAX + 70_000), "{idat:?}");
    }

    #[test]
    fn paeth_in_bytes_is_the_definition() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                for c in (0..=255u8).step_by(3).chain([254, 255]) {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let d = |v: u8| (p - i16::from(v)).abs();
                    let want = if d(a) <= d(b) && d(a) <= d(c) {
                        a
                    } else if d(b) <= d(c) {
                        b
                    } else {
                        c
                    };
                    assert_eq!(paeth(a, b, c), want, "{a} {b} {c}");
                }
            }
        }
    }

    #[test]
    fn filters_match_the_png_definitions() {
        let line: Vec<u8> = (0..30u32).map(|i| (i * 37 % 256) as u8).collect();
        let prev: Vec<u8> = (0..30u32).map(|i| (i * 91 % 256) as u8).collect();
        let mut out = vec![0u8; 31];
        for f in 0..5u8 {
            filter_row(f, &line, &prev, &mut out);
            assert_eq!(out[0], f);
            for i in 0..30 {
                let a = if i >= 3 { line[i - 3] } else { 0 };
                let c = if i >= 3 { prev[i - 3] } else { 0 };
                let b = prev[i];
                let p = i16::from(a) + i16::from(b) - i16::from(c);
                let (pa, pb, pc) = (
                    (p - i16::from(a)).abs(),
                    (p - i16::from(b)).abs(),
                    (p - i16::from(c)).abs(),
                );
                let paeth = if pa <= pb && pa <= pc {
                    a
                } else if pb <= pc {
                    b
                } else {
                    c
                };
                let pred = [0, a, b, ((u16::from(a) + u16::from(b)) / 2) as u8, paeth][f as usize];
                assert_eq!(
                    out[i + 1],
                    line[i].wrapping_sub(pred),
                    "filter {f} byte {i}"
                );
            }
        }
    }
}
