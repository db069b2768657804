// The one way to talk to the image engine (www/worker/worker.js, which owns the wasm): the
// editor element and the scripted API (api.js) both use this client. Every request gets an id
// and its own promise; the worker answers with progress messages and then one reply (see the
// protocol at the top of worker.js).
//
//   const client = new WorkerClient();
//   const result = await client.request('open', { bytes, maxSide, background },
//                                       { signal, transfer: [bytes], onProgress });
//
// Cancelling: a wasm call cannot be interrupted, so aborting a request's `signal` ends the
// whole worker. That request rejects with `signal.reason`; any other request still pending in
// that worker rejects with an `AbortError`; the next request starts a fresh worker. The worker
// can also be thrown away on purpose (`restart`, e.g. after an export, so wasm memory starts
// small again) or by a crash: pending requests then reject the same way.
//
// What a worker asks the page to keep (`{keep: {url: value}}`: the text finder's compiled
// WebAssembly.Module and its verified weights, see worker/text.js) is kept here, once per page
// for every client, and handed to each worker started after (its first message, `{kept}`), so a
// fresh worker neither fetches, hashes nor compiles them again; its wasm memory still goes with it.

const WORKER_URL = new URL('../worker/worker.js', import.meta.url);
/** url → what a worker asked to keep (see the top). */
const kept = {};

/** An error reported by the worker, keeping its name (e.g. `RuntimeError` for a wasm trap) and the core's `code`. */
export class WorkerError extends Error {
  constructor(name, message, code) {
    super(message);
    this.name = name;
    if (code) this.code = code;
  }
}

export class WorkerClient {
  #name;
  #worker = null;
  #nextId = 1;
  /** id → {resolve, reject, onProgress} */
  #pending = new Map();

  /** @param {{name?: string}} [options] the worker's name (shown in developer tools) */
  constructor({ name = 'occlude' } = {}) {
    this.#name = name;
  }

  /** Starts the worker ahead of time so the module is compiled before it is needed. */
  warm() {
    this.#ensure();
  }

  /**
   * Sends `{id, type, ...payload}`; resolves with the worker's result.
   * @param {string} type
   * @param {object} [payload]
   * @param {{signal?: AbortSignal, transfer?: Transferable[], onProgress?: (progress: object) => void}} [options]
   *   `transfer`: buffers moved to the worker (not sent when the signal is already aborted);
   *   `onProgress`: called with each progress message the worker sends for this request.
   * @returns {Promise<any>}
   */
  request(type, payload = {}, { signal, transfer = [], onProgress } = {}) {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const worker = this.#ensure();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const abort = () => {
        this.#pending.delete(id);
        reject(signal.reason ?? new DOMException('The request was cancelled.', 'AbortError'));
        this.terminate('another request was cancelled');
      };
      const settle = (fn) => (value) => {
        signal?.removeEventListener('abort', abort);
        fn(value);
      };
      this.#pending.set(id, { resolve: settle(resolve), reject: settle(reject), onProgress });
      signal?.addEventListener('abort', abort, { once: true });
      worker.postMessage({ id, type, ...payload }, transfer);
    });
  }

  /** Ends the current worker (and any job in it) and starts a fresh one. */
  restart(reason) {
    this.terminate(reason);
    this.warm();
  }

  /** Ends the current worker; pending requests reject with an `AbortError`. */
  terminate(reason = 'cancelled') {
    if (this.#worker) {
      this.#worker.terminate();
      this.#worker = null;
    }
    this.#rejectAll(new WorkerError('AbortError', reason));
  }

  #ensure() {
    if (!this.#worker) {
      const w = new Worker(WORKER_URL, { type: 'module', name: this.#name });
      w.addEventListener('message', (e) => this.#onMessage(e.data));
      w.addEventListener('error', (e) => {
        e.preventDefault();
        // The worker script failed to load or threw outside a request: it is unusable.
        if (this.#worker === w) {
          this.#worker = null;
          w.terminate();
        }
        this.#rejectAll(new WorkerError('WorkerCrash', e.message || START_FAILED, ENGINE_START));
      });
      w.addEventListener('messageerror', () => {
        this.#rejectAll(new WorkerError('WorkerCrash', 'a message from the image engine could not be read'));
      });
      this.#worker = w;
      // Only what a worker could send is kept, so it can be sent back (an engine that cannot
      // clone a WebAssembly.Module never sends one: its workers fetch as before).
      w.postMessage({ kept });
    }
    return this.#worker;
  }

  #onMessage(msg) {
    Object.assign(kept, msg?.keep);
    const job = this.#pending.get(msg?.id);
    if (!job) return;
    if ('progress' in msg) {
      job.onProgress?.(msg.progress);
      return;
    }
    this.#pending.delete(msg.id);
    if (msg.ok) job.resolve(msg.result);
    else job.reject(new WorkerError(msg.error?.name || 'Error', msg.error?.message || 'the image engine failed', msg.error?.code));
  }

  #rejectAll(err) {
    const jobs = [...this.#pending.values()];
    this.#pending.clear();
    for (const job of jobs) job.reject(err);
  }
}

/** The `code` of a `WorkerCrash` from the worker's `error` event (its script failed or threw outside a request), and its message when it gave no reason. */
export const ENGINE_START = 'engine-start';
export const START_FAILED = 'the image engine failed to start';

/** True when an error means the worker's wasm instance can no longer be trusted. */
export function isFatal(err) {
  return err?.name === 'RuntimeError' || err?.name === 'WorkerCrash' || err?.name === 'CompileError' || err?.name === 'LinkError';
}
