// Physical memory and swap: frames one by one, compact, or as a heat map of blocks; swap slots.

import { gridCell } from './layout.js';
import { pageTag, processColour, textOn, withAlpha } from './palette.js';
import { paintCells, rgba } from './pixels.js';

/** Frames one by one, large enough for tags, policy values and frame numbers. */
export function drawFrames(g, fg, frames, names, config) {
  const policy = g.policyOf(config.policy);
  for (let i = 0; i < fg.count; i++) {
    const f = fg.first + i;
    const pid = g.V.owner(frames, i), fl = g.V.flags(frames, i), value = g.V.value(frames, i);
    const { x, y, s } = gridCell(fg, i);
    if (pid < 0) {
      g.ctx.strokeStyle = g.palette.cellLine; g.ctx.lineWidth = 1;
      g.roundRect(x + 0.5, y + 0.5, s - 1, s - 1, Math.min(4, s / 5)); g.ctx.stroke();
    } else if (fl & g.F.TABLE) {
      drawTableFrame(g, x, y, s, pid, value, names);
    } else {
      const colour = processColour(g.palette, pid);
      g.ctx.fillStyle = colour;
      g.roundRect(x, y, s, s, Math.min(4, s / 5)); g.ctx.fill();
      if (fl & g.F.CODE) {
        g.ctx.strokeStyle = textOn(colour); g.ctx.setLineDash([2, 2]); g.ctx.lineWidth = 1;
        g.roundRect(x + 2.5, y + 2.5, s - 5, s - 5, 3); g.ctx.stroke(); g.ctx.setLineDash([]);
      }
      if (fl & g.F.DIRTY) g.drawDirty(x, y, s, textOn(colour));
      if (fl & g.F.REFERENCED) g.drawReferenced(x, y, s, s, textOn(colour));
      const maps = g.V.maps(frames, i);
      if (maps > 1) {
        if (s >= 30) {
          // The map count: how many pages (of how many processes) map this frame.
          g.font(9, 700, true); g.ctx.fillStyle = textOn(colour);
          g.ctx.textAlign = 'right'; g.ctx.textBaseline = 'bottom';
          g.ctx.fillText(`×${maps}`, x + s - 3, y + s - 1);
        } else {
          g.drawShared(x, y, s, textOn(colour));
        }
      }
      // Copy-on-write: left of the map count when there is one.
      if (fl & g.F.COW) g.drawCow(x - (maps > 1 && s >= 30 ? 14 : 0), y, s, s, textOn(colour));
      if (s >= 22) {
        const vpn = g.V.vpn(frames, i);
        g.ctx.fillStyle = textOn(colour);
        g.font(Math.min(12, s / 3.2), 700, true);
        g.ctx.textAlign = 'center'; g.ctx.textBaseline = 'middle';
        g.ctx.fillText(g.fitTag(names.get(pid) ?? '?', vpn, s - 4), x + s / 2, y + s / 2 - (s >= 34 ? 4 : 0));
        if (s >= 34 && value !== g.NONE && policy?.valueInCell) {
          g.font(9, 400, true);
          g.ctx.fillText(g.fitText(g.valueText(policy, value), s - 3), x + s / 2, y + s / 2 + 9);
        }
      }
    }
    if (fl & g.F.HAND) g.drawHand(x, y, s);
    if (s >= 30) {
      const fill = fl & g.F.TABLE ? g.palette.table : pid >= 0 ? processColour(g.palette, pid) : null;
      g.font(8, 400, true); g.ctx.fillStyle = fill ? textOn(fill) : g.palette.muted;
      g.ctx.globalAlpha = 0.75; g.ctx.textAlign = 'left'; g.ctx.textBaseline = 'top';
      g.ctx.fillText(g.fitText(String(f), s - 14), x + 3, y + 2); g.ctx.globalAlpha = 1;
    }
  }
}

/**
 * A frame holding a page table (`tables=ram`): the tables' own colour, a band in its process's
 * colour down the left, and "A L1" (level 0 is "A top").
 */
