// The canvas editor: shows the current image of an `EditorState` (its downscaled preview and
// its boxes) and turns what a person does with mouse, pen or touch (Pointer Events) or the
// keyboard into the state's intents: draw, select, move and resize opaque boxes; zoom and pan
// with pinch, wheel, buttons or keys. Boxes are whole pixels of the full-resolution image as
// seen (rounded outwards), which is exactly what the core burns.
//
// It owns no document state. What it keeps is what is in flight: a drag not yet let go (drawn
// over the state's boxes until the pointer is lifted, then sent as one intent, so one drag is
// one undo step and a cancelled drag leaves nothing behind), a pinch, and the canvas layout.
// It redraws whenever the state changes.
//
// Find text's boxes (`suggested`) are filled like any box, since they will be burned, and
// outlined with amber dashes; a tap on one removes it (a drag moves it and makes it a drawn
// box). Lines Find text found that no box covers are outlined faintly; a tap on one covers it.

const MIN_DRAG_PX = 3; // on screen: anything smaller is a tap, not a box
const MAX_ZOOM_PX = 32; // at most 32 CSS px per image pixel
const ZOOM_STEP = 1.5;
const HANDLE_TOUCH = 22; // hit radius in CSS px for a finger (a 44-px target)
const HANDLE_MOUSE = 9;
const MAX_BACKING_PIXELS = 16_000_000; // iOS Safari refuses canvases over 16.7 M pixels
/** The outline of a suggested box (amber dashes, over white) and of a found line left uncovered. */
export const SUGGESTED_COLOUR = '#e08a00';
const UNCOVERED_COLOUR = 'rgba(140, 60, 200, 0.85)';
/** State changes that replace the boxes under a drag in flight: the drag is dropped. */
const REPLACING = new Set(['image', 'undo', 'redo', 'clear', 'delete']);

const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);

