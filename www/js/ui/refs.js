// Reference strings typed in (README, *The page*): a string and a frame count, and the exam grids
// of up to three policies side by side (`table.grid[data-policy]`, faulting accesses marked
// `data-fault`). The first policy's run is the page's, so stepping and predict mode work on top:
// each grid fills its columns up to the step the page is at. The scenarios and the grids are the
// engine's (`refsScenario`, in the module loaded on demand, and `sim.grid()`).

const MAX_POLICIES = 3;

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

export function createRefs(box, { api, loadExercises, catalog, load, follow }) {
  const $ = (sel) => box.querySelector(sel);
  const form = $('#refs-form');
  const policies = $('#refs-policies');
  for (const p of catalog.policies) {
    const input = el('input', { type: 'checkbox', value: p.name, checked: ['fifo', 'lru', 'opt'].includes(p.name) });
    policies.append(el('label', {}, input, ` ${p.name.toUpperCase()}`));
  }
  $('#refs-frames').max = String(catalog.limits.exerciseFrames.max);
  let current = null; // {refs, frames, policies, grids: [{policy, grid, table}]}
  let ex = null; // the module with refsScenario, once loaded
  // Opening the panel fetches it, so the first Open does not wait for the network.
  box.addEventListener('toggle', () => { if (box.open) loadExercises(); });

  const chosen = () => [...policies.querySelectorAll('input:checked')].map((i) => i.value);
  const error = (message) => { $('#refs-error').textContent = message; };

  /** Opens `refs` (typed text) with `frames` under `list` (policy names); false on an error. */
  async function open(refs, frames, list) {
    error('');
    ex ??= await loadExercises();
    if (!list.length || list.length > MAX_POLICIES) {
      error(`Choose one to ${MAX_POLICIES} policies.`);
      return false;
    }
    let texts;
    try {
      texts = list.map((policy) => ex.refsScenario(refs, frames, policy));
    } catch (e) {
      error(e.message);
      return false;
    }
    // Each policy's grid over the whole run, from a simulator of its own.
    const grids = list.map((policy, i) => {
      const sim = new api.Simulator(texts[i]);
      try {
        sim.goto(sim.length);
        return { policy, grid: sim.grid(), faults: sim.stats().total.faults };
      } finally {
        sim.dispose();
      }
    });
    if (!load(texts[0], { refs: true })) return false;
    $('#refs-text').value = refs;
    $('#refs-frames').value = String(frames);
    for (const input of policies.querySelectorAll('input')) input.checked = list.includes(input.value);
    current = { refs, frames, policies: list, grids: grids.map((g) => ({ ...g, table: table(g) })) };
    $('#refs-grids').replaceChildren(...current.grids.map((g) => el('figure', {},
      el('figcaption', {}, `${g.policy.toUpperCase()}: ${g.faults} page fault${g.faults === 1 ? '' : 's'}`), g.table)));
    box.open = true;
    follow(link());
    return true;
  }

  /** An empty grid table for one policy's grid (filled by `show`). */
  function table({ policy, grid }) {
    const rows = grid.columns[0]?.frames.length ?? 0;
    const head = el('tr', {}, el('th', { scope: 'col', className: 'corner' }, 'access'));
    const body = Array.from({ length: rows }, (_, f) => el('tr', {}, el('th', { scope: 'row' }, `frame ${f}`)));
    const victims = el('tr', { className: 'victims' }, el('th', { scope: 'row' }, 'evicted'));
    for (const c of grid.columns) {
      head.append(el('th', { scope: 'col', title: `step ${c.step}` }, String(c.page)));
      for (const row of body) row.append(el('td'));
      victims.append(el('td'));
    }
    const t = el('table', { className: 'grid' }, el('thead', {}, head), el('tbody', {}, ...body, victims));
    t.dataset.policy = policy;
    t.setAttribute('aria-label', `${policy.toUpperCase()}: accesses across, frames down`);
    return t;
  }

  /** Fills every grid's columns up to step `pos` of the page's run (predict mode keeps the rest blank). */
  function show(pos) {
    if (!current) return;
    for (const { grid, table: t } of current.grids) {
      const heads = t.tHead.rows[0].cells;
      const body = [...t.tBodies[0].rows];
      grid.columns.forEach((c, i) => {
        const on = c.step <= pos;
        const th = heads[i + 1];
        if (on && c.fault) th.dataset.fault = '';
        else delete th.dataset.fault;
        body.forEach((tr, f) => {
          const cell = tr.cells[i + 1];
          if (f < body.length - 1) {
            const frame = on ? c.frames[f] : null;
            cell.textContent = frame ? String(frame[1]) : '';
          } else {
            cell.textContent = on && c.victim != null ? String(c.victim) : '';
          }
        });
      });
    }
  }

  /** The view's link: `#refs=7,0,1&frames=3&policies=fifo,lru,opt`. */
  function link() {
    const refs = ex.refsScenario(current.refs, current.frames, current.policies[0])
      .split('\n').find((l) => l.startsWith('refs T ')).slice(7).split(' ').join(',');
    return `refs=${refs}&frames=${current.frames}&policies=${current.policies.join(',')}`;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    open($('#refs-text').value, Number($('#refs-frames').value), chosen());
  });

  return {
    open,
    show,
    link: () => (current ? link() : null),
    /** Another scenario was opened: the view lets go of its grids. */
    close() {
      current = null;
      $('#refs-grids').replaceChildren();
    },
    get active() { return Boolean(current); },
  };
}
