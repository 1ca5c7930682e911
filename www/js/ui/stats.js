// The statistics table (machine and per process) and the fault-rate plot.
import { processColour } from '../render/palette.js';
import { prepareCanvas } from '../render/hidpi.js';
import { humanNs } from '../../pkg/pagesim.js';

const COLUMNS = [
  ['accesses', 'acc.'],
  ['hits', 'hits'],
  ['faults', 'faults'],
  ['major_faults', 'major'],
  ['swap_outs', 'swap out'],
  ['segfaults', 'segv'],
  ['resident', 'RSS'],
];

const HINTS = {
  RSS: 'resident set size: pages in memory that the process maps (shared ones included)',
  PSS: 'proportional set size: a page mapped by k processes counts 1/k',
  CoW: 'copy-on-write faults: writes to pages shared since a fork',
  speed: 'how fast the accesses ran against RAM speed: disk reads and writes, faults and page-table walks slow them',
};

export function renderStats(box, stats, palette, config) {
  const table = document.createElement('table');
  const head = table.createTHead().insertRow();
  // Memory that processes share: PSS (a page mapped by k processes counts 1/k) and copy-on-write
  // faults, once a run shares anything.
  const sharing = stats.sharing_seen;
  for (const h of ['', ...COLUMNS.map((c) => c[1]), 'speed', ...(sharing ? ['PSS', 'CoW'] : [])]) {
    const th = document.createElement('th');
    th.textContent = h;
    if (HINTS[h]) th.title = HINTS[h];
    head.append(th);
  }
  const body = table.createTBody();
  const row = (label, s, speed, colour, ended, pss) => {
    const tr = body.insertRow();
    const name = tr.insertCell();
    if (colour) {
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = colour;
      name.append(sw);
    }
    name.append(document.createTextNode(label + (ended ? ' †' : '')));
    for (const [key] of COLUMNS) tr.insertCell().textContent = String(s[key]);
    // How fast it feels (the engine's words), with the figures behind them on hover.
    const feel = tr.insertCell();
    feel.className = 'felt';
    feel.textContent = speed.felt;
    feel.title = `${speed.slowdown.toFixed(speed.slowdown < 10 ? 2 : 0)}× slower than at RAM speed`
      + ` (work ${humanNs(speed.work_ns)}, stall ${humanNs(speed.stall_ns)})`;
    if (sharing) {
      // PSS to two decimals (a page shared by three counts 0.33 to each).
      tr.insertCell().textContent = pss == null ? String(stats.frames_used) : String(Math.round(pss * 100) / 100);
      tr.insertCell().textContent = String(s.cow_faults);
    }
  };
  row('all', stats.total, stats.speed);
  for (const p of stats.processes) row(p.name, p.stats, p.speed, processColour(palette, p.pid), !p.alive, p.pss);
  const t = stats.total;
  const rate = t.accesses ? ((100 * t.faults) / t.accesses).toFixed(1) : '0.0';
  const tlb = t.tlb_hits + t.tlb_misses;
  const summary = document.createElement('p');
  summary.className = 'muted';
  summary.textContent = `fault rate ${rate}% · ${t.minor_faults} minor, ${t.major_faults} major`
    + (t.out_of_memory ? `, ${t.out_of_memory} failed (out of memory)` : '')
    + (tlb ? ` · TLB hit rate ${((100 * t.tlb_hits) / tlb).toFixed(0)}%` : '')
    + ` · ${stats.frames_used}/${config.frames} frames used · ${stats.swap_used} swap slots used · t=${stats.time}`
    + ` · elapsed ${humanNs(stats.speed.total_ns)} (${humanNs(Math.round(stats.speed.eat_ns))} per access)`;
  box.replaceChildren(table, summary);
}

/** Fault rate over time (faults per access in each bucket of the engine's series). */
export function drawRatePlot(canvas, series, palette) {
  const { ctx, w, h } = prepareCanvas(canvas, 320, 90);
  ctx.fillStyle = palette.bg;
  ctx.fillRect(0, 0, w, h);
  const raw = series.faults.map((f) => f / series.bucket);
  if (series.pending_accesses > 0) raw.push(series.pending_faults / series.pending_accesses);
  // A short run has a point per access, each 0 or 100%: the line shows the rate over the last
  // few accesses (a moving average of a sixteenth of the points), not a zigzag.
  const span = Math.max(1, Math.round(raw.length / 16));
  const points = raw.map((_, i) => {
    const from = Math.max(0, i - span + 1);
    return raw.slice(from, i + 1).reduce((a, b) => a + b, 0) / (i + 1 - from);
  });
  const left = 34, bottom = h - 14, top = 6, right = w - 4;
  ctx.strokeStyle = palette.cellLine;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(left, top); ctx.lineTo(left, bottom); ctx.lineTo(right, bottom);
  ctx.stroke();
  ctx.fillStyle = palette.muted;
  ctx.font = '10px system-ui, sans-serif';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.fillText('100%', left - 3, top + 2);
  ctx.fillText('0', left - 3, bottom);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'top';
  const accesses = series.faults.length * series.bucket + series.pending_accesses;
  ctx.fillText(`fault rate over ${accesses} accesses`, left + 4, bottom + 1);
  if (!points.length) return;
  const x = (i) => left + ((i + 0.5) / points.length) * (right - left);
  const y = (r) => bottom - r * (bottom - top);
  ctx.strokeStyle = palette.accent;
  ctx.fillStyle = palette.accent;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  points.forEach((r, i) => (i ? ctx.lineTo(x(i), y(r)) : ctx.moveTo(x(i), y(r))));
  ctx.stroke();
  if (points.length < 60) points.forEach((r, i) => { ctx.beginPath(); ctx.arc(x(i), y(r), 2, 0, 7); ctx.fill(); });
}
