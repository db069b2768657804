//! Verifying a JPEG from its own bytes: checked in the DCT domain, without decoding pixels.
//!
//! The structure walk covers the whole file: the marker allowlist (APP0 only as JFIF), one frame
//! header of the expected size with 1 or 3 components, nothing after EOI, and in every scan the
//! restart markers RST0–7 in order, exactly one between consecutive restart intervals (the
//! verifier's own byte scan, eight bytes at a time, over the entropy-coded data).
//!
//! Then, for every box and every component, the blocks lying wholly inside the box in that
//! component's sampling grid are entropy-decoded with [`crate::codec::jpeg::reader`] and must each
//! have all 63 AC coefficients 0 and a DC coefficient that dequantises to the fill colour's
//! Y, Cb or Cr within half a quantisation step plus one level. A block at the right or bottom
//! edge counts as inside when its visible part is: its invisible part is padding that both our
//! encoders fill from the visible pixels, and its coefficients are checked all the same.
//!
//! Why that is as strong as decoding those pixels: the inverse DCT of a block whose AC
//! coefficients are all 0 is the constant `DC·q/8 + 128` on all 64 samples (exactly so in the
//! accurate, islow, ifast and float IDCTs alike, up to the final rounding), so every decoder
//! shows that block as one flat value, and that value is what is checked. Colour conversion of
//! flat Y, Cb, Cr is flat; chroma upsampling of flat samples is flat. The colour the checked
//! blocks decode to is converted to RGB (worst case over the range of values seen in each
//! component) and must lie within the tolerance of [`jpeg_tolerance`]; that deviation is the
//! report's `max_deviation`, and a decoder's rounding adds at most the tolerance's 4-level slack.
//!
//! Which pixels that covers (the report's `margin`): a pixel at least `margin` px inside every
//! edge of a box lies in a checked block of every component, and so do the chroma samples a
//! decoder blends into it. With 4:4:4 or grey (margin 8) a pixel 7 px or more inside lies in a
//! luma block wholly inside the box. With 4:2:0 a chroma block spans 16 px; a pixel 16 px
//! inside lies in a chroma block wholly inside the box, and "fancy" upsampling blends in the
//! neighbouring chroma sample, which for a pixel 17 px inside is still in a checked block
//! (margin 17). Nearer the edge, blocks that straddle it carry the colour of what is outside
//! the box, never what was under it: that was overwritten before encoding (pixel path) or its
//! MCUs replaced whole (lossless path, where the boxes are grown to the MCU grid, so every block
//! of a box is inside it and checked). A box with no whole block of some component inside it
//! counts as `boxes_too_thin`; the blocks it does hold are still checked.
//!
//! ## Restart intervals: decoding only the rows under the boxes
//!
//! Both our writers put a restart marker after every MCU row (DRI = MCUs across). A decoder
//! resets DC prediction at each restart marker, so each interval decodes on its own, from its
//! own bytes: the verifier entropy-decodes only the intervals that hold a box block, and each of
//! them only up to the last MCU it needs. The others are covered by the structure walk (present,
//! in order, one per MCU row); their contents are outside every box and need no decoding. An
//! interval decoded to its end must also end exactly there (at most seven one-bits of padding
//! before the marker). Without restart markers the scan is one interval, decoded from its start
//! up to the last box MCU; a file with several scans (progressive, or a scan per component) is
//! read whole with [`crate::codec::jpeg::reader::read`]. No path decodes pixels.

use super::verdict::{fail, Verification};
use crate::codec::jpeg::{reader, Decline};
use crate::colour::canonical::Space;
use crate::colour::source::canonical_app2;
use crate::container::jpeg;
use crate::ground::colour::Rgb;
use crate::ground::error::{Error, Result};
use crate::ground::geometry::PixelBox;

/// JPEG markers a fresh Occlude file may contain: SOI, APP0 (JFIF only), DQT, SOF0–2, DHT, DRI,
/// SOS, RST0–7, EOI. Anything else (APPn, COM, …) counts as a metadata block, but for one APP2
/// segment before the frame header that is exactly one of Occlude's canonical colour profiles
/// (`colour::source::canonical_app2`).
pub fn jpeg_marker_allowed(marker: u8) -> bool {
    matches!(marker, 0xD8 | 0xE0 | 0xDB | 0xC0..=0xC2 | 0xC4 | 0xDD | 0xDA | 0xD0..=0xD7 | 0xD9)
}

