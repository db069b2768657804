// The image engine: a module worker that owns the wasm core. Messages are
// `{id, type: 'open' | 'export', bytes: ArrayBuffer, ...}` ('open' also returns what `inspect()`
// reads, as `inspection`); replies are `{id, ok, result}` or
// `{id, ok: false, error: {name, message}}`. Result buffers are transferred, never copied.
//
// Two builds of the same core (see tools/build): the small CORE module (JPEG and PNG), loaded
// at once, and the FULL module (adds GIF, WebP, TIFF, BMP, and the `image` crate's JPEG decoder
// for the JPEGs the core's own decoder declines: CMYK, arithmetic-coded, 12-bit), fetched only
// when a request needs it: when the file's first bytes name a format the core lacks, or when the
// core answers with the error code `needs-full-module`. The request then runs again on the full
// module; the page never sees the difference.
//
// Each comes in two variants: compiled with wasm SIMD128 (pkg/occlude*.js) and without it
// (pkg/occlude*_scalar.js), for engines that cannot compile SIMD (Safari before 16.4, Chrome
// before 91, Firefox before 89, CPUs without SSE4.1). WebAssembly.validate on the tiny module
// in ./simd.js says which; only that variant is ever fetched. (www/sw.js precaches by the same
// probe: tools/precache.mjs writes it in.)

import { hasSimd } from './simd.js';

const SIMD = hasSimd();

const coreReady = (SIMD ? import('../pkg/occlude.js') : import('../pkg/occlude_scalar.js')).then(async (core) => {
  const wasm = SIMD ? '../pkg/occlude_bg.wasm' : '../pkg/occlude_scalar_bg.wasm';
  await core.default({ module_or_path: new URL(wasm, import.meta.url) });
  // The worker is started ahead of time, before the job it is for: run every codec path once on
  // a small made-up picture now, so the engine has optimised code ready when the job comes
  // (V8 swaps optimised code in only at a call; a 12 MP export measured 0.55× → 0.41× the
  // canvas path). Not needed for correctness: a failure here only costs speed.
  try {
    core.warm_up();
  } catch (err) {
    console.warn('occlude: warm-up failed', err);
  }
  return core;
});
let fullReady = null;

/** The full module, fetched and instantiated on first use (then kept for this worker's life). */
function loadFull() {
  fullReady ??= (SIMD ? import('../pkg/occlude_full.js') : import('../pkg/occlude_full_scalar.js')).then(async (full) => {
    const wasm = SIMD ? '../pkg/occlude_full_bg.wasm' : '../pkg/occlude_full_scalar_bg.wasm';
    await full.default({ module_or_path: new URL(wasm, import.meta.url) });
    return full;
  });
  return fullReady;
}

/** Formats only the full module decodes, from their signatures (as src/sniff.rs reads them). */
function needsFull(bytes) {
  const b = new Uint8Array(bytes, 0, Math.min(bytes.byteLength, 12));
  const ascii = (from, text) => [...text].every((c, i) => b[from + i] === c.charCodeAt(0));
  return (
    ascii(0, 'GIF87a') ||
    ascii(0, 'GIF89a') ||
    (ascii(0, 'RIFF') && ascii(8, 'WEBP')) ||
    ascii(0, 'BM') ||
    ascii(0, 'II*\0') ||
    ascii(0, 'MM\0*')
  );
}

async function open(engine, { bytes, maxSide, background }) {
  const input = new Uint8Array(bytes);
  // What the file carries besides its pixels (headers only; cheap). Optional: an older core,
  // or a header it cannot read, still lets the image open.
  let inspection = null;
  try {
    inspection = JSON.parse(engine.inspect(input));
  } catch {
    inspection = null;
  }
  const p = engine.preview(input, maxSide, background);
  try {
    const rgba = p.take_rgba(); // a fresh Uint8Array outside wasm memory
    return {
      result: {
        width: p.width,
        height: p.height,
        previewWidth: p.preview_width,
        previewHeight: p.preview_height,
        format: p.format,
        orientation: p.orientation,
        hadAlpha: p.had_alpha,
        frames: p.frames,
        inspection,
        rgba: rgba.buffer,
      },
      transfer: [rgba.buffer],
    };
  } finally {
    p.free();
  }
}

async function exportFile(engine, { bytes, boxes, options }) {
  const r = engine.redact(new Uint8Array(bytes), JSON.stringify({ boxes, options }));
  try {
    const out = r.take_bytes();
    return {
      result: { bytes: out.buffer, mime: r.mime(), extension: r.extension(), report: JSON.parse(r.report_json()) },
      transfer: [out.buffer],
    };
  } finally {
    r.free();
  }
}

const handlers = {
  open,
  export: exportFile,
  version: async (engine) => ({ result: engine.version(), transfer: [] }),
};

/** Runs `handler` on the core, or on the full module when the request needs it. */
async function run(handler, msg) {
  if (msg.bytes instanceof ArrayBuffer && needsFull(msg.bytes)) return handler(await loadFull(), msg);
  try {
    return await handler(await coreReady, msg);
  } catch (err) {
    if (err?.code !== 'needs-full-module') throw err;
    return handler(await loadFull(), msg);
  }
}

self.addEventListener('message', async (e) => {
  const msg = e.data;
  try {
    const handler = handlers[msg.type];
    if (!handler) throw new Error(`unknown request ${String(msg.type)}`);
    const { result, transfer } = await run(handler, msg);
    self.postMessage({ id: msg.id, ok: true, result }, transfer);
  } catch (err) {
    const name = err instanceof WebAssembly.RuntimeError ? 'RuntimeError' : err?.name || 'Error';
    self.postMessage({ id: msg.id, ok: false, error: { name, message: String(err?.message ?? err) } });
  }
});
