#!/usr/bin/env node
// Minifies, in place, the JavaScript modules the served app loads from dist/ (js/, worker/ and
// the wasm-bindgen glue in pkg/) with terser, so the page's first load is smaller. Run by
// tools/build after the single-file build (which bundles the readable files) and before the
// precache list (which hashes the final bytes):
//   node tools/minify.mjs [DIST]
// The readable source is www/ in the repository; sw.js is left as written (it is generated from
// a template and is not part of the first load).

import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { minify } from 'terser';

const DIRS = ['js', 'worker', 'pkg'];

/** Minifies every .js file in dist's DIRS; returns [path, bytes before, bytes after] rows. */
export async function minifyDist(dist) {
  const rows = [];
  for (const dir of DIRS) {
    for (const name of readdirSync(join(dist, dir)).filter((n) => n.endsWith('.js')).sort()) {
      const path = join(dist, dir, name);
      const source = readFileSync(path, 'utf8');
      // ES modules: top-level names may be shortened, exports keep their names.
      const out = await minify(source, { module: true, compress: { passes: 2 }, mangle: true });
      if (typeof out.code !== 'string' || out.code.length === 0) throw new Error(`minify: ${path} gave no code`);
      writeFileSync(path, out.code);
      rows.push([`${dir}/${name}`, source.length, out.code.length]);
    }
  }
  return rows;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] || join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
  const rows = await minifyDist(dist);
  const [before, after] = rows.reduce(([b, a], [, x, y]) => [b + x, a + y], [0, 0]);
  console.log(`minify: ${rows.length} modules, ${before} -> ${after} bytes`);
}