/// How far inside a box edge every pixel of a JPEG is covered by the check, from its largest
/// sampling factor: 8 px for 4:4:4 or grey, 17 px for 4:2:0 (see the module documentation).
pub fn jpeg_margin(max_sampling: u8) -> u32 {
    let f = u32::from(max_sampling.clamp(1, 4));
    8 * f + u32::from(f > 1)
}

/// What the structure check establishes about a JPEG.
struct JpegStructure {
    walk: jpeg::Walk,
    colour: Option<Space>,
    names: Vec<String>,
    tolerance: u8,
    margin: u32,
}

/// Checks the marker allowlist, trailing bytes, SOF size and components; derives the colour
/// tolerance from the file's DC quantisation steps and the edge margin from its sampling.
fn check_jpeg_structure(bytes: &[u8], width: u32, height: u32) -> Result<JpegStructure> {
    let walk = jpeg::walk(bytes).map_err(fail)?;
    let trailing = bytes.len().saturating_sub(walk.end);
    if trailing > 0 {
        return Err(fail(format!("{trailing} bytes follow EOI")));
    }
    if let Some(at) = walk.scans.iter().find_map(|s| s.fill_before_stuffing) {
        return Err(fail(format!("fill bytes before 0xFF00 at byte {at}")));
    }
    let mut dc_steps = [0u16; 4];
    let mut components: Vec<u8> = Vec::new(); // quantisation table per component
    let mut max_sampling = 1u8;
    let mut frames = 0;
    let mut colour = None;
    for s in &walk.segments {
        let data = bytes.get(s.data.clone()).unwrap_or(&[]);
        if s.marker == 0xE2 {
            match canonical_app2(data) {
                Some(space) if colour.is_none() && frames == 0 => {
                    colour = Some(space);
                    continue;
                }
                _ => {
                    return Err(fail(
                        "an APP2 segment that is not one canonical colour profile before the \
                         frame header",
                    ))
                }
            }
        }
        if !jpeg_marker_allowed(s.marker) || (s.marker == 0xE0 && !data.starts_with(b"JFIF\0")) {
            return Err(fail(format!(
                "segment {} outside the allowlist",
                jpeg::marker_name(s.marker)
            )));
        }
        match s.marker {
            0xDB => read_dqt_dc(data, &mut dc_steps).map_err(fail)?,
            0xC0..=0xC2 => {
                frames += 1;
                let frame = jpeg::Frame {
                    marker: s.marker,
                    payload: data,
                };
                if frame.size() != Some((width, height)) {
                    return Err(fail(format!("SOF size differs from {width}×{height}")));
                }
                let n = frame.component_count().unwrap_or(0);
                if n != 1 && n != 3 {
                    return Err(fail(format!("{n} colour components (expected 1 or 3)")));
                }
                let declared = frame
                    .components()
                    .ok_or_else(|| fail("the frame header is cut short"))?;
                components.clear();
                for (_, h, v, tq) in declared {
                    components.push(tq);
                    max_sampling = max_sampling.max(h).max(v);
                }
            }
            _ => {}
        }
    }
    if frames != 1 {
        return Err(fail(format!("{frames} frame headers (expected 1)")));
    }
    let step = |c: usize| -> f64 {
        let t = components.get(c).copied().unwrap_or(0);
        f64::from(dc_steps.get(usize::from(t) & 3).copied().unwrap_or(255))
    };
    let tolerance = jpeg_tolerance(
        step(0),
        if components.len() == 3 {
            step(1).max(step(2))
        } else {
            0.0
        },
    );
    let names = walk
        .segments
        .iter()
        .map(|s| jpeg::marker_name(s.marker))
        .collect();
    Ok(JpegStructure {
        walk,
        colour,
        names,
        tolerance,
        margin: jpeg_margin(max_sampling),
    })
}

