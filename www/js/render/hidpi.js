// Sizing a canvas's backing store to its CSS size × devicePixelRatio, so lines and text are crisp.

/** Returns the 2D context (scaled to CSS pixels) and the CSS size. */
export function prepareCanvas(canvas, fallbackWidth = 320, fallbackHeight = 120) {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth || fallbackWidth;
  const h = canvas.clientHeight || fallbackHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, w, h };
}
