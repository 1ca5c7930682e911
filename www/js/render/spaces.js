// The address spaces: each process's strip of page cells (with its overview bar and gap cells),
// the page numbers under the last one, and the lines from pages to their frames and slots.

import { gridCell, cellOfFrame } from './layout.js';
import { processColour, withAlpha } from './palette.js';

// Addresses past 2^53 − 1 arrive as BigInts (README, *64-bit address spaces*): printed exactly.
const hex = (n) => '0x' + (typeof n === 'bigint' ? n : Math.floor(n)).toString(16);

/**
 * Lines from resident and swapped pages to their frame or slot (drawn first: behind everything).
 * Returns where each line arrives, for `drawLineEnds` to mark once the grids are drawn (a frame in
 * a second row is reached behind the first row's cells).
 */
export function drawLines(g, strips, lay, hl) {
  const ends = [];
  g.ctx.lineWidth = 1;
  const midY = (lay.lineTop + lay.lineBottom) / 2;
  for (const s of strips) {
    if (s.ppc !== 1) continue;
    const colour = processColour(g.palette, s.pid);
    for (let c = 0; c < s.cells; c++) {
      const st = g.V.cellState(s.words, c);
      const loc = g.V.cellLoc(s.words, c);
      if (loc === g.NONE || (st !== g.S.Resident && st !== g.S.Swapped)) continue;
      const grid = st === g.S.Resident ? lay.frames : lay.swap;
      const at = st === g.S.Resident ? cellOfFrame(grid, loc) : loc < grid.count ? loc : -1;
      if (at < 0 || !grid.size) continue;
      const from = { x: s.x + (c + 0.5) * s.cellW, y: s.y + s.h };
      const cell = gridCell(grid, at);
      const to = { x: cell.x + cell.s / 2, y: cell.y };
      const hot = hl && hl.pid === s.pid && hl.vpn === s.plan.starts[c];
      g.ctx.strokeStyle = hot ? colour : withAlpha(colour, g.palette.dark ? 0.45 : 0.4);
      g.ctx.lineWidth = hot ? 2.5 : 1;
      g.ctx.setLineDash(st === g.S.Swapped ? [4, 3] : []);
      g.ctx.beginPath();
      g.ctx.moveTo(from.x, from.y);
      g.ctx.bezierCurveTo(from.x, midY, to.x, midY, to.x, to.y);
      g.ctx.stroke();
      ends.push({ ...to, colour, hot });
    }
  }
  g.ctx.setLineDash([]);
  return ends;
}

/** A dot where each page-to-frame line arrives, on top of the cells. */
export function drawLineEnds(g, ends) {
  for (const e of ends) {
    g.ctx.fillStyle = e.colour;
    g.ctx.beginPath();
    g.ctx.arc(e.x, e.y, e.hot ? 3 : 2, 0, Math.PI * 2);
    g.ctx.fill();
  }
}

