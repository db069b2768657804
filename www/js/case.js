// The case features of <occlude-editor>: a clinician sends a case, not a picture (OCT and
// fundus of both eyes, a visual field, a screenshot of the record), so beside the one-image
// flow the editor offers:
// - Apply to all: the current image's boxes copied to every open image of the same size, and
//   scaled (rounded outwards) to those of the same shape; one undo step per image.
// - Templates: boxes named and kept for an image size, on this device (IndexedDB) and from
//   the practice (templates.json beside the app, read-only); offered when an image of that
//   size opens; exported and imported as small JSON files (the format: template.js).
// - Export all: every open image exported in turn through the engine (one Cancel stops it),
//   then one review of every new file with its receipt; Download all (one file each), Download
//   as ZIP (one file), Share all (where the device shares files). An image with no boxes is
//   flagged and sent only if the user ticks it ("sent as is, metadata removed").
//
// The element imports this module when the first image opens (the first load stays small) and
// calls attachCase(host) with what it may use (host: see #caseHost in occlude-editor.js). The
// state stays in the element's EditorState; this module adds its controls to the shadow root,
// renders them from the state and sends the state intents.

import { TemplateStore } from './store.js';
import { boxesFor, checkName, makeTemplate, parseTemplateBytes, sameAspect, scaleBoxes, slug, templateFileText } from './template.js';
import { formatBytes, removedSentence, timestamp, verificationReceipt } from './words.js';
import { zipFiles } from './zip.js';

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const size = (w, h) => `${w} × ${h}`;
const sameBox = (a, b) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;
const rects = (boxes) => boxes.map(({ x, y, width, height }) => ({ x, y, width, height }));
const sentence = (msg) => `${msg.charAt(0).toUpperCase()}${msg.slice(1)}${/[.!?]$/.test(msg) ? '' : '.'}`;
const THUMB_SIDE = 120;
/** Between the files of Download all: browsers drop downloads started in one burst. */
const DOWNLOAD_GAP_MS = 300;

const TOOLBAR = `
<div class="toolbar" role="toolbar" aria-label="Case">
  <button id="apply-all" type="button">Apply to all</button>
  <button id="templates-toggle" type="button" aria-expanded="false" aria-controls="templates">Templates</button>
</div>`;

const OFFER = `
<div id="offer" class="offer" role="group" aria-labelledby="offer-text" hidden>
  <p id="offer-text" aria-live="polite"></p>
  <div class="actions">
    <button id="offer-use" type="button" class="primary">Use template</button>
    <button id="offer-dismiss" type="button">Not now</button>
  </div>
</div>`;

const PANEL = `
<section id="templates" class="templates" aria-labelledby="templates-title" hidden>
  <h2 id="templates-title">Templates</h2>
  <p class="hint">A template keeps the boxes of one image size: the next report from the same device gets them in one click. It holds a name, a size and boxes, never a picture.</p>
  <form id="tpl-form" class="tpl-save">
    <label class="field"><span>Template name</span> <input id="tpl-name" type="text" maxlength="100" autocomplete="off" spellcheck="false"></label>
    <button id="tpl-save" type="submit">Save as template</button>
  </form>
  <h3>On this device</h3>
  <ul id="tpl-own" class="tpl-list"></ul>
  <p id="tpl-own-none" class="muted">None yet.</p>
  <div id="tpl-practice-part" hidden>
    <h3>Practice templates</h3>
    <p class="muted">Published by your practice beside this app; read-only.</p>
    <ul id="tpl-practice" class="tpl-list"></ul>
  </div>
  <p id="tpl-note" class="muted"></p>
  <div class="actions">
    <button id="tpl-import" type="button">Import template</button>
    <input id="tpl-file" class="visually-hidden" type="file" accept=".json,application/json" tabindex="-1" aria-hidden="true">
  </div>
</section>`;

