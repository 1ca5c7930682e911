// The grid view and the exercise generator in headless Chromium: textbook counts per policy, blank ahead in predict mode, the printable worksheet.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, launch, open, cli } from './helpers.mjs';

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

test('the grid view shows the textbook counts for each policy, follows the steps, and is blank ahead in predict mode', async () => {
  const page = await open(browser.context, base);
  await page.click('#grid-panel summary');
  const refs = '7 0 1 2 0 3 0 4 2 3 0 3 2 1 2 0 1 7 0 1';
  for (const [policy, faults] of [['fifo', 15], ['lru', 12], ['opt', 9], ['clock', 14]]) {
    await page.evaluate(([p, r]) => {
      window.pagesim.load(`config frames=3 tlb=0 policy=${p}\nspawn T flat\nrefs T ${r}\n`);
      window.pagesim.jump(window.pagesim.state.sim.length);
    }, [policy, refs]);
    const grid = await page.evaluate(() => {
      const t = document.getElementById('grid');
      return {
        header: [...t.querySelectorAll('thead th:not(.corner)')].map((th) => th.textContent),
        faults: t.querySelectorAll('thead th[data-fault]').length,
        rows: t.querySelectorAll('tbody tr').length,
        frame0: [...t.querySelectorAll('tbody tr:first-child td')].map((td) => td.textContent),
      };
    });
    assert.equal(grid.header.join(' '), refs, policy);
    assert.equal(grid.faults, faults, `${policy}: ${faults} faults on the grid`);
    assert.equal(grid.rows, 3 + 1, 'a row per frame and the evicted row');
    assert.equal(grid.frame0[0], '7', 'page 7 loads into frame 0 first');
    assert.match(await page.textContent('#grid-note'), new RegExp(`${faults} page faults in 20 of 20 accesses`));
  }
  // FIFO after 4 steps (spawn + 7 0 1): frame 0 holds 7, the 2 in column 4 is not filled yet.
  await page.evaluate(() => {
    window.pagesim.load('config frames=3 tlb=0 policy=fifo\nspawn T flat\nrefs T 7 0 1 2 0 3\n');
    window.pagesim.jump(4);
  });
  const columns = () => page.evaluate(() => [...document.querySelectorAll('#grid thead th:not(.corner)')].map((th, i) => ({
    fault: th.hasAttribute('data-fault'),
    current: th.classList.contains('current'),
    cells: [...document.querySelectorAll(`#grid tbody tr td:nth-of-type(${i + 1})`)].map((td) => td.textContent).join(','),
  })));
  let cols = await columns();
  assert.deepEqual(cols.map((c) => c.fault), [true, true, true, false, false, false]);
  assert.equal(cols[2].current, true);
  assert.equal(cols[2].cells, '7,0,1,');
  assert.equal(cols[3].cells, ',,,', 'a step not done is blank');
  await page.click('#btn-step');
  cols = await columns();
  assert.equal(cols[3].cells, '2,0,1,7', 'page 2 replaced 7 (shown as evicted)');
  assert.equal(cols[3].fault, true);
  // Predict mode: the question's column stays blank and unmarked until answered.
  await page.click('#btn-predict');
  await page.click('#btn-step'); // page 0: hit or fault?
  assert.match(await page.textContent('#predict'), /What happens\?/);
  cols = await columns();
  assert.equal(cols[4].cells, ',,,');
  assert.equal(cols[4].fault, false);
  await page.click('#predict button[data-answer=hit]');
  cols = await columns();
  assert.equal(cols[4].cells, '2,0,1,');
  await page.close();
});

test('the exercise generator opens the CLI\'s exercise in predict mode and prints a worksheet with the key on its own page', async () => {
  const expected = JSON.parse(execFileSync(cli, ['exercise', '--policy', 'lru', '--frames', '3', '--length', '14', '--pages', '6', '--seed', '42', '--json'], { encoding: 'utf8' }));
  const page = await open(browser.context, base);
  await page.click('#btn-exercise');
  await page.selectOption('#ex-policy', 'lru');
  for (const [id, v] of [['ex-frames', '3'], ['ex-length', '14'], ['ex-pages', '6'], ['ex-seed', '42']]) await page.fill(`#${id}`, v);
  await page.click('#ex-open');
  await page.waitForFunction(() => document.querySelector('#worksheet table'));
  // The page's exercise is the CLI's: the grid's header is the reference string, predict mode is on.
  const header = await page.$$eval('#grid thead th:not(.corner)', (ths) => ths.map((th) => Number(th.textContent)));
  assert.deepEqual(header, expected.reference);
  assert.equal(await page.getAttribute('#btn-predict', 'aria-pressed'), 'true');
  // The exercise says what it is where it stays (not only in a passing toast).
  assert.equal(await page.textContent('#about-title'), 'Exercise: LRU with 3 frames, 14 accesses to pages 0–5 (seed 42)');
  await page.waitForFunction(() => location.hash.includes('mode=predict'));
  // Nothing is filled in before the student answers.
  assert.equal(await page.$$eval('#grid tbody td', (tds) => tds.filter((td) => td.textContent).length), 0);
  // The worksheet: the blank grid, then the answers (the CLI's) on a page of their own.
  const sheet = await page.evaluate(() => {
    const [blank, key] = document.querySelectorAll('#worksheet table');
    const cells = (t) => [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent));
    return { blank: cells(blank), key: cells(key), faults: Number(document.getElementById('worksheet').dataset.faults) };
  });
  assert.ok(sheet.blank.flat().every((c) => c === ''), 'the question grid is blank');
  assert.equal(sheet.faults, expected.faults);
  expected.steps.forEach((s, i) => {
    for (let f = 0; f < 3; f++) assert.equal(sheet.key[f][i], s.frames[f] == null ? '' : String(s.frames[f]), `column ${i}, frame ${f}`);
    assert.equal(sheet.key[3][i], s.fault ? 'F' : '');
    assert.equal(sheet.key[4][i], s.victim == null ? '' : String(s.victim));
  });
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#canvas'), false, 'printing shows the worksheet only');
  assert.equal(await page.isVisible('#worksheet'), true);
  const pdf = await page.pdf({ format: 'A4', landscape: true });
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
  assert.equal(pages, 2, 'the question on page 1, the answer key on page 2');
  if (process.env.WORKSHEET_PDF) writeFileSync(process.env.WORKSHEET_PDF, pdf);
  // Students' copies: untick the key and the print job is the question alone.
  await page.emulateMedia({ media: 'screen' });
  await page.click('#btn-exercise');
  await page.uncheck('#ex-key');
  await page.click('#ex-open');
  await page.waitForFunction(() => document.getElementById('worksheet').classList.contains('without-key'));
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.isVisible('#worksheet .answer-key'), false);
  const alone = await page.pdf({ format: 'A4', landscape: true });
  assert.equal((alone.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length, 1, 'the question only');
  await page.close();
});

