// The editor's state and its one owner. Everything the editor shows is rendered from an
// `EditorState`, and everything a person does reaches it as an intent (a method call below);
// the canvas (editor.js) and the element (occlude-editor.js) keep only what is in flight (a
// drag not yet let go, the layout of the canvas), never a second copy.
//
// What it holds:
// - images: every open image, each with its own boxes, selection, undo/redo history and view
//   (zoom and pan), so switching images keeps everything each one had. Memory: an image keeps
//   its File (a Blob: disk-backed, not a copy in the page), a small thumbnail and what the
//   engine said about it; only the CURRENT image holds a full preview bitmap (switching closes
//   the others', and the element decodes the new one's again), so twenty open 12 MP photos
//   cost twenty thumbnails and one preview;
// - the current image; the settings (fill, format, quality);
// - the screen, one explicit value: 'start' (nothing open), 'edit', 'review' (the exported
//   file, with `review` describing it) or 'review-all' (Export all: `batch`);
// - region templates (the device's own and the practice's) and a template offered for images
//   just opened;
// - busy (a job is running in the worker), the status line, and whether the one-time checklist
//   was answered in this session.
//
// The undo rules live here: every change of boxes is one step (at most UNDO_LIMIT kept per
// image); a step records the boxes and the selection before it; a new change clears redo; a run
// of keyboard edits of one box is one step until anything else happens (or `newStep()`).
//
// Listeners (`subscribe`) are called after every change with what changed: 'image' (opened,
// closed or switched), 'add', 'delete', 'clear', 'move', 'resize', 'select', 'undo', 'redo',
// 'view', 'settings', 'screen', 'busy', 'status', 'preview', 'templates', 'offer', 'batch', 'found'.
// No DOM here: it runs in Node for its tests.
//
// Find text (js/find-text.js) adds boxes marked `suggested: true`: ordinary boxes (exported,
// undone, copied like any other) that the canvas draws with a dashed outline and that a tap
// removes. Editing one (a move or a resize) makes it a drawn box. What the finder found is kept
// per image (`found`, not part of the undo history), so the canvas can show the lines left
// uncovered and the review can say which are not covered (cover.js).

import { suggestedBox, uncoveredLines } from './cover.js';

export const UNDO_LIMIT = 200;

/** @typedef {{x: number, y: number, width: number, height: number, suggested?: boolean, why?: string}} Box  full-resolution whole pixels of the image as seen; `suggested`: added by Find text (or Cover every…) and not edited since; `why`: what reading said it holds */
/**
 * @typedef {object} FoundLine  a line of text Find text found (the worker's, as is)
 * @property {number} x
 * @property {number} y
 * @property {number} width
 * @property {number} height
 * @property {number[][]|null} [quad]
 * @property {number} [confidence]
 * @property {string} [text]       with reading (issue 17): what it read
 * @property {'identifier'|'clinical'|'other'} [kind]
 * @property {boolean} [suggested] with reading: false for a line left clear on purpose (not boxed)
 * @property {string} [why]        with reading: plain words ("a date", "an NHS number")
 */
/** @typedef {{scale: number, ox: number, oy: number, fit: boolean}} View  CSS px per image pixel and offset */
/**
 * @typedef {object} OpenImage
 * @property {number} id
 * @property {number} width   full size as seen; boxes are in these pixels
 * @property {number} height
 * @property {ImageBitmap|null} bitmap  the downscaled preview: the current image's only
 * @property {*} thumb        what the strip shows (and the canvas until the preview is decoded)
 * @property {Blob} file      the file as opened (read again for a preview or an export)
 * @property {object} info    what the worker said on opening (format, orientation, inspection)
 * @property {boolean} offered  a template was offered for it (never twice)
 * @property {Box[]} boxes
 * @property {number} selected  index into boxes, or -1
 * @property {{boxes: Box[], selected: number}[]} undo
 * @property {{boxes: Box[], selected: number}[]} redo
 * @property {View|null} view  null until first laid out
 * @property {{lines: FoundLine[]}|null} found  what Find text found on it (null: it has not run)
 */

const copyBoxes = (boxes) => boxes.map((b) => ({ ...b }));
const sameBox = (a, b) => a.x === b.x && a.y === b.y && a.width === b.width && a.height === b.height;

export class EditorState {
  /** @type {OpenImage[]} */
  images = [];
  /** @type {number|null} */
  currentId = null;
  /** @type {'start'|'edit'|'review'} */
  screen = 'start';
  settings = { fill: '#000000', format: 'auto', quality: 90 };
  busy = false;
  status = { text: '', error: false };
  /** The exported file on the review screen: {image, blob, name, report, file, canShare}. */
  review = null;
  /** Export all on its review screen: {when, stamp, items: [{index, image, name, blob, report, asIs, include}]}. */
  batch = null;
  /** Progress of a job of several steps ({done, total}), or null. */
  progress = null;
  /** Region templates: the device's own ({id, template}), the practice's (templates), and a note on either. */
  templates = { own: [], practice: [], note: '' };
  /** A template offered for images just opened: {template, ids} or null. */
  offer = null;
  /** The one-time "Before you share" checklist was answered in this session. */
  checklistDone = false;

