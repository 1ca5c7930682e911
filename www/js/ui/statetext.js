// The picture as text, for screen readers (README, *The page*): each address space's regions and
// where their pages are, which page is in which frame, which is in swap, the TLB, mapped files,
// and each process's counts, kept in sync with the canvas (which describes itself by
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
 * the engine's flag bits (`viewLayout().flags`), `states` its page states (`pageStates()`).
 */
export function renderStateText(box, sim, stats, config, views, flags, states) {
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

  // The address spaces: each region, where it is, and where its pages are (counted for regions
  // small enough to read page by page).
  const hex = (n) => '0x' + n.toString(16);
  const regionRows = [];
  let regionCount = 0;
  for (const p of stats.processes) {
    if (!p.alive) continue;
    for (const r of p.regions) {
      regionCount++;
      if (regionRows.length >= MAX_ROWS) continue;
      const what = `${r.perms}${r.code ? ', code' : ''}${r.object ? `, ${r.sharing === 'file' ? 'file' : r.sharing === 'shared' ? 'shared memory' : 'program'} ${r.object}` : ''}`;
      let where = `${r.pages} page${r.pages === 1 ? '' : 's'}`;
      if (r.pages <= 256) {
        const cells = sim.viewCells(p.pid, BigInt(r.start) / BigInt(config.page_size), 1, r.pages);
        let resident = 0, swapped = 0;
        for (let c = 0; c < r.pages; c++) {
          const st = views.cellState(cells, c);
          if (st === states.Resident) resident++;
          else if (st === states.Swapped) swapped++;
        }
        where += `: ${resident} in memory, ${swapped} in swap, ${r.pages - resident - swapped} not in memory`;
      }
      regionRows.push([p.name, r.label, `${hex(r.start)}–${hex(BigInt(r.start) + BigInt(r.pages) * BigInt(config.page_size) - 1n)}`, what, where]);
    }
  }
  parts.push(table('Address spaces', ['process', 'region', 'addresses', 'access', 'pages'], regionRows, regionCount));

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

  // The TLB and the mapped files, as the picture's column under swap draws them.
  if (config.tlb_entries > 0) {
    const tlb = sim.tlbEntries().slice(0, MAX_ROWS);
    const entries = tlb.map((e) => `${names.get(e.pid) ?? `pid ${e.pid}`} page ${e.vpn} → frame ${e.frame}`);
    parts.push(el('p', `TLB, ${tlb.length} of ${config.tlb_entries} entries, least recently used first: ${entries.join('; ') || 'empty'}.`));
  }
  for (const file of sim.files(MAX_ROWS)) {
    const pages = file.shown.map((p, i) => `page ${i} ${p.first ? `holds ${p.first[1]} at offset ${p.first[0]}` : p.saved ? 'holds zeros (written back)' : 'holds zeros'}`
      + (p.frame != null ? `, in frame ${p.frame}` : ''));
    parts.push(el('p', `File ${file.name} (${file.pages} pages): ${pages.join('; ')}.`));
  }
  box.replaceChildren(...parts);
}
