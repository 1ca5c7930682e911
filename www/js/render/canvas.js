// The picture: address-space strips, frames, swap, and the lines between them, on one canvas.
// It reads compact views from the engine (engine/view.rs) and never asks for more than the cells
// it draws, so a 48-bit space or a million frames cost what fits on the screen:
// - an address space opens fitted to the ranges in use, the unused pages between them collapsed
//   into gap cells, with an overview bar of the whole space above it; zooming picks a window;
// - frames beyond what fits are a heat map of blocks (share in use, dirty, referenced) that
//   zooms into a range of frames;
// - labels shorten to fit their cells (the tooltip names everything in full).
// This file plans and orchestrates (what to read, where it goes, zoom, hit-testing); the drawing
// is in paint.js (cells and labels), spaces.js, memory.js and highlight.js.

import { humanBytes } from '../../pkg/pagesim.js';
import { ownerNames } from '../owners.js';
import {
  computeLayout, gridCell, gridHit, stripHit, clampWindow, stripCapacity, planStrip, cellOfFrame, sideWidth, MAX_RANGES, JOIN_PAGES,
} from './layout.js';
import { prepareCanvas, cssSize } from './hidpi.js';
import { createViews } from './views.js';
import { createTooltips } from './tooltips.js';
import { createPainter } from './paint.js';
import { drawLines, drawLineEnds, drawStrip, drawPageNumbers, drawObjectLabels } from './spaces.js';
import { drawFrames, drawFramesCompact, drawHeatMap, drawHugeRuns, drawPolicyState, drawSwap, drawTableLinks } from './memory.js';
import { drawHighlight, pageRect, frameAnchor } from './highlight.js';
import { planSide, drawSide, locateSide } from './side.js';
import { drawPhysical, describePhysical } from './physical.js';

