// Occlude's scripted API: redact an image from your own code, in a worker, on this device.
//
//   import { redact } from './js/api.js';
//   const { blob, report } = await redact(file, [{ x: 10, y: 10, width: 300, height: 40 }],
//                                         { fill: '#000000', format: 'png' });
//
// `file`: a File, Blob, ArrayBuffer or typed array of JPEG, PNG, WebP, GIF, BMP or TIFF bytes.
// `boxes`: [{x, y, width, height}] in pixels of the image as seen (after EXIF orientation);
//   fractions round outwards, boxes partly outside are clipped, a box wholly outside is an error.
// `options` (all optional): fill '#RRGGBB' (default black), background '#RRGGBB' for
//   transparency (default white), format 'png' | 'jpeg' (default: JPEG for JPEG/WebP input,
//   else PNG), quality 1–100 (JPEG, default 90), signal (an AbortSignal that cancels the job).
// Resolves with {blob, report}: the new file (blob.type is its MIME type) and what was done
// and verified (boxes, outputFormat, outputBytes, orientation, ...). Rejects with an Error
// whose message is written for people.
//
// Each call starts its own worker (the same www/worker/worker.js the editor uses, through the
// same client, worker-client.js) and ends it when the job is done, so memory is returned and
// jobs never share state.
//
//   const { width, height, lines } = await findText(file, { signal, onProgress });
//
// Finds the lines of text in the image as seen (after EXIF orientation): each line
// {x, y, width, height, quad, confidence}, a box in image pixels (rounded outwards; ready to
// pass to redact()), its corners [[x, y] × 4] (top-left, top-right, bottom-right, bottom-left
// as read) when it is tilted by more than 1°, else null, and a confidence 0–1. A help, not a
// guarantee: look at the image and box what it missed. The first call on a device downloads
// the text finder once (module and, for photos, the detector's weights: findTextDownload()
// says how much before); the service worker keeps it for offline use. Options: signal
// (AbortSignal), onProgress ({stage: 'download', loaded, total} | {stage: 'find', fraction}
// | {stage: 'full-module'}), mode ('auto' | 'classical' | 'network'), background ('#RRGGBB',
// for transparency). Rejects with an Error whose `code` says what went wrong: the core's
// (`empty`, `unsupported`, `corrupt`, `truncated`, `too-large`, ...), `text-download` (the
// download failed, e.g. offline before the first use), `needs-simd` (a browser without
// WebAssembly SIMD), `text-unavailable` (the single-file build, which leaves the finder out).
//
//   const { lines } = await findText(file, { read: true, signal, onProgress });
//   const { boxes, found } = await coverText(lines, ['Doe']);
//
// With `read: true` each line is also read on this device and classified: {text, kind
// ('identifier' | 'clinical' | 'other'), suggested, why, safetyNet, readConfidence, chars}.
// Every line is suggested except those read, with confidence, as clinical only (a measurement,
// an eye label, a finding); `why` says in plain words what the line is ("a date", "an NHS
// number", "clinical: IOP", "low confidence") and `safetyNet` what it holds ("a date,
// 12/03/1961"). Without `read`, every line has `suggested: true` and no text. Reading needs a
// one-time download of the reader (about 14 MB gzipped: findTextDownload({read: true}) says how
// much before); progress then also reports {stage: 'read', fraction, readers}: the reading runs
// on up to 3 of the device's cores (`readers` says how many; the option `readers: n`, at most n). `chars` gives each
// character's place along the line, for coverText(lines, words): a box (rounded outwards) over
// each place one of `words` is read, case- and accent-insensitive, whole words only, with
// `found` [{line, text}] saying where. The person still confirms every box.

import { ENGINE_START, START_FAILED, WorkerClient } from './worker-client.js';

const OPTION_KEYS = new Set(['fill', 'background', 'format', 'quality']);
const TEXT_OPTION_KEYS = new Set(['mode', 'background', 'read', 'readers']);

