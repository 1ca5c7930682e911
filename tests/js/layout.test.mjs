// Unit tests of the renderer's geometry (www/js/render/layout.js): pure functions, no canvas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  fitGrid, planStrip, cellOfPage, clampWindow, planFrames, stripCapacity, computeLayout, stripHit, cellOfFrame,
} from '../../www/js/render/layout.js';

test('a grid fits every cell in its box, as large as it can', () => {
  for (const [n, w, h] of [[1, 100, 100], [7, 300, 40], [4096, 800, 300], [100, 37, 900]]) {
    const g = fitGrid(n, w, h);
    assert.ok(g.cols * g.size <= w && g.rows * g.size <= h, `${n} in ${w}×${h}: ${JSON.stringify(g)}`);
    assert.ok(g.cols * g.rows >= n);
    const bigger = g.size + 1, cols = Math.floor(w / bigger);
    assert.ok(cols === 0 || Math.ceil(n / cols) * bigger > h || bigger > 60, 'one pixel more would not fit');
  }
  assert.deepEqual(fitGrid(0, 100, 100), { size: 0, cols: 0, rows: 0, gap: 0 });
});

test('a 48-bit space is fitted to its ranges: both ends page by page, one gap cell between', () => {
  const pages = 2 ** 36;
  const plan = planStrip({ pages, maxCells: 128, ranges: [[0, 20], [pages - 8, pages]], window: null });
  assert.equal(plan.ppc, 1);
  assert.equal(cellOfPage(plan, 5), 5);
  assert.ok(cellOfPage(plan, pages - 1) > 20);
  const gapCells = [...plan.gaps.keys()];
  assert.equal(gapCells.length, 1, 'one gap, no gap after the top range');
  assert.deepEqual(plan.gaps.get(gapCells[0]), [20, pages - 8]);
  assert.equal(plan.starts[gapCells[0]], -1);
  assert.equal(plan.whole, false);
});

test('ranges too wide for the cells are shown at a power-of-two pages a cell', () => {
  const plan = planStrip({ pages: 2 ** 20, maxCells: 64, ranges: [[1, 1001]], window: null });
  assert.ok(plan.ppc > 1 && (plan.ppc & (plan.ppc - 1)) === 0, `ppc ${plan.ppc}`);
  assert.ok(plan.starts.length <= 64);
  assert.equal(plan.starts[cellOfPage(plan, 1000)] <= 1000, true);
  // Half the pages a cell would not fit.
  const cells = Math.ceil(1001 / (plan.ppc / 2)) + 1;
  assert.ok(cells > 64, 'the smallest size that fits');
});

test('a zoom window stays inside the space and keeps at least one page a cell', () => {
  assert.deepEqual(clampWindow({ first: -50, ppc: 4 }, 1000, 100), { first: 0, ppc: 4 });
  assert.deepEqual(clampWindow({ first: 990, ppc: 1 }, 1000, 100), { first: 900, ppc: 1 });
  assert.equal(clampWindow({ first: 0, ppc: 2 ** 40 }, 2 ** 20, 128).ppc, 2 ** 13, 'no coarser than the whole space');
  const plan = planStrip({ pages: 2 ** 20, maxCells: 128, ranges: [[0, 5]], window: { first: 300, ppc: 1 } });
  assert.deepEqual([plan.starts[0], plan.starts.length, plan.gaps.size], [300, 128, 0]);
});

test('frames beyond what fits become blocks; a zoom shows fewer frames a cell around its centre', () => {
  const few = planFrames(64, 600, 300, null);
  assert.deepEqual([few.perCell, few.count, few.first], [1, 64, 0]);
  const many = planFrames(262144, 600, 300, null);
  assert.ok(many.perCell > 1 && many.count * many.perCell >= 262144, JSON.stringify(many));
  const zoomed = planFrames(262144, 600, 300, { centre: 100000, perCell: many.perCell / 4 });
  assert.equal(zoomed.perCell, many.perCell / 4);
  assert.ok(zoomed.first <= 100000 && 100000 < zoomed.first + zoomed.count * zoomed.perCell, 'the centre is in view');
  assert.equal(zoomed.first % zoomed.perCell, 0, 'blocks are aligned');
});

test('hit-testing finds the strip, its cell, its overview bar and a frame', () => {
  const width = 1000;
  const { maxCells } = stripCapacity(width);
  const plan = planStrip({ pages: 2 ** 36, maxCells, ranges: [[0, 10], [2 ** 35, 2 ** 35 + 10]], window: null });
  const lay = computeLayout({
    width, height: 700, processes: [{ pid: 0, name: 'A' }], plans: new Map([[0, plan]]), frames: 16, frameView: null, swapShown: 8,
  });
  const s = lay.strips[0];
  assert.ok(s.overview, 'a fitted strip has an overview bar');
  const hit = stripHit(lay, s.x + 3.5 * s.cellW, s.y + s.h / 2);
  assert.deepEqual([hit.strip.pid, hit.cell], [0, 3]);
  assert.equal(stripHit(lay, s.x + 10, s.overview.y + 1).overview, true);
  assert.equal(stripHit(lay, s.x + 3, lay.frames.y + 2), null, 'below the strips');
  assert.equal(cellOfFrame(lay.frames, 5), 5);
  assert.ok(lay.neededHeight > lay.frames.y, 'the picture says how tall it needs to be');
});
