// Real traces in the browser: pick or drop a file (pages, rw or valgrind lackey; gzip too), replay
// it in a Web Worker with a progress bar and a Cancel button, and plot faults against frames for
// FIFO, LRU, CLOCK and OPT. Small traces can also be opened step by step in the simulator.
import { drawComparePlot } from './compare.js';
import { readPalette } from '../render/palette.js';

const STEP_LIMIT = 5000;
const COMPARE_POLICIES = ['fifo', 'lru', 'clock', 'opt'];

function el(tag, props = {}, ...children) {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
}

export function createTraceDialog(dialog, api, { toast, openScenario }) {
  const body = dialog.querySelector('#trace-body');
  const file = el('input', { type: 'file', id: 'trace-file', accept: '.txt,.trace,.lackey,.gz,.out,.log,text/plain,application/gzip' });
  const drop = el('div', { className: 'drop', id: 'trace-drop', tabIndex: 0 }, 'Drop a trace file here, or ', file);
  const format = el('select', { id: 'trace-format' }, ...['auto', 'pages', 'rw', 'lackey'].map((f) => new Option(f, f)));
  const pageSize = el('select', { id: 'trace-page' }, ...['256', '1024', '4096', '16384', '65536'].map((p) => new Option(p, p)));
  pageSize.value = '4096';
  const policy = el('select', { id: 'trace-policy' }, ...['fifo', 'lru', 'clock', 'nru', 'lfu', 'aging', 'random', 'opt'].map((p) => new Option(p, p)));
  policy.value = 'lru';
  const frames = el('input', { type: 'number', id: 'trace-frames', min: 1, max: 1048576, value: 16 });
  const run = el('button', { type: 'button', id: 'trace-run', className: 'primary', disabled: true }, 'Replay');
  const cancel = el('button', { type: 'button', id: 'trace-cancel', hidden: true }, 'Cancel');
  const progress = el('progress', { id: 'trace-progress', max: 1, value: 0, hidden: true });
  const status = el('p', { id: 'trace-status', className: 'muted', role: 'status' });
  const result = el('div', { id: 'trace-result' });
  const plot = el('canvas', { id: 'trace-plot', width: 640, height: 220, hidden: true });
  plot.setAttribute('aria-label', 'Page faults against frames for FIFO, LRU, CLOCK and OPT');
  const open = el('button', { type: 'button', id: 'trace-open', hidden: true }, 'Open step by step');
  const row = (label, input) => el('label', { className: 'field' }, label + ' ', input);
  body.append(
    drop,
    el('div', { className: 'settings' }, row('Format', format), row('Page size', pageSize), row('Policy', policy), row('Frames', frames), run, cancel),
    progress, status, result, plot, open,
  );

  let bytes = null;
  let name = '';
  let worker = null;

  function setFile(f) {
    if (!f) return;
    name = f.name;
    f.arrayBuffer().then((buf) => {
      bytes = new Uint8Array(buf);
      run.disabled = false;
      status.textContent = `${name}: ${bytes.length.toLocaleString()} bytes. Press Replay.`;
      result.replaceChildren();
      plot.hidden = true;
      open.hidden = true;
    });
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
    worker?.terminate();
    worker = null;
    cancel.hidden = true;
    run.disabled = !bytes;
    progress.hidden = true;
    if (message) status.textContent = message;
  }

  cancel.addEventListener('click', () => stop('Cancelled.'));

  run.addEventListener('click', () => {
    if (!bytes) return;
    stop();
    worker = new Worker(new URL('../trace-worker.js', import.meta.url), { type: 'module' });
    run.disabled = true;
    cancel.hidden = false;
    progress.hidden = false;
    progress.value = 0;
    status.textContent = `Reading ${name}…`;
    const started = performance.now();
    let length = 0;
    worker.onmessage = (m) => {
      const d = m.data;
      if (d.type === 'info') {
        length = d.length;
        status.textContent = `Replaying ${d.length.toLocaleString()} accesses (${d.format}), ${d.distinct.toLocaleString()} distinct pages…`;
      } else if (d.type === 'progress') {
        progress.value = d.done / d.total;
      } else if (d.type === 'error') {
        stop(`${name}: ${d.message}`);
      } else if (d.type === 'summary') {
        const s = d.summary;
        const rate = s.accesses ? ((100 * s.faults) / s.accesses).toFixed(2) : '0';
        result.replaceChildren(el('p', {},
          `${s.policy.toUpperCase()}, ${s.frames} frames: ${s.accesses.toLocaleString()} accesses, ${s.hits.toLocaleString()} hits, `
          + `${s.faults.toLocaleString()} page faults (${rate}%: ${s.minor_faults} minor, ${s.major_faults} major), `
          + `${s.swap_outs.toLocaleString()} swap-outs, ${s.distinct_pages.toLocaleString()} distinct pages.`));
        open.hidden = length > STEP_LIMIT;
        status.textContent = 'Comparing FIFO, LRU, CLOCK and OPT over a range of frame counts…';
      } else if (d.type === 'compare') {
        plot.hidden = false;
        drawComparePlot(plot, { policies: d.policies, frames: d.frames, faults: d.faults, palette: readPalette(), current: Number(frames.value) });
        stop(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s. Faults against frames for each policy:`);
        dialog.dataset.done = 'true';
      }
    };
    worker.onerror = (e) => stop(`The replay failed: ${e.message}`);
    worker.postMessage({
      bytes: bytes.slice().buffer,
      format: format.value,
      pageSize: Number(pageSize.value),
      policy: policy.value,
      frames: Number(frames.value),
      policies: COMPARE_POLICIES,
    });
  });

  open.addEventListener('click', () => {
    try {
      const session = new api.TraceSession(bytes, format.value, Number(pageSize.value));
      const text = session.toScenario(policy.value, Number(frames.value), STEP_LIMIT);
      session.free();
      dialog.close();
      openScenario(text);
      toast(`${name} opened step by step.`);
    } catch (e) {
      status.textContent = e.message;
    }
  });

  dialog.addEventListener('close', () => stop());

  return {
    open() {
      dialog.showModal();
    },
  };
}
