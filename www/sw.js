// Occlude's service worker: the whole app from a local cache, so it opens and works with no
// network, and the share target (a photo shared from the phone's gallery) handled here on the
// device. It lives at the app root, so its scope is the app folder, wherever that is mounted.
//
// The asset list, the version, the SIMD probe and the files cached on first use are NOT written
// here: tools/build (tools/precache.mjs) replaces the four placeholders below in dist/sw.js with
// every file of dist/, a SHA-256 of their contents, the probe of worker/simd.js and the lazy
// files with their hashes. Served straight from www/ (not built), this worker refuses to install.

const ASSETS = self.__OCCLUDE_ASSETS__;
const VERSION = self.__OCCLUDE_VERSION__;

// Fetched only when first used, never at install: the text finder's module and weights (about
// 5 MB; the page says so before Find text first runs) and the licence texts. On first use each
// is fetched and kept in a cache of its own named by its content hash, so Find text works
// offline from then on, and an update that leaves a file unchanged keeps it (the weights are
// not downloaded again). `activate` drops the copies no version uses any more; an update
// installed by someone who had used Find text fetches the new finder in `install`.
const LAZY = self.__OCCLUDE_LAZY__;
const LAZY_PREFIX = 'occlude-lazy-';
/** Absolute URL (no query) → the name of the cache that keeps it. */
const LAZY_CACHES = new Map((Array.isArray(LAZY) ? LAZY : []).map(({ url, hash }) => [new URL(url, self.location.href).href, LAZY_PREFIX + hash]));
/** Lazy files that an update fetches ahead for someone who has used Find text: the finder's module and weights. */
const FINDER_FILE = /^(pkg\/occlude_text|models\/.+\.(onnx|txt)$)/;

// The wasm modules come in a SIMD128 and a scalar variant (see tools/build, worker/worker.js);
// an engine only ever uses one, so only that one is precached: a phone with SIMD does not
// download the ~0.75 MB gzipped it would never run, and one without SIMD still works offline.
// The probe is the worker's own (worker/simd.js), written in here by tools/precache.mjs.
const SIMD_PROBE = self.__OCCLUDE_SIMD_PROBE__;
const SCALAR_VARIANT = /^pkg\/occlude(_full|_text)?_scalar(_bg\.wasm|\.js)$/;
const SIMD_VARIANT = /^pkg\/occlude(_full|_text)?(_bg\.wasm|\.js)$/;
/** Whether this engine's worker can use `url` (an ASSETS entry, relative to this file). */
const usable = (url, simd) => !(simd ? SCALAR_VARIANT : SIMD_VARIANT).test(url);

const PREFIX = 'occlude-app-';
const CACHE = PREFIX + VERSION;
// Shared files wait here (on this device) until the page picks them up; never a network hop.
const SHARE_CACHE = 'occlude-share';
const SCOPE = self.registration.scope; // ends with '/'
const SHARE_ACTION = new URL('share-target', SCOPE).href;
const SHARED_FILE = new URL('shared-file', SCOPE).href;
// A practice's templates (README, "Templates"): not part of the app (a practice edits it
// without a new build), so not precached; read network-first and the last copy kept here, so
// the templates work offline too. Its own cache: a new version of the app does not drop it.
const PRACTICE = new URL('templates.json', SCOPE).href;
const PRACTICE_CACHE = 'occlude-practice';
const PRACTICE_WAIT_MS = 4000; // then the last copy: a network that hangs does not hold the page

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      if (!Array.isArray(ASSETS) || typeof VERSION !== 'string' || !(SIMD_PROBE instanceof Uint8Array) || !Array.isArray(LAZY)) {
        throw new Error('sw.js was not built: run tools/build and serve dist/');
      }
      const simd = WebAssembly.validate(SIMD_PROBE);
      const cache = await caches.open(CACHE);
      // `reload` skips the HTTP cache: the precache holds exactly the bytes the version names.
      await cache.addAll(ASSETS.filter((url) => usable(url, simd)).map((url) => new Request(url, { cache: 'reload' })));
      // The first visit read templates.json before this worker controlled the page: keep a
      // copy now, so it is there offline. Optional: no file, or no network, is fine.
      await practice(new Request(PRACTICE)).catch(() => {});
      await keepFinderAcrossUpdate(simd);
    })(),
  );
  // No skipWaiting() here: a new version waits until the page's "Update" asks for it.
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      const names = await caches.keys();
      const lazyInUse = new Set(LAZY_CACHES.values());
      const old = (n) => (n.startsWith(PREFIX) && n !== CACHE) || (n.startsWith(LAZY_PREFIX) && !lazyInUse.has(n));
      await Promise.all(names.filter(old).map((n) => caches.delete(n)));
      // The first install takes control at once (nothing was controlling the page); after an
      // update this runs only because the user pressed "Update".
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skipWaiting' || event.data?.type === 'skipWaiting') self.skipWaiting();
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method === 'POST' && request.url === SHARE_ACTION) {
    event.respondWith(receiveShare(request));
    return;
  }
  if (request.method !== 'GET' || !request.url.startsWith(SCOPE)) return; // not ours: untouched
  if (request.url === PRACTICE) {
    event.respondWith(practice(request));
    return;
  }
  const url = new URL(request.url);
  url.search = '';
  const lazy = LAZY_CACHES.get(url.href);
  event.respondWith(lazy ? fromLazyCache(event, lazy) : fromCache(request));
});

