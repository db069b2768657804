#!/usr/bin/env node
// Runs the cross-engine scenario (scenario.mjs) in Chromium, Firefox ESR and WebKitGTK, one
// after the other, each through its own WebDriver server, and prints one PASS/FAIL line per
// engine and a closing "N passed, N failed". Exit status 1 if any engine failed.
//
//   node tests/engines/run.mjs                    # all three
//   node tests/engines/run.mjs firefox webkit     # some
// Needs a built dist/ (tools/build) and the browsers and drivers (tools/engines-setup).
// OCCLUDE_DIST picks another built copy; ENGINE_TIMEOUT_S bounds each engine (default 300: Find text downloads and runs the finder).

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { serve } from '../../tools/serve.mjs';
import { Driver, ENGINES } from './webdriver.mjs';
import { caseScenario, findTextScenario, offlineScenario, redactScenario } from './scenario.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = process.env.OCCLUDE_DIST || join(ROOT, 'dist');
const FIXTURES = join(ROOT, 'tests', 'fixtures');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'engines');
const ENGINE_TIMEOUT_MS = Number(process.env.ENGINE_TIMEOUT_S || 300) * 1000;

const wanted = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(ENGINES);
for (const e of wanted) {
  if (!ENGINES[e]) {
    console.error(`run.mjs: unknown engine ${e} (known: ${Object.keys(ENGINES).join(', ')})`);
    process.exit(2);
  }
}
if (!existsSync(join(DIST, 'index.html')) || !existsSync(join(DIST, 'sw.js'))) {
  console.error(`run.mjs: ${DIST} is not built: run tools/build first`);
  process.exit(2);
}
if (readFileSync(join(DIST, 'sw.js'), 'utf8').includes('self.__OCCLUDE_ASSETS__')) {
  console.error(`run.mjs: ${DIST}/sw.js has no precache list (a build is unfinished or in progress): run tools/build`);
  process.exit(2);
}
mkdirSync(ARTIFACTS, { recursive: true });

/** The engine's own version line, for the log and the README table. */
function engineVersion(engine, caps) {
  const run = (cmd, args) => {
    try {
      return execFileSync(cmd, args, { encoding: 'utf8', timeout: 15_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0];
    } catch {
      return null;
    }
  };
  if (engine === 'chromium') return run('/usr/bin/chromium', ['--version']) || `Chromium ${caps.browserVersion}`;
  if (engine === 'firefox') return run('/usr/bin/firefox-esr', ['--version']) || `Firefox ${caps.browserVersion}`;
  const v = run('dpkg-query', ['-W', '-f=${Version}', 'libwebkit2gtk-4.1-0']);
  return `WebKitGTK ${caps.browserVersion || '?'}${v ? ` (libwebkit2gtk-4.1-0 ${v})` : ''}`;
}

const live = new Set();
async function cleanup() {
  await Promise.all([...live].map((d) => d.kill()));
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.once(sig, () => {
    cleanup().finally(() => process.exit(130));
  });
}

async function runEngine(engine, server) {
  const started = Date.now();
  const downloads = join(ARTIFACTS, `${engine}-downloads`);
  rmSync(downloads, { recursive: true, force: true });
  mkdirSync(downloads, { recursive: true });
  const d = new Driver(engine, { logDir: ARTIFACTS, downloads });
  live.add(d);
  const steps = {};
  let version = engine;
  let timer;
  const work = (async () => {
    await d.start();
    const caps = await d.newSession();
    version = engineVersion(engine, caps);
    await d.setTimeouts({ script: 90_000, pageLoad: 60_000, implicit: 0 });
    steps.redact = await redactScenario(d, {
      url: server.url,
      fixturesDir: FIXTURES,
      artifacts: ARTIFACTS,
      downloads,
      engine,
    });
    steps.case = await caseScenario(d, { url: server.url, fixturesDir: FIXTURES, artifacts: ARTIFACTS, downloads, engine });
    steps.findText = await findTextScenario(d, { url: server.url, fixturesDir: FIXTURES, engine });
    steps.offline = await offlineScenario(d, { root: DIST, fixturesDir: FIXTURES, artifacts: ARTIFACTS, downloads, engine });
  })();
  const watchdog = new Promise((_, no) => {
    timer = setTimeout(() => no(new Error(`${engine} did not finish within ${ENGINE_TIMEOUT_MS / 1000} s`)), ENGINE_TIMEOUT_MS);
  });
  let error = null;
  try {
    await Promise.race([work, watchdog]);
  } catch (err) {
    error = err;
    try {
      if (d.sessionId) writeFileSync(join(ARTIFACTS, `${engine}-failure.png`), await Promise.race([d.screenshot(), watchdog.catch(() => null), new Promise((r) => setTimeout(r, 10_000))]));
    } catch {
      // no screenshot
    }
  } finally {
    clearTimeout(timer);
    if (version === engine) version = engineVersion(engine, {});
    await d.stop();
    work.catch(() => {}); // a step still pending after a time-out fails against the stopped driver
    live.delete(d);
  }
  return { engine, version, seconds: (Date.now() - started) / 1000, error, steps };
}

const server = await serve({ root: DIST, port: 0 });
const results = [];
try {
  for (const engine of wanted) {
    console.log(`\n--- ${ENGINES[engine].label} ---`);
    const r = await runEngine(engine, server);
    results.push(r);
    for (const [part, seen] of Object.entries(r.steps)) {
      for (const [k, v] of Object.entries(seen)) console.log(`  ${part}.${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
    }
    console.log(`${r.error ? 'FAIL' : 'PASS'} ${engine}: ${r.version}, ${r.seconds.toFixed(1)} s${r.error ? `\n  ${r.error.message}` : ''}`);
  }
} finally {
  await server.close();
  await cleanup();
}

const failed = results.filter((r) => r.error);
writeFileSync(
  join(ARTIFACTS, 'results.json'),
  JSON.stringify(results.map((r) => ({ engine: r.engine, version: r.version, seconds: r.seconds, error: r.error?.message ?? null })), null, 2),
);
console.log('\n=== cross-engine scenario ===');
for (const r of results) console.log(`${r.error ? 'FAIL' : 'PASS'}  ${r.engine.padEnd(8)} ${r.version}  (${r.seconds.toFixed(1)} s)`);
console.log(`engines: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
