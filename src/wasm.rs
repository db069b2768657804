//! The WebAssembly binding (wasm32 only): placeholder until the web layer lands.
