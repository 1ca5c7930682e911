// Trace work off the main thread, with the trace module (www/pkg/pagesim_trace.js). Each worker
// reads the file itself, so several run side by side; the main thread cancels by terminating them.
//   {job: 'replay', policy, frames}  the chosen replay (progress, summary), then the LRU and OPT
//                                    curves for every frame count (one pass each)
//   {job: 'sampled', policies}       FIFO / CLOCK faults at the trace's sample frame counts
//   {job: 'window', start, policy, frames}  a window of the trace as a scenario
import init, { TraceSession } from '../pkg/pagesim_trace.js';

const SLICE = 100_000;
const MAX_CURVE = 65_536;
const OPT_BUDGET = 200_000_000;
const ready = init();

onmessage = async ({ data }) => {
  await ready;
  let session;
  try {
    session = new TraceSession(new Uint8Array(data.bytes), data.format, data.pageSize);
  } catch (err) {
    postMessage({ type: 'error', message: err.message });
    return;
  }
  try {
    if (data.job === 'replay') replayJob(session, data);
    else if (data.job === 'sampled') sampledJob(session, data);
    else if (data.job === 'window') {
      postMessage({ type: 'scenario', text: session.toScenario(data.policy, data.frames, data.start, data.limit) });
    }
  } catch (err) {
    postMessage({ type: 'error', message: err.message });
  } finally {
    session.free();
  }
};

function replayJob(session, { policy, frames }) {
  const length = session.length;
  const distinct = session.distinct;
  postMessage({ type: 'info', length, format: session.format, distinct });
  session.start(policy, frames);
  let lastPost = 0;
  while (!session.done) {
    session.advance(SLICE);
    const now = performance.now();
    if (now - lastPost > 50) {
      postMessage({ type: 'progress', part: 'replay', done: session.position / length });
      lastPost = now;
    }
  }
  postMessage({ type: 'summary', summary: session.summary() });
  const max = Math.max(1, Math.min(distinct, MAX_CURVE));
  const every = Float64Array.from({ length: max }, (_, i) => i + 1);
  postMessage({ type: 'curve', policy: 'lru', frames: every, faults: session.lruCurve(max) });
  // OPT's one pass costs each access's depth: cheap with locality, too slow without. Past the
  // budget, OPT is simulated at the sample sizes like FIFO and CLOCK.
  const opt = session.optCurve(max, OPT_BUDGET);
  if (opt) {
    postMessage({ type: 'curve', policy: 'opt', frames: every, faults: opt });
  } else {
    const sizes = session.sampleSizes();
    postMessage({ type: 'curve', policy: 'opt', frames: sizes, faults: session.faultsAt('opt', Array.from(sizes)) });
  }
}

function sampledJob(session, { policies }) {
  const sizes = session.sampleSizes();
  for (const p of policies) {
    postMessage({ type: 'curve', policy: p, frames: sizes, faults: session.faultsAt(p, Array.from(sizes)) });
  }
}
