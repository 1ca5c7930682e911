// Share links in headless Chromium: a link reopens the same state (by hand, from the CLI, from the Share button), hostile and broken links, embeds titled after their scenario.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { deflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { startServer, launch, open, dataDir, cli } from './helpers.mjs';

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await launch();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
});

after(async () => {
  await browser.close();
  server.close();
});

const state = (page) => page.evaluate(() => ({
  text: window.pagesim.state.text,
  pos: window.pagesim.state.sim.position,
  stats: JSON.stringify(window.pagesim.state.sim.stats()),
}));

const SWAPPING_STEPS = 9;

test('a shared link opens the same scenario at the same step as stepping there by hand', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  for (let i = 0; i < SWAPPING_STEPS; i++) await page.keyboard.press('ArrowRight');
  const byHand = await state(page);
  const url = await page.evaluate(async ([b, t, n]) => window.pagesim.api.shareUrl(b, t, n), [`${base}index.html`, byHand.text, SWAPPING_STEPS]);
  assert.match(url, /#s=1\.[A-Za-z0-9_-]+&t=9$/);
  const linked = await open(browser.context, url);
  assert.deepEqual(await state(linked), byHand);
  assert.equal(await linked.textContent('#counter'), await page.textContent('#counter'));
  // Step back from a linked step is exact too.
  await linked.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  assert.deepEqual(await state(linked), await state(page));
  // The address bar follows the state (replaceState, so history does not grow).
  const historyLength = await linked.evaluate(() => history.length);
  await linked.waitForFunction(() => location.hash.endsWith('&t=8'));
  assert.equal(await linked.evaluate(() => history.length), historyLength);
  await page.close();
  await linked.close();
});

test('pagesim link makes the same link as the page', async () => {
  assert.ok(existsSync(cli), `the CLI is built (${cli})`);
  const file = join(dataDir, 'link-scenario.txt');
  const text = readFileSync(file, 'utf8');
  // The Share button's link, at step 4 of the same text.
  const page = await open(browser.context, `${base}index.html`);
  assert.ok(await page.evaluate((t) => window.pagesim.load(t), text));
  await page.evaluate(() => window.pagesim.jump(4));
  await page.click('#btn-share');
  await page.waitForSelector('#toast:not([hidden])');
  const fromPage = await page.evaluate(() => document.body.dataset.lastShare);
  const fromCli = execFileSync(cli, ['link', file, '--base', fromPage.split('#')[0], '--step', '4']).toString().trim();
  assert.equal(fromCli, fromPage);
  const linked = await open(browser.context, fromCli);
  assert.equal((await state(linked)).pos, 4);
  assert.equal((await state(linked)).text, text);
  await page.close();
  await linked.close();
});

test("the Share button's link reopens the same state in a fresh page", async () => {
  const page = await open(browser.context, `${base}#p=lru-fifo-opt`);
  for (let i = 0; i < 11; i++) await page.keyboard.press('ArrowRight');
  await page.click('#btn-share');
  await page.waitForSelector('#toast:not([hidden])');
  assert.match(await page.textContent('#toast'), /Link copied/);
  const url = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(url, await page.evaluate(() => document.body.dataset.lastShare));
  const fresh = await launch();
  try {
    const reopened = await open(fresh.context, url);
    assert.deepEqual(await state(reopened), await state(page));
    assert.deepEqual(fresh.errors, []);
  } finally {
    await fresh.close();
  }
  await page.close();
});

