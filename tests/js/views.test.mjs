// Unit tests of the view decoder and the tooltip words (www/js/render/views.js, tooltips.js)
// against the real module's views: a machine in a known state, read back field by field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createViews } from '../../www/js/render/views.js';
import { createTooltips } from '../../www/js/render/tooltips.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www', 'pkg');
const pkg = await import(join(pkgDir, 'pagesim.js'));
pkg.initSync({ module: readFileSync(join(pkgDir, 'pagesim_bg.wasm')) });
const engine = { api: pkg, states: pkg.pageStates(), layout: pkg.viewLayout(), catalog: pkg.catalog() };
const V = createViews(engine.layout);
const F = engine.layout.flags;

/** A: 2 frames, pages 1 (code), 4 (written, then swapped out), 5 and 6 written, in a 48-bit space. */
function machine() {
  const sim = new pkg.Simulator('config frames=2 vbits=48 levels=4 swap=8 policy=aging\nspawn A code=1\n'
    + 'alloc A heap 16K rw at 0x4000\nalloc A top 4K rw at 0x7ffffffff000\nwrite A 0x4000 1\nread A 0x1000\nwrite A 0x5000 2\nwrite A 0x7ffffffff000 3\n');
  sim.run(100);
  return sim;
}

test('frames, slots and cells decode to the pages the engine put there', () => {
  const sim = machine();
  const frames = sim.viewFrames();
  const owned = [0, 1].map((i) => [V.owner(frames, i), V.vpn(frames, i), Boolean(V.flags(frames, i) & F.DIRTY)]);
  assert.deepEqual(owned.sort((a, b) => a[1] - b[1]), [[0, 5, true], [0, 2 ** 35 - 1, true]], 'page 2^35 − 1 needs both vpn words');
  assert.ok(V.value(frames, 0) !== V.none, 'aging has a value per frame');
  const slots = sim.viewSwap(0, 8);
  const used = [...Array(8).keys()].filter((i) => V.slotOwner(slots, i) >= 0);
  assert.deepEqual(used.map((i) => V.slotVpn(slots, i)).sort((a, b) => a - b), [4], 'page 4 was written out');
  assert.equal(V.slotOwner(slots, 7), -1);
  const cells = sim.viewCells(0, 0, 1, 8);
  assert.equal(V.cellState(cells, 0), engine.states.Guard);
  assert.equal(V.cellState(cells, 1), engine.states.Code);
  assert.equal(V.cellState(cells, 4), engine.states.Swapped);
  assert.equal(V.cellLoc(cells, 4), used[0], 'the slot it went to');
  assert.equal(V.cellState(cells, 5), engine.states.Resident);
  assert.ok(V.cellFlags(cells, 5) & F.DIRTY);
  assert.equal(V.cellState(cells, 7), engine.states.Reserved);
  const blocks = sim.viewFrameBlocks(0, 2, 1);
  assert.deepEqual([V.blockUsed(blocks, 0), V.blockDirty(blocks, 0), V.blockOwner(blocks, 0)], [2, 2, 0]);
  sim.dispose();
});

test('the tooltip names frames, slots, blocks and cells in full', () => {
  const sim = machine();
  const tips = createTooltips(engine, V);
  const names = new Map([[0, 'A']]);
  const config = sim.config();
  const frames = sim.viewFrames();
  const hi = V.vpn(frames, 0) > 5 ? 0 : 1;
  const drawn = {
    lay: { frames: { first: 0, perCell: 1, full: 1 } }, frames, slots: sim.viewSwap(0, 8),
    blocks: sim.viewFrameBlocks(0, 2, 1), config, names, processes: sim.stats().processes, pages: 2 ** 36,
  };
  const frame = tips.frame(drawn, hi);
  assert.match(frame, new RegExp(`^frame ${hi} \\(physical 0x[0-9a-f]+–0x[0-9a-f]+\\)\\nholds A page 34359738367\\n`));
  assert.match(frame, /dirty \(folded corner\)/);
  assert.match(frame, /aging counter: [01]{8}/);
  const slot = [...Array(8).keys()].find((i) => V.slotOwner(drawn.slots, i) >= 0);
  assert.equal(tips.slot(drawn, slot), `swap slot ${slot}\nholds A page 4`);
  assert.equal(tips.slot(drawn, 7), 'swap slot 7: free');
  const block = tips.block({ ...drawn, lay: { frames: { first: 0, perCell: 2, full: 2 } } }, 0);
  assert.match(block, /^frames 0–1 \(2 frames\)\n2 in use \(100%\)\n2 dirty \(100%\) · \d referenced/);
  assert.match(block, /mostly A's pages/);
  // A cell: page 4 of A, one page a cell.
  const words = sim.viewCells(0, 4, 1, 1);
  const strip = { pid: 0, name: 'A', cells: 1, words, plan: { starts: [4], ppc: 1, gaps: new Map() } };
  const cell = tips.page({ ...drawn, strips: [strip] }, { strip, cell: 0 }, false);
  assert.match(cell, /^A page 4 \(0x4000–0x4fff\)\nin swap slot \d+\n/);
  assert.match(cell, /region heap rw-/);
  sim.dispose();
});
