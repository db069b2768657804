// Accessibility and look: axe-core on every screen (start, editing, templates, the offer of a
// template, checklist, review, the review of Export all, error),
// at desktop (1280 × 800) and phone (360 × 740, touch) sizes, light and dark. Zero serious or
// critical violations. Screenshots of each screen go to test-artifacts/screens/ (git-ignored).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { axeViolations, dragMouse, makeImage, openApp, screenshot, settledStatus, useApp } from './helpers.mjs';

const app = useApp();

const SIZES = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
};

for (const [size, options] of Object.entries(SIZES)) {
  for (const scheme of ['light', 'dark']) {
    test(`every screen passes axe: ${size}, ${scheme}`, { timeout: 120_000 }, async () => {
      const context = await app.browser.newContext({ ...options, colorScheme: scheme });
      try {
        const { page, problems } = await openApp(context, app.server.url);
        const found = [];
        const check = async (screen) => {
          await screenshot(page, `${screen}-${size}-${scheme}`);
          for (const v of await axeViolations(page)) found.push(`${screen}: ${v}`);
        };
        await page.getByRole('button', { name: 'Open image' }).waitFor();
        await check('start');

        const input = await makeImage(page, { width: 1600, height: 1200, type: 'image/jpeg' });
        await page.setInputFiles('#file', { name: 'a.jpg', mimeType: 'image/jpeg', buffer: input });
        await settledStatus(page, 'Opening image');
        await dragMouse(page, [0.3, 0.45], [0.8, 0.55]);
        await check('editing');

        await page.getByRole('button', { name: 'Templates', exact: true }).click();
        await page.getByRole('textbox', { name: 'Template name' }).fill('Fundus camera');
        await page.getByRole('button', { name: 'Save as template' }).click();
        await page.getByRole('button', { name: 'Apply template Fundus camera' }).waitFor();
        await check('templates');
        await page.getByRole('button', { name: 'Rename template Fundus camera' }).click();
        await check('templates-rename');
        await page.getByRole('button', { name: 'Cancel' }).click();

        await page.setInputFiles('#file', { name: 'b.jpg', mimeType: 'image/jpeg', buffer: input });
        await page.getByRole('group', { name: /^Use template/ }).waitFor();
        await check('offer');
        await page.getByRole('button', { name: 'Not now' }).click();
        await page.getByRole('button', { name: /^Image 1, / }).click();

        await page.getByRole('button', { name: 'Export', exact: true }).click();
        await page.getByRole('dialog', { name: 'Before you share' }).waitFor();
        await check('checklist');

        await page.getByRole('button', { name: 'Continue' }).click();
        await page.getByRole('heading', { name: 'What you will send' }).waitFor();
        await page.waitForFunction(() => document.querySelector('occlude-editor').shadowRoot.getElementById('review-img').complete);
        await check('review');

        await page.getByRole('button', { name: 'Back to editing' }).click();
        await page.getByRole('button', { name: 'Export all' }).click();
        await page.getByRole('heading', { name: 'What you will send' }).waitFor();
        await page.waitForFunction(() => [...document.querySelector('occlude-editor').shadowRoot.querySelectorAll('canvas.batch-thumb')].every((c) => c.width > 1));
        await check('review-all');

        await page.getByRole('button', { name: 'Back to editing' }).click();
        await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') });
        await settledStatus(page, 'Opening image');
        await check('error');

        assert.deepEqual(found, [], `serious or critical axe violations:\n${found.join('\n')}`);
        // axe's own probes set inline styles, which the page's CSP refuses (and reports); that
        // is axe, not the app. Everything else counts.
        const own = problems.filter((p) => !p.includes('Applying inline style violates'));
        assert.deepEqual(own, [], 'no page errors');
      } finally {
        await context.close();
      }
    });
  }
}
