// Sizing a canvas's backing store to its CSS size × devicePixelRatio, so lines and text are crisp.
// CSS sizes come from a ResizeObserver (read once when a canvas is first drawn), so drawing never
// forces the browser to lay out the page in the middle of an update.

const sizes = new WeakMap();
const observer = new ResizeObserver((entries) => {
  for (const e of entries) sizes.set(e.target, { w: e.contentRect.width, h: e.contentRect.height });
});

/** The canvas's CSS size as last laid out. */
export function cssSize(canvas) {
  let size = sizes.get(canvas);
  if (!size) {
    size = { w: canvas.clientWidth, h: canvas.clientHeight };
    sizes.set(canvas, size);
    observer.observe(canvas);
  }
  return size;
}

/** Returns the 2D context (scaled to CSS pixels) and the CSS size. */
export function prepareCanvas(canvas, fallbackWidth = 320, fallbackHeight = 120) {
  const dpr = window.devicePixelRatio || 1;
  const size = cssSize(canvas);
  const w = size.w || fallbackWidth;
  const h = size.h || fallbackHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}
