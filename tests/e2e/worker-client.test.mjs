// The one worker client (www/js/worker-client.js) against the real engine worker, in Chromium:
// request ids (answers never cross), errors with the core's code, progress messages, and
// cancelling by AbortSignal (the request rejects with the signal's reason, the worker is ended,
// the next request gets a fresh one, and an already-aborted signal sends nothing).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeImage, openApp, ROOT, useApp } from './helpers.mjs';

const app = useApp();
const gif = readFileSync(join(ROOT, 'tests', 'fixtures', 'gif-still.gif'));

/** The client module, as the page loads it. */
const CLIENT = './js/worker-client.js';

test('requests carry ids: answers never cross; an error keeps its name and the core\'s code', { timeout: 60_000 }, async () => {
  const context = await app.browser.newContext();
  try {
    const { page, problems } = await openApp(context, app.server.url);
    const png = await makeImage(page, { width: 320, height: 200, type: 'image/png' });
    const out = await page.evaluate(
      async ({ url, b64 }) => {
        const { WorkerClient } = await import(url);
        const bytes = () => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
        const client = new WorkerClient({ name: 'test' });
        const junk = new TextEncoder().encode('Dear Dr Smith, about Jane Doe').buffer;
        // Three at once: the open, a version and a refused file, answered in any order.
        const [opened, version, refused] = await Promise.all([
          client.request('open', { bytes: bytes(), maxSide: 64, background: '#ffffff' }),
          client.request('version'),
          client.request('open', { bytes: junk, maxSide: 64, background: '#ffffff' }).then(
            () => null,
            (e) => ({ name: e.name, code: e.code, message: e.message }),
          ),
        ]);
        client.terminate();
        return { w: opened.width, h: opened.height, pw: opened.previewWidth, format: opened.format, version, refused };
      },
      { url: CLIENT, b64: png.toString('base64') },
    );
    assert.deepEqual([out.w, out.h, out.pw, out.format], [320, 200, 64, 'png']);
    assert.match(out.version, /^\d+\.\d+\.\d+/);
    assert.equal(out.refused.code, 'unsupported', JSON.stringify(out.refused));
    assert.match(out.refused.message, /not a supported image/);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('progress: a GIF is announced as needing the full module before its answer', { timeout: 60_000 }, async () => {
  const context = await app.browser.newContext({ serviceWorkers: 'block' });
  try {
    const { page, problems } = await openApp(context, app.server.url);
    const out = await page.evaluate(
      async ({ url, b64 }) => {
        const { WorkerClient } = await import(url);
        const bytes = () => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
        const client = new WorkerClient();
        const events = [];
        const result = await client.request('open', { bytes: bytes(), maxSide: 64, background: '#ffffff' }, { onProgress: (p) => events.push({ ...p, answered: false }) });
        events.push({ answered: true, format: result.format });
        client.terminate();
        return events;
      },
      { url: CLIENT, b64: gif.toString('base64') },
    );
    assert.deepEqual(out, [{ stage: 'full-module', answered: false }, { answered: true, format: 'gif' }]);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});

test('cancel by AbortSignal: the running request rejects with the reason, the worker is ended, the next request starts afresh', { timeout: 120_000 }, async () => {
  const context = await app.browser.newContext();
  try {
    const { page, problems } = await openApp(context, app.server.url);
    const big = await makeImage(page, { width: 6000, height: 4000, type: 'image/jpeg' });
    const workers = () => page.workers().filter((w) => w.url().endsWith('/worker/worker.js')).length;
    const before = workers();
    const out = await page.evaluate(
      async ({ url, b64 }) => {
        const { WorkerClient } = await import(url);
        const bytes = () => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
        const client = new WorkerClient({ name: 'test' });
        await client.request('version'); // the worker is up
        const controller = new AbortController();
        const reason = new DOMException('stop', 'AbortError');
        const input = bytes();
        const t0 = performance.now();
        const running = client.request('open', { bytes: input, maxSide: 2048, background: '#ffffff' }, { signal: controller.signal, transfer: [input] });
        const other = client.request('open', { bytes: bytes(), maxSide: 2048, background: '#ffffff' });
        setTimeout(() => controller.abort(reason), 20);
        const first = await running.then(() => 'resolved', (e) => (e === reason ? 'the reason' : `${e.name}: ${e.message}`));
        const abortedAfter = performance.now() - t0;
        const second = await other.then(() => 'resolved', (e) => e.name);
        const version = await client.request('version');
        // A signal aborted before the request: nothing is sent, the buffer stays with the page.
        const kept = bytes();
        const early = await client.request('open', { bytes: kept }, { signal: AbortSignal.abort(reason), transfer: [kept] }).then(
          () => 'resolved',
          (e) => (e === reason ? 'the reason' : e.name),
        );
        client.terminate();
        return { first, second, version, early, keptBytes: kept.byteLength, abortedAfter };
      },
      { url: CLIENT, b64: big.toString('base64') },
    );
    assert.equal(out.first, 'the reason', 'the aborted request rejects with the signal\'s reason');
    assert.ok(out.abortedAfter < 1000, `it rejects at once, not when the job would have ended (${out.abortedAfter.toFixed(0)} ms)`);
    assert.equal(out.second, 'AbortError', 'a request still pending in the ended worker rejects too');
    assert.match(out.version, /^\d+\.\d+\.\d+/, 'the next request gets a fresh worker');
    assert.equal(out.early, 'the reason');
    assert.equal(out.keptBytes, big.length, 'an already-aborted request transfers nothing');
    for (let i = 0; i < 50 && workers() > before; i++) await page.waitForTimeout(100);
    assert.equal(workers(), before, 'the test\'s workers are all ended');
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
  }
});