function drawTableFrame(g, x, y, s, pid, level, names) {
  const r = Math.min(4, s / 5);
  g.ctx.fillStyle = g.palette.table;
  g.roundRect(x, y, s, s, r); g.ctx.fill();
  g.ctx.fillStyle = processColour(g.palette, pid);
  g.ctx.fillRect(x, y + r, Math.max(3, s / 8), s - 2 * r);
  if (s < 22) return;
  const ink = textOn(g.palette.table);
  g.ctx.fillStyle = ink;
  g.ctx.textAlign = 'center'; g.ctx.textBaseline = 'middle';
  g.font(Math.min(11, s / 3.4), 700, true);
  g.ctx.fillText(g.fitText(names.get(pid) ?? '?', s - 8), x + s / 2 + 2, y + s / 2 - (s >= 34 ? 5 : 0));
  if (s >= 34) {
    g.font(9, 400, true);
    g.ctx.fillText(level === 0 ? 'table' : `L${level} table`, x + s / 2 + 2, y + s / 2 + 8);
  }
}

/**
 * Lines from each page table's frame to the table above it (`tables=ram`), when both are in the
 * grid, drawn before the frames so the cells cover them: a walk goes from the top table down, so
 * each line ends at the child with a dot.
 */
export function drawTableLinks(g, fg, tables) {
  const ctx = g.ctx;
  ctx.save();
  ctx.strokeStyle = g.palette.table; ctx.fillStyle = g.palette.table;
  ctx.lineWidth = 1.5; ctx.globalAlpha = 0.8;
  for (const t of tables) {
    if (t.parent == null) continue;
    const [a, b] = [t.parent - fg.first, t.frame - fg.first];
    if (a < 0 || b < 0 || a >= fg.count || b >= fg.count) continue;
    const [p, c] = [gridCell(fg, a), gridCell(fg, b)];
    const [x0, y0, x1, y1] = [p.x + p.s / 2, p.y + p.s, c.x + c.s / 2, c.y + c.s];
    // Under the grid row: a bow below the cells, so it crosses none of them.
    const dip = Math.min(fg.size * 0.45, 8 + Math.abs(x1 - x0) * 0.12);
    ctx.beginPath(); ctx.moveTo(x0, y0);
    ctx.bezierCurveTo(x0, Math.max(y0, y1) + dip, x1, Math.max(y0, y1) + dip, x1, y1);
    ctx.stroke();
    ctx.beginPath(); ctx.arc(x1, y1, 2.5, 0, 2 * Math.PI); ctx.fill();
    g.mark('table-link', { x: Math.min(x0, x1), y: Math.min(y0, y1), w: Math.abs(x1 - x0), h: dip });
  }
  ctx.restore();
}

/**
 * Frames of a huge page: a bar along the top of each row's run of them, inside the cells, in the
 * text colour on the owner's: they came in together and leave together.
 */
export function drawHugeRuns(g, fg, frames) {
  const ctx = g.ctx;
  for (let i = 0; i < fg.count;) {
    if (!(g.V.flags(frames, i) & g.F.HUGE)) {
      i++;
      continue;
    }
    const owner = g.V.owner(frames, i);
    const start = gridCell(fg, i);
    let j = i;
    while (j + 1 < fg.count && g.V.flags(frames, j + 1) & g.F.HUGE && g.V.owner(frames, j + 1) === owner
      && gridCell(fg, j + 1).y === start.y) j++;
    const end = gridCell(fg, j);
    const [x, w, y] = [start.x + 3, end.x + end.s - start.x - 6, start.y + Math.max(3, start.s * 0.22)];
    ctx.fillStyle = textOn(processColour(g.palette, owner));
    ctx.globalAlpha = 0.55;
    ctx.fillRect(x, y, w, 2);
    ctx.globalAlpha = 1;
    g.mark('huge-run', { x, y, w, h: 3 });
    i = j + 1;
  }
}

/**
 * The policy's state under the frames: its pages in its order, next victim first, each with
 * what the policy ranks it by (load time, last use, class, uses, counter, next use) or, for
 * CLOCK, its reference bit in order from the hand. RANDOM has no order to draw.
 */
