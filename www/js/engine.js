// Where the page loads its WebAssembly modules (the page's, and the comparison module on demand);
// the trace worker loads the trace module itself (trace-worker.js).
import init, * as api from '../pkg/pagesim.js';

let memory = null;
let analysis = null;

/** Loads the page's module once; returns the API plus the codes and layouts the engine exports. */
export async function loadEngine() {
  if (!memory) {
    const exports = await init();
    memory = exports.memory;
  }
  return { api, states: api.pageStates(), layout: api.viewLayout(), catalog: api.catalog() };
}

/**
 * The comparison module (`compareScenario`: a scenario under every policy and size), loaded the
 * first time a comparison plot is shown.
 */
export function loadAnalysis() {
  analysis ??= import('../pkg/pagesim_compare.js').then(async (m) => {
    await m.default();
    return m;
  });
  return analysis;
}

/** Bytes of WebAssembly memory now (it grows and never shrinks): for tests and the curious. */
export function memoryBytes() {
  return memory.buffer.byteLength;
}
