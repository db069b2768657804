// Talks to the wasm worker: one id and one promise per request. The worker can be thrown away
// at any moment (cancel, a trap, or after an export so wasm memory starts small again);
// pending requests then reject and the next request starts a fresh worker.

const WORKER_URL = new URL('../worker/worker.js', import.meta.url);

/** An error reported by the worker, keeping its name (e.g. `RuntimeError` for a wasm trap). */
export class WorkerError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

export class WorkerClient {
  #worker = null;
  #nextId = 1;
  #pending = new Map();

  /** Starts the worker ahead of time so the module is compiled before it is needed. */
  warm() {
    this.#ensure();
  }

  /**
   * Sends `{type, ...payload}`; resolves with the worker's result.
   * @param {string} type
   * @param {object} payload
   * @param {Transferable[]} transfer
   */
  request(type, payload, transfer = []) {
    const worker = this.#ensure();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, type, ...payload }, transfer);
    });
  }

  /** Ends the current worker (and any job in it) and starts a fresh one. */
  restart(reason = 'cancelled') {
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
      const w = new Worker(WORKER_URL, { type: 'module', name: 'occlude' });
      w.addEventListener('message', (e) => this.#onMessage(e.data));
      w.addEventListener('error', (e) => {
        e.preventDefault();
        // The worker script failed to load or threw outside a request: it is unusable.
        if (this.#worker === w) {
          this.#worker = null;
          w.terminate();
        }
        this.#rejectAll(new WorkerError('WorkerCrash', e.message || 'the image engine failed to start'));
      });
      w.addEventListener('messageerror', () => {
        this.#rejectAll(new WorkerError('WorkerCrash', 'a message from the image engine could not be read'));
      });
      this.#worker = w;
    }
    return this.#worker;
  }

  #onMessage(msg) {
    const job = this.#pending.get(msg?.id);
    if (!job) return;
    this.#pending.delete(msg.id);
    if (msg.ok) job.resolve(msg.result);
    else job.reject(new WorkerError(msg.error?.name || 'Error', msg.error?.message || 'unknown error'));
  }

  #rejectAll(err) {
    const jobs = [...this.#pending.values()];
    this.#pending.clear();
    for (const job of jobs) job.reject(err);
  }
}

/** True when an error means the worker's wasm instance can no longer be trusted. */
export function isFatal(err) {
  return err?.name === 'RuntimeError' || err?.name === 'WorkerCrash' || err?.name === 'CompileError' || err?.name === 'LinkError';
}