test('the grid of a 5,000-step run shows a window around the current step, quickly', async () => {
  const page = await open(browser.context, base);
  // One process reading 5,000 pages in a loop over 40, with 16 frames.
  const refs = Array.from({ length: 5000 }, (_, i) => (i * 7) % 40).join(' ');
  await page.evaluate((r) => window.pagesim.load(`config frames=16 tlb=0 policy=fifo vbits=32 swap=64\nspawn T flat\nrefs T ${r}\n`), refs);
  await page.evaluate(() => window.pagesim.jump(2000));
  const t0 = Date.now();
  await page.click('#grid-panel summary');
  await page.waitForSelector('#grid thead th');
  const opened = Date.now() - t0;
  const window = async () => page.$$eval('#grid thead th[title]', (ths) => ths.map((th) => Number(th.title.replace('step ', ''))));
  let steps = await window();
  assert.ok(steps.length <= 100, `at most 100 columns (${steps.length})`);
  assert.ok(steps[0] <= 2000 && steps.at(-1) >= 2000, `the current step is in the window (${steps[0]}–${steps.at(-1)})`);
  assert.equal(await page.$$eval('#grid thead th.current', (ths) => ths.length), 1);
  assert.match(await page.textContent('#grid-note'), /the grid shows accesses \d+–\d+, around the current step/);
  // Far ahead: another window, holding the new step.
  await page.evaluate(() => window.pagesim.jump(4900));
  steps = await window();
  assert.ok(steps[0] <= 4900 && steps.at(-1) >= 4900, `${steps[0]}–${steps.at(-1)}`);
  // A step costs little: the table is 100 columns, not 1,000.
  const t1 = Date.now();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  assert.ok(opened < 3000 && Date.now() - t1 < 3000, `opened in ${opened} ms, ten steps in ${Date.now() - t1} ms`);
  await page.close();
});

test('a TLB exercise from the dialog is the CLI\'s, with a worksheet and its key', async () => {
  const expected = JSON.parse(execFileSync(cli, ['exercise', '--kind', 'tlb', '--seed', '42', '--count', '10', '--json'], { encoding: 'utf8' }));
  const page = await open(browser.context, base);
  await page.click('#btn-exercise');
  await page.selectOption('#ex-kind', 'tlb');
  assert.equal(await page.isVisible('#ex-policy'), false, 'no policy to choose');
  await page.fill('#ex-seed', '42');
  await page.fill('#ex-length', '10');
  await page.click('#ex-open');
  await page.waitForFunction(() => document.querySelector('#worksheet table'));
  const sheet = await page.evaluate(() => {
    const [blank, key] = document.querySelectorAll('#worksheet table');
    const rows = (t) => [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
    return { blank: rows(blank), key: rows(key) };
  });
  assert.deepEqual(sheet.blank.map((r) => r[0]), expected.accesses.map((a) => '0x' + a.va.toString(16)));
  assert.ok(sheet.blank.every((r) => r[1] === '' && r[2] === ''), 'the question is blank');
  assert.deepEqual(sheet.key.map((r) => [r[1], r[2]]), expected.accesses.map((a) => [String(a.vpn), a.hit ? 'hit' : 'miss']));
  // The page steps through the same machine: its TLB lookups are the answers.
  const lookups = await page.evaluate(() => {
    const sim = window.pagesim.state.sim;
    sim.goto(sim.length);
    return sim.log(0, sim.length).flatMap((r) => r.events).filter((e) => e.type === 'access').map((e) => ({ hit: e.tlb === 'hit' }));
  });
  assert.deepEqual(lookups.map((l) => l.hit), expected.accesses.map((a) => a.hit));
  await page.close();
});
