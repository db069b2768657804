// The one wasm SIMD128 probe. The engine worker (worker.js) imports it to pick the SIMD or the
// scalar build of the wasm modules; tools/precache.mjs writes the same bytes into dist/sw.js,
// so the service worker precaches exactly the variant the worker will fetch. Nothing else may
// restate it.

/** The smallest module with a SIMD instruction: valid only where wasm SIMD128 is supported. */
export const SIMD_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // type section: one type, func () -> ()
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x17, 0x01, 0x15, 0x00, // code section (23 bytes): one body of 21 bytes, no locals
  0xfd, 0x0c, ...new Array(16).fill(0), // v128.const i8x16 0 … 0 (opcode 0xfd 12, 16 immediate bytes)
  0x1a, 0x0b, // drop, end
]);

/** True where this engine can compile wasm SIMD128 (false on Safari < 16.4, CPUs without SSE4.1, ...). */
export const hasSimd = () => WebAssembly.validate(SIMD_PROBE);
