// Trace work off the main thread, with the trace module (www/pkg/pagesim_trace.js). The main
// thread cancels by terminating the workers. A worker keeps its trace between jobs.
//   {job: 'replay', file, format, pageSize, policy, frames}
//        reads and parses the file, posts the pages renumbered densely ('dense', for the curve
//        workers), replays it (progress, summary)
//   {job: 'dense', ids}
//        takes the trace from those ids (no replay), for curves
//   {job: 'curve', policy}
//        the fault curve of `policy` for the trace the worker holds
//   {job: 'window', file, format, pageSize, start, policy, frames}
//        a window of the trace as a scenario
//   {job: 'stream', file, format, pageSize, policy, frames}
//        a file too large to read whole, replayed as it is read (gzip through the browser's
//        DecompressionStream): progress, summary; no curves
// A curve is for every frame count when the policy is a stack algorithm (LRU, OPT: one pass),
// else at the trace's sample frame counts. The page runs one 'replay' and
// hands out the curves one at a time to whichever worker is free; the file is parsed once.
import init, { TraceSession, TraceStream } from '../pkg/pagesim_trace.js';

const SLICE = 100_000;
const ready = init().then(warmUp);

// Browsers compile WebAssembly in two tiers and swap in the optimised code only between calls,
// so a parse or a curve that is one long call would run on the slow baseline code throughout
// (measured: the 2M-access trace's replay and curves took 1.7× as long). A small trace through
// every path, twice, while the user is still choosing a file (the dialog starts its workers when
// it opens), makes the real ones run optimised. It costs about 0.2 s of a worker's time.
function warmUp() {
  const lines = Array.from({ length: 20_000 }, (_, i) => `R ${((i * 4160) % 3_000_000).toString(16)}`);
  const text = new TextEncoder().encode(lines.join('\n'));
  for (let round = 0; round < 2; round++) {
    new TraceSession(text, 'rw', 4096).free();
    const replay = TraceSession.synthetic(50_000, 64);
    replay.start('lru', 64);
    replay.advance(50_000);
    replay.summary();
    const curves = TraceSession.fromDense(replay.denseIds());
    for (const policy of ['lru', 'opt']) curves.stackCurve(policy);
    for (const policy of ['fifo', 'clock', 'opt']) curves.faultsAt(policy, [1, 8, 64]);
    curves.free();
    replay.free();
  }
}

let session = null;

onmessage = async ({ data }) => {
  await ready;
  try {
    if (data.job === 'curve') {
      postCurve(session, data.policy);
      return;
    }
    if (data.job === 'stream') {
      session?.free();
      session = null;
      await streamJob(data);
      return;
    }
    session?.free();
    session = null;
    session = data.job === 'dense'
      ? TraceSession.fromDense(data.ids)
      : new TraceSession(new Uint8Array(await data.file.arrayBuffer()), data.format, data.pageSize);
    if (data.job === 'replay') replayJob(session, data);
    else if (data.job === 'window') {
      postMessage({ type: 'scenario', text: session.toScenario(data.policy, data.frames, data.start) });
    }
  } catch (err) {
    postMessage({ type: 'error', message: err.message, tooLong: Boolean(err.tooLong) });
  }
};

function replayJob(session, { policy, frames }) {
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
}

function postCurve(session, policy) {
  // The engine says which policies have a one-pass curve (null: simulate at the sample sizes).
  const full = session.stackCurve(policy);
  if (full) {
    const every = Float64Array.from({ length: session.curveLength }, (_, i) => i + 1);
    postMessage({ type: 'curve', policy, full: true, frames: every, faults: full });
  } else {
    const sizes = session.sampleSizes();
    postMessage({ type: 'curve', policy, full: false, frames: sizes, faults: session.faultsAt(policy, Array.from(sizes)) });
  }
}

/** Replays `file` as it is read: memory is the machine's, whatever the file's size. */
async function streamJob({ file, format, pageSize, policy, frames }) {
  const replay = new TraceStream(format, pageSize, policy, frames);
  try {
    const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
    let read = 0; // bytes of the file read so far (compressed ones, for a gzip file)
    let text = file.stream().pipeThrough(new TransformStream({
      transform(piece, out) { read += piece.length; out.enqueue(piece); },
    }));
    if (head[0] === 0x1f && head[1] === 0x8b) text = text.pipeThrough(new DecompressionStream('gzip'));
    const reader = text.getReader();
    let lastPost = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      replay.push(value);
      const now = performance.now();
      if (now - lastPost > 100) {
        postMessage({ type: 'progress', part: 'stream', done: read / Math.max(1, file.size), accesses: replay.accesses });
        lastPost = now;
      }
    }
    postMessage({ type: 'summary', summary: replay.finish(), streamed: true });
  } finally {
    replay.free();
  }
}
