// Each WebAssembly module holds what its user needs: the trace worker's and link maker's modules
// hold what the page loads only when it needs it. (What the user waits for, the first view over a
// slow link, is measured by the browser tests and the bench, not by a byte count here.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www', 'pkg');

test('trace code lives in the worker module, links and comparisons in modules of their own', () => {
  const glue = readFileSync(join(pkg, 'pagesim.js'), 'utf8');
  assert.doesNotMatch(glue, /class TraceSession/, 'no trace code in the page module');
  assert.match(readFileSync(join(pkg, 'pagesim_trace.js'), 'utf8'), /class TraceSession/);
  // Making and reading links (deflate, base64) and editing config lines are the small module the
  // page loads on its first link (issue 11 moved reading and editing there to make room).
  const linksGlue = readFileSync(join(pkg, 'pagesim_links.js'), 'utf8');
  for (const f of ['encodeLink', 'decodeLink', 'editConfig']) {
    assert.doesNotMatch(glue, new RegExp(`export function ${f}\\b`), `${f} is not in the page module`);
    assert.match(linksGlue, new RegExp(`export function ${f}\\b`));
  }
  // The comparison plot runs scenarios under every policy, in a module of its own (in the trace
  // module it slowed the trace replay: issue 11).
  assert.doesNotMatch(glue, /export function compareScenario\b/);
  assert.doesNotMatch(readFileSync(join(pkg, 'pagesim_trace.js'), 'utf8'), /export function compareScenario\b/);
  assert.match(readFileSync(join(pkg, 'pagesim_compare.js'), 'utf8'), /export function compareScenario\b/);
});
