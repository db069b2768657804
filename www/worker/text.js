// The text finder inside the engine worker: imported by worker.js on the first 'findText'
// request, never before (the first load of the app does not carry it). It fetches, once per
// worker, the finder's own wasm module (pkg/occlude_text*.js: the core's decoders plus the
// finder, so the file is decoded and searched in one module, with no pixels copied between
// modules) and, only for a picture that needs it (a photo, not a clean render), the detector's
// weights (models/ppocrv5_det.onnx). What they are and how large: models/manifest.json, written
// by the build (tools/precache.mjs); the page reads the same file to say how large the one-time
// download is before it starts. The service worker keeps both after the first download.
// Once fetched and checked, the compiled module and the weights are also handed to the page to
// keep (`{keep}`, js/worker-client.js), which gives them to every later worker (self.kept): a
// fresh worker, as each Find text gets, then starts in tens of milliseconds with no fetch, hash
// or compile, and with the code the engine already optimised in the last one. Weights are kept
// as Blobs: immutable, made from the checked bytes, and cloned to a worker as a handle to the
// same data (no 21 MB copy into every worker, a text job or not); a worker reads one into its
// own memory only when it loads it.
// With `options.read`, the lines are also read and classified: the reader's weights and
// dictionary (models/ppocrv5_rec.onnx, ppocr_keys_v5.txt, about 14 MB gzipped) are fetched the
// first time reading is asked for (never otherwise), and kept like the rest.
//
//   findText({bytes, options: {mode, background, read}}, progress, loadFull)
//     -> {width, height, network, read, lines, stats}; each line {x, y, width, height, quad,
//        confidence, suggested} and, when read, {text, kind, why, safetyNet, readConfidence, chars}
//   progress: {stage: 'download', loaded, total}   bytes of this one-time download so far (the
//                                                  total drops to what was fetched when a clean
//                                                  render turns out not to need the weights)
//             {stage: 'full-module'}               a GIF, WebP, TIFF or BMP: decoded by the full module
//             {stage: 'find', fraction}            0–1 of the search itself
//             {stage: 'read', fraction, readers}   0–1 of the reading (only with read), and how
//                                                  many workers read (./reading.js)
//   coverText({lines, words}, progress) -> {boxes: [{x, y, width, height}], found: [{line, text}]}
//     a box over each place one of `words` is read in `lines` (as findText gave them, read)
// Errors carry a `code`: the core's (`corrupt`, `too-large`, `text-model`, ...) or this file's
// `text-download` (a file could not be fetched or is not the one the build made) and
// `needs-simd` (the engine cannot compile WebAssembly SIMD, and this build has no scalar finder).

import { hasSimd } from './simd.js';

const APP = new URL('../', import.meta.url);
const NEEDS_SIMD =
  'Find text needs a newer browser: one that runs WebAssembly SIMD (Chrome or Edge 91, Firefox 89, Safari 16.4 or later)';
/** The full module decodes a rare format to pixels at up to this many pixels a side (the core's limit). */
const MAX_SIDE = 20000;

let manifestReady = null;
let moduleReady = null;
let detectorReady = null;
let readerReady = null;

/** An error with the stable `code` the page and the API go by. */
class FinderError extends Error {
  constructor(message, code) {
    super(message);
    this.code = code;
  }
}

const megabytes = (n) => `${(n / 1e6).toFixed(1)} MB`;
const cannotDownload = (url, counter, err) =>
  `Find text could not download ${url} (${megabytes(counter.total)} in all, once; then it works offline): ${err.message}`;

/** What the build wrote about the finder's files (fetched once; small, and precached). */
function manifest() {
  manifestReady ??= fetch(new URL('models/manifest.json', APP))
    .then((res) => {
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      return res.json();
    })
    .catch((err) => {
      manifestReady = null;
      throw new FinderError(`Find text could not read what it needs to download (models/manifest.json: ${err.message})`, 'text-download');
    });
  return manifestReady;
}

