// The benchmark's own engine worker: loads the same wasm module the app ships (../pkg/) and
// calls `redact` exactly as www/worker/worker.js does (same arguments, take_bytes, report_json),
// and also answers with the size of wasm linear memory, which the app's worker does not expose.
// One job per worker, as in the app (it ends the worker after every export).
//   → {type: 'init'}                      ← {ok, initMs, memory}
//   → {type: 'export', bytes, boxes, options}
//   ← {ok, result: {bytes, mime, report}, redactMs, memoryBefore, memoryAfter}

import init, { redact } from '../pkg/occlude.js';

let wasm = null;

self.addEventListener('message', async (e) => {
  const msg = e.data;
  try {
    if (msg.type === 'init') {
      const t0 = performance.now();
      wasm = await init({ module_or_path: new URL('../pkg/occlude_bg.wasm', import.meta.url) });
      self.postMessage({ ok: true, initMs: performance.now() - t0, memory: wasm.memory.buffer.byteLength });
      return;
    }
    if (msg.type === 'export') {
      const memoryBefore = wasm.memory.buffer.byteLength;
      const t0 = performance.now();
      const r = redact(new Uint8Array(msg.bytes), JSON.stringify({ boxes: msg.boxes, options: msg.options }));
      let out;
      let report;
      let mime;
      try {
        out = r.take_bytes();
        report = JSON.parse(r.report_json());
        mime = r.mime();
      } finally {
        r.free();
      }
      const redactMs = performance.now() - t0;
      self.postMessage(
        { ok: true, result: { bytes: out.buffer, mime, report }, redactMs, memoryBefore, memoryAfter: wasm.memory.buffer.byteLength },
        [out.buffer],
      );
      return;
    }
    throw new Error(`unknown request ${msg.type}`);
  } catch (err) {
    self.postMessage({ ok: false, error: String(err?.message ?? err), memoryAfter: wasm?.memory.buffer.byteLength ?? 0 });
  }
});
