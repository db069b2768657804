// Shared pieces of the browser tests: the Chromium launch, the in-process server, test images
// made at run time, and independent checks of a downloaded file.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tools/chromium.mjs';
import { serve } from '../../tools/serve.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// OCCLUDE_DIST lets a run use another built copy of the app (e.g. while dist/ is being rebuilt).
export const DIST = process.env.OCCLUDE_DIST || join(ROOT, 'dist');
export const ARTIFACTS = join(ROOT, 'test-artifacts');


/** Starts the server on dist/ and a headless Chromium (with `args` added to its flags). */
export async function start({ args = [] } = {}) {
  if (!existsSync(join(DIST, 'index.html')) || !existsSync(join(DIST, 'pkg', 'occlude_bg.wasm'))) {
    throw new Error('dist/ is not built: run tools/build first');
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const server = await serve({ root: DIST, port: 0 });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...args],
    timeout: 60_000,
  });
  return { server, browser };
}

/**
 * Starts the server on dist/ and Chromium once for a test file, through node:test's
 * before/after hooks; the returned object's `server` and `browser` are set before any test runs.
 * `options.args`: more Chromium flags (e.g. a forced colour profile for screenshots).
 */
export function useApp(options = {}) {
  const app = { server: null, browser: null };
  before(async () => Object.assign(app, await start(options)));
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}

/**
 * Whether a console message is an error of the app's. Not one: the browser's report of the
 * optional templates.json answered 404 (a practice that publishes no templates; the page asks
 * once at start, before a service worker controls it: README, "Templates").
 */
export function consoleProblem(m) {
  if (m.type() !== 'error') return false;
  return !(/^Failed to load resource: .*\b404\b/.test(m.text()) && /\/templates\.json$/.test(m.location()?.url ?? ''));
}

/** Opens the app in `context` and collects console errors for the failure message. */
export async function openApp(context, url) {
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => consoleProblem(m) && problems.push(`console: ${m.text()}`));
  await page.goto(url);
  return { page, problems };
}

/**
 * Draws a picture on an OffscreenCanvas in the page and returns it encoded.
 * `kind`: 'marked' (light grey with a red 400-px square at the top-left and dark text), or
 * 'alpha' (like 'marked', but the right half is fully transparent).
 */
export async function makeImage(page, { width, height, type, kind = 'marked' }) {
  const b64 = await page.evaluate(
    async ({ width, height, type, kind }) => {
      const c = new OffscreenCanvas(width, height);
      const g = c.getContext('2d');
      g.fillStyle = '#d8dce0';
      g.fillRect(0, 0, width, height);
      g.fillStyle = '#ff0000';
      g.fillRect(0, 0, Math.min(400, width / 4), Math.min(400, height / 4));
      g.fillStyle = '#203040';
      g.font = `${Math.round(height / 12)}px sans-serif`;
      g.fillText('JANE DOE 1234567', width * 0.3, height * 0.5);
      if (kind === 'alpha') g.clearRect(width / 2, 0, width / 2, height);
      const blob = await c.convertToBlob({ type, quality: 0.92 });
      const bytes = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      return btoa(s);
    },
    { width, height, type, kind },
  );
  return Buffer.from(b64, 'base64');
}

