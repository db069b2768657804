// The image engine: a module worker that owns the wasm core. Messages are
// `{id, type: 'open' | 'export', bytes: ArrayBuffer, ...}` ('open' also returns what `inspect()`
// reads, as `inspection`); replies are `{id, ok, result}` or
// `{id, ok: false, error: {name, message}}`. Result buffers are transferred, never copied.

import init, { inspect, preview, redact, version } from '../pkg/occlude.js';

const ready = init({ module_or_path: new URL('../pkg/occlude_bg.wasm', import.meta.url) });

async function open({ bytes, maxSide, background }) {
  const input = new Uint8Array(bytes);
  // What the file carries besides its pixels (headers only; cheap). Optional: an older core,
  // or a header it cannot read, still lets the image open.
  let inspection = null;
  try {
    inspection = JSON.parse(inspect(input));
  } catch {
    inspection = null;
  }
  const p = preview(input, maxSide, background);
  try {
    const rgba = p.take_rgba(); // a fresh Uint8Array outside wasm memory
    return {
      result: {
        width: p.width,
        height: p.height,
        previewWidth: p.preview_width,
        previewHeight: p.preview_height,
        format: p.format,
        orientation: p.orientation,
        hadAlpha: p.had_alpha,
        frames: p.frames,
        inspection,
        rgba: rgba.buffer,
      },
      transfer: [rgba.buffer],
    };
  } finally {
    p.free();
  }
}

async function exportFile({ bytes, boxes, options }) {
  const r = redact(new Uint8Array(bytes), JSON.stringify({ boxes, options }));
  try {
    const out = r.take_bytes();
    return {
      result: { bytes: out.buffer, mime: r.mime(), extension: r.extension(), report: JSON.parse(r.report_json()) },
      transfer: [out.buffer],
    };
  } finally {
    r.free();
  }
}

const handlers = {
  open,
  export: exportFile,
  version: async () => ({ result: version(), transfer: [] }),
};

self.addEventListener('message', async (e) => {
  const msg = e.data;
  try {
    await ready;
    const handler = handlers[msg.type];
    if (!handler) throw new Error(`unknown request ${String(msg.type)}`);
    const { result, transfer } = await handler(msg);
    self.postMessage({ id: msg.id, ok: true, result }, transfer);
  } catch (err) {
    const name = err instanceof WebAssembly.RuntimeError ? 'RuntimeError' : err?.name || 'Error';
    self.postMessage({ id: msg.id, ok: false, error: { name, message: String(err?.message ?? err) } });
  }
});