const REVIEW_ALL = `
<section id="review-all" class="review review-all" hidden aria-labelledby="review-all-title">
  <h2 id="review-all-title" tabindex="-1">What you will send</h2>
  <p id="batch-summary"></p>
  <div class="actions">
    <button id="download-all" type="button" class="primary">Download all</button>
    <button id="download-zip" type="button">Download as ZIP</button>
    <button id="share-all" type="button" hidden>Share all</button>
    <button id="back-all" type="button">Back to editing</button>
  </div>
  <p class="hint">Some browsers save only the first of several files, or ask first: Download as ZIP saves them as one file.</p>
  <ol id="batch-list" class="batch-list"></ol>
</section>`;

/** Parses `html` and returns its first element. */
function element(html) {
  const t = document.createElement('template');
  t.innerHTML = html.trim();
  return t.content.firstElementChild;
}

function make(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'class') el.className = v;
    else if (k.startsWith('aria-') || k.startsWith('data-')) el.setAttribute(k, v);
    else el[k] = v;
  }
  el.append(...children);
  return el;
}

/** Adds the case features to an <occlude-editor>; resolves with the controller once templates are read. */
export async function attachCase(host) {
  const tools = new CaseTools(host);
  await tools.start();
  return tools;
}

class CaseTools {
  #host;
  #state;
  #ui = {};
  /** @type {TemplateStore|null} */
  #store = null;
  /** Templates are read (own and practice): offers can be worked out. */
  #ready = false;
  /** Offers still to show after the current one: [{template, ids}]. */
  #offers = [];
  /** A row of the own list being renamed or confirmed for deletion: {id, mode}. */
  #editing = null;
  #shownBatch = null;
  #shownTemplates = null;

  constructor(host) {
    this.#host = host;
    this.#state = host.state;
    const { root, ui } = host;
    root.append(make('link', { rel: 'stylesheet', href: host.stylesheet }));
    const toolbar = element(TOOLBAR);
    ui.undo.closest('.toolbars').append(toolbar);
    const exportAll = make('button', { id: 'export-all', type: 'button', class: 'primary', hidden: true, textContent: 'Export all' });
    ui.export.after(exportAll);
    ui.stage.before(element(OFFER));
    ui.work.append(element(PANEL));
    ui.review.after(element(REVIEW_ALL));
    for (const el of root.querySelectorAll('[id]')) {
      const key = el.id.replace(/-(\w)/g, (_, c) => c.toUpperCase());
      if (!(key in ui)) this.#ui[key] = el;
    }
    this.#wire();
    this.#state.subscribe((what) => this.#render(what));
    this.#render('connected');
  }

