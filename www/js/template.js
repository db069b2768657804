// Region templates: named boxes for every image of one size. Images from one device put the
// name in the same place every time, so a template saved once (or published by the practice
// in templates.json) covers the next case. This module is the format and its rules, with no
// DOM: the page uses it synchronously (Apply to all, templates), and the CLI implements the
// same rules in Rust. Both run tests/fixtures/templates/cases.json, so keep them identical.
//
// The file (README, "Templates"): one template, or a list of them,
//   {"version": 1, "name": "Cirrus report", "size": [2560, 1440],
//    "boxes": [{"x": 40, "y": 20, "width": 600, "height": 48}], "fill": "#000000"}
// boxes in whole pixels of `size`, as seen; `version` (only 1) and `fill` optional.
//
// The rules:
// - Parsed into a generic JSON value, then checked strictly, in a fixed order, and the first
//   problem is reported: `template-json` (not JSON, not UTF-8, a number JSON cannot hold, a
//   lone surrogate, nesting deeper than 128), `template-version` (a whole number other than 1), `template-invalid`
//   (anything else: unknown fields, sizes, boxes outside the size, too many, bad fill...).
// - Applying a template (or the current image's boxes, for Apply to all) to an image of
//   W × H: the same size takes the boxes as they are; the same shape (`sameAspect`) scales
//   each axis by its own factor, rounding outwards (start down, end up, clipped to the
//   image); any other shape is refused (`template-aspect`), naming both sizes.
// - Same shape: |W1·H2 − W2·H1| ≤ min(W1, H1, W2, H2), in whole numbers. That is: scaling
//   either size to the other's width gives a height within one pixel of the other's, and the
//   same for heights. So 2560 × 1440 and 1280 × 720 match exactly, and 1920 × 1080 and
//   1366 × 768 (a 16:9 screen rounded to whole pixels) match too; 1920 × 1080 and 1024 × 768
//   do not, nor does a portrait and a landscape of the same camera.

export const TEMPLATE_VERSION = 1;
/** Limits of a template file; kept in step with the core's largest image (20 000 px a side). */
export const LIMITS = Object.freeze({ side: 20000, boxes: 200, name: 100, templates: 100, fileBytes: 1024 * 1024 });

const FIELDS = ['version', 'name', 'size', 'boxes', 'fill'];
const BOX_FIELDS = ['x', 'y', 'width', 'height'];

/** A template problem, with a stable `code` for programs and a sentence for people. */
export class TemplateError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'TemplateError';
    this.code = code;
  }
}

const invalid = (message) => new TemplateError('template-invalid', message);
const notJson = () => new TemplateError('template-json', 'the file is not valid JSON');

/** Code-point order (what Rust's `str` ordering is), not UTF-16 order. */
function byCodePoint(a, b) {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i].codePointAt(0) - y[i].codePointAt(0);
    if (d) return d;
  }
  return x.length - y.length;
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const whole = (v, lo, hi) => typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;
const hasLoneSurrogate = (s) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/** Nesting deeper than this is not read (a strict reader's recursion limit; serde_json's is 128). */
export const MAX_DEPTH = 128;

/**
 * What a strict JSON reader refuses but `JSON.parse` lets through: a number too large for a
 * double (JSON.parse makes it Infinity), a string with a lone surrogate (JSON.parse keeps it),
 * nesting deeper than MAX_DEPTH. Walks the parsed value with an explicit stack.
 */
function strictJson(value) {
  const stack = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop();
    if (typeof v === 'number' && !Number.isFinite(v)) return false;
    if (typeof v === 'string' && hasLoneSurrogate(v)) return false;
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_DEPTH) return false;
    for (const [k, x] of Object.entries(v)) {
      if (!Array.isArray(v) && hasLoneSurrogate(k)) return false;
      stack.push([x, depth + 1]);
    }
  }
  return true;
}

/** The first key of `obj` not in `known`, in code-point order, or null. */
function unknownKey(obj, known) {
  const extra = Object.keys(obj).filter((k) => !known.includes(k));
  return extra.length ? extra.sort(byCodePoint)[0] : null;
}

