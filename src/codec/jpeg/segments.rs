//! The coefficient reader's reading of header segments: quantisation and Huffman tables, the
//! restart interval, Adobe's colour transform, and the frame header, each checked against what
//! the reader supports.

use super::coefficients::{Coefficients, Component};
use super::decline::{corrupt, unsupported, Decline};
use super::huffman::{Decoder, Spec};

/// Component as declared in SOF, before storage is allocated.
#[derive(Debug, Clone, Copy)]
pub(super) struct FrameComp {
    pub(super) id: u8,
    pub(super) h: usize,
    pub(super) v: usize,
    pub(super) tq: usize,
}

/// Reads big-endian u16 at `pos`.
pub(super) fn be16(b: &[u8], pos: usize) -> Result<usize, Decline> {
    match b.get(pos..pos + 2) {
        Some(v) => Ok(usize::from(u16::from_be_bytes([v[0], v[1]]))),
        None => corrupt("the file ends inside a segment"),
    }
}

pub(super) fn byte(b: &[u8], pos: usize) -> Result<u8, Decline> {
    match b.get(pos) {
        Some(&v) => Ok(v),
        None => corrupt("a segment is shorter than its contents"),
    }
}

/// Tables and settings defined by the segments before a scan.
pub(super) struct Tables {
    pub(super) qt: [Option<[u16; 64]>; 4],
    pub(super) dc: [Option<Decoder>; 4],
    pub(super) ac: [Option<Decoder>; 4],
    pub(super) restart: u16,
    adobe_transform: Option<u8>,
}

impl Tables {
    pub(super) fn new() -> Tables {
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
    pub(super) fn segment(&mut self, marker: u8, seg: &[u8]) -> Result<(), Decline> {
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
    pub(super) fn rgb(&self, comps: &[FrameComp]) -> bool {
        comps.len() == 3
            && (self.adobe_transform == Some(0) || comps.iter().map(|c| c.id).eq(*b"RGB"))
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
pub(super) struct FrameHeader {
    pub(super) comps: Vec<FrameComp>,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) hmax: usize,
    pub(super) vmax: usize,
}

impl FrameHeader {
    /// MCUs across and down.
    pub(super) fn mcus(&self) -> (usize, usize) {
        (
            self.width.div_ceil(8 * self.hmax as u32) as usize,
            self.height.div_ceil(8 * self.vmax as u32) as usize,
        )
    }

    /// Blocks that hold visible pixels in component `c`, across and down.
    pub(super) fn visible_blocks(&self, c: &FrameComp) -> (usize, usize) {
        let cw = (self.width as usize * c.h).div_ceil(self.hmax);
        let ch = (self.height as usize * c.v).div_ceil(self.vmax);
        (cw.div_ceil(8), ch.div_ceil(8))
    }
}

pub(super) fn parse_sof(
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
pub(super) fn parse_frame(seg: &[u8]) -> Result<FrameHeader, Decline> {
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