  async start() {
    const state = this.#state;
    this.#store = await TemplateStore.open();
    let practice = [];
    let note = '';
    try {
      const bytes = await this.#host.practice;
      if (bytes && bytes.byteLength) practice = parseTemplateBytes(bytes).templates;
    } catch (err) {
      note = `The practice templates (templates.json) could not be read: ${err.message}.`;
    }
    if (!this.#store.persistent) note = `${note} This browser keeps nothing on this device here: templates saved now last until the page is closed.`.trim();
    state.setTemplates({ own: await this.#store.all(), practice, note });
    this.#ready = true;
    this.#considerOffers();
  }

  // ---- controls ------------------------------------------------------------------------------

  #wire() {
    const ui = this.#ui;
    const state = this.#state;
    ui.exportAll.addEventListener('click', () => this.#exportAll());
    ui.applyAll.addEventListener('click', () => this.#applyToAll());
    ui.templatesToggle.addEventListener('click', () => {
      const open = ui.templates.hidden;
      ui.templates.hidden = !open;
      ui.templatesToggle.setAttribute('aria-expanded', String(open));
      if (open) {
        ui.templates.scrollIntoView({ block: 'nearest' });
        ui.tplName.focus({ preventScroll: true });
      }
    });
    ui.tplForm.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#saveTemplate();
    });
    ui.tplImport.addEventListener('click', () => ui.tplFile.click());
    ui.tplFile.addEventListener('change', () => {
      const [file] = ui.tplFile.files ?? [];
      ui.tplFile.value = '';
      if (file) this.#importTemplates(file);
    });
    ui.tplOwn.addEventListener('click', (e) => this.#ownAction(e));
    ui.tplOwn.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#finishRename(Number(e.target.dataset.id));
    });
    ui.tplPractice.addEventListener('click', (e) => {
      const b = e.target.closest?.('button[data-act]');
      if (!b) return;
      const t = state.templates.practice[Number(b.dataset.i)];
      if (b.dataset.act === 'apply') this.#applyTemplate(t);
      if (b.dataset.act === 'export') this.#exportTemplate(t);
    });
    // The bar goes (or shows the next offer): the focus goes back to the image, not to the page.
    const backToImage = () => (state.offer ? ui.offerUse : this.#host.ui.canvas).focus({ preventScroll: true });
    ui.offerUse.addEventListener('click', () => {
      this.#useOffer();
      backToImage();
    });
    ui.offerDismiss.addEventListener('click', () => {
      this.#nextOffer('Not now: the template was not used.');
      backToImage();
    });
    ui.downloadAll.addEventListener('click', () => this.#downloadAll());
    ui.downloadZip.addEventListener('click', () => this.#downloadZip());
    ui.shareAll.addEventListener('click', () => this.#shareAll());
    ui.backAll.addEventListener('click', () => {
      state.backToEditing();
      (state.current ? ui.exportAll : this.#host.ui.open).focus();
    });
    ui.batchList.addEventListener('change', (e) => {
      const box = e.target.closest?.('input[data-i]');
      if (box) this.#include(Number(box.dataset.i), box.checked);
    });
  }

  #render(what) {
    const ui = this.#ui;
    const state = this.#state;
    const image = state.current;
    const editing = state.screen === 'edit';
    ui.exportAll.hidden = !editing || state.images.length < 2;
    ui.exportAll.disabled = state.busy;
    ui.applyAll.disabled = state.busy || !image?.boxes.length || state.images.length < 2;
    ui.tplSave.disabled = !image?.boxes.length;
    ui.offer.hidden = !editing || !state.offer;
    if (what === 'offer' || what === 'connected') this.#renderOffer();
    ui.reviewAll.hidden = state.screen !== 'review-all';
    if (state.batch !== this.#shownBatch || what === 'batch') this.#renderBatch();
    if (state.templates !== this.#shownTemplates) this.#renderTemplates();
    if (what === 'image') this.#considerOffers();
  }

  // ---- Apply to all ----------------------------------------------------------------------------

  #applyToAll() {
    const state = this.#state;
    const src = state.current;
    if (!src?.boxes.length) return;
    const boxes = rects(src.boxes);
    let copied = 0;
    let scaled = 0;
    let had = 0;
    const other = [];
    for (const im of state.images) {
      if (im === src) continue;
      if (!sameAspect(src.width, src.height, im.width, im.height)) {
        other.push(im);
        continue;
      }
      const fresh = scaleBoxes(boxes, src.width, src.height, im.width, im.height).filter((b) => !im.boxes.some((o) => sameBox(o, b)));
      if (!fresh.length) {
        had++;
        continue;
      }
      state.addBoxes(fresh, { imageId: im.id }); // one undo step in that image
      copied++;
      if (im.width !== src.width || im.height !== src.height) scaled++;
    }
    const parts = [];
    const n = plural(boxes.length, 'box', 'boxes');
    const them = boxes.length === 1 ? 'it' : 'them';
    if (copied) parts.push(`Copied ${n} to ${plural(copied, 'image')}${scaled ? ` (${scaled === copied ? (copied === 1 ? 'scaled' : 'all scaled') : `${scaled} scaled`} to their size)` : ''}`);
    else if (had) parts.push(`Nothing to copy: ${had === 1 ? 'the other image of this shape has' : `the ${had} other images of this shape have`} ${them} already`);
    else parts.push(`Nothing to copy: no other image has this shape`);
    if (copied && had) parts.push(`${plural(had, 'image')} had ${them} already`);
    if (other.length) {
      const sizes = [...new Set(other.map((im) => size(im.width, im.height)))];
      parts.push(`${plural(other.length, 'image')} of another shape left alone (${sizes.join(', ')}; this one ${size(src.width, src.height)})`);
    }
    state.setStatus(`${parts.join('; ')}.`);
  }

  // ---- templates -------------------------------------------------------------------------------

  async #reloadOwn() {
    this.#state.setTemplates({ own: await this.#store.all() });
  }

  async #saveTemplate() {
    const state = this.#state;
    const image = state.current;
    const ui = this.#ui;
    if (!image?.boxes.length) return;
    let template;
    try {
      template = makeTemplate(ui.tplName.value, image.width, image.height, rects(image.boxes), state.settings.fill);
    } catch (err) {
      state.setStatus(`Saving the template failed: ${sentence(err.message)}`, { error: true });
      ui.tplName.focus();
      return;
    }
    try {
      await this.#store.add(template);
    } catch (err) {
      state.setStatus(`Saving the template failed: ${err?.message || err}.`, { error: true });
      return;
    }
    ui.tplName.value = '';
    // This image and the others open now were seen already: a new template offers nothing.
    state.markOffered(state.images.map((im) => im.id));
    await this.#reloadOwn();
    state.setStatus(`Saved template "${template.name}": ${plural(template.boxes.length, 'box', 'boxes')} for images of ${size(...template.size)}.`);
  }

  /** Adds `template`'s boxes to the current image (refused, with both sizes, for another shape). */
  #applyTemplate(template) {
    const state = this.#state;
    const image = state.current;
    if (!image || !template) return;
    let boxes;
    try {
      boxes = boxesFor(template, image.width, image.height);
    } catch (err) {
      state.setStatus(sentence(err.message), { error: true });
      return;
    }
    const fresh = boxes.filter((b) => !image.boxes.some((o) => sameBox(o, b)));
    if (fresh.length) state.addBoxes(fresh);
    const scaled = template.size[0] !== image.width || template.size[1] !== image.height;
    state.setStatus(`Used template "${template.name}": ${plural(fresh.length, 'box', 'boxes')} added${scaled ? `, scaled from ${size(...template.size)}` : ''}.${this.#takeFill(template)}`);
  }

  /** A template's fill becomes the fill (it is one setting for every image); says so. */
  #takeFill(template) {
    const state = this.#state;
    if (!template.fill || template.fill === state.settings.fill) return '';
    state.setSettings({ fill: template.fill });
    return ` Fill colour set to ${template.fill}, as the template asks.`;
  }

  #exportTemplate(template) {
    const blob = new Blob([templateFileText(template)], { type: 'application/json' });
    const name = `template-${slug(template.name)}.json`;
    this.#host.save(blob, name);
    this.#state.setStatus(`Saved ${name}.`);
  }

  async #importTemplates(file) {
    const state = this.#state;
    try {
      const { templates } = parseTemplateBytes(new Uint8Array(await file.arrayBuffer()));
      if (!templates.length) {
        state.setStatus('That file holds no templates.');
        return;
      }
      for (const t of templates) await this.#store.add(t);
      await this.#reloadOwn();
      state.setStatus(`Imported ${plural(templates.length, 'template')}: ${templates.map((t) => `"${t.name}"`).join(', ')}.`);
    } catch (err) {
      state.setStatus(`Importing the template failed: ${sentence(err?.message || String(err))}`, { error: true });
    }
  }

