// Replays traces off the main thread, so the page stays responsive. The same wasm module as the
// page; the main thread cancels a run by terminating this worker.
import init, { TraceSession } from '../pkg/pagesim.js';
import { frameSteps } from './trace-frames.js';

const CHUNK = 50_000;
const ready = init();

onmessage = async (e) => {
  await ready;
  const { bytes, format, pageSize, policy, frames, policies } = e.data;
  let session;
  try {
    session = new TraceSession(new Uint8Array(bytes), format, pageSize);
  } catch (err) {
    postMessage({ type: 'error', message: err.message });
    return;
  }
  // The footprint decides which frame counts to compare.
  session.start('fifo', 1);
  const distinct = session.summary().distinct_pages;
  const frameList = frameSteps(distinct);
  postMessage({ type: 'info', length: session.length, format: session.format, distinct, frames: frameList });
  const runs = 1 + policies.length * frameList.length;
  const total = session.length * runs;
  let done = 0;
  let lastPost = 0;
  const replay = (p, f) => {
    session.start(p, f);
    while (!session.done) {
      done += session.advance(CHUNK);
      const now = performance.now();
      if (now - lastPost > 60) {
        postMessage({ type: 'progress', done, total });
        lastPost = now;
      }
    }
    return session.summary();
  };
  try {
    const summary = replay(policy, frames);
    postMessage({ type: 'summary', summary, format: session.format, length: session.length });
    const faults = policies.map((p) => frameList.map((f) => replay(p, f).faults));
    postMessage({ type: 'compare', policies, frames: frameList, faults });
  } catch (err) {
    postMessage({ type: 'error', message: err.message });
  } finally {
    session.free();
  }
};