/// The colour tolerance for a flat JPEG area given its luma and chroma DC quantisation steps.
/// A DC value is off by at most half a step, i.e. step/16 in pixel levels (the DC term is 8×
/// the mean); R, G and B mix one luma and up to 1.772 × one chroma error; 4 levels cover IDCT
/// rounding and the chroma upsampling of a decoder; the result is capped at 48 so a very low
/// quality can never pass a box that still shows content.
pub fn jpeg_tolerance(luma_dc_step: f64, chroma_dc_step: f64) -> u8 {
    let t = (luma_dc_step / 16.0 + 1.772 * chroma_dc_step / 16.0).ceil() + 4.0;
    t.min(48.0) as u8
}

/// Reads the DC (first) entry of each quantisation table in a DQT segment.
fn read_dqt_dc(mut d: &[u8], dc: &mut [u16; 4]) -> std::result::Result<(), String> {
    while let Some(&pq_tq) = d.first() {
        let (precision16, id) = (pq_tq >> 4 != 0, usize::from(pq_tq & 3));
        let size = if precision16 { 128 } else { 64 };
        let table = d.get(1..1 + size).ok_or("DQT segment is short")?;
        dc[id] = if precision16 {
            u16::from_be_bytes([table[0], table[1]])
        } else {
            u16::from(table[0])
        };
        d = d.get(1 + size..).unwrap_or(&[]);
    }
    Ok(())
}

/// A component's geometry as the box check needs it.
#[derive(Debug, Clone, Copy)]
struct Grid {
    /// Sampling factors (1 and 1 in a one-component image).
    h: usize,
    v: usize,
    /// Pixels a block spans across and down.
    bw: u32,
    bh: u32,
    /// Blocks holding visible pixels, across and down.
    vis_w: usize,
    vis_h: usize,
    /// DC quantisation step.
    q: u16,
}

/// Blocks `x0..x1` × `y0..y1` of one component.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BlockRect {
    x0: usize,
    x1: usize,
    y0: usize,
    y1: usize,
}

impl BlockRect {
    fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }
    fn area(&self) -> usize {
        (self.x1.saturating_sub(self.x0)) * (self.y1.saturating_sub(self.y0))
    }
    fn contains(&self, x: usize, y: usize) -> bool {
        (self.x0..self.x1).contains(&x) && (self.y0..self.y1).contains(&y)
    }
}

/// Blocks of size `size` lying wholly inside `start..start + len` of an axis `extent` long
/// with `visible` blocks: a block reaching past the image edge counts when its visible part
/// is inside.
fn inside(start: u32, len: u32, extent: u32, size: u32, visible: usize) -> (usize, usize) {
    let size = size.max(1);
    let lo = start.div_ceil(size) as usize;
    let end = start.saturating_add(len);
    let hi = if end >= extent {
        visible
    } else {
        (end / size) as usize
    };
    (lo, hi.max(lo))
}

/// Per box, per component: the blocks that must be flat fill.
fn box_blocks(boxes: &[PixelBox], grids: &[Grid], width: u32, height: u32) -> Vec<Vec<BlockRect>> {
    boxes
        .iter()
        .map(|b| {
            grids
                .iter()
                .map(|g| {
                    let (x0, x1) = inside(b.x, b.width, width, g.bw, g.vis_w);
                    let (y0, y1) = inside(b.y, b.height, height, g.bh, g.vis_h);
                    BlockRect { x0, x1, y0, y1 }
                })
                .collect()
        })
        .collect()
}

/// Running result of the block checks.
struct BlockCheck<'a> {
    rects: &'a [Vec<BlockRect>],
    grids: &'a [Grid],
    /// The fill as full-range Y, Cb, Cr.
    target: [f64; 3],
    /// Lowest and highest value a checked block of each component decodes to.
    seen: [(f64, f64); 3],
    /// (box, block) pairs checked.
    checked: usize,
    /// The first failure, in words.
    failure: Option<String>,
}

