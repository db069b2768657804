// Shared pieces of the offline / privacy / embed / single-file tests: a Chromium launch, a
// fixture, and one redaction session driven through <occlude-editor>'s own visible UI
// (open → draw a box → Export → Download), then checked from the downloaded bytes.

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../../tools/chromium.mjs';
import { serve } from '../../tools/serve.mjs';
import { ARTIFACTS, DIST, ROOT, analyse, consoleProblem } from './helpers.mjs';

export { ARTIFACTS, DIST, ROOT };

export { CHROMIUM_ARGS };

/** The fixture every session redacts: 96 × 64 PNG, quadrants red / green / blue / yellow. */
export const FIXTURE = {
  name: 'Jane Doe MRN1234567.png',
  mimeType: 'image/png',
  buffer: readFileSync(join(ROOT, 'tests', 'fixtures', 'png-rgb8.png')),
  width: 96,
  height: 64,
  // colour of each quadrant as seen
  quadrants: { tl: [220, 40, 40], tr: [40, 200, 60], bl: [40, 60, 220], br: [230, 210, 40] },
};

export function requireDist(...files) {
  for (const f of ['index.html', 'pkg/occlude_bg.wasm', 'sw.js', ...files]) {
    if (!existsSync(join(DIST, f))) throw new Error(`dist/${f} is missing: run tools/build first`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
}

export async function launch(extraArgs = []) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    timeout: 60_000,
  });
}

/** Collects page errors for failure messages. */
export function watchProblems(page) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => consoleProblem(m) && problems.push(`console: ${m.text()}`));
  return problems;
}

/** Resolves once <occlude-editor> is defined and rendered in `scope` (a Page or a Frame). */
export async function editorReady(scope) {
  await scope.waitForFunction(
    () => customElements.get('occlude-editor') && document.querySelector('occlude-editor')?.shadowRoot?.getElementById('file'),
    null,
    { timeout: 60_000 },
  );
}

/** Records every `occlude-export` event's detail (bytes as base64) on the window. */
export async function recordExports(scope) {
  await scope.evaluate(() => {
    window.__occludeExports = [];
    document.addEventListener('occlude-export', async (e) => {
      const { blob, name, report } = e.detail;
      const u8 = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
      window.__occludeExports.push({ name, type: blob.type, size: blob.size, report, b64: btoa(s) });
    });
  });
}

/**
 * One full session in the editor inside `scope` (page or frame) of `page`: open the fixture
 * through the file picker, drag a box over the top-left quadrant, Export, Download.
 * Returns {download: {name, bytes}, exported: {name, type, report, bytes}}.
 */
export async function redactSession(page, scope = page, { file = FIXTURE, from = [0.08, 0.12], to = [0.42, 0.4], tag = 'session' } = {}) {
  await editorReady(scope);
  await recordExports(scope);
  const editor = scope.locator('occlude-editor');
  await editor.locator('#file').setInputFiles({ name: file.name, mimeType: file.mimeType, buffer: file.buffer });
  const canvas = editor.locator('#canvas');
  await canvas.waitFor({ state: 'visible', timeout: 60_000 });
  const exportButton = editor.getByRole('button', { name: 'Export', exact: true });
  await exportButton.waitFor({ state: 'visible', timeout: 60_000 });

  const r = await canvas.boundingBox();
  await page.mouse.move(r.x + from[0] * r.width, r.y + from[1] * r.height);
  await page.mouse.down();
  await page.mouse.move(r.x + to[0] * r.width, r.y + to[1] * r.height, { steps: 10 });
  await page.mouse.up();

  await assertEventually(() => exportButton.isEnabled(), 'Export is enabled once a box is drawn');
  await exportButton.click();
  // A first export may ask the "Before you share" questions; answer and go on.
  const download = editor.getByRole('button', { name: 'Download', exact: true });
  const proceed = editor.locator('#checklist-ok');
  await Promise.race([download.waitFor({ state: 'visible', timeout: 90_000 }), proceed.waitFor({ state: 'visible', timeout: 90_000 })]);
  if (await proceed.isVisible()) {
    await proceed.click();
    await download.waitFor({ state: 'visible', timeout: 90_000 });
  }
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), download.click()]);
  const path = join(ARTIFACTS, `${tag}-${dl.suggestedFilename()}`);
  await dl.saveAs(path);
  const bytes = readFileSync(path);

  await scope.waitForFunction(() => window.__occludeExports.length > 0, null, { timeout: 30_000 });
  const [ex] = await scope.evaluate(() => window.__occludeExports);
  return {
    download: { name: dl.suggestedFilename(), bytes, path },
    exported: { name: ex.name, type: ex.type, report: ex.report, bytes: Buffer.from(ex.b64, 'base64') },
  };
}

