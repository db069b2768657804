// The scalar fallback: on an engine without wasm SIMD the worker must pick the scalar variants
// of both modules (pkg/occlude_scalar*, built without SIMD128) and never fetch the SIMD ones,
// which such an engine cannot compile. The engine is real, not simulated in app code: V8
// refuses wasm SIMD on a CPU without SSE4.1, and `--js-flags=--no-enable-sse4-1` makes Chromium
// such an engine (the first test proves SIMD is really gone). Requests are logged by the server,
// so the worker's and the service worker's fetches are seen too. The single file occlude.html,
// which inlines both variants, must work there too. Find text uses the scalar finder module
// (pkg/occlude_text_scalar*) there.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DIST, FIXTURE, ROOT, assertQuadrantsRedacted, editorReady, launch, loggedServer, redactSession, requireDist, watchProblems } from './pwa-helpers.mjs';
import { untilControlled } from './helpers.mjs';
import { assertIdentifiersCovered, findTextIn } from './text-helpers.mjs';

const SIMD_MODULES = ['/pkg/occlude.js', '/pkg/occlude_bg.wasm', '/pkg/occlude_full.js', '/pkg/occlude_full_bg.wasm'];
const SCALAR_CORE = ['/pkg/occlude_scalar.js', '/pkg/occlude_scalar_bg.wasm'];
const SCALAR_FULL = ['/pkg/occlude_full_scalar.js', '/pkg/occlude_full_scalar_bg.wasm'];

let browser;

before(async () => {
  requireDist('occlude.html', ...[...SCALAR_CORE, ...SCALAR_FULL].map((p) => p.slice(1)));
  browser = await launch(['--js-flags=--no-enable-sse4-1']);
});

after(async () => {
  await browser?.close();
});

const fixture = (file, mimeType, format, out) => ({ ...FIXTURE, name: `Jane Doe ${file}`, mimeType, format, out, buffer: readFileSync(join(ROOT, 'tests', 'fixtures', file)) });
const JPEG = fixture('jpeg-baseline.jpg', 'image/jpeg', 'jpeg', 'jpeg'); // core: lossless JPEG path
const ORIENTED = fixture('orient-6.jpg', 'image/jpeg', 'jpeg', 'jpeg'); // core: pixel decode + JPEG encoder
const CMYK = fixture('jpeg-cmyk.jpg', 'image/jpeg', 'jpeg', 'jpeg'); // core declines, full decodes
const GIF = fixture('gif-still.gif', 'image/gif', 'gif', 'png'); // full: GIF decoder + PNG encoder



test('with --no-enable-sse4-1 this Chromium really has no wasm SIMD', { timeout: 60_000 }, async () => {
  const { server } = await loggedServer();
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    await page.goto(server.url);
    const verdict = await page.evaluate(async () => {
      const valid = async (p) => WebAssembly.validate(new Uint8Array(await (await fetch(p)).arrayBuffer()));
      return Promise.all(['pkg/occlude_bg.wasm', 'pkg/occlude_full_bg.wasm', 'pkg/occlude_scalar_bg.wasm', 'pkg/occlude_full_scalar_bg.wasm'].map(valid));
    });
    assert.deepEqual(verdict, [false, false, true, true], 'the SIMD modules do not validate here, the scalar ones do');
  } finally {
    await context.close();
    await server.close();
  }
});

test('no SIMD: Find text runs on the scalar finder module, and the download it announces is that one', { timeout: 180_000 }, async () => {
  const { server, paths } = await loggedServer();
  const context = await browser.newContext({ serviceWorkers: 'block' });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(120_000);
    const problems = watchProblems(page);
    await page.goto(server.url);
    const download = await page.evaluate(async () => (await import('./js/api.js')).findTextDownload());
    assert.deepEqual(download.files.map((f) => f.url), ['pkg/occlude_text_scalar.js', 'pkg/occlude_text_scalar_bg.wasm', 'models/ppocrv5_det.onnx']);
    for (const name of ['render.png', 'photo.jpg']) {
      const found = await findTextIn(page, name);
      assert.ok(found.result, `${name}: ${JSON.stringify(found.error)}`);
      assertIdentifiersCovered(name, found.result);
    }
    assert.ok(paths.includes('/pkg/occlude_text_scalar_bg.wasm'), `the scalar finder was fetched: ${paths.join(', ')}`);
    assert.ok(!paths.includes('/pkg/occlude_text_bg.wasm'), 'the SIMD finder, which this engine cannot compile, was not');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
    await server.close();
  }
});

