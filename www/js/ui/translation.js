// The address-translation panel: the last access's virtual address split into per-level
// indices and offset, the TLB lookup, the page-table walk and the physical address.
import { accessOf } from './events.js';

// Addresses past 2^53 − 1 arrive as BigInts (README, *64-bit address spaces*): printed exactly.
const hex = (n, width = 0) => '0x' + (typeof n === 'bigint' ? n : Math.floor(n)).toString(16).padStart(width, '0');
/** The offset of `addr` in its page, a number or a BigInt. */
const offsetOf = (addr, ps) => (typeof addr === 'bigint' ? Number(addr % BigInt(ps)) : addr % ps);

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text != null) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

/**
 * The virtual address in binary, one coloured field per table level and the offset (the same
 * colours as the index boxes above), as the MMU cuts it.
 */
function addressBits(walk, offsetBits) {
  const bits = el('div', null, 'va-bits');
  bits.setAttribute('aria-label', 'the address in binary, split into fields');
  const field = (value, width, label, cls) => {
    const whole = typeof value === 'bigint' ? value : Math.floor(value);
    const s = el('span', width ? whole.toString(2).padStart(width, '0') : '', cls);
    s.title = `${label}: ${whole}`;
    s.append(el('small', label));
    bits.append(s);
  };
  walk.level_bits.forEach((width, i) => field(walk.indices[i], width, `L${i + 1}`, `lv${i}`));
  field(walk.offset, offsetBits, 'offset', 'offset');
  return bits;
}

/**
 * Shows the translation of an access (the newest at or before the current step): the walk the
 * engine recorded just before the access (`record.translation`), and what the access then did.
 */
export function renderTranslation(box, sim, record, config, names) {
  const access = accessOf(record);
  if (!access) {
    box.replaceChildren(el('p', 'No memory access yet.', 'muted'));
    return;
  }
  const walk = record.translation ?? null;
  const name = names.get(access.pid) ?? `pid ${access.pid}`;
  const parts = [];
  const head = el('p');
  head.append(el('strong', `${name} ${access.op} `), el('span', hex(access.addr), 'mono'));
  parts.push(head);
  if (config.vm !== 'paging') {
    // Before virtual memory there is nothing to walk: the engine's sentence says what happened.
    parts.push(el('p', config.vm === 'off'
      ? 'No translation (vm=off): the address goes to memory as it is.'
      : 'Base and bounds (vm=base): the address is checked against the bound and added to the base.', 'muted'));
    parts.push(el('p', access.text));
    box.replaceChildren(...parts);
    return;
  }

  const offsetBits = Math.log2(config.page_size);
  const split = el('div', null, 'va-split');
  if (walk) {
    walk.level_bits.forEach((bits, i) => {
      const s = el('span', String(walk.indices[i]), `lv${i}`);
      s.append(el('small', `L${i + 1} · ${bits} bit${bits === 1 ? '' : 's'}`));
      split.append(s);
    });
  }
  const off = el('span', hex(offsetOf(access.addr, config.page_size)), 'offset');
  off.append(el('small', `offset · ${offsetBits} bits`));
  split.append(off);
  const vpnBits = config.va_bits - offsetBits;
  parts.push(el('p', `${hex(access.addr)} = page ${access.vpn}, offset ${hex(offsetOf(access.addr, config.page_size))}: `
    + `the ${vpnBits}-bit page number is split into one index per table level, the low ${offsetBits} bits are the offset.`, 'muted'), split);
  if (walk) parts.push(addressBits(walk, offsetBits));

  const steps = el('ol', null, 'walk');
  const li = (t) => steps.append(el('li', t));
  if (access.tlb === 'hit') li(`TLB hit: page ${access.vpn} → frame ${access.frame}, no walk needed`);
  else {
    if (access.tlb === 'miss') li(`TLB miss${access.tlb_flushed ? ' (flushed by the switch to ' + name + ')' : ''}: walk the page table`);
    else li('no TLB: walk the page table');
    if (walk) {
      const levels = walk.indices.length;
      for (let i = 0; i < levels; i++) {
        const idx = walk.indices[i];
        // With tables=ram each table is in a frame (the base register holds the top one's).
        const at = (l) => (walk.table_frames?.[l] != null ? ` (frame ${walk.table_frames[l]})` : '');
        if (walk.huge_page && i === levels - 2) {
          li(`L${i + 1} table${at(i)}, entry ${idx}: maps a huge page (its last index, ${walk.indices[levels - 1]}, is part of the offset)`);
          break;
        }
        if (i === levels - 1) li(`L${i + 1} table${at(i)}, entry ${idx}: the page-table entry`);
        else if (i + 1 < walk.tables_found) li(`L${i + 1} table${at(i)}, entry ${idx} → L${i + 2} table${at(i + 1)}`);
        else {
          li(`L${i + 1} table${at(i)}, entry ${idx}: empty (no L${i + 2} table under it yet)`);
          break;
        }
      }
    }
  }
  switch (access.result) {
    case 'hit':
      li(`present: frame ${access.frame}`);
      break;
    case 'page_fault': {
      const how = access.how; // the engine's words for the source
      if (access.cow) li(`present, copy-on-write → copy-on-write fault (${access.major ? 'major' : 'minor'}: ${how}), now frame ${access.frame}`);
      else li(`not present → page fault (${access.major ? 'major' : 'minor'}: ${how}), now frame ${access.frame}`);
      break;
    }
    case 'segmentation_fault':
      li(access.reason === 'null_page' ? 'page 0 is the guard: no entry ever → segmentation fault' : 'in no region → segmentation fault');
      break;
    case 'protection_fault':
      li(`entry allows ${access.perms} → protection fault`);
      break;
    case 'out_of_memory':
      li(`not present, ${access.how} → out of memory`);
      break;
  }
  parts.push(steps);
  if (walk?.entries?.length && access.tlb !== 'hit') parts.push(entryTable(walk));
  if (config.tlb_entries > 0) parts.push(drawTlb(sim.tlbEntries(record.step), access, config, names, sim.tlbShape));
  if (access.physical != null) {
    const p = el('p');
    p.append(el('span', 'physical address '), el('strong', hex(access.physical), 'mono'),
      el('span', ` = frame ${access.frame} × ${config.page_size} + ${hex(offsetOf(access.addr, config.page_size))}`, 'muted'));
    parts.push(p);
  }
  box.replaceChildren(...parts);
}

