// The single-file build: dist/occlude.html, copied ALONE into an empty folder, opened from a
// file:// URL with the network off, redacts a fixture; the downloaded bytes are decoded in the
// page and the box is black. Its CSP is hash-based (no 'unsafe-inline') and it loads nothing.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DIST, FIXTURE, ROOT, assertRedacted, decodeRegions, launch, redactSession, requireDist, watchProblems } from './pwa-helpers.mjs';

let browser;
let dir;

before(async () => {
  requireDist('occlude.html');
  dir = mkdtempSync(join(tmpdir(), 'occlude-single-'));
  copyFileSync(join(DIST, 'occlude.html'), join(dir, 'occlude.html')); // nothing else beside it
  browser = await launch(); // no --allow-file-access-from-files: it must not need it
});

after(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('occlude.html is self-contained: inline module with a hash-based CSP, no external references', () => {
  const html = readFileSync(join(DIST, 'occlude.html'), 'utf8');
  const csp = html.match(/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/)[1];
  assert.ok(!csp.includes('unsafe-inline'), `no 'unsafe-inline': ${csp}`);
  assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval'/);
  assert.match(csp, /worker-src blob:/);
  assert.match(csp, /connect-src 'none'/);
  assert.match(csp, /default-src 'none'/);
  assert.equal((html.match(/<script\b/g) || []).length, 1, 'one script element');
  assert.ok(!/<script[^>]*\bsrc=/i.test(html), 'no script loaded from a file');
  const markup = html.replace(/<script type="module">[\s\S]*<\/script>/, '');
  assert.ok(!/<link[^>]*\bhref="(?!data:)/i.test(markup), 'no link to another file');
  assert.ok(!/\b(src|href)="(?!data:|blob:|#)[^"]+"/i.test(markup), 'no src/href to a file');
});

test('opened from file:// with no server and no network: open, draw, export, download; box black', { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 }, offline: true });
  try {
    const requests = [];
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    const problems = watchProblems(page);
    const violations = [];
    await page.exposeFunction('__reportViolation', (v) => violations.push(v));
    await page.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) => window.__reportViolation(`${e.effectiveDirective} ${e.blockedURI}`)),
    );
    const url = pathToFileURL(join(dir, 'occlude.html')).href;
    await page.goto(url);
    assert.equal(await page.evaluate(() => location.protocol), 'file:');

    const session = await redactSession(page, page, { tag: 'single' });
    await assertRedacted(page, session); // decoded in the page with the browser's own decoder

    const other = requests.filter((u) => u !== url && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(other, [], 'nothing but the file itself and blob:/data: URLs made in it');
    assert.deepEqual(violations, [], 'no CSP violation');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('the single file leaves the text finder out, and its engine says so with code text-unavailable', { timeout: 120_000 }, async () => {
  const html = readFileSync(join(DIST, 'occlude.html'), 'utf8');
  assert.ok(!html.includes('occlude_text') && !html.includes('load_text_model'), 'no finder module or glue inlined');
  const context = await browser.newContext({ offline: true });
  try {
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(pathToFileURL(join(dir, 'occlude.html')).href);
    // The editor's own engine worker (from this file's Blob URL), asked as the page will ask it.
    const reply = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const worker = new Worker(new URL('worker/worker.js', document.baseURI), { type: 'module' });
          worker.addEventListener('message', (e) => {
            if ('progress' in e.data) return;
            worker.terminate();
            resolve(e.data);
          });
          worker.postMessage({ id: 1, type: 'findText', bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47]).buffer, options: {} });
        }),
    );
    assert.equal(reply.ok, false);
    assert.equal(reply.error.code, 'text-unavailable');
    assert.match(reply.error.message, /Find text needs the installed or served app/);
    // The page offers no Find text here, and tries to fetch nothing for it (its CSP would refuse).
    await page.locator('#file').setInputFiles({ name: 'Jane Doe.png', mimeType: 'image/png', buffer: readFileSync(join(ROOT, 'tests', 'fixtures', 'png-rgb8.png')) });
    await page.locator('#canvas').waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await page.getByRole('button', { name: 'Find text' }).count(), 0, 'no Find text button in the single file');
    assert.equal(await page.locator('#find-tools').isHidden(), true);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('from file://, GIF, WebP, TIFF and BMP open and export too (the full module is inlined)', { timeout: 300_000 }, async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 }, offline: true });
  try {
    const url = pathToFileURL(join(dir, 'occlude.html')).href;
    for (const [file, mimeType, out] of [
      ['gif-still.gif', 'image/gif', 'png'],
      ['webp-lossless.webp', 'image/webp', 'jpeg'],
      ['tiff-rgb.tiff', 'image/tiff', 'png'],
      ['bmp-rgb.bmp', 'image/bmp', 'png'],
    ]) {
      const page = await context.newPage();
      const problems = watchProblems(page);
      await page.goto(url);
      const input = { ...FIXTURE, name: `Jane Doe ${file}`, mimeType, buffer: readFileSync(join(ROOT, 'tests', 'fixtures', file)) };
      const session = await redactSession(page, page, { file: input, tag: `single-${file}` });
      const { report } = session.exported;
      assert.equal(report.outputFormat, out, `${file} → ${out}`);
      if (out === 'png') await assertRedacted(page, session);
      else {
        const [b] = report.boxes;
        // Inside a 4-pixel margin: JPEG chroma bleeds across the box edge.
        const a = await decodeRegions(page, session.download.bytes, [{ x: b.x + 4, y: b.y + 4, width: b.width - 8, height: b.height - 8 }]);
        assert.ok(a.stats[0].max.every((v) => v <= 24), `${file}: the box is black: ${JSON.stringify(a.stats[0])}`);
      }
      assert.deepEqual(problems, [], `${file}: no page errors`);
      await page.close();
    }
  } finally {
    await context.close();
  }
});

