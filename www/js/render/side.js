// The panels under the swap grid: the TLB (each entry a chip: whose page, which frame) and each
// mapped file (its pages on disk: what a write-back stored there, and which frame holds the page
// now). They draw what the Translation panel and the log say in words, so a preset about the TLB
// or a mapped file shows its subject in the picture.

import { pageTag, processColour, withAlpha } from './palette.js';
import { outline, arrow } from './highlight.js';

const TITLE = 18;
const CHIP_H = 32;
const GAP = 4;
/** TLB entries drawn at most (a larger TLB shows its first ones and says how many). */
const MAX_CHIPS = 32;
const FILE_CELL = 34;

/** Chip width and rows for `n` chips in `w` px. */
function chipRows(n, w, minW, maxW) {
  const chipW = Math.max(minW, Math.min(maxW, (w + GAP) / Math.max(1, n) - GAP));
  const perRow = Math.max(1, Math.floor((w + GAP) / (chipW + GAP)));
  return { chipW, perRow, rows: Math.ceil(n / perRow) };
}

/**
 * What the column shows and how tall each panel is: `{tlb, files, height}`. `tlbCapacity` 0 (no
 * TLB) draws no TLB panel; `tlb` from `sim.tlbEntries()`, `files` from `sim.files()`.
 */
export function planSide({ tlbCapacity, tlbShape = { sets: 1, ways: tlbCapacity }, asid = false, tlb, files, pageSize }, w) {
  const panels = [];
  if (w >= 120 && tlbCapacity > 0) {
    const shown = Math.min(tlbCapacity, MAX_CHIPS);
    const grid = chipRows(shown, w, 44, 64);
    const { sets, ways } = tlbShape;
    panels.push({ kind: 'tlb', shown, entries: tlb, capacity: tlbCapacity, sets, ways, asid, ...grid, h: TITLE + grid.rows * (CHIP_H + GAP) + 8 });
  }
  if (w >= 120) {
    for (const file of files) {
      const grid = chipRows(file.shown.length, w, FILE_CELL, FILE_CELL);
      panels.push({ kind: 'file', file, pageSize, ...grid, h: TITLE + grid.rows * (FILE_CELL + 14) + 8 });
    }
  }
  return { panels, height: panels.reduce((sum, p) => sum + p.h, 0) };
}

/** Where chip `i` of a panel starting at `y` is. */
function chipAt(side, panel, y, i, h) {
  const col = i % panel.perRow, row = Math.floor(i / panel.perRow);
  return { x: side.x + col * (panel.chipW + GAP), y: y + TITLE + row * (h + GAP), w: panel.chipW, h };
}

/**
 * Draws the panels into `side` (layout's column rectangle). `names`: owner → name; `hl`: the
 * step's highlight; `regions`: pid → regions (to find which file page a victim was);
 * `frameRect(f)`: where frame f is drawn, for the write-back and read arrows; `maxY`: how low
 * an arrow may go.
 */
export function drawSide(g, plan, side, { names, hl, regions, frameRect, maxY }) {
  let y = side.y;
  const drawn = [];
  for (const panel of plan.panels) {
    if (panel.kind === 'tlb') drawTlb(g, panel, side, y, names, hl);
    else drawFile(g, panel, side, y, hl, regions, frameRect, maxY);
    drawn.push({ ...panel, y });
    y += panel.h;
  }
  return drawn;
}

function drawTlb(g, panel, side, y, names, hl) {
  const { entries, capacity, shown, sets, ways, asid } = panel;
  const more = capacity > shown ? ` (first ${shown} shown)` : '';
  const shape = sets > 1 ? `, ${sets} sets of ${ways} (set = page mod ${sets})` : '';
  const tags = asid ? ', tagged by process' : '';
  g.title(`TLB · ${entries.length} of ${capacity} entries${shape}${tags}, least recently used first${more}`, side.x, y, side.w);
  const ctx = g.ctx;
  // Each entry in a slot of its own set (sets side by side, least recently used first within one).
  const slots = new Array(shown).fill(null);
  const used = new Array(sets).fill(0);
  for (const e of entries) {
    const set = sets > 1 ? e.set : 0;
    const i = set * ways + used[set]++;
    if (i < shown) slots[i] = e;
  }
  for (let i = 0; i < shown; i++) {
    const r = chipAt(side, panel, y, i, CHIP_H);
    const e = slots[i];
    if (!e) {
      ctx.strokeStyle = g.palette.cellLine; ctx.lineWidth = 1; ctx.setLineDash([3, 3]);
      g.roundRect(r.x + 0.5, r.y + 0.5, r.w - 1, r.h - 1, 3); ctx.stroke(); ctx.setLineDash([]);
      if (sets > 1) {
        g.font(9); ctx.fillStyle = g.palette.muted; ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
        ctx.fillText(`set ${Math.floor(i / ways)}`, r.x + r.w / 2, r.y + r.h / 2);
      }
      continue;
    }
    const colour = processColour(g.palette, e.pid);
    g.mark('chip', r);
    ctx.fillStyle = withAlpha(colour, 0.16);
    g.roundRect(r.x, r.y, r.w, r.h, 3); ctx.fill();
    ctx.strokeStyle = colour; ctx.lineWidth = 1; ctx.stroke();
    ctx.textAlign = 'center'; ctx.textBaseline = 'middle'; ctx.fillStyle = g.palette.text;
    g.font(10, 700, true);
    // A huge page's entry: its process and "huge", then its first frame.
    const tag = e.huge ? `${names.get(e.pid) ?? '?'} huge` : pageTag(names.get(e.pid) ?? '?', e.vpn);
    ctx.fillText(g.fitText(tag, r.w - 4), r.x + r.w / 2, r.y + r.h * 0.32);
    g.font(9, 400, true); ctx.fillStyle = g.palette.muted;
    ctx.fillText(g.fitText(`${sets > 1 ? `s${e.set} ` : ''}→ f${e.frame}${e.huge ? '…' : ''}`, r.w - 4), r.x + r.w / 2, r.y + r.h * 0.72);
    if (hl && hl.pid === e.pid && hl.vpn === e.vpn) outline(g, r, g.palette.highlight, 2);
  }
}

