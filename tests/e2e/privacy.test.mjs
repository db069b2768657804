// Provably private: every request of a full session (load, open, draw, export, download) is
// recorded three ways — the browser's view of the page, its workers and the service worker
// (Playwright's context `request` events), what reached the server (its own log), and every
// Content-Security-Policy violation — and the test fails on any request to another origin,
// any request once the app has loaded that is not answered on the device, and any request that
// carries a body. A negative check shows the recorder and the check catch a leak.

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serve } from '../../tools/serve.mjs';
import { DIST, assertRedacted, editorReady, launch, redactSession, requireDist, watchProblems } from './pwa-helpers.mjs';
import { untilControlled } from './helpers.mjs';

const POLICY =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' blob: data:; " +
  "worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

let browser;

before(async () => {
  requireDist();
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** Records requests as the browser sees them (page, dedicated workers, service worker). */
function recordBrowser(context) {
  const log = [];
  const add = (kind) => (r) =>
    log.push({
      kind,
      url: r.url(),
      method: r.method(),
      body: r.postDataBuffer()?.length ?? 0,
      fromSw: () => r.response().then((res) => res?.fromServiceWorker() ?? false),
      byServiceWorker: !!r.serviceWorker(),
      failure: r.failure()?.errorText,
      at: Date.now(),
    });
  context.on('request', add('request'));
  context.on('requestfailed', add('failed'));
  return log;
}

/** CSP violations in the page (blocked attempts never reach the request log). */
async function recordViolations(page) {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolations.push({ blockedURI: e.blockedURI, directive: e.effectiveDirective }),
    );
  });
}

/**
 * The privacy rule, as a function so the negative check can show it fails:
 * every URL is the app's origin (or a blob:/data: URL made on the device); no request has a
 * body; after `loadedAt` the server sees nothing but the browser's service-worker update check
 * (GET /sw.js) and every other browser request is answered by the service worker from its
 * cache; no CSP violation.
 */
async function assertPrivate({ origin, browserLog, serverLog, loadedAt, serverAtLoad, violations }) {
  for (const r of browserLog) {
    const u = new URL(r.url);
    if (u.protocol === 'blob:' || u.protocol === 'data:') {
      assert.equal(new URL(u.pathname).origin, origin, `a blob: made by the app itself: ${r.url}`);
      continue;
    }
    assert.equal(u.origin, origin, `request to another origin: ${r.method} ${r.url}`);
    assert.equal(r.body, 0, `a request carries a body: ${r.method} ${r.url}`);
    assert.ok(r.method === 'GET' || r.method === 'HEAD', `only GET/HEAD: ${r.method} ${r.url}`);
    assert.ok(u.search === '' && u.href.length < 300, `no data in the URL: ${r.url}`);
  }
  // The one exception: the browser itself re-reads the service worker script (the update
  // check, how a new version is found). A bodiless GET of the app's own sw.js, no query.
  const swCheck = (url, method) => method === 'GET' && url === `${origin}/sw.js`;
  for (const r of browserLog.filter((x) => x.at >= loadedAt && !x.url.startsWith('blob:') && !swCheck(x.url, x.method))) {
    assert.ok(r.kind !== 'failed', `a request failed after loading: ${r.url} (${r.failure})`);
    assert.ok(await r.fromSw(), `after loading, a request went past the service worker: ${r.method} ${r.url}`);
  }
  const reached = serverLog.slice(serverAtLoad).filter((r) => !swCheck(origin + r.url, r.method));
  assert.deepEqual(reached, [], `after loading, nothing reached the server: ${JSON.stringify(reached)}`);
  assert.ok(serverLog.every((r) => r.method === 'GET' && r.bodyBytes === 0), 'the server only ever saw bodiless GETs');
  assert.deepEqual(violations, [], 'no CSP violation');
}

