// Code that runs inside the page under test (sent as source over WebDriver), plus the byte
// checks that also run in Node. Functions here must be self-contained: they are serialised with
// Function.prototype.toString and evaluated in the browser.

/**
 * Finds elements the way a person (or a screen reader) names them: by role and accessible name,
 * through open shadow roots. A small subset of the accessible-name computation: aria-labelledby,
 * aria-label, <label>, then text content for roles named from content. Hidden elements
 * (display:none, `hidden`, aria-hidden, a closed <dialog>) are skipped unless `hidden: true`.
 */
export function pageQueries() {
  const q = {};
  q.all = function* all(root = document) {
    for (const el of root.querySelectorAll('*')) {
      yield el;
      if (el.shadowRoot) yield* all(el.shadowRoot);
    }
  };
  const IMPLICIT = {
    BUTTON: 'button',
    DIALOG: 'dialog',
    H1: 'heading',
    H2: 'heading',
    H3: 'heading',
    H4: 'heading',
    H5: 'heading',
    H6: 'heading',
    UL: 'list',
    OL: 'list',
    LI: 'listitem',
    SELECT: 'combobox',
    PROGRESS: 'progressbar',
    IMG: 'img',
  };
  q.role = (el) => {
    const explicit = el.getAttribute('role');
    if (explicit) return explicit.trim().split(/\s+/)[0];
    if (el.tagName === 'A' && el.hasAttribute('href')) return 'link';
    if (el.tagName === 'SECTION') return el.hasAttribute('aria-label') || el.hasAttribute('aria-labelledby') ? 'region' : null;
    if (el.tagName === 'INPUT') {
      const t = (el.getAttribute('type') || 'text').toLowerCase();
      if (['button', 'submit', 'reset', 'image'].includes(t)) return 'button';
      if (t === 'checkbox') return 'checkbox';
      if (t === 'radio') return 'radio';
      if (t === 'range') return 'slider';
      if (t === 'file') return 'file';
      return 'textbox';
    }
    return IMPLICIT[el.tagName] || null;
  };
  const text = (el) => (el.textContent || '').replace(/\s+/g, ' ').trim();
  q.name = (el) => {
    const root = el.getRootNode();
    const ids = el.getAttribute('aria-labelledby');
    if (ids) {
      const parts = ids.split(/\s+/).map((id) => root.getElementById?.(id) || document.getElementById(id)).filter(Boolean);
      if (parts.length) return parts.map(text).join(' ');
    }
    const label = el.getAttribute('aria-label');
    if (label && label.trim()) return label.trim();
    if (el.labels && el.labels.length) return [...el.labels].map(text).join(' ');
    if (['button', 'heading', 'link', 'listitem', 'checkbox', 'radio'].includes(q.role(el))) return text(el);
    return el.getAttribute('title') || '';
  };
  q.shown = (el) => {
    for (let n = el; n; n = n.parentNode instanceof ShadowRoot ? n.parentNode.host : n.parentElement) {
      if (n.nodeType !== 1) break;
      if (n.hidden || n.getAttribute('aria-hidden') === 'true') return false;
      if (n.tagName === 'DIALOG' && !n.open) return false;
      const cs = getComputedStyle(n);
      if (cs.display === 'none' || cs.visibility === 'hidden') return false;
    }
    return el.getClientRects().length > 0;
  };
  /** The first element with `role` whose name equals `name` (a string) or matches it (a RegExp source in {re}). */
  q.byRole = (role, name, { within = document, hidden = false } = {}) => {
    const scope = within.shadowRoot ? [within, within.shadowRoot] : [within];
    const matches = (n) => (name == null ? true : typeof name === 'string' ? n === name : new RegExp(name.re).test(n));
    for (const s of scope) {
      for (const el of q.all(s)) {
        if (q.role(el) === role && matches(q.name(el)) && (hidden || q.shown(el))) return el;
      }
    }
    return null;
  };
  /** The editor's file input: the one named "Open image", else the one beside the "Open image" button. */
  q.fileInput = () => {
    const inputs = [...q.all()].filter((el) => el.tagName === 'INPUT' && el.type === 'file');
    const named = inputs.find((el) => q.name(el) === 'Open image');
    if (named) return named;
    const button = q.byRole('button', 'Open image');
    return inputs.find((el) => button && el.getRootNode() === button.getRootNode()) || inputs[0] || null;
  };
  /** The drawing surface: the canvas named "Image being redacted", else the editor's largest shown canvas. */
  q.canvas = () => {
    const named = q.byRole('application', 'Image being redacted');
    if (named) return named;
    const host = document.querySelector('occlude-editor');
    const shown = [...q.all(host?.shadowRoot || host || document)].filter((el) => el.tagName === 'CANVAS' && q.shown(el));
    shown.sort((a, b) => b.clientWidth * b.clientHeight - a.clientWidth * a.clientHeight);
    return shown.find((c) => c.clientWidth >= 100) || null;
  };
  /** Texts of live status regions inside <occlude-editor>. */
  q.statuses = () => {
    const host = document.querySelector('occlude-editor');
    if (!host) return [];
    return [...q.all(host.shadowRoot || host)].filter((el) => q.role(el) === 'status').map(text);
  };
  q.text = text;
  return q;
}

