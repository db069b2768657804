// What the Find text page tests share: the two labelled fixtures of tests/fixtures/text/, a
// findText call through the served app's js/api.js, and the coverage check of tools/textset.mjs.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { score } from '../../tools/textset.mjs';
import { ROOT } from './pwa-helpers.mjs';

export const TEXT_FIXTURES = Object.fromEntries(
  ['render.png', 'photo.jpg'].map((f) => {
    const dir = join(ROOT, 'tests', 'fixtures', 'text');
    return [f, { b64: readFileSync(join(dir, f)).toString('base64'), label: JSON.parse(readFileSync(join(dir, f.replace(/\.\w+$/, '.json')), 'utf8')) }];
  }),
);

/**
 * Runs api.js findText on fixture `name` in `scope` (a page or a frame of the served app);
 * returns {result, progress, ms} or {error: {name, message, code}}.
 */
export async function findTextIn(scope, name, options = {}) {
  return scope.evaluate(
    async ({ b64, options }) => {
      const { findText } = await import('./js/api.js');
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const progress = [];
      const t = performance.now();
      try {
        const result = await findText(new File([bytes], 'Jane Doe.img'), { ...options, onProgress: (p) => progress.push(p) });
        return { result, progress, ms: performance.now() - t };
      } catch (e) {
        return { error: { name: e.name, message: e.message, code: e.code } };
      }
    },
    { b64: TEXT_FIXTURES[name].b64, options },
  );
}

/** Asserts every labelled identifier line of fixture `name` is covered by the lines found. */
export function assertIdentifiersCovered(name, result) {
  const { label } = TEXT_FIXTURES[name];
  assert.equal(result.width, label.width);
  assert.equal(result.height, label.height);
  const s = score(label, result.lines);
  assert.deepEqual(s.misses.filter((m) => m.kind === 'identifier'), [], `${name}: every identifier line covered`);
  const keys = ['confidence', 'height', 'quad', 'suggested', 'width', 'x', 'y'];
  if (result.read) keys.push('chars', 'kind', 'readConfidence', 'safetyNet', 'text', 'why');
  for (const l of result.lines) {
    assert.deepEqual(Object.keys(l).sort(), keys.sort(), JSON.stringify(l));
    if (!result.read) assert.equal(l.suggested, true, 'every line is suggested when not read');
    assert.ok(l.quad === null || (l.quad.length === 4 && l.quad.every((p) => p.length === 2)), JSON.stringify(l));
  }
}

