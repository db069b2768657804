//! The coefficient reader: parses a JPEG's markers and entropy-decodes every scan into quantised
//! coefficients. Baseline and extended sequential Huffman, progressive (DC/AC first and
//! refinement scans, EOBRUN), restart intervals, any sampling factors; 8-bit grey or YCbCr only.
//! Hostile input: every length, index and table is checked; truncation is an error, not zeros.
//! The header segments are read in `segments.rs`, scans in `scan.rs`, bits in `entropy.rs`.

use super::coefficients::Coefficients;
use super::decline::{corrupt, unsupported, Decline};
use super::entropy::{seq_block, Bits};
use super::huffman::Decoder;
use super::scan::decode_scan;
use super::segments::{byte, parse_frame, parse_sof, FrameComp, FrameHeader, Tables};
use crate::container::jpeg::{marker_at, segment_at, MarkerError, SegmentError};

/// One step of the marker walk from `pos` (which must hold a marker, after any fill bytes).
enum Step<'a> {
    /// EOI.
    End,
    /// A marker without contents (RSTn or TEM between segments): skipped.
    Bare,
    /// A segment: its marker and contents.
    Segment(u8, &'a [u8]),
}

/// Reads the marker at `*pos` and its segment, and moves `*pos` past them.
fn next_step<'a>(input: &'a [u8], pos: &mut usize) -> Result<Step<'a>, Decline> {
    // Find the marker: 0xFF, any fill 0xFF, then the code.
    let (marker, after) = marker_at(input, *pos).map_err(|e| {
        Decline::Corrupt(match e {
            MarkerError::NotAMarker => format!("expected a marker at byte {pos}"),
            MarkerError::EndsInMarker => "a segment is shorter than its contents".into(),
        })
    })?;
    *pos = after;
    match marker {
        0xD9 => return Ok(Step::End),
        0xD8 => return corrupt("a second start-of-image marker"),
        0xD0..=0xD7 | 0x01 => return Ok(Step::Bare),
        0x00 => return corrupt("a stray 0xFF00 between segments"),
        _ => {}
    }
    let (data, next) = segment_at(input, *pos).map_err(|e| {
        Decline::Corrupt(match e {
            SegmentError::EndsInLength => "the file ends inside a segment".into(),
            SegmentError::RunsPast => format!("segment 0x{marker:02X} runs past the end"),
        })
    })?;
    let Some(seg) = input.get(data) else {
        return corrupt(format!("segment 0x{marker:02X} runs past the end"));
    };
    *pos = next;
    Ok(Step::Segment(marker, seg))
}

/// Parses `input` into coefficients. Any marker or feature outside the supported set is an
/// `Unsupported`; any structural damage or truncation is a `Corrupt`.
pub fn read(input: &[u8]) -> Result<Coefficients, Decline> {
    if input.get(..2) != Some(&[0xFF, 0xD8]) {
        return corrupt("no start-of-image marker");
    }
    let mut t = Tables::new();
    let mut frame: Option<(Vec<FrameComp>, Coefficients)> = None;
    let mut pos = 2usize;
    loop {
        let (marker, seg) = match next_step(input, &mut pos)? {
            Step::End => break,
            Step::Bare => continue,
            Step::Segment(m, s) => (m, s),
        };
        match marker {
            0xC0..=0xC2 => {
                if frame.is_some() {
                    return corrupt("more than one frame header");
                }
                frame = Some(parse_sof(seg, marker == 0xC2, &t.qt)?);
            }
            0xDA => {
                let Some((comps, coefs)) = frame.as_mut() else {
                    return corrupt("a scan before the frame header");
                };
                // Tables referenced by a component are bound when its first scan starts.
                for (c, fc) in coefs.components.iter_mut().zip(comps.iter()) {
                    if let Some(q) = t.qt.get(fc.tq).copied().flatten() {
                        if c.quant == [0; 64] {
                            c.quant = q;
                        }
                    }
                }
                if t.rgb(comps) {
                    return unsupported("an RGB-coded JPEG (not YCbCr)");
                }
                let end = decode_scan(input, pos, seg, comps, coefs, &t.dc, &t.ac, t.restart)?;
                if t.restart != 0 {
                    coefs.restart_interval = t.restart;
                }
                pos = end;
            }
            _ => t.segment(marker, seg)?,
        }
    }
    let Some((_, coefs)) = frame else {
        return corrupt("no frame header");
    };
    if coefs.components.iter().any(|c| c.quant.contains(&0)) {
        return corrupt("a component has no (or a zero) quantisation table");
    }
    Ok(coefs)
}

/// One component of a [`Sequential`] scan: sampling factors, quantisation table, visible
/// blocks, and the Huffman tables the scan codes it with.
#[derive(Debug, Clone)]
pub struct SeqComponent {
    /// Sampling factors (1 and 1 in a one-component image).
    pub h: usize,
    pub v: usize,
    /// Quantisation table in zig-zag order.
    pub quant: [u16; 64],
    /// Blocks that hold visible pixels, across and down.
    pub vis_w: usize,
    pub vis_h: usize,
    dc: Decoder,
    ac: Decoder,
}

/// A sequential JPEG whose first scan carries every component, opened for random access: the
/// tables and layout of that scan and where its entropy-coded data starts. Nothing is decoded
/// up front and no coefficients are stored; [`Sequential::decode`] entropy-decodes any run of
/// units from a point where DC prediction restarts (the scan's start, or just after a restart
/// marker), so a caller can decode the restart intervals it needs and skip the rest.
#[derive(Debug, Clone)]
pub struct Sequential {
    pub width: u32,
    pub height: u32,
    /// Largest sampling factors.
    pub hmax: usize,
    pub vmax: usize,
    /// In frame order, which is also the scan's order.
    pub components: Vec<SeqComponent>,
    /// Units between restart markers (0: none).
    pub restart_interval: u16,
    /// Units across and down: MCUs of an interleaved scan, blocks of a one-component scan.
    pub units: (usize, usize),
    /// Offset of the first byte of the scan's entropy-coded data.
    pub data_start: usize,
}

