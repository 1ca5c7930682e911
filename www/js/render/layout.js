// Geometry of the picture: which pages each address-space strip shows and where, the frame grid
// (frames one by one, or a heat map of blocks), the swap grid. Pure functions of sizes, counts and
// the ranges in use, so they are easy to reason about and to hit-test.

export const MAX_STRIP_CELLS = 128;
export const MIN_CELL = 6;
/** Ranges an address space is fitted to (the engine joins the closest beyond this many). */
export const MAX_RANGES = 6;
/** Ranges in use closer than this many pages are shown as one (no gap marker for a small hole). */
export const JOIN_PAGES = 16;
/** Height of the overview bar above a strip that shows only part of its space. */
export const OVERVIEW_H = 4;
/** Smallest cell of one frame, and of a heat-map block. */
const MIN_FRAME = 5;
const MIN_BLOCK = 10;
const PAD = 12;
const TITLE = 18;
/** Room under the grids for the swap-in and swap-out arrows and their labels. */
const ARROW_BAND = 46;

/** The largest square cell size that fits `n` cells into `w` × `h`, with its grid. */
export function fitGrid(n, w, h, maxSize = 60) {
  if (n <= 0 || w <= 0 || h <= 0) return { size: 0, cols: 0, rows: 0, gap: 0 };
  let lo = 1, hi = Math.max(1, Math.floor(Math.min(maxSize, w, h)));
  while (lo < hi) {
    const s = Math.ceil((lo + hi + 1) / 2);
    const cols = Math.floor(w / s);
    if (cols > 0 && Math.ceil(n / cols) * s <= h) lo = s; else hi = s - 1;
  }
  const size = lo;
  const cols = Math.max(1, Math.min(n, Math.floor(w / size)));
  return { size, cols, rows: Math.ceil(n / cols), gap: size >= 14 ? 3 : size >= 7 ? 1 : 0 };
}

/**
 * The fewest pages a cell may hold: 1, or in a space of more than 2^53 pages (64 bits with pages
 * under 2 KiB) 2^(page bits − 53), so every cell's first page is a number JavaScript holds exactly
 * and `p += ppc` always moves (the engine widens its ranges to the same grain: README, *64-bit
 * address spaces*).
 */
export function pageGrain(pages) {
  return Math.max(1, pages / 2 ** 53);
}

/** The window on a whole address space of `pages` pages, summarised if needed. */
export function defaultWindow(pages, maxCells) {
  if (pages <= maxCells) return { first: 0, ppc: 1 };
  let ppc = pageGrain(pages);
  while (pages / ppc > maxCells) ppc *= 2;
  return { first: 0, ppc };
}

/** Keeps a window inside the space and at least one page per cell. */
export function clampWindow(win, pages, maxCells) {
  const ppc = Math.max(pageGrain(pages), Math.min(win.ppc, defaultWindow(pages, maxCells).ppc));
  const span = ppc * maxCells;
  let first = Math.max(0, Math.min(win.first, Math.max(0, pages - span)));
  first = Math.floor(first / ppc) * ppc;
  return { first, ppc };
}

/** Cells of a strip at most this wide fit the label area beside it. */
export function stripCapacity(width) {
  const labelW = Math.round(Math.max(46, Math.min(96, width * 0.11)));
  const stripW = width - PAD * 2 - labelW;
  return { labelW, stripW, maxCells: Math.max(4, Math.min(MAX_STRIP_CELLS, Math.floor(stripW / MIN_CELL))) };
}

/**
 * The cells of one strip: `{ppc, starts, gaps, whole}`. `starts[c]` is the first page of cell c,
 * or -1 for a gap cell standing for the unused pages `gaps.get(c)` = [from, to). `whole` is true
 * when the strip shows its whole space page by page (no overview needed).
 *
 * With a window `{first, ppc}` (the user zoomed) the cells run on from `first`. Without one the
 * strip fits the ranges in use: the smallest power-of-two pages per cell at which the ranges
 * (aligned to whole cells) and one gap cell between each two fit in `maxCells`.
 */
export function planStrip({ pages, maxCells, ranges, window }) {
  const whole = defaultWindow(pages, maxCells);
  if (window || pages <= maxCells || !ranges.length) {
    const { first, ppc } = clampWindow(window ?? whole, pages, maxCells);
    const cells = Math.max(1, Math.min(maxCells, Math.ceil((pages - first) / ppc)));
    const starts = new Float64Array(cells);
    for (let c = 0; c < cells; c++) starts[c] = first + c * ppc;
    return { ppc, starts, gaps: new Map(), whole: pages <= maxCells, window: { first, ppc } };
  }
  for (let ppc = pageGrain(pages); ; ppc *= 2) {
    const segments = [];
    for (const [a, b] of ranges) {
      const lo = Math.floor(a / ppc) * ppc, hi = Math.min(pages, Math.ceil(b / ppc) * ppc);
      const last = segments[segments.length - 1];
      if (last && lo <= last[1]) last[1] = Math.max(last[1], hi);
      else segments.push([lo, hi]);
    }
    let cells = 0;
    for (let i = 0; i < segments.length; i++) {
      const [lo, hi] = segments[i];
      if (lo > (i ? segments[i - 1][1] : 0)) cells++; // the gap before
      cells += Math.ceil((hi - lo) / ppc);
    }
    if (segments[segments.length - 1][1] < pages) cells++; // the gap after
    if (cells <= maxCells || ppc >= whole.ppc) {
      if (cells > maxCells) return planStrip({ pages, maxCells, ranges: [], window: null });
      const starts = new Float64Array(cells);
      const gaps = new Map();
      let c = 0, end = 0;
      for (const [lo, hi] of segments) {
        if (lo > end) {
          gaps.set(c, [end, lo]);
          starts[c++] = -1;
        }
        for (let p = lo; p < hi; p += ppc) starts[c++] = p;
        end = hi;
      }
      if (end < pages) {
        gaps.set(c, [end, pages]);
        starts[c++] = -1;
      }
      return { ppc, starts, gaps, whole: false, window: null };
    }
  }
}

