// The tooltip's words for what is under the pointer: a page cell (or a collapsed gap, or a
// strip's label and overview bar), a frame, a block of frames, a swap slot. Pure functions of
// what the renderer drew (`drawn`: {lay, strips, frames, blocks, slots, config, names,
// processes, pages, mappers?}), so they are tested without a canvas (tests/js/). `mappers(kind,
// n)` is the engine's list of who maps frame or slot n (`sim.mappers`), for shared pages.

/** "A page 2, C page 2" from the engine's flat [pid, page, …] list. */
function whoMaps(drawn, kind, n) {
  const flat = drawn.mappers?.(kind, n) ?? [];
  const out = [];
  for (let i = 0; i < flat.length; i += 2) out.push(`${drawn.names.get(flat[i]) ?? '?'} page ${flat[i + 1]}`);
  return out;
}

/** A region's shared object, in words: " (shared memory chat)", " (file notes)", " (libc's code)". */
function objectOf(region) {
  if (!region?.object) return '';
  if (region.sharing === 'file') return ` (file ${region.object})`;
  if (region.sharing === 'shared') return ` (shared memory ${region.object})`;
  return ` (${region.object}'s code)`;
}

// Addresses past 2^53 − 1 arrive as BigInts (README, *64-bit address spaces*): printed exactly.
const hex = (n) => '0x' + (typeof n === 'bigint' ? n : Math.floor(n)).toString(16);
/** The last byte before page `end` (a whole number: 2^64 − 1 is no float), in hex. */
const lastByte = (end, ps) => '0x' + (BigInt(end) * BigInt(ps) - 1n).toString(16);
/** The page before page `end`, exactly. */
const pageBefore = (end) => String(BigInt(end) - 1n);
const count = (n) => n.toLocaleString('en');

