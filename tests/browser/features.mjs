// The feature tests every engine runs (tests/browser/firefox.test.mjs, webkit.test.mjs; Chromium
// runs the whole suite, and `PAGESIM_ENGINE=chromium node --test tests/browser/features.mjs`
// runs this list there too). Written against engines.mjs's small driver interface: clicks and
// keys go through the driver as a user's would; files and downloads go through the page (no
// driver has the same file-picker or download API), which still runs each engine's File,
// DataTransfer, Blob, Worker, canvas.toBlob and DecompressionStream.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { startServer, distServer, root, dataDir, cli, syntheticRwTrace } from './helpers.mjs';
import { launchEngine, MINIBROWSER } from './engines.mjs';

const AXE = readFileSync(join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

const ready = (page) => page.waitFor(() => document.body.dataset.ready === 'true');
const text = (page, selector) => page.evaluate((s) => document.querySelector(s)?.textContent ?? null, selector);

/** Sets a file on the trace dialog's input as a file picker would (bytes as base64). */
const pickFile = (page, name, bytes) => page.evaluate(({ name, b64 }) => {
  const input = document.getElementById('trace-file');
  const dt = new DataTransfer();
  dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name));
  input.files = dt.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  return input.files.length;
}, { name, b64: Buffer.from(bytes).toString('base64') });

/** Clicks `selector` and resolves to the file the page downloads: `{ name, type, size, text | b64 }`. */
async function download(page, selector) {
  await page.evaluate(() => {
    window.__downloads = [];
    if (window.__blobs) return;
    // The page revokes its object URL right after the click: keep each URL's blob as it is made.
    window.__blobs = new Map();
    const create = URL.createObjectURL;
    URL.createObjectURL = (blob) => { const url = create(blob); window.__blobs.set(url, blob); return url; };
    const realClick = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function click() {
      if (this.download && window.__blobs.has(this.href)) window.__downloads.push({ name: this.download, blob: window.__blobs.get(this.href) });
      else realClick.call(this);
    };
  });
  await page.click(selector);
  await page.waitFor(() => window.__downloads.length > 0);
  return page.evaluate(async () => {
    const { name, blob } = window.__downloads[0];
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let b64 = '';
    for (let i = 0; i < bytes.length; i += 0x8000) b64 += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { name, type: blob.type, size: bytes.length, b64: btoa(b64) };
  });
}

/** null when `engine` can run here, else what is missing. */
export function installed(engine) {
  const need = { chromium: [process.env.CHROMIUM ?? '/usr/bin/chromium'], firefox: [process.env.FIREFOX ?? '/usr/bin/firefox-esr'], webkit: ['/usr/bin/WebKitWebDriver', '/usr/bin/xvfb-run', MINIBROWSER] }[engine];
  const absent = need.filter((f) => !existsSync(f));
  return absent.length ? `${absent.join(' and ')} not installed (./build.sh setup installs it)` : null;
}

