// Memory of a case: twenty open 12 MP photos must not exhaust a phone. The page keeps, per
// open image, its File (a Blob: the browser keeps its bytes, on disk when large), a 96-px
// thumbnail and what the engine said; only the current image has a full preview, decoded again
// when it becomes current (README, "A case of several images"). Measured here in headless
// Chromium with twenty 4000 × 3000 JPEGs made in the page (noise over gradients, about 3 MB
// each, like a phone's photos), opened through the element's openFile:
// - the JS heap (CDP Performance.getMetrics, JSHeapUsedSize, after a forced GC): what scripts hold;
// - the proportional set size (Linux /proc/PID/smaps_rollup, Pss) of the renderer process of
//   the tab (the page, its workers, decoded bitmaps and canvases; what a phone's OS would kill)
//   and of every Chromium process together (the browser process holds the Blobs).
// Each figure before opening (the app loaded) and with twenty open; written to
// test-artifacts/memory.json and printed. The bounds below hold with room to spare; a page that
// kept each image's bytes and preview (the design before) needs about 14 MB more per image
// (a 2048 × 1536 RGBA preview is 12.6 MB) and fails them.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ARTIFACTS, openApp, useApp } from './helpers.mjs';

const app = useApp();
const N = 20;
const MB = 1024 * 1024;

/** Pss in bytes of a Linux process (0 if it is gone). */
function pss(pid) {
  try {
    const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The figures once they have settled: a worker the page ended (the engine is restarted after
 * every job) is freed some seconds later, so readings are taken each second until two agree
 * within 2 MB (at most 30 s).
 */
async function measure(page, cdp, browserCdp) {
  const read = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await cdp.send('Performance.getMetrics');
    const { processInfo } = await browserCdp.send('SystemInfo.getProcessInfo');
    const renderers = processInfo.filter((p) => p.type === 'renderer');
    return {
      jsHeap: metrics.find((m) => m.name === 'JSHeapUsedSize').value,
      renderer: renderers.reduce((s, p) => s + pss(p.id), 0),
      chromium: processInfo.reduce((s, p) => s + pss(p.id), 0),
    };
  };
  let last = await read();
  for (let i = 0; i < 30; i++) {
    await page.waitForTimeout(1000);
    const now = await read();
    const settled = Math.abs(now.renderer - last.renderer) < 2 * MB;
    last = now;
    if (settled && i >= 2) break;
  }
  return last;
}

test(`${N} open 12 MP photos: thumbnails and one preview (memory measured)`, { timeout: 900_000 }, async () => {
  // No service worker: its precache would add the app's files to the measurement.
  const context = await app.browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: 'block' });
  try {
    const { page, problems } = await openApp(context, app.server.url);
    await page.locator('occlude-editor').waitFor();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Performance.enable');
    const browserCdp = await app.browser.newBrowserCDPSession();
    const before = await measure(page, cdp, browserCdp);

    const made = await page.evaluate(async (n) => {
      const editor = document.querySelector('occlude-editor');
      const sizes = [];
      for (let i = 0; i < n; i++) {
        const c = new OffscreenCanvas(4000, 3000);
        const g = c.getContext('2d');
        const grad = g.createLinearGradient(0, 0, 4000, 3000);
        grad.addColorStop(0, `hsl(${i * 17}, 60%, 30%)`);
        grad.addColorStop(1, `hsl(${i * 17 + 90}, 50%, 70%)`);
        g.fillStyle = grad;
        g.fillRect(0, 0, 4000, 3000);
        // Noise, so the JPEG is as large as a phone's photo.
        const tile = g.createImageData(512, 512);
        let seed = i + 1;
        for (let k = 0; k < tile.data.length; k += 4) {
          seed = (seed * 1103515245 + 12345) >>> 0;
          const v = seed >>> 24;
          tile.data[k] = v;
          tile.data[k + 1] = v;
          tile.data[k + 2] = v;
          tile.data[k + 3] = 40;
        }
        const noise = await createImageBitmap(tile);
        for (let y = 0; y < 3000; y += 512) for (let x = 0; x < 4000; x += 512) g.drawImage(noise, x, y);
        noise.close();
        g.fillStyle = '#fff';
        g.font = '120px sans-serif';
        g.fillText(`JANE DOE ${i}`, 300, 300);
        const blob = await c.convertToBlob({ type: 'image/jpeg', quality: 0.92 });
        sizes.push(blob.size);
        await editor.openFile(new File([blob], `IMG_${1000 + i}.jpg`, { type: 'image/jpeg' }));
      }
      return sizes;
    }, N);
    assert.equal(await page.getByRole('button', { name: /^Image \d+, / }).count(), N, `${N} open`);
    assert.match(await page.locator('#status').textContent(), /^Opened 4000 × 3000 JPEG/);
    const open = await measure(page, cdp, browserCdp);

    // Switch to the first image and back: each switch decodes that preview again.
    await page.getByRole('button', { name: /^Image 1, / }).click();
    await page.waitForTimeout(1000);
    await page.getByRole('button', { name: /^Image 20, / }).click();
    const switched = await measure(page, cdp, browserCdp);

    const row = (m) => ({ jsHeapMB: +(m.jsHeap / MB).toFixed(1), rendererMB: +(m.renderer / MB).toFixed(1), chromiumMB: +(m.chromium / MB).toFixed(1) });
    const result = {
      images: N,
      jpegMB: +(made.reduce((s, x) => s + x, 0) / MB).toFixed(1),
      loaded: row(before),
      open: row(open),
      afterSwitching: row(switched),
      perImageMB: {
        jsHeap: +((open.jsHeap - before.jsHeap) / N / MB).toFixed(2),
        renderer: +((open.renderer - before.renderer) / N / MB).toFixed(2),
      },
    };
    writeFileSync(join(ARTIFACTS, 'memory.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log(`memory with ${N} open 12 MP photos: ${JSON.stringify(result)}`);

    assert.ok(open.renderer - before.renderer < 120 * MB, `the tab grows by less than 120 MB for ${N} photos: ${JSON.stringify(result)}`);
    assert.ok(switched.renderer - before.renderer < 120 * MB, `and stays so after switching: ${JSON.stringify(result)}`);
    assert.deepEqual(problems, [], 'no page errors');
  } finally {
    await context.close();
  }
});
