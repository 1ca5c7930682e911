// Geometry of the picture: where each process strip, the frame grid and the swap grid go.
// Pure functions of sizes and counts, so they are easy to reason about and to hit-test.

export const MAX_STRIP_CELLS = 128;
export const MIN_CELL = 6;
const PAD = 12;
const TITLE = 18;

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

/** The default window on an address space of `pages` pages: all of it, summarised if needed. */
export function defaultWindow(pages, maxCells) {
  if (pages <= maxCells) return { first: 0, ppc: 1 };
  let ppc = 1;
  while (pages / ppc > maxCells) ppc *= 2;
  return { first: 0, ppc };
}

/** Keeps a window inside the space and at least one page per cell. */
export function clampWindow(win, pages, maxCells) {
  let ppc = Math.max(1, Math.min(win.ppc, defaultWindow(pages, maxCells).ppc));
  const span = ppc * maxCells;
  let first = Math.max(0, Math.min(win.first, Math.max(0, pages - span)));
  first = Math.floor(first / ppc) * ppc;
  return { first, ppc };
}

/**
 * @param {object} p
 * @param {number} p.width, p.height   CSS pixels
 * @param {Array<{pid:number,name:string}>} p.processes
 * @param {number} p.pagesPerSpace
 * @param {number} p.frames
 * @param {number} p.swapShown          swap slots to draw
 * @param {Map<number,{first:number,ppc:number}>} p.windows   zoom state per process
 */
export function computeLayout({ width, height, processes, pagesPerSpace, frames, swapShown, windows }) {
  const labelW = Math.round(Math.max(46, Math.min(96, width * 0.11)));
  const stripW = width - PAD * 2 - labelW;
  const maxCells = Math.max(4, Math.min(MAX_STRIP_CELLS, Math.floor(stripW / MIN_CELL)));
  const rows = Math.max(1, processes.length);
  const wantRow = 44;
  const axis = 14;
  const topWanted = TITLE + rows * (wantRow + 8) + axis;
  const topH = Math.min(topWanted, height * 0.5);
  const rowPitch = Math.max(10, Math.min(wantRow + 8, (topH - TITLE - axis) / rows));
  const rowH = Math.max(8, rowPitch - Math.min(8, rowPitch * 0.2));
  const strips = processes.map((proc, i) => {
    const win = clampWindow(windows.get(proc.pid) ?? defaultWindow(pagesPerSpace, maxCells), pagesPerSpace, maxCells);
    const cells = Math.max(1, Math.min(maxCells, Math.ceil((pagesPerSpace - win.first) / win.ppc)));
    const cellW = Math.min(56, stripW / cells);
    return {
      pid: proc.pid,
      name: proc.name,
      x: PAD + labelW,
      y: PAD + TITLE + i * rowPitch,
      h: rowH,
      cellW,
      cells,
      first: win.first,
      ppc: win.ppc,
      zoomed: win.first !== 0 || win.ppc !== defaultWindow(pagesPerSpace, maxCells).ppc,
    };
  });
  const lineTop = PAD + topH;
  const lineBand = Math.max(26, Math.min(70, height * 0.09));
  const bottomY = lineTop + lineBand;
  const bottomH = Math.max(40, height - bottomY - PAD);
  const hasSwap = swapShown > 0;
  const framesW = hasSwap ? (width - PAD * 3) * 0.6 : width - PAD * 2;
  const swapW = hasSwap ? width - PAD * 3 - framesW : 0;
  const gridH = bottomH - TITLE;
  // Thousands of frames: below 3 px a cell stands for several frames (summarised).
  const capacity = Math.max(1, Math.floor(framesW / 3) * Math.floor(gridH / 3));
  const framesPerCell = frames > capacity ? Math.ceil(frames / capacity) : 1;
  const fg = fitGrid(Math.ceil(frames / framesPerCell), framesW, gridH, 72);
  const sg = hasSwap ? fitGrid(swapShown, swapW, gridH, 44) : { size: 0, cols: 0, rows: 0, gap: 0 };
  // The height the picture needs: the page can shrink the canvas to it instead of leaving a gap.
  const gridsBottom = bottomY + TITLE + Math.max(fg.rows * fg.size, sg.rows * sg.size);
  return {
    width,
    height,
    pad: PAD,
    title: TITLE,
    labelW,
    maxCells,
    spacesTitleY: PAD,
    strips,
    lineTop,
    lineBottom: bottomY,
    frames: {
      x: PAD, y: bottomY + TITLE, w: framesW, h: gridH, titleY: bottomY,
      count: Math.ceil(frames / framesPerCell), perCell: framesPerCell, ...fg,
    },
    swap: { x: PAD * 2 + framesW, y: bottomY + TITLE, w: swapW, h: gridH, titleY: bottomY, count: swapShown, ...sg },
    neededHeight: Math.ceil(gridsBottom + PAD + 40), // room under the grids for swap arrows
  };
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

/** Which strip and cell is at (x, y), or null. */
export function stripHit(layout, x, y) {
  for (const s of layout.strips) {
    if (y >= s.y && y < s.y + s.h) {
      if (x < s.x) return { strip: s, cell: -1 };
      const cell = Math.floor((x - s.x) / s.cellW);
      return cell >= 0 && cell < s.cells ? { strip: s, cell } : { strip: s, cell: -1 };
    }
  }
  return null;
}
