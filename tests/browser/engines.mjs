// One small driver interface over three browser engines, for the feature tests that run in all
// of them (tests/browser/engines.test.mjs):
//   chromium  Debian's Chromium through playwright-core (as every other browser test)
//   firefox   Debian's Firefox ESR through puppeteer-core over WebDriver BiDi
//   webkit    WebKitGTK's MiniBrowser through WebKitWebDriver (W3C WebDriver, a client of a few
//             lines below), under Xvfb (MiniBrowser has no headless mode)
// A page offers: goto, reload, evaluate(fn, arg), waitFor(fn, arg, timeout) (polling evaluate:
// the page's Content-Security-Policy forbids the eval that drivers' own waits use), click(selector),
// press(key), screenshot(path), close; the engine collects console errors and uncaught exceptions.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launch as launchChromium } from './helpers.mjs';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

/** WebKitGTK's MiniBrowser, which Debian keeps under the architecture's library folder. */
export const MINIBROWSER = process.env.MINIBROWSER ?? (() => {
  const arch = existsSync('/usr/lib') ? readdirSync('/usr/lib').filter((d) => d.endsWith('-linux-gnu')) : [];
  return arch.map((d) => `/usr/lib/${d}/webkit2gtk-4.1/MiniBrowser`).find((f) => existsSync(f)) ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
})();

/**
 * Calls `fn(arg)` in the page until it returns something truthy; resolves to that. (`fn` must
 * return plain data: a DOM node does not cross every driver.)
 */