/** One process: its name, its overview bar, its cells. */
export function drawStrip(g, s, proc, pages, left) {
  const ended = proc && !proc.alive;
  const colour = ended ? g.palette.guard : processColour(g.palette, s.pid);
  const labelW = s.x - left - 6;
  g.font(13, 700);
  g.ctx.fillStyle = ended ? g.palette.muted : colour;
  g.ctx.textAlign = 'left';
  g.ctx.textBaseline = 'middle';
  const mid = s.rowY + s.rowH / 2;
  g.ctx.fillText(g.fitText(s.name, labelW), left, mid - (s.rowH > 26 ? 6 : 0));
  if (s.rowH > 26) {
    g.font(10);
    g.ctx.fillStyle = g.palette.muted;
    // The program it runs, when that is not its own name (processes running one share its code).
    const exe = proc?.regions?.find((r) => r.code && r.object && r.object !== proc.name)?.object;
    const note = ended ? (proc.ended === 'exited' ? 'exited' : 'killed')
      : `pid ${s.pid}${exe ? ` · ${exe}` : ''}${s.ppc > 1 ? ` · ×${s.ppc}` : ''}`;
    g.ctx.fillText(g.fitText(note, labelW), left, mid + 8);
    // How fast it feels (the engine's words), when that is worth a look and there is room.
    if (!ended && s.rowH > 38 && proc?.speed && proc.speed.slowdown >= 1.5) {
      g.ctx.fillStyle = proc.speed.slowdown >= 100 ? g.palette.victim : g.palette.muted;
      g.ctx.fillText(g.fitText(proc.speed.felt, labelW), left, mid + 19);
    }
  }
  if (ended) {
    g.ctx.strokeStyle = g.palette.cellLine; g.ctx.setLineDash([3, 3]);
    g.ctx.strokeRect(s.x + 0.5, s.y + 0.5, s.cells * s.cellW - 1, s.h - 1);
    g.ctx.setLineDash([]);
    return;
  }
  if (s.overview) drawOverview(g, s, pages, colour);
  const gap = s.cellW >= 10 ? 2 : s.cellW >= 5 ? 1 : 0;
  const { starts } = s.plan;
  for (let c = 0; c < s.cells; c++) {
    const x = s.x + c * s.cellW;
    if (starts[c] < 0) {
      g.drawGap(x, s.y, s.cellW - gap, s.h);
      continue;
    }
    const st = g.V.cellState(s.words, c), fl = g.V.cellFlags(s.words, c), loc = g.V.cellLoc(s.words, c);
    const label = s.ppc === 1 && s.cellW >= 18
      ? (st === g.S.Resident ? `f${loc}` : st === g.S.Swapped ? `s${loc}` : '') : '';
    g.drawPage(x, s.y, s.cellW - gap, s.h, st, fl, colour, label);
  }
  drawHugePages(g, s, colour, gap);
}

/**
 * A huge page: one wide cell over its pages' cells, "huge f8–f15" (its frames, which are in a
 * row) when each cell is one page. `s.hugePages`: pages a huge page covers (`sim.hugePages`).
 */
function drawHugePages(g, s, colour, gap) {
  const { starts } = s.plan;
  for (let c = 0; c < s.cells;) {
    const fl = starts[c] < 0 ? 0 : g.V.cellFlags(s.words, c);
    if (!(fl & g.F.HUGE)) {
      c++;
      continue;
    }
    const page = Math.floor(Number(starts[c]) / s.hugePages);
    let e = c;
    let flags = fl;
    while (e + 1 < s.cells && starts[e + 1] >= 0 && g.V.cellFlags(s.words, e + 1) & g.F.HUGE
      && Math.floor(Number(starts[e + 1]) / s.hugePages) === page) {
      e++;
      flags |= g.V.cellFlags(s.words, e);
    }
    const [x, w] = [s.x + c * s.cellW, (e - c + 1) * s.cellW - gap];
    const [f0, f1] = [g.V.cellLoc(s.words, c), g.V.cellLoc(s.words, e)];
    const frames = f0 !== g.V.none && f1 !== g.V.none ? ` f${f0}–f${f1}` : ' page';
    const label = w >= 60 ? `huge${frames}` : w >= 30 ? 'huge' : '';
    g.drawPage(x, s.y, w, s.h, g.S.Resident, flags & ~g.F.HUGE, colour, label);
    g.mark('huge-page', { x, y: s.y, w, h: s.h });
    c = e + 1;
  }
}

/**
 * Regions that map a shared object (shared memory, a file, another program's code): a bracket
 * above their cells with the object's name, so two strips mapping one object say so. Drawn after
 * the step's outlines (they pass behind a label); a short region's name runs on to the right,
 * up to the next labelled region.
 */
