//! The verifier's tests: files that must pass, and every way a file can be tampered with that
//! must fail.

use super::verify;
use crate::codec::encode::{encode, encode_with, Chroma};
use crate::codec::jpeg::coefficients::Coefficients;
use crate::codec::jpeg::{reader, wipe, writer};
use crate::codec::png::filter::paeth;
use crate::container::jpeg;
use crate::ground::colour::Rgb;
use crate::ground::format::OutputFormat;
use crate::ground::geometry::{PixelBox, Rect};
use image::RgbImage;

fn noisy(w: u32, h: u32, seed: u32) -> RgbImage {
    let mut s = seed;
    RgbImage::from_fn(w, h, |_, _| {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let v = s.to_be_bytes();
        image::Rgb([v[0], v[1], v[2]])
    })
}

fn burned(w: u32, h: u32, boxes: &[PixelBox], fill: Rgb) -> RgbImage {
    let mut img = noisy(w, h, 7);
    crate::raster::burn::burn(&mut img, boxes, fill);
    img
}

fn pb(x: u32, y: u32, width: u32, height: u32) -> PixelBox {
    PixelBox {
        x,
        y,
        width,
        height,
    }
}

#[test]
fn png_passes_and_tampering_fails() {
    let b = [pb(3, 4, 10, 6)];
    let img = burned(40, 30, &b, Rgb::BLACK);
    let png = encode(&img, OutputFormat::Png, 90).unwrap();
    let v = verify(&png, OutputFormat::Png, 40, 30, &b, Rgb::BLACK).unwrap();
    assert_eq!((v.boxes_checked, v.max_deviation), (1, 0));
    assert_eq!(v.structure, ["IHDR", "IDAT", "IEND"]);
    // Trailing bytes, a wrong size and a box that is not filled all fail.
    let mut trailing = png.clone();
    trailing.extend_from_slice(b"original");
    assert!(verify(&trailing, OutputFormat::Png, 40, 30, &b, Rgb::BLACK).is_err());
    assert!(verify(&png, OutputFormat::Png, 41, 30, &b, Rgb::BLACK).is_err());
    let other = [pb(20, 4, 10, 6)];
    assert!(verify(&png, OutputFormat::Png, 40, 30, &other, Rgb::BLACK).is_err());
    // A box reaching outside the image is refused, not clipped.
    let outside = [pb(35, 4, 10, 6)];
    assert!(verify(&png, OutputFormat::Png, 40, 30, &outside, Rgb::BLACK).is_err());
}

#[test]
fn png_with_one_wrong_pixel_in_a_box_fails() {
    let fill = Rgb {
        r: 10,
        g: 200,
        b: 30,
    };
    // One box in the middle, one on the last row (decoding goes down to it).
    let b = [pb(5, 6, 20, 9), pb(30, 37, 10, 3)];
    let good = burned(48, 40, &b, fill);
    let png = encode(&good, OutputFormat::Png, 90).unwrap();
    assert_eq!(
        verify(&png, OutputFormat::Png, 48, 40, &b, fill)
            .unwrap()
            .boxes_checked,
        2
    );
    for (x, y, c) in [
        (5, 6, 0),
        (24, 14, 2),
        (14, 10, 1),
        (39, 39, 0),
        (30, 37, 2),
    ] {
        let mut bad = good.clone();
        bad.get_pixel_mut(x, y).0[c] ^= 1;
        let png = encode(&bad, OutputFormat::Png, 90).unwrap();
        let e = verify(&png, OutputFormat::Png, 48, 40, &b, fill).unwrap_err();
        assert!(e.to_string().contains("not solid fill"), "({x}, {y}): {e}");
    }
    // Also through the general path (a grey PNG, decoded whole).
    let mut grey = Vec::new();
    let mut enc = png::Encoder::new(&mut grey, 8, 8);
    enc.set_color(png::ColorType::Grayscale);
    let mut w = enc.write_header().unwrap();
    let mut px = vec![0u8; 64];
    w.write_image_data(&px).unwrap();
    w.finish().unwrap();
    let b = [pb(2, 2, 4, 4)];
    assert!(verify(&grey, OutputFormat::Png, 8, 8, &b, Rgb::BLACK).is_ok());
    px[3 * 8 + 3] = 1;
    let mut grey = Vec::new();
    let mut enc = png::Encoder::new(&mut grey, 8, 8);
    enc.set_color(png::ColorType::Grayscale);
    let mut w = enc.write_header().unwrap();
    w.write_image_data(&px).unwrap();
    w.finish().unwrap();
    assert!(verify(&grey, OutputFormat::Png, 8, 8, &b, Rgb::BLACK).is_err());
}

