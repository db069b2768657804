// End-to-end: a case of several images (README, "A case of several images" and "Templates").
// Apply to all (same size, same shape scaled, another shape left alone; one undo step per
// image; the strip's counts); templates saved, kept over a reload, offered, applied, refused
// for another shape, renamed, exported, imported, deleted; a practice's templates.json; Export
// all with three images (a review of every file, an image with no boxes flagged and sent only
// when ticked, Download all, Download as ZIP checked by an independent unzip, ExifTool and the
// engine's own inspection); Share all only where files can be shared, with the files alone.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { serve } from '../../tools/serve.mjs';
import { walkStructure } from '../engines/page-lib.mjs';
import {
  ARTIFACTS,
  DIST,
  FORBIDDEN_GROUPS,
  analyse,
  dragMouse,
  editorBoxes,
  exifGroups,
  makeImage,
  metadataMarkers,
  openApp,
  passChecklist,
  screenshot,
  settledStatus,
  useApp,
} from './helpers.mjs';

const app = useApp();
const button = (page, name) => page.getByRole('button', { name, exact: true });
const thumbs = (page) => page.getByRole('button', { name: /^Image \d+, / });
const labels = (page) => thumbs(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
const status = (page) => page.locator('#status').textContent();

/** Opens several files at once through the picker and waits until all are open. */
async function openAll(page, files) {
  const before = await thumbs(page).count();
  await page.setInputFiles('#file', files);
  const want = Math.max(before, 1) === 1 && before === 0 ? files.length : before + files.length;
  await page.waitForFunction((n) => document.querySelector('occlude-editor').shadowRoot.querySelectorAll('button.thumb').length === n || (n === 1 && !!document.querySelector('occlude-editor').shadowRoot.getElementById('canvas').offsetWidth), want, { timeout: 60_000 });
  await settledStatus(page, 'Opening image');
}

/**
 * Waits until the canvas shows the image's own preview, decoded again after a switch, and no
 * longer its enlarged 96-px thumbnail: across the right edge of the picture's red square (a
 * quarter of the width in), colours blend over at most 3 canvas pixels (the thumbnail blurs
 * that edge over about w / 96 of them).
 */
async function sharpPreview(page, w, h) {
  await page.waitForFunction(
    ([w, h]) => {
      const c = document.querySelector('occlude-editor').shadowRoot.getElementById('canvas');
      const edge = (Math.min(400, w / 4) / w) * c.width;
      const y = Math.round((Math.min(400, h / 4) / 2 / h) * c.height);
      const d = c.getContext('2d').getImageData(Math.max(0, Math.round(edge - 30)), y, 60, 1).data;
      let blend = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 1] > 30 && d[i + 1] < 190) blend++;
      return blend <= 3;
    },
    [w, h],
    { timeout: 30_000 },
  );
}

/** The boxes of image `i` (1-based), by switching to it in the strip. */
async function boxesOf(page, i) {
  await thumbs(page).nth(i - 1).click();
  return editorBoxes(page);
}

