// The template format and its rules (www/js/template.js), run in Node: every case of the
// shared conformance file tests/fixtures/templates/cases.json (the CLI runs the same file),
// then what the page relies on besides: sameAspect both ways, a saved template reads back,
// the file name slug, the byte reader.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LIMITS, TemplateError, boxesFor, makeTemplate, parseTemplateBytes, parseTemplateText, sameAspect, scaleBoxes, slug, templateFileText } from '../../www/js/template.js';
import { ROOT } from './helpers.mjs';

const { cases } = JSON.parse(readFileSync(join(ROOT, 'tests', 'fixtures', 'templates', 'cases.json'), 'utf8'));

/** The file a case describes, as text. */
function fileText(c) {
  if ('text' in c) return c.text;
  let value = structuredClone(c.json);
  if (c.repeatBox) value.boxes = Array.from({ length: c.repeatBox.count }, () => ({ ...c.repeatBox.box }));
  if (c.repeatTemplate) value = Array.from({ length: c.repeatTemplate.count }, () => structuredClone(c.repeatTemplate.template));
  return JSON.stringify(value);
}

/** Runs `fn`, returning {value} or {error: {code, message}} (a TemplateError only). */
function outcome(fn) {
  try {
    return { value: fn() };
  } catch (err) {
    assert.ok(err instanceof TemplateError, `a TemplateError, not ${err?.name}: ${err?.message}`);
    return { error: { code: err.code, message: err.message } };
  }
}

test('the conformance file has cases of every kind', () => {
  assert.ok(cases.length >= 50, `${cases.length} cases`);
  const ids = cases.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length, 'case ids are unique');
  const codes = new Set(cases.flatMap((c) => [c.expect.error?.code, ...(c.expect.applied ?? []).map((a) => a.error?.code)]).filter(Boolean));
  assert.deepEqual([...codes].sort(), ['template-aspect', 'template-invalid', 'template-json', 'template-version']);
});

for (const c of cases) {
  test(`case ${c.id}`, () => {
    const text = fileText(c);
    const got = outcome(() => parseTemplateText(text));
    // The same answer from the file's bytes (as read from a picked file).
    const fromBytes = outcome(() => parseTemplateBytes(new TextEncoder().encode(text)));
    assert.deepEqual(fromBytes, got, 'bytes and text agree');
    if (c.expect.error) {
      assert.deepEqual(got.error, c.expect.error);
      return;
    }
    assert.ok(got.value, `read without error: ${JSON.stringify(got.error)}`);
    const { templates } = got.value;
    if ('boxCount' in c.expect) {
      assert.equal(templates[0].boxes.length, c.expect.boxCount);
      return;
    }
    assert.deepEqual(
      templates.map(({ name, size, fill, boxes }) => ({ name, size, fill, boxes })),
      c.expect.templates,
    );
    for (const t of templates) assert.equal(t.version, 1);
    if (c.target) {
      const [w, h] = c.target;
      const applied = templates.map((t) => {
        const r = outcome(() => boxesFor(t, w, h));
        return r.error ? { error: r.error } : { boxes: r.value };
      });
      assert.deepEqual(applied, c.expect.applied);
    } else {
      assert.equal(c.expect.applied, undefined, 'applied results need a target');
    }
  });
}

test('sameAspect is symmetric and refuses a rotation', () => {
  const pairs = [
    [2560, 1440, 1280, 720, true],
    [1920, 1080, 1366, 768, true],
    [1920, 1080, 1024, 768, false],
    [4000, 3000, 3000, 4000, false],
    [101, 50, 203, 100, true],
    [101, 50, 201, 99, false],
    [1, 1, 1, 1, true],
    [1, 1, 2, 1, true], // one pixel is the tolerance, whatever the size
    [10, 10, 12, 10, false],
  ];
  for (const [a, b, c, d, same] of pairs) {
    assert.equal(sameAspect(a, b, c, d), same, `${a}×${b} vs ${c}×${d}`);
    assert.equal(sameAspect(c, d, a, b), same, `${c}×${d} vs ${a}×${b}`);
  }
});

