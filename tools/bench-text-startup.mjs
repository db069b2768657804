#!/usr/bin/env node
// Where a findText() call's time goes, and what calls in a row cost (a benchmark, not a test).
//   node tools/bench-text-startup.mjs parts [IMAGE] [ROUNDS]
//     in a worker as www/worker/text.js runs it (tools/bench-text-page/startup-worker.js):
//     fetching the finder module and the weights, hashing, compiling, instantiating, loading
//     the weights into rten, decoding, and the search split into the render check, the first
//     tile (with the scaling), the network and the post-processing; three searches in the same
//     instance (the first in code the engine has not optimised yet), in ROUNDS fresh workers;
//     then a fresh worker given the compiled module and the weights, as the page keeps them.
//   node tools/bench-text-startup.mjs calls [--dist DIR]... [--calls N] [--read] IMAGE...
//     findText() of DIR/js/api.js (default dist/) in the served app with its service worker,
//     N calls in a row per image after one that downloads and caches the files: each call's
//     wall time and the CPU time of the page's renderer (which runs its workers). With --read,
//     findText(…, {read: true}), and each call split at the finder's last progress into the
//     finder (with any loading) and the reading after it (issue 17's target: ≤ 3 s on a
//     60-line report, e.g. oct-report-0.png). Several --dist run one after the other, for a
//     before/after in one run.
// IMAGE names a file of target/textset/ (tools/bench-text makes the set). Prints the load
// average before and after: the machine is shared, so compare ratios and CPU times.

import { loadavg } from 'node:os';
import { relative, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';
import { serve } from './serve.mjs';
import { ROOT } from './textset.mjs';

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const round = (o) => JSON.stringify(Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v) : v])));

async function launch() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  const cdp = await browser.newBrowserCDPSession();
  const cpuNow = async () => new Map((await cdp.send('SystemInfo.getProcessInfo')).processInfo.map((p) => [`${p.type} ${p.id}`, p.cpuTime]));
  /** Milliseconds of CPU the busiest renderer spent between two readings. */
  const cpu = (a, b) => {
    let most = 0;
    for (const [k, v] of b) if (k.startsWith('renderer')) most = Math.max(most, v - (a.get(k) ?? 0));
    return 1000 * most;
  };
  return { browser, cpuNow, cpu };
}

async function parts(image = 'photo-oct-report-0.jpg', rounds = 2) {
  const server = await serve({ root: ROOT, port: 0 });
  const { browser, cpuNow, cpu } = await launch();
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(600_000);
    await page.goto(`${server.url}tools/bench-text-page/index.html`);
    await page.evaluate(() => {
      window.step = (msg) =>
        new Promise((res, rej) => {
          window.w.onmessage = (e) => (e.data.ok ? res(e.data.result) : rej(new Error(e.data.error)));
          window.w.postMessage(msg);
        });
    });
    for (let r = 0; r < rounds; r++) {
      let b = await cpuNow();
      const cold = await page.evaluate(() => {
        window.w = new Worker('/tools/bench-text-page/startup-worker.js', { type: 'module' });
        return window.step({ step: 'cold' });
      });
      console.log(`fresh worker ${r}: start-up CPU ${Math.round(cpu(b, await cpuNow()))} ms`, round(cold));
      for (let i = 0; i < 3; i++) {
        b = await cpuNow();
        const f = await page.evaluate((url) => window.step({ step: 'find', url }), `/target/textset/${image}`);
        console.log(`  search ${i}: CPU ${Math.round(cpu(b, await cpuNow()))} ms`, round(f));
      }
      if (r === rounds - 1) await page.evaluate(() => window.step({ step: 'give' }).then((g) => (window.given = g)));
      await page.evaluate(() => window.w.terminate());
    }
    // What the app does now: a fresh worker given the module the last one compiled and the
    // weights it checked (as the page keeps them: js/worker-client.js).
    let b = await cpuNow();
    const given = await page.evaluate(() => {
      window.w = new Worker('/tools/bench-text-page/startup-worker.js', { type: 'module' });
      return window.step({ step: 'given', ...window.given });
    });
    console.log(`fresh worker given the kept module and weights: start-up CPU ${Math.round(cpu(b, await cpuNow()))} ms`, round(given));
    b = await cpuNow();
    const f = await page.evaluate((url) => window.step({ step: 'find', url }), `/target/textset/${image}`);
    console.log(`  search 0: CPU ${Math.round(cpu(b, await cpuNow()))} ms`, round(f));
  } finally {
    await browser.close();
    await server.close();
  }
}

async function calls(args) {
  const dists = [];
  let n = 3;
  let read = false;
  const images = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--dist') dists.push(args[++i]);
    else if (args[i] === '--calls') n = Number(args[++i]);
    else if (args[i] === '--read') read = true;
    else images.push(args[i]);
  }
  for (const dist of dists.length ? dists : ['dist']) await callsOf(dist, images, n, read);
}

async function callsOf(dist, images, n, read) {
  // The repository root is served, so the app (DIST, a folder under it) and the set share an origin.
  const rel = relative(ROOT, resolve(dist));
  if (rel.startsWith('..')) throw new Error(`${dist} is not under ${ROOT} (copy it under target/)`);
  const server = await serve({ root: ROOT, port: 0 });
  const { browser, cpuNow, cpu } = await launch();
  const call = (page, image) =>
    page.evaluate(
      async ({ url, read }) => {
        const { findText } = await import('./js/api.js');
        const bytes = await (await fetch(url)).arrayBuffer();
        let findDone = 0;
        const onProgress = (p) => {
          if (p.stage === 'find' && p.fraction === 1) findDone = performance.now();
        };
        const t = performance.now();
        const found = await findText(new Blob([bytes]), read ? { read, onProgress } : {});
        const end = performance.now();
        return { ms: end - t, find: findDone - t, read: end - findDone, lines: found.lines.length };
      },
      { url: `/target/textset/${image}`, read },
    );
  const split = (r) => (read ? ` (finder ${Math.round(r.find)} ms, then reading ${Math.round(r.read)} ms)` : '');
  try {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(600_000);
    await page.goto(`${server.url}${rel}/`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const first = await call(page, images[0]);
    console.log(`${rel}: first call (downloads and caches the finder${read ? ' and the reader' : ''}): ${Math.round(first.ms)} ms${split(first)}, load average ${load()}`);
    for (const image of images) {
      for (let i = 0; i < n; i++) {
        const b = await cpuNow();
        const r = await call(page, image);
        console.log(`${rel} ${image} call ${i}: ${Math.round(r.ms)} ms wall${split(r)}, ${Math.round(cpu(b, await cpuNow()))} ms CPU, ${r.lines} lines`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

const [mode, ...rest] = process.argv.slice(2);
console.log(`load average ${load()}`);
if (mode === 'parts') await parts(rest[0], Number(rest[1] ?? 2));
else if (mode === 'calls') await calls(rest);
else {
  console.error('usage: bench-text-startup.mjs parts [IMAGE] [ROUNDS] | calls [--dist DIR]... [--calls N] [--read] IMAGE...');
  process.exit(2);
}
console.log(`load average ${load()}`);