test('Apply to all: same size as is, same shape scaled outwards, another shape left alone; one undo step per image', { timeout: 180_000 }, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const { page, problems } = await openApp(context, app.server.url);
    const a = await makeImage(page, { width: 1200, height: 800, type: 'image/png' });
    const b = await makeImage(page, { width: 1200, height: 800, type: 'image/jpeg' });
    const c = await makeImage(page, { width: 600, height: 400, type: 'image/png' });
    const d = await makeImage(page, { width: 800, height: 800, type: 'image/png' });
    await openAll(page, [
      { name: 'Jane Doe OD.png', mimeType: 'image/png', buffer: a },
      { name: 'Jane Doe OS.jpg', mimeType: 'image/jpeg', buffer: b },
      { name: 'small.png', mimeType: 'image/png', buffer: c },
      { name: 'field.png', mimeType: 'image/png', buffer: d },
    ]);
    assert.deepEqual(await labels(page), ['Image 1, 0 boxes', 'Image 2, 0 boxes', 'Image 3, 0 boxes', 'Image 4, 0 boxes']);
    assert.equal(await button(page, 'Apply to all').isDisabled(), true, 'nothing to copy yet');
    await thumbs(page).nth(0).click();
    await sharpPreview(page, 1200, 800); // only the current image has a preview: decoded again
    await dragMouse(page, [0.3, 0.45], [0.71, 0.56]);
    const [box] = await editorBoxes(page);
    await button(page, 'Apply to all').click();
    assert.equal(
      await status(page),
      'Copied 1 box to 2 images (1 scaled to their size); 1 image of another shape left alone (800 × 800; this one 1200 × 800).',
    );
    assert.deepEqual(await labels(page), ['Image 1, 1 box', 'Image 2, 1 box', 'Image 3, 1 box', 'Image 4, 0 boxes']);
    const counts = await page.locator('button.thumb .count').allTextContents();
    assert.deepEqual(counts, ['1', '1', '1', '0'], 'the strip shows each image’s box count');
    await screenshot(page, 'case-apply-to-all');

    assert.deepEqual(await boxesOf(page, 2), [box], 'the same size: the same box');
    const half = (await boxesOf(page, 3))[0];
    const x0 = Math.floor(box.x / 2);
    const y0 = Math.floor(box.y / 2);
    assert.deepEqual(half, { x: x0, y: y0, width: Math.ceil((box.x + box.width) / 2) - x0, height: Math.ceil((box.y + box.height) / 2) - y0 }, 'scaled, rounded outwards');
    assert.deepEqual(await boxesOf(page, 4), [], 'another shape: left alone');

    // One undo step in each image it touched, and none in the source.
    await thumbs(page).nth(1).click();
    await button(page, 'Undo').click();
    assert.deepEqual(await editorBoxes(page), []);
    assert.equal(await button(page, 'Undo').isDisabled(), true, 'it was one step');
    await thumbs(page).nth(0).click();
    assert.equal((await editorBoxes(page)).length, 1, 'the source kept its box');
    // Again: only the image that lost it gets it back.
    await button(page, 'Apply to all').click();
    assert.match(await status(page), /^Copied 1 box to 1 image; 1 image had it already; 1 image of another shape left alone/);
    await button(page, 'Apply to all').click();
    assert.match(await status(page), /^Nothing to copy: the 2 other images of this shape have it already; 1 image of another shape/);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

/** Clicks a button and returns the download it starts: {name, text}. */
async function download(page, locator, file) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), locator.click()]);
  const path = join(ARTIFACTS, file ?? dl.suggestedFilename());
  await dl.saveAs(path);
  return { name: dl.suggestedFilename(), path, bytes: readFileSync(path) };
}

