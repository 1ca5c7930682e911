// Reading step records: what kind of step it was, and what to highlight on the canvas.

/** The first memory access of a record, or null. */
export function accessOf(record) {
  return record?.events?.find((e) => e.type === 'access') ?? null;
}

/** A short class for an access or record: hit, minor, major, segv, prot, oom, or other. */
export function kindOf(record) {
  const a = accessOf(record);
  if (!a) return 'other';
  switch (a.result) {
    case 'hit': return 'hit';
    case 'page_fault': return a.cow ? 'cow' : a.major ? 'major' : 'minor'; // the engine says which (README, *The model*)
    case 'segmentation_fault': return 'segv';
    case 'protection_fault': return 'prot';
    case 'out_of_memory': return 'oom';
    default: return 'other';
  }
}

export const KIND_LABEL = {
  hit: 'hit',
  minor: 'minor fault',
  major: 'major fault',
  cow: 'copy-on-write fault',
  segv: 'segmentation fault',
  prot: 'protection fault',
  oom: 'out of memory',
  other: '',
};

/** What the canvas should outline for this record. */
export function highlightOf(record) {
  if (!record) return null;
  const a = accessOf(record);
  if (!a) {
    const r = record.events.find((e) => e.type === 'reclaim');
    if (r) return { kind: 'reclaim', pid: r.pid, vpn: r.vpn, frame: r.frame, victim: victimOf(r) };
    return null;
  }
  const kind = kindOf(record);
  const hl = { kind, pid: a.pid, vpn: a.vpn, frame: a.frame ?? null, swapIn: null, victim: null };
  if (a.result === 'page_fault') {
    if (a.source === 'from_swap') hl.swapIn = a.slot;
    if (a.source === 'from_file') hl.fromFile = true;
    if (a.evicted) hl.victim = victimOf(a.evicted);
  }
  return hl;
}

function victimOf(e) {
  return { pid: e.pid, vpn: e.vpn, frame: e.frame, fate: e.fate, slot: e.slot ?? null };
}

/** The coloured chip for a record's kind ("hit", "major fault", …), or null for other steps. */
export function chipFor(record) {
  const kind = kindOf(record);
  if (kind === 'other') return null;
  const chip = document.createElement('span');
  chip.className = `chip ${kind}`;
  // With a TLB, a page hit says how its translation was found, so "hit" is never read as a TLB hit.
  const tlb = accessOf(record).tlb;
  chip.textContent = kind === 'hit' && tlb ? `page hit · TLB ${tlb}` : KIND_LABEL[kind];
  return chip;
}
