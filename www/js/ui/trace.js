// Real traces in the browser: pick or drop a file (pages, rw or valgrind lackey; gzip too), replay
// it off the main thread with a progress bar and a Cancel button, and plot faults against frames:
// LRU and OPT for every frame count (stack algorithms: one pass each), FIFO and CLOCK at sample
// frame counts (simulated, in workers that take the pages the first one parsed: as many as the
// machine has cores, up to three). Any window of the trace (up to the engine's limit, 5,000
// accesses) opens step by step.
import { drawComparePlot, compareTable } from './compare.js';
import { readPalette } from '../render/palette.js';


function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

export function createTraceDialog(dialog, api, { toast, openScenario, catalog }) {
  // The curves are spread over the curve workers, which start from the replay worker's dense
  // page ids while it replays (on two cores, the replay and the curves take about as long).
  const compared = catalog.compared;
  const defaults = catalog.defaults;
  const body = dialog.querySelector('#trace-body');
  const file = el('input', { type: 'file', id: 'trace-file', accept: '.txt,.trace,.lackey,.gz,.out,.log,text/plain,application/gzip' });
  file.setAttribute('aria-label', 'Trace file');
  const drop = el('div', { className: 'drop', id: 'trace-drop', tabIndex: 0 }, 'Drop a trace file here, or ', file);
  const format = el('select', { id: 'trace-format' }, ...['auto', 'pages', 'rw', 'lackey'].map((f) => new Option(f, f)));
  const pageSize = el('select', { id: 'trace-page' }, ...catalog.pageSizes.map(([b, label]) => new Option(label, String(b))));
  pageSize.value = String(defaults.page_size);
  const policy = el('select', { id: 'trace-policy' }, ...catalog.policies.map((p) => new Option(p.name, p.name)));
  policy.value = defaults.policy;
  const frames = el('input', { type: 'number', id: 'trace-frames', ...catalog.limits.frames, value: 16 });
  const run = el('button', { type: 'button', id: 'trace-run', className: 'primary', disabled: true }, 'Replay');
  const cancel = el('button', { type: 'button', id: 'trace-cancel', hidden: true }, 'Cancel');
  const progress = el('progress', { id: 'trace-progress', max: 1, value: 0, hidden: true });
  progress.setAttribute('aria-label', 'Replay progress');
  const status = el('p', { id: 'trace-status', className: 'muted', role: 'status' });
  const result = el('div', { id: 'trace-result' });
  const plot = el('canvas', { id: 'trace-plot', width: 640, height: 240, hidden: true });
  plot.setAttribute('role', 'img');
  plot.setAttribute('aria-label', `Page faults against frames for ${compared.map((p) => p.toUpperCase()).join(', ')}`);
  // The plot's numbers, to read values off (and for screen readers).
  const numbers = el('details', { id: 'trace-numbers', className: 'compare-numbers', hidden: true }, el('summary', {}, 'The numbers'));
  const start = el('input', { type: 'number', id: 'trace-start', min: 1, value: 1 });
  const open = el('button', { type: 'button', id: 'trace-open' }, 'Open step by step');
  const windowNote = el('span', { id: 'trace-window-note', className: 'muted' });
  const windowRow = el('p', { id: 'trace-window', hidden: true },
    el('label', { className: 'field' }, 'From access ', start), ' ', open, ' ', windowNote);
  const row = (label, input) => el('label', { className: 'field' }, label + ' ', input);
  body.append(
    drop,
    el('div', { className: 'settings' }, row('Format', format), row('Page size', pageSize), row('Policy', policy), row('Frames', frames), run, cancel),
    progress, status, result, plot, numbers, windowRow,
  );

  let blob = null; // the file: each worker reads it itself (nothing is copied on the main thread)
  let name = '';
  let workers = [];
  let spares = []; // workers started ahead of a replay, so their module is loaded and warm
  let length = 0;
  let windowSize = 0; // most accesses opened step by step (the engine's limit, from the worker)

  function setFile(f) {
    if (!f) return;
    stop();
    name = f.name;
    blob = f;
    run.disabled = false;
    startWorkers();
    status.textContent = `${name}: ${f.size.toLocaleString()} bytes. Press Replay.`;
    result.replaceChildren();
    plot.hidden = true;
    numbers.hidden = true;
    windowRow.hidden = true;
    delete dialog.dataset.done;
  }

  file.addEventListener('change', () => setFile(file.files[0]));
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    setFile(e.dataTransfer.files[0]);
  });

  function stop(message) {
    for (const w of workers) w.terminate();
    workers = [];
    cancel.hidden = true;
    run.disabled = !blob;
    progress.hidden = true;
    if (message) status.textContent = message;
    if (dialog.open) startWorkers(); // for the next replay
  }

  cancel.addEventListener('click', () => stop('Cancelled.'));

  const newWorker = () => new Worker(new URL('../trace-worker.js', import.meta.url), { type: 'module' });

  /** A replay uses one worker per core (at least two): they start (and warm up) ahead of it. */
  function startWorkers() {
    while (spares.length < Math.max(2, navigator.hardwareConcurrency || 2)) spares.push(newWorker());
  }

  /** A worker; its messages go to `onMessage`. Post it a job with `send`. */
  function worker(onMessage) {
    const w = spares.pop() ?? newWorker();
    w.onmessage = (m) => onMessage(m.data, w);
    w.onerror = (e) => stop(`The replay failed: ${e.message}`);
    workers.push(w);
    return w;
  }

  /** The file's job for a worker (a File is a handle: posting it copies nothing). */
  const fileJob = (job) => ({ ...job, file: blob, format: format.value, pageSize: Number(pageSize.value) });

  run.addEventListener('click', () => {
    if (!blob) return;
    stop();
    delete dialog.dataset.done;
    run.disabled = true;
    cancel.hidden = false;
    progress.hidden = false;
    progress.value = 0;
    plot.hidden = true;
    windowRow.hidden = true;
    result.replaceChildren();
    status.textContent = `Reading ${name}…`;
    const started = performance.now();
    const curves = new Map();
    let replayed = 0;
    let summary = null;
    const show = () => {
      // Progress: the replay, then each of the four curves.
      progress.value = (replayed + curves.size) / (1 + compared.length);
      if (!summary || curves.size < compared.length) return;
      plot.hidden = false;
      const series = compared.map((p) => ({ policy: p, ...curves.get(p) }));
      drawComparePlot(plot, { series, palette: readPalette(), current: Number(frames.value) });
      numbers.replaceChildren(numbers.querySelector('summary'), compareTable(series));
      numbers.hidden = false;
      const every = compared.filter((p) => curves.get(p).full);
      const sampled = compared.filter((p) => !every.includes(p));
      const names = (list) => list.map((p) => p.toUpperCase()).join(' and ');
      stop(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s. Page faults against frames: `
        + [every.length ? `${names(every)} for every frame count` : '', sampled.length ? `${names(sampled)} at the frame counts marked` : '']
          .filter(Boolean).join(', ') + '.');
      dialog.dataset.done = 'true';
    };
    // The curves go one at a time to whichever worker is free: the curve workers once they have
    // the ids, the replay worker once it has replayed.
    const pending = [...compared];
    const nextCurve = (w) => {
      if (pending.length) w.postMessage({ job: 'curve', policy: pending.shift() });
    };
    const onMessage = (d, from) => {
      if (d.type === 'error' && d.tooLong) {
        // Longer than a whole read takes (a gzip file that expands a great deal): as it reads.
        stop();
        run.disabled = true;
        cancel.hidden = false;
        progress.hidden = false;
        streamReplay('too long to read whole for the curves');
      } else if (d.type === 'error') {
        stop(`${name}: ${d.message}`);
      } else if (d.type === 'info') {
        length = d.length;
        windowSize = d.window;
        if (!length) {
          stop(`${name}: the trace has no accesses.`);
          return;
        }
        status.textContent = `Replaying ${d.length.toLocaleString()} accesses (${d.format}) to ${d.distinct.toLocaleString()} distinct pages…`;
        showWindow();
      } else if (d.type === 'dense') {
        // Each curve worker gets its own copy of the ids (the last one takes the original).
        helpers.forEach((w, i) => {
          const ids = i === helpers.length - 1 ? d.ids : d.ids.slice();
          w.postMessage({ job: 'dense', ids }, [ids.buffer]);
          nextCurve(w);
        });
      } else if (d.type === 'progress') {
        replayed = d.done;
        show();
      } else if (d.type === 'summary') {
        summary = d.summary;
        replayed = 1;
        result.replaceChildren(el('p', {}, describeSummary(summary)));
        nextCurve(from);
        show();
      } else if (d.type === 'curve') {
        curves.set(d.policy, { frames: Array.from(d.frames), faults: Array.from(d.faults), full: d.full });
        nextCurve(from);
        show();
      }
    };
    // The curve workers wait for the first one's dense page ids ('dense' above): one on two
    // cores, up to one a curve with more.
    // Too large to read whole: replayed as it is read (no curves, no step-by-step window).
    const streamReplay = (why) => {
      status.textContent = `Replaying ${name} as it is read (${why})…`;
      worker((d) => {
        if (d.type === 'error') {
          stop(`${name}: ${d.message}`);
        } else if (d.type === 'progress') {
          progress.value = d.done;
          status.textContent = `Replaying ${name} as it is read: ${d.accesses.toLocaleString()} accesses so far…`;
        } else if (d.type === 'summary') {
          result.replaceChildren(el('p', {}, describeSummary(d.summary)));
          stop(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s, replayed as read: `
            + 'a trace too long to read whole has no curves here (`pagesim trace FILE --curve` draws them).');
          dialog.dataset.done = 'true';
        }
      }).postMessage(fileJob({ job: 'stream', policy: policy.value, frames: Number(frames.value) }));
    };
    if (blob.size > catalog.limits.pageTraceWhole.max) {
      streamReplay(`${(blob.size / 2 ** 20).toFixed(0)} MiB: too large to read whole for the curves`);
      return;
    }
    const cores = navigator.hardwareConcurrency || 2;
    const helpers = Array.from({ length: Math.max(1, Math.min(compared.length, cores - 1)) }, () => worker(onMessage));
    worker(onMessage).postMessage(fileJob({ job: 'replay', policy: policy.value, frames: Number(frames.value) }));
  });

  function showWindow() {
    windowRow.hidden = false;
    start.max = String(Math.max(1, length));
    if (length <= windowSize) {
      start.value = '1';
      start.parentElement.hidden = true;
      windowNote.textContent = `all ${length.toLocaleString()} accesses`;
    } else {
      start.parentElement.hidden = false;
      windowNote.textContent = `${windowSize.toLocaleString()} accesses from there: the trace has ${length.toLocaleString()}, `
        + `and at most ${windowSize.toLocaleString()} are opened step by step`;
    }
  }

  open.addEventListener('click', () => {
    const from = Math.max(1, Math.min(Number(start.value) || 1, length || 1));
    // A worker of its own, not one of the replay's: the replay finishing (which stops its
    // workers) must not take the window's answer with it.
    const w = spares.pop() ?? newWorker();
    w.onerror = (e) => { status.textContent = `The window failed: ${e.message}`; };
    w.onmessage = ({ data: d }) => {
      w.terminate();
      if (d.type === 'error') {
        status.textContent = d.message;
        return;
      }
      dialog.close();
      openScenario(d.text);
      const to = Math.min(length, from + windowSize - 1);
      toast(length > windowSize ? `${name}: accesses ${from.toLocaleString()}–${to.toLocaleString()} opened step by step.`
        : `${name} opened step by step.`);
    };
    w.postMessage(fileJob({ job: 'window', start: from - 1, policy: policy.value, frames: Number(frames.value) }));
  });

  dialog.addEventListener('close', () => {
    stop();
    for (const w of spares) w.terminate();
    spares = [];
  });

  return {
    open() {
      dialog.showModal();
      startWorkers();
    },
  };
}

function describeSummary(s) {
  const n = (x) => x.toLocaleString();
  const rate = s.accesses ? ((100 * s.faults) / s.accesses).toFixed(2) : '0';
  return `${s.policy.toUpperCase()}, ${n(s.frames)} frames: ${n(s.accesses)} accesses, ${n(s.hits)} hits, `
    + `${n(s.faults)} page faults (${rate}%: ${n(s.minor_faults)} minor, ${n(s.major_faults)} major), `
    + `${n(s.swap_outs)} swap-outs, ${n(s.distinct_pages)} distinct pages.`;
}