  async #ownAction(e) {
    const b = e.target.closest?.('button[data-act]');
    if (!b) return;
    const id = Number(b.dataset.id);
    const rec = this.#state.templates.own.find((r) => r.id === id);
    if (!rec) return;
    const act = b.dataset.act;
    if (act === 'apply') this.#applyTemplate(rec.template);
    else if (act === 'export') this.#exportTemplate(rec.template);
    else if (act === 'rename' || act === 'delete') {
      this.#editing = { id, mode: act };
      this.#renderTemplates(act === 'rename' ? `#tpl-rename-${id}` : `[data-act="delete-yes"][data-id="${id}"]`);
    } else if (act === 'cancel') {
      this.#editing = null;
      this.#renderTemplates(`[data-act="rename"][data-id="${id}"]`);
    } else if (act === 'delete-yes') {
      this.#editing = null;
      await this.#store.remove(id);
      await this.#reloadOwn();
      this.#state.setStatus(`Deleted template "${rec.template.name}".`);
      this.#ui.tplName.focus();
    }
  }

  async #finishRename(id) {
    const state = this.#state;
    const input = this.#ui.tplOwn.querySelector(`#tpl-rename-${id}`);
    const rec = state.templates.own.find((r) => r.id === id);
    if (!input || !rec) return;
    try {
      checkName(input.value);
    } catch (err) {
      state.setStatus(`Renaming the template failed: ${sentence(err.message)}`, { error: true });
      input.focus();
      return;
    }
    await this.#store.rename(id, input.value);
    this.#editing = null;
    await this.#reloadOwn();
    this.#renderTemplates(`[data-act="rename"][data-id="${id}"]`);
    state.setStatus(`Renamed template "${rec.template.name}" to "${input.value}".`);
  }

  /** The two lists; `focus` (a selector) is focused afterwards. */
  #renderTemplates(focus = null) {
    const ui = this.#ui;
    const { own, practice, note } = this.#state.templates;
    this.#shownTemplates = this.#state.templates;
    const describe = (t) => `${size(...t.size)}, ${plural(t.boxes.length, 'box', 'boxes')}${t.fill ? `, fill ${t.fill}` : ''}`;
    const button = (label, act, attrs) => make('button', { type: 'button', textContent: label, 'data-act': act, ...attrs });
    ui.tplOwn.replaceChildren(
      ...own.map(({ id, template: t }) => {
        const ids = { 'data-id': String(id) };
        const mode = this.#editing?.id === id ? this.#editing.mode : null;
        const li = make('li', { class: 'tpl' });
        if (mode === 'rename') {
          const form = make('form', { class: 'tpl-rename', 'data-id': String(id) });
          const input = make('input', { id: `tpl-rename-${id}`, type: 'text', maxLength: 100, value: t.name, autocomplete: 'off' });
          form.append(
            make('label', { class: 'field' }, make('span', { textContent: `New name for "${t.name}"` }), input),
            make('button', { type: 'submit', textContent: 'Save name' }),
            button('Cancel', 'cancel', ids),
          );
          li.append(form);
          return li;
        }
        li.append(make('span', { class: 'tpl-name', textContent: t.name }), make('span', { class: 'tpl-size muted', textContent: describe(t) }));
        const actions = make('span', { class: 'actions' });
        if (mode === 'delete') {
          actions.append(
            make('span', { textContent: `Delete "${t.name}"?` }),
            button('Delete', 'delete-yes', { ...ids, 'aria-label': `Yes, delete template ${t.name}` }),
            button('Keep', 'cancel', ids),
          );
        } else {
          actions.append(
            button('Apply', 'apply', { ...ids, 'aria-label': `Apply template ${t.name}` }),
            button('Rename', 'rename', { ...ids, 'aria-label': `Rename template ${t.name}` }),
            button('Export', 'export', { ...ids, 'aria-label': `Export template ${t.name}` }),
            button('Delete', 'delete', { ...ids, 'aria-label': `Delete template ${t.name}` }),
          );
        }
        li.append(actions);
        return li;
      }),
    );
    ui.tplOwnNone.hidden = own.length > 0;
    ui.tplPracticePart.hidden = practice.length === 0;
    ui.tplPractice.replaceChildren(
      ...practice.map((t, i) => {
        const at = { 'data-i': String(i) };
        return make(
          'li',
          { class: 'tpl' },
          make('span', { class: 'tpl-name', textContent: t.name }),
          make('span', { class: 'tpl-size muted', textContent: describe(t) }),
          make(
            'span',
            { class: 'actions' },
            button('Apply', 'apply', { ...at, 'aria-label': `Apply practice template ${t.name}` }),
            button('Export', 'export', { ...at, 'aria-label': `Export practice template ${t.name}` }),
          ),
        );
      }),
    );
    ui.tplNote.textContent = note;
    ui.tplNote.hidden = !note;
    if (focus) ui.tplOwn.querySelector(focus)?.focus();
  }

  // ---- the offer of a template for images just opened ---------------------------------------

  /** Every open image not yet considered is matched once (by exact size) against the templates. */
  #considerOffers() {
    const state = this.#state;
    if (!this.#ready) return;
    const fresh = state.images.filter((im) => !im.offered);
    // Images closed meanwhile leave the offers; an offer with none left goes.
    const open = new Set(state.images.map((im) => im.id));
    this.#offers = this.#offers.map((o) => ({ ...o, ids: o.ids.filter((id) => open.has(id)) })).filter((o) => o.ids.length);
    if (state.offer && !state.offer.ids.every((id) => open.has(id))) {
      const ids = state.offer.ids.filter((id) => open.has(id));
      if (ids.length) state.setOffer({ ...state.offer, ids });
      else return this.#nextOffer();
    }
    if (!fresh.length) return;
    state.markOffered(fresh.map((im) => im.id));
    const templates = [...state.templates.own.map((r) => r.template), ...state.templates.practice];
    for (const im of fresh) {
      if (im.boxes.length) continue;
      const t = templates.find((x) => x.size[0] === im.width && x.size[1] === im.height);
      if (!t) continue;
      const same = [state.offer, ...this.#offers].find((o) => o?.template === t);
      if (same) same.ids.push(im.id);
      else this.#offers.push({ template: t, ids: [im.id] });
    }
    if (state.offer) state.setOffer({ ...state.offer }); // its count may have grown
    else this.#nextOffer();
  }

  #renderOffer() {
    const offer = this.#state.offer;
    if (!offer) return;
    const { template: t, ids } = offer;
    const which = ids.length === 1 ? 'the image' : `the ${ids.length} images`;
    this.#ui.offerText.textContent = `Use template "${t.name}" on ${which} of ${size(...t.size)} just opened?`;
  }

  #nextOffer(status = null) {
    const state = this.#state;
    if (status) state.setStatus(status);
    state.setOffer(this.#offers.shift() ?? null);
  }

  #useOffer() {
    const state = this.#state;
    const offer = state.offer;
    if (!offer) return;
    const { template: t } = offer;
    const images = offer.ids.map((id) => state.image(id)).filter(Boolean);
    for (const im of images) {
      const fresh = boxesFor(t, im.width, im.height).filter((b) => !im.boxes.some((o) => sameBox(o, b)));
      if (fresh.length) state.addBoxes(fresh, { imageId: im.id });
    }
    const fill = this.#takeFill(t);
    this.#nextOffer(`Used template "${t.name}" on ${plural(images.length, 'image')}: ${plural(t.boxes.length, 'box', 'boxes')} each.${fill}`);
  }

  // ---- Export all --------------------------------------------------------------------------------

  async #exportAll() {
    const host = this.#host;
    const state = this.#state;
    if (state.busy || state.images.length < 2) return;
    if (!(await host.checklistPassed())) {
      this.#ui.exportAll.focus();
      return;
    }
    const images = [...state.images];
    const when = new Date();
    const stamp = timestamp(when);
    const n = images.length;
    await host.enqueue(async (signal) => {
      const items = [];
      let at = 0;
      try {
        for (const [i, image] of images.entries()) {
          at = i + 1;
          state.setBusy(true, { done: i, total: n });
          state.setStatus(`Exporting image ${at} of ${n}…`);
          const boxes = rects(image.boxes);
          const out = await host.exportFile(image, boxes, signal);
          const name = `redacted-${stamp}-${at}.${out.extension}`;
          items.push({ index: at, image, name, blob: out.blob, report: out.report, asIs: boxes.length === 0, include: boxes.length > 0, announced: false });
        }
      } catch (err) {
        state.setStatus(`${host.failure(err, n > 1 && at ? `Exporting image ${at} of ${n}` : 'Exporting')} Nothing was saved.`, { error: true });
        return;
      } finally {
        host.restartEngine('export finished');
        state.setBusy(false);
      }
      state.showBatch({ when, stamp, items });
      for (const it of items) if (it.include) this.#announce(it);
      const flagged = items.filter((it) => it.asIs).length;
      state.setStatus(`Ready: ${plural(items.length, 'new file')}. Check them below, then download or share them.${flagged ? ` ${plural(flagged, 'image')} with no boxes will not be sent unless you tick it.` : ''}`);
      this.#ui.reviewAllTitle.focus({ preventScroll: true });
      requestAnimationFrame(() => this.#ui.reviewAll.scrollIntoView({ block: 'start' }));
    });
  }

  /** The `occlude-export` event of a file that is to be sent (once per file). */
  #announce(it) {
    if (it.announced) return;
    it.announced = true;
    this.#host.emitExport({ blob: it.blob, name: it.name, report: it.report });
  }

  /** An image with no boxes is sent only once ticked. */
  #include(i, include) {
    const it = this.#state.batch?.items[i];
    if (!it?.asIs) return;
    this.#state.setIncluded(i, include);
    if (include) this.#announce(it);
  }

  #sending() {
    return (this.#state.batch?.items ?? []).filter((it) => it.include);
  }

  #files() {
    return this.#sending().map((it) => new File([it.blob], it.name, { type: it.blob.type }));
  }

  #renderBatch() {
    const ui = this.#ui;
    const batch = this.#state.batch;
    const fresh = batch !== this.#shownBatch;
    this.#shownBatch = batch;
    if (!batch) {
      ui.batchList.replaceChildren();
      return;
    }
    const sending = this.#sending();
    const flagged = batch.items.filter((it) => it.asIs);
    const total = sending.reduce((s, it) => s + it.blob.size, 0);
    ui.batchSummary.textContent =
      `${plural(sending.length, 'file')} to send, ${formatBytes(total)}, each a new file checked from its own bytes.` +
      (flagged.length ? ` ${plural(flagged.length, 'image')} with no boxes: tick "Send this image as is" to send ${flagged.length === 1 ? 'it' : 'them'} too.` : '');
    const none = sending.length === 0;
    ui.downloadAll.disabled = none;
    ui.downloadZip.disabled = none;
    ui.shareAll.hidden = none || !this.#host.canShare(...this.#files());
    if (!fresh) {
      for (const [i, it] of batch.items.entries()) ui.batchList.children[i]?.classList.toggle('left-out', !it.include);
      return;
    }
    ui.batchList.replaceChildren(
      ...batch.items.map((it, i) => {
        const r = it.report;
        const thumb = make('canvas', { class: 'batch-thumb', width: 1, height: 1, 'aria-label': `New file ${it.index}, as it will be sent` });
        thumb.setAttribute('role', 'img');
        const details = make('div', { class: 'batch-details' });
        details.append(
          make('p', { class: 'review-file' }, make('strong', { textContent: it.name }), `: ${size(r.width, r.height)} ${r.outputFormat.toUpperCase()}${r.quality ? ` (quality ${r.quality})` : ''}, ${formatBytes(r.outputBytes)}. Image ${it.index}, ${it.asIs ? 'no boxes' : plural(r.boxes.length, 'box', 'boxes')}.`),
        );
        if (it.asIs) {
          details.append(
            make('p', { class: 'flag', textContent: 'No boxes: sent as is, metadata removed.' }),
            make('label', { class: 'check' }, make('input', { type: 'checkbox', checked: it.include, 'data-i': String(i) }), ' Send this image as is'),
          );
        }
        // With no boxes there is nothing to say about box pixels: the checks of the file stay.
        const receipt = it.asIs
          ? verificationReceipt(r).slice(0, 1).concat(r.path === 'lossless' ? ['Lossless: the picture is unchanged.'] : [])
          : verificationReceipt(r);
        details.append(
          make('ul', { class: 'receipt' }, ...receipt.map((line) => make('li', { textContent: line }))),
          make('p', { class: 'removed', textContent: removedSentence(it.image.info, r) }),
        );
        return make('li', { class: `batch-item${it.include ? '' : ' left-out'}` }, thumb, details);
      }),
    );
    this.#drawThumbs(batch);
  }

  /** Thumbnails from the new files' own bytes, one at a time (a full decode each, then let go). */
  async #drawThumbs(batch) {
    const canvases = [...this.#ui.batchList.querySelectorAll('canvas.batch-thumb')];
    for (const [i, it] of batch.items.entries()) {
      if (this.#state.batch !== batch) return;
      let bmp;
      try {
        bmp = await createImageBitmap(it.blob);
      } catch {
        continue;
      }
      const s = Math.min(1, THUMB_SIDE / Math.max(bmp.width, bmp.height));
      const c = canvases[i];
      c.width = Math.max(1, Math.round(bmp.width * s));
      c.height = Math.max(1, Math.round(bmp.height * s));
      const g = c.getContext('2d');
      g.imageSmoothingQuality = 'high';
      g.drawImage(bmp, 0, 0, c.width, c.height);
      bmp.close();
    }
  }

  async #downloadAll() {
    const sending = this.#sending();
    if (!sending.length) return;
    for (const [k, it] of sending.entries()) {
      if (k) await new Promise((r) => setTimeout(r, DOWNLOAD_GAP_MS));
      this.#host.save(it.blob, it.name);
    }
    const names = sending.map((it) => it.name);
    this.#state.setStatus(`Saved ${plural(names.length, 'file')}: ${names.length > 2 ? `${names[0]} to ${names.at(-1)}` : names.join(' and ')}. If only the first arrived, use Download as ZIP.`);
  }

  async #downloadZip() {
    const batch = this.#state.batch;
    const sending = this.#sending();
    if (!batch || !sending.length) return;
    try {
      const zip = await zipFiles(sending.map((it) => ({ name: it.name, blob: it.blob })), batch.when);
      const name = `redacted-${batch.stamp}.zip`;
      this.#host.save(zip, name);
      this.#state.setStatus(`Saved ${name}: ${plural(sending.length, 'file')}, ${formatBytes(zip.size)}.`);
    } catch (err) {
      this.#state.setStatus(`Making the ZIP failed: ${err?.message || err}.`, { error: true });
    }
  }

  async #shareAll() {
    const files = this.#files();
    if (!files.length) return;
    try {
      // The files alone: with text or a URL, WhatsApp on iOS drops them.
      await navigator.share({ files });
      this.#state.setStatus(`Shared ${plural(files.length, 'file')}.`);
    } catch (err) {
      if (err?.name === 'AbortError') this.#state.setStatus('Sharing was cancelled.');
      else this.#state.setStatus(`Sharing failed: ${err?.message || err}. You can download the files instead.`, { error: true });
    }
  }
}
