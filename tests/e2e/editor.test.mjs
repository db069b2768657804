// End-to-end: the editor's hands-on paths in headless Chromium — draw, select, move, resize,
// delete, undo/redo (buttons and keys), clear; zoom then draw to one image pixel; touch with
// pinch and two-finger pan; and a redaction done with the keyboard alone. Exports are checked
// from the downloaded bytes, decoded by the browser (not by Occlude).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  analyse,
  canvasPoint,
  downloadExport,
  dragMouse,
  dragTouch,
  editorBoxes,
  exifGroups,
  exportImage,
  FORBIDDEN_GROUPS,
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

async function openImage(page, { width, height, type = 'image/png', name = 'Patient Jane Doe.png' }) {
  const buffer = await makeImage(page, { width, height, type });
  await page.setInputFiles('#file', { name, mimeType: type, buffer });
  const text = await settledStatus(page, 'Opening image');
  assert.match(text, new RegExp(`^Opened ${width} × ${height}`), text);
  return buffer;
}

function near(actual, expected, tol, what) {
  for (const k of Object.keys(expected)) {
    assert.ok(Math.abs(actual[k] - expected[k]) <= tol, `${what}: ${k} is ${actual[k]}, expected ${expected[k]} ± ${tol} (${JSON.stringify(actual)})`);
  }
}

function assertNoMetadata(path, bytes) {
  const { tags, groups } = exifGroups(path);
  const bad = [...groups].filter((g) => FORBIDDEN_GROUPS.test(g));
  assert.deepEqual(bad, [], `metadata groups in the output: ${bad.join(', ')}`);
  assert.ok(!JSON.stringify(tags).includes('JANE'), 'no identifying text anywhere in exiftool output');
  assert.deepEqual(metadataMarkers(bytes), [], 'no Exif/XMP/text markers in the bytes');
}

async function mouseDrag(page, a, b) {
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 8 });
  await page.mouse.up();
}

