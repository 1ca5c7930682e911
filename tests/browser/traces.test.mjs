// Traces on the page in headless Chromium: a dropped lackey trace replays and plots, a window opens step by step, the page stays responsive and Cancel works, an empty trace says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, launch, open, dataDir } from './helpers.mjs';

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await launch();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
});

after(async () => {
  await browser.close();
  server.close();
});

test('a lackey trace dropped on the page replays and the comparison plot shows', async () => {
  browser.errors.length = 0;
  const page = await open(browser.context, base);
  await page.click('#btn-trace');
  await page.waitForSelector('#trace-drop'); // the dialog's code loads when first opened
  const bytes = [...readFileSync(join(dataDir, 'sumarr.lackey.gz'))];
  await page.evaluate((data) => {
    const file = new File([new Uint8Array(data)], 'sumarr.lackey.gz', { type: 'application/gzip' });
    const dt = new DataTransfer();
    dt.items.add(file);
    document.getElementById('trace-drop').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await page.waitForFunction(() => !document.getElementById('trace-run').disabled);
  await page.fill('#trace-frames', '8');
  await page.click('#trace-run');
  await page.waitForFunction(() => document.getElementById('trace-dialog').dataset.done === 'true', null, { timeout: 60000 });
  const result = await page.textContent('#trace-result');
  assert.match(result, /LRU, 8 frames: [\d,]+ accesses/);
  assert.match(await page.textContent('#trace-status'), /Done in/);
  assert.equal(await page.isVisible('#trace-plot'), true);
  // Its numbers, under it: a row per frame count shown, a column per policy.
  const numbers = await page.$$eval('#trace-numbers table tr', (trs) => trs.map((tr) => tr.cells.length));
  assert.ok(numbers.length > 2 && numbers.every((n) => n === 5), JSON.stringify(numbers.slice(0, 3)));
  const drawn = await page.evaluate(() => {
    const c = document.getElementById('trace-plot');
    const d = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
    return d.filter((x) => x !== d[0]).length;
  });
  assert.ok(drawn > 500, 'the plot has lines');
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('a small trace opens step by step in the simulator', async () => {
  const page = await open(browser.context, base);
  await page.click('#btn-trace');
  await page.setInputFiles('#trace-file', { name: 'belady.pages', mimeType: 'text/plain', buffer: readFileSync(join(dataDir, 'belady.pages')) });
  await page.waitForFunction(() => !document.getElementById('trace-run').disabled);
  await page.selectOption('#trace-policy', 'fifo');
  await page.fill('#trace-frames', '3');
  await page.click('#trace-run');
  await page.waitForSelector('#trace-window:not([hidden])', { timeout: 30000 });
  assert.match(await page.textContent('#trace-window'), /all 12 accesses/);
  await page.click('#trace-open');
  await page.waitForFunction(() => window.pagesim.state.text.startsWith('# accesses 1–12 of 12'));
  await page.keyboard.press('End');
  assert.equal(await page.evaluate(() => window.pagesim.state.sim.stats().total.faults), 9);
  await page.close();
});

test('the page stays responsive while a large trace replays, and the replay can be cancelled', async () => {
  const page = await open(browser.context, base);
  await page.click('#btn-trace');
  // 3 million references over 300,000 pages: seconds of work for the worker.
  let x = 12345;
  const parts = [];
  for (let i = 0; i < 3_000_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    parts.push(String(x % 300_000));
  }
  await page.setInputFiles('#trace-file', { name: 'big.pages', mimeType: 'text/plain', buffer: Buffer.from(parts.join(' ')) });
  await page.waitForFunction(() => !document.getElementById('trace-run').disabled);
  await page.fill('#trace-frames', '1000');
  await page.click('#trace-run');
  await page.waitForFunction(() => document.getElementById('trace-progress').value > 0, null, { timeout: 30000 });
  const delays = [];
  for (let i = 0; i < 5; i++) {
    delays.push(await page.evaluate(() => new Promise((r) => { const t = performance.now(); setTimeout(() => r(performance.now() - t), 5); })));
  }
  assert.ok(Math.max(...delays) < 250, `the main thread answers within 250 ms while replaying: ${delays.map((d) => d.toFixed(0))}`);
  const t0 = Date.now();
  await page.click('#trace-cancel');
  assert.ok(Date.now() - t0 < 1000, 'the click is handled at once');
  assert.equal(await page.textContent('#trace-status'), 'Cancelled.');
  assert.equal(await page.isVisible('#trace-progress'), false);
  await page.close();
});

test('an empty trace says so instead of plotting nothing', async () => {
  const page = await open(browser.context, base);
  await page.click('#btn-trace');
  await page.setInputFiles('#trace-file', { name: 'empty.rw', mimeType: 'text/plain', buffer: Buffer.from('# nothing here\n\n') });
  await page.waitForFunction(() => !document.getElementById('trace-run').disabled);
  await page.click('#trace-run');
  await page.waitForFunction(() => /no accesses/.test(document.getElementById('trace-dialog').textContent));
  assert.match(await page.textContent('#trace-dialog'), /empty\.rw: the trace has no accesses\./);
  assert.equal(await page.isVisible('#trace-plot'), false);
  await page.close();
});
