//! The coefficient reader: parses a JPEG's markers and entropy-decodes every scan into quantised
//! coefficients. Baseline and extended sequential Huffman, progressive (DC/AC first and
//! refinement scans, EOBRUN), restart intervals, any sampling factors; 8-bit grey or YCbCr only.
//! Hostile input: every length, index and table is checked; truncation is an error, not zeros.

use super::coefficients::{Coefficients, Component};
use super::decline::{corrupt, unsupported, Decline};
use super::huffman::{Decoder, Spec, FAST_BITS};
use crate::container::jpeg::{marker_at, scan_data, segment_at, MarkerError, SegmentError};

/// Component as declared in SOF, before storage is allocated.
#[derive(Debug, Clone, Copy)]
struct FrameComp {
    id: u8,
    h: usize,
    v: usize,
    tq: usize,
}

#[derive(Debug, Clone, Copy)]
struct ScanComp {
    /// Index into the frame's components.
    index: usize,
    dc: usize,
    ac: usize,
}

/// Reads big-endian u16 at `pos`.
fn be16(b: &[u8], pos: usize) -> Result<usize, Decline> {
    match b.get(pos..pos + 2) {
        Some(v) => Ok(usize::from(u16::from_be_bytes([v[0], v[1]]))),
        None => corrupt("the file ends inside a segment"),
    }
}

fn byte(b: &[u8], pos: usize) -> Result<u8, Decline> {
    match b.get(pos) {
        Some(&v) => Ok(v),
        None => corrupt("a segment is shorter than its contents"),
    }
}

/// Tables and settings defined by the segments before a scan.
struct Tables {
    qt: [Option<[u16; 64]>; 4],
    dc: [Option<Decoder>; 4],
    ac: [Option<Decoder>; 4],
    restart: u16,
    adobe_transform: Option<u8>,
}

impl Tables {
    fn new() -> Tables {
        Tables {
            qt: [None; 4],
            dc: [None, None, None, None],
            ac: [None, None, None, None],
            restart: 0,
            adobe_transform: None,
        }
    }

