#!/usr/bin/env node
// The text finder's benchmark (not a test: it never fails on a missed target). Run through
// tools/bench-text, which builds first and generates the evaluation set if it is missing.
//   node tools/bench-text.mjs [--runs N] [--only REGEX] [--native-only] [--browser-only]
//                             [--no-worker] [--no-write] [--json FILE]
//   node tools/bench-text.mjs --render FILE [--no-write]   # the section again from a --json file
//
// On every image of target/textset/ (tools/make_textset.py: renders and 12 MP phone photos of
// practice-software screenshots, OCT and visual-field reports and fundus pictures with overlay
// text; with --big also a 48 MP photo), three ways:
//   native:   `occlude text --json --no-read` (find only; target/release, one thread: RAYON_NUM_THREADS=1): wall time
//             and the CPU time of the process;
//   Chromium, the module: dist/pkg/occlude_text_bg.wasm (wasm SIMD, one thread) in a fresh page
//             per image (tools/bench-text-page/), decode + find as the worker runs them, median
//             of N runs, and the module's wasm memory after the first run (it never shrinks:
//             the peak of one call, as a findText() call's fresh worker has it) and after all;
//   Chromium, the app: findText() of dist/js/api.js in the served app, the path a user's click
//             takes (a fresh worker per call, given the compiled finder module and the checked
//             weights the page kept from the first call; it decodes, finds and answers), once
//             per image after one call that downloads and caches the files.
// The machine is shared with other work: beside each wall time the benchmark gives the CPU time
// the work took (Chromium's per-process CPU time through the DevTools protocol: the page's
// renderer, which runs its workers too), which a busy machine stretches much less.
// Recall: a labelled identifier line counts when at least 90 % of its box is inside the boxes
// found (tools/textset.mjs), per kind of image. Prints the tables and replaces the text finder's
// section of BENCH_RESULTS.md (tools/bench keeps it when it rewrites the rest).

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';
import { serve } from './serve.mjs';
import { ROOT, TEXTSET, labelOf, score, textsetIndex } from './textset.mjs';

function parseArgs(argv) {
  const o = { runs: 3, only: null, native: true, browser: true, worker: true, write: true, json: null, render: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--only') o.only = new RegExp(argv[++i]);
    else if (a === '--native-only') o.browser = o.worker = false;
    else if (a === '--browser-only') o.native = false;
    else if (a === '--no-worker') o.worker = false;
    else if (a === '--no-write') o.write = false;
    else if (a === '--json') o.json = argv[++i];
    else if (a === '--render') o.render = argv[++i];
    else {
      console.error(`bench-text.mjs: unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(o.runs) || o.runs < 1) throw new Error('--runs needs a positive integer');
  return o;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};
const pct = (found, total) => (total ? `${((100 * found) / total).toFixed(1)} %` : '–');
const mib = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;
const mb = (b) => `${(b / 1e6).toFixed(2)} MB`;
const ms = (x) => (Number.isFinite(x) ? x.toFixed(0) : '–');
const log = (...a) => console.error('[bench-text]', ...a);

/** Per image: the lines found natively, the wall time and the CPU time of `occlude text --json`. */
function native(images) {
  const cli = join(ROOT, 'target', 'release', 'occlude');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: cargo build --release --features cli (tools/bench-text does)`);
  const out = {};
  for (const e of images) {
    const t = process.hrtime.bigint();
    // bash's `times` prints the CPU time of its children (user, then system) last on stderr.
    const r = spawnSync('bash', ['-c', '"$@"; s=$?; times >&2; exit $s', 'bench', cli, 'text', '--json', '--no-read', join(TEXTSET, e.image)], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      env: { ...process.env, RAYON_NUM_THREADS: '1' },
    });
    const wall = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0) throw new Error(`occlude text ${e.image}: ${r.stderr}`);
    const m = r.stderr.trim().match(/(\d+)m([\d.]+)s (\d+)m([\d.]+)s$/);
    const cpu = m ? 1000 * (60 * Number(m[1]) + Number(m[2]) + 60 * Number(m[3]) + Number(m[4])) : NaN;
    const found = JSON.parse(r.stdout);
    out[e.name] = { ms: wall, cpu, network: found.network, lines: found.lines };
    log(`native ${e.name}: ${ms(wall)} ms (CPU ${ms(cpu)} ms), ${found.lines.length} lines`);
  }
  return out;
}

