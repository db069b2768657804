//! The JPEG marker structure, read without decoding anything: where each segment sits, where
//! each scan's entropy-coded data and its restart markers are, and where the image really ends.
//!
//! Two modes over the same marker reading ([`marker_at`], [`segment_at`]) and the same scan-data
//! scanner ([`scan_data`]):
//! - strict, [`walk`]: SOI to EOI, every segment and scan; any break is an error saying where;
//! - tolerant, [`header_segments`]: the segments before the first scan, stopping quietly at the
//!   first damage (for metadata and the frame header of a file that is cut or damaged later).
//!
//! The coefficient reader (`codec::jpeg::reader`) reads its markers with the same two
//! functions and finds the end of each scan with [`scan_data`]; [`first_frame`] is the one place
//! the frame header is looked for.

use std::ops::Range;

/// One marker segment. `data` is the payload after the two length bytes (empty for markers
/// without a length); entropy-coded scan data is not part of a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub marker: u8,
    pub data: Range<usize>,
}

/// A restart marker inside entropy-coded data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restart {
    /// 0–7 (RST0–RST7).
    pub n: u8,
    /// Where the interval before it ends (its first 0xFF, fill bytes included).
    pub at: usize,
    /// Where the interval after it starts.
    pub next: usize,
}

/// The entropy-coded data of one scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scan {
    pub start: usize,
    /// Where the marker that ends the scan begins (its first 0xFF, fill bytes included).
    pub end: usize,
    pub restarts: Vec<Restart>,
    /// The first place where fill bytes (0xFF 0xFF …) come before a stuffed 0xFF00, which a
    /// strict reader refuses (the verifier does); `None` when there is none.
    pub fill_before_stuffing: Option<usize>,
}

/// The segments and scans of a whole JPEG and the offset just past its EOI marker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    pub segments: Vec<Segment>,
    pub scans: Vec<Scan>,
    /// Offset just after EOI; `bytes.len() - end` bytes trail the image.
    pub end: usize,
}

/// Why no marker could be read at a position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkerError {
    /// The byte there is not 0xFF.
    NotAMarker,
    /// The file ends after the 0xFF (and any fill bytes).
    EndsInMarker,
}

/// Why a segment's length does not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SegmentError {
    /// The file ends inside the two length bytes.
    EndsInLength,
    /// The length is below 2 or runs past the end of the file.
    RunsPast,
}

/// The marker at `pos`: its code and the offset just after it, any fill bytes (0xFF 0xFF …)
/// before the code skipped.
pub fn marker_at(b: &[u8], pos: usize) -> Result<(u8, usize), MarkerError> {
    if b.get(pos) != Some(&0xFF) {
        return Err(MarkerError::NotAMarker);
    }
    let mut m = pos + 1;
    while b.get(m) == Some(&0xFF) {
        m += 1;
    }
    match b.get(m) {
        Some(&code) => Ok((code, m + 1)),
        None => Err(MarkerError::EndsInMarker),
    }
}

/// The payload of the segment whose length field starts at `at` (just after its marker), and
/// the offset just past the segment.
pub fn segment_at(b: &[u8], at: usize) -> Result<(Range<usize>, usize), SegmentError> {
    let len = b
        .get(at..at + 2)
        .map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])))
        .ok_or(SegmentError::EndsInLength)?;
    if len < 2 || at + len > b.len() {
        return Err(SegmentError::RunsPast);
    }
    Ok((at + 2..at + len, at + len))
}

/// Walks a JPEG from SOI to EOI, recording each scan's restart markers. Errors say where the
/// structure broke.
pub fn walk(b: &[u8]) -> Result<Walk, String> {
    if b.get(..2) != Some(&[0xFF, 0xD8]) {
        return Err("no JPEG start-of-image marker".into());
    }
    let mut segments = vec![Segment {
        marker: 0xD8,
        data: 2..2,
    }];
    let mut scans = Vec::new();
    let mut pos = 2usize;
    loop {
        let offset = pos;
        let (marker, after) = marker_at(b, pos).map_err(|e| match e {
            MarkerError::NotAMarker => format!("expected a marker at byte {pos}"),
            MarkerError::EndsInMarker => "file ends inside a marker".to_string(),
        })?;
        pos = after;
        match marker {
            0xD9 => {
                segments.push(Segment {
                    marker,
                    data: pos..pos,
                });
                return Ok(Walk {
                    segments,
                    scans,
                    end: pos,
                });
            }
            0x01 | 0xD0..=0xD7 => {
                segments.push(Segment {
                    marker,
                    data: pos..pos,
                });
                continue;
            }
            0x00 => return Err(format!("stray 0xFF00 at byte {offset}")),
            _ => {}
        }
        let (data, next) = segment_at(b, pos).map_err(|e| match e {
            SegmentError::EndsInLength => "file ends inside a segment length".to_string(),
            SegmentError::RunsPast => {
                format!("segment 0x{marker:02X} at byte {offset} runs past the end")
            }
        })?;
        segments.push(Segment { marker, data });
        pos = next;
        if marker == 0xDA {
            let scan = scan_data(b, pos)?;
            pos = scan.end;
            scans.push(scan);
        }
    }
}