export function drawPolicyState(g, fg, frames, order, names, config) {
  const policy = g.policyOf(config.policy);
  if (!order.length || !policy?.ordered) return;
  const ctx = g.ctx;
  const y = fg.stateY, h = fg.stateH - 8;
  g.font(10, 600);
  ctx.fillStyle = g.palette.muted;
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  // The longest lead that leaves most of the row to the pages (a phone gets just an arrow).
  const leads = policy.hand ? ['from the hand (R bit):', 'hand →', '→']
    : [`next victim →${policy.valueLabel ? ` (${policy.valueLabel})` : ''}`, 'next victim →', '→'];
  const lead = leads.find((t) => ctx.measureText(t).width <= fg.w * 0.3) ?? '→';
  ctx.fillText(lead, fg.x, y + h / 2);
  let x = fg.x + ctx.measureText(lead).width + 6;
  const end = fg.x + fg.w;
  for (const f of order) {
    const i = f - fg.first;
    if (i < 0 || i >= fg.count) continue;
    const owner = g.V.owner(frames, i);
    if (owner < 0) continue;
    const tag = pageTag(names.get(owner) ?? '?', g.V.vpn(frames, i));
    const value = g.V.value(frames, i);
    const sub = policy.hand ? `R=${g.V.flags(frames, i) & g.F.REFERENCED ? 1 : 0}`
      : value !== g.NONE && policy.valueLabel ? g.valueText(policy, value) : '';
    g.font(10, 700, true);
    const tw = ctx.measureText(tag).width;
    g.font(9, 400, true);
    const w = Math.max(tw, ctx.measureText(sub).width) + 8;
    if (x + w > end) {
      g.font(10, 600);
      ctx.fillStyle = g.palette.muted;
      ctx.fillText('…', x, y + h / 2);
      break;
    }
    const colour = processColour(g.palette, owner);
    ctx.fillStyle = withAlpha(colour, 0.16);
    g.roundRect(x, y, w, h, 3); ctx.fill();
    g.mark('chip', { x, y, w, h });
    ctx.strokeStyle = colour; ctx.lineWidth = 1; ctx.stroke();
    ctx.fillStyle = g.palette.text;
    ctx.textAlign = 'center';
    g.font(10, 700, true);
    ctx.fillText(tag, x + w / 2, sub ? y + h * 0.32 : y + h / 2);
    if (sub) {
      g.font(9, 400, true);
      ctx.fillStyle = g.palette.muted;
      ctx.fillText(sub, x + w / 2, y + h * 0.74);
    }
    ctx.textAlign = 'left';
    x += w + 4;
  }
}

/**
 * Small frames (thousands of them): one path per owner colour instead of a path per frame,
 * and square marks for dirty and referenced. Same information, a fraction of the draw calls.
 */
export function drawFramesCompact(g, fg, frames) {
  const byOwner = new Map();
  const free = g.path();
  const dirty = g.path();
  const referenced = g.path();
  const m = Math.max(1, Math.floor(fg.size / 3));
  for (let i = 0; i < fg.count; i++) {
    const { x, y, s } = gridCell(fg, i);
    const owner = g.V.owner(frames, i), fl = g.V.flags(frames, i);
    if (owner < 0) {
      free.rect(x + 0.5, y + 0.5, s - 1, s - 1);
    } else {
      if (!byOwner.has(owner)) byOwner.set(owner, g.path());
      byOwner.get(owner).rect(x, y, s, s);
      if (fl & g.F.DIRTY) dirty.rect(x + s - m, y, m, m);
      if (fl & g.F.REFERENCED) referenced.rect(x, y + s - m, m, m);
    }
    if (fl & g.F.HAND) {
      g.ctx.fillStyle = g.palette.text;
      g.ctx.fillRect(x, y - 3, s, 2);
    }
  }
  g.ctx.strokeStyle = g.palette.cellLine;
  g.ctx.lineWidth = 1;
  g.ctx.stroke(free);
  for (const [owner, path] of byOwner) {
    g.ctx.fillStyle = processColour(g.palette, owner);
    g.ctx.fill(path);
  }
  g.ctx.fillStyle = g.palette.dark ? '#000' : '#fff';
  g.ctx.fill(dirty);
  g.ctx.fill(referenced);
}

/**
 * More frames than fit: a heat map of blocks. A block takes the colour of the process owning
 * most of its frames, stronger the more of them are in use; a bar along its top shows the share
 * of those that are dirty, one along its bottom the share referenced. Painted as pixels.
 */
export function drawHeatMap(g, fg, blocks, total) {
  const LEVELS = 8;
  const free = rgba(g.palette.cellLine, 0.45);
  const mark = rgba(g.palette.dark ? '#ffffff' : '#000000', 0.55);
  const bars = fg.size - fg.gap >= 8;
  const shades = new Map(); // owner × LEVELS + level → colour word (no string work per block)
  const shade = (owner, level) => {
    const key = owner * LEVELS + level;
    let word = shades.get(key);
    if (word === undefined) {
      word = rgba(processColour(g.palette, owner), 0.25 + (0.75 * level) / LEVELS);
      shades.set(key, word);
    }
    return word;
  };
  paintCells(g.ctx, fg, fg.count, (i, out) => {
    const used = g.V.blockUsed(blocks, i);
    if (!used) {
      out.fill = free;
      return;
    }
    const size = Math.min(fg.perCell, total - (fg.first + i * fg.perCell));
    const level = Math.max(1, Math.round((LEVELS * used) / size));
    out.fill = shade(g.V.blockOwner(blocks, i), level);
    if (!bars) return;
    const d = g.V.blockDirty(blocks, i), r = g.V.blockReferenced(blocks, i);
    if (d) {
      out.top = mark;
      out.topShare = d / used;
    }
    if (r) {
      out.bottom = mark;
      out.bottomShare = r / used;
    }
  });
  for (let i = 0; i < fg.count; i++) {
    if (!(g.V.blockFlags(blocks, i) & g.F.HAND)) continue;
    const { x, y, s } = gridCell(fg, i);
    g.drawHand(x, y, s);
  }
}

