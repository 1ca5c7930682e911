// The history and boundary cases of issue 7, one per process so each measures its own memory:
//   node tests/node/cases.mjs CASE [--pkg DIR]
// prints one JSON line: {case, ms, growthMiB, ...what the case found}. The tests in this folder
// run it and check the figures; pointed at another build (--pkg) it gives "before" figures.
import { readFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const args = process.argv.slice(2);
const which = args[0];
const pkgDir = args.includes('--pkg') ? resolve(args[args.indexOf('--pkg') + 1]) : join(root, 'www', 'pkg');
const pkg = await import(join(pkgDir, 'pagesim.js'));
const wasm = pkg.initSync({ module: readFileSync(join(pkgDir, 'pagesim_bg.wasm')) });
// The trace worker's module, when the build has one (the first release had a single module).
const traces = await import(join(pkgDir, 'pagesim_trace.js')).then((t) => {
  t.initSync({ module: readFileSync(join(pkgDir, 'pagesim_trace_bg.wasm')) });
  return t;
}, () => pkg);
// The link maker's module, when the build has one (earlier builds made links in the page's).
const links = await import(join(pkgDir, 'pagesim_links.js')).then((l) => {
  l.initSync({ module: readFileSync(join(pkgDir, 'pagesim_links_bg.wasm')) });
  return l;
}, () => pkg);
// Reading links and comparing policies moved to the on-demand module (issue 11); older builds had them here.
const decodeLink = links.decodeLink ?? pkg.decodeLink;
// The comparison module, when the build has one (issue 11 first put compareScenario in the trace module).
const compareModule = await import(join(pkgDir, 'pagesim_compare.js')).then((c) => {
  c.initSync({ module: readFileSync(join(pkgDir, 'pagesim_compare_bg.wasm')) });
  return c;
}, () => ({}));
const compareScenario = compareModule.compareScenario ?? traces.compareScenario ?? links.compareScenario ?? pkg.compareScenario;
const memory = () => wasm.memory.buffer.byteLength;
const MiB = 1024 * 1024;

/** Runs `f`, timing it and measuring how much wasm memory grew. */
function measure(f) {
  const before = memory();
  const t = performance.now();
  let result;
  try {
    result = f();
  } catch (e) {
    result = { threw: String(e?.message ?? e) };
  }
  return { ms: Math.round(performance.now() - t), growthMiB: +((memory() - before) / MiB).toFixed(1), ...result };
}

/** A pseudo-random generator with a fixed seed, so every run touches the same addresses. */
function rng(seed) {
  let x = BigInt(seed);
  return () => {
    x ^= x << 13n; x &= (1n << 64n) - 1n;
    x ^= x >> 7n;
    x ^= x << 17n; x &= (1n << 64n) - 1n;
    return x;
  };
}

function hex(n) {
  return '0x' + n.toString(16);
}

const cases = {
  /** 98 writes, run, go back to 5, 40 new ticks, go to 40: the abandoned timeline must not leak in. */
  'stale-past': () => {
    let text = 'config frames=4 swap=128 vbits=20\nspawn A\nalloc A heap 400K rw\n';
    for (let i = 1; i <= 98; i++) text += `write A ${hex(0x1000 * i)} 1\n`;
    const sim = new pkg.Simulator(text);
    sim.run(1000);
    sim.goto(5);
    for (let i = 0; i < 40; i++) sim.tick(1);
    sim.goto(40);
    const writes = sim.stats().total.writes;
    const value = sim.read(0, 0x1000 * 50); // never written on this timeline
    return { writes, value };
  },
  /** The same with writes by a second process instead of ticks (the first release panicked). */
  'stale-past-b': () => {
    let text = 'config frames=4 swap=128 vbits=20\nspawn A\nalloc A heap 400K rw\n';
    for (let i = 1; i <= 98; i++) text += `write A ${hex(0x1000 * i)} 1\n`;
    const sim = new pkg.Simulator(text);
    sim.run(1000);
    sim.goto(5);
    const b = sim.spawn('B');
    const heap = sim.allocate(b, 65536, 'rw');
    for (let i = 0; i < 40; i++) sim.write(b, heap + 0x1000 * (i % 16), 2);
    sim.goto(40);
    const after = new pkg.Simulator('spawn C\nalloc C h 4K rw\nwrite C 0x1000 9\nread C 0x1000\n');
    after.run(10);
    return { position: sim.position, writes: sim.stats().total.writes, freshStillWorks: after.stats().total.writes === 1 };
  },
  /** A machine of 2^20 frames that touches 16 pages, 2,000 steps, reached in one jump. */
  'million-frames': () => bigMachine(1 << 20),
  'frames-4096': () => bigMachine(4096),
  /** An 8.7 KB link: 4,096 frames of 64 KiB, 2,600 writes, opened at step 2,602. */
  'big-pages-link': () => {
    let text = 'config frames=4096 page=64K vbits=32 swap=64\nspawn A\nalloc A heap 200M rw\n';
    for (let i = 0; i < 2600; i++) text += `write A ${hex((1 + i) * 65536 + (i % 4096))} ${1 + (i % 250)}\n`;
    const link = links.encodeLink(text);
    const sim = new pkg.Simulator(decodeLink(`#s=${link}&t=2602`).text);
    sim.goto(2602);
    const position = sim.position;
    const ok = sim.read(0, 2600 * 65536 + (2599 % 4096)) === 1 + (2599 % 250);
    return { linkKB: +(link.length / 1024).toFixed(1), position, readBack: ok };
  },
  /** 9,000 writes scattered over a 48-bit space, then back to the start and to the end again. */
  'scattered-48': () => {
    const next = rng(7);
    let text = 'config frames=64 swap=16384 vbits=48\nspawn T flat\n';
    for (let i = 0; i < 9000; i++) text += `write T ${hex(next() & ((1n << 48n) - 1n))} ${1 + (i % 200)}\n`;
    const sim = new pkg.Simulator(text);
    sim.goto(sim.length);
    sim.goto(0);
    sim.goto(sim.length);
    return { position: sim.position, swapOuts: sim.stats().total.swap_outs };
  },
  /** A million reads through the API. */
  'million-reads': () => {
    const sim = new pkg.Simulator({ frames: 4 });
    const a = sim.spawn('A', 1);
    const heap = sim.allocate(a, 8 * 4096, 'rw');
    sim.write(a, heap, 42);
    let sum = 0;
    for (let i = 0; i < 1_000_000; i++) sum += sim.read(a, heap + 4096 * (i % 8)) ?? 0;
    return { sum, position: sim.position };
  },
  /** Arguments whose reading throws, and getters that call back into the simulator. */
  'hostile-arguments': () => {
    const sim = new pkg.Simulator({ frames: 4 });
    const a = sim.spawn('A', 1);
    const thrower = { get frames() { throw new Error('boom'); } };
    const trap = new Proxy({}, { ownKeys() { throw new Error('no keys'); } });
    const reentrant = { get frames() { sim.read(a, 0x1000); return 4; } };
    let errors = 0;
    for (let i = 0; i < 20_000; i++) {
      for (const arg of [thrower, trap, reentrant]) {
        try { new pkg.Simulator(arg).dispose(); } catch { errors++; }
      }
      try { compareScenario('spawn T flat', trap, [1]); } catch { errors++; }
      try { new traces.TraceSession(trap); } catch { errors++; }
    }
    const fresh = new pkg.Simulator('config frames=3 policy=fifo tlb=0\nspawn T flat\nrefs T 7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1\n');
    fresh.run(100);
    return { errors, faults: fresh.stats().total.faults };
  },
  /** Time past 2^53 − 1: refused where it enters, and the simulator keeps answering. */
  'time-limit': () => {
    const sim = new pkg.Simulator({ frames: 4 });
    const outcomes = [];
    for (let i = 0; i < 3; i++) {
      try { sim.tick(2 ** 52); outcomes.push('ok'); } catch (e) { outcomes.push(e.message); }
    }
    const time = sim.stats().time;
    sim.events();
    let scenario;
    try { new pkg.Simulator('tick 9007199254740993\n'); scenario = 'accepted'; } catch (e) { scenario = e.message; }
    let link;
    try {
      const s = new pkg.Simulator(decodeLink(`#s=${links.encodeLink('tick 9007199254740991\ntick 1\n')}`).text);
      s.run(5);
      link = `ran to ${s.position}`;
    } catch (e) { link = e.message; }
    return { outcomes, time, scenario, link };
  },
  /** Byte arrays that are not: a negative or huge length. */
  'trace-lengths': () => {
    const out = [];
    for (const bad of [{ length: -1 }, { length: 2 ** 31 }, { length: 3.5e9 }, 'text', null, [1, 2, 3]]) {
      try { new traces.TraceSession(bad); out.push('accepted'); } catch (e) { out.push(e.message); }
    }
    const good = new traces.TraceSession(new TextEncoder().encode('1 2 3 1'));
    return { out, goodLength: good.length };
  },
};

function bigMachine(frames) {
  let text = `config frames=${frames} swap=64 vbits=20\nspawn A\nalloc A heap 64K rw\n`;
  for (let i = 0; i < 2000; i++) text += `write A ${hex(0x1000 * (1 + (i % 16)))} ${i % 256}\n`;
  const sim = new pkg.Simulator(text);
  sim.goto(sim.length);
  return { position: sim.position };
}

if (!cases[which]) {
  console.error(`usage: node tests/node/cases.mjs ${Object.keys(cases).join('|')} [--pkg DIR]`);
  process.exit(2);
}
console.log(JSON.stringify({ case: which, ...measure(cases[which]) }));
