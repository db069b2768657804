// Reading the lines found, spread over the device's cores: imported by ./text.js only when a
// findText() asks to read (never on the first load; the service worker caches it on first use).
// Reading is nearly all the recogniser's arithmetic, line by line, and a wasm call keeps one
// core busy until it returns; so this worker starts helpers (./reader.js, nested workers, one
// per core, at most MOST), each given the finder module and the reader's weights this worker
// already holds (self.kept: the compiled WebAssembly.Module and Blobs, not copies). They start
// while this worker finds the lines, and load in tens of milliseconds once it waits for them;
// each starts reading as soon as it is ready.
// The lines are then cut into parts of about equal cost (a line's strip width), each of lines
// of like width (they batch well), and each helper takes the next part until none is left.
// This worker only hands parts out (a busy worker would answer a helper only between its own
// parts, and the helper would wait). A part travels as its lines' strips (TextImage.
// part_to_read: a few hundred KB, no image), and a line reads the same in any part
// (tests/read.rs, tests/wasm_text.rs): the result is what one reader gives. With one core, no
// nested workers, a module that cannot be sent, or a short reading, this worker reads alone,
// as before; a helper that fails gives its part back. Cancel ends this worker, and the browser
// ends its helpers with it.

/** The most workers reading at once: memory (each holds the reader, ~40 MB) against time. */
const MOST = 3;
/**
 * Below this many strip columns in all (about 0.4 s of reading on one core of a laptop), this
 * worker reads alone: helpers take about 0.1 s to be ready, and memory.
 */
const ALONE = 1500;
/** Parts per reader: enough that a slow or late reader leaves the others little to wait for. */
const PARTS_EACH = 4;
/** A helper not ready by then (milliseconds after the lines are found) is not waited for. */
const READY_WITHIN = 5000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms, null));

/** How many workers will read: the device's cores, at most MOST, 1 without nested workers. */
export function readers(options) {
  const asked = options?.readers;
  const cores = Number.isInteger(asked) && asked > 0 ? asked : navigator.hardwareConcurrency || 1;
  return typeof Worker === 'function' ? Math.min(cores, MOST) : 1;
}

/** A helper that reads parts; resolves once it has loaded the reader, or null if it cannot. */
function helper(init) {
  return new Promise((resolve) => {
    let w;
    try {
      w = new Worker(new URL('./reader.js', import.meta.url), { type: 'module' });
      w.onmessage = ({ data }) => resolve(data.ready ? w : (w.terminate(), null));
      w.onerror = () => resolve((w.terminate(), null));
      w.postMessage({ init });
    } catch {
      // No nested workers here, or a compiled module that cannot be sent to one.
      w?.terminate();
      resolve(null);
    }
  });
}

/** Sends one part to helper `w`; resolves with its readings, or rejects if it failed. */
function readOn(w, part) {
  return new Promise((resolve, reject) => {
    w.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data.reads));
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage({ part: part.buffer }, [part.buffer]);
  });
}

/**
 * The lines (indices into `costs`) cut into about `count` parts of equal cost, each of lines
 * of like cost: sorted by cost, cut where the running cost passes each share; dearest first.
 */
function cut(costs, count) {
  const order = costs.map((c, i) => i).sort((a, b) => costs[a] - costs[b] || a - b);
  const total = costs.reduce((s, c) => s + c, 0);
  const parts = [];
  let part = [];
  let run = 0;
  for (const i of order) {
    part.push(i);
    run += costs[i];
    if (run >= ((parts.length + 1) * total) / count) {
      parts.push(part);
      part = [];
    }
  }
  if (part.length) parts.push(part);
  const cost = (p) => p.reduce((s, i) => s + costs[i], 0);
  return parts.sort((a, b) => cost(b) - cost(a)).map((lines) => ({ lines, cost: cost(lines) }));
}

/**
 * Finds the lines of `image` (a TextImage of the finder module `text`) and reads them, as
 * image.find() with `read` does, on up to readers() workers. `moduleFiles` and `readerFiles` are
 * the manifest's entries (their URLs name what self.kept holds); `ownReader()` loads the reader
 * into this worker's module, which happens only when this worker reads (alone, or what a
 * failed helper gave back): while helpers read, this worker holds no reader of its own.
 */
export async function findAndRead(text, image, moduleFiles, readerFiles, progress, options, ownReader) {
  const n = readers(options);
  const kept = self.kept ?? {};
  const url = (end, files) => files.find((f) => f.url.endsWith(end)).url;
  const init = {
    glue: new URL(`../${url('.js', moduleFiles)}`, import.meta.url).href,
    module: kept[url('.wasm', moduleFiles)],
    rec: kept[url('.onnx', readerFiles)],
    keys: kept[url('.txt', readerFiles)],
  };
  if (n < 2 || !(init.module instanceof WebAssembly.Module) || !init.rec || !init.keys) {
    await ownReader();
    return JSON.parse(image.find((fraction, stage) => progress(stage === 'read' ? { stage, fraction, readers: 1 } : { stage, fraction }) ?? true));
  }
  // The helpers start while this worker finds the lines (they load once it waits for them).
  const starting = Array.from({ length: n }, () => helper(init));
  try {
    const costs = JSON.parse(image.find_to_read((fraction) => progress({ stage: 'find', fraction }) ?? true));
    const total = costs.reduce((s, c) => s + c, 0);
    const reads = new Array(costs.length);
    let done = 0;
    let shown = 0;
    let active = 0; // helpers reading
    // Parts finish out of order: the fraction shown never goes back. `readers`: how many
    // workers are reading (1: this one alone).
    const report = (fraction) => progress({ stage: 'read', fraction: (shown = Math.max(shown, fraction)), readers: Math.max(active, 1) });
    const finished = (part, got) => {
      part.lines.forEach((i, k) => (reads[i] = got[k]));
      done += part.cost;
      report(total ? done / total : 1);
    };
    const partOf = (p) => image.part_to_read(JSON.stringify(p.lines));
    const alone = total < ALONE;
    const queue = alone ? [{ lines: costs.map((c, i) => i), cost: total }] : cut(costs, n * PARTS_EACH);
    // Each helper, once ready, takes the next part until none is left; a part it fails goes
    // back, and the helper is let go. This worker only hands out parts, so it answers each
    // helper at once.
    const drain = async (w) => {
      if (w) active += 1;
      while (w && queue.length) {
        const p = queue.shift();
        try {
          finished(p, await readOn(w, partOf(p)));
        } catch {
          queue.unshift(p);
          active -= 1;
          return;
        }
      }
    };
    if (!alone) await Promise.all(starting.map((s) => Promise.race([s, sleep(READY_WITHIN)]).then(drain)));
    // What is left (everything, with no helper; a failed helper's part) this worker reads.
    active = 0;
    if (queue.length) await ownReader();
    for (const p of queue.splice(0)) {
      const before = done;
      finished(p, text.read_text_part(partOf(p), (f) => report(total ? (before + f * p.cost) / total : 1) ?? true));
    }
    return JSON.parse(image.finish_reading(reads));
  } finally {
    for (const s of starting) s.then((w) => w?.terminate());
  }
}
