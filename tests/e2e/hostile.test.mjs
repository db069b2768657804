// Hostile input in the page: every kind of bad file gets a readable message, nothing to export,
// and the page stays usable for the next file; a worker whose wasm fails is replaced by a fresh
// one. The files are the committed fixtures the native hostile-input tests use.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { dragMouse, exportImage, openApp, ROOT, settledStatus, useApp } from './helpers.mjs';

const FIXTURES = join(ROOT, 'tests', 'fixtures');
const app = useApp();

const fixture = (name) => readFileSync(join(FIXTURES, name));
const photo = fixture('jpeg-photo.jpg');

/** [file name shown to the page, bytes, what the message must say] */
const HOSTILE = [
  ['empty.jpg', fixture('empty.jpg'), /empty/i],
  ['letter.jpg', fixture('not-image-text.jpg'), /not a supported image.*text file/i],
  ['scan.pdf', fixture('not-image.pdf'), /not a supported image.*PDF/i],
  ['random.bin', fixture('not-image-random.bin'), /not a supported image.*unknown data/i],
  ['half.jpg', photo.subarray(0, Math.floor(photo.length / 2)), /cut short|truncated|damaged/i],
  ['bomb.png', fixture('bomb-png-100000.png'), /too large.*100000 × 100000/i],
  ['bomb.gif', fixture('bomb-gif-65535.gif'), /too large/i],
  ['bomb.webp', fixture('bomb-webp-vp8x-16383.webp'), /too large/i],
  ['bomb.tiff', fixture('bomb-tiff-100000.tiff'), /too large/i],
  ['bomb.bmp', fixture('bomb-bmp-100000.bmp'), /too large|damaged/i],
];

async function open(page, name, buffer) {
  await page.setInputFiles('#file', { name, mimeType: 'application/octet-stream', buffer });
  return (await settledStatus(page, 'Opening image')).trim();
}

async function statusIsError(page) {
  return (await page.locator('#status').getAttribute('class'))?.includes('error');
}

test('every hostile file gets a readable message and the page stays usable', { timeout: 180_000 }, async () => {
  const context = await app.browser.newContext({ acceptDownloads: true });
  try {
    const { page } = await openApp(context, app.server.url);
    for (const [name, bytes, expected] of HOSTILE) {
      const text = await open(page, name, bytes);
      assert.match(text, expected, `${name}: ${text}`);
      assert.ok(await statusIsError(page), `${name}: the message is shown as an error`);
      assert.ok(!/RuntimeError|unreachable|panicked|undefined/i.test(text), `${name}: ${text}`);
      assert.equal(await page.getByRole('button', { name: 'Export', exact: true }).count(), 0, `${name}: nothing to export`);
    }
    // After all of them, a real photo still opens, takes a box and exports.
    const text = await open(page, 'photo.jpg', photo);
    assert.match(text, /^Opened 96 × 64 JPEG/, text);
    await dragMouse(page, [0.1, 0.1], [0.6, 0.6]);
    await exportImage(page);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download', exact: true }).click();
    const file = await (await download).path();
    const out = readFileSync(file);
    assert.deepEqual([...out.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG came out');
  } finally {
    await context.close();
  }
});

test('a worker whose wasm fails is replaced, and the next file opens', { timeout: 120_000 }, async () => {
  // The service worker is blocked so that every wasm fetch reaches the route below.
  const context = await app.browser.newContext({ serviceWorkers: 'block' });
  let wasmFetches = 0;
  await context.route('**/occlude_bg.wasm', async (route) => {
    wasmFetches += 1;
    if (wasmFetches === 1) {
      // The first worker gets a corrupt module: compiling it fails inside the worker.
      const real = await route.fetch();
      const body = await real.body();
      await route.fulfill({ response: real, body: body.subarray(0, 4096) });
    } else {
      await route.continue();
    }
  });
  try {
    const { page } = await openApp(context, app.server.url);
    const first = await open(page, 'photo.jpg', photo);
    assert.ok(await statusIsError(page), `the failure is shown as an error: ${first}`);
    assert.ok(first.length > 10 && !/undefined|\[object/i.test(first), `readable: ${first}`);
    const second = await open(page, 'photo.jpg', photo);
    assert.match(second, /^Opened 96 × 64 JPEG/, `a fresh worker opened the file: ${second}`);
    assert.ok(wasmFetches >= 2, `the worker was restarted (${wasmFetches} wasm fetches)`);
  } finally {
    await context.close();
  }
});
