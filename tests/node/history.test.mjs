// Issue 7's repros as tests: each case runs in its own node process (tests/node/cases.mjs) so it
// measures its own growth of WebAssembly memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const run = (name) => JSON.parse(execFileSync(process.execPath, [join(here, 'cases.mjs'), name], { timeout: 300_000 }).toString());
const MAX_GROWTH_MIB = 64;

test('a new timeline after a step back never sees the abandoned one', () => {
  const r = run('stale-past');
  assert.equal(r.writes, 3, 'three writes on this timeline');
  assert.equal(r.value, 0, 'a page never written on this timeline reads 0');
  const b = run('stale-past-b');
  assert.equal(b.threw, undefined, b.threw);
  assert.equal(b.position, 40);
  assert.equal(b.writes, 3 + 33, 'A wrote 3 times before step 5, B 33 times up to step 40');
  assert.ok(b.freshStillWorks);
});

test('a million frames cost what is used: 64 MiB at most, and at most 3× the time of 4,096 frames', () => {
  const best = (name) => [run(name), run(name), run(name)].reduce((a, b) => (b.ms < a.ms ? b : a));
  const big = best('million-frames');
  const small = best('frames-4096');
  assert.equal(big.position, 2002);
  assert.ok(big.growthMiB <= MAX_GROWTH_MIB, `${big.growthMiB} MiB`);
  // A few milliseconds of slack: both are quick, and a shared machine is noisy.
  assert.ok(big.ms <= 3 * small.ms + 15, `${big.ms} ms against ${small.ms} ms for 4,096 frames`);
});

test('a link of 2,600 writes to 64 KiB pages opens at its last step in bounded memory', () => {
  const r = run('big-pages-link');
  assert.equal(r.threw, undefined, r.threw);
  assert.equal(r.position, 2602);
  assert.ok(r.readBack, 'the last byte written reads back');
  assert.ok(r.growthMiB <= MAX_GROWTH_MIB, `${r.growthMiB} MiB`);
});

test('9,000 writes scattered over a 48-bit space, there and back', () => {
  const r = run('scattered-48');
  assert.equal(r.threw, undefined, r.threw);
  assert.equal(r.position, 9001);
  assert.ok(r.swapOuts > 8000);
  assert.ok(r.growthMiB <= MAX_GROWTH_MIB, `${r.growthMiB} MiB`);
});

test('a million API reads grow memory by less than 48 MiB', () => {
  const r = run('million-reads');
  assert.equal(r.threw, undefined, r.threw);
  assert.equal(r.sum, 42 * 125_000, 'every eighth read is of the byte written');
  assert.ok(r.growthMiB < 48, `${r.growthMiB} MiB`);
});

test('100,000 calls whose arguments throw, trap or call back are Errors, and the module lives on', () => {
  const r = run('hostile-arguments');
  assert.equal(r.threw, undefined, r.threw);
  assert.equal(r.errors, 80_000, 'every hostile argument is an Error (the reentrant one is accepted)');
  assert.equal(r.faults, 15, 'a fresh simulator still counts the textbook FIFO faults');
  assert.ok(r.growthMiB < 8, `${r.growthMiB} MiB`);
});

test('time stops at 2^53 − 1: refused where it enters, never half done', () => {
  const r = run('time-limit');
  assert.equal(r.outcomes[0], 'ok');
  assert.match(r.outcomes[1], /would pass 9007199254740991/);
  assert.equal(r.time, 2 ** 52, 'the refused ticks changed nothing');
  assert.match(r.scenario, /^1:6: a tick is at most 9007199254740991/);
  assert.match(r.link, /^line 2: tick 1: the clock would pass/);
});

test('a TraceSession refuses what is not bytes', () => {
  const r = run('trace-lengths');
  assert.equal(r.out.length, 6);
  for (const m of r.out) assert.match(m, /expected the file's bytes/);
  assert.equal(r.goodLength, 4);
});
