// The device's own templates, kept in IndexedDB (database "occlude", store "templates"): a
// template is a name, an image size, boxes and a fill colour, never an image or a patient's
// data. A few lines of our own over the raw API (no dependency). Where the browser keeps
// nothing (some private windows, a page opened from file://) the templates live in memory
// until the page closes, and `persistent` says so.
//
//   const store = await TemplateStore.open();
//   const id = await store.add(template);
//   for (const { id, template, saved } of await store.all()) …   // newest first
//   await store.rename(id, 'New name');  await store.remove(id);

const DB = 'occlude';
const STORE = 'templates';
const VERSION = 1;

/** A request's result as a promise. */
const done = (req) =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

function openDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, VERSION);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('the template store is blocked by another tab'));
  });
}

export class TemplateStore {
  #db = null;
  /** id → record, when IndexedDB is not available. */
  #memory = null;
  #next = 1;

  static async open() {
    const store = new TemplateStore();
    try {
      store.#db = await openDb();
    } catch {
      store.#memory = new Map();
    }
    return store;
  }

  /** Whether templates outlive the page (IndexedDB), or only this page's life. */
  get persistent() {
    return this.#db !== null;
  }

  /** One request in its own transaction; resolves once the transaction has committed. */
  async #run(mode, fn) {
    const tx = this.#db.transaction(STORE, mode);
    const committed = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('the template store refused the change'));
    });
    committed.catch(() => {}); // reported through the request below when it fails first
    const result = await done(fn(tx.objectStore(STORE)));
    await committed;
    return result;
  }

  /** Every template, newest first: [{id, template, saved}]. */
  async all() {
    const list = this.#db ? await this.#run('readonly', (s) => s.getAll()) : [...this.#memory.values()];
    return list.sort((a, b) => b.saved - a.saved || b.id - a.id);
  }

  /** Keeps a (checked) template; returns its id. */
  async add(template) {
    const record = { template, saved: Date.now() };
    if (this.#db) return this.#run('readwrite', (s) => s.add(record));
    const id = this.#next++;
    this.#memory.set(id, { id, ...record });
    return id;
  }

  async rename(id, name) {
    if (!this.#db) {
      const r = this.#memory.get(id);
      if (r) r.template = { ...r.template, name };
      return;
    }
    const r = await this.#run('readonly', (s) => s.get(id));
    if (r) await this.#run('readwrite', (s) => s.put({ ...r, template: { ...r.template, name } }));
  }

  async remove(id) {
    if (this.#db) await this.#run('readwrite', (s) => s.delete(id));
    else this.#memory.delete(id);
  }
}
