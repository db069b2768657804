// The image engine: a module worker that owns the wasm. It is talked to only through
// js/worker-client.js (the editor's and the API's one client). The protocol:
//   request   {id, type, ...payload}            type: 'open' | 'export' | 'findText' | 'coverText' | 'version'
//   progress  {id, progress: {stage, ...}}      any number, before the reply
//   reply     {id, ok: true, result}  or  {id, ok: false, error: {name, message, code}}
// 'open' ({bytes, maxSide, background}) returns the preview pixels and what `inspect()` reads
// (as `inspection`, with the core's plain words for what the file carries); 'export'
// ({bytes, boxes, options, asIs?}) the new file and its report (asIs: no boxes, a clean copy,
// only when asked for); 'findText' ({bytes, options: {mode, background, read}}) the lines of
// text in the image as seen, {width, height, network, read, lines: [{x, y, width, height, quad,
// confidence, suggested}, and when read {text, kind, why, safetyNet, readConfidence, chars}],
// stats}, with progress {stage: 'download', loaded, total} while the finder (and, for read, the
// reader) is first fetched, then {stage: 'find', fraction} and, for read, {stage: 'read',
// fraction, readers}; 'coverText' ({lines, words}) a box over each place a word is read, {boxes: [{x, y,
// width, height}], found: [{line, text}]} (see ./text.js, which this worker imports only for
// those requests: the TEXT module and its weights are a third, lazily loaded part). Result buffers are transferred,
// never copied. Nothing cancels a job inside the worker (a wasm call cannot be interrupted): the
// client ends the whole worker instead, and starts a fresh one for the next request.
// One more message each way, with no id: the worker's `{keep: {url: value}}` asks the page to
// keep what a fresh worker would fetch, hash and compile again (./text.js), and a new worker's
// first message `{kept: {url: value}}` hands it back (self.kept).
//
// Two builds of the same core (see tools/build): the small CORE module (JPEG and PNG), loaded
// at once, and the FULL module (adds GIF, WebP, TIFF, BMP, and the `image` crate's JPEG decoder
// for the JPEGs the core's own decoder declines: CMYK, arithmetic-coded, 12-bit), fetched only
// when the core answers a request with the error code `needs-full-module` (it sniffs the format
// itself and refuses what it lacks before any work). The request then runs again on the full
// module, with a progress message `{stage: 'full-module'}` first; the page sees one engine.
//
// Each comes in two variants: compiled with wasm SIMD128 (pkg/occlude*.js) and without it
// (pkg/occlude*_scalar.js), for engines that cannot compile SIMD (Safari before 16.4, Chrome
// before 91, Firefox before 89, CPUs without SSE4.1). WebAssembly.validate on the tiny module
// in ./simd.js says which; only that variant is ever fetched. (www/sw.js precaches by the same
// probe: tools/precache.mjs writes it in.)

import { hasSimd } from './simd.js';

const SIMD = hasSimd();

// Each glue file fetches its own .wasm beside it (pkg/occlude_bg.wasm for pkg/occlude.js, ...)
// when its init is given no module.
const coreReady = (SIMD ? import('../pkg/occlude.js') : import('../pkg/occlude_scalar.js')).then(async (core) => {
  await core.default();
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
    await full.default();
    return full;
  });
  return fullReady;
}

async function open(engine, { bytes, maxSide, background }) {
  const input = new Uint8Array(bytes);
  // What the file carries besides its pixels (headers only; cheap). Optional: an older core,
  // or a header it cannot read, still lets the image open.
  let inspection = null;
  try {
    inspection = JSON.parse(engine.inspect(input));
  } catch (err) {
    if (err?.code === 'needs-full-module') throw err;
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

async function exportFile(engine, { bytes, boxes, options, asIs }) {
  // asIs: no boxes on purpose, a clean copy (the core refuses an empty list otherwise).
  const r = engine.redact(new Uint8Array(bytes), JSON.stringify(asIs ? { boxes, options, asIs } : { boxes, options }));
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

/**
 * Runs `handler` on the core, or on the full module when the core says the file needs it (its
 * `needs-full-module` error: the core sniffs the format and refuses, before any work, what this
 * build lacks; nothing here restates the sniffing).
 */
async function run(handler, msg, progress) {
  try {
    return await handler(await coreReady, msg);
  } catch (err) {
    if (err?.code !== 'needs-full-module') throw err;
    progress({ stage: 'full-module' });
    return handler(await loadFull(), msg);
  }
}

/** 'findText' and 'coverText': the text finder's own module, imported on first use (see ./text.js). */
const TEXT_REQUESTS = new Set(['findText', 'coverText']);
async function textRequest(msg, progress) {
  // ./text.js exports a function of each request's name (coverText takes no loadFull).
  const text = await import('./text.js');
  return { result: await text[msg.type](msg, progress, loadFull), transfer: [] };
}

self.addEventListener('message', async (e) => {
  const msg = e.data;
  // What the page kept from an earlier worker (see js/worker-client.js), for ./text.js.
  if (msg.kept) return void (self.kept = msg.kept);
  const progress = (p) => self.postMessage({ id: msg.id, progress: p });
  try {
    const handler = handlers[msg.type];
    if (!handler && !TEXT_REQUESTS.has(msg.type)) throw new Error(`unknown request ${msg.type}`);
    const { result, transfer } = handler ? await run(handler, msg, progress) : await textRequest(msg, progress);
    self.postMessage({ id: msg.id, ok: true, result }, transfer);
  } catch (err) {
    const name = err instanceof WebAssembly.RuntimeError ? 'RuntimeError' : err?.name || 'Error';
    const error = { name, message: String(err?.message ?? err) };
    if (typeof err?.code === 'string') error.code = err.code; // the core's stable Error::code()
    self.postMessage({ id: msg.id, ok: false, error });
  }
});