/**
 * A file cached on first use: from its cache, else from the network, kept for next time. The
 * response streams to the page as it arrives (the finder's download progress); it is stored
 * once whole, while the service worker is kept alive for it.
 */
async function fromLazyCache(event, name) {
  const cache = await caches.open(name);
  const hit = await cache.match(event.request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(event.request);
  if (response.ok && response.status === 200) event.waitUntil(cache.put(event.request, response.clone()).catch(() => {}));
  return response;
}

/**
 * If an earlier version's service worker kept the text finder (someone has used Find text on
 * this device), fetches this version's finder files that are not kept yet, so Find text still
 * works offline after the update. A failure only means they are fetched on next use.
 */
async function keepFinderAcrossUpdate(simd) {
  const names = await caches.keys();
  if (!names.some((n) => n.startsWith(LAZY_PREFIX))) return;
  await Promise.all(
    LAZY.filter(({ url }) => FINDER_FILE.test(url) && usable(url, simd)).map(async ({ url, hash }) => {
      const name = LAZY_PREFIX + hash;
      if (await caches.match(url, { cacheName: name })) return;
      // Weights only where an earlier version kept them: the detector is fetched for photos
      // only, and the reader (16 MB) only when the lines were read.
      if (url.startsWith('models/') && !(await caches.match(url))) return;
      try {
        await (await caches.open(name)).add(new Request(url, { cache: 'reload' }));
      } catch {
        // fetched on next use instead
      }
    }),
  );
}

/**
 * templates.json, network first: a fresh copy is kept and returned; a 404 (the practice
 * publishes none, or withdrew it) forgets the kept copy; no answer (offline, or none within a
 * few seconds) returns the kept copy. "None" is an empty 204, not a 404, so the page has no
 * failed request to report.
 */
async function practice(request) {
  const cache = await caches.open(PRACTICE_CACHE);
  let res = null;
  try {
    res = await fetch(request.url, { cache: 'no-cache', credentials: 'same-origin', signal: AbortSignal.timeout(PRACTICE_WAIT_MS) });
  } catch {
    res = null;
  }
  if (res?.status === 200) {
    await cache.put(PRACTICE, res.clone());
    return res;
  }
  if (res && res.status >= 400 && res.status < 500) await cache.delete(PRACTICE);
  return (await cache.match(PRACTICE)) ?? new Response(null, { status: 204 });
}

async function fromCache(request) {
  const cache = await caches.open(CACHE);
  // The app's files take no query: `./?shared=1` is still the page.
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  return fetch(request); // not part of the app (e.g. a file added after the build)
}

/** Keeps the shared image in a local cache and sends the user to the page, which opens it. */
async function receiveShare(request) {
  try {
    const form = await request.formData();
    const file = form.getAll('image').find((f) => f instanceof File && f.size > 0);
    if (file) {
      const cache = await caches.open(SHARE_CACHE);
      await cache.put(
        SHARED_FILE,
        new Response(file, {
          headers: {
            'Content-Type': file.type || 'application/octet-stream',
            'X-Occlude-Name': encodeURIComponent(file.name || 'shared-image'),
          },
        }),
      );
    }
  } catch (err) {
    console.error('Occlude: the shared file could not be read', err);
  }
  return Response.redirect(new URL('./?shared=1', SCOPE).href, 303);
}