for (const [w, h] of [[320, 240], [400, 600], [640, 360], [800, 450], [1280, 720]]) {
  test(`embed.html fills a ${w}×${h} iframe with the canvas, frames, swap and controls, no scrollbars`, async () => {
    const page = await open(browser.context, `${base}#p=swapping`);
    await page.click('#btn-embed');
    await page.waitForFunction(() => document.getElementById('embed-code').value !== '');
    const snippet = await page.inputValue('#embed-code');
    assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\.html#s=1\.[^"]+" width="800" height="450"/);
    const src = /src="([^"]+)"/.exec(snippet)[1];
    const host = await browser.context.newPage();
    await host.setContent(`<!doctype html><body style="margin:0"><iframe src="${src}" width="${w}" height="${h}" style="border:0"></iframe></body>`);
    const frame = host.frames().find((f) => f.url().includes('embed.html'));
    await frame.waitForFunction(() => document.body.dataset.ready === 'true');
    const m = await frame.evaluate(() => ({
      sw: document.documentElement.scrollWidth, sh: document.documentElement.scrollHeight,
      iw: innerWidth, ih: innerHeight,
      canvas: document.getElementById('canvas').getBoundingClientRect().toJSON(),
      controls: document.querySelector('.controls').getBoundingClientRect().toJSON(),
      side: !!document.querySelector('.side'),
    }));
    assert.ok(m.sw <= m.iw && m.sh <= m.ih, `no scrollbars: ${JSON.stringify(m)}`);
    assert.ok(m.canvas.height > h * 0.5, 'the canvas takes most of the frame');
    assert.ok(m.controls.bottom <= m.ih + 0.5 && m.controls.top > m.canvas.top, 'controls visible under the canvas');
    assert.equal(m.side, false, 'no side panel in the embed');
    // The frames and the swap are drawn, whatever the size.
    const cells = await frame.evaluate(() => [window.pagesim.renderer.locate({ frame: 0 }), window.pagesim.renderer.locate({ slot: 0 })]);
    assert.ok(cells.every((c) => c && c.w >= 6), `frame 0 and slot 0 drawn: ${JSON.stringify(cells)}`);
    await frame.click('#btn-step');
    assert.match(await frame.textContent('#counter'), /step 1 \//);
    // The step sentence is there in full (it wraps; nothing is cut with an ellipsis).
    for (let i = 0; i < 6; i++) await frame.click('#btn-step');
    const caption = await frame.evaluate(() => {
      const c = document.querySelector('.embed-caption');
      const style = getComputedStyle(c);
      const inner = c.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
      return {
        text: document.getElementById('embed-step').textContent, wrap: style.whiteSpace, overflow: style.textOverflow,
        title: document.getElementById('embed-title').textContent, lines: inner / parseFloat(style.lineHeight),
      };
    });
    // Whole lines: the sentence is never cut through the middle of a line (the rest scrolls).
    assert.ok(Math.abs(caption.lines - Math.round(caption.lines)) < 0.05 && Math.round(caption.lines) >= 1, `caption shows ${caption.lines} lines`);
    const full = await frame.evaluate(() => window.pagesim.state.sim.log(6, 7)[0].events.map((e) => e.text).join(' · '));
    assert.ok(caption.text.includes(full.slice(0, 60)), `${caption.text} vs ${full}`);
    assert.notEqual(caption.wrap, 'nowrap');
    assert.notEqual(caption.overflow, 'ellipsis');
    assert.equal(caption.title, 'Swapping');
    await host.close();
    await page.close();
  });
}

test('hostile links show a clear message, load the default scenario, and run no script', async () => {
  const good = await (async () => {
    const page = await open(browser.context, base);
    const p = await page.evaluate(async () => window.pagesim.api.encodeLink('config frames=2\nspawn A\n'));
    await page.close();
    return p;
  })();
  const b64 = (buf) => buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  const oversized = `1.${b64(deflateRawSync(Buffer.from('note x\n'.repeat(50000))))}`;
  const cases = [
    [`#s=${good.slice(0, -7)}`, /damaged or cut short/],
    [`#s=${good.slice(0, 6)}$$$${good.slice(9)}`, /not valid base64url/],
    [`#s=2.${good.slice(2)}`, /different version of pagesim/],
    [`#s=${oversized}`, /larger than 256 KiB/],
    ['#s=1.<script>alert(1)</script>', /not valid base64url|damaged/],
    [`#s=${good}&t=abc`, /not a step number/],
  ];
  for (const [hash, message] of cases) {
    const page = await open(browser.context, `${base}${hash}`);
    assert.equal(await page.isVisible('#banner'), true, hash);
    assert.match(await page.textContent('#banner'), message, hash);
    assert.equal(await page.evaluate(() => window.pagesim.state.presetId), 'demand-paging', 'the default scenario is loaded');
    await page.close();
  }
  // A scenario whose text carries markup: shown as text, never run.
  const evil = 'note <img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>\nspawn A\n';
  const page = await open(browser.context, base);
  const payload = await page.evaluate(async (t) => window.pagesim.api.encodeLink(t), evil);
  const linked = await open(browser.context, `${base}#s=${payload}`);
  await linked.keyboard.press('ArrowRight');
  await linked.waitForTimeout(200);
  assert.equal(await linked.evaluate(() => window.__pwned), undefined);
  assert.match(await linked.textContent('#step-text'), /<img src=x onerror=/);
  assert.equal(await linked.locator('#log img, #step-text img, #about img').count(), 0);
  const csp = await linked.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  await page.close();
  await linked.close();
});