async function toBuffer(file, caller = 'redact') {
  if (file instanceof Blob) return file.arrayBuffer();
  if (file instanceof ArrayBuffer) return file.slice(0);
  if (ArrayBuffer.isView(file)) return file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  throw new TypeError(`${caller}(file, …): file must be a File, Blob, ArrayBuffer or typed array`);
}

function checkBoxes(boxes) {
  if (!Array.isArray(boxes) || boxes.length === 0) throw new TypeError('redact(…, boxes): give at least one box {x, y, width, height}');
  return boxes.map((b, i) => {
    const box = { x: b?.x, y: b?.y, width: b?.width, height: b?.height };
    for (const [k, v] of Object.entries(box)) {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`redact(…, boxes): box ${i + 1} needs a number ${k}`);
    }
    return box;
  });
}

function checkOptions(options) {
  const out = {};
  for (const [k, v] of Object.entries(options || {})) {
    if (k === 'signal' || v === undefined) continue;
    if (!OPTION_KEYS.has(k)) throw new TypeError(`redact(…, options): unknown option ${k} (known: fill, background, format, quality, signal)`);
    out[k] = k === 'format' && v === 'jpg' ? 'jpeg' : v;
  }
  return Object.keys(out).length ? out : null;
}

/**
 * Redacts `file`: burns `boxes` and returns a new file with no metadata.
 * @param {Blob | ArrayBuffer | ArrayBufferView} file
 * @param {{x: number, y: number, width: number, height: number}[]} boxes
 * @param {{fill?: string, background?: string, format?: 'png' | 'jpeg', quality?: number, signal?: AbortSignal}} [options]
 * @returns {Promise<{blob: Blob, report: object}>}
 */
export async function redact(file, boxes, options = {}) {
  const signal = options?.signal;
  const request = { boxes: checkBoxes(boxes), options: checkOptions(options) };
  signal?.throwIfAborted();
  const bytes = await toBuffer(file);
  signal?.throwIfAborted();
  const result = await job('export', { bytes, ...request }, { signal, transfer: [bytes] });
  return { blob: new Blob([result.bytes], { type: result.mime }), report: result.report };
}

/** One request in a worker of its own, ended when it is done (its wasm memory goes with it). */
async function job(type, payload, options) {
  const client = new WorkerClient({ name: 'occlude-api' });
  try {
    return await client.request(type, payload, options);
  } catch (err) {
    // The API's own words when the worker could not start at all.
    if (err?.code === ENGINE_START) throw new Error(err.message === START_FAILED ? START_FAILED : `${START_FAILED}: ${err.message}`);
    throw err;
  } finally {
    client.terminate();
  }
}

/**
 * Finds the lines of text in `file` (see the top of this file).
 * @param {Blob | ArrayBuffer | ArrayBufferView} file
 * @param {{signal?: AbortSignal, onProgress?: (p: object) => void, mode?: 'auto' | 'classical' | 'network', background?: string, read?: boolean, readers?: number}} [options]
 * @returns {Promise<{width: number, height: number, read: boolean, lines: {x: number, y: number, width: number, height: number, quad: number[][] | null, confidence: number, suggested: boolean, text?: string, kind?: string, why?: string, safetyNet?: string, readConfidence?: number, chars?: number[][]}[]}>}
 */
export async function findText(file, options = {}) {
  const { signal, onProgress } = options ?? {};
  const request = {};
  for (const [k, v] of Object.entries(options ?? {})) {
    if (k === 'signal' || k === 'onProgress' || v === undefined) continue;
    if (!TEXT_OPTION_KEYS.has(k)) throw new TypeError(`findText(…, options): unknown option ${k} (known: mode, background, read, readers, signal, onProgress)`);
    if (k === 'read' && typeof v !== 'boolean') throw new TypeError('findText(…, options): read must be true or false');
    if (k === 'readers' && !(Number.isInteger(v) && v > 0)) throw new TypeError('findText(…, options): readers must be a whole number, 1 or more');
    request[k] = v;
  }
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new TypeError('findText(…, options): onProgress must be a function');
  signal?.throwIfAborted();
  const bytes = await toBuffer(file, 'findText');
  signal?.throwIfAborted();
  const found = await job('findText', { bytes, options: request }, { signal, transfer: [bytes], onProgress });
  return { width: found.width, height: found.height, read: found.read, lines: found.lines };
}