/** The file page a victim or a faulting page is, from its process's regions, or -1. */
function filePage(regions, pid, vpn, name, pageSize) {
  if (vpn == null) return -1;
  for (const r of regions.get(pid) ?? []) {
    if (r.sharing !== 'file' || r.object !== name) continue;
    // Exact whether the numbers are numbers or BigInts (past 2^53 − 1: README, *64-bit address spaces*).
    const first = BigInt(r.start) / BigInt(pageSize), page = BigInt(vpn);
    if (page >= first && page < first + BigInt(r.pages)) return Number(page - first);
  }
  return -1;
}

function drawFile(g, panel, side, y, hl, regions, frameRect, maxY) {
  const { file } = panel;
  const pages = `${file.pages.toLocaleString('en')} page${file.pages === 1 ? '' : 's'}`;
  const more = file.pages > file.shown.length ? ` (first ${file.shown.length} shown)` : '';
  g.title(`File ${file.name} · ${pages} on disk${more}`, side.x, y, side.w);
  const ctx = g.ctx;
  const colour = g.palette.muted;
  const cells = file.shown.map((p, i) => chipAt(side, panel, y, i, FILE_CELL));
  file.shown.forEach((p, i) => {
    const r = cells[i];
    g.mark('chip', { x: r.x, y: r.y, w: r.w, h: r.h + 12 }); // with its p0 · f1 line
    if (p.saved) {
      // Bytes kept in the file: a solid tint (hatching means "in swap" in the legend).
      ctx.fillStyle = withAlpha(colour, g.palette.dark ? 0.35 : 0.22);
      g.roundRect(r.x, r.y, r.w, r.h, 3); ctx.fill();
    }
    ctx.strokeStyle = colour; ctx.lineWidth = 1.2;
    g.roundRect(r.x + 0.6, r.y + 0.6, r.w - 1.2, r.h - 1.2, 3); ctx.stroke();
    ctx.textAlign = 'center'; ctx.textBaseline = 'middle';
    // What the file holds there: the first byte written back, or zeros.
    const text = p.first ? String(p.first[1]) : 'zeros';
    g.font(p.first ? 12 : 9, p.first ? 700 : 400, true);
    const tw = ctx.measureText(text).width;
    ctx.fillStyle = withAlpha(g.palette.bg, 0.85); ctx.fillRect(r.x + r.w / 2 - tw / 2 - 2, r.y + r.h / 2 - 7, tw + 4, 14);
    ctx.fillStyle = p.first ? g.palette.text : g.palette.muted;
    ctx.fillText(text, r.x + r.w / 2, r.y + r.h / 2 + 0.5);
    g.font(9, 400); ctx.fillStyle = g.palette.muted;
    ctx.fillText(p.frame != null ? `p${i} · f${p.frame}` : `p${i}`, r.x + r.w / 2, r.y + r.h + 7);
  });
  if (!hl || !regions) return;
  const ps = panel.pageSize;
  // A write-back: from the victim's frame to the file; a read: from the file to the new frame.
  const v = hl.victim;
  if (v?.fate === 'written_to_file') {
    const i = filePage(regions, v.pid, v.vpn, file.name, ps);
    if (i >= 0 && i < cells.length) {
      outline(g, cells[i], g.palette.victim, 2, [4, 3]);
      const fr = frameRect(v.frame);
      if (fr) arrow(g, { x: fr.x + fr.w * 0.65, y: fr.bottom }, { x: cells[i].x + cells[i].w / 2, y: cells[i].y + cells[i].h + 14 }, g.palette.victim, `write-back from frame ${v.frame}`, 30, 0.5, maxY);
    }
  }
  if (hl.fromFile) {
    const i = filePage(regions, hl.pid, hl.vpn, file.name, ps);
    if (i >= 0 && i < cells.length) {
      outline(g, cells[i], g.palette.accent, 2);
      const fr = frameRect(hl.frame);
      if (fr) arrow(g, { x: cells[i].x + cells[i].w / 2, y: cells[i].y + cells[i].h + 14 }, { x: fr.x + fr.w * 0.35, y: fr.bottom }, g.palette.accent, `read into frame ${hl.frame}`, 16, 0.5, maxY);
    }
  }
}

/** Where TLB entry `tlbEntry` or page `file.page` of file `file.name` was drawn, or null. */
export function locateSide(side, panels, what) {
  for (const p of panels ?? []) {
    if (what.tlbEntry != null && p.kind === 'tlb' && what.tlbEntry < p.shown) return chipAt(side, p, p.y, what.tlbEntry, CHIP_H);
    if (what.file && p.kind === 'file' && p.file.name === what.file.name && what.file.page < p.file.shown.length) {
      return chipAt(side, p, p.y, what.file.page, FILE_CELL);
    }
  }
  return null;
}