/** The CPU seconds of every Chromium process so far, by process. */
async function cpuNow(cdp) {
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  return new Map(processInfo.map((p) => [`${p.type} ${p.id}`, p.cpuTime]));
}

/** Milliseconds of CPU the busiest renderer (the page's: its workers run in it) spent between two readings. */
function rendererCpu(a, b) {
  let most = 0;
  for (const [k, v] of b) if (k.startsWith('renderer')) most = Math.max(most, v - (a.get(k) ?? 0));
  return 1000 * most;
}

async function launch() {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
  return { browser, cdp: await browser.newBrowserCDPSession() };
}

/** Per image, the module on a page: each run's times and CPU, the wasm memory, the lines found. */
async function module(images, runs) {
  const server = await serve({ root: ROOT, port: 0 });
  const { browser, cdp } = await launch();
  const out = {};
  try {
    for (const e of images) {
      const page = await browser.newPage();
      page.setDefaultTimeout(600_000);
      try {
        await page.goto(`${server.url}tools/bench-text-page/index.html`);
        const instantiateMs = await page.evaluate(() => window.load(''));
        await page.evaluate((url) => window.fetchImage(url), `/target/textset/${e.image}`);
        const times = [];
        let last = null;
        let modelMs = null;
        for (let i = 0; i < runs; i++) {
          const before = await cpuNow(cdp);
          last = await page.evaluate((keep) => window.findOnce(keep), i === runs - 1);
          const cpu = rendererCpu(before, await cpuNow(cdp));
          modelMs ??= last.modelMs;
          // The first run of a photo loads the weights too: their CPU is not the search's.
          times.push({ decode: last.decode, find: last.find, total: last.total, cpu: last.modelMs == null ? cpu : NaN, memory: last.memory });
        }
        // The memory of one call (as a findText() call's fresh worker has it), and after all runs.
        out[e.name] = { times, instantiateMs, modelMs, memory: times[0].memory, memoryRuns: last.memory, lines: last.lines, network: last.network };
        log(`chromium module ${e.name}: ${times.map((t) => ms(t.total)).join(', ')} ms, ${mib(times[0].memory)} (${mib(last.memory)} after ${runs})`);
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return out;
}

/** Per image, findText() in the served app (the worker's path): the time and CPU of one call, the lines. */
async function app(images) {
  const server = await serve({ root: ROOT, port: 0 });
  const { browser, cdp } = await launch();
  const out = {};
  const call = (page, image) =>
    page.evaluate(async (url) => {
      const { findText } = await import('./js/api.js');
      const bytes = await (await fetch(url)).arrayBuffer();
      const t = performance.now();
      const found = await findText(new Blob([bytes]));
      return { ms: performance.now() - t, lines: found.lines };
    }, `/target/textset/${image}`);
  try {
    const page = await (await browser.newContext()).newPage();
    page.setDefaultTimeout(600_000);
    await page.goto(`${server.url}dist/`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    // The first use downloads the module and the weights into the service worker's cache.
    const photo = images.find((e) => e.kind.startsWith('photo-')) ?? images[0];
    const first = await call(page, photo.image);
    log(`chromium app, first use (download included) on ${photo.name}: ${ms(first.ms)} ms`);
    for (const e of images) {
      const before = await cpuNow(cdp);
      const r = await call(page, e.image);
      out[e.name] = { ms: r.ms, cpu: rendererCpu(before, await cpuNow(cdp)), lines: r.lines };
      log(`chromium app ${e.name}: ${ms(r.ms)} ms (CPU ${ms(out[e.name].cpu)} ms)`);
    }
    // A new page session: the service worker has the files, the page has kept nothing yet (the
    // worker fetches, hashes and compiles them, and runs code the engine has not optimised).
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    const before = await cpuNow(cdp);
    const fresh = await call(page, photo.image);
    const session = { image: photo.name, ms: fresh.ms, cpu: rendererCpu(before, await cpuNow(cdp)) };
    log(`chromium app, first call after a reload on ${photo.name}: ${ms(session.ms)} ms (CPU ${ms(session.cpu)} ms)`);
    return { results: out, firstUse: { image: photo.name, ms: first.ms }, session };
  } finally {
    await browser.close();
    await server.close();
  }
}

function machine() {
  const r = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' });
  const cpu = cpus()[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return { chromiumVersion: r.status === 0 ? r.stdout.trim() : 'unknown', cpu, nproc: cpus().length, mem: Math.round(totalmem() / 2 ** 30) };
}

/** Recall tallies per kind of image for one way's results ({name: {lines}}). */
function tally(images, results, network) {
  const kinds = {};
  for (const e of images) {
    const r = results[e.name];
    if (!r) continue;
    const s = score(labelOf(e.name), r.lines);
    const k = (kinds[e.kind] ??= { images: 0, id: 0, idTotal: 0, all: 0, allTotal: 0, stray: 0, boxes: 0, paths: new Set(), misses: [] });
    k.images += 1;
    k.id += s.kinds.identifier?.found ?? 0;
    k.idTotal += s.kinds.identifier?.total ?? 0;
    for (const v of Object.values(s.kinds)) {
      k.all += v.found;
      k.allTotal += v.total;
    }
    k.stray += s.stray;
    k.boxes += s.boxes;
    const net = r.network ?? network?.[e.name];
    if (net !== undefined) k.paths.add(net ? 'network' : 'classical');
    for (const m of s.misses.filter((m) => m.kind === 'identifier')) k.misses.push(`${e.name}: ${JSON.stringify(m.text)} (${(100 * m.covered).toFixed(0)} % covered)`);
  }
  return kinds;
}

const lowest = (t) => {
  const [kind, r] = Object.entries(t).map(([k, v]) => [k, v.id / v.idTotal]).sort((a, b) => a[1] - b[1])[0];
  return `${kind} ${pct(r, 1)}`;
};

function render({ info, images, nat, mod, web, runs, load, date }) {
  const L = [];
  L.push('<!-- text-finder -->', '## Text finder', '');
  L.push(`Written by \`tools/bench-text\` on ${date} UTC (a benchmark, not a test: no target here fails a build).`, '');
  L.push(`- Browser: ${info.chromiumVersion}, headless. *The module*: \`pkg/occlude_text_bg.wasm\` (wasm SIMD128, one thread) on a page's main thread, decode + find as the worker runs them, one fresh page per image, median of ${runs} runs. *The app*: \`findText()\` of \`js/api.js\` in the served app (a fresh worker per call, started from the finder module compiled and the weights checked by an earlier call, which the page keeps: it instantiates them, decodes, finds, answers), one call per image after a first one that downloads and caches the files`);
  L.push(`- Native: \`target/release/occlude text --json --no-read\` with \`RAYON_NUM_THREADS=1\` (including the process start, reading the file and, for photos, loading the detector)`);
  L.push(`- CPU: ${info.cpu}, ${info.nproc} cores, ${info.mem} GiB memory, shared with other work: load average (1 min) ${load.start.toFixed(1)} at start, ${load.end.toFixed(1)} at end. Wall times stretch with the load; the CPU times (Chromium's per-process CPU time of the page's renderer, which runs its workers too; the native process's user + system time) much less`);
  L.push(`- Set: \`target/textset/\` from \`tools/make_textset.py\` (its seeds are the set; ${images.length} images). A labelled line counts when at least 90 % of its box is inside the boxes found; a box is stray when it touches no labelled line.`, '');

  const network = Object.fromEntries(Object.entries(nat ?? mod ?? {}).map(([k, v]) => [k, v.network]));
  const tn = nat ? tally(images, nat) : null;
  const tm = mod ? tally(images, mod) : null;
  const tw = web ? tally(images, web.results, network) : null;
  const kinds = [...new Set(images.map((e) => e.kind))];
  const cell = (t) => (t ? `${t.id}/${t.idTotal} ${pct(t.id, t.idTotal)}` : '–');
  L.push('### Recall per kind of image (identifier lines)', '');
  L.push('| kind | images | path | native | Chromium, the module | Chromium, findText() | all lines (native) | stray boxes / boxes (native) |');
  L.push('|---|--:|---|--:|--:|--:|--:|--:|');
  const sum = (t) => t && Object.values(t).reduce((s, k) => ({ id: s.id + k.id, idTotal: s.idTotal + k.idTotal, all: s.all + k.all, allTotal: s.allTotal + k.allTotal, stray: s.stray + k.stray, boxes: s.boxes + k.boxes }), { id: 0, idTotal: 0, all: 0, allTotal: 0, stray: 0, boxes: 0 });
  for (const kind of kinds) {
    const [n, m, w] = [tn?.[kind], tm?.[kind], tw?.[kind]];
    const any = n ?? m ?? w;
    if (!any) continue;
    L.push(`| ${kind} | ${any.images} | ${[...(n ?? m ?? w).paths].join(', ')} | ${cell(n)} | ${cell(m)} | ${cell(w)} | ${n ? `${n.all}/${n.allTotal} ${pct(n.all, n.allTotal)}` : '–'} | ${n ? `${n.stray}/${n.boxes}` : '–'} |`);
  }
  const [sn, sm, sw] = [sum(tn), sum(tm), sum(tw)];
  L.push(`| **total** | ${images.length} | | **${cell(sn)}** | **${cell(sm)}** | **${cell(sw)}** | ${sn ? `${sn.all}/${sn.allTotal} ${pct(sn.all, sn.allTotal)}` : '–'} | ${sn ? `${sn.stray}/${sn.boxes}` : '–'} |`, '');
  const misses = [...new Set([tn, tm, tw].filter(Boolean).flatMap((t) => Object.values(t).flatMap((k) => k.misses)))];
  if (misses.length) L.push(`Identifier lines missed (by any of the three): ${misses.join('; ')}.`, '');

  if (mod || web || nat) {
    L.push(`### Time and memory (milliseconds: wall / CPU)`, '');
    L.push(`| image | size | path | module: decode | module: find | **module: decode + find** | **findText() in the app** | native (1 thread) | wasm memory: one call (after ${runs} runs) |`);
    L.push('|---|---|---|--:|--:|--:|--:|--:|--:|');
    for (const e of images) {
      const [m, w, n] = [mod?.[e.name], web?.results[e.name], nat?.[e.name]];
      if (!m && !w && !n) continue;
      const med = (k) => (m ? median(m.times.map((t) => t[k]).filter(Number.isFinite)) : NaN);
      const path = (m ?? n)?.network;
      L.push(`| ${e.name} | ${e.width}×${e.height} | ${path === undefined ? '–' : path ? 'network' : 'classical'} | ${ms(med('decode'))} | ${ms(med('find'))} | **${ms(med('total'))}** / ${ms(med('cpu'))} | **${ms(w?.ms)}** / ${ms(w?.cpu)} | ${ms(n?.ms)} / ${ms(n?.cpu)} | ${m ? `${mib(m.memory)} (${mib(m.memoryRuns)})` : '–'} |`);
    }
    L.push('');
    if (mod) {
      const inst = Object.values(mod).map((r) => r.instantiateMs);
      const model = Object.values(mod).map((r) => r.modelMs).filter((x) => x != null);
      L.push(`The module's times leave out instantiating it (${ms(median(inst))} ms, median) and loading the detector (\`load_text_model\` on the .onnx: ${model.length ? `${ms(median(model))} ms` : '–'}); findText()'s include both, and starting the worker.`);
    }
    if (web) L.push(`The first findText() on a device (${web.firstUse.image}, the module and the weights downloaded from a local server and cached): ${ms(web.firstUse.ms)} ms.`);
    if (web?.session) L.push(`The first findText() of a page session (${web.session.image} after a reload: nothing kept, the files fetched from the service worker's cache, hashed and compiled again; in the same renderer process, whose engine may still hold code it optimised for the same bytes, so a new browser's first call can take longer: see tools/bench-text-startup.mjs parts): ${ms(web.session.ms)} ms wall, ${ms(web.session.cpu)} ms CPU.`);
    L.push('');
  }

  const manifest = JSON.parse(readFileSync(join(ROOT, 'dist', 'models', 'manifest.json'), 'utf8'));
  L.push('### What Find text downloads once (dist/models/manifest.json)', '');
  L.push('| file | bytes | gzipped |', '|---|--:|--:|');
  const files = [...manifest.finder.simd.files, ...(manifest.finder.scalar?.files ?? []), ...manifest.finder.weights.files];
  for (const f of files) L.push(`| ${f.url} | ${f.bytes} | ${f.gzip} |`);
  const dl = [...manifest.finder.simd.files, ...manifest.finder.weights.files];
  const total = dl.reduce((s, f) => s + f.bytes, 0);
  const gz = dl.reduce((s, f) => s + f.gzip, 0);
  const mods = manifest.finder.simd.files.reduce((s, f) => s + f.gzip, 0);
  L.push(`| **one engine's download (SIMD module + weights)** | **${total} (${mb(total)})** | **${gz} (${mb(gz)})** |`, '');
  L.push(`Transferred: the module's files gzipped by a server that compresses (${mb(mods)}), the weights about as large as they are (they barely compress: ${mb(manifest.finder.weights.files.reduce((s, f) => s + f.gzip, 0))} gzipped). A clean render needs only the module; the weights come with the first photo. None of it is in the first load of the app.`, '');

  L.push('### Targets', '');
  const mark = (ok) => (ok ? '✅' : '❌');
  const perKind = (t) => Object.values(t).every((k) => k.idTotal === 0 || k.id / k.idTotal >= 0.98);
  if (tn) L.push(`- ${mark(perKind(tn))} Recall ≥ 98 % of identifier lines in every kind, natively (lowest: ${lowest(tn)})`);
  if (tm) L.push(`- ${mark(perKind(tm))} The same in Chromium, the module (lowest: ${lowest(tm)})`);
  if (tw) L.push(`- ${mark(perKind(tw))} The same in Chromium through findText() (lowest: ${lowest(tw)})`);
  const slowest = (pred) => {
    const sel = images.filter(pred);
    const pick = (f) => Math.max(...sel.map(f).filter(Number.isFinite));
    const typical = (f) => median(sel.map(f).filter(Number.isFinite));
    return {
      n: sel.length,
      medWall: typical((e) => (mod?.[e.name] ? median(mod[e.name].times.map((t) => t.total)) : NaN)),
      medCpu: typical((e) => (mod?.[e.name] ? median(mod[e.name].times.map((t) => t.cpu).filter(Number.isFinite)) : NaN)),
      medApp: typical((e) => web?.results[e.name]?.ms ?? NaN),
      medAppCpu: typical((e) => web?.results[e.name]?.cpu ?? NaN),
      wall: pick((e) => (mod?.[e.name] ? median(mod[e.name].times.map((t) => t.total)) : NaN)),
      cpu: pick((e) => (mod?.[e.name] ? median(mod[e.name].times.map((t) => t.cpu).filter(Number.isFinite)) : NaN)),
      app: pick((e) => web?.results[e.name]?.ms ?? NaN),
      appCpu: pick((e) => web?.results[e.name]?.cpu ?? NaN),
    };
  };
  const timeTarget = (label, limit, s) => {
    if (!Number.isFinite(s.wall) && !Number.isFinite(s.app)) return;
    const parts = [];
    if (Number.isFinite(s.wall)) parts.push(`the module ${ms(s.wall)} ms wall, ${ms(s.cpu)} ms CPU`);
    if (Number.isFinite(s.app)) parts.push(`findText() ${ms(s.app)} ms wall, ${ms(s.appCpu)} ms CPU`);
    const wallOk = [s.wall, s.app].filter(Number.isFinite).every((x) => x <= limit);
    const cpuOk = [s.cpu, s.appCpu].filter(Number.isFinite).every((x) => x <= limit);
    const verdict = wallOk ? '' : cpuOk ? ' — met in CPU time, not in wall time on the loaded machine' : '';
    const med = [];
    if (Number.isFinite(s.medWall)) med.push(`the module ${ms(s.medWall)} ms wall, ${ms(s.medCpu)} ms CPU`);
    if (Number.isFinite(s.medApp)) med.push(`findText() ${ms(s.medApp)} ms wall, ${ms(s.medAppCpu)} ms CPU`);
    const typical = s.n > 1 ? ` (median of the ${s.n}: ${med.join('; ')})` : '';
    L.push(`- ${mark(wallOk)} ${label} in Chromium ≤ ${limit / 1000} s: slowest ${parts.join('; ')}${typical}${verdict}`);
  };
  timeTarget('2560×1440 screenshot', 1500, slowest((e) => e.width === 2560 && e.height === 1440));
  timeTarget('12 MP photo', 4000, slowest((e) => e.kind.startsWith('photo-') && e.width * e.height >= 11e6 && e.width * e.height <= 13e6));
  if (mod) {
    const big = images.filter((e) => e.width * e.height >= 40e6 && mod[e.name]);
    for (const e of big) {
      const m = mod[e.name];
      const more = m.memoryRuns > m.memory ? `; ${runs} runs in one instance of the module reach ${mib(m.memoryRuns)} (wasm memory never shrinks: a worker that kept the module for several such pictures could pass the target)` : '';
      L.push(`- ${mark(m.memory <= 400 * 2 ** 20)} Peak wasm memory on the ${Math.round((e.width * e.height) / 1e6)} MP photo ≤ 400 MiB: ${mib(m.memory)} for one call (as findText()'s fresh worker has it)${more}`);
    }
    if (!big.length) L.push('- (the 48 MP memory target: run with a set made by `tools/make_textset.py --big`; `tools/bench-text --big`)');
  }
  L.push('', '<!-- /text-finder -->');
  return L.join('\n');
}

/** Writes `report` as the text finder's section of BENCH_RESULTS.md, keeping the rest. */
function writeSection(report) {
  const file = join(ROOT, 'BENCH_RESULTS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Occlude benchmark results\n';
  const re = /<!-- text-finder -->[\s\S]*<!-- \/text-finder -->/;
  writeFileSync(file, re.test(old) ? old.replace(re, () => report) : `${old.trimEnd()}\n\n${report}\n`);
  log('wrote the text finder section of BENCH_RESULTS.md');
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.render) {
    const report = render(JSON.parse(readFileSync(opts.render, 'utf8')));
    console.log(report);
    if (opts.write) writeSection(report);
    return;
  }
  const index = textsetIndex();
  if (!index) throw new Error('target/textset/ has no index.json: run python3 tools/make_textset.py (tools/bench-text does)');
  const big = existsSync(join(TEXTSET, 'big-photo-screenshot.json'))
    ? [{ name: 'big-photo-screenshot', image: 'big-photo-screenshot.jpg', kind: 'big-photo', ...(({ width, height }) => ({ width, height }))(labelOf('big-photo-screenshot')) }]
    : [];
  const images = [...index, ...big].filter((e) => !opts.only || opts.only.test(e.name));
  const load = { start: loadavg()[0], end: 0 };
  const nat = opts.native ? native(images) : null;
  const mod = opts.browser ? await module(images, opts.runs) : null;
  const web = opts.browser && opts.worker ? await app(images) : null;
  load.end = loadavg()[0];
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const run = { info: machine(), images, nat, mod, web, runs: opts.runs, load, date };
  const report = render(run);
  console.log(report);
  if (opts.json) writeFileSync(opts.json, JSON.stringify(run, null, 1));
  if (opts.write) writeSection(report);
}

await main();
