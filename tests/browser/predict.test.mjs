// Predict mode in headless Chromium: it scores answers, gives nothing away while asking, and explains each answer.
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

test('predict mode scores a right and a wrong answer', async () => {
  const text = 'config frames=1 tlb=0 policy=fifo\nspawn T flat\nrefs T 1 1 2\n';
  const page = await open(browser.context, base);
  const payload = await page.evaluate(async (t) => window.pagesim.api.encodeLink(t), text);
  await page.close();
  const p = await open(browser.context, `${base}#s=${payload}&mode=predict`);
  assert.equal(await p.getAttribute('#btn-predict', 'aria-pressed'), 'true', 'the link opened predict mode');
  await p.keyboard.press('ArrowRight'); // spawn: nothing to predict
  assert.match(await p.textContent('#counter'), /step 1 \//);
  await p.keyboard.press('ArrowRight'); // page 1, first touch
  assert.match(await p.textContent('#predict'), /Step 2: T reads 0x1000 \(page 1\)\. What happens\?/);
  assert.match(await p.textContent('#counter'), /step 1 \//, 'not revealed before the answer');
  await p.click('#predict button[data-answer=fault]');
  assert.match(await p.textContent('#predict'), /Right: a page fault\./);
  assert.match(await p.textContent('#predict'), /score 1 \/ 1/);
  assert.match(await p.textContent('#counter'), /step 2 \//);
  await p.keyboard.press('ArrowRight'); // page 1 again: a hit
  await p.click('#predict button[data-answer=fault]');
  assert.match(await p.textContent('#predict'), /Not quite: it is a hit\./);
  assert.match(await p.textContent('#predict'), /score 1 \/ 2/);
  await p.keyboard.press('ArrowRight'); // page 2: a fault with memory full → which victim?
  await p.click('#predict button[data-answer=fault]');
  assert.match(await p.textContent('#predict'), /Which frame will it take\?/);
  await p.click('#predict button[data-answer=frame-0]');
  assert.match(await p.textContent('#predict'), /Right: frame 0 \(T page 1\) was the victim\./);
  assert.match(await p.textContent('#predict'), /score 2 \/ 3/);
  await p.close();
});

test('predict mode gives nothing away while it asks, explains each answer, and scores a step once', async () => {
  const text = 'config frames=2 tlb=0 policy=lru\nspawn T flat\nrefs T 1 2 1 3\n';
  const page = await open(browser.context, base);
  const payload = await page.evaluate(async (t) => window.pagesim.api.encodeLink(t), text);
  await page.close();
  const p = await open(browser.context, `${base}#s=${payload}&mode=predict`);
  await p.keyboard.press('ArrowRight'); // spawn: nothing to predict
  for (const answer of ['fault', 'fault', 'hit']) { // pages 1, 2, 1
    await p.keyboard.press('ArrowRight');
    await p.click(`#predict button[data-answer=${answer}]`);
  }
  assert.match(await p.textContent('#predict'), /score 3 \/ 3 · 3 right in a row/);
  // Page 3 with memory full: the question is which frame, and the LRU order (T2 → T1) must not show.
  await p.keyboard.press('ArrowRight');
  await p.click('#predict button[data-answer=fault]');
  assert.match(await p.textContent('#predict'), /Which frame will it take\?/);
  const order = await p.textContent('#policy-order');
  assert.doesNotMatch(order, /T2|T1|→/, `the order is hidden while asking: "${order}"`);
  // Nor is the policy's state drawn under the frames (it shows the order too).
  const inks = () => p.evaluate(() => {
    const r = window.pagesim.renderer.locate({ policyState: true });
    const data = document.getElementById('canvas').getContext('2d').getImageData(r.x, r.y, r.w, r.h).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size;
  });
  assert.equal(await inks(), 1, 'the state row is blank while asking');
  const before = await p.textContent('#predict');
  const asked = Number(before.match(/score \d+ \/ (\d+)/)[1]);
  await p.click('#predict button[data-answer=frame-1]'); // page 2 sits in frame 1 and was used longest ago
  let shown = await p.textContent('#predict');
  assert.match(shown, /Right: frame 1 \(T page 2\) was the victim\./);
  assert.match(shown, /evicted T page 2/, 'the step\'s own sentence says why');
  assert.match(shown, new RegExp(`score \\d+ / ${asked + 1}`));
  assert.match(await p.textContent('#policy-order'), /LRU order/, 'shown again after the answer');
  assert.ok(await inks() > 10, 'and drawn again');
  // Back over the step and answer it again: not scored twice.
  await p.keyboard.press('ArrowLeft');
  await p.keyboard.press('ArrowRight');
  await p.click('#predict button[data-answer=fault]');
  await p.click('#predict button[data-answer=frame-0]');
  shown = await p.textContent('#predict');
  assert.match(shown, /Not quite: frame 1 \(T page 2\) was the victim\. \(answered before: not scored again\)/);
  assert.match(shown, new RegExp(`score \\d+ / ${asked + 1}`), 'the count did not change');
  await p.close();
});
