import { prepareCanvas } from '../render/hidpi.js';

// The comparison plot: page faults against the number of frames, one line per policy. Lines also
// differ by dash and marker, so they read without colour. Belady's anomaly shows as FIFO going up.
// Each series has its own frame counts: whole curves (a point per frame count) and samples alike.
// Wide ranges of frames or faults get log scales.

const STYLES = [
  { dash: [], marker: 'circle' },
  { dash: [6, 3], marker: 'square' },
  { dash: [2, 3], marker: 'triangle' },
  { dash: [8, 3, 2, 3], marker: 'diamond' },
];

/** `series`: [{policy, frames: [k…], faults: [f…]}], one per policy. */
export function drawComparePlot(canvas, { series, palette, current }) {
  const { ctx, w, h } = prepareCanvas(canvas, 320, 160);
  ctx.fillStyle = palette.bg;
  ctx.fillRect(0, 0, w, h);
  const all = series.flatMap((s) => s.faults);
  const max = Math.max(1, ...all);
  const min = Math.max(1, Math.min(...all.filter((v) => v > 0)));
  const maxFrames = Math.max(1, ...series.flatMap((s) => s.frames));
  // A trace's curve falls by orders of magnitude, over thousands of frame counts: then log scales
  // show the part that matters.
  const logY = max / min > 50;
  const logX = maxFrames > 64;
  ctx.font = '10px system-ui, sans-serif';
  const left = Math.max(30, ctx.measureText(max.toLocaleString()).width + 14), right = w - 70, top = 8, bottom = h - 24;
  const fx = logX ? (f) => Math.log2(f) / Math.log2(maxFrames) : (f) => (maxFrames === 1 ? 0.5 : (f - 1) / (maxFrames - 1));
  const x = (f) => left + fx(Math.max(1, f)) * (right - left);
  const y = logY
    ? (v) => bottom - (Math.log10(Math.max(1, v)) / Math.log10(max)) * (bottom - top)
    : (v) => bottom - (v / max) * (bottom - top);
  ctx.strokeStyle = palette.cellLine;
  ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, bottom); ctx.lineTo(right, bottom); ctx.stroke();
  ctx.fillStyle = palette.muted;
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  ctx.fillText(max.toLocaleString(), left - 4, top + 2);
  ctx.fillText(logY ? '1' : '0', left - 4, bottom);
  if (logY) {
    for (let p = 10; p < max / 3; p *= 10) {
      ctx.fillText(p.toLocaleString(), left - 4, y(p));
      gridLine(ctx, palette, left, y(p), right, y(p));
    }
  } else {
    // Round values between 0 and the top, with grid lines, so a point can be read off.
    const step = niceStep(max / 4);
    for (let v = step; v < max * 0.9; v += step) {
      ctx.fillText(v.toLocaleString(), left - 4, y(v));
      gridLine(ctx, palette, left, y(v), right, y(v));
    }
  }
  ctx.save(); ctx.translate(9, (top + bottom) / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = 'center';
  ctx.fillText(logY ? 'faults (log)' : 'faults', 0, 0); ctx.restore();
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  for (const f of xTicks(maxFrames, logX)) ctx.fillText(f.toLocaleString(), x(f), bottom + 3);
  ctx.fillText(logX ? 'frames (log)' : 'frames', (left + right) / 2, bottom + 13);
  if (current != null && current >= 1 && current <= maxFrames) gridLine(ctx, palette, x(current), top, x(current), bottom);
  series.forEach((s, k) => {
    const colour = palette.procs[k % palette.procs.length];
    const style = STYLES[k % STYLES.length];
    ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.lineWidth = 2; ctx.setLineDash(style.dash);
    ctx.beginPath();
    // Thousands of points: one line to each pixel column is enough.
    let lastX = -Infinity;
    s.frames.forEach((f, i) => {
      const px = x(f);
      if (i && px - lastX < 0.5 && i < s.frames.length - 1) return;
      if (i) ctx.lineTo(px, y(s.faults[i])); else ctx.moveTo(px, y(s.faults[i]));
      lastX = px;
    });
    ctx.stroke(); ctx.setLineDash([]);
    if (s.frames.length <= 32) s.frames.forEach((f, i) => marker(ctx, style.marker, x(f), y(s.faults[i])));
    const ly = top + 6 + k * 16;
    marker(ctx, style.marker, right + 12, ly);
    ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    ctx.fillText(s.policy.toUpperCase(), right + 20, ly);
  });
}

/** 1, 2 or 5 times a power of ten, at least `raw` (and at least 1). */
function niceStep(raw) {
  const p = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
}

/**
 * The plot's numbers as a table (frames down, a column per policy), for reading values off and
 * for screen readers: rows at every frame count any series has (at most `limit`, evenly spaced).
 */
export function compareTable(series, limit = 64) {
  const frames = [...new Set(series.flatMap((s) => s.frames))].sort((a, b) => a - b);
  const every = Math.max(1, Math.ceil(frames.length / limit));
  const shown = frames.filter((_, i) => i % every === 0 || i === frames.length - 1);
  const table = document.createElement('table');
  table.className = 'compare-table';
  const head = table.createTHead().insertRow();
  for (const h of ['frames', ...series.map((s) => s.policy.toUpperCase())]) {
    const th = document.createElement('th');
    th.textContent = h;
    head.append(th);
  }
  const body = table.createTBody();
  for (const f of shown) {
    const tr = body.insertRow();
    tr.insertCell().textContent = f.toLocaleString();
    for (const s of series) {
      const i = s.frames.indexOf(f);
      tr.insertCell().textContent = i < 0 ? '' : s.faults[i].toLocaleString();
    }
  }
  return table;
}

/** Frame counts to label: every one for a few, powers of two on a log axis, else about ten. */
function xTicks(max, log) {
  if (max <= 12) return Array.from({ length: max }, (_, i) => i + 1);
  if (log) {
    const out = [];
    for (let f = 1; f <= max; f *= 4) out.push(f);
    return out;
  }
  const step = Math.ceil(max / 10);
  const out = [1];
  for (let f = step; f <= max; f += step) out.push(f);
  return out;
}

function gridLine(ctx, palette, x0, y0, x1, y1) {
  ctx.strokeStyle = palette.cellLine; ctx.lineWidth = 1; ctx.setLineDash([2, 3]);
  ctx.beginPath(); ctx.moveTo(x0, y0); ctx.lineTo(x1, y1); ctx.stroke(); ctx.setLineDash([]);
}

function marker(ctx, kind, x, y) {
  const r = 3;
  ctx.beginPath();
  if (kind === 'circle') ctx.arc(x, y, r, 0, Math.PI * 2);
  else if (kind === 'square') ctx.rect(x - r, y - r, 2 * r, 2 * r);
  else if (kind === 'triangle') { ctx.moveTo(x, y - r - 1); ctx.lineTo(x + r + 1, y + r); ctx.lineTo(x - r - 1, y + r); ctx.closePath(); }
  else { ctx.moveTo(x, y - r - 1); ctx.lineTo(x + r + 1, y); ctx.lineTo(x, y + r + 1); ctx.lineTo(x - r - 1, y); ctx.closePath(); }
  ctx.fill();
}
