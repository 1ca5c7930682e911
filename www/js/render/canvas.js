// The picture: address-space strips, frames, swap, and the lines between them, on one canvas.
// It reads compact views straight from wasm memory (engine/view.rs) and never asks the engine
// for more than the cells it draws, so a 48-bit space or thousands of frames stay cheap.

import { computeLayout, gridCell, gridHit, stripHit, defaultWindow, clampWindow } from './layout.js';
import { readPalette, processColour, textOn, withAlpha, pageTag } from './palette.js';
import { prepareCanvas } from './hidpi.js';

/** Creates the renderer for `canvas`. `engine` is what loadEngine() returned. */
export function createRenderer(canvas, engine) {
  const { states: S, layout: L } = engine;
  const F = L.flags;
  const NONE = L.none;
  let ctx = canvas.getContext('2d');
  let palette = readPalette();
  const hatches = new Map();
  const windows = new Map(); // pid → {first, ppc}: the zoom of each address space
  let last = null; // what was drawn, for hover and hit-testing

  function hatch(colour, dense = false) {
    const key = colour + (dense ? 'd' : '');
    if (!hatches.has(key)) {
      const t = document.createElement('canvas');
      t.width = t.height = 8;
      const c = t.getContext('2d');
      c.fillStyle = withAlpha(colour, palette.dark ? 0.25 : 0.18);
      c.fillRect(0, 0, 8, 8);
      c.strokeStyle = colour;
      c.lineWidth = dense ? 2 : 1.5;
      c.beginPath();
      c.moveTo(-2, 10); c.lineTo(10, -2);
      c.moveTo(-2, 2); c.lineTo(2, -2);
      c.moveTo(6, 10); c.lineTo(10, 6);
      c.stroke();
      hatches.set(key, ctx.createPattern(t, 'repeat'));
    }
    return hatches.get(key);
  }

  /** Sizes the backing store to the element's CSS size times devicePixelRatio (crisp text). */
  function fit() {
    const { w, h } = prepareCanvas(canvas, 1, 1);
    return { w, h };
  }

  function font(px, weight = 400, mono = false) {
    ctx.font = `${weight} ${px}px ${mono ? 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace' : 'system-ui, -apple-system, Segoe UI, Roboto, sans-serif'}`;
  }

  /** One page cell of an address space. */
  function drawPage(x, y, w, h, state, flags, colour, label) {
    const r = Math.min(4, w / 5);
    ctx.lineWidth = 1;
    ctx.setLineDash([]);
    switch (state) {
      case S.Unmapped:
        ctx.strokeStyle = palette.cellLine;
        ctx.globalAlpha = 0.6;
        roundRect(x + 0.5, y + 0.5, w - 1, h - 1, r);
        ctx.stroke();
        ctx.globalAlpha = 1;
        break;
      case S.Guard:
        ctx.fillStyle = withAlpha(palette.guard, 0.25);
        roundRect(x, y, w, h, r); ctx.fill();
        ctx.strokeStyle = palette.guard;
        ctx.lineWidth = Math.max(1, Math.min(2, w / 12));
        ctx.beginPath();
        const m = Math.min(w, h) * 0.25;
        ctx.moveTo(x + m, y + m); ctx.lineTo(x + w - m, y + h - m);
        ctx.moveTo(x + w - m, y + m); ctx.lineTo(x + m, y + h - m);
        ctx.stroke();
        break;
      case S.Reserved:
      case S.Code:
        ctx.fillStyle = withAlpha(colour, palette.dark ? 0.12 : 0.08);
        roundRect(x, y, w, h, r); ctx.fill();
        ctx.strokeStyle = colour;
        ctx.lineWidth = 1.5;
        if (state === S.Code) ctx.setLineDash([2, 2]);
        roundRect(x + 0.75, y + 0.75, w - 1.5, h - 1.5, r); ctx.stroke();
        ctx.setLineDash([]);
        break;
      case S.Swapped:
        ctx.fillStyle = hatch(colour);
        roundRect(x, y, w, h, r); ctx.fill();
        ctx.strokeStyle = colour; ctx.lineWidth = 1.5;
        roundRect(x + 0.75, y + 0.75, w - 1.5, h - 1.5, r); ctx.stroke();
        break;
      case S.Resident:
        ctx.fillStyle = colour;
        roundRect(x, y, w, h, r); ctx.fill();
        if (flags & F.CODE) {
          ctx.strokeStyle = textOn(colour); ctx.setLineDash([2, 2]); ctx.lineWidth = 1;
          roundRect(x + 2.5, y + 2.5, w - 5, h - 5, r); ctx.stroke(); ctx.setLineDash([]);
        }
        break;
    }
    if (state === S.Resident || state === S.Swapped) {
      if (flags & F.DIRTY) drawDirty(x, y, w, state === S.Resident ? textOn(colour) : colour);
      if (flags & F.REFERENCED && state === S.Resident) drawReferenced(x, y, w, h, textOn(colour));
    }
    if (label && w >= 16 && h >= 12) {
      const fill = state === S.Resident ? textOn(colour) : palette.text;
      ctx.fillStyle = fill;
      font(Math.min(12, Math.max(8, w / 3.2)), 600, true);
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      ctx.fillText(label, x + w / 2, y + h / 2 + 0.5, w - 2);
    }
    if (flags & F.MIXED && w >= 6) {
      ctx.fillStyle = palette.muted;
      ctx.fillRect(x + 2, y + h - 3, w - 4, 1);
    }
  }

  function drawDirty(x, y, w, colour) {
    const s = Math.max(4, Math.min(9, w / 4));
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.moveTo(x + w - s, y); ctx.lineTo(x + w, y); ctx.lineTo(x + w, y + s); ctx.closePath();
    ctx.fill();
  }

  function drawReferenced(x, y, w, h, colour) {
    const r = Math.max(1.5, Math.min(3, w / 12));
    ctx.fillStyle = colour;
    ctx.beginPath();
    ctx.arc(x + r + 2.5, y + h - r - 2.5, r, 0, Math.PI * 2);
    ctx.fill();
  }

  function roundRect(x, y, w, h, r) {
    ctx.beginPath();
    if (ctx.roundRect && r > 0.5 && w > 3 && h > 3) ctx.roundRect(x, y, w, h, r);
    else ctx.rect(x, y, w, h);
  }

  function title(text, x, y, w) {
    font(12, 600);
    ctx.fillStyle = palette.muted;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(text, x, y + 1, w);
  }

  function hex(n) {
    return '0x' + Math.floor(n).toString(16);
  }

  /**
   * Draws the machine. `scene` = {sim, processes, config, highlight, pulse}:
   * processes from stats(), config from sim.config(), highlight from the last step (may be null),
   * pulse 0…1 for the step animation (1 = just happened).
   */
  function draw(scene) {
    const { sim, processes, config } = scene;
    const { w, h } = fit();
    const pagesPerSpace = 2 ** (config.va_bits - Math.log2(config.page_size));
    const hw = sim.swapHighWater();
    const swapShown = config.swap_slots === 0 ? 0
      : Math.min(config.swap_slots, Math.max(16, Math.min(4096, Math.ceil((hw + 8) / 8) * 8)));
    const lay = computeLayout({ width: w, height: h, processes, pagesPerSpace, frames: config.frames, swapShown, windows });
    ctx.fillStyle = palette.bg;
    ctx.fillRect(0, 0, w, h);

    // --- read the views
    const strips = lay.strips.map((s) => {
      return { ...s, words: sim.viewCells(s.pid, s.first, s.ppc, s.cells) };
    });
    const frameCount = Math.min(config.frames, 1 << 20);
    const frames = sim.viewFrames();
    const slots = swapShown ? sim.viewSwap(0, swapShown) : new Uint32Array(0);
    const names = new Map(processes.map((p) => [p.pid, p.name]));
    const hl = scene.highlight;

    // --- lines from resident and swapped pages to their frame or slot (behind everything)
    ctx.lineWidth = 1;
    for (const s of strips) {
      if (s.ppc !== 1) continue;
      const colour = processColour(palette, s.pid);
      for (let c = 0; c < s.cells; c++) {
        const st = s.words[c * L.cellWords] & 0xff;
        const loc = s.words[c * L.cellWords + 1];
        if (loc === NONE || (st !== S.Resident && st !== S.Swapped)) continue;
        const grid = st === S.Resident ? lay.frames : lay.swap;
        const at = st === S.Resident ? Math.floor(loc / lay.frames.perCell) : loc;
        if (at >= grid.count || !grid.size) continue;
        const from = { x: s.x + (c + 0.5) * s.cellW, y: s.y + s.h };
        const cell = gridCell(grid, at);
        const to = { x: cell.x + cell.s / 2, y: cell.y };
        const hot = hl && hl.pid === s.pid && hl.vpn === s.first + c;
        ctx.strokeStyle = hot ? colour : withAlpha(colour, palette.dark ? 0.45 : 0.4);
        ctx.lineWidth = hot ? 2.5 : 1;
        ctx.setLineDash(st === S.Swapped ? [4, 3] : []);
        ctx.beginPath();
        ctx.moveTo(from.x, from.y);
        const midY = (lay.lineTop + lay.lineBottom) / 2;
        ctx.bezierCurveTo(from.x, midY, to.x, midY, to.x, to.y);
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);

    // --- titles
    title('Virtual address spaces' + (processes.length ? '' : ' — no processes yet'), lay.pad, lay.spacesTitleY, w);
    title(`Physical memory · ${config.frames} frame${config.frames === 1 ? '' : 's'} of ${fmtSize(config.page_size)}`
      + (config.policy === 'clock' ? ' · ▼ clock hand' : ''), lay.frames.x, lay.frames.titleY, lay.frames.w);
    if (swapShown) {
      const more = config.swap_slots > swapShown ? ` (first ${swapShown} shown)` : '';
      title(`Swap · ${config.swap_slots} slots${more}`, lay.swap.x, lay.swap.titleY, lay.swap.w);
    } else {
      font(11); ctx.fillStyle = palette.muted; ctx.textAlign = 'right';
      ctx.fillText('no swap', w - lay.pad, lay.frames.titleY + 1);
    }

    // --- address-space strips
    const pageRects = [];
    for (const s of strips) {
      const proc = processes.find((p) => p.pid === s.pid);
      const colour = proc && !proc.alive ? palette.guard : processColour(palette, s.pid);
      // label
      font(13, 700);
      ctx.fillStyle = proc && !proc.alive ? palette.muted : colour;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText(s.name, lay.pad, s.y + s.h / 2 - (s.h > 26 ? 6 : 0), lay.labelW - 6);
      if (s.h > 26) {
        font(10);
        ctx.fillStyle = palette.muted;
        const note = proc && !proc.alive ? (proc.ended === 'exited' ? 'exited' : 'killed')
          : `pid ${s.pid}${s.ppc > 1 ? ` · ×${s.ppc}` : ''}`;
        ctx.fillText(note, lay.pad, s.y + s.h / 2 + 8, lay.labelW - 6);
      }
      if (proc && !proc.alive) {
        ctx.strokeStyle = palette.cellLine; ctx.setLineDash([3, 3]);
        ctx.strokeRect(s.x + 0.5, s.y + 0.5, s.cells * s.cellW - 1, s.h - 1);
        ctx.setLineDash([]);
        continue;
      }
      const gap = s.cellW >= 10 ? 2 : s.cellW >= 5 ? 1 : 0;
      for (let c = 0; c < s.cells; c++) {
        const w0 = s.words[c * L.cellWords];
        const st = w0 & 0xff, fl = w0 >>> 8, loc = s.words[c * L.cellWords + 1];
        const label = s.ppc === 1 && s.cellW >= 18
          ? (st === S.Resident ? `f${loc}` : st === S.Swapped ? `s${loc}` : '') : '';
        drawPage(s.x + c * s.cellW, s.y, s.cellW - gap, s.h, st, fl, colour, label);
      }

      pageRects.push(s);
    }
    // page numbers under the strips when cells are wide enough
    const lastStrip = strips[strips.length - 1];
    if (lastStrip && lastStrip.ppc === 1 && lastStrip.cellW >= 14) {
      font(9, 400, true);
      ctx.fillStyle = palette.muted;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      const step = lastStrip.cellW >= 22 ? 1 : 2;
      for (let c = 0; c < lastStrip.cells; c += step) {
        ctx.fillText(String(lastStrip.first + c), lastStrip.x + (c + 0.5) * lastStrip.cellW, lastStrip.y + lastStrip.h + 2);
      }
    }

    // --- frames
    const fg = lay.frames;
    if (fg.perCell > 1) drawFrameSummary(fg, frames, frameCount);
    else if (fg.size < 12) drawFramesCompact(fg, frames, frameCount);
    for (let f = 0; fg.perCell === 1 && fg.size >= 12 && f < frameCount && f < fg.count; f++) {
      const o = f * L.frameWords;
      const owner = frames[o], vlo = frames[o + 1], vhi = frames[o + 2], fl = frames[o + 3], value = frames[o + 4];
      const { x, y, s } = gridCell(fg, f);
      if (!owner) {
        ctx.strokeStyle = palette.cellLine; ctx.lineWidth = 1;
        roundRect(x + 0.5, y + 0.5, s - 1, s - 1, Math.min(4, s / 5)); ctx.stroke();
      } else {
        const pid = owner - 1;
        const colour = processColour(palette, pid);
        ctx.fillStyle = colour;
        roundRect(x, y, s, s, Math.min(4, s / 5)); ctx.fill();
        if (fl & F.CODE) {
          ctx.strokeStyle = textOn(colour); ctx.setLineDash([2, 2]); ctx.lineWidth = 1;
          roundRect(x + 2.5, y + 2.5, s - 5, s - 5, 3); ctx.stroke(); ctx.setLineDash([]);
        }
        if (fl & F.DIRTY) drawDirty(x, y, s, textOn(colour));
        if (fl & F.REFERENCED) drawReferenced(x, y, s, s, textOn(colour));
        if (s >= 22) {
          const vpn = vhi * 2 ** 32 + vlo;
          ctx.fillStyle = textOn(colour);
          font(Math.min(12, s / 3.2), 700, true);
          ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
          ctx.fillText(pageTag(names.get(pid) ?? '?', vpn), x + s / 2, y + s / 2 - (s >= 34 ? 4 : 0), s - 3);
          if (s >= 34 && value !== NONE && ['aging', 'lfu', 'nru'].includes(config.policy)) {
            font(9, 400, true);
            const shown = config.policy === 'aging' ? value.toString(2).padStart(8, '0') : String(value);
            ctx.fillText(shown, x + s / 2, y + s / 2 + 9, s - 3);
          }
        }
      }
      if (fl & F.HAND) {
        ctx.fillStyle = palette.text;
        const m = Math.max(3, Math.min(6, s / 5));
        ctx.beginPath();
        ctx.moveTo(x + s / 2 - m, y - m - 1); ctx.lineTo(x + s / 2 + m, y - m - 1); ctx.lineTo(x + s / 2, y - 1);
        ctx.closePath(); ctx.fill();
      }
      if (s >= 30) {
        font(8, 400, true); ctx.fillStyle = owner ? textOn(processColour(palette, owner - 1)) : palette.muted;
        ctx.globalAlpha = 0.75; ctx.textAlign = 'left'; ctx.textBaseline = 'top';
        ctx.fillText(String(f), x + 3, y + 2); ctx.globalAlpha = 1;
      }
    }
    if (fg.perCell > 1) {
      font(10); ctx.fillStyle = palette.muted; ctx.textAlign = 'right'; ctx.textBaseline = 'top';
      ctx.fillText(`${fg.perCell} frames per cell`, fg.x + fg.w, fg.titleY + 1);
    }

    // --- swap slots
    const sw = lay.swap;
    for (let i = 0; i < sw.count; i++) {
      const o = i * L.slotWords;
      const owner = slots[o], vlo = slots[o + 1], fl = slots[o + 3];
      const { x, y, s } = gridCell(sw, i);
      if (!owner) {
        ctx.strokeStyle = palette.cellLine; ctx.lineWidth = 1; ctx.globalAlpha = 0.8;
        roundRect(x + 0.5, y + 0.5, s - 1, s - 1, Math.min(3, s / 5)); ctx.stroke(); ctx.globalAlpha = 1;
        continue;
      }
      const colour = processColour(palette, owner - 1);
      const copy = fl & F.COPY_OF_RESIDENT;
      ctx.globalAlpha = copy ? 0.5 : 1;
      ctx.fillStyle = hatch(colour, !copy);
      roundRect(x, y, s, s, Math.min(3, s / 5)); ctx.fill();
      ctx.strokeStyle = colour; ctx.lineWidth = 1.2;
      roundRect(x + 0.6, y + 0.6, s - 1.2, s - 1.2, Math.min(3, s / 5)); ctx.stroke();
      ctx.globalAlpha = 1;
      if (s >= 22) {
        ctx.fillStyle = palette.text;
        font(Math.min(11, s / 3), 700, true);
        ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
        ctx.fillText(pageTag(names.get(owner - 1) ?? '?', vlo), x + s / 2, y + s / 2, s - 2);
      }
    }

    // --- the step that just happened
    if (hl) drawHighlight(hl, strips, lay, scene.pulse ?? 0);

    last = { lay, strips, frames, slots, config, names, processes };
    return { neededHeight: lay.neededHeight };
  }

  /**
   * Small frames (thousands of them): one path per owner colour instead of a path per frame,
   * and square marks for dirty and referenced. Same information, a fraction of the draw calls.
   */
  function drawFramesCompact(fg, frames, frameCount) {
    const byOwner = new Map();
    const free = new Path2D();
    const dirty = new Path2D();
    const referenced = new Path2D();
    const n = Math.min(frameCount, fg.count);
    const m = Math.max(1, Math.floor(fg.size / 3));
    for (let f = 0; f < n; f++) {
      const o = f * L.frameWords;
      const { x, y, s } = gridCell(fg, f);
      const owner = frames[o];
      if (!owner) {
        free.rect(x + 0.5, y + 0.5, s - 1, s - 1);
      } else {
        if (!byOwner.has(owner)) byOwner.set(owner, new Path2D());
        byOwner.get(owner).rect(x, y, s, s);
        const fl = frames[o + 3];
        if (fl & F.DIRTY) dirty.rect(x + s - m, y, m, m);
        if (fl & F.REFERENCED) referenced.rect(x, y + s - m, m, m);
      }
      if (frames[o + 3] & F.HAND) {
        ctx.fillStyle = palette.text;
        ctx.fillRect(x, y - 3, s, 2);
      }
    }
    ctx.strokeStyle = palette.cellLine;
    ctx.lineWidth = 1;
    ctx.stroke(free);
    for (const [owner, path] of byOwner) {
      ctx.fillStyle = processColour(palette, owner - 1);
      ctx.fill(path);
    }
    ctx.fillStyle = palette.dark ? '#000' : '#fff';
    ctx.fill(dirty);
    ctx.fill(referenced);
  }

  /**
   * Many frames per cell: each cell takes the colour of its most common owner, filled in
   * proportion to how many of its frames are in use.
   */
  function drawFrameSummary(fg, frames, frameCount) {
    for (let c = 0; c < fg.count; c++) {
      const { x, y, s } = gridCell(fg, c);
      const counts = new Map();
      let used = 0;
      const end = Math.min(frameCount, (c + 1) * fg.perCell);
      for (let f = c * fg.perCell; f < end; f++) {
        const owner = frames[f * L.frameWords];
        if (owner) {
          used++;
          counts.set(owner, (counts.get(owner) ?? 0) + 1);
        }
      }
      ctx.fillStyle = palette.empty;
      ctx.fillRect(x, y, s, s);
      if (used) {
        let top = 0, best = 0;
        for (const [owner, n] of counts) if (n > best) { best = n; top = owner; }
        ctx.fillStyle = processColour(palette, top - 1);
        const h = Math.max(1, Math.round((s * used) / (end - c * fg.perCell)));
        ctx.fillRect(x, y + s - h, s, h);
      }
    }
  }

  function pageRect(strips, pid, vpn) {
    const s = strips.find((x) => x.pid === pid);
    if (!s || vpn < s.first) return null;
    const c = Math.floor((vpn - s.first) / s.ppc);
    if (c >= s.cells) return null;
    return { x: s.x + c * s.cellW, y: s.y, w: s.cellW - (s.cellW >= 10 ? 2 : 0), h: s.h };
  }

  function outline(r, colour, width, dash = []) {
    if (!r) return;
    ctx.strokeStyle = colour; ctx.lineWidth = width; ctx.setLineDash(dash);
    roundRect(r.x - width / 2 - 1, r.y - width / 2 - 1, r.w + width + 2, r.h + width + 2, 5);
    ctx.stroke(); ctx.setLineDash([]);
  }

  /**
   * A dashed arrow between a frame and a swap slot. It runs below the grids (`depth` px down)
   * so it never crosses titles or cells; the label sits at its lowest point.
   */
  function arrow(from, to, colour, label, depth, labelAt = 0.5) {
    ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.lineWidth = 2; ctx.setLineDash([6, 4]);
    const lowY = Math.max(from.y, to.y) + depth;
    ctx.beginPath(); ctx.moveTo(from.x, from.y);
    ctx.bezierCurveTo(from.x, lowY, to.x, lowY, to.x, to.y); ctx.stroke(); ctx.setLineDash([]);
    // arrow head pointing up into the target
    ctx.beginPath();
    ctx.moveTo(to.x, to.y);
    ctx.lineTo(to.x - 5, to.y + 8);
    ctx.lineTo(to.x + 5, to.y + 8);
    ctx.closePath(); ctx.fill();
    if (label) {
      font(10, 700); ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
      // the curve's point at t = labelAt (both control points sit at lowY)
      const t = labelAt, u = 1 - t;
      const lx = u * u * u * from.x + 3 * u * u * t * from.x + 3 * u * t * t * to.x + t * t * t * to.x;
      const ly = u * u * u * from.y + 3 * u * t * (u + t) * lowY + t * t * t * to.y;
      const tw = ctx.measureText(label).width + 8;
      ctx.fillStyle = palette.bg; ctx.fillRect(lx - tw / 2, ly - 7, tw, 14);
      ctx.fillStyle = colour; ctx.fillText(label, lx, ly);
    }
  }

  function drawHighlight(hl, strips, lay, pulse) {
    const grow = 2 + 4 * pulse;
    const page = pageRect(strips, hl.pid, hl.vpn);
    const cellOf = (grid, i) => {
      if (i != null && grid.perCell > 1) i = Math.floor(i / grid.perCell);
      if (i == null || i >= grid.count || !grid.size) return null;
      const c = gridCell(grid, i);
      return { x: c.x, y: c.y, w: c.s, h: c.s };
    };
    if (hl.kind === 'segv' || hl.kind === 'prot' || hl.kind === 'oom') {
      outline(page, palette.segv, grow, [4, 3]);
      if (page) {
        font(16, 800); ctx.fillStyle = palette.segv; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
        ctx.fillText(hl.kind === 'oom' ? '!' : '✕', page.x + page.w / 2, page.y + page.h / 2);
      }
      return;
    }
    if (hl.victim) {
      const v = hl.victim;
      outline(pageRect(strips, v.pid, v.vpn), palette.victim, 2, [4, 3]);
      if (v.slot != null && v.fate === 'swapped_out') {
        const fr = cellOf(lay.frames, v.frame), sl = cellOf(lay.swap, v.slot);
        if (fr && sl) {
          arrow({ x: fr.x + fr.w * 0.65, y: fr.y + fr.h + 2 }, { x: sl.x + sl.w / 2, y: sl.y + sl.h + 2 }, palette.victim, 'swap-out', 34, 0.5);
        }
        outline(sl, palette.victim, 2, [4, 3]);
      }
    }
    if (hl.swapIn != null) {
      const sl = cellOf(lay.swap, hl.swapIn), fr = cellOf(lay.frames, hl.frame);
      outline(sl, palette.accent, 2);
      if (fr && sl) {
        arrow({ x: sl.x + sl.w / 2, y: sl.y + sl.h + 2 }, { x: fr.x + fr.w * 0.35, y: fr.y + fr.h + 2 }, palette.accent, 'swap-in', 18, 0.5);
      }
    }
    outline(page, palette.highlight, grow);
    if (hl.frame != null) outline(cellOf(lay.frames, hl.frame), hl.victim ? palette.victim : palette.highlight, grow, hl.victim ? [5, 3] : []);
  }

  /** What is under the pointer, as text for the tooltip (or null). */
  function describeAt(x, y) {
    if (!last) return null;
    const { lay, strips, frames, slots, config, names, processes } = last;
    const ps = config.page_size;
    const hit = stripHit(lay, x, y);
    if (hit) {
      const s = strips.find((t) => t.pid === hit.strip.pid);
      const proc = processes.find((p) => p.pid === s.pid);
      if (hit.cell < 0) {
        const end = (s.first + s.cells * s.ppc) * ps - 1;
        return `${s.name} (pid ${s.pid})${proc && !proc.alive ? ' — ended' : ''}\nshowing ${hex(s.first * ps)}–${hex(end)}`
          + `${s.ppc > 1 ? `, ${s.ppc} pages a cell` : ''}\nscroll over the cells to zoom · right-click to zoom out`;
      }
      const w0 = s.words[hit.cell * L.cellWords];
      const st = w0 & 0xff, fl = w0 >>> 8, loc = s.words[hit.cell * L.cellWords + 1];
      const resident = s.words[hit.cell * L.cellWords + 2];
      const first = s.first + hit.cell * s.ppc;
      const lastPage = first + s.ppc - 1;
      const range = `${hex(first * ps)}–${hex((lastPage + 1) * ps - 1)}`;
      const head = s.ppc === 1 ? `${s.name} page ${first} (${range})` : `${s.name} pages ${first}–${lastPage} (${range})`;
      const region = proc?.regions?.find((r) => first >= r.start / ps && first < r.start / ps + r.pages);
      const lines = [head];
      const what = {
        [S.Unmapped]: 'unmapped: an access is a segmentation fault',
        [S.Guard]: 'the null guard page: never mapped',
        [S.Reserved]: 'allocated, never touched: no frame yet',
        [S.Code]: 'code, not in memory (read from the executable on a fault)',
        [S.Swapped]: loc !== NONE && s.ppc === 1 ? `in swap slot ${loc}` : 'in swap',
        [S.Resident]: loc !== NONE && s.ppc === 1 ? `resident in frame ${loc}` : `resident (${resident} page${resident === 1 ? '' : 's'})`,
      }[st];
      lines.push(what + (fl & F.MIXED ? ' (and other states in this range)' : ''));
      const marks = [];
      if (fl & F.DIRTY) marks.push('dirty');
      if (fl & F.REFERENCED) marks.push('referenced');
      if (fl & F.SWAP_COPY) marks.push('clean copy in swap');
      if (marks.length) lines.push(marks.join(' · '));
      if (region) lines.push(`region ${region.label} ${region.perms}${region.code ? ' (code)' : ''}`);
      return lines.join('\n');
    }
    const fc = gridHit(lay.frames, x, y);
    if (fc >= 0 && lay.frames.perCell > 1) {
      const first = fc * lay.frames.perCell, lastF = Math.min(config.frames, first + lay.frames.perCell) - 1;
      let used = 0;
      for (let i = first; i <= lastF; i++) if (frames[i * L.frameWords]) used++;
      return `frames ${first}–${lastF}\n${used} of ${lastF - first + 1} in use`;
    }
    const f = fc;
    if (f >= 0) {
      const o = f * L.frameWords;
      if (!frames[o]) return `frame ${f}: free` + (frames[o + 3] & F.HAND ? '\nthe clock hand points here' : '');
      const vpn = frames[o + 2] * 2 ** 32 + frames[o + 1];
      const fl = frames[o + 3];
      const lines = [`frame ${f} (physical ${hex(f * ps)}–${hex((f + 1) * ps - 1)})`,
        `holds ${names.get(frames[o] - 1)} page ${vpn}${fl & F.CODE ? ' (code)' : ''}`];
      const marks = [];
      if (fl & F.DIRTY) marks.push('dirty (D)'); else marks.push('clean');
      if (fl & F.REFERENCED) marks.push('referenced (R)');
      if (fl & F.HAND) marks.push('clock hand');
      lines.push(marks.join(' · '));
      const value = frames[o + 4];
      if (value !== NONE) {
        const label = { aging: 'aging counter', lfu: 'uses', nru: 'NRU class', opt: 'next use at step' }[config.policy];
        if (label) lines.push(`${label}: ${config.policy === 'aging' ? value.toString(2).padStart(8, '0') : config.policy === 'opt' && value >= 0xfffffffe ? 'never' : value}`);
      }
      return lines.join('\n');
    }
    const sl = gridHit(lay.swap, x, y);
    if (sl >= 0) {
      const o = sl * L.slotWords;
      if (!slots[o]) return `swap slot ${sl}: free`;
      return `swap slot ${sl}\nholds ${names.get(slots[o] - 1)} page ${slots[o + 2] * 2 ** 32 + slots[o + 1]}`
        + (slots[o + 3] & F.COPY_OF_RESIDENT ? '\na clean copy of a page that is also in memory' : '');
    }
    return null;
  }

  /** Zooms the address space under (x, y): `factor` < 1 zooms in, > 1 out. Returns true if handled. */
  function zoomAt(x, y, factor) {
    if (!last) return false;
    const hit = stripHit(last.lay, x, y);
    if (!hit) return false;
    const s = hit.strip;
    const pages = 2 ** (last.config.va_bits - Math.log2(last.config.page_size));
    const maxCells = last.lay.maxCells;
    const cell = Math.max(0, hit.cell);
    const centre = s.first + (cell + 0.5) * s.ppc;
    let ppc = factor < 1 ? Math.max(1, Math.floor(s.ppc * factor)) : Math.ceil(s.ppc * factor);
    if (factor < 1 && ppc === s.ppc) ppc = Math.max(1, s.ppc >> 1);
    const span = ppc * maxCells;
    const win = clampWindow({ first: Math.floor(centre - span / 2), ppc }, pages, maxCells);
    const def = defaultWindow(pages, maxCells);
    if (win.ppc >= def.ppc && win.first === 0) windows.delete(s.pid); else windows.set(s.pid, win);
    return true;
  }

  /** Paints one legend icon (a page cell, or a frame mark) on a small canvas. */
  function paintIcon(target, kind) {
    const saved = ctx;
    const dpr = window.devicePixelRatio || 1;
    target.width = 18 * dpr;
    target.height = 18 * dpr;
    ctx = target.getContext('2d');
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const c = palette.procs[0];
    const icons = {
      guard: () => drawPage(1, 1, 16, 16, S.Guard, 0, c, ''),
      unmapped: () => drawPage(1, 1, 16, 16, S.Unmapped, 0, c, ''),
      reserved: () => drawPage(1, 1, 16, 16, S.Reserved, 0, c, ''),
      code: () => drawPage(1, 1, 16, 16, S.Code, 0, c, ''),
      resident: () => drawPage(1, 1, 16, 16, S.Resident, 0, c, ''),
      swapped: () => drawPage(1, 1, 16, 16, S.Swapped, 0, c, ''),
      dirty: () => drawPage(1, 1, 16, 16, S.Resident, F.DIRTY, c, ''),
      referenced: () => drawPage(1, 1, 16, 16, S.Resident, F.REFERENCED, c, ''),
      hand: () => {
        ctx.fillStyle = palette.text;
        ctx.beginPath(); ctx.moveTo(4, 3); ctx.lineTo(14, 3); ctx.lineTo(9, 10); ctx.closePath(); ctx.fill();
        ctx.strokeStyle = palette.cellLine; ctx.strokeRect(3.5, 11.5, 11, 6);
      },
    };
    icons[kind]?.();
    ctx = saved;
  }

  /**
   * Where something was drawn (CSS pixels): `{page: {pid, vpn}}`, `{frame: n}` or `{slot: n}`.
   * Used by hover and by the browser tests that read pixels.
   */
  function locate(what) {
    if (!last) return null;
    if (what.page) return pageRect(last.strips, what.page.pid, what.page.vpn);
    const grid = what.frame != null ? last.lay.frames : last.lay.swap;
    let i = what.frame ?? what.slot;
    if (what.frame != null && grid.perCell > 1) i = Math.floor(i / grid.perCell);
    if (i == null || i >= grid.count || !grid.size) return null;
    const c = gridCell(grid, i);
    return { x: c.x, y: c.y, w: c.s, h: c.s };
  }

  function resetZoom() {
    windows.clear();
  }

  function themeChanged() {
    palette = readPalette();
    hatches.clear();
  }

  return { draw, describeAt, zoomAt, resetZoom, themeChanged, paintIcon, locate, get palette() { return palette; } };
}

export function fmtSize(bytes) {
  if (bytes >= 1048576 && bytes % 1048576 === 0) return `${bytes / 1048576} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