export class Editor {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {import('./state.js').EditorState} state
   */
  constructor(canvas, state) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { alpha: false });
    this.state = state;
    this.shown = null; // the image laid out last
    this.cssWidth = 0;
    this.cssHeight = 0;
    this.action = null; // the single-pointer action in progress (drawn over the state's boxes)
    this.pointers = new Map(); // touch pointers down: id → {x, y}
    this.gesture = null; // two-finger pinch / pan
    this.coarse = globalThis.matchMedia?.('(pointer: coarse)').matches ?? false;
    this.raf = 0;
    state.subscribe((what) => this.#changed(what));

    canvas.addEventListener('pointerdown', (e) => this.#down(e));
    canvas.addEventListener('pointermove', (e) => this.#move(e));
    canvas.addEventListener('pointerup', (e) => this.#up(e));
    canvas.addEventListener('pointercancel', (e) => this.#cancel(e));
    canvas.addEventListener('lostpointercapture', (e) => this.#cancel(e));
    canvas.addEventListener('wheel', (e) => this.#wheel(e), { passive: false });
    canvas.addEventListener('keydown', (e) => this.#key(e));
    canvas.addEventListener('contextmenu', (e) => e.preventDefault());
    // Safari on a Mac sends trackpad pinches as gesture events rather than ctrl+wheel.
    let gestureScale = 1;
    canvas.addEventListener('gesturestart', (e) => {
      e.preventDefault();
      gestureScale = 1;
    });
    canvas.addEventListener('gesturechange', (e) => {
      if (this.pointers.size) return; // touch screens pinch through pointer events
      e.preventDefault();
      const r = canvas.getBoundingClientRect();
      this.zoomBy(e.scale / gestureScale, e.clientX - r.left, e.clientY - r.top);
      gestureScale = e.scale;
    });
  }

  /** The image shown: the state's current one. */
  get doc() {
    return this.state.current;
  }

  #changed(what) {
    if (this.action && REPLACING.has(what)) this.#abortAction();
    if (this.doc !== this.shown) {
      // Another image: lay it out (the canvas keeps the shape of the image at "fit").
      this.shown = this.doc;
      this.layout(this.availWidth ?? 0, this.availHeight ?? 0);
      return;
    }
    if (what === 'view' && this.gesture) this.#requestDraw();
    else if (['view', 'settings', 'select', 'add', 'move', 'resize', 'delete', 'clear', 'undo', 'redo', 'preview', 'found'].includes(what)) this.draw();
  }

  // ---- layout ----------------------------------------------------------------------------

  /** Sizes the canvas to fit the image within `availWidth` × `availHeight` CSS px. */
  layout(availWidth, availHeight) {
    this.availWidth = availWidth;
    this.availHeight = availHeight;
    const doc = this.doc;
    if (!doc || availWidth <= 0 || availHeight <= 0) return;
    const fit = Math.min(availWidth / doc.width, availHeight / doc.height);
    const w = Math.max(1, Math.floor(doc.width * fit));
    const h = Math.max(1, Math.floor(doc.height * fit));
    const oldW = this.cssWidth;
    const oldH = this.cssHeight;
    this.cssWidth = w;
    this.cssHeight = h;
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${h}px`;
    let dpr = globalThis.devicePixelRatio || 1;
    if (w * h * dpr * dpr > MAX_BACKING_PIXELS) dpr = Math.sqrt(MAX_BACKING_PIXELS / (w * h));
    this.dpr = dpr;
    this.canvas.width = Math.max(1, Math.round(w * dpr));
    this.canvas.height = Math.max(1, Math.round(h * dpr));
    const v = doc.view;
    if (!v || v.fit) {
      this.#setFit();
    } else {
      // Keep the centre of what was shown at the centre.
      const cx = (oldW / 2 - v.ox) / v.scale;
      const cy = (oldH / 2 - v.oy) / v.scale;
      this.#setView(Math.max(v.scale, this.fitScale()), w / 2 - cx * v.scale, h / 2 - cy * v.scale);
    }
  }

  fitScale() {
    const doc = this.doc;
    if (!doc || !this.cssWidth) return 1;
    // The canvas has the image's shape (to within a pixel of rounding): cover it exactly, so no
    // sliver of background shows at an edge.
    return Math.max(this.cssWidth / doc.width, this.cssHeight / doc.height);
  }

  #setFit() {
    const s = this.fitScale();
    const doc = this.doc;
    this.state.setView({
      scale: s,
      ox: (this.cssWidth - doc.width * s) / 2,
      oy: (this.cssHeight - doc.height * s) / 2,
      fit: true,
    });
  }

  #setView(scale, ox, oy) {
    const doc = this.doc;
    const fit = this.fitScale();
    const s = clamp(scale, fit, Math.max(fit, MAX_ZOOM_PX));
    const iw = doc.width * s;
    const ih = doc.height * s;
    ox = iw <= this.cssWidth ? (this.cssWidth - iw) / 2 : clamp(ox, this.cssWidth - iw, 0);
    oy = ih <= this.cssHeight ? (this.cssHeight - ih) / 2 : clamp(oy, this.cssHeight - ih, 0);
    this.state.setView({ scale: s, ox, oy, fit: s <= fit * 1.0001 });
  }

  // ---- zoom ------------------------------------------------------------------------------

  get zoom() {
    return this.doc?.view ? this.doc.view.scale / this.fitScale() : 1;
  }

  canZoomIn() {
    return !!this.doc?.view && this.doc.view.scale < Math.max(this.fitScale(), MAX_ZOOM_PX) * 0.999;
  }

  canZoomOut() {
    return !!this.doc?.view && !this.doc.view.fit;
  }

  /** Zooms by `factor` around a point in CSS px of the canvas (its centre by default). */
  zoomBy(factor, cx = this.cssWidth / 2, cy = this.cssHeight / 2) {
    const v = this.doc?.view;
    if (!v) return;
    const ix = (cx - v.ox) / v.scale;
    const iy = (cy - v.oy) / v.scale;
    const s = v.scale * factor;
    const fit = this.fitScale();
    if (clamp(s, fit, Math.max(fit, MAX_ZOOM_PX)) <= fit * 1.0001) this.#setFit();
    else this.#setView(s, cx - ix * s, cy - iy * s);
  }

  zoomIn() {
    this.zoomBy(ZOOM_STEP);
  }

  zoomOut() {
    this.zoomBy(1 / ZOOM_STEP);
  }

  fit() {
    if (this.doc) this.#setFit();
  }

  panBy(dx, dy) {
    const v = this.doc?.view;
    if (!v) return;
    this.#setView(v.scale, v.ox + dx, v.oy + dy);
  }

  /** Adds a box in the middle of what is shown (a fifth of the view each way) and selects it. */
  addBox() {
    const doc = this.doc;
    const v = doc?.view;
    if (!v) return;
    const x0 = Math.max(0, -v.ox / v.scale);
    const y0 = Math.max(0, -v.oy / v.scale);
    const x1 = Math.min(doc.width, (this.cssWidth - v.ox) / v.scale);
    const y1 = Math.min(doc.height, (this.cssHeight - v.oy) / v.scale);
    const w = Math.max(1, Math.round((x1 - x0) / 5));
    const h = Math.max(1, Math.round((y1 - y0) / 5));
    const x = clamp(Math.round((x0 + x1) / 2 - w / 2), 0, doc.width - w);
    const y = clamp(Math.round((y0 + y1) / 2 - h / 2), 0, doc.height - h);
    this.state.addBoxes([{ x, y, width: w, height: h }]);
  }

  /** Moves (or with `resize`, grows/shrinks) the selected box by whole image pixels. */
  nudge(dx, dy, resize = false) {
    const doc = this.doc;
    if (!doc || doc.selected < 0) return;
    const b = { ...doc.boxes[doc.selected] };
    if (resize) {
      b.width = clamp(b.width + dx, 1, doc.width - b.x);
      b.height = clamp(b.height + dy, 1, doc.height - b.y);
    } else {
      b.x = clamp(b.x + dx, 0, doc.width - b.width);
      b.y = clamp(b.y + dy, 0, doc.height - b.height);
    }
    this.state.changeBox(doc.selected, b, { resize, keys: true });
  }

  // ---- pointer input ---------------------------------------------------------------------

  #local(e) {
    const r = this.canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  #toImage(p) {
    const v = this.doc.view;
    return { x: (p.x - v.ox) / v.scale, y: (p.y - v.oy) / v.scale };
  }

  #handleRadius(e) {
    return e.pointerType === 'touch' ? HANDLE_TOUCH : HANDLE_MOUSE;
  }

  /** Screen rectangle of box `b` in CSS px. */
  #screenRect(b) {
    const v = this.doc.view;
    return { x: v.ox + b.x * v.scale, y: v.oy + b.y * v.scale, w: b.width * v.scale, h: b.height * v.scale };
  }

  #hitHandle(p, radius) {
    const doc = this.doc;
    if (doc.selected < 0) return null;
    const r = this.#screenRect(doc.boxes[doc.selected]);
    // On a box too small for its handles, a touch inside it moves it; handles are reached
    // from just outside.
    const small = Math.min(r.w, r.h) < 2 * radius + 12;
    if (small && p.x > r.x && p.x < r.x + r.w && p.y > r.y && p.y < r.y + r.h) return null;
    let best = null;
    let bestD = Infinity;
    for (const [name, hx, hy] of handles(r, small)) {
      const d = Math.hypot(p.x - hx, p.y - hy);
      if (d <= radius && d < bestD) {
        best = name;
        bestD = d;
      }
    }
    return best;
  }

  #hitBox(p) {
    const boxes = this.doc.boxes;
    // The selected box first, then the topmost.
    const order = [this.doc.selected, ...boxes.map((_, i) => boxes.length - 1 - i)];
    for (const i of order) {
      if (i < 0) continue;
      const r = this.#screenRect(boxes[i]);
      if (p.x >= r.x && p.x <= r.x + r.w && p.y >= r.y && p.y <= r.y + r.h) return i;
    }
    return -1;
  }

  /** The index (in `found.lines`) of the uncovered found line under image point `q`, or -1. */
  #hitUncovered(q) {
    for (const { line, index } of this.state.uncovered(this.doc)) {
      if (q.x >= line.x && q.x <= line.x + line.width && q.y >= line.y && q.y <= line.y + line.height) return index;
    }
    return -1;
  }

  #down(e) {
    if (!this.doc?.view) return;
    if (e.pointerType === 'mouse' && e.button !== 0 && e.button !== 1) return;
    e.preventDefault();
    this.canvas.focus({ preventScroll: true, focusVisible: false });
    const p = this.#local(e);
    if (e.pointerType === 'touch') {
      this.pointers.set(e.pointerId, p);
      if (this.pointers.size === 2) {
        this.#abortAction();
        this.#startGesture();
        return;
      }
      if (this.pointers.size > 2 || this.gesture) return;
    }
    if (this.action) return;
    try {
      this.canvas.setPointerCapture(e.pointerId);
    } catch {
      // a synthetic pointer cannot be captured; the action still works
    }
    this.state.newStep(); // a run of keyboard edits ends here
    const doc = this.doc;
    const base = { pointerId: e.pointerId, start: p, changed: false };
    if (e.pointerType === 'mouse' && e.button === 1) {
      this.action = { ...base, kind: 'pan', view: { ...doc.view } };
      return;
    }
    const handle = this.#hitHandle(p, this.#handleRadius(e));
    if (handle) {
      const box = doc.boxes[doc.selected];
      this.action = { ...base, kind: 'resize', handle, index: doc.selected, box, now: box };
      return;
    }
    const hit = this.#hitBox(p);
    if (hit >= 0) {
      // Shown selected at once; the state hears of it when the pointer is lifted (a move then
      // selects it in the same undo step, so undo puts the old selection back too).
      this.action = { ...base, kind: 'move', index: hit, box: doc.boxes[hit], now: doc.boxes[hit] };
      this.draw();
      return;
    }
    this.action = { ...base, kind: 'draw', p0: this.#clampImage(this.#toImage(p)), p1: null };
  }

  #clampImage(q) {
    return { x: clamp(q.x, 0, this.doc.width), y: clamp(q.y, 0, this.doc.height) };
  }

  #move(e) {
    if (e.pointerType === 'touch' && this.pointers.has(e.pointerId)) {
      this.pointers.set(e.pointerId, this.#local(e));
      if (this.gesture) {
        e.preventDefault();
        this.#updateGesture();
        return;
      }
    }
    const a = this.action;
    if (!a || e.pointerId !== a.pointerId) return;
    e.preventDefault();
    const p = this.#local(e);
    const doc = this.doc;
    const v = doc.view;
    const moved = Math.max(Math.abs(p.x - a.start.x), Math.abs(p.y - a.start.y));
    if (a.kind === 'pan') {
      this.#setView(a.view.scale, a.view.ox + p.x - a.start.x, a.view.oy + p.y - a.start.y);
      return;
    }
    if (moved < MIN_DRAG_PX && !a.changed) return;
    a.changed = true;
    const dx = Math.round((p.x - a.start.x) / v.scale);
    const dy = Math.round((p.y - a.start.y) / v.scale);
    if (a.kind === 'draw') {
      a.p1 = this.#clampImage(this.#toImage(p));
    } else if (a.kind === 'move') {
      const b = a.box;
      a.now = { ...b, x: clamp(b.x + dx, 0, doc.width - b.width), y: clamp(b.y + dy, 0, doc.height - b.height) };
    } else if (a.kind === 'resize') {
      a.now = resizeBox(a.box, a.handle, dx, dy, doc.width, doc.height);
    }
    this.#requestDraw();
  }

  #up(e) {
    if (e.pointerType === 'touch') {
      this.pointers.delete(e.pointerId);
      if (this.gesture) {
        if (this.pointers.size < 2) {
          this.gesture = null;
          this.draw();
        }
        return;
      }
    }
    const a = this.action;
    if (!a || e.pointerId !== a.pointerId) return;
    this.action = null;
    const doc = this.doc;
    if (a.kind === 'pan') return;
    if (a.kind === 'draw') {
      const p = this.#local(e);
      const moved = Math.max(Math.abs(p.x - a.start.x), Math.abs(p.y - a.start.y));
      if (a.changed || moved >= MIN_DRAG_PX) {
        const box = wholePixels(a.p0, this.#clampImage(this.#toImage(p)), doc.width, doc.height);
        if (box) {
          this.state.addBoxes([box]);
          return;
        }
      } else {
        // A tap on a found line no box covers: cover it.
        const line = this.#hitUncovered(this.#toImage(p));
        if (line >= 0) {
          this.state.coverLines([line]);
          return;
        }
        if (doc.selected >= 0) {
          // A tap on the image outside every box: deselect.
          this.state.select(-1);
          return;
        }
      }
      this.draw();
      return;
    }
    // move / resize: one step that also selects the box; a tap only selects it
    const was = a.box;
    const now = a.now;
    if (now.x !== was.x || now.y !== was.y || now.width !== was.width || now.height !== was.height) {
      this.state.changeBox(a.index, now, { resize: a.kind === 'resize' });
    } else if (a.kind === 'move' && was.suggested) {
      // A tap on a suggested box removes it (one undo step).
      this.state.deleteBox(a.index);
    } else {
      this.state.select(a.index);
    }
  }

  #cancel(e) {
    if (e.pointerType === 'touch') {
      this.pointers.delete(e.pointerId);
      if (this.gesture && this.pointers.size < 2) this.gesture = null;
    }
    if (this.action && e.pointerId === this.action.pointerId && e.type === 'pointercancel') this.#abortAction();
  }

  /** Drops the pointer action in progress (it has changed nothing in the state yet). */
  #abortAction() {
    if (!this.action) return;
    this.action = null;
    this.draw();
  }

  #startGesture() {
    const [p, q] = [...this.pointers.values()];
    const v = this.doc.view;
    const mid = { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    this.gesture = {
      d0: Math.max(1, Math.hypot(p.x - q.x, p.y - q.y)),
      ix: (mid.x - v.ox) / v.scale,
      iy: (mid.y - v.oy) / v.scale,
      s0: v.scale,
    };
  }

  #updateGesture() {
    const pts = [...this.pointers.values()];
    if (pts.length < 2) return;
    const [p, q] = pts;
    const g = this.gesture;
    const mid = { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    const s = g.s0 * (Math.hypot(p.x - q.x, p.y - q.y) / g.d0);
    this.#setView(s, mid.x - g.ix * s, mid.y - g.iy * s); // drawn at the next frame (see #changed)
  }

  #wheel(e) {
    const v = this.doc?.view;
    if (!v) return;
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? this.cssHeight : 1;
    if (e.ctrlKey || e.metaKey) {
      // Trackpad pinch (sent as ctrl+wheel) or Ctrl/⌘ + wheel: zoom around the pointer.
      e.preventDefault();
      const p = this.#local(e);
      this.zoomBy(Math.exp((-e.deltaY * unit) / 300), p.x, p.y);
      return;
    }
    if (v.fit) return; // nothing to pan: let the page scroll
    e.preventDefault();
    const dx = (e.shiftKey && !e.deltaX ? e.deltaY : e.deltaX) * unit;
    const dy = (e.shiftKey && !e.deltaX ? 0 : e.deltaY) * unit;
    this.panBy(-dx, -dy);
  }

  // ---- keyboard ----------------------------------------------------------------------------

  #key(e) {
    const doc = this.doc;
    if (!doc) return;
    const k = e.key;
    const mod = e.ctrlKey || e.metaKey;
    const arrows = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    let handled = true;
    if (k in arrows && !e.altKey) {
      const [ux, uy] = arrows[k];
      if (doc.selected >= 0) {
        const step = mod ? 1 : Math.max(1, Math.round(8 / doc.view.scale));
        this.nudge(ux * step, uy * step, e.shiftKey);
      } else {
        this.panBy(-ux * 40, -uy * 40);
      }
    } else if (mod) {
      handled = false; // Ctrl/⌘ shortcuts (undo, redo) are handled by the page
    } else if (k === 'n' || k === 'N' || k === 'Enter' || k === 'Insert') {
      this.addBox();
    } else if (k === 'Delete' || k === 'Backspace') {
      this.state.deleteBox();
    } else if (k === ']') {
      if (doc.boxes.length) this.state.select((doc.selected + 1) % doc.boxes.length);
    } else if (k === '[') {
      if (doc.boxes.length) this.state.select(doc.selected <= 0 ? doc.boxes.length - 1 : doc.selected - 1);
    } else if (k === 'Escape') {
      if (doc.selected >= 0) this.state.select(-1);
      else handled = false;
    } else if (k === '+' || k === '=') {
      this.zoomIn();
    } else if (k === '-' || k === '_') {
      this.zoomOut();
    } else if (k === '0') {
      this.fit();
    } else {
      handled = false;
    }
    if (handled) e.preventDefault();
  }

  // ---- drawing -----------------------------------------------------------------------------

  #requestDraw() {
    if (this.raf) return;
    this.raf = requestAnimationFrame(() => {
      this.raf = 0;
      this.draw();
    });
  }

  draw() {
    const { ctx, canvas, doc } = this;
    // The preview, or until it is decoded (after switching images) the thumbnail, enlarged.
    const picture = doc?.bitmap ?? doc?.thumb;
    if (!doc?.view || !picture) return;
    const v = doc.view;
    const dpr = this.dpr || 1;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    // Sharp pixels once a preview pixel is larger than a screen pixel.
    const previewScale = (v.scale * doc.width) / picture.width;
    ctx.imageSmoothingEnabled = previewScale * dpr < 2 || picture !== doc.bitmap;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(picture, v.ox, v.oy, doc.width * v.scale, doc.height * v.scale);
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = this.state.settings.fill;
    // The state's boxes, with a box being moved or resized where the pointer has it.
    const a = this.action;
    const held = a?.kind === 'move' || a?.kind === 'resize' ? a.index : -1;
    const boxes = held >= 0 ? doc.boxes.map((b, i) => (i === held ? a.now : b)) : doc.boxes;
    const selected = held >= 0 ? held : doc.selected;
    const all = [...boxes];
    let drawing = null;
    if (a?.kind === 'draw' && a.p1) {
      drawing = wholePixels(a.p0, a.p1, doc.width, doc.height);
      if (drawing) all.push(drawing);
    }
    // Found lines no box covers: a faint outline each (none while a box is held: it is moving).
    if (doc.found && !(held >= 0)) {
      ctx.save();
      ctx.lineWidth = Math.max(1, dpr);
      ctx.strokeStyle = UNCOVERED_COLOUR;
      ctx.setLineDash([2 * dpr, 3 * dpr]);
      for (const { line } of this.state.uncovered(doc)) {
        const r = this.#deviceRect(line);
        ctx.strokeRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1);
      }
      ctx.restore();
    }
    for (const b of all) {
      const r = this.#deviceRect(b);
      ctx.fillRect(r.x, r.y, r.w, r.h);
    }
    // Suggested boxes: amber dashes over white, just outside the box (one path each colour).
    const suggested = boxes.filter((b, i) => b.suggested && i !== selected);
    if (suggested.length) {
      ctx.save();
      ctx.lineWidth = 2 * dpr;
      for (const [colour, dash] of [['#ffffff', []], [SUGGESTED_COLOUR, [5 * dpr, 3 * dpr]]]) {
        ctx.beginPath();
        for (const b of suggested) {
          const r = this.#deviceRect(b);
          ctx.rect(r.x - dpr, r.y - dpr, r.w + 2 * dpr, r.h + 2 * dpr);
        }
        ctx.strokeStyle = colour;
        ctx.setLineDash(dash);
        ctx.stroke();
      }
      ctx.restore();
    }
    const outline = (b, dashed) => {
      const r = this.#deviceRect(b);
      ctx.save();
      ctx.lineWidth = 2 * dpr;
      ctx.strokeStyle = '#ffffff';
      ctx.strokeRect(r.x - dpr, r.y - dpr, r.w + 2 * dpr, r.h + 2 * dpr);
      ctx.strokeStyle = '#1f5fbf';
      if (dashed) ctx.setLineDash([6 * dpr, 4 * dpr]);
      ctx.strokeRect(r.x - dpr, r.y - dpr, r.w + 2 * dpr, r.h + 2 * dpr);
      ctx.restore();
    };
    if (drawing) outline(drawing, true);
    if (selected >= 0 && selected < boxes.length && a?.kind !== 'draw') {
      const b = boxes[selected];
      outline(b, false);
      const size = (this.coarse ? 16 : 10) * dpr;
      const r = this.#screenRect(b);
      ctx.save();
      ctx.lineWidth = 2 * dpr;
      for (const [, hx, hy] of handles(r, Math.min(r.w, r.h) * dpr < 4 * size)) {
        const x = Math.round(hx * dpr - size / 2);
        const y = Math.round(hy * dpr - size / 2);
        ctx.fillStyle = '#ffffff';
        ctx.fillRect(x, y, size, size);
        ctx.strokeStyle = '#1f5fbf';
        ctx.strokeRect(x, y, size, size);
      }
      ctx.restore();
    }
  }

  /** Device-pixel rectangle of a box, rounded outwards so it covers what will be burned. */
  #deviceRect(b) {
    const r = this.#screenRect(b);
    const d = this.dpr || 1;
    const x0 = Math.floor(r.x * d);
    const y0 = Math.floor(r.y * d);
    return { x: x0, y: y0, w: Math.ceil((r.x + r.w) * d) - x0, h: Math.ceil((r.y + r.h) * d) - y0 };
  }
}

/** Resize handles of a screen rectangle: corners, and edge middles unless `cornersOnly`. */
function handles(r, cornersOnly = false) {
  const cx = r.x + r.w / 2;
  const cy = r.y + r.h / 2;
  const x1 = r.x + r.w;
  const y1 = r.y + r.h;
  const corners = [
    ['nw', r.x, r.y],
    ['ne', x1, r.y],
    ['se', x1, y1],
    ['sw', r.x, y1],
  ];
  if (cornersOnly) return corners;
  return [
    ...corners,
    ['n', cx, r.y],
    ['e', x1, cy],
    ['s', cx, y1],
    ['w', r.x, cy],
  ];
}

/** The whole-pixel box spanned by two points, rounded outwards; null when it has no size. */
function wholePixels(p, q, width, height) {
  const x0 = clamp(Math.floor(Math.min(p.x, q.x)), 0, width);
  const y0 = clamp(Math.floor(Math.min(p.y, q.y)), 0, height);
  const x1 = clamp(Math.ceil(Math.max(p.x, q.x)), 0, width);
  const y1 = clamp(Math.ceil(Math.max(p.y, q.y)), 0, height);
  if (x1 - x0 < 1 || y1 - y0 < 1) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

function resizeBox(b, handle, dx, dy, width, height) {
  let x0 = b.x;
  let y0 = b.y;
  let x1 = b.x + b.width;
  let y1 = b.y + b.height;
  if (handle.includes('w')) x0 += dx;
  if (handle.includes('e')) x1 += dx;
  if (handle.includes('n')) y0 += dy;
  if (handle.includes('s')) y1 += dy;
  const l = clamp(Math.min(x0, x1), 0, width - 1);
  const r = clamp(Math.max(x0, x1), l + 1, width);
  const t = clamp(Math.min(y0, y1), 0, height - 1);
  const btm = clamp(Math.max(y0, y1), t + 1, height);
  return { x: l, y: t, width: r - l, height: btm - t };
}
