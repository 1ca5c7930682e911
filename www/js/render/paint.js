// What the renderer's parts share: the 2D context and palette, the engine's codes, the view
// decoder, and the low-level drawing of one page cell, its marks, gaps, titles and labels.

import { readPalette, textOn, withAlpha, pageTag, processTag } from './palette.js';

/** The painter for `canvas`; `V` is the view decoder, `tips` the tooltip words (for values). */
export function createPainter(canvas, engine, V, tips) {
  const { states: S, layout: L } = engine;
  const F = L.flags;
  let ctx = canvas.getContext('2d');
  let palette = readPalette();
  let hatches = new WeakMap(); // context → colour → pattern (a pattern belongs to its context)
  // What was drawn where, by kind (heading, chip, label, arrow, arrow-label): the picture's
  // geometry, for the tests that check nothing crosses a heading, a chip or a label.
  let marks = [];
  const mark = (kind, box) => marks.push({ kind, ...box });

  function hatch(colour, dense = false) {
    const key = colour + (dense ? 'd' : '');
    if (!hatches.has(ctx)) hatches.set(ctx, new Map());
    const cache = hatches.get(ctx);
    if (!cache.has(key)) {
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
      cache.set(key, ctx.createPattern(t, 'repeat'));
    }
    return cache.get(key);
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
      const mark = state === S.Resident ? textOn(colour) : colour;
      if (flags & F.DIRTY) drawDirty(x, y, w, mark);
      if (flags & F.REFERENCED && state === S.Resident) drawReferenced(x, y, w, h, mark);
      if (flags & F.SHARED) drawShared(x, y, w, mark);
      if (flags & F.COW) drawCow(x, y, w, h, mark);
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

  /** Shared (mapped by several pages, or shared memory / a file): a ring in the top-left corner. */
  function drawShared(x, y, w, colour) {
    const r = Math.max(2, Math.min(3.5, w / 9));
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1.25;
    ctx.beginPath();
    ctx.arc(x + r + 2.5, y + r + 2.5, r, 0, Math.PI * 2);
    ctx.stroke();
  }

  /** Copy-on-write: two overlapping squares ("copy") in the bottom-right corner. */
  function drawCow(x, y, w, h, colour) {
    const s = Math.max(3, Math.min(6, w / 6));
    const x0 = x + w - 2 * s - 1.5, y0 = y + h - 2 * s - 1.5;
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1;
    ctx.strokeRect(x0 + 0.5, y0 + 0.5, s, s);
    ctx.strokeRect(x0 + s / 2 + 0.5, y0 + s / 2 + 0.5, s, s);
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

  /** A heading, on a plate of the background: the page-to-frame lines pass behind it. */
  function title(text, x, y, w) {
    font(12, 600);
    const fitted = fitText(text, w);
    ctx.fillStyle = palette.bg;
    const plate = { x: x - 2, y: y - 1, w: ctx.measureText(fitted).width + 4, h: 16 };
    ctx.fillRect(plate.x, plate.y, plate.w, plate.h);
    mark('heading', plate);
    ctx.fillStyle = palette.muted;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(fitted, x, y + 1);
  }

  function drawHand(x, y, s) {
    ctx.fillStyle = palette.text;
    const m = Math.max(3, Math.min(6, s / 5));
    ctx.beginPath();
    ctx.moveTo(x + s / 2 - m, y - m - 1); ctx.lineTo(x + s / 2 + m, y - m - 1); ctx.lineTo(x + s / 2, y - 1);
    ctx.closePath(); ctx.fill();
  }

  return {
    get ctx() { return ctx; },
    /** Paints elsewhere for a while (the legend's icons). */
    set ctx(other) { ctx = other; },
    get palette() { return palette; },
    mark,
    get marks() { return marks; },
    resetMarks() { marks = []; },
    themeChanged() {
      palette = readPalette();
      hatches = new WeakMap();
    },
    S,
    F,
    NONE: L.none,
    V,
    policyOf: tips.policyOf,
    valueText: tips.valueText,
    hatch,
    /** A new path for `fill(path)` on the current context (a canvas's Path2D, or the SVG's). */
    path: () => (ctx.createPath ? ctx.createPath() : new Path2D()),
    font,
    drawPage,
    drawDirty,
    drawReferenced,
    drawShared,
    drawCow,
    roundRect,
    fitText,
    fitTag,
    drawGap,
    title,
    drawHand,
  };
}
