// The page at the sizes users bring: long runs stepped and played, long traces opened step by
// step, big traces replayed, huge machines drawn. Costs are compared with the same page's cost at
// a small size (ratios), so the tests hold on a slow machine; absolute times go to `./build.sh bench`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open, longScenario } from './helpers.mjs';

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await launch();
});

after(async () => {
  await browser.close();
  server.close();
});

/**
 * The main-thread cost of one step by keyboard at the current position: the script, then style
 * and layout forced at once (what the browser would do before the next paint). Median of `n`.
 */
function stepCost(page, n) {
  return page.evaluate(async (count) => {
    const times = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
      void document.body.offsetHeight; // style and layout now, inside the measurement
      times.push(performance.now() - t0);
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  }, n);
}

test('a step at step 4,000 of a 5,000-step run costs what a step at step 10 costs', async () => {
  const page = await open(browser.context, base);
  const ok = await page.evaluate((text) => window.pagesim.load(text), longScenario(5000));
  assert.ok(ok);
  await page.evaluate(() => window.pagesim.jump(10));
  const early = await stepCost(page, 25);
  await page.evaluate(() => window.pagesim.jump(4000));
  const late = await stepCost(page, 25);
  console.log(`step at 10: ${early.toFixed(2)} ms, at 4,000: ${late.toFixed(2)} ms`);
  assert.ok(late <= Math.max(1.5 * early, early + 1), `step at 4,000 ${late.toFixed(2)} ms vs at 10 ${early.toFixed(2)} ms`);
  // The log still reaches every step: scrolled to the top it shows step 1.
  await page.evaluate(() => { document.getElementById('log').scrollTop = 0; });
  await page.waitForSelector('#log [data-step="1"]');
  assert.equal(await page.evaluate(() => document.querySelectorAll('#log [data-step]').length < 100), true,
    'only the visible rows exist');
  await page.close();
});

test('three seconds of play at top speed from step 3,000 leave no long task, and pause answers at once', async () => {
  const page = await open(browser.context, base);
  await page.evaluate((text) => window.pagesim.load(text), longScenario(5000));
  await page.evaluate(() => {
    const speed = document.getElementById('speed');
    speed.value = speed.max;
    speed.dispatchEvent(new Event('input', { bubbles: true }));
    window.pagesim.jump(3000);
  });
  await page.evaluate(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => window.longTasks.push(...list.getEntries().map((e) => e.duration)))
      .observe({ type: 'longtask' });
  });
  const position = () => page.evaluate(() => window.pagesim.state.sim.position);
  await page.click('#btn-play');
  await page.waitForTimeout(3000);
  const reached = await position();
  const longTasks = await page.evaluate(() => window.longTasks);
  console.log(`3 s at top speed: step 3,000 → ${reached}; tasks over 50 ms: ${JSON.stringify(longTasks.map(Math.round))}`);
  assert.ok(reached > 3300, `play advanced (${reached})`);
  assert.ok(longTasks.every((d) => d <= 100), `long tasks: ${longTasks}`);

  // The same on a machine with 4,096 frames, most of them in use.
  await page.evaluate((text) => {
    window.pagesim.load(text);
    window.pagesim.jump(3000);
  }, longScenario(5000, { frames: 4096, pages: 3000 }));
  await page.evaluate(() => { window.longTasks = []; });
  await page.click('#btn-play');
  await page.waitForTimeout(3000);
  const big = await page.evaluate(() => ({ pos: window.pagesim.state.sim.position, tasks: window.longTasks }));
  console.log(`4,096 frames: step 3,000 → ${big.pos}; tasks over 50 ms: ${JSON.stringify(big.tasks.map(Math.round))}`);
  assert.ok(big.pos > 3300, `play advanced (${big.pos})`);
  assert.ok(big.tasks.every((d) => d <= 100), `long tasks: ${big.tasks}`);
  await page.evaluate(() => window.pagesim.state.playing && document.getElementById('btn-play').click());
  await page.evaluate((text) => window.pagesim.load(text), longScenario(5000));

  // Pause in the middle of a run: the click is handled at once and nothing runs after it.
  await page.evaluate(() => window.pagesim.jump(3000));
  await page.click('#btn-play');
  await page.waitForTimeout(500);
  await page.evaluate(() => {
    // How long the click waited behind playback before its handler ran.
    document.getElementById('btn-play').addEventListener('click', (e) => {
      window.pauseDelay = performance.now() - e.timeStamp;
    }, { capture: true, once: true });
  });
  await page.click('#btn-play');
  const pauseMs = await page.evaluate(() => window.pauseDelay);
  const at = await position();
  await page.waitForTimeout(300);
  assert.ok(at > 3000 && at < 5000, `paused mid-run (${at})`);
  assert.equal(await page.evaluate(() => window.pagesim.state.playing), false);
  assert.equal(await position(), at, 'nothing ran after pause');
  console.log(`pause handled ${pauseMs.toFixed(1)} ms after the click`);
  assert.ok(pauseMs < 50, `pause waited ${pauseMs} ms`);
  await page.close();
});
