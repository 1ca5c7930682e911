// The JavaScript API as JavaScript calls it (through wasm-bindgen's glue, not from Rust): a long
// random sequence of calls with hostile argument values never traps the module, and a fresh
// simulator gives the right answers afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www', 'pkg');
const pkg = await import(join(pkgDir, 'pagesim.js'));
pkg.initSync({ module: readFileSync(join(pkgDir, 'pagesim_bg.wasm')) });
const traces = await import(join(pkgDir, 'pagesim_trace.js'));
traces.initSync({ module: readFileSync(join(pkgDir, 'pagesim_trace_bg.wasm')) });
const compare = await import(join(pkgDir, 'pagesim_compare.js'));
compare.initSync({ module: readFileSync(join(pkgDir, 'pagesim_compare_bg.wasm')) });
// Links are made and read by the page's module.
const links = pkg;

const TEXTBOOK = '7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1';

function faults(policy, frames) {
  const sim = new pkg.Simulator(`config frames=${frames} policy=${policy} tlb=0\nspawn T flat\nrefs T ${TEXTBOOK}\n`);
  sim.run(100);
  const f = sim.stats().total.faults;
  sim.dispose();
  return f;
}

let seed = 0x2545f491;
function rnd(n) {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed % n;
}

const throwing = { get frames() { throw new Error('getter'); }, valueOf() { throw new Error('valueOf'); } };
const proxy = new Proxy({}, {
  ownKeys() { throw new Error('ownKeys'); },
  get() { throw new Error('get'); },
  getPrototypeOf() { throw new Error('getPrototypeOf'); },
});
const { proxy: revoked, revoke } = Proxy.revocable({}, {});
revoke();
const hostile = [
  undefined, null, NaN, -1, 0, 1, 3, 4096, 0x1000, 0x2000, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 1e300,
  Infinity, -Infinity, 'A', 'B', 'rw', 'lru', '', 'x'.repeat(100_000), '<img src=x onerror=alert(1)>', '\u0000\u001b[31m',
  {}, [], [1, 2], { length: -1 }, { length: 2 ** 31 }, throwing, proxy, revoked, Symbol('s'), 10n, () => 1,
  new Uint8Array([49, 32, 50]), new ArrayBuffer(4), new Date(0),
];
const pick = () => hostile[rnd(hostile.length)];

const methods = [
  (s) => s.spawn(pick(), pick()),
  (s) => s.spawnFlat(pick()),
  (s) => s.allocate(pick(), pick(), pick(), pick()),
  (s) => s.allocate(pick(), pick(), pick(), pick(), pick()),
  (s) => s.allocate(rnd(3), 4096, 'rw', null, [{ shared: pick() }, { file: pick() }, { shared: 'm', file: 'f' }, throwing, proxy, revoked][rnd(6)]),
  (s) => s.free(pick(), pick()),
  (s) => s.read(pick(), pick()),
  (s) => s.read(rnd(3), rnd(0x10000)),
  (s) => s.write(rnd(3), rnd(0x10000), rnd(300)),
  (s) => s.write(pick(), pick(), pick()),
  (s) => s.tick(pick()),
  (s) => s.exit(pick()),
  (s) => s.step(),
  (s) => s.run(pick()),
  (s) => s.goto(pick()),
  (s) => s.goto(rnd(50)),
  (s) => s.back(),
  (s) => s.reset(),
  (s) => s.events(),
  (s) => s.log(pick(), pick()),
  (s) => s.stats(),
  (s) => s.config(),
  (s) => s.nextStep(),
  (s) => s.translate(pick(), pick()),
  (s) => s.tlbEntries(),
  (s) => s.tlbEntries(pick()),
  (s) => s.files(pick()),
  (s) => s.spaceWords,
  () => compare.tlbExercise(pick(), pick()),
  () => compare.tlbExercise(rnd(1000), rnd(30)),
  () => compare.translateExercise(pick(), pick(), pick()),
  () => compare.translateExercise(rnd(1000), rnd(120), rnd(5)),
  () => compare.exerciseScenario(pick(), pick(), pick(), pick(), pick()),
  () => compare.refsScenario(pick(), pick(), pick()),
  (s) => s.policyOrder(),
  (s) => s.policyOrder(pick()),
  (s) => s.viewCells(pick(), pick(), pick(), pick()),
  (s) => s.viewFrames(),
  (s) => s.viewFrames(pick(), pick()),
  (s) => s.viewFrameBlocks(pick(), pick(), pick()),
  (s) => s.viewRanges(pick(), pick(), pick()),
  (s) => s.viewSwap(pick(), pick()),
  (s) => s.runError(),
  (s) => [s.position, s.length, s.atEnd, s.historyStart],
  () => new pkg.Simulator(pick()).dispose(),
  () => pkg.checkScenario(pick()),
  () => links.editConfig(pick(), pick()),
  () => pkg.catalog(),
  () => links.encodeLink(pick()),
  () => links.decodeLink(pick()),
  () => links.shareUrl(pick(), pick(), pick()),
  () => compare.compareScenario(pick(), pick(), pick()),
  () => new traces.TraceSession(pick(), pick(), pick()),
  (s, t) => t.start(pick(), pick(), pick()),
  (s, t) => t.advance(pick()),
  (s, t) => t.toScenario(pick(), pick(), pick(), pick()),
  (s, t) => t.lruCurve(pick()),
  (s, t) => t.optCurve(pick()),
  (s, t) => t.faultsAt(pick(), pick()),
  (s, t) => t.sampleSizes(),
  (s, t) => t.summary(),
];