async function poll(evaluate, fn, arg, timeout = 20000, what = fn.toString()) {
  const end = Date.now() + timeout;
  let error = null;
  for (;;) {
    const v = await evaluate(fn, arg).catch((e) => { error = e; return null; }); // a navigation under way
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what.slice(0, 200)}${error ? ` (last error: ${error.message})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Launches `name`; resolves to `{ name, open(url), errors, close() }`. */
export async function launchEngine(name, { width = 1280, height = 860 } = {}) {
  if (name === 'chromium') return chromium(width, height);
  if (name === 'firefox') return firefox(width, height);
  if (name === 'webkit') return webkit(width, height);
  throw new Error(`no engine ${name}`);
}

/** The driver interface over a Playwright or puppeteer page (the two name these calls alike). */
function wrapPage(page, close) {
  return {
    goto: (url) => page.goto(url),
    reload: () => page.reload(),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitFor: (fn, arg, timeout) => poll((f, a) => page.evaluate(f, a), fn, arg, timeout),
    click: (selector) => page.click(selector),
    press: (key) => page.keyboard.press(key),
    screenshot: (path) => page.screenshot({ path }),
    close,
  };
}

async function chromium(width, height) {
  const browser = await launchChromium({ width, height });
  let last = null;
  const wrap = (page) => wrapPage(page, () => page.close());
  return {
    name: 'chromium',
    errors: browser.errors,
    // One page at a time, as WebDriver's one window: each open closes the page before.
    open: async (url) => { await last?.close(); last = wrap(await browser.context.newPage()); await last.goto(url); return last; },
    close: () => browser.close(),
  };
}

async function firefox(width, height) {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX ?? '/usr/bin/firefox-esr',
    headless: true,
    defaultViewport: { width, height },
    protocolTimeout: 60000,
  });
  const errors = [];
  let page = null, wrapped = null;
  const wrap = (page) => wrapPage(page, async () => {}); // the one tab stays open
  return {
    name: 'firefox',
    errors,
    // One tab, brought to the front (a tab in the background gets no animation frames), each open
    // a fresh load of it, as WebDriver's one window.
    open: async (url) => {
      if (!page) {
        page = (await browser.pages())[0] ?? await browser.newPage();
        // puppeteer's own BiDi helper (`__bidi_args`) can be refused by a document being replaced
        // when a poll lands mid-navigation (seen once in a fresh run, on the offline reload): the
        // driver's noise, not the page's, so it is left out; every other error counts.
        const ours = (text) => !text.includes('__bidi_args');
        page.on('console', (m) => { if (m.type() === 'error' && ours(m.text())) errors.push(m.text()); });
        page.on('pageerror', (e) => { if (ours(e.message)) errors.push(e.message); });
        await page.bringToFront();
        wrapped = wrap(page);
      }
      await visited(wrapped, url);
      const current = page.url();
      await wrapped.goto(url);
      if (current.split('#')[0] === url.split('#')[0]) await wrapped.reload(); // a new fragment alone does not load the page
      return wrapped;
    },
    close: () => browser.close(),
  };
}

const freePort = () => new Promise((ok) => {
  const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});

/**
 * The returning visitor of the other tests (a first visit opens the tour): the origin of `url`
 * is marked visited from a file of its own (no driver here runs a script before a page's own).
 */
async function visited(page, url) {
  const origin = new URL(url).origin;
  page.marked ??= new Set();
  if (page.marked.has(origin)) return;
  page.marked.add(origin);
  await page.goto(`${origin}/favicon.svg`);
  await page.evaluate(() => localStorage.setItem('pagesim-visited', '1'));
}

/** WebDriver key codes for the keys the tests press. */
const KEYS = { ArrowRight: '\uE014', ArrowLeft: '\uE012', Home: '\uE011', End: '\uE010', Enter: '\uE007', Escape: '\uE00C', Space: ' ' };

async function webkit(width, height) {
  const port = await freePort();
  const home = mkdtempSync(join(tmpdir(), 'pagesim-webkit-'));
  // xvfb-run gives MiniBrowser a display of its own; the driver's process group goes at close.
  const driver = spawn('xvfb-run', ['-a', '-s', `-screen 0 ${width + 100}x${height + 200}x24`, process.env.WEBKIT_DRIVER ?? 'WebKitWebDriver', `--port=${port}`],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CACHE_HOME: join(home, 'cache') } });
  let driverLog = '';
  driver.stderr.on('data', (d) => { driverLog += d; });
  const url = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json();
    if (json.value?.error) throw new Error(`WebDriver ${path}: ${json.value.error}: ${json.value.message}`);
    return json.value;
  };
  for (let i = 0; ; i++) {
    try { await call('GET', '/status'); break; } catch (e) {
      if (i > 200) throw new Error(`WebKitWebDriver did not start: ${driverLog}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const { sessionId } = await call('POST', '/session', {
    capabilities: { alwaysMatch: { 'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] } } },
  });
  const s = (path) => `/session/${sessionId}${path}`;
  await call('POST', s('/window/rect'), { width, height });
  // WebDriver has no console events: the page's errors are gathered in the page by a script run
  // after each navigation (errors before it are seen by the checks that the app is ready).
  const errors = [];
  const exec = async (fn, arg) => {
    // A script as text (a library to load, as axe): run as it is.
    if (typeof fn === 'string') return call('POST', s('/execute/sync'), { script: `${fn}\n;return null;`, args: [] });
    const value = await call('POST', s('/execute/async'), {
      script: `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${fn}).apply(null, [arguments[0]])).then(
          (v) => done({ ok: v === undefined ? null : v }), (e) => done({ error: String(e && e.stack || e) }));`,
      args: [arg === undefined ? null : arg],
    });
    if (value?.error) throw new Error(value.error);
    return value?.ok;
  };
  const watch = () => exec(() => {
    if (window.__errors) return;
    window.__errors = [];
    const origError = console.error;
    console.error = (...a) => { window.__errors.push(a.join(' ')); origError.apply(console, a); };
    window.addEventListener('error', (e) => window.__errors.push(e.message));
    window.addEventListener('unhandledrejection', (e) => window.__errors.push(String(e.reason)));
  });
  const harvest = async () => { try { errors.push(...(await exec(() => window.__errors?.splice(0) ?? []))); } catch { /* navigating */ } };
  const page = {
    goto: async (u) => {
      await harvest();
      const current = await call('GET', s('/url'));
      await call('POST', s('/url'), { url: u });
      if (current.split('#')[0] === u.split('#')[0]) await call('POST', s('/refresh'), {}); // a new fragment alone does not load the page
      await watch();
    },
    reload: async () => { await harvest(); await call('POST', s('/refresh'), {}); await watch(); },
    evaluate: exec,
    waitFor: (fn, arg, timeout) => poll(exec, fn, arg, timeout),
    click: async (selector) => {
      const el = await call('POST', s('/element'), { using: 'css selector', value: selector });
      await call('POST', s(`/element/${Object.values(el)[0]}/click`), {});
    },
    press: async (key) => {
      const k = KEYS[key] ?? key;
      await call('POST', s('/actions'), { actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value: k }, { type: 'keyUp', value: k }] }] });
    },
    screenshot: async (path) => writeFileSync(path, Buffer.from(await call('GET', s('/screenshot')), 'base64')),
    close: async () => { await harvest(); },
  };
  return {
    name: 'webkit',
    errors,
    // One window: WebDriver drives one top-level browsing context at a time; each open navigates it.
    open: async (u) => { await visited(page, u); await page.goto(u); return page; },
    close: async () => {
      await harvest();
      await call('DELETE', s('')).catch(() => {});
      try { process.kill(-driver.pid, 'SIGTERM'); } catch { /* gone */ }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