export function featureTests(engine) {
  describe(`features in ${engine}`, () => {
    let server, base, browser;
    before(async () => {
      ({ server, base } = await startServer());
      browser = await launchEngine(engine);
    });
    after(async () => {
      await browser?.close();
      server?.close();
    });
    const open = async (url) => {
      browser.errors.length = 0; // each test checks the errors of its own pages
      const page = await browser.open(url);
      await ready(page);
      return page;
    };

    test('a preset loads, draws and steps (buttons and keys); step back is exact', async () => {
      const page = await open(`${base}#p=swapping`);
      for (let i = 0; i < 4; i++) await page.click('#btn-step');
      assert.match(await text(page, '#counter'), /step 4 \//);
      assert.match(await text(page, '#step-text'), /minor fault/);
      assert.match(await text(page, '#log'), /A write 0x1000 = 10/);
      await page.evaluate(() => document.activeElement?.blur());
      for (let i = 0; i < 5; i++) await page.press('ArrowRight');
      assert.match(await text(page, '#counter'), /step 9 \//);
      const before = await page.evaluate(() => JSON.stringify(window.pagesim.state.sim.stats()));
      await page.press('ArrowRight');
      await page.press('ArrowLeft');
      assert.equal(await page.evaluate(() => JSON.stringify(window.pagesim.state.sim.stats())), before);
      const drawn = await page.evaluate(() => {
        const c = document.getElementById('canvas');
        const d = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
        let different = 0;
        for (let i = 0; i < d.length; i++) if (d[i] !== d[0]) different++;
        return different / d.length;
      });
      assert.ok(drawn > 0.02, `the canvas has a picture (${(drawn * 100).toFixed(1)}% drawn)`);
      // Canvas text: the frames' title is drawn inside the canvas, not cut at its edge.
      assert.match(await text(page, '#legend'), /null guard page/);
      assert.deepEqual(browser.errors, []);
    });

    test('every preset runs to the end', async () => {
      const page = await open(base);
      const results = await page.evaluate(() => window.pagesim.api.presets().map(({ id }) => {
        window.pagesim.loadPreset(id);
        const sim = window.pagesim.state.sim;
        window.pagesim.jump(sim.length);
        return { id, ok: sim.position === sim.length && sim.runError() == null };
      }));
      assert.ok(results.length >= 8);
      assert.deepEqual(results.filter((r) => !r.ok), []);
      assert.deepEqual(browser.errors, []);
    });

    test('predict mode scores answers and asks for the victim', async () => {
      const page = await open(base);
      const payload = await page.evaluate(() => window.pagesim.api.encodeLink('config frames=1 tlb=0 policy=fifo\nspawn T flat\nrefs T 1 1 2\n'));
      await page.goto(`${base}#s=${payload}&mode=predict`);
      await ready(page);
      await page.evaluate(() => document.activeElement?.blur());
      await page.press('ArrowRight');
      await page.press('ArrowRight');
      assert.match(await text(page, '#predict'), /What happens\?/);
      await page.click('#predict button[data-answer=fault]');
      assert.match(await text(page, '#predict'), /Right: a page fault\..*score 1 \/ 1/s);
      await page.evaluate(() => document.activeElement?.blur());
      await page.press('ArrowRight');
      await page.click('#predict button[data-answer=fault]');
      assert.match(await text(page, '#predict'), /Not quite: it is a hit\./);
      await page.evaluate(() => document.activeElement?.blur());
      await page.press('ArrowRight');
      await page.click('#predict button[data-answer=fault]');
      await page.click('#predict button[data-answer=frame-0]');
      assert.match(await text(page, '#predict'), /Right: frame 0 \(T page 1\) was the victim\..*score 2 \/ 3/s);
    });

    test('the grid gives the textbook counts', async () => {
      const page = await open(base);
      await page.click('#grid-panel summary');
      const refs = '7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1';
      for (const [policy, faults] of [['fifo', 15], ['lru', 12], ['opt', 9], ['clock', 14]]) {
        const grid = await page.evaluate(([p, r]) => {
          window.pagesim.load(`config frames=3 tlb=0 policy=${p}\nspawn T flat\nrefs T ${r}\n`);
          window.pagesim.jump(window.pagesim.state.sim.length);
          const t = document.getElementById('grid');
          return { header: [...t.querySelectorAll('thead th:not(.corner)')].map((th) => th.textContent).join(' '), faults: t.querySelectorAll('thead th[data-fault]').length };
        }, [policy, refs]);
        assert.deepEqual(grid, { header: refs, faults }, policy);
      }
    });

    test('an exercise opens in predict mode with its grid and worksheet, as the CLI makes it', async () => {
      const expected = JSON.parse(execFileSync(cli, ['exercise', '--policy', 'lru', '--frames', '3', '--length', '14', '--pages', '6', '--seed', '42', '--json'], { encoding: 'utf8' }));
      const page = await open(base);
      await page.click('#btn-exercise');
      await page.waitFor(() => document.getElementById('ex-policy')?.options.length > 0);
      await page.evaluate(() => {
        const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true })); };
        set('ex-policy', 'lru'); set('ex-frames', '3'); set('ex-length', '14'); set('ex-pages', '6'); set('ex-seed', '42');
      });
      await page.click('#ex-open');
      await page.waitFor(() => document.querySelector('#worksheet table') !== null);
      const got = await page.evaluate(() => ({
        header: [...document.querySelectorAll('#grid thead th:not(.corner)')].map((th) => Number(th.textContent)),
        predict: document.getElementById('btn-predict').getAttribute('aria-pressed'),
        title: document.getElementById('about-title').textContent,
        faults: Number(document.getElementById('worksheet').dataset.faults),
      }));
      assert.deepEqual(got, { header: expected.reference, predict: 'true', title: 'Exercise: LRU with 3 frames, 14 accesses to pages 0–5 (seed 42)', faults: expected.faults });
    });

    test('a trace replays in workers (a picked file): curves, then a window step by step', async () => {
      const page = await open(base);
      await page.click('#btn-trace');
      await page.waitFor(() => document.getElementById('trace-file') !== null);
      assert.equal(await pickFile(page, 'belady.pages', readFileSync(join(dataDir, 'belady.pages'))), 1);
      await page.waitFor(() => !document.getElementById('trace-run').disabled);
      await page.evaluate(() => {
        const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true })); };
        set('trace-policy', 'fifo'); set('trace-frames', '3');
      });
      await page.click('#trace-run');
      await page.waitFor(() => document.querySelector('#trace-window:not([hidden])') !== null, undefined, 30000);
      assert.match(await text(page, '#trace-window'), /all 12 accesses/);
      await page.click('#trace-open');
      await page.waitFor(() => window.pagesim.state.text.startsWith('# accesses 1–12 of 12'));
      assert.equal(await page.evaluate(() => { window.pagesim.jump(window.pagesim.state.sim.length); return window.pagesim.state.sim.stats().total.faults; }), 9);
      assert.deepEqual(browser.errors, []);
    });

    test('the trace worker reads gzip through DecompressionStream', async () => {
      const page = await open(base);
      const gz = gzipSync(Buffer.from(syntheticRwTrace(20_000))).toString('base64');
      const out = await page.evaluate(async (b64) => {
        const file = new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 't.rw.gz');
        const w = new Worker('js/trace-worker.js', { type: 'module' });
        const done = new Promise((resolve) => { w.onmessage = ({ data }) => { if (data.type === 'summary' || data.type === 'error') resolve(data); }; });
        w.postMessage({ job: 'stream', file, format: 'auto', pageSize: 4096, policy: 'lru', frames: 32 });
        const data = await done;
        w.terminate();
        return data.type === 'summary' ? { format: data.summary.format, accesses: data.summary.accesses } : data;
      }, gz);
      assert.deepEqual(out, { format: 'rw', accesses: 20_000 });
    });

    test('a shared link reopens the same scenario at the same step', async () => {
      const page = await open(`${base}#p=swapping`);
      await page.evaluate(() => window.pagesim.jump(9));
      const state = () => page.evaluate(() => ({ text: window.pagesim.state.text, pos: window.pagesim.state.sim.position, stats: JSON.stringify(window.pagesim.state.sim.stats()) }));
      const byHand = await state();
      const url = await page.evaluate(([b, t]) => window.pagesim.api.shareUrl(b, t, 9), [`${base}index.html`, byHand.text]);
      await page.waitFor(() => /&t=9$/.test(location.hash));
      await page.goto(url);
      await ready(page);
      assert.deepEqual(await state(), byHand);
    });

    test('an embed steps and is captioned', async () => {
      const page = await open(`${base}embed.html#p=swapping`);
      for (let i = 0; i < 6; i++) await page.click('#btn-step');
      assert.match(await text(page, '#counter'), /step 6 \//);
      assert.notEqual(await text(page, '#embed-step'), '');
      assert.match(await text(page, '#embed-title'), /Swapping/i);
      const fits = await page.evaluate(() => document.documentElement.scrollHeight <= innerHeight + 1 && document.documentElement.scrollWidth <= innerWidth + 1);
      assert.ok(fits, 'no scrollbars');
      assert.deepEqual(browser.errors, []);
    });

    test('exports: CSV, PNG at twice the size, SVG with text as text', async () => {
      const page = await open(`${base}#p=swapping`);
      await page.evaluate(() => window.pagesim.jump(12));
      const csv = await download(page, '#btn-csv');
      assert.equal(csv.name, 'pagesim-swapping.csv');
      assert.match(Buffer.from(csv.b64, 'base64').toString(), /^step,line,type,pid,page,frame,text\r\n1,2,spawn,0,,,/);
      const png = await download(page, '#btn-png');
      assert.equal(png.name, 'pagesim-swapping-step-12.png');
      const bytes = Buffer.from(png.b64, 'base64');
      assert.equal(bytes.subarray(1, 4).toString(), 'PNG');
      const css = await page.evaluate(() => ({ w: document.getElementById('canvas').clientWidth, h: document.getElementById('canvas').clientHeight }));
      assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [Math.round(css.w * 2), Math.round(css.h * 2)]);
      const svg = await download(page, '#btn-svg');
      assert.equal(svg.name, 'pagesim-swapping-step-12.svg');
      const parsed = await page.evaluate((b64) => {
        const doc = new DOMParser().parseFromString(decodeURIComponent(escape(atob(b64))), 'image/svg+xml');
        return { error: doc.querySelector('parsererror')?.textContent ?? null, texts: [...doc.querySelectorAll('text')].map((t) => t.textContent), paths: doc.querySelectorAll('path').length };
      }, svg.b64);
      assert.equal(parsed.error, null);
      assert.ok(parsed.texts.some((t) => t.startsWith('Physical memory')), parsed.texts.join('|'));
      assert.ok(parsed.paths > 30);
    });

    test('accessibility: no serious or critical axe violations on the page and the embed', async () => {
      for (const url of [`${base}#p=swapping`, `${base}embed.html#p=swapping`]) {
        const page = await open(url);
        await page.evaluate(() => window.pagesim.jump(6));
        await page.evaluate(AXE);
        const found = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
          .filter((v) => v.impact === 'serious' || v.impact === 'critical')
          .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
        assert.deepEqual(found, [], url);
      }
    });

    test('offline: after one visit to a dist build, the page reloads and steps with the server gone', async () => {
      const site = await distServer();
      try {
        const page = await open(`${site.base}index.html#p=swapping`);
        await page.waitFor(() => document.documentElement.dataset.offline === 'ready');
        assert.deepEqual(await page.evaluate(() => caches.keys()), [`pagesim-${site.info.hash}`]);
        site.cut();
        await page.reload();
        await ready(page);
        for (let i = 0; i < 4; i++) await page.click('#btn-step');
        assert.match(await text(page, '#counter'), /step 4 \//);
        assert.match(await text(page, '#version'), new RegExp(`build ${site.info.hash} · works offline`));
        // An embed never opened before comes from the same cache.
        const embed = await browser.open(`${site.base}embed.html#p=belady`);
        await ready(embed);
        await embed.click('#btn-step');
        assert.match(await text(embed, '#counter'), /step 1 \//);
        assert.deepEqual(browser.errors, []);
      } finally {
        site.close();
      }
    });

    // What only Chromium's DevTools protocol can measure or check: those tests run in Chromium alone.
    for (const [what, where] of [
      ['long tasks, frame and step times while playing', 'scale.test.mjs: PerformanceObserver long-task entries and CDP tracing'],
      ['first view over an emulated slow mobile link', 'the bench: CDP Network.emulateNetworkConditions'],
      ['installability of the web app manifest', 'offline.test.mjs: CDP Page.getInstallabilityErrors'],
      ['offline by the browser\'s own switch (context.setOffline)', 'offline.test.mjs; here the server is stopped instead, which every engine sees'],
    ]) {
      test(`${what}: Chromium only`, { skip: `DevTools-only (${where})` }, () => {});
    }
  });
}

if (import.meta.url === `file://${process.argv[1]}` && process.env.PAGESIM_ENGINE) featureTests(process.env.PAGESIM_ENGINE);