test('a link of 2,600 writes to 64 KiB pages opens at its last step, quickly and drawn', async () => {
  let text = 'config frames=4096 page=64K vbits=32 swap=64\nspawn A\nalloc A heap 200M rw\n';
  for (let i = 0; i < 2600; i++) text += `write A 0x${((1 + i) * 65536 + (i % 4096)).toString(16)} ${1 + (i % 250)}\n`;
  const page = await open(browser.context, base);
  const payload = await page.evaluate(async (t) => window.pagesim.api.encodeLink(t), text);
  await page.close();
  const t0 = Date.now();
  const linked = await open(browser.context, `${base}#s=${payload}&t=2602`);
  const ms = Date.now() - t0;
  assert.match(await linked.textContent('#counter'), /step 2,?602 \/ 2,?602/);
  assert.equal(await linked.isVisible('#banner'), false);
  const memoryMiB = await linked.evaluate(() => window.pagesim.memoryBytes()) / 2 ** 20;
  assert.ok(memoryMiB < 128, `${memoryMiB} MiB of WebAssembly memory`);
  // The first release froze for 90 s and then trapped; a few seconds is generous for a shared machine.
  assert.ok(ms < 15000, `${ms} ms to open`);
  await linked.close();
});

test('a link that ticks past 2^53 − 1 shows the error, not a blank page', async () => {
  const page = await open(browser.context, base);
  const payload = await page.evaluate(async () => window.pagesim.api.encodeLink('config frames=2\nspawn A\ntick 9007199254740993\n'));
  await page.close();
  const linked = await open(browser.context, `${base}#s=${payload}`);
  const shown = await linked.evaluate(() => document.body.innerText);
  assert.match(shown, /a tick is at most 9007199254740991 time units/);
  assert.match(await linked.inputValue('#editor-text'), /tick 9007199254740993/, 'the text is kept, in the editor');
  await linked.waitForTimeout(500);
  assert.ok(linked.url().includes(payload), 'and in the address bar');
  assert.deepEqual(browser.errors.filter((e) => /represented|unreachable/.test(e)), []);
  await linked.close();
});

test('an embed is titled after its scenario: a preset with other settings, or its first comment', async () => {
  const page = await open(browser.context, base);
  const title = async (text) => {
    const payload = await page.evaluate(async (t) => window.pagesim.api.encodeLink(t), text);
    const p = await browser.context.newPage();
    await p.goto(`${base}embed.html#s=${payload}`);
    await p.waitForFunction(() => document.body.dataset.ready === 'true');
    const t = await p.textContent('#embed-title');
    await p.close();
    return t;
  };
  const swapping = await page.evaluate(() => window.pagesim.api.presets().find((p) => p.id === 'swapping').text);
  assert.equal(await title(swapping), 'Swapping');
  assert.equal(await title(swapping.replace(/frames=\d+/, 'frames=5')), 'Swapping (other settings)');
  assert.equal(await title('# Two processes, no sharing\nconfig frames=3\nspawn A\nspawn B\n'), 'Two processes, no sharing');
  assert.equal(await title('config frames=3\nspawn A\n'), 'pagesim scenario');
  await page.close();
});

