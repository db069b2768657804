#!/usr/bin/env node
// Occlude's browser benchmark (not a test). Run through tools/bench, which builds first.
//   node tools/bench.mjs [--runs N] [--dist DIR] [--no-write] [--skip-png48] [--no-drag] [--no-size]
//                        [--cases photo12-o1,screen-png,…] [--json FILE]
//
// In ONE headless-Chromium page session (tools/bench-page/, served next to a snapshot of dist/,
// never shipped) it draws deterministic test images — a 12 MP and a 48 MP photographic JPEG with
// EXIF (Make, Model, Orientation 1; the 12 MP also with Orientation 6) and a 2560×1440
// screenshot-like PNG — and runs each case, median of N after one warm-up, through
//   Occlude: a fresh engine worker per job (as the app does after every export), loading
//            dist/pkg and calling `redact` like dist/worker/worker.js; stage times from
//            report.timings, total from the page (post → result), worker startup as a column,
//            and wasm linear memory after the job (it never shrinks: that is the peak);
//   canvas:  createImageBitmap(blob) → OffscreenCanvas → fillRect (same boxes) →
//            convertToBlob (same type; JPEG quality 0.9);
//   app:     the app's own worker through dist/js/worker-client.js, to show the two agree.
// Then, in their own pages: every response of a first load of dist/index.html gzipped (level 9),
// and long tasks on the main thread while a box is dragged on a 48 MP image in the real app.
// Prints a table and rewrites BENCH_RESULTS.md (date, Chromium, CPU, table, target verdicts).

import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';
import { serve } from './serve.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const o = { runs: 5, dist: join(ROOT, 'dist'), write: true, png48: true, json: null, drag: true, size: true, cases: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--dist') o.dist = argv[++i];
    else if (a === '--no-write') o.write = false;
    else if (a === '--skip-png48') o.png48 = false;
    else if (a === '--no-drag') o.drag = false;
    else if (a === '--no-size') o.size = false;
    else if (a === '--json') o.json = argv[++i];
    else if (a === '--cases') o.cases = argv[++i].split(',');
    else {
      console.error(`bench.mjs: unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs needs a positive integer');
  return o;
}

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const ms = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;
const mib = (b) => `${(b / 1048576).toFixed(0)} MiB`;
const log = (...a) => console.error('[bench]', ...a);

/** Resident memory of the browser and all its child processes, in bytes (Linux /proc). */
function browserRss(pid) {
  if (!pid) return NaN;
  const children = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      // gone
    }
  }
  let total = 0;
  const stack = [...(children.get(pid) || [])];
  while (stack.length) {
    const p = stack.pop();
    try {
      const m = readFileSync(`/proc/${p}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // gone
    }
    stack.push(...(children.get(p) || []));
  }
  return total;
}

function machine() {
  let chromiumVersion = '';
  try {
    chromiumVersion = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    chromiumVersion = 'unknown';
  }
  let cpu = cpus()[0]?.model?.trim() || 'unknown';
  try {
    const m = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/);
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux
  }
  let nproc = cpus().length;
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // keep os.cpus()
  }
  const mem = (() => {
    try {
      const m = readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s+(\d+) kB/);
      return m ? `${(Number(m[1]) / 1048576).toFixed(0)} GiB` : '';
    } catch {
      return '';
    }
  })();
  return { chromiumVersion, cpu, nproc, mem, load: loadavg() };
}