/// Scans entropy-coded data from `start` to the marker that ends it, recording restart markers.
pub fn scan_data(b: &[u8], start: usize) -> Result<Scan, String> {
    let mut restarts = Vec::new();
    let mut fill_before_stuffing = None;
    let mut pos = start;
    loop {
        let ff = find_ff(b, pos).ok_or("file ends inside scan data (no end-of-image marker)")?;
        // Fill bytes (0xFF 0xFF …) may precede a marker.
        let mut code_at = ff + 1;
        while b.get(code_at) == Some(&0xFF) {
            code_at += 1;
        }
        match b.get(code_at) {
            None => return Err("file ends inside scan data".into()),
            Some(0x00) => {
                if code_at != ff + 1 && fill_before_stuffing.is_none() {
                    fill_before_stuffing = Some(ff);
                }
                pos = code_at + 1;
            }
            Some(&m @ 0xD0..=0xD7) => {
                restarts.push(Restart {
                    n: m - 0xD0,
                    at: ff,
                    next: code_at + 1,
                });
                pos = code_at + 1;
            }
            Some(_) => {
                return Ok(Scan {
                    start,
                    end: ff,
                    restarts,
                    fill_before_stuffing,
                })
            }
        }
    }
}

/// The first 0xFF at or after `from`, eight bytes at a time (0xFF is rare in entropy-coded
/// data: stuffed 0xFF00 pairs and markers only).
pub fn find_ff(b: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let rest = b.get(from..)?;
    let mut chunks = rest.chunks_exact(8);
    let mut i = 0usize;
    for c in chunks.by_ref() {
        if let Ok(a) = <[u8; 8]>::try_from(c) {
            // 0xFF bytes become 0x00; the lowest flagged byte is always a true zero.
            let x = !u64::from_le_bytes(a);
            let t = x.wrapping_sub(ONES) & !x & HIGHS;
            if t != 0 {
                return Some(from + i + (t.trailing_zeros() / 8) as usize);
            }
        }
        i += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&x| x == 0xFF)
        .map(|k| from + i + k)
}

/// The marker segments before the first scan, as (marker, payload range), stopping quietly at
/// any damage. Used where the full walk fails or is not needed (metadata, the frame header,
/// thumbnails whose scan data may be cut).
pub fn header_segments(b: &[u8]) -> Vec<(u8, Range<usize>)> {
    let mut out = Vec::new();
    if b.get(..2) != Some(&[0xFF, 0xD8]) {
        return out;
    }
    let mut pos = 2usize;
    while let Ok((marker, start)) = marker_at(b, pos) {
        match marker {
            0x01 | 0xD0..=0xD7 => {
                pos = start;
                continue;
            }
            0x00 | 0xD8 | 0xD9 | 0xDA => break,
            _ => {}
        }
        let Ok((data, end)) = segment_at(b, start) else {
            break;
        };
        out.push((marker, data));
        pos = end;
    }
    out
}

/// True for the start-of-frame markers SOF0–SOF15 (0xC0–0xCF but DHT, JPG and DAC).
pub fn is_frame_marker(m: u8) -> bool {
    (0xC0..=0xCF).contains(&m) && !matches!(m, 0xC4 | 0xC8 | 0xCC)
}

/// A frame header (SOFn) as declared, read without judging it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<'a> {
    pub marker: u8,
    /// The segment's payload: precision, height, width, component count, components.
    pub payload: &'a [u8],
}

impl Frame<'_> {
    /// Stored width and height; `None` when the header is cut short.
    pub fn size(&self) -> Option<(u32, u32)> {
        match self.payload.get(1..5) {
            Some(&[h0, h1, w0, w1]) => Some((
                u32::from(u16::from_be_bytes([w0, w1])),
                u32::from(u16::from_be_bytes([h0, h1])),
            )),
            _ => None,
        }
    }

    /// The number of components the header declares.
    pub fn component_count(&self) -> Option<usize> {
        self.payload.get(5).map(|&n| usize::from(n))
    }

    /// Each declared component's (id, horizontal and vertical sampling factor, quantisation
    /// table); `None` when the header is shorter than the count it declares.
    pub fn components(&self) -> Option<impl Iterator<Item = (u8, u8, u8, u8)> + '_> {
        let n = self.component_count()?;
        let all = self.payload.get(6..6 + 3 * n)?;
        Some(
            all.chunks_exact(3)
                .map(|c| (c[0], c[1] >> 4, c[1] & 15, c[2])),
        )
    }
}

