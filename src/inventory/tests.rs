//! The inventory's tests. They make JPEG files with the `image` crate's encoder, which only the
//! full build has.

use super::containers::{inventory, PHOTOSHOP_ID, XMP_ID};
use super::exif::read_exif;
use super::words::{group_digits, human_size};
use crate::colour::icc::description as icc_description;
use crate::colour::source::ICC_ID;
use crate::ground::bytes::be32;
use crate::ground::format::InputFormat;

fn encode_jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_pixel(w, h, image::Rgb([200, 100, 50]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&img)
        .unwrap();
    out
}

fn encode_png() -> Vec<u8> {
    let img = image::RgbaImage::from_pixel(4, 4, image::Rgba([1, 2, 3, 255]));
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A field for `tiff`: tag, type, count and the value's big-endian bytes.
type Field = (u16, u16, u32, Vec<u8>);

fn ascii(tag: u16, s: &str) -> Field {
    let v = [s.as_bytes(), b"\0"].concat();
    (tag, 2, v.len() as u32, v)
}

fn short(tag: u16, v: u16) -> Field {
    (tag, 3, 1, v.to_be_bytes().to_vec())
}

fn long(tag: u16, v: u32) -> Field {
    (tag, 4, 1, v.to_be_bytes().to_vec())
}

/// Appends a big-endian directory (fields sorted by tag, large values after it) to `out`;
/// returns its offset.
fn put_ifd(out: &mut Vec<u8>, fields: &[Field], next: u32) -> u32 {
    if out.len() % 2 == 1 {
        out.push(0);
    }
    let at = out.len();
    let mut fields = fields.to_vec();
    fields.sort_by_key(|f| f.0);
    let data_at = at + 2 + 12 * fields.len() + 4;
    let mut data = Vec::new();
    out.extend((fields.len() as u16).to_be_bytes());
    for (tag, typ, count, value) in &fields {
        out.extend(tag.to_be_bytes());
        out.extend(typ.to_be_bytes());
        out.extend(count.to_be_bytes());
        if value.len() <= 4 {
            out.extend(value);
            out.extend(vec![0; 4 - value.len()]);
        } else {
            out.extend(((data_at + data.len()) as u32).to_be_bytes());
            data.extend(value);
            if data.len() % 2 == 1 {
                data.push(0);
            }
        }
    }
    out.extend(next.to_be_bytes());
    out.extend(data);
    at as u32
}

/// A big-endian TIFF block: IFD0, the Exif and GPS directories when not empty, and IFD1
/// when not empty, with `thumb` (when not empty) as its JPEG thumbnail.
fn tiff(ifd0: &[Field], exif: &[Field], gps: &[Field], ifd1: &[Field], thumb: &[u8]) -> Vec<u8> {
    let mut out = b"MM\0\x2a\0\0\0\0".to_vec();
    let mut ifd1 = ifd1.to_vec();
    if !thumb.is_empty() {
        ifd1.push(long(0x0201, out.len() as u32));
        ifd1.push(long(0x0202, thumb.len() as u32));
        out.extend_from_slice(thumb);
    }
    let next = if ifd1.is_empty() {
        0
    } else {
        put_ifd(&mut out, &ifd1, 0)
    };
    let mut ifd0 = ifd0.to_vec();
    if !exif.is_empty() {
        ifd0.push(long(0x8769, put_ifd(&mut out, exif, 0)));
    }
    if !gps.is_empty() {
        ifd0.push(long(0x8825, put_ifd(&mut out, gps, 0)));
    }
    let at = put_ifd(&mut out, &ifd0, next);
    out[4..8].copy_from_slice(&at.to_be_bytes());
    out
}

/// A TIFF-structured EXIF block with GPS, a maker note and a JPEG thumbnail in IFD1.
fn exif_block(thumb: &[u8]) -> Vec<u8> {
    tiff(
        &[
            ascii(0x010F, "Apple"),               // Make
            ascii(0x0110, "iPhone 13"),           // Model
            ascii(0x0132, "2024:05:01 10:22:03"), // DateTime
            short(0x0112, 6),                     // Orientation
        ],
        &[
            ascii(0x9003, "2024:05:01 10:22:03"), // DateTimeOriginal
            (0x927C, 7, 16, b"Apple iOS\0secret".to_vec()), // MakerNote
        ],
        &[
            ascii(0x0001, "N"),          // GPSLatitudeRef
            ascii(0x001D, "2024:05:01"), // GPSDateStamp
        ],
        &[short(0x0103, 6)], // Compression: JPEG
        thumb,
    )
}

/// A minimal ICC profile whose `desc` tag is `desc_tag` (its type and data).
fn icc_profile(desc_tag: &[u8]) -> Vec<u8> {
    let mut p = vec![0u8; 128];
    p[36..40].copy_from_slice(b"acsp");
    p.extend_from_slice(&1u32.to_be_bytes());
    p.extend_from_slice(b"desc");
    p.extend_from_slice(&144u32.to_be_bytes());
    p.extend_from_slice(&(desc_tag.len() as u32).to_be_bytes());
    p.extend_from_slice(desc_tag);
    let n = p.len() as u32;
    p[..4].copy_from_slice(&n.to_be_bytes());
    p
}

fn desc_v2(s: &str) -> Vec<u8> {
    let mut t = b"desc\0\0\0\0".to_vec();
    t.extend_from_slice(&(s.len() as u32 + 1).to_be_bytes());
    t.extend_from_slice(s.as_bytes());
    t.push(0);
    t.extend_from_slice(&[0; 12]);
    t
}

fn desc_v4(s: &str) -> Vec<u8> {
    let units: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
    let mut t = b"mluc\0\0\0\0".to_vec();
    t.extend_from_slice(&2u32.to_be_bytes());
    t.extend_from_slice(&12u32.to_be_bytes());
    // A German record first, then English, which is chosen.
    let de = "Profil"
        .encode_utf16()
        .flat_map(|u| u.to_be_bytes())
        .collect::<Vec<u8>>();
    let base = 16 + 2 * 12;
    t.extend_from_slice(b"deDE");
    t.extend_from_slice(&(de.len() as u32).to_be_bytes());
    t.extend_from_slice(&(base as u32).to_be_bytes());
    t.extend_from_slice(b"enUS");
    t.extend_from_slice(&(units.len() as u32).to_be_bytes());
    t.extend_from_slice(&((base + de.len()) as u32).to_be_bytes());
    t.extend_from_slice(&de);
    t.extend_from_slice(&units);
    t
}

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let mut v = vec![0xFF, marker];
    v.extend_from_slice(&(payload.len() as u16 + 2).to_be_bytes());
    v.extend_from_slice(payload);
    v
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn attack_jpeg() -> Vec<u8> {
    let base = encode_jpeg(32, 16);
    let thumb = encode_jpeg(16, 12);
    let icc = icc_profile(&desc_v2("sRGB IEC61966-2.1"));
    let (icc1, icc2) = icc.split_at(100);
    let mut head = Vec::new();
    head.extend(segment(0xE1, &cat(&[b"Exif\0\0", &exif_block(&thumb)])));
    head.extend(segment(0xE1, &cat(&[XMP_ID, &[b'x'; 2150]])));
    head.extend(segment(
        0xED,
        &cat(&[PHOTOSHOP_ID, b"8BIM\x04\x04\0\0\0\0\0\x05hello"]),
    ));
    // ICC split in two, stored out of order.
    head.extend(segment(0xE2, &cat(&[ICC_ID, &[2, 2], icc2])));
    head.extend(segment(0xE2, &cat(&[ICC_ID, &[1, 2], icc1])));
    head.extend(segment(0xFE, b"Patient: Jane Doe, DOB 1970-01-01"));
    head.extend(segment(0xFE, b"second"));
    head.extend(segment(0xEB, b"JP\0\0"));
    let mut out = base[..2].to_vec();
    out.extend(head);
    out.extend_from_slice(&base[2..]);
    out.extend_from_slice(&[0x55; 2300]);
    out
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut v = (data.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(kind);
    v.extend_from_slice(data);
    v.extend_from_slice(&[0, 0, 0, 0]); // CRC: not checked by the inventory
    v
}

fn zlib(data: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(data, 6)
}

fn attack_png() -> Vec<u8> {
    let base = encode_png();
    let ihdr_end = 8 + 8 + 13 + 4;
    let icc = icc_profile(&desc_v4("Display P3"));
    let mut extra = Vec::new();
    extra.extend(png_chunk(b"tEXt", b"Author\0Dr. Who"));
    extra.extend(png_chunk(
        b"zTXt",
        &cat(&[b"Comment\0\0", &zlib(b"Patient: Jane")]),
    ));
    let xmp = [b'x'; 300];
    extra.extend(png_chunk(
        b"iTXt",
        &cat(&[b"XML:com.adobe.xmp\0\x01\0\0\0", &zlib(&xmp)]),
    ));
    extra.extend(png_chunk(b"eXIf", &exif_block(&encode_jpeg(8, 8))));
    extra.extend(png_chunk(b"tIME", &[0x07, 0xE8, 5, 1, 10, 22, 3]));
    extra.extend(png_chunk(b"iCCP", &cat(&[b"icc\0\0", &zlib(&icc)])));
    extra.extend(png_chunk(b"acTL", &[0, 0, 0, 3, 0, 0, 0, 0]));
    extra.extend(png_chunk(b"caBX", b"c2pa manifest"));
    let mut out = base[..ihdr_end].to_vec();
    out.extend(extra);
    out.extend_from_slice(&base[ihdr_end..]);
    out.extend_from_slice(b"leftover of the original file");
    out
}

#[test]
fn jpeg_with_everything() {
    let b = attack_jpeg();
    assert!(
        image::load_from_memory(&b).is_ok(),
        "fixture must stay a valid JPEG"
    );
    let inv = inventory(&b, InputFormat::Jpeg);
    assert!(inv.notes.is_empty(), "{:?}", inv.notes);
    let e = inv.exif.as_ref().unwrap();
    assert!(e.gps);
    assert!(e.maker_note);
    assert_eq!(e.make.as_deref(), Some("Apple"));
    assert_eq!(e.model.as_deref(), Some("iPhone 13"));
    assert_eq!(e.orientation, Some(6));
    let names: Vec<&str> = e.dates.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["DateTime", "DateTimeOriginal", "GPSDateStamp"]);
    assert_eq!(e.dates[0].value, "2024:05:01 10:22:03");
    assert_eq!(e.dates[2].value, "2024:05:01");
    let t = e.thumbnail.as_ref().unwrap();
    assert_eq!((t.width, t.height), (Some(16), Some(12)));
    assert_eq!(t.bytes, encode_jpeg(16, 12).len() as u64);
    // Make, Model, DateTime, Orientation, DateTimeOriginal, MakerNote, 2 GPS, and IFD1's
    // Compression + JPEGInterchangeFormat + Length.
    assert_eq!(e.tag_count, 11);
    assert_eq!(inv.xmp_bytes, Some(2150));
    assert_eq!(inv.iptc_bytes, Some(17));
    let icc = inv.icc.as_ref().unwrap();
    assert_eq!(icc.description.as_deref(), Some("sRGB IEC61966-2.1"));
    assert_eq!(
        icc.bytes,
        icc_profile(&desc_v2("sRGB IEC61966-2.1")).len() as u64
    );
    let c = inv.comments.as_ref().unwrap();
    assert_eq!((c.count, c.total_bytes), (2, 39));
    assert_eq!(c.first, "Patient: Jane Doe, DOB 1970-01-01");
    assert_eq!(
        inv.app_segments,
        [
            "APP1 Exif",
            "APP1 http://ns.adobe.com/xap/1.0/",
            "APP13 Photoshop 3.0",
            "APP2 ICC_PROFILE",
            "APP2 ICC_PROFILE",
            "APP11 JP"
        ]
    );
    assert_eq!(inv.trailing_bytes, 2300);
    assert_eq!(inv.frames, 1);
    let words = inv.plain_words();
    for expected in [
        "EXIF data (11 fields)",
        "GPS location",
        "camera make and model (Apple iPhone 13)",
        "a 16×12 thumbnail of the original",
        "dates and times (2024:05:01 10:22:03, 2024:05:01)",
        "camera maker notes",
        "an XMP metadata packet (2.1 KB)",
        "IPTC / Photoshop data",
        "colour profile \u{201c}sRGB IEC61966-2.1\u{201d}: cannot be used (it is of an ICC version \
         other than 2 and 4); the pixels are shown as sRGB, as browsers do, and it is \
         removed",
        "2 comments (\"Patient: J…\", …)",
        "other application data (APP11 JP)",
        "2 300 bytes hidden after the end of the image",
    ] {
        assert!(
            words.iter().any(|w| w == expected),
            "{expected:?} not in {words:?}"
        );
    }
    assert!(!inv.is_clean());
}

#[test]
fn png_with_everything() {
    let b = attack_png();
    let inv = inventory(&b, InputFormat::Png);
    assert!(inv.notes.is_empty(), "{:?}", inv.notes);
    let kinds: Vec<(&str, &str)> = inv
        .text_chunks
        .iter()
        .map(|t| (t.kind.as_str(), t.keyword.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("tEXt", "Author"),
            ("zTXt", "Comment"),
            ("iTXt", "XML:com.adobe.xmp")
        ]
    );
    assert_eq!(inv.xmp_bytes, Some(300));
    let e = inv.exif.as_ref().unwrap();
    assert!(e.gps && e.maker_note);
    assert_eq!(e.thumbnail.as_ref().unwrap().width, Some(8));
    assert_eq!(inv.png_time.as_deref(), Some("2024-05-01 10:22:03"));
    assert_eq!(
        inv.icc.as_ref().unwrap().description.as_deref(),
        Some("Display P3")
    );
    assert_eq!(inv.frames, 3);
    assert_eq!(inv.other_chunks, ["caBX"]);
    assert_eq!(inv.trailing_bytes, 29);
    let words = inv.plain_words();
    for expected in [
        "2 text chunks (Author, Comment)",
        "a timestamp chunk",
        "colour profile \u{201c}Display P3\u{201d}: cannot be used (it is of an ICC version \
         other than 2 and 4); the pixels are shown as sRGB, as browsers do, and it is \
         removed",
        "other data chunks (caBX)",
        "2 more animation frames",
        "29 bytes hidden after the end of the image",
    ] {
        assert!(
            words.iter().any(|w| w == expected),
            "{expected:?} not in {words:?}"
        );
    }
}

#[test]
fn png_raw_profile_exif_text_chunk() {
    let tiff = exif_block(&encode_jpeg(8, 8));
    let hex: String = [b"Exif\0\0".as_slice(), &tiff]
        .concat()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .chunks(36)
        .map(|c| c.concat() + "\n")
        .collect();
    let text = format!("\nexif\n{:8}\n{hex}", tiff.len() + 6);
    let base = encode_png();
    let mut b = base[..33].to_vec();
    b.extend(png_chunk(
        b"zTXt",
        &cat(&[b"Raw profile type exif\0\0", &zlib(text.as_bytes())]),
    ));
    b.extend_from_slice(&base[33..]);
    let inv = inventory(&b, InputFormat::Png);
    assert!(inv.notes.is_empty(), "{:?}", inv.notes);
    assert_eq!(
        inv.exif.as_ref().unwrap().model.as_deref(),
        Some("iPhone 13")
    );
    assert_eq!(inv.text_chunks.len(), 1);
    // The raw profile is described as EXIF, not again as a text chunk.
    assert!(!inv.plain_words().iter().any(|w| w.contains("text chunk")));
}

#[test]
fn plain_files_are_clean() {
    let jpeg = encode_jpeg(8, 8);
    let inv = inventory(&jpeg, InputFormat::Jpeg);
    assert!(inv.is_clean(), "{inv:?}");
    assert!(inv.app_segments.is_empty(), "JFIF APP0 is structural");
    let png = encode_png();
    let inv = inventory(&png, InputFormat::Png);
    assert!(inv.is_clean(), "{inv:?}");
    assert!(inv.plain_words().is_empty());
}

#[test]
fn webp_chunks() {
    let icc = icc_profile(&desc_v2("sRGB"));
    let mut body = b"WEBP".to_vec();
    let mut chunk = |fourcc: &[u8; 4], data: &[u8]| {
        body.extend_from_slice(fourcc);
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        if data.len() % 2 == 1 {
            body.push(0);
        }
    };
    chunk(b"VP8X", &[0x2E, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    chunk(b"ICCP", &icc);
    chunk(b"ANIM", &[0; 6]);
    chunk(b"ANMF", &[0; 17]);
    chunk(b"ANMF", &[0; 17]);
    chunk(
        b"EXIF",
        &cat(&[b"Exif\0\0", &exif_block(&encode_jpeg(8, 8))]),
    );
    chunk(b"XMP ", &[b'x'; 99]);
    let mut b = b"RIFF".to_vec();
    b.extend_from_slice(&(body.len() as u32).to_le_bytes());
    b.extend(body);
    b.extend_from_slice(&[1, 2, 3]);
    let inv = inventory(&b, InputFormat::Webp);
    assert!(inv.notes.is_empty(), "{:?}", inv.notes);
    assert_eq!(
        inv.icc.as_ref().unwrap().description.as_deref(),
        Some("sRGB")
    );
    assert_eq!(inv.frames, 2);
    assert_eq!(inv.xmp_bytes, Some(99));
    assert!(inv.exif.as_ref().unwrap().gps);
    assert_eq!(inv.trailing_bytes, 3);
}

#[test]
fn gif_comment_frames_and_trailer() {
    let mut b = b"GIF89a\x01\0\x01\0\x80\0\0".to_vec();
    b.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
    b.extend_from_slice(b"\x21\xFE\x05hello\x00");
    for _ in 0..2 {
        b.extend_from_slice(b"\x2C\0\0\0\0\x01\0\x01\0\0\x02\x02\x4C\x01\x00");
    }
    b.push(0x3B);
    b.extend_from_slice(b"tail");
    let inv = inventory(&b, InputFormat::Gif);
    assert!(inv.notes.is_empty(), "{:?}", inv.notes);
    assert_eq!(inv.frames, 2);
    assert_eq!(inv.trailing_bytes, 4);
    assert_eq!(inv.comments.as_ref().unwrap().first, "hello");
}

#[test]
fn bmp_trailing_bytes() {
    let mut b = vec![0u8; 70];
    b[..2].copy_from_slice(b"BM");
    b[2..6].copy_from_slice(&60u32.to_le_bytes());
    let inv = inventory(&b, InputFormat::Bmp);
    assert_eq!(inv.trailing_bytes, 10);
}

#[test]
fn tiff_file_with_camera_tags() {
    let b = exif_block(&encode_jpeg(8, 8));
    let inv = inventory(&b, InputFormat::Tiff);
    let e = inv.exif.as_ref().unwrap();
    assert!(e.gps);
    assert_eq!(e.make.as_deref(), Some("Apple"));
}

#[test]
fn every_prefix_is_survived() {
    for (b, f) in [
        (attack_jpeg(), InputFormat::Jpeg),
        (attack_png(), InputFormat::Png),
    ] {
        for n in 0..b.len() {
            let inv = inventory(&b[..n], f);
            let _ = inv.plain_words();
        }
    }
    let tiff = exif_block(&encode_jpeg(8, 8));
    for n in 0..tiff.len() {
        let _ = inventory(&tiff[..n], InputFormat::Tiff);
    }
}

#[test]
fn damaged_jpeg_keeps_what_came_before() {
    let b = attack_jpeg();
    let cut = b.len() - 2300 - 100; // inside the scan data
    let inv = inventory(&b[..cut], InputFormat::Jpeg);
    assert!(inv.exif.is_some() && inv.icc.is_some());
    assert_eq!(inv.notes.len(), 1, "{:?}", inv.notes);
    assert!(!inv.is_clean());
}

/// Many entries all pointing at the whole block: the walk stops and no value is read.
#[test]
fn exif_amplification_is_bounded() {
    let n: u16 = 12_000;
    let len = 8 + 2 + 12 * usize::from(n) + 4 + 70_000;
    let mut t = vec![0u8; len];
    t[..8].copy_from_slice(b"MM\0\x2a\0\0\0\x08");
    t[8..10].copy_from_slice(&n.to_be_bytes());
    for i in 0..usize::from(n) {
        let e = 10 + 12 * i;
        t[e..e + 2].copy_from_slice(&0x010Fu16.to_be_bytes()); // Make, ASCII
        t[e + 2..e + 4].copy_from_slice(&2u16.to_be_bytes());
        t[e + 4..e + 8].copy_from_slice(&70_000u32.to_be_bytes());
        t[e + 8..e + 12].copy_from_slice(&((len - 70_000) as u32).to_be_bytes());
    }
    let inv = inventory(&t, InputFormat::Tiff);
    assert!(
        inv.notes.iter().any(|n| n.contains("more than")),
        "{:?}",
        inv.notes
    );
    // Few entries, but each value too large to decode: skipped, not decoded.
    let mut few = t.clone();
    few[8..10].copy_from_slice(&3u16.to_be_bytes());
    few[10 + 36..10 + 40].copy_from_slice(&[0; 4]);
    let inv = inventory(&few, InputFormat::Tiff);
    assert!(
        inv.exif.is_none(),
        "the oversized Make must not be decoded: {inv:?}"
    );
}

/// Values read as kamadak-exif read them: the last of a repeated field, numbers as text,
/// BYTE integers, UserComment without its prefix, strip sizes summed.
#[test]
fn exif_values() {
    let pairs = |v: &[(i32, i32)]| -> Vec<u8> {
        v.iter()
            .flat_map(|&(n, d)| [n.to_be_bytes(), d.to_be_bytes()].concat())
            .collect()
    };
    let b = tiff(
        &[
            ascii(0x010F, "First"),
            ascii(0x010F, "Second\0third"),
            (0x0110, 5, 1, pairs(&[(7, 2)])),
            (0x013B, 10, 2, pairs(&[(-1, 3), (5, -7)])),
            (0x8298, 11, 1, 1.5f32.to_be_bytes().to_vec()),
            (0x010E, 99, 4, vec![0; 4]),
            (0x0112, 1, 1, vec![3]),
        ],
        &[(0x9286, 7, 13, b"ASCII\0\0\0Hello".to_vec())],
        &[],
        &[
            short(0x0100, 40),
            (0x0117, 4, 3, [10u32, 20, 30].map(u32::to_be_bytes).concat()),
        ],
        &[],
    );
    let mut notes = Vec::new();
    let e = read_exif(&b, false, &mut notes).summary;
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(e.make.as_deref(), Some("Second"));
    assert_eq!(e.model.as_deref(), Some("7/2"));
    assert_eq!(e.orientation, Some(3));
    let texts: Vec<(&str, &str)> = e
        .texts
        .iter()
        .map(|t| (t.name.as_str(), t.value.as_str()))
        .collect();
    let unknown = format!("unknown value (type=99, count=4, offset={:#x})", {
        let ifd0 = be32(&b, 4).unwrap() as usize;
        ifd0 + 2 + 8 // the first field in tag order
    });
    assert_eq!(
        texts,
        [
            ("ImageDescription", unknown.as_str()),
            ("Artist", "-1/3, 5/-7"),
            ("Copyright", "1.5"),
            ("UserComment", "Hello"),
        ]
    );
    let t = e.thumbnail.unwrap();
    assert_eq!((t.bytes, t.width, t.height), (60, Some(40), None));
    // Little-endian: Orientation 6, Make as a SHORT list.
    let mut le = b"II\x2a\0\x08\0\0\0\x02\0".to_vec();
    le.extend_from_slice(b"\x12\x01\x03\0\x01\0\0\0\x06\0\0\0");
    le.extend_from_slice(b"\x0F\x01\x03\0\x02\0\0\0\x01\x02\x03\x04\0\0\0\0");
    let e = read_exif(&le, false, &mut notes).summary;
    assert!(notes.is_empty(), "{notes:?}");
    assert_eq!(e.orientation, Some(6));
    assert_eq!(e.make.as_deref(), Some("513, 1027"));
}

#[test]
fn icc_descriptions() {
    assert_eq!(
        icc_description(&icc_profile(&desc_v2("Gray"))).as_deref(),
        Some("Gray")
    );
    assert_eq!(
        icc_description(&icc_profile(&desc_v4("ÄÖ P3"))).as_deref(),
        Some("ÄÖ P3")
    );
    assert_eq!(icc_description(&[0; 200]), None);
    let p = icc_profile(&desc_v4("x"));
    for n in 0..p.len() {
        let _ = icc_description(&p[..n]);
    }
}

#[test]
fn numbers_for_people() {
    assert_eq!(group_digits(2300), "2 300");
    assert_eq!(group_digits(999), "999");
    assert_eq!(group_digits(1_234_567), "1 234 567");
    assert_eq!(human_size(2150), "2.1 KB");
    for n in (1024..3 << 20)
        .step_by(97)
        .chain([1280, 1792, 2304, 2_000_000, 1 << 40])
    {
        let unit = if n < 1 << 20 { 1024.0 } else { 1048576.0 };
        let expected = format!(
            "{:.1} {}",
            n as f64 / unit,
            if n < 1 << 20 { "KB" } else { "MB" }
        );
        assert_eq!(human_size(n), expected, "{n}");
    }
    assert_eq!(human_size(12), "12 bytes");
}
