// Who holds a frame or swap slot, by the owner word of the engine's views: a process (its pid),
// or a shared-memory object holding a page that no process maps now (the owner word listed in
// `stats().objects`, with the view's HELD flag).

/** Owner word → name; `long` names an object as "shared memory chat" (for sentences). */
export function ownerNames(stats, { long = false } = {}) {
  const names = new Map(stats.processes.map((p) => [p.pid, p.name]));
  for (const o of stats.objects ?? []) names.set(o.owner, long ? `shared memory ${o.name}` : o.name);
  return names;
}