/// The frame header before the first scan, if any: the one place a JPEG's frame header is
/// looked for (its size for inspect, its layout for the lossless path, a thumbnail's size).
pub fn first_frame(b: &[u8]) -> Option<Frame<'_>> {
    header_segments(b)
        .into_iter()
        .find(|(m, _)| is_frame_marker(*m))
        .and_then(|(marker, r)| {
            Some(Frame {
                marker,
                payload: b.get(r)?,
            })
        })
}

/// A marker's name as the verifier's report lists it ("SOI", "DQT", "SOF0", "APP1", …).
pub fn marker_name(m: u8) -> String {
    match m {
        0xD8 => "SOI".into(),
        0xD9 => "EOI".into(),
        0xDB => "DQT".into(),
        0xC4 => "DHT".into(),
        0xDD => "DRI".into(),
        0xDA => "SOS".into(),
        0xE0 => "APP0".into(),
        0xC0..=0xCF => format!("SOF{}", m - 0xC0),
        0xD0..=0xD7 => format!("RST{}", m - 0xD0),
        0xE1..=0xEF => format!("APP{}", m - 0xE0),
        0xFE => "COM".into(),
        other => format!("0x{other:02X}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_skips_scan_data_and_finds_eoi() {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xFE, 0, 4, b'h', b'i'];
        b.extend_from_slice(&[
            0xFF, 0xDA, 0, 2, 1, 0xFF, 0x00, 2, 0xFF, 0xD0, 3, 0xFF, 0xD9,
        ]);
        let end = b.len();
        b.extend_from_slice(&[9, 9, 9]);
        let w = walk(&b).unwrap();
        assert_eq!(w.end, end);
        let markers: Vec<u8> = w.segments.iter().map(|s| s.marker).collect();
        assert_eq!(markers, [0xD8, 0xFE, 0xDA, 0xD9]);
        assert_eq!(&b[w.segments[1].data.clone()], b"hi");
        let scan = &w.scans[0];
        assert_eq!((scan.start, scan.end), (12, 19));
        assert_eq!(
            scan.restarts,
            [Restart {
                n: 0,
                at: 16,
                next: 18
            }]
        );
        assert_eq!(scan.fill_before_stuffing, None);
        assert!(walk(&b[..end - 1]).is_err());
    }

    #[test]
    fn fill_bytes_before_stuffing_are_noted_not_fatal() {
        let b = [
            0xFF, 0xD8, 0xFF, 0xDA, 0, 2, 1, 0xFF, 0xFF, 0x00, 2, 0xFF, 0xFF, 0xD9,
        ];
        let w = walk(&b).unwrap();
        assert_eq!(w.end, b.len());
        assert_eq!(w.scans[0].fill_before_stuffing, Some(7));
        assert_eq!(w.scans[0].end, 11);
    }

    #[test]
    fn header_segments_stop_quietly_and_find_the_frame() {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, 4, b'h', b'i'];
        b.extend_from_slice(&[0xFF, 0xC2, 0, 11, 8, 0, 64, 0, 96, 1, 1, 0x22, 0]);
        let whole = b.len();
        b.extend_from_slice(&[0xFF, 0xDA, 0, 99]);
        let segs = header_segments(&b);
        assert_eq!(segs.len(), 2);
        let f = first_frame(&b).unwrap();
        assert_eq!((f.marker, f.size()), (0xC2, Some((96, 64))));
        let comps: Vec<_> = f.components().unwrap().collect();
        assert_eq!(comps, [(1, 2, 2, 0)]);
        // Cut inside the frame header: only what came before it.
        assert_eq!(header_segments(&b[..whole - 1]).len(), 1);
        assert_eq!(first_frame(&b[..whole - 1]), None);
    }

    #[test]
    fn find_ff_agrees_with_a_plain_search() {
        let mut s = 1u32;
        for len in 0..70 {
            let mut b: Vec<u8> = (0..len)
                .map(|_| {
                    s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                    (s >> 24) as u8 & 0xFE
                })
                .collect();
            for from in 0..=len {
                assert_eq!(find_ff(&b, from), None);
            }
            for at in 0..len {
                b[at] = 0xFF;
                for from in 0..=len {
                    let want = b[from..].iter().position(|&x| x == 0xFF).map(|k| from + k);
                    assert_eq!(find_ff(&b, from), want, "len {len} at {at} from {from}");
                }
            }
        }
        assert_eq!(find_ff(&[1, 2], 5), None);
    }
}
