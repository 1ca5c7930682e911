// What the picture draws besides pages, frames and swap: the TLB of a preset about the TLB (its
// entries in their process's colour, emptied by a context switch), a mapped file (what a
// write-back stored, the arrow to it), and the labels and arrows placed where nothing crosses them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, ringColours, rgb, stateTextFollows } from './helpers.mjs';

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await launch();
});

after(async () => {
  await browser.close();
  server.close();
});

/** Distinct colours inside a rectangle (device pixels). */
function coloursIn(page, r) {
  return page.evaluate((rect) => {
    const c = document.getElementById('canvas');
    const dpr = c.width / c.clientWidth;
    const d = c.getContext('2d').getImageData(Math.round(rect.x * dpr), Math.round(rect.y * dpr), Math.round(rect.w * dpr), Math.round(rect.h * dpr));
    const seen = new Set();
    for (let i = 0; i < d.data.length; i += 4) seen.add(`${d.data[i]},${d.data[i + 1]},${d.data[i + 2]}`);
    return [...seen];
  }, r);
}

/** Is some colour of `seen` within `tol` of `hex` (antialiased strokes are never exact)? */
const near = (seen, hex, tol = 40) => {
  const want = rgb(hex).split(',').map(Number);
  return seen.some((c) => Math.hypot(...c.split(',').map((v, i) => v - want[i])) <= tol);
};

const step = async (page, n) => {
  for (let i = 0; i < n; i++) await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(600); // past the step animation
};

test('the TLB preset draws the TLB: entries in their process colour, gone after a switch', async () => {
  const page = await open(browser.context, `${base}#p=tlb`);
  await step(page, 6); // A has touched two pages: two entries
  const entries = await page.evaluate(() => window.pagesim.state.sim.tlbEntries());
  assert.equal(entries.length, 2);
  const palette = await page.evaluate(() => window.pagesim.renderer.palette);
  const first = await page.evaluate(() => window.pagesim.renderer.locate({ tlbEntry: 0 }));
  assert.ok(first, 'the TLB panel is drawn');
  assert.ok(near(await coloursIn(page, first), palette.procs[0]), "entry 0 is in A's colour");
  const spare = await page.evaluate(() => window.pagesim.renderer.locate({ tlbEntry: 3 }));
  assert.ok(!near(await coloursIn(page, spare), palette.procs[0]), 'an empty entry has no colour');
  await step(page, 2); // the switch to B flushes the TLB; B's first access fills one entry
  const after = await page.evaluate(() => window.pagesim.state.sim.tlbEntries());
  assert.deepEqual(after.map((e) => e.pid), [1]);
  const now = await page.evaluate(() => window.pagesim.renderer.locate({ tlbEntry: 0 }));
  assert.ok(near(await coloursIn(page, now), palette.procs[1]), "entry 0 is B's now");
  assert.ok(!near(await coloursIn(page, now), palette.procs[0]), "and none of A's is left");
  await page.close();
});

test('the mapped-file preset draws the file: the write-back arrives there with its value', async () => {
  const page = await open(browser.context, `${base}#p=mapped-file`);
  await step(page, 9); // the dirty file page is written back to make room
  const files = await page.evaluate(() => window.pagesim.state.sim.files());
  assert.equal(files[0].name, 'notes.txt');
  assert.deepEqual(files[0].shown[0], { frame: null, saved: true, first: [0, 42] });
  const cell = await page.evaluate(() => window.pagesim.renderer.locate({ file: { name: 'notes.txt', page: 0 } }));
  assert.ok(cell, 'the file panel is drawn');
  const victim = await page.evaluate(() => window.pagesim.renderer.palette.victim);
  assert.ok((await ringColours(page, cell)).includes(rgb(victim)), 'the page written back is outlined in the victim colour');
  assert.ok(cell.x > (await page.evaluate(() => window.pagesim.renderer.locate({ frame: 1 }))).x, 'beside the frames');
  // The text alternative and the picture agree: reading it back brings 42.
  await step(page, 2);
  assert.match(await page.textContent('#step-text'), /read from the mapped file into frame \d+.*value 42/);
  const back = await page.evaluate(() => window.pagesim.state.sim.files()[0].shown[0]);
  assert.equal(back.saved, true);
  assert.notEqual(back.frame, null);
  await page.close();
});

