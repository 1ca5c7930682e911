// The event log: one line per step in plain sentences, newest at the bottom; click to jump there.
import { chipFor } from './events.js';

const MAX_SHOWN = 600;

export function createLog(list, onJump) {
  let records = [];

  function item(record) {
    const li = document.createElement('li');
    li.dataset.step = record.step;
    const n = document.createElement('span');
    n.className = 'n';
    n.textContent = String(record.step);
    li.append(n);
    const chip = chipFor(record);
    if (chip) li.append(chip);
    // textContent only: scenario names and notes are never parsed as HTML.
    li.append(document.createTextNode(record.events.map((e) => e.text).join(' · ')));
    li.title = `step ${record.step}, line ${record.line}: click to go back to this step`;
    return li;
  }

  function render(current) {
    const shown = records.slice(-MAX_SHOWN);
    list.replaceChildren(...shown.map(item));
    mark(current);
  }

  function mark(current) {
    for (const li of list.children) li.classList.toggle('current', Number(li.dataset.step) === current);
    // Scroll the list itself (scrollIntoView would scroll the whole page too).
    const cur = list.querySelector('li.current') ?? list.lastElementChild;
    if (cur) {
      const top = cur.offsetTop; // the list is the offset parent (position: relative)
      if (top < list.scrollTop || top + cur.offsetHeight > list.scrollTop + list.clientHeight) {
        list.scrollTop = Math.max(0, top - list.clientHeight + cur.offsetHeight + 4);
      }
    }
  }

  list.addEventListener('click', (e) => {
    const li = e.target.closest('li[data-step]');
    if (li) onJump(Number(li.dataset.step));
  });

  return {
    /** Appends new records (from sim.events()). */
    append(newRecords, current) {
      if (!newRecords.length) return mark(current);
      records.push(...newRecords);
      if (records.length > MAX_SHOWN * 2) records = records.slice(-MAX_SHOWN);
      render(current);
    },
    /** Forgets records after `step` (after going back). */
    truncate(step, current) {
      const before = records.length;
      records = records.filter((r) => r.step <= step);
      if (records.length !== before) render(current); else mark(current);
    },
    clear() {
      records = [];
      list.replaceChildren();
    },
    get records() { return records; },
  };
}