test('mouse: draw, select, move, resize, delete, undo/redo (buttons and keys), clear', { timeout: 120_000 }, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  try {
    const { page, problems } = await openApp(context, app.server.url);
    await openImage(page, { width: 1000, height: 800 });
    const W = 1000;
    const H = 800;

    // Draw: 0.1..0.3 × 0.1..0.3 of the image.
    await dragMouse(page, [0.1, 0.1], [0.3, 0.3]);
    let boxes = await editorBoxes(page);
    assert.equal(boxes.length, 1);
    near(boxes[0], { x: 100, y: 80, width: 200, height: 160 }, 3, 'drawn box');
    assert.ok(Object.values(boxes[0]).every(Number.isInteger), 'box is in whole image pixels');

    // Move: drag the box's middle by +0.3 of the width, +0.2 of the height.
    await mouseDrag(page, await canvasPoint(page, [0.2, 0.2]), await canvasPoint(page, [0.5, 0.4]));
    boxes = await editorBoxes(page);
    assert.equal(boxes.length, 1, 'moving does not add a box');
    near(boxes[0], { x: 400, y: 240, width: 200, height: 160 }, 3, 'moved box');

    // Resize: drag the bottom-right handle out by 0.1 × 0.1.
    const se = await canvasPoint(page, [(boxes[0].x + boxes[0].width) / W, (boxes[0].y + boxes[0].height) / H]);
    const se2 = await canvasPoint(page, [(boxes[0].x + boxes[0].width) / W + 0.1, (boxes[0].y + boxes[0].height) / H + 0.1]);
    await mouseDrag(page, se, se2);
    boxes = await editorBoxes(page);
    near(boxes[0], { x: 400, y: 240, width: 300, height: 240 }, 3, 'resized box');
    await screenshot(page, 'editor-desktop-resized');

    // Undo the resize and the move (button, then Ctrl+Z), redo one (Shift+Ctrl+Z).
    await button(page, 'Undo').click();
    near((await editorBoxes(page))[0], { x: 400, y: 240, width: 200, height: 160 }, 3, 'undo resize');
    await page.keyboard.press('Control+z');
    near((await editorBoxes(page))[0], { x: 100, y: 80, width: 200, height: 160 }, 3, 'undo move');
    await page.keyboard.press('Control+Shift+z');
    near((await editorBoxes(page))[0], { x: 400, y: 240, width: 200, height: 160 }, 3, 'redo move');
    await button(page, 'Redo').click();
    near((await editorBoxes(page))[0], { x: 400, y: 240, width: 300, height: 240 }, 3, 'redo resize');
    assert.equal(await button(page, 'Redo').isDisabled(), true, 'nothing more to redo');

    // A second box; select the first by clicking it; delete it.
    await dragMouse(page, [0.05, 0.75], [0.25, 0.95]);
    assert.equal((await editorBoxes(page)).length, 2);
    await page.mouse.click(...Object.values(await canvasPoint(page, [0.55, 0.4])));
    await button(page, 'Delete box').click();
    boxes = await editorBoxes(page);
    assert.equal(boxes.length, 1, 'one box deleted');
    near(boxes[0], { x: 50, y: 600, width: 200, height: 160 }, 3, 'the other box stays');
    await page.keyboard.press('Control+z');
    assert.equal((await editorBoxes(page)).length, 2, 'undo brings the deleted box back');

    // Clear all, then undo it.
    await button(page, 'Clear all boxes').click();
    assert.equal((await editorBoxes(page)).length, 0);
    assert.equal(await button(page, 'Export').isDisabled(), true, 'nothing to export without boxes');
    await page.keyboard.press('Meta+z');
    assert.equal((await editorBoxes(page)).length, 2, 'Cmd+Z undoes too');

    // What is drawn is opaque fill: the canvas pixel at a box centre is the fill colour.
    const px = await page.evaluate(() => {
      const c = document.querySelector('occlude-editor').shadowRoot.getElementById('canvas');
      const g = c.getContext('2d');
      const d = g.getImageData(Math.round(c.width * 0.55), Math.round(c.height * 0.4), 1, 1).data;
      return [d[0], d[1], d[2]];
    });
    assert.deepEqual(px, [0, 0, 0], 'the box is drawn opaque black');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('zoom (Ctrl + wheel, wheel pan, buttons), then draw: the box lands on the exact image pixels', { timeout: 120_000 }, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  try {
    const { page, problems } = await openApp(context, app.server.url);
    const input = await openImage(page, { width: 2400, height: 1800 });
    const canvas = page.locator('#canvas');
    const r0 = await canvas.boundingBox();
    const fit = r0.width / 2400;
    const zoomLevel = async () => Number((await page.locator('#zoom-level').textContent()).replace('%', ''));
    const pixels = () => page.evaluate(() => document.querySelector('occlude-editor').shadowRoot.getElementById('canvas').toDataURL());

    // Wheel and trackpad: Ctrl + wheel (a trackpad pinch) zooms; a plain wheel then pans.
    await page.mouse.move(r0.x + r0.width / 2, r0.y + r0.height / 2);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -400);
    await page.keyboard.up('Control');
    await page.waitForFunction(() => document.querySelector('occlude-editor').shadowRoot.getElementById('zoom-level').textContent !== '100%');
    const wheelZoom = await zoomLevel();
    assert.ok(wheelZoom > 150, `Ctrl + wheel zoomed in (${wheelZoom}%)`);
    const before = await pixels();
    await page.mouse.wheel(0, 200);
    await page.waitForFunction((b) => document.querySelector('occlude-editor').shadowRoot.getElementById('canvas').toDataURL() !== b, before);
    assert.equal(await zoomLevel(), wheelZoom, 'a plain wheel pans without zooming');
    await button(page, 'Fit to screen').click();
    assert.equal(await zoomLevel(), 100);
    assert.deepEqual(await editorBoxes(page), [], 'zooming and panning draw nothing');
    for (let i = 0; i < 10; i++) await button(page, 'Zoom in').click();
    const zoom = Number((await page.locator('#zoom-level').textContent()).replace('%', '')) / 100;
    const scale = fit * zoom; // CSS px per image pixel
    assert.ok(scale >= 8, `zoomed to at least 8 screen px per image pixel (${scale})`);
    // Zooming keeps the centre: the image point (1200, 900) is at the canvas centre.
    const cx = r0.x + r0.width / 2;
    const cy = r0.y + r0.height / 2;
    // Draw from 3.5 image px left/up of the centre to 4.5 px right/down: rounds out to 1196..1205.
    await mouseDrag(page, { x: cx - 3.5 * scale, y: cy - 3.5 * scale }, { x: cx + 4.5 * scale, y: cy + 4.5 * scale });
    const [b] = await editorBoxes(page);
    near(b, { x: 1196, y: 896, width: 9, height: 9 }, 1, 'box drawn at high zoom');
    await screenshot(page, 'editor-desktop-zoomed');

    // Fit again, export as PNG, and check the exact pixels.
    await button(page, 'Fit to screen').click();
    assert.equal(await page.locator('#zoom-level').textContent(), '100%');
    await exportImage(page);
    const out = await downloadExport(page, 'output-zoom.png');
    const regions = [
      b,
      { x: b.x - 1, y: b.y, width: 1, height: b.height },
      { x: b.x + b.width, y: b.y, width: 1, height: b.height },
      { x: b.x, y: b.y - 1, width: b.width, height: 1 },
      { x: b.x, y: b.y + b.height, width: b.width, height: 1 },
    ];
    const a = await analyse(page, out.bytes, regions);
    const original = await analyse(page, input, regions);
    assert.deepEqual(a.stats[0].max, [0, 0, 0], 'every pixel of the box is black');
    for (let i = 1; i < regions.length; i++) {
      assert.deepEqual(a.stats[i], original.stats[i], `the pixels just outside the box are the original's (edge ${i})`);
    }
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

/** Two fingers through CDP: from `a` points to `b` points (CSS px), in steps. */
async function twoFingers(page, a, b, steps = 10) {
  const cdp = await page.context().newCDPSession(page);
  const pts = (t) => a.map((p, i) => ({ x: p.x + (b[i].x - p.x) * t, y: p.y + (b[i].y - p.y) * t, id: i }));
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: pts(0) });
  for (let i = 1; i <= steps; i++) await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: pts(i / steps) });
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

