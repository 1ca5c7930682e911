// The pages fetch their whole first view at once: index.html and embed.html preload exactly the
// modules js/app.js imports and the page's WebAssembly (a module the HTML does not list costs the
// first view a round trip per import level; one it lists but no longer imports wastes bytes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { preloadLines, importClosure, www } from '../../tools/preloads.mjs';

for (const page of ['index.html', 'embed.html']) {
  test(`${page} preloads exactly the first view's modules`, () => {
    const html = readFileSync(join(www, page), 'utf8');
    const listed = html.split('\n').filter((l) => /^<link rel="(modulepreload|preload)"/.test(l));
    assert.deepEqual(listed, preloadLines(), `update ${page}'s lines with: node tools/preloads.mjs`);
  });
}

test('the closure follows imports through the generated glue into its snippets', () => {
  const files = importClosure();
  assert.ok(files.includes('pkg/pagesim.js') && files.some((f) => f.startsWith('pkg/snippets/')), files.join(' '));
  assert.equal(files.at(-1), 'js/app.js');
  assert.ok(!files.some((f) => f.includes('pagesim_trace') || f.includes('pagesim_compare')), 'on-demand modules stay out');
});