const TLB_SHOWN = 12; // entries drawn: the most recently used (the one just used is the last)

/**
 * The TLB as a table of its entries (process, page → frame), least recently used first, the
 * entry this access used marked: found there (hit), or put there after the walk (miss).
 */
function drawTlb(entries, access, config, names, { sets, ways }) {
  const box = el('div', null, 'tlb');
  const used = entries.findIndex((e) => e.pid === access.pid && e.vpn === access.vpn);
  const verdict = access.tlb === 'hit' ? 'hit: the translation was here'
    : used >= 0 ? 'miss: added after the walk' : 'miss';
  // Set-associative (tlb_ways): each entry's set; tagged (asid=on): the process is the tag that
  // keeps entries apart across switches instead of a flush.
  const shape = sets > 1 ? `${sets} sets of ${ways}, ` : '';
  const tags = config.asid ? ', tagged by process (no flush on a switch)' : '';
  box.append(el('p', `TLB · ${entries.length} of ${config.tlb_entries} entries, ${shape}least recently used first${tags} · ${verdict}`, 'muted'));
  const table = el('table');
  const head = el('tr');
  for (const h of [...(sets > 1 ? ['set'] : []), config.asid ? 'ASID (process)' : 'process', 'page', 'frame']) head.append(el('th', h));
  table.append(head);
  const first = Math.max(0, entries.length - TLB_SHOWN);
  if (first > 0) {
    const more = el('tr');
    more.append(el('td', `… ${first} older`, 'muted'));
    table.append(more);
  }
  entries.slice(first).forEach((e, i) => {
    const row = el('tr', null, first + i === used ? `used ${access.tlb}` : '');
    if (sets > 1) row.append(el('td', String(e.set)));
    row.append(el('td', names.get(e.pid) ?? String(e.pid)), el('td', String(e.vpn)), el('td', String(e.frame)));
    table.append(row);
  });
  if (!entries.length) {
    const empty = el('tr', null, 'muted');
    empty.append(el('td', 'empty'));
    table.append(empty);
  }
  box.append(table);
  return box;
}

/**
 * The entries the walk read, each in binary with its fields marked (`NX | number | D A | U W P`,
 * as x86-64 lays them out; the engine writes the bits) and what it points at.
 */
function entryTable(walk) {
  const t = el('table', null, 'entries');
  t.append(el('caption', 'Entries read · bits: NX|number|DA|UWP'));
  const head = el('tr');
  for (const h of ['entry', 'bits', 'points at']) head.append(el('th', h));
  t.append(head);
  const last = walk.indices.length - 1;
  walk.entries.forEach((e, i) => {
    const row = el('tr');
    row.append(el('td', `L${i + 1} [${walk.indices[i]}]`), el('td', e.binary, 'mono'));
    const flags = [e.present ? 'present' : 'not present', e.huge && 'huge page', e.writable && 'writable', e.user && 'user',
      e.accessed && 'accessed', e.dirty && 'dirty', e.no_execute && 'no-execute'].filter(Boolean).join(', ');
    const target = e.points_to === 'table' ? `L${i + 2} table #${e.number}`
      : e.points_to === 'table_frame' ? `L${i + 2} table in frame ${e.number}`
      : e.points_to === 'frame' && e.huge ? `frames ${e.number}… (a huge page)`
      : e.points_to === 'frame' ? `frame ${e.number}`
      : e.points_to === 'slot' ? `swap slot ${e.number} (the OS's note; not present)`
      : i === last ? 'nothing yet' : `no L${i + 2} table`;
    row.append(el('td', `${target} · ${flags}`));
    t.append(row);
  });
  return t;
}
