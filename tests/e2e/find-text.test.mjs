// Find text in the page (js/find-text.js), in Chromium, through the served app with its service
// worker: the button and its description; the size of the one-time download said before
// anything is fetched (Cancel fetches nothing); progress; the suggested boxes in one undo step,
// said to be suggested and drawn with amber dashes (pixels of the canvas), a tap removes one;
// the safety net on the review (count, Cover them, Download never blocked); the export burns
// the suggested boxes (the output's pixels); the setting, off until the finder was downloaded
// once, then an opened image gets suggestions; offline after the first use; Cancel; no long
// task over 50 ms on the main thread while a 12 MP photo is searched; the element's findText();
// axe. (The finder's results themselves: text.test.mjs; the first load without the module:
// modules.test.mjs.)

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { serve } from '../../tools/serve.mjs';
import { analyse, axeViolations, exportImage, openFile as open, screenshot, untilControlled } from './helpers.mjs';
import { DIST, ROOT, editorReady, launch, recordExports, requireDist, watchProblems } from './pwa-helpers.mjs';

let browser;

before(async () => {
  requireDist('models/manifest.json', 'pkg/occlude_text_bg.wasm', 'worker/text.js', 'js/find-text.js');
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const fixture = (name, mimeType) => ({ name: `Jane Doe ${name}`, mimeType, buffer: readFileSync(join(ROOT, 'tests', 'fixtures', 'text', name)) });
const RENDER = fixture('render.png', 'image/png');
const PHOTO = fixture('photo.jpg', 'image/jpeg');
const manifest = () => JSON.parse(readFileSync(join(DIST, 'models', 'manifest.json'), 'utf8'));
const megabytes = (n) => `${(n / 1e6).toFixed(1)} MB`;

/** A served app in a fresh context, its service worker in control. */
async function app({ paths = [] } = {}) {
  const server = await serve({ root: DIST, port: 0, onRequest: (r) => paths.push(new URL(r.url, 'http://x').pathname) });
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(60_000);
  const problems = watchProblems(page);
  await page.goto(server.url);
  await untilControlled(page);
  await editorReady(page);
  return { server, context, page, problems, paths };
}

/** Every text the status line shows from now on (recorded in the page). */
async function recordStatus(page) {
  await page.evaluate(() => {
    const el = document.querySelector('occlude-editor').shadowRoot.getElementById('status');
    window.__statuses = [];
    new MutationObserver(() => window.__statuses.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
  });
}

/** Long tasks (> 50 ms) on the main thread from now on. */
async function recordLongTasks(page) {
  await page.evaluate(() => {
    window.__long = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__long.push(Math.round(e.duration));
    }).observe({ type: 'longtask' });
  });
}

const statusText = (page) => page.locator('#status').textContent();
const announced = (page) => page.locator('#announce').textContent();

/** Waits for Find text to finish and returns the status line. */
async function findDone(page) {
  await page.waitForFunction(() => /^(Image \d+: )?Find text (found|failed|was cancelled)|could not/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('status').textContent), null, { timeout: 180_000 });
  return statusText(page);
}

/** The number of boxes and of suggested boxes, as the canvas's live region says them. */
async function boxCount(page) {
  if ((await page.evaluate(() => document.querySelector('occlude-editor').boxes.length)) === 0) return { boxes: 0, suggested: 0 };
  // Escape deselects, so the announcement counts the boxes.
  await page.locator('#canvas').focus();
  await page.keyboard.press(']');
  await page.keyboard.press('Escape');
  const say = await announced(page);
  const m = /(\d+) box(?:es)?(?:, (\d+) suggested by Find text)?\./.exec(say);
  assert.ok(m, say);
  return { boxes: Number(m[1]), suggested: Number(m[2] ?? 0) };
}

/**
 * Pixels of the canvas's edge just outside image box `b` (its top edge): how many are amber (the
 * dashes of a suggested box).
 */
async function amberAbove(page, b) {
  return page.evaluate(
    ({ b }) => {
      const el = document.querySelector('occlude-editor');
      const c = el.shadowRoot.getElementById('canvas');
      const k = c.width / el.__imageWidth;
      const y = Math.floor(b.y * k) - 1;
      const x0 = Math.floor(b.x * k);
      const w = Math.max(1, Math.floor(b.width * k));
      if (y < 0) return -1;
      const d = c.getContext('2d').getImageData(x0, y, w, 1).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i] > 190 && d[i + 1] > 100 && d[i + 1] < 170 && d[i + 2] < 60) n++;
      return n;
    },
    { b },
  );
}

