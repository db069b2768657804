// Measures, in a worker as www/worker/text.js runs it, where a findText() call's time goes:
// fetching the finder module and the weights, hashing them, compiling and instantiating the
// module, loading the weights into rten, decoding, and the search (first and later runs in the
// same instance). Driven by tools/bench-text-startup.mjs; never shipped.

let text = null;
let compiled = null;
let exportsOf = null;
const now = () => performance.now();

async function fetchBytes(url) {
  const res = await fetch(url);
  return new Uint8Array(await res.arrayBuffer());
}

async function sha(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

const steps = {
  async cold({ variant = '' }) {
    const t = {};
    let a = now();
    const wasm = await fetchBytes(`/dist/pkg/occlude_text${variant}_bg.wasm`);
    t.fetchModule = now() - a;
    a = now();
    await sha(wasm);
    t.hashModule = now() - a;
    a = now();
    compiled = await WebAssembly.compile(wasm);
    t.compile = now() - a;
    a = now();
    text = await import(`/dist/pkg/occlude_text${variant}.js`);
    exportsOf = await text.default({ module_or_path: compiled });
    t.instantiate = now() - a;
    a = now();
    const weights = await fetchBytes('/dist/models/ppocrv5_det.onnx');
    t.fetchWeights = now() - a;
    a = now();
    await sha(weights);
    t.hashWeights = now() - a;
    a = now();
    text.load_text_model(weights);
    t.loadWeights = now() - a;
    return t;
  },
  /** The compiled module and the weights, for the page to hand to a fresh worker. */
  async give() {
    return { module: compiled, weights: await fetchBytes('/dist/models/ppocrv5_det.onnx') };
  },
  /** Starts from a module and weights another worker compiled and fetched. */
  async given({ module, weights, variant = '' }) {
    const t = {};
    let a = now();
    compiled = module;
    text = await import(`/dist/pkg/occlude_text${variant}.js`);
    exportsOf = await text.default({ module_or_path: compiled });
    t.instantiate = now() - a;
    a = now();
    text.load_text_model(weights);
    t.loadWeights = now() - a;
    return t;
  },
  async find({ url }) {
    const bytes = await fetchBytes(url);
    const t = {};
    let a = now();
    const image = text.text_image(bytes, '');
    t.decode = now() - a;
    const marks = [];
    a = now();
    try {
      image.find((f) => {
        marks.push([now() - a, f]);
        return true;
      });
    } finally {
      image.free();
    }
    t.find = now() - a;
    // progress(0) after the render check; the first tile includes the scaling; the last mark
    // before 1.0 ends the network, then post-processing.
    const firstTile = marks.find((m) => m[1] > 0);
    const lastNet = marks.filter((m) => m[1] > 0 && m[1] < 1).pop();
    t.check = marks[0]?.[0];
    t.firstTile = firstTile ? firstTile[0] - marks[0][0] : NaN;
    t.tiles = marks.filter((m) => m[1] > 0 && m[1] < 1).length;
    t.network = lastNet ? lastNet[0] - marks[0][0] : NaN;
    t.post = lastNet ? t.find - lastNet[0] : NaN;
    t.memory = exportsOf.memory.buffer.byteLength;
    return t;
  },
};

self.onmessage = async (e) => {
  try {
    self.postMessage({ ok: true, result: await steps[e.data.step](e.data) });
  } catch (err) {
    self.postMessage({ ok: false, error: String(err?.stack ?? err) });
  }
};