/** Creates the renderer for `canvas`. `engine` is what loadEngine() returned. */
export function createRenderer(canvas, engine) {
  const { states: S, layout: L } = engine;
  const F = L.flags;
  const V = createViews(L);
  const tips = createTooltips(engine, V);
  const { policyOf } = tips;
  const g = createPainter(canvas, engine, V, tips);
  const windows = new Map(); // pid → {first, ppc}: a zoomed address space (absent: fitted to use)
  let frameView = null; // {centre, perCell}: the zoomed frame grid (null: all frames)
  let last = null; // what was drawn, for hover and hit-testing

  /** Sizes the backing store to the element's CSS size times devicePixelRatio (crisp text). */
  let fitted = null; // while drawing a snapshot: its size (the canvas is left alone)

  function fit() {
    if (fitted) return fitted;
    const { w, h } = prepareCanvas(canvas, 1, 1);
    return { w, h };
  }

  /**
   * The picture drawn afresh on a new canvas at `scale` device pixels per CSS pixel (for a PNG
   * sharper than the screen's), the same size in CSS pixels as the one on the page.
   */
  function snapshot(scene, scale) {
    const { w, h } = cssSize(canvas);
    const out = document.createElement('canvas');
    out.width = Math.round(w * scale);
    out.height = Math.round(h * scale);
    const ctx = out.getContext('2d');
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    drawInto(ctx, scene, { w, h });
    return out;
  }

  /**
   * The picture as SVG text: the same drawing, as vector shapes with text as text. The SVG
   * writer loads on first use (it is not part of the first view).
   */
  async function svg(scene) {
    const { SvgContext } = await import('./svg.js');
    const { w, h } = cssSize(canvas);
    const ctx = new SvgContext(w, h, document.createElement('canvas').getContext('2d'));
    drawInto(ctx, scene, { w, h });
    return ctx.toString();
  }

  /** Draws `scene` with another context (the canvas and what was drawn on it are left alone). */
  function drawInto(ctx, scene, size) {
    const [saved, drawn] = [g.ctx, last];
    g.ctx = ctx;
    fitted = size;
    try {
      draw({ ...scene, pulse: 0 });
    } finally {
      g.ctx = saved;
      fitted = null;
      last = drawn;
    }
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
    g.resetMarks();
    if (config.vm !== 'paging') {
      // Before virtual memory: physical memory and the programs in it (physical.js).
      g.ctx.fillStyle = g.palette.bg;
      g.ctx.fillRect(0, 0, w, h);
      const drawn = drawPhysical(g, scene, { w, h });
      last = { physical: drawn };
      return { neededHeight: drawn.neededHeight };
    }
    const pages = sim.pagesPerSpace;
    const hw = sim.swapHighWater();
    const swapShown = config.swap_slots === 0 ? 0
      : Math.min(config.swap_slots, Math.max(16, Math.min(4096, Math.ceil((hw + 8) / 8) * 8)));
    const plans = planStrips(sim, processes, pages, stripCapacity(w).maxCells);
    const fill = Boolean(canvas.closest('body.embed'));
    // The TLB and the mapped files, under the swap grid (side.js).
    const side = planSide({
      tlbCapacity: config.tlb_entries, tlbShape: config.tlb_entries ? sim.tlbShape : undefined, asid: config.asid,
      tlb: config.tlb_entries ? sim.tlbEntries() : [], files: sim.files(32), pageSize: config.page_size,
    }, sideWidth(w));
    let lay = computeLayout({ width: w, height: h, processes, plans, frames: config.frames, frameView, swapShown, sideH: side.height, fill });
    if (fill && lay.side.y + side.height > h) {
      // A fixed box (an embed) with no room for them: the picture keeps its grids.
      side.panels = [];
      side.height = 0;
      lay = computeLayout({ width: w, height: h, processes, plans, frames: config.frames, frameView, swapShown, sideH: 0, fill });
    }
    g.ctx.fillStyle = g.palette.bg;
    g.ctx.fillRect(0, 0, w, h);

    // --- read the views
    const alive = new Map(processes.map((p) => [p.pid, p.alive]));
    const hugePages = sim.hugePages;
    const strips = lay.strips.map((s) => ({ ...s, hugePages, words: readCells(sim, s, alive.get(s.pid)) }));
    const fg = lay.frames;
    const frames = fg.perCell === 1 ? sim.viewFrames(fg.first, fg.count) : new Uint32Array(0);
    const blocks = fg.perCell > 1 ? sim.viewFrameBlocks(fg.first, fg.perCell, fg.count) : new Uint32Array(0);
    const slots = swapShown ? sim.viewSwap(0, swapShown) : new Uint32Array(0);
    const names = ownerNames(scene);
    // Pages a shared-memory object holds while no process maps them: in a neutral colour.
    g.palette.owners = new Map((scene.objects ?? []).map((o) => [o.owner, g.palette.muted]));
    const hl = scene.highlight;

    const lineEnds = drawLines(g, strips, lay, hl);

    // --- titles
    g.title('Virtual address spaces' + (processes.length ? ` · ${sim.spaceWords}` : ' — no processes yet'), lay.pad, lay.spacesTitleY, w - 2 * lay.pad);
    const n = (k) => k.toLocaleString('en');
    const zoomedFrames = fg.first > 0 || fg.count * fg.perCell < config.frames;
    const shown = zoomedFrames ? ` · frames ${n(fg.first)}–${n(Math.min(config.frames, fg.first + fg.count * fg.perCell) - 1)}` : '';
    g.title(`Physical memory · ${n(config.frames)} frame${config.frames === 1 ? '' : 's'} of ${humanBytes(config.page_size)}`
      + shown + (fg.perCell > 1 ? `, ${fg.perCell} a cell` : '')
      + (policyOf(config.policy)?.hand ? ' · ▼ clock hand' : ''), fg.x, fg.titleY, fg.w);
    if (swapShown) {
      const more = config.swap_slots > swapShown ? ` (first ${swapShown} shown)` : '';
      g.title(`Swap · ${config.swap_slots.toLocaleString('en')} slots${more}`, lay.swap.x, lay.swap.titleY, lay.swap.w);
    } else {
      g.font(11); g.ctx.fillStyle = g.palette.muted; g.ctx.textAlign = 'right';
      g.ctx.fillText('no swap', w - lay.pad, fg.titleY + 1);
    }

    // --- address-space strips
    for (const s of strips) drawStrip(g, s, processes.find((p) => p.pid === s.pid), pages, lay.pad);
    drawPageNumbers(g, strips[strips.length - 1], config.page_size);

    // --- frames
    if (fg.perCell > 1) drawHeatMap(g, fg, blocks, config.frames);
    else if (fg.size < 12) drawFramesCompact(g, fg, frames);
    else {
      // Behind the frames: between rows only the gaps show the links.
      if (config.tables_in_ram) drawTableLinks(g, fg, sim.pageTables());
      drawFrames(g, fg, frames, names, config);
      drawHugeRuns(g, fg, frames);
    }
    if (fg.stateH && fg.perCell === 1 && !scene.orderHidden) drawPolicyState(g, fg, frames, sim.policyOrder(fg.count), names, config);

    // --- swap slots
    drawSwap(g, lay.swap, slots, names);
    drawLineEnds(g, lineEnds);

    // --- the TLB and the mapped files
    const regions = new Map(processes.map((p) => [p.pid, p.regions ?? []]));
    const panels = drawSide(g, side, lay.side, { names, hl, regions, frameRect: (f) => frameAnchor(lay, f), maxY: h - 9 });

    // --- the step that just happened
    if (hl) drawHighlight(g, hl, strips, lay, scene.pulse ?? 0);
    // Labels of shared and file regions last, so an outline passes behind them.
    for (const s of strips) drawObjectLabels(g, s, processes.find((p) => p.pid === s.pid), config.page_size);

    // Who maps a frame or slot, for the tooltips (the simulator may be gone by the time one asks).
    const mappers = (kind, n) => {
      try { return sim.mappers(kind, n); } catch { return []; }
    };
    last = { lay, strips, frames, blocks, slots, config, names, processes, pages, mappers, panels };
    return { neededHeight: lay.neededHeight };
  }

  /** What is under the pointer, as text for the tooltip (or null). */
  function describeAt(x, y) {
    if (!last) return null;
    if (last.physical) return describePhysical(last.physical, x, y);
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
    if (!last || last.physical) return false;
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
    if (!last || last.physical) return false;
    const hit = stripHit(last.lay, x, y);
    if (!hit?.overview || !windows.has(hit.strip.pid)) return false;
    windows.delete(hit.strip.pid);
    return true;
  }

  /** Paints one legend icon (a page cell, or a frame mark) on a small canvas. */
  function paintIcon(target, kind) {
    const saved = g.ctx;
    const dpr = window.devicePixelRatio || 1;
    target.width = 18 * dpr;
    target.height = 18 * dpr;
    g.ctx = target.getContext('2d');
    g.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const c = g.palette.procs[0];
    const icons = {
      guard: () => g.drawPage(1, 1, 16, 16, S.Guard, 0, c, ''),
      unmapped: () => g.drawPage(1, 1, 16, 16, S.Unmapped, 0, c, ''),
      reserved: () => g.drawPage(1, 1, 16, 16, S.Reserved, 0, c, ''),
      code: () => g.drawPage(1, 1, 16, 16, S.Code, 0, c, ''),
      resident: () => g.drawPage(1, 1, 16, 16, S.Resident, 0, c, ''),
      swapped: () => g.drawPage(1, 1, 16, 16, S.Swapped, 0, c, ''),
      dirty: () => g.drawPage(1, 1, 16, 16, S.Resident, F.DIRTY, c, ''),
      referenced: () => g.drawPage(1, 1, 16, 16, S.Resident, F.REFERENCED, c, ''),
      shared: () => g.drawPage(1, 1, 16, 16, S.Resident, F.SHARED, c, ''),
      cow: () => g.drawPage(1, 1, 16, 16, S.Resident, F.COW, c, ''),
      table: () => {
        g.ctx.fillStyle = g.palette.table; g.roundRect(1, 1, 16, 16, 3); g.ctx.fill();
        g.ctx.fillStyle = c; g.ctx.fillRect(1, 4, 3, 10);
      },
      hand: () => {
        g.ctx.fillStyle = g.palette.text;
        g.ctx.beginPath(); g.ctx.moveTo(4, 3); g.ctx.lineTo(14, 3); g.ctx.lineTo(9, 10); g.ctx.closePath(); g.ctx.fill();
        g.ctx.strokeStyle = g.palette.cellLine; g.ctx.strokeRect(3.5, 11.5, 11, 6);
      },
    };
    icons[kind]?.();
    g.ctx = saved;
  }

  /**
   * Where something was drawn (CSS pixels): `{page: {pid, vpn}}`, `{frame: n}`, `{slot: n}`, the
   * first collapsed gap of a strip `{gap: pid}` or its overview bar `{overview: pid}`, a TLB
   * entry `{tlbEntry: i}`, a mapped file's page `{file: {name, page}}`.
   * Used by hover and by the browser tests that read pixels.
   */
  function locate(what) {
    if (!last) return null;
    if (last.physical) {
      const d = last.physical;
      return what.frame != null && what.frame < d.frames
        ? { x: 12 + what.frame * d.cellW, y: d.barY, w: d.cellW, h: 46 } : null;
    }
    if (what.page) return pageRect(g, last.strips, what.page.pid, what.page.vpn);
    if (what.tlbEntry != null || what.file) return locateSide(last.lay.side, last.panels, what);
    if (what.policyState) {
      const f = last.lay.frames;
      return f.stateH ? { x: f.x, y: f.stateY, w: f.w, h: f.stateH } : null;
    }
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

  return {
    draw, snapshot, svg, describeAt, zoomAt, clickAt, resetZoom, paintIcon, locate,
    /** What the last drawing put where: `[{kind, x, y, w, h}]` (arrows: `{kind, points}`). */
    marks: () => g.marks,
    themeChanged: () => g.themeChanged(),
    get palette() { return g.palette; },
  };
}
