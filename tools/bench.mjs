// `./build.sh bench`: trace-replay throughput, native and WebAssembly side by side; a 2M-access
// trace file through the CLI, a hand-written LRU counter, the trace module and the page; the
// modules' sizes; the time to draw one frame of the page in headless Chromium, a step by keyboard
// and top-speed playback of a 5,000-step run (frames per second, longest task). It prints
// figures; it never fails on them.
import { readFileSync, writeFileSync, mkdtempSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = 1_000_000;
const FRAMES = 1024;
const TLB = 64;

// --- native: the bench binary, as JSON
const native = JSON.parse(execFileSync('cargo', ['run', '--release', '--quiet', '--bin', 'bench', '--', '--json', '--accesses', String(N)], { cwd: root }).toString());

// --- wasm: the same workload and settings through the page's module, in node
const pkg = await import(join(root, 'www', 'pkg', 'pagesim_trace.js'));
pkg.initSync({ module: readFileSync(join(root, 'www', 'pkg', 'pagesim_trace_bg.wasm')) });
function wasmSeconds(policy, stride) {
  const session = pkg.TraceSession.synthetic(N, stride);
  let best = Infinity;
  let faults = 0;
  for (let i = 0; i < 5; i++) {
    session.start(policy, FRAMES, TLB);
    const t = performance.now();
    session.advance(N);
    best = Math.min(best, (performance.now() - t) / 1000);
    faults = session.summary().faults;
  }
  session.free();
  return { seconds: best, faults };
}

const pad = (s, n) => String(s).padStart(n);
console.log(`trace replay, ${N.toLocaleString()} accesses, ${FRAMES} frames, 4K pages, 4-level tables, TLB ${TLB} (best of 5)`);
console.log('  mix:   80% hot set of 900 pages + 20% sequential scan at 64-byte stride, 25% writes');
console.log('  heavy: the scan moves a page per access, so every scan access is a page fault');
console.log(`${'policy'.padEnd(8)}${pad('mix native', 12)}${pad('mix wasm', 10)}${pad('faults', 8)}  ${pad('heavy native', 13)}${pad('heavy wasm', 11)}${pad('faults', 8)}${pad('peak MB', 9)}   (M accesses/s)`);
for (const row of native) {
  const mix = wasmSeconds(row.policy, 64);
  const heavy = wasmSeconds(row.policy, 4096);
  if (mix.faults !== row.mix_faults || heavy.faults !== row.heavy_faults) {
    console.log(`  !! ${row.policy}: wasm and native disagree on faults (${mix.faults}/${row.mix_faults}, ${heavy.faults}/${row.heavy_faults})`);
  }
  const rate = (s) => (N / s / 1e6).toFixed(1);
  console.log(`${row.policy.padEnd(8)}${pad(rate(row.mix_seconds), 12)}${pad(rate(mix.seconds), 10)}${pad(((100 * row.mix_faults) / N).toFixed(2) + '%', 8)}  `
    + `${pad(rate(row.heavy_seconds), 13)}${pad(rate(heavy.seconds), 11)}${pad(((100 * row.heavy_faults) / N).toFixed(1) + '%', 8)}${pad((row.peak_bytes / 1e6).toFixed(1), 9)}`);
}

// --- a 2M-access trace file: the CLI (one replay, each curve), a bare LRU counter, the trace module
const { startServer, launch, open, syntheticRwTrace, longScenario, stepCosts, median } = await import(join(root, 'tests', 'browser', 'helpers.mjs'));
const traceFile = join(mkdtempSync(join(tmpdir(), 'pagesim-bench-')), 'synthetic-2m.rw');
writeFileSync(traceFile, syntheticRwTrace(2_000_000));
const cli = join(root, 'target', 'release', 'pagesim');
const bestOf = (n, f) => {
  let best = Infinity;
  let out;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    out = f();
    best = Math.min(best, performance.now() - t);
  }
  return { ms: best, out };
};
const runCli = (...extra) => execFileSync(cli, ['trace', traceFile, '--policy', 'lru', ...extra], { encoding: 'utf8' });
const one = bestOf(3, () => JSON.parse(runCli('--frames', '64', '--json')));
const bare = bestOf(3, () => execFileSync(join(root, 'target', 'release', 'bench'), ['--bare-lru', traceFile, '64'], { encoding: 'utf8' }).split(' '));
console.log(`\n2,000,000-access rw trace (${(statSync(traceFile).size / 1e6).toFixed(0)} MB, ${one.out.distinct_pages} pages), 64 frames, best of 3:`);
console.log(`  pagesim trace, one LRU replay        ${one.ms.toFixed(0).padStart(6)} ms  (${one.out.faults} faults)`);
console.log(`  hand-written LRU counter (bench)     ${(1000 * Number(bare.out[1])).toFixed(0).padStart(6)} ms  (${bare.out[0]} faults; process time ${bare.ms.toFixed(0)} ms)`);
for (const policy of ['lru', 'opt', 'fifo', 'clock']) {
  const curve = bestOf(1, () => execFileSync(cli, ['trace', traceFile, '--policy', policy, '--curve', '--json'], { encoding: 'utf8' }));
  const points = JSON.parse(curve.out).curve.length;
  console.log(`  pagesim trace --curve, ${policy.padEnd(5)}        ${curve.ms.toFixed(0).padStart(6)} ms  (${points} frame counts; ${(curve.ms / one.ms).toFixed(1)}× one replay)`);
}
// --- curves on a trace over a million distinct pages (half the accesses random over 1M pages,
// half over a hot set of 2,000): each stack curve against one replay of its own policy.
{
  let x = 5;
  const rand = (n) => {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    return (x >>> 0) % n;
  };
  const lines = [];
  for (let i = 0; i < 4_000_000; i++) lines.push(i % 2 ? rand(1_000_000) : rand(2000));
  const wide = join(dirname(traceFile), 'wide-4m.pages');
  writeFileSync(wide, lines.join('\n') + '\n');
  console.log('\n4,000,000 accesses over ~1,000,000 distinct pages (pages format), best of 1:');
  for (const policy of ['lru', 'opt']) {
    // Timed only: the curve's 65,536 lines are not kept.
    const replay = bestOf(1, () => execFileSync(cli, ['trace', wide, '--policy', policy, '--frames', '1000'], { stdio: 'ignore' }));
    const curve = bestOf(1, () => execFileSync(cli, ['trace', wide, '--policy', policy, '--curve'], { stdio: 'ignore' }));
    console.log(`  ${policy.padEnd(4)} one replay ${replay.ms.toFixed(0).padStart(6)} ms, curve (65,536 frame counts) ${curve.ms.toFixed(0).padStart(6)} ms  (${(curve.ms / replay.ms).toFixed(1)}×)`);
  }
}
{
  const bytes = readFileSync(traceFile);
  const parse = bestOf(1, () => new pkg.TraceSession(bytes, 'rw', 4096));
  const session = parse.out;
  const replay = bestOf(1, () => {
    session.start('lru', 64);
    session.advance(session.length);
    return session.summary();
  });
  const lru = bestOf(1, () => session.lruCurve());
  const opt = bestOf(1, () => session.optCurve());
  console.log(`  trace module (node): parse ${parse.ms.toFixed(0)} ms, LRU replay ${replay.ms.toFixed(0)} ms, `
    + `LRU curve ${lru.ms.toFixed(0)} ms (${lru.out.length} counts), OPT curve ${opt.ms.toFixed(0)} ms`);
  session.free();
}

