// A small W3C WebDriver (classic) client over fetch, and the drivers it talks to: chromedriver
// (Chromium), geckodriver (Firefox ESR) and WebKitWebDriver (WebKitGTK's MiniBrowser, under
// Xvfb: it has no headless mode). No dependencies. Every request and every wait is bounded;
// `Driver.stop()` ends the session first, then the driver's whole process group.
//
// WebDriver BiDi is not used: it fails on WebKitGTK. Playwright drives only Chromium here.

import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { CHROMIUM_ARGS } from '../../tools/chromium.mjs';

export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

const CHROMIUM_WEBDRIVER_ARGS = ['--headless=new', ...CHROMIUM_ARGS, '--disable-dev-shm-usage', '--window-size=1280,900'];

/**
 * The three engines: how to start each one's driver and what to ask it for.
 * `downloads`: the folder the browser saves downloads to (Chromium and Firefox by preference,
 * WebKit by its $HOME).
 */
export const ENGINES = {
  chromium: {
    label: 'Chromium (Blink)',
    command: () => [process.env.CHROMEDRIVER || '/usr/bin/chromedriver', []],
    portArg: (port) => [`--port=${port}`],
    capabilities: ({ downloads }) => ({
      browserName: 'chrome',
      'goog:chromeOptions': {
        binary: process.env.CHROMIUM || '/usr/bin/chromium',
        args: CHROMIUM_WEBDRIVER_ARGS,
        prefs: {
          'download.default_directory': downloads,
          'download.prompt_for_download': false,
          'download.directory_upgrade': true,
        },
      },
    }),
    needs: ['/usr/bin/chromium'],
  },
  firefox: {
    label: 'Firefox ESR (Gecko)',
    command: () => [process.env.GECKODRIVER || findOnPath('geckodriver'), []],
    portArg: (port) => ['--port', String(port)],
    env: { MOZ_HEADLESS: '1' },
    capabilities: ({ downloads }) => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: process.env.FIREFOX || '/usr/bin/firefox-esr',
        args: ['-headless', '--width=1280', '--height=900'],
        prefs: {
          'browser.download.folderList': 2,
          'browser.download.dir': downloads,
          'browser.download.useDownloadDir': true,
          'browser.download.always_ask_before_handling_new_types': false,
          'browser.download.alwaysOpenPanel': false,
          'browser.download.panel.shown': true,
          'browser.helperApps.neverAsk.saveToDisk': 'image/png,image/jpeg,application/zip',
        },
      },
    }),
    needs: ['/usr/bin/firefox-esr'],
  },
  webkit: {
    label: 'WebKitGTK MiniBrowser (WebKit)',
    // No headless mode: the driver (and so the browser it starts) runs under its own Xvfb.
    command: () => ['xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', process.env.SAFARIDRIVER || '/usr/bin/WebKitWebDriver']],
    portArg: (port) => [`--port=${port}`],
    capabilities: () => ({
      browserName: 'MiniBrowser',
      'webkitgtk:browserOptions': { binary: process.env.MINIBROWSER || MINIBROWSER, args: ['--automation'] },
    }),
    // MiniBrowser saves downloads to the XDG download folder, which is $HOME when none is set:
    // a home of its own keeps them (and its caches) out of the real one.
    env: ({ downloads }) => ({ HOME: downloads }),
    needs: ['/usr/bin/WebKitWebDriver', MINIBROWSER, '/usr/bin/xvfb-run'],
  },
};

