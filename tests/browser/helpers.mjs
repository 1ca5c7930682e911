// Shared set-up for the browser tests: serve www/ on a free port, drive Debian's Chromium with
// playwright-core, and collect console errors.
import { chromium } from 'playwright-core';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../../tools/serve.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const dataDir = join(root, 'tests', 'data');
/** The command line the tests compare the page with: the one the native tests built (build.sh sets
 * PAGESIM_CLI), else the release build. */
export const cli = process.env.PAGESIM_CLI ?? join(root, 'target', 'release', 'pagesim');

export async function startServer({ http2 = false } = {}) {
  const server = await serve(join(root, 'www'), 0, { http2 });
  return { server, base: `${http2 ? 'https' : 'http'}://127.0.0.1:${server.address().port}/` };
}

/**
 * A browser profile of its own. `returning` (the default) makes the page see a visitor who has
 * been there before (the first visit opens the tour instead of the page's own default).
 */
export async function launch({ width = 1280, height = 860, colorScheme = 'light', reducedMotion = 'no-preference', hasTouch = false, returning = true } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'pagesim-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width, height },
    hasTouch,
    colorScheme,
    reducedMotion,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--ignore-certificate-errors'],
  });
  // (about:blank, where every page starts, has no storage.)
  if (returning) await context.addInitScript(() => { try { localStorage.setItem('pagesim-visited', '1'); } catch { /* about:blank */ } });
  const errors = [];
  const watch = (page) => {
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
  };
  context.on('page', watch);
  for (const p of context.pages()) watch(p);
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, errors, close };
}

/** Opens `url` in a fresh tab and waits until the app has loaded its first scenario. */
export async function open(context, url) {
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 20000 });
  return page;
}

/** A hash of the canvas pixels, to tell whether the picture changed. */
export function canvasHash(page) {
  return page.evaluate(() => {
    const c = document.getElementById('canvas');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let h = 2166136261;
    for (let i = 0; i < d.length; i += 4) h = Math.imul(h ^ (d[i] | (d[i + 1] << 8) | (d[i + 2] << 16)), 16777619);
    return h >>> 0;
  });
}

/** Colours found on the outline just outside a drawn rectangle (device pixels sampled). */
export function ringColours(page, rect) {
  return page.evaluate((r) => {
    const c = document.getElementById('canvas');
    const dpr = c.width / c.clientWidth;
    const ctx = c.getContext('2d');
    const seen = new Set();
    for (let d = 1; d <= 6; d++) {
      for (const [x, y] of [[r.x + r.w / 2, r.y - d], [r.x + r.w / 2, r.y + r.h + d], [r.x - d, r.y + r.h / 2], [r.x + r.w + d, r.y + r.h / 2]]) {
        const p = ctx.getImageData(Math.round(x * dpr), Math.round(y * dpr), 1, 1).data;
        seen.add(`${p[0]},${p[1]},${p[2]}`);
      }
    }
    return [...seen];
  }, rect);
}

/** `#rrggbb` → "r,g,b". */
export function rgb(hex) {
  const n = parseInt(hex.replace('#', ''), 16);
  return `${(n >> 16) & 255},${(n >> 8) & 255},${n & 255}`;
}

/**
 * The main-thread cost of `n` steps by keyboard from the current position: the script, then style
 * and layout forced at once (what the browser would do before the next paint).
 */
export function stepCosts(page, n) {
  return page.evaluate(async (count) => {
    const times = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
      void document.body.offsetHeight; // style and layout now, inside the measurement
      times.push(performance.now() - t0);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    }
    return times;
  }, n);
}

/** Waits until the text version of the picture describes the current step (it follows once stepping rests). */
export function stateTextFollows(page) {
  return page.waitForFunction(() => document.getElementById('state-text').dataset.step === String(window.pagesim.state.sim.position));
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A scenario of `n` accesses over 64 pages in 16 frames: faults, evictions, swap traffic. */
export function longScenario(n, { frames = 16, pages = 64 } = {}) {
  const lines = [`config frames=${frames} page=4K vbits=32 swap=256 tlb=4 policy=lru`, 'spawn A flat'];
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const page = (x >>> 8) % pages;
    lines.push(i % 3 ? `read A 0x${(page * 4096).toString(16)}` : `write A 0x${(page * 4096 + 8).toString(16)} ${i % 251}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * A synthetic `rw` trace of `n` accesses (text): loops over arrays whose place moves every
 * 250,000 accesses, plus a hot stack; a third are writes. The tests and the bench share it.
 */
export function syntheticRwTrace(n) {
  const lines = new Array(n);
  let x = 7;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const phase = Math.floor(i / 250_000);
    const addr = x % 4 === 0 ? 0x7ff0000 + (x >>> 20) * 8 : 0x100000 + phase * 0x40000 + ((i * 64) % 0x300000) + (x & 0x3f);
    lines[i] = `${x % 3 === 0 ? 'W' : 'R'} ${addr.toString(16)}`;
  }
  return lines.join('\n') + '\n';
}

/** A slow mobile link (Chromium's network emulation): 150 ms round trip, 1.6 Mbit/s down. */
export const SLOW_MOBILE = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 0.75e6 / 8 };

/**
 * Opens `url` in a fresh browser with a cold cache over `network`; resolves to when the app was
 * ready (its first scenario drawn) and when the last file of the first view arrived, in ms from
 * the start of navigation, with the files and bytes transferred (gzip as the server sends it).
 */
export async function firstView(url, network = SLOW_MOBILE) {
  const { context, close } = await launch();
  try {
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await cdp.send('Network.emulateNetworkConditions', network);
    await page.goto(url);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 60000 });
    const ready = await page.evaluate(() => performance.now());
    await page.waitForTimeout(300); // anything the first view still fetches
    return await page.evaluate((ready) => {
      const nav = performance.getEntriesByType('navigation')[0];
      const files = performance.getEntriesByType('resource');
      return {
        ready: Math.round(ready),
        lastFile: Math.round(Math.max(nav.responseEnd, ...files.map((f) => f.responseEnd))),
        files: files.length + 1,
        bytes: nav.transferSize + files.reduce((s, f) => s + f.transferSize, 0),
      };
    }, ready);
  } finally {
    await close();
  }
}

/**
 * A dist folder (tools/dist.mjs: the service worker on, as a course would upload it) made from
 * www/ in a temporary directory and served on a free port. `rebuild(change)` makes the next
 * build in the same place (same origin), `change(dir)` editing the source copy first; `cut()`
 * stops the server and drops its connections: the network is gone, not just emulated away.
 */
export async function distServer() {
  const { makeDist } = await import('../../tools/dist.mjs');
  const tmp = mkdtempSync(join(tmpdir(), 'pagesim-dist-'));
  const src = join(tmp, 'src');
  const out = join(tmp, 'site');
  cpSync(join(root, 'www'), src, { recursive: true });
  let info = makeDist(out, { src });
  const server = await serve(out, 0);
  const base = `http://127.0.0.1:${server.address().port}/`;
  return {
    base,
    dir: out,
    get info() { return info; },
    rebuild(change) {
      change(src);
      info = makeDist(out, { src });
      return info;
    },
    cut() {
      server.closeAllConnections();
      server.close();
    },
    close() {
      try { this.cut(); } catch { /* closed already */ }
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
