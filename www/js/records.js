// The step records ({step, line, events}) the page has seen, by step. The log, the step panel and
// the translation panel read them here; a missing range is asked of the simulator in one call
// (it replays from its nearest checkpoint), so no panel ever needs the whole history. The page never adds calls to a
// simulator, so a step's record never changes once made.

const KEEP = 4096; // records kept; the oldest seen go first

export function createRecords() {
  let sim = null;
  const byStep = new Map();

  function trim() {
    if (byStep.size <= KEEP) return;
    for (const step of byStep.keys()) {
      byStep.delete(step);
      if (byStep.size <= KEEP * 0.75) break;
    }
  }

  /** Records of steps a..b (inclusive) that exist, oldest first. */
  function range(a, b) {
    if (!sim) return [];
    a = Math.max(a, sim.historyStart + 1);
    b = Math.min(b, sim.position);
    if (a > b) return [];
    let first = 0, last = 0;
    for (let s = a; s <= b; s++) {
      if (!byStep.has(s)) {
        if (!first) first = s;
        last = s;
      }
    }
    if (first) {
      try {
        for (const r of sim.log(first - 1, last)) byStep.set(r.step, r);
      } catch {
        /* a disposed or busy simulator: show what is cached */
      }
      trim();
    }
    const out = [];
    for (let s = a; s <= b; s++) {
      const r = byStep.get(s);
      if (r) out.push(r);
    }
    return out;
  }

  return {
    /** A new simulator: nothing seen yet. */
    reset(newSim) {
      sim = newSim;
      byStep.clear();
    },
    /** A record just made by `sim.step()`. */
    add(record) {
      if (!record) return;
      byStep.set(record.step, record);
      trim();
    },
    range,
    at(step) {
      return step > 0 ? (range(step, step)[0] ?? null) : null;
    },
    /** The newest record at or before `step` (looking back at most `within` steps) that `pick` accepts. */
    latest(step, pick, within = 64) {
      const rs = range(step - within + 1, step);
      for (let i = rs.length - 1; i >= 0; i--) if (pick(rs[i])) return rs[i];
      return null;
    },
  };
}
