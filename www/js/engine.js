// The one place that loads the WebAssembly module. Everything else imports from here.
import init, * as api from '../pkg/pagesim.js';

let memory = null;

/** Loads the module once; returns the API plus the codes and layouts the engine exports. */
export async function loadEngine() {
  if (!memory) {
    const exports = await init();
    memory = exports.memory;
  }
  return { api, states: api.pageStates(), layout: api.viewLayout() };
}

/** Bytes of WebAssembly memory now (it grows and never shrinks): for tests and the curious. */
export function memoryBytes() {
  return memory.buffer.byteLength;
}