export function drawObjectLabels(g, s, proc, ps) {
  if (s.overview || !proc?.regions || !proc.alive || s.rowH < 24) return;
  const colour = processColour(g.palette, s.pid);
  const { starts, ppc } = s.plan;
  const spans = [];
  for (const r of proc.regions) {
    if (!r.object || r.code) continue; // code: the strip's note names the program
    const first = Number(r.start) / ps, end = first + Number(r.pages); // positions: a float is close enough
    let c0 = -1, c1 = -1;
    for (let c = 0; c < s.cells; c++) {
      if (starts[c] < 0 || starts[c] + ppc <= first || starts[c] >= end) continue;
      if (c0 < 0) c0 = c;
      c1 = c;
    }
    if (c0 >= 0) spans.push({ r, c0, c1 });
  }
  spans.sort((a, b) => a.c0 - b.c0);
  const stripEnd = s.x + s.cells * s.cellW;
  spans.forEach(({ r, c0, c1 }, k) => {
    const x0 = s.x + c0 * s.cellW, x1 = s.x + (c1 + 1) * s.cellW - 2;
    const room = (k + 1 < spans.length ? s.x + spans[k + 1].c0 * s.cellW : stripEnd) - 6;
    const y = s.y - 6; // clear of the cells' top edge
    g.ctx.strokeStyle = colour; g.ctx.lineWidth = 1;
    g.ctx.beginPath(); g.ctx.moveTo(x0 + 0.5, y + 2); g.ctx.lineTo(x0 + 0.5, y + 0.5); g.ctx.lineTo(x1 - 0.5, y + 0.5); g.ctx.lineTo(x1 - 0.5, y + 2);
    g.ctx.stroke();
    const word = r.sharing === 'file' ? 'file ' : r.sharing === 'shared' ? 'shm ' : '';
    g.font(9, 600);
    const text = g.fitText(`${word}${r.object}`, Math.max(x1 - x0 - 4, room - x0 - 5));
    if (!text) return;
    const tw = g.ctx.measureText(text).width;
    g.ctx.fillStyle = g.palette.bg; g.ctx.fillRect(x0 + 3, y - 5, tw + 4, 9);
    g.mark('label', { x: x0 + 3, y: y - 5, w: tw + 4, h: 9 });
    g.ctx.fillStyle = colour; g.ctx.textAlign = 'left'; g.ctx.textBaseline = 'middle';
    g.ctx.fillText(text, x0 + 5, y - 1);
  });
}

/**
 * The whole address space as a thin bar: the ranges in use in the process's colour, and a frame
 * around each part the strip shows. Click it to fit the strip to the ranges in use again.
 */
export function drawOverview(g, s, pages, colour) {
  const o = s.overview;
  const X = (p) => o.x + (p / pages) * o.w;
  g.ctx.fillStyle = g.palette.cellLine;
  g.ctx.fillRect(o.x, o.y + 1, o.w, o.h - 2);
  g.ctx.fillStyle = colour;
  for (const [a, b] of s.plan.ranges) g.ctx.fillRect(X(a), o.y, Math.max(2, X(b) - X(a)), o.h);
  g.ctx.strokeStyle = g.palette.text;
  g.ctx.lineWidth = 1;
  const { starts, ppc } = s.plan;
  for (let c = 0; c < s.cells;) {
    if (starts[c] < 0) {
      c++;
      continue;
    }
    let e = c;
    while (e + 1 < s.cells && starts[e + 1] >= 0) e++;
    const x0 = X(starts[c]), x1 = X(Math.min(pages, starts[e] + ppc));
    g.ctx.strokeRect(Math.round(x0) - 0.5, o.y - 1.5, Math.max(3, Math.round(x1 - x0)) + 1, o.h + 3);
    c = e + 1;
  }
}

/** Page numbers under the last strip, as many as fit without overlapping. */
export function drawPageNumbers(g, s, pageSize) {
  if (!s || s.cells === 0) return;
  g.font(9, 400, true);
  g.ctx.fillStyle = g.palette.muted;
  g.ctx.textBaseline = 'top';
  const { starts } = s.plan;
  const y = s.y + s.h + 2;
  if (s.ppc === 1) {
    let widest = 0;
    for (let c = 0; c < s.cells; c++) if (starts[c] >= 0) widest = Math.max(widest, g.ctx.measureText(String(starts[c])).width);
    const every = Math.max(1, Math.ceil((widest + 4) / s.cellW));
    if (s.cellW * every > 200) return;
    g.ctx.textAlign = 'center';
    for (let c = 0; c < s.cells; c += every) {
      if (starts[c] >= 0) g.ctx.fillText(String(starts[c]), s.x + (c + 0.5) * s.cellW, y);
    }
    return;
  }
  // Summarised: the address where each run of cells starts.
  g.ctx.textAlign = 'left';
  let free = s.x;
  for (let c = 0; c < s.cells; c++) {
    if (starts[c] < 0 || (c > 0 && starts[c - 1] >= 0)) continue;
    const text = hex(starts[c] * pageSize);
    const x = s.x + c * s.cellW;
    if (x < free) continue;
    g.ctx.fillText(text, x, y);
    free = x + g.ctx.measureText(text).width + 8;
  }
}
