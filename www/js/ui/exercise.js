// The exercise generator (README, *The page*): the seeded reference-string exercises of
// `pagesim exercise`, made by the engine, opened in predict mode with the grid, and a printable
// worksheet: the blank grid, then (unless unticked) the answer key on a page of its own.

const el = (tag, props = {}, ...children) => {
  const e = Object.assign(document.createElement(tag), props);
  e.append(...children);
  return e;
};

/**
 * `dialog` is `dialog#exercise-dialog`, `sheet` the `section#worksheet` the print stylesheet
 * shows. `open(text)` loads an exercise's scenario in predict mode with the grid open and
 * resolves to its share link.
 */
export function createExerciseDialog(dialog, sheet, { api, ex, catalog, open, toast }) {
  const $ = (id) => dialog.querySelector(`#${id}`);
  const policy = $('ex-policy');
  for (const p of catalog.policies) policy.append(new Option(p.name.toUpperCase(), p.name));
  policy.value = 'fifo';
  // The fields' ranges are the engine's.
  for (const [id, name] of [['ex-frames', 'exerciseFrames'], ['ex-length', 'exerciseLength'], ['ex-pages', 'exercisePages'], ['ex-seed', 'exerciseSeed']]) {
    Object.assign($(id), { min: String(catalog.limits[name].min), max: String(catalog.limits[name].max) });
  }
  const status = $('ex-status');
  // The levels a translation exercise may have are the engine's; two by default, as OSTEP's.
  const levels = $('ex-levels');
  const { min: least, max: most } = catalog.limits.translateLevels;
  for (let l = least; l <= most; l++) levels.append(new Option(l === 1 ? '1 (one table)' : String(l), String(l)));
  levels.value = '2';
  // A TLB or translation exercise has no policy, frames or pages to choose: the seed draws its
  // machine. Only a translation exercise has levels.
  const kind = $('ex-kind');
  const showKind = () => {
    for (const [selector, shown] of [['.ex-policy-only', kind.value === 'policy'], ['.ex-translate-only', kind.value === 'translate']]) {
      for (const label of dialog.querySelectorAll(selector)) {
        label.hidden = !shown;
        label.querySelector('input, select').disabled = !shown;
      }
    }
  };
  kind.addEventListener('change', showKind);

  function settings() {
    const n = (id) => Number($(id).value);
    return { policy: policy.value, frames: n('ex-frames'), length: n('ex-length'), pages: n('ex-pages'), seed: n('ex-seed') };
  }

  /** The exercise's scenario text, or null (the reason is shown). */
  async function make(s) {
    try {
      return ex.exerciseScenario(s.policy, s.frames, s.length, s.pages, s.seed);
    } catch (e) {
      status.textContent = e.message;
      return null;
    }
  }

  async function openExercise(print) {
    if (kind.value === 'tlb') return openTlbExercise(print);
    if (kind.value === 'translate') return openTranslateExercise(print);
    const s = settings();
    const text = await make(s);
    if (text == null) return;
    const url = await open(text);
    fillWorksheet(s, text, url);
    dialog.close();
    if (print) window.print();
    else toast(`Exercise: ${s.policy.toUpperCase()} with ${s.frames} frames, seed ${s.seed}. Predict each step; the grid fills in as you go.`);
  }

  /** A TLB exercise: stepped through in the page, and its worksheet (addresses; the key apart). */
  async function openTlbExercise(print) {
    const seed = Number($('ex-seed').value), count = Number($('ex-length').value);
    let made;
    try {
      made = ex.tlbExercise(seed, count);
    } catch (e) {
      status.textContent = e.message;
      return;
    }
    const url = await open(made.text, { predictMode: false });
    const e = made.exercise;
    const shape = e.tlb_ways ? `sets of ${e.tlb_ways} (the set is the page number mod ${e.sets})` : 'fully associative';
    const title = `TLB hits and misses: ${e.tlb_entries} entries, ${shape}`;
    const hex = (n) => '0x' + n.toString(16);
    const table = (answers) => el('table', { className: 'grid' },
      el('thead', {}, el('tr', {}, ...['virtual address', 'page', 'hit or miss?', ...(answers ? ['TLB after'] : [])].map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...e.accesses.map((a) => el('tr', {},
        el('th', { scope: 'row' }, hex(a.va)),
        el('td', {}, answers ? String(a.vpn) : ''),
        el('td', {}, answers ? (a.hit ? 'hit' : 'miss') : ''),
        ...(answers ? [el('td', {}, a.tlb_after.join(' '))] : [])))));
    sheet.replaceChildren(
      el('h1', {}, title),
      el('p', {}, `${e.va_bits}-bit virtual addresses, pages of ${e.page_size} bytes; the TLB is empty at the start and replaces the least recently used entry${e.tlb_ways ? ' of the set' : ''}. Seed ${seed}.`),
      el('p', {}, 'For each access, write its page number and whether the TLB hits or misses.'),
      table(false),
      el('p', {}, 'Hits: ______   Misses: ______'),
      el('section', { className: 'answer-key' },
        el('h2', {}, `Answer key — ${title}, seed ${seed}`),
        table(true),
        el('p', {}, `${e.hits} hits and ${e.misses} misses in ${e.accesses.length} accesses.`),
        el('p', {}, `The same exercise: pagesim exercise --kind tlb --seed ${seed} --count ${count} --answers`),
        url ? el('p', { className: 'link' }, `Step through it: ${url}`) : ''),
    );
    sheet.classList.toggle('without-key', !$('ex-key').checked);
    sheet.dataset.faults = String(e.misses);
    sheet.dataset.text = made.text;
    dialog.close();
    if (print) window.print();
    else toast(`TLB exercise, seed ${seed}: work out each access on the worksheet (Print worksheet), then step through it here and watch the TLB.`);
  }

  /**
   * A translation exercise: its machine opened at the end of the scenario that builds it (the
   * tables in their frames), and its worksheet: the machine, base register and tables' dump as
   * the CLI prints them, the addresses to translate, and the key (each walk) on a page of its own.
   */
  async function openTranslateExercise(print) {
    const seed = Number($('ex-seed').value), count = Number($('ex-length').value), lv = Number(levels.value);
    let made;
    try {
      made = ex.translateExercise(seed, count, lv);
    } catch (e) {
      status.textContent = e.message;
      return;
    }
    const url = await open(made.text, { predictMode: false, atEnd: true });
    const e = made.exercise;
    const title = `Address translation: ${e.levels === 1 ? 'one page table' : `${e.levels} levels of page tables`}`;
    const hex = (n) => '0x' + n.toString(16);
    const table = (answers) => el('table', { className: 'grid translate' },
      el('thead', {}, el('tr', {}, ...['virtual address', ...(answers ? ['index bits, offset', 'answer', 'walk'] : ['physical address or fault?'])]
        .map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, ...e.addresses.map((a) => el('tr', {},
        el('th', { scope: 'row' }, hex(a.va)),
        ...(answers
          ? [el('td', { className: 'fields' }, a.fields), el('td', { className: 'answer' }, a.pa == null ? 'fault: not present' : hex(a.pa)), el('td', { className: 'walk' }, a.explain)]
          : [el('td', {}, '')])))));
    sheet.replaceChildren(
      el('h1', {}, title),
      el('p', {}, `Seed ${seed}. Start at the base register, index each level's table with its bits of the page number, and follow the valid entries.`),
      el('pre', { className: 'dump' }, made.describe),
      el('p', {}, 'For each virtual address, write its physical address in hex, or fault if an entry on its walk is not valid.'),
      table(false),
      el('section', { className: 'answer-key' },
        el('h2', {}, `Answer key — ${title}, seed ${seed}`),
        el('p', {}, `Base register: frame ${e.pdbr}. Each walk: the entry read at each level and the frame it points at, then the offset.`),
        table(true),
        el('p', {}, made.summary),
        el('p', {}, `The same exercise: pagesim exercise --kind translate --levels ${e.levels} --seed ${seed} --count ${count} --answers`),
        url ? el('p', { className: 'link' }, `Its machine: ${url}`) : ''),
    );
    sheet.classList.toggle('without-key', !$('ex-key').checked);
    sheet.dataset.faults = String(e.faults);
    sheet.dataset.text = made.text;
    dialog.close();
    if (print) window.print();
    else toast(`Translation exercise, seed ${seed}: the page shows its machine, P's tables in their frames. Print the worksheet to work out each address by hand.`);
  }

  /** The worksheet: the question grid blank, and the answers on a page of their own. */
  function fillWorksheet(s, text, url) {
    const sim = new api.Simulator(text);
    const grid = sim.grid(); // every column: the grid covers steps not done yet
    sim.dispose();
    const pages = grid.columns.map((c) => c.page);
    const faults = grid.columns.filter((c) => c.fault).length;
    const title = `Page replacement: ${s.policy.toUpperCase()} with ${s.frames} frame${s.frames === 1 ? '' : 's'}`;
    const table = (answers) => {
      const head = el('tr', {}, el('th', { scope: 'col' }, 'access'), ...pages.map((p) => el('th', { scope: 'col' }, String(p))));
      const rows = Array.from({ length: s.frames }, (_, f) => el('tr', {}, el('th', { scope: 'row' }, `frame ${f}`),
        ...grid.columns.map((c) => el('td', {}, answers && c.frames[f] ? String(c.frames[f][1]) : ''))));
      const fault = el('tr', {}, el('th', { scope: 'row' }, 'fault?'), ...grid.columns.map((c) => el('td', {}, answers && c.fault ? 'F' : '')));
      const out = el('tr', {}, el('th', { scope: 'row' }, 'evicted'), ...grid.columns.map((c) => el('td', {}, answers && c.victim != null ? String(c.victim) : '')));
      return el('table', { className: 'grid' }, el('thead', {}, head), el('tbody', {}, ...rows, fault, out));
    };
    sheet.replaceChildren(
      el('h1', {}, title),
      el('p', {}, `Reference string (seed ${s.seed}, pages 0–${s.pages - 1}): ${pages.join(' ')}`),
      el('p', {}, `Memory starts empty. Write the page each frame holds after each access, mark each page fault with F and the page it evicts.`),
      table(false),
      el('p', {}, 'Page faults: ______'),
      el('section', { className: 'answer-key' },
        el('h2', {}, `Answer key — ${title}, seed ${s.seed}`),
        table(true),
        el('p', {}, `Page faults: ${faults} of ${pages.length} accesses.`),
        el('p', {}, `The same exercise: pagesim exercise --policy ${s.policy} --frames ${s.frames} --length ${s.length} --pages ${s.pages} --seed ${s.seed} --answers`),
        url ? el('p', { className: 'link' }, `Step through it: ${url}`) : ''),
    );
    // Students' copies leave the key out: it is printed only when asked for.
    sheet.classList.toggle('without-key', !$('ex-key').checked);
    sheet.dataset.faults = String(faults);
    sheet.dataset.text = text; // another scenario clears it (app.js)
  }

  dialog.querySelector('#exercise-form').addEventListener('submit', (e) => {
    e.preventDefault();
    openExercise(false);
  });
  $('ex-print').addEventListener('click', () => openExercise(true));

  return {
    show() {
      status.textContent = '';
      $('ex-seed').value = String(1 + Math.floor(Math.random() * 9999));
      dialog.showModal();
    },
  };
}
