//! The JPEG codec's data model: an image as quantised DCT coefficients, per component, in
//! zig-zag order.

/// `ZIGZAG[k]` is the natural (row-major, row = vertical frequency) index of the k-th
/// coefficient in zig-zag order. Coefficients are stored in zig-zag order throughout.
pub const ZIGZAG: [usize; 64] = [
    0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20,
    13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59,
    52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

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