/** The finder module's files for this engine, or the 'needs-simd' error. */
function moduleFiles(m) {
  const part = hasSimd() ? m.finder.simd : m.finder.scalar;
  if (!part) throw new FinderError(NEEDS_SIMD, 'needs-simd');
  return part.files;
}

/**
 * Fetches one file of the download, counting its bytes into `counter` (progress as they arrive)
 * and checking its size and, where the engine offers SHA-256 (secure contexts), its hash.
 */
async function fetchFile(file, counter) {
  let res;
  try {
    res = await fetch(new URL(file.url, APP));
  } catch (err) {
    throw new FinderError(cannotDownload(file.url, counter, err), 'text-download');
  }
  if (!res.ok) throw new FinderError(`Find text could not download ${file.url}: HTTP ${res.status}`, 'text-download');
  const chunks = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    counter.add(value.length);
  }
  if (size !== file.bytes) throw new FinderError(`${file.url} is ${size} bytes, not the ${file.bytes} this build made`, 'text-download');
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  if (file.sha256 && globalThis.crypto?.subtle) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    const hex = Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
    if (hex !== file.sha256) throw new FinderError(`${file.url} is not the file this build made (SHA-256 differs)`, 'text-download');
  }
  return bytes;
}

/** What an earlier worker fetched and checked (see the top), or undefined. */
const keptOf = (file) => self.kept?.[file.url];

/** Asks the page to keep `value` for later workers (not possible in every engine: then not). */
function keep(file, value) {
  (self.kept ??= {})[file.url] = value; // and ./reading.js's helpers
  try {
    self.postMessage({ keep: { [file.url]: value } });
  } catch {
    // An engine that cannot clone a WebAssembly.Module: later workers fetch it again.
  }
  return value;
}

/**
 * A file of weights: what the page kept, read into this worker, or fetched and checked (then
 * kept as a Blob of the checked bytes: see the top).
 */
async function weights(file, counter) {
  const blob = keptOf(file);
  if (blob) return new Uint8Array(await blob.arrayBuffer());
  const bytes = await fetchFile(file, counter);
  keep(file, new Blob([bytes]));
  return bytes;
}

/** What fetching `files` would download: the bytes of those not kept. */
const unkept = (files) => files.reduce((s, f) => s + (keptOf(f) ? 0 : f.bytes), 0);

/** What fetching the finder module would download: nothing once this worker has it or was given it. */
function moduleBytes(m) {
  const files = moduleFiles(m);
  return moduleReady || files.some(keptOf) ? 0 : files.reduce((s, f) => s + f.bytes, 0);
}

/** The finder module, instantiated once per worker. */
function loadModule(m, counter) {
  moduleReady ??= (async () => {
    const files = moduleFiles(m);
    const glue = files.find((f) => f.url.endsWith('.js'));
    const wasm = files.find((f) => f.url.endsWith('.wasm'));
    let module;
    try {
      module = await import(new URL(glue.url, APP).href);
    } catch (err) {
      throw new FinderError(cannotDownload(glue.url, counter, err), 'text-download');
    }
    let compiled = keptOf(wasm);
    if (!compiled) {
      counter.add(glue.bytes);
      compiled = keep(wasm, await WebAssembly.compile(await fetchFile(wasm, counter)));
    }
    await module.default({ module_or_path: compiled });
    return module;
  })().catch((err) => {
    moduleReady = null;
    throw err;
  });
  return moduleReady;
}

/** The detector's weights, loaded into the finder module once per worker. */
function loadDetector(m, text, counter) {
  detectorReady ??= (async () => {
    for (const file of m.finder.weights.files) text.load_text_model(await weights(file, counter));
  })().catch((err) => {
    detectorReady = null;
    throw err;
  });
  return detectorReady;
}