/** An APP1 Exif segment with Orientation and an identifying ImageDescription. */
export function exifSegment({ orientation, description }) {
  const text = Buffer.from(description + '\0', 'latin1');
  const tiff = Buffer.alloc(8 + 2 + 2 * 12 + 4 + text.length);
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(2, 8); // two entries, in tag order
  const dataOffset = 8 + 2 + 2 * 12 + 4;
  // 0x010E ImageDescription, ASCII
  tiff.writeUInt16LE(0x010e, 10);
  tiff.writeUInt16LE(2, 12);
  tiff.writeUInt32LE(text.length, 14);
  tiff.writeUInt32LE(dataOffset, 18);
  // 0x0112 Orientation, SHORT, inline
  tiff.writeUInt16LE(0x0112, 22);
  tiff.writeUInt16LE(3, 24);
  tiff.writeUInt32LE(1, 26);
  tiff.writeUInt16LE(orientation, 30);
  tiff.writeUInt32LE(0, 34); // no next IFD
  text.copy(tiff, dataOffset);
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

/** Puts `segment` right after a JPEG's SOI marker. */
export function spliceAfterSoi(jpeg, segment) {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  return Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
}

/**
 * Decodes `bytes` in the browser (not with Occlude's code) ignoring any orientation, and
 * returns its size and, per region {x, y, width, height}, the mean and max of each channel.
 */
export async function analyse(page, bytes, regions) {
  return page.evaluate(
    async ({ b64, regions }) => {
      const bin = atob(b64);
      const u8 = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
      const bmp = await createImageBitmap(new Blob([u8]), { imageOrientation: 'none' });
      const c = new OffscreenCanvas(bmp.width, bmp.height);
      const g = c.getContext('2d', { willReadFrequently: true });
      g.drawImage(bmp, 0, 0);
      const stats = regions.map((r) => {
        const d = g.getImageData(r.x, r.y, r.width, r.height).data;
        const sum = [0, 0, 0];
        const max = [0, 0, 0];
        for (let i = 0; i < d.length; i += 4) {
          for (let k = 0; k < 3; k++) {
            sum[k] += d[i + k];
            if (d[i + k] > max[k]) max[k] = d[i + k];
          }
        }
        const n = d.length / 4;
        return { mean: sum.map((s) => s / n), max };
      });
      return { width: bmp.width, height: bmp.height, stats };
    },
    { b64: Buffer.from(bytes).toString('base64'), regions },
  );
}

/** exiftool's groups for a file: every key is `Group:Tag`. */
export function exifGroups(file) {
  const out = execFileSync('exiftool', ['-j', '-a', '-G1', file], { encoding: 'utf8' });
  const [tags] = JSON.parse(out);
  return { tags, groups: new Set(Object.keys(tags).filter((k) => k.includes(':')).map((k) => k.split(':')[0])) };
}

/** Metadata groups that must never survive redaction. */
export const FORBIDDEN_GROUPS = /^(IFD0|IFD1|ExifIFD|SubIFD|GPS|InteropIFD|MakerNotes|XMP.*|IPTC|Photoshop|ICC.*|Comment|PNG-.*|Adobe)$/;

/** Byte-level markers of metadata containers (JPEG Exif/XMP APP1, PNG eXIf/text chunks). */
export function metadataMarkers(bytes) {
  const b = Buffer.from(bytes);
  const found = [];
  for (const m of ['Exif\0\0', 'http://ns.adobe.com/xap', 'eXIf', 'tEXt', 'iTXt', 'zTXt', 'JANE', 'Jane']) {
    if (b.includes(Buffer.from(m, 'latin1'))) found.push(JSON.stringify(m));
  }
  return found;
}

/** Draws a box with the mouse between two points given as fractions of the canvas. */
export async function dragMouse(page, from, to) {
  const r = await page.locator('#canvas').boundingBox();
  await page.mouse.move(r.x + from[0] * r.width, r.y + from[1] * r.height);
  await page.mouse.down();
  await page.mouse.move(r.x + to[0] * r.width, r.y + to[1] * r.height, { steps: 12 });
  await page.mouse.up();
}

/** Draws a box with one finger through CDP touch events (a drag, not a tap). */
export async function dragTouch(page, from, to) {
  const r = await page.locator('#canvas').boundingBox();
  const cdp = await page.context().newCDPSession(page);
  const at = (f) => ({ x: r.x + f[0] * r.width, y: r.y + f[1] * r.height });
  const a = at(from);
  const b = at(to);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [a] });
  for (let i = 1; i <= 10; i++) {
    const p = { x: a.x + ((b.x - a.x) * i) / 10, y: a.y + ((b.y - a.y) * i) / 10 };
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [p] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

/** Waits for the status line to leave its busy state and returns its text. */
export async function settledStatus(page, busyPrefix) {
  await page.waitForFunction(
    (prefix) => {
      // The status line lives in <occlude-editor>'s (open) shadow root.
      const root = document.querySelector('occlude-editor')?.shadowRoot ?? document;
      const t = root.getElementById('status')?.textContent;
      return t && !t.startsWith(prefix);
    },
    busyPrefix,
    { timeout: 60_000 },
  );
  return page.locator('#status').textContent();
}

/** A region of the seen image given as fractions, shrunk by `inset` pixels on every side. */
export function region(w, h, [fx0, fy0, fx1, fy1], inset = 0) {
  const x0 = Math.round(fx0 * w) + inset;
  const y0 = Math.round(fy0 * h) + inset;
  const x1 = Math.round(fx1 * w) - inset;
  const y1 = Math.round(fy1 * h) - inset;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Answers the one-time "Before you share" checklist if it is showing (Continue). */
export async function passChecklist(page, { forget = false } = {}) {
  const dialog = page.getByRole('dialog', { name: 'Before you share' });
  await dialog.waitFor({ state: 'visible', timeout: 10_000 });
  if (forget) await dialog.getByRole('checkbox', { name: "Don't show this again on this device" }).check();
  await dialog.getByRole('button', { name: 'Continue' }).click();
  await dialog.waitFor({ state: 'hidden' });
}

/** Presses Export (answering the checklist when it shows) and waits for "What you will send". */
export async function exportImage(page, { checklist = 'auto' } = {}) {
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Before you share' });
  const review = page.getByRole('heading', { name: 'What you will send' });
  if (checklist === 'expect') await passChecklist(page);
  else if (checklist === 'auto') {
    await Promise.race([dialog.waitFor({ state: 'visible', timeout: 120_000 }), review.waitFor({ state: 'visible', timeout: 120_000 })]);
    if (await dialog.isVisible()) await passChecklist(page);
  }
  await review.waitFor({ state: 'visible', timeout: 180_000 });
}

/** Presses Download on the review and returns the file's name and bytes (saved to `file`). */
export async function downloadExport(page, file) {
  const button = page.getByRole('button', { name: 'Download', exact: true });
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), button.click()]);
  const path = join(ARTIFACTS, file);
  await dl.saveAs(path);
  const { readFileSync } = await import('node:fs');
  return { name: dl.suggestedFilename(), path, bytes: readFileSync(path) };
}

