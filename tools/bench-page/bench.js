// The benchmark page (driven by tools/bench.mjs through Playwright; see tools/bench).
// Everything runs in this one page session: deterministic test images are drawn here, then
// each case is run through Occlude (a fresh engine worker per job, as the app does) and through
// the browser's canvas path (createImageBitmap → OffscreenCanvas → fillRect → convertToBlob).
// The driver calls the functions on `window.bench` and does the statistics.

import { WorkerClient } from '../js/worker-client.js';

const images = new Map(); // name → {bytes: Uint8Array, mime, width, height (as seen)}

/** mulberry32: a tiny seeded PRNG, so every run draws the same pictures. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fundus-photo-like picture: smooth colour fields, soft blobs, branching strokes, grain. */
function drawPhoto(width, height, seed) {
  const r = rng(seed);
  const c = new OffscreenCanvas(width, height);
  const g = c.getContext('2d');
  const s = Math.max(width, height);
  const bg = g.createLinearGradient(0, 0, width, height);
  bg.addColorStop(0, '#3a1408');
  bg.addColorStop(0.5, '#b4501e');
  bg.addColorStop(1, '#5a200c');
  g.fillStyle = bg;
  g.fillRect(0, 0, width, height);
  for (let i = 0; i < 48; i++) {
    const x = r() * width;
    const y = r() * height;
    const rad = (0.03 + 0.25 * r()) * s;
    const rg = g.createRadialGradient(x, y, 0, x, y, rad);
    const [cr, cg, cb] = [150 + 105 * r(), 60 + 120 * r(), 20 + 80 * r()].map(Math.round);
    rg.addColorStop(0, `rgba(${cr},${cg},${cb},${(0.25 + 0.5 * r()).toFixed(2)})`);
    rg.addColorStop(1, `rgba(${cr},${cg},${cb},0)`);
    g.fillStyle = rg;
    g.fillRect(0, 0, width, height);
  }
  // Vessel-like branching curves of varying width.
  g.lineCap = 'round';
  for (let i = 0; i < 60; i++) {
    g.strokeStyle = `rgba(${90 + Math.round(60 * r())},${20 + Math.round(20 * r())},10,${(0.4 + 0.5 * r()).toFixed(2)})`;
    g.lineWidth = (0.0008 + 0.004 * r()) * s;
    g.beginPath();
    g.moveTo(width / 2 + (r() - 0.5) * 0.1 * width, height / 2 + (r() - 0.5) * 0.1 * height);
    g.bezierCurveTo(r() * width, r() * height, r() * width, r() * height, r() * width, r() * height);
    g.stroke();
  }
  // Fine grain: a 509×509 tile of seeded noise (prime size so rows do not line up with blocks).
  const T = 509;
  const tile = new OffscreenCanvas(T, T);
  const tg = tile.getContext('2d');
  const id = tg.createImageData(T, T);
  for (let i = 0; i < id.data.length; i += 4) {
    const v = Math.round(255 * r());
    id.data[i] = v;
    id.data[i + 1] = v;
    id.data[i + 2] = v;
    id.data[i + 3] = 40;
  }
  tg.putImageData(id, 0, 0);
  g.globalCompositeOperation = 'overlay';
  g.fillStyle = g.createPattern(tile, 'repeat');
  g.fillRect(0, 0, width, height);
  g.globalCompositeOperation = 'source-over';
  // A burned-in caption, as fundus cameras print one.
  g.fillStyle = '#f0f0f0';
  g.font = `${Math.round(height / 40)}px sans-serif`;
  g.fillText('DOE, JANE  1957-03-14  ID 0048213  OD', width * 0.06, height * 0.1);
  return c;
}