test('from file://, the case features work too: Apply to all, a template (kept for the page at least), Export all and its ZIP', { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 }, offline: true });
  try {
    const requests = [];
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    const problems = watchProblems(page);
    const url = pathToFileURL(join(dir, 'occlude.html')).href;
    await page.goto(url);
    const editor = page.locator('occlude-editor');
    await editor.locator('#file').setInputFiles([
      { ...FIXTURE, name: 'Jane Doe 1.png' },
      { ...FIXTURE, name: 'Jane Doe 2.png' },
    ]);
    await page.getByRole('button', { name: 'Image 2, 0 boxes' }).waitFor({ timeout: 60_000 });
    const r = await page.locator('#canvas').boundingBox();
    await page.mouse.move(r.x + 0.1 * r.width, r.y + 0.1 * r.height);
    await page.mouse.down();
    await page.mouse.move(r.x + 0.4 * r.width, r.y + 0.4 * r.height, { steps: 8 });
    await page.mouse.up();
    await page.getByRole('button', { name: 'Apply to all' }).click();
    await page.getByRole('button', { name: 'Image 1, 1 box' }).waitFor();
    await page.getByRole('button', { name: 'Templates', exact: true }).click();
    await page.getByRole('textbox', { name: 'Template name' }).fill('Single file');
    await page.getByRole('button', { name: 'Save as template' }).click();
    await page.getByRole('button', { name: 'Apply template Single file' }).waitFor();
    await page.getByRole('button', { name: 'Export all' }).click();
    await page.locator('#checklist-ok').click();
    await page.getByRole('heading', { name: 'What you will send' }).waitFor({ timeout: 60_000 });
    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download as ZIP' }).click()]);
    assert.match(dl.suggestedFilename(), /^redacted-\d{8}-\d{6}\.zip$/);
    const other = requests.filter((u) => u !== url && !u.startsWith('blob:') && !u.startsWith('data:'));
    assert.deepEqual(other, [], 'no templates.json (or anything else) asked for from file://');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});
