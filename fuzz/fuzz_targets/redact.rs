//! Fuzzes the whole pipeline: arbitrary bytes as the image, the first bytes steering the boxes
//! and options. Any panic, hang or oversized allocation is a bug; errors are fine.
#![no_main]

use libfuzzer_sys::fuzz_target;
use occlude::{Options, OutputFormat, Rect, Rgb};

fuzz_target!(|data: &[u8]| {
    if data.len() < 12 {
        return;
    }
    let (ctl, image) = data.split_at(12);
    let n = usize::from(ctl[0] % 4);
    let boxes: Vec<Rect> = (0..n)
        .map(|i| {
            let v = |k: usize| f64::from(ctl[1 + (i * 2 + k) % 10]) - 16.0;
            Rect::new(v(0), v(1), v(0).abs() + 1.0, v(1).abs() + 0.5)
        })
        .collect();
    let options = Options {
        fill: Rgb { r: ctl[10], g: ctl[11], b: 0 },
        background: Rgb::WHITE,
        format: match ctl[11] % 3 {
            0 => None,
            1 => Some(OutputFormat::Png),
            _ => Some(OutputFormat::Jpeg),
        },
        quality: ctl[10] % 101,
    };
    let _ = occlude::inspect(image);
    let _ = occlude::redact(image, &boxes, &options);
});