/** Puts files into the page as File objects (a handle to an array of File). */
export async function filesHandle(page, files) {
  return page.evaluateHandle(
    (list) =>
      list.map(({ name, type, b64 }) => {
        const bin = atob(b64);
        const u8 = new Uint8Array(bin.length);
        for (let i = 0; i < bin.length; i++) u8[i] = bin.charCodeAt(i);
        return new File([u8], name, { type });
      }),
    files.map((f) => ({ name: f.name, type: f.mimeType, b64: Buffer.from(f.buffer).toString('base64') })),
  );
}

/** Drops files on the editor the way a browser does: dragenter, dragover, drop with a DataTransfer. */
export async function dropFiles(page, files) {
  const handle = await filesHandle(page, files);
  await page.evaluate((list) => {
    const target = document.querySelector('occlude-editor');
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(f);
    for (const type of ['dragenter', 'dragover', 'drop']) {
      target.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, composed: true, dataTransfer: dt }));
    }
  }, handle);
}

/** Pastes files as a clipboard paste event would deliver them. */
export async function pasteFiles(page, files) {
  const handle = await filesHandle(page, files);
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(f);
    const e = new ClipboardEvent('paste', { bubbles: true, cancelable: true, composed: true, clipboardData: dt });
    (document.activeElement ?? document.body).dispatchEvent(e);
  }, handle);
}

let axeSource = null;

/**
 * Runs axe-core on the page (its source is evaluated over CDP, which the page's CSP does not
 * govern) and returns the serious and critical violations, each as "id: help (targets)".
 */
export async function axeViolations(page) {
  if (!axeSource) {
    const { readFileSync } = await import('node:fs');
    axeSource = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  }
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 5) }));
  });
  return result.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} ${v.targets.join(' ')}`);
}

/** Saves a screenshot to test-artifacts/screens/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(join(ARTIFACTS, 'screens'), { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, 'screens', `${name}.png`), fullPage: true });
}

/** The editor's canvas and image-space helpers: fractions of the seen image → screen points. */
export async function canvasPoint(page, f) {
  const r = await page.locator('#canvas').boundingBox();
  return { x: r.x + f[0] * r.width, y: r.y + f[1] * r.height };
}

/** The boxes the editor holds, in full-resolution pixels (read from the element, not drawn). */
export async function editorBoxes(page) {
  return page.evaluate(() => {
    const el = document.querySelector('occlude-editor');
    return el.boxes;
  });
}

/**
 * Opens `file` (a path or {name, mimeType, buffer}) through the editor's file input and waits
 * until it is shown: the status says Opened, or the strip has one more image.
 */
export async function openFile(page, file) {
  const before = await page.evaluate(() => document.querySelector('occlude-editor').shadowRoot.querySelectorAll('#strip li').length);
  await page.locator('#file').setInputFiles(file);
  await page.getByRole('button', { name: 'Export', exact: true }).waitFor({ state: 'visible' });
  await page.waitForFunction((n) => {
    const root = document.querySelector('occlude-editor').shadowRoot;
    return /^Opened /.test(root.getElementById('status').textContent) || root.querySelectorAll('#strip li').length > n;
  }, before);
}

/** Waits until the service worker is installed and controls `page` (what "offline after first use" starts from). */
export async function untilControlled(page, timeout) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, timeout ? { timeout } : {});
}
