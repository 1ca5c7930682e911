// Hover and zoom on the canvas: the tooltip names what is under the pointer (and follows a zoom);
// the wheel, double-click and right-click zoom; a click on an overview bar fits its strip again.

/** Wires `canvas`; `draw()` redraws the picture. */
export function wireCanvas(canvas, tooltip, renderer, draw) {
  let pointer = null; // where the mouse is over the canvas, to refresh the tooltip after a zoom

  function showTooltip() {
    const text = pointer && renderer.describeAt(pointer.x, pointer.y);
    if (!text) {
      tooltip.hidden = true;
      return;
    }
    tooltip.textContent = text;
    tooltip.hidden = false;
    const box = canvas.parentElement.getBoundingClientRect();
    const r = canvas.getBoundingClientRect();
    const cx = pointer.x + r.left - box.left, cy = pointer.y + r.top - box.top;
    const x = Math.min(cx + 14, box.width - tooltip.offsetWidth - 6);
    const y = cy + 16 + tooltip.offsetHeight > box.height ? cy - tooltip.offsetHeight - 10 : cy + 16;
    tooltip.style.left = `${Math.max(4, x)}px`;
    tooltip.style.top = `${Math.max(4, y)}px`;
  }

  canvas.addEventListener('mousemove', (e) => {
    const r = canvas.getBoundingClientRect();
    pointer = { x: e.clientX - r.left, y: e.clientY - r.top };
    showTooltip();
  });
  canvas.addEventListener('mouseleave', () => {
    pointer = null;
    tooltip.hidden = true;
  });

  /** Redraws after a zoom, and says what is now under the pointer. */
  function zoomed() {
    draw();
    if (pointer) showTooltip();
  }
  canvas.addEventListener('wheel', (e) => {
    const r = canvas.getBoundingClientRect();
    if (renderer.zoomAt(e.clientX - r.left, e.clientY - r.top, e.deltaY < 0 ? 0.5 : 2)) {
      e.preventDefault();
      zoomed();
    }
  }, { passive: false });
  canvas.addEventListener('click', (e) => {
    const r = canvas.getBoundingClientRect();
    if (renderer.clickAt(e.clientX - r.left, e.clientY - r.top)) zoomed();
  });
  canvas.addEventListener('dblclick', (e) => {
    const r = canvas.getBoundingClientRect();
    if (renderer.zoomAt(e.clientX - r.left, e.clientY - r.top, 1 / 8)) zoomed();
  });
  canvas.addEventListener('contextmenu', (e) => {
    const r = canvas.getBoundingClientRect();
    if (renderer.zoomAt(e.clientX - r.left, e.clientY - r.top, 8)) {
      e.preventDefault();
      zoomed();
    }
  });
  new ResizeObserver(() => draw()).observe(canvas);
}
