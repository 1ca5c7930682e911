// Offline in headless Chromium: after one visit to a dist build (./build.sh dist), the page and an
// embed load, reload and step with the network cut (the server stopped and the browser offline);
// a new build replaces the cached one whole, never a mix; the manifest makes it installable;
// a half-deployed build caches nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launch, open, distServer } from './helpers.mjs';

/** Opens `url` and waits until the service worker controls the page and has cached the build. */
async function openCached(context, url) {
  const page = await open(context, url);
  await page.waitForFunction(() => document.documentElement.dataset.offline === 'ready', null, { timeout: 20000 });
  return page;
}

const cacheNames = (page) => page.evaluate(() => caches.keys());

/** Cuts the network both ways: the browser is offline and the server is gone. */
async function cutNetwork(context, site) {
  site.cut();
  await context.setOffline(true);
}

test('after one visit the page reloads and steps through a preset with the network cut', async () => {
  const site = await distServer();
  const browser = await launch();
  try {
    const page = await openCached(browser.context, `${site.base}index.html#p=swapping`);
    assert.deepEqual(await cacheNames(page), [`pagesim-${site.info.hash}`]);
    // Installable: a manifest with icons.
    const manifest = await page.evaluate(async () => {
      const href = document.querySelector('link[rel=manifest]').href;
      const m = await (await fetch(href)).json();
      const icons = await Promise.all(m.icons.map(async (i) => {
        const r = await fetch(new URL(i.src, href));
        const blob = await r.blob();
        let size = 'any';
        if (i.type === 'image/png') { const b = await createImageBitmap(blob); size = `${b.width}x${b.height}`; }
        return { ...i, ok: r.ok, size };
      }));
      return { ...m, icons };
    });
    assert.equal(manifest.short_name, 'pagesim');
    assert.equal(manifest.display, 'standalone');
    for (const i of manifest.icons) {
      assert.ok(i.ok, i.src);
      assert.equal(i.size, i.sizes, `${i.src} is ${i.sizes}`);
    }
    assert.ok(manifest.icons.some((i) => i.sizes === '512x512' && i.purpose === 'maskable'));
    // Chromium agrees it can be installed (DevTools protocol: no installability errors).
    const cdp = await browser.context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    assert.deepEqual(installabilityErrors, []);
    await cdp.detach();
    assert.match(await page.textContent('#version'), new RegExp(`pagesim ${site.info.version} · build ${site.info.hash} · works offline`));
    await cutNetwork(browser.context, site);
    assert.equal(await page.evaluate(() => navigator.onLine), false);
    await assert.rejects(fetch(site.base), 'the server is gone');
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 20000 });
    for (let i = 0; i < 9; i++) await page.click('#btn-step');
    assert.match(await page.textContent('#counter'), /^step 9 \//);
    assert.match(await page.textContent('#log'), /swap/);
    assert.ok(await page.evaluate(async () => (await fetch('manifest.webmanifest')).ok && (await fetch('icons/icon-192.png')).ok), 'the manifest and icons, offline');
    // Another preset, with the comparison plot (a module and a WebAssembly file loaded on demand).
    await page.selectOption('#preset', 'belady');
    await page.waitForFunction(() => !document.getElementById('compare').hidden && document.getElementById('compare-note').textContent !== '', null, { timeout: 20000 });
    // A new tab, the trace dialog's worker and its module: all from the cache.
    const other = await open(browser.context, `${site.base}#p=lru-fifo-opt`);
    await other.click('#btn-trace');
    await other.waitForSelector('#trace-file', { state: 'attached' });
    await other.setInputFiles('#trace-file', { name: 'belady.pages', mimeType: 'text/plain', buffer: Buffer.from('1 2 3 4 1 2 5 1 2 3 4 5\n') });
    await other.waitForFunction(() => !document.getElementById('trace-run').disabled);
    await other.selectOption('#trace-policy', 'fifo');
    await other.fill('#trace-frames', '3');
    await other.click('#trace-run');
    await other.waitForSelector('#trace-window:not([hidden])', { timeout: 30000 });
    await other.click('#trace-open');
    await other.waitForFunction(() => window.pagesim.state.text.startsWith('# accesses 1–12 of 12'));
    await other.keyboard.press('End');
    assert.equal(await other.evaluate(() => window.pagesim.state.sim.stats().total.faults), 9);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    site.close();
  }
});