// --- module sizes
console.log('\nWebAssembly modules (after wasm-opt): bytes, gzipped');
for (const [name, what] of [['pagesim_bg.wasm', 'the page'], ['pagesim_trace_bg.wasm', 'the trace worker'], ['pagesim_compare_bg.wasm', 'the comparison plot (loaded on demand)']]) {
  const wasm = readFileSync(join(root, 'www', 'pkg', name));
  console.log(`  ${name.padEnd(24)} ${wasm.length.toLocaleString('en').padStart(9)} ${gzipSync(wasm, { level: 9 }).length.toLocaleString('en').padStart(9)}  ${what}`);
}

// --- the first view over a slow mobile link, cold cache: the default page, a shared link, an embed
{
  const { firstView, startServer: serveWww } = await import(join(root, 'tests', 'browser', 'helpers.mjs'));
  const page = await import(join(root, 'www', 'pkg', 'pagesim.js'));
  page.initSync({ module: readFileSync(join(root, 'www', 'pkg', 'pagesim_bg.wasm')) });
  const swapping = page.presets().find((p) => p.id === 'swapping').text;
  const link = `s=${page.encodeLink(swapping)}`;
  console.log('\nfirst view, cold cache, 150 ms round trip, 1.6 Mbit/s, gzip (median of 3): ready / last file, files, KiB');
  for (const http2 of [true, false]) {
    const { server, base } = await serveWww({ http2 });
    for (const [name, url] of [['the default page', ''], ['a shared link', `#${link}`], ['an embed', `embed.html#${link}`]]) {
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await firstView(base + url));
      const r = runs.sort((a, b) => a.ready - b.ready)[1];
      console.log(`  ${http2 ? 'HTTP/2  ' : 'HTTP/1.1'} ${name.padEnd(18)} ${(r.ready / 1000).toFixed(2)} s / ${(r.lastFile / 1000).toFixed(2)} s, ${r.files} files, ${(r.bytes / 1024).toFixed(0)} KiB`);
    }
    server.close();
  }
}