test('150,000 random calls with hostile arguments: Errors, never a trap', () => {
  let sims = [
    new pkg.Simulator('config frames=3 swap=8\nspawn A code=1\nspawn B\nalloc B heap 8K rw\nwrite B 0x2000 7\n'),
    new pkg.Simulator({ frames: 2, policy: 'clock' }),
    new pkg.Simulator(`config frames=3 policy=opt\nspawn T flat\nrefs T ${TEXTBOOK}\n`),
  ];
  const trace = new traces.TraceSession(new TextEncoder().encode(TEXTBOOK));
  trace.start('lru', 3);
  let calls = 0;
  let errors = 0;
  for (let i = 0; i < 150_000; i++) {
    const sim = sims[rnd(sims.length)];
    try {
      methods[rnd(methods.length)](sim, trace);
    } catch (e) {
      // Every failure is a JavaScript Error with a message, never a WebAssembly trap.
      assert.ok(e instanceof Error, `call ${i} threw ${typeof e}`);
      assert.ok(!(e instanceof WebAssembly.RuntimeError), `call ${i} trapped: ${e.message}`);
      assert.ok(e.message.length > 0 && e.message.length < 2000, `call ${i}: a short message, not ${e.message.length}: ${e.message.slice(0, 200)}`);
      errors++;
    }
    calls++;
    if (i % 20_000 === 0) {
      // Now and then: dispose one (later calls on it must be Errors) and start another.
      sims[0].dispose();
      assert.throws(() => sims[0].stats(), /disposed/);
      sims = [sims[1], sims[2], new pkg.Simulator({ frames: 1 + rnd(6), policy: ['fifo', 'lru', 'clock', 'aging'][rnd(4)] })];
    }
  }
  assert.ok(calls >= 150_000);
  assert.ok(errors > 10_000, `hostile arguments were refused (${errors} errors)`);
  for (const s of sims) s.stats();
  // A fresh simulator after all that: the textbook answers.
  assert.deepEqual([faults('fifo', 3), faults('lru', 3), faults('opt', 3), faults('clock', 3)], [15, 12, 9, 14]);
});

test('Symbol.dispose disposes the simulator; free(pid, addr) frees a region', () => {
  const sim = new pkg.Simulator({ frames: 2 });
  const a = sim.spawn('A', 0);
  const heap = sim.allocate(a, 4096, 'rw');
  sim.free(a, heap);
  assert.equal(sim.stats().processes[0].regions.length, 0);
  sim[Symbol.dispose]();
  assert.throws(() => sim.read(a, heap), /disposed/);
});

test('a getter that calls back into the same simulator gets an Error, not a trap', () => {
  const sim = new pkg.Simulator({ frames: 2 });
  const a = sim.spawn('A', 1);
  const regions = () => sim.stats().processes[a].regions.length;
  // The options object of allocate is read while the simulator is busy with that call.
  let inner;
  const callsBack = { get shared() { try { sim.read(a, 0x1000); } catch (e) { inner = e.message; } return 'buf'; } };
  sim.allocate(a, 4096, 'rw', null, callsBack);
  assert.match(inner, /busy/, 'the call from the getter was refused');
  assert.equal(regions(), 2, 'the allocation itself went on: code, then shared memory buf');
  assert.equal(sim.stats().processes[a].regions[1].object, 'buf');
  // A getter that lets that Error (or any other) escape makes allocate throw, and nothing changes.
  const throwsBack = { get shared() { sim.read(a, 0x1000); return 'buf'; } };
  assert.throws(() => sim.allocate(a, 4096, 'rw', null, throwsBack), /busy/);
  assert.throws(() => sim.allocate(a, 4096, 'rw', null, { get file() { throw new Error('no file for you'); } }), /no file for you/);
  assert.throws(() => sim.allocate(a, 4096, 'rw', null, 'shared'), /expected \{shared: name\}/);
  assert.equal(regions(), 2, 'no private region slipped in');
  sim.dispose();
});

test('tlbEntries(step) is the TLB just after that step, as it was when the run was there', () => {
  const sim = new pkg.Simulator('config frames=2 tlb=2 policy=lru\nspawn A flat\nspawn B flat\nrefs A 1 2 1\nrefs B 3\nrefs A 2 3\n');
  const seen = [];
  while (!sim.atEnd) {
    sim.step();
    seen.push(JSON.stringify(sim.tlbEntries()));
  }
  assert.ok(new Set(seen).size > 3, 'the TLB changed along the way');
  seen.forEach((now, i) => assert.equal(JSON.stringify(sim.tlbEntries(i + 1)), now, `after step ${i + 1}`));
  assert.deepEqual(sim.tlbEntries(5).map((e) => [e.pid, e.vpn]), [[0, 2], [0, 1]], 'A 1 2 1: page 1 most recently used');
  assert.throws(() => sim.tlbEntries(sim.length + 1), /step/);
  sim.dispose();
});

test('a simulator made from another one\'s config() has the same configuration', () => {
  const sim = new pkg.Simulator('config frames=5 page=1K vbits=20 swap=9 tlb=4 tlb_ways=2 asid=on levels=3 policy=clock seed=7 segv=report reclaim=1,3 timer=20\n');
  const again = new pkg.Simulator(sim.config());
  assert.deepEqual(again.config(), sim.config());
  sim.dispose();
  again.dispose();
});

test('goto past the end is an Error and nothing moves', () => {
  const sim = new pkg.Simulator('spawn T flat\nrefs T 1 2 3\n');
  sim.goto(2);
  assert.equal(sim.length, 4, 'spawn, then three reads');
  assert.throws(() => sim.goto(5), /step 5 is past the end: the run has 4 steps/);
  assert.equal(sim.position, 2);
  sim.dispose();
});
