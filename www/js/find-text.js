// The Find text features of <occlude-editor>: the image engine finds the lines of text in the
// current image (www/worker/text.js) and the page adds a box over each, marked `suggested`
// (state.js): drawn with amber dashes, removed by a tap, made the user's own by a move or a
// resize, burned at export like any box. A help, not a guarantee: the page says so beside the
// button and in the review.
// - Find text: the current image; the first time, a question says how large the one-time
//   download is (models/manifest.json, read through api.js findTextDownload) before anything
//   is fetched. Progress and Cancel are the element's (its busy bar, its job queue).
// - "Find text when an image opens": each image opened gets Find text, queued after the opens
//   (one Cancel drops them all). Off, and not offered, until the finder was downloaded once.
// - The safety net, on the review ("What you will send"): once Find text ran on the image, how
//   many of the lines it found no box covers (cover.js: 90 % of a line's box), where (a list
//   and a small map), and Cover them (one undo step, then the review is made again). It never
//   blocks Download.
// Apply to all and templates copy boxes as drawn boxes (their four numbers): the text of
// another image is elsewhere, so a copied suggestion is the user's choice, not the finder's.
//
// - "Read the text" (issue 17): off by default; its description says how large the reader's
//   one-time download is (findTextDownload({read: true}).reader) before anything is fetched, and
//   the question names it too. On, Find text reads and classifies each line: a line with
//   `suggested: false` (read as clinical only) gets no box (the canvas outlines it faintly; a tap
//   covers it); a suggested box says why ("a date") when picked; the safety net names what was
//   read (`safetyNet`, e.g. "a date, 12/03/1961", else why and text).
// - "Cover every…": a word or name (commas separate several) boxed wherever it was read, in
//   every open image Find text read (the worker's 'coverText'), one undo step per image; it does
//   not read images itself: images not read are named in the status line, so a person knows
//   where it did not look.
//
// The element imports this module while the first image decodes and calls attachFindText(host)
// (host: #textHost in occlude-editor.js) before that image shows, so the controls above the
// image never move it. Their styles are in editor.css, loaded up front for the same reason.

import { findTextDownload } from './api.js';

const READY_KEY = 'occlude.findText.downloaded';
const AUTO_KEY = 'occlude.findText.auto';
const READ_KEY = 'occlude.findText.read';
const READER_KEY = 'occlude.findText.readerDownloaded';
const BACKGROUND = '#ffffff';
/** At most this many uncovered lines are listed by position (the map shows them all). */
const LIST_MAX = 12;
const MAP_SIDE = 220;
/** Progress is shown at most this often (ms), so the page renders no more than it must. */
const PROGRESS_EVERY = 100;

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const megabytes = (n) => `${(n / 1e6).toFixed(1)} MB`;

// The button beside the other tools; what it does, its legend and its setting under the image
// (beside the hint on drawing), so the image sits no lower on a phone.
const TOOLBAR = `
<div id="find-tools" class="toolbar" role="toolbar" aria-label="Text">
  <button id="find-text" type="button" aria-describedby="find-help">Find text</button>
</div>`;

const PANEL = `
<div id="find" class="find">
  <p id="find-help" class="hint"><span class="legend" aria-hidden="true"></span>Find text suggests boxes over lines of text, outlined in dashes; tap one to remove it.
    It is a help, not a guarantee: check every box, and box what it missed.<span id="find-size"></span></p>
  <label class="check"><input id="find-auto" type="checkbox" aria-describedby="find-auto-help"> Find text when an image opens</label>
  <p id="find-auto-help" class="visually-hidden">Available once Find text has been used on this device.</p>
  <label class="check"><input id="find-read" type="checkbox" aria-describedby="find-read-help"> Read the text</label>
  <p id="find-read-help" class="hint"></p>
  <form id="cover-every" class="cover-every" aria-label="Cover every word or name">
    <label for="cover-word">Cover every…</label>
    <input id="cover-word" type="search" autocomplete="off" spellcheck="false" aria-describedby="cover-help">
    <button id="cover-go" type="submit">Cover</button>
    <p id="cover-help" class="visually-hidden">A word or name (commas separate several), boxed wherever Find text read it, in every open image it read.</p>
  </form>
</div>`;

