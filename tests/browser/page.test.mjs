// The page in headless Chromium: it loads cleanly, steps change the picture and the statistics,
// a fault outlines its victim, step back is exact, editor errors show their line, every preset
// runs to the end, and it works at phone width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, canvasHash, ringColours, rgb, stateTextFollows } from './helpers.mjs';

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await launch();
});

after(async () => {
  await browser.close();
  server.close();
});

const statsText = (page) => page.evaluate(() => JSON.stringify(window.pagesim.state.sim.stats()));

test('the page loads with no console errors and draws something', async () => {
  const page = await open(browser.context, base);
  assert.equal(await page.title(), 'pagesim — virtual memory, step by step');
  await page.keyboard.press('ArrowRight'); // spawn A: its address space appears
  await page.keyboard.press('ArrowRight');
  const nonBlank = await page.evaluate(() => {
    const c = document.getElementById('canvas');
    const d = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
    let different = 0;
    for (let i = 0; i < d.length; i++) if (d[i] !== d[0]) different++;
    return different / d.length;
  });
  assert.ok(nonBlank > 0.02, `the canvas has a picture, not a blank fill (${(nonBlank * 100).toFixed(1)}% drawn)`);
  assert.match(await page.textContent('#legend'), /null guard page/);
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('stepping a preset changes the statistics and the canvas', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  const pixels0 = await canvasHash(page);
  const stats0 = await page.textContent('#stats');
  for (let i = 0; i < 4; i++) await page.click('#btn-step');
  assert.match(await page.textContent('#counter'), /step 4 \//);
  assert.notEqual(await page.textContent('#stats'), stats0);
  assert.notEqual(await canvasHash(page), pixels0);
  assert.match(await page.textContent('#step-text'), /minor fault/);
  assert.match(await page.textContent('#log'), /A write 0x1000 = 10/);
  await page.close();
});

test('a fault that evicts outlines the victim page and its frame', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  // Step until an access evicts a page.
  let victim = null;
  for (let i = 0; i < 20 && !victim; i++) {
    await page.keyboard.press('ArrowRight');
    victim = await page.evaluate(() => window.pagesim.state.highlight?.victim ?? null);
  }
  assert.ok(victim, 'some step evicts a page');
  await page.waitForTimeout(600); // let the step animation settle
  const colour = await page.evaluate(() => window.pagesim.renderer.palette.victim);
  const pageRect = await page.evaluate((v) => window.pagesim.renderer.locate({ page: { pid: v.pid, vpn: v.vpn } }), victim);
  assert.ok(pageRect, 'the victim page is on screen');
  assert.ok((await ringColours(page, pageRect)).includes(rgb(colour)), 'victim page outlined in the victim colour');
  const frameRect = await page.evaluate((v) => window.pagesim.renderer.locate({ frame: v.frame }), victim);
  assert.ok((await ringColours(page, frameRect)).includes(rgb(colour)), 'its frame is outlined too');
  assert.match(await page.textContent('#step-text'), /evicted A page \d+ from frame \d+/);
  await page.close();
});

test('step back restores exactly the previous statistics and picture', async () => {
  const page = await open(browser.context, `${base}#p=lru-fifo-opt`);
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(500);
  const before = { stats: await statsText(page), table: await page.textContent('#stats'), pixels: await canvasHash(page) };
  await page.keyboard.press('ArrowRight');
  assert.notEqual(await statsText(page), before.stats);
  await page.keyboard.press('ArrowLeft');
  await page.waitForTimeout(500);
  assert.equal(await statsText(page), before.stats);
  assert.equal(await page.textContent('#stats'), before.table);
  assert.equal(await canvasHash(page), before.pixels);
  // Far back and forward again lands on the same state too.
  await page.keyboard.press('Home');
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(500);
  assert.equal(await statsText(page), before.stats);
  await page.close();
});

test('an editor error is shown at its line', async () => {
  const page = await open(browser.context, base);
  await page.click('#btn-editor');
  await page.fill('#editor-text', 'config frames=3\nspawn A\nread A 0xZZ\n');
  await page.waitForFunction(() => document.getElementById('editor-error').textContent !== '');
  assert.match(await page.textContent('#editor-error'), /line 3, column 8: expected an address/);
  assert.equal(await page.textContent('#editor-gutter .bad'), '3\n');
  assert.equal((await page.textContent('#editor-mirror .bad')).trim(), 'read A 0xZZ');
  // Fixing it clears the error and Run loads it.
  await page.fill('#editor-text', 'config frames=3\nspawn A\nread A 0x0\n');
  await page.waitForFunction(() => document.getElementById('editor-error').textContent === '');
  await page.click('#editor-apply');
  assert.match(await page.textContent('#counter'), /step 0 \/ 2/);
  await page.keyboard.press('End');
  assert.match(await page.textContent('#step-text'), /segmentation fault \(null pointer dereference\)/);
  await page.close();
});

test('every preset runs to the end without an error', async () => {
  const page = await open(browser.context, base);
  const ids = await page.evaluate(() => window.pagesim.api.presets().map((p) => p.id));
  assert.ok(ids.length >= 8);
  for (const id of ids) {
    const result = await page.evaluate((pid) => {
      window.pagesim.loadPreset(pid);
      const sim = window.pagesim.state.sim;
      window.pagesim.jump(sim.length);
      return { pos: sim.position, len: sim.length, error: sim.runError(), counter: document.getElementById('counter').textContent };
    }, id);
    assert.equal(result.error, null, `${id}: ${JSON.stringify(result.error)}`);
    assert.equal(result.pos, result.len, id);
    assert.equal(result.counter, `step ${result.len} / ${result.len}`, id);
  }
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('play runs the scenario to its end', async () => {
  const page = await open(browser.context, `${base}#p=belady`);
  await page.fill('#speed', '10');
  await page.click('#btn-play');
  await page.waitForFunction(() => window.pagesim.state.sim.atEnd, null, { timeout: 10000 });
  assert.match(await page.textContent('#counter'), /step 14 \/ 14/);
  assert.equal(await page.getAttribute('#btn-play', 'aria-label'), 'Play');
  await page.close();
});

test('settings rebuild the run with the new machine', async () => {
  const page = await open(browser.context, `${base}#p=belady`);
  await page.click('#btn-settings');
  await page.fill('#settings-panel input[name=frames]', '3');
  await page.click('#settings-panel button[type=submit]');
  await page.waitForSelector('#settings-panel:not([data-busy])', { state: 'attached' });
  await page.keyboard.press('End');
  const faults = await page.evaluate(() => window.pagesim.state.sim.stats().total.faults);
  assert.equal(faults, 9, "Belady's string with 3 frames");
  assert.match(await page.evaluate(() => window.pagesim.state.text), /^config frames=3 .*policy=fifo/m);
  await page.close();
});

/** Opens `text`, changes the Settings fields in `fields` ({name: value}) and applies them. */
async function applySettings(text, fields) {
  const page = await open(browser.context, base);
  assert.ok(await page.evaluate((t) => window.pagesim.load(t), text));
  await page.click('#btn-settings');
  for (const [name, value] of Object.entries(fields)) {
    const field = page.locator(`#settings-panel [name=${name}]`);
    if (await field.evaluate((e) => e.tagName === 'SELECT')) await field.selectOption(value);
    else await field.fill(value);
  }
  await page.click('#settings-panel button[type=submit]');
  await page.waitForSelector('#settings-panel:not([data-busy])', { state: 'attached' });
  return page;
}

test('settings change an aliased key instead of losing to it', async () => {
  const page = await applySettings('config frames=4 page_size=16K va_bits=24\nspawn A\nalloc A heap 8K rw\n', { page: '4096', vbits: '20' });
  assert.equal(await page.textContent('#settings-error'), '');
  const config = await page.evaluate(() => window.pagesim.state.config);
  assert.deepEqual([config.page_size, config.va_bits, config.frames], [4096, 20, 4]);
  const first = await page.evaluate(() => window.pagesim.state.text.split('\n')[0]);
  assert.match(first, /^config frames=4 page=4K vbits=20 /);
  assert.doesNotMatch(first, /page_size|va_bits/, 'aliases folded');
  await page.close();
});

test('a page size outside the usual list is shown and kept, and Apply works', async () => {
  const page = await applySettings('config frames=2 page=2K seed=7\nspawn A\nalloc A heap 8K rw\nwrite A 0x1000 1 # mine\n', { frames: '5' });
  assert.equal(await page.textContent('#settings-error'), '');
  assert.equal(await page.inputValue('#settings-panel [name=page]'), '2048', 'the select shows 2K');
  const config = await page.evaluate(() => window.pagesim.state.config);
  assert.deepEqual([config.page_size, config.frames], [2048, 5]);
  const text = await page.evaluate(() => window.pagesim.state.text);
  assert.match(text, /^config frames=5 page=2K .*seed=7\n/, 'other settings kept');
  assert.match(text, /write A 0x1000 1 # mine\n/, 'other lines kept');
  // Every page size the engine allows is offered.
  const offered = await page.$$eval('#settings-panel [name=page] option', (o) => o.map((x) => x.textContent));
  assert.deepEqual(offered, ['16', '32', '64', '128', '256', '512', '1K', '2K', '4K', '8K', '16K', '32K', '64K']);
  await page.close();
});

test('a setting the engine refuses is an error next to the form, and nothing changes', async () => {
  const page = await applySettings('config frames=2\nspawn A\n', { page: '65536', vbits: '12' });
  assert.match(await page.textContent('#settings-error'), /invalid configuration: vbits=12 with page=64K/);
  assert.equal(await page.evaluate(() => window.pagesim.state.text), 'config frames=2\nspawn A\n');
  await page.close();
});

for (const [width, height] of [[390, 844], [360, 740]]) test(`the page works on a ${width}×${height} phone`, async () => {
  const phone = await launch({ width, height, hasTouch: true });
  try {
    const page = await open(phone.context, `${base}#p=swapping`);
    const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, canvas: document.getElementById('canvas').clientWidth }));
    assert.ok(widths.doc <= width, `no horizontal scrolling (${widths.doc}px)`);
    assert.ok(widths.canvas > width - 90, 'the canvas uses the width');
    const pixels = await canvasHash(page);
    await page.tap('#btn-step'); // a touch, as a phone gives it
    await page.tap('#btn-step');
    assert.match(await page.textContent('#counter'), /step 2 \//);
    assert.notEqual(await canvasHash(page), pixels);
    const box = await page.locator('#btn-play').boundingBox();
    assert.ok(box && box.width >= 44 && box.height >= 44, `controls stay big enough for a thumb (${JSON.stringify(box)})`);
    // After a step, its sentence is on the first screen, under the picture: no scrolling to read it.
    const inView = (sel) => page.evaluate((s) => {
      const r = document.querySelector(s).getBoundingClientRect();
      return r.top >= 0 && r.top + 24 <= window.innerHeight;
    }, sel);
    assert.equal(await inView('#step-text'), true, 'the step\'s sentence is in view');
    // Predict mode: its question too, and a tap on step then waits for an answer it shows.
    await page.tap('#btn-menu');
    await page.tap('#btn-predict');
    assert.equal(await page.isVisible('#btn-csv'), false, 'choosing from the menu folds it');
    await page.tap('#btn-step');
    await page.waitForSelector('#predict:not([hidden])');
    assert.equal(await inView('#predict'), true, 'predict\'s question is in view');
    // The header is one row: the brand and the menu button; the rest opens from it.
    assert.equal(await page.isVisible('#btn-share'), false);
    const header = await page.locator('.topbar').boundingBox();
    assert.ok(header.height < 60, `the header is one row (${header.height}px)`);
    await page.tap('#btn-menu');
    assert.equal(await page.isVisible('#btn-share'), true, 'the menu opens');
    assert.deepEqual(phone.errors, []);
  } finally {
    await phone.close();
  }
});

test('hovering a cell names it', async () => {
  const page = await open(browser.context, `${base}#p=demand-paging`);
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  const r = await page.evaluate(() => window.pagesim.renderer.locate({ page: { pid: 0, vpn: 2 } }));
  const box = await page.locator('#canvas').boundingBox();
  await page.mouse.move(box.x + r.x + r.w / 2, box.y + r.y + r.h / 2);
  await page.waitForSelector('#tooltip:not([hidden])');
  const tip = await page.textContent('#tooltip');
  assert.match(tip, /A page 2 \(0x2000–0x2fff\)/);
  assert.match(tip, /resident in frame 0/);
  assert.match(tip, /region heap rw-/);
  await page.close();
});

test('a 48-bit address space can be zoomed, and the tooltip follows', async () => {
  const page = await open(browser.context, base);
  const refs = Array.from({ length: 2000 }, (_, i) => i + 1).join(' ');
  await page.evaluate((r) => window.pagesim.load(`config vbits=48 levels=4 frames=64 swap=4096\nspawn T flat\nrefs T ${r}\nwrite T 0x7ff000001000 1\n`), refs);
  await page.keyboard.press('End');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  const pagesIn = (tip) => {
    const [, a, b] = tip.match(/^T pages? ([\d,]+)(?:–([\d,]+))? \(/) ?? [];
    return [Number(a?.replace(/,/g, '')), Number((b ?? a)?.replace(/,/g, ''))];
  };
  const before = await page.evaluate(() => window.pagesim.renderer.locate({ page: { pid: 0, vpn: 1000 } }));
  const box = await page.locator('#canvas').boundingBox();
  await page.mouse.move(box.x + before.x + before.w / 2, box.y + before.y + before.h / 2);
  const [a0, b0] = pagesIn(await page.textContent('#tooltip'));
  assert.ok(a0 <= 1000 && 1000 <= b0 && b0 > a0, `a summarised cell holds page 1000 (${a0}–${b0})`);
  const pixels = await canvasHash(page);
  for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -100);
  await page.waitForTimeout(100);
  assert.notEqual(await canvasHash(page), pixels, 'zooming redraws');
  // The tooltip follows the zoom: the cell now under the pointer is narrower and still near page 1000.
  const [a1, b1] = pagesIn(await page.textContent('#tooltip'));
  assert.ok(b1 - a1 < b0 - a0, `fewer pages a cell (${a0}–${b0} → ${a1}–${b1})`);
  assert.ok(Math.abs(a1 - 1000) <= b0 - a0, `the pointer stays near page 1000 (${a1}–${b1})`);
  await page.close();
});

test('light and dark colour schemes, and the theme button', async () => {
  const dark = await launch({ colorScheme: 'dark' });
  try {
    const page = await open(dark.context, `${base}#p=swapping`);
    const corner = () => page.evaluate(() => {
      const c = document.getElementById('canvas');
      return Array.from(c.getContext('2d').getImageData(2, 2, 1, 1).data.slice(0, 3)).join(',');
    });
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    const panel = await page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--panel').trim());
    assert.equal(await corner(), rgb(panel), 'the canvas uses the dark panel colour');
    await page.click('#btn-theme');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'light');
    assert.equal(await corner(), '255,255,255', 'and follows the switch to light');
    assert.deepEqual(dark.errors, []);
  } finally {
    await dark.close();
  }
});

test('the translation, next-step and policy-order panels describe the access as it happened', async () => {
  const page = await open(browser.context, base);
  await page.evaluate(() => window.pagesim.load('config frames=2 tlb=2 levels=2 vbits=16 policy=fifo\nspawn A\n'
    + 'alloc A heap 16K rw at 0x4000\nwrite A 0x4010 7\nread A 0x4010\nread A 0x5000\nread A 0x6000\n'));
  await page.evaluate(() => window.pagesim.jump(2));
  assert.match(await page.textContent('#next-step'), /Next \(step 3, line 4\): A writes 7 to 0x4010 \(page 4\)/);
  await page.keyboard.press('ArrowRight'); // the first touch: no second-level table yet
  let walk = await page.textContent('#translation');
  assert.match(walk, /TLB miss/);
  assert.match(walk, /miss: added after the walk/);
  assert.equal(await page.$$eval('#translation .tlb tr.used.miss', (rows) => rows.length), 1);
  assert.match(walk, /L1 table, entry 1: empty \(no L2 table under it yet\)/);
  assert.match(walk, /not present → page fault \(minor: zero-filled\), now frame 0/);
  // The address 0x4010 in binary: L1 01, L2 00 (page 4 = 0100), offset 000000010000.
  const fields = await page.$$eval('#translation .va-bits span', (spans) => spans.map((x) => x.firstChild.textContent));
  assert.deepEqual(fields, ['01', '00', '000000010000']);
  assert.match(await page.textContent('#next-step'), /A reads 0x4010 \(page 4\)/);
  await page.keyboard.press('ArrowRight'); // the same page again: a TLB hit
  walk = await page.textContent('#translation');
  assert.match(walk, /TLB hit: page 4 → frame 0, no walk needed/);
  // The TLB drawn: its entries (process, page, frame), the one used marked as a hit.
  const tlb = await page.$$eval('#translation .tlb tr', (rows) => rows.map((r) => ({ cls: r.className, cells: [...r.children].map((c) => c.textContent) })));
  assert.deepEqual(tlb[0].cells, ['process', 'page', 'frame']);
  assert.deepEqual(tlb.find((r) => r.cls === 'used hit')?.cells, ['A', '4', '0']);
  assert.match(walk, /TLB · 1 of 2 entries, least recently used first · hit: the translation was here/);
  assert.match(walk, /physical address 0x10/);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight'); // page 6 evicts page 4 (FIFO, 2 frames)
  // The order with each page's load time; the eviction says why page 4 went.
  const order = await page.textContent('#policy-order');
  const [, t5, t6] = order.match(/FIFO queue, oldest first \(the next victim\) \(in brackets: loaded at time\): A5 \((\d+)\) → A6 \((\d+)\)/) ?? [];
  assert.ok(Number(t5) < Number(t6), order);
  assert.match(await page.textContent('#step-text'), /evicted A page 4 from frame 0 — FIFO: the earliest loaded, at t=\d+ —/);
  await page.close();
});

test('the CLOCK preset shows second chance: fewer faults than FIFO, and its own line in the plot', async () => {
  const page = await open(browser.context, `${base}#p=clock`);
  await page.keyboard.press('ArrowRight');
  assert.ok(await page.evaluate(() => window.pagesim.state.stats.processes.length === 1), 'the first step draws a process');
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => window.pagesim.state.sim.stats().total.faults), 11);
  const counts = await page.evaluate(async () => (await window.pagesim.analysis()).compareScenario(window.pagesim.state.text, ['fifo', 'clock'], [4]));
  assert.deepEqual(counts, [[14], [11]]);
  assert.equal(await page.isVisible('#compare-plot'), true);
  // The plot's numbers, in a table under it: the same counts the engine gives.
  await page.click('#compare-numbers summary');
  await page.waitForSelector('#compare-numbers table');
  const rows = await page.$$eval('#compare-numbers tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const head = await page.$$eval('#compare-numbers thead th', (ths) => ths.map((th) => th.textContent));
  const four = rows.find((r) => r[0] === '4');
  assert.equal(four[head.indexOf('FIFO')], '14');
  assert.equal(four[head.indexOf('CLOCK')], '11');
  assert.equal(rows.length, 8, 'a row per frame count, 1–8');
  await page.close();
});