/** The cell of a strip's plan holding page `vpn`, or -1 (at most 128 cells: a scan is enough). */
export function cellOfPage(plan, vpn) {
  const { starts, ppc } = plan;
  for (let c = 0; c < starts.length; c++) {
    if (starts[c] >= 0 && vpn >= starts[c] && vpn < starts[c] + ppc) return c;
  }
  return -1;
}

/** Machines of at most this many frames show the policy's state under them, in a row this high. */
export const STATE_MAX_FRAMES = 64;
const STATE_H = 38;

/**
 * Which frames the grid shows and how: one by one from `first`, or (`perCell` > 1) as a heat map
 * of blocks. Without a zoom (`view` null) all frames: one by one while cells stay at least 5 px,
 * else in power-of-two blocks of at least 10 px. A zoom `{centre, perCell}` shows what fits around
 * frame `centre` at that many frames a cell.
 */
export function planFrames(frames, w, h, view) {
  const fits = (perCell) => fitGrid(Math.ceil(frames / perCell), w, h, 72).size >= (perCell > 1 ? MIN_BLOCK : MIN_FRAME);
  let full = 1;
  if (!fits(1)) {
    full = 2;
    while (full < frames && !fits(full)) full *= 2;
  }
  if (!view || view.perCell >= full) return { first: 0, perCell: full, count: Math.ceil(frames / full), full };
  const perCell = Math.max(1, view.perCell);
  const min = perCell > 1 ? MIN_BLOCK : MIN_FRAME;
  const capacity = Math.max(1, Math.floor(w / min) * Math.floor(h / min));
  const span = capacity * perCell;
  let first = Math.max(0, Math.min(Math.round(view.centre - span / 2), frames - span));
  first = Math.floor(first / perCell) * perCell;
  return { first, perCell, count: Math.min(capacity, Math.ceil((frames - first) / perCell)), full };
}

/**
 * @param {object} p
 * @param {number} p.width, p.height   CSS pixels
 * @param {Array<{pid:number,name:string}>} p.processes
 * @param {Map<number, object>} p.plans   each process's strip plan (planStrip)
 * @param {number} p.frames
 * @param {object|null} p.frameView     the frame grid's zoom (planFrames)
 * @param {number} p.swapShown          swap slots to draw
 * @param {number} p.sideH              height of the panels under the swap grid (TLB, files: side.js)
 */
