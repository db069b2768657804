// The benchmark's own engine worker: loads the same wasm modules the app ships (../pkg/) and
// calls `redact` exactly as www/worker/worker.js does (same arguments, take_bytes, report_json;
// the core module first, the full module when the core answers `needs-full-module`), and also
// answers with the size of wasm linear memory, which the app's worker does not expose.
// One job per worker, as in the app (it ends the worker after every export).
// Always the SIMD128 variants (the app's worker falls back to pkg/occlude*_scalar.js only on
// engines without wasm SIMD, which the benchmark does not measure).
//   → {type: 'init'}                      ← {ok, initMs, memory}
//   → {type: 'export', bytes, boxes, options}
//   ← {ok, result: {bytes, mime, report}, redactMs, fullLoadMs, module, memoryBefore, memoryAfter}
// redactMs counts both redact calls when the full module was needed, not its loading
// (fullLoadMs; the app's worker pays it too, once per worker).

import init, * as core from '../pkg/occlude.js';

let wasm = null;
let engine = core;

async function loadFull() {
  const full = await import('../pkg/occlude_full.js');
  wasm = await full.default({ module_or_path: new URL('../pkg/occlude_full_bg.wasm', import.meta.url) });
  engine = full;
}

self.addEventListener('message', async (e) => {
  const msg = e.data;
  try {
    if (msg.type === 'init') {
      const t0 = performance.now();
      wasm = await init({ module_or_path: new URL('../pkg/occlude_bg.wasm', import.meta.url) });
      core.warm_up(); // as the app's worker does when it starts (counted in the startup column)
      self.postMessage({ ok: true, initMs: performance.now() - t0, memory: wasm.memory.buffer.byteLength });
      return;
    }
    if (msg.type === 'export') {
      const memoryBefore = wasm.memory.buffer.byteLength;
      const request = JSON.stringify({ boxes: msg.boxes, options: msg.options });
      let t0 = performance.now();
      let fullLoadMs = 0;
      let r;
      try {
        r = engine.redact(new Uint8Array(msg.bytes), request);
      } catch (err) {
        if (err?.code !== 'needs-full-module') throw err;
        const failedMs = performance.now() - t0;
        const l0 = performance.now();
        await loadFull();
        fullLoadMs = performance.now() - l0;
        t0 = performance.now() - failedMs;
        r = engine.redact(new Uint8Array(msg.bytes), request);
      }
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
        { ok: true, result: { bytes: out.buffer, mime, report }, redactMs, fullLoadMs, module: engine === core ? 'core' : 'full', memoryBefore, memoryAfter: wasm.memory.buffer.byteLength },
        [out.buffer],
      );
      return;
    }
    throw new Error(`unknown request ${msg.type}`);
  } catch (err) {
    self.postMessage({ ok: false, error: String(err?.message ?? err), memoryAfter: wasm?.memory.buffer.byteLength ?? 0 });
  }
});
