#!/usr/bin/env node
// Builds dist/occlude.html: the whole app in ONE file that works when opened from file:// on a
// machine with no web server and no network (intranets often cannot host files).
//   node tools/singlefile.mjs [DIST]          (tools/build runs it after dist/ is filled)
//
// What goes in, from the built dist/ (never from www/, so it is exactly what is served):
// - index.html's markup; its stylesheets inlined as one <style>; icons as data: URLs; the
//   manifest and the service-worker registration (js/pwa.js) left out: neither means anything
//   without an origin.
// - index.html's module scripts and everything they import, bundled into ONE inline
//   <script type="module"> (a small bundler below: each module becomes a function scope;
//   `import.meta.url` becomes the URL the module would have next to this file).
// - The worker (worker/worker.js and the four wasm-bindgen glues: pkg/occlude.js for the core
//   module, pkg/occlude_full.js for the full one, and their scalar variants
//   pkg/occlude_scalar.js and pkg/occlude_full_scalar.js for engines without wasm SIMD; bundled
//   the same way) as a string that the page turns into a Blob URL; `new Worker(<…/worker/worker.js>)`
//   is pointed at that Blob URL. All four wasm modules are base64 inside the worker's code; each
//   glue's init function is replaced by one that passes its module's bytes to the glue's
//   initSync(): never fetched. The worker calls the init of the variant its engine can compile
//   (worker.js decides with WebAssembly.validate): the core when it starts, the full module only
//   when it first needs it. The scalar variants add 2.5 MB (1 MB gzipped; see README), so that
//   the file works on older browsers too: it is often passed around to unknown machines.
// - Not the text finder: the worker's `import('./text.js')` becomes a rejected promise whose
//   error (code `text-unavailable`) says Find text needs the served or installed app.
// - Its own Content-Security-Policy (see singleFileCsp below for why each part is there).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, extname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const LEFT_OUT = new Set(['js/pwa.js']); // service worker & share target: http(s) only
/**
 * Modules the worker imports on demand that this file leaves out, and what their import gives
 * instead. The text finder (worker/text.js, its module and about 5 MB of weights) would more
 * than triple the file: Find text answers with this error (code `text-unavailable`).
 */
const LEFT_OUT_DYNAMIC = {
  'worker/text.js': `Promise.reject(Object.assign(new Error(${JSON.stringify(
    'Find text needs the installed or served app: this single-file copy of Occlude leaves the text finder (about 5 MB) out. Open Occlude from its web address, or install it, to find text.',
  )}), { code: 'text-unavailable' }))`,
};
const WORKER = 'worker/worker.js';
const GLUE = 'pkg/occlude.js';
const WASM = 'pkg/occlude_bg.wasm';
const FULL_GLUE = 'pkg/occlude_full.js';
const FULL_WASM = 'pkg/occlude_full_bg.wasm';
/** Every glue the worker may import → the wasm module its init function instantiates. */
const GLUES = {
  [GLUE]: WASM,
  [FULL_GLUE]: FULL_WASM,
  'pkg/occlude_scalar.js': 'pkg/occlude_scalar_bg.wasm',
  'pkg/occlude_full_scalar.js': 'pkg/occlude_full_scalar_bg.wasm',
};
const MIME = { '.png': 'image/png', '.svg': 'image/svg+xml', '.ico': 'image/x-icon', '.jpg': 'image/jpeg', '.woff2': 'font/woff2' };

const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('base64');

/**
 * The single file's policy. Under file:// a page has no origin, so 'self' means nothing
 * useful; everything is named instead:
 * - script-src: only the one inline module, by its SHA-256 (never 'unsafe-inline');
 *   'wasm-unsafe-eval' to compile the wasm (the worker inherits this policy).
 * - worker-src blob: the worker is made from a Blob URL of code that is in this file.
 * - style-src: the inline stylesheet, by hash, and blob: for the stylesheets the editor links
 *   inside its shadow root (their text is in this file; the page makes the Blob URLs).
 * - img-src blob: data: for the picture being redacted and the icon; connect-src 'none':
 *   this file never fetches anything (the download is a blob: link, not a request).
 */
export function singleFileCsp({ scriptHash, styleHashes }) {
  return [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}' 'wasm-unsafe-eval'`,
    "worker-src blob:",
    `style-src ${[...styleHashes.map((h) => `'sha256-${h}'`), 'blob:'].join(' ')}`,
    'img-src blob: data:',
    "connect-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

// ---------------------------------------------------------------------------------------------
// A small ES-module bundler for this project's own code (static relative imports only).

const IDENT = '[A-Za-z_$][\\w$]*';

function fail(path, what) {
  throw new Error(`singlefile: ${path}: ${what} is not supported by tools/singlefile.mjs`);
}

/** `a, b as c` → [['a','a'], ['b','c']] (local, exported/imported name pairs). */
function namePairs(list) {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = s.match(new RegExp(`^(${IDENT}|default)(?:\\s+as\\s+(${IDENT}|default))?$`));
      if (!m) throw new Error(`singlefile: cannot read "${s}"`);
      return [m[1], m[2] || m[1]];
    });
}

