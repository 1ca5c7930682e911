// The README's JavaScript API example, run as written (only the module loading differs: node
// reads the wasm file), with every shape its comments document checked against what comes back,
// so the README cannot drift from the API again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = await import(join(root, 'www', 'pkg', 'pagesim.js'));
pkg.initSync({ module: readFileSync(join(root, 'www', 'pkg', 'pagesim_bg.wasm')) });

/** The keys a documented shape names: `{a, b: […], c}` → {a: null, b: '[…]', c: null}. */
function shapeKeys(shape) {
  const inner = shape.trim().replace(/^\{|\}$/g, '');
  const parts = [];
  let depth = 0, cur = '';
  for (const ch of inner) {
    if ('[{'.includes(ch)) depth++;
    if (']}'.includes(ch)) depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p && p !== '…')
    .map((p) => { const i = p.indexOf(':'); return i < 0 ? [p, null] : [p.slice(0, i).trim(), p.slice(i + 1).trim()]; });
}

/** Checks `value` against a documented shape such as `[{step, events: [{type, …}]}]`. */
function checkShape(value, shape, where) {
  shape = shape.trim();
  if (shape.startsWith('[')) {
    assert.ok(Array.isArray(value), `${where}: an array`);
    assert.ok(value.length > 0, `${where}: not empty`);
    const element = shape.slice(1, -1).trim();
    if (element.startsWith('{')) checkShape(value[0], element, `${where}[0]`);
    return;
  }
  assert.equal(typeof value, 'object', `${where}: an object`);
  for (const [key, sub] of shapeKeys(shape)) {
    assert.ok(key in value, `${where} has "${key}" (it has ${Object.keys(value).join(', ')})`);
    if (sub && sub !== '[…]') checkShape(value[key], sub, `${where}.${key}`);
    if (sub === '[…]') assert.ok(Array.isArray(value[key]), `${where}.${key}: an array`);
  }
}

test("the README's JavaScript example runs and returns the shapes it documents", async () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### JavaScript API'));
  const code = section.match(/```js\n([\s\S]*?)```/)[1];
  const lines = code.split('\n').filter((l) => !/^import |^await init\(\)/.test(l));
  assert.ok(lines.length > 5, 'the example was found');
  let checked = 0;
  const body = lines.map((line) => {
    const m = line.match(/^(.*?);\s*\/\/\s*(.*)$/);
    if (!m) return line;
    const [, statement, comment] = m;
    if (/^\[?\{/.test(comment)) {
      checked++;
      return `check(${statement}, ${JSON.stringify(comment)}, ${JSON.stringify(statement.trim())});`;
    }
    if (/^sim\.read/.test(statement.trim())) return `reads.push(${statement});`;
    return `${statement};`;
  }).join('\n');
  const reads = [];
  const run = new Function('Simulator', 'check', 'reads', body);
  run(pkg.Simulator, checkShape, reads);
  assert.equal(checked, 2, 'events() and stats() were checked');
  assert.deepEqual(reads, [42], 'the byte written is read back');
});
