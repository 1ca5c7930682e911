// Machine settings: they rewrite the scenario's `config` line, so what you set is what a shared
// link carries. The engine reads the line and writes it back (aliases folded, other settings and
// lines kept); the page sizes offered are the engine's.

const KEYS = ['policy', 'frames', 'page', 'vbits', 'levels', 'tlb', 'swap'];

/** Fills the page-size select with every size the engine allows (`api.pageSizes()`). */
export function initSettings(form, api) {
  const select = form.elements.page;
  select.replaceChildren(...api.pageSizes().map(([bytes, label]) => new Option(label, String(bytes))));
}

export function fillSettings(form, config) {
  const values = {
    policy: config.policy,
    frames: config.frames,
    page: config.page_size,
    vbits: config.va_bits,
    levels: config.levels,
    tlb: config.tlb_entries,
    swap: config.swap_slots,
  };
  for (const k of KEYS) form.elements[k].value = String(values[k]);
}

/**
 * The scenario text with the form's values in its config line. Throws the engine's Error for a
 * value it refuses.
 */
export function applySettings(form, text, api) {
  const changes = KEYS.map((k) => `${k}=${String(form.elements[k].value).trim()}`).join(' ');
  return api.editConfig(text, changes);
}
