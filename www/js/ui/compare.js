import { prepareCanvas } from '../render/hidpi.js';

// The comparison plot: page faults against the number of frames, one line per policy. Lines also
// differ by dash and marker, so they read without colour. Belady's anomaly shows as FIFO going up.

const STYLES = [
  { dash: [], marker: 'circle' },
  { dash: [6, 3], marker: 'square' },
  { dash: [2, 3], marker: 'triangle' },
  { dash: [8, 3, 2, 3], marker: 'diamond' },
];

export function drawComparePlot(canvas, { policies, frames, faults, palette, current }) {
  const { ctx, w, h } = prepareCanvas(canvas, 320, 160);
  ctx.fillStyle = palette.bg;
  ctx.fillRect(0, 0, w, h);
  const all = faults.flat();
  const max = Math.max(1, ...all);
  const min = Math.max(1, Math.min(...all.filter((v) => v > 0)));
  // A trace's curve falls by orders of magnitude: then a log scale shows the part that matters.
  const log = max / min > 50;
  ctx.font = '10px system-ui, sans-serif';
  const left = Math.max(30, ctx.measureText(max.toLocaleString()).width + 14), right = w - 70, top = 8, bottom = h - 22;
  const x = (i) => left + (frames.length === 1 ? 0.5 : i / (frames.length - 1)) * (right - left);
  const y = log
    ? (v) => bottom - (Math.log10(Math.max(1, v)) / Math.log10(max)) * (bottom - top)
    : (v) => bottom - (v / max) * (bottom - top);
  ctx.strokeStyle = palette.cellLine;
  ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, bottom); ctx.lineTo(right, bottom); ctx.stroke();
  ctx.fillStyle = palette.muted;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'right'; ctx.textBaseline = 'middle';
  ctx.fillText(max.toLocaleString(), left - 4, top + 2);
  ctx.fillText(log ? '1' : '0', left - 4, bottom);
  if (log) {
    for (let p = 10; p < max / 3; p *= 10) {
      ctx.fillText(p.toLocaleString(), left - 4, y(p));
      ctx.strokeStyle = palette.cellLine; ctx.setLineDash([2, 3]);
      ctx.beginPath(); ctx.moveTo(left, y(p)); ctx.lineTo(right, y(p)); ctx.stroke(); ctx.setLineDash([]);
    }
  }
  ctx.save(); ctx.translate(9, (top + bottom) / 2); ctx.rotate(-Math.PI / 2); ctx.textAlign = 'center';
  ctx.fillText(log ? 'faults (log)' : 'faults', 0, 0); ctx.restore();
  ctx.textAlign = 'center'; ctx.textBaseline = 'top';
  frames.forEach((f, i) => {
    if (frames.length <= 12 || i % Math.ceil(frames.length / 12) === 0) ctx.fillText(String(f), x(i), bottom + 3);
  });
  ctx.fillText('frames', (left + right) / 2, bottom + 12);
  if (current != null) {
    const i = frames.indexOf(current);
    if (i >= 0) {
      ctx.strokeStyle = palette.cellLine; ctx.setLineDash([2, 2]);
      ctx.beginPath(); ctx.moveTo(x(i), top); ctx.lineTo(x(i), bottom); ctx.stroke(); ctx.setLineDash([]);
    }
  }
  policies.forEach((p, k) => {
    const colour = palette.procs[k % palette.procs.length];
    const style = STYLES[k % STYLES.length];
    ctx.strokeStyle = colour; ctx.fillStyle = colour; ctx.lineWidth = 2; ctx.setLineDash(style.dash);
    ctx.beginPath();
    faults[k].forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
    ctx.stroke(); ctx.setLineDash([]);
    faults[k].forEach((v, i) => marker(ctx, style.marker, x(i), y(v)));
    const ly = top + 6 + k * 16;
    marker(ctx, style.marker, right + 12, ly);
    ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    ctx.fillText(p.toUpperCase(), right + 20, ly);
  });
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