test('Find text: download size first, suggested boxes in one step, tap, safety net, export, setting, offline', { timeout: 600_000 }, async () => {
  const { server, context, page, problems, paths } = await app();
  try {
    const m = manifest();
    const whole = [...m.finder.simd.files, ...m.finder.weights.files].reduce((s, f) => s + f.bytes, 0);
    const finder = () => paths.filter((p) => /^\/(pkg\/occlude_text|models\/ppocr)/.test(p));
    await open(page, RENDER);
    await page.evaluate(() => {
      document.querySelector('occlude-editor').__imageWidth = 1152;
    });

    // The button, its description (a help, not a guarantee; the size of the download), the setting off.
    const button = page.getByRole('button', { name: 'Find text', exact: true });
    await button.waitFor({ state: 'visible' });
    const help = await page.locator('#find-help').textContent();
    assert.match(help, /help, not a guarantee/);
    assert.ok(help.includes(`downloads up to ${megabytes(whole)} once`), help);
    const auto = page.getByRole('checkbox', { name: 'Find text when an image opens' });
    assert.equal(await auto.isDisabled(), true, 'the setting waits for the first download');

    // The question first; Cancel downloads nothing.
    await button.click();
    const dialog = page.getByRole('dialog', { name: 'Download the text finder?' });
    await dialog.waitFor({ state: 'visible' });
    assert.ok((await dialog.textContent()).includes(`one-time download of up to ${megabytes(whole)}`));
    assert.deepEqual(await axeViolations(page), [], 'axe: the question');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    // The dialog's close event is a task of its own: the status line follows it.
    await page.waitForFunction(() => /not started\. Nothing was downloaded/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('status').textContent), null, { timeout: 5_000 });
    assert.deepEqual(finder(), [], 'nothing of the finder fetched before Continue');

    // Continue: progress, then suggestions, with no long task on the main thread.
    await recordStatus(page);
    await recordLongTasks(page);
    await button.click();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    const done = await findDone(page);
    assert.match(done, /^Find text found (\d+) lines of text: added \d+ suggested boxes .*Check every box/, done);
    const statuses = await page.evaluate(() => window.__statuses);
    assert.ok(statuses.some((s) => /Downloading the text finder \(once\): [\d.]+ MB of [\d.]+ MB/.test(s)), `download progress shown: ${statuses.join(' | ')}`);
    assert.ok(statuses.some((s) => /Finding text… \d+ %/.test(s)), 'search progress shown');
    const long = await page.evaluate(() => window.__long);
    assert.deepEqual(long.filter((d) => d > 50), [], `no long task: ${long}`);
    assert.ok(finder().includes('/pkg/occlude_text_bg.wasm'));

    const found = await boxCount(page);
    assert.ok(found.boxes > 50, JSON.stringify(found));
    assert.equal(found.suggested, found.boxes, 'every box is a suggestion');
    const boxes = await page.evaluate(() => document.querySelector('occlude-editor').boxes);
    await screenshot(page, 'find-text-suggested');

    // Drawn differently: amber dashes above a suggested box; none above a box drawn by hand.
    const topmost = boxes.filter((b) => b.y > 30 && b.width > 60).sort((a, b) => a.y - b.y)[0];
    assert.ok((await amberAbove(page, topmost)) > 2, 'amber dashes outline a suggested box');

    // Undo removes every suggestion at once; Redo brings them back.
    await page.getByRole('button', { name: 'Undo' }).click();
    assert.deepEqual(await boxCount(page), { boxes: 0, suggested: 0 });
    assert.equal(await amberAbove(page, topmost), 0, 'no dashes once undone');
    await page.getByRole('button', { name: 'Redo' }).click();
    assert.deepEqual(await boxCount(page), found);

    // A tap on a suggested box removes it (one undo step); its line is then outlined faintly.
    const canvas = await page.locator('#canvas').boundingBox();
    const k = canvas.width / 1152;
    const tapAt = { x: canvas.x + (topmost.x + topmost.width / 2) * k, y: canvas.y + (topmost.y + topmost.height / 2) * k };
    await page.mouse.click(tapAt.x, tapAt.y);
    assert.match(await announced(page), /^Box deleted\./);
    assert.deepEqual(await boxCount(page), { boxes: found.boxes - 1, suggested: found.boxes - 1 });

    // A drawn box: no amber.
    const drawAt = { x: canvas.x + canvas.width * 0.5, y: canvas.y + canvas.height * 0.96 };
    await page.mouse.move(drawAt.x - 30, drawAt.y - 8);
    await page.mouse.down();
    await page.mouse.move(drawAt.x + 30, drawAt.y + 8, { steps: 6 });
    await page.mouse.up();
    const drawn = (await page.evaluate(() => document.querySelector('occlude-editor').boxes)).at(-1);
    await page.keyboard.press('Escape');
    assert.equal(await amberAbove(page, drawn), 0, 'a drawn box has no dashes');
    await page.getByRole('button', { name: 'Undo' }).click();

    // The review: one line not covered (the one tapped away), Cover them, export not blocked.
    await recordExports(page);
    await exportImage(page);
    const net = page.getByRole('group', { name: /not covered/ });
    await net.waitFor({ state: 'visible' });
    assert.equal(await page.locator('#net-title').textContent(), '1 line of text is not covered.');
    assert.match(await net.locator('li').first().textContent(), new RegExp(`^A line at ${topmost.x}, ${topmost.y} \\(`));
    assert.equal(await page.getByRole('button', { name: 'Download', exact: true }).isEnabled(), true, 'the safety net never blocks Download');
    assert.ok(await page.getByRole('img', { name: /map of the image/ }).isVisible());
    assert.deepEqual(await axeViolations(page), [], 'axe: the review with the safety net');
    await screenshot(page, 'find-text-review');
    await page.getByRole('button', { name: 'Cover them' }).click();
    await page.getByRole('group', { name: /Every line of text Find text found is covered/ }).waitFor({ state: 'visible', timeout: 120_000 });
    await page.waitForFunction(() => window.__occludeExports.length === 2);

    // The new file burns every suggested box: each box's pixels are the fill.
    const [, ex] = await page.evaluate(() => window.__occludeExports);
    const bytes = Buffer.from(ex.b64, 'base64');
    const all = [...boxes.filter((b) => b !== topmost), topmost].filter((b) => b.width > 2 && b.height > 2);
    const { stats } = await analyse(page, bytes, all);
    const notBlack = stats.map((s, i) => (Math.max(...s.max) > 0 ? JSON.stringify(all[i]) : null)).filter(Boolean);
    assert.deepEqual(notBlack, [], 'every suggested box is burned black (the covered line too)');

    // The setting is offered now; on, an opened image gets suggestions.
    await page.getByRole('button', { name: 'Back to editing' }).click();
    assert.equal(await auto.isDisabled(), false, 'the setting once the finder was downloaded');
    await auto.check();
    await page.evaluate(() => {
      window.__statuses.length = 0;
    });
    await open(page, PHOTO);
    const second = await findDone(page);
    assert.match(second, /^Image 2: Find text found \d+ lines? of text: added/, second);
    const photoCount = await boxCount(page);
    assert.ok(photoCount.suggested > 3, JSON.stringify(photoCount));
    // axe's own probes set inline styles, which the page's CSP refuses (and reports).
    assert.deepEqual(problems.filter((p) => !p.includes('Applying inline style violates')), [], 'no page errors');

    // Offline, the server gone: the page, and Find text with no question, from the service worker.
    await context.setOffline(true);
    await server.close();
    await page.reload();
    await editorReady(page);
    await page.evaluate(() => localStorage.setItem('occlude.findText.auto', '0'));
    await page.reload();
    await editorReady(page);
    await open(page, RENDER);
    await page.getByRole('button', { name: 'Find text', exact: true }).click();
    const offline = await findDone(page);
    assert.match(offline, /^Find text found \d+ lines/, offline);
    assert.equal(await page.getByRole('dialog', { name: 'Download the text finder?' }).isVisible(), false, 'asked only once');
  } finally {
    await context.close();
    await server.close();
  }
});