impl<'a> BlockCheck<'a> {
    fn new(rects: &'a [Vec<BlockRect>], grids: &'a [Grid], target: [f64; 3]) -> BlockCheck<'a> {
        BlockCheck {
            rects,
            grids,
            target,
            seen: [(f64::MAX, f64::MIN); 3],
            checked: 0,
            failure: None,
        }
    }

    /// Checks block (`bx`, `by`) of component `c` if it lies inside a box. `Err` (with the
    /// reason in `failure`) stops the decode at the first bad block.
    fn visit(
        &mut self,
        c: usize,
        bx: usize,
        by: usize,
        block: &[i16; 64],
    ) -> std::result::Result<(), Decline> {
        for (k, per_comp) in self.rects.iter().enumerate() {
            if !per_comp.get(c).is_some_and(|r| r.contains(bx, by)) {
                continue;
            }
            self.checked += 1;
            let (q, target) = match (self.grids.get(c), self.target.get(c)) {
                (Some(g), Some(&t)) => (g.q, t),
                _ => return self.stop(format!("internal: component {c} has no geometry")),
            };
            let name = ["Y", "Cb", "Cr"].get(c).copied().unwrap_or("?");
            if let Some(i) = block.iter().skip(1).position(|&a| a != 0) {
                return self.stop(format!(
                    "box {} is not solid fill colour: {name} block ({bx}, {by}) is not flat \
                     (AC coefficient {} is {})",
                    k + 1,
                    i + 1,
                    block.get(i + 1).copied().unwrap_or(0)
                ));
            }
            let value = (f64::from(block[0]) * f64::from(q) / 8.0 + 128.0).clamp(0.0, 255.0);
            let allowed = f64::from(q) / 16.0 + 1.0;
            if (value - target).abs() > allowed + 1e-9 {
                return self.stop(format!(
                    "box {} is not solid fill colour: {name} block ({bx}, {by}) decodes to \
                     {value:.1}, the fill's {name} is {target:.1} (allowed ±{allowed:.1})",
                    k + 1
                ));
            }
            if let Some(s) = self.seen.get_mut(c) {
                *s = (s.0.min(value), s.1.max(value));
            }
        }
        Ok(())
    }

    fn stop(&mut self, why: String) -> std::result::Result<(), Decline> {
        self.failure = Some(why);
        Err(Decline::Corrupt(
            "stopped at a block that is not fill".into(),
        ))
    }

    /// The largest RGB difference from `fill` over every combination of the values seen (RGB
    /// is monotonic in each of Y, Cb, Cr, so the worst case is at a corner of their ranges).
    /// Grey files show Cb = Cr = 128. 0 when no block was checked.
    fn max_deviation(&self, fill: Rgb) -> u8 {
        if self.checked == 0 {
            return 0;
        }
        let components = self.grids.len();
        let f = fill.to_array();
        let range = |c: usize| -> [f64; 2] {
            match self.seen.get(c) {
                _ if c >= components => [128.0, 128.0],
                Some(&(lo, hi)) if lo <= hi => [lo, hi],
                _ => [self.target.get(c).copied().unwrap_or(128.0); 2],
            }
        };
        let mut dev = 0u8;
        for y in range(0) {
            for cb in range(1) {
                for cr in range(2) {
                    let (cb, cr) = (cb - 128.0, cr - 128.0);
                    let rgb = [
                        y + 1.402 * cr,
                        y - 0.344_136 * cb - 0.714_136 * cr,
                        y + 1.772 * cb,
                    ];
                    for (v, &want) in rgb.iter().zip(f.iter()) {
                        dev = dev.max((v.round().clamp(0.0, 255.0) as u8).abs_diff(want));
                    }
                }
            }
        }
        dev
    }
}

/// Verifies a JPEG (the boxes already checked to lie inside the image).
pub fn verify_jpeg(
    bytes: &[u8],
    width: u32,
    height: u32,
    boxes: &[PixelBox],
    fill: Rgb,
) -> Result<Verification> {
    let s = check_jpeg_structure(bytes, width, height)?;
    let target = crate::codec::jpeg::wipe::ycbcr(fill);
    let done = match s.walk.scans.as_slice() {
        [scan] => match reader::open_sequential(bytes) {
            Ok(seq) => by_intervals(bytes, &seq, scan, boxes, fill, target)?,
            Err(Decline::Unsupported(_)) => whole(bytes, boxes, fill, target)?,
            Err(d) => return Err(undecodable(d)),
        },
        _ => whole(bytes, boxes, fill, target)?,
    };
    let expected: usize = done.rects.iter().flatten().map(BlockRect::area).sum();
    if done.checked != expected {
        return Err(fail(format!(
            "internal: {} of {expected} box blocks were checked",
            done.checked
        )));
    }
    if done.deviation > s.tolerance {
        return Err(fail(format!(
            "the boxes decode {} levels from the fill colour (allowed {})",
            done.deviation, s.tolerance
        )));
    }
    let thin = done
        .rects
        .iter()
        .filter(|per_comp| per_comp.iter().any(BlockRect::is_empty))
        .count();
    Ok(Verification {
        boxes_checked: boxes.len() - thin,
        boxes_too_thin: thin,
        metadata_blocks: 0,
        trailing_bytes: 0,
        max_deviation: done.deviation,
        tolerance: s.tolerance,
        margin: s.margin,
        structure: s.names,
        colour_profile: s.colour.map(|c| c.name().to_string()),
    })
}