/** A private copy of dist/ with the bench page at bench/, so a rebuild of dist/ mid-run is harmless. */
function snapshot(dist) {
  if (!existsSync(join(dist, 'index.html')) || !existsSync(join(dist, 'pkg', 'occlude_bg.wasm'))) {
    throw new Error(`${dist} is not built: run tools/build (or tools/bench without --no-build)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'occlude-bench-'));
  cpSync(dist, dir, { recursive: true });
  cpSync(join(ROOT, 'tools', 'bench-page'), join(dir, 'bench'), { recursive: true });
  return dir;
}

const CASES = [
  { id: 'photo12-o1', label: '12 MP JPEG → JPEG', image: 'photo12-o1', format: 'jpeg' },
  { id: 'photo12-o6', label: '12 MP JPEG (orientation 6) → JPEG', image: 'photo12-o6', format: 'jpeg' },
  { id: 'photo48-o1', label: '48 MP JPEG → JPEG', image: 'photo48-o1', format: 'jpeg' },
  { id: 'screen-png', label: '2560×1440 PNG → PNG', image: 'screen', format: 'png' },
  { id: 'photo12-png', label: '12 MP JPEG → PNG', image: 'photo12-o1', format: 'png' },
  { id: 'photo48-png', label: '48 MP JPEG → PNG', image: 'photo48-o1', format: 'png' },
];

async function runCases(browser, url, opts, pid) {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.setDefaultTimeout(600_000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  await page.goto(new URL('bench/index.html', url).href);
  await page.waitForFunction(() => window.bench, null, { timeout: 60_000 });
  const simd = await page.evaluate(() => window.bench.simd);
  log('generating images…');
  const images = await page.evaluate(() => window.bench.makeImages());
  log(`images ready in ${ms(images.generateMs)} ms:`, Object.entries(images).filter(([k]) => k !== 'generateMs').map(([k, v]) => `${k} ${v.width}×${v.height} ${mb(v.bytes)}`).join(', '));
  const rssStart = browserRss(pid);
  const results = [];
  for (const c of CASES) {
    if (c.id === 'photo48-png' && !opts.png48) continue;
    if (opts.cases && !opts.cases.includes(c.id)) continue;
    log(`${c.label}: occlude ×${opts.runs}…`);
    const occlude = await page.evaluate(([n, f, r]) => window.bench.run('occlude', n, f, r), [c.image, c.format, opts.runs]);
    const rssAfterOcclude = browserRss(pid);
    log(`${c.label}: canvas ×${opts.runs}…`);
    const canvas = await page.evaluate(([n, f, r]) => window.bench.run('canvas', n, f, r), [c.image, c.format, opts.runs]);
    log(`${c.label}: app worker ×3…`);
    const app = await page.evaluate(([n, f]) => window.bench.run('app', n, f, 3, 0), [c.image, c.format]);
    results.push({ ...c, input: images[c.image], occlude, canvas, app, rssAfterOcclude });
  }
  await new Promise((ok) => setTimeout(ok, 1000));
  const rssEnd = browserRss(pid);
  const b64 = opts.drag ? await page.evaluate(() => window.bench.base64('photo48-o1')) : null;
  await context.close();
  if (problems.length) log('page problems:', problems.join('\n'));
  return { images, results, simd, rssStart, rssEnd, photo48: b64 ? Buffer.from(b64, 'base64') : null };
}

/** Every response of a first load of the app, gzipped at level 9. */
async function pageWeight(browser, url, snapshotDir) {
  const context = await browser.newContext();
  const seen = new Map();
  context.on('response', async (res) => {
    const u = new URL(res.url());
    if (!u.href.startsWith(url) || res.status() !== 200) return;
    const fromSw = !!res.request().serviceWorker();
    const key = `${fromSw ? 'sw' : 'page'} ${u.pathname}`;
    if (seen.has(key)) return;
    seen.set(key, null);
    let body = null;
    try {
      body = await res.body();
    } catch {
      body = null;
    }
    if (!body?.length) {
      // Service-worker responses may come without a body to hand: read the same file from the snapshot.
      try {
        const p = decodeURIComponent(u.pathname);
        body = readFileSync(join(snapshotDir, p.endsWith('/') ? p + 'index.html' : p));
      } catch {
        body = body ?? Buffer.alloc(0);
      }
    }
    seen.set(key, { path: u.pathname, fromSw, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length });
  });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'networkidle' });
  // The engine worker is started ahead of time (warm) and the service worker precaches: let both finish.
  await page.waitForTimeout(3000);
  await page.waitForLoadState('networkidle');
  await context.close();
  const files = [...seen.values()].filter(Boolean);
  const pageFiles = files.filter((f) => !f.fromSw).sort((a, b) => b.gzip - a.gzip);
  const swFiles = files.filter((f) => f.fromSw).sort((a, b) => b.gzip - a.gzip);
  const sum = (fs, k) => fs.reduce((s, f) => s + f[k], 0);
  return { pageFiles, swFiles, pageGzip: sum(pageFiles, 'gzip'), pageBytes: sum(pageFiles, 'bytes'), swGzip: sum(swFiles, 'gzip') };
}

/** Long tasks on the app's main thread while a box is dragged over a 48 MP image. */
async function dragTest(browser, url, photo, dir) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    window.__longtasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000);
  await page.goto(url);
  const input = page.locator('input[type=file]').first();
  const t0 = Date.now();
  // From a file on disk: a buffer would be base64-decoded in the page, a long task of its own.
  const file = join(dir, 'photo48.jpg');
  writeFileSync(file, photo);
  await input.setInputFiles(file);
  const canvas = page.getByRole('application', { name: /image being redacted/i });
  await canvas.waitFor({ state: 'visible' });
  // Opened when the editor shows it: wait until the preview is drawn and the page is quiet.
  await page.waitForFunction(() => {
    const root = document.querySelector('occlude-editor')?.shadowRoot ?? document;
    const s = root.querySelector('[role=status], #status, output');
    return !s || !/Opening/i.test(s.textContent || '');
  });
  await page.waitForTimeout(1000);
  const openMs = Date.now() - t0;
  const openTasks = await page.evaluate(() => window.__longtasks.splice(0));
  const box = await canvas.boundingBox();
  const steps = 240;
  const from = { x: box.x + box.width * 0.25, y: box.y + box.height * 0.25 };
  const to = { x: box.x + box.width * 0.7, y: box.y + box.height * 0.65 };
  const d0 = Date.now();
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps });
  await page.mouse.up();
  // Move the new box around too (drag inside it).
  const mid = { x: (from.x + to.x) / 2, y: (from.y + to.y) / 2 };
  await page.mouse.move(mid.x, mid.y);
  await page.mouse.down();
  await page.mouse.move(mid.x - box.width * 0.15, mid.y + box.height * 0.1, { steps });
  await page.mouse.up();
  await page.waitForTimeout(300);
  const dragMs = Date.now() - d0;
  const dragTasks = await page.evaluate(() => window.__longtasks.splice(0));
  await context.close();
  rmSync(dir, { recursive: true, force: true });
  return {
    openMs,
    openTasks: openTasks.length,
    openMax: Math.max(0, ...openTasks.map((t) => t.duration)),
    moves: steps * 2,
    dragMs,
    dragTasks: dragTasks.length,
    dragMax: Math.max(0, ...dragTasks.map((t) => t.duration)),
  };
}

function summarise(r) {
  const o = r.occlude;
  const c = r.canvas;
  const t = (k) => median(o.map((x) => x.timings[k]));
  const occ = {
    decode: t('decodeMs'),
    burn: t('burnMs'),
    encode: t('encodeMs'),
    verify: t('verifyMs'),
    job: median(o.map((x) => x.jobMs)),
    redact: median(o.map((x) => x.redactMs)),
    startup: median(o.map((x) => x.startupMs)),
    out: median(o.map((x) => x.outBytes)),
    memory: Math.max(...o.map((x) => x.memoryAfter)),
    memoryInit: Math.max(...o.map((x) => x.memoryInit)),
    path: [...new Set(o.map((x) => `${x.path} (${x.module ?? 'core'} module)`))].join('/'),
    fullLoad: median(o.map((x) => x.fullLoadMs ?? 0)),
    pathReason: o[0].pathReason,
    size: `${o[0].width}×${o[0].height}`,
  };
  const can = {
    decode: median(c.map((x) => x.decodeMs)),
    burn: median(c.map((x) => x.burnMs)),
    encode: median(c.map((x) => x.encodeMs)),
    job: median(c.map((x) => x.jobMs)),
    out: median(c.map((x) => x.outBytes)),
    size: `${c[0].width}×${c[0].height}`,
  };
  const app = { job: median(r.app.map((x) => x.jobMs)), startup: median(r.app.map((x) => x.startupMs)), path: r.app[0].path };
  return { ...r, occ, can, app, ratio: occ.job / can.job, ratioWithStartup: (occ.job + occ.startup) / can.job, verifyShare: occ.verify / (occ.job - occ.verify) };
}

function table(rows) {
  const lines = [];
  lines.push('| case | path | decode | burn | encode | verify | total | startup | output | Occlude / canvas |');
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of rows) {
    const o = r.occ;
    const c = r.can;
    lines.push(`| ${r.label} | Occlude (${o.path}) | ${ms(o.decode)} | ${ms(o.burn)} | ${ms(o.encode)} | ${ms(o.verify)} | **${ms(o.job)}** | ${ms(o.startup)} | ${mb(o.out)} | **${r.ratio.toFixed(2)}×** (${r.ratioWithStartup.toFixed(2)}× with startup) |`);
    lines.push(`| | canvas | ${ms(c.decode)} | ${ms(c.burn)} | ${ms(c.encode)} | – | **${ms(c.job)}** | – | ${mb(c.out)} | |`);
    lines.push(`| | app worker (check) | | | | | ${ms(r.app.job)} | ${ms(r.app.startup)} | | |`);
  }
  return lines.join('\n');
}

function verdicts(rows, weight, drag) {
  const by = Object.fromEntries(rows.map((r) => [r.id, r]));
  const v = [];
  const mark = (ok) => (ok ? '✓' : '✗');
  for (const id of ['photo12-o1', 'photo12-o6', 'photo48-o1']) {
    const r = by[id];
    if (r) v.push(`${mark(r.ratio <= 1.0)} ${r.label}: ${r.ratio.toFixed(2)}× the canvas path (target ≤ 1.0×; ${ms(r.occ.job)} vs ${ms(r.can.job)} ms, path ${r.occ.path})`);
  }
  for (const id of ['screen-png', 'photo12-png', 'photo48-png']) {
    const r = by[id];
    if (r) v.push(`${mark(r.ratio <= 0.5)} ${r.label}: ${r.ratio.toFixed(2)}× the canvas path (target ≤ 0.5×; ${ms(r.occ.job)} vs ${ms(r.can.job)} ms)`);
  }
  const worst = rows.reduce((a, r) => (r.verifyShare > a.verifyShare ? r : a), rows[0]);
  v.push(`${mark(worst.verifyShare <= 0.15)} Verification adds at most ${(worst.verifyShare * 100).toFixed(0)} % to the total (target ≤ 15 %; worst case ${worst.label}: ${ms(worst.occ.verify)} ms of ${ms(worst.occ.job)} ms; all: ${rows.map((r) => `${r.id} ${(r.verifyShare * 100).toFixed(0)} %`).join(', ')})`);
  const frame = 8000 * 6000 * 4;
  for (const id of ['photo48-o1', 'photo48-png']) {
    const r = by[id];
    if (r) v.push(`${mark(r.occ.memory <= 1.3 * frame)} Peak wasm memory, ${r.label}: ${mib(r.occ.memory)} = ${(r.occ.memory / frame).toFixed(2)}× the 192 MB RGBA frame (target ≤ 1.3×${id === 'photo48-png' ? '; the target names the photo export, PNG is shown for reference' : ''})`);
  }
  v.push(`✓ Memory returned after each job: every job runs in a fresh worker that is terminated afterwards (browser RSS ${rows.length ? `${mib(rows[0].rssStart)} at start, ${mib(rows[0].rssEnd)} at the end` : ''})`);
  if (weight) v.push(`${mark(weight.pageGzip <= 250 * 1024)} First load, everything the page and its worker fetch: ${kb(weight.pageGzip)} gzipped (target ≤ 250 KB)${weight.swFiles.length ? `; the service worker's precache then fetches another ${kb(weight.swGzip)} gzipped in the background` : ''}`);
  if (drag) v.push(`${mark(drag.dragTasks === 0)} Dragging boxes on a 48 MP image: ${drag.dragTasks} long tasks (max ${ms(drag.dragMax)} ms) over ${drag.moves} pointer moves in ${ms(drag.dragMs)} ms (target: none over 50 ms)`);
  return v;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const info = machine();
  const snap = snapshot(opts.dist);
  const server = await serve({ root: snap, port: 0 });
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  // Chromium runs as a child of this process: its resident memory is that of our descendants.
  const pid = process.pid;
  let out;
  try {
    const started = Date.now();
    const cases = await runCases(browser, server.url, opts, pid);
    const rows = cases.results.map(summarise);
    for (const r of rows) {
      r.rssStart = cases.rssStart;
      r.rssEnd = cases.rssEnd;
    }
    log('page weight…');
    const weight = opts.size ? await pageWeight(browser, server.url, snap) : null;
    log('drag test…');
    let drag = null;
    if (opts.drag && cases.photo48) {
      try {
        drag = await dragTest(browser, server.url, cases.photo48, mkdtempSync(join(tmpdir(), 'occlude-bench-file-')));
      } catch (e) {
        log(`drag test failed: ${e.message}`);
      }
    }
    const wasmSize = (name) => {
      if (!existsSync(join(snap, 'pkg', name))) return null; // e.g. a build from before the split
      const bytes = readFileSync(join(snap, 'pkg', name));
      return { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    };
    const wasm = { core: wasmSize('occlude_bg.wasm'), full: wasmSize('occlude_full_bg.wasm') };
    info.loadEnd = loadavg();
    out = { info, browserVersion: browser.version(), rows, weight, drag, simd: cases.simd, images: cases.images, wasm, seconds: (Date.now() - started) / 1000 };
  } finally {
    await browser.close();
    await server.close();
    rmSync(snap, { recursive: true, force: true });
  }
  const report = render(out, opts);
  console.log(report);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(out, null, 1));
  if (opts.write) {
    // The sections other benchmarks write (tools/bench-text: <!-- text-finder -->, and
    // tools/bench-read.mjs: <!-- bench-read: ... -->, each up to its <!-- /name -->) are kept as
    // they are, in their order.
    const file = join(ROOT, 'BENCH_RESULTS.md');
    const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const kept = [...old.matchAll(/<!-- ([a-z-]+)(?::[^>]*)? -->[\s\S]*?<!-- \/\1 -->/g)].map((m) => m[0]);
    writeFileSync(file, report + '\n' + kept.map((k) => `\n${k}\n`).join(''));
    log('wrote BENCH_RESULTS.md');
  }
}

function render(out, opts) {
  const { info, rows, weight, drag } = out;
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
  const L = [];
  L.push('# Occlude benchmark results');
  L.push('');
  L.push(`Written by \`tools/bench\` on ${date}.`);
  L.push('');
  L.push(`- Browser: ${info.chromiumVersion} (Playwright reports ${out.browserVersion}), headless, software rendering (\`--disable-gpu\`)`);
  L.push(`- CPU: ${info.cpu}, ${info.nproc} cores${info.mem ? `, ${info.mem} memory` : ''}`);
  L.push(`- Load average (1, 5, 15 min) at start ${info.load.map((x) => x.toFixed(1)).join(', ')}, at end ${info.loadEnd.map((x) => x.toFixed(1)).join(', ')} (other work on the machine slows both paths; the ratios are measured side by side)`);
  L.push(`- wasm SIMD128 available: ${out.simd ? 'yes' : 'no'}; core module \`pkg/occlude_bg.wasm\` (JPEG, PNG; loaded up front): ${kb(out.wasm.core.bytes)} (${kb(out.wasm.core.gzip)} gzipped); full module \`pkg/occlude_full_bg.wasm\` (all formats; fetched when a file needs it): ${out.wasm.full ? `${kb(out.wasm.full.bytes)} (${kb(out.wasm.full.gzip)} gzipped)` : 'none in this build'}`);
  L.push(`- Median of ${opts.runs} runs after one warm-up, one page session; inputs drawn in the page: ${Object.entries(out.images).filter(([k]) => k !== 'generateMs').map(([k, v]) => `${k} ${v.width}×${v.height} ${mb(v.bytes)}`).join(', ')}`);
  L.push('- Boxes (fractions of the image as seen): (0.05, 0.05, 0.30, 0.06), (0.55, 0.40, 0.20, 0.15), (0.10, 0.85, 0.50, 0.05); JPEG quality 90 / 0.9');
  L.push('');
  L.push('## Occlude vs the canvas path (milliseconds)');
  L.push('');
  L.push('Occlude stage times are `report.timings` (inside wasm); "total" is measured by the page from posting the job to receiving the file (includes copying the input, transfer, JSON). "startup" is a fresh worker: script, module compile and instantiate (the app starts it ahead of time, after each job). Canvas stages: `createImageBitmap` (decode + orient), `drawImage` + `fillRect` (recorded; Chromium rasterises lazily, inside encode), `convertToBlob`. The canvas path does no verification. "app worker" is the app\'s own worker (median of 3) for comparison with the bench worker. Each column is its own median, so stages need not add up to the total.');
  L.push('');
  L.push(table(rows));
  L.push('');
  L.push('Paths taken: ' + rows.map((r) => `${r.id}: ${r.occ.path}${r.occ.fullLoad ? ` (full module loaded in ${ms(r.occ.fullLoad)} ms, inside "total")` : ''}`).join('; ') + '.');
  L.push('');
  L.push('## Memory');
  L.push('');
  L.push('| case | wasm memory after instantiate | peak wasm memory (after the job) | × RGBA frame of the output |');
  L.push('|---|--:|--:|--:|');
  for (const r of rows) {
    const [w, h] = r.occ.size.split('×').map(Number);
    L.push(`| ${r.label} | ${mib(r.occ.memoryInit)} | ${mib(r.occ.memory)} | ${(r.occ.memory / (w * h * 4)).toFixed(2)}× |`);
  }
  L.push('');
  L.push(`Browser resident memory (all Chromium processes): ${mib(rows[0]?.rssStart)} before the first job, ${mib(rows[0]?.rssEnd)} after the last worker was ended.`);
  L.push('');
  if (weight) {
    L.push('## First load: everything the page fetches (gzip -9 per file)');
    L.push('');
    L.push('| file | bytes | gzipped |');
    L.push('|---|--:|--:|');
    for (const f of weight.pageFiles) L.push(`| ${f.path} | ${f.bytes} | ${f.gzip} |`);
    L.push(`| **total (page and its engine worker)** | ${weight.pageBytes} | **${weight.pageGzip} (${kb(weight.pageGzip)})** |`);
    L.push('');
    L.push(weight.pageFiles.some((f) => f.path.endsWith('/occlude_full_bg.wasm'))
      ? '**The full module was fetched by the first load** (it should wait until a file needs it).'
      : 'The full module (`pkg/occlude_full_bg.wasm`) is not part of the first load: the worker fetches it only for a file the core module cannot open.');
    if (weight.swFiles.length) {
      L.push('');
      L.push(`The service worker then precaches ${weight.swFiles.length} files in the background (${kb(weight.swGzip)} gzipped: ${weight.swFiles.slice(0, 6).map((f) => `${f.path} ${kb(f.gzip)}`).join(', ')}${weight.swFiles.length > 6 ? ', …' : ''}); not counted above.`);
    }
    L.push('');
  }
  if (drag) {
    L.push('## Dragging a box on a 48 MP image (the real app, dist/index.html)');
    L.push('');
    L.push(`Opening the 48 MP JPEG took ${ms(drag.openMs)} ms with ${drag.openTasks} long tasks on the main thread (max ${ms(drag.openMax)} ms). Then a box was drawn and moved with ${drag.moves} small pointer moves over ${ms(drag.dragMs)} ms: **${drag.dragTasks} long tasks** (max ${ms(drag.dragMax)} ms) from a \`PerformanceObserver\` for \`longtask\`.`);
    L.push('');
  }
  L.push('## Targets');
  L.push('');
  for (const v of verdicts(rows, weight, drag)) L.push(`- ${v}`);
  L.push('');
  L.push('Native stage timings: `cd bench && cargo bench` (criterion; see bench/benches/core.rs).');
  return L.join('\n');
}

main().catch((e) => {
  console.error(`bench: ${e.stack || e}`);
  process.exit(1);
});
