// End-to-end: the built app in headless Chromium. Open an image through the file picker, draw
// a box (mouse, then touch), press Download, and check the downloaded file independently:
// it decodes, the box is black, the rest is not, and no metadata survives.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  analyse,
  ARTIFACTS,
  dragMouse,
  dragTouch,
  exifGroups,
  exifSegment,
  exportImage,
  FORBIDDEN_GROUPS,
  makeImage,
  metadataMarkers,
  openApp,
  region,
  settledStatus,
  spliceAfterSoi,
  useApp,
} from './helpers.mjs';

const NAME_RE = /^redacted-\d{8}-\d{6}\.(png|jpg)$/;
const app = useApp();

async function download(page, file) {
  // Export makes the file and shows "What you will send"; Download saves that file.
  const exportButton = page.getByRole('button', { name: 'Export', exact: true });
  assert.equal(await exportButton.isEnabled(), true, 'Export is enabled once a box exists');
  await exportImage(page);
  const button = page.getByRole('button', { name: 'Download', exact: true });
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 90_000 }), button.click()]);
  const name = dl.suggestedFilename();
  const path = join(ARTIFACTS, file);
  await dl.saveAs(path);
  const { readFileSync } = await import('node:fs');
  return { name, path, bytes: readFileSync(path) };
}

function assertNoMetadata(path, bytes) {
  const { tags, groups } = exifGroups(path);
  const bad = [...groups].filter((g) => FORBIDDEN_GROUPS.test(g));
  assert.deepEqual(bad, [], `metadata groups in the output: ${bad.join(', ')}`);
  assert.ok(!JSON.stringify(tags).includes('JANE'), 'no identifying text anywhere in exiftool output');
  assert.deepEqual(metadataMarkers(bytes), [], 'no Exif/XMP/text markers in the bytes');
}

