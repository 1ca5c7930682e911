// Each WebAssembly module holds what its user needs: the page's makes and reads links (a shared
// link's first view needs no second module), the trace worker's and the comparison plot's hold
// what the page loads only when it needs it. (What the user waits for, the first view over a
// slow link, is measured by the browser tests and the bench, not by a byte count here.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www', 'pkg');

test('trace code lives in the worker module, comparisons in a module of their own, links in the page\'s', () => {
  const glue = readFileSync(join(pkg, 'pagesim.js'), 'utf8');
  assert.doesNotMatch(glue, /class TraceSession/, 'no trace code in the page module');
  assert.match(readFileSync(join(pkg, 'pagesim_trace.js'), 'utf8'), /class TraceSession/);
  for (const f of ['encodeLink', 'decodeLink', 'shareUrl', 'editConfig']) {
    assert.match(glue, new RegExp(`export function ${f}\\b`), `${f} is in the page module`);
  }
  // The exercises and reference strings load on demand, with the comparison plot: the first view
  // does not wait for their code.
  for (const f of ['exerciseScenario', 'tlbExercise', 'translateExercise', 'refsScenario']) {
    assert.doesNotMatch(glue, new RegExp(`export function ${f}\\b`), `${f} is not in the page module`);
    assert.match(readFileSync(join(pkg, 'pagesim_compare.js'), 'utf8'), new RegExp(`export function ${f}\\b`));
  }
  assert.ok(!existsSync(join(pkg, 'pagesim_links.js')), 'no separate links module');
  // The comparison plot runs scenarios under every policy, in a module of its own (in the trace
  // module it slowed the trace replay: issue 11).
  assert.doesNotMatch(glue, /export function compareScenario\b/);
  assert.doesNotMatch(readFileSync(join(pkg, 'pagesim_trace.js'), 'utf8'), /export function compareScenario\b/);
  assert.match(readFileSync(join(pkg, 'pagesim_compare.js'), 'utf8'), /export function compareScenario\b/);
});

test('the modules do not carry where they were built', () => {
  const home = process.env.HOME ?? '/root';
  const checkout = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  for (const name of ['pagesim_bg.wasm', 'pagesim_trace_bg.wasm', 'pagesim_compare_bg.wasm']) {
    const text = readFileSync(join(pkg, name)).toString('latin1');
    assert.ok(!text.includes('registry/src/index.crates.io'), `${name} names the cargo registry`);
    assert.ok(!text.includes(checkout), `${name} names the checkout ${checkout}`);
    assert.ok(!text.includes(`${home}/.cargo`), `${name} names ${home}/.cargo`);
  }
});
