// <occlude-editor>: the whole redaction app as one custom element. Import this module once and
// put <occlude-editor> in a page. Everything it needs (stylesheet, worker, wasm) is found
// relative to this file, so it works from any path; it has no inline styles (CSP
// `style-src 'self'` is enough).
//
// Attributes: fill (#RRGGBB, default #000000), format (auto | png | jpeg, default auto),
// quality (JPEG, 50–100, default 90).
// Methods: async openFile(file) — opens a File or Blob as one more image;
// async findText({signal, read}) — Find text on the current image: adds its suggested boxes (one
// undo step) and resolves with the lines found (js/find-text.js; no question about the download;
// `read`: read the lines too, by default as the page's "Read the text" setting says).
// Event: `occlude-export` (bubbles, composed) with detail {blob, name, report} after each export
// (Export all: one per file; a file with no boxes only once the user chose to send it as is).
//
// The case features (Apply to all, templates, Export all: js/case.js) are a module of their
// own, imported when the first image opens, so the first load stays small; so are the Find text
// features (js/find-text.js).

import { Editor } from './editor.js';
import { EditorState } from './state.js';
import { WorkerClient, isFatal } from './worker-client.js';
import {
  describeCarried,
  describeOpen,
  formatBytes,
  formatExplanation,
  removedSentence,
  savedLine,
  timestamp,
  verificationReceipt,
} from './words.js';

const STYLESHEET = new URL('../css/editor.css', import.meta.url).href;
/** A practice's own templates, published beside the app (README, "Templates"); read if present. */
const PRACTICE_URL = new URL('../templates.json', import.meta.url);
const PREVIEW_MAX_SIDE = 2048; // ≤ 4096 and far under iOS Safari's 16.7 M-pixel canvas limit
const MAX_INPUT_BYTES = 512 * 1024 * 1024;
const BACKGROUND = '#ffffff';
const CHECKLIST_KEY = 'occlude.checklist.dismissed';
const THUMB_SIDE = 96;

const TEMPLATE = `
<link rel="stylesheet" href="${STYLESHEET}">
<div class="app" id="app">
  <div class="files">
    <input id="file" class="visually-hidden" type="file" accept="image/*" multiple tabindex="-1" aria-hidden="true">
    <button id="open" type="button" class="primary">Open image</button>
    <ul id="strip" class="strip" aria-label="Open images" hidden></ul>
    <button id="export" type="button" class="primary export" hidden>Export</button>
  </div>

  <p id="status" class="status" role="status" aria-live="polite"></p>
  <div id="busy" class="busy" hidden>
    <progress id="progress" aria-label="Working"></progress>
    <button id="cancel" type="button">Cancel</button>
  </div>

  <div id="start" class="start">
    <p class="start-title">Open a photo, scan or screenshot.</p>
    <p>You can also drop it here, or paste it with Ctrl+V (⌘V on a Mac). Several at once is fine.</p>
    <p class="muted">The image stays on this device.</p>
  </div>

  <div id="work" class="work" hidden>
    <div class="toolbars">
      <div class="toolbar" role="toolbar" aria-label="Box tools">
        <button id="undo" type="button" aria-keyshortcuts="Control+Z Meta+Z">Undo</button>
        <button id="redo" type="button" aria-keyshortcuts="Control+Shift+Z Meta+Shift+Z">Redo</button>
        <button id="add" type="button" aria-keyshortcuts="N">Add box</button>
        <button id="delete" type="button" aria-label="Delete box" aria-keyshortcuts="Delete">Delete</button>
        <button id="clear" type="button" aria-label="Clear all boxes">Clear</button>
      </div>
      <div class="toolbar" role="toolbar" aria-label="Zoom">
        <button id="zoom-out" type="button" class="icon" aria-label="Zoom out" aria-keyshortcuts="-">−</button>
        <span id="zoom-level" class="zoom-level">100%</span>
        <button id="zoom-in" type="button" class="icon" aria-label="Zoom in" aria-keyshortcuts="+">+</button>
        <button id="fit" type="button" aria-label="Fit to screen" aria-keyshortcuts="0">Fit</button>
      </div>
    </div>
    <div id="stage" class="stage">
      <canvas id="canvas" tabindex="0" role="application" aria-roledescription="image editor"
        aria-label="Image being redacted" aria-describedby="keys"></canvas>
    </div>
    <p class="hint">Drag to draw a box. Drag a box to move it, or its handles to resize it. Pinch or Ctrl + wheel to zoom.</p>
    <details class="keys">
      <summary>Keyboard</summary>
      <p id="keys">On the image: N adds a box. [ and ] pick a box. Arrows move it; Shift + arrows resize it; hold Ctrl or ⌘ for single pixels. Delete removes it. + and − zoom, 0 fits. With no box picked, arrows move the view.</p>
    </details>
    <p id="announce" class="visually-hidden" aria-live="polite"></p>

    <div class="options">
      <label class="field"><span>Fill colour</span> <input id="fill" type="color" value="#000000"></label>
      <label class="field"><span>Format</span>
        <select id="format">
          <option value="auto">Automatic</option>
          <option value="jpeg">JPEG</option>
          <option value="png">PNG</option>
        </select>
      </label>
      <label id="quality-field" class="field"><span>JPEG quality</span>
        <input id="quality" type="range" min="50" max="100" step="1" value="90">
        <output id="quality-value" for="quality">90</output>
      </label>
    </div>
    <p id="format-help" class="hint"></p>
    <p id="carried" class="carried"></p>
    <div class="actions">
      <button id="close" type="button">Close image</button>
    </div>
  </div>

  <section id="review" class="review" hidden aria-labelledby="review-title">
    <h2 id="review-title" tabindex="-1">What you will send</h2>
    <div class="review-body">
      <div class="review-figure">
        <img id="review-img" alt="The redacted image, as it will be sent">
      </div>
      <div class="review-details">
        <p id="review-file" class="review-file"></p>
        <div class="actions">
          <button id="download" type="button" class="primary">Download</button>
          <button id="share" type="button" hidden>Share</button>
          <button id="back" type="button">Back to editing</button>
        </div>
        <ul id="receipt" class="receipt"></ul>
        <p id="removed" class="removed"></p>
      </div>
    </div>
  </section>

  <dialog id="checklist" aria-labelledby="checklist-title" aria-describedby="checklist-intro">
    <h2 id="checklist-title">Before you share</h2>
    <p id="checklist-intro">A quick check, from professional guidance:</p>
    <ul class="checklist">
      <li>Has the patient agreed, and is their consent recorded?</li>
      <li>Does your practice agree to this sharing?</li>
      <li>Are the name, date of birth, ID numbers, dates and practice name covered?</li>
      <li>Could a rare condition identify the patient by itself?</li>
    </ul>
    <label class="check"><input id="checklist-forget" type="checkbox"> Don't show this again on this device</label>
    <div class="actions">
      <button id="checklist-ok" type="button" class="primary">Continue</button>
      <button id="checklist-back" type="button">Go back</button>
    </div>
  </dialog>
</div>`;