// --- the page: the trace dialog on the same file; render time per frame in headless Chromium
const { server, base } = await startServer();
const browser = await launch({ width: 1400, height: 900 });
try {
  const page = await open(browser.context, base);
  await page.click('#btn-trace');
  await page.setInputFiles('#trace-file', traceFile);
  await page.waitForFunction(() => !document.getElementById('trace-run').disabled);
  await page.fill('#trace-frames', '64');
  await page.waitForTimeout(1000); // as a user pauses before Replay: the dialog's workers warm up
  const t0 = performance.now();
  await page.click('#trace-run');
  await page.waitForFunction(() => document.getElementById('trace-dialog').dataset.done === 'true', null, { timeout: 120000 });
  const pageMs = performance.now() - t0;
  console.log(`\nthe page's trace dialog, Replay to the plot (replay, full LRU and OPT curves, FIFO and CLOCK sampled, 2 workers): `
    + `${pageMs.toFixed(0)} ms = ${(pageMs / one.ms).toFixed(1)}× one native replay`);
  await page.keyboard.press('Escape');
  const timeDraw = () => page.evaluate(() => {
    const { draw } = window.pagesim;
    // Reading one pixel back makes the browser finish rasterising, so the time is the real cost.
    const ctx = document.getElementById('canvas').getContext('2d');
    const frame = () => { draw(); ctx.getImageData(0, 0, 1, 1); };
    for (let i = 0; i < 5; i++) frame(); // warm up
    const times = [];
    for (let i = 0; i < 40; i++) {
      const t = performance.now();
      frame();
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return { median: times[20], worst: times[39] };
  });
  const rows = [];
  const ids = await page.evaluate(() => window.pagesim.api.presets().map((p) => p.id));
  for (const id of ids) {
    await page.evaluate((p) => { window.pagesim.loadPreset(p); window.pagesim.jump(window.pagesim.state.sim.length); }, id);
    rows.push([`preset ${id}`, await timeDraw()]);
  }
  let big = 'config frames=4096 page=4K vbits=32 levels=2 swap=8192 tlb=64 policy=clock\n';
  for (let p = 0; p < 4; p++) {
    big += `spawn P${p} flat\n`;
    for (let line = 0; line < 12; line++) {
      big += `refs P${p} ${Array.from({ length: 100 }, (_, i) => p * 5000 + line * 100 + i).join(' ')}\n`;
    }
  }
  await page.evaluate((t) => { window.pagesim.load(t); window.pagesim.jump(window.pagesim.state.sim.length); }, big);
  rows.push(['4,096 frames, 4 processes, 4,800 pages', await timeDraw()]);
  // 262,144 frames, every one in use (two processes reading 264,192 pages): a heat map of blocks.
  await page.evaluate(() => {
    const P = window.pagesim;
    P.load('config frames=262144 page=4K vbits=40 swap=4096 policy=clock\nspawn A flat\nspawn B flat\n');
    P.jump(2);
    for (let p = 0; p < 264192; p++) P.state.sim.read((p >> 9) % 3 ? 0 : 1, p * 4096);
    P.refresh({ animate: false });
  });
  rows.push(['262,144 frames, all in use (heat map)', await timeDraw()]);
  console.log('\nrender time per frame (headless Chromium, software rendering, 1400×900 viewport; median / worst of 40 frames):');
  for (const [name, t] of rows) console.log(`  ${name.padEnd(42)} ${t.median.toFixed(2)} ms / ${t.worst.toFixed(2)} ms`);

  // A 5,000-step run (16 frames, 64 pages, full from step ~300): one step by keyboard, script and
  // the style and layout it causes (as the browser tests measure it); then 2 s of play at top
  // speed from step 3,000.
  console.log('\na 5,000-step run (the browser tests\' longScenario), 16 frames and 4,096 frames:');
  for (const [frames, pages] of [[16, 64], [4096, 3000]]) {
    await page.evaluate((text) => window.pagesim.load(text), longScenario(5000, { frames, pages }));
    await page.evaluate(() => window.pagesim.jump(100));
    await stepCosts(page, 10); // warm-up (and the address bar's first link, made once after a load)
    const stepMs = [];
    for (const at of [500, 4000]) {
      await page.evaluate((s) => window.pagesim.jump(s), at);
      stepMs.push(median(await stepCosts(page, 15)));
    }
    const play = await page.evaluate(async () => {
      const P = window.pagesim;
      const speed = document.getElementById('speed');
      speed.value = speed.max;
      P.jump(3000);
      await new Promise((r) => setTimeout(r, 300));
      const tasks = [];
      const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
      observer.observe({ type: 'longtask' });
      let count = 0;
      const t0 = performance.now();
      const counting = () => { count++; if (P.state.playing) requestAnimationFrame(counting); };
      document.getElementById('btn-play').click();
      requestAnimationFrame(counting);
      await new Promise((r) => setTimeout(r, 2000));
      const seconds = (performance.now() - t0) / 1000;
      const steps = P.state.sim.position - 3000;
      if (P.state.playing) document.getElementById('btn-play').click();
      observer.disconnect();
      return { fps: count / seconds, stepsPerS: steps / seconds, longest: Math.max(0, ...tasks) };
    });
    console.log(`  ${String(frames).padStart(5)} frames: a step by keyboard (script, style, layout) ${stepMs[0].toFixed(1)} ms at step 500, ${stepMs[1].toFixed(1)} ms at step 4,000; `
      + `top speed ${play.fps.toFixed(0)} frames/s, ${play.stepsPerS.toFixed(0)} steps/s, longest task ${play.longest ? `${play.longest.toFixed(0)} ms` : 'under 50 ms'}`);
  }
} finally {
  await browser.close();
  server.close();
}