function findOnPath(name) {
  for (const dir of (process.env.PATH || '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  const cargo = join(process.env.HOME || '/root', '.cargo', 'bin', name);
  return existsSync(cargo) ? cargo : name;
}

export async function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A WebDriver error with the driver's code (`error`) and message. */
export class WebDriverError extends Error {
  constructor(command, status, value) {
    super(`${command}: ${value?.error || `HTTP ${status}`}: ${String(value?.message || '').split('\n')[0]}`);
    this.code = value?.error;
    this.status = status;
  }
}

/** A driver process (its own process group) and at most one session on it. */
export class Driver {
  /** @param {keyof ENGINES} engine @param {{logDir: string, downloads: string}} opts */
  constructor(engine, { logDir, downloads }) {
    this.engine = engine;
    this.spec = ENGINES[engine];
    this.logDir = logDir;
    this.downloads = downloads;
    this.child = null;
    this.url = null;
    this.sessionId = null;
    this.capabilities = null;
    this.stopped = false;
  }

  /** Starts the driver and waits (bounded) until its /status says ready. */
  async start({ timeoutMs = 30_000 } = {}) {
    for (const f of this.spec.needs) if (!existsSync(f)) throw new Error(`${f} is missing: run tools/engines-setup`);
    const port = await freePort();
    const [cmd, pre] = this.spec.command();
    mkdirSync(this.logDir, { recursive: true });
    const log = createWriteStream(join(this.logDir, `${this.engine}-driver.log`));
    await new Promise((ok) => log.once('open', ok));
    this.child = spawn(cmd, [...pre, ...this.spec.portArg(port)], {
      detached: true, // its own process group: stop() ends the browser and Xvfb with it
      stdio: ['ignore', log, log],
      env: { ...process.env, ...(typeof this.spec.env === 'function' ? this.spec.env(this) : this.spec.env || {}) },
    });
    this.exited = new Promise((ok) => this.child.once('exit', (code, signal) => ok({ code, signal })));
    this.child.once('error', () => {});
    this.url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`${cmd} exited at start (see ${join(this.logDir, `${this.engine}-driver.log`)})`);
      }
      try {
        const r = await fetch(`${this.url}/status`, { signal: AbortSignal.timeout(2_000) });
        const body = await r.json();
        if (body?.value?.ready !== false) return;
      } catch {
        // not listening yet
      }
      await sleep(200);
    }
    throw new Error(`${cmd} did not answer /status within ${timeoutMs / 1000} s`);
  }

  async #send(method, path, body, timeoutMs = 60_000) {
    const command = `${method} ${path.replace(/^\/session\/[^/]+/, '/session/…')}`;
    if (this.stopped) throw new Error(`${command}: the ${this.engine} driver was stopped`);
    let res;
    try {
      res = await fetch(this.url + path, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json; charset=utf-8' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = new Error(`${command}: no answer from the driver within ${timeoutMs / 1000} s (${err?.name || err})`);
      e.code = 'driver timeout';
      throw e;
    }
    const text = await res.text();
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {
      throw new WebDriverError(command, res.status, { error: 'bad response', message: text.slice(0, 200) });
    }
    if (!res.ok || (json?.value && typeof json.value === 'object' && 'error' in json.value && json.value.error)) {
      throw new WebDriverError(command, res.status, json?.value);
    }
    return json?.value;
  }

  /** New Session with this engine's capabilities. */
  async newSession(timeoutMs = 90_000) {
    const value = await this.#send('POST', '/session', { capabilities: { alwaysMatch: this.spec.capabilities(this) } }, timeoutMs);
    this.sessionId = value.sessionId;
    this.capabilities = value.capabilities || {};
    return this.capabilities;
  }

  cmd(method, suffix, body, timeoutMs) {
    if (!this.sessionId) throw new Error('no session');
    return this.#send(method, `/session/${this.sessionId}${suffix}`, body, timeoutMs);
  }

  setTimeouts({ script = 60_000, pageLoad = 60_000, implicit = 0 } = {}) {
    return this.cmd('POST', '/timeouts', { script, pageLoad, implicit });
  }

  navigate(url) {
    return this.cmd('POST', '/url', { url }, 90_000);
  }

  refresh() {
    return this.cmd('POST', '/refresh', {}, 90_000);
  }

  /** Runs `body` (a function's source body) synchronously in the page. */
  execute(body, args = []) {
    return this.cmd('POST', '/execute/sync', { script: body, args });
  }

  /**
   * Runs an async function's body in the page and returns what it resolves to. A rejection
   * becomes an Error here. Bounded by the session's script timeout.
   */
  async evalAsync(body, args = [], timeoutMs = 90_000) {
    const script = `const __done = arguments[arguments.length - 1];
      const __args = Array.prototype.slice.call(arguments, 0, -1);
      (async (...args) => { ${body} })(...__args).then(
        (value) => __done({ ok: true, value }),
        (e) => __done({ ok: false, error: String((e && (e.stack || e.message)) || e) }));`;
    const r = await this.cmd('POST', '/execute/async', { script, args }, timeoutMs);
    if (!r || typeof r !== 'object') throw new Error(`async script returned ${JSON.stringify(r)}`);
    if (!r.ok) throw new Error(`in the page: ${r.error}`);
    return r.value;
  }

  click(el) {
    return this.cmd('POST', `/element/${elementId(el)}/click`, {});
  }

  sendKeys(el, text) {
    return this.cmd('POST', `/element/${elementId(el)}/value`, { text });
  }

  performActions(actions) {
    return this.cmd('POST', '/actions', { actions });
  }

  releaseActions() {
    return this.cmd('DELETE', '/actions');
  }

  async screenshot() {
    return Buffer.from(await this.cmd('GET', '/screenshot', undefined, 30_000), 'base64');
  }

  /** Deletes the session (closing the browser), then ends the driver's process group. */
  async stop() {
    if (this.sessionId && this.child && this.child.exitCode === null) {
      try {
        await this.#send('DELETE', `/session/${this.sessionId}`, undefined, 20_000);
      } catch {
        // the group is ended below either way
      }
    }
    this.sessionId = null;
    await this.kill();
  }

  /** Ends the driver's process group (driver, browser, Xvfb): TERM, then KILL after 5 s. */
  async kill() {
    this.stopped = true; // a step still running after a time-out fails at its next command
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const group = (sig) => {
      try {
        process.kill(-child.pid, sig);
      } catch {
        // already gone
      }
    };
    group('SIGTERM');
    const done = await Promise.race([this.exited.then(() => true), sleep(5_000).then(() => false)]);
    if (!done) group('SIGKILL');
    await Promise.race([this.exited, sleep(2_000)]);
    // Whatever is left in the group (a browser that outlived its driver) goes too.
    group('SIGKILL');
  }
}

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

export function elementId(el) {
  const id = el?.[ELEMENT] ?? el?.ELEMENT;
  if (!id) throw new Error(`not an element reference: ${JSON.stringify(el)}`);
  return id;
}

export function isElement(v) {
  return !!(v && typeof v === 'object' && (v[ELEMENT] || v.ELEMENT));
}
