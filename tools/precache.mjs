#!/usr/bin/env node
// Writes dist/sw.js from www/sw.js: replaces `self.__OCCLUDE_ASSETS__` with the list of every
// file the app serves from dist/ (URLs relative to the worker, plus './') and
// `self.__OCCLUDE_VERSION__` with a short SHA-256 over those files' paths and bytes and the
// worker's own source, and `self.__OCCLUDE_SIMD_PROBE__` with the wasm SIMD probe of
// dist/worker/simd.js (the engine worker's own, so the two can never disagree about which
// variant this engine runs), and `self.__OCCLUDE_LAZY__` with the files fetched only on first
// use (see LAZY below), each with a SHA-256 of its bytes. Before hashing it writes
// dist/models/manifest.json: what Find text downloads on first use and how large it is, so the
// page can say so before anything is fetched. Run by tools/build after everything else is in
// dist/:
//   node tools/precache.mjs [DIST]
//
// Left out of the precache: sw.js itself (the browser fetches and compares it on every update
// check), occlude.html, the single-file build, which is a separate download, not part of the
// app the worker serves (it would double the offline storage), and templates.json, a practice's
// own templates, which it may edit without a new build (the service worker reads it
// network-first and keeps the last copy: see www/sw.js).
// The list holds both variants of the wasm modules (SIMD128 and scalar); the service worker
// precaches only the one its engine can run (see www/sw.js).
//
// Left out of the install precache and cached on first use instead (LAZY): the text finder's
// module (pkg/occlude_text*), the worker scripts that spread reading over the cores
// (worker/reading.js, worker/reader.js), the detector's and the reader's weights and their licence files
// (models/, but its small manifest.json) and the crates' licence texts (licenses/). The first load stays as it
// was; whoever uses Find text once has it offline from then on.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXCLUDED = new Set(['sw.js', 'occlude.html', 'templates.json']);
/** Files fetched (and then cached) only when first used, never in the install precache. */
export const LAZY = /^(pkg\/occlude_text(_scalar)?(_bg\.wasm|\.js)|worker\/read(ing|er)\.js|models\/(?!manifest\.json$).+|licenses\/.+)$/;
/**
 * What Find text downloads on first use: the finder's module (one variant) and its weights and,
 * the first time the lines are read, the reader's weights and dictionary.
 */
const FINDER = {
  simd: ['pkg/occlude_text.js', 'pkg/occlude_text_bg.wasm'],
  scalar: ['pkg/occlude_text_scalar.js', 'pkg/occlude_text_scalar_bg.wasm'],
  weights: ['models/ppocrv5_det.onnx'],
  reader: ['models/ppocrv5_rec.onnx', 'models/ppocr_keys_v5.txt'],
};

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

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes dist/models/manifest.json: for each part of Find text's one-time download, its files
 * (URLs relative to the app's root) with their size, gzipped size (level 9, about what a server
 * that compresses sends) and SHA-256. `scalar` is null when the build has no scalar finder.
 */
export function finderManifest(dist) {
  const describe = (url) => {
    const bytes = readFileSync(join(dist, url));
    return { url, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, sha256: sha256(bytes) };
  };
  const exists = (url) => {
    try {
      return statSync(join(dist, url)).isFile();
    } catch {
      return false;
    }
  };
  const part = (urls) => (urls.every(exists) ? { files: urls.map(describe) } : null);
  const manifest = {
    about:
      'What Find text downloads the first time it is used (then kept by the service worker): the finder module for this engine (simd, or scalar where WebAssembly SIMD is missing), the detector weights (needed for photos only) and, only when the lines are read, the reader (recogniser weights and dictionary). Written by tools/precache.mjs; sizes in bytes.',
    finder: { simd: part(FINDER.simd), scalar: part(FINDER.scalar), weights: part(FINDER.weights), reader: part(FINDER.reader) },
  };
  if (!manifest.finder.simd || !manifest.finder.weights || !manifest.finder.reader) throw new Error(`${dist}: the text finder's module, weights or reader are missing (tools/build)`);
  writeFileSync(join(dist, 'models', 'manifest.json'), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

export async function precache(dist) {
  const template = readFileSync(join(dist, 'sw.js'), 'utf8');
  const placeholders = ['self.__OCCLUDE_ASSETS__', 'self.__OCCLUDE_VERSION__', 'self.__OCCLUDE_SIMD_PROBE__', 'self.__OCCLUDE_LAZY__'];
  if (!placeholders.every((p) => template.includes(p))) {
    throw new Error(`${dist}/sw.js has no placeholders (was it built twice?)`);
  }
  const finder = finderManifest(dist);
  const all = walk(dist).filter((f) => !EXCLUDED.has(f));
  const files = all.filter((f) => !LAZY.test(f));
  const lazy = all.filter((f) => LAZY.test(f)).map((f) => ({ url: encodeURI(f), hash: sha256(readFileSync(join(dist, f))).slice(0, 12) }));
  const hash = createHash('sha256');
  hash.update(template);
  for (const f of all) {
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
    .replace('self.__OCCLUDE_SIMD_PROBE__', () => `new Uint8Array(${JSON.stringify([...probe])})`)
    .replace('self.__OCCLUDE_LAZY__', () => JSON.stringify(lazy, null, 2));
  writeFileSync(join(dist, 'sw.js'), sw);
  return { version, assets, lazy, finder };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] || join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
  const { version, assets, lazy } = await precache(dist);
  console.log(`tools/precache: dist/sw.js caches ${assets.length} URLs as version ${version}, and ${lazy.length} more on first use`);
}