test('templates: saved on the device, kept over a reload, offered once for matching images, applied, refused for another shape, exported, imported, renamed, deleted', { timeout: 240_000 }, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  try {
    let { page, problems } = await openApp(context, app.server.url);
    const report = await makeImage(page, { width: 2560, height: 1440, type: 'image/png' });
    const other = await makeImage(page, { width: 1024, height: 768, type: 'image/png' });
    await openAll(page, [{ name: 'Cirrus Jane Doe.png', mimeType: 'image/png', buffer: report }]);
    await dragMouse(page, [0.25, 0.45], [0.75, 0.56]);
    const [drawn] = await editorBoxes(page);
    await button(page, 'Templates').click();
    assert.equal(await button(page, 'Templates').getAttribute('aria-expanded'), 'true');
    const panel = page.getByRole('region', { name: 'Templates' });
    await panel.getByRole('textbox', { name: 'Template name' }).fill('Cirrus report');
    await panel.getByRole('button', { name: 'Save as template' }).click();
    await page.waitForFunction(() => /^Saved template/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('status').textContent));
    assert.equal(await status(page), 'Saved template "Cirrus report": 1 box for images of 2560 × 1440.');
    assert.match(await panel.textContent(), /Cirrus report2560 × 1440, 1 box, fill #000000/);
    assert.equal(await page.getByRole('group', { name: /Use template/ }).count(), 0, 'no offer for the image it was made from');

    // A new session on this device: the template is still there and is offered, once, for
    // the two images of its size (one bar for both), not for the other one.
    await page.reload();
    await openAll(page, [
      { name: 'a.png', mimeType: 'image/png', buffer: report },
      { name: 'b.png', mimeType: 'image/png', buffer: other },
      { name: 'c.png', mimeType: 'image/png', buffer: report },
    ]);
    const offer = page.getByRole('group', { name: /^Use template/ });
    await offer.waitFor();
    assert.equal(await offer.locator('p').textContent(), 'Use template "Cirrus report" on the 2 images of 2560 × 1440 just opened?');
    await screenshot(page, 'case-template-offer');
    await offer.getByRole('button', { name: 'Use template' }).click();
    assert.equal(await status(page), 'Used template "Cirrus report" on 2 images: 1 box each.');
    assert.equal(await offer.count(), 0, 'the offer is gone');
    assert.deepEqual(await labels(page), ['Image 1, 1 box', 'Image 2, 0 boxes', 'Image 3, 1 box']);
    assert.deepEqual(await boxesOf(page, 1), [drawn], 'the template’s box, where it was drawn');
    await button(page, 'Undo').click();
    assert.deepEqual(await editorBoxes(page), [], 'one undo step');
    await button(page, 'Redo').click();

    // Another shape: refused, naming both sizes.
    await thumbs(page).nth(1).click();
    await button(page, 'Templates').click();
    await panel.getByRole('button', { name: 'Apply template Cirrus report' }).click();
    assert.equal(await status(page), 'The template "Cirrus report" is for 2560 × 1440 images; this image is 1024 × 768, another shape.');
    assert.equal(await page.locator('#status').evaluate((el) => el.classList.contains('error')), true);
    assert.deepEqual(await editorBoxes(page), []);
    await screenshot(page, 'case-templates-panel');

    // Export: a small JSON file with a name from the template's, never from an image.
    const exported = await download(page, panel.getByRole('button', { name: 'Export template Cirrus report' }));
    assert.equal(exported.name, 'template-cirrus-report.json');
    assert.deepEqual(JSON.parse(exported.bytes.toString('utf8')), { version: 1, name: 'Cirrus report', size: [2560, 1440], boxes: [drawn], fill: '#000000' });

    // Rename, then delete (with a confirmation), then import the exported file back.
    await panel.getByRole('button', { name: 'Rename template Cirrus report' }).click();
    const rename = panel.getByRole('textbox', { name: 'New name for "Cirrus report"' });
    assert.equal(await rename.evaluate((el) => el === el.getRootNode().activeElement), true, 'the new name field has focus');
    await rename.fill('Cirrus OCT');
    await panel.getByRole('button', { name: 'Save name' }).click();
    await page.waitForFunction(() => /^Renamed/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('status').textContent));
    assert.equal(await status(page), 'Renamed template "Cirrus report" to "Cirrus OCT".');
    await panel.getByRole('button', { name: 'Delete template Cirrus OCT' }).click();
    await panel.getByRole('button', { name: 'Yes, delete template Cirrus OCT' }).click();
    await page.waitForFunction(() => /^Deleted/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('status').textContent));
    assert.match(await panel.textContent(), /None yet\./);
    await page.setInputFiles('#tpl-file', exported.path);
    await page.waitForFunction(() => /^Imported/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('status').textContent));
    assert.equal(await status(page), 'Imported 1 template: "Cirrus report".');
    assert.equal(await panel.getByRole('button', { name: 'Apply template Cirrus report' }).count(), 1);

    // A bad file is refused with the reason.
    const bad = join(ARTIFACTS, 'template-bad.json');
    writeFileSync(bad, JSON.stringify({ name: 'X', size: [100, 50], boxes: [{ x: 90, y: 0, width: 20, height: 10 }] }));
    await page.setInputFiles('#tpl-file', bad);
    await page.waitForFunction(() => /^Importing/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('status').textContent));
    assert.equal(await status(page), 'Importing the template failed: Box 1 (x 90, y 0, width 20, height 10) reaches outside the size 100 × 50.');

    // Kept in IndexedDB: a fresh page of this device lists it.
    ({ page, problems: problems } = await (async () => {
      const next = await openApp(context, app.server.url);
      await page.close();
      return next;
    })());
    await openAll(page, [{ name: 'x.png', mimeType: 'image/png', buffer: other }]);
    await button(page, 'Templates').click();
    assert.equal(await page.getByRole('button', { name: 'Apply template Cirrus report' }).count(), 1, 'still there in a new page');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('practice templates: templates.json beside the app is read, listed read-only and offered; a broken one is named, not fatal', { timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'occlude-practice-'));
  cpSync(DIST, dir, { recursive: true });
  const practice = [
    { version: 1, name: 'Practice Cirrus', size: [1200, 800], boxes: [{ x: 100, y: 50, width: 500, height: 60 }], fill: '#ffffff' },
    { name: 'Practice field', size: [800, 800], boxes: [{ x: 0, y: 0, width: 800, height: 40 }] },
  ];
  writeFileSync(join(dir, 'templates.json'), JSON.stringify(practice));
  const server = await serve({ root: dir, port: 0 });
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    let { page, problems } = await openApp(context, server.url);
    const img = await makeImage(page, { width: 1200, height: 800, type: 'image/png' });
    await openAll(page, [{ name: 'a.png', mimeType: 'image/png', buffer: img }]);
    const offer = page.getByRole('group', { name: /^Use template/ });
    await offer.waitFor();
    assert.equal(await offer.locator('p').textContent(), 'Use template "Practice Cirrus" on the image of 1200 × 800 just opened?');
    await offer.getByRole('button', { name: 'Use template' }).click();
    assert.equal(await status(page), 'Used template "Practice Cirrus" on 1 image: 1 box each. Fill colour set to #ffffff, as the template asks.');
    assert.deepEqual(await editorBoxes(page), [{ x: 100, y: 50, width: 500, height: 60 }]);
    assert.equal(await page.getByLabel('Fill colour').inputValue(), '#ffffff');
    await button(page, 'Templates').click();
    const panel = page.getByRole('region', { name: 'Templates' });
    assert.match(await panel.textContent(), /Practice templates.*read-only.*Practice Cirrus1200 × 800, 1 box, fill #ffffff.*Practice field800 × 800, 1 box/s);
    assert.equal(await panel.getByRole('button', { name: /^(Rename|Delete) template Practice/ }).count(), 0, 'read-only');
    assert.equal(await panel.getByRole('button', { name: 'Apply practice template Practice field' }).count(), 1);
    assert.deepEqual(problems, [], 'no page errors');
    await page.close();

    // A file the practice got wrong: the app works, and the panel says what is wrong.
    writeFileSync(join(dir, 'templates.json'), '{"name": "Broken", "size": [10, 10], "boxes": []}');
    ({ page, problems } = await openApp(context, server.url));
    await openAll(page, [{ name: 'a.png', mimeType: 'image/png', buffer: img }]);
    await button(page, 'Templates').click();
    await page.waitForFunction(() => /could not be read/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('tpl-note').textContent));
    assert.equal(await page.locator('#tpl-note').textContent(), 'The practice templates (templates.json) could not be read: boxes is empty: a template needs at least one box.');
    assert.equal(await page.getByRole('group', { name: /^Use template/ }).count(), 0);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The engine's own reading of `bytes` (the wasm's inspect, through the page's worker client). */
