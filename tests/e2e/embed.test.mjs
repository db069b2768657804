// Embeddable: the app under a sub-path (/tools/occlude/, service worker scope included), inside
// an <iframe> of a page on another origin, and the example page with both the element and the
// scripted redact() API.

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serve } from '../../tools/serve.mjs';
import { DIST, FIXTURE, assertRedacted, decodeRegions, editorReady, launch, redactSession, requireDist, watchProblems } from './pwa-helpers.mjs';
import { TEXT_FIXTURES, assertIdentifiersCovered, findTextIn } from './text-helpers.mjs';

let browser;

before(async () => {
  requireDist('example.html', 'js/api.js', 'js/example.js');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('served from a sub-path: open, draw, export under /tools/occlude/, service worker scoped there', { timeout: 180_000 }, async () => {
  const log = [];
  const server = await serve({ root: DIST, port: 0, base: '/tools/occlude/', onRequest: (r) => log.push(r.url) });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  try {
    assert.match(server.url, /\/tools\/occlude\/$/);
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(server.url);
    const sw = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.ready;
      return { scope: reg.scope, script: reg.active.scriptURL };
    });
    assert.equal(sw.scope, server.url, 'the service worker scope is the sub-path');
    assert.equal(sw.script, `${server.url}sw.js`);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);

    const session = await redactSession(page, page, { tag: 'subpath' });
    await assertRedacted(page, session);
    assert.deepEqual(log.filter((u) => !u.startsWith('/tools/occlude/')), [], 'no request outside the sub-path (relative URLs everywhere)');
    assert.ok(log.includes('/tools/occlude/pkg/occlude_bg.wasm') && log.includes('/tools/occlude/worker/worker.js'), 'wasm and worker from the sub-path');

    // Find text under the sub-path: the finder and its weights come from there too.
    const found = await findTextIn(page, 'photo.jpg');
    assert.ok(found.result, JSON.stringify(found.error));
    assertIdentifiersCovered('photo.jpg', found.result);
    assert.ok(log.includes('/tools/occlude/pkg/occlude_text_bg.wasm') && log.includes('/tools/occlude/models/ppocrv5_det.onnx'), 'the finder from the sub-path');
    assert.deepEqual(log.filter((u) => !u.startsWith('/tools/occlude/')), [], 'still no request outside the sub-path');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
    await server.close();
  }
});