test('after one visit an embed reloads and steps with the network cut', async () => {
  const site = await distServer();
  const browser = await launch();
  try {
    const page = await openCached(browser.context, `${site.base}embed.html#p=swapping`);
    assert.equal(await page.getAttribute('#embed-open', 'title'), `pagesim ${site.info.version} · build ${site.info.hash}`);
    await cutNetwork(browser.context, site);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, { timeout: 20000 });
    for (let i = 0; i < 6; i++) await page.click('#btn-step');
    assert.match(await page.textContent('#counter'), /step 6 \//);
    assert.notEqual(await page.textContent('#embed-step'), '');
    // An embed never visited before, of another scenario, opens offline too (the same files).
    const fresh = await open(browser.context, `${site.base}embed.html#p=belady`);
    await fresh.click('#btn-step');
    assert.match(await fresh.textContent('#counter'), /step 1 \//);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    site.close();
  }
});

test('a new build replaces the cached one whole: the page offers to reload, then runs the new build offline', async () => {
  const site = await distServer();
  const browser = await launch();
  try {
    const first = site.info;
    const page = await openCached(browser.context, `${site.base}#p=swapping`);
    assert.equal(await page.getAttribute('#version', 'data-build'), first.hash);
    // The next release: one module changed (its WebAssembly did not; the cache goes whole anyway).
    const marker = `// build two ${Date.now()}`;
    const second = site.rebuild((src) => appendFileSync(join(src, 'js', 'app.js'), `${marker}\n`));
    assert.notEqual(second.hash, first.hash);
    // A reload still runs the cached build (the new one installs beside it and waits)…
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    assert.equal(await page.getAttribute('#version', 'data-build'), first.hash);
    // …and says a new version is ready; Reload switches to it.
    await page.waitForSelector('#update-notice button', { timeout: 20000 });
    assert.deepEqual((await cacheNames(page)).sort(), [`pagesim-${first.hash}`, `pagesim-${second.hash}`].sort());
    await Promise.all([page.waitForEvent('load'), page.click('#update-notice button')]);
    await page.waitForFunction((h) => document.body.dataset.ready === 'true' && document.getElementById('version')?.dataset.build === h, second.hash);
    await page.waitForFunction(() => document.documentElement.dataset.offline === 'ready');
    // Only the new cache is left, and every file in it is the new build's.
    assert.deepEqual(await cacheNames(page), [`pagesim-${second.hash}`]);
    const cached = await page.evaluate(async (name) => {
      const cache = await caches.open(name);
      return Promise.all((await cache.keys()).map(async (r) => [new URL(r.url).pathname.slice(1), await (await cache.match(r)).text()]));
    }, `pagesim-${second.hash}`);
    const files = Object.keys(second.files);
    assert.deepEqual(cached.map(([p]) => p).sort(), [...files, 'pkg/build.js'].sort());
    for (const [path, text] of cached) {
      if (path.endsWith('.js') || path.endsWith('.html')) assert.equal(text, readFileSync(join(site.dir, path), 'utf8'), `${path} is the new build's`);
    }
    assert.ok(cached.find(([p]) => p === 'js/app.js')[1].includes(marker));
    // And the new build works offline.
    await cutNetwork(browser.context, site);
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    assert.equal(await page.getAttribute('#version', 'data-build'), second.hash);
    await page.click('#btn-step');
    assert.match(await page.textContent('#counter'), /step 1 \//);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    site.close();
  }
});

test('a deploy caught half-way (new JavaScript, old list) caches nothing instead of a mix', async () => {
  const site = await distServer();
  const browser = await launch();
  try {
    // The server sends a module that is not the one sw.js lists: the install must fail.
    appendFileSync(join(site.dir, 'pkg', 'pagesim.js'), '\n// another build\n');
    const page = await open(browser.context, `${site.base}#p=swapping`);
    await page.waitForFunction(() => document.documentElement.dataset.offline === 'failed', null, { timeout: 20000 });
    assert.deepEqual(await cacheNames(page), []);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller), null);
  } finally {
    await browser.close();
    site.close();
  }
});

test('development (www/ on a loopback address, as ./build.sh serve): no service worker, files as they are', async () => {
  const { startServer } = await import('./helpers.mjs');
  const { server, base } = await startServer();
  const browser = await launch();
  try {
    const page = await open(browser.context, `${base}#p=swapping`);
    assert.match(await page.textContent('#version'), /^pagesim \d+\.\d+\.\d+ · build [0-9a-f]{12} \(development\)$/);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(async () => (await navigator.serviceWorker.getRegistrations()).length), 0);
    assert.equal(await page.evaluate(() => navigator.serviceWorker.controller), null);
    assert.deepEqual(browser.errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