test('Space and Enter press the focused button; after choosing a preset, → steps it', async () => {
  const page = await open(browser.context, base);
  const dark = () => page.evaluate(() => document.documentElement.dataset.theme ?? '');
  const before = await dark();
  await page.focus('#btn-theme');
  await page.keyboard.press(' ');
  assert.notEqual(await dark(), before, 'Space pressed the theme button');
  assert.equal(await page.evaluate(() => window.pagesim.state.playing), false, 'and did not start playback');
  await page.focus('#btn-step');
  await page.keyboard.press('Enter');
  await page.keyboard.press(' ');
  assert.equal(await page.evaluate(() => window.pagesim.state.sim.position), 2, 'Enter and Space each pressed Step');
  // Choosing a preset with the keyboard moves focus off the select, so → steps instead of
  // choosing the next preset.
  await page.focus('#preset');
  await page.selectOption('#preset', 'belady');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.inputValue('#preset'), 'belady');
  assert.equal(await page.evaluate(() => window.pagesim.state.sim.position), 1);
  // Elsewhere, Space still plays and pauses.
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press(' ');
  assert.equal(await page.evaluate(() => window.pagesim.state.playing), true);
  await page.keyboard.press(' ');
  assert.equal(await page.evaluate(() => window.pagesim.state.playing), false);
  await page.close();
});