const DIALOG = `
<dialog id="find-download" aria-labelledby="find-download-title" aria-describedby="find-download-text">
  <h2 id="find-download-title">Download the text finder?</h2>
  <p id="find-download-text"></p>
  <div class="actions">
    <button id="find-continue" type="button" class="primary">Continue</button>
    <button id="find-cancel" type="button">Cancel</button>
  </div>
</dialog>`;

const NET = `
<div id="net" class="net" role="group" aria-labelledby="net-title" hidden>
  <p id="net-title" class="net-title"></p>
  <canvas id="net-map" class="net-map" role="img"></canvas>
  <ul id="net-list" class="net-list"></ul>
  <p id="net-clear" class="hint"></p>
  <div class="actions"><button id="net-cover" type="button">Cover them</button></div>
  <p class="hint">Find text is a help, not a guarantee: look at the picture for anything it missed. Nothing here stops you downloading the file.</p>
</div>`;

// The same for Export all's review: every image Find text ran on, in one place.
const NET_ALL = `
<div id="net-all" class="net" role="group" aria-labelledby="net-all-title" hidden>
  <p id="net-all-title" class="net-title"></p>
  <ul id="net-all-list" class="net-list"></ul>
  <div class="actions"><button id="net-all-cover" type="button">Cover them and go back</button></div>
  <p class="hint">Find text is a help, not a guarantee: look at each picture for anything it missed. Nothing here stops you sending the files.</p>
</div>`;

function element(html) {
  const t = document.createElement('template');
  t.innerHTML = html.trim();
  return t.content.firstElementChild;
}

/** Adds the Find text features to an <occlude-editor>; resolves with the controller. */
export async function attachFindText(host) {
  const tools = new FindText(host);
  await tools.start();
  return tools;
}

/** `signal` aborted when any of `signals` is. */
function anySignal(signals) {
  const list = signals.filter(Boolean);
  if (list.length === 1) return list[0];
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(list);
  const c = new AbortController();
  for (const s of list) {
    if (s.aborted) c.abort(s.reason);
    else s.addEventListener('abort', () => c.abort(s.reason), { once: true });
  }
  return c.signal;
}

/** How a found line is named in the safety net: what reading said, else where it is. */
function describeLine(line) {
  const at = `at ${line.x}, ${line.y} (${line.width} × ${line.height} pixels)`;
  // Reading's own words for what a line holds ("a date, 12/03/1961"), when it gives them.
  if (line.safetyNet) return `${line.safetyNet}, ${at}`;
  if (line.why && line.text) return `${line.why}, ${line.text}, ${at}`;
  if (line.text) return `“${line.text}”, ${at}`;
  return `A line ${at}`;
}

class FindText {
  #host;
  #state;
  #ui = {};
  /** What the first use downloads (findTextDownload), or null while unknown. */
  #download = null;
  /** The reader's part of the download (findTextDownload({read: true}).reader), or null: no reader. */
  #reader = null;
  /** Why Find text cannot run here (no finder in this copy, an engine without SIMD), or ''. */
  #unavailable = '';
  /** Images already considered for "Find text when an image opens". */
  #seen = new Set();
  #shownReview = null;
  #shownBatch = null;

  constructor(host) {
    this.#host = host;
    this.#state = host.state;
    const { root, ui } = host;
    ui.undo.closest('.toolbars').append(element(TOOLBAR));
    ui.stage.nextElementSibling.after(element(PANEL));
    ui.app.append(element(DIALOG));
    ui.receipt.before(element(NET));
    for (const el of root.querySelectorAll('[id]')) {
      const key = el.id.replace(/-(\w)/g, (_, c) => c.toUpperCase());
      if (!(key in ui)) this.#ui[key] = el;
    }
    this.#ui.findAuto.checked = host.storageGet(AUTO_KEY) === '1';
    this.#ui.findRead.checked = host.storageGet(READ_KEY) === '1';
  }