/** Source that defines `Q` (the queries above) in a page script. */
export const Q = `const Q = (${pageQueries.toString()})();`;

/**
 * Walks PNG chunks or JPEG markers. Returns {format, parts, trailing, problems}: `parts` is the
 * chunk types / marker names in order, `trailing` the bytes after IEND / EOI, `problems` every
 * chunk or marker outside the structural allowlist. Self-contained (runs in the page and in Node).
 */
export function walkStructure(u8) {
  const problems = [];
  const parts = [];
  const hex = (b) => b.toString(16).toUpperCase().padStart(2, '0');
  const be16 = (i) => (u8[i] << 8) | u8[i + 1];
  const be32 = (i) => ((u8[i] << 24) >>> 0) + (u8[i + 1] << 16) + (u8[i + 2] << 8) + u8[i + 3];
  const PNG_SIG = [137, 80, 78, 71, 13, 10, 26, 10];
  if (u8.length >= 8 && PNG_SIG.every((b, i) => u8[i] === b)) {
    let i = 8;
    let end = -1;
    while (i + 8 <= u8.length) {
      const len = be32(i);
      const type = String.fromCharCode(u8[i + 4], u8[i + 5], u8[i + 6], u8[i + 7]);
      parts.push(type);
      if (!['IHDR', 'PLTE', 'IDAT', 'IEND'].includes(type)) problems.push(`PNG chunk ${type}`);
      i += 12 + len;
      if (type === 'IEND') {
        end = i;
        break;
      }
    }
    if (end < 0) problems.push('no IEND');
    const trailing = end < 0 ? 0 : u8.length - end;
    if (trailing) problems.push(`${trailing} bytes after IEND`);
    return { format: 'png', parts, trailing, problems };
  }
  if (u8.length >= 4 && u8[0] === 0xff && u8[1] === 0xd8) {
    parts.push('SOI');
    let i = 2;
    let end = -1;
    const ALLOWED = new Set([0xe0, 0xdb, 0xc0, 0xc1, 0xc2, 0xc4, 0xdd, 0xda, 0xd9]);
    while (i + 2 <= u8.length) {
      if (u8[i] !== 0xff) {
        problems.push(`junk at ${i}`);
        break;
      }
      const m = u8[i + 1];
      if (m === 0xff) {
        i++;
        continue;
      }
      parts.push(`FF${hex(m)}`);
      if (!ALLOWED.has(m)) problems.push(`JPEG marker FF${hex(m)}`);
      if (m === 0xd9) {
        end = i + 2;
        break;
      }
      const len = be16(i + 2);
      if (m === 0xe0) {
        const id = String.fromCharCode(...u8.subarray(i + 4, i + 9));
        if (id !== 'JFIF\0') problems.push(`APP0 that is not JFIF (${JSON.stringify(id)})`);
      }
      i += 2 + len;
      if (m === 0xda) {
        // Entropy-coded data runs to the next marker that is not a stuffed 00 or a restart.
        while (i + 1 < u8.length && !(u8[i] === 0xff && u8[i + 1] !== 0x00 && !(u8[i + 1] >= 0xd0 && u8[i + 1] <= 0xd7))) i++;
      }
    }
    if (end < 0) problems.push('no EOI');
    const trailing = end < 0 ? 0 : u8.length - end;
    if (trailing) problems.push(`${trailing} bytes after EOI`);
    return { format: 'jpeg', parts, trailing, problems };
  }
  return { format: 'unknown', parts, trailing: 0, problems: ['neither PNG nor JPEG'] };
}