/** `engine` is what loadEngine() returned; `V` the view decoder (views.js). */
export function createTooltips(engine, V) {
  const { states: S, layout: L, catalog } = engine;
  const F = L.flags;
  const policyOf = (name) => catalog.policies.find((p) => p.name === name);


  /** A strip's cell (`hit` from stripHit); `zoomed`: the user picked this strip's window. */
  function page(drawn, hit, zoomed) {
    const { strips, config, processes, pages } = drawn;
    const ps = config.page_size;
    const s = strips.find((t) => t.pid === hit.strip.pid);
    const proc = processes.find((p) => p.pid === s.pid);
    const { starts, ppc } = s.plan;
    if (hit.cell < 0) {
      const runs = [];
      for (let c = 0; c < s.cells; c++) {
        if (starts[c] >= 0 && (c === 0 || starts[c - 1] < 0)) runs.push(hex(starts[c] * ps));
      }
      const fitted = !zoomed && s.plan.gaps.size > 0;
      return `${s.name} (pid ${s.pid})${proc && !proc.alive ? ' — ended' : ''}`
        + `\naddress space 0x0–${lastByte(pages, ps)} (${count(pages)} pages)`
        + `\nshowing ${fitted ? 'the ranges in use from ' : 'from '}${runs.join(', ')}${ppc > 1 ? `, ${ppc} pages a cell` : ''}`
        + (hit.overview ? '\nthe bar is the whole space: click it to fit the ranges in use' : '\nscroll over the cells to zoom · right-click to zoom out');
    }
    if (starts[hit.cell] < 0) {
      const [from, to] = s.plan.gaps.get(hit.cell);
      return `${s.name} pages ${from}–${pageBefore(to)} (${hex(from * ps)}–${lastByte(to, ps)})\nnot in use: ${count(to - from)} pages collapsed\nscroll here to zoom in`;
    }
    const st = V.cellState(s.words, hit.cell), fl = V.cellFlags(s.words, hit.cell);
    const loc = V.cellLoc(s.words, hit.cell), resident = V.cellResident(s.words, hit.cell);
    const first = starts[hit.cell];
    const end = Math.min(pages, first + ppc), lastPage = pageBefore(end);
    const range = `${hex(first * ps)}–${lastByte(end, ps)}`;
    const head = ppc === 1 ? `${s.name} page ${first} (${range})` : `${s.name} pages ${first}–${lastPage} (${range})`;
    const region = proc?.regions?.find((r) => first >= Number(r.start) / ps && first < Number(r.start) / ps + Number(r.pages));
    const lines = [head];
    const one = loc !== V.none && ppc === 1;
    const what = {
      [S.Unmapped]: 'unmapped: an access is a segmentation fault',
      [S.Guard]: 'the null guard page: never mapped',
      [S.Reserved]: 'allocated, never touched: no frame yet',
      [S.Code]: 'code, not in memory (read from the executable on a fault)',
      [S.Swapped]: one ? `in swap slot ${loc}` : 'in swap',
      [S.Resident]: one ? `resident in frame ${loc}` : `resident (${resident} page${resident === 1 ? '' : 's'})`,
    }[st];
    lines.push(what + (fl & F.MIXED ? ' (and other states in this range)' : ''));
    const marks = [];
    if (fl & F.DIRTY) marks.push('dirty');
    if (fl & F.REFERENCED) marks.push('referenced');
    if (fl & F.SWAP_COPY) marks.push('clean copy in swap');
    if (marks.length) lines.push(marks.join(' · '));
    if (fl & F.COW) lines.push('copy-on-write (shared since a fork): a write copies it first');
    if (fl & F.SHARED && one) {
      const who = whoMaps(drawn, st === S.Resident ? 'frame' : 'slot', loc);
      if (who.length > 1) lines.push(`shared: ${st === S.Resident ? 'frame' : 'slot'} ${loc} is mapped by ${who.join(', ')}`);
    }
    if (region) lines.push(`region ${region.label} ${region.perms}${objectOf(region) || (region.code ? ' (code)' : '')}`);
    return lines.join('\n');
  }

  /** Block `cell` of the frames' heat map. */
  function block(drawn, cell) {
    const { lay, blocks, config, names } = drawn;
    const fg = lay.frames;
    const first = fg.first + cell * fg.perCell, last = Math.min(config.frames, first + fg.perCell) - 1;
    const n = last - first + 1, used = V.blockUsed(blocks, cell);
    const pct = (k) => `${Math.round((100 * k) / Math.max(1, used))}%`;
    const lines = [`frames ${count(first)}–${count(last)} (${n} frames)`, `${used} in use (${Math.round((100 * used) / n)}%)`];
    if (used) {
      const d = V.blockDirty(blocks, cell), r = V.blockReferenced(blocks, cell);
      lines.push(`${d} dirty (${pct(d)}) · ${r} referenced (${pct(r)})`);
      lines.push(`mostly ${names.get(V.blockOwner(blocks, cell)) ?? '?'}'s pages`);
    }
    if (V.blockFlags(blocks, cell) & F.HAND) lines.push('the clock hand is here');
    lines.push('scroll to zoom into these frames · right-click to zoom out');
    return lines.join('\n');
  }

  /** Cell `cell` of the frame grid, one frame a cell. */
  function frame(drawn, cell) {
    const { lay, frames, config, names } = drawn;
    const ps = config.page_size;
    const f = lay.frames.first + cell;
    const owner = V.owner(frames, cell), fl = V.flags(frames, cell);
    if (owner < 0) return `frame ${f}: free` + (fl & F.HAND ? '\nthe clock hand points here' : '');
    if (fl & F.TABLE) {
      const level = V.value(frames, cell);
      return [`frame ${f} (physical ${hex(f * ps)}–${hex((f + 1) * ps - 1)})`,
        `holds ${names.get(owner)}'s ${level === 0 ? 'top-level' : `level-${level}`} page table`
          + (level === 0 ? '' : `, for pages from ${V.vpn(frames, cell)}`),
        'never evicted while it maps a page; freed with its last entry (tables=ram)'].join('\n');
    }
    const lines = [`frame ${f} (physical ${hex(f * ps)}–${hex((f + 1) * ps - 1)})`,
      fl & F.HELD ? `holds page ${V.vpn(frames, cell)} of shared memory ${names.get(owner)}: no process maps it now, the object keeps it`
        : `holds ${names.get(owner)} page ${V.vpn(frames, cell)}${fl & F.CODE ? ' (code)' : ''}`];
    const marks = [fl & F.DIRTY ? 'dirty (folded corner)' : 'clean'];
    if (fl & F.REFERENCED) marks.push('referenced (dot)');
    if (fl & F.HAND) marks.push('clock hand');
    lines.push(marks.join(' · '));
    if (V.maps(frames, cell) > 1) {
      const who = whoMaps(drawn, 'frame', f);
      lines.push(`shared: mapped by ${V.maps(frames, cell)} pages${who.length ? ` (${who.join(', ')})` : ''}`);
    }
    if (fl & F.COW) lines.push('copy-on-write: a write by one of them copies it first');
    const value = V.value(frames, cell);
    const policy = policyOf(config.policy);
    if (value !== V.none && policy?.valueLabel) lines.push(`${policy.valueLabel}: ${V.valueText(policy, value)}`);
    if (lay.frames.full > 1) lines.push('right-click to zoom out');
    return lines.join('\n');
  }

  /** Swap slot `i`. */
  function slot(drawn, i) {
    const { slots, names } = drawn;
    const owner = V.slotOwner(slots, i);
    if (owner < 0) return `swap slot ${i}: free`;
    const maps = V.slotMaps(slots, i);
    if (V.slotFlags(slots, i) & F.HELD) {
      return `swap slot ${i}\nholds page ${V.slotVpn(slots, i)} of shared memory ${names.get(owner)}: no process maps it now, the object keeps it`;
    }
    return `swap slot ${i}\nholds ${names.get(owner)} page ${V.slotVpn(slots, i)}`
      + (V.slotFlags(slots, i) & F.COPY_OF_RESIDENT ? '\na clean copy of a page that is also in memory' : '')
      + (maps > 1 ? `\nshared: mapped by ${maps} pages (${whoMaps(drawn, 'slot', i).join(', ')}), written to swap once` : '');
  }

  return { page, block, frame, slot, valueText: V.valueText, policyOf };
}
