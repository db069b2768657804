// The example page's script (www/example.html): the <occlude-editor> element and the
// scripted redact() API side by side. Copy what you need into your own page.

import './occlude-editor.js'; // defines <occlude-editor>
import { redact } from './api.js';

const $ = (id) => document.getElementById(id);

// 1. The element: listen for exports. `detail.blob` is the new file; upload it to your own
//    system here if you want to (this example only reports it).
$('editor').addEventListener('occlude-export', (e) => {
  const { blob, name, report } = e.detail;
  $('element-log').textContent = `Exported ${name}: ${blob.size} bytes, ${blob.type}, ${report.boxes.length} box(es) burned.`;
});

// 2. The API: redact without the editor. Boxes are in pixels of the image as seen.
let resultUrl = null;
$('api-file').addEventListener('change', async () => {
  const file = $('api-file').files?.[0];
  if (!file) return;
  const log = $('api-log');
  log.textContent = 'Redacting…';
  try {
    const { width, height } = await imageSize(file);
    const boxes = [{ x: 0, y: 0, width, height: Math.ceil(height / 5) }];
    const { blob, report } = await redact(file, boxes, { fill: '#000000', format: 'png' });
    if (resultUrl) URL.revokeObjectURL(resultUrl);
    resultUrl = URL.createObjectURL(blob);
    $('api-result').src = resultUrl;
    $('api-result').hidden = false;
    const link = $('api-download');
    link.href = resultUrl;
    link.download = report.suggestedName || 'redacted.png';
    link.hidden = false;
    log.textContent = `Redacted: ${report.width} × ${report.height} ${report.outputFormat.toUpperCase()}, ${blob.size} bytes, ${report.boxes.length} box burned.`;
  } catch (err) {
    log.textContent = `Redaction failed: ${err.message}`;
  }
});

/** The size of the image as seen (EXIF orientation applied, as Occlude does). */
async function imageSize(file) {
  const bmp = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const size = { width: bmp.width, height: bmp.height };
  bmp.close();
  return size;
}