function storageGet(key) {
  try {
    return globalThis.localStorage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function storageSet(key, value) {
  try {
    globalThis.localStorage?.setItem(key, value);
  } catch {
    // private mode: remembered for this page only
  }
}

function isTextEntry(el) {
  if (!el) return false;
  if (el.isContentEditable || el.tagName === 'TEXTAREA') return true;
  return el.tagName === 'INPUT' && !['range', 'color', 'checkbox', 'radio', 'button', 'file'].includes(el.type);
}

export class OccludeEditor extends HTMLElement {
  static observedAttributes = ['fill', 'format', 'quality'];

  #ui = {};
  /** Everything the editor shows; this element renders it and sends it intents. */
  #state = new EditorState();
  #engine = new WorkerClient();
  #editor = null;
  #queue = Promise.resolve();
  /** Aborted by Cancel: the request running in the worker and every job still queued. */
  #jobs = new AbortController();
  #pendingOpens = 0;
  #openBatch = { total: 0, done: 0 };
  /** What was rendered last, so only what changed is redrawn. */
  #shown = { screen: null, image: null, strip: '', review: null, reviewUrl: null };
  #lastWidth = 0;
  #resizeObserver = null;
  #listeners = [];
  /** The case features, imported with the first image (a promise of their controller). */
  #case = null;
  #caseImport = null;
  /** The Find text features, imported with the first image (a promise of their controller). */
  #text = null;
  /** The practice's templates.json as bytes, or null (read once, at start). */
  #practice = null;
  /** Images whose preview is being decoded. */
  #previewing = new Set();

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open', delegatesFocus: false });
    root.innerHTML = TEMPLATE;
    const ui = this.#ui;
    for (const el of root.querySelectorAll('[id]')) ui[el.id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = el;
    this.#editor = new Editor(ui.canvas, this.#state);
    this.#state.subscribe((what) => this.#render(what));
  }

  // ---- public interface ------------------------------------------------------------------

  get fill() {
    const v = this.getAttribute('fill');
    return /^#[0-9a-fA-F]{6}$/.test(v ?? '') ? v.toLowerCase() : '#000000';
  }

  get format() {
    const v = this.getAttribute('format');
    return ['png', 'jpeg'].includes(v) ? v : 'auto';
  }

  /** JPEG quality from the `quality` attribute, kept within the slider's 50–100 (default 90). */
  get quality() {
    const v = Number.parseInt(this.getAttribute('quality') ?? '', 10);
    return Number.isInteger(v) ? Math.min(100, Math.max(50, v)) : 90;
  }

  /** The current image's boxes in full-resolution pixels of the image as seen (a copy). */
  get boxes() {
    return this.#state.rects();
  }

  /** Opens a File or Blob as one more image; resolves once it is shown (or has failed). */
  async openFile(file) {
    return this.#openFiles([file]);
  }

  /**
   * Find text on the current image, as the Find text button does but without asking about the
   * download: adds a suggested box for each line found (one undo step) and resolves with the
   * lines [{x, y, width, height, quad, confidence}]. Rejects when no image is open, when the
   * signal (or Cancel) stops it (AbortError), or with the finder's error and its `code`.
   * `read`: read and classify the lines too (api.js findText's option); by default the setting.
   * @param {{signal?: AbortSignal, read?: boolean}} [options]
   */
  async findText({ signal, read } = {}) {
    if (!this.#state.current) throw new Error('findText(): open an image first');
    const text = await this.#findText();
    if (!text) throw Object.assign(new Error('Find text could not be loaded'), { code: 'text-unavailable' });
    return text.find(this.#state.current, { signal, read, ask: false, throws: true });
  }

  // ---- lifecycle -------------------------------------------------------------------------

  connectedCallback() {
    const ui = this.#ui;
    const state = this.#state;
    this.#applyAttributes();
    this.#engine.warm();
    this.#practice ??= readPractice();
    if (this.#listeners.length) return;
    const on = (target, type, fn, opts) => {
      target.addEventListener(type, fn, opts);
      this.#listeners.push(() => target.removeEventListener(type, fn, opts));
    };
    on(ui.open, 'click', () => ui.file.click());
    on(ui.file, 'change', () => {
      const files = [...(ui.file.files ?? [])];
      ui.file.value = ''; // choosing the same file again still fires `change`
      if (files.length) this.#openFiles(files);
    });
    on(ui.undo, 'click', () => state.undo());
    on(ui.redo, 'click', () => state.redo());
    on(ui.add, 'click', () => {
      this.#editor.addBox();
      ui.canvas.focus();
    });
    on(ui.delete, 'click', () => state.deleteBox());
    on(ui.clear, 'click', () => state.clearBoxes());
    on(ui.zoomIn, 'click', () => this.#editor.zoomIn());
    on(ui.zoomOut, 'click', () => this.#editor.zoomOut());
    on(ui.fit, 'click', () => this.#editor.fit());
    on(ui.fill, 'input', () => state.setSettings({ fill: ui.fill.value }));
    on(ui.format, 'change', () => state.setSettings({ format: ui.format.value }));
    on(ui.quality, 'input', () => state.setSettings({ quality: Number(ui.quality.value) }));
    on(ui.export, 'click', () => this.#export());
    on(ui.close, 'click', () => this.#closeCurrent());
    on(ui.cancel, 'click', () => this.#cancel());
    on(ui.download, 'click', () => this.#download());
    on(ui.share, 'click', () => this.#share());
    on(ui.back, 'click', () => {
      state.backToEditing();
      (state.current ? ui.export : ui.open).focus();
    });
    on(ui.strip, 'click', (e) => {
      const id = Number(e.target.closest?.('button.thumb')?.dataset.id);
      const i = state.images.findIndex((im) => im.id === id);
      if (i < 0) return;
      state.selectImage(id);
      state.setStatus(`Image ${i + 1} of ${state.images.length}: ${describeOpen(state.current.info).replace(/^Opened /, '')}`);
    });
    on(ui.checklist, 'cancel', () => {
      ui.checklist.returnValue = 'back';
    });
    on(ui.checklistOk, 'click', () => ui.checklist.close('ok'));
    on(ui.checklistBack, 'click', () => ui.checklist.close('back'));
    on(document, 'keydown', (e) => this.#globalKey(e));
    on(document, 'paste', (e) => this.#paste(e));
    // Drop anywhere on the element opens; a drop elsewhere on the page must not navigate away.
    on(this, 'dragenter', (e) => this.#dragOver(e));
    on(this, 'dragover', (e) => this.#dragOver(e));
    on(this, 'dragleave', (e) => {
      if (!e.relatedTarget || !this.contains(e.relatedTarget)) ui.app.classList.remove('dropping');
    });
    on(this, 'drop', (e) => this.#drop(e));
    on(window, 'dragover', (e) => hasFiles(e) && e.preventDefault());
    on(window, 'drop', (e) => hasFiles(e) && e.preventDefault());
    on(window, 'resize', () => this.#layout(true));
    this.#resizeObserver = new ResizeObserver(() => this.#layout(false));
    this.#resizeObserver.observe(ui.stage);
    this.#render('connected');
  }

  disconnectedCallback() {
    for (const off of this.#listeners) off();
    this.#listeners = [];
    this.#resizeObserver?.disconnect();
    this.#engine.terminate('the editor was removed');
  }

  attributeChangedCallback() {
    if (this.#ui.fill) this.#applyAttributes();
  }

  /** The attributes set the settings (a later change of a control changes them again). */
  #applyAttributes() {
    this.#state.setSettings({ fill: this.fill, format: this.format, quality: this.quality });
  }

  // ---- rendering: the DOM from the state --------------------------------------------------

  #render(what) {
    const state = this.#state;
    const ui = this.#ui;
    const image = state.current;
    const shown = this.#shown;

    // The screen: one of start, edit, review.
    if (state.screen !== shown.screen || image !== shown.image) {
      ui.start.hidden = state.screen !== 'start';
      ui.work.hidden = state.screen !== 'edit';
      ui.export.hidden = state.screen !== 'edit';
      ui.review.hidden = state.screen !== 'review';
      if (image !== shown.image) ui.carried.textContent = image ? describeCarried(image.info) : '';
      shown.screen = state.screen;
      shown.image = image;
      if (state.screen === 'edit') this.#layout(true);
    }
    if (state.review !== shown.review) this.#renderReview();
    this.#renderStrip();

    // Status, busy, settings and controls: cheap, always.
    ui.status.textContent = state.status.text;
    ui.status.classList.toggle('error', state.status.error);
    ui.busy.hidden = !state.busy;
    ui.app.toggleAttribute('aria-busy', state.busy);
    if (state.progress) {
      ui.progress.max = state.progress.total;
      ui.progress.value = state.progress.done;
    } else ui.progress.removeAttribute('value');
    const { fill, format, quality } = state.settings;
    if (ui.fill.value !== fill) ui.fill.value = fill;
    if (ui.format.value !== format) ui.format.value = format;
    if (ui.quality.value !== String(quality)) ui.quality.value = String(quality);
    const effective = this.#effectiveFormat();
    ui.qualityField.hidden = effective !== 'jpeg';
    ui.qualityValue.textContent = String(quality);
    ui.formatHelp.textContent = formatExplanation(format, effective, quality);
    this.#renderControls();
    if (image) ui.zoomLevel.textContent = `${Math.round(this.#editor.zoom * 100)}%`;
    this.#announce(what);
    if (what === 'image') {
      this.#ensurePreview();
      if (state.images.length && !this.#case) this.#case = this.#caseModule().then((m) => m?.attachCase(this.#caseHost()));
      if (state.images.length) this.#findText();
    }
  }

  #renderControls() {
    const ui = this.#ui;
    const state = this.#state;
    const ed = this.#editor;
    const image = state.current;
    const has = !!image;
    const n = image?.boxes.length ?? 0;
    ui.undo.disabled = !has || !state.canUndo;
    ui.redo.disabled = !has || !state.canRedo;
    ui.add.disabled = !has;
    ui.delete.disabled = !has || image.selected < 0;
    ui.clear.disabled = !has || n === 0;
    ui.zoomIn.disabled = !has || !ed.canZoomIn();
    ui.zoomOut.disabled = !has || !ed.canZoomOut();
    ui.fit.disabled = !has || !ed.canZoomOut();
    ui.export.disabled = state.busy || !has || n === 0;
    ui.close.disabled = state.busy || !has;
  }

  /** Says what a box change did, for screen readers. */
  #announce(what) {
    if (!['add', 'delete', 'clear', 'undo', 'redo', 'move', 'resize', 'select'].includes(what)) return;
    const image = this.#state.current;
    const n = image.boxes.length;
    const suggested = image.boxes.filter((b) => b.suggested).length;
    let say;
    if (image.selected >= 0) {
      const b = image.boxes[image.selected];
      say = `Box ${image.selected + 1} of ${n}${b.suggested ? `, suggested by Find text${b.why ? ` (${b.why})` : ''}` : ''}: at ${b.x}, ${b.y}, ${b.width} × ${b.height} pixels.`;
    } else {
      say = `${n} ${n === 1 ? 'box' : 'boxes'}${suggested ? `, ${suggested} suggested by Find text` : ''}.`;
    }
    if (what === 'delete') say = `Box deleted. ${say}`;
    if (what === 'clear') say = 'All boxes cleared.';
    if (what === 'undo') say = `Undone. ${say}`;
    if (what === 'redo') say = `Redone. ${say}`;
    this.#ui.announce.textContent = say;
  }

  /** The strip of thumbnails (two or more images): rebuilt when the images change, labels kept current. */
  #renderStrip() {
    const { strip } = this.#ui;
    const state = this.#state;
    const key = `${state.images.map((im) => im.id).join(',')}|${state.currentId}`;
    if (key !== this.#shown.strip) {
      this.#shown.strip = key;
      strip.hidden = state.images.length < 2;
      strip.replaceChildren(
        ...state.images.map((image) => {
          const li = document.createElement('li');
          const b = document.createElement('button');
          b.type = 'button';
          b.className = 'thumb';
          b.dataset.id = String(image.id);
          if (image === state.current) b.setAttribute('aria-current', 'true');
          const c = document.createElement('canvas');
          c.width = image.thumb.width;
          c.height = image.thumb.height;
          c.getContext('2d').drawImage(image.thumb, 0, 0);
          const count = document.createElement('span');
          count.className = 'count';
          count.setAttribute('aria-hidden', 'true');
          b.append(c, count);
          li.append(b);
          return li;
        }),
      );
    }
    strip.querySelectorAll('button.thumb').forEach((b, i) => {
      const n = state.images[i].boxes.length;
      const label = `Image ${i + 1}, ${n} ${n === 1 ? 'box' : 'boxes'}`;
      if (b.getAttribute('aria-label') !== label) {
        b.setAttribute('aria-label', label);
        b.lastChild.textContent = String(n);
        b.classList.toggle('none', n === 0);
      }
    });
  }

  #renderReview() {
    const ui = this.#ui;
    const r = this.#state.review;
    const shown = this.#shown;
    if (shown.reviewUrl) URL.revokeObjectURL(shown.reviewUrl);
    shown.review = r;
    shown.reviewUrl = r ? URL.createObjectURL(r.blob) : null;
    if (!r) return;
    const { report, name } = r;
    ui.reviewImg.decoding = 'async';
    // Its size up front, so the layout (and the scroll below) does not wait for the decode.
    ui.reviewImg.width = report.width;
    ui.reviewImg.height = report.height;
    ui.reviewImg.src = shown.reviewUrl;
    ui.reviewFile.textContent = `The new file, shown from its own bytes: ${name}, ${report.width} × ${report.height} ${report.outputFormat.toUpperCase()}${report.quality ? ` (quality ${report.quality})` : ''}, ${formatBytes(report.outputBytes)}.`;
    ui.receipt.replaceChildren(
      ...verificationReceipt(report).map((line) => {
        const li = document.createElement('li');
        li.textContent = line;
        return li;
      }),
    );
    ui.removed.textContent = removedSentence(r.image.info, report);
    ui.share.hidden = !r.canShare;
  }

  #layout(force) {
    const stage = this.#ui.stage;
    if (!this.#state.current || stage.getClientRects().length === 0) return;
    const cs = getComputedStyle(stage);
    const w = stage.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
    if (!force && Math.abs(w - this.#lastWidth) < 1) return;
    this.#lastWidth = w;
    const h = Math.max(220, Math.round(window.innerHeight * 0.6));
    this.#editor.layout(Math.floor(w), h);
  }

  #effectiveFormat() {
    const choice = this.#state.settings.format;
    if (choice !== 'auto') return choice;
    const info = this.#state.current?.info;
    const def = info?.inspection?.defaultOutput;
    if (def) return def;
    return ['jpeg', 'webp'].includes(info?.format) ? 'jpeg' : info ? 'png' : 'jpeg';
  }

  // ---- jobs in the worker: open and export ---------------------------------------------------

  #failure(err, doing) {
    if (isFatal(err)) this.#engine.restart('the image engine stopped');
    if (err?.name === 'AbortError') return `${doing} was cancelled.`;
    const msg = String(err?.message || err || 'unknown error');
    if (isFatal(err)) return `${doing} failed inside the image engine (${msg}). It has been restarted; please try again.`;
    return `${doing} failed: ${msg.charAt(0).toUpperCase()}${msg.slice(1)}.`.replace(/\.\.$/, '.');
  }

  #cancel() {
    this.#jobs.abort(new DOMException('Cancelled.', 'AbortError'));
    this.#jobs = new AbortController();
  }

  /** Runs `job(signal)` after the jobs before it; Cancel aborts it and drops the jobs still waiting. */
  #enqueue(job) {
    const signal = this.#jobs.signal;
    const run = this.#queue.then(() => (signal.aborted ? undefined : job(signal)));
    this.#queue = run.catch(() => {});
    return run;
  }

  #openFiles(files) {
    const list = [...files].filter(Boolean);
    if (this.#pendingOpens === 0) this.#openBatch = { total: 0, done: 0 };
    const batch = this.#openBatch;
    batch.total += list.length;
    this.#pendingOpens += list.length;
    return Promise.all(
      list.map((file) =>
        this.#enqueue((signal) => {
          batch.done++;
          return this.#openOne(file, batch.total > 1 ? ` ${batch.done} of ${batch.total}` : '', signal);
        })
          .catch(() => {})
          .finally(() => {
            this.#pendingOpens--;
          }),
      ),
    ).then(() => undefined);
  }

  async #openOne(file, counter, signal) {
    const state = this.#state;
    if (file.size > MAX_INPUT_BYTES) {
      state.setStatus(`This file is ${formatBytes(file.size)}; Occlude opens files up to ${formatBytes(MAX_INPUT_BYTES)}.`, { error: true });
      return;
    }
    state.setBusy(true);
    state.setStatus(`Opening image${counter}…`);
    try {
      // The page keeps the File (a Blob, disk-backed), not its bytes: they go to the worker
      // and are read again from the File for a preview or an export.
      // The case module and the Find text controls (both above the image) load while the file
      // decodes and are in place before the image shows: the canvas never moves under a finger
      // about to draw.
      const modules = Promise.all([this.#caseModule(), this.#findText()]);
      const { info: p, bitmap } = await this.#decode(file, signal);
      await modules;
      state.addImage({ width: p.width, height: p.height, bitmap, thumb: makeThumb(bitmap), file, info: p });
      state.setStatus(describeOpen(p));
    } catch (err) {
      state.setStatus(this.#failure(err, 'Opening the image'), { error: true });
    } finally {
      // Big images leave wasm memory large (it never shrinks): start the next job fresh.
      this.#engine.restart('open finished');
      state.setBusy(false);
    }
  }

  /** The engine's preview of `file`: {info, bitmap}. */
  async #decode(file, signal) {
    const bytes = await file.arrayBuffer();
    signal.throwIfAborted();
    const p = await this.#engine.request('open', { bytes, maxSide: PREVIEW_MAX_SIDE, background: BACKGROUND }, { signal, transfer: [bytes] });
    signal.throwIfAborted();
    const bitmap = await createImageBitmap(new ImageData(new Uint8ClampedArray(p.rgba), p.previewWidth, p.previewHeight));
    delete p.rgba;
    return { info: p, bitmap };
  }

  /**
   * Decodes the current image's preview again if it has none (only the current image keeps
   * one). Meanwhile the canvas shows its thumbnail. Not a busy job: nothing waits for it.
   */
  #ensurePreview() {
    const state = this.#state;
    const image = state.current;
    if (!image?.file || image.bitmap || this.#previewing.has(image)) return;
    this.#previewing.add(image);
    let skipped = true;
    this.#enqueue(async (signal) => {
      if (state.current !== image || image.bitmap) return;
      skipped = false;
      try {
        const { bitmap } = await this.#decode(image.file, signal);
        state.setPreview(image.id, bitmap);
      } catch (err) {
        if (state.current === image) state.setStatus(this.#failure(err, 'Showing the image'), { error: true });
      } finally {
        this.#engine.restart('preview finished');
      }
    }).finally(() => {
      this.#previewing.delete(image);
      // Passed over (another image was current when its turn came) but current again now.
      if (skipped && state.current === image && !image.bitmap) this.#ensurePreview();
    });
  }

  #closeCurrent() {
    if (!this.#state.current) return;
    const next = this.#state.closeImage();
    this.#state.setStatus(next ? 'Image closed.' : 'Image closed. Open another to start again.');
    (next ? this.#ui.canvas : this.#ui.open).focus();
  }

  async #checklistPassed() {
    const state = this.#state;
    if (state.checklistDone || storageGet(CHECKLIST_KEY) === '1') return true;
    const d = this.#ui.checklist;
    this.#ui.checklistForget.checked = false;
    d.returnValue = '';
    d.showModal();
    this.#ui.checklistOk.focus();
    await new Promise((resolve) => d.addEventListener('close', resolve, { once: true }));
    if (d.returnValue !== 'ok') return false;
    state.checklistAnswered();
    if (this.#ui.checklistForget.checked) storageSet(CHECKLIST_KEY, '1');
    return true;
  }

  async #export() {
    const state = this.#state;
    const image = state.current;
    if (!image || image.boxes.length === 0 || state.busy) return;
    if (!(await this.#checklistPassed())) {
      this.#ui.export.focus();
      return;
    }
    const boxes = state.rects();
    await this.#enqueue(async (signal) => {
      state.setBusy(true);
      state.setStatus('Exporting…');
      try {
        const out = await this.#exportFile(image, boxes, signal);
        const name = `redacted-${timestamp(new Date())}.${out.extension}`;
        const blob = out.blob;
        const file = new File([blob], name, { type: blob.type });
        state.showReview({ image, blob, name, report: out.report, file, canShare: canShare(file) });
        this.#ui.reviewTitle.focus({ preventScroll: true });
        const verbs = state.review.canShare ? 'download or share it' : 'download it';
        state.setStatus(`Ready. Check the new file below, then ${verbs}.`);
        this.dispatchEvent(new CustomEvent('occlude-export', { bubbles: true, composed: true, detail: { blob, name, report: out.report } }));
      } catch (err) {
        state.setStatus(this.#failure(err, 'Exporting'), { error: true });
      } finally {
        // wasm memory never shrinks: every export gets a fresh engine.
        this.#engine.restart('export finished');
        state.setBusy(false);
      }
      // Once the progress bar has gone: bring the review to the top of the screen, so the
      // picture and Download / Share are in view on a phone.
      if (state.screen === 'review') requestAnimationFrame(() => this.#ui.review.scrollIntoView({ block: 'start' }));
    });
  }

  /**
   * Exports `image` with `boxes` (none: a copy as is, which the core makes only when asked by
   * name) in the current settings: {blob, report, extension}. The engine is not restarted here.
   */
  async #exportFile(image, boxes, signal) {
    const { fill, format, quality } = this.#state.settings;
    const options = { fill, background: BACKGROUND, format: format === 'auto' ? null : format, quality };
    const bytes = await image.file.arrayBuffer();
    signal.throwIfAborted();
    const request = boxes.length ? { boxes, options } : { boxes: [], options, asIs: true };
    const out = await this.#engine.request('export', { bytes, ...request }, { signal, transfer: [bytes] });
    signal.throwIfAborted();
    return { blob: new Blob([out.bytes], { type: out.mime }), report: out.report, extension: out.extension };
  }

  /** What the case features (js/case.js) may use of the element. */
  /** The case module, imported once (null if it cannot load: the one-image flow still works). */
  #caseModule() {
    this.#caseImport ??= import('./case.js').catch(() => null);
    return this.#caseImport;
  }

  #caseHost() {
    return {
      root: this.shadowRoot,
      ui: this.#ui,
      state: this.#state,
      stylesheet: new URL('../css/case.css', import.meta.url).href,
      practice: this.#practice,
      enqueue: (job) => this.#enqueue(job),
      exportFile: (image, boxes, signal) => this.#exportFile(image, boxes, signal),
      restartEngine: (why) => this.#engine.restart(why),
      checklistPassed: () => this.#checklistPassed(),
      failure: (err, doing) => this.#failure(err, doing),
      emitExport: (detail) => this.dispatchEvent(new CustomEvent('occlude-export', { bubbles: true, composed: true, detail })),
      save: (blob, name) => this.#save(blob, name),
      canShare,
    };
  }

  /**
   * The Find text features (js/find-text.js), imported and attached once: a promise of their
   * controller, or of null if they cannot load (the rest of the editor works without them).
   */
  #findText() {
    this.#text ??= import('./find-text.js')
      .then((m) => m.attachFindText(this.#textHost()))
      .catch(() => null);
    return this.#text;
  }

  /** What the Find text features may use of the element. */
  #textHost() {
    return {
      root: this.shadowRoot,
      ui: this.#ui,
      state: this.#state,
      enqueue: (job) => this.#enqueue(job),
      request: (type, payload, options) => this.#engine.request(type, payload, options),
      restartEngine: (why) => this.#engine.restart(why),
      failure: (err, doing) => this.#failure(err, doing),
      exportCurrent: () => this.#export(),
      storageGet,
      storageSet,
    };
  }

  // ---- keys, paste and drop -------------------------------------------------------------------

  #globalKey(e) {
    if (this.#state.screen !== 'edit' || this.#ui.checklist.open) return;
    const target = e.composedPath()[0];
    if (isTextEntry(target)) return;
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    if (mod && !e.altKey && k === 'z') {
      e.preventDefault();
      if (e.shiftKey) this.#state.redo();
      else this.#state.undo();
    } else if (mod && !e.altKey && k === 'y') {
      e.preventDefault();
      this.#state.redo();
    }
  }

  #paste(e) {
    const target = e.composedPath()[0];
    if (isTextEntry(target) || this.#ui.checklist.open) return;
    const files = filesFrom(e.clipboardData);
    if (!files.length) return;
    e.preventDefault();
    this.#openFiles(files);
  }

  #dragOver(e) {
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    this.#ui.app.classList.add('dropping');
  }

  #drop(e) {
    this.#ui.app.classList.remove('dropping');
    if (!hasFiles(e)) return;
    e.preventDefault();
    e.stopPropagation();
    const files = filesFrom(e.dataTransfer);
    if (files.length) this.#openFiles(files);
    else this.#state.setStatus('That was not an image file.', { error: true });
  }

  // ---- download and share ----------------------------------------------------------------------

  #download() {
    const r = this.#state.review;
    if (!r) return;
    this.#save(this.#shown.reviewUrl, r.name);
    this.#state.setStatus(savedLine(r.name, r.report));
  }

  /** Saves a Blob (or a blob: URL) under `name` through a download link. */
  #save(blobOrUrl, name) {
    const url = typeof blobOrUrl === 'string' ? blobOrUrl : URL.createObjectURL(blobOrUrl);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.rel = 'noopener';
    a.hidden = true;
    this.shadowRoot.append(a);
    a.click();
    a.remove();
    // The download has its own copy once started; a minute is ample for it to start.
    if (url !== blobOrUrl) setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  async #share() {
    const r = this.#state.review;
    if (!r) return;
    try {
      // The file alone: with text or a URL, WhatsApp on iOS drops the file.
      await navigator.share({ files: [r.file] });
      this.#state.setStatus(`Shared ${r.name}.`);
    } catch (err) {
      if (err?.name === 'AbortError') this.#state.setStatus('Sharing was cancelled.');
      else this.#state.setStatus(`Sharing failed: ${err?.message || err}. You can download the file instead.`, { error: true });
    }
  }
}

/** Whether this device can share `file` with another app (phones can; these desktop browsers cannot). */
export function canShare(...files) {
  try {
    return typeof navigator.share === 'function' && navigator.canShare?.({ files }) === true;
  } catch {
    return false;
  }
}

/**
 * The practice's templates.json (beside the app, same origin) as bytes, or null: absent (404),
 * unreachable, or no origin to fetch from (the single-file build opened from file://). Read
 * once at start, with the rest of the app; the service worker answers it network-first and
 * keeps the last copy for offline use (sw.js).
 */
function readPractice() {
  if (!/^https?:$/.test(PRACTICE_URL.protocol) || typeof fetch !== 'function') return Promise.resolve(null);
  return fetch(PRACTICE_URL, { cache: 'no-cache', credentials: 'same-origin' })
    .then((r) => (r.ok && r.status === 200 ? r.arrayBuffer() : null))
    .catch(() => null);
}

function hasFiles(e) {
  return [...(e.dataTransfer?.types ?? [])].includes('Files');
}

/** Image files from a paste or drop (clipboard images often arrive as items, not files). */
function filesFrom(dt) {
  if (!dt) return [];
  const files = [...(dt.files ?? [])];
  if (!files.length) {
    for (const item of dt.items ?? []) {
      if (item.kind === 'file') {
        const f = item.getAsFile();
        if (f) files.push(f);
      }
    }
  }
  return files.filter((f) => !f.type || f.type.startsWith('image/') || f.type === 'application/octet-stream');
}

function makeThumb(bitmap) {
  const s = Math.min(1, THUMB_SIDE / Math.max(bitmap.width, bitmap.height));
  const c = document.createElement('canvas');
  c.width = Math.max(1, Math.round(bitmap.width * s));
  c.height = Math.max(1, Math.round(bitmap.height * s));
  const g = c.getContext('2d');
  g.imageSmoothingQuality = 'high';
  g.drawImage(bitmap, 0, 0, c.width, c.height);
  return c;
}

if (!customElements.get('occlude-editor')) customElements.define('occlude-editor', OccludeEditor);
