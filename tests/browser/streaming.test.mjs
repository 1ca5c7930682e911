// Traces too large to read whole, in headless Chromium: the trace dialog replays a file over the
// page's limit as it is read, with the figures of `pagesim trace` on the same file; the worker
// reads gzip through the browser's DecompressionStream; opt is refused with the reason.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, launch, open, cli, syntheticRwTrace } from './helpers.mjs';

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await launch();
});

after(async () => {
  await browser.close();
  server.close();
});

test('a file over the page\'s limit is replayed as it is read, with the CLI\'s figures', async () => {
  const page = await open(browser.context, base);
  const limit = await page.evaluate(() => window.pagesim.api.catalog().limits.pageTraceWhole.max);
  // A trace a little over the limit, made on the fly (nothing big in git).
  const block = Buffer.from(syntheticRwTrace(200_000));
  const big = Buffer.concat(Array.from({ length: Math.ceil((limit + 1) / block.length) }, () => block));
  assert.ok(big.length > limit);
  const file = join(mkdtempSync(join(tmpdir(), 'pagesim-stream-')), 'big.rw');
  writeFileSync(file, big);
  const expected = JSON.parse(execFileSync(cli, ['trace', file, '--policy', 'clock', '--frames', '64', '--json']).toString());
  await page.click('#btn-trace');
  await page.setInputFiles('#trace-file', file);
  await page.waitForFunction(() => !document.getElementById('trace-run').disabled);
  await page.selectOption('#trace-policy', 'clock');
  await page.fill('#trace-frames', '64');
  await page.click('#trace-run');
  await page.waitForFunction(() => document.getElementById('trace-dialog').dataset.done === 'true', null, { timeout: 120000 });
  const status = await page.textContent('#trace-dialog');
  assert.match(status, /replayed as read/);
  assert.match(status, new RegExp(`${expected.accesses.toLocaleString('en')} accesses`));
  assert.match(status, new RegExp(`${expected.faults.toLocaleString('en')} page faults`));
  assert.equal(await page.isVisible('#trace-plot'), false, 'no curves for a streamed file');
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('the worker streams gzip through DecompressionStream; opt is refused with the reason', async () => {
  const page = await open(browser.context, base);
  const text = syntheticRwTrace(300_000);
  const gz = gzipSync(Buffer.from(text)).toString('base64');
  const run = (policy) => page.evaluate(async ({ gz, policy }) => {
    const bytes = Uint8Array.from(atob(gz), (c) => c.charCodeAt(0));
    const file = new File([bytes], 't.rw.gz');
    const w = new Worker('js/trace-worker.js', { type: 'module' });
    const done = new Promise((resolve) => {
      w.onmessage = ({ data }) => { if (data.type === 'summary' || data.type === 'error') resolve(data); };
    });
    w.postMessage({ job: 'stream', file, format: 'auto', pageSize: 4096, policy, frames: 32 });
    const out = await done;
    w.terminate();
    return out;
  }, { gz, policy });
  const streamed = await run('lru');
  assert.equal(streamed.type, 'summary');
  assert.equal(streamed.summary.format, 'rw');
  const whole = await page.evaluate(async (t) => {
    const m = await import('./pkg/pagesim_trace.js');
    await m.default();
    const s = new m.TraceSession(new TextEncoder().encode(t), 'rw', 4096);
    s.start('lru', 32);
    s.advance(1e9);
    return s.summary();
  }, text);
  for (const key of ['accesses', 'hits', 'faults', 'swap_ins', 'swap_outs', 'distinct_pages']) {
    assert.equal(streamed.summary[key], whole[key], key);
  }
  const opt = await run('opt');
  assert.equal(opt.type, 'error');
  assert.match(opt.message, /opt looks ahead/);
  await page.close();
});