async function assertEventually(fn, message, timeout = 10_000) {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(message);
}

/** Decodes `bytes` in `scope` (a page or frame) with the browser's own decoder; see `analyse`. */
export const decodeRegions = analyse;

/**
 * Checks a downloaded redaction of FIXTURE: same bytes as the event's Blob, a PNG of the
 * fixture's size with no name from the input, the burned box black (checked inside the box
 * the report gives), the bottom-right quadrant untouched.
 */
export async function assertRedacted(scope, { download, exported }) {
  assert.match(download.name, /^redacted-\d{8}-\d{6}\.(png|jpg)$/, `download name: ${download.name}`);
  assert.ok(!/jane|doe|mrn|1234567/i.test(download.name), `the name carries nothing of the input: ${download.name}`);
  assert.ok(download.bytes.equals(exported.bytes), 'the download is the bytes of the occlude-export Blob');
  assert.deepEqual([...download.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
  const boxes = exported.report.boxes;
  assert.equal(boxes.length, 1, `one box burned: ${JSON.stringify(boxes)}`);
  const b = boxes[0];
  assert.ok(b.width >= 10 && b.height >= 8, `the box has a size: ${JSON.stringify(b)}`);
  const { width: W, height: H, quadrants } = FIXTURE;
  assert.ok(b.x + b.width <= W / 2 + 2 && b.y + b.height <= H / 2 + 2, `the box is in the top-left quadrant: ${JSON.stringify(b)}`);
  const a = await decodeRegions(scope, download.bytes, [
    { x: b.x, y: b.y, width: b.width, height: b.height },
    { x: W / 2 + 4, y: H / 2 + 4, width: W / 2 - 8, height: H / 2 - 8 },
  ]);
  assert.deepEqual([a.width, a.height], [W, H], 'output has the input size');
  const [inside, untouched] = a.stats;
  assert.deepEqual(inside.max, [0, 0, 0], `the box is burned black: ${JSON.stringify(inside)}`);
  assert.deepEqual(untouched.mean.map(Math.round), quadrants.br, `the rest is untouched: ${JSON.stringify(untouched)}`);
}

/** A server on dist/ that logs every path it is asked for (page, worker and module fetches). */
export async function loggedServer() {
  const paths = [];
  const server = await serve({ root: DIST, port: 0, onRequest: (r) => paths.push(new URL(r.url, 'http://x').pathname) });
  return { server, paths };
}

/** Checks a redaction of one of the quadrant fixtures: its format, the box black, the rest kept. */
export async function assertQuadrantsRedacted(page, input, { download, exported }) {
  const { report } = exported;
  assert.equal(report.inputFormat, input.format, `read as ${input.format}`);
  assert.equal(report.outputFormat, input.out, `written as ${input.out}`);
  if (input.out === 'png') return assertRedacted(page, { download, exported });
  assert.ok(download.bytes.equals(exported.bytes), 'the download is the exported Blob');
  assert.deepEqual([...download.bytes.subarray(0, 2)], [0xff, 0xd8], 'a JPEG');
  const [b] = report.boxes;
  const { width: W, height: H, quadrants } = FIXTURE;
  // JPEG: 4:2:0 chroma bleeds a few pixels across the box edge; checked inside a 4-pixel margin.
  assert.ok(b.width > 8 && b.height > 8, `the box has a size: ${JSON.stringify(b)}`);
  const a = await decodeRegions(page, download.bytes, [
    { x: b.x + 4, y: b.y + 4, width: b.width - 8, height: b.height - 8 },
    { x: W / 2 + 4, y: H / 2 + 4, width: W / 2 - 8, height: H / 2 - 8 },
  ]);
  assert.deepEqual([a.width, a.height], [W, H], 'output has the seen size');
  const [inside, untouched] = a.stats;
  assert.ok(inside.max.every((v) => v <= 24), `the box is burned black: ${JSON.stringify(inside)}`);
  untouched.mean.forEach((v, i) => assert.ok(Math.abs(v - quadrants.br[i]) <= 8, `the rest is kept: ${JSON.stringify(untouched)}`));
}
