// Grids of thousands of small cells (the frames' heat map, compact swap) painted as pixels into
// one image: the cost follows the grid's area, not its cell count. As paths, 2,000 hatched swap
// slots and 1,000 heat-map blocks cost the software rasteriser over 10 ms a frame.

const RGBA_CACHE = new Map();

/** `#rrggbb` with an alpha (0 … 1) as one little-endian RGBA word of an ImageData. */
export function rgba(hex, alpha = 1) {
  const key = hex + alpha;
  let word = RGBA_CACHE.get(key);
  if (word === undefined) {
    const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(hex);
    const [r, g, b] = m ? m.slice(1).map((x) => parseInt(x, 16)) : [128, 128, 128];
    word = ((Math.round(alpha * 255) << 24) | (b << 16) | (g << 8) | r) >>> 0;
    RGBA_CACHE.set(key, word);
  }
  return word;
}

let scratch = null; // a canvas the image is put into, to be drawn with the context's transform
const images = new Map(); // "width×height" → an ImageData reused from frame to frame (no garbage)

/**
 * Paints `count` cells of `grid` (layout.js) at the context's scale. `cell(i, out)` describes
 * cell i in `out`: `fill`, `border` (0: none), `stripe` (0: none; diagonal hatching), `top` and
 * `bottom` (bars along the edges: colour, and share of the width in `topShare`, `bottomShare`),
 * `stripeWidth` (pixels of every 4 along a diagonal).
 * Colours are `rgba()` words; a zero word leaves the pixel transparent.
 */
export function paintCells(ctx, grid, count, cell) {
  if (!count || !grid.size) return;
  const scale = ctx.getTransform().a || 1;
  const rows = Math.ceil(count / grid.cols);
  const width = Math.ceil(grid.cols * grid.size * scale), height = Math.ceil(rows * grid.size * scale);
  if (!scratch) scratch = document.createElement('canvas');
  if (scratch.width < width || scratch.height < height) {
    scratch.width = Math.max(scratch.width, width);
    scratch.height = Math.max(scratch.height, height);
  }
  const key = `${width}×${height}`;
  let image = images.get(key);
  if (!image) {
    if (images.size > 8) images.clear();
    image = new ImageData(width, height);
    images.set(key, image);
  }
  const px = new Uint32Array(image.data.buffer);
  px.fill(0);
  const out = { fill: 0, border: 0, stripe: 0, stripeWidth: 1, top: 0, topShare: 0, bottom: 0, bottomShare: 0 };
  const inner = grid.size - grid.gap;
  const bar = Math.max(1, Math.floor((inner * scale) / 6));
  for (let i = 0; i < count; i++) {
    out.fill = out.border = out.stripe = out.top = out.bottom = 0;
    cell(i, out);
    const col = i % grid.cols, row = (i - col) / grid.cols;
    const x0 = Math.round(col * grid.size * scale), x1 = Math.round((col * grid.size + inner) * scale);
    const y0 = Math.round(row * grid.size * scale), y1 = Math.round((row * grid.size + inner) * scale);
    const topEnd = x0 + Math.max(1, Math.round((x1 - x0) * out.topShare));
    const bottomEnd = x0 + Math.max(1, Math.round((x1 - x0) * out.bottomShare));
    for (let y = y0; y < y1; y++) {
      const line = y * width;
      const edgeRow = y === y0 || y === y1 - 1;
      const topRow = out.top && y < y0 + bar, bottomRow = out.bottom && y >= y1 - bar;
      for (let x = x0; x < x1; x++) {
        let c = out.fill;
        if (out.border && (edgeRow || x === x0 || x === x1 - 1)) c = out.border;
        else if (topRow && x < topEnd) c = out.top;
        else if (bottomRow && x < bottomEnd) c = out.bottom;
        else if (out.stripe && (x + y) % 4 < out.stripeWidth) c = out.stripe;
        px[line + x] = c;
      }
    }
  }
  const sctx = scratch.getContext('2d');
  sctx.clearRect(0, 0, width, height);
  sctx.putImageData(image, 0, 0);
  ctx.drawImage(scratch, 0, 0, width, height, grid.x, grid.y, width / scale, height / scale);
}
