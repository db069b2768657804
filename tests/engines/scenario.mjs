// The cross-engine end-to-end scenario, driven over classic WebDriver (see webdriver.mjs), the
// same in Chromium, Firefox ESR and WebKitGTK:
//   1. open a fixture through the file input; draw two boxes with pointer actions; export
//      (answering the one-time "Before you share" checklist as a person would); read the
//      exported bytes back inside the page and check them (decodes, boxes filled, the rest
//      untouched, no metadata, nothing after IEND); the receipt is shown; Share is offered only
//      where the engine can share files; Download saves the same bytes.
//   2. a case: three images through the file input, one box drawn and copied to the others
//      with Apply to all, Export all (one review, three files with neutral numbered names, each
//      checked as in 1), Download as ZIP (unpacked here, the same bytes).
//   3. Find text with Read the text ticked: the labelled screenshot of tests/fixtures/text/; the
//      one-time question about the download (naming the reader) answered Continue; suggested
//      boxes added, clinical lines left clear (said so to a screen reader, with why); one Undo
//      removes them all, Redo brings them back; Cover every… with the patient's surname adds a
//      box over each place it was read, one Undo removes them; through the API, the same
//      screenshot read on two workers (nested) and on one gives the same lines.
//   4. offline: load the app from a second server, wait for the service worker to control the
//      page, stop that server, reload, open, redact and export again.
// Every wait is bounded. Steps throw with a message saying which step failed and what was seen.

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { serve } from '../../tools/serve.mjs';
import { NEEDLES, Q, analyseInPage, findNeedles, walkStructure } from './page-lib.mjs';
import { isElement } from './webdriver.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The fixtures (tests/fixtures/README.md): 96 × 64, four flat quadrants. */
export const FIXTURES = {
  // PNG with tEXt, zTXt, iTXt, tIME, eXIf and a tEXt after IDAT naming a patient: PNG out, exact.
  main: { file: 'png-text-chunks.png', width: 96, height: 64, format: 'png' },
  // JPEG with Exif (GPS, MakerNote, IFD1 thumbnail, patient name): JPEG out, within tolerance.
  offline: { file: 'jpeg-exif-full.jpg', width: 96, height: 64, format: 'jpeg' },
  // The same picture as a plain PNG.
  plain: { file: 'png-rgb8.png', width: 96, height: 64, format: 'png' },
};

// Boxes as fractions of the canvas (which keeps the image's shape at "fit"): x0, y0, x1, y1.
const TWO_BOXES = [
  [0.06, 0.1, 0.42, 0.55],
  [0.55, 0.42, 0.94, 0.9],
];
// JPEG: boxes are checked from 17 px inside each edge (4:2:0), and the rest from 17 px outside,
// so on a 96 × 64 picture one central box leaves both an inside and an outside to check.
const ONE_BOX = [[0.28, 0.2, 0.72, 0.8]];

/** Polls `body` (a sync page script returning a truthy value when done) until `timeoutMs`. */
async function waitFor(d, what, body, args = [], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await d.execute(`${Q}\n${body}`, args);
      if (last && !(typeof last === 'object' && last.done === false)) return last;
    } catch (err) {
      if (d.stopped) throw err;
      last = `error: ${err.message}`;
      // a navigation in progress; try again
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 300)})`);
    await sleep(150);
  }
}

/** An element found by role and name (waits until it is shown). */
function byRole(d, role, name, { timeoutMs = 30_000, within = null } = {}) {
  const n = name instanceof RegExp ? { re: name.source } : name;
  return waitFor(
    d,
    `the ${role} ${name instanceof RegExp ? name : JSON.stringify(name)}`,
    `const within = arguments[2]; return Q.byRole(arguments[0], arguments[1], within ? { within } : {});`,
    [role, n, within],
    timeoutMs,
  );
}

/** The editor's status line(s). */
async function statuses(d) {
  return d.execute(`${Q}\nreturn Q.statuses();`);
}

/** Waits until one of the editor's status lines matches `re` (fails at once on "failed"). */
async function waitStatus(d, re, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let seen = [];
  for (;;) {
    seen = await statuses(d).catch((err) => {
      if (d.stopped) throw err;
      return seen;
    });
    if (seen.some((s) => re.test(s))) return seen.find((s) => re.test(s));
    const failed = seen.find((s) => /failed|could not|cannot/i.test(s));
    if (failed) throw new Error(`the editor says: ${failed}`);
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for a status matching ${re} (status: ${JSON.stringify(seen)})`);
    await sleep(150);
  }
}

