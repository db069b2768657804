//! PNG's row filters for 3-byte pixels: applying one (the writer), choosing one (the writer's
//! adaptive heuristic) and reversing one (the verifier). The Paeth predictor comes in two forms,
//! tested to agree: byte-wise for the vectorised filter, 16-bit for the dependent chain of
//! unfiltering.

/// PNG filter `f` (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) of one row of 3-byte pixels
/// against the row above (`prev`, zeros above the first row); `out` gets the filter type and
/// the filtered bytes. Not inlined: called once per row, so a wasm engine's optimising tier
/// takes over after the first rows (V8 swaps in optimised code only at a call).
#[inline(never)]
pub fn filter_row(f: u8, line: &[u8], prev: &[u8], out: &mut [u8]) {
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
pub fn paeth(a: u8, b: u8, c: u8) -> u8 {
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

/// The same predictor for a chain of dependent bytes (unfiltering, where each byte needs the
/// one before it): in 16-bit arithmetic, which compiles to branch-free selects. The byte-wise
/// [`paeth`] branches on the signs, which costs little in the vectorised filter but about 3.5×
/// the time here (2560 × 1440 random Paeth rows, natively: 19 ms against 68 ms).
pub fn paeth_sequential(a: u8, b: u8, c: u8) -> u8 {
    let (ia, ib, ic) = (i16::from(a), i16::from(b), i16::from(c));
    let p = ia + ib - ic;
    let (pa, pb, pc) = ((p - ia).abs(), (p - ib).abs(), (p - ic).abs());
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
pub fn adaptive_filter(line: &[u8], prev: &[u8], best: &mut Vec<u8>, scratch: &mut Vec<u8>) {
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

/// Reverses PNG filter `filter` (0–4) for 3-byte pixels: `cur` = row `data` unfiltered against
/// `prev`, the unfiltered row above (all zero above the first row).
pub fn unfilter(filter: u8, data: &[u8], prev: &[u8], cur: &mut [u8]) {
    let n = data.len().min(prev.len()).min(cur.len());
    let (data, prev, cur) = (&data[..n], &prev[..n], &mut cur[..n]);
    match filter {
        1 => {
            let mut a = [0u8; 3];
            for (c, d) in cur.chunks_exact_mut(3).zip(data.chunks_exact(3)) {
                for k in 0..3 {
                    a[k] = d[k].wrapping_add(a[k]);
                    c[k] = a[k];
                }
            }
        }
        2 => {
            for ((c, &d), &p) in cur.iter_mut().zip(data).zip(prev) {
                *c = d.wrapping_add(p);
            }
        }
        3 => {
            let mut a = [0u8; 3];
            for ((c, d), p) in cur
                .chunks_exact_mut(3)
                .zip(data.chunks_exact(3))
                .zip(prev.chunks_exact(3))
            {
                for k in 0..3 {
                    let avg = ((u16::from(a[k]) + u16::from(p[k])) / 2) as u8;
                    a[k] = d[k].wrapping_add(avg);
                    c[k] = a[k];
                }
            }
        }
        4 => {
            let (mut a, mut ul) = ([0u8; 3], [0u8; 3]);
            for ((c, d), p) in cur
                .chunks_exact_mut(3)
                .zip(data.chunks_exact(3))
                .zip(prev.chunks_exact(3))
            {
                for k in 0..3 {
                    a[k] = d[k].wrapping_add(paeth_sequential(a[k], p[k], ul[k]));
                    c[k] = a[k];
                    ul[k] = p[k];
                }
            }
        }
        _ => cur.copy_from_slice(data),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn both_paeth_forms_agree() {
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                for c in (0..=255u8).step_by(3).chain([254, 255]) {
                    assert_eq!(paeth_sequential(a, b, c), paeth(a, b, c), "{a} {b} {c}");
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
