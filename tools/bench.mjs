// `./build.sh bench`: trace-replay throughput, native and WebAssembly side by side, and the time
// to draw one frame of the page in headless Chromium. It prints figures; it never fails on them.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
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

// --- render time per frame in headless Chromium
const { startServer, launch, open } = await import(join(root, 'tests', 'browser', 'helpers.mjs'));
const { server, base } = await startServer();
const browser = await launch({ width: 1400, height: 900 });
try {
  const page = await open(browser.context, base);
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
  console.log('\nrender time per frame (headless Chromium, software rendering, 1400×900 viewport; median / worst of 40 frames):');
  for (const [name, t] of rows) console.log(`  ${name.padEnd(42)} ${t.median.toFixed(2)} ms / ${t.worst.toFixed(2)} ms`);
} finally {
  await browser.close();
  server.close();
}
