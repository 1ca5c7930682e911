// Machine settings: they rewrite the scenario's `config` line, so what you set is what a shared
// link carries. The engine reads the line and writes it back (aliases folded, other settings and
// lines kept); the policies, page sizes and limits offered are the engine's (its catalog).

const KEYS = ['policy', 'frames', 'page', 'vbits', 'levels', 'tlb', 'swap'];

/** Fills the selects and sets the fields' ranges from the engine's catalog (`api.catalog()`). */
export function initSettings(form, catalog) {
  form.elements.policy.replaceChildren(...catalog.policies.map((p) => new Option(p.name, p.name)));
  form.elements.page.replaceChildren(...catalog.pageSizes.map(([bytes, label]) => new Option(label, String(bytes))));
  for (const [key, { min, max }] of Object.entries(catalog.limits)) {
    Object.assign(form.elements[key], { min: String(min), max: String(max) });
  }
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
 * value it refuses (`api` is the page's module, which edits config lines).
 */
export function applySettings(form, text, api) {
  const changes = KEYS.map((k) => `${k}=${String(form.elements[k].value).trim()}`).join(' ');
  return api.editConfig(text, changes);
}