/** A host page (its own origin) that embeds Occlude as the README says. */
async function hostPage(occludeUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'occlude-host-'));
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>Practice intranet</title></head><body>
<h1>Practice intranet</h1>
<iframe id="occlude" src="${occludeUrl}" allow="web-share" title="Occlude image redactor" width="1000" height="800"></iframe>
</body></html>`,
  );
  writeFileSync(join(dir, 'favicon.ico'), '');
  const origin = new URL(occludeUrl).origin;
  // The host's own policy must allow framing Occlude's origin (frame-src) and nothing else.
  const csp = `default-src 'self'; frame-src ${origin}; object-src 'none'; base-uri 'none'`;
  const server = await serve({ root: dir, port: 0, csp });
  return { url: server.url.replace('localhost', '127.0.0.1'), close: () => server.close().then(() => rmSync(dir, { recursive: true, force: true })) };
}

test('inside an <iframe allow="web-share"> on another origin: redact and download in the frame', { timeout: 180_000 }, async () => {
  const occlude = await serve({ root: DIST, port: 0 });
  const host = await hostPage(occlude.url);
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1200, height: 1000 } });
  try {
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(host.url);
    assert.notEqual(new URL(host.url).origin, new URL(occlude.url).origin, 'host and Occlude are different origins');
    const frame = page.frame({ url: occlude.url });
    assert.ok(frame, 'the frame loaded Occlude');
    frame.page().on('pageerror', (e) => problems.push(`frame: ${e.message}`));
    const session = await redactSession(page, frame, { tag: 'iframe' });
    await assertRedacted(frame, session);
    assert.equal(await page.locator('#occlude').getAttribute('allow'), 'web-share');
    // Find text inside the frame (its own origin's worker, module and weights).
    const found = await findTextIn(frame, 'photo.jpg');
    assert.ok(found.result, JSON.stringify(found.error));
    assertIdentifiersCovered('photo.jpg', found.result);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
    await host.close();
    await occlude.close();
  }
});

test('a server that sends frame-ancestors \'none\' cannot be framed (why the default leaves it out)', { timeout: 60_000 }, async () => {
  const occlude = await serve({ root: DIST, port: 0, frameAncestors: "'none'" });
  const host = await hostPage(occlude.url);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const blocked = page.waitForEvent('console', { predicate: (m) => /frame-ancestors/.test(m.text()), timeout: 30_000 });
    await page.goto(host.url);
    await blocked;
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const hasEditor = await frame.evaluate(() => !!document.querySelector('occlude-editor')).catch(() => false);
    assert.equal(hasEditor, false, 'the editor did not load in the frame');
  } finally {
    await context.close();
    await host.close();
    await occlude.close();
  }
});

test('example page: the element (with fill/format attributes and the occlude-export event), the redact() and findText() APIs', { timeout: 180_000 }, async () => {
  const server = await serve({ root: DIST, port: 0 });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 1000 } });
  try {
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${server.url}example.html`);
    const editor = page.locator('occlude-editor');
    assert.equal(await editor.getAttribute('fill'), '#000000');
    assert.equal(await editor.getAttribute('format'), 'png');

    // The element, as a user drives it; the page's own listener reports the export.
    const session = await redactSession(page, page, { tag: 'example' });
    await assertRedacted(page, session);
    await page.waitForFunction(() => /^Exported redacted-/.test(document.getElementById('element-log').textContent));

    // The API, through the example's own file input: a bar over the top fifth.
    await page.setInputFiles('#api-file', { name: FIXTURE.name, mimeType: FIXTURE.mimeType, buffer: FIXTURE.buffer });
    await page.waitForFunction(() => /^Redacted/.test(document.getElementById('api-log').textContent), null, { timeout: 60_000 });
    assert.match(await page.locator('#api-log').textContent(), /96 × 64 PNG, \d+ bytes, 1 box burned/);
    // The <img> has no size until the browser has decoded the new file: wait for it (a file
    // the browser cannot decode never becomes visible, and this times out).
    await page.locator('#api-result').waitFor({ state: 'visible', timeout: 10_000 });
    assert.ok(await page.locator('#api-result').evaluate((img) => img.complete && img.naturalWidth === 96), 'the result is shown');

    // The API directly: {blob, report}, options honoured, errors readable, one worker per job.
    const out = await page.evaluate(async (b64) => {
      const { redact } = await import('./js/api.js');
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const file = new File([bytes], 'x.png', { type: 'image/png' });
      const { blob, report } = await redact(file, [{ x: 48, y: 0, width: 48, height: 32 }], { fill: '#0000ff', format: 'jpeg', quality: 95 });
      const u8 = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (const b of u8) s += String.fromCharCode(b);
      const errors = [];
      for (const [boxes, options] of [
        [[{ x: 500, y: 500, width: 10, height: 10 }], {}],
        [[], {}],
        [[{ x: 0, y: 0, width: 10, height: 10 }], { colour: 'red' }],
      ]) {
        await redact(file, boxes, options).then(
          () => errors.push('resolved'),
          (e) => errors.push(e.message),
        );
      }
      const aborted = new AbortController();
      const pending = redact(file, [{ x: 0, y: 0, width: 10, height: 10 }], { signal: aborted.signal });
      aborted.abort();
      errors.push(await pending.then(() => 'resolved', (e) => e.name));
      return { type: blob.type, b64: btoa(s), report, errors };
    }, FIXTURE.buffer.toString('base64'));
    assert.equal(out.type, 'image/jpeg');
    assert.equal(out.report.outputFormat, 'jpeg');
    assert.deepEqual(out.report.boxes, [{ x: 48, y: 0, width: 48, height: 32 }]);
    const a = await decodeRegions(page, Buffer.from(out.b64, 'base64'), [{ x: 52, y: 4, width: 40, height: 24 }]);
    const [blue] = a.stats;
    assert.ok(blue.mean[2] > 235 && blue.mean[0] < 20 && blue.mean[1] < 20, `the box is blue: ${JSON.stringify(blue)}`);
    assert.match(out.errors[0], /box/i, `a box outside the image is an error: ${out.errors[0]}`);
    assert.match(out.errors[1], /at least one box/);
    assert.match(out.errors[2], /unknown option colour/);
    assert.equal(out.errors[3], 'AbortError');

    // Find text from the host page, then burn what it found with redact(): every identifier
    // line of the render is covered, and every line found becomes one box of the new file.
    const found = await findTextIn(page, 'render.png');
    assert.ok(found.result, JSON.stringify(found.error));
    assertIdentifiersCovered('render.png', found.result);
    const burned = await page.evaluate(async ({ b64, lines }) => {
      const { redact } = await import('./js/api.js');
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const { report } = await redact(new Blob([bytes]), lines, { fill: '#ff00ff' });
      return report.boxes;
    }, { b64: TEXT_FIXTURES['render.png'].b64, lines: found.result.lines });
    assert.deepEqual(burned, found.result.lines.map(({ x, y, width, height }) => ({ x, y, width, height })), 'the boxes found are whole pixels, burned as given');
    const workers = page.workers().filter((w) => w.url().endsWith('/worker/worker.js'));
    assert.ok(workers.length <= 2, `API workers are ended after each job (live: ${workers.length}, the editor's included)`);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
    await server.close();
  }
});
