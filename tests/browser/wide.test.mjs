// A 64-bit address space in the page: the heading says what 2^64 bytes are, the strip is fitted to
// pages at both ends and the middle, the tooltips print the top addresses exactly, and nothing
// throws where addresses past 2^53 arrive as BigInts (README, *64-bit address spaces*).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, launch, open } from './helpers.mjs';

let server, base, browser;

before(async () => {
  ({ server, base } = await startServer());
  browser = await launch();
});

after(async () => {
  await browser.close();
  server.close();
});

/** Waits for the picture to settle (a redraw on the next frames). */
const settle = (page) => page.evaluate(() => new Promise((r) => {
  const frame = (n) => requestAnimationFrame(() => (n ? frame(n - 1) : setTimeout(r, 0)));
  frame(3);
}));

const centre = (r) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });

async function hover(page, at) {
  const box = await page.locator('#canvas').boundingBox();
  await page.mouse.move(box.x + at.x, box.y + at.y);
  return (await page.isVisible('#tooltip')) ? page.textContent('#tooltip') : null;
}

/** The texts the canvas draws on a redraw. */
const drawnTexts = (page) => page.evaluate(() => {
  const texts = [];
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, ...rest) {
    texts.push(String(text));
    return fill.call(this, text, ...rest);
  };
  try {
    window.pagesim.draw();
  } finally {
    CanvasRenderingContext2D.prototype.fillText = fill;
  }
  return texts;
});

/** How many distinct colours the canvas holds (a blank one has one). */
const colours = (page) => page.evaluate(() => {
  const c = document.getElementById('canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const seen = new Set();
  for (let i = 0; i < d.length; i += 16) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
  return seen.size;
});

for (const [page, top, lowVpn, topVpn] of [
  ['4K', '0xfffffffffffff000', 1, 2 ** 52 - 1],
  ['16', '0xfffffffffffffff0', 0x100, null],
]) {
  test(`a 64-bit space with ${page}-byte pages draws pages at both ends and the middle`, async () => {
    const { errors } = browser;
    const before = errors.length;
    const p = await open(browser.context, base);
    const text = `config vbits=64 levels=4 frames=4 page=${page} swap=16 policy=lru\nspawn A\n`
      + `alloc A low ${page} rw at 0x1000\nalloc A mid ${page} rw at 0x8000000000000000\nalloc A top ${page} rw at ${top}\n`
      + 'write A 0x1000 1\nwrite A 0x8000000000000000 2\nwrite A 0xffffffffffffffff 3\nread A 0xffffffffffffffff\n';
    assert.ok(await p.evaluate((t) => window.pagesim.load(t), text));
    for (let i = 0; i < 8; i++) await p.keyboard.press('ArrowRight');
    await settle(p);
    assert.match(await p.textContent('#step-title'), /^Step 8 of 8/);
    const heading = (await drawnTexts(p)).find((t) => t.startsWith('Virtual address spaces'));
    assert.match(heading, /2\^64 bytes = 16 EiB each/, heading);
    assert.ok(await colours(p) > 8, 'the canvas drew');
    const pid = await p.evaluate(() => window.pagesim.state.sim.stats().processes[0].pid);
    const where = (vpn) => p.evaluate(([pid, v]) => window.pagesim.renderer.locate({ page: { pid, vpn: v } }), [pid, vpn]);
    const low = await where(lowVpn);
    assert.ok(low, 'the low page is drawn');
    if (topVpn != null) {
      // 4 KiB pages: page numbers are exact numbers; the top page has a cell of its own.
      const high = await where(topVpn);
      const middle = await where(2 ** 51);
      assert.ok(high && middle, 'the middle and the top page are drawn');
      assert.ok(low.x < middle.x && middle.x < high.x, 'in address order');
      assert.match(await hover(p, centre(high)), /A page 4503599627370495 \(0xfffffffffffff000–0xffffffffffffffff\)/);
    } else {
      // 16-byte pages: 2^60 pages; the top cell holds a grain of 128 pages and names its last byte exactly.
      const high = await where(2 ** 60 - 128);
      assert.ok(high, 'the top grain is drawn');
      assert.match(await hover(p, centre(high)), /0xfffffffffffff800–0xffffffffffffffff/);
    }
    // The translation panel and the state text take BigInt addresses.
    assert.match(await p.evaluate(() => document.body.innerText), /0xffffffffffffffff/);
    assert.deepEqual(errors.slice(before), [], 'no page errors');
    await p.close();
  });
}
