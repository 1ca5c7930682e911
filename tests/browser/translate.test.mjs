// The exercise dialog's translation kind in headless Chromium: the CLI's exercise (its tables,
// base register and addresses), the page opened on the machine that holds those tables, and a
// worksheet that prints the question, then the answer key (each walk) on a page of its own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, launch, open, cli } from './helpers.mjs';

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await launch();
});

after(async () => {
  await browser.close();
  server.close();
});

const pdfPages = (pdf) => (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;

// Seed 5 with two levels is OSTEP's machine (32-byte pages, 5-bit indices, 128 frames): the
// largest dump, still one printed page with its addresses.
for (const [levels, seed] of [['1', '42'], ['2', '5'], ['3', '42']]) {
  test(`a ${levels}-level translation exercise from the dialog is the CLI's, with a worksheet and its key on its own page`, async () => {
    const args = ['exercise', '--kind', 'translate', '--seed', seed, '--count', '10', '--levels', levels];
    const expected = JSON.parse(execFileSync(cli, [...args, '--json'], { encoding: 'utf8' }));
    const question = execFileSync(cli, args, { encoding: 'utf8' });
    const page = await open(browser.context, base);
    await page.click('#btn-exercise');
    await page.selectOption('#ex-kind', 'translate');
    assert.equal(await page.isVisible('#ex-policy'), false, 'no policy to choose');
    assert.equal(await page.isVisible('#ex-levels'), true, 'levels to choose');
    assert.deepEqual(await page.$$eval('#ex-levels option', (os) => os.map((o) => o.value)), ['1', '2', '3']);
    await page.selectOption('#ex-levels', levels);
    await page.fill('#ex-seed', seed);
    await page.fill('#ex-length', '10');
    await page.click('#ex-open');
    await page.waitForFunction(() => document.querySelector('#worksheet pre.dump'));

    // The question: the CLI's machine, base register and dump, word for word; the addresses blank.
    const sheet = await page.evaluate(() => {
      const [blank, key] = document.querySelectorAll('#worksheet table');
      const rows = (t) => [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent));
      return { dump: document.querySelector('#worksheet pre.dump').textContent, blank: rows(blank), key: rows(key) };
    });
    assert.ok(question.includes(sheet.dump), `the dump is the CLI's:\n${sheet.dump}\n---\n${question}`);
    assert.ok(sheet.dump.includes(`Base register (pdbr): frame ${expected.pdbr}`));
    for (const frame of Object.keys(expected.tables)) assert.match(sheet.dump, new RegExp(`^frame +${frame}  \\[`, 'm'), `table ${frame}`);
    const hex = (n) => '0x' + n.toString(16);
    assert.deepEqual(sheet.blank.map((r) => r[0]), expected.addresses.map((a) => hex(a.va)));
    assert.ok(sheet.blank.every((r) => r.length === 2 && r[1] === ''), 'nothing filled in');
    // The key: the CLI's answers and walks.
    assert.deepEqual(sheet.key, expected.addresses.map((a) => [hex(a.va), a.fields, a.pa == null ? 'fault: not present' : hex(a.pa), a.explain]));

    // The page stands at the end of the scenario that builds the machine: the engine's walks there
    // are the answers (P is the third process: other, gone, P).
    const walks = await page.evaluate((vas) => {
      const sim = window.pagesim.state.sim;
      return { atEnd: sim.atEnd, walks: vas.map((va) => sim.translate(2, va)) };
    }, expected.addresses.map((a) => a.va));
    assert.equal(walks.atEnd, true);
    assert.deepEqual(walks.walks.map((t) => t.physical ?? null), expected.addresses.map((a) => a.pa));
    assert.deepEqual(walks.walks.map((t) => t.table_frames[0]), expected.addresses.map(() => expected.pdbr));

    // Printed: the worksheet only, the question on one page and the key on the next.
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('#canvas'), false, 'printing shows the worksheet only');
    assert.equal(await page.isVisible('#worksheet pre.dump'), true);
    assert.equal(await page.$eval('#worksheet .answer-key', (k) => getComputedStyle(k).breakBefore), 'page');
    assert.equal(pdfPages(await page.pdf({ format: 'A4' })), 2, 'the question on page 1, the answer key on page 2');
    await page.emulateMedia({ media: 'screen' });
    await page.click('#btn-exercise');
    assert.equal(await page.inputValue('#ex-kind'), 'translate', 'the dialog keeps its kind');
    await page.uncheck('#ex-key');
    await page.click('#ex-open');
    await page.waitForFunction(() => document.getElementById('worksheet').classList.contains('without-key'));
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.isVisible('#worksheet .answer-key'), false);
    assert.equal(pdfPages(await page.pdf({ format: 'A4' })), 1, 'the question only');
    assert.deepEqual(browser.errors, []);
    await page.close();
  });
}

test('a bad count in the translation dialog is named, and nothing opens', async () => {
  const page = await open(browser.context, base);
  await page.click('#btn-exercise');
  await page.selectOption('#ex-kind', 'translate');
  await page.fill('#ex-length', '500');
  await page.click('#ex-open');
  await page.waitForFunction(() => document.getElementById('ex-status').textContent !== '');
  assert.match(await page.textContent('#ex-status'), /count must be at most 100/);
  assert.equal(await page.isVisible('#exercise-dialog'), true);
  assert.equal(await page.$eval('#worksheet', (w) => w.children.length), 0);
  await page.close();
});