test('no SIMD: a JPEG, an oriented JPEG, a CMYK JPEG and a GIF open and export through the scalar modules only', { timeout: 300_000 }, async () => {
  const { server, paths } = await loggedServer();
  try {
    for (const [input, modules] of [
      [JPEG, SCALAR_CORE],
      [ORIENTED, SCALAR_CORE],
      [CMYK, [...SCALAR_CORE, ...SCALAR_FULL]],
      [GIF, SCALAR_FULL],
    ]) {
      paths.length = 0;
      // A fresh context each time (no HTTP cache); no service worker, whose precache would fetch
      // more than the page needs.
      const context = await browser.newContext({ serviceWorkers: 'block', acceptDownloads: true, viewport: { width: 1100, height: 900 } });
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(60_000);
        const problems = watchProblems(page);
        await page.goto(server.url);
        await editorReady(page);
        const session = await redactSession(page, page, { file: input, tag: `scalar-${input.name.replace(/\W+/g, '-')}` });
        await assertQuadrantsRedacted(page, input, session);
        for (const m of modules) assert.ok(paths.includes(m), `${input.name}: ${m} was fetched: ${paths.join(', ')}`);
        for (const m of SIMD_MODULES) assert.ok(!paths.includes(m), `${input.name}: ${m} was not fetched: ${paths.join(', ')}`);
        for (const m of SCALAR_FULL.filter((f) => !modules.includes(f))) {
          assert.ok(!paths.includes(m), `${input.name}: ${m} was not needed: ${paths.join(', ')}`);
        }
        assert.deepEqual(problems, [], `${input.name}: no page errors`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await server.close();
  }
});

test('no SIMD: the service worker precaches the scalar modules, not the SIMD ones; a GIF opens offline', { timeout: 180_000 }, async () => {
  const { server, paths } = await loggedServer();
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const problems = watchProblems(page);
    await page.goto(server.url);
    await untilControlled(page, 30_000);
    const cached = await page.evaluate(async () => {
      const [name] = (await caches.keys()).filter((n) => n.startsWith('occlude-app-'));
      return (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname);
    });
    for (const m of [...SCALAR_CORE, ...SCALAR_FULL]) assert.ok(cached.includes(m), `precached: ${m}`);
    for (const m of SIMD_MODULES) {
      assert.ok(!cached.includes(m), `not precached: ${m}`);
      assert.ok(!paths.includes(m), `never fetched: ${m}`);
    }

    await context.setOffline(true);
    await server.close();
    const res = await page.reload();
    assert.ok(res.fromServiceWorker(), 'the page came from the service worker');
    const session = await redactSession(page, page, { file: GIF, tag: 'scalar-offline-gif' });
    await assertQuadrantsRedacted(page, GIF, session);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
    await server.close();
  }
});

test('no SIMD: the single file occlude.html, from file://, opens and exports a JPEG and a GIF', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'occlude-scalar-single-'));
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 }, offline: true });
  try {
    copyFileSync(join(DIST, 'occlude.html'), join(dir, 'occlude.html'));
    for (const input of [JPEG, GIF]) {
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      const problems = watchProblems(page);
      await page.goto(pathToFileURL(join(dir, 'occlude.html')).href);
      const session = await redactSession(page, page, { file: input, tag: `scalar-single-${input.format}` });
      await assertQuadrantsRedacted(page, input, session);
      assert.deepEqual(problems, [], `${input.name}: no page errors`);
      await page.close();
    }
  } finally {
    await context.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
