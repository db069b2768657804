// The text finder's module from dist/pkg, called as dist/worker/text.js calls it (decode, then
// find), on the page's main thread so the driver can read the module's wasm memory. One fresh
// page per image: the memory after its runs is that image's peak (wasm memory never shrinks).
// The driver (tools/bench-text.mjs) calls one run at a time, so it can read the CPU time the
// page's process spent on each.

let text = null;
let wasm = null;
let bytes = null;

/** Instantiates the finder module; returns the milliseconds it took. */
window.load = async (variant) => {
  const t = performance.now();
  text = await import(`/dist/pkg/occlude_text${variant}.js`);
  wasm = await text.default({ module_or_path: `/dist/pkg/occlude_text${variant}_bg.wasm` });
  return performance.now() - t;
};

/** Fetches the image the next runs search. */
window.fetchImage = async (url) => {
  bytes = new Uint8Array(await (await fetch(url)).arrayBuffer());
  return bytes.length;
};

/**
 * Decodes and searches the fetched image once: its times (the detector's weights are loaded
 * first if it needs them and they are not yet: modelMs, not in the times), the wasm memory
 * after it, and the lines found when `keep`.
 */
window.findOnce = async (keep) => {
  const t0 = performance.now();
  const image = text.text_image(bytes, '');
  const t1 = performance.now();
  let modelMs = null;
  if (image.needs_model() && !text.text_model_loaded()) {
    const weights = new Uint8Array(await (await fetch('/dist/models/ppocrv5_det.onnx')).arrayBuffer());
    const t = performance.now();
    text.load_text_model(weights);
    modelMs = performance.now() - t;
  }
  const t2 = performance.now();
  let result;
  try {
    result = JSON.parse(image.find(() => true));
  } finally {
    image.free();
  }
  const t3 = performance.now();
  return {
    decode: t1 - t0,
    find: t3 - t2,
    total: t1 - t0 + (t3 - t2),
    modelMs,
    memory: wasm.memory.buffer.byteLength,
    network: result.network,
    lines: keep ? result.lines : null,
  };
};
