// Memory that processes share, on the page (issue 11): lines from two address spaces meet in one
// frame, frames show their map count, copy-on-write and shared pages are marked, tooltips and the
// text version say who shares what, the statistics table adds PSS, predict mode asks about
// copy-on-write faults, and the JavaScript API forks, runs programs and maps shared memory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, stateTextFollows } from './helpers.mjs';

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await launch();
});

after(async () => {
  await browser.close();
  server.close();
});

/** Steps forward `n` times. */
async function steps(page, n) {
  for (let i = 0; i < n; i++) await page.keyboard.press('ArrowRight');
}

/** Distinct colours of the pixels in a small box just above a frame's top edge (CSS px). */
function coloursAbove(page, rect) {
  return page.evaluate((r) => {
    const c = document.getElementById('canvas');
    const dpr = c.width / c.clientWidth;
    const d = c.getContext('2d').getImageData(Math.round((r.x + r.w / 2 - 6) * dpr), Math.round((r.y - 6) * dpr),
      Math.round(12 * dpr), Math.round(5 * dpr)).data;
    const seen = new Set();
    for (let i = 0; i < d.length; i += 4) seen.add([d[i], d[i + 1], d[i + 2]]);
    return [...seen];
  }, rect);
}

test('shared libraries: lines from both address spaces into one frame, its map count and who maps it', async () => {
  const page = await open(browser.context, `${base}#p=shared-libraries`);
  await steps(page, 9); // A and B have both read pages 1 and 2 of libc
  const info = await page.evaluate(() => {
    const { renderer, state } = window.pagesim;
    const r = renderer.locate({ frame: 0 });
    const L = window.pagesim.api.viewLayout();
    const words = state.sim.viewFrames(0, 1);
    return {
      rect: r,
      maps: words[L.field.frameMaps],
      tip: renderer.describeAt(r.x + r.w / 2, r.y + r.h / 2),
    };
  });
  assert.equal(info.maps, 2, 'two pages map frame 0');
  assert.match(info.tip, /shared: mapped by 2 pages \(A page 1, B page 1\)/);
  // Both address spaces draw a line from their page 1 to frame 0 (each strip's cell says frame
  // 0), and a line arrives at the frame's top edge.
  const cellLocs = await page.evaluate(() => {
    const { state } = window.pagesim;
    const L = window.pagesim.api.viewLayout();
    return [0, 1].map((pid) => state.sim.viewCells(pid, 1, 1, 1)[L.field.cellLoc]);
  });
  assert.deepEqual(cellLocs, [0, 0]);
  const above = await coloursAbove(page, info.rect);
  assert.ok(above.some(([r, g, b]) => r + g + b < 720), `a line reaches frame 0: ${JSON.stringify(above.slice(0, 12))}`);
  // The text version says who shares the frame; B's strip names the program it runs.
  await stateTextFollows(page);
  const text = await page.textContent('#state-text');
  assert.match(text, /frame 0\s*A\s*page 1\s*clean, shared with B page 1/);
  const pageTip = await page.evaluate(() => {
    const { renderer } = window.pagesim;
    const r = renderer.locate({ page: { pid: 1, vpn: 1 } });
    return renderer.describeAt(r.x + r.w / 2, r.y + r.h / 2);
  });
  assert.match(pageTip, /shared: frame 0 is mapped by A page 1, B page 1/);
  assert.match(pageTip, /region code r-x \(libc's code\)/);
  await page.close();
});

test('fork: copy-on-write pages are marked, a write copies one page, PSS halves shared pages', async () => {
  const page = await open(browser.context, `${base}#p=fork-cow`);
  await steps(page, 8); // after the fork and C's read
  const before = await page.evaluate(() => {
    const { renderer, state } = window.pagesim;
    const L = window.pagesim.api.viewLayout();
    const cells = state.sim.viewCells(1, 2, 1, 3);
    const r = renderer.locate({ frame: 1 });
    return {
      flags: [0, 1, 2].map((i) => cells[i * L.cellWords + L.field.cellState] >>> L.field.flagShift),
      cow: L.flags.COW,
      shared: L.flags.SHARED,
      tip: renderer.describeAt(r.x + r.w / 2, r.y + r.h / 2),
      pss: state.sim.stats().processes.map((p) => p.pss),
    };
  });
  assert.ok(before.flags.every((f) => f & before.cow && f & before.shared), 'C\'s three pages: copy-on-write and shared');
  assert.match(before.tip, /mapped by 2 pages \(P page 3, C page 3\)/);
  assert.match(before.tip, /copy-on-write/);
  assert.deepEqual(before.pss, [1.5, 1.5]);
  // The stats table shows PSS and copy-on-write faults once pages are shared.
  const head = await page.$$eval('#stats th', (ths) => ths.map((t) => t.textContent));
  assert.ok(head.includes('PSS') && head.includes('CoW'), head.join(','));
  await steps(page, 2); // the note, then C writes page 3: a copy-on-write fault
  const after = await page.evaluate(() => {
    const s = window.pagesim.state.sim.stats();
    return { cow: s.total.cow_faults, used: s.frames_used, shared: s.shared_frames };
  });
  assert.deepEqual([after.cow, after.used, after.shared], [1, 4, 2]);
  await page.close();
});

test('predict mode asks about copy-on-write faults', async () => {
  const page = await open(browser.context, `${base}#p=fork-cow`);
  await steps(page, 9); // up to the write
  await page.click('#btn-predict');
  await steps(page, 1); // C writes 0x3000: shared copy-on-write
  assert.match(await page.textContent('#predict'), /C writes 0x3000 \(page 3\)\. What happens\?/);
  await page.click('#predict button[data-answer=cow]');
  assert.match(await page.textContent('#predict'), /Right: a copy-on-write fault/);
  await page.close();
});

test('the JavaScript API: fork, spawn a program, allocate shared memory and a file', async () => {
  const page = await open(browser.context, base);
  const out = await page.evaluate(() => {
    const { api } = window.pagesim;
    const sim = new api.Simulator({ frames: 4, swap: 8, tlb: 0 });
    const a = sim.spawn('A', 1, 'prog');
    const b = sim.spawn('B', 1, 'prog');
    const at = sim.allocate(a, 4096, 'rw', 0x8000, { shared: 'buf' });
    sim.allocate(b, 4096, 'rw', 0x8000, { shared: 'buf' });
    sim.write(a, at, 7);
    const seen = sim.read(b, 0x8000);
    sim.read(a, 0x1000);
    sim.read(b, 0x1000);
    const codeMaps = Array.from(sim.mappers('frame', 1));
    const heap = sim.allocate(a, 4096, 'rw');
    sim.write(a, heap, 1);
    const c = sim.fork(a, 'C');
    sim.write(c, heap, 2);
    const parent = sim.read(a, heap), child = sim.read(c, heap);
    const f = sim.allocate(a, 4096, 'rw', null, { file: 'notes' });
    let bad = '';
    try { sim.allocate(a, 4096, 'rw', null, { shared: 'x', file: 'y' }); } catch (e) { bad = e.message; }
    const s = sim.stats();
    sim.dispose();
    return { seen, codeMaps, parent, child, cow: s.total.cow_faults, file: f > 0, bad };
  });
  assert.equal(out.seen, 7, 'B reads what A wrote in shared memory');
  assert.deepEqual(out.codeMaps, [0, 1, 1, 1], 'one frame holds prog\'s page 1 for A and B');
  assert.deepEqual([out.parent, out.child, out.cow], [1, 2, 1], 'after the fork neither sees the other\'s write');
  assert.ok(out.file);
  assert.match(out.bad, /shared memory or a file, not both/);
  await page.close();
});

test('shared memory and mapped-file presets run to the end and label their objects', async () => {
  for (const [id, vpn, words] of [['shared-memory', 8, /region buf rw- \(shared memory chat\)/], ['mapped-file', 1, /region map rw- \(file notes\.txt\)/]]) {
    const page = await open(browser.context, `${base}#p=${id}`);
    await page.keyboard.press('End');
    const out = await page.evaluate((v) => {
      const { renderer, state } = window.pagesim;
      const r = renderer.locate({ page: { pid: 0, vpn: v } });
      return { error: state.sim.runError(), end: state.sim.atEnd, tip: renderer.describeAt(r.x + r.w / 2, r.y + r.h / 2) };
    }, vpn);
    assert.equal(out.error, null, id);
    assert.equal(out.end, true, id);
    assert.match(out.tip, words);
    await page.close();
  }
});
