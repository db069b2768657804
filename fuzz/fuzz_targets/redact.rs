//! Fuzzes the whole pipeline (inspect + redact) with arbitrary bytes as the image and the first
//! bytes steering boxes and options; see `occlude::internals::fuzzing`. Errors are fine; panics are bugs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| occlude::internals::fuzzing::run(data));