test('a full session: all requests to the own origin, none after loading, none with image bytes', { timeout: 180_000 }, async () => {
  const serverLog = [];
  const server = await serve({ root: DIST, port: 0, onRequest: (r) => serverLog.push(r) });
  const origin = new URL(server.url).origin;
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  try {
    const browserLog = recordBrowser(context);
    const page = await context.newPage();
    const problems = watchProblems(page);
    await recordViolations(page);

    // Load: the page, its scripts, the worker, the wasm; the service worker precaches the app.
    await page.goto(server.url);
    await editorReady(page);
    await untilControlled(page);
    // The CSP the page runs under is the documented one (meta tag; the server sends it too).
    const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    for (const directive of POLICY.split('; ')) assert.ok(meta.split('; ').includes(directive), `CSP has ${directive}`);
    assert.equal(await page.locator('script:not([src])').count(), 0, 'no inline scripts');
    const loadedAt = Date.now();
    const serverAtLoad = serverLog.length;
    assert.ok(browserLog.some((r) => r.url.endsWith('/pkg/occlude_bg.wasm')), 'the recorder sees worker requests (the wasm)');
    assert.ok(browserLog.some((r) => r.byServiceWorker), 'the recorder sees service-worker requests (the precache)');

    // Open, draw, export, download.
    const session = await redactSession(page, page, { tag: 'privacy' });
    await assertRedacted(page, session);
    const afterLoad = browserLog.filter((r) => r.at >= loadedAt);
    assert.ok(afterLoad.some((r) => r.url.endsWith('/worker/worker.js')), 'the engine restarted during the session (and the recorder saw it)');

    await page.waitForTimeout(2000); // a quiet moment: anything the export set off is seen too
    const violations = await page.evaluate(() => window.__cspViolations);
    await assertPrivate({ origin, browserLog, serverLog, loadedAt, serverAtLoad, violations });
    assert.deepEqual(problems, [], 'no page errors');
    // Nothing of the image is in any URL the server saw.
    assert.ok(serverLog.every((r) => !/jane|doe|mrn|redacted/i.test(r.url)));
  } finally {
    await context.close();
    await server.close();
  }
});

test('negative: a fetch to another origin is blocked by the CSP, and the check above would fail on it', { timeout: 60_000 }, async () => {
  // A second "outside" server that counts what reaches it.
  let hits = 0;
  const outside = createServer((req, res) => {
    hits++;
    res.writeHead(200, { 'Access-Control-Allow-Origin': '*' }).end('got it');
  });
  await new Promise((ok) => outside.listen(0, '127.0.0.1', ok));
  const elsewhere = `http://127.0.0.1:${outside.address().port}/leak`;
  const serverLog = [];
  const server = await serve({ root: DIST, port: 0, onRequest: (r) => serverLog.push(r) });
  const origin = new URL(server.url).origin;
  try {
    // 1. With the app's CSP: blocked before the network, reported as a violation.
    const context = await browser.newContext();
    const browserLog = recordBrowser(context);
    const page = await context.newPage();
    await recordViolations(page);
    await page.goto(server.url);
    await editorReady(page);
    await page.evaluate(() => navigator.serviceWorker.ready);
    const loadedAt = Date.now();
    const serverAtLoad = serverLog.length;
    const result = await page.evaluate(async (url) => {
      try {
        await fetch(url, { method: 'POST', body: 'image bytes', mode: 'no-cors' });
        return 'sent';
      } catch (e) {
        return `blocked: ${e.message}`;
      }
    }, elsewhere);
    assert.match(result, /^blocked/, 'the fetch did not go out');
    const violations = await page.evaluate(() => window.__cspViolations);
    assert.ok(
      violations.some((v) => v.directive === 'connect-src' && v.blockedURI.startsWith(elsewhere.slice(0, -5))),
      `the CSP reported it: ${JSON.stringify(violations)}`,
    );
    await assert.rejects(assertPrivate({ origin, browserLog, serverLog, loadedAt, serverAtLoad, violations }), /CSP violation/);
    await context.close();

    // 2. Had the CSP been weakened (bypassed here), the request recorder catches the leak.
    const open = await browser.newContext({ bypassCSP: true });
    const log2 = recordBrowser(open);
    const page2 = await open.newPage();
    await page2.goto(server.url);
    await editorReady(page2);
    await page2.evaluate(() => navigator.serviceWorker.ready);
    const at2 = Date.now();
    const n2 = serverLog.length;
    await page2.evaluate((url) => fetch(url, { method: 'POST', body: 'image bytes', mode: 'no-cors' }).catch(() => {}), elsewhere);
    assert.equal(hits, 1, 'without the CSP the bytes would have left');
    assert.ok(log2.some((r) => r.url === elsewhere), 'the recorder saw it');
    await assert.rejects(assertPrivate({ origin, browserLog: log2, serverLog, loadedAt: at2, serverAtLoad: n2, violations: [] }), /another origin/);
    await open.close();
  } finally {
    await server.close();
    await new Promise((ok) => outside.close(ok));
  }
});

test('the CSP the server sends matches the page and forbids framing only when asked', async () => {
  const plain = await serve({ root: DIST, port: 0 });
  const strict = await serve({ root: DIST, port: 0, frameAncestors: "'none'" });
  try {
    const header = (await fetch(plain.url)).headers.get('content-security-policy');
    for (const directive of POLICY.split('; ')) assert.ok(header.split('; ').includes(directive), `header has ${directive}`);
    assert.ok(!header.includes('frame-ancestors'), 'embeddable by default');
    assert.match((await fetch(strict.url)).headers.get('content-security-policy'), /; frame-ancestors 'none'$/);
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/i.test(html), 'index.html has no inline script');
  } finally {
    await plain.close();
    await strict.close();
  }
});