/**
 * Reads a template file's bytes (UTF-8; a leading byte-order mark is skipped).
 * @param {Uint8Array|ArrayBuffer} bytes
 * @returns {{templates: Template[], list: boolean}}
 */
export function parseTemplateBytes(bytes) {
  const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  if (u8.length > LIMITS.fileBytes) throw invalid(`the file is larger than ${LIMITS.fileBytes} bytes`);
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(u8);
  } catch {
    throw notJson();
  }
  return parseTemplateText(text);
}

/**
 * Reads a template file's text: one template (an object) or a list of them (an array).
 * @param {string} text
 * @returns {{templates: Template[], list: boolean}} every template checked and normalised
 * @throws {TemplateError}
 */
export function parseTemplateText(text) {
  if (typeof text !== 'string') throw notJson();
  // The limit is on the file's bytes (UTF-8, a byte-order mark included), as the CLI reads it.
  if (text.length > LIMITS.fileBytes || new TextEncoder().encode(text).length > LIMITS.fileBytes) {
    throw invalid(`the file is larger than ${LIMITS.fileBytes} bytes`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw notJson();
  }
  if (!strictJson(value)) throw notJson();
  if (Array.isArray(value)) {
    if (value.length > LIMITS.templates) throw invalid(`the list holds ${value.length} templates; at most ${LIMITS.templates}`);
    return { templates: value.map((t, i) => checkTemplate(t, `template ${i + 1}: `)), list: true };
  }
  if (!isObject(value)) throw invalid('the file must hold a template (an object) or a list of them');
  return { templates: [checkTemplate(value, '')], list: false };
}

/**
 * @typedef {{version: 1, name: string, size: [number, number], boxes: {x: number, y: number, width: number, height: number}[], fill: string|null}} Template
 */

/** Checks one template (a parsed JSON value) and returns it normalised; `where` prefixes messages. */
export function checkTemplate(t, where = '') {
  const bad = (message) => invalid(where + message);
  if (!isObject(t)) throw bad('a template must be an object');
  if ('version' in t && t.version !== TEMPLATE_VERSION) {
    if (whole(t.version, -Infinity, Infinity)) {
      throw new TemplateError('template-version', `${where}version must be ${TEMPLATE_VERSION} (the only version this Occlude reads)`);
    }
    throw bad(`version must be ${TEMPLATE_VERSION}`);
  }
  const extra = unknownKey(t, FIELDS);
  if (extra !== null) throw bad(`unknown field ${JSON.stringify(extra)}`);

  const name = checkName(t.name, bad);

  if (!('size' in t)) throw bad('size is missing');
  if (!Array.isArray(t.size) || t.size.length !== 2) throw bad('size must be [width, height]');
  const [W, H] = t.size;
  if (!whole(W, 1, LIMITS.side)) throw bad(`size: the width must be a whole number from 1 to ${LIMITS.side}`);
  if (!whole(H, 1, LIMITS.side)) throw bad(`size: the height must be a whole number from 1 to ${LIMITS.side}`);

  if (!('boxes' in t)) throw bad('boxes is missing');
  if (!Array.isArray(t.boxes)) throw bad('boxes must be a list');
  if (t.boxes.length === 0) throw bad('boxes is empty: a template needs at least one box');
  if (t.boxes.length > LIMITS.boxes) throw bad(`boxes holds ${t.boxes.length} boxes; at most ${LIMITS.boxes}`);
  const boxes = t.boxes.map((b, i) => checkBox(b, i + 1, W, H, bad));

  let fill = null;
  if ('fill' in t) {
    if (typeof t.fill !== 'string' || !/^#[0-9a-fA-F]{6}$/.test(t.fill)) throw bad('fill must be a colour written #RRGGBB');
    fill = t.fill.toLowerCase();
  }
  return { version: TEMPLATE_VERSION, name, size: [W + 0, H + 0], boxes, fill };
}

/** A template's name: 1 to 100 characters (code points), not only spaces, no control characters. */
export function checkName(name, bad = invalid) {
  if (name === undefined) throw bad('name is missing');
  if (typeof name !== 'string') throw bad('name must be text');
  if (name.trim() === '') throw bad('name is empty');
  if ([...name].length > LIMITS.name) throw bad(`name is longer than ${LIMITS.name} characters`);
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) throw bad('name holds a control character');
  return name;
}

function checkBox(b, n, W, H, bad) {
  if (!isObject(b)) throw bad(`box ${n} must be {"x", "y", "width", "height"}`);
  const extra = unknownKey(b, BOX_FIELDS);
  if (extra !== null) throw bad(`box ${n}: unknown field ${JSON.stringify(extra)}`);
  for (const k of BOX_FIELDS) {
    if (!(k in b)) throw bad(`box ${n}: ${k} is missing`);
    const lo = k === 'x' || k === 'y' ? 0 : 1;
    if (!whole(b[k], lo, LIMITS.side)) throw bad(`box ${n}: ${k} must be a whole number from ${lo} to ${LIMITS.side}`);
  }
  // `+ 0` turns a -0 (valid JSON, and whole) into 0.
  const [x, y, width, height] = BOX_FIELDS.map((k) => b[k] + 0);
  if (x + width > W || y + height > H) {
    throw bad(`box ${n} (x ${x}, y ${y}, width ${width}, height ${height}) reaches outside the size ${W} × ${H}`);
  }
  return { x, y, width, height };
}

/** Whether W1 × H1 and W2 × H2 are the same shape (see the rule at the top). */
export function sameAspect(w1, h1, w2, h2) {
  return Math.abs(w1 * h2 - w2 * h1) <= Math.min(w1, h1, w2, h2);
}

/**
 * Scales whole-pixel boxes made on a W × H image to a w × h image: each axis by its own factor,
 * the start rounded down and the end up (never less than was covered), clipped to the image.
 * The caller decides whether the shapes match (`sameAspect`).
 */
export function scaleBoxes(boxes, W, H, w, h) {
  if (W === w && H === h) return boxes.map(({ x, y, width, height }) => ({ x, y, width, height }));
  // Whole numbers under 2^53 throughout: x·w ≤ 20 000², so the quotients round correctly.
  const down = (v, to, from) => Math.min(to, Math.max(0, Math.floor((v * to) / from)));
  const up = (v, to, from) => Math.min(to, Math.max(0, Math.ceil((v * to) / from)));
  return boxes.map((b) => {
    const x0 = down(b.x, w, W);
    const y0 = down(b.y, h, H);
    const x1 = up(b.x + b.width, w, W);
    const y1 = up(b.y + b.height, h, H);
    return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
  });
}

/**
 * The template's boxes for an image of w × h, or a `template-aspect` error naming both sizes.
 * @param {Template} template
 */
export function boxesFor(template, w, h) {
  const [W, H] = template.size;
  if (!sameAspect(W, H, w, h)) {
    throw new TemplateError('template-aspect', `the template ${JSON.stringify(template.name)} is for ${W} × ${H} images; this image is ${w} × ${h}, another shape`);
  }
  return scaleBoxes(template.boxes, W, H, w, h);
}

/** A template of the current boxes (checked like a file, so what is saved can be read back). */
export function makeTemplate(name, width, height, boxes, fill = null) {
  const t = { version: TEMPLATE_VERSION, name, size: [width, height], boxes: boxes.map(({ x, y, width: bw, height: bh }) => ({ x, y, width: bw, height: bh })) };
  if (fill) t.fill = fill;
  return checkTemplate(t);
}

/** The file text of one template (or of a list), as the README shows it. */
export function templateFileText(templates) {
  const one = (t) => {
    const out = { version: TEMPLATE_VERSION, name: t.name, size: [...t.size], boxes: t.boxes.map(({ x, y, width, height }) => ({ x, y, width, height })) };
    if (t.fill) out.fill = t.fill;
    return out;
  };
  return `${JSON.stringify(Array.isArray(templates) ? templates.map(one) : one(templates), null, 2)}\n`;
}

/** A file-name-safe slug of a template's name (`template-<slug>.json`): a–z, 0–9 and dashes. */
export function slug(name) {
  const s = String(name)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return s || 'template';
}