/** The reader's weights and dictionary, loaded into the finder module once per worker. */
function loadReader(m, text, counter) {
  readerReady ??= (async () => {
    const files = readerFiles(m);
    const rec = files.find((f) => f.url.endsWith('.onnx'));
    const keys = files.find((f) => f.url.endsWith('.txt'));
    const [recBytes, keyBytes] = [await weights(rec, counter), await weights(keys, counter)];
    text.load_text_reader(recBytes, new TextDecoder().decode(keyBytes));
  })().catch((err) => {
    readerReady = null;
    throw err;
  });
  return readerReady;
}

/**
 * The reader's weights and dictionary fetched and checked once, then kept (as Blobs), not
 * loaded: helpers load them to read (./reading.js); this worker only when it reads itself.
 */
async function fetchReader(m, counter) {
  for (const file of readerFiles(m)) if (!keptOf(file)) await weights(file, counter);
}

/** The reader's files, or an error when this copy of Occlude was built without them. */
function readerFiles(m) {
  if (!m.finder.reader) throw new FinderError('This copy of Occlude has no text reader (models/manifest.json lists none)', 'text-unavailable');
  return m.finder.reader.files;
}

/**
 * A running total of this request's download, reported at most every 1 % and at the end. The
 * total counts the weights too until the picture is known not to need them (a clean render):
 * `finish()` then reports the download done at what was fetched.
 */
function downloadCounter(total, progress) {
  let loaded = 0;
  let reported = -1;
  return {
    total,
    add(n) {
      loaded += n;
      if (total > 0 && (loaded - reported >= total / 100 || loaded >= total)) {
        reported = loaded;
        progress({ stage: 'download', loaded: Math.min(loaded, total), total });
      }
    },
    finish() {
      if (loaded > 0 && loaded < total) progress({ stage: 'download', loaded, total: loaded });
    },
  };
}

/** The lines of text in `bytes` (a file as opened), in pixels of the image as seen. */
export async function findText({ bytes, options }, progress, loadFull) {
  const m = await manifest();
  // What this request may download: the module unless this worker has it, the weights unless
  // loaded or kept (the detector's fetched only if the picture turns out to need them).
  const read = options?.read === true;
  const total = moduleBytes(m) + (detectorReady ? 0 : unkept(m.finder.weights.files)) + (read && !readerReady ? unkept(readerFiles(m)) : 0);
  const counter = downloadCounter(total, progress);
  const text = await loadModule(m, counter);
  const request = JSON.stringify(options ?? {});
  const input = new Uint8Array(bytes);
  let image;
  try {
    image = text.text_image(input, request);
  } catch (err) {
    if (err?.code !== 'needs-full-module') throw err;
    // GIF, WebP, TIFF, BMP, or a JPEG the core declines: the full module decodes it to pixels
    // (as the editor's preview does, at full size) and the finder takes those.
    progress({ stage: 'full-module' });
    const full = await loadFull();
    const p = full.preview(input, MAX_SIDE, options?.background ?? '#ffffff');
    try {
      image = text.text_image_from_rgba(p.take_rgba(), p.preview_width, p.preview_height, request);
    } finally {
      p.free();
    }
  }
  try {
    if (image.needs_model() && !text.text_model_loaded()) await loadDetector(m, text, counter);
    if (read && !text.text_reader_loaded()) await fetchReader(m, counter);
    counter.finish();
    // Reading is spread over the device's cores by ./reading.js (fetched only to read).
    const ownReader = () => text.text_reader_loaded() || loadReader(m, text, counter);
    if (read) return await (await import('./reading.js')).findAndRead(text, image, moduleFiles(m), readerFiles(m), progress, options, ownReader);
    return JSON.parse(image.find((fraction, stage) => progress({ stage, fraction }) ?? true));
  } finally {
    image.free();
  }
}

/** "Cover every…": a box over each place one of `words` is read in `lines` (see the top). */
export async function coverText({ lines, words }, progress) {
  const m = await manifest();
  const counter = downloadCounter(moduleBytes(m), progress);
  const text = await loadModule(m, counter);
  return JSON.parse(text.cover_text(JSON.stringify(lines ?? null), JSON.stringify(words ?? null)));
}
