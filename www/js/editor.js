// The canvas editor: shows the preview the worker decoded and lets a person drag boxes over it
// with mouse, pen or touch (Pointer Events). Boxes are kept in full-resolution pixels of the
// image as seen, which is what the core burns; they are drawn opaque, exactly as burned.

const MIN_DRAG_PX = 3; // on screen: anything smaller is a click or a tap, not a box
const FILL = '#000000';

export class Editor {
  /**
   * @param {HTMLCanvasElement} canvas
   * @param {() => void} onChange called whenever the list of boxes changes
   */
  constructor(canvas, onChange) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d', { alpha: false });
    this.onChange = onChange;
    this.image = null; // { width, height, bitmap }
    this.boxes = [];
    this.drag = null; // { pointerId, x0, y0, x1, y1, sx, sy } (image px, screen px)

    canvas.addEventListener('pointerdown', (e) => this.#down(e));
    canvas.addEventListener('pointermove', (e) => this.#move(e));
    canvas.addEventListener('pointerup', (e) => this.#up(e));
    canvas.addEventListener('pointercancel', (e) => this.#cancel(e));
    canvas.addEventListener('lostpointercapture', (e) => this.#cancel(e));
  }

  /**
   * Shows a new image; clears boxes.
   * @param {{width:number, height:number, previewWidth:number, previewHeight:number, rgba:ArrayBuffer}} p
   */
  async setImage(p) {
    const pixels = new ImageData(new Uint8ClampedArray(p.rgba), p.previewWidth, p.previewHeight);
    const bitmap = await createImageBitmap(pixels);
    this.image?.bitmap.close();
    this.image = { width: p.width, height: p.height, bitmap };
    // The backing store is the preview's size (≤ 2048 a side, far under 16.7 M pixels);
    // CSS scales it to fit the page.
    this.canvas.width = p.previewWidth;
    this.canvas.height = p.previewHeight;
    this.boxes = [];
    this.drag = null;
    this.#draw();
    this.onChange();
  }

  hasImage() {
    return this.image !== null;
  }

  undo() {
    this.boxes.pop();
    this.#draw();
    this.onChange();
  }

  clear() {
    this.boxes = [];
    this.#draw();
    this.onChange();
  }

  /** Boxes in full-resolution image pixels, as the core's `Rect`. */
  rects() {
    return this.boxes.map((b) => ({ ...b }));
  }

  // Pointer position → full-resolution image pixels, clamped to the image.
  #toImage(e) {
    const r = this.canvas.getBoundingClientRect();
    const { width, height } = this.image;
    const fx = (e.clientX - r.left) / r.width;
    const fy = (e.clientY - r.top) / r.height;
    return {
      x: Math.min(Math.max(fx, 0), 1) * width,
      y: Math.min(Math.max(fy, 0), 1) * height,
    };
  }

  #down(e) {
    if (!this.image || this.drag) return;
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    e.preventDefault();
    this.canvas.setPointerCapture(e.pointerId);
    const p = this.#toImage(e);
    this.drag = { pointerId: e.pointerId, x0: p.x, y0: p.y, x1: p.x, y1: p.y, sx: e.clientX, sy: e.clientY };
    this.#draw();
  }

  #move(e) {
    if (!this.drag || e.pointerId !== this.drag.pointerId) return;
    e.preventDefault();
    const p = this.#toImage(e);
    this.drag.x1 = p.x;
    this.drag.y1 = p.y;
    this.#draw();
  }

  #up(e) {
    if (!this.drag || e.pointerId !== this.drag.pointerId) return;
    const d = this.drag;
    this.drag = null;
    const p = this.#toImage(e);
    d.x1 = p.x;
    d.y1 = p.y;
    const moved = Math.max(Math.abs(e.clientX - d.sx), Math.abs(e.clientY - d.sy));
    const box = normalise(d);
    if (moved >= MIN_DRAG_PX && box.width > 0 && box.height > 0) {
      this.boxes.push(box);
      this.onChange();
    }
    this.#draw();
  }

  #cancel(e) {
    if (!this.drag || e.pointerId !== this.drag.pointerId) return;
    this.drag = null;
    this.#draw();
  }

  #draw() {
    const { ctx, canvas } = this;
    if (!this.image) return;
    ctx.drawImage(this.image.bitmap, 0, 0);
    const scale = canvas.width / this.image.width;
    ctx.fillStyle = FILL;
    const all = this.drag ? [...this.boxes, normalise(this.drag)] : this.boxes;
    for (const b of all) {
      // Round outwards to whole image pixels, as the core does, then scale to the preview.
      const x0 = Math.floor(b.x) * scale;
      const y0 = Math.floor(b.y) * scale;
      const x1 = Math.ceil(b.x + b.width) * scale;
      const y1 = Math.ceil(b.y + b.height) * scale;
      ctx.fillRect(Math.floor(x0), Math.floor(y0), Math.ceil(x1) - Math.floor(x0), Math.ceil(y1) - Math.floor(y0));
    }
    if (this.drag) {
      // Outline the box being drawn so it stays visible over dark areas.
      const b = normalise(this.drag);
      ctx.save();
      ctx.strokeStyle = '#f2b705';
      ctx.lineWidth = Math.max(1, 2 / (canvas.getBoundingClientRect().width / canvas.width || 1));
      ctx.strokeRect(b.x * scale, b.y * scale, b.width * scale, b.height * scale);
      ctx.restore();
    }
  }
}

function normalise(d) {
  const x = Math.min(d.x0, d.x1);
  const y = Math.min(d.y0, d.y1);
  return { x, y, width: Math.abs(d.x1 - d.x0), height: Math.abs(d.y1 - d.y0) };
}