fn undecodable(d: Decline) -> Error {
    let why = match d {
        Decline::Unsupported(s) | Decline::Corrupt(s) => s,
        Decline::Fatal(e) => e.to_string(),
    };
    fail(format!("the new file does not decode: {why}"))
}

/// What the box check did.
struct Checked {
    /// Per box, per component: the blocks that had to be flat fill.
    rects: Vec<Vec<BlockRect>>,
    /// (box, block) pairs checked.
    checked: usize,
    /// Worst RGB deviation from the fill of the checked blocks' colour.
    deviation: u8,
}

/// The box check's geometry of a component with sampling `h` × `v`.
fn grid(h: usize, v: usize, hmax: usize, vmax: usize, vis: (usize, usize), q: u16) -> Grid {
    let (h, v) = (h.max(1), v.max(1));
    Grid {
        h,
        v,
        bw: (8 * hmax / h) as u32,
        bh: (8 * vmax / v) as u32,
        vis_w: vis.0,
        vis_h: vis.1,
        q,
    }
}

/// The fast path: a single sequential scan, decoded only in the restart intervals that hold box
/// blocks.
fn by_intervals(
    bytes: &[u8],
    seq: &reader::Sequential,
    scan: &jpeg::Scan,
    boxes: &[PixelBox],
    fill: Rgb,
    target: [f64; 3],
) -> Result<Checked> {
    let grids: Vec<Grid> = seq
        .components
        .iter()
        .map(|c| grid(c.h, c.v, seq.hmax, seq.vmax, (c.vis_w, c.vis_h), c.quant[0]))
        .collect();
    let rects = box_blocks(boxes, &grids, seq.width, seq.height);
    let mut check = BlockCheck::new(&rects, &grids, target);
    let r = check_intervals(bytes, seq, scan, &mut check);
    if let Some(why) = check.failure.take() {
        return Err(fail(why));
    }
    r?.map_err(undecodable)?;
    let (checked, deviation) = (check.checked, check.max_deviation(fill));
    Ok(Checked {
        rects,
        checked,
        deviation,
    })
}

/// The fallback for files with more than one scan: read every coefficient with the reader,
/// then check the box blocks (still no pixel decode).
fn whole(bytes: &[u8], boxes: &[PixelBox], fill: Rgb, target: [f64; 3]) -> Result<Checked> {
    let img = reader::read(bytes).map_err(undecodable)?;
    let grids: Vec<Grid> = img
        .components
        .iter()
        .map(|c| grid(c.h, c.v, img.hmax, img.vmax, (c.vis_w, c.vis_h), c.quant[0]))
        .collect();
    let rects = box_blocks(boxes, &grids, img.width, img.height);
    let mut check = BlockCheck::new(&rects, &grids, target);
    for (c, comp) in img.components.iter().enumerate() {
        // Every block of this component inside some box, once (`visit` counts each box).
        let mut span: Option<BlockRect> = None;
        for r in rects
            .iter()
            .filter_map(|p| p.get(c))
            .filter(|r| !r.is_empty())
        {
            span = Some(span.map_or(*r, |a| BlockRect {
                x0: a.x0.min(r.x0),
                x1: a.x1.max(r.x1),
                y0: a.y0.min(r.y0),
                y1: a.y1.max(r.y1),
            }));
        }
        let Some(span) = span else { continue };
        for by in span.y0..span.y1 {
            for bx in span.x0..span.x1 {
                if !rects
                    .iter()
                    .any(|p| p.get(c).is_some_and(|r| r.contains(bx, by)))
                {
                    continue;
                }
                let block = comp
                    .block(bx, by)
                    .and_then(|b| <&[i16; 64]>::try_from(b).ok())
                    .ok_or_else(|| fail(format!("internal: block ({bx}, {by}) is missing")))?;
                if check.visit(c, bx, by, block).is_err() {
                    return Err(fail(check.failure.take().unwrap_or_default()));
                }
            }
        }
    }
    let (checked, deviation) = (check.checked, check.max_deviation(fill));
    Ok(Checked {
        rects,
        checked,
        deviation,
    })
}