test('scaled boxes always cover at least what the original covered (outwards rounding), at random', () => {
  let seed = 7;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  for (let i = 0; i < 2000; i++) {
    const W = 1 + rand(3000);
    const H = 1 + rand(3000);
    const k = (1 + rand(400)) / 100;
    const w = Math.max(1, Math.round(W * k));
    const h = Math.max(1, Math.round(H * k));
    const x = rand(W);
    const y = rand(H);
    const b = { x, y, width: 1 + rand(W - x), height: 1 + rand(H - y) };
    const [s] = scaleBoxes([b], W, H, w, h);
    // In the target's continuous coordinates the original spans [x·w/W, (x+width)·w/W]: the
    // scaled box holds all of it and lies inside the image.
    assert.ok(s.x * W <= b.x * w && (s.x + s.width) * W >= (b.x + b.width) * w, `x: ${JSON.stringify({ W, w, b, s })}`);
    assert.ok(s.y * H <= b.y * h && (s.y + s.height) * H >= (b.y + b.height) * h, `y: ${JSON.stringify({ H, h, b, s })}`);
    assert.ok(s.width >= 1 && s.height >= 1 && s.x + s.width <= w && s.y + s.height <= h);
  }
});

test('a saved template writes a file that reads back the same; names are checked; the slug is safe', () => {
  const t = makeTemplate('Cirrus report', 2560, 1440, [{ x: 40, y: 20, width: 600, height: 48, extra: 1 }], '#ffffff');
  const text = templateFileText(t);
  assert.deepEqual(JSON.parse(text), { version: 1, name: 'Cirrus report', size: [2560, 1440], boxes: [{ x: 40, y: 20, width: 600, height: 48 }], fill: '#ffffff' });
  assert.deepEqual(parseTemplateText(text).templates, [t]);
  const list = templateFileText([t, makeTemplate('B', 10, 10, [{ x: 0, y: 0, width: 1, height: 1 }])]);
  assert.equal(parseTemplateText(list).templates.length, 2);
  assert.equal(parseTemplateText(list).list, true);
  assert.throws(() => makeTemplate('  ', 10, 10, [{ x: 0, y: 0, width: 1, height: 1 }]), { code: 'template-invalid', message: 'name is empty' });
  assert.throws(() => makeTemplate('A', 10, 10, []), { code: 'template-invalid' });
  assert.throws(
    () => makeTemplate('A', 10, 10, Array.from({ length: LIMITS.boxes + 1 }, () => ({ x: 0, y: 0, width: 1, height: 1 }))),
    { message: `boxes holds ${LIMITS.boxes + 1} boxes; at most ${LIMITS.boxes}` },
  );
  assert.equal(slug('Cirrus report (OCT) – Zeiss'), 'cirrus-report-oct-zeiss');
  assert.equal(slug('Ophtalmologie élève'), 'ophtalmologie-eleve');
  assert.equal(slug('../../etc/passwd'), 'etc-passwd');
  assert.equal(slug('👁👁'), 'template');
  assert.ok(slug('x'.repeat(300)).length <= 40);
});

test('the byte reader: not UTF-8 and over the size limit are refused; a BOM is skipped', () => {
  assert.throws(() => parseTemplateBytes(new Uint8Array([0x7b, 0xff, 0x7d])), { code: 'template-json' });
  const big = new Uint8Array(LIMITS.fileBytes + 1).fill(0x20);
  assert.throws(() => parseTemplateBytes(big), { code: 'template-invalid', message: `the file is larger than ${LIMITS.fileBytes} bytes` });
  const ok = new TextEncoder().encode('\ufeff{"name":"A","size":[2,2],"boxes":[{"x":0,"y":0,"width":1,"height":1}]}');
  assert.equal(parseTemplateBytes(ok).templates[0].name, 'A');
  // A deeply nested file is refused as JSON (as a strict reader's depth limit does), not a crash.
  assert.throws(() => parseTemplateText('['.repeat(5000) + ']'.repeat(5000)), { code: 'template-json' });
  // 100 levels are still read (and then refused as a template).
  assert.throws(() => parseTemplateText('['.repeat(100) + ']'.repeat(100)), { code: 'template-invalid' });
});