test('a link whose scenario has an error opens the editor on its text, the error at its line, and keeps the address', async () => {
  const page = await open(browser.context, base);
  const text = 'config frames=3\nspawn A\nfrobnicate A\n';
  const payload = await page.evaluate(async (t) => window.pagesim.api.encodeLink(t), text);
  const p = await open(browser.context, `${base}#s=${payload}`);
  await p.waitForTimeout(600); // longer than the address bar's follow delay
  assert.equal(await p.inputValue('#editor-text'), text);
  assert.equal(await p.isVisible('#editor-panel'), true);
  assert.match(await p.textContent('#editor-error'), /^line 3, column 1: expected a command/);
  assert.match(await p.textContent('#banner'), /this link's scenario has an error — 3:1:/);
  assert.ok((await p.evaluate(() => location.hash)).startsWith(`#s=${payload}`), 'the address bar keeps the link');
  // The embed page says so and links to the full page with the same scenario.
  const e = await browser.context.newPage();
  await e.goto(`${base}embed.html#s=${payload}`);
  await e.waitForFunction(() => document.body.dataset.ready === 'true');
  await e.waitForTimeout(600);
  assert.match(await e.textContent('#banner'), /Open it in the full page to fix it/);
  assert.match(await e.getAttribute('#embed-open', 'href'), new RegExp(`index\\.html#s=${payload.replace(/[.]/g, '\\.')}`));
  await e.close();
  await p.close();
  await page.close();
});

test('a link to a preset with other settings keeps the preset: title, explanation, comparison plot', async () => {
  const page = await open(browser.context, `${base}#p=belady`);
  const text = await page.evaluate(() => window.pagesim.state.text);
  const other = text.replace('frames=4', 'frames=3');
  assert.notEqual(other, text);
  const hash = await page.evaluate((t) => window.pagesim.api.encodeLink(t), other);
  const linked = await open(browser.context, `${base}#s=${hash}`);
  assert.equal(await linked.textContent('#about-title'), "Belady's anomaly (other settings)");
  assert.equal(await linked.isVisible('#compare'), true, 'the comparison plot too');
  assert.equal(await linked.evaluate(() => window.pagesim.state.config.frames), 3);
  // Reloading the sender's own tab after changing the setting: the same.
  await linked.reload();
  await linked.waitForFunction(() => document.body.dataset.ready === 'true');
  assert.equal(await linked.textContent('#about-title'), "Belady's anomaly (other settings)");
  await page.close();
  await linked.close();
});

test('a link pasted into an open tab opens (hashchange)', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  const text = 'config frames=2 tlb=0\nspawn Z\nalloc Z h 8K rw\nwrite Z 0x1000 5\n';
  const hash = await page.evaluate((t) => window.pagesim.api.encodeLink(t), text);
  await page.evaluate((h) => { location.hash = `s=${h}&t=2`; }, hash);
  await page.waitForFunction((t) => window.pagesim.state.text === t, text);
  assert.equal(await page.evaluate(() => window.pagesim.state.sim.position), 2);
  // And a preset or a tour chapter likewise.
  await page.evaluate(() => { location.hash = 'p=belady'; });
  await page.waitForFunction(() => window.pagesim.state.presetId === 'belady');
  await page.evaluate(() => { location.hash = 'tour=null'; });
  await page.waitForFunction(() => window.pagesim.state.tourId === 'null');
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('a large embed fills its frame with the picture instead of leaving half of it blank', async () => {
  const big = await launch({ width: 1280, height: 720 });
  try {
    const page = await open(big.context, `${base}embed.html#p=belady`);
    for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
    const used = await page.evaluate(() => {
      const c = document.getElementById('canvas');
      const d = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
      let lowest = 0;
      for (let y = 0; y < c.height; y++) {
        for (let x = 0; x < c.width; x += 3) {
          if (d[y * c.width + x] !== d[0]) { lowest = y; break; }
        }
      }
      return lowest / c.height;
    });
    assert.ok(used > 0.75, `the picture reaches ${(used * 100).toFixed(0)}% of the canvas's height`);
    // Room for the legend too, in one band of full words.
    assert.equal(await page.isVisible('#legend'), true);
    assert.equal(await page.isVisible('#legend .item[data-kind="guard"] .long'), true);
    assert.match(await page.textContent('#legend'), /null guard page/);
    // Every size has a legend: a small embed's is one line of short words, the commonest first,
    // each with its full meaning as a tooltip and for screen readers.
    for (const [width, height] of [[320, 240], [640, 360], [800, 450]]) {
      const small = await open(big.context, `${base}embed.html#p=belady`);
      await small.setViewportSize({ width, height });
      const legend = await small.evaluate(() => {
        const box = document.getElementById('legend').getBoundingClientRect();
        const first = [...document.querySelectorAll('#legend .item')].sort((a, b) => a.getBoundingClientRect().x - b.getBoundingClientRect().x)[0];
        return { h: box.height, w: box.width, first: first.dataset.kind, short: first.querySelector('.short').title, long: first.querySelector('.long').textContent };
      });
      assert.equal(await small.isVisible('#legend'), true, `${width}×${height}: a legend`);
      assert.ok(legend.h > 8 && legend.h < 24, `${width}×${height}: one line (${legend.h} px)`);
      assert.deepEqual([legend.first, legend.short, legend.long], ['resident', 'in a frame', 'in a frame']);
      await small.close();
    }
    assert.deepEqual(big.errors, []);
  } finally {
    await big.close();
  }
});