/// Decodes the restart intervals of `scan` that hold box blocks, each up to its last box MCU.
/// The outer `Result` is the verifier's own (restart markers); the inner one the decoder's.
fn check_intervals(
    bytes: &[u8],
    seq: &reader::Sequential,
    scan: &jpeg::Scan,
    check: &mut BlockCheck<'_>,
) -> Result<std::result::Result<(), Decline>> {
    if scan.start != seq.data_start {
        return Err(fail("internal: the scan starts where the reader does not"));
    }
    let (across, down) = seq.units;
    if across == 0 || down == 0 {
        return Err(fail("internal: a scan without MCUs"));
    }
    let total = across.saturating_mul(down);
    let ri = match usize::from(seq.restart_interval) {
        0 => total.max(1),
        n => n,
    };
    let intervals = total.div_ceil(ri).max(1);
    if scan.restarts.len() + 1 != intervals {
        return Err(fail(format!(
            "{} restart markers in the scan, expected {} (one per restart interval of {ri} MCUs)",
            scan.restarts.len(),
            intervals - 1
        )));
    }
    if let Some((k, r)) = scan
        .restarts
        .iter()
        .enumerate()
        .find(|(k, r)| usize::from(r.n) != k & 7)
    {
        return Err(fail(format!(
            "restart marker {} is RST{}, expected RST{} (missing or out of order)",
            k + 1,
            r.n,
            k & 7
        )));
    }
    // Per box: the units (MCUs, or blocks of a grey scan) holding its blocks, `x0..x1` × `y0..y1`.
    let mut unit_rects: Vec<BlockRect> = Vec::new();
    for per_comp in check.rects {
        let mut u: Option<BlockRect> = None;
        for (r, g) in per_comp.iter().zip(check.grids) {
            if r.is_empty() {
                continue;
            }
            let (h, v) = if check.grids.len() == 1 {
                (1, 1)
            } else {
                (g.h.max(1), g.v.max(1))
            };
            let this = BlockRect {
                x0: r.x0 / h,
                x1: r.x1.div_ceil(h),
                y0: r.y0 / v,
                y1: r.y1.div_ceil(v),
            };
            u = Some(match u {
                None => this,
                Some(a) => BlockRect {
                    x0: a.x0.min(this.x0),
                    x1: a.x1.max(this.x1),
                    y0: a.y0.min(this.y0),
                    y1: a.y1.max(this.y1),
                },
            });
        }
        unit_rects.extend(u);
    }
    for k in 0..intervals {
        let (first, end) = (k * ri, ((k + 1) * ri).min(total));
        // The last unit of this interval that a box needs.
        let mut need = first;
        for r in &unit_rects {
            let rows = r.y0.max(first / across)..r.y1.min(end.div_ceil(across));
            for uy in rows {
                let (a, z) = (uy * across + r.x0, uy * across + r.x1);
                if a < end && z > first {
                    need = need.max(z.min(end));
                }
            }
        }
        if need == first {
            continue;
        }
        let start = match k {
            0 => scan.start,
            _ => scan.restarts.get(k - 1).map_or(scan.end, |r| r.next),
        };
        let stop = scan.restarts.get(k).map_or(scan.end, |r| r.at);
        let Some(data) = bytes.get(start..stop) else {
            return Err(fail("internal: a restart interval outside the file"));
        };
        match seq.decode(data, first, need - first, |c, bx, by, b| {
            check.visit(c, bx, by, b)
        }) {
            Ok(true) => {}
            Ok(false) if need < end => {}
            Ok(false) => {
                return Err(fail(format!(
                    "restart interval {k} does not end where its MCUs end"
                )))
            }
            Err(d) => return Ok(Err(d)),
        }
    }
    Ok(Ok(()))
}
