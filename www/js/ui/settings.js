// Machine settings: they rewrite the scenario's `config` line, so what you set is what a shared
// link carries. The engine reads the line and writes it back (aliases folded, other settings and
// lines kept); the policies, page sizes and limits offered are the engine's (its catalog).

// The settings the form shows (each a `config` key; the engine says which config() field holds it).
const KEYS = ['policy', 'frames', 'page', 'vbits', 'levels', 'tlb', 'swap'];
let fieldOf = new Map();

/** Fills the selects and sets the fields' ranges from the engine's catalog (`api.catalog()`). */
export function initSettings(form, catalog) {
  form.elements.policy.replaceChildren(...catalog.policies.map((p) => new Option(p.name, p.name)));
  form.elements.page.replaceChildren(...catalog.pageSizes.map(([bytes, label]) => new Option(label, String(bytes))));
  fieldOf = new Map(catalog.settings.map((s) => [s.key, s.field]));
  for (const key of KEYS) {
    const limit = catalog.limits[key];
    if (limit && form.elements[key].type === 'number') Object.assign(form.elements[key], { min: String(limit.min), max: String(limit.max) });
  }
}

export function fillSettings(form, config) {
  for (const k of KEYS) form.elements[k].value = String(config[fieldOf.get(k)]);
}

/**
 * The scenario text with the form's values in its config line. Throws the engine's Error for a
 * value it refuses (`api` is the page's module, which edits config lines).
 */
export function applySettings(form, text, api) {
  const changes = KEYS.map((k) => `${k}=${String(form.elements[k].value).trim()}`).join(' ');
  return api.editConfig(text, changes);
}