  #listeners = new Set();
  #nextId = 1;
  /** {image, index} while consecutive keyboard edits of one box are one undo step. */
  #keyStep = null;

  /** Calls `fn(what, state)` after every change; returns the function that unsubscribes. */
  subscribe(fn) {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #emit(what) {
    for (const fn of [...this.#listeners]) fn(what, this);
  }

  /** @returns {OpenImage|null} */
  get current() {
    return this.image(this.currentId);
  }

  /** The open image with `id`, or null. */
  image(id) {
    return this.images.find((im) => im.id === id) ?? null;
  }

  // ---- images ------------------------------------------------------------------------------

  /** Adds an opened image and makes it the current one, on the edit screen. */
  addImage({ width, height, bitmap = null, thumb = null, file = null, info = {} }) {
    const image = { id: this.#nextId++, width, height, bitmap, thumb, file, info, boxes: [], selected: -1, undo: [], redo: [], view: null, offered: false, found: null };
    this.images.push(image);
    this.#show(image);
    return image;
  }

  /** The decoded preview of image `id`; kept only while it is the current image (else closed at once). */
  setPreview(id, bitmap) {
    const image = this.image(id);
    if (!image || image !== this.current || image.bitmap) {
      bitmap?.close?.();
      return;
    }
    image.bitmap = bitmap;
    this.#emit('preview');
  }

  /** Makes the image with `id` the current one and goes to the edit screen. */
  selectImage(id) {
    const image = this.image(id);
    if (image) this.#show(image);
  }

  /** Closes the current image; the next one (or the one before) becomes current. Returns it, or null. */
  closeImage() {
    const image = this.current;
    if (!image) return null;
    const i = this.images.indexOf(image);
    this.images.splice(i, 1);
    image.bitmap?.close?.();
    image.bitmap = null;
    const next = this.images[Math.min(i, this.images.length - 1)] ?? null;
    this.#show(next);
    return next;
  }

  #show(image) {
    this.#keyStep = null;
    // One full preview at a time: the others' are closed (their thumbnails stay).
    for (const other of this.images) {
      if (other !== image && other.bitmap) {
        other.bitmap.close?.();
        other.bitmap = null;
      }
    }
    this.currentId = image?.id ?? null;
    this.screen = image ? 'edit' : 'start';
    this.#emit('image');
  }

  // ---- boxes of the current image ------------------------------------------------------------

  get canUndo() {
    return (this.current?.undo.length ?? 0) > 0;
  }

  get canRedo() {
    return (this.current?.redo.length ?? 0) > 0;
  }

  /** The current image's boxes as the core's `Rect`s (copies, nothing but the four numbers). */
  rects() {
    return (this.current?.boxes ?? []).map(({ x, y, width, height }) => ({ x, y, width, height }));
  }

  /** Selects box `i` of the current image (-1, or any index out of range, selects none). */
  select(i) {
    const image = this.current;
    if (!image) return;
    this.#keyStep = null;
    image.selected = i >= 0 && i < image.boxes.length ? i : -1;
    this.#emit('select');
  }

  /**
   * Adds boxes in one undo step and selects the last; to the current image, or to the open image
   * `imageId` (each image keeps its own history, so adding to several is a step in each).
   */
  addBoxes(boxes, { imageId = this.currentId } = {}) {
    const image = this.image(imageId);
    if (!image || !boxes.length) return;
    this.#step(image);
    image.boxes.push(...copyBoxes(boxes));
    image.selected = image.boxes.length - 1;
    this.#emit('add');
  }

  /**
   * Replaces box `i` (moved or resized) and selects it, in one undo step. With `keys`, a run of
   * keyboard edits of the same box is one step.
   */
  changeBox(i, box, { resize = false, keys = false } = {}) {
    const image = this.current;
    if (!image || i < 0 || i >= image.boxes.length || sameBox(image.boxes[i], box)) return;
    const continuing = keys && this.#keyStep?.image === image && this.#keyStep.index === i;
    if (!continuing) this.#step(image);
    // An edited suggestion is the user's own box from now on (and no longer says why it was suggested).
    const { suggested, why, ...edited } = { ...image.boxes[i], ...box };
    image.boxes[i] = edited;
    image.selected = i;
    this.#keyStep = keys ? { image, index: i } : null;
    this.#emit(resize ? 'resize' : 'move');
  }

  /**
   * Find text's result for the open image `imageId`: keeps the lines it found and adds, in one
   * undo step, a suggested box for each line it suggests covering (every line, unless reading
   * said `suggested: false`) that boxes do not cover already. Returns the number of boxes added.
   */
  setFound(imageId, lines) {
    const image = this.image(imageId);
    if (!image) return 0;
    image.found = { lines: lines.map((l) => ({ ...l })) };
    const add = uncoveredLines(image.found.lines, image.boxes, 'suggested').map(({ line }) => suggestedBox(line));
    if (!add.length) {
      this.#emit('found');
      return 0;
    }
    this.#step(image);
    image.boxes.push(...add);
    image.selected = -1;
    this.#emit('add');
    return add.length;
  }

  /** Covers found lines of the open image `imageId` (by their index in `found.lines`) with suggested boxes, in one undo step. */
  coverLines(indices, { imageId = this.currentId } = {}) {
    const image = this.image(imageId);
    const lines = indices.map((i) => image?.found?.lines[i]).filter(Boolean);
    if (!lines.length) return;
    this.#step(image);
    image.boxes.push(...lines.map(suggestedBox));
    image.selected = -1;
    this.#emit('add');
  }

  /** The found lines of an image (the current one by default) that its boxes leave uncovered: [{line, index}]. */
  uncovered(image = this.current, which = 'all') {
    return image?.found ? uncoveredLines(image.found.lines, image.boxes, which) : [];
  }

  /** Deletes box `i` of the current image (by default the selected one). */
  deleteBox(i = this.current?.selected ?? -1) {
    const image = this.current;
    if (!image || i < 0 || i >= image.boxes.length) return;
    this.#step(image);
    image.boxes.splice(i, 1);
    if (image.selected === i) image.selected = image.boxes.length ? Math.min(i, image.boxes.length - 1) : -1;
    else if (image.selected > i) image.selected--;
    this.#emit('delete');
  }

  /** Removes every box of the current image (one undo step). */
  clearBoxes() {
    const image = this.current;
    if (!image || !image.boxes.length) return;
    this.#step(image);
    image.boxes = [];
    image.selected = -1;
    this.#emit('clear');
  }

  undo() {
    this.#travel('undo', 'redo');
  }

  redo() {
    this.#travel('redo', 'undo');
  }

  /** Ends a run of keyboard edits: the next change is a step of its own. */
  newStep() {
    this.#keyStep = null;
  }

  /** Records the current image's boxes and selection as an undo step before a change. */
  #step(image) {
    this.#keyStep = null;
    image.undo.push(this.#snapshot(image));
    if (image.undo.length > UNDO_LIMIT) image.undo.shift();
    image.redo = [];
  }

  #snapshot(image) {
    return { boxes: copyBoxes(image.boxes), selected: image.selected };
  }

  #travel(from, to) {
    const image = this.current;
    if (!image || !image[from].length) return;
    this.#keyStep = null;
    image[to].push(this.#snapshot(image));
    const state = image[from].pop();
    image.boxes = copyBoxes(state.boxes);
    image.selected = Math.min(state.selected, image.boxes.length - 1);
    this.#emit(from);
  }

  // ---- view, settings, screen ---------------------------------------------------------------

  /** The current image's zoom and pan (not an undo step). */
  setView(view) {
    const image = this.current;
    if (!image) return;
    image.view = { ...view };
    this.#emit('view');
  }

  /** Changes some of {fill, format, quality}. */
  setSettings(changes) {
    if (Object.entries(changes).every(([k, v]) => this.settings[k] === v)) return;
    this.settings = { ...this.settings, ...changes };
    this.#emit('settings');
  }

  /** Export all is done: show every new file on its review screen. */
  showBatch(batch) {
    this.batch = batch;
    this.screen = 'review-all';
    this.#emit('screen');
  }

  /** Export all: whether item `i`, an image with no boxes, is sent as is too. */
  setIncluded(i, include) {
    const item = this.batch?.items[i];
    if (!item?.asIs || item.include === include) return;
    item.include = include;
    this.#emit('batch');
  }

  /** Changes some of {own, practice, note}. */
  setTemplates(changes) {
    this.templates = { ...this.templates, ...changes };
    this.#emit('templates');
  }

  /** Offers `template` for the images `ids` (null: no offer). */
  setOffer(offer) {
    this.offer = offer;
    this.#emit('offer');
  }

  /** Marks images as having had their template offer (made, taken or declined). */
  markOffered(ids) {
    for (const image of this.images) if (ids.includes(image.id)) image.offered = true;
  }

  /** The exported file is ready: show it on the review screen. */
  showReview(review) {
    this.review = review;
    this.screen = 'review';
    this.#emit('screen');
  }

  /** Leaves a review screen for the current image (or the start screen if none is open). */
  backToEditing() {
    if (this.screen !== 'review' && this.screen !== 'review-all') return;
    this.screen = this.current ? 'edit' : 'start';
    this.#emit('screen');
  }

  setBusy(busy, progress = null) {
    this.busy = busy;
    this.progress = busy ? progress : null;
    this.#emit('busy');
  }

  setStatus(text, { error = false } = {}) {
    this.status = { text, error };
    this.#emit('status');
  }

  checklistAnswered() {
    this.checklistDone = true;
  }
}
