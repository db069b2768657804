// Reading the text in the page (js/find-text.js, issue 17), in Chromium, through the served app
// with its service worker, on the labelled screenshot of tests/fixtures/text/ (render.png) and a
// second image made from it in the page (the same report shifted on a larger canvas): "Read the
// text" says the reader's size before anything is fetched, and the one-time question names it;
// Find text with reading shows the reading's progress, leaves clinical lines clear and boxes
// every identifier line; a picked box says why; the safety net names what it read ("a date of
// birth, 14/08/2004"); "Cover every…" with the patient's surname boxes each place in both open
// images, one undo step per image, and the exported file is black there; axe on the controls;
// offline afterwards, reading with no question. (What the reader reads: text.test.mjs.)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serve } from '../../tools/serve.mjs';
import { score } from '../../tools/textset.mjs';
import { analyse, axeViolations, exportImage, openFile as open, screenshot, untilControlled } from './helpers.mjs';
import { DIST, ROOT, editorReady, launch, recordExports, requireDist, watchProblems } from './pwa-helpers.mjs';
import { TEXT_FIXTURES } from './text-helpers.mjs';

let browser;

before(async () => {
  requireDist('models/manifest.json', 'models/ppocrv5_rec.onnx', 'pkg/occlude_text_bg.wasm', 'js/find-text.js');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const RENDER = { name: 'Jane Doe render.png', mimeType: 'image/png', buffer: readFileSync(join(ROOT, 'tests', 'fixtures', 'text', 'render.png')) };
const { label } = TEXT_FIXTURES['render.png'];
const SHIFT = { x: 40, y: 30 };
const manifest = () => JSON.parse(readFileSync(join(DIST, 'models', 'manifest.json'), 'utf8'));
const megabytes = (n) => `${(n / 1e6).toFixed(1)} MB`;
const sum = (files) => files.reduce((s, f) => s + f.bytes, 0);
const editor = (page, fn, arg) => page.evaluate(fn, arg);
const statusText = (page) => page.locator('#status').textContent();
const boxes = (page) => editor(page, () => document.querySelector('occlude-editor').boxes);

async function findDone(page) {
  await page.waitForFunction(() => /^(Image \d+: )?Find text (found|failed|was cancelled)|could not/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('status').textContent), null, { timeout: 240_000 });
  return statusText(page);
}

/** The surname's words on the labelled report, where the reader is expected to find them. */
function surnameWords() {
  const surname = label.patient.last.toLowerCase();
  const out = [];
  for (const line of label.lines) {
    // Known misses: the toolbar's framed search field, whose dim text the reader misreads
    // (text.test.mjs), and the left picture's caption, which the finder merges with the picture's
    // edge into one block read with low confidence (so suggested, but no word to match).
    if (line.text.startsWith('Search:') || (line.box[0] === 317 && line.box[1] === 459)) continue;
    for (const w of line.words) {
      if (w.text.replace(/[^\p{L}\p{N}]/gu, '').toLowerCase() !== surname) continue;
      const [x0, y0] = w.quad[0];
      const [x1, y1] = w.quad[2];
      out.push({ text: w.text, x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
    }
  }
  return out;
}

const centre = (b) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
const inside = (p, b) => p.x >= b.x && p.x < b.x + b.width && p.y >= b.y && p.y < b.y + b.height;

test('Read the text: its size first, clinical lines clear, the safety net\'s words, Cover every… in two images, offline', { timeout: 900_000 }, async () => {
  const paths = [];
  const server = await serve({ root: DIST, port: 0, onRequest: (r) => paths.push(new URL(r.url, 'http://x').pathname) });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(60_000);
    const problems = watchProblems(page);
    await page.goto(server.url);
    await untilControlled(page);
    await editorReady(page);
    const m = manifest();
    const readerBytes = sum(m.finder.reader.files);
    const finderBytes = sum([...m.finder.simd.files, ...m.finder.weights.files]);
    const reader = () => paths.filter((p) => /^\/models\/(ppocrv5_rec|ppocr_keys)/.test(p));

    // Image 1: the report; image 2: the same report 40 px right and 30 px down on a larger canvas.
    await open(page, RENDER);
    const shifted = await page.evaluate(
      async ({ b64, shift }) => {
        const bmp = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]));
        const c = new OffscreenCanvas(bmp.width + 2 * shift.x, bmp.height + 2 * shift.y);
        const g = c.getContext('2d');
        g.fillStyle = '#ffffff';
        g.fillRect(0, 0, c.width, c.height);
        g.drawImage(bmp, shift.x, shift.y);
        const u8 = new Uint8Array(await (await c.convertToBlob({ type: 'image/png' })).arrayBuffer());
        let s = '';
        for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
        return btoa(s);
      },
      { b64: TEXT_FIXTURES['render.png'].b64, shift: SHIFT },
    );
    await open(page, { name: 'report 2.png', mimeType: 'image/png', buffer: Buffer.from(shifted, 'base64') });

    // The setting, off, says the reader's size before anything is fetched.
    const read = page.getByRole('checkbox', { name: 'Read the text' });
    assert.equal(await read.isChecked(), false, 'reading is off until asked for');
    const help = await page.locator('#find-read-help').textContent();
    assert.ok(help.includes(`one-time download of ${megabytes(readerBytes)}`), help);
    assert.match(help, /clinical .* left clear.*You confirm every box/);
    await read.check();
    assert.deepEqual(reader(), [], 'ticking it fetches nothing');
    const coverField = page.getByRole('searchbox', { name: 'Cover every…' });
    assert.ok(await coverField.isVisible());
    assert.deepEqual(await axeViolations(page), [], 'axe: the edit screen with Read the text and Cover every…');

    // Cover every… before anything was read: it says what to do, adds nothing.
    await coverField.fill(label.patient.last);
    await page.getByRole('button', { name: 'Cover', exact: true }).click();
    assert.match(await statusText(page), /no open image was read yet: tick Read the text, press Find text/);
    assert.deepEqual(await boxes(page), []);

    // The question names the reader and the whole download.
    const button = page.getByRole('button', { name: 'Find text', exact: true });
    await button.click();
    const dialog = page.getByRole('dialog', { name: 'Download the text finder?' });
    await dialog.waitFor({ state: 'visible' });
    const question = await dialog.textContent();
    assert.ok(question.includes(`up to ${megabytes(finderBytes + readerBytes)}`) && question.includes(`the reader (${megabytes(readerBytes)})`), question);
    assert.deepEqual(reader(), [], 'nothing of the reader fetched before Continue');

    await page.evaluate(() => {
      const el = document.querySelector('occlude-editor').shadowRoot.getElementById('status');
      window.__statuses = [];
      new MutationObserver(() => window.__statuses.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
    });
    await dialog.getByRole('button', { name: 'Continue' }).click();
    const second = await findDone(page);
    assert.match(second, /^Image 2: Find text found \d+ lines of text: added \d+ suggested boxes .*; \d+ lines left clear/, second);
    const statuses = await page.evaluate(() => window.__statuses);
    assert.ok(statuses.some((s) => /Downloading the text finder and reader \(once\)/.test(s)), statuses.join(' | '));
    assert.ok(statuses.some((s) => /Reading the text… \d+ %/.test(s)), `reading progress shown: ${statuses.join(' | ')}`);
    assert.equal(reader().filter((p) => p.endsWith('.onnx')).length, 1, 'the reader fetched once');

    // Image 1: Find text again, no question now (the reader is on the device).
    await page.locator('#strip button.thumb').first().click();
    await button.click();
    const first = await findDone(page);
    assert.match(first, /^Image 1: Find text found \d+ lines/, first);
    assert.equal(await dialog.isVisible(), false, 'asked once');

    // Every identifier line under a box; clinical lines left clear.
    const found = await boxes(page);
    const s = score(label, found);
    assert.deepEqual(s.misses.filter((x) => x.kind === 'identifier'), [], 'every identifier line boxed');
    const clear = s.misses.filter((x) => x.kind === 'clinical');
    assert.ok(clear.length >= 5, `clinical lines left clear: ${JSON.stringify(s.kinds)}`);
    await screenshot(page, 'read-text-suggested');

    // A picked box says why it was suggested.
    await page.locator('#canvas').focus();
    await page.keyboard.press(']');
    assert.match(await page.locator('#announce').textContent(), /^Box 1 of \d+, suggested by Find text \(.+\): at /);
    await page.keyboard.press('Escape');

    // The date of birth's box tapped away: the safety net names what was read there.
    const dob = label.lines.find((l) => l.text === '14/08/2004');
    const canvas = await page.locator('#canvas').boundingBox();
    const k = canvas.width / label.width;
    const at = centre({ x: dob.box[0], y: dob.box[1], width: dob.box[2], height: dob.box[3] });
    await page.mouse.click(canvas.x + at.x * k, canvas.y + at.y * k);
    assert.match(await page.locator('#announce').textContent(), /^Box deleted\./);
    await exportImage(page);
    const net = page.getByRole('group', { name: /not covered/ });
    await net.waitFor({ state: 'visible' });
    assert.equal(await page.locator('#net-title').textContent(), '1 line of text is not covered.');
    const named = await net.locator('li').first().textContent();
    assert.match(named, /^a date[^,]*, 14\/08\/2004, at \d+, \d+ /, named);
    assert.match(await page.locator('#net-clear').textContent(), /^Left clear on purpose: clinical/);
    assert.deepEqual(await axeViolations(page), [], 'axe: the review naming what was read');
    await page.getByRole('button', { name: 'Back to editing' }).click();

    // Undo the tap and Find text's boxes on both images: Cover every… alone is checked next.
    const undo = page.getByRole('button', { name: 'Undo' });
    await undo.click();
    await undo.click();
    assert.deepEqual(await boxes(page), []);
    await page.locator('#strip button.thumb').nth(1).click();
    await undo.click();
    assert.deepEqual(await boxes(page), []);

    // Cover every: the surname in capitals; each place in both images, one undo step per image.
    await recordExports(page);
    await coverField.fill(label.patient.last.toUpperCase());
    await coverField.press('Enter');
    await page.waitForFunction(() => /^Covered |was not found|failed/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('status').textContent), null, { timeout: 120_000 });
    const said = await statusText(page);
    const mm = /^Covered “COLDSTREAM” in (\d+) places in 2 images/.exec(said);
    assert.ok(mm, said);
    const second2 = await boxes(page);
    const words = surnameWords();
    for (const w of words) {
      const c = centre(w);
      assert.ok(second2.some((b) => inside({ x: c.x + SHIFT.x, y: c.y + SHIFT.y }, b)), `image 2: ${w.text} at ${w.x}, ${w.y}`);
    }
    await undo.click();
    assert.deepEqual(await boxes(page), [], 'one Undo removes image 2\'s boxes');
    await page.getByRole('button', { name: 'Redo' }).click();
    await page.locator('#strip button.thumb').first().click();
    const first2 = await boxes(page);
    assert.equal(first2.length + second2.length, Number(mm[1]), said);
    for (const w of words) assert.ok(first2.some((b) => inside(centre(w), b)), `image 1: ${w.text} at ${w.x}, ${w.y}`);
    await page.locator('#canvas').focus();
    await page.keyboard.press(']');
    assert.match(await page.locator('#announce').textContent(), /suggested by Find text \(“COLDSTREAM”, Cover every\)/);
    await page.keyboard.press('Escape');

    // Image 1's file: black over each place of the surname, a clinical line untouched.
    await exportImage(page);
    await page.waitForFunction(() => window.__occludeExports.length === 1);
    const [ex] = await page.evaluate(() => window.__occludeExports);
    const inner = (b) => ({ x: Math.round(b.x + b.width * 0.25), y: Math.round(b.y + b.height * 0.25), width: Math.max(1, Math.round(b.width * 0.5)), height: Math.max(1, Math.round(b.height * 0.5)) });
    const iop = label.lines.find((l) => l.text === 'IOP R 16 L 18 mmHg' && l.kind === 'clinical');
    const regions = [...words.map(inner), { x: iop.box[0], y: iop.box[1], width: iop.box[2], height: iop.box[3] }];
    const { stats } = await analyse(page, Buffer.from(ex.b64, 'base64'), regions);
    const notBlack = stats.slice(0, words.length).map((st, i) => (Math.max(...st.max) > 0 ? words[i].text : null)).filter(Boolean);
    assert.deepEqual(notBlack, [], 'each place of the surname is burned black');
    const iopStats = stats.at(-1);
    assert.ok(Math.min(...iopStats.max) > 200 && Math.max(...iopStats.mean) < 250, `the clinical line is left as it was (white with dark text): ${JSON.stringify(iopStats)}`);
    await page.getByRole('button', { name: 'Back to editing' }).click();
    assert.deepEqual(problems.filter((p) => !p.includes('Applying inline style violates')), [], 'no page errors');

    // Offline, the server gone: reading works with no question (the setting is kept).
    await context.setOffline(true);
    await server.close();
    await page.reload();
    await editorReady(page);
    await open(page, RENDER);
    assert.equal(await page.getByRole('checkbox', { name: 'Read the text' }).isChecked(), true, 'the setting is kept');
    await page.getByRole('button', { name: 'Find text', exact: true }).click();
    const offline = await findDone(page);
    assert.match(offline, /^Find text found \d+ lines of text: .*left clear/, offline);
    assert.equal(await page.getByRole('dialog', { name: /^Download the text/ }).isVisible(), false, 'no question offline');
  } finally {
    await context.close();
    await server.close();
  }
});
