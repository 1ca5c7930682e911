// The picture as text, for screen readers (README, *The page*): which page is in which frame, which is in
// swap, and each process's counts, kept in sync with the canvas (which describes itself by
// pointing here). A screen reader reads it on demand; the step sentences are announced by the
// step panel. Bounded: a huge machine lists its first frames and slots and says how many more.

import { ownerNames } from '../owners.js';

const MAX_ROWS = 128;

const el = (tag, text) => {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  return e;
};

/**
 * Fills `box` from the simulator; `views` decodes the engine's frame and slot words, `flags` are
 * the engine's flag bits (`viewLayout().flags`).
 */
export function renderStateText(box, sim, stats, config, views, flags) {
  const names = ownerNames(stats, { long: true });
  const parts = [el('h2', 'The picture as text')];
  const shared = stats.shared_frames > 0;
  const summary = stats.processes.map((p) => `${p.name}${p.alive ? '' : ' (ended)'}: ${p.stats.resident} pages in memory`
    + (shared && p.alive ? ` (proportional share ${Math.round(p.pss * 100) / 100})` : '') + `, ${p.stats.swapped} in swap`);
  parts.push(el('p', `${stats.frames_used} of ${config.frames} frames in use${shared ? ` (${stats.shared_frames} shared)` : ''}, `
    + `${stats.swap_used} of ${config.swap_slots} swap slots. ${summary.join('; ')}.`));
  // "shared with B page 2, C page 2" for a frame or slot several pages map.
  const others = (kind, n) => {
    const flat = sim.mappers(kind, n), out = [];
    for (let i = 2; i < flat.length; i += 2) out.push(`${names.get(flat[i]) ?? `pid ${flat[i]}`} page ${flat[i + 1]}`);
    return out.length ? `, shared with ${out.join(', ')}` : '';
  };

  const table = (caption, head, rows, total) => {
    const t = el('table');
    t.append(el('caption', total > rows.length ? `${caption} (the first ${rows.length} of ${total})` : caption));
    const tr = el('tr');
    for (const h of head) tr.append(el('th', h));
    t.append(tr);
    for (const r of rows) {
      const row = el('tr');
      for (const c of r) row.append(el('td', c));
      t.append(row);
    }
    return t;
  };

  const nFrames = Math.min(config.frames, MAX_ROWS);
  const frames = sim.viewFrames(0, nFrames);
  const frameRows = [];
  for (let f = 0; f < nFrames; f++) {
    const pid = views.owner(frames, f);
    if (pid < 0) continue;
    const fl = views.flags(frames, f);
    const state = (fl & flags.DIRTY ? 'dirty' : 'clean') + (fl & flags.COW ? ', copy-on-write' : '')
      + (views.maps(frames, f) > 1 ? others('frame', f) : '');
    frameRows.push([`frame ${f}`, names.get(pid) ?? `pid ${pid}`, `page ${views.vpn(frames, f)}`, state]);
  }
  parts.push(table('Frames in use', ['frame', 'process', 'page', 'state'], frameRows, stats.frames_used));

  const nSlots = Math.min(sim.swapHighWater(), MAX_ROWS);
  const slots = nSlots ? sim.viewSwap(0, nSlots) : new Uint32Array(0);
  const slotRows = [];
  for (let s = 0; s < nSlots; s++) {
    const pid = views.slotOwner(slots, s);
    if (pid >= 0) slotRows.push([`slot ${s}`, names.get(pid) ?? `pid ${pid}`, `page ${views.slotVpn(slots, s)}${views.slotMaps(slots, s) > 1 ? others('slot', s) : ''}`]);
  }
  parts.push(table('Swap slots in use', ['slot', 'process', 'page'], slotRows, stats.swap_used));
  box.replaceChildren(...parts);
}