/** Navigates and waits for <occlude-editor> and its "Open image" control. */
async function openApp(d, url) {
  await d.navigate(url);
  await waitFor(d, 'the editor to be defined and show "Open image"', `return !!customElements.get('occlude-editor') && !!Q.byRole('button', 'Open image');`, [], 45_000);
  await watchErrors(d);
}

/** Collects the page's uncaught errors and unhandled rejections from now on. */
function watchErrors(d) {
  return d.execute(`window.__occludeErrors = [];
    addEventListener('error', (e) => window.__occludeErrors.push('error: ' + (e.message || e.type)));
    addEventListener('unhandledrejection', (e) => window.__occludeErrors.push('unhandled rejection: ' + ((e.reason && e.reason.message) || e.reason)));`);
}

/** Fails if the page threw since watchErrors. */
async function checkNoErrors(d) {
  const errors = await d.execute('return window.__occludeErrors || null;');
  if (errors === null) throw new Error('the page error log is gone (an unexpected navigation?)');
  if (errors.length) throw new Error(`the page threw: ${errors.join('; ')}`);
  return 'none';
}

/** Puts `path` into the editor's file input, as the file picker would, and waits for it to open. */
async function openFixture(d, path) {
  const input = await waitFor(d, 'the file input', 'return Q.fileInput();');
  if (!isElement(input)) throw new Error(`no file input: ${JSON.stringify(input)}`);
  await d.sendKeys(input, path);
  const r = await waitFor(
    d,
    'the image to open',
    `const st = Q.statuses();
     const failed = st.find((t) => /failed|could not|cannot|not an image/i.test(t));
     if (failed) return { failed };
     const canvas = Q.canvas();
     return canvas && !st.some((t) => /^Opening/.test(t)) ? { status: st.join(' | ') } : false;`,
    [],
    60_000,
  );
  if (r.failed) throw new Error(`the editor says: ${r.failed}`);
  return r.status;
}