/** A screenshot of practice software: flat UI colours, rules, text. */
function drawScreenshot(width, height, seed) {
  const r = rng(seed);
  const c = new OffscreenCanvas(width, height);
  const g = c.getContext('2d');
  g.fillStyle = '#f6f7f9';
  g.fillRect(0, 0, width, height);
  g.fillStyle = '#203c64';
  g.fillRect(0, 0, width, 56);
  g.fillStyle = '#e4e8ee';
  g.fillRect(0, 56, 300, height - 56);
  g.fillStyle = '#ffffff';
  g.font = '22px sans-serif';
  g.fillText('Practice Manager — Patient record', 20, 36);
  g.font = '15px sans-serif';
  const words = ['Visual', 'acuity', 'OD', 'OS', '6/6', 'IOP', '14', 'mmHg', 'Disc', 'C/D', '0.3', 'Macula', 'flat', 'Doe', 'Jane', 'DOB', '14/03/1957', 'NHS', '485 777 3456', 'Refer', 'routine'];
  for (let i = 0; i < 12; i++) {
    g.fillStyle = '#2b3440';
    g.fillText(`Menu item ${i + 1}`, 24, 100 + i * 34);
  }
  for (let row = 0; row < 60; row++) {
    const y = 96 + row * 22;
    if (y > height - 10) break;
    g.fillStyle = row % 2 ? '#ffffff' : '#f0f3f7';
    g.fillRect(320, y - 15, width - 340, 22);
    g.fillStyle = '#d2d6dc';
    g.fillRect(320, y + 6, width - 340, 1);
    g.fillStyle = r() < 0.1 ? '#c0392b' : '#1e1e22';
    let x = 330;
    while (x < width - 200) {
      const w = words[Math.floor(r() * words.length)];
      g.fillText(w, x, y);
      x += g.measureText(w).width + 10 + Math.floor(r() * 30);
    }
  }
  g.strokeStyle = '#1d6fd1';
  g.lineWidth = 2;
  g.beginPath();
  for (let x = 0; x < 600; x += 4) g.lineTo(1900 + x, 1200 - 100 * Math.sin(x / 40) - 60 * r());
  g.stroke();
  return c;
}

/** An EXIF APP1 (Make, Model, Orientation) spliced in right after SOI. */
function withExif(jpeg, orientation) {
  const te = new TextEncoder();
  const make = te.encode('BenchCam\0');
  const model = te.encode('Model 12\0');
  const entries = 3;
  const dataOff = 8 + 2 + entries * 12 + 4;
  const tiff = new Uint8Array(dataOff + make.length + model.length);
  const dv = new DataView(tiff.buffer);
  tiff.set([0x49, 0x49, 0x2a, 0x00]);
  dv.setUint32(4, 8, true);
  dv.setUint16(8, entries, true);
  const entry = (i, tag, type, count, value) => {
    const o = 10 + i * 12;
    dv.setUint16(o, tag, true);
    dv.setUint16(o + 2, type, true);
    dv.setUint32(o + 4, count, true);
    if (type === 3) dv.setUint16(o + 8, value, true);
    else dv.setUint32(o + 8, value, true);
  };
  entry(0, 0x010f, 2, make.length, dataOff);
  entry(1, 0x0110, 2, model.length, dataOff + make.length);
  entry(2, 0x0112, 3, 1, orientation);
  tiff.set(make, dataOff);
  tiff.set(model, dataOff + make.length);
  const app1Len = 2 + 6 + tiff.length;
  const out = new Uint8Array(jpeg.length + 2 + app1Len);
  out.set(jpeg.subarray(0, 2), 0);
  out.set([0xff, 0xe1, app1Len >> 8, app1Len & 0xff], 2);
  out.set(te.encode('Exif\0\0'), 6);
  out.set(tiff, 12);
  out.set(jpeg.subarray(2), 12 + tiff.length);
  return out;
}

/** The boxes of every case, as fractions of the image as seen (as in bench/benches/core.rs). */
const BOX_FRACTIONS = [
  [0.05, 0.05, 0.3, 0.06],
  [0.55, 0.4, 0.2, 0.15],
  [0.1, 0.85, 0.5, 0.05],
];
function boxesFor(width, height) {
  return BOX_FRACTIONS.map(([x, y, w, h]) => ({ x: x * width, y: y * height, width: w * width, height: h * height }));
}

async function makeImages() {
  const out = {};
  const t0 = performance.now();
  for (const [name, w, h] of [['photo12', 4000, 3000], ['photo48', 8000, 6000]]) {
    const c = drawPhoto(w, h, 12345);
    const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
    const jpeg = new Uint8Array(await blob.arrayBuffer());
    images.set(`${name}-o1`, { bytes: withExif(jpeg, 1), mime: 'image/jpeg', width: w, height: h });
    if (name === 'photo12') images.set(`${name}-o6`, { bytes: withExif(jpeg, 6), mime: 'image/jpeg', width: h, height: w });
  }
  {
    const c = drawScreenshot(2560, 1440, 777);
    const blob = await c.convertToBlob({ type: 'image/png' });
    images.set('screen', { bytes: new Uint8Array(await blob.arrayBuffer()), mime: 'image/png', width: 2560, height: 1440 });
  }
  for (const [name, im] of images) out[name] = { bytes: im.bytes.length, width: im.width, height: im.height, mime: im.mime };
  out.generateMs = performance.now() - t0;
  return out;
}

