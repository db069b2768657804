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

import { ENGINE_START, START_FAILED, WorkerClient } from './worker-client.js';

const OPTION_KEYS = new Set(['fill', 'background', 'format', 'quality']);

async function toBuffer(file) {
  if (file instanceof Blob) return file.arrayBuffer();
  if (file instanceof ArrayBuffer) return file.slice(0);
  if (ArrayBuffer.isView(file)) return file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength);
  throw new TypeError('redact(file, …): file must be a File, Blob, ArrayBuffer or typed array');
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

  const client = new WorkerClient({ name: 'occlude-api' });
  try {
    const result = await client.request('export', { bytes, ...request }, { signal, transfer: [bytes] });
    return { blob: new Blob([result.bytes], { type: result.mime }), report: result.report };
  } catch (err) {
    // The API's own words when the worker could not start at all.
    if (err?.code === ENGINE_START) throw new Error(err.message === START_FAILED ? START_FAILED : `${START_FAILED}: ${err.message}`);
    throw err;
  } finally {
    client.terminate(); // one worker per job: its wasm memory goes with it
  }
}
