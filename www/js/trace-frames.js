// Which frame counts the trace comparison tries: 1…n for small footprints, else a spread up to
// the footprint (shared by the page and the trace worker).

export function frameSteps(distinct) {
  const top = Math.max(2, Math.min(distinct + 1, 4096));
  if (top <= 16) return Array.from({ length: top }, (_, i) => i + 1);
  const out = new Set();
  for (let i = 0; i < 14; i++) out.add(Math.max(1, Math.round(top ** (i / 13))));
  return [...out].sort((a, b) => a - b);
}