test('the picture as text says which page is in which frame and slot, in step with the canvas', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.getAttribute('#canvas', 'aria-describedby'), 'state-text');
  // It follows once the steps rest (a burst of steps rebuilds it once).
  await stateTextFollows(page);
  const text = await page.evaluate(() => {
    const rows = (caption) => [...[...document.querySelectorAll('#state-text table')].find((t) => t.caption.textContent.startsWith(caption)).rows]
      .filter((r) => r.cells[0].tagName === 'TD');
    return {
      frames: [...rows('Frames')].map((r) => [...r.cells].map((c) => c.textContent).join(' ')),
      slots: [...rows('Swap')].map((r) => [...r.cells].map((c) => c.textContent).join(' ')),
      summary: document.querySelector('#state-text p').textContent,
    };
  });
  // The same as the engine's frame and swap tables now.
  const expected = await page.evaluate(() => {
    const sim = window.pagesim.state.sim;
    const L = window.pagesim.api.viewLayout();
    const f = sim.viewFrames(0, 4), s = sim.viewSwap(0, sim.swapHighWater());
    const at = (w, i, words, field) => w[i * words + L.field[field]];
    const out = { frames: [], slots: [] };
    for (let i = 0; i < 4; i++) if (at(f, i, L.frameWords, 'owner')) out.frames.push(`frame ${i} A page ${at(f, i, L.frameWords, 'vpnLo')}`);
    for (let i = 0; i < sim.swapHighWater(); i++) if (at(s, i, L.slotWords, 'owner')) out.slots.push(`slot ${i} A page ${at(s, i, L.slotWords, 'vpnLo')}`);
    return out;
  });
  assert.deepEqual(text.frames.map((r) => r.replace(/ (dirty|clean)$/, '')), expected.frames);
  assert.deepEqual(text.slots, expected.slots);
  assert.match(text.summary, /4 of 4 frames in use/);
  await page.close();
});

