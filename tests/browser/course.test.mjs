// Course features in headless Chromium: share links, the Share button, embedding, hostile links,
// traces dropped on the page, predict mode, and a responsive page during a long replay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { deflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { startServer, launch, open, dataDir, root } from './helpers.mjs';

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
  const cli = join(process.cwd(), 'target', 'release', 'pagesim');
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

for (const [w, h] of [[320, 240], [400, 600], [800, 450], [1280, 720]]) {
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
      return { text: document.getElementById('embed-step').textContent, wrap: style.whiteSpace, overflow: style.textOverflow, title: document.getElementById('embed-title').textContent };
    });
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

test('a lackey trace dropped on the page replays and the comparison plot shows', async () => {
  browser.errors.length = 0;
  const page = await open(browser.context, base);
  await page.click('#btn-trace');
  const bytes = [...readFileSync(join(dataDir, 'sumarr.lackey.gz'))];
  await page.evaluate((data) => {
    const file = new File([new Uint8Array(data)], 'sumarr.lackey.gz', { type: 'application/gzip' });
    const dt = new DataTransfer();
    dt.items.add(file);
    document.getElementById('trace-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await page.waitForFunction(() => !document.getElementById('trace-run').disabled);
  await page.fill('#trace-frames', '8');
  await page.click('#trace-run');
  await page.waitForFunction(() => document.getElementById('trace-dialog').dataset.done === 'true', null, { timeout: 60000 });
  const result = await page.textContent('#trace-result');
  assert.match(result, /LRU, 8 frames: [\d,]+ accesses/);
  assert.match(await page.textContent('#trace-status'), /Done in/);
  assert.equal(await page.isVisible('#trace-plot'), true);
  const drawn = await page.evaluate(() => {
    const c = document.getElementById('trace-plot');
    const d = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
    return d.filter((x) => x !== d[0]).length;
  });
  assert.ok(drawn > 500, 'the plot has lines');
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('a small trace opens step by step in the simulator', async () => {
  const page = await open(browser.context, base);
  await page.click('#btn-trace');
  await page.setInputFiles('#trace-file', { name: 'belady.pages', mimeType: 'text/plain', buffer: readFileSync(join(dataDir, 'belady.pages')) });
  await page.waitForFunction(() => !document.getElementById('trace-run').disabled);
  await page.selectOption('#trace-policy', 'fifo');
  await page.fill('#trace-frames', '3');
  await page.click('#trace-run');
  await page.waitForSelector('#trace-window:not([hidden])', { timeout: 30000 });
  assert.match(await page.textContent('#trace-window'), /all 12 accesses/);
  await page.click('#trace-open');
  await page.waitForFunction(() => window.pagesim.state.text.startsWith('# accesses 1–12 of 12'));
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => window.pagesim.state.sim.stats().total.faults), 9);
  await page.close();
});

test('predict mode scores a right and a wrong answer', async () => {
  const text = 'config frames=1 tlb=0 policy=fifo\nspawn T flat\nrefs T 1 1 2\n';
  const page = await open(browser.context, base);
  const payload = await page.evaluate(async (t) => window.pagesim.api.encodeLink(t), text);
  await page.close();
  const p = await open(browser.context, `${base}#s=${payload}&mode=predict`);
  assert.equal(await p.getAttribute('#btn-predict', 'aria-pressed'), 'true', 'the link opened predict mode');
  await p.keyboard.press('ArrowRight'); // spawn: nothing to predict
  assert.match(await p.textContent('#counter'), /step 1 \//);
  await p.keyboard.press('ArrowRight'); // page 1, first touch
  assert.match(await p.textContent('#predict'), /Step 2: T reads 0x1000 \(page 1\)\. What happens\?/);
  assert.match(await p.textContent('#counter'), /step 1 \//, 'not revealed before the answer');
  await p.click('#predict button[data-answer=fault]');
  assert.match(await p.textContent('#predict'), /Right: a page fault\./);
  assert.match(await p.textContent('#predict'), /score 1 \/ 1/);
  assert.match(await p.textContent('#counter'), /step 2 \//);
  await p.keyboard.press('ArrowRight'); // page 1 again: a hit
  await p.click('#predict button[data-answer=fault]');
  assert.match(await p.textContent('#predict'), /Not quite: it is a hit\./);
  assert.match(await p.textContent('#predict'), /score 1 \/ 2/);
  await p.keyboard.press('ArrowRight'); // page 2: a fault with memory full → which victim?
  await p.click('#predict button[data-answer=fault]');
  assert.match(await p.textContent('#predict'), /Which frame will it take\?/);
  await p.click('#predict button[data-answer=frame-0]');
  assert.match(await p.textContent('#predict'), /Right: frame 0 \(T page 1\) was the victim\./);
  assert.match(await p.textContent('#predict'), /score 2 \/ 3/);
  await p.close();
});

test('the page stays responsive while a large trace replays, and the replay can be cancelled', async () => {
  const page = await open(browser.context, base);
  await page.click('#btn-trace');
  // 3 million references over 300,000 pages: seconds of work for the worker.
  let x = 12345;
  const parts = [];
  for (let i = 0; i < 3_000_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    parts.push(String(x % 300_000));
  }
  await page.setInputFiles('#trace-file', { name: 'big.pages', mimeType: 'text/plain', buffer: Buffer.from(parts.join(' ')) });
  await page.waitForFunction(() => !document.getElementById('trace-run').disabled);
  await page.fill('#trace-frames', '1000');
  await page.click('#trace-run');
  await page.waitForFunction(() => document.getElementById('trace-progress').value > 0, null, { timeout: 30000 });
  const delays = [];
  for (let i = 0; i < 5; i++) {
    delays.push(await page.evaluate(() => new Promise((r) => { const t = performance.now(); setTimeout(() => r(performance.now() - t), 5); })));
  }
  assert.ok(Math.max(...delays) < 250, `the main thread answers within 250 ms while replaying: ${delays.map((d) => d.toFixed(0))}`);
  const t0 = Date.now();
  await page.click('#trace-cancel');
  assert.ok(Date.now() - t0 < 1000, 'the click is handled at once');
  assert.equal(await page.textContent('#trace-status'), 'Cancelled.');
  assert.equal(await page.isVisible('#trace-progress'), false);
  await page.close();
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

test('predict mode gives nothing away while it asks, explains each answer, and scores a step once', async () => {
  const text = 'config frames=2 tlb=0 policy=lru\nspawn T flat\nrefs T 1 2 1 3\n';
  const page = await open(browser.context, base);
  const payload = await page.evaluate(async (t) => window.pagesim.api.encodeLink(t), text);
  await page.close();
  const p = await open(browser.context, `${base}#s=${payload}&mode=predict`);
  await p.keyboard.press('ArrowRight'); // spawn: nothing to predict
  for (const answer of ['fault', 'fault', 'hit']) { // pages 1, 2, 1
    await p.keyboard.press('ArrowRight');
    await p.click(`#predict button[data-answer=${answer}]`);
  }
  assert.match(await p.textContent('#predict'), /score 3 \/ 3 · 3 right in a row/);
  // Page 3 with memory full: the question is which frame, and the LRU order (T2 → T1) must not show.
  await p.keyboard.press('ArrowRight');
  await p.click('#predict button[data-answer=fault]');
  assert.match(await p.textContent('#predict'), /Which frame will it take\?/);
  const order = await p.textContent('#policy-order');
  assert.doesNotMatch(order, /T2|T1|→/, `the order is hidden while asking: "${order}"`);
  // Nor is the policy's state drawn under the frames (it shows the order too).
  const inks = () => p.evaluate(() => {
    const r = window.pagesim.renderer.locate({ policyState: true });
    const data = document.getElementById('canvas').getContext('2d').getImageData(r.x, r.y, r.w, r.h).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size;
  });
  assert.equal(await inks(), 1, 'the state row is blank while asking');
  const before = await p.textContent('#predict');
  const asked = Number(before.match(/score \d+ \/ (\d+)/)[1]);
  await p.click('#predict button[data-answer=frame-1]'); // page 2 sits in frame 1 and was used longest ago
  let shown = await p.textContent('#predict');
  assert.match(shown, /Right: frame 1 \(T page 2\) was the victim\./);
  assert.match(shown, /evicted T page 2/, 'the step\'s own sentence says why');
  assert.match(shown, new RegExp(`score \\d+ / ${asked + 1}`));
  assert.match(await p.textContent('#policy-order'), /LRU order/, 'shown again after the answer');
  assert.ok(await inks() > 10, 'and drawn again');
  // Back over the step and answer it again: not scored twice.
  await p.keyboard.press('ArrowLeft');
  await p.keyboard.press('ArrowRight');
  await p.click('#predict button[data-answer=fault]');
  await p.click('#predict button[data-answer=frame-0]');
  shown = await p.textContent('#predict');
  assert.match(shown, /Not quite: frame 1 \(T page 2\) was the victim\. \(answered before: not scored again\)/);
  assert.match(shown, new RegExp(`score \\d+ / ${asked + 1}`), 'the count did not change');
  await p.close();
});

test('CSV export gives every event of the run so far and the statistics', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  await page.keyboard.press('End');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-csv')]);
  assert.equal(download.suggestedFilename(), 'pagesim-swapping.csv');
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.trim().split('\r\n');
  assert.equal(lines[0], 'step,line,type,pid,page,frame,text');
  const events = await page.evaluate(() => window.pagesim.state.sim.log(0, window.pagesim.state.sim.position)
    .reduce((n, r) => n + r.events.length, 0));
  const blank = lines.indexOf('');
  assert.equal(blank - 1, events, 'one row per event');
  assert.match(lines[1], /^1,2,spawn,0,,,/);
  assert.ok(lines.some((l) => /,"?A write 0x5000 = 50: page 5 not in memory/.test(l)), 'the sentences, quoted where needed');
  const faults = await page.evaluate(() => window.pagesim.state.sim.stats().total.faults);
  assert.ok(lines.includes(`faults,${faults}`));
  await page.close();
});

test('PNG export is the picture at twice the CSS size, drawn', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-png')]);
  assert.equal(download.suggestedFilename(), 'pagesim-swapping-step-12.png');
  const png = readFileSync(await download.path());
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  const css = await page.evaluate(() => ({ w: document.getElementById('canvas').clientWidth, h: document.getElementById('canvas').clientHeight }));
  assert.deepEqual([w, h], [Math.round(css.w * 2), Math.round(css.h * 2)]);
  // Drawn, not blank: the image decodes in the page to many different colours.
  const colours = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = Object.assign(document.createElement('canvas'), { width: img.width, height: img.height });
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size;
  }, png.toString('base64'));
  assert.ok(colours > 20, `${colours} colours`);
  await page.close();
});

test('the grid view shows the textbook counts for each policy, follows the steps, and is blank ahead in predict mode', async () => {
  const page = await open(browser.context, base);
  await page.click('#grid-panel summary');
  const refs = '7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1';
  for (const [policy, faults] of [['fifo', 15], ['lru', 12], ['opt', 9], ['clock', 14]]) {
    await page.evaluate(([p, r]) => {
      window.pagesim.load(`config frames=3 tlb=0 policy=${p}\nspawn T flat\nrefs T ${r}\n`);
      window.pagesim.jump(window.pagesim.state.sim.length);
    }, [policy, refs]);
    const grid = await page.evaluate(() => {
      const t = document.getElementById('grid');
      return {
        header: [...t.querySelectorAll('thead th:not(.corner)')].map((th) => th.textContent),
        faults: t.querySelectorAll('thead th[data-fault]').length,
        rows: t.querySelectorAll('tbody tr').length,
        frame0: [...t.querySelectorAll('tbody tr:first-child td')].map((td) => td.textContent),
      };
    });
    assert.equal(grid.header.join(' '), refs, policy);
    assert.equal(grid.faults, faults, `${policy}: ${faults} faults on the grid`);
    assert.equal(grid.rows, 3 + 1, 'a row per frame and the evicted row');
    assert.equal(grid.frame0[0], '7', 'page 7 loads into frame 0 first');
    assert.match(await page.textContent('#grid-note'), new RegExp(`${faults} page faults in 20 of 20 accesses`));
  }
  // FIFO after 4 steps (spawn + 7 0 1): frame 0 holds 7, the 2 in column 4 is not filled yet.
  await page.evaluate(() => {
    window.pagesim.load('config frames=3 tlb=0 policy=fifo\nspawn T flat\nrefs T 7 0 1 2 0 3\n');
    window.pagesim.jump(4);
  });
  const columns = () => page.evaluate(() => [...document.querySelectorAll('#grid thead th:not(.corner)')].map((th, i) => ({
    fault: th.hasAttribute('data-fault'),
    current: th.classList.contains('current'),
    cells: [...document.querySelectorAll(`#grid tbody tr td:nth-of-type(${i + 1})`)].map((td) => td.textContent).join(','),
  })));
  let cols = await columns();
  assert.deepEqual(cols.map((c) => c.fault), [true, true, true, false, false, false]);
  assert.equal(cols[2].current, true);
  assert.equal(cols[2].cells, '7,0,1,');
  assert.equal(cols[3].cells, ',,,', 'a step not done is blank');
  await page.click('#btn-step');
  cols = await columns();
  assert.equal(cols[3].cells, '2,0,1,7', 'page 2 replaced 7 (shown as evicted)');
  assert.equal(cols[3].fault, true);
  // Predict mode: the question's column stays blank and unmarked until answered.
  await page.click('#btn-predict');
  await page.click('#btn-step'); // page 0: hit or fault?
  assert.match(await page.textContent('#predict'), /What happens\?/);
  cols = await columns();
  assert.equal(cols[4].cells, ',,,');
  assert.equal(cols[4].fault, false);
  await page.click('#predict button[data-answer=hit]');
  cols = await columns();
  assert.equal(cols[4].cells, '2,0,1,');
  await page.close();
});

test('the exercise generator opens the CLI\'s exercise in predict mode and prints a worksheet with the key on its own page', async () => {
  const cli = join(root, 'target', 'release', 'pagesim');
  const expected = JSON.parse(execFileSync(cli, ['exercise', '--policy', 'lru', '--frames', '3', '--length', '14', '--pages', '6', '--seed', '42', '--json'], { encoding: 'utf8' }));
  const page = await open(browser.context, base);
  await page.click('#btn-exercise');
  await page.selectOption('#ex-policy', 'lru');
  for (const [id, v] of [['ex-frames', '3'], ['ex-length', '14'], ['ex-pages', '6'], ['ex-seed', '42']]) await page.fill(`#${id}`, v);
  await page.click('#ex-open');
  await page.waitForFunction(() => document.querySelector('#worksheet table'));
  // The page's exercise is the CLI's: the grid's header is the reference string, predict mode is on.
  const header = await page.$$eval('#grid thead th:not(.corner)', (ths) => ths.map((th) => Number(th.textContent)));
  assert.deepEqual(header, expected.reference);
  assert.equal(await page.getAttribute('#btn-predict', 'aria-pressed'), 'true');
  await page.waitForFunction(() => location.hash.includes('mode=predict'));
  // Nothing is filled in before the student answers.
  assert.equal(await page.$$eval('#grid tbody td', (tds) => tds.filter((td) => td.textContent).length), 0);
  // The worksheet: the blank grid, then the answers (the CLI's) on a page of their own.
  const sheet = await page.evaluate(() => {
    const [blank, key] = document.querySelectorAll('#worksheet table');
    const cells = (t) => [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    return { blank: cells(blank), key: cells(key), faults: Number(document.getElementById('worksheet').dataset.faults) };
  });
  assert.ok(sheet.blank.flat().every((c) => c === ''), 'the question grid is blank');
  assert.equal(sheet.faults, expected.faults);
  expected.steps.forEach((s, i) => {
    for (let f = 0; f < 3; f++) assert.equal(sheet.key[f][i], s.frames[f] == null ? '' : String(s.frames[f]), `column ${i}, frame ${f}`);
    assert.equal(sheet.key[3][i], s.fault ? 'F' : '');
    assert.equal(sheet.key[4][i], s.victim == null ? '' : String(s.victim));
  });
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#canvas'), false, 'printing shows the worksheet only');
  assert.equal(await page.isVisible('#worksheet'), true);
  const pdf = await page.pdf({ format: 'A4', landscape: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.equal(pages, 2, 'the question on page 1, the answer key on page 2');
  if (process.env.WORKSHEET_PDF) writeFileSync(process.env.WORKSHEET_PDF, pdf);
  await page.close();
});

test('SVG export is the same picture as the canvas, with text as text', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(600); // the newest step's outline has stopped pulsing
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-svg')]);
  assert.equal(download.suggestedFilename(), 'pagesim-swapping-step-12.svg');
  const svg = readFileSync(await download.path(), 'utf8');
  const result = await page.evaluate(async (text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const texts = [...doc.querySelectorAll('text')].map((t) => t.textContent);
    // Drawn as an image at the canvas's size, it matches the canvas pixel for pixel, give or take
    // anti-aliasing and text rendering.
    const canvas = document.getElementById('canvas');
    const img = new Image();
    img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(text)))}`; // the page's CSP allows data: images
    await img.decode();
    const c = Object.assign(document.createElement('canvas'), { width: canvas.width, height: canvas.height });
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0, c.width, c.height);
    const a = ctx.getImageData(0, 0, c.width, c.height).data;
    const b = canvas.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let off = 0;
    for (let i = 0; i < a.length; i += 4) {
      if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 96) off++;
    }
    return { error: doc.querySelector('parsererror')?.textContent ?? null, texts, paths: doc.querySelectorAll('path').length, off: off / (a.length / 4), dpr: devicePixelRatio };
  }, svg);
  assert.equal(result.error, null);
  assert.ok(result.texts.some((t) => t.startsWith('Physical memory')), result.texts.join('|'));
  assert.ok(result.texts.some((t) => t.startsWith('Swap')), 'the swap title is text');
  assert.ok(result.paths > 30, `${result.paths} paths`);
  assert.ok(result.off < 0.02, `${(100 * result.off).toFixed(2)}% of pixels differ`);
  await page.close();
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

test('an empty trace says so instead of plotting nothing', async () => {
  const page = await open(browser.context, base);
  await page.click('#btn-trace');
  await page.setInputFiles('#trace-file', { name: 'empty.rw', mimeType: 'text/plain', buffer: Buffer.from('# nothing here\n\n') });
  await page.waitForFunction(() => !document.getElementById('trace-run').disabled);
  await page.click('#trace-run');
  await page.waitForFunction(() => /no accesses/.test(document.getElementById('trace-dialog').textContent));
  assert.match(await page.textContent('#trace-dialog'), /empty\.rw: the trace has no accesses\./);
  assert.equal(await page.isVisible('#trace-plot'), false);
  await page.close();
});