test('headings sit on a plate: a page-to-frame line never shows through "Physical memory"', async () => {
  const page = await open(browser.context, `${base}#p=shared-memory`);
  await step(page, 10);
  // The heading's text box holds only the background, the heading's colour and blends of the
  // two (antialiasing): a line crossing it would add a pixel off that segment (a process colour).
  const box = await page.evaluate(() => {
    const f = window.pagesim.renderer.locate({ frame: 0 });
    return { x: f.x, y: f.y - 17, w: 90, h: 14 };
  });
  const palette = await page.evaluate(() => window.pagesim.renderer.palette);
  const [bg, ink] = [palette.bg, palette.muted].map((c) => rgb(c).split(',').map(Number));
  const offSegment = (px) => {
    const p = px.split(',').map(Number);
    const d = ink.map((v, i) => v - bg[i]);
    const t = Math.max(0, Math.min(1, p.reduce((s, v, i) => s + (v - bg[i]) * d[i], 0) / d.reduce((s, v) => s + v * v, 0)));
    return Math.hypot(...p.map((v, i) => v - (bg[i] + t * d[i]))) > 24;
  };
  const stray = (await coloursIn(page, box)).filter(offSegment);
  assert.deepEqual(stray, [], 'nothing but the heading in its box');
  await page.close();
});

/** Is point [x, y] inside box b (shrunk by `inset`)? */
const inside = ([x, y], b, inset = 1) => x > b.x + inset && x < b.x + b.w - inset && y > b.y + inset && y < b.y + b.h - inset;
const overlap = (a, b) => a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;

test('no arrow crosses a heading, a chip or a label, and labels keep clear of headings (every step of eight presets and a machine with everything)', async () => {
  const page = await open(browser.context, base);
  let arrows = 0;
  // And a machine with everything at once: swap arrows, a TLB and a file in the column under swap.
  const everything = 'config frames=3 swap=8 tlb=4 policy=fifo\nspawn A code=1\nalloc A m 8K rw file=f.txt\nalloc A h 12K rw\n'
    + 'write A 0x2000 7\nwrite A 0x3000 8\nwrite A 0x4000 9\nwrite A 0x5000 1\nread A 0x2000\nwrite A 0x6000 2\nread A 0x4000\nread A 0x3000\n';
  for (const id of ['swapping', 'thrashing', 'mapped-file', 'shared-memory', 'fork-cow', 'lru-fifo-opt', 'tlb', 'clock', 'page-tables-cost', everything]) {
    await page.evaluate((p) => (p.includes('\n') ? window.pagesim.load(p) : window.pagesim.loadPreset(p)), id);
    const total = await page.evaluate(() => window.pagesim.state.sim.length);
    for (let step = 1; step <= total; step++) {
      const marks = await page.evaluate((n) => {
        window.pagesim.jump(n);
        window.pagesim.draw();
        return window.pagesim.renderer.marks();
      }, step);
      const solid = marks.filter((m) => ['heading', 'chip', 'label'].includes(m.kind));
      for (const a of marks.filter((m) => m.kind === 'arrow')) {
        arrows++;
        for (const p of a.points) {
          const hit = solid.find((b) => inside(p, b));
          assert.ok(!hit, `${id.slice(0, 20)} step ${step}: an arrow crosses a ${hit?.kind} at ${p.map(Math.round)} (${JSON.stringify(hit)})`);
        }
      }
      for (const l of marks.filter((m) => m.kind === 'arrow-label' || m.kind === 'label')) {
        const hit = solid.find((b) => b !== l && overlap(l, b));
        assert.ok(!hit, `${id} step ${step}: a ${l.kind} ${JSON.stringify(l)} overlaps a ${hit?.kind} ${JSON.stringify(hit)}`);
      }
    }
  }
  assert.ok(arrows > 20, `arrows were drawn and checked (${arrows})`);
  await page.close();
});

test('the picture as text covers the address spaces, the TLB and mapped files', async () => {
  const page = await open(browser.context, `${base}#p=mapped-file`);
  await step(page, 9);
  await stateTextFollows(page);
  const text = await page.evaluate(() => {
    const table = [...document.querySelectorAll('#state-text table')].find((t) => t.caption.textContent.startsWith('Address spaces'));
    return { rows: [...table.rows].slice(1).map((r) => [...r.cells].map((c) => c.textContent)), all: document.getElementById('state-text').textContent };
  });
  const map = text.rows.find((r) => r[1] === 'map');
  assert.deepEqual(map, ['A', 'map', '0x1000–0x2fff', 'rw-, file notes.txt', '2 pages: 1 in memory, 0 in swap, 1 not in memory']);
  assert.match(text.all, /File notes\.txt \(2 pages\): page 0 holds 42 at offset 0; page 1 holds zeros, in frame 1\./);
  await page.evaluate(() => window.pagesim.loadPreset('tlb'));
  await step(page, 6);
  await stateTextFollows(page);
  assert.match(await page.textContent('#state-text'), /TLB, 2 of 4 entries, least recently used first: A page 2 → frame 1; A page 1 → frame 0\./);
  await page.close();
});

