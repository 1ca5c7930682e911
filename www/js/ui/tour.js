// The tour (README, *The tour*): the story of virtual memory in chapters. The chapters (text,
// scenario, question, what to notice, compared machines) are the engine's (`tourChapters()`); this
// file shows one beside the picture, asks its question before its step, and moves between them.

export function createTour({ api, box, load, jump, follow }) {
  const chapters = api.tourChapters();
  let current = null; // the chapter shown, or null
  let revealed = false;

  const $ = (sel) => box.querySelector(sel);

  /** Opens chapter `id` (the first if unknown) at the step where it starts drawing. */
  function open(id) {
    const i = Math.max(0, chapters.findIndex((c) => c.id === id));
    const c = chapters[i];
    if (!load(c.scenario, { tourId: c.id })) return false;
    current = c;
    revealed = false;
    show(i);
    jump(c.opens_at);
    follow(c.id);
    return true;
  }

  function show(i) {
    const c = chapters[i];
    box.hidden = false;
    $('#tour-count').textContent = `Tour · chapter ${i + 1} of ${chapters.length}`;
    $('#tour-title').textContent = c.title;
    $('#tour-text').textContent = c.text;
    $('#tour-notice').textContent = c.notice;
    $('#tour-back').disabled = i === 0;
    $('#tour-next').disabled = i === chapters.length - 1;
    const figures = $('#tour-figures');
    figures.replaceChildren();
    figures.hidden = !c.figures.length;
    if (c.figures.length) {
      const table = document.createElement('table');
      const head = table.createTHead().insertRow();
      for (const h of ['machine', 'disk reads', 'time', 'feels like']) {
        const th = document.createElement('th');
        th.textContent = h;
        head.append(th);
      }
      const body = table.createTBody();
      for (const f of c.figures) {
        const tr = body.insertRow();
        for (const v of [f.label, f.major_faults, api.humanNs(f.total_ns), f.felt]) tr.insertCell().textContent = String(v);
      }
      figures.append(table);
    }
    onStep(0);
  }

  /** Called after every step: the question shows before the chapter's step, the answer on demand. */
  function onStep(position) {
    if (!current) return;
    const q = $('#tour-question');
    const asking = position === current.ask_at - 1;
    const after = position >= current.ask_at;
    q.hidden = !(asking || after);
    $('#tour-q').textContent = current.question;
    $('#tour-a').textContent = current.answer;
    $('#tour-a').hidden = !(revealed || after);
    $('#tour-reveal').hidden = revealed || after;
    $('#tour-q-label').textContent = after ? 'The question was' : `Before step ${current.ask_at}, think:`;
  }

  function move(by) {
    const i = chapters.findIndex((c) => c.id === current?.id);
    const next = chapters[i + by];
    if (next) open(next.id);
  }

  $('#tour-back').addEventListener('click', () => move(-1));
  $('#tour-next').addEventListener('click', () => move(1));
  $('#tour-reveal').addEventListener('click', () => {
    revealed = true;
    $('#tour-a').hidden = false;
    $('#tour-reveal').hidden = true;
  });
  $('#tour-close').addEventListener('click', () => close());

  /** Hides the tour (another scenario was opened). */
  function close() {
    current = null;
    box.hidden = true;
  }

  return {
    chapters,
    open,
    onStep,
    close,
    get id() { return current?.id ?? null; },
  };
}