test('12 MP JPEG with EXIF orientation 6: mouse box lands where drawn, no metadata', { timeout: 240_000 }, async () => {
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  try {
    const { page, problems } = await openApp(context, app.server.url);
    // Stored 4000 × 3000 with a red square at the stored top-left; orientation 6 means a
    // person sees it 3000 × 4000 with the red square at the top-right.
    const stored = await makeImage(page, { width: 4000, height: 3000, type: 'image/jpeg' });
    const input = spliceAfterSoi(stored, exifSegment({ orientation: 6, description: 'JANE DOE MRN 1234567' }));
    writeFileSync(join(ARTIFACTS, 'input-orientation6.jpg'), input);

    const download0 = page.getByRole('button', { name: 'Export', exact: true });
    assert.equal(await download0.count(), 0, 'Export is not offered before an image is open');

    await page.setInputFiles('#file', { name: 'Jane Doe MRN1234567.jpg', mimeType: 'image/jpeg', buffer: input });
    const opened = await settledStatus(page, 'Opening image');
    assert.match(opened, /^Opened 3000 × 4000 JPEG, orientation corrected/, `${opened}\n${problems.join('\n')}`);
    assert.equal(await download0.isDisabled(), true, 'Export is disabled until a box exists');

    // The canvas shows the image as seen: portrait.
    const r = await page.locator('#canvas').boundingBox();
    assert.ok(r.height > r.width, `canvas is portrait (${r.width} × ${r.height})`);

    const box = [0.2, 0.3, 0.6, 0.55]; // fractions of the seen image: x0, y0, x1, y1
    await dragMouse(page, box.slice(0, 2), box.slice(2));
    await page.screenshot({ path: join(ARTIFACTS, 'desktop-box.png') });

    const out = await download(page, 'output-orientation6.jpg');
    assert.match(out.name, NAME_RE);
    assert.ok(!/jane|doe|mrn|1234567/i.test(out.name), `file name carries nothing of the input: ${out.name}`);
    assert.equal(out.name.endsWith('.jpg'), true);
    assert.deepEqual([...out.bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'output is a JPEG');

    const receipt = await settledStatus(page, 'Exporting');
    assert.match(receipt, new RegExp(`^Saved ${out.name.replace('.', '\\.')}: 1 box burned, .* JPEG, orientation corrected`), receipt);

    const W = 3000;
    const H = 4000;
    const a = await analyse(page, out.bytes, [
      region(W, H, box, 24), // inside the box
      region(W, H, [0.05, 0.75, 0.35, 0.95]), // well outside, bottom-left
      region(W, H, [0.88, 0.01, 0.99, 0.08]), // the red square, now top-right
      region(W, H, [0.01, 0.01, 0.12, 0.08]), // top-left: plain grey
    ]);
    assert.equal(a.width, W, 'output is as seen: 3000 wide');
    assert.equal(a.height, H, 'output is as seen: 4000 tall');
    const [inside, outside, red, plain] = a.stats;
    assert.ok(Math.max(...inside.max) <= 40, `box interior is black: ${JSON.stringify(inside)}`);
    assert.ok(Math.min(...outside.mean) > 150, `outside the box is untouched: ${JSON.stringify(outside)}`);
    assert.ok(red.mean[0] > 200 && red.mean[1] < 60 && red.mean[2] < 60, `red marker at top-right: ${JSON.stringify(red)}`);
    assert.ok(Math.min(...plain.mean) > 150, `top-left is plain: ${JSON.stringify(plain)}`);

    assertNoMetadata(out.path, out.bytes);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('touch: a finger drag draws a box on a transparent PNG; output PNG is flattened and burned', { timeout: 120_000 }, async () => {
  const context = await app.browser.newContext({
    viewport: { width: 390, height: 844 },
    hasTouch: true,
    isMobile: true,
    deviceScaleFactor: 2,
    acceptDownloads: true,
  });
  // The case module loads slowly here (a busy phone): the image must still not move once shown.
  await context.route(/\/case\.(js|css)$/, async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    await route.continue();
  });
  try {
    const { page, problems } = await openApp(context, app.server.url);
    const input = await makeImage(page, { width: 1200, height: 900, type: 'image/png', kind: 'alpha' });
    await page.setInputFiles('#file', { name: 'patient-jane-doe.png', mimeType: 'image/png', buffer: input });
    const opened = await settledStatus(page, 'Opening image');
    assert.match(opened, /^Opened 1200 × 900 PNG, transparency shown on white/, `${opened}\n${problems.join('\n')}`);

    // Nothing loaded after the image shows moves it: a finger that starts drawing at once
    // draws where it touched.
    const placed = await page.locator('#canvas').boundingBox();
    await page.waitForTimeout(1500);
    assert.deepEqual(await page.locator('#canvas').boundingBox(), placed, 'the image does not move once shown');

    const box = [0.1, 0.4, 0.45, 0.8];
    await dragTouch(page, box.slice(0, 2), box.slice(2));
    assert.equal(await page.getByRole('button', { name: 'Undo', exact: true }).isEnabled(), true, 'a box was drawn');
    await page.screenshot({ path: join(ARTIFACTS, 'touch-box.png') });

    const out = await download(page, 'output-touch.png');
    assert.match(out.name, NAME_RE);
    assert.ok(out.name.endsWith('.png'), out.name);
    assert.ok(!/jane|doe|patient/i.test(out.name), out.name);

    const a = await analyse(page, out.bytes, [
      region(1200, 900, box, 4),
      region(1200, 900, [0.6, 0.1, 0.95, 0.9]), // was transparent: now white
      region(1200, 900, [0.3, 0.05, 0.45, 0.3]), // opaque grey, outside the box
    ]);
    assert.deepEqual([a.width, a.height], [1200, 900]);
    const [inside, flattened, grey] = a.stats;
    assert.deepEqual(inside.max, [0, 0, 0], `box interior is exactly black in PNG: ${JSON.stringify(inside)}`);
    assert.deepEqual(flattened.mean.map(Math.round), [255, 255, 255], `transparency flattened onto white`);
    assert.ok(Math.min(...grey.mean) > 150, `outside the box is untouched: ${JSON.stringify(grey)}`);

    const receipt = await settledStatus(page, 'Exporting');
    assert.match(receipt, /1 box burned, .* PNG, transparency flattened onto white/, receipt);
    assertNoMetadata(out.path, out.bytes);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});

test('a file that is not an image gives a readable error and no download', { timeout: 60_000 }, async () => {
  const context = await app.browser.newContext();
  try {
    const { page } = await openApp(context, app.server.url);
    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello, not an image\n') });
    const text = await settledStatus(page, 'Opening image');
    assert.match(text, /not a supported image/i, text);
    assert.equal(await page.locator('#status').getAttribute('class'), 'status error');
    assert.equal(await page.getByRole('button', { name: 'Export', exact: true }).count(), 0, 'nothing to export');
    // The engine still works afterwards.
    const input = await makeImage(page, { width: 64, height: 48, type: 'image/png' });
    await page.setInputFiles('#file', { name: 'x.png', mimeType: 'image/png', buffer: input });
    assert.match(await settledStatus(page, 'Opening image'), /^Opened 64 × 48 PNG/);
  } finally {
    await context.close();
  }
});