test('the translation panel shows every entry the walk read, in binary with its fields marked', async () => {
  const page = await open(browser.context, base);
  await page.evaluate(() => window.pagesim.load('config frames=4 vbits=48 levels=4 tlb=0\nspawn A\nalloc A heap 8K rw at 0x7f0000002000\n'
    + 'write A 0x7f0000002010 7\nread A 0x7f0000002010\n'));
  await step(page, 4);
  const rows = await page.$$eval('#translation table.entries tr', (trs) => trs.slice(1).map((tr) => [...tr.cells].map((c) => c.textContent)));
  assert.equal(rows.length, 4, 'one entry per level');
  assert.deepEqual(rows.map((r) => r[0]), ['L1 [254]', 'L2 [0]', 'L3 [0]', 'L4 [2]']);
  for (const r of rows.slice(0, 3)) assert.match(r[1], /^0 \| \d{4} \| 01 \| 111$/);
  assert.equal(rows[3][1], '1 | 0000 | 11 | 111', 'the page: no-execute, frame 0, dirty, accessed, user, writable, present');
  assert.match(rows[3][2], /^frame 0 · present, writable, user, accessed, dirty, no-execute$/);
  await page.close();
});

test('page tables in frames: drawn in their own colour with their process, linked to the table above, never a victim', async () => {
  const page = await open(browser.context, `${base}#p=page-tables-cost`);
  await step(page, 22); // B's eighth page: memory was full, a page went
  const palette = await page.evaluate(() => window.pagesim.renderer.palette);
  const tables = await page.evaluate(() => window.pagesim.state.sim.pageTables());
  assert.equal(tables.filter((t) => t.pid === 0).length, 10, "A's sparse space: the top table and three per page");
  assert.equal(tables.filter((t) => t.pid === 1).length, 4, "B's dense one: one per level");
  // A level-3 table of B: the tables' colour, with B's colour down its side.
  const b3 = tables.find((t) => t.pid === 1 && t.level === 3);
  const cell = await page.evaluate((f) => window.pagesim.renderer.locate({ frame: f }), b3.frame);
  const seen = await coloursIn(page, cell);
  assert.ok(near(seen, palette.table, 12), `the table colour ${palette.table} in ${seen.slice(0, 8)}`);
  assert.ok(near(seen, palette.procs[1], 12), "B's colour on its table");
  const links = (await page.evaluate(() => window.pagesim.renderer.marks())).filter((m) => m.kind === 'table-link');
  assert.equal(links.length, tables.filter((t) => t.parent != null).length, 'a line from each table to the one above');
  // The eviction took a page; every table frame still holds its table.
  const evicted = await page.evaluate(() => window.pagesim.state.sim.stats().total.swap_outs);
  assert.equal(evicted, 1);
  assert.ok(tables.every((t) => t.entries > 0 || t.level === 0), 'no empty table is kept');
  // The translation panel names each table's frame.
  const walk = await page.textContent('#translation');
  assert.match(walk, new RegExp(`L1 table \\(frame ${tables.find((t) => t.pid === 1 && t.level === 0).frame}\\), entry 0 → L2 table \\(frame ${tables.find((t) => t.pid === 1 && t.level === 1).frame}\\)`));
  assert.match(walk, /L2 table in frame \d+/);
  // Tooltip words for a table's frame.
  const tip = await page.evaluate(({ x, y, w, h }) => window.pagesim.renderer.describeAt(x + w / 2, y + h / 2), cell);
  assert.match(tip, /holds B's level-3 page table, for pages from 0/);
  // Freeing A's middle page frees its three tables.
  await step(page, 2);
  const after = await page.evaluate(() => window.pagesim.state.sim.pageTables());
  assert.equal(after.filter((t) => t.pid === 0).length, 7);
  await page.close();
});