function once(worker, message, transfer = []) {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.ok ? resolve(e.data) : reject(new Error(e.data.error)));
    worker.onerror = (e) => reject(new Error(e.message || 'worker error'));
    worker.postMessage(message, transfer);
  });
}

/** One Occlude job through the bench engine worker: startup, then the export, then end it. */
async function occludeRun(name, format) {
  const im = images.get(name);
  const t0 = performance.now();
  const worker = new Worker(new URL('./bench-worker.js', import.meta.url), { type: 'module' });
  const ready = await once(worker, { type: 'init' });
  const t1 = performance.now();
  const copy = im.bytes.slice().buffer; // the app copies the file's bytes before transferring them
  const t2 = performance.now();
  const msg = await once(worker, { type: 'export', bytes: copy, boxes: boxesFor(im.width, im.height), options: { format, quality: 90 } }, [copy]);
  const t3 = performance.now();
  worker.terminate();
  const rep = msg.result.report;
  return {
    startupMs: t1 - t0,
    initMs: ready.initMs,
    jobMs: t3 - t2,
    redactMs: msg.redactMs,
    fullLoadMs: msg.fullLoadMs,
    module: msg.module,
    timings: rep.timings,
    outBytes: msg.result.bytes.byteLength,
    path: rep.path,
    pathReason: rep.pathReason,
    width: rep.width,
    height: rep.height,
    verification: rep.verification,
    memoryInit: ready.memory,
    memoryAfter: msg.memoryAfter,
  };
}

/** One job through the app's own worker (dist/worker/worker.js via dist/js/worker-client.js). */
async function appWorkerRun(name, format) {
  const im = images.get(name);
  const client = new WorkerClient();
  const t0 = performance.now();
  await client.request('version', {});
  const t1 = performance.now();
  const copy = im.bytes.slice().buffer;
  const t2 = performance.now();
  const out = await client.request('export', { bytes: copy, boxes: boxesFor(im.width, im.height), options: { format, quality: 90 } }, { transfer: [copy] });
  const t3 = performance.now();
  client.terminate('bench done');
  return { startupMs: t1 - t0, jobMs: t3 - t2, timings: out.report.timings, outBytes: out.bytes.byteLength, path: out.report.path };
}

/** The browser's own path with the same boxes and output type (JPEG quality 0.9). */
async function canvasRun(name, format) {
  const im = images.get(name);
  const blob = new Blob([im.bytes], { type: im.mime });
  const t0 = performance.now();
  const bmp = await createImageBitmap(blob); // applies EXIF orientation ('from-image')
  const t1 = performance.now();
  const c = new OffscreenCanvas(bmp.width, bmp.height);
  const g = c.getContext('2d');
  g.drawImage(bmp, 0, 0);
  bmp.close();
  g.fillStyle = '#000000';
  for (const b of boxesFor(c.width, c.height)) {
    const x0 = Math.floor(b.x);
    const y0 = Math.floor(b.y);
    g.fillRect(x0, y0, Math.ceil(b.x + b.width) - x0, Math.ceil(b.y + b.height) - y0);
  }
  const t2 = performance.now();
  const out = await c.convertToBlob({ type: format === 'png' ? 'image/png' : 'image/jpeg', quality: 0.9 });
  const t3 = performance.now();
  const size = { width: c.width, height: c.height };
  c.width = 1;
  c.height = 1;
  return { decodeMs: t1 - t0, burnMs: t2 - t1, encodeMs: t3 - t2, jobMs: t3 - t0, outBytes: out.size, ...size };
}

/** Runs `kind` ('occlude' | 'canvas' | 'app') `runs` times after `warmup` discarded runs. */
async function run(kind, name, format, runs, warmup = 1) {
  const fn = { occlude: occludeRun, canvas: canvasRun, app: appWorkerRun }[kind];
  const results = [];
  for (let i = 0; i < warmup + runs; i++) {
    const r = await fn(name, format);
    if (i >= warmup) results.push(r);
    // Let the previous job's memory (terminated worker, canvas) go before the next one.
    await new Promise((ok) => setTimeout(ok, 50));
  }
  return results;
}

/** The bytes of one generated image as base64 (for the drag test in the app page). */
async function base64(name) {
  const im = images.get(name);
  const url = await new Promise((ok) => {
    const fr = new FileReader();
    fr.onload = () => ok(fr.result);
    fr.readAsDataURL(new Blob([im.bytes]));
  });
  return url.slice(url.indexOf(',') + 1);
}

window.bench = { makeImages, run, base64, boxesFor, simd: WebAssembly.validate(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11])) };
document.getElementById('log').textContent = 'ready';