/** Draws each box (fractions of the canvas) as a mouse drag with WebDriver pointer actions. */
async function drawBoxes(d, fractions) {
  const canvas = await waitFor(d, 'the image canvas', 'return Q.canvas();');
  const r = await d.execute(
    `const c = arguments[0]; c.scrollIntoView({ block: 'center', inline: 'center' });
     const r = c.getBoundingClientRect(); return { x: r.left, y: r.top, width: r.width, height: r.height, vw: innerWidth, vh: innerHeight };`,
    [canvas],
  );
  if (r.width < 50 || r.height < 30) throw new Error(`the canvas is too small to draw on: ${JSON.stringify(r)}`);
  if (r.x < 0 || r.y < 0 || r.x + r.width > r.vw || r.y + r.height > r.vh) throw new Error(`the canvas is not wholly in view: ${JSON.stringify(r)}`);
  const at = (fx, fy) => ({ x: Math.round(r.x + fx * r.width), y: Math.round(r.y + fy * r.height) });
  const actions = [];
  for (const [x0, y0, x1, y1] of fractions) {
    const a = at(x0, y0);
    const b = at(x1, y1);
    actions.push({ type: 'pointerMove', duration: 0, origin: 'viewport', x: a.x, y: a.y });
    actions.push({ type: 'pointerDown', button: 0 });
    for (let i = 1; i <= 8; i++) {
      actions.push({ type: 'pointerMove', duration: 20, origin: 'viewport', x: Math.round(a.x + ((b.x - a.x) * i) / 8), y: Math.round(a.y + ((b.y - a.y) * i) / 8) });
    }
    actions.push({ type: 'pointerUp', button: 0 });
    actions.push({ type: 'pause', duration: 50 });
  }
  await d.performActions([{ type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' }, actions }]);
  await d.releaseActions().catch(() => {});
  return r;
}

/** The boxes the editor holds, in image pixels (its public `boxes` property). */
function editorBoxes(d) {
  return d.execute(`return document.querySelector('occlude-editor').boxes;`);
}

/** Each drawn box must be where the drag was: within 2 image pixels per edge (rounding outwards). */
function checkBoxesLanded(boxes, fractions, { width, height }) {
  if (!Array.isArray(boxes) || boxes.length !== fractions.length) {
    throw new Error(`expected ${fractions.length} boxes, the editor holds ${JSON.stringify(boxes)}`);
  }
  fractions.forEach(([x0, y0, x1, y1], i) => {
    const b = boxes[i];
    const want = { x: x0 * width, y: y0 * height, x1: x1 * width, y1: y1 * height };
    const off = Math.max(Math.abs(b.x - want.x), Math.abs(b.y - want.y), Math.abs(b.x + b.width - want.x1), Math.abs(b.y + b.height - want.y1));
    if (off > 2) throw new Error(`box ${i + 1} is not where it was drawn: ${JSON.stringify(b)} for ${JSON.stringify(want)}`);
  });
}

/** Installs a listener that keeps every `occlude-export` event's detail on window. */
function listenForExports(d) {
  return d.execute(`window.__occludeExports = []; document.addEventListener('occlude-export', (e) => window.__occludeExports.push(e.detail));`);
}

/**
 * Presses Export (or Download, where that is what makes the file); answers the one-time
 * "Before you share" checklist with Continue when it shows; waits for the `occlude-export`
 * event or a "Saved" status.
 */
async function exportImage(d) {
  const button = await waitFor(d, 'an Export or Download button', `return Q.byRole('button', 'Export') || Q.byRole('button', 'Download');`);
  await waitFor(d, 'the button to be enabled', 'return !arguments[0].disabled;', [button], 10_000);
  await d.click(button);
  const { checklist, result } = await answerChecklistUntil(
    d,
    `if ((window.__occludeExports || []).length) return { exported: true };
     const saved = st.find((t) => /^Saved /.test(t));
     if (saved) return { saved };`,
    'no occlude-export event and no "Saved" status within 90 s of pressing Export',
  );
  return { checklist, saved: result.saved ?? null };
}

/**
 * After a press of Export or Export all: answers the "Before you share" checklist with
 * Continue when it shows, until `doneBody` (page code that may use `st`, the status lines, and
 * returns a truthy value when done) returns; fails on a "failed" status or after 90 s.
 */
async function answerChecklistUntil(d, doneBody, timeoutMessage) {
  let checklist = false;
  const deadline = Date.now() + 90_000;
  for (;;) {
    const next = await d.execute(
      `${Q}
       const st = Q.statuses();
       const failed = st.find((t) => /failed/i.test(t));
       if (failed) return { failed };
       const done = (() => { ${doneBody} })();
       if (done) return { done };
       const dialog = Q.byRole('dialog', { re: '^Before you share$' });
       return dialog ? { dialog } : {};`,
    );
    if (next.failed) throw new Error(`export failed: ${next.failed}`);
    if (next.done) return { checklist, result: next.done };
    if (next.dialog) {
      checklist = true;
      await d.click(await byRole(d, 'button', 'Continue', { within: next.dialog, timeoutMs: 5_000 }));
    }
    if (Date.now() > deadline) throw new Error(timeoutMessage);
    await sleep(150);
  }
}

/**
 * The exported file, read inside the page from the `occlude-export` event's blob. (The app's CSP,
 * `connect-src 'self'`, forbids fetching the review's blob: URL, so that is checked by drawing
 * the review image instead: it must show exactly the pixels the blob decodes to.)
 */
async function exportedBytes(d) {
  const got = await d.evalAsync(
    `const list = window.__occludeExports || [];
     if (list.length === 0) return null;
     if (list.length !== 1) throw new Error('expected one occlude-export event, got ' + list.length);
     const { blob, name, report } = list[0];
     const bytes = new Uint8Array(await blob.arrayBuffer());
     const img = [...(function* all(r) { for (const el of r.querySelectorAll('*')) { yield el; if (el.shadowRoot) yield* all(el.shadowRoot); } })(document)]
       .find((el) => el.tagName === 'IMG' && el.src.startsWith('blob:'));
     let review = 'no blob: image on the review';
     if (img) {
       const t0 = Date.now();
       while (!(img.complete && img.naturalWidth) && Date.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 50));
       const pixels = (src) => {
         const c = document.createElement('canvas');
         c.width = src.naturalWidth || src.width;
         c.height = src.naturalHeight || src.height;
         const g = c.getContext('2d', { willReadFrequently: true });
         g.drawImage(src, 0, 0);
         return g.getImageData(0, 0, c.width, c.height).data;
       };
       const bmp = await createImageBitmap(blob);
       const a = pixels(img);
       const b = pixels(bmp);
       let diff = a.length === b.length ? 0 : -1;
       if (diff === 0) for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
       review = diff === 0 ? 'same' : 'review image ' + img.naturalWidth + ' x ' + img.naturalHeight + ' differs from the blob (' + diff + ' values) ' + bmp.width + ' x ' + bmp.height;
     }
     let s = '';
     for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
     return { name, type: blob.type, report, b64: btoa(s), review };`,
  );
  if (got === null) return null;
  if (got.review !== 'same' && !got.review.startsWith('no blob:')) throw new Error(`the review does not show the exported file: ${got.review}`);
  return { ...got, bytes: Buffer.from(got.b64, 'base64') };
}

/** Checks the exported bytes inside the page (decode, boxes, the rest) and here (structure, needles, exiftool). */
async function checkExport(d, { bytes, report, type, name }, fixture, originalBytes, boxes, artifacts, tag, nth = null) {
  const ext = fixture.format === 'png' ? 'png' : 'jpg';
  writeFileSync(join(artifacts, `${tag}.${ext}`), bytes);
  if (!new RegExp(`^redacted-\\d{8}-\\d{6}${nth ? `-${nth}` : ''}\\.${ext}$`).test(name)) throw new Error(`unexpected file name ${name}`);
  if (type !== (fixture.format === 'png' ? 'image/png' : 'image/jpeg')) throw new Error(`unexpected type ${type}`);
  const exact = fixture.format === 'png';
  const inset = exact ? 0 : (report?.verification?.margin ?? 17);
  const tolerance = exact ? 0 : 16;
  const inPage = await d.evalAsync(
    `const analyseInPage = ${analyseInPage.toString()};
     const walkStructure = ${walkStructure.toString()};
     const findNeedles = ${findNeedles.toString()};
     const u8 = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
     const [outB64, origB64, boxes, needles, opts] = args;
     const out = u8(outB64);
     const a = await analyseInPage(out, u8(origB64), boxes, [0, 0, 0], opts);
     a.structure = walkStructure(out);
     a.needles = findNeedles(out, needles);
     return a;`,
    [bytes.toString('base64'), originalBytes.toString('base64'), boxes, NEEDLES, { exact, inset, tolerance }],
  );
  const problems = [];
  if (inPage.width !== fixture.width || inPage.height !== fixture.height) problems.push(`decoded ${inPage.width} × ${inPage.height}`);
  inPage.boxes.forEach((b, i) => {
    if (b.pixels < (exact ? 100 : 4)) problems.push(`box ${i + 1}: only ${b.pixels} pixels checked`);
    if (b.worst > tolerance) problems.push(`box ${i + 1} is not filled: a pixel is ${b.worst} levels from black`);
  });
  if (exact && inPage.outside.differing) problems.push(`${inPage.outside.differing} pixels outside the boxes changed`);
  if (!exact && inPage.outside.meanDiff > 12) problems.push(`outside the boxes differs from the original by ${inPage.outside.meanDiff.toFixed(1)} on average`);
  if (inPage.outside.pixels < 100) problems.push('too little outside the boxes to compare');
  problems.push(...inPage.structure.problems.map((p) => `in the page: ${p}`));
  if (inPage.needles.length) problems.push(`in the page: found ${inPage.needles.map((n) => JSON.stringify(n)).join(', ')}`);
  // The same bytes, checked again outside the browser.
  const here = walkStructure(bytes);
  problems.push(...here.problems.map((p) => `in Node: ${p}`));
  const needles = findNeedles(bytes, NEEDLES);
  if (needles.length) problems.push(`in Node: found ${needles.join(', ')}`);
  let exiftool = 'not installed';
  try {
    const out = execFileSync('exiftool', ['-j', '-a', '-G1', join(artifacts, `${tag}.${ext}`)], { encoding: 'utf8', timeout: 20_000 });
    const groups = new Set(Object.keys(JSON.parse(out)[0]).filter((k) => k.includes(':')).map((k) => k.split(':')[0]));
    const bad = [...groups].filter((g) => /^(IFD0|IFD1|ExifIFD|SubIFD|GPS|InteropIFD|MakerNotes|XMP.*|IPTC|Photoshop|ICC.*|Comment|PNG-.*|Adobe)$/.test(g));
    if (bad.length) problems.push(`exiftool finds ${bad.join(', ')}`);
    exiftool = bad.length ? 'metadata found' : 'no metadata groups';
  } catch (err) {
    if (err.code !== 'ENOENT') problems.push(`exiftool: ${err.message.split('\n')[0]}`);
  }
  if (problems.length) throw new Error(`the export is wrong: ${problems.join('; ')}`);
  return {
    structure: inPage.structure.parts.join(' '),
    boxChecks: inPage.boxes,
    outside: inPage.outside,
    exiftool,
  };
}

/** The receipt (README: "verified: 2 boxes filled, 0 metadata blocks, 0 trailing bytes") is shown. */
async function checkReceipt(d, nBoxes) {
  const want = new RegExp(`verified[^.]*\\b${nBoxes} ${nBoxes === 1 ? 'box' : 'boxes'} filled, 0 metadata blocks, 0 trailing bytes`, 'i');
  const r = await waitFor(
    d,
    'the receipt',
    `const host = document.querySelector('occlude-editor');
     const shown = [...Q.all(host.shadowRoot || host)].filter((el) => el.children.length === 0 && Q.shown(el)).map(Q.text).join(' | ');
     const m = shown.match(new RegExp(arguments[0], 'i'));
     return m ? { receipt: m[0] } : { done: false, shown };`,
    [want.source],
    10_000,
  );
  return r.receipt;
}

/** Share is offered exactly when this engine can share files; otherwise Download alone is. */
async function checkShare(d) {
  const r = await d.execute(
    `${Q}
     const file = new File([new Uint8Array([1])], 'x.png', { type: 'image/png' });
     let can = false;
     try { can = typeof navigator.share === 'function' && navigator.canShare?.({ files: [file] }) === true; } catch { can = false; }
     return { can, shareShown: !!Q.byRole('button', 'Share'), downloadShown: !!Q.byRole('button', 'Download'),
              hasShare: typeof navigator.share === 'function', hasCanShare: typeof navigator.canShare === 'function' };`,
  );
  if (!r.downloadShown) throw new Error('no Download button on the review');
  if (r.shareShown !== r.can) throw new Error(`Share is ${r.shareShown ? 'offered' : 'not offered'} but navigator.canShare({files}) is ${r.can}`);
  return r.can ? 'Share offered (navigator.canShare({files}) is true)' : `Share hidden (navigator.share ${r.hasShare ? 'present' : 'absent'}, canShare ${r.hasCanShare ? 'says no to files' : 'absent'}); Download only`;
}

/**
 * Presses Download unless the export already saved; the status says Saved; the file lands in
 * the engine's download folder with the exported bytes. Returns [status, bytes on disk].
 */
async function checkDownload(d, name, saved, downloads) {
  if (!saved) {
    const button = await byRole(d, 'button', 'Download');
    await d.click(button);
    saved = await waitStatus(d, /^Saved redacted-\d{8}-\d{6}\.(png|jpg)/, 20_000);
  }
  name = name ?? saved.match(/redacted-\d{8}-\d{6}\.(png|jpg)/)?.[0];
  if (!name || !saved.includes(name)) throw new Error(`the status names another file: ${saved}`);
  const file = join(downloads, name);
  const deadline = Date.now() + 15_000;
  let last = -1;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      const got = readFileSync(file);
      if (got.length > 0 && got.length === last) return [saved, name, got];
      last = got.length;
    }
    await sleep(250);
  }
  const seen = existsSync(downloads) ? readdirSync(downloads) : [];
  throw new Error(`no ${name} in ${downloads} within 15 s (found: ${seen.join(', ') || 'nothing'})`);
}

/**
 * Part 1 on `url`: fixture → two boxes → export → check → receipt → share/download.
 * @returns {Promise<object>} what was seen, for the log
 */
export async function redactScenario(d, { url, fixturesDir, artifacts, downloads, engine }) {
  const fx = FIXTURES.main;
  const path = join(fixturesDir, fx.file);
  const original = readFileSync(path);
  await openApp(d, url);
  const opened = await openFixture(d, path);
  await listenForExports(d);
  await drawBoxes(d, TWO_BOXES);
  const boxes = await editorBoxes(d);
  checkBoxesLanded(boxes, TWO_BOXES, fx);
  const { checklist, saved } = await exportImage(d);
  const exported = await exportedBytes(d);
  const receipt = await checkReceipt(d, 2);
  const share = await checkShare(d);
  try {
    writeFileSync(join(artifacts, `${engine}-review.png`), await d.screenshot());
  } catch {
    // a screenshot is a nice-to-have
  }
  const [download, name, onDisk] = await checkDownload(d, exported?.name, saved, downloads);
  if (exported && !onDisk.equals(exported.bytes)) throw new Error(`the downloaded ${name} differs from the exported bytes`);
  const file = exported ?? { name, bytes: onDisk, type: fx.format === 'png' ? 'image/png' : 'image/jpeg', report: null };
  const checked = await checkExport(d, file, fx, original, boxes, artifacts, `${engine}-export`);
  const pageErrors = await checkNoErrors(d);
  return {
    pageErrors,
    opened,
    boxes,
    checklist: checklist ? 'shown, answered Continue' : 'not shown',
    file: `${file.name}, ${file.bytes.length} bytes (${exported ? 'occlude-export event; download identical' : 'download'})`,
    ...checked,
    receipt,
    share,
    download,
  };
}

/**
 * Part 3, Find text with reading: the labelled screenshot (tests/fixtures/text/render.png)
 * opened; Read the text ticked; Find text pressed; the question about the one-time download
 * (the reader named) shown and answered Continue; the finder and the reader downloaded and run
 * in this engine's worker; its boxes added, each said to be suggested and why, clinical lines
 * left clear; one Undo removes them all, Redo brings them back; Cover every… with the surname:
 * a box over each place, one Undo step; then, through the API, the same screenshot read on two
 * workers (helpers in nested workers) and on one: the same lines. The time of each part is in
 * the result.
 */
export async function findTextScenario(d, { url, fixturesDir, engine }) {
  await openApp(d, url);
  await openFixture(d, join(fixturesDir, 'text', 'render.png'));
  const surname = JSON.parse(readFileSync(join(fixturesDir, 'text', 'render.json'), 'utf8')).patient.last;
  await d.click(await byRole(d, 'checkbox', 'Read the text'));
  await d.click(await byRole(d, 'button', 'Find text'));
  const dialog = await waitFor(d, 'the question about the download', `return Q.byRole('dialog', { re: '^Download the text finder' });`, [], 20_000);
  const question = await d.execute('return arguments[0].querySelector("p").textContent.replace(/\\s+/g, " ").trim();', [dialog]);
  if (!/one-time download of up to [\d.]+ MB: .*the reader \([\d.]+ MB\)/.test(question)) throw new Error(`the question does not say the size with the reader: ${question}`);
  const t0 = Date.now();
  await d.click(await byRole(d, 'button', 'Continue', { within: dialog, timeoutMs: 5_000 }));
  const found = await waitStatus(d, /^Find text found \d+ lines of text: added \d+ suggested boxes.*\d+ lines? left clear/, 400_000);
  const findMs = Date.now() - t0;
  const n = (await editorBoxes(d)).length;
  if (n < 50) throw new Error(`Find text added ${n} boxes on the screenshot (expected its ~100 lines)`);
  const said = await d.execute(`${Q}\nconst c = Q.canvas(); c.focus(); c.dispatchEvent(new KeyboardEvent('keydown', { key: ']', bubbles: true }));
    return c.getRootNode().getElementById('announce').textContent;`);
  if (!/suggested by Find text \(.+\)/.test(said)) throw new Error(`a picked box is not said to be suggested, and why: ${said}`);
  await d.click(await byRole(d, 'button', 'Undo'));
  await waitFor(d, 'Undo to remove every suggested box', `return document.querySelector('occlude-editor').boxes.length === 0;`, [], 10_000);
  await d.click(await byRole(d, 'button', 'Redo'));
  await waitFor(d, 'Redo to bring them back', `return document.querySelector('occlude-editor').boxes.length === ${n};`, [], 10_000);

  // Cover every…: the surname, wherever it was read (boxes over the line boxes already there).
  const t1 = Date.now();
  await d.sendKeys(await byRole(d, 'textbox', 'Cover every…'), surname);
  await d.click(await byRole(d, 'button', 'Cover'));
  const covered = await waitStatus(d, new RegExp(`^Covered “${surname}” in (\\d+) places? in 1 image`), 120_000);
  const coverMs = Date.now() - t1;
  const places = Number(/in (\d+) places?/.exec(covered)[1]);
  if (places < 2) throw new Error(`Cover every found the surname in ${places} places (expected at least 2): ${covered}`);
  const after = (await editorBoxes(d)).length;
  if (after !== n + places) throw new Error(`Cover every: ${after} boxes, expected ${n} + ${places}`);
  await d.click(await byRole(d, 'button', 'Undo'));
  await waitFor(d, 'one Undo to remove Cover every\'s boxes', `return document.querySelector('occlude-editor').boxes.length === ${n};`, [], 10_000);

  // The reading spread over helpers (nested workers) in this engine reads what one worker
  // alone reads (through the page's own API, the reader kept from the run above).
  const t2 = Date.now();
  const spread = await d.evalAsync(
    `const { findText } = await import('./js/api.js');
     const bytes = Uint8Array.from(atob(args[0]), (c) => c.charCodeAt(0));
     const run = async (readers) => {
       let most = 0;
       const r = await findText(new Blob([bytes]), { read: true, readers, onProgress: (p) => { if (p.stage === 'read') most = Math.max(most, p.readers); } });
       return { readers: most, lines: JSON.stringify(r.lines) };
     };
     const two = await run(2);
     const one = await run(1);
     return { readers: [two.readers, one.readers], same: two.lines === one.lines, lines: JSON.parse(one.lines).length };`,
    [readFileSync(join(fixturesDir, 'text', 'render.png')).toString('base64')],
    400_000,
  );
  if (spread.readers[0] !== 2 || spread.readers[1] !== 1) throw new Error(`reading on 2 workers, then 1: progress said ${spread.readers.join(' and ')}`);
  if (!spread.same) throw new Error(`the lines read on 2 workers differ from those read on 1 (${spread.lines} lines)`);
  const spreadMs = Date.now() - t2;
  const pageErrors = await checkNoErrors(d);
  return { engine, question, found, boxes: n, said, undo: 'one step removes them all', covered, spread: `${spread.lines} lines read the same on 2 workers and on 1`, pageErrors, seconds: { findAndRead: findMs / 1000, coverEvery: coverMs / 1000, readTwice: spreadMs / 1000 } };
}

/**
 * Part 2, a case: three images of one device (the same 96 × 64 picture as a PNG with text
 * chunks, a plain PNG and a JPEG with Exif) opened one after another through the file input;
 * one box drawn on the last and copied to the others with Apply to all; Export all; every
 * file checked as in part 1; Download as ZIP, unpacked here with Python's zipfile: the same
 * names and bytes.
 */
export async function caseScenario(d, { url, fixturesDir, artifacts, downloads, engine }) {
  const list = [FIXTURES.main, FIXTURES.plain, FIXTURES.offline];
  const originals = list.map((fx) => readFileSync(join(fixturesDir, fx.file)));
  await openApp(d, url);
  for (const [i, fx] of list.entries()) {
    await openFixture(d, join(fixturesDir, fx.file));
    await waitFor(d, `image ${i + 1} in the strip`, `return Q.byRole('button', { re: '^Image ${i + 1}, ' }, {}) || (${i} === 0 && !!Q.canvas());`, [], 30_000);
  }
  await waitFor(d, 'a strip of three images', `return !!Q.byRole('button', { re: '^Image 3, 0 boxes$' });`);
  await listenForExports(d);
  await drawBoxes(d, ONE_BOX);
  const boxes = await editorBoxes(d);
  checkBoxesLanded(boxes, ONE_BOX, FIXTURES.offline);
  await d.click(await byRole(d, 'button', 'Apply to all'));
  const applied = await waitStatus(d, /^Copied 1 box to 2 images\.$/, 10_000);
  await waitFor(d, 'every image with its box in the strip', `return ['Image 1, 1 box', 'Image 2, 1 box', 'Image 3, 1 box'].every((n) => Q.byRole('button', n));`, [], 10_000);

  await d.click(await byRole(d, 'button', 'Export all'));
  const { checklist } = await answerChecklistUntil(
    d,
    `return (window.__occludeExports || []).length === 3 && !!Q.byRole('heading', 'What you will send');`,
    'Export all: no review with three files within 90 s',
  );
  const files = await d.evalAsync(
    `const out = [];
     for (const { blob, name, report } of window.__occludeExports) {
       const bytes = new Uint8Array(await blob.arrayBuffer());
       let s = '';
       for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
       out.push({ name, type: blob.type, report, b64: btoa(s) });
     }
     return out;`,
  );
  const stamp = files[0]?.name.match(/^redacted-(\d{8}-\d{6})-1\./)?.[1];
  if (!stamp || !files.every((f, i) => f.name.startsWith(`redacted-${stamp}-${i + 1}.`))) throw new Error(`names: ${files.map((f) => f.name).join(', ')}`);
  const checked = [];
  for (const [i, f] of files.entries()) {
    const file = { ...f, bytes: Buffer.from(f.b64, 'base64') };
    const c = await checkExport(d, file, list[i], originals[i], boxes, artifacts, `${engine}-case-${i + 1}`, i + 1);
    checked.push(`${f.name} (${c.structure.split(' ').length} parts, ${c.exiftool})`);
  }
  const share = await d.execute(
    `${Q}
     const file = new File([new Uint8Array([1])], 'x.png', { type: 'image/png' });
     let can = false;
     try { can = typeof navigator.share === 'function' && navigator.canShare?.({ files: [file, file] }) === true; } catch { can = false; }
     return { can, shown: !!Q.byRole('button', 'Share all') };`,
  );
  if (share.shown !== share.can) throw new Error(`Share all is ${share.shown ? 'offered' : 'not offered'} but navigator.canShare({files}) is ${share.can}`);

  await d.click(await byRole(d, 'button', 'Download as ZIP'));
  const saved = await waitStatus(d, /^Saved redacted-\d{8}-\d{6}\.zip: 3 files/, 20_000);
  const zipName = `redacted-${stamp}.zip`;
  if (!saved.includes(zipName)) throw new Error(`the status names another file: ${saved}`);
  const zipPath = join(downloads, zipName);
  const until = Date.now() + 15_000;
  let last = -1;
  while (Date.now() < until) {
    const n = existsSync(zipPath) ? readFileSync(zipPath).length : -1;
    if (n > 0 && n === last) break;
    last = n;
    await sleep(250);
  }
  if (!existsSync(zipPath)) throw new Error(`no ${zipName} in ${downloads} (found: ${readdirSync(downloads).join(', ') || 'nothing'})`);
  const unpacked = JSON.parse(
    execFileSync('python3', ['-c', ['import base64, json, sys, zipfile', 'z = zipfile.ZipFile(sys.argv[1])', 'assert z.testzip() is None', 'print(json.dumps([[n, base64.b64encode(z.read(n)).decode()] for n in z.namelist()]))'].join('\n'), zipPath], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
  if (unpacked.length !== 3 || unpacked.some(([n, b64], i) => n !== files[i].name || b64 !== files[i].b64)) {
    throw new Error(`the ZIP holds ${unpacked.map(([n]) => n).join(', ')}, not the three exported files`);
  }
  const pageErrors = await checkNoErrors(d);
  return {
    pageErrors,
    applied,
    checklist: checklist ? 'shown, answered Continue' : 'not shown',
    files: checked.join('; '),
    share: share.can ? 'Share all offered' : 'Share all hidden (no file sharing here)',
    zip: `${zipName}: the three files, byte for byte (Python zipfile)`,
  };
}

/**
 * Part 3: served by a second server that is stopped after the service worker took control;
 * reload, open, redact, export with no server at all.
 */
export async function offlineScenario(d, { root, fixturesDir, artifacts, downloads, engine }) {
  const fx = FIXTURES.offline;
  const path = join(fixturesDir, fx.file);
  const original = readFileSync(path);
  const server = await serve({ root, port: 0 });
  let stopped = false;
  try {
    await openApp(d, server.url);
    const sw = await d.evalAsync(
      `if (!('serviceWorker' in navigator)) return { supported: false, secure: isSecureContext };
       const limit = (p, ms, what) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error('timed out waiting for ' + what)), ms))]);
       const reg = await limit(navigator.serviceWorker.ready, 45000, 'navigator.serviceWorker.ready');
       const t0 = Date.now();
       while (!navigator.serviceWorker.controller && Date.now() - t0 < 20000) await new Promise((r) => setTimeout(r, 100));
       return { supported: true, secure: isSecureContext, scope: reg.scope, active: reg.active && reg.active.state, controlled: !!navigator.serviceWorker.controller };`,
      [],
      90_000,
    );
    if (!sw.supported) throw new Error(`no service worker support in this engine (isSecureContext ${sw.secure})`);
    if (!sw.controlled) throw new Error(`the service worker is ${sw.active} but does not control the page`);
    await server.close();
    stopped = true;
    // The server is really gone.
    const gone = await fetch(server.url, { signal: AbortSignal.timeout(3_000) }).then(
      () => false,
      () => true,
    );
    if (!gone) throw new Error('the server still answers after close()');
    // Reload as a person does (F5): location.reload(). WebDriver's own Refresh is not used:
    // geckodriver's bypasses the service worker (Firefox shows "Unable to connect") although a
    // normal reload, a navigation and fetch() are all served by it.
    await d.execute('window.__occludeBeforeReload = true; setTimeout(() => location.reload(), 0);');
    await waitFor(
      d,
      'the editor after the offline reload',
      `return !window.__occludeBeforeReload && document.readyState === 'complete' && !!customElements.get('occlude-editor') && !!Q.byRole('button', 'Open image');`,
      [],
      45_000,
    );
    const where = await d.execute('return location.href;');
    if (where !== server.url) throw new Error(`after the reload the page is ${where}, not ${server.url}`);
    await watchErrors(d);
    const controlled = await d.execute('return !!(navigator.serviceWorker && navigator.serviceWorker.controller);');
    if (!controlled) throw new Error('after the reload the page is not controlled by the service worker');
    await openFixture(d, path);
    await listenForExports(d);
    await drawBoxes(d, ONE_BOX);
    const boxes = await editorBoxes(d);
    checkBoxesLanded(boxes, ONE_BOX, fx);
    const { checklist, saved } = await exportImage(d);
    let exported = await exportedBytes(d);
    if (!exported) {
      const [, name, bytes] = await checkDownload(d, null, saved, downloads);
      exported = { name, bytes, type: 'image/jpeg', report: null };
    }
    const checked = await checkExport(d, exported, fx, original, boxes, artifacts, `${engine}-offline-export`);
    const receipt = await checkReceipt(d, 1);
    const pageErrors = await checkNoErrors(d);
    return {
      pageErrors,
      serviceWorker: `${sw.scope} (${sw.active}), controls the page after the reload with the server stopped`,
      checklist: checklist ? 'shown again after the reload' : 'not shown',
      file: `${exported.name}, ${exported.bytes.length} bytes`,
      ...checked,
      receipt,
    };
  } finally {
    if (!stopped) await server.close();
  }
}

export function ensureDir(p) {
  mkdirSync(p, { recursive: true });
  return p;
}
