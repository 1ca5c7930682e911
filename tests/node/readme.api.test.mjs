// The README's JavaScript API section names the real API: every call it writes as
// `name(arg, …)` is a function or method of the generated modules (www/pkg/*.d.ts) with exactly
// those arguments, in order (camelCase; the README marks optional ones `arg?`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = join(root, 'www', 'pkg');
const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** name → [parameter lists], from every declaration file (a name may be a method of two classes). */
function declarations() {
  const out = new Map();
  for (const f of readdirSync(pkg).filter((f) => f.endsWith('.d.ts'))) {
    const text = readFileSync(join(pkg, f), 'utf8');
    // Methods and functions; the low-level `readonly x: (a: number, …) => …` table is skipped.
    for (const m of text.matchAll(/^\s*(?:export function |static |)([A-Za-z_$][\w$]*)\(([^)]*)\):/gm)) {
      const params = m[2].split(',').map((p) => p.trim().split(/[?:]/)[0].trim()).filter(Boolean).map(camel);
      if (!out.has(m[1])) out.set(m[1], []);
      out.get(m[1]).push(params);
    }
  }
  return out;
}

test('every call the README\'s JavaScript API section writes out exists with its arguments in order', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### JavaScript API'), readme.indexOf('\n## ', readme.indexOf('### JavaScript API')));
  const decls = declarations();
  assert.ok(decls.has('viewCells') && decls.has('allocate'), 'the declarations were read');
  let checked = 0;
  const wrong = [];
  // Inline code spans like `viewCells(pid, firstVpn, pagesPerCell, cells)`: arguments are names.
  for (const m of section.matchAll(/`(?:[\w.]+\.)?([A-Za-z_$][\w$]*)\(([\w$?, ]*)\)`/g)) {
    const [, name, argText] = m;
    if (!decls.has(name)) continue; // e.g. import(), a JavaScript built-in
    const args = argText.split(',').map((a) => a.trim().replace(/\?$/, '')).filter(Boolean);
    const fits = decls.get(name).some((params) => params.length === args.length && args.every((a, i) => params[i] === a));
    if (!fits) wrong.push(`README writes ${name}(${args.join(', ')}); the module has ${decls.get(name).map((p) => `${name}(${p.join(', ')})`).join(' or ')}`);
    checked += 1;
  }
  assert.deepEqual(wrong, []);
  assert.ok(checked >= 15, `only ${checked} calls checked`);
});
