// Export: for spreadsheets, the run so far as CSV, one row per event (step, line, event type,
// process, page, frame, the sentence), then the statistics (the sentences and numbers are the
// engine's: `log()`, `stats()`; this file only quotes them); for slides, the picture as PNG.

const CHUNK = 5000; // records asked for at a time (the engine gives at most 10,000 per call)

/** A CSV field: quoted when it holds a comma, a quote or a line break. */
function field(v) {
  const s = v == null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The CSV text of `sim` from its first step to its position. */
export function runCsv(sim) {
  const rows = [['step', 'line', 'type', 'pid', 'page', 'frame', 'text']];
  const to = sim.position;
  for (let from = sim.historyStart; from < to; from += CHUNK) {
    for (const record of sim.log(from, Math.min(to, from + CHUNK))) {
      for (const e of record.events) {
        rows.push([record.step, record.line, e.type, e.pid, e.vpn, e.frame, e.text]);
      }
    }
  }
  const stats = sim.stats();
  rows.push([], ['statistic', 'value']);
  const numbers = (prefix, obj) => {
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v === 'number' && k !== 'pid') rows.push([prefix + k, v]);
    }
  };
  // The counters, then the time figures (work, stall, slowdown, effective access time).
  numbers('', stats.total);
  numbers('', stats.speed);
  rows.push(['felt', stats.speed.felt]);
  for (const p of stats.processes) {
    numbers(`${p.name}.`, p);
    numbers(`${p.name}.`, p.stats);
    numbers(`${p.name}.`, p.speed);
    rows.push([`${p.name}.felt`, p.speed.felt]);
  }
  return rows.map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

/** Saves `content` (text, or a Blob) as a file called `name`. */
export function download(name, content, type = 'text/csv') {
  const url = URL.createObjectURL(content instanceof Blob ? content : new Blob([content], { type }));
  const a = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
