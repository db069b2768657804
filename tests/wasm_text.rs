//! The text finder's wasm module in a browser.
#![cfg(target_arch = "wasm32")]