test('Find text: Cancel stops it, adds nothing, and the page still works; the element\'s findText()', { timeout: 300_000 }, async () => {
  const { server, context, page, problems } = await app();
  try {
    await open(page, PHOTO);
    await recordStatus(page);
    await page.getByRole('button', { name: 'Find text', exact: true }).click();
    await page.getByRole('dialog', { name: 'Download the text finder?' }).getByRole('button', { name: 'Continue' }).click();
    await page.waitForFunction(() => window.__statuses.some((s) => /Downloading the text finder|Finding text/.test(s)));
    const progress = page.getByRole('progressbar', { name: 'Working' });
    assert.ok(await progress.isVisible(), 'progress is shown');
    await page.locator('#busy').getByRole('button', { name: 'Cancel' }).click();
    assert.equal(await findDone(page), 'Find text was cancelled. No boxes were added.');
    assert.deepEqual(await boxCount(page), { boxes: 0, suggested: 0 });
    assert.ok(await progress.isHidden());

    // The page still works: the element's method runs it to the end and returns the lines.
    const result = await page.evaluate(async () => {
      const el = document.querySelector('occlude-editor');
      const lines = await el.findText();
      return { lines: lines.length, keys: Object.keys(lines[0]).sort(), boxes: el.boxes.length };
    });
    assert.ok(result.lines > 3, JSON.stringify(result));
    for (const k of ['confidence', 'height', 'quad', 'width', 'x', 'y']) assert.ok(result.keys.includes(k), `${k} in ${result.keys}`);
    assert.equal(result.boxes, result.lines);
    // Aborted by its signal: rejects with an AbortError, adds nothing.
    const aborted = await page.evaluate(async () => {
      const el = document.querySelector('occlude-editor');
      const before = el.boxes.length;
      const c = new AbortController();
      const p = el.findText({ signal: c.signal });
      setTimeout(() => c.abort(), 50);
      try {
        await p;
        return 'resolved';
      } catch (e) {
        return `${e.name} ${el.boxes.length - before}`;
      }
    });
    assert.equal(aborted, 'AbortError 0');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
    await server.close();
  }
});

