// The text finder's evaluation set (target/textset/, made by tools/make_textset.py) and how a
// result is scored against its labels; shared by tools/bench-text.mjs and the page tests.
//   A labelled line counts as found when at least 90 % of its box lies inside the union of the
//   boxes found. A box found is stray when no labelled line has any pixel inside it.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const TEXTSET = join(ROOT, 'target', 'textset');

/** The set's index (name, image, kind, width, height), or null when it was not generated. */
export function textsetIndex(dir = TEXTSET) {
  const file = join(dir, 'index.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
}

/** The labels of image `name` in `dir`. */
export function labelOf(name, dir = TEXTSET) {
  return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
}

/**
 * Scores `boxes` ([{x, y, width, height}], image pixels) against `label`: per kind of line
 * (identifier, clinical, other) how many there are and how many are covered, the misses (text
 * and box), and how many boxes found are stray.
 */
export function score(label, boxes) {
  const { width: w, height: h } = label;
  const mask = new Uint8Array(w * h);
  for (const b of boxes) {
    const x0 = Math.max(0, b.x);
    const y0 = Math.max(0, b.y);
    const x1 = Math.min(w, b.x + b.width);
    const y1 = Math.min(h, b.y + b.height);
    for (let y = y0; y < y1; y++) mask.fill(1, y * w + x0, y * w + x1);
  }
  const kinds = {};
  const misses = [];
  for (const line of label.lines) {
    const [x, y, bw, bh] = line.box;
    let hit = 0;
    for (let yy = y; yy < y + bh; yy++) for (let xx = x; xx < x + bw; xx++) hit += mask[yy * w + xx];
    const k = (kinds[line.kind] ??= { total: 0, found: 0 });
    k.total += 1;
    if (hit * 10 >= bw * bh * 9) k.found += 1;
    else misses.push({ kind: line.kind, text: line.text, box: line.box, covered: hit / (bw * bh) });
  }
  // Stray: a box found that touches no labelled line.
  const labelled = new Uint8Array(w * h);
  for (const line of label.lines) {
    const [x, y, bw, bh] = line.box;
    for (let yy = y; yy < y + bh; yy++) labelled.fill(1, yy * w + x, yy * w + x + bw);
  }
  let stray = 0;
  for (const b of boxes) {
    let any = false;
    for (let yy = b.y; yy < b.y + b.height && !any; yy++) {
      for (let xx = b.x; xx < b.x + b.width; xx++) {
        if (labelled[yy * w + xx]) {
          any = true;
          break;
        }
      }
    }
    if (!any) stray += 1;
  }
  return { kinds, misses, stray, boxes: boxes.length };
}
