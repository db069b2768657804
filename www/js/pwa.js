// Installable and offline: registers the service worker (../sw.js, so its scope is the app
// folder wherever it is mounted), offers "Update" when a new version is waiting instead of
// swapping the app under the user, and opens a photo shared into Occlude from the phone's
// gallery (the service worker keeps it in a local cache; see sw.js). No network of its own.

const APP_ROOT = new URL('../', import.meta.url); // the folder that holds index.html and sw.js
const SW_URL = new URL('sw.js', APP_ROOT);
const SHARE_CACHE = 'occlude-share'; // same names as in sw.js
const SHARED_FILE = new URL('shared-file', APP_ROOT).href;

let updating = false; // true once the user pressed "Update": only then reload on a new worker

/** The small non-modal bar at the bottom of the page; styled here because CSP forbids inline styles in markup. */
function offerUpdate(worker) {
  if (document.getElementById('occlude-update')) return;
  const bar = document.createElement('div');
  bar.id = 'occlude-update';
  bar.setAttribute('role', 'status');
  Object.assign(bar.style, {
    position: 'fixed',
    insetInline: '0.75rem',
    bottom: '0.75rem',
    zIndex: '2147483647',
    display: 'flex',
    gap: '0.75rem',
    alignItems: 'center',
    justifyContent: 'space-between',
    flexWrap: 'wrap',
    maxWidth: '32rem',
    margin: '0 auto',
    padding: '0.6rem 0.9rem',
    borderRadius: '8px',
    background: '#1d1f21',
    color: '#ffffff',
    boxShadow: '0 4px 16px rgba(0,0,0,0.3)',
    font: '15px/1.4 system-ui, sans-serif',
  });
  const text = document.createElement('span');
  text.textContent = 'A new version of Occlude is ready.';
  const actions = document.createElement('span');
  const update = document.createElement('button');
  update.type = 'button';
  update.textContent = 'Update';
  const later = document.createElement('button');
  later.type = 'button';
  later.textContent = 'Not now';
  for (const b of [update, later]) {
    Object.assign(b.style, { font: 'inherit', padding: '0.3rem 0.8rem', marginInlineStart: '0.4rem', borderRadius: '6px', cursor: 'pointer' });
  }
  Object.assign(update.style, { background: '#6ea1f0', color: '#0d1117', border: '0', fontWeight: '600' });
  Object.assign(later.style, { background: 'transparent', color: '#ffffff', border: '1px solid #777' });
  update.addEventListener('click', () => {
    updating = true;
    update.disabled = true;
    text.textContent = 'Updating…';
    worker.postMessage({ type: 'skipWaiting' });
  });
  later.addEventListener('click', () => bar.remove());
  actions.append(update, later);
  bar.append(text, actions);
  document.body.append(bar);
}

function watch(reg) {
  // A version already waiting (installed during an earlier visit) is offered at once.
  if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(reg.waiting);
  reg.addEventListener('updatefound', () => {
    const worker = reg.installing;
    worker?.addEventListener('statechange', () => {
      // 'installed' with a controller present: a new version waits; without one it is the first install.
      if (worker.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  });
}

async function register() {
  if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return null;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (updating) location.reload();
  });
  try {
    const reg = await navigator.serviceWorker.register(SW_URL, { scope: APP_ROOT.href, updateViaCache: 'none' });
    watch(reg);
    // Look for a new version when the user comes back to the tab (the browser also checks on load).
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') reg.update().catch(() => {});
    });
    return reg;
  } catch (err) {
    // Still a working page, just not an offline one (e.g. a sandboxed frame, private mode).
    console.warn('Occlude: offline support is unavailable:', err?.message || err);
    return null;
  }
}

/** If this page was opened by the share target, opens the shared image in the editor. */
async function openShared() {
  const params = new URLSearchParams(location.search);
  if (!params.has('shared') || !('caches' in self)) return;
  // Leave a clean address behind: a reload must not reopen the file.
  params.delete('shared');
  const query = params.toString();
  history.replaceState(history.state, '', location.pathname + (query ? `?${query}` : '') + location.hash);
  const cache = await caches.open(SHARE_CACHE);
  const res = await cache.match(SHARED_FILE);
  if (!res) return;
  await cache.delete(SHARED_FILE); // one use only: nothing of the photo stays behind
  const blob = await res.blob();
  const name = decodeURIComponent(res.headers.get('X-Occlude-Name') || 'shared-image');
  const file = new File([blob], name, { type: blob.type });
  await customElements.whenDefined('occlude-editor');
  const editor = document.querySelector('occlude-editor');
  if (!editor) throw new Error('no <occlude-editor> on this page');
  await editor.openFile(file);
}

export const registration = register();
export const shared = openShared().catch((err) => console.error('Occlude: the shared image could not be opened:', err));