test("the editor's reference lists every command and config key, from the engine's catalog", async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  await page.click('#btn-editor');
  await page.click('#editor-ref summary');
  await page.waitForSelector('#editor-ref tbody tr'); // filled when first opened
  const rows = await page.$$eval('#editor-ref tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)));
  const catalog = await page.evaluate(() => window.pagesim.api.catalog().reference);
  const keywords = ['config', 'spawn', 'alloc', 'read', 'write', 'refs', 'tick', 'free', 'fork', 'importance', 'exit', 'note'];
  for (const k of keywords) assert.ok(rows.some((r) => r[0].startsWith(`${k} `)), `command ${k} listed`);
  const defaults = await page.evaluate(() => window.pagesim.state.sim.config());
  for (const s of catalog.settings) {
    const row = rows.find((r) => r[0] === s.key);
    assert.ok(row, `config key ${s.key} listed`);
  }
  assert.equal(rows.find((r) => r[0] === 'frames')[2], '8', 'defaults shown');
  assert.ok(rows.find((r) => r[0] === 'policy')[1].split(' ').length === (await page.evaluate(() => window.pagesim.api.catalog().policies.length)), 'every policy named');
  assert.ok(defaults.frames > 0);
  // The message for an unknown command names the same commands.
  await page.fill('#editor-text', 'spawn A\nbogus A\n');
  await page.waitForFunction(() => document.getElementById('editor-error').textContent.includes('expected a command'));
  const message = await page.textContent('#editor-error');
  for (const k of keywords) assert.ok(message.includes(k), `${k} in "${message}"`);
  await page.close();
});

test('arrows on the preset list browse the presets with the focus kept; Enter hands the keys back', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  await page.focus('#preset');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => window.pagesim.state.presetId === 'belady');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'preset', 'still on the list');
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => window.pagesim.state.presetId === 'thrashing');
  await page.keyboard.press('Enter');
  assert.notEqual(await page.evaluate(() => document.activeElement.id), 'preset');
  await page.keyboard.press('ArrowRight'); // now → steps the chosen preset
  assert.equal(await page.evaluate(() => [window.pagesim.state.presetId, window.pagesim.state.sim.position].join()), 'thrashing,1');
  await page.close();
});
