// Page entry: wires the file picker, the editor and the buttons to the worker, and reports
// progress in the status line. The input's bytes stay here so a fresh worker can redo a job.

import { Editor } from './editor.js';
import { WorkerClient, isFatal } from './worker-client.js';

const PREVIEW_MAX_SIDE = 2048;
const MAX_INPUT_BYTES = 512 * 1024 * 1024;
const BACKGROUND = '#ffffff';

const $ = (id) => document.getElementById(id);
const ui = {
  file: $('file'),
  undo: $('undo'),
  clear: $('clear'),
  download: $('download'),
  status: $('status'),
  stage: $('stage'),
  canvas: $('canvas'),
};

const engine = new WorkerClient();
const editor = new Editor(ui.canvas, updateButtons);
let input = null; // ArrayBuffer of the open image
let busy = false;

engine.warm();

function status(text, { error = false } = {}) {
  ui.status.textContent = text;
  ui.status.classList.toggle('error', error);
}

function updateButtons() {
  const boxes = editor.boxes.length;
  ui.undo.disabled = busy || boxes === 0;
  ui.clear.disabled = busy || boxes === 0;
  ui.download.disabled = busy || !input || !editor.hasImage() || boxes === 0;
}

function setBusy(b) {
  busy = b;
  ui.file.disabled = b;
  document.body.toggleAttribute('aria-busy', b);
  updateButtons();
}

function failure(err, doing) {
  if (isFatal(err)) engine.restart('the image engine stopped');
  if (err?.name === 'AbortError') return `${doing} was cancelled.`;
  const msg = String(err?.message || err || 'unknown error');
  if (isFatal(err)) return `${doing} failed inside the image engine (${msg}). It has been restarted; please try again.`;
  return `${doing} failed: ${msg.charAt(0).toUpperCase()}${msg.slice(1)}.`.replace(/\.\.$/, '.');
}

async function openFile(file) {
  if (file.size > MAX_INPUT_BYTES) {
    status(`This file is ${formatBytes(file.size)}; Occlude opens files up to ${formatBytes(MAX_INPUT_BYTES)}.`, { error: true });
    return;
  }
  // A new file cancels whatever the engine was doing.
  engine.restart('a new image was opened');
  setBusy(true);
  status('Opening image…');
  try {
    const bytes = await file.arrayBuffer();
    const copy = bytes.slice(0);
    const p = await engine.request('open', { bytes: copy, maxSide: PREVIEW_MAX_SIDE, background: BACKGROUND }, [copy]);
    input = bytes;
    ui.stage.hidden = false;
    await editor.setImage(p);
    status(describeOpen(p));
  } catch (err) {
    input = null;
    ui.stage.hidden = true;
    status(failure(err, 'Opening the image'), { error: true });
  } finally {
    setBusy(false);
  }
}

async function exportFile() {
  if (!input || editor.boxes.length === 0) return;
  setBusy(true);
  status('Exporting…');
  try {
    const copy = input.slice(0);
    const out = await engine.request('export', { bytes: copy, boxes: editor.rects(), options: null }, [copy]);
    const name = `redacted-${timestamp(new Date())}.${out.extension}`;
    save(new Blob([out.bytes], { type: out.mime }), name);
    status(receipt(name, out.report));
  } catch (err) {
    status(failure(err, 'Exporting'), { error: true });
  } finally {
    // wasm memory never shrinks: every export gets a fresh engine.
    engine.restart('export finished');
    setBusy(false);
  }
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function describeOpen(p) {
  const parts = [`${p.width} × ${p.height} ${p.format.toUpperCase()}`];
  if (p.orientation !== 1) parts.push('orientation corrected');
  if (p.hadAlpha) parts.push('transparency shown on white');
  if (p.frames > 1) parts.push(`first of ${p.frames} frames`);
  return `Opened ${parts.join(', ')}. Drag over what identifies the patient.`;
}

function receipt(name, r) {
  const n = r.boxes.length;
  const parts = [`${n} ${n === 1 ? 'box' : 'boxes'} burned`, `${formatBytes(r.outputBytes)} ${r.outputFormat.toUpperCase()}`];
  if (r.orientation !== 1) parts.push('orientation corrected');
  if (r.alphaFlattened) parts.push('transparency flattened onto white');
  if (r.framesDropped > 0) parts.push(`${r.framesDropped} animation ${r.framesDropped === 1 ? 'frame' : 'frames'} dropped`);
  parts.push('no metadata kept');
  return `Saved ${name}: ${parts.join(', ')}.`;
}

function formatBytes(n) {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

function timestamp(d) {
  const p = (v) => String(v).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

ui.file.addEventListener('change', () => {
  const file = ui.file.files?.[0];
  ui.file.value = ''; // choosing the same file again still fires `change`
  if (file) openFile(file);
});
ui.undo.addEventListener('click', () => editor.undo());
ui.clear.addEventListener('click', () => editor.clear());
ui.download.addEventListener('click', () => exportFile());
document.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === 'z' && !ui.undo.disabled) {
    e.preventDefault();
    editor.undo();
  }
});
