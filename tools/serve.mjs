#!/usr/bin/env node
// A tiny static file server for dist/, with no dependencies. For local use and for tests:
//   node tools/serve.mjs --root dist --port 8080     (port 0 picks any free port)
//   node tools/serve.mjs --root dist --base /tools/occlude/      (mounts dist/ under a sub-path)
//   import { serve } from './tools/serve.mjs'; const { url, close } = await serve({ root, port: 0 });
// Options: `base` (URL path the root is mounted at, default '/'; everything else is 404),
// `frameAncestors` (adds `frame-ancestors …` to the CSP, e.g. "'none'" or a host origin; by
// default any page may embed Occlude in an <iframe>), `csp` (replaces the whole policy),
// `onRequest` (called with {method, url, bodyBytes} for every request, once it has been read:
// the tests' server-side log).

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

// The same policy as index.html's <meta>; as a header it also covers the worker and the
// service worker. No `frame-ancestors` by default: intranets embed Occlude in an <iframe>
// (README, "Embed in your intranet"); a server that wants to limit who may frame it passes
// `frameAncestors`.
export const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; " +
  "img-src 'self' blob: data:; worker-src 'self'; style-src 'self'; object-src 'none'; " +
  "base-uri 'none'; form-action 'none'";

/** Resolves a URL path to a file under `root`, or null if it is outside or missing. */
async function locate(root, urlPath) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;
  }
  if (path.includes('\0') || !path.startsWith('/')) return null;
  let file = resolve(root, '.' + path);
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    let info = await stat(file);
    if (info.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file);
    }
    if (!info.isFile()) return null;
    // Symbolic links must not lead out of the root either.
    const real = await realpath(file);
    if (!real.startsWith(root + sep)) return null;
    return { file: real, size: info.size };
  } catch {
    return null;
  }
}

/**
 * Serves `root` on `port` (0: any free port) at localhost.
 * @returns {Promise<{url: string, port: number, close: () => Promise<void>}>}
 */
export async function serve({ root = 'dist', port = 0, host = '127.0.0.1', base: mount = '/', frameAncestors, csp, onRequest } = {}) {
  const base = await realpath(resolve(root));
  mount = normaliseMount(mount);
  const policy = (csp ?? CSP) + (frameAncestors ? `; frame-ancestors ${frameAncestors}` : '');
  const server = createServer(async (req, res) => {
    if (onRequest) {
      let bodyBytes = 0;
      for await (const chunk of req) bodyBytes += chunk.length;
      onRequest({ method: req.method, url: req.url, bodyBytes });
    }
    const headers = {
      'Cache-Control': 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': policy,
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' }).end('method not allowed\n');
      return;
    }
    const url = req.url || '/';
    if (mount !== '/' && url.split('?')[0] === mount.slice(0, -1)) {
      // '/tools/occlude' → '/tools/occlude/', so relative URLs resolve inside the app folder.
      res.writeHead(301, { ...headers, Location: mount + url.slice(mount.length - 1) }).end();
      return;
    }
    const found = url.startsWith(mount) ? await locate(base, url.slice(mount.length - 1)) : null;
    if (!found) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    const type = TYPES[extname(found.file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': found.size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.file)
      .on('error', () => res.destroy())
      .pipe(res);
  });
  await new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, host, ok);
  });
  const actual = server.address().port;
  return {
    url: `http://localhost:${actual}${mount}`,
    port: actual,
    close: () =>
      new Promise((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

/** '/tools/occlude' or 'tools/occlude/' → '/tools/occlude/'. */
function normaliseMount(mount) {
  let m = String(mount || '/');
  if (!m.startsWith('/')) m = '/' + m;
  if (!m.endsWith('/')) m += '/';
  if (m.includes('//') || m.split('/').some((seg) => seg === '.' || seg === '..')) {
    throw new Error(`serve: base ${JSON.stringify(mount)} is not a plain URL path`);
  }
  return m;
}

function parseArgs(argv) {
  const opts = { root: 'dist', port: 8080 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--root') opts.root = argv[++i];
    else if (a === '--port') opts.port = Number(argv[++i]);
    else if (a === '--base') opts.base = argv[++i];
    else if (a === '--frame-ancestors') opts.frameAncestors = argv[++i];
    else if (a === '--help' || a === '-h') {
      console.log("usage: node tools/serve.mjs [--root DIR] [--port N] [--base /sub/path/] [--frame-ancestors \"'self' https://intranet.example\"]");
      process.exit(0);
    } else {
      console.error(`serve.mjs: unknown argument ${a}`);
      process.exit(2);
    }
  }
  if (!opts.root || !Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    console.error('serve.mjs: --root needs a directory and --port a number 0–65535');
    process.exit(2);
  }
  return opts;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { url } = await serve(parseArgs(process.argv.slice(2)));
  console.log(`Occlude is served at ${url}`);
}
