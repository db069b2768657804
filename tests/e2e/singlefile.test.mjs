// The single-file build: dist/occlude.html, copied ALONE into an empty folder, opened from a
// file:// URL with the network off, redacts a fixture; the downloaded bytes are decoded in the
// page and the box is black. Its CSP is hash-based (no 'unsafe-inline') and it loads nothing.

import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { DIST, assertRedacted, launch, redactSession, requireDist, watchProblems } from './pwa-helpers.mjs';

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
