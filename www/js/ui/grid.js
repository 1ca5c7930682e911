// The exam grid (README, *The page*): the reference string across, one row per frame, the page in each
// frame after each access, faults marked on the header (data-fault) and victims in the last row.
// The grid comes from the engine (`sim.grid()`); a column is filled once its step is done, so
// in predict mode the columns still to be guessed are blank. Stepping changes one column.

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

/**
 * `table` is the `table#grid` element, `note` a paragraph for the summary line. `names()`
 * gives pid → process name.
 */
/** Columns shown at a time: a window around the current step (a long run's grid stays quick). */
const WINDOW = 100;

export function createGrid(table, note, { names }) {
  let sim = null;
  let grid = null; // the engine's grid, made when first shown
  let length = -1; // the run's length it was made for (a call from JavaScript changes it)
  let shown = 0; // columns filled
  let current = -1;
  let cells = []; // per column: [header, frame cells…, victim cell]
  let rows = 0; // frames shown (the engine's grid has at most `limits.gridRows`)

  /** Makes the grid's table for the window holding step `pos` (a few columns before it). */
  function build(pos = 0) {
    grid = sim.grid(null, Math.max(0, pos - WINDOW / 4), WINDOW);
    length = sim.length;
    shown = 0;
    current = -1;
    const columns = grid.columns;
    rows = columns[0]?.frames.length ?? 0;
    const head = el('tr', {}, el('th', { scope: 'col', className: 'corner' }, 'access'));
    const body = Array.from({ length: rows }, (_, f) => el('tr', {}, el('th', { scope: 'row' }, `frame ${f}`)));
    const victims = el('tr', { className: 'victims' }, el('th', { scope: 'row' }, 'evicted'));
    cells = columns.map((c) => {
      const th = el('th', { scope: 'col', title: `step ${c.step}` }, String(c.page));
      head.append(th);
      const column = [th];
      for (const row of body) {
        const td = el('td');
        row.append(td);
        column.push(td);
      }
      const td = el('td');
      victims.append(td);
      column.push(td);
      return column;
    });
    table.replaceChildren(el('thead', {}, head), el('tbody', {}, ...body, victims));
    table.dataset.pid = String(grid.pid);
  }

  const tag = (pid, page) => (pid === grid.pid ? String(page) : `${names().get(pid) ?? pid}:${page}`);

  function fill(i, on) {
    const c = grid.columns[i];
    const [th, ...rest] = cells[i];
    const victim = rest.pop();
    if (on && c.fault) th.dataset.fault = '';
    else delete th.dataset.fault;
    rest.forEach((td, f) => {
      const frame = on ? c.frames[f] : null;
      td.textContent = frame ? tag(frame[0], frame[1]) : '';
      // The frame that took the faulting page.
      td.classList.toggle('loaded', Boolean(on && c.fault && frame && frame[0] === grid.pid && frame[1] === c.page));
    });
    victim.textContent = on && c.victim != null ? tag(c.victim_pid, c.victim) : '';
  }

  return {
    /** A new simulator (or scenario): the grid is made again when next shown. */
    reset(next) {
      sim = next;
      grid = null;
      table.replaceChildren();
    },

    /** Fills the columns of the steps done (up to `pos`). */
    show(pos) {
      if (!sim) return;
      // Outside the window (its last column is before `pos`, with more to come, or its first
      // after it): another window.
      const outside = grid && ((grid.more && grid.columns.at(-1).step < pos) || (grid.before > 0 && grid.columns[0]?.step > pos));
      if (!grid || sim.length !== length || outside) build(pos);
      const columns = grid.columns;
      // Columns whose step is done: the first with a later step.
      let upTo = shown;
      while (upTo < columns.length && columns[upTo].step <= pos) upTo++;
      while (upTo > 0 && columns[upTo - 1].step > pos) upTo--;
      for (let i = upTo; i < shown; i++) fill(i, false);
      for (let i = shown; i < upTo; i++) fill(i, true);
      shown = upTo;
      const now = upTo > 0 && columns[upTo - 1].step === pos ? upTo - 1 : -1;
      if (now !== current) {
        cells[current]?.[0].classList.remove('current');
        cells[now]?.[0].classList.add('current');
        current = now;
      }
      const faults = columns.slice(0, upTo).filter((c) => c.fault).length;
      const windowed = grid.before > 0 || grid.more;
      const range = `accesses ${grid.before + 1}–${grid.before + columns.length}`;
      note.textContent = !columns.length ? 'No accesses yet.'
        : `${names().get(grid.pid) ?? 'Process'}: ${faults} page faults in ${upTo} of ${columns.length} accesses`
          + `${windowed ? ` (the grid shows ${range}, around the current step)` : ''}${grid.frames > rows ? ` · frames 0–${rows - 1} of ${grid.frames}` : ''}.`;
    },
  };
}
