// The picture of a machine before virtual memory (vm=off, vm=base): physical memory as one bar of
// frames, and above it each program's use of it as a bar over the frames it covers (the engine's
// `physicalUses()`). With vm=off two programs that assume the same addresses overlap: the frames
// they both use are marked as a clash. With vm=base each program has one block; the free runs
// between blocks are the holes that make a new block fail (external fragmentation).

import { processColour } from './palette.js';

const PAD = 12;
const LANE = 22;
const BAR = 46;

/**
 * Draws `scene` (as canvas.js gets it) for a machine with `config.vm` off or base; returns what
 * hit-testing needs.
 */
export function drawPhysical(g, scene, size) {
  const { sim, config, processes } = scene;
  const { w } = size;
  const ctx = g.ctx;
  const frames = config.frames;
  const uses = sim.physicalUses();
  const words = sim.viewFrames(0, frames);
  const names = new Map(processes.map((p) => [p.pid, p.name]));
  const off = config.vm === 'off';

  g.title(off
    ? 'Physical memory — no virtual memory (vm=off): every address a program uses is a physical address'
    : 'Physical memory — base and bounds (vm=base): each program one block, its addresses added to its base',
  PAD, PAD, w - 2 * PAD);

  // Lanes: a use goes on the first lane where it overlaps nothing already placed.
  const lanes = [];
  const placed = uses.map((u) => {
    let lane = lanes.findIndex((l) => l.every((v) => v.first + v.frames <= u.first || u.first + u.frames <= v.first));
    if (lane < 0) { lanes.push([]); lane = lanes.length - 1; }
    lanes[lane].push(u);
    return { ...u, lane };
  });
  const cellW = Math.max(6, Math.min(84, (w - 2 * PAD) / frames));
  const x = (f) => PAD + f * cellW;
  const lanesTop = PAD + 24;
  const barY = lanesTop + Math.max(1, lanes.length) * LANE + 8;

  // Program bars.
  for (const u of placed) {
    const y = lanesTop + u.lane * LANE;
    const visible = Math.max(0, Math.min(u.frames, frames - u.first));
    ctx.fillStyle = processColour(g.palette, u.pid);
    ctx.globalAlpha = 0.85;
    ctx.fillRect(x(u.first) + 1, y, Math.max(2, visible * cellW - 2), LANE - 5);
    ctx.globalAlpha = 1;
    g.font(11, 600);
    ctx.fillStyle = '#fff';
    ctx.textBaseline = 'middle';
    ctx.textAlign = 'left';
    const text = `${names.get(u.pid) ?? '?'} ${off || u.label !== names.get(u.pid) ? u.label : 'block'}`;
    ctx.save();
    ctx.beginPath();
    ctx.rect(x(u.first) + 1, y, Math.max(2, visible * cellW - 2), LANE - 5);
    ctx.clip();
    ctx.fillText(text, x(u.first) + 5, y + (LANE - 5) / 2);
    ctx.restore();
  }

  // Frames that programs of different processes both use: a clash.
  const users = Array.from({ length: frames }, () => new Set());
  for (const u of uses) {
    for (let f = u.first; f < Math.min(frames, u.first + u.frames); f++) users[f].add(u.pid);
  }

  // The frame bar: each frame in the colour of the program whose bytes are there (free: hollow).
  for (let f = 0; f < frames; f++) {
    const owner = g.V.owner(words, f);
    const fx = x(f);
    if (owner < 0) {
      ctx.strokeStyle = g.palette.cellLine;
      ctx.lineWidth = 1;
      ctx.strokeRect(fx + 0.5, barY + 0.5, cellW - 1, BAR - 1);
    } else {
      ctx.fillStyle = processColour(g.palette, owner);
      ctx.fillRect(fx + 1, barY, cellW - 2, BAR);
    }
    if (users[f].size > 1) {
      ctx.strokeStyle = g.palette.victim;
      ctx.lineWidth = 3;
      ctx.strokeRect(fx + 2, barY + 2, cellW - 4, BAR - 4);
      g.font(10, 700);
      ctx.fillStyle = g.palette.victim;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillText('clash', fx + cellW / 2, barY + BAR + 24);
    }
    if (cellW >= 18) {
      g.font(10);
      ctx.fillStyle = g.palette.muted;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.fillText(String(f), fx + cellW / 2, barY + BAR + 2);
    }
  }

  // vm=base: the holes, each labelled with its size.
  if (!off) {
    let run = 0;
    for (let f = 0; f <= frames; f++) {
      const free = f < frames && g.V.owner(words, f) < 0;
      if (free) { run++; continue; }
      if (run > 0 && run * cellW >= 30) {
        g.font(10, 600);
        ctx.fillStyle = g.palette.muted;
        ctx.textAlign = 'center';
        ctx.textBaseline = 'middle';
        ctx.fillText(`hole: ${run}`, x(f - run) + (run * cellW) / 2, barY + BAR / 2);
      }
      run = 0;
    }
  }

  // The frame of the step that just happened.
  const hl = scene.highlight;
  if (hl?.frame != null && hl.frame >= 0 && hl.frame < frames) {
    ctx.strokeStyle = g.palette.accent;
    ctx.lineWidth = 2.5;
    ctx.strokeRect(x(hl.frame) - 1, barY - 2, cellW + 2, BAR + 4);
  }

  const neededHeight = barY + BAR + 40;
  return { neededHeight, barY, cellW, frames, uses, names };
}

/** What is under (x, y) in a picture drawn by drawPhysical, as text (or null). */
export function describePhysical(drawn, x, y) {
  if (!drawn || y < drawn.barY || y > drawn.barY + BAR) return null;
  const f = Math.floor((x - PAD) / drawn.cellW);
  if (f < 0 || f >= drawn.frames) return null;
  const who = drawn.uses.filter((u) => f >= u.first && f < u.first + u.frames)
    .map((u) => `${drawn.names.get(u.pid) ?? '?'} ${u.label}`);
  return `frame ${f}` + (who.length ? ` — used by ${who.join(' and ')}` : ' — free');
}