  get #ready() {
    return this.#host.storageGet(READY_KEY) === '1' || this.#download?.toDownload === 0;
  }

  /** The reader was downloaded once on this device. */
  get #readerReady() {
    return this.#host.storageGet(READER_KEY) === '1' || this.#reader?.toDownload === 0;
  }

  /** "Read the text" is ticked (and this copy has a reader). */
  get #reading() {
    return !!this.#reader && this.#ui.findRead.checked;
  }

  async start() {
    const ui = this.#ui;
    ui.findText.addEventListener('click', () => this.find(this.#state.current, { ask: true }));
    ui.findAuto.addEventListener('change', () => {
      this.#host.storageSet(AUTO_KEY, ui.findAuto.checked ? '1' : '0');
      if (ui.findAuto.checked) this.#considerOpened();
    });
    ui.findRead.addEventListener('change', () => {
      this.#host.storageSet(READ_KEY, ui.findRead.checked ? '1' : '0');
      this.#render();
    });
    ui.coverEvery.addEventListener('submit', (e) => {
      e.preventDefault();
      this.#coverEvery();
    });
    ui.findDownload.addEventListener('cancel', () => {
      ui.findDownload.returnValue = 'cancel';
    });
    ui.findContinue.addEventListener('click', () => ui.findDownload.close('continue'));
    ui.findCancel.addEventListener('click', () => ui.findDownload.close('cancel'));
    ui.netCover.addEventListener('click', () => this.#coverThem());
    this.#state.subscribe((what) => this.#changed(what));
    try {
      // With no origin (the single file opened from file://) there is no finder to fetch, and
      // its CSP forbids the attempt: no button, and no request.
      if (!/^https?:$/.test(new URL(import.meta.url).protocol)) throw Object.assign(new Error('no origin'), { code: 'text-unavailable' });
      const [plain, read] = await Promise.all([findTextDownload(), findTextDownload({ read: true }).catch(() => null)]);
      this.#download = plain;
      this.#reader = read?.reader ?? null;
    } catch (err) {
      this.#unavailable = err?.code === 'needs-simd' ? `${err.message}.` : '';
      // No finder in this copy of Occlude (the single file): no button at all.
      if (err?.code !== 'needs-simd') {
        ui.find.hidden = true;
        ui.findTools.hidden = true;
      }
    }
    // No reader in this copy: neither the setting nor Cover every… (it needs the text read).
    ui.findRead.closest('label').hidden = !this.#reader;
    ui.findReadHelp.hidden = !this.#reader;
    ui.coverEvery.hidden = !this.#reader;
    this.#render();
    this.#considerOpened();
  }

  #changed(what) {
    if (what === 'image') this.#considerOpened();
    if (['image', 'busy', 'screen'].includes(what)) this.#render();
    if (this.#state.screen === 'review' && this.#state.review !== this.#shownReview) this.#renderNet();
    if (this.#state.screen !== 'review') this.#shownReview = null;
    if (this.#state.screen === 'review-all' && this.#state.batch !== this.#shownBatch) this.#renderNetAll();
    if (this.#state.screen !== 'review-all') this.#shownBatch = null;
  }

  #render() {
    const ui = this.#ui;
    const state = this.#state;
    ui.findText.disabled = state.busy || !state.current || !!this.#unavailable;
    const ready = this.#ready;
    ui.findAuto.disabled = !ready || !!this.#unavailable;
    ui.findAutoHelp.textContent = ready ? '' : 'Available once Find text has been used on this device.';
    const d = this.#download;
    ui.findSize.textContent = this.#unavailable
      ? ` ${this.#unavailable}`
      : !ready && d?.toDownload > 0
        ? ` The first use downloads up to ${megabytes(d.toDownload)} once; then it works offline.`
        : '';
    ui.findRead.disabled = !!this.#unavailable;
    ui.coverGo.disabled = state.busy || !state.images.length;
    const r = this.#reader;
    ui.findReadHelp.textContent =
      (r && !this.#readerReady ? `Reading needs a one-time download of ${megabytes(r.toDownload)}; then it works offline. ` : '') +
      'With it, a line read as clinical only (a measurement such as IOP 14 mmHg) is left clear, with a faint outline; ' +
      'names, dates, numbers and anything unsure are boxed. You confirm every box.';
  }

  /** "Find text when an image opens": queues Find text for each image not yet considered. */
  #considerOpened() {
    const auto = this.#ui.findAuto.checked && !this.#ui.findAuto.disabled;
    for (const image of this.#state.images) {
      if (this.#seen.has(image.id)) continue;
      this.#seen.add(image.id);
      // Reading too only once the reader is on this device: nothing is downloaded unasked.
      if (auto && !image.found) this.find(image, { ask: false, read: this.#reading && this.#readerReady });
    }
  }

  /** The one-time question about the download (the reader's too when `read`): true to go on. */
  async #askDownload(read) {
    const finder = this.#ready ? 0 : (this.#download?.toDownload ?? 0);
    const reader = read && !this.#readerReady ? (this.#reader?.toDownload ?? 0) : 0;
    if (!finder && !reader) return true;
    const ui = this.#ui;
    ui.findDownloadTitle.textContent = finder ? 'Download the text finder?' : 'Download the text reader?';
    ui.findDownloadText.textContent =
      (finder && reader
        ? `Find text with reading needs a one-time download of up to ${megabytes(finder + reader)}: the text finder, for photos its detector, and the reader (${megabytes(reader)}). `
        : finder
          ? `Find text needs a one-time download of up to ${megabytes(finder)}: the text finder, and for photos its detector. `
          : `Reading the text needs a one-time download of ${megabytes(reader)}: the reader. `) +
      'It comes from where this app came from, and nothing of your images is sent. After that, Find text works offline.';
    ui.findDownload.returnValue = '';
    ui.findDownload.showModal();
    ui.findContinue.focus();
    await new Promise((resolve) => ui.findDownload.addEventListener('close', resolve, { once: true }));
    return ui.findDownload.returnValue === 'continue';
  }

  /**
   * Find text on `image`: adds its suggested boxes and resolves with the lines found (undefined
   * when it did not run). `ask`: the one-time question about the download first. `throws`: reject
   * on failure or cancel (the element's method) rather than say so in the status line only.
   */
  async find(image, { signal = null, ask = false, throws = false, read = undefined } = {}) {
    const state = this.#state;
    const host = this.#host;
    if (!image) return undefined;
    read = !!this.#reader && (read ?? this.#reading);
    if (this.#unavailable) {
      state.setStatus(this.#unavailable, { error: true });
      if (throws) throw Object.assign(new Error(this.#unavailable), { code: 'needs-simd' });
      return undefined;
    }
    if (ask && !(await this.#askDownload(read))) {
      state.setStatus('Find text was not started. Nothing was downloaded.');
      this.#ui.findText.focus();
      return undefined;
    }
    let outcome = null;
    await host.enqueue(async (jobSignal) => {
      if (!state.images.includes(image)) return;
      const stop = anySignal([jobSignal, signal]);
      const counter = state.images.length > 1 ? `Image ${state.images.indexOf(image) + 1}: ` : '';
      state.setBusy(true);
      state.setStatus(`${counter}Finding text…`);
      let shown = 0;
      const fetching = this.#ready ? 'the text reader' : read && !this.#readerReady ? 'the text finder and reader' : 'the text finder';
      const onProgress = (p) => {
        const now = performance.now();
        const last = p.stage === 'download' ? p.loaded >= p.total : p.fraction >= 1;
        if (now - shown < PROGRESS_EVERY && !last) return;
        shown = now;
        if (p.stage === 'download') {
          state.setBusy(true, { done: p.loaded, total: p.total });
          state.setStatus(`${counter}Downloading ${fetching} (once): ${megabytes(p.loaded)} of ${megabytes(p.total)}…`);
        } else if (p.stage === 'find') {
          state.setBusy(true, { done: Math.round(p.fraction * 100), total: 100 });
          state.setStatus(`${counter}Finding text… ${Math.round(p.fraction * 100)} %`);
        } else if (p.stage === 'read') {
          state.setBusy(true, { done: Math.round(p.fraction * 100), total: 100 });
          state.setStatus(`${counter}Reading the text… ${Math.round(p.fraction * 100)} %`);
        }
      };
      try {
        const bytes = await image.file.arrayBuffer();
        stop.throwIfAborted();
        const options = { background: BACKGROUND, ...(read && { read: true }) };
        const found = await host.request('findText', { bytes, options }, { signal: stop, transfer: [bytes], onProgress });
        stop.throwIfAborted();
        host.storageSet(READY_KEY, '1');
        if (read) host.storageSet(READER_KEY, '1');
        outcome = { lines: found.lines };
        if (!state.images.includes(image)) {
          state.setStatus('Find text finished after its image was closed; nothing was added.');
          return;
        }
        const added = state.setFound(image.id, found.lines);
        state.setStatus(`${counter}${this.#summary(found.lines, added)}`);
      } catch (err) {
        outcome = { err };
        // The finder's own errors are whole sentences already ("Find text could not download …").
        const own = ['text-download', 'needs-simd', 'no-text-reader', 'text-reader-model'].includes(err?.code) ? `${err.message}.`.replace(/\.\.$/, '.') : null;
        const said = own ?? host.failure(err, 'Find text');
        state.setStatus(err?.name === 'AbortError' ? `${said} No boxes were added.` : said, { error: err?.name !== 'AbortError' });
      } finally {
        // The finder's memory (its module, a large picture) goes with the worker.
        host.restartEngine('find text finished');
        state.setBusy(false);
        this.#render();
      }
    });
    if (!outcome) {
      // Cancelled while waiting its turn (or the image was closed).
      if (throws) throw signal?.reason ?? new DOMException('Find text was cancelled.', 'AbortError');
      return undefined;
    }
    if (outcome.err) {
      if (throws) throw outcome.err;
      return undefined;
    }
    return outcome.lines;
  }

  #summary(lines, added) {
    if (!lines.length) return 'Find text found no text in this image. It is a help, not a guarantee: look for anything it missed.';
    const left = lines.filter((l) => l.suggested === false).length;
    const boxes = added ? `added ${plural(added, 'suggested box', 'suggested boxes')} (dashed outline; tap one to remove it)` : 'every line was covered already';
    const clear = left ? `; ${plural(left, 'line')} left clear (faint outline; tap to cover)` : '';
    return `Find text found ${plural(lines.length, 'line')} of text: ${boxes}${clear}. Check every box, and box anything it missed.`;
  }

  // ---- Cover every… ---------------------------------------------------------------------------

  /**
   * Cover every…: asks the worker where the words were read in each open image Find text read,
   * then adds a suggested box over each place (one undo step per image; nothing when cancelled).
   */
  async #coverEvery() {
    const state = this.#state;
    const host = this.#host;
    const ui = this.#ui;
    const words = ui.coverWord.value
      .split(/[,;]/)
      .map((w) => w.trim())
      .filter(Boolean);
    if (!words.length) {
      state.setStatus('Type a word or name to cover every place it was read.');
      ui.coverWord.focus();
      return;
    }
    const quoted = words.map((w) => `“${w}”`).join(', ');
    // An image Find text read: its lines carry their text (none found counts too).
    const isRead = (im) => im.found && (!im.found.lines.length || im.found.lines.some((l) => typeof l.text === 'string'));
    const read = state.images.filter(isRead);
    const unread = state.images.filter((im) => !isRead(im)).map((im) => `image ${state.images.indexOf(im) + 1}`);
    if (!read.length) {
      state.setStatus(`Cover every… looks in the text Find text read, and no open image was read yet: tick Read the text, press Find text, then Cover again.`, { error: true });
      return;
    }
    await host.enqueue(async (signal) => {
      state.setBusy(true);
      state.setStatus(`Looking for ${quoted} in the text read…`);
      try {
        // Every image first, then the boxes: a cancel adds nothing anywhere.
        const found = [];
        for (const image of read) {
          if (!state.images.includes(image)) continue;
          const { boxes } = await host.request('coverText', { lines: image.found.lines, words }, { signal });
          signal.throwIfAborted();
          if (boxes.length) found.push({ image, boxes });
        }
        let places = 0;
        let images = 0;
        for (const { image, boxes } of found) {
          if (!state.images.includes(image)) continue;
          const why = `${quoted}, Cover every`;
          state.addBoxes(
            boxes.map(({ x, y, width, height }) => ({ x, y, width, height, suggested: true, why })),
            { imageId: image.id },
          );
          places += boxes.length;
          images++;
        }
        const notRead = unread.length ? ` Not read, so not searched: ${unread.join(', ')} (Find text with Read the text first).` : '';
        state.setStatus(
          places
            ? `Covered ${quoted} in ${plural(places, 'place')} in ${plural(images, 'image')}: dashed suggested boxes (one Undo per image removes them). Reading can miss a word: check for any it missed.${notRead}`
            : `${quoted} was not found in the text read (${plural(read.length, 'image')}). Reading can miss a word: look for it yourself.${notRead}`,
        );
      } catch (err) {
        const said = host.failure(err, 'Cover every');
        state.setStatus(err?.name === 'AbortError' ? `${said} No boxes were added.` : said, { error: err?.name !== 'AbortError' });
      } finally {
        // The text module's memory goes with the worker, as after Find text.
        host.restartEngine('cover every finished');
        state.setBusy(false);
        this.#render();
      }
    });
  }

  // ---- the safety net on the review ----------------------------------------------------------

  #renderNet() {
    const ui = this.#ui;
    const review = this.#state.review;
    this.#shownReview = review;
    const image = review?.image;
    ui.net.hidden = !image?.found;
    if (!image?.found) return;
    const open = this.#state.uncovered(image, 'suggested');
    const left = this.#state.uncovered(image).filter(({ line }) => line.suggested === false);
    const n = open.length;
    ui.net.classList.toggle('warn', n > 0);
    ui.netTitle.textContent =
      n > 0
        ? `${plural(n, 'line')} of text ${n === 1 ? 'is' : 'are'} not covered.`
        : `Every line of text Find text found is covered (${plural(image.found.lines.length, 'line')}).`;
    ui.netList.replaceChildren(
      ...open.slice(0, LIST_MAX).map(({ line }) => Object.assign(document.createElement('li'), { textContent: describeLine(line) })),
      ...(n > LIST_MAX ? [Object.assign(document.createElement('li'), { textContent: `and ${n - LIST_MAX} more (on the map).` })] : []),
    );
    ui.netClear.textContent = left.length
      ? `Left clear on purpose: ${left
          .slice(0, LIST_MAX)
          .map(({ line }) => (line.why && line.text ? `${line.why} (“${line.text}”)` : line.why || 'a line'))
          .join('; ')}.`
      : '';
    ui.netCover.hidden = n === 0;
    ui.netMap.hidden = n === 0;
    if (n > 0) this.#drawMap(image, open);
  }

  /**
   * Export all's review: the lines not covered on each image Find text ran on. Its place is
   * the case module's list of files (that module attaches after this one, so it is found here).
   */
  #renderNetAll() {
    const batch = this.#state.batch;
    this.#shownBatch = batch;
    if (!this.#ui.netAll) {
      const list = this.#host.root.getElementById('batch-list');
      if (!list) return;
      list.before(element(NET_ALL));
      for (const id of ['net-all', 'net-all-title', 'net-all-list', 'net-all-cover']) this.#ui[id.replace(/-(\w)/g, (_, c) => c.toUpperCase())] = this.#host.root.getElementById(id);
      this.#ui.netAllCover.addEventListener('click', () => this.#coverAll());
    }
    const ui = this.#ui;
    const ran = (batch?.items ?? []).filter((it) => it.image.found);
    ui.netAll.hidden = ran.length === 0;
    if (!ran.length) return;
    const open = ran.map((it) => ({ it, open: this.#state.uncovered(it.image, 'suggested') })).filter((x) => x.open.length);
    const n = open.reduce((s, x) => s + x.open.length, 0);
    ui.netAll.classList.toggle('warn', n > 0);
    ui.netAllTitle.textContent =
      n > 0 ? `${plural(n, 'line')} of text ${n === 1 ? 'is' : 'are'} not covered.` : 'Every line of text Find text found is covered.';
    ui.netAllList.replaceChildren(
      ...open.map(({ it, open }) =>
        Object.assign(document.createElement('li'), {
          textContent: `Image ${it.index}: ${plural(open.length, 'line')} (${open
            .slice(0, 3)
            .map(({ line }) => describeLine(line))
            .join('; ')}${open.length > 3 ? '; …' : ''}).`,
        }),
      ),
    );
    ui.netAllCover.hidden = n === 0;
  }

  /** Cover them on Export all's review: boxes on every image (one undo step each), then back to editing. */
  #coverAll() {
    const state = this.#state;
    const images = (state.batch?.items ?? []).map((it) => it.image).filter((im) => im.found && state.images.includes(im));
    let lines = 0;
    let covered = 0;
    let first = null;
    for (const image of images) {
      const open = state.uncovered(image, 'suggested');
      if (!open.length) continue;
      state.coverLines(
        open.map(({ index }) => index),
        { imageId: image.id },
      );
      lines += open.length;
      covered++;
      first ??= image;
    }
    if (!first) return;
    state.selectImage(first.id);
    state.setStatus(`Covered ${plural(lines, 'line')} on ${plural(covered, 'image')}. Press Export all to make the files again.`);
    this.#host.root.getElementById('export-all')?.focus();
  }

  /** A small map of the image: its boxes in grey, the lines not covered in red. */
  #drawMap(image, open) {
    const c = this.#ui.netMap;
    const s = MAP_SIDE / Math.max(image.width, image.height);
    c.width = Math.max(1, Math.round(image.width * s));
    c.height = Math.max(1, Math.round(image.height * s));
    c.setAttribute('aria-label', `Where they are: a map of the image with the ${plural(open.length, 'line')} not covered in red.`);
    const g = c.getContext('2d');
    g.fillStyle = '#f2f2f2';
    g.fillRect(0, 0, c.width, c.height);
    g.fillStyle = '#8a8a8a';
    for (const b of image.boxes) g.fillRect(b.x * s, b.y * s, Math.max(1, b.width * s), Math.max(1, b.height * s));
    g.fillStyle = 'rgba(200, 0, 0, 0.35)';
    g.strokeStyle = '#c00000';
    g.lineWidth = 1.5;
    for (const { line } of open) {
      const r = [Math.floor(line.x * s), Math.floor(line.y * s), Math.max(2, Math.ceil(line.width * s)), Math.max(2, Math.ceil(line.height * s))];
      g.fillRect(...r);
      g.strokeRect(...r);
    }
  }

  /** Cover them: a suggested box for each line not covered (one undo step), then the review again. */
  #coverThem() {
    const state = this.#state;
    const image = state.review?.image;
    if (!image || !state.images.includes(image)) return;
    const open = state.uncovered(image, 'suggested');
    if (!open.length) return;
    state.coverLines(
      open.map(({ index }) => index),
      { imageId: image.id },
    );
    state.selectImage(image.id);
    state.setStatus(`Covered ${plural(open.length, 'line')}. Exporting again…`);
    this.#host.exportCurrent();
  }
}