/** Byte strings that must not appear anywhere in an export of the fixtures. */
export const NEEDLES = [
  'Exif\0\0',
  'http://ns.adobe.com/xap',
  'eXIf',
  'tEXt',
  'iTXt',
  'zTXt',
  'tIME',
  'Patient',
  'John',
  'Jane',
  'Doe',
  '1234567',
  'OCCLUDE-MAKERNOTE',
  'Occlude Test Camera',
];

export function findNeedles(u8, needles) {
  let s = '';
  for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode.apply(null, u8.subarray(i, i + 0x8000));
  return needles.filter((n) => s.includes(n));
}

/**
 * In the page: decodes `bytes` with the browser's own decoder (createImageBitmap + canvas
 * getImageData, not Occlude's code) and checks the boxes and the rest against `original`.
 * `exact`: PNG (every box pixel is the fill, every other pixel the original's); otherwise JPEG
 * (box pixels at least `inset` px inside each edge within `tolerance` of the fill; the rest
 * within a small mean difference of the original, away from the box edges).
 */
export async function analyseInPage(bytes, original, boxes, fill, { exact, inset = 0, tolerance = 0 }) {
  const decode = async (u8) => {
    const bmp = await createImageBitmap(new Blob([u8]));
    const c = document.createElement('canvas');
    c.width = bmp.width;
    c.height = bmp.height;
    const g = c.getContext('2d', { willReadFrequently: true });
    g.drawImage(bmp, 0, 0);
    const d = g.getImageData(0, 0, bmp.width, bmp.height).data;
    bmp.close?.();
    return { width: c.width, height: c.height, d };
  };
  const out = await decode(bytes);
  const orig = await decode(original);
  const res = { width: out.width, height: out.height, origWidth: orig.width, origHeight: orig.height, boxes: [] };
  const inBox = (x, y, b, m) => x >= b.x + m && x < b.x + b.width - m && y >= b.y + m && y < b.y + b.height - m;
  for (const b of boxes) {
    let n = 0;
    let worst = 0;
    for (let y = b.y + inset; y < b.y + b.height - inset; y++) {
      for (let x = b.x + inset; x < b.x + b.width - inset; x++) {
        if (x < 0 || y < 0 || x >= out.width || y >= out.height) continue;
        const i = (y * out.width + x) * 4;
        for (let k = 0; k < 3; k++) worst = Math.max(worst, Math.abs(out.d[i + k] - fill[k]));
        n++;
      }
    }
    res.boxes.push({ pixels: n, worst });
  }
  // Outside every box (JPEG: at least `inset` px away from any box), compared with the original.
  let n = 0;
  let differing = 0;
  let sumDiff = 0;
  const margin = exact ? 0 : inset;
  for (let y = 0; y < out.height; y++) {
    for (let x = 0; x < out.width; x++) {
      if (boxes.some((b) => inBox(x, y, { x: b.x - margin, y: b.y - margin, width: b.width + 2 * margin, height: b.height + 2 * margin }, 0))) continue;
      const i = (y * out.width + x) * 4;
      let diff = 0;
      for (let k = 0; k < 3; k++) diff = Math.max(diff, Math.abs(out.d[i + k] - orig.d[i + k]));
      if (diff) differing++;
      sumDiff += diff;
      n++;
    }
  }
  res.outside = { pixels: n, differing, meanDiff: n ? sumDiff / n : 0 };
  res.exact = exact;
  return res;
}
