//! The fuzz harness's reading of raw bytes as (boxes, options, image), shared by the cargo-fuzz
//! target and the regression test that replays what the fuzzer found. Not part of the API.

use crate::ground::colour::Rgb;
use crate::ground::format::OutputFormat;
use crate::ground::geometry::Rect;
use crate::pipeline::inspect::inspect;
use crate::pipeline::redact::{redact, Options};

/// Runs `inspect` and `redact` on one fuzz input: the first 12 bytes steer the boxes and
/// options, the rest is the image. Errors are expected; a panic or hang is a bug.
pub fn run(data: &[u8]) {
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
        fill: Rgb {
            r: ctl[10],
            g: ctl[11],
            b: 0,
        },
        background: Rgb::WHITE,
        format: match ctl[11] % 3 {
            0 => None,
            1 => Some(OutputFormat::Png),
            _ => Some(OutputFormat::Jpeg),
        },
        quality: ctl[10] % 101,
    };
    let _ = inspect(image);
    let _ = redact(image, &boxes, &options);
}
