// Machine settings: they rewrite the scenario's `config` line, so what you set is what a shared
// link carries.

const KEYS = ['policy', 'frames', 'page', 'vbits', 'levels', 'tlb', 'swap'];

function pageLabel(bytes) {
  return bytes >= 1024 ? `${bytes / 1024}K` : String(bytes);
}

export function fillSettings(form, config) {
  const values = {
    policy: config.policy,
    frames: config.frames,
    page: pageLabel(config.page_size),
    vbits: config.va_bits,
    levels: config.levels,
    tlb: config.tlb_entries,
    swap: config.swap_slots,
  };
  for (const k of KEYS) form.elements[k].value = values[k];
}

/**
 * The scenario text with its config line replaced by the form's values (other config keys,
 * such as seed or reclaim, are kept).
 */
export function applySettings(form, text) {
  const settings = new Map(KEYS.map((k) => [k, String(form.elements[k].value).trim()]));
  const lines = text.split('\n');
  const i = lines.findIndex((l) => /^\s*config\b/i.test(l));
  const kept = [];
  if (i >= 0) {
    for (const tok of lines[i].replace(/#.*/, '').trim().split(/\s+/).slice(1)) {
      const key = tok.split('=')[0].toLowerCase();
      if (!settings.has(key)) kept.push(tok);
    }
  }
  const line = ['config', ...KEYS.map((k) => `${k}=${settings.get(k)}`), ...kept].join(' ');
  if (i >= 0) lines[i] = line;
  else lines.unshift(line);
  return lines.join('\n');
}