test('Find text on a 12 MP photo: no long task over 50 ms on the main thread', { timeout: 300_000 }, async () => {
  const { server, context, page } = await app();
  try {
    const jpeg = await page.evaluate(async () => {
      const c = new OffscreenCanvas(4000, 3000);
      const g = c.getContext('2d');
      g.fillStyle = '#e8e4dc';
      g.fillRect(0, 0, 4000, 3000);
      g.fillStyle = '#202428';
      g.font = '56px sans-serif';
      for (let i = 0; i < 30; i++) g.fillText(`Patient JANE DOE ${1000 + i}  NHS 943 476 ${5919 - i}  12/03/19${61 + (i % 30)}`, 200 + (i % 3) * 40, 200 + i * 90);
      const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.9 });
      const u8 = new Uint8Array(await blob.arrayBuffer());
      let s = '';
      for (let i = 0; i < u8.length; i += 0x8000) s += String.fromCharCode(...u8.subarray(i, i + 0x8000));
      return btoa(s);
    });
    await open(page, { name: 'photo-12mp.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(jpeg, 'base64') });
    await page.waitForTimeout(500);
    await recordLongTasks(page);
    const t = Date.now();
    const lines = await page.evaluate(async () => (await document.querySelector('occlude-editor').findText()).length);
    const ms = Date.now() - t;
    await page.waitForTimeout(300);
    const long = await page.evaluate(() => window.__long);
    console.log(`12 MP: ${lines} lines in ${ms} ms; long tasks: ${JSON.stringify(long)}`);
    assert.ok(lines >= 25, `${lines} lines`);
    assert.deepEqual(long.filter((d) => d > 50), [], `long tasks during Find text: ${long}`);
  } finally {
    await context.close();
    await server.close();
  }
});

test('Find text on a case: Export all\'s review names the lines not covered on each image; Cover them and go back', { timeout: 300_000 }, async () => {
  const { server, context, page, problems } = await app();
  try {
    await open(page, RENDER);
    await open(page, PHOTO);
    // Image 2 (current), then image 1: each gets its suggestions through the element's method.
    const counts = await page.evaluate(async () => {
      const el = document.querySelector('occlude-editor');
      const second = (await el.findText()).length;
      el.shadowRoot.querySelector('#strip button.thumb').click();
      const first = (await el.findText()).length;
      return { first, second, boxes: el.boxes.length };
    });
    assert.ok(counts.first > 50 && counts.second > 3, JSON.stringify(counts));
    // One suggestion removed on image 1, by keyboard: [ picks the last box, Delete removes it.
    await page.locator('#canvas').focus();
    await page.keyboard.press('[');
    assert.match(await announced(page), /suggested by Find text/);
    await page.keyboard.press('Delete');

    const exportAll = page.getByRole('button', { name: 'Export all' });
    const net = page.locator('#net-all');
    const sendAll = async () => {
      await exportAll.click();
      const dialog = page.getByRole('dialog', { name: 'Before you share' });
      const review = page.getByRole('heading', { name: 'What you will send' });
      await Promise.race([dialog.waitFor({ state: 'visible', timeout: 120_000 }), review.waitFor({ state: 'visible', timeout: 120_000 })]);
      if (await dialog.isVisible()) await dialog.getByRole('button', { name: 'Continue' }).click();
      await review.waitFor({ state: 'visible', timeout: 120_000 });
      await net.waitFor({ state: 'visible' });
    };
    await sendAll();
    assert.equal(await page.locator('#net-all-title').textContent(), '1 line of text is not covered.');
    assert.match(await net.locator('li').first().textContent(), /^Image 1: 1 line \(A line at \d+, \d+ /);
    assert.equal(await page.getByRole('button', { name: 'Download all' }).isEnabled(), true, 'never blocks sending');
    assert.deepEqual(await axeViolations(page), [], 'axe: Export all\'s review with the safety net');

    await page.getByRole('button', { name: 'Cover them and go back' }).click();
    assert.match(await statusText(page), /^Covered 1 line on 1 image\. Press Export all/);
    await sendAll();
    assert.equal(await page.locator('#net-all-title').textContent(), 'Every line of text Find text found is covered.');
    assert.equal(await page.getByRole('button', { name: 'Cover them and go back' }).isVisible(), false);
    assert.deepEqual(problems.filter((p) => !p.includes('Applying inline style violates')), [], 'no page errors');
  } finally {
    await context.close();
    await server.close();
  }
});
