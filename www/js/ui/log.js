// The event log: one row per step in plain sentences, oldest at the top, the current step marked.
// Virtualised, so a step costs the same at step 10 and at step 100,000: only the rows in view
// exist in the DOM (a spacer gives the scrollbar the whole length), their records come from the
// record cache when they scroll into view, and the geometry lives in JS (a fixed row height, the
// box's height from a ResizeObserver, the scroll offset from scroll events), so updating the log
// never reads layout. Click a row, or use ↑ ↓ PageUp PageDown in the focused log, to go to a step.
import { chipFor } from './events.js';

const ROW = 22; // px per row (set inline, so CSS cannot disagree)
const MAX_SPACE = 4_000_000; // px of scrollable height; a longer log maps the scroll offset to steps
const OVERSCAN = 3; // rows drawn beyond each edge, so a small scroll shows no gap

export function createLog(box, records, onJump) {
  const space = document.createElement('div');
  space.className = 'log-space';
  box.replaceChildren(space);
  box.tabIndex = 0;
  box.setAttribute('role', 'list');

  let first = 1; // the step of row 0 (older steps are no longer in the history)
  let count = 0; // rows: steps first … first + count − 1
  let current = 0;
  let viewH = box.clientHeight || 250; // one read at start; the ResizeObserver keeps it after
  let scrollTop = 0;
  const shown = new Map(); // step → row element
  let currentRow = null;

  const spaceHeight = () => Math.min(count * ROW, MAX_SPACE);
  const scaled = () => count * ROW > MAX_SPACE;
  const perView = () => Math.max(1, Math.floor(viewH / ROW));

  /** The (fractional) row index at the top of the view. */
  function topIndex() {
    if (!scaled()) return scrollTop / ROW;
    const maxScroll = spaceHeight() - viewH;
    return maxScroll > 0 ? (scrollTop / maxScroll) * (count - viewH / ROW) : 0;
  }

  /** The scroll offset that puts row `index` at the top of the view. */
  function offsetOf(index) {
    if (!scaled()) return index * ROW;
    const rows = count - viewH / ROW;
    return rows > 0 ? (index / rows) * (spaceHeight() - viewH) : 0;
  }

  function scrollTo(offset) {
    const max = Math.max(0, spaceHeight() - viewH);
    scrollTop = Math.round(Math.min(max, Math.max(0, offset)));
    box.scrollTop = scrollTop;
  }

  /** Scrolls as little as possible to bring row `index` into view. */
  function reveal(index) {
    const top = topIndex();
    if (index < top) scrollTo(offsetOf(index));
    else if (index + 1 > top + viewH / ROW) scrollTo(offsetOf(index + 1 - viewH / ROW));
  }

  function makeRow(record) {
    const row = document.createElement('div');
    row.className = 'log-row';
    row.setAttribute('role', 'listitem');
    row.dataset.step = record.step;
    row.style.height = `${ROW}px`;
    row.style.lineHeight = `${ROW}px`;
    const n = document.createElement('span');
    n.className = 'n';
    n.textContent = String(record.step);
    row.append(n);
    const chip = chipFor(record);
    if (chip) row.append(chip);
    // textContent only: scenario names and notes are never parsed as HTML.
    const text = record.events.map((e) => e.text).join(' · ');
    row.append(document.createTextNode(text));
    row.title = `step ${record.step}, line ${record.line}: ${text}`;
    return row;
  }

  /** Makes the DOM hold exactly the rows in view (plus a few), positioned. */
  function render() {
    const top = topIndex();
    const lo = Math.max(0, Math.floor(top) - OVERSCAN);
    const hi = Math.min(count - 1, Math.ceil(top + viewH / ROW) + OVERSCAN);
    const a = first + lo, b = first + hi;
    for (const [step, row] of shown) {
      if (step < a || step > b) {
        row.remove();
        shown.delete(step);
      }
    }
    if (hi >= lo) {
      for (const record of records.range(a, b)) {
        if (shown.has(record.step)) continue;
        const row = makeRow(record);
        shown.set(record.step, row);
        space.append(row);
      }
    }
    const y0 = scaled() ? scrollTop - top * ROW : 0; // rows sit at y0 + index × ROW
    for (const [step, row] of shown) {
      row.style.transform = `translateY(${Math.round(y0 + (step - first) * ROW)}px)`;
      row.setAttribute('aria-posinset', String(step - first + 1));
      row.setAttribute('aria-setsize', String(count));
    }
    const cur = shown.get(current) ?? null;
    if (cur !== currentRow) {
      currentRow?.classList.remove('current');
      cur?.classList.add('current');
      currentRow = cur;
    }
  }

  box.addEventListener('scroll', () => {
    scrollTop = box.scrollTop;
    render();
  });
  new ResizeObserver(([entry]) => {
    viewH = entry.contentRect.height;
    render();
  }).observe(box);
  box.addEventListener('click', (e) => {
    const row = e.target.closest('[data-step]');
    if (row) onJump(Number(row.dataset.step));
  });
  box.addEventListener('keydown', (e) => {
    const to = {
      ArrowUp: current - 1,
      ArrowDown: current + 1,
      PageUp: current - perView(),
      PageDown: current + perView(),
    }[e.key];
    if (to === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
    e.preventDefault();
    onJump(Math.max(first - 1, to)); // past the end: the page clamps to the last step
  });

  return {
    /**
     * Shows steps `from` … `current` (every step of the history up to now) with `current`
     * marked and in view.
     */
    show(from, now) {
      const newCount = Math.max(0, now - from + 1);
      if (from !== first || newCount !== count) {
        first = from;
        count = newCount;
        space.style.height = `${spaceHeight()}px`;
      }
      current = now;
      if (count > 0) reveal(current - first);
      render();
    },
    /** A new simulator: its rows replace the old ones, whatever their step numbers. */
    reset() {
      for (const row of shown.values()) row.remove();
      shown.clear();
      currentRow = null;
      first = 1;
      count = 0;
      current = 0;
      space.style.height = '0px';
      scrollTo(0);
    },
  };
}
