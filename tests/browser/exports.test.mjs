// Exports in headless Chromium: CSV of the events and statistics, PNG and SVG of the picture.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

const csvField = (s) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

test('CSV export gives every event of the run so far and the statistics', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  await page.keyboard.press('End');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-csv')]);
  assert.equal(download.suggestedFilename(), 'pagesim-swapping.csv');
  const text = readFileSync(await download.path(), 'utf8');
  const lines = text.trim().split('\r\n');
  assert.equal(lines[0], 'step,line,type,pid,page,frame,text');
  const events = await page.evaluate(() => window.pagesim.state.sim.log(0, window.pagesim.state.sim.position)
    .reduce((n, r) => n + r.events.length, 0));
  const blank = lines.indexOf('');
  assert.equal(blank - 1, events, 'one row per event');
  assert.match(lines[1], /^1,2,spawn,0,,,/);
  assert.ok(lines.some((l) => /,"?A write 0x5000 = 50: page 5 not in memory/.test(l)), 'the sentences, quoted where needed');
  const faults = await page.evaluate(() => window.pagesim.state.sim.stats().total.faults);
  assert.ok(lines.includes(`faults,${faults}`));
  // The time figures, for the machine and each process, are the engine's.
  const stats = await page.evaluate(() => window.pagesim.state.sim.stats());
  assert.ok(stats.speed.stall_ns > 0);
  for (const row of [`work_ns,${stats.speed.work_ns}`, `stall_ns,${stats.speed.stall_ns}`, `slowdown,${stats.speed.slowdown}`,
    `A.stall_ns,${stats.processes[0].speed.stall_ns}`, `A.felt,${csvField(stats.processes[0].speed.felt)}`]) {
    assert.ok(lines.includes(row), `the CSV has ${row}`);
  }
  // And the statistics panel says how fast each process felt, and the time that passed.
  const panel = await page.locator('#stats').innerText();
  assert.ok(panel.includes(stats.processes[0].speed.felt), panel);
  assert.match(panel, /elapsed \d[\d.,]* (ns|µs|ms|s)/);
  await page.close();
});

test('PNG export is the picture at twice the CSS size, drawn', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-png')]);
  assert.equal(download.suggestedFilename(), 'pagesim-swapping-step-12.png');
  const png = readFileSync(await download.path());
  assert.equal(png.subarray(1, 4).toString(), 'PNG');
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  const css = await page.evaluate(() => ({ w: document.getElementById('canvas').clientWidth, h: document.getElementById('canvas').clientHeight }));
  assert.deepEqual([w, h], [Math.round(css.w * 2), Math.round(css.h * 2)]);
  // Drawn, not blank: the image decodes in the page to many different colours.
  const colours = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = `data:image/png;base64,${b64}`;
    await img.decode();
    const c = Object.assign(document.createElement('canvas'), { width: img.width, height: img.height });
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const data = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length; i += 4 * 97) seen.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    return seen.size;
  }, png.toString('base64'));
  assert.ok(colours > 20, `${colours} colours`);
  await page.close();
});

test('SVG export is the same picture as the canvas, with text as text', async () => {
  const page = await open(browser.context, `${base}#p=swapping`);
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  await page.waitForTimeout(600); // the newest step's outline has stopped pulsing
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#btn-svg')]);
  assert.equal(download.suggestedFilename(), 'pagesim-swapping-step-12.svg');
  const svg = readFileSync(await download.path(), 'utf8');
  const result = await page.evaluate(async (text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    const texts = [...doc.querySelectorAll('text')].map((t) => t.textContent);
    // Drawn as an image at the canvas's size, it matches the canvas pixel for pixel, give or take
    // anti-aliasing and text rendering.
    const canvas = document.getElementById('canvas');
    const img = new Image();
    img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(text)))}`; // the page's CSP allows data: images
    await img.decode();
    const c = Object.assign(document.createElement('canvas'), { width: canvas.width, height: canvas.height });
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0, c.width, c.height);
    const a = ctx.getImageData(0, 0, c.width, c.height).data;
    const b = canvas.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let off = 0;
    for (let i = 0; i < a.length; i += 4) {
      if (Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]) > 96) off++;
    }
    return { error: doc.querySelector('parsererror')?.textContent ?? null, texts, paths: doc.querySelectorAll('path').length, off: off / (a.length / 4), dpr: devicePixelRatio };
  }, svg);
  assert.equal(result.error, null);
  assert.ok(result.texts.some((t) => t.startsWith('Physical memory')), result.texts.join('|'));
  assert.ok(result.texts.some((t) => t.startsWith('Swap')), 'the swap title is text');
  assert.ok(result.paths > 30, `${result.paths} paths`);
  assert.ok(result.off < 0.02, `${(100 * result.off).toFixed(2)}% of pixels differ`);
  await page.close();
});