/// Rows of `img` with PNG filter `filters(y)` applied (3-byte pixels), filter byte first.
fn filtered(img: &RgbImage, filters: impl Fn(u32) -> u8) -> Vec<u8> {
    let stride = img.width() as usize * 3;
    let raw = img.as_raw();
    let mut out = Vec::new();
    for y in 0..img.height() {
        let row = &raw[y as usize * stride..][..stride];
        let zero = vec![0u8; stride];
        let up = if y == 0 {
            &zero[..]
        } else {
            &raw[(y as usize - 1) * stride..][..stride]
        };
        let f = filters(y);
        out.push(f);
        for i in 0..stride {
            let a = if i >= 3 { row[i - 3] } else { 0 };
            let c = if i >= 3 { up[i - 3] } else { 0 };
            let pred = match f {
                1 => a,
                2 => up[i],
                3 => ((u16::from(a) + u16::from(up[i])) / 2) as u8,
                4 => paeth(a, up[i], c),
                _ => 0,
            };
            out.push(row[i].wrapping_sub(pred));
        }
    }
    out
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    c.extend_from_slice(kind);
    c.extend_from_slice(data);
    c.extend_from_slice(&crc32fast::hash(&c[4..]).to_be_bytes());
    c
}

/// An 8-bit RGB PNG around a zlib stream, split into IDAT chunks of `split` bytes.
fn png_file(w: u32, h: u32, zlib: &[u8], split: usize) -> Vec<u8> {
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut f = b"\x89PNG\r\n\x1a\n".to_vec();
    f.extend(chunk(b"IHDR", &ihdr));
    for part in zlib.chunks(split) {
        f.extend(chunk(b"IDAT", part));
    }
    f.extend(chunk(b"IEND", &[]));
    f
}