    /// Takes in a table or settings segment (DQT, DHT, DRI, Adobe APP14) and refuses the
    /// markers of coding processes this reader does not support. Frame and scan headers are the
    /// caller's; APPn, COM and the like are skipped, never carried over.
    fn segment(&mut self, marker: u8, seg: &[u8]) -> Result<(), Decline> {
        match marker {
            0xC3 | 0xC5..=0xC7 | 0xCB | 0xCD..=0xCF => unsupported("lossless or hierarchical JPEG"),
            0xC9 | 0xCA | 0xCC => unsupported("arithmetic-coded JPEG"),
            0xC8 | 0xF0..=0xFD => unsupported(format!("marker 0x{marker:02X}")),
            0xDC => unsupported("a DNL marker (height defined after the scan)"),
            0xDE | 0xDF => unsupported("hierarchical JPEG"),
            0xDB => parse_dqt(seg, &mut self.qt),
            0xC4 => parse_dht(seg, &mut self.dc, &mut self.ac),
            0xDD => {
                if seg.len() != 2 {
                    return corrupt("restart interval segment has the wrong length");
                }
                self.restart = be16(seg, 0)? as u16;
                Ok(())
            }
            // Adobe APP14: the transform byte says whether three components are YCbCr (1) or
            // RGB (0).
            0xEE if seg.len() >= 12 && seg.starts_with(b"Adobe") => {
                self.adobe_transform = seg.get(11).copied();
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// True when three components are RGB rather than YCbCr (Adobe transform 0, or ids R G B).
    fn rgb(&self, comps: &[FrameComp]) -> bool {
        comps.len() == 3
            && (self.adobe_transform == Some(0) || comps.iter().map(|c| c.id).eq(*b"RGB"))
    }
}

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

fn parse_dqt(mut d: &[u8], qt: &mut [Option<[u16; 64]>; 4]) -> Result<(), Decline> {
    while let Some(&pq_tq) = d.first() {
        let (wide, id) = (pq_tq >> 4, usize::from(pq_tq & 15));
        if wide > 1 || id > 3 {
            return corrupt("bad quantisation table header");
        }
        let size = if wide == 1 { 128 } else { 64 };
        let Some(t) = d.get(1..1 + size) else {
            return corrupt("quantisation table is short");
        };
        let mut q = [0u16; 64];
        for (k, v) in q.iter_mut().enumerate() {
            *v = if wide == 1 {
                u16::from_be_bytes([t[2 * k], t[2 * k + 1]])
            } else {
                u16::from(t[k])
            };
        }
        if q.contains(&0) {
            return corrupt("quantisation table has a zero step");
        }
        if let Some(slot) = qt.get_mut(id) {
            *slot = Some(q);
        }
        d = &d[1 + size..];
    }
    Ok(())
}

fn parse_dht(
    mut d: &[u8],
    dc: &mut [Option<Decoder>; 4],
    ac: &mut [Option<Decoder>; 4],
) -> Result<(), Decline> {
    while let Some(&tc_th) = d.first() {
        let (class, id) = (tc_th >> 4, usize::from(tc_th & 15));
        if class > 1 || id > 3 {
            return corrupt("bad Huffman table header");
        }
        let Some(counts) = d.get(1..17) else {
            return corrupt("Huffman table is short");
        };
        let mut bits = [0u8; 16];
        bits.copy_from_slice(counts);
        let n: usize = bits.iter().map(|&b| usize::from(b)).sum();
        let Some(values) = d.get(17..17 + n) else {
            return corrupt("Huffman table is short");
        };
        let spec = Spec {
            bits,
            values: values.to_vec(),
        };
        let dec = Decoder::new(&spec)?;
        let slot = if class == 0 { &mut dc[id] } else { &mut ac[id] };
        *slot = Some(dec);
        d = &d[17 + n..];
    }
    Ok(())
}

/// A frame header as declared, before any coefficient storage is allocated.
struct FrameHeader {
    comps: Vec<FrameComp>,
    width: u32,
    height: u32,
    hmax: usize,
    vmax: usize,
}

impl FrameHeader {
    /// MCUs across and down.
    fn mcus(&self) -> (usize, usize) {
        (
            self.width.div_ceil(8 * self.hmax as u32) as usize,
            self.height.div_ceil(8 * self.vmax as u32) as usize,
        )
    }

    /// Blocks that hold visible pixels in component `c`, across and down.
    fn visible_blocks(&self, c: &FrameComp) -> (usize, usize) {
        let cw = (self.width as usize * c.h).div_ceil(self.hmax);
        let ch = (self.height as usize * c.v).div_ceil(self.vmax);
        (cw.div_ceil(8), ch.div_ceil(8))
    }
}

fn parse_sof(
    seg: &[u8],
    progressive: bool,
    qt: &[Option<[u16; 64]>; 4],
) -> Result<(Vec<FrameComp>, Coefficients), Decline> {
    let f = parse_frame(seg)?;
    let (mcux, mcuy) = f.mcus();
    let mut components = Vec::with_capacity(f.comps.len());
    for c in &f.comps {
        let (bw, bh) = (mcux * c.h, mcuy * c.v);
        let (vis_w, vis_h) = f.visible_blocks(c);
        let total = bw
            .checked_mul(bh)
            .and_then(|b| b.checked_mul(64))
            .ok_or(Decline::Corrupt("image too large".into()))?;
        components.push(Component {
            h: c.h,
            v: c.v,
            quant: qt.get(c.tq).copied().flatten().unwrap_or([0; 64]),
            bw,
            bh,
            vis_w,
            vis_h,
            coefs: vec![0i16; total],
        });
    }
    Ok((
        f.comps,
        Coefficients {
            width: f.width,
            height: f.height,
            components,
            hmax: f.hmax,
            vmax: f.vmax,
            progressive,
            restart_interval: 0,
        },
    ))
}

/// Parses and checks a frame header (SOF0–2) without allocating coefficient storage.
fn parse_frame(seg: &[u8]) -> Result<FrameHeader, Decline> {
    let precision = byte(seg, 0)?;
    if precision != 8 {
        return unsupported(format!("{precision}-bit samples (only 8-bit)"));
    }
    let height = be16(seg, 1)? as u32;
    let width = be16(seg, 3)? as u32;
    let n = usize::from(byte(seg, 5)?);
    if seg.len() != 6 + 3 * n {
        return corrupt("frame header has the wrong length");
    }
    if height == 0 {
        return unsupported("height 0 (defined by a DNL marker)");
    }
    if width == 0 {
        return corrupt("width 0");
    }
    match n {
        1 | 3 => {}
        4 => return unsupported("a four-component (CMYK/YCCK) JPEG"),
        _ => return unsupported(format!("{n} colour components")),
    }
    crate::ground::limits::check_size(width, height).map_err(Decline::Fatal)?;
    let mut comps = Vec::with_capacity(n);
    for i in 0..n {
        let id = byte(seg, 6 + 3 * i)?;
        let hv = byte(seg, 7 + 3 * i)?;
        let tq = usize::from(byte(seg, 8 + 3 * i)?);
        let (h, v) = (usize::from(hv >> 4), usize::from(hv & 15));
        if !(1..=4).contains(&h) || !(1..=4).contains(&v) || tq > 3 {
            return corrupt("bad sampling factors or table number");
        }
        if comps.iter().any(|c: &FrameComp| c.id == id) {
            return corrupt("two components share an id");
        }
        // In a one-component frame the MCU is one block whatever the factors say.
        let (h, v) = if n == 1 { (1, 1) } else { (h, v) };
        comps.push(FrameComp { id, h, v, tq });
    }
    let hmax = comps.iter().map(|c| c.h).max().unwrap_or(1);
    let vmax = comps.iter().map(|c| c.v).max().unwrap_or(1);
    for c in &comps {
        // Sampling factors that do not divide the maximum (e.g. 3 and 2) are legal but rare and
        // decoders disagree on them.
        if hmax % c.h != 0 || vmax % c.v != 0 {
            return unsupported("sampling factors that do not divide the largest one");
        }
    }
    Ok(FrameHeader {
        comps,
        width,
        height,
        hmax,
        vmax,
    })
}

/// The entropy-coded data reader: removes byte stuffing, stops at markers, and counts how many
/// bits past the real data were asked for (which is an error: truncated or damaged data).
/// `Copy`, so a block decoder can work on a local copy held in registers.
#[derive(Clone, Copy)]
struct Bits<'a> {
    data: &'a [u8],
    pos: usize,
    acc: u64,
    /// Valid bits in `acc` (left-aligned).
    n: u32,
    /// Of those, how many at the tail are zero padding past a marker or the end.
    pad: u32,
    /// A marker (or the end of the data) has been reached.
    stopped: bool,
}

impl<'a> Bits<'a> {
    fn new(data: &'a [u8], pos: usize) -> Bits<'a> {
        Bits {
            data,
            pos,
            acc: 0,
            n: 0,
            pad: 0,
            stopped: false,
        }
    }

    /// Fills the buffer to at least 56 bits: eight bytes at a time when none of the bytes taken
    /// is 0xFF (no stuffing, no marker), else byte by byte.
    #[inline(always)]
    fn refill(&mut self) {
        if let Some(chunk) = self.data.get(self.pos..).and_then(|r| r.first_chunk::<8>()) {
            let x = u64::from_be_bytes(*chunk);
            let take = (63 - self.n) >> 3;
            let keep = !(u64::MAX >> (take * 8));
            // A byte of x is 0xFF when the same byte of !x is zero (may also flag the bytes
            // before a real one: that only sends them the slow way).
            let t = !x;
            let ff = t.wrapping_sub(0x0101_0101_0101_0101) & !t & 0x8080_8080_8080_8080;
            if ff & keep == 0 {
                self.acc |= (x & keep) >> self.n;
                self.n += take * 8;
                self.pos += take as usize;
                return;
            }
        }
        *self = self.refill_bytes();
    }

    /// By value, so that the caller's copy never has its address taken.
    #[inline(never)]
    fn refill_bytes(mut self) -> Self {
        while self.n <= 56 {
            let b = if self.stopped {
                self.pad += 8;
                0
            } else {
                match self.data.get(self.pos) {
                    Some(&0xFF) if self.data.get(self.pos + 1) == Some(&0) => {
                        self.pos += 2;
                        0xFF
                    }
                    Some(&0xFF) => {
                        self.stopped = true;
                        self.pad += 8;
                        0
                    }
                    Some(&b) => {
                        self.pos += 1;
                        b
                    }
                    None => {
                        self.stopped = true;
                        self.pad += 8;
                        0
                    }
                }
            };
            self.acc |= u64::from(b) << (56 - self.n);
            self.n += 8;
        }
        self
    }

    #[inline]
    fn peek(&mut self, k: u32) -> u32 {
        if self.n < k {
            self.refill();
        }
        (self.acc >> (64 - k)) as u32
    }

    #[inline]
    fn consume(&mut self, k: u32) -> Result<(), Decline> {
        self.acc <<= k;
        self.n -= k;
        if self.n < self.pad {
            return corrupt("the scan data ends early (truncated or damaged)");
        }
        Ok(())
    }

    #[inline]
    fn get(&mut self, k: u32) -> Result<u32, Decline> {
        if k == 0 {
            return Ok(0);
        }
        let v = self.peek(k);
        self.consume(k)?;
        Ok(v)
    }

    /// Reads `s` extra bits and sign-extends them (JPEG "receive and extend").
    #[inline]
    fn extend(&mut self, s: u32) -> Result<i32, Decline> {
        if s == 0 {
            return Ok(0);
        }
        let v = self.get(s)? as i32;
        // Top bit clear means negative: v − 2^s + 1 (branch-free: signs are unpredictable).
        let negative = ((v >> (s - 1)) & 1) - 1;
        Ok(v + (negative & (1 - (1 << s))))
    }

    #[inline(always)]
    fn decode(&mut self, t: &Decoder) -> Result<u8, Decline> {
        if self.n < 16 {
            self.refill();
        }
        let sym = self.symbol(t)?;
        if self.n < self.pad {
            return corrupt("the scan data ends early (truncated or damaged)");
        }
        Ok(sym)
    }

    // The unchecked readers of sequential blocks: the caller keeps at least 32 bits buffered
    // (`n >= 32` before each symbol and its extra bits, at most 27 bits), and checks once per
    // block that no padding past the data was read (`n >= pad`: once the data has stopped,
    // `n − pad` only falls, so the block's end is where it is lowest).

    /// Drops `k` bits (`k <= n`).
    #[inline(always)]
    fn skip(&mut self, k: u32) {
        self.acc <<= k;
        self.n -= k;
    }

    /// Decodes one Huffman symbol; needs 16 bits buffered.
    #[inline(always)]
    fn symbol(&mut self, t: &Decoder) -> Result<u8, Decline> {
        let e = t.fast[(self.acc >> (64 - FAST_BITS)) as usize];
        if e != 0 {
            self.skip(u32::from(e >> 8));
            return Ok(e as u8);
        }
        let (sym, len) = long_code(self.acc, t)?;
        self.skip(len);
        Ok(sym)
    }

    /// Reads `s` (0–16) extra bits and sign-extends them; needs `s` bits buffered.
    #[inline(always)]
    fn value(&mut self, s: u32) -> i32 {
        let v = (self.acc.rotate_left(s) as u32 & ((1u32 << s) - 1)) as i32;
        self.skip(s);
        // Below half the range means negative: v − 2^s + 1 (branch-free).
        let negative = (v - ((1 << s) >> 1)) >> 31;
        v + (negative & (1 - (1 << s)))
    }

    /// Whether padding past the end of the data was read.
    #[inline(always)]
    fn overran(&self) -> bool {
        self.n < self.pad
    }

    /// Drops the buffered bits and moves to the restart marker that must come next.
    fn restart(&mut self, expect: u8) -> Result<(), Decline> {
        // Bits still buffered must be the byte's padding; bytes are never read past a marker.
        self.acc = 0;
        self.n = 0;
        self.pad = 0;
        self.stopped = false;
        while self.data.get(self.pos) == Some(&0xFF) && self.data.get(self.pos + 1) == Some(&0xFF) {
            self.pos += 1;
        }
        if self.data.get(self.pos) == Some(&0xFF) && self.data.get(self.pos + 1) == Some(&expect) {
            self.pos += 2;
            Ok(())
        } else {
            corrupt("a restart marker is missing or out of order")
        }
    }

    /// True when every byte of the data has been read and what is left over is at most seven
    /// one-bits of padding (the byte alignment before a marker).
    fn at_end(&mut self) -> bool {
        if !self.stopped && self.n <= 56 {
            self.refill();
        }
        let real = self.n.saturating_sub(self.pad);
        if !(self.stopped && self.pos >= self.data.len() && real < 8) {
            return false;
        }
        real == 0 || (self.acc >> (64 - real)) == (1u64 << real) - 1
    }

    /// The offset of the marker that ends the scan (skipping any stray bytes before it).
    fn end(&self) -> Result<usize, Decline> {
        match scan_data(self.data, self.pos) {
            Ok(scan) => Ok(scan.end),
            Err(_) => corrupt("the file ends inside scan data"),
        }
    }
}

/// A code longer than [`FAST_BITS`] (or none) at the top of `acc`: the canonical comparison per
/// length. Returns the symbol and the code's length.
#[inline(never)]
fn long_code(acc: u64, t: &Decoder) -> Result<(u8, u32), Decline> {
    let p = (acc >> 48) as i32;
    for l in (FAST_BITS + 1)..=16 {
        let code = p >> (16 - l);
        let (Some(&max), Some(&off)) = (t.maxcode.get(l as usize), t.offset.get(l as usize)) else {
            break;
        };
        if code <= max {
            let i = code + off;
            return match t.values.get(i as usize) {
                Some(&v) if i >= 0 => Ok((v, l)),
                _ => corrupt("a Huffman code outside its table"),
            };
        }
    }
    corrupt("an invalid Huffman code")
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sequential,
    DcFirst,
    DcRefine,
    AcFirst,
    AcRefine,
}

#[allow(clippy::too_many_arguments)]
fn decode_scan(
    input: &[u8],
    data_pos: usize,
    seg: &[u8],
    comps: &[FrameComp],
    img: &mut Coefficients,
    dc_tables: &[Option<Decoder>; 4],
    ac_tables: &[Option<Decoder>; 4],
    restart: u16,
) -> Result<usize, Decline> {
    let ns = usize::from(byte(seg, 0)?);
    if !(1..=4).contains(&ns) || seg.len() != 4 + 2 * ns {
        return corrupt("scan header has the wrong length");
    }
    let mut sc = Vec::with_capacity(ns);
    for i in 0..ns {
        let id = byte(seg, 1 + 2 * i)?;
        let t = byte(seg, 2 + 2 * i)?;
        let Some(index) = comps.iter().position(|c| c.id == id) else {
            return corrupt("a scan names a component the frame does not have");
        };
        if sc.iter().any(|s: &ScanComp| s.index == index) {
            return corrupt("a scan names a component twice");
        }
        sc.push(ScanComp {
            index,
            dc: usize::from(t >> 4),
            ac: usize::from(t & 15),
        });
    }
    let ss = usize::from(byte(seg, 1 + 2 * ns)?);
    let se = usize::from(byte(seg, 2 + 2 * ns)?);
    let a = byte(seg, 3 + 2 * ns)?;
    let (ah, al) = (u32::from(a >> 4), u32::from(a & 15));
    let kind = if !img.progressive {
        if ss != 0 || se != 63 || ah != 0 || al != 0 {
            return corrupt("a sequential scan with a spectral selection");
        }
        Kind::Sequential
    } else {
        if ah > 13 || al > 13 {
            return corrupt("bad successive approximation");
        }
        match (ss, se) {
            (0, 0) if ah == 0 => Kind::DcFirst,
            (0, 0) => Kind::DcRefine,
            (1..=63, _) if se >= ss && se <= 63 && ns == 1 => {
                if ah == 0 {
                    Kind::AcFirst
                } else {
                    Kind::AcRefine
                }
            }
            _ => return corrupt("bad progressive spectral selection"),
        }
    };
    if ns > 1 && img.components.len() == 1 {
        return corrupt("a scan has more components than the frame");
    }
    let mcu_blocks: usize = sc
        .iter()
        .map(|s| img.components[s.index].h * img.components[s.index].v)
        .sum();
    if ns > 1 && mcu_blocks > 10 {
        return corrupt("more than 10 blocks in an MCU");
    }
    // Resolve the tables the scan needs.
    let mut dcs: Vec<&Decoder> = Vec::new();
    let mut acs: Vec<&Decoder> = Vec::new();
    for s in &sc {
        let need_dc = matches!(kind, Kind::Sequential | Kind::DcFirst);
        let need_ac = matches!(kind, Kind::Sequential | Kind::AcFirst | Kind::AcRefine);
        let dc = dc_tables.get(s.dc).and_then(|t| t.as_ref());
        let ac = ac_tables.get(s.ac).and_then(|t| t.as_ref());
        match (dc, need_dc) {
            (Some(t), _) => dcs.push(t),
            (None, true) => return corrupt("a scan uses a DC table that was never defined"),
            (None, false) => {}
        }
        match (ac, need_ac) {
            (Some(t), _) => acs.push(t),
            (None, true) => return corrupt("a scan uses an AC table that was never defined"),
            (None, false) => {}
        }
    }
    // Placeholder so indexing by scan component always works when a table is not needed.
    let empty = Decoder::new(&Spec {
        bits: [0; 16],
        values: vec![],
    })?;
    while dcs.len() < sc.len() {
        dcs.push(&empty);
    }
    while acs.len() < sc.len() {
        acs.push(&empty);
    }

    let mut bits = Bits::new(input, data_pos);
    let w = Walk {
        sc: &sc,
        restart: usize::from(restart),
    };
    let dc_refine = 1i16 << al;
    // One loop per kind of scan, so the per-block work is inlined without a branch on the kind.
    match kind {
        Kind::Sequential => w.run(img, &mut bits, |bits, block, i, pred, _| {
            seq_block(bits, block, dcs[i], acs[i], pred)
        }),
        Kind::DcFirst => w.run(img, &mut bits, |bits, block, i, pred, _| {
            dc_first(bits, block, dcs[i], pred, al)
        }),
        Kind::DcRefine => w.run(img, &mut bits, |bits, block, _, _, _| {
            if bits.get(1)? != 0 {
                block[0] |= dc_refine;
            }
            Ok(())
        }),
        Kind::AcFirst => w.run(img, &mut bits, |bits, block, i, _, eobrun| {
            ac_first(bits, block, acs[i], ss, se, al, eobrun)
        }),
        Kind::AcRefine => w.run(img, &mut bits, |bits, block, i, _, eobrun| {
            ac_refine(bits, block, acs[i], ss, se, al, eobrun)
        }),
    }?;
    bits.end()
}

/// The order of a scan's blocks: units (MCUs of an interleaved scan, visible blocks of a
/// one-component scan) row by row, restart markers between intervals.
struct Walk<'s> {
    sc: &'s [ScanComp],
    restart: usize,
}

impl Walk<'_> {
    /// Calls `f(bits, block, scan component, its DC prediction, EOB run)` for every block of
    /// the scan, in file order.
    #[inline(always)]
    fn run<F>(&self, img: &mut Coefficients, bits: &mut Bits, mut f: F) -> Result<(), Decline>
    where
        F: FnMut(&mut Bits, &mut [i16; 64], usize, &mut i32, &mut u32) -> Result<(), Decline>,
    {
        let mut at = Position {
            pred: [0; 4],
            eobrun: 0,
            next_rst: 0,
            left: self.restart,
        };
        let (mcux, mcuy) = img.mcus();
        let single = self.sc.len() == 1;
        let (units_x, units_y) = match self.sc.first() {
            Some(s) if single => {
                let c = img
                    .components
                    .get(s.index)
                    .ok_or_else(|| Decline::Corrupt("a scan names a missing component".into()))?;
                (c.vis_w, c.vis_h)
            }
            _ => (mcux, mcuy),
        };
        for uy in 0..units_y {
            self.row(img, bits, &mut f, &mut at, uy, units_x)?;
        }
        Ok(())
    }

    /// One row of units. Not inlined: a call per row lets a wasm engine move to its optimised
    /// code early in the image.
    #[inline(never)]
    fn row<F>(
        &self,
        img: &mut Coefficients,
        bits: &mut Bits,
        f: &mut F,
        at: &mut Position,
        uy: usize,
        units_x: usize,
    ) -> Result<(), Decline>
    where
        F: FnMut(&mut Bits, &mut [i16; 64], usize, &mut i32, &mut u32) -> Result<(), Decline>,
    {
        let single = self.sc.len() == 1;
        for ux in 0..units_x {
            if self.restart != 0 {
                if at.left == 0 {
                    bits.restart(0xD0 + at.next_rst)?;
                    at.next_rst = (at.next_rst + 1) & 7;
                    at.pred = [0; 4];
                    at.eobrun = 0;
                    at.left = self.restart;
                }
                at.left -= 1;
            }
            for (i, s) in self.sc.iter().enumerate() {
                let (Some(comp), Some(p)) = (img.components.get_mut(s.index), at.pred.get_mut(i))
                else {
                    return corrupt("a scan names a missing component");
                };
                let (h, v) = if single { (1, 1) } else { (comp.h, comp.v) };
                let bw = comp.bw;
                for y in 0..v {
                    let start = ((uy * v + y) * bw + ux * h) * 64;
                    let Some(blocks) = comp.coefs.get_mut(start..start + h * 64) else {
                        return corrupt("block outside the image");
                    };
                    for block in blocks.chunks_exact_mut(64) {
                        let Ok(block) = <&mut [i16; 64]>::try_from(block) else {
                            return corrupt("block outside the image");
                        };
                        f(bits, block, i, p, &mut at.eobrun)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Where a scan's decoding is between rows: DC predictions, EOB run, restart bookkeeping.
struct Position {
    pred: [i32; 4],
    eobrun: u32,
    next_rst: u8,
    /// Units left in the current restart interval.
    left: usize,
}

#[inline]
fn put(block: &mut [i16], k: usize, v: i32) -> Result<(), Decline> {
    match (block.get_mut(k), i16::try_from(v)) {
        (Some(slot), Ok(v)) => {
            *slot = v;
            Ok(())
        }
        _ => corrupt("a coefficient out of range"),
    }
}

/// Decodes one sequential block into `block` (which must hold zeros where no coefficient is
/// coded).
#[inline(always)]
fn seq_block(
    bits: &mut Bits,
    block: &mut [i16; 64],
    dc: &Decoder,
    ac: &Decoder,
    pred: &mut i32,
) -> Result<(), Decline> {
    // A local copy, so the bit buffer stays in registers through the block.
    let mut local = *bits;
    let r = seq_block_inner(&mut local, block, dc, ac, pred);
    *bits = local;
    match r {
        Ok(()) if !bits.overran() => Ok(()),
        // Past the end of the data: what was decoded there is padding, whatever else it says.
        _ if bits.overran() => corrupt("the scan data ends early (truncated or damaged)"),
        r => r,
    }
}

#[inline(always)]
fn seq_block_inner(
    bits: &mut Bits,
    block: &mut [i16; 64],
    dc: &Decoder,
    ac: &Decoder,
    pred: &mut i32,
) -> Result<(), Decline> {
    if bits.n < 32 {
        bits.refill();
    }
    let t = u32::from(bits.symbol(dc)?);
    if t > 11 {
        return corrupt("a DC difference category over 11");
    }
    *pred += bits.value(t);
    // (The error is built only when needed: `.or(corrupt(…))` would allocate every block.)
    let Ok(dc) = i16::try_from(*pred) else {
        return corrupt("a coefficient out of range");
    };
    block[0] = dc;
    let mut k = 1usize;
    while k < 64 {
        if bits.n < 32 {
            bits.refill();
        }
        let e = ac.fast_ac[(bits.acc >> (64 - FAST_BITS)) as usize];
        let (value, run) = if e != 0 {
            bits.skip((e & 0xFF) as u32);
            (e >> 16, ((e >> 8) & 0xFF) as usize)
        } else {
            let rs = bits.symbol(ac)?;
            let s = u32::from(rs & 15);
            if s > 10 {
                return corrupt("an AC coefficient past the end of its block");
            }
            (bits.value(s), usize::from(rs >> 4))
        };
        if value == 0 {
            // Size 0: ZRL (16 zeros) or the end of the block.
            if run == 15 {
                k += 16;
                continue;
            }
            break;
        }
        k += run;
        if k > 63 {
            return corrupt("an AC coefficient past the end of its block");
        }
        block[k & 63] = value as i16;
        k += 1;
    }
    if k > 64 {
        return corrupt("a zero run past the end of its block");
    }
    Ok(())
}

#[inline]
fn dc_first(
    bits: &mut Bits,
    block: &mut [i16],
    dc: &Decoder,
    pred: &mut i32,
    al: u32,
) -> Result<(), Decline> {
    let t = u32::from(bits.decode(dc)?);
    if t > 11 {
        return corrupt("a DC difference category over 11");
    }
    *pred += bits.extend(t)?;
    if !(-32768..=32767).contains(pred) {
        return corrupt("a DC coefficient out of range");
    }
    put(block, 0, *pred << al)
}

#[inline]
fn ac_first(
    bits: &mut Bits,
    block: &mut [i16],
    ac: &Decoder,
    ss: usize,
    se: usize,
    al: u32,
    eobrun: &mut u32,
) -> Result<(), Decline> {
    if *eobrun > 0 {
        *eobrun -= 1;
        return Ok(());
    }
    let mut k = ss;
    while k <= se {
        let rs = bits.decode(ac)?;
        let (r, s) = (u32::from(rs >> 4), u32::from(rs & 15));
        if s == 0 {
            if r < 15 {
                *eobrun = (1u32 << r) - 1 + bits.get(r)?;
                break;
            }
            k += 16;
            continue;
        }
        k += r as usize;
        if k > se || s > 10 {
            return corrupt("an AC coefficient past the end of its band");
        }
        put(block, k, bits.extend(s)? << al)?;
        k += 1;
    }
    Ok(())
}

#[inline]
fn ac_refine(
    bits: &mut Bits,
    block: &mut [i16],
    ac: &Decoder,
    ss: usize,
    se: usize,
    al: u32,
    eobrun: &mut u32,
) -> Result<(), Decline> {
    let p1 = 1i32 << al;
    let m1 = -1i32 << al;
    let mut k = ss;
    let refine = |bits: &mut Bits, c: &mut i16| -> Result<(), Decline> {
        if bits.get(1)? != 0 {
            let v = i32::from(*c);
            if v & p1 == 0 {
                let nv = if v >= 0 { v + p1 } else { v + m1 };
                let Ok(nv) = i16::try_from(nv) else {
                    return corrupt("a coefficient out of range");
                };
                *c = nv;
            }
        }
        Ok(())
    };
    if *eobrun == 0 {
        while k <= se {
            let rs = bits.decode(ac)?;
            let mut r = i32::from(rs >> 4);
            let s = rs & 15;
            let mut value = 0i32;
            if s != 0 {
                if s != 1 {
                    return corrupt("a refinement coefficient larger than one bit");
                }
                value = if bits.get(1)? != 0 { p1 } else { m1 };
            } else if r != 15 {
                *eobrun = (1u32 << r) + bits.get(r as u32)?;
                break;
            }
            while k <= se {
                let Some(c) = block.get_mut(k) else {
                    return corrupt("a coefficient outside its block");
                };
                if *c != 0 {
                    refine(bits, c)?;
                } else {
                    if r == 0 {
                        break;
                    }
                    r -= 1;
                }
                k += 1;
            }
            if value != 0 {
                if k > se {
                    return corrupt("a refinement coefficient past the end of its band");
                }
                put(block, k, value)?;
            }
            k += 1;
        }
    }
    if *eobrun > 0 {
        while k <= se {
            if let Some(c) = block.get_mut(k) {
                if *c != 0 {
                    refine(bits, c)?;
                }
            }
            k += 1;
        }
        *eobrun -= 1;
    }
    Ok(())
}
