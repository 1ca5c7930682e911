// The tour in headless Chromium: a first visit opens chapter one with something drawn, #tour=ID
// opens a chapter, Next and Back move between them, the question comes before its step and the
// answer on demand, the freeze chapter shows its machines side by side; machines before virtual
// memory draw physical memory as one bar (a clash with vm=off, holes with vm=base).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open } from './helpers.mjs';

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await launch();
});

after(async () => {
  await browser.close();
  server.close();
});

/** Share of canvas pixels that differ from the background. */
const drawn = (page) => page.evaluate(() => {
  const c = document.getElementById('canvas');
  const d = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
  let different = 0;
  for (let i = 0; i < d.length; i++) if (d[i] !== d[0]) different++;
  return different / d.length;
});

test('a first visit opens chapter one of the tour with something drawn; a second does not', async () => {
  const fresh = await launch({ returning: false });
  try {
    const page = await open(fresh.context, base);
    const chapters = await page.evaluate(() => window.pagesim.api.tourChapters());
    assert.equal(chapters.length, 14);
    assert.equal(await page.isVisible('#tour'), true);
    assert.equal(await page.textContent('#tour-title'), chapters[0].title);
    assert.match(await page.textContent('#tour-count'), /chapter 1 of 14/);
    const pos = await page.evaluate(() => window.pagesim.state.sim.position);
    assert.equal(pos, chapters[0].opens_at, 'it opens at a step where something is drawn');
    assert.ok(await drawn(page) > 0.01, 'never an empty machine');
    assert.match(page.url(), /#tour=before-vm$/);
    // The next visit is a returning visitor's: the page's own default.
    const again = await open(fresh.context, base);
    assert.equal(await again.isVisible('#tour'), false);
    assert.deepEqual(fresh.errors, []);
  } finally {
    await fresh.close();
  }
});

test('#tour=ID opens a chapter; Next and Back move; the question comes before its step', async () => {
  const page = await open(browser.context, `${base}#tour=freeze`);
  const c = await page.evaluate(() => window.pagesim.api.tourChapters().find((x) => x.id === 'freeze'));
  assert.equal(await page.textContent('#tour-title'), c.title);
  // The compared machines, in a table: the engine's figures.
  const rows = await page.$$eval('#tour-figures tbody tr', (trs) => trs.map((tr) => tr.textContent));
  assert.equal(rows.length, 4);
  assert.match(rows[1], /hard disk.*frozen/);
  // Before its step the question shows, without the answer until asked for.
  await page.evaluate((s) => window.pagesim.jump(s), c.ask_at - 1);
  assert.equal(await page.isVisible('#tour-question'), true);
  assert.equal(await page.textContent('#tour-q'), c.question);
  assert.equal(await page.isVisible('#tour-a'), false);
  await page.click('#tour-reveal');
  assert.equal(await page.isVisible('#tour-a'), true);
  assert.equal(await page.textContent('#tour-a'), c.answer);
  // Next: the importance chapter; Back: freeze again.
  await page.click('#tour-next');
  assert.match(await page.textContent('#tour-count'), /chapter 11 of 14/);
  assert.match(page.url(), /#tour=importance$/);
  await page.click('#tour-back');
  assert.match(await page.textContent('#tour-count'), /chapter 10 of 14/);
  // Opening a preset leaves the tour.
  await page.evaluate(() => window.pagesim.loadPreset('swapping'));
  assert.equal(await page.isVisible('#tour'), false);
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('every chapter opens and runs to its end in the page', async () => {
  const page = await open(browser.context, `${base}#tour=before-vm`);
  const ids = await page.evaluate(() => window.pagesim.api.tourChapters().map((c) => c.id));
  for (const id of ids) {
    const end = await page.evaluate((i) => {
      window.pagesim.tour.open(i);
      const sim = window.pagesim.state.sim;
      window.pagesim.jump(sim.length);
      return { pos: sim.position, length: sim.length, error: sim.runError()?.message ?? null };
    }, id);
    assert.equal(end.error, null, id);
    assert.equal(end.pos, end.length, id);
    assert.ok(await drawn(page) > 0.01, `${id} draws`);
  }
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('before virtual memory the picture is physical memory: a clash with vm=off, holes with vm=base', async () => {
  const page = await open(browser.context, `${base}#tour=before-vm`);
  const c = await page.evaluate(() => window.pagesim.api.tourChapters()[0]);
  await page.evaluate((s) => window.pagesim.jump(s), c.ask_at);
  const uses = await page.evaluate(() => window.pagesim.state.sim.physicalUses());
  assert.deepEqual(uses.map((u) => [u.label, u.first]), [['data', 1], ['data', 1]], 'both programs at frame 1');
  // Frame 1 is drawn in a program's colour with the clash outline; frame 0 is empty.
  const px = (f) => page.evaluate((frame) => {
    const r = window.pagesim.renderer.locate({ frame });
    const canvas = document.getElementById('canvas');
    const k = canvas.width / canvas.clientWidth;
    const d = canvas.getContext('2d').getImageData(Math.round((r.x + r.w / 2) * k), Math.round((r.y + r.h / 2) * k), 1, 1).data;
    return [d[0], d[1], d[2]];
  }, f);
  const bg = await px(0);
  assert.notDeepEqual(await px(1), bg, 'frame 1 holds the programs\' bytes');
  assert.match(await page.textContent('#translation'), /No translation \(vm=off\)/);
  assert.equal(await page.isVisible('#legend'), false, 'the paging legend is not shown');
  await page.evaluate(() => window.pagesim.tour.open('base-and-bounds'));
  await page.evaluate(() => window.pagesim.jump(window.pagesim.state.sim.length));
  const text = await page.evaluate(() => window.pagesim.state.sim.stats().processes.map((p) => `${p.name}:${p.ended ?? 'alive'}`));
  assert.deepEqual(text, ['A:alive', 'B:exited', 'C:alive', 'D:no_block']);
  assert.deepEqual(browser.errors, []);
  await page.close();
});
