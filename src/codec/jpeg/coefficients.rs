//! The JPEG codec's data model: an image as quantised DCT coefficients, per component, in
//! zig-zag order.

/// `ZIGZAG[k]` is the natural (row-major, row = vertical frequency) index of the k-th
/// coefficient in zig-zag order. Coefficients are stored in zig-zag order throughout.
pub const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

/// `cos(kπ/16)` for k = 0..=8, correctly rounded: every DCT in the codec (the encoder's scale,
/// the re-padding's basis, the scaled decoder's weights) needs only multiples of π/16, so they
/// read this table instead of calling `cos` (which would link libm's cos and its argument
/// reduction, ~3 KB of gzipped wasm).
const COS_PI_16: [f64; 9] = [
    1.0,
    0.980_785_280_403_230_4,
    0.923_879_532_511_286_7,
    0.831_469_612_302_545_2,
    std::f64::consts::FRAC_1_SQRT_2,
    0.555_570_233_019_602_2,
    0.382_683_432_365_089_8,
    0.195_090_322_016_128_28,
    0.0,
];

/// `cos(mπ/16)` for any whole `m`, from [`COS_PI_16`] by symmetry.
pub fn cos_pi_16(m: usize) -> f64 {
    let m = m % 32;
    let m = if m > 16 { 32 - m } else { m };
    if m > 8 {
        -COS_PI_16[16 - m]
    } else {
        COS_PI_16[m]
    }
}

/// One colour component: sampling factors, quantisation table and its quantised coefficients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Horizontal and vertical sampling factors (1–4; forced to 1 in a one-component image).
    pub h: usize,
    pub v: usize,
    /// Quantisation table in zig-zag order.
    pub quant: [u16; 64],
    /// Blocks across and down, padded to whole MCUs.
    pub bw: usize,
    pub bh: usize,
    /// Blocks that hold visible pixels: ceil(ceil(width · h / hmax) / 8), likewise down.
    pub vis_w: usize,
    pub vis_h: usize,
    /// `bw × bh × 64` coefficients, block-row-major, each block in zig-zag order.
    pub coefs: Vec<i16>,
}

impl Component {
    /// The 64 coefficients of block (`bx`, `by`), if it exists.
    pub fn block(&self, bx: usize, by: usize) -> Option<&[i16]> {
        let i = by.checked_mul(self.bw)?.checked_add(bx)?;
        if bx >= self.bw {
            return None;
        }
        self.coefs.get(i * 64..i * 64 + 64)
    }
}

/// A JPEG as quantised DCT coefficients: 8-bit, one (grey) or three (YCbCr) components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coefficients {
    pub width: u32,
    pub height: u32,
    pub components: Vec<Component>,
    /// Largest sampling factors; an MCU is `8·hmax × 8·vmax` pixels.
    pub hmax: usize,
    pub vmax: usize,
    /// The source was progressive (informational).
    pub progressive: bool,
    /// Restart interval of the source, in MCUs (0: none; informational).
    pub restart_interval: u16,
}

impl Coefficients {
    /// MCU width and height in pixels.
    pub fn mcu_size(&self) -> (u32, u32) {
        (8 * self.hmax as u32, 8 * self.vmax as u32)
    }
    /// MCUs across and down.
    pub fn mcus(&self) -> (usize, usize) {
        let (mw, mh) = self.mcu_size();
        (
            self.width.div_ceil(mw) as usize,
            self.height.div_ceil(mh) as usize,
        )
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_cosine_table_is_the_cosine() {
        for m in 0..100 {
            // cos of the rounded argument: off by up to ~1e-15 × m from the true value, which
            // the table holds.
            let want = (m as f64 * std::f64::consts::PI / 16.0).cos();
            let have = super::cos_pi_16(m);
            assert!((have - want).abs() < 1e-14, "{m}: {have} vs {want}");
        }
    }
}