/**
 * "Cover every…": a box over each place one of `words` is read in `lines` (as findText(…,
 * {read: true}) gave them; lines not read are skipped). Case- and accent-insensitive, whole
 * words; boxes in image pixels, rounded outwards, ready for redact(). Runs in the text module
 * (downloaded once, like findText's), on this device.
 * @param {object[]} lines
 * @param {string[]} words
 * @param {{signal?: AbortSignal}} [options]
 * @returns {Promise<{boxes: {x: number, y: number, width: number, height: number}[], found: {line: number, text: string}[]}>}
 */
export async function coverText(lines, words, options = {}) {
  if (!Array.isArray(lines)) throw new TypeError('coverText(lines, …): lines must be the array findText() gave');
  if (!Array.isArray(words) || words.length === 0 || !words.every((w) => typeof w === 'string'))
    throw new TypeError('coverText(…, words): give an array of one or more words');
  const signal = options?.signal;
  signal?.throwIfAborted();
  return job('coverText', { lines, words }, { signal });
}

/**
 * What findText() downloads the first time it runs on this device, known before anything is
 * fetched: {bytes, gzipBytes, toDownload, files: [{url, bytes, gzip, cached}]}; with
 * {read: true}, the reader's files too (findText(…, {read: true}) fetches them on first use),
 * and `reader` {bytes, gzipBytes, toDownload} gives the reader's part alone. `toDownload`
 * counts the files not yet kept by the service worker (0 once Find text has been used, and
 * then it works offline); the detector's weights, most of it, are fetched only for a photo.
 * Rejects with code `needs-simd` in a browser without WebAssembly SIMD when the build has no
 * scalar finder, and `text-unavailable` when this copy of Occlude has no text finder.
 */
export async function findTextDownload({ read = false } = {}) {
  let manifest;
  try {
    const res = await fetch(new URL('../models/manifest.json', import.meta.url));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    manifest = await res.json();
  } catch (err) {
    throw Object.assign(new Error(`This copy of Occlude has no text finder (models/manifest.json: ${err.message})`), { code: 'text-unavailable' });
  }
  const { hasSimd } = await import('../worker/simd.js');
  const module = hasSimd() ? manifest.finder.simd : manifest.finder.scalar;
  if (!module) throw Object.assign(new Error('Find text needs a newer browser: one that runs WebAssembly SIMD'), { code: 'needs-simd' });
  if (read && !manifest.finder.reader) throw Object.assign(new Error('This copy of Occlude has no text reader'), { code: 'text-unavailable' });
  const readerUrls = new Set(read ? manifest.finder.reader.files.map((f) => f.url) : []);
  const files = await Promise.all(
    [...module.files, ...manifest.finder.weights.files, ...(read ? manifest.finder.reader.files : [])].map(async ({ url, bytes, gzip }) => {
      const href = new URL(`../${url}`, import.meta.url).href;
      const cached = typeof caches === 'undefined' ? false : !!(await caches.match(href).catch(() => undefined));
      return { url, bytes, gzip, cached };
    }),
  );
  const sum = (list, key) => list.reduce((s, f) => s + f[key], 0);
  const part = (list) => ({ bytes: sum(list, 'bytes'), gzipBytes: sum(list, 'gzip'), toDownload: sum(list.filter((f) => !f.cached), 'bytes') });
  const out = { ...part(files), files };
  if (read) out.reader = part(files.filter((f) => readerUrls.has(f.url)));
  return out;
}