fn zlib(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

#[test]
fn png_rows_with_every_filter_and_chunking_pass() {
    let fill = Rgb {
        r: 200,
        g: 10,
        b: 60,
    };
    let b = [pb(4, 5, 30, 12), pb(50, 30, 13, 9)];
    let img = burned(64, 48, &b, fill);
    for split in [1, 7, 1000, 1 << 20] {
        let rows = filtered(&img, |y| (y % 5) as u8);
        let png = png_file(64, 48, &zlib(&rows), split);
        let v = verify(&png, OutputFormat::Png, 64, 48, &b, fill)
            .unwrap_or_else(|e| panic!("split {split}: {e}"));
        assert_eq!(v.boxes_checked, 2);
    }
    // Stored (uncompressed) deflate blocks too.
    let rows = filtered(&img, |_| 4);
    let stored = miniz_oxide::deflate::compress_to_vec_zlib(&rows, 0);
    assert!(verify(
        &png_file(64, 48, &stored, 999),
        OutputFormat::Png,
        64,
        48,
        &b,
        fill
    )
    .is_ok());
}

#[test]
fn png_box_pixel_changed_through_a_row_above_fails() {
    // The box's rows are Up, Avg or Paeth filtered: changing a stored byte in the row just
    // above the box (outside it) changes the box's pixels as every decoder shows them.
    let b = [pb(10, 20, 20, 10)];
    let img = burned(48, 40, &b, Rgb::BLACK);
    for f in [2u8, 3, 4] {
        let mut rows = filtered(&img, |_| f);
        let stride = 1 + 48 * 3;
        assert!(verify(
            &png_file(48, 40, &zlib(&rows), 4096),
            OutputFormat::Png,
            48,
            40,
            &b,
            Rgb::BLACK
        )
        .is_ok());
        rows[19 * stride + 1 + 15 * 3] ^= 0x40;
        let png = png_file(48, 40, &zlib(&rows), 4096);
        let e = verify(&png, OutputFormat::Png, 48, 40, &b, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("not solid fill"), "filter {f}: {e}");
    }
    // A Paeth-filtered box row with one pixel off, at the box's right edge.
    let mut bad = img.clone();
    bad.get_pixel_mut(29, 25).0[1] = 1;
    let png = png_file(48, 40, &zlib(&filtered(&bad, |_| 4)), 100);
    assert!(verify(&png, OutputFormat::Png, 48, 40, &b, Rgb::BLACK).is_err());
}

#[test]
fn png_stream_of_the_wrong_length_or_damaged_below_the_boxes_fails() {
    let b = [pb(2, 2, 10, 5)];
    let img = burned(32, 24, &b, Rgb::BLACK);
    let rows = filtered(&img, |y| (y % 5) as u8);
    let stride = 1 + 32 * 3;
    let check = |rows: &[u8], what: &str| {
        let png = png_file(32, 24, &zlib(rows), 50);
        let e = verify(&png, OutputFormat::Png, 32, 24, &b, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains(what), "{e}");
    };
    check(&rows[..rows.len() - stride], "expected");
    check(&rows[..rows.len() - 1], "expected");
    let mut long = rows.clone();
    long.extend_from_slice(&rows[..stride]);
    check(&long, "more than the image");
    let mut bad_filter = rows.clone();
    bad_filter[20 * stride] = 5;
    check(&bad_filter, "filter type 5");
    // A byte changed in the last row (stored deflate blocks): the Adler-32 catches it.
    let mut z = miniz_oxide::deflate::compress_to_vec_zlib(&rows, 0);
    let n = z.len();
    z[n - 6] ^= 0x10;
    let e = verify(
        &png_file(32, 24, &z, 50),
        OutputFormat::Png,
        32,
        24,
        &b,
        Rgb::BLACK,
    )
    .unwrap_err();
    assert!(e.to_string().contains("inflate"), "{e}");
    // The stream cut short (the file otherwise well formed).
    let e = verify(
        &png_file(32, 24, &z[..n / 2], 50),
        OutputFormat::Png,
        32,
        24,
        &b,
        Rgb::BLACK,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("early") || e.to_string().contains("inflate"),
        "{e}"
    );
}

#[test]
fn png_bytes_after_the_stream_a_bad_crc_or_split_idat_fail() {
    let b = [pb(2, 2, 10, 5)];
    let img = burned(32, 24, &b, Rgb::BLACK);
    let z = zlib(&filtered(&img, |_| 2));
    assert!(verify(
        &png_file(32, 24, &z, 64),
        OutputFormat::Png,
        32,
        24,
        &b,
        Rgb::BLACK
    )
    .is_ok());
    for extra in [&b"J"[..], b"Jane", b"Jane Doe 1957-03-14"] {
        let mut z2 = z.clone();
        z2.extend_from_slice(extra);
        for split in [64, 1 << 20] {
            let e = verify(
                &png_file(32, 24, &z2, split),
                OutputFormat::Png,
                32,
                24,
                &b,
                Rgb::BLACK,
            )
            .unwrap_err();
            assert!(e.to_string().contains("follow"), "{extra:?} {split}: {e}");
        }
    }
    // A CRC off by one bit, in IHDR and in an IDAT.
    let good = png_file(32, 24, &z, 64);
    for at in [8 + 8 + 13, 33 + 8 + 64] {
        let mut bad = good.clone();
        bad[at] ^= 1;
        let e = verify(&bad, OutputFormat::Png, 32, 24, &b, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("CRC"), "{e}");
    }
    // IDAT chunks with another chunk between them.
    let mut split = good[..33].to_vec();
    split.extend(chunk(b"IDAT", &z[..40]));
    split.extend(chunk(b"PLTE", &[0, 0, 0]));
    split.extend(chunk(b"IDAT", &z[40..]));
    split.extend(chunk(b"IEND", &[]));
    let e = verify(&split, OutputFormat::Png, 32, 24, &b, Rgb::BLACK).unwrap_err();
    assert!(e.to_string().contains("consecutive"), "{e}");
}

#[test]
fn png_with_a_text_chunk_fails() {
    let b = [pb(0, 0, 4, 4)];
    let img = burned(8, 8, &b, Rgb::BLACK);
    let png = encode(&img, OutputFormat::Png, 90).unwrap();
    // Insert a tEXt chunk right after IHDR (8 + 25 bytes).
    let mut t = png[..33].to_vec();
    t.extend_from_slice(&[0, 0, 0, 4]);
    t.extend_from_slice(b"tEXtJane");
    t.extend_from_slice(&[0, 0, 0, 0]);
    t.extend_from_slice(&png[33..]);
    let e = verify(&t, OutputFormat::Png, 8, 8, &b, Rgb::BLACK).unwrap_err();
    assert!(e.to_string().contains("tEXt"), "{e}");
}

#[test]
fn jpeg_boxes_within_tolerance_at_every_quality() {
    // Uniform noise around the boxes is the worst case for blocks straddling an edge.
    let b = [pb(5, 7, 40, 37), pb(60, 50, 30, 3)];
    for fill in [
        Rgb::BLACK,
        Rgb::WHITE,
        Rgb { r: 255, g: 0, b: 0 },
        Rgb {
            r: 30,
            g: 200,
            b: 90,
        },
    ] {
        let img = burned(96, 80, &b, fill);
        for q in [1, 10, 50, 75, 90, 100] {
            let jpg = encode(&img, OutputFormat::Jpeg, q).unwrap();
            let v = verify(&jpg, OutputFormat::Jpeg, 96, 80, &b, fill)
                .unwrap_or_else(|e| panic!("fill {fill} q{q}: {e}"));
            assert_eq!((v.boxes_checked, v.boxes_too_thin, v.margin), (1, 1, 17));
            assert!(v.max_deviation <= v.tolerance);
            assert!(v.structure.iter().any(|s| s == "DRI"), "{:?}", v.structure);
        }
    }
}

/// Full-resolution colour (4:4:4, the pixel path's JPEG for a converted picture): every box
/// block is checked with 8 px of margin, at the edges too, and a box left unfilled in any
/// component fails.
#[test]
fn jpeg_444_files_are_checked_with_their_own_margin() {
    let fill = Rgb {
        r: 30,
        g: 200,
        b: 90,
    };
    // 75 × 45: partial blocks on the right and bottom, under the first box.
    for (w, h, b) in [
        (
            96,
            80,
            [pb(5, 7, 40, 37), pb(60, 50, 30, 3), pb(60, 30, 15, 15)],
        ),
        (
            75,
            45,
            [pb(40, 20, 35, 25), pb(0, 0, 33, 3), pb(20, 30, 15, 15)],
        ),
    ] {
        let img = burned(w, h, &b, fill);
        for (q, cq) in [(50, 97), (90, 97), (100, 100)] {
            let full = Chroma::Full { quality: cq };
            let jpg = encode_with(&img, OutputFormat::Jpeg, q, full).unwrap();
            let v = verify(&jpg, OutputFormat::Jpeg, w, h, &b, fill)
                .unwrap_or_else(|e| panic!("{w}×{h} q{q}: {e}"));
            // The 3-px box holds no whole 8×8 block; the 15-px one does (it is too thin at
            // 4:2:0, whose chroma blocks span 16 px).
            assert_eq!((v.boxes_checked, v.boxes_too_thin, v.margin), (2, 1, 8));
            assert!(v.max_deviation <= v.tolerance);
            let half = encode(&img, OutputFormat::Jpeg, q).unwrap();
            let v = verify(&half, OutputFormat::Jpeg, w, h, &b, fill).unwrap();
            assert_eq!((v.boxes_checked, v.boxes_too_thin, v.margin), (1, 2, 17));
        }
        // The colour alone wrong under a box: the Cr blocks tell.
        let mut bad = img.clone();
        crate::raster::burn::burn(
            &mut bad,
            &[b[0]],
            Rgb {
                r: 90,
                g: 200,
                b: 90,
            },
        );
        let jpg = encode_with(&bad, OutputFormat::Jpeg, 90, Chroma::Full { quality: 97 }).unwrap();
        assert!(verify(&jpg, OutputFormat::Jpeg, w, h, &b, fill).is_err());
        let noise = encode_with(
            &noisy(w, h, 3),
            OutputFormat::Jpeg,
            90,
            Chroma::Full { quality: 97 },
        )
        .unwrap();
        assert!(verify(&noise, OutputFormat::Jpeg, w, h, &b, fill).is_err());
    }
}

#[test]
fn jpeg_boxes_at_the_image_edges_include_the_partial_blocks() {
    // 75 × 45: partial blocks on the right and bottom in both sampling grids.
    let b = [pb(40, 20, 35, 25), pb(0, 0, 33, 33)];
    for fill in [
        Rgb::BLACK,
        Rgb {
            r: 200,
            g: 20,
            b: 120,
        },
    ] {
        let img = burned(75, 45, &b, fill);
        let jpg = encode(&img, OutputFormat::Jpeg, 90).unwrap();
        let v = verify(&jpg, OutputFormat::Jpeg, 75, 45, &b, fill).unwrap();
        assert_eq!((v.boxes_checked, v.boxes_too_thin), (2, 0));
    }
}

#[test]
fn jpeg_with_an_unfilled_box_fails() {
    let img = noisy(64, 64, 3);
    let jpg = encode(&img, OutputFormat::Jpeg, 90).unwrap();
    let b = [pb(10, 10, 40, 40)];
    assert!(verify(&jpg, OutputFormat::Jpeg, 64, 64, &b, Rgb::BLACK).is_err());
}

#[test]
fn jpeg_with_a_comment_or_trailer_fails() {
    let b = [pb(0, 0, 20, 20)];
    let img = burned(32, 32, &b, Rgb::BLACK);
    let jpg = encode(&img, OutputFormat::Jpeg, 90).unwrap();
    let mut com = vec![0xFF, 0xD8, 0xFF, 0xFE, 0, 6, b'J', b'a', b'n', b'e'];
    com.extend_from_slice(&jpg[2..]);
    assert!(verify(&com, OutputFormat::Jpeg, 32, 32, &b, Rgb::BLACK).is_err());
    let mut tail = jpg.clone();
    tail.extend_from_slice(&[0xFF, 0xD8, 1, 2, 3]);
    let e = verify(&tail, OutputFormat::Jpeg, 32, 32, &b, Rgb::BLACK).unwrap_err();
    assert!(e.to_string().contains("follow EOI"), "{e}");
}

/// A lossless-path file: a noisy 4:2:0 JPEG read into coefficients, one box wiped to `fill`.
fn wiped(fill: Rgb) -> (Coefficients, Vec<PixelBox>) {
    wiped_at(fill, Rect::new(35.0, 20.0, 70.0, 50.0))
}

fn wiped_at(fill: Rgb, r: Rect) -> (Coefficients, Vec<PixelBox>) {
    let img = noisy(200, 120, 11);
    let jpg = encode(&img, OutputFormat::Jpeg, 85).unwrap();
    let mut c = reader::read(&jpg).unwrap();
    let grown = wipe::wipe(&mut c, &[r], fill).unwrap();
    (c, grown)
}

fn write(c: &Coefficients) -> Vec<u8> {
    writer::write(c, writer::Tables::AnnexK).unwrap()
}

/// Offsets of the restart markers in a file's scan data.
fn restarts(jpg: &[u8]) -> Vec<usize> {
    let w = jpeg::walk(jpg).unwrap();
    w.scans[0].restarts.iter().map(|r| r.at).collect()
}

#[test]
fn lossless_output_passes_with_one_restart_per_mcu_row() {
    for fill in [Rgb::BLACK, Rgb::WHITE, Rgb { r: 255, g: 0, b: 0 }] {
        let (c, grown) = wiped(fill);
        let jpg = write(&c);
        let v = verify(&jpg, OutputFormat::Jpeg, 200, 120, &grown, fill).unwrap();
        assert_eq!((v.boxes_checked, v.boxes_too_thin), (1, 0));
        assert_eq!(
            v.structure,
            ["SOI", "DQT", "SOF0", "DHT", "DRI", "SOS", "EOI"]
        );
        // 120 px = 8 MCU rows of 16 px: 7 restart markers.
        assert_eq!(restarts(&jpg).len(), 7);
    }
}

#[test]
fn a_box_block_with_one_ac_coefficient_fails() {
    let (c, grown) = wiped(Rgb::BLACK);
    let g = grown[0];
    // One block of each component, inside the box.
    for comp in 0..3 {
        for k in [1, 5, 63] {
            let mut bad = c.clone();
            let cc = &mut bad.components[comp];
            let (bx, by) = if comp == 0 {
                (g.x as usize / 8 + 2, g.y as usize / 8 + 1)
            } else {
                (g.x as usize / 16 + 1, g.y as usize / 16 + 1)
            };
            cc.coefs[(by * cc.bw + bx) * 64 + k] = -1;
            let e = verify(
                &write(&bad),
                OutputFormat::Jpeg,
                200,
                120,
                &grown,
                Rgb::BLACK,
            )
            .unwrap_err();
            assert!(
                e.to_string().contains("is not flat"),
                "comp {comp} k {k}: {e}"
            );
        }
    }
}

#[test]
fn a_box_block_with_a_wrong_dc_fails() {
    let (c, grown) = wiped(Rgb::BLACK);
    let g = grown[0];
    for (comp, delta) in [(0usize, 4i16), (1, 3), (2, -3)] {
        let mut bad = c.clone();
        let cc = &mut bad.components[comp];
        let (bx, by) = if comp == 0 {
            (g.x as usize / 8, (g.y + g.height) as usize / 8 - 1)
        } else {
            (g.x as usize / 16, (g.y + g.height) as usize / 16 - 1)
        };
        cc.coefs[(by * cc.bw + bx) * 64] += delta;
        let e = verify(
            &write(&bad),
            OutputFormat::Jpeg,
            200,
            120,
            &grown,
            Rgb::BLACK,
        )
        .unwrap_err();
        assert!(e.to_string().contains("decodes to"), "comp {comp}: {e}");
    }
}

#[test]
fn a_missing_or_reordered_restart_marker_fails() {
    let (c, grown) = wiped(Rgb::BLACK);
    let jpg = write(&c);
    let at = restarts(&jpg);
    // Missing: in a row the boxes do not touch, and in one they do.
    for &i in &[at[0], at[5]] {
        let mut bad = jpg.clone();
        bad.drain(i..i + 2);
        let e = verify(&bad, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("restart markers in the scan"), "{e}");
    }
    // Out of order: RST1 and RST2 swapped.
    let mut bad = jpg.clone();
    bad[at[1] + 1] = 0xD2;
    bad[at[2] + 1] = 0xD1;
    let e = verify(&bad, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
    assert!(e.to_string().contains("out of order"), "{e}");
    // One too many (an extra RST0 right before EOI).
    let mut bad = jpg.clone();
    let eoi = bad.len() - 2;
    bad.splice(eoi..eoi, [0xFF, 0xD7]);
    let e = verify(&bad, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
    assert!(e.to_string().contains("restart markers in the scan"), "{e}");
}

#[test]
fn bytes_after_eoi_or_an_appn_segment_fail() {
    let (c, grown) = wiped(Rgb::BLACK);
    let jpg = write(&c);
    let mut tail = jpg.clone();
    tail.extend_from_slice(b"\xFF\xD8leftover");
    let e = verify(&tail, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
    assert!(e.to_string().contains("follow EOI"), "{e}");
    for (marker, body) in [
        (0xE1u8, &b"Exif\0\0MM"[..]),
        (0xE0, b"JFXX\0"),
        (0xED, b"Photoshop 3.0\0"),
    ] {
        let mut app = vec![0xFF, 0xD8, 0xFF, marker, 0, body.len() as u8 + 2];
        app.extend_from_slice(body);
        app.extend_from_slice(&jpg[2..]);
        let e = verify(&app, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("outside the allowlist"), "{e}");
    }
}

#[test]
fn an_interval_that_does_not_end_with_its_mcus_fails() {
    // Extra entropy-coded bytes at the end of the interval holding the box's last row (the
    // box reaches the right edge, so that interval is decoded to its end).
    let (c, grown) = wiped_at(Rgb::BLACK, Rect::new(100.0, 20.0, 100.0, 50.0));
    let jpg = write(&c);
    let at = restarts(&jpg);
    let row = ((grown[0].y + grown[0].height) / 16 - 1) as usize; // its last MCU row
    let mut bad = jpg.clone();
    bad.splice(at[row]..at[row], [0x12, 0x34]);
    let e = verify(&bad, OutputFormat::Jpeg, 200, 120, &grown, Rgb::BLACK).unwrap_err();
    assert!(e.to_string().contains("does not end"), "{e}");
}

fn jpeg_encoder_file(img: &RgbImage, restart: u16, progressive: bool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut out, 90);
    enc.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    enc.set_restart_interval(restart);
    enc.set_progressive(progressive);
    let (w, h) = (img.width() as u16, img.height() as u16);
    enc.encode(img.as_raw(), w, h, jpeg_encoder::ColorType::Rgb)
        .unwrap();
    out
}

#[test]
fn files_without_restarts_or_with_several_scans_are_checked_whole() {
    let b = [pb(20, 16, 50, 40)];
    let good = burned(96, 80, &b, Rgb::BLACK);
    let bad = noisy(96, 80, 7);
    for (restart, progressive) in [(0, false), (3, false), (0, true)] {
        let jpg = jpeg_encoder_file(&good, restart, progressive);
        let v = verify(&jpg, OutputFormat::Jpeg, 96, 80, &b, Rgb::BLACK)
            .unwrap_or_else(|e| panic!("restart {restart} progressive {progressive}: {e}"));
        assert_eq!(v.boxes_checked, 1);
        let jpg = jpeg_encoder_file(&bad, restart, progressive);
        let e = verify(&jpg, OutputFormat::Jpeg, 96, 80, &b, Rgb::BLACK).unwrap_err();
        assert!(e.to_string().contains("not solid fill"), "{e}");
    }
}

#[test]
fn grey_files_are_checked_too() {
    let b = [pb(8, 8, 30, 20)];
    let img = image::GrayImage::from_fn(64, 48, |x, y| {
        let inside = (8..38).contains(&x) && (8..28).contains(&y);
        image::Luma([if inside {
            0
        } else {
            ((x * 37 + y * 91) % 256) as u8
        }])
    });
    let mut jpg = Vec::new();
    let mut enc = jpeg_encoder::Encoder::new(&mut jpg, 90);
    enc.set_restart_interval(8);
    enc.encode(img.as_raw(), 64, 48, jpeg_encoder::ColorType::Luma)
        .unwrap();
    let v = verify(&jpg, OutputFormat::Jpeg, 64, 48, &b, Rgb::BLACK).unwrap();
    assert_eq!((v.boxes_checked, v.margin), (1, 8));
    // A colour fill cannot be what a grey file shows.
    let red = Rgb { r: 255, g: 0, b: 0 };
    assert!(verify(&jpg, OutputFormat::Jpeg, 64, 48, &b, red).is_err());
    let other = [pb(40, 8, 20, 20)];
    assert!(verify(&jpg, OutputFormat::Jpeg, 64, 48, &other, Rgb::BLACK).is_err());
}

#[test]
fn damaged_files_fail_without_panicking() {
    let (c, grown) = wiped(Rgb::BLACK);
    let jpg = write(&c);
    let b = [pb(4, 4, 30, 20)];
    let png = encode(&burned(40, 30, &b, Rgb::BLACK), OutputFormat::Png, 90).unwrap();
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s as usize
    };
    for round in 0..3000 {
        let (base, fmt, w, h, boxes) = if round % 3 == 0 {
            (&png, OutputFormat::Png, 40, 30, &b[..])
        } else {
            (&jpg, OutputFormat::Jpeg, 200, 120, &grown[..])
        };
        let mut m = base.clone();
        for _ in 0..1 + next() % 4 {
            let i = next() % m.len();
            match next() % 4 {
                0 => m[i] ^= 1 << (next() % 8),
                1 => m[i] = next() as u8,
                2 => m[i] = 0xFF,
                _ => m.truncate(i.max(2)),
            }
        }
        let _ = verify(&m, fmt, w, h, boxes, Rgb::BLACK);
    }
}

// ---------------------------------------------------------------- colour profiles

/// `bytes` with `insert` placed at `at`.
fn with(bytes: &[u8], at: usize, insert: &[u8]) -> Vec<u8> {
    let mut v = bytes[..at].to_vec();
    v.extend_from_slice(insert);
    v.extend_from_slice(&bytes[at..]);
    v
}

#[test]
fn png_allows_exactly_one_canonical_iccp_before_the_pixels() {
    use crate::colour::canonical::Space;
    use crate::colour::source::iccp_payload;
    let b = [pb(3, 4, 10, 6)];
    let img = burned(40, 30, &b, Rgb::BLACK);
    let png = encode(&img, OutputFormat::Png, 90).unwrap();
    let check = |f: &[u8]| verify(f, OutputFormat::Png, 40, 30, &b, Rgb::BLACK);
    assert_eq!(check(&png).unwrap().colour_profile, None);
    // A hand-made PNG carrying Display P3's canonical profile right after IHDR: allowed, named.
    let p3 = chunk(b"iCCP", &iccp_payload(Space::DisplayP3));
    let tagged = with(&png, 33, &p3);
    let v = check(&tagged).unwrap();
    assert_eq!(v.colour_profile.as_deref(), Some("Display P3"));
    assert_eq!(v.structure, ["IHDR", "iCCP", "IDAT", "IEND"]);
    // Anything else is refused: two of them, one after IDAT, sRGB's (never written), a
    // profile one byte off (CRC fixed up), another name, a compressed copy of the same bytes.
    assert!(check(&with(&tagged, 33, &p3)).is_err());
    let iend = png.len() - 12;
    assert!(check(&with(&png, iend, &p3)).is_err());
    assert!(check(&with(&png, 33, &chunk(b"iCCP", &iccp_payload(Space::Srgb)))).is_err());
    let mut off = iccp_payload(Space::DisplayP3);
    let n = off.len();
    off[n - 40] ^= 1;
    assert!(check(&with(&png, 33, &chunk(b"iCCP", &off))).is_err());
    let mut renamed = iccp_payload(Space::DisplayP3);
    renamed[0] = b'J';
    assert!(check(&with(&png, 33, &chunk(b"iCCP", &renamed))).is_err());
    let mut deflated = b"ICC profile\0\0".to_vec();
    deflated.extend(miniz_oxide::deflate::compress_to_vec_zlib(
        Space::DisplayP3.bytes(),
        9,
    ));
    assert!(check(&with(&png, 33, &chunk(b"iCCP", &deflated))).is_err());
}

#[test]
fn jpeg_allows_exactly_one_canonical_app2_before_the_frame() {
    use crate::colour::canonical::Space;
    use crate::colour::source::app2_segment;
    let b = [pb(16, 16, 32, 32)];
    let img = burned(64, 48, &b, Rgb::BLACK);
    let jpeg = encode(&img, OutputFormat::Jpeg, 90).unwrap();
    let check = |f: &[u8]| verify(f, OutputFormat::Jpeg, 64, 48, &b, Rgb::BLACK);
    assert_eq!(check(&jpeg).unwrap().colour_profile, None);
    let adobe = app2_segment(Space::AdobeRgb);
    let tagged = with(&jpeg, 2, &adobe);
    let v = check(&tagged).unwrap();
    assert_eq!(v.colour_profile.as_deref(), Some("Adobe RGB (1998)"));
    assert!(check(&with(&tagged, 2, &adobe)).is_err());
    assert!(check(&with(&jpeg, 2, &app2_segment(Space::Srgb))).is_err());
    for i in 4..adobe.len() {
        let mut bad = adobe.clone();
        bad[i] ^= 0x01;
        assert!(check(&with(&jpeg, 2, &bad)).is_err(), "byte {i}");
    }
    // After the frame header: refused.
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
    let after_sof = sof + 2 + usize::from(u16::from_be_bytes([jpeg[sof + 2], jpeg[sof + 3]]));
    assert!(check(&with(&jpeg, sof, &adobe)).is_ok());
    assert!(check(&with(&jpeg, after_sof, &adobe)).is_err());
}
