// The first view's files, for index.html's and embed.html's <link rel="modulepreload"> lines:
// every module js/app.js imports (transitively, statically) and the page's WebAssembly. With
// them in the HTML the browser fetches the whole first view at once instead of discovering it
// one import level (one round trip) at a time. tests/js/preload.test.mjs checks both pages list
// exactly these; after changing an import, print them again:
//   node tools/preloads.mjs
import { readFileSync } from 'node:fs';
import { join, dirname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const www = join(dirname(fileURLToPath(import.meta.url)), '..', 'www');

/** Paths (relative to www/) of `entry` and every module it imports statically, imports first. */
export function importClosure(entry = 'js/app.js') {
  const seen = new Set();
  const order = [];
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(join(www, file), 'utf8');
    // `import … from '…'`, `export … from '…'` and `import '…'` (not `import(…)`, loaded on demand).
    for (const m of source.matchAll(/^\s*(?:import|export)\s[^;]*?\sfrom\s+['"]([^'"]+)['"]|^\s*import\s+['"]([^'"]+)['"]/gm)) {
      visit(normalize(join(dirname(file), m[1] ?? m[2])));
    }
    order.push(file);
  };
  visit(entry);
  return order;
}

/** The <link> lines the pages carry. */
export function preloadLines() {
  return [
    ...importClosure().map((f) => `<link rel="modulepreload" href="${f}">`),
    '<link rel="preload" href="pkg/pagesim_bg.wasm" as="fetch" type="application/wasm" crossorigin>',
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(preloadLines().join('\n'));
