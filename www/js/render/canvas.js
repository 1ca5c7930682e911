// The picture: address-space strips, frames, swap, and the lines between them, on one canvas.
// It reads compact views from the engine (engine/view.rs) and never asks for more than the cells
// it draws, so a 48-bit space or a million frames cost what fits on the screen:
// - an address space opens fitted to the ranges in use, the unused pages between them collapsed
//   into gap cells, with an overview bar of the whole space above it; zooming picks a window;
// - frames beyond what fits are a heat map of blocks (share in use, dirty, referenced) that
//   zooms into a range of frames;
// - labels shorten to fit their cells (the tooltip names everything in full).

import {
  computeLayout, gridCell, gridHit, stripHit, clampWindow, stripCapacity, planStrip,
  cellOfPage, cellOfFrame, MAX_RANGES, JOIN_PAGES,
} from './layout.js';
import { readPalette, processColour, textOn, withAlpha, pageTag, processTag } from './palette.js';
import { prepareCanvas } from './hidpi.js';
import { createViews } from './views.js';
import { createTooltips } from './tooltips.js';

/** Creates the renderer for `canvas`. `engine` is what loadEngine() returned. */
export function createRenderer(canvas, engine) {
  const { states: S, layout: L } = engine;
  const F = L.flags;
  const NONE = L.none;
  const V = createViews(L);
  const tips = createTooltips(engine, V);
  const { policyOf, valueText } = tips;
  let ctx = canvas.getContext('2d');
  let palette = readPalette();
  const hatches = new Map();
  const windows = new Map(); // pid → {first, ppc}: a zoomed address space (absent: fitted to use)
  let frameView = null; // {centre, perCell}: the zoomed frame grid (null: all frames)
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
      ctx.fillText(fitText(label, w - 3), x + w / 2, y + h / 2 + 0.5);
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

  /** `text`, cut short with "…" to fit `maxW` px in the current font ('' if nothing fits). */
  function fitText(text, maxW) {
    if (ctx.measureText(text).width <= maxW) return text;
    for (let n = text.length - 1; n > 0; n--) {
      const cut = text.slice(0, n) + '…';
      if (ctx.measureText(cut).width <= maxW) return cut;
    }
    return '';
  }

  /** A page's tag ("T33550334") that fits `maxW`: then "T…0334", "T…4", "T". */
  function fitTag(name, vpn, maxW) {
    const full = pageTag(name, vpn);
    if (ctx.measureText(full).width <= maxW) return full;
    const tag = processTag(name), digits = String(vpn);
    for (let keep = Math.min(4, digits.length - 1); keep >= 1; keep--) {
      const short = `${tag}…${digits.slice(-keep)}`;
      if (ctx.measureText(short).width <= maxW) return short;
    }
    return fitText(tag, maxW);
  }

  /** A gap cell: pages not in use, collapsed; drawn as an axis break. */
  function drawGap(x, y, w, h) {
    ctx.fillStyle = withAlpha(palette.muted, palette.dark ? 0.12 : 0.08);
    ctx.fillRect(x, y + h * 0.3, w, h * 0.4);
    ctx.strokeStyle = palette.muted;
    ctx.lineWidth = 1.2;
    const m = Math.min(4, w / 4), cx = x + w / 2;
    ctx.beginPath();
    ctx.moveTo(cx - m - 2, y + h * 0.7); ctx.lineTo(cx - 2 + m, y + h * 0.3);
    ctx.moveTo(cx - m + 2, y + h * 0.7); ctx.lineTo(cx + 2 + m, y + h * 0.3);
    ctx.stroke();
  }

  function title(text, x, y, w) {
    font(12, 600);
    ctx.fillStyle = palette.muted;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(fitText(text, w), x, y + 1);
  }

  function hex(n) {
    return '0x' + Math.floor(n).toString(16);
  }

  /** Each process's strip plan: fitted to the ranges in use unless the user zoomed it. */
  function planStrips(sim, processes, pages, maxCells) {
    const plans = new Map();
    for (const p of processes) {
      const ranges = [];
      if (pages > maxCells && p.alive) {
        const flat = sim.viewRanges(p.pid, MAX_RANGES, JOIN_PAGES);
        for (let i = 0; i < flat.length; i += 2) ranges.push([flat[i], flat[i + 1]]);
      }
      const plan = planStrip({ pages, maxCells, ranges, window: windows.get(p.pid) ?? null });
      plan.ranges = ranges;
      plans.set(p.pid, plan);
    }
    return plans;
  }

  /** The cells' view words of a strip: one viewCells call per run of consecutive cells. */
  function readCells(sim, s, alive) {
    const W = V.cellWords;
    const words = new Uint32Array(s.cells * W);
    const { starts, ppc } = s.plan;
    V.clearCells(words);
    if (!alive) return words;
    for (let c = 0; c < s.cells;) {
      if (starts[c] < 0) {
        c++;
        continue;
      }
      let e = c;
      while (e + 1 < s.cells && starts[e + 1] === starts[e] + ppc) e++;
      words.set(sim.viewCells(s.pid, starts[c], ppc, e - c + 1), c * W);
      c = e + 1;
    }
    return words;
  }

  /**
   * Draws the machine. `scene` = {sim, processes, config, highlight, pulse}:
   * processes from stats(), config from sim.config(), highlight from the last step (may be null),
   * pulse 0…1 for the step animation (1 = just happened).
   */
  function draw(scene) {
    const { sim, processes, config } = scene;
    const { w, h } = fit();
    const pages = 2 ** (config.va_bits - Math.log2(config.page_size));
    const hw = sim.swapHighWater();
    const swapShown = config.swap_slots === 0 ? 0
      : Math.min(config.swap_slots, Math.max(16, Math.min(4096, Math.ceil((hw + 8) / 8) * 8)));
    const plans = planStrips(sim, processes, pages, stripCapacity(w).maxCells);
    const lay = computeLayout({ width: w, height: h, processes, plans, frames: config.frames, frameView, swapShown });
    ctx.fillStyle = palette.bg;
    ctx.fillRect(0, 0, w, h);

    // --- read the views
    const alive = new Map(processes.map((p) => [p.pid, p.alive]));
    const strips = lay.strips.map((s) => ({ ...s, words: readCells(sim, s, alive.get(s.pid)) }));
    const fg = lay.frames;
    const frames = fg.perCell === 1 ? sim.viewFrames(fg.first, fg.count) : new Uint32Array(0);
    const blocks = fg.perCell > 1 ? sim.viewFrameBlocks(fg.first, fg.perCell, fg.count) : new Uint32Array(0);
    const slots = swapShown ? sim.viewSwap(0, swapShown) : new Uint32Array(0);
    const names = new Map(processes.map((p) => [p.pid, p.name]));
    const hl = scene.highlight;

    drawLines(strips, lay, hl);

    // --- titles
    title('Virtual address spaces' + (processes.length ? '' : ' — no processes yet'), lay.pad, lay.spacesTitleY, w - 2 * lay.pad);
    const n = (k) => k.toLocaleString('en');
    const zoomedFrames = fg.first > 0 || fg.count * fg.perCell < config.frames;
    const shown = zoomedFrames ? ` · frames ${n(fg.first)}–${n(Math.min(config.frames, fg.first + fg.count * fg.perCell) - 1)}` : '';
    title(`Physical memory · ${n(config.frames)} frame${config.frames === 1 ? '' : 's'} of ${fmtSize(config.page_size)}`
      + shown + (fg.perCell > 1 ? `, ${fg.perCell} a cell` : '')
      + (policyOf(config.policy)?.hand ? ' · ▼ clock hand' : ''), fg.x, fg.titleY, fg.w);
    if (swapShown) {
      const more = config.swap_slots > swapShown ? ` (first ${swapShown} shown)` : '';
      title(`Swap · ${config.swap_slots.toLocaleString('en')} slots${more}`, lay.swap.x, lay.swap.titleY, lay.swap.w);
    } else {
      font(11); ctx.fillStyle = palette.muted; ctx.textAlign = 'right';
      ctx.fillText('no swap', w - lay.pad, fg.titleY + 1);
    }

    // --- address-space strips
    for (const s of strips) drawStrip(s, processes.find((p) => p.pid === s.pid), pages, lay.pad);
    drawPageNumbers(strips[strips.length - 1], config.page_size);

    // --- frames
    if (fg.perCell > 1) drawHeatMap(fg, blocks, config.frames);
    else if (fg.size < 12) drawFramesCompact(fg, frames);
    else drawFrames(fg, frames, names, config);

    // --- swap slots
    drawSwap(lay.swap, slots, names);

    // --- the step that just happened
    if (hl) drawHighlight(hl, strips, lay, scene.pulse ?? 0);

    last = { lay, strips, frames, blocks, slots, config, names, processes, pages };
    return { neededHeight: lay.neededHeight };
  }

  /** Lines from resident and swapped pages to their frame or slot (drawn first: behind everything). */
  function drawLines(strips, lay, hl) {
    ctx.lineWidth = 1;
    const midY = (lay.lineTop + lay.lineBottom) / 2;
    for (const s of strips) {
      if (s.ppc !== 1) continue;
      const colour = processColour(palette, s.pid);
      for (let c = 0; c < s.cells; c++) {
        const st = V.cellState(s.words, c);
        const loc = V.cellLoc(s.words, c);
        if (loc === NONE || (st !== S.Resident && st !== S.Swapped)) continue;
        const grid = st === S.Resident ? lay.frames : lay.swap;
        const at = st === S.Resident ? cellOfFrame(grid, loc) : loc < grid.count ? loc : -1;
        if (at < 0 || !grid.size) continue;
        const from = { x: s.x + (c + 0.5) * s.cellW, y: s.y + s.h };
        const cell = gridCell(grid, at);
        const to = { x: cell.x + cell.s / 2, y: cell.y };
        const hot = hl && hl.pid === s.pid && hl.vpn === s.plan.starts[c];
        ctx.strokeStyle = hot ? colour : withAlpha(colour, palette.dark ? 0.45 : 0.4);
        ctx.lineWidth = hot ? 2.5 : 1;
        ctx.setLineDash(st === S.Swapped ? [4, 3] : []);
        ctx.beginPath();
        ctx.moveTo(from.x, from.y);
        ctx.bezierCurveTo(from.x, midY, to.x, midY, to.x, to.y);
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);
  }

  /** One process: its name, its overview bar, its cells. */
  function drawStrip(s, proc, pages, left) {
    const ended = proc && !proc.alive;
    const colour = ended ? palette.guard : processColour(palette, s.pid);
    const labelW = s.x - left - 6;
    font(13, 700);
    ctx.fillStyle = ended ? palette.muted : colour;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    const mid = s.rowY + s.rowH / 2;
    ctx.fillText(fitText(s.name, labelW), left, mid - (s.rowH > 26 ? 6 : 0));
    if (s.rowH > 26) {
      font(10);
      ctx.fillStyle = palette.muted;
      const note = ended ? (proc.ended === 'exited' ? 'exited' : 'killed') : `pid ${s.pid}${s.ppc > 1 ? ` · ×${s.ppc}` : ''}`;
      ctx.fillText(fitText(note, labelW), left, mid + 8);
    }
    if (ended) {
      ctx.strokeStyle = palette.cellLine; ctx.setLineDash([3, 3]);
      ctx.strokeRect(s.x + 0.5, s.y + 0.5, s.cells * s.cellW - 1, s.h - 1);
      ctx.setLineDash([]);
      return;
    }
    if (s.overview) drawOverview(s, pages, colour);
    const gap = s.cellW >= 10 ? 2 : s.cellW >= 5 ? 1 : 0;
    const { starts } = s.plan;
    for (let c = 0; c < s.cells; c++) {
      const x = s.x + c * s.cellW;
      if (starts[c] < 0) {
        drawGap(x, s.y, s.cellW - gap, s.h);
        continue;
      }
      const st = V.cellState(s.words, c), fl = V.cellFlags(s.words, c), loc = V.cellLoc(s.words, c);
      const label = s.ppc === 1 && s.cellW >= 18
        ? (st === S.Resident ? `f${loc}` : st === S.Swapped ? `s${loc}` : '') : '';
      drawPage(x, s.y, s.cellW - gap, s.h, st, fl, colour, label);
    }
  }

  /**
   * The whole address space as a thin bar: the ranges in use in the process's colour, and a frame
   * around each part the strip shows. Click it to fit the strip to the ranges in use again.
   */
  function drawOverview(s, pages, colour) {
    const o = s.overview;
    const X = (p) => o.x + (p / pages) * o.w;
    ctx.fillStyle = palette.cellLine;
    ctx.fillRect(o.x, o.y + 1, o.w, o.h - 2);
    ctx.fillStyle = colour;
    for (const [a, b] of s.plan.ranges) ctx.fillRect(X(a), o.y, Math.max(2, X(b) - X(a)), o.h);
    ctx.strokeStyle = palette.text;
    ctx.lineWidth = 1;
    const { starts, ppc } = s.plan;
    for (let c = 0; c < s.cells;) {
      if (starts[c] < 0) {
        c++;
        continue;
      }
      let e = c;
      while (e + 1 < s.cells && starts[e + 1] >= 0) e++;
      const x0 = X(starts[c]), x1 = X(Math.min(pages, starts[e] + ppc));
      ctx.strokeRect(Math.round(x0) - 0.5, o.y - 1.5, Math.max(3, Math.round(x1 - x0)) + 1, o.h + 3);
      c = e + 1;
    }
  }

  /** Page numbers under the last strip, as many as fit without overlapping. */
  function drawPageNumbers(s, pageSize) {
    if (!s || s.cells === 0) return;
    font(9, 400, true);
    ctx.fillStyle = palette.muted;
    ctx.textBaseline = 'top';
    const { starts } = s.plan;
    const y = s.y + s.h + 2;
    if (s.ppc === 1) {
      let widest = 0;
      for (let c = 0; c < s.cells; c++) if (starts[c] >= 0) widest = Math.max(widest, ctx.measureText(String(starts[c])).width);
      const every = Math.max(1, Math.ceil((widest + 4) / s.cellW));
      if (s.cellW * every > 200) return;
      ctx.textAlign = 'center';
      for (let c = 0; c < s.cells; c += every) {
        if (starts[c] >= 0) ctx.fillText(String(starts[c]), s.x + (c + 0.5) * s.cellW, y);
      }
      return;
    }
    // Summarised: the address where each run of cells starts.
    ctx.textAlign = 'left';
    let free = s.x;
    for (let c = 0; c < s.cells; c++) {
      if (starts[c] < 0 || (c > 0 && starts[c - 1] >= 0)) continue;
      const text = hex(starts[c] * pageSize);
      const x = s.x + c * s.cellW;
      if (x < free) continue;
      ctx.fillText(text, x, y);
      free = x + ctx.measureText(text).width + 8;
    }
  }

  /** Frames one by one, large enough for tags, policy values and frame numbers. */
  function drawFrames(fg, frames, names, config) {
    const policy = policyOf(config.policy);
    for (let i = 0; i < fg.count; i++) {
      const f = fg.first + i;
      const pid = V.owner(frames, i), fl = V.flags(frames, i), value = V.value(frames, i);
      const { x, y, s } = gridCell(fg, i);
      if (pid < 0) {
        ctx.strokeStyle = palette.cellLine; ctx.lineWidth = 1;
        roundRect(x + 0.5, y + 0.5, s - 1, s - 1, Math.min(4, s / 5)); ctx.stroke();
      } else {
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
          const vpn = V.vpn(frames, i);
          ctx.fillStyle = textOn(colour);
          font(Math.min(12, s / 3.2), 700, true);
          ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
          ctx.fillText(fitTag(names.get(pid) ?? '?', vpn, s - 4), x + s / 2, y + s / 2 - (s >= 34 ? 4 : 0));
          if (s >= 34 && value !== NONE && policy?.valueInCell) {
            font(9, 400, true);
            ctx.fillText(fitText(valueText(policy, value), s - 3), x + s / 2, y + s / 2 + 9);
          }
        }
      }
      if (fl & F.HAND) drawHand(x, y, s);
      if (s >= 30) {
        font(8, 400, true); ctx.fillStyle = pid >= 0 ? textOn(processColour(palette, pid)) : palette.muted;
        ctx.globalAlpha = 0.75; ctx.textAlign = 'left'; ctx.textBaseline = 'top';
        ctx.fillText(fitText(String(f), s - 14), x + 3, y + 2); ctx.globalAlpha = 1;
      }
    }
  }

  function drawHand(x, y, s) {
    ctx.fillStyle = palette.text;
    const m = Math.max(3, Math.min(6, s / 5));
    ctx.beginPath();
    ctx.moveTo(x + s / 2 - m, y - m - 1); ctx.lineTo(x + s / 2 + m, y - m - 1); ctx.lineTo(x + s / 2, y - 1);
    ctx.closePath(); ctx.fill();
  }

  /**
   * Small frames (thousands of them): one path per owner colour instead of a path per frame,
   * and square marks for dirty and referenced. Same information, a fraction of the draw calls.
   */
  function drawFramesCompact(fg, frames) {
    const byOwner = new Map();
    const free = new Path2D();
    const dirty = new Path2D();
    const referenced = new Path2D();
    const m = Math.max(1, Math.floor(fg.size / 3));
    for (let i = 0; i < fg.count; i++) {
      const { x, y, s } = gridCell(fg, i);
      const owner = V.owner(frames, i), fl = V.flags(frames, i);
      if (owner < 0) {
        free.rect(x + 0.5, y + 0.5, s - 1, s - 1);
      } else {
        if (!byOwner.has(owner)) byOwner.set(owner, new Path2D());
        byOwner.get(owner).rect(x, y, s, s);
        if (fl & F.DIRTY) dirty.rect(x + s - m, y, m, m);
        if (fl & F.REFERENCED) referenced.rect(x, y + s - m, m, m);
      }
      if (fl & F.HAND) {
        ctx.fillStyle = palette.text;
        ctx.fillRect(x, y - 3, s, 2);
      }
    }
    ctx.strokeStyle = palette.cellLine;
    ctx.lineWidth = 1;
    ctx.stroke(free);
    for (const [owner, path] of byOwner) {
      ctx.fillStyle = processColour(palette, owner);
      ctx.fill(path);
    }
    ctx.fillStyle = palette.dark ? '#000' : '#fff';
    ctx.fill(dirty);
    ctx.fill(referenced);
  }

  /**
   * More frames than fit: a heat map of blocks. A block takes the colour of the process owning
   * most of its frames, stronger the more of them are in use; a bar along its top shows the share
   * of those that are dirty, one along its bottom the share referenced. One path per colour.
   */
  function drawHeatMap(fg, blocks, total) {
    const LEVELS = 8;
    const shades = new Map(); // pid × LEVELS + level → Path2D
    const free = new Path2D(), dirty = new Path2D(), referenced = new Path2D();
    for (let i = 0; i < fg.count; i++) {
      const { x, y, s } = gridCell(fg, i);
      const used = V.blockUsed(blocks, i);
      if (V.blockFlags(blocks, i) & F.HAND) drawHand(x, y, s);
      if (!used) {
        free.rect(x, y, s, s);
        continue;
      }
      const size = Math.min(fg.perCell, total - (fg.first + i * fg.perCell));
      const level = Math.max(1, Math.round((LEVELS * used) / size));
      const key = V.blockOwner(blocks, i) * LEVELS + level - 1;
      if (!shades.has(key)) shades.set(key, new Path2D());
      shades.get(key).rect(x, y, s, s);
      if (s >= 8) {
        const bar = Math.max(1, Math.floor(s / 6));
        const d = V.blockDirty(blocks, i), r = V.blockReferenced(blocks, i);
        if (d) dirty.rect(x, y, Math.max(1, (s * d) / used), bar);
        if (r) referenced.rect(x, y + s - bar, Math.max(1, (s * r) / used), bar);
      }
    }
    ctx.fillStyle = palette.cellLine; // free blocks: the colour of an empty cell's outline
    ctx.globalAlpha = 0.45;
    ctx.fill(free);
    ctx.globalAlpha = 1;
    for (const [key, path] of shades) {
      const pid = Math.floor(key / LEVELS), level = (key % LEVELS) + 1;
      ctx.fillStyle = withAlpha(processColour(palette, pid), 0.25 + (0.75 * level) / LEVELS);
      ctx.fill(path);
    }
    ctx.fillStyle = palette.dark ? '#fff' : '#000';
    ctx.globalAlpha = 0.55;
    ctx.fill(dirty);
    ctx.fill(referenced);
    ctx.globalAlpha = 1;
  }

  function drawSwap(sw, slots, names) {
    if (sw.size < 14) return drawSwapCompact(sw, slots);
    for (let i = 0; i < sw.count; i++) {
      const owner = V.slotOwner(slots, i), fl = V.slotFlags(slots, i);
      const { x, y, s } = gridCell(sw, i);
      if (owner < 0) {
        ctx.strokeStyle = palette.cellLine; ctx.lineWidth = 1; ctx.globalAlpha = 0.8;
        roundRect(x + 0.5, y + 0.5, s - 1, s - 1, Math.min(3, s / 5)); ctx.stroke(); ctx.globalAlpha = 1;
        continue;
      }
      const colour = processColour(palette, owner);
      const copy = fl & F.COPY_OF_RESIDENT;
      ctx.globalAlpha = copy ? 0.5 : 1;
      ctx.fillStyle = hatch(colour, !copy);
      roundRect(x, y, s, s, Math.min(3, s / 5)); ctx.fill();
      ctx.strokeStyle = colour; ctx.lineWidth = 1.2;
      roundRect(x + 0.6, y + 0.6, s - 1.2, s - 1.2, Math.min(3, s / 5)); ctx.stroke();
      ctx.globalAlpha = 1;
      if (s >= 22) {
        font(Math.min(11, s / 3), 700, true);
        ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
        const tag = fitTag(names.get(owner) ?? '?', V.slotVpn(slots, i), s - 4);
        // On a plate of the background colour, so the hatching does not cross the letters.
        const tw = ctx.measureText(tag).width;
        ctx.fillStyle = withAlpha(palette.bg, 0.8);
        ctx.fillRect(x + s / 2 - tw / 2 - 1, y + s / 2 - 6, tw + 2, 12);
        ctx.fillStyle = palette.text;
        ctx.fillText(tag, x + s / 2, y + s / 2 + 0.5);
      }
    }
  }

  function pageRect(strips, pid, vpn) {
    const s = strips.find((x) => x.pid === pid);
    const c = s ? cellOfPage(s.plan, vpn) : -1;
    if (c < 0) return null;
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
      if (grid === lay.frames) i = cellOfFrame(grid, i);
      if (i == null || i < 0 || i >= grid.count || !grid.size) return null;
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
    const hit = stripHit(last.lay, x, y);
    if (hit) return tips.page(last, hit, windows.has(hit.strip.pid));
    const fg = last.lay.frames;
    const fc = gridHit(fg, x, y);
    if (fc >= 0) return fg.perCell > 1 ? tips.block(last, fc) : tips.frame(last, fc);
    const sl = gridHit(last.lay.swap, x, y);
    return sl >= 0 ? tips.slot(last, sl) : null;
  }

  /**
   * Zooms what is under (x, y): an address space, or the frame grid. `factor` < 1 zooms in,
   * > 1 out. Returns true if the picture changes.
   */
  function zoomAt(x, y, factor) {
    if (!last) return false;
    const hit = stripHit(last.lay, x, y);
    if (hit) return zoomStrip(hit, factor, x);
    const fg = last.lay.frames;
    const cell = gridHit(fg, x, y);
    if (cell < 0) return false;
    const centre = fg.first + (cell + 0.5) * fg.perCell;
    const perCell = factor < 1 ? Math.max(1, 2 ** Math.floor(Math.log2(fg.perCell * factor))) : fg.perCell * 2 ** Math.ceil(Math.log2(factor));
    if (perCell === fg.perCell) return false;
    frameView = perCell >= fg.full ? null : { centre, perCell };
    return true;
  }

  /** Zooms a strip about the page under `x`: it stays under the pointer (as far as the ends allow). */
  function zoomStrip(hit, factor, x) {
    const { pages, lay } = last;
    const s = hit.strip;
    const { starts, ppc, gaps } = s.plan;
    if (pages <= lay.maxCells || hit.cell < 0) return false;
    const gap = starts[hit.cell] < 0;
    if (factor < 1 && ppc === 1 && !gap) return false; // already one page a cell
    const [from, to] = gap ? gaps.get(hit.cell) : [starts[hit.cell], starts[hit.cell] + ppc];
    // The page under the pointer (a fraction of the way through its cell) stays under it.
    const anchor = from + ((x - s.x) / s.cellW - hit.cell) * (to - from);
    let next = factor < 1 ? Math.max(1, Math.floor(ppc * factor)) : Math.ceil(ppc * factor);
    if (factor < 1 && next === ppc) next = Math.max(1, ppc >> 1);
    if (next === ppc && !starts.includes(-1)) return false;
    const cellW = Math.min(56, lay.stripW / lay.maxCells); // as computeLayout sizes a window's cells
    const win = clampWindow({ first: Math.floor(anchor - ((x - s.x) / cellW) * next), ppc: next }, pages, lay.maxCells);
    windows.set(s.pid, win);
    return true;
  }

  /** A click: on an overview bar, fits that strip to the ranges in use again. */
  function clickAt(x, y) {
    if (!last) return false;
    const hit = stripHit(last.lay, x, y);
    if (!hit?.overview || !windows.has(hit.strip.pid)) return false;
    windows.delete(hit.strip.pid);
    return true;
  }

  /** Small slots (thousands): one hatched path per owner, one outline path for the free ones. */
  function drawSwapCompact(sw, slots) {
    const free = new Path2D();
    const byOwner = new Map(); // owner × 2 + (copy of a resident page) → Path2D
    for (let i = 0; i < sw.count; i++) {
      const { x, y, s } = gridCell(sw, i);
      const owner = V.slotOwner(slots, i);
      if (owner < 0) {
        free.rect(x + 0.5, y + 0.5, s - 1, s - 1);
        continue;
      }
      const key = owner * 2 + (V.slotFlags(slots, i) & F.COPY_OF_RESIDENT ? 1 : 0);
      if (!byOwner.has(key)) byOwner.set(key, new Path2D());
      byOwner.get(key).rect(x, y, s, s);
    }
    ctx.strokeStyle = palette.cellLine;
    ctx.lineWidth = 1;
    ctx.stroke(free);
    for (const [key, path] of byOwner) {
      const colour = processColour(palette, key >> 1);
      const copy = key & 1;
      ctx.globalAlpha = copy ? 0.5 : 1;
      ctx.fillStyle = hatch(colour, !copy);
      ctx.fill(path);
      ctx.strokeStyle = colour;
      ctx.stroke(path);
    }
    ctx.globalAlpha = 1;
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
   * Where something was drawn (CSS pixels): `{page: {pid, vpn}}`, `{frame: n}`, `{slot: n}`, the
   * first collapsed gap of a strip `{gap: pid}` or its overview bar `{overview: pid}`.
   * Used by hover and by the browser tests that read pixels.
   */
  function locate(what) {
    if (!last) return null;
    if (what.page) return pageRect(last.strips, what.page.pid, what.page.vpn);
    if (what.gap != null || what.overview != null) {
      const s = last.strips.find((t) => t.pid === (what.gap ?? what.overview));
      if (!s) return null;
      if (what.overview != null) return s.overview;
      const cell = s.plan.starts.indexOf(-1);
      return cell < 0 ? null : { x: s.x + cell * s.cellW, y: s.y, w: s.cellW, h: s.h };
    }
    const grid = what.frame != null ? last.lay.frames : last.lay.swap;
    const i = what.frame != null ? cellOfFrame(grid, what.frame) : what.slot;
    if (i == null || i < 0 || i >= grid.count || !grid.size) return null;
    const c = gridCell(grid, i);
    return { x: c.x, y: c.y, w: c.s, h: c.s };
  }

  function resetZoom() {
    windows.clear();
    frameView = null;
  }

  function themeChanged() {
    palette = readPalette();
    hatches.clear();
  }

  return { draw, describeAt, zoomAt, clickAt, resetZoom, themeChanged, paintIcon, locate, get palette() { return palette; } };
}

export function fmtSize(bytes) {
  if (bytes >= 1048576 && bytes % 1048576 === 0) return `${bytes / 1048576} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} B`;
}