export function drawSwap(g, sw, slots, names) {
  if (sw.size < 14) return drawSwapCompact(g, sw, slots);
  for (let i = 0; i < sw.count; i++) {
    const owner = g.V.slotOwner(slots, i), fl = g.V.slotFlags(slots, i);
    const { x, y, s } = gridCell(sw, i);
    if (owner < 0) {
      g.ctx.strokeStyle = g.palette.cellLine; g.ctx.lineWidth = 1; g.ctx.globalAlpha = 0.8;
      g.roundRect(x + 0.5, y + 0.5, s - 1, s - 1, Math.min(3, s / 5)); g.ctx.stroke(); g.ctx.globalAlpha = 1;
      continue;
    }
    const colour = processColour(g.palette, owner);
    const copy = fl & g.F.COPY_OF_RESIDENT;
    g.ctx.globalAlpha = copy ? 0.5 : 1;
    g.ctx.fillStyle = g.hatch(colour, !copy);
    g.roundRect(x, y, s, s, Math.min(3, s / 5)); g.ctx.fill();
    g.ctx.strokeStyle = colour; g.ctx.lineWidth = 1.2;
    g.roundRect(x + 0.6, y + 0.6, s - 1.2, s - 1.2, Math.min(3, s / 5)); g.ctx.stroke();
    g.ctx.globalAlpha = 1;
    if (s >= 22) {
      g.font(Math.min(11, s / 3), 700, true);
      g.ctx.textAlign = 'center'; g.ctx.textBaseline = 'middle';
      const tag = g.fitTag(names.get(owner) ?? '?', g.V.slotVpn(slots, i), s - 4);
      // On a plate of the background colour, so the hatching does not cross the letters.
      const tw = g.ctx.measureText(tag).width;
      g.ctx.fillStyle = withAlpha(g.palette.bg, 0.8);
      g.ctx.fillRect(x + s / 2 - tw / 2 - 1, y + s / 2 - 6, tw + 2, 12);
      g.ctx.fillStyle = g.palette.text;
      g.ctx.fillText(tag, x + s / 2, y + s / 2 + 0.5);
    }
    const maps = g.V.slotMaps(slots, i);
    if (maps > 1 && s >= 22) {
      g.font(9, 700, true); g.ctx.fillStyle = g.palette.text;
      g.ctx.textAlign = 'right'; g.ctx.textBaseline = 'bottom';
      g.ctx.fillText(`×${maps}`, x + s - 2, y + s - 1);
    } else if (maps > 1) {
      g.drawShared(x, y, s, colour);
    }
  }
}

/** Small slots (thousands), painted as pixels: an outline, and hatching for the used ones. */
export function drawSwapCompact(g, sw, slots) {
  const free = rgba(g.palette.cellLine);
  const tint = g.palette.dark ? 0.25 : 0.18;
  const styles = new Map(); // owner × 2 + copy → colour words
  paintCells(g.ctx, sw, sw.count, (i, out) => {
    const owner = g.V.slotOwner(slots, i);
    if (owner < 0) {
      out.border = free;
      return;
    }
    // A copy of a page that is also in memory is drawn faint, with sparser hatching.
    const copy = g.V.slotFlags(slots, i) & g.F.COPY_OF_RESIDENT ? 1 : 0;
    const key = owner * 2 + copy;
    if (!styles.has(key)) {
      const colour = processColour(g.palette, owner);
      const alpha = copy ? 0.5 : 1;
      styles.set(key, { line: rgba(colour, alpha), fill: rgba(colour, tint * alpha), stripeWidth: copy ? 1 : 2 });
    }
    const style = styles.get(key);
    out.border = out.stripe = style.line;
    out.fill = style.fill;
    out.stripeWidth = style.stripeWidth;
  });
}
