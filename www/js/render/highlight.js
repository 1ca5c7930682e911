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
 * A dashed arrow between a frame and a swap slot. It runs below the grids (`depth` px down)
 * so it never crosses titles or cells; the label sits at its lowest point, at most `maxY`.
 */
export function arrow(g, from, to, colour, label, depth, labelAt = 0.5, maxY = Infinity) {
  g.ctx.strokeStyle = colour; g.ctx.fillStyle = colour; g.ctx.lineWidth = 2; g.ctx.setLineDash([6, 4]);
  // In a fixed box (an embed) the curve stays inside the picture, its label whole.
  const lowY = Math.max(Math.max(from.y, to.y) + 4, Math.min(Math.max(from.y, to.y) + depth, maxY));
  g.ctx.beginPath(); g.ctx.moveTo(from.x, from.y);
  g.ctx.bezierCurveTo(from.x, lowY, to.x, lowY, to.x, to.y); g.ctx.stroke(); g.ctx.setLineDash([]);
  const points = [];
  for (let i = 0; i <= 32; i++) {
    const t = i / 32, u = 1 - t;
    points.push([u * u * u * from.x + 3 * u * u * t * from.x + 3 * u * t * t * to.x + t * t * t * to.x,
      u * u * u * from.y + 3 * u * t * (u + t) * lowY + t * t * t * to.y]);
  }
  g.mark('arrow', { points });
  // arrow head pointing up into the target
  g.ctx.beginPath();
  g.ctx.moveTo(to.x, to.y);
  g.ctx.lineTo(to.x - 5, to.y + 8);
  g.ctx.lineTo(to.x + 5, to.y + 8);
  g.ctx.closePath(); g.ctx.fill();
  if (label) {
    g.font(10, 700); g.ctx.textAlign = 'center'; g.ctx.textBaseline = 'middle';
    // the curve's point at t = labelAt (both control points sit at lowY)
    const t = labelAt, u = 1 - t;
    const lx = u * u * u * from.x + 3 * u * u * t * from.x + 3 * u * t * t * to.x + t * t * t * to.x;
    const ly = u * u * u * from.y + 3 * u * t * (u + t) * lowY + t * t * t * to.y;
    const tw = g.ctx.measureText(label).width + 8;
    g.ctx.fillStyle = g.palette.bg; g.ctx.fillRect(lx - tw / 2, ly - 7, tw, 14);
    g.mark('arrow-label', { x: lx - tw / 2, y: ly - 7, w: tw, h: 14 });
    g.ctx.fillStyle = colour; g.ctx.fillText(label, lx, ly);
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
