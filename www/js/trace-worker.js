// Trace work off the main thread, with the trace module (www/pkg/pagesim_trace.js). The main
// thread cancels by terminating the workers.
//   {job: 'replay', file, format, pageSize, policy, frames, curves}
//        reads and parses the file, posts the pages renumbered densely ('dense', for the curve
//        workers), replays it (progress, summary), then the fault curves of `curves`
//   {job: 'curves', ids, curves}
//        from those ids, the fault curves of `curves`
// A curve is for every frame count when the policy is a stack algorithm (one pass; OPT within
// its work budget), else at the trace's sample frame counts.
//   {job: 'window', file, format, pageSize, start, policy, frames}
//        a window of the trace as a scenario
// The page runs 'replay' and one or more 'curves' jobs side by side; the file is parsed once.
import init, { TraceSession } from '../pkg/pagesim_trace.js';

const SLICE = 100_000;
const ready = init();

onmessage = async ({ data }) => {
  await ready;
  let session;
  try {
    session = data.job === 'curves'
      ? TraceSession.fromDense(data.ids)
      : new TraceSession(new Uint8Array(await data.file.arrayBuffer()), data.format, data.pageSize);
  } catch (err) {
    postMessage({ type: 'error', message: err.message });
    return;
  }
  try {
    if (data.job === 'replay') replayJob(session, data);
    else if (data.job === 'curves') curvesJob(session, data.curves);
    else if (data.job === 'window') {
      postMessage({ type: 'scenario', text: session.toScenario(data.policy, data.frames, data.start) });
    }
  } catch (err) {
    postMessage({ type: 'error', message: err.message });
  } finally {
    session.free();
  }
};

function replayJob(session, { policy, frames, curves }) {
  const length = session.length;
  const distinct = session.distinct;
  postMessage({ type: 'info', length, format: session.format, distinct, window: TraceSession.stepWindow() });
  if (!length) return;
  const ids = session.denseIds();
  postMessage({ type: 'dense', ids }, [ids.buffer]);
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
  curvesJob(session, curves);
}

function curvesJob(session, policies) {
  const sizes = session.sampleSizes();
  for (const policy of policies) {
    // OPT's one pass costs each access's depth: cheap with locality, too slow without; past the
    // engine's work budget it is simulated at the sample sizes like FIFO and CLOCK.
    const full = session.stackCurve(policy);
    if (full) {
      const every = Float64Array.from({ length: session.curveLength }, (_, i) => i + 1);
      postMessage({ type: 'curve', policy, full: true, frames: every, faults: full });
    } else {
      postMessage({ type: 'curve', policy, full: false, frames: sizes, faults: session.faultsAt(policy, Array.from(sizes)) });
    }
  }
}
