#!/usr/bin/env node
// Writes dist/sw.js from www/sw.js: replaces `self.__OCCLUDE_ASSETS__` with the list of every
// file the app serves from dist/ (URLs relative to the worker, plus './') and
// `self.__OCCLUDE_VERSION__` with a short SHA-256 over those files' paths and bytes and the
// worker's own source, and `self.__OCCLUDE_SIMD_PROBE__` with the wasm SIMD probe of
// dist/worker/simd.js (the engine worker's own, so the two can never disagree about which
// variant this engine runs). Run by tools/build after everything else is in dist/:
//   node tools/precache.mjs [DIST]
//
// Left out of the precache: sw.js itself (the browser fetches and compares it on every update
// check), occlude.html, the single-file build, which is a separate download, not part of the
// app the worker serves (it would double the offline storage), and templates.json, a practice's
// own templates, which it may edit without a new build (the service worker reads it
// network-first and keeps the last copy: see www/sw.js).
// The list holds both variants of the wasm modules (SIMD128 and scalar); the service worker
// precaches only the one its engine can run (see www/sw.js).

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXCLUDED = new Set(['sw.js', 'occlude.html', 'templates.json']);

/** Every file under `dir`, as '/'-separated paths relative to it, sorted. */
function walk(dir, root = dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path, root));
    else if (entry.isFile()) out.push(relative(root, path).split(sep).join('/'));
  }
  return out.sort();
}

/** The bytes of the SIMD probe, read from the module the worker imports (as served). */
async function simdProbe(dist) {
  const source = readFileSync(join(dist, 'worker', 'simd.js'), 'utf8');
  // A data: URL is always read as an ES module, wherever dist/ is.
  const { SIMD_PROBE } = await import(`data:text/javascript,${encodeURIComponent(source)}`);
  if (!(SIMD_PROBE instanceof Uint8Array) || SIMD_PROBE.length < 8) throw new Error(`${dist}/worker/simd.js exports no SIMD_PROBE`);
  return SIMD_PROBE;
}

export async function precache(dist) {
  const template = readFileSync(join(dist, 'sw.js'), 'utf8');
  const placeholders = ['self.__OCCLUDE_ASSETS__', 'self.__OCCLUDE_VERSION__', 'self.__OCCLUDE_SIMD_PROBE__'];
  if (!placeholders.every((p) => template.includes(p))) {
    throw new Error(`${dist}/sw.js has no placeholders (was it built twice?)`);
  }
  const files = walk(dist).filter((f) => !EXCLUDED.has(f));
  const hash = createHash('sha256');
  hash.update(template);
  for (const f of files) {
    const bytes = readFileSync(join(dist, f));
    hash.update(`\0${f}\0${bytes.length}\0`);
    hash.update(bytes);
  }
  const version = hash.digest('hex').slice(0, 12);
  const assets = ['./', ...files.map((f) => encodeURI(f))];
  const probe = await simdProbe(dist);
  const sw = template
    .replace('self.__OCCLUDE_ASSETS__', () => JSON.stringify(assets, null, 2))
    .replace('self.__OCCLUDE_VERSION__', () => JSON.stringify(version))
    .replace('self.__OCCLUDE_SIMD_PROBE__', () => `new Uint8Array(${JSON.stringify([...probe])})`);
  writeFileSync(join(dist, 'sw.js'), sw);
  return { version, assets };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] || join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
  const { version, assets } = await precache(dist);
  console.log(`tools/precache: dist/sw.js caches ${assets.length} URLs as version ${version}`);
}