async function oneFinger(page, a, b) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: [a] });
  for (let i = 1; i <= 10; i++) {
    await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: [{ x: a.x + ((b.x - a.x) * i) / 10, y: a.y + ((b.y - a.y) * i) / 10 }] });
  }
  await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
  await cdp.detach();
}

test('phone with touch: draw, move, resize by a handle, pinch to zoom, two-finger pan, draw zoomed', { timeout: 120_000 }, async () => {
  const context = await app.browser.newContext({
    viewport: { width: 360, height: 740 },
    hasTouch: true,
    isMobile: true,
    deviceScaleFactor: 2,
    acceptDownloads: true,
  });
  try {
    const { page, problems } = await openApp(context, app.server.url);
    await openImage(page, { width: 1200, height: 900, type: 'image/jpeg', name: 'IMG_0001.jpg' });
    await page.locator('#canvas').scrollIntoViewIfNeeded();

    await dragTouch(page, [0.05, 0.05], [0.25, 0.25]);
    let [b] = await editorBoxes(page);
    near(b, { x: 60, y: 45, width: 240, height: 180 }, 5, 'finger-drawn box');

    // Move it with a finger.
    await oneFinger(page, await canvasPoint(page, [0.15, 0.15]), await canvasPoint(page, [0.25, 0.2]));
    [b] = await editorBoxes(page);
    near(b, { x: 180, y: 90, width: 240, height: 180 }, 5, 'finger-moved box');

    // Resize from the bottom-right handle: a finger lands up to 22 px away and still gets it.
    const corner = await canvasPoint(page, [(b.x + b.width) / 1200, (b.y + b.height) / 900]);
    await oneFinger(page, { x: corner.x + 10, y: corner.y + 10 }, { x: corner.x + 40, y: corner.y + 40 });
    const [c] = await editorBoxes(page);
    assert.equal(c.x, b.x, 'resizing keeps the top-left');
    assert.ok(c.width > b.width + 50 && c.height > b.height + 50, `the handle grew the box: ${JSON.stringify(c)}`);
    assert.equal((await editorBoxes(page)).length, 1, 'no stray box from the handle drag');

    // Pinch out around the canvas centre: zoom goes up, and no box is drawn by two fingers.
    const r = await page.locator('#canvas').boundingBox();
    const mid = { x: r.x + r.width / 2, y: r.y + r.height / 2 };
    await twoFingers(page, [{ x: mid.x - 20, y: mid.y }, { x: mid.x + 20, y: mid.y }], [{ x: mid.x - 80, y: mid.y }, { x: mid.x + 80, y: mid.y }]);
    const zoom = Number((await page.locator('#zoom-level').textContent()).replace('%', ''));
    assert.ok(zoom >= 300, `pinch zoomed in (${zoom}%)`);
    assert.equal((await editorBoxes(page)).length, 1, 'pinching draws nothing');

    // Two-finger pan right by 60 px: what was at the centre moves right.
    const before0 = await page.evaluate(() => document.querySelector('occlude-editor').shadowRoot.getElementById('canvas').toDataURL());
    await twoFingers(page, [{ x: mid.x - 40, y: mid.y }, { x: mid.x + 40, y: mid.y }], [{ x: mid.x + 20, y: mid.y }, { x: mid.x + 100, y: mid.y }]);
    const after0 = await page.evaluate(() => document.querySelector('occlude-editor').shadowRoot.getElementById('canvas').toDataURL());
    assert.notEqual(after0, before0, 'two-finger pan moved the view');
    assert.equal(Number((await page.locator('#zoom-level').textContent()).replace('%', '')), zoom, 'panning keeps the zoom');

    // Draw while zoomed (right of and below the centre, clear of the first box): a 40-px
    // finger drag is a small box in image pixels.
    await oneFinger(page, { x: mid.x + 20, y: mid.y + 20 }, { x: mid.x + 60, y: mid.y + 60 });
    const boxes = await editorBoxes(page);
    assert.equal(boxes.length, 2);
    const scale = (r.width / 1200) * (zoom / 100);
    near({ w: boxes[1].width, h: boxes[1].height }, { w: 40 / scale, h: 40 / scale }, 2, 'zoomed box size in image px');
    await screenshot(page, 'editor-phone-zoomed');
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('keyboard only: Tab to the image, add, move, resize, delete, export and download', { timeout: 120_000 }, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  try {
    const { page, problems } = await openApp(context, app.server.url);
    // Opening is the one step that needs the file chooser; everything after is keys.
    await openImage(page, { width: 800, height: 600 });
    const focused = () => page.evaluate(() => {
      const el = document.querySelector('occlude-editor').shadowRoot.activeElement;
      return el ? el.id || el.textContent : null;
    });
    await page.keyboard.press('Tab');
    for (let i = 0; i < 20 && (await focused()) !== 'canvas'; i++) await page.keyboard.press('Tab');
    assert.equal(await focused(), 'canvas', 'Tab reaches the image');
    const ring = await page.evaluate(() => {
      const c = document.querySelector('occlude-editor').shadowRoot.getElementById('canvas');
      return getComputedStyle(c).outlineStyle;
    });
    assert.equal(ring, 'solid', 'the focused image shows a focus ring');

    await page.keyboard.press('n'); // a box a fifth of the view, centred: 160 × 120 at 320, 240
    let [b] = await editorBoxes(page);
    assert.deepEqual(b, { x: 320, y: 240, width: 160, height: 120 });
    await page.keyboard.press('Control+ArrowLeft'); // one image pixel
    await page.keyboard.press('ArrowUp'); // one step
    [b] = await editorBoxes(page);
    assert.equal(b.x, 319, 'Ctrl+arrow moves one pixel');
    assert.ok(b.y < 240, 'arrow moves the box');
    await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('Shift+Control+ArrowDown');
    const [c] = await editorBoxes(page);
    assert.ok(c.width > 160, 'Shift+arrow widens');
    assert.equal(c.height, 121, 'Shift+Ctrl+arrow grows one pixel');
    await page.keyboard.press('n');
    assert.equal((await editorBoxes(page)).length, 2);
    await page.keyboard.press('Delete');
    assert.deepEqual(await editorBoxes(page), [c], 'Delete removes the selected box');

    // To Export by Tab (backwards: it sits before the tools), press Enter; the checklist takes keys.
    for (let i = 0; i < 20 && (await focused()) !== 'export'; i++) await page.keyboard.press('Shift+Tab');
    assert.equal(await focused(), 'export');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Before you share' });
    await dialog.waitFor({ state: 'visible' });
    assert.equal(await focused(), 'checklist-ok', 'the checklist focuses Continue');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'What you will send' }).waitFor();
    assert.equal(await focused(), 'review-title', 'focus moves to the review');
    for (let i = 0; i < 10 && (await focused()) !== 'download'; i++) await page.keyboard.press('Tab');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
    const { readFileSync } = await import('node:fs');
    const path = `${await dl.path()}`;
    const bytes = readFileSync(path);
    const a = await analyse(page, bytes, [c, { x: 0, y: 0, width: 800, height: 100 }]);
    assert.deepEqual(a.stats[0].max, [0, 0, 0], 'the keyboard box is burned');
    assert.ok(Math.min(...a.stats[1].mean) > 60, 'the rest is not');
    assertNoMetadata(path, bytes);

    // Back to editing with the keyboard, and the boxes are still there.
    for (let i = 0; i < 10 && (await focused()) !== 'back'; i++) await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.deepEqual(await editorBoxes(page), [c]);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});
