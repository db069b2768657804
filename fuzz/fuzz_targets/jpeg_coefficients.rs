//! Fuzzes the lossless JPEG path's coefficient reader and everything after it: arbitrary bytes
//! as a JPEG, read into coefficients, turned for every orientation, wiped and written. Any
//! panic, hang or oversized allocation is a bug; a `Decline` is fine. When a file is written,
//! reading it back must succeed (the writer only emits what the reader accepts).
#![no_main]

use libfuzzer_sys::fuzz_target;
use occlude::internals::jpeg::{self, reader, writer};
use occlude::{Rect, Rgb};

fuzz_target!(|data: &[u8]| {
    let Ok(c) = reader::read(data) else {
        return;
    };
    if let Ok(bytes) = writer::write(&c, writer::Tables::Optimized) {
        assert!(
            reader::read(&bytes).is_ok(),
            "the writer emitted a file the reader refuses"
        );
    }
    let o = data.last().map_or(1, |b| b % 8 + 1);
    let boxes = [Rect::new(1.0, 1.0, 17.0, 9.0)];
    let _ = jpeg::lossless(data, o, &boxes, Rgb::BLACK);
});
