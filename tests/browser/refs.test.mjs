// Reference strings typed in, in headless Chromium: #refs=…&frames=…&policies=… opens the grids of
// up to three policies side by side with the textbook's fault counts, the form takes a typed
// string (and says where one is wrong), the grids follow the page's step (predict mode on top),
// and Share gives the view's own link.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open } from './helpers.mjs';

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

const TEXTBOOK = '7,0,1,2,0,3,0,4,2,3,0,3,2,1,2,0,1,7,0,1';

/** Per grid: its policy and the number of header cells marked as faults. */
const grids = (page) => page.$$eval('#refs-grids table.grid', (ts) => ts.map((t) => ({
  policy: t.dataset.policy,
  faults: t.querySelectorAll('thead th[data-fault]').length,
  columns: t.querySelectorAll('thead th').length - 1,
})));

test('a refs link opens the grids of three policies side by side with the textbook counts', async () => {
  const page = await open(browser.context, `${base}#refs=${TEXTBOOK}&frames=3&policies=fifo,lru,opt`);
  assert.equal(await page.isVisible('#refs-grids'), true);
  await page.keyboard.press('End');
  assert.deepEqual(await grids(page), [
    { policy: 'fifo', faults: 15, columns: 20 },
    { policy: 'lru', faults: 12, columns: 20 },
    { policy: 'opt', faults: 9, columns: 20 },
  ]);
  assert.match(await page.textContent('#refs-grids'), /FIFO: 15 page faults.*LRU: 12 page faults.*OPT: 9 page faults/);
  // The frames after the fourth access under FIFO: 2, 0, 1 (7 evicted).
  const column = await page.$$eval('#refs-grids table[data-policy="fifo"] tbody tr', (rows) => rows.map((r) => r.cells[4].textContent));
  assert.deepEqual(column, ['2', '0', '1', '7']);
  // Share gives the view's own link.
  await page.click('#btn-share');
  await page.waitForFunction(() => document.body.dataset.lastShare);
  assert.match(await page.evaluate(() => document.body.dataset.lastShare), new RegExp(`#refs=${TEXTBOOK}&frames=3&policies=fifo,lru,opt$`));
  assert.deepEqual(browser.errors, []);
  await page.close();
});

test('the form takes a typed string, says where one is wrong, and the grids follow predict mode', async () => {
  const page = await open(browser.context, base);
  await page.click('#refs-panel summary');
  await page.fill('#refs-text', '1 2 3 4 1 2 5 1 2 3 4 x');
  await page.click('#refs-open');
  await page.waitForFunction(() => document.getElementById('refs-error').textContent !== '');
  assert.match(await page.textContent('#refs-error'), /character 23: expected a page number, found "x"/);
  // Belady's anomaly: FIFO faults more with 4 frames than with 3.
  const faults = async (frames) => {
    await page.fill('#refs-text', '1 2 3 4 1 2 5 1 2 3 4 5');
    await page.fill('#refs-frames', String(frames));
    await page.$$eval('#refs-policies input', (inputs) => inputs.forEach((i) => { i.checked = i.value === 'fifo'; }));
    await page.click('#refs-open');
    await page.keyboard.press('End');
    return (await grids(page))[0].faults;
  };
  assert.equal(await faults(3), 9);
  assert.equal(await faults(4), 10);
  assert.match(page.url(), /#refs=1,2,3,4,1,2,5,1,2,3,4,5&frames=4&policies=fifo$/);
  // Predict mode on top: the page's run is the first policy's; columns still to guess stay blank.
  await page.keyboard.press('Home');
  await page.click('#btn-predict');
  const filled = await page.$$eval('#refs-grids thead th', (ths) => ths.slice(1).filter((th) => th.hasAttribute('data-fault')).length);
  assert.equal(filled, 0, 'nothing is given away before the student answers');
  // More than three policies is refused.
  await page.$$eval('#refs-policies input', (inputs) => inputs.forEach((i) => { i.checked = true; }));
  await page.click('#refs-open');
  await page.waitForFunction(() => document.getElementById('refs-error').textContent !== '');
  assert.match(await page.textContent('#refs-error'), /one to 3 policies/);
  await page.close();
});