/// Opens `input` for random access ([`Sequential`]) when it is a sequential Huffman JPEG
/// (SOF0/SOF1) whose first scan carries every component of the frame, as Occlude's own writers
/// produce. Reads the markers up to that scan only: the caller checks that no second scan
/// follows. `Unsupported` for anything else (progressive, a scan per component, RGB, …).
pub fn open_sequential(input: &[u8]) -> Result<Sequential, Decline> {
    if input.get(..2) != Some(&[0xFF, 0xD8]) {
        return corrupt("no start-of-image marker");
    }
    let mut t = Tables::new();
    let mut frame: Option<FrameHeader> = None;
    let mut pos = 2usize;
    loop {
        let (marker, seg) = match next_step(input, &mut pos)? {
            Step::End => return corrupt("no scan"),
            Step::Bare => continue,
            Step::Segment(m, s) => (m, s),
        };
        match marker {
            0xC0 | 0xC1 => {
                if frame.is_some() {
                    return corrupt("more than one frame header");
                }
                frame = Some(parse_frame(seg)?);
            }
            0xC2 => return unsupported("a progressive JPEG"),
            0xDA => {
                let Some(f) = frame else {
                    return corrupt("a scan before the frame header");
                };
                return sequential_scan(f, seg, &t, pos);
            }
            _ => t.segment(marker, seg)?,
        }
    }
}

/// Builds the [`Sequential`] view of the scan whose header is `seg` and whose data starts at
/// `data_start`.
fn sequential_scan(
    f: FrameHeader,
    seg: &[u8],
    t: &Tables,
    data_start: usize,
) -> Result<Sequential, Decline> {
    let n = f.comps.len();
    let ns = usize::from(byte(seg, 0)?);
    if seg.len() != 4 + 2 * ns {
        return corrupt("scan header has the wrong length");
    }
    if ns != n {
        return unsupported("a scan that does not carry every component");
    }
    if (
        byte(seg, 1 + 2 * ns)?,
        byte(seg, 2 + 2 * ns)?,
        byte(seg, 3 + 2 * ns)?,
    ) != (0, 63, 0)
    {
        return corrupt("a sequential scan with a spectral selection");
    }
    if t.rgb(&f.comps) {
        return unsupported("an RGB-coded JPEG (not YCbCr)");
    }
    if n > 1 && f.comps.iter().map(|c| c.h * c.v).sum::<usize>() > 10 {
        return corrupt("more than 10 blocks in an MCU");
    }
    let mut components = Vec::with_capacity(n);
    for (i, fc) in f.comps.iter().enumerate() {
        // Interleaved scans name the components in frame order.
        if byte(seg, 1 + 2 * i)? != fc.id {
            return unsupported("a scan whose components are not in frame order");
        }
        let sel = byte(seg, 2 + 2 * i)?;
        let (Some(dc), Some(ac)) = (
            t.dc.get(usize::from(sel >> 4)).cloned().flatten(),
            t.ac.get(usize::from(sel & 15)).cloned().flatten(),
        ) else {
            return corrupt("a scan uses a Huffman table that was never defined");
        };
        let Some(quant) = t.qt.get(fc.tq).copied().flatten() else {
            return corrupt("a component has no quantisation table");
        };
        let (vis_w, vis_h) = f.visible_blocks(fc);
        components.push(SeqComponent {
            h: fc.h,
            v: fc.v,
            quant,
            vis_w,
            vis_h,
            dc,
            ac,
        });
    }
    let units = match components.as_slice() {
        [one] => (one.vis_w, one.vis_h),
        _ => f.mcus(),
    };
    Ok(Sequential {
        width: f.width,
        height: f.height,
        hmax: f.hmax,
        vmax: f.vmax,
        components,
        restart_interval: t.restart,
        units,
        data_start,
    })
}

impl Sequential {
    /// Entropy-decodes `count` units from unit `first` (row-major) out of `data`, which must
    /// begin where DC prediction restarts and end where the next marker begins. Calls
    /// `visit(component, bx, by, block)` for every block (coefficients in zig-zag order).
    /// Returns whether `data` ends right after those units with at most seven one-bits of
    /// padding: true when the units are a whole restart interval, encoded exactly.
    pub fn decode<F>(
        &self,
        data: &[u8],
        first: usize,
        count: usize,
        mut visit: F,
    ) -> Result<bool, Decline>
    where
        F: FnMut(usize, usize, usize, &[i16; 64]) -> Result<(), Decline>,
    {
        let (across, down) = self.units;
        let total = across.checked_mul(down).unwrap_or(0);
        let Some(end) = first.checked_add(count).filter(|&e| e <= total) else {
            return corrupt("units outside the image");
        };
        let single = self.components.len() == 1;
        let mut bits = Bits::new(data, 0);
        let mut pred = [0i32; 4];
        for u in first..end {
            let (ux, uy) = (u % across, u / across);
            for (i, c) in self.components.iter().enumerate() {
                let (h, v) = if single { (1, 1) } else { (c.h, c.v) };
                let Some(p) = pred.get_mut(i) else {
                    return corrupt("more than four components");
                };
                for y in 0..v {
                    for x in 0..h {
                        let mut block = [0i16; 64];
                        seq_block(&mut bits, &mut block, &c.dc, &c.ac, p)?;
                        visit(i, ux * h + x, uy * v + y, &block)?;
                    }
                }
            }
        }
        Ok(bits.at_end())
    }
}
