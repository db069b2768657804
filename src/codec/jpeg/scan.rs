//! Entropy-decoding one scan into coefficients: sequential, or a progressive DC/AC first or
//! refinement scan, block by block in file order, restart markers between intervals.

use super::coefficients::Coefficients;
use super::decline::{corrupt, Decline};
use super::entropy::{ac_first, ac_refine, dc_first, seq_block, Bits};
use super::huffman::{Decoder, Spec};
use super::segments::{byte, FrameComp};

#[derive(Debug, Clone, Copy)]
struct ScanComp {
    /// Index into the frame's components.
    index: usize,
    dc: usize,
    ac: usize,
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
pub(super) fn decode_scan(
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
