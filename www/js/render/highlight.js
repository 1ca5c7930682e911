// The step that just happened: the faulting page and its frame outlined, the victim dashed, and
// the swap-in and swap-out drawn as arrows.

import { gridCell, cellOfFrame, cellOfPage } from './layout.js';

export function outline(g, r, colour, width, dash = []) {
  if (!r) return;
  g.ctx.strokeStyle = colour; g.ctx.lineWidth = width; g.ctx.setLineDash(dash);
  g.roundRect(r.x - width / 2 - 1, r.y - width / 2 - 1, r.w + width + 2, r.h + width + 2, 5);
  g.ctx.stroke(); g.ctx.setLineDash([]);
}

/**
 * A dashed arrow between a frame and a swap slot. It drops straight down from `from`, runs along
 * `depth` px below the lower end, and rises straight into `to`, with rounded corners: below the
 * grids and the policy's row, so it never crosses titles, cells or chips. The label sits on its
 * bottom run (`labelAt` of the way along), at most `maxY`.
 */
export function arrow(g, from, to, colour, label, depth, labelAt = 0.5, maxY = Infinity) {
  const ctx = g.ctx;
  ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
  // In a fixed box (an embed) the run stays inside the picture, its label whole.
  const lowY = Math.max(Math.max(from.y, to.y) + 4, Math.min(Math.max(from.y, to.y) + depth, maxY));
  const dir = Math.sign(to.x - from.x) || 1;
  const r = Math.max(0, Math.min(12, Math.abs(to.x - from.x) / 2, lowY - from.y, lowY - to.y));
  ctx.beginPath(); ctx.moveTo(from.x, from.y);
  ctx.lineTo(from.x, lowY - r);
  ctx.quadraticCurveTo(from.x, lowY, from.x + dir * r, lowY);
  ctx.lineTo(to.x - dir * r, lowY);
  ctx.quadraticCurveTo(to.x, lowY, to.x, lowY - r);
  ctx.lineTo(to.x, to.y);
  ctx.stroke(); ctx.setLineDash([]);
  // The path's points for the layout checks: down, along, up (corners as their chords).
  const points = [];
  const run = (x0, y0, x1, y1, n) => {
    for (let i = 0; i <= n; i++) points.push([x0 + ((x1 - x0) * i) / n, y0 + ((y1 - y0) * i) / n]);
  };
  run(from.x, from.y, from.x, lowY - r, 8);
  run(from.x + dir * r, lowY, to.x - dir * r, lowY, 16);
  run(to.x, lowY - r, to.x, to.y, 8);
  g.mark('arrow', { points });
  // arrow head pointing up into the target
  ctx.beginPath();
  ctx.moveTo(to.x, to.y);
  ctx.lineTo(to.x - 5, to.y + 8);
  ctx.lineTo(to.x + 5, to.y + 8);
  ctx.closePath(); ctx.fill();
  if (label) {
    g.font(10, 700); ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    const lx = from.x + (to.x - from.x) * labelAt, ly = lowY;
    const tw = ctx.measureText(label).width + 8;
    ctx.fillStyle = g.palette.bg; ctx.fillRect(lx - tw / 2, ly - 7, tw, 14);
    g.mark('arrow-label', { x: lx - tw / 2, y: ly - 7, w: tw, h: 14 });
    ctx.fillStyle = colour; ctx.fillText(label, lx, ly);
  }
}

export function drawHighlight(g, hl, strips, lay, pulse) {
  const grow = 2 + 4 * pulse;
  const page = pageRect(g, strips, hl.pid, hl.vpn);
  const cellOf = (grid, i) => {
    if (grid === lay.frames) i = cellOfFrame(grid, i);
    if (i == null || i < 0 || i >= grid.count || !grid.size) return null;
    const c = gridCell(grid, i);
    return { x: c.x, y: c.y, w: c.s, h: c.s };
  };
  if (hl.kind === 'segv' || hl.kind === 'prot' || hl.kind === 'oom') {
    outline(g, page, g.palette.segv, grow, [4, 3]);
    if (page) {
      g.font(16, 800); g.ctx.fillStyle = g.palette.segv; g.ctx.textAlign = 'center'; g.ctx.textBaseline = 'middle';
      g.ctx.fillText(hl.kind === 'oom' ? '!' : '✕', page.x + page.w / 2, page.y + page.h / 2);
    }
    return;
  }
  if (hl.victim) {
    const v = hl.victim;
    outline(g, pageRect(g, strips, v.pid, v.vpn), g.palette.victim, 2, [4, 3]);
    if (v.slot != null && v.fate === 'swapped_out') {
      const fr = frameAnchor(lay, v.frame), sl = cellOf(lay.swap, v.slot);
      if (fr && sl) {
        arrow(g, { x: fr.x + fr.w * 0.65, y: fr.bottom }, { x: sl.x + sl.w / 2, y: sl.y + sl.h + 2 }, g.palette.victim, `swap-out from frame ${v.frame}`, 34, 0.5, lay.height - 9);
      }
      outline(g, sl, g.palette.victim, 2, [4, 3]);
    }
  }
  if (hl.swapIn != null) {
    const sl = cellOf(lay.swap, hl.swapIn), fr = frameAnchor(lay, hl.frame);
    outline(g, sl, g.palette.accent, 2);
    if (fr && sl) {
      arrow(g, { x: sl.x + sl.w / 2, y: sl.y + sl.h + 2 }, { x: fr.x + fr.w * 0.35, y: fr.bottom }, g.palette.accent, `swap-in to frame ${hl.frame}`, 18, 0.5, lay.height - 9);
    }
  }
  outline(g, page, g.palette.highlight, grow);
  if (hl.frame != null) outline(g, cellOf(lay.frames, hl.frame), hl.victim ? g.palette.victim : g.palette.highlight, grow, hl.victim ? [5, 3] : []);
}

/**
 * Frame `f`'s cell with `bottom`, where an arrow to or from it attaches: under the frame, or under
 * the policy's row when the frames have one (so an arrow never crosses the next-victim chips).
 */
export function frameAnchor(lay, f) {
  const grid = lay.frames;
  const i = cellOfFrame(grid, f);
  if (i < 0 || i >= grid.count || !grid.size) return null;
  const c = gridCell(grid, i);
  return { x: c.x, y: c.y, w: c.s, h: c.s, bottom: grid.stateH ? grid.stateY + grid.stateH - 4 : c.y + c.s + 2 };
}

export function pageRect(g, strips, pid, vpn) {
  const s = strips.find((x) => x.pid === pid);
  const c = s ? cellOfPage(s.plan, vpn) : -1;
  if (c < 0) return null;
  return { x: s.x + c * s.cellW, y: s.y, w: s.cellW - (s.cellW >= 10 ? 2 : 0), h: s.h };
}