/** Turns one module's source into a function body; returns {body, deps, assets}. */
function transform(dist, path, src) {
  const deps = [];
  const assets = []; // stylesheets the module links by URL: inlined, served from Blob URLs
  const exportsList = []; // [exportedName, localExpression]
  const dep = (spec) => {
    if (!spec.startsWith('./') && !spec.startsWith('../')) fail(path, `the bare import "${spec}"`);
    const target = posix.normalize(posix.join(posix.dirname(path), spec));
    deps.push(target);
    return `__occlude_modules[${JSON.stringify(target)}]`;
  };
  let code = src;

  // import … from '…';  /  import '…';
  code = code.replace(/^import\s+(?:([\s\S]*?)\s+from\s+)?(['"])([^'"\n]+)\2\s*;?/gm, (_, clause, _q, spec) => {
    const mod = dep(spec);
    if (!clause) return `/* import ${spec} */`;
    const out = [];
    let rest = clause.trim();
    const def = rest.match(new RegExp(`^(${IDENT})\\s*(?:,|$)`));
    if (def) {
      out.push(`const ${def[1]} = ${mod}.default;`);
      rest = rest.slice(def[0].length).trim();
    }
    const ns = rest.match(new RegExp(`^\\*\\s+as\\s+(${IDENT})$`));
    if (ns) out.push(`const ${ns[1]} = ${mod};`);
    else if (rest.startsWith('{')) {
      const pairs = namePairs(rest.replace(/^\{|\}$/g, ''));
      out.push(`const { ${pairs.map(([imp, local]) => (imp === local ? imp : `${imp}: ${local}`)).join(', ')} } = ${mod};`);
    } else if (rest) fail(path, `the import clause "${clause}"`);
    return out.join(' ');
  });

  // export { a, b as c } [from '…'];
  code = code.replace(/^export\s*\{([^}]*)\}\s*(?:from\s+(['"])([^'"\n]+)\2)?\s*;?/gm, (_, list, _q, spec) => {
    const mod = spec ? dep(spec) : null;
    for (const [local, exported] of namePairs(list)) exportsList.push([exported, mod ? `${mod}[${JSON.stringify(local)}]` : local]);
    return '';
  });
  if (/^export\s*\*/m.test(code)) fail(path, 'export *');
  // export default function f / class C
  code = code.replace(new RegExp(`^export\\s+default\\s+((?:async\\s+)?function\\*?|class)\\s+(${IDENT})`, 'gm'), (_, kw, name) => {
    exportsList.push(['default', name]);
    return `${kw} ${name}`;
  });
  // export default <expression>
  code = code.replace(/^export\s+default\s+/gm, () => {
    exportsList.push(['default', '__occlude_default']);
    return 'const __occlude_default = ';
  });
  // export function / class / const / let / var NAME
  code = code.replace(new RegExp(`^export\\s+((?:async\\s+)?function\\*?|class|const|let|var)\\s+(${IDENT}|[{\\[])`, 'gm'), (_, kw, name) => {
    if (name === '{' || name === '[') fail(path, 'an exported destructuring declaration');
    exportsList.push([name, name]);
    return `${kw} ${name}`;
  });
  if (/^export\s/m.test(code)) fail(path, 'an export form');
  // import('./x.js') with a literal relative path → the bundled module (bundled like a static
  // import, so it is defined before this module runs).
  code = code.replace(/\bimport\s*\(\s*(['"])(\.\.?\/[^'"\n]+)\1\s*\)/g, (_, _q, spec) => {
    const left = LEFT_OUT_DYNAMIC[posix.normalize(posix.join(posix.dirname(path), spec))];
    return left ?? `Promise.resolve(${dep(spec)})`;
  });
  if (/\bimport\s*\(/.test(code)) fail(path, 'dynamic import() of anything but a literal relative path');
  // new URL('../css/x.css', import.meta.url) → a Blob URL of the inlined stylesheet.
  code = code.replace(/\bnew\s+URL\(\s*(['"])([^'"\n]+)\1\s*,\s*import\.meta\.url\s*\)/g, (m, _q, ref) => {
    const target = posix.normalize(posix.join(posix.dirname(path), ref));
    if (extname(target).toLowerCase() !== '.css') return m;
    if (!existsSync(join(dist, target))) throw new Error(`singlefile: ${path} links ${ref}, which is not in dist/`);
    assets.push(target);
    return `new URL(__occlude_asset(${JSON.stringify(target)}))`;
  });
  code = code.replace(/\bimport\.meta\.url\b/g, () => `__occlude_url(${JSON.stringify(path)})`);
  if (/\bimport\.meta\b/.test(code)) fail(path, 'import.meta other than import.meta.url');

  const getters = exportsList.map(([name, local]) => `get ${JSON.stringify(name)}() { return ${local}; }`);
  return { body: `${code}\nreturn Object.freeze({ ${getters.join(', ')} });`, deps, assets };
}

/** Bundles `entries` (paths relative to dist) into one script; `after[path]` runs after that module. */
function bundle(dist, entries, { after = {} } = {}) {
  const order = [];
  const state = new Map(); // path → 'visiting' | 'done'
  const bodies = new Map();
  const assets = new Set();
  const visit = (path, from) => {
    if (state.get(path) === 'done') return;
    if (state.get(path) === 'visiting') throw new Error(`singlefile: circular import through ${path}`);
    const file = join(dist, path);
    if (!existsSync(file)) throw new Error(`singlefile: ${from || 'index.html'} imports ${path}, which is not in dist/`);
    state.set(path, 'visiting');
    const t = transform(dist, path, readFileSync(file, 'utf8'));
    for (const a of t.assets) assets.add(a);
    for (const d of t.deps) visit(d, path);
    bodies.set(path, t.body);
    state.set(path, 'done');
    order.push(path);
  };
  for (const e of entries) visit(e);
  const code = order
    .map((path) => {
      const run = `__occlude_modules[${JSON.stringify(path)}] = (() => {\n${bodies.get(path)}\n})();`;
      return `// ---- ${path}\n${run}\n${after[path] || ''}`;
    })
    .join('\n');
  return { code, assets: [...assets] };
}

/** A stylesheet's text with every url(…) it references inlined as a data: URL. */
function inlineCss(dist, path) {
  return readFileSync(join(dist, path), 'utf8').replace(/url\((['"]?)([^'")]+)\1\)/g, (m, _q, ref) => {
    if (/^(data|blob):/.test(ref) || ref.startsWith('#')) return m;
    const file = join(dist, posix.dirname(path), ref);
    const type = MIME[extname(file).toLowerCase()];
    if (!type || !existsSync(file)) throw new Error(`singlefile: ${path} refers to ${ref}, which cannot be inlined`);
    return `url("data:${type};base64,${readFileSync(file).toString('base64')}")`;
  });
}

/** A JS string literal that is safe inside an inline <script> (no "</script", no "<!--"). */
const scriptString = (s) => JSON.stringify(s).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

// ---------------------------------------------------------------------------------------------

export function buildSingleFile(dist) {
  let html = readFileSync(join(dist, 'index.html'), 'utf8');

  // Stylesheets → one inline <style>.
  const css = [];
  html = html.replace(/<link\b[^>]*\brel=["']stylesheet["'][^>]*>\s*/gi, (tag) => {
    const href = tag.match(/\bhref=["']([^"']+)["']/i)?.[1];
    if (!href) return '';
    const path = posix.normalize(href);
    css.push(`/* ${path} */\n${inlineCss(dist, path)}`);
    return '';
  });

  // Module scripts → entries of the bundle.
  const entries = [];
  html = html.replace(/<script\b([^>]*)><\/script>\s*/gi, (tag, attrs) => {
    const src = attrs.match(/\bsrc=["']([^"']+)["']/i)?.[1];
    if (!src) throw new Error('singlefile: index.html has an inline <script>; only <script type="module" src> is supported');
    if (!/\btype=["']module["']/i.test(attrs)) throw new Error(`singlefile: ${src} is not a module script`);
    const path = posix.normalize(src);
    if (!LEFT_OUT.has(path)) entries.push(path);
    return '';
  });
  if (/<script\b/i.test(html)) throw new Error('singlefile: index.html has a <script> that could not be read');

  // Links that need an origin go; icons become data: URLs.
  html = html.replace(/<link\b[^>]*\brel=["'](manifest|apple-touch-icon)["'][^>]*>\s*/gi, '');
  html = html.replace(/(<link\b[^>]*\brel=["']icon["'][^>]*\bhref=["'])([^"']+)(["'][^>]*>)/gi, (m, a, href, b) => {
    if (/^(data|blob):/.test(href)) return m;
    const file = join(dist, posix.normalize(href));
    const type = MIME[extname(file).toLowerCase()];
    if (!type || !existsSync(file)) return '';
    return `${a}data:${type};base64,${readFileSync(file).toString('base64')}${b}`;
  });

  // The worker: the glues + worker.js. Each glue's init function is replaced by one that
  // instantiates its inlined bytes when the worker first calls it (never before: an engine
  // without SIMD cannot compile the SIMD modules, and the full module is rarely needed).
  const inlined = Object.fromEntries(Object.values(GLUES).map((p) => [p, readFileSync(join(dist, p)).toString('base64')]));
  const mod = (p) => `__occlude_modules[${JSON.stringify(p)}]`;
  const lazyInit = (glue, wasm) =>
    `{ const glue = ${mod(glue)}; ${mod(glue)} = Object.freeze({ ...glue, default: async () => glue.initSync({ module: __occlude_bytes(${JSON.stringify(wasm)}) }) }); }`;
  const workerCode = [
    '"use strict";',
    '// Occlude image engine (single-file build): the wasm bytes are below; nothing is fetched.',
    'const __occlude_modules = Object.create(null);',
    'const __occlude_url = (path) => new URL(path, self.__OCCLUDE_BASE__ || "file:///occlude/").href;',
    `const __occlude_wasm = ${JSON.stringify(inlined)};`,
    'const __occlude_bytes = (path) => { const s = atob(__occlude_wasm[path]); const b = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i); return b; };',
    bundle(dist, [WORKER], {
      after: Object.fromEntries(Object.entries(GLUES).map(([glue, wasm]) => [glue, lazyInit(glue, wasm)])),
    }).code,
  ].join('\n');
  const page = bundle(dist, entries);
  const sheets = Object.fromEntries(page.assets.map((p) => [p, inlineCss(dist, p)]));

  // The page's one module script.
  const pageCode = [
    '// Occlude (single-file build). Generated by tools/singlefile.mjs from dist/; do not edit.',
    'const __occlude_modules = Object.create(null);',
    'const __occlude_url = (path) => new URL(path, document.baseURI).href;',
    `const __occlude_sheets = ${scriptString(sheets)};`,
    'const __occlude_blobs = Object.create(null);',
    'const __occlude_asset = (path) => (__occlude_blobs[path] ??= URL.createObjectURL(new Blob([__occlude_sheets[path]], { type: "text/css" })));',
    '{',
    `  const workerUrl = __occlude_url(${JSON.stringify(WORKER)});`,
    `  const source = ${scriptString(workerCode)};`,
    '  let blobUrl = null; // one Blob URL for the life of the page; every worker starts from it',
    '  const NativeWorker = globalThis.Worker;',
    '  globalThis.Worker = class OccludeWorker extends NativeWorker {',
    '    constructor(url, options) {',
    '      if (new URL(String(url), document.baseURI).href === workerUrl) {',
    '        blobUrl ??= URL.createObjectURL(new Blob([`self.__OCCLUDE_BASE__ = ${JSON.stringify(document.baseURI)};\\n`, source], { type: "text/javascript" }));',
    '        url = blobUrl;',
    '        // A module worker cannot start from a blob: URL of a file:// page (no origin);',
    '        // the bundled worker has no imports, so it runs as a classic worker.',
    "        options = { ...options, type: 'classic' };",
    '      }',
    '      super(url, options);',
    '    }',
    '  };',
    '}',
    page.code,
  ].join('\n');
  if (/<\/script/i.test(pageCode)) throw new Error('singlefile: the bundle contains "</script"');

  const script = `\n${pageCode}\n`;
  const style = css.length ? `\n${css.join('\n')}\n` : '';
  const csp = singleFileCsp({ scriptHash: sha256(script), styleHashes: style ? [sha256(style)] : [] });

  // Replace the page's CSP with the single file's, then put the style and script in <head>.
  const metaRe = /<meta\b[^>]*http-equiv=["']Content-Security-Policy["'][^>]*>/i;
  if (!metaRe.test(html)) throw new Error('singlefile: index.html has no CSP <meta> to replace');
  html = html.replace(metaRe, () => `<meta http-equiv="Content-Security-Policy" content="${csp}">`);
  const inject = `${style ? `<style>${style}</style>\n  ` : ''}<script type="module">${script}</script>\n`;
  if (!/<\/head>/i.test(html)) throw new Error('singlefile: index.html has no </head>');
  html = html.replace(/<\/head>/i, () => `  ${inject}</head>`);
  html = html.replace(/<html\b[^>]*>/i, (m) => `${m}\n<!-- Occlude, single-file build: everything this page needs is in this file. It makes no network requests. -->`);

  const out = join(dist, 'occlude.html');
  writeFileSync(out, html);
  return { path: out, bytes: Buffer.byteLength(html), csp, entries };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] || join(dirname(fileURLToPath(import.meta.url)), '..', 'dist'));
  const { bytes, entries } = buildSingleFile(dist);
  console.log(`tools/singlefile: dist/occlude.html (${bytes} bytes) from ${entries.join(', ')}`);
}
