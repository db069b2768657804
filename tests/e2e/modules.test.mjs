// The two wasm modules: the first load fetches only the CORE module (JPEG and PNG); a GIF,
// WebP, TIFF or BMP makes the worker fetch the FULL module on demand, and the file opens and
// exports as if there were one module. Requests are logged by the server itself, so worker
// fetches are seen too. (Offline use of the full module: offline.test.mjs; the single file:
// singlefile.test.mjs.)

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, test } from 'node:test';
import { DIST, ROOT, assertQuadrantsRedacted, assertRedacted, editorReady, launch, loggedServer, redactSession, requireDist, watchProblems } from './pwa-helpers.mjs';
import { untilControlled } from './helpers.mjs';

let browser;

before(async () => {
  requireDist('pkg/occlude_full_bg.wasm', 'pkg/occlude_full.js');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const CORE = '/pkg/occlude_bg.wasm';
const FULL = '/pkg/occlude_full_bg.wasm';
/** The text finder's module, its reading helpers, its weights and licence files: fetched only when Find text is used. */
const FINDER = /^\/(pkg\/occlude_text|worker\/read(ing|er)\.js|models\/(?!manifest\.json$)|licenses\/)/;
/** The founders' bound on the first load: everything the page and its worker fetch, gzipped. */
const FIRST_LOAD_GZIP = 250 * 1024;

/**
 * The gzipped size (level 9) of every distinct path fetched, as dist/ holds it. A path dist/
 * has no file for was answered 404 with no file to transfer (the page asks for a practice's
 * templates.json at start, and this build has none): listed apart, counted as nothing.
 */
function gzipped(paths) {
  const files = [];
  const absent = [];
  for (const p of new Set(paths)) {
    const file = join(DIST, decodeURIComponent(p.endsWith('/') ? `${p}index.html` : p));
    if (!existsSync(file)) absent.push(p);
    else files.push({ path: p, gzip: gzipSync(readFileSync(file), { level: 9 }).length });
  }
  return { total: files.reduce((s, f) => s + f.gzip, 0), files, absent };
}

/** The 96 × 64 quadrant fixtures (the same picture as FIXTURE) in the formats only the full module reads. */
const LAZY = [
  { file: 'gif-still.gif', mimeType: 'image/gif', format: 'gif', out: 'png' },
  { file: 'webp-lossy.webp', mimeType: 'image/webp', format: 'webp', out: 'jpeg' },
  { file: 'tiff-rgb.tiff', mimeType: 'image/tiff', format: 'tiff', out: 'png' },
  { file: 'bmp-rgb.bmp', mimeType: 'image/bmp', format: 'bmp', out: 'png' },
].map((f) => ({ ...f, name: `Jane Doe ${f.file}`, buffer: readFileSync(join(ROOT, 'tests', 'fixtures', f.file)) }));

/** A JPEG of the same picture: the core module decodes and writes it. */
const CORE_JPEG = { file: 'jpeg-baseline.jpg', mimeType: 'image/jpeg', format: 'jpeg', out: 'jpeg' };
CORE_JPEG.name = `Jane Doe ${CORE_JPEG.file}`;
CORE_JPEG.buffer = readFileSync(join(ROOT, 'tests', 'fixtures', CORE_JPEG.file));

/** A CMYK JPEG: the core's decoder declines it, so the core answers `needs-full-module` and the
 * worker retries on the full module (the path no file signature predicts). */
const CMYK_JPEG = { file: 'jpeg-cmyk.jpg', mimeType: 'image/jpeg', format: 'jpeg', out: 'jpeg' };
CMYK_JPEG.name = `Jane Doe ${CMYK_JPEG.file}`;
CMYK_JPEG.buffer = readFileSync(join(ROOT, 'tests', 'fixtures', CMYK_JPEG.file));

test('the first load fetches the core module only; a PNG opens and exports without the full module', { timeout: 180_000 }, async (t) => {
  const { server, paths } = await loggedServer();
  // No service worker: its precache would fetch every file, the full module included.
  const context = await browser.newContext({ serviceWorkers: 'block', acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  try {
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(server.url);
    await editorReady(page);
    // The engine worker is started ahead of time: wait for its module, then a little more.
    const until = Date.now() + 30_000;
    while (!paths.includes(CORE) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    await page.waitForLoadState('networkidle');
    assert.ok(paths.includes(CORE), `the core module is fetched up front: ${paths.join(', ')}`);
    assert.ok(!paths.includes(FULL), `the full module is not: ${paths.join(', ')}`);
    // This Chromium has wasm SIMD: the scalar variants (scalar.test.mjs) are never fetched.
    assert.ok(!paths.some((p) => p.includes('_scalar')), `no scalar variant: ${paths.join(', ')}`);
    // Nor the text finder, and the whole first load stays within its bound.
    assert.deepEqual(paths.filter((p) => FINDER.test(p)), [], 'the text finder is not part of the first load');
    const weight = gzipped(paths);
    assert.deepEqual(weight.absent.filter((p) => p !== '/templates.json'), [], 'every file fetched is in dist/ (but the optional templates.json)');
    t.diagnostic(`first load: ${weight.total} B gzipped in ${weight.files.length} files`);
    assert.ok(weight.total <= FIRST_LOAD_GZIP, `first load ${weight.total} B gzipped (at most ${FIRST_LOAD_GZIP}): ${JSON.stringify(weight.files)}`);

    const session = await redactSession(page, page, { tag: 'core-png' });
    await assertRedacted(page, session);
    assert.ok(!paths.includes(FULL), 'a PNG needs only the core module');
    assert.deepEqual(problems, [], 'no page errors');

    // A JPEG opens (its preview needs pixels: Occlude's own decoder is in the core) and exports.
    const jpegPage = await context.newPage();
    const jpegProblems = watchProblems(jpegPage);
    await jpegPage.goto(server.url);
    const jpegSession = await redactSession(jpegPage, jpegPage, { file: CORE_JPEG, tag: 'core-jpeg' });
    await assertQuadrantsRedacted(jpegPage, CORE_JPEG, jpegSession);
    assert.ok(!paths.includes(FULL), 'a JPEG needs only the core module');
    assert.deepEqual(jpegProblems, [], 'no page errors (JPEG)');
  } finally {
    await context.close();
    await server.close();
  }
});

test('with the service worker, installing the app fetches everything but the text finder', { timeout: 120_000 }, async () => {
  const { server, paths } = await loggedServer();
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    await untilControlled(page);
    await page.waitForLoadState('networkidle');
    assert.ok(paths.includes(FULL) && paths.includes('/models/manifest.json'), `the precache fetched the app: ${paths.join(', ')}`);
    assert.deepEqual(paths.filter((p) => FINDER.test(p)), [], 'neither the finder module nor its weights before Find text is used');
  } finally {
    await context.close();
    await server.close();
  }
});

test('GIF, WebP, TIFF, BMP and a CMYK JPEG open and export through the full module, fetched on demand', { timeout: 360_000 }, async () => {
  const { server, paths } = await loggedServer();
  try {
    // The CMYK JPEG has no signature that predicts it: the core declines it and the worker
    // retries on the full module.
    for (const lazy of [...LAZY, CMYK_JPEG]) {
      // A fresh context each time: no HTTP cache, so every use of the full module is a fetch.
      const context = await browser.newContext({ serviceWorkers: 'block', acceptDownloads: true, viewport: { width: 1100, height: 900 } });
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(60_000);
        const problems = watchProblems(page);
        await page.goto(server.url);
        const before = paths.filter((p) => p === FULL).length;
        const session = await redactSession(page, page, { file: lazy, tag: `full-${lazy.format}` });
        await assertQuadrantsRedacted(page, lazy, session);
        assert.equal(session.exported.report.path, 'pixels', `${lazy.file}: the pixel path`);
        assert.ok(paths.filter((p) => p === FULL).length > before, `${lazy.file}: the full module was fetched for it`);
        assert.deepEqual(problems, [], `${lazy.file}: no page errors`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await server.close();
  }
});