export function computeLayout({ width, height, processes, plans, frames, frameView, swapShown, sideH = 0, fill = false }) {
  const { labelW, stripW, maxCells } = stripCapacity(width);
  const rows = Math.max(1, processes.length);
  // `fill`: the picture fills a fixed box (an embed) instead of sizing the canvas to itself, so
  // rows and cells may grow into the room there is.
  const wantRow = fill ? Math.max(44, Math.min(80, (height * 0.4) / rows - 8)) : 44;
  const axis = 14;
  // Regions mapping shared memory or a file get a labelled bracket above their cells: a wider
  // gap between rows, and room under the heading for the first row's labels.
  const wantsLabels = processes.some((p) => p.regions?.some((r) => r.object && !r.code));
  const labelTop = wantsLabels ? 8 : 0;
  const topWanted = TITLE + labelTop + rows * (wantRow + 8) + axis;
  const topH = Math.min(topWanted, height * (height < 300 ? 0.42 : 0.5));
  const rowPitch = Math.max(10, Math.min(wantRow + 8, (topH - TITLE - axis - labelTop) / rows));
  const labelled = wantsLabels && rowPitch >= 40;
  const rowH = Math.max(8, rowPitch - (labelled ? 15 : Math.min(8, rowPitch * 0.2)));
  const strips = processes.map((proc, i) => {
    const plan = plans.get(proc.pid);
    const cells = plan.starts.length;
    const cellW = Math.min(56, stripW / cells);
    const y = PAD + TITLE + (labelled ? labelTop : 0) + i * rowPitch;
    // A strip that shows part of its space gives its top rows to the overview bar.
    const bar = !plan.whole && rowH >= 20 ? OVERVIEW_H + 2 : 0;
    return {
      pid: proc.pid,
      name: proc.name,
      x: PAD + labelW,
      y: y + bar,
      h: rowH - bar,
      rowY: y,
      rowH,
      cellW,
      cells,
      ppc: plan.ppc,
      plan,
      overview: bar ? { x: PAD + labelW, y, w: stripW, h: OVERVIEW_H } : null,
    };
  });
  const lineTop = PAD + topH;
  // The band the page-to-frame lines cross: narrower in a small embed, so the frames still fit.
  const lineBand = Math.max(Math.min(26, height * 0.08), Math.min(70, height * 0.09));
  const bottomY = lineTop + lineBand;
  const bottomH = Math.max(40, height - bottomY - PAD);
  const hasSwap = swapShown > 0;
  // The right column: the swap grid, then the panels under it.
  const hasColumn = hasSwap || sideH > 0;
  const framesW = hasColumn ? (width - PAD * 3) * 0.6 : width - PAD * 2;
  const swapW = hasColumn ? sideWidth(width) : 0;
  // A small machine gets a row under its frames for the policy's state (its order and values),
  // when there is room for it beside frames of a readable size.
  const stateH = frames <= STATE_MAX_FRAMES && bottomH - TITLE >= 3 * STATE_H ? STATE_H : 0;
  const gridH = bottomH - TITLE - stateH;
  const fp = planFrames(frames, framesW, gridH, frameView);
  const [frameMax, slotMax] = fill ? [Math.max(72, Math.min(160, gridH / 2)), Math.max(44, Math.min(88, gridH / 3))] : [72, 44];
  const fg = fitGrid(fp.count, framesW, gridH, frameMax);
  const sg = hasSwap ? fitGrid(swapShown, swapW, Math.max(20, gridH - sideH), slotMax) : { size: 0, cols: 0, rows: 0, gap: 0 };
  // The panels start under the band the swap arrows run in, below both grids (or under the
  // column's "no swap" line): an arrow never crosses them.
  const gridsEnd = bottomY + TITLE + Math.max(fg.rows * fg.size + stateH, sg.rows * sg.size);
  const sideY = hasSwap ? gridsEnd + ARROW_BAND : bottomY + TITLE;
  // The height the picture needs: the page can shrink the canvas to it instead of leaving a gap.
  // Measured without the frame grid's zoom, so zooming never resizes the canvas under the pointer.
  const whole = frameView ? fitGrid(fp.count && Math.ceil(frames / fp.full), framesW, gridH, frameMax) : fg;
  const gridsBottom = bottomY + TITLE + Math.max(whole.rows * whole.size + stateH, sg.rows * sg.size);
  return {
    width,
    height,
    pad: PAD,
    title: TITLE,
    labelW,
    stripW,
    maxCells,
    spacesTitleY: PAD,
    strips,
    lineTop,
    lineBottom: bottomY,
    frames: { x: PAD, y: bottomY + TITLE, w: framesW, h: gridH, titleY: bottomY, stateY: bottomY + TITLE + fg.rows * fg.size + 4, stateH, ...fp, ...fg },
    swap: { x: PAD * 2 + framesW, y: bottomY + TITLE, w: swapW, h: gridH, titleY: bottomY, count: swapShown, ...sg },
    side: { x: PAD * 2 + framesW, y: sideY, w: swapW, h: sideH },
    neededHeight: Math.ceil(Math.max(gridsBottom + ARROW_BAND - 6, sideY + sideH) + PAD), // room under the grids for swap arrows
  };
}

/** The width of the right column (swap, TLB, files) in a picture `width` wide. */
export function sideWidth(width) {
  return (width - PAD * 3) * 0.4;
}

/** The rectangle of cell `i` in a grid laid out by `fitGrid`. */
export function gridCell(grid, i) {
  const col = i % grid.cols;
  const row = Math.floor(i / grid.cols);
  return { x: grid.x + col * grid.size, y: grid.y + row * grid.size, s: grid.size - grid.gap };
}

/** Which cell of a grid is at (x, y), or -1. */
export function gridHit(grid, x, y) {
  if (!grid.size) return -1;
  const col = Math.floor((x - grid.x) / grid.size);
  const row = Math.floor((y - grid.y) / grid.size);
  if (col < 0 || col >= grid.cols || row < 0) return -1;
  const i = row * grid.cols + col;
  return i < grid.count ? i : -1;
}

/** The frame grid's cell showing frame `f`, or -1 if it is not in view. */
export function cellOfFrame(grid, f) {
  if (f == null || f < grid.first) return -1;
  const i = Math.floor((f - grid.first) / grid.perCell);
  return i < grid.count && grid.size ? i : -1;
}

/** Which strip (and cell, -1 for its label; or its overview bar) is at (x, y), or null. */
export function stripHit(layout, x, y) {
  for (const s of layout.strips) {
    if (y >= s.rowY && y < s.rowY + s.rowH) {
      if (s.overview && y < s.y) return { strip: s, cell: -1, overview: x >= s.x };
      if (x < s.x) return { strip: s, cell: -1 };
      const cell = Math.floor((x - s.x) / s.cellW);
      return cell >= 0 && cell < s.cells ? { strip: s, cell } : { strip: s, cell: -1 };
    }
  }
  return null;
}