async function engineInspection(page, bytes) {
  return page.evaluate(async (b64) => {
    const { WorkerClient } = await import('./js/worker-client.js');
    const client = new WorkerClient({ name: 'test' });
    try {
      const u8 = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const r = await client.request('open', { bytes: u8.buffer, maxSide: 64, background: '#ffffff' }, { transfer: [u8.buffer] });
      return { format: r.format, width: r.width, height: r.height, words: r.inspection?.words };
    } finally {
      client.terminate();
    }
  }, Buffer.from(bytes).toString('base64'));
}

/** Python's zipfile unpacks `zip` into a fresh folder; returns [{name, bytes}] in archive order. */
function unzip(zipPath) {
  const out = mkdtempSync(join(tmpdir(), 'occlude-unzip-'));
  const names = JSON.parse(
    execFileSync('python3', ['-c', ['import json, sys, zipfile', 'z = zipfile.ZipFile(sys.argv[1])', 'assert z.testzip() is None', 'z.extractall(sys.argv[2])', 'print(json.dumps(z.namelist()))'].join('\n'), zipPath, out], {
      encoding: 'utf8',
    }),
  );
  return names.map((name) => ({ name, path: join(out, name), bytes: readFileSync(join(out, name)) }));
}

test('Export all with three images: one review, an image with no boxes flagged and sent only when ticked, Download all, Download as ZIP', { timeout: 300_000 }, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  try {
    const { page, problems } = await openApp(context, app.server.url);
    const { exifSegment, spliceAfterSoi } = await import('./helpers.mjs');
    const a = await makeImage(page, { width: 900, height: 600, type: 'image/png' });
    const b = spliceAfterSoi(await makeImage(page, { width: 600, height: 400, type: 'image/jpeg' }), exifSegment({ orientation: 1, description: 'JANE DOE MRN 1234567' }));
    const c = await makeImage(page, { width: 640, height: 480, type: 'image/png' });
    await openAll(page, [
      { name: 'Jane Doe OCT.png', mimeType: 'image/png', buffer: a },
      { name: 'Jane Doe fundus.jpg', mimeType: 'image/jpeg', buffer: b },
      { name: 'Jane Doe field.png', mimeType: 'image/png', buffer: c },
    ]);
    await thumbs(page).nth(0).click();
    await dragMouse(page, [0.25, 0.4], [0.9, 0.6]);
    const boxA = (await editorBoxes(page))[0];
    await thumbs(page).nth(1).click();
    await dragMouse(page, [0.25, 0.4], [0.9, 0.6]);
    const boxB = (await editorBoxes(page))[0];
    await page.evaluate(() => {
      window.__exports = [];
      document.addEventListener('occlude-export', (e) => window.__exports.push({ name: e.detail.name, size: e.detail.blob.size, boxes: e.detail.report.boxes.length }));
      const root = document.querySelector('occlude-editor').shadowRoot;
      window.__statuses = [];
      window.__progress = [];
      new MutationObserver(() => {
        window.__statuses.push(root.getElementById('status').textContent);
        const p = root.getElementById('progress');
        if (p.hasAttribute('value')) window.__progress.push(`${p.value}/${p.max}`);
      }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['value', 'hidden'] });
    });

    await button(page, 'Export all').click();
    await passChecklist(page);
    const review = page.getByRole('region', { name: 'What you will send' });
    await page.getByRole('heading', { name: 'What you will send' }).waitFor({ timeout: 120_000 });
    const statuses = await page.evaluate(() => window.__statuses);
    for (const k of [1, 2, 3]) assert.ok(statuses.includes(`Exporting image ${k} of 3…`), `progress said image ${k}: ${statuses.join(' | ')}`);
    assert.ok((await page.evaluate(() => window.__progress)).includes('2/3'), 'the progress bar counts the images');
    assert.equal(await status(page), 'Ready: 3 new files. Check them below, then download or share them. 1 image with no boxes will not be sent unless you tick it.');

    const items = review.locator('#batch-list > li');
    assert.equal(await items.count(), 3);
    const names = await review.locator('.review-file strong').allTextContents();
    const stamp = names[0].match(/^redacted-(\d{8}-\d{6})-1\.png$/)?.[1];
    assert.ok(stamp, `neutral names: ${names}`);
    assert.deepEqual(names, [`redacted-${stamp}-1.png`, `redacted-${stamp}-2.jpg`, `redacted-${stamp}-3.png`]);
    assert.match(await items.nth(0).textContent(), /Verified from the new file's own bytes: 1 box filled, 0 metadata blocks, 0 trailing bytes\./);
    assert.match(await items.nth(1).textContent(), /Removed: EXIF data/);
    assert.match(await items.nth(2).textContent(), /No boxes: sent as is, metadata removed\./);
    const tick = items.nth(2).getByRole('checkbox', { name: 'Send this image as is' });
    assert.equal(await tick.isChecked(), false, 'not sent unless ticked');
    assert.match(await page.locator('#batch-summary').textContent(), /^2 files to send/);
    assert.equal(await button(page, 'Share all').count(), 0, 'no Share all where files cannot be shared');
    await page.waitForFunction(() => [...document.querySelector('occlude-editor').shadowRoot.querySelectorAll('canvas.batch-thumb')].every((c) => c.width > 1));
    assert.deepEqual(await review.getByRole('img').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))), ['New file 1, as it will be sent', 'New file 2, as it will be sent', 'New file 3, as it will be sent']);
    await screenshot(page, 'case-export-all-review');
    assert.deepEqual((await page.evaluate(() => window.__exports)).map((e) => e.name), names.slice(0, 2), 'an occlude-export event for each file to be sent');

    // Download all: one file each, neutral names.
    const got = [];
    page.on('download', (dl) => got.push(dl));
    await button(page, 'Download all').click();
    await page.waitForFunction(() => /^Saved 2 files/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('status').textContent));
    for (let t = 0; t < 100 && got.length < 2; t++) await page.waitForTimeout(100);
    assert.deepEqual(got.map((d) => d.suggestedFilename()), names.slice(0, 2));

    // Tick the image with no boxes, then one ZIP of all three.
    await tick.check();
    assert.match(await page.locator('#batch-summary').textContent(), /^3 files to send/);
    assert.equal((await page.evaluate(() => window.__exports)).length, 3, 'its event once it is to be sent');
    const zip = await download(page, button(page, 'Download as ZIP'));
    assert.equal(zip.name, `redacted-${stamp}.zip`);
    const files = unzip(zip.path);
    assert.deepEqual(files.map((f) => f.name), names, 'the same neutral names inside');
    const originals = [a, b, c];
    for (const [i, f] of files.entries()) {
      const { groups, tags } = exifGroups(f.path);
      assert.deepEqual([...groups].filter((g) => FORBIDDEN_GROUPS.test(g)), [], `${f.name}: no metadata groups (ExifTool)`);
      assert.ok(!JSON.stringify(tags).includes('JANE'), `${f.name}: nothing identifying in ExifTool's reading`);
      assert.deepEqual(metadataMarkers(f.bytes), [], `${f.name}: no metadata markers`);
      assert.deepEqual(walkStructure(f.bytes).problems, [], `${f.name}: only structural chunks, nothing after the end`);
      const seen = await engineInspection(page, f.bytes);
      assert.deepEqual(seen.words, [], `${f.name}: the engine finds nothing but pixels`);
      const dims = [[900, 600], [600, 400], [640, 480]][i];
      assert.deepEqual([seen.width, seen.height], dims);
      const out = await analyse(page, f.bytes, [i === 0 ? boxA : i === 1 ? { x: boxB.x + 17, y: boxB.y + 17, width: boxB.width - 34, height: boxB.height - 34 } : { x: 0, y: 0, width: 640, height: 480 }]);
      if (i < 2) assert.ok(Math.max(...out.stats[0].max) <= 24, `${f.name}: the box is burned: ${JSON.stringify(out.stats[0])}`);
      else {
        const orig = await analyse(page, originals[2], [{ x: 0, y: 0, width: 640, height: 480 }]);
        assert.deepEqual(out.stats, orig.stats, 'the image with no boxes is the same picture');
      }
    }
    // Back to editing, and the single-image review still works as before.
    await button(page, 'Back to editing').click();
    assert.equal(await button(page, 'Export all').isVisible(), true);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('Export all: one Cancel stops it and nothing is kept', { timeout: 180_000 }, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    const { page, problems } = await openApp(context, app.server.url);
    const big = await makeImage(page, { width: 4000, height: 3000, type: 'image/png' });
    await openAll(page, [
      { name: 'a.png', mimeType: 'image/png', buffer: big },
      { name: 'b.png', mimeType: 'image/png', buffer: big },
    ]);
    await dragMouse(page, [0.2, 0.2], [0.5, 0.5]);
    await page.evaluate(() => {
      const root = document.querySelector('occlude-editor').shadowRoot;
      const cancel = [...root.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Cancel');
      new MutationObserver((_, obs) => {
        if (/^Exporting image 2 of 2/.test(root.getElementById('status').textContent)) {
          obs.disconnect();
          cancel.click();
        }
      }).observe(root.getElementById('status'), { childList: true, characterData: true, subtree: true });
    });
    await button(page, 'Export all').click();
    await passChecklist(page);
    await page.waitForFunction(() => /cancelled/.test(document.querySelector('occlude-editor').shadowRoot.getElementById('status').textContent), null, { timeout: 120_000 });
    assert.equal(await status(page), 'Exporting image 2 of 2 was cancelled. Nothing was saved.');
    assert.equal(await page.getByRole('heading', { name: 'What you will send' }).count(), 0, 'no review');
    assert.equal(await page.locator('#busy').isVisible(), false);
    assert.equal(await button(page, 'Export all').isEnabled(), true, 'usable again');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('Share all: offered where files can be shared; shares every file alone, with neutral names', { timeout: 180_000 }, async () => {
  const context = await app.browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  try {
    await context.addInitScript(() => {
      window.__shared = [];
      navigator.canShare = (data) => Array.isArray(data?.files) && data.files.length > 0 && data.files.every((f) => f instanceof File);
      navigator.share = async (data) => {
        window.__shared.push({ keys: Object.keys(data), files: data.files.map((f) => ({ isFile: f instanceof File, name: f.name, type: f.type, size: f.size })) });
      };
    });
    const { page, problems } = await openApp(context, app.server.url);
    const a = await makeImage(page, { width: 800, height: 600, type: 'image/png' });
    const b = await makeImage(page, { width: 800, height: 600, type: 'image/jpeg' });
    await openAll(page, [
      { name: 'Jane Doe 1.png', mimeType: 'image/png', buffer: a },
      { name: 'Jane Doe 2.jpg', mimeType: 'image/jpeg', buffer: b },
    ]);
    await page.locator('#canvas').scrollIntoViewIfNeeded();
    await dragMouse(page, [0.2, 0.2], [0.6, 0.6]);
    await button(page, 'Apply to all').click();
    await button(page, 'Export all').click();
    await passChecklist(page);
    await page.getByRole('heading', { name: 'What you will send' }).waitFor({ timeout: 120_000 });
    await screenshot(page, 'case-export-all-phone');
    await button(page, 'Share all').click();
    await page.waitForFunction(() => window.__shared.length === 1);
    const [shared] = await page.evaluate(() => window.__shared);
    assert.deepEqual(shared.keys, ['files'], 'no text, title or url: only files');
    assert.equal(shared.files.length, 2);
    assert.ok(shared.files.every((f) => f.isFile && /^redacted-\d{8}-\d{6}-[12]\.(png|jpg)$/.test(f.name)), JSON.stringify(shared.files));
    assert.deepEqual(shared.files.map((f) => f.type), ['image/png', 'image/jpeg']);
    assert.equal(await status(page), 'Shared 2 files.');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});
